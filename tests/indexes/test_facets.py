"""What a request describes without naming it: tool, muscle, position and motion against the catalog's fields."""
import pytest

from indexes.facets import FacetMatcher
from indexes.names import NameMatcher
from knowledge import load_knowledge


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(validate=False)


@pytest.fixture(scope="module")
def facets(kb):
    return FacetMatcher(kb)


def kinds(facets, query):
    return sorted({f for g in facets.describe(query) for f in g if len(g) == 1})


def test_describe_reads_tool_muscle_position_and_motion(facets):
    assert kinds(facets, "练二头 用壶铃") == [("eq", "kettlebells"), ("mu", "biceps")]
    assert kinds(facets, "lying on my side lifting the top leg up") == [("pos", "side")]  # not 'lying' too
    assert ("eq", "bodyweight") in kinds(facets, "不拿任何重量的深蹲")
    assert ("pos", "one_arm") in kinds(facets, "how do people do a push up with one hand")
    assert kinds(facets, "胳膊后面松松的") == [("mu", "triceps")]
    assert ("home", True) in kinds(facets, "something for my lower back i can do at home")


def test_longer_words_hide_the_shorter_inside_them(facets):
    assert ("mu", "chest") not in kinds(facets, "抱着壶铃在胸前深蹲")          # 胸前 says where, not a muscle
    assert ("mu", "abductors") in kinds(facets, "练臀部外侧")
    # a named tool beats the generic word next to it: only the cable machine, not every machine
    assert [g for g in facets.describe("rear delt exercise on the cable crossover machine")
            if all(f[0] == "eq" for f in g)] == [frozenset({("eq", "cable_machine")})]


def test_english_typos_of_facet_words_are_corrected_but_real_words_are_not(facets):
    assert ("eq", "kettlebells") in kinds(facets, "swings with a kettelbell")
    assert ("eq", "resistance_band") not in kinds(facets, "push up with one hand")  # hand is a word, not 'band'


@pytest.mark.parametrize("query, expected", [
    ("练二头 用壶铃", "kettlebell_curl"), ("用泡沫轴滚大腿前面", "foam_roll_quads"),
    ("躺着 脚放在瑜伽球上 把球勾回来", "stability_ball_leg_curl"), ("biceps with a kettlebell", "kettlebell_curl")])
def test_match_finds_the_described_exercise(facets, query, expected):
    assert facets.match(query)[0][0] == expected


def test_a_tool_the_exercise_lacks_costs(facets):
    with_tool = dict((i, s) for i, s, _ in facets.match("biceps with a kettlebell", 300))
    assert with_tool["kettlebell_curl"] > with_tool.get("dumbbell_curl", 0.0)


def test_nothing_described_matches_nothing(facets):
    assert facets.match("weather tomorrow in Beijing") == [] and facets.match("") == []


@pytest.mark.parametrize("query, expected", [
    ("抱着一个壶铃在胸前深蹲", "goblet_squat"), ("不拿任何重量的深蹲", "bodyweight_squat"),
    ("how do people do a push up with one hand", "one_arm_push_up"), ("squat", "barbell_back_squat"),
    ("坐姿划船练背", "seated_cable_row"), ("t杠划船咋做", "t_bar_row")])
def test_the_described_variant_of_a_named_exercise_leads(kb, facets, query, expected):
    names = NameMatcher(kb)
    found = names.match(query)
    assert facets.prefer_described(query, found, lambda i: names.variants(query, i))[0] == expected


def test_a_one_arm_variant_not_asked_for_loses_to_the_two_handed_one(facets):
    found = [i for i, _, _ in facets.match("坐着用绳索把手柄拉向身体", 300)]
    assert found.index("seated_cable_row") < found.index("single_arm_cable_row")
    asked = [i for i, _, _ in facets.match("坐着单手用绳索把手柄拉向身体", 300)]
    assert asked.index("single_arm_cable_row") < asked.index("seated_cable_row")


def test_a_specific_name_is_not_overridden_by_a_weaker_one(kb, facets):
    names = NameMatcher(kb)
    query = "how do i do a rdl without rounding my back"
    assert facets.prefer_described(query, names.match(query), lambda i: names.variants(query, i))[0] == "romanian_deadlift"


def test_a_homophone_typo_of_the_name_still_yields_the_described_variant(kb, facets):
    names = NameMatcher(kb)
    query = "壶铃 深敦"
    assert facets.prefer_described(query, names.match(query), lambda i: names.variants(query, i))[0] == "goblet_squat"


def test_a_tool_used_as_a_name_yields_to_what_is_described_on_it(kb, facets):
    names = NameMatcher(kb)
    pick = lambda q: facets.prefer_described(q, names.match(q), lambda i: names.variants(q, i))[0]  # noqa: E731
    assert pick("core exercise hanging from the pull up bar") == "hanging_leg_raise"
    assert pick("pull up bar at home") == "pull_up"


def test_articles_people_drop_do_not_matter_and_hands_up_is_a_position(kb, facets):
    assert ("pos", "feet_up") in kinds(facets, "feet on bench")  # = feet on a bench, and no bench tool
    assert ("eq", "weight_bench") not in kinds(facets, "feet on bench")
    names = NameMatcher(kb)
    pick = lambda q: facets.prefer_described(q, names.match(q), lambda i: names.variants(q, i))[0]  # noqa: E731
    assert pick("pushups but easier, hands on the kitchen counter") == "incline_push_up"
    assert pick("俯卧撑 手放在凳子上") == "incline_push_up"
    assert pick("脚放凳子上的俯卧撑") == "decline_push_up"


def test_words_that_only_contain_a_facet_describe_nothing(facets):
    assert facets.describe("猫咪拉肚子怎么办") == [] and facets.describe("推荐一款笔记本电脑") == []


