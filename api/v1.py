"""The versioned REST API: every /v1 route, behind the optional bearer token."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from . import routes_content, routes_users, routes_vision
from .deps import require_token


def build_v1_router() -> APIRouter:
    router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)])
    for module in (routes_vision, routes_content, routes_users):
        router.include_router(module.router)
    return router
