"""Every input gets an answer: whatever is typed after `/serve`, whatever is put in any
modal's fields, Serve acks, answers the person (an error under a field, an ephemeral, a
DM or a modal), and no listener fails."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    answer_text,
    at,
    checkins_of,
    close_deal,
    hostile_text,
    serve,
    settings_values,
    story_values,
)
from bot.services.commands import SUBCOMMANDS, Refusal
from bot.store.models import CheckIn, CheckInStatus, Deal, Story, Workspace
from bot.views import checkins as checkin_views
from bot.views import commands as command_views
from bot.views import deals as deal_views
from bot.views import settings as settings_views
from bot.views import stories as story_views

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


BELL = "Acme\x07\x1b[2J Corp"  # a bell and a terminal escape: nobody types these


def deal_form(customer: str, amount: str = "") -> dict[str, Any]:
    return {
        "customer": {"value": {"type": "plain_text_input", "value": customer}},
        "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
        "amount": {"value": {"type": "plain_text_input", "value": amount}},
    }


@pytest.mark.parametrize("customer", ["Acme " * 100, BELL])
def test_a_customer_too_long_or_with_control_characters_is_refused_under_its_field(
    fake_slack: FakeSlack, bot: RunningBot, customer: str
) -> None:
    post = fake_slack.post_as_user("C0RANDOM", "We got the Acme thing over the line", "U0ALICE")
    from_message = deal_views.log_deal_modal("C0RANDOM", post.as_event(), "", "U0ALICE")
    by_hand = command_views.new_deal_modal()

    acks = [
        fake_slack.submit("U0ALICE", modal, deal_form(customer))
        for modal in (from_message, by_hand)
    ]
    assert bot.wait_idle()

    for ack in acks:
        assert ack.get("response_action") == "errors" and set(ack["errors"]) == {"customer"}
    with bot.store.session() as session:
        assert session.scalars(select(Deal)).all() == []


def test_control_characters_in_a_story_or_a_note_are_refused_under_their_fields(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    story = story_values(["U0BOB"], f"Bob stayed late {BELL}", served=BELL)
    story_ack = fake_slack.submit("U0ALICE", story_views.story_modal("command"), story)
    checkin, deal = waiting_checkin(fake_slack, bot, clock)
    note = {
        "outcome": {"value": {"type": "radio_buttons", "selected_option": {"value": "neutral"}}},
        "note": {"value": {"type": "plain_text_input", "value": f"Fine.\n{BELL}"}},
    }
    note_ack = fake_slack.submit("U0ALICE", checkin_views.reached_out_modal(checkin, deal), note)
    assert bot.wait_idle()

    assert story_ack.get("response_action") == "errors"
    assert set(story_ack["errors"]) == {"what_happened", "served"}
    assert note_ack.get("response_action") == "errors" and set(note_ack["errors"]) == {"note"}
    with bot.store.session() as session:
        assert session.scalars(select(Story)).all() == []
        assert session.get_one(CheckIn, checkin.id).status == CheckInStatus.SENT


def test_a_story_and_a_note_keep_their_line_breaks_and_tabs(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    story = story_values(["U0BOB"], "Bob stayed late.\n\tThen he fixed it.\r\n")
    ack = fake_slack.submit("U0ALICE", story_views.story_modal("command"), story)

    assert ack.get("response_action") == "update"


def test_settings_text_longer_than_its_input_takes_is_refused_under_its_field(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = settings_views.settings_modal(bot.settings, "T0SERVE")
    values = settings_values(
        checkin_cadence_days=typed_in("3, 14, " * 100 + "45"),
        holidays=typed_in(", ".join(["2027-01-01"] * 200)),
    )

    ack = fake_slack.submit("U0ADMIN", modal, values)

    assert ack.get("response_action") == "errors"
    assert set(ack["errors"]) == {"checkin_cadence_days", "holidays"}
    assert all("at most" in error for error in ack["errors"].values())
    with bot.store.session() as session:
        workspace = session.get(Workspace, "T0SERVE")
    assert workspace is None or workspace.checkin_cadence_days is None


# -- any text, anywhere ----------------------------------------------------------------------

SOME = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TYPED = [*SUBCOMMANDS, "my data", "forget me", "digest preview", "pause until", "deal"]


class Answers:
    """What a person could have seen from Serve so far: anything posted to them, any
    modal opened or updated, anything sent to a response URL."""

    SHOWN = ("chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.update")

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


def typed_in(text: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def submitted(
    fake: FakeSlack, bot: RunningBot, user: str, view: dict[str, Any], values: dict[str, Any]
) -> tuple[dict[str, Any], Answers]:
    seen = Answers(fake)
    ack = fake.submit(user, view, values)
    assert bot.wait_idle()
    return ack, seen


@SOME
@given(what_happened=hostile_text(), served=hostile_text())
def test_any_story_text_is_answered(
    fake_slack: FakeSlack,
    bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    what_happened: str,
    served: str,
) -> None:
    caplog.clear()
    values = story_values(["U0BOB"], what_happened, served=served)
    with caplog.at_level(logging.ERROR):
        ack, seen = submitted(
            fake_slack, bot, "U0ALICE", story_views.story_modal("command"), values
        )
    assert_answered_and_nothing_failed(ack, seen, caplog)


@SOME
@given(cadence=hostile_text(), holidays=hostile_text(), zone=hostile_text())
def test_any_settings_text_is_answered(
    fake_slack: FakeSlack,
    bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    cadence: str,
    holidays: str,
    zone: str,
) -> None:
    caplog.clear()
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = settings_views.settings_modal(bot.settings, "T0SERVE")
    values = settings_values(
        checkin_cadence_days=typed_in(cadence),
        holidays=typed_in(holidays),
        default_timezone=typed_in(zone),
    )
    with caplog.at_level(logging.ERROR):
        ack, seen = submitted(fake_slack, bot, "U0ADMIN", modal, values)
    assert_answered_and_nothing_failed(ack, seen, caplog)


@SOME
@given(customer=hostile_text(), amount=hostile_text())
def test_any_new_deal_text_is_answered(
    fake_slack: FakeSlack,
    bot: RunningBot,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    customer: str,
    amount: str,
) -> None:
    clock.set(MONDAY_10AM_LA)
    caplog.clear()
    values = {
        "customer": {"value": typed_in(customer)},
        "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
        "amount": {"value": typed_in(amount)},
    }
    with caplog.at_level(logging.ERROR):
        ack, seen = submitted(fake_slack, bot, "U0ALICE", command_views.new_deal_modal(), values)
    assert_answered_and_nothing_failed(ack, seen, caplog)


@SOME
@given(customer=hostile_text())
def test_any_customer_logged_from_a_message_is_answered(
    fake_slack: FakeSlack,
    bot: RunningBot,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    customer: str,
) -> None:
    clock.set(MONDAY_10AM_LA)
    caplog.clear()
    post = fake_slack.post_as_user("C0RANDOM", "We got the Acme thing over the line", "U0ALICE")
    modal = deal_views.log_deal_modal("C0RANDOM", post.as_event(), "", "U0ALICE")
    values = {
        "customer": {"value": typed_in(customer)},
        "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
    }
    with caplog.at_level(logging.ERROR):
        ack, seen = submitted(fake_slack, bot, "U0ALICE", modal, values)
        bot.tick()  # the deal's thread reply is due work
    assert_answered_and_nothing_failed(ack, seen, caplog)


def waiting_checkin(fake: FakeSlack, bot: RunningBot, clock: ManualClock) -> tuple[Any, Any]:
    """Alice's first check-in, sent and waiting for her, with its deal."""
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    [first, *_] = checkins_of(bot, deal)
    return first, deal


