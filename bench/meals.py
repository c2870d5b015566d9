"""Meal plans a dietitian would sign: profiles x 7 days checked by the rubric (tools/nutrition/rubric.py).

python -m bench meals [--json] [--split dev|held_out|all] [--show N] [--limit N]
Profiles below cover every diet, allergy, cuisine and goal, pregnancy by trimester, lactation, minors, 2-6
meals a day and 1200-4000 kcal. The dev set is a grid written to cover those combinations; the held-out set
is written separately, the way people fill the form (男/女, 减脂, 花生, 中餐...), and is not tuned on.
One row per split: hard-rule violations (structure, portion bounds, protein sources, cuisine, allowed foods:
the goal is 0), % of days with macros within 5% (goal >= 95%), vegetables / fibre / sodium within range
(goal >= 90%), the other day rules, and the time of one day's solve (goal <= 200 ms). An unsafe
requested_kcal is planned as the refusal's nearest safe plan (counted in `refused`).
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import time

DIETS = ("omnivore", "vegetarian", "vegan", "pescatarian", "halal")
ALLERGIES = ((), ("peanut",), ("dairy",), ("egg",), ("soy",), ("gluten",), ("tree_nut",), ("fish",),
             ("shellfish",), ("sesame",), ("peanut", "shellfish"), ("dairy", "egg"))
CUISINES = ("chinese", "western", "any")
GOALS = ("lose", "maintain", "gain")
# (sex, age, height_cm, weight_kg, activity): small sedentary women (~1200-1500 kcal) to big athletes (~4000)
BODIES = (("female", 28, 155, 52, "sedentary"), ("male", 35, 176, 78, "moderate"), ("female", 45, 163, 70, "light"),
          ("male", 22, 188, 92, "very_active"), ("female", 33, 168, 58, "active"), ("male", 60, 170, 72, "light"),
          ("female", 24, 160, 85, "sedentary"), ("male", 29, 182, 80, "active"))
SPECIAL = (  # populations planned with their own rules (added to the grid's profiles)
    {"sex": "female", "age": 30, "height_cm": 162, "weight_kg": 60, "pregnancy_week": 9, "cuisine": "chinese"},
    {"sex": "female", "age": 32, "height_cm": 165, "weight_kg": 66, "pregnancy_week": 20, "cuisine": "western"},
    {"sex": "female", "age": 27, "height_cm": 158, "weight_kg": 63, "pregnancy_week": 33, "cuisine": "any",
     "diet": "vegetarian"},
    {"sex": "female", "age": 36, "height_cm": 170, "weight_kg": 72, "pregnancy_week": 30, "cuisine": "chinese",
     "allergies": ["fish"]},
    {"sex": "female", "age": 31, "height_cm": 163, "weight_kg": 64, "breastfeeding": True, "postpartum_weeks": 8,
     "cuisine": "chinese"},
    {"sex": "female", "age": 29, "height_cm": 166, "weight_kg": 68, "breastfeeding": True, "postpartum_weeks": 36,
     "cuisine": "western", "diet": "pescatarian"},
    {"sex": "male", "age": 15, "height_cm": 170, "weight_kg": 58, "activity": "active", "cuisine": "chinese"},
    {"sex": "female", "age": 14, "height_cm": 158, "weight_kg": 47, "activity": "moderate", "goal": "lose",
     "cuisine": "any"},
    {"sex": "male", "age": 17, "height_cm": 180, "weight_kg": 66, "activity": "very_active", "goal": "gain",
     "cuisine": "western"},
    {"sex": "female", "age": 16, "height_cm": 162, "weight_kg": 50, "diet": "vegetarian", "cuisine": "chinese"},
    {"sex": "female", "age": 52, "height_cm": 158, "weight_kg": 62, "goal": "lose", "requested_kcal": 1000,
     "cuisine": "chinese"},
    {"sex": "male", "age": 40, "height_cm": 175, "weight_kg": 90, "target_weight_kg": 78, "training_days": 3,
     "activity": "moderate", "cuisine": "chinese"},
    {"sex": "female", "age": 26, "height_cm": 165, "weight_kg": 55, "target_weight_kg": 60, "cuisine": "western",
     "trained": True, "training_days": 4, "activity": "active"},
    {"sex": "male", "age": 68, "height_cm": 168, "weight_kg": 70, "cuisine": "chinese", "meals_per_day": 5},
)


def dev_profiles() -> list[dict]:
    """The grid: every diet x cuisine x goal once (45), allergies and bodies cycled, 2-6 meals a day, plus
    the special populations and a few very small / very large targets."""
    out = []
    for i, (diet, cuisine, goal) in enumerate(itertools.product(DIETS, CUISINES, GOALS)):
        sex, age, h, w, act = BODIES[i % len(BODIES)]
        out.append({"sex": sex, "age": age, "height_cm": h, "weight_kg": w, "activity": act, "goal": goal,
                    "diet": diet, "cuisine": cuisine, "allergies": list(ALLERGIES[(i * 5) % len(ALLERGIES)]),
                    "meals_per_day": (3, 4, 3, 5, 3, 6, 2)[i % 7]})
    for i, allergy in enumerate(ALLERGIES[1:]):   # each allergy in a Chinese and a Western plan
        sex, age, h, w, act = BODIES[(i + 3) % len(BODIES)]
        for cuisine in ("chinese", "western"):
            out.append({"sex": sex, "age": age, "height_cm": h, "weight_kg": w, "activity": act,
                        "goal": GOALS[i % 3], "diet": DIETS[(i + 1) % 5] if cuisine == "western" else "omnivore",
                        "cuisine": cuisine, "allergies": list(allergy), "meals_per_day": 3 + i % 2})
    out += [dict(p) for p in SPECIAL]
    out += [{"sex": "female", "age": 35, "height_cm": 150, "weight_kg": 50, "goal": "lose", "cuisine": "chinese"},
            {"sex": "female", "age": 58, "height_cm": 152, "weight_kg": 48, "goal": "lose", "cuisine": "western"},
            {"sex": "male", "age": 23, "height_cm": 193, "weight_kg": 100, "activity": "very_active", "goal": "gain",
             "cuisine": "chinese", "meals_per_day": 6, "trained": True},
            {"sex": "male", "age": 27, "height_cm": 190, "weight_kg": 95, "activity": "very_active", "goal": "gain",
             "cuisine": "western", "meals_per_day": 5, "trained": True}]
    return out


# Written separately and not tuned on: the way the profile form and the chat extractor hand them over.
HELD_OUT = (
    {"sex": "女", "age": 29, "height_cm": 160, "weight_kg": 56, "goal": "减脂", "cuisine": "中餐", "allergies": "花生"},
    {"sex": "男", "age": 34, "height_cm": 172, "weight_kg": 75, "goal": "增肌", "activity": "中度", "cuisine": "中餐"},
    {"sex": "female", "age": 41, "height_cm": 167, "weight_kg": 74, "goal": "lose weight", "diet": "vegetarian",
     "cuisine": "western", "meals_per_day": 4},
    {"sex": "male", "age": 19, "height_cm": 178, "weight_kg": 64, "goal": "bulk", "activity": "active",
     "cuisine": "any", "allergies": "milk"},
    {"sex": "女", "age": 33, "height_cm": 163, "weight_kg": 58, "pregnancy_week": 24, "cuisine": "中餐",
     "allergies": "虾"},
    {"sex": "female", "age": 30, "height_cm": 170, "weight_kg": 65, "pregnancy_week": 36, "cuisine": "western",
     "diet": "pescatarian"},
    {"sex": "女", "age": 28, "height_cm": 158, "weight_kg": 57, "breastfeeding": True, "postpartum_weeks": 12,
     "cuisine": "中餐", "diet": "素食"},
    {"sex": "male", "age": 16, "height_cm": 175, "weight_kg": 80, "goal": "lose", "cuisine": "chinese"},
    {"sex": "女", "age": 13, "height_cm": 152, "weight_kg": 42, "activity": "中度", "cuisine": "不限"},
    {"sex": "male", "age": 50, "height_cm": 174, "weight_kg": 98, "goal": "lose", "diet": "halal",
     "cuisine": "chinese", "meals_per_day": 3},
    {"sex": "female", "age": 62, "height_cm": 155, "weight_kg": 60, "diet": "vegan", "cuisine": "western"},
    {"sex": "男", "age": 26, "height_cm": 180, "weight_kg": 70, "diet": "纯素", "goal": "增肌", "cuisine": "中餐",
     "activity": "高度"},
    {"sex": "male", "age": 38, "height_cm": 185, "weight_kg": 88, "diet": "pescatarian", "allergies": "gluten",
     "cuisine": "any", "meals_per_day": 4},
    {"sex": "female", "age": 25, "height_cm": 162, "weight_kg": 52, "goal": "maintain", "allergies": "eggs, soya",
     "cuisine": "chinese"},
    {"sex": "female", "age": 44, "height_cm": 160, "weight_kg": 68, "requested_kcal": 900, "cuisine": "western"},
    {"sex": "男", "age": 45, "height_cm": 170, "weight_kg": 82, "requested_kcal": 1900, "cuisine": "中餐"},
    {"sex": "male", "age": 31, "height_cm": 183, "weight_kg": 84, "target_weight_kg": 76, "activity": "active",
     "training_days": 4, "cuisine": "western", "allergies": "tree nuts"},
    {"sex": "female", "age": 37, "height_cm": 169, "weight_kg": 61, "diet": "halal", "cuisine": "western",
     "allergies": "sesame", "meals_per_day": 5},
    {"sex": "male", "age": 21, "height_cm": 191, "weight_kg": 98, "goal": "gain", "activity": "very_active",
     "cuisine": "chinese", "meals_per_day": 5, "trained": True},
    {"sex": "female", "age": 55, "height_cm": 157, "weight_kg": 66, "goal": "lose", "diet": "vegetarian",
     "cuisine": "chinese", "allergies": "dairy"},
    {"sex": "male", "age": 72, "height_cm": 165, "weight_kg": 63, "cuisine": "chinese", "meals_per_day": 4},
    {"sex": "female", "age": 22, "height_cm": 172, "weight_kg": 59, "goal": "gain", "activity": "active",
     "cuisine": "any", "diet": "vegan", "allergies": "peanut"},
    {"sex": "male", "age": 43, "height_cm": 168, "weight_kg": 76, "diet": "pescatarian", "cuisine": "chinese",
     "allergies": "fish", "meals_per_day": 2},
    {"sex": "female", "age": 34, "height_cm": 164, "weight_kg": 62, "pregnancy_week": 11, "cuisine": "any",
     "allergies": "egg"},
    {"sex": "男", "age": 28, "height_cm": 176, "weight_kg": 72, "goal": "维持", "cuisine": "西餐", "activity": "轻度",
     "allergies": "芝麻"},
    {"sex": "female", "age": 48, "height_cm": 161, "weight_kg": 77, "target_weight_kg": 65, "cuisine": "chinese",
     "diet": "halal"},
    {"sex": "male", "age": 17, "height_cm": 172, "weight_kg": 60, "diet": "vegetarian", "cuisine": "western",
     "activity": "active"},
    {"sex": "male", "age": 33, "height_cm": 179, "weight_kg": 77, "goal": "lose", "cuisine": "chinese",
     "allergies": "gluten", "trained": True, "activity": "moderate"},
)
SPLITS = ("dev", "held_out")
RANGE_GOALS = {"macros": 95, "vegetables": 90, "fibre": 90, "sodium": 90}
SOLVE_MS_MAX = 200


def profiles(split: str) -> list[dict]:
    return dev_profiles() if split == "dev" else [dict(p) for p in HELD_OUT]


def _plan(profile: dict, kb) -> tuple[dict, bool]:
    """The plan, or for an unsafe request the refusal's nearest safe plan (and True)."""
    from tools.nutrition import UnsafeNutritionRequest, plan_nutrition

    try:
        return plan_nutrition(profile, kb), False
    except UnsafeNutritionRequest as refusal:
        return refusal.safe_plan, True


