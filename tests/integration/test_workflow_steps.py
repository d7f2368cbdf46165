"""Serve's Workflow Builder steps, run by a workflow through the fake Slack: the
function_executed event with its inputs and its run's token, and the run's end
(functions.completeSuccess with outputs, or completeError with a sentence)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    BOB_DM,
    DEALS_CHANNEL,
    announce,
    at,
    close_deal,
    dms,
    message_link,
    run_step,
)
from bot.services import workflow
from bot.services.deals import Planning
from bot.services.workflow import LOG_DEAL, SHARE_STORY, DealInputs, Run
from bot.store.db import Store
from bot.store.models import CheckIn, Deal, StepRun, Story
from bot.views import workflow as views

LONDON = ZoneInfo("Europe/London")
A_STORY = "Bob stayed late to walk Dana's team through the new export."


def deals_in(bot: RunningBot) -> list[Deal]:
    with bot.store.reading() as session:
        return list(session.scalars(select(Deal).order_by(Deal.id)))


def stories_in(bot: RunningBot) -> list[Story]:
    with bot.store.reading() as session:
        return list(session.scalars(select(Story)))


def runs_in(bot: RunningBot) -> int:
    with bot.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(StepRun)) or 0)


# -- "Log a closed deal" ---------------------------------------------------------------------


def test_a_run_logs_the_deal_and_completes_with_its_id_and_first_checkin(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    ended = run_step(fake_slack, bot, LOG_DEAL, customer="Acme Corp", owner="U0BOB", amount="$40k")

    assert (ended.state, ended.error) == ("completed", None)
    [deal] = deals_in(bot)
    assert (deal.customer, deal.owner_id, deal.amount, deal.currency) == (
        "Acme Corp",
        "U0BOB",
        Decimal("40000"),
        "USD",
    )
    with bot.store.reading() as session:
        planned = list(session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)))
    assert len(planned) == 4
    first = min(c.due_at for c in planned if c.due_at).astimezone(LONDON).date()
    assert ended.outputs == {"deal_id": deal.id, "first_checkin": first.isoformat()}
    [completed] = fake_slack.calls_to("functions.completeSuccess")
    assert completed.token == ended.token  # the run's own token, as Bolt attaches it


def test_a_run_without_amount_or_link_logs_the_deal_without_them(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    ended = run_step(fake_slack, bot, LOG_DEAL, customer="Globex", owner="U0ALICE")

    assert ended.state == "completed"
    [deal] = deals_in(bot)
    assert (deal.amount, deal.currency, deal.permalink, deal.channel_id) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ({"customer": "   "}, "Customer is empty"),
        ({"customer": "<@U0BOB> $40k"}, "Customer is empty"),
        ({"customer": "A" * 201}, "Customer is longer than 200 characters"),
        ({"customer": "Acme\x07 Corp"}, "Customer has invisible control characters"),
        ({"amount": "forty"}, 'Amount "forty" isn\'t a number Serve can read'),
        ({"amount": "<!channel>"}, 'Amount "&lt;!channel&gt;" isn\'t a number'),
        ({"message_link": "https://example.com/x"}, 'Message link "https://example.com/x" isn'),
        ({"owner": "U0SERVEBOT"}, "Owner should be a person in this workspace"),
        ({"owner": "U0GONE"}, "Owner should be a person in this workspace"),
    ],
)
def test_a_run_with_a_bad_input_fails_with_a_sentence_and_stores_nothing(
    fake_slack: FakeSlack, bot: RunningBot, inputs: dict[str, str], said: str
) -> None:
    fake_slack.add_user("U0SERVEBOT", "serve", is_bot=True)
    fake_slack.add_user("U0GONE", "gone", deleted=True)

    ended = run_step(fake_slack, bot, LOG_DEAL, **({"customer": "Acme", "owner": "U0BOB"} | inputs))

    assert ended.state == "failed"
    assert ended.error is not None and ended.error.startswith(said), ended.error
    assert deals_in(bot) == [] and runs_in(bot) == 0


def test_a_link_to_a_message_that_is_a_deal_already_makes_no_second_deal(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    posted = close_deal(fake_slack, bot, "Closed Acme Corp: 3-year renewal! :tada:")
    assert posted.message_ts is not None
    link = message_link(DEALS_CHANNEL, posted.message_ts)

    ended = run_step(fake_slack, bot, LOG_DEAL, customer="Acme", owner="U0BOB", message_link=link)

    assert ended.state == "completed"
    assert [d.id for d in deals_in(bot)] == [posted.id]
    assert ended.outputs is not None and ended.outputs["deal_id"] == posted.id


def test_a_run_for_a_win_already_posted_in_the_channel_makes_no_second_deal(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    posted = close_deal(fake_slack, bot, "Closed Acme Corp: 3-year renewal! :tada:")
    clock.advance(timedelta(hours=2))

    ended = run_step(fake_slack, bot, LOG_DEAL, customer="ACME Corporation", owner="U0BOB")
    clock.advance(timedelta(days=2))
    later = run_step(fake_slack, bot, LOG_DEAL, customer="Acme Corp", owner="U0BOB")

    assert ended.state == later.state == "completed"
    assert ended.outputs is not None and ended.outputs["deal_id"] == posted.id
    assert later.outputs is not None and later.outputs["deal_id"] != posted.id  # days apart
    assert len(deals_in(bot)) == 2


def test_a_link_to_a_message_that_is_no_deal_is_kept_with_the_new_deal(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    announce(fake_slack, DEALS_CHANNEL, "lunch anyone?", "U0ALICE")
    [chatter] = fake_slack.messages[DEALS_CHANNEL]
    link = message_link(DEALS_CHANNEL, chatter.ts) + "?thread_ts=1&cid=C0DEALS"

    ended = run_step(
        fake_slack, bot, LOG_DEAL, customer="Initech", owner="U0BOB", message_link=link
    )

    assert ended.state == "completed"
    [deal] = deals_in(bot)
    assert (deal.customer, deal.permalink) == ("Initech", link)


# -- "Share a service story" ------------------------------------------------------------------


def test_a_run_shares_the_story_and_completes_with_its_id(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    ended = run_step(
        fake_slack,
        bot,
        SHARE_STORY,
        helpers=["U0BOB"],
        served="U0ALICE",
        what_happened=A_STORY,
        visibility="anonymous",
        quality="stewardship",
        shared_by="U0ALICE",
    )

    assert ended.state == "completed"
    [story] = stories_in(bot)
    assert ended.outputs == {"story_id": story.id}
    assert (story.helpers, story.served, story.what_happened, story.shared_by) == (
        ["U0BOB"],
        "Alice",  # who was served, as Slack names them
        A_STORY,
        "U0ALICE",
    )
    assert (story.visibility, story.quality) == ("anonymous", "stewardship")


def test_bob_hears_that_someone_noticed_a_story_a_workflow_shared(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    assert bot.timer.ticked.wait(10)  # the start-up tick, on its own thread, has ended
    ended = run_step(
        fake_slack, bot, SHARE_STORY, helpers=["U0BOB"], what_happened=A_STORY, shared_by="U0ALICE"
    )
    assert ended.state == "completed"

    at(clock, bot, datetime(2026, 11, 23, 10, 0, tzinfo=LONDON))  # Bob's Monday morning

    [noticed] = dms(fake_slack, BOB_DM)
    assert "<@U0ALICE> noticed what you did" in noticed.blocks[0]["text"]["text"]
    [story] = stories_in(bot)
    assert story.visibility == "named"  # the step's default, as the story form's


@pytest.mark.parametrize(
    ("inputs", "said"),
    [
        ({"helpers": []}, "Who helped is empty"),
        ({"what_happened": "nice"}, "What happened is too short"),
        ({"what_happened": "x" * 2001}, "What happened is longer than 2,000 characters"),
        ({"what_happened": "Bob helped \x1b[31m a lot"}, "What happened has invisible control"),
        ({"served": "U0GONE"}, "Who was served should be a person"),
    ],
)
def test_a_story_run_with_a_bad_input_fails_with_a_sentence_and_keeps_nothing(
    fake_slack: FakeSlack, bot: RunningBot, inputs: dict[str, Any], said: str
) -> None:
    fake_slack.add_user("U0GONE", "gone", deleted=True)
    told = {"helpers": ["U0BOB"], "what_happened": A_STORY, "shared_by": "U0ALICE"} | inputs

    ended = run_step(fake_slack, bot, SHARE_STORY, **told)

    assert ended.state == "failed"
    assert ended.error is not None and ended.error.startswith(said), ended.error
    assert stories_in(bot) == [] and runs_in(bot) == 0


# -- a run Slack sends again ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "inputs", "made"),
    [
        (LOG_DEAL, {"customer": "Acme", "owner": "U0BOB"}, deals_in),
        (
            SHARE_STORY,
            {"helpers": ["U0BOB"], "what_happened": A_STORY, "shared_by": "U0ALICE"},
            stories_in,
        ),
    ],
)
def test_a_run_sent_again_makes_nothing_twice_and_answers_the_same(
    fake_slack: FakeSlack, bot: RunningBot, step: str, inputs: dict[str, Any], made: Any
) -> None:
    first = run_step(fake_slack, bot, step, **inputs)
    again = fake_slack.send_run_again(first.id)
    assert bot.wait_idle()

    assert len(made(bot)) == 1
    once, twice = fake_slack.calls_to("functions.completeSuccess")
    assert json.loads(once.args["outputs"]) == json.loads(twice.args["outputs"]) == first.outputs
    assert twice.response["error"] == "execution_not_in_running_state"  # Slack saw it end
    assert again.outputs == first.outputs


def test_a_run_sent_again_long_after_asks_slack_nothing_with_its_ended_token(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    """As a run held while the database was away would be: what Serve knew of the owner
    has gone stale, and the run's token ended with the run."""
    first = run_step(fake_slack, bot, LOG_DEAL, customer="Acme", owner="U0BOB")
    clock.advance(timedelta(hours=2))
    calls = len(fake_slack.calls)

    again = fake_slack.send_run_again(first.id)
    assert bot.wait_idle()

    assert [c.method for c in fake_slack.calls[calls:]] == ["functions.completeSuccess"]
    assert again.outputs == first.outputs and len(deals_in(bot)) == 1


