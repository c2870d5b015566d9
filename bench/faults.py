"""Faults a public Space meets, tried against the real app on loopback; one row per fault.

python -m bench faults [--json] [--skip-kill] [--skip-llm]
Everything runs on 127.0.0.1 only, against servers this script starts, and stops by itself (~1-2 min on
2 cores). Three parts:
- uploads: `python app.py` as a subprocess (FITNESSLM_MAX_UPLOAD_MB=5) gets corrupt, 0-byte and
  text-as-image files, a decompression-bomb PNG, a 36 MP single-colour PNG x 12 at once, a 1000-frame GIF,
  an upload over the cap, garbage and over-long videos. Pass: a clear 4xx error in the asked language
  (or a result), the app still answering, RSS back near the baseline measured after a first good photo.
- store: 50 concurrent users x 20 profile writes + history reads (no lost update, no 5xx, no
  "database is locked"); then kill -9 during writes, restart, SQLite integrity_check and every
  acknowledged write present.
- LLM server: a loopback fake OpenAI server that refuses, hangs, answers 500 or malformed JSON, behind
  the app's FallbackBackend with a 3 s deadline. The local model is a stand-in here (the real one is
  timed by `bench agent`); the chat turn goes through the real agent's ReAct loop. Pass: the turn ends
  within the deadline with the fallback's answer and /health names the backend that served and the error.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sqlite3
import struct
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from bench.app import free_port, rss_mb, start_app, stop_app
from bench.table import current_rss_mb, format_table

UPLOAD_MB = 5              # FITNESSLM_MAX_UPLOAD_MB for the app under test
RSS_SLACK_MB = 200         # "back to baseline": within this of the RSS after the first good photo
USERS, WRITES = 50, 20     # concurrent users x profile writes each (each write followed by a history read)
KILL_AFTER_S = 1.5         # kill -9 this long after the writers start
LLM_DEADLINE_S = 3.0       # FITNESSLM_LLM_TIMEOUT_S of the backend under test
START_TIMEOUT_S = 120


# -- test inputs -----------------------------------------------------------------------------------------
def _png(w: int, h: int, rgb=(30, 160, 60)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), rgb).save(buf, "PNG")
    return buf.getvalue()


def _bomb_png(side: int = 30_000) -> bytes:
    """A PNG whose header claims side x side pixels (900 MP) with a tiny compressed body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * (side * 3 + 1) * 4, 9)   # a few rows; the decoder must never get that far
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _gif_1000() -> bytes:
    from PIL import Image

    frames = [Image.new("P", (64, 64), i % 256) for i in range(1000)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=20)
    return buf.getvalue()


def _long_video(path: Path, seconds: int = 660, fps: int = 1) -> bytes:
    """An 11-minute tiny MJPG clip (more than the 10 minutes analysed)."""
    import cv2

    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (64, 48))
    for i in range(seconds * fps):
        out.write(np.full((48, 64, 3), (i * 7) % 255, np.uint8))
    out.release()
    return path.read_bytes()


# -- part 1: uploads --------------------------------------------------------------------------------------
def upload_faults(base: str, pid: int, tmp: Path) -> list[dict]:
    import httpx

    client = httpx.Client(base_url=base, timeout=120)
    good = client.post("/v1/recognize", files={"file": ("ok.png", _png(320, 240), "image/png")})
    assert good.status_code == 200, good.text
    baseline = rss_mb(pid)
    rng = np.random.default_rng(0)
    cases = [
        ("corrupt JPEG", "/v1/recognize", ("c.jpg", b"\xff\xd8\xff\xe0" + rng.bytes(3000), "image/jpeg"), (422,)),
        ("0-byte file", "/v1/recognize", ("e.png", b"", "image/png"), (422,)),
        ("text as image", "/v1/recognize", ("t.png", b"hello, this is not a picture\n" * 50, "image/png"), (422,)),
        ("decompression bomb PNG (900 MP header)", "/v1/recognize", ("b.png", _bomb_png(), "image/png"), (422,)),
        ("1000-frame GIF", "/v1/recognize", ("g.gif", _gif_1000(), "image/gif"), (200,)),
        ("upload over the cap (6 MB)", "/v1/recognize", ("big.png", rng.bytes(6 * 2**20), "image/png"), (413,)),
        ("garbage video", "/v1/recognize/video", ("v.mp4", rng.bytes(200_000), "video/mp4"), (422,)),
        ("over-long video (11 min)", "/v1/recognize/video", ("long.avi", _long_video(tmp / "long.avi"),
                                                              "video/x-msvideo"), (200, 422)),
    ]
    rows = []
    for name, path, file, expected in cases:
        before = rss_mb(pid)
        start = time.perf_counter()
        resp = client.post(path, files={"file": file}, data={"lang": "zh"})
        ms = (time.perf_counter() - start) * 1000
        body = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
        zh = body.get("message", "") + ((body.get("messages") or {}).get("zh") or "")   # 413 comes before the form is read
        zh_ok = resp.status_code < 400 or any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        up = client.get("/health").status_code == 200
        after = rss_mb(pid)
        outcome = f"{resp.status_code} {body.get('error') or body.get('status') or ''}".strip()
        ok = resp.status_code in expected and zh_ok and up and after < baseline + RSS_SLACK_MB
        rows.append({"fault": name, "outcome": outcome, "ms": round(ms), "rss_before_mb": round(before),
                     "rss_after_mb": round(after), "pass": ok})
    # twelve simultaneous 36 MP single-colour PNGs (under the 40 MP cap)
    big = _png(7200, 5000)
    before = rss_mb(pid)
    peak = [before]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(lambda _: httpx.post(f"{base}/v1/recognize", timeout=120,
                                                   files={"file": ("p.png", big, "image/png")}).status_code, range(12)))
    stop.set()
    watcher.join()
    time.sleep(0.5)
    after = rss_mb(pid)
    rows.append({"fault": "12 x 36 MP PNG at once", "outcome": f"{codes.count(200)}/12 ok, peak {peak[0]:.0f} MB",
                 "ms": "", "rss_before_mb": round(before), "rss_after_mb": round(after),
                 "pass": codes.count(200) == 12 and after < baseline + RSS_SLACK_MB})
    return rows


