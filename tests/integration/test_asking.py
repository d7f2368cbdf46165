"""Asking when unsure: a post with a sign of a win Serve cannot read gets one ephemeral
question to its poster ("Log it" or "Not a deal"), the thread reply's "Change customer",
and every answer kept as an example the reader is handed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    LIVE_MARKUP,
    click_ephemeral,
    close_deal,
    hostile_text,
    last_response,
    message_changed,
    serve,
)
from bot.services import deals as deal_service
from bot.services import reading
from bot.services.examples import examples_for
from bot.services.recognition import DealSighting
from bot.store.models import CheckIn, Deal, Label, LabelledMessage
from bot.views import asks as ask_views
from bot.views import deals as deal_views

UNSURE = "hooli said yes :tada: $30k"  # a win the rules cannot name
LOOK_ALIKE = "initech said yes :tada: $12k"  # the same words, other names and figures


def channel_event(message: Message, **extra: Any) -> dict[str, Any]:
    return {**message.as_event(), "channel": message.channel, "channel_type": "channel", **extra}


def post(
    fake: FakeSlack, bot: RunningBot, text: str, user: str = "U0ALICE", **event: Any
) -> Message:
    message = fake.post_as_user(DEALS_CHANNEL, text, user=user)
    fake.send_event(channel_event(message), **event)
    assert bot.wait_idle()
    bot.tick()
    return message


def asks(fake: FakeSlack) -> list[dict[str, Any]]:
    return [e for e in fake.ephemerals if e["text"] == ask_views.WAS_IT_A_DEAL]


def deals_in(bot: RunningBot) -> list[Deal]:
    with bot.store.reading() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def labels_in(bot: RunningBot) -> list[tuple[str, str, str, str | None]]:
    with bot.store.reading() as session:
        rows = session.scalars(select(LabelledMessage).order_by(LabelledMessage.id))
        return [(m.message_ts, m.label, m.labelled_by, m.customer) for m in rows]


def submit_log(fake: FakeSlack, bot: RunningBot, user: str, customer: str, amount: str) -> Any:
    ack = fake.submit(
        user,
        fake.views[-1],
        {
            "customer": {"value": {"type": "plain_text_input", "value": customer}},
            "owner": {"value": {"type": "users_select", "selected_user": user}},
            "amount": {"value": {"type": "plain_text_input", "value": amount}},
        },
    )
    assert bot.wait_idle()
    bot.tick()  # the thread reply is due work
    return ack


def spy_on_reading(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[reading.Example]]:
    """What the deal capture hands the reader, call by call (the reader itself runs)."""
    seen: list[Sequence[reading.Example]] = []
    real: Callable[..., reading.Reading] = deal_service.read_post

    def read(message: Mapping[str, Any], examples: Sequence[reading.Example] = ()) -> Any:
        seen.append(list(examples))
        return real(message, examples)

    monkeypatch.setattr(deal_service, "read_post", read)
    return seen


def test_an_unsure_post_asks_its_poster_alone_once_whatever_comes_again(
    fake_slack: FakeSlack, bot: RunningBot, start_bot: Callable[..., RunningBot]
) -> None:
    message = post(fake_slack, bot, UNSURE, event_id="Ev0ASK1")
    fake_slack.send_event(channel_event(message), event_id="Ev0ASK1", retry_attempt=1)
    fake_slack.send_event(message_changed(message, UNSURE + " !!"))
    assert bot.wait_idle()
    replica = start_bot()
    fake_slack.send_event(channel_event(message), event_id="Ev0ASK2")
    assert replica.wait_idle()

    [ask] = asks(fake_slack)
    assert (ask["user"], ask["channel"]) == ("U0ALICE", DEALS_CHANNEL)
    assert [
        e["action_id"] for b in ask["blocks"] if b["type"] == "actions" for e in b["elements"]
    ] == [
        ask_views.LOG_IT,
        ask_views.NOT_A_DEAL,
    ]
    assert fake_slack.calls_to("chat.postMessage") == []  # the channel sees nothing
    assert deals_in(bot) == [] and fake_slack.violations == []


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    opening=st.sampled_from(["we won it :tada:", "won ", "signed!! :tada:", ""]),
    rest=hostile_text(),
)
def test_no_text_is_asked_about_twice_whatever_comes_again(
    fake_slack: FakeSlack, bot: RunningBot, opening: str, rest: str
) -> None:
    message = fake_slack.post_as_user(DEALS_CHANNEL, opening + rest, user="U0ALICE")
    for event in (
        channel_event(message),
        channel_event(message),
        message_changed(message, rest + opening),
    ):
        fake_slack.send_event(event)
    assert bot.wait_idle()

    assert len([a for a in asks(fake_slack) if message.ts in str(a["blocks"])]) <= 1
    assert fake_slack.violations == []


def test_no_ask_for_a_reply_in_a_thread_or_a_bot_without_an_owner(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    parent = fake_slack.post_as_user(DEALS_CHANNEL, "how did the week go?", user="U0BOB")
    reply = fake_slack.post_as_user(DEALS_CHANNEL, UNSURE, user="U0ALICE", thread_ts=parent.ts)
    fake_slack.send_event(channel_event(reply))
    chatter = fake_slack.post_as_user(DEALS_CHANNEL, UNSURE, user="U0ZAP", bot_id="B0ZAP")
    fake_slack.send_event(channel_event(chatter, subtype="bot_message"))
    assert bot.wait_idle()

    assert asks(fake_slack) == []


def test_a_crm_post_asks_the_owner_it_names_only_when_a_person(
    fake_slack: FakeSlack, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.add_user("U0ZAP", "zapier", is_bot=True)
    named: dict[str, str] = {}

    def unsure(message: Mapping[str, Any], examples: Sequence[reading.Example] = ()) -> Any:
        guess = DealSighting(LIVE_MARKUP[0], named[message["text"]], None, None, None, True)
        return reading.Reading(reading.Outcome.UNSURE, guess)

    monkeypatch.setattr(deal_service, "read_post", unsure)
    for said, owner in (("Opportunity won: ???", "U0BOB"), ("Opportunity won: !!!", "U0ZAP")):
        named[said] = owner
        crm = fake_slack.post_as_user(DEALS_CHANNEL, said, user="U0ZAP", bot_id="B0ZAP")
        fake_slack.send_event(channel_event(crm, subtype="bot_message"))
    assert bot.wait_idle()

    [ask] = asks(fake_slack)  # the bot named as owner is not asked
    assert ask["user"] == "U0BOB"
    assert "&lt;!channel&gt;" in str(ask["blocks"]) and "<!channel>" not in str(ask["blocks"])
    assert fake_slack.violations == []


def test_log_it_opens_the_form_filled_in_and_records_the_deal_with_its_label(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(FRIDAY_5PM_LA)
    seen = spy_on_reading(monkeypatch)
    message = post(fake_slack, bot, UNSURE)
    [ask] = asks(fake_slack)

    click_ephemeral(fake_slack, ask, ask_views.LOG_IT)
    assert bot.wait_idle()
    [form] = fake_slack.views
    fields = {b.get("block_id"): b for b in form["blocks"]}
    assert form["callback_id"] == deal_views.LOG_DEAL_MODAL
    assert fields["owner"]["element"]["initial_user"] == "U0ALICE"
    assert fields["amount"]["element"]["initial_value"] == "$30,000"
    ack = submit_log(fake_slack, bot, "U0ALICE", "Hooli", "$32k")

    assert ack == {}
    [deal] = deals_in(bot)
    assert (deal.customer, deal.owner_id, deal.amount) == ("Hooli", "U0ALICE", Decimal("32000"))
    with bot.store.reading() as session:
        planned = session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)).all()
    assert len(planned) == 4
    [reply] = [c.args for c in fake_slack.calls_to("chat.postMessage")]
    assert reply["thread_ts"] == message.ts and "*Hooli*" in str(reply["blocks"])
    assert labels_in(bot) == [(message.ts, Label.DEAL, "U0ALICE", "Hooli")]
    [example] = examples_for(bot.store, "T0SERVE")
    assert example.deal is not None and example.deal.customer == "Hooli"
    assert example.message["text"] == UNSURE

    post(fake_slack, bot, "stand-up at ten, as usual", user="U0BOB")
    assert [e.deal.customer for e in seen[-1] if e.deal] == ["Hooli"]  # handed to the reader
    assert fake_slack.violations == []


def test_not_a_deal_on_the_ask_keeps_the_label_stores_nothing_and_says_so(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    message = post(fake_slack, bot, UNSURE)
    [ask] = asks(fake_slack)

    click_ephemeral(fake_slack, ask, ask_views.NOT_A_DEAL)
    assert bot.wait_idle()

    [answer] = fake_slack.responses
    assert answer["replace_original"] is True and answer["text"] == ask_views.NOTED_NOT_A_DEAL
    assert deals_in(bot) == []
    assert labels_in(bot) == [(message.ts, Label.NOT_A_DEAL, "U0ALICE", None)]
    [example] = examples_for(bot.store, "T0SERVE")
    assert example.deal is None and example.message["text"] == UNSURE


def test_examples_come_newest_first_and_at_most_the_limit(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    unlike = [UNSURE, "PO received from initech, $12k", "the ink is dry at globex, $5k"]
    for said in unlike:  # none shaped like another, so each is asked about
        post(fake_slack, bot, said)
        click_ephemeral(fake_slack, asks(fake_slack)[-1], ask_views.NOT_A_DEAL)
        assert bot.wait_idle()
        clock.advance(timedelta(minutes=1))

    texts = [e.message["text"] for e in examples_for(bot.store, "T0SERVE", limit=2)]

    assert len(asks(fake_slack)) == 3
    assert texts == unlike[:0:-1]
    assert examples_for(bot.store, "T0OTHER") == []


def change_customer(fake: FakeSlack, bot: RunningBot, deal: Deal, user: str) -> None:
    reply = fake.message(DEALS_CHANNEL, deal.reply_ts or "")
    assert reply is not None
    fake.click(user, reply, deal_views.CHANGE_CUSTOMER)
    assert bot.wait_idle()


def test_change_customer_renames_the_deal_its_check_ins_and_timeline_follow(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Initech Europe :tada:")
    assert deal.customer == "Initech Europe"

    change_customer(fake_slack, bot, deal, "U0BOB")  # neither owner, poster nor admin
    assert fake_slack.views == []
    assert [e["text"] for e in fake_slack.ephemerals] == [deal_views.NOT_YOURS_TO_CHANGE]

    change_customer(fake_slack, bot, deal, "U0ALICE")
    [form] = fake_slack.views
    assert form["blocks"][0]["element"]["initial_value"] == "Initech Europe"
    ack = fake_slack.submit(
        "U0ALICE", form, {"customer": {"value": {"type": "plain_text_input", "value": "Initech"}}}
    )
    assert bot.wait_idle()

    assert ack == {}
    [renamed] = deals_in(bot)
    assert renamed.customer == "Initech"
    with bot.store.reading() as session:
        open_checkins = session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)).all()
    assert len(open_checkins) == 4
    assert "*Initech*" in str(fake_slack.calls_to("chat.update")[-1].args["blocks"])
    serve(fake_slack, bot, "U0ALICE", "timeline Initech")
    timeline = last_response(fake_slack)
    assert "Initech" in timeline and "Initech Europe" not in timeline
    assert labels_in(bot) == [(deal.message_ts, Label.DEAL, "U0ALICE", "Initech")]
    assert fake_slack.violations == []


def test_an_admin_may_change_a_customer_they_do_not_own(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot]
) -> None:
    bot = start_bot(admins=("U0BOB",))
    deal = close_deal(fake_slack, bot, "Closed Initech Europe :tada:")

    change_customer(fake_slack, bot, deal, "U0BOB")
    fake_slack.submit(
        "U0BOB",
        fake_slack.views[-1],
        {"customer": {"value": {"type": "plain_text_input", "value": "Initech"}}},
    )
    assert bot.wait_idle()

    assert [d.customer for d in deals_in(bot)] == ["Initech"] and fake_slack.ephemerals == []


def test_an_empty_customer_name_is_refused_under_its_field(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    deal = close_deal(fake_slack, bot, "Closed Initech Europe :tada:")
    change_customer(fake_slack, bot, deal, "U0ALICE")

    ack = fake_slack.submit(
        "U0ALICE",
        fake_slack.views[-1],
        {"customer": {"value": {"type": "plain_text_input", "value": "  "}}},
    )

    assert ack["errors"] == {"customer": deal_views.NAME_THE_CUSTOMER}
    assert deals_in(bot)[0].customer == "Initech Europe" and labels_in(bot) == []


def test_a_post_logged_with_a_corrected_name_teaches_its_look_alike(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(FRIDAY_5PM_LA)
    seen = spy_on_reading(monkeypatch)
    post(fake_slack, bot, UNSURE)
    click_ephemeral(fake_slack, asks(fake_slack)[-1], ask_views.LOG_IT)
    assert bot.wait_idle()
    submit_log(fake_slack, bot, "U0ALICE", "Hooli", "$30k")

    look_alike = post(fake_slack, bot, LOOK_ALIKE, user="U0BOB")

    assert [e.deal.customer for e in seen[-1] if e.deal] == ["Hooli"]
    assert len(asks(fake_slack)) == 1  # read surely: no second ask
    deal = next(d for d in deals_in(bot) if d.message_ts == look_alike.ts)
    assert (deal.customer.lower(), deal.amount) == ("initech", Decimal("12000"))


def test_not_a_deal_on_an_unsure_post_makes_its_look_alike_silent(
    fake_slack: FakeSlack, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_on_reading(monkeypatch)
    post(fake_slack, bot, UNSURE.capitalize())  # with no customer settled, only names
    click_ephemeral(fake_slack, asks(fake_slack)[-1], ask_views.NOT_A_DEAL)
    assert bot.wait_idle()  # written as names are masked: "Initech" stands where "Hooli" did

    post(fake_slack, bot, LOOK_ALIKE.capitalize(), user="U0BOB")

    assert [e.deal for e in seen[-1]] == [None]
    assert len(asks(fake_slack)) == 1 and deals_in(bot) == []


def test_upgrade_to_0012_keeps_each_logged_message_with_its_deal_s_customer(
    blank_database_url: str,
) -> None:
    from alembic import command

    from bot.store.db import Store, alembic_config

    store = Store(blank_database_url)

    def upgrade_to(revision: str) -> None:
        with store.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    upgrade_to("0011")
    now = FRIDAY_5PM_LA
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspaces (team_id, created_at) VALUES ('T1', :now)"), {"now": now}
        )
        connection.execute(
            text(
                "INSERT INTO deals (id, team_id, channel_id, message_ts, customer, "
                "from_integration, status, closed_at, created_at, updated_at) VALUES "
                "(1, 'T1', 'C1', '1.0', 'Northwind', false, 'active', :n, :n, :n)"
            ),
            {"n": now},
        )
        for ts, said in (("1.0", "deal"), ("2.0", "not_a_deal")):
            connection.execute(
                text(
                    "INSERT INTO labelled_messages (team_id, channel_id, message_ts, label, "
                    "message, labelled_by, labelled_at) VALUES "
                    "('T1', 'C1', :ts, :said, :message, 'U1', :n)"
                ),
                {"ts": ts, "said": said, "message": f'{{"ts": "{ts}", "text": "x"}}', "n": now},
            )
    upgrade_to("head")

    examples = examples_for(store, "T1")
    store.close()

    assert [(e.message["ts"], e.deal.customer if e.deal else None) for e in examples] == [
        ("2.0", None),
        ("1.0", "Northwind"),
    ]
