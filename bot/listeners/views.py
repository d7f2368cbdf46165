"""Modal submissions: check-ins (log the outcome, snooze, hand off) and stories."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.people import hours_of, is_admin, planning
from bot.services import checkins, deals, stories, workspaces
from bot.services.cadence import next_working_slot, snooze_until, zone_or_default
from bot.services.commands import Refusal, parse_deal
from bot.services.recognition import amount_in
from bot.store.models import Outcome, Visibility
from bot.views import checkins as checkin_views
from bot.views import commands as command_views
from bot.views import deals as deal_views
from bot.views import settings as settings_views
from bot.views import stories as story_views
from bot.views.refs import CheckInRef, MessageRef, StoryOrigin, decode

from .checkin_dms import update_checkin_dm
from .deal_replies import show_change, update_reply
from .home import publish_home

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    _register_checkins(app, deps)
    _register_story(app, deps)
    _register_deal(app, deps)
    _register_logged_deal(app, deps)
    _register_settings(app, deps)


def _register_settings(app: App, deps: Deps) -> None:
    @app.view(settings_views.SETTINGS_MODAL)
    def on_settings(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        user, team_id = body["user"]["id"], context.team_id or ""
        if not is_admin(deps, client, team_id, user):
            ack(response_action="errors", errors={"cadence": settings_views.ADMINS_ONLY})
            return
        problems = workspaces.change_settings(
            deps.store, deps.clock, deps.settings, team_id, _settings_form(view), user
        )
        if problems:
            errors = {field: settings_views.problem_text(p) for field, p in problems.items()}
            ack(response_action="errors", errors=errors)
            return
        deps.recent_settings.forget(team_id)
        ack(response_action="update", view=settings_views.settings_saved())


def _settings_form(view: dict[str, Any]) -> workspaces.SettingsForm:
    def chosen(block: str) -> str:
        return str((_field(view, block).get("selected_option") or {}).get("value") or "")

    return workspaces.SettingsForm(
        deal_channels=list(_field(view, "deal_channels").get("selected_channels") or []),
        team_channel=str(_field(view, "team_channel").get("selected_channel") or ""),
        recognition_channel=str(_field(view, "recognition_channel").get("selected_channel") or ""),
        cadence=str(_field(view, "cadence").get("value") or ""),
        checkin_hour=chosen("checkin_hour"),
        holidays=str(_field(view, "holidays").get("value") or ""),
        prompt_day=chosen("prompt_day"),
        prompt_time=str(_field(view, "prompt_time").get("selected_time") or ""),
        digest_day=chosen("digest_day"),
        digest_time=str(_field(view, "digest_time").get("selected_time") or ""),
        timezone=str(_field(view, "timezone").get("value") or ""),
        notify_recognised=chosen("notify_recognised") != "off",
    )


def _register_deal(app: App, deps: Deps) -> None:
    @app.view(command_views.NEW_DEAL_MODAL)
    def on_new_deal(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        words = parse_deal(str(_field(view, "customer").get("value") or ""))
        owner = str(_field(view, "owner").get("selected_user") or "")
        person = deps.directory.person(client, owner) if owner else None
        if isinstance(words, Refusal):
            ack(response_action="errors", errors={"customer": command_views.REFUSALS[words]})
            return
        if person is None or not person.reachable:
            ack(response_action="errors", errors={"owner": deal_views.OWNER_NOT_A_PERSON})
            return
        ack()
        user, team_id = body["user"]["id"], context.team_id or ""
        amount = amount_in(
            {"type": "message", "text": str(_field(view, "amount").get("value") or "")}
        )
        change = deals.log_by_hand(
            deps.store,
            deps.clock,
            team_id,
            deals.LoggedDeal(words.customer, owner, user),
            amount,
            planning(deps, client, team_id),
        )
        if change.deal is not None:
            client.chat_postMessage(
                channel=user, **command_views.deal_logged(change.deal, change.planned)
            )


def _register_logged_deal(app: App, deps: Deps) -> None:
    @app.view(deal_views.LOG_DEAL_MODAL)
    def on_log_deal(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        customer = str(_field(view, "customer").get("value") or "").strip()
        owner = str(_field(view, "owner").get("selected_user") or "")
        ref = decode(view.get("private_metadata"), MessageRef)
        person = deps.directory.person(client, owner) if owner else None
        if not customer:
            ack(response_action="errors", errors={"customer": deal_views.NAME_THE_CUSTOMER})
            return
        if person is None or not person.reachable:
            ack(response_action="errors", errors={"owner": deal_views.OWNER_NOT_A_PERSON})
            return
        ack()
        user, team_id = body["user"]["id"], context.team_id or ""
        message = deps.directory.message(client, ref.channel_id, ref.ts) if ref else None
        if ref is None or message is None:
            client.chat_postMessage(channel=user, text=deal_views.COULD_NOT_LOG)
            return
        said = deals.LoggedDeal(customer, owner, user)
        change = deals.log_deal(
            deps.store,
            deps.clock,
            team_id,
            ref.channel_id,
            message,
            said,
            planning(deps, client, team_id),
        )
        if change.change == deals.Change.UNCHANGED:
            client.chat_postEphemeral(
                channel=ref.channel_id, user=user, text=deal_views.ALREADY_A_DEAL
            )
            return
        show_change(deps, client, change)


def _register_checkins(app: App, deps: Deps) -> None:
    @app.view(checkin_views.REACHED_OUT_MODAL)
    def on_reached_out(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        chosen = _field(view, "outcome").get("selected_option") or {}
        note = _field(view, "note").get("value") or ""
        if chosen.get("value") not in set(Outcome):
            ack(response_action="errors", errors={"outcome": checkin_views.PICK_A_FEELING})
            return
        if len(note) > checkins.NOTE_LIMIT:
            ack(response_action="errors", errors={"note": checkin_views.NOTE_TOO_LONG})
            return
        step = checkins.log_outcome(
            deps.store,
            deps.clock,
            _checkin_id(view),
            context.team_id or "",
            body["user"]["id"],
            Outcome(chosen["value"]),
            note,
        )
        if step is None:
            ack(response_action="errors", errors={"outcome": checkin_views.ALREADY_HANDLED})
            return
        ack()
        logged = checkin_views.checkin_logged(step.checkin, step.deal)
        update_checkin_dm(deps, client, step, logged, body["user"]["id"])
        publish_home(deps, client, context.team_id or "", body["user"]["id"])

    @app.view(checkin_views.SNOOZE_MODAL)
    def on_snooze(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        days = (_field(view, "days").get("selected_option") or {}).get("value")
        if days not in checkin_views.SNOOZE_CHOICES:
            ack(response_action="errors", errors={"days": checkin_views.PICK_WHEN})
            return
        team_id = context.team_id or ""
        hours = hours_of(deps, client, team_id, body["user"]["id"])
        until = snooze_until(deps.clock.now(), int(days), hours)
        step = checkins.snooze(deps.store, deps.clock, _checkin_id(view), team_id, until)
        if step is None:
            ack(response_action="errors", errors={"days": checkin_views.ALREADY_HANDLED})
            return
        ack()
        snoozed = checkin_views.checkin_snoozed(step.deal, until)
        update_checkin_dm(deps, client, step, snoozed, body["user"]["id"])
        publish_home(deps, client, team_id, body["user"]["id"])

    @app.view(checkin_views.HAND_OFF_MODAL)
    def on_hand_off(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        teammate = _field(view, "teammate").get("selected_user") or ""
        team_id = context.team_id or ""
        person = deps.directory.person(client, teammate) if teammate else None
        problem = checkins.hand_off_problem(
            body["user"]["id"], teammate, person is not None and person.reachable
        )
        if problem:
            ack(
                response_action="errors",
                errors={"teammate": checkin_views.HAND_OFF_PROBLEMS[problem]},
            )
            return
        due = next_working_slot(deps.clock.now(), hours_of(deps, client, team_id, teammate))
        step = checkins.hand_off(deps.store, deps.clock, _checkin_id(view), team_id, teammate, due)
        if step is None:
            ack(response_action="errors", errors={"teammate": checkin_views.ALREADY_HANDLED})
            return
        ack()
        handed = checkin_views.checkin_handed_off(step.deal, teammate)
        update_checkin_dm(deps, client, step, handed, body["user"]["id"])
        update_reply(deps, client, step.deal)
        for someone in (body["user"]["id"], teammate):
            publish_home(deps, client, team_id, someone)


def _register_story(app: App, deps: Deps) -> None:
    @app.view(story_views.STORY_MODAL)
    def on_story(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        draft = _story_draft(view)
        if draft is None:
            ack(response_action="errors", errors={"visibility": story_views.PICK_VISIBILITY})
            return
        problems = stories.draft_problems(draft)
        if problems:
            length = len(draft.what_happened.strip())
            errors = {f: story_views.draft_problem_text(p, length) for f, p in problems.items()}
            ack(response_action="errors", errors=errors)
            return
        team_id = context.team_id or ""
        chosen = workspaces.settings_for(deps.store, team_id, deps.settings)
        stories.share_story(
            deps.store,
            deps.clock,
            team_id,
            body["user"]["id"],
            draft,
            zone_or_default(chosen.timezone),
            chosen.notify_recognised,
        )
        ack(response_action="update", view=story_views.story_saved())
        publish_home(deps, client, team_id, body["user"]["id"])


def _story_draft(view: dict[str, Any]) -> stories.StoryDraft | None:
    visibility = (_field(view, "visibility").get("selected_option") or {}).get("value")
    if visibility not in set(Visibility):
        return None
    origin = decode(view.get("private_metadata"), StoryOrigin)
    return stories.StoryDraft(
        helpers=tuple(_field(view, "helpers").get("selected_users") or ()),
        what_happened=_field(view, "what_happened").get("value") or "",
        served=_field(view, "served").get("value"),
        quality=(_field(view, "quality").get("selected_option") or {}).get("value"),
        visibility=Visibility(visibility),
        source_link=origin.link if origin else None,
    )


def _field(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict(view.get("state", {}).get("values", {}).get(block_id, {}).get("value") or {})


def _checkin_id(view: dict[str, Any]) -> int:
    """The check-in a modal is about; 0, which no check-in has, if it names none."""
    ref = decode(view.get("private_metadata"), CheckInRef)
    return ref.checkin_id if ref else 0
