"""The story modal, the weekly prompt DM, and the "someone noticed" DM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.languages import N_, _
from bot.services.stories import QUALITIES, SERVED_MAX, TEXT_MAX, TEXT_MIN, DraftProblem
from bot.store.models import Story, Visibility

from .blocks import actions, button, context, message, modal, option, plain, section
from .errors import CONTROL_CHARACTERS
from .mrkdwn import escape, mention, number, quote, url
from .refs import StoryOrigin, encode

STORY_MODAL = "story_modal"
OPEN_STORY = "story_open"
SHARE_FROM_MESSAGE = "story_from_message"
# Translators: who may read a story, as options in the story form; at most 75 characters.
VISIBILITY_LABELS = {
    Visibility.NAMED: N_("In the digest, with my name"),
    Visibility.ANONYMOUS: N_("In the digest, anonymously"),
    Visibility.LEADS: N_("Only for team leads"),
}
# Translators: the qualities a story can show, as options in the story form.
QUALITY_LABELS = {
    "listening": N_("Listening"),
    "empathy": N_("Empathy"),
    "awareness": N_("Awareness"),
    "foresight": N_("Foresight"),
    "stewardship": N_("Stewardship"),
    "growth": N_("Growth"),
    "community": N_("Community"),
}
THANKS = N_("Thank you for noticing. Stories like this show the team what good service looks like.")
PICK_VISIBILITY = N_("Pick who can read it.")
SPARKLES = ":sparkles:"


def draft_problem_text(problem: DraftProblem, length: int = 0) -> str:
    """What a person is told about a field of their story that can't be kept."""
    if problem is DraftProblem.NO_HELPERS:
        return _("Pick at least one person who helped.")
    if problem is DraftProblem.TOO_SHORT:
        return _("Tell a little more: at least {limit} characters.").format(limit=number(TEXT_MIN))
    if problem is DraftProblem.TOO_LONG:
        # Translators: {limit} is the most a story may have; {length} is how long it is now.
        return _("Keep it under {limit} characters (it is {length}).").format(
            limit=number(TEXT_MAX), length=number(length)
        )
    if problem is DraftProblem.SERVED_TOO_LONG:
        return _("Keep this under {limit} characters.").format(limit=number(SERVED_MAX))
    if problem is DraftProblem.UNKNOWN_QUALITY:
        return _("Pick one of the listed qualities, or none.")
    return _(CONTROL_CHARACTERS)


def story_modal(
    source: str,
    helpers: Sequence[str] = (),
    what_happened: str = "",
    source_link: str | None = None,
    served: str = "",
) -> dict[str, Any]:
    """The form for one story; `source` (prompt, command, shortcut) and the message
    link travel in private_metadata."""
    visibility = [option(_(label), value.value) for value, label in VISIBILITY_LABELS.items()]
    qualities = [option(_(QUALITY_LABELS.get(q, q.capitalize())), q) for q in QUALITIES]
    helpers_element: dict[str, Any] = {"type": "multi_users_select", "action_id": "value"}
    if helpers:
        helpers_element["initial_users"] = list(helpers)
    story_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "min_length": TEXT_MIN,
        "max_length": TEXT_MAX,
        "placeholder": plain(_("What did they do, and what difference did it make?")),
    }
    if what_happened:
        story_element["initial_value"] = what_happened[:TEXT_MAX]
    served_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": SERVED_MAX,
    }
    if served:
        served_element["initial_value"] = served[:SERVED_MAX]
    blocks: list[dict[str, Any]] = [
        section(_("Help given without being asked is worth telling. What did you see?")),
        {
            "type": "input",
            "block_id": "helpers",
            "label": plain(_("Who helped?")),
            "element": helpers_element,
        },
        {
            "type": "input",
            "block_id": "served",
            "optional": True,
            "label": plain(_("Who did they help?")),
            "hint": plain(_("A customer, a teammate, a neighbour…")),
            "element": served_element,
        },
        {
            "type": "input",
            "block_id": "what_happened",
            "label": plain(_("What happened?")),
            "element": story_element,
        },
        {
            "type": "input",
            "block_id": "quality",
            "optional": True,
            "label": plain(_("What did it show?")),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "placeholder": plain(_("Listening, empathy, foresight…")),
                "options": qualities,
            },
        },
        {
            "type": "input",
            "block_id": "visibility",
            "label": plain(_("Who can read it?")),
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": visibility,
                "initial_option": visibility[0],
            },
        },
    ]
    if source_link:
        # Translators: {url} is the message a story is told from: keep <{url}|...> whole.
        shared_from = _("From <{url}|this message>").format(url=url(source_link))
        blocks.insert(1, context(shared_from))
    metadata = encode(StoryOrigin(source, source_link))
    # Translators: the story form's title and its submit button, each at most 24 characters.
    title, submit = _("Share a story"), _("Share")
    return modal(STORY_MODAL, metadata, title, submit, blocks)


def story_prompt() -> dict[str, Any]:
    text = _(
        ":seedling: Did you see someone help this week without being asked? A teammate, "
        "a customer, a neighbour: tell the story so the team can see it too."
    )
    return message(
        _("Did you see someone help this week without being asked?"),
        [
            section(text),
            actions(
                "story_prompt_actions",
                # Translators: a button, at most 75 characters.
                button(_("Share a story"), OPEN_STORY, "prompt", "primary"),
            ),
        ],
    )


def you_were_noticed(story: Story) -> dict[str, Any]:
    anonymous = story.visibility == Visibility.ANONYMOUS
    teller = mention(story.shared_by)
    served = escape(story.served) if story.served else ""
    if anonymous and served:
        # Translators: {served} is whom the help was for, as the story names them.
        said = _(":sparkles: Someone noticed what you did for *{served}* and shared it:")
    elif anonymous:
        said = _(":sparkles: Someone noticed what you did and shared it:")
    elif served:
        # Translators: {teller} is the person who told the story; {served} whom the help
        # was for.
        said = _(":sparkles: {teller} noticed what you did for *{served}* and shared it:")
    else:
        # Translators: {teller} is the person who told the story.
        said = _(":sparkles: {teller} noticed what you did and shared it:")
    text = said.format(teller=teller, served=served) + "\n" + quote(story.what_happened)
    fallback = _("Someone noticed your help.") if anonymous else _("A teammate noticed your help.")
    return message(fallback, [section(text)])


def story_saved() -> dict[str, Any]:
    return {
        "type": "modal",
        # Translators: a form's title, at most 24 characters.
        "title": plain(_("Story shared")),
        # Translators: the button that closes a form, at most 24 characters.
        "close": plain(_("Done")),
        "blocks": [section(f"{SPARKLES} {_(THANKS)}")],
    }
