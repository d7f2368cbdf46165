"""`/serve` as a team uses it, driven with slash-command payloads shaped as Slack sends
them, through the fake Slack; each answer and what it stored are checked."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    ALICE_DM,
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    MONDAY_10AM_LA,
    answer_text,
    at,
    close_deal,
    dms,
    last_response,
    open_settings,
    serve,
    settings_values,
    story_values,
    submit_story,
)
from bot.services.commands import SUBCOMMANDS
from bot.store.models import CheckIn, CheckInStatus, Deal, DueWork, Member, Workspace
from bot.views import commands as command_views
from bot.views import home as home_views
from bot.views import settings as settings_views

# -- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "help", "  ", "frobnicate"])
def test_help_empty_and_unknown_list_every_subcommand(
    fake_slack: FakeSlack, bot: RunningBot, typed: str
) -> None:
    shown = answer_text(serve(fake_slack, bot, "U0ALICE", typed))

    for name in SUBCOMMANDS:
        assert f"/serve {name}" in shown, name
    assert ("I don't know" in shown) == (typed == "frobnicate")


def test_a_typo_gets_a_did_you_mean(fake_slack: FakeSlack, bot: RunningBot) -> None:
    shown = answer_text(serve(fake_slack, bot, "U0ALICE", "timelin acme"))
    assert "Did you mean `/serve timeline`?" in shown


def test_every_subcommand_has_an_answer(fake_slack: FakeSlack, bot: RunningBot) -> None:
    from bot.listeners.commands import SUBCOMMANDS as ANSWERED

    assert set(ANSWERED) == set(SUBCOMMANDS)


# -- story, checkins ---------------------------------------------------------------------


def test_story_opens_the_story_modal_prefilled(fake_slack: FakeSlack, bot: RunningBot) -> None:
    serve(fake_slack, bot, "U0ALICE", "story Bob stayed late to fix <!here> the export")

    [modal] = fake_slack.views
    fields = {b.get("block_id"): b for b in modal["blocks"]}
    assert fields["what_happened"]["element"]["initial_value"] == (
        "Bob stayed late to fix @here the export"
    )


def test_checkins_lists_mine_with_their_buttons(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    close_deal(fake_slack, bot, "Closed Globex :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    close_deal(fake_slack, bot, "Closed Initech :tada:")

    shown = answer_text(serve(fake_slack, bot, "U0ALICE", "checkins"))
    nothing = answer_text(serve(fake_slack, bot, "U0BOB", "checkins"))

    assert "Waiting for you* (2)" in shown and "Coming up* (10)" in shown
    assert shown.count("I reached out") == 2 and "*Initech*" in shown
    assert "No check-ins for you" in nothing


# -- deal --------------------------------------------------------------------------------


def test_deal_logs_a_closed_deal_by_hand_with_its_checkins(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(MONDAY_10AM_LA)
    serve(fake_slack, bot, "U0ALICE", "deal Acme Corp <@U0BOB|bob> $40k")

    with bot.store.session() as session:
        deal = session.scalars(select(Deal)).one()
        planned = session.scalars(select(CheckIn).where(CheckIn.deal_id == deal.id)).all()
    assert (deal.customer, deal.owner_id, deal.amount, deal.currency) == (
        "Acme Corp",
        "U0BOB",
        Decimal("40000"),
        "USD",
    )
    assert [c.recipient_id for c in planned] == ["U0BOB"] * 4
    confirmation = last_response(fake_slack)
    assert "*Acme Corp*" in confirmation and "<@U0BOB>" in confirmation
    assert confirmation.count("<!date^") == 4


def test_deal_with_no_words_opens_a_form_that_logs_it(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(MONDAY_10AM_LA)
    serve(fake_slack, bot, "U0ALICE", "deal")
    [modal] = fake_slack.views
    assert modal["callback_id"] == command_views.NEW_DEAL_MODAL

    ack = fake_slack.submit(
        "U0ALICE",
        modal,
        {
            "customer": {"value": {"type": "plain_text_input", "value": "Globex"}},
            "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
            "amount": {"value": {"type": "plain_text_input", "value": "€12,000"}},
        },
    )
    assert bot.wait_idle()

    assert ack == {}
    with bot.store.session() as session:
        deal = session.scalars(select(Deal)).one()
    assert (deal.customer, deal.amount, deal.currency) == ("Globex", Decimal("12000"), "EUR")
    told = [
        c.args for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "U0ALICE"
    ]
    assert "*Globex*" in json.dumps(told)


@pytest.mark.parametrize(
    "typed,refusal",
    [
        ("deal <@U0BOB>", command_views.REFUSALS[command_views.Refusal.NO_CUSTOMER]),
        ("deal " + "x" * 201, command_views.REFUSALS[command_views.Refusal.CUSTOMER_TOO_LONG]),
        ("deal Acme <@U0GHOST>", command_views.OWNER_NOT_A_PERSON),
    ],
)
def test_a_deal_that_cannot_be_logged_is_refused_and_nothing_stored(
    fake_slack: FakeSlack, bot: RunningBot, typed: str, refusal: str
) -> None:
    reply = serve(fake_slack, bot, "U0ALICE", typed)

    shown = answer_text(reply) + (last_response(fake_slack) if fake_slack.responses else "")
    assert refusal in shown or json.dumps(refusal)[1:-1] in shown
    with bot.store.session() as session:
        assert session.scalars(select(Deal)).all() == []


def test_a_customer_named_like_a_broadcast_pings_nobody(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(MONDAY_10AM_LA)
    serve(fake_slack, bot, "U0ALICE", "deal <!channel> Evil &lt;@U0X&gt; Corp")

    with bot.store.session() as session:
        [deal] = session.scalars(select(Deal))
    assert deal.customer == "<!channel> Evil &lt;@U0X&gt; Corp"
    shown = last_response(fake_slack)
    assert "<!channel>" not in shown and "<@U0X>" not in shown
    assert "&lt;!channel&gt;" in shown


# -- timeline ----------------------------------------------------------------------------


def test_timeline_shows_the_deal_checkins_hand_off_and_stories_newest_first(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    from bot.services import checkins
    from bot.services.workspaces import settings_for

    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)  # the day-3 check-in goes out
    with bot.store.session() as session:
        first = session.scalars(select(CheckIn).where(CheckIn.stage == 0)).one()
    checkins.log_outcome(
        bot.store, clock, first.id, "T0SERVE", "U0ALICE", checkins.Outcome.NEEDS_HELP, "Slow import"
    )
    clock.set(MONDAY_10AM_LA + timedelta(hours=1))
    from bot.services import deals
    from bot.services.deals import Planning

    deals.set_owner(
        bot.store,
        clock,
        "T0SERVE",
        deal.id,
        "U0BOB",
        Planning(lambda: settings_for(bot.store, "T0SERVE", bot.settings), lambda u: None),
    )
    clock.set(MONDAY_10AM_LA + timedelta(hours=2))
    submit_story(
        fake_slack, bot, "U0ALICE", story_values(["U0BOB"], "Bob rebuilt the acme corp import.")
    )
    clock.set(MONDAY_10AM_LA + timedelta(hours=3))
    submit_story(
        fake_slack,
        bot,
        "U0BOB",
        story_values(["U0ALICE"], "Alice calmed things down.", served="Acme Corp"),
    )

    fake_slack.add_user("U0CAROL", "carol", tz="Asia/Tokyo")
    serve(fake_slack, bot, "U0CAROL", "timeline ACME")
    shown = last_response(fake_slack)

    order = [
        shown.index("Alice calmed things down"),
        shown.index("Bob rebuilt the acme corp import"),
        shown.index("handed over to <@U0BOB>"),
        shown.index("needs help"),
        shown.index("deal closed"),
    ]
    assert order == sorted(order)
    assert shown.count("check-in planned") == 3


def test_timeline_for_several_or_no_customers(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    for name in ("Acme Corp", "Acme Freight", "Globex"):
        close_deal(fake_slack, bot, f"Closed {name} :tada:")

    serve(fake_slack, bot, "U0ALICE", "timeline acme")
    several = last_response(fake_slack)
    serve(fake_slack, bot, "U0ALICE", "timeline Initech")
    none = last_response(fake_slack)

    assert "Several customers match" in several
    assert "Acme Corp" in several and "Acme Freight" in several and "Globex" not in several
    assert "I know no customer called *Initech*" in none


# -- digest preview, pause -----------------------------------------------------------------


def test_digest_preview_is_for_my_eyes_only(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0WINS", "wins", members=["U0ALICE"])
    clock.set(MONDAY_10AM_LA)
    bot = start_bot(recognition_channel="C0WINS")
    submit_story(fake_slack, bot, "U0ALICE", story_values(["U0BOB"], "Bob covered my shift."))

    serve(fake_slack, bot, "U0ALICE", "digest preview")

    preview = last_response(fake_slack)
    assert command_views.PREVIEW_NOTE in preview and "Bob covered my shift" in preview
    assert [m for m in fake_slack.messages["C0WINS"]] == []


def test_pause_holds_my_checkins_until_the_day_after_then_they_come(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    shown = answer_text(serve(fake_slack, bot, "U0ALICE", "pause until 2026-11-24"))
    assert "Paused until" in shown

    at(clock, bot, MONDAY_10AM_LA)
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=1))
    assert dms(fake_slack, ALICE_DM) == []
    at(clock, bot, MONDAY_10AM_LA + timedelta(days=2))
    assert len(dms(fake_slack, ALICE_DM)) == 1

    serve(fake_slack, bot, "U0ALICE", "resume")
    with bot.store.session() as session:
        assert session.get_one(Member, ("T0SERVE", "U0ALICE")).prompts_paused is False


@pytest.mark.parametrize("typed", ["pause until someday", "pause until 2020-01-01", "pause 1 2"])
def test_a_pause_with_a_bad_date_is_refused(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock, typed: str
) -> None:
    clock.set(MONDAY_10AM_LA)
    shown = answer_text(serve(fake_slack, bot, "U0ALICE", typed))
    assert "2026-12-24" in shown or "passed" in shown
    with bot.store.session() as session:
        assert session.get(Member, ("T0SERVE", "U0ALICE")) is None


# -- settings ------------------------------------------------------------------------------


def test_a_non_admin_is_refused_settings_and_export_and_nothing_changes(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    for typed in ("settings", "export"):
        shown = answer_text(serve(fake_slack, bot, "U0BOB", typed))
        assert settings_views.ADMINS_ONLY in shown
    assert fake_slack.views == [] and fake_slack.files == []

    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    refused = fake_slack.submit("U0BOB", modal, settings_values())  # a non-admin's submission
    assert refused["response_action"] == "errors"
    with bot.store.session() as session:
        assert session.get_one(Workspace, "T0SERVE").settings_changed_by is None


def test_settings_change_watches_a_new_deal_channel_at_once(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_owner=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    ack = fake_slack.submit(
        "U0ADMIN",
        modal,
        settings_values(
            deal_channels={"type": "multi_channels_select", "selected_channels": ["C0RANDOM"]}
        ),
    )
    assert bot.wait_idle()
    assert ack["response_action"] == "update"

    clock.set(FRIDAY_5PM_LA)
    post = fake_slack.post_as_user("C0RANDOM", "Closed Hooli :tada:", user="U0ALICE")
    fake_slack.send_event({**post.as_event(), "channel": "C0RANDOM", "channel_type": "channel"})
    assert bot.wait_idle()
    old = fake_slack.post_as_user(DEALS_CHANNEL, "Closed Globex :tada:", user="U0ALICE")
    fake_slack.send_event({**old.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()

    with bot.store.session() as session:
        assert session.scalars(select(Deal.customer)).all() == ["Hooli"]


def test_settings_change_moves_this_weeks_digest_to_the_new_hour(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel("C0WINS", "wins", members=["U0ALICE"])
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday
    bot = start_bot(recognition_channel="C0WINS")
    bot.tick()
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    fake_slack.submit(
        "U0ADMIN",
        modal,
        settings_values(
            recognition_channel={"type": "channels_select", "selected_channel": "C0WINS"},
            digest_weekday={"type": "static_select", "selected_option": {"value": "wednesday"}},
            digest_time={"type": "timepicker", "selected_time": "09:30"},
        ),
    )
    assert bot.wait_idle()

    clock.set(datetime(2026, 11, 25, 9, 29, tzinfo=UTC))
    bot.tick()
    assert fake_slack.messages["C0WINS"] == []
    clock.set(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    bot.tick()
    assert len(fake_slack.messages["C0WINS"]) == 1
    with bot.store.session() as session:
        digest = session.scalars(select(DueWork).where(DueWork.kind == "digest")).one()
    assert digest.status == "done"


def test_bad_settings_are_refused_on_their_fields_and_nothing_is_saved(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    ack = fake_slack.submit(
        "U0ADMIN",
        modal,
        settings_values(
            checkin_cadence_days={"type": "plain_text_input", "value": "0, -3, abc"},
            holidays={"type": "plain_text_input", "value": "25/12/2026"},
            default_timezone={"type": "plain_text_input", "value": "Mars/Olympus"},
        ),
    )

    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"checkin_cadence_days", "holidays", "default_timezone"}
    with bot.store.session() as session:
        workspace = session.get_one(Workspace, "T0SERVE")
    assert workspace.checkin_cadence_days is None and workspace.timezone is None


# -- export --------------------------------------------------------------------------------


def test_export_sends_a_csv_that_reads_back_and_runs_no_formula(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, 'Closed =cmd|"/c calc"!A1, "Quoted", Corp :tada:')
    submit_story(
        fake_slack,
        bot,
        "U0ALICE",
        story_values(["U0BOB"], '+SUM(1,2) said "hi",\nthen left', served="@Acme, Inc"),
    )

    serve(fake_slack, bot, "U0ADMIN", "export")

    [shared] = fake_slack.files
    assert shared.channel.startswith("D") and shared.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(shared.content.decode("utf-8"))))
    header, records = rows[0], rows[1:]
    assert header[0] == "record"
    assert [r[0] for r in records].count("deal") == 1
    assert [r[0] for r in records].count("checkin") == 4
    assert [r[0] for r in records].count("story") == 1
    cells = [cell for row in records for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    story = next(r for r in records if r[0] == "story")
    assert '\'+SUM(1,2) said "hi",\nthen left' in story and "'@Acme, Inc" in story


# -- App Home ------------------------------------------------------------------------------


def test_home_shows_my_checkins_customers_and_stories_within_slacks_limits(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    from bot.sandbox.fakeslack.spec import payload_problems

    fake_slack.add_user("U0ALICE", "alice", tz="America/Los_Angeles", is_admin=True)
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    now = clock.now()
    with bot.store.session() as session:
        [deal] = session.scalars(select(Deal))
        for n in range(300):
            checkin = CheckIn(
                team_id="T0SERVE",
                deal_id=deal.id,
                stage=10 + n,
                offset_days=100 + n,
                recipient_id="U0ALICE",
                status=CheckInStatus.PLANNED.value,
                due_at=now + timedelta(days=100 + n),
                created_at=now,
                updated_at=now,
            )
            session.add(checkin)

    fake_slack.open_home("U0ALICE")
    assert bot.wait_idle()

    home = fake_slack.home["U0ALICE"]
    assert len(home["blocks"]) <= 100
    assert payload_problems("views.publish", {"view": home}) == []
    text = json.dumps(home)
    assert "304 coming up" in text and "See more" in text and "Acme Corp" in text
    assert "This week (admins)" in text, "the admin's figures were cut off"

    fake_slack.click_home("U0ALICE", home_views.HOME_PAGE)
    assert bot.wait_idle()
    second = fake_slack.home["U0ALICE"]
    assert len(second["blocks"]) <= 100
    assert payload_problems("views.publish", {"view": second}) == []
    assert "Page 2 of" in json.dumps(second) and "Previous" in json.dumps(second)
    assert checkin_rows(second) and checkin_rows(second).isdisjoint(checkin_rows(home))


def checkin_rows(home: dict[str, Any]) -> set[str]:
    """The check-ins the Home shows, by the block id of each one's buttons."""
    return {b["block_id"] for b in home["blocks"] if b.get("block_id", "").startswith("checkin:")}


