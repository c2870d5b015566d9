"""The food table: size, Chinese coverage, the dishes issue 16 names, composed dishes traceable to SR28."""
import re
from pathlib import Path

import pytest

from knowledge import load_knowledge
from knowledge.foods_compose import _flags, compose, known_names, load_recipes

KB = load_knowledge()
SR28 = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference" / "usda_sr28_abbrev.csv"
NAMED = ("鸡蛋灌饼", "手抓饼", "胡辣汤", "螺蛳粉", "火锅", "麻辣香锅", "煲仔饭", "米线", "凉面", "紫薯", "杂粮饭", "银耳",
         "鸭血", "猪肝", "卤蛋", "炸鸡", "莴笋", "丝瓜", "豇豆", "娃娃菜", "枸杞", "豆皮", "腊肠", "鹌鹑蛋")


def test_at_least_600_foods_and_300_chinese():
    assert len(KB.foods) >= 600
    assert sum(f.cuisine == "chinese" for f in KB.foods.values()) >= 300


@pytest.mark.parametrize("name", NAMED)
def test_every_dish_the_issue_names_is_a_plannable_food(name):
    from tools.nutrition import plannable
    hits = [f for f in KB.foods.values() if name in f.name.zh]
    assert hits and any(plannable(f) for f in hits), name


def test_every_composed_dish_cites_an_ndb_number_per_ingredient():
    for f in KB.foods.values():
        if f.source.startswith("composed:"):
            parts = f.source.split(";")[0].removeprefix("composed:").split(" + ")
            assert all(re.search(r"\(USDA \d{5}\)", p) for p in parts), f.id
        else:
            assert re.search(r"NDB_No \d{5}", f.source), f.id


def test_recipe_file_foods_are_in_the_table_with_their_breakdown():
    for r in load_recipes():
        f = KB.foods[r["id"]]
        assert f.facts is not None and (f.facts.ingredients or f.source.startswith("USDA SR28")), r["id"]


def test_allergens_follow_the_ingredients():
    assert {"egg", "gluten"} <= set(KB.foods["jidan_guanbing"].allergens)
    assert "shellfish" in KB.foods["luosifen"].allergens
    assert "vegetarian" not in KB.foods["duck_blood_vermicelli_soup"].diet_tags
    assert "halal" not in KB.foods["claypot_rice_sausage"].diet_tags


def test_fryers_is_not_rye_and_water_chestnut_is_not_a_tree_nut():
    fryer = {"Shrt_Desc": "CHICKEN,BROILERS OR FRYERS,MEAT&SKN,RAW"}
    assert "gluten" not in _flags("05006", fryer)[0]
    assert "tree_nut" not in _flags("11588", {"Shrt_Desc": "WATERCHESTNUTS,CHINESE,(MATAI),RAW"})[0]


@pytest.mark.skipif(not SR28.exists(), reason="USDA SR28 copy in ../shared/data not present")
def test_composed_rows_reproduce_from_sr28():
    import csv

    from knowledge.build_food_facts import read_sr28
    sr = read_sr28(SR28)
    with (Path(__file__).resolve().parents[2] / "knowledge" / "foods.csv").open(encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    names = known_names(list(rows.values()))
    for r in load_recipes():
        built = compose(r, names, sr)
        assert {k: str(v) for k, v in built.items()} == rows[r["id"]], r["id"]
