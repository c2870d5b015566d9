"""The door in front of the Gradio UI's routes (services/access.py rule 1), as pure ASGI middleware.

The page a browser loads gets a signed, HttpOnly cookie; with FITNESSLM_API_TOKEN set, every
/gradio_api/* request (queue/join by fn_index, call/<api_name>, uploads, files) needs that cookie or
`Authorization: Bearer <token>` — 401 otherwise. The cookie is set by the server on the page itself,
so nothing secret travels in /config. Which user's data an event may touch is checked in the event
(demo/ui.py) with the same `Access`.
"""
from __future__ import annotations

import json
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from services.access import BROWSER_COOKIE, AccessDenied

GATED = ("/gradio_api/", "/monitoring")
NO_COOKIE = ("/v1/", "/gradio_api/", "/health", "/openapi.json", "/docs", "/redoc")
COOKIE_DAYS = 365


def _cookies(scope: Scope) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:   # a malformed cookie header is no cookie
                pass
    return {k: m.value for k, m in jar.items()}


class PageGate:
    def __init__(self, app: ASGIApp, access):
        self.app, self.access = app, access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        cookies = _cookies(scope)
        if path.startswith(GATED):
            try:
                self.access.check_door(self.access.caller(headers, cookies))
            except AccessDenied as exc:
                body = json.dumps({"error": exc.code, "message": exc.en, "messages": {"en": exc.en, "zh": exc.zh},
                                   "fields": None}, ensure_ascii=False).encode()
                await send({"type": "http.response.start", "status": exc.status,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                        (b"www-authenticate", b'Bearer realm="fitnesslm"')]})
                return await send({"type": "http.response.body", "body": body})
            return await self.app(scope, receive, send)
        if scope["method"] != "GET" or path.startswith(NO_COOKIE) or self.access.browser_of(cookies.get(BROWSER_COOKIE)):
            return await self.app(scope, receive, send)
        secure = headers.get("x-forwarded-proto") == "https" or scope.get("scheme") == "https"
        # On a Space the app runs in a cross-site iframe: only SameSite=None; Secure; Partitioned reaches it.
        attrs = "; SameSite=None; Secure; Partitioned" if secure else "; SameSite=Lax"
        cookie = (f"{BROWSER_COOKIE}={self.access.browser_cookie()}; Path=/; Max-Age={COOKIE_DAYS * 86400}; "
                  f"HttpOnly{attrs}").encode()

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)
