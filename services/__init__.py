"""The app's long-lived objects, built once and lazily: shared by the Gradio UI, the REST API and `bench/`.

Why: the UI and the API must answer with the same code and the same models, and nothing heavy should
load before a request needs it (cold start). `Services(settings)` owns the knowledge base, the "my gym"
gallery, the equipment recogniser, the LLM backend, the agent and the per-user store.
"""
from __future__ import annotations

import functools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import cached_property

from config import Settings, get_settings

from .access import Access
from .store import UserStore

log = logging.getLogger(__name__)

MAX_CONVERSATIONS = 500        # chat memories kept in RAM; the least recently used is dropped beyond this
CONVERSATION_IDLE_S = 6 * 3600  # a memory unused this long is dropped (the saved profile reseeds it)
MAX_MESSAGES = 24              # messages one chat memory keeps (12 turns); older ones are dropped


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
        self._conversations: OrderedDict[str, tuple[object, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._user_locks: dict[str, threading.Lock] = {}
        self._deletions: dict[str, int] = {}   # user → times deleted: a turn that started before a delete saves nothing
        self.warm: dict | None = None     # what warm_up() loaded and how long each part took

    @cached_property
    def kb(self):
        from knowledge import load_knowledge

        return load_knowledge()

    @cached_property
    def store(self) -> UserStore:
        return UserStore(self.settings.data_dir / "users.sqlite")

    @cached_property
    def access(self) -> Access:
        return Access(self.settings, self.store, self._server_secret())

    def _server_secret(self) -> bytes:
        """Signs the page's browser cookie; kept in the data folder (mode 600) so cookies survive restarts."""
        path = self.settings.data_dir / "server.secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return bytes.fromhex(path.read_text().strip())

    @cached_property
    def gallery(self):
        """The shared gallery (operator-enrolled, catalog labels only): every user's recognition sees it."""
        from tools.gallery import Gallery

        return Gallery(self.settings.data_dir / "gallery")

    def user_gallery(self, user_id: str):
        """This user's own "my gym" photos (a folder per user); only their recognition sees them."""
        import hashlib

        from tools.gallery import Gallery

        with self._lock:
            cache = self.__dict__.setdefault("_user_galleries", OrderedDict())
            gallery = cache.get(user_id)
            if gallery is None:
                folder = hashlib.sha256(user_id.encode()).hexdigest()[:32]   # no user id in a path
                gallery = cache[user_id] = Gallery(self.settings.data_dir / "galleries" / folder,
                                                   featurizer=getattr(self.gallery, "_featurizer", None))
                while len(cache) > 64:
                    cache.popitem(last=False)[1].close()
            cache.move_to_end(user_id)
            return gallery

    def recognizer_for(self, user_id: str | None):
        """The recogniser over the shared gallery plus this user's own photos (the shared one without a user)."""
        if not user_id or self.settings.recognizer == "vlm":
            return self.recognizer
        mine = self.user_gallery(user_id)
        if not mine.labels():
            return self.recognizer
        from tools.recognizer import EmbeddedRecognizer

        from .galleries import CombinedGallery

        with self._lock:   # one recogniser per user, so its fitted head is reused until a gallery changes
            cache = self.__dict__.setdefault("_user_recognizers", OrderedDict())
            embedded = cache.get(user_id)
            if embedded is None or embedded.gallery.parts[-1] is not mine:
                embedded = cache[user_id] = EmbeddedRecognizer.from_kb(
                    self.kb, CombinedGallery(self.default_gallery, self.gallery, mine))
                embedded.warm_from = self.embedded_recognizer   # its head starts this user's fit
                while len(cache) > 64:
                    cache.popitem(last=False)
            cache.move_to_end(user_id)
        if self.recognizer is self.embedded_recognizer:
            return embedded
        return FallbackRecognizer(self.recognizer.primary, embedded) if isinstance(self.recognizer, FallbackRecognizer) \
            else self.recognizer

    @cached_property
    def default_gallery(self):
        """The shipped public-domain photos (embeddings only), so recognition names machines out of the box."""
        from indexes.default_gallery import DefaultGallery

        gallery = DefaultGallery(featurizer=getattr(self.gallery, "_featurizer", None))
        if gallery.problem:
            log.warning("default gallery not used: %s", gallery.problem)
        return gallery

    @cached_property
    def embedded_recognizer(self):
        from tools.recognizer import EmbeddedRecognizer

        from .galleries import CombinedGallery

        return EmbeddedRecognizer.from_kb(self.kb, CombinedGallery(self.default_gallery, self.gallery))

    @cached_property
    def recognizer(self):
        """Embedded by default; the served VLM (with the embedded one as fallback) when a server is configured."""
        choice = self.settings.recognizer
        if choice == "embedded" or (choice == "auto" and not self.settings.llm_url):
            return self.embedded_recognizer
        from agent.backends import create_backend
        from tools.equipment import VLMRecognizer

        vlm = VLMRecognizer.from_kb(create_backend("openai", self.settings), self.kb,
                                    calibration=self.settings.vlm_calibration)
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
                 "vision": lambda: getattr(self.recognizer, "featurizer", None),
                 # the default gallery's head (~2-3 s on 2 cores), so the first photo does not wait for it
                 "recognizer_head": lambda: self.embedded_recognizer._fit()}
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

    def recent_sessions(self, user_id: str | None, limit: int = 20) -> list[dict]:
        """Sessions earlier "today's workout" requests saved for this user, as plan_today's history
        entries (date + groups + exercises); only the last days count there."""
        import datetime as dt

        if not user_id:
            return []
        out = []
        for item in self.store.history(user_id, limit):
            if item["kind"] != "training_plan":
                continue
            payload = (self.store.history_item(user_id, item["id"]) or {}).get("payload") or {}
            done = payload.get("today")
            if isinstance(done, dict):
                out.append({"date": dt.date.fromtimestamp(item["created"]).isoformat(),
                            "groups": done.get("groups") or [], "exercises": done.get("exercises") or []})
        return out

    def conversation(self, user_id: str):
        """This user's chat memory; the saved profile seeds a new one so plans reuse what they told us.

        Bounded: at most MAX_CONVERSATIONS memories (least recently used dropped) and none idle for more
        than CONVERSATION_IDLE_S; the store keeps the profile, so a dropped memory only loses the chat."""
        from agent.core import Conversation

        now = time.monotonic()
        with self._lock:
            entry = self._conversations.pop(user_id, None)
            conv = entry[0] if entry else Conversation(profile=self.store.profile(user_id))
            self._conversations[user_id] = (conv, now)
            while len(self._conversations) > 1:   # the one just used stays (it is the newest)
                oldest, (_, used) = next(iter(self._conversations.items()))
                if len(self._conversations) <= MAX_CONVERSATIONS and now - used < CONVERSATION_IDLE_S:
                    break
                self._conversations.pop(oldest)
                lock = self._user_locks.get(oldest)
                if lock is not None and not lock.locked():
                    self._user_locks.pop(oldest, None)
            return conv

    def chat(self, user_id: str, text: str, image=None):
        """One chat turn as the agent's events (deltas, tool steps, then {"type": "turn"}), with memory.

        One turn at a time per user (two tabs must not interleave one conversation); the profile facts
        said in the chat are saved and the turn goes to the user's history.
        """
        with self._lock:
            user_lock = self._user_locks.setdefault(user_id, threading.Lock())
            deletions = self._deletions.get(user_id, 0)
        with user_lock:
            conv = self.conversation(user_id)
            for event in self.agent.stream(conv, text, image):
                if event.get("type") == "turn":
                    turn = event["turn"]
                    del conv.messages[:-MAX_MESSAGES]
                    with self._lock:   # a delete that came while the turn ran wins: nothing is written back
                        if self._deletions.get(user_id, 0) == deletions:
                            if conv.profile:
                                self._save_profile(user_id, conv.profile)
                            if turn.route != "empty":
                                self.store.add_history(user_id, "chat", (text or "📷")[:200],
                                                       {"answer": turn.answer[:2000], "route": turn.route})
                yield event

    def _save_profile(self, user_id: str, profile: dict) -> None:
        try:
            self.store.save_profile(user_id, profile)
        except ValueError:   # over the size cap (facts said in chat): keep the turn, skip the save
            pass

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
        self._save_profile(user_id, saved)
        self.store.add_history(user_id, kind, summary, {"profile": profile, **payload})

    def forget(self, user_id: str) -> None:
        """Delete everything kept about a user: profile, history, their gallery, chat memory and the id itself.

        Wins over a chat turn of theirs that is still running: that turn writes nothing back."""
        import shutil

        with self._lock:
            self._deletions[user_id] = self._deletions.get(user_id, 0) + 1
            self._conversations.pop(user_id, None)
            self.store.delete_user(user_id)
            cached = self.__dict__.get("_user_galleries", {}).pop(user_id, None)
            self.__dict__.get("_user_recognizers", {}).pop(user_id, None)
        if cached is not None:
            root = cached.root
            cached.close()
            shutil.rmtree(root, ignore_errors=True)
        else:
            import hashlib

            shutil.rmtree(self.settings.data_dir / "galleries" / hashlib.sha256(user_id.encode()).hexdigest()[:32],
                          ignore_errors=True)


@functools.lru_cache(maxsize=1)
def get_services() -> Services:
    return Services()
