"""FitnessAgent turns: router fast path with real tools, memory across turns, asks, refusals, ReAct."""
import json

import pytest

from agent.backends import FakeBackend
from agent.core import Conversation, FitnessAgent


@pytest.fixture(scope="module")
def agent():
    return FitnessAgent(FakeBackend())


def test_greeting_and_empty_message(agent):
    assert "FitnessLM" in agent.respond(Conversation(), "你好").answer
    turn = agent.respond(Conversation(), "   ")
    assert turn.route == "empty" and "message" in turn.answer


def test_training_plan_uses_the_planner_and_remembers_the_profile(agent):
    conv = Conversation()
    turn = agent.respond(conv, "I'm a 30 year old man, 80 kg, 180 cm. Make me a 3 day per week gym program to build muscle")
    assert turn.route == "training_plan" and turn.trace[0]["tool"] == "plan_training" and turn.trace[0]["ok"]
    assert turn.trace[0]["label"] == {"en": "Training planner", "zh": "训练计划"}  # the toolbox's label
    assert len(turn.data["sessions"]) == 3
    first = turn.data["sessions"][0]["exercises"][0]
    assert first["name"]["en"] in turn.answer  # the answer shows the planner's exercises, not invented ones
    assert first["exercise_id"] not in turn.answer  # ids are for the UI's data, not the reader
    meals = agent.respond(conv, "now plan my meals")
    assert meals.route == "nutrition_plan" and meals.trace[0]["args"]["weight_kg"] == 80
    assert f"{meals.data['targets']['kcal']:.0f} kcal" in meals.answer


def test_missing_profile_fields_are_asked_for_in_the_users_language(agent):
    ask = agent.respond(Conversation(), "帮我制定一个训练计划")
    assert "每周训练天数" in ask.answer and "例如" in ask.answer and "年龄" not in ask.answer  # adult assumed
    ask = agent.respond(Conversation(), "make me a meal plan")
    assert ask.route == "ask" and "weight" in ask.answer


def test_stated_profile_settles_an_unsure_route(agent):
    turn = agent.respond(Conversation(), "I'm 30, 80 kg, 180 cm, plan my meals for fat loss")
    assert turn.route == "ask" and "nutrition plan" in turn.answer and "sex" in turn.answer
    turn = agent.respond(Conversation(), "男，40岁，身高172厘米，体重85公斤，想减脂，每天应该吃多少热量")
    assert turn.route == "nutrition_plan" and "千卡" in turn.answer


def test_unsafe_requests_are_refused(agent):
    turn = agent.respond(Conversation(), "我想一周瘦十斤，每天只吃500卡")
    assert turn.route == "safety" and turn.data["safety"] == "very_low_calorie" and "医生" in turn.answer
    assert not turn.trace


def test_equipment_named_in_text_answers_from_the_catalog(agent):
    turn = agent.respond(Conversation(), "腿举机怎么用")
    assert turn.route == "equipment" and turn.data["id"] == "leg_press_machine"
    assert turn.data["setup"][0] in turn.answer


def test_gif_requests_attach_clips(agent):
    turn = agent.respond(Conversation(), "show me how to do a push-up")
    assert turn.route == "gif" and turn.attachments and turn.attachments[0]["path"].endswith(".gif")


def test_unclear_requests_go_through_react_with_a_trace():
    fake = FakeBackend([json.dumps({"tool": "KnowledgeBase", "args": {"question": "rest days"}}),
                        json.dumps({"reply": "Rest 1-2 days."})])
    fake.name = "local"
    agent = FitnessAgent(fake, tool_answers=False)  # the model writes the answer from the tool's result
    agent.router.min_similarity = 2.0  # force the ReAct path
    turn = agent.respond(Conversation(), "hmm, and what about rest?")
    assert turn.route == "react" and turn.answer == "Rest 1-2 days."
    assert turn.trace[0]["tool"] == "KnowledgeBase" and turn.trace[0]["label"]["zh"] == "知识库"


def test_local_react_answers_from_the_tool_result_like_the_router():
    fake = FakeBackend([json.dumps({"tool": "ExerciseGif", "args": {"query": "push-up"}})])
    fake.name = "local"
    agent = FitnessAgent(fake)
    agent.router.min_similarity = 2.0
    turn = agent.respond(Conversation(), "hmm, the floor one with arms?")
    assert turn.route == "react" and turn.trace[0]["args"] == {"query": "push-up", "lang": "en"}
    assert turn.attachments and turn.attachments[0]["path"].endswith(".gif")
    assert turn.data["hits"][0]["caption_en"] in turn.answer and len(fake.requests) == 1


def test_planners_chosen_by_the_model_use_the_stated_profile_and_ask_for_the_rest():
    made_up = {"goal": "hypertrophy", "days_per_week": 3, "minutes_per_session": 60, "age": 25}
    fake = FakeBackend([json.dumps({"tool": "TrainingPlanner", "args": made_up})] * 2)
    fake.name = "local"
    agent = FitnessAgent(fake)
    agent.fast_path = False
    conv = Conversation()
    turn = agent.respond(conv, "get me going with lifting")
    assert turn.data == {"missing": ["goal", "days_per_week", "minutes_per_session", "place"], "plan": "training_plan"}
    assert "days per week" in turn.answer  # not 3 days from thin air
    turn = agent.respond(conv, "I'm 41 and can train 2 days a week")
    assert turn.trace[0]["tool"] == "plan_training" and turn.trace[0]["args"]["age"] == 41
    assert len(turn.data["sessions"]) == 2 and "**" in turn.answer and "I assumed" in turn.answer  # asked once


def test_react_equipment_guide_answers_from_the_catalog():
    fake = FakeBackend([json.dumps({"tool": "EquipmentGuide", "args": {"name": "腿举机"}})])
    fake.name = "local"
    agent = FitnessAgent(fake)
    agent.fast_path = False
    turn = agent.respond(Conversation(), "那个蹬腿的器械怎么调")
    assert turn.trace[0]["args"] == {"name": "腿举机", "lang": "zh"} and turn.data["id"] == "leg_press_machine"
    assert turn.data["setup"][0] in turn.answer


@pytest.mark.parametrize("ask, reply, route", [
    ("Make me a training plan please", "I'm 34, 4 days a week", "training_plan"),
    ("帮我做一个营养计划", "男，30岁，180厘米，75公斤", "nutrition_plan"),
])
def test_a_reply_with_the_asked_details_resumes_that_plan(agent, ask, reply, route):
    conv = Conversation()
    first = agent.respond(conv, ask)
    assert first.route == "ask" and conv.pending == route
    second = agent.respond(conv, reply)
    assert second.route == route and second.data and second.data.get("kind") == route
    assert conv.pending is None
