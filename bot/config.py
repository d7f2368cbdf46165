"""One typed settings object, read from the environment and `.env`."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

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
VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SERVE_UNINSTALL_GRACE_DAYS",
    "PORT",
    "DATABASE_URL",
    "DEAL_CHANNELS",
    "CHECKIN_CADENCE_DAYS",
    "CHECKIN_HOUR",
    "HOLIDAYS",
    "DEFAULT_TIMEZONE",
    "DISPATCH_INTERVAL_SECONDS",
    "TEAM_CHANNEL",
    "RECOGNITION_CHANNEL",
    "PROMPT_DAY",
    "PROMPT_TIME",
    "DIGEST_DAY",
    "DIGEST_TIME",
    "NOTIFY_RECOGNISED",
    "MAX_MESSAGES_PER_WEEK",
    "SERVE_ADMINS",
    "LOG_LEVEL",
    "LOG_FORMAT",
)


class SettingsError(Exception):
    """The configuration cannot be used; `problems` says why, one item per variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def one_line(self) -> str:
        return f"servebot: cannot start: {'; '.join(self.problems)}. {SETUP_HINT}"


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_api_url: str = DEFAULT_API_URL
    slack_signing_secret: str = ""  # HTTP mode: proves a request came from Slack
    port: int = DEFAULT_PORT  # HTTP mode
    slack_client_id: str = ""  # with the secret: installable in many workspaces (HTTP mode)
    slack_client_secret: str = ""
    uninstall_grace_days: int = 30  # an uninstalled workspace's data is kept this long
    database_url: str = DEFAULT_DATABASE_URL
    deal_channels: tuple[str, ...] = ()
    checkin_cadence_days: tuple[int, ...] = (3, 14, 45, 90)
    checkin_hour: int = 10
    holidays: tuple[date, ...] = ()
    default_timezone: str = "UTC"
    dispatch_interval_seconds: int = 30
    team_channel: str = ""
    recognition_channel: str = ""
    prompt_weekday: int = 3  # Thursday
    prompt_time: time = time(15, 0)
    digest_weekday: int = 4  # Friday
    digest_time: time = time(16, 0)
    notify_recognised: bool = True
    max_messages_per_week: int = 3  # from Serve to one person, unasked, reminders included
    admins: tuple[str, ...] = ()  # besides the workspace's own admins and owners
    log_level: str = "INFO"
    log_format: str = "json"

    @property
    def many_workspaces(self) -> bool:
        """Installed through OAuth, each workspace with its own token, rather than one
        workspace's SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret)

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


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> dict[str, str]:
    """The process environment over `.env`: a variable set in the shell wins."""
    path = dotenv_path if dotenv_path is not None else Path.cwd() / ".env"
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None}
    return {**from_file, **(os.environ if environ is None else environ)}


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None
) -> Settings:
    env = read_environment(environ, dotenv_path)
    problems: list[str] = []

    def text(name: str, default: str = "") -> str:
        return env.get(name, "").strip() or default

    api_url = _parse(
        problems, "SLACK_API_URL", text("SLACK_API_URL", DEFAULT_API_URL), parse_api_url
    )
    database_url = _parse(
        problems, "DATABASE_URL", text("DATABASE_URL", DEFAULT_DATABASE_URL), parse_database_url
    )
    log_level = text("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL should be one of {', '.join(LOG_LEVELS)}")
    log_format = text("LOG_FORMAT", "json").lower()
    if log_format not in LOG_FORMATS:
        problems.append(f"LOG_FORMAT should be one of {', '.join(LOG_FORMATS)}")
    port = _parse(problems, "PORT", text("PORT"), parse_port)
    cadence = _parse(problems, "CHECKIN_CADENCE_DAYS", text("CHECKIN_CADENCE_DAYS"), parse_cadence)
    hour = _parse(problems, "CHECKIN_HOUR", text("CHECKIN_HOUR"), parse_hour)
    holidays = _parse(problems, "HOLIDAYS", text("HOLIDAYS"), parse_holidays)
    interval = _parse(
        problems, "DISPATCH_INTERVAL_SECONDS", text("DISPATCH_INTERVAL_SECONDS"), parse_interval
    )
    prompt_day = _parse(problems, "PROMPT_DAY", text("PROMPT_DAY"), parse_weekday)
    prompt_time = _parse(problems, "PROMPT_TIME", text("PROMPT_TIME"), parse_time)
    digest_day = _parse(problems, "DIGEST_DAY", text("DIGEST_DAY"), parse_weekday)
    digest_time = _parse(problems, "DIGEST_TIME", text("DIGEST_TIME"), parse_time)
    notify = _parse(problems, "NOTIFY_RECOGNISED", text("NOTIFY_RECOGNISED"), parse_flag)
    budget = _parse(problems, "MAX_MESSAGES_PER_WEEK", text("MAX_MESSAGES_PER_WEEK"), parse_budget)
    grace = _parse(
        problems, "SERVE_UNINSTALL_GRACE_DAYS", text("SERVE_UNINSTALL_GRACE_DAYS"), parse_grace
    )
    zone = text("DEFAULT_TIMEZONE", "UTC")
    if not is_time_zone(zone):
        problems.append(f"DEFAULT_TIMEZONE {zone!r} is not a known time zone")
    if problems:
        raise SettingsError(problems)
    return Settings(
        slack_bot_token=text("SLACK_BOT_TOKEN"),
        slack_app_token=text("SLACK_APP_TOKEN"),
        slack_api_url=api_url or DEFAULT_API_URL,
        slack_signing_secret=text("SLACK_SIGNING_SECRET"),
        port=port or DEFAULT_PORT,
        slack_client_id=text("SLACK_CLIENT_ID"),
        slack_client_secret=text("SLACK_CLIENT_SECRET"),
        uninstall_grace_days=Settings.uninstall_grace_days if grace is None else grace,
        database_url=database_url or DEFAULT_DATABASE_URL,
        deal_channels=parse_channel_list(text("DEAL_CHANNELS")),
        checkin_cadence_days=cadence or Settings.checkin_cadence_days,
        checkin_hour=Settings.checkin_hour if hour is None else hour,
        holidays=holidays or (),
        default_timezone=zone,
        dispatch_interval_seconds=interval or Settings.dispatch_interval_seconds,
        team_channel=text("TEAM_CHANNEL").lstrip("#"),
        recognition_channel=text("RECOGNITION_CHANNEL").lstrip("#"),
        prompt_weekday=Settings.prompt_weekday if prompt_day is None else prompt_day,
        prompt_time=prompt_time or Settings.prompt_time,
        digest_weekday=Settings.digest_weekday if digest_day is None else digest_day,
        digest_time=digest_time or Settings.digest_time,
        notify_recognised=Settings.notify_recognised if notify is None else notify,
        max_messages_per_week=budget or Settings.max_messages_per_week,
        admins=parse_user_list(text("SERVE_ADMINS")),
        log_level=log_level,
        log_format=log_format,
    )


def _parse(problems: list[str], name: str, raw: str, parse: Callable[[str], T]) -> T | None:
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as error:
        problems.append(f"{name} {error}")
        return None


def parse_api_url(raw: str) -> str:
    """`https://slack.com/api` → `https://slack.com/api/`: where Slack's Web API answers."""
    if not (raw.isascii() and raw.isprintable()) or " " in raw:
        raise ValueError("should have no spaces, control or non-ASCII characters")
    try:
        parts = urlsplit(raw)
        _ = parts.port  # reading it checks it
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


