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


@pytest.mark.parametrize("text", ["make me a plan", "i need a plan pls", "帮我做个计划", "给我一个方案"])
def test_a_plan_of_no_named_kind_asks_which(text):
    assert intent(text) == "which_plan"


@pytest.mark.parametrize("first, reply, expected", [
    ("make me a plan", "muscle gain, 4 days, 60 min, full gym", "training_plan"),
    ("make me a plan", "meals please", "ask"),                      # a meal plan: asks the body facts next
    ("帮我做个计划", "女 30 165 60公斤", "nutrition_plan"),
    ("帮我做个计划", "训练的，每周三天，每次40分钟，在家", "training_plan"),
])
def test_the_reply_to_which_plan_builds_that_plan(first, reply, expected):
    from agent.backends import FakeBackend
    from agent.core import Conversation, FitnessAgent

    agent, conv = FitnessAgent(FakeBackend()), Conversation()
    agent.fast_path = False
    asked = agent.respond(conv, first)
    assert asked.route == "ask" and conv.pending == "which_plan"
    turn = agent.respond(conv, reply)
    assert turn.route == expected
    if expected == "ask":
        assert turn.data["plan"] == "nutrition_plan"


def test_running_is_not_the_treadmill_but_the_treadmill_is():
    from knowledge import load_knowledge
    from tools.catalog import find_equipment

    kb = load_knowledge()
    assert find_equipment("产后多久可以开始跑步", kb) == [] and find_equipment("去划船", kb) == []
    assert find_equipment("跑步机怎么用", kb) and find_equipment("划船机练哪里", kb)


@pytest.mark.parametrize("text, lang", [("我怀孕20周了还能练吗", "zh"), ("I'm 24 weeks pregnant, can I still lift?", "en")])
def test_a_pregnancy_question_gets_the_guidance_and_an_answer_not_a_not_found(text, lang):
    from agent.backends import FakeBackend
    from agent.core import Conversation, FitnessAgent

    turn = FitnessAgent(FakeBackend()).respond(Conversation(), text)
    assert "ACOG" in turn.answer and turn.data["safety"] == "pregnancy"
    assert "没有找到" not in turn.answer and "could not find" not in turn.answer
