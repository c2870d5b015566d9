"""Weekly resistance-training plan from a TrainingProfile and the exercise table, plus the validator that
states the rules every plan must meet.

Pure and deterministic: the same profile gives the same plan (the RNG is seeded from the profile),
`variation=n` gives a different valid plan. Numbers come from ../shared/docs/SCIENCE.md; each constant
names the row it follows. Output is plain JSON-serialisable data so the agent, UI and API share it.
"""
from __future__ import annotations

import hashlib
import json
import math
import random

from tools.profiles import TrainingProfile, parse_training_profile

# --- muscle groups -------------------------------------------------------------------------------
# A set counts toward the group of the exercise's first primary muscle ("direct" sets); secondary
# muscles are reported as indirect volume only. Major groups carry the volume and frequency rules.
GROUP_OF_MUSCLE = {"quadriceps": "quads", "hamstrings": "posterior", "glutes": "posterior",
                   "lower_back": "posterior", "chest": "chest", "lats": "back", "middle_back": "back",
                   "traps": "back", "shoulders": "shoulders", "triceps": "triceps", "biceps": "biceps",
                   "calves": "calves", "abdominals": "core"}
MAJOR_GROUPS = ("quads", "posterior", "back", "chest", "shoulders")
MINOR_GROUPS = ("triceps", "biceps", "calves", "core")
GROUP_LABEL = {"quads": ("Quadriceps", "股四头肌"), "posterior": ("Glutes & hamstrings", "臀部与腘绳肌"),
               "back": ("Back", "背部"), "chest": ("Chest", "胸部"), "shoulders": ("Shoulders", "肩部"),
               "triceps": ("Triceps", "肱三头肌"), "biceps": ("Biceps", "肱二头肌"), "calves": ("Calves", "小腿"),
               "core": ("Core", "核心")}
STRENGTH_PATTERNS = {"squat", "hinge", "lunge", "horizontal_push", "vertical_push", "horizontal_pull",
                     "vertical_pull", "chest_fly", "lateral_raise", "elbow_flexion", "elbow_extension",
                     "knee_extension", "knee_flexion", "calf_raise", "core_flexion", "core_stability",
                     "core_rotation", "carry"}
LOWER_BODY = {"quads", "posterior", "calves"}
# Equipment whose load can be set in small steps, so %1RM guidance makes sense; otherwise RPE only.
LOADABLE = {"barbell", "dumbbell", "kettlebells", "cable_machine", "ez_bar", "trap_bar", "landmine"}

# --- splits (SCIENCE.md "Split by days/week: 2-3 full body, 4 upper/lower, 5-6 push/pull/legs") --------
SESSION_GROUPS = {"full_body": MAJOR_GROUPS, "upper": ("back", "chest", "shoulders", "triceps", "biceps"),
                  "lower": ("quads", "posterior", "calves", "core"), "push": ("chest", "shoulders", "triceps"),
                  "pull": ("back", "biceps", "core"), "legs": ("quads", "posterior", "calves", "core")}
FULL_BODY_MINORS = (("triceps", "core"), ("biceps", "calves"), ("core", "biceps", "triceps"))
SPLITS = {1: ("full_body",), 2: ("full_body",) * 2, 3: ("full_body",) * 3, 4: ("upper", "lower") * 2,
          5: ("push", "pull", "legs", "upper", "lower"), 6: ("push", "pull", "legs") * 2}
SESSION_LABEL = {"full_body": ("Full body", "全身"), "upper": ("Upper body", "上肢"), "lower": ("Lower body", "下肢"),
                 "push": ("Push", "推"), "pull": ("Pull", "拉"), "legs": ("Legs", "腿"),
                 "cardio": ("Cardio & mobility", "有氧与灵活性")}
WEEKDAYS = (("Monday", "周一"), ("Tuesday", "周二"), ("Wednesday", "周三"), ("Thursday", "周四"),
            ("Friday", "周五"), ("Saturday", "周六"), ("Sunday", "周日"))
DAY_LAYOUT = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 4, 5), 6: (0, 1, 2, 3, 4, 5),
              7: (0, 1, 2, 3, 4, 5, 6)}
# Resistance days by experience (ACSM 2009: novice 2-3 d/wk, intermediate 3-4, advanced 4-6; SCIENCE.md
# "Frequency" summarises advanced as 4-5); by goal, days beyond these become cardio/mobility days.
MAX_RESISTANCE_DAYS = {"beginner": 3, "intermediate": 4, "advanced": 6}
GOAL_RESISTANCE_DAYS = {"fat_loss": (1, 2, 3, 3, 3, 4, 4), "endurance": (1, 2, 2, 2, 2, 3, 3),
                        "general_health": (1, 2, 3, 3, 3, 3, 3)}

# --- prescriptions (SCIENCE.md NSCA goal table; ACSM 2009 novices; ACSM 2011 for general health) -----
# (reps lo-hi, sets lo-hi, rest s, %1RM lo-hi, RPE lo-hi)
RX = {
    ("strength", "compound"): ((3, 5), (3, 5), 180, (85, 88), (8, 9)),           # NSCA strength 1-6 @85-100, 2-5 min
    ("strength", "isolation"): ((8, 12), (2, 3), 90, (67, 75), (7, 8)),          # accessories: hypertrophy row
    ("strength_novice", "compound"): ((6, 8), (3, 4), 150, (72, 80), (7, 8)),    # ACSM novice bridge to NSCA row
    ("strength_novice", "isolation"): ((10, 12), (2, 3), 60, (60, 70), (7, 8)),
    ("hypertrophy", "compound"): ((6, 10), (3, 4), 90, (70, 80), (7, 9)),        # NSCA 6-12 @67-85, 30-90 s
    ("hypertrophy", "isolation"): ((10, 12), (3, 4), 60, (67, 75), (8, 9)),
    ("hypertrophy_novice", "compound"): ((8, 12), (2, 3), 90, (67, 75), (7, 8)),  # ACSM novice 8-12 RM, 1-3 sets
    ("hypertrophy_novice", "isolation"): ((10, 12), (2, 3), 60, (67, 72), (7, 8)),
    ("fat_loss", "compound"): ((8, 12), (2, 4), 75, (65, 75), (7, 8)),           # ACSM 2009 + hypertrophy row
    ("fat_loss", "isolation"): ((10, 15), (2, 3), 45, (60, 70), (7, 8)),
    ("endurance", "compound"): ((12, 20), (2, 3), 30, (50, 65), (6, 7)),         # NSCA endurance <=67 %, <=30 s
    ("endurance", "isolation"): ((15, 20), (2, 3), 30, (50, 60), (6, 7)),
    ("general_health", "compound"): ((8, 12), (2, 3), 90, (60, 70), (6, 7)),     # ACSM 2011: 8-12 reps, 2-4 sets
    ("general_health", "isolation"): ((10, 15), (2, 3), 60, (55, 65), (6, 7)),
    ("older", "compound"): ((10, 15), (2, 3), 90, (50, 65), (5, 6)),             # ACSM 2011 older adults 10-15
    ("older", "isolation"): ((10, 15), (2, 3), 60, (50, 60), (5, 6)),
    ("conservative", "compound"): ((10, 15), (2, 3), 90, (40, 60), (5, 6)),      # PAR-Q yes, minors, pregnancy
    ("conservative", "isolation"): ((12, 15), (2, 3), 60, (40, 55), (5, 6)),
}
# Week-3 overload may add a set up to the top of the source row (NSCA strength/hypertrophy 6, endurance 3;
# ACSM 2011 health 4), above the planner's everyday set range.
OVERLOAD_MAX_SETS = {"strength": 6, "strength_novice": 4, "hypertrophy": 6, "hypertrophy_novice": 4, "fat_loss": 4,
                     "endurance": 3, "general_health": 4, "older": 3, "conservative": 3}
