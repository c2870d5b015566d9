"""Energy and macro targets from a NutritionProfile, and one-day / 7-day meal plans optimised over the food
table with integer programming (scipy.optimize.milp, HiGHS), plus the validator that states the rules.

Why an optimiser: greedy picking cannot hit kcal, protein, fat and carbohydrate within 5% at once while
honouring diet, allergens, meal slots and variety; a small MILP over half-portions does it in milliseconds.
Numbers come from ../shared/docs/SCIENCE.md; each constant names its row.
"""
from __future__ import annotations

import hashlib
import json
import math
import random

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from tools.profiles import NutritionProfile, parse_nutrition_profile

ACTIVITY_FACTOR = {"sedentary": 1.2, "light": 1.375, "moderate": 1.55, "active": 1.725, "very_active": 1.9}
ACTIVITY_ZH = {"sedentary": "久坐", "light": "轻度活动", "moderate": "中度活动", "active": "高度活动",
               "very_active": "非常活跃"}
KCAL_PER_KG = 7700            # energy in 1 kg of body-weight change (≈3500 kcal/lb)
LOSS_KG_WEEK = (0.5, 1.0)     # SCIENCE.md "Loss 0.5-1 kg/week (China)"; default is the low end
LOSS_MAX_BW_FRACTION = 0.01   # and at most 1% of body weight per week
DEFICIT_MAX_KCAL = 1000       # SCIENCE.md "from a 500-1000 kcal/day deficit"
GAIN_KG_WEEK = (0.25, 0.5)    # default / cap for a lean gain (surplus ≈ 275-550 kcal/day)
SURPLUS_MAX_KCAL = 500
FLOOR_KCAL = {"female": 1200, "male": 1500}  # SCIENCE.md: no unsupervised target below these
ABSOLUTE_FLOOR_KCAL = 800                    # SCIENCE.md: never under 800
AMDR = {"protein": (0.10, 0.35), "fat": (0.20, 0.35), "carb": (0.45, 0.65)}  # SCIENCE.md "AMDR (IOM)"
FIBER_MIN_G = 25              # SCIENCE.md "Fibre at least 25 g/day"
FIBER_PER_1000_KCAL = 14      # IOM adequate intake, used when it asks for more than 25 g
WATER_BASE_ML = {"female": 1500, "male": 1700}  # 中国居民膳食指南 2022 drinking water
WATER_ACTIVITY_ML = {"sedentary": 0, "light": 250, "moderate": 500, "active": 750, "very_active": 1000}
PROTEIN_REF_BMI = 30          # protein g/kg uses weight capped at BMI 30 (ISSN ranges are for lean athletes)
TOLERANCE = 0.05              # SCIENCE.md: plan within 5% of its targets
PROTEIN_REACH = 0.85          # share of the food table's maximum protein a varied day can still reach
DAY_FOOD_MASS_G = 1000        # plausible day's food mass for that check: 1000 g + 0.5 g per kcal
DAY_FOOD_MASS_G_PER_KCAL = 0.5
SOLVE_TOLERANCE = 0.04        # the solver aims inside 4% so rounding never crosses 5%
MIN_FOODS_PER_DAY = 12        # 中国居民膳食指南 2022: at least 12 foods a day, 25 a week
MIN_FOODS_PER_WEEK = 25
MAX_DAYS_PER_FOOD = 3         # a food on at most 3 of 7 days
STEPS_PER_PORTION = 4         # portions move in quarter steps
MIN_STEPS = 2                 # a food on the plate is at least half a portion
PORTION_SCALE_KCAL = 2400     # above this daily target, maximum portions grow in proportion
CANDIDATES_PER_SLOT = 20      # sampled per main meal and day (seeded; half for snacks): small, fast MILPs
PROTEIN_PICKS = 4             # of them, drawn from the slot's PROTEIN_POOL most protein-dense foods
PROTEIN_POOL = 12
SOLVER_TIME_LIMIT_S = 0.3     # per MILP solve: it usually stops at its first feasible point in ~10 ms; a
TRIES_PER_LEVEL = 3           # rare slow one is cut off and the day is re-sampled with another seed
ROUNDING_MARGIN = 0.35        # continuous stage 1 aims inside 65% of each tolerance band, leaving room to round
SLOT_SHARE = {"breakfast": 0.28, "lunch": 0.37, "dinner": 0.33, "snack": 0.10}  # China: 25-30/30-40/30-35 %
SLOT_SHARE_BAND = (0.6, 1.4)  # each slot's kcal within this multiple of its share
SLOTS = {2: ("lunch", "dinner"), 3: ("breakfast", "lunch", "dinner"),
         4: ("breakfast", "lunch", "snack_pm", "dinner"), 5: ("breakfast", "snack_am", "lunch", "snack_pm", "dinner"),
         6: ("breakfast", "snack_am", "lunch", "snack_pm", "dinner", "snack_eve")}
SLOT_LABEL = {"breakfast": ("Breakfast", "早餐"), "lunch": ("Lunch", "午餐"), "dinner": ("Dinner", "晚餐"),
              "snack_am": ("Morning snack", "上午加餐"), "snack_pm": ("Afternoon snack", "下午加餐"),
              "snack_eve": ("Evening snack", "晚间加餐")}
ITEMS_PER_SLOT = {"breakfast": (2, 4), "lunch": (3, 5), "dinner": (3, 5), "snack": (1, 2)}
NUTRIENTS = ("kcal", "protein_g", "fat_g", "carb_g")
PLANNING_EXCLUDED = {"condiment", "oil_fat"}  # seasonings and cooking fat are inside dishes, not portions
FOOD_GROUPS_DAILY = ("vegetable", "fruit", "grain", "tuber")

SOURCES = ["Mifflin MD, St Jeor ST et al. (1990) Am J Clin Nutr 51:241-247",
           "Roza AM, Shizgal HM (1984) Harris-Benedict revised. Am J Clin Nutr 40:168-182",
           "Katch-McArdle lean-mass equation (McArdle, Katch & Katch, Exercise Physiology)",
           "IOM (2005) Dietary Reference Intakes: AMDR, fibre",
           "Jäger R. et al. (2017) ISSN position stand: protein and exercise. JISSN 14:20",
           "中国居民膳食指南 (2022) / Chinese Dietary Guidelines 2022",
           "NHLBI (1998) Clinical guidelines on overweight and obesity in adults",
           "USDA SR28 food composition (food table values)"]
DISCLAIMER = {"en": "General nutrition information, not medical advice. Energy needs are estimates (±10%); "
                    "adjust by your weight trend. See a doctor or dietitian for any medical condition.",
              "zh": "本计划为一般营养信息，不构成医疗建议。能量需求为估算值（±10%），请按体重变化调整；"
                    "如有疾病请咨询医生或注册营养师。"}