def test_a_word_of_a_facet_phrase_is_no_typo(facets):
    # 'power' is in 'power tower' (the leg raise tower), so it is not corrected to 'rower'
    assert kinds(facets, "power tower knee raises") == [("eq", "leg_raise_tower"), ("mv", "core_flexion")]
    assert facets.match("power tower knee raises")[0][0] == "captains_chair_knee_raise"


@pytest.mark.parametrize("query, expected", [
    ("harder push ups", "decline_push_up"), ("引体向上做不了", "assisted_pull_up"), ("beginner version of dips", "assisted_dip"),
    ("push ups", "push_up"), ("新手深蹲要注意什么", "barbell_back_squat")])  # 'I am new' asks for the usual one
def test_easier_or_harder_picks_a_variant_a_level_that_way(kb, facets, query, expected):
    names = NameMatcher(kb)
    assert facets.prefer_described(query, names.match(query), lambda i: names.variants(query, i))[0] == expected


def test_a_sibling_in_the_position_asked_leads_whatever_its_name(kb, facets):
    # no name of the seated leg curl holds 'hamstring curl', but it trains the same way, sitting
    names = NameMatcher(kb)
    pick = lambda q: facets.prefer_described(q, names.match(q), lambda i: names.variants(q, i))[0]  # noqa: E731
    assert pick("hamstring curl machine sitting") == "seated_leg_curl"
    assert pick("hamstring curl machine") == "lying_leg_curl"
    assert pick("one arm dumbbell row on a bench") == "one_arm_dumbbell_row"  # a bench is no position


def test_a_name_written_glued_or_spaced_says_the_same_tool(kb, facets):
    # 'lat pulldown' is the name the request used, so its machine is no facet the band version lacks
    names = NameMatcher(kb)
    query = "lat pulldown but with a resistance band"
    assert facets.prefer_described(query, names.match(query), lambda i: names.variants(query, i))[0] == "band_lat_pulldown"


def test_side_on_is_the_side_position(kb, facets):
    assert ("pos", "side") in kinds(facets, "平板撑 侧着")
    names = NameMatcher(kb)
    query = "平板撑 侧着"
    assert facets.prefer_described(query, names.match(query), lambda i: names.variants(query, i))[0] == "side_plank"


def test_either_tool_exercise_takes_the_other_tool_without_the_penalty(facets):
    # a suitcase carry is as often done with a dumbbell; the catalog lists the kettlebell it needs
    assert facets.facets["suitcase_carry"][("eq", "dumbbell")] < facets.facets["suitcase_carry"][("eq", "kettlebells")]
    assert "suitcase_carry" in [i for i, _, _ in facets.match("carry a dumbbell in one hand", 5)]
    assert ("eq", "dumbbell") not in facets.facets["kettlebell_swing"]    # only the listed ones
    ids = [i for i, _, _ in facets.match("squat holding a dumbbell", 10)]
    assert ids.index("dumbbell_squat") < ids.index("goblet_squat")        # the dumbbell exercise wins the tie


def test_a_position_inside_a_tool_name_still_counts(facets):
    assert ("pos", "seated") in kinds(facets, "seated calf raise machine")
    assert ("pos", "seated") in kinds(facets, "坐姿提踵机")
    assert ("pos", "seated") not in kinds(facets, "calf raise machine")


def test_the_spine_is_moved_by_the_back(facets):
    spine = frozenset({("mu", "middle_back"), ("mu", "lower_back")})
    assert spine in facets.describe("on my hands and knees rounding and arching my spine")
    assert spine in facets.describe("活动脊柱")
    # all fours and the back for the cat-cow and the bird dog; rounding and arching (mobility) for the cat-cow alone
    top = facets.match("on my hands and knees rounding and arching my spine", 2)
    assert [(i, n) for i, _, n in top] == [("cat_cow", 3), ("bird_dog", 2)]


def test_a_stretch_earns_half_for_its_muscle_unless_the_request_asks_to_stretch(facets):
    # kneeling, leaning back, quads: the reverse Nordic trains them, the hip flexor stretch stretches them
    trains = [i for i, _, _ in facets.match("跪着 身体往后仰 练大腿前侧", 2)]
    assert trains[0] == "reverse_nordic"
    assert facets.match("跪着 身体往后仰 拉伸大腿前侧", 1)[0][0] == "kneeling_hip_flexor_stretch"


@pytest.mark.parametrize("query, named, other", [
    ("lying face down on a bench curling my heels to my butt", "barbell_bench_press", True),   # 'bench', 'curl'
    ("on my back, feet flat, push hips up to the ceiling", "push_up", True),                   # 'push … up'
    ("push ups on my knees", "knee_push_up", False),          # the variant has what the rest asks
    ("bench press with a barbell", "barbell_bench_press", False),  # nothing else described
    ("romanian deadlift lying on my back", "romanian_deadlift", False),  # not named by a facet word
])
def test_a_request_named_only_by_facet_words_may_describe_another_exercise(kb, facets, query, named, other):
    names = NameMatcher(kb)
    heads = [h for h in (names.variants(query, i)[0] for i, _ in names.match(query)) if h]
    assert facets.describes_other(query, named, heads) is other


def test_opposite_arm_and_leg_is_read_from_any_step(facets):
    # the bird dog reaches out an arm and the other side's leg in its third step, not in how it starts
    assert facets.facets["bird_dog"].get(("pos", "opposite_limbs")) and facets.facets["dead_bug"].get(("pos", "opposite_limbs"))
    assert ("pos", "opposite_limbs") not in facets.facets["kneeling_hip_flexor_stretch"]
    assert facets.match("跪在地上一只手一只脚伸直", 1)[0][0] == "bird_dog"
