"""Buttons: "Not a deal" and the owner picker under a deal reply, the four on a
check-in DM, and "Share a story" on the weekly prompt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.people import planning
from bot.services import checkins, deals, privacy, weekly
from bot.services.deals import Change
from bot.views import checkins as checkin_views
from bot.views import privacy as privacy_views
from bot.views.deals import ALREADY_REMOVED, NOT_A_DEAL, OWNER_NOT_A_PERSON, SET_OWNER
from bot.views.refs import CheckInRef, DealRef, decode
from bot.views.stories import OPEN_STORY, story_modal

from .checkin_dms import update_checkin_dm
from .commands import show_timeline
from .deal_replies import show_change, update_reply
from .home import publish_home

MODALS = {
    checkin_views.REACHED_OUT: checkin_views.reached_out_modal,
    checkin_views.SNOOZE: checkin_views.snooze_modal,
    checkin_views.HAND_OFF: checkin_views.hand_off_modal,
}


def register(app: App, deps: Deps) -> None:
    _register_privacy(app, deps)

    @app.action(NOT_A_DEAL)
    def on_not_a_deal(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        ref = decode(_action(body).get("value"), DealRef)
        deal = None
        if ref is not None:
            deal = deals.dismiss_deal(
                deps.store, deps.clock, context.team_id or "", ref.deal_id, body["user"]["id"]
            )
        if deal is None:
            _tell(client, body, ALREADY_REMOVED)
            return
        update_reply(deps, client, deal, ())

    @app.action(SET_OWNER)
    def on_set_owner(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        action = _action(body)
        owner = str(action.get("selected_user") or "")
        person = deps.directory.person(client, owner) if owner else None
        if person is None or not person.reachable:
            _tell(client, body, OWNER_NOT_A_PERSON)
            return
        ref = decode(action.get("block_id"), DealRef)
        team_id = context.team_id or ""
        change = deals.DealChange(Change.UNCHANGED)
        if ref is not None:
            change = deals.set_owner(
                deps.store, deps.clock, team_id, ref.deal_id, owner, planning(deps, client, team_id)
            )
        if change.deal is None:
            _tell(client, body, ALREADY_REMOVED)
            return
        show_change(deps, client, change)

    @app.action(checkin_views.REACHED_OUT)
    @app.action(checkin_views.SNOOZE)
    @app.action(checkin_views.HAND_OFF)
    def on_checkin_modal_button(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        step = _own_step(deps, client, body, context)
        if step is not None:
            modal = MODALS[_action(body)["action_id"]]
            client.views_open(trigger_id=body["trigger_id"], view=modal(step.checkin, step.deal))

    @app.action(checkin_views.TIMELINE)
    def on_timeline(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        ref = decode(_action(body).get("value"), DealRef)
        user, team_id = body["user"]["id"], context.team_id or ""
        shown = show_timeline(deps, client, team_id, user, ref.deal_id) if ref else None
        if shown is None:
            _tell(client, body, ALREADY_REMOVED)
            return
        client.chat_postEphemeral(channel=body["channel"]["id"], user=user, **shown)

    @app.action(checkin_views.ASK_TEAM)
    def on_ask_team(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        ref = decode(_action(body).get("value"), CheckInRef)
        team_id, user = context.team_id or "", body["user"]["id"]
        team_channel = weekly.setup_of(deps.store, team_id, deps.settings).team_channel
        channel = deps.directory.channel_id(client, team_channel) if team_channel else None
        if channel is None:
            _tell(client, body, checkin_views.NO_TEAM_CHANNEL)
            return
        step = (
            checkins.ask_team(deps.store, deps.clock, ref.checkin_id, team_id, user)
            if ref
            else None
        )
        if step is None:
            _tell(client, body, checkin_views.CANT_ASK)
            return
        posted = client.chat_postMessage(
            channel=channel, **checkin_views.team_help_request(step.checkin, step.deal)
        )
        checkins.record_help_post(deps.store, step.checkin.id, posted["channel"], posted["ts"])
        logged = checkin_views.checkin_logged(step.checkin, step.deal)
        update_checkin_dm(deps, client, step, logged, user)

    @app.action(checkin_views.OFFER_HELP)
    def on_offer_help(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        ref = decode(_action(body).get("value"), CheckInRef)
        team_id, helper = context.team_id or "", body["user"]["id"]
        offer = (
            checkins.offer_help(deps.store, deps.clock, ref.checkin_id, team_id, helper)
            if ref
            else None
        )
        if offer is None:
            _tell(client, body, checkin_views.ALREADY_HANDLED)
            return
        checkin, deal = offer.step.checkin, offer.step.deal
        if not offer.first:
            _tell(client, body, checkin_views.already_helping(checkin))
            return
        owner = checkin.logged_by or checkin.recipient_id
        shown = show_timeline(deps, client, team_id, helper, deal.id)
        thanks = checkin_views.thanks_for_helping(deal, owner, shown)
        client.chat_postEphemeral(channel=body["channel"]["id"], user=helper, **thanks)
        client.chat_update(
            channel=body["channel"]["id"],
            ts=body["container"]["message_ts"],
            **checkin_views.team_help_request(checkin, deal),
        )
        client.chat_postMessage(channel=owner, **checkin_views.someone_stepped_in(checkin, deal))

    @app.action(checkin_views.SHARE_HELP_STORY)
    def on_share_help_story(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        ref = decode(_action(body).get("value"), CheckInRef)
        step = checkins.helped(deps.store, ref.checkin_id) if ref else None
        if step is None or step.checkin.helper_id is None:
            _tell(client, body, checkin_views.ALREADY_HANDLED)
            return
        view = story_modal("help", helpers=[step.checkin.helper_id], served=step.deal.customer)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(OPEN_STORY)
    def on_share_a_story(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=story_modal("prompt"))

    @app.action(checkin_views.STOP)
    def on_stop(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        own = _own_step(deps, client, body, context)
        if own is None:
            return
        step = checkins.stop_for_customer(
            deps.store, deps.clock, own.checkin.id, context.team_id or ""
        )
        if step is None:
            _tell(client, body, checkin_views.ALREADY_HANDLED)
            return
        stopped = checkin_views.checkin_stopped(step.deal)
        update_checkin_dm(deps, client, step, stopped, body["user"]["id"])
        update_reply(deps, client, step.deal, ())
        publish_home(deps, client, context.team_id or "", body["user"]["id"])


def _register_privacy(app: App, deps: Deps) -> None:
    @app.action(privacy_views.FORGET_ME)
    def on_forget_me(
        ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond
    ) -> None:
        """The confirmed "Forget me": all of it, at once; a second click finds nothing."""
        ack()
        team_id, user = context.team_id or "", body["user"]["id"]
        done = privacy.forget(deps.store, deps.clock, team_id, user)
        respond(replace_original=True, response_type="ephemeral", **privacy_views.forgotten(done))


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def _own_step(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext
) -> checkins.Step | None:
    """The check-in a button belongs to, if it still waits for an answer from this person."""
    ref = decode(_action(body).get("value"), CheckInRef)
    step = (
        checkins.find_answerable(deps.store, ref.checkin_id, context.team_id or "")
        if ref is not None
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
