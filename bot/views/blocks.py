"""Small Block Kit builders shared by the views."""

from __future__ import annotations

from typing import Any


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def actions(block_id: str, *elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def button(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: tuple[str, str, str, str] | None = None,
) -> dict[str, Any]:
    """A button; `confirm` is (title, mrkdwn text, yes, no) for a dialog before it acts."""
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text),
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        title, body, yes, no = confirm
        element["confirm"] = {
            "title": plain(title),
            "text": {"type": "mrkdwn", "text": body},
            "confirm": plain(yes),
            "deny": plain(no),
        }
    return element


def modal(
    callback_id: str, metadata: str, title: str, submit: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "blocks": blocks,
    }
