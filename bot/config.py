"""One typed settings object, read from the environment and `.env`. Each setting is
declared once, as a field of `Settings`: its variable, parser, default and help, and,
for what a workspace may choose for itself, its column and how the settings form asks
for it."""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlsplit

from dotenv import dotenv_values

from bot.languages import N_, _
from bot.zones import LONGEST_NAME, is_time_zone

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Dialect

SETUP_HINT = 'See "Set up" in README.md.'
DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///serve.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("json", "text")
DEFAULT_PORT = 3000
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")  # names are lowercase; ids never are
# The databases Serve supports: the URL it is tested with, and how to get that URL's driver.
DATABASES = {
    "sqlite": ("sqlite:///serve.db", "use a Python built with its sqlite3 module"),
    "postgresql": ("postgresql+psycopg://user:pass@host/db", "pip install -e '.[postgres]'"),
}
DATABASE_EXAMPLES = " or ".join(example for example, _ in DATABASES.values())
T = TypeVar("T")


class SettingsError(Exception):
    """The configuration cannot be used; `problems` says why, one item per variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def one_line(self) -> str:
        return f"servebot: cannot start: {'; '.join(self.problems)}. {SETUP_HINT}"


def parse_api_url(raw: str) -> str:
    """`https://slack.com/api` → `https://slack.com/api/`: where Slack's Web API answers."""
    if not (raw.isascii() and raw.isprintable()) or " " in raw:
        raise ValueError("should have no spaces, control or non-ASCII characters")
    try:
        parts = urlsplit(raw)
        _port = parts.port  # reading it checks it
    except ValueError as error:
        raise ValueError(f"is not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"should be an http(s) URL (like {DEFAULT_API_URL})")
    if not parts.hostname:
        raise ValueError(f"should name a host (like {DEFAULT_API_URL})")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise ValueError("has a malformed host name") from None
    return raw if raw.endswith("/") else raw + "/"


def parse_secret(raw: str) -> str:
    """A token or secret as Slack issues it: one word of printable ASCII. A space, newline
    or control character inside means it was pasted wrongly, and Slack would refuse it
    (or the HTTP client would fail on it); the message never repeats the value."""
    if not (raw.isascii() and raw.isprintable()) or any(char.isspace() for char in raw):
        raise ValueError(
            "should be one word with no spaces, newlines or control characters "
            "(check how it was pasted)"
        )
    return raw


def parse_database_url(raw: str) -> str:
    """Check a database URL as far as can be done without connecting; return it as given.
    (SQLAlchemy is imported only here: most commands that fail on a setting never need it.)"""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError

    if has_control_characters(unquote(raw)):  # as typed, or %-encoded
        raise ValueError("should have no control characters")
    url, dialect = _database_dialect(raw)
    if dialect.name not in DATABASES:
        raise ValueError(
            f"uses {dialect.name}, which Serve does not support: use SQLite or PostgreSQL"
        )
    example = DATABASES[dialect.name][0]
    if dialect.is_async:
        raise ValueError(
            f"uses the async driver {dialect.driver}, which Serve cannot use: use {example}"
        )
    if not has_driver(dialect):
        raise ValueError(missing_driver(dialect))
    try:
        create_engine(url).dispose()  # the checks SQLAlchemy makes before connecting
    except (ArgumentError, ValueError):
        raise ValueError(f"is not a valid {dialect.name} URL (like {example})") from None
    return raw


def _database_dialect(raw: str) -> tuple[URL, type[Dialect]]:
    """The parsed URL and the SQLAlchemy dialect it names."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise ValueError(f"should look like {DATABASE_EXAMPLES}") from None
    try:
        return url, url.get_dialect()
    except (NoSuchModuleError, ValueError):  # ValueError: more than one "+"
        raise ValueError(
            f"names an unknown database or driver {url.drivername}: use {DATABASE_EXAMPLES}"
        ) from None


def has_control_characters(text: str) -> bool:
    """Control characters, or undecodable bytes from the environment, no driver accepts."""
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in text)


def has_driver(dialect: type[Dialect]) -> bool:
    """Whether the dialect's driver (its DB-API module) can be imported."""
    try:
        dialect.import_dbapi()
    except ImportError:
        return False
    return True


def missing_driver(dialect: type[Dialect]) -> str:
    """What to do when the dialect's driver is not installed."""
    example, install = DATABASES[dialect.name]
    from sqlalchemy.engine import make_url

    supported = make_url(example).get_dialect()
    steps = [] if has_driver(supported) else [install]
    if dialect.driver != supported.driver:
        steps.append(f"use {example}")
    return f"needs the {dialect.driver} driver, which is not installed: {' and '.join(steps)}"


def parse_cadence(raw: str) -> tuple[int, ...]:
    """`3, 14, 45, 90` → (3, 14, 45, 90): days after the close, each a check-in."""
    try:
        days = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise ValueError(_("should be whole numbers of days, like 3,14,45,90")) from None
    if not days or days[0] < 1 or days[-1] > 730:
        raise ValueError(_("should be days between 1 and 730, like 3,14,45,90"))
    return tuple(days)


def parse_hour(raw: str) -> int:
    """`10` or `10:00` → 10: the local hour check-ins arrive."""
    hour_text = raw.split(":")[0]
    if not hour_text.isdigit() or not 6 <= int(hour_text) <= 18:
        raise ValueError(_("should be an hour of the working day, 6 to 18 (like 10 or 10:00)"))
    return int(hour_text)


def parse_port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError("should be a TCP port, 1 to 65535 (like 3000)")
    return int(raw)


def parse_budget(raw: str) -> int:
    """`3` → 3: at most this many messages a person gets from Serve in a week."""
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise ValueError("should be a number of messages a week, 1 to 50 (like 3)")
    return int(raw)


def parse_grace(raw: str) -> int:
    """`30` → 30: days an uninstalled workspace's data is kept in case it comes back."""
    if not raw.isdigit() or int(raw) > 3650:
        raise ValueError("should be a number of days, 0 to 3650 (like 30)")
    return int(raw)


def parse_catch_up_days(raw: str) -> int:
    """`7` → 7: how many days of a deal channel's history Serve reads back after being away."""
    if not raw.isdigit() or int(raw) > 30:
        raise ValueError("should be a number of days, 0 to 30 (like 7; 0 reads no history)")
    return int(raw)


HISTORY_RATES = ("tier3", "limited")


def parse_history_rate(raw: str) -> str:
    """`tier3` or `limited`: how often Slack lets this app read a channel's history."""
    rate = raw.strip().lower()
    if rate not in HISTORY_RATES:
        raise ValueError(
            "should be tier3 (an internal or Marketplace app) or limited (an app "
            "distributed outside the Marketplace)"
        )
    return rate


RETENTION_LONGEST = 120  # months: ten years


def parse_retention(raw: str) -> int:
    """`6` → 6: months check-in notes and stories are kept; 0 keeps them for ever."""
    text = raw.strip()
    if not text.isdigit() or int(text) > RETENTION_LONGEST:
        raise ValueError(
            _("should be a number of months, 0 to 120 (like 12; 0 keeps them for ever)")
        )
    return int(text)


def _months_or_none(months: object) -> int | None:
    """The column's value: a number of months chosen (0 too), or None for the default."""
    return months if isinstance(months, int) else None


def parse_holidays(raw: str) -> tuple[date, ...]:
    try:
        return tuple(sorted({date.fromisoformat(p.strip()) for p in raw.split(",") if p.strip()}))
    except ValueError:
        raise ValueError(_("should be dates like 2026-12-25,2027-01-01")) from None


def parse_sends(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        raise ValueError("should be a whole number from 1 to 256")
    return int(raw)


def parse_interval(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 3600:
        raise ValueError("should be a number of seconds from 1 to 3600")
    return int(raw)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(raw: str) -> int:
    """`Thursday` or `thu` → 3."""
    name = raw.strip().lower()
    for index, day in enumerate(WEEKDAYS):
        if len(name) >= 3 and day.startswith(name):
            return index
    raise ValueError(_("should be a day of the week, like Thursday"))


def parse_time(raw: str) -> time:
    """`15:00` or `15` → 15:00."""
    try:
        hour, _colon, minute = raw.strip().partition(":")
        return time(int(hour), int(minute or 0))
    except ValueError:
        raise ValueError(_("should be a time of day like 15:00")) from None


def parse_flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(_("should be true or false"))


def parse_user_list(raw: str) -> tuple[str, ...]:
    """`U0123, <@U0456>` → ("U0123", "U0456"): Slack user ids."""
    ids = (part.strip().removeprefix("<@").split("|")[0].rstrip(">") for part in raw.split(","))
    return tuple(user for user in ids if user)


def parse_channel_list(raw: str) -> tuple[str, ...]:
    """`C0123, #deals, wins` → ("C0123", "deals", "wins"): ids as given, names without `#`."""
    names = (part.strip().lstrip("#").strip() for part in raw.replace(";", ",").split(","))
    return tuple(name for name in names if name)


def parse_log_level(raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"should be one of {', '.join(LOG_LEVELS)}")
    return level


def parse_log_format(raw: str) -> str:
    chosen = raw.lower()
    if chosen not in LOG_FORMATS:
        raise ValueError(f"should be one of {', '.join(LOG_FORMATS)}")
    return chosen


def parse_time_zone(raw: str) -> str:
    """An IANA zone name as written (`Europe/London`); ZoneInfo alone would take a
    folder, a path or the machine's `localtime` for one (see `bot.zones`)."""
    if not is_time_zone(raw):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise ValueError(
            # Translators: a settings field's error; {zone} is what was typed, quoted.
            _(
                "{zone} is not a known time zone: use one like Europe/London or America/New_York"
            ).format(zone=repr(shown))
        )
    return raw


LANGUAGES = {"en": "en", "es": "es", "pt": "pt-BR", "pt-br": "pt-BR", "de": "de", "fr": "fr"}


def parse_language(raw: str) -> str:
    """A language Serve speaks, as a Slack locale (en, es, pt-BR, de, fr); empty for each
    channel's own language in Slack."""
    tag = raw.strip().replace("_", "-").lower()
    if not tag:
        return ""
    found = LANGUAGES.get(tag) or LANGUAGES.get(tag.split("-", 1)[0])
    if found is None:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise ValueError(
            # Translators: a settings field's error; {language} is what was typed, quoted.
            _("{language} is not a language I speak: use en, es, pt-BR, de or fr").format(
                language=repr(shown)
            )
        )
    return found


@dataclass(frozen=True)
class PerWorkspace:
    """A setting each workspace's admins may choose for themselves: the `Workspace`
    column it is kept in (None there means the environment's value), how it is kept,
    and how the settings form asks for it."""

    column: str
    label: str
    ask: str  # the form's input: channels, channel, text, hour, weekday, time or yes_no
    kept: Callable[[Any], object] = lambda value: value  # the value as the column holds it
    read: Callable[[Any], Any] = lambda kept: kept  # and back
    placeholder: str = ""
    optional: bool = False  # may be left empty in the form
    longest: int = 200  # characters a text input takes (its max_length), and the form reads


@dataclass(frozen=True)
class Setting:
    """One setting, declared once: its variable, parser, what it is for, and whether
    (and how) each workspace may choose it."""

    name: str  # the Settings field
    env: str
    parse: Callable[[str], Any]
    help: str
    workspace: PerWorkspace | None = None
    shown: Callable[[Any], str] = str  # the value as a person would type it


def setting(
    default: T,
    env: str,
    help: str,
    parse: Callable[[str], Any] | None = None,
    workspace: PerWorkspace | None = None,
    shown: Callable[[Any], str] = str,
) -> T:
    """A Settings field with its declaration as metadata (the name is filled in below)."""
    declared = Setting("", env, parse or _text, help, workspace, shown)
    return field(default=default, metadata={"setting": declared})


def _text(raw: str) -> str:
    return raw


def _no_hash(raw: str) -> str:
    return raw.lstrip("#")


def _or_none(value: str) -> str | None:
    return value or None


def _days(days: tuple[int, ...]) -> str:
    return ", ".join(str(day) for day in days)


def _dates(days: tuple[date, ...]) -> str:
    return ", ".join(day.isoformat() for day in days)


def _clock_time(moment: time) -> str:
    return moment.strftime("%H:%M")


def _weekday_name(day: int) -> str:
    return WEEKDAYS[day].capitalize()


CHANNELS = PerWorkspace(
    "deal_channels",
    N_("Deal channels"),
    "channels",
    kept=lambda channels: list(channels) or None,
    read=tuple,
    optional=True,
)


@dataclass(frozen=True)
class Settings:
    """Everything Serve runs by, from the environment (and `.env`); a workspace's own
    choices replace the per-workspace ones (see `bot.services.workspaces`)."""

    slack_bot_token: str = setting(
        "", "SLACK_BOT_TOKEN", 'Bot token from "OAuth & Permissions" (xoxb-…).', parse_secret
    )
    slack_app_token: str = setting(
        "",
        "SLACK_APP_TOKEN",
        "App-level token with connections:write, for Socket Mode (xapp-…).",
        parse_secret,
    )
    slack_api_url: str = setting(
        DEFAULT_API_URL,
        "SLACK_API_URL",
        "Web API base URL; change only for GovSlack (https://slack-gov.com/api/) or a test server.",
        parse_api_url,
    )
    slack_signing_secret: str = setting(
        "",
        "SLACK_SIGNING_SECRET",
        "HTTP mode only: the app's Signing Secret (Basic Information → App Credentials).",
        parse_secret,
    )
    port: int = setting(
        DEFAULT_PORT,
        "PORT",
        "HTTP mode only: the port Slack's requests, /healthz and /metrics are served on.",
        parse_port,
    )
    slack_client_id: str = setting(
        "",
        "SLACK_CLIENT_ID",
        "Many workspaces (HTTP mode): the app's Client ID; with the secret, workspaces "
        "install Serve at /slack/install.",
        parse_secret,
    )
    slack_client_secret: str = setting(
        "",
        "SLACK_CLIENT_SECRET",
        "Many workspaces (HTTP mode): the app's Client Secret.",
        parse_secret,
    )
    hubspot_app_secret: str = setting(
        "",
        "HUBSPOT_APP_SECRET",
        "CRM webhooks, one workspace: the HubSpot app's client secret, which signs its "
        "workflow webhooks (see README, CRM webhooks).",
        parse_secret,
    )
    hubspot_api_key: str = setting(
        "",
        "HUBSPOT_API_KEY",
        "CRM webhooks, one workspace: a key HubSpot's webhook sends in X-Serve-Key instead "
        "of a signature.",
        parse_secret,
    )
    salesforce_webhook_secret: str = setting(
        "",
        "SALESFORCE_WEBHOOK_SECRET",
        "CRM webhooks, one workspace: the secret Salesforce's Named Credential signs each "
        "Flow callout's body with.",
        parse_secret,
    )
    uninstall_grace_days: int = setting(
        30,
        "SERVE_UNINSTALL_GRACE_DAYS",
        "Days an uninstalled workspace's data is kept in case it installs Serve again.",
        parse_grace,
    )
    database_url: str = setting(
        DEFAULT_DATABASE_URL,
        "DATABASE_URL",
        "Where Serve keeps its data: a SQLite file, or postgresql+psycopg://user:pass@host/db.",
        parse_database_url,
    )
    deal_channels: tuple[str, ...] = setting(
        (),
        "DEAL_CHANNELS",
        "Channels to watch for closed deals, ids or names, comma-separated. Empty: every "
        "channel the bot is in.",
        parse_channel_list,
        CHANNELS,
        shown=", ".join,
    )
    checkin_cadence_days: tuple[int, ...] = setting(
        (3, 14, 45, 90),
        "CHECKIN_CADENCE_DAYS",
        "Days after a deal closes when its owner is nudged to check in, comma-separated.",
        parse_cadence,
        PerWorkspace(
            "checkin_cadence_days", N_("Check-in days after a close"), "text", list, tuple
        ),
        shown=_days,
    )
    checkin_hour: int = setting(
        10,
        "CHECKIN_HOUR",
        "Local hour (each owner's Slack time zone) when check-ins arrive, 6 to 18.",
        parse_hour,
        PerWorkspace("checkin_hour", N_("Check-in hour (each owner's time)"), "hour"),
    )
    holidays: tuple[date, ...] = setting(
        (),
        "HOLIDAYS",
        "Workspace holidays with no check-ins, as dates: 2026-12-25,2027-01-01.",
        parse_holidays,
        PerWorkspace(
            "holidays",
            N_("Holidays (no check-ins)"),
            "text",
            kept=lambda days: [day.isoformat() for day in days],
            read=lambda kept: tuple(date.fromisoformat(day) for day in kept),
            placeholder="2026-12-25, 2027-01-01",
            optional=True,
            longest=1200,  # a hundred dates
        ),
        shown=_dates,
    )
    default_timezone: str = setting(
        "UTC",
        "DEFAULT_TIMEZONE",
        "Time zone for people whose Slack profile has none, and for workspace-wide posts.",
        parse_time_zone,
        PerWorkspace(
            "timezone",
            N_("Workspace time zone"),
            "text",
            placeholder="Europe/London",
            longest=LONGEST_NAME,
        ),
    )
    channel_language: str = setting(
        "",
        "CHANNEL_LANGUAGE",
        "Language of posts in channels (deal replies, team asks, the digest): en, es, pt-BR, "
        "de or fr. Empty: each channel's own language in Slack, else English. DMs, modals "
        "and the Home tab always follow each person's Slack language.",
        parse_language,
        PerWorkspace(
            "language",
            N_("Language of channel posts"),
            "text",
            kept=_or_none,
            placeholder=N_("en, es, pt-BR, de or fr"),
            optional=True,
            longest=16,
        ),
    )
    dispatch_interval_seconds: int = setting(
        30,
        "DISPATCH_INTERVAL_SECONDS",
        "How often, in seconds, the bot looks for work that has fallen due.",
        parse_interval,
    )
    send_threads: int = setting(
        32,
        "SEND_THREADS",
        "At most this many sends at once in one process, across workspaces; threads start "
        "only as work falls due.",
        parse_sends,
    )
    sends_per_workspace: int = setting(
        4,
        "SENDS_PER_WORKSPACE",
        "At most this many sends at once to one workspace, so a busy one cannot hold up the "
        "others.",
        parse_sends,
    )
    team_channel: str = setting(
        "",
        "TEAM_CHANNEL",
        "Channel whose members get the weekly story prompt (id or name). Empty: no prompts.",
        _no_hash,
        PerWorkspace(
            "team_channel",
            N_("Team channel (weekly story prompt)"),
            "channel",
            kept=_or_none,
            optional=True,
        ),
    )
    recognition_channel: str = setting(
        "",
        "RECOGNITION_CHANNEL",
        "Channel where the weekly digest is posted (id or name). Empty: no digest.",
        _no_hash,
        PerWorkspace(
            "recognition_channel",
            N_("Recognition channel (weekly digest)"),
            "channel",
            kept=_or_none,
            optional=True,
        ),
    )
    prompt_weekday: int = setting(
        3,
        "PROMPT_DAY",
        "Day of the weekly story prompt.",
        parse_weekday,
        PerWorkspace("prompt_weekday", N_("Story prompt day"), "weekday"),
        shown=_weekday_name,
    )
    prompt_time: time = setting(
        time(15, 0),
        "PROMPT_TIME",
        "Local time of the weekly story prompt, in each person's own time zone.",
        parse_time,
        PerWorkspace(
            "prompt_time",
            N_("Story prompt time (each person's time)"),
            "time",
            _clock_time,
            parse_time,
        ),
        shown=_clock_time,
    )
    digest_weekday: int = setting(
        4,
        "DIGEST_DAY",
        "Day of the weekly digest.",
        parse_weekday,
        PerWorkspace("digest_weekday", N_("Digest day"), "weekday"),
        shown=_weekday_name,
    )
    digest_time: time = setting(
        time(16, 0),
        "DIGEST_TIME",
        "Time of the weekly digest, in DEFAULT_TIMEZONE (or the workspace's zone).",
        parse_time,
        PerWorkspace("digest_time", N_("Digest time"), "time", _clock_time, parse_time),
        shown=_clock_time,
    )
    notify_recognised: bool = setting(
        True,
        "NOTIFY_RECOGNISED",
        "Whether the person recognised in a story gets a DM that someone noticed: true or false.",
        parse_flag,
        PerWorkspace("notify_recognised", N_("Tell people when a story names them"), "yes_no"),
        shown=lambda on: "true" if on else "false",
    )
    retention_months: int = setting(
        0,
        "RETENTION_MONTHS",
        "Months check-in notes and stories are kept: older ones are deleted each day "
        "(deals, check-ins and outcomes stay). 0 or empty: kept for ever. At most 120.",
        parse_retention,
        PerWorkspace(
            "retention_months",
            N_("Keep notes and stories for (months; 0: for ever)"),
            "text",
            kept=_months_or_none,
            placeholder=N_("0 keeps them for ever; at most 120"),
            optional=True,
            longest=3,
        ),
    )
    catch_up_days: int = setting(
        7,
        "CATCH_UP_DAYS",
        "After being away, Serve reads each deal channel's history back to what it last saw, "
        "at most this many days (0: never).",
        parse_catch_up_days,
    )
    history_rate: str = setting(
        "",
        "HISTORY_RATE",
        "How often Slack lets Serve read history: tier3 (internal or Marketplace app) or limited "
        "(distributed outside the Marketplace: a call a minute, 15 messages). Empty: limited "
        "with SLACK_CLIENT_ID set, else tier3.",
        parse_history_rate,
    )
    max_messages_per_week: int = setting(
        3,
        "MAX_MESSAGES_PER_WEEK",
        "At most this many messages from Serve to one person in a week, reminders included.",
        parse_budget,
    )
    admins: tuple[str, ...] = setting(
        (),
        "SERVE_ADMINS",
        "Slack user ids who may change settings and export, besides workspace admins and owners.",
        parse_user_list,
        shown=",".join,
    )
    log_level: str = setting(
        "INFO",
        "LOG_LEVEL",
        "How much the bot logs: DEBUG, INFO, WARNING or ERROR.",
        parse_log_level,
    )
    log_format: str = setting(
        "json",
        "LOG_FORMAT",
        "json: one JSON object per line (workspace, kind, outcome); text: for a terminal.",
        parse_log_format,
    )

    @property
    def many_workspaces(self) -> bool:
        """Installed through OAuth, each workspace with its own token, rather than one
        workspace's SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def history_limited(self) -> bool:
        """Slack allows this app one history call a minute, fifteen messages a page: an
        app distributed outside the Marketplace (installed through OAuth, unless
        HISTORY_RATE says otherwise) rather than an internal one."""
        if self.history_rate:
            return self.history_rate == "limited"
        return self.many_workspaces

    def http_problems(self) -> list[str]:
        """What stops HTTP mode from starting: a missing signing secret, or neither a bot
        token nor the client id and secret that let workspaces install the app."""
        problems = []
        if not self.slack_signing_secret:
            problems.append("SLACK_SIGNING_SECRET is missing (Basic Information → App Credentials)")
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            missing = "SLACK_CLIENT_SECRET" if self.slack_client_id else "SLACK_CLIENT_ID"
            problems.append(f"{missing} is missing: many workspaces need both id and secret")
        if self.slack_client_id or self.slack_client_secret:
            return problems
        if not self.slack_bot_token:
            problems.append("SLACK_BOT_TOKEN is missing")
        elif not self.slack_bot_token.startswith("xoxb-"):
            problems.append("SLACK_BOT_TOKEN should start with xoxb-")
        return problems

    def socket_mode_problems(self) -> list[str]:
        """What stops Socket Mode from starting: missing or malformed tokens."""
        problems = []
        if self.slack_client_id or self.slack_client_secret:
            problems.append(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (many workspaces) need HTTP mode: "
                "servebot run --http"
            )
        for name, value, prefix in (
            ("SLACK_BOT_TOKEN", self.slack_bot_token, "xoxb-"),
            ("SLACK_APP_TOKEN", self.slack_app_token, "xapp-"),
        ):
            if not value:
                problems.append(f"{name} is missing")
            elif not value.startswith(prefix):
                problems.append(f"{name} should start with {prefix}")
        return problems


SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata["setting"], name=f.name) for f in fields(Settings)
)
VARIABLES = tuple(declared.env for declared in SETTINGS)
# What each workspace's admins may choose for themselves, in the settings form's order.
WORKSPACE_SETTINGS = tuple(declared for declared in SETTINGS if declared.workspace)


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> dict[str, str]:
    """The process environment over `.env`: a variable set in the shell wins."""
    path = dotenv_path if dotenv_path is not None else Path.cwd() / ".env"
    return {**read_dotenv(path), **(os.environ if environ is None else environ)}


def read_dotenv(path: Path) -> dict[str, str]:
    """`.env`'s variables (none when there is no such file). A file that is not text, or
    has a line python-dotenv cannot read, is refused whole: skipping the line would start
    Serve without a setting its owner believes is set."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SettingsError([f"{path} cannot be read ({error.strerror or error})"]) from None
    text = dotenv_text(path, raw)
    unreadable = UnreadableLines()
    reader = logging.getLogger("dotenv.main")  # where python-dotenv says a line is bad
    reader.addHandler(unreadable)
    reader.propagate = False
    try:
        values = dotenv_values(stream=io.StringIO(text))
    finally:
        reader.removeHandler(unreadable)
        reader.propagate = True
    if unreadable.lines:
        numbers = ", ".join(str(line) for line in unreadable.lines)
        raise SettingsError(
            [f"{path} line {numbers} could not be read: each line should be NAME=value"]
        )
    return {name: value for name, value in values.items() if value is not None}


def dotenv_text(path: Path, raw: bytes) -> str:
    """`.env`'s bytes as text, refused when it is no text file: NUL bytes, bytes that are
    not UTF-8, or control characters a person cannot have typed."""
    if b"\x00" in raw:
        raise SettingsError([f"{path} is not a text file (it has NUL bytes)"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SettingsError([f"{path} is not UTF-8 text (byte {error.start + 1})"]) from None
    for number, line in enumerate(text.split("\n"), start=1):
        if has_control_characters(line.removesuffix("\r").replace("\t", "")):
            raise SettingsError([f"{path} line {number} has control characters"])
    return text


class UnreadableLines(logging.Handler):
    """Collects the numbers of the lines python-dotenv warns it could not parse."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(arg for arg in record.args or () if isinstance(arg, int))


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    """Every setting from its variable (the default when unset or empty); all that is
    wrong at once, one problem per variable."""
    env = read_environment(environ, dotenv_path)
    problems: list[str] = []
    chosen: dict[str, Any] = {}
    for declared in SETTINGS:
        raw = env.get(declared.env, "").strip()
        if not raw:
            continue
        try:
            chosen[declared.name] = declared.parse(raw)
        except ValueError as error:
            problems.append(f"{declared.env} {error}")
    if problems:
        raise SettingsError(problems)
    return Settings(**chosen)
