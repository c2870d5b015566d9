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
                 "day_rules": ("vegetable, fruit and sodium ranges widened", "蔬菜、水果和钠的范围已放宽"),
                 "tolerance_10pct": ("targets only within 10%", "仅在目标 10% 以内"),
                 "best_effort": ("targets not reachable with your food choices", "以你的食物选择无法达到目标")}


# grocery aisles by food category (the shopper's walk through a supermarket / 菜市场)
AISLES = {"vegetable": ("Vegetables", "蔬菜"), "fruit": ("Fruit", "水果"), "meat": ("Meat", "肉类"),
          "poultry": ("Poultry", "禽肉"), "seafood": ("Fish & seafood", "水产"), "egg": ("Eggs", "蛋类"),
          "dairy": ("Dairy", "奶制品"), "soy_legume": ("Tofu & beans", "豆制品和豆类"),
          "grain": ("Rice, flour & noodles", "米面粮油"), "tuber": ("Potatoes & tubers", "薯类"),
          "nut_seed": ("Nuts & seeds", "坚果"), "beverage": ("Drinks", "饮品"), "snack": ("Snacks", "零食"),
          "dish": ("Ready meals & deli", "熟食与成品菜"), "condiment": ("Condiments", "调味品"),
          "oil_fat": ("Oils", "食用油")}


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
    "foods": _bi("Only foods of the diet type, without allergens or dislikes.",
                 "只用符合饮食类型、不含过敏原和不喜欢的食物。"),
    "variety": _bi("A food on at most 3 days of the week and in one meal a day, unless the day says so.",
                   "同一食物每周不超过 3 天、每天只出现在一餐，放宽时当天会说明。"),
    "meals": _bi("Real meals: 主食 + 1-2 protein dishes + a vegetable dish at lunch and dinner (or a one-bowl meal "
                 "with vegetables), breakfast with egg/milk/soy milk, snacks of fruit, dairy or nuts; at most two "
                 "protein-dense foods and two of one category per meal; realistic portions in whole units; the "
                 "plan's cuisine only.",
                 "真实的餐食：午晚餐为主食 + 1-2 个荤素菜 + 至少一个蔬菜（或一碗式主食配蔬菜），早餐有鸡蛋/牛奶/豆浆，"
                 "加餐为水果、奶类或坚果；每餐最多两种高蛋白食物、同类食物不超过两样；份量合理、按整个计；只用所选菜系。"),
    "day_rules": _bi("Vegetables 300-500 g, fruit 200-350 g, fibre ≥ 25 g, sodium ≤ 2000 mg, saturated fat ≤ 10% "
                     "of energy, added sugar ≤ 50 g, each meal near its energy share (中国居民膳食指南 2022, WHO), "
                     "unless the day states what was widened.",
                     "蔬菜 300-500 克、水果 200-350 克、膳食纤维 ≥ 25 克、钠 ≤ 2000 毫克、饱和脂肪 ≤ 能量的 10%、"
                     "添加糖 ≤ 50 克、各餐能量接近推荐比例（中国居民膳食指南 2022、WHO），放宽时当天会说明。"),
    "grocery": _bi("The grocery list merges the week by food, grouped by aisle.", "购物清单合并一周用量，按货架分组。"),
    "meta": _bi("Plan carries an explanation, a disclaimer and sources in en/zh.", "计划包含中英文说明、免责声明和来源。"),
}
