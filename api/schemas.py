"""Request and response models of the /v1 REST API (what /docs and /openapi.json show).

Every bound lives here, so /openapi.json and the validation are the same thing: numbers carry their
plausible range (tools/profiles.py's *_RANGE), choices list their values and accepted synonyms ("增肌"),
every string and list has a length cap. A number may also arrive as text with a unit ("70 kg"): the text
form is pattern-checked here and range-checked by `tools.profiles` (bilingual, field-level 422).
Plans, catalog cards and traces are nested documents owned by `tools/`; they are passed through as
JSON objects rather than re-declared here.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from tools import profiles as P

Lang = Literal["en", "zh"]
USER_ID_PATTERN = r"^[A-Za-z0-9_.\-]{1,64}$"
EXERCISE_ID_PATTERN = r"^[a-z0-9_]{1,80}$"
UserId = Annotated[str, StringConstraints(pattern=USER_ID_PATTERN, max_length=64)]
NUMBER_TEXT = r"^\s*\d{1,4}(\.\d{1,3})?\s*[a-zA-Z%\u4e00-\u9fff/]{0,8}\s*$"   # "70 kg", "30岁", "1.55"
Word = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Names = Union[Annotated[list[Word], Field(max_length=20)], Annotated[str, StringConstraints(max_length=400)]]
Flag = Union[bool, Literal[P._TRUE + P._FALSE]]   # true / "yes" / "是"


def number(lo: float, hi: float, integer: bool = False, doc: str = "", text: bool = True):
    """A number in [lo, hi] (what tools.profiles accepts); with `text`, also text with a unit ("70 kg"), which
    is stored as said and range-checked when a planner uses it. Planner requests take numbers only, so
    their schema is the whole check."""
    ints = Annotated[int, Field(ge=int(lo) if float(lo).is_integer() else int(lo) + 1, le=int(hi))]
    num = ints if integer else Union[ints, Annotated[float, Field(ge=lo, le=hi, allow_inf_nan=False)]]
    if not text:
        return Annotated[num, Field(description=f"{doc} ({lo:g}-{hi:g})".strip())]
    return Annotated[Union[num, Annotated[str, StringConstraints(pattern=NUMBER_TEXT, max_length=24)]],
                     Field(description=f"{doc} ({lo:g}-{hi:g}; or text with a unit)".strip())]


def plan_number(lo: float, hi: float, integer: bool = False, doc: str = ""):
    return number(lo, hi, integer, doc, text=False)


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def choice(field: str, values: tuple[str, ...]):
    """One of `values` or a synonym tools.profiles knows ("增肌" → hypertrophy), any case."""
    synonyms = tuple(w.lower() for ws in P._SYNONYMS.get(field, {}).values() for w in ws)
    options = tuple(dict.fromkeys(values + synonyms))
    return Annotated[Literal[options], BeforeValidator(_lower)]


def _words_of(value):
    """"knee, 腰" → ["knee", "腰"]: the list form is what the schema describes."""
    if isinstance(value, str):
        import re

        return [w for w in re.split(r"[,，、;；]\s*", value) if w.strip()]
    return value


Limitations = Annotated[list[choice("limitation", P.LIMITATIONS)], Field(max_length=len(P.LIMITATIONS)),
                        BeforeValidator(_words_of)]
Allergies = Annotated[list[Annotated[Literal[tuple(dict.fromkeys(P.ALLERGENS + tuple(P._ALLERGEN_WORDS)))],
                                     BeforeValidator(_lower)]], Field(max_length=20), BeforeValidator(_words_of)]
LABEL_PATTERN = r"^[^/\\\x00-\x1f\x7f-\x9f]*[^/\\\s\x00-\x1f\x7f-\x9f][^/\\\x00-\x1f\x7f-\x9f]*$"


class ErrorResponse(BaseModel):
    """Every error: a stable code, a message in the asked language, both languages, and bad fields."""

    error: str = Field(description="stable error code, e.g. invalid_profile, too_large, not_image, unauthorized")
    message: str
    messages: dict[str, str | None] | None = Field(None, description="{en, zh} when both are available")
    fields: dict[str, dict[str, str]] | None = Field(
        None, description='per field, dotted path → {"en": ..., "zh": ...}, e.g. "profile.age"')


def errors(*codes: int) -> dict:
    """OpenAPI `responses` entry for these error statuses."""
    text = {400: "Bad request", 401: "Missing or wrong bearer token", 403: "Another user's data, or operator only",
            404: "Not found (or a user id this server did not issue)",
            409: "The plan sent cannot be changed so (not this profile's plan, or no such meal in it)",
            413: "Upload over FITNESSLM_MAX_UPLOAD_MB", 422: "Invalid input (field-level, bilingual)",
            503: "A model or server the request needs is unavailable"}
    codes = tuple(sorted({400, *codes}))   # 400: a body that is not JSON / not multipart at all
    return {c: {"model": ErrorResponse, "description": text.get(c, "Error")} for c in codes}


# -- equipment recognition -----------------------------------------------------------------------------
class Candidate(BaseModel):
    id: str
    name: str
    confidence: float
    in_catalog: bool
    image: str = Field("", description="URL path of the machine's picture (GET it), empty when not in the catalog")


class EquipmentItem(BaseModel):
    id: str
    name: str
    category: str
    image: str = Field(description="URL path of its picture")


class EquipmentList(BaseModel):
    items: list[EquipmentItem]


class Recognition(BaseModel):
    status: Literal["recognized", "not_sure", "not_equipment", "error"]
    equipment_id: str | None = Field(description="set when status is 'recognized'")
    candidates: list[Candidate]
    none_confidence: float = Field(description="how likely the photo shows no gym equipment, 0-1")
    card: dict[str, Any] | None = Field(description="catalog card (setup, steps, safety...) in the asked language")
    message: str
    backend: str
    source: str
    ms: float
    error: str = ""


class TimelineSegment(BaseModel):
    label: str
    equipment_id: str | None
    name: str
    start_s: float
    end_s: float
    frames: int
    confidence: float


class VideoSummaryItem(BaseModel):
    equipment_id: str
    name: str
    seconds: float
    share: float
    mean_confidence: float


class VideoFrame(BaseModel):
    t_s: float
    status: str
    label: str
    confidence: float
    voted: str | None = None


class VideoRecognition(BaseModel):
    status: Literal["ok"]
    duration_s: float
    fps: float
    frames_analysed: int
    mode: Literal["scene", "uniform"]
    timeline: list[TimelineSegment]
    summary: list[VideoSummaryItem] = Field(description="equipment by seconds on screen, most first")
    main: dict[str, Any] | None = Field(description="the main equipment with its catalog card, if any")
    frames: list[VideoFrame]
    warnings: list[str]
    ms: float


# -- gallery ("my gym") ----------------------------------------------------------------------------------
class GalleryLabel(BaseModel):
    label: str
    count: int
    shared: bool = Field(description="true: the operator's shared gallery; false: the user's own photos")


class Gallery(BaseModel):
    labels: list[GalleryLabel]
    total: int


class EnrollError(BaseModel):
    index: int
    error: str
    message_en: str
    message_zh: str


class EnrollResult(BaseModel):
    label: str
    added: int
    ids: list[int]
    duplicates: int
    errors: list[EnrollError]
    shared: int = Field(0, description="of them, how many were also added to the shared gallery")


class SharedPhoto(BaseModel):
    id: int
    label: str
    created: float = Field(description="when it was shared, Unix seconds")
    mine: bool = Field(description="true: the user_id asked about shared it (and may delete it)")


class SharedPhotos(BaseModel):
    photos: list[SharedPhoto]
    total: int


class GalleryRemoved(BaseModel):
    label: str
    removed: int


# -- GIFs and knowledge --------------------------------------------------------------------------------
class GifHit(BaseModel):
    exercise_id: str | None
    clip_id: str
    caption: str
    caption_en: str
    caption_zh: str
    source: Literal["generated", "user"] | str
    score: float
    url: str | None = Field(description="GET this for the animation; null for a user clip not tied to an exercise")


class GifSearch(BaseModel):
    query: str
    lang: Lang
    hits: list[GifHit]


class KnowledgeAnswer(BaseModel):
    query: str
    answer: str
    found: bool = Field(description="false: the knowledge base does not cover the question (answer says so)")
    lang: str
    citations: list[dict[str, Any]] = Field(description="numbered sources of the answer")


# -- plans ---------------------------------------------------------------------------------------------
class TrainingProfileIn(BaseModel):
    """Who the week is for. Required: goal, days_per_week, minutes_per_session."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"goal": "hypertrophy", "days_per_week": 3, "minutes_per_session": 60, "age": 30, "experience": "beginner",
         "place": "gym", "limitations": ["knee"]}]})

    goal: choice("goal", P.GOALS) = Field(description="strength | hypertrophy | fat_loss | endurance | "
                                                      "general_health (or 增肌, 减脂...)")
    days_per_week: plan_number(*P.DAYS_RANGE, integer=True, doc="training days a week")
    minutes_per_session: plan_number(*P.MINUTES_RANGE, integer=True, doc="minutes per session")
    age: plan_number(*getattr(P, "TRAINING_AGE_RANGE", P.AGE_RANGE), integer=True, doc="years") | None = Field(
        None, description="years; omitted = an adult is assumed")
    experience: choice("experience", P.EXPERIENCE) | None = Field(None, description="beginner | intermediate | advanced")
    place: choice("place", P.PLACES) | None = Field(None, description="gym | home | bodyweight")
    equipment: Names | None = Field(None, description="equipment ids at hand (home); omit for a full gym")
    limitations: Limitations | None = Field(None, description="knee, lower_back, shoulder, wrist, elbow, hip, ankle, neck")
    sex: choice("sex", P.SEXES) | None = Field(None, description="male | female")
    avoid_exercises: Names | None = None
    favour_exercises: Names | None = None
    parq_yes: Union[Annotated[list[Literal[P.PARQ_QUESTIONS]], Field(max_length=7)],
                    dict[Literal[P.PARQ_QUESTIONS], Flag], Flag, None] = Field(
        None, description="PAR-Q questions answered yes (a list of keys, a {key: bool} map, or one yes/no)")
    acute_symptoms: Flag | None = None
    pregnant: Flag | None = None
    pregnancy_week: plan_number(*P.PREGNANCY_WEEK_RANGE, integer=True, doc="weeks (implies pregnant; trimester "
                                "rules: nothing supine after week 13)") | None = None
    postpartum_weeks: plan_number(*P.POSTPARTUM_WEEKS_RANGE, integer=True, doc="weeks after birth") | None = None


