"""Whether Slack is set up as the settings say, checked once before `servebot run`
starts: the bot token works, and each channel the settings name (deal channels, team
channel, recognition channel) exists and has Serve in it. A channel that does not would
otherwise fail silently for weeks: deals never noticed, prompts or digests never sent.

Only for one workspace's SLACK_BOT_TOKEN: with many workspaces (OAuth) there is no
workspace at start, and each one's channels are its own admins' choice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.clock import Clock
from bot.config import CHANNEL_ID, Settings
from bot.slack_api import retry_after

REFUSED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
PAGE = 200  # conversations.list is Tier 2: few, large pages
RATE_LIMIT_WAITS = 5  # at most this many waits of Retry-After for one call
LONGEST_WAIT_SECONDS = 60


@dataclass(frozen=True)
class NamedChannel:
    """A channel as a setting names it: by id (`C0123`) or by name (`deals`)."""

    variable: str
    given: str

    @property
    def by_id(self) -> bool:
        return bool(CHANNEL_ID.fullmatch(self.given))

    @property
    def shown(self) -> str:
        return self.given if self.by_id else f"#{self.given}"


def named_channels(settings: Settings) -> list[NamedChannel]:
    """Every channel the settings name, in the order of the settings."""
    named = [NamedChannel("DEAL_CHANNELS", channel) for channel in settings.deal_channels]
    for variable, channel in (
        ("TEAM_CHANNEL", settings.team_channel),
        ("RECOGNITION_CHANNEL", settings.recognition_channel),
    ):
        if channel:
            named.append(NamedChannel(variable, channel))
    return named


def slack_setup_problems(client: WebClient, settings: Settings, clock: Clock) -> list[str]:
    """What in Slack stops Serve from working as set up, one problem a setting; empty when
    all is well. Failures other than a refused token (Slack unreachable, an outage) are
    raised: they say nothing about the setup."""
    try:
        patiently(clock, client.auth_test)
    except SlackApiError as error:
        code = str(error.response.get("error", ""))
        if code in REFUSED_TOKEN:
            return [f"SLACK_BOT_TOKEN was refused by Slack ({code})"]
        raise
    named = named_channels(settings)
    found = channels_by_id(client, clock, [c.given for c in named if c.by_id])
    found |= channels_by_name(client, clock, {c.given for c in named if not c.by_id})
    return [problem for c in named if (problem := channel_problem(c, found.get(c.given)))]


def channel_problem(channel: NamedChannel, found: dict[str, Any] | None) -> str | None:
    """Why Serve cannot use a channel a setting names, or None when it can."""
    if found is None:
        return (
            f"{channel.variable} names {channel.shown}, which Serve cannot find: check the "
            "name, and invite Serve to a private channel first (/invite @Serve)"
        )
    if found.get("is_archived"):
        return f"{channel.variable} names {channel.shown}, which is archived"
    if not found.get("is_member"):
        return (
            f"{channel.variable} names {channel.shown}, which Serve is not in: /invite @Serve there"
        )
    return None


def channels_by_id(client: WebClient, clock: Clock, ids: Iterable[str]) -> dict[str, Any]:
    """conversations.info for each id; an id Slack does not show the bot is left out."""
    found: dict[str, Any] = {}
    for channel_id in dict.fromkeys(ids):
        try:
            answer = patiently(clock, partial(client.conversations_info, channel=channel_id))
        except SlackApiError as error:
            if error.response.get("error") == "channel_not_found":
                continue
            raise
        found[channel_id] = answer["channel"]
    return found


def channels_by_name(client: WebClient, clock: Clock, names: set[str]) -> dict[str, Any]:
    """The channels with these names the bot can see, paging through conversations.list
    until all are found or the pages end."""
    found: dict[str, Any] = {}
    cursor = ""
    while names - found.keys():
        page = patiently(clock, partial(list_page, client, cursor))
        for channel in page.get("channels") or []:
            if channel.get("name") in names:
                found[str(channel["name"])] = channel
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    return found


def list_page(client: WebClient, cursor: str) -> SlackResponse:
    return client.conversations_list(
        types="public_channel,private_channel",
        exclude_archived=True,
        limit=PAGE,
        cursor=cursor or None,
    )


def patiently(clock: Clock, call: Callable[[], SlackResponse]) -> SlackResponse:
    """The call's answer, waiting out Slack's rate limit (its Retry-After, capped) up to
    RATE_LIMIT_WAITS times: at start there is nothing else to do meanwhile."""
    for _ in range(RATE_LIMIT_WAITS):
        try:
            return call()
        except SlackApiError as error:
            if error.response.status_code != 429:
                raise
            clock.sleep(min(retry_after(error.response.headers), LONGEST_WAIT_SECONDS))
    return call()
