"""Cited answers from the knowledge articles: LlamaIndex + FAISS vectors fused with jieba BM25.

Why this shape:
- A node is one `## ` section of one article in one language, so every hit names its article and
  section for citation. English and Chinese bodies are parallel (same sections in the same order),
  so a hit in either language is shown in the user's language.
- The vector side is a LlamaIndex `VectorStoreIndex` over a `FaissVectorStore` (inner product on
  normalised vectors = cosine), embedded by the packaged multilingual model through a small
  `BaseEmbedding` adapter, persisted under `<cache>/indexes/knowledge-<embedder>/`. A manifest keeps
  the content hash of the articles; when they (or the embedder) change the index is rebuilt.
- BM25 (jieba) catches exact terms the vectors blur; reciprocal rank fusion of both rankings is the
  measured best (`python -m bench retrieval`).
- Answers are written by `indexes.answering` (lead-first: the sentence that answers in bold, the asked
  amount's section first, the why cited [n], a Sources list); below the relevance floor the answer says the
  knowledge base does not cover the question instead of guessing.
- PDF ingestion of user documents (e.g. MinerU, when installed) is an extension, not a dependency:
  convert each PDF to Markdown with `## ` sections and front matter (SCHEMA.md) in a folder, load it
  with `knowledge.loader.read_raw(folder)`, and pass that knowledge base to `KnowledgeIndex`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from knowledge.language import CJK as _CJK
from knowledge.language import detect_language

from . import bm25
from .answering import CHAR_WEIGHT, NOT_FOUND, Answer, Composer  # noqa: F401 (NOT_FOUND, Answer: API)
from .quoting import asked_quantity, snippet as _snippet  # noqa: F401 (asked_quantity: API)
from .subjects import names_other_subject

INDEX_VERSION = 1
CANDIDATES = 30          # nodes taken from each ranking before fusion
RRF_K = 60               # reciprocal rank fusion constant (Cormack et al. 2009)
COSINE_WEIGHT = 0.15     # "rerank": RRF score + this × the section's cosine (as in the GIF library)
# Measured best per embedder on bench/retrieval_eval.jsonl (`python -m bench retrieval`): e5-small with
# rerank has the best recall@1 and @5 on the articles, so the app's index uses it by default.
DEFAULT_EMBEDDER = "e5-small"
BEST_METHOD = {"use-multilingual": "hybrid", "e5-small": "rerank", "minilm": "bm25"}
# Relevance floor, measured on the off-topic queries of bench/retrieval_eval.jsonl: a question is
# answered when the best section's cosine reaches MIN_COSINE, or its BM25 score reaches MIN_BM25
# while the cosine still reaches the lower SOFT_COSINE.
MIN_COSINE = {"use-multilingual": 0.45, "e5-small": 0.9, "minilm": 0.6}
SOFT_COSINE = {"use-multilingual": 0.25, "e5-small": 0.86, "minilm": 0.3}
MIN_BM25 = 8.0
# ...or a strong keyword match (BM25 >= STRONG_BM25) at a cosine down to FLOOR_COSINE: short English
# questions naming a rare term ("efsa water intake men", "when does doms peak") embed poorly.
STRONG_BM25 = 12.0
FLOOR_COSINE = {"use-multilingual": 0.25, "e5-small": 0.845, "minilm": 0.3}
# Title words too common to say what a question is about ("how much protein do you need?": need, much)
TITLE_STOP = frozenset("how much many what need you your the and for with does why when can 每天 多少 什么 怎么 如何 需要 "
                       "应该 可以".split())
# ...or it names a word of the title of the article it embeds closest to, at a cosine down to this
TITLE_COSINE = {"use-multilingual": 0.2, "e5-small": 0.835, "minilm": 0.25}
RERANK_POOL = 6          # sections the quantity check may reorder before the top 3 are answered


@dataclass(frozen=True)
class Passage:
    doc_id: str
    index: int           # section position, the same in both languages
    lang: str
    title: str
    section: str
    text: str
    sources: tuple[str, ...]

    @property
    def node_id(self) -> str:
        return f"{self.doc_id}#{self.lang}#{self.index}"


@dataclass(frozen=True)
class Hit:
    doc_id: str
    title: str
    section: str
    lang: str
    score: float         # fused score (RRF) or the single method's score
    cosine: float        # best vector similarity of this section (either language)
    snippet: str
    text: str
    sources: tuple[str, ...]


def passages(kb) -> list[Passage]:
    """Every section of every article in both languages, in a stable order."""
    out = []
    for doc in sorted(kb.docs.values(), key=lambda d: d.id):
        for lang in ("en", "zh"):
            for i, s in enumerate(doc.sections.get(lang)):
                out.append(Passage(doc.id, i, lang, doc.title.get(lang), s.heading, s.text, tuple(doc.sources)))
    return out


def content_hash(items: list[Passage], embedder_name: str) -> str:
    h = hashlib.sha256(f"v{INDEX_VERSION}|{embedder_name}".encode())
    for p in items:
        h.update(json.dumps([p.doc_id, p.index, p.lang, p.title, p.section, p.text, p.sources], ensure_ascii=False).encode())
    return h.hexdigest()


def make_embed_model(embedder):
    """A LlamaIndex BaseEmbedding that delegates to a runtime.embeddings Embedder."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class RuntimeEmbedding(BaseEmbedding):
        _embedder = PrivateAttr()

        def __init__(self, inner, **kwargs):
            super().__init__(model_name=inner.name, embed_batch_size=64, **kwargs)
            self._embedder = inner

        @classmethod
        def class_name(cls) -> str:
            return "RuntimeEmbedding"

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_queries([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_documents([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_documents(texts).tolist()

    return RuntimeEmbedding(embedder)


class KnowledgeIndex:
    """Hybrid search and cited answers over the knowledge articles; persisted in `persist_dir`."""

    def __init__(self, kb, embedder, persist_dir: Path | str):
        self.embedder = embedder
        self.persist_dir = Path(persist_dir)
        self.passages = passages(kb)
        self._by_node = {p.node_id: p for p in self.passages}
        self._slots = {(p.doc_id, p.index, p.lang): p for p in self.passages}
        self.hash = content_hash(self.passages, embedder.name)
        self._embed_model = make_embed_model(embedder)
        self.rebuilt = False
        self._index = self._load() or self._build()
        texts = [f"{p.title} {p.section} {p.text}" for p in self.passages]
        tokens = [bm25.tokenize(t) for t in texts]
        self._bm25 = bm25.BM25(tokens, surface=texts)
        self._tokens = {p.node_id: set(t) for p, t in zip(self.passages, tokens)}
        self._by_doc: dict[tuple[str, str], list[Passage]] = {}
        for p in self.passages:
            self._by_doc.setdefault((p.doc_id, p.lang), []).append(p)
        self.composer = Composer(self._bm25, self._by_doc, self._tokens)

    # ------------------------------------------------------------ persistence
    def _manifest(self) -> Path:
        return self.persist_dir / "manifest.json"

    def _load(self):
        from llama_index.core import StorageContext, load_index_from_storage
        from llama_index.vector_stores.faiss import FaissVectorStore

        try:
            manifest = json.loads(self._manifest().read_text(encoding="utf-8"))
            if manifest.get("hash") != self.hash:
                return None  # sources or embedder changed: stale
            store = FaissVectorStore.from_persist_dir(str(self.persist_dir))
            storage = StorageContext.from_defaults(vector_store=store, persist_dir=str(self.persist_dir))
            return load_index_from_storage(storage, embed_model=self._embed_model)
        except (OSError, ValueError, KeyError, RuntimeError):
            return None

    def _build(self):
        import faiss
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.schema import TextNode
        from llama_index.vector_stores.faiss import FaissVectorStore

        nodes = [TextNode(id_=p.node_id, text=f"{p.section}\n{p.text}",
                          metadata={"doc_id": p.doc_id, "section": p.section, "lang": p.lang, "title": p.title,
                                    "sources": list(p.sources)},
                          excluded_embed_metadata_keys=["doc_id", "section", "lang", "sources"],
                          excluded_llm_metadata_keys=["doc_id", "lang", "sources"], metadata_template="{value}")
                 for p in self.passages]
        for old in self.persist_dir.glob("*.json"):  # only our own files: the folder may hold others
            if old.name == "manifest.json" or old.name.endswith(("_store.json", "docstore.json")):
                old.unlink()
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(self.embedder.dim))
        storage = StorageContext.from_defaults(vector_store=store)
        index = VectorStoreIndex(nodes, storage_context=storage, embed_model=self._embed_model, show_progress=False)
        storage.persist(persist_dir=str(self.persist_dir))
        self._manifest().write_text(json.dumps({"hash": self.hash, "embedder": self.embedder.name,
                                                "nodes": len(nodes), "version": INDEX_VERSION}), encoding="utf-8")
        self.rebuilt = True
        return index

    # ------------------------------------------------------------ retrieval
    def _vector(self, query: str, n: int) -> list[tuple[Passage, float]]:
        if not self.passages:
            return []
        retriever = self._index.as_retriever(similarity_top_k=min(n, len(self.passages)))
        return [(self._by_node[r.node.node_id], float(r.score or 0.0)) for r in retriever.retrieve(query)
                if r.node.node_id in self._by_node]

    def search(self, query: str, k: int = 5, method: str | None = None, lang: str | None = None,
               gate: bool = True, only_lang: str | None = None) -> list[Hit]:
        """Top-k sections for a question; [] for an empty query or (with `gate`) an off-topic one: far from
        every article, or about a pet's, plant's or machine's care (`indexes.subjects`).

        `method` is vector | bm25 | hybrid | rerank (default: the measured best for this embedder);
        `lang` is the language of the returned text (default: the query's); `only_lang` matches sections
        of one language only, which the benchmark uses to measure cross-lingual retrieval.
        """
        method = method or BEST_METHOD.get(self.embedder.name, "hybrid")
        query = (query or "").strip()[:1000]
        if not query or k <= 0 or not self.passages or (gate and names_other_subject(query)):
            return []   # (a pet's feeding or a car's oil is close to the articles' words, not their topic)
        lang = lang if lang in ("en", "zh") else detect_language(query)
        fixed = self._bm25.correct(query) if method in ("hybrid", "rerank") else query
        vec = self._vector(fixed, len(self.passages) if only_lang else CANDIDATES)
        if only_lang:
            vec = [(p, sc) for p, sc in vec if p.lang == only_lang][:CANDIDATES]
        cosine: dict[tuple, float] = {}
        for p, s in vec:
            cosine.setdefault((p.doc_id, p.index), s)
        tokens = bm25.tokenize(fixed)
        kw = [(self.passages[i], s) for i, s in self._bm25.search(tokens, len(self.passages) if only_lang else CANDIDATES)
              if only_lang in (None, self.passages[i].lang)][:CANDIDATES]
        slot_rank = lambda hits: list(dict.fromkeys((p.doc_id, p.index) for p, _ in hits))  # noqa: E731
        if method == "vector":
            ranked = [(slot, cosine[slot]) for slot in slot_rank(vec)]
        elif method == "bm25":
            best: dict[tuple, float] = {}
            for p, s in kw:
                best.setdefault((p.doc_id, p.index), s)
            ranked = list(best.items())
        else:
            fused = bm25.rrf([slot_rank(vec), slot_rank(kw)], RRF_K)
            if method == "rerank":
                fused = {slot: sc + COSINE_WEIGHT * cosine.get(slot, 0.0) for slot, sc in fused.items()}
            ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        if gate and not (self._relevant(max(cosine.values(), default=0.0), self._gate_keyword(tokens))
                         or self._names_topic(tokens, vec)):
            return []
        hits = []
        for (doc_id, index), score in ranked[:k]:
            p = self._slots.get((doc_id, index, lang)) or self._slots.get((doc_id, index, "en" if lang == "zh" else "zh"))
            hits.append(Hit(p.doc_id, p.title, p.section, p.lang, float(score), cosine.get((doc_id, index), 0.0),
                            _snippet(p.text), p.text, p.sources))
        return hits

    def _relevant(self, cos: float, keyword: float) -> bool:
        name = self.embedder.name
        return (cos >= MIN_COSINE.get(name, 0.45) or (keyword >= MIN_BM25 and cos >= SOFT_COSINE.get(name, 0.3))
                or (keyword >= STRONG_BM25 and cos >= FLOOR_COSINE.get(name, 0.3)))

    def _names_topic(self, tokens: list[str], vec: list) -> bool:
        """The question names the title topic of the article it embeds closest to ("what is RIR" -> RPE and
        RIR, "what is a healthy BMI" -> BMI and waist) at a cosine still above TITLE_COSINE: short
        definitional questions embed poorly, and an off-topic one shares no title word."""
        if not vec or vec[0][1] < TITLE_COSINE.get(self.embedder.name, 0.3):
            return False
        words = {t for t in tokens if len(t) > 1 and t not in TITLE_STOP}
        top = vec[0][0]
        return bool(words & (self.composer.topic(top.doc_id, "en") | self.composer.topic(top.doc_id, "zh")))

    def _gate_keyword(self, tokens: list[str]) -> float:
        """Best BM25 score of any section for the question's tokens, single Chinese characters down-weighted
        (CHAR_WEIGHT)."""
        weights = [CHAR_WEIGHT if len(t) == 1 and _CJK.match(t) else 1.0 for t in tokens]
        s = self._bm25.scores(tokens, weights)
        return float(s.max()) if s.size else 0.0

    def answer(self, query: str, lang: str | None = None, k: int = 3) -> Answer:
        """A lead-first extractive answer with numbered citations, or an honest 'not found' (in the user's
        language); the pool searched is RERANK_POOL sections, so the asked amount can lead from any of them."""
        lang = lang if lang in ("en", "zh") else detect_language(query or "")
        hits = self.search(query, k=max(k, RERANK_POOL), lang=lang)  # the default method
        return self.composer.compose(query, hits, lang, k)


def default_index(embedder_name: str | None = None) -> KnowledgeIndex:
    """The app's index: knowledge/docs embedded with DEFAULT_EMBEDDER (or the one named), cached under
    <cache_dir>/indexes; the first call after the articles change rebuilds it (about a minute with e5)."""
    from config import get_settings
    from knowledge import load_knowledge
    from runtime.embeddings import get_embedder

    settings = get_settings()
    name = embedder_name or DEFAULT_EMBEDDER
    return KnowledgeIndex(load_knowledge(validate=False), get_embedder(name),
                          settings.cache_dir / "indexes" / f"knowledge-{name}")