def test_needs_help_asks_the_team_and_offers_the_help_as_a_story_a_week_later(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    from bot.views import checkins as checkin_views

    fake_slack.add_user("U0CAROL", "carol", tz="Europe/London")
    fake_slack.add_channel("C0TEAM", "team", members=["U0ALICE", "U0BOB", "U0CAROL"])
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot(team_channel="C0TEAM")
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake_slack, ALICE_DM)
    fake_slack.click("U0ALICE", dm, checkin_views.REACHED_OUT)
    assert bot.wait_idle()
    fake_slack.submit(
        "U0ALICE",
        fake_slack.views[-1],
        {
            "outcome": {
                "value": {"type": "radio_buttons", "selected_option": {"value": "needs_help"}}
            },
            "note": {"value": {"type": "plain_text_input", "value": "Import <!here> is stuck"}},
        },
    )
    assert bot.wait_idle()

    updated = fake_slack.message(ALICE_DM, dm.ts)
    assert updated is not None
    with_ask_button = list(updated.blocks)
    fake_slack.click("U0ALICE", updated, checkin_views.ASK_TEAM)
    assert bot.wait_idle()
    [call] = [m for m in fake_slack.messages["C0TEAM"]]
    assert "&lt;!here&gt;" in json.dumps(call.blocks) and "<!here>" not in json.dumps(call.blocks)
    fake_slack.click("U0ALICE", updated, checkin_views.ASK_TEAM, blocks=with_ask_button)
    assert bot.wait_idle()
    assert len(fake_slack.messages["C0TEAM"]) == 1  # asked twice: not again

    with_help_button = list(call.blocks)
    fake_slack.click("U0BOB", call, checkin_views.OFFER_HELP)
    assert bot.wait_idle()
    fake_slack.click("U0CAROL", call, checkin_views.OFFER_HELP, blocks=with_help_button)
    assert bot.wait_idle()

    told = {e["user"]: json.dumps(e) for e in fake_slack.ephemerals}
    assert "<@U0ALICE> looks after" in told["U0BOB"] and "deal closed" in told["U0BOB"]
    assert "<@U0BOB> has already stepped in" in told["U0CAROL"]
    assert any("<@U0BOB> stepped in" in m.text for m in dms(fake_slack, ALICE_DM))

    offers_before = [m for m in dms(fake_slack, ALICE_DM) if "story worth telling" in m.text]
    at(clock, bot, clock.now() + timedelta(days=6))
    assert [
        m for m in dms(fake_slack, ALICE_DM) if "story worth telling" in json.dumps(m.blocks)
    ] == offers_before
    at(clock, bot, clock.now() + timedelta(days=1, minutes=1))
    [offer] = [
        m for m in dms(fake_slack, ALICE_DM) if "story worth telling" in json.dumps(m.blocks)
    ]
    fake_slack.click("U0ALICE", offer, checkin_views.SHARE_HELP_STORY)
    assert bot.wait_idle()
    modal = fake_slack.views[-1]
    fields = {b.get("block_id"): b for b in modal["blocks"]}
    assert fields["helpers"]["element"]["initial_users"] == ["U0BOB"]
    assert fields["served"]["element"]["initial_value"] == "Acme Corp"
