"""The ReAct loop over the toolbox: a generator that reads top to bottom and yields step events.

`run_react` is lagent's ReAct loop (lagent 0.2.4 `agents/react.py`: format the prompt, one model step,
parse it, run the action, append its response; a forced final answer on the last turn) written as a
generator: it yields `{"type": "delta", "text"}` while the answer is generated, `{"type": "tool", "step"}`
when a tool call finishes, and last `{"type": "answer", "text", "attachments", "data"}`. lagent still
formats and parses the steps (its protocols) and runs the tools (its ActionExecutor over the toolbox's
lagent actions, agent/toolbox.py).

Server backends (InternVL2 on LMDeploy) get lagent's text protocol ("Thought / Action / Action Input /
Final Answer"). A 0.5-1.5B local model often breaks that format, so for the local backend each step is
one JSON object constrained by a schema built from the tools' typed inputs: a tool call
`{"tool": "<name>", "args": {...}}` or the answer `{"reply": "..."}` (`JsonStepProtocol`).

Latency on a CPU (measured with bench/agent.py): every generated token costs ~0.2 s for the 1.5B model
on one core, so the local step has no "thought" (the tool choice is the constant; a free-text thought
was ~25 tokens per step), short keys (the answer starts after 3 tokens), arguments the agent already
knows (`lang`) are filled in rather than generated, the JSON is compact (runtime/grammar.py), and the
prompt prefix is the same every turn so llama.cpp reuses its KV cache.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Iterator

import yaml
from lagent.actions import ActionExecutor
from lagent.agents.react import CALL_PROTOCOL_CN, CALL_PROTOCOL_EN, FORCE_STOP_PROMPT_CN, FORCE_STOP_PROMPT_EN
from lagent.agents.react import ReActProtocol

from .streaming import FINISH, FinalAnswerText, StepAnswerDecoder, Trim
from .toolbox import Tool, render_result

PROMPTS = yaml.safe_load((Path(__file__).parent / "prompts" / "agent.yaml").read_text(encoding="utf-8"))
GIVE_UP = "Sorry that I cannot answer your question."   # lagent ReAct's answer when max_turn runs out
MAX_TOKENS = 320    # per model step


def step_schema(tools: list[Tool], answer_max_chars: int = 600, finish_only: bool = False, fixed: tuple = ()) -> dict:
    """JSON schema of one ReAct step: `{"tool": name, "args": its arguments}` or the final answer
    `{"reply": text}`. Inputs named in `fixed` are left out (the agent fills them in)."""
    branches = [{"type": "object", "properties": {"tool": {"const": t.name}, "args": t.arguments_schema(fixed)},
                 "required": ["tool", "args"], "additionalProperties": False} for t in ([] if finish_only else tools)]
    branches.append({"type": "object", "properties": {"reply": {"type": "string", "maxLength": answer_max_chars}},
                     "required": ["reply"], "additionalProperties": False})
    return {"oneOf": branches}


def step_call(step: dict) -> tuple[str, object]:
    """(tool name or FINISH, its arguments or the answer text) of a parsed JSON step."""
    if "reply" in step:
        return FINISH, str(step["reply"])
    return step["tool"], step.get("args") or {}


def tool_lines(tools: list[Tool], lang: str = "en", fixed: tuple = ()) -> str:
    """The tools as the local model's prompt lists them, one line each (Tool.prompt_line)."""
    return "\n".join(t.prompt_line(lang, fixed) for t in tools)


def compact(step: dict) -> str:
    return json.dumps(step, ensure_ascii=False, separators=(",", ":"))


