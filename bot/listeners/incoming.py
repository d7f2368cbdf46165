"""One request from Slack as every listener takes it: who asked, where, with what, and
what answering needs. The inbound middleware builds it once and puts it in Bolt's
context as `incoming`, so a listener names it as an argument and reads nothing out of
the payload by hand."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps, OnDeps
from bot.people import hours_of, is_admin, planning
from bot.services.cadence import WorkingHours
from bot.services.deals import Planning
from bot.views.refs import CheckInRef, DealRef, MessageRef, StoryOrigin, decode

log = logging.getLogger(__name__)
R = TypeVar("R", CheckInRef, DealRef, MessageRef, StoryOrigin)


@dataclass(frozen=True)
class Incoming(OnDeps):
    deps: Deps
    client: WebClient
    ack: Ack
    respond: Respond | None
    body: dict[str, Any]
    team: str
    user: str
    channel: str  # "" when the request came from no conversation (a modal, the Home tab)
    trigger: str
    bot_id: str | None  # Serve's own, so it never reads its own posts as deals

    @classmethod
    def of(cls, body: dict[str, Any], context: BoltContext, deps: Deps) -> Incoming:
        return cls(
            deps=deps,
            client=context.client,
            ack=context.ack,
            respond=context.get("respond"),
            body=body,
            team=context.team_id or str(body.get("team_id") or ""),
            user=_user_of(body),
            channel=_channel_of(body),
            trigger=str(body.get("trigger_id") or ""),
            bot_id=context.bot_id,
        )

    @property
    def team_id(self) -> str:
        return self.team

    def slack_client(self) -> WebClient:
        return self.client

    # -- what came with it ------------------------------------------------------------------

    @property
    def action(self) -> dict[str, Any]:
        """The button or select that was used (the first, as Slack sends one)."""
        actions = self.body.get("actions") or [{}]
        return dict(actions[0])

    def ref(self, kind: type[R], where: str = "value") -> R | None:
        """The reference the used element carries (in its `value` or `block_id`)."""
        return decode(self.action.get(where), kind)

    def modal_ref(self, kind: type[R]) -> R | None:
        """The reference a submitted modal carries in its private metadata."""
        return decode(self.view.get("private_metadata"), kind)

    @property
    def view(self) -> dict[str, Any]:
        return dict(self.body.get("view") or {})

    def field(self, block_id: str) -> dict[str, Any]:
        """A submitted modal's input, by block, as Slack reports its state."""
        values = self.view.get("state", {}).get("values", {})
        return dict(values.get(block_id, {}).get("value") or {})

    def text_field(self, block_id: str) -> str:
        return str(self.field(block_id).get("value") or "")

    def chosen(self, block_id: str) -> str:
        """The value of the option picked in a select or radio buttons; "" for none."""
        return str((self.field(block_id).get("selected_option") or {}).get("value") or "")

    # -- who is asking ------------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        return is_admin(self.deps, self.client, self.team, self.user)

    def planning(self) -> Planning:
        """Settings as the hot path reads them (`recent_settings`, already read to tell
        whether the channel is a deal channel), so a deal post reads them no second time."""
        read = planning(self.deps, self.client, self.team)
        deps, team = self.deps, self.team
        return Planning(
            lambda: deps.recent_settings.get(deps.store, team, deps.settings), read.tz_of
        )

    def hours_of(self, user_id: str) -> WorkingHours:
        return hours_of(self.deps, self.client, self.team, user_id)

    def reachable(self, user_id: str) -> bool:
        """A person Slack knows, neither a bot nor deactivated."""
        person = self.directory.person(self.client, user_id) if user_id else None
        return person is not None and person.reachable

    # -- answering ----------------------------------------------------------------------------

    def open(self, view: dict[str, Any]) -> None:
        """Open a modal on the trigger this request carries."""
        self.client.views_open(trigger_id=self.trigger, view=view)

    def tell(self, text: str) -> None:
        """A short note only this person sees, where they are (their DM when nowhere)."""
        self.show(text=text)

    def show(self, **message: Any) -> None:
        if self.channel:
            self.client.chat_postEphemeral(channel=self.channel, user=self.user, **message)
        else:
            self.client.chat_postMessage(channel=self.user, **message)

    def replace(self, drawn: dict[str, Any]) -> None:
        """Redraw the message whose button was used through its response URL: the way to
        change an ephemeral message, which no chat.update reaches."""
        if self.respond is None:
            self.show(**drawn)
            return
        self.respond(replace_original=True, **drawn)

    def answer(self, reply: dict[str, Any]) -> None:
        """A command's answer in its ack: only the person who typed it sees it."""
        self.ack(text=reply["text"], blocks=reply["blocks"])

    def later(self, reply: dict[str, Any]) -> None:
        """A command's answer after its ack, through its response URL."""
        if self.respond is None:
            self.show(text=reply["text"], blocks=reply["blocks"])
            return
        self.respond(text=reply["text"], blocks=reply["blocks"], response_type="ephemeral")

    def update(self, channel: str, ts: str, drawn: dict[str, Any], what: str) -> None:
        """Redraw one of Serve's messages; a failure is logged, never shown."""
        try:
            self.client.chat_update(channel=channel, ts=ts, **drawn)
        except SlackApiError as error:
            log.warning("could not update %s: %s", what, error.response.get("error"))


def _user_of(body: dict[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or "")
    by = (body.get("event") or {}).get("user")
    return str(body.get("user_id") or (by if isinstance(by, str) else "") or "")


def _channel_of(body: dict[str, Any]) -> str:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return str(channel.get("id") or "")
    container = body.get("container") or {}
    event = body.get("event") or {}
    return str(body.get("channel_id") or container.get("channel_id") or event.get("channel") or "")
