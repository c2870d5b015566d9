"""The toolbox (agent/toolbox.py): one contract over every tool, then each tool through its lagent action,
as the ReAct loop runs it (the adapters that used to sit at the bottom of the tools/ modules)."""
import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from agent.toolbox import LAGENT_TYPE, REACT_TOOLS, Tool, ToolAction, build_toolbox, label_of
from indexes.gif_library import GifLibrary
from indexes.knowledge_rag import KnowledgeIndex
from knowledge import load_knowledge
from tests.fakes import StubRecognizer
from tests.indexes import HashEmbedder, tiny_kb
from tools.equipment import Prediction

KB = load_knowledge()
INTENTS = set(yaml.safe_load((Path(__file__).parents[2] / "agent" / "prompts" / "router.yaml").read_text("utf-8")))


@pytest.fixture(scope="module")
def toolbox(tmp_path_factory) -> dict[str, Tool]:
    root = tmp_path_factory.mktemp("toolbox")
    library = GifLibrary(tiny_kb(), HashEmbedder(), root / "index", root / "files", root / "clips")
    index = KnowledgeIndex(tiny_kb(), HashEmbedder(), root / "k")
    return build_toolbox(KB, StubRecognizer(Prediction([("rowing_machine", 0.8)], 0.0, "stub")), library, index)


def _call(tool: Tool, **args):
    """Run a tool the way the ReAct loop does: its lagent action, JSON arguments in, ActionReturn out."""
    ret = tool.as_action(args.get("lang", "en"))(json.dumps(args, ensure_ascii=False))
    return json.loads(ret.result[0]["content"]) if not ret.errmsg else ret


def test_every_tool_keeps_the_contract(toolbox):
    assert list(toolbox)[:len(REACT_TOOLS)] == list(REACT_TOOLS) and "EquipmentRecognizer" in toolbox
    steps = [s for tool in toolbox.values() for s in tool.fast_path_steps]
    assert len(steps) == len(set(steps)) and not set(steps) & set(toolbox)
    for name, tool in toolbox.items():
        assert tool.name == name and re.fullmatch(r"[A-Z][A-Za-z]+", name)
        for text in (tool.description, tool.label):
            assert set(text) == {"en", "zh"} and all(text.values()) and re.search(r"[\u4e00-\u9fff]", text["zh"])
        names = [i.name for i in tool.inputs]
        assert list(inspect.signature(tool.forward).parameters) == names, name  # forward takes exactly the inputs
        for i in tool.inputs:
            assert i.type in LAGENT_TYPE and set(i.description) == {"en", "zh"} and all(i.description.values())
            assert i.required or i.enum == () or i.default in i.enum
            if i.range:   # what the model reads states the declared bounds
                assert f"{i.range[0]}-{i.range[1]}" in i.description["en"] and f"{i.range[0]}-{i.range[1]}" in i.description["zh"]
        assert tool.intent in INTENTS, name   # the router's name for the same job
        for lang in ("en", "zh"):
            action = tool.as_action(lang)
            assert isinstance(action, ToolAction) and action.name == name
            desc = action.description
            assert desc["description"] == tool.description[lang] and [p["name"] for p in desc["parameters"]] == names
            assert desc["required"] == [i.name for i in tool.inputs if i.required]
        schema = tool.arguments_schema(("lang",))
        assert "lang" not in schema["properties"] and (not tool.profile_inputs or schema["properties"] == {})


def test_missing_or_unknown_arguments_go_back_to_the_model(toolbox):
    ret = _call(toolbox["KnowledgeBase"], nonsense=1)
    assert "unknown arguments" in ret.errmsg
    assert "missing required arguments" in _call(toolbox["ExerciseGif"]).errmsg


def test_knowledge_tool_answers_with_citations(toolbox):
    out = _call(toolbox["KnowledgeBase"], question="how should I warm up before training")
    assert out["found"] and out["citations"][0]["doc_id"] == "warm-up"


def test_gif_tool_finds_a_clip_or_asks_for_a_named_exercise(toolbox):
    assert _call(toolbox["ExerciseGif"], query="romanian deadlift")["clips"][0]["exercise_id"] == "romanian_deadlift"
    assert "no demonstration" in _call(toolbox["ExerciseGif"], query="asdkjh qwe zxcv").errmsg


