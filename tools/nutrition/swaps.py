"""Change a plan after the fact: swap one meal, or remove a food from the whole week ("no eggs this week"),
re-solving what is affected so every day still meets its targets; the grocery list follows."""
from __future__ import annotations

from dataclasses import replace

from tools.profiles import NutritionProfile, ProfileError, parse_nutrition_profile
from .foods import knowledge_base
from .meals import grocery_list, plan_meals_day
from .safety import UnsafeNutritionRequest
from .text import _bi


def _week_counts(week: list[dict], skip: int | None = None) -> dict[str, int]:
    used: dict[str, int] = {}
    for d in week:
        if d["day"] != skip:
            for fid in {it["food_id"] for m in d["meals"] for it in m["items"]}:
                used[fid] = used.get(fid, 0) + 1
    return used


class PlanMismatch(ValueError):
    """A plan sent back for a change that is not a nutrition plan of this profile (malformed, edited targets,
    another person's plan); `message` says why in en and zh."""

    def __init__(self, message: dict):
        self.message = message
        super().__init__(message["en"])


def plan_to_change(plan: dict | None, profile: NutritionProfile | dict, kb=None) -> dict:
    """The plan a swap or removal applies to: `plan` if it is this profile's plan with the targets the profile
    gives (a client cannot smuggle in unsafe targets), else PlanMismatch; None means the profile's own plan.
    An unsafe requested_kcal means the refusal's nearest safe plan, as plan_nutrition offers it."""
    from .plan import plan_nutrition
    from .protein import fit_protein_to_foods
    from .targets import nutrition_targets

    kb = knowledge_base(kb)
    p = parse_nutrition_profile(profile)
    if plan is None:
        try:
            return plan_nutrition(p, kb)
        except UnsafeNutritionRequest as refusal:   # change the nearest safe plan; it carries the refusal
            return refusal.safe_plan
    try:
        week = plan["week_plan"]
        shaped = plan.get("kind") == "nutrition_plan" and len(week) == 7 and all(
            isinstance(it["food_id"], str) and it["food_id"] in kb.foods
            for d in week for m in d["meals"] for it in m["items"])
    except (KeyError, TypeError, AttributeError):
        shaped = False
    if not shaped:
        raise PlanMismatch(_bi("this is not a 7-day nutrition plan from this service (send the plan you got, or "
                               "none to change the profile's own plan)",
                               "这不是本服务生成的 7 天营养计划（请发送收到的计划，或不发送计划以修改按资料生成的计划）"))
    try:
        want = fit_protein_to_foods(nutrition_targets(p), p, kb)
    except UnsafeNutritionRequest as refusal:       # the plan sent back is the refusal's safe plan
        p = replace(p, requested_kcal=refusal.safe_kcal)
        want = fit_protein_to_foods(nutrition_targets(p), p, kb)
    if plan.get("profile") != p.to_dict() or any(plan["targets"].get(k) != want[k] for k in
                                                  ("kcal", "protein_g", "fat_g", "carb_g")):
        raise PlanMismatch(_bi("the plan's profile or targets do not match this profile",
                               "计划中的资料或目标与这份资料不一致"))
    return plan


def _with_week(plan: dict, week: list[dict], kb, note: dict) -> dict:
    return {**plan, "week_plan": week, "day_plan": week[0], "grocery_list": grocery_list(week, kb),
            "changes": [*plan.get("changes", []), note]}


def swap_meal(plan: dict, day: int, slot: str, profile: NutritionProfile | dict, kb=None) -> dict:
    """The plan with meal `slot` of day `day` (0-based, as in plan["week_plan"][i]["day"]) replaced by other
    dishes; the day's other meals stay and the new meal completes the day's targets. If no meal fits around
    them the whole day is re-solved without the old dishes."""
    kb = knowledge_base(kb)
    p = parse_nutrition_profile(profile)
    week = plan["week_plan"]
    if not 0 <= day < len(week) or slot not in [m["slot"] for m in week[day]["meals"]]:
        raise ProfileError({"slot": _bi(f"no meal {slot!r} on day {day} (days 0-{len(week) - 1}, meals "
                                        f"{[m['slot'] for m in week[0]['meals']]})",
                                        f"第 {day} 天没有餐次 {slot!r}（天数 0-{len(week) - 1}）")})
    old = week[day]
    banned = {it["food_id"] for m in old["meals"] if m["slot"] == slot for it in m["items"]}
    fixed = {m["slot"]: m["items"] for m in old["meals"] if m["slot"] != slot}
    used = _week_counts(week, skip=day)
    new = plan_meals_day(plan["targets"], p, kb, day, used, fixed=fixed, exclude=banned)
    if not new["within_tolerance"]:
        new = plan_meals_day(plan["targets"], p, kb, day, used, exclude=banned)
    week = [new if d["day"] == day else d for d in week]
    return _with_week(plan, week, kb, _bi(f"Day {day + 1}: {slot} swapped.", f"第 {day + 1} 天：已更换{slot}。"))


# "no eggs this week" means every food that contains egg: these words remove an allergen group
GROUP_WORDS = {"egg": ("egg", "eggs", "鸡蛋", "蛋"), "dairy": ("milk", "dairy", "牛奶", "奶"),
               "peanut": ("peanut", "peanuts", "花生"), "soy": ("soy", "tofu", "大豆", "豆腐"),
               "fish": ("fish", "鱼"), "shellfish": ("shellfish", "shrimp", "虾", "海鲜")}


def find_food(food: str, kb) -> str | None:
    """A food id from an id or an en/zh name (exact first, then the one name containing it)."""
    key = food.strip().lower()
    if key in kb.foods:
        return key
    exact = [f.id for f in kb.foods.values() if key in (f.name.en.lower(), f.name.zh)]
    if exact:
        return exact[0]
    partial = [f.id for f in kb.foods.values() if key and (key in f.name.en.lower() or key in f.name.zh)]
    return partial[0] if len(partial) == 1 else None


def remove_ingredient(plan: dict, food: str, profile: NutritionProfile | dict, kb=None) -> dict:
    """The plan without `food` (an id or en/zh name, e.g. "egg_boiled" or "鸡蛋"): every food whose id or
    name matches is dropped (鸡蛋 removes boiled, fried and steamed eggs) and each affected day re-solved."""
    kb = knowledge_base(kb)
    p = parse_nutrition_profile(profile)
    key = food.strip().lower()
    hit = find_food(food, kb)
    banned = {f.id for f in kb.foods.values() if key and (key in f.id or key in f.name.en.lower() or key in f.name.zh)}
    banned |= {hit} if hit else set()
    group = next((a for a, words in GROUP_WORDS.items() if key in words), None)
    if group:
        banned |= {f.id for f in kb.foods.values() if group in f.allergens}
    if not banned:
        raise ProfileError({"food": _bi(f"no food called {food!r} in the food table",
                                        f"食物表中没有“{food}”")})
    week = list(plan["week_plan"])
    for i, d in enumerate(week):
        if any(it["food_id"] in banned for m in d["meals"] for it in m["items"]):
            week[i] = plan_meals_day(plan["targets"], p, kb, d["day"], _week_counts(week, skip=d["day"]),
                                     exclude=banned)
    names = sorted(kb.foods[f].name.zh for f in banned)
    return {**_with_week(plan, week, kb, _bi(f"Removed {food} ({len(banned)} foods) from the week.",
                                             f"已从本周计划中去掉{food}（{len(banned)} 种食物：{'、'.join(names[:5])}）。")),
            "removed": sorted(set(plan.get("removed", [])) | banned)}
