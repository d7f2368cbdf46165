"""What Serve makes of a post in a deal channel: a closed deal it is sure of (it replies
in the thread), one it is unsure of (it asks the poster alone), or nothing.

Recognition's rules meet text nobody foresaw, so a reading carries its confidence: a
post with a sign of a win that the rules cannot read surely, or whose customer name is
doubtful, is *unsure*, and a person settles it. A post shaped like one the workspace
labelled is read the way it was labelled, and says so. Pure, like recognition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from . import lookalike, naming
from .recognition import DealSighting, amount_in, guess_deal, hints_a_win, owner_in, prose


class Outcome(Enum):
    SURE = "sure"  # a closed deal: the thread reply
    UNSURE = "unsure"  # maybe one: one ephemeral ask to the poster
    NO = "no"  # nothing


@dataclass(frozen=True)
class Example:
    """A message a person labelled in this workspace: the way the team announces (or
    does not announce) a deal, to read look-alikes by."""

    message: Mapping[str, Any]
    deal: DealSighting | None  # as the person settled it; None for "Not a deal"
    labelled_at: datetime


@dataclass(frozen=True)
class Reading:
    outcome: Outcome
    sighting: DealSighting | None  # the deal (sure), or the best guess (unsure), if any
    because: str | None = None  # why, when an example decided it


def read_post(message: Mapping[str, Any], examples: Sequence[Example] = ()) -> Reading:
    """How sure Serve is that `message` announces a closed deal, and what it says."""
    rules = read_by_rules(message)
    if examples:
        learned = _read_alike(message, rules, examples)
        if learned is not None:
            return learned
    return rules


def read_by_rules(message: Mapping[str, Any]) -> Reading:
    """The reading of recognition's rules alone, before any example."""
    guess = guess_deal(message)
    if guess is not None:
        return Reading(Outcome.SURE if guess.sure else Outcome.UNSURE, guess.sighting)
    if hints_a_win(message):
        return Reading(Outcome.UNSURE, None)
    return Reading(Outcome.NO, None)


def newest_first(examples: Sequence[Example]) -> list[Example]:
    """The examples compared, the newest first (the team's latest word wins), at most
    `lookalike.EXAMPLES_MAX`; ties keep their order, so a reading never varies."""
    ordered = sorted(enumerate(examples), key=lambda pair: (pair[1].labelled_at, -pair[0]))
    return [example for _, example in reversed(ordered)][: lookalike.EXAMPLES_MAX]


def _read_alike(
    message: Mapping[str, Any], rules: Reading, examples: Sequence[Example]
) -> Reading | None:
    """The reading of the newest labelled example `message` is shaped like, if any."""
    compared = newest_first(examples)
    labelled = [(prose(e.message), e.deal.customer if e.deal else None) for e in compared]
    likeness = lookalike.closest(prose(message), labelled)
    if likeness is None:
        return None
    example = compared[likeness.index]
    day = f"{example.labelled_at.day} {example.labelled_at:%b}"
    if example.deal is None:
        return Reading(Outcome.NO, None, f"like the post marked not a deal on {day}")
    because = f"read like the post you logged on {day}"
    name = likeness.name
    if name is None and rules.sighting is not None and naming.makes_sense(rules.sighting.customer):
        name = rules.sighting.customer
    if name is None:
        return Reading(Outcome.UNSURE, rules.sighting or _sighting(message, ""), because)
    base = rules.sighting or _sighting(message, name)
    return Reading(Outcome.SURE, replace(base, customer=name), because)


def _sighting(message: Mapping[str, Any], customer: str) -> DealSighting:
    """A deal read from a look-alike: its owner and amount as a win post's would be."""
    owner_id, owner_name = owner_in(message)
    amount, currency = amount_in(message)
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    return DealSighting(customer, owner_id, owner_name, amount, currency, integration)