def test_equipment_guide_names_a_machine_or_asks_which(toolbox):
    card = _call(toolbox["EquipmentGuide"], name="腿举机", lang="zh")
    assert card["id"] == "leg_press_machine" and card["setup"]
    assert "no equipment called" in _call(toolbox["EquipmentGuide"], name="zzqx").errmsg


def test_equipment_recognizer_reads_a_photo(toolbox, tmp_path):
    photo = tmp_path / "machine.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)).save(photo)
    out = _call(toolbox["EquipmentRecognizer"], image_path=str(photo), lang="zh")
    assert out["equipment_id"] == "rowing_machine" and out["card"]["name"] == KB.equipment["rowing_machine"].name.zh
    err = _call(toolbox["EquipmentRecognizer"], image_path=str(tmp_path / "missing.jpg"))
    assert err.errmsg and "not found" in err.errmsg


def test_training_planner_summarises_or_asks_to_fix_fields(toolbox):
    reply = _call(toolbox["TrainingPlanner"], goal="增肌", days_per_week=3, minutes_per_session=45, age=30,
                  limitations="膝盖", lang="zh")
    assert reply["split"] == "全身" and len(reply["sessions"]) == 3 and reply["disclaimer"]
    err = _call(toolbox["TrainingPlanner"], goal="hypertrophy", days_per_week=0, minutes_per_session=45, age=3)
    assert err.errmsg.startswith("fix these fields") and "days_per_week" in err.errmsg and "age" in err.errmsg


def test_nutrition_planner_summarises_or_asks_to_fix_fields(toolbox):
    reply = _call(toolbox["NutritionPlanner"], sex="女", age=28, height_cm=162, weight_kg=58, goal="减脂", lang="zh")
    assert reply["kcal"] >= 1200 and "早餐" in reply["day_1"] and "千卡" in reply["why"][0]
    assert "weight_kg" in _call(toolbox["NutritionPlanner"], sex="male", age=30, height_cm=175, weight_kg=-5).errmsg


def test_every_step_the_agent_traces_has_a_label(toolbox):
    source = "\n".join(Path(f"agent/{m}.py").read_text("utf-8") for m in ("handlers", "core"))
    traced = set(re.findall(r'_traced\("(\w+)"', source)) | set(re.findall(r'\{"tool": "(\w+)"', source))
    assert {"plan_training", "search_knowledge", "lookup_equipment"} <= traced
    for name in traced | set(toolbox):
        assert label_of(name, toolbox, "en") and re.search(r"[\u4e00-\u9fff]", label_of(name, toolbox, "zh")), name
    assert label_of("NoAction", toolbox, "en") is None


def test_rendered_answers_come_from_the_tool(toolbox):
    from agent.toolbox import render_result

    gif = toolbox["ExerciseGif"]
    answer, attachments, data = render_result(gif, _call(gif, query="goblet squat"), "en")
    assert "Goblet squat" in answer and attachments[0]["type"] == "gif" and data["hits"]
    assert render_result(gif, "not a dict", "en") == (None, [], None)
    assert render_result(toolbox["TrainingPlanner"], {"no": "summary"}, "en") == (None, [], None)


def test_an_unsafe_planner_request_tells_the_model_to_offer_the_safe_plan():
    from agent.toolbox import ToolError, _profile_fixable
    from tools.nutrition import nutrition_targets

    woman = {"sex": "female", "age": 30, "height_cm": 165, "weight_kg": 60, "requested_kcal": 800}
    with pytest.raises(ToolError, match="^unsafe request, tell the user and offer the safe plan: .*800 kcal"):
        _profile_fixable(lambda: nutrition_targets(woman))
    with pytest.raises(ToolError, match="^fix these fields and call again: .*age"):
        _profile_fixable(lambda: nutrition_targets({**woman, "age": 3, "requested_kcal": None}))


def test_the_derived_step_schema_is_one_the_local_grammar_can_express(toolbox):
    from agent.react import step_schema
    from runtime.grammar import schema_to_gbnf

    grammar = schema_to_gbnf(step_schema([toolbox[name] for name in REACT_TOOLS], fixed=("lang",)))
    assert all(f'\\"{name}\\"' in grammar for name in REACT_TOOLS)
    for tool in toolbox.values():   # every input, the profile tools' too, should they ever be offered with arguments
        schema_to_gbnf({"type": "object", "properties": {i.name: i.json_schema() for i in tool.inputs},
                        "required": [i.name for i in tool.inputs if i.required], "additionalProperties": False})
