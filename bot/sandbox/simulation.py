"""`servebot simulate`: an admin's preview of what Serve will send a team.

The real bot (the same app, scheduling and runner) runs against the fake Slack on a
simulated clock for a span of weeks: deals are posted, people go on vacation (their
Slack status says so), answer or ignore their check-ins and sometimes share a story
from the weekly prompt. Every message Serve sends a person is then judged by the
recipient's own clock: outside working hours, on a weekend or holiday, while away."""

from __future__ import annotations

import heapq
import itertools
import json
import random
import statistics
import time as wallclock
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clocktime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import WORKSPACE_SETTINGS, Settings
from bot.sandbox.harness import sandbox
from bot.store import checkins as checkin_queries
from bot.store import deals as deal_queries
from bot.store import due as due_queries
from bot.store import stories as story_queries
from bot.store.models import CheckInStatus
from bot.views.checkins import REACHED_OUT, REACHED_OUT_MODAL
from bot.views.stories import OPEN_STORY

DEFAULT_ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
)
FIRST_MONDAY = datetime(2027, 1, 4, tzinfo=UTC)  # a span that crosses spring's DST changes
DEALS, TEAM, WINS = "C0DEALS", "C0TEAM", "C0WINS"
CHANNEL_INPUTS = ("channel", "channels")
OUTCOMES = ("satisfied", "satisfied", "neutral", "needs_help")


@dataclass(frozen=True)
class Scenario:
    people: int = 50
    weeks: int = 26
    deals_per_week: int = 5
    zones: tuple[str, ...] = DEFAULT_ZONES
    answer_rate: float = 0.6  # check-ins answered; the rest are ignored
    away_rate: float = 0.08  # chance a person is on vacation in a given week
    story_rate: float = 0.15  # chance a prompt is answered with a story
    seed: int = 1
    start: datetime = FIRST_MONDAY
    working_hours: tuple[int, int] = (8, 18)  # local hours a message may arrive

    def problems(self) -> list[str]:
        found = []
        if not 1 <= self.people <= 2000:
            found.append("--people should be 1 to 2000")
        if not 1 <= self.weeks <= 104:
            found.append("--weeks should be 1 to 104")
        if not 0 <= self.deals_per_week <= 500:
            found.append("--deals-per-week should be 0 to 500")
        for name, rate in (
            ("--answer-rate", self.answer_rate),
            ("--away-rate", self.away_rate),
            ("--story-rate", self.story_rate),
        ):
            if not 0 <= rate <= 1:
                found.append(f"{name} should be between 0 and 1")
        for zone in self.zones:
            try:
                ZoneInfo(zone)
            except (ValueError, KeyError):
                found.append(f"--zones: {zone!r} is not a known time zone")
        start, end = self.working_hours
        if not 0 <= start < end <= 24:
            found.append("--working-hours should be like 8-18")
        return found


@dataclass(frozen=True)
class Person:
    user_id: str
    zone: ZoneInfo
    away: tuple[tuple[datetime, datetime], ...]  # vacations, start and end

    def away_at(self, moment: datetime) -> bool:
        return any(start <= moment < end for start, end in self.away)


@dataclass(frozen=True)
class Sent:
    """A message Serve posted to a person's DM: when, and whether it was a reminder."""

    user_id: str
    at: datetime
    reminder_of: str | None = None  # the DM's ts, for a reply in its thread


@dataclass
class SimulationReport:
    people: int
    weeks: int
    messages_total: int
    median_messages_per_person_week: float
    max_messages_per_person_week: int
    outside_working_hours: int
    weekend_or_holiday: int
    while_away: int
    max_reminders_per_checkin: int
    checkins_sent: int
    checkins_answered: int
    checkins_missed: int
    deals: int
    stories: int
    digests: int
    dst_transitions_crossed: int
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)  # a few of the bad sends, if any

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def lines(self) -> list[str]:
        bad = self.outside_working_hours + self.weekend_or_holiday + self.while_away
        verdict = "no message at a bad time" if not bad else f"{bad} messages at a bad time"
        return [
            f"Simulated {self.weeks} weeks of a team of {self.people}: {verdict}.",
            "",
            f"  messages from Serve to people    {self.messages_total}",
            f"  per person per week              median {self.median_messages_per_person_week:g},"
            f" max {self.max_messages_per_person_week}",
            f"  outside working hours            {self.outside_working_hours}",
            f"  on a weekend or holiday          {self.weekend_or_holiday}",
            f"  while away                       {self.while_away}",
            f"  reminders per check-in, at most  {self.max_reminders_per_checkin}",
            f"  check-ins sent                   {self.checkins_sent}",
            f"  check-ins answered               {self.checkins_answered}",
            f"  check-ins missed                 {self.checkins_missed}",
            f"  deals / stories / digests        {self.deals} / {self.stories} / {self.digests}",
            f"  daylight-saving changes crossed  {self.dst_transitions_crossed}",
            f"  took                             {self.seconds:.1f} s",
            *(f"  bad send: {example}" for example in self.examples),
        ]