def waiting_again(bot: RunningBot, checkin_id: int) -> None:
    """Put the check-in back as it was before it was answered, for the next example."""
    with bot.store.session() as session:
        checkin = session.get_one(CheckIn, checkin_id)
        checkin.status, checkin.recipient_id = CheckInStatus.SENT, "U0ALICE"
        checkin.outcome = checkin.note = None


OUTCOMES = st.one_of(st.sampled_from(["satisfied", "neutral", "needs_help"]), hostile_text())


@pytest.mark.parametrize("form", ["reached_out", "snooze", "hand_off"])
def test_any_answer_to_a_checkin_form_is_answered(
    fake_slack: FakeSlack,
    bot: RunningBot,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    form: str,
) -> None:
    checkin, deal = waiting_checkin(fake_slack, bot, clock)
    modal = getattr(checkin_views, f"{form}_modal")(checkin, deal)
    picked = {
        "reached_out": st.fixed_dictionaries(
            {
                "outcome": OUTCOMES.map(
                    lambda v: {"type": "radio_buttons", "selected_option": {"value": v}}
                ),
                "note": hostile_text().map(typed_in),
            }
        ),
        "snooze": st.fixed_dictionaries(
            {
                "days": st.one_of(st.sampled_from(["1", "7"]), hostile_text()).map(
                    lambda v: {"type": "radio_buttons", "selected_option": {"value": v}}
                )
            }
        ),
        "hand_off": st.fixed_dictionaries(
            {
                "teammate": st.one_of(st.sampled_from(["U0BOB", "U0ALICE"]), hostile_text()).map(
                    lambda v: {"type": "users_select", "selected_user": v}
                )
            }
        ),
    }[form]

    @SOME
    @given(states=picked)
    def answer(states: dict[str, Any]) -> None:
        caplog.clear()
        values = {block: {"value": state} for block, state in states.items()}
        with caplog.at_level(logging.ERROR):
            ack, seen = submitted(fake_slack, bot, "U0ALICE", modal, values)
        assert_answered_and_nothing_failed(ack, seen, caplog)
        waiting_again(bot, checkin.id)

    answer()
