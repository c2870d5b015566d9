"""POST /v1/plans/training/today and /swap: a session that follows what was trained lately and the equipment at
hand, swaps that keep the plan valid, and clear errors (422 for the person, 409 for the plan sent)."""
from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from api.app import create_api
from config import settings_from_env
from services import Services

WEEK = {"goal": "hypertrophy", "days_per_week": 3, "minutes_per_session": 60, "age": 30}
UPPER = {"chest", "back", "shoulders", "triceps", "biceps"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from knowledge import load_knowledge

    svc = Services(settings_from_env({}, data_dir=tmp_path_factory.mktemp("training-api")))
    svc.kb = load_knowledge(validate=False)
    return TestClient(create_api(services=svc))


def _groups(plan) -> set[str]:
    return {it["group"] for s in plan["sessions"] for it in s["exercises"]}


def test_today_follows_recent_training_minutes_and_equipment(client):
    out = client.post("/v1/plans/training/today", json={
        "minutes": 40, "equipment": ["dumbbell", "bench"], "recent": [{"days_ago": 1, "groups": ["quads", "posterior"]}]})
    assert out.status_code == 200, out.text
    body = out.json()
    plan = body["plan"]
    assert body["problems"] == [] and plan["kind"] == "training_today" and len(plan["sessions"]) == 1
    assert plan["today"]["split"] == "upper" and _groups(plan) <= UPPER | {"core"}
    assert plan["sessions"][0]["estimated_min"] <= 40
    assert {e for it in plan["sessions"][0]["exercises"] for e in it["equipment"]} <= {"dumbbell", "weight_bench", "bodyweight"}


def test_today_reads_the_users_saved_sessions(client):
    uid = "u-today-1"
    first = client.post("/v1/plans/training/today", json={"minutes": 45, "recent": [{"days_ago": 0, "groups": ["chest"]}],
                                                           "user_id": uid}).json()["plan"]
    assert first["today"]["split"] == "lower"
    second = client.post("/v1/plans/training/today", json={"minutes": 45, "user_id": uid}).json()["plan"]
    assert second["today"]["split"] == "upper"            # today's legs were saved: the next session spares them
    third = client.post("/v1/plans/training/today", json={"minutes": 30, "user_id": uid, "lang": "zh"}).json()["plan"]
    assert third["today"]["split"] == "cardio" and "有氧" in third["sessions"][0]["label"]["zh"]
    assert client.post("/v1/plans/training/today", json={"minutes": 45, "user_id": "u-other"}).json()["plan"][
        "today"]["split"] == "full_body"                 # another user's history does not count


def test_today_uses_the_saved_profile_and_pregnancy_rules(client):
    uid = "u-today-preg"
    client.put(f"/v1/users/{uid}/profile", json={"goal": "general_health", "age": 31, "sex": "female"})
    out = client.post("/v1/plans/training/today", json={
        "minutes": 45, "profile": {"pregnancy_week": 24}, "user_id": uid})
    assert out.status_code == 200, out.text
    plan = out.json()["plan"]
    assert plan["profile"]["pregnancy_week"] == 24 and plan["profile"]["sex"] == "female"
    assert not [it for it in plan["sessions"][0]["exercises"] if "supine" in it.get("demands", {})] and \
        out.json()["problems"] == []


def test_today_bad_profile_is_a_bilingual_422(client):
    out = client.post("/v1/plans/training/today", json={"minutes": 45, "profile": {"sex": "male", "pregnancy_week": 50},
                                                        "lang": "zh"})
    assert out.status_code == 422 and out.json()["error"] in ("invalid_profile", "invalid_request"), out.text
    assert out.json()["messages"]["en"] and out.json()["messages"]["zh"]
    assert client.post("/v1/plans/training/today", json={"minutes": 5}).status_code == 422
    assert client.post("/v1/plans/training/today", json={"recent": [{"days_ago": 1, "groups": ["wings"]}]}).status_code == 422
    out = client.post("/v1/plans/training/today", json={"profile": {"postpartum_weeks": 500}})
    assert out.status_code == 422 and "profile.postpartum_weeks" in out.json()["fields"]


def test_training_profile_takes_pregnancy_week_and_postpartum_weeks(client):
    out = client.post("/v1/plans/training", json={"profile": {**WEEK, "sex": "female", "pregnancy_week": 24}})
    assert out.status_code == 200, out.text
    assert out.json()["plan"]["profile"]["pregnancy_week"] == 24 and out.json()["problems"] == []
    out = client.post("/v1/plans/training", json={"profile": {**WEEK, "sex": "female", "postpartum_weeks": 10}})
    assert out.status_code == 200 and out.json()["plan"]["profile"]["postpartum_weeks"] == 10
    assert client.post("/v1/plans/training", json={"profile": {**WEEK, "pregnancy_week": 60}}).status_code == 422


def test_swap_replaces_one_exercise_and_keeps_the_plan_valid(client):
    plan = client.post("/v1/plans/training", json={"profile": WEEK}).json()["plan"]
    first = plan["sessions"][0]["exercises"][0]
    out = client.post("/v1/plans/training/swap", json={"plan": plan, "day": 1, "exercise_id": first["exercise_id"],
                                                       "lang": "zh", "user_id": "u-swap"})
    assert out.status_code == 200, out.text
    new = out.json()["plan"]
    repl = [it for it in new["sessions"][0]["exercises"] if it["group"] == first["group"]]
    assert first["exercise_id"] not in {it["exercise_id"] for it in repl} and repl
    assert out.json()["problems"] == [] and "替换" in new["swaps"][-1]["note"]["zh"]
    assert new["sessions"][1:] == plan["sessions"][1:]


def test_swap_of_todays_session_and_with_a_limitation(client):
    today = client.post("/v1/plans/training/today", json={"minutes": 45}).json()["plan"]
    eid = today["sessions"][0]["exercises"][0]["exercise_id"]
    out = client.post("/v1/plans/training/swap", json={"plan": today, "day": 1, "exercise_id": eid,
                                                       "profile": {**WEEK, "limitations": ["knee"]}})
    assert out.status_code == 200, out.text
    assert out.json()["plan"]["swaps"][-1]["from"] == eid


def test_swap_errors_name_what_is_wrong(client):
    plan = client.post("/v1/plans/training", json={"profile": WEEK}).json()["plan"]
    eid = plan["sessions"][0]["exercises"][0]["exercise_id"]
    out = client.post("/v1/plans/training/swap", json={"plan": plan, "day": 1, "exercise_id": "not_there", "lang": "zh"})
    assert out.status_code == 409 and out.json()["error"] == "no_such_exercise" and out.json()["messages"]["zh"]
    out = client.post("/v1/plans/training/swap", json={"plan": plan, "day": 7, "exercise_id": eid})
    assert out.status_code == 409 and out.json()["error"] == "no_such_day"
    for bad in ({"x": 1}, {"kind": "training_plan", "sessions": [{}]}, {"kind": "training_plan", "sessions": "a"}):
        out = client.post("/v1/plans/training/swap", json={"plan": bad, "day": 1, "exercise_id": eid})
        assert out.status_code == 409 and out.json()["error"] == "plan_mismatch", out.text
    broken = copy.deepcopy(plan)
    broken["sessions"][0]["exercises"][0]["sets_by_week"] = "many"
    assert client.post("/v1/plans/training/swap", json={"plan": broken, "day": 1, "exercise_id": eid}).status_code == 409
    assert client.post("/v1/plans/training/swap", json={"plan": plan, "day": 0, "exercise_id": eid}).status_code == 422
    out = client.post("/v1/plans/training/swap", json={"plan": plan, "day": 1, "exercise_id": eid,
                                                       "profile": {**WEEK, "pregnancy_week": 50, "sex": "male"}})
    assert out.status_code == 422 and out.json()["error"] in ("invalid_profile", "invalid_request")


def test_schema_group_names_are_the_planners():
    from api.schemas import TRAINING_GROUPS
    from tools.training import GROUP_LABEL

    assert TRAINING_GROUPS == tuple(GROUP_LABEL)
