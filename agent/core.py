"""FitnessAgent: one conversation turn, readable top to bottom.

1. Detect the language and remember profile facts the user states (agent/slots.py).
2. Router fast path: a clearly-matched intent calls its tool directly and answers from the result.
3. Otherwise the lagent ReAct loop picks tools (JSON-constrained steps on the local model).
`stream()` yields the turn as events (tool steps, answer deltas, then the Turn); `respond()` is its last event.
Every turn returns the answer, a trace of tool calls, attachments (GIFs) and which backend answered.
"""
from __future__ import annotations

import queue
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from . import render
from knowledge.language import detect_language
from .compose import knowledge_answer
from .intents import decide
from .numbers import cn_to_int
from .router import Router
from .safety import triage
from .slots import extract_profile, merge_profile

PROMPTS = yaml.safe_load((Path(__file__).parent / "prompts" / "agent.yaml").read_text(encoding="utf-8"))
GREETING = {"en": "Hi! I'm FitnessLM. Send me a photo of a gym machine, ask for a weekly training plan or a "
                  "nutrition plan, or ask any training or nutrition question.",
            "zh": "你好！我是 FitnessLM。你可以发一张健身器械的照片、让我制定每周训练计划或营养计划，"
                  "也可以问任何训练和营养问题。"}
ASK = {"en": "To build your {what} I still need: {fields} — for example {example}.",
       "zh": "为了制定{what}，我还需要：{fields}，例如{example}。"}
ASK_EXAMPLE = {"training_plan": ('"build muscle, 3 days a week, 45 min, home with dumbbells"', "“增肌，每周3天，每次45分钟，在家有哑铃”"),
               "nutrition_plan": ('"female, 30, 165 cm, 60 kg"', "“女，30岁，165厘米，60公斤”")}
FIELD_NAMES = {"age": ("age", "年龄"), "days_per_week": ("training days per week", "每周训练天数"),
               "sex": ("sex", "性别"), "height_cm": ("height", "身高"), "goal": ("your goal", "目标"),
               "minutes_per_session": ("minutes per session", "每次训练时长"), "place": ("where you train / equipment", "训练地点或器械"),
               "weight_kg": ("weight", "体重")}
TRAINING_NEEDS = ("goal", "days_per_week", "minutes_per_session", "place")
TRAINING_DEFAULTS = {"goal": "general_health", "days_per_week": 3, "minutes_per_session": 45, "place": "gym"}
NUTRITION_NEEDS = ("sex", "age", "height_cm", "weight_kg")
ASSUMED_ADULT = {"en": "Assuming you are an adult — tell me your age if you are under 18 or over 65.",
                 "zh": "默认你是成年人——如果你未满 18 岁或超过 65 岁，请告诉我年龄。"}
ASSUMED = {"en": "I assumed {what}; tell me if that's wrong.", "zh": "我默认了{what}，如果不对请告诉我。"}
PLAN_NAMES = {"training_plan": ("training plan", "训练计划"), "nutrition_plan": ("nutrition plan", "营养计划")}
NUTRITION_GOAL = {"fat_loss": "lose", "hypertrophy": "gain"}
HISTORY_CHARS = 400  # per earlier message given to the ReAct loop
PROFILE_TOOLS = ("TrainingPlanner", "NutritionPlanner")  # ReAct calls answered from the remembered profile


