"""Tool results → short Markdown replies in the user's language (facts come only from the tool)."""
from __future__ import annotations

import re

_L = {
    "setup": ("Setup", "调整"), "steps": ("How to use", "使用步骤"), "safety": ("Safety", "安全要点"),
    "mistakes": ("Common mistakes", "常见错误"), "muscles": ("Trains", "训练部位"),
    "candidates": ("Closest matches", "最接近的候选"),
    "not_sure": ("I'm not sure which machine this is.", "我不太确定这是哪台器械。"),
    "pick_reply": ("Tell me which one it is (its name) and I'll show you how to use it; in the Scan tab you can "
                   "click it and add the photo to your gym.",
                   "告诉我是哪一台（说出名字），我就给你讲怎么用；在“扫描器械”页可以直接点选，并把照片加入你的健身房。"), "weekly": ("Weekly sets", "每周组数"),
    "targets": ("Daily targets", "每日目标"), "day1": ("Day 1 meals", "第一天食谱"), "why": ("Why", "计算说明"),
    "no_gif": ("No matching demonstration found.", "没有找到匹配的动作示范。"),
}


def _t(key: str, lang: str) -> str:
    return _L[key][1 if lang == "zh" else 0]


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ":"


def _bullets(items) -> str:
    return "\n".join(f"- {x}" for x in items)


def equipment_card(card: dict, lang: str, message: str = "") -> str:
    muscles = ", ".join(m["name"] if isinstance(m, dict) else m for m in card["muscles"])
    parts = [message or f"**{card['name']}**", card["purpose"], f"**{_t('muscles', lang)}{_colon(lang)}** {muscles}",
             f"**{_t('setup', lang)}**\n" + _bullets(card["setup"]),
             f"**{_t('steps', lang)}**\n" + _bullets(card.get("steps") or card.get("usage", [])),
             f"**{_t('safety', lang)}**\n" + _bullets(card["safety"]),
             f"**{_t('mistakes', lang)}**\n" + _bullets(card["mistakes"])]
    return "\n\n".join(parts)


def recognition(result: dict, lang: str) -> str:
    if result.get("card"):
        return equipment_card(result["card"], lang, result.get("message", ""))
    unsure = result.get("status") == "not_sure" and result.get("candidates")
    lines = [_t("not_sure", lang) if unsure else result.get("message", "")]   # the list below names them once
    if result.get("candidates"):
        lines.append(f"**{_t('candidates', lang)}{_colon(lang)}**\n" + "\n".join(
            f"{n}. {c['name']} ({c['confidence']:.0%})" for n, c in enumerate(result["candidates"][:5], 1)))
        lines.append(_t("pick_reply", lang))
    return "\n\n".join(lines)


def gifs(hits: list[dict], lang: str) -> str:
    if not hits:
        return _t("no_gif", lang)
    return "\n".join(f"- {h.get('caption_zh' if lang == 'zh' else 'caption_en') or h.get('caption', '')}" for h in hits)


def knowledge(result: dict, lang: str) -> str:
    """The knowledge tool's answer as it stands: it leads with the answer and lists its own sources."""
    return result["answer"]


def _no_id(line: str) -> str:
    """"Goblet squat 3×8-12 (goblet_squat)" → "Goblet squat 3×8-12": the id is for the UI's data, not the reader."""
    return re.sub(r"\s*\([a-z0-9]+(?:_[a-z0-9]+)+\)\s*$|\s*\([a-z]{3,}\)\s*$", "", line)


def training(summary: dict, lang: str) -> str:
    zh = lang == "zh"
    colon = "：" if zh else ": "
    lines = [f"**{summary['split']}**"]
    for s in summary["sessions"]:
        if s["exercises"]:
            cardio = (f" + 有氧 {s['cardio_min']} 分钟" if zh else f" + {s['cardio_min']} min cardio") if s.get("cardio_min") else ""
            lines.append(f"\n**{s['day']} · {s['label']}** (~{s['minutes']} {'分钟' if zh else 'min'}{cardio})\n"
                         + _bullets(map(_no_id, s["exercises"])))
        else:   # a cardio and mobility day has no lifts to list
            lines.append(f"\n**{s['day']} · {s['label']}** (~{s.get('cardio_min') or s['minutes']} {'分钟' if zh else 'min'})")
    lines.append(f"\n**{_t('weekly', lang)}**{colon}" + ("，" if zh else ", ").join(f"{k} {v}" for k, v in summary["weekly_sets"].items()))
    lines += [f"- {n}" for n in summary["notes"][:4]]
    if summary.get("referral"):
        lines.append(f"\n⚠️ {summary['referral']}")
    lines.append(f"\n_{summary['disclaimer']}_")
    return "\n".join(lines)


