"""bench_server: argument handling and the HTTP client path against a real local OpenAI-compatible server."""
from __future__ import annotations

import base64
import io
import json
import socket

import httpx
import pytest
from PIL import Image

from agent.backends import OpenAICompatibleBackend
from finetune import bench_server as bs
from tests.fakes import FakeOpenAIServer
from tests.finetune.conftest import blob_image, save

CATALOG = {"leg_press_machine": "Leg press machine", "treadmill": "Treadmill", "dumbbell": "Dumbbell"}


def answer(label: str, confidence: float = 0.9) -> str:
    """A reply in the app's closed-set JSON (tools/vlm_prompt.py)."""
    return json.dumps({"candidates": [{"id": label, "confidence": confidence}]})


@pytest.fixture
def held_out(tmp_path):
    root = tmp_path / "val"
    save(blob_image(1), root / "leg_press_machine" / "a.jpg")
    save(blob_image(2), root / "Treadmill" / "b.png")
    return root


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


# ---- arguments ----
def test_servers_pair_urls_labels_and_models():
    args = bs.parse_args(["--url", "http://a:1/v1", "--label", "base", "--url", "http://b:2/v1/", "--label", "awq",
                          "--model", "internvl2"])
    assert args.servers == [{"url": "http://a:1/v1", "label": "base", "model": "internvl2"},
                            {"url": "http://b:2/v1", "label": "awq", "model": "internvl2"}]
    args = bs.parse_args(["--url", "http://h:23333/v1", "--url", "http://h:23334/v1",
                          "--model", "m1", "--model", "m2"])
    assert [s["label"] for s in args.servers] == ["h:23333", "h:23334"]
    assert [s["model"] for s in args.servers] == ["m1", "m2"]
    assert bs.parse_args(["--url", "http://h/v1"]).servers[0]["model"] == "internvl2"  # the app's default name
    assert bs.parse_args(["--url", "http://h/v1"]).runs == bs.RUNS


@pytest.mark.parametrize("argv", [
    [],                                                                   # --url is required
    ["--url", "http://a/v1", "--url", "http://b/v1", "--label", "one"],   # labels must pair with urls
    ["--url", "http://a/v1", "--url", "http://b/v1", "--url", "http://c/v1", "--model", "x", "--model", "y"],
    ["--url", "localhost:23333"],                                         # not an http URL
    ["--url", "http://a/v1", "--runs", "0"],
    ["--url", "http://a/v1", "--timeout-s", "0"],
    ["--url", "http://a/v1", "--limit", "-1"],
    ["--url", "http://a/v1", "--images", "/no/such/folder"],
])
def test_bad_arguments_exit_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        bs.parse_args(argv)
    assert exc.value.code == 2 and "usage:" in capsys.readouterr().err


def test_parse_metrics_reads_lmdeploy_kv_cache_use():
    text = ("# HELP lmdeploy:gpu_cache_usage_perc GPU KV-cache usage.\n# TYPE lmdeploy:gpu_cache_usage_perc gauge\n"
            'lmdeploy:gpu_cache_usage_perc{model_name="internvl2"} 0.125\nlmdeploy:num_requests_running 0.0\n')
    assert bs.parse_metrics(text) == {"kv_cache_pct": 12.5}
    assert bs.parse_metrics("other_metric 1\n") == {}


def test_gpu_memory_is_none_without_nvidia_smi(monkeypatch):
    monkeypatch.setattr(bs.shutil, "which", lambda name: None)
    assert bs.gpu_memory_mb() is None


def test_image_data_url_is_a_base64_jpeg(tmp_path):
    path = save(blob_image(5, (3000, 1000)).convert("RGBA"), tmp_path / "big.png")
    url = bs.image_data_url(path, max_side=512)
    assert url.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
        assert im.format == "JPEG" and im.mode == "RGB" and max(im.size) == 512


# ---- client path against the fake server ----
def test_stream_once_times_first_token_and_asks_for_usage():
    with FakeOpenAIServer() as srv, httpx.Client(timeout=5) as client:
        srv.then(reply="one two three four")
        out = bs.stream_once(client, srv.base_url, "internvl2", [{"role": "user", "content": "hi"}], 16)
        body = srv.requests[0]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "internvl2" and body["max_tokens"] == 16
    assert out["tokens"] == 4 and 0 < out["ttft_s"] <= out["total_s"]


def test_stream_once_prefers_the_server_usage_count_and_rejects_empty_streams():
    usage_stream = ('data: {"choices": [{"delta": {"content": "Hello world"}}]}\n\n'
                    'data: {"choices": [], "usage": {"completion_tokens": 7}}\n\ndata: [DONE]\n\n')
    with FakeOpenAIServer() as srv, httpx.Client(timeout=5) as client:
        srv.then(raw=usage_stream).then(raw="data: [DONE]\n\n")
        assert bs.stream_once(client, srv.base_url, "m", [], 8)["tokens"] == 7
        with pytest.raises(ValueError):
            bs.stream_once(client, srv.base_url, "m", [], 8)