def parse_database_url(raw: str) -> str:
    """Check a database URL as far as can be done without connecting; return it as given."""
    if has_control_characters(unquote(raw)):  # as typed, or %-encoded
        raise ValueError("should have no control characters")
    url, dialect = _database_dialect(raw)
    if dialect.name not in DATABASES:
        raise ValueError(
            f"uses {dialect.name}, which Serve does not support: use SQLite or PostgreSQL"
        )
    example, _ = DATABASES[dialect.name]
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
        raise ValueError("should be whole numbers of days, like 3,14,45,90") from None
    if not days or days[0] < 1 or days[-1] > 730:
        raise ValueError("should be days between 1 and 730, like 3,14,45,90")
    return tuple(days)


def parse_hour(raw: str) -> int:
    """`10` or `10:00` → 10: the local hour check-ins arrive."""
    hour_text = raw.split(":")[0]
    if not hour_text.isdigit() or not 6 <= int(hour_text) <= 18:
        raise ValueError("should be an hour of the working day, 6 to 18 (like 10 or 10:00)")
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


def parse_holidays(raw: str) -> tuple[date, ...]:
    try:
        return tuple(sorted({date.fromisoformat(p.strip()) for p in raw.split(",") if p.strip()}))
    except ValueError:
        raise ValueError("should be dates like 2026-12-25,2027-01-01") from None


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
    raise ValueError("should be a day of the week, like Thursday")


def parse_time(raw: str) -> time:
    """`15:00` or `15` → 15:00."""
    try:
        hour, _, minute = raw.strip().partition(":")
        return time(int(hour), int(minute or 0))
    except ValueError:
        raise ValueError("should be a time of day like 15:00") from None


def parse_flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("should be true or false")


def is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_user_list(raw: str) -> tuple[str, ...]:
    """`U0123, <@U0456>` → ("U0123", "U0456"): Slack user ids."""
    ids = (part.strip().removeprefix("<@").split("|")[0].rstrip(">") for part in raw.split(","))
    return tuple(user for user in ids if user)


def parse_channel_list(raw: str) -> tuple[str, ...]:
    """`C0123, #deals, wins` → ("C0123", "deals", "wins"): ids as given, names without `#`."""
    names = (part.strip().lstrip("#").strip() for part in raw.replace(";", ",").split(","))
    return tuple(name for name in names if name)
