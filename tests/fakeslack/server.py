"""A fake Slack: a real Web API HTTP server and a Socket Mode WebSocket endpoint.

It keeps a small model of one workspace (users, channels, messages), records every
call, checks each call against Slack's published spec and Block Kit against
slack_sdk.models, and fails calls on demand (429 + Retry-After, 5xx, Slack errors,
dropped connections), once, always, or one call in N. It also counts the calls in
flight and can hold them until enough overlap, so tests can prove concurrency
without timing anything.

Besides the Web API it serves, on the same HTTP server, what Slack serves elsewhere:
the upload URLs that files.getUploadURLExternal hands out (`/upload/<file_id>`) and the
`response_url` of slash commands and button presses (`/respond/<id>`). It records what
people were shown: shared files (`files`), Home tabs (`home`), response_url posts
(`responses`) and ephemeral messages (`ephemerals`).
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import mimetypes
import sys
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP
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
CLIENT_ID = "1000000001.2000000002"  # the app's OAuth credentials, for oauth.v2.access
CLIENT_SECRET = "fake-client-secret-0123456789"
DROPPED = 0  # Call.status of a call whose connection was closed without an answer
TOP_LEVEL_USER_FIELDS = frozenset(
    {"tz", "tz_label", "tz_offset", "deleted", "is_admin", "is_owner", "is_primary_owner"}
)
MIRRORED_USER_FIELDS = frozenset({"real_name"})
CURSOR_PREFIX = "next_ts:"
VERIFICATION_TOKEN = "fake-verification-token"  # the deprecated `token` in command payloads
RESPONSE_URL_USES = 5  # Slack: a response_url takes up to 5 posts within 30 minutes


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
    drop: bool = False  # close the connection without any HTTP answer

    @property
    def fails(self) -> bool:
        """A bare delay answers normally; anything else replaces the answer."""
        return self.drop or self.status == 429 or self.status >= 500 or bool(self.error)


@dataclass
class _Cycle:
    """One call in `every` fails, taking the failure kinds in turn."""

    every: int
    kinds: list[Failure]
    calls: int = 0

    def next(self) -> Failure | None:
        self.calls += 1
        if self.calls % self.every:
            return None
        return self.kinds[(self.calls // self.every - 1) % len(self.kinds)]


@dataclass
class _Hold:
    until: int
    timeout: float
    batch: int = 0  # bumped when enough calls overlap, which lets that batch go


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
    subtype: str | None = None  # "file_share" for a message that shares files
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_event(self) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        for key in ("subtype", "user", "bot_id", "thread_ts", "metadata"):
            if getattr(self, key) is not None:
                event[key] = getattr(self, key)
        if self.blocks:
            event["blocks"] = self.blocks
        if self.files:
            event["files"] = self.files
        return event


@dataclass
class SharedFile:
    """A file uploaded as files_upload_v2 does it and completed with
    files.completeUploadExternal. `channel` is where it was shared (None: kept private;
    `channels` lists them all when `channels` named several); `ts` is the file share
    message in that channel; `user` is who uploaded it (the bot)."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str | None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    ts: str | None = None
    user: str = BOT_USER_ID
    alt_txt: str | None = None
    snippet_type: str | None = None


@dataclass
class _Upload:
    """A file between files.getUploadURLExternal and files.completeUploadExternal."""

    filename: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None
    completed: bool = False