class TrainingTodayProfileIn(TrainingProfileIn):
    """Who today's session is for; every field optional (the saved profile of `user_id` fills the gaps)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"goal": "hypertrophy", "age": 30, "experience": "beginner", "limitations": ["knee"]}]})

    goal: choice("goal", P.GOALS) | None = Field(None, description="default: the saved goal, else general_health")
    days_per_week: plan_number(*P.DAYS_RANGE, integer=True, doc="ignored for one session") | None = None
    minutes_per_session: plan_number(*P.MINUTES_RANGE, integer=True, doc="default for `minutes`") | None = None


TRAINING_GROUPS = ("quads", "posterior", "back", "chest", "shoulders", "triceps", "biceps", "calves", "core")


class RecentSession(BaseModel):
    """Something trained lately: muscle groups and/or exercise ids, and how many days ago (0 = today)."""

    model_config = ConfigDict(extra="forbid")

    days_ago: int = Field(ge=0, le=60, description="0 = earlier today, 1 = yesterday")
    groups: list[Literal[TRAINING_GROUPS]] = Field([], max_length=len(TRAINING_GROUPS),
                                                   description="muscle groups trained")
    exercises: list[Annotated[str, StringConstraints(pattern=EXERCISE_ID_PATTERN)]] = Field(
        [], max_length=30, description="exercise ids trained (their muscle group counts)")


class TrainingTodayRequest(BaseModel):
    """One session for today from the minutes and equipment at hand and what was trained in the last days."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"goal": "hypertrophy", "age": 30, "experience": "beginner"}, "minutes": 40,
         "equipment": ["dumbbell", "bench"], "recent": [{"days_ago": 1, "groups": ["quads", "posterior"]}],
         "lang": "en"}]})

    profile: TrainingTodayProfileIn | None = Field(None, description="default: the saved profile of `user_id`")
    minutes: plan_number(*P.MINUTES_RANGE, integer=True, doc="minutes available today") | None = Field(
        None, description="minutes available today (default: the profile's minutes_per_session, else 45)")
    equipment: Names | None = Field(None, description="equipment ids at hand today; [] = bodyweight only; "
                                                      "omitted = the profile's place and equipment")
    recent: list[RecentSession] | None = Field(None, max_length=30, description=(
        "what was trained lately; with `user_id`, the sessions saved by earlier calls count too"))
    variation: int = Field(0, ge=0, le=10_000, description="another valid session for the same inputs")
    lang: Lang | None = None
    user_id: UserId | None = Field(None, description="read the saved profile and recent sessions, save this one")


