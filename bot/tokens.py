"""Which bot token speaks for a workspace: the one SLACK_BOT_TOKEN, or, when workspaces
install the app through OAuth, each one's own, refreshed before it expires."""

from __future__ import annotations

import threading
import time
from typing import Protocol

from slack_sdk.oauth.token_rotation import TokenRotator

from bot.store.installations import Installations

REFRESH_MINUTES_BEFORE_EXPIRY = 120


class NotInstalled(Exception):
    """The app is not (or no longer) installed in this workspace: send it nothing."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"Serve is not installed in workspace {team_id}")
        self.team_id = team_id


class BotTokens(Protocol):
    def token_for(self, team_id: str) -> str:
        """The workspace's bot token; raises NotInstalled."""
        ...


class OneWorkspace:
    def __init__(self, token: str) -> None:
        self.token = token

    def token_for(self, team_id: str) -> str:
        return self.token


class InstalledTokens:
    """Each workspace's token from its installation; one that expires within two hours
    is exchanged for a fresh one first, and the fresh one saved for every replica."""

    def __init__(self, installations: Installations, rotator: TokenRotator) -> None:
        self.installations = installations
        self.rotator = rotator
        self._rotating = threading.Lock()

    def token_for(self, team_id: str) -> str:
        bot = self.installations.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(team_id)
        if bot.bot_refresh_token is None or not _expiring(bot.bot_token_expires_at):
            return str(bot.bot_token)
        with self._rotating:
            self.installations.forget(team_id)  # as saved, if another replica rotated it
            bot = self.installations.find_bot(enterprise_id=None, team_id=team_id) or bot
            fresh = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=REFRESH_MINUTES_BEFORE_EXPIRY
            )
            if fresh is not None:
                self.installations.save_bot(fresh)
                bot = fresh
        return str(bot.bot_token)


def _expiring(expires_at: int | None) -> bool:
    """slack_sdk's rule, on the same (wall) clock it stamps expiry times with."""
    return expires_at is not None and expires_at <= time.time() + REFRESH_MINUTES_BEFORE_EXPIRY * 60
