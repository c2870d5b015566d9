"""Counts by category, muscle coverage and language coverage of the knowledge base."""
from __future__ import annotations

from collections import Counter

from .loader import RawKnowledge
from .schema import KnowledgeBase


def _table(title: str, counts: Counter | dict, width: int = 28) -> list[str]:
    lines = [f"\n{title}", "-" * (width + 8)]
    lines += [f"{str(k):<{width}} {v:>6}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    return lines


def _language_coverage(raw: RawKnowledge) -> dict[str, str]:
    """Share of bilingual fields that have non-empty text in each language."""
    have = Counter()
    total = 0

    def visit(value):
        nonlocal total
        if isinstance(value, dict) and set(value) >= {"en", "zh"} and not set(value) - {"en", "zh"}:
            total += 1
            for lang in ("en", "zh"):
                if value[lang]:
                    have[lang] += 1
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)

    for rec in raw.equipment + raw.exercises + raw.foods + raw.docs:
        visit(rec.data)
    return {lang: f"{have[lang]}/{total} ({100 * have[lang] / max(total, 1):.1f}%)" for lang in ("en", "zh")}


def render_report(kb: KnowledgeBase, raw: RawKnowledge) -> str:
    lines = ["FitnessLM knowledge base",
             f"equipment {len(kb.equipment)} · exercises {len(kb.exercises)} · foods {len(kb.foods)} "
             f"(chinese {sum(f.cuisine == 'chinese' for f in kb.foods.values())}) · docs {len(kb.docs)}"]
    lines += _table("Equipment by category", Counter(e.category for e in kb.equipment.values()))
    lines += _table("Exercises by pattern", Counter(e.pattern for e in kb.exercises.values()))
    lines += _table("Exercises by level", Counter(e.level for e in kb.exercises.values()))
    lines += _table("Exercises home-friendly", Counter("home" if e.home_friendly else "gym" for e in kb.exercises.values()))
    primary = Counter(m for e in kb.exercises.values() for m in e.primary_muscles)
    secondary = Counter(m for e in kb.exercises.values() for m in e.secondary_muscles)
    lines += ["\nMuscle coverage (exercises: primary / secondary)", "-" * 36]
    lines += [f"{m:<20} {primary[m]:>6} / {secondary[m]:<6}" for m in kb.vocab["muscles"]]
    lines += _table("Foods by category", Counter(f.category for f in kb.foods.values()))
    lines += _table("Foods by diet tag", Counter(t for f in kb.foods.values() for t in f.diet_tags))
    lines += _table("Foods by allergen", Counter(a for f in kb.foods.values() for a in f.allergens))
    lines += _table("Docs by tag", Counter(t for d in kb.docs.values() for t in d.tags))
    lines += ["\nLanguage coverage of bilingual fields"] + [f"{k:<4} {v}" for k, v in _language_coverage(raw).items()]
    return "\n".join(lines)
