"""History paging as conversations.history and conversations.replies do it: `oldest` and
`latest` bound the timestamps (exclusive unless `inclusive`), `limit` is clamped to the
method's range, and an opaque `cursor` names the timestamp the next page starts at.
Bad arguments answer with Slack's errors (invalid_ts_oldest, invalid_cursor, ...)."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from typing import Any

from .workspace import Message

CURSOR_PREFIX = "next_ts:"


def page(
    messages: list[Message],
    args: dict[str, Any],
    default_limit: int,
    max_limit: int,
    newest_first: bool,
) -> dict[str, Any]:
    """One page of `messages`, as the method's answer."""
    try:
        window = _window(messages, args)
        start = _cursor_ts(args.get("cursor"))
        limit = min(max(int(args.get("limit") or default_limit), 1), max_limit)
    except ValueError as error:
        return {"ok": False, "error": str(error)}
    ordered = sorted(window, key=lambda m: Decimal(m.ts), reverse=newest_first)
    if start is not None:
        ordered = [m for m in ordered if _not_before(Decimal(m.ts), start, newest_first)]
    shown, rest = ordered[:limit], ordered[limit:]
    cursor = _cursor_for(rest[0].ts) if rest else ""
    return {
        "ok": True,
        "messages": [m.as_event() for m in shown],
        "has_more": bool(rest),
        "response_metadata": {"next_cursor": cursor},
    }


def _not_before(ts: Decimal, start: Decimal, newest_first: bool) -> bool:
    return ts <= start if newest_first else ts >= start


def _window(messages: list[Message], args: dict[str, Any]) -> list[Message]:
    oldest = _ts_argument(args, "oldest")
    latest = _ts_argument(args, "latest")
    inclusive = str(args.get("inclusive", "")).lower() in ("1", "true")

    def inside(message: Message) -> bool:
        ts = Decimal(message.ts)
        above = oldest is None or ts > oldest or (inclusive and ts == oldest)
        below = latest is None or ts < latest or (inclusive and ts == latest)
        return above and below

    return [m for m in messages if inside(m)]


def _ts_argument(args: dict[str, Any], name: str) -> Decimal | None:
    if args.get(name) in (None, ""):
        return None
    try:
        return Decimal(str(args[name]))
    except InvalidOperation:
        raise ValueError(f"invalid_ts_{name}") from None


def _cursor_for(ts: str) -> str:
    return base64.b64encode((CURSOR_PREFIX + ts).encode()).decode()


def _cursor_ts(cursor: str | None) -> Decimal | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor, validate=True).decode()
        if not decoded.startswith(CURSOR_PREFIX):
            raise ValueError
        return Decimal(decoded.removeprefix(CURSOR_PREFIX))
    except (ValueError, UnicodeDecodeError, InvalidOperation):
        raise ValueError("invalid_cursor") from None
