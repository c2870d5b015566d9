"""One toolbox: each tool the agent's model can call, defined once (style: smolagents `Tool`).

A `Tool` is a name (what the model calls and the trace records), what it is for in en/zh (the model's
prompt line), a label in en/zh (the UI and trace), typed `Input`s and `forward`, which calls the lagent-free
domain function in tools/. Everything else derives from it: the lagent action (`as_action`), the local
model's JSON step schema and tool lines (agent/react.py), the intent whose handler serves the same job
(the router's and rules' names, agent/handlers.py), how a result is rendered as the answer, and the label
of every trace step, the fast path's included (`fast_path_steps`, `label_of`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from lagent.actions import BaseAction
from lagent.schema import ActionReturn, ActionStatusCode

from . import render

REQUIRED = object()   # an Input without a default
# How the model sees a Python type: lagent's names (tool_api `_detect_type`) and the JSON schema of a value
LAGENT_TYPE = {str: "STRING", int: "NUMBER", float: "FLOAT", bool: "BOOLEAN", list: "Array"}
JSON_TYPE = {str: {"type": "string", "maxLength": 200}, int: {"type": "number"}, float: {"type": "number"},
             bool: {"type": "boolean"}, list: {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 6}}


class ToolError(ValueError):
    """Input the model can fix (an unknown exercise, a bad profile field): the message goes back to it."""


@dataclass(frozen=True)
class Input:
    name: str
    type: type                      # str, int, float, bool or list
    description: dict[str, str]     # {"en", "zh"}
    default: Any = REQUIRED
    enum: tuple = ()                # the allowed values, when the tool accepts only these
    range: tuple | None = None      # (low, high) for a number, inclusive (the description states it too)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def json_schema(self) -> dict:
        """The value's schema for constrained decoding. Bounds stay out: the local grammar
        (runtime/grammar.py) cannot express them; the description states them and the domain checks them."""
        return {"enum": list(self.enum)} if self.enum else dict(JSON_TYPE[self.type])


@dataclass(frozen=True)
class Tool:
    name: str                       # the name the model calls; also the lagent action's and the trace's
    description: dict[str, str]     # what it is for, written for the model
    label: dict[str, str]           # what people see in the UI and the trace
    inputs: tuple[Input, ...]
    forward: Callable[..., Any]     # the domain call; raises ToolError for input the model can fix
    intent: str | None = None       # the intent (router, rules) whose handler does this job on the fast path
    profile_inputs: bool = False    # the model sends {}: the agent's handler plans from what the user said
    render: Callable[[Any, str], tuple] | None = None   # (result, lang) -> (answer, attachments, data)
    fast_path_steps: tuple[str, ...] = ()               # trace names of the handlers doing this job

    def __call__(self, **inputs) -> Any:
        """Run with the defaults filled in (what the model left out)."""
        defaults = {i.name: i.default for i in self.inputs if not i.required}
        return self.forward(**{**defaults, **inputs})

    def as_action(self, lang: str = "en"):
        """This tool as a lagent action; its description (prompt text) is in `lang`."""
        return ToolAction(self, lang)

    def arguments_schema(self, fixed: tuple = ()) -> dict:
        """JSON schema of the arguments the model writes (those named in `fixed` the agent fills in)."""
        if self.profile_inputs:
            return {"type": "object", "properties": {}, "additionalProperties": False}
        shown = [i for i in self.inputs if i.name not in fixed]
        return {"type": "object", "properties": {i.name: i.json_schema() for i in shown},
                "required": [i.name for i in shown if i.required], "additionalProperties": False}

    def prompt_line(self, lang: str = "en", fixed: tuple = ()) -> str:
        """One line for the local model's prompt: name, what for, its arguments (required first)."""
        hint = self.description[lang]
        hint += "" if hint[-1] in ".。)）" else "."
        shown = sorted((i for i in self.inputs if i.name not in fixed), key=lambda i: not i.required)
        # argument text stays English in both prompts, as the local model was prompted and measured
        args = "; ".join(f"{i.name}{'' if i.required else '?'}: {i.description['en']}" for i in shown)
        return f"- {self.name}: {hint}" + ("" if self.profile_inputs or not args else f" Arguments: {args}")

    def lagent_description(self, lang: str = "en") -> dict:
        """The api description lagent's BaseAction expects (what `tool_api` parses from a docstring)."""
        return {"name": self.name, "description": self.description[lang],
                "parameters": [{"name": i.name, "type": LAGENT_TYPE[i.type], "description": i.description[lang]}
                               for i in self.inputs],
                "required": [i.name for i in self.inputs if i.required]}


