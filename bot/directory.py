"""What Slack tells us about channels, cached in memory for the life of the process."""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class Directory:
    def __init__(self) -> None:
        self._channel_names: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def channel_name(self, client: WebClient, channel_id: str) -> str | None:
        with self._lock:
            if channel_id in self._channel_names:
                return self._channel_names[channel_id]
        try:
            name = client.conversations_info(channel=channel_id)["channel"].get("name")
        except SlackApiError as error:
            log.warning("conversations.info %s failed: %s", channel_id, error.response.get("error"))
            return None
        with self._lock:
            self._channel_names[channel_id] = name
        return name
