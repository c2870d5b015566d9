"""One-day and 7-day meal plans from targets, with relaxation levels stated, and the week's grocery list."""
from __future__ import annotations

import math
import random

from tools.profiles import NutritionProfile, parse_nutrition_profile
from .foods import _candidates, _seed, _units, allowed_foods
from .rules import (CANDIDATES_PER_SLOT, MAX_DAYS_PER_FOOD, MIN_FOODS_PER_DAY, NUTRIENTS, SLOTS, SOLVE_TOLERANCE,
                    STEPS_PER_PORTION, TOLERANCE, TRIES_PER_LEVEL)
from .solve import _solve
from .text import SLOT_LABEL, _RELAXED_TEXT, _bi


# Solve levels, strict first; later levels relax rules and the day records which ones it dropped.
LEVELS = (
    {"k": CANDIDATES_PER_SLOT, "tol": SOLVE_TOLERANCE, "min_foods": MIN_FOODS_PER_DAY, "categories": True,
     "fiber": True, "repeats": False, "relaxed": ()},
    {"k": 30, "tol": SOLVE_TOLERANCE, "min_foods": MIN_FOODS_PER_DAY, "categories": True, "fiber": True,
     "repeats": False, "relaxed": ()},
    {"k": 30, "tol": SOLVE_TOLERANCE, "min_foods": 8, "categories": False, "fiber": True, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats")},
    {"k": 40, "tol": 0.10, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "tolerance_10pct")},
    {"k": 40, "tol": 0.25, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "best_effort")},
    {"k": 40, "tol": None, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "best_effort")},
)

def _item(food, steps: int) -> dict:
    grams = round(steps * _units(food)[0], 2)
    per = {k: getattr(food, k) * grams / 100 for k in (*NUTRIENTS, "fiber_g")}
    return {"food_id": food.id, "name": food.name.to_dict(), "category": food.category, "grams": grams,
            "portions": steps / STEPS_PER_PORTION, "portion": food.portion.to_dict(), "portion_g": food.portion_g,
            **{k: round(v, 2) for k, v in per.items()}}


def day_totals(meals: list[dict]) -> dict:
    return {k: round(sum(it[k] for m in meals for it in m["items"]), 1) for k in (*NUTRIENTS, "fiber_g")}


def macro_errors_pct(totals: dict, targets: dict) -> dict:
    return {k: round(100 * (totals[k] - targets[k]) / targets[k], 2) for k in NUTRIENTS}


def plan_meals_day(targets: dict, profile: NutritionProfile | dict, kb, day_index: int = 0,
                   used_days: dict[str, int] | None = None) -> dict:
    """One day of meals whose kcal, protein, fat and carbohydrate are within 5% of `targets`.

    `used_days` counts days each food was already used this week (for variety). If the strict problem is
    infeasible the rules are relaxed step by step and the day says which ones, in en/zh.
    """
    p = parse_nutrition_profile(profile)
    used_days = used_days or {}
    pool = allowed_foods(p, kb)
    slots = SLOTS[p.meals_per_day]
    x, cands, level, message = None, [], 0, "no foods allowed"
    attempts = [(lv, t) for lv in range(len(LEVELS)) for t in range(TRIES_PER_LEVEL if lv < 3 else 1)]
    for level, attempt in attempts:
        opts = LEVELS[level]
        rng = random.Random(_seed(p, f"day{day_index}:{level}:{attempt}"))
        usable = pool if opts["repeats"] else [f for f in pool if used_days.get(f.id, 0) < MAX_DAYS_PER_FOOD]
        cands = [(s, f) for s in slots
                 for f in _candidates(usable, s, rng, opts["k"] // (2 if s.startswith("snack") else 1), p.cuisine)]
        if not cands:
            continue
        cost = {f.id: rng.uniform(0, 0.4) + 1.0 * used_days.get(f.id, 0) for _, f in cands}
        x, message = _solve(cands, targets, slots, cost, tol=opts["tol"], min_foods=opts["min_foods"],
                            categories=opts["categories"], fiber_min=targets["fiber_min_g"] if opts["fiber"] else 0)
        if x is not None:
            break
    meals = []
    for s in slots:
        items = [_item(f, int(x[i])) for i, (slot, f) in enumerate(cands) if slot == s and x is not None and x[i] > 0]
        meals.append({"slot": s, "label": _bi(*SLOT_LABEL[s]), "items": items,
                      "kcal": round(sum(it["kcal"] for it in items), 1)})
    totals = day_totals(meals)
    errors = macro_errors_pct(totals, targets) if x is not None else {k: -100.0 for k in NUTRIENTS}
    relaxed = list(LEVELS[level]["relaxed"]) if x is not None else ["best_effort"]
    note = None
    if relaxed:
        note = _bi("Relaxed to fit your food choices: " + ", ".join(_RELAXED_TEXT[r][0] for r in relaxed) + ".",
                   "为适应你的食物选择已放宽：" + "、".join(_RELAXED_TEXT[r][1] for r in relaxed) + "。")
    return {"day": day_index, "meals": meals, "totals": totals, "error_pct": errors,
            "within_tolerance": all(abs(e) <= 100 * TOLERANCE for e in errors.values()),
            "distinct_foods": len({it["food_id"] for m in meals for it in m["items"]}),
            "relaxed": relaxed, "relaxed_note": note,
            "solver": {"level": level, "candidates": len(cands), "message": str(message)}}


def plan_meals_week(targets: dict, profile: NutritionProfile | dict, kb, days: int = 7) -> list[dict]:
    """Seven days in a row, each food on at most 3 days (strict level)."""
    used: dict[str, int] = {}
    week = []
    for d in range(days):
        day = plan_meals_day(targets, profile, kb, d, used)
        for fid in {it["food_id"] for m in day["meals"] for it in m["items"]}:
            used[fid] = used.get(fid, 0) + 1
        week.append(day)
    return week


def grocery_list(week: list[dict], kb) -> list[dict]:
    """Grams of each food for the week, by food group, rounded up to 10 g."""
    grams: dict[str, float] = {}
    for day in week:
        for m in day["meals"]:
            for it in m["items"]:
                grams[it["food_id"]] = grams.get(it["food_id"], 0) + it["grams"]
    rows = []
    for fid, g in grams.items():
        f = kb.foods[fid]
        rows.append({"food_id": fid, "name": f.name.to_dict(), "category": f.category,
                     "category_label": {"en": kb.label("food_categories", f.category, "en"),
                                        "zh": kb.label("food_categories", f.category, "zh")},
                     "grams": int(math.ceil(g / 10) * 10), "portions": round(g / f.portion_g, 1)})
    return sorted(rows, key=lambda r: (r["category"], r["food_id"]))
