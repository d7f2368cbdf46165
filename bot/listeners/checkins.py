"""Check-ins: the buttons on a check-in DM and the forms they open (I reached out,
Snooze, Hand off), Stop, the customer's timeline, asking the team for a hand and
offering one, and `/serve checkins` and `/serve timeline`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.languages import _, speaking
from bot.services import checkins, timeline
from bot.services.cadence import next_working_slot, snooze_until
from bot.services.checkins import Step
from bot.services.commands import CUSTOMER_MAX, Command, Refusal
from bot.services.typed import text_problem
from bot.store.models import Outcome
from bot.views import checkins as views
from bot.views import commands as command_views
from bot.views.deals import ALREADY_REMOVED
from bot.views.errors import field_error
from bot.views.refs import CheckInRef, DealRef

from .deals import update_reply
from .home import publish_home
from .incoming import Incoming

FORMS = {
    views.REACHED_OUT: views.reached_out_modal,
    views.SNOOZE: views.snooze_modal,
    views.HAND_OFF: views.hand_off_modal,
}


def register(app: App) -> None:
    for button in FORMS:
        app.action(button)(open_form)
    app.view(views.REACHED_OUT_MODAL)(reached_out)
    app.view(views.SNOOZE_MODAL)(snoozed)
    app.view(views.HAND_OFF_MODAL)(handed_off)
    app.action(views.STOP)(stop)
    app.action(views.TIMELINE)(show_timeline_button)
    app.action(views.ASK_TEAM)(ask_team)
    app.action(views.OFFER_HELP)(offer_help)


# -- the DM's buttons and their forms -----------------------------------------------------------


def open_form(ack: Ack, incoming: Incoming) -> None:
    ack()
    step = _own_step(incoming)
    if step is not None:
        form = FORMS[incoming.action["action_id"]]
        incoming.open(form(step.checkin, step.deal))


def reached_out(ack: Ack, incoming: Incoming) -> None:
    outcome, note = incoming.chosen("outcome"), incoming.text_field("note")
    if outcome not in set(Outcome):
        ack(response_action="errors", errors={"outcome": _(views.PICK_A_FEELING)})
        return
    problem = text_problem(note, checkins.NOTE_LIMIT, lines=True)
    if problem:
        ack(response_action="errors", errors={"note": field_error(problem, views.note_too_long())})
        return
    step = checkins.log_outcome(
        incoming.store,
        incoming.clock,
        _modal_checkin(incoming),
        incoming.team,
        incoming.user,
        Outcome(outcome),
        note,
    )
    if step is None:
        ack(response_action="errors", errors={"outcome": _(views.ALREADY_HANDLED)})
        return
    ack()
    update_checkin_dm(incoming, step, views.checkin_logged(step.checkin, step.deal))
    publish_home(incoming, incoming.user)


def snoozed(ack: Ack, incoming: Incoming) -> None:
    days = incoming.chosen("days")
    if days not in views.SNOOZE_CHOICES:
        ack(response_action="errors", errors={"days": _(views.PICK_WHEN)})
        return
    until = snooze_until(incoming.clock.now(), int(days), incoming.hours_of(incoming.user))
    step = checkins.snooze(
        incoming.store, incoming.clock, _modal_checkin(incoming), incoming.team, until
    )
    if step is None:
        ack(response_action="errors", errors={"days": _(views.ALREADY_HANDLED)})
        return
    ack()
    update_checkin_dm(incoming, step, views.checkin_snoozed(step.deal, until))
    publish_home(incoming, incoming.user)


def handed_off(ack: Ack, incoming: Incoming) -> None:
    teammate = str(incoming.field("teammate").get("selected_user") or "")
    reachable = bool(teammate) and incoming.reachable(teammate)
    problem = checkins.hand_off_problem(incoming.user, teammate, reachable)
    if problem:
        ack(response_action="errors", errors={"teammate": _(views.HAND_OFF_PROBLEMS[problem])})
        return
    due = next_working_slot(incoming.clock.now(), incoming.hours_of(teammate))
    step = checkins.hand_off(
        incoming.store, incoming.clock, _modal_checkin(incoming), incoming.team, teammate, due
    )
    if step is None:
        ack(response_action="errors", errors={"teammate": _(views.ALREADY_HANDLED)})
        return
    ack()
    update_checkin_dm(incoming, step, views.checkin_handed_off(step.deal, teammate))
    update_reply(incoming, step.deal)
    for someone in (incoming.user, teammate):
        publish_home(incoming, someone)


def stop(ack: Ack, incoming: Incoming) -> None:
    ack()
    own = _own_step(incoming)
    if own is None:
        return
    step = checkins.stop_for_customer(incoming.store, incoming.clock, own.checkin.id, incoming.team)
    if step is None:
        incoming.tell(_(views.ALREADY_HANDLED))
        return
    update_checkin_dm(incoming, step, views.checkin_stopped(step.deal))
    update_reply(incoming, step.deal, ())
    publish_home(incoming, incoming.user)


def _own_step(incoming: Incoming) -> Step | None:
    """The check-in a button belongs to, if it still waits for an answer from this person."""
    ref = incoming.ref(CheckInRef)
    step = (
        checkins.find_answerable(incoming.store, ref.checkin_id, incoming.team)
        if ref is not None
        else None
    )
    if step is None:
        incoming.tell(_(views.ALREADY_HANDLED))
        return None
    if step.checkin.recipient_id != incoming.user:
        incoming.tell(_(views.NOT_YOURS))
        return None
    return step


def _modal_checkin(incoming: Incoming) -> int:
    """The check-in a form is about; 0, which no check-in has, if it names none."""
    ref = incoming.modal_ref(CheckInRef)
    return ref.checkin_id if ref else 0


def update_checkin_dm(incoming: Incoming, step: Step, alone: dict[str, Any]) -> None:
    """Show `alone` in place of the check-in's DM; a DM that carries several check-ins
    is drawn again whole, each one as it stands now, for the person whose DM it is."""
    checkin = step.checkin
    if not (checkin.dm_channel and checkin.message_ts):
        return
    shown = checkins.in_same_dm(incoming.store, checkin)
    drawn = views.shared_dm_now(shown, incoming.user) if len(shown) > 1 else alone
    incoming.update(checkin.dm_channel, checkin.message_ts, drawn, f"check-in {checkin.id}")


# -- the customer's timeline -----------------------------------------------------------------------


def show_timeline_button(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(DealRef)
    shown = show_timeline(incoming, ref.deal_id) if ref else None
    if shown is None:
        incoming.tell(_(ALREADY_REMOVED))
        return
    incoming.show(**shown)


def show_timeline(incoming: Incoming, deal_id: int) -> dict[str, Any] | None:
    """A customer's timeline as the person asking may see it (leads-only stories for
    admins)."""
    leads = incoming.is_admin
    found = timeline.timeline(incoming.store, incoming.team, deal_id, can_see_leads=leads)
    return command_views.timeline_message(found) if found else None


def serve_timeline(incoming: Incoming, command: Command) -> None:
    typed = command.rest
    if len(typed) > CUSTOMER_MAX:  # no customer is called that: no search for it
        incoming.answer(command_views.refusal(Refusal.CUSTOMER_TOO_LONG))
        return
    incoming.ack()
    found = timeline.find_customers(incoming.store, incoming.team, typed)
    if not found:
        incoming.later(command_views.no_such_customer(typed))
    elif len(found) > 1:
        incoming.later(command_views.customer_choices(typed, found))
    elif (shown := show_timeline(incoming, found[0].id)) is not None:
        incoming.later(shown)


def serve_checkins(incoming: Incoming, command: Command) -> None:
    mine = checkins.mine(incoming.store, incoming.team, incoming.user, command_views.LIST_LIMIT)
    incoming.answer(command_views.my_checkins(mine))


# -- a customer who needs help ---------------------------------------------------------------------


def ask_team(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(CheckInRef)
    team_channel = incoming.workspace.team_channel
    channel = incoming.directory.channel_id(incoming.client, team_channel) if team_channel else None
    if channel is None:
        incoming.tell(_(views.NO_TEAM_CHANNEL))
        return
    step = (
        checkins.ask_team(
            incoming.store, incoming.clock, ref.checkin_id, incoming.team, incoming.user
        )
        if ref
        else None
    )
    if step is None:
        incoming.tell(_(views.CANT_ASK))
        return
    with speaking(incoming.speaking_in(channel)):
        asked = views.team_help_request(step.checkin, step.deal)
    posted = incoming.client.chat_postMessage(channel=channel, **asked)
    checkins.record_help_post(incoming.store, step.checkin.id, posted["channel"], posted["ts"])
    update_checkin_dm(incoming, step, views.checkin_logged(step.checkin, step.deal))


def offer_help(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(CheckInRef)
    helper = incoming.user
    offer = (
        checkins.offer_help(incoming.store, incoming.clock, ref.checkin_id, incoming.team, helper)
        if ref
        else None
    )
    if offer is None:
        incoming.tell(_(views.ALREADY_HANDLED))
        return
    checkin, deal = offer.step.checkin, offer.step.deal
    if not offer.first:
        incoming.tell(views.already_helping(checkin))
        return
    owner = checkin.logged_by or checkin.recipient_id
    incoming.show(**views.thanks_for_helping(deal, owner, show_timeline(incoming, deal.id)))
    with speaking(incoming.speaking_in(incoming.channel)):
        asked = views.team_help_request(checkin, deal)
    with speaking(incoming.speaking_to(owner)):
        told = views.someone_stepped_in(checkin, deal)
    client = incoming.client
    client.chat_update(
        channel=incoming.channel, ts=incoming.body["container"]["message_ts"], **asked
    )
    client.chat_postMessage(channel=owner, **told)
