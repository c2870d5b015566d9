"""The dietitian's rubric as code: one function per rule, each citing its source, each returning the
violations of one day as strings. The validator (check.py) and `python -m bench meals` both use them.

Hard rules (structure, portions, protein sources, cuisine, allowed foods) hold on every day; range rules
(macros, vegetables, fruit, fibre, sodium, saturated fat, added sugar, meal shares) may be widened only by a
relaxation level the day states.
"""
from __future__ import annotations

from .rules import (ADDED_SUGAR_MAX_G, FRUIT_G, MAX_SUPPLEMENTS_PER_DAY, MEAL_MASS_G, NUTRIENTS, SAT_FAT_MAX_SHARE, SLOT_SHARE, SLOT_SHARE_BAND,
                    SODIUM_MAX_MG, TOLERANCE, VEG_G)
from .solve import unit_bounds
from .templates import (MAX_PER_CATEGORY_PER_MEAL, MAX_PROTEIN_DENSE_PER_MEAL, PLAN_CUISINES, SNACK_ITEMS,
                        breakfast_protein, patterns_for, slot_kind)


def _foods(meal: dict, kb) -> list:
    return [kb.foods[it["food_id"]] for it in meal["items"] if it["food_id"] in kb.foods]


def rule_structure(day: dict, profile, targets: dict, kb) -> list[str]:
    """Each meal is one of its cuisine's patterns: 主食 + 1-2 protein dishes + >= 1 vegetable dish at lunch and
    dinner (or a one-bowl meal with a vegetable dish), a staple with egg/milk/soy milk at breakfast, snacks of
    fruit, dairy or nuts (中国居民膳食指南 2022, 平衡膳食餐盘; USDA MyPlate for Western meals)."""
    out = []
    for meal in day["meals"]:
        foods = _foods(meal, kb)
        roles = [f.facts.role for f in foods]
        cuisine = meal.get("cuisine") if meal.get("cuisine") in PLAN_CUISINES else "chinese"
        fits = any(all(lo <= roles.count(r) <= hi for r, (lo, hi) in p.items()) and set(roles) <= set(p)
                   for p in patterns_for(cuisine, meal["slot"]))
        if not foods or not fits:
            out.append(f"{meal['slot']}: roles {roles} fit no {cuisine} {slot_kind(meal['slot'])} pattern")
        if slot_kind(meal["slot"]) == "snack" and not SNACK_ITEMS[0] <= len(foods) <= SNACK_ITEMS[1]:
            out.append(f"{meal['slot']}: a snack of {len(foods)} foods")
        if slot_kind(meal["slot"]) == "breakfast" and not any(breakfast_protein(f) for f in foods):
            out.append("breakfast: no egg, milk, soy milk or other protein food")
    return out


def rule_portions(day: dict, profile, targets: dict, kb) -> list[str]:
    """Every portion within realistic per-meal bounds (eggs 1-3, cooked rice 100-300 g, tofu 100-250 g,
    protein powder at most 1 scoop...) and in whole units where the food comes in units (中国居民膳食指南 2022
    standard portions; bounds in knowledge/food_facts.csv)."""
    out = []
    for meal in day["meals"]:
        for it in meal["items"]:
            f = kb.foods.get(it["food_id"])
            if f is None:
                continue
            lo, hi = unit_bounds(f, targets["kcal"])
            units = it["grams"] / f.facts.unit_g
            if abs(units - round(units)) > 0.01 or not lo <= round(units) <= hi:
                out.append(f"{meal['slot']}: {f.id} {it['grams']:g} g outside {lo * f.facts.unit_g:g}-"
                           f"{hi * f.facts.unit_g:g} g in whole {f.facts.unit.en}")
    return out


def rule_protein_sources(day: dict, profile, targets: dict, kb) -> list[str]:
    """At most two protein-dense foods in a meal, never three foods of one category in a meal, protein
    powder at most once a day (ISSN 2017: 20-40 g protein per meal is enough; variety, 中国居民膳食指南 2022)."""
    out, powder = [], 0
    for meal in day["meals"]:
        foods = _foods(meal, kb)
        dense = [f.id for f in foods if f.facts.protein_dense]
        if len(dense) > MAX_PROTEIN_DENSE_PER_MEAL:
            out.append(f"{meal['slot']}: {len(dense)} protein-dense foods {dense}")
        cats = [f.category for f in foods]
        for c in set(cats):
            if cats.count(c) > MAX_PER_CATEGORY_PER_MEAL:
                out.append(f"{meal['slot']}: {cats.count(c)} foods of category {c}")
        powder += sum(f.facts.role == "supplement" for f in foods)
    if powder > MAX_SUPPLEMENTS_PER_DAY:
        out.append(f"protein powder/shake {powder} times in a day")
    return out


def rule_cuisine(day: dict, profile, targets: dict, kb) -> list[str]:
    """Every dish belongs to its meal's cuisine, and "chinese" / "western" serve only that cuisine (no natto,
    tempeh, bulgur or sushi in a Chinese plan)."""
    out = []
    for meal in day["meals"]:
        want = profile.cuisine if profile.cuisine in PLAN_CUISINES else meal.get("cuisine")
        for f in _foods(meal, kb):
            if want not in f.facts.cuisines:
                out.append(f"{meal['slot']}: {f.id} ({'/'.join(f.facts.cuisines)}) in a {want} meal")
    return out


def rule_allowed(day: dict, profile, targets: dict, kb) -> list[str]:
    """Only foods of the diet type, without the user's allergens or dislikes (the user's stated choices)."""
    from .foods import allowed_foods

    allowed = {f.id for f in allowed_foods(profile, kb)}
    return [f"{m['slot']}: {it['food_id']} not allowed (diet, allergen, dislike or not a dish)"
            for m in day["meals"] for it in m["items"] if it["food_id"] not in allowed]


