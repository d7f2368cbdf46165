"""The fake Slack holds the bot to Slack's published API: these check the checker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_channel("C0GENERAL", "general")
    yield fake
    fake.stop()


def client(fake: FakeSlack, token: str = BOT_TOKEN) -> WebClient:
    return WebClient(token=token, base_url=fake.api_url)


def test_a_valid_call_is_answered_and_recorded(fake: FakeSlack) -> None:
    answer = client(fake).chat_postMessage(channel="C0GENERAL", text="hello")

    assert answer["ok"] and answer["ts"]
    [call] = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C0GENERAL", "text": "hello"}
    assert fake.violations == []


def test_an_argument_slack_does_not_know_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake).api_call("chat.postMessage", json={"channel": "C0GENERAL", "txet": "hi"})
    assert fake.violations == ["chat.postMessage: unknown argument 'txet'"]


def test_a_missing_required_argument_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake).api_call("chat.update", json={"channel": "C0GENERAL", "text": "x"})
    assert fake.violations == ["chat.update: missing 'ts'"]


def test_block_kit_that_slack_sdk_rejects_is_a_violation(fake: FakeSlack) -> None:
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    too_many = [{"type": "divider"}] * 51
    for blocks in (too_long, too_many, [{"type": "sparkles"}]):
        with pytest.raises(SlackApiError):
            client(fake).chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks)
    assert len(fake.violations) == 3
    assert "3000" in fake.violations[0] and "51 blocks" in fake.violations[1]


def test_a_call_with_the_wrong_token_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake, token=APP_TOKEN).chat_postMessage(channel="C0GENERAL", text="hi")
    assert fake.violations == ["chat.postMessage: called with the wrong token"]


def test_failures_on_demand(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    fake.fail_next("chat.postMessage", status=503)
    fake.fail_next("chat.postMessage", error="channel_not_found")
    answers = []
    for _ in range(3):
        with pytest.raises(SlackApiError) as raised:
            client(fake).chat_postMessage(channel="C0GENERAL", text="hi")
        answers.append(raised.value.response)

    assert answers[0].status_code == 429 and answers[0].headers["Retry-After"] == "7"
    assert answers[0]["error"] == "ratelimited"
    assert answers[1].status_code == 503
    assert answers[2]["error"] == "channel_not_found"
    assert fake.messages["C0GENERAL"] == []
    assert client(fake).chat_postMessage(channel="C0GENERAL", text="now")["ok"]


def test_socket_mode_url_points_at_the_fakes_own_endpoint(fake: FakeSlack) -> None:
    url = client(fake).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:")
