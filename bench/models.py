"""Load time, per-call latency and RSS of each packaged offline model.

python -m bench models [--json] [--llm qwen2.5-coder-0.5b]
Each model is measured in a fresh subprocess so load time and RSS are its own.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

REPEATS = 20          # measured calls per embedder / image model
LLM_TOKENS = 32       # generated tokens per LLM call
LLM_REPEATS = 3
QUERY = "怎样在腿举机上调整座椅？ How do I set up the leg press seat?"


def _measure(kind: str, name: str) -> dict:
    from bench.table import current_rss_mb

    before = current_rss_mb()
    t0 = time.perf_counter()
    if kind == "embedder":
        from runtime.embeddings import get_embedder

        model = get_embedder(name)
        call = lambda: model.embed_queries([QUERY])  # noqa: E731
        unit = "query"
    elif kind == "vision":
        from PIL import Image

        from runtime.vision import get_featurizer

        model = get_featurizer()
        img = Image.new("RGB", (640, 480), (90, 120, 150))
        call = lambda: model.features([img])  # noqa: E731
        unit = "image"
    else:
        from config import get_settings
        from runtime.llm import get_local_llm

        model = get_local_llm(name, str(get_settings().cache_dir), 2048)
        msgs = [{"role": "user", "content": "List three leg exercises, one line each."}]
        call = lambda: model.chat(msgs, max_tokens=LLM_TOKENS)  # noqa: E731
        unit = f"{LLM_TOKENS} tok"
    load_s = time.perf_counter() - t0
    call()  # warm-up
    times = []
    for _ in range(LLM_REPEATS if kind == "llm" else REPEATS):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    row = {"model": name, "kind": kind, "load_s": round(load_s, 2), "unit": unit,
           "p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
           "rss_mb": round(current_rss_mb() - before, 0)}
    if kind == "llm":
        row["tok_per_s"] = round(LLM_TOKENS / (statistics.median(times) / 1000), 1)
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--llm", action="append", help="local LLM keys (default: both)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_measure(*args.child)))
        return
    cases = [("embedder", "use-multilingual"), ("embedder", "e5-small"), ("embedder", "minilm"),
             ("vision", "efficientnet-lite0")]
    cases += [("llm", k) for k in (args.llm or ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"])]
    rows = []
    for kind, name in cases:
        out = subprocess.run([sys.executable, "-m", "bench.models", "--child", kind, name],
                             capture_output=True, text=True)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        rows.append(json.loads(lines[-1]) if lines else {"model": name, "kind": kind, "error": out.stderr[-200:]})
    from bench.table import emit

    emit(rows, args.json)


if __name__ == "__main__":
    main()
