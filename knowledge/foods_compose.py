"""Add the foods of knowledge/foods_recipes.yaml to knowledge/foods.csv, their figures from USDA SR28.

Run: python -m knowledge.foods_compose [path/to/usda_sr28_abbrev.csv]   then python -m knowledge.build_food_facts
A recipe lists its ingredients as "grams NDB_No [name]"; a single ingredient without a cooked weight is the SR28
food itself. Per 100 g: energy, protein, fat, carbohydrate and fibre are the ingredients' SR28 figures summed
and scaled to the cooked weight; diet tags and allergens follow from the ingredients (SR28 food group and
description) unless the recipe states them. Rows whose id is in the recipe file are replaced, others kept.
SR28 is public domain (USDA ARS); names, recipes and portions are this project's own.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

from .build_food_facts import SR28, _num, read_sr28

ROOT = Path(__file__).resolve().parent
RECIPES = ROOT / "foods_recipes.yaml"
FIELDS = ["id", "name_en", "name_zh", "category", "cuisine", "kcal", "protein_g", "fat_g", "carb_g", "fiber_g",
          "alcohol_g", "portion_g", "portion_en", "portion_zh", "meal_slots", "diet_tags", "allergens", "source"]
SLOT_CODES = {"b": "breakfast", "l": "lunch", "d": "dinner", "s": "snack"}
MEAT_GROUPS = ("05", "07", "10", "13", "17", "23")   # poultry, sausages, pork, beef, lamb/veal/game, beef (new)
SHELLFISH = ("SHRIMP", "CRAB", "CLAM", "MOLLUSK", "CRUSTACEAN", "SQUID", "OCTOPUS", "OYSTER", "SCALLOP", "MUSSEL",
             "LOBSTER", "CRAYFISH", "SNAIL", "ABALONE")
TREE_NUTS = ("ALMOND", "CASHEW", "WALNUT", "PECAN", "PISTACHIO", "HAZELNUT", "FILBERT", "MACADAMIA", "PINE NUT",
             "CHESTNUT", "BRAZILNUT")
GLUTEN_WORDS = ("WHEAT", "BREAD", "PASTA", "BARLEY", "RYE", "SEMOLINA", "GLUTEN", "RAMEN", "SPAGHETTI", "OATS")
SOY_WORDS = ("SOY", "TOFU", "MISO", "EDAMAME", "TEMPEH", "NATTO")
# what an ingredient's description does not say: sauces with wheat (doubanjiang approximated by miso), egg in
# mayonnaise, nuts in granola, soy in instant noodles
EXTRA = {"06175": {"soy", "gluten"}, "06176": {"shellfish", "gluten"}, "16112": {"soy", "gluten"},
         "12169": {"sesame"}, "20481": {"gluten"}, "20080": {"gluten"}, "20113": {"gluten"}, "20109": {"gluten", "egg"},
         "06583": {"soy", "gluten"}, "04025": {"egg"}, "08037": {"gluten", "tree_nut"}}
EXTRA_KINDS = {"06176": {"fish"}, "04025": {"dairy_egg"}}
NOT_VEGAN = {"19296", "19177"}   # honey, gelatin (gelatin is not vegetarian either)


def _desc(row: dict) -> str:
    return row["Shrt_Desc"].upper()


def _flags(ndb: str, row: dict) -> tuple[set[str], set[str]]:
    """(allergens, animal kinds among meat/pork/fish/dairy_egg/honey/gelatin) of one SR28 ingredient."""
    d, group = _desc(row), ndb[:2]
    allergens, kinds = set(EXTRA.get(ndb, ())), set(EXTRA_KINDS.get(ndb, ()))
    has = lambda words: any(re.search(rf"\b{w}", d) for w in words)  # noqa: E731  (FRYERS is not RYE)
    if group == "01":
        allergens.add("egg" if "EGG" in d else "dairy")
        kinds.add("dairy_egg")
    if ndb == "14066" or "WHEY" in d:
        allergens.add("dairy")
        kinds.add("dairy_egg")
    if group in MEAT_GROUPS or ("BROTH" in d and ("BEEF" in d or "CHICK" in d)) or "LARD" in d:
        kinds.add("meat")
        if group in ("10", "07") or any(w in d for w in ("PORK", "HAM", "BACON", "LARD")):
            kinds.add("pork")
    if group == "15" or ndb == "90560":
        kinds.add("fish")
        allergens.add("shellfish" if has(SHELLFISH) or ndb == "90560" else "fish")
    if "FISH" in d and group != "15" and "OIL" not in d:
        kinds.add("fish")
        allergens.add("fish")
    if ndb in NOT_VEGAN:
        kinds.add("gelatin" if ndb == "19177" else "honey")
    if group == "18":   # baked products are wheat-based
        allergens.add("gluten")
    if has(SOY_WORDS):
        allergens.add("soy")
    if has(GLUTEN_WORDS) and "GLUTEN-FREE" not in d:
        allergens.add("gluten")
    if "FLOUR" in d and not any(w in d for w in ("RICE", "CORN", "TAPIOCA", "POTATO", "SOY", "BUCKWHEAT")):
        allergens.add("gluten")
    if "PEANUT" in d:
        allergens.add("peanut")
    if has(TREE_NUTS) and "WATER" not in d:
        allergens.add("tree_nut")
    if "SESAME" in d or "TAHINI" in d:
        allergens.add("sesame")
    return allergens, kinds


def diet_of(kinds: set[str]) -> list[str]:
    """Diet tags a dish keeps, in the food table's order."""
    tags = []
    if not kinds & {"meat", "fish", "gelatin"}:
        tags.append("vegetarian")
    if not kinds & {"meat", "fish", "gelatin", "dairy_egg", "honey"}:
        tags.append("vegan")
    if not kinds & {"meat", "gelatin"}:
        tags.append("pescatarian")
    if "pork" not in kinds:
        tags.append("halal")
    return tags