def test_measure_speed_warms_up_then_runs():
    with FakeOpenAIServer() as srv, httpx.Client(timeout=5) as client:
        for _ in range(4):
            srv.then(reply="a b c d e f")
        row = bs.measure_speed(client, {"url": srv.base_url, "model": "m"}, runs=3, max_tokens=8)
        assert len(srv.requests) == 4
    assert row["ttft_ms"] > 0 and row["tok_s"] > 0 and row["tokens"] == 6


def test_kv_cache_use_is_read_while_a_request_is_in_flight():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.url.path == "/metrics":
            return httpx.Response(200, text="lmdeploy:gpu_cache_usage_perc 0.0%d\n" % len(calls))
        sse = "".join(f'data: {{"choices": [{{"delta": {{"content": "{w} "}}}}]}}\n\n' for w in "abc")
        return httpx.Response(200, text=sse + "data: [DONE]\n\n", headers={"content-type": "text/event-stream"})

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        row = bs.measure_speed(client, {"url": "http://gpu:23333/v1", "model": "m"}, runs=2, max_tokens=8)
    assert calls == ["POST /v1/chat/completions", "POST /v1/chat/completions", "GET /metrics",
                     "POST /v1/chat/completions", "GET /metrics"]
    assert row["kv_cache_pct"] == 5.0 and row["tokens"] == 3  # the larger of the two readings (0.03, 0.05)


def test_accuracy_asks_the_apps_question_and_counts_right_none_invalid_and_failed(held_out, kb):
    from tools.equipment import TOP_K
    from tools.vlm_prompt import closed_set_question, vlm_schema

    samples, unknown = bs.held_out_samples(held_out, kb)
    assert [s[0] for s in samples] == ["treadmill", "leg_press_machine"] and unknown == []  # folder order
    samples = samples * 3  # six requests: treadmill, leg press, treadmill, ...
    with FakeOpenAIServer() as srv:
        srv.then(reply=answer("treadmill")).then(reply="```json\n" + answer("dumbbell") + "\n```")
        srv.then(reply=answer("none")).then(reply="no idea, sorry").then(status=503)
        srv.then(reply='Sure: {"id": "leg_press_machine", "confidence": 70}')
        backend = OpenAICompatibleBackend(srv.base_url, "internvl2", timeout_s=5)
        acc = bs.measure_accuracy(backend, samples, CATALOG, guided=True)
        body = srv.requests[0]["body"]
    assert acc == {"images": 6, "acc_pct": 33.3, "none": 1, "invalid": 1, "errors": 1}
    image_part, text_part = body["messages"][0]["content"]
    assert image_part["type"] == "image_url" and image_part["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert text_part == {"type": "text", "text": closed_set_question(CATALOG, TOP_K)}   # what the app asks
    assert body["response_format"]["json_schema"]["schema"] == vlm_schema(list(CATALOG), TOP_K)
    assert body["temperature"] == 0.0


def test_timeouts_become_errors_not_crashes(held_out, kb):
    samples, _ = bs.held_out_samples(held_out, kb, limit=1)
    with FakeOpenAIServer() as srv:
        srv.then(delay_s=1.0, reply="late")  # the speed warm-up times out
        srv.then(delay_s=1.0, reply=answer("treadmill")).then(reply=answer("leg_press_machine"))
        row = bs.bench_server({"url": srv.base_url, "label": "slow", "model": "m"}, samples, CATALOG, runs=1,
                              max_tokens=8, timeout_s=0.3)
    assert row["status"].startswith("speed: timed out") and "1 recognition request(s) failed" in row["status"]
    assert row["ttft_ms"] == "" and row["errors"] == 1 and row["acc_pct"] == 50.0


def test_main_prints_one_table_for_several_servers(held_out, capsys):
    with FakeOpenAIServer() as base, FakeOpenAIServer() as awq:
        for srv, answers in ((base, ["treadmill", "treadmill"]), (awq, ["treadmill", "leg_press_machine"])):
            srv.then(reply="warm up").then(reply="x y z")
            for a in answers:
                srv.then(reply=answer(a))
        rows = bs.main(["--images", str(held_out), "--runs", "1", "--url", base.base_url, "--label", "base",
                        "--url", awq.base_url, "--label", "awq-kv8", "--url", closed_port_url(), "--label", "down",
                        "--timeout-s", "2"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["label", "model"] and set(lines[1]) <= {"-", " "}
    assert [ln.split()[0] for ln in lines[2:5]] == ["base", "awq-kv8", "down"]
    assert [r["acc_pct"] for r in rows] == [50.0, 100.0, 0.0]
    assert rows[0]["status"] == rows[1]["status"] == "ok" and rows[1]["tokens"] == 3
    assert "ConnectError" in rows[2]["status"] and rows[2]["errors"] == 2


def test_main_json_output(held_out, capsys):
    with FakeOpenAIServer() as srv:
        rows = bs.main(["--url", srv.base_url, "--runs", "1", "--json"])
    assert json.loads(capsys.readouterr().out) == rows
    assert "acc_pct" not in rows[0]  # no --images: speed only