def _bi(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


# --- energy (SCIENCE.md "Energy") ------------------------------------------------------------------
def bmr_mifflin_st_jeor(weight_kg: float, height_cm: float, age: float, sex: str) -> float:
    return 10 * weight_kg + 6.25 * height_cm - 5 * age + (5 if sex == "male" else -161)


def bmr_harris_benedict(weight_kg: float, height_cm: float, age: float, sex: str) -> float:
    """Revised Harris-Benedict (Roza & Shizgal 1984)."""
    if sex == "male":
        return 88.362 + 13.397 * weight_kg + 4.799 * height_cm - 5.677 * age
    return 447.593 + 9.247 * weight_kg + 3.098 * height_cm - 4.330 * age


def bmr_katch_mcardle(weight_kg: float, body_fat_pct: float) -> float:
    return 370 + 21.6 * weight_kg * (1 - body_fat_pct / 100)


def tdee_kcal(bmr_kcal: float, activity: str) -> float:
    return bmr_kcal * ACTIVITY_FACTOR[activity]


def deficit_blockers(profile: NutritionProfile) -> list[str]:
    """Reasons a calorie deficit must not be planned (SCIENCE.md "Weight change and safety")."""
    reasons = []
    if profile.is_minor:
        reasons.append("minor")
    if profile.pregnant or profile.breastfeeding:
        reasons.append("pregnancy")
    if profile.eating_disorder:
        reasons.append("eating_disorder")
    if profile.chronic_disease:
        reasons.append("chronic_disease")
    if profile.bmi < 18.5 and not profile.is_minor:
        reasons.append("underweight")  # losing weight at BMI < 18.5 is itself an eating-disorder signal
    return reasons


_BLOCKER_TEXT = {"minor": ("under 18", "未满 18 岁"), "pregnancy": ("pregnancy or breastfeeding", "怀孕或哺乳期"),
                 "eating_disorder": ("eating-disorder history or signs", "进食障碍史或迹象"),
                 "chronic_disease": ("a chronic disease", "慢性疾病"), "underweight": ("BMI under 18.5", "BMI 低于 18.5")}


def energy_targets(profile: NutritionProfile) -> dict:
    """BMR, TDEE and the calorie target with every adjustment explained (en/zh lines)."""
    p = profile
    msj = bmr_mifflin_st_jeor(p.weight_kg, p.height_cm, p.age, p.sex)
    hb = bmr_harris_benedict(p.weight_kg, p.height_cm, p.age, p.sex)
    km = bmr_katch_mcardle(p.weight_kg, p.body_fat_pct) if p.body_fat_pct is not None else None
    bmr, method = (km, "katch_mcardle") if km is not None else (msj, "mifflin_st_jeor")
    tdee = tdee_kcal(bmr, p.activity)
    factor = ACTIVITY_FACTOR[p.activity]
    method_name = {"katch_mcardle": ("Katch-McArdle, from lean mass", "Katch-McArdle 公式，按去脂体重"),
                   "mifflin_st_jeor": ("Mifflin-St Jeor", "Mifflin-St Jeor 公式")}[method]
    lines = [_bi(f"BMR {bmr:.0f} kcal ({method_name[0]}) × {factor} ({p.activity}) = TDEE {tdee:.0f} kcal/day.",
                 f"基础代谢 {bmr:.0f} 千卡（{method_name[1]}）× {factor}（{ACTIVITY_ZH[p.activity]}）"
                 f"= 每日总消耗 {tdee:.0f} 千卡。")]
    blockers = deficit_blockers(p)
    floor = ABSOLUTE_FLOOR_KCAL if p.supervised else FLOOR_KCAL[p.sex]
    goal, change, rate = p.goal, 0.0, 0.0
    if blockers and (goal == "lose" or {"pregnancy", "eating_disorder"} & set(blockers)):
        en = ", ".join(_BLOCKER_TEXT[b][0] for b in blockers)
        zh = "、".join(_BLOCKER_TEXT[b][1] for b in blockers)
        lines.append(_bi(f"No calorie deficit or surplus is planned because of {en}: the target is maintenance; "
                         "please see a doctor or registered dietitian.",
                         f"由于{zh}，不安排热量缺口或盈余：目标为维持体重；请咨询医生或注册营养师。"))
        goal = "maintain"
    if goal == "lose":
        cap = min(LOSS_KG_WEEK[1], LOSS_MAX_BW_FRACTION * p.weight_kg)
        asked = p.rate_kg_per_week or LOSS_KG_WEEK[0]
        rate = min(asked, cap)
        change = -min(rate * KCAL_PER_KG / 7, DEFICIT_MAX_KCAL)
        lines.append(_bi(f"Losing {rate:.2f} kg/week needs a {-change:.0f} kcal/day deficit ({KCAL_PER_KG} kcal per kg)"
                         + (f"; your {asked:g} kg/week was capped at 1% of body weight and 1 kg/week."
                            if asked > cap else "."),
                         f"每周减 {rate:.2f} 公斤需要每天 {-change:.0f} 千卡缺口（每公斤约 {KCAL_PER_KG} 千卡）"
                         + (f"；你要求的每周 {asked:g} 公斤已按体重 1% 和每周 1 公斤封顶。" if asked > cap else "。")))
    elif goal == "gain":
        cap = GAIN_KG_WEEK[1] / (2 if p.is_minor else 1)
        asked = p.rate_kg_per_week or GAIN_KG_WEEK[0]
        rate = min(asked, cap)
        change = min(rate * KCAL_PER_KG / 7, SURPLUS_MAX_KCAL)
        lines.append(_bi(f"Gaining {rate:.2f} kg/week needs a {change:.0f} kcal/day surplus; lifting makes it muscle.",
                         f"每周增重 {rate:.2f} 公斤需要每天约 {change:.0f} 千卡盈余；配合力量训练以增加肌肉。"))
    target = tdee + change
    if change < 0 and target < floor:
        raised = min(floor, tdee)
        lines.append(_bi(f"Raised to {raised:.0f} kcal: no target under {floor} kcal/day without medical supervision.",
                         f"已提高到 {raised:.0f} 千卡：无医学监护时每日目标不低于 {floor} 千卡。"))
        target, change = raised, raised - tdee
    if target < ABSOLUTE_FLOOR_KCAL:
        lines.append(_bi("Estimated needs are unusually low; 800 kcal/day is the minimum here. See a professional.",
                         "估算需求异常偏低；这里的最低值为每天 800 千卡。请咨询专业人员。"))
        target, change = ABSOLUTE_FLOOR_KCAL, ABSOLUTE_FLOOR_KCAL - tdee
    target = round(target / 10) * 10
    rate_real = change * 7 / KCAL_PER_KG
    lines.append(_bi(f"Target {target:.0f} kcal/day ({change:+.0f} kcal vs TDEE, about {rate_real:+.2f} kg/week).",
                     f"目标每天 {target:.0f} 千卡（相对总消耗 {change:+.0f} 千卡，约每周 {rate_real:+.2f} 公斤）。"))
    return {"bmr_kcal": round(bmr, 1), "bmr_method": method,
            "bmr_by_formula": {"mifflin_st_jeor": round(msj, 2), "harris_benedict": round(hb, 3),
                               "katch_mcardle": None if km is None else round(km, 2)},
            "activity_factor": factor, "tdee_kcal": round(tdee, 1), "kcal": target,
            "energy_change_kcal": round(target - tdee), "rate_kg_per_week": round(rate_real, 3),
            "effective_goal": goal, "floor_kcal": floor, "deficit_blockers": blockers, "explanation": lines}


def _protein_g_per_kg(p: NutritionProfile, goal: str) -> float:
    """ISSN 2017: 1.4-2.0 g/kg for exercisers, 2.3+ for trained people in a deficit; RDA 0.8 otherwise."""
    if p.chronic_disease:
        return 1.0   # kidney disease and others may need less: a clinician decides
    if p.pregnant or p.breastfeeding:
        return 1.1   # IOM pregnancy/lactation RDA
    if goal == "lose":
        return 2.3 if p.trained else 1.8
    if goal == "gain":
        return 2.0 if p.trained else 1.8
    return 1.6 if p.trained or p.activity != "sedentary" else 1.2


def _fiber_correction_kcal(fiber_g: float, kcal: float) -> float:
    """Energy 4/4/9 counting over-states for fibre (2 kcal/g less), capped at 4% of the target."""
    return min(2 * fiber_g, 0.04 * kcal)


def fiber_target_g(kcal: float) -> int:
    """At least 25 g (SCIENCE.md), 14 g per 1000 kcal when that is more (IOM)."""
    return max(FIBER_MIN_G, round(FIBER_PER_1000_KCAL * kcal / 1000))


def macro_targets(profile: NutritionProfile, kcal: float, goal: str) -> dict:
    """Protein by g/kg, fat 20-35% (25% when losing), carbohydrate the rest, nudged into AMDR."""
    p = profile
    ref_kg = min(p.weight_kg, PROTEIN_REF_BMI * (p.height_cm / 100) ** 2)
    g_per_kg = _protein_g_per_kg(p, goal)
    fiber_g = fiber_target_g(kcal)
    protein_g = min(g_per_kg * ref_kg, AMDR["protein"][1] * kcal / 4)
    protein_g = max(protein_g, AMDR["protein"][0] * kcal / 4)
    fat_pct = 0.25 if goal == "lose" else 0.30
    carb_pct = 1 - protein_g * 4 / kcal - fat_pct  # share of energy from carbohydrate
    if carb_pct < AMDR["carb"][0]:   # protein is high: take fat down toward 20% first
        fat_pct = max(AMDR["fat"][0], fat_pct - (AMDR["carb"][0] - carb_pct))
    elif carb_pct > AMDR["carb"][1]:
        fat_pct = min(AMDR["fat"][1], fat_pct + (carb_pct - AMDR["carb"][1]))
    fat_g = fat_pct * kcal / 9
    # Total carbohydrate includes fibre, which yields ~2 kcal/g, not 4 (the food table's energy check,
    # knowledge/SCHEMA.md): 4P + 9F + 4(C - fibre) + 2 fibre = kcal. The correction is capped so plain
    # 4/4/9 macro energy stays within 5% of the target even at 800 kcal (SCIENCE.md "Macros").
    carb_g = (kcal - 4 * protein_g - 9 * fat_g + _fiber_correction_kcal(fiber_g, kcal)) / 4
    protein_g, fat_g, carb_g = round(protein_g), round(fat_g), round(carb_g)
    pct = {"protein": 4 * protein_g / kcal, "fat": 9 * fat_g / kcal,
           "carb": (4 * carb_g - _fiber_correction_kcal(fiber_g, kcal)) / kcal}
    lines = [_bi(f"Protein {protein_g} g ({protein_g / p.weight_kg:.1f} g/kg body weight; {g_per_kg} g/kg of reference "
                 f"weight {ref_kg:.0f} kg), fat {fat_g} g ({pct['fat']:.0%}), "
                 f"carbohydrate {carb_g} g ({pct['carb']:.0%}).",
                 f"蛋白质 {protein_g} 克（每公斤体重 {protein_g / p.weight_kg:.1f} 克；按参考体重 {ref_kg:.0f} 公斤每公斤 "
                 f"{g_per_kg} 克），脂肪 {fat_g} 克（{pct['fat']:.0%}），碳水化合物 {carb_g} 克（{pct['carb']:.0%}）。")]
    if pct["carb"] < AMDR["carb"][0] - 0.005:
        lines.append(_bi("Carbohydrate is below the 45% AMDR because protein is prioritised at this calorie level.",
                         "在此热量水平下优先保证蛋白质，碳水化合物低于 45% 的推荐范围。"))
    return {"protein_g": protein_g, "fat_g": fat_g, "carb_g": carb_g, "protein_g_per_kg": g_per_kg,
            "protein_ref_kg": round(ref_kg, 1), "pct": {k: round(v, 3) for k, v in pct.items()}, "explanation": lines}


def nutrition_targets(profile: NutritionProfile | dict) -> dict:
    """Energy, macros, fibre and water for one day; `explanation` says why, line by line (en/zh)."""
    p = parse_nutrition_profile(profile)
    energy = energy_targets(p)
    macros = macro_targets(p, energy["kcal"], energy["effective_goal"])
    fiber_g = fiber_target_g(energy["kcal"])
    water_ml = WATER_BASE_ML[p.sex] + WATER_ACTIVITY_ML[p.activity] + (200 if p.pregnant else 0) \
        + (600 if p.breastfeeding else 0)
    expl = energy.pop("explanation") + macros.pop("explanation") + [
        _bi(f"Fibre at least {FIBER_MIN_G} g (aim {fiber_g} g); drink about {water_ml} ml of water a day.",
            f"膳食纤维至少 {FIBER_MIN_G} 克（目标 {fiber_g} 克）；每天饮水约 {water_ml} 毫升。")]
    return {**energy, **macros, "fiber_g": fiber_g, "fiber_min_g": FIBER_MIN_G, "water_ml": water_ml,
            "explanation": expl}


# --- foods -----------------------------------------------------------------------------------------
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


def _solve(cands: list[tuple[str, object]], targets: dict, slots: tuple[str, ...], cost: dict, *, tol: float | None,
           min_foods: int, categories: bool, fiber_min: float) -> tuple[np.ndarray | None, str]:
    """Choose foods and quarter-portion steps per (slot, food) within `tol` of every target.

    Stage 1 is a MILP over which foods to use (binary) with continuous portions: the binaries carry the
    hard rules (foods per slot and day, food groups, one slot per food) and the solver stops at its first
    feasible point. Stage 2 rounds portions to steps and repairs/polishes them with an integer local
    search. If that cannot restore every constraint, the MILP is re-solved with integer steps.
    """
    m = len(cands)
    goal = np.array([targets["kcal"], targets["protein_g"], targets["fat_g"], targets["carb_g"]], float)
    unit = np.array([_units(f)[0] for _, f in cands])
    per_unit = np.array([[getattr(f, k) for k in NUTRIENTS] for _, f in cands]).reshape(m, 4) * unit[:, None] / 100
    fiber = np.array([f.fiber_g for _, f in cands]) * unit / 100
    upper = np.array([_units(f, targets["kcal"])[1] for _, f in cands], float)
    slot_of = np.array([slots.index(s) for s, _ in cands])
    shares = np.array([SLOT_SHARE[_kb_slot(s)] for s in slots])
    shares = shares / shares.sum()
    limit = goal * tol if tol is not None else np.full(4, np.inf)
    slot_lo = goal[0] * shares * SLOT_SHARE_BAND[0] if tol is not None else np.zeros(len(slots))
    slot_hi = goal[0] * shares * SLOT_SHARE_BAND[1] if tol is not None else np.full(len(slots), np.inf)

    def build(margin: float):
        """Sparse constraint rows over n (m) and y (m); `margin` shrinks the bands for rounding room."""
        r_i, c_i, v_i, lo, hi = [], [], [], [], []   # sparse rows over variables n (m), y (m)

        def row(cols, vals, a, b) -> None:
            r_i.extend([len(lo)] * len(cols))
            c_i.extend(cols)
            v_i.extend(vals)
            lo.append(a)
            hi.append(b)

        idx = list(range(m))
        for k in range(4):                     # sum a n - dev+ + dev- = goal; the dev bounds carry the tolerance
            row(idx + [2 * m + k, 2 * m + 4 + k], list(per_unit[:, k]) + [-1, 1], goal[k], goal[k])
        for i in idx:                          # MIN_STEPS y <= n <= U y
            row([i, m + i], [1, -upper[i]], -np.inf, 0)
            row([i, m + i], [1, -MIN_STEPS], 0, np.inf)
        for j, s in enumerate(slots):
            members = [i for i in idx if slot_of[i] == j]
            n_lo, n_hi = ITEMS_PER_SLOT[_kb_slot(s)]
            row([m + i for i in members], [1] * len(members), min(n_lo if categories else 1, len(members)),
                n_hi + (1 if len(slots) == 2 else 0))
            if tol is not None:
                mid = goal[0] * shares[j]
                row(members, per_unit[members, 0], mid - (mid - slot_lo[j]) * (1 - margin),
                    mid + (slot_hi[j] - mid) * (1 - margin))
        by_food: dict[str, list[int]] = {}
        for i, (_, f) in enumerate(cands):
            by_food.setdefault(f.id, []).append(i)
        for members in by_food.values():       # a food in one slot a day, so distinct foods = sum of y
            if len(members) > 1:
                row([m + i for i in members], [1] * len(members), 0, 1)
        row(list(range(m, 2 * m)), [1] * m, min(min_foods, len(by_food)), np.inf)
        if fiber_min:
            row(idx, fiber, fiber_min * (1 + margin / 10), np.inf)
        if categories:                         # 中国居民膳食指南: vegetables, fruit, grains every day
            for cats, need in ((("vegetable",), 2), (("fruit",), 1), (("grain", "tuber"), 1)):
                members = [i for i, (_, f) in enumerate(cands) if f.category in cats]
                if members:
                    row([m + i for i in members], [1] * len(members),
                        min(need, len({cands[i][1].id for i in members})), np.inf)
        return coo_matrix((v_i, (r_i, c_i)), shape=(len(lo), 2 * m + 8)).tocsr(), lo, hi

    # With a tolerance any feasible point will do (costs only steer variety); without one (last resort)
    # the objective is the summed % deviation.
    c = np.concatenate([np.zeros(m), [cost.get(f.id, 0.0) for _, f in cands],
                        np.tile(100 / goal, 2) if tol is None else np.zeros(8)])
    margin = ROUNDING_MARGIN if tol is not None else 0.0
    message = ""
    # continuous portions with a margin (room to round), without it, then integer steps
    for integer_steps, band_margin in ((False, margin), (False, 0.0), (True, 0.0))[(0 if margin else 1):]:
        A, lo, hi = build(band_margin)
        dev_max = np.tile(limit * (1 - band_margin), 2)
        bounds = Bounds(np.zeros(2 * m + 8), np.concatenate([upper, np.ones(m), dev_max]))
        res = milp(c, integrality=np.concatenate([np.full(m, int(integer_steps)), np.ones(m), np.zeros(8)]),
                   bounds=bounds, constraints=LinearConstraint(A, lo, hi),
                   options={"time_limit": SOLVER_TIME_LIMIT_S,
                            "mip_rel_gap": 1.0 if tol is not None else 0.05})  # first feasible is enough
        message = res.message
        if res.x is None:
            if band_margin == 0.0 or res.status == 1:   # infeasible, or slow: the caller resamples
                return None, message
            continue
        used = np.flatnonzero(res.x[m:2 * m] > 0.5)
        x = _portion(used, res.x[:m], per_unit, fiber, upper, slot_of, len(slots), goal, limit, slot_lo, slot_hi,
                     fiber_min)
        if x is not None:
            return x, message
    return None, message


def _portion(used: np.ndarray, n0: np.ndarray, per_unit, fiber, upper, slot_of, n_slots: int, goal, limit,
             slot_lo, slot_hi, fiber_min: float) -> np.ndarray | None:
    """Integer steps for the chosen foods: from the rounded MILP portions and from an LP that minimises the
    summed % error, run the local search; return the best point meeting every constraint, or None."""
    if not len(used):
        return None
    pu, fb, up = per_unit[used], fiber[used], upper[used]
    rows = (slot_of[used][None, :] == np.arange(n_slots)[:, None]).astype(float) * pu[:, 0]  # slot kcal per step
    k = len(used)
    starts = [n0[used]]
    lp = linprog(np.concatenate([np.zeros(k), np.tile(100 / goal, 2)]),
                 A_ub=np.vstack([np.hstack([rows, np.zeros((n_slots, 8))]), np.hstack([-rows, np.zeros((n_slots, 8))]),
                                 np.concatenate([-fb, np.zeros(8)])[None, :]]),
                 b_ub=np.concatenate([np.minimum(slot_hi, 1e12), -slot_lo, [-fiber_min]]),
                 A_eq=np.hstack([pu.T, -np.eye(4), np.eye(4)]), b_eq=goal,
                 bounds=[(MIN_STEPS, u) for u in up] + [(0, None)] * 8, method="highs")
    if lp.status == 0:
        starts.append(lp.x[:k])
    best, best_err = None, np.inf
    for x0 in starts:
        x = _local_search(np.clip(np.round(x0), MIN_STEPS, up), pu, fb, up, rows, goal, limit, slot_lo, slot_hi,
                          fiber_min)
        err = np.abs(pu.T @ x - goal) @ (1 / goal)
        if _violation(x, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min) == 0 and err < best_err:
            best, best_err = x, err
    if best is None:
        return None
    out = np.zeros(len(per_unit), int)
    out[used] = np.round(best).astype(int)
    return out


def _violation(x, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min) -> float:
    """How far x is outside the tolerance, slot bands and fibre floor (0 = feasible), in relative units."""
    x = np.atleast_2d(x)
    over = np.clip(np.abs(x @ pu - goal) - limit, 0, None) @ (1 / goal)
    s_kcal = x @ rows.T
    band = (np.clip(slot_lo - s_kcal, 0, None) + np.clip(s_kcal - slot_hi, 0, None)).sum(1) / goal[0]
    fib = np.clip(fiber_min - x @ fb, 0, None) / max(fiber_min, 1.0)
    v = over + band + fib
    v[v < 1e-9] = 0.0
    return v if len(v) > 1 else float(v[0])


def _local_search(x, pu, fb, up, rows, goal, limit, slot_lo, slot_hi, fiber_min) -> np.ndarray:
    """Best ±1-step or one-step swap while (violation x 1000 + summed % error) falls. Vectorised, ~1 ms."""
    k = len(x)
    eye = np.eye(k)
    pairs = (eye[:, None, :] - eye[None, :, :]).reshape(k * k, k)[~np.eye(k, dtype=bool).ravel()]
    moves = np.concatenate([eye, -eye, pairs])

    def score(pts: np.ndarray) -> np.ndarray:
        return 1000 * np.atleast_1d(_violation(pts, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min)) + \
            np.abs(pts @ pu - goal) @ (1 / goal)

    current = score(x[None, :])[0]
    for _ in range(6 * k):
        cand = x + moves
        s = np.where(((cand >= MIN_STEPS) & (cand <= up)).all(1), score(cand), np.inf)
        best = int(np.argmin(s))
        if s[best] >= current - 1e-9:
            break
        x, current = cand[best], s[best]
    return x


# --- meal plans ------------------------------------------------------------------------------------
# Solve levels, strict first; later levels relax rules and the day records which ones it dropped.
LEVELS = (
    {"k": CANDIDATES_PER_SLOT, "tol": SOLVE_TOLERANCE, "min_foods": MIN_FOODS_PER_DAY, "categories": True,
     "fiber": True, "repeats": False, "relaxed": ()},
    {"k": 30, "tol": SOLVE_TOLERANCE, "min_foods": MIN_FOODS_PER_DAY, "categories": True, "fiber": True,
     "repeats": False, "relaxed": ()},
    {"k": 30, "tol": SOLVE_TOLERANCE, "min_foods": 8, "categories": False, "fiber": True, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats")},
    {"k": 40, "tol": 0.10, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "tolerance_10pct")},
    {"k": 40, "tol": 0.25, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "best_effort")},
    {"k": 40, "tol": None, "min_foods": 3, "categories": False, "fiber": False, "repeats": True,
     "relaxed": ("diversity", "food_groups", "repeats", "fiber", "best_effort")},
)
_RELAXED_TEXT = {"diversity": ("fewer than 12 different foods", "少于 12 种食物"),
                 "food_groups": ("not every food group", "未覆盖所有食物类别"),
                 "repeats": ("foods repeated on more days", "部分食物重复天数较多"),
                 "fiber": ("fibre below 25 g", "膳食纤维低于 25 克"),
                 "tolerance_10pct": ("targets only within 10%", "仅在目标 10% 以内"),
                 "best_effort": ("targets not reachable with your food choices", "以你的食物选择无法达到目标")}


