"""Where bench figures go: printed, and appended to bench/RESULTS.md with the machine,
the date and the command that made them."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.cli import redact
from bot.store.db import Store

RESULTS = Path(__file__).parent / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}"
    )


def record(title: str, lines: list[str]) -> None:
    """Print `lines` and append them under a dated heading to RESULTS.md."""
    print("\n".join(lines))
    command = "python " + " ".join(["bench/" + Path(sys.argv[0]).name, *sys.argv[1:]])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = [
        f"\n### {title} — {stamp}\n",
        f"`{command}` on {machine()}\n",
        "```",
        *lines,
        "```",
    ]
    with RESULTS.open("a") as results:
        results.write("\n".join(block) + "\n")


def cpu_seconds(pid: int) -> float:
    """User + system time a process has used so far (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_store(url: str) -> Store:
    """An empty database at `url` with the newest schema (PostgreSQL: its public schema is
    dropped first). One clear line and exit 2 when it cannot be reached."""
    store = Store(url)
    try:
        if store.dialect == "postgresql":
            with store.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        store.upgrade()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[-1]
        raise SystemExit(
            f"{Path(sys.argv[0]).name}: cannot use {redact(url)}: {reason} "
            "(create it first, e.g. createdb -h 127.0.0.1 -U postgres bench)"
        ) from None
    return store
