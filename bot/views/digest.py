"""The weekly recognition post, split to fit Slack: 50 blocks a message, 3,000
characters a section. The first message goes to the channel, the rest to its thread."""

from __future__ import annotations

from typing import Any

from bot.services.stories import week_start
from bot.services.weekly import Digest
from bot.store.models import Story, Visibility

from .blocks import context, header, message, section
from .mrkdwn import escape, fit, mention, quote

BLOCKS_PER_MESSAGE = 50


def digest_messages(digest: Digest) -> list[dict[str, Any]]:
    """Every message of the post, in order: [channel message, thread replies…]."""
    monday = week_start(digest.week)
    head: list[dict[str, Any]] = [header(f"Help given unasked · week of {monday:%-d %B}")]
    if digest.late:
        head.append(context(":hourglass: A little late this week: I was away at the usual time."))
    head.append(section(_picture(digest)))
    if digest.stories:
        head.append(
            section(f"*{len(digest.stories)} {_plural(len(digest.stories), 'story')} this week*")
        )
    else:
        head.append(
            section(
                "No stories this week. Help often goes unseen; if you notice some next week, "
                "tell the story."
            )
        )
    story_blocks = [section(fit(_story_text(story))) for story in digest.stories]
    pages = [head + story_blocks[: BLOCKS_PER_MESSAGE - len(head)]]
    rest = story_blocks[BLOCKS_PER_MESSAGE - len(head) :]
    while rest:
        pages.append(rest[:BLOCKS_PER_MESSAGE])
        rest = rest[BLOCKS_PER_MESSAGE:]
    total = len(pages)
    summary = f"This week's service stories: {len(digest.stories)}"
    return [
        message(summary if n == 0 else f"{summary} (continued, {n + 1} of {total})", page)
        for n, page in enumerate(pages)
    ]


def _picture(digest: Digest) -> str:
    p = digest.picture
    lines = [
        f":handshake: *{p.deals_closed}* {_plural(p.deals_closed, 'deal')} closed · "
        f":speech_balloon: *{p.checkins_done}* of *{p.checkins_sent}* check-ins answered"
    ]
    if p.needed_help:
        people = ", ".join(
            f"{escape(customer)} ({mention(who)})" if who else escape(customer)
            for customer, who in p.needed_help
        )
        lines.append(f":raised_hands: Needed a hand, and someone stayed with them: {people}")
    return fit("\n".join(lines))


def _story_text(story: Story) -> str:
    helpers = " and ".join(mention(h) for h in story.helpers)
    served = f" helped *{escape(story.served)}*" if story.served else " helped"
    quality = f" · _{escape(story.quality)}_" if story.quality else ""
    by = (
        "shared anonymously"
        if story.visibility == Visibility.ANONYMOUS
        else f"shared by {mention(story.shared_by)}"
    )
    return f"{helpers}{served}{quality}\n{quote(story.what_happened)}\n{by}"


def _plural(count: int, word: str) -> str:
    if count == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"
