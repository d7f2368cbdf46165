"""`/serve my data` and `/serve forget me`, through the fake Slack as a person uses them."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    answer_text,
    at,
    close_deal,
    last_response,
    serve,
    story_values,
    submit_story,
)
from bot.services import checkins
from bot.store.models import (
    FORMER_TEAMMATE,
    CheckIn,
    CheckInStatus,
    Deal,
    DueWork,
    Member,
    Nudge,
    Story,
)
from bot.views import privacy as privacy_views


def alices_world(fake: FakeSlack, bot: RunningBot, clock: ManualClock) -> Deal:
    """Alice owns Acme and logged a note; she shared a story about Bob; Bob shared one
    naming her, and another anonymously; she paused."""
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    with bot.store.session() as session:
        first = session.scalars(select(CheckIn).where(CheckIn.stage == 0)).one()
    checkins.log_outcome(
        bot.store,
        clock,
        first.id,
        "T0SERVE",
        "U0ALICE",
        checkins.Outcome.NEEDS_HELP,
        "They said <!here> the import & export stall",
    )
    submit_story(fake, bot, "U0ALICE", story_values(["U0BOB"], "Bob fixed the importer unasked."))
    submit_story(
        fake, bot, "U0BOB", story_values(["U0ALICE"], "Alice calmed an angry customer down.")
    )
    submit_story(
        fake,
        bot,
        "U0BOB",
        story_values(["U0ALICE"], "Alice stayed late for the launch.", visibility="anonymous"),
    )
    serve(fake, bot, "U0ALICE", "pause")
    return deal


def test_my_data_shows_what_is_mine_and_nothing_of_anyone_else(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    alices_world(fake_slack, bot, clock)
    fake_slack.add_user("U0CAROL", "carol", tz="Asia/Tokyo")

    mine = answer_text(serve(fake_slack, bot, "U0ALICE", "my data"))

    assert "Acme Corp" in mine and "Deals you own (1)" in mine
    assert "&lt;!here&gt; the import &amp; export stall" in mine and "<!here>" not in mine
    assert "Bob fixed the importer unasked." in mine
    assert "Alice calmed an angry customer down." in mine
    assert "Alice stayed late for the launch." in mine
    assert mine.count("<@U0BOB>") == 1  # the anonymous story does not say who shared it
    assert "Someone (anonymous)" in mine and "until you resume" in mine
    theirs = answer_text(serve(fake_slack, bot, "U0CAROL", "my data"))
    assert "Acme" not in theirs and "importer" not in theirs and "Deals you own (0)" in theirs


def test_my_and_forget_need_their_second_word(fake_slack: FakeSlack, bot: RunningBot) -> None:
    said = answer_text(serve(fake_slack, bot, "U0ALICE", "forget everything"))
    assert "Did you mean `/serve forget me`?" in said
    assert privacy_views.FORGET_ME not in said


def test_forget_me_asks_first_and_forgets_only_when_confirmed(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    deal = alices_world(fake_slack, bot, clock)
    with bot.store.session() as session:
        before = len(session.scalars(select(Story)).all())

    asked = serve(fake_slack, bot, "U0ALICE", "forget me")

    assert privacy_views.FORGET_ME in json.dumps(asked)
    with bot.store.session() as session:
        assert len(session.scalars(select(Story)).all()) == before == 3
        assert session.get(Member, ("T0SERVE", "U0ALICE")) is not None

    confirmation = Message(channel=ALICE_DM, ts="0.1", blocks=asked["blocks"])
    fake_slack.click("U0ALICE", confirmation, privacy_views.FORGET_ME)
    assert bot.wait_idle()

    assert "Done. Removed 1 stories you shared and 1 notes" in last_response(fake_slack)
    with bot.store.session() as session:
        stories = session.scalars(select(Story)).all()
        first = session.scalars(select(CheckIn).where(CheckIn.stage == 0)).one()
        later = session.scalars(select(CheckIn).where(CheckIn.stage > 0)).all()
        owner = session.get_one(Deal, deal.id).owner_id
        member = session.get(Member, ("T0SERVE", "U0ALICE"))
        counted = session.scalars(select(Nudge).where(Nudge.user_id == "U0ALICE")).all()
        waiting = session.scalars(
            select(DueWork).where(DueWork.status == "todo", DueWork.kind.like("checkin_%"))
        ).all()
    assert sorted(s.shared_by for s in stories) == ["U0BOB", "U0BOB"]  # Bob's stay
    assert all("U0ALICE" not in s.helpers for s in stories)
    assert (first.note, first.logged_by, first.outcome) == (None, FORMER_TEAMMATE, "needs_help")
    assert owner == FORMER_TEAMMATE and member is None and counted == []
    assert {c.status for c in later} == {CheckInStatus.CANCELLED.value} and waiting == []

    serve(fake_slack, bot, "U0BOB", "timeline acme")
    shown = last_response(fake_slack)
    assert "a former teammate" in shown and "<@U0ALICE>" not in shown

    fake_slack.click("U0ALICE", confirmation, privacy_views.FORGET_ME)  # an old copy
    assert bot.wait_idle()
    assert "Removed 0 stories" in last_response(fake_slack)
    with bot.store.session() as session:
        assert len(session.scalars(select(Story)).all()) == 2
