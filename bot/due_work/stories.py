"""Telling a helper that someone noticed, as due work: at a time they can hear from us,
and only while their week's attention budget has room."""

from __future__ import annotations

from bot.delivery import Deliveries
from bot.deps import Deps
from bot.runner import Job, Later, Runner
from bot.services import checkins, stories
from bot.services.cadence import when_to_nudge
from bot.views.stories import you_were_noticed

from .outcomes import through_slack


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    runner.register(stories.NOTICED, through_slack(Noticed(deps, deliveries).tell, deps.clock))


class Noticed:
    def __init__(self, deps: Deps, deliveries: Deliveries) -> None:
        self.deps = deps
        self.deliveries = deliveries

    def tell(self, job: Job) -> str | None:
        delivery = self.deliveries.to(job.team_id)
        story = stories.noticed(self.deps.store, job.subject_id or 0)
        helper = job.recipient or ""
        if story is None:
            return "the story is gone"
        person = self.deps.directory.person(delivery.client, helper)
        if person is None or not person.reachable:
            return "skipped: not reachable"
        store, clock, settings = self.deps.store, self.deps.clock, self.deps.settings
        hours = checkins.policy_for(store, job.team_id, settings).hours_for(person.tz)
        now = clock.now()
        at = when_to_nudge(now, hours, person.profile)
        if at > now:
            raise Later(at, "the helper can't hear from us now")
        budget = settings.max_messages_per_week
        send = (job.kind, job.send_key)
        if not checkins.reserve_message(
            store, clock, (job.team_id, helper), send, hours.zone, budget
        ):
            return "skipped: already had this week's messages (the digest still names them)"
        delivery.post_once(
            helper, job.send_key, you_were_noticed(story), since=job.earlier_attempts_since
        )
        return None
