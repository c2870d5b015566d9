"""Answers, not extracts: a cited knowledge answer that leads with the answer, composed without an LLM.

From the retrieved sections (tools.knowledge_search.search_knowledge hits, full text), the sentence that best
answers the question comes first — for "how much / how long / how often" questions one carrying a number with
a unit — then one or two sentences with the why and the practical step, each marked [n], then the sources.
Every sentence is copied from a cited passage, so every fact stays traceable.
"""
from __future__ import annotations

import re

_QUANTITY = r"how\s*(?:much|many|long|often|fast|soon|big)|what\s*(?:rate|amount|percentage)|多少|几|多久|多长|多快|多大|多重|频率|速度"
_UNIT = (r"\d\s*(?:-|–|to|至|~)?\s*\d*\s*(?:g\b|grams?|g/kg|kg|kcal|calories|min|minutes?|hours?|h\b|%|sets?|reps?|days?|"
         r"weeks?|ml|l\b|litres?|liters?|mg|克|公斤|千克|千卡|分钟|小时|组|次|天|周|毫升|升|毫克|％)")
_STOP = set("the a an is are do does i my me to of for in on and or what how much many should can it be with per day "
            "you your at this that which why when there get".split())
_CN_STOP = set("的了吗呢吧是我你在和有要怎么什么多少一个")


def _terms(text: str) -> set[str]:
    text = text.lower()
    words = {w for w in re.findall(r"[a-z][a-z\-]+", text) if w not in _STOP}
    words |= {w.rstrip("s") for w in words}
    zh = [c for c in re.findall(r"[\u4e00-\u9fff]", text)]
    bigrams = {a + b for a, b in zip(zh, zh[1:]) if not ({a, b} <= _CN_STOP)}
    return words | bigrams


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\s*\n\s*(?:[-*]\s*)?", text)
    parts = [re.sub(r"^[-*•]\s*", "", p.strip()).rstrip(":：") for p in parts if p]   # no list marker in a lead
    return [p for p in parts if len(p) > 8 and not p.endswith((":", "："))]


def knowledge_answer(question: str, hits: list[dict], lang: str) -> dict:
    """{'answer', 'found', 'citations'}: lead sentence, support, sources; 'found' False when nothing fits."""
    q = _terms(question)
    wants_number = bool(re.search(_QUANTITY, question, re.I))
    scored = []
    for rank, hit in enumerate(hits[:4]):
        for pos, sent in enumerate(_sentences(hit.get("text") or hit.get("snippet", ""))):
            overlap = len(q & _terms(sent))
            has_number = bool(re.search(_UNIT, sent, re.I))
            advice = bool(re.search(r"recommend|suggest|aim\s*for|guideline|建议|推荐|指南", sent, re.I))
            score = overlap + (2.5 if wants_number and has_number else 0.5 if has_number else 0) \
                + 1.5 * advice - 1.5 * min(rank, 2) - 0.05 * pos
            scored.append((score, rank, pos, sent))
    if not scored or max(s[0] for s in scored) < 1:
        return {"answer": "", "found": False, "citations": []}
    scored.sort(key=lambda s: -s[0])
    lead = scored[0]
    chosen = [lead]
    for cand in scored[1:]:
        if len(chosen) == 3:
            break
        if cand[3] != lead[3] and cand[0] >= 1 and all(cand[3] != c[3] for c in chosen):
            chosen.append(cand)
    ranks = sorted({c[1] for c in chosen}, key=lambda r: [c[1] for c in chosen].index(r))
    number = {r: i + 1 for i, r in enumerate(ranks)}
    lead_text = f"**{lead[3]}** [{number[lead[1]]}]"
    rest = [f"{c[3]} [{number[c[1]]}]" for c in chosen[1:]]
    citations = [{"n": number[r], "doc_id": hits[r].get("doc_id"), "title": hits[r].get("title", ""),
                  "section": hits[r].get("section", ""), "sources": hits[r].get("sources", [])} for r in ranks]
    body = lead_text + ("\n\n" + " ".join(rest) if rest else "")
    return {"answer": body, "found": True, "citations": citations}
