"""Rules every knowledge file must pass; each problem names the file, the item and the field."""
from __future__ import annotations

import re

from .language import CJK as _CJK
from .loader import Record, RawKnowledge

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
ENERGY_TOLERANCE = 0.15  # issue #3: 4/4/9 macro energy within 15% of the stated kcal


class _Checker:
    def __init__(self, vocab: dict):
        self.vocab = vocab
        self.problems: list[str] = []

    def fail(self, rec: Record, field: str, message: str) -> None:
        self.problems.append(f"{rec.file}: {rec.id}: {field}: {message}")

    def text(self, rec: Record, field: str) -> None:
        value = rec.data.get(field)
        if not isinstance(value, dict):
            return self.fail(rec, field, "needs {en: ..., zh: ...}")
        for lang in ("en", "zh"):
            v = value.get(lang)
            if not isinstance(v, str) or not v.strip():
                self.fail(rec, f"{field}.{lang}", "missing translation")
        if isinstance(value.get("zh"), str) and value["zh"].strip() and not _CJK.search(value["zh"]):
            self.fail(rec, f"{field}.zh", "is not Chinese text")

    def text_list(self, rec: Record, field: str, allow_empty: bool = False) -> None:
        value = rec.data.get(field)
        if not isinstance(value, dict):
            return self.fail(rec, field, "needs {en: [...], zh: [...]}")
        en, zh = value.get("en"), value.get("zh")
        for lang, items in (("en", en), ("zh", zh)):
            if not isinstance(items, list):
                return self.fail(rec, f"{field}.{lang}", "missing translation (expected a list)")
            if not items and not allow_empty:
                self.fail(rec, f"{field}.{lang}", "is empty")
            for i, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    self.fail(rec, f"{field}.{lang}[{i}]", "empty step")
        if len(en) != len(zh):
            self.fail(rec, field, f"en has {len(en)} entries but zh has {len(zh)}")
        if any(isinstance(s, str) and s.strip() and not _CJK.search(s) for s in zh):
            self.fail(rec, f"{field}.zh", "has an entry that is not Chinese text")

    def vocab_values(self, rec: Record, field: str, kind: str, required: bool = True) -> None:
        values = rec.data.get(field)
        values = [values] if isinstance(values, str) else values
        if values is None or (required and not values):
            return self.fail(rec, field, "is required")
        allowed = self.vocab[kind]
        for v in values:
            if v not in allowed:
                self.fail(rec, field, f"unknown value {v!r} (allowed: {', '.join(allowed)})")

    def ids(self, records: list[Record], kind: str) -> set[str]:
        seen: dict[str, str] = {}
        for rec in records:
            rid = rec.data.get("id")
            if not isinstance(rid, str) or not _ID.match(rid):
                self.fail(rec, "id", f"missing or not snake_case ({kind})")
            elif rid in seen:
                self.fail(rec, "id", f"duplicate {kind} id, also in {seen[rid]}")
            else:
                seen[rid] = rec.file
        return set(seen)


def _check_equipment(c: _Checker, rec: Record, used: set[str]) -> None:
    for f in ("name", "purpose"):
        c.text(rec, f)
    c.text_list(rec, "aliases", allow_empty=True)
    for f in ("setup", "usage", "safety", "mistakes", "beginner_tips"):
        c.text_list(rec, f)
    c.vocab_values(rec, "category", "equipment_categories")
    c.vocab_values(rec, "muscles", "muscles")
    if not rec.data.get("sources"):
        c.fail(rec, "sources", "cite at least one source")
    if not isinstance(rec.data.get("home", False), bool):
        c.fail(rec, "home", "must be true or false")
    if rec.id not in used:
        c.fail(rec, "exercises", "no exercise in exercises/*.yaml uses this equipment")


def _check_exercise(c: _Checker, rec: Record, equipment_ids: set[str]) -> None:
    c.text(rec, "name")
    for f in ("steps", "cues", "mistakes"):
        c.text_list(rec, f)
    c.vocab_values(rec, "primary_muscles", "muscles")
    c.vocab_values(rec, "secondary_muscles", "muscles", required=False)
    for f, kind in (("pattern", "patterns"), ("mechanic", "mechanics"), ("level", "levels"), ("force", "forces")):
        c.vocab_values(rec, f, kind)
    c.vocab_values(rec, "contraindications", "contraindications", required=False)
    for eq in rec.data.get("equipment") or []:
        if eq not in equipment_ids:
            c.fail(rec, "equipment", f"unknown equipment id {eq!r}")
    if not isinstance(rec.data.get("home_friendly"), bool):
        c.fail(rec, "home_friendly", "must be true or false")
    if not rec.data.get("source"):
        c.fail(rec, "source", "cite where the facts come from")


