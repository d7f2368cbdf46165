"""`servebot run --http`: Slack's requests at /slack/events, signed; /healthz; /metrics;
structured logs; one process per SQLite file."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.logs import JsonLines
from bot.metrics import Metrics
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.fakeslack.http_delivery import SIGNING_SECRET, get, post_event, post_form
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA
from bot.store.db import Store
from bot.store.models import Deal
from bot.web import SlackWeb, WebServer


@pytest.fixture
def http_bot(settings: Settings, clock: ManualClock, fake_slack: FakeSlack) -> Iterator[RunningBot]:
    clock.set(FRIDAY_5PM_LA)
    served = replace(settings, slack_signing_secret=SIGNING_SECRET, port=0)
    bot = RunningBot(served, clock, "http").start()
    yield bot
    bot.stop(grace=1.0)


def events_url(bot: RunningBot) -> str:
    assert bot.web is not None
    return f"http://127.0.0.1:{bot.web.port}/slack/events"


def deal_event(fake: FakeSlack, text: str) -> dict[str, object]:
    post = fake.post_as_user(DEALS_CHANNEL, text, user="U0ALICE")
    event = {**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"}
    return fake.event_callback(event)


def deals(bot: RunningBot) -> int:
    with bot.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Deal)) or 0)


def test_a_signed_deal_post_is_acked_and_recorded(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    answer = post_event(events_url(http_bot), deal_event(fake_slack, "Closed Acme Corp :tada:"))

    assert answer.status == 200
    assert http_bot.wait_idle()
    assert deals(http_bot) == 1
    http_bot.tick()  # the runner posts the reply
    assert any(m.thread_ts for m in fake_slack.messages[DEALS_CHANNEL])  # the thread reply


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": None},  # unsigned
        {"signature": "v0=" + "0" * 64},  # signed with something else
        {"secret": "another-apps-secret"},
        {"timestamp": int(time.time()) - 600},  # ten minutes old
    ],
    ids=["unsigned", "forged", "wrong-secret", "stale"],
)
def test_requests_slack_did_not_sign_are_refused_and_change_nothing(
    fake_slack: FakeSlack, http_bot: RunningBot, forgery: dict[str, object]
) -> None:
    calls_before = len(fake_slack.calls)
    body = deal_event(fake_slack, "Closed Acme Corp :tada:")

    answer = post_event(events_url(http_bot), body, **forgery)  # type: ignore[arg-type]
    command = post_form(
        events_url(http_bot),
        fake_slack.command_payload("U0ALICE", "deal Globex"),
        **forgery,  # type: ignore[arg-type]
    )

    assert (answer.status, command.status) == (401, 401)
    assert http_bot.wait_idle()
    assert deals(http_bot) == 0
    assert len(fake_slack.calls) == calls_before


def test_a_slash_command_over_http_is_answered_in_its_ack(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    answer = post_form(events_url(http_bot), fake_slack.command_payload("U0ALICE", "help"))

    assert answer.status == 200
    reply = answer.json()
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    assert "/serve timeline" in json.dumps(reply)


def test_slacks_retry_of_the_same_event_makes_one_deal(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    body = deal_event(fake_slack, "Closed Initech :tada:")
    first = post_event(events_url(http_bot), body)
    again = post_event(events_url(http_bot), body, retry_num=1)

    assert (first.status, again.status) == (200, 200)
    assert http_bot.wait_idle()
    assert deals(http_bot) == 1


def test_health_says_whether_the_database_answers(
    http_bot: RunningBot, clock: ManualClock, tmp_path: Path
) -> None:
    assert http_bot.web is not None
    healthy = get(f"http://127.0.0.1:{http_bot.web.port}/healthz")
    assert (healthy.status, healthy.body) == (200, "ok\n")

    gone = Store(f"sqlite:///{tmp_path / 'no' / 'such' / 'serve.db'}")
    server = WebServer(SlackWeb(http_bot.app, gone, Metrics(clock)), port=0, host="127.0.0.1")
    server.start()
    try:
        sick = get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        server.stop()
    assert sick.status == 503


def test_metrics_count_events_and_due_work(
    fake_slack: FakeSlack, http_bot: RunningBot, clock: ManualClock
) -> None:
    post_event(events_url(http_bot), deal_event(fake_slack, "Closed Hooli :tada:"))
    assert http_bot.wait_idle()
    clock.set(clock.now().replace(year=2026, month=11, day=23, hour=18))  # Monday 10:00 LA
    http_bot.tick()
    assert http_bot.web is not None

    text = get(f"http://127.0.0.1:{http_bot.web.port}/metrics").body

    assert 'serve_events_handled_total{kind="message"} 1' in text
    assert 'serve_due_work_total{kind="checkin_send",outcome="done"} 1' in text
    assert "serve_due_work_lag_seconds 0.000" in text
    assert "serve_claims_held 0" in text


def test_log_lines_are_json_with_workspace_kind_and_outcome_and_no_text_or_tokens(
    fake_slack: FakeSlack, http_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret_customer = "Zyxwvut Industries"

    post_event(events_url(http_bot), deal_event(fake_slack, f"Closed {secret_customer} :tada:"))
    assert http_bot.wait_idle()

    lines = [json.loads(JsonLines().format(record)) for record in caplog.records]
    handled = [line for line in lines if line.get("kind") == "message"]
    assert handled and handled[0]["workspace"] == "T0SERVE"
    assert handled[0]["outcome"] == "handled"
    info = [line for line in lines if line["level"] == "INFO"]
    assert info and all(secret_customer not in json.dumps(line) for line in info)

    record = logging.LogRecord("x", logging.ERROR, "", 0, "token %s", ("xoxb-123-abc",), None)
    assert "xoxb-123-abc" not in JsonLines().format(record)
