"""plan_training_week: the week of sessions, cardio blocks, labels and warm-ups."""
from __future__ import annotations

import math
import random

from tools.profiles import TrainingProfile, parse_training_profile
from tools.training.rules import CARDIO_GOALS, DAY_LAYOUT, GROUP_LABEL, MAJOR_GROUPS, MAX_SETS_PER_SESSION, MINOR_TARGET, SESSION_LABEL, SPLITS, VOLUME_TARGET, VOLUME_TARGET_HEALTH, WEEKDAYS, _bi
from tools.training.timing import _warmup_s, estimate_session_s
from tools.training.selection import _Picker, _cardio_exercise, _mobility, eligible_exercises, seed_for
from tools.training.prescription import resistance_days
from tools.training.session import _build_resistance, _fill, _progress_block, _session_groups
from tools.training.assemble import _assemble


def _cardio_block(ex, minutes: int, age: int) -> dict:
    hr_max = 208 - 0.7 * age  # Tanaka 2001
    return {"exercise_id": ex.id if ex else "brisk_walking",
            "name": ex.name.to_dict() if ex else _bi("Brisk walking", "快走"), "minutes": int(minutes),
            "intensity": "moderate", "heart_rate_bpm": [round(hr_max * 0.64), round(hr_max * 0.76)],  # ACSM 64-76%
            "text": _bi("Moderate: RPE 5-6, you can talk but not sing.", "中等强度：RPE 5-6，能说话但不能唱歌。")}


def plan_training_week(profile: TrainingProfile | dict, kb=None, variation: int = 0) -> dict:
    """A week of sessions plus a 4-week block; `validate_training_plan` states the rules it meets."""
    profile = parse_training_profile(profile)
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    seed = seed_for(profile, variation)
    rng = random.Random(seed)
    picker = _Picker(eligible_exercises(profile, kb), profile, rng)
    n_res = resistance_days(profile)
    kinds = SPLITS[n_res]
    health = profile.conservative or profile.goal in ("general_health", "endurance")
    freq = {g: sum(g in _session_groups(k, i) for i, k in enumerate(kinds)) for g in GROUP_LABEL}
    weekly_target = {g: (VOLUME_TARGET_HEALTH if health else VOLUME_TARGET[profile.experience])
                     if g in MAJOR_GROUPS else MINOR_TARGET[profile.experience] for g in GROUP_LABEL}
    per_session = {g: min(MAX_SETS_PER_SESSION, math.ceil(weekly_target[g] / freq[g])) if freq[g] else 0
                   for g in GROUP_LABEL}
    sessions = [_build_resistance(k, i, profile, picker, per_session) for i, k in enumerate(kinds)]
    trainable = [g for g in MAJOR_GROUPS if picker.by_group.get(g)]
    _fill(sessions, profile, picker, trainable)
    _progress_block(sessions, profile)
    cardio_ex = _cardio_exercise(profile, kb, rng)
    want_cardio = profile.goal in CARDIO_GOALS
    budget = profile.minutes_per_session * 60
    for s in sessions:  # cardio finisher in the time left (WHO 2020: 150-300 min/week)
        s["cardio"] = None
        left_min = (budget - max(estimate_session_s(s, profile.minutes_per_session, w) for w in range(4))) // 60
        if want_cardio and left_min >= 10:
            s["cardio"] = _cardio_block(cardio_ex, min(30, left_min) // 5 * 5, profile.age)
    day_slots = DAY_LAYOUT[profile.days_per_week]
    res_pos = {round(i * len(day_slots) / n_res) for i in range(n_res)}
    week, res_iter = [], iter(sessions)
    for pos, day in enumerate(day_slots):
        s = next(res_iter) if pos in res_pos else {
            "kind": "cardio", "split": "cardio", "groups": [], "exercises": [],
            "cardio": _cardio_block(cardio_ex, min(profile.minutes_per_session, 60 if want_cardio else 30),
                                    profile.age)}
        s["day"], s["weekday"] = day, _bi(*WEEKDAYS[day])
        week.append(s)
    _label(week, profile, kb, rng)
    return _assemble(profile, week, seed, variation, trainable, freq)


def _label(week: list[dict], profile: TrainingProfile, kb, rng: random.Random) -> None:
    counts = {k: sum(s["split"] == k for s in week) for k in SESSION_LABEL}
    seen: dict[str, int] = {}
    for s in week:
        en, zh = SESSION_LABEL[s["split"]]
        seen[s["split"]] = seen.get(s["split"], 0) + 1
        suffix = f" {'ABC'[seen[s['split']] - 1]}" if s["kind"] == "resistance" and counts[s["split"]] > 1 else ""
        s["label"] = _bi(en + suffix, zh + suffix)
        lifting = s["kind"] == "resistance"
        s["warmup"] = {"minutes": round(_warmup_s(profile.minutes_per_session) / 60) if lifting else 5,
                       "mobility": _mobility(profile, kb, rng),
                       "text": _bi("5 min easy cardio, the mobility drills, then 1-2 light ramp-up sets.",
                                   "5 分钟轻松有氧，做灵活性练习，再做 1-2 组轻重量热身组。") if lifting else
                       _bi("Start the first 5 min easy; finish with the mobility drills.",
                           "前 5 分钟放慢速度热身；结束后做灵活性练习。")}
        by_week = [math.ceil(estimate_session_s(s, profile.minutes_per_session, w) / 60) for w in range(4)]
        s["estimated_min"], s["estimated_min_by_week"] = by_week[0], by_week

