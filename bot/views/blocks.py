"""Small Block Kit builders shared by the views. Each one keeps within Slack's limits by
construction, so no text, however long once escaped, can make a payload invalid."""

from __future__ import annotations

from typing import Any

from bot.languages import _

from .mrkdwn import fit

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000  # the notification text of a message; Slack itself allows 40,000
BUTTON_LIMIT = 75  # also an option's text
LABEL_LIMIT = 2000
HEADER_LIMIT = 150
MODAL_TITLE_LIMIT = 24
CONFIRM_TITLE_LIMIT, CONFIRM_TEXT_LIMIT, CONFIRM_BUTTON_LIMIT = 100, 300, 30


def message(fallback: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """Message arguments: `fallback` is mrkdwn shown in notifications, escaped like blocks."""
    return {"text": fit(fallback, FALLBACK_LIMIT), "blocks": blocks}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": fit(text, SECTION_LIMIT)}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, SECTION_LIMIT)}]}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def plain(text: str, limit: int = LABEL_LIMIT) -> dict[str, Any]:
    """Plain text: Slack shows it as typed, so it needs no escaping, only fitting."""
    return {"type": "plain_text", "text": fit(text, limit, escaped=False)}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, BUTTON_LIMIT), "value": value}


def divider() -> dict[str, Any]:
    return {"type": "divider"}


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
        "text": plain(text, BUTTON_LIMIT),
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        title, body, yes, no = confirm
        element["confirm"] = {
            "title": plain(title, CONFIRM_TITLE_LIMIT),
            "text": {"type": "mrkdwn", "text": fit(body, CONFIRM_TEXT_LIMIT)},
            "confirm": plain(yes, CONFIRM_BUTTON_LIMIT),
            "deny": plain(no, CONFIRM_BUTTON_LIMIT),
        }
    return element


def modal(
    callback_id: str, metadata: str, title: str, submit: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": plain(title, MODAL_TITLE_LIMIT),
        "submit": plain(submit, MODAL_TITLE_LIMIT),
        # Translators: the button that closes a form; at most 24 characters.
        "close": plain(_("Cancel"), MODAL_TITLE_LIMIT),
        "blocks": blocks,
    }
