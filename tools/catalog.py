"""Find equipment cards and exercises by name in either language (no image needed).

"What does the leg press train?" or "腿举机怎么用" name the machine; matching names and aliases as
words in the text is exact and instant, so the catalog answers without any model.
"""
from __future__ import annotations

import re


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_]+", " ", text.lower()).strip()


def _names(names, aliases=None) -> list[str]:
    out = [names.en, names.zh]
    if aliases is not None:
        out += list(aliases.en) + list(aliases.zh)
    return [_norm(n) for n in out if n and len(_norm(n)) >= 2]


def _best(text: str, candidates: dict[str, list[str]]) -> list[tuple[str, int]]:
    norm = _norm(text)
    hits = []
    for key, names in candidates.items():
        lengths = [len(n) for n in names if (n in norm if re.search(r"[\u4e00-\u9fff]", n)
                                             else re.search(rf"\b{re.escape(n)}s?\b", norm))]
        if lengths:
            hits.append((key, max(lengths)))
    return sorted(hits, key=lambda kv: -kv[1])


def _without_machine(names: list[str]) -> list[str]:
    """People say "the leg press" / "腿举" for the leg press machine / 腿举机: the name without its generic
    last word, when what is left still names one thing (two words, two characters)."""
    short = [n[: -len(" machine")] for n in names if n.endswith(" machine") and " " in n[: -len(" machine")]]
    short += [n[:-1] for n in names if n.endswith("机") and len(n) >= 3 and n[:-1] not in ACTIVITY_WORDS]
    return names + short


# Shortened machine names that mean the activity, not the machine: 跑步 is running, 划船 rowing anywhere
ACTIVITY_WORDS = frozenset({"跑步", "划船", "走步", "登山", "骑车"})


def find_equipment(text: str, kb) -> list[str]:
    """Equipment ids whose name or alias appears in the text, longest (most specific) match first."""
    return [k for k, _ in _best(text, {e.id: _without_machine(_names(e.name, e.aliases))
                                       for e in kb.equipment.values()})]


def find_exercises(text: str, kb) -> list[str]:
    """Exercise ids whose English or Chinese name appears in the text, most specific first."""
    return [k for k, _ in _best(text, {x.id: _names(x.name) for x in kb.exercises.values()})]
