"""Once-a-week work as due work: planning each person's story prompt, sending it, and
posting the workspace's digest."""

from __future__ import annotations

from bot.delivery import Deliveries
from bot.deps import Deps
from bot.runner import GiveUp, Job, Runner
from bot.services import checkins, weekly
from bot.services.cadence import away_until, zone_or_default
from bot.views.digest import digest_messages
from bot.views.stories import story_prompt

from .outcomes import through_slack


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    work = WeeklyWork(runner, deps, deliveries)
    for kind, run in (
        (weekly.PROMPT_PLAN, work.plan_prompts),
        (weekly.PROMPT, work.send_prompt),
        (weekly.DIGEST, work.post_digest),
    ):
        runner.register(kind, through_slack(run, deps.clock))


class WeeklyWork:
    def __init__(self, runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
        self.runner = runner
        self.deps = deps
        self.deliveries = deliveries

    def plan_prompts(self, job: Job) -> str | None:
        delivery = self.deliveries.to(job.team_id)
        setup = weekly.setup_of(self.deps.store, job.team_id, self.deps.settings)
        client = delivery.client
        channel = self.deps.directory.channel_id(client, setup.team_channel)
        if channel is None:
            raise GiveUp(f"no channel {setup.team_channel!r}: is the bot invited to it?")
        people = []
        for user_id in self.deps.directory.members(client, channel):
            person = self.deps.directory.person(client, user_id)
            if person is not None and person.reachable:
                zone = zone_or_default(person.tz, self.deps.settings.default_timezone)
                people.append((user_id, zone))
        planned = weekly.plan_prompts(
            self.deps.store, self.deps.clock, job.team_id, _period(job), people, self.deps.settings
        )
        return f"{planned} prompts planned"

    def send_prompt(self, job: Job) -> str | None:
        delivery = self.deliveries.to(job.team_id)
        recipient = job.recipient or ""
        person = self.deps.directory.person(delivery.client, recipient)
        if person is None or not person.reachable:
            return "skipped: not reachable"
        store, clock, settings = self.deps.store, self.deps.clock, self.deps.settings
        now = clock.now()
        zone = zone_or_default(person.tz, settings.default_timezone)
        today = now.astimezone(zone).date()
        away = away_until(person.profile, now) is not None
        whom = (job.team_id, recipient)
        reason = weekly.skip_prompt_reason(store, settings, whom, _period(job), away, today)
        budget = settings.max_messages_per_week
        send = (job.kind, job.send_key)
        if not reason and not checkins.reserve_message(store, clock, whom, send, zone, budget):
            reason = "already had this week's messages"
        if reason:
            return f"skipped: {reason}"
        delivery.post_once(
            recipient,
            job.send_key,
            story_prompt(),
            since=job.earlier_attempts_since,
        )
        return None

    def post_digest(self, job: Job) -> str | None:
        """The first message in the channel, the rest in its thread, each once; a retry
        carries on from the first part not yet posted."""
        delivery = self.deliveries.to(job.team_id)
        settings = self.deps.settings
        setup = weekly.setup_of(self.deps.store, job.team_id, settings)
        channel = job.progress.get("channel") or self.deps.directory.channel_id(
            delivery.client, setup.recognition_channel
        )
        if channel is None:
            raise GiveUp(f"no channel {setup.recognition_channel!r}: is the bot invited to it?")
        week = _period(job)
        scheduled = setup.digest_due(week)
        digest = weekly.compose_digest(
            self.deps.store, job.team_id, week, setup.zone, self.deps.clock.now(), scheduled
        )
        root = job.progress.get("ts")
        done = int(job.progress.get("parts", 0))
        for part, message in enumerate(digest_messages(digest)):
            if part < done:
                continue
            posted = delivery.post_once(
                channel,
                f"{job.send_key}:{part}",
                message,
                since=job.earlier_attempts_since,
                thread_ts=root if part else None,
            )
            root = root or posted.ts
            self.runner.save_progress(job, {"channel": channel, "ts": root, "parts": part + 1})
        return None


def _period(job: Job) -> str:
    if not job.period:
        raise GiveUp(f"{job.kind} {job.id} has no week")
    return job.period
