"""The App Home tab: a person's check-ins, customers and stories; admins' week."""

from __future__ import annotations

from typing import Any

from bot.languages import N_, _, ngettext
from bot.services.catch_up import CATCH_UP, FIND_CHANNELS
from bot.services.checkins import MISS, REMIND, SEND, STORY_OFFER
from bot.services.deals import REPLY
from bot.services.home import Home, NotSent
from bot.services.stories import NOTICED
from bot.services.weekly import DIGEST, PROMPT, NoChart
from bot.store.models import CheckInStatus, Story, Visibility

from .blocks import actions, button, context, header, section
from .checkins import TIMELINE
from .commands import checkin_row
from .figures import chart_image, figures_text, no_chart_reason
from .mrkdwn import inline, mention, number, quote, together
from .refs import DealRef, encode
from .stories import OPEN_STORY

HOME_PAGE = "home_page"
OPEN_SETTINGS = "home_settings"
STORY_QUOTE = 200
WHAT_WAS_NOT_SENT = {
    SEND: N_("A check-in DM"),
    REMIND: N_("A check-in reminder"),
    MISS: N_("A check-in marked missed"),
    STORY_OFFER: N_("An offer to share a story"),
    PROMPT: N_("A weekly story prompt"),
    DIGEST: N_("The weekly digest"),
    NOTICED: N_("A note that someone noticed"),
    REPLY: N_("A deal's thread reply"),
    CATCH_UP: N_("Catching up on a deal channel's history"),
    FIND_CHANNELS: N_("Finding the deal channels to catch up on"),
}
SOME_WORK = N_("Some work")


def home_view(home: Home) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        header("Serve"),  # not said: the app's name
        actions(
            "home_actions",
            # Translators: a button, 75 characters at most, as is the next.
            button(_("Share a story"), OPEN_STORY, "home", "primary"),
            *([button(_("Settings"), OPEN_SETTINGS, "home")] if home.week is not None else []),
        ),
    ]
    blocks += _checkins(home)
    blocks += _customers(home)
    blocks += _stories(_("Stories you shared"), home.my_stories, show_sharer=False)
    blocks += _stories(_("Stories about you"), home.stories_about_me, show_sharer=True)
    if home.week is not None:
        week = home.week
        needed = ", ".join(inline(customer, 80) for customer, _who in week.needed_help) or _("none")
        blocks += [
            # Translators: a header, 150 characters at most.
            header(_("This week (admins)")),
            section(
                # Translators: {deals}, {done} and {sent} are numbers; {needed} a list of
                # customers' names, or "none".
                _(
                    ":handshake: *{deals}* deals closed · :speech_balloon: "
                    "*{done}* of *{sent}* check-ins answered\n"
                    ":raised_hands: Needed a hand: {needed}"
                ).format(
                    deals=number(week.deals_closed),
                    done=number(week.checkins_done),
                    sent=number(week.checkins_sent),
                    needed=needed,
                )
            ),
            *_twelve_weeks(home),
            *_not_sent(home.not_sent),
        ]
    return {"type": "home", "blocks": blocks[:100]}


def _twelve_weeks(home: Home) -> list[dict[str, Any]]:
    """The latest digest's chart and the figures as aligned text: Slack shows table
    blocks in messages only."""
    if home.history is None:
        return []
    # Translators: a header, 150 characters at most.
    blocks = [header(_("The last 12 weeks (admins)"))]
    if home.chart is not None:
        blocks.append(chart_image(*home.chart))
    elif not home.history.chartable:
        blocks.append(context(no_chart_reason(NoChart.TOO_LITTLE_DATA, home.history)))
    blocks.append(section(figures_text(home.history)))
    return blocks


def _not_sent(failed: list[NotSent]) -> list[dict[str, Any]]:
    if not failed:
        return []
    # Translators: {what} is what was not sent ("A check-in DM"), {when} a date, {why} the
    # reason Serve gave up.
    line = _("{what}, {when}: {why}")
    lines = [
        line.format(
            what=_(WHAT_WAS_NOT_SENT.get(f.kind, SOME_WORK)),
            when=f"<!date^{int(f.at.timestamp())}^{{date_short_pretty}}|{f.at:%Y-%m-%d}>",
            why=inline(f.why, 200),
        )
        for f in failed
    ]
    return [context(_("What I couldn't send lately, and why:")), section("\n".join(lines))]


def _checkins(home: Home) -> list[dict[str, Any]]:
    blocks = [
        # Translators: a header, 150 characters at most.
        header(_("Your check-ins")),
        context(
            # Translators: {waiting} and {coming} are numbers of check-ins.
            _("{waiting} waiting for you · {coming} coming up").format(
                waiting=number(home.waiting_total), coming=number(home.upcoming_total)
            )
        ),
    ]
    if not home.checkins:
        return [
            *blocks,
            section(_("Nothing to do. When a deal of yours closes, I'll plan check-ins.")),
        ]
    for step in home.checkins:
        blocks += checkin_row(step, answerable=step.checkin.status != CheckInStatus.PLANNED)
    if home.pages > 1:
        paging = []
        if home.page > 0:
            # Translators: a button turning to the previous page, 75 characters at most.
            paging.append(button(_("Previous"), HOME_PAGE, str(home.page - 1)))
        if home.page < home.pages - 1:
            # Translators: a button turning to the next page, 75 characters at most.
            paging.append(button(_("See more"), HOME_PAGE, str(home.page + 1)))
        blocks += [
            context(
                _("Page {page} of {pages}").format(
                    page=number(home.page + 1), pages=number(home.pages)
                )
            ),
            actions("home_paging", *paging),
        ]
    return blocks


def _customers(home: Home) -> list[dict[str, Any]]:
    if not home.customers:
        return []
    # Translators: a header, 150 characters at most.
    blocks = [header(_("Customers you look after"))]
    buttons = [button(deal.customer, TIMELINE, encode(DealRef(deal.id))) for deal in home.customers]
    blocks += [
        actions(f"home_customers:{n}", *buttons[n : n + 5]) for n in range(0, len(buttons), 5)
    ]
    if home.customers_total > len(home.customers):
        more = home.customers_total - len(home.customers)
        # Translators: {count} customers are not shown; `&lt;name&gt;` shows as <name>.
        text = ngettext(
            "…and {count} more: `/serve timeline &lt;name&gt;` finds any of them.",
            "…and {count} more: `/serve timeline &lt;name&gt;` finds any of them.",
            more,
        )
        blocks.append(context(text.format(count=number(more))))
    return blocks


def _stories(title: str, stories: list[Story], show_sharer: bool) -> list[dict[str, Any]]:
    if not stories:
        return []
    blocks = [header(title)]
    for story in stories:
        helpers = together(mention(h) for h in story.helpers)
        if story.served:
            # Translators: {helpers} are people, {served} whom they helped.
            line = _("{helpers} helped *{served}*").format(
                helpers=helpers, served=inline(story.served, 100)
            )
        else:
            # Translators: {helpers} are people.
            line = _("{helpers} helped").format(helpers=helpers)
        by = ""
        if show_sharer:
            anonymous = story.visibility == Visibility.ANONYMOUS
            # Translators: {sharer} is a person.
            shared_by = _("shared by {sharer}").format(sharer=mention(story.shared_by))
            by = "\n" + (_("shared anonymously") if anonymous else shared_by)
        text = story.what_happened
        excerpt = text if len(text) <= STORY_QUOTE else text[: STORY_QUOTE - 1] + "…"
        blocks.append(section(f"{line}\n{quote(excerpt)}{by}"))
    return blocks
