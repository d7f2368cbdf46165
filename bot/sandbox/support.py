"""What the tests and the benchmarks share: a week to play in, people acting in the fake
workspace (posting a deal, typing `/serve`, submitting a story), and reading what Serve
put on their screens. Tests and benchmarks stand on this and on the package, never on
each other."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import Column, create_engine, event, make_url

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.services.reading import Outcome, Reading, read_post
from bot.store.checkins import checkins_for_deal
from bot.store.db import Store
from bot.store.deals import deal_for_message
from bot.store.due import CLAIMED
from bot.store.models import CheckIn, Deal
from bot.views import settings as settings_views
from bot.views import stories as story_views

from .fakeslack import TEAM_ID, Execution, FakeSlack, Message
from .fakeslack.http_delivery import get
from .fakeslack.workspace import TEAM_DOMAIN

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

DEALS_CHANNEL = "C0DEALS"
LA = ZoneInfo("America/Los_Angeles")
ALICE_DM = "D0ALICE"
BOB_DM = "D0BOB"
FRIDAY_5PM_LA = datetime(2026, 11, 20, 17, 0, tzinfo=LA)  # a deal closes
MONDAY_10AM_LA = datetime(2026, 11, 23, 10, 0, tzinfo=LA)  # its first check-in is due
# Markup a person can type that Slack would make live: pings, mentions, channel links.
LIVE_MARKUP = ["<!channel>", "<!here|here>", "<@U0ATTACK>", "<#C0X|x>", "<http://x.test|click>"]
# Names that are no IANA time zone although a file or folder answers to some of them:
# over 255 bytes, folders of the zone database, paths out of it, the machine's own zone.
BAD_TIME_ZONES = [
    "A" * 300,
    "Europe/" + "x" * 250,
    "America/New_York" * 5,
    "America",
    "Europe",
    "posix",
    "right",
    "../etc",
    "../../../etc/passwd",
    "/etc/localtime",
    "localtime",
    "posix/..",
    "posix/Europe/London",
    "right/UTC",
    "posixrules",
    "zone.tab",
    "America/",
    ".",
    "Europe/London/..",
]


# -- people acting ---------------------------------------------------------------------------


def install_through_oauth(
    base_url: str, fake: FakeSlack, team: str, installer: str, lifetime: int | None = None
) -> None:
    """Someone in `team` opens the app's install page, clicks Allow at Slack, and is sent
    back to it; with `lifetime` (seconds), the workspace's tokens rotate."""
    page = get(f"{base_url}/slack/install")
    assert page.status == 200, page.body
    state = re.search(r"state=([\w-]+)", page.body)
    assert state is not None, page.body
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    code = fake.approve_install(team, f"{team} Inc", installer, token_lifetime=lifetime)
    back = get(
        f"{base_url}/slack/oauth_redirect?code={quote(code)}&state={state.group(1)}",
        headers={"Cookie": cookie},
    )
    assert back.status == 200, back.body


def announce(fake: FakeSlack, channel: str, text: str, user: str, wait_ack: bool = True) -> str:
    """Someone posts in a channel, and Slack tells the app; the envelope's id."""
    post = fake.post_as_user(channel, text, user=user)
    event = {**post.as_event(), "channel": channel, "channel_type": "channel"}
    return fake.send_event(event, wait_ack=wait_ack)


def close_deal(fake: FakeSlack, bot: RunningBot, text: str, user: str = "U0ALICE") -> Deal:
    """Post a win in the deal channel and return the deal Serve recorded for it, once
    the runner has posted its thread reply."""
    post = fake.post_as_user(DEALS_CHANNEL, text, user=user)
    fake.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert bot.wait_idle()
    bot.tick()
    with bot.store.reading() as session:
        deal = deal_for_message(session, TEAM_ID, DEALS_CHANNEL, post.ts)
    assert deal is not None, f"no deal recorded for {text!r}"
    return deal