class TrainingSwapRequest(BaseModel):
    """Replace one exercise of a training plan with another of the same movement the user may do."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"plan": {"kind": "training_plan", "sessions": []}, "day": 1, "exercise_id": "barbell_bench_press"}]})

    plan: dict[str, Any] = Field(description="the plan to change, as returned by POST /v1/plans/training, "
                                             "/v1/plans/training/today or a previous swap")
    day: int = Field(ge=1, le=7, description="1-based session of the plan (1 for a today plan)")
    exercise_id: str = Field(pattern=EXERCISE_ID_PATTERN, max_length=80, description="the exercise to replace")
    profile: TrainingProfileIn | None = Field(None, description="default: the plan's own profile")
    lang: Lang | None = None
    user_id: UserId | None = Field(None, description="save the swap to this user's history")


class NutritionProfileIn(BaseModel):
    """Who the meal plan is for. Required: sex, age, height_cm, weight_kg."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"sex": "female", "age": 28, "height_cm": 165, "weight_kg": 60, "activity": "moderate", "goal": "lose",
         "diet": "omnivore", "cuisine": "chinese"}]})

    sex: choice("sex", P.SEXES) = Field(description="male | female (or 男 / 女)")
    age: plan_number(*P.AGE_RANGE, integer=True, doc="years")
    height_cm: plan_number(*P.HEIGHT_CM_RANGE, doc="cm")
    weight_kg: plan_number(*P.WEIGHT_KG_RANGE, doc="kg")
    activity: choice("activity", P.ACTIVITY) | None = Field(
        None, description="sedentary | light | moderate | active | very_active (or a PAL factor such as 1.55)")
    goal: choice("nutrition_goal", P.NUTRITION_GOALS) | None = Field(None, description="lose | maintain | gain")
    rate_kg_per_week: plan_number(*P.RATE_KG_RANGE, doc="kg a week") | None = None
    body_fat_pct: plan_number(*P.BODY_FAT_PCT_RANGE, doc="%") | None = None
    diet: choice("diet", P.DIETS) | None = Field(None, description="omnivore | vegetarian | vegan | pescatarian | halal")
    allergies: Allergies | None = Field(None, description="gluten, dairy, egg, soy, peanut, tree_nut, fish, shellfish, sesame")
    dislikes: Names | None = None
    meals_per_day: plan_number(*P.MEALS_RANGE, integer=True, doc="meals a day") | None = None
    cuisine: choice("cuisine", P.CUISINES) | None = Field(None, description="any | chinese | western")
    trained: Flag | None = None
    pregnant: Flag | None = None
    breastfeeding: Flag | None = None
    eating_disorder: Flag | None = None
    chronic_disease: Flag | None = None
    supervised: Flag | None = None
    pregnancy_week: plan_number(*P.PREGNANCY_WEEK_RANGE, integer=True, doc="weeks (implies pregnant)") | None = None
    postpartum_weeks: plan_number(*P.POSTPARTUM_WEEKS_RANGE, integer=True, doc="weeks after birth") | None = None
    target_weight_kg: plan_number(*P.WEIGHT_KG_RANGE, doc="kg; sets the direction and a safe rate") | None = None
    requested_kcal: plan_number(*P.REQUESTED_KCAL_RANGE, doc="kcal a day asked for; unsafe ones are refused") | None = None
    training_days: plan_number(*P.TRAINING_DAYS_RANGE, integer=True, doc="training days a week") | None = None


class TrainingPlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: TrainingProfileIn
    variation: int = Field(0, ge=0, le=10_000, description="another valid plan for the same profile")
    format: Literal["json", "markdown", "ics"] = Field("json", description="json | markdown | ics (calendar)")
    lang: Lang | None = Field(None, description="language of Markdown/ICS text (default: server language)")
    start_date: Annotated[dt.date, Field(json_schema_extra={"pattern": r"^(19|[2-8]\d)\d\d-\d\d-\d\d$"})] | None = Field(
        None, description="ICS only: first week starts on or after this date (1900-01-01 to 8999-12-31)")
    weeks: int = Field(1, ge=1, le=4, description="ICS only: weeks of the 4-week block to export")
    user_id: UserId | None = Field(None, description="save the profile and the plan to this user's history")

    @field_validator("start_date")
    @classmethod
    def _calendar_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not dt.date(1900, 1, 1) <= value <= dt.date(9000, 12, 31):
            raise ValueError("must be between 1900-01-01 and 9000-12-31")
        return value


class NutritionPlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: NutritionProfileIn
    format: Literal["json", "markdown"] = "json"
    lang: Lang | None = None
    user_id: UserId | None = None


class NutritionSwapRequest(BaseModel):
    """Replace one meal of a nutrition plan; the rest of that day is kept and the new meal completes its targets."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"sex": "female", "age": 28, "height_cm": 165, "weight_kg": 60, "cuisine": "chinese"},
         "day": 0, "slot": "lunch"}]})

    profile: NutritionProfileIn
    plan: dict[str, Any] | None = Field(None, description="the plan to change, as returned by POST /v1/plans/nutrition "
                                                          "or a previous change; default: the profile's plan")
    day: int = Field(ge=0, le=6, description="0-based day of the week plan")
    slot: Literal["breakfast", "snack_am", "lunch", "snack_pm", "dinner", "snack_eve"] = Field(
        description="the meal to replace (snack slots exist with 4-6 meals a day)")
    lang: Lang | None = None
    user_id: UserId | None = None


class NutritionRemoveRequest(BaseModel):
    """Remove a food from the whole week ("no eggs this week"); every affected day is re-solved."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"profile": {"sex": "female", "age": 28, "height_cm": 165, "weight_kg": 60}, "food": "鸡蛋"}]})

    profile: NutritionProfileIn
    plan: dict[str, Any] | None = Field(None, description="the plan to change; default: the profile's plan")
    food: str = Field(min_length=1, max_length=80, pattern=r"\S",
                      description="a food id or en/zh name: 'egg' / '鸡蛋' removes every egg food, 'tofu_firm' one")
    lang: Lang | None = None
    user_id: UserId | None = None


