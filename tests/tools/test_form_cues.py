"""Form cues: good synthetic form gives none, each injected fault gives its cue at the right rep,
and every message exists in English and Chinese."""
from __future__ import annotations

import re
import string

import numpy as np
import pytest

from bench.pose import POSES, pose_points, synth_sequence
from tools.form_cues import TEXT, body_line, elbow_flare_deg, form_cues, knee_width_ratio, message, summarize_cues
from tools.reps import count_reps

CJK = re.compile(r"[\u4e00-\u9fff]")


def _cues(exercise, form=None, view="side", **kw):
    seq = synth_sequence(exercise, 3, view=view, form=form, noise=0.003, seed=11, **{"rep_s": 2.0, **kw})
    res = count_reps(seq["image"], seq["times_s"], exercise, world=seq["world"], aspect=seq["aspect"])
    cues = form_cues(exercise, res, seq["image"], seq["times_s"], world=seq["world"], aspect=seq["aspect"])
    return res, cues


@pytest.mark.parametrize("exercise", list(POSES))
def test_good_form_gives_no_cues(exercise):
    res, cues = _cues(exercise)
    assert res["reps"] == 3
    assert cues == []


@pytest.mark.parametrize("exercise, form, code", [
    ("squat", {"knee": (5, 75)}, "squat_depth"),
    ("squat", {"a": (5, 60)}, "squat_torso"),
    ("squat", {"valgus": (0, 0.1)}, "knees_cave"),
    ("squat", {"knee": (5, 130)}, "knees_forward"),
    ("push_up", {"sag": (0, 25)}, "hips_sag"),
    ("push_up", {"sag": (0, -25)}, "hips_pike"),
    ("push_up", {"elbow": (5, 80)}, "pushup_depth"),
    ("biceps_curl", {"arm_e": (5, 50)}, "curl_elbows"),
    ("biceps_curl", {"elbow": (40, 135)}, "curl_extend"),
    ("shoulder_press", {"elbow": (90, 30)}, "press_lockout"),
    ("lunge", {"knee": (5, 70), "knee_b": (5, 70)}, "lunge_depth"),
    ("deadlift", {"knee": (5, 90)}, "hinge_knees"),
    ("lat_pulldown", {"elbow": (40, 115)}, "pulldown_extend"),
])
@pytest.mark.parametrize("view", ["side", "front"])
def test_fault_gives_its_cue_on_every_rep(exercise, form, code, view):
    res, cues = _cues(exercise, form, view)
    assert res["reps"] == 3
    hits = [c for c in cues if c["code"] == code]
    assert [c["rep"] for c in hits] == [1, 2, 3]
    for c, r in zip(hits, res["rep_list"]):
        assert r["start_s"] <= c["t_s"] <= r["end_s"]
    assert {c["code"] for c in cues} <= {code, "squat_depth", "knees_forward", "tempo_fast", "pushup_depth"}


def test_tempo_and_partial_cues():
    res, cues = _cues("squat", rep_s=0.8, partial=(1,))
    codes = [c["code"] for c in cues]
    assert codes.count("tempo_fast") == 2 and codes.count("partial") == 1
    partial = next(c for c in cues if c["code"] == "partial")
    assert partial["rep"] is None and partial["severity"] == "info"
    assert [c["t_s"] for c in cues] == sorted(c["t_s"] for c in cues)


def test_messages_are_bilingual_and_format():
    kw = dict(t=1.0, deg=100.0, rep=2, dur=0.5, ratio=0.6, detail="x", value=20.0, w=96, h=72, name="Squat",
              name_zh="深蹲", pct=30.0, s=60.0, reps=3, how="", how_zh="", view="front", view_zh="正面", best="side",
              best_zh="侧面", keys="squat")
    for code, (en, zh) in TEXT.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(en + zh) if f}
        m = message(code, **{k: v for k, v in kw.items() if k in fields})
        assert m["en"] and not CJK.search(m["en"]), code
        assert CJK.search(m["zh"]), code


def test_summary_groups_by_code():
    res, cues = _cues("squat", {"knee": (5, 75)}, partial=(1,))
    summary = summarize_cues(cues, "zh")
    assert summary[0]["code"] == "squat_depth" and summary[0]["count"] == 2
    assert CJK.search(summary[0]["text"])


def test_geometry_helpers():
    p = pose_points("squat", 0.0, stance_m=0.08) * np.array([1, -1, 1])     # y down, like the image
    assert knee_width_ratio(p) == pytest.approx(1.0, abs=0.05)
    plank = pose_points("push_up", 0.0) * np.array([1, -1, 1])
    ang, _ = body_line(plank)
    assert ang > 170
    arms = np.zeros((33, 3))
    arms[11], arms[12], arms[23], arms[24] = [-0.2, 0, 0], [0.2, 0, 0], [-0.1, 0.5, 0], [0.1, 0.5, 0]
    arms[13], arms[14] = [-0.5, 0, 0], [0.5, 0, 0]                  # elbows straight out to the sides
    assert elbow_flare_deg(arms) == pytest.approx(90, abs=1)
    arms[13], arms[14] = [-0.2 - 0.21, 0.21, 0], [0.2 + 0.21, 0.21, 0]   # 45° from the body
    assert elbow_flare_deg(arms) == pytest.approx(45, abs=1)
