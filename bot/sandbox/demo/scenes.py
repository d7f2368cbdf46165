"""The demo's story: a deal closes, its owner checks in, the team lends a hand, and a
teammate's help is noticed. Each scene drives the real bot through the fake Slack as the
tests do, then shows what each person would see."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.text import Text

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack.workspace import TEAM_ID
from bot.views import checkins as checkin_views
from bot.views import stories as story_views

from . import render

DEALS, TEAM, WINS = "C0DEALS", "C0TEAM", "C0WINS"
WORKSPACE_ZONE = "America/New_York"
ONLY_YOU = "only you can see this"
SHOWN_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
    }
)


class DemoFailed(Exception):
    """The bot did not do what the story expects next."""


@dataclass(frozen=True)
class Person:
    id: str
    handle: str
    zone: str

    @property
    def name(self) -> str:
        return self.handle.title()


ALICE = Person("U0ALICE", "alice", "America/Los_Angeles")  # closes the deal, owns Acme
BOB = Person("U0BOB", "bob", "America/New_York")  # lends a hand
CAROL = Person("U0CAROL", "carol", "America/Chicago")  # notices, and tells the story
PEOPLE = (ALICE, BOB, CAROL)
MONDAY = datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo(ALICE.zone))
THURSDAY_10AM_ALICE = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo(ALICE.zone))
THURSDAY_3PM_CAROL = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo(CAROL.zone))
THURSDAY_3PM_ALICE = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo(ALICE.zone))
FRIDAY_4PM = datetime(2026, 12, 4, 16, 0, tzinfo=ZoneInfo(WORKSPACE_ZONE))
DEAL_POST = "Closed Acme Corp, 2-year plan :tada:"
CUSTOMER = "Acme Corp"
CHECKIN_NOTE = "They're happy, but the CSV import keeps failing on big files."
STORY = "Bob dropped everything to walk Acme's team through their import. Nobody asked him to."
SETTINGS: dict[str, Any] = {
    "deal_channels": (DEALS,),
    "team_channel": TEAM,
    "recognition_channel": WINS,
    "default_timezone": WORKSPACE_ZONE,
}


def workspace(fake: Any) -> None:
    """Three teammates in three time zones, and the channels Serve works in."""
    for person in PEOPLE:
        fake.add_user(person.id, person.handle, tz=person.zone)
    everyone = [person.id for person in PEOPLE]
    fake.add_channel(DEALS, "deals", members=everyone)
    fake.add_channel(TEAM, "team", members=everyone)
    fake.add_channel(WINS, "wins", members=everyone)


@dataclass(eq=False)
class Seen:
    """One thing on someone's screen."""

    where: str
    viewer: Person | None
    body: RenderableType
    summary: str
    kind: str  # message, ephemeral, modal, home, response
    channel: str = ""
    note: str = ""


