"""Dispatch: 1,000 check-in DMs due at once to 1,000 people, against the fake Slack
enforcing Slack's limits per workspace on its clock (see bench/limits.py): clean, then
with 20% of chat.postMessage answered 429 + Retry-After 1 and 5% answered 500 (half of
those after the message was recorded), then, on PostgreSQL, the faulty run again with
two replicas sharing the database.

    python bench/dispatch.py [DATABASE_URL] [--quick]

The people are known (the directory read them from users.list when Serve started), as
in steady state. Time is the shared simulated clock, moved a second per tick. The
finish is the second by whose end the last DM had gone; the earliest finish is the one
chat.postMessage's workspace limit allows (1,000 DMs at 600 a minute: the 61st second),
and with faults the one a sender that knew everything would reach against the same
faults (bench/limits.py: `earliest_finish_through`).
Every call made from the moment the DMs fall due is counted, whatever Slack answered,
and so are the new TCP connections the fake accepted meanwhile.
Targets: >= 95% of the earliest finish clean and with faults, 1.0 call per DM clean,
<= 0.1 new connections per call, no duplicate and no loss."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.limits import LIMITS, Calls, Databases, earliest_finish, earliest_finish_through
from bench.results import record
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, checkin_dms, tick_together

DEALS = "C0DEALS"
EVERY = 4  # one post in four fails, taking these in turn
FAULTS = [
    *[{"status": 429, "retry_after": 1}] * 4,
    {"status": 500, "applied": True},
    *[{"status": 429, "retry_after": 1}] * 4,
    {"status": 500},
]
LONGEST = 3600  # simulated seconds a run may take


def run(people: int, faults: bool, url: str, replicas: int = 1) -> dict[str, Any]:
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
        database_url=url,
        deal_channels=(DEALS,),
        dispatch_interval_seconds=3600,
    )
    bots = [RunningBot(settings, clock).start() for _ in range(replicas)]
    fake.wait_for_connection()
    for n, owner in enumerate(owners):
        post = fake.post_as_user(DEALS, f"Closed Customer{n:04d} :tada:", user=owner)
        fake.send_event({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
    assert all(bot.wait_idle(120) for bot in bots)
    tick_together(*bots)  # the deals' thread replies, before the DMs are measured
    fake.enforce_limits(LIMITS)
    if faults:
        fake.fail_some("chat.postMessage", every=EVERY, kinds=FAULTS)
    clock.set(MONDAY_10AM_LA)
    first_call, connections = len(fake.calls), fake.connections_opened
    finish = None
    for second in range(LONGEST):
        tick_together(*bots)
        if len(checkin_dms(fake)) >= people:
            finish = second + 1
            break
        clock.set(MONDAY_10AM_LA + timedelta(seconds=second + 1))
    for _ in range(120):  # let retries settle: nothing more may go out
        clock.set(clock.now() + timedelta(seconds=1))
        tick_together(*bots)
    calls = Calls.since(fake, first_call)
    opened = fake.connections_opened - connections
    per_person = Counter(m.channel for m in checkin_dms(fake))
    fake.hang_up()
    for bot in bots:
        bot.stop(1.0)
    fake.stop()
    return {
        "finish": finish,
        "calls": calls,
        "opened": opened,
        "sent": len(per_person),
        "duplicates": sum(n - 1 for n in per_person.values() if n > 1),
        "losses": people - len(per_person),
    }


def described(name: str, got: dict[str, Any], earliest: int, clean: int) -> list[str]:
    finish = got["finish"]
    share = f"{earliest / finish:.0%} of the earliest finish" if finish else "NOT FINISHED"
    if finish and earliest != clean:
        share += f" under these faults, second {earliest} ({clean / finish:.0%} of the clean one)"
    calls: Calls = got["calls"]
    return [
        f"{name}:",
        f"  sent {got['sent']:,} by second {finish or '-'}: {share}",
        f"  Web API calls per DM {calls.per(got['sent']):.2f}, every call counted: "
        f"{calls.described()}",
        f"  new connections {got['opened']:,}: {got['opened'] / max(1, calls.total):.3f} per call",
        f"  duplicates {got['duplicates']}, losses {got['losses']}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", help="a PostgreSQL URL; SQLite files otherwise")
    parser.add_argument("--quick", action="store_true", help="200 people instead of 1,000")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    people = 200 if args.quick else 1_000
    databases = Databases(args.url)
    earliest = earliest_finish(people, LIMITS["chat.postMessage"])
    through = earliest_finish_through(people, LIMITS["chat.postMessage"], EVERY, FAULTS)
    lines = [
        f"{people:,} check-in DMs due at once, people known, on {databases.name}; "
        f"chat.postMessage allows {LIMITS['chat.postMessage']} a minute: "
        f"second {earliest} at the earliest"
    ]
    try:
        runs = [("clean", False, 1), ("with 20% 429s and 5% 500s", True, 1)]
        if databases.name == "postgresql":
            runs.append(("two replicas on one database, with the faults", True, 2))
        for name, faults, replicas in runs:
            got = run(people, faults, databases.fresh(), replicas)
            lines += described(name, got, through if faults else earliest, earliest)
    finally:
        databases.close()
    record("Dispatch under Slack's limits", lines)


if __name__ == "__main__":
    main()