@contextmanager
def columns_built() -> Iterator[list[str]]:
    """The names of the SQLAlchemy `Column`s constructed while the block runs: a
    statement that copies a table (an `excluded` alias, a CTE) builds one per column
    of it, each time it is built, which is CPU a hot path should not spend."""
    built: list[str] = []
    construct = Column.__init__

    def counting(column: Column[Any], *args: Any, **kwargs: Any) -> None:
        construct(column, *args, **kwargs)
        built.append(str(column.name))

    Column.__init__ = counting  # type: ignore[method-assign,assignment]
    try:
        yield built
    finally:
        Column.__init__ = construct  # type: ignore[method-assign]


def run_step(fake: FakeSlack, bot: RunningBot, step: str, **inputs: Any) -> Execution:
    """A workflow runs one of Serve's steps with `inputs`; the run as it ended, once the
    bot's listeners are done with it."""
    ended = fake.run_function(step, inputs)
    assert bot.wait_idle()
    return ended


def message_link(channel: str, ts: str) -> str:
    """A message's link as Slack's "Copy link" gives it."""
    return f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def message_changed(post: Message, text: str, **event: Any) -> dict[str, Any]:
    """The event Slack sends when someone edits `post` in the deal channel to say `text`."""
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": post.channel,
        "channel_type": "channel",
        "message": post.as_event() | {"text": text, "edited": {"ts": post.ts}},
        "previous_message": post.as_event(),
        "ts": post.ts,
        **event,
    }


def click_ephemeral(fake: FakeSlack, shown: dict[str, Any], action_id: str) -> str:
    """Press a button on an ephemeral message as Slack reports it: the container says
    ephemeral and no message comes with it (nobody but its viewer holds a copy)."""
    element = next(
        (
            dict(e, block_id=b.get("block_id", ""))
            for b in shown["blocks"]
            if b.get("type") == "actions"
            for e in b.get("elements", [])
            if e.get("action_id") == action_id
        ),
        None,
    )
    if element is None:
        raise AssertionError(f"no {action_id!r} button on the ephemeral message")
    return fake.send_interaction(
        {
            "type": "block_actions",
            "user": {"id": shown["user"], "team_id": TEAM_ID},
            "channel": {"id": shown["channel"]},
            "container": {
                "type": "message",
                "message_ts": shown["message_ts"],
                "channel_id": shown["channel"],
                "is_ephemeral": True,
            },
            "trigger_id": f"{fake.serial()}.trigger",
            "response_url": fake.new_response_url(),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": element["block_id"],
                    "action_ts": fake.next_ts(),
                    "value": element.get("value", ""),
                }
            ],
        }
    )


def serve(fake: FakeSlack, bot: RunningBot, user: str, text: str) -> Any:
    """Type `/serve text` as `user`; what the bot put in its ack."""
    reply = fake.command(user, text)
    assert bot.wait_idle()
    return reply


def story_values(
    helpers: list[str],
    text: str,
    visibility: str = "named",
    served: str | None = None,
    quality: str | None = None,
) -> dict[str, Any]:
    """The story form filled in, as Slack reports its state."""
    return {
        "helpers": {"value": {"type": "multi_users_select", "selected_users": helpers}},
        "served": {"value": {"type": "plain_text_input", "value": served}},
        "what_happened": {"value": {"type": "plain_text_input", "value": text}},
        "quality": {
            "value": {
                "type": "static_select",
                "selected_option": {"value": quality} if quality else None,
            }
        },
        "visibility": {
            "value": {"type": "radio_buttons", "selected_option": {"value": visibility}}
        },
    }


