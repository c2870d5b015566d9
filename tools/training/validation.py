"""validate_training_plan: every rule a plan must meet, stated independently of the builder."""
from __future__ import annotations

import math

from tools.profiles import TrainingProfile, parse_training_profile
from tools.training.rules import OWN_SPORT_GOALS, CARDIO_GOALS, DELOAD_MAX_RATIO, EXERCISES_PER_SESSION, GROUP_LABEL, MAJOR_GROUPS, MAX_SETS_PER_SESSION, MINOR_GROUPS, OVERLOAD_MAX_SETS, RX, SET_INCREASE_MAX, SPLITS, WHO_RANGE_MIN, _bi
from tools.training.timing import estimate_session_s
from tools.training.demands import blocked, modification
from tools.training.selection import eligible_exercises, muscle_group, role_of, sort_key, user_equipment
from tools.training.prescription import uses_pct_1rm, _rx_key, resistance_days, set_range, volume_range
from tools.training.session import _group_sets, room_for_exercise, room_for_set


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


# Envelopes by role, independent of RX: (reps lo, reps hi, rest lo s, rest hi s). NSCA goal table; SCIENCE.md
# "Prescription by exercise role" (small muscles 10-20 by effort); plyometrics 3-8 contacts with full rest.
ROLE_ENVELOPE = {"main": (1, 15, 60, 300), "secondary": (5, 15, 60, 180), "isolation": (8, 20, 30, 90),
                 "power": (3, 8, 60, 180)}
# %1RM rows by goal for main lifts: (reps hi, %1RM lo, %1RM hi) - NSCA strength 85-100 @ <=6, hypertrophy
# 67-85 @ 6-12, heavy strength for endurance athletes >= 80 % @ <= 6 (Ronnestad & Mujika 2014).
PCT_ROWS = {"strength": (6, 85, 100), "hypertrophy": (12, 67, 85), "fat_loss": (12, 65, 80),
            "general_health": (12, 55, 75), "endurance": (6, 80, 90), "sport": (6, 75, 90)}


