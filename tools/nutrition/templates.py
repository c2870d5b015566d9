"""Meal structures as data, per cuisine and slot: which roles a meal has and how many dishes of each.

A Chinese lunch is 主食 + one or two protein dishes + at least one vegetable dish (soup optional), or a one-bowl
meal (面/饭/饺子) with a vegetable dish; a Chinese breakfast is 粥/包子/馒头/油条 with 鸡蛋 or 豆浆/牛奶, a soup
(胡辣汤) allowed; snacks are
fruit, dairy or nuts (中国居民膳食指南 2022, 平衡膳食餐盘). Western meals follow the same plate (USDA MyPlate).
Each pattern maps role -> (fewest, most) dishes; the solver picks one pattern per meal.
"""
from __future__ import annotations

PATTERNS = {
    ("chinese", "breakfast"): (
        {"staple": (1, 1), "protein": (0, 1), "dairy": (0, 1), "fruit": (0, 2), "vegetable": (0, 1), "soup": (0, 1),
         "nuts": (0, 1)},
        {"mixed": (1, 1), "protein": (0, 1), "dairy": (0, 1), "fruit": (0, 2)},
    ),
    ("chinese", "main"): (
        {"staple": (1, 1), "protein": (1, 2), "vegetable": (1, 2), "soup": (0, 1), "fruit": (0, 1)},
        {"mixed": (1, 1), "vegetable": (1, 2), "protein": (0, 1), "soup": (0, 1), "fruit": (0, 1)},
    ),
    ("western", "breakfast"): (
        {"staple": (1, 1), "protein": (0, 1), "dairy": (0, 1), "fruit": (0, 2), "nuts": (0, 1)},
        {"mixed": (1, 1), "dairy": (0, 1), "fruit": (0, 2), "protein": (0, 1)},
    ),
    ("western", "main"): (
        {"staple": (1, 1), "protein": (1, 2), "vegetable": (1, 2), "fruit": (0, 1), "dairy": (0, 1)},
        {"mixed": (1, 1), "vegetable": (1, 2), "protein": (0, 1), "fruit": (0, 1)},
    ),
    ("any", "snack"): (
        {"fruit": (0, 2), "dairy": (0, 1), "nuts": (0, 1), "supplement": (0, 1)},
    ),
}
SNACK_ITEMS = (1, 2)             # a snack is one or two things
# breakfast has an egg, dairy/soy milk or another protein food; nuts and seeds count (the guideline's 大豆坚果类
# group), so a vegan without soy still gets one (中国居民膳食指南 2022)
BREAKFAST_PROTEIN_ROLES = ("protein", "dairy", "mixed")


def breakfast_protein(food) -> bool:
    """A food that gives breakfast its protein: a protein, dairy or mixed dish, or nuts/seeds (not dried fruit)."""
    return food.facts.role in BREAKFAST_PROTEIN_ROLES or food.category == "nut_seed"
MAX_PROTEIN_DENSE_PER_MEAL = 2   # at most two protein-dense foods in one meal
MAX_PER_CATEGORY_PER_MEAL = 2    # no three foods of one category (three meats, three grains...) in a meal
PLAN_CUISINES = ("chinese", "western")


def slot_kind(slot: str) -> str:
    return "snack" if slot.startswith("snack") else "breakfast" if slot == "breakfast" else "main"


def patterns_for(cuisine: str, slot: str) -> tuple[dict, ...]:
    kind = slot_kind(slot)
    return PATTERNS[("any", "snack")] if kind == "snack" else PATTERNS[(cuisine, kind)]


def roles_for(cuisine: str, slot: str) -> set[str]:
    return {r for p in patterns_for(cuisine, slot) for r, (_, hi) in p.items() if hi > 0}
