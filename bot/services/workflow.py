"""Workflow Builder steps (custom steps): what a run's inputs say, and the deal or story
it makes through the same rules as the forms. A run is kept with what it made, in the
same unit of work, so a run Slack sends again makes nothing twice and finishes with the
same outputs. Slack-free; the listener does the talking."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import checkins as checkin_queries
from bot.store import deals as deal_queries
from bot.store import step_runs
from bot.store.db import Store
from bot.store.models import CheckIn, Deal, Visibility

from . import deals, stories
from .checkins import hours_for
from .commands import COMMAND_MAX, DealWords, Refusal, parse_deal
from .recognition import amount_in
from .same_win import same_win
from .stories import SERVED_MAX, DraftProblem, StoryDraft, draft_problems
from .typed import has_control_characters

LOG_DEAL = "log_closed_deal"  # the functions' callback ids, as in deploy/manifest*.yml
SHARE_STORY = "share_service_story"
# A message's link as Slack gives it: https://team.slack.com/archives/C0DEALS/p1700000000123456
MESSAGE_LINK = re.compile(
    r"https://(?:[a-z0-9-]+\.)+slack(?:-gov)?\.com/archives/([CGD][A-Z0-9]{2,})/p(\d{10})(\d{6})"
    r"(?:[?#]\S*)?"
)
LINK_MAX = 500
AMOUNT_MAX = 60  # far more than any amount written out
Outputs = dict[str, Any]


class StepProblem(StrEnum):
    """Why a run can't make its deal or story; the views say it to the workflow's builder."""

    NO_CUSTOMER = "no_customer"
    CUSTOMER_TOO_LONG = "customer_too_long"
    CONTROL_CHARACTERS = "control_characters"
    AMOUNT_UNREAD = "amount_unread"
    NOT_A_MESSAGE_LINK = "not_a_message_link"
    OWNER_NOT_A_PERSON = "owner_not_a_person"
    NO_TELLER = "no_teller"
    SERVED_NOT_A_PERSON = "served_not_a_person"
    UNKNOWN_VISIBILITY = "unknown_visibility"


@dataclass(frozen=True)
class Refused:
    problem: StepProblem | DraftProblem
    field: str  # the input's name
    given: str = ""  # what the input held, to quote back


@dataclass(frozen=True)
class Run:
    """One execution of a step, as the function_executed event names it."""

    execution_id: str
    step: str

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> Run:
        event = body.get("event") or {}
        step = str((event.get("function") or {}).get("callback_id") or "")
        return cls(str(event.get("function_execution_id") or ""), step)


@dataclass(frozen=True)
class MessageLink:
    url: str
    channel_id: str
    ts: str


@dataclass(frozen=True)
class DealInputs:
    customer: str
    owner_id: str
    amount: tuple[Decimal | None, str | None]
    link: MessageLink | None


@dataclass(frozen=True)
class StoryInputs:
    draft: StoryDraft
    shared_by: str
    served_id: str | None  # a person, named in the story once Slack says who


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def deal_inputs(inputs: Mapping[str, Any]) -> DealInputs | Refused:
    """The deal a run of "Log a closed deal" describes, or what is wrong with its inputs:
    the customer read as the log form reads it, the amount as `/serve deal` reads it."""
    typed = _text(inputs.get("customer"))
    if has_control_characters(typed):
        return Refused(StepProblem.CONTROL_CHARACTERS, "customer")
    words = parse_deal(typed) if len(typed) <= COMMAND_MAX else Refusal.CUSTOMER_TOO_LONG
    if not isinstance(words, DealWords):
        empty = words == Refusal.NO_CUSTOMER
        return Refused(
            StepProblem.NO_CUSTOMER if empty else StepProblem.CUSTOMER_TOO_LONG, "customer"
        )
    owner = _text(inputs.get("owner"))
    if not owner:
        return Refused(StepProblem.OWNER_NOT_A_PERSON, "owner")
    amount = read_amount(_text(inputs.get("amount")))
    if amount is None:
        return Refused(StepProblem.AMOUNT_UNREAD, "amount", _text(inputs.get("amount")))
    link = _text(inputs.get("message_link"))
    found = message_link(link) if link else None
    if link and found is None:
        return Refused(StepProblem.NOT_A_MESSAGE_LINK, "message_link", link)
    return DealInputs(words.customer, owner, amount, found)


def read_amount(typed: str) -> tuple[Decimal | None, str | None] | None:
    """An amount as typed ("$40k", "12,000 EUR"); (None, None) for none; None when what
    was typed is no amount Serve can read."""
    if not typed:
        return (None, None)
    if len(typed) > AMOUNT_MAX:
        return None
    read = amount_in({"type": "message", "text": typed})
    return read if read[0] is not None else None


def message_link(text: str) -> MessageLink | None:
    if len(text) > LINK_MAX:
        return None
    found = MESSAGE_LINK.fullmatch(text)
    if found is None:
        return None
    channel, seconds, micros = found.groups()
    return MessageLink(text, channel, f"{seconds}.{micros}")


def story_inputs(inputs: Mapping[str, Any]) -> StoryInputs | Refused:
    """The story a run of "Share a service story" tells, or what is wrong with its inputs
    (as the story form would say under its fields). Who was served is checked once Slack
    has said who they are: `share_story_step`."""
    shared_by = _text(inputs.get("shared_by"))
    if not shared_by:
        return Refused(StepProblem.NO_TELLER, "shared_by")
    visibility = _text(inputs.get("visibility")).lower() or Visibility.NAMED.value
    if visibility not in set(Visibility):
        return Refused(StepProblem.UNKNOWN_VISIBILITY, "visibility", visibility)
    helpers = inputs.get("helpers") or []
    named = helpers if isinstance(helpers, list) else [helpers]
    draft = StoryDraft(
        helpers=tuple(h for h in (_text(one) for one in named) if h),
        what_happened=str(inputs.get("what_happened") or ""),
        quality=_text(inputs.get("quality")).lower() or None,
        visibility=Visibility(visibility),
    )
    refused = _first_problem(draft, inputs)
    if refused is not None:
        return refused
    return StoryInputs(draft, shared_by, _text(inputs.get("served")) or None)


def _first_problem(draft: StoryDraft, inputs: Mapping[str, Any]) -> Refused | None:
    problems = draft_problems(draft)
    for field in ("helpers", "what_happened", "served", "quality"):
        if field in problems:
            quoted = _text(inputs.get(field)) if field == "quality" else ""
            return Refused(problems[field], field, quoted)
    return None


# -- runs ---------------------------------------------------------------------------------------


def finished(store: Store, run: Run) -> Outputs | None:
    """The outputs a run was finished with before (Slack sent its event again), to end it
    with at once: nothing is asked of Slack with a token that may have ended with it."""
    with store.reading() as session:
        return step_runs.outputs_of(session, run.execution_id)


def log_closed_deal(
    store: Store,
    clock: Clock,
    team_id: str,
    run: Run,
    logged: DealInputs,
    planning: deals.Planning,
) -> Outputs:
    """The run's deal, logged as `/serve deal` logs one (closed now, check-ins planned),
    unless its message link names a message that is a deal already: one real deal is
    one deal. Outputs: the deal's id and the day of its first check-in, in the owner's
    time zone."""
    chosen, tz = planning.ask(logged.owner_id)
    now = clock.now()
    with store.session() as session:
        earlier = step_runs.claim_run(session, run.execution_id, team_id, run.step, now)
        if earlier is not None:
            return earlier
        deal, planned = _linked_deal(session, team_id, logged.link)
        if deal is None:
            deal, planned = _told_elsewhere(session, team_id, logged.customer, now)
        if deal is None:
            said = deals.LoggedDeal(logged.customer, logged.owner_id, logged.owner_id)
            url = logged.link.url if logged.link else None
            change = deals.record_by_hand(
                session, team_id, said, logged.amount, chosen, tz, now, url
            )
            deal, planned = change.deal, change.planned
        assert deal is not None  # record_by_hand always records one
        outputs: Outputs = {"deal_id": deal.id}
        if planned:
            first = min(checkin.due_at for checkin in planned if checkin.due_at)
            outputs["first_checkin"] = hours_for(chosen, tz).local_date(first).isoformat()
        step_runs.finish_run(session, run.execution_id, outputs)
        return outputs


def _told_elsewhere(
    session: Session, team_id: str, customer: str, now: datetime
) -> tuple[Deal | None, Sequence[CheckIn]]:
    """The deal another door (a post, the CRM's webhook) recorded for this win, if any."""
    deal = same_win(session, team_id, customer, now, now, lambda _: True)
    if deal is None:
        return None, ()
    return deal, checkin_queries.open_checkins(session, deal.id)


def _linked_deal(
    session: Session, team_id: str, link: MessageLink | None
) -> tuple[Deal | None, Sequence[CheckIn]]:
    """The active deal the linked message announced, with its open check-ins, if any."""
    if link is None:
        return None, ()
    deal = deal_queries.deal_for_message(session, team_id, link.channel_id, link.ts)
    if deal is None or not deal.is_active:
        return None, ()
    return deal, checkin_queries.open_checkins(session, deal.id)


def share_story_step(
    store: Store,
    clock: Clock,
    team_id: str,
    run: Run,
    told: StoryInputs,
    served: str | None,
    zone: ZoneInfo,
    notify_recognised: bool,
) -> Outputs | Refused:
    """The run's story, kept as the story form keeps one (helpers told someone noticed,
    when the workspace says so), with `served`, the name of who was served. Outputs: the
    story's id."""
    draft = replace(told.draft, served=served[:SERVED_MAX] if served else None)
    if draft_problems(draft):
        return Refused(StepProblem.SERVED_NOT_A_PERSON, "served")
    now = clock.now()
    with store.session() as session:
        earlier = step_runs.claim_run(session, run.execution_id, team_id, run.step, now)
        if earlier is not None:
            return earlier
        story = stories.keep_story(
            session, team_id, told.shared_by, draft, zone, notify_recognised, now
        )
        outputs: Outputs = {"story_id": story.id}
        step_runs.finish_run(session, run.execution_id, outputs)
        return outputs
