"""What every listener needs, built once at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.held_events import HeldEvents
from bot.languages import Voice
from bot.metrics import Metrics
from bot.services.catch_up import ChannelsSeen
from bot.services.workspaces import RecentSettings, settings_for
from bot.store.db import Store
from bot.store.installations import Installations


@dataclass(frozen=True)
class Deps:
    settings: Settings
    store: Store
    clock: Clock
    directory: Directory
    metrics: Metrics = field(default_factory=lambda: Metrics(None))
    installations: Installations | None = None  # with many workspaces
    recent_settings: RecentSettings = field(default_factory=RecentSettings)
    held: HeldEvents = field(default_factory=HeldEvents)  # events kept while the database is away
    # the newest message seen in each deal channel, where a catch-up would start from
    channels_seen: ChannelsSeen = field(default_factory=ChannelsSeen)
    # Asks the runner to look for due work now, not at its next tick: a listener that
    # queued work someone waits to see (a deal's thread reply) calls it.
    run_soon: Callable[[], None] = field(default=lambda: None)


class OnDeps:
    """What a request or a piece of due work runs on, by name (from its `deps`)."""

    deps: Deps

    @property
    def store(self) -> Store:
        return self.deps.store

    @property
    def clock(self) -> Clock:
        return self.deps.clock

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def directory(self) -> Directory:
        return self.deps.directory

    @property
    def workspace(self) -> Settings:
        """The settings the request's (or job's) workspace runs by, read now."""
        return settings_for(self.store, self.team_id, self.settings)

    @property
    def team_id(self) -> str:
        raise NotImplementedError

    def slack_client(self) -> WebClient:
        """Slack, with the request's (or job's) workspace's token."""
        raise NotImplementedError

    def speaking_to(self, user_id: str) -> Voice:
        """The voice of what one person alone reads: their own Slack language."""

        def locale() -> str | None:
            person = self.directory.person(self.slack_client(), user_id) if user_id else None
            return person.locale if person else None

        return Voice(locale)

    def speaking_in(self, channel_id: str) -> Voice:
        """The voice of a channel post: the workspace's chosen language, else the
        channel's own in Slack, else English."""

        def locale() -> str | None:
            chosen = self.workspace.channel_language
            return chosen or self.directory.channel_locale(self.slack_client(), channel_id)

        return Voice(locale)
