"""/v1 exercise GIFs, knowledge answers and training / nutrition plans: thin adapters over tools/."""
from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from config import Settings

from .deps import check_user, get_services, get_settings, pick_lang
from .errors import ApiError
from .schemas import (EXERCISE_ID_PATTERN, GifSearch, KnowledgeAnswer, Lang, NutritionPlanRequest,
                      NutritionRemoveRequest, NutritionSwapRequest, PlanResponse, TrainingPlanRequest, errors)

router = APIRouter()
_CLIP_TYPES = {".gif": "image/gif", ".mp4": "video/mp4", ".webm": "video/webm"}


def gif_url(request: Request, exercise_id: str | None) -> str | None:
    return str(request.url_for("get_gif", exercise_id=exercise_id)) if exercise_id else None


@router.get("/gifs/search", response_model=GifSearch, tags=["gifs"], summary="Find exercise demonstrations",
            responses=errors(401, 422))
def gif_search(request: Request, q: str = Query(min_length=1, max_length=200, description="e.g. 'push-up', '高位下拉'"),
               k: int = Query(3, ge=1, le=10), lang: Lang | None = None, settings: Settings = Depends(get_settings)):
    """Best matching clips, each with a URL to its GIF; an empty list when nothing matches."""
    from tools.gif_search import search_gifs

    lang = pick_lang(lang, settings)
    hits = search_gifs(q, k, lang, render=False)   # a GIF renders when its URL is fetched, not on search
    return {"query": q, "lang": lang,
            "hits": [{**{key: v for key, v in h.items() if key != "path"}, "exercise_id": h["exercise_id"] or None,
                      "url": gif_url(request, h["exercise_id"])} for h in hits]}


@router.get("/gifs/{exercise_id}.gif", name="get_gif", tags=["gifs"], summary="The demonstration of one exercise",
            response_class=FileResponse, responses={200: {"content": {"image/gif": {}}, "description": "the animation"},
                                                   **errors(401, 404, 422)})
def get_gif(exercise_id: str = PathParam(pattern=EXERCISE_ID_PATTERN)):
    """Only files of the GIF library are served (a user's own clip of the exercise wins over the generated one)."""
    from tools.gif_search import gif_for_exercise

    clip = gif_for_exercise(exercise_id)
    path = Path(clip["path"]) if clip else None
    if path is None or path.suffix.lower() not in _CLIP_TYPES or not path.is_file():
        raise ApiError(404, "unknown_exercise", f"No demonstration for exercise {exercise_id!r}.",
                       f"没有动作 {exercise_id!r} 的演示。")
    media = _CLIP_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/knowledge/search", response_model=KnowledgeAnswer, tags=["knowledge"],
            summary="A cited answer from the knowledge articles", responses=errors(401, 422))
def knowledge_search(q: str = Query(min_length=1, max_length=500, description="question in Chinese or English"),
                     lang: Lang | None = Query(None, description="answer language (default: the question's)")):
    from tools.knowledge_search import answer_question

    return {"query": q, **answer_question(q, lang)}


# -- plans -----------------------------------------------------------------------------------------------
def profile_error(exc, lang: str) -> ApiError:
    fields = {f"profile.{'parq_yes' if k == 'parq' else k}": v for k, v in exc.errors.items()}  # the API's name
    en = "; ".join(f"{k}: {v['en']}" for k, v in exc.errors.items())
    zh = "；".join(f"{k}：{v['zh']}" for k, v in exc.errors.items())
    return ApiError(422, "invalid_profile", f"Please fix the profile: {en}", f"请修改资料：{zh}", lang, fields)


_PLAN_CONTENT = {"application/json": {}, "text/markdown": {"schema": {"type": "string"}}}


@router.post("/plans/training", response_model=PlanResponse, tags=["plans"], summary="A weekly training plan",
             responses={200: {"content": {**_PLAN_CONTENT, "text/calendar": {"schema": {"type": "string"}}},
                              "description": "the plan as JSON, Markdown or an iCalendar file"},
                        **errors(401, 403, 404, 422)})
