"""One-day and 7-day meal plans from targets: structured meals per cuisine (templates.py) solved by the MILP
(solve.py), relaxation levels stated on the day, and the week's grocery list by aisle."""
from __future__ import annotations

import math
import random

import numpy as np

from tools.profiles import NutritionProfile, parse_nutrition_profile
from .foods import _kb_slot, _seed, allowed_foods, kitchens, meal_cuisines, menu
from .rules import (INFEASIBLE_TRIES_PER_LEVEL, MAX_DAYS_PER_FOOD, NUTRIENTS, SLOT_SHARE, SLOTS, SOLVE_TOLERANCE,
                    TOLERANCE, TRIES_PER_LEVEL)
from .solve import solve_day
from .text import AISLES, SLOT_LABEL, _RELAXED_TEXT, _bi

KEPT_KEYS = (*NUTRIENTS, "fiber_g", "sodium_mg", "sat_fat_g", "added_sugar_g", "veg_g", "fruit_g")  # as solve.per_unit
# Solve levels, strict first; later levels widen day rules (never the meal structure, portion bounds or
# cuisine) and the day records which ones it widened.
LEVELS = (
    {"scale": 1.0, "tol": SOLVE_TOLERANCE, "day": True, "band": True, "repeats": False, "relaxed": ()},
    {"scale": 1.6, "tol": SOLVE_TOLERANCE, "day": True, "band": True, "repeats": False, "relaxed": ()},
    {"scale": 2.0, "tol": SOLVE_TOLERANCE, "day": True, "band": True, "repeats": True, "relaxed": ("repeats",)},
    {"scale": 2.0, "tol": SOLVE_TOLERANCE, "day": True, "band": False, "repeats": True, "sodium_scale": 1.25,
     "veg_scale": 1.4, "fruit_floor": 0.5, "relaxed": ("repeats", "day_rules")},
    {"scale": 2.5, "tol": 0.10, "day": False, "band": False, "repeats": True,
     "relaxed": ("repeats", "day_rules", "tolerance_10pct")},
    {"scale": 3.0, "tol": None, "day": False, "band": False, "repeats": True,
     "relaxed": ("repeats", "day_rules", "best_effort")},
)


def _item(food, units: int) -> dict:
    f = food.facts
    grams = round(units * f.unit_g, 1)
    per = {k: getattr(food, k) * grams / 100 for k in (*NUTRIENTS, "fiber_g")}
    per |= {k: getattr(f, k) * grams / 100 for k in ("sodium_mg", "sat_fat_g", "added_sugar_g", "veg_g", "fruit_g")}
    by_unit = f.unit.en != "g"
    amount = _bi(f"{units} {f.unit.en}{'s' if units > 1 and not f.unit.en.endswith('s') else ''} ({grams:g} g)"
                 if by_unit else f"{grams:g} g", f"{units}{f.unit.zh}（{grams:g}克）" if by_unit else f"{grams:g}克")
    return {"food_id": food.id, "name": food.name.to_dict(), "category": food.category, "role": f.role,
            "grams": grams, "units": units if by_unit else None, "amount": amount,
            "portions": round(grams / food.portion_g, 2), "portion": food.portion.to_dict(), "portion_g": food.portion_g,
            **{k: round(v, 2) for k, v in per.items()}}


WATER_NDB = "14411"


def distinct_foods(meals: list[dict], kb) -> int:
    """Different foods eaten, counting a composed dish's ingredients as the guideline does (中国居民膳食指南 2022:
    at least 12 a day); water and cooking basics of one recipe count once each."""
    seen: set[str] = set()
    for m in meals:
        for it in m["items"]:
            f = kb.foods.get(it["food_id"])
            parts = [n for n, _ in f.facts.ingredients if n != WATER_NDB] if f is not None and f.facts else []
            seen |= set(parts) if parts else {it["food_id"]}
    return len(seen)


def day_totals(meals: list[dict]) -> dict:
    keys = (*NUTRIENTS, "fiber_g", "sodium_mg", "sat_fat_g", "added_sugar_g", "veg_g", "fruit_g")
    return {k: round(sum(it.get(k, 0) for m in meals for it in m["items"]), 1) for k in keys}


def macro_errors_pct(totals: dict, targets: dict) -> dict:
    return {k: round(100 * (totals[k] - targets[k]) / targets[k], 2) for k in NUTRIENTS}


