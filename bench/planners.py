"""Training and nutrition planners: generation time, validator pass rate and meal-plan macro accuracy.

python -m bench planners [--json] [--n 1000] [--weeks 100]
Random but realistic profiles from a fixed seed; a warm-up pass, then a measured pass. Meal-plan error is
|plan - target| / target per day for kcal, protein, fat and carbohydrate (mean and worst over all days).
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

N_PROFILES = 1000     # training plans, nutrition targets and one-day meal plans measured
N_WEEK_PLANS = 100    # full 7-day nutrition plans (each is 7 MILP days), the slow row
WARMUP = 20           # untimed plans first (imports, caches, HiGHS start-up)
SEED = 0
ALLERGENS = ("gluten", "dairy", "egg", "soy", "peanut", "tree_nut", "fish", "shellfish", "sesame")


def training_profile(rng: random.Random, equipment: list[str]) -> dict:
    place = rng.choice(["gym", "gym", "home", "bodyweight"])
    return {"goal": rng.choice(["strength", "hypertrophy", "fat_loss", "endurance", "general_health"]),
            "experience": rng.choice(["beginner", "intermediate", "advanced"]), "days_per_week": rng.randint(1, 7),
            "minutes_per_session": rng.choice([15, 20, 30, 45, 60, 75, 90, 120]), "age": rng.randint(14, 85),
            "place": place, "equipment": rng.sample(equipment, rng.randint(1, 6)) if place == "home" else None,
            "limitations": rng.sample(["knee", "lower_back", "shoulder", "wrist", "hip"], rng.choice([0, 0, 0, 1, 2])),
            "parq": ["bone_joint"] if rng.random() < 0.05 else []}


def nutrition_profile(rng: random.Random) -> dict:
    sex = rng.choice(["male", "female"])
    height = rng.gauss(175 if sex == "male" else 162, 7)
    return {"sex": sex, "age": rng.randint(16, 80), "height_cm": round(min(210, max(140, height)), 1),
            "weight_kg": round(min(160, max(40, rng.gauss(24, 4) * (height / 100) ** 2)), 1),
            "body_fat_pct": rng.choice([None, None, round(rng.uniform(8, 40), 1)]),
            "activity": rng.choice(["sedentary", "light", "moderate", "active", "very_active"]),
            "goal": rng.choice(["lose", "maintain", "gain"]),
            "diet": rng.choice(["omnivore"] * 4 + ["vegetarian", "vegan", "pescatarian", "halal"]),
            "allergies": rng.sample(ALLERGENS, rng.choice([0, 0, 0, 1, 2])), "meals_per_day": rng.randint(2, 6),
            "cuisine": rng.choice(["any", "chinese", "western"]), "trained": rng.random() < 0.3}


def _ms(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return 1000 * statistics.median(s), 1000 * s[min(len(s) - 1, int(0.95 * len(s)))]


def _row(name: str, times: list[float], passed: int, errors: list[float] | None = None, **extra) -> dict:
    p50, p95 = _ms(times)
    row = {"plan": name, "n": len(times), "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
           "pass_pct": round(100 * passed / len(times), 1)}
    if errors is not None:
        row |= {"mean_err_pct": round(statistics.fmean(errors), 2), "worst_err_pct": round(max(errors), 2)}
    return row | extra


def run(n: int = N_PROFILES, weeks: int = N_WEEK_PLANS, seed: int = SEED) -> list[dict]:
    from knowledge import load_knowledge
    from tools.nutrition import (fit_protein_to_foods, nutrition_targets, plan_meals_day, plan_nutrition,
                                 validate_nutrition_plan, validate_nutrition_targets)
    from tools.profiles import parse_nutrition_profile
    from tools.training import plan_training_week, validate_training_plan

    kb = load_knowledge()
    rng = random.Random(seed)
    equipment = sorted(kb.equipment)
    t_profiles = [training_profile(rng, equipment) for _ in range(n + WARMUP)]
    n_profiles = [nutrition_profile(rng) for _ in range(max(n, weeks) + WARMUP)]
    for p in t_profiles[:WARMUP]:
        plan_training_week(p, kb)
    for p in n_profiles[:3]:
        plan_nutrition(p, kb)
    rows = []

    times, ok = [], 0
    for i, p in enumerate(t_profiles[WARMUP:]):
        t0 = time.perf_counter()
        plan = plan_training_week(p, kb, variation=i % 3)
        times.append(time.perf_counter() - t0)
        ok += not validate_training_plan(plan, p, kb)
    rows.append(_row("training week", times, ok))

    times, ok, targets = [], 0, []
    for p in n_profiles[WARMUP:WARMUP + n]:
        t0 = time.perf_counter()
        t = nutrition_targets(p)
        times.append(time.perf_counter() - t0)
        ok += not validate_nutrition_targets(t, p)
        targets.append(fit_protein_to_foods(t, parse_nutrition_profile(p), kb))  # as plan_nutrition does
    rows.append(_row("nutrition targets", times, ok))

    times, ok, errors, relaxed = [], 0, [], 0
    for i, (p, t) in enumerate(zip(n_profiles[WARMUP:WARMUP + n], targets)):
        t0 = time.perf_counter()
        day = plan_meals_day(t, p, kb, day_index=i % 7)
        times.append(time.perf_counter() - t0)
        ok += day["within_tolerance"]
        relaxed += bool(day["relaxed"])
        errors += [abs(e) for e in day["error_pct"].values()]
    rows.append(_row("meal plan, 1 day", times, ok, errors, relaxed_days=relaxed))

    times, ok, errors, relaxed = [], 0, [], 0
    for p in n_profiles[WARMUP:WARMUP + weeks]:
        t0 = time.perf_counter()
        plan = plan_nutrition(p, kb)
        times.append(time.perf_counter() - t0)
        ok += not validate_nutrition_plan(plan, p, kb)
        relaxed += sum(bool(d["relaxed"]) for d in plan["week_plan"])
        errors += [abs(e) for d in plan["week_plan"] for e in d["error_pct"].values()]
    if weeks:
        rows.append(_row("nutrition plan, 7 days", times, ok, errors, relaxed_days=relaxed))
    return rows


def main(argv: list[str] | None = None) -> None:
    from bench.table import emit

    ap = argparse.ArgumentParser(prog="python -m bench planners", description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    ap.add_argument("--n", type=int, default=N_PROFILES, help="profiles for the fast rows")
    ap.add_argument("--weeks", type=int, default=N_WEEK_PLANS, help="full 7-day nutrition plans")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    emit(run(args.n, args.weeks, args.seed), args.json)


if __name__ == "__main__":
    main()
