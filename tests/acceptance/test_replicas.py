"""Several replicas on one PostgreSQL: real `servebot run --http` processes, Slack's
signed events shared between them (and Slack's retries sent to the other one), a month
of due work on a clock they share; and a replica killed while it holds claims."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from bot.sandbox.clock import ClockFile
from bot.sandbox.fakeslack import BOT_TOKEN, FakeSlack
from bot.sandbox.fakeslack.http_delivery import SIGNING_SECRET, get, post_event
from bot.sandbox.support import FRIDAY_5PM_LA, MONDAY_10AM_LA, checkin_dms
from bot.store.models import CheckIn, Deal, DueWork, WorkStatus

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.postgresql
ROOT = Path(__file__).parents[2]
DEALS, WINS = "C0DEALS", "C0WINS"
OWNERS = [f"U0R{n:03d}" for n in range(50)]


class Replica:
    def __init__(self, env: dict[str, str], logs: Path, clock_file: ClockFile) -> None:
        self.port = free_port()
        self.log = logs / f"replica-{self.port}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "bot.sandbox.replica", "--http", "--clock-file", str(clock_file.path)),
            ],
            cwd=ROOT,
            env=env | {"PORT": str(self.port)},
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if get(f"{self.url}/healthz", timeout=1).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"replica on {self.port} never became healthy")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def clock_file(tmp_path: Path) -> ClockFile:
    return ClockFile(tmp_path / "now.txt", FRIDAY_5PM_LA)


@pytest.fixture
def team(clock_file: ClockFile) -> Iterator[FakeSlack]:
    fake = FakeSlack(now=clock_file.now).start()
    for owner in OWNERS:
        fake.add_user(owner, owner.lower(), tz="America/Los_Angeles")
    fake.add_channel(DEALS, "deals", members=OWNERS)
    fake.add_channel(WINS, "wins", members=OWNERS[:3])
    yield fake
    fake.stop()
    assert fake.violations == []


@pytest.fixture
def replicas(
    empty_postgres: str, team: FakeSlack, clock_file: ClockFile, tmp_path: Path
) -> Iterator[Callable[..., Replica]]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": team.api_url,
        "DATABASE_URL": empty_postgres,
        "DEAL_CHANNELS": DEALS,
        "RECOGNITION_CHANNEL": WINS,
        "DISPATCH_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    started: list[Replica] = []

    def start(**more: str) -> Replica:
        replica = Replica(env | more, tmp_path, clock_file)
        started.append(replica)
        replica.wait_healthy()
        return replica

    yield start
    for replica in started:
        replica.stop()


def database(url: str) -> Any:
    return create_engine(url)


def now(clock_file: ClockFile) -> int:
    """Slack signs by its clock: the one the replicas share."""
    return int(clock_file.now().timestamp())


def settle(engine: Any, clock_file: ClockFile, seconds: float = 60) -> None:
    """Wait until no work is due and unclaimed or running at the shared time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = clock_file.now()
        with engine.connect() as connection:
            waiting = connection.scalar(
                select(func.count())
                .select_from(DueWork)
                .where(
                    (DueWork.status == WorkStatus.DOING.value)
                    | ((DueWork.status == WorkStatus.TODO.value) & (DueWork.due_at <= now))
                )
            )
        if not waiting:
            return
        time.sleep(0.2)
    raise AssertionError(f"due work still waiting at {clock_file.now()}")


def test_two_replicas_share_events_and_a_month_of_due_work_each_once(
    team: FakeSlack,
    replicas: Callable[..., Replica],
    clock_file: ClockFile,
    empty_postgres: str,
) -> None:
    one, two = replicas(), replicas()
    answers = []
    last_deal: dict[str, Any] | None = None
    last_to = 0
    for n in range(500):
        to = (one, two)[n % 2]
        if n % 5 == 1 and last_deal is not None:  # Slack retries it at the other replica
            other = (one, two)[1 - last_to]
            answers.append(
                post_event(
                    f"{other.url}/slack/events", last_deal, timestamp=now(clock_file), retry_num=1
                )
            )
            continue
        owner = OWNERS[n % len(OWNERS)]
        if n % 5 == 0:
            post = team.post_as_user(DEALS, f"Closed Customer{n:03d} :tada:", user=owner)
        else:
            post = team.post_as_user(DEALS, f"lunch at {n}? the soup looks good", user=owner)
        body = team.event_callback({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
        answers.append(post_event(f"{to.url}/slack/events", body, timestamp=now(clock_file)))
        if n % 5 == 0:
            last_deal, last_to = body, n % 2

    assert Counter(a.status for a in answers) == Counter({200: 500})
    engine = database(empty_postgres)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.scalar(select(func.count()).select_from(Deal)) == 100:
                break
        time.sleep(0.2)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Deal)) == 100

    def replies() -> list[Any]:
        return [m for m in team.messages[DEALS] if m.thread_ts and m.bot_id]

    team.wait_for(lambda: len(replies()) >= 100, 30)
    assert len(replies()) == 100  # one thread reply per deal, whichever replica had it

    end = MONDAY_10AM_LA + timedelta(days=35)
    moment = MONDAY_10AM_LA + timedelta(minutes=30)  # a day at a time, after 10:00 in LA
    while moment < end:
        clock_file.set(moment)
        time.sleep(1.2)  # each replica's timer ticks (every second) at least once a day
        settle(engine, clock_file)
        moment += timedelta(days=1)

    sent = checkin_dms(team)
    keys = Counter(m.metadata["event_payload"]["send_key"] for m in sent)
    assert keys and max(keys.values()) == 1, "a DM went out twice"
    with engine.connect() as connection:
        checkins = connection.execute(select(CheckIn.due_at, CheckIn.sent_at, CheckIn.message_ts))
        due_in_month = [c for c in checkins if c.due_at <= end - timedelta(days=8)]
    assert due_in_month and all(c.sent_at is not None for c in due_in_month), "a check-in lost"
    shown = Counter(m.ts for m in sent)
    assert all(shown[c.message_ts] == 1 for c in due_in_month)
    digests = [m for m in team.messages[WINS] if m.thread_ts is None]
    weeks = Counter(json.dumps(m.blocks[0]) for m in digests)  # "… week of 23 November"
    assert len(weeks) >= 5 and max(weeks.values()) == 1, "one digest a week"


