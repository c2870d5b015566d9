"""FitnessLM entry point (Hugging Face Space convention): FastAPI with the Gradio UI mounted at /.

Run: `python app.py` — serves the UI at http://127.0.0.1:7860/ and the REST API under /v1 and /health.
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline by default: no telemetry calls
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # packaged models only; never reach for a model hub

import gradio as gr  # noqa: E402

from api.app import create_api  # noqa: E402
from config import Settings, get_settings  # noqa: E402
from demo.ui import build_ui  # noqa: E402


def create_app(settings: Settings | None = None):
    settings = settings or get_settings()
    return gr.mount_gradio_app(create_api(settings), build_ui(settings), path="/")


if __name__ == "__main__":
    import uvicorn

    settings = get_settings()
    print(f"FitnessLM on http://{settings.host}:{settings.port}/  (health: /health)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
