"""Intent rules (agent/intents.py): what a message asks for, from cue words and the facts it states."""
import pytest

from agent.intents import decide
from agent.slots import extract_profile


def intent(text: str, plans: dict | None = None) -> str | None:
    return decide(text, extract_profile(text), {}, plans or {})


@pytest.mark.parametrize("text, expected", [
    ("你好呀", "small_talk"), ("thx a lot", "small_talk"),
    ("I'm 14, how many days a week should I train", "knowledge"),       # question word mid-sentence
    ("wrist pain on push ups, what can i do instead", "knowledge"),
    ("组间休息多久", "knowledge"), ("knee position in a squat", "knowledge"),  # a topic without "?"
    ("我15岁 女 160 50kg 想减肥 吃多少", "nutrition_plan"),                 # body facts + eating question
    ("I want to lose 5 kg by summer", "nutrition_plan"),                 # a weight goal: the plan asks the rest
    ("no equipment, 5 days, lose fat, 30 min", "training_plan"),
    ("what can I do today with dumbbells in 30 min", "today"),
    ("hip thrust muscles?", "muscles"),
])
def test_what_people_type_gets_its_intent(text, expected):
    assert intent(text) == expected


@pytest.mark.parametrize("text", ["hmm, and what about rest?", "and protein?", "那个呢？"])
def test_bare_follow_ups_are_left_to_the_model(text):
    assert intent(text) is None


def test_edits_need_a_saved_plan():
    assert intent("改成每周3天", {"training": True}) == "edit_training"
    assert intent("去掉鸡蛋", {"nutrition": True}) == "edit_nutrition"
    assert intent("去掉鸡蛋") != "edit_nutrition"


def test_a_named_meal_of_the_saved_plan_is_swapped_not_the_training():
    from agent.core import _meal_slot

    plan = {"week_plan": [{"day": 0, "meals": [{"slot": "breakfast"}, {"slot": "lunch"}, {"slot": "dinner"}]}]}
    assert intent("第二天的晚饭换一个", {"training": True, "nutrition": True}) == "edit_nutrition"
    assert _meal_slot("第二天的晚饭换一个", plan) == "dinner" and _meal_slot("different lunch pls", plan) == "lunch"
    assert _meal_slot("swap the squat", plan) is None
    assert "days_per_week" not in extract_profile("第二天的第二个动作换一个")
    assert "days_per_week" not in extract_profile("swap the first exercise on day 3")
