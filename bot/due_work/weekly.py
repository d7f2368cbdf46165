"""Once-a-week work as due work: planning each person's story prompt, sending it, and
posting the workspace's digest."""

from __future__ import annotations

from bot.languages import N_, _, speaking
from bot.runner import GiveUp
from bot.services import weekly
from bot.services.cadence import away_until, zone_or_default
from bot.views.digest import digest_messages
from bot.views.stories import story_prompt

from .work import Wiring, Work

# Translators: why a weekly post was not sent, shown to admins on the Home tab; {channel}
# is a channel's name, quoted.
NO_CHANNEL = N_("no channel {channel}: is the bot invited to it?")


def register(wiring: Wiring) -> None:
    wiring.register(weekly.PROMPT_PLAN, plan_prompts)
    wiring.register(weekly.PROMPT, send_prompt)
    wiring.register(weekly.DIGEST, post_digest)


def plan_prompts(work: Work) -> str | None:
    client, directory = work.delivery.client, work.directory
    team_channel = work.workspace.team_channel
    channel = directory.channel_id(client, team_channel)
    if channel is None:
        raise GiveUp(_(NO_CHANNEL).format(channel=repr(team_channel)))
    people = []
    for user_id in directory.members(client, channel):
        person = work.person(user_id)
        if person is not None:
            people.append((user_id, zone_or_default(person.tz, work.settings.default_timezone)))
    planned = weekly.plan_prompts(
        work.store, work.clock, work.job.team_id, _week(work), people, work.settings
    )
    return f"{planned} prompts planned"


def send_prompt(work: Work) -> str | None:
    job = work.job
    recipient = job.recipient or ""
    person = work.person(recipient)
    if person is None:
        return "skipped: not reachable"
    now = work.clock.now()
    zone = zone_or_default(person.tz, work.settings.default_timezone)
    away = away_until(person.profile, now) is not None
    whom = (job.team_id, recipient)
    today = now.astimezone(zone).date()
    reason = weekly.skip_prompt_reason(work.store, work.settings, whom, _week(work), away, today)
    if not reason and not work.reserve(recipient, zone):
        reason = "already had this week's messages"
    if reason:
        return f"skipped: {reason}"
    with speaking(work.speaking_to(recipient)):
        prompt = story_prompt()
    work.post_once(recipient, prompt)
    return None


def post_digest(work: Work) -> str | None:
    """The first message in the channel, the rest in its thread, each once; a retry
    carries on from the first part not yet posted."""
    job, delivery = work.job, work.delivery
    chosen = work.workspace
    channel = job.progress.get("channel") or work.directory.channel_id(
        delivery.client, chosen.recognition_channel
    )
    if channel is None:
        raise GiveUp(_(NO_CHANNEL).format(channel=repr(chosen.recognition_channel)))
    week = _week(work)
    zone, scheduled = weekly.zone_of(chosen), weekly.digest_due(chosen, week)
    digest = weekly.compose_digest(work.store, job.team_id, week, zone, work.clock.now(), scheduled)
    root = job.progress.get("ts")
    done = int(job.progress.get("parts", 0))
    with speaking(work.speaking_in(channel)):
        messages = digest_messages(digest)
    for part, message in enumerate(messages):
        if part < done:
            continue
        posted = work.post_once(channel, message, str(part), thread_ts=root if part else None)
        root = root or posted.ts
        work.save_progress({"channel": channel, "ts": root, "parts": part + 1})
    return None


def _week(work: Work) -> str:
    job = work.job
    if not job.period:
        raise GiveUp(f"{job.kind} {job.id} has no week")
    return job.period
