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