class Stage:
    """The fake workspace, the bot and the clock, with a console to show what happens."""

    def __init__(
        self,
        fake: Any,
        bot: RunningBot,
        clock: ManualClock,
        console: Console,
        pause: Callable[[], None],
    ) -> None:
        self.fake, self.bot, self.clock, self.console = fake, bot, clock, console
        self.pause = pause
        self.scenes = 0
        self._calls = len(fake.calls)
        self._responses = len(fake.responses)
        self.people = {person.id: person for person in PEOPLE}

    # -- showing -----------------------------------------------------------------------

    @property
    def names(self) -> render.Names:
        users = {uid: u["profile"]["display_name"] for uid, u in list(self.fake.users.items())}
        channels = {cid: c["name"] for cid, c in list(self.fake.channels.items()) if "name" in c}
        return render.Names(users, channels)

    def scene(self, title: str) -> None:
        if self.scenes:
            self.pause()
        self.scenes += 1
        self.console.print()
        self.console.print(Rule(Text(f"Scene {self.scenes}: {title}", style="bold cyan")))

    def say(self, line: str) -> None:
        self.console.print(Text(line, style="italic"))

    def local_time(self, person: Person | None) -> str:
        if person is None:
            return ""
        zone = ZoneInfo(person.zone)
        moment = self.clock.now().astimezone(zone)
        city = person.zone.rsplit("/", 1)[-1].replace("_", " ")
        return f"{moment:%a} {moment.day} {moment:%b %H:%M} in {city}"

    def show(self, seen: Seen) -> None:
        who = f"{seen.viewer.name} sees" if seen.viewer else ""
        self.console.print(
            render.card(seen.body, seen.where, who, self.local_time(seen.viewer), seen.note)
        )

    def show_new(
        self,
        actor: Person,
        viewer: Person | None = None,
        focus: Callable[[Seen], bool] | None = None,
    ) -> list[Seen]:
        """Show what the bot put on anyone's screen since last time. Channel posts are
        shown as `viewer` (default: `actor`) sees them; modals and command answers went to
        `actor`. What `focus` leaves out gets one line; Home refreshes none."""
        seen = self.collect(actor, viewer or actor)
        left_out = [item for item in seen if focus is not None and not focus(item)]
        for item in seen:
            if item not in left_out:
                self.show(item)
        for item in left_out:
            if item.kind != "home":
                to = f" to {item.viewer.name}" if item.viewer else ""
                self.console.print(Text(f"  also: {item.where}{to}: {item.summary}", style="dim"))
        return seen

    def collect(self, actor: Person, viewer: Person) -> list[Seen]:
        calls = self.fake.calls[self._calls :]
        responses = self.fake.responses[self._responses :]
        self._calls += len(calls)
        self._responses += len(responses)
        seen = [s for call in calls if (s := self._seen_in(call, actor, viewer)) is not None]
        for body in responses:
            only = body.get("response_type", "ephemeral") == "ephemeral"
            seen.append(
                Seen(
                    "Serve's answer",
                    actor,
                    render.message(body, self.names),
                    _summary(body),
                    "response",
                    note=ONLY_YOU if only else "",
                )
            )
        return seen

    def _seen_in(self, call: Any, actor: Person, viewer: Person) -> Seen | None:
        if call.method not in SHOWN_METHODS or call.status != 200 or not call.response.get("ok"):
            return None
        args = {key: _decoded(value) for key, value in call.args.items()}
        names = self.names
        if call.method.startswith("views."):
            shown = args.get("view")
            shown = shown if isinstance(shown, Mapping) else {}
            body = render.view(shown, names)
            if call.method == "views.publish":
                owner = self.people.get(str(args.get("user_id")))
                return Seen("App Home · Serve", owner, body, "Home", "home")
            return Seen("Modal", actor, body, _title(shown), "modal")
        channel = str(args.get("channel", ""))
        body, summary = render.message(args, names), _summary(args)
        if call.method == "chat.postEphemeral":
            person = self.people.get(str(args.get("user")))
            return Seen(
                names.channel(channel), person, body, summary, "ephemeral", channel, ONLY_YOU
            )
        note = "(edited)" if call.method == "chat.update" else ""
        if args.get("thread_ts"):
            note = "reply in thread"
        dm_with = self._dm_person(channel)
        if dm_with is not None:
            return Seen("DM from Serve", dm_with, body, summary, "message", channel, note)
        return Seen(names.channel(channel), viewer, body, summary, "message", channel, note)

    def _dm_person(self, channel: str) -> Person | None:
        if channel.startswith("U"):
            return self.people.get(channel)
        info = self.fake.channels.get(channel, {})
        return self.people.get(str(info.get("user"))) if info.get("is_im") else None

    # -- acting --------------------------------------------------------------------------

    def idle(self) -> None:
        if not self.bot.wait_idle():
            raise DemoFailed("the bot was still busy after 10 seconds")

    def at(self, moment: datetime) -> None:
        """Move the clock and let the runner send what has fallen due."""
        self.clock.set(moment)
        self.bot.tick()

    def latest_dm(self, person: Person) -> Any:
        messages = [m for m in self.fake.messages.get("D" + person.id[1:], []) if not m.thread_ts]
        if not messages:
            raise DemoFailed(f"Serve sent {person.name} no DM")
        return messages[-1]

    def modal(self) -> dict[str, Any]:
        if not self.fake.views:
            raise DemoFailed("no modal opened")
        return dict(self.fake.views[-1])

    def submit(self, person: Person, modal: dict[str, Any], values: dict[str, Any]) -> Any:
        filled_in = render.view(modal, self.names, values)
        self.show(Seen("Modal", person, filled_in, "", "modal", note="filled in"))
        ack = self.fake.submit(person.id, modal, values)
        self.idle()
        if ack.get("response_action") == "errors":
            raise DemoFailed(f"the form was refused: {ack.get('errors')}")
        return ack


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _summary(payload: Mapping[str, Any]) -> str:
    text = render.mrkdwn(payload.get("text", ""), emoji=False).plain
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 60 else line[:59] + "…"


