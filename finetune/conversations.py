"""Conversations for fine-tuning, written from the knowledge base (used by finetune/build_dataset.py).

Per equipment photo: what is it, how to use it, which muscles, common mistakes, in English or Chinese, answered
from the equipment card (the identity answer names the catalog id the benchmark asks for), plus the closed-set
recognition turn the app sends (`tools.vlm_prompt`, word for word) answered with the JSON it parses; non-gym
images get that turn answered "none". Text-only pairs from
the docs (training and nutrition advice), exercises (steps, cues, mistakes) and foods (energy and macros of a
portion) keep that knowledge in the model while it learns the photos.
"""
from __future__ import annotations

import random

from tools.equipment import TOP_K
from tools.vlm_prompt import answer_text, closed_set_question

LANGS = ("en", "zh")
# The confidence a training answer states. Below tools.equipment.UNCALIBRATED_ACCEPT on purpose: a model taught
# to say "1.0" would earn confident cards by rote; how often it is right is measured by `bench vlm_calibration`.
TRAIN_CONFIDENCE = 0.9
QUESTIONS = {  # a few phrasings each so the model does not latch onto one wording
    "en": {"what": ("What is this machine?", "What equipment is this?", "Can you tell me what this is?"),
           "how": ("How do I use it?", "How do I use this correctly?", "Walk me through using it."),
           "muscles": ("Which muscles does it work?", "What muscles does this train?"),
           "mistakes": ("What are common mistakes on it?", "What mistakes should I avoid with it?")},
    "zh": {"what": ("这是什么器械？", "这台器械叫什么？", "图里是什么健身器材？"),
           "how": ("怎么使用它？", "这个器械怎么用？", "请教我正确的使用方法。"),
           "muscles": ("它主要锻炼哪些肌肉？", "这个练哪里？"),
           "mistakes": ("使用时常见的错误有哪些？", "用它要避免哪些错误？")},
}


def _display(name: str) -> str:
    """'Leg press machine' -> 'a leg press machine'; keeps acronyms like 'EZ bar'."""
    word = name if name[:2].isupper() else name[0].lower() + name[1:]
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


def _numbered(items) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))


def _sentences(items, lang: str) -> str:
    """Join list items as sentences, adding the full stop an item lacks."""
    stop, sep = ("。", "") if lang == "zh" else (".", " ")
    return sep.join(s if s[-1] in ".!?。！？" else s + stop for s in items if s)


def _and(items, lang: str) -> str:
    if lang == "zh" or len(items) < 2:
        return "、".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


HEADINGS = {  # section lead-ins: (zh, en)
    "setup": ("调整：\n", "Setup:\n"), "usage": ("动作：\n", "One rep:\n"), "safety": ("安全：", "Safety: "),
    "tip": ("新手提示：", "Beginner tip: "), "mistakes": ("常见错误：\n", "Common mistakes:\n"),
    "steps": ("步骤：\n", "Steps:\n"), "cues": ("要点：", "Cues: "), "ex_mistakes": ("常见错误：", "Common mistakes: "),
}


def _h(key: str, lang: str) -> str:
    return HEADINGS[key][0 if lang == "zh" else 1]


def equipment_answers(eq, kb, lang: str) -> dict[str, str]:
    """Answers to the four questions about one equipment card (missing sections give no answer)."""
    zh = lang == "zh"
    out = {"what": (f"这是{eq.name.zh}（{eq.name.en}，器械编号 {eq.id}）。{eq.purpose.zh}" if zh else
                    f"This is {_display(eq.name.en)} ({eq.name.zh}; equipment id: {eq.id}). {eq.purpose.en}")}
    parts = [_h(k, lang) + _numbered(items) for k, items in (("setup", eq.setup.get(lang)),
                                                              ("usage", eq.usage.get(lang))) if items]
    if eq.safety.get(lang):
        parts.append(_h("safety", lang) + _sentences(eq.safety.get(lang)[:2], lang))
    if eq.beginner_tips.get(lang):
        parts.append(_h("tip", lang) + eq.beginner_tips.get(lang)[0])
    if parts:
        out["how"] = "\n".join(parts)
    muscles = [kb.label("muscles", m, lang) for m in eq.muscles]
    exercises = _and([kb.exercises[x].name.get(lang) for x in eq.exercises[:4] if x in kb.exercises], lang)
    if muscles and zh:
        out["muscles"] = f"主要锻炼{_and(muscles, lang)}。" + (f"常见练习：{exercises}。" if exercises else "")
    elif muscles:
        out["muscles"] = (f"It mainly trains the {_and([m.lower() for m in muscles], lang)}."
                          + (f" Exercises on it include {exercises}." if exercises else ""))
    if eq.mistakes.get(lang):
        out["mistakes"] = _h("mistakes", lang) + "\n".join(f"- {m}" for m in eq.mistakes.get(lang))
    return out


