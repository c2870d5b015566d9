"""Streaming the answer: the partial-JSON answer decoder, the text-protocol reader, and
FitnessAgent.stream on the router path, the constrained ReAct path and the OpenAI-compatible server."""
import json

import pytest

from agent.backends import BackendError, FakeBackend, FallbackBackend, OpenAICompatibleBackend
from agent.core import Conversation, FitnessAgent
from agent.react import run_react
from agent.streaming import FinalAnswerText, StepAnswerDecoder, Trim
from tests.fakes import FakeOpenAIServer

ANSWERS = [
    "Rest 1-2 days.",
    'She said "push" \\ then\nrest\t2 min / set',
    "每周练 3 次，每次 60 分钟 [1]。",
    "Strong 💪 and café — ok",
    "",
]


def _feed(raw: str, size: int) -> tuple[StepAnswerDecoder, str]:
    decoder = StepAnswerDecoder()
    out = "".join(decoder.feed(raw[i:i + size]) for i in range(0, len(raw), size))
    return decoder, out


def _finish(answer: str, **dump) -> str:
    return json.dumps({"reply": answer}, **dump)


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("dump", [{}, {"ensure_ascii": False}, {"indent": 2}, {"separators": (",", ":")}])
def test_decoder_matches_json_loads_at_every_chunk_size(answer, dump):
    raw = _finish(answer, **dump)  # ensure_ascii=True turns 💪 into a \\ud83d\\udcaa surrogate pair
    for size in range(1, len(raw) + 1):  # size 1 splits every escape sequence across chunks
        decoder, out = _feed(raw, size)
        assert out == decoder.answer == json.loads(raw)["reply"], size
        assert decoder.done


@pytest.mark.parametrize("raw", [r'{"reply": "a\ud83d\ud83d\udcaab"}', r'{"reply": "x\ud83d\ny\udcaa"}',
                                 r'{"reply": "\u00e9\ud83d"}'])
def test_lone_surrogates_decode_like_json_loads(raw):
    for size in (1, 2, 5, len(raw)):
        assert _feed(raw, size)[1] == json.loads(raw)["reply"]


def test_tool_steps_stream_nothing():
    raw = json.dumps({"tool": "KnowledgeBase", "args": {"question": "rest?", "reply": "not for the user"}})
    decoder, out = _feed(raw, 1)
    assert out == "" and not decoder.done


def test_a_truncated_answer_keeps_what_was_decoded():
    raw = _finish('Line one\nline "two" é')  # é is written as \\u00e9
    raw = raw[:raw.index("\\u00e9") + 3]  # cut inside the string, mid-escape
    decoder, out = _feed(raw, 4)
    assert out == decoder.answer == 'Line one\nline "two" ' and not decoder.done


def test_answer_keys_elsewhere_are_ignored():
    raw = json.dumps({"args": {"reply": "no"}, "tags": ["reply", {"reply": "no"}], "reply": "yes"})
    assert _feed(raw, 3)[1] == "yes"
    decoder = StepAnswerDecoder(path=("action_input", "answer"))  # any path
    assert decoder.feed('{"action":"x","action_input":{"answer":"deep"}}') == "deep"


def test_final_answer_text_protocol_with_the_marker_split():
    reply = "Thought: I know this.\nFinal Answer: Rest 1-2 days [1]."
    for size in (1, 3, 7, len(reply)):
        reader = FinalAnswerText()
        assert "".join(reader.feed(reply[i:i + size]) for i in range(0, len(reply), size)) == " Rest 1-2 days [1]."
    assert FinalAnswerText().feed("Thought: x\nAction: KnowledgeBase\nAction Input: {}") == ""


@pytest.mark.parametrize("pieces", [[" ", " Hi", " there ", " ", "\n"], ["\n\n"], ["a", " ", "b  "], ["  x\n", "y"]])
def test_trim_equals_strip(pieces):
    trim = Trim()
    assert "".join(trim.feed(p) for p in pieces) == "".join(pieces).strip()


def test_react_streams_the_answer_and_salvages_a_cut_off_step():
    fake = FakeBackend([_finish("  Deload every 4-6 weeks.\n"), _finish("cut off here")[:-7]])
    fake.name = "local"
    for expected in ("Deload every 4-6 weeks.", "cut off"):
        events = list(run_react(fake, [], [{"role": "user", "content": "deload?"}]))
        assert "".join(e["text"] for e in events if e["type"] == "delta") == expected == events[-1]["text"].strip()


# -- FitnessAgent.stream ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def agent():
    return FitnessAgent(FakeBackend())


def _collect(events) -> tuple[str, list[dict], object, list[str]]:
    deltas, tools, turn, kinds = [], [], None, []
    for event in events:
        kinds.append(event["type"])
        if event["type"] == "delta":
            deltas.append(event["text"])
        elif event["type"] == "tool":
            tools.append(event["step"])
        else:
            turn = event["turn"]
    assert kinds[-1] == "turn" and kinds.count("turn") == 1
    return "".join(deltas), tools, turn, kinds


