"""Build knowledge/food_facts.csv: for every food in foods.csv, its meal role, the cuisines it belongs to,
realistic per-meal portion bounds and units, and sodium, saturated fat, added sugar, vegetable and fruit
grams per 100 g — from USDA SR28 (public domain) by the NDB_No the food cites; composed dishes sum their
listed ingredients (kept as the ingredient breakdown) and are scaled to the cooked weight.

Run: python -m knowledge.build_food_facts [path/to/usda_sr28_abbrev.csv]   (defaults to ../shared/data/...)
Roles, cuisines and bounds are authored below as rules plus per-food overrides (our own judgement, following
中国居民膳食指南 2022 portion sizes); nutrient figures are SR28's.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SR28 = ROOT.parent.parent / "shared" / "data" / "reference" / "usda_sr28_abbrev.csv"
FIELDS = ["id", "role", "cuisines", "unit_g", "unit_en", "unit_zh", "min_g", "max_g", "protein_dense",
          "sodium_mg", "sat_fat_g", "added_sugar_g", "veg_g", "fruit_g", "ingredients", "facts_source"]
SUGARS = {"19335", "19296", "19911", "19340", "19350", "19334"}   # granulated, honey, maple, brown, corn syrup
SALTY = {"16123", "06176", "06175", "16112", "15125", "02047", "06631", "04025", "06164"}  # soy, oyster, hoisin...
LIGHT_SALT_PCT = 0.4     # savoury dishes whose recipe lists no salty seasoning: 0.4 g salt per 100 g assumed
SODIUM_PER_G_SALT = 393  # mg sodium in 1 g table salt (SR28 02047: 38758 mg/100 g)
NOT_VEG = ("potato", "sweet potato", "taro", "yam", "corn", "chinese jujube")   # tubers/grains by the guidelines
SWEET_CATEGORIES = {"snack", "beverage", "condiment"}   # simple foods whose total sugar counts as added sugar
NATURAL_SUGAR = {"milk_whole", "milk_low_fat", "milk_skim", "yogurt_plain_whole", "greek_yogurt_nonfat",
                 "greek_yogurt_whole", "kefir_low_fat", "coconut_water", "orange_juice", "apple_juice",
                 "espresso", "almond_milk_unsweetened", "rice_milk_unsweetened", "popcorn_air_popped",
                 "rice_cakes_brown", "saltine_crackers", "beef_jerky", "potato_chips", "trail_mix"}

# --- cuisines: which kitchens serve the food ---------------------------------------------------------
BOTH = ("chinese", "western")
CUISINE_OVERRIDES = {
    "natto": ("japanese",), "tempeh": ("indonesian",), "soba_noodles_cooked": ("japanese",),
    "miso_soup_tofu": ("japanese",), "salmon_sushi_roll": ("japanese",), "salmon_rice_bowl": ("japanese",),
    "miso": ("japanese",), "eel_cooked": ("japanese", "chinese"), "edamame_cooked": ("chinese", "japanese"),
    "bulgur_cooked": ("mediterranean",), "couscous_cooked": ("mediterranean",), "hummus": ("mediterranean",),
    "falafel": ("mediterranean",), "greek_salad": ("western", "mediterranean"), "feta_cheese": ("western",),
    "lentil_dal": ("indian",), "chana_masala": ("indian",), "chicken_curry_coconut": ("indian",),
    "lentils_boiled": ("western", "indian"), "chickpeas_boiled": ("western", "indian"),
    "black_beans_boiled": ("western", "mexican"), "kidney_beans_boiled": ("western", "mexican"),
    "tortilla_corn": ("western", "mexican"), "tortilla_flour": ("western", "mexican"),
    "quinoa_cooked": ("western",), "barley_pearled_cooked": ("western",), "buckwheat_groats_cooked": ("western",),
    "avocado": ("western",), "dates_medjool": ("western",), "dried_cranberries": ("western",),
    "dried_apricots": ("western",), "blackberries": ("western",), "raspberries": ("western",),
    "kale_boiled": ("western",), "brussels_sprouts_boiled": ("western",), "asparagus_boiled": BOTH,
    "okra_boiled": BOTH, "spinach_raw": ("western",), "iceberg_lettuce_raw": ("western",),
    "mussels_cooked": ("western",), "squid_fried": ("western",), "sardines_canned_oil": ("western",),
    "tuna_canned_water": ("western",), "mackerel_cooked": BOTH, "salmon_cooked": BOTH, "cod_cooked": BOTH,
    "tilapia_cooked": BOTH, "pollock_cooked": BOTH, "crab_cooked": BOTH, "duck_meat_roasted": BOTH,
    "potato_baked": ("western",), "mashed_potatoes": ("western",), "french_fries_oven": ("western",),
    "sweet_potato_baked": BOTH, "potato_boiled": BOTH, "instant_noodles_cooked": ("chinese",),
    "luncheon_meat": BOTH, "whey_protein_powder": ("western",), "soy_protein_isolate": ("western",),
    "cottage_cheese_low_fat": ("western",), "greek_yogurt_nonfat": ("western",), "greek_yogurt_whole": ("western",),
    "kefir_low_fat": ("western",), "peanut_butter": ("western",), "almond_butter": ("western",),
    "chia_seeds": ("western",), "flaxseed": ("western",), "macadamia_nuts": BOTH, "durian": ("chinese",),
    "guava": ("chinese",), "lychee": ("chinese",), "longan": ("chinese",), "jujube_dried": ("chinese",),
    "pomelo": ("chinese",), "asian_pear": ("chinese",), "persimmon": ("chinese",), "pear": ("western",),
    "soy_milk_unsweetened": ("chinese", "western"), "tofu_firm": ("chinese", "western"),
    "rice_white_cooked": ("chinese", "japanese", "western"), "rice_brown_cooked": ("chinese", "western"),
    "oats_rolled_dry": ("western", "chinese"), "oatmeal_cooked_water": ("western", "chinese"),
    "corn_on_the_cob_boiled": BOTH, "chinese_yam_cooked": ("chinese",), "taro_cooked": ("chinese",),
    # plain cooked ingredients read as a Western plate, not a Chinese dish (read-through of 10 weeks of plans:
    # "牛肉末 140 g + 小米粥 + 白蘑菇 250 g" is no Chinese dinner; the Chinese table has composed dishes for them)
    "beef_ground_lean_cooked": ("western",), "pork_ground_cooked": ("western",), "ground_chicken_cooked": ("western",),
    "lamb_leg_roasted": ("western",), "pork_tenderloin_roasted": ("western",), "chicken_thigh_roasted": ("western",),
    "cod_cooked": ("western",), "tilapia_cooked": ("western",), "pollock_cooked": ("western",),
    "imitation_crab": ("western",), "egg_white": ("western",), "tofu_firm": ("western",),
    "white_mushrooms_boiled": ("western",), "onion_raw": ("western",), "cabbage_raw": ("western",),
    "carrot_raw": ("western",), "green_pepper_raw": ("western",), "red_pepper_raw": ("western",),
    "zucchini_boiled": ("western",), "eggplant_boiled": ("western",), "cauliflower_boiled": ("western",),
    "snow_peas_boiled": ("western",), "green_beans_boiled": ("western",),
}

# --- roles: what part of a meal the food plays ----------------------------------------------------------
ROLE_OVERRIDES = {
    # staples
    "corn_on_the_cob_boiled": "staple", "sweet_potato_boiled": "staple", "sweet_potato_baked": "staple",
    "chinese_yam_cooked": "staple", "taro_cooked": "staple", "potato_boiled": "staple", "potato_baked": "staple",
    "mashed_potatoes": "staple", "french_fries_oven": "treat", "pumpkin_boiled": "vegetable",
    "pork_bun": "staple", "vegetable_bun": "staple", "red_bean_bun": "staple", "xiaolongbao": "mixed",
    "shumai": "mixed", "har_gow": "mixed", "cheung_fun_egg": "mixed", "jianbing_guozi": "mixed",
    "roujiamo": "mixed", "zongzi_pork": "staple", "zongzi_sweet_plain": "treat", "potstickers": "mixed",
    "granola_homemade": "staple", "corn_flakes": "staple", "pancakes_plain": "staple", "waffles_plain": "staple",
    # drinks that carry protein at breakfast
    "milk_whole": "dairy", "milk_low_fat": "dairy", "milk_skim": "dairy", "soy_milk_unsweetened": "dairy",
    "soy_milk_sweetened": "dairy", "yogurt_plain_whole": "dairy", "yogurt_fruit_low_fat": "dairy",
    "greek_yogurt_nonfat": "dairy", "greek_yogurt_whole": "dairy", "kefir_low_fat": "dairy",
    "cottage_cheese_low_fat": "dairy", "cheddar_cheese": "dairy", "mozzarella_part_skim": "dairy",
    "parmesan_grated": "dairy", "feta_cheese": "dairy", "latte": "dairy", "almond_milk_unsweetened": "dairy",
    "rice_milk_unsweetened": "dairy", "chocolate_milk_low_fat": "dairy", "whey_protein_powder": "supplement",
    "soy_protein_isolate": "supplement", "whey_protein_shake": "supplement", "soy_protein_shake": "supplement",
    "fruit_yogurt_smoothie": "dairy", "raisins": "nuts", "dates_medjool": "nuts", "dried_apricots": "nuts",
    "dried_cranberries": "nuts", "jujube_dried": "nuts", "black_sesame_paste_drink": "treat", "mung_bean_soup": "treat",
    # soups
    "seaweed_egg_drop_soup": "soup", "tomato_egg_soup": "soup", "hot_sour_soup": "soup",
    "winter_melon_rib_soup": "soup", "crucian_tofu_soup": "soup", "miso_soup_tofu": "soup",
    "chicken_soup_clear": "soup", "wonton_soup": "mixed", "savory_tofu_pudding": "protein",
    # composed vegetable dishes
    "hot_sour_potato_shreds": "vegetable", "di_san_xian": "vegetable", "smashed_cucumber_salad": "vegetable",
    "garlic_broccoli": "vegetable", "stir_fried_bok_choy": "vegetable", "dry_fried_green_beans": "vegetable",
    "oyster_sauce_lettuce": "vegetable", "hand_torn_cabbage": "vegetable", "vinegar_napa_cabbage": "vegetable",
    "garlic_water_spinach": "vegetable", "stir_fried_youmaicai": "vegetable", "wood_ear_salad": "vegetable",
    "shiitake_bok_choy": "vegetable", "kelp_salad": "vegetable", "stir_fried_bean_sprouts": "vegetable",
    "yuxiang_eggplant": "vegetable", "stir_fried_lotus_root": "vegetable", "greek_salad": "vegetable",
    "spring_rolls_vegetable": "treat", "wood_ear_soaked": "condiment",
    # ingredients, not dishes: served inside 粥/汤/麻婆豆腐, never as "200 g boiled mung beans" at breakfast
    "mung_beans_boiled": "condiment", "adzuki_beans_boiled": "condiment", "tofu_soft": "condiment",
    "luncheon_meat": "treat",   # processed meat (IARC group 1) is not planned
    "onion_raw": "condiment",   # "250 g raw onion" is no side dish
    # one-bowl meals: staple and protein in one dish
    "egg_fried_rice": "mixed", "yangzhou_fried_rice": "mixed", "lanzhou_beef_noodle_soup": "mixed",
    "liangpi": "mixed", "zhajiangmian": "mixed", "reganmian": "mixed", "scallion_oil_noodles": "staple",
    "tomato_egg_noodles": "mixed", "dan_dan_noodles": "mixed", "hot_sour_sweet_potato_noodles": "mixed",
    "beef_rice_noodle_soup": "mixed", "beef_chow_fun": "mixed", "chicken_chow_mein": "mixed", "malatang": "mixed",
    "braised_pork_rice": "mixed", "xinjiang_lamb_pilaf": "mixed", "yangrou_paomo": "mixed",
    "pork_cabbage_dumplings": "mixed", "chive_egg_dumplings": "mixed", "beef_scallion_dumplings": "mixed",
    "century_egg_pork_congee": "mixed", "peking_duck_with_pancakes": "mixed", "cheeseburger": "mixed",
    "pizza_cheese": "mixed", "bean_cheese_burrito": "mixed", "lasagna_meat": "mixed", "spaghetti_bolognese": "mixed",
    "tuna_sandwich": "mixed", "chicken_burrito_bowl": "mixed", "vegan_buddha_bowl": "mixed",
    "salmon_rice_bowl": "mixed", "salmon_sushi_roll": "mixed", "oatmeal_milk_banana": "mixed",
    "overnight_oats_yogurt": "mixed", "greek_yogurt_bowl": "mixed", "avocado_toast": "staple",
    "peanut_butter_toast": "mixed", "grilled_chicken_salad": "protein", "chili_con_carne": "protein",
    "lentil_dal": "protein", "chana_masala": "protein", "hummus": "protein", "falafel": "protein",
}
CATEGORY_ROLE = {"grain": "staple", "tuber": "staple", "vegetable": "vegetable", "fruit": "fruit", "meat": "protein",
                 "poultry": "protein", "seafood": "protein", "egg": "protein", "soy_legume": "protein",
                 "nut_seed": "nuts", "dairy": "dairy", "oil_fat": "condiment", "condiment": "condiment",
                 "beverage": "drink", "snack": "treat", "dish": "protein"}

# --- portion bounds per meal (grams): role defaults, then foods that come in units or are special --------
ROLE_BOUNDS = {"staple": (100, 300), "protein": (50, 200), "vegetable": (100, 300), "fruit": (100, 250),
               "dairy": (150, 300), "nuts": (10, 30), "soup": (200, 400), "mixed": (250, 600), "treat": (20, 60),
               "drink": (150, 300), "condiment": (5, 15), "supplement": (25, 35)}
BOUNDS = {
    "plain_rice_congee": (200, 450), "millet_porridge": (200, 450), "pumpkin_millet_porridge": (200, 450),
    "eight_treasure_porridge": (200, 350), "oatmeal_cooked_water": (150, 350), "oats_rolled_dry": (30, 80),
    "wheat_noodles_boiled": (150, 350), "rice_noodles_cooked": (150, 350), "pasta_cooked": (150, 300),
    "pasta_whole_wheat_cooked": (150, 300), "glass_noodles_cooked": (80, 200), "granola_homemade": (30, 60),
    "corn_flakes": (30, 60), "nian_gao": (80, 200), "tofu_firm": (100, 250), "tofu_soft": (100, 250),
    "tofu_pressed_dougan": (50, 150), "tofu_fried_puffs": (30, 80), "cheddar_cheese": (15, 40),
    "mozzarella_part_skim": (15, 40), "parmesan_grated": (5, 15), "feta_cheese": (15, 40),
    "cottage_cheese_low_fat": (100, 200), "greek_yogurt_nonfat": (100, 250), "greek_yogurt_whole": (100, 250),
    "yogurt_plain_whole": (100, 250), "yogurt_fruit_low_fat": (100, 200), "chia_seeds": (5, 15),
    "flaxseed": (5, 15), "sesame_seeds": (5, 10), "jujube_dried": (10, 30), "raisins": (15, 40),
    "dried_apricots": (15, 40), "dried_cranberries": (15, 40), "dates_medjool": (24, 48), "avocado": (50, 100),
    "chestnuts_roasted": (30, 80), "lotus_seeds_dried": (10, 30), "hummus": (30, 100), "natto": (50, 100),
    "chicken_breast_boiled": (80, 200), "chicken_breast_roasted": (80, 200), "bacon_fried": (8, 24),
    "ham_sliced": (28, 84), "luncheon_meat": (30, 60), "beef_jerky": (20, 40), "soy_milk_unsweetened": (200, 400),
    "soy_milk_sweetened": (200, 350), "steamed_egg_custard": (100, 200), "watermelon": (150, 400),
    "savory_tofu_pudding": (200, 350), "sweet_potato_boiled": (100, 250), "sweet_potato_baked": (100, 250),
    "corn_on_the_cob_boiled": (100, 250), "chinese_yam_cooked": (100, 250), "taro_cooked": (100, 250),
    "potato_boiled": (100, 300), "potato_baked": (100, 300), "mashed_potatoes": (100, 250),
    "egg_scrambled": (60, 180), "egg_white": (33, 132), "lamb_skewers": (50, 150),
    "chicken_gizzard_simmered": (50, 120), "beef_tripe_cooked": (50, 120), "durian": (50, 150),
}
# foods served in whole units: id -> (grams per unit, en unit, zh unit, min units, max units)
UNITS = {
    "egg_boiled": (50, "egg", "个鸡蛋", 1, 3), "egg_fried": (46, "fried egg", "个煎蛋", 1, 3),
    "egg_poached": (50, "poached egg", "个荷包蛋", 1, 3), "tea_egg": (50, "tea egg", "个茶叶蛋", 1, 2),
    "century_egg": (60, "century egg", "个皮蛋", 1, 2), "salted_duck_egg": (60, "salted duck egg", "个咸鸭蛋", 1, 1),
    "mantou": (100, "mantou", "个馒头", 1, 2), "mantou_whole_wheat": (100, "wholewheat mantou", "个全麦馒头", 1, 2),
    "huajuan": (90, "huajuan", "个花卷", 1, 2), "cornmeal_wotou": (80, "wotou", "个窝窝头", 1, 2),
    "pork_bun": (110, "pork bun", "个肉包", 1, 2), "vegetable_bun": (110, "vegetable bun", "个菜包", 1, 2),
    "red_bean_bun": (100, "red-bean bun", "个豆沙包", 1, 1), "sesame_flatbread_shaobing": (80, "shaobing", "个烧饼", 1, 2),
    "scallion_pancake": (100, "scallion pancake", "张葱油饼", 1, 1), "youtiao": (60, "youtiao", "根油条", 1, 1),
    "zongzi_pork": (150, "zongzi", "个粽子", 1, 1), "bread_whole_wheat": (32, "slice", "片", 1, 3),
    "bread_white": (29, "slice", "片", 1, 3), "bagel_plain": (100, "bagel", "个贝果", 1, 1),
    "english_muffin_whole_wheat": (66, "muffin", "个英式松饼", 1, 2), "pita_whole_wheat": (64, "pita", "个皮塔饼", 1, 2),
    "tortilla_flour": (48, "tortilla", "张饼皮", 1, 3), "tortilla_corn": (26, "tortilla", "张玉米饼", 2, 4),
    "pancakes_plain": (38, "pancake", "张松饼", 2, 4), "waffles_plain": (35, "waffle", "个华夫饼", 1, 3),
    "apple": (180, "apple", "个苹果", 1, 1), "banana": (120, "banana", "根香蕉", 1, 2), "orange": (130, "orange", "个橙子", 1, 2),
    "kiwifruit": (70, "kiwi", "个猕猴桃", 1, 3), "peach": (150, "peach", "个桃子", 1, 2), "pear": (170, "pear", "个梨", 1, 1),
    "asian_pear": (200, "pear", "个梨", 1, 1), "mandarin_orange": (75, "mandarin", "个橘子", 1, 3),
    "plum": (66, "plum", "个李子", 1, 3), "persimmon": (168, "persimmon", "个柿子", 1, 1),
    "whey_protein_powder": (30, "scoop", "勺", 1, 1), "soy_protein_isolate": (30, "scoop", "勺", 1, 1),
    "whey_protein_shake": (280, "shake", "杯", 1, 1), "soy_protein_shake": (280, "shake", "杯", 1, 1),
    "protein_bar": (60, "bar", "根", 1, 1), "granola_bar": (28, "bar", "根", 1, 1),
    "xiaolongbao": (25, "dumpling", "个", 6, 12), "shumai": (30, "shumai", "个", 4, 8), "har_gow": (25, "dumpling", "个", 4, 8),
    "pork_cabbage_dumplings": (25, "dumpling", "个", 8, 20), "chive_egg_dumplings": (25, "dumpling", "个", 8, 20),
    "beef_scallion_dumplings": (25, "dumpling", "个", 8, 20), "potstickers": (25, "potsticker", "个", 6, 14),
    "jianbing_guozi": (220, "jianbing", "套", 1, 1), "roujiamo": (180, "roujiamo", "个", 1, 1),
    "cheeseburger": (127, "burger", "个", 1, 1), "tuna_sandwich": (154, "sandwich", "份", 1, 2),
    "avocado_toast": (117, "toast", "片", 1, 2), "peanut_butter_toast": (96, "toast", "片", 1, 2),
    "egg_tart": (50, "egg tart", "个", 1, 2), "lamb_skewers": (25, "skewer", "串", 2, 6),
}
PROTEIN_DENSE_KCAL_SHARE = 0.30   # a food with >= 30% of energy from protein and >= 8 g/100 g is protein-dense


def read_sr28(path: Path) -> dict[str, dict]:
    with path.open(encoding="latin-1", newline="") as fh:
        return {r["NDB_No"]: r for r in csv.DictReader(fh)}


def _num(row: dict, key: str) -> float:
    try:
        return float(row.get(key) or 0)
    except ValueError:
        return 0.0


def ingredients_of(source: str) -> tuple[list[tuple[float, str, str]], float] | None:
    """[(grams, name, NDB_No)] and the cooked weight of a composed dish, or None for a single SR28 food."""
    if not source.startswith("composed:"):
        return None
    items = [(float(g), name.strip(), ndb) for g, name, ndb in
             re.findall(r"(\d+(?:\.\d+)?) g ([^+;]*?) \(USDA (\d{5})\)", source)]
    cooked = re.search(r"cooked weight (\d+(?:\.\d+)?) g", source)
    return items, float(cooked.group(1)) if cooked else sum(g for g, _, _ in items)


def _is_veg(ndb: str, name: str) -> bool:
    return ndb.startswith("11") and not any(w in name.lower() for w in NOT_VEG)


def nutrients(food: dict, sr: dict[str, dict], role: str = "") -> dict:
    """Sodium, saturated fat, added sugar, vegetable and fruit grams per 100 g, and the breakdown."""
    parsed = ingredients_of(food["source"])
    if parsed is None:
        ndb = re.search(r"NDB_No (\d{5})", food["source"]).group(1)
        row = sr[ndb]
        sugar = _num(row, "Sugar_Tot_(g)") if food["category"] in SWEET_CATEGORIES and food["id"] not in NATURAL_SUGAR \
            else 0.0
        cat = food["category"]
        return {"sodium_mg": _num(row, "Sodium_(mg)"), "sat_fat_g": _num(row, "FA_Sat_(g)"), "added_sugar_g": sugar,
                "veg_g": 100.0 if cat == "vegetable" else 0.0,
                "fruit_g": 100.0 if cat == "fruit" and role != "nuts" else 0.0,   # dried fruit is not fruit grams
                "ingredients": "", "facts_source": f"USDA SR28 NDB_No {ndb}"}
    items, cooked = parsed
    scale = 100 / cooked
    sodium = sum(g * _num(sr[n], "Sodium_(mg)") / 100 for g, _, n in items)
    note = ""
    savoury = food["category"] in ("dish", "meat", "poultry", "seafood", "egg", "vegetable", "grain") and \
        not any(n in SALTY for _, _, n in items) and "sugar" not in food["name_en"].lower() and \
        sum(g for g, _, n in items if n in SUGARS) < 0.03 * cooked
    if savoury and food["category"] not in ("grain",):
        sodium += LIGHT_SALT_PCT * cooked / 100 * SODIUM_PER_G_SALT
        note = f"; light salting assumed ({LIGHT_SALT_PCT} g salt per 100 g, no salty seasoning listed)"
    return {"sodium_mg": sodium * scale,
            "sat_fat_g": sum(g * _num(sr[n], "FA_Sat_(g)") / 100 for g, _, n in items) * scale,
            "added_sugar_g": sum(g * (_num(sr[n], "Sugar_Tot_(g)") / 100 if n != "19335" else 1.0)
                                 for g, _, n in items if n in SUGARS) * scale,
            "veg_g": sum(g for g, name, n in items if _is_veg(n, name)) * scale,
            "fruit_g": sum(g for g, _, n in items if n.startswith("09") and n != "09147") * scale,
            "ingredients": ";".join(f"{n}:{g:g}" for g, _, n in items),
            "facts_source": "sum of the recipe's ingredients, USDA SR28 NDB_No " + ", ".join(sorted({n for *_, n in items}))
                            + note}


def cuisines_of(food: dict) -> tuple[str, ...]:
    if food["id"] in CUISINE_OVERRIDES:
        return CUISINE_OVERRIDES[food["id"]]
    return {"chinese": ("chinese",), "western": ("western",)}.get(food["cuisine"], BOTH)


def facts_row(food: dict, sr: dict[str, dict], authored: dict | None = None) -> dict:
    """One food_facts.csv row; `authored` is the food's entry in foods_recipes.yaml (role, unit, bounds), if any."""
    fid = food["id"]
    authored = authored or {}
    role = authored.get("role") or ROLE_OVERRIDES.get(fid) or CATEGORY_ROLE[food["category"]]
    kcal, protein = float(food["kcal"]), float(food["protein_g"])
    dense = protein >= 8 and 4 * protein >= PROTEIN_DENSE_KCAL_SHARE * max(kcal, 1) and role != "vegetable"
    units = tuple(authored["unit"]) if "unit" in authored else UNITS.get(fid)
    if units:
        unit_g, en, zh, lo, hi = units
        lo_g, hi_g = unit_g * lo, unit_g * hi
    else:
        portion = float(food["portion_g"])
        stated = tuple(authored.get("bounds") or ()) or BOUNDS.get(fid)
        lo_g, hi_g = stated or ROLE_BOUNDS[role]
        if role == "mixed" and not stated:
            lo_g, hi_g = round(0.7 * portion), round(1.3 * portion)
        elif role == "protein" and food["category"] == "dish" and not stated:
            lo_g, hi_g = 100, 300
        unit_g, en, zh = (5 if hi_g <= 60 else 10 if hi_g <= 200 else 25), "g", "克"
        lo_g = max(unit_g, round(lo_g / unit_g) * unit_g)
        hi_g = max(lo_g, round(hi_g / unit_g) * unit_g)
    return {"id": fid, "role": role, "cuisines": ";".join(cuisines_of(food)), "unit_g": unit_g, "unit_en": en,
            "unit_zh": zh, "min_g": lo_g, "max_g": hi_g, "protein_dense": int(dense),
            **{k: (round(v, 2) if isinstance(v, float) else v) for k, v in nutrients(food, sr, role).items()}}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    sr = read_sr28(Path(argv[0]) if argv else SR28)
    with (ROOT / "foods.csv").open(encoding="utf-8", newline="") as fh:
        foods = list(csv.DictReader(fh))
    from .foods_compose import load_recipes

    authored = {r["id"]: r for r in load_recipes()}
    with (ROOT / "food_facts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        w.writeheader()
        for food in foods:
            w.writerow(facts_row(food, sr, authored.get(food["id"])))
    print(f"wrote {len(foods)} rows to {ROOT / 'food_facts.csv'}")


if __name__ == "__main__":
    main()
