"""Connections: how many new TCP connections Serve's Web API calls open, against the fake
Slack, which counts the connections it accepts. The listeners answer one deal posted by
each of N people (Bolt gives each request a client of its own), then the runner sends
the N check-in DMs that fall due (several threads at once, each workspace's calls on one
client).

    python bench/connections.py [--quick]

Prints, for each phase and both together, the Web API calls, the new connections and
their ratio. Target: <= 0.1 new connections per call (slack_sdk alone opens one per
call: against Slack, a TCP and a TLS handshake each)."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.results import record
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, checkin_dms

DEALS = "C0DEALS"
TARGET = 0.1


def per_call(label: str, calls: int, opened: int) -> str:
    share = opened / max(1, calls)
    verdict = "ok" if share <= TARGET else "over"
    return (
        f"{label}: Web API calls {calls:,}, new connections {opened:,}, "
        f"{share:.3f} per call (target <= {TARGET}: {verdict})"
    )


def run(people: int, folder: str) -> list[str]:
    clock = ManualClock(FRIDAY_5PM_LA)
    fake = FakeSlack(now=clock.now).start()
    owners = [f"U0P{n:04d}" for n in range(people)]
    for owner in owners:
        fake.add_user(owner, owner.lower(), tz="America/Los_Angeles")
    fake.add_channel(DEALS, "deals", members=owners)
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake.api_url,
        database_url=f"sqlite:///{folder}/connections.db",
        deal_channels=(DEALS,),
        dispatch_interval_seconds=3600,
    )
    bot = RunningBot(settings, clock).start()
    fake.wait_for_connection()
    calls, opened = len(fake.calls), fake.connections_opened  # after start-up

    for n, owner in enumerate(owners):
        post = fake.post_as_user(DEALS, f"Closed Customer{n:04d} :tada:", user=owner)
        fake.send_event({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
    assert bot.wait_idle(120)
    bot.tick()  # the deals' thread replies
    listened = (len(fake.calls) - calls, fake.connections_opened - opened)

    calls, opened = len(fake.calls), fake.connections_opened
    clock.set(MONDAY_10AM_LA)
    for _ in range(600):
        bot.tick()
        if len(checkin_dms(fake)) >= people:
            break
        clock.set(clock.now() + timedelta(seconds=1))
    sent = len(checkin_dms(fake))
    dispatched = (len(fake.calls) - calls, fake.connections_opened - opened)
    fake.hang_up()
    bot.stop(1.0)
    fake.stop()
    both = (listened[0] + dispatched[0], listened[1] + dispatched[1])
    return [
        f"{people:,} deals posted, {sent:,} check-in DMs sent",
        per_call("listeners (deals answered)", *listened),
        per_call("runner (check-ins sent)", *dispatched),
        per_call("together", *both),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 people instead of 1,000")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    people = 300 if args.quick else 1_000
    with tempfile.TemporaryDirectory() as folder:
        lines = run(people, folder)
    record("Web API connections (keep-alive)", lines)


if __name__ == "__main__":
    main()
