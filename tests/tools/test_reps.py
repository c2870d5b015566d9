"""Rep counting on synthetic landmark sequences: exact counts with noise, pauses, partial reps,
occlusions and a setup phase; exercise detection; the hysteresis state machine; smoothing."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from bench.pose import POSES, synth_sequence
from tools.reps import (SPECS, OneEuro, RepCounter, calibrate, compute_features, count_reps, exercise_info,
                        smooth_signal)

REPO = Path(__file__).resolve().parents[2]


def _count(seq, exercise, world=True):
    return count_reps(seq["image"], seq["times_s"], exercise, world=seq["world"] if world else None,
                      aspect=seq["aspect"])


@pytest.mark.parametrize("exercise", list(POSES))
@pytest.mark.parametrize("view", ["side", "front"])
def test_exact_count_with_noise_pauses_partial_and_occlusion(exercise, view):
    seq = synth_sequence(exercise, 6, view=view, noise=0.006, rep_s=1.6, pause_s=0.5, bottom_pause_s=0.6,
                         partial=(2,), occlude_after=(3,), seed=7)
    assert seq["true_reps"] == 5
    out = _count(seq, exercise)
    assert out["reps"] == 5
    assert len(out["rep_list"]) == 5 and [r["index"] for r in out["rep_list"]] == [1, 2, 3, 4, 5]
    r = out["rep_list"][0]
    assert r["start_s"] < r["bottom_s"] < r["end_s"] and r["rom_deg"] > 30


@pytest.mark.parametrize("exercise", list(POSES))
def test_detects_exercise_from_motion(exercise):
    seq = synth_sequence(exercise, 4, view="side", noise=0.004, seed=3)
    out = _count(seq, None)
    assert out["exercise"] == exercise
    assert out["detection"]["confidence"] >= 0.5
    assert out["reps"] == 4


@pytest.mark.parametrize("exercise", ["squat", "push_up", "deadlift", "sit_up"])
def test_image_only_side_view(exercise):
    seq = synth_sequence(exercise, 4, view="side", noise=0.004, seed=1)
    assert _count(seq, exercise, world=False)["reps"] == 4


def test_alternating_curls_count_each_arm():
    seq = synth_sequence("biceps_curl", 3, alternate=True, noise=0.003, seed=2)
    assert seq["true_reps"] == 6
    assert _count(seq, "biceps_curl")["reps"] == 6


def test_partial_reps_are_reported_not_counted():
    seq = synth_sequence("squat", 5, partial=(0, 4), noise=0.003, seed=4)
    out = _count(seq, "squat")
    assert out["reps"] == 3
    assert len(out["partials"]) == 2
    assert all(120 < p["min_deg"] < 145 for p in out["partials"])


def test_no_counting_before_start_position_is_held():
    """Frames that begin mid-rep (person walks in crouched) must not produce a rep."""
    seq = synth_sequence("squat", 3, noise=0.003, seed=5, setup_s=0.0, pause_s=0.8)
    t = seq["times_s"]
    cut = int(np.searchsorted(t, _count(seq, "squat")["rep_list"][0]["bottom_s"]))
    out = count_reps(seq["image"][cut:], t[cut:] - t[cut], "squat", world=seq["world"][cut:], aspect=seq["aspect"])
    assert out["reps"] == 2


def test_long_occlusion_requires_rearming():
    seq = synth_sequence("push_up", 4, noise=0.003, seed=6)
    t = seq["times_s"]
    reps_ = _count(seq, "push_up")["rep_list"]
    a = int(np.searchsorted(t, reps_[1]["bottom_s"] - 0.2))     # hide the bottom of rep 2 for 3 s …
    image, world = seq["image"].copy(), seq["world"].copy()
    b = int(np.searchsorted(t, t[a] + 3.0))
    image[a:b, :, 3] = world[a:b, :, 3] = 0.0
    out = count_reps(image, t, "push_up", world=world, aspect=seq["aspect"])
    assert out["reps"] < 4                                        # … that rep cannot be counted
    assert out["reps"] >= 2


def test_nothing_visible_or_no_motion():
    seq = synth_sequence("squat", 3, seed=8)
    hidden = seq["image"].copy()
    hidden[..., 3] = 0.0
    out = count_reps(hidden, seq["times_s"], None)
    assert out["exercise"] is None and out["reps"] == 0
    still = np.repeat(seq["image"][40:41], 90, 0)
    out = count_reps(still, np.arange(90) / 30, None, aspect=seq["aspect"])
    assert out["exercise"] is None and out["reps"] == 0
    assert count_reps(still, np.arange(90) / 30, "squat", aspect=seq["aspect"])["reps"] == 0


def test_unknown_exercise_key():
    seq = synth_sequence("squat", 1)
    with pytest.raises(ValueError, match="known"):
        count_reps(seq["image"], seq["times_s"], "burpee_flip")


def test_counter_hysteresis_ignores_jitter_at_threshold():
    spec = SPECS["squat"]
    c = RepCounter(spec)
    t = 0.0
    seq = [170] * 12 + [150, 146, 144, 146, 143, 147, 144] * 3 + [170] * 5   # hovers around 'leave' only
    seq += [170, 150, 120, 116, 114, 116, 114, 116, 120, 150, 154, 156, 154, 156, 170] * 2
    for v in seq:
        c.update(t, v)
        t += 1 / 30
    assert c.count == 2
    assert c.partials and all(p["min_deg"] > 140 for p in c.partials)


def test_counter_setup_and_invalid_frames():
    c = RepCounter(SPECS["squat"])
    for i in range(5):                       # too short a hold to arm
        c.update(i / 30, 170)
    c.update(5 / 30, 90)
    c.update(6 / 30, 170)
    assert c.count == 0 and c.state == "setup"
    t = 1.0
    for v in [170] * 15 + [90] * 10 + [math.nan] * 10 + [170] * 5:
        c.update(t, v, valid=not math.isnan(v))
        t += 1 / 30
    assert c.count == 1


def test_deadlift_may_start_from_the_floor():
    c = RepCounter(SPECS["deadlift"])
    t = 0.0
    for v in [100] * 15 + list(np.linspace(100, 175, 20)) + [175] * 10 + list(np.linspace(175, 100, 20)) \
            + list(np.linspace(100, 175, 20)):
        c.update(t, float(v))
        t += 1 / 30
    assert c.count == 2


def test_calibration_relaxes_but_never_tightens():
    spec = SPECS["squat"]
    compressed = np.concatenate([np.full(50, 148.0), np.full(10, 95.0)])   # straight knee read as 148°
    th = calibrate(spec, compressed)
    assert th["rest_deg"] < 148 and th["far_deg"] >= spec.far_deg
    full = calibrate(spec, np.concatenate([np.full(50, 175.0), np.full(10, 70.0)]))
    assert full["far_deg"] == spec.far_deg and spec.rest_deg - 2 <= full["rest_deg"] <= spec.rest_deg
    press = SPECS["shoulder_press"]                       # rest is the small angle: relaxing raises it
    th = calibrate(press, np.concatenate([np.full(50, 125.0), np.full(10, 168.0)]))
    assert th["rest_deg"] > press.rest_deg and th["far_deg"] <= press.far_deg
    assert calibrate(spec, np.full(40, 150.0))["rest_deg"] == spec.rest_deg


def test_one_euro_smooths_and_passes_nan():
    rng = np.random.default_rng(0)
    t = np.arange(300) / 30
    noisy = 120 + rng.normal(0, 3, t.size)
    sm = smooth_signal(noisy, t)
    assert np.std(sm[30:]) < 0.6 * np.std(noisy[30:])
    f = OneEuro()
    assert math.isnan(f(0.0, math.nan)) and f(0.1, 5.0) == 5.0


def test_angles_of_a_known_pose():
    lm = np.zeros((33, 4))
    lm[:, 3] = 1.0
    lm[23], lm[25], lm[27] = [0.5, 0.5, 0, 1], [0.5, 0.7, 0, 1], [0.7, 0.7, 0, 1]     # right angle at the knee
    lm[24], lm[26], lm[28] = lm[23], lm[25], [0.5, 0.9, 0, 1]                            # straight right leg
    lm[11], lm[12] = [0.5, 0.2, 0, 1], [0.5, 0.2, 0, 1]
    f = compute_features(lm, aspect=1.0)
    assert f["knee_l"][0] == pytest.approx(90, abs=0.1) and f["knee_r"][0] == pytest.approx(180, abs=0.1)
    assert f["knee_min"][0] == pytest.approx(90, abs=0.1) and f["incline"][0] == pytest.approx(0, abs=0.1)
    lm[25, 3] = 0.1                                                                      # left knee unseen
    f = compute_features(lm, aspect=1.0)
    assert math.isnan(f["knee_l"][0]) and f["knee"][0] == pytest.approx(180, abs=0.1)


def test_knowledge_ids_exist():
    ids = set()
    for path in (REPO / "knowledge" / "exercises").glob("*.yaml"):
        ids |= set(re.findall(r"^- id: (\S+)", path.read_text(encoding="utf-8"), re.M))
    for key, spec in SPECS.items():
        info = exercise_info(key)
        assert info["name"]["en"] and re.search(r"[\u4e00-\u9fff]", info["name"]["zh"])
        if spec.knowledge_id:
            assert spec.knowledge_id in ids, key
        else:
            assert info["knowledge_id"] == key
