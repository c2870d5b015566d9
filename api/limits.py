"""Upload size limits: refuse an oversized /v1 request body before it is read (413), and cap each file read.

The early check uses Content-Length; a chunked body without one is counted as it arrives and refused
once it passes the limit. Each uploaded file is then read with `read_upload`, which refuses a file
over `Settings.max_upload_mb` even when the whole request was within its allowance (several files).
"""
from __future__ import annotations

import json

from fastapi import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_body

MB = 2**20
MULTIPART_MARGIN = 64 * 1024    # bytes of form fields and multipart boundaries allowed beyond the files
MAX_ENROLL_FILES = 10           # photos per POST /v1/gallery/enroll
BASE64_GROWTH = 4 / 3           # a base64 data URL is a third bigger than the image


def too_large_error(size_bytes: int, limit_bytes: int, lang: str = "en", what: str = "file") -> ApiError:
    mb, limit = size_bytes / MB, limit_bytes / MB
    return ApiError(413, "too_large", f"The {what} is {mb:.1f} MB; the limit is {limit:.1f} MB per file.",
                    f"{'文件' if what == 'file' else '请求'}大小 {mb:.1f} MB，超过每个文件 {limit:.1f} MB 的上限。",
                    lang)


def body_limit(path: str, file_limit: int) -> int | None:
    """Bytes a request body to `path` may have; None = not limited here (the UI has its own limits)."""
    if not path.startswith("/v1/"):
        return None
    if path == "/v1/gallery/enroll":
        return file_limit * MAX_ENROLL_FILES + MULTIPART_MARGIN
    if path == "/v1/chat":
        return int(file_limit * BASE64_GROWTH) + MULTIPART_MARGIN
    return file_limit + MULTIPART_MARGIN


class UploadLimitMiddleware:
    """Pure ASGI middleware: 413 for /v1 bodies over their allowance, before the app parses them."""

    def __init__(self, app: ASGIApp, file_limit_bytes: int):
        self.app, self.file_limit = app, int(file_limit_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        limit = body_limit(scope["path"], self.file_limit)
        if limit is None:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                return await _reply(send, 400, error_body("bad_request", "Invalid Content-Length header."))
            if size > limit:
                return await _reply(send, 413, too_large_error(size, self.file_limit, what="request").body())
            return await self.app(scope, receive, send)
        # chunked upload: buffer up to the limit, then replay it to the app
        messages: list[Message] = []
        total = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > limit:
                return await _reply(send, 413, too_large_error(total, self.file_limit, what="request").body())
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _reply(send: Send, status: int, body: dict) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})


def read_upload(file: UploadFile, limit_bytes: int, lang: str = "en") -> bytes:
    """The file's bytes, or 413 when it is over the per-file limit (read at most limit + 1 bytes)."""
    if file.size is not None and file.size > limit_bytes:
        raise too_large_error(file.size, limit_bytes, lang)
    file.file.seek(0)
    data = file.file.read(limit_bytes + 1)
    if len(data) > limit_bytes:
        raise too_large_error(file.size or len(data), limit_bytes, lang)
    return data