@dataclass
class Conversation:
    """What the agent remembers between turns of one user's chat."""

    messages: list[dict] = field(default_factory=list)
    profile: dict = field(default_factory=dict)
    pending: str | None = None      # the plan we asked details for ("training_plan"/"nutrition_plan")
    asked: list = field(default_factory=list)   # plans we already asked details for (ask once)
    plans: dict = field(default_factory=dict)   # the last plan of each kind ("training"/"nutrition"), for edits


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
            from .react import build_react_agent, prefix_messages

            for lang in ("en", "zh"):
                t = time.perf_counter()
                agent, _ = build_react_agent(self.backend, self._actions(), lang, self.max_turn, argless=PROFILE_TOOLS)
                # llama.cpp keeps this prefix's KV (and a RAM copy per prompt), so turns reuse it
                self.backend.chat(prefix_messages(agent, self._system(lang)), max_tokens=1)
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
                if conv.pending and facts and intent in (None, "knowledge", "small_talk", "gif", "muscles"):
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
                yield {"type": "tool", "step": step}
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

        from tools.knowledge_search import search_knowledge

        def lookup() -> dict:
            composed = knowledge_answer(text, search_knowledge(text, 4, lang), lang)
            return composed if composed["found"] else answer_question(text, lang)

        result, step = self._traced("search_knowledge", {"question": text}, lookup)
        answer = render.knowledge(result, lang) if step["ok"] else step["error"]
        return Turn(answer, lang, "knowledge", "index", [step], data=result if step["ok"] else None)

    def _muscles(self, text, image, profile, lang) -> Turn | None:
        """What an exercise trains, from the catalog (primary, then secondary muscles), with its demo."""
        from tools.catalog import find_exercises

        ids = find_exercises(text, self.kb) or _exercise_by_movement(text, self.kb)
        if not ids:
            return self._equipment(text, image, profile, lang) if self._named_equipment(text) == "equipment" \
                else self._knowledge(text, image, profile, lang)
        ex = self.kb.exercises[ids[0]]
        vocab = (getattr(self.kb, "vocab", None) or {}).get("muscles", {})
        name = lambda m: (vocab.get(m) or {}).get(lang) or m.replace("_", " ")  # noqa: E731
        i = 1 if lang == "zh" else 0
        title = ex.name.zh if i else ex.name.en
        lines = [f"**{title}** " + ("主要练" if i else "mainly trains ") + ("、" if i else ", ").join(map(name, ex.primary_muscles))
                 + (("，辅助：" if i else "; it also works ") + ("、" if i else ", ").join(map(name, ex.secondary_muscles))
                    if ex.secondary_muscles else "") + ("。" if i else ".")]
        gif = self._gif(title, None, profile, lang)
        step = {"tool": "lookup_exercise", "args": {"exercise_id": ex.id}, "ok": True, "ms": 0.0}
        return Turn("\n".join(lines), lang, "muscles", "catalog", [step, *gif.trace], gif.attachments[:1],
                    data={"exercise_id": ex.id, "primary": list(ex.primary_muscles), "secondary": list(ex.secondary_muscles)})

    def _today(self, text, image, profile, lang) -> Turn:
        """One session for today from the time and equipment at hand (tools.training.plan_today when present)."""
        import tools.training as training

        minutes = int(profile.get("minutes_per_session") or 30)
        equipment = profile.get("equipment")
        args = {"minutes": minutes, "equipment": equipment}
        if hasattr(training, "plan_today"):
            plan, step = self._traced("plan_today", args, lambda: training.plan_today(
                {**_planner_profile(profile), "minutes_per_session": minutes}, None, minutes, equipment, lang))
        else:  # until the planner has plan_today: a one-day week is one full-body session
            one = {**_planner_profile(profile), "days_per_week": 1, "minutes_per_session": minutes}
            plan, step = self._traced("plan_training", one, lambda: training.plan_training_week(one, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "today", "planner", [step])
        summary = training.summarize_training(plan, lang) if plan.get("sessions") else None
        answer = render.training(summary, lang) if summary else render.today(plan, lang)
        return Turn(answer, lang, "today", "planner", [step], data=plan)

    def _edit_training(self, text, image, profile, lang) -> Turn:
        """Change the saved week: days or minutes (re-plan with the new facts) or swap an exercise."""
        import tools.training as training
        from tools.catalog import find_exercises

        plan = (profile.get("_plans") or {}).get("training")
        m = re.search(r"(?:day|第)\s*(\d|[一二三四五六七])\s*(?:天)?", text, re.I)
        day = int(cn_to_int(m.group(1))) if m else 1
        sessions = plan.get("sessions") or []
        session = sessions[min(day, len(sessions)) - 1] if sessions else {}
        named = [e for e in find_exercises(text, self.kb) if any(x["exercise_id"] == e for x in session.get("exercises", []))]
        exercises = session.get("exercises") or [{}]
        nth = re.search(r"\b(first|second|third|fourth|fifth|last|\d)(?:st|nd|rd|th)?\s*(?:exercise|one|move)|"
                        r"第\s*(\d|[一二三四五六])\s*个\s*(?:动作)?|最后一个", text, re.I)
        order = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": len(exercises)}
        pos = (order.get((nth.group(1) or "").lower()) or int(cn_to_int(nth.group(1) or nth.group(2) or "0"))
               if nth and "最后" not in nth.group(0) else len(exercises) if nth else 1)
        target = named[0] if named else exercises[min(max(pos, 1), len(exercises)) - 1].get("exercise_id")
        swap = re.search(r"swap|replace|换|instead of|don'?t like|不喜欢|something else|another", text, re.I) and not \
            extract_profile(text).keys() & {"days_per_week", "minutes_per_session"}   # "day 1" names a day, not days/week
        if swap and target:
            if hasattr(training, "swap_exercise"):
                new, step = self._traced("swap_exercise", {"day": day, "exercise_id": target}, lambda: training.swap_exercise(
                    plan, day, target, _planner_profile(profile), lang))
            else:  # until the planner has swap_exercise: re-plan with that exercise avoided
                args = {**_planner_profile(profile), "avoid_exercises": sorted(set(profile.get("avoid_exercises", [])) | {target})}
                new, step = self._traced("plan_training", args, lambda: training.plan_training_week(args, self.kb))
            if not step["ok"]:
                return Turn(_profile_error(new, lang), lang, "edit_training", "planner", [step])
            ex = self.kb.exercises.get(target)
            shown = (ex.name.zh if lang == "zh" else ex.name.en) if ex else target.replace("_", " ")
            note = {"en": f"Swapped out {shown} on day {day}; the rest of the week keeps its volume.",
                    "zh": f"已替换第{day}天的动作：{shown}，其余安排的训练量不变。"}[lang]
            return Turn(note + "\n\n" + render.training(training.summarize_training(new, lang), lang), lang,
                        "edit_training", "planner", [step], data=new)
        return self._training_plan(text, image, {**profile, "_asked": ["training_plan"]}, lang)

    def _edit_nutrition(self, text, image, profile, lang) -> Turn:
        """Drop a food from the saved nutrition plan (tools.nutrition.remove_ingredient when present)."""
        import tools.nutrition as nutrition

        plan = (profile.get("_plans") or {}).get("nutrition")
        slot = _meal_slot(text, plan)
        if slot:
            m = re.search(r"(?:day|第)\s*(\d|[一二三四五六七])\s*(?:天)?", text, re.I)
            day = int(cn_to_int(m.group(1))) - 1 if m else 0
            new, step = self._traced("swap_meal", {"day": day, "slot": slot}, lambda: nutrition.swap_meal(
                plan, day, slot, _nutrition_args(profile), self.kb))
            if not step["ok"]:
                return Turn(_profile_error(new, lang), lang, "edit_nutrition", "planner", [step])
            names = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}
            note = {"en": f"New {slot.replace('_', ' ')} for day {day + 1}, same daily targets.",
                    "zh": f"已换掉第{day + 1}天的{names.get(slot, '加餐')}，每日目标不变。"}[lang]
            return Turn(note + "\n\n" + render.meal(new, day, slot, lang), lang, "edit_nutrition", "planner", [step],
                        data=new)
        m = re.search(r"(?:remove|no|without|drop|去掉|不吃|不要|别放)\s*([\w\u4e00-\u9fff]+?)(?:\s|$|，|,|。|from|please|了)", text + " ", re.I)
        food = (m.group(1) if m else "").strip().lower()
        food = _FOOD_WORDS.get(food, food.rstrip("s") if food.endswith("s") and len(food) > 3 else food)
        if not food:
            return self._nutrition_plan(text, image, profile, lang)
        if hasattr(nutrition, "remove_ingredient"):
            new, step = self._traced("remove_ingredient", {"food": food}, lambda: nutrition.remove_ingredient(
                plan, food, _nutrition_args(profile)))
        else:  # until the planner has remove_ingredient: re-plan with the food disliked
            args = {**_nutrition_args(profile), "dislikes": sorted(set(profile.get("dislikes", [])) | {food})}
            new, step = self._traced("plan_nutrition", args, lambda: nutrition.plan_nutrition(args, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(new, lang), lang, "edit_nutrition", "planner", [step])
        note = {"en": f"Removed {food} and re-balanced the days to the same targets.",
                "zh": f"已去掉{food}，并按原目标重新搭配。"}[lang]
        return Turn(note + "\n\n" + render.nutrition(nutrition.summarize_nutrition(new, lang), lang), lang,
                    "edit_nutrition", "planner", [step], data=new)

    def _missing(self, profile: dict, needed: tuple[str, ...], plan: str, lang: str) -> Turn | None:
        """Ask, in one short question with an example, for every planner input not known yet; the next
        message that states them resumes `plan`."""
        missing = [f for f in needed if f not in profile]
        if not missing:
            return None
        i = 1 if lang == "zh" else 0
        fields = ("、" if lang == "zh" else ", ").join(FIELD_NAMES[f][i] for f in missing)
        return Turn(ASK[lang].format(what=PLAN_NAMES[plan][i], fields=fields, example=ASK_EXAMPLE[plan][i]),
                    lang, "ask", "none", data={"missing": missing, "plan": plan})

    def _training_plan(self, text, image, profile, lang) -> Turn:
        from tools.training import plan_training_week, summarize_training

        known = {**profile}
        if known.get("equipment") and "place" not in known:
            known["place"] = "home"
        # ask once, only when most of what the plan needs is unknown; otherwise assume and say so
        missing = [f for f in TRAINING_NEEDS if f not in known]
        if "training_plan" not in profile.get("_asked", ()) and len(missing) >= 3:
            ask = self._missing(known, TRAINING_NEEDS, "training_plan", lang)
            if ask:
                return ask
        assumed = {f: TRAINING_DEFAULTS[f] for f in missing}
        args = {**assumed, **{k: v for k, v in known.items() if k in (
            "age", "days_per_week", "minutes_per_session", "goal", "experience", "place", "equipment", "limitations",
            "sex", "pregnant", "acute_symptoms", "pregnancy_week", "postpartum_weeks")}}
        for key in ("days_per_week", "minutes_per_session"):
            args[key] = int(args[key])
        if args.get("pregnancy_week"):
            args["pregnant"] = True
        notes = []
        if "age" not in args:
            args["age"] = 30
            notes.append(ASSUMED_ADULT[lang])
        if assumed:
            i = 1 if lang == "zh" else 0
            notes.append(ASSUMED[lang].format(what=("、" if i else ", ").join(
                f"{FIELD_NAMES[f][i]} = {_shown(v, lang)}" for f, v in assumed.items())))
        plan, step = self._traced("plan_training", args, lambda: plan_training_week(args, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "training_plan", "planner", [step])
        answer = render.training(summarize_training(plan, lang), lang)
        return Turn("\n".join(notes + [answer]) if notes else answer, lang, "training_plan", "planner", [step], data=plan)

    def _nutrition_plan(self, text, image, profile, lang) -> Turn:
        from tools.nutrition import plan_nutrition, summarize_nutrition

        ask = self._missing(profile, NUTRITION_NEEDS, "nutrition_plan", lang)
        if ask:
            return ask
        args = _nutrition_args(profile)
        plan, step = self._traced("plan_nutrition", args, lambda: plan_nutrition(args, self.kb))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "nutrition_plan", "planner", [step])
        return Turn(render.nutrition(summarize_nutrition(plan, lang), lang), lang, "nutrition_plan", "planner",
                    [step], data=plan)

    # -- ReAct ----------------------------------------------------------------------------------
    def _actions(self) -> list:
        from tools.equipment import EquipmentGuide
        from tools.gif_search import ExerciseGif
        from tools.knowledge_search import KnowledgeBase
        from tools.nutrition import NutritionPlanner
        from tools.training import TrainingPlanner

        return [KnowledgeBase(), ExerciseGif(), EquipmentGuide(self.kb), TrainingPlanner(self.kb),
                NutritionPlanner(self.kb)]

    @staticmethod
    def _system(lang: str) -> dict:
        return {"role": "system", "content": PROMPTS["system"][lang]}

    def _react(self, conv: Conversation, text: str, lang: str, holder: list) -> Iterator[dict]:
        """The ReAct loop in a worker thread (lagent is synchronous); its deltas and tool steps come
        back through a queue as they happen. The finished Turn is appended to `holder`."""
        from .react import build_react_agent

        events: queue.Queue = queue.Queue()
        rendered: dict = {}
        local = getattr(self.backend, "name", "") == "local"
        use_tool_answers = local if self.tool_answers is None else self.tool_answers

        def answer_from_tool(tool: str, result) -> str | None:
            if isinstance(result, Turn):  # a planner answered by the agent's own handler
                rendered.update(attachments=result.attachments, data=result.data)
                return result.answer
            answer, attachments, data = render_tool_result(tool, result, lang)
            if answer:
                rendered.update(attachments=attachments, data=data)
            return answer

        def planners_use_the_profile(tool: str, command: str) -> Turn | None:
            # The plan comes from what the user said (conv.profile, as on the fast path), asking for what
            # is missing, never from arguments the model filled in by itself.
            handler = dict(zip(PROFILE_TOOLS, (self._training_plan, self._nutrition_plan))).get(tool)
            return handler(text, None, {**conv.profile, "_asked": conv.asked}, lang) if handler else None

        agent, llm = build_react_agent(self.backend, self._actions(), lang, self.max_turn,
                                       on_delta=lambda piece: events.put(("delta", piece)),
                                       on_step=lambda step: events.put(("tool", step)),
                                       answer_from_tool=answer_from_tool if use_tool_answers else None,
                                       override=planners_use_the_profile, argless=PROFILE_TOOLS)
        # earlier turns, shortened: a rendered plan is long and every token is prompt work on a CPU
        history = [{"role": m["role"], "content": _clip(m["content"], HISTORY_CHARS)} for m in conv.messages[-4:]]
        system = self._system(lang)

        def work() -> None:
            try:
                events.put(("done", agent.chat([system, *history, {"role": "user", "content": text}])))
            except Exception as exc:  # backend down and no fallback: reported below
                events.put(("error", exc))

        threading.Thread(target=work, name="fitnesslm-react", daemon=True).start()
        streamed, trace = [], []
        while True:
            kind, item = events.get()
            if kind == "delta":
                streamed.append(item)
                yield {"type": "delta", "text": item}
            elif kind == "tool":
                trace.append(item)
                yield {"type": "tool", "step": item}
            elif kind == "error":
                answer = {"en": f"The language model is unavailable ({item}).",
                          "zh": f"语言模型暂不可用（{item}）。"}[lang]
                backend = "none"
                break
            else:
                answer = (item.response or "").strip() or {
                    "en": "Sorry, I couldn't work that out.", "zh": "抱歉，我没能回答这个问题。"}[lang]
                backend = getattr(self.backend, "name", "?")
                break
        if not streamed:  # nothing was streamed (no answer step, lagent's give-up, an error): send it now
            yield from _deltas(answer)
        holder.append(Turn(answer, lang, "react", backend, trace, rendered.get("attachments") or [],
                           rendered.get("data")))


_IMPLEMENT = (r"^(?:barbell|dumbbell|bodyweight|machine|cable|kettlebell|smith machine|band|landmine|suspension|"
              r"杠铃|哑铃|徒手|器械|绳索|壶铃|史密斯|弹力带|地雷管)\s*")


def _exercise_by_movement(text: str, kb) -> list[str]:
    """"romanian deadlift", "hip thrust", "深蹲": the catalog names the implement too ("Barbell Romanian
    deadlift"); match the movement and take its plainest variant (shortest full name)."""
    low = re.sub(r"[\s\-_]+", " ", text.lower())
    hits = []
    for ex in kb.exercises.values():
        for full in (ex.name.en, ex.name.zh):
            move = re.sub(_IMPLEMENT, "", re.sub(r"[\s\-_]+", " ", (full or "").lower())).strip()
            if len(move) >= 2 and (move in low if re.search(r"[\u4e00-\u9fff]", move)
                                   else re.search(rf"\b{re.escape(move)}e?s?\b", low)):
                hits.append((-len(move), len(full), ex.id))
    return [h[2] for h in sorted(hits)][:1]


_SLOTS = (("breakfast", r"breakfast|早餐|早饭"), ("lunch", r"lunch|午餐|午饭|中饭"), ("dinner", r"dinner|supper|晚餐|晚饭"),
          ("snack", r"snack|加餐|零食"))


def _meal_slot(text: str, plan: dict | None) -> str | None:
    """The saved plan's meal the message names ("swap breakfast", "晚饭换一个"), or None."""
    slots = [m["slot"] for m in ((plan or {}).get("week_plan") or [{}])[0].get("meals", [])]
    for name, pat in _SLOTS:
        if re.search(pat, text, re.I):
            return next((s for s in slots if s.startswith(name)), None)
    return None


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


def render_tool_result(tool: str, result, lang: str) -> tuple[str | None, list[dict], dict | None]:
    """A ReAct tool's output as (answer, attachments, data), rendered like the router's answers."""
    if not isinstance(result, dict):
        return None, [], None
    if tool == "KnowledgeBase" and "answer" in result:
        return render.knowledge(result, lang), [], result
    if tool == "EquipmentGuide" and "setup" in result:
        return render.equipment_card(result, lang), [], result
    if tool == "ExerciseGif" and "clips" in result:
        hits = result["clips"]
        attachments = [{"type": "gif", "path": h["path"], "caption": h.get("caption", ""),
                        "exercise_id": h.get("exercise_id")} for h in hits]
        return render.gifs(hits, lang), attachments, {"hits": hits}
    try:
        if tool == "TrainingPlanner":
            return render.training(result, lang), [], result
        if tool == "NutritionPlanner":
            return render.nutrition(result, lang), [], result
    except (KeyError, TypeError):  # not the summary shape: let the model answer
        return None, [], None
    return None, [], None


_SHOWN = {"general_health": ("general fitness", "综合健康"), "gym": ("a gym", "健身房"), "fat_loss": ("fat loss", "减脂"),
          "hypertrophy": ("muscle gain", "增肌"), "strength": ("strength", "力量"), "home": ("home", "在家"),
          "bodyweight": ("no equipment", "徒手"), "male": ("male", "男"), "female": ("female", "女")}


def _shown(value, lang: str) -> str:
    i = 1 if lang == "zh" else 0
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return _SHOWN[value][i] if isinstance(value, str) and value in _SHOWN else str(value)


def understood(stated: dict, lang: str) -> str:
    """One line confirming the body facts read from this message, so a misreading is visible at once."""
    zh = lang == "zh"
    parts = []
    if "sex" in stated:
        parts.append(_shown(stated["sex"], lang))
    for key, en, cn in (("age", "{} y", "{}岁"), ("height_cm", "{} cm", "{}厘米"), ("weight_kg", "{} kg", "{}公斤"),
                        ("pregnancy_week", "pregnant, week {}", "怀孕第{}周"), ("postpartum_weeks", "{} weeks postpartum", "产后{}周"),
                        ("target_weight_kg", "target {} kg", "目标体重{}公斤"), ("days_per_week", "{} days/week", "每周{}天"),
                        ("minutes_per_session", "{} min", "每次{}分钟")):
        if stated.get(key) is not None:
            parts.append((cn if zh else en).format(_shown(stated[key], lang)))
    if stated.get("weight_change_kg"):
        v = stated["weight_change_kg"]
        parts.append((f"{'减' if v < 0 else '增'}{abs(v):g}公斤" if zh else f"{'lose' if v < 0 else 'gain'} {abs(v):g} kg"))
    if "goal" in stated and stated.get("goal") in _SHOWN:
        parts.append(("目标：" if zh else "goal: ") + _shown(stated["goal"], lang))
    if not parts:
        return ""
    return ("已了解：" if zh else "Understood: ") + " · ".join(parts) + ("。" if zh else ".")


def _add_notes(turn: Turn, stated: dict, safety, profile: dict, lang: str) -> None:
    """Above the answer: what was understood (plans and asks) and the safety note for this person."""
    head = []
    if turn.route in ("training_plan", "nutrition_plan", "ask") and (line := understood(stated, lang)):
        head.append(line)
    if not safety.blocks and (note := safety.reply(lang, profile)) and turn.route not in ("small_talk",):
        head.append(("⚠️ " if safety.category != "injury" else "🩹 ") + note)
    if head:
        turn.answer = "\n\n".join(head + [turn.answer])
        turn.data = {**(turn.data or {}), "safety": safety.category} if isinstance(turn.data, dict) or turn.data is None else turn.data


_FOOD_WORDS = {"eggs": "egg", "鸡蛋": "egg", "蛋": "egg", "牛奶": "milk", "奶": "milk", "milk": "milk", "鸡肉": "chicken",
               "猪肉": "pork", "牛肉": "beef", "鱼": "fish", "豆腐": "tofu", "米饭": "rice", "花生": "peanut"}


def _planner_profile(profile: dict) -> dict:
    """The training planner's inputs from the remembered profile (adult assumed when no age)."""
    keep = ("age", "days_per_week", "minutes_per_session", "goal", "experience", "place", "equipment", "limitations",
            "sex", "pregnant", "acute_symptoms", "avoid_exercises")
    args = {**TRAINING_DEFAULTS, "age": 30, **{k: v for k, v in profile.items() if k in keep}}
    if profile.get("pregnancy_week"):
        args["pregnant"] = True
    if args.get("equipment") and "place" not in profile:
        args["place"] = "home"
    for key in ("days_per_week", "minutes_per_session", "age"):
        args[key] = int(args[key])
    return args


def _nutrition_args(profile: dict) -> dict:
    args = {k: v for k, v in profile.items() if k in ("sex", "age", "height_cm", "weight_kg", "body_fat_pct", "diet",
                                                    "allergies", "cuisine", "activity", "breastfeeding", "dislikes",
                                                    "pregnancy_week", "postpartum_weeks", "target_weight_kg")}
    direction = profile.get("weight_direction")
    args["goal"] = direction if direction in ("lose", "gain") else NUTRITION_GOAL.get(
        profile.get("nutrition_goal") or profile.get("goal"), "maintain")
    if profile.get("pregnant") or profile.get("pregnancy_week"):
        args["pregnant"] = True
    if args.get("pregnant") or args.get("breastfeeding") or float(args.get("age", 30)) < 18:
        args["goal"] = "maintain"   # no deficit in pregnancy, lactation or while growing (SCIENCE.md)
    return args


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _deltas(answer: str) -> Iterator[dict]:
    """A ready answer as deltas, a line at a time (the UI renders Markdown progressively)."""
    for line in answer.splitlines(keepends=True):
        yield {"type": "delta", "text": line}


def _profile_error(exc, lang: str) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return "\n".join(f"- {field}: {msg.get(lang, msg.get('en'))}" for field, msg in errors.items())
    return str(exc)
