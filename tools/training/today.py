"""plan_today: one session from the minutes and equipment at hand and what the user trained in the last days."""
from __future__ import annotations

import datetime as dt

from tools.profiles import ProfileError, parse_training_profile
from tools.training.rules import GROUP_LABEL, LOWER_BODY, WEEKDAYS, _bi
from tools.training.selection import muscle_group, seed_for
from tools.training.week import _cardio_block, add_cardio, label_sessions, plan_week_sessions
from tools.training.assemble import _assemble
from tools.training.selection import _cardio_exercise

UPPER = {"chest", "back", "shoulders", "triceps", "biceps"}
RECOVERY_DAYS = 1  # a muscle group trained yesterday or today rests (about 48 h between hard sessions, ACSM 2009)


def _days_ago(entry: dict, today: dt.date) -> int | None:
    if entry.get("days_ago") is not None:
        return int(entry["days_ago"])
    raw = entry.get("date") or entry.get("at") or entry.get("created_at")
    if not raw:
        return None
    try:
        return (today - dt.date.fromisoformat(str(raw)[:10])).days
    except ValueError:
        return None


def recent_groups(history, kb, today: dt.date) -> set[str]:
    """Muscle groups trained within RECOVERY_DAYS, from saved sessions, exercise ids or group names."""
    out: set[str] = set()
    for entry in history or ():
        if not isinstance(entry, dict):
            continue
        ago = _days_ago(entry, today)
        if ago is None or ago > RECOVERY_DAYS:
            continue
        sessions = (entry.get("plan") or {}).get("sessions") or entry.get("sessions") or [entry]
        for s in sessions:
            out |= set(s.get("groups_trained") or entry.get("groups") or ())
            for it in s.get("exercises") or ():
                eid = it.get("exercise_id") if isinstance(it, dict) else it
                ex = kb.exercises.get(eid)
                if ex and muscle_group(ex):
                    out.add(muscle_group(ex))
    return out


def _today_profile(profile: dict, minutes, equipment) -> dict:
    data = dict(profile or {})
    data.setdefault("goal", "general_health")
    data["days_per_week"] = 1
    data["minutes_per_session"] = minutes or data.get("minutes_per_session") or 45
    if equipment is not None:
        items = [e for e in (equipment.split(",") if isinstance(equipment, str) else equipment) if str(e).strip()]
        data["equipment"] = items
        data["place"] = "home" if items else "bodyweight"
    return data


def plan_today(profile: dict, history=None, minutes: int | None = None, equipment=None, lang: str = "en",
               kb=None, variation: int = 0, today: dt.date | None = None) -> dict:
    """Today's session as a plan with one entry in "sessions" (same shape as a week's session)."""
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    if history is not None and not isinstance(history, (list, tuple)):
        raise ProfileError({"history": _bi("must be a list of recent sessions", "必须是最近训练记录的列表")})
    p = parse_training_profile(_today_profile(profile, minutes, equipment))
    today = today or dt.date.today()
    recent = recent_groups(history, kb, today)
    lower, upper = bool(recent & LOWER_BODY - {"calves"}), bool(recent & UPPER)
    kind = "cardio" if lower and upper else "upper" if lower else "lower" if upper else "full_body"
    if kind == "cardio":
        s = {"kind": "cardio", "split": "cardio", "groups": [], "exercises": [],
             "cardio": _cardio_block(_cardio_exercise(p, kb, variation), min(p.minutes_per_session, 45), p.years)}
        sessions, trainable, freq = [], [], {g: 0 for g in GROUP_LABEL}
    else:
        sessions, trainable, freq = plan_week_sessions(p, kb, variation, (kind,), skip_groups=recent)
        add_cardio(sessions, p, kb, variation)
        s = sessions[0]
    s["day"], s["weekday"] = today.weekday(), _bi(*WEEKDAYS[today.weekday()])
    label_sessions([s], p, kb)
    plan = _assemble(p, [s], seed_for(p, variation), variation, trainable, freq)
    plan["kind"] = "training_today"
    week_only = ("one_day", "time_limited", "resistance_days")   # notes about a week, not one session
    plan["notes"] = [n for n in plan["notes"] if n.get("code") not in week_only
                     and not (kind == "cardio" and n.get("code") == "technique_week")]
    why = {"cardio": ("Upper and lower body were both trained in the last day: easy cardio and mobility today.",
                      "最近一天上下肢都练过：今天做轻松有氧和灵活性练习。"),
           "upper": ("Legs were trained in the last day, so today is upper body.", "最近一天练过腿，所以今天练上肢。"),
           "lower": ("Upper body was trained in the last day, so today is lower body.", "最近一天练过上肢，所以今天练下肢。"),
           "full_body": ("Nothing trained in the last day: a full-body session.", "最近一天没有训练：今天练全身。")}[kind]
    plan["today"] = {"split": kind, "rested_groups": sorted(recent), "minutes": p.minutes_per_session,
                     "reason": _bi(*why)}
    plan["lang"] = lang if lang in ("en", "zh") else "en"
    return plan
