"""LLM backends behind one call: `chat(messages, **gen) -> str`.

- local: the packaged Qwen2.5 GGUF in-process (offline default), JSON-schema constrained decoding.
- openai: any OpenAI-compatible server, e.g. `lmdeploy serve api_server` with InternVL2 (images as
  base64 data URLs in `image_url` parts), vLLM or Ollama. Plain HTTP, no SDK.
- fake: queued replies for tests.
`create_backend(name, settings)` is the registry; an unknown name lists the known ones.
"""
from __future__ import annotations

import json
from collections import deque
from typing import Iterator

import httpx


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
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers, transport=transport)

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
            return resp.json()["choices"][0]["message"]["content"] or ""
        except httpx.TimeoutException as exc:
            raise BackendError(f"{self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"{self.base_url}: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise BackendError(f"{self.base_url} sent a malformed reply") from exc

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
               json_schema: dict | None = None) -> Iterator[str]:
        """The reply in pieces as the server sends them (server-sent events, `stream: true`)."""
        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions",
                                     json=self._payload(messages, max_tokens, temperature, json_schema, True)) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if not line.startswith("data:") or line[5:].strip() == "[DONE]":
                        continue
                    choices = json.loads(line[5:])["choices"]
                    delta = (choices[0].get("delta") or {}) if choices else {}
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.TimeoutException as exc:
            raise BackendError(f"{self.base_url} timed out") from exc
        except httpx.HTTPError as exc:
            raise BackendError(f"{self.base_url}: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise BackendError(f"{self.base_url} sent a malformed stream") from exc

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
    """Use the server while it answers; on an error or timeout switch to the local model.

    `active` says which one served the last call, so the UI and /health can show the fallback.
    """

    def __init__(self, primary, fallback):
        self.primary, self.fallback = primary, fallback
        self.active = primary.name
        self.last_error = ""

    @property
    def name(self) -> str:
        return self.active

    @property
    def supports_images(self) -> bool:
        return self.active == self.primary.name and self.primary.supports_images

    def chat(self, messages, max_tokens=256, temperature=0.0, json_schema=None) -> str:
        try:
            out = self.primary.chat(messages, max_tokens, temperature, json_schema)
            self.active = self.primary.name
            return out
        except BackendError as exc:
            self.active, self.last_error = self.fallback.name, str(exc)
            return self.fallback.chat(messages, max_tokens, temperature, json_schema)

    def stream(self, messages, max_tokens=256, temperature=0.0, json_schema=None) -> Iterator[str]:
        """Pieces from the server as they come; if it fails before the first piece, from the local model.

        A server that breaks off mid-reply raises BackendError: what was already shown can't be taken back.
        """
        started = False
        try:
            for piece in self.primary.stream(messages, max_tokens, temperature, json_schema):
                if not started:
                    started, self.active = True, self.primary.name
                yield piece
            self.active = self.primary.name
        except BackendError as exc:
            self.last_error = str(exc)
            if started:
                raise
            self.active = self.fallback.name
            yield from self.fallback.stream(messages, max_tokens, temperature, json_schema)

    def is_ready(self) -> bool:
        return self.primary.is_ready() or self.fallback.is_ready()


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
