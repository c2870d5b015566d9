"""The OpenAI-compatible backend against a real local HTTP server; the registry; the fake."""
import pytest

from agent.backends import BackendError, FakeBackend, OpenAICompatibleBackend, create_backend
from config import settings_from_env
from tests.fakes import FakeOpenAIServer


def test_chat_sends_model_messages_and_schema():
    with FakeOpenAIServer() as server:
        server.then(reply='{"tool": "training_plan"}')
        backend = OpenAICompatibleBackend(server.base_url, "internvl2", api_key="secret")
        out = backend.chat([{"role": "user", "content": "hi"}], max_tokens=20, json_schema={"type": "object"})
        req = server.requests[0]
    assert out == '{"tool": "training_plan"}'
    assert req["path"] == "/v1/chat/completions" and req["body"]["model"] == "internvl2"
    assert req["body"]["response_format"]["type"] == "json_schema"
    assert req["headers"]["Authorization"] == "Bearer secret"


def test_image_parts_pass_through_as_data_urls():
    image = {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}}
    with FakeOpenAIServer() as server:
        OpenAICompatibleBackend(server.base_url, "internvl2").chat(
            [{"role": "user", "content": [{"type": "text", "text": "what is this"}, image]}])
        parts = server.requests[0]["body"]["messages"][0]["content"]
    assert parts[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


@pytest.mark.parametrize("step,match", [({"status": 503}, "503"), ({"raw": "not json"}, "malformed"),
                                        ({"raw": '{"choices": []}'}, "malformed")])
def test_server_errors_become_backend_errors(step, match):
    with FakeOpenAIServer() as server:
        server.then(**step)
        with pytest.raises(BackendError, match=match):
            OpenAICompatibleBackend(server.base_url, "m").chat([{"role": "user", "content": "x"}])


def test_timeout_is_clean():
    with FakeOpenAIServer() as server:
        server.then(delay_s=1.0, reply="late")
        with pytest.raises(BackendError, match="timed out"):
            OpenAICompatibleBackend(server.base_url, "m", timeout_s=0.2).chat([{"role": "user", "content": "x"}])


def test_streaming_reassembles_the_reply():
    with FakeOpenAIServer() as server:
        server.then(reply="push the floor away")
        pieces = list(OpenAICompatibleBackend(server.base_url, "m").stream([{"role": "user", "content": "x"}]))
    assert len(pieces) == 4 and "".join(pieces) == "push the floor away"


def test_registry_and_fake():
    s = settings_from_env({})
    assert create_backend("local", s).name == "local"
    with pytest.raises(ValueError, match="auto, local, openai, fake"):
        create_backend("gpt", s)
    fake = FakeBackend(["a"])
    assert fake.chat([{"role": "user", "content": "q"}]) == "a"
    with pytest.raises(BackendError):
        fake.chat([])


def test_fallback_switches_to_local_when_server_fails_and_back_when_it_recovers():
    from agent.backends import FallbackBackend

    local = FakeBackend(["local answer"])
    local.name = "local"
    with FakeOpenAIServer() as server:
        server.then(status=503).then(reply="server answer")
        backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "internvl2"), local, retry_after_s=0)
        assert backend.chat([{"role": "user", "content": "x"}]) == "local answer"
        assert backend.active == "local" and "503" in backend.last_error
        assert backend.chat([{"role": "user", "content": "x"}]) == "server answer"
        assert backend.active == "openai"


def test_auto_without_url_is_local_and_with_url_falls_back():
    from agent.backends import FallbackBackend

    assert create_backend("auto", settings_from_env({})).name == "local"
    auto = create_backend("auto", settings_from_env({"FITNESSLM_LLM_URL": "http://127.0.0.1:9/v1"}))
    assert isinstance(auto, FallbackBackend)


def test_breaker_skips_a_failed_server_then_retries_it():
    from agent.backends import FallbackBackend

    local = FakeBackend(["l1", "l2", "l3"])
    local.name = "local"
    with FakeOpenAIServer() as server:
        server.then(status=500).then(reply="back")
        backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "m"), local, retry_after_s=0.3)
        assert backend.chat([{"role": "user", "content": "x"}]) == "l1"
        assert backend.chat([{"role": "user", "content": "x"}]) == "l2"      # skipped: no second request
        assert len(server.requests) == 1 and backend.state()["server_skipped"] and "500" in backend.state()["last_error"]
        import time

        time.sleep(0.35)
        assert backend.chat([{"role": "user", "content": "x"}]) == "back" and backend.active == "openai"
        assert not backend.state()["server_skipped"]


@pytest.mark.parametrize("step", [{"raw": '{"choices": [{"message": {"content": ""}}]}'},
                                  {"raw": '{"choices": [{"message": {"content": null}}]}'}])
def test_empty_replies_are_backend_errors(step):
    with FakeOpenAIServer() as server:
        server.then(**step)
        with pytest.raises(BackendError, match="empty"):
            OpenAICompatibleBackend(server.base_url, "m").chat([{"role": "user", "content": "x"}])


def test_a_runaway_stream_is_cut_at_the_chunk_cap_and_an_empty_one_falls_back():
    from agent.backends import FallbackBackend

    with FakeOpenAIServer() as server:
        server.then(reply="word " * 500)
        pieces = list(OpenAICompatibleBackend(server.base_url, "m").stream([{"role": "user", "content": "x"}],
                                                                         max_tokens=10))
        assert 0 < len(pieces) <= 20
        local = FakeBackend(["local text"])
        local.name = "local"
        server.then(raw="data: {\"choices\": []}\n\ndata: [DONE]\n\n")
        backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "m"), local)
        assert "".join(backend.stream([{"role": "user", "content": "x"}])) == "local text"
        assert backend.active == "local" and "empty" in backend.last_error


def test_a_hanging_server_costs_one_deadline_then_the_local_model_answers():
    import time

    from agent.backends import FallbackBackend

    local = FakeBackend(["a", "b", "c"])
    local.name = "local"
    with FakeOpenAIServer() as server:
        for _ in range(3):
            server.then(delay_s=1.0, reply="late")
        backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "m", timeout_s=0.3), local)
        start = time.monotonic()
        answers = [backend.chat([{"role": "user", "content": "x"}]) for _ in range(3)]   # three ReAct steps
        assert answers == ["a", "b", "c"] and time.monotonic() - start < 1.0
