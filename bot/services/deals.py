"""The rules for deals: which messages announce one, and what edits, deletions and
"Not a deal" do to it, and when a deal's thread reply is due. Slack-free; the listeners
and the runner's handlers do the talking."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.store import asks as ask_queries
from bot.store import checkins as checkin_queries
from bot.store import deals as queries
from bot.store import due, labels
from bot.store import workspaces as workspace_queries
from bot.store.db import Store
from bot.store.models import CheckIn, Deal, DealStatus, Label, Workspace

from . import checkins
from .examples import examples_for, labelled
from .reading import Outcome, read_post
from .recognition import DealSighting, amount_in, as_read
from .same_win import from_a_webhook, same_win

REPLY = "deal_reply"  # due work: post a deal's thread reply, once
ANNOUNCING_SUBTYPES = {None, "bot_message", "thread_broadcast", "file_share"}
CHANNEL_TYPES = {None, "channel", "group"}


class Change(StrEnum):
    RECORDED = "recorded"  # a new deal: post its thread reply
    UPDATED = "updated"  # the reply should show new details
    REVIVED = "revived"  # an edit made a retracted deal a deal again, check-ins and all
    REMOVED = "removed"  # the reply should say the deal is gone
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Ask:
    """Whom to ask, alone, whether a post Serve is unsure of is a closed deal."""

    channel_id: str
    ts: str  # the post's
    user_id: str
    customer: str | None  # as read, if any
    named_by_integration: bool  # an owner a CRM named: asked only if Slack knows a person


@dataclass(frozen=True)
class DealChange:
    change: Change
    deal: Deal | None = None
    planned: tuple[CheckIn, ...] = ()  # the deal's open check-ins after the change
    ask: Ask | None = None  # a post Serve is unsure of, asked about for the first time


UNCHANGED = DealChange(Change.UNCHANGED)


@dataclass(frozen=True)
class Planning:
    """What planning check-ins needs from outside a unit of work: the workspace's settings
    and a person's time zone. Both are asked for before the transaction starts, and only
    once a message turns out to announce a deal."""

    settings_of: Callable[[], Settings]
    tz_of: Callable[[str], str | None]

    def ask(self, owner_id: str | None) -> tuple[Settings, str | None]:
        return self.settings_of(), self.tz_of(owner_id) if owner_id else None


def watches_channel(
    configured: tuple[str, ...], channel_id: str, channel_name: Callable[[], str | None]
) -> bool:
    """Deal channels are given as ids or names; none configured means every channel
    the bot has been invited to."""
    if not configured or channel_id in configured:
        return True
    return channel_name() in configured


def announces(message: Mapping[str, Any], own_bot_id: str | None) -> bool:
    """Only a top-level post (or one broadcast from a thread) can announce a deal."""
    if message.get("subtype") not in ANNOUNCING_SUBTYPES or message.get("hidden"):
        return False
    if own_bot_id and message.get("bot_id") == own_bot_id:
        return False
    thread_ts = message.get("thread_ts")
    return thread_ts in (None, message.get("ts")) or message.get("subtype") == "thread_broadcast"


def capture_deal(
    store: Store,
    clock: Clock,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    planning: Planning,
    own_bot_id: str | None = None,
    caught_up: bool = False,
) -> DealChange:
    """Record the deal a new message announces, plan its check-ins and queue its thread
    reply, in one unit of work: the listener only stores, and the runner posts the reply
    (Socket Mode acks before a listener runs, so a post that failed there would never be
    tried again). Slack's retries and replays record nothing twice. A post Serve is unsure
    of is recorded as asked about, once, and the change says whom to ask. A post
    `caught_up` from history after Serve was away is recorded as such, and its check-ins
    that fell due meanwhile are due now."""
    if not announces(message, own_bot_id):
        return UNCHANGED
    read = read_post(message, examples_for(store, team_id))
    if read.outcome == Outcome.UNSURE:
        return _ask_once(store, clock, team_id, channel_id, message, read.sighting)
    sighting = read.sighting if read.outcome == Outcome.SURE else None
    if sighting is None:
        return UNCHANGED
    chosen, tz = planning.ask(sighting.owner_id)
    now = clock.now()
    with store.session() as session:
        at = _ts_time(message["ts"])  # same_win makes sure the workspace's row is there
        if same_win(session, team_id, sighting.customer, at, now, from_a_webhook):
            return UNCHANGED  # the CRM's webhook brought this win already, and announced it
        deal = _record(session, team_id, channel_id, message, sighting, now, caught_up)
        if deal is None:
            return UNCHANGED
        planned = _plan_new(session, deal, chosen, tz, now)
        return DealChange(Change.RECORDED, deal, tuple(planned))


def _plan_new(
    session: Session, deal: Deal, chosen: Settings, tz: str | None, now: datetime
) -> list[CheckIn]:
    """A new deal's check-ins, and its thread reply queued, their due work added in one
    statement: for a deal caught up after Serve was away, the check-ins that fell due
    while it was away are due now, as a deal heard of in time would have them."""
    overdue_after = deal.closed_at if deal.caught_up else None
    planned, queued = checkins.plan_new(session, deal, chosen, tz, now, overdue_after)
    if deal.channel_id and deal.message_ts:  # shown in a channel: a new deal has no reply
        queued.append((REPLY, now, deal.id))
    due.add_all(session, deal.team_id, now, queued)
    return planned


def _ask_once(
    store: Store,
    clock: Clock,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    guess: DealSighting | None,
) -> DealChange:
    """Keep the ask for a message, once whatever edits, retries or replicas bring it
    again: the poster is asked, or for an integration's post the owner it names; a post
    with nobody to ask is left alone."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    asked = (guess.owner_id if guess else None) if integration else message.get("user")
    if not asked:
        return UNCHANGED
    values = {
        "team_id": team_id,
        "channel_id": channel_id,
        "message_ts": message["ts"],
        "asked_user": asked,
        "message": as_read(message),
        "customer": guess.customer if guess else None,
        "owner_id": guess.owner_id if guess else None,
        "asked_at": clock.now(),
    }
    with store.session() as session:
        if not ask_queries.ask_once(session, values):
            return UNCHANGED
    return DealChange(
        Change.UNCHANGED,
        ask=Ask(channel_id, str(message["ts"]), str(asked), values["customer"], integration),
    )


