"""The Lagent adapter: NutritionPlanner wraps plan_nutrition for the ReAct agent."""
from __future__ import annotations

from .plan import plan_nutrition, summarize_nutrition


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
