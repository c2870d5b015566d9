"""The FastAPI application: versioned REST endpoints plus /health."""
from __future__ import annotations

from fastapi import FastAPI

from config import Settings, get_settings

from .health import health_report


def create_api(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    api = FastAPI(title="FitnessLM API", version="0.1.0",
                  description="Bilingual fitness assistant: equipment recognition, training and nutrition plans.")

    @api.get("/health", tags=["meta"])
    def health() -> dict:
        """Which LLM backend is active and which packaged models are installed and loaded."""
        return health_report(settings)

    return api
