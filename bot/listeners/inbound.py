"""Text as it enters: every string of every payload is made storable once, before any
listener reads it. A NUL or a lone surrogate (which SQLite and PostgreSQL refuse, and no
person meant) becomes U+FFFD; everything else is kept exactly as Slack sent it,
its HTML escapes included."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.deps import Deps

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    return UNSTORABLE.sub(REPLACEMENT, text)


def clean(value: Any) -> Any:
    """`value` with every string in it cleaned; dicts and lists are cleaned in place."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if isinstance(key, str) and UNSTORABLE.search(key):
                del value[key]
                key = clean_text(key)
            value[key] = clean(item)
    elif isinstance(value, list):
        value[:] = [clean(item) for item in value]
    return value


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def clean_payload(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        clean(body)
        return next()
