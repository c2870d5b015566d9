"""Reps, sets, rest and load for one exercise, by its role and the profile's goal, level and population."""
from __future__ import annotations

from tools.profiles import TrainingProfile
from tools.training.demands import modification, populations
from tools.training.rules import (BODYWEIGHT_REPS, GOAL_RESISTANCE_DAYS, GROUP_LABEL, HOLD_REST_S, HOLD_S,
                                  LOAD_STEP_PCT, LOWER_BODY, MAX_RESISTANCE_DAYS, PCT_EQUIPMENT, REP_S, RX, SETUP_S,
                                  VOLUME_RANGE, VOLUME_RANGE_HEALTH, _bi)
from tools.training.selection import is_loadable, muscle_group, role_of


# A lift modified for a painful joint: 6-12 reps at RPE <= 7, and pain during it stays at or below 3/10 and
# settles by the next morning (the pain-monitoring model: Silbernagel et al. 2007, Am J Sports Med 35:897;
# Thomeé 1997 for patellofemoral pain). Heavy 3-5-rep sets on a sore knee are what a coach avoids.
PAINFUL_REPS = (6, 12)
PAINFUL_RPE = 7
PAIN_RULE = {"en": " · pain during the set at most 3/10 and settled by the next morning; otherwise go lighter.",
             "zh": " · 练时疼痛不超过 3/10、第二天早上能缓解；否则减轻重量。"}


def _rx_key(profile: TrainingProfile) -> str:
    """Which RX rows apply: population rows first, then novices, then the goal."""
    pops = populations(profile)
    if "child" in pops:
        return "child"
    if profile.conservative and not profile.is_minor:
        return "conservative"
    if "youth" in pops:
        return "youth"
    if "older" in pops:
        return "older"
    if profile.experience == "beginner":
        return "athlete_novice" if profile.goal in ("endurance", "sport") else "novice"
    return profile.goal


def uses_pct_1rm(profile: TrainingProfile) -> bool:
    """%1RM only for trained adults without a special population (NSCA youth, ACSM older adults: RPE)."""
    return _rx_key(profile) in ("strength", "hypertrophy", "fat_loss", "general_health", "endurance", "sport")


def volume_range(profile: TrainingProfile) -> tuple[int, int]:
    """Allowed weekly direct sets per major group for this profile."""
    if profile.conservative or profile.goal in ("general_health", "endurance", "sport") or \
            _rx_key(profile) in ("child", "older"):
        return VOLUME_RANGE_HEALTH
    return VOLUME_RANGE[profile.experience]


def set_range(profile: TrainingProfile, role: str) -> tuple[int, int]:
    return RX[(_rx_key(profile), role)][1]


def resistance_days(profile: TrainingProfile) -> int:
    days = profile.days_per_week
    cap = MAX_RESISTANCE_DAYS[profile.experience]
    if profile.goal in GOAL_RESISTANCE_DAYS:
        cap = min(cap, GOAL_RESISTANCE_DAYS[profile.goal][days - 1])
    if profile.conservative or profile.is_minor:
        cap = min(cap, 3)  # NSCA youth: 2-3 non-consecutive days
    return max(1, min(days, cap))


def _load_text(kind: str, pct: tuple | None, rpe: tuple, unit: str, role: str, profile: TrainingProfile) -> dict:
    rir = f"{10 - rpe[1]}-{10 - rpe[0]}"
    if profile.pregnant:
        return _bi(f"Talk test: you can still hold a conversation (RPE {rpe[0]}-{rpe[1]}); breathe out on the effort, "
                   "never hold your breath.",
                   f"说话测试：练的时候仍能说话（RPE {rpe[0]}-{rpe[1]}）；发力时呼气，不要憋气。")
    if unit == "s":
        return _bi(f"Hold with good form · RPE {rpe[0]}-{rpe[1]}", f"保持标准姿势 · RPE {rpe[0]}-{rpe[1]}")
    if role == "power":
        return _bi("Fast and crisp, full rest; stop the set when height or speed drops.",
                   "快速有弹性，组间充分休息；高度或速度下降即停止。")
    if kind == "pct_1rm":
        return _bi(f"{pct[0]}-{pct[1]}% 1RM · RPE {rpe[0]}-{rpe[1]} ({rir} reps in reserve)",
                   f"{pct[0]}-{pct[1]}% 1RM · RPE {rpe[0]}-{rpe[1]}（保留 {rir} 次余力）")
    if is_loadable_role(unit, kind):
        return _bi(f"A weight you finish at RPE {rpe[0]}-{rpe[1]} ({rir} reps in reserve)",
                   f"选择能在 RPE {rpe[0]}-{rpe[1]} 完成的重量（保留 {rir} 次余力）")
    return _bi(f"Bodyweight/band: pick a variation you finish at RPE {rpe[0]}-{rpe[1]}",
               f"自重/弹力带：选择能在 RPE {rpe[0]}-{rpe[1]} 完成的变式")


def is_loadable_role(unit: str, kind: str) -> bool:  # a weight is chosen by effort
    return kind == "rpe_load"


