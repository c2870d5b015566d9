"""/v1 today's workout and exercise swaps: thin adapters over tools.training.plan_today / swap_exercise."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from config import Settings

from .deps import check_user, get_services, get_settings, pick_lang
from .errors import ApiError
from .routes_content import profile_error
from .schemas import PlanResponse, TrainingProfileIn, TrainingSwapRequest, TrainingTodayRequest, errors

router = APIRouter()
_PROFILE_KEYS = set(TrainingProfileIn.model_fields)
_PLAN_FIELDS = ("plan", "day", "exercise_id", "history")   # errors about the plan sent, not the person: 409


def _saved_profile(services, user_id: str | None) -> dict:
    """The training fields of the user's saved profile (set by PUT /v1/users/{id}/profile or earlier plans)."""
    saved = services.store.profile(user_id) if user_id else {}
    return {k: v for k, v in (saved or {}).items() if k in _PROFILE_KEYS and v not in (None, "")}


def _plan_error(exc, lang: str) -> ApiError:
    """A ProfileError about the plan / day / exercise sent: 409 (like the nutrition swaps), naming the field."""
    field, text = next(iter(exc.errors.items()))
    code = "no_such_exercise" if field == "exercise_id" else "no_such_day" if field == "day" else "plan_mismatch"
    return ApiError(409, code, text["en"], text["zh"], lang, {field: text})


@router.post("/plans/training/today", response_model=PlanResponse, tags=["plans"],
             summary="Today's workout from the minutes and equipment at hand", responses=errors(401, 403, 404, 422))
def training_today(req: TrainingTodayRequest, request: Request, services=Depends(get_services),
                   settings: Settings = Depends(get_settings)):
    """Full body, upper, lower or easy cardio, chosen from what was trained in the last day (`recent` plus, with
    `user_id`, the sessions earlier calls saved); fitted to `minutes` and the equipment at hand."""
    from tools.profiles import ProfileError
    from tools.training import plan_today, validate_training_plan

    check_user(request, req.user_id)
    lang = pick_lang(req.lang, settings)
    profile = {**_saved_profile(services, req.user_id), **(req.profile.model_dump(exclude_none=True) if req.profile else {})}
    history = [r.model_dump() for r in req.recent or ()] + services.recent_sessions(req.user_id)
    try:
        plan = plan_today(profile, history, req.minutes, req.equipment, lang, services.kb, req.variation)
    except ProfileError as exc:
        raise profile_error(exc, lang) from exc
    session = plan["sessions"][0]
    done = {"groups": [g for g in session.get("groups_trained") or session.get("groups") or []],
            "exercises": [it["exercise_id"] for it in session["exercises"]]}
    services.remember_plan(req.user_id, "training_plan", profile, f"today: {plan['today']['split']}, "
                           f"{session['estimated_min']} min", today=done)
    return {"plan": plan, "problems": validate_training_plan(plan, plan["profile"], services.kb)}


@router.post("/plans/training/swap", response_model=PlanResponse, tags=["plans"],
             summary="Replace one exercise of a training plan", responses=errors(401, 403, 404, 409, 422))
def training_swap(req: TrainingSwapRequest, request: Request, services=Depends(get_services),
                  settings: Settings = Depends(get_settings)):
    """The best other exercise of the same movement pattern and muscle group that the equipment, limitations and
    level allow; sets refitted to the session's minutes. 409 when the plan, day or exercise cannot be swapped."""
    from tools.profiles import ProfileError
    from tools.training import swap_exercise, validate_training_plan

    check_user(request, req.user_id)
    lang = pick_lang(req.lang, settings)
    profile = req.profile.model_dump(exclude_none=True) if req.profile else None
    try:
        new = swap_exercise(req.plan, req.day, req.exercise_id, profile, lang, services.kb)
    except ProfileError as exc:
        if next(iter(exc.errors), None) in _PLAN_FIELDS:
            raise _plan_error(exc, lang) from exc
        raise profile_error(exc, lang) from exc
    services.remember_plan(req.user_id, "training_plan", profile or {}, f"day {req.day}: {new['swaps'][-1]['from']} -> "
                           f"{new['swaps'][-1]['to']}")
    return {"plan": new, "problems": validate_training_plan(new, new["profile"], services.kb)}
