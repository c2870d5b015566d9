"""Which foods a plan may serve for a profile, their portion steps, and seeded candidate menus per slot."""
from __future__ import annotations

import hashlib
import json
import random

from tools.profiles import NutritionProfile
from .rules import (FOOD_GROUPS_DAILY, PLANNING_EXCLUDED, PORTION_SCALE_KCAL, PROTEIN_PICKS, PROTEIN_POOL,
                    STEPS_PER_PORTION)


def plannable(food) -> bool:
    """Foods a plan may serve: no seasonings/oils alone, no alcohol, no sugary drinks or low-value treats."""
    if food.category in PLANNING_EXCLUDED or food.alcohol_g > 0 or food.kcal < 20:
        return False
    if food.category in ("snack", "beverage") and food.kcal >= 200 and food.protein_g < 10 and food.fiber_g < 5:
        return False   # 中国居民膳食指南: added sugar ≤ 50 g; energy-dense treats stay out of a plan
    return not (food.category == "beverage" and food.protein_g < 1 and food.carb_g >= 6)


def _disliked(food, dislikes: tuple[str, ...]) -> bool:
    text = f"{food.id} {food.name.en} {food.name.zh}".lower()
    return any(d and (d in text or d.replace(" ", "_") in food.id) for d in dislikes)


def allowed_foods(profile: NutritionProfile, kb) -> list:
    """Foods matching diet type, without the user's allergens or dislikes, suitable for a plan."""
    p = profile
    return sorted((f for f in kb.foods.values()
                   if plannable(f) and (p.diet == "omnivore" or p.diet in f.diet_tags)
                   and not set(p.allergies) & set(f.allergens) and not _disliked(f, p.dislikes)),
                  key=lambda f: f.id)


def _kb_slot(slot: str) -> str:
    return "snack" if slot.startswith("snack") else slot


def _units(food, kcal: float = 0.0) -> tuple[float, int]:
    """(grams per step, max steps): quarter-portion steps up to 2 portions (3 for small portions such as a
    slice of bread, 1.5 for big bowls), at least half a portion when used. Above 2400 kcal/day the
    maximum grows with the target, or very high needs could not fit in a few meals."""
    unit_g = food.portion_g / STEPS_PER_PORTION
    max_portions = 3 if food.portion_g <= 60 else 1.5 if food.portion_g >= 300 else 2
    return unit_g, int(max_portions * max(1.0, kcal / PORTION_SCALE_KCAL) * STEPS_PER_PORTION)


def _seed(profile: NutritionProfile, salt: str) -> int:
    blob = json.dumps(profile.to_dict(), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(f"{blob}|{salt}".encode()).digest()[:8], "big")


def _candidates(pool: list, slot: str, rng: random.Random, k: int, cuisine: str) -> list:
    """Up to k foods for a slot: a few protein-dense ones (protein is the nutrient that most often binds),
    then round-robin over food categories so each MILP sees a balanced menu."""
    foods = [f for f in pool if _kb_slot(slot) in f.meal_slots]
    skip = {"chinese": "western", "western": "chinese"}.get(cuisine)
    # the cuisine preference never removes a daily food group (vegetables, fruit, grains) from the menu
    kept_groups = {f.category for f in foods if f.cuisine != skip}
    preferred = [f for f in foods if f.cuisine != skip or
                 (f.category in FOOD_GROUPS_DAILY and f.category not in kept_groups)]
    if len(preferred) >= min(k, 12):
        foods = preferred
    dense = sorted(foods, key=lambda f: (-f.protein_g / max(f.kcal, 1), f.id))[:PROTEIN_POOL]
    out: list = rng.sample(dense, min(PROTEIN_PICKS, len(dense), k // 3))
    foods = [f for f in foods if f not in out]
    by_cat: dict[str, list] = {}
    for f in foods:
        by_cat.setdefault(f.category, []).append(f)
    for lst in by_cat.values():
        rng.shuffle(lst)
    cats = sorted(by_cat)
    rng.shuffle(cats)
    cats.sort(key=lambda c: c not in FOOD_GROUPS_DAILY)   # daily food groups first, so every sample has them
    while len(out) < k and any(by_cat.values()):
        for c in cats:
            if by_cat[c] and len(out) < k:
                out.append(by_cat[c].pop())
    return out