def nutrition(summary: dict, lang: str) -> str:
    if lang == "zh":
        head = (f"**{_t('targets', lang)}：** {summary['kcal']:.0f} 千卡 · 蛋白质 {summary['protein_g']:.0f} 克 · "
                f"脂肪 {summary['fat_g']:.0f} 克 · 碳水 {summary['carb_g']:.0f} 克 · 膳食纤维 {summary['fiber_g']:.0f} 克 · "
                f"饮水 {summary['water_ml']:.0f} 毫升")
    else:
        head = (f"**{_t('targets', lang)}:** {summary['kcal']:.0f} kcal · protein {summary['protein_g']:.0f} g · "
                f"fat {summary['fat_g']:.0f} g · carbs {summary['carb_g']:.0f} g · fibre {summary['fiber_g']:.0f} g · "
                f"water {summary['water_ml']:.0f} ml")
    lines = [head, f"\n**{_t('why', lang)}**\n" + _bullets(summary["why"][:4]),
             f"\n**{_t('day1', lang)}**"]
    lines += [f"- {meal}{'：' if lang == 'zh' else ': '}" + ("、" if lang == "zh" else ", ").join(items)
              for meal, items in summary["day_1"].items()]
    if summary.get("referral"):
        lines.append(f"\n⚠️ {summary['referral']}")
    lines.append(f"\n_{summary['disclaimer']}_")
    return "\n".join(lines)


def today(plan: dict, lang: str) -> str:
    """One session (tools.training.plan_today: "sessions" holds one) as a coach writes it for today: why this
    session, the warm-up, each exercise with sets × reps, effort and rest, the cool-down, then notes."""
    zh = lang == "zh"
    pick = lambda d: (d.get(lang) or d.get("en")) if isinstance(d, dict) else d  # noqa: E731
    session = (plan.get("sessions") or [None])[0] or plan.get("session") or plan
    minutes = session.get("estimated_min") or (session.get("cardio") or {}).get("minutes") or session.get("minutes", "")
    label = pick(session.get("label"))
    title = ("今天" if zh else "Today") + (f" · {label}" if label else "")
    lines = [f"**{title}** (~{minutes} {'分钟' if zh else 'min'})"]
    if (plan.get("today") or {}).get("reason"):
        lines.append(pick(plan["today"]["reason"]))
    warmup, cooldown = session.get("warmup") or {}, session.get("cooldown") or {}
    if warmup.get("text"):
        lines.append(f"- {'热身' if zh else 'Warm-up'} ({warmup.get('minutes', '')} {'分钟' if zh else 'min'}){_colon(lang)}"
                     f"{'' if zh else ' '}{pick(warmup['text'])}")
    for ex in session.get("exercises", []):
        if not isinstance(ex, dict):
            lines.append(f"- {ex}")
            continue
        reps = ex.get("reps", "")
        if isinstance(reps, (list, tuple)):
            reps = f"{reps[0]}-{reps[1]}{('秒' if zh else 's') if ex.get('unit') == 's' else ''}"
        line = f"- **{pick(ex.get('name')) or ex.get('exercise_id')}** {ex.get('sets', '')}×{reps}"
        effort = pick((ex.get("load") or {}).get("text"))
        rest = ex.get("rest_s")
        extra = [e for e in (effort, (f"组间休息 {rest} 秒" if zh else f"rest {rest} s") if rest else None) if e]
        lines.append(line + (" — " + ("；" if zh else "; ").join(extra) if extra else ""))
    cardio = session.get("cardio") or {}
    if cardio.get("minutes"):
        name = pick(cardio.get("name")) or ("有氧" if zh else "Cardio")
        lines.append(f"- {name} {cardio['minutes']} {'分钟' if zh else 'min'}")
    if cooldown.get("text"):
        lines.append(f"- {'放松' if zh else 'Cool-down'} ({cooldown.get('minutes', '')} {'分钟' if zh else 'min'}){_colon(lang)}"
                     f"{'' if zh else ' '}{pick(cooldown['text'])}")
    lines += [f"- {pick(n)}" for n in ((plan.get("warnings") or []) + (plan.get("notes") or []))[:3]]
    if plan.get("referral"):
        lines.append(f"\n⚠️ {pick(plan['referral'])}")
    if plan.get("disclaimer"):
        lines.append(f"\n_{pick(plan['disclaimer'])}_")
    return "\n".join(lines)


def meal(plan: dict, day: int, slot: str, lang: str) -> str:
    """One meal of a nutrition plan (after a swap): each food with its amount, then the meal's energy."""
    meals = plan["week_plan"][day]["meals"]
    items = next(m["items"] for m in meals if m["slot"] == slot)
    pick = lambda d: d.get(lang) or d.get("en") if isinstance(d, dict) else d  # noqa: E731
    kcal = sum(it.get("kcal", 0) for it in items)
    lines = [f"- {pick(it['name'])} — {pick(it.get('amount') or {})}" for it in items]
    total = f"{kcal:.0f} 千卡" if lang == "zh" else f"{kcal:.0f} kcal"
    return "\n".join(lines + [f"\n**{'这一餐' if lang == 'zh' else 'This meal'}:** {total}"])