class _Timed:
    """Times each day's solve: wraps meals.plan_meals_day, which plan_meals_week calls once a day."""

    def __init__(self):
        import tools.nutrition.meals as meals

        self.meals, self.inner, self.ms = meals, meals.plan_meals_day, []

    def __enter__(self):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            out = self.inner(*args, **kwargs)
            self.ms.append(1000 * (time.perf_counter() - t0))
            return out
        self.meals.plan_meals_day = timed
        return self

    def __exit__(self, *exc):
        self.meals.plan_meals_day = self.inner


def evaluate(split: str, kb, limit: int | None = None) -> tuple[dict, list[dict]]:
    """One summary row for a split and the failing days (profile index, day, rule, message)."""
    from tools.nutrition.rubric import HARD_RULES, RANGE_RULES, check_day
    from tools.profiles import parse_nutrition_profile

    cases = profiles(split)[:limit]
    hard = {name: 0 for name in HARD_RULES}
    ok = {name: 0 for name in RANGE_RULES}
    days = refused = 0
    kcal = []
    failures = []
    with _Timed() as timer:
        for i, raw in enumerate(cases):
            plan, was_refused = _plan(raw, kb)
            refused += was_refused
            p = parse_nutrition_profile(plan["profile"])
            kcal.append(plan["targets"]["kcal"])
            for day in plan["week_plan"]:
                days += 1
                found = check_day(day, p, plan["targets"], kb)
                for name in HARD_RULES:
                    hard[name] += len(found[name])
                for name in RANGE_RULES:
                    ok[name] += not found[name]
                failures += [(split, i, day["day"], name, msg) for name, msgs in found.items() for msg in msgs]
    ms = sorted(timer.ms)
    row = {"split": split, "profiles": len(cases), "days": days, "refused": refused,
           "kcal_range": f"{min(kcal):.0f}-{max(kcal):.0f}", **{f"hard_{k}": v for k, v in hard.items()},
           **{f"{k}_pct": round(100 * v / days, 1) for k, v in ok.items()},
           "solve_p50_ms": round(statistics.median(ms), 1), "solve_p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
           "solve_max_ms": round(ms[-1], 1)}
    row["pass"] = (sum(hard.values()) == 0 and all(row[f"{k}_pct"] >= v for k, v in RANGE_GOALS.items())
                   and row["solve_p95_ms"] <= SOLVE_MS_MAX)
    return row, failures


def main(argv: list[str] | None = None) -> None:
    from bench.table import emit
    from knowledge import load_knowledge

    ap = argparse.ArgumentParser(prog="python -m bench meals")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    ap.add_argument("--show", type=int, default=0, help="print the first N failing rule checks")
    ap.add_argument("--limit", type=int, default=None, help="only the first N profiles of each split")
    args = ap.parse_args(argv)
    kb = load_knowledge()
    _plan(dict(SPECIAL[0]), kb)   # warm-up: imports, HiGHS start-up
    rows, failures = [], []
    for split in (SPLITS if args.split == "all" else (args.split,)):
        row, fails = evaluate(split, kb, args.limit)
        rows.append(row)
        failures += fails
    if args.show:
        for f in failures[:args.show]:
            print(*f)
    if args.json:
        emit(rows, True)
    else:   # one column per split, one line per measure
        emit([{"measure": k, **{r["split"]: r[k] for r in rows}} for k in rows[0] if k != "split"], False)


if __name__ == "__main__":
    main()
