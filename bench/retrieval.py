"""Retrieval outcomes and latency, as the app ships it; plus a method x embedder comparison.

python -m bench retrieval [--json]            outcomes of the shipped search (GIF + knowledge)
python -m bench retrieval --compare [--embedders use-multilingual,e5-small,minilm] [--index-dir DIR]

Outcomes (default): bench/retrieval_eval.jsonl (written the way users type: zh + en, typos, slang and
abbreviations, mixed 中英, paraphrases, descriptions of a movement; none a catalog name or alias verbatim, sizes
and mix as tests/bench/test_retrieval_eval.py checks) run through the same functions the
API, the Library tab and the agent call (tools.gif_search.search_gifs, tools.knowledge_search.answer_question).
GIF: R@1 / R@5 of the expected exercise. Knowledge: `fact` = share of questions whose answer text
contains every expected fact (numbers normalised: "20%-35%" = "20-35"), `doc@1` = expected article
cited first. Off-topic rows (`none`): share answered with nothing by the GIF search and by the
knowledge search (the relevance floors). ms/query includes embedding. Rows per language, for the typo/slang and mixed subsets, and
for the tuning and held-out splits (the held-out 30% is never looked at while tuning).

Comparison (--compare):
Runs bench/retrieval_eval.jsonl (zh + en; paraphrases, typos, mixed-language, off-topic) against the
GIF library and the knowledge index. recall@k: share of queries whose expected exercise (GIF) or
article (knowledge) is in the top k. Latency is per query, embedding included, after a warm-up pass.
`*-xling` rows match only captions / sections in the other language than the query (vector side):
how well an embedder crosses languages. `reject` is the share of off-topic queries answered with
nothing; `false_reject` the share of real queries wrongly answered with nothing (relevance floor on).
`default` marks what the app ships (indexes.gif_library / indexes.knowledge_rag DEFAULT_* constants).
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

EVAL = Path(__file__).with_name("retrieval_eval.jsonl")
EMBEDDERS = ("use-multilingual", "e5-small", "minilm")
METHODS = ("vector", "bm25", "hybrid", "rerank")
K = 5
WARMUP = 5


def load_eval(path: Path = EVAL) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ids(task: str, engine, query: str, method: str, gate: bool = False, only_lang: str | None = None) -> list[str]:
    if task == "gif":
        return [c.exercise_id for c, _, _ in engine.search(query, K, method=method, gate=gate, only_lang=only_lang)]
    return [h.doc_id for h in engine.search(query, K, method=method, gate=gate, only_lang=only_lang)]


def _measure(task: str, engine, cases: list[dict], method: str, xling: bool = False) -> dict:
    for c in cases[:WARMUP]:
        _ids(task, engine, c["query"], method)
    r1 = r5 = 0
    times = []
    for c in cases:
        other = ("zh" if c["lang"] == "en" else "en") if xling else None
        t0 = time.perf_counter()
        got = _ids(task, engine, c["query"], method, only_lang=other)
        times.append((time.perf_counter() - t0) * 1000)
        r1 += bool(got[:1]) and got[0] in c["expect"]
        r5 += any(g in c["expect"] for g in got[:K])
    times.sort()
    return {"n": len(cases), "r@1": round(r1 / len(cases), 3), "r@5": round(r5 / len(cases), 3),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def _rejects(task: str, engine, cases: list[dict], off_topic: list[dict], method: str) -> dict:
    empty = lambda q: not _ids(task, engine, q, method, gate=True)  # noqa: E731
    return {"reject": round(sum(empty(c["query"]) for c in off_topic) / max(len(off_topic), 1), 2),
            "false_reject": round(sum(empty(c["query"]) for c in cases) / max(len(cases), 1), 3)}


def run(embedders: list[str], index_dir: Path) -> list[dict]:
    from indexes.gif_library import GifLibrary
    from indexes.knowledge_rag import KnowledgeIndex
    from knowledge import load_knowledge
    from runtime.embeddings import get_embedder
    from runtime.errors import ModelUnavailable

    kb = load_knowledge(validate=False)
    cases = [c for c in load_eval() if c["split"] == "tune" or c["kind"] == "none"]
    off_topic = [c for c in cases if c["kind"] == "none"]
    from indexes import gif_library, knowledge_rag

    shipped = {"gif": (gif_library.DEFAULT_EMBEDDER, gif_library.DEFAULT_METHOD),
               "knowledge": (knowledge_rag.DEFAULT_EMBEDDER, knowledge_rag.BEST_METHOD[knowledge_rag.DEFAULT_EMBEDDER])}
    rows = []
    for name in embedders:
        try:
            emb = get_embedder(name)
        except ModelUnavailable as exc:
            rows.append({"task": "-", "embedder": name, "method": f"unavailable: {exc}"})
            continue
        engines = {"gif": GifLibrary(kb, emb, index_dir / f"gifs-{name}", index_dir / "gif-files"),
                   "knowledge": KnowledgeIndex(kb, emb, index_dir / f"knowledge-{name}")}
        for task, engine in engines.items():
            mine = [c for c in cases if c["kind"] == task]
            for method in METHODS:
                row = {"task": task, "embedder": name, "method": method, **_measure(task, engine, mine, method)}
                row["default"] = "*" if (name, method) == shipped[task] else ""
                row.update(_rejects(task, engine, mine, off_topic, method) if method in ("hybrid", "rerank")
                           else {"reject": "", "false_reject": ""})
                rows.append(row)
            rows.append({"task": f"{task}-xling", "embedder": name, "method": "vector",
                         **_measure(task, engine, mine, "vector", xling=True), "reject": "", "false_reject": "",
                         "default": ""})
    return rows


def normalise(text: str) -> str:
    """Lower-case, drop % after a number, and write number ranges with '-' (5～10, 5到10 -> 5-10)."""
    text = re.sub(r"(?<=\d)\s*%", "", text.lower())
    return re.sub(r"(?<=\d)\s*[～~–—至到]\s*(?=\d)", "-", text)


def fact_found(answer: str, facts: list[str]) -> bool:
    text = normalise(answer)
    return all(normalise(f) in text for f in facts)


def _subsets(case: dict) -> list[str]:
    return ["all", case["lang"], case["split"]] + [t for t in case.get("tags", []) if t in ("typo_slang", "mixed")]


def outcomes(cases: list[dict] | None = None, library=None, index=None) -> tuple[list[dict], list[dict]]:
    """(table rows, misses) for the shipped GIF and knowledge search."""
    from tools.gif_search import search_gifs
    from tools.knowledge_search import answer_question

    cases = cases if cases is not None else load_eval()
    if library is None:
        from tools.gif_search import _default_library
        library = _default_library()
    if index is None:
        from tools.knowledge_search import _default_index
        index = _default_index()
    for c in cases[:WARMUP]:
        search_gifs(c["query"], K, c["lang"], library, render=False)
        answer_question(c["query"], c["lang"], index)
    stats: dict = {}
    misses = []
    for c in cases:
        if c["kind"] not in ("gif", "knowledge", "none"):
            continue
        t0 = time.perf_counter()
        if c["kind"] == "none":  # off-topic: both searches should answer with nothing
            ok1 = not search_gifs(c["query"], K, c["lang"], library, render=False)
            ok5 = not answer_question(c["query"], c["lang"], index)["found"]
            detail = [f"gif rejected: {ok1}", f"knowledge rejected: {ok5}"]
        elif c["kind"] == "gif":
            got = [h["exercise_id"] for h in search_gifs(c["query"], K, c["lang"], library, render=False)]
            ok1, ok5 = bool(got) and got[0] in c["expect"], any(g in c["expect"] for g in got)
            detail = got
        else:
            ans = answer_question(c["query"], c["lang"], index)
            cited = [x["doc_id"] for x in ans["citations"]]
            ok1, ok5 = fact_found(ans["answer"], c["fact"]), bool(cited) and cited[0] in c["expect"]
            detail = cited
        ms = (time.perf_counter() - t0) * 1000
        missed = not (ok1 and ok5) if c["kind"] == "none" else not ok1
        if missed:
            misses.append({"kind": c["kind"], "split": c["split"], "query": c["query"], "expect": c["expect"], "got": detail[:3]})
        for sub in _subsets(c):
            s = stats.setdefault((c["kind"], sub), {"n": 0, "a": 0, "b": 0, "ms": []})
            s["n"] += 1
            s["a"] += ok1
            s["b"] += ok5
            s["ms"].append(ms)
    rows = []
    for (kind, sub), s in stats.items():
        ms = sorted(s["ms"])
        first, second = {"gif": ("R@1", "R@5"), "knowledge": ("fact", "doc@1"),
                         "none": ("gif rejected", "knowledge rejected")}[kind]
        rows.append({"task": kind, "subset": sub, "n": s["n"], "metric": f"{first} / {second}",
                     "score": round(s["a"] / s["n"], 3), "second": round(s["b"] / s["n"], 3),
                     "ms/query": round(statistics.mean(ms), 1), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1)})
    return rows, misses


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="retrieval outcomes; --compare: recall@1/@5 by method and embedder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--compare", action="store_true", help="method x embedder comparison table")
    parser.add_argument("--misses", choices=("tune", "heldout", "all"), help="also print the missed queries of a split")
    parser.add_argument("--embedders", default=",".join(EMBEDDERS))
    parser.add_argument("--index-dir", type=Path, help="where bench indexes are kept (default: <cache>/bench-indexes)")
    args = parser.parse_args(argv)
    from bench.table import emit
    from config import get_settings

    if not args.compare:
        rows, misses = outcomes()
        emit(rows, args.json)
        for m in misses:
            if args.misses in ("all", m["split"]):
                print(json.dumps(m, ensure_ascii=False))
        return
    index_dir = args.index_dir or get_settings().cache_dir / "bench-indexes"
    emit(run([e for e in args.embedders.split(",") if e], index_dir), args.json)


if __name__ == "__main__":
    main()
