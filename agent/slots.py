"""Profile facts from free text (zh / en / mixed): the regex fast path of understanding.

Written for the way people type: "27F", "male 40", "男 180 75公斤", "168 58", "6'1\" 200 lb", "一米六八",
"四十岁", "110斤", "想瘦10斤", "想瘦到50公斤", "I am 24 weeks pregnant". Spans that are NOT body facts are
read first and blanked out, so their numbers can never become one: pregnancy weeks ("24 weeks pregnant" is not
age 24), weight changes and targets ("lose 5 kg" is not a body weight of 5 kg), lifted loads ("bench 100 kg"),
dumbbell sizes ("10 kg dumbbells"). `extract` also returns the numbers it could not place, so the caller can
ask the LLM (agent/understand.py) about exactly those.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numbers import cn_to_int, normalize

NUM = r"(\d{1,3}(?:\.\d+)?)"
CN = r"([一二两三四五六七八九十百零〇\d]{1,5})"      # a Chinese or Arabic number
KG = r"(?:kg|kgs|kilos?|kilograms?|公斤|千克)"
LB = r"(?:lbs?|pounds?)"
JIN = r"斤"
WEIGHT_UNIT = rf"({KG}|{LB}|{JIN})"
AGE_RANGE, HEIGHT_RANGE, WEIGHT_RANGE = (10, 100), (120, 230), (30, 250)


@dataclass
class Extraction:
    facts: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)   # field -> 0..1 (bare-number guesses < 1)
    leftovers: list[str] = field(default_factory=list)  # numbers in the text no rule placed


def _to_kg(value: float, unit: str) -> float:
    unit = (unit or "kg").lower()
    if unit.startswith(("lb", "pound")):
        return round(value * 0.4536, 1)
    if unit == "斤":
        return round(value / 2, 1)
    return round(value, 1)


class _Text:
    """The message with consumed spans blanked out, so a number is used once."""

    def __init__(self, text: str):
        self.s = self.orig = normalize(text)

    def take(self, pattern: str, flags=re.I):
        m = re.search(pattern, self.s, flags)
        if m:
            self.s = self.s[:m.start()] + " " * (m.end() - m.start()) + self.s[m.end():]
        return m

    def find(self, pattern: str, flags=re.I):
        return re.search(pattern, self.s, flags)

    def said(self, pattern: str, flags=re.I):
        """Search the whole message (consumed spans included): for words, not numbers."""
        return re.search(pattern, self.orig, flags)


def _pregnancy(t: _Text, out: dict) -> None:
    for pat, scale in ((rf"{CN}\s*(?:weeks?|wks?|wk|w)\s*(?:pregnant|along|of pregnancy|preg)", 1),
                       (rf"pregnan\w*\s*(?:,|with|at|and)?\s*(?:about\s*)?{CN}\s*(?:weeks?|wks?)", 1),
                       (rf"(?:怀孕|孕期|孕)\s*(?:第)?{CN}\s*(?:周|个?星期|w)", 1),
                       (rf"(?:怀孕|孕期|孕)\s*(?:第)?{CN}\s*个?月", 4.3),
                       (rf"{CN}\s*months?\s*pregnant", 4.3)):
        if m := t.take(pat):
            week = round(cn_to_int(m.group(1)) * scale)
            if 1 <= week <= 42:
                out["pregnancy_week"] = week
                out["pregnant"] = True
                return
    if t.find(r"\bpregnan|怀孕|孕期|孕妇|怀着|(?<!备)孕[早中晚]期|trimester") and not t.find(r"not pregnant|没怀孕|备孕"):
        out["pregnant"] = True
        if m := t.find(r"(first|second|third|1st|2nd|3rd)\s*trimester|孕(早|中|晚)期"):
            key = m.group(1) or m.group(2)
            out["pregnancy_week"] = {"first": 8, "1st": 8, "早": 8, "second": 20, "2nd": 20, "中": 20}.get(key, 32)


def _postpartum(t: _Text, out: dict) -> None:
    for pat in (rf"{CN}\s*(weeks?|months?|days?)\s*(?:postpartum|post-partum|pp\b|after (?:giving birth|birth|delivery|having))",
                rf"(?:gave birth|had (?:my|a) baby|delivered)\s*{CN}\s*(weeks?|months?|days?)\s*ago",
                rf"(?:产后|生完孩子|生完宝宝|生娃|生孩子后?|坐完月子)\s*{CN}\s*(周|个?月|天|个?星期)"):
        if m := t.take(pat):
            n, unit = cn_to_int(m.group(1)), m.group(2)
            weeks = n if unit.startswith(("week", "周", "星期", "个星期")) else n / 7 if unit.startswith(("day", "天")) else n * 4.3
            out["postpartum_weeks"] = round(weeks)
            out["sex"] = "female"
            break
    else:
        if t.find(r"postpartum|post-partum|产后|坐月子|刚生完"):
            out["postpartum_weeks"] = out.get("postpartum_weeks", 6)
            out["sex"] = "female"
    if t.find(r"breast\s*-?feeding|\bnursing\b|哺乳|母乳|喂奶"):
        out["breastfeeding"] = True
        out["sex"] = "female"


def _weight_change(t: _Text, out: dict) -> None:
    """'lose 5 kg', '想瘦10斤', 'get down to 60kg', '想瘦到50公斤', 'gain 3 kg': a goal, never a body weight."""
    lose_to = r"(?:get\s*(?:down\s*)?to|down\s*to|drop\s*to|reach|lose\s*weight\s*to|瘦到|减到|降到|减重到|瘦成)"
    gain_to = r"(?:bulk\s*(?:up\s*)?to|up\s*to|gain\s*(?:weight\s*)?to|增到|长到|增重到|胖到)"
    target = r"(?:target(?:\s*weight)?\s*(?:is|of|:)?|goal\s*weight\s*(?:is|of|:)?|目标体重\s*(?:是|:)?|目标)"
    for pat, sign in ((lose_to, -1), (gain_to, 1), (target, 0)):
        if m := t.take(rf"{pat}\s*{CN}\s*{WEIGHT_UNIT}?"):
            unit = m.group(2) or ("斤" if "斤" in t.s[m.end():m.end() + 2] else "kg")
            kg = _to_kg(cn_to_int(m.group(1)), unit)
            if WEIGHT_RANGE[0] <= kg <= WEIGHT_RANGE[1]:
                out["target_weight_kg"] = kg
                if sign:
                    out["goal"] = "fat_loss" if sign < 0 else "hypertrophy"
                    out["weight_direction"] = "lose" if sign < 0 else "gain"
            return
    lose = r"(?:lose|lost|drop|shed|lose\s*about|lose\s*like|get\s*rid\s*of|瘦|减|掉|减掉|瘦掉|甩掉|减重)"
    gain = r"(?:gain|put\s*on|add|bulk|增重|增|长|胖)"
    for pat, sign in ((lose, -1), (gain, 1)):
        if m := t.take(rf"{pat}\s*(?:了|个)?\s*(?:around\s*|about\s*)?{CN}\s*{WEIGHT_UNIT}"):
            amount = _to_kg(cn_to_int(m.group(1)), m.group(2))
            if "了" in m.group(0) or m.group(0).lower().startswith("lost"):
                return  # already lost: not a goal, and not a body weight either
            if 0 < amount <= 60:
                out["weight_change_kg"] = sign * amount
                out["goal"] = "fat_loss" if sign < 0 else "hypertrophy"
                out["weight_direction"] = "lose" if sign < 0 else "gain"
            return


def _not_body_weight(t: _Text) -> None:
    """Loads lifted and equipment sizes carry kg too: blank them."""
    lift = r"(?:bench|squat|deadlift|press|lift|curl|row|卧推|深蹲|硬拉|推举|举|拉|蹲)"
    for _ in range(3):
        if not (t.take(rf"{lift}\w*\s*(?:of\s*)?{NUM}\s*{WEIGHT_UNIT}")
                or t.take(rf"{NUM}\s*{WEIGHT_UNIT}\s*(?:的)?\s*(?:dumbbells?|kettlebells?|plates?|哑铃|壶铃|杠铃片|杠铃)")
                or t.take(rf"(?:dumbbells?|kettlebells?|哑铃|壶铃)\s*(?:of|up to|到|最重)?\s*{NUM}\s*{WEIGHT_UNIT}")):
            break


def _sex_age(t: _Text, out: dict) -> None:
    nounit = r"(?!\s*(?:kg|kgs|kilo|cm|lb|pound|%|min|分钟|公斤|斤|厘米|cm|km|天|次|周|day|week|x\b|times|reps|sets|组|个))"
    male = r"(?:male|mael|man|guy|dude|boy|m|男|男生|男的|男性)"
    female = r"(?:female|femal|fmale|woman|girl|lady|gal|f|女|女生|女的|女性)"
    for sex, word in (("male", male), ("female", female)):
        # "27F" is an age, but in "168 58 女 33" the 58 belongs to the height before it
        if m := t.take(rf"(?<![a-z\d.])(?<!\d )(?<!\d,)(?<!\d，)(?<!\d, )(\d{{2}})\s*(?:yo|y/o|y\.o\.)?\s*[,/]?\s*{word}(?![a-z])"):
            out.setdefault("age", float(m.group(1)))
            out["sex"] = sex
        elif m := t.take(rf"(?<![a-z'’]){word}\s*[,/，]?\s*(?:aged?\s*)?(\d{{2}})(?![\d.]){nounit}"):
            out.setdefault("age", float(m.group(1)))
            out["sex"] = sex
    if "sex" in out:
        return
    if t.find(r"(?:男|女)(?:朋友|友|儿子|女儿|孩子)|for (?:my )?(?:wife|husband|son|daughter|mom|dad)"):
        pass  # someone else's sex, unless stated again below
    solo = r"(?<![\u4e00-\u9fff]){}(?![\u4e00-\u9fff])"
    if t.find(r"(?<![a-z])(?:female|femal|fmale|woman|girl|lady|mom|mum|mother|wife)(?![a-z])|女生|女的|女性|我是女|我女|宝妈|妈妈|" + solo.format("女")) \
            and not t.find(r"\b(?:for|do|should|can)\s+women|women'?s|女性(?:需要|应该|要|可以)|我妈|妈妈(?:想|要|的)|女朋友|女友"):
        out["sex"] = "female"
    elif t.find(r"(?<![a-z])(?:male|mael|man|guy|dude|boy|husband|dad)(?![a-z])|男生|男的|男性|我是男|我男|" + solo.format("男")) \
            and not t.find(r"\b(?:for|do|should|can)\s+men\b|men'?s|男性(?:需要|应该|要|可以)|男朋友|男友"):
        out["sex"] = "male"


def _age(t: _Text, out: dict) -> None:
    if "age" in out:
        return
    nounit = r"(?!\s*(?:kg|kgs|kilo|cm|lb|pound|%|min|公斤|斤|厘米|km|days?|weeks?|x\b|times|reps|sets|'|ft|feet|\"|in\b))"
    for pat in (rf"{CN}\s*(?:周岁|岁)",
                r"(\d{2})\s*(?:-|\s)?\s*(?:years?|yeras?|yrs?|yr|y\.?o\.?|y/o)\b(?:\s*old)?",
                r"(?:age|aged|年龄)\s*(?:is|:|：|是)?\s*(\d{2})",
                rf"今年\s*(?:已经)?\s*{CN}(?![\d.]|\s*(?:kg|公斤|斤|厘米|cm|天|次))",
                rf"\bi(?:'|’)?m\s+(?:a\s+)?(\d{{2}})(?![\d.]){nounit}",
                rf"\bi\s*am\s+(?:a\s+)?(\d{{2}})(?![\d.]){nounit}",
                rf"(?:^|[\s,，])我\s*(\d{{2}})(?![\d.]){nounit}(?!\s*(?:岁|周岁))(?=[\s,，了]|$)",
                r"(?:^|[,，\s])([一二三四五六七八九]?十[一二三四五六七八九]?)(?=\s*(?:了|[,，]|$))"):
        if m := t.take(pat):
            value = cn_to_int(m.group(1))
            if AGE_RANGE[0] <= value <= AGE_RANGE[1]:
                out["age"] = float(value)
                return


def _height(t: _Text, out: dict) -> None:
    pats = (
        (r"(\d)\s*(?:'|’|ft|feet|foot)\s*(\d{1,2})?\s*(?:\"|”|''|in(?:ch(?:es)?)?)?", "ft"),
        (rf"{NUM}\s*(?:cm|cms|centimet(?:er|re)s?|厘米|公分)", "cm"),
        (r"(\d\.\d{1,2})\s*(?:m(?![a-z])|米|meters?|metres?)", "m"),
        (r"([1一])\s*米\s*([0-9一二三四五六七八九零〇]{1,2})", "mi"),
        (r"(?:身高|height|tall|个子|高)\s*(?:is|:|：|是|有)?\s*(\d{3})(?!\d)", "cm"),
        (r"(\d{3})\s*(?:tall|高)", "cm"),
    )
    for pat, kind in pats:
        m = t.take(pat)
        if not m:
            continue
        if kind == "ft":
            cm = round((int(m.group(1)) * 12 + int(m.group(2) or 0)) * 2.54)
        elif kind == "m":
            cm = round(float(m.group(1)) * 100)
        elif kind == "mi":
            rest = m.group(2)
            rest_v = cn_to_int(rest) if not rest.isdigit() else int(rest)
            digits = rest if rest.isdigit() else "".join(str(cn_to_int(c)) for c in rest)
            cm = 100 + (rest_v * 10 if len(digits) == 1 else int(digits))
        else:
            cm = float(m.group(1))
        if HEIGHT_RANGE[0] <= cm <= HEIGHT_RANGE[1]:
            out["height_cm"] = float(cm)
            return


def _weight(t: _Text, out: dict) -> None:
    if m := t.take(rf"{CN}\s*{WEIGHT_UNIT}"):
        kg = _to_kg(cn_to_int(m.group(1)), m.group(2))
        if WEIGHT_RANGE[0] <= kg <= WEIGHT_RANGE[1]:
            out["weight_kg"] = kg
            return
    if m := t.take(r"(?:体重|weigh(?:t|s)?|重)\s*(?:is|:|：|是|有|about|around)?\s*(\d{2,3}(?:\.\d)?)"):
        value = float(m.group(1))
        # a bare Chinese body weight above ~100 is usually 斤; with a height, pick the plausible BMI
        candidates = [value, value / 2] if re.search(r"[\u4e00-\u9fff]", t.orig) else [value, value * 0.4536]
        h = out.get("height_cm")
        if h:
            best = min(candidates, key=lambda w: abs(w / (h / 100) ** 2 - 22))
        else:
            best = candidates[0] if value <= 130 else candidates[1]
        out["weight_kg"] = round(best, 1)


def _bare_numbers(t: _Text, out: dict, conf: dict) -> None:
    """'168 58', '男 180 75公斤', '女，28，165，50': bare numbers next to other body facts."""
    nums = [(m.group(1), m.start()) for m in re.finditer(r"(?<![\d.\-:])(\d{2,3}(?:\.\d)?)(?![\d.%:]|\s*(?:min|分钟|天|次|days?|x\b|times|reps|组|个|号|点|am|pm|周|weeks?|months?|年))", t.s)]
    facts = {k for k in ("sex", "age", "height_cm", "weight_kg") if k in out}
    if not nums or (not facts and len(nums) < 2):
        return
    for raw, _ in nums:
        v = float(raw)
        if "height_cm" not in out and 140 <= v <= 210:
            out["height_cm"], conf["height_cm"] = v, 0.85
        elif "weight_kg" not in out and 35 <= v <= 150 and ("height_cm" in out or "age" in out):
            out["weight_kg"], conf["weight_kg"] = v, 0.85
        elif "age" not in out and 13 <= v <= 90 and v == int(v) and ("sex" in out or {"height_cm", "weight_kg"} <= out.keys()):
            out["age"], conf["age"] = v, 0.85
        else:
            continue
        t.s = t.s.replace(raw, " " * len(raw), 1)


_WEEKDAYS = r"\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?s?\b|周[一二三四五六日天]|星期[一二三四五六日天]"


def _days(t: _Text, out: dict) -> None:
    pats = (rf"{CN}\s*(?:days?|x|times?|sessions?|天|次)\s*(?:a|per|/|each|every|一|a\s*)\s*(?:week|wk|周|星期)",
            rf"(?:每周|一周|每星期|每个星期|一个星期|一星期|周|week)\s*(?:练|训练|去|能练|可以练|最多|大概|能|只能)?\s*{CN}\s*(?:天|次|练|days?|times?)",
            rf"{CN}\s*(?:x|times)\s*(?:weekly|/\s*wk)",
            rf"{CN}\s*-?\s*days?\s*(?:split|plan|program|routine|schedule|a\s*week|weekly|per\s*week)",
            rf"\b(\d)-day\b",
            rf"(?:train|work\s*out|workout|lift|exercise)\w*\s*{CN}\s*(?:days?|times?|x)\b",
            rf"(?<![\d.])(?<!day )(?<!day){CN}\s*days?\b(?!\s*(?:ago|in a row|of|off|later|rest|a month))",
            rf"(?:练|训练|能练)\s*{CN}\s*天",
            rf"(?<![\d一二两三四五六七八九十第])([一二两三四五六七])\s*天(?!前|后|内)")
    for pat in pats:
        if m := t.take(pat):
            n = cn_to_int(m.group(1))
            if 1 <= n <= 7:
                out["days_per_week"] = n
                return
    if t.find(r"every\s*day|daily|每天练|天天练|每天都练|每天训练"):
        out["days_per_week"] = 6
        return
    days = {m.group(0)[:3].lower() for m in re.finditer(_WEEKDAYS, t.s, re.I)}
    if len(days) >= 2:
        out["days_per_week"] = len(days)


def _minutes(t: _Text, out: dict) -> None:
    pats = ((r"一个半小时|an?\s*hour\s*and\s*a\s*half|(?:one\s*and\s*a\s*half|1\.5)\s*(?:hours?|hrs?|h\b|小时)", lambda m: 90),
            (r"半\s*(?:个)?\s*小时|half\s*an?\s*hour", lambda m: 30),
            (rf"{CN}\s*(?:minutes?|minuets|mins?|分钟|分)", lambda m: cn_to_int(m.group(1))),
            (r"(\d)\s*(?:hours?|hrs?|h\b|小时)", lambda m: int(m.group(1)) * 60),
            (r"([一两二三])\s*个?\s*小时", lambda m: cn_to_int(m.group(1)) * 60),
            (r"\b(?:an?|one)\s*hours?\b", lambda m: 60))
    for pat, value in pats:
        if m := t.take(pat):
            v = value(m)
            if 10 <= v <= 180:
                out["minutes_per_session"] = float(v)
            return


_KEYWORDS: dict[str, list[tuple[str, str]]] = {
    "goal": [("fat_loss", r"lose\s*(?:some\s*)?(?:fat|weight|belly)|fat\s*loss|weight\s*loss|\bcut(?:ting)?\b|\bshred|\blean\b|tone|减脂|减肥|减重|刷脂|瘦|掉秤|塑形"),
             ("hypertrophy", r"muscle|hypertroph|\bbulk|gain\s*(?:weight|mass|size)|\bsize\b|增肌|肌肉|增重|长肉|变壮|练大"),
             ("strength", r"strength|stronger|powerlift|力量|变强"),
             ("endurance", r"endurance|marathon|stamina|\b5k\b|\b10k\b|耐力|马拉松|跑步成绩"),
             ("general_health", r"\bhealth|fitness|stay\s*fit|get\s*fit|健康|体能")],
    "experience": [("beginner", r"beginner|begginer|newbie|new\s*to|never\s*(?:trained|lifted|worked)|just\s*start|新手|初学|小白|刚开始|零基础|没练过"),
                   ("advanced", r"advanced|years\s*of\s*(?:training|lifting)|高级|老手|练了好几年"),
                   ("intermediate", r"intermediate|中级|练过一段|有基础")],
    "place": [("bodyweight", r"no\s*equipment|without\s*equipment|bodyweight|body\s*weight\s*only|徒手|无器械|没有器械|没器械|自重"),
              ("home", r"at\s*home|\bhome\b|在家|家里|宿舍|dorm"), ("gym", r"\bgym\b|健身房")],
    "diet": [("vegan", r"\bvegan\b|纯素|全素"), ("vegetarian", r"vegetarian|veggie|素食|吃素"),
             ("pescatarian", r"pescatarian|鱼素"), ("halal", r"halal|清真")],
}
_EQUIPMENT = {"dumbbell": r"dumbb?ells?|\bdbs?\b|哑铃", "barbell": r"barbells?|杠铃", "kettlebells": r"kettle\s*bells?|\bkbs?\b|壶铃",
              "resistance_band": r"(?:resistance\s*)?bands?\b|弹力带|拉力带", "pull_up_bar": r"pull-?\s*up\s*bar|chin-?up\s*bar|单杠|引体向上杆",
              "bench": r"\bbench\b(?!\s*(?:press|\d))|训练凳|卧推凳"}
_LIMITATIONS = {"knee": r"knee|膝", "lower_back": r"lower\s*back|back\s*pain|bad\s*back|腰|下背", "shoulder": r"shoulder|肩",
                "wrist": r"wrist|手腕", "elbow": r"elbow|肘", "hip": r"\bhip|髋", "ankle": r"ankle|脚踝|踝", "neck": r"\bneck|脖子|颈"}
INJURY_WORDS = r"tennis\s*elbow|golfer'?s\s*elbow|网球肘|injur|pain|hurt|problem|\bbad\b|sore|surgery|torn|tear|sprain|arthritis|伤|痛|疼|不好|受过|手术|劳损|扭|不舒服"
_TECHNIQUE = r"position|form|technique|placement|cue|track|姿势|位置|角度|动作要领|发力"


def _keywords(t: _Text, out: dict) -> None:
    for name, options in _KEYWORDS.items():
        if name in out:
            continue
        for value, pat in options:
            if t.said(pat):
                out[name] = value
                break
    if out.get("place") == "bodyweight":
        out["equipment"] = []
    else:
        gear = [eq for eq, pat in _EQUIPMENT.items() if t.said(pat)]
        if gear and not t.said(r"\b(?:no|without)\s+(?:dumbbells?|barbell|kettlebell)|没有(?:哑铃|杠铃|壶铃)"):
            out["equipment"] = gear
            out.setdefault("place", "home")
    if t.said(INJURY_WORDS) and not t.said(_TECHNIQUE):
        hurt = [area for area, pat in _LIMITATIONS.items() if t.said(pat)]
        if hurt:
            out["limitations"] = hurt


def extract(text: str) -> Extraction:
    """Facts with a confidence each, and the numbers no rule placed."""
    t = _Text(text or "")
    out: dict = {}
    conf: dict = {}
    _pregnancy(t, out)
    _postpartum(t, out)
    _weight_change(t, out)
    _not_body_weight(t)
    _days(t, out)
    _minutes(t, out)
    _height(t, out)
    _sex_age(t, out)
    _age(t, out)
    _weight(t, out)
    _bare_numbers(t, out, conf)
    _keywords(t, out)
    if out.get("pregnant") or out.get("postpartum_weeks") is not None or out.get("breastfeeding"):
        out["sex"] = "female"
    leftovers = re.findall(r"(?<![\d.])\d{2,3}(?:\.\d+)?(?![\d.])", t.s)
    return Extraction(out, {k: conf.get(k, 1.0) for k in out}, leftovers)


def extract_profile(text: str) -> dict:
    """Facts stated in the text, as profile fields (only those found)."""
    return extract(text).facts


def merge_profile(memory: dict, new: dict) -> dict:
    """Newer facts win; limitations and equipment accumulate; a weight change becomes a target weight once the
    body weight is known."""
    merged = {**memory, **new}
    for key in ("limitations",):
        if key in memory or key in new:
            merged[key] = sorted(set(memory.get(key, [])) | set(new.get(key, [])))
    change = merged.get("weight_change_kg")
    if change and merged.get("weight_kg") and ("weight_change_kg" in new or "weight_kg" in new):
        merged["target_weight_kg"] = round(merged["weight_kg"] + change, 1)
    target, weight = merged.get("target_weight_kg"), merged.get("weight_kg")
    if target and weight and "weight_direction" not in new:
        merged["weight_direction"] = "lose" if target < weight - 0.5 else "gain" if target > weight + 0.5 else "maintain"
    if merged.get("weight_direction") in ("lose", "gain") and merged.get("goal") not in ("fat_loss", "hypertrophy", "strength"):
        merged["goal"] = "fat_loss" if merged["weight_direction"] == "lose" else "hypertrophy"
    return merged
