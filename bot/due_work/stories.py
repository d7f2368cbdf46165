"""Telling a helper that someone noticed, as due work: at a time they can hear from us,
and only while their week's attention budget has room."""

from __future__ import annotations

from bot.languages import speaking
from bot.runner import Later
from bot.services import checkins, stories
from bot.services.cadence import when_to_nudge
from bot.views.stories import you_were_noticed

from .work import Wiring, Work


def register(wiring: Wiring) -> None:
    wiring.register(stories.NOTICED, tell_helper)


def tell_helper(work: Work) -> str | None:
    job = work.job
    _ = work.delivery  # nothing for a workspace the app has left: it waits
    story = stories.noticed(work.store, job.subject_id or 0)
    helper = job.recipient or ""
    if story is None:
        return "the story is gone"
    person = work.person(helper)
    if person is None:
        return "skipped: not reachable"
    hours = checkins.hours_for(work.workspace, person.tz)
    now = work.clock.now()
    at = when_to_nudge(now, hours, person.profile)
    if at > now:
        raise Later(at, "the helper can't hear from us now")
    if not work.reserve(helper, hours.zone):
        return "skipped: already had this week's messages (the digest still names them)"
    with speaking(work.speaking_to(helper)):
        told = you_were_noticed(story)
    work.post_once(helper, told)
    return None
