"""Catching up after downtime. Slack delivers nothing while Serve is away (stopped,
restarting, deploying, its Socket Mode connection lost), so what was posted in a deal
channel meanwhile reaches it only through the channel's history.

How far Serve has seen each channel is kept per workspace and channel: the newest
message seen there, marked as events arrive (at most once a minute a channel, so chatter
costs almost no writes) and when a catch-up has read the history through. When Serve
starts, or its connection comes back, each channel's mark becomes a catch-up asked for
from there. One row of due work per channel does the reading (replicas share it, a
restart resumes it), a window at a time: from a little before the mark, at most
CATCH_UP_DAYS back, to when the window began, newest page first, its cursor saved page
by page. Each post is taken as its event would have been, through the same capture,
and capture is unique on the message, so a post read twice, or also delivered by its
event, is one deal. A deal whose post is missing from a page that covers it was deleted
meanwhile; an edit made meanwhile is applied. Slack-free: bot/due_work/catch_up.py reads
the pages."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import CHANNEL_ID, Settings
from bot.store import channel_reads as queries
from bot.store import deals as deal_queries
from bot.store import due
from bot.store import workspaces as workspace_queries
from bot.store.db import Store
from bot.store.models import ChannelRead, Deal, DealStatus

from . import deals
from .deals import Ask, Change, DealChange, Planning
from .workspaces import effective

CATCH_UP = "catch_up"  # due work: read a deal channel's history since Serve last saw it
FIND_CHANNELS = "catch_up_channels"  # due work: learn a workspace's deal channels
PERIOD = "history"  # both kinds are one row each for good, opened again when wanted
EVERY_CHANNEL = ""  # FIND_CHANNELS' recipient
OVERLAP = timedelta(minutes=5)  # read before a mark: posts taken as a mark was written
CLOCK_SKEW = timedelta(minutes=1)  # between our clock and the ts Slack stamps
MARK_EVERY = timedelta(minutes=1)
HISTORY_SPACING = timedelta(minutes=1)  # where Slack allows one history call a minute
TOMBSTONE = "tombstone"  # a deleted post whose thread lives on
WINDOW = "window"  # the job's progress: the window being read


class ClaimLost(Exception):
    """The catch-up's claim ran out while it read; the attempt that has it now carries on."""


@dataclass(frozen=True)
class Claim:
    """The claimed row of due work doing a catch-up, to save its progress under."""

    work_id: int
    attempt: int


@dataclass(frozen=True)
class Window:
    """The part of a channel's history a catch-up reads: posts from `oldest` to
    `latest` (Slack ts, both included), newest page first, the next page from `cursor`.
    Everything from `below` up (not included) is known: a deal posted there whose post
    the pages did not show was deleted."""

    oldest: str
    latest: str
    below: str
    cursor: str | None = None

    def progress(self) -> dict[str, Any]:
        return {
            "oldest": self.oldest,
            "latest": self.latest,
            "below": self.below,
            "cursor": self.cursor,
        }

    @classmethod
    def of(cls, progress: Mapping[str, Any]) -> Window | None:
        """The window a catch-up's saved progress is reading, if any."""
        kept = progress.get(WINDOW)
        if not isinstance(kept, Mapping):
            return None
        return cls(str(kept["oldest"]), str(kept["latest"]), str(kept["below"]), kept.get("cursor"))


@dataclass(frozen=True)
class PageTaken:
    """What a page of history changed: deals to show (a new one's reply is queued, an
    existing reply is to be redrawn), posts to ask about, and what is left to read."""

    changes: tuple[DealChange, ...]
    asks: tuple[Ask, ...]
    left: Window | None  # None: the window is read through


def ts_of(moment: datetime) -> str:
    return f"{moment.timestamp():.6f}"


def time_of(ts: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(Decimal(ts)), UTC)
    except (InvalidOperation, ValueError, OverflowError):
        return None


# -- asking for a catch-up --------------------------------------------------------------------


