"""A real HTTP server on 127.0.0.1 for the model checks' tests: each request is answered by a
scripted behaviour (a function of the request), so the client under test speaks real HTTP."""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON, or None


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between bytes of the body


Behaviour = Callable[[Request], Reply]


class LocalServer:
    """Serves `behaviour` (replaceable between requests) and records every request."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                request = Request(parts.path, query, body)
                server.requests.append(request)
                reply = server.behaviour(request)
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for k, v in {"content-type": "application/json", **reply.headers}.items():
                        self.send_header(k, v)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    if reply.drip:
                        for byte in reply.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for the serving loop to look up: every 0.5 s by default, at every test.
        serve = functools.partial(self.httpd.serve_forever, poll_interval=0.02)
        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def local_server(behaviour: Behaviour) -> Iterator[LocalServer]:
    server = LocalServer(behaviour)
    try:
        yield server
    finally:
        server.close()


def unused_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens: a server that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def chat_reply(content: str, status: int = 200, **reply: Any) -> Reply:
    """A chat-completions answer whose assistant message holds `content`."""
    body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    return Reply(status, json.dumps(body, ensure_ascii=False).encode(), **reply)
