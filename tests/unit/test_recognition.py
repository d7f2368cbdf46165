"""Deal recognition, scored over the tables in `recognition/`.

Each YAML file there is one table of Slack messages with what Serve must read from
each: `ours.yaml` (the recognizer's own examples), `fresh_known_gaps.yaml` (written
fresh for its known gaps) and `held_out.yaml` (written apart from it, first used as a
held-out check). Every row is read on its own, and every table that measures the
recognizer is scored as a whole against its bar in `BARS`, with the figures, misses and
false alarms printed when it falls short.

Issue 18's tables (wins with near misses, and ordinary deal-channel chatter, in pairs)
were each written by someone who had not read the rules, read once blind — their header
says what that first reading scored — and only then tuned on. They are read through the
three-outcome contract, `read_post`, and scored as wholes against `OUTCOME_BARS`: sure
precision, sure-or-asked recall, customer right, and asks on what is no deal. They are
regression tables now; how the reader does on text nobody foresaw is measured on a new
blind table, read once before any rule changes for it.
`python bench/recognition.py` prints the same figures for every table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.models.blocks import Block

from bot.sandbox.support import (
    OutcomeFigures,
    TableRow,
    outcome_figures,
    recognition_table,
)
from bot.services.reading import Outcome, Reading
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
        for name in sorted(BARS)
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
    assert table_names() == sorted([*BARS, *OUTCOME_BARS])
    assert not set(BARS) & set(OUTCOME_BARS)


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


# -- issue 18's tables, read through the three outcomes ------------------------------------


@dataclass(frozen=True)
class OutcomeBar:
    """What a table read through `read_post` must hold, and what the reader must do on it."""

    rows_at_least: int
    wins_at_least: int
    near_misses_at_least: int
    sure_precision: float | None = None
    sure_or_asked_recall: float | None = None
    customer_right: float | None = None
    asks_at_most: float | None = None
    replies_to_none: bool = False


ISSUE_18 = {"sure_precision": 0.97, "sure_or_asked_recall": 0.97, "customer_right": 0.97}
LANGUAGES_BAR = {"sure_precision": 0.95, "sure_or_asked_recall": 0.95, "customer_right": 0.97}
OUTCOME_BARS = {
    "fresh_2026_12": OutcomeBar(
        rows_at_least=110, wins_at_least=55, near_misses_at_least=45, **ISSUE_18
    ),
    "chatter": OutcomeBar(
        rows_at_least=110,
        wins_at_least=0,
        near_misses_at_least=110,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    # Held out: written apart from the reader and never to be tuned on, row by row.
    "held_out_2026_12": OutcomeBar(
        rows_at_least=80, wins_at_least=40, near_misses_at_least=30, **ISSUE_18
    ),
    "chatter_held_out": OutcomeBar(
        rows_at_least=80,
        wins_at_least=0,
        near_misses_at_least=80,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    # Written blind in new styles, read once untouched, then tuned on.
    "styles_2026_12_03": OutcomeBar(
        rows_at_least=140, wins_at_least=75, near_misses_at_least=65, **ISSUE_18
    ),
    "chatter_styles_2026_12_03": OutcomeBar(
        rows_at_least=130,
        wins_at_least=0,
        near_misses_at_least=130,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "channels_2026_12_03": OutcomeBar(
        rows_at_least=140, wins_at_least=75, near_misses_at_least=60, **ISSUE_18
    ),
    "chatter_channels_2026_12_03": OutcomeBar(
        rows_at_least=130,
        wins_at_least=0,
        near_misses_at_least=130,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "many_teams_2026_12_03": OutcomeBar(
        rows_at_least=160, wins_at_least=90, near_misses_at_least=65, **ISSUE_18
    ),
    "chatter_many_teams_2026_12_03": OutcomeBar(
        rows_at_least=130,
        wins_at_least=0,
        near_misses_at_least=130,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "global_2026_12_03": OutcomeBar(
        rows_at_least=160, wins_at_least=85, near_misses_at_least=70, **ISSUE_18
    ),
    "chatter_global_2026_12_03": OutcomeBar(
        rows_at_least=160,
        wins_at_least=0,
        near_misses_at_least=160,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "plain_words_2026_12_03": OutcomeBar(
        rows_at_least=160, wins_at_least=90, near_misses_at_least=70, **ISSUE_18
    ),
    "chatter_plain_words_2026_12_03": OutcomeBar(
        rows_at_least=160,
        wins_at_least=0,
        near_misses_at_least=160,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "pilots_2026_12_03": OutcomeBar(
        rows_at_least=150, wins_at_least=90, near_misses_at_least=60, **ISSUE_18
    ),
    "chatter_pilots_2026_12_03": OutcomeBar(
        rows_at_least=170,
        wins_at_least=0,
        near_misses_at_least=170,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    "chatter_more_pilots_2026_12_03": OutcomeBar(
        rows_at_least=140,
        wins_at_least=0,
        near_misses_at_least=140,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
    # Written by the engineer who wrote the reading in Spanish, Brazilian Portuguese,
    # German and French: development tables, one per language, with their chatter.
    **{
        f"{code}_2026_12_04_dev": OutcomeBar(
            rows_at_least=50, wins_at_least=25, near_misses_at_least=25, **LANGUAGES_BAR
        )
        for code in ("es", "pt_br", "de", "fr")
    },
    # Written blind for the same four languages by someone who had read neither the reader
    # nor its tables; read once untouched (each header keeps that first reading), then tuned
    # on with rules for the families of phrasing they showed, never for one row.
    **{
        f"{code}_2026_12_04": OutcomeBar(
            rows_at_least=50,
            wins_at_least=25,
            near_misses_at_least=25,
            asks_at_most=0.05,
            replies_to_none=True,
            **LANGUAGES_BAR,
        )
        for code in ("es", "pt_br", "de", "fr")
    },
    # A second blind set for the same languages, written by someone else in other styles
    # (shout-outs, narratives, voice notes, lost-to-a-competitor and the team buying); read
    # once untouched (each header keeps that first reading), then tuned on by families.
    **{
        f"{code}_2026_12_04_b": OutcomeBar(
            rows_at_least=35,
            wins_at_least=18,
            near_misses_at_least=19,
            asks_at_most=0.06,
            replies_to_none=True,
            **LANGUAGES_BAR,
        )
        for code in ("es", "pt_br", "de", "fr")
    },
    "chatter_languages_2026_12_04_dev": OutcomeBar(
        rows_at_least=60,
        wins_at_least=0,
        near_misses_at_least=60,
        asks_at_most=0.05,
        replies_to_none=True,
    ),
}


@pytest.mark.parametrize("name", sorted(OUTCOME_BARS))
def test_outcome_table_holds_the_rows_it_promises(name: str) -> None:
    rows, bar = recognition_table(name), OUTCOME_BARS[name]
    wins = [row for row in rows if row.customer is not None]
    assert len(rows) >= bar.rows_at_least
    assert len(wins) >= bar.wins_at_least
    assert len(rows) - len(wins) >= bar.near_misses_at_least
    if bar.wins_at_least == 0:
        assert wins == [], f"{name} is chatter: every row is `deal: false`"
    assert all(row.customer and row.customer.strip() == row.customer for row in wins)


def _texts(value: Any) -> list[str]:
    """Every string a message carries to a reader: its text, attachments and blocks."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for key, item in value.items() if key != "ts" for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


