"""The fast path's handlers: one per intent, each calls its tool and renders the result (agent/render.py).

FitnessAgent (agent/core.py) inherits them; `_direct` picks one by intent name ("_training_plan", "_today"...).
"""
from __future__ import annotations

import re
import time

from . import render
from .numbers import cn_to_int
from .plan_inputs import (NUTRITION_NEEDS, TRAINING_DEFAULTS, TRAINING_NEEDS, _FOOD_WORDS, _meal_slot, _nutrition_args,
                          _planner_profile, _profile_error)
from .notes import _shown
from .slots import extract_profile
from .turn import Turn

ASK = {"en": "To build your {what} I still need: {fields} — for example {example}.",
       "zh": "为了制定{what}，我还需要：{fields}，例如{example}。"}
ASK_EXAMPLE = {"training_plan": ('"build muscle, 3 days a week, 45 min, home with dumbbells"', "“增肌，每周3天，每次45分钟，在家有哑铃”"),
               "nutrition_plan": ('"female, 30, 165 cm, 60 kg"', "“女，30岁，165厘米，60公斤”")}
FIELD_NAMES = {"age": ("age", "年龄"), "days_per_week": ("training days per week", "每周训练天数"),
               "sex": ("sex", "性别"), "height_cm": ("height", "身高"), "goal": ("your goal", "目标"),
               "minutes_per_session": ("minutes per session", "每次训练时长"), "place": ("where you train / equipment", "训练地点或器械"),
               "weight_kg": ("weight", "体重")}
ASSUMED_ADULT = {"en": "Assuming you are an adult — tell me your age if you are under 18 or over 65.",
                 "zh": "默认你是成年人——如果你未满 18 岁或超过 65 岁，请告诉我年龄。"}
ASSUMED = {"en": "I assumed {what}; tell me if that's wrong.", "zh": "我默认了{what}，如果不对请告诉我。"}
WHICH_PLAN = {"en": "Happy to — which one: a **training plan** (e.g. \"build muscle, 3 days a week, 45 min, home with "
                    "dumbbells\") or a **meal plan** (e.g. \"female, 30, 165 cm, 60 kg, lose fat\")?",
              "zh": "好的——你想要哪一种：**训练计划**（例如“增肌，每周3天，每次45分钟，在家有哑铃”）还是**饮食计划**"
                    "（例如“女，30岁，165厘米，60公斤，减脂”）？"}
PLAN_NAMES = {"training_plan": ("training plan", "训练计划"), "nutrition_plan": ("nutrition plan", "营养计划")}


class ToolHandlers:
    """Intent handlers; the class using them provides `kb`."""

    def _named_equipment(self, text: str) -> str | None:
        """A message naming a catalog machine ("腿举机怎么用") is about it; one naming an exercise wants its demo."""
        from tools.catalog import find_equipment, find_exercises

        if find_equipment(text, self.kb):
            return "equipment"
        return "gif" if find_exercises(text, self.kb) else None

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

        def lookup() -> dict:   # the same answer the API and the Library tab give
            return answer_question(text, lang)

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
        """One session for today from the time and equipment at hand (tools.training.plan_today)."""
        import tools.training as training

        minutes = int(profile.get("minutes_per_session") or 30)
        equipment = profile.get("equipment")
        args = {"minutes": minutes, "equipment": equipment}
        plan, step = self._traced("plan_today", args, lambda: training.plan_today(
            {**_planner_profile(profile), "minutes_per_session": minutes}, None, minutes, equipment, lang))
        if not step["ok"]:
            return Turn(_profile_error(plan, lang), lang, "today", "planner", [step])
        return Turn(render.today(plan, lang), lang, "today", "planner", [step], data=plan)

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
            new, step = self._traced("swap_exercise", {"day": day, "exercise_id": target}, lambda: training.swap_exercise(
                plan, day, target, _planner_profile(profile), lang))
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
        """Swap a meal of, or drop a food from, the saved nutrition plan (tools.nutrition swap_meal / remove_ingredient)."""
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
        new, step = self._traced("remove_ingredient", {"food": food}, lambda: nutrition.remove_ingredient(
            plan, food, _nutrition_args(profile)))
        if not step["ok"]:
            return Turn(_profile_error(new, lang), lang, "edit_nutrition", "planner", [step])
        note = {"en": f"Removed {food} and re-balanced the days to the same targets.",
                "zh": f"已去掉{food}，并按原目标重新搭配。"}[lang]
        return Turn(note + "\n\n" + render.nutrition(nutrition.summarize_nutrition(new, lang), lang), lang,
                    "edit_nutrition", "planner", [step], data=new)

    def _which_plan(self, text, image, profile, lang) -> Turn:
        """A plan of no named kind: ask which, with an example of each; the reply resumes it (agent/core.py)."""
        return Turn(WHICH_PLAN[lang], lang, "ask", "none", data={"plan": "which_plan", "missing": ["plan_kind"]})

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