def test_router_path_streams_tool_then_answer_and_respond_is_the_last_event(agent):
    text = "I'm a 30 year old man, 80 kg, 180 cm. Make me a 3 day per week gym program to build muscle"
    streamed, tools, turn, kinds = _collect(agent.stream(Conversation(), text))
    assert turn.route == "training_plan" and [s["tool"] for s in tools] == ["plan_training"]
    assert kinds.index("tool") < kinds.index("delta") and kinds.count("delta") > 1
    assert streamed == turn.answer
    again = agent.respond(Conversation(), text)
    assert (again.answer, again.route, again.trace[0]["tool"]) == (turn.answer, turn.route, turn.trace[0]["tool"])


def test_empty_message_streams_its_reply(agent):
    streamed, tools, turn, _ = _collect(agent.stream(Conversation(), "  "))
    assert turn.route == "empty" and streamed == turn.answer and not tools


def _react_agent(backend) -> FitnessAgent:
    agent = FitnessAgent(backend)
    agent.fast_path = False  # every message through the ReAct loop
    return agent


def test_react_path_streams_tool_steps_and_answer_deltas():
    answer = 'Take 1-2 rest days a week; "listen" to soreness [1].'
    fake = FakeBackend([json.dumps({"tool": "KnowledgeBase", "args": {"question": "rest days"}}),
                        json.dumps({"reply": answer})])
    fake.name = "local"
    conv = Conversation()
    agent = _react_agent(fake)
    agent.tool_answers = False  # the model writes the answer: streamed token by token
    streamed, tools, turn, kinds = _collect(agent.stream(conv, "hmm, and what about rest?"))
    assert turn.route == "react" and turn.answer == answer == streamed
    assert kinds.count("delta") > 5  # token by token, not one piece at the end
    assert [s["tool"] for s in tools] == ["KnowledgeBase"] == [s["tool"] for s in turn.trace]
    assert tools[0]["ok"] and tools[0]["ms"] >= 0 and kinds.index("tool") < kinds.index("delta")
    assert conv.messages[-1]["content"] == answer
    assert fake.requests[0]["json_schema"]["oneOf"]  # still constrained while streaming


def test_local_react_streams_the_rendered_tool_answer():
    fake = FakeBackend([json.dumps({"tool": "KnowledgeBase", "args": {"question": "protein per day"}})])
    fake.name = "local"
    streamed, tools, turn, kinds = _collect(_react_agent(fake).stream(Conversation(), "and protein?"))
    assert turn.route == "react" and turn.data["citations"] and streamed == turn.answer
    assert turn.answer.startswith(turn.data["answer"]) and [s["tool"] for s in tools] == ["KnowledgeBase"]


def test_react_backend_error_is_reported_as_the_answer():
    fake = FakeBackend([])  # no reply queued: BackendError
    fake.name = "local"
    streamed, tools, turn, _ = _collect(_react_agent(fake).stream(Conversation(), "hmm?"))
    assert turn.backend == "none" and "unavailable" in turn.answer and streamed == turn.answer


def test_openai_text_protocol_streams_after_final_answer():
    with FakeOpenAIServer() as server:
        server.then(reply='Thought: look it up\nAction: KnowledgeBase\nAction Input: {"question": "rest days"}')
        server.then(reply="Thought: I have it.\nFinal Answer: Take one or two rest days each week [1].")
        backend = OpenAICompatibleBackend(server.base_url, "internvl2")
        streamed, tools, turn, kinds = _collect(_react_agent(backend).stream(Conversation(), "rest?"))
        bodies = [r["body"] for r in server.requests]
    assert turn.backend == "openai" and turn.answer == "Take one or two rest days each week [1]." == streamed
    assert kinds.count("delta") > 3 and [s["tool"] for s in tools] == ["KnowledgeBase"]
    assert all(b["stream"] and "response_format" not in b for b in bodies)


def test_fallback_stream_switches_before_the_first_piece_only():
    local = FakeBackend(["local answer"])
    local.name = "local"
    with FakeOpenAIServer() as server:
        server.then(status=503).then(reply="server answer")
        backend = FallbackBackend(OpenAICompatibleBackend(server.base_url, "internvl2"), local, retry_after_s=0)
        assert "".join(backend.stream([{"role": "user", "content": "x"}])) == "local answer"
        assert backend.active == "local" and "503" in backend.last_error
        assert "".join(backend.stream([{"role": "user", "content": "x"}])) == "server answer"
        assert backend.active == "openai"


def test_malformed_stream_is_a_backend_error():
    with FakeOpenAIServer() as server:
        server.then(raw="data: {not json}\n\n")
        with pytest.raises(BackendError, match="malformed"):
            list(OpenAICompatibleBackend(server.base_url, "m").stream([{"role": "user", "content": "x"}]))