def test_a_run_whose_end_slack_never_heard_ends_on_its_retry_with_the_same_deal(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.fail_next("functions.completeSuccess", error="internal_error")
    lost = run_step(fake_slack, bot, LOG_DEAL, customer="Acme", owner="U0BOB")
    assert lost.state == "running"

    ended = fake_slack.send_run_again(lost.id)
    assert bot.wait_idle()

    [deal] = deals_in(bot)
    assert ended.state == "completed" and ended.outputs is not None
    assert ended.outputs["deal_id"] == deal.id


def test_two_deliveries_of_one_run_at_once_make_one_deal(store: Store, clock: ManualClock) -> None:
    """As two replicas would take Slack's event and its retry together: the run's row
    decides, on SQLite (one writer) and on PostgreSQL (the second insert waits)."""
    planning = Planning(lambda: Settings(), lambda _user: "Europe/London")
    run = Run("Fx0TOGETHER", LOG_DEAL)
    logged = DealInputs("Acme", "U0BOB", (None, None), None)
    barrier = threading.Barrier(4)
    answers: list[dict[str, Any]] = []

    def deliver() -> None:
        barrier.wait()
        answers.append(workflow.log_closed_deal(store, clock, "T1", run, logged, planning))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with store.reading() as session:
        deals = list(session.scalars(select(Deal)))
    assert len(deals) == 1 and len(answers) == 4
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["deal_id"] == deals[0].id


# -- when something breaks -------------------------------------------------------------------


def test_a_run_that_breaks_fails_with_a_sentence_not_a_trace(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.add_user("U0NEW", "newcomer")  # joined since the directory was read
    fake_slack.fail_next("users.info", error="internal_error")

    ended = run_step(fake_slack, bot, LOG_DEAL, customer="Acme", owner="U0NEW")

    assert (ended.state, ended.error) == ("failed", views.SOMETHING_WENT_WRONG)
    assert deals_in(bot) == []