def started(store: Store, clock: Clock, env: Settings) -> None:
    """Serve starts: in every workspace it is installed in, each channel it has seen is
    caught up from where it last saw it (one it recorded deals in before it kept marks,
    from the newest of those), and a deal channel not seen yet is watched from now on:
    at once when the settings give ids, else once Slack has said which channels the
    settings' names (or the bot's channels) are."""
    if env.catch_up_days <= 0:
        return
    now = clock.now()
    with store.session() as session:
        workspaces = workspace_queries.installed_workspaces(session)
        teams = [workspace.team_id for workspace in workspaces]
        for team_id, channel_id, ts in queries.unmarked_channels(session, teams):
            queries.held(session, team_id, channel_id, time_of(ts) or now, now)
        _ask(session, queries.channels_of(session, teams, lock=True), now)
        for workspace in workspaces:
            chosen = effective(workspace, env).deal_channels
            if chosen and all(CHANNEL_ID.fullmatch(channel) for channel in chosen):
                _watch(session, workspace.team_id, chosen, now)
            else:
                due.open_once(
                    session, FIND_CHANNELS, workspace.team_id, PERIOD, EVERY_CHANNEL, now, now
                )


def came_back(store: Store, clock: Clock, team_id: str, days: int) -> None:
    """The connection to Slack is back after a gap: the workspace's channels are caught
    up from where Serve last saw them."""
    if days <= 0:
        return
    now = clock.now()
    with store.session() as session:
        _ask(session, queries.channels_of(session, [team_id], lock=True), now)


def _ask(session: Session, reads: Iterable[ChannelRead], now: datetime) -> None:
    for read in reads:
        read.wanted_from = min(read.wanted_from or read.seen_to, read.seen_to)
        read.updated_at = now
        due.open_once(session, CATCH_UP, read.team_id, PERIOD, read.channel_id, now, now)


def watch(store: Store, clock: Clock, team_id: str, channel_ids: Iterable[str]) -> int:
    """The workspace's deal channels, as Slack lists them now: one Serve has not seen yet
    is watched from now on (nothing from before was missed: it was never watched). How
    many were new."""
    now = clock.now()
    with store.session() as session:
        return _watch(session, team_id, channel_ids, now)


def _watch(session: Session, team_id: str, channel_ids: Iterable[str], now: datetime) -> int:
    new = 0
    for channel_id in dict.fromkeys(channel_ids):
        if queries.known(session, team_id, channel_id) is None:
            queries.held(session, team_id, channel_id, now, now)
            new += 1
    return new


def forget(store: Store, team_id: str, channel_id: str) -> None:
    """A channel Serve no longer watches, or can no longer read: no more catching up."""
    with store.session() as session:
        queries.forget(session, team_id, channel_id)


def take_turn(store: Store, team_id: str, now: datetime) -> datetime | None:
    """The workspace's next history call, where Slack allows one a minute: None when it
    may go now, else when it may."""
    with store.session() as session:
        return queries.take_turn(session, team_id, now, HISTORY_SPACING)


def turn_answered(store: Store, team_id: str, now: datetime) -> None:
    """Space the next history call from when this one came back, not from when its turn
    was taken: however long the call was on the way, Slack never sees two within
    `HISTORY_SPACING`."""
    with store.session() as session:
        queries.turn_answered(session, team_id, now, HISTORY_SPACING)


# -- marking what events bring -----------------------------------------------------------------


class ChannelsSeen:
    """Marks each channel's newest message as events arrive, writing at most once a
    minute a channel: a mark that lags only makes a catch-up read a little more."""

    def __init__(self) -> None:
        self._written: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def saw(self, store: Store, clock: Clock, team_id: str, channel_id: str, ts: str) -> None:
        at = time_of(ts)
        if at is None or not (team_id and channel_id):
            return
        key = (team_id, channel_id)
        with self._lock:
            last = self._written.get(key)
        if last is not None and at - last < MARK_EVERY:
            return
        with store.session() as session:
            queries.saw(session, team_id, channel_id, at, clock.now())
        with self._lock:
            self._written[key] = max(at, self._written.get(key, at))


# -- reading a window ---------------------------------------------------------------------------


def begin(
    store: Store, clock: Clock, claim: Claim, team_id: str, channel_id: str, days: int
) -> Window | None:
    """The next window to read, taking the catch-up asked for, in one unit of work with
    the job's progress saying so: a crash loses neither. The channel counts as seen up to
    the window's end from now on, since the window is kept until it is read through: a
    catch-up asked for meanwhile (another replica starting) reads on from there. None
    when none is asked for."""
    now = clock.now()
    with store.session() as session:
        read = queries.known(session, team_id, channel_id, lock=True)
        if read is None or read.wanted_from is None:
            return None
        oldest = min(now, max(read.wanted_from - OVERLAP, now - timedelta(days=days)))
        # Slack's clock may be ahead of ours, or behind: read a little past now, and
        # take nothing as deleted that may not have been posted when the page was read.
        window = Window(ts_of(oldest), ts_of(now + CLOCK_SKEW), ts_of(now - CLOCK_SKEW))
        read.wanted_from, read.updated_at = None, now
        read.seen_to = max(read.seen_to, now)
        _save(session, claim, window)
    return window


