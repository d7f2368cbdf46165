"""What Slack tells us about channels and people, cached in memory for a while.

People are read whole (users.list, in pages) when Serve starts and again every
REREAD_EVERY, and kept fresh in between by the events Slack sends when someone changes
or joins; users.info is only for someone the directory does not know yet. Each process
keeps its own directory, so each reads for itself."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.config import CHANNEL_ID
from bot.slack_api import RateLimited

log = logging.getLogger(__name__)
# Someone looked up alone (users.info) is asked about again after this: without a whole
# read of their workspace, a missed event would otherwise leave them stale for good.
PERSON_TTL = timedelta(hours=1)
# Everyone is read again this often (users.list is Tier 2); events keep people fresh in
# between. What a read or an event taught stays good a little past the next read, so a
# read held back by a rate limit does not send everyone to users.info at once.
REREAD_EVERY = timedelta(hours=6)
READ_LASTS = REREAD_EVERY + PERSON_TTL
PEOPLE_PAGE = 200  # Slack's advice for users.list
AFTER_A_FAILED_READ = timedelta(minutes=5)
GONE = {"user_not_found", "user_not_visible"}


@dataclass(frozen=True)
class Person:
    user_id: str
    tz: str | None
    is_bot: bool
    deleted: bool
    profile: dict[str, Any]
    is_admin: bool = False  # a workspace admin or owner
    locale: str | None = None  # their Slack language, "pt-BR"

    @property
    def reachable(self) -> bool:
        return not (self.is_bot or self.deleted)


@dataclass(frozen=True)
class Known:
    person: Person
    good_until: datetime


@dataclass
class Reading:
    """How far one workspace's whole read has got: when the last one finished, and, for
    one cut short (a rate limit, an outage), where it goes on and not before when."""

    finished: datetime | None = None
    cursor: str = ""
    not_before: datetime | None = None
    # two ticks at once (the start-up one and a woken one) read once: the second
    # waits for the first, then finds the read done
    under_way: threading.Lock = field(default_factory=threading.Lock)


class Directory:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._channel_names: dict[str, str | None] = {}
        self._channel_locales: dict[str, str | None] = {}
        self._named: dict[tuple[str, str], str] = {}
        # by user id alone: Slack's user ids do not repeat across workspaces
        self._people: dict[str, Known] = {}
        self._readings: dict[str, Reading] = {}
        self._dm_channels: dict[str, str] = {}
        self._auths: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._lookups: dict[str, threading.Lock] = {}

    def channel_name(self, client: WebClient, channel_id: str) -> str | None:
        with self._lock:
            if channel_id in self._channel_names:
                return self._channel_names[channel_id]
        self._channel_info(client, channel_id)
        with self._lock:
            return self._channel_names.get(channel_id)

    def channel_locale(self, client: WebClient, channel_id: str) -> str | None:
        """The channel's own language, where Slack gives it one (conversations.info with
        `include_locale`); None for most channels, which then speak the workspace's."""
        with self._lock:
            if channel_id in self._channel_locales:
                return self._channel_locales[channel_id]
        self._channel_info(client, channel_id)
        with self._lock:
            return self._channel_locales.get(channel_id)

    def _channel_info(self, client: WebClient, channel_id: str) -> None:
        """One conversations.info for both the name and the locale, remembered."""
        try:
            found = client.conversations_info(channel=channel_id, include_locale=True)["channel"]
        except SlackApiError as error:
            log.warning("conversations.info %s failed: %s", channel_id, error.response.get("error"))
            return
        name = str(found["name"]) if found.get("name") else None
        locale = str(found["locale"]) if found.get("locale") else None
        with self._lock:
            self._channel_names[channel_id] = name
            self._channel_locales[channel_id] = locale
            if name:
                self._named[(client.token or "", name)] = channel_id

    def channel_id(self, client: WebClient, name_or_id: str) -> str | None:
        """A channel given by id or by name (as in settings), as an id; None when no
        channel the bot can see has that name."""
        if CHANNEL_ID.fullmatch(name_or_id):
            return name_or_id
        name = name_or_id.lstrip("#")
        workspace = client.token or ""  # names repeat across workspaces; ids never do
        with self._lock:
            known = self._named.get((workspace, name))
        if known:
            return known
        for page in client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=200
        ):
            for channel in page.get("channels", []):
                with self._lock:
                    self._channel_names[channel["id"]] = channel.get("name")
                    self._named[(workspace, channel.get("name") or "")] = channel["id"]
                if channel.get("name") == name:
                    return str(channel["id"])
        return None

    def member_channels(self, client: WebClient) -> list[str]:
        """The ids of the channels the bot is in, public and private, not archived."""
        found: list[str] = []
        for page in client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=200
        ):
            for channel in page.get("channels", []):
                with self._lock:
                    self._channel_names[channel["id"]] = channel.get("name")
                if channel.get("is_member"):
                    found.append(str(channel["id"]))
        return found

    def own_bot_id(self, client: WebClient) -> str | None:
        """The app's bot id in the client's workspace (auth.test, asked once a token), so
        Serve never reads its own posts as deals."""
        found = self._auth(client).get("bot_id")
        return str(found) if found else None

    def workspace_url(self, client: WebClient) -> str | None:
        """The client's workspace's address, as auth.test gives it (asked once a token):
        a message's link is built from it, with no chat.getPermalink per message."""
        found = self._auth(client).get("url")
        return str(found) if found else None

    def _auth(self, client: WebClient) -> dict[str, Any]:
        token = client.token or ""
        with self._lock:
            if token in self._auths:
                return self._auths[token]
        answer = dict(client.auth_test().data or {})  # type: ignore[arg-type]
        with self._lock:
            self._auths[token] = answer
        return answer

    def message(self, client: WebClient, channel_id: str, ts: str) -> dict[str, Any] | None:
        """One message as Slack has it now; None when it is gone or out of the bot's sight.
        A rate limit is raised (SlackApiError), as it says nothing of the message."""
        try:
            found = (
                client.conversations_history(
                    channel=channel_id, latest=ts, oldest=ts, inclusive=True, limit=1
                ).get("messages")
                or client.conversations_replies(
                    channel=channel_id, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
                ).get("messages")
                or []
            )
        except SlackApiError as error:
            if error.response.status_code == 429:
                raise  # the message may well be there: the caller says to try again later
            log.warning("could not read message %s in %s: %s", ts, channel_id, error)
            return None
        return next((dict(m) for m in found if m.get("ts") == ts), None)

    def members(self, client: WebClient, channel_id: str) -> list[str]:
        members: list[str] = []
        for page in client.conversations_members(channel=channel_id, limit=200):
            members.extend(page.get("members", []))
        return members

    def person(self, client: WebClient, user_id: str) -> Person | None:
        """The person as the directory knows them; users.info only for someone it does
        not (or whose workspace was not read whole lately), once however many threads ask
        at once; None when Slack has no such person. Other failures (rate limits, outages) are
        raised: not knowing is not absence."""
        known = self._known(user_id)
        if known is not None:
            return known
        with self._lookup_lock(user_id):
            known = self._known(user_id)
            if known is not None:
                return known
            try:
                user = client.users_info(user=user_id, include_locale=True)["user"]
            except SlackApiError as error:
                if error.response.get("error") in GONE:
                    return None
                stale = self._known(user_id, fresh=False)
                if stale is None:
                    raise
                log.warning("users.info %s failed, using what I knew: %s", user_id, error)
                return stale
            return self.learn(user)

    def known(self, user_id: str) -> Person | None:
        """The person, if the directory knows them lately, without asking Slack: for a
        decision taken inside a unit of work, which must not wait on Slack."""
        return self._known(user_id)

    def person_by_email(self, client: WebClient, email: str) -> Person | None:
        """The person whose Slack profile has this e-mail (users.lookupByEmail, which
        needs users:read.email); None when nobody has it. Other failures are raised."""
        try:
            user = client.users_lookupByEmail(email=email)["user"]
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise
        return self.learn(user)

    def _known(self, user_id: str, fresh: bool = True) -> Person | None:
        with self._lock:
            cached = self._people.get(user_id)
        if cached is None or (fresh and self._clock.now() >= cached.good_until):
            return None
        return cached.person

    def _lookup_lock(self, user_id: str) -> threading.Lock:
        with self._lock:
            return self._lookups.setdefault(user_id, threading.Lock())

    def warm_if_due(self, client: WebClient, team_id: str) -> bool:
        """Read the workspace's people whole when Serve has not lately (at start, then
        every REREAD_EVERY); True when a read finished now. A rate limit holds the read,
        to go on from the page it reached once Slack allows; so does any other failure,
        for a few minutes. Never raises: people are still looked up one by one."""
        with self._lock:
            reading = self._readings.setdefault(team_id, Reading())
        with reading.under_way:
            return self._read_if_due(client, team_id, reading)

    def _read_if_due(self, client: WebClient, team_id: str, reading: Reading) -> bool:
        now = self._clock.now()
        with self._lock:
            due = reading.finished is None or now - reading.finished >= REREAD_EVERY
            waiting = reading.not_before is not None and now < reading.not_before
            if not due or waiting:
                return False
        try:
            self.warm(client, team_id)
        except RateLimited as limited:
            log.info("users.list is rate limited: reading people again after %s", limited.until)
            with self._lock:
                reading.not_before = limited.until
            return False
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("could not read the people of %s: %s", team_id, error)
            with self._lock:
                reading.not_before = now + AFTER_A_FAILED_READ
            return False
        return True

    def warm(self, client: WebClient, team_id: str) -> int:
        """Read every page of the workspace's people (users.list with their locales) and
        learn each; returns how many. A read cut short goes on from its last page."""
        with self._lock:
            reading = self._readings.setdefault(team_id, Reading())
            cursor = reading.cursor
        read = 0
        while True:
            page = client.users_list(limit=PEOPLE_PAGE, include_locale=True, cursor=cursor or None)
            for user in page.get("members") or []:
                self._learn(user, READ_LASTS)
                read += 1
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            with self._lock:
                reading.cursor = cursor
            if not cursor:
                break
        with self._lock:
            reading.finished, reading.not_before = self._clock.now(), None
        return read

    def warmed(self, team_id: str) -> bool:
        """Whether the workspace's people were read whole lately."""
        with self._lock:
            finished = self._readings.get(team_id, Reading()).finished
        return finished is not None and self._clock.now() - finished < READ_LASTS

    def learn(self, user: dict[str, Any], team_id: str | None = None) -> Person:
        """Remember a person as Slack describes them (users.info, a `user_change` or
        `team_join` event). Told by an event from a workspace read whole lately, they stay
        good until the next read, as the read's people do: events keep those fresh."""
        lasting = team_id is not None and self.warmed(team_id)
        return self._learn(user, READ_LASTS if lasting else PERSON_TTL)

    def _learn(self, user: dict[str, Any], lasts: timedelta) -> Person:
        person = Person(
            user_id=str(user["id"]),
            tz=user.get("tz"),
            is_bot=bool(user.get("is_bot")),
            deleted=bool(user.get("deleted")),
            profile=dict(user.get("profile") or {}),
            is_admin=any(user.get(k) for k in ("is_admin", "is_owner", "is_primary_owner")),
            locale=str(user["locale"]) if user.get("locale") else self._locale_known(user),
        )
        with self._lock:
            self._people[person.user_id] = Known(person, self._clock.now() + lasts)
        return person

    def _locale_known(self, user: dict[str, Any]) -> str | None:
        """A `user_change` or `team_join` event carries no locale: keep the one users.info
        or users.list gave."""
        with self._lock:
            cached = self._people.get(str(user["id"]))
        return cached.person.locale if cached else None

    def remember_dm(self, user_id: str, channel_id: str) -> None:
        with self._lock:
            self._dm_channels[user_id] = channel_id

    def dm_channel(self, client: WebClient, user_id: str) -> str:
        """The bot's DM with a person, opened once."""
        with self._lock:
            known = self._dm_channels.get(user_id)
        if known:
            return known
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        self.remember_dm(user_id, channel)
        return channel
