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


def create_app(settings: Settings | None = None, services=None):
    """The REST API and the UI over one shared `Services` (models load lazily, on first use)."""
    from demo.handlers import PLAN_FILES_DIR
    from demo.ui import CSS
    from services import Services

    settings = settings or get_settings()
    services = services or Services(settings)
    api = create_api(settings, services=services)
    # GIFs live in the cache folder and plan downloads in a temp folder: let Gradio serve files from them.
    allowed = [str(settings.cache_dir), str(PLAN_FILES_DIR)]
    # the page's uploads have the API's per-file cap (Gradio refuses bigger ones with 413 before storing them)
    app = gr.mount_gradio_app(api, build_ui(settings, services), path="/", allowed_paths=allowed, css=CSS,
                              max_file_size=int(settings.max_upload_mb * 2**20))
    from api.gate import PageGate

    app.add_middleware(PageGate, access=services.access)   # the token / page-cookie door of /gradio_api
    return app


def _warm_up_after_start(server, services) -> None:
    """Wait until uvicorn serves, then load models: imports hold the GIL and would delay the first page."""
    import time

    while not server.started and not server.should_exit:
        time.sleep(0.2)
    if server.started:
        services.warm_up(llm=services.settings.warm_up >= 2)


if __name__ == "__main__":
    import threading

    import uvicorn

    from services import Services

    settings = get_settings()
    services = Services(settings)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, services), host=settings.host, port=settings.port))
    if settings.warm_up:   # load models in the background once the page is served
        threading.Thread(target=_warm_up_after_start, args=(server, services), name="warm-up", daemon=True).start()
    print(f"FitnessLM on http://{settings.host}:{settings.port}/  (health: /health)")
    server.run()
