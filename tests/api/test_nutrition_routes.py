"""POST /v1/plans/nutrition/swap and /remove: a changed plan that still validates, and clear errors."""
from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from api.app import create_api
from config import settings_from_env
from services import Services

PROFILE = {"sex": "female", "age": 30, "height_cm": 165, "weight_kg": 60, "cuisine": "chinese"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from knowledge import load_knowledge

    svc = Services(settings_from_env({}, data_dir=tmp_path_factory.mktemp("nutrition-api")))
    svc.kb = load_knowledge(validate=False)
    return TestClient(create_api(services=svc))


@pytest.fixture(scope="module")
def plan(client):
    return client.post("/v1/plans/nutrition", json={"profile": PROFILE}).json()["plan"]


def _items(plan, day, slot):
    return [it["food_id"] for m in plan["week_plan"][day]["meals"] if m["slot"] == slot for it in m["items"]]


def test_swap_replaces_one_meal_and_keeps_the_rest_of_the_day(client, plan):
    out = client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "plan": plan, "day": 2, "slot": "lunch"})
    assert out.status_code == 200, out.text
    new = out.json()["plan"]
    assert out.json()["problems"] == []
    assert not set(_items(new, 2, "lunch")) & set(_items(plan, 2, "lunch"))
    assert new["week_plan"][2]["within_tolerance"]
    assert new["week_plan"][0] == plan["week_plan"][0]


def test_swap_without_a_plan_changes_the_profiles_own_plan(client, plan):
    out = client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "day": 0, "slot": "breakfast"})
    assert out.status_code == 200 and out.json()["problems"] == []
    assert _items(out.json()["plan"], 0, "breakfast") != _items(plan, 0, "breakfast")


def test_remove_takes_every_egg_food_out_of_the_week(client, plan):
    out = client.post("/v1/plans/nutrition/remove", json={"profile": PROFILE, "plan": plan, "food": "鸡蛋"})
    assert out.status_code == 200, out.text
    body = out.json()
    assert body["problems"] == []
    egg = {"egg_boiled", "tea_egg", "braised_egg_ludan", "steamed_egg_custard", "tomato_scrambled_eggs"}
    assert not egg & {it["food_id"] for d in body["plan"]["week_plan"] for m in d["meals"] for it in m["items"]}
    assert "egg_boiled" in body["plan"]["removed"]


def test_unknown_food_is_404_in_the_asked_language(client, plan):
    out = client.post("/v1/plans/nutrition/remove",
                      json={"profile": PROFILE, "plan": plan, "food": "dragon steak", "lang": "zh"})
    assert out.status_code == 404 and out.json()["error"] == "no_such_food"
    assert "食物表" in out.json()["message"] and out.json()["messages"]["en"]


def test_a_snack_a_three_meal_plan_lacks_is_409(client, plan):
    out = client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "plan": plan, "day": 1, "slot": "snack_pm"})
    assert out.status_code == 409 and out.json()["error"] == "no_such_slot"


def test_a_plan_with_edited_targets_or_another_profile_is_refused(client, plan):
    edited = copy.deepcopy(plan)
    edited["targets"]["kcal"] = 700
    out = client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "plan": edited, "day": 0, "slot": "lunch"})
    assert out.status_code == 409 and out.json()["error"] == "plan_mismatch"
    other = {**PROFILE, "weight_kg": 90}
    out = client.post("/v1/plans/nutrition/remove", json={"profile": other, "plan": plan, "food": "egg"})
    assert out.status_code == 409
    out = client.post("/v1/plans/nutrition/remove", json={"profile": PROFILE, "plan": {"x": 1}, "food": "egg"})
    assert out.status_code == 409 and out.json()["messages"]["zh"]


def test_bad_input_is_422(client):
    assert client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "day": 7, "slot": "lunch"}).status_code == 422
    assert client.post("/v1/plans/nutrition/swap", json={"profile": PROFILE, "day": 0, "slot": "brunch"}).status_code == 422
    assert client.post("/v1/plans/nutrition/remove", json={"profile": PROFILE, "food": "  "}).status_code == 422


def test_an_unsafe_calorie_request_changes_the_nearest_safe_plan_and_says_so(client):
    unsafe = {**PROFILE, "requested_kcal": 700}
    out = client.post("/v1/plans/nutrition/swap", json={"profile": unsafe, "day": 0, "slot": "dinner"})
    assert out.status_code == 200, out.text
    plan = out.json()["plan"]
    assert plan["refusal"]["safe_kcal"] == plan["targets"]["kcal"] > 700 and out.json()["problems"] == []
    again = client.post("/v1/plans/nutrition/remove", json={"profile": unsafe, "plan": plan, "food": "tofu"})
    assert again.status_code == 200 and again.json()["problems"] == []
