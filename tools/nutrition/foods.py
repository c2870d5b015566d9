"""Which foods a plan may serve for a profile, their portion steps, and seeded candidate menus per slot."""
from __future__ import annotations

import hashlib
import json
import random

from tools.profiles import NutritionProfile
from .rules import MENU_PER_ROLE, PLAN_ROLES, PLANNING_EXCLUDED, PORTION_SCALE_KCAL, STEPS_PER_PORTION
from .templates import PLAN_CUISINES, patterns_for, roles_for, slot_kind


def plannable(food) -> bool:
    """Foods a plan may serve: no seasonings/oils alone, no alcohol, no sugary drinks or low-value treats."""
    if food.category in PLANNING_EXCLUDED or food.alcohol_g > 0 or food.kcal < 20:
        return False
    if food.facts is None or food.facts.role not in PLAN_ROLES:
        return False   # treats, sugary drinks, condiments and oils are not served as dishes
    if food.category in ("snack", "beverage") and food.kcal >= 200 and food.protein_g < 10 and food.fiber_g < 5:
        return False   # 中国居民膳食指南: added sugar ≤ 50 g; energy-dense treats stay out of a plan
    return not (food.category == "beverage" and food.protein_g < 1 and food.carb_g >= 6)


def knowledge_base(kb=None):
    """The given knowledge base, or the packaged one loaded on first need."""
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    return kb


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


def _fits(food, role: str, cuisine: str, kind: str) -> bool:
    return food.facts.role == role and cuisine in food.facts.cuisines and (kind in food.meal_slots or role == "fruit")


def servable(pool: list, cuisine: str, slot: str) -> bool:
    """Whether the allowed foods can make one of the cuisine's patterns for this meal (a soy-free vegan has no
    Chinese breakfast protein: such a meal is then Western when the cuisine is "any")."""
    kind = _kb_slot(slot)
    for pattern in patterns_for(cuisine, slot):
        if all(sum(_fits(f, r, cuisine, kind) for f in pool) >= lo for r, (lo, _) in pattern.items()) and (
                slot_kind(slot) != "breakfast" or any(_fits(f, r, cuisine, kind) for f in pool
                                                       for r in ("protein", "dairy", "mixed") if r in pattern)):
            return True
    return False


def kitchens(profile: NutritionProfile, slots: tuple[str, ...], pool: list) -> dict[str, list[str]]:
    """Per meal, the kitchens it may be cooked in: the profile's cuisine, or for "any" those the allowed foods
    can serve that meal in (both if neither can)."""
    if profile.cuisine in PLAN_CUISINES:
        return {s: [profile.cuisine] for s in slots}
    return {s: [c for c in PLAN_CUISINES if servable(pool, c, s)] or list(PLAN_CUISINES) for s in slots}


def meal_cuisines(options: dict[str, list[str]], slots: tuple[str, ...], rng: random.Random) -> list[str]:
    """A seeded kitchen for each meal among its options (for "any": a Chinese/Western mix, each meal coherent)."""
    return [rng.choice(options[s]) if len(options[s]) > 1 else options[s][0] for s in slots]


def menu(pool: list, slot: str, cuisine: str, rng: random.Random, scale: float = 1.0) -> list:
    """A seeded sample of the foods a meal may use: a few per role its patterns need, from its cuisine."""
    roles = roles_for(cuisine, slot)
    kind = _kb_slot(slot)
    out = []
    for role in sorted(roles):
        fits = [f for f in pool if _fits(f, role, cuisine, kind)]
        rng.shuffle(fits)
        out += fits[:max(1, round(MENU_PER_ROLE[role] * scale))]
    return out
