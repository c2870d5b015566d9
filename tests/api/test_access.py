"""The one access rule, proved at every door of the running app (REST and Gradio) over loopback HTTP.

Enumerates every /v1 operation in /openapi.json, every Gradio event of the app (Blocks.fns, called by
fn_index through /gradio_api/queue/join, as a script would) and every named one in /gradio_api/info
(/gradio_api/call/<name>), and shows that each one that touches a user refuses another user's data,
and that with FITNESSLM_API_TOKEN set each refuses a caller without the token or the page's cookie.
"""
from __future__ import annotations

import json
import re
import threading
import time

import gradio as gr
import httpx
import pytest
import uvicorn

from services.access import BROWSER_COOKIE, Caller
from tests.api.test_v1 import make_services, photo

MARK = "victimmark7351"


class Server:
    """`app.create_app` on 127.0.0.1 in a thread (a real uvicorn, so Gradio's queue runs as in production)."""

    def __init__(self, services):
        from app import create_app
        from bench.app import free_port

        self.app = create_app(services.settings, services)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def blocks(self) -> gr.Blocks:
        for route in self.app.routes:
            inner = getattr(route, "app", None)
            if inner is not None and hasattr(inner, "get_blocks"):
                return inner.get_blocks()
        raise AssertionError("no Gradio app mounted")


def browser(url: str) -> httpx.Client:
    """A client that loaded the page, so it holds the page's cookie (as a browser does)."""
    client = httpx.Client(base_url=url, timeout=60)
    assert client.get("/").status_code == 200 and client.cookies.get(BROWSER_COOKIE)
    return client


def run_event(client: httpx.Client, fn_index: int, data: list, headers: dict | None = None) -> dict:
    """One Gradio event by fn_index through the queue; its completion message (or the refused join)."""
    session = f"s{fn_index}x{time.monotonic_ns()}"
    join = client.post("/gradio_api/queue/join", headers=headers or {},
                       json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
                             "trigger_id": None})
    if join.status_code != 200:
        return {"status": join.status_code, "text": join.text}
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}, headers=headers or {}) as r:
        for line in r.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    return {"status": 200, **msg}
    raise AssertionError(f"event {fn_index} never completed")


def inputs_for(fn, user_state, values: dict) -> list:
    out = []
    for comp in fn.inputs:
        if comp is user_state:
            out.append(values["user"])
        elif isinstance(comp, gr.Radio) and comp.elem_id == "lang-switch":
            out.append("en")
        else:
            out.append(getattr(comp, "value", None))   # what the page would send untouched
    return out


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    svc = make_services(tmp_path_factory.mktemp("access"))
    with Server(svc) as server:
        yield server, svc


def victim_of(svc, client: httpx.Client) -> str:
    """A user whose id the server issued to `client`'s browser, with a profile, history and a gallery photo."""
    key = svc.access.browser_of(client.cookies.get(BROWSER_COOKIE))
    victim = svc.access.issue_user(Caller(browser=key))
    svc.store.save_profile(victim, {"age": 61, "dislikes": [MARK]})
    svc.store.add_history(victim, "chat", MARK)
    svc.user_gallery(victim).enroll("my_" + MARK, [photo(noise=5)])
    return victim


def intact(svc, victim: str) -> bool:
    return (svc.store.profile(victim).get("dislikes") == [MARK] and svc.store.history(victim)[0]["summary"] == MARK
            and svc.user_gallery(victim).labels() == {"my_" + MARK: 1})


def test_every_gradio_event_refuses_another_browsers_user(app):
    server, svc = app
    owner, attacker = browser(server.url), browser(server.url)
    victim = victim_of(svc, owner)
    blocks = server.blocks
    user_state = next(b for b in blocks.blocks.values() if isinstance(b, gr.BrowserState))
    touching = [fn for fn in blocks.fns.values() if user_state in fn.inputs]
    names = {fn.name for fn in touching}
    # every event that reads or changes a user's data takes the id: chat, scan, gallery, video, plans, my data
    assert {"on_load", "chat", "on_scan", "on_enroll", "on_remove", "on_gym", "on_video", "on_training",
            "on_nutrition", "on_refresh", "on_delete"} <= names, names
    for fn in touching:
        out = run_event(attacker, fn._id, inputs_for(fn, user_state, {"user": victim}))
        text = json.dumps(out, ensure_ascii=False)
        assert MARK not in text, (fn.name, text[:300])
        if fn.name == "on_load":   # the page is given a fresh id of its own, never the one it presented
            assert out["success"] and victim not in text
        else:
            assert out["success"] is False and "another browser" in text, (fn.name, text[:300])
    assert intact(svc, victim)
    # the owner's own browser passes the same rule
    refresh = next(fn for fn in touching if fn.name == "on_refresh")
    mine = run_event(owner, refresh._id, inputs_for(refresh, user_state, {"user": victim}))
    assert mine["success"] and MARK in json.dumps(mine, ensure_ascii=False)


def test_guessable_ids_are_refused_on_a_public_server(tmp_path):
    svc = make_services(tmp_path, public=1)
    from fastapi.testclient import TestClient

    from api.app import create_api

    api = TestClient(create_api(services=svc))
    assert api.get("/v1/users/alice/profile").json()["error"] == "unknown_user"
    assert api.post("/v1/chat", json={"user_id": "alice", "message": "hi"}).status_code == 404
    issued = api.post("/v1/users").json()["user_id"]
    assert re.fullmatch(r"u_[A-Za-z0-9_\-]{32}", issued)          # 192 random bits
    assert api.put(f"/v1/users/{issued}/profile", json={"age": 33}).json()["profile"] == {"age": 33}
    assert api.delete(f"/v1/users/{issued}").json()["deleted"] is True
    assert api.get(f"/v1/users/{issued}/profile").status_code == 404   # the id itself is forgotten