# -- part 2: the store --------------------------------------------------------------------------------------
def concurrent_users(base: str, pid: int, log: Path) -> dict:
    import httpx

    before = rss_mb(pid)
    errors: list[str] = []

    def user(_):
        c = httpx.Client(base_url=base, timeout=60)
        uid = c.post("/v1/users").json()["user_id"]
        for i in range(WRITES):
            r = c.put(f"/v1/users/{uid}/profile", json={"minutes_per_session": 15 + i, "age": 20 + i % 50})
            h = c.get(f"/v1/users/{uid}/history")
            if r.status_code != 200 or h.status_code != 200:
                errors.append(f"{r.status_code}/{h.status_code}")
        final = c.get(f"/v1/users/{uid}/profile").json()["profile"]
        return final.get("minutes_per_session") == 15 + WRITES - 1 and final.get("age") == 20 + (WRITES - 1) % 50

    start = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        kept = list(pool.map(user, range(USERS)))
    seconds = time.perf_counter() - start
    locked = "database is locked" in log.read_text(errors="replace")
    return {"fault": f"{USERS} users x {WRITES} writes + history reads",
            "outcome": f"{sum(kept)}/{USERS} final profiles right, {len(errors)} errors, {seconds:.1f} s"
                       + (", 'database is locked' in log" if locked else ""),
            "ms": round(seconds * 1000 / (USERS * WRITES * 2), 1), "rss_before_mb": round(before),
            "rss_after_mb": round(rss_mb(pid)), "pass": all(kept) and not errors and not locked}


def kill_during_writes(data: Path, tmp: Path) -> dict:
    """Writers acknowledge values; kill -9 mid-stream; the restarted app must have every acknowledged one."""
    import httpx

    port = free_port()
    proc, _, _ = start_app(port, data, tmp / "kill.log", START_TIMEOUT_S, warm_up=False)
    base = f"http://127.0.0.1:{port}"
    acked: dict[str, int] = {}
    failed: list[int] = []
    stop = threading.Event()

    def writer(n: int):
        c = httpx.Client(base_url=base, timeout=10)
        uid = f"kill-{n}"
        i = 0
        while not stop.is_set():
            try:
                if c.put(f"/v1/users/{uid}/profile", json={"meals_per_day": 2 + i % 5, "dislikes": [f"n{i}"]}).status_code == 200:
                    acked[uid] = i
                else:
                    failed.append(i)
            except httpx.HTTPError:
                return
            i += 1

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(KILL_AFTER_S)
    before = rss_mb(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in threads:
        t.join(5)
    with sqlite3.connect(data / "users.sqlite") as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    proc, _, _ = start_app(port, data, tmp / "kill2.log", START_TIMEOUT_S, warm_up=False)
    try:
        c = httpx.Client(base_url=base, timeout=10)
        saved = {u: c.get(f"/v1/users/{u}/profile").json()["profile"].get("dislikes") for u in acked}
        # the last acknowledged write, or the one in flight when the process died
        missing = [u for u, i in acked.items() if saved[u] not in ([f"n{i}"], [f"n{i + 1}"])]
        after = rss_mb(proc.pid)
    finally:
        stop_app(proc)
    return {"fault": "kill -9 during writes, restart", "outcome": f"integrity {integrity}, {sum(acked.values()) + len(acked)}"
            f" acked writes ({len(failed)} refused), {len(missing)} users missing their last acked write", "ms": "",
            "rss_before_mb": round(before), "rss_after_mb": round(after),
            "pass": integrity == "ok" and not missing and bool(acked) and not failed}


# -- part 3: the LLM server -----------------------------------------------------------------------------------
class FaultyLLM:
    """Loopback OpenAI-compatible server in one fault mode: 'hang', '500', 'malformed' ('refuse' = no server)."""

    def __init__(self, mode: str):
        self.mode = mode
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, status, body: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):   # /models answers: the server looks ready
                self._send(200, b'{"data": [{"id": "internvl2"}]}')

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if outer.mode == "hang":
                    time.sleep(LLM_DEADLINE_S * 4)
                    return self._send(200, b"{}")
                if outer.mode == "500":
                    return self._send(500, b'{"error": "boom"}')
                self._send(200, b'{"choices": [{"message": {"content": ')   # malformed: cut-off JSON

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class LocalStandIn:
    """Stands in for the packaged local model (a true model boundary): answers any step at once."""

    name, supports_images = "local", False
    ANSWER = "Here is an answer from the local model."

    def chat(self, messages, max_tokens=256, temperature=0.0, json_schema=None):
        return json.dumps({"reply": self.ANSWER}) if json_schema else f"Thought: ok\nFinal Answer: {self.ANSWER}"

    def stream(self, messages, max_tokens=256, temperature=0.0, json_schema=None):
        yield self.chat(messages, max_tokens, temperature, json_schema)

    def is_ready(self):
        return True


