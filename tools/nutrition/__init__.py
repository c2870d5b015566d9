"""Nutrition: energy and macro targets, structured meal plans optimised over the food table (scipy milp),
swaps and grocery lists, and the validator that states the rules. Numbers come from SCIENCE.md.

Modules: rules (numbers), text (bilingual strings), targets, foods, solve (the MILP), meals, protein,
plan (the plan document), check (validator); the agent's tool is agent/toolbox.py.
"""
from .check import validate_nutrition_plan, validate_nutrition_targets
from .foods import allowed_foods, plannable
from .meals import day_totals, grocery_list, macro_errors_pct, plan_meals_day, plan_meals_week
from .plan import plan_nutrition, summarize_nutrition
from .protein import fit_protein_to_foods
from .safety import UnsafeNutritionRequest, safe_kcal_range
from .rules import ABSOLUTE_FLOOR_KCAL, ACTIVITY_FACTOR, AMDR, FIBER_MIN_G, FLOOR_KCAL, SLOTS, TOLERANCE
from .swaps import PlanMismatch, find_food, plan_to_change, remove_ingredient, swap_meal
from .targets import (bmr_harris_benedict, bmr_katch_mcardle, bmr_mifflin_st_jeor, deficit_blockers, energy_targets,
                      fiber_target_g, macro_targets, nutrition_targets, tdee_kcal)
from .text import DISCLAIMER, NUTRITION_RULES, SOURCES

__all__ = ["ABSOLUTE_FLOOR_KCAL", "ACTIVITY_FACTOR", "AMDR", "DISCLAIMER", "FIBER_MIN_G", "FLOOR_KCAL",
           "NUTRITION_RULES", "PlanMismatch", "SLOTS", "SOURCES", "TOLERANCE",
           "UnsafeNutritionRequest", "allowed_foods", "bmr_harris_benedict", "bmr_katch_mcardle",
           "bmr_mifflin_st_jeor", "day_totals", "deficit_blockers", "energy_targets", "fiber_target_g", "find_food",
           "fit_protein_to_foods", "grocery_list", "macro_errors_pct", "macro_targets", "nutrition_targets",
           "plan_meals_day", "plan_meals_week", "plan_nutrition", "plan_to_change", "plannable", "remove_ingredient",
           "safe_kcal_range", "summarize_nutrition", "swap_meal", "tdee_kcal", "validate_nutrition_plan",
           "validate_nutrition_targets"]
