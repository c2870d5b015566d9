"""Numbers as people type them: full-width digits, Chinese numerals ("四十", "一百二十", "两"), typographic quotes."""
from __future__ import annotations

import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def normalize(text: str) -> str:
    """Full-width ASCII to half-width (１８０ｃｍ -> 180cm), keeping Chinese characters and punctuation."""
    out = []
    for ch in text:
        if "\uff01" <= ch <= "\uff5e" and ch not in "，：；（）！？":
            ch = unicodedata.normalize("NFKC", ch)
        out.append(ch)
    return "".join(out).replace("″", '"').replace("′", "'")


def cn_to_int(token: str) -> float:
    """'40' -> 40, '四十' -> 40, '三十五' -> 35, '十八' -> 18, '一百二十' -> 120, '两' -> 2, '1.5' -> 1.5."""
    token = token.strip()
    try:
        return float(token) if "." in token else int(token)
    except ValueError:
        pass
    if token and all(c in _DIGITS for c in token) and len(token) > 1:   # 一六八 -> 168
        return int("".join(str(_DIGITS[c]) for c in token))
    total, current = 0, 0
    for ch in token:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch.isdigit():
            current = current * 10 + int(ch)
        else:
            raise ValueError(f"not a number: {token!r}")
    return total + current