@dataclass(frozen=True)
class Shown:
    """A deal as its thread reply draws it: the deal and its open check-ins (and, as
    read before the reply goes out, its workspace's settings)."""

    deal: Deal
    planned: tuple[CheckIn, ...]
    workspace: Workspace | None = None


def reply_due(store: Store, deal_id: int) -> Shown | str:
    """The deal whose reply is to be posted now, or why none is: a deal removed before
    its reply went out gets none (its thread would only say it is gone), and one whose
    reply is out already gets no second. One query reads it all."""
    with store.reading() as session:
        found = queries.for_reply(session, deal_id)
    if found is None:
        return "the deal is gone"
    deal, planned, workspace = found
    if deal.reply_ts is not None:
        return "the reply is out already"
    if not deal.is_active:
        return "the deal was removed before its reply went out"
    if not (deal.channel_id and deal.message_ts):
        return "the deal has no thread to reply in"
    return Shown(deal, tuple(planned), workspace)


def record_reply(
    store: Store,
    deal_id: int,
    reply_ts: str,
    permalink: str | None,
    end: Callable[[Session, Shown], object] = lambda session, shown: None,
) -> Shown | None:
    """The reply is out: where it is, and the deal as it is now, under the deal's lock;
    `end` may end the reply's due work in the same unit of work. An edit, a deletion or
    "Not a deal" that came in while the reply was being posted found no reply to
    update; the caller compares and redraws it."""
    with store.session() as session:
        deal = queries.record_reply(session, deal_id, reply_ts, permalink)
        if deal is None:
            return None
        shown = Shown(deal, tuple(checkin_queries.open_checkins(session, deal.id)))
        end(session, shown)
        return shown


