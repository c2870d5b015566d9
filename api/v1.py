"""The versioned REST API: every /v1 route, behind the bearer token when the server sets one."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from config import Settings

from . import routes_content, routes_equipment, routes_training, routes_users, routes_vision
from .deps import require_token


def build_v1_router(settings: Settings) -> APIRouter:
    # the token dependency declares HTTP bearer security in /openapi.json: only where it applies
    router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)] if settings.api_token else [])
    for module in (routes_vision, routes_equipment, routes_content, routes_training, routes_users):
        router.include_router(module.router)
    return router
