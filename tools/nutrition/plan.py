"""The full nutrition plan document and its short chat summary."""
from __future__ import annotations

from dataclasses import replace

from tools.profiles import NutritionProfile, parse_nutrition_profile
from .foods import knowledge_base
from .meals import grocery_list, plan_meals_week
from .safety import UnsafeNutritionRequest
from .protein import fit_protein_to_foods
from .targets import deficit_blockers, nutrition_targets
from .text import DISCLAIMER, SOURCES, _bi


def plan_nutrition(profile: NutritionProfile | dict, kb=None) -> dict:
    """Targets with explanation, a 7-day meal plan (day 1 is the one-day plan), grocery list, sources."""
    p = parse_nutrition_profile(profile)
    kb = knowledge_base(kb)
    try:
        targets = fit_protein_to_foods(nutrition_targets(p), p, kb)
    except UnsafeNutritionRequest as refusal:   # same refusal in every language, with the nearest safe plan
        refusal.safe_plan = {**plan_nutrition(replace(p, requested_kcal=refusal.safe_kcal), kb),
                             "refusal": refusal.to_dict()}
        raise
    week = plan_meals_week(targets, p, kb)
    errors = [abs(e) for d in week for e in d["error_pct"].values()]
    referral = None
    if targets["deficit_blockers"]:
        referral = _bi("Please see a doctor or registered dietitian before changing your weight; this plan has no "
                       "calorie deficit.", "改变体重前请先咨询医生或注册营养师；本计划不安排热量缺口。")
    notes = [d["relaxed_note"] for d in week if d["relaxed_note"]][:1]
    return {"kind": "nutrition_plan", "version": 1, "profile": p.to_dict(), "targets": targets,
            "explanation": targets["explanation"], "day_plan": week[0], "week_plan": week,
            "grocery_list": grocery_list(week, kb),
            "accuracy": {"mean_abs_error_pct": round(sum(errors) / len(errors), 2), "max_abs_error_pct": max(errors),
                         "days_within_tolerance": sum(d["within_tolerance"] for d in week)},
            "notes": notes, "referral": referral, "disclaimer": DISCLAIMER, "sources": SOURCES}


def summarize_nutrition(plan: dict, lang: str = "en") -> dict:
    """A short view for a chat reply: targets, why, and day 1's meals (the full plan is for UI/exports/API)."""
    pick = (lambda d: d.get(lang) or d.get("en")) if lang in ("en", "zh") else (lambda d: d["en"])
    t = plan["targets"]
    return {"kcal": t["kcal"], "protein_g": t["protein_g"], "fat_g": t["fat_g"], "carb_g": t["carb_g"],
            "fiber_g": t["fiber_g"], "water_ml": t["water_ml"], "why": [pick(line) for line in plan["explanation"]],
            "day_1": {pick(m["label"]): [f"{pick(it['name'])} {it['grams']:g} g" for it in m["items"]]
                      for m in plan["day_plan"]["meals"]},
            "referral": pick(plan["referral"]) if plan["referral"] else None, "disclaimer": pick(plan["disclaimer"])}