class JsonStepProtocol(ReActProtocol):
    """lagent protocol for JSON steps: one system prompt (persona, tools, step format), JSON parsing.

    The prompt is identical for every turn in a language, so its KV cache is reused across turns.
    """

    def __init__(self, tools: list[Tool], lang: str = "en", fixed: tuple = ()):
        super().__init__(force_stop=FORCE_STOP_PROMPT_CN if lang == "zh" else FORCE_STOP_PROMPT_EN)
        self.tools, self.lang, self.fixed = list(tools), lang, fixed

    def format(self, chat_history, inner_step, action_executor, force_stop=False) -> list:
        steps = list(inner_step)
        persona = steps.pop(0)["content"] + "\n" if steps and steps[0]["role"] == "system" else ""
        prompt = PROMPTS["react_step"][self.lang].replace("{tools}", tool_lines(self.tools, self.lang, self.fixed))
        formatted = [{"role": "system", "content": persona + prompt}, *chat_history, *steps]
        if force_stop:
            formatted.append({"role": "system", "content": self.force_stop})
        return formatted

    def parse(self, message: str, action_executor: ActionExecutor) -> tuple[str, str, str]:
        try:
            action, args = step_call(json.loads(message))
        except (ValueError, KeyError, TypeError, AttributeError):
            return "", action_executor.no_action.name, ""
        if action == FINISH:
            return "", action_executor.finish_action.name, args
        return "", action, json.dumps(args, ensure_ascii=False)


def is_constrained(backend) -> bool:
    """JSON-constrained steps: the local model (server models keep lagent's text protocol)."""
    return getattr(backend, "name", "") == "local"


def react_setup(tools: list[Tool], lang: str, constrained: bool) -> tuple[ReActProtocol, ActionExecutor, dict]:
    """The step protocol, lagent's executor over the tools' actions, and the arguments the agent fills in."""
    executor = ActionExecutor(actions=[t.as_action(lang) for t in tools])
    if constrained:
        fixed = {"lang": lang}  # the agent knows the reply language; the model needn't generate it
        return JsonStepProtocol(tools, lang, tuple(fixed)), executor, fixed
    protocol = ReActProtocol(call_protocol=CALL_PROTOCOL_CN if lang == "zh" else CALL_PROTOCOL_EN,
                             force_stop=FORCE_STOP_PROMPT_CN if lang == "zh" else FORCE_STOP_PROMPT_EN)
    return protocol, executor, {}


def prefix_messages(tools: list[Tool], lang: str, system: dict, constrained: bool = True) -> list[dict]:
    """The fixed start of every step's prompt (protocol and tools, then `system`): warm-up caches it."""
    protocol, executor, _ = react_setup(tools, lang, constrained)
    return protocol.format(chat_history=[], inner_step=[system], action_executor=executor)


def run_react(backend, tools: list[Tool], messages: list[dict], lang: str = "en", max_turn: int = 4,
              answer_from_tools: bool = False, plan: Callable[[Tool], object] | None = None,
              constrained: bool | None = None, max_tokens: int = MAX_TOKENS) -> Iterator[dict]:
    """One ReAct turn over `tools` as events (see the module docstring).

    `answer_from_tools`: a successful call ends the turn with the tool's result rendered like the fast
    path's answers (grounded, one model step sooner on a CPU). `plan(tool)`, for tools whose inputs come
    from the profile (`Tool.profile_inputs`), is the agent's own handler: a Turn planned from what the user
    said, or asking for what is missing, never from arguments the model made up.
    """
    constrained = is_constrained(backend) if constrained is None else constrained
    protocol, executor, fixed = react_setup(tools, lang, constrained)
    by_name = {t.name: t for t in tools}
    inner, calls = list(messages), set()
    for turn in range(max_turn):
        prompt = protocol.format(chat_history=[], inner_step=inner, action_executor=executor,
                                 force_stop=turn == max_turn - 1)
        if constrained:
            raw = yield from _json_step(backend, prompt, tools, calls, fixed, max_tokens)
        else:
            raw = yield from _text_step(backend, prompt, max_tokens)
        inner.append({"role": "assistant", "content": raw})
        _, name, command = protocol.parse(raw, executor)
        if name == executor.finish_action.name:
            yield {"type": "answer", "text": executor(name, command).format_result(), "attachments": [], "data": None}
            return
        tool = by_name.get(name)
        start = time.perf_counter()
        if tool is not None and tool.profile_inputs and plan is not None:
            ret, steps, output = _planned(tool, command, plan)
        else:
            ret = executor(name, command)
            steps = [{"tool": ret.type, "args": ret.args, "ok": not ret.errmsg, "error": ret.errmsg or "",
                      "ms": round((time.perf_counter() - start) * 1000, 1)}]
            output = _output(ret.result) if tool is not None and not ret.errmsg and ret.result else None
        for step in steps:
            yield {"type": "tool", "step": step}
        if answer_from_tools and tool is not None and output is not None:
            answer, attachments, data = _rendered(tool, output, lang)
            if answer:
                for line in answer.splitlines(keepends=True):
                    yield {"type": "delta", "text": line}
                yield {"type": "answer", "text": answer, "attachments": attachments, "data": data}
                return
        inner.append(protocol.format_response(ret))
    yield {"type": "answer", "text": GIVE_UP, "attachments": [], "data": None}


