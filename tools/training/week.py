"""plan_training_week: the week of sessions, cardio or own-sport days, labels, warm-up ramps and cool-downs."""
from __future__ import annotations

import math

from tools.profiles import TrainingProfile, parse_training_profile
from tools.training.demands import populations
from tools.training.rules import (CARDIO_GOALS, DAY_LAYOUT, GROUP_LABEL, MAJOR_GROUPS, MAX_SETS_PER_SESSION,
                                  MINOR_TARGET, OWN_SPORT_GOALS, SESSION_LABEL, SPLITS, VOLUME_TARGET,
                                  VOLUME_TARGET_HEALTH, WEEKDAYS, _bi)
from tools.training.timing import _cooldown_s, _warmup_s, estimate_session_s
from tools.training.selection import (_Picker, _cardio_exercise, cooldown_stretches, eligible_exercises,
                                      mobility_drills, seed_for)
from tools.training.prescription import resistance_days
from tools.training.session import _build_resistance, _fill, _progress_block, _session_groups
from tools.training.assemble import _assemble

# Balance drills for 65+ (WHO 2020 multicomponent training; ACSM 2009 older adults), done next to a support.
BALANCE_DRILLS = [_bi("Single-leg stance next to a chair, 3 × 20-30 s per side", "扶椅单腿站立，每侧 3 × 20-30 秒"),
                  _bi("Heel-to-toe walk along a wall, 3 × 10 steps", "沿墙脚跟贴脚尖走，3 × 10 步"),
                  _bi("Sit-to-stand from a chair without hands, 2 × 8", "不用手从椅子上站起，2 × 8 次")]
PELVIC_FLOOR = _bi("Pelvic-floor training: 3 × 10 squeezes, hold 5 s each, relax fully between (ACOG 2020).",
                   "盆底肌训练：3 × 10 次收缩，每次保持 5 秒，之间完全放松（ACOG 2020）。")


def _cardio_block(ex, minutes: int, age: int) -> dict:
    hr_max = 208 - 0.7 * age  # Tanaka 2001
    return {"exercise_id": ex.id if ex else "brisk_walking",
            "name": ex.name.to_dict() if ex else _bi("Brisk walking", "快走"), "minutes": int(minutes),
            "intensity": "moderate", "heart_rate_bpm": [round(hr_max * 0.64), round(hr_max * 0.76)],  # ACSM 64-76%
            "text": _bi("Moderate: RPE 5-6, you can talk but not sing.", "中等强度：RPE 5-6，能说话但不能唱歌。")}


def _own_sport_block(minutes: int) -> dict:
    """A runner's or athlete's own session: the plan keeps it and adds no junk volume on top."""
    return {"exercise_id": "own_sport", "name": _bi("Your usual run, ride or practice", "你平时的跑步、骑行或专项训练"),
            "minutes": int(minutes), "intensity": "as_planned",
            "text": _bi("Keep your usual endurance or sport session; put hard runs and the strength days at least "
                        "6 h apart, or the strength day after an easy run.",
                        "保持你平时的耐力或专项训练；高强度跑和力量训练至少间隔 6 小时，或把力量训练放在轻松跑之后。")}


def plan_week_sessions(profile: TrainingProfile, kb, variation: int, kinds: tuple[str, ...],
                       skip_groups=()) -> tuple[list[dict], list[str], dict]:
    """Resistance sessions for `kinds`, filled, progressed and fitted to time; (sessions, trainable, freq)."""
    pool = [ex for ex in eligible_exercises(profile, kb)]
    picker = _Picker(pool, profile, variation)
    for g in skip_groups:
        picker.by_group.pop(g, None)
    health = profile.conservative or profile.goal in ("general_health", "endurance", "sport") or \
        bool({"child", "older"} & set(populations(profile)))
    freq = {g: sum(g in _session_groups(k, i) for i, k in enumerate(kinds)) for g in GROUP_LABEL}
    weekly_target = {g: (VOLUME_TARGET_HEALTH if health else VOLUME_TARGET[profile.experience])
                     if g in MAJOR_GROUPS else MINOR_TARGET[profile.experience] for g in GROUP_LABEL}
    per_session = {g: min(MAX_SETS_PER_SESSION, math.ceil(weekly_target[g] / freq[g])) if freq[g] else 0
                   for g in GROUP_LABEL}
    sessions = [_build_resistance(k, i, profile, picker, per_session) for i, k in enumerate(kinds)]
    trainable = [g for g in MAJOR_GROUPS if picker.by_group.get(g)]
    _fill(sessions, profile, picker, trainable)
    _progress_block(sessions, profile)
    return sessions, trainable, freq


def plan_training_week(profile: TrainingProfile | dict, kb=None, variation: int = 0) -> dict:
    """A week of sessions plus a 4-week block; `validate_training_plan` states the rules it meets."""
    profile = parse_training_profile(profile)
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    seed = seed_for(profile, variation)
    n_res = resistance_days(profile)
    sessions, trainable, freq = plan_week_sessions(profile, kb, variation, SPLITS[n_res])
    add_cardio(sessions, profile, kb, variation)
    day_slots = DAY_LAYOUT[profile.days_per_week]
    res_pos = {round(i * len(day_slots) / n_res) for i in range(n_res)}
    week, res_iter = [], iter(sessions)
    cardio_ex = _cardio_exercise(profile, kb, variation)
    want_cardio = profile.goal in CARDIO_GOALS
    for pos, day in enumerate(day_slots):
        if pos in res_pos:
            s = next(res_iter)
        elif profile.goal in OWN_SPORT_GOALS:
            s = {"kind": "cardio", "split": "own_sport", "groups": [], "exercises": [],
                 "cardio": _own_sport_block(profile.minutes_per_session)}
        else:
            s = {"kind": "cardio", "split": "cardio", "groups": [], "exercises": [],
                 "cardio": _cardio_block(cardio_ex, min(profile.minutes_per_session, 60 if want_cardio else 30),
                                         profile.years)}
        s["day"], s["weekday"] = day, _bi(*WEEKDAYS[day])
        week.append(s)
    label_sessions(week, profile, kb)
    return _assemble(profile, week, seed, variation, trainable, freq)


