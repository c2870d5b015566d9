"""The ReAct loop over lagent: scripted with the fake backend, and one real local-LLM turn."""
import json

import pytest
from lagent.actions import BaseAction, tool_api

from agent.backends import FakeBackend, create_backend
from agent.react import FINISH, build_react_agent, render_step, step_schema
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
    names = [b["properties"]["action"]["const"] for b in step_schema(agent._action_executor)["oneOf"]]
    assert names == ["WeeklyVolumeTest", FINISH]


def test_tool_then_final_answer():
    fake = _local_fake({"thought": "look up", "action": "WeeklyVolumeTest",
                        "action_input": {"muscle": "chest", "experience": "beginner"}},
                       {"thought": "done", "action": FINISH, "action_input": {"answer": "Do 6-12 sets."}})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    ret = agent.chat("How many chest sets per week for a beginner?")
    assert ret.response.strip() == "Do 6-12 sets."
    assert "6-12" in ret.actions[0].result[0]["content"]
    assert fake.requests[0]["json_schema"]["oneOf"]  # constrained decoding was requested


def test_tool_errors_go_back_to_the_model():
    fake = _local_fake({"thought": "x", "action": "WeeklyVolumeTest", "action_input": {"muscle": "legs", "experience": "pro"}},
                       {"thought": "fix", "action": FINISH, "action_input": {"answer": "Tell me your experience."}})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    ret = agent.chat("legs?")
    assert "experience must be" in ret.actions[0].errmsg
    assert "Response:experience must be" in fake.requests[1]["messages"][-1]["content"]


def test_repeated_call_is_turned_into_a_final_answer():
    call = {"thought": "t", "action": "WeeklyVolumeTest", "action_input": {"muscle": "chest", "experience": "beginner"}}
    fake = _local_fake(call, call, {"thought": "t", "action": FINISH, "action_input": {"answer": "6-12"}})
    agent, _ = build_react_agent(fake, [WeeklyVolume()])
    assert agent.chat("chest sets?").response.strip() == "6-12"
    assert [b["properties"]["action"]["const"] for b in fake.requests[2]["json_schema"]["oneOf"]] == [FINISH]


def test_render_step_text_protocol():
    assert render_step({"thought": "a", "action": FINISH, "action_input": {"answer": "b"}}) == "Thought: a\nFinal Answer: b"
    assert "Action Input: {\"x\": 1}" in render_step({"thought": "a", "action": "T", "action_input": {"x": 1}})


@pytest.mark.slow
def test_real_local_llm_full_react_turn():
    # the 0.5B model keeps this end-to-end turn short; the 1.5B default is exercised in tests/runtime
    backend = create_backend("local", settings_from_env({"FITNESSLM_LOCAL_LLM": "qwen2.5-coder-0.5b"}))
    agent, llm = build_react_agent(backend, [WeeklyVolume()], max_turn=2)
    llm.max_tokens = 120
    ret = agent.chat("How many chest sets per week should a beginner do? Use the tool.")
    tools_called = [a.type for a in ret.actions]
    assert "WeeklyVolumeTest" in tools_called
    assert all(json.loads(raw) for raw in llm.raw_steps)  # every step was valid JSON
