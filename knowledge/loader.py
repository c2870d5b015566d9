"""Reads the knowledge files into raw records, validates them and builds typed objects."""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .schema import Bilingual, Doc, Equipment, Exercise, Food, FoodFacts, KnowledgeBase, Section

KNOWLEDGE_DIR = Path(__file__).resolve().parent
FOOD_NUMBERS = ("kcal", "protein_g", "fat_g", "carb_g", "fiber_g", "alcohol_g", "portion_g")
FOOD_LISTS = ("meal_slots", "diet_tags", "allergens")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_LANG_MARK = re.compile(r"^<!--\s*lang:\s*(\w+)\s*-->\s*$", re.M)


class KnowledgeError(ValueError):
    """Raised when the knowledge files do not pass validation; lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} knowledge problem(s):\n{shown}{more}")


@dataclass
class Record:
    """One raw item and where it came from, so messages can name the file and item."""

    file: str
    data: dict

    @property
    def id(self) -> str:
        return str(self.data.get("id", "?"))


@dataclass
class RawKnowledge:
    vocab: dict
    equipment: list[Record]
    exercises: list[Record]
    foods: list[Record]
    docs: list[Record]
    problems: list[str]  # parse errors found while reading
    food_facts: dict = field(default_factory=dict)  # food id -> FoodFacts (food_facts.csv)


def _read_yaml_list(folder: Path, root: Path, problems: list[str]) -> list[Record]:
    records = []
    for path in sorted(folder.glob("*.yaml")):
        rel = str(path.relative_to(root))
        try:
            items = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or []
        except yaml.YAMLError as exc:
            problems.append(f"{rel}: YAML parse error: {exc}")
            continue
        if not isinstance(items, list):
            problems.append(f"{rel}: expected a list of items")
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"{rel}: item #{i + 1}: expected a mapping")
                continue
            records.append(Record(rel, item))
    return records


def _read_foods(path: Path, root: Path, problems: list[str]) -> list[Record]:
    if not path.exists():
        return []
    rel = str(path.relative_to(root))
    records = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            data: dict = {k: (v or "").strip() for k, v in row.items() if k is not None}
            for key in FOOD_NUMBERS:
                try:
                    data[key] = float(data.get(key) or 0)
                except ValueError:
                    problems.append(f"{rel}: {data.get('id', '?')}: {key}: not a number: {data[key]!r}")
                    data[key] = 0.0
            for key in FOOD_LISTS:
                data[key] = [v.strip() for v in data.get(key, "").split(";") if v.strip()]
            data["name"] = {"en": data.pop("name_en", ""), "zh": data.pop("name_zh", "")}
            data["portion"] = {"en": data.pop("portion_en", ""), "zh": data.pop("portion_zh", "")}
            records.append(Record(rel, data))
    return records


def _parse_sections(body: str) -> list[dict]:
    sections = []
    for chunk in re.split(r"^## ", body, flags=re.M):
        if not chunk.strip():
            continue
        heading, _, text = chunk.partition("\n")
        sections.append({"heading": heading.strip(), "text": text.strip()})
    return sections


def _read_docs(folder: Path, root: Path, problems: list[str]) -> list[Record]:
    records = []
    for path in sorted(folder.glob("*.md")):
        rel = str(path.relative_to(root))
        match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if not match:
            problems.append(f"{rel}: missing YAML front matter between '---' lines")
            continue
        try:
            meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{rel}: front matter YAML error: {exc}")
            continue
        parts = _LANG_MARK.split(match.group(2))
        bodies = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
        meta["sections"] = {lang: _parse_sections(text) for lang, text in bodies.items()}
        meta["_file_id"] = path.stem
        records.append(Record(rel, meta))
    return records


def read_raw(root: Path | str = KNOWLEDGE_DIR) -> RawKnowledge:
    """Read every knowledge file without judging it (parse errors are collected)."""
    root = Path(root)
    problems: list[str] = []
    vocab = yaml.load((root / "vocab.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    return RawKnowledge(
        vocab=vocab,
        equipment=_read_yaml_list(root / "equipment", root, problems),
        exercises=_read_yaml_list(root / "exercises", root, problems),
        foods=_read_foods(root / "foods.csv", root, problems),
        docs=_read_docs(root / "docs", root, problems),
        problems=problems,
        food_facts=read_food_facts(root / "food_facts.csv"),
    )


def _bi(value: dict, as_tuple: bool = False) -> Bilingual:
    value = value or {}
    conv = (lambda v: tuple(v or ())) if as_tuple else (lambda v: v or "")
    return Bilingual(conv(value.get("en")), conv(value.get("zh")))


def _equipment(d: dict, exercises: tuple[str, ...]) -> Equipment:
    lists = {k: _bi(d.get(k), True) for k in ("aliases", "setup", "usage", "safety", "mistakes", "beginner_tips")}
    return Equipment(id=d["id"], name=_bi(d["name"]), category=d["category"], muscles=tuple(d["muscles"]),
                     purpose=_bi(d["purpose"]), home=bool(d.get("home")), imagenet=tuple(d.get("imagenet") or ()),
                     sources=tuple(d.get("sources") or ()), exercises=exercises, **lists)


def _exercise(d: dict) -> Exercise:
    return Exercise(
        id=d["id"], name=_bi(d["name"]), equipment=tuple(d.get("equipment") or ()),
        primary_muscles=tuple(d["primary_muscles"]), secondary_muscles=tuple(d.get("secondary_muscles") or ()),
        pattern=d["pattern"], mechanic=d["mechanic"], level=d["level"], force=d.get("force", "static"),
        steps=_bi(d["steps"], True), cues=_bi(d["cues"], True), mistakes=_bi(d["mistakes"], True),
        contraindications=tuple(d.get("contraindications") or ()), home_friendly=bool(d.get("home_friendly")),
        source=str(d.get("source", "")))


def read_food_facts(path: Path) -> dict[str, FoodFacts]:
    """knowledge/food_facts.csv (built by knowledge/build_food_facts.py) by food id; {} when absent."""
    if not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            num = {k: float(r[k] or 0) for k in ("unit_g", "min_g", "max_g", "sodium_mg", "sat_fat_g",
                                                  "added_sugar_g", "veg_g", "fruit_g")}
            parts = [x.split(":") for x in r["ingredients"].split(";") if x]
            out[r["id"]] = FoodFacts(role=r["role"], cuisines=tuple(c for c in r["cuisines"].split(";") if c),
                                     unit=Bilingual(r["unit_en"], r["unit_zh"]), protein_dense=r["protein_dense"] == "1",
                                     ingredients=tuple((n, float(g)) for n, g in parts), source=r["facts_source"], **num)
    return out


def _food(d: dict) -> Food:
    return Food(id=d["id"], name=_bi(d["name"]), category=d["category"], cuisine=d.get("cuisine", "other"),
                portion=_bi(d["portion"]), source=d.get("source", ""),
                **{k: d[k] for k in FOOD_NUMBERS}, **{k: tuple(d[k]) for k in FOOD_LISTS})


def _doc(d: dict, file: str) -> Doc:
    sections = {lang: tuple(Section(s["heading"], s["text"]) for s in d["sections"].get(lang, []))
                for lang in ("en", "zh")}
    return Doc(id=d["id"], title=_bi(d["title"]), tags=tuple(d.get("tags") or ()),
               sources=tuple(d.get("sources") or ()), sections=Bilingual(sections["en"], sections["zh"]), path=file)


def build(raw: RawKnowledge) -> KnowledgeBase:
    """Turn validated raw records into a KnowledgeBase (equipment → exercises is derived here)."""
    kb = KnowledgeBase(vocab=raw.vocab)
    kb.exercises = {r.id: _exercise(r.data) for r in raw.exercises}
    uses: dict[str, list[str]] = {}
    for ex in kb.exercises.values():
        for eq in ex.equipment:
            uses.setdefault(eq, []).append(ex.id)
    kb.equipment = {r.id: _equipment(r.data, tuple(uses.get(r.id, ()))) for r in raw.equipment}
    kb.foods = {r.id: _food(r.data) for r in raw.foods}
    kb.foods = {fid: replace(f, facts=raw.food_facts.get(fid)) for fid, f in kb.foods.items()}
    kb.docs = {r.id: _doc(r.data, r.file) for r in raw.docs}
    return kb


def load_knowledge(root: Path | str | None = None, validate: bool = True) -> KnowledgeBase:
    """Load the knowledge base; raises KnowledgeError naming file, item and field when invalid."""
    return _load_cached(str(Path(root or KNOWLEDGE_DIR).resolve()), validate)


@functools.lru_cache(maxsize=4)
def _load_cached(root: str, validate: bool) -> KnowledgeBase:
    from .validate import find_problems

    raw = read_raw(root)
    if validate:
        problems = find_problems(raw)
        if problems:
            raise KnowledgeError(problems)
    return build(raw)
