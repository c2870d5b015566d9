"""Query latency of FAISS index types as the library grows: 1k, 10k, 100k synthetic caption vectors.

python -m bench index_scaling [--json] [--sizes 1000,10000,100000] [--dim 512]

Vectors are clustered like real sentence embeddings (Gaussian blobs around 1,000 centres, normalised);
queries are noisy copies of stored vectors. Each index answers one query at a time on one thread (as
the app does); recall@10 is against exact search (Flat). The app's libraries hold a few hundred
captions, where Flat is exact and well under a millisecond; past ~50k rows an IVF or HNSW index keeps
a query under the 20 ms target (embedding the query adds ~5-15 ms, see `python -m bench models`).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

SEED = 0
DIM = 512            # use-multilingual's width
QUERIES = 200
K = 10
CENTRES = 1000
HNSW_M, HNSW_EF_BUILD, HNSW_EF_SEARCH = 32, 80, 64
IVF_NPROBE = 16


def synthetic(n: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n clustered unit vectors and QUERIES noisy copies of some of them."""
    centres = rng.standard_normal((CENTRES, dim)).astype(np.float32)
    data = centres[rng.integers(0, CENTRES, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    queries = data[rng.integers(0, n, QUERIES)] + 0.03 * rng.standard_normal((QUERIES, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return data, queries


def build(kind: str, data: np.ndarray):
    import faiss

    n, dim = data.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "ivf":
        nlist = max(8, min(int(2 * np.sqrt(n)), n // 40))  # ≥ 40 training points per list
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)  # faiss keeps a ref
        index.train(data[: min(n, nlist * 40)])
        index.nprobe = IVF_NPROBE
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_BUILD
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(data)
    return index


def measure(index, queries: np.ndarray, truth: np.ndarray | None) -> dict:
    import faiss

    faiss.omp_set_num_threads(1)
    for q in queries[:10]:  # warm-up
        index.search(q[None], K)
    times, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, ids = index.search(q[None], K)
        times.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0])
    faiss.omp_set_num_threads(0)
    found = np.array(found)
    recall = 1.0 if truth is None else float(np.mean([len(set(a) & set(b)) / K for a, b in zip(found, truth)]))
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
            "recall@10": round(recall, 3)}, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="FAISS flat vs IVF vs HNSW latency at 1k/10k/100k")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--dim", type=int, default=DIM)
    args = parser.parse_args(argv)
    from bench.table import emit

    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        rng = np.random.default_rng(SEED)
        data, queries = synthetic(n, args.dim, rng)
        truth = None
        for kind in ("flat", "ivf", "hnsw"):
            t0 = time.perf_counter()
            index = build(kind, data)
            build_s = time.perf_counter() - t0
            stats, found = measure(index, queries, truth)
            truth = found if kind == "flat" else truth
            rows.append({"items": n, "index": kind, "build_s": round(build_s, 2), **stats,
                         "target_20ms": "ok" if stats["p95_ms"] <= 20 else "over"})
    emit(rows, args.json)


if __name__ == "__main__":
    main()
