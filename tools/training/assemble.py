"""The plan document: split, volume summary, notes, warnings, referral, block, sources."""
from __future__ import annotations

from tools.profiles import TrainingProfile
from tools.training.rules import CARDIO_TARGET_MIN, DISCLAIMER, GROUP_LABEL, GROUP_OF_MUSCLE, MAJOR_GROUPS, SESSION_LABEL, SOURCES, WHO_RANGE_MIN, _bi, _note
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

