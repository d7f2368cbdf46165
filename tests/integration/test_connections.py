"""Web API calls reuse their connections: the runner's clients (many threads at once) and
the listeners' (a new client for every request Bolt handles) share kept-alive
connections per host. A connection the server closed is replaced without sending a post
twice; the fake counts the connections it accepts and closes the idle ones on demand."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import BOT_TOKEN, DROPPED, FakeSlack
from bot.sandbox.support import DEALS_CHANNEL
from bot.slack_api import KeepAliveClient, Origin, kept_connections, runner_client

CALLS = 50
THREADS = 5


def kept_alive_without_retries(fake: FakeSlack, timeout: int = 10) -> KeepAliveClient:
    """Only the transport's own resending, none of the retry handlers'."""
    return KeepAliveClient(
        token=BOT_TOKEN, base_url=fake.api_url, timeout=timeout, retry_handlers=[]
    )


def test_the_runners_calls_from_several_threads_reuse_their_connections(
    fake_slack: FakeSlack, settings: Settings, clock: ManualClock
) -> None:
    web = runner_client(settings, clock)
    before = fake_slack.connections_opened

    with ThreadPoolExecutor(THREADS) as threads:
        answers = list(threads.map(lambda _: web.users_info(user="U0ALICE"), range(CALLS)))

    assert all(answer["ok"] for answer in answers)
    assert len(fake_slack.calls_to("users.info")) == CALLS
    assert fake_slack.connections_opened - before <= THREADS


def test_a_workspaces_clients_share_its_connections(
    fake_slack: FakeSlack, settings: Settings, clock: ManualClock
) -> None:
    before = fake_slack.connections_opened

    for _ in range(10):
        assert runner_client(settings, clock, BOT_TOKEN).auth_test()["ok"]

    assert fake_slack.connections_opened - before == 1


def test_requests_bolt_gives_clients_of_their_own_reuse_the_listeners_connections(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.open_home("U0ALICE")
    assert bot.wait_idle()
    calls, before = len(fake_slack.calls), fake_slack.connections_opened

    for _ in range(20):
        fake_slack.open_home("U0ALICE")
        assert bot.wait_idle()

    assert len(fake_slack.calls_to("views.publish")) == 21
    assert len(fake_slack.calls) - calls >= 20
    assert fake_slack.connections_opened - before <= 2


def test_a_post_whose_kept_connection_was_closed_while_idle_is_sent_once_on_a_fresh_one(
    fake_slack: FakeSlack,
) -> None:
    web = kept_alive_without_retries(fake_slack)
    assert web.auth_test()["ok"]
    assert fake_slack.close_idle_connections() == 1

    assert web.chat_postMessage(channel=DEALS_CHANNEL, text="Closed Acme")["ok"]

    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [200]
    assert [m.text for m in fake_slack.messages[DEALS_CHANNEL]] == ["Closed Acme"]
    assert fake_slack.connections_opened == 2


def test_a_connection_the_server_closed_while_idle_is_not_handed_to_the_next_call(
    fake_slack: FakeSlack,
) -> None:
    web = kept_alive_without_retries(fake_slack)
    assert web.auth_test()["ok"]
    kept = kept_connections(Origin.of(fake_slack.api_url, None))

    assert fake_slack.close_idle_connections() == 1

    assert kept.take() is None


def test_a_post_whose_kept_connection_was_closed_is_not_sent_twice(
    fake_slack: FakeSlack, settings: Settings, clock: ManualClock
) -> None:
    web = runner_client(settings, clock)
    assert web.auth_test()["ok"]
    fake_slack.fail_next("chat.postMessage", drop=True, applied=True)

    with pytest.raises(RemoteDisconnected):
        web.chat_postMessage(channel=DEALS_CHANNEL, text="Closed Acme")

    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [DROPPED]
    assert [m.text for m in fake_slack.messages[DEALS_CHANNEL]] == ["Closed Acme"]
    assert web.chat_postMessage(channel=DEALS_CHANNEL, text="Closed Beta")["ok"]


def test_a_lookup_whose_kept_connection_was_closed_under_it_is_resent_on_a_fresh_one(
    fake_slack: FakeSlack,
) -> None:
    web = kept_alive_without_retries(fake_slack)
    assert web.auth_test()["ok"]
    fake_slack.fail_next("users.info", drop=True)

    assert web.users_info(user="U0ALICE")["user"]["id"] == "U0ALICE"

    assert [c.status for c in fake_slack.calls_to("users.info")] == [DROPPED, 200]
    assert fake_slack.connections_opened == 2


def test_a_lookup_dropped_on_a_fresh_connection_is_not_resent_by_the_transport(
    fake_slack: FakeSlack,
) -> None:
    web = kept_alive_without_retries(fake_slack)
    fake_slack.fail_next("users.info", drop=True)

    with pytest.raises(RemoteDisconnected):
        web.users_info(user="U0ALICE")

    assert [c.status for c in fake_slack.calls_to("users.info")] == [DROPPED]


def test_an_answer_that_came_too_late_is_not_read_as_the_next_calls(
    fake_slack: FakeSlack,
) -> None:
    web = kept_alive_without_retries(fake_slack, timeout=1)
    assert web.auth_test()["ok"]
    fake_slack.fail_next("users.info", delay=1.5)

    with pytest.raises(TimeoutError):
        web.users_info(user="U0ALICE")

    assert web.users_info(user="U0BOB")["user"]["id"] == "U0BOB"


def test_a_refused_connection_surfaces_as_urllib_says_it(fake_slack: FakeSlack) -> None:
    web = KeepAliveClient(token=BOT_TOKEN, base_url="http://127.0.0.1:9/api/", retry_handlers=[])

    with pytest.raises(URLError):
        web.auth_test()


def test_the_fake_counts_connections_and_honours_connection_close(fake_slack: FakeSlack) -> None:
    before = fake_slack.connections_opened

    for _ in range(3):  # urllib, as slack_sdk uses it, asks for `Connection: close`
        request = urllib.request.Request(
            f"{fake_slack.api_url}auth.test",
            data=b"",
            headers={"Authorization": f"Bearer {BOT_TOKEN}"},
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.headers.get("Connection", "").lower() != "keep-alive"
            answer.read()

    assert fake_slack.connections_opened - before == 3
    assert fake_slack.close_idle_connections() == 0