def parse_ingredients(text: str, names: dict[str, str], sr: dict[str, dict]) -> list[tuple[float, str, str]]:
    """"220 11145 celtuce; 8 04582" -> [(220.0, '11145', 'celtuce'), (8.0, '04582', <known name>)]."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = re.match(r"(\d+(?:\.\d+)?)\s+(\d{5})\s*(.*)$", part)
        if not m:
            raise ValueError(f"bad ingredient {part!r} (want 'grams NDB_No [name]')")
        g, ndb, name = float(m.group(1)), m.group(2), m.group(3).strip()
        if ndb not in sr:
            raise ValueError(f"NDB_No {ndb} not in SR28")
        out.append((g, ndb, name or names.get(ndb) or sr[ndb]["Shrt_Desc"].lower()))
    return out


KEYS = {"id", "en", "zh", "cat", "cuisine", "slots", "portion", "ing", "cooked", "note", "diet", "allergens", "role",
        "unit", "bounds"}


def compose(recipe: dict, names: dict[str, str], sr: dict[str, dict]) -> dict:
    """One foods.csv row from one recipe."""
    if set(recipe) - KEYS:   # an unquoted comma in a flow mapping splits a name into stray keys
        raise ValueError(f"{recipe.get('id')}: unknown keys {sorted(set(recipe) - KEYS)}")
    items = parse_ingredients(recipe["ing"], names, sr)
    single = len(items) == 1 and "cooked" not in recipe
    cooked = float(recipe.get("cooked") or sum(g for g, _, _ in items))
    per = {k: sum(g * _num(sr[n], col) / 100 for g, n, _ in items) * 100 / cooked
           for k, col in (("kcal", "Energ_Kcal"), ("protein_g", "Protein_(g)"), ("fat_g", "Lipid_Tot_(g)"),
                          ("carb_g", "Carbohydrt_(g)"), ("fiber_g", "Fiber_TD_(g)"))}
    allergens, kinds = set(), set()
    for _, n, _ in items:
        a, k = _flags(n, sr[n])
        allergens |= a
        kinds |= k
    if single:
        source = f"USDA SR28 NDB_No {items[0][1]}"
    else:
        raw = sum(g for g, _, _ in items)
        source = ("composed: " + " + ".join(f"{g:g} g {name} (USDA {n})" for g, n, name in items)
                  + f"; raw {raw:g} g, cooked weight {cooked:g} g; per 100 g cooked")
    if recipe.get("note"):
        source += f" ({recipe['note']})" if single else f"; {recipe['note']}"
    grams, p_en, p_zh = recipe["portion"]
    return {"id": recipe["id"], "name_en": recipe["en"], "name_zh": recipe["zh"], "category": recipe["cat"],
            "cuisine": recipe.get("cuisine", "chinese"), **{k: round(v, 1) for k, v in per.items()},
            "alcohol_g": 0.0, "portion_g": grams, "portion_en": f"{p_en} ({grams} g)", "portion_zh": f"{p_zh}（{grams}克）",
            "meal_slots": ";".join(SLOT_CODES[c] for c in recipe["slots"]),
            "diet_tags": ";".join(recipe["diet"] if "diet" in recipe else diet_of(kinds)),
            "allergens": ";".join(sorted(recipe["allergens"] if "allergens" in recipe else allergens)),
            "source": source}


def known_names(rows: list[dict]) -> dict[str, str]:
    """Ingredient names already used in foods.csv sources, by NDB_No (so one ingredient reads the same)."""
    names: dict[str, str] = {}
    for r in rows:
        for _, name, ndb in re.findall(r"(\d+(?:\.\d+)?) g ([^+;]*?) \(USDA (\d{5})\)", r["source"]):
            names.setdefault(ndb, name.strip())
    return names


def load_recipes(path: Path = RECIPES) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or []


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    sr = read_sr28(Path(argv[0]) if argv else SR28)
    path = ROOT / "foods.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    recipes = load_recipes()
    ids = {r["id"] for r in recipes}
    names = known_names(rows)
    kept = [r for r in rows if r["id"] not in ids]
    new = [compose(r, names, sr) for r in recipes]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(kept + new)
    print(f"{len(kept)} foods kept, {len(new)} composed from {RECIPES.name}: {len(kept) + len(new)} in {path.name}")


if __name__ == "__main__":
    main()
