"""Targets for more people (pregnancy, lactation, minors, target weight, training days) and refusals that agree."""
import pytest

from knowledge import load_knowledge
from tools.nutrition import (UnsafeNutritionRequest, nutrition_targets, plan_nutrition, summarize_nutrition,
                             validate_nutrition_targets)
from tools.profiles import ProfileError

WOMAN = {"sex": "female", "age": 30, "height_cm": 165, "weight_kg": 60}


@pytest.mark.parametrize("week,extra", [(8, 0), (13, 0), (14, 340), (27, 340), (28, 452), (40, 452)])
def test_pregnancy_adds_energy_by_trimester(week, extra):
    t = nutrition_targets({**WOMAN, "pregnancy_week": week})
    assert t["kcal"] == pytest.approx(t["tdee_kcal"] + extra, abs=6)
    assert t["pregnancy_lactation_kcal"] == extra
    assert t["protein_g"] == round(1.1 * 60)
    assert validate_nutrition_targets(t, {**WOMAN, "pregnancy_week": week}) == []


def test_pregnancy_surplus_is_valid_and_a_deficit_is_not():
    profile = {**WOMAN, "pregnancy_week": 30, "goal": "lose"}
    t = nutrition_targets(profile)
    assert t["kcal"] > t["tdee_kcal"] + 400 and validate_nutrition_targets(t, profile) == []
    maintenance = {**t, "kcal": round(t["tdee_kcal"]), "energy_change_kcal": 0}
    assert any(p.startswith("[safety]") for p in validate_nutrition_targets(maintenance, profile))


@pytest.mark.parametrize("weeks,extra", [(4, 330), (26, 330), (40, 400)])
def test_lactation_adds_energy(weeks, extra):
    t = nutrition_targets({**WOMAN, "breastfeeding": True, "postpartum_weeks": weeks, "goal": "lose"})
    assert t["kcal"] == pytest.approx(t["tdee_kcal"] + extra, abs=6) and t["energy_change_kcal"] >= -5


def test_minor_is_never_given_a_deficit():
    t = nutrition_targets({"sex": "male", "age": 15, "height_cm": 170, "weight_kg": 80, "goal": "lose"})
    assert t["kcal"] >= t["tdee_kcal"] - 5 and "minor" in t["deficit_blockers"]


def test_target_weight_sets_direction_and_safe_rate():
    lose = nutrition_targets({**WOMAN, "weight_kg": 80, "target_weight_kg": 65})
    assert lose["effective_goal"] == "lose" and -0.8 - 1e-9 <= lose["rate_kg_per_week"] <= -0.4 + 1e-9
    gain = nutrition_targets({**WOMAN, "weight_kg": 50, "target_weight_kg": 55})
    assert gain["effective_goal"] == "gain" and 0 < gain["rate_kg_per_week"] <= 0.5
    assert any("target" in line["en"] and "目标" in line["zh"] for line in lose["explanation"])


def test_training_and_rest_days_keep_the_weekly_energy():
    t = nutrition_targets({**WOMAN, "activity": "moderate", "training_days": 3})
    types = t["day_types"]
    weekly = types["training"]["kcal"] * 3 + types["rest"]["kcal"] * 4
    assert types["training"]["kcal"] > t["kcal"] > types["rest"]["kcal"]
    assert abs(weekly - 7 * t["kcal"]) <= 40


def test_safe_requested_kcal_is_used_as_asked():
    t = nutrition_targets({**WOMAN, "requested_kcal": 1400})
    assert t["kcal"] == 1400 and validate_nutrition_targets(t, {**WOMAN, "requested_kcal": 1400}) == []


@pytest.mark.parametrize("kcal", [800, 1000, 1100])
def test_unsafe_request_is_refused_the_same_in_both_languages(kcal):
    with pytest.raises(UnsafeNutritionRequest) as err:
        nutrition_targets({**WOMAN, "requested_kcal": kcal})
    e = err.value
    assert isinstance(e, ProfileError) and e.safe_kcal == 1200
    assert f"{kcal} kcal" in e.message["en"] and f"{kcal} 千卡" in e.message["zh"]
    assert "1200 kcal/day" in e.message["en"] and "1200 千卡" in e.message["zh"]
    assert "1200" in e.reason["en"] and "1200" in e.reason["zh"]


def test_refusal_offers_the_nearest_safe_plan():
    kb = load_knowledge()
    with pytest.raises(UnsafeNutritionRequest) as err:
        plan_nutrition({**WOMAN, "requested_kcal": 1000}, kb)
    safe = err.value.safe_plan
    assert safe["targets"]["kcal"] == 1200 and safe["refusal"]["safe_kcal"] == 1200
    assert summarize_nutrition(safe, "zh")["kcal"] == summarize_nutrition(safe, "en")["kcal"] == 1200


def test_pregnant_cannot_request_a_deficit():
    with pytest.raises(UnsafeNutritionRequest) as err:
        nutrition_targets({**WOMAN, "pregnancy_week": 20, "requested_kcal": 1500})
    assert err.value.safe_kcal >= nutrition_targets({**WOMAN, "pregnancy_week": 20})["kcal"] - 10
