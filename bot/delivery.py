"""Posting a message exactly once.

`chat.postMessage` has no idempotency key, and a dropped connection, a timeout or a 5xx
leaves unknown whether the message went out. So each send carries its own key in the
message metadata, and a send whose earlier attempt may have posted first looks for that
key in the conversation, in the time that attempt ran, before posting again.
Nothing below resends a post by itself (see `bot.slack_api`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.directory import Directory
from bot.tokens import BotTokens

SEND_EVENT = "serve_send"
CLOCK_SKEW = timedelta(minutes=1)  # between our clock and the ts Slack stamps
PAGE = 15  # the most Slack gives distributed apps outside the Marketplace


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Delivery:
    def __init__(self, client: WebClient, directory: Directory) -> None:
        self.client = client
        self.directory = directory

    def permalink(self, channel: str, ts: str) -> str | None:
        """A link to a message, for the check-in DMs; none is no reason to fail. Built
        as Slack builds it from the workspace's address where that is known."""
        try:
            base = self.directory.workspace_url(self.client)
        except SlackClientError:
            base = None
        if base:
            return f"{base.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"
        try:
            answer = self.client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackClientError:
            return None
        return str(answer.get("permalink") or "") or None

    def post_once(
        self,
        to: str,
        key: str,
        message: Mapping[str, Any],
        earlier: Earlier | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        """Post `message` to a channel, or to a person's DM given their user id, unless
        an earlier attempt that may have posted it did: then that post is returned."""
        if earlier is not None:
            found = self.find(to, key, earlier, thread_ts)
            if found is not None:
                return found
            earlier.looked()
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

    def find(self, to: str, key: str, earlier: Earlier, thread_ts: str | None) -> Posted | None:
        """The message sent with `key`, if it is there. Only the time the earlier attempts
        ran is read, so however busy the conversation has been since, a page or two
        settles it, even where Slack allows one history call a minute."""
        channel = self.directory.dm_channel(self.client, to) if to.startswith(("U", "W")) else to
        since, until = earlier.window
        bounds: dict[str, Any] = {
            "oldest": f"{(since - CLOCK_SKEW).timestamp():.6f}",
            "latest": f"{(until + CLOCK_SKEW).timestamp():.6f}",
            "inclusive": True,
            "limit": PAGE,
            "include_all_metadata": True,
        }
        read: Callable[..., Any] = (
            partial(self.client.conversations_replies, ts=thread_ts)
            if thread_ts
            else self.client.conversations_history
        )
        cursor = earlier.read_from
        while True:  # page by page, each a call of its own, so a rate limit pauses it
            page = read(channel=channel, cursor=cursor, **bounds)
            for message in page.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("send_key") == key:
                    return Posted(channel, str(message["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
            earlier.read_up_to(cursor)


@dataclass(frozen=True)
class Earlier:
    """Earlier attempts of a send that may have posted it: when they ran, what to call
    once it is known they did not (so a later failure need not look there again), and
    where a look cut short got to, so the next goes on from there rather than starting
    over (where Slack allows a call a minute, starting over would never end)."""

    window: tuple[datetime, datetime]
    looked: Callable[[], None]
    read_from: str | None = None
    read_up_to: Callable[[str], None] = lambda cursor: None


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
