"""What Serve makes of a post in a deal channel: a closed deal it is sure of (it replies
in the thread), one it is unsure of (it asks the poster alone), or nothing.

Recognition's rules meet text nobody foresaw, so a reading carries its confidence: a
post with a sign of a win that the rules cannot read surely, or whose customer name is
doubtful, is *unsure*, and a person settles it. Pure, like recognition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from .recognition import DealSighting, recognise_deal, signals_a_win


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
    sighting = recognise_deal(message)
    if sighting is not None:
        return Reading(Outcome.SURE, sighting)
    if signals_a_win(message):
        return Reading(Outcome.UNSURE, None)
    return Reading(Outcome.NO, None)
