"""Bilingual strings the plans show: slot labels, disclaimer, sources, blocker/relaxation reasons, rules."""
from __future__ import annotations

from .rules import AMDR


ACTIVITY_ZH = {"sedentary": "久坐", "light": "轻度活动", "moderate": "中度活动", "active": "高度活动",
               "very_active": "非常活跃"}
SLOT_LABEL = {"breakfast": ("Breakfast", "早餐"), "lunch": ("Lunch", "午餐"), "dinner": ("Dinner", "晚餐"),
              "snack_am": ("Morning snack", "上午加餐"), "snack_pm": ("Afternoon snack", "下午加餐"),
              "snack_eve": ("Evening snack", "晚间加餐")}

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


_BLOCKER_TEXT = {"minor": ("under 18", "未满 18 岁"), "pregnancy": ("pregnancy or breastfeeding", "怀孕或哺乳期"),
                 "eating_disorder": ("eating-disorder history or signs", "进食障碍史或迹象"),
                 "chronic_disease": ("a chronic disease", "慢性疾病"), "underweight": ("BMI under 18.5", "BMI 低于 18.5")}


_RELAXED_TEXT = {"diversity": ("fewer than 12 different foods", "少于 12 种食物"),
                 "food_groups": ("not every food group", "未覆盖所有食物类别"),
                 "repeats": ("foods repeated on more days", "部分食物重复天数较多"),
                 "fiber": ("fibre below 25 g", "膳食纤维低于 25 克"),
                 "tolerance_10pct": ("targets only within 10%", "仅在目标 10% 以内"),
                 "best_effort": ("targets not reachable with your food choices", "以你的食物选择无法达到目标")}


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
