"""The retrieval query set is written the way users type: no catalog name verbatim, sized and mixed as issue #18 asks.

Why: a query that *is* an exercise name or alias only measures a dictionary lookup, and rows copied from
the alias table (or aliases copied from rows) make the bench report a fit, not retrieval.
"""
import collections
import unicodedata

import pytest
import yaml

from bench.retrieval import load_eval
from indexes.names import ALIASES

MIN_ROWS = {"gif": 400, "knowledge": 200}
MIN_TYPO_SLANG = 0.15
ZH_SHARE = (0.45, 0.55)   # "half Chinese"


def squash(text: str) -> str:
    """Lower-case, without spaces, punctuation or symbols: 'Push-up!' = 'pushup'."""
    return "".join(c for c in str(text).lower() if not (c.isspace() or unicodedata.category(c)[0] in "PS"))


def catalog_names(kb) -> dict[str, str]:
    """Every exercise and equipment name and alias (knowledge base + aliases.yaml), squashed -> where from."""
    names = {}
    for ex in kb.exercises.values():
        for n in (ex.name.en, ex.name.zh):
            names[squash(n)] = f"exercise {ex.id}"
    for eq in kb.equipment.values():
        for lang in ("en", "zh"):
            for n in (eq.name.get(lang), *(getattr(eq.aliases, lang) or ())):
                names[squash(n)] = f"equipment {eq.id}"
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8")) or {}
    for section in ("exercises", "equipment"):
        for key, entry in (data.get(section) or {}).items():
            for n in (entry.get("en") or []) + (entry.get("zh") or []):
                names[squash(n)] = f"aliases.yaml {section} {key}"
    return names


@pytest.fixture(scope="module")
def rows():
    return load_eval()


def test_squash():
    assert squash(" Push-up! ") == "pushup" and squash("深蹲？") == "深蹲" and squash("T-bar row") == "tbarrow"


def test_no_query_is_a_catalog_name(rows, kb):
    names = catalog_names(kb)
    assert len(names) > 500  # the catalog was read
    copied = [(r["query"], names[squash(r["query"])]) for r in rows if squash(r["query"]) in names]
    assert copied == []


def test_no_query_twice(rows):
    counts = collections.Counter(squash(r["query"]) for r in rows)
    assert [q for q, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("kind", sorted(MIN_ROWS))
def test_sizes_and_mix(rows, kind):
    mine = [r for r in rows if r["kind"] == kind]
    assert len(mine) >= MIN_ROWS[kind]
    zh = sum(r["lang"] == "zh" for r in mine) / len(mine)
    assert ZH_SHARE[0] <= zh <= ZH_SHARE[1]
    assert sum("typo_slang" in r["tags"] for r in mine) / len(mine) >= MIN_TYPO_SLANG
    assert {r["split"] for r in mine} == {"tune", "heldout"}


def test_rows_are_well_formed(rows, kb):
    for r in rows:
        assert r["kind"] in ("gif", "knowledge", "none") and r["lang"] in ("en", "zh") and r["query"].strip()
        if r["kind"] == "gif":
            assert r["expect"] and set(r["expect"]) <= set(kb.exercises), r
