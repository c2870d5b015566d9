"""Session time model: warm-up + per exercise (setup + sets x (work + rest)) + cardio."""
from __future__ import annotations

from tools.training.rules import REP_S, SETUP_S


def _warmup_s(minutes: int) -> int:
    """General + specific warm-up: ~12% of the session, 3-8 min."""
    return int(min(480, max(180, minutes * 60 * 0.12)))


def _cooldown_s(minutes: int) -> int:
    """Cool-down (easy walk, stretches; balance or pelvic-floor drills where the plan has them): 2-5 min."""
    return 120 if minutes < 30 else 180 if minutes < 60 else 300


def _work_s(item: dict) -> float:
    """Time under work for one set, using the top of the range (conservative)."""
    return item["reps"][1] if item["unit"] == "s" else item["reps"][1] * REP_S


def _exercise_s(item: dict, sets: int) -> float:
    return SETUP_S[item["role"]] + sets * (_work_s(item) + item["rest_s"])


def estimate_session_s(session: dict, minutes: int, week: int = 0) -> int:
    """Estimated session length in seconds for block week `week` (0-3)."""
    if session["kind"] == "cardio":
        return int(session["cardio"]["minutes"] * 60)
    total = _warmup_s(minutes) + _cooldown_s(minutes) + sum(_exercise_s(it, it["sets_by_week"][week]) for it in session["exercises"])
    return int(total + 60 * (session.get("cardio") or {}).get("minutes", 0))