BODYWEIGHT_REPS = {"endurance": (12, 20), "default": (8, 15)}  # unloaded: to RPE 7-9 in 6-20 reps
HOLD_S = (20, 40)                     # isometric holds and carries, seconds per set
HOLD_REST_S = 45
# Weekly direct sets per major group (SCIENCE.md "Weekly volume": beginners 6-12, intermediates 10-20,
# over ~22 junk; ACSM 2011 general health 2-4 sets x 2-3 d = 4-12). Target is what the planner aims for.
VOLUME_RANGE = {"beginner": (6, 12), "intermediate": (10, 20), "advanced": (10, 22)}
VOLUME_RANGE_HEALTH = (4, 12)         # general_health, endurance, conservative plans
VOLUME_TARGET = {"beginner": 9, "intermediate": 13, "advanced": 15}
VOLUME_TARGET_HEALTH = 6
MINOR_TARGET = {"beginner": 3, "intermediate": 5, "advanced": 6}
MAX_SETS_PER_SESSION = 10             # SCIENCE.md: at most ~10 per muscle per session
EXERCISES_PER_SESSION = (4, 8)        # SCIENCE.md: 4-8 exercises per session
SET_INCREASE_MAX = 0.20               # SCIENCE.md: raise weekly sets by at most 20% per block
DELOAD_MAX_RATIO = 0.70               # deload week keeps at most 70% of week-1 sets
LOAD_STEP_PCT = {"lower": (5, 10), "upper": (2, 5)}  # ACSM 2009: +2-10% once the target is beaten by 1-2
# Session time model: time = warm-up + per exercise (setup + sets x (work + rest)) + cardio finisher.
REP_S = 3.0                           # s per rep at a 2-0-1 tempo
SETUP_S = {"compound": 60, "isolation": 30}
# WHO 2020: 150-300 min/week moderate aerobic activity.
CARDIO_TARGET_MIN = {"general_health": 150, "fat_loss": 225, "endurance": 300}
CARDIO_GOALS = tuple(CARDIO_TARGET_MIN)
WHO_RANGE_MIN = (150, 300)

SOURCES = ["ACSM (2009) Progression models in resistance training for healthy adults. MSSE 41:687-708",
           "ACSM (2011) Quantity and quality of exercise... Garber et al. MSSE 43:1334-1359",
           "NSCA Essentials of Strength Training and Conditioning, 4th ed. (goal table, secondary)",
           "IUSCA (2021) Resistance training prescription for muscle function, hypertrophy... (weekly sets)",
           "WHO (2020) Guidelines on physical activity and sedentary behaviour",
           "Tanaka H. et al. (2001) Age-predicted maximal heart rate revisited. JACC 37:153-156",
           "PAR-Q (2002) Physical Activity Readiness Questionnaire, CSEP"]
DISCLAIMER = {"en": "General fitness information, not medical advice. Stop if you feel pain, chest discomfort or "
                    "dizziness, and see a doctor before starting if you have a medical condition or injury.",
              "zh": "本计划为一般健身信息，不构成医疗建议。如出现疼痛、胸部不适或头晕请立即停止；"
                    "如有疾病或伤病，开始前请先咨询医生。"}


