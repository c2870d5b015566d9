"""LLM backends behind one call: `chat(messages, **gen) -> str`.

- local: the packaged Qwen2.5 GGUF in-process (offline default), JSON-schema constrained decoding.
- openai: any OpenAI-compatible server, e.g. `lmdeploy serve api_server` with InternVL2 (images as
  base64 data URLs in `image_url` parts), vLLM or Ollama. Plain HTTP, no SDK.
- fake: queued replies for tests.
`create_backend(name, settings)` is the registry; an unknown name lists the known ones.

A served model fails in more ways than "down": it hangs, streams forever, answers 500, or answers
malformed or empty JSON. Each of these is a BackendError here: every server call has a wall-clock
deadline (not just a per-read timeout), a stream stops after a cap of chunks, and an empty reply is an
error. `FallbackBackend` is the circuit breaker: after a failure the server is skipped (local model)
for `retry_after_s`, then tried again, so a hung server costs one deadline per turn, not one per step.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import Iterator

import httpx

STREAM_CHUNK_SLACK = 2.0    # a stream may send this many chunks per requested token before it is cut off
RETRY_AFTER_S = 30.0        # circuit breaker: seconds a failed server is skipped before it is tried again


class BackendError(RuntimeError):
    """The LLM could not answer (server down, timeout, malformed reply)."""


class LocalBackend:
    name = "local"
    supports_images = False

    def __init__(self, key: str, cache_dir: str, n_ctx: int = 4096, threads: int = 0):
        self.key, self.cache_dir, self.n_ctx, self.threads = key, str(cache_dir), n_ctx, threads

    @property
    def llm(self):
        from runtime.llm import get_local_llm  # loads ~1 GB on first use only

        return get_local_llm(self.key, self.cache_dir, self.n_ctx, self.threads)

    def chat(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
             json_schema: dict | None = None) -> str:
        return self.llm.chat(_text_only(messages), max_tokens, temperature, json_schema)

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None) -> Iterator[str]:
        return self.llm.stream(_text_only(messages), max_tokens, temperature, json_schema)

    def is_ready(self) -> bool:
        from runtime.gguf import LOCAL_MODELS, find_parts

        try:
            find_parts(LOCAL_MODELS[self.key])
            return True
        except Exception:
            return False


class OpenAICompatibleBackend:
    """POST {base_url}/chat/completions; base_url is like http://127.0.0.1:23333/v1."""

    name = "openai"
    supports_images = True

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 30.0,
                 transport: httpx.BaseTransport | None = None):
        if not base_url:
            raise ValueError("the openai backend needs FITNESSLM_LLM_URL, e.g. http://127.0.0.1:23333/v1")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = float(timeout_s)   # wall clock for a whole call, connect to last byte
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers, transport=transport)

    def _over(self, start: float) -> bool:
        return time.monotonic() - start > self.timeout_s

    def _payload(self, messages, max_tokens, temperature, json_schema, stream=False) -> dict:
        payload = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                   "temperature": temperature, "stream": stream}
        if json_schema is not None:
            payload["response_format"] = {"type": "json_schema",
                                          "json_schema": {"name": "answer", "schema": json_schema}}
        return payload

    def chat(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
             json_schema: dict | None = None) -> str:
        try:
            resp = self._client.post(f"{self.base_url}/chat/completions",
                                     json=self._payload(messages, max_tokens, temperature, json_schema))
            resp.raise_for_status()
            content = resp.json()["choices"][0]["message"]["content"]
        except httpx.TimeoutException as exc:
            raise BackendError(f"{self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"{self.base_url}: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise BackendError(f"{self.base_url} sent a malformed reply") from exc
        if not isinstance(content, str) or not content.strip():
            raise BackendError(f"{self.base_url} sent an empty reply")
        return content

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None) -> Iterator[str]:
        """The reply in pieces as the server sends them (server-sent events, `stream: true`).

        Bounded: at most max_tokens × STREAM_CHUNK_SLACK chunks and `timeout_s` of wall clock; a stream
        cut off after some text ends there (what was shown stays), one with no text at all is an error.
        Leaving the loop (the client went away) closes the connection."""
        start, chunks, sent = time.monotonic(), 0, False
        cap = max(8, int(max_tokens * STREAM_CHUNK_SLACK))
        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions",
                                     json=self._payload(messages, max_tokens, temperature, json_schema, True)) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if self._over(start) or chunks >= cap:
                        if sent:
                            return            # a runaway stream: keep what was said, stop reading
                        raise BackendError(f"{self.base_url} sent no text within {self.timeout_s:.0f} s")
                    if not line.startswith("data:"):
                        continue
                    if line[5:].strip() == "[DONE]":
                        break
                    chunks += 1
                    choices = json.loads(line[5:])["choices"]
                    delta = (choices[0].get("delta") or {}) if choices else {}
                    if delta.get("content"):
                        sent = True
                        yield delta["content"]
        except httpx.TimeoutException as exc:
            raise BackendError(f"{self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"{self.base_url}: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise BackendError(f"{self.base_url} sent a malformed stream") from exc
        if not sent:
            raise BackendError(f"{self.base_url} sent an empty reply")

    def is_ready(self) -> bool:
        try:
            return self._client.get(f"{self.base_url}/models", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False


class FakeBackend:
    """Replies from a queue, recording what it was asked (tests only)."""

    name = "fake"
    supports_images = True

    def __init__(self, replies: list[str] | None = None):
        self.replies = deque(replies or [])
        self.requests: list[dict] = []

    def enqueue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def chat(self, messages, max_tokens=256, temperature=0.0, json_schema=None) -> str:
        self.requests.append({"messages": messages, "json_schema": json_schema})
        if not self.replies:
            raise BackendError("fake backend has no queued reply")
        return self.replies.popleft()

    def stream(self, messages, max_tokens=256, temperature=0.0, json_schema=None, chunk_chars: int = 3) -> Iterator[str]:
        """The next queued reply in small pieces (3 characters: splits escapes and words)."""
        reply = self.chat(messages, max_tokens, temperature, json_schema)
        for i in range(0, len(reply), chunk_chars):
            yield reply[i:i + chunk_chars]

    def is_ready(self) -> bool:
        return True


class FallbackBackend:
    """Use the server while it answers; on an error switch to the local model — a circuit breaker.

    After a failure the server is skipped for `retry_after_s` (calls go straight to the local model),
    then tried again. `active` names the backend that served the last call and `last_error` the last
    failure (with `last_error_at`), so the UI and /health can say which answered and why.
    """

    def __init__(self, primary, fallback, retry_after_s: float = RETRY_AFTER_S):
        self.primary, self.fallback = primary, fallback
        self.retry_after_s = retry_after_s
        self.active = primary.name
        self.last_error, self.last_error_at = "", None
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.active

    @property
    def supports_images(self) -> bool:
        return self.active == self.primary.name and self.primary.supports_images

    @property
    def primary_down(self) -> bool:
        """True while the breaker is open (the server failed less than retry_after_s ago)."""
        return time.monotonic() < self._down_until

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self.last_error, self.last_error_at = str(exc), time.time()
            self._down_until = time.monotonic() + self.retry_after_s
            self.active = self.fallback.name

    def _served(self, backend) -> None:
        with self._lock:
            self.active = backend.name
            if backend is self.primary:
                self._down_until = 0.0

    def chat(self, messages, max_tokens=256, temperature=0.0, json_schema=None) -> str:
        if not self.primary_down:
            try:
                out = self.primary.chat(messages, max_tokens, temperature, json_schema)
                self._served(self.primary)
                return out
            except BackendError as exc:
                self._failed(exc)
        out = self.fallback.chat(messages, max_tokens, temperature, json_schema)
        self._served(self.fallback)
        return out

    def stream(self, messages, max_tokens=256, temperature=0.0, json_schema=None) -> Iterator[str]:
        """Pieces from the server as they come; if it fails before the first piece, from the local model.

        A server that breaks off mid-reply raises BackendError: what was already shown can't be taken back.
        """
        started = False
        if not self.primary_down:
            try:
                for piece in self.primary.stream(messages, max_tokens, temperature, json_schema):
                    if not started:
                        started = True
                        self._served(self.primary)
                    yield piece
                if started:
                    return
                raise BackendError(f"{self.primary.name} sent an empty reply")
            except BackendError as exc:
                self._failed(exc)
                if started:
                    raise
        self._served(self.fallback)
        yield from self.fallback.stream(messages, max_tokens, temperature, json_schema)

    def is_ready(self) -> bool:
        return (not self.primary_down and self.primary.is_ready()) or self.fallback.is_ready()

    def state(self) -> dict:
        """What /health shows: who served last, the last error, and whether the server is being skipped."""
        return {"last_served": self.active, "last_error": self.last_error or None,
                "last_error_at": self.last_error_at, "server_skipped": self.primary_down,
                "retry_in_s": round(max(0.0, self._down_until - time.monotonic()), 1) if self.primary_down else 0}


def _text_only(messages: list[dict]) -> list[dict]:
    """Flatten multimodal content parts to text for text-only models."""
    flat = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = "\n".join(p.get("text", "[image]") if p.get("type") == "text" else "[image]" for p in content)
        flat.append({"role": m["role"], "content": content or ""})
    return flat


def create_backend(name: str, settings) -> object:
    """Backend by name from Settings: 'local', 'openai', 'fake', or 'auto' (server with local fallback)."""
    if name == "auto":
        local = create_backend("local", settings)
        return FallbackBackend(create_backend("openai", settings), local) if settings.llm_url else local
    if name == "local":
        return LocalBackend(settings.local_llm, str(settings.cache_dir), settings.llm_context, settings.llm_threads)
    if name == "openai":
        return OpenAICompatibleBackend(settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout_s)
    if name == "fake":
        return FakeBackend()
    raise ValueError(f"unknown LLM backend {name!r}; known: auto, local, openai, fake")