class Refusal(BaseModel):
    """An unsafe request that was not carried out: why, in both languages, and the nearest safe figure used."""

    error: Literal["unsafe_request"]
    requested_kcal: float
    safe_kcal: int = Field(description="the nearest safe daily target; `plan` is built on it")
    reason: dict[str, str] = Field(description="{en, zh}: the rule the request breaks")
    message: dict[str, str] = Field(description="{en, zh}: the refusal as the user should read it")
    fields: dict[str, dict[str, str]] = Field(description='"requested_kcal" -> {en, zh}')


class PlanResponse(BaseModel):
    plan: dict[str, Any] = Field(description="the plan document (see tools/training/ or tools/nutrition/)")
    problems: list[str] = Field(description="rules the plan breaks according to its validator; [] means valid")
    refusal: Refusal | None = Field(None, description="set when the request was unsafe: `plan` is then the nearest "
                                                      "safe plan, never a silent change")


# -- chat and users --------------------------------------------------------------------------------------
class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"user_id": "u-123", "message": "I'm 30, 80 kg, 180 cm. Plan 3 gym days a week to build muscle"}]})

    user_id: UserId
    message: str = Field("", max_length=4000, description="may be empty only when an image is attached")
    image: str | None = Field(None, max_length=40_000_000,
                              description="optional photo as a base64 data URL (data:image/jpeg;base64,...)")


