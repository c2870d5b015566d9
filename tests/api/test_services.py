"""Services' guarantees under misuse: a delete wins over a running chat turn, chat memory is bounded and
evicted, profile sizes are capped in the schema and in the store."""
from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

import services as S
from agent.core import Turn
from api.app import create_api
from config import settings_from_env
from services import Services
from services.store import MAX_PROFILE_BYTES, UserStore


class SlowAgent:
    """Stands in for FitnessAgent: learns a profile fact, then waits until told to finish the turn."""

    def __init__(self):
        self.started, self.finish = threading.Event(), threading.Event()

    def stream(self, conv, text, image=None):
        conv.profile["age"] = 44
        conv.messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]
        self.started.set()
        self.finish.wait(10)
        yield {"type": "turn", "turn": Turn("ok", "en", "small_talk", "none")}


@pytest.fixture()
def svc(tmp_path):
    s = Services(settings_from_env({}, data_dir=tmp_path))
    s.__dict__["agent"] = SlowAgent()
    return s


def test_a_delete_wins_over_a_running_chat_turn(svc):
    svc.store.save_profile("dora", {"weight_kg": 60})
    done = []
    worker = threading.Thread(target=lambda: done.append(list(svc.chat("dora", "I'm 44"))))
    worker.start()
    assert svc.agent.started.wait(10)
    svc.forget("dora")                      # while the turn runs
    svc.agent.finish.set()
    worker.join(10)
    assert done and done[0][-1]["type"] == "turn"
    assert svc.store.profile("dora") == {} and svc.store.history("dora") == []   # nothing came back
    assert svc.conversation("dora").profile == {}


def test_chat_memory_is_bounded_and_evicted(svc, monkeypatch):
    monkeypatch.setattr(S, "MAX_CONVERSATIONS", 3)
    for user in ("a", "b", "c", "d"):
        svc.conversation(user)
    assert list(svc._conversations) == ["b", "c", "d"]               # least recently used dropped
    monkeypatch.setattr(S, "CONVERSATION_IDLE_S", 0.0)
    svc.conversation("e")
    assert list(svc._conversations) == ["e"]                        # idle ones dropped
    svc.agent.finish.set()
    for i in range(20):
        list(svc.chat("e", f"turn {i}"))
    assert len(svc.conversation("e").messages) <= S.MAX_MESSAGES    # one memory is bounded too


def test_profile_sizes_are_capped(tmp_path):
    store = UserStore(tmp_path / "u.sqlite")
    with pytest.raises(ValueError):
        store.save_profile("x", {"dislikes": ["a" * 64] * (MAX_PROFILE_BYTES // 60)})
    assert store.profile("x") == {}
    api = TestClient(create_api(services=Services(settings_from_env({}, data_dir=tmp_path / "api"))))
    huge = "x" * 4_000_000                                          # the 4 MB string of the issue
    for body in ({"goal": huge}, {"dislikes": huge}, {"dislikes": [huge]}, {"dislikes": ["a"] * 500}):
        resp = api.put("/v1/users/u-1/profile", json=body)
        assert resp.status_code == 422, resp.text[:200]
    assert api.get("/v1/users/u-1/profile").json()["profile"] == {}
    assert store.integrity() == "ok"


def test_deleting_users_gives_the_space_back(tmp_path):
    store = UserStore(tmp_path / "u.sqlite")
    for i in range(60):
        store.save_profile(f"u{i}", {"dislikes": ["x" * 60] * 100})
        store.add_history(f"u{i}", "chat", "y" * 400, {"answer": "z" * 1500})
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    full = (tmp_path / "u.sqlite").stat().st_size
    for i in range(60):
        store.delete_user(f"u{i}")
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (tmp_path / "u.sqlite").stat().st_size < full / 4 and store.integrity() == "ok"