def _bi(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def _warmup_s(minutes: int) -> int:
    """General + specific warm-up: ~12% of the session, 3-8 min."""
    return int(min(480, max(180, minutes * 60 * 0.12)))


def _work_s(item: dict) -> float:
    """Time under work for one set, using the top of the range (conservative)."""
    return item["reps"][1] if item["unit"] == "s" else item["reps"][1] * REP_S


def _exercise_s(item: dict, sets: int) -> float:
    return SETUP_S[item["mechanic"]] + sets * (_work_s(item) + item["rest_s"])


def estimate_session_s(session: dict, minutes: int, week: int = 0) -> int:
    """Estimated session length in seconds for block week `week` (0-3)."""
    if session["kind"] == "cardio":
        return int(session["cardio"]["minutes"] * 60)
    total = _warmup_s(minutes) + sum(_exercise_s(it, it["sets_by_week"][week]) for it in session["exercises"])
    return int(total + 60 * (session.get("cardio") or {}).get("minutes", 0))


def is_loadable(ex) -> bool:
    """Load can be set in small steps (free weights, cables, machines): %1RM guidance applies."""
    return bool(set(ex.equipment) & LOADABLE) or any(e.endswith("_machine") or e == "t_bar_row" for e in ex.equipment)


def muscle_group(ex) -> str | None:
    """Group of the first primary muscle; trunk patterns (core_*, carries) always count as core."""
    if ex.pattern.startswith("core_") or ex.pattern == "carry":
        return "core"
    return GROUP_OF_MUSCLE.get(ex.primary_muscles[0]) if ex.primary_muscles else None


def sort_key(group: str, mechanic: str) -> int:
    """Large before small, multi-joint before single-joint, core last (SCIENCE.md "Order")."""
    if group == "core":
        return 4
    return (0 if mechanic == "compound" else 2) + (0 if group in MAJOR_GROUPS else 1)


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


def user_equipment(profile: TrainingProfile, kb) -> set[str] | None:
    """Equipment ids the user has (None = full gym), resolving names and aliases in en/zh."""
    if profile.equipment is None:
        return None
    lookup = {}
    for eq in kb.equipment.values():
        for word in (eq.id, eq.name.en, eq.name.zh, *eq.aliases.en, *eq.aliases.zh):
            lookup[str(word).strip().lower().replace(" ", "_").replace("-", "_")] = eq.id
    out = set()
    for name in profile.equipment:
        key = name.strip().lower()
        out.add(lookup.get(key, lookup.get(key.rstrip("s"), key)))
    return out


def eligible_exercises(profile: TrainingProfile, kb, patterns=STRENGTH_PATTERNS) -> list:
    """Exercises the user may do: equipment owned, no contraindicated area, level, not avoided."""
    have = user_equipment(profile, kb)
    hurt = set(profile.limitations)
    avoid = set(profile.avoid_exercises)
    levels = {"beginner"} if profile.conservative or profile.experience == "beginner" else \
        {"beginner", "intermediate"} if profile.experience == "intermediate" else \
        {"beginner", "intermediate", "advanced"}
    return [ex for ex in kb.exercises.values()
            if ex.pattern in patterns and ex.level in levels and not hurt & set(ex.contraindications)
            and ex.id not in avoid and (have is None or set(ex.equipment) <= have)]


def seed_for(profile: TrainingProfile, variation: int = 0) -> int:
    blob = json.dumps(profile.to_dict(), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(f"{blob}|{variation}".encode()).digest()[:8], "big")


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


# Preference by the user's level: mostly their own level, niche advanced skills (muscle-ups, pistols) rarely.
LEVEL_BONUS = {"beginner": {"beginner": 0.6}, "intermediate": {"intermediate": 0.6, "beginner": 0.3},
               "advanced": {"intermediate": 0.6, "beginner": 0.2, "advanced": -0.3}}


class _Picker:
    """Seeded exercise choice: favour list, variety across the week, right level, a little randomness."""

    def __init__(self, pool: list, profile: TrainingProfile, rng: random.Random):
        self.by_group: dict[str, list] = {}
        for ex in sorted(pool, key=lambda e: e.id):
            if muscle_group(ex) in GROUP_LABEL:
                self.by_group.setdefault(muscle_group(ex), []).append(ex)
        self.profile, self.rng, self.used = profile, rng, {}
        self.loaded = any(is_loadable(ex) for ex in pool)

    def candidates(self, group: str, session: dict) -> list:
        taken = {it["exercise_id"] for it in session["exercises"]}
        return [ex for ex in self.by_group.get(group, ()) if ex.id not in taken]

    def pick(self, group: str, session: dict, first: bool):
        cands = self.candidates(group, session)
        if first and group != "core" and any(ex.mechanic == "compound" for ex in cands):
            cands = [ex for ex in cands if ex.mechanic == "compound"]
        if not cands:
            return None
        p = self.profile
        taken_patterns = {it["pattern"] for it in session["exercises"] if it["group"] == group}

        def score(ex) -> float:
            s = self.rng.random() * 1.5 - 1.2 * self.used.get(ex.id, 0) * (0.5 if p.experience == "beginner" else 1)
            s += 4.0 if ex.id in p.favour_exercises else 0.0
            s -= 1.5 if ex.pattern in taken_patterns else 0.0
            s += LEVEL_BONUS[p.experience].get(ex.level, 0.0)
            s += 1.0 if self.loaded and is_loadable(ex) else 0.0  # adjustable load progresses best
            s += 0.8 if p.goal == "strength" and "barbell" in ex.equipment and ex.mechanic == "compound" else 0
            s += 0.4 if not first and ex.mechanic == "isolation" and p.goal == "hypertrophy" else 0
            return s - 0.2 * len(ex.equipment)

        best = max(cands, key=score)
        self.used[best.id] = self.used.get(best.id, 0) + 1
        return best


def _session_groups(kind: str, index: int) -> tuple[str, ...]:
    if kind == "full_body":
        return MAJOR_GROUPS + FULL_BODY_MINORS[index % 3]
    return SESSION_GROUPS[kind]


def _set_sets(item: dict, sets: int) -> None:
    item["sets"] = sets
    item["sets_by_week"] = [sets] * 4


def _group_sets(sessions: list[dict], week: int = 0) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in sessions:
        for it in s["exercises"]:
            out[it["group"]] = out.get(it["group"], 0) + it["sets_by_week"][week]
    return out


def _lift_s(session: dict, minutes: int) -> int:
    """Week-1 time without any cardio finisher: what is left for lifting decisions."""
    return _warmup_s(minutes) + int(sum(_exercise_s(it, it["sets"]) for it in session["exercises"]))


def room_for_set(session: dict, item: dict, profile: TrainingProfile, weekly_left: int) -> bool:
    """One more set of this exercise fits the time budget, its set range, the 10-set session cap for its
    group and the weekly ceiling (`weekly_left` sets before the group's weekly maximum)."""
    group_sets = sum(it["sets"] for it in session["exercises"] if it["group"] == item["group"])
    return (group_sets < MAX_SETS_PER_SESSION and weekly_left >= 1
            and item["sets"] < set_range(profile, item["mechanic"])[1]
            and _lift_s(session, profile.minutes_per_session) + _work_s(item) + item["rest_s"]
            <= profile.minutes_per_session * 60)


def room_for_exercise(session: dict, group: str, profile: TrainingProfile, candidates: list,
                      weekly_left: int) -> bool:
    """A new exercise for `group` (2 sets, the cheapest candidate) fits time, the 8-exercise cap, the 10-set
    session cap and the weekly ceiling (`weekly_left` sets before the group's weekly maximum)."""
    have = sum(it["sets"] for it in session["exercises"] if it["group"] == group)
    if (not candidates or len(session["exercises"]) >= EXERCISES_PER_SESSION[1]
            or have + 2 > MAX_SETS_PER_SESSION or weekly_left < 2):
        return False
    left = profile.minutes_per_session * 60 - _lift_s(session, profile.minutes_per_session)
    return min(_new_cost_s(ex, profile, 2) for ex in candidates) <= left


def _add_one_set(session: dict, group: str, profile: TrainingProfile, weekly_left: int) -> bool:
    for it in session["exercises"]:
        if it["group"] == group and room_for_set(session, it, profile, weekly_left):
            _set_sets(it, it["sets"] + 1)
            return True
    return False


def _add_exercise(session: dict, group: str, profile: TrainingProfile, picker: _Picker, weekly_left: int) -> bool:
    cands = picker.candidates(group, session)
    if not room_for_exercise(session, group, profile, cands, weekly_left):
        return False
    have = sum(it["sets"] for it in session["exercises"] if it["group"] == group)
    left = profile.minutes_per_session * 60 - _lift_s(session, profile.minutes_per_session)
    chosen = picker.pick(group, session, first=have == 0)
    for ex in (chosen, min(cands, key=lambda e: (_new_cost_s(e, profile, 2), e.id))):
        for n in sorted({set_range(profile, ex.mechanic)[0], 2}, reverse=True):
            if n + have <= MAX_SETS_PER_SESSION and n <= weekly_left and _new_cost_s(ex, profile, n) <= left:
                if ex is not chosen:
                    picker.used[ex.id] = picker.used.get(ex.id, 0) + 1
                session["exercises"].append(_make_item(ex, profile, n))
                _order(session)
                return True
    return False  # unreachable in practice: room_for_exercise guaranteed the cheapest fits


def _order(session: dict) -> None:
    session["exercises"].sort(key=lambda it: sort_key(it["group"], it["mechanic"]))
    for i, it in enumerate(session["exercises"], 1):
        it["order"] = i


def _trim(session: dict, profile: TrainingProfile) -> None:
    """Cut volume until the session fits its time budget, least important work first."""
    items, minutes, budget = session["exercises"], profile.minutes_per_session, profile.minutes_per_session * 60
    fits = lambda: _lift_s(session, minutes) <= budget  # noqa: E731
    lo = lambda it: set_range(profile, it["mechanic"])[0]  # noqa: E731

    def shrink(pred, floor_of) -> bool:
        cands = [it for it in items if pred(it) and it["sets"] > floor_of(it)]
        if cands:
            it = max(reversed(cands), key=lambda x: x["sets"])
            _set_sets(it, it["sets"] - 1)
        return bool(cands)

    def drop(pred) -> bool:
        cands = [it for it in items if pred(it)]
        if cands and len(items) > 1:
            items.remove(cands[-1])
            return True
        return False

    def second(it) -> bool:
        return any(o["group"] == it["group"] for o in items[:items.index(it)])

    minor = lambda it: it["group"] not in MAJOR_GROUPS  # noqa: E731
    for step in (lambda: shrink(minor, lo), lambda: drop(minor), lambda: shrink(lambda it: True, lo),
                 lambda: drop(second), lambda: shrink(lambda it: True, lambda it: 2), lambda: drop(lambda it: True)):
        while not fits() and step():
            pass
        if fits():
            break
    _order(session)


def _build_resistance(kind: str, index: int, profile: TrainingProfile, picker: _Picker,
                      per_session: dict[str, int]) -> dict:
    """Exercises for one session: each group's sets over 1-3 exercises, at most 8, then fit to time."""
    groups = [g for g in _session_groups(kind, index) if picker.by_group.get(g) and per_session.get(g)]
    c_lo, c_hi = set_range(profile, "compound")
    sets = {g: per_session[g] for g in groups}
    # as few exercises as cover the sets, each with at least the row minimum (5 sets -> one exercise of 4)
    n_ex = {g: max(1, min(3, math.ceil(sets[g] / c_hi), sets[g] // c_lo)) for g in groups}
    while sum(n_ex.values()) > EXERCISES_PER_SESSION[1]:
        minors = [g for g in groups if g not in MAJOR_GROUPS and n_ex[g]]
        g = minors[-1] if minors else max(reversed(groups), key=lambda x: n_ex[x])
        n_ex[g] = 0 if g in minors else n_ex[g] - 1
        sets[g] = min(sets[g], n_ex[g] * c_hi)
    session = {"kind": "resistance", "split": kind, "groups": list(_session_groups(kind, index)), "exercises": []}
    for g in groups:
        n = n_ex[g]
        for k in range(n):
            share = max(c_lo if g in MAJOR_GROUPS else 2, sets[g] // n + (1 if k < sets[g] % n else 0))
            ex = picker.pick(g, session, first=k == 0)
            if ex is None:
                break
            session["exercises"].append(_make_item(ex, profile, min(share, set_range(profile, ex.mechanic)[1])))
    _order(session)
    _trim(session, profile)
    return session


def _fill(sessions: list[dict], profile: TrainingProfile, picker: _Picker, trainable: list[str]) -> None:
    """Top up where time allows: weekly floors, twice-a-week frequency, set minimums, 4 exercises."""
    lo, hi = volume_range(profile)
    left = lambda g: hi - _group_sets(sessions).get(g, 0)  # noqa: E731
    for g in trainable:
        targets = [s for s in sessions if g in s["groups"]]
        progress = True
        while _group_sets(sessions).get(g, 0) < lo and progress:
            progress = False
            for s in sorted(targets, key=lambda s: _group_sets([s]).get(g, 0)):
                if _add_one_set(s, g, profile, left(g)) or _add_exercise(s, g, profile, picker, left(g)):
                    progress = True
                    break
        for s in targets:
            if not any(it["group"] == g for it in s["exercises"]):
                _add_exercise(s, g, profile, picker, left(g))
    for s in sessions:
        order = [*dict.fromkeys((*s["groups"], *MINOR_GROUPS))]
        progress = True
        while len(s["exercises"]) < EXERCISES_PER_SESSION[0] and progress:
            absent = [g for g in order if not any(it["group"] == g for it in s["exercises"])]
            progress = any(_add_exercise(s, g, profile, picker, left(g)) for g in absent + order)
    for s in sessions:
        for it in s["exercises"]:
            while (it["sets"] < set_range(profile, it["mechanic"])[0]
                   and room_for_set(s, it, profile, left(it["group"]))):
                _set_sets(it, it["sets"] + 1)


def _progress_block(sessions: list[dict], profile: TrainingProfile) -> None:
    """Weeks 1-2 as built, week 3 adds a set to main lifts (≤20 % per group), week 4 deloads (≤70 %)."""
    hi = volume_range(profile)[1]
    base = _group_sets(sessions)
    extra: dict[str, int] = {}
    escalate = not profile.conservative and profile.experience != "beginner"
    for s in sessions:
        session_sets = _group_sets([s])
        for it in s["exercises"]:
            n, g = it["sets"], it["group"]
            it["sets_by_week"] = [n, n, n, max(1, n - 1 if n <= 3 else (n + 1) // 2)]
            room = math.floor(base[g] * (1 + SET_INCREASE_MAX)) - base[g] - extra.get(g, 0)
            if (escalate and g in MAJOR_GROUPS and room >= 1 and base[g] + extra.get(g, 0) < hi
                    and n < OVERLOAD_MAX_SETS[_rx_key(profile)] and session_sets[g] < MAX_SETS_PER_SESSION):
                it["sets_by_week"][2] = n + 1
                if estimate_session_s(s, profile.minutes_per_session, 2) <= profile.minutes_per_session * 60:
                    extra[g] = extra.get(g, 0) + 1
                    session_sets[g] += 1
                else:
                    it["sets_by_week"][2] = n


def _cardio_block(ex, minutes: int, age: int) -> dict:
    hr_max = 208 - 0.7 * age  # Tanaka 2001
    return {"exercise_id": ex.id if ex else "brisk_walking",
            "name": ex.name.to_dict() if ex else _bi("Brisk walking", "快走"), "minutes": int(minutes),
            "intensity": "moderate", "heart_rate_bpm": [round(hr_max * 0.64), round(hr_max * 0.76)],  # ACSM 64-76%
            "text": _bi("Moderate: RPE 5-6, you can talk but not sing.", "中等强度：RPE 5-6，能说话但不能唱歌。")}


def _cardio_exercise(profile: TrainingProfile, kb, rng: random.Random):
    pool = sorted((ex for ex in eligible_exercises(profile, kb, {"cardio"}) if ex.level == "beginner"),
                  key=lambda e: e.id)
    return rng.choice(pool) if pool else None


def _mobility(profile: TrainingProfile, kb, rng: random.Random) -> list[dict]:
    pool = sorted(eligible_exercises(profile, kb, {"mobility"}), key=lambda e: e.id)
    return [{"exercise_id": ex.id, "name": ex.name.to_dict()} for ex in rng.sample(pool, min(2, len(pool)))]


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


def _note(code: str, en: str, zh: str) -> dict:
    """A bilingual note with a code, so the validator can check the plan said what it must."""
    return {"code": code, "en": en, "zh": zh}


def _assemble(profile: TrainingProfile, week: list[dict], seed: int, variation: int, trainable: list[str],
              freq: dict) -> dict:
    sessions = [s for s in week if s["kind"] == "resistance"]
    lo, hi = volume_range(profile)
    weekly = {g: _group_sets(sessions).get(g, 0) for g in GROUP_LABEL}
    indirect: dict[str, float] = {}
    for s in sessions:
        for it in s["exercises"]:
            for g in {GROUP_OF_MUSCLE.get(m) for m in it["secondary_muscles"]} - {None, it["group"]}:
                indirect[g] = indirect.get(g, 0) + 0.5 * it["sets"]
    notes, warnings = [], []
    missing = [GROUP_LABEL[g] for g in MAJOR_GROUPS if g not in trainable]
    if missing:
        warnings.append(_bi(f"No safe exercise with your equipment and limitations for: "
                            f"{', '.join(n[0] for n in missing)}. Ask a physiotherapist for rehab exercises.",
                            f"根据你的器械和伤病限制，以下部位没有安全的练习：{'、'.join(n[1] for n in missing)}。请咨询康复师。"))
    if len(sessions) == 1:
        notes.append(_note("one_day",
                         "With one training day a week each muscle is trained once, not the recommended twice "
                         "(ACSM/WHO); add a second day when you can.",
                         "每周只练一天时每个部位只练一次，达不到建议的每周两次（ACSM/WHO）；条件允许时请增加到两天。"))
    short = [g for g in trainable if weekly[g] < lo]
    rare = [g for g in trainable if len(sessions) > 1 and sum(any(it["group"] == g for it in s["exercises"])
                                                              for s in sessions) < 2]
    if short or rare:
        names = [GROUP_LABEL[g] for g in dict.fromkeys(short + rare)]
        notes.append(_note("time_limited", f"Your session time cannot hold {lo}+ weekly sets, twice a week, for: "
                         f"{', '.join(n[0] for n in names)}; longer or more sessions would fix it.",
                         f"受每次训练时长限制，以下部位达不到每周 {lo} 组以上、每周两次：{'、'.join(n[1] for n in names)}；"
                         "延长训练时间或增加训练天数即可改善。"))
    if len(sessions) < profile.days_per_week:
        notes.append(_note("resistance_days",
                         f"{len(sessions)} resistance days suit your goal and level (ACSM 2009); the other days "
                         "are cardio and mobility.",
                         f"按你的目标和水平，每周 {len(sessions)} 天力量训练较合适（ACSM 2009），其余天安排有氧和灵活性练习。"))
    if profile.place == "home" and not profile.equipment:
        notes.append(_note("home_bodyweight",
                         "No home equipment listed, so this is a bodyweight plan; list what you have (dumbbells, "
                         "bands, a bench...) for more options.",
                         "未列出家用器械，因此这是自重计划；列出你拥有的器械（哑铃、弹力带、凳子等）可获得更多选择。"))
    if profile.age >= 65:
        notes.append(_note("older_adult", "Add balance training on 3 or more days a week (WHO 2020, older adults).",
                         "每周至少 3 天加入平衡训练（WHO 2020 老年人建议）。"))
    if profile.is_minor:
        notes.append(_note("minor", "Under 18: train with qualified supervision, technique first, no maximal lifts.",
                         "未满 18 岁：请在专业人员指导下训练，先学技术，不做极限重量。"))
    if profile.pregnant:
        notes.append(_note("pregnancy",
                         "Pregnancy: avoid lying flat on your back after the first trimester, contact and fall "
                         "risks; follow your obstetrician's advice (ACOG 2020).",
                         "孕期：孕早期之后避免仰卧、避免对抗和易跌倒的运动；遵循产科医生建议（ACOG 2020）。"))
    referral = None
    if profile.needs_referral:
        referral = _bi("You answered yes to a PAR-Q question, reported symptoms or pregnancy: see a physician "
                       "before starting. This plan stays light and does not escalate until you are cleared.",
                       "你在 PAR-Q 中回答了“是”、报告了症状或正处于孕期：开始前请先咨询医生。在获得许可前，本计划保持低强度且不加量。")
    if profile.acute_symptoms:
        warnings.append(_bi("Acute symptoms: do not train until a doctor has seen you.", "有急性症状：就医前请勿训练。"))
    cardio_target = CARDIO_TARGET_MIN.get(profile.goal, WHO_RANGE_MIN[0])
    scheduled = sum((s.get("cardio") or {}).get("minutes", 0) for s in week)
    extra = max(0, cardio_target - scheduled)
    splits = list(dict.fromkeys(s["split"] for s in sessions))
    hold = profile.conservative
    return {
        "kind": "training_plan", "version": 1, "profile": profile.to_dict(), "seed": seed, "variation": variation,
        "split": {"name": "+".join(splits), "kinds": [s["split"] for s in sessions], "resistance_days": len(sessions),
                  "days_per_week": profile.days_per_week,
                  "label": _bi(" + ".join(SESSION_LABEL[k][0] for k in splits),
                               " + ".join(SESSION_LABEL[k][1] for k in splits))},
        "group_labels": {g: _bi(*GROUP_LABEL[g]) for g in GROUP_LABEL},
        "sessions": week, "weekly_sets": weekly, "weekly_sets_indirect": indirect,
        "weekly_sets_by_week": [_group_sets(sessions, w) for w in range(4)],
        "volume_range": [lo, hi], "frequency": {g: freq[g] for g in MAJOR_GROUPS}, "trainable_groups": trainable,
        "cardio": {"target_min_per_week": cardio_target, "scheduled_min": scheduled, "extra_walking_min": extra,
                   "text": _bi(f"Aim for {cardio_target} min/week of moderate activity (WHO: 150-300). "
                               f"{scheduled} min are in the plan; add {extra} min of brisk walking on other days.",
                               f"每周目标 {cardio_target} 分钟中等强度活动（WHO：150-300 分钟）。计划内已安排 {scheduled} 分钟，"
                               f"其余 {extra} 分钟可在其他日子快走补足。")},
        "block": {"escalates": not hold, "weeks": [
            {"week": 1, "focus": _bi("Base: learn the lifts, finish each set with 2-3 reps in reserve.",
                                     "基础周：熟悉动作，每组保留 2-3 次余力。")},
            {"week": 2, "focus": _bi("Progress: add reps; add load once the top of the range is beaten by 1-2.",
                                     "进阶周：增加次数；超出次数上限 1-2 次后再加重。")},
            {"week": 3, "focus": _bi("Hold: repeat week 2 (no escalation until cleared)." if hold else
                                     "Overload: one extra set on main lifts where time allows (≤ 20 % more sets).",
                                     "保持周：重复第 2 周（获许可前不加量）。" if hold else
                                     "超负荷周：时间允许时主项多做一组（总组数增加不超过 20%）。")},
            {"week": 4, "focus": _bi("Deload: about half the sets, load −10-20 %, RPE 5-6; then start a new block.",
                                     "减量周：组数约减半，负荷降低 10-20%，RPE 5-6；之后开始新周期。")}]},
        "notes": notes, "warnings": warnings, "referral": referral, "disclaimer": DISCLAIMER, "sources": SOURCES,
    }


# --- validator ------------------------------------------------------------------------------------
TRAINING_RULES = {
    "split": _bi("Split by days: 1-3 full body, 4 upper/lower, 5 push/pull/legs/upper/lower, 6 push/pull/legs x2; "
                 "resistance days capped by level (ACSM 2009) and goal, the rest cardio.",
                 "按天数分化：1-3 天全身，4 天上下肢，5 天推拉腿+上下肢，6 天推拉腿×2；力量训练天数按水平和目标封顶，其余为有氧。"),
    "safety": _bi("Only owned equipment, never an exercise loading a limited area or on the avoid list, "
                  "level-appropriate.",
                  "只用已有器械，绝不选择加重伤病部位或被排除的动作，难度与水平相符。"),
    "prescription": _bi("Reps, load and rest follow the NSCA goal table (novices ACSM 2009, health ACSM 2011); "
                        "RPE ≤ 9.",
                        "次数、负荷与休息遵循 NSCA 目标表（新手 ACSM 2009，健康 ACSM 2011）；RPE ≤ 9。"),
    "sets": _bi("Sets per exercise within the goal row; below its minimum only when no set more fits the session.",
                "每个动作组数在目标范围内；只有时间不够时才低于下限。"),
    "count": _bi("4-8 exercises per session; fewer only when no further exercise fits the time.",
                 "每次 4-8 个动作；只有时间不够时才少于 4 个。"),
    "order": _bi("Multi-joint before single-joint, large before small, core last.", "多关节先于单关节，大肌群先于小肌群，核心最后。"),
    "time": _bi("Every session, every block week, fits the minutes per session.", "每次训练（每个周期周）都不超过设定时长。"),
    "per_session": _bi("At most 10 sets per muscle group per session.", "每个肌群每次不超过 10 组。"),
    "volume": _bi("Weekly direct sets per major group within the range for level and goal; below the floor only when "
                  "no session holds another set, and the plan says so.",
                  "每个主要肌群每周直接组数在水平和目标对应范围内；只有时间装不下时才低于下限，并在计划中说明。"),
    "frequency": _bi("Each major group trained on 2+ days when there are 2+ resistance days (unless time can't "
                     "hold it); "
                     "with 1 day the plan says twice a week is not met.",
                     "力量训练 2 天及以上时每个主要肌群每周至少练 2 次（时间不够除外）；只有 1 天时计划会说明。"),
    "block": _bi("4-week block: weeks 1-2 same sets, week 3 at most +20 % sets per group, week 4 deload ≤ 70 %; "
                 "every exercise has a progression and deload rule; no escalation in conservative plans.",
                 "4 周周期：第 1-2 周组数相同，第 3 周每个肌群最多增加 20%，第 4 周减量至 70% 以下；每个动作都有进阶和减量规则；保守计划不加量。"),
    "cardio": _bi("Cardio goals schedule or prescribe 150-300 min/week moderate activity (WHO 2020).",
                  "有氧类目标每周安排或建议 150-300 分钟中等强度活动（WHO 2020）。"),
    "referral": _bi("PAR-Q yes, acute symptoms or pregnancy: conservative plan with a referral.",
                    "PAR-Q 回答“是”、有急性症状或怀孕：保守计划并建议就医。"),
    "meta": _bi("Plan carries bilingual names, a disclaimer and sources.", "计划包含双语名称、免责声明和来源。"),
}


def _check_item(it: dict, profile: TrainingProfile, bad) -> None:
    """Independent envelope checks from the NSCA table, not a copy of RX."""
    key, name = _rx_key(profile), it["exercise_id"]
    lo, hi = it["reps"]
    rpe_hi = it["load"]["rpe"][1]
    if rpe_hi > 9 or (profile.conservative and rpe_hi > 6):
        bad("prescription", f"{name}: RPE {rpe_hi} too high")
    if not 30 <= it["rest_s"] <= 300 and not (key == "endurance" and it["rest_s"] == 30):
        bad("prescription", f"{name}: rest {it['rest_s']} s outside 30-300 s")
    if it["unit"] == "s":
        if not 10 <= lo <= hi <= 60:
            bad("prescription", f"{name}: hold {lo}-{hi} s outside 10-60 s")
        return
    if it["load"]["type"] != "pct_1rm":
        if not 6 <= lo <= hi <= 25 or it["rest_s"] > 90:
            bad("prescription", f"{name}: bodyweight reps {lo}-{hi} / rest {it['rest_s']} s outside 6-25 / ≤90 s")
        return
    p_lo, p_hi = it["load"]["pct_1rm"]
    checks = {  # (reps lo, reps hi, %1RM lo, %1RM hi, rest lo, rest hi) per NSCA row / ACSM
        ("strength", "compound"): (1, 6, 85, 100, 120, 300), ("strength", "isolation"): (6, 12, 67, 85, 30, 90),
        ("hypertrophy", None): (6, 12, 67, 85, 30, 90), ("hypertrophy_novice", None): (6, 12, 67, 85, 30, 90),
        ("strength_novice", None): (6, 12, 60, 85, 30, 180), ("endurance", None): (12, 30, 30, 67, 0, 30),
        ("fat_loss", None): (8, 15, 60, 80, 30, 90), ("general_health", None): (8, 15, 50, 75, 30, 120),
        ("older", None): (10, 15, 40, 70, 30, 120), ("conservative", None): (10, 20, 30, 60, 30, 120)}
    r_lo, r_hi, q_lo, q_hi, s_lo, s_hi = checks.get((key, it["mechanic"])) or checks[(key, None)]
    if not (r_lo <= lo <= hi <= r_hi and q_lo <= p_lo <= p_hi <= q_hi and s_lo <= it["rest_s"] <= s_hi):
        bad("prescription", f"{name}: {lo}-{hi} reps @ {p_lo}-{p_hi}% rest {it['rest_s']} s outside "
                            f"{r_lo}-{r_hi} reps @ {q_lo}-{q_hi}% rest {s_lo}-{s_hi} s ({key})")
    inc = it.get("load_increase_pct")
    if not inc or not 2 <= inc[0] <= inc[1] <= 10:
        bad("block", f"{name}: load increase {inc} outside ACSM 2-10 %")


def validate_training_plan(plan: dict, profile: TrainingProfile | dict, kb=None) -> list[str]:
    """Every rule in TRAINING_RULES the plan breaks, as '[rule] detail' strings; [] means valid."""
    problems: list[str] = []
    bad = lambda rule, msg: problems.append(f"[{rule}] {msg}")  # noqa: E731
    profile = parse_training_profile(profile)
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    try:
        _validate(plan, profile, kb, bad)
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        bad("meta", f"malformed plan: {type(exc).__name__}: {exc}")
    return problems


def _validate(plan: dict, profile: TrainingProfile, kb, bad) -> None:
    minutes, budget = profile.minutes_per_session, profile.minutes_per_session * 60
    week = plan["sessions"]
    sessions = [s for s in week if s["kind"] == "resistance"]
    n_res = resistance_days(profile)
    if [s["split"] for s in sessions] != list(SPLITS[n_res]) or len(week) != profile.days_per_week:
        bad("split", f"splits {[s['split'] for s in sessions]} / {len(week)} days; expected {SPLITS[n_res]} "
                     f"/ {profile.days_per_week}")
    days = [s["day"] for s in week]
    if days != sorted(set(days)) or not all(0 <= d <= 6 for d in days):
        bad("split", f"days {days} not distinct weekdays in order")
    pool = {ex.id: ex for ex in eligible_exercises(profile, kb)}
    have = user_equipment(profile, kb)
    by_group: dict[str, list] = {}
    for ex in pool.values():
        by_group.setdefault(muscle_group(ex), []).append(ex)
    lo, hi = volume_range(profile)
    weekly = _group_sets(sessions)
    for s in week:
        for w in range(4):
            if estimate_session_s(s, minutes, w) > budget:
                bad("time", f"{s['label']['en']}: week {w + 1} needs {estimate_session_s(s, minutes, w) / 60:.1f} "
                            f"min > {minutes}")
        if s["estimated_min"] != math.ceil(estimate_session_s(s, minutes) / 60):
            bad("time", f"{s['label']['en']}: estimated_min does not match the time model")
        if s.get("cardio"):
            c = s["cardio"]
            ex = kb.exercises.get(c["exercise_id"])
            if ex and (set(ex.contraindications) & set(profile.limitations) or
                       (have is not None and not set(ex.equipment) <= have)):
                bad("safety", f"cardio {c['exercise_id']} loads a limited area or needs missing equipment")
            if c["intensity"] != "moderate" or c["minutes"] <= 0:
                bad("cardio", f"cardio block {c}")
        for m in s.get("warmup", {}).get("mobility", []):
            ex = kb.exercises.get(m["exercise_id"])
            if ex is None or set(ex.contraindications) & set(profile.limitations):
                bad("safety", f"warm-up drill {m['exercise_id']} unknown or contraindicated")
    for s in sessions:
        items = s["exercises"]
        label = s["label"]["en"]
        ids = [it["exercise_id"] for it in items]
        if len(ids) != len(set(ids)):
            bad("safety", f"{label}: an exercise appears twice")
        keys = [sort_key(it["group"], it["mechanic"]) for it in items]
        if keys != sorted(keys):
            bad("order", f"{label}: order {ids}")
        for it in items:
            ex = kb.exercises.get(it["exercise_id"])
            if ex is None:
                bad("safety", f"{label}: unknown exercise {it['exercise_id']}")
                continue
            if set(ex.contraindications) & set(profile.limitations):
                bad("safety", f"{ex.id} loads {set(ex.contraindications) & set(profile.limitations)}")
            if have is not None and not set(ex.equipment) <= have:
                bad("safety", f"{ex.id} needs {set(ex.equipment) - have}")
            if ex.id not in pool:
                bad("safety", f"{ex.id} is not eligible (level, pattern or avoid list)")
            if it["group"] != muscle_group(ex) or it["mechanic"] != ex.mechanic:
                bad("meta", f"{ex.id}: group/mechanic do not match the knowledge base")
            if not (it["name"].get("en") and it["name"].get("zh")):
                bad("meta", f"{ex.id}: missing bilingual name")
            _check_item(it, profile, bad)
            s_lo, s_hi = set_range(profile, it["mechanic"])
            if not 2 <= it["sets"] <= s_hi or (it["sets"] < s_lo and room_for_set(s, it, profile,
                                                                             hi - weekly.get(it["group"], 0))):
                bad("sets", f"{label}: {ex.id} has {it['sets']} sets (range {s_lo}-{s_hi}) and time allows more")
            _check_item_block(it, profile, bad)
        if len(items) > EXERCISES_PER_SESSION[1] or (len(items) < EXERCISES_PER_SESSION[0] and any(
                room_for_exercise(s, g, profile, [e for e in by_group.get(g, ()) if e.id not in ids],
                                  hi - weekly.get(g, 0)) for g in {*s["groups"], *MINOR_GROUPS})):
            bad("count", f"{label}: {len(items)} exercises")
        for w in range(4):
            for g, n in _group_sets([s], w).items():
                if n > MAX_SETS_PER_SESSION:
                    bad("per_session", f"{label}: {g} has {n} sets in week {w + 1}")
    _check_week(plan, profile, sessions, by_group, bad)


def _check_item_block(it: dict, profile: TrainingProfile, bad) -> None:
    w = it["sets_by_week"]
    if len(w) != 4 or w[0] != it["sets"] or w[1] != w[0] or w[2] < w[0] or w[3] < 1 or w[3] >= w[0]:
        bad("block", f"{it['exercise_id']}: sets by week {w}")
    if w[2] > max(w[0], OVERLOAD_MAX_SETS[_rx_key(profile)]):
        bad("block", f"{it['exercise_id']}: week-3 sets {w[2]} above the goal row maximum")
    if profile.conservative and w[2] != w[0]:
        bad("block", f"{it['exercise_id']}: escalates in a conservative plan")
    if not (it.get("progression", {}).get("en") and it.get("deload", {}).get("zh")):
        bad("block", f"{it['exercise_id']}: missing progression or deload rule")


def _check_week(plan: dict, profile: TrainingProfile, sessions: list[dict], by_group: dict, bad) -> None:
    lo, hi = volume_range(profile)
    weeks = [_group_sets(sessions, w) for w in range(4)]
    for g in GROUP_LABEL:
        base = weeks[0].get(g, 0)
        if max(weeks[0].get(g, 0), weeks[2].get(g, 0)) > hi:
            bad("volume", f"{g}: {weeks[2].get(g, 0)} weekly sets > {hi}")
        if weeks[2].get(g, 0) > base * (1 + SET_INCREASE_MAX) + 1e-9:
            bad("block", f"{g}: week 3 {weeks[2].get(g, 0)} sets > +20 % of {base}")
        if base and weeks[3].get(g, 0) > DELOAD_MAX_RATIO * base + 1e-9:
            bad("block", f"{g}: deload {weeks[3].get(g, 0)} > 70 % of {base}")
    if plan["weekly_sets"] != {g: weeks[0].get(g, 0) for g in GROUP_LABEL}:
        bad("volume", "weekly_sets does not match the sessions")
    trainable = [g for g in MAJOR_GROUPS if by_group.get(g)]
    if sorted(plan["trainable_groups"]) != sorted(trainable):
        bad("volume", f"trainable groups {plan['trainable_groups']} != {trainable}")

    def full(g: str) -> bool:
        hosts = [s for s in sessions if g in s["groups"]]
        return all(not any(room_for_set(s, it, profile, hi - weeks[0].get(g, 0))
                           for it in s["exercises"] if it["group"] == g)
                   and not room_for_exercise(s, g, profile, [e for e in by_group.get(g, ()) if e.id not in
                                                             {it["exercise_id"] for it in s["exercises"]}],
                                             hi - weeks[0].get(g, 0))
                   for s in hosts)

    codes = {n.get("code") for n in plan["notes"]}
    for g in trainable:
        if weeks[0].get(g, 0) < lo and not (full(g) and "time_limited" in codes):
            bad("volume", f"{g}: {weeks[0].get(g, 0)} weekly sets < {lo} although time allows more")
        days_hit = sum(any(it["group"] == g for it in s["exercises"]) for s in sessions)
        if len(sessions) >= 2 and days_hit < 2 and not (full(g) and "time_limited" in codes):
            bad("frequency", f"{g}: trained on {days_hit} day(s)")
    if len(sessions) == 1 and "one_day" not in codes:
        bad("frequency", "one resistance day but no note that twice a week is not met")
    if (profile.needs_referral and not plan.get("referral")) or (profile.conservative and plan["block"]["escalates"]):
        bad("referral", "conservative profile without referral or with escalation")
    if profile.goal in CARDIO_GOALS:
        c = plan["cardio"]
        if not WHO_RANGE_MIN[0] <= c["target_min_per_week"] <= WHO_RANGE_MIN[1] or \
                c["scheduled_min"] + c["extra_walking_min"] < c["target_min_per_week"]:
            bad("cardio", f"cardio {c['target_min_per_week']} / {c['scheduled_min']} + {c['extra_walking_min']} min")
    if not (plan["disclaimer"].get("en") and plan["disclaimer"].get("zh") and plan["sources"]):
        bad("meta", "missing disclaimer or sources")


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


# --- lagent adapter ----------------------------------------------------------------------------------
try:  # the agent layer is optional for the domain functions above
    from lagent.actions import BaseAction, tool_api
except ImportError:  # pragma: no cover
    BaseAction = None

if BaseAction is not None:
    class TrainingPlanner(BaseAction):
        """Build an evidence-based weekly resistance-training plan (sets, reps, rest, load) with a 4-week block."""

        def __init__(self, kb=None, **kwargs):
            super().__init__(**kwargs)
            self._kb = kb

        @tool_api
        def run(self, goal: str, days_per_week: int, minutes_per_session: int, age: int,
                experience: str = "beginner", place: str = "gym", equipment: str = "", limitations: str = "",
                lang: str = "en") -> dict:
            """Plan a training week for the user.

            Args:
                goal (str): strength, hypertrophy, fat_loss, endurance or general_health (增肌/减脂 accepted)
                days_per_week (int): training days per week, 1-7
                minutes_per_session (int): minutes available per session, 15-180
                age (int): age in years, 13-100
                experience (str): beginner, intermediate or advanced
                place (str): gym, home or bodyweight
                equipment (str): comma-separated equipment at home, e.g. "dumbbell, resistance band"; empty at a gym
                limitations (str): comma-separated injured areas, e.g. "knee, lower back"; empty if none
                lang (str): "en" or "zh", the language of the reply
            """
            from tools.profiles import ProfileError

            profile = {"goal": goal, "days_per_week": days_per_week, "minutes_per_session": minutes_per_session,
                       "age": age, "experience": experience, "place": place, "limitations": limitations or None,
                       "equipment": equipment or None}
            try:
                return summarize_training(plan_training_week(profile, self._kb), lang)
            except ProfileError as err:
                return err.to_action_return()
