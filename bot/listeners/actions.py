"""Buttons: "Not a deal" under a deal reply, and the four on a check-in DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services import checkins, deals
from bot.views import checkins as checkin_views
from bot.views.deals import (
    ALREADY_REMOVED,
    NOT_A_DEAL,
    OWNER_NOT_A_PERSON,
    SET_OWNER,
    deal_id_of,
)
from bot.views.stories import OPEN_STORY, story_modal

from .deal_replies import plan_for, update_reply

MODALS = {
    checkin_views.REACHED_OUT: checkin_views.reached_out_modal,
    checkin_views.SNOOZE: checkin_views.snooze_modal,
    checkin_views.HAND_OFF: checkin_views.hand_off_modal,
}


def register(app: App, deps: Deps) -> None:
    @app.action(NOT_A_DEAL)
    def on_not_a_deal(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        deal_id = deal_id_of(body["actions"][0].get("block_id", ""))
        deal = None
        if deal_id is not None:
            deal = deals.dismiss_deal(
                deps.store, deps.clock, context.team_id or "", deal_id, body["user"]["id"]
            )
        if deal is None:
            _tell(client, body, ALREADY_REMOVED)
            return
        update_reply(deps, client, deal)

    @app.action(SET_OWNER)
    def on_set_owner(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        action = body["actions"][0]
        owner = str(action.get("selected_user") or "")
        person = deps.directory.person(client, owner) if owner else None
        if person is None or not person.reachable:
            _tell(client, body, OWNER_NOT_A_PERSON)
            return
        deal_id = deal_id_of(action.get("block_id", ""))
        deal = None
        if deal_id is not None:
            deal = deals.set_owner(deps.store, deps.clock, context.team_id or "", deal_id, owner)
        if deal is None:
            _tell(client, body, ALREADY_REMOVED)
            return
        plan_for(deps, client, deal)
        update_reply(deps, client, deal)

    @app.action(checkin_views.REACHED_OUT)
    @app.action(checkin_views.SNOOZE)
    @app.action(checkin_views.HAND_OFF)
    def on_checkin_modal_button(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        step = _own_step(deps, client, body, context)
        if step is not None:
            modal = MODALS[body["actions"][0]["action_id"]]
            client.views_open(trigger_id=body["trigger_id"], view=modal(step.checkin, step.deal))

    @app.action(OPEN_STORY)
    def on_share_a_story(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=story_modal("prompt"))

    @app.action(checkin_views.STOP)
    def on_stop(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        if _own_step(deps, client, body, context) is None:
            return
        step = checkins.stop_for_customer(
            deps.store, deps.clock, int(_value(body)), context.team_id or ""
        )
        if step is None:
            _tell(client, body, checkin_views.ALREADY_HANDLED)
            return
        client.chat_update(
            channel=body["channel"]["id"],
            ts=body["container"]["message_ts"],
            **checkin_views.checkin_stopped(step.deal),
        )
        update_reply(deps, client, step.deal)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


def _own_step(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext
) -> checkins.Step | None:
    """The check-in a button belongs to, if it still waits for an answer from this person."""
    value = _value(body)
    step = (
        checkins.find_answerable(deps.store, int(value), context.team_id or "")
        if value.isdigit()
        else None
    )
    if step is None:
        _tell(client, body, checkin_views.ALREADY_HANDLED)
    elif step.checkin.recipient_id != body["user"]["id"]:
        _tell(client, body, checkin_views.NOT_YOURS)
        return None
    return step


def _tell(client: WebClient, body: dict[str, Any], text: str) -> None:
    client.chat_postEphemeral(channel=body["channel"]["id"], user=body["user"]["id"], text=text)
