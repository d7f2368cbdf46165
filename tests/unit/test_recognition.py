"""Deal recognition, scored over the tables in `recognition/`.

Each YAML file there is one table of Slack messages with what Serve must read from
each: `ours.yaml` (the recognizer's own examples), `fresh_known_gaps.yaml` (written
fresh for its known gaps) and `held_out.yaml` (written apart from it, first used as a
held-out check). Every row is read on its own, and every table that measures the
recognizer is scored as a whole against its bar in `BARS`, with the figures, misses and
false alarms printed when it falls short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.services.recognition import DealSighting, recognise_deal

TABLES = Path(__file__).parent / "recognition"
ROW_KEYS = {"name", "style", "why", "known_gap", "message", "deal"}
DEAL_KEYS = {"customer", "owner_id", "owner_name", "amount", "currency", "from_integration"}


@dataclass(frozen=True)
class Bar:
    """What a table asks of the recognizer as a whole, beyond each row reading right."""

    precision: float | None = None
    recall: float | None = None
    rows_at_least: int = 0
    near_misses_at_least: int = 0


BARS = {
    # Our own examples: every row must read exactly; they are not evidence of a rate.
    "ours": Bar(),
    "fresh_known_gaps": Bar(precision=0.97, recall=0.97, rows_at_least=90, near_misses_at_least=35),
    "held_out": Bar(precision=0.97, recall=0.90),
}


@dataclass(frozen=True)
class Row:
    table: str
    number: int
    name: str
    style: str | None
    why: str | None
    known_gap: str | None
    message: dict[str, Any]
    expected: DealSighting | None  # None: not a deal

    @property
    def id(self) -> str:
        return f"{self.table}:{self.number:03d}:{self.name}"

    @property
    def text(self) -> str:
        return str(self.message.get("text") or "")

    def describe(self) -> str:
        style = f" [{self.style}]" if self.style else ""
        return f"{self.id}{style} {self.text!r}"


def _expected(deal: Any, where: str) -> DealSighting | None:
    if deal is False:
        return None
    assert isinstance(deal, Mapping) and set(deal) == DEAL_KEYS, f"{where}: bad `deal` {deal!r}"
    amount = deal["amount"]
    assert amount is None or isinstance(amount, str), f"{where}: write the amount as a string"
    return DealSighting(
        customer=deal["customer"],
        owner_id=deal["owner_id"],
        owner_name=deal["owner_name"],
        amount=None if amount is None else Decimal(amount),
        currency=deal["currency"],
        from_integration=deal["from_integration"],
    )


@cache
def table(name: str) -> tuple[Row, ...]:
    loaded = yaml.safe_load((TABLES / f"{name}.yaml").read_text(encoding="utf-8"))
    rows = []
    for number, raw in enumerate(loaded["rows"], start=1):
        where = f"{name}.yaml row {number}"
        assert set(raw) <= ROW_KEYS, f"{where}: unknown keys {set(raw) - ROW_KEYS}"
        assert isinstance(raw["message"], dict), f"{where}: `message` must be a mapping"
        rows.append(
            Row(
                table=name,
                number=number,
                name=raw["name"],
                style=raw.get("style"),
                why=raw.get("why"),
                known_gap=raw.get("known_gap"),
                message=raw["message"],
                expected=_expected(raw["deal"], where),
            )
        )
    return tuple(rows)


def table_names() -> list[str]:
    return sorted(path.stem for path in TABLES.glob("*.yaml"))


def every_row() -> list[Any]:
    return [
        pytest.param(
            row,
            id=row.id,
            marks=[pytest.mark.xfail(strict=True, reason=row.known_gap)] if row.known_gap else [],
        )
        for name in table_names()
        for row in table(name)
    ]


# -- message by message ---------------------------------------------------------------------


@pytest.mark.parametrize("row", every_row())
def test_message_reads_as_its_table_says(row: Row) -> None:
    found = recognise_deal(row.message)
    if row.expected is None:
        assert found is None, f"{row.describe()} is not a deal, read as {found}"
    else:
        assert found == row.expected, row.describe()


# -- each table as a whole ------------------------------------------------------------------


def test_every_table_has_a_bar() -> None:
    assert table_names() == sorted(BARS)


@pytest.mark.parametrize("name", table_names())
def test_table_rows_are_named_once_and_enough(name: str) -> None:
    rows = table(name)
    names = [row.name for row in rows]
    assert len(names) == len(set(names)), f"{name}: row names must be unique"
    bar = BARS.get(name, Bar())
    assert len(rows) >= bar.rows_at_least
    assert sum(row.expected is None for row in rows) >= bar.near_misses_at_least


@dataclass
class Score:
    """Sure precision and recall over a table, counting a deal read with the wrong
    customer as a miss and as a false alarm."""

    wins: int = 0
    fired: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.fired if self.fired else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.wins if self.wins else 0.0

    def report(self) -> str:
        misses, false_alarms = self.misses, self.false_alarms
        lines = [
            f"precision {self.precision:.3f} ({self.correct}/{self.fired}), "
            f"recall {self.recall:.3f} ({self.correct}/{self.wins})",
            f"{len(misses)} misses:",
            *(f"  MISS  {line}" for line in misses),
            f"{len(false_alarms)} false alarms:",
            *(f"  FALSE {line}" for line in false_alarms),
        ]
        return "\n".join(lines)


def score(rows: tuple[Row, ...]) -> Score:
    result = Score()
    for row in rows:
        found = recognise_deal(row.message)
        result.fired += found is not None
        if row.expected is None:
            if found is not None:
                result.false_alarms.append(f"{row.describe()} -> {found}")
            continue
        result.wins += 1
        if found is not None and _same_customer(found, row.expected):
            result.correct += 1
            continue
        got = "None" if found is None else repr(found.customer)
        result.misses.append(f"{row.describe()}: expected {row.expected.customer!r}, got {got}")
        if found is not None:
            result.false_alarms.append(f"{row.describe()} -> {found}")
    return result


def _same_customer(found: DealSighting, expected: DealSighting) -> bool:
    return found.customer.strip().casefold() == expected.customer.strip().casefold()


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in table_names()
        if name in BARS and (BARS[name].precision or BARS[name].recall)
    ],
)
def test_table_is_read_with_the_precision_and_recall_it_asks(name: str) -> None:
    bar, result = BARS[name], score(table(name))
    short = (bar.precision is not None and result.precision < bar.precision) or (
        bar.recall is not None and result.recall < bar.recall
    )
    if short:
        asked = f"{name} asks precision >= {bar.precision}, recall >= {bar.recall}"
        pytest.fail(f"{asked}\n{result.report()}", pytrace=False)
