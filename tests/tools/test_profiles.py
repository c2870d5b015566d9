"""Profiles: dicts from the agent/UI/API become checked dataclasses; bad input is a field-level ProfileError."""
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.profiles import (ProfileError, TrainingProfile, parse_nutrition_profile, parse_training_profile)

EXAMPLES = int(os.environ.get("FITNESSLM_PROPERTY_EXAMPLES", "300"))
TRAINING = {"goal": "hypertrophy", "days_per_week": 4, "minutes_per_session": 60, "age": 30}
NUTRITION = {"sex": "male", "age": 30, "height_cm": 175, "weight_kg": 70}


def test_training_defaults_and_types():
    p = parse_training_profile(TRAINING)
    assert p == TrainingProfile(goal="hypertrophy", days_per_week=4, minutes_per_session=60, age=30)
    assert p.equipment is None and p.experience == "beginner" and not p.conservative


def test_strings_units_and_chinese_synonyms():
    p = parse_training_profile({"goal": "增肌", "days_per_week": "3", "minutes_per_session": "45 分钟", "age": "28岁",
                                "experience": "中级", "place": "在家", "equipment": "哑铃, exercise mat",
                                "limitations": ["膝盖", "腰"], "sex": "女"})
    assert (p.goal, p.days_per_week, p.minutes_per_session, p.age) == ("hypertrophy", 3, 45, 28)
    assert p.experience == "intermediate" and p.place == "home" and p.sex == "female"
    assert p.limitations == ("knee", "lower_back")
    assert p.equipment == ("哑铃", "exercise_mat")  # names are resolved against the equipment table later
    assert parse_training_profile({**TRAINING, "goal": "减脂"}).goal == "fat_loss"
    assert parse_training_profile({**TRAINING, "minutes_per_session": 45.0}).minutes_per_session == 45


def test_nutrition_synonyms_and_allergen_words():
    p = parse_nutrition_profile({**NUTRITION, "sex": "男", "goal": "减脂", "activity": "1.55", "diet": "纯素",
                                 "allergies": ["海鲜", "nuts"], "cuisine": "中餐", "height_cm": "175cm"})
    assert (p.goal, p.activity, p.diet, p.cuisine) == ("lose", "moderate", "vegan", "chinese")
    assert p.allergies == ("fish", "peanut", "shellfish", "tree_nut")
    assert parse_nutrition_profile({**NUTRITION, "goal": "hypertrophy"}).goal == "gain"


@pytest.mark.parametrize("field, value", [("age", 3), ("height_cm", 2000), ("weight_kg", -5), ("age", 101),
                                          ("body_fat_pct", 70), ("meals_per_day", 9), ("age", True),
                                          ("weight_kg", math.nan), ("height_cm", math.inf), ("sex", "robot")])
def test_nutrition_impossible_values_name_the_field(field, value):
    with pytest.raises(ProfileError) as err:
        parse_nutrition_profile({**NUTRITION, field: value})
    assert set(err.value.errors) == {field}
    assert err.value.errors[field]["en"] and err.value.errors[field]["zh"]


def test_issue_examples_all_fields_reported_at_once():
    """age 3, height 20 m, weight −5, 0 days: every bad field in one error, en + zh."""
    with pytest.raises(ProfileError) as err:
        parse_nutrition_profile({"sex": "female", "age": 3, "height_cm": 2000, "weight_kg": -5})
    assert set(err.value.errors) == {"age", "height_cm", "weight_kg"}
    with pytest.raises(ProfileError) as err:
        parse_training_profile({**TRAINING, "days_per_week": 0, "minutes_per_session": 5, "age": 3})
    assert set(err.value.errors) == {"days_per_week", "minutes_per_session", "age"}
    assert isinstance(err.value, ValueError)
    assert err.value.to_dict()["fields"]["age"]["zh"]


def test_missing_required_and_unknown_values():
    with pytest.raises(ProfileError) as err:
        parse_training_profile({})
    assert {"goal", "days_per_week", "minutes_per_session"} <= set(err.value.errors)
    assert parse_training_profile({**TRAINING, "age": None}).age is None  # training: no age = an adult (contract)
    with pytest.raises(ProfileError) as err:
        parse_nutrition_profile({**NUTRITION, "allergies": ["kryptonite"]})
    assert "allergies" in err.value.errors  # an allergy is never silently dropped
    with pytest.raises(ProfileError):
        parse_training_profile({**TRAINING, "limitations": ["left pinky"]})
    with pytest.raises(ProfileError):
        parse_training_profile("hypertrophy please")


def test_parq_forms_and_flags():
    assert parse_training_profile({**TRAINING, "parq": True}).conservative
    p = parse_training_profile({**TRAINING, "parq": {"dizziness": "yes", "bone_joint": False}})
    assert p.parq_yes == ("dizziness",) and p.needs_referral
    assert parse_training_profile({**TRAINING, "age": 15}).conservative
    with pytest.raises(ProfileError):
        parse_training_profile({**TRAINING, "parq": ["astrology"]})


def test_round_trip_through_dict():
    p = parse_nutrition_profile({**NUTRITION, "body_fat_pct": 15, "allergies": "dairy"})
    assert parse_nutrition_profile(p.to_dict()) == p
    t = parse_training_profile({**TRAINING, "limitations": "knee"})
    assert parse_training_profile(t) == t


_ANY = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                 st.text(max_size=12), st.lists(st.text(max_size=8), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.booleans(), max_size=2))
_TRAINING_KEYS = ["goal", "days_per_week", "minutes_per_session", "age", "experience", "place", "equipment",
                  "limitations", "sex", "avoid_exercises", "favour_exercises", "parq", "acute_symptoms", "pregnant"]
_NUTRITION_KEYS = ["sex", "age", "height_cm", "weight_kg", "activity", "goal", "rate_kg_per_week", "body_fat_pct",
                   "diet", "allergies", "dislikes", "meals_per_day", "cuisine", "trained", "pregnant",
                   "breastfeeding", "eating_disorder", "chronic_disease", "supervised"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(_TRAINING_KEYS), _ANY), st.dictionaries(st.sampled_from(_NUTRITION_KEYS), _ANY))
def test_garbage_never_crashes(training, nutrition):
    """Any input either parses or raises ProfileError with bilingual messages: never another exception."""
    for parse, data in ((parse_training_profile, {**TRAINING, **training}),
                        (parse_nutrition_profile, {**NUTRITION, **nutrition})):
        try:
            parse(data)
        except ProfileError as err:
            assert err.errors and all(m["en"] and m["zh"] for m in err.errors.values())
