"""User profiles for the training and nutrition planners, parsed from the plain dicts the agent, UI and
API pass, and checked once here so the planners can trust every field.

Bad input raises `ProfileError` (a ValueError) whose `errors` maps each bad field to a bilingual
message, so a caller can show the user exactly what to fix. Enum values accept a few English and
Chinese synonyms ("增肌" → hypertrophy), numbers may arrive as strings ("70", "70 kg").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

# Plausible human ranges: anything outside is a typo or unit mix-up, never a plan input.
AGE_RANGE = (13, 100)            # years; 13-17 are minors: conservative plans, never a deficit
TRAINING_AGE_RANGE = (6, 100)    # training plans: 6-12 play-based bodyweight, 13-17 supervised youth (NSCA 2009)
HEIGHT_CM_RANGE = (100.0, 250.0)
WEIGHT_KG_RANGE = (25.0, 350.0)
BODY_FAT_PCT_RANGE = (3.0, 60.0)
DAYS_RANGE = (1, 7)
MINUTES_RANGE = (15, 180)        # per session
MEALS_RANGE = (2, 6)
RATE_KG_RANGE = (0.0, 2.0)       # requested kg/week; the planner caps it further (SCIENCE.md "Weight change")
PREGNANCY_WEEK_RANGE = (1, 42)   # gestational week; trimester 1-13 T1, 14-27 T2, 28+ T3
POSTPARTUM_WEEKS_RANGE = (0, 104)
REQUESTED_KCAL_RANGE = (300, 8000)  # a calorie figure the user asked for; the planner decides if it is safe
TRAINING_DAYS_RANGE = (0, 7)
ADULT_AGE = 18

GOALS = ("strength", "hypertrophy", "fat_loss", "endurance", "general_health", "sport")
EXPERIENCE = ("beginner", "intermediate", "advanced")
PLACES = ("gym", "home", "bodyweight")
SEXES = ("male", "female")
LIMITATIONS = ("knee", "lower_back", "shoulder", "wrist", "elbow", "hip", "ankle", "neck")  # vocab contraindications
ACTIVITY = ("sedentary", "light", "moderate", "active", "very_active")
NUTRITION_GOALS = ("lose", "maintain", "gain")
DIETS = ("omnivore", "vegetarian", "vegan", "pescatarian", "halal")
ALLERGENS = ("gluten", "dairy", "egg", "soy", "peanut", "tree_nut", "fish", "shellfish", "sesame")
CUISINES = ("any", "chinese", "western")
PARQ_QUESTIONS = ("heart_condition", "chest_pain_activity", "chest_pain_rest", "dizziness", "bone_joint",
                  "bp_heart_medication", "other_reason")  # PAR-Q (2002 version), one key per question

_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "goal": {"strength": ("力量", "增力", "strong", "stronger", "powerlifting"),
             "hypertrophy": ("增肌", "肌肥大", "muscle", "build muscle", "muscle gain", "bodybuilding"),
             "fat_loss": ("减脂", "减肥", "减重", "fat loss", "lose fat", "weight loss", "lose weight", "cut"),
             "endurance": ("耐力", "cardio", "stamina", "running", "runner", "run", "marathon", "cycling", "cyclist",
                           "triathlon", "跑步", "马拉松", "骑行", "长跑", "铁人三项"),
             "general_health": ("健康", "一般健康", "保持健康", "health", "general health", "fitness"),
             "sport": ("sports", "athlete", "athletic", "sport performance", "team sport", "运动表现", "体能", "专项",
                       "篮球", "足球", "basketball", "football", "soccer", "tennis", "网球")},
    "experience": {"beginner": ("新手", "初学者", "入门", "小白", "novice"), "intermediate": ("中级",),
                   "advanced": ("高级", "老手", "expert")},
    "place": {"gym": ("健身房",), "home": ("家", "在家", "家里", "home gym"),
              "bodyweight": ("徒手", "自重", "无器械", "none", "no equipment", "body weight")},
    "sex": {"male": ("男", "男性", "man", "m"), "female": ("女", "女性", "woman", "f")},
    "activity": {"sedentary": ("久坐", "很少运动", "1.2"), "light": ("轻度", "lightly active", "1.375"),
                 "moderate": ("中度", "中等", "moderately active", "1.55"), "active": ("高度", "活跃", "1.725"),
                 "very_active": ("非常活跃", "极高", "extra active", "athlete", "1.9")},
    "nutrition_goal": {"lose": ("减脂", "减肥", "减重", "loss", "lose weight", "fat_loss", "fat loss", "cut"),
                       "maintain": ("维持", "保持", "maintenance", "general_health", "endurance", "strength",
                                    "health"),
                       "gain": ("增肌", "增重", "bulk", "muscle gain", "hypertrophy", "gain weight")},
    "diet": {"omnivore": ("杂食", "无", "any", "none", "normal", "regular"),
             "vegetarian": ("素食", "蛋奶素", "吃素", "lacto-ovo"), "vegan": ("纯素", "全素", "plant-based"),
             "pescatarian": ("鱼素",), "halal": ("清真",)},
    "cuisine": {"any": ("不限", "都可以", "无", "other", "none", "no preference", "mixed"),
                "chinese": ("中餐", "中式", "中国", "中国菜"), "western": ("西餐", "西式")},
    "limitation": {"knee": ("膝", "膝盖", "膝关节", "knees"),
                   "lower_back": ("腰", "腰部", "下背", "下背部", "腰椎", "back", "low back", "lower back"),
                   "shoulder": ("肩", "肩膀", "肩关节", "shoulders"), "wrist": ("手腕", "腕", "wrists"),
                   "elbow": ("肘", "肘关节", "elbows"), "hip": ("髋", "髋关节", "hips"),
                   "ankle": ("脚踝", "踝", "踝关节", "ankles"), "neck": ("颈", "颈椎", "脖子")},
}
# One word may name several allergens ("海鲜" covers fish and shellfish).
_ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    "麸质": ("gluten",), "小麦": ("gluten",), "wheat": ("gluten",), "milk": ("dairy",), "lactose": ("dairy",),
    "乳制品": ("dairy",), "牛奶": ("dairy",), "奶": ("dairy",), "eggs": ("egg",), "鸡蛋": ("egg",), "蛋": ("egg",),
    "soya": ("soy",), "大豆": ("soy",), "黄豆": ("soy",), "peanuts": ("peanut",), "花生": ("peanut",),
    "tree nuts": ("tree_nut",), "tree nut": ("tree_nut",), "坚果": ("tree_nut",), "鱼": ("fish",),
    "nuts": ("tree_nut", "peanut"), "nut": ("tree_nut", "peanut"), "shrimp": ("shellfish",), "crab": ("shellfish",),
    "虾": ("shellfish",), "蟹": ("shellfish",), "贝类": ("shellfish",), "甲壳类": ("shellfish",),
    "seafood": ("fish", "shellfish"), "海鲜": ("fish", "shellfish"), "芝麻": ("sesame",),
}
_TRUE = ("true", "yes", "y", "1", "是", "有", "对")
_FALSE = ("false", "no", "n", "0", "否", "没有", "无", "")
_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[a-zA-Z%\u4e00-\u9fff/]*\s*$")


class ProfileError(ValueError):
    """Bad profile input; `errors` maps field name -> {"en": ..., "zh": ...}."""

    def __init__(self, errors: dict[str, dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v['en']}" for k, v in errors.items()))

    def to_dict(self) -> dict:
        return {"error": "invalid_profile", "fields": self.errors}


def _msg(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


def _key(text: object) -> str:
    return str(text).strip().lower().replace("-", "_").replace(" ", "_")


def _choice(value: object, allowed: tuple[str, ...], synonyms: dict[str, tuple[str, ...]], field: str,
            errors: dict) -> str:
    """An enum value from its canonical name or a synonym; records a bilingual error otherwise."""
    if isinstance(value, str):
        raw = value.strip().lower()
        if _key(raw) in allowed:
            return _key(raw)
        for canon, words in synonyms.items():
            if raw in words or raw.replace("_", " ") in words:
                return canon
    errors[field] = _msg(f"must be one of: {', '.join(allowed)} (got {value!r})",
                         f"必须是以下之一：{'、'.join(allowed)}（收到 {value!r}）")
    return allowed[0]


def _number(value: object, lo: float, hi: float, field: str, errors: dict, unit: tuple[str, str],
            integer: bool = False) -> float:
    """A finite number in [lo, hi]; strings like '70 kg' are read, bools and NaN are refused."""
    num: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        num = float(value)
    elif isinstance(value, str) and (m := _NUMBER.match(value)):
        num = float(m.group(1))
    if num is None or not math.isfinite(num):
        errors[field] = _msg(f"must be a number {lo:g}-{hi:g} {unit[0]} (got {value!r})",
                             f"必须是 {lo:g}-{hi:g} {unit[1]} 之间的数字（收到 {value!r}）")
        return lo
    if integer and num != int(num):
        errors[field] = _msg(f"must be a whole number {lo:g}-{hi:g} {unit[0]} (got {value!r})",
                             f"必须是 {lo:g}-{hi:g} {unit[1]} 之间的整数（收到 {value!r}）")
        return lo
    if not lo <= num <= hi:
        errors[field] = _msg(f"must be between {lo:g} and {hi:g} {unit[0]} (got {num:g})",
                             f"必须在 {lo:g} 到 {hi:g} {unit[1]} 之间（收到 {num:g}）")
        return lo
    return int(num) if integer else num


def _flag(value: object, field: str, errors: dict) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    errors[field] = _msg(f"must be yes or no (got {value!r})", f"必须是“是”或“否”（收到 {value!r}）")
    return False


def _words(value: object, field: str, errors: dict) -> tuple[str, ...]:
    """A list of strings from a list/tuple or a comma-separated string ('knee, 腰')."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(r"[,;，；、/]", value)
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
        errors[field] = _msg("must be a list of names", "必须是名称列表")
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