SLACK_MARKUP = re.compile(
    r"<(?:@U[0-9A-Z]+(?:\|[^<>]*)?|#C[0-9A-Z]+(?:\|[^<>]*)?|!\w+(?:\^[0-9A-Z]+)?(?:\|[^<>]*)?"
    r"|https?://[^<>|]+(?:\|[^<>]*)?)>"
)
SLACK_ESCAPE = re.compile(r"&(?:amp|lt|gt);")


@pytest.mark.parametrize("name", sorted(OUTCOME_BARS))
def test_outcome_table_is_written_as_slack_sends_it(name: str) -> None:
    """A table is only evidence if its messages are what the reader will meet: `&`, `<` and
    `>` escaped outside markup, a bot's post with its `bot_id`, and blocks Slack accepts."""
    for row in recognition_table(name):
        message = row.message
        assert ("user" in message) != ("bot_id" in message), row.describe()
        for text in _texts({k: v for k, v in message.items() if k not in ("user", "bot_id")}):
            bare = SLACK_ESCAPE.sub("", SLACK_MARKUP.sub("", text))
            assert not set(bare) & set("&<>"), f"{row.describe()}: unescaped in {text!r}"
        for raw in message.get("blocks", []):
            block = Block.parse(raw)
            assert block is not None, row.describe()
            block.validate_json()


def _reader(outcome: Outcome, customer: str = "Acme") -> Any:
    def read(message: Mapping[str, Any]) -> Reading:
        found = DealSighting(customer, None, None, None, None, False)
        return Reading(outcome, None if outcome is Outcome.NO else found)

    return read


def _row(number: int, customer: str | None) -> TableRow:
    message = {"type": "message", "user": "U0POSTER", "text": str(customer), "ts": "1.1"}
    return TableRow("made up", number, f"row{number}", None, message, customer)


def test_the_figures_count_sure_asked_and_named_apart() -> None:
    rows = (_row(1, "Acme"), _row(2, "Globex"), _row(3, None), _row(4, None))
    sure = outcome_figures(rows, _reader(Outcome.SURE))
    assert (sure.sure_precision, sure.sure_or_asked_recall, sure.customer_right) == (0.5, 1.0, 0.5)
    assert (sure.asks, len(sure.replies_to_not_deals), len(sure.wrong_customers)) == (0.0, 2, 1)
    asked = outcome_figures(rows, _reader(Outcome.UNSURE))
    assert (asked.sure_precision, asked.sure_or_asked_recall, asked.customer_right) == (
        None,
        1.0,
        None,
    )
    assert (asked.asks, asked.replies_to_not_deals) == (1.0, [])
    silent = outcome_figures(rows, _reader(Outcome.NO))
    assert (silent.sure_or_asked_recall, silent.asks, len(silent.misses)) == (0.0, 0.0, 2)
    assert outcome_figures(rows[2:], _reader(Outcome.NO)).sure_or_asked_recall is None


def _short_of(bar: OutcomeBar, figures: OutcomeFigures) -> list[str]:
    wanted = [
        ("sure precision", figures.sure_precision, bar.sure_precision),
        ("sure-or-asked recall", figures.sure_or_asked_recall, bar.sure_or_asked_recall),
        ("customer right", figures.customer_right, bar.customer_right),
    ]
    short = [f"{what} >= {least}" for what, got, least in wanted if least and (got or 0.0) < least]
    if bar.asks_at_most is not None and (figures.asks or 0.0) > bar.asks_at_most:
        short.append(f"asks <= {bar.asks_at_most}")
    if bar.replies_to_none and figures.replies_to_not_deals:
        short.append("no reply to any of it")
    return short


@pytest.mark.parametrize("name", sorted(OUTCOME_BARS))
def test_outcome_table_is_read_as_issue_18_asks(name: str) -> None:
    figures = outcome_figures(recognition_table(name))
    short = _short_of(OUTCOME_BARS[name], figures)
    if short:
        pytest.fail(f"{name} falls short of {', '.join(short)}\n{figures.report()}", pytrace=False)
