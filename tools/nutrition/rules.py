"""Numbers a plan must respect, each naming its SCIENCE.md row, and the solver's knobs."""
from __future__ import annotations

ACTIVITY_FACTOR = {"sedentary": 1.2, "light": 1.375, "moderate": 1.55, "active": 1.725, "very_active": 1.9}
KCAL_PER_KG = 7700            # energy in 1 kg of body-weight change (≈3500 kcal/lb)
LOSS_KG_WEEK = (0.5, 1.0)     # SCIENCE.md "Loss 0.5-1 kg/week (China)"; default is the low end
LOSS_MAX_BW_FRACTION = 0.01   # and at most 1% of body weight per week
DEFICIT_MAX_KCAL = 1000       # SCIENCE.md "from a 500-1000 kcal/day deficit"
GAIN_KG_WEEK = (0.25, 0.5)    # default / cap for a lean gain (surplus ≈ 275-550 kcal/day)
SURPLUS_MAX_KCAL = 500
PREGNANCY_EXTRA_KCAL = {1: 0, 2: 340, 3: 452}   # SCIENCE.md "Energy in pregnancy and lactation" (IOM 2005 EER)
LACTATION_EXTRA_KCAL = ((26, 330), (104, 400))  # +330 kcal/day 0-6 months postpartum, +400 for 7-12 (IOM 2005)
PREGNANCY_PROTEIN_G_PER_KG = 1.1                # IOM pregnancy/lactation RDA
TARGET_WEIGHT_RATE_BW = (0.005, 0.01)           # target weight: lose/gain 0.5-1% of body weight a week
TRAINING_DAY_SHIFT = 0.08                       # training days +8% energy (as carbohydrate), rest days less,
                                                # same weekly energy (periodised intake, ISSN 2017)
FLOOR_KCAL = {"female": 1200, "male": 1500}  # SCIENCE.md: no unsupervised target below these
ABSOLUTE_FLOOR_KCAL = 800                    # SCIENCE.md: never under 800
AMDR = {"protein": (0.10, 0.35), "fat": (0.20, 0.35), "carb": (0.45, 0.65)}  # SCIENCE.md "AMDR (IOM)"
FIBER_MIN_G = 25              # SCIENCE.md "Fibre at least 25 g/day"
FIBER_PER_1000_KCAL = 14      # IOM adequate intake, used when it asks for more than 25 g
WATER_BASE_ML = {"female": 1500, "male": 1700}  # 中国居民膳食指南 2022 drinking water
WATER_ACTIVITY_ML = {"sedentary": 0, "light": 250, "moderate": 500, "active": 750, "very_active": 1000}
PROTEIN_REF_BMI = 30          # protein g/kg uses weight capped at BMI 30 (ISSN ranges are for lean athletes)
TOLERANCE = 0.05              # SCIENCE.md: plan within 5% of its targets
PROTEIN_REACH = 0.75          # share of the food table's maximum protein a varied day can still reach
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
SOLVER_TIME_LIMIT_S = 0.04    # per MILP solve: it usually stops at its first feasible point in ~10 ms; a
TRIES_PER_LEVEL = 6           # slow one is cut off and the day re-sampled with another seed (bench meals:
                              # 0.04 s x 6 tries gave the lowest p95 day solve, 0.15 s x 3 was 1.8x slower)
INFEASIBLE_TRIES_PER_LEVEL = 2  # samples HiGHS proves infeasible before the next (wider) level is tried
ROUNDING_MARGIN = 0.35        # continuous stage 1 aims inside 65% of each tolerance band, leaving room to round
SLOT_SHARE = {"breakfast": 0.28, "lunch": 0.37, "dinner": 0.33, "snack": 0.10}  # China: 25-30/30-40/30-35 %
MAX_SUPPLEMENTS_PER_DAY = 1   # protein powder / shake at most once a day (rubric rule_protein_sources)
SLOT_SHARE_BAND = (0.6, 1.4)  # each slot's kcal within this multiple of its share
MEAL_MASS_G = (700, 0.5)      # a meal weighs at most 700 g + 0.5 g per kcal it brings (read-through: a 1450 g
                              # breakfast of 500 g congee, 400 g soy milk, 300 g pumpkin and a guava)
SLOTS = {2: ("lunch", "dinner"), 3: ("breakfast", "lunch", "dinner"),
         4: ("breakfast", "lunch", "snack_pm", "dinner"), 5: ("breakfast", "snack_am", "lunch", "snack_pm", "dinner"),
         6: ("breakfast", "snack_am", "lunch", "snack_pm", "dinner", "snack_eve")}
ITEMS_PER_SLOT = {"breakfast": (2, 4), "lunch": (3, 5), "dinner": (3, 5), "snack": (1, 2)}
NUTRIENTS = ("kcal", "protein_g", "fat_g", "carb_g")
PLANNING_EXCLUDED = {"condiment", "oil_fat"}  # seasonings and cooking fat are inside dishes, not portions
FOOD_GROUPS_DAILY = ("vegetable", "fruit", "grain", "tuber")
VEG_G = (300, 500)            # SCIENCE.md "Food quality": vegetables 300-500 g a day (中国居民膳食指南 2022)
FRUIT_G = (200, 350)          # fruit 200-350 g a day
SODIUM_MAX_MG = 2000          # WHO: sodium under 2000 mg a day (salt under 5 g)
SAT_FAT_MAX_SHARE = 0.10      # WHO: saturated fat under 10% of energy
ADDED_SUGAR_MAX_G = 50        # 中国居民膳食指南 2022: added sugar at most 50 g (ideally under 25 g)
PLAN_ROLES = {"staple", "protein", "vegetable", "fruit", "dairy", "nuts", "soup", "mixed", "supplement"}
MENU_PER_ROLE = {"staple": 4, "protein": 6, "vegetable": 5, "fruit": 4, "dairy": 3, "nuts": 2, "soup": 2,
                 "mixed": 3, "supplement": 1}   # candidates sampled per role and meal (seeded): small, fast MILPs
