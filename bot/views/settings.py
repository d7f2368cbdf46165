"""The settings form admins open with `/serve settings`, drawn from the table of
settings in `bot.config`: every setting a workspace may choose, in the order declared."""

from __future__ import annotations

from typing import Any

from babel import Locale

from bot.config import CHANNEL_ID, WEEKDAYS, WORKSPACE_SETTINGS, Setting, Settings
from bot.languages import N_, _, voice

from .blocks import modal, option, plain, section

SETTINGS_MODAL = "settings_modal"
# Translators: SERVE_ADMINS is the name of a setting; keep it as it is.
ADMINS_ONLY = N_(
    "Only workspace admins and owners (and people in SERVE_ADMINS) can change Serve's "
    "settings or export its data, so nothing changed."
)
SETTINGS_SAVED = N_(":white_check_mark: Settings saved. They apply from now on.")
# Translators: a form's choices, 75 characters at most each.
YES_NO = {"on": N_("Yes"), "off": N_("No")}
SETTINGS_TITLE = N_("Serve settings")


def _yes_no_options() -> list[dict[str, Any]]:
    return [option(_(label), value) for value, label in YES_NO.items()]


def settings_modal(current: Settings, team_id: str) -> dict[str, Any]:
    """The form, showing what the workspace runs by now."""
    blocks = [
        section(_("Settings for this workspace. Empty deal channels means every channel I'm in.")),
        *(_input(declared, getattr(current, declared.name)) for declared in WORKSPACE_SETTINGS),
    ]
    # Translators: a modal's title and its submit button, 24 characters at most each.
    return modal(SETTINGS_MODAL, team_id, _(SETTINGS_TITLE), _("Save"), blocks)


def settings_saved() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(_(SETTINGS_TITLE), 24),
        # Translators: a modal's close button, 24 characters at most.
        "close": plain(_("Done"), 24),
        "blocks": [section(_(SETTINGS_SAVED))],
    }


def problem_text(problem: str) -> str:
    """A settings parser's reason ("should be …") as a sentence under its field."""
    return problem[:1].upper() + problem[1:] + ("" if problem.endswith(".") else ".")


def _input(declared: Setting, value: Any) -> dict[str, Any]:
    asked = declared.workspace
    assert asked is not None
    block: dict[str, Any] = {
        "type": "input",
        "block_id": declared.name,
        "label": plain(_(asked.label)),
        "element": ELEMENTS[asked.ask](declared, value),
    }
    if asked.optional:
        block["optional"] = True
    return block


def _channels(declared: Setting, value: Any) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "multi_channels_select", "action_id": "value"}
    ids = [c for c in value if CHANNEL_ID.fullmatch(c)]
    if ids:
        element["initial_channels"] = ids
    return element


def _channel(declared: Setting, value: Any) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "channels_select", "action_id": "value"}
    if CHANNEL_ID.fullmatch(value or ""):
        element["initial_channel"] = value
    return element


def _text(declared: Setting, value: Any) -> dict[str, Any]:
    asked = declared.workspace
    longest = asked.longest if asked else 200
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": longest,
    }
    shown = declared.shown(value) if value not in ("", ()) else ""
    if shown:
        element["initial_value"] = shown[:longest]
    placeholder = asked.placeholder if asked else ""
    if placeholder:
        element["placeholder"] = plain(_(placeholder), 150)
    return element


def _select(options: list[dict[str, Any]], current: str) -> dict[str, Any]:
    chosen = next((o for o in options if o["value"] == current), options[0])
    return {
        "type": "static_select",
        "action_id": "value",
        "options": options,
        "initial_option": chosen,
    }


def _hour(declared: Setting, value: Any) -> dict[str, Any]:
    return _select([option(f"{hour:02d}:00", str(hour)) for hour in range(6, 19)], str(value))


def _weekday(declared: Setting, value: Any) -> dict[str, Any]:
    names = Locale.parse(voice().formats).days["format"]["wide"]
    return _select(
        [option(str(names[n]).capitalize(), day) for n, day in enumerate(WEEKDAYS)],
        WEEKDAYS[value],
    )


def _time(declared: Setting, value: Any) -> dict[str, Any]:
    return {"type": "timepicker", "action_id": "value", "initial_time": declared.shown(value)}


def _yes_no(declared: Setting, value: Any) -> dict[str, Any]:
    options = _yes_no_options()
    return {
        "type": "radio_buttons",
        "action_id": "value",
        "options": options,
        "initial_option": options[0 if value else 1],
    }


ELEMENTS = {
    "channels": _channels,
    "channel": _channel,
    "text": _text,
    "hour": _hour,
    "weekday": _weekday,
    "time": _time,
    "yes_no": _yes_no,
}


def entered(declared: Setting, state: dict[str, Any]) -> str | list[str]:
    """What an input of the form reports, as the setting's parser reads it."""
    asked = declared.workspace.ask if declared.workspace else "text"
    if asked == "channels":
        return [str(c) for c in state.get("selected_channels") or []]
    if asked == "channel":
        return str(state.get("selected_channel") or "")
    if asked == "time":
        return str(state.get("selected_time") or "")
    if asked in ("hour", "weekday", "yes_no"):
        picked = str((state.get("selected_option") or {}).get("value") or "")
        return ("off" if picked == "off" else "on") if asked == "yes_no" else picked
    return str(state.get("value") or "")
