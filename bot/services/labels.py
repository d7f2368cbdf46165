"""How well Serve reads a workspace's own channel: the messages people labelled ("Not a
deal", "Log as a closed deal") and the deals they kept, read again by today's
recognition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.store import labels as queries
from bot.store.db import Store
from bot.store.models import Label

from .recognition import recognise_deal


@dataclass(frozen=True)
class Misread:
    said: Label
    text: str
    read_as: str | None  # the customer recognition found, or None when it found no deal


@dataclass(frozen=True)
class RecognitionReport:
    kept: int = 0  # deals read from a message and kept as read
    logged: int = 0  # messages people logged as a closed deal
    not_deals: int = 0  # messages people said were not a deal
    found: int = 0  # deals recognised among the kept and logged
    false_alarms: int = 0  # deals recognised among the not-deals
    misread: list[Misread] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        said_deal = self.found + self.false_alarms
        return self.found / said_deal if said_deal else None

    @property
    def recall(self) -> float | None:
        deals = self.kept + self.logged
        return self.found / deals if deals else None


def recognition_report(store: Store, team_id: str | None = None) -> RecognitionReport:
    with store.reading() as session:
        examples = [(Label(m.label), m.message) for m in queries.labelled(session, team_id)]
        kept = [d.announcement for d in queries.kept_deals(session, team_id) if d.announcement]
    found = false_alarms = 0
    misread: list[Misread] = []
    for said, message in [(Label.DEAL, m) for m in kept] + examples:
        read = recognise_deal(message)
        if said == Label.DEAL:
            found += read is not None
        else:
            false_alarms += read is not None
        if (read is not None) != (said == Label.DEAL):
            misread.append(Misread(said, _text(message), read.customer if read else None))
    logged = sum(1 for said, _ in examples if said == Label.DEAL)
    return RecognitionReport(
        kept=len(kept),
        logged=logged,
        not_deals=len(examples) - logged,
        found=found,
        false_alarms=false_alarms,
        misread=misread,
    )


def _text(message: Mapping[str, Any]) -> str:
    text = str(message.get("text") or "")
    for attachment in message.get("attachments") or []:
        text = text or str(attachment.get("fallback") or attachment.get("title") or "")
    return " ".join(text.split())
