"""Chat replies built from tool results (agent/render.py)."""
from __future__ import annotations

from agent import render


def test_not_sure_names_each_candidate_once_and_asks_which():
    cands = [{"id": f"m{i}", "name": name, "confidence": c} for i, (name, c) in
             enumerate([("Leg press machine", 0.41), ("Hack squat machine", 0.22), ("Smith machine", 0.1)])]
    result = {"status": "not_sure", "card": None, "candidates": cands,
              "message": "I'm not sure which machine this is. Is it one of these: Leg press machine, Hack squat "
                         "machine and Smith machine? Pick it to see how to use it, or browse all machines."}
    for lang, lead in (("en", "I'm not sure which machine this is."), ("zh", "我不太确定这是哪台器械。")):
        text = render.recognition(result, lang)
        assert text.startswith(lead) and text.count("Leg press machine") == 1
        assert "1. Leg press machine (41%)" in text and "3. Smith machine (10%)" in text
    other = render.recognition({"status": "not_equipment", "card": None, "candidates": [],
                                "message": "This doesn't look like gym equipment."}, "en")
    assert other == "This doesn't look like gym equipment."


def test_today_reads_as_one_session_with_effort_rest_and_warm_up():
    from tools.training import plan_today

    for lang, words in (("en", ("Today · ", "Warm-up", "rest 90 s", "Cool-down")),
                        ("zh", ("今天 · ", "热身", "组间休息", "放松"))):
        plan = plan_today({"goal": "hypertrophy", "minutes_per_session": 30, "place": "home"}, None, 30,
                          ["dumbbells"], lang)
        text = render.today(plan, lang)
        assert all(w in text for w in words), text
        assert "Weekly sets" not in text and "每周组数" not in text   # one session, not a week
        assert text.count("\n- **") == len(plan["sessions"][0]["exercises"])
