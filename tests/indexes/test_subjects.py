"""The knowledge gate's subject check: a pet's, plant's or machine's care is off-topic; exercises and foods
named after animals, and people exercising with their dog, are not."""
import pytest

from indexes.subjects import names_other_subject


@pytest.mark.parametrize("query", [
    "how much should I feed my cat", "how many times a day do puppies eat", "best dog food for a labrador",
    "my kitten won't sleep at night", "protein for my dog", "can cats eat chicken", "how to house train a puppy",
    "how much water do my tomato plants need", "how often to water succulents", "how much oil does my car engine take",
    "我家狗狗一天吃几顿", "猫咪一天喝多少水", "狗粮怎么选", "给小狗喂多少", "怎么训练狗坐下", "猫可以吃鸡胸肉吗",
    "多肉多久浇一次水", "我的车多久换一次机油", "手机电池充多久"])
def test_questions_about_a_pets_plants_or_machines_care_name_another_subject(query):
    assert names_other_subject(query)


@pytest.mark.parametrize("query", [
    "does walking my dog count as cardio", "i walk my dog 30 min a day is that enough exercise",
    "bird dog exercise how many reps", "bird dogs should i do them daily", "cat cow stretch for back pain",
    "downward dog for hamstrings", "can I eat hot dogs while cutting", "how much fish should I eat",
    "how much protein in chicken breast", "plant protein for vegans", "my plant-based diet lacks protein?",
    "how much cooking oil per day", "遛狗算有氧运动吗", "我每天遛狗一小时还需要做有氧吗", "鸟狗式每天做多少",
    "猫式伸展对腰有好处吗", "猫牛式", "鱼油要吃吗", "植物蛋白够吗", "做饭用多少油", "骑车减肥加油", ""])
def test_fitness_questions_naming_an_animal_or_a_machine_do_not(query):
    assert not names_other_subject(query)


def test_the_knowledge_gate_turns_away_a_pets_feeding_before_searching(tmp_path):
    from indexes.knowledge_rag import KnowledgeIndex
    from tests.indexes import HashEmbedder, tiny_kb

    index = KnowledgeIndex(tiny_kb(), HashEmbedder(), tmp_path / "k")
    assert index.search("how much protein per day", 1)
    assert not index.search("how much protein per day for my dog", 1)
    assert index.search("how much protein per day for my dog", 1, gate=False)   # only the gate turns it away
    assert not index.answer("我家狗狗每天需要多少蛋白质").found