_SEVERE_WORDS = ("severe", "acute", "sharp", "intense", "swollen", "swelling", "剧", "急性", "严重", "刺痛", "肿")


def _limitations(value: object, errors: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(areas, areas with severe/acute pain): 'knee', '膝盖', 'severe knee pain', '腰部急性疼痛'."""
    out, severe, bad = [], [], []
    for word in _words(value, "limitations", errors):
        raw = word.lower()
        canon = _key(raw) if _key(raw) in LIMITATIONS else next(
            (c for c, ws in _SYNONYMS["limitation"].items() if raw in ws or any(w in raw for w in ws if len(w) > 2)),
            None) or next((c for c in LIMITATIONS if c.replace("_", " ") in raw.replace("_", " ")), None) or next(
            (c for c, ws in _SYNONYMS["limitation"].items() if any(w in raw for w in ws if re.search(r"[\u4e00-\u9fff]", w))),
            None)
        (out if canon else bad).append(canon or word)
        if canon and any(w in raw for w in _SEVERE_WORDS):
            severe.append(canon)
    if bad:
        errors["limitations"] = _msg(f"unknown body area(s) {bad}; known: {', '.join(LIMITATIONS)}",
                                     f"无法识别的部位 {bad}；可选：{'、'.join(LIMITATIONS)}")
    return tuple(sorted(set(out))), tuple(sorted(set(severe)))


def _allergens(value: object, errors: dict) -> tuple[str, ...]:
    """Allergies must all be understood: silently dropping one could put it on the plate."""
    out, bad = [], []
    for word in _words(value, "allergies", errors):
        raw = word.strip().lower()
        if _key(raw) in ALLERGENS:
            out.append(_key(raw))
        elif raw in _ALLERGEN_WORDS:
            out.extend(_ALLERGEN_WORDS[raw])
        else:
            bad.append(word)
    if bad:
        errors["allergies"] = _msg(f"unknown allergen(s) {bad}; known: {', '.join(ALLERGENS)}",
                                   f"无法识别的过敏原 {bad}；可选：{'、'.join(ALLERGENS)}")
    return tuple(sorted(set(out)))


def _parq(value: object, errors: dict) -> tuple[str, ...]:
    """PAR-Q 'yes' answers: a list of question keys, a {question: bool} dict, or one bool for 'any yes'."""
    if value is None or value is False:
        return ()
    if value is True:
        return ("other_reason",)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return ("other_reason",) if value.strip().lower() in _TRUE else ()
    if isinstance(value, dict):
        value = [k for k, v in value.items() if _flag(v, "parq", errors)]
    keys = _words(value, "parq", errors)
    bad = [k for k in keys if _key(k) not in PARQ_QUESTIONS]
    if bad:
        errors["parq"] = _msg(f"unknown PAR-Q question(s) {bad}; known: {', '.join(PARQ_QUESTIONS)}",
                              f"无法识别的 PAR-Q 问题 {bad}；可选：{'、'.join(PARQ_QUESTIONS)}")
    return tuple(sorted({_key(k) for k in keys if _key(k) in PARQ_QUESTIONS}))


def _required(data: dict, names: tuple[str, ...], errors: dict) -> None:
    for name in names:
        if data.get(name) in (None, ""):
            errors[name] = _msg("is required", "为必填项")


def _as_dict(data: object) -> dict:
    if not isinstance(data, dict):
        raise ProfileError({"profile": _msg(f"must be a mapping of fields (got {type(data).__name__})",
                                            f"必须是字段映射（收到 {type(data).__name__}）")})
    return data


@dataclass(frozen=True)
class TrainingProfile:
    """Who the training week is for. `equipment` None means a full commercial gym."""

    goal: str
    days_per_week: int
    minutes_per_session: int
    age: int | None = None              # None: an adult (30 assumed for heart-rate zones)
    experience: str = "beginner"
    place: str = "gym"
    equipment: tuple[str, ...] | None = None
    limitations: tuple[str, ...] = ()
    sex: str = "unspecified"
    avoid_exercises: tuple[str, ...] = ()
    favour_exercises: tuple[str, ...] = ()
    parq_yes: tuple[str, ...] = ()      # PAR-Q questions answered "yes" -> referral, conservative plan
    acute_symptoms: bool = False        # chest pain, dizziness, acute injury now -> no escalation
    pregnant: bool = False
    pregnancy_week: int | None = None   # 1-42; implies pregnant (trimesters 1-13, 14-27, 28+)
    postpartum_weeks: int | None = None  # weeks since giving birth
    severe_pain: tuple[str, ...] = ()   # limited areas with severe/acute pain -> referral, no loading there

    @property
    def years(self) -> int:
        return 30 if self.age is None else self.age

    @property
    def is_minor(self) -> bool:
        return self.age is not None and self.age < ADULT_AGE

    @property
    def trimester(self) -> int | None:
        if not self.pregnant:
            return None
        if self.pregnancy_week is None:
            return 2  # week unknown: plan as after the first trimester (the stricter rules: nothing supine)
        return 1 if self.pregnancy_week <= 13 else 2 if self.pregnancy_week <= 27 else 3

    @property
    def needs_referral(self) -> bool:
        return bool(self.parq_yes) or self.acute_symptoms or self.pregnant or bool(self.severe_pain) or (
            self.postpartum_weeks is not None and self.postpartum_weeks < 6)

    @property
    def conservative(self) -> bool:
        """Light, no-escalation plan: PAR-Q yes, acute symptoms, pregnancy or a minor (SCIENCE.md "safety")."""
        return self.needs_referral or self.is_minor

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}


@dataclass(frozen=True)
class NutritionProfile:
    """Who the nutrition plan is for; `rate_kg_per_week` None means the default rate for the goal."""

    sex: str
    age: int
    height_cm: float
    weight_kg: float
    activity: str = "sedentary"
    goal: str = "maintain"
    rate_kg_per_week: float | None = None
    body_fat_pct: float | None = None
    diet: str = "omnivore"
    allergies: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()
    meals_per_day: int = 3
    cuisine: str = "any"
    trained: bool = False               # regular resistance training: ISSN allows more protein in a deficit
    pregnant: bool = False
    breastfeeding: bool = False
    eating_disorder: bool = False       # history or current signs -> no deficit, referral
    chronic_disease: bool = False       # diabetes, kidney, heart disease... -> no deficit, referral
    supervised: bool = False            # under medical supervision: the 1200/1500 floors may not apply (800 does)
    pregnancy_week: int | None = None   # 1-42; implies pregnant
    postpartum_weeks: int | None = None  # with breastfeeding: lactation +330 (0-26 weeks) / +400 kcal (IOM 2005)
    target_weight_kg: float | None = None  # sets the direction (lose/gain) and a safe rate
    requested_kcal: float | None = None  # a daily calorie figure the user asked for (checked, never silently changed)
    training_days: int | None = None    # training days a week: training-day and rest-day targets

    @property
    def trimester(self) -> int | None:
        if self.pregnancy_week is None:
            return 1 if self.pregnant else None   # pregnant without a week: plan as T1 (+0), the plan says so
        return 1 if self.pregnancy_week <= 13 else 2 if self.pregnancy_week <= 27 else 3

    @property
    def is_minor(self) -> bool:
        return self.age < ADULT_AGE

    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.height_cm / 100) ** 2

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}


def parse_training_profile(data: dict | TrainingProfile) -> TrainingProfile:
    """A TrainingProfile from a plain dict; raises ProfileError listing every bad field."""
    if isinstance(data, TrainingProfile):
        data = data.to_dict()
    data = _as_dict(data)
    errors: dict = {}
    _required(data, ("goal", "days_per_week", "minutes_per_session"), errors)
    goal = _choice(data.get("goal"), GOALS, _SYNONYMS["goal"], "goal", errors) if "goal" not in errors else GOALS[0]
    days = _number(data.get("days_per_week"), *DAYS_RANGE, "days_per_week", errors, ("days", "天"), True) \
        if "days_per_week" not in errors else 1
    minutes = _number(data.get("minutes_per_session"), *MINUTES_RANGE, "minutes_per_session", errors,
                      ("min", "分钟"), True) if "minutes_per_session" not in errors else 15
    age = None if data.get("age") in (None, "") else \
        _number(data.get("age"), *TRAINING_AGE_RANGE, "age", errors, ("years", "岁"), True)
    week = None if data.get("pregnancy_week") in (None, "") else \
        _number(data["pregnancy_week"], *PREGNANCY_WEEK_RANGE, "pregnancy_week", errors, ("weeks", "周"), True)
    postpartum = None if data.get("postpartum_weeks") in (None, "") else \
        _number(data["postpartum_weeks"], *POSTPARTUM_WEEKS_RANGE, "postpartum_weeks", errors, ("weeks", "周"), True)
    limitations, severe = _limitations(data.get("limitations"), errors)
    experience = _choice(data.get("experience") or "beginner", EXPERIENCE, _SYNONYMS["experience"], "experience",
                         errors)
    place = _choice(data.get("place") or "gym", PLACES, _SYNONYMS["place"], "place", errors)
    sex = data.get("sex") or "unspecified"
    sex = "unspecified" if _key(sex) in ("unspecified", "other", "x", "不透露") else \
        _choice(sex, SEXES, _SYNONYMS["sex"], "sex", errors)
    raw_eq = data.get("equipment")
    equipment = None if raw_eq is None and place == "gym" else \
        tuple(_key(e) for e in _words(raw_eq, "equipment", errors)) if place != "bodyweight" else ()
    profile = TrainingProfile(
        goal=goal, days_per_week=int(days), minutes_per_session=int(minutes), age=None if age is None else int(age),
        experience=experience, place=place, equipment=equipment, limitations=limitations, sex=sex,
        avoid_exercises=tuple(_key(e) for e in _words(data.get("avoid_exercises"), "avoid_exercises", errors)),
        favour_exercises=tuple(_key(e) for e in _words(data.get("favour_exercises"), "favour_exercises", errors)),
        parq_yes=_parq(data.get("parq_yes", data.get("parq")), errors),
        acute_symptoms=_flag(data.get("acute_symptoms"), "acute_symptoms", errors),
        pregnant=_flag(data.get("pregnant"), "pregnant", errors) or week is not None,
        pregnancy_week=None if week is None else int(week),
        postpartum_weeks=None if postpartum is None else int(postpartum), severe_pain=severe)
    if errors:
        raise ProfileError(errors)
    return profile


def parse_nutrition_profile(data: dict | NutritionProfile) -> NutritionProfile:
    """A NutritionProfile from a plain dict; raises ProfileError listing every bad field."""
    if isinstance(data, NutritionProfile):
        data = data.to_dict()
    data = _as_dict(data)
    errors: dict = {}
    _required(data, ("sex", "age", "height_cm", "weight_kg"), errors)
    sex = _choice(data.get("sex"), SEXES, _SYNONYMS["sex"], "sex", errors) if "sex" not in errors else "male"
    age = _number(data.get("age"), *AGE_RANGE, "age", errors, ("years", "岁"), True) if "age" not in errors else 30
    height = _number(data.get("height_cm"), *HEIGHT_CM_RANGE, "height_cm", errors, ("cm", "厘米")) \
        if "height_cm" not in errors else 170.0
    weight = _number(data.get("weight_kg"), *WEIGHT_KG_RANGE, "weight_kg", errors, ("kg", "公斤")) \
        if "weight_kg" not in errors else 70.0
    body_fat = None if data.get("body_fat_pct") in (None, "") else \
        _number(data["body_fat_pct"], *BODY_FAT_PCT_RANGE, "body_fat_pct", errors, ("%", "%"))
    rate = None if data.get("rate_kg_per_week") in (None, "") else \
        abs(_number(data["rate_kg_per_week"], -RATE_KG_RANGE[1], RATE_KG_RANGE[1], "rate_kg_per_week", errors,
                    ("kg/week", "公斤/周")))
    activity = data.get("activity") or "sedentary"
    activity = _choice(str(activity) if isinstance(activity, (int, float)) else activity, ACTIVITY,
                       _SYNONYMS["activity"], "activity", errors)

    def optional(key, rng, unit, integer=False):
        return None if data.get(key) in (None, "") else _number(data[key], *rng, key, errors, unit, integer)

    week = optional("pregnancy_week", PREGNANCY_WEEK_RANGE, ("weeks", "周"), True)
    postpartum = optional("postpartum_weeks", POSTPARTUM_WEEKS_RANGE, ("weeks", "周"), True)
    target_kg = optional("target_weight_kg", WEIGHT_KG_RANGE, ("kg", "公斤"))
    requested = optional("requested_kcal", REQUESTED_KCAL_RANGE, ("kcal", "千卡"))
    train_days = data.get("training_days", data.get("days_per_week"))
    train_days = None if train_days in (None, "") else \
        _number(train_days, *TRAINING_DAYS_RANGE, "training_days", errors, ("days", "天"), True)
    goal = _choice(data.get("goal") or "maintain", NUTRITION_GOALS, _SYNONYMS["nutrition_goal"], "goal", errors)
    if target_kg is not None and not data.get("goal") and weight is not None:
        goal = "lose" if target_kg < weight - 0.5 else "gain" if target_kg > weight + 0.5 else "maintain"
    profile = NutritionProfile(
        sex=sex, age=int(age), height_cm=float(height), weight_kg=float(weight), activity=activity,
        goal=goal, rate_kg_per_week=rate, body_fat_pct=body_fat,
        diet=_choice(data.get("diet") or "omnivore", DIETS, _SYNONYMS["diet"], "diet", errors),
        allergies=_allergens(data.get("allergies"), errors),
        dislikes=tuple(d.lower() for d in _words(data.get("dislikes"), "dislikes", errors)),
        meals_per_day=int(_number(data.get("meals_per_day", 3), *MEALS_RANGE, "meals_per_day", errors,
                                  ("meals", "餐"), True)),
        cuisine=_choice(data.get("cuisine") or "any", CUISINES, _SYNONYMS["cuisine"], "cuisine", errors),
        trained=_flag(data.get("trained"), "trained", errors),
        pregnant=_flag(data.get("pregnant"), "pregnant", errors) or week is not None,
        breastfeeding=_flag(data.get("breastfeeding"), "breastfeeding", errors),
        pregnancy_week=None if week is None else int(week), postpartum_weeks=None if postpartum is None else int(postpartum),
        target_weight_kg=target_kg, requested_kcal=requested,
        training_days=None if train_days is None else int(train_days),
        eating_disorder=_flag(data.get("eating_disorder"), "eating_disorder", errors),
        chronic_disease=_flag(data.get("chronic_disease"), "chronic_disease", errors),
        supervised=_flag(data.get("supervised"), "supervised", errors))
    if errors:
        raise ProfileError(errors)
    return profile