class ToolAction(BaseAction):
    """Any toolbox Tool as a lagent action: the description comes from the Tool, `run` calls it."""

    def __init__(self, tool: Tool, lang: str = "en"):
        self.tool = tool
        super().__init__(description=tool.lagent_description(lang))

    def run(self, **inputs):
        try:
            return self.tool(**inputs)
        except ToolError as err:  # input the model can fix: tell it how (other errors: lagent's API_ERROR)
            return ActionReturn(errmsg=str(err), state=ActionStatusCode.ARGS_ERROR)


def render_result(tool: Tool, result, lang: str) -> tuple[str | None, list[dict], dict | None]:
    """A tool's output as (answer, attachments, data), rendered like the fast path's answers; no answer
    when it is not the shape the renderer knows (the model answers then)."""
    if not isinstance(result, dict) or tool.render is None:
        return None, [], None
    try:
        return tool.render(result, lang) or (None, [], None)
    except (KeyError, TypeError):
        return None, [], None


# -- the tools ----------------------------------------------------------------------------------------
def _lang(what_en: str, what_zh: str) -> Input:
    return Input("lang", str, {"en": f'"en" or "zh", the language of the {what_en}', "zh": f"{what_zh}的语言：\"en\" 或 \"zh\""},
                 "en", enum=("en", "zh"))


def _csv(text: str) -> str | None:
    return (text or "").strip() or None


def knowledge_tool(index=None) -> Tool:
    from tools.knowledge_search import answer_question

    return Tool(
        "KnowledgeBase",
        {"en": "any question about training, exercise technique, nutrition, supplements, recovery, sleep or health "
               "(what is, how much, how often, is it safe...)",
         "zh": "任何关于训练、动作要点、营养、补剂、恢复、睡眠或健康的问题（是什么、多少、多久、安全吗……）"},
        {"en": "Knowledge base", "zh": "知识库"},
        (Input("question", str, {"en": "the user's question, in Chinese or English", "zh": "用户的问题，中文或英文"}),
         _lang("answer", "回答")),
        lambda question, lang: answer_question(question, lang, index),
        intent="knowledge", render=lambda r, lang: (render.knowledge(r, lang), [], r) if "answer" in r else None,
        fast_path_steps=("search_knowledge",))


def _render_gifs(result: dict, lang: str):
    hits = result["clips"]
    attachments = [{"type": "gif", "path": h["path"], "caption": h.get("caption", ""),
                    "exercise_id": h.get("exercise_id")} for h in hits]
    return render.gifs(hits, lang), attachments, {"hits": hits}


def gif_tool(library=None) -> Tool:
    from tools.gif_search import search_gifs

    def forward(query: str, lang: str) -> dict:
        hits = search_gifs(query, 3, lang, library)
        if not hits:
            raise ToolError(f"no demonstration found for {query!r}; ask for a named exercise")
        return {"clips": hits}

    return Tool(
        "ExerciseGif",
        {"en": "the user wants to see how an exercise is performed (demo, animation, form)",
         "zh": "用户想看某个动作怎么做（示范、动图、标准姿势）"},
        {"en": "Exercise demo", "zh": "动作示范"},
        (Input("query", str, {"en": 'the exercise in the user\'s words, e.g. "barbell squat", "高位下拉", or an exercise id',
                              "zh": "用户说的动作名称，例如“杠铃深蹲”、“lat pulldown”，或动作 id"}),
         _lang("caption to show", "动作说明")),
        forward, intent="gif", render=lambda r, lang: _render_gifs(r, lang) if "clips" in r else None,
        fast_path_steps=("search_gifs", "lookup_exercise"))


def equipment_guide_tool(kb) -> Tool:
    from tools.catalog import find_equipment, find_exercises
    from tools.equipment import equipment_card

    def forward(name: str, lang: str) -> dict:
        ids = find_equipment(name, kb) or [eq for ex in find_exercises(name, kb)[:1] for eq in kb.exercises[ex].equipment[:1]]
        if not ids:
            raise ToolError(f"no equipment called {name!r} in the catalog; ask which machine")
        return equipment_card(kb, ids[0], lang)

    return Tool(
        "EquipmentGuide",
        {"en": "how to set up or use a gym machine or piece of equipment the user names, and what it trains",
         "zh": "用户点名的健身器械怎么调、怎么用、练哪里"},
        {"en": "Equipment guide", "zh": "器械指南"},
        (Input("name", str, {"en": 'the equipment in the user\'s words, e.g. "leg press", "史密斯机", or an exercise done on it',
                             "zh": "用户说的器械名称，例如“腿举机”、“smith machine”，或用它做的动作"}),
         _lang("card", "器械卡片")),
        forward, intent="equipment",
        render=lambda r, lang: (render.equipment_card(r, lang), [], r) if "setup" in r else None,
        fast_path_steps=("lookup_equipment",))


