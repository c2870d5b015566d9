"""The planners' inputs from a remembered profile, and the saved plan's parts a message names."""
from __future__ import annotations

import re

TRAINING_NEEDS = ("goal", "days_per_week", "minutes_per_session", "place")
TRAINING_DEFAULTS = {"goal": "general_health", "days_per_week": 3, "minutes_per_session": 45, "place": "gym"}
NUTRITION_NEEDS = ("sex", "age", "height_cm", "weight_kg")
NUTRITION_GOAL = {"fat_loss": "lose", "hypertrophy": "gain"}


_SLOTS = (("breakfast", r"breakfast|早餐|早饭"), ("lunch", r"lunch|午餐|午饭|中饭"), ("dinner", r"dinner|supper|晚餐|晚饭"),
          ("snack", r"snack|加餐|零食"))


def _meal_slot(text: str, plan: dict | None) -> str | None:
    """The saved plan's meal the message names ("swap breakfast", "晚饭换一个"), or None."""
    slots = [m["slot"] for m in ((plan or {}).get("week_plan") or [{}])[0].get("meals", [])]
    for name, pat in _SLOTS:
        if re.search(pat, text, re.I):
            return next((s for s in slots if s.startswith(name)), None)
    return None


_FOOD_WORDS = {"eggs": "egg", "鸡蛋": "egg", "蛋": "egg", "牛奶": "milk", "奶": "milk", "milk": "milk", "鸡肉": "chicken",
               "猪肉": "pork", "牛肉": "beef", "鱼": "fish", "豆腐": "tofu", "米饭": "rice", "花生": "peanut"}


def _planner_profile(profile: dict) -> dict:
    """The training planner's inputs from the remembered profile (adult assumed when no age)."""
    keep = ("age", "days_per_week", "minutes_per_session", "goal", "experience", "place", "equipment", "limitations",
            "sex", "pregnant", "acute_symptoms", "avoid_exercises")
    args = {**TRAINING_DEFAULTS, "age": 30, **{k: v for k, v in profile.items() if k in keep}}
    if profile.get("pregnancy_week"):
        args["pregnant"] = True
    if args.get("equipment") and "place" not in profile:
        args["place"] = "home"
    for key in ("days_per_week", "minutes_per_session", "age"):
        args[key] = int(args[key])
    return args


def _nutrition_args(profile: dict) -> dict:
    args = {k: v for k, v in profile.items() if k in ("sex", "age", "height_cm", "weight_kg", "body_fat_pct", "diet",
                                                    "allergies", "cuisine", "activity", "breastfeeding", "dislikes",
                                                    "pregnancy_week", "postpartum_weeks", "target_weight_kg")}
    direction = profile.get("weight_direction")
    args["goal"] = direction if direction in ("lose", "gain") else NUTRITION_GOAL.get(
        profile.get("nutrition_goal") or profile.get("goal"), "maintain")
    if profile.get("pregnant") or profile.get("pregnancy_week"):
        args["pregnant"] = True
    if args.get("pregnant") or args.get("breastfeeding") or float(args.get("age", 30)) < 18:
        args["goal"] = "maintain"   # no deficit in pregnancy, lactation or while growing (SCIENCE.md)
    return args


def _profile_error(exc, lang: str) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return "\n".join(f"- {field}: {msg.get(lang, msg.get('en'))}" for field, msg in errors.items())
    return str(exc)