def _item(food, steps: int) -> dict:
    grams = round(steps * _units(food)[0], 2)
    per = {k: getattr(food, k) * grams / 100 for k in (*NUTRIENTS, "fiber_g")}
    return {"food_id": food.id, "name": food.name.to_dict(), "category": food.category, "grams": grams,
            "portions": steps / STEPS_PER_PORTION, "portion": food.portion.to_dict(), "portion_g": food.portion_g,
            **{k: round(v, 2) for k, v in per.items()}}


def day_totals(meals: list[dict]) -> dict:
    return {k: round(sum(it[k] for m in meals for it in m["items"]), 1) for k in (*NUTRIENTS, "fiber_g")}


def macro_errors_pct(totals: dict, targets: dict) -> dict:
    return {k: round(100 * (totals[k] - targets[k]) / targets[k], 2) for k in NUTRIENTS}


def plan_meals_day(targets: dict, profile: NutritionProfile | dict, kb, day_index: int = 0,
                   used_days: dict[str, int] | None = None) -> dict:
    """One day of meals whose kcal, protein, fat and carbohydrate are within 5% of `targets`.

    `used_days` counts days each food was already used this week (for variety). If the strict problem is
    infeasible the rules are relaxed step by step and the day says which ones, in en/zh.
    """
    p = parse_nutrition_profile(profile)
    used_days = used_days or {}
    pool = allowed_foods(p, kb)
    slots = SLOTS[p.meals_per_day]
    x, cands, level, message = None, [], 0, "no foods allowed"
    attempts = [(lv, t) for lv in range(len(LEVELS)) for t in range(TRIES_PER_LEVEL if lv < 3 else 1)]
    for level, attempt in attempts:
        opts = LEVELS[level]
        rng = random.Random(_seed(p, f"day{day_index}:{level}:{attempt}"))
        usable = pool if opts["repeats"] else [f for f in pool if used_days.get(f.id, 0) < MAX_DAYS_PER_FOOD]
        cands = [(s, f) for s in slots
                 for f in _candidates(usable, s, rng, opts["k"] // (2 if s.startswith("snack") else 1), p.cuisine)]
        if not cands:
            continue
        cost = {f.id: rng.uniform(0, 0.4) + 1.0 * used_days.get(f.id, 0) for _, f in cands}
        x, message = _solve(cands, targets, slots, cost, tol=opts["tol"], min_foods=opts["min_foods"],
                            categories=opts["categories"], fiber_min=targets["fiber_min_g"] if opts["fiber"] else 0)
        if x is not None:
            break
    meals = []
    for s in slots:
        items = [_item(f, int(x[i])) for i, (slot, f) in enumerate(cands) if slot == s and x is not None and x[i] > 0]
        meals.append({"slot": s, "label": _bi(*SLOT_LABEL[s]), "items": items,
                      "kcal": round(sum(it["kcal"] for it in items), 1)})
    totals = day_totals(meals)
    errors = macro_errors_pct(totals, targets) if x is not None else {k: -100.0 for k in NUTRIENTS}
    relaxed = list(LEVELS[level]["relaxed"]) if x is not None else ["best_effort"]
    note = None
    if relaxed:
        note = _bi("Relaxed to fit your food choices: " + ", ".join(_RELAXED_TEXT[r][0] for r in relaxed) + ".",
                   "为适应你的食物选择已放宽：" + "、".join(_RELAXED_TEXT[r][1] for r in relaxed) + "。")
    return {"day": day_index, "meals": meals, "totals": totals, "error_pct": errors,
            "within_tolerance": all(abs(e) <= 100 * TOLERANCE for e in errors.values()),
            "distinct_foods": len({it["food_id"] for m in meals for it in m["items"]}),
            "relaxed": relaxed, "relaxed_note": note,
            "solver": {"level": level, "candidates": len(cands), "message": str(message)}}


def plan_meals_week(targets: dict, profile: NutritionProfile | dict, kb, days: int = 7) -> list[dict]:
    """Seven days in a row, each food on at most 3 days (strict level)."""
    used: dict[str, int] = {}
    week = []
    for d in range(days):
        day = plan_meals_day(targets, profile, kb, d, used)
        for fid in {it["food_id"] for m in day["meals"] for it in m["items"]}:
            used[fid] = used.get(fid, 0) + 1
        week.append(day)
    return week


def grocery_list(week: list[dict], kb) -> list[dict]:
    """Grams of each food for the week, by food group, rounded up to 10 g."""
    grams: dict[str, float] = {}
    for day in week:
        for m in day["meals"]:
            for it in m["items"]:
                grams[it["food_id"]] = grams.get(it["food_id"], 0) + it["grams"]
    rows = []
    for fid, g in grams.items():
        f = kb.foods[fid]
        rows.append({"food_id": fid, "name": f.name.to_dict(), "category": f.category,
                     "category_label": {"en": kb.label("food_categories", f.category, "en"),
                                        "zh": kb.label("food_categories", f.category, "zh")},
                     "grams": int(math.ceil(g / 10) * 10), "portions": round(g / f.portion_g, 1)})
    return sorted(rows, key=lambda r: (r["category"], r["food_id"]))


def fit_protein_to_foods(targets: dict, profile: NutritionProfile, kb) -> dict:
    """Lower a protein target the allowed foods cannot supply (e.g. vegan with a soy allergy), explained.

    One LP over (meal slot, food) grams - up to 2 portions each, each meal near its energy share, a plausible
    day's food mass - maximises protein at the calorie and fat targets. If the target is above 85% of that
    maximum (room for fruit, grains and variety), protein is set there and carbohydrate takes the energy back.
    """
    foods = allowed_foods(profile, kb)
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
    res = linprog(-np.array([f.protein_g for _, f in pairs]) / 100,
                  A_ub=np.vstack([per_g, -per_g, np.ones(len(pairs)), slot_rows, -slot_rows]),
                  b_ub=np.concatenate([[kcal * 1.02, fat * 1.04, -kcal * 0.98, -fat * 0.96, mass_g],
                                       kcal * shares * SLOT_SHARE_BAND[1], -kcal * shares * SLOT_SHARE_BAND[0]]),
                  bounds=[(0, 2 * f.portion_g) for _, f in pairs], method="highs")
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


def plan_nutrition(profile: NutritionProfile | dict, kb=None) -> dict:
    """Targets with explanation, a 7-day meal plan (day 1 is the one-day plan), grocery list, sources."""
    p = parse_nutrition_profile(profile)
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    targets = fit_protein_to_foods(nutrition_targets(p), p, kb)
    week = plan_meals_week(targets, p, kb)
    errors = [abs(e) for d in week for e in d["error_pct"].values()]
    referral = None
    if targets["deficit_blockers"]:
        referral = _bi("Please see a doctor or registered dietitian before changing your weight; this plan keeps "
                       "you at maintenance.", "改变体重前请先咨询医生或注册营养师；本计划保持维持热量。")
    notes = [d["relaxed_note"] for d in week if d["relaxed_note"]][:1]
    return {"kind": "nutrition_plan", "version": 1, "profile": p.to_dict(), "targets": targets,
            "explanation": targets["explanation"], "day_plan": week[0], "week_plan": week,
            "grocery_list": grocery_list(week, kb),
            "accuracy": {"mean_abs_error_pct": round(sum(errors) / len(errors), 2), "max_abs_error_pct": max(errors),
                         "days_within_tolerance": sum(d["within_tolerance"] for d in week)},
            "notes": notes, "referral": referral, "disclaimer": DISCLAIMER, "sources": SOURCES}


# --- validator ------------------------------------------------------------------------------------
NUTRITION_RULES = {
    "targets": _bi("BMR by Mifflin-St Jeor (Katch-McArdle with body fat), TDEE with the 1.2-1.9 multipliers.",
                   "基础代谢用 Mifflin-St Jeor（有体脂时用 Katch-McArdle），总消耗乘以 1.2-1.9 的活动系数。"),
    "energy": _bi("Never under 800 kcal; no deficit below 1200 (women) / 1500 (men) kcal without supervision.",
                  "任何情况下不低于 800 千卡；无医学监护时减重目标不低于 1200（女）/1500（男）千卡。"),
    "rate": _bi("Loss ≤ 1% body weight and ≤ 1 kg a week (deficit ≤ 1000 kcal); gain surplus ≤ 500 kcal.",
                "每周减重不超过体重的 1% 且不超过 1 公斤（缺口 ≤ 1000 千卡）；增重盈余 ≤ 500 千卡。"),
    "safety": _bi("Minors, pregnancy, eating-disorder signs, chronic disease or BMI < 18.5: no deficit, referral.",
                  "未成年、孕期、进食障碍迹象、慢性病或 BMI < 18.5：不安排热量缺口，并建议就医。"),
    "macros": _bi("Protein 10-35% and fat 20-35% of energy (AMDR); fibre ≥ 25 g; macros add up to the target.",
                  "蛋白质占能量 10-35%，脂肪 20-35%（AMDR）；膳食纤维 ≥ 25 克；三大营养素能量与目标一致。"),
    "accuracy": _bi("Each day's kcal, protein, fat and carbohydrate within 5% of target, or the day says it is not.",
                    "每天的热量、蛋白质、脂肪、碳水化合物在目标 5% 以内，否则当天会明确说明。"),
    "foods": _bi("Only foods of the diet type, without allergens or dislikes, in their meal slots, ≥ ½ portion.",
                 "只用符合饮食类型、不含过敏原和不喜欢的食物，放在合适的餐次，每样至少半份。"),
    "variety": _bi("≥ 12 foods a day and ≥ 25 a week, a food on ≤ 3 days, vegetables, fruit and grains daily "
                   "(中国居民膳食指南 2022), unless the day states what was relaxed.",
                   "每天 ≥ 12 种、每周 ≥ 25 种食物，同一食物不超过 3 天，每天有蔬菜、水果和谷薯（中国居民膳食指南 2022），"
                   "放宽时当天会说明。"),
    "meals": _bi("Each meal's energy near its share (breakfast 25-30%, lunch 30-40%, dinner 30-35%).",
                 "各餐能量接近推荐比例（早餐 25-30%、午餐 30-40%、晚餐 30-35%）。"),
    "grocery": _bi("The grocery list is the week's grams per food.", "购物清单为一周每种食物的克数。"),
    "meta": _bi("Plan carries an explanation, a disclaimer and sources in en/zh.", "计划包含中英文说明、免责声明和来源。"),
}


def validate_nutrition_plan(plan: dict, profile: NutritionProfile | dict, kb=None) -> list[str]:
    """Every rule in NUTRITION_RULES the plan breaks, as '[rule] detail' strings; [] means valid."""
    problems: list[str] = []
    bad = lambda rule, msg: problems.append(f"[{rule}] {msg}")  # noqa: E731
    p = parse_nutrition_profile(profile)
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    try:
        _check_targets(plan["targets"], p, bad)
        _check_days(plan, p, kb, bad)
    except (KeyError, TypeError, IndexError, ValueError, AttributeError, ZeroDivisionError) as exc:
        bad("meta", f"malformed plan: {type(exc).__name__}: {exc}")
    return problems


def validate_nutrition_targets(targets: dict, profile: NutritionProfile | dict) -> list[str]:
    """The energy, rate, safety and macro rules alone (no meal plan needed): fast enough for any volume."""
    problems: list[str] = []
    _check_targets(targets, parse_nutrition_profile(profile), lambda rule, msg: problems.append(f"[{rule}] {msg}"))
    return problems


def _check_targets(t: dict, p: NutritionProfile, bad) -> None:
    msj = 10 * p.weight_kg + 6.25 * p.height_cm - 5 * p.age + (5 if p.sex == "male" else -161)
    bmr = 370 + 21.6 * p.weight_kg * (1 - p.body_fat_pct / 100) if p.body_fat_pct is not None else msj
    if abs(t["bmr_kcal"] - bmr) > 0.1 or abs(t["tdee_kcal"] - bmr * ACTIVITY_FACTOR[p.activity]) > 0.2:
        bad("targets", f"BMR {t['bmr_kcal']} / TDEE {t['tdee_kcal']} do not follow the formula")
    kcal, tdee = t["kcal"], t["tdee_kcal"]
    floor = ABSOLUTE_FLOOR_KCAL if p.supervised else FLOOR_KCAL[p.sex]
    if kcal < ABSOLUTE_FLOOR_KCAL or (kcal < tdee - 5 and kcal < floor):
        bad("energy", f"target {kcal} kcal below the floor ({floor}; absolute {ABSOLUTE_FLOOR_KCAL})")
    deficit, surplus = max(0.0, tdee - kcal), max(0.0, kcal - tdee)
    cap_kg = min(LOSS_KG_WEEK[1], LOSS_MAX_BW_FRACTION * p.weight_kg)
    if deficit > min(DEFICIT_MAX_KCAL, cap_kg * KCAL_PER_KG / 7) + 5:
        bad("rate", f"deficit {deficit:.0f} kcal/day exceeds 1% body weight / 1 kg a week")
    if surplus > SURPLUS_MAX_KCAL + 5 and kcal > ABSOLUTE_FLOOR_KCAL:
        bad("rate", f"surplus {surplus:.0f} kcal/day > {SURPLUS_MAX_KCAL}")
    if p.goal != "lose" and deficit > 5:
        bad("rate", f"deficit planned for goal {p.goal}")
    blockers = deficit_blockers(p)
    if blockers and deficit > 5:
        bad("safety", f"deficit planned despite {blockers}")
    if (p.pregnant or p.breastfeeding or p.eating_disorder) and surplus > 5 and kcal > ABSOLUTE_FLOOR_KCAL:
        bad("safety", "surplus planned in pregnancy or with eating-disorder signs")
    prot, fat, carb = t["protein_g"], t["fat_g"], t["carb_g"]
    if not AMDR["protein"][0] - 0.01 <= 4 * prot / kcal <= AMDR["protein"][1] + 0.01:
        bad("macros", f"protein {4 * prot / kcal:.0%} of energy outside 10-35%")
    if not AMDR["fat"][0] - 0.01 <= 9 * fat / kcal <= AMDR["fat"][1] + 0.01:
        bad("macros", f"fat {9 * fat / kcal:.0%} of energy outside 20-35%")
    if abs(4 * prot + 9 * fat + 4 * carb - _fiber_correction_kcal(t["fiber_g"], kcal) - kcal) > 0.01 * kcal or \
            abs(4 * prot + 9 * fat + 4 * carb - kcal) > TOLERANCE * kcal:
        bad("macros", "macro energy does not add up to the target")
    if t["fiber_g"] < FIBER_MIN_G or t["water_ml"] < 1500:
        bad("macros", f"fibre {t['fiber_g']} g / water {t['water_ml']} ml too low")


def _check_days(plan: dict, p: NutritionProfile, kb, bad) -> None:
    t = plan["targets"]
    week = plan["week_plan"]
    if len(week) != 7 or plan["day_plan"] != week[0]:
        bad("meta", "expected 7 days with day 1 as the one-day plan")
    slots = SLOTS[p.meals_per_day]
    allowed = {f.id for f in allowed_foods(p, kb)}
    days_used: dict[str, int] = {}
    relaxed_any: set[str] = set()
    grams: dict[str, float] = {}
    for day in week:
        relaxed = set(day["relaxed"])
        relaxed_any |= relaxed
        d = day["day"] + 1
        if [m["slot"] for m in day["meals"]] != list(slots):
            bad("meals", f"day {d}: slots {[m['slot'] for m in day['meals']]} != {list(slots)}")
        ids = [it["food_id"] for m in day["meals"] for it in m["items"]]
        before = dict(days_used)
        if len(ids) != len(set(ids)):
            bad("variety", f"day {d}: a food appears in two meals")
        for fid in set(ids):
            days_used[fid] = days_used.get(fid, 0) + 1
        for m in day["meals"]:
            for it in m["items"]:
                f = kb.foods.get(it["food_id"])
                if f is None or f.id not in allowed:
                    bad("foods", f"day {d}: {it['food_id']} is not allowed (diet, allergen, dislike or unsuitable)")
                    continue
                if p.diet != "omnivore" and p.diet not in f.diet_tags or set(f.allergens) & set(p.allergies):
                    bad("foods", f"day {d}: {f.id} breaks diet {p.diet} or allergies {p.allergies}")
                if _kb_slot(m["slot"]) not in f.meal_slots:
                    bad("foods", f"day {d}: {f.id} is not a {m['slot']} food")
                steps = it["grams"] / (f.portion_g / STEPS_PER_PORTION)
                top = _units(f, t["kcal"])[1]
                if abs(steps - round(steps)) > 0.02 or not MIN_STEPS <= round(steps) <= top:
                    bad("foods", f"day {d}: {f.id} {it['grams']} g is not {MIN_STEPS}-{top} quarter portions")
                for k in (*NUTRIENTS, "fiber_g"):
                    if abs(it[k] - getattr(f, k) * it["grams"] / 100) > 0.01:
                        bad("foods", f"day {d}: {f.id} {k} does not match the food table")
                grams[f.id] = grams.get(f.id, 0) + it["grams"]
        totals = day_totals(day["meals"])
        if any(abs(totals[k] - day["totals"][k]) > 0.15 for k in totals):
            bad("accuracy", f"day {d}: totals do not match the items")
        errors = {k: 100 * (totals[k] - t[k]) / t[k] for k in NUTRIENTS}
        within = all(abs(e) <= 100 * TOLERANCE + 1e-6 for e in errors.values())
        honest = day["within_tolerance"] == within and (within or (day["relaxed_note"] and
                                                                   {"tolerance_10pct", "best_effort"} & relaxed))
        if not honest:
            bad("accuracy", f"day {d}: errors {({k: round(v, 1) for k, v in errors.items()})} not within 5% "
                            "and not reported")
        if not within:
            continue
        if len(set(ids)) < MIN_FOODS_PER_DAY and "diversity" not in relaxed:
            bad("variety", f"day {d}: {len(set(ids))} foods < {MIN_FOODS_PER_DAY}")
        if "fiber" not in relaxed and totals["fiber_g"] < t["fiber_min_g"] - 0.5:
            bad("macros", f"day {d}: fibre {totals['fiber_g']} g < {t['fiber_min_g']}")
        if "food_groups" not in relaxed:
            for cats in (("vegetable",), ("fruit",), ("grain", "tuber")):
                day_slots = {_kb_slot(s) for s in slots}
                possible = any(kb.foods[fid].category in cats and day_slots & set(kb.foods[fid].meal_slots)
                               and before.get(fid, 0) < MAX_DAYS_PER_FOOD for fid in allowed)
                if possible and not any(kb.foods[fid].category in cats for fid in ids if fid in kb.foods):
                    bad("variety", f"day {d}: no {'/'.join(cats)}")
        shares = np.array([SLOT_SHARE[_kb_slot(s)] for s in slots])
        for m, share in zip(day["meals"], shares / shares.sum()):
            mk = sum(it["kcal"] for it in m["items"])
            if not t["kcal"] * share * SLOT_SHARE_BAND[0] - 1 <= mk <= t["kcal"] * share * SLOT_SHARE_BAND[1] + 1:
                bad("meals", f"day {d}: {m['slot']} {mk:.0f} kcal far from its {share:.0%} share")
    if "repeats" not in relaxed_any and any(n > MAX_DAYS_PER_FOOD for n in days_used.values()):
        bad("variety", f"foods on more than {MAX_DAYS_PER_FOOD} days: "
                       f"{[f for f, n in days_used.items() if n > MAX_DAYS_PER_FOOD]}")
    if "diversity" not in relaxed_any and len(days_used) < MIN_FOODS_PER_WEEK:
        bad("variety", f"{len(days_used)} foods in the week < {MIN_FOODS_PER_WEEK}")
    listed = {r["food_id"]: r["grams"] for r in plan["grocery_list"]}
    if listed != {fid: int(math.ceil(g / 10) * 10) for fid, g in grams.items()}:
        bad("grocery", "grocery list does not match the week")
    if plan["targets"]["deficit_blockers"] and not plan.get("referral"):
        bad("safety", "no referral although a deficit was blocked")
    for key in ("disclaimer",):
        if not (plan[key].get("en") and plan[key].get("zh")):
            bad("meta", f"missing bilingual {key}")
    if not plan["sources"] or not all(line.get("en") and line.get("zh") for line in plan["explanation"]):
        bad("meta", "missing sources or bilingual explanation")


def summarize_nutrition(plan: dict, lang: str = "en") -> dict:
    """A short view for a chat reply: targets, why, and day 1's meals (the full plan is for UI/exports/API)."""
    pick = (lambda d: d.get(lang) or d.get("en")) if lang in ("en", "zh") else (lambda d: d["en"])
    t = plan["targets"]
    return {"kcal": t["kcal"], "protein_g": t["protein_g"], "fat_g": t["fat_g"], "carb_g": t["carb_g"],
            "fiber_g": t["fiber_g"], "water_ml": t["water_ml"], "why": [pick(line) for line in plan["explanation"]],
            "day_1": {pick(m["label"]): [f"{pick(it['name'])} {it['grams']:g} g" for it in m["items"]]
                      for m in plan["day_plan"]["meals"]},
            "referral": pick(plan["referral"]) if plan["referral"] else None, "disclaimer": pick(plan["disclaimer"])}


# --- lagent adapter ----------------------------------------------------------------------------------
try:  # the agent layer is optional for the domain functions above
    from lagent.actions import BaseAction, tool_api
except ImportError:  # pragma: no cover
    BaseAction = None

if BaseAction is not None:
    class NutritionPlanner(BaseAction):
        """Daily calories and macros from body data and a goal, with a meal plan from the food table."""

        def __init__(self, kb=None, **kwargs):
            super().__init__(**kwargs)
            self._kb = kb

        @tool_api
        def run(self, sex: str, age: int, height_cm: float, weight_kg: float, goal: str = "maintain",
                activity: str = "sedentary", diet: str = "omnivore", allergies: str = "", meals_per_day: int = 3,
                lang: str = "en") -> dict:
            """Work out calorie and macro targets and a meal plan.

            Args:
                sex (str): male or female (男/女 accepted)
                age (int): age in years, 13-100
                height_cm (float): height in cm, 100-250
                weight_kg (float): body weight in kg, 25-350
                goal (str): lose, maintain or gain (减脂/增肌 accepted)
                activity (str): sedentary, light, moderate, active or very_active
                diet (str): omnivore, vegetarian, vegan, pescatarian or halal
                allergies (str): comma-separated allergens, e.g. "peanut, shellfish"; empty if none
                meals_per_day (int): meals a day, 2-6
                lang (str): "en" or "zh", the language of the reply
            """
            from tools.profiles import ProfileError

            profile = {"sex": sex, "age": age, "height_cm": height_cm, "weight_kg": weight_kg, "goal": goal,
                       "activity": activity, "diet": diet, "allergies": allergies or None,
                       "meals_per_day": meals_per_day}
            try:
                return summarize_nutrition(plan_nutrition(profile, self._kb), lang)
            except ProfileError as err:
                return err.to_action_return()