def _queue_reply(session: Session, deal: Deal, now: datetime) -> None:
    """A deal shown in a channel gets its thread reply as due work, once: nothing more is
    queued while a reply waits or once one is out (a new deal's is queued with its
    check-ins, see `_plan_new`)."""
    if deal.reply_ts is not None or not (deal.channel_id and deal.message_ts):
        return
    if due.waiting(session, [REPLY], [deal.id]):
        return
    due.add(session, REPLY, deal.team_id, now, now, subject_id=deal.id)


def revise_deal(
    store: Store,
    clock: Clock,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    planning: Planning,
    own_bot_id: str | None = None,
    edited_at: datetime | None = None,
) -> DealChange:
    """An announcement was edited: follow the new text, in one unit of work. A deal
    someone marked "Not a deal", or whose message was deleted, stays removed whatever
    the edit says; one the text retracted comes back, check-ins and all, when the text
    announces it again. An edit never asks: the post was asked about, or not, as posted.
    An edit read again from history (`edited_at`, when it was made) is not applied to a
    deal changed since: that change followed it."""
    sighting = _surely_read(store, team_id, message, own_bot_id)
    chosen, tz = planning.ask(sighting.owner_id if sighting else None)
    now = clock.now()
    with store.session() as session:
        deal = queries.deal_for_message(session, team_id, channel_id, message["ts"], lock=True)
        if deal is None and sighting is not None:
            workspace_queries.ensure_workspace(session, team_id, now)
            caught_up = edited_at is not None
            deal = _record(session, team_id, channel_id, message, sighting, now, caught_up)
            if deal is None:
                return UNCHANGED
            planned = _plan_new(session, deal, chosen, tz, now)
            return DealChange(Change.RECORDED, deal, tuple(planned))
        if deal is None or deal.status in (DealStatus.DISMISSED, DealStatus.DELETED):
            return DealChange(Change.UNCHANGED, deal)
        if edited_at is not None and deal.updated_at >= edited_at:
            return DealChange(Change.UNCHANGED, deal)
        if sighting is None:
            if deal.status == DealStatus.RETRACTED:
                return DealChange(Change.UNCHANGED, deal)
            _remove(session, deal, DealStatus.RETRACTED, None, now)
            return DealChange(Change.REMOVED, deal)
        values = _deal_values(sighting, message)
        if deal.is_active and all(getattr(deal, k) == v for k, v in values.items()):
            return DealChange(Change.UNCHANGED, deal)
        revived = deal.status == DealStatus.RETRACTED
        if values["owner_id"] and values["owner_id"] != deal.owner_id:
            checkins.reassign(session, deal, values["owner_id"], now)
        for key, value in values.items():
            setattr(deal, key, value)
        deal.status = DealStatus.ACTIVE.value
        deal.removed_by = None
        deal.updated_at = now
        planned = checkins.plan(session, deal, chosen, tz, now)
        if revived:
            _queue_reply(session, deal, now)  # retracted before its reply went out
        return DealChange(Change.REVIVED if revived else Change.UPDATED, deal, tuple(planned))


def _surely_read(
    store: Store, team_id: str, message: Mapping[str, Any], own_bot_id: str | None
) -> DealSighting | None:
    if not announces(message, own_bot_id):
        return None
    read = read_post(message, examples_for(store, team_id))
    return read.sighting if read.outcome == Outcome.SURE else None


def remove_for_deleted_message(
    store: Store, clock: Clock, team_id: str, channel_id: str, ts: str
) -> Deal | None:
    """The deal whose announcement was just deleted, now removed; None if there was none."""
    with store.session() as session:
        deal = queries.deal_for_message(session, team_id, channel_id, ts, lock=True)
        if deal is None or deal.status == DealStatus.DELETED:
            return None
        was_shown = deal.is_active
        _remove(session, deal, DealStatus.DELETED, None, clock.now())
        return deal if was_shown else None


