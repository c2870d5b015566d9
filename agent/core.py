"""FitnessAgent: one conversation turn, readable top to bottom.

1. Detect the language and remember profile facts the user states (agent/slots.py).
2. Router fast path: a clearly-matched intent calls its tool directly and answers from the result.
3. Otherwise the lagent ReAct loop picks tools (JSON-constrained steps on the local model).
Every turn returns the answer, a trace of tool calls, attachments (GIFs) and which backend answered.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import render
from knowledge.language import detect_language
from .router import Router
from .slots import extract_profile, merge_profile

PROMPTS = yaml.safe_load((Path(__file__).parent / "prompts" / "agent.yaml").read_text(encoding="utf-8"))
GREETING = {"en": "Hi! I'm FitnessLM. Send me a photo of a gym machine, ask for a weekly training plan or a "
                  "nutrition plan, or ask any training or nutrition question.",
            "zh": "你好！我是 FitnessLM。你可以发一张健身器械的照片、让我制定每周训练计划或营养计划，"
                  "也可以问任何训练和营养问题。"}
ASK = {"en": "To build your {what} I still need: {fields}.", "zh": "为了制定{what}，我还需要：{fields}。"}
FIELD_NAMES = {"age": ("age", "年龄"), "days_per_week": ("training days per week", "每周训练天数"),
               "sex": ("sex", "性别"), "height_cm": ("height (cm)", "身高（厘米）"),
               "weight_kg": ("weight (kg)", "体重（公斤）")}
NUTRITION_GOAL = {"fat_loss": "lose", "hypertrophy": "gain"}


@dataclass
class Conversation:
    """What the agent remembers between turns of one user's chat."""

    messages: list[dict] = field(default_factory=list)
    profile: dict = field(default_factory=dict)


@dataclass
class Turn:
    answer: str
    lang: str
    route: str                      # the router's intent, or "react"
    backend: str
    trace: list[dict] = field(default_factory=list)       # {tool, args, ok, ms}
    attachments: list[dict] = field(default_factory=list)  # {type: "gif", path, caption}
    data: dict | None = None        # the tool's full result (plan, recognition...) for the UI
    ms: float = 0.0


