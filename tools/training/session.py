"""Building one resistance session and topping up the week within time, volume and set caps."""
from __future__ import annotations

import math

from tools.profiles import TrainingProfile
from tools.training.rules import EXERCISES_PER_SESSION, FULL_BODY_MINORS, MAJOR_GROUPS, MAX_SETS_PER_SESSION, MINOR_GROUPS, OVERLOAD_MAX_SETS, SESSION_GROUPS, SET_INCREASE_MAX
from tools.training.timing import _cooldown_s, _exercise_s, _warmup_s, _work_s, estimate_session_s
from tools.training.selection import _Picker, role_of, sort_key
from tools.training.prescription import _make_item, _new_cost_s, _rx_key, set_range, volume_range


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
    return _warmup_s(minutes) + _cooldown_s(minutes) + int(sum(_exercise_s(it, it["sets"]) for it in session["exercises"]))


def room_for_set(session: dict, item: dict, profile: TrainingProfile, weekly_left: int) -> bool:
    """One more set of this exercise fits the time budget, its set range, the 10-set session cap for its
    group and the weekly ceiling (`weekly_left` sets before the group's weekly maximum)."""
    group_sets = sum(it["sets"] for it in session["exercises"] if it["group"] == item["group"])
    return (group_sets < MAX_SETS_PER_SESSION and weekly_left >= 1
            and item["sets"] < set_range(profile, item["role"])[1]
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
        for n in sorted({set_range(profile, role_of(ex))[0], 2}, reverse=True):
            if n + have <= MAX_SETS_PER_SESSION and n <= weekly_left and _new_cost_s(ex, profile, n) <= left:
                if ex is not chosen:
                    picker.used[ex.id] = picker.used.get(ex.id, 0) + 1
                session["exercises"].append(_make_item(ex, profile, n))
                _order(session)
                return True
    return False  # unreachable in practice: room_for_exercise guaranteed the cheapest fits


def _order(session: dict) -> None:
    session["exercises"].sort(key=lambda it: sort_key(it["group"], it["mechanic"], it["role"]))
    for i, it in enumerate(session["exercises"], 1):
        it["order"] = i


def _trim(session: dict, profile: TrainingProfile) -> None:
    """Cut volume until the session fits its time budget, least important work first."""
    items, minutes, budget = session["exercises"], profile.minutes_per_session, profile.minutes_per_session * 60
    fits = lambda: _lift_s(session, minutes) <= budget  # noqa: E731
    lo = lambda it: set_range(profile, it["role"])[0]  # noqa: E731

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

    minor = lambda it: it["group"] not in MAJOR_GROUPS and it["group"] != "power"  # noqa: E731
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
    c_lo, c_hi = set_range(profile, "main")
    sets = {g: per_session[g] for g in groups}
    # as few exercises as cover the sets, each with at least the row minimum (5 sets -> one exercise of 4)
    n_ex = {g: max(1, min(3, math.ceil(sets[g] / c_hi), sets[g] // c_lo)) for g in groups}
    power = wants_power(profile, kind) and bool(picker.by_group.get("power"))
    while sum(n_ex.values()) > EXERCISES_PER_SESSION[1] - power:
        minors = [g for g in groups if g not in MAJOR_GROUPS and n_ex[g]]
        g = minors[-1] if minors else max(reversed(groups), key=lambda x: n_ex[x])
        n_ex[g] = 0 if g in minors else n_ex[g] - 1
        sets[g] = min(sets[g], n_ex[g] * c_hi)
    session = {"kind": "resistance", "split": kind, "groups": list(_session_groups(kind, index)), "exercises": [],
               "index": index}
    if power:  # plyometrics first (NSCA order)
        ex = picker.pick("power", session, first=True)
        session["exercises"].append(_make_item(ex, profile, set_range(profile, "power")[0]))
    for g in groups:
        n = n_ex[g]
        for k in range(n):
            share = max(c_lo if g in MAJOR_GROUPS else 2, sets[g] // n + (1 if k < sets[g] % n else 0))
            ex = picker.pick(g, session, first=k == 0)
            if ex is None:
                break
            session["exercises"].append(_make_item(ex, profile, min(share, set_range(profile, role_of(ex))[1])))
    _order(session)
    _trim(session, profile)
    return session


def wants_power(profile: TrainingProfile, kind: str) -> bool:
    """Runners, cyclists and field athletes get plyometrics on lower-body and full-body days."""
    return profile.goal in ("endurance", "sport") and kind in ("full_body", "lower", "legs")


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
            while (it["sets"] < set_range(profile, it["role"])[0]
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