def _json_step(backend, prompt: list[dict], tools: list[Tool], calls: set, fixed: dict, max_tokens: int):
    """One constrained step (its answer text streamed as deltas); returns the step as compact JSON."""
    decoder = StepAnswerDecoder()
    raw = yield from _generate(backend, prompt, step_schema(tools, fixed=tuple(fixed)), decoder, max_tokens)
    try:
        name, args = step_call(json.loads(raw))
        call = json.dumps([name, args], sort_keys=True, ensure_ascii=False)
        if name != FINISH and call in calls:
            # Small models tend to repeat a call that already answered: ask for the final answer.
            decoder = StepAnswerDecoder()
            name, args = step_call(json.loads((yield from _generate(
                backend, prompt, step_schema(tools, finish_only=True), decoder, max_tokens))))
        calls.add(call)
        if name == FINISH:
            return compact({"reply": args})
        tool = next((t for t in tools if t.name == name), None)
        if tool is not None and not tool.profile_inputs:
            args = {**args, **{k: v for k, v in fixed.items() if any(i.name == k for i in tool.inputs)}}
        return compact({"tool": name, "args": args})
    except (ValueError, KeyError, TypeError, AttributeError):
        # Cut off (max_tokens) or malformed: keep the answer text decoded so far, which is what was streamed.
        return compact({"reply": decoder.answer})


def _text_step(backend, prompt: list[dict], max_tokens: int):
    """One text-protocol step (the text after "Final Answer:" streamed as deltas)."""
    reply = yield from _generate(backend, prompt, None, FinalAnswerText(), max_tokens)
    return reply if "Action:" not in reply or reply.endswith("\n") else reply + "\n"


def _generate(backend, prompt: list[dict], json_schema: dict | None, decoder, max_tokens: int):
    """Stream one step from the backend; what `decoder` reads as answer text goes out as deltas."""
    trim, parts = Trim(), []
    for piece in backend.stream(prompt, max_tokens=max_tokens, json_schema=json_schema):
        parts.append(piece)
        delta = trim.feed(decoder.feed(piece))
        if delta:
            yield {"type": "delta", "text": delta}
    return "".join(parts)


def _planned(tool: Tool, command: str, plan: Callable[[Tool], object]):
    """A profile tool answered by the agent's handler: lagent's return for the model, the trace steps, the Turn."""
    from lagent.schema import ActionReturn

    turn = plan(tool)
    try:
        args = json.loads(command)
    except ValueError:
        args = {"text": command}
    steps = turn.trace or [{"tool": tool.name, "args": args, "ok": True, "error": "", "ms": 0.0}]
    return ActionReturn(args=args, type=tool.name, result=[{"type": "text", "content": turn.answer}]), steps, turn


def _rendered(tool: Tool, output, lang: str) -> tuple[str, list[dict], dict | None]:
    """(answer, attachments, data) of a successful call: a handler's Turn as it is, a result rendered."""
    if hasattr(output, "answer") and hasattr(output, "attachments"):   # a Turn from `plan`
        return (output.answer or "").strip(), output.attachments, output.data
    answer, attachments, data = render_result(tool, output, lang)
    return (answer or "").strip(), attachments, data


def _output(result: list) -> object:
    """A tool's output back from lagent's text wrapping (dicts are JSON-dumped there)."""
    text = "".join(str(part.get("content", "")) for part in result if isinstance(part, dict))
    try:
        return json.loads(text)
    except ValueError:
        return text
