"""Posting a message exactly once.

`chat.postMessage` has no idempotency key, and a dropped connection, a timeout or a 5xx
leaves unknown whether the message went out. So each send carries its own key in the
message metadata, and a send whose earlier attempt may have posted first looks for that
key in the conversation, back to when the first attempt started, before posting again.
Nothing below resends a post by itself (see `bot.slack_api`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.directory import Directory
from bot.tokens import BotTokens

SEND_EVENT = "serve_send"
CLOCK_SKEW = timedelta(minutes=5)  # between our clock and the ts Slack stamps
PAGE = 200


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Delivery:
    def __init__(self, client: WebClient, directory: Directory) -> None:
        self.client = client
        self.directory = directory

    def post_once(
        self,
        to: str,
        key: str,
        message: Mapping[str, Any],
        since: datetime | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        """Post `message` to a channel, or to a person's DM given their user id. `since`
        is when the first attempt started, when an earlier attempt may have posted."""
        if since is not None:
            found = self.find(to, key, since, thread_ts)
            if found is not None:
                return found
        where: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        if broadcast:
            where["reply_broadcast"] = True
        answer = self.client.chat_postMessage(
            channel=to,
            metadata={"event_type": SEND_EVENT, "event_payload": {"send_key": key}},
            **where,
            **message,
        )
        posted = Posted(str(answer["channel"]), str(answer["ts"]))
        if posted.channel != to:
            self.directory.remember_dm(to, posted.channel)
        return posted

    def find(self, to: str, key: str, since: datetime, thread_ts: str | None) -> Posted | None:
        """The message sent with `key`, if it is there: every message since `since`
        is read, page by page, however many came after it."""
        channel = self.directory.dm_channel(self.client, to) if to.startswith(("U", "W")) else to
        oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
        if thread_ts:
            pages = self.client.conversations_replies(
                channel=channel, ts=thread_ts, oldest=oldest, limit=PAGE, include_all_metadata=True
            )
        else:
            pages = self.client.conversations_history(
                channel=channel, oldest=oldest, limit=PAGE, include_all_metadata=True
            )
        for page in pages:
            for message in page.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("send_key") == key:
                    return Posted(channel, str(message["ts"]))
        return None


class Deliveries:
    """A Delivery for each workspace, speaking with that workspace's own token; the
    client made for a token is kept while the token is, so its rate-limit pauses last."""

    def __init__(
        self, tokens: BotTokens, client_for: Callable[[str], WebClient], directory: Directory
    ) -> None:
        self.tokens = tokens
        self.client_for = client_for
        self.directory = directory
        self._clients: dict[str, tuple[str, WebClient]] = {}
        self._lock = threading.Lock()

    def to(self, team_id: str) -> Delivery:
        """Raises NotInstalled when the app has left the workspace."""
        token = self.tokens.token_for(team_id)
        with self._lock:
            known = self._clients.get(team_id)
            if known is None or known[0] != token:
                known = (token, self.client_for(token))
                self._clients[team_id] = known
        return Delivery(known[1], self.directory)
