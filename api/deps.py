"""FastAPI dependencies shared by the /v1 routes: the app's Services and Settings, and the bearer token."""
from __future__ import annotations

import secrets

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from config import Settings

from .errors import ApiError

bearer = HTTPBearer(auto_error=False, description="Needed only when the server sets FITNESSLM_API_TOKEN.")


def get_services(request: Request):
    return request.app.state.services


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def file_limit_bytes(settings: Settings) -> int:
    return int(settings.max_upload_mb * 2**20)


def require_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """When FITNESSLM_API_TOKEN is set, every /v1 route needs `Authorization: Bearer <token>`."""
    token = request.app.state.settings.api_token
    if not token:
        return
    given = credentials.credentials if credentials else ""
    if not given or not secrets.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "unauthorized", "Missing or wrong API token: send 'Authorization: Bearer <token>'.",
                       "缺少或错误的 API 令牌：请发送 “Authorization: Bearer <令牌>”。",
                       headers={"WWW-Authenticate": 'Bearer realm="fitnesslm"'})


def pick_lang(lang: str | None, settings: Settings) -> str:
    return lang if lang in ("en", "zh") else settings.lang
