"""Lead-first answers from retrieved knowledge sections: what a user reads, not a list of extracts.

Why this shape:
- The answer opens with the one sentence that answers (bold): when the question asks for an amount (g/kg,
  %, minutes, kcal, sets…) the section stating that kind of amount leads, chosen from every section of the
  retrieved articles, not only the retrieved sections (`indexes.quoting` says which amount is asked).
- Then the why: the lead section's next on-topic sentence and the other sections' best sentences that share
  a word with the question, each marked [n], then a Sources list naming article, section and reference.
- Sentence weights are the BM25 IDF of the words a sentence shares with the question, with an article's
  own title words down-weighted (every sentence of the protein article is about protein), so the words that
  tell its sentences apart decide.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from knowledge.language import CJK as _CJK

from . import bm25
from .quoting import Amount, asks_how_to, snippet, split_asked, states_number, units

TOPIC_WEIGHT = 0.25      # a title word's share when choosing among one article's sections and sentences
# A single Chinese character's share of a word, in the knowledge gate's BM25 and in sentence weights:
# characters are there to half-match typos (握推/卧推), but off-topic questions share common ones with
# everything (红烧肉: 肉).
CHAR_WEIGHT = 0.2
# Retrieved articles, in rank order, whose sections may state the asked amount: the top article's own
# statement leads when it has one (rank is the better evidence of topic than shared words); otherwise the
# first of the next ones that states it (a warm-up question whose top article only says "warm up first" is
# answered by the next article's "5-10 minutes")
POOL_ARTICLES = 3
# A sentence that opens by reporting a study ("A 2018 meta-analysis (Morton et al.) found…", "2018年的一项荟萃
#分析发现…") is the evidence, not the advice: when another sentence states the amount too, that one leads
_REPORT = re.compile(r"(?:(?:A|An|One|The|In a|In one)\s+)?(?:(?:19|20)\d\d\s+)?(?:large\s+|recent\s+)?(?:systematic review|"
                     r"meta-analysis|review|study|trial|survey)\b|(?:(?:19|20)\d\d年的?)?一项.{0,12}?(?:研究|荟萃分析|综述|试验|"
                     r"调查)", re.I)
METHOD_SENTENCES = 3     # a how-to answer quotes the method's first sentences in order...
METHOD_START = 0.75      # ...from the first sentence with this share of the best one's query weight
BARE_ANSWER = 6          # characters: a lead as short as "Yes." / "可以。" is bold together with its next sentence
# ...and so is a worked example ("For example, 70 kg at 1.75 m: … = 22.9", "例如体重70公斤…"): the rule it works leads,
# unless the question gives numbers of its own ("80公斤做5次最大重量是多少" is answered by "例如80公斤×5次…≈93公斤")
_EXAMPLE = re.compile(r"(?:for example|for instance|example:|e\.g\.|say you|例如|比如|举个例子|举例)", re.I)
REPORT_PENALTY = 50.0    # below any other sentence stating the same kind of amount, above one stating none
BOUND_PENALTY = 50.0     # "beyond ~22 sets…" below "10-20 sets a week" when the question asks no limit
# A sentence opening with a pronoun or connective leans on the one before it ("It usually peaks 24-72 hours
# after...", "这些切点低于WHO标准", "所以真正的问题..."): quoted first, it is quoted with that one.
_ANAPHOR = re.compile(r"(?:(?:It|Its|This|That|These|Those|They|Their|Such|So|Both|Then|But|However|Instead|Also|"
                      r"Here|Even so|In short|That is)\b|这|那些|那样|此|其|它|他们|她们|因此|所以|但|不过|同时|两者|也就是说|"
                      r"换句话说)")
# An article's own disclaimer line answers nothing (every reply carries its own)
_DISCLAIMER = re.compile(r"not\s+(?:a\s+)?(?:substitute\s+for\s+)?medical\s+advice|不构成医疗建议|仅供参考", re.I)


def stated_score(sentence: str, quantity: Amount | None) -> float:
    """How well a sentence states the asked amount, before its shared words count: the amount (1000), less
    when reported from a study, worked as an example or stated only as a bound the question did not ask
    for; any number (100)."""
    if quantity is None:
        return 0.0
    if quantity.search(sentence):
        example = _EXAMPLE.match(sentence) and not quantity.gives
        return 1000.0 - (REPORT_PENALTY if _REPORT.match(sentence) or example else 0.0) - (
            BOUND_PENALTY if quantity.only_as_bound(sentence) else 0.0)
    return 100.0 if states_number(sentence) else 0.0


NOT_FOUND = {
    "en": "I could not find this in the knowledge base, so I will not guess. Try rephrasing, or ask about "
          "training, nutrition, recovery or safety.",
    "zh": "知识库中没有找到相关内容，我不做猜测。可以换个说法，或询问训练、营养、恢复或安全方面的问题。",
}
SOURCES = {"en": "Sources:", "zh": "来源："}


@dataclass(frozen=True)
class Answer:
    text: str
    found: bool
    lang: str
    citations: list[dict] = field(default_factory=list)
    hits: list = field(default_factory=list)


class Composer:
    """Writes answers over one index's sections: `by_doc` maps (doc_id, lang) to an article's sections in
    order, `tokens` a section's node id to its token set, `ranker` gives the IDF of a token."""

    def __init__(self, ranker: bm25.BM25, by_doc: dict, tokens: dict[str, set[str]]):
        self._bm25, self._by_doc, self._tokens = ranker, by_doc, tokens
        self._topics: dict[tuple[str, str], frozenset[str]] = {}
        self._sentence_tokens: dict[str, set[str]] = {}  # sentence -> its tokens, filled as answers quote them

    def compose(self, query: str, hits: list, lang: str, k: int = 3) -> Answer:
        """The lead-first answer to `query` from `hits` (best first, in `lang`), with numbered citations."""
        if not hits:
            return Answer(NOT_FOUND[lang], False, lang)
        quantity, content = split_asked(self._bm25.correct(query))
        q_tokens = set(bm25.tokenize(content))
        if quantity is not None:  # the section stating the asked amount answers first
            stating = self.stating_section(hits, q_tokens, quantity)
            if stating is not None:
                hits = [stating] + [h for h in hits if (h.doc_id, h.section) != (stating.doc_id, stating.section)]
        hits = hits[:k]
        joiner = "" if lang == "zh" else " "
        topic0 = self.topic(hits[0].doc_id, hits[0].lang)
        how_to = quantity is None and asks_how_to(query)
        lead = (self.method_sentences(hits[0].text, q_tokens, topic0) if how_to
                else self.best_sentences(hits[0].text, q_tokens, quantity, topic0))
        says_yes_no = quantity is not None and quantity.yes_no and bool(lead) and bool(quantity.search(lead[0]))
        if says_yes_no:   # "No, not at normal amounts." goes on with the sentence after it, not the best-sharing one
            lead = self.method_sentences(hits[0].text, q_tokens, topic0, n=2, start=lead[0])
        if len(lead) > 1 and (lead[0].endswith((":", "：")) or len(lead[0]) <= BARE_ANSWER):
            lead = [joiner.join(lead)]   # a lead-in line and its list, or "Yes." and its why, lead together
        w0 = self.weight(q_tokens, self.sentence_set(lead[0]), topic0)   # a second sentence must be about as on-topic
        lead = lead[:1] + [x for x in lead[1:] if how_to or self.weight(q_tokens, self.sentence_set(x), topic0) >= 0.5 * w0 > 0
                           or says_yes_no or (quantity is not None and quantity.search(x))]
        # ...or state the asked amount, or say why after a yes or no
        others = None if quantity is not None and quantity.yes_no else quantity   # a yes/no elsewhere answers another question
        used, parts = [hits[0]], [f"**{lead[0]}**" + "".join(joiner + x for x in lead[1:]) + " [1]"]
        for hit in hits[1:]:
            topic = self.topic(hit.doc_id, hit.lang)
            best = joiner.join(self.best_sentences(hit.text, q_tokens, others, topic, n=2))
            if best and best not in lead and self.weight(q_tokens, self.sentence_set(best), topic) > 0:
                used.append(hit)
                parts.append(f"{best} [{len(used)}]")
        lines = [parts[0], "", " ".join(parts[1:])] if len(parts) > 1 else [parts[0]]
        cites = [{"n": n, "doc_id": h.doc_id, "title": h.title, "section": h.section, "sources": list(h.sources)}
                 for n, h in enumerate(used, 1)]
        lines += ["", SOURCES[lang]]
        for c in cites:
            src = f" ({c['sources'][0]})" if c["sources"] else ""
            lines.append(f"[{c['n']}] {c['title']} — {c['section']}{src}")
        return Answer("\n".join(lines), True, lang, cites, hits)

    def stating_section(self, hits: list, q_tokens: set[str], quantity: Amount):
        """The section stating the asked kind of amount, as a hit: of the top hit's article, every section
        (not only the retrieved ones), the one whose stating sentence shares the most query-term weight with
        the question; when that article states no such amount, the same from the next retrieved article
        that does (up to POOL_ARTICLES); None when none states it."""
        for doc in list(dict.fromkeys((h.doc_id, h.lang) for h in hits))[:quantity.articles or POOL_ARTICLES]:
            # a yes or no answers only its own section's question: one retrieved for this question whose heading
            # shares a word with it ("Can kids and teenagers lift weights"; not "酸痛是好信号吗" for "第三天更疼正常吗")
            retrieved = {h.section for h in hits if (h.doc_id, h.lang) == doc and self._names_heading(q_tokens, h.section)
                         } if quantity.yes_no else None
            found = self._stating_in(doc, q_tokens, quantity, retrieved)
            if found is not None:
                p = found[1]
                rank = next(h for h in hits if (h.doc_id, h.lang) == doc)   # its article's scores, for the record
                return dataclasses.replace(rank, section=p.section, text=p.text, snippet=snippet(p.text))
        return None

    def _names_heading(self, q_tokens: set[str], heading: str) -> bool:
        """Whether the question shares a word (not a lone Chinese character) with a section heading."""
        return any(len(t) > 1 or not _CJK.match(t) for t in q_tokens & self.sentence_set(heading))

    def _stating_in(self, doc: tuple[str, str], q_tokens: set[str], quantity: Amount, sections: set | None = None):
        """((sentence weight, section weight), section) of one article's best section stating the amount (of
        `sections` only, when given)."""
        best = None
        for p in self._by_doc.get(doc, ()):
            stating = [u for u in units(p.text) if quantity.search(u)] if sections is None or p.section in sections else []
            if not stating:
                continue
            # (a yes/no section's heading is its question: every word of it counts, title words too)
            topic = frozenset() if quantity.yes_no else self.topic(p.doc_id, p.lang)
            heading = self.sentence_set(p.section)
            # a sentence is read under its heading: "每天3-5克" in "肌酸：证据充分" states creatine's dose
            w = (max(stated_score(u, quantity) + self.weight(q_tokens, self.sentence_set(u) | heading, topic)
                     for u in stating),
                 self.weight(q_tokens, self._tokens[p.node_id], topic))
            if best is None or w > best[0]:
                best = (w, p)
        return best

    def best_sentences(self, text: str, q_tokens: set[str], quantity: Amount | None = None,
                       topic: frozenset[str] = frozenset(), n: int = 2) -> list[str]:
        """The n sentences of a section that answer best: one stating the asked amount first, then any number,
        then query-term weight; a lead-in line stays before the list it introduces."""
        sentences = [u for u in units(text) if not _DISCLAIMER.search(u)] or units(text)

        def weight(s: str) -> float:
            return stated_score(s, quantity) + self.weight(q_tokens, self.sentence_set(s), topic)
        order = sorted(range(len(sentences)), key=lambda i: (-weight(sentences[i]), i))[:n]
        if len(order) > 1 and order[1] == order[0] - 1 and sentences[order[1]].endswith((":", "：")):
            order.sort()
        out = [sentences[i] for i in order]
        first = order[0] if order else 0
        if out and first > 0 and _ANAPHOR.match(out[0]):   # "It peaks at 24-72 hours": say what "it" is first
            before = sentences[first - 1]
            out = [before + ("" if _CJK.search(before) else " ") + out[0]] + [x for x in out[1:] if x != before]
        return out

    def method_sentences(self, text: str, q_tokens: set[str], topic: frozenset[str] = frozenset(),
                         n: int = METHOD_SENTENCES, start: str | None = None) -> list[str]:
        """A method as the section tells it, in order: from the first sentence about as on-topic as its best (or
        the one that sentence leans on), or from `start`, on."""
        sentences = [u for u in units(text) if not _DISCLAIMER.search(u)] or units(text)
        if not sentences:
            return []
        w = [self.weight(q_tokens, self.sentence_set(x), topic) for x in sentences]
        first = (sentences.index(start) if start in sentences else
                 next(i for i, x in enumerate(w) if x >= METHOD_START * max(w)))   # where the text takes the question up
        if first > 0 and _ANAPHOR.match(sentences[first]):
            first -= 1
        return sentences[first:first + n]

    def weight(self, q_tokens: set[str], tokens: set[str], topic: frozenset[str] = frozenset()) -> float:
        """Query-term weight a text shares with the question: the summed IDF of the shared tokens, single
        Chinese characters at CHAR_WEIGHT and the article's title words (`topic`, which every section of it
        is about: 蛋白质 in the protein article) at TOPIC_WEIGHT."""
        return sum(self._bm25.idf(t) * (CHAR_WEIGHT if len(t) == 1 and _CJK.match(t) else
                                        TOPIC_WEIGHT if t in topic else 1.0) for t in q_tokens & tokens)

    def topic(self, doc_id: str, lang: str) -> frozenset[str]:
        """The tokens of an article's title in one language."""
        got = self._topics.get((doc_id, lang))
        if got is None:
            first = self._by_doc.get((doc_id, lang))
            got = self._topics[(doc_id, lang)] = frozenset(bm25.tokenize(first[0].title) if first else ())
        return got

    def sentence_set(self, sentence: str) -> set[str]:
        """Tokens of a sentence, cached: the same article sentences are quoted again and again."""
        got = self._sentence_tokens.get(sentence)
        if got is None:
            got = self._sentence_tokens[sentence] = set(bm25.tokenize(sentence))
        return got
