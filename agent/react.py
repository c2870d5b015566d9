"""The ReAct loop: lagent's `ReAct` agent over our tools, with each step constrained for small models.

lagent 0.2.4 calls `llm.chat(messages) -> str` and parses "Thought / Action / Action Input / Final
Answer" text. A 0.5-1.5B local model often breaks that format, so `StepLLM` asks the local backend
for one JSON object per step, constrained by a schema built from the tools' own descriptions (the
action name is an enum, the arguments follow that tool's parameters), then renders it in the text
format lagent parses. Server backends (InternVL2 on LMDeploy) get the plain text protocol.
"""
from __future__ import annotations

import json

from lagent.actions import ActionExecutor
from lagent.agents.react import CALL_PROTOCOL_CN, CALL_PROTOCOL_EN, FORCE_STOP_PROMPT_CN, FORCE_STOP_PROMPT_EN
from lagent.agents.react import ReAct, ReActProtocol

FINISH = "FinishAction"
_TYPES = {"STRING": {"type": "string", "maxLength": 200}, "NUMBER": {"type": "number"},
          "FLOAT": {"type": "number"}, "BOOLEAN": {"type": "boolean"},
          "Array": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 6}}


def _arguments_schema(description: dict) -> dict:
    props = {p["name"]: dict(_TYPES.get(p.get("type", "STRING"), _TYPES["STRING"])) for p in description["parameters"]}
    for p in description["parameters"]:
        if p.get("enum"):
            props[p["name"]] = {"enum": p["enum"]}
    return {"type": "object", "properties": props, "required": list(description.get("required", [])),
            "additionalProperties": False}


def step_schema(executor: ActionExecutor, answer_max_chars: int = 600, finish_only: bool = False) -> dict:
    """JSON schema of one ReAct step: a thought, then a tool call or the final answer."""
    branches = []
    for info in ([] if finish_only else executor.get_actions_info()):
        branches.append({"type": "object", "properties": {
            "thought": {"type": "string", "maxLength": 90}, "action": {"const": info["name"]},
            "action_input": _arguments_schema(info)}, "required": ["thought", "action", "action_input"]})
    branches.append({"type": "object", "properties": {
        "thought": {"type": "string", "maxLength": 90}, "action": {"const": FINISH},
        "action_input": {"type": "object", "properties": {"answer": {"type": "string", "maxLength": answer_max_chars}},
                         "required": ["answer"]}}, "required": ["thought", "action", "action_input"]})
    return {"oneOf": branches}


def render_step(step: dict) -> str:
    """A parsed JSON step in the text format lagent's ReActProtocol.parse understands."""
    thought = str(step.get("thought", "")).replace("\n", " ")
    if step.get("action") == FINISH:
        return f"Thought: {thought}\nFinal Answer: {step.get('action_input', {}).get('answer', '')}"
    args = json.dumps(step.get("action_input", {}), ensure_ascii=False)
    return f"Thought: {thought}\nAction: {step['action']}\nAction Input: {args}\n"


class StepLLM:
    """lagent-compatible LLM: one ReAct step per call, JSON-constrained when the backend allows it."""

    def __init__(self, backend, executor: ActionExecutor, constrained: bool | None = None, max_tokens: int = 320):
        self.backend = backend
        self.executor = executor
        self.constrained = backend.name == "local" if constrained is None else constrained
        self.max_tokens = max_tokens
        self.raw_steps: list[str] = []
        self._calls: set[str] = set()

    def chat(self, messages: list[dict], **_) -> str:
        if not self.constrained:
            reply = self.backend.chat(messages, max_tokens=self.max_tokens)
            self.raw_steps.append(reply)
            return reply if "Action:" not in reply or reply.endswith("\n") else reply + "\n"
        raw = self.backend.chat(messages, max_tokens=self.max_tokens, json_schema=step_schema(self.executor))
        self.raw_steps.append(raw)
        try:
            step = json.loads(raw)
            call = json.dumps([step.get("action"), step.get("action_input")], sort_keys=True, ensure_ascii=False)
            if call in self._calls:
                # Small models tend to repeat a call that already answered: ask for the final answer.
                raw = self.backend.chat(messages, max_tokens=self.max_tokens,
                                        json_schema=step_schema(self.executor, finish_only=True))
                self.raw_steps.append(raw)
                step = json.loads(raw)
            self._calls.add(call)
            return render_step(step)
        except (ValueError, KeyError, TypeError):
            return f"Thought: \nFinal Answer: {raw}"  # truncated JSON: show what we have rather than fail


def build_react_agent(backend, actions: list, lang: str = "en", max_turn: int = 4) -> tuple[ReAct, StepLLM]:
    """A lagent ReAct agent over `actions` whose prompts are in the user's language."""
    executor = ActionExecutor(actions=list(actions))
    protocol = ReActProtocol(call_protocol=CALL_PROTOCOL_CN if lang == "zh" else CALL_PROTOCOL_EN,
                             force_stop=FORCE_STOP_PROMPT_CN if lang == "zh" else FORCE_STOP_PROMPT_EN)
    llm = StepLLM(backend, executor)
    return ReAct(llm=llm, action_executor=executor, protocol=protocol, max_turn=max_turn), llm
