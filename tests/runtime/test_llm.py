"""The packaged local LLM (default Qwen2.5-Coder-1.5B) answers and obeys a JSON schema."""
import json

import pytest

from config import get_settings
from runtime.llm import get_local_llm

SCHEMA = {
    "type": "object",
    "properties": {"tool": {"enum": ["training_plan", "nutrition_plan", "equipment"]},
                   "days": {"type": "integer", "minimum": 1, "maximum": 7}},
    "required": ["tool", "days"],
}


@pytest.fixture(scope="module")
def llm(model_cache_dir):
    return get_local_llm(get_settings().local_llm, str(model_cache_dir), 2048)


def test_answers_a_short_prompt(llm):
    reply = llm.chat([{"role": "user", "content": "Name one exercise for the chest. Reply with the name only."}],
                     max_tokens=12)
    assert reply.strip()


def test_json_schema_constrained_output_is_valid(llm):
    raw = llm.chat([{"role": "system", "content": "Choose the tool for the user's request."},
                    {"role": "user", "content": "Make me a 3 day per week workout plan"}],
                   max_tokens=40, json_schema=SCHEMA)
    data = json.loads(raw)
    assert data["tool"] in SCHEMA["properties"]["tool"]["enum"]
    assert 1 <= data["days"] <= 7


def test_streaming_yields_pieces(llm):
    pieces = list(llm.stream([{"role": "user", "content": "Say hello in Chinese."}], max_tokens=8))
    assert len(pieces) >= 2 and "".join(pieces).strip()


@pytest.mark.slow
def test_streaming_under_a_schema_is_compact_valid_json(llm):
    schema = {"type": "object", "properties": {"tool": {"enum": ["training_plan", "nutrition_plan"]},
                                               "days": {"type": "integer"}}, "required": ["tool", "days"]}
    pieces = list(llm.stream([{"role": "user", "content": "Make me a 3 day per week workout plan. Reply in JSON."}],
                             max_tokens=30, json_schema=schema))
    raw = "".join(pieces)
    assert len(pieces) >= 2 and raw == json.dumps(json.loads(raw), separators=(",", ":"))  # grammar: no whitespace


def test_stream_errors_reach_the_consumer():
    from runtime.llm import LocalLLM

    class Server:
        def handle_chat_completions(self, request, callback=None):
            callback({"error": {"code": 400, "message": "failed to parse grammar"}})

    llm = LocalLLM.__new__(LocalLLM)
    llm._server, llm._lock, llm.usage = Server(), __import__("threading").Lock(), {}
    with pytest.raises(RuntimeError, match="failed to parse grammar"):
        list(llm.stream([{"role": "user", "content": "x"}], json_schema={"type": "string"}))
