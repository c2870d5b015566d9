"""The app's long-lived objects, built once and lazily: shared by the Gradio UI, the REST API and `bench/`.

Why: the UI and the API must answer with the same code and the same models, and nothing heavy should
load before a request needs it (cold start). `Services(settings)` owns the knowledge base, the "my gym"
gallery, the equipment recogniser, the LLM backend, the agent and the per-user store.
"""
from __future__ import annotations

import functools
import threading
from functools import cached_property

from config import Settings, get_settings

from .store import UserStore


class FallbackRecognizer:
    """The VLM while its server answers; the embedded CPU recogniser when it is down or times out."""

    def __init__(self, primary, fallback):
        self.primary, self.fallback = primary, fallback
        self.name = primary.name
        self.accept_confidence = primary.accept_confidence

    def predict(self, image, k: int = 3):
        from tools.equipment import RecognitionError

        try:
            pred = self.primary.predict(image, k)
            self.name, self.accept_confidence = self.primary.name, self.primary.accept_confidence
            return pred
        except RecognitionError:
            self.name, self.accept_confidence = self.fallback.name, self.fallback.accept_confidence
            return self.fallback.predict(image, k)


class Services:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self._conversations: dict[str, object] = {}
        self._lock = threading.Lock()
        self._user_locks: dict[str, threading.Lock] = {}
        self.warm: dict | None = None     # what warm_up() loaded and how long each part took

    @cached_property
    def kb(self):
        from knowledge import load_knowledge

        return load_knowledge()

    @cached_property
    def store(self) -> UserStore:
        return UserStore(self.settings.data_dir / "users.sqlite")

    @cached_property
    def gallery(self):
        from tools.gallery import Gallery

        return Gallery(self.settings.data_dir / "gallery")

    @cached_property
    def embedded_recognizer(self):
        from tools.gallery import EmbeddedRecognizer

        return EmbeddedRecognizer.from_kb(self.kb, self.gallery)

    @cached_property
    def recognizer(self):
        """Embedded by default; the served VLM (with the embedded one as fallback) when a server is configured."""
        choice = self.settings.recognizer
        if choice == "embedded" or (choice == "auto" and not self.settings.llm_url):
            return self.embedded_recognizer
        from agent.backends import create_backend
        from tools.equipment import VLMRecognizer

        vlm = VLMRecognizer.from_kb(create_backend("openai", self.settings), self.kb)
        return vlm if choice == "vlm" else FallbackRecognizer(vlm, self.embedded_recognizer)

    @cached_property
    def backend(self):
        from agent.backends import create_backend

        return create_backend(self.settings.llm_backend, self.settings)

    @cached_property
    def agent(self):
        from agent.core import FitnessAgent

        return FitnessAgent(self.backend, self.kb, recognizer=self.recognizer)

    def warm_up(self, llm: bool = False) -> dict:
        """Load what the first requests need (knowledge, indexes, embedder, vision net) and time each part.

        `app.py` runs this in a background thread after the server starts, so the first page is served
        at once and the first click does not pay for model loading. The LLM (1-2 GB) only with llm=True.
        """
        import time

        from tools.gif_search import _default_library
        from tools.knowledge_search import _default_index

        steps = {"knowledge": lambda: self.kb, "agent_router": lambda: self.agent, "gifs": _default_library,
                 "knowledge_index": _default_index,
                 "vision": lambda: getattr(self.recognizer, "featurizer", None)}
        if llm:   # loads the 1-2 GB model and pre-computes the ReAct prompt of both languages (~1 min on 2 cores)
            steps["llm"] = lambda: self.agent.warm_up()
        timings = {}
        for name, load in steps.items():
            start = time.perf_counter()
            try:
                load()
                timings[name] = round(time.perf_counter() - start, 2)
            except Exception as exc:  # a missing model must not stop the app; /health reports it
                timings[name] = f"failed: {exc}"
        self.warm = timings
        return timings

    def conversation(self, user_id: str):
        """This user's chat memory; the saved profile seeds a new one so plans reuse what they told us."""
        from agent.core import Conversation

        with self._lock:
            conv = self._conversations.get(user_id)
            if conv is None:
                conv = self._conversations[user_id] = Conversation(profile=self.store.profile(user_id))
            return conv

    def chat(self, user_id: str, text: str, image=None):
        """One chat turn as the agent's events (deltas, tool steps, then {"type": "turn"}), with memory.

        One turn at a time per user (two tabs must not interleave one conversation); the profile facts
        said in the chat are saved and the turn goes to the user's history.
        """
        with self._lock:
            user_lock = self._user_locks.setdefault(user_id, threading.Lock())
        with user_lock:
            conv = self.conversation(user_id)
            for event in self.agent.stream(conv, text, image):
                if event.get("type") == "turn":
                    turn = event["turn"]
                    if conv.profile:
                        self.store.save_profile(user_id, conv.profile)
                    if turn.route != "empty":
                        self.store.add_history(user_id, "chat", (text or "📷")[:200],
                                               {"answer": turn.answer[:2000], "route": turn.route})
                yield event

    def chat_turn(self, user_id: str, text: str, image=None):
        """The whole Turn of `chat` (for callers that do not stream)."""
        turn = None
        for event in self.chat(user_id, text, image):
            if event.get("type") == "turn":
                turn = event["turn"]
        return turn

    def remember_plan(self, user_id: str | None, kind: str, profile: dict, summary: str, **payload) -> None:
        """Save the planner inputs as the user's profile and the plan request in their history.

        The saved profile's "goal" is the training goal (the chat agent reads it), so a nutrition plan's
        lose/maintain/gain goal is kept as "nutrition_goal".
        """
        if not user_id:
            return
        saved = dict(profile)
        if kind == "nutrition_plan" and "goal" in saved:
            saved["nutrition_goal"] = saved.pop("goal")
        self.store.save_profile(user_id, saved)
        self.store.add_history(user_id, kind, summary, {"profile": profile, **payload})

    def forget(self, user_id: str) -> None:
        """Delete everything kept about a user: profile, history and chat memory."""
        with self._lock:
            self._conversations.pop(user_id, None)
        self.store.delete_user(user_id)


@functools.lru_cache(maxsize=1)
def get_services() -> Services:
    return Services()
