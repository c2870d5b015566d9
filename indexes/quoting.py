"""What an extractive knowledge answer quotes: sentence units of a section, and which kind of amount a
question asks for (the quantity cross-check), so the sentence stating that amount is quoted first."""
from __future__ import annotations

import re

from knowledge.language import CJK as _CJK

_SENTENCE = re.compile(r"(?<=[。！？；])\s*|(?<=[.!?])\s+")  # "0.8 g" stays whole
# Quantity cross-check: a question asking for an amount ("how many g/kg", "多少分钟", "what %") is
# answered first by a section that states that kind of amount. (asked-for pattern, stated pattern)
_NUM = r"\d(?:[\d.,]*)\s*(?:[-–~～至到]\s*[\d.,]+\s*)?"
# "how much at most": an amount stated as a bound is then the answer (Amount.only_as_bound)
LIMIT_ASKED = (r"(?<!my )(?<!your )(?<!true )(?<!rep )\bmax(?:imum)?\b(?!\s*(?:reps?|lifts?|out|heart|hr|strength))"
               r"|upper limit|at most|safe limit|limit (?:is|for|of|per)|最多|上限|最高|不超过|不能超过")
# ...or at least / at most of any kind of amount ("女生每天最少吃多少热量": "不低于1200千卡" answers it)
BOUND_ASKED = LIMIT_ASKED + r"|minimum|\bmin\b(?!\s*(?:ute|s\b))|at least|lowest|how low|最少|至少|最低|不低于|下限"
QUANTITIES = [
    (r"g\s*/\s*kg|per k(?:g|ilo)|每公斤|每千克|/kg",
     _NUM + r"(?:m?g|ml|毫?克|毫升)\s*(?:/\s*kg|per kg|每公斤|/公斤)|每公斤(?:体重)?(?:约|摄入)?" + _NUM + r"(?:毫?克|毫升)"
     r"|(?:for each|per) kilo(?:gram)?\b[^.]{0,40}?" + _NUM + r"(?:m?l\b|litres?|liters?|m?g\b)"
     r"|每(?:减少)?1?公斤[^。]{0,20}?" + _NUM + r"(?:毫?升|毫?克)"),
    (r"%|percent|share|proportion|ratio|比例|百分|占多少|占比", _NUM + r"%|百分之"),
    (r"\bmin(?:ute)?s?\b|几分钟|分钟", _NUM + r"(?:min|minutes?|分钟)"),
    # ("grams per hour" asks for grams)
    (r"(?<!per )(?<!an )(?<!each )(?<!every )\bhours?\b|几(?:个)?(?:小时|钟头?)|多少小时", _NUM + r"(?:h\b|hours?|小时)"),
    (r"\bsec(?:ond)?s?\b|几秒|多少秒", _NUM + r"(?:s\b|sec|seconds?|秒)"),
    (r"how long|多久|多长时间|when does|什么时候", _NUM + r"(?:s\b|sec|seconds?|min|minutes?|h\b|hours?|days?|weeks?"
                                                 r"|秒|分钟|小时|天|周|个月)"),
    (LIMIT_ASKED,
     r"(?:under|below|no more than|up to|at most|limit(?:ing)?|maximum|不超过|低于|上限|最多|以内|以下)[^.。；;]{0,24}?\d"),
    (r"calorie|kcal|热量|大卡|千卡|卡路里", _NUM + r"(?:kcal|calories|千卡|大卡)"),
    (r"\bmg\b|毫克|(?:how much|dose|多少|剂量).{0,12}(?:caffeine|咖啡因)|(?:caffeine|咖啡因).{0,12}(?:how much|dose|多少|剂量)",
     _NUM + r"(?:mg|毫克)"),
    (r"grams?\b|多少克|几克|how much protein|蛋白质.{0,6}多少", _NUM + r"(?:g\b|grams?|克)"),
    (r"\breps?\b|多少次|几次|几个|几组|多少组|\bsets?\b", _NUM + r"(?:reps?|repetitions?|次|组|sets?|个)"),
    (r"how many steps|steps? (?:a|per|each) day|daily steps|多少步|几步|步数", _NUM + r"(?:steps?|步)"),
    (r"how (?:many|much|often|long)|多少|几|\btargets?\b|\bintake\b|\ballowance\b|\brda\b|recommended (?:amount|dose|daily)"
     r"|推荐量|摄入量|建议量|标准量", r"\d"),
]
DIGIT = re.compile(r"\d")
# An amount stated as a bound ("beyond ~22 sets is junk volume", "不超过约10个有效组") answers "how much at
# most", not "how much": a question that does not ask for a limit is answered first by a recommended amount.
_BOUND_BEFORE = re.compile(r"(?:beyond|more than|over|above|exceed(?:s|ing)?|at most|no more than|up to|under|below|"
                           r"minimum|at least|超过|不超过|多于|高于|低于|不低于|至少|最少|最多|以上|上限|下限)[^.。；;,，\d]{0,10}$", re.I)

