"""Dispatch: 1,000 check-in DMs due at once to 1,000 people, against the fake Slack
enforcing Slack's published limits on its clock (chat.postMessage about 1 per second
per channel, and per-method tiers: users.info tier 4, 100 a minute, binds here), then
again with 20% of chat.postMessage answered 429 + Retry-After and 5% answered 500 (half
of those after the message was recorded).

    python bench/dispatch.py [--quick]

Time is the shared simulated clock, moved a second per tick, so rates are per simulated
minute. Prints the sent rate as a share of the allowed rate, Web API calls per DM,
duplicates and losses. Targets: >= 95% of the allowed rate, <= 2 calls per DM in steady
state, no duplicate and no loss."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.results import record
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, checkin_dms

DEALS = "C0DEALS"
# Slack's tiers, per minute: 4 = 100+, 3 = 50+; chat.postMessage has its own special
# limit (1 per second per channel, and a workspace-wide one of several hundred a minute).
LIMITS = {
    "users.info": 100,
    "conversations.open": 50,
    "conversations.history": 50,
    "chat.postMessage": 600,
}
ALLOWED_PER_MINUTE = min(LIMITS["users.info"], LIMITS["chat.postMessage"])  # a lookup and a post
FAULTS = [
    *[{"status": 429, "retry_after": 1}] * 4,
    {"status": 500, "applied": True},
    *[{"status": 429, "retry_after": 1}] * 4,
    {"status": 500},
]


def run(people: int, faults: bool, folder: str) -> dict[str, Any]:
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
        database_url=f"sqlite:///{folder}/dispatch-{int(faults)}.db",
        deal_channels=(DEALS,),
        dispatch_interval_seconds=3600,
    )
    bot = RunningBot(settings, clock).start()
    fake.wait_for_connection()
    for n, owner in enumerate(owners):
        post = fake.post_as_user(DEALS, f"Closed Customer{n:04d} :tada:", user=owner)
        fake.send_event({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
    assert bot.wait_idle(120)
    bot.tick()  # the deals' thread replies, before the DMs are measured
    fake.enforce_limits(LIMITS)
    if faults:
        fake.fail_some("chat.postMessage", every=4, kinds=FAULTS)
    clock.set(MONDAY_10AM_LA)
    calls_before = len(fake.calls)
    first_sent = last_sent = None
    for second in range(3600):
        bot.tick()
        sent = len(checkin_dms(fake))
        if sent and first_sent is None:
            first_sent = clock.now()
        if sent >= people:
            last_sent = clock.now()
            break
        clock.set(MONDAY_10AM_LA + timedelta(seconds=second + 1))
    for _ in range(120):  # let retries settle: nothing more may go out
        clock.set(clock.now() + timedelta(seconds=1))
        bot.tick()
    made = fake.calls[calls_before:]
    per_person = Counter(m.channel for m in checkin_dms(fake))
    fake.hang_up()
    bot.stop(1.0)
    fake.stop()
    seconds = ((last_sent or clock.now()) - MONDAY_10AM_LA).total_seconds()
    # a 60-second window that starts empty lets a minute's worth through at once, then
    # another each time it turns: by `seconds`, this many lookups (one per DM) are allowed
    allowed = ALLOWED_PER_MINUTE * (int(seconds // 60) + 1)
    ok_calls = [c for c in made if c.status == 200]
    return {
        "sent": sum(per_person.values()),
        "seconds": seconds,
        "share": min(people, len(per_person)) / min(people, allowed),
        "calls_per_dm": len(made) / max(1, len(per_person)),
        "ok_calls_per_dm": len(ok_calls) / max(1, len(per_person)),
        "limited": sum(1 for c in made if c.status == 429),
        "duplicates": sum(n - 1 for n in per_person.values() if n > 1),
        "losses": people - len(per_person),
        "methods": Counter(c.method for c in ok_calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="200 people instead of 1,000")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    people = 200 if args.quick else 1_000
    lines = [f"{people:,} DMs due at once; allowed rate {ALLOWED_PER_MINUTE}/min (users.info)"]
    with tempfile.TemporaryDirectory() as folder:
        for faults in (False, True):
            got = run(people, faults, folder)
            lines += [
                f"{'with 20% 429s and 5% 500s' if faults else 'clean'}:",
                f"  sent {got['sent']:,} in {got['seconds']:.0f} simulated s: "
                f"{got['share']:.0%} of what the limits allow in that time",
                f"  Web API calls per DM {got['calls_per_dm']:.2f} "
                f"({got['ok_calls_per_dm']:.2f} answered ok; {got['limited']} answered 429)",
                f"  calls answered ok: {dict(got['methods'])}",
                f"  duplicates {got['duplicates']}, losses {got['losses']}",
            ]
    record("Dispatch under Slack's limits", lines)


if __name__ == "__main__":
    main()
