"""The served app: cold start, memory, and REST latency under concurrent clients.

python -m bench app [--json] [--clients 20] [--requests 100] [--no-warm-up] [--start-timeout 120]
Starts `python app.py` as a subprocess on a free loopback port with a temporary FITNESSLM_DATA_DIR, times
the cold start until GET / answers 200 and reads the process RSS (psutil, else /proc). Nothing heavy loads
before the page is served: the app then loads its models in a background warm-up thread (waited for via
/health), or, with --no-warm-up (FITNESSLM_WARM_UP=0), on the first request that needs them. Each endpoint
is called once untimed (first_ms), then gets `--requests` requests from `--clients` concurrent threads (one
httpx client each): p50 / p99 latency and throughput. Targets from issue #8: cold start ≤ 20 s, RSS ≤ 3 GB.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
COLD_START_TARGET_S = 20.0
RSS_TARGET_MB = 3 * 1024
CLIENTS = 20
REQUESTS = 100           # per endpoint (nutrition plans: half, each is seven MILP days)

TRAINING = [{"goal": g, "days_per_week": d, "minutes_per_session": m, "age": a, "experience": e}
            for g, d, m, a, e in [("hypertrophy", 3, 60, 30, "beginner"), ("strength", 4, 75, 41, "intermediate"),
                                  ("fat_loss", 5, 45, 27, "beginner"), ("general_health", 2, 30, 66, "beginner"),
                                  ("endurance", 6, 90, 35, "advanced")]]
NUTRITION = [{"sex": s, "age": a, "height_cm": h, "weight_kg": w, "goal": g, "activity": act}
             for s, a, h, w, g, act in [("male", 30, 180, 80, "gain", "moderate"),
                                        ("female", 28, 165, 60, "lose", "light"),
                                        ("female", 45, 158, 70, "maintain", "sedentary"),
                                        ("male", 52, 172, 95, "lose", "active")]]
GIF_QUERIES = ["push-up", "barbell back squat", "高位下拉", "deadlift", "plank", "卧推", "lunges", "哑铃弯举"]
KNOWLEDGE_QUERIES = ["How much protein should I eat per day?", "每周应该训练几天？",
                     "How long should I rest between sets?", "减脂期间应该怎么吃？",
                     "Is stretching before lifting useful?", "睡眠对增肌有多重要？"]


def endpoints() -> list[tuple[str, str, int, itertools.cycle]]:
    """(label, method, requests share, cycle of request kwargs)."""
    return [
        ("POST /v1/plans/training", "POST", 1,
         itertools.cycle([{"json": {"profile": p, "variation": v}} for v in range(3) for p in TRAINING])),
        ("POST /v1/plans/nutrition", "POST", 2, itertools.cycle([{"json": {"profile": p}} for p in NUTRITION])),
        ("GET /v1/gifs/search", "GET", 1, itertools.cycle([{"params": {"q": q, "k": 3}} for q in GIF_QUERIES])),
        ("GET /v1/knowledge/search", "GET", 1, itertools.cycle([{"params": {"q": q}} for q in KNOWLEDGE_QUERIES])),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        return _proc_status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int) -> float | None:
    """Peak RSS since start (Linux VmHWM), None elsewhere."""
    try:
        return _proc_status_kb(pid, "VmHWM") / 1024
    except (OSError, ValueError):
        return None


def _proc_status_kb(pid: int, key: str) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return float(line.split()[1])
    raise ValueError(f"{key} not in /proc/{pid}/status")


def start_app(port: int, data_dir: Path, log_path: Path, timeout_s: float,
              warm_up: bool = True, extra_env: dict | None = None) -> tuple[subprocess.Popen, float, float]:
    """Start app.py and return (process, spawn time, seconds until GET / answered 200).

    Also used by the browser end-to-end test (tests/e2e) to serve the real app."""
    import httpx

    env = {**os.environ, "FITNESSLM_PORT": str(port), "FITNESSLM_HOST": "127.0.0.1",
           "FITNESSLM_DATA_DIR": str(data_dir), "FITNESSLM_WARM_UP": "1" if warm_up else "0",
           "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    env.pop("FITNESSLM_API_TOKEN", None)
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - start < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}; log:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return proc, start, time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"GET / did not answer 200 within {timeout_s:.0f} s; log:\n{log_path.read_text()[-3000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load(base: str, method: str, path: str, kwargs_cycle, n: int, clients: int) -> dict:
    """n requests from `clients` threads; latencies in ms, errors counted (non-2xx or exception)."""
    import httpx

    local = threading.local()
    lock = threading.Lock()

    def one(_):
        with lock:
            kwargs = next(kwargs_cycle)
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=300.0)
        t = time.perf_counter()
        try:
            ok = client.request(method, path, **kwargs).is_success
        except httpx.HTTPError:
            ok = False
        return (time.perf_counter() - t) * 1000, ok

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(n)))
    wall = time.perf_counter() - start
    ms = np.array([r[0] for r in results])
    return {"n": n, "p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
            "req_per_s": n / wall, "errors": sum(not r[1] for r in results)}


def wait_for_warm_up(base: str, timeout_s: float) -> dict:
    """Poll /health until the app's background warm-up reports its timings."""
    import httpx

    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        warm = httpx.get(base + "/health", timeout=60).json().get("warm_up")
        if warm:
            return warm
        time.sleep(0.25)
    raise RuntimeError(f"the background warm-up did not finish within {timeout_s:.0f} s")


