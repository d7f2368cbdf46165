"""Stopping `servebot run` with SIGTERM, as a process manager does, whatever Slack is
doing at the time: the real command in a subprocess, against the fake Slack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.services.stories import week_of
from bot.store import due
from bot.store.db import Store
from bot.store.models import DueWork, WorkStatus

PEOPLE = [f"U0P{n:02d}" for n in range(20)]
STOPPED_WITHIN = 10.0


@pytest.fixture
def live_slack() -> Iterator[FakeSlack]:
    """The fake Slack on real time: the bot in the subprocess runs on the system clock."""
    fake = FakeSlack().start()
    for user in PEOPLE:
        fake.add_user(user, user.lower(), tz="Europe/London")
    yield fake
    fake.stop()
    assert fake.violations == [], "the bot made calls Slack would reject"


@pytest.fixture
def prompts_due(tmp_path: Path) -> str:
    """A database where twenty people's weekly story prompts fell due an hour ago."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    store = Store(url)
    store.upgrade()
    now = datetime.now(UTC)
    with store.session() as session:
        for user in PEOPLE:
            week = week_of(now, ZoneInfo("UTC"))
            due.add_once(session, "prompt", "T0SERVE", week, user, now - timedelta(hours=1), now)
    store.close()
    return url


def start_servebot(fake: FakeSlack, database_url: str, cwd: Path) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> tuple[float, str]:
    """SIGTERM; how long the process took to exit, and what it wrote to stderr."""
    asked = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return time.monotonic() - asked, stderr


def work_rows(database_url: str) -> list[DueWork]:
    """The prompts' due work (the start also asks to catch up on the deal channels)."""
    store = Store(database_url)
    with store.session() as session:
        prompts = select(DueWork).where(DueWork.kind == "prompt")
        rows = list(session.scalars(prompts.order_by(DueWork.id)))
    store.close()
    return rows


def prompt_dms(fake: FakeSlack) -> list[str]:
    return [
        channel
        for channel, messages in fake.messages.items()
        if channel.startswith("D")
        for m in messages
        if m.text.startswith("Did you see someone help")
    ]


def test_sigterm_while_slack_rate_limits_every_post_exits_fast_and_keeps_every_prompt(
    live_slack: FakeSlack, prompts_due: str, tmp_path: Path
) -> None:
    live_slack.fail_always("chat.postMessage", status=429, retry_after=30)
    bot = start_servebot(live_slack, prompts_due, tmp_path)
    try:
        assert live_slack.wait_for(
            lambda: bool(live_slack.calls_to("chat.postMessage")), timeout=30
        ), "the bot never tried to post"
    finally:
        took, stderr = stop(bot)

    assert bot.returncode == 0, stderr
    assert took < STOPPED_WITHIN, stderr
    assert "Traceback" not in stderr
    rows = work_rows(prompts_due)
    assert len(rows) == len(PEOPLE)
    assert {(w.status, w.attempts) for w in rows} == {(WorkStatus.TODO, 0)}
    assert prompt_dms(live_slack) == []


def test_sigterm_while_slack_is_slow_stops_soon_and_a_restart_sends_every_prompt_once(
    live_slack: FakeSlack, prompts_due: str, tmp_path: Path
) -> None:
    live_slack.slow("chat.postMessage", 3.0)
    bot = start_servebot(live_slack, prompts_due, tmp_path)
    try:
        assert live_slack.wait_for(
            lambda: live_slack.in_flight("chat.postMessage") > 0, timeout=30
        ), "the bot never tried to post"
    finally:
        took, stderr = stop(bot)

    assert bot.returncode == 0, stderr
    assert took < STOPPED_WITHIN, stderr
    rows = work_rows(prompts_due)
    assert WorkStatus.DOING not in {w.status for w in rows}  # none held: nothing to wait for
    sent = len(prompt_dms(live_slack))
    assert 0 < sent == sum(w.status == WorkStatus.DONE for w in rows) < len(PEOPLE) // 2

    live_slack.clear_faults()
    again = start_servebot(live_slack, prompts_due, tmp_path)
    try:
        assert live_slack.wait_for(lambda: len(prompt_dms(live_slack)) == len(PEOPLE), timeout=30)
    finally:
        took, stderr = stop(again)

    assert again.returncode == 0 and took < STOPPED_WITHIN, stderr
    assert sorted(prompt_dms(live_slack)) == sorted("D" + user[1:] for user in PEOPLE)
    assert {w.status for w in work_rows(prompts_due)} == {WorkStatus.DONE}


def test_a_second_sigterm_exits_at_once_without_waiting_for_running_sends(
    live_slack: FakeSlack, prompts_due: str, tmp_path: Path
) -> None:
    live_slack.slow("chat.postMessage", 20.0)
    bot = start_servebot(live_slack, prompts_due, tmp_path)
    assert live_slack.wait_for(lambda: live_slack.in_flight("chat.postMessage") > 0, timeout=30)

    stopping = threading.Event()

    def watch(stream: IO[str]) -> None:
        for line in stream:
            if "stopping" in line:
                stopping.set()

    assert bot.stderr is not None
    threading.Thread(target=watch, args=(bot.stderr,), daemon=True).start()
    bot.send_signal(signal.SIGTERM)
    assert stopping.wait(10), "the bot never began to stop"
    asked = time.monotonic()
    bot.send_signal(signal.SIGTERM)
    bot.wait(timeout=30)

    assert bot.returncode == 130
    assert time.monotonic() - asked < 3.0  # the first alone gives running sends 5 s
    rows = work_rows(prompts_due)
    assert WorkStatus.DONE not in {w.status for w in rows}  # no post finished: none lost
