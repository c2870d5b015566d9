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


def test_health_reports_the_backend_that_last_served_and_the_servers_last_error(tmp_path):
    from agent.backends import FallbackBackend, FakeBackend, OpenAICompatibleBackend
    from services import Services

    with FakeOpenAIServer() as server:      # answers /models, fails the completion
        server.then(status=500)
        s = settings_from_env({"FITNESSLM_LLM_URL": server.base_url}, data_dir=tmp_path)
        services = Services(s)
        local = FakeBackend(["from the local model"])
        local.name = "local"
        services.backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "m"), local)
        assert services.backend.chat([{"role": "user", "content": "hi"}]) == "from the local model"
        report = TestClient(create_api(s, services=services)).get("/health").json()
    assert report["llm_last_served"] == "local" and report["llm_backend"] == "local"
    assert report["llm"]["openai"]["ready"] is False and "500" in report["llm"]["openai"]["last_error"]
