"""Service stories and the weekly recognition post, end to end through the fake Slack."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.support import story_values, submit_story, tick_together
from bot.services.stories import StoryDraft, share_story
from bot.store.models import Member, Story, Visibility
from bot.views import stories as views

TEAM = "C0TEAM"
WINS = "C0WINS"
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
THURSDAY_3PM = {
    "U0ALICE": datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
    "U0BOB": datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Europe/London")),
    "U0CAROL": datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
}
TRICKY = "<!channel> thanks & <http://x.test|click>"


@pytest.fixture
def team(fake_slack: FakeSlack) -> FakeSlack:
    fake_slack.add_user("U0CAROL", "carol", tz="Asia/Tokyo")
    fake_slack.add_user("U0DAVE", "dave", tz="Europe/London")  # paused prompts
    fake_slack.add_user(
        "U0ERIN",
        "erin",
        tz="Europe/London",
        status_text="On vacation",
        status_emoji=":palm_tree:",
        status_expiration=0,
    )
    fake_slack.add_user("U0FRANK", "frank", tz="Europe/London")  # shares before Thursday
    fake_slack.add_user("U0GONE", "gone", deleted=True)
    fake_slack.add_user("U0ZAPIER", "zapier", is_bot=True)
    members = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE", "U0ERIN", "U0FRANK", "U0GONE", "U0ZAPIER"]
    fake_slack.add_channel(TEAM, "team", members=members)
    fake_slack.add_channel(WINS, "wins", members=["U0ALICE"])
    return fake_slack


@pytest.fixture
def weekly_bot(
    team: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> RunningBot:
    clock.set(MONDAY)
    bot = start_bot(team_channel="team", recognition_channel=WINS)
    bot.tick()
    with bot.store.session() as session:
        session.add(
            Member(team_id="T0SERVE", user_id="U0DAVE", prompts_paused=True, updated_at=MONDAY)
        )
    return bot


def stories_in(bot: RunningBot) -> list[Story]:
    with bot.store.session() as session:
        return list(session.scalars(select(Story).order_by(Story.id)))


def prompt_dms(fake: FakeSlack) -> dict[str, Message]:
    return {
        m.channel.replace("D", "U", 1): m
        for channel, messages in fake.messages.items()
        if channel.startswith("D")
        for m in messages
        if m.text.startswith("Did you see someone help")
    }


def posts_in(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in fake.calls_to("chat.postMessage") if c.args["channel"] == channel]


def dm_texts_to(fake: FakeSlack, user: str) -> list[str]:
    return [
        json.dumps(c.args)
        for c in fake.calls_to("chat.postMessage")
        if c.args["channel"] in (user, "D" + user[1:])
    ]


def test_prompts_reach_each_eligible_member_at_three_pm_in_their_own_zone(
    team: FakeSlack, weekly_bot: RunningBot, clock: ManualClock
) -> None:
    submit_story(team, weekly_bot, "U0FRANK", story_values(["U0BOB"], "Bob covered my shift."))

    for user, three_pm in sorted(THURSDAY_3PM.items(), key=lambda item: item[1]):
        clock.set(three_pm - timedelta(minutes=1))
        weekly_bot.tick()
        assert user not in prompt_dms(team)
        clock.set(three_pm)
        weekly_bot.tick()
        assert user in prompt_dms(team)

    clock.set(datetime(2026, 11, 29, 23, 0, tzinfo=UTC))
    weekly_bot.tick()
    assert set(prompt_dms(team)) == {"U0ALICE", "U0BOB", "U0CAROL"}
    assert all(views.OPEN_STORY in json.dumps(m.blocks) for m in prompt_dms(team).values())


def test_story_from_the_prompt_reaches_the_digest_and_the_helper_hears_of_it_in_their_day(
    team: FakeSlack, weekly_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(THURSDAY_3PM["U0CAROL"])
    weekly_bot.tick()
    prompt = prompt_dms(team)["U0CAROL"]

    team.click("U0CAROL", prompt, views.OPEN_STORY)
    assert weekly_bot.wait_idle()
    [modal] = team.views
    ack = team.submit(
        "U0CAROL",
        modal,
        story_values(
            ["U0BOB"],
            "Bob stayed late to walk Acme through their import, unasked.",
            served="Acme Corp",
            quality="stewardship",
        ),
    )
    assert weekly_bot.wait_idle()
    assert ack["response_action"] == "update"

    submit_story(
        team,
        weekly_bot,
        "U0ALICE",
        story_values(
            ["U0BOB"], "Someone fixed the kettle for the whole floor.", visibility="anonymous"
        ),
    )
    submit_story(
        team,
        weekly_bot,
        "U0ALICE",
        story_values(
            ["U0CAROL"], "Carol quietly mentored a new hire all month.", visibility="leads"
        ),
    )

    assert dm_texts_to(team, "U0BOB") == []  # six in the morning in London: it waits
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/London")))
    weekly_bot.tick()
    told_bob = dm_texts_to(team, "U0BOB")
    assert len(told_bob) == 2
    [named] = [told for told in told_bob if "<@U0CAROL> noticed" in told]
    [anonymous] = [told for told in told_bob if "Someone noticed" in told]
    assert "*Acme Corp*" in named and "U0ALICE" not in anonymous
    assert not any("noticed" in d for d in dm_texts_to(team, "U0CAROL"))  # leads only

    clock.set(FRIDAY_4PM)
    weekly_bot.tick()
    [digest] = posts_in(team, WINS)
    text = json.dumps(digest["blocks"])
    assert "Bob stayed late to walk Acme" in text and "shared by <@U0CAROL>" in text
    assert "fixed the kettle" in text and "shared anonymously" in text
    assert "U0ALICE" not in text
    assert "mentored a new hire" not in text
    assert "2 stories this week" in text


def test_week_with_120_stories_fits_slack_and_keeps_their_order(
    team: FakeSlack, weekly_bot: RunningBot, clock: ManualClock
) -> None:
    zone = ZoneInfo("UTC")
    for n in range(120):
        clock.set(MONDAY + timedelta(minutes=n))
        text = f"Story {n:03d}: " + "Went out of their way to help. " * (60 if n % 7 == 0 else 2)
        share_story(
            weekly_bot.store,
            clock,
            "T0SERVE",
            "U0ALICE",
            StoryDraft(("U0BOB",), text[:2000], served=f"Customer {n}"),
            zone,
        )

    clock.set(FRIDAY_4PM)
    weekly_bot.tick()

    posts = posts_in(team, WINS)
    assert len(posts) >= 3
    root = team.messages[WINS][0]
    assert "thread_ts" not in posts[0]
    assert all(p["thread_ts"] == root.ts for p in posts[1:])
    assert all(len(p["blocks"]) <= 50 for p in posts)
    sections = [b["text"]["text"] for p in posts for b in p["blocks"] if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    numbers = [int(s.split("Story ")[1][:3]) for s in sections if "Story " in s]
    assert numbers == list(range(120))


def test_two_schedulers_on_one_database_post_one_digest(
    team: FakeSlack,
    weekly_bot: RunningBot,
    start_bot: Callable[..., RunningBot],
    clock: ManualClock,
) -> None:
    submit_story(
        team, weekly_bot, "U0ALICE", story_values(["U0BOB"], "Bob answered a customer at 2am.")
    )
    other = start_bot(team_channel="team", recognition_channel=WINS)
    clock.set(FRIDAY_4PM)
    tick_together(weekly_bot, other)
    weekly_bot.tick()
    other.tick()

    assert len(posts_in(team, WINS)) == 1


def test_bot_started_an_hour_after_digest_time_posts_it_once_and_says_it_is_late(
    team: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock
) -> None:
    clock.set(FRIDAY_4PM + timedelta(hours=1))
    bot = start_bot(team_channel="team", recognition_channel=WINS)
    assert team.wait_for(lambda: len(posts_in(team, WINS)) == 1)  # the start-up tick
    bot.tick()

    [digest] = posts_in(team, WINS)
    text = json.dumps(digest["blocks"])
    assert "late" in text
    assert "No stories this week" in text


def test_on_time_digest_does_not_say_it_is_late(
    team: FakeSlack, weekly_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(FRIDAY_4PM + timedelta(minutes=1))
    weekly_bot.tick()
    [digest] = posts_in(team, WINS)
    assert "late" not in json.dumps(digest["blocks"])


def test_story_text_is_kept_as_typed_and_shown_inert(
    team: FakeSlack, weekly_bot: RunningBot, clock: ManualClock
) -> None:
    submit_story(team, weekly_bot, "U0ALICE", story_values(["U0BOB"], TRICKY, served="A & B <co>"))

    [story] = stories_in(weekly_bot)
    assert story.what_happened == TRICKY
    clock.set(FRIDAY_4PM)
    weekly_bot.tick()

    shown = "&lt;!channel&gt; thanks &amp; &lt;http://x.test|click&gt;"
    [digest] = posts_in(team, WINS)
    story_text = next(
        b["text"]["text"]
        for b in digest["blocks"]
        if b["type"] == "section" and "thanks" in b["text"]["text"]
    )
    assert shown in story_text
    assert "<!channel>" not in json.dumps(digest) and "<http://x.test" not in json.dumps(digest)
    assert "A &amp; B &lt;co&gt;" in story_text
    [told] = [
        c.args
        for c in team.calls_to("chat.postMessage")
        if c.args["channel"] == "U0BOB" and "noticed" in c.args["text"]
    ]
    assert shown in told["blocks"][0]["text"]["text"]
    assert "<!channel>" not in json.dumps(told)


@pytest.mark.parametrize(
    "helpers,text,field",
    [
        ([], "Bob helped a customer at midnight.", "helpers"),
        (["U0BOB"], "Thanks!", "what_happened"),
        (["U0BOB"], "x" * 2001, "what_happened"),
    ],
)
def test_incomplete_story_gets_field_errors_and_stores_nothing(
    team: FakeSlack, weekly_bot: RunningBot, helpers: list[str], text: str, field: str
) -> None:
    ack = submit_story(team, weekly_bot, "U0ALICE", story_values(helpers, text))

    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {field}
    assert stories_in(weekly_bot) == []
    assert dm_texts_to(team, "U0BOB") == []


def test_message_shortcut_prefills_the_story_from_the_message(
    team: FakeSlack, weekly_bot: RunningBot
) -> None:
    message = team.post_as_user(
        TEAM, "Huge thanks to <@U0BOB> for fixing Acme &amp; Co's export!", user="U0CAROL"
    )
    team.send_interaction(
        {
            "type": "message_action",
            "callback_id": views.SHARE_FROM_MESSAGE,
            "trigger_id": "1.shortcut",
            "user": {"id": "U0ALICE"},
            "channel": {"id": TEAM, "name": "team"},
            "message": message.as_event(),
            "message_ts": message.ts,
            "response_url": "https://hooks.slack.invalid/1",
        }
    )
    assert weekly_bot.wait_idle()

    [modal] = team.views
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["helpers"]["element"]["initial_users"] == ["U0BOB"]
    assert blocks["what_happened"]["element"]["initial_value"] == (
        "Huge thanks to @U0BOB for fixing Acme & Co's export!"
    )
    assert f"archives/{TEAM}/p{message.ts.replace('.', '')}" in json.dumps(modal["blocks"])

    team.submit("U0ALICE", modal, story_values(["U0BOB"], "Bob fixed Acme's export unasked."))
    assert weekly_bot.wait_idle()
    [story] = stories_in(weekly_bot)
    assert story.source_link and message.ts.replace(".", "") in story.source_link
    assert story.visibility == Visibility.NAMED


def test_digest_is_composed_in_a_fixed_number_of_queries(store: Any, clock: ManualClock) -> None:
    from sqlalchemy import event

    from bot.services import weekly

    zone = ZoneInfo("UTC")

    def queries_for(stories: int) -> int:
        for n in range(stories):
            clock.set(MONDAY + timedelta(seconds=n))
            share_story(store, clock, "T1", "U1", StoryDraft(("U2",), f"Story number {n}"), zone)
        statements: list[str] = []

        def listener(*args: Any) -> None:
            statements.append(args[2])

        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            digest = weekly.compose_digest(store, "T1", "2026-W48", zone, FRIDAY_4PM, FRIDAY_4PM)
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
        assert len(digest.stories) >= stories
        return len(statements)

    assert queries_for(3) == queries_for(60)
