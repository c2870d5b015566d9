"""VLM recognition bench and calibration: the served model, asked what the app asks, on labelled photos.

FITNESSLM_LLM_URL=http://127.0.0.1:23333/v1 python -m bench vlm_calibration [--images DIR] [--limit N]
    [--folds 5] [--out bench/out/vlm_calibration.json] [--json]

Why: a VLM's self-reported confidence is not calibrated, so the app only gives a confident card when a
table fitted here says answers like it were right >= 95% of the time (`tools.equipment.VLMCalibration`).
Every photo goes through `tools.equipment.VLMRecognizer` over the app's own HTTP backend (closed-set
question, schema, retry), sequentially after one warm-up. Rows: uncalibrated (raw >= UNCALIBRATED_ACCEPT)
and calibrated (the table refitted k-fold, each photo scored by a table that never saw it): top-1/3, the
share answered confidently and how often those are right, gym photos told "not equipment", and the held
half of the shipped non-gym set (never fitted on) not rejected / answered confidently; ms per photo.
Then the table fitted on all photos is written to --out: point FITNESSLM_VLM_CALIBRATION at it.
--images defaults to ../shared/data/equipment-dev (measurement only: the table stays in bench/out/, which
git ignores; fit a table you ship on your own labelled photos). Skips cleanly without a server URL.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "equipment-dev"
OUT = Path(__file__).resolve().parent / "out" / "vlm_calibration.json"
FOLDS = 5
MIN_FIT = 20          # photos with an answer needed before a table is fitted at all


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m bench vlm_calibration", description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=Path, default=DEV, help="labelled photos, <equipment id or name>/<image>")
    ap.add_argument("--limit", type=int, default=0, help="at most this many photos per label (0 = all)")
    ap.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds for the calibrated row")
    ap.add_argument("--out", type=Path, default=OUT, help="where the fitted table is written")
    ap.add_argument("--url", default="", help="server base URL (default FITNESSLM_LLM_URL)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.folds < 2 or args.limit < 0:
        ap.error("--folds must be at least 2 and --limit not negative")
    return args


def ask(rec, images) -> list[dict]:
    """One prediction per image, raw (the recogniser is uncalibrated): top ids, confidences, none, ms, error."""
    from tools.equipment import RecognitionError
    from tools.images import ImageInputError, load_image

    out = []
    for image in images:
        t0 = time.perf_counter()
        try:
            pred = rec.predict(load_image(image))
        except (RecognitionError, ImageInputError) as exc:
            out.append({"error": getattr(exc, "code", "bad_image"), "ms": (time.perf_counter() - t0) * 1000})
            continue
        out.append({"cands": pred.candidates, "none": pred.none_confidence, "error": "",
                    "ms": (time.perf_counter() - t0) * 1000})
    return out


def top_raw(a: dict) -> float:
    return a["cands"][0][1] if a["cands"] else 0.0


def statuses(answers: list[dict], accept: float, cal=None) -> list[str]:
    """tools.equipment.decide on each answer, its confidences mapped by `cal` when given."""
    from tools.equipment import Prediction, decide

    out = []
    for a in answers:
        if a["error"]:
            out.append("error")
            continue
        cands = [(i, cal(c) if cal else c) for i, c in a["cands"]]
        out.append(decide(Prediction(cands, a["none"], "vlm"), accept))
    return out


def accept_of(cal) -> float:
    from tools.equipment import ACCEPT_CONFIDENCE

    return float("inf") if cal.accept_at is None else max(ACCEPT_CONFIDENCE, cal.accept_at)


def fit(answers: list[dict], labels: list[str], **meta):
    """The table on the photos the model answered (errors are not evidence either way)."""
    from tools.equipment import VLMCalibration

    ok = [(top_raw(a), bool(a["cands"]) and a["cands"][0][0] == lab) for a, lab in zip(answers, labels)
          if not a["error"]]
    if len(ok) < MIN_FIT:
        return None
    return VLMCalibration.fit([r for r, _ in ok], [c for _, c in ok], **meta)


def row(case: str, answers, labels, status, neg_status) -> dict:
    """One table row from gym answers + their statuses and the non-gym statuses."""
    n = len(answers)
    ranked = [[i for i, _ in a.get("cands") or []] for a in answers]
    confident = [s == "recognized" for s in status]
    right = [c and r[:1] == [lab] for c, r, lab in zip(confident, ranked, labels)]
    ms = [a["ms"] for a in answers]

    def pct(k, d):
        return round(100 * k / d, 1) if d else ""

    return {"case": case, "photos": n, "top1_pct": pct(sum(r[:1] == [lab] for r, lab in zip(ranked, labels)), n),
            "top3_pct": pct(sum(lab in r[:3] for r, lab in zip(ranked, labels)), n),
            "confident_pct": pct(sum(confident), n), "confident_right_pct": pct(sum(right), sum(confident)),
            "gym_rejected_pct": pct(status.count("not_equipment"), n),
            "nongym_accepted_pct": pct(sum(s != "not_equipment" for s in neg_status), len(neg_status)),
            "nongym_confident_pct": pct(neg_status.count("recognized"), len(neg_status)),
            "errors": status.count("error"), "p50_ms": round(statistics.median(ms), 1) if ms else "",
            "p95_ms": round(sorted(ms)[int(0.95 * (len(ms) - 1))], 1) if ms else ""}


def cross_validated(answers, labels, folds: int) -> list[str]:
    """Statuses where each photo is scored by a table fitted on the other folds (fold = rank within label)."""
    from tools.equipment import UNCALIBRATED_ACCEPT

    seen: dict[str, int] = {}
    fold = []
    for lab in labels:
        fold.append(seen.get(lab, 0) % folds)
        seen[lab] = seen.get(lab, 0) + 1
    out = [""] * len(answers)
    for f in range(folds):
        train = [i for i, g in enumerate(fold) if g != f]
        test = [i for i, g in enumerate(fold) if g == f]
        cal = fit([answers[i] for i in train], [labels[i] for i in train])
        got = (statuses([answers[i] for i in test], accept_of(cal), cal) if cal else
               statuses([answers[i] for i in test], UNCALIBRATED_ACCEPT))
        for i, s in zip(test, got):
            out[i] = s
    return out


def run(rec, samples, negatives, folds: int, model: str = "") -> tuple[list[dict], object]:
    """(rows, the table fitted on every photo or None); the recogniser must be uncalibrated."""
    from tools.equipment import TOP_K, UNCALIBRATED_ACCEPT
    from tools.vlm_prompt import prompt_sha

    labels = [lab for lab, _ in samples]
    ask(rec, [samples[0][1]])                                  # warm-up, not measured
    answers, neg = ask(rec, [p for _, p in samples]), ask(rec, negatives)
    rows = [row(f"uncalibrated (raw >= {UNCALIBRATED_ACCEPT})", answers, labels,
                statuses(answers, UNCALIBRATED_ACCEPT), statuses(neg, UNCALIBRATED_ACCEPT))]
    cal = fit(answers, labels, prompt_sha=prompt_sha(rec.catalog, TOP_K), model=model)
    if cal is not None:
        rows.append(row(f"calibrated ({folds}-fold CV)", answers, labels, cross_validated(answers, labels, folds),
                        statuses(neg, accept_of(cal), cal)))
    return rows, cal


def main(argv=None) -> list[dict]:
    args = parse_args(argv)
    from agent.backends import create_backend
    from bench.table import emit
    from config import settings_from_env

    settings = settings_from_env(**({"llm_url": args.url} if args.url else {}))
    if not settings.llm_url:
        print("skipped: no VLM server (set FITNESSLM_LLM_URL, e.g. http://127.0.0.1:23333/v1, or pass --url)")
        return []
    if not args.images.is_dir():
        print(f"skipped: {args.images} is not a folder of labelled photos")
        return []
    from finetune.bench_server import held_out_samples
    from indexes.default_gallery.negatives import negative_set
    from knowledge import load_knowledge
    from tools.equipment import VLMRecognizer

    kb = load_knowledge()
    samples, unknown = held_out_samples(args.images, kb, args.limit)
    if not samples:
        raise SystemExit(f"no labelled photos under {args.images} (folders must be equipment ids or names)")
    negatives = [n["image"] for n in negative_set() if n["split"] == "held"]
    rec = VLMRecognizer.from_kb(create_backend("openai", settings), kb)   # raw: calibration is what we fit
    rows, cal = run(rec, samples, negatives, args.folds, settings.llm_model)
    emit(rows, args.json)
    if args.json:
        return rows
    if unknown:
        print(f"skipped folders matching no equipment: {', '.join(unknown)}")
    if cal is None:
        print(f"no table written: fewer than {MIN_FIT} photos were answered")
        return rows
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(cal.to_dict(), indent=1), encoding="utf-8")
    blocks = ", ".join(f">={e:.3f}: {v:.2f}" for e, v in zip(cal.edges, cal.values))
    accept = "never (no answer level was right >= 95% often enough)" if cal.accept_at is None else f"{cal.accept_at:.3f}"
    print(f"table on {cal.n} photos (raw top confidence -> P(right)): {blocks}; confident at calibrated >= {accept}")
    print(f"written {args.out}; use it with FITNESSLM_VLM_CALIBRATION={args.out}")
    return rows


if __name__ == "__main__":
    main()
