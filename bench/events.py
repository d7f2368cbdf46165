"""Event handling in Socket Mode: Serve against a bare Bolt app whose only listener does
nothing, each in a process of its own (as deployed) and each against a fresh fake Slack
of the same shape, in the same run.

    python bench/events.py [--quick]

2,000 message events: chatter in other channels, chatter in the deal channel, and deal
posts. For each app and kind: the rate when Slack sends them as fast as it can (a
hundred in flight at a time), and ack p50/p99 when they come one at a time. Targets: Serve at
>= 90% of the bare app's rate for chatter, >= 50% for deal posts; p99 ack < 50 ms."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))


from bench.results import percentile, record
from bot.clock import ManualClock
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import FRIDAY_5PM_LA

ROOT = Path(__file__).parents[1]
DEALS, OTHER = "C0DEALS", "C0RANDOM"
IN_FLIGHT = 100  # Slack sends a burst, not an unbounded queue
PEOPLE = [f"U0P{n:03d}" for n in range(40)]


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


def flood(fake: FakeSlack, batch: list[dict[str, Any]], settle: Callable[[], bool]) -> float:
    """Events per second with up to `IN_FLIGHT` sent at once, until the last is acked."""
    ids: list[str] = []
    for start in range(0, len(batch), IN_FLIGHT):
        chunk = [fake.send_event(e, wait_ack=False) for e in batch[start : start + IN_FLIGHT]]
        assert fake.wait_for(lambda c=chunk: all(i in fake.acks for i in c), 120), "acks missing"
        ids += chunk
    settle()
    first = min(fake.sent_at[i] for i in ids)
    last = max(fake.acked_at[i] for i in ids)
    return len(ids) / (last - first)


def paced(fake: FakeSlack, batch: list[dict[str, Any]], settle: Callable[[], bool]) -> list[float]:
    """Ack times in ms with one event in flight at a time."""
    took = []
    for event in batch:
        envelope = fake.send_event(event)
        took.append((fake.acked_at[envelope] - fake.sent_at[envelope]) * 1000)
        settle()
    return took


def measure(fake: FakeSlack, settle: Callable[[], bool], sizes: dict[str, int]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    start = 0
    for kind, count in sizes.items():
        rate = flood(fake, events(fake, kind, count, start), settle)
        start += count
        acks = paced(fake, events(fake, kind, min(200, count), start), settle)
        start += 200
        figures[kind] = (rate, percentile(acks, 0.5), percentile(acks, 0.99))
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


def quiet(fake: FakeSlack) -> Callable[[], bool]:
    """Settled once the app has made no Web API call for half a second."""

    def settle() -> bool:
        seen = -1
        while seen != len(fake.calls):
            seen = len(fake.calls)
            time.sleep(0.5)
        return True

    return settle


def in_process(
    command: list[str], env: dict[str, str], fake: FakeSlack, sizes: dict[str, int]
) -> Any:
    """Run an app as its own process (as in production: its own interpreter), against
    `fake`, and measure it."""
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        fake.wait_for_connection(30)
        return measure(fake, quiet(fake), sizes)
    finally:
        fake.hang_up()
        app.terminate()
        app.wait(15)


def bare_app(clock: ManualClock, sizes: dict[str, int]) -> dict[str, Any]:
    fake = workspace(clock)
    try:
        command = [sys.executable, "-c", BARE_APP, BOT_TOKEN, APP_TOKEN, fake.api_url]
        figures: dict[str, Any] = in_process(command, {"PATH": os.environ["PATH"]}, fake, sizes)
        return figures
    finally:
        fake.stop()


def serve(clock: ManualClock, folder: str, sizes: dict[str, int]) -> Any:
    fake = workspace(clock)
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "DEAL_CHANNELS": DEALS,
        "DISPATCH_INTERVAL_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
    }
    try:
        return in_process([sys.executable, "-m", "bot", "run"], env, fake, sizes)
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a tenth of the events")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    share = 10 if args.quick else 1
    sizes = {"chatter": 1_700 // share, "deal posts": 300 // share}
    clock = ManualClock(FRIDAY_5PM_LA)
    with tempfile.TemporaryDirectory() as folder:
        bare = bare_app(clock, sizes)
        bot = serve(clock, folder, sizes)
    lines = [f"{'':12} {'app':6} {'events/s':>9} {'ack p50':>8} {'ack p99':>8}"]
    for kind in sizes:
        for name, figures in (("bare", bare), ("Serve", bot)):
            rate, p50, p99 = figures[kind]
            lines.append(f"{kind:12} {name:6} {rate:9.0f} {p50:7.1f}ms {p99:7.1f}ms")
        target = 0.9 if kind == "chatter" else 0.5
        ratio = bot[kind][0] / bare[kind][0]
        verdict = "met" if ratio >= target and bot[kind][2] < 50 else "MISSED"
        lines.append(
            f"{kind:12} Serve/bare rate {ratio:.0%} (target {target:.0%}), "
            f"p99 {bot[kind][2]:.1f} ms (target < 50 ms): {verdict}"
        )
    record("Event handling in Socket Mode", lines)


if __name__ == "__main__":
    main()
