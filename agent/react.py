"""The ReAct loop: lagent's `ReAct` agent over our tools, with each step constrained for small models.

lagent 0.2.4 calls `llm.chat(messages) -> str` and parses the step with its protocol. Server backends
(InternVL2 on LMDeploy) get lagent's text protocol ("Thought / Action / Action Input / Final Answer").
A 0.5-1.5B local model often breaks that format, so for the local backend `StepLLM` asks for one JSON
object per step, constrained by a schema built from the tools' own descriptions: a tool call
`{"tool": "<name>", "args": {...that tool's parameters}}` or the answer `{"reply": "..."}`.
`JsonStepProtocol` gives the model a short prompt listing the tools and parses its JSON steps.

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
from typing import Callable

import yaml
from lagent.actions import ActionExecutor
from lagent.agents.react import CALL_PROTOCOL_CN, CALL_PROTOCOL_EN, FORCE_STOP_PROMPT_CN, FORCE_STOP_PROMPT_EN
from lagent.agents.react import ReAct, ReActProtocol
from lagent.schema import ActionReturn

from .streaming import FINISH, FinalAnswerText, StepAnswerDecoder, Trim

PROMPTS = yaml.safe_load((Path(__file__).parent / "prompts" / "agent.yaml").read_text(encoding="utf-8"))
_TYPES = {"STRING": {"type": "string", "maxLength": 200}, "NUMBER": {"type": "number"},
          "FLOAT": {"type": "number"}, "BOOLEAN": {"type": "boolean"},
          "Array": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 6}}


def _arguments_schema(description: dict, fixed: tuple = ()) -> dict:
    params = [p for p in description["parameters"] if p["name"] not in fixed]
    props = {p["name"]: dict(_TYPES.get(p.get("type", "STRING"), _TYPES["STRING"])) for p in params}
    for p in params:
        if p.get("enum"):
            props[p["name"]] = {"enum": p["enum"]}
    return {"type": "object", "properties": props,
            "required": [r for r in description.get("required", []) if r not in fixed], "additionalProperties": False}


def step_schema(executor: ActionExecutor, answer_max_chars: int = 600, finish_only: bool = False,
                fixed: tuple = (), argless: tuple = ()) -> dict:
    """JSON schema of one ReAct step: `{"tool": name, "args": its arguments}` or the final answer
    `{"reply": text}`. Parameters named in `fixed` are left out, and tools named in `argless` take `{}`
    (the agent fills those in)."""
    branches = []
    for info in ([] if finish_only else executor.get_actions_info()):
        args = ({"type": "object", "properties": {}, "additionalProperties": False} if info["name"] in argless
                else _arguments_schema(info, fixed))
        branches.append({"type": "object", "properties": {"tool": {"const": info["name"]}, "args": args},
                         "required": ["tool", "args"], "additionalProperties": False})
    branches.append({"type": "object", "properties": {"reply": {"type": "string", "maxLength": answer_max_chars}},
                     "required": ["reply"], "additionalProperties": False})
    return {"oneOf": branches}


def step_call(step: dict) -> tuple[str, object]:
    """(tool name or FINISH, its arguments or the answer text) of a parsed JSON step."""
    if "reply" in step:
        return FINISH, str(step["reply"])
    return step["tool"], step.get("args") or {}


def tool_lines(executor: ActionExecutor, lang: str = "en", fixed: tuple = (), argless: tuple = ()) -> str:
    """One short line per tool: name, when to use it (prompts/agent.yaml tool_hints, else its
    description), its arguments (required ones first; none for `argless` tools)."""
    lines = []
    for info in executor.get_actions_info():
        hint = PROMPTS.get("tool_hints", {}).get(info["name"], {}).get(lang) or info["description"]
        required = info.get("required", [])
        params = sorted((p for p in info["parameters"] if p["name"] not in fixed),
                        key=lambda p: p["name"] not in required)
        args = "; ".join(f"{p['name']}{'' if p['name'] in required else '?'}: {p.get('description', '')}"
                         for p in params)
        hint += "" if hint[-1] in ".。)）" else "."
        lines.append(f"- {info['name']}: {hint}" + ("" if info["name"] in argless or not args else f" Arguments: {args}"))
    return "\n".join(lines)


def compact(step: dict) -> str:
    return json.dumps(step, ensure_ascii=False, separators=(",", ":"))


class JsonStepProtocol(ReActProtocol):
    """lagent protocol for JSON steps: one system prompt (persona, tools, step format), JSON parsing.

    The prompt is identical for every turn in a language, so its KV cache is reused across turns.
    """

    def __init__(self, lang: str = "en", fixed: tuple = (), argless: tuple = ()):
        super().__init__(force_stop=FORCE_STOP_PROMPT_CN if lang == "zh" else FORCE_STOP_PROMPT_EN)
        self.lang, self.fixed, self.argless = lang, fixed, argless

    def format(self, chat_history, inner_step, action_executor, force_stop=False) -> list:
        steps = list(inner_step)
        persona = steps.pop(0)["content"] + "\n" if steps and steps[0]["role"] == "system" else ""
        tools = tool_lines(action_executor, self.lang, self.fixed, self.argless)
        prompt = PROMPTS["react_step"][self.lang].replace("{tools}", tools)
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


class TracedExecutor(ActionExecutor):
    """lagent's executor that also reports each finished tool call: {tool, args, ok, error, ms}.

    `override(tool, command)` may answer a call itself (an object with `answer` and `trace`, e.g. the
    agent's own planner handler that uses the remembered profile and asks for missing fields rather
    than trusting arguments a small model made up); None lets the tool run.
    """

    def __init__(self, actions: list, on_step: Callable[[dict], None] | None = None,
                 override: Callable[[str, str], object | None] | None = None):
        super().__init__(actions=list(actions))
        self.on_step = on_step
        self.override = override
        self.trace: list[dict] = []
        self.results: list[tuple[str, object]] = []  # (tool, its output) of each successful call

    def _overridden(self, name: str, command: str):
        answered = self.override(name, command) if self.override and name in self.actions else None
        if answered is None:
            return None
        try:
            args = json.loads(command)
        except ValueError:
            args = {"text": command}
        steps = answered.trace or [{"tool": name, "args": args, "ok": True, "error": "", "ms": 0.0}]
        for step in steps:
            self.trace.append(step)
            if self.on_step:
                self.on_step(step)
        self.results.append((name, answered))
        return ActionReturn(args=args, type=name, result=[{"type": "text", "content": answered.answer}])

    def __call__(self, name: str, command: str):
        start = time.perf_counter()
        ret = self._overridden(name, command)
        if ret is not None:
            return ret
        ret = super().__call__(name, command)
        if ret.type != self.finish_action.name:
            step = {"tool": ret.type, "args": ret.args, "ok": not ret.errmsg, "error": ret.errmsg or "",
                    "ms": round((time.perf_counter() - start) * 1000, 1)}
            self.trace.append(step)
            if step["ok"] and name in self.actions and ret.result:
                self.results.append((ret.type, _output(ret.result)))
            if self.on_step:
                self.on_step(step)
        return ret


class StepLLM:
    """lagent-compatible LLM: one ReAct step per call, JSON-constrained when the backend allows it.

    With `on_delta`, steps are streamed from the backend and the final answer's text is passed to
    `on_delta` piece by piece while it is generated (stripped as lagent's answer will be).
    """

    def __init__(self, backend, executor: ActionExecutor, constrained: bool | None = None, max_tokens: int = 320,
                 on_delta: Callable[[str], None] | None = None, fixed_args: dict | None = None,
                 answer_from_tool: Callable[[str, object], str | None] | None = None, argless: tuple = ()):
        self.backend = backend
        self.executor = executor
        self.constrained = backend.name == "local" if constrained is None else constrained
        self.max_tokens = max_tokens
        self.on_delta = on_delta
        self.fixed_args = dict(fixed_args or {})
        self.answer_from_tool = answer_from_tool
        self.argless = argless
        self._params = {info["name"]: {p["name"] for p in info["parameters"]} for info in executor.get_actions_info()}
        self.raw_steps: list[str] = []
        self._calls: set[str] = set()
        self._seen_results = 0

    def _generate(self, messages: list[dict], json_schema: dict | None, decoder) -> str:
        """One step from the backend; its answer text goes through `decoder` (and out, when streaming)."""
        if self.on_delta is None:
            raw = self.backend.chat(messages, max_tokens=self.max_tokens, json_schema=json_schema)
            decoder.feed(raw)
        else:
            trim, parts = Trim(), []
            for piece in self.backend.stream(messages, max_tokens=self.max_tokens, json_schema=json_schema):
                parts.append(piece)
                delta = trim.feed(decoder.feed(piece))
                if delta:
                    self.on_delta(delta)
            raw = "".join(parts)
        self.raw_steps.append(raw)
        return raw

    def _tool_answer(self) -> str | None:
        """The answer rendered from the tool call that just succeeded, when `answer_from_tool` gives one."""
        results = getattr(self.executor, "results", [])
        fresh, self._seen_results = results[self._seen_results:], len(results)
        if not (self.answer_from_tool and fresh):
            return None
        tool, result = fresh[-1]
        answer = (self.answer_from_tool(tool, result) or "").strip()
        if answer and self.on_delta:
            for line in answer.splitlines(keepends=True):
                self.on_delta(line)
        return answer or None

    def chat(self, messages: list[dict], **_) -> str:
        answer = self._tool_answer()
        if answer is not None:
            return self._finish(answer)
        if not self.constrained:
            reply = self._generate(messages, None, FinalAnswerText())
            return reply if "Action:" not in reply or reply.endswith("\n") else reply + "\n"
        fixed = tuple(self.fixed_args)
        decoder = StepAnswerDecoder()
        raw = self._generate(messages, step_schema(self.executor, fixed=fixed, argless=self.argless), decoder)
        try:
            tool, args = step_call(json.loads(raw))
            call = json.dumps([tool, args], sort_keys=True, ensure_ascii=False)
            if tool != FINISH and call in self._calls:
                # Small models tend to repeat a call that already answered: ask for the final answer.
                decoder = StepAnswerDecoder()
                tool, args = step_call(json.loads(
                    self._generate(messages, step_schema(self.executor, finish_only=True), decoder)))
            self._calls.add(call)
            if tool == FINISH:
                return compact({"reply": args})
            if tool not in self.argless:
                params = self._params.get(tool, set())
                args = {**args, **{k: v for k, v in self.fixed_args.items() if k in params}}
            return compact({"tool": tool, "args": args})
        except (ValueError, KeyError, TypeError, AttributeError):
            # Cut off (max_tokens) or malformed: keep the answer text decoded so far, which is what was streamed.
            return self._finish(decoder.answer)

    def _finish(self, answer: str) -> str:
        if self.constrained:
            return compact({"reply": answer})
        return f"Thought: \nFinal Answer: {answer}"


def build_react_agent(backend, actions: list, lang: str = "en", max_turn: int = 4,
                      on_delta: Callable[[str], None] | None = None,
                      on_step: Callable[[dict], None] | None = None,
                      answer_from_tool: Callable[[str, object], str | None] | None = None,
                      constrained: bool | None = None,
                      override: Callable[[str, str], object | None] | None = None,
                      argless: tuple = ()) -> tuple[ReAct, StepLLM]:
    """A lagent ReAct agent over `actions` whose prompts are in the user's language.

    `on_delta(text)` receives the final answer while it is generated; `on_step(step)` each finished tool
    call. `answer_from_tool(tool, result)`, when it returns text, ends the turn with that answer right
    after a successful tool call instead of another model step (the local model's answers come from the
    tools' renderers: grounded, and one step sooner). `override`: see TracedExecutor; tools in `argless`
    are called with `{}` by the local model (the override supplies what they need). Constrained JSON
    steps default to the local backend.
    """
    executor = TracedExecutor(actions, on_step, override)
    constrained = backend.name == "local" if constrained is None else constrained
    if constrained:
        fixed = {"lang": lang}  # the agent knows the reply language; the model needn't generate it
        protocol = JsonStepProtocol(lang, tuple(fixed), argless)
    else:
        fixed = {}
        protocol = ReActProtocol(call_protocol=CALL_PROTOCOL_CN if lang == "zh" else CALL_PROTOCOL_EN,
                                 force_stop=FORCE_STOP_PROMPT_CN if lang == "zh" else FORCE_STOP_PROMPT_EN)
    llm = StepLLM(backend, executor, constrained, on_delta=on_delta, fixed_args=fixed,
                  answer_from_tool=answer_from_tool, argless=argless if constrained else ())
    return ReAct(llm=llm, action_executor=executor, protocol=protocol, max_turn=max_turn), llm


def prefix_messages(agent: ReAct, system: dict) -> list[dict]:
    """The fixed start of every step's prompt for this agent (protocol and tools, then `system`)."""
    return agent._protocol.format(chat_history=[], inner_step=[system], action_executor=agent._action_executor)


def _output(result: list) -> object:
    """A tool's output back from lagent's text wrapping (dicts are JSON-dumped there)."""
    text = "".join(str(part.get("content", "")) for part in result if isinstance(part, dict))
    try:
        return json.loads(text)
    except ValueError:
        return text