def _progression(profile: TrainingProfile, unit: str, load_type: str, reps: tuple, step: tuple) -> dict:
    key = _rx_key(profile)
    if key in ("youth", "child"):
        return _bi(f"With a coach watching: when every set reaches {reps[1]} clean reps, add the smallest step "
                   "(about 5-10 %) or a harder variation.",
                   f"在教练指导下：所有组都能标准完成 {reps[1]} 次时，增加最小重量（约 5-10%）或换更难的变式。")
    if profile.conservative:
        why = "your obstetric care provider agrees" if profile.pregnant else "a clinician clears you"
        why_zh = "产科医生同意" if profile.pregnant else "医生许可"
        return _bi(f"Keep this load until {why}; progress reps within the range only.",
                   f"在{why_zh}前保持当前负荷，只在次数范围内逐步增加次数。")
    if unit == "s":
        return _bi("Add 5-10 s per set each week; past 60 s, move to a harder variation.",
                   "每周每组增加 5-10 秒；超过 60 秒后换更难的变式。")
    if load_type == "pct_1rm" or load_type == "rpe_load":
        return _bi(f"Double progression: when you beat {reps[1]} reps by 1-2 on all sets, add {step[0]}-{step[1]}% "
                   f"load next session.", f"双重进阶：所有组都比 {reps[1]} 次多做 1-2 次时，下次加重 {step[0]}-{step[1]}%。")
    return _bi(f"When every set reaches {reps[1]} reps, use a harder variation or a 3-s lowering.",
               f"所有组都能完成 {reps[1]} 次时，换更难的变式或下放放慢到 3 秒。")


def _make_item(ex, profile: TrainingProfile, sets: int) -> dict:
    mod = modification(ex, profile)
    reps, unit, rest_s, load_type, pct, rpe = _rx_for(ex, profile)
    group, role = muscle_group(ex), role_of(ex)
    step = LOAD_STEP_PCT["lower" if group in LOWER_BODY and ex.mechanic == "compound" else "upper"]
    cue = ex.cues.en[0] if ex.cues.en else "", ex.cues.zh[0] if ex.cues.zh else ""
    older_power = _rx_key(profile) == "older" and role in ("main", "secondary")
    item = {
        "exercise_id": ex.id, "name": ex.name.to_dict(), "group": group,
        "group_label": _bi(*GROUP_LABEL.get(group, ("Power", "爆发力"))), "role": role,
        "primary_muscles": list(ex.primary_muscles), "secondary_muscles": list(ex.secondary_muscles),
        "pattern": ex.pattern, "mechanic": ex.mechanic, "level": ex.level, "equipment": list(ex.equipment),
        "contraindications": list(ex.contraindications), "sets": sets, "reps": list(reps), "unit": unit,
        "rest_s": rest_s, "load": {"type": "pct_1rm" if load_type == "pct_1rm" else "rpe",
                                   "pct_1rm": list(pct) if load_type == "pct_1rm" else None,
                                   "rpe": list(rpe), "text": _load_text(load_type, pct, rpe, unit, role, profile)},
        "tempo": "hold" if unit == "s" else "power: up fast (1 s), down slow (3 s)" if older_power else "2-1-1",
        "cue": _bi(*cue), "sets_by_week": [sets, sets, sets, sets],
        "load_increase_pct": list(step) if load_type in ("pct_1rm", "rpe_load") else None,
        "progression": _progression(profile, unit, load_type, reps, step),
        "deload": _bi("Week 4 deload: fewer sets, load −10-20 %, same reps, RPE 5-6.",
                      "第 4 周减量：减少组数，负荷降低 10-20%，次数不变，RPE 5-6。"),
    }
    if mod:
        item["modification"] = mod
        if unit == "reps" and role != "power":
            item["load"]["text"] = {k: v + PAIN_RULE[k] for k, v in item["load"]["text"].items()}
    return item


def _rx_for(ex, profile: TrainingProfile) -> tuple:
    """(reps, unit, rest_s, load_type, pct, rpe): load_type pct_1rm | rpe_load (pick a weight) | rpe (bodyweight)."""
    role = role_of(ex)
    reps, _, rest_s, pct, rpe = RX[(_rx_key(profile), role)]
    if ex.force == "static" or ex.pattern in ("core_stability", "carry"):
        return HOLD_S, "s", min(HOLD_REST_S, rest_s), "rpe", None, rpe
    if role == "power":
        return reps, "reps", rest_s, "rpe", None, rpe
    if modification(ex, profile):
        # a joint that hurts: a modified lift is moderate work by effort, never heavy low reps (pain-monitoring)
        reps, _, rest_s, _, rpe = RX[(_rx_key(profile), "secondary" if role == "main" else role)]
        reps, rpe = (max(PAINFUL_REPS[0], reps[0]), max(PAINFUL_REPS[1], reps[1])), (min(rpe[0], PAINFUL_RPE - 1),
                                                                                     min(rpe[1], PAINFUL_RPE))
        if not is_loadable(ex):
            return reps, "reps", min(rest_s, 90), "rpe", None, rpe
        return reps, "reps", rest_s, "rpe_load", None, rpe
    if not is_loadable(ex):
        lo, hi = BODYWEIGHT_REPS["default"]
        return (max(lo, reps[0]), max(hi, reps[1])), "reps", min(rest_s, 90), "rpe", None, rpe
    if pct and role == "main" and uses_pct_1rm(profile) and set(ex.equipment) & PCT_EQUIPMENT:
        return reps, "reps", rest_s, "pct_1rm", pct, rpe
    return reps, "reps", rest_s, "rpe_load", None, rpe


def _new_cost_s(ex, profile: TrainingProfile, sets: int) -> float:
    reps, unit, rest_s, *_ = _rx_for(ex, profile)
    return SETUP_S[role_of(ex)] + sets * ((reps[1] if unit == "s" else reps[1] * REP_S) + rest_s)
