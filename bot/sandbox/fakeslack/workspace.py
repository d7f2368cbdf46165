"""The model of the Slack workspaces the fake serves: people, conversations and their
messages, and what people were shown besides messages (shared files, Home tabs, modals,
ephemeral messages, response_url posts), with the violations found on the way. One
re-entrant lock, held through the `changed` condition, guards this state and every other
part of the fake takes the same one, so that a test waiting with `wait_for` sees each
change whole. The ids of the default workspace and of the app installed in it live here."""

from __future__ import annotations

import copy
import itertools
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TEAM_ID = "T0SERVE"
TEAM_DOMAIN = "serve-test"
BOT_USER_ID = "U0SERVEBOT"
BOT_ID = "B0SERVEBOT"
APP_ID = "A0SERVE"
TOP_LEVEL_USER_FIELDS = frozenset(
    {"tz", "tz_label", "tz_offset", "deleted", "is_admin", "is_owner", "is_primary_owner"}
)
MIRRORED_USER_FIELDS = frozenset({"real_name"})


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
    edited: dict[str, str] | None = None  # who edited it last, and when (their edit's ts)

    def as_event(self) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text}
        for key in ("subtype", "user", "bot_id", "thread_ts", "metadata", "edited"):
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


class Workspace:
    """People, conversations and what they were shown; `now` is the test's clock."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.changed = threading.Condition(threading.RLock())
        self.violations: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[Message]] = defaultdict(list)
        self.files: list[SharedFile] = []
        self.views: list[dict[str, Any]] = []  # modals: views.open, views.update, views.push
        self.home: dict[str, dict[str, Any]] = {}  # user id -> latest published Home view
        self.responses: list[dict[str, Any]] = []  # bodies posted to response_urls
        self.ephemerals: list[dict[str, Any]] = []
        self._serials = itertools.count(1)
        self.add_user(BOT_USER_ID, "serve", is_bot=True)

    def add_user(
        self,
        /,
        user_id: str,
        name: str,
        tz: str = "America/New_York",
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        is_primary_owner: bool = False,
        team: str = TEAM_ID,
        locale: str = "en-US",
        **profile: Any,
    ) -> dict[str, Any]:
        """A person (or bot) as users.info shows them. The admin flags are top-level
        user fields and are taken as given: Slack reports each separately. `locale` is
        their Slack language, shown only to a call that asks for it (`include_locale`)."""
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
            "locale": locale,
        }
        with self.changed:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: list[str] | None = None,
        team: str = TEAM_ID,
        bot_is_member: bool = True,
        is_private: bool = False,
        locale: str | None = None,
    ) -> None:
        """A channel as conversations.info shows it to the bot. A private channel the bot
        is not in is hidden from it, as Slack hides it. `locale`, where a channel has one,
        is shown only to a call that asks for it."""
        with self.changed:
            self.channels[channel_id] = {
                "id": channel_id,
                "context_team_id": team,
                "name": name,
                "is_channel": True,
                "is_private": is_private,
                "is_member": bot_is_member,
                "members": list(members or []),
                **({"locale": locale} if locale else {}),
            }

    def post_as_user(self, /, channel: str, text: str, user: str, **extra: Any) -> Message:
        """A message that a person (or integration) wrote, as Slack would store it."""
        with self.changed:
            message = Message(channel=channel, ts=self.next_ts(), text=text, user=user, **extra)
            self.messages[channel].append(message)
            return message

    def edit_as_user(self, /, channel: str, ts: str, text: str) -> Message:
        """Someone edits their message, as Slack then keeps it (an `edited` field says who
        and when); no event is sent: tests send `message_changed` when the bot hears it."""
        with self.changed:
            message = self.message(channel, ts)
            if message is None:
                raise KeyError(f"no message {ts} in {channel}")
            message.text = text
            message.edited = {"user": message.user or "", "ts": self.next_ts()}
            self.changed.notify_all()
            return message

    def delete_message(self, /, channel: str, ts: str) -> None:
        """Someone deletes a message: gone from history (no event is sent)."""
        with self.changed:
            self.messages[channel] = [m for m in self.messages[channel] if m.ts != ts]
            self.changed.notify_all()

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
        with self.changed:
            channel_id = self.ensure_channel(channel)
            author = self._author(channel_id, as_bot, user)
            added = [
                Message(channel_id, self.next_ts(), f"{text_prefix} {n}", **author)
                for n in range(1, count + 1)
            ]
            self.messages[channel_id].extend(added)
            self.changed.notify_all()
            return added

    def edit_profile(self, user_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Change a person as their own profile edit would; returns a copy of them."""
        with self.changed:
            user = self.users[user_id]
            for key, value in fields.items():
                if key in TOP_LEVEL_USER_FIELDS | MIRRORED_USER_FIELDS:
                    user[key] = value
                if key not in TOP_LEVEL_USER_FIELDS:
                    user["profile"][key] = value
            return copy.deepcopy(user)

    def message(self, channel: str, ts: str) -> Message | None:
        with self.changed:
            return next((m for m in self.messages[channel] if m.ts == ts), None)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait for the bot's work, which runs on its own threads, to show up here."""
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def next_ts(self) -> str:
        """Message timestamps follow the test's clock, so a deal closes when the test says."""
        return f"{int(self.now().timestamp())}.{self.serial():06d}"

    def serial(self) -> int:
        """One counter numbers timestamps, trigger ids, view ids and file ids alike."""
        return next(self._serials)

    def ensure_channel(self, channel: str) -> str:
        if channel.startswith("D") and channel not in self.channels:
            self.open_dm("U" + channel[1:])
        found = self.channel_for(channel)
        if found is None:
            raise KeyError(f"no channel or user {channel!r} in the fake workspace")
        return found

    def open_dm(self, user: str) -> str:
        channel_id = "D" + user[1:]
        self.channels.setdefault(
            channel_id, {"id": channel_id, "is_im": True, "user": user, "members": [user]}
        )
        return channel_id

    def conversation(self, channel: str) -> str | None:
        """A conversation id (no user ids). A person's DM with the app exists in Slack
        whether or not anyone called conversations.open for it."""
        if channel in self.channels:
            return channel
        if channel.startswith("D") and "U" + channel[1:] in self.users:
            return self.open_dm("U" + channel[1:])
        return None

    def channel_for(self, channel: str) -> str | None:
        """A conversation id, or a user id, which posting to opens the DM with."""
        if channel in self.channels:
            return channel
        if channel in self.users:
            return self.open_dm(channel)
        return None

    def workspace_of(self, name: str) -> str | None:
        """The team a person or conversation belongs to (a DM: its person's)."""
        if name in self.users:
            return str(self.users[name]["team_id"])
        channel = self.channels.get(name) or {}
        if channel.get("is_im"):
            return self.workspace_of(str(channel["user"]))
        team = channel.get("context_team_id")
        return None if team is None else str(team)

    def _author(self, channel: str, as_bot: bool, user: str | None) -> dict[str, Any]:
        if as_bot:
            return {"user": BOT_USER_ID, "bot_id": BOT_ID}
        person = user or self.channels[channel].get("user")
        if person is None:
            raise ValueError("a message not from the bot needs a user outside a DM")
        return {"user": person}
