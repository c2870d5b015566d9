"""The exercise GIF library: generated demonstrations + the user's own clips, searchable in zh and en.

Why this shape:
- Every exercise in the knowledge base has a GIF drawn by `gif_render` (licence-clean). GIFs are
  derived files, so they live in the cache (`<cache>/gifs/<id>.<render key>.gif`), not in git: the
  first request for one renders it (~0.1 s) and `python -m indexes.build_gifs` renders all up front.
  Nothing is downloaded, so the app path works offline.
- Users add GIF/MP4 clips to a folder (the app's: `<data_dir>/clips`) with a captions file (`captions.json`: a list of {file,
  caption_en, caption_zh, exercise_id}, or `captions.csv` with those columns), checked as untrusted
  input by indexes.clips (`CaptionsError` lists every problem).
- Captions (one vector per language) are embedded with a packaged multilingual model into a FAISS
  IndexFlatIP (cosine on normalised rows) persisted with a manifest. `sync()` re-embeds only texts it
  has not seen: adding a clip embeds its captions, a changed exercise name re-embeds that row, and a
  different embedder or manifest version rebuilds from scratch.
- Search fuses vector ranks with BM25 ranks of the names and of the steps (reciprocal rank fusion)
  after correcting misspelt English words against the caption vocabulary; the steps ranking, with
  everyday words mapped to the steps' words (indexes.names), serves requests that describe a movement
  instead of naming it, and its score (not only its rank) tells apart exercises of the same facets.
  What a request describes (indexes.facets: tool, muscle, body position, motion, matched against the
  catalog's equipment, muscles, pattern and first steps) adds its own score, and lets a description
  through the relevance floor. Named exercises (indexes.names) lead, the variant the
  rest of the request describes first ("深蹲" + 壶铃 -> goblet squat), unless only words that are also facet
  words name them and the rest describes another exercise ('on a bench curling my heels' is no bench press);
  an exact clip / exercise id skips search.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import warnings
from dataclasses import asdict
from pathlib import Path

import faiss
import numpy as np

from . import bm25
from .clips import CaptionsError, Clip, _check_entry, exercise_clips, read_captions  # noqa: F401 (re-exported)
from .facets import NAMED_SHARE

MANIFEST_VERSION = 1
FLAT_MAX_ROWS = 50_000   # exact search up to here; above, HNSW (python -m bench index_scaling: flat 21 ms at 100k)
CANDIDATES = 50          # vector / BM25 candidates fused per query
# "rerank" adds to the RRF score (top hits differ by ~0.001-0.005) the caption cosine and the share of
# the clip's name the query mentions, so "hammer curl" prefers "Hammer curl" over "Cross-body hammer
# curl". Weights from a small grid on the eval set; 0.1-0.2 / 0.04-0.08 all score the same.
COSINE_WEIGHT = 0.15
RERANK_WEIGHT = 0.06
# What a request describes (indexes.facets: tool, muscle, position, motion) adds FACET_WEIGHT x its facet
# score / the best one (tune split: 0.3-1.0 score the same, 0.15 a little lower). A request whose best
# facet match meets FACET_GATE facets, one a tool, muscle or movement pattern, is about the library even
# when no caption is close (descriptions rarely are); a lone 'sit' or '推' is not.
FACET_WEIGHT = 0.3
FACET_GATE = 2
# The steps ranking (how each exercise is done) adds STEPS_WEIGHT x its BM25 score / the best one: a described
# movement ('push the pad with your shins', '门框上挂毛巾') is told apart by the words of its steps, which a rank
# in the fusion alone weighs no more than a caption's.
STEPS_WEIGHT = 0.05
# When the keyword and steps rankings put the same exercise first, two independent lexical reads of the
# request agree ('躺着 手脚同时抬起来在中间碰': its steps and its keywords both say V-up): it ranks no lower
# than AGREE_FLOOR, so the cosine and a generic facet ('躺') cannot bury it. A floor, not a bonus: a bonus
# also overturned right first hits where both read the tool ('french press with ez bar' -> EZ-bar curl).
AGREE_FLOOR = 3
# ... and when the facet and steps rankings put the same exercise first, the request describes it in both the
# catalog's terms and its steps' words ('跪着 身体往后仰 练大腿前侧': kneeling, leaning back, quads; 'kneel… lean
# back' in the reverse Nordic's steps): it leads, over a cosine that prefers the stretch of the same muscle.
DESCRIBED_FLOOR = 1
# Relevance floor (measured on the off-topic queries of bench/retrieval_eval.jsonl): a request is
# about the library when the best caption cosine reaches HI, or reaches LO while the top clips' names
# are at least MIN_COVERAGE mentioned by the query. MiniLM maps any Chinese text to [UNK] (cosine 1.0
# for gibberish), so for it only the name-coverage rule counts.
GATE = {"use-multilingual": (0.5, 0.35), "e5-small": (0.89, 0.84), "minilm": (1.01, 0.35)}
MIN_COVERAGE = 0.4
# ... and, for that second rule, when at most MAX_UNKNOWN of its English content words are unknown to the
# library (names, steps, keywords, facet words), as typed (the corrector would turn 'tire' into 'fire'):
# 'fix a flat bike tire' shares 'bike' with a name but is not about exercise. Named and described requests
# are not checked (typos, RDL).
MAX_UNKNOWN = 0.4
# Measured best on bench/retrieval_eval.jsonl (`python -m bench retrieval`): highest recall@1 and the
# fastest queries of the three packaged embedders.
DEFAULT_METHOD = "rerank"  # vector | bm25 | hybrid | rerank
DEFAULT_EMBEDDER = "use-multilingual"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class GifLibrary:
    """Clips + their FAISS caption index under `index_dir`; generated GIFs rendered into `gif_dir`."""

    def __init__(self, kb, embedder, index_dir: Path | str, gif_dir: Path | str, clips_dir: Path | str | None = None,
                 zh_font: str | None = None):
        self.kb, self.embedder = kb, embedder
        self.zh_font = zh_font             # with a CJK font, generated GIFs also carry the Chinese name
        self.index_dir, self.gif_dir = Path(index_dir), Path(gif_dir)
        self.clips_dir = Path(clips_dir) if clips_dir else None
        self.clips: dict[str, Clip] = {}
        self._rows: list[str] = []          # clip id of each index row
        self._index = faiss.IndexFlatIP(embedder.dim)
        self._bm25: bm25.BM25 | None = None
        self.last_sync: dict = {}
        self.sync()

    # ------------------------------------------------------------ building
    def sync(self) -> dict:
        """Bring the index up to date with the knowledge base and the captions file; embeds only new texts."""
        clips = exercise_clips(self.kb) + (read_captions(self.clips_dir) if self.clips_dir else [])
        rows = [(c.id, t) for c in clips for t in c.texts()]
        self._row_langs = [lang for c in clips for lang, _ in c.texts_by_lang()]
        manifest_path, index_path = self.index_dir / "manifest.json", self.index_dir / "clips.faiss"
        known: dict[str, np.ndarray] = {}
        old = {}
        if manifest_path.is_file() and index_path.is_file():
            try:
                old = json.loads(manifest_path.read_text(encoding="utf-8"))
                same = (old.get("version"), old.get("embedder"), old.get("dim")) == (
                    MANIFEST_VERSION, self.embedder.name, self.embedder.dim)
                index = faiss.read_index(str(index_path)) if same else None
            except (ValueError, RuntimeError, AttributeError):  # unreadable files: rebuild
                same, index = False, None
            if same and index.ntotal == len(old.get("text_sha", [])):
                vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, self.embedder.dim))
                known = dict(zip(old["text_sha"], vectors))
            else:
                old = {}
        shas = [_sha(t) for _, t in rows]
        new = sorted({s: t for s, (_, t) in zip(shas, rows) if s not in known}.items())
        if new:
            for (s, _), vec in zip(new, self.embedder.embed_documents([t for _, t in new])):
                known[s] = vec
        matrix = np.array([known[s] for s in shas], np.float32).reshape(len(rows), self.embedder.dim)
        self._index = (faiss.IndexFlatIP(self.embedder.dim) if len(rows) <= FLAT_MAX_ROWS
                       else faiss.IndexHNSWFlat(self.embedder.dim, 32, faiss.METRIC_INNER_PRODUCT))
        if len(rows) > FLAT_MAX_ROWS:
            self._index.hnsw.efSearch = 64  # recall@10 0.99 at 100k in the scaling bench
        self._index.add(matrix)
        self._rows = [cid for cid, _ in rows]
        self.clips = {c.id: c for c in clips}
        self._vocab = None  # the words the library knows, gathered on first use
        self._bm25 = bm25.BM25([bm25.tokenize(" ".join(c.texts() + [c.keywords])) for c in clips],
                               surface=[" ".join(c.texts() + [c.keywords]) for c in clips])
        self._how = bm25.BM25([bm25.tokenize(c.how) for c in clips])
        self._names = {c.id: [set(bm25.tokenize(t)) for t in c.texts()] for c in clips}
        manifest = {"version": MANIFEST_VERSION, "embedder": self.embedder.name, "dim": self.embedder.dim,
                    "rows": self._rows, "text_sha": shas, "clips": [asdict(c) for c in clips]}
        changed = {k: old.get(k) for k in manifest} != manifest
        if changed:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.index_dir / "clips.faiss.tmp"
            faiss.write_index(self._index, str(tmp))
            os.replace(tmp, index_path)
            _write_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
        self.last_sync = {"clips": len(clips), "rows": len(rows), "embedded": len(new),
                          "rebuilt": not old, "written": changed}
        return self.last_sync

    def add_clip(self, source: Path | str, caption_en: str = "", caption_zh: str = "", exercise_id: str = "") -> Clip:
        """Copy a GIF/MP4 into the clips folder, append it to captions.json and index it incrementally."""
        if self.clips_dir is None:
            raise ValueError("this library has no clips folder")
        src = Path(source)
        self.clips_dir.mkdir(parents=True, exist_ok=True)
        if (self.clips_dir / "captions.csv").is_file() and not (self.clips_dir / "captions.json").is_file():
            raise ValueError("the clips folder uses captions.csv; add a row there and call sync()")
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", src.name)
        dest, n = self.clips_dir / safe, 1
        while dest.exists() and dest.read_bytes() != src.read_bytes():  # never overwrite another clip
            dest, n = self.clips_dir / f"{Path(safe).stem}-{n}{Path(safe).suffix}", n + 1
        copied = not dest.exists()
        if copied:
            shutil.copyfile(src, dest)
        captions_path = self.clips_dir / "captions.json"
        entries = json.loads(captions_path.read_text(encoding="utf-8")) if captions_path.is_file() else []
        entry = {"file": dest.name, "caption_en": caption_en, "caption_zh": caption_zh, "exercise_id": exercise_id}
        clip, problems = _check_entry(self.clips_dir, entry, len(entries) + 1)
        if problems:
            if copied:
                dest.unlink()
            raise CaptionsError(problems)
        entries = [e for e in entries if e.get("file") != dest.name] + [entry]
        _write_atomic(captions_path, json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8"))
        self.sync()
        return clip

    # ------------------------------------------------------------ lookup
    def path_for(self, clip: Clip, zh_font: str | None = None) -> Path:
        """The clip's file; a generated GIF is rendered into the cache the first time it is asked for."""
        if clip.source == "user":
            return self.clips_dir / clip.file
        from .gif_render import render_gif, render_key

        ex = self.kb.exercises[clip.exercise_id]
        zh_font = zh_font or self.zh_font
        path = self.gif_dir / f"{ex.id}.{render_key(ex, zh_font)}.gif"
        if not path.is_file():
            self.gif_dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, render_gif(ex, subtitle(self.kb, ex), zh_font))
        return path

    def get(self, exercise_id: str) -> Clip | None:
        """The clip for an exercise id (a user's own clip of it wins over the generated one)."""
        key = exercise_id.strip()
        if key in self.clips and self.clips[key].source == "user":
            return self.clips[key]
        users = [c for c in self.clips.values() if c.source == "user" and c.exercise_id == key]
        return users[-1] if users else self.clips.get(key)

    def search(self, query: str, k: int = 3, method: str = DEFAULT_METHOD, gate: bool = True,
               only_lang: str | None = None) -> list[tuple[Clip, float, float]]:
        """Best clips for a free-text request: (clip, fused score, best caption cosine), best first.

        `gate=False` skips the relevance floor; `only_lang` matches captions of one language only
        (vector side), which the benchmark uses to measure cross-lingual retrieval.
        """
        query = (query or "").strip()[:500]
        if not query or k <= 0 or not self.clips:
            return []
        exact = self.get(query.lower())
        if exact is not None:
            return [(exact, 1.0, 1.0)]
        fixed = self._bm25.correct(query) if method in ("hybrid", "rerank") else query
        groups = self._facet_matcher().describe(query) if method == DEFAULT_METHOD else []
        named = self._named(query) if method == DEFAULT_METHOD else []
        described_ok = False
        described = bm25.tokenize(self._name_matcher().expand(fixed) if method == DEFAULT_METHOD else fixed)
        qv = self.embedder.embed_queries([fixed])
        score_all = only_lang or self._index.ntotal <= FLAT_MAX_ROWS  # every clip gets its cosine, also one only BM25 or facets found
        sims, idx = self._index.search(qv, self._index.ntotal if score_all else min(self._index.ntotal, CANDIDATES * 4))
        best: dict[str, float] = {}
        for s, i in zip(sims[0], idx[0]):
            if i >= 0 and self._rows[i] not in best and only_lang in (None, self._row_langs[i]):
                best[self._rows[i]] = float(s)
        ids = list(self.clips)
        keyword = [(ids[i], s) for i, s in self._bm25.search(bm25.tokenize(fixed), CANDIDATES)]
        vector_rank = list(best)[:CANDIDATES]
        if method == "vector":
            ranked = [(cid, best[cid]) for cid in vector_rank]
        elif method == "bm25":
            ranked = keyword
        else:
            steps = self._how.search(described, CANDIDATES)
            fused = bm25.rrf([vector_rank, [cid for cid, _ in keyword], [ids[i] for i, _ in steps]])
            if method == "rerank":
                for i, score in steps:
                    fused[ids[i]] += STEPS_WEIGHT * score / steps[0][1]
                facets = self._facet_matcher().rank(groups, CANDIDATES)
                top = facets[0][1] if facets else 1.0
                for cid, score, _ in facets:
                    if cid in self.clips:
                        fused[cid] = fused.get(cid, 0.0) + FACET_WEIGHT * score / top
                described_ok = bool(facets) and facets[0][2] >= FACET_GATE and any(  # a tool, muscle or pattern
                    f[0] in ("eq", "mu") or (f[0] == "mv" and not f[1].startswith("force_")) for g in groups for f in g)
                q = set(bm25.tokenize(fixed))
                fused = {cid: s + RERANK_WEIGHT * self._coverage(cid, q) + COSINE_WEIGHT * best.get(cid, 0.0)
                         for cid, s in fused.items()}
            ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
            if method == "rerank" and steps and keyword and ids[steps[0][0]] == keyword[0][0]:
                ranked = _floor(ranked, keyword[0][0], AGREE_FLOOR)
            if method == "rerank" and steps and facets and ids[steps[0][0]] == facets[0][0]:
                ranked = _floor(ranked, facets[0][0], DESCRIBED_FLOOR)
        if named:  # the request names exercises: those first, longest name first, then the fused rest
            seen = {c.id for c, _ in named}
            out = [(c, s, best.get(c.id, 0.0)) for c, s in named]
            out += [(self.clips[cid], float(score), best.get(cid, 0.0)) for cid, score in ranked if cid not in seen]
            return out[:k]
        if gate:
            hi, lo = GATE.get(self.embedder.name, (0.5, 0.35))
            top_cos = max(best.values(), default=0.0)
            q = set(bm25.tokenize(fixed))
            top_cov = max((self._coverage(cid, q) for cid, _ in ranked[:max(k, 3)]), default=0.0)
            covered = top_cov >= MIN_COVERAGE and top_cos >= lo and self._unknown_share(query) <= MAX_UNKNOWN
            if top_cos < hi and not covered and not described_ok:
                return []  # nothing in the library is about this request
        return [(self.clips[cid], float(score), best.get(cid, 0.0)) for cid, score in ranked[:k]]

    def _name_matcher(self):
        """indexes.names over this knowledge base, built on first use."""
        if getattr(self, "_matcher", None) is None:
            from .names import NameMatcher

            self._matcher = NameMatcher(self.kb)
        return self._matcher

    def _facet_matcher(self):
        """indexes.facets over this knowledge base, built on first use."""
        if getattr(self, "_facets", None) is None:
            from .facets import FacetMatcher

            self._facets = FacetMatcher(self.kb)
        return self._facets

    def _named(self, query: str) -> list[tuple[Clip, float]]:
        """Clips of the exercises the request names (indexes.names), the variant it describes first
        (indexes.facets), with scores above any fused score."""
        out, seen = [], set()
        found = self._name_matcher().match(query)
        scores = dict(found)
        order = self._facet_matcher().prefer_described(
            query, found, lambda i: self._name_matcher().variants(query, i))
        heads = [self._name_matcher().variants(query, i)[0] for i, s in found if s >= NAMED_SHARE * found[0][1]]
        if order and self._facet_matcher().describes_other(query, order[0], [h for h in heads if h]):
            return []  # named only by facet words, describing another exercise: the fused ranking decides
        top = max(scores.values(), default=0.0)
        for ex_id in order:
            score = scores.get(ex_id, top)
            clip = self.get(ex_id)
            if clip is not None and clip.id not in seen:
                seen.add(clip.id)
                out.append((clip, 1.0 + score / 100.0))
        return out

    def _unknown_share(self, query: str) -> float:
        """Share of the request's English content words that no clip text, step or facet word uses."""
        if getattr(self, "_vocab", None) is None:
            from .names import COMMON_EN

            texts = [t for c in self.clips.values() for t in c.texts() + [c.keywords, c.how]]
            texts += list(self._facet_matcher()._groups)
            self._vocab = {bm25.stem(w) for w in re.findall(r"[a-z]+", " ".join(texts).lower())}
            self._vocab |= {bm25.stem(w) for w in self._name_matcher().vocab} | set(COMMON_EN)
        words = [w for w in re.findall(r"[a-z]+", query.lower()) if len(w) >= 3 and w not in bm25.STOP_EN]
        return sum(bm25.stem(w) not in self._vocab for w in words) / len(words) if words else 0.0

    def _coverage(self, clip_id: str, query_tokens: set[str]) -> float:
        """IDF-weighted share of the clip's name that the query mentions (best language)."""
        best = 0.0
        for name in self._names.get(clip_id, ()):
            total = sum(self._bm25.idf(t) for t in name)
            if total > 0:
                best = max(best, sum(self._bm25.idf(t) for t in name & query_tokens) / total)
        return best


