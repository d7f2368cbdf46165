"""Thursday's story prompts in a 5,000-person workspace: everyone in the team channel,
one zone, so all 5,000 prompts fall due at the same minute, against the fake Slack
enforcing Slack's limits per workspace from the start (bench/limits.py), users.list
included, on the shared simulated clock moved a second per tick.

    python bench/prompts.py [DATABASE_URL] [--quick]

Serve starts on Thursday morning and reads everyone from users.list (25 pages, Tier 2);
the prompts go out at 15:00. Prints when the last prompt went, against the earliest
finish chat.postMessage's limit allows and the one users.info's would (a lookup per
person, as before the directory stayed warm), and every call made for the prompts.
Target: bound by chat.postMessage, not users.info."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.limits import LIMITS, Calls, Databases, earliest_finish
from bench.results import record
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.sandbox.support import LA

TEAM = "C0TEAM"
THURSDAY_9AM = datetime(2026, 12, 3, 9, 0, tzinfo=LA)
PROMPTS_AT = datetime(2026, 12, 3, 15, 0, tzinfo=LA)
LONGEST = 4 * 3600  # simulated seconds the prompts may take


def prompts(fake: FakeSlack) -> Counter[str]:
    """Story prompts posted, by DM: top-level posts with a send key."""
    return Counter(
        channel
        for channel, messages in list(fake.messages.items())
        if channel.startswith("D")
        for m in messages
        if m.thread_ts is None and m.metadata
    )


def run(people: int, url: str) -> dict[str, Any]:
    clock = ManualClock(THURSDAY_9AM)
    fake = FakeSlack(now=clock.now).start()
    everyone = [f"U0P{n:05d}" for n in range(people)]
    for user in everyone:
        fake.add_user(user, user.lower(), tz="America/Los_Angeles")
    fake.add_channel(TEAM, "team", members=everyone)
    fake.enforce_limits(LIMITS)
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake.api_url,
        database_url=url,
        team_channel=TEAM,
        dispatch_interval_seconds=3600,
    )
    bot = RunningBot(settings, clock).start()
    fake.wait_for_connection()
    for _ in range(180):  # the morning: the directory read, the week planned
        bot.tick()
        clock.set(clock.now() + timedelta(seconds=1))
    read_by = [c.at for c in fake.calls_to("users.list") if c.status == 200 and c.at]
    clock.set(PROMPTS_AT)
    first_call = len(fake.calls)
    finish = None
    for second in range(LONGEST):
        bot.tick()
        if sum(prompts(fake).values()) >= people:
            finish = second + 1
            break
        clock.set(PROMPTS_AT + timedelta(seconds=second + 1))
    calls = Calls.since(fake, first_call)
    sent = prompts(fake)
    fake.hang_up()
    bot.stop(1.0)
    fake.stop()
    return {
        "finish": finish,
        "calls": calls,
        "sent": len(sent),
        "duplicates": sum(n - 1 for n in sent.values() if n > 1),
        "read_in": (max(read_by) - THURSDAY_9AM).total_seconds() if read_by else None,
        "pages": len(read_by),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", help="a PostgreSQL URL; a SQLite file otherwise")
    parser.add_argument("--quick", action="store_true", help="1,000 people instead of 5,000")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    people = 1_000 if args.quick else 5_000
    databases = Databases(args.url)
    try:
        got = run(people, databases.fresh())
    finally:
        databases.close()
    posts = earliest_finish(people, LIMITS["chat.postMessage"])
    lookups = earliest_finish(people, LIMITS["users.info"])
    finish = got["finish"]
    bound = (
        "chat.postMessage" if finish and finish <= (posts + lookups) / 2 else "NOT chat.postMessage"
    )
    calls: Calls = got["calls"]
    lines = [
        f"{people:,} people in the team channel, one zone, on {databases.name}",
        f"directory: {got['pages']} pages of users.list, read by second {got['read_in']:.0f} "
        "after start",
        f"prompts: {got['sent']:,} sent by second {finish or '-'} after they fell due; "
        f"chat.postMessage ({LIMITS['chat.postMessage']}/min) allows second {posts:,}, "
        f"users.info ({LIMITS['users.info']}/min) would need second {lookups:,}",
        f"  {posts / finish:.0%} of what chat.postMessage allows: bound by {bound}"
        if finish
        else "  NOT FINISHED",
        f"  Web API calls per prompt {calls.per(got['sent']):.2f}: {calls.described()}",
        f"  duplicates {got['duplicates']}, losses {people - got['sent']}",
    ]
    record("Thursday's prompts in a 5,000-person workspace", lines)


if __name__ == "__main__":
    main()