def _check_item(it: dict, profile: TrainingProfile, bad) -> None:
    """Envelope checks by role and population; %1RM only for main lifts of trained adults."""
    key, name, role = _rx_key(profile), it["exercise_id"], it["role"]
    lo, hi = it["reps"]
    rpe_hi = it["load"]["rpe"][1]
    cap = 6 if key in ("conservative", "child") else 7 if key in ("youth", "older") else 9
    if rpe_hi > cap:
        bad("prescription", f"{name}: RPE {rpe_hi} > {cap} ({key})")
    if it["load"]["type"] == "pct_1rm" and (role != "main" or not uses_pct_1rm(profile)):
        bad("prescription", f"{name}: %1RM for a {role} exercise ({key}); use reps and effort")
    if it["unit"] == "s":
        if not 10 <= lo <= hi <= 60 or not 30 <= it["rest_s"] <= 90:
            bad("prescription", f"{name}: hold {lo}-{hi} s / rest {it['rest_s']} s outside 10-60 s / 30-90 s")
        return
    r_lo, r_hi, s_lo, s_hi = ROLE_ENVELOPE[role]
    if key in ("youth", "child") and role != "power":
        r_lo, r_hi = 6, 15  # NSCA youth 6-15
    if it["load"]["type"] == "rpe" and not it["equipment"] and role != "power":
        r_lo, r_hi, s_hi = 6, 25, min(s_hi, 90)  # bodyweight: reps to effort
    if not (r_lo <= lo <= hi <= r_hi and s_lo <= it["rest_s"] <= s_hi):
        bad("prescription", f"{name}: {lo}-{hi} reps, rest {it['rest_s']} s outside {r_lo}-{r_hi} reps / "
                            f"{s_lo}-{s_hi} s for a {role} exercise ({key})")
    if it["load"]["type"] == "pct_1rm":
        rep_hi, q_lo, q_hi = PCT_ROWS[key]
        p_lo, p_hi = it["load"]["pct_1rm"]
        if not (hi <= rep_hi and q_lo <= p_lo <= p_hi <= q_hi):
            bad("prescription", f"{name}: {lo}-{hi} reps @ {p_lo}-{p_hi}% outside ≤{rep_hi} @ {q_lo}-{q_hi}% ({key})")
    inc = it.get("load_increase_pct")
    if it["load"]["type"] == "pct_1rm" and (not inc or not 2 <= inc[0] <= inc[1] <= 10):
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
    today = plan.get("kind") == "training_today"  # one session chosen from recent history: no weekly split
    if today:
        if len(week) != 1 or [s["split"] for s in sessions] not in ([], ["full_body"], ["upper"], ["lower"]):
            bad("split", f"today's plan must be one session, got {[s['split'] for s in week]}")
    elif [s["split"] for s in sessions] != list(SPLITS[n_res]) or len(week) != profile.days_per_week:
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
            own = s["split"] == "own_sport" and profile.goal in OWN_SPORT_GOALS
            if c["intensity"] != ("as_planned" if own else "moderate") or c["minutes"] <= 0:
                bad("cardio", f"cardio block {c}")
        for m in s.get("warmup", {}).get("mobility", []):
            ex = kb.exercises.get(m["exercise_id"])
            if ex is None or set(ex.contraindications) & set(profile.limitations) or blocked(ex, profile):
                bad("safety", f"warm-up drill {m['exercise_id']} unknown or contraindicated")
    for s in sessions:
        items = s["exercises"]
        label = s["label"]["en"]
        ids = [it["exercise_id"] for it in items]
        if len(ids) != len(set(ids)):
            bad("safety", f"{label}: an exercise appears twice")
        keys = [sort_key(it["group"], it["mechanic"], it["role"]) for it in items]
        if keys != sorted(keys):
            bad("order", f"{label}: order {ids}")
        for it in items:
            ex = kb.exercises.get(it["exercise_id"])
            if ex is None:
                bad("safety", f"{label}: unknown exercise {it['exercise_id']}")
                continue
            why = blocked(ex, profile)
            if why:
                bad("safety", f"{ex.id}: {why}")
            if (modification(ex, profile) or None) != it.get("modification"):
                bad("safety", f"{ex.id}: the limitation's modification is missing or wrong")
            if have is not None and not set(ex.equipment) <= have:
                bad("safety", f"{ex.id} needs {set(ex.equipment) - have}")
            if ex.id not in pool:
                bad("safety", f"{ex.id} is not eligible (level, pattern or avoid list)")
            if it["group"] != muscle_group(ex) or it["mechanic"] != ex.mechanic or it["role"] != role_of(ex):
                bad("meta", f"{ex.id}: group/mechanic do not match the knowledge base")
            if not (it["name"].get("en") and it["name"].get("zh")):
                bad("meta", f"{ex.id}: missing bilingual name")
            _check_item(it, profile, bad)
            s_lo, s_hi = set_range(profile, it["role"])
            if not 2 <= it["sets"] <= s_hi or (it["sets"] < s_lo and not plan.get("swaps") and room_for_set(s, it, profile,
                                                                             hi - weekly.get(it["group"], 0))):
                bad("sets", f"{label}: {ex.id} has {it['sets']} sets (range {s_lo}-{s_hi}) and time allows more")
            _check_item_block(it, profile, bad)
        if len(items) > EXERCISES_PER_SESSION[1] or (len(items) < EXERCISES_PER_SESSION[0] and not plan.get("swaps") and any(
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
    if plan.get("kind") != "training_today" and sorted(plan["trainable_groups"]) != sorted(trainable):
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
    if plan.get("swaps"):  # a user's swap may free time; "time allows more" is a rule for the builder only
        trainable = [g for g in trainable if weeks[0].get(g, 0) >= lo]
    if plan.get("kind") == "training_today":
        trainable = []  # one session: weekly floors and twice-a-week frequency do not apply
        codes |= {"one_day"}
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
    if profile.goal in OWN_SPORT_GOALS and (plan["cardio"]["extra_walking_min"] or any(
            s["kind"] == "cardio" and s["split"] != "own_sport" for s in plan["sessions"])):
        bad("cardio", "endurance/sport plan adds walking or cardio on top of the athlete's own sessions")
    if not (plan["disclaimer"].get("en") and plan["disclaimer"].get("zh") and plan["sources"]):
        bad("meta", "missing disclaimer or sources")

