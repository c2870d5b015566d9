"""The knowledge validator: the shipped data passes; bad edits fail naming file, item and field."""
import shutil

import pytest
import yaml

from knowledge import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from knowledge.loader import read_raw
from knowledge.validate import find_problems

EQUIPMENT = {
    "id": "dumbbell", "name": {"en": "Dumbbell", "zh": "哑铃"}, "aliases": {"en": [], "zh": []},
    "category": "free_weight", "muscles": ["biceps"], "purpose": {"en": "Free weight.", "zh": "自由重量。"},
    **{f: {"en": ["Do it."], "zh": ["照做。"]} for f in ("setup", "usage", "safety", "mistakes", "beginner_tips")},
    "home": True, "imagenet": [543], "sources": ["test"],
}
EXERCISE = {
    "id": "dumbbell_curl", "name": {"en": "Dumbbell curl", "zh": "哑铃弯举"}, "equipment": ["dumbbell"],
    "primary_muscles": ["biceps"], "secondary_muscles": ["forearms"], "pattern": "elbow_flexion",
    "mechanic": "isolation", "level": "beginner", "force": "pull",
    **{f: {"en": ["Curl."], "zh": ["弯举。"]} for f in ("steps", "cues", "mistakes")},
    "contraindications": ["elbow"], "home_friendly": True, "source": "free-exercise-db: Dumbbell_Bicep_Curl",
}
FOODS = ("id,name_en,name_zh,category,cuisine,kcal,protein_g,fat_g,carb_g,fiber_g,alcohol_g,portion_g,"
         "portion_en,portion_zh,meal_slots,diet_tags,allergens,source\n"
         "rice_white_cooked,White rice (cooked),米饭,grain,chinese,130,2.7,0.3,28.2,0.4,0,150,1 bowl,一碗,"
         "lunch;dinner,vegetarian;vegan;pescatarian;halal,,USDA SR28 NDB_No 20045\n")
DOC = """---
id: protein
title: {en: Protein, zh: 蛋白质}
tags: [nutrition]
sources: ["Jäger 2017"]
---
<!-- lang: en -->
## Amount
1.4-2.0 g/kg.
<!-- lang: zh -->
## 摄入量
每公斤体重1.4-2.0克。
"""


@pytest.fixture
def mini_kb(tmp_path):
    root = tmp_path / "kb"
    (root / "equipment").mkdir(parents=True)
    (root / "exercises").mkdir()
    (root / "docs").mkdir()
    shutil.copy(KNOWLEDGE_DIR / "vocab.yaml", root / "vocab.yaml")
    (root / "equipment" / "free.yaml").write_text(yaml.safe_dump([EQUIPMENT], allow_unicode=True))
    (root / "exercises" / "arms.yaml").write_text(yaml.safe_dump([EXERCISE], allow_unicode=True))
    (root / "foods.csv").write_text(FOODS)
    (root / "docs" / "protein.md").write_text(DOC)
    return root


def _edit_yaml(path, **changes):
    items = yaml.safe_load(path.read_text())
    items[0].update(changes)
    path.write_text(yaml.safe_dump(items, allow_unicode=True))


def test_minimal_knowledge_base_is_valid_and_typed(mini_kb):
    assert find_problems(read_raw(mini_kb)) == []
    kb = load_knowledge(mini_kb)
    assert kb.equipment["dumbbell"].exercises == ("dumbbell_curl",)  # derived reverse reference
    assert kb.exercises["dumbbell_curl"].name.get("zh") == "哑铃弯举"
    assert kb.foods["rice_white_cooked"].kcal == 130
    assert kb.docs["protein"].sections.get("zh")[0].heading == "摄入量"


def test_dangling_equipment_id_is_named(mini_kb):
    _edit_yaml(mini_kb / "exercises" / "arms.yaml", equipment=["dumbell"])
    problems = find_problems(read_raw(mini_kb))
    assert any(p.startswith("exercises/arms.yaml: dumbbell_curl: equipment: unknown equipment id 'dumbell'")
               for p in problems), problems


def test_missing_translation_is_named(mini_kb):
    _edit_yaml(mini_kb / "equipment" / "free.yaml", purpose={"en": "Free weight."})
    problems = find_problems(read_raw(mini_kb))
    assert "equipment/free.yaml: dumbbell: purpose.zh: missing translation" in problems


def test_uneven_step_lists_are_caught(mini_kb):
    _edit_yaml(mini_kb / "exercises" / "arms.yaml", steps={"en": ["One.", "Two."], "zh": ["一。"]})
    assert any("steps: en has 2 entries but zh has 1" in p for p in find_problems(read_raw(mini_kb)))


def test_negative_and_inconsistent_food_values(mini_kb):
    path = mini_kb / "foods.csv"
    path.write_text(path.read_text().replace(",130,2.7,", ",-5,2.7,"))
    problems = find_problems(read_raw(mini_kb))
    assert "foods.csv: rice_white_cooked: kcal: negative value -5.0" in problems
    path.write_text(FOODS.replace(",130,2.7,", ",400,2.7,"))
    assert any("foods.csv: rice_white_cooked: kcal: stated 400.0 kcal" in p for p in find_problems(read_raw(mini_kb)))


def test_vocab_and_duplicates(mini_kb):
    items = yaml.safe_load((mini_kb / "exercises" / "arms.yaml").read_text())
    items.append(dict(items[0], pattern="twerk"))
    (mini_kb / "exercises" / "arms.yaml").write_text(yaml.safe_dump(items, allow_unicode=True))
    problems = find_problems(read_raw(mini_kb))
    assert any("id: duplicate exercise id" in p for p in problems)
    assert any("pattern: unknown value 'twerk'" in p for p in problems)


def test_load_raises_with_every_problem(mini_kb):
    _edit_yaml(mini_kb / "exercises" / "arms.yaml", level="expert", equipment=["nope"])
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(mini_kb)
    assert len(err.value.problems) >= 2


def test_shipped_knowledge_base_is_valid_and_complete():
    problems = find_problems(read_raw())
    assert problems == [], "\n".join(problems[:20])
    kb = load_knowledge()
    assert len(kb.equipment) >= 40 and len(kb.exercises) >= 200 and len(kb.docs) >= 40
    assert len(kb.foods) >= 300 and sum(f.cuisine == "chinese" for f in kb.foods.values()) >= 120
    dev_classes = {"arm_curl_machine", "barbell", "chest_fly_machine", "chest_press_machine", "dumbbell",
                   "kettlebells", "lat_pull_down_machine", "lateral_raises_machine", "leg_curl_machine",
                   "leg_extension_machine", "leg_press_machine", "leg_raise_tower", "rowing_machine",
                   "seated_row_machine", "shoulder_press_machine", "smith_machine", "squat_rack",
                   "stationary_bike", "treadmill", "weight_bench"}
    assert dev_classes <= set(kb.equipment)


def test_report_prints_counts_and_coverage(capsys):
    from knowledge.__main__ import main

    code = main(["report"])
    out = capsys.readouterr().out
    if code == 0:
        assert "Exercises by pattern" in out and "Muscle coverage" in out and "Language coverage" in out
    else:
        assert "fix" in out
