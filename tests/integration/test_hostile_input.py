"""Hostile text sent to the running bot: nothing is lost, nothing crashes, and nothing a
person typed turns into a live ping on its way back to Slack."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    ALICE_DM,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    at,
    close_deal,
    dms,
    story_values,
    submit_story,
)
from bot.store.models import CheckIn, CheckInStatus, DueWork, Story, WorkStatus
from bot.views import checkins as checkin_views

BROKEN = "\x00\ud800"  # a NUL and a lone surrogate: no database stores either


def test_a_post_with_a_nul_and_a_lone_surrogate_still_records_the_deal(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)

    deal = close_deal(fake_slack, bot, f"Closed Acme{BROKEN} Corp :tada:")

    assert deal.customer == "Acme\ufffd\ufffd Corp"
    assert [c.args["thread_ts"] for c in fake_slack.calls_to("chat.postMessage")] == [
        deal.message_ts
    ]


def test_a_story_with_a_nul_is_kept_and_acknowledged(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    ack = submit_story(
        fake_slack, bot, "U0ALICE", story_values(["U0BOB"], f"Bob fixed it{BROKEN}, unasked.")
    )

    assert ack["response_action"] == "update"
    with bot.store.session() as session:
        [story] = session.scalars(select(Story))
    assert story.what_happened == "Bob fixed it\ufffd\ufffd, unasked."


def test_a_customer_typed_as_a_broadcast_never_pings_anyone(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(
        fake_slack, bot, "Closed &lt;!channel&gt; Corp :tada:"
    )  # as Slack sends "<!channel>"
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)
    fake_slack.click("U0ALICE", dm, checkin_views.REACHED_OUT)
    assert bot.wait_idle()
    fake_slack.submit(
        "U0ALICE",
        fake_slack.views[0],
        {
            "outcome": {
                "value": {"type": "radio_buttons", "selected_option": {"value": "needs_help"}}
            },
            "note": {"value": {"type": "plain_text_input", "value": f"<!here> {BROKEN}"}},
        },
    )
    assert bot.wait_idle()

    sent = [json.dumps(call.args) for call in fake_slack.calls if call.method.startswith("chat.")]
    assert len(sent) >= 3  # the reply, the DM, and the DM's update
    assert not any("<!channel>" in text or "<!here>" in text for text in sent)
    with bot.store.session() as session:
        checkin = session.scalars(select(CheckIn).where(CheckIn.stage == 0)).one()
    assert (checkin.status, checkin.note) == (CheckInStatus.DONE, "<!here> \ufffd\ufffd")


def test_a_dm_slack_calls_invalid_is_given_up_at_once_not_retried(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp")
    fake_slack.fail_always("chat.postMessage", error="invalid_blocks")

    for minutes in (0, 1, 2, 5, 30, 90, 300):
        at(clock, bot, MONDAY_10AM_LA + timedelta(minutes=minutes))

    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "U0ALICE"]
    assert len(posts) == 1
    with bot.store.session() as session:
        sends = session.scalars(select(DueWork).where(DueWork.kind == "checkin_send")).all()
        first = session.scalars(select(CheckIn).where(CheckIn.stage == 0)).one()
    [failed] = [w for w in sends if w.status == WorkStatus.FAILED]
    assert "invalid_blocks" in (failed.note or "")
    assert first.status == CheckInStatus.MISSED
