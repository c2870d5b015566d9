"""The local LLM: a packaged Qwen2.5 GGUF run in-process by xllamacpp (llama.cpp), CPU only.

`chat` takes OpenAI-style messages and returns the reply text; `json_schema` constrains decoding
to that schema (llama.cpp turns it into a grammar), which is what lets a 0.5-1.5B model emit a
valid tool call every time. `stream` yields text pieces as they are generated.
"""
from __future__ import annotations

import functools
import os
import queue
import threading
from pathlib import Path
from typing import Callable, Iterator

from .errors import ModelUnavailable
from .gguf import LOCAL_MODELS, assemble


class LocalLLM:
    def __init__(self, model_path: Path, name: str, n_ctx: int = 4096, threads: int = 0):
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelUnavailable(name, f"xllamacpp is not installed ({exc})", ["xllamacpp==2026.10.11549"]) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = n_ctx
        params.cpuparams.n_threads = threads or os.cpu_count() or 1
        params.cpuparams_batch.n_threads = threads or os.cpu_count() or 1
        params.verbosity = -1
        params.warmup = False
        self.name = name
        self.n_ctx = n_ctx
        self._server = xllamacpp.Server(params)
        self._lock = threading.Lock()  # one generation at a time: the server has a single slot

    def _request(self, messages, max_tokens, temperature, json_schema, stream) -> dict:
        req = {"messages": messages, "max_tokens": int(max_tokens), "temperature": float(temperature),
               "seed": 0, "stream": stream}
        if json_schema is not None:
            req["response_format"] = {"type": "json_schema", "json_schema": {"name": "answer", "schema": json_schema}}
        return req

    def chat(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
             json_schema: dict | None = None) -> str:
        """The assistant's reply text (a JSON string when json_schema is given)."""
        with self._lock:
            result = self._server.handle_chat_completions(
                self._request(messages, max_tokens, temperature, json_schema, False))
        if not isinstance(result, dict) or "choices" not in result:
            raise RuntimeError(f"local LLM error: {str(result)[:300]}")
        return result["choices"][0]["message"].get("content") or ""

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None) -> Iterator[str]:
        """Yield the reply in pieces as llama.cpp produces them."""
        pieces: queue.Queue = queue.Queue()
        done = object()

        def on_chunk(chunk) -> None:
            for choice in (chunk or {}).get("choices", []) if isinstance(chunk, dict) else []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    pieces.put(text)

        def run() -> None:
            try:
                with self._lock:
                    self._server.handle_chat_completions(
                        self._request(messages, max_tokens, temperature, json_schema, True), on_chunk)
            except Exception as exc:  # surfaced to the consumer below
                pieces.put(exc)
            finally:
                pieces.put(done)

        threading.Thread(target=run, daemon=True).start()
        while (item := pieces.get()) is not done:
            if isinstance(item, Exception):
                raise item
            yield item


def model_file(key: str, cache_dir: Path) -> Path:
    """The verified GGUF file for a LOCAL_MODELS key, assembled into cache_dir on first use."""
    if key not in LOCAL_MODELS:
        raise ValueError(f"unknown local LLM {key!r}; known: {', '.join(LOCAL_MODELS)}")
    return assemble(LOCAL_MODELS[key], Path(cache_dir) / "models")


@functools.lru_cache(maxsize=2)
def get_local_llm(key: str, cache_dir: str, n_ctx: int = 4096, threads: int = 0) -> LocalLLM:
    """The process-wide LocalLLM for that model (assembled and verified on first call)."""
    return LocalLLM(model_file(key, Path(cache_dir)), LOCAL_MODELS[key].name, n_ctx=n_ctx, threads=threads)
