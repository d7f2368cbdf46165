"""What every listener needs, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.directory import Directory
from bot.metrics import Metrics
from bot.services.workspaces import RecentSettings
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
