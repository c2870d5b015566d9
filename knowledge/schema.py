"""Typed, read-only objects for the knowledge base (equipment, exercises, foods, docs)."""
from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("en", "zh")


@dataclass(frozen=True)
class Bilingual:
    """A value in English and Chinese; `get` falls back to English for unknown languages."""

    en: object
    zh: object

    def get(self, lang: str = "en"):
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Equipment:
    id: str
    name: Bilingual
    aliases: Bilingual
    category: str
    muscles: tuple[str, ...]
    purpose: Bilingual
    setup: Bilingual
    usage: Bilingual
    safety: Bilingual
    mistakes: Bilingual
    beginner_tips: Bilingual
    home: bool
    imagenet: tuple[int, ...]
    sources: tuple[str, ...]
    exercises: tuple[str, ...] = ()  # derived from the exercises that use this item


@dataclass(frozen=True)
class Exercise:
    id: str
    name: Bilingual
    equipment: tuple[str, ...]
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    pattern: str
    mechanic: str
    level: str
    force: str
    steps: Bilingual
    cues: Bilingual
    mistakes: Bilingual
    contraindications: tuple[str, ...]
    home_friendly: bool
    source: str

    @property
    def is_bodyweight(self) -> bool:
        return not self.equipment


@dataclass(frozen=True)
class FoodFacts:
    """What a meal planner needs beyond macros; nutrients per 100 g (USDA SR28, composed dishes summed)."""
    role: str                      # staple, protein, vegetable, fruit, dairy, nuts, soup, mixed, treat, drink...
    cuisines: tuple[str, ...]      # kitchens that serve it: chinese, western, japanese...
    unit_g: float                  # grams per whole unit (egg, bun, slice) or per step for foods served by weight
    unit: Bilingual                # "egg"/"个鸡蛋", or "g"/"克"
    min_g: float                   # realistic amount in one meal
    max_g: float
    protein_dense: bool
    sodium_mg: float
    sat_fat_g: float
    added_sugar_g: float
    veg_g: float                   # grams of vegetables (raw weight) in 100 g of the food
    fruit_g: float
    ingredients: tuple[tuple[str, float], ...]   # (NDB_No, grams) of a composed dish's recipe
    source: str


@dataclass(frozen=True)
class Food:
    id: str
    name: Bilingual
    category: str
    cuisine: str
    kcal: float  # per 100 g edible portion
    protein_g: float
    fat_g: float
    carb_g: float  # total carbohydrate by difference, fibre included
    fiber_g: float
    alcohol_g: float
    portion_g: float
    portion: Bilingual
    meal_slots: tuple[str, ...]
    diet_tags: tuple[str, ...]
    allergens: tuple[str, ...]
    source: str
    facts: FoodFacts | None = None   # role, cuisines, portion bounds, sodium... (knowledge/food_facts.csv)

    def macro_kcal(self) -> float:
        """Energy from macros (Atwater 4/4/9/7, fibre at 2 kcal/g), per 100 g."""
        return (4 * self.protein_g + 4 * (self.carb_g - self.fiber_g) + 2 * self.fiber_g
                + 9 * self.fat_g + 7 * self.alcohol_g)


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Doc:
    id: str
    title: Bilingual
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    sections: Bilingual  # en/zh -> tuple[Section, ...]
    path: str = ""

    def body(self, lang: str = "en") -> str:
        return "\n\n".join(f"## {s.heading}\n{s.text}" for s in self.sections.get(lang))


@dataclass
class KnowledgeBase:
    vocab: dict
    equipment: dict[str, Equipment] = field(default_factory=dict)
    exercises: dict[str, Exercise] = field(default_factory=dict)
    foods: dict[str, Food] = field(default_factory=dict)
    docs: dict[str, Doc] = field(default_factory=dict)

    def label(self, kind: str, key: str, lang: str = "en") -> str:
        """Human label for a vocab value, e.g. label('muscles', 'lats', 'zh') -> '背阔肌'."""
        entry = self.vocab.get(kind, {}).get(key)
        return entry.get(lang, key) if isinstance(entry, dict) else key