def image_conversation(eq, kb, lang: str, rng: random.Random) -> list[dict]:
    """Identity first (with the <image> tag), then how / muscles / mistakes in a seeded order."""
    answers = equipment_answers(eq, kb, lang)
    rest = [k for k in ("how", "muscles", "mistakes") if k in answers]
    rng.shuffle(rest)
    turns = []
    for i, kind in enumerate(["what", *rest]):
        q = rng.choice(QUESTIONS[lang][kind])
        turns.append({"from": "human", "value": f"<image>\n{q}" if i == 0 else q})
        turns.append({"from": "gpt", "value": answers[kind]})
    return turns


def choice_conversation(catalog: dict[str, str], label: str) -> list[dict]:
    """The app's recognition turn for one photo: its question (catalog ids + "none") and the answer for label."""
    return [{"from": "human", "value": "<image>\n" + closed_set_question(catalog, TOP_K)},
            {"from": "gpt", "value": answer_text([(label, TRAIN_CONFIDENCE)])}]


def _pair(rid: str, question: str, answer: str) -> dict:
    return {"id": rid, "conversations": [{"from": "human", "value": question}, {"from": "gpt", "value": answer}]}


def text_pairs(kb) -> list[dict]:
    """Text-only instruction pairs: doc sections (training and nutrition advice), exercise how-tos, food macros."""
    pairs = []
    for doc in sorted(kb.docs.values(), key=lambda d: d.id):
        for lang in LANGS:
            title = doc.title.get(lang)
            for i, sec in enumerate(doc.sections.get(lang)):
                q = (f"请结合「{title}」讲讲「{sec.heading}」。" if lang == "zh"
                     else f"Explain \"{sec.heading}\" in the context of {title[0].lower() + title[1:]}.")
                pairs.append(_pair(f"doc:{doc.id}:{i}:{lang}", q, sec.text))
    for ex in sorted(kb.exercises.values(), key=lambda e: e.id):
        for lang in LANGS:
            body = [_h("steps", lang) + _numbered(ex.steps.get(lang))]
            body += [_h(k, lang) + _sentences(items, lang)
                     for k, items in (("cues", ex.cues.get(lang)), ("ex_mistakes", ex.mistakes.get(lang))) if items]
            name = ex.name.get(lang)
            q = f"{name}怎么做？" if lang == "zh" else f"How do I do the {name.lower()}?"
            pairs.append(_pair(f"exercise:{ex.id}:{lang}", q, "\n".join(body)))
    for food in sorted(kb.foods.values(), key=lambda f: f.id):
        pairs += food_pairs(food)
    return pairs


def food_pairs(food) -> list[dict]:
    """Energy and macros of the food's usual portion (values in foods.csv are per 100 g)."""
    k = food.portion_g / 100
    kcal, p, c, f = (round(v * k) for v in (food.kcal, food.protein_g, food.carb_g, food.fat_g))
    en, zh = food.name.en[0].lower() + food.name.en[1:], food.name.zh
    return [
        _pair(f"food:{food.id}:en", f"How many calories and how much protein are in {food.portion.en} of {en}?",
              f"{food.portion.en} of {en} has about {kcal} kcal, {p} g protein, {c} g carbohydrate and {f} g fat "
              f"({food.kcal:g} kcal per 100 g)."),
        _pair(f"food:{food.id}:zh", f"{food.portion.zh}{zh}有多少热量和蛋白质？",
              f"{food.portion.zh}{zh}约含{kcal}千卡热量、{p}克蛋白质、{c}克碳水化合物和{f}克脂肪（每100克{food.kcal:g}千卡）。"),
    ]
