"""swap_exercise: replace one exercise of a plan with another of the same movement pattern the user may do."""
from __future__ import annotations

import copy

from tools.profiles import ProfileError, parse_training_profile
from tools.training.rules import _bi
from tools.training.prescription import _make_item, set_range
from tools.training.selection import eligible_exercises, muscle_group, rank
from tools.training.session import _group_sets, _order, _set_sets
from tools.training.timing import estimate_session_s
from tools.training.week import _ramp


def alternatives(item: dict, session: dict, profile, kb) -> list:
    """Same pattern and group first, then the same group; equipment, limitations and level respected."""
    taken = {it["exercise_id"] for it in session["exercises"]}
    pool = [ex for ex in eligible_exercises(profile, kb) if ex.id not in taken and muscle_group(ex) == item["group"]]
    same = [ex for ex in pool if ex.pattern == item["pattern"]]
    first = not any(it["group"] == item["group"] for it in session["exercises"][:session["exercises"].index(item)])
    slot = item["pattern"] if item["group"] == "back" else "main" if first else "accessory"
    return rank(same, item["group"], slot, profile) + rank([e for e in pool if e not in same], item["group"],
                                                           "accessory", profile)


def _is_plan(plan, kb) -> bool:
    """The shape swap_exercise reads (a plan from plan_training_week / plan_today or an earlier swap)."""
    try:
        return (plan.get("kind") in ("training_plan", "training_today") and isinstance(plan["profile"], dict)
                and isinstance(plan["weekly_sets"], dict) and isinstance(plan["sessions"], list)
                and all(isinstance(s["warmup"], dict) and isinstance(s["kind"], str) and all(
                    it["exercise_id"] in kb.exercises and isinstance(it["sets"], int) and it["name"]["en"]
                    and it["name"]["zh"] and len(it["sets_by_week"]) == 4 and all(isinstance(n, int) for n in it["sets_by_week"])
                    and isinstance(it["group"], str) and isinstance(it["pattern"], str) for it in s["exercises"])
                    for s in plan["sessions"]))
    except (KeyError, TypeError, AttributeError):
        return False


def swap_exercise(plan: dict, day: int, exercise_id: str, profile=None, lang: str = "en", kb=None) -> dict:
    """A new plan with `exercise_id` on session `day` (1-based) replaced; ProfileError when impossible."""
    if kb is None:
        from knowledge import load_knowledge
        kb = load_knowledge()
    if not _is_plan(plan, kb):
        raise ProfileError({"plan": _bi("must be a training plan from this service (send the plan you got)",
                                        "必须是本服务生成的训练计划（请发送收到的计划）")})
    if not profile:   # the plan's own profile: a problem with it is a problem with the plan sent
        try:
            p = parse_training_profile(plan["profile"])
        except ProfileError:
            raise ProfileError({"plan": _bi("the plan's profile is not valid", "计划中的资料无效")}) from None
    else:
        p = parse_training_profile(profile)
    sessions = plan["sessions"]
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= len(sessions):
        raise ProfileError({"day": _bi(f"must be 1-{len(sessions)} (got {day!r})", f"必须是 1-{len(sessions)}（收到 {day!r}）")})
    new = copy.deepcopy(plan)
    session = new["sessions"][day - 1]
    item = next((it for it in session["exercises"] if it["exercise_id"] == exercise_id), None)
    if item is None:
        raise ProfileError({"exercise_id": _bi(f"{exercise_id!r} is not in session {day}",
                                               f"第 {day} 次训练中没有 {exercise_id!r}")})
    options = alternatives(item, session, p, kb)
    if not options:
        raise ProfileError({"exercise_id": _bi(f"no other exercise for this movement fits your equipment and "
                                               f"limitations ({exercise_id})",
                                               f"根据你的器械和伤病限制，没有可替换 {exercise_id} 的动作")})
    ex = options[0]
    repl = _make_item(ex, p, max(2, min(item["sets"], set_range(p, _make_item(ex, p, 2)["role"])[1])))
    base = repl["sets"]
    repl["sets_by_week"] = [base, base, min(item["sets_by_week"][2], base + 1) if item["sets_by_week"][2] > item["sets"]
                            else base, max(1, min(item["sets_by_week"][3], base - 1))]
    session["exercises"][session["exercises"].index(item)] = repl
    _order(session)
    budget = p.minutes_per_session * 60
    while any(estimate_session_s(session, p.minutes_per_session, w) > budget for w in range(4)) and repl["sets"] > 2:
        _set_sets(repl, repl["sets"] - 1)
        repl["sets_by_week"][3] = max(1, repl["sets"] - 1)
    if session["warmup"].get("ramp") and session["warmup"]["ramp"]["exercise_id"] == exercise_id:
        session["warmup"]["ramp"] = _ramp(repl)
    by_week = [-(-estimate_session_s(session, p.minutes_per_session, w) // 60) for w in range(4)]
    session["estimated_min"], session["estimated_min_by_week"] = by_week[0], by_week
    lifting = [s for s in new["sessions"] if s["kind"] == "resistance"]
    new["weekly_sets"] = {g: _group_sets(lifting).get(g, 0) for g in new["weekly_sets"]}
    new["weekly_sets_by_week"] = [_group_sets(lifting, w) for w in range(4)]
    new.setdefault("swaps", []).append({"day": day, "from": exercise_id, "to": ex.id,
                                        "note": _bi(f"Swapped {item['name']['en']} for {repl['name']['en']}.",
                                                    f"已将{item['name']['zh']}替换为{repl['name']['zh']}。")})
    new["lang"] = lang if lang in ("en", "zh") else "en"
    return new
