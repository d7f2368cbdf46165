"""How well and how fast Serve reads a post for a deal.

First, every table in tests/unit/recognition read through the three outcomes
(`read_post`), in issue 18's figures: sure precision (of sure readings, how many are
wins), sure-or-asked recall (of wins, how many are sure or asked about), customer right
(of wins read surely, how many with the right customer), asks (of posts that are no deal,
how many are asked about) and replies to posts that are no deal. Targets: 0.97, 0.97,
0.97, at most 0.05 of chatter, and no reply to chatter. `--misses` lists the rows behind
the figures.

Then how long reading one post takes, for ordinary posts and for 100 KB posts built to be
slow to read. Target: under 50 ms each. `--tables` prints the figures alone.

    python bench/recognition.py [--tables] [--misses]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.sandbox.support import (
    RECOGNITION_TABLES,
    outcome_figures,
    recognition_table,
    recognition_table_names,
)
from bot.services.reading import Example, read_post
from bot.services.recognition import DealSighting, recognise_deal

RUN = " ".join(["Acme"] * 20_000)
HOSTILE = {
    "ordinary win": "Closed Acme Corp — 3-year renewal, $40k! :tada:",
    "ordinary chatter": "anyone up for lunch? the new place on 5th looks good",
    "closed, then capitalised words": "We closed it! " + RUN,
    "capitalised words, then signed": RUN + " signed",
    "signed, then capitalised words": "signed " + RUN,
    "ampersands": "Closed " + "&amp; " * 20_000,
    "not-yet words": "we will not close " * 6_000,
    "numbers": "Closed Acme for $" + "1," * 50_000,
    "digits": "Closed Acme, a 3-year deal for " + "9" * 100_000 + " grand",
    "pictographs": "Closed Acme :tada: " + "🎉✅" * 25_000,
    "mentions": "<@U0ABC> " * 12_000,
    "field lines": "Closed won: Acme\n" * 7_000,
    # Serve's other languages: their words, accents, local figures, markup and escapes
    "spanish wins and figures": "¡Firmado con Grupo Alvarado! 1.234,56 € 45 mil " * 2_300,
    "german nouns, then signed": "Vertrag Kunde Woche Müller GmbH " * 3_200 + "unterschrieben",
    "french, accents left out": "c'est signe avec la Mairie de Lyon, 1 234,56 € " * 2_200,
    "portuguese not-yet words": "não fechamos ainda com a Padaria Real amanhã " * 2_300,
    "languages mixed": "Fechamos <@U0A> &amp; Zuschlag ¿signé? R$ 45 mil 1,2 Mio. € " * 1_800,
}


def shapes(text: str) -> list[dict[str, Any]]:
    bot = {"type": "message", "subtype": "bot_message", "bot_id": "B0CRM", "ts": "1.1"}
    fields = [{"title": "Stage", "value": "Closed Won"}, {"title": "Account", "value": text}]
    return [
        {"type": "message", "user": "U0POSTER", "text": text, "ts": "1.1"},
        bot | {"text": text, "attachments": [{"title": text, "text": text, "fields": fields}]},
    ]


def time_one(message: dict[str, Any], repeats: int = 20) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        recognise_deal(message)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def print_table_figures(misses: bool) -> None:
    print("the tables, read through the three outcomes (read_post, no workspace examples)")
    print_folder(RECOGNITION_TABLES, misses)
    print("blind tables, no rule changed for them yet: how Serve reads text nobody foresaw")
    print_folder(RECOGNITION_TABLES / "blind", misses)


def print_folder(folder: Path, misses: bool) -> None:
    for name in recognition_table_names(folder):
        rows = recognition_table(name, folder)
        figures = outcome_figures(rows)
        print(f"  {name} ({len(rows)} rows: {figures.wins} wins, {figures.not_deals} no deal)")
        print(f"    {figures.summary()}")
        if misses:
            print("\n".join(f"  {line}" for line in figures.report().splitlines()[1:]))


def print_timings() -> None:
    print("reading one post, median of 20 (person's post / integration post)")
    worst = 0.0
    for name, text in HOSTILE.items():
        person, integration = (time_one(m) * 1000 for m in shapes(text))
        worst = max(worst, person, integration)
        print(f"  {name:32} {len(text):>7,} chars  {person:6.2f} ms / {integration:6.2f} ms")
    print(f"worst: {worst:.2f} ms (target < 50 ms)")
    print(f"with the 200 newest of 400 labelled examples: {time_with_examples() * 1000:.2f} ms")


def time_with_examples(repeats: int = 5) -> float:
    """A long post read against many long look-alike examples, their shapes kept once."""
    now = datetime(2026, 12, 3, tzinfo=UTC)
    words = " ".join(f"Acme{i} closed 4{i}k" for i in range(10_000))[:100_000]
    examples = [
        Example(
            {"type": "message", "user": "U0POSTER", "text": f"big news {i}: {words}"},
            DealSighting(f"Acme{i}", "U0POSTER", None, None, None, False),
            now,
        )
        for i in range(400)
    ]
    post = {"type": "message", "user": "U0POSTER", "text": "big news: " + words, "ts": "1.1"}
    read_post(post, examples)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        read_post(post, examples)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description="How well and how fast Serve reads deals.")
    parser.add_argument("--tables", action="store_true", help="the tables' figures alone")
    parser.add_argument("--misses", action="store_true", help="list the rows behind them")
    asked = parser.parse_args()
    print_table_figures(asked.misses)
    if not asked.tables:
        print()
        print_timings()


if __name__ == "__main__":
    main()