def _rest_calls(schema: dict, victim: str) -> list[tuple[str, str, dict]]:
    """(method, path, request kwargs) for every /v1 operation, naming `victim` wherever a user id goes."""
    body = {"/v1/chat": {"user_id": victim, "message": "hi"}, "/v1/chat/stream": {"user_id": victim, "message": "hi"},
            "/v1/plans/training": {"user_id": victim, "profile": {"goal": "strength", "days_per_week": 3,
                                                                  "minutes_per_session": 60, "age": 30}},
            "/v1/plans/nutrition": {"user_id": victim, "profile": {"sex": "male", "age": 30, "height_cm": 180,
                                                                   "weight_kg": 80}},
            "/v1/users/{user_id}/profile": {"age": 20}}
    files = {"/v1/recognize": {"file": ("p.png", photo(), "image/png")},
             "/v1/recognize/video": {"file": ("v.avi", b"\0" * 100, "video/x-msvideo")},
             "/v1/gallery/enroll": [("files", ("p.png", photo(), "image/png"))]}
    calls = []
    for path, ops in schema["paths"].items():
        if not path.startswith("/v1"):
            continue
        for method in ops:
            url = path.replace("{user_id}", victim).replace("{item_id}", "1").replace("{label}", "my_" + MARK) \
                .replace("{exercise_id}", "push_up")
            kwargs: dict = {"params": {"user_id": victim, "q": "squat"}}
            if path in files:
                kwargs = {"data": {"user_id": victim, "label": "my_" + MARK}, "files": files[path]}
            elif method in ("post", "put"):
                kwargs["json"] = body.get(path) or _example_body(schema, ops[method], victim)
            calls.append((method, path, {"url": url, **kwargs}))
    return calls


def _example_body(schema: dict, op: dict, victim: str) -> dict:
    """The request model's own example (routes added later), naming `victim` when the model has a user_id."""
    ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema") or {}).get("$ref")
    model = schema["components"]["schemas"].get((ref or "").rsplit("/", 1)[-1], {})
    body = dict((model.get("examples") or [{}])[0])
    if "user_id" in model.get("properties", {}):
        body["user_id"] = victim
    return body


def _takes_a_user(schema: dict, op: dict) -> bool:
    names = {p["name"] for p in op.get("parameters", [])}
    content = op.get("requestBody", {}).get("content", {})
    refs = [c.get("schema", {}).get("$ref", "") for c in content.values()]
    props = {k for r in refs if r for k in schema["components"]["schemas"][r.rsplit("/", 1)[-1]].get("properties", {})}
    return "user_id" in names | props


def test_every_rest_route_refuses_another_users_data(app):
    server, svc = app
    owner = browser(server.url)
    victim = victim_of(svc, owner)
    rest = httpx.Client(base_url=server.url, timeout=60)   # a script: no page cookie, no token
    schema = rest.get("/openapi.json").json()
    touching = 0
    for method, path, kwargs in _rest_calls(schema, victim):
        resp = rest.request(method.upper(), **kwargs)
        assert MARK not in resp.text, (method, path, resp.text[:200])
        if _takes_a_user(schema, schema["paths"][path][method]):   # every route that can name a user
            touching += 1
            assert resp.status_code == 403 and resp.json()["error"] == "not_your_data", (method, path, resp.text[:200])
    assert touching >= 14 and intact(svc, victim)


def test_with_a_token_every_door_refuses_without_it(tmp_path):
    svc = make_services(tmp_path, api_token="op-token")
    with Server(svc) as server:
        anon = httpx.Client(base_url=server.url, timeout=30)    # a script that never loaded the page
        config = httpx.get(f"{server.url}/config")
        assert "op-token" not in config.text and "server.secret" not in config.text
        assert svc._server_secret().hex() not in config.text
        blocks = server.blocks
        for fn in blocks.fns.values():                                   # by fn_index, like the page
            out = run_event(anon, fn._id, [None] * len(fn.inputs))
            assert out["status"] == 401, (fn.name, out)
        info = anon.get("/gradio_api/info")
        assert info.status_code == 401
        named = httpx.get(f"{server.url}/gradio_api/info", headers={"Authorization": "Bearer op-token"}).json()
        assert {"/status", "/scan"} <= set(named["named_endpoints"])
        for name in named["named_endpoints"]:                             # /gradio_api/call/<api_name>
            assert anon.post(f"/gradio_api/call{name}", json={"data": []}).status_code == 401, name
        schema = httpx.get(f"{server.url}/openapi.json").json()
        for method, path, kwargs in _rest_calls(schema, "u-anyone"):
            assert anon.request(method.upper(), **kwargs).status_code == 401, (method, path)
        # the page's cookie opens the UI (not /v1); the token opens both
        page = browser(server.url)
        status = next(fn for fn in blocks.fns.values() if fn.api_name == "status")
        user_state = next(b for b in blocks.blocks.values() if isinstance(b, gr.BrowserState))
        assert run_event(page, status._id, inputs_for(status, user_state, {"user": ""}))["success"]
        assert page.get("/v1/gifs/search", params={"q": "squat"}).status_code == 401
        assert anon.get("/v1/gifs/search", params={"q": "squat"},
                        headers={"Authorization": "Bearer op-token"}).status_code == 200


def test_page_uploads_have_the_same_cap_as_the_api(app):
    server, svc = app
    page = browser(server.url)
    over = page.post("/gradio_api/upload", files={"files": ("a.png", b"\0" * (2 * 2**20), "image/png")})
    assert over.status_code == 413                                           # MAX_UPLOAD_MB = 1 in these tests
    assert page.post("/gradio_api/upload", files={"files": ("a.png", b"\0" * 1000, "image/png")}).status_code == 200
