"""Once-a-week work as due work: planning each person's story prompt, sending it, and
posting the workspace's digest."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.delivery import Posted
from bot.directory import Person
from bot.languages import N_, _, speaking
from bot.runner import GiveUp
from bot.services import weekly
from bot.services.cadence import away_until, zone_or_default
from bot.views.chart import chart as draw_chart
from bot.views.digest import ChartShown, digest_messages
from bot.views.stories import story_prompt

from .work import Wiring, Work

# Translators: why a weekly post was not sent, shown to admins on the Home tab; {channel}
# is a channel's name, quoted.
NO_CHANNEL = N_("no channel {channel}: is the bot invited to it?")
log = logging.getLogger(__name__)


def register(wiring: Wiring) -> None:
    wiring.register(weekly.PROMPT_PLAN, plan_prompts)
    wiring.register(weekly.PROMPT, send_prompt, taking=take_prompt)
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


@dataclass(frozen=True)
class PromptTaken:
    """Why the prompt should not go, else None: the person's week's message is taken."""

    reason: str | None


def take_prompt(work: Work, session: Session) -> PromptTaken | None:
    """What `send_prompt` takes before it posts, taken in the claim's unit of work;
    None when the directory does not know the person yet (the send asks Slack itself)."""
    job = work.job
    person = work.directory.known(job.recipient or "")
    if person is None:
        return None
    reason = _unreachable(work, person)
    if reason is None:
        zone = zone_or_default(person.tz, work.settings.default_timezone)
        whom, send = (job.team_id, job.recipient or ""), (job.kind, job.send_key, _week(work))
        reason = weekly.taking_prompt(session, work.clock, work.settings, whom, send, zone)
        reason = reason and f"skipped: {reason}"
    return PromptTaken(reason)


def _unreachable(work: Work, person: Person | None) -> str | None:
    if person is None or not person.reachable:
        return "skipped: not reachable"
    if away_until(person.profile, work.clock.now()) is not None:
        return "skipped: away"
    return None


def send_prompt(work: Work) -> str | None:
    job = work.job
    recipient = job.recipient or ""
    if isinstance(job.prepared, PromptTaken):
        reason = job.prepared.reason
    else:
        person = work.person(recipient)
        reason = _unreachable(work, person)
        if reason is None and person is not None:
            zone = zone_or_default(person.tz, work.settings.default_timezone)
            whom, send = (job.team_id, recipient), (job.kind, job.send_key, _week(work))
            said = weekly.take_prompt(work.store, work.clock, work.settings, whom, send, zone)
            reason = said and f"skipped: {said}"
    if reason:
        return reason
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
        chart = job.progress.get("chart")
        if chart is None and not done:
            chart = _upload_chart(work, digest)
            work.save_progress({"channel": channel, "chart": chart})
        messages = digest_messages(digest, _shown(chart) if chart else None)
    for part, message in enumerate(messages):
        if part < done:
            continue
        if part == 0 and chart is not None and "file" in chart:
            posted = _post_showing_the_chart(work, channel, digest, message)
        else:
            posted = work.post_once(channel, message, str(part), thread_ts=root if part else None)
        root = root or posted.ts
        work.save_progress({"channel": channel, "ts": root, "parts": part + 1})
    return None


def _post_showing_the_chart(
    work: Work, channel: str, digest: weekly.Digest, message: dict[str, Any]
) -> Posted:
    """The digest's first message with its chart; where Slack refuses the image (a file
    it has not finished taking in, say) the digest goes out at once without it, saying
    why: nothing landed, so posting again cannot post twice."""
    try:
        return work.post_once(channel, message, "0")
    except SlackApiError as error:
        if error.response is None or error.response.get("error") != "invalid_blocks":
            raise
        log.warning("digest %s: Slack refused the chart's image; posting without it", work.job.id)
    without = {"none": weekly.NoChart.UPLOAD_FAILED.value}
    work.save_progress({"channel": channel, "chart": without})
    with speaking(work.speaking_in(channel)):
        first = digest_messages(digest, _shown(without))[0]
    return work.post_once(channel, first, "0")


def _upload_chart(work: Work, digest: weekly.Digest) -> dict[str, Any]:
    """Render the 12 weeks and upload the image, kept private to the bot until the digest
    shows it: {"file", "alt"} on success, {"none": why} when there is no chart. Called once
    a digest: the result goes into the job's progress, which a retry (on this replica or
    another) reads instead of uploading again."""
    history = digest.history
    if history is None or not history.chartable:
        return {"none": weekly.NoChart.TOO_LITTLE_DATA.value}
    drawn = draw_chart(history)
    try:
        uploaded = work.delivery.client.files_upload_v2(
            content=drawn.png, filename=drawn.filename, title=drawn.filename, alt_txt=drawn.alt_text
        )
    except SlackApiError as error:
        said = error.response.get("error") if error.response is not None else None
        log.warning("digest %s: no chart, the upload failed: %s", work.job.id, said)
        missing = said in {"missing_scope", "not_allowed_token_type"}
        why = weekly.NoChart.NO_SCOPE if missing else weekly.NoChart.UPLOAD_FAILED
        return {"none": why.value}
    file = uploaded.get("file") or {}
    return {"file": str(file["id"]), "alt": drawn.alt_text}


def _shown(chart: dict[str, Any]) -> ChartShown | weekly.NoChart:
    if "file" in chart:
        return ChartShown(str(chart["file"]), str(chart["alt"]))
    return weekly.NoChart(str(chart["none"]))


def _week(work: Work) -> str:
    job = work.job
    if not job.period:
        raise GiveUp(f"{job.kind} {job.id} has no week")
    return job.period
