"""Due work at scale: how long the runner takes to claim due work as pending work piles
up, and how long the bot takes to start, and how much memory it holds, over an empty
database and over 100,000 pending check-ins.

    python bench/claim.py                       # SQLite, in a temporary file
    python bench/claim.py postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each size, the table holds that many pending rows (due over the next months) and as
many finished ones behind them, without ANALYZE; a few rows are due now. It prints the
median time of claiming 4 rows (one tick's worth), which should stay flat, and on
PostgreSQL the plan of the claim (as the runner claims: a few rows per workspace at
most). Start-up is timed from spawning a process to the bot connected (to the fake
Slack) with its first tick done, and, within that, from importing the bot.
Targets: claim flat from 1,000 to 100,000; start-up < 2 s and < 100 MB over empty.
ATTENTION: on PostgreSQL it empties the database's public schema first."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from sqlalchemy import text

from bench.results import fresh_store, record
from bot.config import Settings
from bot.store import due
from bot.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SIZES = (1_000, 10_000, 100_000)
REPEATS = 50
PER_WORKSPACE = Settings().sends_per_workspace  # as the runner claims


def fill(store: Store, pending: int) -> None:
    rows = [
        {
            "kind": "checkin_send",
            "team_id": "T1",
            "subject_id": n,
            "status": "done" if n < pending else "todo",
            "due_at": NOW + timedelta(minutes=n - pending),
            "attempts": 0,
            "send_key": f"{n:032x}",
            "created_at": NOW,
        }
        for n in range(2 * pending)
    ]
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM due_work"))
        connection.execute(
            text(
                "INSERT INTO due_work (kind, team_id, subject_id, status, due_at, attempts, "
                "send_key, created_at) VALUES (:kind, :team_id, :subject_id, :status, :due_at, "
                ":attempts, :send_key, :created_at)"
            ),
            rows,
        )


def claim_time(store: Store) -> float:
    timings = []
    for repeat in range(REPEATS):
        now = NOW + timedelta(minutes=repeat)
        started = time.perf_counter()
        with store.session() as session:
            claimed = due.claim(session, now, timedelta(minutes=5), 4, PER_WORKSPACE)
        timings.append(time.perf_counter() - started)
        assert claimed, "nothing was due"
    return statistics.median(timings)


def claim_plan(store: Store) -> list[str]:
    query = due.due_rows(NOW, 4, store.dialect, PER_WORKSPACE)
    shown = query.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(f"EXPLAIN {shown}"))]


def start_once(url: str) -> None:
    """In a child process: start the bot against a fake Slack, tick once, report."""
    import logging

    from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack

    logging.disable(logging.WARNING)
    fake = FakeSlack(now=lambda: NOW).start()
    started = time.perf_counter()  # Slack is up: from here on it is the bot's start-up
    from bot.app import RunningBot
    from bot.clock import ManualClock
    from bot.config import Settings

    clock = ManualClock(NOW)
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake.api_url,
        database_url=url,
        dispatch_interval_seconds=3600,
    )
    bot = RunningBot(settings, clock).start()
    bot.tick()
    took = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ready {took:.3f} {rss_mb:.1f}", flush=True)
    fake.hang_up()
    bot.stop(0.5)
    fake.stop()


def start_up(url: str) -> tuple[float, float, float]:
    """Seconds from spawning a process to the bot ready (connected, first tick done), the
    part of it from importing the bot, and the process's peak memory in MB (the fake
    Slack's included)."""
    spawned = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--start-once", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    from_spawn = time.perf_counter() - spawned
    _, errors = child.communicate(timeout=120)
    if not line.startswith("ready"):
        raise SystemExit(f"the bot did not start: {errors.strip()[-500:]}")
    return from_spawn, float(line.split()[1]), float(line.split()[2])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--start-once":
        start_once(sys.argv[2])
        return
    url = sys.argv[1] if len(sys.argv) > 1 else ""
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{folder}/bench.db"
        store = fresh_store(url)
        lines.append(f"claim 4 due rows, median of {REPEATS}, on {store.dialect}")
        took_at = {}
        for pending in SIZES:
            fill(store, pending)
            took_at[pending] = claim_time(store) * 1000
            lines.append(
                f"  {pending:>7,} pending + {pending:>7,} finished: {took_at[pending]:6.2f} ms"
            )
        if store.dialect == "postgresql":
            lines += ["plan of the claim's pick (100,000 pending, no ANALYZE):"]
            lines += [f"  {row}" for row in claim_plan(store)]
        fill(store, 100_000)
        full = start_up(url)
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM due_work"))
        empty = start_up(url)
        store.close()
    flat = took_at[SIZES[-1]] < 3 * max(took_at[SIZES[0]], 0.5)
    lines += [
        f"start-up over empty:           {empty[0]:5.2f} s from spawn "
        f"({empty[1]:4.2f} s from import), {empty[2]:6.1f} MB peak",
        f"start-up over 100,000 pending: {full[0]:5.2f} s from spawn "
        f"({full[1]:4.2f} s from import), {full[2]:6.1f} MB peak "
        f"({full[2] - empty[2]:+.1f} MB over empty)",
        f"targets: claim flat {'met' if flat else 'MISSED'}; start-up < 2 s from spawn "
        f"{'met' if full[0] < 2 else 'MISSED'}; < 100 MB over empty "
        f"{'met' if full[2] - empty[2] < 100 else 'MISSED'}",
    ]
    record(f"Due work at scale ({url.split(':')[0]})", lines)


if __name__ == "__main__":
    main()