def plan_meals_day(targets: dict, profile: NutritionProfile | dict, kb, day_index: int = 0,
                   used_days: dict[str, int] | None = None, fixed: dict[str, list[dict]] | None = None,
                   exclude: set[str] | frozenset = frozenset()) -> dict:
    """One day of structured meals within 5% of `targets` on kcal, protein, fat and carbohydrate.

    `used_days` counts days each food was already used this week (variety); `fixed` maps slot -> items kept
    as they are (a swap re-solves the other meals around them); `exclude` lists food ids not to serve. If the strict problem is infeasible the day
    rules are widened step by step and the day says which, in en/zh.
    """
    p = parse_nutrition_profile(profile)
    used_days = used_days or {}
    fixed = fixed or {}
    pool = [f for f in allowed_foods(p, kb) if f.id not in exclude]
    slots = SLOTS[p.meals_per_day]
    free = [s for s in slots if s not in fixed]
    kept = [it for s in slots if s in fixed for it in fixed[s]]
    kept_totals = np.array([sum(it[k] for it in kept) for k in KEPT_KEYS])
    shares = np.array([SLOT_SHARE[_kb_slot(s)] for s in slots])
    share = dict(zip(slots, shares / shares.sum()))
    options = kitchens(p, slots, pool)
    x, cands, level, cuisines = None, [], 0, []
    for level in range(len(LEVELS)):
        opts = LEVELS[level]
        proven = 0
        for attempt in range(TRIES_PER_LEVEL if level < 4 else 1):
            rng = random.Random(_seed(p, f"day{day_index}:{level}:{attempt}"))
            cuisines = meal_cuisines(options, slots, rng)
            usable = pool if opts["repeats"] else [f for f in pool if used_days.get(f.id, 0) < MAX_DAYS_PER_FOOD]
            taken = {it["food_id"] for it in kept}
            cands = [(j, f) for j, s in enumerate(free)
                     for f in menu([f for f in usable if f.id not in taken], s, cuisines[slots.index(s)], rng,
                                   opts["scale"])]
            if not cands:
                continue
            cost = np.array([rng.uniform(0, 0.4) + used_days.get(f.id, 0) for _, f in cands])
            x, infeasible = solve_day(cands, [(s, cuisines[slots.index(s)], share[s]) for s in free], targets, opts,
                                      cost, kept_totals, sum(it.get("role") == "supplement" for it in kept))
            proven += infeasible
            if x is not None or proven >= INFEASIBLE_TRIES_PER_LEVEL:
                break
        if x is not None:
            break
    meals = []
    for s in slots:
        if s in fixed:
            items = fixed[s]
        else:
            j = free.index(s)
            items = [] if x is None else [_item(f, int(x[i])) for i, (jj, f) in enumerate(cands) if jj == j and x[i] > 0]
        meals.append({"slot": s, "label": _bi(*SLOT_LABEL[s]), "cuisine": cuisines[slots.index(s)] if cuisines else
                      p.cuisine, "items": items, "kcal": round(sum(it["kcal"] for it in items), 1)})
    totals = day_totals(meals)
    errors = macro_errors_pct(totals, targets)
    relaxed = list(LEVELS[level]["relaxed"]) if x is not None else ["best_effort"]
    note = None
    if relaxed:
        note = _bi("Relaxed to fit your food choices: " + ", ".join(_RELAXED_TEXT[r][0] for r in relaxed) + ".",
                   "为适应你的食物选择已放宽：" + "、".join(_RELAXED_TEXT[r][1] for r in relaxed) + "。")
    return {"day": day_index, "meals": meals, "totals": totals, "error_pct": errors,
            "within_tolerance": all(abs(e) <= 100 * TOLERANCE for e in errors.values()),
            "distinct_foods": distinct_foods(meals, kb),
            "relaxed": relaxed, "relaxed_note": note,
            "solver": {"level": level, "candidates": len(cands)}}


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
    """The week's shopping merged by food and grouped by aisle: grams rounded up to 10 g, whole units counted.
    A composed dish is bought as a dish (or cooked from its recipe, see the food's ingredient breakdown)."""
    grams: dict[str, float] = {}
    units: dict[str, int] = {}
    for day in week:
        for m in day["meals"]:
            for it in m["items"]:
                grams[it["food_id"]] = grams.get(it["food_id"], 0) + it["grams"]
                if it.get("units"):
                    units[it["food_id"]] = units.get(it["food_id"], 0) + it["units"]
    rows = []
    for fid, g in grams.items():
        f = kb.foods[fid]
        aisle = AISLES.get(f.category, (f.category, f.category))
        rows.append({"food_id": fid, "name": f.name.to_dict(), "category": f.category,
                     "category_label": {"en": kb.label("food_categories", f.category, "en"),
                                        "zh": kb.label("food_categories", f.category, "zh")},
                     "aisle": _bi(*aisle), "grams": int(math.ceil(g / 10) * 10), "units": units.get(fid),
                     "unit": f.facts.unit.to_dict() if units.get(fid) else None,
                     "portions": round(g / f.portion_g, 1)})
    order = list(AISLES)
    return sorted(rows, key=lambda r: (order.index(r["category"]) if r["category"] in order else 99, r["food_id"]))