def training_plan(req: TrainingPlanRequest, request: Request, services=Depends(get_services),
                  settings: Settings = Depends(get_settings)):
    """Evidence-based week plus a 4-week block; a bad profile is a 422 naming each field in English and Chinese."""
    from tools.exports import to_markdown, training_to_ics
    from tools.profiles import ProfileError
    from tools.training import plan_training_week, validate_training_plan

    check_user(request, req.user_id)
    lang = pick_lang(req.lang, settings)
    profile = req.profile.model_dump(exclude_none=True)
    try:
        plan = plan_training_week(profile, services.kb, req.variation)
    except ProfileError as exc:
        raise profile_error(exc, lang) from exc
    services.remember_plan(req.user_id, "training_plan", profile,
                           f"{plan['profile']['days_per_week']} days/week, {plan['profile']['goal']}")
    if req.format == "markdown":
        return Response(to_markdown(plan, lang), media_type="text/markdown; charset=utf-8")
    if req.format == "ics":
        ics = training_to_ics(plan, req.start_date or dt.date.today(), lang, weeks=req.weeks)
        return Response(ics, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="training-week.ics"'})
    return {"plan": plan, "problems": validate_training_plan(plan, profile, services.kb)}


@router.post("/plans/nutrition", response_model=PlanResponse, tags=["plans"], summary="Daily targets and a 7-day meal plan",
             responses={200: {"content": _PLAN_CONTENT, "description": "the plan as JSON or Markdown"},
                        **errors(401, 403, 404, 422)})
def nutrition_plan(req: NutritionPlanRequest, request: Request, services=Depends(get_services),
                   settings: Settings = Depends(get_settings)):
    """Energy and macro targets with their explanation, meals from the food table, a grocery list.

    An unsafe `requested_kcal` is refused, not silently changed: `refusal` states why (en and zh) and `plan`
    is the nearest safe plan (Markdown: the refusal is its first paragraph)."""
    from tools.exports import to_markdown
    from tools.nutrition import UnsafeNutritionRequest, plan_nutrition, validate_nutrition_plan
    from tools.profiles import ProfileError

    check_user(request, req.user_id)
    lang = pick_lang(req.lang, settings)
    profile = req.profile.model_dump(exclude_none=True)
    refusal = None
    try:
        plan = plan_nutrition(profile, services.kb)
    except UnsafeNutritionRequest as exc:   # the nearest safe plan, with the reason
        plan, refusal = exc.safe_plan, exc.to_dict()
    except ProfileError as exc:
        raise profile_error(exc, lang) from exc
    services.remember_plan(req.user_id, "nutrition_plan", profile, f"{plan['targets']['kcal']:.0f} kcal/day"
                           + (f" (asked {refusal['requested_kcal']:.0f}: refused)" if refusal else ""))
    if req.format == "markdown":
        text = to_markdown(plan, lang)
        if refusal:
            text = f"> {refusal['message'][lang]}\n\n{text}"
        return Response(text, media_type="text/markdown; charset=utf-8")
    checked = {**profile, "requested_kcal": refusal["safe_kcal"]} if refusal else profile
    return {"plan": plan, "problems": validate_nutrition_plan(plan, checked, services.kb), "refusal": refusal}


def _change_nutrition_plan(req, request: Request, services, settings: Settings, change, summary: str) -> dict:
    """Shared by swap and remove: the plan to change (checked against the profile), the change, the validator."""
    from tools.nutrition import PlanMismatch, plan_to_change, validate_nutrition_plan
    from tools.profiles import ProfileError

    check_user(request, req.user_id)
    lang = pick_lang(req.lang, settings)
    profile = req.profile.model_dump(exclude_none=True)
    try:
        plan = plan_to_change(req.plan, profile, services.kb)
    except ProfileError as exc:
        raise profile_error(exc, lang) from exc
    except PlanMismatch as exc:
        raise ApiError(409, "plan_mismatch", exc.message["en"], exc.message["zh"], lang, {"plan": exc.message}) from exc
    try:
        new = change(plan, profile)
    except ProfileError as exc:   # no such meal / food: the field names it
        field, text = next(iter(exc.errors.items()))
        raise ApiError(404 if field == "food" else 409, f"no_such_{field}", text["en"], text["zh"], lang,
                       {field: text}) from exc
    services.remember_plan(req.user_id, "nutrition_plan", profile, summary)
    return {"plan": new, "problems": validate_nutrition_plan(new, new["profile"], services.kb)}


@router.post("/plans/nutrition/swap", response_model=PlanResponse, tags=["plans"], summary="Replace one meal of a meal plan",
             responses=errors(401, 403, 404, 409, 422))
def nutrition_swap(req: NutritionSwapRequest, request: Request, services=Depends(get_services),
                   settings: Settings = Depends(get_settings)):
    """Other dishes for one meal; the day's other meals stay and the day still meets its targets."""
    from tools.nutrition import swap_meal

    return _change_nutrition_plan(req, request, services, settings,
                                  lambda plan, profile: swap_meal(plan, req.day, req.slot, profile, services.kb),
                                  f"day {req.day + 1} {req.slot} swapped")


@router.post("/plans/nutrition/remove", response_model=PlanResponse, tags=["plans"],
             summary="Remove a food from the week's meals", responses=errors(401, 403, 404, 409, 422))
def nutrition_remove(req: NutritionRemoveRequest, request: Request, services=Depends(get_services),
                     settings: Settings = Depends(get_settings)):
    """Every food matching `food` leaves the week (鸡蛋 / egg: all egg foods); affected days are re-solved."""
    from tools.nutrition import remove_ingredient

    return _change_nutrition_plan(req, request, services, settings,
                                  lambda plan, profile: remove_ingredient(plan, req.food, profile, services.kb),
                                  f"removed {req.food}")
