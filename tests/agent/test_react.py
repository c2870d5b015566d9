"""The ReAct loop (agent/react.py): a generator of step events over toolbox Tools, scripted with the fake
backend, and one real local-LLM turn."""
import json

import pytest

from agent.backends import FakeBackend, create_backend
from agent.react import FINISH, GIVE_UP, JsonStepProtocol, react_setup, run_react, step_schema
from agent.toolbox import Input, Tool, ToolError
from agent.turn import Turn
from config import settings_from_env


def _weekly_sets(muscle: str, experience: str) -> dict:
    if experience not in ("beginner", "intermediate", "advanced"):
        raise ValueError("experience must be beginner, intermediate or advanced")
    return {"muscle": muscle, "weekly_sets": "6-12" if experience == "beginner" else "10-20"}


WEEKLY = Tool("WeeklyVolumeTest", {"en": "recommended weekly hard sets for one muscle group", "zh": "每个肌群每周的组数"},
              {"en": "Weekly volume", "zh": "每周训练量"},
              (Input("muscle", str, {"en": "muscle group, e.g. chest", "zh": "肌群，例如胸"}),
               Input("experience", str, {"en": "beginner, intermediate or advanced", "zh": "训练经验"})),
              _weekly_sets, render=lambda out, lang: (f"WeeklyVolumeTest: {out['weekly_sets']} sets\nper week", [], out))


def _local_fake(*steps):
    fake = FakeBackend([json.dumps(s) for s in steps])
    fake.name = "local"  # exercise the constrained path
    return fake


def _run(fake, tools, text, **kw) -> tuple[str, list[dict], list[dict]]:
    """(answer, tool steps, all events) of one loop."""
    messages = text if isinstance(text, list) else [{"role": "user", "content": text}]
    events = list(run_react(fake, tools, messages, **kw))
    assert events[-1]["type"] == "answer" and [e["type"] for e in events].count("answer") == 1
    return events[-1]["text"], [e["step"] for e in events if e["type"] == "tool"], events


def test_schema_lists_tools_and_finish():
    branches = step_schema([WEEKLY])["oneOf"]
    assert [b["properties"]["tool"]["const"] for b in branches[:-1]] == ["WeeklyVolumeTest"]
    assert branches[0]["properties"]["args"]["required"] == ["muscle", "experience"]
    assert list(branches[-1]["properties"]) == ["reply"]


def test_tool_then_final_answer():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "chest", "experience": "beginner"}},
                       {"reply": "Do 6-12 sets."})
    answer, steps, events = _run(fake, [WEEKLY], "How many chest sets per week for a beginner?")
    assert answer.strip() == "Do 6-12 sets." == "".join(e["text"] for e in events if e["type"] == "delta")
    assert steps[0]["tool"] == "WeeklyVolumeTest" and steps[0]["ok"] and steps[0]["ms"] >= 0
    assert "6-12" in fake.requests[1]["messages"][-1]["content"]  # the tool's result went back to the model
    assert fake.requests[0]["json_schema"]["oneOf"]  # constrained decoding was requested


def test_tool_errors_go_back_to_the_model():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "pro"}},
                       {"reply": "Tell me your experience."})
    answer, steps, _ = _run(fake, [WEEKLY], "legs?")
    assert not steps[0]["ok"] and "experience must be" in steps[0]["error"]
    assert "Response:experience must be" in fake.requests[1]["messages"][-1]["content"]
    assert answer == "Tell me your experience."


def test_a_tool_error_the_model_can_fix_is_an_args_error():
    def forward(muscle: str) -> dict:
        raise ToolError(f"no muscle called {muscle!r}; name one")

    tool = Tool("MuscleTest", {"en": "a muscle", "zh": "肌肉"}, {"en": "Muscle", "zh": "肌肉"},
                (Input("muscle", str, {"en": "muscle", "zh": "肌肉"}),), forward)
    fake = _local_fake({"tool": "MuscleTest", "args": {"muscle": "x"}}, {"reply": "Which muscle?"})
    _, steps, _ = _run(fake, [tool], "x?")
    assert steps[0]["error"] == "no muscle called 'x'; name one"


def test_repeated_call_is_turned_into_a_final_answer():
    call = {"tool": "WeeklyVolumeTest", "args": {"muscle": "chest", "experience": "beginner"}}
    fake = _local_fake(call, call, {"reply": "6-12"})
    assert _run(fake, [WEEKLY], "chest sets?")[0].strip() == "6-12"
    assert [list(b["properties"]) for b in fake.requests[2]["json_schema"]["oneOf"]] == [["reply"]]


def test_local_steps_use_the_short_json_protocol_and_fill_in_known_arguments():
    lookup = Tool("LookupTest", {"en": "look a muscle up", "zh": "查肌肉"}, {"en": "Lookup", "zh": "查询"},
                  (Input("muscle", str, {"en": "muscle group", "zh": "肌群"}),
                   Input("lang", str, {"en": "reply language", "zh": "回复语言"}, "en")),
                  lambda muscle, lang: {"muscle": muscle, "lang": lang})
    fake = _local_fake({"tool": "LookupTest", "args": {"muscle": "back"}}, {"reply": "ok"})
    answer, steps, _ = _run(fake, [lookup], [{"role": "system", "content": "persona"}, {"role": "user", "content": "背"}],
                            lang="zh")
    first = fake.requests[0]
    assert first["messages"][0]["content"].startswith("persona\n") and "- LookupTest:" in first["messages"][0]["content"]
    assert len([m for m in first["messages"] if m["role"] == "system"]) == 1
    branch = first["json_schema"]["oneOf"][0]["properties"]
    assert "lang" not in branch["args"]["properties"] and "thought" not in branch
    assert steps[0]["args"] == {"muscle": "back", "lang": "zh"} and answer == "ok"
    assert json.loads(fake.requests[1]["messages"][-2]["content"])["tool"] == "LookupTest"  # its own JSON step