def plan_people(scenario: Scenario, rng: random.Random) -> list[Person]:
    """The team: zones spread in turn, and each person's weeks away (Monday to Friday
    night in their own zone, now and then two weeks running)."""
    people = []
    for n in range(scenario.people):
        zone = ZoneInfo(scenario.zones[n % len(scenario.zones)])
        away = []
        for week in range(scenario.weeks):
            if rng.random() < scenario.away_rate:
                monday = (scenario.start + timedelta(weeks=week)).date()
                start = datetime.combine(monday, clocktime(0), zone)
                end = datetime.combine(monday + timedelta(days=5), clocktime(20), zone)
                away.append((start.astimezone(UTC), end.astimezone(UTC)))
        people.append(Person(f"U0SIM{n:04d}", zone, tuple(away)))
    return people


def judge(
    sent: Sequence[Sent],
    people: Sequence[Person],
    scenario: Scenario,
    holidays: Sequence[date],
) -> dict[str, Any]:
    """Each message judged by its recipient's clock; counts per person and week."""
    by_id = {person.user_id: person for person in people}
    first, last = scenario.working_hours
    per_week: Counter[tuple[str, int]] = Counter()
    reminders: Counter[str] = Counter()
    outside = weekend = away = 0
    examples: list[str] = []
    for message in sent:
        person = by_id[message.user_id]
        local = message.at.astimezone(person.zone)
        week = (local.date() - scenario.start.date()).days // 7
        per_week[(message.user_id, week)] += 1
        if message.reminder_of:
            reminders[message.reminder_of] += 1
        faults = []
        if not first <= local.hour < last:
            outside += 1
            faults.append("outside working hours")
        if local.weekday() >= 5 or local.date() in holidays:
            weekend += 1
            faults.append("weekend or holiday")
        if person.away_at(message.at):
            away += 1
            faults.append("while away")
        if faults and len(examples) < 5:
            examples.append(
                f"{message.user_id} at {local:%a %Y-%m-%d %H:%M %Z}: {', '.join(faults)}"
            )
    counts = [
        per_week[(person.user_id, week)] for person in people for week in range(scenario.weeks)
    ]
    return {
        "messages_total": len(sent),
        "median_messages_per_person_week": statistics.median(counts) if counts else 0,
        "max_messages_per_person_week": max(counts, default=0),
        "outside_working_hours": outside,
        "weekend_or_holiday": weekend,
        "while_away": away,
        "max_reminders_per_checkin": max(reminders.values(), default=0),
        "examples": examples,
    }


def dst_transitions(zones: Sequence[ZoneInfo], start: datetime, end: datetime) -> int:
    """How many times a zone in use changed its offset between `start` and `end`."""
    changes = 0
    for zone in set(zones):
        day, offset = start, start.astimezone(zone).utcoffset()
        while day < end:
            day += timedelta(days=1)
            now_offset = day.astimezone(zone).utcoffset()
            changes += now_offset != offset
            offset = now_offset
    return changes


Event = tuple[datetime, int, Callable[[], None]]


def _nothing() -> None:
    """An event that only wakes the bot up."""


