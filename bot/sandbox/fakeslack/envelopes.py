"""What people do in Slack, as the envelopes Slack sends the app for it: events (a
profile edit, opening the Home tab, any event a test makes up), interactions (pressing a
button on a message or on Home, submitting a modal) and slash commands, each with the
payload Slack builds (team, app id, trigger id, a fresh response_url). They go out
through Socket Mode, which waits for the ack; `event_callback` and `command_payload` give
the same bodies for tests that post them to an app in HTTP mode."""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from .response_urls import ResponseUrls
from .socket_mode import SocketMode
from .workspace import APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, Message, Workspace

VERIFICATION_TOKEN = "fake-verification-token"  # the deprecated `token` in command payloads


class Envelopes:
    """Builds envelopes from the workspace and sends them through `socket_mode`."""

    def __init__(
        self, workspace: Workspace, socket_mode: SocketMode, response_urls: ResponseUrls
    ) -> None:
        self._workspace = workspace
        self._socket_mode = socket_mode
        self._response_urls = response_urls

    def send_event(
        self,
        event: dict[str, Any],
        retry_attempt: int = 0,
        event_id: str | None = None,
        wait_ack: bool = True,
        team: str = TEAM_ID,
    ) -> str:
        body = self.event_callback(event, event_id, team)
        return self.send_callback(body, retry_attempt, wait_ack)

    def send_callback(
        self, body: dict[str, Any], retry_attempt: int = 0, wait_ack: bool = True
    ) -> str:
        """Send an Events API body as it was built (a retry sends the same one again)."""
        envelope = {
            "type": "events_api",
            "payload": body,
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        return self._socket_mode.deliver(envelope, wait_ack)

    def event_callback(
        self, event: dict[str, Any], event_id: str | None = None, team: str = TEAM_ID
    ) -> dict[str, Any]:
        """The Events API body Slack sends for `event`, over Socket Mode or HTTP."""
        return {
            "token": "unused",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}
            ],
        }

    def send_interaction(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team": {"id": TEAM_ID, "domain": TEAM_DOMAIN}, "api_app_id": APP_ID, **payload}
        envelope = {"type": "interactive", "payload": payload, "accepts_response_payload": False}
        return self._socket_mode.deliver(envelope, wait_ack)

    def send_command(self, payload: dict[str, Any], wait_ack: bool = True) -> str:
        payload = {"team_id": TEAM_ID, "team_domain": TEAM_DOMAIN, "api_app_id": APP_ID, **payload}
        envelope = {"type": "slash_commands", "payload": payload, "accepts_response_payload": True}
        return self._socket_mode.deliver(envelope, wait_ack)

    def command(
        self,
        user_id: str,
        text: str = "",
        command: str = "/serve",
        channel_id: str | None = None,
    ) -> dict[str, Any]:
        """Type `command text` as `user_id` in `channel_id` (default: the person's DM with
        the app), with the payload Slack sends, and wait for the ack. Returns what the bot
        put in its ack ({} for an empty ack). Posts to the payload's response_url (which
        this fake serves) are recorded in `responses`."""
        payload = self.command_payload(user_id, text, command, channel_id)
        envelope = self.send_command(payload)
        return self._socket_mode.acks[envelope] or {}

    def command_payload(
        self, user_id: str, text: str = "", command: str = "/serve", channel_id: str | None = None
    ) -> dict[str, str]:
        """The form fields Slack sends for `command text` typed by `user_id`."""
        workspace = self._workspace
        with workspace.changed:
            user = workspace.users.get(user_id)
            if user is None:
                raise KeyError(f"no user {user_id!r} in the fake workspace: add_user first")
            channel = workspace.ensure_channel(channel_id or workspace.open_dm(user_id))
            info = workspace.channels[channel]
            return {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "team_domain": TEAM_DOMAIN,
                "channel_id": channel,
                "channel_name": _channel_name(info),
                "user_id": user_id,
                "user_name": user["name"],
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": self._response_urls.new(),
                "trigger_id": f"{workspace.serial()}.trigger",
            }

    def set_profile(self, /, user_id: str, **fields: Any) -> dict[str, Any]:
        """Change a person as if they edited their profile, and tell a connected bot
        with a user_change event (waiting for its ack), so tests can check that the bot
        follows profile and time zone changes. tz, tz_label, tz_offset, deleted and the
        admin flags (is_admin, is_owner, is_primary_owner) are top-level user fields;
        real_name is set in both places, as Slack mirrors it; every other field goes into
        `profile`. The event carries no locale, as users.info without `include_locale`
        shows none. Returns the updated user, as users.info shows it."""
        workspace = self._workspace
        with workspace.changed:
            edited = workspace.edit_profile(user_id, fields)
            updated = {k: v for k, v in edited.items() if k != "locale"}
            connected = self._socket_mode.connected
        if connected:
            self.send_event(
                {
                    "type": "user_change",
                    "user": updated,
                    "event_ts": workspace.next_ts(),
                    "cache_ts": int(workspace.now().timestamp()),
                }
            )
        return updated

    def join(self, /, user_id: str, name: str, **fields: Any) -> dict[str, Any]:
        """Someone new joins the workspace (as `add_user` makes them, with its fields),
        and a connected bot hears it with a team_join event (waiting for its ack). The
        event carries no locale, as with user_change. Returns the person as users.info
        shows them."""
        workspace = self._workspace
        with workspace.changed:
            joined = workspace.add_user(user_id, name, **fields)
            shown = {k: v for k, v in joined.items() if k != "locale"}
            connected = self._socket_mode.connected
        if connected:
            self.send_event(
                {"type": "team_join", "user": shown, "event_ts": workspace.next_ts()},
                team=str(joined["team_id"]),
            )
        return shown

    def open_home(self, user_id: str, wait_ack: bool = True) -> str:
        """Open the app's Home tab as `user_id`: the app_home_opened event Slack sends,
        carrying the Home view published for them before, if any. Waits for the ack."""
        workspace = self._workspace
        with workspace.changed:
            if user_id not in workspace.users:
                raise KeyError(f"no user {user_id!r} in the fake workspace: add_user first")
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": workspace.open_dm(user_id),
                "tab": "home",
                "event_ts": workspace.next_ts(),
            }
            if user_id in workspace.home:
                event["view"] = copy.deepcopy(workspace.home[user_id])
        return self.send_event(event, wait_ack=wait_ack)

    def click(
        self,
        user: str,
        message: Message,
        action_id: str,
        blocks: list[dict[str, Any]] | None = None,
        selected_user: str | None = None,
        block_id: str | None = None,
    ) -> str:
        """Press a button (or pick from a select) on a message as Slack would report it.
        `blocks` lets a test press a button on an older copy of the message; `block_id`
        picks the button in one block of a message that has it in several."""
        shown = blocks if blocks is not None else message.blocks
        element = _element(shown, action_id, block_id)
        if element is None:
            raise AssertionError(f"no {action_id!r} button on the message")
        return self.send_interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "channel": {"id": message.channel},
                "container": {
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": message.channel,
                },
                "message": message.as_event() | {"blocks": shown},
                "trigger_id": f"{self._workspace.serial()}.trigger",
                "response_url": self._response_urls.new(),
                "actions": [
                    {
                        "type": element["type"],
                        "action_id": action_id,
                        "block_id": element["block_id"],
                        "action_ts": self._workspace.next_ts(),
                        **({"value": element["value"]} if "value" in element else {}),
                        **({"selected_user": selected_user} if selected_user else {}),
                    }
                ],
            }
        )

    def click_home(self, user: str, action_id: str) -> str:
        """Press a button on the Home tab published for `user`, as Slack reports it."""
        with self._workspace.changed:
            view = copy.deepcopy(self._workspace.home[user])
        element = _element(view["blocks"], action_id)
        if element is None:
            raise AssertionError(f"no {action_id!r} button on {user}'s Home")
        return self.send_interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "container": {"type": "view", "view_id": view["id"]},
                "view": view,
                "trigger_id": f"{self._workspace.serial()}.trigger",
                "actions": [
                    {
                        "type": element["type"],
                        "action_id": action_id,
                        "block_id": element["block_id"],
                        "action_ts": self._workspace.next_ts(),
                        **({"value": element["value"]} if "value" in element else {}),
                    }
                ],
            }
        )

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Submit an open modal with `values` as {block_id: {action_id: state}}; returns
        what the bot put in its ack ({} for a plain ack)."""
        envelope = self.send_interaction(self.submission_payload(user, view, values))
        return self._socket_mode.acks[envelope] or {}

    def submission_payload(
        self, user: str, view: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        """The view_submission Slack sends when `user` submits `view` filled with `values`:
        a trigger of its own, and the view's id and hash as Slack gives them."""
        serial = self._workspace.serial()
        return {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
            "api_app_id": APP_ID,
            "user": {"id": user, "team_id": TEAM_ID},
            "trigger_id": f"{serial}.trigger",
            "view": {"id": f"V{serial:08d}", "hash": f"{serial}.hash"}
            | view
            | {"state": {"values": values}, "team_id": TEAM_ID},
        }


def _element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None
) -> dict[str, Any] | None:
    """The element `action_id` in an actions block (in block `block_id`, if given), with
    its block's id."""
    return next(
        (
            dict(e, block_id=b.get("block_id", ""))
            for b in blocks
            if b.get("type") == "actions" and (block_id is None or b.get("block_id") == block_id)
            for e in b.get("elements", [])
            if e.get("action_id") == action_id
        ),
        None,
    )


def _channel_name(info: dict[str, Any]) -> str:
    """channel_name as a slash command payload carries it."""
    if info.get("is_im"):
        return "directmessage"
    if info["id"].startswith("G") and "name" not in info:
        return "privategroup"
    return str(info.get("name", ""))
