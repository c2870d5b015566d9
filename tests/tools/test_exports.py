"""Exports: JSON round-trips, bilingual Markdown, and an ICS week that parses back with icalendar."""
import datetime as dt
import json

import pytest

from knowledge import load_knowledge
from tools import exports
from tools.nutrition import plan_nutrition
from tools.training import plan_training_week

icalendar = pytest.importorskip("icalendar")
KB = load_knowledge()
START = dt.date(2025, 3, 5)  # a Wednesday: the first Monday session lands on 10 March


@pytest.fixture(scope="module")
def training():
    return plan_training_week({"goal": "fat_loss", "experience": "intermediate", "days_per_week": 4,
                               "minutes_per_session": 50, "age": 35, "limitations": ["knee"]}, KB)


@pytest.fixture(scope="module")
def nutrition():
    return plan_nutrition({"sex": "female", "age": 30, "height_cm": 160, "weight_kg": 58, "activity": "light",
                           "goal": "lose", "cuisine": "chinese"}, KB)


def test_json_round_trip(training, nutrition):
    for plan in (training, nutrition):
        text = exports.to_json(plan)
        assert json.loads(text) == plan
    assert "全身" in exports.to_json(training)  # Chinese stays readable, not \\u-escaped


def test_training_markdown_en_and_zh(training):
    en = exports.to_markdown(training, "en")
    zh = exports.to_markdown(training, "zh")
    assert en.startswith("# Training plan") and zh.startswith("# 训练计划")
    for s in training["sessions"]:
        for it in s["exercises"]:
            assert f"`{it['exercise_id']}`" in en and it["name"]["zh"] in zh
    assert "Disclaimer" in en and "免责声明" in zh and training["sources"][0] in zh


def test_nutrition_markdown_en_and_zh(nutrition):
    en = exports.to_markdown(nutrition, "en")
    zh = exports.to_markdown(nutrition, "zh")
    assert "## Grocery list for the week" in en and "一周购物清单" in zh
    first = nutrition["day_plan"]["meals"][0]["items"][0]
    assert first["name"]["en"] in en and first["name"]["zh"] in zh
    assert f"{nutrition['targets']['kcal']:.0f} kcal" in en


def test_unknown_plan_kind():
    with pytest.raises(ValueError):
        exports.to_markdown({"kind": "poem"})


def _events(ics: bytes) -> list:
    cal = icalendar.Calendar.from_ical(ics)
    return list(cal.walk("VEVENT"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ics_week_parses_back(training, lang):
    events = _events(exports.training_to_ics(training, START, lang))
    sessions = training["sessions"]
    assert len(events) == len(sessions)
    by_weekday = {e.decoded("DTSTART").weekday(): e for e in events}
    for s in sessions:
        ev = by_weekday[s["day"]]
        begin, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert START <= begin.date() < START + dt.timedelta(days=7) and begin.time() == dt.time(18, 0)
        assert end - begin == dt.timedelta(minutes=s["estimated_min"])
        assert str(ev["SUMMARY"]) == s["label"][lang]
        for it in s["exercises"]:
            assert it["name"][lang] in str(ev["DESCRIPTION"])
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_block_and_determinism(training):
    block = exports.training_to_ics(training, "2025-03-05", weeks=4)
    assert len(_events(block)) == 4 * len(training["sessions"])
    assert block == exports.training_to_ics(training, "2025-03-05", weeks=4)
    with pytest.raises(ValueError):
        exports.training_to_ics(training, START, weeks=5)


def test_ics_fallback_writer_is_valid(training):
    events = exports._events(training, START, "zh", dt.time(7, 30), 1)
    ics = exports._ics_fallback(events, dt.datetime(2025, 3, 5, tzinfo=dt.timezone.utc), "zh")
    assert all(len(line.encode()) <= 75 for line in ics.decode().split("\r\n"))
    parsed = _events(ics)
    assert [str(e["SUMMARY"]) for e in parsed] == [e["summary"] for e in events]
    assert str(parsed[0]["DESCRIPTION"]) == events[0]["description"]