def _title(modal: Mapping[str, Any]) -> str:
    title = modal.get("title")
    return str(title.get("text", "")) if isinstance(title, Mapping) else ""


def value(kind: str, **state: Any) -> dict[str, Any]:
    """One input's state in a view submission, under the action id the views use."""
    return {"value": {"type": kind, **state}}


# -- the story ------------------------------------------------------------------------------


def play(stage: Stage) -> None:
    deal_closes(stage)
    checkin_arrives(stage)
    owner_reaches_out(stage)
    team_lends_a_hand(stage)
    command_and_home(stage)
    story_is_shared(stage)
    digest_goes_out(stage)


def deal_closes(stage: Stage) -> None:
    stage.scene("A deal is announced in #deals")
    fake = stage.fake
    post = fake.post_as_user(DEALS, DEAL_POST, user=ALICE.id)
    posted = render.mrkdwn(DEAL_POST, stage.names)
    stage.show(Seen("#deals", ALICE, posted, "", "message", DEALS, note="Alice posts"))
    fake.send_event({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
    stage.idle()
    stage.bot.tick()  # the runner posts the thread reply the listener queued
    seen = stage.show_new(ALICE)
    if not any(s.channel == DEALS and s.note == "reply in thread" for s in seen):
        raise DemoFailed("Serve did not reply to the deal post")


def checkin_arrives(stage: Stage) -> None:
    stage.scene("Three days later, Alice's check-in")
    stage.say("The clock moves to Thursday 10:00 in Los Angeles and the runner ticks.")
    stage.at(THURSDAY_10AM_ALICE)
    seen = stage.show_new(ALICE)
    if not any(s.viewer == ALICE and s.kind == "message" for s in seen):
        raise DemoFailed("no check-in DM reached Alice")


def owner_reaches_out(stage: Stage) -> None:
    stage.scene("Alice reached out: the customer needs help")
    stage.say("Alice calls Acme, then clicks [ I reached out ].")
    stage.fake.click(ALICE.id, stage.latest_dm(ALICE), checkin_views.REACHED_OUT)
    stage.idle()
    stage.collect(ALICE, ALICE)  # the empty form: shown below as Alice fills it in
    values = {
        "outcome": value("radio_buttons", selected_option={"value": "needs_help"}),
        "note": value("plain_text_input", value=CHECKIN_NOTE),
    }
    stage.submit(ALICE, stage.modal(), values)
    seen = stage.show_new(ALICE, focus=lambda s: s.kind != "home")
    if not any(s.note == "(edited)" for s in seen):
        raise DemoFailed("the check-in DM was not updated with Alice's answer")


def team_lends_a_hand(stage: Stage) -> None:
    stage.scene("The team is asked for a hand")
    stage.say("Alice clicks [ Ask the team for a hand ].")
    stage.fake.click(ALICE.id, stage.latest_dm(ALICE), checkin_views.ASK_TEAM)
    stage.idle()
    stage.show_new(ALICE, viewer=BOB)
    asks = stage.fake.messages.get(TEAM, [])
    if not asks:
        raise DemoFailed("nothing was posted in #team")
    stage.clock.advance(timedelta(minutes=12))
    stage.say("Twelve minutes later, Bob clicks [ I'll help ].")
    stage.fake.click(BOB.id, asks[-1], checkin_views.OFFER_HELP)
    stage.idle()
    seen = stage.show_new(BOB)
    if not any(s.viewer == ALICE for s in seen):
        raise DemoFailed("Alice was not told that Bob stepped in")


def command_and_home(stage: Stage) -> None:
    stage.scene("/serve and the App Home")
    stage.clock.advance(timedelta(hours=1))
    stage.say("Alice types: /serve timeline acme")
    ack = stage.fake.command(ALICE.id, "timeline acme")
    stage.idle()
    if ack.get("blocks") or ack.get("text"):
        answer = render.message(ack, stage.names)
        stage.show(Seen("Serve's answer", ALICE, answer, "", "response", note=ONLY_YOU))
    seen = stage.show_new(ALICE)
    if not (ack.get("blocks") or ack.get("text")) and not any(s.kind == "response" for s in seen):
        raise DemoFailed("/serve timeline gave no answer")
    stage.say("Then she opens Serve's Home tab.")
    stage.fake.open_home(ALICE.id)
    stage.idle()
    seen = stage.show_new(ALICE)
    if not any(s.kind == "home" for s in seen):
        raise DemoFailed("the Home tab was not published")


def story_is_shared(stage: Stage) -> None:
    stage.scene("Thursday's prompt: Carol tells a story")
    stage.say("15:00 in each teammate's own time zone, Serve asks about help given unasked.")
    stage.at(THURSDAY_3PM_CAROL)
    stage.show_new(CAROL, focus=lambda s: s.viewer == CAROL)
    stage.say("Carol clicks [ Share a story ].")
    stage.fake.click(CAROL.id, stage.latest_dm(CAROL), story_views.OPEN_STORY)
    stage.idle()
    stage.collect(CAROL, CAROL)
    values = {
        "helpers": value("multi_users_select", selected_users=[BOB.id]),
        "served": value("plain_text_input", value=CUSTOMER),
        "what_happened": value("plain_text_input", value=STORY),
        "quality": value("static_select", selected_option={"value": "stewardship"}),
        "visibility": value("radio_buttons", selected_option={"value": "named"}),
    }
    ack = stage.submit(CAROL, stage.modal(), values)
    stage.bot.tick()  # Bob hears of it as soon as he can: now, in his working day
    if isinstance(ack.get("view"), Mapping):
        stage.show(Seen("Modal", CAROL, render.view(ack["view"], stage.names), "", "modal"))
    seen = stage.show_new(CAROL, focus=lambda s: s.kind != "home")
    if not any(s.viewer == BOB for s in seen):
        raise DemoFailed("Bob was not told his help was noticed")
    stage.say("Two hours later it is 15:00 in Los Angeles, and Alice is asked too.")
    stage.at(THURSDAY_3PM_ALICE)
    stage.show_new(ALICE, focus=lambda s: False)


def digest_goes_out(stage: Stage) -> None:
    stage.scene("Friday's digest in #wins")
    stage.say("Friday 16:00 in the workspace's time zone (New York): the week's digest.")
    stage.at(FRIDAY_4PM)
    seen = stage.show_new(ALICE, focus=lambda s: s.channel == WINS)
    if not any(s.channel == WINS for s in seen):
        raise DemoFailed("no digest was posted in #wins")
    chart_for_newcomers(stage)


CHART_FILE = "serve-demo-chart.png"


def chart_for_newcomers(stage: Stage) -> None:
    """A workspace this new gets no chart in its digest (too little history), so the demo
    draws the demo week after eleven made-up earlier ones — the chart a lead sees after a
    quarter of Serve — writes it beside the demo's output, and says where."""
    from pathlib import Path

    from bot.services import weekly
    from bot.services.stories import week_of
    from bot.views.chart import render_png

    zone = weekly.zone_of(stage.bot.settings)
    week = week_of(stage.clock.now(), zone)
    this_week = weekly.history(stage.bot.store, TEAM_ID, week, zone).this_week
    earlier = [
        weekly.WeekFigures(week_of(stage.clock.now() - timedelta(weeks=len(QUARTER) - n), zone), *f)
        for n, f in enumerate(QUARTER)
    ]
    history = weekly.History([*earlier, this_week])
    Path(CHART_FILE).write_bytes(render_png(history))
    stage.say(
        f"The chart of the last 12 weeks, as leads see it after a quarter of Serve (the 11 "
        f"weeks before this one made up for the demo), is in this folder: {CHART_FILE}"
    )


# Eleven weeks before the demo's, a small team's quarter with a slow week and a busy one:
# deals closed, check-ins due, answered, satisfied, neutral, needed help, got a hand.
QUARTER = [
    (2, 1, 1, 1, 0, 0, 0),
    (1, 3, 2, 1, 1, 0, 0),
    (3, 2, 2, 1, 0, 1, 1),
    (0, 4, 3, 2, 1, 0, 0),
    (2, 2, 1, 0, 0, 1, 0),
    (4, 3, 3, 2, 0, 1, 1),
    (1, 5, 4, 3, 1, 0, 0),
    (2, 4, 4, 2, 1, 1, 1),
    (3, 3, 2, 1, 1, 0, 0),
    (1, 6, 5, 3, 1, 1, 1),
    (2, 4, 4, 3, 0, 1, 1),
]
