"""Every input gets an answer: whatever is typed after `/serve`, whatever is put in any
modal's fields, Serve acks, answers the person (an error under a field, an ephemeral, a
DM or a modal), and no listener fails."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import MONDAY_10AM_LA, answer_text, hostile_text, serve
from bot.services.commands import SUBCOMMANDS, Refusal
from bot.views import commands as command_views

FIFTY_KB = "Acme " * 10_000


def listener_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What Bolt's error handler (bot/listeners/errors.py) and Bolt itself logged."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("typed", [*SUBCOMMANDS, "my data", "forget me", "digest preview"])
def test_every_subcommand_with_fifty_kilobytes_after_it_is_refused_ephemerally(
    fake_slack: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = serve(fake_slack, bot, "U0ALICE", f"{typed} {FIFTY_KB}")

    assert command_views.REFUSALS[Refusal.TOO_LONG] in answer_text(reply)
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    assert listener_failures(caplog) == []
    assert fake_slack.views == [] and fake_slack.responses == []


def test_fifty_kilobytes_with_no_subcommand_is_refused_too(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    reply = serve(fake_slack, bot, "U0ALICE", "x" * 50_000)

    assert command_views.REFUSALS[Refusal.TOO_LONG] in answer_text(reply)


def test_a_timeline_asked_for_a_name_no_customer_can_have_is_refused_before_any_search(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    reply = serve(fake_slack, bot, "U0ALICE", "timeline " + "Acme " * 100)

    assert command_views.REFUSALS[Refusal.CUSTOMER_TOO_LONG] in answer_text(reply)
    assert fake_slack.responses == []


# -- any text, anywhere ----------------------------------------------------------------------

SOME = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TYPED = [*SUBCOMMANDS, "my data", "forget me", "digest preview", "pause until", "deal"]


class Answers:
    """What a person could have seen from Serve so far: anything posted to them, any
    modal opened or updated, anything sent to a response URL."""

    SHOWN = ("chat.postMessage", "chat.postEphemeral", "views.open", "views.update")

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.before = self.count()

    def count(self) -> int:
        fake = self.fake
        return len(fake.responses) + sum(len(fake.calls_to(m)) for m in self.SHOWN)

    def new(self) -> bool:
        return self.count() > self.before


def answered(ack: dict[str, Any] | None, seen: Answers) -> bool:
    return bool(ack) or seen.new()


def assert_answered_and_nothing_failed(
    ack: dict[str, Any] | None, seen: Answers, caplog: pytest.LogCaptureFixture
) -> None:
    assert listener_failures(caplog) == []
    assert answered(ack, seen), "the person was answered nothing"


@SOME
@given(typed=st.sampled_from(TYPED), words=hostile_text())
def test_any_words_after_any_subcommand_get_an_answer_and_fail_no_listener(
    fake_slack: FakeSlack,
    bot: RunningBot,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    typed: str,
    words: str,
) -> None:
    clock.set(MONDAY_10AM_LA)
    caplog.clear()
    seen = Answers(fake_slack)
    with caplog.at_level(logging.ERROR):
        ack = serve(fake_slack, bot, "U0ALICE", f"{typed} {words}")
    assert_answered_and_nothing_failed(ack, seen, caplog)