def test_a_replica_killed_holding_claims_has_them_sent_once_by_the_other(
    team: FakeSlack,
    replicas: Callable[..., Replica],
    clock_file: ClockFile,
    empty_postgres: str,
) -> None:
    doomed = replicas()
    for n, owner in enumerate(OWNERS[:8]):
        post = team.post_as_user(DEALS, f"Closed Customer{n:03d} :tada:", user=owner)
        body = team.event_callback({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
        answer = post_event(f"{doomed.url}/slack/events", body, timestamp=now(clock_file))
        assert answer.status == 200
    engine = database(empty_postgres)
    time.sleep(1)
    team.hold("chat.postMessage", until_in_flight=99, timeout=8)
    clock_file.set(MONDAY_10AM_LA)
    assert team.wait_for(lambda: team.in_flight("chat.postMessage") >= 4, 20), "nothing sent"
    with engine.connect() as connection:
        held = connection.scalar(
            select(func.count())
            .select_from(DueWork)
            .where(DueWork.status == WorkStatus.DOING.value)
        )
    assert held and held >= 4
    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait()
    team.release("chat.postMessage")  # the posts it was making land after it died

    replicas()
    clock_file.set(MONDAY_10AM_LA + timedelta(minutes=6))  # past the five-minute lease
    settle(engine, clock_file)

    sent = checkin_dms(team)
    owners = Counter(m.channel for m in sent)
    assert sorted(owners) == sorted("D" + o[1:] for o in OWNERS[:8])
    assert max(owners.values()) == 1, "a DM went out twice"
    with engine.connect() as connection:
        unsent = connection.scalar(
            select(func.count())
            .select_from(CheckIn)
            .where(CheckIn.stage == 0, CheckIn.sent_at.is_(None))
        )
    assert unsent == 0


def test_two_replicas_started_after_downtime_catch_up_each_post_once_a_call_a_minute(
    team: FakeSlack,
    replicas: Callable[..., Replica],
    clock_file: ClockFile,
    empty_postgres: str,
) -> None:
    limited = {"HISTORY_RATE": "limited"}  # as an app distributed outside the Marketplace
    replicas(**limited).stop()  # Serve ran, learned its deal channel, and went away
    team.limit_history(per_minute=1, page=15)
    posts = []
    for n in range(3):
        team.add_messages(DEALS, 10, "coffee later?", as_bot=False, user=OWNERS[n])
        posts.append(team.post_as_user(DEALS, f"Closed Customer{n:03d} :tada:", user=OWNERS[n]))
    clock_file.set(FRIDAY_5PM_LA + timedelta(hours=2))
    engine = database(empty_postgres)

    replicas(**limited), replicas(**limited)
    moment = clock_file.now()
    while not all(thread_replies(team, post) for post in posts) or catching_up(engine):
        assert moment < FRIDAY_5PM_LA + timedelta(hours=2, minutes=5), "never caught up"
        settle(engine, clock_file)
        moment += timedelta(seconds=30)
        clock_file.set(moment)
        time.sleep(1.2)  # each replica's timer ticks (every second) at least once

    assert [len(thread_replies(team, post)) for post in posts] == [1, 1, 1]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Deal)) == 3
    history = team.calls_to("conversations.history")
    when = [(c.at, c.status, c.args.get("cursor")) for c in history]
    assert {c.status for c in history} == {200}, when  # none refused
    assert len(history) in (3, 4)  # 33 posts at 15 a page (and the later replica's own look)


def thread_replies(fake: FakeSlack, post: Any) -> list[Any]:
    return [m for m in fake.messages[DEALS] if m.thread_ts == post.ts and m.bot_id]


def catching_up(engine: Any) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.scalar(
                select(func.count())
                .select_from(DueWork)
                .where(
                    DueWork.kind == "catch_up",
                    DueWork.status.in_([WorkStatus.TODO.value, WorkStatus.DOING.value]),
                )
            )
        )