class FitnessAgent:
    def __init__(self, backend, kb=None, router: Router | None = None, recognizer=None, max_turn: int = 4):
        from knowledge import load_knowledge
        from runtime.embeddings import get_embedder

        self.backend = backend
        self.kb = kb or load_knowledge()
        self.router = router or Router(get_embedder("use-multilingual"))
        self.recognizer = recognizer
        self.max_turn = max_turn

    def respond(self, conv: Conversation, text: str, image=None) -> Turn:
        start = time.perf_counter()
        text = (text or "").strip()
        lang = detect_language(text, default="zh" if any(m.get("lang") == "zh" for m in conv.messages[-2:]) else "en")
        if not text and image is None:
            return Turn({"en": "Please type a message or attach a photo.", "zh": "请输入内容或上传照片。"}[lang],
                        lang, "empty", "none")
        conv.profile = merge_profile(conv.profile, extract_profile(text))
        route = self.router.route(text, has_image=image is not None)
        intent = route.intent or self._named_equipment(text)  # catalog names beat a vague route
        turn = self._direct(intent, text, image, conv.profile, lang) if intent else None
        if turn is None:
            turn = self._react(conv, text, lang)
        conv.messages += [{"role": "user", "content": text, "lang": lang},
                          {"role": "assistant", "content": turn.answer, "lang": lang}]
        turn.ms = (time.perf_counter() - start) * 1000
        return turn

    def _named_equipment(self, text: str) -> str | None:
        """A message naming a catalog machine ("腿举机怎么用") is about it; one naming an exercise wants its demo."""
        from tools.catalog import find_equipment, find_exercises

        if find_equipment(text, self.kb):
            return "equipment"
        return "gif" if find_exercises(text, self.kb) else None

    # -- fast path ------------------------------------------------------------------------------
    def _direct(self, intent: str, text: str, image, profile: dict, lang: str) -> Turn | None:
        if intent == "small_talk":
            return Turn(GREETING[lang], lang, intent, "none")
        if intent == "unsafe":
            return Turn(PROMPTS["unsafe_reply"][lang], lang, intent, "none")
        handler = getattr(self, f"_{intent}", None)
        return handler(text, image, profile, lang) if handler else None

    def _traced(self, tool: str, args: dict, fn):
        t = time.perf_counter()
        try:
            return fn(), {"tool": tool, "args": args, "ok": True, "ms": round((time.perf_counter() - t) * 1000, 1)}
        except Exception as exc:  # the user sees a clear message; the trace keeps the error
            return exc, {"tool": tool, "args": args, "ok": False, "error": str(exc)[:300],
                         "ms": round((time.perf_counter() - t) * 1000, 1)}

    def _equipment(self, text, image, profile, lang) -> Turn | None:
        from tools.catalog import find_equipment, find_exercises
        from tools.equipment import equipment_card, recognize

        if image is not None:
            if self.recognizer is None:
                return Turn({"en": "Image recognition is not set up.", "zh": "图像识别未配置。"}[lang], lang,
                            "equipment", "none")
            result, step = self._traced("recognize_equipment", {"image": True},
                                        lambda: recognize(image, self.recognizer, self.kb, lang))
            ok = step["ok"] and isinstance(result, dict)
            answer = render.recognition(result, lang) if ok else str(result)
            return Turn(answer, lang, "equipment", "vision", [step], data=result if ok else None)
        ids = find_equipment(text, self.kb) or [eq for ex in find_exercises(text, self.kb)[:1]
                                                for eq in self.kb.exercises[ex].equipment[:1]]
        if not ids:
            return None  # named nothing we know: let the agent ask or search
        card = equipment_card(self.kb, ids[0], lang)
        return Turn(render.equipment_card(card, lang), lang, "equipment", "catalog",
                    [{"tool": "lookup_equipment", "args": {"text": text}, "ok": True, "ms": 0.0}], data=card)

    def _gif(self, text, image, profile, lang) -> Turn:
        from tools.gif_search import search_gifs

        hits, step = self._traced("search_gifs", {"query": text}, lambda: search_gifs(text, 3, lang))
        hits = hits if step["ok"] else []
        attachments = [{"type": "gif", "path": h["path"], "caption": h["caption"], "exercise_id": h["exercise_id"]}
                       for h in hits]
        return Turn(render.gifs(hits, lang), lang, "gif", "index", [step], attachments, data={"hits": hits})

    def _knowledge(self, text, image, profile, lang) -> Turn:
        from tools.knowledge_search import answer_question

        result, step = self._traced("search_knowledge", {"question": text}, lambda: answer_question(text, lang))
        answer = render.knowledge(result, lang) if step["ok"] else step["error"]
        return Turn(answer, lang, "knowledge", "index", [step], data=result if step["ok"] else None)

    def _missing(self, profile: dict, needed: tuple[str, ...], what: tuple[str, str], lang: str) -> Turn | None:
        missing = [f for f in needed if f not in profile]
        if not missing:
            return None
        i = 1 if lang == "zh" else 0
        fields = ("、" if lang == "zh" else ", ").join(FIELD_NAMES[f][i] for f in missing)
        return Turn(ASK[lang].format(what=what[i], fields=fields), lang, "ask", "none")

    def _training_plan(self, text, image, profile, lang) -> Turn:
        from tools.training import plan_training_week, summarize_training

        ask = self._missing(profile, ("age", "days_per_week"), ("training plan", "训练计划"), lang)
        if ask:
            return ask
        args = {"goal": profile.get("goal", "general_health"), "minutes_per_session": 60, "place": "gym",
                **{k: v for k, v in profile.items() if k in ("age", "days_per_week", "minutes_per_session", "goal",
                                                            "experience", "place", "limitations", "sex")}}
        plan, step = self._traced("plan_training", args, lambda: plan_training_week(args, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "training_plan", "planner", [step])
        return Turn(render.training(summarize_training(plan, lang), lang), lang, "training_plan", "planner",
                    [step], data=plan)

    def _nutrition_plan(self, text, image, profile, lang) -> Turn:
        from tools.nutrition import plan_nutrition, summarize_nutrition

        ask = self._missing(profile, ("sex", "age", "height_cm", "weight_kg"), ("nutrition plan", "营养计划"), lang)
        if ask:
            return ask
        args = {k: v for k, v in profile.items() if k in ("sex", "age", "height_cm", "weight_kg", "body_fat_pct", "diet")}
        args["goal"] = NUTRITION_GOAL.get(profile.get("goal"), "maintain")
        plan, step = self._traced("plan_nutrition", args, lambda: plan_nutrition(args, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "nutrition_plan", "planner", [step])
        return Turn(render.nutrition(summarize_nutrition(plan, lang), lang), lang, "nutrition_plan", "planner",
                    [step], data=plan)

    # -- ReAct ----------------------------------------------------------------------------------
    def _react(self, conv: Conversation, text: str, lang: str) -> Turn:
        from tools.gif_search import ExerciseGif
        from tools.knowledge_search import KnowledgeBase
        from tools.nutrition import NutritionPlanner
        from tools.training import TrainingPlanner

        from .react import build_react_agent

        actions = [KnowledgeBase(), ExerciseGif(), TrainingPlanner(self.kb), NutritionPlanner(self.kb)]
        agent, llm = build_react_agent(self.backend, actions, lang, self.max_turn)
        history = [{"role": m["role"], "content": m["content"]} for m in conv.messages[-4:]]
        system = {"role": "system", "content": PROMPTS["system"][lang]}
        try:
            ret = agent.chat([system, *history, {"role": "user", "content": text}])
        except Exception as exc:  # backend down and no fallback: say so plainly
            return Turn({"en": f"The language model is unavailable ({exc}).",
                         "zh": f"语言模型暂不可用（{exc}）。"}[lang], lang, "react", "none")
        trace = [{"tool": a.type, "args": a.args, "ok": not a.errmsg, "error": a.errmsg or ""}
                 for a in ret.actions if a.type != "FinishAction"]
        answer = (ret.response or "").strip() or {"en": "Sorry, I couldn't work that out.", "zh": "抱歉，我没能回答这个问题。"}[lang]
        return Turn(answer, lang, "react", getattr(self.backend, "name", "?"), trace)


def _profile_error(exc, lang: str) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return "\n".join(f"- {field}: {msg.get(lang, msg.get('en'))}" for field, msg in errors.items())
    return str(exc)
