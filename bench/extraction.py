"""Profile extraction accuracy per field over bench/cases/extraction.yaml (phrasings as people type them).

python -m bench extraction [--json] [--llm] [--split tune|heldout]
A field is right when the extracted value equals the expected one (kg within 0.6, cm within 1.5); a body fact
extracted but not expected is a wrong fact (it would be saved to the profile). `--llm` adds the local LLM's
JSON-schema extraction for the numbers the regex left unplaced (agent/understand.py); it is slow on a CPU.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import yaml

CASES = Path(__file__).with_name("cases") / "extraction.yaml"
FACTS = ("sex", "age", "height_cm", "weight_kg", "pregnancy_week", "postpartum_weeks", "target_weight_kg",
         "weight_change_kg", "days_per_week", "minutes_per_session", "limitations", "equipment", "breastfeeding")
TOLERANCE = {"weight_kg": 0.6, "target_weight_kg": 0.6, "weight_change_kg": 0.6, "height_cm": 1.5,
             "pregnancy_week": 1, "postpartum_weeks": 1}


def same(field: str, got, want) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)):
        return abs(float(got) - float(want)) <= TOLERANCE.get(field, 0)
    if isinstance(want, list):
        return sorted(got or []) == sorted(want)
    return got == want


def score(cases: list, extract) -> tuple[dict, list]:
    """Per field: [right, total]; and the failing cases."""
    fields: dict = defaultdict(lambda: [0, 0])
    failures = []
    for text, want in cases:
        got = extract(text)
        bad = []
        for f in set(want) | {f for f in FACTS if f in got}:
            ok = same(f, got.get(f), want[f]) if f in want else False
            fields[f][0] += ok
            fields[f][1] += 1
            if not ok:
                bad.append(f"{f}: got {got.get(f)!r} want {want.get(f, '(none)')!r}")
        if bad:
            failures.append({"text": text, "errors": "; ".join(bad)})
    return fields, failures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--llm", action="store_true", help="regex + local LLM for unplaced numbers")
    parser.add_argument("--split", default="", help="only this split (tune or heldout)")
    args = parser.parse_args(argv)
    from bench.table import emit

    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    if args.llm:
        from agent.backends import create_backend
        from agent.understand import understand
        from config import get_settings

        backend = create_backend("local", get_settings())
        extract = lambda text: understand(text, backend).facts  # noqa: E731
    else:
        from agent.slots import extract_profile as extract
    rows, all_failures = [], []
    for split in ("tune", "heldout"):
        if args.split and split != args.split:
            continue
        fields, failures = score(data[split], extract)
        all_failures += [{"split": split, **f} for f in failures]
        worst = min((r / n for r, n in fields.values()), default=1.0)
        for f, (right, n) in sorted(fields.items()):
            rows.append({"split": split, "field": f, "n": n, "accuracy": f"{right / n:.1%}"})
        rows.append({"split": split, "field": "ALL CASES", "n": len(data[split]),
                     "accuracy": f"{1 - len(failures) / len(data[split]):.1%} cases fully right; worst field {worst:.1%}"})
    emit(rows, args.json)
    if not args.json:
        for f in all_failures:
            print(f"  FAIL [{f['split']}] {f['text']!r}: {f['errors']}")


if __name__ == "__main__":
    main()
