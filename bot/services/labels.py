"""How well Serve reads a workspace's own channel: the messages people labelled ("Not a
deal", "Log as a closed deal") and the deals they kept, read again by today's
recognition, by its rules alone and with the workspace's examples. With the examples,
each labelled message is read with the *other* examples only (leave one out): a message
always reads like itself, so counting that would flatter Serve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.store import labels as queries
from bot.store.db import Store
from bot.store.models import Deal, Label, LabelledMessage

from .reading import Example, Outcome, read_post
from .recognition import DealSighting


@dataclass(frozen=True)
class Misread:
    said: Label
    text: str
    read_as: str | None  # the customer recognition found, or None when it found no deal


@dataclass(frozen=True)
class Figures:
    """One way of reading the workspace's messages, scored: sure readings count as
    deals; unsure ones are asked about, and counted apart."""

    found: int = 0  # deals read surely among the kept and logged
    false_alarms: int = 0  # deals read surely among the not-deals
    asked: int = 0  # messages that would be asked about
    deals: int = 0  # kept and logged deals

    @property
    def precision(self) -> float | None:
        said_deal = self.found + self.false_alarms
        return self.found / said_deal if said_deal else None

    @property
    def recall(self) -> float | None:
        return self.found / self.deals if self.deals else None


@dataclass(frozen=True)
class RecognitionReport:
    kept: int = 0  # deals read from a message and kept as read
    logged: int = 0  # messages people logged as a closed deal
    not_deals: int = 0  # messages people said were not a deal
    found: int = 0  # deals recognised among the kept and logged
    false_alarms: int = 0  # deals recognised among the not-deals
    misread: list[Misread] = field(default_factory=list)
    asked: int = 0  # messages the rules alone would ask about
    learned: Figures = Figures()  # read with the workspace's other examples

    @property
    def by_rules(self) -> Figures:
        """The rules' figures alone, scored as `learned` is."""
        return Figures(self.found, self.false_alarms, self.asked, self.kept + self.logged)

    @property
    def precision(self) -> float | None:
        return self.by_rules.precision

    @property
    def recall(self) -> float | None:
        return self.by_rules.recall


@dataclass(frozen=True)
class _Scored:
    said: Label
    message: Mapping[str, Any]
    example: int | None  # its place among the examples, left out when it is read


def recognition_report(store: Store, team_id: str | None = None) -> RecognitionReport:
    with store.reading() as session:
        labelled = queries.labelled_with_deals(session, team_id)
        kept = [d.announcement for d in queries.kept_deals(session, team_id) if d.announcement]
        examples = [_example(message, deal) for message, deal in labelled]
    scored = [_Scored(Label.DEAL, m, None) for m in kept] + [
        _Scored(Label(m.label), m.message, i) for i, (m, _) in enumerate(labelled)
    ]
    found = false_alarms = asked = 0
    learned = Figures(deals=sum(s.said == Label.DEAL for s in scored))
    misread: list[Misread] = []
    for item in scored:
        alone = read_post(item.message)
        sure = alone.sighting if alone.outcome is Outcome.SURE else None
        found += item.said == Label.DEAL and sure is not None
        false_alarms += item.said == Label.NOT_A_DEAL and sure is not None
        asked += alone.outcome is Outcome.UNSURE
        if (sure is not None) != (item.said == Label.DEAL):
            misread.append(Misread(item.said, _text(item.message), sure.customer if sure else None))
        others = examples if item.example is None else _without(examples, item.example)
        learned = _count(learned, item.said, read_post(item.message, others).outcome)
    logged = sum(1 for s in scored if s.example is not None and s.said == Label.DEAL)
    return RecognitionReport(
        kept=len(kept),
        logged=logged,
        not_deals=len(labelled) - logged,
        found=found,
        false_alarms=false_alarms,
        misread=misread,
        asked=asked,
        learned=learned,
    )


def _example(message: LabelledMessage, deal: Deal | None) -> Example:
    """A label as an example: a logged message with its deal as the person settled it."""
    if Label(message.label) == Label.NOT_A_DEAL:
        return Example(message.message, None, message.labelled_at)
    customer = deal.customer if deal is not None else ""
    settled = DealSighting(
        customer,
        deal.owner_id if deal else None,
        deal.owner_name if deal else None,
        deal.amount if deal else None,
        deal.currency if deal else None,
        deal.from_integration if deal else False,
    )
    return Example(message.message, settled, message.labelled_at)


def _without(examples: Sequence[Example], index: int) -> list[Example]:
    return [example for i, example in enumerate(examples) if i != index]


def _count(figures: Figures, said: Label, outcome: Outcome) -> Figures:
    sure = outcome is Outcome.SURE
    return Figures(
        found=figures.found + (sure and said == Label.DEAL),
        false_alarms=figures.false_alarms + (sure and said == Label.NOT_A_DEAL),
        asked=figures.asked + (outcome is Outcome.UNSURE),
        deals=figures.deals,
    )


def _text(message: Mapping[str, Any]) -> str:
    text = str(message.get("text") or "")
    for attachment in message.get("attachments") or []:
        text = text or str(attachment.get("fallback") or attachment.get("title") or "")
    return " ".join(text.split())
