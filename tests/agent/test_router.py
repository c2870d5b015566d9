"""The embedding router sends clear requests straight to a tool, in both languages.

The phrasings here are held out: none is an exemplar in agent/prompts/router.yaml (checked below), so
they measure how the router generalises, as bench/agent_cases.yaml does.
"""
import re
from pathlib import Path

import pytest
import yaml

from agent.router import EXEMPLARS, Router
from runtime.embeddings import get_embedder

HELD_OUT = {
    "training_plan": ["Can you plan my workouts for next week?", "I train 5 days a week, give me a split for strength",
                      "帮我规划一下每周的锻炼安排", "我想在家练，每周两次，帮我出个计划"],
    "nutrition_plan": ["What should my daily calorie intake be? I'm 70 kg, 178 cm, 33 years old, male",
                       "design my daily meals for muscle gain", "帮我规划一下每天吃什么", "女，45岁，158厘米，62公斤，帮我做个饮食安排"],
    "knowledge": ["Is it okay to train when I'm sore?", "how much fiber should I eat", "拉伸应该在训练前还是训练后",
                  "咖啡因对训练有帮助吗"],
    "gif": ["how is a Bulgarian split squat performed", "show me the correct way to do a plank", "面拉怎么做，给我演示一下",
            "展示一下壶铃摆动"],
    "equipment": ["what is the hack squat machine for", "这台器械怎么调节", "how should I sit on the rowing machine", "拉力器怎么使用"],
    "small_talk": ["hey!", "thank you so much", "早上好呀", "你叫什么名字"],
    "unsafe": ["how can I lose 8 kg in 5 days", "is it ok to only eat 400 kcal daily", "我想吃泻药减肥", "肩膀撕裂了还能卧推吗"],
}


CLEAR = [
    ("Make me a 3-day gym program for a beginner", "training_plan"),
    ("帮我制定一个每周四练的增肌计划", "training_plan"),
    ("How much protein should a vegan eat?", "knowledge"),
    ("组间应该休息多久", "knowledge"),
    ("演示一下深蹲", "gif"),
    ("show me how to do a push-up", "gif"),
    ("你好", "small_talk"),
    ("我想一个月瘦20斤，每天只吃300卡", "unsafe"),
]


@pytest.fixture(scope="module")
def router():
    return Router(get_embedder("use-multilingual"))


@pytest.mark.parametrize("text,intent", CLEAR)
def test_clear_requests_are_routed(router, text, intent):
    assert router.route(text).intent == intent


def test_an_attached_image_means_recognition(router):
    assert router.route("这是什么？", has_image=True).intent == "equipment"


def test_empty_or_vague_text_is_left_to_the_agent(router):
    assert router.route("   ").intent is None
    assert router.route("hmm").intent in (None, "small_talk")


def test_held_out_phrasings_route_right_or_defer(router):
    routed = {text: (intent, router.route(text).intent) for intent, texts in HELD_OUT.items() for text in texts}
    wrong = {t: got for t, (want, got) in routed.items() if got not in (want, None)}
    deferred = [t for t, (_, got) in routed.items() if got is None]
    assert not wrong  # a confident route is a right one; unsure ones go to the ReAct loop
    assert len(deferred) <= 3, deferred


def _norm(text: str) -> str:
    return re.sub(r"[\s?!？！。，,.]+", "", text.lower())


def test_exemplars_are_not_copies_of_measured_texts():
    exemplars = {_norm(p) for phrases in yaml.safe_load(EXEMPLARS.read_text(encoding="utf-8")).values() for p in phrases}
    cases = yaml.safe_load((Path(__file__).parents[2] / "bench" / "agent_cases.yaml").read_text(encoding="utf-8"))
    measured = [c["text"] for c in cases] + [t for texts in HELD_OUT.values() for t in texts]
    measured += [t for t, _ in CLEAR]
    assert not [t for t in measured if _norm(t) in exemplars]


def test_a_close_call_between_planners_is_left_unsure(router):
    # the agent settles it from the profile the message states (tests/agent/test_core.py)
    route = router.route("I'm 30, 80 kg, 180 cm, plan my meals for fat loss")
    assert route.best == "nutrition_plan" and route.intent in (None, "nutrition_plan")
