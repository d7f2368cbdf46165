"""`servebot run --http`: Slack's requests at /slack/events, signed; /healthz; /metrics;
structured logs; one process per SQLite file."""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.logs import JsonLines
from bot.metrics import Metrics
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.fakeslack.http_delivery import (
    SIGNING_SECRET,
    Answer,
    get,
    post_event,
    post_form,
    post_interaction,
)
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA, story_values
from bot.services.workflow import LOG_DEAL
from bot.store.db import Store
from bot.store.models import Deal, Story
from bot.views import stories as story_views
from bot.web import BODY_LIMIT_BYTES, SlackSignatures, SlackWeb, WebServer


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


def slack_time(bot: RunningBot) -> int:
    """Slack signs with its own clock, which in these tests is the injected one."""
    return int(bot.clock.now().timestamp())


def test_a_signed_deal_post_is_acked_and_recorded(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    body = deal_event(fake_slack, "Closed Acme Corp :tada:")
    answer = post_event(events_url(http_bot), body, timestamp=slack_time(http_bot))

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
        {"age": 600},  # ten minutes old
    ],
    ids=["unsigned", "forged", "wrong-secret", "stale"],
)
def test_requests_slack_did_not_sign_are_refused_and_change_nothing(
    fake_slack: FakeSlack, http_bot: RunningBot, forgery: dict[str, object]
) -> None:
    calls_before = len(fake_slack.calls)
    body = deal_event(fake_slack, "Closed Acme Corp :tada:")
    age = int(forgery.pop("age", 0))  # type: ignore[call-overload]
    forgery.setdefault("timestamp", slack_time(http_bot) - age)

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
    fields = fake_slack.command_payload("U0ALICE", "help")
    answer = post_form(events_url(http_bot), fields, timestamp=slack_time(http_bot))

    assert answer.status == 200
    reply = answer.json()
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    assert "/serve timeline" in json.dumps(reply)


