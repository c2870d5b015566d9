"""The UI's handlers (demo/handlers.py) and the per-user store, without a browser."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from config import settings_from_env
from demo import handlers as h
from services import Services
from services.store import UserStore

FORM = {"goal": "hypertrophy", "experience": "beginner", "place": "gym", "days_per_week": 3,
        "minutes_per_session": 60, "age": 30, "sex": "female", "limitations": ["knee"]}
BODY = {"sex": "male", "age": 35, "height_cm": 180, "weight_kg": 82, "activity": "moderate", "goal": "lose",
        "diet": "vegetarian", "allergies": ["peanut"], "meals_per_day": 3, "cuisine": "chinese"}


@pytest.fixture()
def services(tmp_path, kb):
    s = Services(settings_from_env({}, data_dir=tmp_path / "data"))
    s.__dict__["kb"] = kb          # the shared, already-loaded knowledge base
    return s


def test_store_keeps_profile_and_history_until_deleted(tmp_path):
    store = UserStore(tmp_path / "u.sqlite")
    store.save_profile("alice", {"age": 30, "sex": "female"})
    store.save_profile("alice", {"weight_kg": 60, "age": None})        # merge; None keeps the old value
    store.add_history("alice", "chat", "hello")
    reopened = UserStore(tmp_path / "u.sqlite")                       # survives a restart
    assert reopened.profile("alice") == {"age": 30, "sex": "female", "weight_kg": 60}
    assert [x["summary"] for x in reopened.history("alice")] == ["hello"]
    assert reopened.profile("bob") == {} and reopened.history("bob") == []
    reopened.delete_user("alice")
    assert reopened.profile("alice") == {} and reopened.history("alice") == []
    with pytest.raises(ValueError):
        reopened.profile("../etc/passwd")


def test_training_handler_gives_table_chart_gifs_and_files(services):
    out = h.training_plan(services, "u1", FORM, 0, "zh")
    assert out["rows"] and all(len(r) == 8 for r in out["rows"])
    assert all(ex["exercise_id"] for s in out["plan"]["sessions"] for ex in s.get("exercises", []))
    assert not any("knee" in ex.get("contraindications", []) and not ex.get("modification")
                   for s in out["plan"]["sessions"] for ex in s.get("exercises", []))  # knee work only modified (#15)
    assert {name for name, _ in out["sets"]} >= {"胸部", "背部"}
    assert out["gifs"] and all(p.endswith(".gif") for p, _ in out["gifs"])
    names = [f.rsplit("-", 1)[-1] for f in out["files"]]
    assert names == ["plan.md", "plan.json", "week.ics"]
    assert "BEGIN:VCALENDAR" in Path(out["files"][2]).read_text(encoding="utf-8")
    assert services.store.profile("u1")["days_per_week"] == 3
    assert services.store.history("u1")[0]["kind"] == "training_plan"
    assert "医疗" in out["markdown"] or "医生" in out["markdown"] or "专业" in out["markdown"]  # disclaimer in zh


def test_swap_picker_replaces_one_exercise_and_keeps_the_rest(services):
    out = h.training_plan(services, "u-swap", {**FORM, "limitations": []}, 0, "en")
    assert out["swaps"] and out["swaps"][0][1].startswith("1|")
    label, value = out["swaps"][0]
    day, old = value.split("|")
    assert label.startswith("Day 1 · ")
    swapped = h.training_swap(services, "u-swap", out["plan"], value, "en")
    first = [it["exercise_id"] for it in swapped["plan"]["sessions"][0]["exercises"]]
    assert old not in first and len(first) == len(out["plan"]["sessions"][0]["exercises"])
    assert swapped["markdown"].startswith("✅ Day 1:") and swapped["rows"] and swapped["swaps"]
    assert [s["exercises"] for s in swapped["plan"]["sessions"][1:]] == [s["exercises"] for s in out["plan"]["sessions"][1:]]
    assert services.store.history("u-swap")[0]["summary"].startswith("day 1:")
    # nothing picked, no plan yet, or a stale pick: a clear message, the plan shown is kept
    assert "Pick the exercise" in h.training_swap(services, "u-swap", out["plan"], None, "en")["markdown"]
    assert h.training_swap(services, "u-swap", None, value, "zh")["markdown"] == "请先生成计划，再选择要换的动作。"
    stale = h.training_swap(services, "u-swap", out["plan"], "1|no_such_exercise", "en")
    assert stale["markdown"].startswith("⚠️") and stale["plan"] == out["plan"]


def test_bad_profiles_get_field_messages_not_plans(services):
    out = h.training_plan(services, "u1", {**FORM, "age": 3, "days_per_week": 0}, 0, "en")
    assert out["rows"] == [] and "`age`" in out["markdown"] and "`days_per_week`" in out["markdown"]
    out = h.nutrition_plan(services, "u1", {**BODY, "weight_kg": -5}, "en")
    assert out["meals"] == [] and "`weight_kg`" in out["markdown"]
    assert services.store.history("u1") == []     # nothing saved for a rejected form


def test_nutrition_handler_respects_diet_and_allergy(services, kb):
    out = h.nutrition_plan(services, "u2", BODY, "en")
    plan = out["plan"]
    assert out["macros"] and out["meals"] and out["grocery"]
    foods = [kb.foods[it["food_id"]] for m in plan["day_plan"]["meals"] for it in m["items"]]
    assert all("peanut" not in f.allergens for f in foods)
    assert "kcal" in out["markdown"] and plan["targets"]["kcal"] >= 1500


def test_scan_handles_no_image_and_corrupt_files(services, tmp_path):
    assert h.scan(services, None, "en")["result"] is None
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    out = h.scan(services, str(bad), "zh")
    assert out["markdown"].startswith("⚠️") and out["result"]["status"] == "error"


def test_enroll_needs_a_label_and_reports_duplicates(services, tmp_path):
    img = Image.new("RGB", (128, 128), (90, 90, 200))
    path = tmp_path / "m.png"
    img.save(path)
    assert h.enroll(services, str(path), "", "en", "erin") == h.t("need_label", "en")
    assert "leg_press_machine" in h.enroll(services, str(path), "leg_press_machine · Leg press", "en", "erin")
    assert h.enroll(services, str(path), "leg_press_machine", "en", "erin") == h.t("duplicate", "en")
    assert "my_corner_rack" in h.enroll(services, str(path.with_name("m.png")), "Corner rack", "en", "frank")
    assert h.gallery_rows(services, "erin") == [["leg_press_machine", 1]]        # each user sees only their own
    assert h.gallery_rows(services, "frank") == [["my_corner_rack", 1]] and services.gallery.labels() == {}
    assert h.enroll(services, str(path), "a/b", "en", "erin").startswith("⚠️")
    assert "1" in h.remove_label(services, "leg_press_machine", "en", "erin") and h.gallery_rows(services, "erin") == []


def test_share_checkbox_is_opt_in_catalog_only_and_refused_when_switched_off(services, tmp_path):
    path = tmp_path / "s.png"
    Image.new("RGB", (128, 128), (200, 90, 90)).save(path)
    off = h.enroll(services, str(path), "rowing_machine", "zh", "gina", share=True)
    assert off == "⚠️ 此服务器未开启照片共享。" and h.gallery_rows(services, "gina") == []
    services.settings = services.settings.__class__(**{**services.settings.__dict__, "shared_contributions": 1})
    assert h.enroll(services, str(path), "Corner rack", "en", "gina", share=True) == "⚠️ " + h.t("share_catalog_only", "en")
    done = h.enroll(services, str(path), "rowing_machine", "en", "gina", share=True)
    assert done.endswith(h.t("shared_too", "en")) and services.gallery.labels() == {"rowing_machine": 1}
    assert services.gallery.items()[0]["owner"] == "gina" and h.gallery_rows(services, "gina") == [["rowing_machine", 1]]


def test_chat_saves_history_and_profile(services):
    class OneShotAgent:       # stands in for FitnessAgent: the handler's job is memory and history
        def stream(self, conv, text, image=None):
            from agent.core import Turn

            conv.profile["age"] = 41
            yield {"type": "turn", "turn": Turn("ok", "en", "small_talk", "none")}

    services.__dict__["agent"] = OneShotAgent()
    events = list(services.chat("carol", "I'm 41", None))
    assert events[-1]["type"] == "turn" and events[-1]["turn"].answer == "ok"
    assert services.store.profile("carol") == {"age": 41}
    assert services.store.history("carol")[0]["summary"] == "I'm 41"
    assert h.delete_my_data(services, "carol", "en") == h.t("deleted", "en")
    assert services.store.profile("carol") == {} and services.conversation("carol").profile == {}


def test_library_search_and_equipment_page(services):
    assert h.gif_search("  ", "en")[1] == []
    md, gifs = h.gif_search("squat", "en")
    assert gifs and "squat" in md
    md, gifs = h.equipment_page(services, "leg_press_machine · Leg press", "zh")
    assert "安全" in md
    assert h.equipment_page(services, "", "en")[1] == []


def test_live_scan_throttles_and_answers_each_frame(services):
    import numpy as np

    frame = np.full((240, 320, 3), 128, dtype=np.uint8)
    text, state = h.live_scan(services, None, frame, "en")
    assert text and not text.startswith("⚠️") and "ms/frame" in text
    again, state2 = h.live_scan(services, state, frame, "en")   # same recogniser kept between frames
    assert state2["live"] is state["live"]
    assert h.live_scan(services, state, None, "zh")[0] == h.t("live_idle", "zh")


def test_saved_profile_fills_both_forms_without_mixing_goals(services):
    h.training_plan(services, "dave", FORM, 0, "en")
    h.nutrition_plan(services, "dave", BODY, "en")
    saved = h.saved_form_values(services, "dave")
    assert saved["goal"] == "hypertrophy" and saved["nutrition_goal"] == "lose"
    assert saved["days_per_week"] == 3 and saved["weight_kg"] == 82 and saved["allergies"] == ["peanut"]


def test_todays_workout_from_the_form_then_the_other_half_next(services):
    form = {"goal": "hypertrophy", "experience": "beginner", "place": "gym", "days_per_week": 3,
            "minutes_per_session": 45, "age": 30, "sex": "female", "limitations": []}
    first = h.training_today(services, "u-today", form, "en")
    assert first.count("\n- ") >= 3 and "min" in first
    second = h.training_today(services, "u-today", form, "zh")   # today's first session is now "recent"
    assert second != first and "分钟" in second
    assert len(services.recent_sessions("u-today")) == 2
    assert "minutes_per_session" in h.training_today(services, "u-today", {**form, "minutes_per_session": 2}, "en")