class Attachment(BaseModel):
    type: str
    url: str | None
    caption: str = ""
    exercise_id: str | None = None


class ChatResponse(BaseModel):
    user_id: str
    answer: str
    lang: str
    route: str = Field(description="the router's intent (training_plan, gif, knowledge...) or 'react'")
    backend: str
    trace: list[dict[str, Any]] = Field(description="tool calls: {tool, args, ok, ms}")
    attachments: list[Attachment]
    data: dict[str, Any] | None = Field(description="the tool's full result (plan, recognition, card)")
    ms: float


class HistoryItem(BaseModel):
    id: int
    kind: str
    summary: str
    created: float


class HistoryItemDetail(HistoryItem):
    payload: dict[str, Any] | None


class History(BaseModel):
    user_id: str
    items: list[HistoryItem]


class UserProfileIn(BaseModel):
    """Planner inputs to remember (any of the training and nutrition profile fields); merged into the saved
    profile, null leaves a field unchanged."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"age": 30, "sex": "male", "height_cm": 180, "weight_kg": 80, "goal": "hypertrophy", "days_per_week": 3}]})

    goal: choice("goal", P.GOALS) | None = None
    days_per_week: number(*P.DAYS_RANGE, integer=True) | None = None
    minutes_per_session: number(*P.MINUTES_RANGE) | None = None
    age: number(*P.AGE_RANGE) | None = None
    experience: choice("experience", P.EXPERIENCE) | None = None
    place: choice("place", P.PLACES) | None = None
    equipment: Names | None = None
    limitations: Names | None = None
    sex: choice("sex", P.SEXES) | None = None
    height_cm: number(*P.HEIGHT_CM_RANGE) | None = None
    weight_kg: number(*P.WEIGHT_KG_RANGE) | None = None
    body_fat_pct: number(*P.BODY_FAT_PCT_RANGE) | None = None
    activity: choice("activity", P.ACTIVITY) | None = None
    rate_kg_per_week: number(*P.RATE_KG_RANGE) | None = None
    diet: choice("diet", P.DIETS) | None = None
    allergies: Names | None = None
    dislikes: Names | None = None
    meals_per_day: number(*P.MEALS_RANGE, integer=True) | None = None
    cuisine: choice("cuisine", P.CUISINES) | None = None


class UserProfile(BaseModel):
    user_id: str
    profile: dict[str, Any]


class NewUser(BaseModel):
    user_id: str = Field(description="secret: the key to this user's data; send it with every request about them")


class UserDeleted(BaseModel):
    user_id: str
    deleted: bool
