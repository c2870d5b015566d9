"""The knowledge tool: answers from the cited knowledge articles (training, nutrition, recovery, safety).

`search_knowledge` returns ranked sections with article, section and sources for citation;
`answer_question` composes an extractive answer with numbered citations, or says plainly that the
knowledge base does not cover the question. Both wrap `indexes.knowledge_rag.KnowledgeIndex`; the
default index opens (and rebuilds if the articles changed) on first use.
"""
from __future__ import annotations

import functools
from dataclasses import asdict

MAX_K = 10


@functools.lru_cache(maxsize=1)
def _default_index():
    from indexes.knowledge_rag import default_index

    return default_index()


def search_knowledge(query: str, k: int = 5, lang: str | None = None, index=None) -> list[dict]:
    """Up to k sections for the question, best first, each with doc_id, title, section, sources, snippet."""
    index = index or _default_index()
    hits = index.search(query, k=max(0, min(int(k), MAX_K)), lang=lang)
    return [{key: (list(v) if isinstance(v, tuple) else v) for key, v in asdict(h).items()} for h in hits]


def answer_question(query: str, lang: str | None = None, index=None) -> dict:
    """{'answer', 'found', 'lang', 'citations'}: an extractive, cited answer or an honest 'not found'."""
    index = index or _default_index()
    ans = index.answer(query, lang=lang)
    return {"answer": ans.text, "found": ans.found, "lang": ans.lang, "citations": ans.citations}

