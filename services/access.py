"""The one access rule for a user's data, used by every door: the REST routes (api/) and the Gradio events
(demo/). Why one place: the UI's event API (/gradio_api/call/*, /gradio_api/queue/join by fn_index) used to
reach profiles, history and deletes with no check at all while /v1 asked for the token.

The rule, in the order it is checked:
1. The door. When the server sets FITNESSLM_API_TOKEN, a request needs `Authorization: Bearer <token>`;
   the Gradio page is also let in by the signed cookie this server sets on the page it serves (a browser
   that loaded the page), never by anything in /config. The REST API (/v1) takes the token only.
2. The user id. It is a secret the server issues (`issue_user`, 192 random bits); on a public deployment
   (FITNESSLM_PUBLIC=1, on by default on a Hugging Face Space) an id this server did not issue is refused,
   so "alice" or a counter can't be guessed. Elsewhere any well-formed id is accepted (local use, tests).
3. The owner. An id issued to a browser (the page's BrowserState) is bound to that browser's cookie:
   another browser, or a script without the cookie, that presents it is refused, unless it carries the
   operator's token. An id issued over REST is a bearer secret: knowing it (and the token, when set) is
   what owning it means.
4. Shared things (the operator's gallery that every user's recognition sees) need the operator's token.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

BROWSER_COOKIE = "fitnesslm_browser"
USER_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
ISSUED_ID = re.compile(r"^u_[A-Za-z0-9_\-]{32}$")   # "u_" + token_urlsafe(24): 192 random bits
_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.I)


class AccessDenied(Exception):
    """A refused request: HTTP-like status, a stable code, and the reason in English and Chinese."""

    def __init__(self, status: int, code: str, en: str, zh: str):
        super().__init__(en)
        self.status, self.code, self.en, self.zh = status, code, en, zh

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Caller:
    """Who is asking: the bearer token they sent ("" = none) and their verified browser key ("" = none)."""

    token: str = ""
    browser: str = ""


def bearer_of(authorization: str | None) -> str:
    m = _BEARER.match(authorization or "")
    return m.group(1) if m else ""


def new_user_id() -> str:
    return "u_" + secrets.token_urlsafe(24)


class Access:
    def __init__(self, settings, store, secret: bytes):
        self.settings, self.store, self._secret = settings, store, secret

    # -- who is calling ----------------------------------------------------------------------------
    def browser_cookie(self) -> str:
        """A fresh cookie value for a browser that loaded the page: random key + its HMAC."""
        key = secrets.token_urlsafe(18)
        return f"{key}.{self._sign(key)}"

    def browser_of(self, cookie: str | None) -> str:
        """The browser key of a cookie this server signed, else ""."""
        key, _, sig = (cookie or "").partition(".")
        return key if key and sig and hmac.compare_digest(sig, self._sign(key)) else ""

    def caller(self, headers, cookies=None, browser_ok: bool = True) -> Caller:
        """Caller from request headers/cookies; `browser_ok=False` (REST) ignores the page cookie."""
        token = bearer_of(headers.get("authorization"))
        browser = self.browser_of((cookies or {}).get(BROWSER_COOKIE)) if browser_ok else ""
        return Caller(token, browser)

    def _sign(self, key: str) -> str:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()[:32]

    def has_token(self, caller: Caller) -> bool:
        token = self.settings.api_token
        return bool(token) and bool(caller.token) and hmac.compare_digest(caller.token.encode(), token.encode())

    # -- the rule ----------------------------------------------------------------------------------
    def check_door(self, caller: Caller) -> None:
        """Rule 1: with a token configured, the token (or, for the page, its signed cookie)."""
        if self.settings.api_token and not self.has_token(caller) and not caller.browser:
            raise AccessDenied(401, "unauthorized", "Missing or wrong API token: send 'Authorization: Bearer <token>'.",
                               "缺少或错误的 API 令牌：请发送 “Authorization: Bearer <令牌>”。")

    def check_user(self, caller: Caller, user_id: str) -> str:
        """Rules 1-3 for one user's data; returns the id. Raises AccessDenied."""
        self.check_door(caller)
        if not isinstance(user_id, str) or not USER_ID.match(user_id):
            raise AccessDenied(422, "bad_user_id", "The user id must be 1-64 letters, digits, '.', '_' or '-'.",
                               "用户 id 必须是 1-64 个字母、数字、“.”、“_” 或 “-”。")
        record = self.store.user_record(user_id)
        if record is None and self.settings.public:
            raise AccessDenied(404, "unknown_user", "Unknown user id: ask the server for one (POST /v1/users).",
                               "未知的用户 id：请向服务器申请一个（POST /v1/users）。")
        bound = (record or {}).get("browser") or ""
        if bound and not self.has_token(caller) and not hmac.compare_digest(bound, _digest(caller.browser)):
            raise AccessDenied(403, "not_your_data", "This user id belongs to another browser.",
                               "这个用户 id 属于另一个浏览器。")
        return user_id

    def check_operator(self, caller: Caller) -> None:
        """Rule 4: changing what every user shares needs the operator's token (and one must be configured)."""
        if not self.has_token(caller):
            raise AccessDenied(403, "operator_only", "Only the operator (FITNESSLM_API_TOKEN) may change the shared gallery.",
                               "只有运营方（FITNESSLM_API_TOKEN）可以修改共享图库。")

    def issue_user(self, caller: Caller) -> str:
        """A new secret user id, bound to the caller's browser when the page asks for it."""
        self.check_door(caller)
        user_id = new_user_id()
        self.store.add_user(user_id, _digest(caller.browser) if caller.browser else "")
        return user_id

    def user_for_page(self, caller: Caller, kept: str | None) -> str:
        """The id the page should use: the one its BrowserState kept when this server issued it to this
        browser, else a new one (an id typed into the browser's storage opens nothing)."""
        record = self.store.user_record(kept) if isinstance(kept, str) and USER_ID.match(kept) else None
        if record is not None and hmac.compare_digest(record.get("browser") or "", _digest(caller.browser)):
            return kept   # issued to this browser (or, where its cookie is blocked, to a cookie-less page)
        return self.issue_user(caller)

def _digest(browser_key: str) -> str:
    """Stored instead of the browser key itself, so a copy of the database does not open anyone's data."""
    return hashlib.sha256(browser_key.encode()).hexdigest() if browser_key else ""