def equipment_recognizer_tool(recognizer, kb) -> Tool:
    """Not offered to the ReAct loop (it has no photo); the fast path recognises an attached image."""
    from tools.equipment import recognize

    def forward(image_path: str, lang: str) -> dict:
        out = recognize(image_path, recognizer, kb, lang)
        if out["status"] == "error":
            raise ToolError(out["message"])
        return out

    return Tool(
        "EquipmentRecognizer",
        {"en": "identify the gym machine or free weight in a photo the user sent, with its how-to card",
         "zh": "识别用户照片里的健身器械或自由重量，并给出使用卡片"},
        {"en": "Equipment recognition", "zh": "器械识别"},
        (Input("image_path", str, {"en": "path of the photo the user uploaded (JPEG/PNG)",
                                   "zh": "用户上传照片的路径（JPEG/PNG）"}),
         _lang("answer", "回答")),
        forward, intent="equipment", render=lambda r, lang: (render.recognition(r, lang), [], r),
        fast_path_steps=("recognize_equipment",))


def _profile_fixable(plan: Callable[[], dict]) -> dict:
    """A planner's result; a profile the model can fix (or an unsafe request) becomes what to tell it."""
    from tools.nutrition import UnsafeNutritionRequest
    from tools.profiles import ProfileError

    try:
        return plan()
    except UnsafeNutritionRequest as err:
        raise ToolError(f"unsafe request, tell the user and offer the safe plan: {err.message['en']}") from err
    except ProfileError as err:
        raise ToolError(f"fix these fields and call again: {err}") from err


def training_tool(kb) -> Tool:
    from tools.training import plan_training_week, summarize_training

    def forward(goal, days_per_week, minutes_per_session, age, experience, place, equipment, limitations, lang) -> dict:
        profile = {"goal": goal, "days_per_week": days_per_week, "minutes_per_session": minutes_per_session, "age": age,
                   "experience": experience, "place": place, "limitations": _csv(limitations), "equipment": _csv(equipment)}
        return _profile_fixable(lambda: summarize_training(plan_training_week(profile, kb), lang))

    return Tool(
        "TrainingPlanner",
        {"en": "the user asks for a weekly training plan or program for themselves (the agent fills in their profile)",
         "zh": "用户要一份给自己的每周训练计划或课表（个人信息由系统补全）"},
        {"en": "Training planner", "zh": "训练计划"},
        (Input("goal", str, {"en": "strength, hypertrophy, fat_loss, endurance or general_health (增肌/减脂 accepted)",
                             "zh": "目标：strength、hypertrophy、fat_loss、endurance 或 general_health（也可写增肌/减脂）"}),
         Input("days_per_week", int, {"en": "training days per week, 1-7", "zh": "每周训练天数，1-7"}, range=(1, 7)),
         Input("minutes_per_session", int, {"en": "minutes available per session, 15-180", "zh": "每次训练分钟数，15-180"},
               range=(15, 180)),
         Input("age", int, {"en": "age in years, 13-100", "zh": "年龄（岁），13-100"}, range=(13, 100)),
         Input("experience", str, {"en": "beginner, intermediate or advanced", "zh": "训练经验：beginner、intermediate 或 advanced"},
               "beginner"),
         Input("place", str, {"en": "gym, home or bodyweight", "zh": "训练地点：gym、home 或 bodyweight"}, "gym"),
         Input("equipment", str, {"en": 'comma-separated equipment at home, e.g. "dumbbell, resistance band"; empty at a gym',
                                  "zh": "家里的器械，逗号分隔，例如“哑铃, 弹力带”；在健身房留空"}, ""),
         Input("limitations", str, {"en": 'comma-separated injured areas, e.g. "knee, lower back"; empty if none',
                                    "zh": "受伤部位，逗号分隔，例如“膝盖, 下背”；没有则留空"}, ""),
         _lang("reply", "回复")),
        forward, intent="training_plan", profile_inputs=True,
        render=lambda r, lang: (render.training(r, lang), [], r), fast_path_steps=("plan_training", "plan_today", "swap_exercise"))