def settings_values(**changes: Any) -> dict[str, Any]:
    """The settings form as Slack reports its state: the defaults, with `changes` (each
    an input's state, by block) in place of theirs."""
    values = {
        "deal_channels": {"value": {"type": "multi_channels_select", "selected_channels": []}},
        "team_channel": {"value": {"type": "channels_select", "selected_channel": None}},
        "recognition_channel": {"value": {"type": "channels_select", "selected_channel": None}},
        "checkin_cadence_days": {"value": {"type": "plain_text_input", "value": "3, 14, 45, 90"}},
        "checkin_hour": {"value": {"type": "static_select", "selected_option": {"value": "10"}}},
        "holidays": {"value": {"type": "plain_text_input", "value": ""}},
        "prompt_weekday": {
            "value": {"type": "static_select", "selected_option": {"value": "thursday"}}
        },
        "prompt_time": {"value": {"type": "timepicker", "selected_time": "15:00"}},
        "digest_weekday": {
            "value": {"type": "static_select", "selected_option": {"value": "friday"}}
        },
        "digest_time": {"value": {"type": "timepicker", "selected_time": "16:00"}},
        "default_timezone": {"value": {"type": "plain_text_input", "value": "UTC"}},
        "notify_recognised": {
            "value": {"type": "radio_buttons", "selected_option": {"value": "on"}}
        },
    }
    for block, state in changes.items():
        values[block] = {"value": state}
    return values


def open_settings(fake: FakeSlack, bot: RunningBot, user: str) -> dict[str, Any]:
    """`/serve settings` typed by an admin; the form Serve opened."""
    serve(fake, bot, user, "settings")
    [modal] = [v for v in fake.views if v.get("callback_id") == settings_views.SETTINGS_MODAL]
    return modal


def submit_story(
    fake: FakeSlack, bot: RunningBot, user: str, values: dict[str, Any]
) -> dict[str, Any]:
    ack = fake.submit(user, story_views.story_modal("command"), values)
    assert bot.wait_idle()
    return ack


# -- time --------------------------------------------------------------------------------------


def at(clock: ManualClock, bot: RunningBot, moment: datetime) -> int:
    """Move the clock to `moment` and run what has fallen due; how many rows ran."""
    clock.set(moment)
    return bot.tick()


