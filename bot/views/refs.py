"""What a button, select or modal carries back to us: typed references, one encoding.

Views put a reference in an element's `value`, an actions block's `block_id` or a
modal's `private_metadata`; listeners read it back as the same type, or None when what
came back is not one (an old message, a tampered payload)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar


@dataclass(frozen=True)
class CheckInRef:
    checkin_id: int


@dataclass(frozen=True)
class DealRef:
    deal_id: int


@dataclass(frozen=True)
class MessageRef:
    """A message in a channel, as a shortcut was used on it; with `message`, the message
    itself as recognition reads it, carried so it need not be read back from Slack."""

    channel_id: str
    ts: str
    message: dict[str, Any] | None = None


@dataclass(frozen=True)
class StoryOrigin:
    """Where a story modal was opened from, and the message it was opened on."""

    source: str
    link: str | None = None


Ref = CheckInRef | DealRef | MessageRef | StoryOrigin
R = TypeVar("R", CheckInRef, DealRef, MessageRef, StoryOrigin)
TAGS: dict[type[Any], str] = {
    CheckInRef: "checkin",
    DealRef: "deal",
    MessageRef: "message",
    StoryOrigin: "story",
}
MAX_LENGTH = 3000  # the most Slack keeps: a modal's private_metadata


def encode(ref: Ref) -> str:
    return json.dumps({"t": TAGS[type(ref)], **asdict(ref)}, separators=(",", ":"))


def decode(raw: object, kind: type[R]) -> R | None:
    if not isinstance(raw, str) or not raw.startswith("{") or len(raw) > MAX_LENGTH:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.pop("t", None) != TAGS[kind]:
        return None
    if set(data) - {f.name for f in fields(kind)}:
        return None
    try:
        ref = kind(**data)
    except TypeError:
        return None
    return ref if _well_typed(ref) else None


def _well_typed(ref: Ref) -> bool:
    if isinstance(ref, CheckInRef):
        return _is_id(ref.checkin_id)
    if isinstance(ref, DealRef):
        return _is_id(ref.deal_id)
    if isinstance(ref, MessageRef):
        return (
            isinstance(ref.channel_id, str)
            and isinstance(ref.ts, str)
            and bool(ref.ts)
            and (ref.message is None or _is_message(ref.message, ref.ts))
        )
    return isinstance(ref.source, str) and (ref.link is None or isinstance(ref.link, str))


def _is_message(message: object, ts: str) -> bool:
    return isinstance(message, dict) and message.get("ts") == ts


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
