"""indexes.name_tools: a named exercise plus a tool the request adds picks the variant done on that tool."""
from tests.indexes.test_names import matcher, top  # noqa: F401 (fixture)


def test_a_named_tool_picks_the_exercise_done_on_it(matcher):
    # the captain's chair is the catalog's leg raise tower: its dip, not the parallel bar one
    assert top(matcher, "dips on the captains chair") == "tower_dip"
    assert top(matcher, "captain's chair") == "captains_chair_knee_raise"
    assert top(matcher, "dips") == "parallel_bar_dip"


def test_a_tool_picks_the_only_exercise_of_the_same_kind_done_on_it(matcher):
    # no name of the ball back extension holds 'superman'; it is the one hinge for the lower back on the ball
    assert top(matcher, "superman on a swiss ball") == "stability_ball_back_extension"
    assert top(matcher, "superman") == "superman"


def test_a_tool_beside_an_exercise_already_done_on_a_tool_is_its_attachment(matcher):
    assert top(matcher, "绳索下压用直杆") == "triceps_pushdown"  # not the JM press, the barbell's elbow extension


def test_among_same_kind_exercises_on_the_tool_the_closest_name_wins(matcher):
    assert top(matcher, "跪着做的高位下拉 用弹力带") == "band_lat_pulldown"  # shares 下拉; the assisted pull-up nothing
    # a glued name in the request still names the exercise whose own name is written glued
    assert top(matcher, "straight arm cable pulldown for lats") == "straight_arm_pulldown"


def test_of_several_same_kind_exercises_on_the_tool_the_one_the_request_also_names_wins(matcher):
    # 'bicep curl' is the dumbbell curl; on the cable three curls train the same way, 'cable … curl' names one
    assert top(matcher, "bicep curls on the cable") == "cable_curl"


def test_a_misspelt_name_plus_a_tool_still_picks_the_variant_on_it(matcher):
    assert top(matcher, "deadlfit with the hex bar") == "trap_bar_deadlift"  # the typo names the deadlift
    assert top(matcher, "deadlfit") == "barbell_deadlift"


def test_an_either_tool_exercise_keeps_its_name_with_the_other_tool(matcher):
    # goblet squats and suitcase carries are done with a dumbbell as often as a kettlebell (aliases also_with)
    assert top(matcher, "dumbbell goblet squat") == "goblet_squat"
    assert top(matcher, "哑铃高脚杯深蹲") == "goblet_squat"
    assert top(matcher, "suitcase carry with a dumbbell") == "suitcase_carry"
    assert top(matcher, "拿哑铃做深蹲") == "dumbbell_squat"   # the one the catalog lists the dumbbell for, first
