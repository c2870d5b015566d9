"""The local LLM: a packaged Qwen2.5 GGUF run in-process by xllamacpp (llama.cpp), CPU only.

`chat` takes OpenAI-style messages and returns the reply text; `json_schema` constrains decoding
to that schema (as compact JSON through runtime/grammar.py, else llama.cpp's own conversion), which is
what lets a 0.5-1.5B model emit a valid tool call every time. `stream` yields text pieces as they are
generated, also under a schema. Prompt prefixes are cached by llama.cpp between requests.
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
from .grammar import UnsupportedSchema, schema_to_gbnf


def default_threads() -> int:
    """All usable cores but one.

    llama.cpp's threads meet at a barrier after every layer, so one thread that has to share its core
    (with the embedder, the UI, any other job) stalls all of them. Measured on a 2-core machine with one
    core busy, Qwen2.5-1.5B: 2 threads took 13.8 s to the first token of a short reply and 49 s in all,
    1 thread 2.8 s and 4.6 s. Leaving a core free costs little when the machine is idle and avoids that cliff.
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, usable - 1)


class LocalLLM:
    def __init__(self, model_path: Path, name: str, n_ctx: int = 4096, threads: int = 0):
        try:
            import xllamacpp
        except ImportError as exc:
            raise ModelUnavailable(name, f"xllamacpp is not installed ({exc})", ["xllamacpp==2026.10.11549"]) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = n_ctx
        n_threads = threads or default_threads()
        params.cpuparams.n_threads = n_threads
        params.cpuparams_batch.n_threads = n_threads
        params.verbosity = -1
        params.warmup = False
        self.name = name
        self.n_ctx = n_ctx
        self._server = xllamacpp.Server(params)
        self._lock = threading.Lock()  # one generation at a time: the server has a single slot
        # llama.cpp's own counters, summed over requests (for benchmarks): prompt tokens computed,
        # prompt tokens reused from the KV/prompt cache, tokens generated, and the ms spent on each
        self.usage = {"requests": 0, "prompt_n": 0, "cache_n": 0, "predicted_n": 0, "prompt_ms": 0.0,
                      "predicted_ms": 0.0}

    def _count(self, timings) -> None:
        if isinstance(timings, dict):
            self.usage["requests"] += 1
            for key in ("prompt_n", "cache_n", "predicted_n", "prompt_ms", "predicted_ms"):
                self.usage[key] += timings.get(key) or 0

    def _request(self, messages, max_tokens, temperature, json_schema, stream) -> dict:
        req = {"messages": messages, "max_tokens": int(max_tokens), "temperature": float(temperature),
               "seed": 0, "stream": stream}
        if json_schema is not None:
            try:  # compact JSON: no whitespace tokens to generate (runtime/grammar.py)
                req["grammar"] = schema_to_gbnf(json_schema)
            except UnsupportedSchema:
                req["response_format"] = {"type": "json_schema",
                                          "json_schema": {"name": "answer", "schema": json_schema}}
        return req

    def chat(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
             json_schema: dict | None = None) -> str:
        """The assistant's reply text (a JSON string when json_schema is given)."""
        with self._lock:
            result = self._server.handle_chat_completions(
                self._request(messages, max_tokens, temperature, json_schema, False))
        if not isinstance(result, dict) or "choices" not in result:
            raise RuntimeError(f"local LLM error: {str(result)[:300]}")
        self._count(result.get("timings"))
        return result["choices"][0]["message"].get("content") or ""

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None) -> Iterator[str]:
        """Yield the reply in pieces as llama.cpp produces them."""
        pieces: queue.Queue = queue.Queue()
        done = object()

        def on_chunk(chunk) -> None:
            if isinstance(chunk, dict) and "error" in chunk:  # e.g. a grammar llama.cpp can't parse
                pieces.put(RuntimeError(f"local LLM error: {str(chunk['error'])[:300]}"))
                return
            if isinstance(chunk, dict) and "timings" in chunk:
                self._count(chunk["timings"])
            for choice in (chunk or {}).get("choices", []) if isinstance(chunk, dict) else []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    pieces.put(text)

        def run() -> None:
            try:
                with self._lock:
                    result = self._server.handle_chat_completions(
                        self._request(messages, max_tokens, temperature, json_schema, True), on_chunk)
                if isinstance(result, dict) and "error" in result:
                    pieces.put(RuntimeError(f"local LLM error: {str(result['error'])[:300]}"))
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
