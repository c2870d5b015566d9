"""Retrieval quality and latency: vector vs BM25 vs hybrid, for each packaged embedder.

python -m bench retrieval [--json] [--embedders use-multilingual,e5-small,minilm] [--index-dir DIR]

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
    cases = load_eval()
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="retrieval recall@1/@5 and latency")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--embedders", default=",".join(EMBEDDERS))
    parser.add_argument("--index-dir", type=Path, help="where bench indexes are kept (default: <cache>/bench-indexes)")
    args = parser.parse_args(argv)
    from bench.table import emit
    from config import get_settings

    index_dir = args.index_dir or get_settings().cache_dir / "bench-indexes"
    emit(run([e for e in args.embedders.split(",") if e], index_dir), args.json)


if __name__ == "__main__":
    main()
