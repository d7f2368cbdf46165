"""Service stories: the story form and every way in to it (the weekly prompt's button,
"Share as a service story" on any message, the offer to tell a help given to a
customer, `/serve story`), and `/serve digest preview`."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.languages import _
from bot.services import checkins, stories, weekly
from bot.services.cadence import zone_or_default
from bot.services.commands import Command
from bot.services.stories import helpers_named_in, readable, week_of
from bot.store.models import Visibility
from bot.views import checkins as checkin_views
from bot.views import commands as command_views
from bot.views import stories as views
from bot.views.digest import digest_messages
from bot.views.refs import CheckInRef, StoryOrigin

from .home import publish_home
from .incoming import Incoming


def register(app: App) -> None:
    app.action(views.OPEN_STORY)(open_story)
    app.shortcut(views.SHARE_FROM_MESSAGE)(share_from_message)
    app.action(checkin_views.SHARE_HELP_STORY)(share_help)
    app.view(views.STORY_MODAL)(story_shared)


def open_story(ack: Ack, incoming: Incoming) -> None:
    ack()
    incoming.open(views.story_modal("prompt"))


def share_from_message(ack: Ack, incoming: Incoming) -> None:
    ack()
    message = incoming.body.get("message") or {}
    text = message.get("text") or ""
    helpers = helpers_named_in(text, message.get("user"), incoming.user)
    link = _permalink(incoming, str(message.get("ts") or ""))
    incoming.open(
        views.story_modal(
            "shortcut", helpers=helpers, what_happened=readable(text), source_link=link
        )
    )


def share_help(ack: Ack, incoming: Incoming) -> None:
    """A week after someone stepped in to help a customer: tell it as a story."""
    ack()
    ref = incoming.ref(CheckInRef)
    step = checkins.helped(incoming.store, ref.checkin_id) if ref else None
    if step is None or step.checkin.helper_id is None:
        incoming.tell(_(checkin_views.ALREADY_HANDLED))
        return
    helpers = [step.checkin.helper_id]
    incoming.open(views.story_modal("help", helpers=helpers, served=step.deal.customer))


def serve_story(incoming: Incoming, command: Command) -> None:
    incoming.ack()
    incoming.open(views.story_modal("command", what_happened=readable(command.rest)))


def story_shared(ack: Ack, incoming: Incoming) -> None:
    draft = _draft(incoming)
    if draft is None:
        ack(response_action="errors", errors={"visibility": _(views.PICK_VISIBILITY)})
        return
    problems = stories.draft_problems(draft)
    if problems:
        length = len(draft.what_happened.strip())
        errors = {f: views.draft_problem_text(p, length) for f, p in problems.items()}
        ack(response_action="errors", errors=errors)
        return
    chosen = incoming.workspace
    stories.share_story(
        incoming.store,
        incoming.clock,
        incoming.team,
        incoming.user,
        draft,
        zone_or_default(chosen.default_timezone),
        chosen.notify_recognised,
    )
    ack(response_action="update", view=views.story_saved())
    publish_home(incoming, incoming.user)


def _draft(incoming: Incoming) -> stories.StoryDraft | None:
    visibility = incoming.chosen("visibility")
    if visibility not in set(Visibility):
        return None
    origin = incoming.modal_ref(StoryOrigin)
    quality = (incoming.field("quality").get("selected_option") or {}).get("value")
    return stories.StoryDraft(
        helpers=tuple(incoming.field("helpers").get("selected_users") or ()),
        what_happened=incoming.text_field("what_happened"),
        served=incoming.field("served").get("value"),
        quality=quality,
        visibility=Visibility(visibility),
        source_link=origin.link if origin else None,
    )


def _permalink(incoming: Incoming, ts: str) -> str | None:
    if not (incoming.channel and ts):
        return None
    try:
        answer = incoming.client.chat_getPermalink(channel=incoming.channel, message_ts=ts)
    except SlackApiError:
        return None
    return answer.get("permalink")


def serve_digest(incoming: Incoming, command: Command) -> None:
    """`/serve digest preview`: this week's digest so far, for the person asking only."""
    incoming.ack()
    chosen = incoming.workspace
    if not chosen.recognition_channel:
        incoming.later(command_views.said(_(command_views.NO_RECOGNITION_CHANNEL)))
        return
    now, zone = incoming.clock.now(), weekly.zone_of(chosen)
    week = week_of(now, zone)
    scheduled = weekly.digest_due(chosen, week)
    digest = weekly.compose_digest(incoming.store, incoming.team, week, zone, now, scheduled)
    incoming.later(command_views.digest_preview(digest_messages(digest)[0]))
