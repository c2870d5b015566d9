"""The plan document: split, volume summary, notes, warnings, referral, block, sources."""
from __future__ import annotations

from tools.profiles import TrainingProfile
from tools.training.demands import demand_sources, populations
from tools.training.rules import OWN_SPORT_GOALS, CARDIO_TARGET_MIN, DISCLAIMER, GROUP_LABEL, GROUP_OF_MUSCLE, MAJOR_GROUPS, SESSION_LABEL, SOURCES, WHO_RANGE_MIN, _bi, _note
from tools.training.prescription import resistance_days, volume_range
from tools.training.session import _group_sets


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
    if missing and profile.limitations:
        warnings.append(_bi(f"No safe exercise with your equipment and limitations for: "
                            f"{', '.join(n[0] for n in missing)}. Ask a physiotherapist for rehab exercises.",
                            f"根据你的器械和伤病限制，以下部位没有安全的练习：{'、'.join(n[1] for n in missing)}。请咨询康复师。"))
    elif missing:   # nothing hurts: the equipment (or the level) is what is missing, not a physiotherapist
        warnings.append(_bi(f"Your equipment has no exercise at your level for: {', '.join(n[0] for n in missing)}; "
                            "a pair of dumbbells or a resistance band would cover it.",
                            f"以你现有的器械和水平，没有适合以下部位的练习：{'、'.join(n[1] for n in missing)}；"
                            "添一对哑铃或一根弹力带就能补上。"))
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
    pops = populations(profile)
    if "older" in pops:
        notes.append(_note("older_adult", "65+: balance drills close every session; train 3 or more days a week "
                           "with balance and strength (WHO 2020); lift briskly at light loads for power and "
                           "progress by effort (ACSM 2009).",
                           "65 岁以上：每次训练结束都有平衡练习；每周至少 3 天做平衡和力量训练（WHO 2020）；"
                           "用轻重量快速发力练爆发力，按自觉用力程度进阶（ACSM 2009）。"))
    if "youth" in pops:
        notes.append(_note("youth", "13-17: supervised by a qualified coach, technique before load, 1-3 sets of "
                           "6-15 reps by effort, no maximal or %1RM lifting; 2-3 non-consecutive days (NSCA 2009).",
                           "13-17 岁：在合格教练指导下训练，先学技术再加重量，每个动作 1-3 组、6-15 次，按用力程度控制，"
                           "不做极限或按 %1RM 的重量；每周 2-3 天且不连续（NSCA 2009）。"))
    if "child" in pops:
        notes.append(_note("child", "Under 13: playful bodyweight and band games with an adult watching, light "
                           "effort, plus 60 min of active play every day (WHO 2020; NSCA 2009).",
                           "13 岁以下：在成人看护下做游戏式的自重和弹力带练习，轻松用力，并且每天 60 分钟活动玩耍（WHO 2020；NSCA 2009）。"))
    if profile.pregnant:
        t = profile.trimester
        notes.append(_note("pregnancy",
                           f"Pregnancy (trimester {t}): moderate effort by the talk test, no maximal lifts or "
                           "breath-holding, no jumping, contact or fall risks" +
                           ("; nothing lying on your back or front" if t >= 2 else "") +
                           "; pelvic-floor training after each session (ACOG 2020). Stop and seek care for bleeding, "
                           "dizziness, chest pain, calf swelling or contractions.",
                           f"孕期（第 {t} 孕期）：以说话测试控制中等强度，不做极限重量、不憋气，不跳跃、不做对抗或易跌倒的运动" +
                           ("；不做仰卧或俯卧动作" if t >= 2 else "") +
                           "；每次训练后做盆底肌训练（ACOG 2020）。如出现出血、头晕、胸痛、小腿肿胀或宫缩，请停止并就医。"))
    if profile.postpartum_weeks is not None and not profile.pregnant:
        w = profile.postpartum_weeks
        notes.append(_note("postpartum", f"{w} weeks after birth: pelvic-floor training every session; " +
                           ("gentle work only until your postnatal check (about 6 weeks); " if w < 6 else "") +
                           ("no running or jumping before about 12 weeks (Goom 2019); " if w < 12 else "") +
                           "build up gradually (ACOG 2020).",
                           f"产后 {w} 周：每次训练都做盆底肌训练；" + ("产后复查（约 6 周）前只做轻柔练习；" if w < 6 else "") +
                           ("约 12 周前不跑不跳（Goom 2019）；" if w < 12 else "") + "循序渐进（ACOG 2020）。"))
    if profile.experience == "beginner":
        notes.append(_note("technique_week", "Week 1 is a technique week: every set at RPE 5-6 with 4 or more reps "
                           "in reserve; learn each lift, ideally with a coach, before the listed effort.",
                           "第 1 周为技术周：每组 RPE 5-6，保留 4 次以上余力；先学会每个动作（最好有教练指导），再按列出的强度训练。"))
    mods = {it["exercise_id"]: it["modification"] for s in sessions for it in s["exercises"] if it.get("modification")}
    if mods:
        notes.append(_note("modified", "Some exercises are modified for your " +
                           ", ".join(sorted({m["area"].replace("_", " ") for m in mods.values()})) +
                           ": follow the range given with each one; pain should stay at 3/10 or less and settle by "
                           "the next day.",
                           "部分动作已按你的伤病部位调整：请按每个动作注明的幅度训练；疼痛应不超过 3/10，并在第二天消退。"))
    if profile.goal in OWN_SPORT_GOALS:
        notes.append(_note("own_sport", "Strength days are heavy and low-rep with jumps first; they add to your "
                           "running, riding or practice, which stays as it is; no extra cardio is added.",
                           "力量训练日为大重量、低次数，先做跳跃练习；它们是你跑步、骑行或专项训练的补充，原有训练量不变，不额外增加有氧。"))
    referral = None
    if profile.needs_referral:
        why = []
        if profile.parq_yes:
            why.append(("you answered yes to a PAR-Q question", "你在 PAR-Q 中回答了“是”"))
        if profile.acute_symptoms:
            why.append(("you reported acute symptoms", "你报告了急性症状"))
        if profile.severe_pain:
            why.append((f"severe pain in the {', '.join(a.replace('_', ' ') for a in profile.severe_pain)}",
                        "有严重疼痛部位"))
        if profile.pregnant:
            why.append(("you are pregnant (check with your obstetric care provider)", "你正处于孕期（请咨询产科医生）"))
        if profile.postpartum_weeks is not None and profile.postpartum_weeks < 6:
            why.append(("you gave birth less than 6 weeks ago", "你产后不足 6 周"))
        referral = _bi("; ".join(w[0] for w in why).capitalize() + ": see a physician or physiotherapist before "
                       "starting. This plan stays light and does not escalate until you are cleared.",
                       "，".join(w[1] for w in why) + "：开始前请先咨询医生或康复师。在获得许可前，本计划保持低强度且不加量。")
    if profile.severe_pain:
        warnings.append(_bi("Severe or acute pain: nothing in this plan loads the painful area; have it assessed "
                            "before training it.", "严重或急性疼痛：本计划不训练疼痛部位；请先就医评估。"))
    own = profile.goal in OWN_SPORT_GOALS
    cardio_target = 0 if own else CARDIO_TARGET_MIN.get(profile.goal, WHO_RANGE_MIN[0])
    scheduled = sum((s.get("cardio") or {}).get("minutes", 0) for s in week if s["split"] != "own_sport")
    extra = max(0, cardio_target - scheduled)
    cardio_text = _bi("Your own running, riding or sport sessions are your cardio: keep them as they are.",
                      "你自己的跑步、骑行或专项训练就是有氧训练：保持原样即可。") if own else \
        _bi(f"Aim for {cardio_target} min/week of moderate activity (WHO: 150-300). "
            f"{scheduled} min are in the plan; add {extra} min of brisk walking on other days.",
            f"每周目标 {cardio_target} 分钟中等强度活动（WHO：150-300 分钟）。计划内已安排 {scheduled} 分钟，"
            f"其余 {extra} 分钟可在其他日子快走补足。")
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
                   "own_sport": own, "text": cardio_text},
        "block": {"escalates": not hold, "weeks": [
            {"week": 1, "focus": _bi("Technique week: every set at RPE 5-6 (4+ reps in reserve); learn each lift."
                                     if profile.experience == "beginner" else
                                     "Base: learn the lifts, finish each set with 2-3 reps in reserve.",
                                     "技术周：每组 RPE 5-6（保留 4 次以上余力）；学会每个动作。"
                                     if profile.experience == "beginner" else "基础周：熟悉动作，每组保留 2-3 次余力。")},
            {"week": 2, "focus": _bi("Progress: add reps; add load once the top of the range is beaten by 1-2.",
                                     "进阶周：增加次数；超出次数上限 1-2 次后再加重。")},
            {"week": 3, "focus": _bi("Hold: repeat week 2 (no escalation until cleared)." if hold else
                                     "Overload: one extra set on main lifts where time allows (≤ 20 % more sets).",
                                     "保持周：重复第 2 周（获许可前不加量）。" if hold else
                                     "超负荷周：时间允许时主项多做一组（总组数增加不超过 20%）。")},
            {"week": 4, "focus": _bi("Deload: about half the sets, load −10-20 %, RPE 5-6; then start a new block.",
                                     "减量周：组数约减半，负荷降低 10-20%，RPE 5-6；之后开始新周期。")}]},
        "notes": notes, "warnings": warnings, "referral": referral, "disclaimer": DISCLAIMER,
        "sources": SOURCES + demand_sources(profile),
    }

