"""/v1 chat with the agent (memory per user) and each user's saved profile and history."""
from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from fastapi import Path as PathParam

from config import Settings

from .deps import caller, check_user, file_limit_bytes, get_services, get_settings, owned_user, pick_lang
from .errors import ApiError
from .limits import too_large_error
from .routes_content import gif_url
from .routes_vision import decode_image
from .schemas import (ChatRequest, ChatResponse, History, HistoryItemDetail, NewUser, UserDeleted, UserProfile,
                      UserProfileIn, errors)

router = APIRouter()
_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?:;[\w=.+-]+)*;base64,", re.I)
OwnedUser = Annotated[str, Depends(owned_user)]


def decode_data_url(value: str, limit: int, lang: str):
    """A base64 data URL (or bare base64) → PIL image; 413 when too big, 422 when not a readable image."""
    body = value.strip()
    if m := _DATA_URL.match(body):
        body = body[m.end():]
    if len(body) * 3 // 4 > limit + 3:
        raise too_large_error(len(body) * 3 // 4, limit, lang)
    try:
        data = base64.b64decode(re.sub(r"\s+", "", body), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, "bad_image_data", "The image must be a base64 data URL (data:image/jpeg;base64,...).",
                       "图片必须是 base64 data URL（data:image/jpeg;base64,...）。", lang,
                       fields={"image": {"en": "is not valid base64", "zh": "不是有效的 base64"}}) from exc
    return decode_image(data, limit, lang)


def _chat_input(req: ChatRequest, settings: Settings):
    """(text, image or None, lang) of a chat request; 422 for an empty message, 413/422 for a bad image."""
    from knowledge.language import detect_language

    text = req.message.strip()
    lang = detect_language(text, default=settings.lang) if text else settings.lang
    lang = pick_lang(lang, settings)
    image = decode_data_url(req.image, file_limit_bytes(settings), lang) if req.image else None
    if not text and image is None:
        raise ApiError(422, "empty_message", "The message is empty: type something or attach a photo.",
                       "消息为空：请输入内容或附上照片。", lang,
                       fields={"message": {"en": "must not be empty", "zh": "不能为空"}})
    return text, image, lang


def _turn_body(user_id: str, turn, request: Request) -> dict:
    attachments = [{"type": a.get("type", "file"), "caption": a.get("caption") or "",
                    "exercise_id": a.get("exercise_id") or None, "url": gif_url(request, a.get("exercise_id"))}
                   for a in turn.attachments]
    return {"user_id": user_id, "answer": turn.answer, "lang": turn.lang, "route": turn.route,
            "backend": turn.backend, "trace": _plain(turn.trace), "attachments": attachments,
            "data": _plain(turn.data) if isinstance(turn.data, dict) else None, "ms": round(turn.ms, 1)}


@router.post("/chat", response_model=ChatResponse, tags=["chat"], summary="One turn with the fitness agent",
             responses=errors(401, 403, 404, 413, 422))
def chat(req: ChatRequest, request: Request, services=Depends(get_services), settings: Settings = Depends(get_settings)):
    """The agent remembers the user's profile facts between turns; each turn goes to the user's history."""
    check_user(request, req.user_id)
    text, image, _ = _chat_input(req, settings)
    return _turn_body(req.user_id, services.chat_turn(req.user_id, text, image), request)


@router.post("/chat/stream", tags=["chat"], summary="One turn with the fitness agent, streamed (server-sent events)",
             response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "`event: tool` (a finished tool call), `event: delta` ({text}: the next "
                                             "piece of the answer), then `event: turn` (the body /v1/chat returns)"},
                        **errors(401, 403, 404, 413, 422)})
def chat_stream(req: ChatRequest, request: Request, services=Depends(get_services),
                settings: Settings = Depends(get_settings)):
    """Same turn as /v1/chat, sent as it is produced so a client can show the answer while it is written."""
    check_user(request, req.user_id)
    text, image, _ = _chat_input(req, settings)

    def events():
        for event in services.chat(req.user_id, text, image):
            if event["type"] == "delta":
                name, body = "delta", {"text": event["text"]}
            elif event["type"] == "tool":
                name, body = "tool", _plain(event["step"])
            else:
                name, body = "turn", _turn_body(req.user_id, event["turn"], request)
            yield f"event: {name}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def _plain(value):
    """JSON-safe copy: tool arguments written by the LLM and tool results may hold numpy numbers and the like."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@router.post("/users", response_model=NewUser, status_code=201, tags=["users"], summary="A new secret user id",
             responses=errors(401))
def new_user(request: Request, services=Depends(get_services)):
    """Keep the id secret: it is the key to this user's profile, history and gallery (192 random bits).
    On a public server, only ids issued here are accepted."""
    return {"user_id": services.access.issue_user(caller(request))}


@router.get("/users/{user_id}/history", response_model=History, tags=["users"], summary="What a user asked and got",
            responses=errors(401, 403, 404, 422))
def user_history(user_id: OwnedUser, limit: int = Query(50, ge=1, le=200), services=Depends(get_services)):
    """Newest first: chat turns, plans, scans."""
    return {"user_id": user_id, "items": services.store.history(user_id, limit)}


@router.get("/users/{user_id}/history/{item_id}", response_model=HistoryItemDetail, tags=["users"],
            summary="One history entry with its payload", responses=errors(401, 403, 404, 422))
def user_history_item(user_id: OwnedUser, item_id: int = PathParam(ge=1, le=2**62),
                      services=Depends(get_services)):
    item = services.store.history_item(user_id, item_id)
    if item is None:
        raise ApiError(404, "not_found", "No such history entry.", "没有这条历史记录。")
    return item


@router.get("/users/{user_id}/profile", response_model=UserProfile, tags=["users"], summary="The saved profile",
            responses=errors(401, 422))
def get_profile(user_id: OwnedUser, services=Depends(get_services)):
    return {"user_id": user_id, "profile": services.store.profile(user_id)}


@router.put("/users/{user_id}/profile", response_model=UserProfile, tags=["users"],
            summary="Merge fields into the saved profile", responses=errors(401, 403, 404, 422))
def put_profile(body: UserProfileIn, user_id: OwnedUser, services=Depends(get_services)):
    """Given fields replace the saved ones (null leaves a field as it is); the chat agent uses them at once."""
    fields = body.model_dump(exclude_none=True)
    try:
        merged = services.store.save_profile(user_id, fields)
    except ValueError as exc:   # the whole profile over the store's size cap
        raise ApiError(422, "profile_too_large", f"The profile is too large ({exc}).", "资料过大。") from exc
    conv = services.conversation(user_id)
    conv.profile = {**conv.profile, **fields}
    return {"user_id": user_id, "profile": merged}


@router.delete("/users/{user_id}", response_model=UserDeleted, tags=["users"],
               summary="Forget a user: profile, history, gallery, chat memory and the id", responses=errors(401, 403, 404, 422))
def delete_user(user_id: OwnedUser, services=Depends(get_services)):
    services.forget(user_id)
    return {"user_id": user_id, "deleted": True}
