"""The settings modal admins open with `/serve settings`, and what they are told."""

from __future__ import annotations

from typing import Any

from bot.config import CHANNEL_ID, WEEKDAYS
from bot.services.workspaces import WorkspaceSettings

from .blocks import modal, option, plain, section

SETTINGS_MODAL = "settings_modal"
ADMINS_ONLY = (
    "Only workspace admins and owners (and people in SERVE_ADMINS) can change Serve's "
    "settings or export its data, so nothing changed."
)
SETTINGS_SAVED = "Settings saved. They apply from now on."
FIELD_LABELS = {
    "deal_channels": "Deal channels",
    "team_channel": "Team channel (weekly story prompt)",
    "recognition_channel": "Recognition channel (weekly digest)",
    "cadence": "Check-in days after a close",
    "checkin_hour": "Check-in hour (each owner's time)",
    "holidays": "Holidays (no check-ins)",
    "prompt_day": "Story prompt day",
    "prompt_time": "Story prompt time (each person's time)",
    "digest_day": "Digest day",
    "digest_time": "Digest time",
    "timezone": "Workspace time zone",
    "notify_recognised": "Tell people when a story names them",
}


def settings_modal(current: WorkspaceSettings) -> dict[str, Any]:
    days = [option(day.capitalize(), day) for day in WEEKDAYS]
    hours = [option(f"{hour:02d}:00", str(hour)) for hour in range(6, 19)]
    yes_no = [option("Yes", "on"), option("No", "off")]
    deal_channels: dict[str, Any] = {"type": "multi_channels_select", "action_id": "value"}
    ids = [c for c in current.deal_channels if CHANNEL_ID.fullmatch(c)]
    if ids:
        deal_channels["initial_channels"] = ids
    blocks = [
        section("Settings for this workspace. Empty deal channels means every channel I'm in."),
        _input("deal_channels", deal_channels, optional=True),
        _input("team_channel", _channel(current.team_channel), optional=True),
        _input("recognition_channel", _channel(current.recognition_channel), optional=True),
        _input("cadence", _text(", ".join(map(str, current.cadence_days)))),
        _input("checkin_hour", _select(hours, str(current.checkin_hour))),
        _input(
            "holidays",
            _text(", ".join(d.isoformat() for d in current.holidays), "2026-12-25, 2027-01-01"),
            optional=True,
        ),
        _input("prompt_day", _select(days, WEEKDAYS[current.prompt_weekday])),
        _input("prompt_time", _time(current.prompt_time.strftime("%H:%M"))),
        _input("digest_day", _select(days, WEEKDAYS[current.digest_weekday])),
        _input("digest_time", _time(current.digest_time.strftime("%H:%M"))),
        _input("timezone", _text(current.timezone, "Europe/London")),
        _input(
            "notify_recognised",
            {
                "type": "radio_buttons",
                "action_id": "value",
                "options": yes_no,
                "initial_option": yes_no[0 if current.notify_recognised else 1],
            },
        ),
    ]
    return modal(SETTINGS_MODAL, current.team_id, "Serve settings", "Save", blocks)


def settings_saved() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Serve settings", 24),
        "close": plain("Done", 24),
        "blocks": [section(f":white_check_mark: {SETTINGS_SAVED}")],
    }


def problem_text(problem: str) -> str:
    """A settings parser's reason ("should be …") as a sentence under its field."""
    return problem[:1].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def _input(block_id: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(FIELD_LABELS[block_id]),
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


def _channel(current: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "channels_select", "action_id": "value"}
    if CHANNEL_ID.fullmatch(current or ""):
        element["initial_channel"] = current
    return element


def _text(current: str, placeholder: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value"}
    if current:
        element["initial_value"] = current[:3000]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def _select(options: list[dict[str, Any]], current: str) -> dict[str, Any]:
    chosen = next((o for o in options if o["value"] == current), options[0])
    return {
        "type": "static_select",
        "action_id": "value",
        "options": options,
        "initial_option": chosen,
    }


def _time(current: str) -> dict[str, Any]:
    return {"type": "timepicker", "action_id": "value", "initial_time": current}
