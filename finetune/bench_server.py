"""Benchmark OpenAI-compatible InternVL2 servers (base vs fine-tuned vs AWQ) and print one table.

python -m finetune.bench_server --images data/equipment/images/val \\
    --url http://127.0.0.1:23333/v1 --label base \\
    --url http://127.0.0.1:23334/v1 --label finetuned \\
    --url http://127.0.0.1:23335/v1 --label awq-kv8 [--model internvl2] [--runs 5] [--nvidia-smi] [--json]

Per server: a warm-up request, then --runs streamed requests (first-token latency, decode tokens/s from the
server's usage count or, failing that, the streamed chunks), KV-cache use from LMDeploy's /metrics and, with
--nvidia-smi, GPU memory in use on this host; then one request per held-out photo (`<label>/<image>`, e.g. the
builder's images/val) asking the app's closed-set question (tools/vlm_prompt.py, the one the fine-tune data
teaches), its top id scored against the folder label. Raw model behaviour: one request per photo, no retry
(`python -m bench vlm_calibration` measures the app's recogniser itself, retry and calibration included).
A server that is down or times out gets its row with the error; the others still run.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import httpx

RUNS = 5                # measured streamed requests per server (after one warm-up)
MAX_TOKENS = 128        # generated tokens per speed request
ANSWER_TOKENS = 200     # the app's budget for the candidates JSON (tools.equipment.VLM_MAX_TOKENS)
TIMEOUT_S = 60.0        # per HTTP request
IMAGE_MAX_SIDE = 1024   # px; photos are re-encoded as JPEG data URLs (LMDeploy 0.18 refuses private http links)
SPEED_PROMPT = "Explain in five numbered steps how a beginner should set up and use a leg press machine."


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m finetune.bench_server", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", action="append", required=True, help="server base URL ending in /v1; repeat per server")
    ap.add_argument("--label", action="append", default=[], help="row name per --url (default: host:port)")
    ap.add_argument("--model", action="append", default=[], help="served model name: one for all or one per --url")
    ap.add_argument("--images", type=Path, help="labelled held-out folder <label>/<image> for recognition accuracy")
    ap.add_argument("--runs", type=int, default=RUNS, help="measured speed requests per server")
    ap.add_argument("--max-tokens", type=int, default=MAX_TOKENS, help="tokens generated per speed request")
    ap.add_argument("--limit", type=int, default=0, help="at most this many photos per label (0 = all)")
    ap.add_argument("--timeout-s", type=float, default=TIMEOUT_S, help="per HTTP request")
    ap.add_argument("--api-key", default="", help="sent as Bearer (lmdeploy --api-keys)")
    ap.add_argument("--guided", action="store_true", help="constrain answers with response_format json_schema")
    ap.add_argument("--nvidia-smi", action="store_true", help="report GPU memory used on this host (servers local)")
    ap.add_argument("--json", action="store_true", help="print rows as JSON")
    args = ap.parse_args(argv)
    n = len(args.url)
    if args.label and len(args.label) != n:
        ap.error(f"give one --label per --url ({len(args.label)} labels for {n} urls)")
    if len(args.model) not in (0, 1, n):
        ap.error(f"give one --model for all servers or one per --url ({len(args.model)} for {n} urls)")
    for url in args.url:
        if not re.match(r"^https?://[^/\s]+", url):
            ap.error(f"--url {url!r} is not an http(s) URL like http://127.0.0.1:23333/v1")
    if args.runs < 1 or args.max_tokens < 1:
        ap.error("--runs and --max-tokens must be at least 1")
    if args.timeout_s <= 0 or args.limit < 0:
        ap.error("--timeout-s must be positive and --limit not negative")
    if args.images is not None and not args.images.is_dir():
        ap.error(f"--images {args.images} is not a folder")
    models = args.model * n if len(args.model) == 1 else args.model or ["internvl2"] * n
    labels = args.label or [httpx.URL(u).netloc.decode() for u in args.url]
    args.servers = [{"url": u.rstrip("/"), "label": lb, "model": m} for u, lb, m in zip(args.url, labels, models)]
    return args


def image_data_url(path: Path | str, max_side: int = IMAGE_MAX_SIDE) -> str:
    """A photo as a base64 JPEG data URL, RGB, longer side at most max_side."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        img = ImageOps.exif_transpose(im).convert("RGB")
    img.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()