class FakeSlack:
    def __init__(
        self, now: Callable[[], datetime] | None = None, ack_timeout: float = 10.0
    ) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self.views: list[dict[str, Any]] = []  # modals: views.open, views.update, views.push
        self.home: dict[str, dict[str, Any]] = {}  # user id -> latest published Home view
        self.files: list[SharedFile] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_urls
        self.ephemerals: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[Message]] = defaultdict(list)
        self.acks: dict[str, dict[str, Any] | None] = {}
        # when each envelope went out and when its ack came back (time.perf_counter())
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self.ack_timeout = ack_timeout
        self.refusing_connections = False
        self.hold_timeouts: list[str] = []
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._always: dict[str, Failure] = {}
        self._some: dict[str, _Cycle] = {}
        self._slow: dict[str, float] = {}
        self._holds: dict[str, _Hold] = {}
        self._in_flight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._ts = itertools.count(1)
        self._uploads: dict[str, _Upload] = {}
        self._response_urls: dict[str, int] = {}  # id -> posts so far
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        # workspaces: each live bot token's team; tokens revoked by an uninstall; OAuth
        self.tokens: dict[str, str] = {BOT_TOKEN: TEAM_ID}
        self.revoked: set[str] = set()
        self.issued: dict[str, str] = {}  # every token oauth.v2.access gave out -> team
        self.team_names: dict[str, str] = {TEAM_ID: "Serve Test"}
        self._codes: dict[str, tuple[str, str, int | None]] = {}  # code -> team, installer
        self._refresh: dict[str, tuple[str, int]] = {}  # refresh token -> team, lifetime
        self._issued = itertools.count(1)
        self._caller = threading.local()
        self._sockets: list[ServerConnection] = []
        self._http = _WebApiServer(("127.0.0.1", 0), _handler_for(self))
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
        return f"{self.http_url}/api/"

    @property
    def http_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}"

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
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
        team: str = TEAM_ID,
        **profile: Any,
    ) -> dict[str, Any]:
        """A person (or bot) as users.info shows them. The admin flags are top-level
        user fields and are taken as given: Slack reports each separately."""
        user = {
            "id": user_id,
            "team_id": team,
            "name": name,
            "real_name": name.title(),
            "tz": tz,
            "deleted": deleted,
            "is_bot": is_bot,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": is_primary_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "profile": {"real_name": name.title(), "display_name": name, **profile},
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, members: list[str] | None = None, team: str = TEAM_ID
    ) -> None:
        with self._lock:
            self.channels[channel_id] = {
                "id": channel_id,
                "context_team_id": team,
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

    def add_messages(
        self,
        channel: str,
        count: int,
        text_prefix: str = "filler",
        as_bot: bool = True,
        user: str | None = None,
    ) -> list[Message]:
        """Bury earlier messages under `count` newer ones without `count` HTTP calls.
        A missing DM id like "D0ALICE" gets the entry conversations.open would make
        (for U0ALICE); a user id means that user's DM. With `as_bot=False` the author
        is `user`, or the DM's person when `user` is None."""
        with self._changed:
            channel_id = self._ensure_channel(channel)
            author = self._author(channel_id, as_bot, user)
            added = [
                Message(channel_id, self._next_ts(), f"{text_prefix} {n}", **author)
                for n in range(1, count + 1)
            ]
            self.messages[channel_id].extend(added)
            self._changed.notify_all()
            return added

    def set_profile(self, user_id: str, **fields: Any) -> dict[str, Any]:
        """Change a person as if they edited their profile, and tell a connected bot
        with a user_change event (waiting for its ack), so tests can check that the bot
        follows profile and time zone changes. tz, tz_label, tz_offset, deleted and the
        admin flags (is_admin, is_owner, is_primary_owner) are top-level user fields;
        real_name is set in both places, as Slack mirrors it; every other field goes into
        `profile`. Returns the updated user."""
        with self._changed:
            user = self.users[user_id]
            for key, value in fields.items():
                if key in TOP_LEVEL_USER_FIELDS | MIRRORED_USER_FIELDS:
                    user[key] = value
                if key not in TOP_LEVEL_USER_FIELDS:
                    user["profile"][key] = value
            updated = copy.deepcopy(user)
            connected = bool(self._sockets)
        if connected:
            self.send_event(
                {
                    "type": "user_change",
                    "user": updated,
                    "event_ts": self._next_ts(),
                    "cache_ts": int(self._now().timestamp()),
                }
            )
        return updated

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return next((m for m in self.messages[channel] if m.ts == ts), None)

    def _next_ts(self) -> str:
        """Message timestamps follow the test's clock, so a deal closes when the test says."""
        return f"{int(self._now().timestamp())}.{next(self._ts):06d}"

    def _ensure_channel(self, channel: str) -> str:
        if channel.startswith("D") and channel not in self.channels:
            self._open_dm("U" + channel[1:])
        found = self._channel_for(channel)
        if found is None:
            raise KeyError(f"no channel or user {channel!r} in the fake workspace")
        return found

    def _author(self, channel: str, as_bot: bool, user: str | None) -> dict[str, Any]:
        if as_bot:
            return {"user": BOT_USER_ID, "bot_id": BOT_ID}
        person = user or self.channels[channel].get("user")
        if person is None:
            raise ValueError("a message not from the bot needs a user outside a DM")
        return {"user": person}

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

    def in_flight(self, method: str) -> int:
        """Calls to `method` being answered right now."""
        with self._lock:
            return self._in_flight[method]

    def max_in_flight(self, method: str) -> int:
        """The most calls to `method` ever answered at the same moment: proof of
        concurrency that does not depend on timing."""
        with self._lock:
            return self._peak[method]

    # -- concurrency on demand ---------------------------------------------------------

    def hold(self, method: str, until_in_flight: int, timeout: float = 10.0) -> None:
        """Keep each call to `method` waiting until `until_in_flight` calls are in flight
        together, then let that whole batch go; a call that waits `timeout` seconds goes
        anyway and its method is added to `hold_timeouts`. Lasts until `release` or the
        next hold on `method`, either of which lets waiting calls go."""
        with self._changed:
            self._holds[method] = _Hold(until_in_flight, timeout)
            self._changed.notify_all()

    def release(self, method: str) -> None:
        """End the hold on `method`; calls waiting in it go at once."""
        with self._changed:
            self._holds.pop(method, None)
            self._changed.notify_all()

    # -- failures on demand ------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        applied: bool = False,
        drop: bool = False,
    ) -> None:
        """Answer the next call to `method` badly, once; queue several for several.
        `applied` makes the call take effect anyway, as a 5xx or timeout sometimes does.
        `drop` closes the connection without an answer; the call is recorded with status
        DROPPED (0). One-shot failures come before fail_always and fail_some ones."""
        failure = Failure(status, error, retry_after, delay, applied, drop)
        with self._lock:
            self._failures[method].append(failure)

    def fail_always(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        applied: bool = False,
        drop: bool = False,
    ) -> None:
        """Answer every call to `method` badly, as fail_next would, until clear_faults:
        an outage rather than a blip."""
        failure = Failure(status, error, retry_after, delay, applied, drop)
        with self._lock:
            self._always[method] = failure

    def fail_some(
        self, method: str, every: int, kinds: Sequence[Failure | Mapping[str, Any]]
    ) -> None:
        """Fail one call to `method` in `every` (the every-th, 2·every-th, … call from now,
        counting only calls that no fail_next or fail_always failure answered), taking the
        failure `kinds` in turn. Each kind is a Failure or its fields as a dict, e.g.
        {"status": 429, "retry_after": 1} or {"drop": True, "applied": True}. Deterministic,
        so a test of a flaky Slack repeats exactly; lasts until clear_faults."""
        if every < 1 or not kinds:
            raise ValueError("fail_some needs every >= 1 and at least one failure kind")
        failures = [k if isinstance(k, Failure) else Failure(**k) for k in kinds]
        with self._lock:
            self._some[method] = _Cycle(every, failures)

    def slow(self, method: str, seconds: float) -> None:
        """Make every call to `method` take `seconds` longer (real time, in the server)
        until clear_faults, to exercise the bot's timeouts and overlap."""
        with self._lock:
            self._slow[method] = seconds

    def clear_faults(self, method: str | None = None) -> None:
        """Forget queued, persistent, cyclic and slow faults for `method`, or for all."""
        with self._lock:
            for faults in (self._failures, self._always, self._some, self._slow):
                if method is None:
                    faults.clear()
                else:
                    faults.pop(method, None)

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
        body = self.event_callback(event, event_id)
        envelope = {
            "type": "events_api",
            "payload": body,
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        return self._deliver(envelope, wait_ack)

    def event_callback(
        self, event: dict[str, Any], event_id: str | None = None, team: str = TEAM_ID
    ) -> dict[str, Any]:
        """The Events API body Slack sends for `event`, over Socket Mode or HTTP."""
        return {
            "token": "unused",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }

    def send_interaction(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team": {"id": TEAM_ID, "domain": TEAM_DOMAIN}, "api_app_id": APP_ID, **payload}
        envelope = {"type": "interactive", "payload": payload, "accepts_response_payload": False}
        return self._deliver(envelope, wait_ack)

    def send_command(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team_id": TEAM_ID, "team_domain": TEAM_DOMAIN, "api_app_id": APP_ID, **payload}
        envelope = {"type": "slash_commands", "payload": payload, "accepts_response_payload": True}
        return self._deliver(envelope, wait_ack)

    def command(
        self,
        user_id: str,
        text: str = "",
        command: str = "/serve",
        channel_id: str | None = None,
    ) -> dict[str, Any]:
        """Type `command text` as `user_id` in `channel_id` (default: the person's DM with
        the app), with the payload Slack sends, and wait for the ack. Returns what the bot
        put in its ack ({} for an empty ack). Posts to the payload's response_url (which
        this fake serves) are recorded in `responses`."""
        payload = self.command_payload(user_id, text, command, channel_id)
        envelope = self.send_command(payload)
        return self.acks[envelope] or {}

    def command_payload(
        self, user_id: str, text: str = "", command: str = "/serve", channel_id: str | None = None
    ) -> dict[str, str]:
        """The form fields Slack sends for `command text` typed by `user_id`."""
        with self._lock:
            user = self.users.get(user_id)
            if user is None:
                raise KeyError(f"no user {user_id!r} in the fake workspace: add_user first")
            channel = self._ensure_channel(channel_id or self._open_dm(user_id))
            info = self.channels[channel]
            return {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "team_domain": TEAM_DOMAIN,
                "channel_id": channel,
                "channel_name": _channel_name(info),
                "user_id": user_id,
                "user_name": user["name"],
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": self._new_response_url(),
                "trigger_id": f"{next(self._ts)}.trigger",
            }

    def open_home(self, user_id: str, wait_ack: bool = True) -> str:
        """Open the app's Home tab as `user_id`: the app_home_opened event Slack sends,
        carrying the Home view published for them before, if any. Waits for the ack."""
        with self._lock:
            if user_id not in self.users:
                raise KeyError(f"no user {user_id!r} in the fake workspace: add_user first")
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": self._open_dm(user_id),
                "tab": "home",
                "event_ts": self._next_ts(),
            }
            if user_id in self.home:
                event["view"] = copy.deepcopy(self.home[user_id])
        return self.send_event(event, wait_ack=wait_ack)

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
        block_id: str | None = None,
    ) -> str:
        """Press a button (or pick from a select) on a message as Slack would report it.
        `blocks` lets a test press a button on an older copy of the message; `block_id`
        picks the button in one block of a message that has it in several."""
        shown = blocks if blocks is not None else message.blocks
        element = next(
            (
                dict(e, block_id=b.get("block_id", ""))
                for b in shown
                if b.get("type") == "actions"
                and (block_id is None or b.get("block_id") == block_id)
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
                "response_url": self._new_response_url(),
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

    def click_home(self, user: str, action_id: str) -> str:
        """Press a button on the Home tab published for `user`, as Slack reports it."""
        with self._lock:
            view = copy.deepcopy(self.home[user])
        element = next(
            (
                dict(e, block_id=b.get("block_id", ""))
                for b in view["blocks"]
                if b.get("type") == "actions"
                for e in b.get("elements", [])
                if e.get("action_id") == action_id
            ),
            None,
        )
        if element is None:
            raise AssertionError(f"no {action_id!r} button on {user}'s Home")
        return self.send_interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "container": {"type": "view", "view_id": view["id"]},
                "view": view,
                "trigger_id": f"{next(self._ts)}.trigger",
                "actions": [
                    {
                        "type": element["type"],
                        "action_id": action_id,
                        "block_id": element["block_id"],
                        "action_ts": self._next_ts(),
                        **({"value": element["value"]} if "value" in element else {}),
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
            self.sent_at[envelope_id] = time.perf_counter()
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
                    self.acked_at[ack["envelope_id"]] = time.perf_counter()
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
        """Answer one Web API call: (HTTP status, extra headers, JSON body); a status of
        DROPPED tells the HTTP handler to close the connection without answering."""
        self._caller.token = token
        with self._call_in_flight(method):
            self._wait_for_hold(method)
            failure, pause = self._take_failure(method)
            if failure is None or not failure.fails:
                with self._lock:
                    failure = self._over_limit(method, args) or failure
            if pause:
                time.sleep(pause)
            problems = self._problems(method, args, token)
            status, headers, body = self._answer(method, args, failure, problems)
            with self._changed:
                self.violations.extend(problems)
                self.calls.append(Call(method, args, token, status, body))
                self._changed.notify_all()
        return status, headers, body

    def _problems(self, method: str, args: dict[str, Any], token: str | None) -> list[str]:
        problems = argument_problems(method, args) + payload_problems(method, args)
        if method == "apps.connections.open":
            good = token == APP_TOKEN
        elif method == "oauth.v2.access":
            good = _client_credentials(token, args) == (CLIENT_ID, CLIENT_SECRET)
        else:
            with self._lock:
                if token in self.revoked:
                    return [*problems, f"{method}: called with a token revoked by an uninstall"]
                good = token in self.tokens
                if good:
                    problems += self._other_workspace(method, args, self.tokens[token or ""])
        if not good:
            problems.append(f"{method}: called with the wrong token")
        return problems

    def _other_workspace(self, method: str, args: dict[str, Any], team: str | None) -> list[str]:
        """A call that names a person or channel of another workspace than its token's."""
        named = [args.get("channel"), args.get("user"), *str(args.get("users") or "").split(",")]
        return [
            f"{method}: {name} is in {owner}, the token is {team}'s"
            for name in named
            if name and (owner := self._workspace_of(str(name))) and owner != team
        ]

    def _workspace_of(self, name: str) -> str | None:
        if name in self.users:
            return str(self.users[name]["team_id"])
        channel = self.channels.get(name) or {}
        if channel.get("is_im"):
            return self._workspace_of(str(channel["user"]))
        return channel.get("context_team_id")

    def _calling_team(self) -> str:
        return self.tokens.get(getattr(self._caller, "token", None) or "", TEAM_ID)

    # -- installs ----------------------------------------------------------------------

    def approve_install(
        self, team: str, name: str, installer: str, token_lifetime: int | None = None
    ) -> str:
        """Someone in `team` clicked Allow on the install page: the code Slack puts in
        the redirect. With `token_lifetime` (seconds), tokens expire and are refreshed,
        as with token rotation on."""
        code = f"code-{uuid.uuid4().hex[:12]}"
        with self._lock:
            self.team_names[team] = name
            self._codes[code] = (team, installer, token_lifetime)
        return code

    def uninstall(self, team: str) -> None:
        """The workspace removed the app: its tokens stop working at once."""
        with self._lock:
            for token, owner in list(self.tokens.items()):
                if owner == team:
                    del self.tokens[token]
                    self.revoked.add(token)
            for refresh, (owner, _) in list(self._refresh.items()):
                if owner == team:
                    del self._refresh[refresh]

    def tokens_of(self, team: str) -> list[str]:
        """Every bot token issued to `team` through OAuth, live or revoked, oldest first."""
        with self._lock:
            return [token for token, owner in self.issued.items() if owner == team]

    def api_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("grant_type") == "refresh_token":
            found = self._refresh.pop(str(args.get("refresh_token")), None)
            if found is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            team, lifetime = found
            return {"ok": True, **self._issue(team, lifetime)}
        claimed = self._codes.pop(str(args.get("code")), None)
        if claimed is None:
            return {"ok": False, "error": "invalid_code"}
        team, installer, lifetime = claimed
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": installer},
            "enterprise": None,
            "is_enterprise_install": False,
            **self._issue(team, lifetime),
        }

    def _issue(self, team: str, lifetime: int | None) -> dict[str, Any]:
        token = f"xoxb-fake-{team}-{next(self._issued)}"
        self.tokens[token] = self.issued[token] = team
        issued: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "chat:write,commands",
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team, "name": self.team_names.get(team, team)},
        }
        if lifetime is not None:
            refresh = f"xoxe-1-fake-{team}-{uuid.uuid4().hex[:8]}"
            self._refresh[refresh] = (team, lifetime)
            issued |= {"refresh_token": refresh, "expires_in": lifetime}
        return issued

    def _answer(
        self, method: str, args: dict[str, Any], failure: Failure | None, problems: list[str]
    ) -> tuple[int, dict, dict]:
        """A dropped call records what it did, if `applied`, as its response."""
        answer = getattr(self, "api_" + method.replace(".", "_"), None)
        if failure is None or not failure.fails:
            if problems:
                messages = [f"[ERROR] {problem}" for problem in problems]
                return (
                    200,
                    {},
                    {
                        "ok": False,
                        "error": "invalid_arguments",
                        "response_metadata": {"messages": messages},
                    },
                )
            with self._lock:
                return 200, {}, answer(args) if answer else {"ok": False, "error": "unknown_method"}
        done: dict[str, Any] = {}
        if failure.applied and answer and not problems:
            with self._lock:
                done = answer(args)
        if failure.drop:
            return DROPPED, {}, done
        if failure.status == 429:
            headers = {"Retry-After": str(failure.retry_after or 1)}
            return 429, headers, {"ok": False, "error": "ratelimited"}
        if failure.status >= 500:
            return failure.status, {}, {"ok": False, "error": "fatal_error"}
        return 200, {}, {"ok": False, "error": failure.error}

    def _take_failure(self, method: str) -> tuple[Failure | None, float]:
        """The failure this call gets, if any, and how long it waits before answering."""
        with self._lock:
            failure = self._pick_failure(method)
            return failure, (failure.delay if failure else 0.0) + self._slow.get(method, 0.0)

    def enforce_limits(
        self, per_minute: Mapping[str, int], per_channel_per_second: int = 1
    ) -> None:
        """Answer 429 with Retry-After, as Slack does, to calls over these limits, counted
        on the fake's clock: `per_minute` by method (Slack's tiers), and for
        chat.postMessage also `per_channel_per_second` in each channel."""
        with self._lock:
            self._limits = dict(per_minute)
            self._channel_limit = per_channel_per_second
            self._recent: dict[str, deque[float]] = defaultdict(deque)

    def _over_limit(self, method: str, args: dict[str, Any]) -> Failure | None:
        limits = getattr(self, "_limits", None)
        if not limits:
            return None
        now = self._now().timestamp()
        windows = []
        if method in limits:
            windows.append((method, 60.0, limits[method]))
        if method == "chat.postMessage" and args.get("channel"):
            windows.append((f"channel:{args['channel']}", 1.0, self._channel_limit))
        for key, span, allowed in windows:
            recent = self._recent[key]
            while recent and recent[0] <= now - span:
                recent.popleft()
            if len(recent) >= allowed:
                wait = max(1, int(recent[0] + span - now + 0.999))
                return Failure(status=429, retry_after=wait)
        for key, _, _ in windows:
            self._recent[key].append(now)
        return None

    def _pick_failure(self, method: str) -> Failure | None:
        if self._failures[method]:
            return self._failures[method].popleft()
        if method in self._always:
            return self._always[method]
        cycle = self._some.get(method)
        return cycle.next() if cycle else None

    @contextmanager
    def _call_in_flight(self, method: str) -> Iterator[None]:
        with self._changed:
            self._in_flight[method] += 1
            self._peak[method] = max(self._peak[method], self._in_flight[method])
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._in_flight[method] -= 1
                self._changed.notify_all()

    def _wait_for_hold(self, method: str) -> None:
        with self._changed:
            hold = self._holds.get(method)
            if hold is None:
                return
            if self._in_flight[method] >= hold.until:
                hold.batch += 1
                self._changed.notify_all()
                return
            batch = hold.batch

            def let_go() -> bool:
                return hold.batch != batch or self._holds.get(method) is not hold

            if not self._changed.wait_for(let_go, hold.timeout):
                self.hold_timeouts.append(method)

    def api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team = self._calling_team()
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": self.team_names.get(team, team),
            "user": "serve",
            "team_id": team,
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
        channel = self._channel_for(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        ts = self._next_ts()
        self.ephemerals.append(
            {
                "channel": channel,
                "user": args["user"],
                "text": args.get("text", ""),
                "blocks": decode(args.get("blocks", [])),
                "thread_ts": args.get("thread_ts"),
                "message_ts": ts,
            }
        )
        return {"ok": True, "message_ts": ts}

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
        return {"ok": True, "channel": {"id": self._open_dm(users[0])}}

    def _open_dm(self, user: str) -> str:
        channel_id = "D" + user[1:]
        self.channels.setdefault(
            channel_id, {"id": channel_id, "is_im": True, "user": user, "members": [user]}
        )
        return channel_id

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages and thread broadcasts, newest first, a page at a time."""
        if args["channel"] not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        top_level = [
            m for m in self.messages[args["channel"]] if m.thread_ts in (None, m.ts) or m.broadcast
        ]
        return _page(top_level, args, default_limit=100, max_limit=999, newest_first=True)

    def api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread, parent first, a page at a time."""
        if args["channel"] not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        thread = [
            m
            for m in self.messages[args["channel"]]
            if m.ts == args["ts"] or m.thread_ts == args["ts"]
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return _page(thread, args, default_limit=1000, max_limit=1000, newest_first=False)

    def api_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        team = self._calling_team()
        channels = [
            {k: v for k, v in c.items() if k != "members"}
            for c in self.channels.values()
            if c.get("is_channel") and c.get("context_team_id", TEAM_ID) == team
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
        """Set a person's Home tab (kept in `home`, not `views`, which holds modals). A
        `hash` that is not the current view's answers hash_conflict, as Slack does."""
        user = args["user_id"]
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        current = self.home.get(user)
        if args.get("hash") and (current is None or args["hash"] != current["hash"]):
            return {"ok": False, "error": "hash_conflict"}
        view_id = current["id"] if current else f"V{next(self._ts):08d}"
        view = {
            "id": view_id,
            "team_id": TEAM_ID,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
            **decode(args["view"]),
            "hash": f"{int(self._now().timestamp())}.{uuid.uuid4().hex[:8]}",
        }
        self.home[user] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    # -- files: the upload flow of slack_sdk's files_upload_v2 ----------------------------

    def api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(args["length"])
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if length <= 0:
            return {"ok": False, "error": "missing_argument"}
        file_id = f"F{next(self._ts):08d}"
        self._uploads[file_id] = _Upload(
            args["filename"], length, args.get("alt_txt"), args.get("snippet_type")
        )
        return {"ok": True, "upload_url": f"{self.http_url}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The POST of a file's bytes to its upload_url: (HTTP status, text answer)."""
        with self._changed:
            upload = self._uploads.get(file_id)
            if upload is None or upload.completed:
                return 404, "file_not_found"
            if len(data) != upload.length:
                self.violations.append(
                    f"upload {file_id}: {len(data)} bytes, but files.getUploadURLExternal "
                    f"said length={upload.length}"
                )
            upload.content = data
            self._changed.notify_all()
            return 200, f"OK - {len(data)}"

    def api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Share uploaded files in `channel_id` (or each of `channels`) as one file share
        message, or keep them private without either. A file is completed once."""
        items = decode(args["files"])
        uploads = [self._uploads.get(item["id"]) for item in items]
        if any(u is None or u.content is None or u.completed for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        if "channel_id" in args:
            targets = [self._conversation(args["channel_id"])]
        else:
            targets = [self._channel_for(c) for c in str(args.get("channels", "")).split(",") if c]
        if None in targets:
            return {"ok": False, "error": "channel_not_found"}
        shared_in = [t for t in targets if t is not None]
        objects = [
            self._file_object(item, upload, shared_in)
            for item, upload in zip(items, uploads, strict=True)
            if upload is not None
        ]
        comment = args.get("initial_comment")
        shares = {
            channel: self._share_message(channel, objects, args, comment) for channel in shared_in
        }
        for item, upload, shown in zip(items, uploads, objects, strict=True):
            assert upload is not None and upload.content is not None
            upload.completed = True
            self.files.append(
                SharedFile(
                    id=item["id"],
                    filename=upload.filename,
                    title=shown["title"],
                    content=upload.content,
                    channel=shared_in[0] if shared_in else None,
                    channels=shared_in,
                    initial_comment=comment,
                    thread_ts=args.get("thread_ts"),
                    ts=shares[shared_in[0]].ts if shared_in else None,
                    alt_txt=upload.alt_txt,
                    snippet_type=upload.snippet_type,
                )
            )
        return {"ok": True, "files": objects}

    def _file_object(
        self, item: dict[str, Any], upload: _Upload, channels: list[str]
    ) -> dict[str, Any]:
        assert upload.content is not None
        file_id, name = item["id"], upload.filename
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else "text"
        now = int(self._now().timestamp())
        return {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": name,
            "title": item.get("title") or name,
            "mimetype": mimetypes.guess_type(name)[0] or "text/plain",
            "filetype": extension,
            "user": BOT_USER_ID,
            "user_team": TEAM_ID,
            "size": len(upload.content),
            "mode": "hosted",
            "is_external": False,
            "is_public": any(self.channels[c].get("is_channel") for c in channels),
            "url_private": f"https://files.slack.com/files-pri/{TEAM_ID}-{file_id}/{name}",
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}/{name}",
            "channels": [c for c in channels if self.channels[c].get("is_channel")],
            "groups": [c for c in channels if c.startswith("G")],
            "ims": [c for c in channels if self.channels[c].get("is_im")],
        }

    def _share_message(
        self, channel: str, files: list[dict[str, Any]], args: dict[str, Any], comment: str | None
    ) -> Message:
        """Slack ignores `blocks` when there is an initial_comment."""
        blocks = [] if comment else decode(args.get("blocks", []))
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=comment or "",
            blocks=blocks,
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            thread_ts=args.get("thread_ts"),
            subtype="file_share",
            files=copy.deepcopy(files),
        )
        self.messages[channel].append(message)
        return message

    # -- response_url: where Bolt's respond() posts --------------------------------------

    def _new_response_url(self) -> str:
        response_id = uuid.uuid4().hex
        self._response_urls[response_id] = 0
        return f"{self.http_url}/respond/{response_id}"

    def receive_response(self, response_id: str, body: Any) -> tuple[int, dict[str, Any]]:
        """A post to a response_url: checked as a message and kept in `responses`."""
        with self._changed:
            if response_id not in self._response_urls:
                return 404, {"ok": False, "error": "invalid_response_url"}
            problems = (
                payload_problems("response_url", body)
                if isinstance(body, dict)
                else ["response_url: the body is not a JSON object"]
            )
            self._response_urls[response_id] += 1
            if self._response_urls[response_id] > RESPONSE_URL_USES:
                problems.append(f"response_url: used more than {RESPONSE_URL_USES} times")
            self.violations.extend(problems)
            if problems:
                self._changed.notify_all()
                return 400, {"ok": False, "error": "invalid_blocks"}
            self.responses.append(body)
            self._changed.notify_all()
            return 200, {"ok": True}

    def _conversation(self, channel: str) -> str | None:
        """A conversation id (no user ids). A person's DM with the app exists in Slack
        whether or not anyone called conversations.open for it."""
        if channel in self.channels:
            return channel
        if channel.startswith("D") and "U" + channel[1:] in self.users:
            return self._open_dm("U" + channel[1:])
        return None

    def _channel_for(self, channel: str) -> str | None:
        if channel in self.channels:
            return channel
        if channel in self.users:  # posting to a user id opens the DM
            return self.api_conversations_open({"users": channel})["channel"]["id"]
        return None


def _client_credentials(token: str | None, args: dict[str, Any]) -> tuple[str, str]:
    """The client id and secret of an oauth.v2.access call: HTTP Basic, as slack_sdk
    sends them, or form fields."""
    if token and token.startswith("Basic "):
        decoded = base64.b64decode(token.removeprefix("Basic ")).decode()
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(args.get("client_id", "")), str(args.get("client_secret", ""))


def _channel_name(info: dict[str, Any]) -> str:
    """channel_name as a slash command payload carries it."""
    if info.get("is_im"):
        return "directmessage"
    if info["id"].startswith("G") and "name" not in info:
        return "privategroup"
    return str(info.get("name", ""))


def _page(
    messages: list[Message],
    args: dict[str, Any],
    default_limit: int,
    max_limit: int,
    newest_first: bool,
) -> dict[str, Any]:
    """One page of history as Slack pages it: oldest/latest bound the ts (exclusive
    unless `inclusive`), and `cursor` names the ts the next page starts at."""
    try:
        window = _window(messages, args)
        start = _cursor_ts(args.get("cursor"))
        limit = min(max(int(args.get("limit") or default_limit), 1), max_limit)
    except ValueError as error:
        return {"ok": False, "error": str(error)}
    ordered = sorted(window, key=lambda m: Decimal(m.ts), reverse=newest_first)
    if start is not None:
        ordered = [m for m in ordered if _not_before(Decimal(m.ts), start, newest_first)]
    shown, rest = ordered[:limit], ordered[limit:]
    cursor = _cursor_for(rest[0].ts) if rest else ""
    return {
        "ok": True,
        "messages": [m.as_event() for m in shown],
        "has_more": bool(rest),
        "response_metadata": {"next_cursor": cursor},
    }


def _not_before(ts: Decimal, start: Decimal, newest_first: bool) -> bool:
    return ts <= start if newest_first else ts >= start


def _window(messages: list[Message], args: dict[str, Any]) -> list[Message]:
    oldest = _ts_argument(args, "oldest")
    latest = _ts_argument(args, "latest")
    inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")

    def inside(message: Message) -> bool:
        ts = Decimal(message.ts)
        above = oldest is None or ts > oldest or (inclusive and ts == oldest)
        below = latest is None or ts < latest or (inclusive and ts == latest)
        return above and below

    return [m for m in messages if inside(m)]


def _ts_argument(args: dict[str, Any], name: str) -> Decimal | None:
    if args.get(name) in (None, ""):
        return None
    try:
        return Decimal(str(args[name]))
    except InvalidOperation:
        raise ValueError(f"invalid_ts_{name}") from None


def _cursor_for(ts: str) -> str:
    return base64.b64encode((CURSOR_PREFIX + ts).encode()).decode()


def _cursor_ts(cursor: str | None) -> Decimal | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor, validate=True).decode()
        if not decoded.startswith(CURSOR_PREFIX):
            raise ValueError
        return Decimal(decoded.removeprefix(CURSOR_PREFIX))
    except (ValueError, UnicodeDecodeError, InvalidOperation):
        raise ValueError("invalid_cursor") from None


class _WebApiServer(ThreadingHTTPServer):
    """A client that gives up (or a call the fake drops) is part of the test, not an
    error worth a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _uploaded_bytes(raw: bytes, content_type: str) -> bytes:
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


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class WebApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

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
                status, text = fake.receive_upload(
                    url.path.removeprefix("/upload/"), _uploaded_bytes(raw, content_type)
                )
                self._send(status, "text/plain; charset=utf-8", text.encode())
                return
            if url.path.startswith("/respond/") and self.command == "POST":
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                status, answer = fake.receive_response(url.path.removeprefix("/respond/"), body)
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
            status, headers, body = fake.handle(url.path.removeprefix("/api/"), args, token)
            if status == DROPPED:
                self.close_connection = True
                return
            self._reply(status, headers, body)

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
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return WebApiHandler