def nutrition_tool(kb) -> Tool:
    from tools.nutrition import plan_nutrition, summarize_nutrition

    def forward(sex, age, height_cm, weight_kg, goal, activity, diet, allergies, meals_per_day, lang) -> dict:
        profile = {"sex": sex, "age": age, "height_cm": height_cm, "weight_kg": weight_kg, "goal": goal,
                   "activity": activity, "diet": diet, "allergies": _csv(allergies), "meals_per_day": meals_per_day}
        return _profile_fixable(lambda: summarize_nutrition(plan_nutrition(profile, kb), lang))

    return Tool(
        "NutritionPlanner",
        {"en": "the user asks for their own meal plan or daily calorie and macro targets (the agent fills in their profile)",
         "zh": "用户要自己的饮食计划或每日热量和宏量营养素目标（个人信息由系统补全）"},
        {"en": "Nutrition planner", "zh": "营养计划"},
        (Input("sex", str, {"en": "male or female (男/女 accepted)", "zh": "性别：male 或 female（也可写男/女）"}),
         Input("age", int, {"en": "age in years, 13-100", "zh": "年龄（岁），13-100"}, range=(13, 100)),
         Input("height_cm", float, {"en": "height in cm, 100-250", "zh": "身高（厘米），100-250"}, range=(100, 250)),
         Input("weight_kg", float, {"en": "body weight in kg, 25-350", "zh": "体重（公斤），25-350"}, range=(25, 350)),
         Input("goal", str, {"en": "lose, maintain or gain (减脂/增肌 accepted)", "zh": "目标：lose、maintain 或 gain（也可写减脂/增肌）"},
               "maintain"),
         Input("activity", str, {"en": "sedentary, light, moderate, active or very_active",
                                 "zh": "活动水平：sedentary、light、moderate、active 或 very_active"}, "sedentary"),
         Input("diet", str, {"en": "omnivore, vegetarian, vegan, pescatarian or halal",
                             "zh": "饮食类型：omnivore、vegetarian、vegan、pescatarian 或 halal"}, "omnivore"),
         Input("allergies", str, {"en": 'comma-separated allergens, e.g. "peanut, shellfish"; empty if none',
                                  "zh": "过敏原，逗号分隔，例如“花生, 贝类”；没有则留空"}, ""),
         Input("meals_per_day", int, {"en": "meals a day, 2-6", "zh": "每天餐数，2-6"}, 3, range=(2, 6)),
         _lang("reply", "回复")),
        forward, intent="nutrition_plan", profile_inputs=True,
        render=lambda r, lang: (render.nutrition(r, lang), [], r),
        fast_path_steps=("plan_nutrition", "swap_meal", "remove_ingredient"))


def build_toolbox(kb, recognizer=None, library=None, index=None) -> dict[str, Tool]:
    """The agent's tools by name, in the order the model sees them (built once per agent). The recogniser
    joins only when one is given; it is never offered to the ReAct loop (see `REACT_TOOLS`)."""
    tools = [knowledge_tool(index), gif_tool(library), equipment_guide_tool(kb), training_tool(kb), nutrition_tool(kb)]
    if recognizer is not None:
        tools.append(equipment_recognizer_tool(recognizer, kb))
    return {t.name: t for t in tools}


REACT_TOOLS = ("KnowledgeBase", "ExerciseGif", "EquipmentGuide", "TrainingPlanner", "NutritionPlanner")


def tool_of(step_name: str, toolbox: dict[str, Tool]) -> Tool | None:
    """The tool a trace step belongs to: a model call by its name, a fast-path step by `fast_path_steps`."""
    return next((t for t in toolbox.values() if step_name == t.name or step_name in t.fast_path_steps), None)


def label_of(step_name: str, toolbox: dict[str, Tool], lang: str) -> str | None:
    """The people-facing label of a trace step, in `lang` (None: not a tool, e.g. lagent's NoAction)."""
    tool = tool_of(step_name, toolbox)
    return tool.label[lang] if tool else None


def labelled(step: dict, toolbox: dict[str, Tool]) -> dict:
    """A trace step with its tool's {en, zh} label added (what the UI shows), when it has one."""
    tool = tool_of(step.get("tool", ""), toolbox)
    if tool is not None:
        step["label"] = dict(tool.label)
    return step
