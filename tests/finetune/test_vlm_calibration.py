"""bench vlm_calibration against the local fake OpenAI-compatible server: the served path, end to end.

The scripted model is overconfident (its wrong answers say 0.97 too): uncalibrated, such answers become
confident cards; the fitted table gives them the picker, and the recogniser loads that table."""
from __future__ import annotations

import json

import pytest

from bench import vlm_calibration as vc
from indexes.default_gallery.negatives import negative_set
from tests.fakes import FakeOpenAIServer
from tests.finetune.conftest import blob_image, save
from tools.equipment import VLMRecognizer

LABELS = ("dumbbell", "leg_press_machine", "treadmill")   # the order the bench reads folders in


def _answer(*pairs) -> str:
    return json.dumps({"candidates": [{"id": i, "confidence": c} for i, c in pairs]})


@pytest.fixture
def labelled(tmp_path):
    for n, label in enumerate(LABELS):
        for i in range(10):
            save(blob_image(10 * n + i), tmp_path / "photos" / label / f"p{i}.jpg")
    return tmp_path / "photos"


def test_bench_fits_a_table_the_recogniser_applies(labelled, tmp_path, kb, capsys, monkeypatch):
    monkeypatch.delenv("FITNESSLM_LLM_URL", raising=False)
    held = sum(n["split"] == "held" for n in negative_set())
    out = tmp_path / "cal.json"
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("dumbbell", 0.9)))                       # warm-up
        for n, label in enumerate(LABELS):
            wrong = LABELS[(n + 1) % 3]
            for i in range(10):   # 8 right at 0.97, 1 wrong at 0.97 (right second), 1 right at 0.6
                srv.then(reply=_answer((wrong, 0.97), (label, 0.02)) if i == 8 else
                         _answer((label, 0.6 if i == 9 else 0.97)))
        srv.then(reply=_answer(("treadmill", 0.97)))                     # one non-gym image fools it
        for _ in range(held - 1):
            srv.then(reply=_answer(("none", 0.9)))
        rows = vc.main(["--images", str(labelled), "--url", srv.base_url, "--out", str(out)])
        assert len(srv.requests) == 1 + 30 + held
    printed = capsys.readouterr().out
    raw, cal = rows
    assert raw["photos"] == cal["photos"] == 30 and raw["top1_pct"] == 90.0 and raw["top3_pct"] == 100.0
    assert raw["confident_pct"] == 90.0 and raw["confident_right_pct"] == round(100 * 24 / 27, 1)  # unearned cards
    assert raw["nongym_confident_pct"] == round(100 / held, 1) and raw["gym_rejected_pct"] == 0.0
    # cross-validated, honestly: the fold holding every wrong answer (rank 8 of each label) was fitted on 21/21
    # right answers at 0.97, so it answers its 6 photos confidently, 3 of them wrongly; the other folds never do
    assert cal["confident_pct"] == 20.0 and cal["confident_right_pct"] == 50.0
    assert cal["nongym_confident_pct"] == 0.0                            # the full table: 0.97 is worth 0.9 only
    assert cal["nongym_accepted_pct"] == raw["nongym_accepted_pct"] == round(100 / held, 1)
    assert raw["errors"] == 0 and raw["p50_ms"] > 0 and f"FITNESSLM_VLM_CALIBRATION={out}" in printed
    table = json.loads(out.read_text())
    assert table["n"] == 30 and table["accept_at"] is None and table["values"] == [0.9]   # violators pooled
    rec = VLMRecognizer.from_kb(None, kb, calibration=str(out))
    assert rec.calibration is not None and rec.accept_confidence == float("inf")  # the table matches the question


def test_cross_validation_scores_each_photo_with_a_table_that_never_saw_it():
    labels = [lab for lab in LABELS for _ in range(10)]
    answers = [{"cands": [(lab, 0.97)], "none": 0.0, "error": "", "ms": 1.0} for lab in labels]
    answers[0] = {"cands": [("treadmill", 0.97)], "none": 0.0, "error": "", "ms": 1.0}   # one wrong, overconfident
    got = vc.cross_validated(answers, labels, 5)
    # 29/30 right at 0.97 (96.7%) on every training fold: confident, including the one wrong answer
    assert got.count("recognized") == 30
    answers[1] = answers[2] = answers[0]
    assert vc.cross_validated(answers, labels, 5).count("recognized") == 0   # 27/30: no fold earns cards


def test_skips_cleanly_without_a_server(monkeypatch, capsys, labelled):
    monkeypatch.delenv("FITNESSLM_LLM_URL", raising=False)
    assert vc.main(["--images", str(labelled)]) == []
    assert "skipped: no VLM server" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        vc.main(["--folds", "1"])
