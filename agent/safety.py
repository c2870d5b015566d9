"""Safety triage: which care a message needs, decided before any tool runs, and what to say for it.

Categories, each with its right answer (texts in prompts/safety.yaml, sources cited there):
- red_flag: chest pain, fainting, sudden breathlessness, acute injury, pregnancy warning signs -> stop, seek care now;
- eating_disorder: restriction/purging/compensation signals -> kind, no diet, a safe alternative, where to get help;
- very_low_calorie / rapid_loss: an intake under ~1000 kcal/day or a loss faster than 1 kg/week -> the safe
  floor and pace, and an offer to plan it;
- drugs: steroids, SARMs, diet pills -> not advised, a doctor decides;
- pregnancy / postpartum / minor: answered and planned, with their rules (ACOG 804; NSCA youth) as a note;
- injury: modify, don't refuse (a note beside the plan or answer);
- benign: nothing to add. "Carbs while cutting", "knee position in a squat", "chest day", "a 500 kcal deficit"
  are benign.
`blocks` says whether the category's reply replaces the answer (red flag, ED, VLC, rapid loss, drugs) or is a
note next to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .numbers import cn_to_int, normalize

from .slots import INJURY_WORDS  # the words that make a named body part a limitation, one list for both

TEXTS = yaml.safe_load((Path(__file__).parent / "prompts" / "safety.yaml").read_text(encoding="utf-8"))
BLOCKING = ("red_flag", "eating_disorder", "very_low_calorie", "rapid_loss", "drugs")
SAFE_RATE_KG_WEEK = 1.0          # NHLBI 0.45-0.9, China 0.5-1 kg/week (SCIENCE.md)
LOW_INTAKE_KCAL = 1000           # a stated daily intake under this is very low calorie (floors 1200/1500, 800)

_RED_FLAGS = {
    "chest": r"chest\s*(?:pain|hurts?|tight|pressure)|chest\s*(?:feels?|is|gets?|getting|went)\s*(?:really\s*|very\s*|so\s*)?(?:tight|heavy|painful|crushing)|pain\s*in\s*(?:my\s*)?chest|(?:heart|chest)\s*(?:is\s*)?(?:hurting|aching)|胸(?:口|部)?(?:痛|疼|闷|发紧|压迫)|心口疼|心绞痛",
    "faint": r"faint|passed\s*out|blacked?\s*out|nearly\s*collapsed|collapsed|晕倒|昏倒|昏过去|晕过去|眼前发黑|差点晕|头晕(?:目眩|得站不住)",
    "breath": r"can'?t\s*(?:catch\s*my\s*)?breathe?|short(?:ness)?\s*of\s*breath\s*(?:at\s*rest|even\s*resting)|喘不上气|呼吸困难|上不来气",
    "heart": r"heart\s*(?:is\s*)?(?:racing|pounding|skipping|fluttering)\s*(?:and|even|at\s*rest|for)|palpitation|irregular\s*heart|心慌|心悸|心跳(?:很乱|不规律|特别快停不下来)",
    "injury": r"heard\s*a\s*pop|felt\s*a\s*pop|popped\s*and|(?:torn|tore|ruptured?)\s*(?:my\s*)?(?:acl|ligament|tendon|achilles|meniscus|muscle)|can'?t\s*(?:put|bear)\s*weight|swelled\s*up|swollen\s*and|broke\s*my|fracture|骨折|韧带(?:撕裂|断)|跟腱(?:断|撕裂)|撕裂了|肿得厉害|肿起来了|不能着地|听到.{0,4}(?:响|啪)",
    "neuro": r"numb(?:ness)?\s*(?:in|down)|arm\s*went\s*numb|sudden\s*(?:severe\s*)?headache|worst\s*headache|麻木|半边.{0,3}(?:麻|没力)|突然剧烈头痛",
    "pregnancy": r"(?:bleeding|spotting|fluid\s*leak|leaking\s*fluid|contractions|waters?\s*broke)|(?:出血|见红|破水|漏液|宫缩)",
}
_ED = (r"purg|throw(?:ing)?\s*up\s*after|make\s*myself\s*(?:throw\s*up|sick|vomit)|laxative|starv(?:e|ing)\s*myself|"
       r"(?:not|stop)\s*eat(?:ing)?\s*(?:for|at\s*all|anything)\s*(?:\d|a\s*week|days|weeks)?|haven'?t\s*eaten\s*in\s*(?:\d|days|two|three)|"
       r"(?:eat|ate)\s*nothing\s*(?:for|but)|hate\s*my\s*body|disgusted\s*(?:with|by)\s*(?:myself|my\s*body)|"
       r"binge\w*\s*(?:and|then)\s*(?:purge|throw|starve|fast)|anorex|bulimi|(?:burn|work)\s*off\s*everything\s*I\s*ate|"
       r"催吐|吃完就?(?:去)?吐|抠喉|泻药|绝食|饿(?:自己|了?[两三四五六七几\d]天)|[两三四五六七几\d]天不吃|不吃饭.{0,4}(?:减|瘦)|什么都不吃|"
       r"厌食|暴食|讨厌自己的身体|恨自己.{0,3}胖|吃了就(?:要|得)?(?:练|跑)回来")
_DRUGS = r"steroid|\bsarms?\b|anabolic|clenbuterol|\bclen\b|\btren\b|trenbolone|dianabol|diet\s*pills?|fat\s*burner\s*pills?|类固醇|合成代谢|克伦特罗|瘦肉精|减肥药|睾酮针|蛋白同化"
_KCAL = r"(\d{2,4}|[一二三四五六七八九两]?[百千][一二三四五六七八九]?十?)\s*(?:kcal|calories|cals?|cal\b|千卡|大卡|卡路里|卡)"
_NOT_INTAKE = r"deficit|surplus|burn|burned|burns|below\s*maintenance|under\s*maintenance|缺口|消耗|燃烧|少吃|多吃|盈余|per\s*meal|每餐|一餐|snack|零食|a\s*session|一次|训练"


@dataclass(frozen=True)
class Triage:
    category: str                    # see the module docstring
    detail: str = ""                 # red-flag kind, the kcal stated, the area...
    blocks: bool = False             # the safety reply replaces the answer

    def reply(self, lang: str, profile: dict | None = None) -> str:
        return compose(self, lang, profile or {})


def _kcal_intake(s: str) -> int | None:
    for m in re.finditer(_KCAL, s, re.I):
        around = s[max(0, m.start() - 25):m.end() + 25]
        if re.search(_NOT_INTAKE, around, re.I):
            continue
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else int(cn_to_int(raw.replace("千", "000") if raw.endswith("千") else raw))
        if 0 < value < LOW_INTAKE_KCAL:
            return value
    return None


def _rate(s: str, profile: dict) -> tuple[float, float] | None:
    """(kg to lose, weeks) when the message asks for a loss in a stated time."""
    change = profile.get("weight_change_kg")
    target = profile.get("target_weight_kg")
    amount = -change if change and change < 0 else (profile["weight_kg"] - target) if target and profile.get("weight_kg") else None
    if not amount or amount <= 0:
        return None
    m = re.search(r"(?:in|within|over|by\s*next)\s*(\d{1,2}|a|an|one|two|three|four)?\s*(days?|weeks?|months?)", s, re.I) \
        or re.search(r"([一二两三四五六七八九十\d]{1,3}|个)?\s*(天|周|星期|个月|月)(?:内|之内|里)", s) \
        or re.search(r"(一|两|二|三)?\s*(周|个?星期|个?月)(?:就|瘦|减|掉)", s)
    if not m:
        return None
    n_raw, unit = (m.group(1) or "1"), m.group(2).lower()
    n = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "个": 1}.get(n_raw)
    n = n if n is not None else cn_to_int(n_raw)
    weeks = n / 7 if unit.startswith(("day", "天")) else n * 4.3 if unit.startswith(("month", "月", "个月")) else n
    return (amount, max(weeks, 1 / 7))


def triage(text: str, profile: dict | None = None) -> Triage:
    """The safety category of a message, given the profile known so far (stated facts merged in)."""
    s = normalize(text or "")
    profile = profile or {}
    pregnant = profile.get("pregnant") or profile.get("pregnancy_week")
    for kind, pattern in _RED_FLAGS.items():
        if (kind != "pregnancy" or pregnant) and re.search(pattern, s, re.I):
            return Triage("red_flag", kind, True)
    if re.search(_ED, s, re.I):
        return Triage("eating_disorder", "", True)
    if re.search(_DRUGS, s, re.I) and not re.search(r"(?:avoid|side\s*effects?\s*of\s*steroid\s*cream)", s, re.I):
        return Triage("drugs", "", True)
    kcal = _kcal_intake(s)
    if kcal is not None:
        return Triage("very_low_calorie", str(kcal), True)
    rate = _rate(s, profile)
    if rate and rate[0] / rate[1] > SAFE_RATE_KG_WEEK + 1e-9:
        return Triage("rapid_loss", f"{rate[0]:g}/{rate[1]:g}", True)
    if pregnant:
        return Triage("pregnancy", str(profile.get("pregnancy_week") or ""))
    if profile.get("postpartum_weeks") is not None or profile.get("breastfeeding"):
        return Triage("postpartum", str(profile.get("postpartum_weeks") or ""))
    if profile.get("age") and profile["age"] < 18:
        return Triage("minor", str(int(profile["age"])))
    if profile.get("limitations") and re.search(INJURY_WORDS, s, re.I):
        return Triage("injury", ",".join(profile["limitations"]))
    return Triage("benign")


def compose(t: Triage, lang: str, profile: dict) -> str:
    """The category's reply (blocking categories) or note (the others); '' for benign."""
    i = 1 if lang == "zh" else 0
    if t.category == "benign":
        return ""
    if t.category == "red_flag":
        return TEXTS["red_flag"][lang].format(what=TEXTS["red_flag_what"][t.detail][i])
    if t.category == "very_low_calorie":
        return TEXTS["very_low_calorie"][lang].format(kcal=f"{t.detail} kcal" if not i else f" {t.detail} 千卡")
    if t.category == "rapid_loss":
        amount, weeks = (float(x) for x in t.detail.split("/"))
        return TEXTS["rapid_loss"][lang].format(rate=f"{amount / weeks:.1f}", amount=f"{amount:g}",
                                                weeks=f"{round(amount / 0.75)}")
    if t.category == "pregnancy":
        week = profile.get("pregnancy_week")
        tri = None if not week else 1 if week <= 13 else 2 if week <= 27 else 3
        when = ([f"week {week}, trimester {tri}", f"第 {week} 周，孕{'早中晚'[tri - 1]}期"][i] if week
                else ["stage not stated", "未说明孕周"][i])
        return TEXTS["pregnancy"][lang].format(when=when)
    if t.category == "postpartum":
        weeks = profile.get("postpartum_weeks")
        when = [f"{weeks} weeks", f"{weeks} 周"][i] if weeks is not None else ["recently", "近期"][i]
        feeding = TEXTS["breastfeeding"][lang] if profile.get("breastfeeding") else ""
        return TEXTS["postpartum"][lang].format(when=when, feeding=feeding)
    if t.category == "injury":
        sep = "、" if i else " and "
        area = sep.join(TEXTS["areas"].get(a, [a, a])[i] for a in t.detail.split(","))
        return TEXTS["injury"][lang].format(area=area)
    return TEXTS[t.category][lang]
