"""Fifty workspaces on one replica: Serve in a process of its own (`servebot run --http`
on a clock the bench writes, moving at the speed of real time), installed through OAuth
in 50 workspaces, each with its team channel, against the fake Slack answering every
chat.postMessage 100 ms late. Thursday's prompts fall due in all 50 at 15:00.

    python bench/workspaces.py [DATABASE_URL] [--quick]

Two runs. The ceiling: no limits, what the replica sends per second. At the limits: each
workspace's chat.postMessage held to PER_MINUTE a minute (Slack's workspace-wide limit
is unpublished, "several hundred a minute"; 100 is the rate that bound a workspace
before, users.info's Tier 4), 2.5 minutes' worth due in each. A workspace is at its
limit when in every minute it sends all its limit allows that minute; the figure is the
least share of it any workspace sent. Target: 50 workspaces at their limits."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.limits import LIMITS, Databases
from bench.results import cpu_seconds, record
from bot.sandbox.clock import ClockFile
from bot.sandbox.fakeslack import CLIENT_ID, CLIENT_SECRET, FakeSlack
from bot.sandbox.fakeslack.http_delivery import SIGNING_SECRET, get
from bot.sandbox.support import LA, install_through_oauth

ROOT = Path(__file__).parents[1]
PER_MINUTE = 100
LATENCY = 0.1  # seconds Slack takes to answer a post
START = datetime(2026, 12, 3, 14, 59, 20, tzinfo=LA)
PROMPTS_AT = datetime(2026, 12, 3, 15, 0, tzinfo=LA)


class RealTime:
    """The bench's clock: `start`, moving on as real time does, written to a file for the
    replica to read."""

    def __init__(self, path: Path, start: datetime) -> None:
        self.file = ClockFile(path, start)
        self.start, self.began = start, time.monotonic()
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._writer.start()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)

    def _write(self) -> None:
        while not self._stop.wait(0.02):
            self.file.set(self.now())

    def stop(self) -> None:
        self._stop.set()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def replica(fake: FakeSlack, url: str, clock: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "SLACK_API_URL": fake.api_url,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DATABASE_URL": url,
        "PORT": str(port),
        "TEAM_CHANNEL": "team",
        "DISPATCH_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "bot.sandbox.replica", "--clock-file", str(clock), "--http"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            said = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"the replica ended: {said[-2000:]}")
        try:
            if get(f"{base}/slack/install", timeout=1).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the replica did not start")


def prompts_by_team(fake: FakeSlack) -> Counter[str]:
    """Prompts posted so far, by workspace (people's ids start with their team's)."""
    return Counter(
        "T" + channel[1:3]
        for channel, messages in list(fake.messages.items())
        if channel.startswith("D")
        for m in messages
        if m.thread_ts is None and m.metadata
    )


def run(teams: int, people: int, limited: bool, url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        clock = RealTime(Path(folder) / "clock", START)
        fake = FakeSlack(now=clock.now).start()
        names = [f"T{n:02d}" for n in range(teams)]
        for team in names:
            members = [f"U{team[1:]}P{n:04d}" for n in range(people)]
            for user in members:
                fake.add_user(user, user.lower(), tz="America/Los_Angeles", team=team)
            fake.add_channel(f"C{team[1:]}TEAM", "team", members=members, team=team)
        fake.slow("chat.postMessage", LATENCY)
        if limited:
            fake.enforce_limits({**LIMITS, "chat.postMessage": PER_MINUTE})
        port = free_port()
        process = replica(fake, url, Path(folder) / "clock", port)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base, process)
            for team in names:
                install_through_oauth(base, fake, team, f"U{team[1:]}P0000")
            if clock.now() >= PROMPTS_AT:
                raise SystemExit("setting up took past 15:00; start the clock earlier")
            seen: list[tuple[float, Counter[str]]] = []
            time.sleep((PROMPTS_AT - clock.now()).total_seconds())
            began = time.monotonic() - (clock.now() - PROMPTS_AT).total_seconds()
            cpu_before = cpu_seconds(process.pid)
            while (sent := prompts_by_team(fake)).total() < teams * people:
                seen.append((time.monotonic() - began, sent))
                if seen[-1][0] > 600:
                    break
                time.sleep(0.25)
            seen.append((time.monotonic() - began, sent))
            cpu = cpu_seconds(process.pid) - cpu_before
        finally:
            process.terminate()
            process.wait(30)
            clock.stop()
            fake.stop()
    return {"seen": seen, "names": names, "cpu": cpu}


def by_second(seen: list[tuple[float, Counter[str]]], second: float) -> Counter[str]:
    """What had been sent `second` seconds after the prompts fell due."""
    last: Counter[str] = Counter()
    for at, sent in seen:
        if at > second:
            break
        last = sent
    return last


def described(teams: int, people: int, got: dict[str, Any], limited: bool) -> list[str]:
    seen, names = got["seen"], got["names"]
    finish, total = seen[-1][0], seen[-1][1].total()
    rate = total / finish if finish else 0.0
    cpu = f"{got['cpu'] / max(total, 1) * 1000:.1f} ms of the replica's CPU per DM"
    if not limited:
        return [
            f"ceiling, no limits: {total:,} prompts in {finish:.1f} s: {rate:.0f} DMs/s, "
            f"{rate * 60 / PER_MINUTE:.0f} workspaces' worth at {PER_MINUTE} a minute; {cpu}"
        ]
    lines = [f"at {PER_MINUTE} a minute each: {total:,} prompts, the last at {finish:.1f} s; {cpu}"]
    minute = 1
    while minute * 60 <= finish + 60 and minute * PER_MINUTE <= people:
        end = minute * 60 - 0.5
        sent = by_second(seen, end)
        allowed = min(people, minute * PER_MINUTE)
        least = min(sent[team] for team in names) / allowed
        lines.append(
            f"  by second {end:.0f}: every workspace sent at least {least:.0%} of the "
            f"{allowed} its limit allowed so far"
        )
        minute += 1
    last = min(people, minute * PER_MINUTE)
    lines.append(
        f"  all {last if last == people else people} each, {teams * people:,} in all, by "
        f"second {finish:.0f}"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", help="a PostgreSQL URL; a SQLite file otherwise")
    parser.add_argument("--quick", action="store_true", help="10 workspaces instead of 50")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    teams = 10 if args.quick else 50
    databases = Databases(args.url)
    lines = [
        f"{teams} workspaces on one replica, chat.postMessage answered {LATENCY * 1000:.0f} ms "
        f"late, on {databases.name}"
    ]
    try:
        ceiling = run(teams, 100, False, databases.fresh())
        lines += described(teams, 100, ceiling, False)
        people = PER_MINUTE * 5 // 2
        lines += described(teams, people, run(teams, people, True, databases.fresh()), True)
    finally:
        databases.close()
    record("Fifty workspaces on one replica", lines)


if __name__ == "__main__":
    main()
