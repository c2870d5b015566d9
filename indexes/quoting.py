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
BOUND_ASKED = LIMIT_ASKED + r"|too (?:many|much)|太多|过多|minimum|\bmin\b(?!\s*(?:ute|s\b))|at least|lowest|how low|最少|至少|最低|不低于|下限"
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
    (r"how long|多久|多长时间|when (?:does|do|should|to)\b|什么时候", _NUM + r"(?:s\b|sec|seconds?|min|minutes?|h\b|hours?|days?|weeks?"
                                                 r"|秒|分钟|小时|天|周|个月)"),
    (LIMIT_ASKED,
     r"(?:under|below|no more than|up to|at most|limit(?:ing)?|maximum|不超过|低于|上限|最多|以内|以下)[^.。；;]{0,24}?\d"),
    (r"calorie|kcal|热量|大卡|千卡|卡路里", _NUM + r"(?:kcal|calories|千卡|大卡)"),
    (r"\bmg\b|毫克|(?:how much|dose|多少|剂量).{0,12}(?:caffeine|咖啡因)|(?:caffeine|咖啡因).{0,12}(?:how much|dose|多少|剂量)",
     _NUM + r"(?:mg|毫克)"),
    (r"grams?\b|多少克|几克|how much protein|蛋白质.{0,6}多少", _NUM + r"(?:g\b|grams?|克)"),
    # how much to add: "raise weekly sets by no more than about 20%", "an increase of about 2-10%", "增幅不超过约20%"
    (r"how (?:fast|quickly)|how much (?:\w+ ){0,2}?(?:to |should i |do i |can i )?(?:add|increase|raise|progress)"
     r"|(?:add|increase|raise)\w* (?:by )?how much|加多少|增加多少|加几|多快|涨多少|提高多少",
     r"(?:add|increas|rais|progress|jump)\w*[^.;]{0,40}?" + _NUM + r"(?:%|kg\b|g\b|sets?\b|reps?\b|kcal)"
     r"|(?:加|增加|增幅|提高|增长)[^。；]{0,16}?" + _NUM + r"(?:%|公斤|千克|克|组|次|千卡|斤)"),
    # how often: "2-3 sessions a week", "twice a week", "every 4-8 weeks", "每周2-3次", "每周至少练两次", "每4-8周"
    (r"how often|how frequently|how many (?:times|days|sessions|workouts)\b(?! (?:of|in) a row)|frequency|频率|多久.{0,3}一次"
     r"|(?:一周|每周|每星期|一星期|一个星期|周)[^，。？?]{0,6}?几(?:次|天|练)|几(?:次|天)一周",
     _NUM + r"(?:(?!(?:a|per|each)\b)[a-z-]+\s+){0,2}?(?:times?|sessions?|days?|workouts?|x)\b[^.;]{0,24}?\b(?:a|per|each|every)\s+week"
     r"|\b(?:once|twice)\s+(?:a|per|each)\s+week|\bevery\s+" + _NUM + r"(?:weeks?|days?|months?)"
     r"|(?:每周|一周|每星期)[^。；，]{0,8}?(?:\d[\d.,]*(?:\s*[-–~～至到]\s*\d+)?|[一二两三四五六七](?:到[二两三四五六七])?)\s*(?:次|天)"
     r"|每(?:隔)?" + _NUM + r"(?:周|天|个月)"),
    (r"how many (?:different )?(?:exercises|movements|lifts)|(?:几|多少)(?:个|种)(?:动作|练习)",
     _NUM + r"(?:个|种)?(?:(?!sets?\b|reps?\b)[a-z-]+\s+)?(?:动作|练习|exercises?|movements?|lifts?)"),
    (r"\bsets?\b|几组|多少组", _NUM + r"(?:(?:hard|working|weekly|more)\s+)?(?:sets?\b|个?(?:有效|正式)?组)"),   # not "0-4 repetitions"
    (r"\breps?\b|多少次|几次|几个", _NUM + r"(?:reps?|repetitions?|次|个)"),
    (r"how many steps|steps? (?:a|per|each) day|daily steps|多少步|几步|步数", _NUM + r"(?:steps?|步)"),
    (r"how (?:many|much|often|long)|多少|几|\btargets?\b|\bintake\b|\ballowance\b|\brda\b|recommended (?:amount|dose|daily)"
     r"|\bdos(?:e|age|ing)\b|推荐量|摄入量|建议量|标准量|剂量|用量"
     r"|\b(?:healthy|normal|good|ideal) (?:bmi|range|weight|waist|body fat|rate|number)|(?:算|是)(?:正常|健康|合适|标准)|正常范围",
     r"\d"),
]
DIGIT = re.compile(r"\d")
# An amount stated as a bound ("beyond ~22 sets is junk volume", "不超过约10个有效组") answers "how much at
# most", not "how much": a question that does not ask for a limit is answered first by a recommended amount.
_BOUND_BEFORE = re.compile(r"(?:beyond|more than|over|above|exceed(?:s|ing)?|at most|no more than|up to|under|below|"
                           r"keep(?:ing)? (?:it|them|this|each) (?:to|under|below)|"
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
    `limit`: the question asks for an upper limit, so an amount stated as a bound is what it asks. A yes/no
    question "asks" for a sentence that answers yes or no (`YES_NO`), from its top article only."""

    def __init__(self, pattern: str, limit: bool = False, articles: int | None = None, gives: bool = False):
        self.pattern = re.compile(pattern, re.I)
        self.limit = limit
        self.gives = gives         # the question gives numbers of its own ("80 kg for 5 reps"): a worked example fits
        self.articles = articles   # how many retrieved articles may answer it (None: the composer's pool)
        self.yes_no = pattern == YES_NO   # "Yes:" is continued by the sentence after it, whatever it shares

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

# A yes/no question ("pregnant, can i still lift?", "喝酒影响增肌吗") is answered first by the sentence that says
# yes or no ("Yes: in an uncomplicated pregnancy, keep exercising.", "能：…"), not by one sharing "still".
_YES_NO_ASKED = re.compile(r"(?:^|[,，.;]\s*|\b(?:so|but|and|hey|hi)\s+)(?:can|could|is|are|am|do|does|did|should|will|would|may"
                           r"|must)\b|\b(?:is it|it's|its) (?:ok|okay|safe|bad|fine|normal|true)\b|\bok to\b|[吗么嘛][？?。!！]*$"
                           r"|能不能|可不可以|是不是|会不会|要不要|行不行|好不好|能否|可否|有没有必要|有必要吗", re.I)
_EITHER_OR = re.compile(r"\bor\b|还是")
YES_NO = (r"^(?:yes|no|not (?:at|necessarily|usually)|usually|generally|in most cases|it depends|only if)\b"
          r"|^(?:能|可以|不能|不可以|不会|会|是的|不是|不用|不必|不需要|需要|一般可以|通常可以|通常不会|不一定|视情况)[：:，,。]")

# A how-to question ("双重渐进法怎么用", "how do i estimate my 1rm") is answered by the method as the text gives it:
# the best sentence and the ones after it, in order, not the best two wherever they are.
_HOW_TO = re.compile(r"\bhow (?:do|does|should|can|would) (?:i|you|we|one)\b(?! (?:know|tell))|\bhow to\b|\bwhat'?s the best way"
                     r"|怎么(?:用|做|练|安排|进行|操作|吃|算|估算|开始)|如何(?:用|做|练|安排|进行|操作|吃|算|估算|开始)|什么方法|步骤")


def asks_how_to(query: str) -> bool:
    """Whether a question asks for a method (see _HOW_TO)."""
    return bool(_HOW_TO.search((query or "").lower()))


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
            return (Amount(stated, limit=bool(re.search(BOUND_ASKED, given)), gives=given != q),
                    re.sub(asked, " ", q))
    if _YES_NO_ASKED.search(q.strip()) and not _EITHER_OR.search(q):   # "cardio before or after weights?" is no yes/no
        return Amount(YES_NO, articles=1), q
    return None, q


_EXAMPLE_SETUP = re.compile(r"(?:for )?example:|e\.g\.", re.I)
_LIST_ITEM = 80          # characters: longer list items are quoted on their own, not with their lead line


def units(text: str) -> list[str]:
    """Quotable units of a section: its sentences, except that a line ending in a colon stays joined to
    the short list items after it (BMI cut-offs, formulas), and a question to the sentence answering it
    ("How much weight to add each time? The ACSM … 2-10%"); other list items stand alone."""
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
        for i in range(len(parts) - 1, 0, -1):   # a question in the text stays with the sentence answering it,
            # and a worked example's set-up with its sum ("Example: you squat 80 kg for 5. 80 × (1 + 5/30) ≈ 93 kg.")
            if parts[i - 1].endswith(("?", "？")) or (_EXAMPLE_SETUP.match(parts[i - 1]) and parts[i][:1].isdigit()):
                parts[i - 1:i + 1] = [parts[i - 1] + ("" if _CJK.search(parts[i]) else " ") + parts[i]]
        out.extend(parts)
        lead = bool(parts) and parts[-1].endswith((":", "："))
    return out


def snippet(text: str, chars: int = 160) -> str:
    """A section's first `chars` characters, for a hit's preview."""
    return text if len(text) <= chars else text[:chars].rstrip() + "…"