def dismiss_deal(
    store: Store, clock: Clock, team_id: str, deal_id: int, user_id: str
) -> Deal | None:
    """Someone said "Not a deal": the deal goes, and its message is kept as an example of
    what is not one. None when the deal is already gone."""
    now = clock.now()
    with store.session() as session:
        deal = queries.deal_by_id(session, deal_id, team_id, lock=True)
        if deal is None or not deal.is_active:
            return None
        _remove(session, deal, DealStatus.DISMISSED, user_id, now)
        _label_announcement(session, deal, Label.NOT_A_DEAL, user_id, now)
        return deal


def log_by_hand(
    store: Store,
    clock: Clock,
    team_id: str,
    said: LoggedDeal,
    amount: tuple[Decimal | None, str | None],
    planning: Planning,
) -> DealChange:
    """A deal logged with `/serve deal`, from no message: closed now, check-ins planned,
    in one unit of work."""
    chosen, tz = planning.ask(said.owner_id)
    now = clock.now()
    with store.session() as session:
        return record_by_hand(session, team_id, said, amount, chosen, tz, now)


def record_by_hand(
    session: Session,
    team_id: str,
    said: LoggedDeal,
    amount: tuple[Decimal | None, str | None],
    chosen: Settings,
    tz: str | None,
    now: datetime,
    permalink: str | None = None,
) -> DealChange:
    """`log_by_hand` within the caller's unit of work; `permalink` links back to where
    the deal was told, when it was."""
    workspace_queries.ensure_workspace(session, team_id, now)
    deal = Deal(
        team_id=team_id,
        customer=said.customer,
        owner_id=said.owner_id,
        posted_by=said.logged_by,
        amount=amount[0],
        currency=amount[1],
        from_integration=False,
        permalink=permalink,
        status=DealStatus.ACTIVE.value,
        closed_at=now,
        created_at=now,
        updated_at=now,
    )
    queries.add_deal(session, deal)
    planned = checkins.plan(session, deal, chosen, tz, now)
    return DealChange(Change.RECORDED, deal, tuple(planned))


@dataclass(frozen=True)
class LoggedDeal:
    """What a person said when logging a message as a closed deal."""

    customer: str
    owner_id: str
    logged_by: str
    amount: tuple[Decimal | None, str | None] | None = None  # None: the message's own


def log_deal(
    store: Store,
    clock: Clock,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    said: LoggedDeal,
    planning: Planning,
) -> DealChange:
    """Someone logged a message as a closed deal that Serve missed (or was told was not
    one): the deal, its check-ins and an example of what a deal looks like, in one unit
    of work. UNCHANGED with the deal when the message is a deal already."""
    chosen, tz = planning.ask(said.owner_id)
    amount, currency = said.amount if said.amount is not None else amount_in(message)
    now = clock.now()
    with store.session() as session:
        workspace_queries.ensure_workspace(session, team_id, now)
        deal = queries.deal_for_message(session, team_id, channel_id, message["ts"], lock=True)
        if deal is not None and deal.is_active:
            return DealChange(Change.UNCHANGED, deal)
        labelled(session, team_id)
        labels.label(
            session,
            team_id,
            channel_id,
            message["ts"],
            Label.DEAL,
            as_read(message),
            said.logged_by,
            now,
            said.customer,
        )
        _answer_ask(session, team_id, channel_id, str(message["ts"]), said.logged_by, now)
        change = Change.RECORDED
        if deal is None:
            integration = bool(message.get("bot_id"))
            sighting = DealSighting(
                said.customer, said.owner_id, None, amount, currency, integration
            )
            deal = _record(session, team_id, channel_id, message, sighting, now)
            if deal is None:
                return UNCHANGED
        else:
            change = Change.REVIVED if deal.reply_ts else Change.RECORDED
            checkins.reassign(session, deal, said.owner_id, now)
            deal.customer, deal.status, deal.removed_by = (
                said.customer,
                DealStatus.ACTIVE.value,
                None,
            )
        planned = checkins.plan(session, deal, chosen, tz, now)
        _queue_reply(session, deal, now)
        return DealChange(change, deal, tuple(planned))


