"""A scriptable OpenAI-compatible server on 127.0.0.1 for fault injection (not for grading quality).

Each request pops the next scripted reply: a chat completion, an HTTP status, a
hang, a reset connection or garbage. Every request body is kept in `requests`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "fake-1",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


class FakeLLMServer:
    def __init__(self, models: tuple[str, ...] = ("fake-model",)):
        self.replies: deque[tuple] = deque()
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []  # the path of each POST, in order
        self.authorizations: list[str | None] = []  # the Authorization header of every request, in order
        self.models = models
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def enqueue(self, *replies: tuple) -> None:
        """("ok", content[, finish_reason]) | ("json", body) | ("status", code[, headers, body]) | ("hang", s) |
        ("reset",) | ("garbage", text) | ("half", content) | ("audio", bytes)"""
        self.replies.extend(replies)

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                fake.authorizations.append(self.headers.get("Authorization"))
                data = {
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": 0, "owned_by": "me"} for m in fake.models],
                }
                self._send(200, json.dumps(data).encode())

            def do_POST(self) -> None:
                fake.authorizations.append(self.headers.get("Authorization"))
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length) or b"{}"
                fake.paths.append(self.path)
                try:
                    fake.requests.append(json.loads(raw))
                except ValueError:  # multipart uploads (audio transcription)
                    fake.requests.append({"path": self.path, "multipart_bytes": len(raw)})
                kind, *args = fake.replies.popleft() if fake.replies else ("status", 500)
                if kind == "json":  # any body, e.g. a transcription
                    self._send(200, json.dumps(args[0]).encode())
                elif kind == "ok":
                    self._send(200, json.dumps(completion(*args)).encode())
                elif kind == "status":
                    code, headers, body = (*args, None, None)[:3]
                    self._send(code, json.dumps(body or {"error": {"message": f"fake {code}"}}).encode(), headers)
                elif kind == "hang":
                    time.sleep(args[0])
                elif kind == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                elif kind == "audio":  # text to speech
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/wav")
                    self.send_header("Content-Length", str(len(args[0])))
                    self.end_headers()
                    self.wfile.write(args[0])
                elif kind == "garbage":
                    self._send(200, args[0].encode())
                elif kind == "half":
                    body = json.dumps(completion(args[0])).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.connection.close()

        return Handler