def stream_once(client: httpx.Client, base_url: str, model: str, messages: list[dict], max_tokens: int,
                on_first=None) -> dict:
    """One streamed chat completion: seconds to the first content token, total seconds, completion tokens.

    on_first() is called once when the first token arrives, while the request still holds its KV cache."""
    payload = {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "stream": True,
               "stream_options": {"include_usage": True}}
    t0 = time.perf_counter()
    first, chunks, usage = None, 0, None
    with client.stream("POST", f"{base_url}/chat/completions", json=payload) as resp:
        resp.raise_for_status()
        for line in resp.iter_lines():
            if not line.startswith("data:") or line[5:].strip() == "[DONE]":
                continue
            event = json.loads(line[5:])
            usage = event.get("usage") or usage
            for choice in event.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    if first is None:
                        first = time.perf_counter()
                        if on_first:
                            on_first()
                    chunks += 1
    total = time.perf_counter() - t0
    if first is None:
        raise ValueError("the stream carried no content")
    tokens = int((usage or {}).get("completion_tokens") or chunks)
    return {"ttft_s": first - t0, "total_s": total, "tokens": tokens}


def measure_speed(client: httpx.Client, server: dict, runs: int, max_tokens: int) -> dict:
    """p50 first-token latency (ms) and decode rate (tokens/s after the first) over runs, after a warm-up;
    KV-cache use read from /metrics while each measured request is in flight (the most seen)."""
    messages = [{"role": "user", "content": SPEED_PROMPT}]
    stream_once(client, server["url"], server["model"], messages, max_tokens)  # warm-up
    seen: list[dict] = []

    def snapshot():
        seen.append(read_metrics(client, server["url"]))

    samples = [stream_once(client, server["url"], server["model"], messages, max_tokens, snapshot)
               for _ in range(runs)]
    rates = [(s["tokens"] - 1) / (s["total_s"] - s["ttft_s"]) for s in samples
             if s["tokens"] > 1 and s["total_s"] > s["ttft_s"]]
    kv = [m["kv_cache_pct"] for m in seen if "kv_cache_pct" in m]
    return {"ttft_ms": round(statistics.median(s["ttft_s"] for s in samples) * 1000, 1),
            "tok_s": round(statistics.median(rates), 1) if rates else "",
            "tokens": round(statistics.mean(s["tokens"] for s in samples)),
            **({"kv_cache_pct": max(kv)} if kv else {})}


def read_metrics(client: httpx.Client, base_url: str) -> dict:
    """KV-cache use from LMDeploy's Prometheus /metrics (served beside /v1); {} when the server has none."""
    root = base_url[:-3] if base_url.endswith("/v1") else base_url
    try:
        resp = client.get(f"{root}/metrics", timeout=5.0)
    except httpx.HTTPError:
        return {}
    return parse_metrics(resp.text) if resp.status_code == 200 else {}


