"""The rules for deals a CRM sends by webhook (a HubSpot workflow, a Salesforce Flow):
what a win's payload must say, one deal per record and won stage however often it
comes, the announcement Serve posts for it (there is no post to reply to), and where
each workspace's webhook secrets are kept. Slack-free; bot/webhooks.py takes the
requests and bot/due_work/crm_deals.py does the talking."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from bot.clock import Clock
from bot.config import Settings
from bot.store import checkins as checkin_queries
from bot.store import crm as queries
from bot.store import deals as deal_queries
from bot.store import due, seen
from bot.store import workspaces as workspace_queries
from bot.store.db import Store
from bot.store.models import DealStatus

from .commands import CUSTOMER_MAX
from .deals import Planning, Shown, set_owner
from .same_win import from_a_post, same_win
from .typed import has_control_characters

ANNOUNCE = "crm_deal"  # due work: find the owner by e-mail, then announce the deal, once
RECORD_MAX = 64
STAGE_MAX = 100
LINK_MAX = 2000
EMAIL_MAX = 254
AMOUNT_LIMIT = Decimal(10) ** 16  # the amount column holds 16 digits before the point
EMAIL = re.compile(r"[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|]+")
NUMBER = re.compile(r"\d+(\.\d+)?")
CURRENCY = re.compile(r"[A-Za-z]{3}")


class Source(StrEnum):
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"

    @property
    def product(self) -> str:
        return "HubSpot" if self is Source.HUBSPOT else "Salesforce"


# Where each field of Serve's payload is read from: its own name first, then the name
# HubSpot gives the deal property, so a body of HubSpot's internal names reads too.
FIELDS: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id", "hs_object_id", "objectId"),
    "customer": ("customer", "dealname"),
    "amount": ("amount",),
    "currency": ("currency", "deal_currency_code"),
    "stage": ("stage", "dealstage"),
    "owner_email": ("owner_email",),
    "link": ("link",),
    "sent_at": ("sent_at",),
}


@dataclass(frozen=True)
class CrmWin:
    """A won deal as the CRM's payload gives it."""

    source: Source
    record_id: str
    stage: str
    customer: str
    amount: Decimal | None
    currency: str | None
    owner_email: str | None
    link: str | None
    sent_at: datetime | None  # when the CRM sent it, if it says (Salesforce must)

    @property
    def is_lost(self) -> bool:
        """A stage the CRM calls lost: a workflow that fires on every close sends these."""
        return "lost" in self.stage.casefold()


class Unreadable(Exception):
    """The payload is not a win Serve can record; the message says what is wrong."""


