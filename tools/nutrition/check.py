"""The validator: every rule of NUTRITION_RULES a plan breaks, as '[rule] detail' strings."""
from __future__ import annotations

from tools.profiles import NutritionProfile, parse_nutrition_profile
from .foods import knowledge_base
from .meals import day_totals, grocery_list
from .rubric import HARD_RULES, check_day
from .rules import (ABSOLUTE_FLOOR_KCAL, ACTIVITY_FACTOR, AMDR, DEFICIT_MAX_KCAL, FIBER_MIN_G, FLOOR_KCAL,
                    KCAL_PER_KG, LOSS_KG_WEEK, LOSS_MAX_BW_FRACTION, MAX_DAYS_PER_FOOD, MIN_FOODS_PER_DAY,
                    MIN_FOODS_PER_WEEK, MIN_STEPS, NUTRIENTS, SLOTS, SLOT_SHARE, SLOT_SHARE_BAND, STEPS_PER_PORTION,
                    SURPLUS_MAX_KCAL, TOLERANCE)
from .targets import _pregnancy_extra, _fiber_correction_kcal, deficit_blockers, tdee_kcal
from .text import NUTRITION_RULES


def validate_nutrition_plan(plan: dict, profile: NutritionProfile | dict, kb=None) -> list[str]:
    """Every rule in NUTRITION_RULES the plan breaks, as '[rule] detail' strings; [] means valid."""
    problems: list[str] = []
    bad = lambda rule, msg: problems.append(f"[{rule}] {msg}")  # noqa: E731
    p = parse_nutrition_profile(profile)
    kb = knowledge_base(kb)
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


def extra_kcal(p: NutritionProfile) -> int:
    return _pregnancy_extra(p)[0]


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
    if surplus - extra_kcal(p) > SURPLUS_MAX_KCAL + 5 and kcal > ABSOLUTE_FLOOR_KCAL:
        bad("rate", f"surplus {surplus:.0f} kcal/day > {SURPLUS_MAX_KCAL}")
    if p.goal != "lose" and deficit > 5 and p.requested_kcal is None:
        bad("rate", f"deficit planned for goal {p.goal}")
    blockers = deficit_blockers(p)
    if blockers and deficit > 5:
        bad("safety", f"deficit planned despite {blockers}")
    extra = _pregnancy_extra(p)[0]
    if (p.pregnant or p.breastfeeding) and not tdee + extra - 10 <= kcal <= tdee + extra + SURPLUS_MAX_KCAL:
        bad("safety", f"pregnancy/lactation target {kcal} kcal is not TDEE {tdee:.0f} + {extra} kcal (IOM 2005)")
    if p.eating_disorder and surplus > 5 and kcal > ABSOLUTE_FLOOR_KCAL:
        bad("safety", "surplus planned with eating-disorder signs")
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
    days_used: dict[str, int] = {}
    relaxed_any: set[str] = set()
    for day in week:
        relaxed = set(day["relaxed"])
        relaxed_any |= relaxed
        d = day["day"] + 1
        if [m["slot"] for m in day["meals"]] != list(slots):
            bad("meals", f"day {d}: slots {[m['slot'] for m in day['meals']]} != {list(slots)}")
        ids = [it["food_id"] for m in day["meals"] for it in m["items"]]
        if len(ids) != len(set(ids)):
            bad("variety", f"day {d}: a food appears in two meals")
        for fid in set(ids):
            days_used[fid] = days_used.get(fid, 0) + 1
        for m in day["meals"]:
            for it in m["items"]:
                f = kb.foods.get(it["food_id"])
                if f is not None and any(abs(it[k] - getattr(f, k) * it["grams"] / 100) > 0.01
                                         for k in (*NUTRIENTS, "fiber_g")):
                    bad("foods", f"day {d}: {f.id} nutrients do not match the food table")
        totals = day_totals(day["meals"])
        if any(abs(totals[k] - day["totals"][k]) > 0.15 for k in totals):
            bad("accuracy", f"day {d}: totals do not match the items")
        found = check_day(day, p, t, kb)
        for name in HARD_RULES:
            for msg in found[name]:
                bad("foods" if name == "allowed" else "meals", f"day {d}: [{name}] {msg}")
        within = not found["macros"]
        honest = day["within_tolerance"] == within and (within or (day["relaxed_note"] and
                                                                   {"tolerance_10pct", "best_effort"} & relaxed))
        if not honest:
            bad("accuracy", f"day {d}: {found['macros']} not within 5% and not reported")
        if not within:
            continue
        if "day_rules" not in relaxed:
            for name in ("vegetables", "fruit", "fibre", "sodium", "saturated_fat", "added_sugar", "meal_shares"):
                for msg in found[name]:
                    bad("day_rules", f"day {d}: [{name}] {msg}")
    if "repeats" not in relaxed_any and any(n > MAX_DAYS_PER_FOOD for n in days_used.values()):
        bad("variety", f"foods on more than {MAX_DAYS_PER_FOOD} days: "
                       f"{[f for f, n in days_used.items() if n > MAX_DAYS_PER_FOOD]}")
    if [(r["food_id"], r["grams"]) for r in plan["grocery_list"]] != \
            [(r["food_id"], r["grams"]) for r in grocery_list(week, kb)]:
        bad("grocery", "grocery list does not match the week")
    if plan["targets"]["deficit_blockers"] and not plan.get("referral"):
        bad("safety", "no referral although a deficit was blocked")
    if not (plan["disclaimer"].get("en") and plan["disclaimer"].get("zh")):
        bad("meta", "missing bilingual disclaimer")
    if not plan["sources"] or not all(line.get("en") and line.get("zh") for line in plan["explanation"]):
        bad("meta", "missing sources or bilingual explanation")
