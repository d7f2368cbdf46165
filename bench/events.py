"""Event handling in Socket Mode: Serve against a bare Bolt app whose only listener does
nothing, each in a process of its own (as deployed) and each against a fresh fake Slack
of the same shape, in the same run. Serve runs as deployed: at the default log level
(INFO), on SQLite, and also on PostgreSQL when a database URL is given.

    python bench/events.py [--quick] [database URL]

2,000 message events: chatter in other channels, chatter in the deal channel, and deal
posts. For each app and kind: the ack rate when Slack sends them as fast as it can (a
hundred in flight at a time), the completion rate over the same burst, ack p50/p99 when
they come one at a time, and the app process's CPU per event over the kind's phase
(user + system time of the child, read from /proc, divided by the events sent).

A deal post is complete when Serve has posted its thread reply (a chat.postMessage in
the post's thread): by then the deal, its check-ins and its due reply are stored (one
unit of work while the listener runs), and the runner has posted the reply and recorded
it. Chatter, and any event in the bare app, is complete when acked.
Targets: Serve at >= 90% of the bare app's rate for chatter, >= 50% for deal posts
(completed); p99 ack < 50 ms; <= 3 ms of CPU per deal post on SQLite.
ATTENTION: on PostgreSQL it empties the database's public schema first."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))


from bench.results import cpu_seconds, fresh_store, percentile, record
from bot.clock import ManualClock
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import FRIDAY_5PM_LA

ROOT = Path(__file__).parents[1]
DEALS, OTHER = "C0DEALS", "C0RANDOM"
IN_FLIGHT = 100  # Slack sends a burst, not an unbounded queue
PEOPLE = [f"U0P{n:03d}" for n in range(40)]


@dataclass(frozen=True)
class Figures:
    acked: float  # events/s, sent to acked, in a burst
    completed: float  # events/s, sent to complete, in the same burst
    p50: float  # ack ms, one at a time
    p99: float
    cpu_ms: float  # the app's CPU per event over the phase


def workspace(clock: ManualClock) -> FakeSlack:
    fake = FakeSlack(now=clock.now).start()
    for user in PEOPLE:
        fake.add_user(user, user.lower(), tz="America/Los_Angeles")
    fake.add_channel(DEALS, "deals", members=PEOPLE)
    fake.add_channel(OTHER, "random", members=PEOPLE)
    return fake


def events(fake: FakeSlack, kind: str, count: int, start: int) -> list[dict[str, Any]]:
    made = []
    for n in range(start, start + count):
        user = PEOPLE[n % len(PEOPLE)]
        if kind == "chatter":
            channel = DEALS if n % 3 == 0 else OTHER
            text = f"anyone seen the {n}th lunch menu? the soup looks good today"
        else:
            channel, text = DEALS, f"Closed Customer{n:05d} Corp, 2-year plan :tada:"
        post = fake.post_as_user(channel, text, user=user)
        made.append({**post.as_event(), "channel": channel, "channel_type": "channel"})
    return made


class Replies:
    """Counts the thread replies posted to given posts, reading each call once."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.read = 0
        self.answered: set[str] = set()

    def count(self, posts: set[str]) -> int:
        calls = self.fake.calls
        for call in calls[self.read :]:
            thread = call.args.get("thread_ts")
            if call.method == "chat.postMessage" and call.status == 200 and thread:
                self.answered.add(str(thread))
        self.read = len(calls)
        return len(self.answered & posts)


Complete = Callable[[list[dict[str, Any]]], None]


def acked_only(fake: FakeSlack) -> Complete:
    return lambda batch: None


def replied(fake: FakeSlack) -> Complete:
    """Waits until every post in `batch` has its thread reply."""
    replies = Replies(fake)

    def wait(batch: list[dict[str, Any]]) -> None:
        posts = {str(e["ts"]) for e in batch}
        done = fake.wait_for(lambda: replies.count(posts) == len(posts), 120)
        assert done, f"{len(posts) - replies.count(posts)} deal posts got no reply"

    return wait


def flood(fake: FakeSlack, batch: list[dict[str, Any]], complete: Complete) -> tuple[float, float]:
    """Events per second with up to `IN_FLIGHT` sent at once: until the last is acked,
    and until the last is complete."""
    ids: list[str] = []
    for start in range(0, len(batch), IN_FLIGHT):
        chunk = [fake.send_event(e, wait_ack=False) for e in batch[start : start + IN_FLIGHT]]
        assert fake.wait_for(lambda c=chunk: all(i in fake.acks for i in c), 120), "acks missing"
        ids += chunk
    complete(batch)
    done = time.perf_counter()
    first = min(fake.sent_at[i] for i in ids)
    last = max(fake.acked_at[i] for i in ids)
    return len(ids) / (last - first), len(ids) / (max(done, last) - first)


def paced(
    fake: FakeSlack, batch: list[dict[str, Any]], complete: Complete, settle: Callable[[], None]
) -> list[float]:
    """Ack times in ms with one event in flight at a time."""
    took = []
    for event in batch:
        envelope = fake.send_event(event)
        took.append((fake.acked_at[envelope] - fake.sent_at[envelope]) * 1000)
        complete([event])
        settle()
    return took


