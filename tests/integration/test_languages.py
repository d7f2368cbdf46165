"""Serve in the reader's language, end to end through the fake Slack: what one person
hears follows their Slack locale, what a channel sees follows the channel's (or the
workspace's choice), and anything else is English."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.languages import translations, voice
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import (
    ALICE_DM,
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    LA,
    MONDAY_10AM_LA,
    at,
    buttons,
    close_deal,
    dms,
    story_values,
    submit_story,
)
from bot.views import checkins as views
from bot.views import deals as deal_views
from bot.views import stories as story_views

PT = translations("pt_BR")
DE = translations("de")
CHECKIN_BUTTONS = ["I reached out", "Snooze", "Hand off", "Timeline", "Stop for this customer"]
TEAM = "C0TEAM"
THURSDAY_3PM_LA = datetime(2026, 11, 26, 15, 0, tzinfo=LA)


def in_portuguese(english: list[str]) -> list[str]:
    said = [PT.gettext(text) for text in english]
    assert said != english, "the catalog says these in English"
    return said


def checkin_dm_to(
    fake: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock, locale: str
) -> tuple[RunningBot, Message]:
    fake.add_user("U0ALICE", "alice", tz="America/Los_Angeles", locale=locale)
    bot = start_bot()
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake, bot, "Closed Acme Corp for R$45,000 :tada:")
    at(clock, bot, MONDAY_10AM_LA)
    [dm] = dms(fake, ALICE_DM)
    return bot, dm


def texts(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_a_person_whose_slack_speaks_pt_br_gets_the_checkin_and_its_modal_in_portuguese(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    bot, dm = checkin_dm_to(fake_slack, start_bot, clock, "pt-BR")

    assert buttons(dm) == in_portuguese(CHECKIN_BUTTONS)
    assert PT.gettext("Time to check in with {customer}.").format(customer="Acme Corp") == dm.text

    fake_slack.click("U0ALICE", dm, views.SNOOZE)
    assert bot.wait_idle()
    [modal] = fake_slack.views
    assert [modal["title"]["text"], modal["submit"]["text"], modal["close"]["text"]] == (
        in_portuguese(["Snooze check-in", "Snooze", "Cancel"])
    )
    fake_slack.submit(
        "U0ALICE",
        modal,
        {"days": {"value": {"type": "radio_buttons", "selected_option": {"value": "7"}}}},
    )
    assert bot.wait_idle()
    [update] = fake_slack.calls_to("chat.update")
    snoozed = update.args["blocks"][0]["text"]["text"]
    until = (MONDAY_10AM_LA + timedelta(days=7)).astimezone(UTC)
    assert f"|{format_date(until, 'medium', locale='pt_BR')} " in snoozed  # 30 de nov. de 2026
    assert (
        PT.gettext("Snoozed check-in for {customer}.").format(customer="Acme Corp")
        == (update.args["text"])
    )


def test_the_timeline_a_pt_br_person_opens_shows_the_amount_as_brazil_writes_it(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    bot, dm = checkin_dm_to(fake_slack, start_bot, clock, "pt-BR")

    fake_slack.click("U0ALICE", dm, views.TIMELINE)
    assert bot.wait_idle()
    [shown] = fake_slack.calls_to("chat.postEphemeral")
    assert "R$\xa045.000" in texts(shown.args["blocks"])
    assert "R$45,000" not in texts(shown.args["blocks"])


def test_a_pt_br_member_gets_the_story_prompt_and_its_form_in_portuguese(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_user("U0ALICE", "alice", tz="America/Los_Angeles", locale="pt-BR")
    fake_slack.add_channel(TEAM, "team", members=["U0ALICE", "U0BOB"])
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    bot = start_bot(team_channel="team")
    bot.tick()
    at(clock, bot, THURSDAY_3PM_LA)

    [prompt] = dms(fake_slack, ALICE_DM)
    assert buttons(prompt) == in_portuguese(["Share a story"])
    assert prompt.text == PT.gettext("Did you see someone help this week without being asked?")
    fake_slack.click("U0ALICE", prompt, story_views.OPEN_STORY)
    assert bot.wait_idle()
    [form] = fake_slack.views
    assert [form["title"]["text"], form["submit"]["text"]] == in_portuguese(
        ["Share a story", "Share"]
    )
    [bob_dm] = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"]
        in (
            "U0BOB",
            "D0BOB",
        )
    ]
    assert bob_dm.args["text"] == "Did you see someone help this week without being asked?"


def test_a_person_whose_slack_speaks_a_language_serve_lacks_hears_english(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    bot, dm = checkin_dm_to(fake_slack, start_bot, clock, "ja-JP")

    assert buttons(dm) == CHECKIN_BUTTONS
    assert dm.text == "Time to check in with Acme Corp."
    fake_slack.click("U0ALICE", dm, views.TIMELINE)
    assert bot.wait_idle()
    [shown] = fake_slack.calls_to("chat.postEphemeral")
    assert "R$45,000" in texts(shown.args["blocks"])


def test_the_locale_is_asked_for_with_the_person_and_the_time_zone_once(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    checkin_dm_to(fake_slack, start_bot, clock, "pt-BR")

    # she is read with everyone (users.list) or alone (users.info): the locale with her
    alone = [c.args for c in fake_slack.calls_to("users.info") if c.args["user"] == "U0ALICE"]
    asked = [*alone, *(c.args for c in fake_slack.calls_to("users.list"))]
    assert asked and all(str(a.get("include_locale")).lower() in ("1", "true") for a in asked)
    assert ZoneInfo("America/Los_Angeles")  # the DM came at ten in her zone, as ever


def test_a_request_in_portuguese_leaves_the_next_thing_said_on_its_thread_in_english(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    bot, dm = checkin_dm_to(fake_slack, start_bot, clock, "pt-BR")
    fake_slack.click("U0ALICE", dm, views.TIMELINE)
    assert bot.wait_idle()

    assert voice().language == "en"
    fake_slack.add_user("U0BOB", "bob", tz="Europe/London", locale="en-GB")
    fake_slack.click("U0BOB", dm, views.TIMELINE)
    assert bot.wait_idle()
    bobs = [c for c in fake_slack.calls_to("chat.postEphemeral") if c.args["user"] == "U0BOB"]
    assert bobs and "R$45,000" in texts(bobs[-1].args)


WINS = "C0WINS"
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def digest_in(
    fake: FakeSlack,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
    wins_locale: str | None,
    **settings: Any,
) -> dict[str, Any]:
    """The week's digest in a recognition channel whose Slack locale is `wins_locale`,
    after one story."""
    fake.add_channel(TEAM, "team", members=["U0ALICE", "U0BOB"])
    fake.add_channel(WINS, "wins", members=["U0ALICE"], locale=wins_locale)
    clock.set(MONDAY_9AM)
    bot = start_bot(team_channel="team", recognition_channel=WINS, **settings)
    bot.tick()
    submit_story(fake, bot, "U0ALICE", story_values(["U0BOB"], "Bob stayed late for Acme."))
    at(clock, bot, FRIDAY_4PM)
    [digest] = [c.args for c in fake.calls_to("chat.postMessage") if c.args["channel"] == WINS]
    return digest


def test_a_de_de_channels_digest_is_in_german(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    digest = digest_in(fake_slack, start_bot, clock, "de-DE")

    header = digest["blocks"][0]["text"]["text"]
    week_of = DE.gettext("Help given unasked · week of {day}")
    assert week_of != "Help given unasked · week of {day}"
    assert header == week_of.format(day="23. November")
    one_story = DE.ngettext("*{count} story this week*", "*{count} stories this week*", 1)
    assert one_story.format(count="1") in texts(digest["blocks"])
    assert digest["text"] == DE.gettext("This week's service stories: {count}").format(count="1")
    assert "Bob stayed late for Acme." in texts(digest["blocks"])  # people's words as typed


def test_a_channel_with_no_locale_of_its_own_speaks_english(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    digest = digest_in(fake_slack, start_bot, clock, None)

    assert digest["blocks"][0]["text"]["text"] == "Help given unasked · week of 23 November"


def test_the_workspaces_chosen_language_wins_over_the_channels_own(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    digest = digest_in(fake_slack, start_bot, clock, "de-DE", channel_language="pt-BR")

    week_of = PT.gettext("Help given unasked · week of {day}")
    assert digest["blocks"][0]["text"]["text"] == week_of.format(day="23 de novembro")


def test_the_deal_reply_speaks_the_deal_channels_language(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_channel(DEALS_CHANNEL, "deals", members=["U0ALICE", "U0BOB"], locale="pt-BR")
    bot = start_bot()
    clock.set(FRIDAY_5PM_LA)
    close_deal(fake_slack, bot, "Closed Acme Corp for R$45,000 :tada:")

    [reply] = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]
    shown = texts(reply["blocks"])
    assert "R$\xa045.000" in shown
    assert in_portuguese(["Change customer"])[0] in shown


def test_a_pt_br_person_renaming_a_german_channels_deal_sees_portuguese_and_the_reply_stays_german(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    fake_slack.add_user("U0ALICE", "alice", tz="America/Los_Angeles", locale="pt-BR")
    fake_slack.add_channel(DEALS_CHANNEL, "deals", members=["U0ALICE", "U0BOB"], locale="de-DE")
    bot = start_bot()
    clock.set(FRIDAY_5PM_LA)
    deal = close_deal(fake_slack, bot, "Closed Initech Europe :tada:")
    reply = fake_slack.message(DEALS_CHANNEL, deal.reply_ts or "")
    german = DE.gettext("Change customer")
    assert german != "Change customer"
    assert reply is not None and f'"{german}"' in texts(reply.blocks)

    fake_slack.click("U0ALICE", reply, deal_views.CHANGE_CUSTOMER)
    assert bot.wait_idle()
    [form] = fake_slack.views
    assert form["title"]["text"] == PT.gettext("Change customer")
    fake_slack.submit(
        "U0ALICE", form, {"customer": {"value": {"type": "plain_text_input", "value": "Initech"}}}
    )
    assert bot.wait_idle()

    redrawn = fake_slack.message(DEALS_CHANNEL, deal.reply_ts or "")
    assert redrawn is not None and "*Initech*" in texts(redrawn.blocks)
    assert f'"{german}"' in texts(redrawn.blocks)
    assert '"Change customer"' not in texts(redrawn.blocks)
