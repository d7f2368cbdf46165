"""The fake's HTTP server: the Web API at `/api/<method>` (form, query or JSON arguments,
the token from the Authorization header or a `token` argument), and what Slack serves
elsewhere that the bot posts to: the upload URLs of files.getUploadURLExternal
(`/upload/<file_id>`, raw bytes or multipart form data) and the response_urls of slash
commands and button presses (`/respond/<id>`). It only translates HTTP; the answers come
from the endpoints it is given.

It keeps connections alive as Slack does (HTTP/1.1), counts the connections it accepts,
and can close the idle ones, as a load balancer does to a client quiet for too long. A
dropped call closes its connection; so does a client's `Connection: close`."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlparse

from .web_api import DROPPED, Answer


class Endpoints(Protocol):
    def handle(self, method: str, args: dict[str, Any], token: str | None) -> Answer: ...

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]: ...

    def receive_response(self, response_id: str, body: Any) -> tuple[int, dict[str, Any]]: ...


class WebServer(ThreadingHTTPServer):
    """A client that gives up (or a call the fake drops) is part of the test, not an
    error worth a traceback."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections_opened = 0
        self._open: set[socket.socket] = set()
        self._idle: set[socket.socket] = set()  # answered, waiting for their next request
        self._lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self.connections_opened += 1
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._open.discard(request)
            self._idle.discard(request)
        super().shutdown_request(request)

    def waiting(self, connection: socket.socket, idle: bool) -> None:
        """Whether `connection` has been answered and waits for its next request."""
        with self._lock:
            if idle:
                self._idle.add(connection)
            else:
                self._idle.discard(connection)

    def close_idle_connections(self) -> int:
        """Close every kept connection waiting for its next request, as a server does to
        clients quiet for longer than its keep-alive timeout; how many it closed."""
        with self._lock:
            idle, self._idle = self._idle, set()
        for connection in idle:
            hang_up(connection)
        return len(idle)

    def server_close(self) -> None:
        """Kept connections end with the server, and with them their threads."""
        super().server_close()
        with self._lock:
            still_open = list(self._open)
        for connection in still_open:
            hang_up(connection)

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def hang_up(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the client hung up first
        connection.shutdown(socket.SHUT_RDWR)


def uploaded_bytes(raw: bytes, content_type: str) -> bytes:
    """Slack takes a file's bytes raw (as slack_sdk sends them) or as multipart form data
    (as `curl -F file=@x.csv` does); a multipart body's first file part is the file."""
    if not content_type.startswith("multipart/form-data"):
        return raw
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    form = BytesParser(policy=HTTP).parsebytes(header + raw)
    parts = list(form.iter_parts())
    chosen = next((part for part in parts if part.get_filename()), parts[0] if parts else None)
    if chosen is None:
        return b""
    payload = chosen.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def handler_for(endpoints: Endpoints) -> type[BaseHTTPRequestHandler]:
    class WebApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go in two writes: without this, a kept connection waits on
        # the client's delayed acknowledgement of the first before sending the second
        disable_nagle_algorithm = True
        server: WebServer

        def parse_request(self) -> bool:
            self.server.waiting(self.connection, idle=False)
            return super().parse_request()

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type") or ""
            if url.path.startswith("/upload/") and self.command == "POST":
                status, text = endpoints.receive_upload(
                    url.path.removeprefix("/upload/"), uploaded_bytes(raw, content_type)
                )
                self._send(status, "text/plain; charset=utf-8", text.encode())
                return
            if url.path.startswith("/respond/") and self.command == "POST":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                response_id = url.path.removeprefix("/respond/")
                status, answer = endpoints.receive_response(response_id, body)
                self._reply(status, {}, answer)
                return
            if not url.path.startswith("/api/"):
                self._reply(404, {}, {"ok": False, "error": "not_found"})
                return
            args: dict[str, Any] = dict(parse_qsl(url.query))
            if raw and "json" in content_type:
                args.update(json.loads(raw))
            elif raw:
                args.update(parse_qsl(raw.decode()))
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth else args.get("token")
            status, headers, reply = endpoints.handle(url.path.removeprefix("/api/"), args, token)
            if status == DROPPED:
                self.close_connection = True
                return
            self._reply(status, headers, reply)

        def _reply(self, status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self._send(status, "application/json; charset=utf-8", data, headers)

        def _send(
            self,
            status: int,
            content_type: str,
            data: bytes,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not self.close_connection:  # answered before the client can ask again
                self.server.waiting(self.connection, idle=True)
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return WebApiHandler