class Simulation:
    """One run: the sandboxed bot, the team, and what is due next, in time order."""

    def __init__(self, scenario: Scenario, overrides: dict[str, Any]) -> None:
        self.scenario = scenario
        self.overrides = overrides
        self.rng = random.Random(scenario.seed)
        self.people = plan_people(scenario, self.rng)
        self.events: list[Event] = []
        self.order = itertools.count()
        self.sent: list[Sent] = []
        self.seen: dict[str, int] = {}
        self.customers = itertools.count(1)
        self.end = scenario.start + timedelta(weeks=scenario.weeks)

    def run(self) -> SimulationReport:
        began = wallclock.monotonic()
        ids = [person.user_id for person in self.people]

        def workspace(fake: Any) -> None:
            for n, person in enumerate(self.people):
                fake.add_user(person.user_id, f"person{n:04d}", tz=person.zone.key)
            for channel, name in ((DEALS, "deals"), (TEAM, "team"), (WINS, "wins")):
                fake.add_channel(channel, name, members=ids)

        settings = {
            **self.overrides,
            "deal_channels": (DEALS,),
            "team_channel": TEAM,
            "recognition_channel": WINS,
        }
        with sandbox(self.scenario.start, workspace, "direct", **settings) as (fake, bot, clock):
            self.fake, self.bot, self.clock = fake, bot, clock
            self._plan()
            self._loop()
            figures = self._count()
        holidays = list(bot.settings.holidays)
        judged = judge(self.sent, self.people, self.scenario, holidays)
        zones = [person.zone for person in self.people]
        return SimulationReport(
            people=self.scenario.people,
            weeks=self.scenario.weeks,
            dst_transitions_crossed=dst_transitions(zones, self.scenario.start, self.end),
            seconds=round(wallclock.monotonic() - began, 1),
            **figures,
            **judged,
        )

    # -- what happens, and when ----------------------------------------------------------

    def _at(self, moment: datetime, happen: Callable[[], None]) -> None:
        if moment < self.end:
            heapq.heappush(self.events, (moment, next(self.order), happen))

    def _plan(self) -> None:
        for week in range(self.scenario.weeks):
            monday = self.scenario.start + timedelta(weeks=week)
            self._at(monday, _nothing)  # a tick at each week's start plans the week
            for _ in range(self.scenario.deals_per_week):
                self._plan_deal(monday)
        for person in self.people:
            for start, end in person.away:
                self._at(start, partial(self._go_away, person, end))
                self._at(end, partial(self._come_back, person))

    def _plan_deal(self, monday: datetime) -> None:
        owner = self.rng.choice(self.people)
        day = monday.date() + timedelta(days=self.rng.randrange(5))
        local = clocktime(self.rng.randrange(9, 17), self.rng.randrange(60))
        moment = datetime.combine(day, local, owner.zone).astimezone(UTC)
        if owner.away_at(moment):
            return  # people on vacation don't announce deals
        self._at(moment, partial(self._post_deal, owner))

    def _post_deal(self, owner: Person) -> None:
        text = f"Closed Customer{next(self.customers):04d} :tada:"
        post = self.fake.post_as_user(DEALS, text, user=owner.user_id)
        self.fake.send_event({**post.as_event(), "channel": DEALS, "channel_type": "channel"})
        self.bot.wait_idle()

    def _go_away(self, person: Person, until: datetime) -> None:
        self.fake.set_profile(
            person.user_id,
            status_text="On vacation",
            status_emoji=":palm_tree:",
            status_expiration=int(until.timestamp()),
        )
        self.bot.wait_idle()

    def _come_back(self, person: Person) -> None:
        self.fake.set_profile(person.user_id, status_text="", status_emoji="", status_expiration=0)
        self.bot.wait_idle()

    def _loop(self) -> None:
        """From one moment something happens to the next: people act, then the bot
        runs what has fallen due (and plans each week as it starts)."""
        while True:
            due = self._next_due()
            upcoming = [m for m in (self._next_event(), due) if m is not None]
            if not upcoming:
                return
            moment = max(min(upcoming), self.clock.now())
            if due is not None and due <= self.clock.now():
                moment = self.clock.now() + timedelta(minutes=1)  # held by a lease
            if moment >= self.end:
                return
            self.clock.set(moment)
            woke = False
            while self.events and self.events[0][0] <= moment:
                happen = heapq.heappop(self.events)[2]
                woke = woke or happen is _nothing
                happen()
            due = self._next_due()
            if woke or (due is not None and due <= moment):
                self.bot.tick()
                self._read_new_messages()

    def _next_event(self) -> datetime | None:
        return self.events[0][0] if self.events else None

    def _next_due(self) -> datetime | None:
        with self.bot.store.reading() as session:
            return due_queries.next_due(session)

    # -- how people answer ---------------------------------------------------------------

    def _read_new_messages(self) -> None:
        now = self.clock.now()
        for channel, messages in list(self.fake.messages.items()):
            if not channel.startswith("D"):
                continue
            fresh = messages[self.seen.get(channel, 0) :]
            self.seen[channel] = len(messages)
            for message in fresh:
                if message.bot_id is None or (message.thread_ts and not message.broadcast):
                    continue
                user_id = "U" + channel[1:]
                self.sent.append(Sent(user_id, now, message.thread_ts))
                if message.thread_ts is None:
                    self._maybe_answer(user_id, message)

    def _maybe_answer(self, user_id: str, message: Any) -> None:
        person = next(p for p in self.people if p.user_id == user_id)
        later = self.clock.now() + timedelta(hours=self.rng.uniform(0.5, 4))
        if person.away_at(later):
            return
        answerable = [
            block["block_id"]
            for block in message.blocks
            if block.get("type") == "actions" and REACHED_OUT in json.dumps(block)
        ]
        for block_id in answerable:
            if self.rng.random() < self.scenario.answer_rate:
                self._at(
                    later, partial(self._answer, user_id, message.channel, message.ts, block_id)
                )
        if (
            OPEN_STORY in json.dumps(message.blocks)
            and self.rng.random() < self.scenario.story_rate
        ):
            self._at(later, partial(self._share_story, user_id, message.channel, message.ts))

    def _answer(self, user_id: str, channel: str, ts: str, block_id: str) -> None:
        shown = self.fake.message(channel, ts)
        if shown is None or block_id not in json.dumps(shown.blocks):
            return
        before = len(self.fake.views)
        self.fake.click(user_id, shown, REACHED_OUT, block_id=block_id)
        self.bot.wait_idle()
        if len(self.fake.views) == before:
            return  # already answered or snoozed
        modal = self.fake.views[-1]
        if modal.get("callback_id") != REACHED_OUT_MODAL:
            return
        outcome = self.rng.choice(OUTCOMES)
        chosen = {"type": "radio_buttons", "selected_option": {"value": outcome}}
        self.fake.submit(user_id, modal, {"outcome": {"value": chosen}})
        self.bot.wait_idle()

    def _share_story(self, user_id: str, channel: str, ts: str) -> None:
        shown = self.fake.message(channel, ts)
        if shown is None:
            return
        before = len(self.fake.views)
        self.fake.click(user_id, shown, OPEN_STORY)
        self.bot.wait_idle()
        if len(self.fake.views) == before:
            return
        helper = self.rng.choice([p.user_id for p in self.people if p.user_id != user_id])
        values = {
            "helpers": {"value": {"type": "multi_users_select", "selected_users": [helper]}},
            "what_happened": {
                "value": {
                    "type": "plain_text_input",
                    "value": "Stayed on after hours to help a customer through a hard week.",
                }
            },
            "visibility": {
                "value": {"type": "radio_buttons", "selected_option": {"value": "named"}}
            },
        }
        self.fake.submit(user_id, self.fake.views[-1], values)
        self.bot.wait_idle()

    # -- what the database says ------------------------------------------------------------

    def _count(self) -> dict[str, Any]:
        with self.bot.store.reading() as session:
            statuses = checkin_queries.status_counts(session)
            sent = checkin_queries.count_sent(session)
            told = story_queries.count_stories(session)
            closed = deal_queries.count_deals(session)
        digests = [m for m in self.fake.messages[WINS] if m.thread_ts is None]
        return {
            "checkins_sent": sent,
            "checkins_answered": statuses[CheckInStatus.DONE.value],
            "checkins_missed": statuses[CheckInStatus.MISSED.value],
            "deals": closed,
            "stories": told,
            "digests": len(digests),
        }


def simulate(scenario: Scenario, overrides: dict[str, Any] | None = None) -> SimulationReport:
    """Run `scenario` with the workspace settings in `overrides` (Settings fields)."""
    return Simulation(scenario, dict(overrides or {})).run()


def schedule_of(env: Settings, workspace: Settings | None = None) -> dict[str, Any]:
    """The Settings fields a simulation runs by: every one a workspace may choose (its
    own, as in its database, when given; else the environment's) but its channels,
    which the simulation's own workspace has, and the attention budget."""
    chosen = workspace or env
    own = {
        declared.name: getattr(chosen, declared.name)
        for declared in WORKSPACE_SETTINGS
        if declared.workspace is not None and declared.workspace.ask not in CHANNEL_INPUTS
    }
    return own | {"max_messages_per_week": env.max_messages_per_week}