def take_page(
    store: Store,
    clock: Clock,
    claim: Claim,
    where: tuple[str, str],
    window: Window,
    page: tuple[Sequence[Mapping[str, Any]], str | None],
    planning: Planning,
    own_bot_id: str | None,
) -> PageTaken:
    """Take a page of the window (its messages, newest first, and the cursor to the next
    page) as the events would have: new posts captured, edits made meanwhile applied,
    deals whose posts the page should show and does not removed. Then save how far the
    window is read."""
    team_id, channel_id = where
    messages, cursor = page
    low = Decimal(str(messages[-1]["ts"])) if cursor and messages else Decimal(window.oldest)
    known = _deals_from(store, team_id, channel_id, low, Decimal(window.latest))
    changes: list[DealChange] = []
    asks: list[Ask] = []
    for message in reversed(messages):
        change = _take_message(store, clock, where, message, known, planning, own_bot_id)
        if change.ask is not None:
            asks.append(change.ask)
        if change.deal is not None and change.change != Change.UNCHANGED:
            changes.append(change)
    shown = {str(m["ts"]) for m in messages if m.get("subtype") != TOMBSTONE}
    for ts, deal in known.items():
        if ts not in shown and low <= Decimal(ts) < Decimal(window.below) and _top_level(deal):
            removed = deals.remove_for_deleted_message(store, clock, team_id, channel_id, ts)
            if removed is not None:
                changes.append(DealChange(Change.REMOVED, removed))
    left = Window(window.oldest, window.latest, str(low), cursor) if cursor else None
    with store.session() as session:
        _save(session, claim, left)
    return PageTaken(tuple(changes), tuple(asks), left)


def _take_message(
    store: Store,
    clock: Clock,
    where: tuple[str, str],
    message: Mapping[str, Any],
    known: Mapping[str, Deal],
    planning: Planning,
    own_bot_id: str | None,
) -> DealChange:
    """A post Serve has no deal for is captured as a new post would be; one it has a deal
    for is revised if it was edited since that deal last changed."""
    team_id, channel_id = where
    ts = str(message.get("ts") or "")
    if not ts or message.get("subtype") == TOMBSTONE:
        return deals.UNCHANGED
    if ts not in known:
        return deals.capture_deal(
            store, clock, team_id, channel_id, message, planning, own_bot_id, caught_up=True
        )
    edited = message.get("edited")
    edited_at = time_of(str(edited.get("ts") or "")) if isinstance(edited, Mapping) else None
    if edited_at is None:
        return deals.UNCHANGED
    return deals.revise_deal(
        store, clock, team_id, channel_id, message, planning, own_bot_id, edited_at=edited_at
    )


def _deals_from(
    store: Store, team_id: str, channel_id: str, low: Decimal, high: Decimal
) -> dict[str, Deal]:
    """The channel's deals posted from `low` to `high` (ts), by their post's ts."""
    since = datetime.fromtimestamp(float(low), UTC) - timedelta(seconds=1)
    until = datetime.fromtimestamp(float(high), UTC) + timedelta(seconds=1)
    with store.reading() as session:
        found = deal_queries.posted_between(session, team_id, channel_id, since, until)
    return {
        str(deal.message_ts): deal
        for deal in found
        if deal.message_ts and deal.status != DealStatus.DELETED
    }


def _top_level(deal: Deal) -> bool:
    """A deal whose post is in the channel's history itself (not a thread reply logged
    by hand): only its absence from a page means it was deleted."""
    announced = deal.announcement or {}
    thread_ts = announced.get("thread_ts")
    return thread_ts in (None, deal.message_ts) or announced.get("subtype") == "thread_broadcast"


def _save(session: Session, claim: Claim, window: Window | None) -> None:
    progress = {WINDOW: window.progress() if window else None}
    if not due.save_progress(session, claim.work_id, claim.attempt, progress):
        raise ClaimLost()
