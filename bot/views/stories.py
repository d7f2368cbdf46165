"""The story modal, the weekly prompt DM, and the "someone noticed" DM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.services.stories import QUALITIES, SERVED_MAX, TEXT_MAX, TEXT_MIN, DraftProblem
from bot.store.models import Story, Visibility

from .blocks import actions, button, context, message, modal, option, plain, section
from .errors import CONTROL_CHARACTERS
from .mrkdwn import escape, link, mention, quote
from .refs import StoryOrigin, encode

STORY_MODAL = "story_modal"
OPEN_STORY = "story_open"
SHARE_FROM_MESSAGE = "story_from_message"
VISIBILITY_LABELS = {
    Visibility.NAMED: "In the digest, with my name",
    Visibility.ANONYMOUS: "In the digest, anonymously",
    Visibility.LEADS: "Only for team leads",
}
THANKS = "Thank you for noticing. Stories like this show the team what good service looks like."
PICK_VISIBILITY = "Pick who can read it."


def draft_problem_text(problem: DraftProblem, length: int = 0) -> str:
    """What a person is told about a field of their story that can't be kept."""
    return {
        DraftProblem.NO_HELPERS: "Pick at least one person who helped.",
        DraftProblem.TOO_SHORT: f"Tell a little more: at least {TEXT_MIN} characters.",
        DraftProblem.TOO_LONG: f"Keep it under {TEXT_MAX:,} characters (it is {length:,}).",
        DraftProblem.SERVED_TOO_LONG: f"Keep this under {SERVED_MAX} characters.",
        DraftProblem.UNKNOWN_QUALITY: "Pick one of the listed qualities, or none.",
        DraftProblem.CONTROL_CHARACTERS: CONTROL_CHARACTERS,
    }[problem]


def story_modal(
    source: str,
    helpers: Sequence[str] = (),
    what_happened: str = "",
    source_link: str | None = None,
    served: str = "",
) -> dict[str, Any]:
    """The form for one story; `source` (prompt, command, shortcut) and the message
    link travel in private_metadata."""
    visibility = [option(label, value.value) for value, label in VISIBILITY_LABELS.items()]
    qualities = [option(q.capitalize(), q) for q in QUALITIES]
    helpers_element: dict[str, Any] = {"type": "multi_users_select", "action_id": "value"}
    if helpers:
        helpers_element["initial_users"] = list(helpers)
    story_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "min_length": TEXT_MIN,
        "max_length": TEXT_MAX,
        "placeholder": plain("What did they do, and what difference did it make?"),
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
        section("Help given without being asked is worth telling. What did you see?"),
        {
            "type": "input",
            "block_id": "helpers",
            "label": plain("Who helped?"),
            "element": helpers_element,
        },
        {
            "type": "input",
            "block_id": "served",
            "optional": True,
            "label": plain("Who did they help?"),
            "hint": plain("A customer, a teammate, a neighbour…"),
            "element": served_element,
        },
        {
            "type": "input",
            "block_id": "what_happened",
            "label": plain("What happened?"),
            "element": story_element,
        },
        {
            "type": "input",
            "block_id": "quality",
            "optional": True,
            "label": plain("What did it show?"),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "placeholder": plain("Listening, empathy, foresight…"),
                "options": qualities,
            },
        },
        {
            "type": "input",
            "block_id": "visibility",
            "label": plain("Who can read it?"),
            "element": {
                "type": "radio_buttons",
                "action_id": "value",
                "options": visibility,
                "initial_option": visibility[0],
            },
        },
    ]
    if source_link:
        blocks.insert(1, context(f"From {link(source_link, 'this message')}"))
    metadata = encode(StoryOrigin(source, source_link))
    return modal(STORY_MODAL, metadata, "Share a story", "Share", blocks)


def story_prompt() -> dict[str, Any]:
    text = (
        ":seedling: Did you see someone help this week without being asked? A teammate, "
        "a customer, a neighbour: tell the story so the team can see it too."
    )
    return message(
        "Did you see someone help this week without being asked?",
        [
            section(text),
            actions(
                "story_prompt_actions", button("Share a story", OPEN_STORY, "prompt", "primary")
            ),
        ],
    )


def you_were_noticed(story: Story) -> dict[str, Any]:
    who = "Someone" if story.visibility == Visibility.ANONYMOUS else mention(story.shared_by)
    served = f" for *{escape(story.served)}*" if story.served else ""
    text = f":sparkles: {who} noticed what you did{served} and shared it:\n"
    text += quote(story.what_happened)
    return message(
        f"{'Someone' if who == 'Someone' else 'A teammate'} noticed your help.", [section(text)]
    )


def story_saved() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Story shared"),
        "close": plain("Done"),
        "blocks": [section(f":sparkles: {THANKS}")],
    }