def llm_faults(tmp: Path) -> list[dict]:
    from fastapi.testclient import TestClient

    from agent.backends import FallbackBackend, OpenAICompatibleBackend
    from api.app import create_api
    from config import settings_from_env
    from services import Services

    rows = []
    for mode in ("refuse", "hang", "500", "malformed"):
        server = None if mode == "refuse" else FaultyLLM(mode)
        url = server.url if server else f"http://127.0.0.1:{free_port()}/v1"   # nothing listens there
        settings = settings_from_env({}, data_dir=tmp / f"llm-{mode}", llm_url=url, llm_timeout_s=LLM_DEADLINE_S)
        services = Services(settings)
        services.backend = FallbackBackend(OpenAICompatibleBackend(url, "internvl2", timeout_s=LLM_DEADLINE_S),
                                           LocalStandIn())
        services.agent.fast_path = False          # every message through the ReAct loop (the LLM path)
        api = TestClient(create_api(settings, services=services))
        before = current_rss_mb()
        start = time.perf_counter()
        turn = api.post("/v1/chat", json={"user_id": f"llm-{mode}", "message": "Tell me something interesting"}).json()
        seconds = time.perf_counter() - start
        again = time.perf_counter()
        api.post("/v1/chat", json={"user_id": f"llm-{mode}", "message": "Tell me something interesting"})
        second_s = time.perf_counter() - again
        health = api.get("/health").json()
        if server:
            server.close()
        error = (health["llm"].get("openai") or {}).get("last_error") or ""
        ok = (turn.get("answer") == LocalStandIn.ANSWER and seconds <= LLM_DEADLINE_S + 2 and second_s < 1.0
              and health["llm_last_served"] == "local" and bool(error))
        rows.append({"fault": f"LLM server: {mode}", "outcome": f"answered by {turn.get('backend')} in {seconds:.1f} s "
                     f"(next turn {second_s:.2f} s); /health: served={health['llm_last_served']}, "
                     f"error={error[:40]!r}", "ms": round(seconds * 1000), "rss_before_mb": round(before),
                     "rss_after_mb": round(current_rss_mb()), "pass": ok})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench faults", description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--skip-kill", action="store_true")
    ap.add_argument("--skip-llm", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fitnesslm-faults-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        port = free_port()
        proc, _, _ = start_app(port, data, tmp / "app.log", START_TIMEOUT_S, warm_up=False,
                               extra_env={"FITNESSLM_MAX_UPLOAD_MB": str(UPLOAD_MB), "FITNESSLM_LLM_URL": "",
                                          "FITNESSLM_LLM_BACKEND": "local", "FITNESSLM_PUBLIC": "0"})
        base = f"http://127.0.0.1:{port}"
        try:
            rows = upload_faults(base, proc.pid, tmp)
            rows.append(concurrent_users(base, proc.pid, tmp / "app.log"))
        finally:
            stop_app(proc)
        if not args.skip_kill:
            rows.append(kill_during_writes(tmp / "kill-data", tmp))
        if not args.skip_llm:
            rows += llm_faults(tmp)
    total = time.perf_counter() - started
    if args.json:
        print(json.dumps({"rows": rows, "seconds": round(total, 1)}, ensure_ascii=False, indent=1))
    else:
        print(format_table(rows))
        print(f"\n{sum(r['pass'] for r in rows)}/{len(rows)} pass · {total:.0f} s")
    sys.exit(0 if all(r["pass"] for r in rows) else 1)


if __name__ == "__main__":
    main()