def _check_food(c: _Checker, rec: Record) -> None:
    d = rec.data
    c.text(rec, "name")
    c.text(rec, "portion")
    c.vocab_values(rec, "category", "food_categories")
    c.vocab_values(rec, "cuisine", "cuisines")
    for f, kind in (("meal_slots", "meal_slots"), ("diet_tags", "diet_tags"), ("allergens", "allergens")):
        c.vocab_values(rec, f, kind, required=(f == "meal_slots"))
    for f in ("kcal", "protein_g", "fat_g", "carb_g", "fiber_g", "alcohol_g", "portion_g"):
        if d.get(f, 0) < 0:
            c.fail(rec, f, f"negative value {d[f]}")
    if d.get("portion_g", 0) <= 0:
        c.fail(rec, "portion_g", "a typical portion must be > 0 g")
    if d["protein_g"] + d["fat_g"] + d["carb_g"] + d["alcohol_g"] > 101:
        c.fail(rec, "protein_g", "macros add up to more than 100 g per 100 g")
    if d["fiber_g"] > d["carb_g"] + 0.5:
        c.fail(rec, "fiber_g", "fibre exceeds total carbohydrate")
    macro = 4 * d["protein_g"] + 4 * (d["carb_g"] - d["fiber_g"]) + 2 * d["fiber_g"] + 9 * d["fat_g"] + 7 * d["alcohol_g"]
    if abs(macro - d["kcal"]) > max(ENERGY_TOLERANCE * d["kcal"], 8):
        c.fail(rec, "kcal", f"stated {d['kcal']} kcal but macros give {macro:.0f} kcal (>15% apart)")
    tags, allergens = set(d["diet_tags"]), set(d["allergens"])
    if "vegan" in tags and not {"vegetarian", "pescatarian"} <= tags:
        c.fail(rec, "diet_tags", "vegan foods must also be tagged vegetarian and pescatarian")
    if "vegan" in tags and allergens & {"dairy", "egg", "fish", "shellfish"}:
        c.fail(rec, "diet_tags", "tagged vegan but contains animal allergens")
    if tags & {"vegetarian", "vegan"} and (allergens & {"fish", "shellfish"} or d["category"] in ("meat", "poultry", "seafood")):
        c.fail(rec, "diet_tags", "tagged vegetarian but contains meat or fish")
    if not d.get("source"):
        c.fail(rec, "source", "cite the USDA NDB_No or the recipe the values were composed from")


FOOD_ROLES = {"staple", "protein", "vegetable", "fruit", "dairy", "nuts", "soup", "mixed", "treat", "drink",
              "condiment", "supplement"}


def _check_food_facts(c: _Checker, raw) -> None:
    """food_facts.csv (when present) covers every food with a known role, cuisines and sane bounds."""
    if not raw.food_facts:
        return
    for rec in raw.foods:
        f = raw.food_facts.get(rec.id)
        if f is None:
            c.fail(rec, "facts", "no row in food_facts.csv (run python -m knowledge.build_food_facts)")
            continue
        if f.role not in FOOD_ROLES or not f.cuisines:
            c.fail(rec, "facts", f"unknown role {f.role!r} or no cuisine")
        if not 0 < f.unit_g <= f.min_g <= f.max_g or min(f.sodium_mg, f.sat_fat_g, f.added_sugar_g) < 0:
            c.fail(rec, "facts", f"bad portion bounds {f.min_g}-{f.max_g} g (unit {f.unit_g}) or a negative nutrient")
        if f.sat_fat_g > rec.data["fat_g"] + 0.5:
            c.fail(rec, "facts", f"saturated fat {f.sat_fat_g} g exceeds total fat {rec.data['fat_g']} g")


def _check_doc(c: _Checker, rec: Record) -> None:
    d = rec.data
    if d.get("id") != d.get("_file_id"):
        c.fail(rec, "id", f"must equal the file name {d.get('_file_id')!r}")
    c.text(rec, "title")
    if not d.get("tags"):
        c.fail(rec, "tags", "at least one tag")
    if not d.get("sources"):
        c.fail(rec, "sources", "cite at least one source")
    for lang in ("en", "zh"):
        sections = d.get("sections", {}).get(lang) or []
        if not sections:
            c.fail(rec, f"body.{lang}", f"missing '<!-- lang: {lang} -->' body with '## ' sections")
        for s in sections:
            if not s["text"]:
                c.fail(rec, f"body.{lang}", f"section {s['heading']!r} is empty")
            if lang == "zh" and not _CJK.search(s["heading"] + s["text"]):
                c.fail(rec, "body.zh", f"section {s['heading']!r} is not Chinese text")


def find_problems(raw: RawKnowledge) -> list[str]:
    """Every rule violation in the knowledge base, as 'file: item: field: message' lines."""
    c = _Checker(raw.vocab)
    c.problems.extend(raw.problems)
    equipment_ids = c.ids(raw.equipment, "equipment")
    c.ids(raw.exercises, "exercise")
    c.ids(raw.foods, "food")
    c.ids(raw.docs, "doc")
    used = {eq for r in raw.exercises for eq in (r.data.get("equipment") or [])}
    for rec in raw.equipment:
        _check_equipment(c, rec, used)
    for rec in raw.exercises:
        _check_exercise(c, rec, equipment_ids)
    for rec in raw.foods:
        _check_food(c, rec)
    _check_food_facts(c, raw)
    for rec in raw.docs:
        _check_doc(c, rec)
    return c.problems
