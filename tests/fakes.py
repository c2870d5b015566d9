"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol, for tests.

It records every request and answers from a queue of scripted behaviours: a reply text, a raw
body (to test malformed replies), an HTTP status, or a delay (to test timeouts). A request with
`stream: true` gets the reply as server-sent events, a word (with its trailing space) per chunk.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAIServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: deque = deque()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.endswith("/models"):
                    return self._send(200, json.dumps({"data": [{"id": "internvl2"}]}).encode())
                self._send(404, b"{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                step = server.script.popleft() if server.script else {"reply": "ok"}
                if "delay_s" in step:
                    time.sleep(step["delay_s"])
                if "status" in step:
                    return self._send(step["status"], json.dumps({"error": "scripted"}).encode())
                if "raw" in step:
                    return self._send(200, step["raw"].encode())
                if body.get("stream"):
                    words = re.findall(r"\S+\s*|\s+", step["reply"])  # pieces that concatenate to the reply
                    chunks = [{"choices": [{"delta": {"content": w}}]} for w in words]
                    data = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
                    return self._send(200, data.encode(), "text/event-stream")
                reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": step["reply"]},
                                      "finish_reason": "stop"}]}
                self._send(200, json.dumps(reply).encode())

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def then(self, **step) -> "FakeOpenAIServer":
        """Queue the next behaviour: reply='text' | raw='body' | status=503 | delay_s=2 (+ reply)."""
        self.script.append(step)
        return self


class StubRecognizer:
    """A recogniser that always sees the same Prediction (the tool/render tests' stand-in for a model)."""

    name, accept_confidence = "stub", 0.5

    def __init__(self, pred):
        self.pred = pred

    def predict(self, image, k=3):
        return self.pred
