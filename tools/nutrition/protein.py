"""Protein targets the allowed foods can actually supply (vegan + soy allergy...), explained."""
from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from tools.profiles import NutritionProfile
from .foods import _kb_slot, allowed_foods
from .rules import (AMDR, DAY_FOOD_MASS_G, DAY_FOOD_MASS_G_PER_KCAL, MAX_DAYS_PER_FOOD, PROTEIN_REACH, SLOTS,
                    SLOT_SHARE, SLOT_SHARE_BAND)
from .targets import _fiber_correction_kcal
from .templates import PLAN_CUISINES
from .text import _bi


def fit_protein_to_foods(targets: dict, profile: NutritionProfile, kb) -> dict:
    """Lower a protein target the allowed foods cannot supply (e.g. vegan with a soy allergy), explained.

    One LP over (meal slot, food) grams - up to 2 portions each, each meal near its energy share, a plausible
    day's food mass, and each food at most its average day in a varied week (on MAX_DAYS_PER_FOOD of 7 days, so
    one dense dish cannot carry every day: a vegan Chinese week was 凉拌面筋 on 7 of 7 days) - maximises protein at
    the calorie and fat targets. If the target is above 85% of that
    maximum (room for fruit, grains and variety), protein is set there and carbohydrate takes the energy back.
    """
    foods = [f for f in allowed_foods(profile, kb)   # a Chinese plan's protein comes from Chinese dishes
             if profile.cuisine not in PLAN_CUISINES or profile.cuisine in f.facts.cuisines]
    slots = SLOTS[profile.meals_per_day]
    pairs = [(j, f) for j, s in enumerate(slots) for f in foods if _kb_slot(s) in f.meal_slots]
    if not pairs:
        return targets
    kcal, fat = targets["kcal"], targets["fat_g"]
    shares = np.array([SLOT_SHARE[_kb_slot(s)] for s in slots])
    shares = shares / shares.sum()
    per_g = np.array([[f.kcal, f.fat_g] for _, f in pairs]).T / 100
    slot_rows = np.array([[f.kcal / 100 if j == k else 0.0 for j, f in pairs] for k in range(len(slots))])
    mass_g = DAY_FOOD_MASS_G + DAY_FOOD_MASS_G_PER_KCAL * kcal
    ids = sorted({f.id for _, f in pairs})
    food_rows = np.array([[1.0 if f.id == i else 0.0 for _, f in pairs] for i in ids])
    week_share = MAX_DAYS_PER_FOOD / 7
    food_caps = [week_share * max(f.facts.max_g for _, f in pairs if f.id == i) for i in ids]
    res = linprog(-np.array([f.protein_g for _, f in pairs]) / 100,
                  A_ub=np.vstack([per_g, -per_g, np.ones(len(pairs)), slot_rows, -slot_rows, food_rows]),
                  b_ub=np.concatenate([[kcal * 1.02, fat * 1.04, -kcal * 0.98, -fat * 0.96, mass_g],
                                       kcal * shares * SLOT_SHARE_BAND[1], -kcal * shares * SLOT_SHARE_BAND[0],
                                       food_caps]),
                  bounds=[(0, f.facts.max_g) for _, f in pairs], method="highs")
    best = -res.fun if res.status == 0 else 0.0
    if targets["protein_g"] <= best * PROTEIN_REACH or best <= 0:
        return targets
    protein = max(round(best * PROTEIN_REACH), round(AMDR["protein"][0] * kcal / 4))
    if protein >= targets["protein_g"]:
        return targets
    carb = round((kcal - 4 * protein - 9 * fat + _fiber_correction_kcal(targets["fiber_g"], kcal)) / 4)
    line = _bi(f"Protein lowered to {protein} g ({protein / profile.weight_kg:.1f} g/kg): about the most your diet and "
               "allergies allow at this energy level; a suitable protein powder would close the gap.",
               f"蛋白质调整为 {protein} 克（每公斤 {protein / profile.weight_kg:.1f} 克）：在此热量下你的饮食类型和过敏限制"
               "大约只能提供这么多；合适的蛋白粉可以补足差距。")
    pct = {**targets["pct"], "protein": round(4 * protein / kcal, 3),
           "carb": round((4 * carb - _fiber_correction_kcal(targets["fiber_g"], kcal)) / kcal, 3)}
    return {**targets, "protein_g": protein, "carb_g": carb, "pct": pct, "protein_limited_by_foods": True,
            "explanation": targets["explanation"] + [line]}
