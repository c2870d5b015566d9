"""Reps, sets, rest and load for one exercise given the profile."""
from __future__ import annotations

from tools.profiles import TrainingProfile
from tools.training.rules import BODYWEIGHT_REPS, GOAL_RESISTANCE_DAYS, GROUP_LABEL, HOLD_REST_S, HOLD_S, LOAD_STEP_PCT, LOWER_BODY, MAX_RESISTANCE_DAYS, REP_S, RX, SETUP_S, VOLUME_RANGE, VOLUME_RANGE_HEALTH, _bi
from tools.training.selection import is_loadable, muscle_group


def _rx_key(profile: TrainingProfile) -> str:
    if profile.conservative:
        return "conservative"
    if profile.goal == "general_health" and profile.age >= 60:
        return "older"
    if profile.goal in ("strength", "hypertrophy") and profile.experience == "beginner":
        return f"{profile.goal}_novice"
    return profile.goal


def volume_range(profile: TrainingProfile) -> tuple[int, int]:
    """Allowed weekly direct sets per major group for this profile."""
    if profile.conservative or profile.goal in ("general_health", "endurance"):
        return VOLUME_RANGE_HEALTH
    return VOLUME_RANGE[profile.experience]


def set_range(profile: TrainingProfile, mechanic: str) -> tuple[int, int]:
    return RX[(_rx_key(profile), mechanic)][1]


def resistance_days(profile: TrainingProfile) -> int:
    days = profile.days_per_week
    cap = MAX_RESISTANCE_DAYS[profile.experience]
    if profile.goal in GOAL_RESISTANCE_DAYS:
        cap = min(cap, GOAL_RESISTANCE_DAYS[profile.goal][days - 1])
    if profile.conservative:
        cap = min(cap, 3)
    return max(1, min(days, cap))


def _load_text(kind: str, pct: tuple | None, rpe: tuple, unit: str) -> dict:
    if unit == "s":
        return _bi(f"Hold with good form · RPE {rpe[0]}-{rpe[1]}", f"保持标准姿势 · RPE {rpe[0]}-{rpe[1]}")
    if kind == "pct_1rm":
        return _bi(f"{pct[0]}-{pct[1]}% 1RM · RPE {rpe[0]}-{rpe[1]} ({10 - rpe[1]}-{10 - rpe[0]} reps in reserve)",
                   f"{pct[0]}-{pct[1]}% 1RM · RPE {rpe[0]}-{rpe[1]}（保留 {10 - rpe[1]}-{10 - rpe[0]} 次余力）")
    return _bi(f"Bodyweight/band: pick a variation you finish at RPE {rpe[0]}-{rpe[1]}",
               f"自重/弹力带：选择能在 RPE {rpe[0]}-{rpe[1]} 完成的变式")


def _make_item(ex, profile: TrainingProfile, sets: int) -> dict:
    reps, unit, rest_s, load_type, pct, rpe = _rx_for(ex, profile)
    group = muscle_group(ex)
    step = LOAD_STEP_PCT["lower" if group in LOWER_BODY and ex.mechanic == "compound" else "upper"]
    cue = ex.cues.en[0] if ex.cues.en else "", ex.cues.zh[0] if ex.cues.zh else ""
    if profile.conservative:
        prog = _bi("Keep this load until a clinician clears you; progress reps within the range only.",
                   "在医生许可前保持当前负荷，只在次数范围内逐步增加次数。")
    elif unit == "s":
        prog = _bi("Add 5-10 s per set each week; past 60 s, move to a harder variation.",
                   "每周每组增加 5-10 秒；超过 60 秒后换更难的变式。")
    elif load_type == "rpe":
        prog = _bi(f"When every set reaches {reps[1]} reps, use a harder variation or a 3-s lowering.",
                   f"所有组都能完成 {reps[1]} 次时，换更难的变式或下放放慢到 3 秒。")
    else:
        prog = _bi(f"Double progression: when you beat {reps[1]} reps by 1-2 on all sets, add {step[0]}-{step[1]}% "
                   f"load next session.", f"双重进阶：所有组都比 {reps[1]} 次多做 1-2 次时，下次加重 {step[0]}-{step[1]}%。")
    return {
        "exercise_id": ex.id, "name": ex.name.to_dict(), "group": group, "group_label": _bi(*GROUP_LABEL[group]),
        "primary_muscles": list(ex.primary_muscles), "secondary_muscles": list(ex.secondary_muscles),
        "pattern": ex.pattern, "mechanic": ex.mechanic, "level": ex.level, "equipment": list(ex.equipment),
        "contraindications": list(ex.contraindications), "sets": sets, "reps": list(reps), "unit": unit,
        "rest_s": rest_s, "load": {"type": load_type, "pct_1rm": list(pct) if load_type == "pct_1rm" else None,
                                   "rpe": list(rpe), "text": _load_text(load_type, pct, rpe, unit)},
        "tempo": "2-1-1" if unit == "reps" else "hold", "cue": _bi(*cue),
        "sets_by_week": [sets, sets, sets, sets], "load_increase_pct": list(step) if load_type == "pct_1rm" else None,
        "progression": prog,
        "deload": _bi("Week 4 deload: fewer sets, load −10-20 %, same reps, RPE 5-6.",
                      "第 4 周减量：减少组数，负荷降低 10-20%，次数不变，RPE 5-6。"),
    }


def _rx_for(ex, profile: TrainingProfile) -> tuple:
    """(reps, unit, rest_s, load_type, pct, rpe) for this exercise and profile."""
    reps, _, rest_s, pct, rpe = RX[(_rx_key(profile), ex.mechanic)]
    if ex.force == "static" or ex.pattern in ("core_stability", "carry"):
        return HOLD_S, "s", min(HOLD_REST_S, rest_s), "rpe", None, rpe
    if not is_loadable(ex):
        return BODYWEIGHT_REPS["endurance" if profile.goal == "endurance" else "default"], "reps", \
            min(rest_s, 90), "rpe", None, rpe
    return reps, "reps", rest_s, "pct_1rm", pct, rpe


def _new_cost_s(ex, profile: TrainingProfile, sets: int) -> float:
    reps, unit, rest_s, *_ = _rx_for(ex, profile)
    return SETUP_S[ex.mechanic] + sets * ((reps[1] if unit == "s" else reps[1] * REP_S) + rest_s)

