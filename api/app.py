"""The FastAPI application: versioned REST endpoints under /v1 plus /health (docs at /docs)."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from config import Settings, get_settings

from .errors import install_error_handlers
from .health import health_report
from .limits import UploadLimitMiddleware
from .v1 import build_v1_router

DESCRIPTION = """Bilingual (中文 / English) fitness assistant: equipment recognition from photos and videos,
exercise GIFs, cited knowledge answers, training and nutrition plans, and a chat agent with per-user memory.

When the server sets `FITNESSLM_API_TOKEN`, every `/v1` route needs `Authorization: Bearer <token>`
(`/health` stays open). Errors share one shape: `{"error", "message", "messages": {en, zh}, "fields"}`.
Uploads are limited to `FITNESSLM_MAX_UPLOAD_MB` per file (413 above it)."""


def create_api(settings: Settings | None = None, services=None) -> FastAPI:
    """The API over `services` (built lazily from `settings` when not given: nothing heavy loads here)."""
    if settings is None:
        settings = services.settings if services is not None else get_settings()
    if services is None:
        from services import Services

        services = Services(settings)
    # /docs and /redoc from files in the fastapi-offline package: FastAPI's default pages load from a CDN.
    api: FastAPI = FastAPIOffline(title="FitnessLM API", version="1.0.0", description=DESCRIPTION)
    api.state.settings, api.state.services = settings, services
    install_error_handlers(api)
    api.add_middleware(UploadLimitMiddleware, file_limit_bytes=int(settings.max_upload_mb * 2**20))
    api.include_router(build_v1_router(settings))

    @api.get("/health", tags=["meta"])
    def health() -> dict:
        """Which LLM backend is active and which served the last call (with the server's last error and
        whether it is being skipped after a failure), which packaged models are installed and loaded, and
        the background warm-up's timings per part (null until it has finished, or when it is off)."""
        live = services.__dict__.get("backend") if hasattr(services, "__dict__") else None   # built ones only
        return {**health_report(settings, live), "warm_up": getattr(services, "warm", None)}

    return api
