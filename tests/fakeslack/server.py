"""A fake Slack: a real Web API HTTP server and a Socket Mode WebSocket endpoint.

It keeps a small model of one workspace (users, channels, messages), records every
call, checks each call against Slack's published spec and Block Kit against
slack_sdk.models, and fails calls on demand (429 + Retry-After, 5xx, Slack errors).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from .spec import argument_problems, decode, payload_problems

TEAM_ID = "T0SERVE"
TEAM_DOMAIN = "serve-test"
BOT_USER_ID = "U0SERVEBOT"
BOT_ID = "B0SERVEBOT"
APP_ID = "A0SERVE"
BOT_TOKEN = "xoxb-fake-serve-bot-token"
APP_TOKEN = "xapp-1-fake-serve-app-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    response: dict[str, Any]


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    applied: bool = False  # the call takes effect although the answer is an error


@dataclass
class Message:
    channel: str
    ts: str
    text: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    user: str | None = None
    bot_id: str | None = None
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    broadcast: bool = False

    def as_event(self) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        for key in ("user", "bot_id", "thread_ts", "metadata"):
            if getattr(self, key) is not None:
                event[key] = getattr(self, key)
        if self.blocks:
            event["blocks"] = self.blocks
        return event


class FakeSlack:
    def __init__(
        self, now: Callable[[], datetime] | None = None, ack_timeout: float = 10.0
    ) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self.views: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[Message]] = defaultdict(list)
        self.acks: dict[str, dict[str, Any] | None] = {}
        self.ack_timeout = ack_timeout
        self.refusing_connections = False
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._sockets: list[ServerConnection] = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._ws: Server = serve(self._socket_session, "127.0.0.1", 0)
        self._threads = [
            threading.Thread(target=self._http.serve_forever, daemon=True),
            threading.Thread(target=self._ws.serve_forever, daemon=True),
        ]
        self.add_user(BOT_USER_ID, "serve", is_bot=True)

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> FakeSlack:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._ws.shutdown()

    @property
    def api_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/api/"

    @property
    def socket_url(self) -> str:
        host, port = self._ws.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket={uuid.uuid4()}"

    # -- the workspace -----------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        tz: str = "America/New_York",
        is_bot: bool = False,
        deleted: bool = False,
        **profile: Any,
    ) -> dict[str, Any]:
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": name.title(),
            "tz": tz,
            "deleted": deleted,
            "is_bot": is_bot,
            "profile": {"real_name": name.title(), "display_name": name, **profile},
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, members: list[str] | None = None) -> None:
        with self._lock:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": True,
                "is_member": True,
                "members": list(members or []),
            }

    def post_as_user(self, channel: str, text: str, user: str, **extra: Any) -> Message:
        """A message that a person (or integration) wrote, as Slack would store it."""
        with self._lock:
            message = Message(channel=channel, ts=self._next_ts(), text=text, user=user, **extra)
            self.messages[channel].append(message)
            return message

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return next((m for m in self.messages[channel] if m.ts == ts), None)

    def _next_ts(self) -> str:
        """Message timestamps follow the test's clock, so a deal closes when the test says."""
        return f"{int(self._now().timestamp())}.{next(self._ts):06d}"

    # -- what happened ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait for the bot's work, which runs on its own threads, to show up here."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[Call]:
        if not self.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
            raise AssertionError(
                f"expected {count} {method} call(s), saw {len(self.calls_to(method))}"
            )
        return self.calls_to(method)

    # -- failures on demand ------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        applied: bool = False,
    ) -> None:
        """Answer the next call to `method` badly, once; queue several for several.
        `applied` makes the call take effect anyway, as a 5xx or timeout sometimes does."""
        with self._lock:
            self._failures[method].append(Failure(status, error, retry_after, delay, applied))

    # -- Socket Mode -------------------------------------------------------------------

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets)

    def send_event(
        self,
        event: dict[str, Any],
        retry_attempt: int = 0,
        event_id: str | None = None,
        wait_ack: bool = True,
    ) -> str:
        body = {
            "token": "unused",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }
        envelope = {
            "type": "events_api",
            "payload": body,
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        return self._deliver(envelope, wait_ack)

    def send_interaction(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team": {"id": TEAM_ID, "domain": TEAM_DOMAIN}, "api_app_id": APP_ID, **payload}
        envelope = {"type": "interactive", "payload": payload, "accepts_response_payload": False}
        return self._deliver(envelope, wait_ack)

    def send_command(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team_id": TEAM_ID, "team_domain": TEAM_DOMAIN, "api_app_id": APP_ID, **payload}
        envelope = {"type": "slash_commands", "payload": payload, "accepts_response_payload": True}
        return self._deliver(envelope, wait_ack)

    def hang_up(self) -> None:
        """Close every Socket Mode connection from Slack's side and refuse new ones, as
        Slack does when an app is being shut down; the bot then stops without waiting
        for its socket reads to time out."""
        with self._lock:
            self.refusing_connections = True
            sockets = list(self._sockets)
        for socket in sockets:
            socket.close()

    def click(
        self,
        user: str,
        message: Message,
        action_id: str,
        blocks: list[dict[str, Any]] | None = None,
        selected_user: str | None = None,
    ) -> str:
        """Press a button (or pick from a select) on a message as Slack would report it.
        `blocks` lets a test press a button on an older copy of the message."""
        shown = blocks if blocks is not None else message.blocks
        element = next(
            (
                dict(e, block_id=b.get("block_id", ""))
                for b in shown
                if b.get("type") == "actions"
                for e in b.get("elements", [])
                if e.get("action_id") == action_id
            ),
            None,
        )
        if element is None:
            raise AssertionError(f"no {action_id!r} button on the message")
        return self.send_interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "channel": {"id": message.channel},
                "container": {
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": message.channel,
                },
                "message": message.as_event() | {"blocks": shown},
                "trigger_id": f"{next(self._ts)}.trigger",
                "response_url": "https://hooks.slack.invalid/actions/1",
                "actions": [
                    {
                        "type": element["type"],
                        "action_id": action_id,
                        "block_id": element["block_id"],
                        "action_ts": self._next_ts(),
                        **({"value": element["value"]} if "value" in element else {}),
                        **({"selected_user": selected_user} if selected_user else {}),
                    }
                ],
            }
        )

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Submit an open modal with `values` as {block_id: {action_id: state}}; returns
        what the bot put in its ack ({} for a plain ack)."""
        envelope = self.send_interaction(
            {
                "type": "view_submission",
                "user": {"id": user, "team_id": TEAM_ID},
                "trigger_id": f"{next(self._ts)}.trigger",
                "view": view | {"state": {"values": values}, "team_id": TEAM_ID},
            }
        )
        return self.acks[envelope] or {}

    def wait_for_connection(self, timeout: float = 10.0) -> None:
        if not self.wait_for(lambda: bool(self._sockets), timeout):
            raise AssertionError("the bot never opened a Socket Mode connection")

    def _deliver(self, envelope: dict[str, Any], wait_ack: bool) -> str:
        envelope_id = str(uuid.uuid4())
        envelope["envelope_id"] = envelope_id
        self.wait_for_connection()
        with self._lock:
            self.acks.pop(envelope_id, None)
            socket = self._sockets[-1]
        socket.send(json.dumps(envelope))
        if wait_ack and not self.wait_for(lambda: envelope_id in self.acks, self.ack_timeout):
            raise AssertionError(f"no ack for {envelope['type']} envelope within the time limit")
        return envelope_id

    def _socket_session(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets) + 1,
                    "connection_info": {"app_id": APP_ID},
                }
            )
        )
        with self._changed:
            self._sockets.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                ack = json.loads(raw)
                payload = ack.get("payload")
                problems = payload_problems("ack", payload) if isinstance(payload, dict) else []
                with self._changed:
                    self.violations.extend(problems)
                    self.acks[ack["envelope_id"]] = payload
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._sockets.remove(connection)
                self._changed.notify_all()

    # -- Web API -----------------------------------------------------------------------

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict, dict]:
        """Answer one Web API call: (HTTP status, extra headers, JSON body)."""
        with self._lock:
            failure = self._failures[method].popleft() if self._failures[method] else None
        if failure and failure.delay:
            time.sleep(failure.delay)
        problems = argument_problems(method, args) + payload_problems(method, args)
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            problems.append(f"{method}: called with the wrong token")
        status, headers, body = 200, {}, {"ok": False, "error": "invalid_arguments"}
        answer = getattr(self, "api_" + method.replace(".", "_"), None)
        if failure and failure.applied and answer and not problems:
            with self._lock:
                answer(args)
        if failure and failure.status == 429:
            status, body = 429, {"ok": False, "error": "ratelimited"}
            headers = {"Retry-After": str(failure.retry_after or 1)}
        elif failure and failure.status >= 500:
            status, body = failure.status, {"ok": False, "error": "fatal_error"}
        elif failure and failure.error:
            body = {"ok": False, "error": failure.error}
        elif not problems:
            with self._lock:
                body = answer(args) if answer else {"ok": False, "error": "unknown_method"}
        with self._changed:
            self.violations.extend(problems)
            self.calls.append(Call(method, args, token, status, body))
            self._changed.notify_all()
        return status, headers, body

    def api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Serve Test",
            "user": "serve",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.refusing_connections:
            return {"ok": False, "error": "service_unavailable"}
        return {"ok": True, "url": self.socket_url}

    def api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_for(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=args.get("text", ""),
            blocks=decode(args.get("blocks", [])),
            bot_id=BOT_ID,
            user=BOT_USER_ID,
            thread_ts=args.get("thread_ts"),
            metadata=decode(args["metadata"]) if "metadata" in args else None,
            broadcast=str(args.get("reply_broadcast", "")).lower() in ("true", "1"),
        )
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.as_event()}

    def api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self.message(args["channel"], args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.user != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = decode(args["blocks"])
        return {"ok": True, "channel": message.channel, "ts": message.ts, "text": message.text}

    def api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if self._channel_for(args["channel"]) is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "message_ts": self._next_ts()}

    def api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args["channel"], args["message_ts"]
        if self.message(channel, ts) is None:
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {k: v for k, v in channel.items() if k != "members"}}

    def api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if len(users) != 1 or users[0] not in self.users:
            return {"ok": False, "error": "user_not_found"}
        channel_id = "D" + users[0][1:]
        self.channels.setdefault(
            channel_id, {"id": channel_id, "is_im": True, "user": users[0], "members": users}
        )
        return {"ok": True, "channel": {"id": channel_id}}

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["channel"] not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        top_level = [
            m for m in self.messages[args["channel"]] if m.thread_ts in (None, m.ts) or m.broadcast
        ]
        newest_first = sorted(top_level, key=lambda m: m.ts, reverse=True)
        limit = int(args.get("limit", 100))
        return {"ok": True, "messages": [m.as_event() for m in newest_first[:limit]]}

    def api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["channel"] not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        thread = [
            m
            for m in self.messages[args["channel"]]
            if m.ts == args["ts"] or m.thread_ts == args["ts"]
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        limit = int(args.get("limit", 1000))
        return {"ok": True, "messages": [m.as_event() for m in thread[:limit]]}

    def api_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        channels = [
            {k: v for k, v in c.items() if k != "members"}
            for c in self.channels.values()
            if c.get("is_channel")
        ]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    def api_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "members": channel["members"], "response_metadata": {"next_cursor": ""}}

    def api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args["user"])
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = {"id": f"V{next(self._ts):08d}", **decode(args["view"])}
        self.views.append(view)
        return {"ok": True, "view": view}

    api_views_update = api_views_open
    api_views_push = api_views_open

    def api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["user_id"] not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return self.api_views_open(args)

    def _channel_for(self, channel: str) -> str | None:
        if channel in self.channels:
            return channel
        if channel in self.users:  # posting to a user id opens the DM
            return self.api_conversations_open({"users": channel})["channel"]["id"]
        return None


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class WebApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            url = urlparse(self.path)
            if not url.path.startswith("/api/"):
                self._reply(404, {}, {"ok": False, "error": "not_found"})
                return
            args: dict[str, Any] = dict(parse_qsl(url.query))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if raw and "json" in (self.headers.get("Content-Type") or ""):
                args.update(json.loads(raw))
            elif raw:
                args.update(parse_qsl(raw.decode()))
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth else args.get("token")
            status, headers, body = fake.handle(url.path.removeprefix("/api/"), args, token)
            self._reply(status, headers, body)

        def _reply(self, status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return WebApiHandler
