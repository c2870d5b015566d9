"""FastAPI dependencies shared by the /v1 routes: Services and Settings, and the one access rule
(services/access.py) as the REST routes apply it: the bearer token, then the owner of a user id."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from config import Settings

from .schemas import USER_ID_PATTERN

# Declared in the OpenAPI document only when the server sets a token (see v1.py): security where it applies.
bearer = HTTPBearer(auto_error=False, description="The server's FITNESSLM_API_TOKEN.")


def get_services(request: Request):
    return request.app.state.services


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def file_limit_bytes(settings: Settings) -> int:
    return int(settings.max_upload_mb * 2**20)


def caller(request: Request):
    """Who calls a REST route: the bearer token only (the page's cookie opens the UI, not /v1)."""
    return request.app.state.services.access.caller(request.headers, browser_ok=False)


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """When FITNESSLM_API_TOKEN is set, every /v1 route needs `Authorization: Bearer <token>`."""
    request.app.state.services.access.check_door(caller(request))


def check_user(request: Request, user_id: str | None) -> str | None:
    """The access rule for a user id named in a body or form (None passes: nothing is saved)."""
    if user_id is None:
        return None
    return request.app.state.services.access.check_user(caller(request), user_id)


UserIdPath = Annotated[str, PathParam(pattern=USER_ID_PATTERN, description="the id the server issued (POST /v1/users)")]


def owned_user(request: Request, user_id: UserIdPath) -> str:
    """A user id in the path, after the access rule: the caller may read and change that user's data."""
    return check_user(request, user_id)


def pick_lang(lang: str | None, settings: Settings) -> str:
    return lang if lang in ("en", "zh") else settings.lang
