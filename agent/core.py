"""FitnessAgent: one conversation turn, readable top to bottom.

The parts live beside it: agent/turn.py (Conversation, Turn), agent/intents.py (rules), agent/safety.py (triage),
agent/handlers.py (one handler per intent), agent/plan_inputs.py (planner inputs), agent/notes.py (what was
understood, safety notes), agent/render.py (tool results as Markdown), agent/react.py (the ReAct loop).

1. Detect the language and remember profile facts the user states (agent/slots.py).
2. Router fast path: a clearly-matched intent calls its tool directly and answers from the result.
3. Otherwise the lagent ReAct loop picks tools (JSON-constrained steps on the local model).
`stream()` yields the turn as events (tool steps, answer deltas, then the Turn); `respond()` is its last event.
Every turn returns the answer, a trace of tool calls, attachments (GIFs) and which backend answered.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import yaml

from knowledge.language import detect_language

from .handlers import ToolHandlers
from .intents import decide, which_plan
from .notes import _add_notes, understood  # noqa: F401  (understood: re-exported for callers)
from .plan_inputs import _meal_slot  # noqa: F401  (re-exported)
from .router import Router
from .safety import triage
from .slots import extract_profile, merge_profile
from .toolbox import REACT_TOOLS, build_toolbox, labelled
from .turn import Conversation, Turn

PROMPTS = yaml.safe_load((Path(__file__).parent / "prompts" / "agent.yaml").read_text(encoding="utf-8"))
GREETING = {"en": "Hi! I'm FitnessLM. Send me a photo of a gym machine, ask for a weekly training plan or a "
                  "nutrition plan, or ask any training or nutrition question.",
            "zh": "你好！我是 FitnessLM。你可以发一张健身器械的照片、让我制定每周训练计划或营养计划，"
                  "也可以问任何训练和营养问题。"}
HISTORY_CHARS = 400  # per earlier message given to the ReAct loop


class FitnessAgent(ToolHandlers):
    def __init__(self, backend, kb=None, router: Router | None = None, recognizer=None, max_turn: int = 4,
                 tool_answers: bool | None = None):
        """`tool_answers`: in the ReAct loop, answer from the tool's result (rendered like the router's
        answers) as soon as a tool call succeeds, instead of a further model step. Default: on for the
        local model (grounded answers with GIFs, ~one model step sooner on a CPU), off for server models."""
        from knowledge import load_knowledge
        from runtime.embeddings import get_embedder

        self.backend = backend
        self.kb = kb or load_knowledge()
        self.router = router or Router(get_embedder("use-multilingual"))
        self.recognizer = recognizer
        self.max_turn = max_turn
        self.tool_answers = tool_answers
        self.toolbox = build_toolbox(self.kb, recognizer)   # agent/toolbox.py: each tool defined once
        self.fast_path = True  # False: no embedding router; what the rules (agent/intents.py) leave open goes to ReAct
        self.rules = True      # False: no intent rules either, every text message goes to ReAct (bench LLM sample)

    def warm_up(self) -> dict:
        """Load the router, the indexes and (local model) the ReAct prompt of both languages, so the
        first real turn doesn't pay for them. Returns seconds per part; call it once at startup."""
        timings = {}
        t = time.perf_counter()
        self.respond(Conversation(), "how much protein do I need per day?")  # router, embedder, RAG index
        timings["router_and_indexes_s"] = round(time.perf_counter() - t, 2)
        if getattr(self.backend, "name", "") == "local":
            from .react import prefix_messages

            for lang in ("en", "zh"):
                t = time.perf_counter()
                # llama.cpp keeps this prefix's KV (and a RAM copy per prompt), so turns reuse it
                self.backend.chat(prefix_messages(self._react_tools(), lang, self._system(lang)), max_tokens=1)
                timings[f"react_prompt_{lang}_s"] = round(time.perf_counter() - t, 2)
        return timings

    def respond(self, conv: Conversation, text: str, image=None) -> Turn:
        """The whole turn at once: the last event of `stream`."""
        for event in self.stream(conv, text, image):
            if event["type"] == "turn":
                return event["turn"]
        raise RuntimeError("the agent's stream ended without a turn")  # pragma: no cover

    def stream(self, conv: Conversation, text: str, image=None) -> Iterator[dict]:
        """One turn as events, for the UI and the API:

        - `{"type": "tool", "step": {tool, args, ok, ms, ...}}` when a tool call finishes;
        - `{"type": "delta", "text": str}` pieces of the answer as they become available (the router's
          answer once its tool has run; the ReAct answer token by token while the model writes it);
        - last, `{"type": "turn", "turn": Turn}`. The deltas concatenate to `turn.answer`, except when a
          backend breaks off mid-answer: then `turn.answer` (the error) is what to show.
        """
        start = time.perf_counter()
        text = (text or "").strip()
        lang = detect_language(text, default="zh" if any(m.get("lang") == "zh" for m in conv.messages[-2:]) else "en")
        if not text and image is None:
            turn = Turn({"en": "Please type a message or attach a photo.", "zh": "请输入内容或上传照片。"}[lang],
                        lang, "empty", "none")
            yield from _deltas(turn.answer)
            yield {"type": "turn", "turn": turn}
            return
        stated = extract_profile(text)
        conv.profile = merge_profile(conv.profile, stated)
        safety = triage(text, conv.profile)   # agent/safety.py: decided before any tool runs
        if safety.category == "red_flag":
            conv.profile["acute_symptoms"] = True
        intent = None
        if safety.blocks:
            turn = Turn(safety.reply(lang, conv.profile), lang, "safety", "none",
                        data={"safety": safety.category, "detail": safety.detail})
        else:
            if image is None and self.rules:   # cue words and stated facts first (agent/intents.py), the embedding router second
                intent = decide(text, stated, conv.profile, {"training": bool(conv.plans.get("training")),
                                                             "nutrition": bool(conv.plans.get("nutrition"))})
                facts = stated.keys() - {"goal", "weight_direction", "limitations"}
                if conv.pending == "which_plan" and intent in (None, "knowledge", "small_talk", "training_plan", "nutrition_plan"):
                    intent = which_plan(text, stated) or intent   # the answer to "training or meals?"
                elif conv.pending and facts and intent in (None, "knowledge", "small_talk", "gif", "muscles"):
                    intent = conv.pending   # the details we asked for: build that plan now
                elif intent in (None, "knowledge") and self._named_equipment(text) == "equipment":
                    intent = "equipment"
            if intent is None and (self.fast_path or image is not None):
                route = self.router.route(text, has_image=image is not None)
                # an unsure route: a catalog name, or the profile facts a planner needs, settle it
                intent = route.intent or self._named_equipment(text) or _planner_evidence(route, stated)
                if intent == "unsafe":   # the triage found nothing unsafe: a look-alike of an unsafe phrase
                    intent = route.runner_up if route.runner_up not in ("unsafe", "small_talk") else "knowledge"
            if intent is None and safety.category in ("pregnancy", "postpartum", "minor", "injury"):
                intent = "knowledge"   # "产后3个月 哺乳 想恢复训练": answered, with this person's guidance on top
            if conv.pending and stated and intent in (None, "small_talk", "knowledge", "gif", "equipment"):
                intent = conv.pending   # the details we asked for ("I'm 30, 4 days a week"): build that plan now
            turn = self._direct(intent, text, image, {**conv.profile, "_asked": conv.asked, "_plans": conv.plans}, lang) \
                if intent else None
        if turn is not None:
            _add_notes(turn, stated, safety, conv.profile, lang)
            for step in turn.trace:
                yield {"type": "tool", "step": labelled(step, self.toolbox)}
            yield from _deltas(turn.answer)
        else:
            holder: list[Turn] = []
            yield from self._react(conv, text, lang, holder)
            turn = holder[0]
        conv.messages += [{"role": "user", "content": text, "lang": lang},
                          {"role": "assistant", "content": turn.answer, "lang": lang}]
        data = turn.data if isinstance(turn.data, dict) else {}
        if data.get("sessions"):
            conv.plans["training"] = data
        elif data.get("targets"):
            conv.plans["nutrition"] = data
        if turn.route == "ask" or (turn.data or {}).get("missing"):
            conv.pending = (turn.data or {}).get("plan")
            conv.asked = sorted(set(conv.asked) | {conv.pending})
        elif turn.route == "safety" and safety.category in ("very_low_calorie", "rapid_loss"):
            conv.pending = "nutrition_plan"   # the safe plan we offered is built from the next reply
        else:
            conv.pending = None
        turn.ms = (time.perf_counter() - start) * 1000
        yield {"type": "turn", "turn": turn}

    # -- fast path ------------------------------------------------------------------------------
    def _direct(self, intent: str, text: str, image, profile: dict, lang: str) -> Turn | None:
        if intent == "small_talk":
            return Turn(GREETING[lang], lang, intent, "none")
        if intent == "unsafe":
            return Turn(PROMPTS["unsafe_reply"][lang], lang, intent, "none")
        handler = getattr(self, f"_{intent}", None)
        return handler(text, image, profile, lang) if handler else None

    # -- ReAct ----------------------------------------------------------------------------------
    def _react_tools(self) -> list:
        """The toolbox's tools the model may call, in prompt order."""
        return [self.toolbox[name] for name in REACT_TOOLS]

    @staticmethod
    def _system(lang: str) -> dict:
        return {"role": "system", "content": PROMPTS["system"][lang]}

    def _react(self, conv: Conversation, text: str, lang: str, holder: list) -> Iterator[dict]:
        """The ReAct loop's events (agent/react.py), passed on as they come; the finished Turn is
        appended to `holder`."""
        from .react import run_react

        local = getattr(self.backend, "name", "") == "local"
        use_tool_answers = local if self.tool_answers is None else self.tool_answers

        def plan(tool) -> Turn:
            # The plan comes from what the user said (conv.profile, as on the fast path), asking for what
            # is missing, never from arguments the model filled in by itself.
            return getattr(self, f"_{tool.intent}")(text, None, {**conv.profile, "_asked": conv.asked}, lang)

        # earlier turns, shortened: a rendered plan is long and every token is prompt work on a CPU
        history = [{"role": m["role"], "content": _clip(m["content"], HISTORY_CHARS)} for m in conv.messages[-4:]]
        messages = [self._system(lang), *history, {"role": "user", "content": text}]
        streamed, trace, result = [], [], {}
        try:
            for event in run_react(self.backend, self._react_tools(), messages, lang, self.max_turn,
                                   answer_from_tools=use_tool_answers, plan=plan):
                if event["type"] == "answer":
                    result = event
                    continue
                if event["type"] == "delta":
                    streamed.append(event["text"])
                else:
                    trace.append(labelled(event["step"], self.toolbox))
                yield event
            answer = (result["text"] or "").strip() or {
                "en": "Sorry, I couldn't work that out.", "zh": "抱歉，我没能回答这个问题。"}[lang]
            backend = getattr(self.backend, "name", "?")
        except Exception as exc:  # backend down and no fallback: the answer says so
            answer = {"en": f"The language model is unavailable ({exc}).", "zh": f"语言模型暂不可用（{exc}）。"}[lang]
            backend = "none"
        if not streamed:  # nothing was streamed (no answer step, lagent's give-up, an error): send it now
            yield from _deltas(answer)
        holder.append(Turn(answer, lang, "react", backend, trace, result.get("attachments") or [], result.get("data")))


def _planner_evidence(route, stated: dict) -> str | None:
    """A message that states the inputs of a planner among the two closest intents asks for that plan
    ("男，40岁，172厘米，85公斤，每天吃多少热量" is close to knowledge too). Never overrides a closest "unsafe"."""
    top = (route.best, route.runner_up)
    if route.best == "unsafe":
        return None
    if {"height_cm", "weight_kg"} <= stated.keys() and "nutrition_plan" in top:
        return "nutrition_plan"
    if "days_per_week" in stated and "training_plan" in top:
        return "training_plan"
    return None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _deltas(answer: str) -> Iterator[dict]:
    """A ready answer as deltas, a line at a time (the UI renders Markdown progressively)."""
    for line in answer.splitlines(keepends=True):
        yield {"type": "delta", "text": line}
