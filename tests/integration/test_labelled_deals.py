"""A miss costs one click: "Log as a closed deal" on any message, "Not a deal" under a
reply, and a report of how well Serve reads the workspace's own channel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import DEALS_CHANNEL, FRIDAY_5PM_LA, close_deal
from bot.services.labels import recognition_report
from bot.store.models import CheckIn, Deal, DealStatus, Label, LabelledMessage
from bot.views import deals as deal_views

MISSED = "the ink is dry on northwind :muscle: $8k a year"  # a win Serve does not read


def log_as_a_deal(fake: FakeSlack, bot: RunningBot, message: Message, user: str) -> None:
    fake.send_interaction(
        {
            "type": "message_action",
            "callback_id": deal_views.LOG_FROM_MESSAGE,
            "trigger_id": "1.shortcut",
            "user": {"id": user},
            "channel": {"id": message.channel},
            "message": message.as_event(),
            "message_ts": message.ts,
            "response_url": "https://hooks.slack.invalid/1",
        }
    )
    assert bot.wait_idle()


def submit_log(fake: FakeSlack, bot: RunningBot, user: str, customer: str, owner: str) -> Any:
    ack = fake.submit(
        user,
        fake.views[-1],
        {
            "customer": {"value": {"type": "plain_text_input", "value": customer}},
            "owner": {"value": {"type": "users_select", "selected_user": owner}},
        },
    )
    assert bot.wait_idle()
    bot.tick()  # the thread reply is due work
    return ack


def labels_in(bot: RunningBot) -> list[tuple[str, str, str]]:
    with bot.store.session() as session:
        rows = session.scalars(select(LabelledMessage).order_by(LabelledMessage.id))
        return [(m.message_ts, m.label, m.labelled_by) for m in rows]


def test_log_as_a_closed_deal_makes_a_missed_message_a_deal_with_its_reply(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user("C0RANDOM", MISSED, user="U0ALICE")

    log_as_a_deal(fake_slack, bot, post, "U0BOB")
    [modal] = fake_slack.views
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["owner"]["element"]["initial_user"] == "U0ALICE"  # the poster, to start
    ack = submit_log(fake_slack, bot, "U0BOB", "Northwind", "U0BOB")

    assert ack == {}
    with bot.store.session() as session:
        deal = session.scalars(select(Deal)).one()
        planned = session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)).all()
    assert (deal.customer, deal.owner_id, deal.amount, deal.channel_id) == (
        "Northwind",
        "U0BOB",
        Decimal("8000"),
        "C0RANDOM",
    )
    assert [c.recipient_id for c in planned] == ["U0BOB"] * 4
    [reply] = [c.args for c in fake_slack.calls_to("chat.postMessage")]
    assert reply["thread_ts"] == post.ts and "*Northwind*" in str(reply["blocks"])
    assert labels_in(bot) == [(post.ts, Label.DEAL, "U0BOB")]

    log_as_a_deal(fake_slack, bot, post, "U0ALICE")
    submit_log(fake_slack, bot, "U0ALICE", "Northwind Ltd", "U0ALICE")
    [note] = fake_slack.calls_to("chat.postEphemeral")
    assert note.args["text"] == deal_views.ALREADY_A_DEAL
    with bot.store.session() as session:
        assert session.scalars(select(Deal.customer)).all() == ["Northwind"]


def test_logging_needs_a_customer_and_a_person_as_owner(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.add_user("U0ZAP", "zapier", is_bot=True)
    post = fake_slack.post_as_user("C0RANDOM", MISSED, user="U0ALICE")
    log_as_a_deal(fake_slack, bot, post, "U0BOB")

    no_customer = submit_log(fake_slack, bot, "U0BOB", "   ", "U0BOB")
    bot_owner = submit_log(fake_slack, bot, "U0BOB", "Northwind", "U0ZAP")

    assert no_customer["errors"] == {"customer": deal_views.NAME_THE_CUSTOMER}
    assert bot_owner["errors"] == {"owner": deal_views.OWNER_NOT_A_PERSON}
    with bot.store.session() as session:
        assert session.scalars(select(Deal)).all() == []
    assert labels_in(bot) == []


def test_a_message_said_not_to_be_a_deal_can_be_logged_as_one_after_all(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    post = fake_slack.message(DEALS_CHANNEL, deal.message_ts or "")
    assert post is not None
    fake_slack.click(
        "U0BOB", fake_slack.message(DEALS_CHANNEL, deal.reply_ts or ""), "deal_not_a_deal"
    )
    assert bot.wait_idle()
    assert labels_in(bot) == [(post.ts, Label.NOT_A_DEAL, "U0BOB")]

    log_as_a_deal(fake_slack, bot, post, "U0ALICE")
    submit_log(fake_slack, bot, "U0ALICE", "Acme Corp", "U0ALICE")

    with bot.store.session() as session:
        revived = session.get_one(Deal, deal.id)
        open_checkins = session.scalars(
            select(CheckIn).where(CheckIn.deal_id == deal.id, CheckIn.status == "planned")
        ).all()
    assert revived.status == DealStatus.ACTIVE and len(open_checkins) == 4
    assert labels_in(bot) == [(post.ts, Label.DEAL, "U0ALICE")]
    assert "Noted a closed deal" in fake_slack.calls_to("chat.update")[-1].args["text"]


def test_report_reads_kept_deals_and_labelled_messages_again(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    assert recognition_report(bot.store) == recognition_report(bot.store, "T0SERVE")
    fresh = recognition_report(bot.store)
    assert (fresh.kept, fresh.logged, fresh.not_deals, fresh.precision, fresh.recall) == (
        0,
        0,
        0,
        None,
        None,
    )

    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    close_deal(fake_slack, bot, "Signed Globex, $40k")
    wrong = close_deal(fake_slack, bot, "Closed the Initech deal-desk review, all good")
    reply = fake_slack.message(DEALS_CHANNEL, wrong.reply_ts or "")
    assert reply is not None
    fake_slack.click("U0BOB", reply, "deal_not_a_deal")
    assert bot.wait_idle()
    missed = fake_slack.post_as_user("C0RANDOM", MISSED, user="U0ALICE")
    log_as_a_deal(fake_slack, bot, missed, "U0ALICE")
    submit_log(fake_slack, bot, "U0ALICE", "Northwind", "U0ALICE")

    report = recognition_report(bot.store, "T0SERVE")

    assert (report.kept, report.logged, report.not_deals) == (2, 1, 1)
    assert (report.found, report.false_alarms) == (2, 1)
    assert (report.precision, report.recall) == (2 / 3, 2 / 3)
    assert sorted((m.said, m.text, m.read_as) for m in report.misread) == [
        (Label.DEAL, MISSED, None),
        (
            Label.NOT_A_DEAL,
            "Closed the Initech deal-desk review, all good",
            "Initech",
        ),
    ]
    assert recognition_report(bot.store, "T0OTHER").kept == 0


def test_logging_under_history_rate_limits_takes_the_message_from_the_shortcut(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    for method in ("conversations.history", "conversations.replies"):
        fake_slack.fail_always(method, status=429, retry_after=60)  # 1 a minute, and spent
    post = fake_slack.post_as_user("C0RANDOM", MISSED, user="U0ALICE")

    log_as_a_deal(fake_slack, bot, post, "U0BOB")
    submit_log(fake_slack, bot, "U0BOB", "Northwind", "U0ALICE")

    with bot.store.session() as session:
        deal = session.scalars(select(Deal)).one()
    assert (deal.customer, deal.owner_id, deal.amount) == ("Northwind", "U0ALICE", Decimal("8000"))
    assert deal.announcement is not None and deal.announcement["text"] == MISSED
    assert labels_in(bot) == [(post.ts, Label.DEAL, "U0BOB")]
    assert fake_slack.calls_to("conversations.history") == []
    assert fake_slack.calls_to("conversations.replies") == []
    [reply] = fake_slack.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == post.ts and deal.reply_ts == reply.response["ts"]


def test_a_message_too_long_to_carry_is_read_back_and_a_busy_slack_is_said_so(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    long_win = MISSED + " " + "and the whole team pitched in, " * 120
    post = fake_slack.post_as_user("C0RANDOM", long_win, user="U0ALICE")
    fake_slack.fail_next("conversations.history", status=429, retry_after=60)

    log_as_a_deal(fake_slack, bot, post, "U0BOB")
    assert len(fake_slack.views[-1]["private_metadata"]) <= 3000
    submit_log(fake_slack, bot, "U0BOB", "Northwind", "U0BOB")

    [told] = fake_slack.calls_to("chat.postMessage")
    assert (told.args["channel"], told.args["text"]) == ("U0BOB", deal_views.SLACK_BUSY)
    with bot.store.session() as session:
        assert session.scalars(select(Deal)).all() == []
    assert labels_in(bot) == []

    log_as_a_deal(fake_slack, bot, post, "U0BOB")  # a minute later, Slack answers
    submit_log(fake_slack, bot, "U0BOB", "Northwind", "U0BOB")
    with bot.store.session() as session:
        deal = session.scalars(select(Deal)).one()
    assert deal.customer == "Northwind" and deal.announcement is not None
    assert deal.announcement["text"] == long_win[:4000]