def rule_macros(day: dict, profile, targets: dict, kb) -> list[str]:
    """kcal, protein, fat and carbohydrate each within 5% of target (SCIENCE.md "Macros")."""
    t = day["totals"]
    return [f"{k} {t[k]:.0f} vs target {targets[k]:.0f} ({100 * (t[k] - targets[k]) / targets[k]:+.1f}%)"
            for k in NUTRIENTS if abs(t[k] - targets[k]) > TOLERANCE * targets[k] + 1e-6]


def rule_vegetables(day: dict, profile, targets: dict, kb) -> list[str]:
    """Vegetables 300-500 g a day, raw weight, dishes counted by their vegetable ingredients (中国居民膳食指南 2022)."""
    g = day["totals"]["veg_g"]
    return [] if VEG_G[0] - 0.5 <= g <= VEG_G[1] + 0.5 else [f"vegetables {g:.0f} g outside {VEG_G[0]}-{VEG_G[1]} g"]


def rule_fruit(day: dict, profile, targets: dict, kb) -> list[str]:
    """Fruit 200-350 g a day (中国居民膳食指南 2022)."""
    g = day["totals"]["fruit_g"]
    return [] if FRUIT_G[0] - 0.5 <= g <= FRUIT_G[1] + 0.5 else [f"fruit {g:.0f} g outside {FRUIT_G[0]}-{FRUIT_G[1]} g"]


def rule_fibre(day: dict, profile, targets: dict, kb) -> list[str]:
    """Fibre at least 25 g a day (SCIENCE.md "Macros")."""
    g = day["totals"]["fiber_g"]
    return [] if g >= targets["fiber_min_g"] - 0.5 else [f"fibre {g:.1f} g < {targets['fiber_min_g']} g"]


def rule_sodium(day: dict, profile, targets: dict, kb) -> list[str]:
    """Sodium under 2000 mg a day (WHO 2012; salt under 5 g, 中国居民膳食指南 2022)."""
    mg = day["totals"]["sodium_mg"]
    return [] if mg <= SODIUM_MAX_MG + 0.5 else [f"sodium {mg:.0f} mg > {SODIUM_MAX_MG} mg"]


def rule_saturated_fat(day: dict, profile, targets: dict, kb) -> list[str]:
    """Saturated fat under 10% of energy (WHO 2023 guideline on fat intake)."""
    g, cap = day["totals"]["sat_fat_g"], SAT_FAT_MAX_SHARE * targets["kcal"] / 9
    return [] if g <= cap + 0.05 else [f"saturated fat {g:.1f} g > {cap:.1f} g (10% of energy)"]


def rule_added_sugar(day: dict, profile, targets: dict, kb) -> list[str]:
    """Added sugar at most 50 g a day (中国居民膳食指南 2022; WHO free sugars under 10% of energy)."""
    g = day["totals"]["added_sugar_g"]
    return [] if g <= ADDED_SUGAR_MAX_G + 0.05 else [f"added sugar {g:.1f} g > {ADDED_SUGAR_MAX_G} g"]


def rule_meal_shares(day: dict, profile, targets: dict, kb) -> list[str]:
    """Each meal's energy near its share: breakfast 25-30%, lunch 30-40%, dinner 30-35% (中国居民膳食指南 2022),
    within 0.6-1.4x of it."""
    kinds = [("snack" if m["slot"].startswith("snack") else m["slot"]) for m in day["meals"]]
    total = sum(SLOT_SHARE[k] for k in kinds)
    out = []
    for m, k in zip(day["meals"], kinds):
        mid = targets["kcal"] * SLOT_SHARE[k] / total
        if not mid * SLOT_SHARE_BAND[0] - 1 <= m["kcal"] <= mid * SLOT_SHARE_BAND[1] + 1:
            out.append(f"{m['slot']}: {m['kcal']:.0f} kcal far from its {SLOT_SHARE[k] / total:.0%} share")
    return out


def rule_meal_mass(day: dict, profile, targets: dict, kb) -> list[str]:
    """A meal one person can eat: at most 700 g + 0.5 g per kcal it brings (stomach capacity and satiety limit
    what is eaten at one sitting, Rolls 2009 'energy density and portion size'; the 中国居民膳食指南 2022
    平衡膳食餐盘 serves a meal of roughly 500-900 g). Read-through: a 1450 g breakfast of 500 g congee, 400 g
    soy milk, 300 g pumpkin and a guava."""
    out = []
    for m in day["meals"]:
        grams = sum(it["grams"] for it in m["items"])
        if grams > MEAL_MASS_G[0] + MEAL_MASS_G[1] * m["kcal"] + 1:
            out.append(f"{m['slot']}: {grams:.0f} g of food for {m['kcal']:.0f} kcal")
    return out


HARD_RULES = {"structure": rule_structure, "portions": rule_portions, "protein_sources": rule_protein_sources,
              "cuisine": rule_cuisine, "allowed": rule_allowed, "meal_mass": rule_meal_mass}
RANGE_RULES = {"macros": rule_macros, "vegetables": rule_vegetables, "fruit": rule_fruit, "fibre": rule_fibre,
               "sodium": rule_sodium, "saturated_fat": rule_saturated_fat, "added_sugar": rule_added_sugar,
               "meal_shares": rule_meal_shares}
RULES = {**HARD_RULES, **RANGE_RULES}


def check_day(day: dict, profile, targets: dict, kb) -> dict[str, list[str]]:
    """Every rule's violations for one day (empty lists for rules it meets)."""
    return {name: rule(day, profile, targets, kb) for name, rule in RULES.items()}
