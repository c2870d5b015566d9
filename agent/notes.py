"""What goes above an answer: the facts understood from this message and this person's safety note."""
from __future__ import annotations

from .turn import Turn

_SHOWN = {"general_health": ("general fitness", "综合健康"), "gym": ("a gym", "健身房"), "fat_loss": ("fat loss", "减脂"),
          "hypertrophy": ("muscle gain", "增肌"), "strength": ("strength", "力量"), "home": ("home", "在家"),
          "bodyweight": ("no equipment", "徒手"), "male": ("male", "男"), "female": ("female", "女")}


def _shown(value, lang: str) -> str:
    i = 1 if lang == "zh" else 0
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return _SHOWN[value][i] if isinstance(value, str) and value in _SHOWN else str(value)


def understood(stated: dict, lang: str) -> str:
    """One line confirming the body facts read from this message, so a misreading is visible at once."""
    zh = lang == "zh"
    parts = []
    if "sex" in stated:
        parts.append(_shown(stated["sex"], lang))
    for key, en, cn in (("age", "{} y", "{}岁"), ("height_cm", "{} cm", "{}厘米"), ("weight_kg", "{} kg", "{}公斤"),
                        ("pregnancy_week", "pregnant, week {}", "怀孕第{}周"), ("postpartum_weeks", "{} weeks postpartum", "产后{}周"),
                        ("target_weight_kg", "target {} kg", "目标体重{}公斤"), ("days_per_week", "{} days/week", "每周{}天"),
                        ("minutes_per_session", "{} min", "每次{}分钟")):
        if stated.get(key) is not None:
            parts.append((cn if zh else en).format(_shown(stated[key], lang)))
    if stated.get("weight_change_kg"):
        v = stated["weight_change_kg"]
        parts.append((f"{'减' if v < 0 else '增'}{abs(v):g}公斤" if zh else f"{'lose' if v < 0 else 'gain'} {abs(v):g} kg"))
    if "goal" in stated and stated.get("goal") in _SHOWN:
        parts.append(("目标：" if zh else "goal: ") + _shown(stated["goal"], lang))
    if not parts:
        return ""
    return ("已了解：" if zh else "Understood: ") + " · ".join(parts) + ("。" if zh else ".")


def _add_notes(turn: Turn, stated: dict, safety, profile: dict, lang: str) -> None:
    """Above the answer: what was understood (plans and asks) and the safety note for this person."""
    head = []
    if turn.route in ("training_plan", "nutrition_plan", "ask") and (line := understood(stated, lang)):
        head.append(line)
    note = safety.reply(lang, profile) if not safety.blocks and turn.route != "small_talk" else ""
    if note:
        head.append(("⚠️ " if safety.category != "injury" else "🩹 ") + note)
    if head:
        not_found = turn.route == "knowledge" and isinstance(turn.data, dict) and turn.data.get("found") is False
        # the person's guidance answers the question: "not in the knowledge base" under it would only confuse
        turn.answer = "\n\n".join(head + ([] if not_found and note else [turn.answer]))
        turn.data = {**(turn.data or {}), "safety": safety.category} if isinstance(turn.data, dict) or turn.data is None else turn.data