def test_protocol_parses_json_steps():
    protocol, executor, _ = react_setup([WEEKLY], "en", constrained=True)
    assert isinstance(protocol, JsonStepProtocol)
    assert protocol.parse('{"reply": "b"}', executor) == ("", FINISH, "b")
    assert protocol.parse('{"tool": "T", "args": {"x": 1}}', executor) == ("", "T", '{"x": 1}')
    assert protocol.parse("not json", executor)[1] == executor.no_action.name


def test_answer_from_tools_ends_the_turn_after_a_successful_call():
    fake = _local_fake({"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "pro"}},
                       {"tool": "WeeklyVolumeTest", "args": {"muscle": "legs", "experience": "beginner"}})
    answer, steps, events = _run(fake, [WEEKLY], "legs?", answer_from_tools=True)
    assert answer == "WeeklyVolumeTest: 6-12 sets\nper week" == "".join(e["text"] for e in events if e["type"] == "delta")
    assert events[-1]["data"]["weekly_sets"] == "6-12" and [s["ok"] for s in steps] == [False, True]
    assert len(fake.requests) == 2  # the failed call went back to the model; the good one ended the turn


def test_running_out_of_turns_gives_up_after_a_forced_final_step():
    fake = _local_fake(*[{"tool": "WeeklyVolumeTest", "args": {"muscle": m, "experience": "pro"}} for m in "abc"])
    answer, steps, _ = _run(fake, [WEEKLY], "?", max_turn=3)
    assert answer == GIVE_UP and len(steps) == 3
    assert fake.requests[-1]["messages"][-1]["role"] == "system" and fake.requests[0]["messages"][-1]["role"] == "user"


def test_profile_tools_are_planned_by_the_agent_not_from_the_models_arguments():
    planner = Tool("PlanTest", {"en": "plan", "zh": "计划"}, {"en": "Plan", "zh": "计划"},
                   (Input("days", int, {"en": "days", "zh": "天数"}),), lambda days: {"days": days}, profile_inputs=True)
    assert step_schema([planner])["oneOf"][0]["properties"]["args"] == {"type": "object", "properties": {},
                                                                       "additionalProperties": False}
    asked = []

    def plan(tool):
        asked.append(tool.name)
        return Turn("How many days a week?", "en", "ask", "none")

    fake = FakeBackend(['Thought: t\nAction: PlanTest\nAction Input: {"days": 9}', "Thought: t\nFinal Answer: Tell me."])
    answer, steps, _ = _run(fake, [planner], "plan me", plan=plan)
    assert asked == ["PlanTest"] and steps == [{"tool": "PlanTest", "args": {"days": 9}, "ok": True, "error": "", "ms": 0.0}]
    assert "Response:How many days a week?" in fake.requests[1]["messages"][-1]["content"] and answer.strip() == "Tell me."


def test_server_models_get_lagents_text_protocol_with_the_tools_in_their_language():
    fake = FakeBackend(["Thought: easy\nFinal Answer: 你好"])
    answer, steps, _ = _run(fake, [WEEKLY], "你好", lang="zh")
    system = fake.requests[0]["messages"][0]["content"]
    assert "WeeklyVolumeTest" in system and "每个肌群每周的组数" in system and fake.requests[0]["json_schema"] is None
    assert answer.strip() == "你好" and not steps


class _Recording:
    """A backend that keeps each streamed step whole, to check what the model wrote."""

    def __init__(self, backend):
        self.backend, self.name, self.raw_steps = backend, backend.name, []

    def stream(self, *args, **kwargs):
        parts = []
        for piece in self.backend.stream(*args, **kwargs):
            parts.append(piece)
            yield piece
        self.raw_steps.append("".join(parts))


@pytest.mark.slow
def test_real_local_llm_full_react_turn_streams_compact_json_steps():
    # the 0.5B model keeps this end-to-end turn short; the 1.5B default is exercised in tests/runtime
    backend = _Recording(create_backend("local", settings_from_env({"FITNESSLM_LOCAL_LLM": "qwen2.5-coder-0.5b"})))
    messages = [{"role": "user", "content": "How many chest sets per week should a beginner do? Use the tool."}]
    events = list(run_react(backend, [WEEKLY], messages, max_turn=2, max_tokens=120))
    assert "WeeklyVolumeTest" in [e["step"]["tool"] for e in events if e["type"] == "tool"]
    assert all(json.loads(raw) and raw.startswith(('{"tool":"', '{"reply":"')) for raw in backend.raw_steps)  # compact
    pieces = [e["text"] for e in events if e["type"] == "delta"]
    if backend.raw_steps[-1].startswith('{"reply"'):  # the answer was streamed as it was generated
        assert "".join(pieces) == events[-1]["text"].strip() and len(pieces) > 1


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
    turn = agent.respond(Conversation(), "腿举机怎么用")
    assert turn.route == "equipment" and turn.data["id"] == "leg_press_machine"
