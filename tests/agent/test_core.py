"""FitnessAgent turns: router fast path with real tools, memory across turns, asks, refusals, ReAct."""
import json

import pytest

from agent.backends import FakeBackend
from agent.core import Conversation, FitnessAgent
from agent.react import FINISH


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
    assert len(turn.data["sessions"]) == 3
    first = turn.data["sessions"][0]["exercises"][0]
    assert first["exercise_id"] in turn.answer  # the answer shows the planner's exercises, not invented ones
    meals = agent.respond(conv, "now plan my meals")
    assert meals.route == "nutrition_plan" and meals.trace[0]["args"]["weight_kg"] == 80
    assert f"{meals.data['targets']['kcal']:.0f} kcal" in meals.answer


def test_missing_profile_fields_are_asked_for_in_the_users_language(agent):
    assert "年龄" in agent.respond(Conversation(), "帮我制定一个训练计划").answer
    ask = agent.respond(Conversation(), "make me a meal plan")
    assert ask.route == "ask" and "weight" in ask.answer


def test_unsafe_requests_are_refused(agent):
    turn = agent.respond(Conversation(), "我想一周瘦十斤，每天只吃500卡")
    assert turn.route == "unsafe" and "医生" in turn.answer and not turn.trace


def test_equipment_named_in_text_answers_from_the_catalog(agent):
    turn = agent.respond(Conversation(), "腿举机怎么用")
    assert turn.route == "equipment" and turn.data["id"] == "leg_press_machine"
    assert turn.data["setup"][0] in turn.answer


def test_gif_requests_attach_clips(agent):
    turn = agent.respond(Conversation(), "show me how to do a push-up")
    assert turn.route == "gif" and turn.attachments and turn.attachments[0]["path"].endswith(".gif")


def test_unclear_requests_go_through_react_with_a_trace():
    fake = FakeBackend([json.dumps({"thought": "ask kb", "action": "KnowledgeBase",
                                    "action_input": {"question": "rest days", "lang": "en"}}),
                        json.dumps({"thought": "done", "action": FINISH, "action_input": {"answer": "Rest 1-2 days."}})])
    fake.name = "local"
    agent = FitnessAgent(fake)
    agent.router.min_similarity = 2.0  # force the ReAct path
    turn = agent.respond(Conversation(), "hmm, and what about rest?")
    assert turn.route == "react" and turn.answer == "Rest 1-2 days."
    assert turn.trace[0]["tool"] == "KnowledgeBase"