def run(clients: int = CLIENTS, requests: int = REQUESTS, start_timeout_s: float = 120.0,
        warm_up: bool = True) -> list[dict]:
    import httpx

    tmp = Path(tempfile.mkdtemp(prefix="fitnesslm-bench-app-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rows: list[dict] = []
    try:
        proc, spawned, cold = start_app(port, tmp / "data", tmp / "app.log", start_timeout_s, warm_up)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        rss_start = rss_mb(proc.pid)
        rows.append({"measure": "cold start: spawn → GET / 200", "value": round(cold, 2), "unit": "s",
                     "target": f"≤ {COLD_START_TARGET_S:g}", "ok": "yes" if cold <= COLD_START_TARGET_S else "NO"})
        rows.append({"measure": "RSS at first page", "value": round(rss_start), "unit": "MB",
                     "target": f"≤ {RSS_TARGET_MB}", "ok": "yes" if rss_start <= RSS_TARGET_MB else "NO"})
        if warm_up:
            warm = wait_for_warm_up(base, 600.0)
            done = time.perf_counter() - spawned
            timed = {k: v for k, v in warm.items() if isinstance(v, (int, float))}
            slowest = max(timed, key=timed.get) if timed else "-"
            rows.append({"measure": f"background warm-up done (slowest: {slowest} {timed.get(slowest, 0):g} s)",
                         "value": round(done, 2), "unit": "s", "target": "",
                         "ok": "yes" if len(timed) == len(warm) else "NO: " + ", ".join(set(warm) - set(timed))})
            rss_warm = rss_mb(proc.pid)
            rows.append({"measure": "RSS after warm-up", "value": round(rss_warm), "unit": "MB",
                         "target": f"≤ {RSS_TARGET_MB}", "ok": "yes" if rss_warm <= RSS_TARGET_MB else "NO"})
        else:
            health = httpx.get(base + "/health", timeout=60).json()
            loaded = [name for name, on in (("embedder", health.get("embedder", {}).get("loaded")),
                                            ("local LLM", health.get("llm", {}).get("local", {}).get("loaded"))) if on]
            rows.append({"measure": "models loaded at first page", "value": ", ".join(loaded) or "none", "unit": "",
                         "target": "none", "ok": "yes" if not loaded else "NO"})
        with httpx.Client(base_url=base, timeout=300.0) as client:
            for label, method, share, cycle in endpoints():
                path = label.split(" ", 1)[1]
                t = time.perf_counter()
                first = client.request(method, path, **next(cycle))   # untimed: what is still lazy loads here
                first_ms = (time.perf_counter() - t) * 1000
                if not first.is_success:
                    raise RuntimeError(f"{label} warm-up answered {first.status_code}: {first.text[:300]}")
                stats = load(base, method, path, cycle, max(clients, requests // share), clients)
                rows.append({"measure": label, "first_ms": round(first_ms), "clients": clients, **stats})
        rss_end = rss_mb(proc.pid)
        peak = peak_rss_mb(proc.pid)
        rows.append({"measure": "RSS after load", "value": round(rss_end), "unit": "MB", "target": f"≤ {RSS_TARGET_MB}",
                     "ok": "yes" if rss_end <= RSS_TARGET_MB else "NO"})
        if peak is not None:
            rows.append({"measure": "peak RSS (VmHWM)", "value": round(peak), "unit": "MB",
                         "target": f"≤ {RSS_TARGET_MB}", "ok": "yes" if peak <= RSS_TARGET_MB else "NO"})
    except httpx.TransportError as exc:
        if proc.poll() is not None:   # say why, rather than "connection refused"
            raise RuntimeError(f"app.py exited with {proc.returncode} during the run (a negative code is the signal "
                               f"that stopped it); log:\n{(tmp / 'app.log').read_text()[-3000:]}") from exc
        raise
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    from bench.table import emit

    ap = argparse.ArgumentParser(prog="python -m bench app", description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    ap.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients (threads)")
    ap.add_argument("--requests", type=int, default=REQUESTS, help="requests per endpoint")
    ap.add_argument("--no-warm-up", action="store_true",
                    help="FITNESSLM_WARM_UP=0: models load on the first request that needs them")
    ap.add_argument("--start-timeout", type=float, default=120.0, help="seconds to wait for GET / to answer")
    args = ap.parse_args(argv)
    emit(run(args.clients, args.requests, args.start_timeout, not args.no_warm_up), args.json)


if __name__ == "__main__":
    main()