def read_win(body: bytes, source: Source) -> CrmWin:
    """The win a webhook's body announces; raises Unreadable with the first problem."""
    try:
        given = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Unreadable("the body is not UTF-8 JSON") from None
    if not isinstance(given, dict):
        raise Unreadable("the body is not a JSON object")
    fields = {name: _field(given, names) for name, names in FIELDS.items()}
    amount, currency = _amount(fields["amount"]), _currency(fields["currency"])
    return CrmWin(
        source=source,
        record_id=_word(fields["record_id"], "record_id", RECORD_MAX),
        stage=_text(fields["stage"], "stage", STAGE_MAX),
        customer=_text(fields["customer"], "customer", CUSTOMER_MAX),
        amount=amount,
        currency=currency if amount is not None else None,
        owner_email=_email(fields["owner_email"]),
        link=_link(fields["link"]),
        sent_at=_moment(fields["sent_at"]),
    )


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _field(given: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    return next((given[name] for name in names if given.get(name) not in (None, "")), None)


def _text(value: Any, name: str, longest: int) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise Unreadable(f"{name} is missing")
    text = " ".join(value.split())
    if len(text) > longest:
        raise Unreadable(f"{name} is longer than {longest} characters")
    if has_control_characters(text):
        raise Unreadable(f"{name} has control characters")
    return text


def _word(value: Any, name: str, longest: int) -> str:
    text = _text(value, name, longest)
    if not text.isascii() or " " in text:
        raise Unreadable(f"{name} should be one word of ASCII")
    return text


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Unreadable("amount is not a number")
    written = str(value).strip().replace(",", "").replace(" ", "")
    if not NUMBER.fullmatch(written):
        raise Unreadable("amount is not a number of at least 0")
    try:
        amount = Decimal(written).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise Unreadable("amount is not a number") from None
    if amount >= AMOUNT_LIMIT:
        raise Unreadable("amount is too large")
    return amount


def _currency(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not CURRENCY.fullmatch(value.strip()):
        raise Unreadable("currency should be a three-letter code like USD")
    return value.strip().upper()


def _email(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > EMAIL_MAX:
        raise Unreadable("owner_email is not an e-mail address")
    email = value.strip()
    if not EMAIL.fullmatch(email) or has_control_characters(email):
        raise Unreadable("owner_email is not an e-mail address")
    return email


def _link(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > LINK_MAX:
        raise Unreadable(f"link should be an http(s) URL of at most {LINK_MAX} characters")
    link = value.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        raise Unreadable("link is not a URL") from None
    odd = any(char.isspace() or char in "<>|" for char in link) or has_control_characters(link)
    if parts.scheme not in ("http", "https") or not parts.netloc or odd:
        raise Unreadable("link should be an http(s) URL")
    return link


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise Unreadable("sent_at is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise Unreadable("sent_at needs a time zone (like 2026-11-20T17:00:00Z)")
    return moment


class Taken(StrEnum):
    RECORDED = "recorded"  # a new deal, its announcement queued
    ALREADY = "already recorded"  # the record won at this stage before: nothing new
    NOT_A_WIN = "not a win"  # a lost stage: nothing kept
    REPLAY = "replay"  # this very request was taken before: refused


def record_win(store: Store, clock: Clock, team_id: str, win: CrmWin, request_key: str) -> Taken:
    """Keep the deal a win is, in one unit of work with the request's key (so a replay
    of the same request is refused) and the due work that finds the owner and announces
    it. The CRM is answered as soon as this returns; Slack is spoken to later."""
    if win.is_lost:
        return Taken.NOT_A_WIN
    now = clock.now()
    with store.session() as session:
        if not seen.first_sight(session, request_key, now):
            return Taken.REPLAY
        workspace_queries.ensure_workspace(session, team_id, now)
        if same_win(session, team_id, win.customer, now, now, from_a_post) is not None:
            return Taken.ALREADY  # the CRM's own post in the channel (or a person's) made it
        deal = queries.add_win_once(
            session,
            {
                "team_id": team_id,
                "customer": win.customer,
                "owner_name": win.owner_email,  # shown until the owner is found in Slack
                "owner_email": win.owner_email,
                "amount": win.amount,
                "currency": win.currency,
                "from_integration": True,
                "status": DealStatus.ACTIVE.value,
                "source": win.source.value,
                "source_record": win.record_id,
                "source_stage": win.stage,
                "source_link": win.link,
                "closed_at": now,
                "created_at": now,
                "updated_at": now,
            },
        )
        if deal is None:
            return Taken.ALREADY
        due.add(session, ANNOUNCE, team_id, now, now, subject_id=deal.id)
        return Taken.RECORDED


def request_key(source: Source, team_id: str, proof: str) -> str:
    """What makes one request unique (its signature, or its idempotency key), as kept."""
    return hashlib.sha256(f"crm:{source}:{team_id}:{proof}".encode()).hexdigest()


# -- the announcement --------------------------------------------------------------------------


def announcement_due(store: Store, deal_id: int) -> Shown | str:
    """The deal to announce now, or why it needs none: it is gone, removed, or out."""
    with store.reading() as session:
        deal = deal_queries.deal_with_id(session, deal_id)
        if deal is None:
            return "the deal is gone"
        if deal.reply_ts is not None:
            return "the announcement is out already"
        if not deal.is_active:
            return "the deal was removed before it was announced"
        return Shown(deal, tuple(checkin_queries.open_checkins(session, deal.id)))


def owner_found(
    store: Store,
    clock: Clock,
    team_id: str,
    deal_id: int,
    owner_id: str,
    planning: tuple[Callable[[], Settings], str | None],
) -> None:
    """The owner's e-mail is a person in Slack: the deal is theirs, check-ins planned."""
    settings_of, tz = planning
    set_owner(store, clock, team_id, deal_id, owner_id, Planning(settings_of, lambda _: tz))


def record_announcement(
    store: Store, deal_id: int, channel_id: str, ts: str, permalink: str | None
) -> Shown | None:
    """The announcement is out: where, and the deal as it is now, under its lock."""
    with store.session() as session:
        deal = deal_queries.deal_with_id(session, deal_id, lock=True)
        if deal is None:
            return None
        deal.channel_id, deal.reply_ts = channel_id, ts
        deal.permalink = permalink or deal.permalink
        return Shown(deal, tuple(checkin_queries.open_checkins(session, deal.id)))


# -- secrets ----------------------------------------------------------------------------------


class SecretName(StrEnum):
    """The secrets a workspace's webhooks are verified with, as `servebot crm secret`
    names them."""

    HUBSPOT_APP = "hubspot-app"  # the HubSpot app's client secret, which signs
    HUBSPOT_KEY = "hubspot-key"  # an API key HubSpot sends instead (kept as a digest)
    SALESFORCE = "salesforce"  # the secret Salesforce's Named Credential signs with

    @property
    def made_by_serve(self) -> bool:
        """Serve makes this one up; the HubSpot app's secret comes from HubSpot."""
        return self is not SecretName.HUBSPOT_APP


@dataclass(frozen=True)
class Keys:
    """What one CRM's requests to one workspace are verified with ("" when unset)."""

    secret: str = ""
    api_key_digest: str = ""

    @property
    def any(self) -> bool:
        return bool(self.secret or self.api_key_digest)


def digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def keys_for(store: Store, settings: Settings, team_id: str, source: Source) -> Keys:
    """A workspace's keys: those set with `servebot crm secret`, else (with one
    workspace only: with many, the environment's would let any workspace's CRM post to
    all of them) the environment's."""
    with store.reading() as session:
        kept = queries.secrets_of(session, team_id)
    single = not settings.many_workspaces
    if source == Source.SALESFORCE:
        fallback = settings.salesforce_webhook_secret if single else ""
        return Keys(secret=kept.get(SecretName.SALESFORCE) or fallback)
    env_key = settings.hubspot_api_key if single else ""
    return Keys(
        secret=kept.get(SecretName.HUBSPOT_APP) or (settings.hubspot_app_secret if single else ""),
        api_key_digest=kept.get(SecretName.HUBSPOT_KEY) or (digest(env_key) if env_key else ""),
    )


def set_secret(
    store: Store, clock: Clock, team_id: str, name: SecretName, given: str | None = None
) -> str:
    """Keep a workspace's secret: the one given (the HubSpot app's), or a new one Serve
    makes, which is returned to be shown once (an API key is kept only as its digest)."""
    value = given if given is not None else secrets.token_urlsafe(32)
    kept = digest(value) if name == SecretName.HUBSPOT_KEY else value
    with store.session() as session:
        workspace_queries.ensure_workspace(session, team_id, clock.now())
        queries.set_secret(session, team_id, name.value, kept, clock.now())
    return value
