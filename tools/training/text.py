"""Short chat view of a plan."""
from __future__ import annotations



def summarize_training(plan: dict, lang: str = "en") -> dict:
    """A short view of the plan for a chat reply (the full plan is for the UI, exports and API)."""
    pick = (lambda d: d.get(lang) or d.get("en")) if lang in ("en", "zh") else (lambda d: d["en"])
    return {"split": pick(plan["split"]["label"]),
            "sessions": [{"day": pick(s["weekday"]), "label": pick(s["label"]), "minutes": s["estimated_min"],
                          "exercises": [f"{pick(it['name'])} {it['sets']}×{it['reps'][0]}-{it['reps'][1]}"
                                        f"{'s' if it['unit'] == 's' else ''} ({it['exercise_id']})"
                                        for it in s["exercises"]],
                          "cardio_min": (s.get("cardio") or {}).get("minutes", 0)} for s in plan["sessions"]],
            "weekly_sets": {pick(plan["group_labels"][g]): n for g, n in plan["weekly_sets"].items() if n},
            "notes": [pick(n) for n in plan["warnings"] + plan["notes"]],
            "referral": pick(plan["referral"]) if plan["referral"] else None, "disclaimer": pick(plan["disclaimer"])}

