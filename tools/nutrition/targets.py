"""Energy (BMR, TDEE, goal change, floors) and macro, fibre and water targets from a NutritionProfile."""
from __future__ import annotations

from tools.profiles import NutritionProfile, parse_nutrition_profile
from .rules import (PREGNANCY_EXTRA_KCAL, LACTATION_EXTRA_KCAL, PREGNANCY_PROTEIN_G_PER_KG, TARGET_WEIGHT_RATE_BW, TRAINING_DAY_SHIFT,
                    ABSOLUTE_FLOOR_KCAL, ACTIVITY_FACTOR, AMDR, DEFICIT_MAX_KCAL, FIBER_MIN_G, FIBER_PER_1000_KCAL,
                    FLOOR_KCAL, GAIN_KG_WEEK, KCAL_PER_KG, LOSS_KG_WEEK, LOSS_MAX_BW_FRACTION, PROTEIN_REF_BMI,
                    SURPLUS_MAX_KCAL, WATER_ACTIVITY_ML, WATER_BASE_ML)
from .safety import check_requested_kcal
from .text import ACTIVITY_ZH, _BLOCKER_TEXT, _bi


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
    extra, extra_line = _pregnancy_extra(p)
    if blockers and (goal == "lose" or {"pregnancy", "eating_disorder"} & set(blockers)):
        en = ", ".join(_BLOCKER_TEXT[b][0] for b in blockers)
        zh = "、".join(_BLOCKER_TEXT[b][1] for b in blockers)
        what = ("no calorie deficit is planned", "不安排热量缺口") if extra or "pregnancy" in blockers else \
            ("no calorie deficit or surplus is planned: the target is maintenance",
             "不安排热量缺口或盈余：目标为维持体重")
        lines.append(_bi(f"Because of {en}, {what[0]}; please see a doctor or registered dietitian.",
                         f"由于{zh}，{what[1]}；请咨询医生或注册营养师。"))
        goal = "maintain"
    if extra_line:
        lines.append(extra_line)
    if goal == "lose":
        cap = min(LOSS_KG_WEEK[1], LOSS_MAX_BW_FRACTION * p.weight_kg)
        asked = p.rate_kg_per_week or _target_weight_rate(p) or LOSS_KG_WEEK[0]
        rate = min(asked, cap)
        change = -min(rate * KCAL_PER_KG / 7, DEFICIT_MAX_KCAL)
        lines.append(_bi(f"Losing {rate:.2f} kg/week needs a {-change:.0f} kcal/day deficit ({KCAL_PER_KG} kcal per kg)"
                         + (f"; your {asked:g} kg/week was capped at 1% of body weight and 1 kg/week."
                            if asked > cap else "."),
                         f"每周减 {rate:.2f} 公斤需要每天 {-change:.0f} 千卡缺口（每公斤约 {KCAL_PER_KG} 千卡）"
                         + (f"；你要求的每周 {asked:g} 公斤已按体重 1% 和每周 1 公斤封顶。" if asked > cap else "。")))
    elif goal == "gain":
        cap = GAIN_KG_WEEK[1] / (2 if p.is_minor else 1)
        asked = p.rate_kg_per_week or min(_target_weight_rate(p) or GAIN_KG_WEEK[0], GAIN_KG_WEEK[1])
        rate = min(asked, cap)
        change = min(rate * KCAL_PER_KG / 7, SURPLUS_MAX_KCAL)
        lines.append(_bi(f"Gaining {rate:.2f} kg/week needs a {change:.0f} kcal/day surplus; lifting makes it muscle.",
                         f"每周增重 {rate:.2f} 公斤需要每天约 {change:.0f} 千卡盈余；配合力量训练以增加肌肉。"))
    if p.target_weight_kg is not None and rate:
        weeks = abs(p.weight_kg - p.target_weight_kg) / rate
        lines.append(_bi(f"From {p.weight_kg:g} kg to your target {p.target_weight_kg:g} kg takes about {weeks:.0f} "
                         "weeks at this safe rate.",
                         f"从 {p.weight_kg:g} 公斤到目标 {p.target_weight_kg:g} 公斤，按这个安全速度约需 {weeks:.0f} 周。"))
    target = tdee + change + extra
    asked = check_requested_kcal(p, tdee, extra, blockers)
    if asked is not None:
        target, change = asked[0], asked[0] - tdee - extra
        goal = "lose" if change < -5 else "gain" if change > 5 else "maintain"
        lines.append(asked[1])
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
    change = target - tdee - extra   # the part of the change that moves body weight
    rate_real = change * 7 / KCAL_PER_KG
    lines.append(_bi(f"Target {target:.0f} kcal/day ({change:+.0f} kcal vs TDEE, about {rate_real:+.2f} kg/week).",
                     f"目标每天 {target:.0f} 千卡（相对总消耗 {change:+.0f} 千卡，约每周 {rate_real:+.2f} 公斤）。"))
    return {"bmr_kcal": round(bmr, 1), "bmr_method": method,
            "bmr_by_formula": {"mifflin_st_jeor": round(msj, 2), "harris_benedict": round(hb, 3),
                               "katch_mcardle": None if km is None else round(km, 2)},
            "activity_factor": factor, "tdee_kcal": round(tdee, 1), "kcal": target,
            "energy_change_kcal": round(target - tdee), "rate_kg_per_week": round(rate_real, 3),
            "effective_goal": goal, "floor_kcal": floor, "deficit_blockers": blockers,
            "pregnancy_lactation_kcal": extra, "explanation": lines}