def add_cardio(sessions: list[dict], profile: TrainingProfile, kb, variation: int) -> None:
    """Cardio finisher in the time left for cardio goals (WHO 2020: 150-300 min/week)."""
    cardio_ex = _cardio_exercise(profile, kb, variation)
    budget = profile.minutes_per_session * 60
    for s in sessions:
        s["cardio"] = None
        left_min = (budget - max(estimate_session_s(s, profile.minutes_per_session, w) for w in range(4))) // 60
        if profile.goal in CARDIO_GOALS and left_min >= 10:
            s["cardio"] = _cardio_block(cardio_ex, min(30, left_min) // 5 * 5, profile.years)


def _ramp(first: dict | None) -> dict | None:
    """Ramp-up sets for the session's first lift, from its prescription."""
    if not first:
        return None
    name = first["name"]
    if first["unit"] == "s" or first["role"] == "power":
        return {"exercise_id": first["exercise_id"], "sets": [{"reps": 5, "pct_of_working": None}],
                "text": _bi(f"{name['en']}: 1-2 easy practice sets at half effort first.",
                            f"{name['zh']}：先以一半力度做 1-2 组练习。")}
    if first["load"]["type"] == "rpe" and first["equipment"] == []:
        return {"exercise_id": first["exercise_id"], "sets": [{"reps": 8, "pct_of_working": None}],
                "text": _bi(f"{name['en']}: 1 set of 8 of an easier version (hands higher, shorter range).",
                            f"{name['zh']}：先做 1 组 8 次更简单的版本（手撑高一些或幅度小一些）。")}
    heavy = first["reps"][0] <= 6
    sets = [{"reps": 8, "pct_of_working": 40}, {"reps": 5, "pct_of_working": 60}, {"reps": 3, "pct_of_working": 80}]
    if heavy:
        sets.append({"reps": 1, "pct_of_working": 90})
    steps_en = ", ".join(f"{s['reps']} × {s['pct_of_working']} %" for s in sets)
    return {"exercise_id": first["exercise_id"], "sets": sets,
            "text": _bi(f"{name['en']} ramp-up (of your working weight): {steps_en}; rest 60 s between.",
                        f"{name['zh']} 热身递增（按正式组重量）：{steps_en}；组间休息 60 秒。")}


def label_sessions(week: list[dict], profile: TrainingProfile, kb) -> None:
    """Labels, warm-up (drills for the session's lifts + a ramp for the first), cool-down, time estimates."""
    counts = {k: sum(s["split"] == k for s in week) for k in SESSION_LABEL}
    seen: dict[str, int] = {}
    pops = populations(profile)
    for s in week:
        en, zh = SESSION_LABEL[s["split"]]
        seen[s["split"]] = seen.get(s["split"], 0) + 1
        suffix = f" {'ABC'[seen[s['split']] - 1]}" if s["kind"] == "resistance" and counts[s["split"]] > 1 else ""
        s["label"] = _bi(en + suffix, zh + suffix)
        s.pop("index", None)
        lifting = s["kind"] == "resistance"
        patterns = [it["pattern"] for it in s["exercises"]]
        drills = mobility_drills(profile, kb, patterns)
        first = next((it for it in s["exercises"] if it["role"] != "power"), s["exercises"][0] if s["exercises"]
                     else None)
        warm_min = round(_warmup_s(profile.minutes_per_session) / 60) if lifting else 5
        easy = max(2, warm_min // 2)   # the rest of the warm-up is the drills and the ramp-up sets
        s["warmup"] = {"minutes": warm_min, "mobility": drills, "ramp": _ramp(first) if lifting else None,
                       "text": _bi(f"{easy} min easy cardio, the mobility drills, then the ramp-up sets for the first lift.",
                                   f"{easy} 分钟轻松有氧，做灵活性练习，再做第一个动作的递增热身组。") if lifting else
                       _bi("Start the first 5 min easy; finish with the mobility drills.",
                           "前 5 分钟放慢速度热身；结束后做灵活性练习。")}
        if lifting:
            extra = []
            if "older" in pops:
                extra += BALANCE_DRILLS
            if profile.pregnant or profile.postpartum_weeks is not None:
                extra.append(PELVIC_FLOOR)
            s["cooldown"] = {"minutes": round(_cooldown_s(profile.minutes_per_session) / 60),
                             "stretches": cooldown_stretches(profile, kb, skip={d["exercise_id"] for d in drills}),
                             "balance": BALANCE_DRILLS if "older" in pops else [],
                             "extra": extra,
                             "text": _bi("2-3 min easy walking, slow breathing, then hold each stretch 30 s.",
                                         "2-3 分钟慢走，放慢呼吸，然后每个拉伸保持 30 秒。")}
        by_week = [math.ceil(estimate_session_s(s, profile.minutes_per_session, w) / 60) for w in range(4)]
        s["estimated_min"], s["estimated_min_by_week"] = by_week[0], by_week
