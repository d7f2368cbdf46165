"""Check-in steps as due work: send the DM, remind once, mark it missed."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackClientError

from bot.delivery import Delivery
from bot.deps import Deps
from bot.runner import Job, Runner
from bot.services import checkins
from bot.services.cadence import WorkingHours, add_working_days, back_from_pause, when_to_nudge
from bot.services.checkins import ANSWER_WITHIN_WORKING_DAYS, MISS, REMIND, SEND, STORY_OFFER, Step
from bot.views.checkins import checkin_dm, checkin_missed, checkin_reminder, help_story_offer

from .outcomes import through_slack

log = logging.getLogger(__name__)


def register(runner: Runner, deps: Deps, delivery: Delivery) -> None:
    steps = CheckinSteps(deps, delivery)
    for kind, run in ((SEND, steps.send), (REMIND, steps.remind), (MISS, steps.miss)):
        runner.register(kind, through_slack(run, deps.clock), steps.failed)
    runner.register(STORY_OFFER, through_slack(steps.offer_story, deps.clock))


class CheckinSteps:
    def __init__(self, deps: Deps, delivery: Delivery) -> None:
        self.deps = deps
        self.delivery = delivery

    def send(self, job: Job) -> str | None:
        ready = self._ready(job)
        if isinstance(ready, str):
            return ready
        step, hours = ready
        posted = self.delivery.post_once(
            step.checkin.recipient_id,
            job.send_key,
            checkin_dm(step.checkin, step.deal),
            since=job.earlier_attempts_since,
        )
        remind_at = add_working_days(self.deps.clock.now(), ANSWER_WITHIN_WORKING_DAYS, hours)
        checkins.mark_sent(
            self.deps.store, self.deps.clock, step.checkin.id, posted.channel, posted.ts, remind_at
        )
        return None

    def remind(self, job: Job) -> str | None:
        ready = self._ready(job)
        if isinstance(ready, str):
            return ready
        step, hours = ready
        checkin = step.checkin
        if checkin.dm_channel and checkin.message_ts:
            self.delivery.post_once(
                checkin.dm_channel,
                job.send_key,
                checkin_reminder(step.deal),
                since=job.earlier_attempts_since,
                thread_ts=checkin.message_ts,
                broadcast=True,
            )
        miss_at = add_working_days(self.deps.clock.now(), ANSWER_WITHIN_WORKING_DAYS, hours)
        checkins.mark_reminded(self.deps.store, self.deps.clock, checkin.id, miss_at)
        return None

    def miss(self, job: Job) -> str | None:
        step = checkins.mark_missed(self.deps.store, self.deps.clock, _checkin_id(job))
        if step is None:
            return "already answered"
        checkin = step.checkin
        if checkin.dm_channel and checkin.message_ts:
            try:
                self.delivery.client.chat_update(
                    channel=checkin.dm_channel,
                    ts=checkin.message_ts,
                    **checkin_missed(checkin, step.deal),
                )
            except SlackClientError as error:
                log.warning("could not show check-in %s as missed: %s", checkin.id, error)
        return None

    def offer_story(self, job: Job) -> str | None:
        """A week after someone stepped in, the owner is asked whether it's a story."""
        step = checkins.helped(self.deps.store, _checkin_id(job))
        if step is None:
            return "nobody stepped in"
        owner = step.checkin.logged_by or step.checkin.recipient_id
        self.delivery.post_once(
            owner,
            job.send_key,
            help_story_offer(step.checkin, step.deal),
            since=job.earlier_attempts_since,
        )
        return None

    def failed(self, job: Job, why: str) -> None:
        checkins.could_not_deliver(self.deps.store, self.deps.clock, _checkin_id(job), job.kind)

    def _ready(self, job: Job) -> tuple[Step, WorkingHours] | str:
        """The check-in and its recipient's working hours, when the step can be taken
        now. Otherwise why not: it moved on, or it waits (moved to when the recipient
        can hear from us)."""
        step = checkins.step_to_take(self.deps.store, _checkin_id(job), job.kind)
        if step is None:
            return "overtaken: the check-in moved on"
        checkin = step.checkin
        person = self.deps.directory.person(self.delivery.client, checkin.recipient_id)
        if person is None or not person.reachable:
            checkins.close_unreachable(self.deps.store, self.deps.clock, checkin.id, job.kind)
            return "recipient is not reachable"
        hours = step.policy(self.deps.settings).hours_for(person.tz)
        now = self.deps.clock.now()
        at = when_to_nudge(now, hours, person.profile)
        member = step.member
        if member is not None and member.paused_on(hours.local_date(now)):
            at = max(at, back_from_pause(member.paused_until, now, hours))
        if at > now:
            checkins.postpone(self.deps.store, self.deps.clock, checkin.id, job.kind, at)
            return f"postponed to {at.isoformat()}"
        return step, hours


def _checkin_id(job: Job) -> int:
    if job.subject_id is None:
        raise ValueError(f"{job.kind} {job.id} names no check-in")
    return job.subject_id