def _floor(ranked: list[tuple[str, float]], cid: str, rank: int) -> list[tuple[str, float]]:
    """`ranked` with `cid` moved up to position `rank` (from 1) when it sits lower, its score raised to the
    one it displaces so the list stays sorted."""
    pos = next((i for i, (c, _) in enumerate(ranked) if c == cid), None)
    if pos is None or pos < rank or rank > len(ranked):
        return ranked
    entry = (cid, max(ranked[pos][1], ranked[rank - 1][1]))
    rest = ranked[:pos] + ranked[pos + 1:]
    return rest[:rank - 1] + [entry] + rest[rank - 1:]


def subtitle(kb, ex) -> str:
    """Second caption line of a generated GIF: pattern and main muscles, in English."""
    muscles = ", ".join(kb.label("muscles", m, "en").lower() for m in ex.primary_muscles[:2])
    return f"{kb.label('patterns', ex.pattern, 'en')} · {muscles}" if muscles else kb.label("patterns", ex.pattern, "en")


def default_library(embedder_name: str | None = None) -> GifLibrary:
    """The app's library: knowledge base exercises + <data_dir>/clips (skipped, with a warning, when its
    captions file is rejected), cached under <cache_dir>."""
    from config import get_settings
    from knowledge import load_knowledge
    from runtime.embeddings import get_embedder

    settings = get_settings()
    name = embedder_name or DEFAULT_EMBEDDER
    args = (load_knowledge(validate=False), get_embedder(name), settings.cache_dir / "indexes" / f"gifs-{name}",
            settings.cache_dir / "gifs")
    from .gif_render import find_cjk_font

    font = find_cjk_font()
    try:
        return GifLibrary(*args, settings.data_dir / "clips", zh_font=font)
    except CaptionsError as exc:  # a bad captions file must not take the generated library down with it
        warnings.warn(f"user clips ignored: {exc}", stacklevel=2)
        return GifLibrary(*args, zh_font=font)