def measure(
    fake: FakeSlack, pid: int, sizes: dict[str, int], completes: dict[str, Complete]
) -> dict[str, Figures]:
    figures: dict[str, Figures] = {}
    start = 0
    settle = quiet(fake)
    for kind, count in sizes.items():
        complete = completes.get(kind, acked_only(fake))
        settle()
        used = cpu_seconds(pid)
        burst = events(fake, kind, count, start)
        acked, completed = flood(fake, burst, complete)
        settle()
        start += count
        one_by_one = events(fake, kind, min(200, count), start)
        acks = paced(fake, one_by_one, complete, lambda: None)
        settle()
        start += len(one_by_one)
        cpu_ms = (cpu_seconds(pid) - used) * 1000 / (len(burst) + len(one_by_one))
        p50, p99 = percentile(acks, 0.5), percentile(acks, 0.99)
        figures[kind] = Figures(acked, completed, p50, p99, cpu_ms)
    return figures


BARE_APP = """
import sys
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

app = App(client=WebClient(token=sys.argv[1], base_url=sys.argv[3]),
          request_verification_enabled=False)

@app.event("message")
def nothing():
    return None

SocketModeHandler(app, sys.argv[2]).start()
"""


def quiet(fake: FakeSlack) -> Callable[[], None]:
    """Settled once the app has made no Web API call for a fifth of a second."""

    def settle() -> None:
        seen = -1
        while seen != len(fake.calls):
            seen = len(fake.calls)
            time.sleep(0.2)

    return settle


def in_process(
    command: list[str],
    env: dict[str, str],
    fake: FakeSlack,
    sizes: dict[str, int],
    completes: dict[str, Complete],
) -> dict[str, Figures]:
    """Run an app as its own process (as in production: its own interpreter), against
    `fake`, and measure it. What it logs goes nowhere, but it is formatted and written."""
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        fake.wait_for_connection(30)
        return measure(fake, app.pid, sizes, completes)
    finally:
        fake.hang_up()
        app.terminate()
        app.wait(15)


def bare_app(clock: ManualClock, sizes: dict[str, int]) -> dict[str, Figures]:
    fake = workspace(clock)
    try:
        command = [sys.executable, "-c", BARE_APP, BOT_TOKEN, APP_TOKEN, fake.api_url]
        return in_process(command, {"PATH": os.environ["PATH"]}, fake, sizes, {})
    finally:
        fake.stop()


def serve(clock: ManualClock, database_url: str, sizes: dict[str, int]) -> dict[str, Figures]:
    fake = workspace(clock)
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "DEAL_CHANNELS": DEALS,
        "DISPATCH_INTERVAL_SECONDS": "3600",
    }
    try:
        command = [sys.executable, "-m", "bot", "run"]
        return in_process(command, env, fake, sizes, {"deal posts": replied(fake)})
    finally:
        fake.stop()


def table(sizes: dict[str, int], runs: dict[str, dict[str, Figures]]) -> list[str]:
    bare = runs["bare"]
    lines = [
        f"{'':12} {'app':13} {'acked/s':>8} {'done/s':>8} {'ack p50':>8} {'ack p99':>8} "
        f"{'CPU/event':>10}"
    ]
    for kind in sizes:
        for name, figures in runs.items():
            f = figures[kind]
            lines.append(
                f"{kind:12} {name:13} {f.acked:8.0f} {f.completed:8.0f} {f.p50:7.1f}ms "
                f"{f.p99:7.1f}ms {f.cpu_ms:8.2f}ms"
            )
    for name, figures in runs.items():
        if name == "bare":
            continue
        for kind in sizes:
            target = 0.9 if kind == "chatter" else 0.5
            ratio = figures[kind].completed / bare[kind].completed
            cpu = figures[kind].cpu_ms
            met = ratio >= target and figures[kind].p99 < 50
            cpu_note = ""
            if kind == "deal posts" and "SQLite" in name:
                met = met and cpu <= 3
                cpu_note = f", CPU {cpu:.2f} ms (target <= 3 ms)"
            lines.append(
                f"{kind:12} {name}/bare completed {ratio:.0%} (target {target:.0%}), "
                f"p99 {figures[kind].p99:.1f} ms (target < 50 ms){cpu_note}: "
                f"{'met' if met else 'MISSED'}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the events")
    parser.add_argument("url", nargs="?", default="", help="a PostgreSQL database to run on too")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    share = 10 if args.quick else 1
    sizes = {"chatter": 1_700 // share, "deal posts": 300 // share}
    clock = ManualClock(FRIDAY_5PM_LA)
    runs: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as folder:
        runs["bare"] = bare_app(clock, sizes)
        runs["Serve SQLite"] = serve(clock, f"sqlite:///{folder}/bench.db", sizes)
    if args.url:
        fresh_store(args.url).close()
        runs["Serve PG"] = serve(clock, args.url, sizes)
    record("Event handling in Socket Mode", table(sizes, runs))


if __name__ == "__main__":
    main()
