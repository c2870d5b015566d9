"""The embedding router sends clear requests straight to a tool, in both languages."""
import pytest

from agent.router import Router
from runtime.embeddings import get_embedder


@pytest.fixture(scope="module")
def router():
    return Router(get_embedder("use-multilingual"))


@pytest.mark.parametrize("text,intent", [
    ("Make me a 3-day gym program for a beginner", "training_plan"),
    ("帮我制定一个每周四练的增肌计划", "training_plan"),
    ("I'm 30, 80 kg, 180 cm, plan my meals for fat loss", "nutrition_plan"),
    ("How much protein should a vegan eat?", "knowledge"),
    ("组间应该休息多久", "knowledge"),
    ("演示一下深蹲", "gif"),
    ("show me how to do a push-up", "gif"),
    ("你好", "small_talk"),
    ("我想一个月瘦20斤，每天只吃300卡", "unsafe"),
])
def test_clear_requests_are_routed(router, text, intent):
    assert router.route(text).intent == intent


def test_an_attached_image_means_recognition(router):
    assert router.route("这是什么？", has_image=True).intent == "equipment"


def test_empty_or_vague_text_is_left_to_the_agent(router):
    assert router.route("   ").intent is None
    assert router.route("hmm").intent in (None, "small_talk")
