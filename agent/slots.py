"""Profile facts mentioned in free text (zh/en): age, sex, height, weight, goal, days, minutes...

The agent remembers these across turns, so "I'm 30, 70 kg, 175 cm" said once is reused by a later
"now make me a meal plan". Pure regex: fast, predictable, testable.
"""
from __future__ import annotations

import re

_NUM = r"(\d{1,3}(?:\.\d+)?)"

_PATTERNS: list[tuple[str, re.Pattern, callable]] = [
    ("age", re.compile(rf"{_NUM}\s*(?:years?\s*old|y/?o\b|yrs?\b|岁|周岁)", re.I), float),
    ("age", re.compile(rf"(?:age[d]?\s*(?:is\s*)?|年龄\s*[:：]?\s*){_NUM}", re.I), float),
    ("age", re.compile(r"\b(\d{2})\s*-?\s*(?:year|yr)s?[- ]old", re.I), float),
    # "I'm 30", "I am 45 and..." — a bare two-digit number right after "I'm" is an age, unless a unit follows
    ("age", re.compile(r"\bi(?:'|’)?m\s+(\d{2})\b(?!\s*(?:kg|kilo|cm|lb|pound|%|min|day|x\b|times))|\bi am\s+(\d{2})\b"
                       r"(?!\s*(?:kg|kilo|cm|lb|pound|%|min|day|x\b|times))", re.I), float),
    ("weight_kg", re.compile(rf"{_NUM}\s*(?:kg|kilos?|kilograms?|公斤|千克)", re.I), float),
    ("weight_kg", re.compile(rf"{_NUM}\s*(?:斤)"), lambda v: float(v) / 2),
    ("weight_kg", re.compile(rf"{_NUM}\s*(?:lbs?|pounds?)", re.I), lambda v: round(float(v) * 0.4536, 1)),
    ("height_cm", re.compile(rf"{_NUM}\s*(?:cm|centimet(?:er|re)s?|厘米|公分)", re.I), float),
    ("height_cm", re.compile(r"(\d\.\d{1,2})\s*(?:m\b|米)", re.I), lambda v: float(v) * 100),
    ("body_fat_pct", re.compile(rf"{_NUM}\s*%\s*(?:body\s*fat|bf|体脂)", re.I), float),
    ("body_fat_pct", re.compile(rf"体脂(?:率)?\s*{_NUM}\s*%?"), float),
    ("days_per_week", re.compile(r"(\d)\s*(?:days?|x|times?)\s*(?:a|per|/)\s*week", re.I), int),
    ("days_per_week", re.compile(r"(?:每周|一周|每星期)\s*(?:练|训练)?\s*(\d)\s*(?:天|次)"), int),
    ("days_per_week", re.compile(r"(\d)\s*-?\s*day\s*(?:split|plan|program|routine)", re.I), int),
    ("days_per_week", re.compile(r"\b(\d)-day\b", re.I), int),   # "a 3-day beginner plan"
    ("days_per_week", re.compile(r"(?:train|work ?out|lift|exercise)\s*(\d)\s*(?:days?|times?)\b", re.I), int),
    ("minutes_per_session", re.compile(rf"{_NUM}\s*(?:min(?:ute)?s?|分钟)", re.I), float),
]

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}

_KEYWORDS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "goal": [
        ("fat_loss", ("lose fat", "fat loss", "lose weight", "weight loss", "cut", "减脂", "减肥", "瘦")),
        ("hypertrophy", ("muscle", "hypertrophy", "bulk", "增肌", "肌肉")),
        ("strength", ("strength", "stronger", "powerlift", "力量")),
        ("endurance", ("endurance", "marathon", "stamina", "耐力")),
        ("general_health", ("health", "fitness", "健康")),
    ],
    "experience": [("beginner", ("beginner", "new to", "never trained", "新手", "初学", "小白")),
                   ("advanced", ("advanced", "years of training", "高级", "老手")),
                   ("intermediate", ("intermediate", "中级"))],
    "place": [("home", ("at home", "home", "在家", "家里")), ("bodyweight", ("no equipment", "bodyweight", "徒手", "无器械")),
              ("gym", ("gym", "健身房"))],
    "diet": [("vegan", ("vegan", "纯素", "全素")), ("vegetarian", ("vegetarian", "素食", "吃素")),
             ("pescatarian", ("pescatarian", "鱼素")), ("halal", ("halal", "清真"))],
}

_LIMITATIONS = {"knee": ("knee", "膝"), "lower_back": ("lower back", "back pain", "腰", "下背"),
                "shoulder": ("shoulder", "肩"), "wrist": ("wrist", "手腕"), "elbow": ("elbow", "肘"),
                "hip": ("hip", "髋"), "ankle": ("ankle", "脚踝", "踝")}
_INJURY_WORDS = ("injur", "pain", "hurt", "problem", "bad ", "sore", "伤", "痛", "疼", "不好", "受过")


def extract_profile(text: str) -> dict:
    """Facts stated in the text, as profile fields (only those found)."""
    found: dict = {}
    padded = f" {text.lower()} "
    for field, pattern, convert in _PATTERNS:
        if field not in found and (m := pattern.search(text)):
            found[field] = convert(next(g for g in m.groups() if g is not None))
    if "days_per_week" not in found and (m := re.search(r"(?:每周|一周)\s*(?:练|训练)?\s*([一二两三四五六七])\s*(?:天|次)", text)):
        found["days_per_week"] = _ZH_DIGITS[m.group(1)]
    if re.search(r"\b(female|woman|girl|lady)\b|女", padded):
        found["sex"] = "female"
    elif re.search(r"\b(male|man|guy|boy)\b|男", padded):
        found["sex"] = "male"
    for field, options in _KEYWORDS.items():
        for value, words in options:
            if any(w in padded for w in words):
                found[field] = value
                break
    if any(w in padded for w in _INJURY_WORDS):
        hurt = [area for area, words in _LIMITATIONS.items() if any(w in padded for w in words)]
        if hurt:
            found["limitations"] = hurt
    return found


def merge_profile(memory: dict, new: dict) -> dict:
    """Newer facts win; limitations accumulate."""
    merged = {**memory, **new}
    if "limitations" in memory or "limitations" in new:
        merged["limitations"] = sorted(set(memory.get("limitations", [])) | set(new.get("limitations", [])))
    return merged
