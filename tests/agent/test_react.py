"""The ReAct loop over lagent: scripted with the fake backend, and one real local-LLM turn."""
import json

import pytest
from lagent.actions import BaseAction, tool_api

from agent.backends import FakeBackend, create_backend
from agent.react import FINISH, JsonStepProtocol, build_react_agent, step_schema
from config import settings_from_env


class WeeklyVolume(BaseAction):
    """Recommended weekly hard sets for one muscle group."""

    __tool_name__ = "WeeklyVolumeTest"

    @tool_api
    def run(self, muscle: str, experience: str) -> dict:
        """Weekly sets by experience.

        Args:
            muscle (str): muscle group, e.g. chest
            experience (str): beginner, intermediate or advanced
        """
        if experience not in ("beginner", "intermediate", "advanced"):
            raise ValueError("experience must be beginner, intermediate or advanced")
        return {"muscle": muscle, "weekly_sets": "6-12" if experience == "beginner" else "10-20"}


def _local_fake(*steps):
    fake = FakeBackend([json.dumps(s) for s in steps])
    fake.name = "local"  # exercise the constrained path
    return fake


def test_schema_lists_tools_and_finish():
    agent, _ = build_react_agent(FakeBackend(), [WeeklyVolume()])
    branches = step_schema(agent._action_executor)["oneOf"]
    assert [b["properties"]["tool"]["const"] for b in branches[:-1]] == ["WeeklyVolumeTest"]
    assert list(branches[-1]["properties"]) == ["reply"]


def test_tool_then_final_answer():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "chest", "experience": "beginner"}},
                       {"reply": "Do 6-12 sets."})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    ret = agent.chat("How many chest sets per week for a beginner?")
    assert ret.response.strip() == "Do 6-12 sets."
    assert "6-12" in ret.actions[0].result[0]["content"]
    assert fake.requests[0]["json_schema"]["oneOf"]  # constrained decoding was requested


def test_tool_errors_go_back_to_the_model():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "pro"}},
                       {"reply": "Tell me your experience."})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    ret = agent.chat("legs?")
    assert "experience must be" in ret.actions[0].errmsg
    assert "Response:experience must be" in fake.requests[1]["messages"][-1]["content"]


def test_repeated_call_is_turned_into_a_final_answer():
    call = {"tool": "WeeklyVolumeTest", "args": {"muscle": "chest", "experience": "beginner"}}
    fake = _local_fake(call, call, {"reply": "6-12"})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    assert agent.chat("chest sets?").response.strip() == "6-12"
    assert [list(b["properties"]) for b in fake.requests[2]["json_schema"]["oneOf"]] == [["reply"]]


def test_local_steps_use_the_short_json_protocol_and_fill_in_known_arguments():
    class Lookup(WeeklyVolume):
        __tool_name__ = "LookupTest"

        @tool_api
        def run(self, muscle: str, lang: str = "en") -> dict:
            """Look a muscle up.

            Args:
                muscle (str): muscle group
                lang (str): reply language
            """
            return {"muscle": muscle, "lang": lang}

    fake = _local_fake({"tool": "LookupTest", "args": {"muscle": "back"}}, {"reply": "ok"})
    agent, llm = build_react_agent(fake, [Lookup()], lang="zh")
    ret = agent.chat([{"role": "system", "content": "persona"}, {"role": "user", "content": "背"}])
    first = fake.requests[0]
    assert isinstance(agent._protocol, JsonStepProtocol)
    assert first["messages"][0]["content"].startswith("persona\n") and "- LookupTest:" in first["messages"][0]["content"]
    assert len([m for m in first["messages"] if m["role"] == "system"]) == 1
    branch = first["json_schema"]["oneOf"][0]["properties"]
    assert "lang" not in branch["args"]["properties"] and "thought" not in branch
    assert ret.actions[0].args == {"muscle": "back", "lang": "zh"} and ret.response == "ok"
    assert json.loads(fake.requests[1]["messages"][-2]["content"])["tool"] == "LookupTest"  # its own JSON step


def test_protocol_parses_json_steps():
    agent, _ = build_react_agent(_local_fake(), [WeeklyVolume()])
    parse = agent._protocol.parse
    ex = agent._action_executor
    assert parse('{"reply": "b"}', ex) == ("", FINISH, "b")
    assert parse('{"tool": "T", "args": {"x": 1}}', ex) == ("", "T", '{"x": 1}')
    assert parse("not json", ex)[1] == ex.no_action.name


def test_answer_from_tool_ends_the_turn_after_a_successful_call():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "pro"}},
                       {"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "beginner"}})
    pieces = []
    agent, _ = build_react_agent(fake, [WeeklyVolume()], on_delta=pieces.append,
                                 answer_from_tool=lambda tool, out: f"{tool}: {out['weekly_sets']} sets\nper week")
    ret = agent.chat("legs?")
    assert ret.response == "WeeklyVolumeTest: 6-12 sets\nper week" == "".join(pieces)
    assert len(fake.requests) == 2  # the failed call went back to the model; the good one ended the turn


@pytest.mark.slow
def test_real_local_llm_full_react_turn_streams_compact_json_steps():
    # the 0.5B model keeps this end-to-end turn short; the 1.5B default is exercised in tests/runtime
    backend = create_backend("local", settings_from_env({"FITNESSLM_LOCAL_LLM": "qwen2.5-coder-0.5b"}))
    pieces = []
    agent, llm = build_react_agent(backend, [WeeklyVolume()], max_turn=2, on_delta=pieces.append)
    llm.max_tokens = 120
    ret = agent.chat("How many chest sets per week should a beginner do? Use the tool.")
    tools_called = [a.type for a in ret.actions]
    assert "WeeklyVolumeTest" in tools_called
    assert all(json.loads(raw) and raw.startswith(('{"tool":"', '{"reply":"')) for raw in llm.raw_steps)  # compact
    if tools_called[-1] == FINISH:  # the answer was streamed as it was generated
        assert "".join(pieces) == ret.response.strip() and len(pieces) > 1


@pytest.mark.slow
def test_real_local_llm_agent_stream_answers_from_the_tool():
    from agent.core import Conversation, FitnessAgent

    backend = create_backend("local", settings_from_env({"FITNESSLM_LOCAL_LLM": "qwen2.5-coder-0.5b"}))
    agent = FitnessAgent(backend, max_turn=2)
    agent.fast_path = False  # embedding router off; a bare follow-up is left to the model by the rules too
    events = list(agent.stream(Conversation(), "hmm, and progressive overload?"))
    turn = events[-1]["turn"]
    assert turn.route == "react" and turn.answer
    assert "".join(e["text"] for e in events if e["type"] == "delta") == turn.answer
    if turn.trace and turn.trace[0]["ok"]:  # a tool answered: its step came before the first delta
        assert events[0]["type"] == "tool"
