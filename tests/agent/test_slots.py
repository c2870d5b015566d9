"""Profile facts are picked out of free text in both languages and remembered across turns."""
import pytest
from knowledge.language import detect_language
from agent.slots import extract_profile, merge_profile


def test_english_profile():
    p = extract_profile("I'm a 30 year old man, 70 kg, 175 cm, want to build muscle 4 days a week, "
                        "60 minutes, at the gym. My knee hurts.")
    assert p == {"age": 30, "weight_kg": 70, "height_cm": 175, "days_per_week": 4, "minutes_per_session": 60,
                 "sex": "male", "goal": "hypertrophy", "place": "gym", "limitations": ["knee"]}


def test_chinese_profile_with_jin_and_chinese_numerals():
    p = extract_profile("我是女生，25岁，身高165厘米，体重120斤，想减脂，每周三天，每次45分钟，在家练，腰不好")
    assert p["sex"] == "female" and p["age"] == 25 and p["height_cm"] == 165 and p["weight_kg"] == 60
    assert p["goal"] == "fat_loss" and p["days_per_week"] == 3 and p["place"] == "home"
    assert p["limitations"] == ["lower_back"]


def test_imperial_units_convert():
    p = extract_profile("I weigh 150 lbs and I'm 1.80 m tall")
    assert p["weight_kg"] == 68.0 and p["height_cm"] == 180.0


def test_memory_merges_newer_facts_and_accumulates_limitations():
    mem = merge_profile({"weight_kg": 80, "limitations": ["knee"]}, {"weight_kg": 78, "limitations": ["shoulder"]})
    assert mem == {"weight_kg": 78, "limitations": ["knee", "shoulder"]}


def test_nothing_found_in_small_talk():
    assert extract_profile("hello there!") == {}


def test_language_detection():
    assert detect_language("怎么练腿") == "zh"
    assert detect_language("how do I train legs") == "en"
    assert detect_language("深蹲 squat 怎么做") == "zh"
    assert detect_language("123 !!", default="zh") == "zh"


def test_casual_age_and_days_phrasings():
    assert extract_profile("Make me a 3-day beginner plan, I'm 30 with a bad knee") == {
        "age": 30.0, "days_per_week": 3, "experience": "beginner", "limitations": ["knee"]}
    assert extract_profile("I am 45 and train 4 days")["age"] == 45.0
    assert extract_profile("a 28-year-old woman")["age"] == 28.0
    assert "age" not in extract_profile("I'm 75 kg and 180 cm")     # a unit after the number: not an age
    assert extract_profile("I lift 5 times a week")["days_per_week"] == 5


def test_compact_and_unitless_body_facts():
    assert extract_profile("27F") == {"age": 27.0, "sex": "female"}
    assert extract_profile("male 40") == {"age": 40.0, "sex": "male"}
    assert extract_profile("男 180 75公斤") == {"sex": "male", "height_cm": 180.0, "weight_kg": 75}
    assert extract_profile("168 58") == {"height_cm": 168.0, "weight_kg": 58.0}
    assert extract_profile("6'1\" 200 lb") == {"height_cm": 185.0, "weight_kg": 90.7}
    assert extract_profile("一米六八")["height_cm"] == 168 and extract_profile("四十岁")["age"] == 40


def test_numbers_that_are_not_body_facts_are_never_saved_as_one():
    p = extract_profile("I am 24 weeks pregnant")
    assert p["pregnancy_week"] == 24 and "age" not in p and p["sex"] == "female"
    p = extract_profile("Lose 5 kg in 2 weeks")
    assert p["weight_change_kg"] == -5 and "weight_kg" not in p and p["goal"] == "fat_loss"
    assert "weight_kg" not in extract_profile("I can bench 100kg")
    assert extract_profile("knee position in a squat") == {}


def test_a_target_weight_is_fat_loss_and_resolves_against_the_body_weight():
    p = extract_profile("想瘦到50公斤")
    assert p["target_weight_kg"] == 50 and p["goal"] == "fat_loss"
    mem = merge_profile({}, extract_profile("想瘦10斤"))
    mem = merge_profile(mem, extract_profile("女 30岁 160cm 120斤"))
    assert mem["weight_kg"] == 60 and mem["target_weight_kg"] == 55 and mem["weight_direction"] == "lose"


@pytest.mark.parametrize("text, facts", [
    ("168 58 女 33 吃素", {"sex": "female", "age": 33, "height_cm": 168, "weight_kg": 58}),
    ("165 60 女 29", {"sex": "female", "age": 29, "height_cm": 165, "weight_kg": 60}),
])
def test_a_bare_height_weight_pair_before_the_sex_is_not_an_age(text, facts):
    got = extract_profile(text)
    assert {k: got.get(k) for k in facts} == facts