def test_slacks_retry_of_the_same_event_makes_one_deal(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    body = deal_event(fake_slack, "Closed Initech :tada:")
    first = post_event(events_url(http_bot), body, timestamp=slack_time(http_bot))
    again = post_event(events_url(http_bot), body, timestamp=slack_time(http_bot), retry_num=1)

    assert (first.status, again.status) == (200, 200)
    assert http_bot.wait_idle()
    assert deals(http_bot) == 1


def test_a_workflow_step_run_posted_to_the_app_ends_with_its_deal_and_its_retry_with_none_more(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    body = fake_slack.function_executed(LOG_DEAL, {"customer": "Hooli", "owner": "U0BOB"})
    run = body["event"]["function_execution_id"]
    first = post_event(events_url(http_bot), body, timestamp=slack_time(http_bot))
    again = post_event(events_url(http_bot), body, timestamp=slack_time(http_bot), retry_num=1)

    assert (first.status, again.status) == (200, 200)
    ended = fake_slack.wait_for_end(run, calls=2)
    assert http_bot.wait_idle()
    assert ended.state == "completed" and deals(http_bot) == 1
    with http_bot.store.reading() as session:
        [deal] = session.scalars(select(Deal))
    assert ended.outputs is not None and ended.outputs["deal_id"] == deal.id


def test_health_says_whether_the_database_answers(
    http_bot: RunningBot, clock: ManualClock, tmp_path: Path
) -> None:
    assert http_bot.web is not None
    healthy = get(f"http://127.0.0.1:{http_bot.web.port}/healthz")
    assert (healthy.status, healthy.body) == (200, "ok\n")

    gone = Store(f"sqlite:///{tmp_path / 'no' / 'such' / 'serve.db'}")
    signatures = SlackSignatures(SIGNING_SECRET, clock)
    application = SlackWeb(http_bot.app, gone, Metrics(clock), signatures)
    server = WebServer(application, port=0, host="127.0.0.1")
    server.start()
    try:
        sick = get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        server.stop()
    assert sick.status == 503


def test_metrics_count_events_and_due_work(
    fake_slack: FakeSlack, http_bot: RunningBot, clock: ManualClock
) -> None:
    body = deal_event(fake_slack, "Closed Hooli :tada:")
    post_event(events_url(http_bot), body, timestamp=slack_time(http_bot))
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

    body = deal_event(fake_slack, f"Closed {secret_customer} :tada:")
    post_event(events_url(http_bot), body, timestamp=slack_time(http_bot))
    assert http_bot.wait_idle()

    lines = [json.loads(JsonLines().format(record)) for record in caplog.records]
    handled = [line for line in lines if line.get("kind") == "deal"]  # messages: at DEBUG
    assert handled and handled[0]["workspace"] == "T0SERVE"
    assert handled[0]["outcome"] == "recorded"
    info = [line for line in lines if line["level"] == "INFO"]
    assert info and all(secret_customer not in json.dumps(line) for line in info)

    record = logging.LogRecord("x", logging.ERROR, "", 0, "token %s", ("xoxb-123-abc",), None)
    assert "xoxb-123-abc" not in JsonLines().format(record)


# -- what a stranger can send -----------------------------------------------------------------


def exchange(bot: RunningBot, data: bytes, timeout: float = 2.0) -> bytes:
    """Send raw bytes to the server and read what comes back until it closes or pauses."""
    assert bot.web is not None
    with socket.create_connection(("127.0.0.1", bot.web.port), timeout=timeout) as connection:
        connection.sendall(data)
        answer = b""
        with contextlib.suppress(TimeoutError):
            while chunk := connection.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer:
                    break
        return answer


def test_a_body_far_over_the_cap_is_refused_before_it_arrives(http_bot: RunningBot) -> None:
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: serve\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % (20 * 1024 * 1024)
    )
    started = time.monotonic()

    answer = exchange(http_bot, head + b'{"type": "event_callback"')

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert time.monotonic() - started < 1.5  # answered without waiting for the 20 MB


class CountingInput:
    """A request body that says how much of it was read."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def read(self, limit: int = -1) -> bytes:
        wanted = (
            self.size - self.read_bytes if limit < 0 else min(limit, self.size - self.read_bytes)
        )
        self.read_bytes += wanted
        return b"x" * wanted


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_the_wsgi_layer_reads_no_more_than_the_cap_of_a_big_body(
    http_bot: RunningBot, declared: bool
) -> None:
    """Behind another server (or a chunked body, whose length nobody declared) the app
    itself refuses a big body without reading it into memory."""
    assert http_bot.web is not None
    body = CountingInput(20 * 1024 * 1024)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "wsgi.input": body,
        **({"CONTENT_LENGTH": str(body.size)} if declared else {}),
    }
    statuses: list[str] = []

    http_bot.web.application(environ, lambda status, headers: statuses.append(status))

    assert statuses and statuses[0].startswith("413")
    assert body.read_bytes <= BODY_LIMIT_BYTES + 1


def raw_post(bot: RunningBot, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(events_url(bot), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return Answer(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))


def signature(stamp: str, body: bytes) -> str:
    return str(SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body))


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def malformed(case: str, now: int) -> tuple[bytes, dict[str, str]]:
    """A request that is wrong in one way: its timestamp, its signature or its body."""
    stamp, body, kind = str(now), b'{"type": "event_callback", "event": {}}', JSON
    if case == "words-timestamp":
        stamp = "yesterday"
    elif case == "huge-timestamp":
        stamp = "9" * 5000
    elif case == "not-utf8":
        body = b'{"text": "\xff\xfe"}'
    elif case == "not-json":
        body = b'{"type": "event_callback",'
    elif case == "json-list":
        body = b"[1, 2, 3]"
    elif case == "payload-not-json":
        body, kind = b"payload=%7Bnot+json", FORM
    headers = {"Content-Type": kind, "X-Slack-Request-Timestamp": stamp}
    headers["X-Slack-Signature"] = signature(stamp, body) if case != "not-utf8" else ""
    if case == "not-utf8":  # signed over the bytes as they are
        mac = hmac.new(SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, "sha256")
        headers["X-Slack-Signature"] = "v0=" + mac.hexdigest()
    if case == "no-timestamp":
        del headers["X-Slack-Request-Timestamp"]
    elif case == "no-signature":
        del headers["X-Slack-Signature"]
    elif case == "garbled-signature":
        headers["X-Slack-Signature"] = "v0=\u00e9t\u00e9"  # not hex, not even ASCII
    return body, headers


UNSIGNED = ["words-timestamp", "huge-timestamp", "no-timestamp", "no-signature"]
BAD_BODIES = ["not-utf8", "not-json", "json-list", "payload-not-json"]


@pytest.mark.parametrize("case", [*UNSIGNED, "garbled-signature", *BAD_BODIES])
def test_malformed_requests_get_a_4xx_and_no_traceback(
    fake_slack: FakeSlack, http_bot: RunningBot, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.DEBUG)
    calls_before = len(fake_slack.calls)
    body, headers = malformed(case, slack_time(http_bot))

    answer = raw_post(http_bot, body, headers)

    assert answer.status == (400 if case in BAD_BODIES else 401)
    assert "Traceback" not in answer.body
    assert http_bot.wait_idle()
    loud = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert loud == [], [r.getMessage() for r in loud]
    assert len(fake_slack.calls) == calls_before
    assert deals(http_bot) == 0


def test_a_replayed_deal_command_logs_one_deal(fake_slack: FakeSlack, http_bot: RunningBot) -> None:
    fields = fake_slack.command_payload("U0ALICE", "deal Acme Corp")

    first = post_form(events_url(http_bot), fields, timestamp=slack_time(http_bot))
    assert http_bot.wait_idle()
    again = post_form(events_url(http_bot), fields, timestamp=slack_time(http_bot))
    assert http_bot.wait_idle()

    assert (first.status, again.status) == (200, 200)
    assert deals(http_bot) == 1


def test_a_replayed_story_submission_stores_one_story(
    fake_slack: FakeSlack, http_bot: RunningBot
) -> None:
    values = story_values(["U0BOB"], "Bob stayed late to fix Acme's export")
    payload = fake_slack.submission_payload("U0ALICE", story_views.story_modal("command"), values)

    first = post_interaction(events_url(http_bot), payload, timestamp=slack_time(http_bot))
    assert http_bot.wait_idle()
    again = post_interaction(events_url(http_bot), payload, timestamp=slack_time(http_bot))
    assert http_bot.wait_idle()

    assert (first.status, again.status) == (200, 200)
    with http_bot.store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1


# -- slow clients -------------------------------------------------------------------------------


def dribble(port: int, sockets: list[socket.socket], stop: threading.Event) -> None:
    """Open connections that send a request's header lines, one every five seconds."""
    for _ in range(200):
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: serve\r\n")
        sockets.append(connection)
    while not stop.wait(5):
        for connection in sockets:
            with contextlib.suppress(OSError):
                connection.sendall(b"X-Still-There: yes\r\n")


@pytest.mark.slow
def test_health_answers_while_two_hundred_clients_dribble_headers(http_bot: RunningBot) -> None:
    assert http_bot.web is not None
    port = http_bot.web.port
    sockets: list[socket.socket] = []
    stop = threading.Event()
    dribbler = threading.Thread(target=dribble, args=(port, sockets, stop), daemon=True)
    dribbler.start()
    try:
        assert wait_until(lambda: len(sockets) == 200, 5)
        polls = []
        for _ in range(5):
            started = time.monotonic()
            answer = get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            polls.append((answer.status, round(time.monotonic() - started, 1)))
            time.sleep(2)
        assert all(status == 200 and took < 2 for status, took in polls), polls
        assert sum(closed_by_server(s) for s in sockets) == 200  # the dribblers are let go
    finally:
        stop.set()
        dribbler.join(10)
        for connection in sockets:
            connection.close()


def closed_by_server(connection: socket.socket) -> bool:
    connection.settimeout(0.05)
    try:
        return connection.recv(1024) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