def _pregnancy_extra(p: NutritionProfile) -> tuple[int, dict | None]:
    """Extra energy for pregnancy by trimester or for lactation (IOM 2005 EER), with its line."""
    if p.pregnant:
        tri = p.trimester
        extra = PREGNANCY_EXTRA_KCAL[tri]
        week = f"week {p.pregnancy_week}, " if p.pregnancy_week else "week not given, planned as "
        week_zh = f"孕 {p.pregnancy_week} 周，" if p.pregnancy_week else "未给出孕周，按"
        return extra, _bi(f"Pregnancy ({week}trimester {tri}): +{extra} kcal/day (IOM 2005); protein 1.1 g/kg.",
                          f"孕期（{week_zh}孕{'早中晚'[tri - 1]}期）：每天 +{extra} 千卡（IOM 2005）；蛋白质每公斤 1.1 克。")
    if p.breastfeeding:
        weeks = p.postpartum_weeks or 0
        extra = next((kcal for upto, kcal in LACTATION_EXTRA_KCAL if weeks <= upto), 0)
        return extra, _bi(f"Breastfeeding ({weeks} weeks postpartum): +{extra} kcal/day (IOM 2005), no deficit.",
                          f"哺乳期（产后 {weeks} 周）：每天 +{extra} 千卡（IOM 2005），不安排热量缺口。")
    return 0, None


def _target_weight_rate(p: NutritionProfile) -> float | None:
    """kg/week toward a target weight: 0.5% of body weight a week, never over 1% (SCIENCE.md)."""
    if p.target_weight_kg is None:
        return None
    return round(TARGET_WEIGHT_RATE_BW[0] * p.weight_kg, 2)


def _protein_g_per_kg(p: NutritionProfile, goal: str) -> float:
    """ISSN 2017: 1.4-2.0 g/kg for exercisers, 2.3+ for trained people in a deficit; RDA 0.8 otherwise."""
    if p.chronic_disease:
        return 1.0   # kidney disease and others may need less: a clinician decides
    if p.pregnant or p.breastfeeding:
        return PREGNANCY_PROTEIN_G_PER_KG
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
    day_types, line = _day_types(p, energy["kcal"], macros["carb_g"], energy["floor_kcal"])
    if line:
        expl.append(line)
    return {**energy, **macros, "fiber_g": fiber_g, "fiber_min_g": FIBER_MIN_G, "water_ml": water_ml,
            "day_types": day_types, "explanation": expl}


def _day_types(p: NutritionProfile, kcal: float, carb_g: float, floor: float) -> tuple[dict | None, dict | None]:
    """Training-day and rest-day energy with the same weekly total: the difference is carbohydrate."""
    d = p.training_days
    if not d or d >= 7:
        return None, None
    up = round(kcal * TRAINING_DAY_SHIFT / 10) * 10
    down = round(up * d / (7 - d) / 10) * 10
    if kcal - down < floor and not (p.pregnant or p.breastfeeding or p.is_minor):
        return None, None
    types = {"training": {"kcal": kcal + up, "carb_g": round(carb_g + up / 4), "days": d},
             "rest": {"kcal": kcal - down, "carb_g": round(carb_g - down / 4), "days": 7 - d}}
    return types, _bi(f"Training days {kcal + up:.0f} kcal (+{up / 4:.0f} g carbohydrate), rest days {kcal - down:.0f} "
                      f"kcal: the same weekly energy with {d} training days.",
                      f"训练日 {kcal + up:.0f} 千卡（多 {up / 4:.0f} 克碳水化合物），休息日 {kcal - down:.0f} 千卡："
                      f"每周 {d} 个训练日，总能量不变。")
