"""One typed settings object, read from the environment and `.env`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

SETUP_HINT = 'See "Set up" in README.md.'
DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///serve.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


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
    database_url: str = DEFAULT_DATABASE_URL
    deal_channels: tuple[str, ...] = ()
    log_level: str = "INFO"

    def socket_mode_problems(self) -> list[str]:
        """What stops Socket Mode from starting: missing or malformed tokens."""
        problems = []
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

    api_url = text("SLACK_API_URL", DEFAULT_API_URL)
    if not api_url.startswith(("http://", "https://")):
        problems.append("SLACK_API_URL should be an http(s) URL")
    log_level = text("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL should be one of {', '.join(LOG_LEVELS)}")
    if problems:
        raise SettingsError(problems)
    return Settings(
        slack_bot_token=text("SLACK_BOT_TOKEN"),
        slack_app_token=text("SLACK_APP_TOKEN"),
        slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
        database_url=text("DATABASE_URL", DEFAULT_DATABASE_URL),
        deal_channels=parse_channel_list(text("DEAL_CHANNELS")),
        log_level=log_level,
    )


def parse_channel_list(raw: str) -> tuple[str, ...]:
    """`C0123, #deals, wins` → ("C0123", "deals", "wins"): ids as given, names without `#`."""
    names = (part.strip().lstrip("#").strip() for part in raw.replace(";", ",").split(","))
    return tuple(name for name in names if name)