# Citation years are no amounts: "Hall & Guo 2017", "(2018)", "WHO 2020 guidelines", "2018年的荟萃分析" state no
# quantity a "how many / 多少" question asks. A year-like number (19xx/20xx as four digits) with no unit after
# it is blanked when it sits in a citation-looking span: in brackets, after an author (a capitalised word
# within a sentence or an acronym, "et al.", "&", 等) or a date preposition, or before a publication word
# (review, guidelines, 年, 版, 指南).
# "2000 kcal" keeps its unit and "2,000 calories" is not four bare digits, so both still count.
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?:[a-c](?![a-z]))?(?![\d]|[.,]\d)")
_UNIT_AFTER = re.compile(r"\s*(?:kcal|kj|cal(?:orie)?s?\b|k?g\b|mg\b|ml\b|mcg|μg|iu\b|l\b|steps?\b|min|hours?\b|h\b"
                         r"|reps?\b|sets?\b|%|千卡|大卡|卡|千焦|克|毫克|公斤|千克|毫升|升|步|分钟|小时|次|组|个|米)", re.I)
_OPEN_BRACKET = re.compile(r"[(（\[《【][^)）\]》】]*$")
_AUTHOR_BEFORE = re.compile(r"(?:\bet al\.?|(?<=[\w,;:)&] )[A-Z][\w'’\-]*|\b[A-Z]{2,}[\w'’\-]*|&|等|\b(?:in|since|until)\b),?\s*$")
_PUBLICATION_AFTER = re.compile(r"\s*(?:[)）\]》】;；]|年|版|(?:研究|综述|指南|共识|荟萃)|(?:[a-z]+\s+){0,3}(?:review|meta-analys[ie]s"
                                r"|stud(?:y|ies)|trial|guidelines?|position stand|consensus|report|survey)\b)", re.I)


def mask_citations(text: str) -> str:
    """The text with citation years blanked (same length, so match positions still line up)."""
    def blank(m: re.Match) -> str:
        before, after = text[:m.start()], text[m.end():]
        if _UNIT_AFTER.match(after):
            return m.group()
        cited = _OPEN_BRACKET.search(before) or _AUTHOR_BEFORE.search(before) or _PUBLICATION_AFTER.match(after)
        return " " * len(m.group()) if cited else m.group()
    return _YEAR.sub(blank, text)


class Amount:
    """The pattern of an asked kind of amount, searched with citation years blanked (`mask_citations`);
    `limit`: the question asks for an upper limit, so an amount stated as a bound is what it asks."""

    def __init__(self, pattern: str, limit: bool = False):
        self.pattern = re.compile(pattern, re.I)
        self.limit = limit

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(mask_citations(text))

    def only_as_bound(self, text: str) -> bool:
        """Every statement of the amount in `text` is a bound ("beyond ~22 sets", "不超过约10个"), and the
        question did not ask for one."""
        if self.limit:
            return False
        masked = mask_citations(text)
        found = list(self.pattern.finditer(masked))
        return bool(found) and all(_BOUND_BEFORE.search(masked[:m.start()]) for m in found)


def states_number(text: str) -> bool:
    """Whether a sentence states any number other than a citation year."""
    return bool(DIGIT.search(mask_citations(text)))

# An amount the question states ("80 kg for 5 reps", "每天吃800大卡") is given, not asked for.
_GIVEN = re.compile(_NUM + r"(?:[a-z%]+|分钟|小时|千卡|大卡|公斤|毫克|[\u4e00-\u9fff])?")


def asked_quantity(query: str) -> Amount | None:
    """The pattern of the amount a question asks for (first, most specific match), or None."""
    return split_asked(query)[0]


def split_asked(query: str) -> tuple[Amount | None, str]:
    """(pattern of the asked amount or None, the question without the words that ask for it): "how long"
    or "多久" is no content to match sentences on."""
    q = (query or "").lower()
    given = _GIVEN.sub(" ", q)
    for asked, stated in QUANTITIES:
        if re.search(asked, given):
            return Amount(stated, limit=bool(re.search(BOUND_ASKED, given))), re.sub(asked, " ", q)
    return None, q


_LIST_ITEM = 80          # characters: longer list items are quoted on their own, not with their lead line


def units(text: str) -> list[str]:
    """Quotable units of a section: its sentences, except that a line ending in a colon stays joined to
    the short list items after it (BMI cut-offs, formulas); other list items stand alone."""
    out: list[str] = []
    lead = False  # the last unit is a colon line still taking list items
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if line.startswith("- "):
            item = line[2:].strip()
            lead = lead and len(item) <= _LIST_ITEM
            if lead:
                out[-1] += ("" if _CJK.search(item) else " ") + item
            else:
                out.append(item)
            continue
        parts = [p.strip() for p in _SENTENCE.split(line) if p and p.strip()]
        out.extend(parts)
        lead = bool(parts) and parts[-1].endswith((":", "："))
    return out


def snippet(text: str, chars: int = 160) -> str:
    """A section's first `chars` characters, for a hit's preview."""
    return text if len(text) <= chars else text[:chars].rstrip() + "…"