def parse_metrics(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        m = re.match(r"^lmdeploy:gpu_cache_usage_perc(?:\{[^}]*\})?\s+([0-9.eE+-]+)$", line.strip())
        if m:  # a fraction despite the name: "1 means 100 percent usage" (lmdeploy/metrics/loggers.py)
            out["kv_cache_pct"] = round(float(m.group(1)) * 100, 1)
    return out


def gpu_memory_mb() -> float | None:
    """Memory in use on all local GPUs (MiB) from nvidia-smi; None without it."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        return float(sum(float(x) for x in out.split()))
    except (subprocess.SubprocessError, ValueError, OSError):
        return None


def measure_accuracy(backend, samples: list[tuple[str, Path]], catalog: dict[str, str], guided: bool = False) -> dict:
    """Top-1 recognition over labelled photos; "none" answers, unparseable replies and failed requests apart."""
    from agent.backends import BackendError
    from tools.equipment import TOP_K
    from tools.vlm_prompt import closed_set_question, parse_vlm_reply, vlm_schema

    prompt, schema = closed_set_question(catalog, TOP_K), vlm_schema(list(catalog), TOP_K) if guided else None
    correct = invalid = errors = nones = 0
    for label, path in samples:
        messages = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": image_data_url(path)}},
                                                 {"type": "text", "text": prompt}]}]
        try:
            reply = backend.chat(messages, max_tokens=ANSWER_TOKENS, temperature=0.0, json_schema=schema)
        except BackendError:
            errors += 1
            continue
        try:
            cands, _ = parse_vlm_reply(reply, set(catalog))
        except ValueError:
            invalid += 1
            continue
        nones += not cands
        correct += bool(cands) and cands[0][0] == label
    n = len(samples)
    return {"images": n, "acc_pct": round(100 * correct / n, 1) if n else "", "none": nones, "invalid": invalid,
            "errors": errors}


def bench_server(server: dict, samples: list, catalog: dict, runs: int, max_tokens: int, timeout_s: float,
                 api_key: str = "", guided: bool = False, nvidia_smi: bool = False) -> dict:
    """One table row: speed, memory and accuracy of one server; `status` says what failed, if anything."""
    from agent.backends import OpenAICompatibleBackend

    row = {"label": server["label"], "model": server["model"], "ttft_ms": "", "tok_s": "", "gpu_mem_mb": "",
           "kv_cache_pct": ""}
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    status = []
    with httpx.Client(timeout=timeout_s, headers=headers) as client:
        try:
            row.update(measure_speed(client, server, runs, max_tokens))
        except httpx.TimeoutException:
            status.append("speed: timed out")
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            status.append(f"speed: {type(exc).__name__}: {str(exc)[:80]}")
    if nvidia_smi and (mem := gpu_memory_mb()) is not None:
        row["gpu_mem_mb"] = round(mem)
    if samples:
        backend = OpenAICompatibleBackend(server["url"], server["model"], api_key, timeout_s)
        acc = measure_accuracy(backend, samples, catalog, guided)
        row.update(acc)
        if acc["errors"]:
            status.append(f"{acc['errors']} recognition request(s) failed")
    row["status"] = "; ".join(status) or "ok"
    return row


def held_out_samples(folder: Path, kb, limit: int = 0) -> tuple[list[tuple[str, Path]], list[str]]:
    """(equipment id, photo) pairs under folder, at most `limit` per label; plus unmatched folder names."""
    from finetune.build_dataset import scan_labelled

    found, unknown = scan_labelled(folder, kb)
    if not limit:
        return found, unknown
    seen: dict[str, int] = {}
    kept = []
    for label, path in found:
        seen[label] = seen.get(label, 0) + 1
        if seen[label] <= limit:
            kept.append((label, path))
    return kept, unknown


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    from bench.table import emit
    from finetune.build_dataset import load_kb
    from tools.vlm_prompt import vlm_catalog

    kb = load_kb()
    catalog = vlm_catalog(kb)   # the app's order and names: the question must be the one it asks
    samples, unknown = held_out_samples(args.images, kb, args.limit) if args.images else ([], [])
    if args.images and not samples:
        raise SystemExit(f"no labelled photos under {args.images} (folders must be equipment ids or names)")
    rows = [bench_server(s, samples, catalog, args.runs, args.max_tokens, args.timeout_s, args.api_key, args.guided,
                         args.nvidia_smi) for s in args.servers]
    emit(rows, args.json)
    if unknown and not args.json:
        print(f"skipped folders matching no equipment: {', '.join(unknown)}")
    return rows


if __name__ == "__main__":
    main()
