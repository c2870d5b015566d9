"""The one place FitnessLM reads its settings: environment variables with documented defaults.

Precedence: explicit argument > environment variable > default below. `tools/` never reads the
environment; callers pass what they need from `get_settings()`.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields
from pathlib import Path

LOCAL_LLMS = ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b")
EMBEDDERS = ("use-multilingual", "e5-small", "minilm")
LLM_BACKENDS = ("auto", "local", "openai")
RECOGNIZERS = ("auto", "embedded", "vlm")


@dataclass(frozen=True)
class Settings:
    # LLM: 'local' = packaged GGUF in-process (offline default); 'openai' = any OpenAI-compatible server
    # (e.g. `lmdeploy serve api_server` with InternVL2); 'auto' = openai when llm_url is set, else local,
    # falling back to local when the server is down.
    llm_backend: str = "auto"                       # FITNESSLM_LLM_BACKEND
    llm_url: str = ""                               # FITNESSLM_LLM_URL, e.g. http://127.0.0.1:23333/v1
    llm_model: str = "internvl2"                    # FITNESSLM_LLM_MODEL, the served model name
    llm_api_key: str = ""                           # FITNESSLM_LLM_API_KEY (secret; sent as Bearer)
    llm_timeout_s: float = 30.0                     # FITNESSLM_LLM_TIMEOUT_S, per HTTP request
    local_llm: str = "qwen2.5-coder-1.5b"           # FITNESSLM_LOCAL_LLM, one of LOCAL_LLMS
    llm_threads: int = 0                            # FITNESSLM_LLM_THREADS, 0 = all usable cores but one
    llm_context: int = 4096                         # FITNESSLM_LLM_CONTEXT, tokens
    embedder: str = "use-multilingual"              # FITNESSLM_EMBEDDER, one of EMBEDDERS
    recognizer: str = "auto"                        # FITNESSLM_RECOGNIZER: auto (VLM when llm_url is set,
                                                    # falling back to embedded) | embedded | vlm
    vlm_calibration: str = ""                       # FITNESSLM_VLM_CALIBRATION: JSON map raw VLM confidence →
                                                    # P(right), from `python -m bench vlm_calibration`; empty =
                                                    # uncalibrated (only a >= 0.95 answer gets a card)
    data_dir: Path = Path.home() / ".fitnesslm"     # FITNESSLM_DATA_DIR: user data (gallery, profiles)
    cache_dir: Path = Path.home() / ".cache" / "fitnesslm"  # FITNESSLM_CACHE_DIR: assembled models, indexes
    lang: str = "en"                                # FITNESSLM_LANG: default UI language, en | zh
    host: str = "127.0.0.1"                         # FITNESSLM_HOST (0.0.0.0 on a Hugging Face Space)
    port: int = 7860                                # FITNESSLM_PORT
    api_token: str = ""                             # FITNESSLM_API_TOKEN: if set, REST needs Bearer
    public: int = 0                                 # FITNESSLM_PUBLIC: 1 = open to anyone (default on a
                                                    # Hugging Face Space): only user ids this server issued
    max_upload_mb: float = 20.0                     # FITNESSLM_MAX_UPLOAD_MB, per uploaded file
    shared_contributions: int = 0                   # FITNESSLM_SHARED_CONTRIBUTIONS: 1 = users may share a photo
                                                    # into the shared gallery (opt-in per photo; each sharer
                                                    # lists and deletes their own)
    shared_max_photos: int = 500                    # FITNESSLM_SHARED_MAX_PHOTOS: cap of the shared gallery
    warm_up: int = 1                                # FITNESSLM_WARM_UP: 1 = load models in the background
                                                    # at start (first click is fast), 2 = also the local LLM
                                                    # and its ReAct prompt, 0 = everything on first use

    def __post_init__(self):
        for name in ("data_dir", "cache_dir"):   # accept str paths from callers too
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser())
        _check_choice("FITNESSLM_LLM_BACKEND", self.llm_backend, LLM_BACKENDS)
        _check_choice("FITNESSLM_LOCAL_LLM", self.local_llm, LOCAL_LLMS)
        _check_choice("FITNESSLM_EMBEDDER", self.embedder, EMBEDDERS)
        _check_choice("FITNESSLM_RECOGNIZER", self.recognizer, RECOGNIZERS)
        _check_choice("FITNESSLM_LANG", self.lang, ("en", "zh"))


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of: {', '.join(allowed)}")


def settings_from_env(env: dict | None = None, **overrides) -> Settings:
    """Build Settings from FITNESSLM_* variables (and explicit overrides, which win)."""
    env = os.environ if env is None else env
    values = {}
    for f in fields(Settings):
        raw = env.get(f"FITNESSLM_{f.name.upper()}")
        if raw is None or raw == "":
            continue
        kind = type(f.default)
        values[f.name] = Path(raw).expanduser() if kind is Path or isinstance(f.default, Path) else kind(raw)
    if "FITNESSLM_HOST" not in env and env.get("SPACE_ID"):
        values["host"] = "0.0.0.0"  # Hugging Face Spaces route traffic to the container's public interface
    if "FITNESSLM_PUBLIC" not in env and env.get("SPACE_ID"):
        values["public"] = 1        # a Space is open to anyone: guessable user ids are refused
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from_env()
