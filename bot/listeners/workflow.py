"""Workflow Builder steps: "Log a closed deal" and "Share a service story". Each run ends
with complete(outputs), or fail() with a sentence for the workflow's builder. Bolt acks
the function_executed event itself, and hands the run the token Slack put in it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Complete, Fail
from slack_sdk.errors import SlackApiError

from bot.languages import _
from bot.services import workflow
from bot.services.cadence import zone_or_default
from bot.services.workflow import Outputs, Refused, Run, StepProblem
from bot.store.db import database_unavailable
from bot.views import workflow as views

from .incoming import Incoming

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.function(workflow.LOG_DEAL)(log_closed_deal)
    app.function(workflow.SHARE_STORY)(share_story)


def log_closed_deal(
    incoming: Incoming, inputs: dict[str, Any], complete: Complete, fail: Fail
) -> None:
    def step(run: Run) -> Outputs | Refused:
        logged = workflow.deal_inputs(inputs)
        if isinstance(logged, Refused):
            return logged
        if not incoming.reachable(logged.owner_id):
            return Refused(StepProblem.OWNER_NOT_A_PERSON, "owner")
        store, clock, team = incoming.store, incoming.clock, incoming.team
        return workflow.log_closed_deal(store, clock, team, run, logged, incoming.planning())

    finish(incoming, step, complete, fail)


def share_story(incoming: Incoming, inputs: dict[str, Any], complete: Complete, fail: Fail) -> None:
    def step(run: Run) -> Outputs | Refused:
        told = workflow.story_inputs(inputs)
        if isinstance(told, Refused):
            return told
        served = _name_of(incoming, told.served_id) if told.served_id else None
        if told.served_id and served is None:
            return Refused(StepProblem.SERVED_NOT_A_PERSON, "served")
        chosen = incoming.workspace
        zone = zone_or_default(chosen.default_timezone)
        store, clock, team = incoming.store, incoming.clock, incoming.team
        notify = chosen.notify_recognised
        return workflow.share_story_step(store, clock, team, run, told, served, zone, notify)

    finish(incoming, step, complete, fail)


def _name_of(incoming: Incoming, user_id: str) -> str | None:
    """A person as the story names who was served: their name in Slack."""
    person = incoming.directory.person(incoming.client, user_id)
    if person is None or not person.reachable:
        return None
    profile = person.profile
    name = profile.get("real_name") or profile.get("display_name") or ""
    return str(name).strip() or None


def finish(
    incoming: Incoming, step: Callable[[Run], Outputs | Refused], complete: Complete, fail: Fail
) -> None:
    """Take the run, or end it as before when Slack sends it again; then end it as it
    went. Something that broke fails it with a sentence, unless the database is away:
    then the event is held and replayed (errors.py), and the run ends once it answers.
    An end Slack refuses (the run had ended already) is only logged."""
    run = Run.of(incoming.body)
    try:
        earlier = workflow.finished(incoming.store, run)
        outcome = earlier if earlier is not None else step(run)
    except Exception as error:
        if not database_unavailable(error):
            _end(lambda: fail(error=_(views.SOMETHING_WENT_WRONG)))
        raise
    if isinstance(outcome, Refused):
        _end(lambda: fail(error=views.refusal(outcome)))
    else:
        _end(lambda: complete(outputs=outcome))


def _end(call: Callable[[], object]) -> None:
    try:
        call()
    except SlackApiError as error:
        log.warning("could not end a workflow step's run: %s", error.response.get("error"))
