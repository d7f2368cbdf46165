"""Reading `/serve …`: which subcommand, its words, and a close guess for a typo."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from . import markup
from .markup import Kind, Token
from .recognition import amount_in

SUBCOMMANDS = (
    "help",
    "story",
    "checkins",
    "deal",
    "timeline",
    "digest",
    "pause",
    "resume",
    "settings",
    "export",
    "audit",
    "my",  # my data
    "forget",  # forget me
)
ALIASES = {"check-ins": "checkins", "checkin": "checkins", "stories": "story", "?": "help"}
CUSTOMER_MAX = 200
# The most `/serve` reads: Slack caps what is typed near 4,000 characters, but a request
# can carry more, and nothing any subcommand takes comes near this.
COMMAND_MAX = 2000


class Refusal(StrEnum):
    """Why `/serve` did nothing; the views say it to the person."""

    NO_CUSTOMER = "no_customer"
    CUSTOMER_TOO_LONG = "customer_too_long"
    NOT_A_DATE = "not_a_date"
    DATE_PASSED = "date_passed"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Command:
    name: str
    rest: str = ""
    unknown: str | None = None  # what was typed instead of a subcommand
    suggestion: str | None = None  # the subcommand it was probably meant to be


@dataclass(frozen=True)
class DealWords:
    """`/serve deal Acme Corp @sam $40k`, read."""

    customer: str
    owner_id: str | None
    amount: Decimal | None
    currency: str | None


def parse_command(text: str) -> Command | Refusal:
    """The subcommand typed and its words; more than `/serve` reads is refused before
    anything looks at it, so no subcommand, query or parser meets it."""
    if len(text) > COMMAND_MAX:
        return Refusal.TOO_LONG
    words = text.strip().split(maxsplit=1)
    if not words:
        return Command("help")
    typed, rest = words[0].lower(), words[1] if len(words) > 1 else ""
    name = ALIASES.get(typed, typed)
    if name in SUBCOMMANDS:
        return Command(name, rest.strip())
    close = difflib.get_close_matches(typed, SUBCOMMANDS, n=1, cutoff=0.6)
    return Command("help", unknown=words[0][:40], suggestion=close[0] if close else None)


def parse_deal(rest: str) -> DealWords | Refusal:
    """The deal typed after `/serve deal`, or what is wrong with it."""
    mentioned = markup.mentions(rest)
    amount, currency = amount_in({"type": "message", "text": rest})
    customer = markup.rewrite(rest, _without_people)
    customer = re.sub(
        r"[$€£¥₹]\s?[\d.,]+\s?(?:[kKmM]|mm|bn)?\b|\b[\d.,]+\s?(?:[kKmM]\b)?\s?"
        r"(?:USD|EUR|GBP|JPY|CAD|AUD|CHF)\b",
        " ",
        customer,
    )
    customer = " ".join(customer.split()).strip(" ,;-")
    if not customer:
        return Refusal.NO_CUSTOMER
    if len(customer) > CUSTOMER_MAX:
        return Refusal.CUSTOMER_TOO_LONG
    return DealWords(customer, mentioned[0] if mentioned else None, amount, currency)


def _without_people(token: Token) -> str:
    """A mention names the owner, never the customer; other markup is kept as typed
    (the views escape it)."""
    return " " if token.kind is Kind.USER else token.raw


def parse_until(rest: str, today: date) -> date | Refusal | None:
    """`until 2026-12-24` (or just the date) → that day; nothing → None (until resumed);
    otherwise what is wrong."""
    words = rest.split()
    if words and words[0].lower() == "until":
        words = words[1:]
    if not words:
        return None
    if len(words) != 1:
        return Refusal.NOT_A_DATE
    try:
        day = date.fromisoformat(words[0])
    except ValueError:
        return Refusal.NOT_A_DATE
    return day if day >= today else Refusal.DATE_PASSED
