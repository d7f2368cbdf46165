"""`/serve` and its subcommands. Each answer is ephemeral: for the person who asked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.people import is_admin, planning
from bot.services import checkins, deals, export, pauses, privacy, timeline, weekly, workspaces
from bot.services.cadence import zone_or_default
from bot.services.commands import Command, Refusal, parse_command, parse_deal, parse_until
from bot.services.stories import readable, week_of
from bot.views import commands as views
from bot.views import privacy as privacy_views
from bot.views.digest import digest_messages
from bot.views.settings import ADMINS_ONLY, settings_modal
from bot.views.stories import story_modal

log = logging.getLogger(__name__)
Subcommand = Callable[["Asked"], None]


class Asked:
    """One `/serve` as it arrived, with what answering it needs."""

    def __init__(
        self,
        deps: Deps,
        ack: Ack,
        respond: Respond,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        self.deps, self.ack, self.respond, self.client = deps, ack, respond, client
        self.body = body
        self.user = str(body.get("user_id") or "")
        self.team = context.team_id or str(body.get("team_id") or "")
        self.command = parse_command(str(body.get("text") or ""))

    def answer(self, reply: dict[str, Any]) -> None:
        self.ack(text=reply["text"], blocks=reply["blocks"])

    def later(self, reply: dict[str, Any]) -> None:
        self.respond(text=reply["text"], blocks=reply["blocks"], response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    @app.command("/serve")
    def on_serve(
        ack: Ack, respond: Respond, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        asked = Asked(deps, ack, respond, body, client, context)
        SUBCOMMANDS[asked.command.name](asked)


def _help(asked: Asked) -> None:
    asked.answer(views.help_message(asked.command))


def _story(asked: Asked) -> None:
    asked.ack()
    asked.client.views_open(
        trigger_id=asked.body["trigger_id"],
        view=story_modal("command", what_happened=readable(asked.command.rest)),
    )


def _checkins(asked: Asked) -> None:
    mine = checkins.mine(asked.deps.store, asked.team, asked.user, views.LIST_LIMIT)
    asked.answer(views.my_checkins(mine))


def _deal(asked: Asked) -> None:
    if not asked.command.rest:
        asked.ack()
        asked.client.views_open(trigger_id=asked.body["trigger_id"], view=views.new_deal_modal())
        return
    words = parse_deal(asked.command.rest)
    if isinstance(words, Refusal):
        asked.answer(views.refusal(words))
        return
    asked.ack()
    owner = words.owner_id or asked.user
    person = asked.deps.directory.person(asked.client, owner)
    if person is None or not person.reachable:
        asked.later(views.said(views.OWNER_NOT_A_PERSON))
        return
    change = deals.log_by_hand(
        asked.deps.store,
        asked.deps.clock,
        asked.team,
        deals.LoggedDeal(words.customer, owner, asked.user),
        (words.amount, words.currency),
        planning(asked.deps, asked.client, asked.team),
    )
    if change.deal is not None:
        asked.later(views.deal_logged(change.deal, change.planned))


def _timeline(asked: Asked) -> None:
    typed = asked.command.rest
    asked.ack()
    found = timeline.find_customers(asked.deps.store, asked.team, typed)
    if not found:
        asked.later(views.no_such_customer(typed))
    elif len(found) > 1:
        asked.later(views.customer_choices(typed, found))
    else:
        shown = show_timeline(asked.deps, asked.client, asked.team, asked.user, found[0].id)
        if shown is not None:
            asked.later(shown)


def show_timeline(
    deps: Deps, client: WebClient, team_id: str, user_id: str, deal_id: int
) -> dict[str, Any] | None:
    """A customer's timeline as `user_id` may see it (leads-only stories for admins)."""
    leads = is_admin(deps, client, team_id, user_id)
    found = timeline.timeline(deps.store, team_id, deal_id, can_see_leads=leads)
    return views.timeline_message(found) if found else None


def _digest(asked: Asked) -> None:
    asked.ack()
    setup = weekly.setup_of(asked.deps.store, asked.team, asked.deps.settings)
    if not setup.recognition_channel:
        asked.later(views.said(views.NO_RECOGNITION_CHANNEL))
        return
    now = asked.deps.clock.now()
    week = week_of(now, setup.zone)
    digest = weekly.compose_digest(
        asked.deps.store, asked.team, week, setup.zone, now, setup.digest_due(week)
    )
    asked.later(views.digest_preview(digest_messages(digest)[0]))


def _pause(asked: Asked) -> None:
    zone = zone_or_default(
        workspaces.settings_for(asked.deps.store, asked.team, asked.deps.settings).timezone
    )
    today = asked.deps.clock.now().astimezone(zone).date()
    until = parse_until(asked.command.rest, today)
    if isinstance(until, Refusal):
        asked.answer(views.refusal(until))
        return
    pauses.pause(asked.deps.store, asked.deps.clock, asked.team, asked.user, until)
    asked.answer(views.paused(until))


def _resume(asked: Asked) -> None:
    pauses.resume(asked.deps.store, asked.deps.clock, asked.team, asked.user)
    asked.answer(views.resumed())


def _settings(asked: Asked) -> None:
    if not is_admin(asked.deps, asked.client, asked.team, asked.user):
        asked.answer(views.said(ADMINS_ONLY))
        return
    asked.ack()
    current = workspaces.settings_for(asked.deps.store, asked.team, asked.deps.settings)
    asked.client.views_open(trigger_id=asked.body["trigger_id"], view=settings_modal(current))


def _export(asked: Asked) -> None:
    if not is_admin(asked.deps, asked.client, asked.team, asked.user):
        asked.answer(views.said(ADMINS_ONLY))
        return
    asked.answer(views.said(views.EXPORT_STARTED))
    table = export.export_csv(asked.deps.store, asked.team, can_see_leads=True)
    try:
        dm = asked.deps.directory.dm_channel(asked.client, asked.user)
        asked.client.files_upload_v2(
            channel=dm,
            content=table,
            filename=f"serve-{asked.team}-{asked.deps.clock.now():%Y-%m-%d}.csv",
            title="Serve export",
            initial_comment=views.EXPORT_SENT,
        )
    except SlackApiError as error:
        log.warning("could not send %s their export: %s", asked.user, error)
        asked.later(views.said(views.EXPORT_FAILED))


def _my(asked: Asked) -> None:
    if asked.command.rest.lower() != "data":
        typed = f"my {asked.command.rest}"
        asked.answer(views.help_message(Command("help", unknown=typed, suggestion="my data")))
        return
    since = asked.deps.clock.now() - timedelta(days=7)
    found = privacy.held(asked.deps.store, asked.team, asked.user, since)
    asked.answer(privacy_views.my_data(found))


def _forget(asked: Asked) -> None:
    if asked.command.rest.lower() != "me":
        typed = f"forget {asked.command.rest}"
        asked.answer(views.help_message(Command("help", unknown=typed, suggestion="forget me")))
        return
    asked.answer(privacy_views.forget_me_confirm())


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": _help,
    "story": _story,
    "checkins": _checkins,
    "deal": _deal,
    "timeline": _timeline,
    "digest": _digest,
    "pause": _pause,
    "resume": _resume,
    "settings": _settings,
    "export": _export,
    "my": _my,
    "forget": _forget,
}
