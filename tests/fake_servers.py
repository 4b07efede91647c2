"""Tiny HTTP servers on 127.0.0.1 that always give one answer.

They stand in for what a local registry cannot be made to do: a reverse proxy
answering with an HTML error page, a registry that demands a login.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


@contextmanager
def serve(status: int, headers: dict[str, str], body: bytes) -> Iterator[str]:
    """Run a server answering every request with ``status``; yields ``host:port``."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    with _serving(Handler) as host:
        yield host


@contextmanager
def delaying_proxy(
    upstream: str, delay: float, method: str = "DELETE"
) -> Iterator[str]:
    """Forward every request to ``upstream``, holding ``method`` requests back.

    A slow registry in front of the real one, so that a test can stop a client
    part-way through a run of requests.
    """
    client = httpx.Client(base_url=upstream, timeout=30.0)

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.command == method:
                time.sleep(delay)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = client.request(
                self.command, self.path, headers=headers, content=body
            )
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "connection",
                ):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.content)

        do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    try:
        with _serving(Handler) as host:
            yield host
    finally:
        client.close()


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port in a thread; yields ``host:port``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