def _answer_ask(
    session: Session, team_id: str, channel_id: str, ts: str, by: str, now: datetime
) -> None:
    """A post Serve asked about was logged: the ask is answered (by its form or not)."""
    asked = ask_queries.ask_for(session, team_id, channel_id, ts, lock=True)
    if asked is not None:
        ask_queries.answer(session, asked, Label.DEAL.value, by, now)


def shown_deal(store: Store, team_id: str, deal_id: int) -> Deal | None:
    """The workspace's deal, while it is active; None once removed."""
    with store.reading() as session:
        deal = queries.deal_by_id(session, deal_id, team_id)
        return deal if deal is not None and deal.is_active else None


def may_change_customer(deal: Deal, user_id: str, is_admin: Callable[[], bool]) -> bool:
    """Those who know the customer settle its name: the owner, the poster, an admin
    (asked last: it needs Slack)."""
    return user_id in (deal.owner_id, deal.posted_by) or is_admin()


def change_customer(
    store: Store, clock: Clock, team_id: str, deal_id: int, customer: str, by: str
) -> Deal | None:
    """Rename the deal; its check-ins and timeline name it through the deal. Its message
    is kept as an example with the settled customer. None once the deal is removed."""
    now = clock.now()
    with store.session() as session:
        deal = queries.deal_by_id(session, deal_id, team_id, lock=True)
        if deal is None or not deal.is_active:
            return None
        deal.customer, deal.updated_at = customer, now
        _label_announcement(session, deal, Label.DEAL, by, now, customer)
        return deal


def _label_announcement(
    session: Session, deal: Deal, label: Label, by: str, now: datetime, customer: str | None = None
) -> None:
    """Keep the deal's announcement, as a person settled it, among the examples."""
    if deal.announcement and deal.channel_id and deal.message_ts:
        labelled(session, deal.team_id)
        labels.label(
            session,
            deal.team_id,
            deal.channel_id,
            deal.message_ts,
            label,
            deal.announcement,
            by,
            now,
            customer,
        )


def set_owner(
    store: Store, clock: Clock, team_id: str, deal_id: int, owner_id: str, planning: Planning
) -> DealChange:
    """Someone picked the deal's owner: check-ins to come go to them, and a deal that had
    none for want of an owner gets them now."""
    chosen, tz = planning.ask(owner_id)
    now = clock.now()
    with store.session() as session:
        deal = queries.deal_by_id(session, deal_id, team_id, lock=True)
        if deal is None or not deal.is_active:
            return UNCHANGED
        checkins.reassign(session, deal, owner_id, now)
        planned = checkins.plan(session, deal, chosen, tz, now)
        return DealChange(Change.UPDATED, deal, tuple(planned))


def _record(
    session: Session,
    team_id: str,
    channel_id: str,
    message: Mapping[str, Any],
    sighting: DealSighting,
    now: datetime,
    caught_up: bool = False,
) -> Deal | None:
    """The new deal, or None when this message has one already (in any state)."""
    values = _deal_values(sighting, message) | {
        "team_id": team_id,
        "channel_id": channel_id,
        "message_ts": message["ts"],
        "status": DealStatus.ACTIVE.value,
        "announcement": as_read(message),
        "caught_up": caught_up,
        "closed_at": _ts_time(message["ts"]),
        "created_at": now,
        "updated_at": now,
    }
    return queries.add_deal_once(session, values)


def _remove(
    session: Session, deal: Deal, status: DealStatus, by: str | None, now: datetime
) -> None:
    """Remove a deal; its check-ins still to come are cancelled with it."""
    deal.status = status.value
    deal.removed_by = by
    deal.updated_at = now
    checkins.cancel_for_deal(session, deal.id, now)


def _deal_values(sighting: DealSighting, message: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "customer": sighting.customer,
        "owner_id": sighting.owner_id,
        "owner_name": sighting.owner_name,
        "posted_by": message.get("user") or message.get("bot_id"),
        "amount": sighting.amount,
        "currency": sighting.currency,
        "from_integration": sighting.from_integration,
    }


def _ts_time(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)