def tick_together(*bots: RunningBot) -> None:
    """Run several bots' runners at the same moment, as replicas would."""
    barrier = threading.Barrier(len(bots))

    def tick(bot: RunningBot) -> None:
        barrier.wait()
        bot.tick()

    threads = [threading.Thread(target=tick, args=(bot,)) for bot in bots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- what people see ---------------------------------------------------------------------------


def dms(fake: FakeSlack, channel: str) -> list[Message]:
    """Top-level messages in a DM (or any channel), oldest first."""
    return [m for m in fake.messages[channel] if m.thread_ts is None]


def checkin_dms(fake: FakeSlack) -> list[Message]:
    """Every check-in DM the bot posted (top level, with its send key), in any DM."""
    return [
        m
        for channel, messages in list(fake.messages.items())
        if channel.startswith("D")
        for m in messages
        if m.thread_ts is None and m.metadata
    ]


def buttons(message: Message) -> list[str]:
    return [
        e["text"]["text"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    ]


def checkins_of(bot: RunningBot, deal: Deal) -> list[CheckIn]:
    with bot.store.reading() as session:
        return list(checkins_for_deal(session, deal.id))


def answer_text(reply: Any) -> str:
    """Everything a person would read in an answer: its text and its blocks."""
    return json.dumps(reply or {})


def last_response(fake: FakeSlack) -> str:
    assert fake.responses, "the bot answered nothing after its ack"
    return json.dumps(fake.responses[-1])


# -- what Serve says to the database ----------------------------------------------------------


@dataclass
class RoundTrips:
    """The statements Serve sent to the database while a block ran (the BEGIN that opens
    a transaction aside: PostgreSQL's driver sends it unseen), and how many transactions
    it committed, read-only ones included."""

    statements: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def claims(self) -> int:
        """How many of the statements claimed due work (each in a unit of its own)."""
        return sum(1 for sql in self.statements if sql.lstrip().startswith(f"WITH {CLAIMED}"))


@contextmanager
def round_trips(store: Store) -> Iterator[RoundTrips]:
    """Count what the store's engines (the writing one, and SQLite's reading one) are
    asked while the block runs, from every thread."""
    counted = RoundTrips()
    lock = threading.Lock()

    def statement(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        if not sql.lstrip().upper().startswith("BEGIN"):
            with lock:
                counted.statements.append(sql)

    def commit(_conn: Any) -> None:
        with lock:
            counted.commits += 1

    engines = {id(engine): engine for engine in (store.engine, store.read_engine)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
    try:
        yield counted
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)


# -- the database going away ---------------------------------------------------------------------


@contextmanager
def disk_full(store: Store) -> Iterator[None]:
    """SQLite's file may grow no more while the block runs, as on a full disk: a write
    that needs a page the file does not have yet fails with SQLITE_FULL ("database or
    disk is full"); one that fits in the pages already there still succeeds, as it
    would. Call it with the bot's listeners idle; on the way out the room is back."""

    def no_more_pages(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
        cursor.close()

    event.listen(store.engine, "checkout", no_more_pages)
    try:
        yield
    finally:
        event.remove(store.engine, "checkout", no_more_pages)
        store.engine.dispose()  # the connections that were capped go; new ones are not


class PostgresOutage:
    """A PostgreSQL restart as the bot sees one, played on one database only (the one
    `url` names, never the others on the server): every connection to it dropped, and
    for a while no new one taken. Done from a connection to the `postgres` database."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.database = str(parsed.database)
        self._admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def drop_connections(self) -> int:
        """Terminate every backend serving the database, as a restart does; how many."""
        with self._admin.connect() as connection:
            dropped = connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %(name)s AND pid <> pg_backend_pid()",
                {"name": self.database},
            )
            return len(dropped.fetchall())

    def refuse_connections(self, refusing: bool) -> None:
        allowed = "false" if refusing else "true"
        with self._admin.connect() as connection:
            connection.exec_driver_sql(
                f'ALTER DATABASE "{self.database}" WITH ALLOW_CONNECTIONS {allowed}'
            )

    @contextmanager
    def down(self) -> Iterator[None]:
        """The database is away while the block runs: its connections dropped and new
        ones refused; it answers again on the way out."""
        self.refuse_connections(True)
        try:
            self.drop_connections()
            yield
        finally:
            self.refuse_connections(False)

    def close(self) -> None:
        self._admin.dispose()


# -- text nobody here wrote ---------------------------------------------------------------------


def hostile_text() -> SearchStrategy[str]:
    """Hypothesis text as people and integrations send it at its worst: any Unicode,
    control and format characters, lone surrogates, Slack markup and HTML escapes, and
    very long runs. (Hypothesis is a test dependency, imported only when asked.)"""
    from hypothesis import strategies as st

    return st.one_of(
        st.text(),
        st.text(st.characters(whitelist_categories=("Cs", "Cc", "Cf", "Zs", "So", "Lu"))),
        st.text(alphabet="<>&!@#|*_~:`;amplgt\n\t\x00 "),
        st.lists(st.sampled_from([*LIVE_MARKUP, "&amp;", "&lt;", "&gt;", "&", "<", ">"])).map(
            "".join
        ),
        st.tuples(st.sampled_from(["&", "<", "a", "é", "\U0001f389"]), st.integers(1, 5000)).map(
            lambda pair: pair[0] * pair[1]
        ),
    )


# -- recognition tables, read through the three outcomes ---------------------------------------

RECOGNITION_TABLES = Path(__file__).parents[2] / "tests" / "unit" / "recognition"


@dataclass(frozen=True)
class TableRow:
    """One row of a recognition table: a Slack message as the event carries it, and the
    customer a person reads from it (None when it is no deal)."""

    table: str
    number: int
    name: str
    style: str | None
    message: dict[str, Any]
    customer: str | None

    def describe(self) -> str:
        style = f" [{self.style}]" if self.style else ""
        text = self.message.get("text") or ""
        return f"{self.table}:{self.number:03d}:{self.name}{style} {text!r}"


def recognition_table_names(folder: Path = RECOGNITION_TABLES) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.yaml"))


def recognition_table(name: str, folder: Path = RECOGNITION_TABLES) -> tuple[TableRow, ...]:
    """The rows of `folder/name.yaml`. The tables live with the tests, in a checkout, and
    PyYAML is a test dependency, imported only when a table is read."""
    import yaml  # type: ignore[import-untyped]

    loaded = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
    rows = []
    for number, raw in enumerate(loaded["rows"], start=1):
        deal = raw["deal"]
        rows.append(
            TableRow(
                table=name,
                number=number,
                name=str(raw["name"]),
                style=raw.get("style"),
                message=dict(raw["message"]),
                customer=None if deal is False else str(deal["customer"]),
            )
        )
    return tuple(rows)


def same_customer(found: str, expected: str) -> bool:
    """As the table scorer has always compared names: case and outer spaces aside."""
    return found.strip().casefold() == expected.strip().casefold()


@dataclass
class OutcomeFigures:
    """A table read through the three outcomes, in the figures issue 18 sets targets for.
    A figure with nothing to count (precision with no sure reading, recall on chatter)
    is None rather than a flattering 1.0."""

    wins: int = 0
    not_deals: int = 0
    sure: int = 0
    sure_wins: int = 0
    asked_wins: int = 0
    right_customer: int = 0
    asked_not_deals: int = 0
    misses: list[str] = field(default_factory=list)
    wrong_customers: list[str] = field(default_factory=list)
    replies_to_not_deals: list[str] = field(default_factory=list)
    asks_on_not_deals: list[str] = field(default_factory=list)

    @property
    def sure_precision(self) -> float | None:
        return self.sure_wins / self.sure if self.sure else None

    @property
    def sure_or_asked_recall(self) -> float | None:
        return (self.sure_wins + self.asked_wins) / self.wins if self.wins else None

    @property
    def customer_right(self) -> float | None:
        return self.right_customer / self.sure_wins if self.sure_wins else None

    @property
    def asks(self) -> float | None:
        """The share of posts that are no deal which Serve would ask about."""
        return self.asked_not_deals / self.not_deals if self.not_deals else None

    def summary(self) -> str:
        asked_or_sure = self.sure_wins + self.asked_wins
        figures = [
            ("sure precision", self.sure_precision, f"{self.sure_wins}/{self.sure}"),
            ("sure-or-asked recall", self.sure_or_asked_recall, f"{asked_or_sure}/{self.wins}"),
            ("customer right", self.customer_right, f"{self.right_customer}/{self.sure_wins}"),
            ("asks", self.asks, f"{self.asked_not_deals}/{self.not_deals}"),
        ]
        shown = [
            f"{name} {'  -  ' if figure is None else f'{figure:.3f}'} ({counted})"
            for name, figure, counted in figures
        ]
        return ", ".join([*shown, f"replies to no deal {len(self.replies_to_not_deals)}"])

    def report(self) -> str:
        listed = [
            ("MISS ", self.misses),
            ("NAME ", self.wrong_customers),
            ("REPLY", self.replies_to_not_deals),
            ("ASK  ", self.asks_on_not_deals),
        ]
        return "\n".join(
            [self.summary(), *(f"  {mark} {line}" for mark, lines in listed for line in lines)]
        )


def outcome_figures(
    rows: tuple[TableRow, ...], read: Callable[[Mapping[str, Any]], Reading] = read_post
) -> OutcomeFigures:
    """Each row read on its own by `read` (the contract, with no workspace examples unless
    the caller brings them), tallied as issue 18 measures it."""
    figures = OutcomeFigures()
    for row in rows:
        reading = read(row.message)
        sure, asked = reading.outcome is Outcome.SURE, reading.outcome is Outcome.UNSURE
        figures.sure += sure
        got = repr(reading.sighting.customer) if reading.sighting else "nothing"
        if row.customer is None:
            figures.not_deals += 1
            figures.asked_not_deals += asked
            if sure:
                figures.replies_to_not_deals.append(f"{row.describe()} -> {got}")
            elif asked:
                figures.asks_on_not_deals.append(f"{row.describe()} -> asked about {got}")
            continue
        figures.wins += 1
        figures.sure_wins += sure
        figures.asked_wins += asked
        if not (sure or asked):
            figures.misses.append(row.describe())
        elif sure and reading.sighting and same_customer(reading.sighting.customer, row.customer):
            figures.right_customer += 1
        elif sure:
            figures.wrong_customers.append(f"{row.describe()}: {row.customer!r}, read {got}")
    return figures
