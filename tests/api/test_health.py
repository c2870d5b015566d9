"""/health answers offline and reports which LLM backend is live."""
from fastapi.testclient import TestClient

from api.app import create_api
from config import settings_from_env
from tests.fakes import FakeOpenAIServer


def test_health_offline_default_uses_local_backend():
    report = TestClient(create_api(settings_from_env({}))).get("/health").json()
    assert report["llm_backend"] == "local"
    assert report["llm"]["local"]["ready"] is True
    assert all(report["models_installed"].values())


def test_health_prefers_a_live_openai_server():
    with FakeOpenAIServer() as server:
        s = settings_from_env({"FITNESSLM_LLM_URL": server.base_url})
        report = TestClient(create_api(s)).get("/health").json()
    assert report["llm_backend"] == "openai" and report["llm"]["openai"]["ready"] is True


def test_health_falls_back_to_local_when_server_is_down():
    s = settings_from_env({"FITNESSLM_LLM_URL": "http://127.0.0.1:9/v1"})
    report = TestClient(create_api(s)).get("/health").json()
    assert report["llm_backend"] == "local" and report["llm"]["openai"]["ready"] is False
