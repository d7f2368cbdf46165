"""A directory that stays warm: each workspace's people are read whole (users.list, in
pages) as Serve starts and again every few hours, events keep them fresh in
between, and users.info is asked only about someone the directory does not know."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.directory import PEOPLE_PAGE, REREAD_EVERY
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.fakeslack.workspace import TEAM_ID
from bot.sandbox.support import ALICE_DM, FRIDAY_5PM_LA, MONDAY_10AM_LA, at, close_deal, dms


def people_asked_about(fake: FakeSlack) -> list[str]:
    return [str(call.args.get("user")) for call in fake.calls_to("users.info")]


def test_after_warming_a_checkin_dm_to_a_known_person_asks_slack_nothing_about_them(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    at(clock, bot, FRIDAY_5PM_LA)  # past the re-read: everyone is read again
    close_deal(fake_slack, bot, "Closed Acme Corp :tada:")
    at(clock, bot, MONDAY_10AM_LA)

    assert len(dms(fake_slack, ALICE_DM)) == 1
    assert people_asked_about(fake_slack) == []
    assert fake_slack.calls_to("users.list")[0].args.get("include_locale") in (True, "true", "1")


def test_a_profile_change_is_seen_without_asking_slack_again(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    at(clock, bot, FRIDAY_5PM_LA)
    fake_slack.set_profile("U0ALICE", tz="Europe/London", status_emoji=":palm_tree:")
    assert bot.wait_idle()
    clock.advance(REREAD_EVERY - timedelta(minutes=1))  # well past the hour users.info lasts

    person = bot.directory.person(bot.deliveries.to(TEAM_ID).client, "U0ALICE")
    assert person is not None
    assert (person.tz, person.profile.get("status_emoji")) == ("Europe/London", ":palm_tree:")
    assert person.locale == "en-US"  # the event has none: the read's is kept
    assert people_asked_about(fake_slack) == []


def test_someone_who_joins_is_known_without_asking_slack(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    at(clock, bot, FRIDAY_5PM_LA)
    fake_slack.join("U0NORA", "nora", tz="Europe/Berlin")
    assert bot.wait_idle()

    person = bot.directory.person(bot.deliveries.to(TEAM_ID).client, "U0NORA")
    assert person is not None and person.tz == "Europe/Berlin"
    assert people_asked_about(fake_slack) == []


def test_warming_reads_every_page_and_reads_again_on_the_slow_schedule(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    already = sum(1 for u in fake_slack.users.values() if u["team_id"] == TEAM_ID)
    for n in range(450 - already):
        fake_slack.add_user(f"U1{n:08d}", f"person{n}")
    clock.set(FRIDAY_5PM_LA)
    bot = start_bot()  # it reads everyone as it starts; this tick finds them read
    at(clock, bot, FRIDAY_5PM_LA)

    pages = fake_slack.calls_to("users.list")
    assert len(pages) == 3
    assert {int(p.args["limit"]) for p in pages} == {PEOPLE_PAGE}
    client = bot.deliveries.to(TEAM_ID).client
    assert bot.directory.person(client, f"U1{450 - already - 1:08d}") is not None
    assert people_asked_about(fake_slack) == []

    at(clock, bot, FRIDAY_5PM_LA + REREAD_EVERY - timedelta(minutes=1))
    assert len(fake_slack.calls_to("users.list")) == 3
    at(clock, bot, FRIDAY_5PM_LA + REREAD_EVERY)
    assert len(fake_slack.calls_to("users.list")) == 6


def test_someone_the_directory_does_not_know_is_asked_about_once(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    at(clock, bot, FRIDAY_5PM_LA)
    fake_slack.add_user("U0QUIET", "quinn")  # joined with no event reaching the bot
    client = bot.deliveries.to(TEAM_ID).client

    assert bot.directory.person(client, "U0QUIET") is not None
    assert bot.directory.person(client, "U0QUIET") is not None
    assert people_asked_about(fake_slack) == ["U0QUIET"]
