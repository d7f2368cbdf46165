"""The weekly recognition post, split to fit Slack: 50 blocks a message, 3,000
characters a section. The first message goes to the channel, the rest to its thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.languages import _, ngettext
from bot.services.stories import week_start
from bot.services.weekly import Digest, NoChart
from bot.store.models import Story, Visibility

from .blocks import context, header, message, section
from .figures import chart_image, figures_table, no_chart_reason
from .mrkdwn import escape, fit, mention, number, quote, together, written_day

BLOCKS_PER_MESSAGE = 50


@dataclass(frozen=True)
class ChartShown:
    """The chart as uploaded: the file's id and the alt text stating its figures."""

    file_id: str
    alt_text: str


def digest_messages(
    digest: Digest, chart: ChartShown | NoChart | None = None
) -> list[dict[str, Any]]:
    """Every message of the post, in order: [channel message, thread replies…]. The
    chart and the figures' table go in the first; `chart` None (a preview) leaves the
    chart out without a word."""
    monday = week_start(digest.week)
    # Translators: the digest's header, 150 characters at most; {day} is a day and month,
    # such as "7 December".
    title = _("Help given unasked · week of {day}").format(day=written_day(monday, "d MMMM"))
    head: list[dict[str, Any]] = [header(title)]
    if digest.late:
        head.append(
            context(_(":hourglass: A little late this week: I was away at the usual time."))
        )
    head.append(section(_picture(digest)))
    head += _chart_and_table(digest, chart)
    if digest.stories:
        count = len(digest.stories)
        head.append(
            section(
                ngettext("*{count} story this week*", "*{count} stories this week*", count).format(
                    count=number(count)
                )
            )
        )
    else:
        head.append(
            section(
                _(
                    "No stories this week. Help often goes unseen; if you notice some next week, "
                    "tell the story."
                )
            )
        )
    story_blocks = [section(fit(_story_text(story))) for story in digest.stories]
    pages = [head + story_blocks[: BLOCKS_PER_MESSAGE - len(head)]]
    rest = story_blocks[BLOCKS_PER_MESSAGE - len(head) :]
    while rest:
        pages.append(rest[:BLOCKS_PER_MESSAGE])
        rest = rest[BLOCKS_PER_MESSAGE:]
    total = len(pages)
    # Translators: a notification's text; {count} is a number of stories.
    summary = _("This week's service stories: {count}").format(count=number(len(digest.stories)))
    # Translators: a notification's text; {summary} is "This week's service stories: 3",
    # {part} and {total} numbers.
    continued = _("{summary} (continued, {part} of {total})")
    return [
        message(
            summary
            if n == 0
            else continued.format(summary=summary, part=number(n + 1), total=number(total)),
            page,
        )
        for n, page in enumerate(pages)
    ]


def _chart_and_table(digest: Digest, chart: ChartShown | NoChart | None) -> list[dict[str, Any]]:
    if digest.history is None:
        return []
    blocks = []
    if isinstance(chart, ChartShown):
        blocks.append(chart_image(chart.file_id, chart.alt_text))
    elif isinstance(chart, NoChart):
        blocks.append(context(no_chart_reason(chart, digest.history)))
    blocks.append(figures_table(digest.history))
    return blocks


def _picture(digest: Digest) -> str:
    p = digest.picture
    lines = [
        # Translators: {deals}, {done} and {sent} are numbers; the count is of deals.
        ngettext(
            ":handshake: *{deals}* deal closed · "
            ":speech_balloon: *{done}* of *{sent}* check-ins answered",
            ":handshake: *{deals}* deals closed · "
            ":speech_balloon: *{done}* of *{sent}* check-ins answered",
            p.deals_closed,
        ).format(
            deals=number(p.deals_closed),
            done=number(p.checkins_done),
            sent=number(p.checkins_sent),
        )
    ]
    if p.needed_help:
        # Translators: {customer} is a customer's name, {person} who stayed with them.
        with_whom = _("{customer} ({person})")
        people = ", ".join(
            with_whom.format(customer=escape(customer), person=mention(who))
            if who
            else escape(customer)
            for customer, who in p.needed_help
        )
        # Translators: {customers} is a list of customers' names, each with a person.
        stayed = _(":raised_hands: Needed a hand, and someone stayed with them: {customers}")
        lines.append(stayed.format(customers=people))
    return fit("\n".join(lines))


def _story_text(story: Story) -> str:
    helpers = together(mention(h) for h in story.helpers)
    if story.served:
        # Translators: {helpers} are people, {served} whom they helped.
        line = _("{helpers} helped *{served}*").format(helpers=helpers, served=escape(story.served))
    else:
        # Translators: {helpers} are people.
        line = _("{helpers} helped").format(helpers=helpers)
    quality = f" · _{escape(story.quality)}_" if story.quality else ""
    by = (
        _("shared anonymously")
        if story.visibility == Visibility.ANONYMOUS
        else _("shared by {sharer}").format(sharer=mention(story.shared_by))
    )
    return f"{line}{quality}\n{quote(story.what_happened)}\n{by}"
