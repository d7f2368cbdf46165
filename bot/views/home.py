"""The App Home tab: a person's check-ins, customers and stories; admins' week."""

from __future__ import annotations

from typing import Any

from bot.services.catch_up import CATCH_UP, FIND_CHANNELS
from bot.services.checkins import MISS, REMIND, SEND, STORY_OFFER
from bot.services.deals import REPLY
from bot.services.home import Home, NotSent
from bot.services.stories import NOTICED
from bot.services.weekly import DIGEST, PROMPT
from bot.store.models import CheckInStatus, Story, Visibility

from .blocks import actions, button, context, header, section
from .checkins import TIMELINE
from .commands import checkin_row
from .mrkdwn import inline, mention, quote
from .refs import DealRef, encode
from .stories import OPEN_STORY

HOME_PAGE = "home_page"
OPEN_SETTINGS = "home_settings"
STORY_QUOTE = 200
WHAT_WAS_NOT_SENT = {
    SEND: "A check-in DM",
    REMIND: "A check-in reminder",
    MISS: "A check-in marked missed",
    STORY_OFFER: "An offer to share a story",
    PROMPT: "A weekly story prompt",
    DIGEST: "The weekly digest",
    NOTICED: "A note that someone noticed",
    REPLY: "A deal's thread reply",
    CATCH_UP: "Catching up on a deal channel's history",
    FIND_CHANNELS: "Finding the deal channels to catch up on",
}


def home_view(home: Home) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        header("Serve"),
        actions(
            "home_actions",
            button("Share a story", OPEN_STORY, "home", "primary"),
            *([button("Settings", OPEN_SETTINGS, "home")] if home.week is not None else []),
        ),
    ]
    blocks += _checkins(home)
    blocks += _customers(home)
    blocks += _stories("Stories you shared", home.my_stories, show_sharer=False)
    blocks += _stories("Stories about you", home.stories_about_me, show_sharer=True)
    if home.week is not None:
        week = home.week
        needed = ", ".join(inline(customer, 80) for customer, _ in week.needed_help) or "none"
        blocks += [
            header("This week (admins)"),
            section(
                f":handshake: *{week.deals_closed}* deals closed · :speech_balloon: "
                f"*{week.checkins_done}* of *{week.checkins_sent}* check-ins answered\n"
                f":raised_hands: Needed a hand: {needed}"
            ),
            *_not_sent(home.not_sent),
        ]
    return {"type": "home", "blocks": blocks[:100]}


def _not_sent(failed: list[NotSent]) -> list[dict[str, Any]]:
    if not failed:
        return []
    lines = [
        f"{WHAT_WAS_NOT_SENT.get(f.kind, 'Some work')}, <!date^{int(f.at.timestamp())}"
        f"^{{date_short_pretty}}|{f.at:%Y-%m-%d}>: {inline(f.why, 200)}"
        for f in failed
    ]
    return [context("What I couldn't send lately, and why:"), section("\n".join(lines))]


def _checkins(home: Home) -> list[dict[str, Any]]:
    blocks = [
        header("Your check-ins"),
        context(f"{home.waiting_total} waiting for you · {home.upcoming_total} coming up"),
    ]
    if not home.checkins:
        return [
            *blocks,
            section("Nothing to do. When a deal of yours closes, I'll plan check-ins."),
        ]
    for step in home.checkins:
        blocks += checkin_row(step, answerable=step.checkin.status != CheckInStatus.PLANNED)
    if home.pages > 1:
        paging = []
        if home.page > 0:
            paging.append(button("Previous", HOME_PAGE, str(home.page - 1)))
        if home.page < home.pages - 1:
            paging.append(button("See more", HOME_PAGE, str(home.page + 1)))
        blocks += [
            context(f"Page {home.page + 1} of {home.pages}"),
            actions("home_paging", *paging),
        ]
    return blocks


def _customers(home: Home) -> list[dict[str, Any]]:
    if not home.customers:
        return []
    blocks = [header("Customers you look after")]
    buttons = [button(deal.customer, TIMELINE, encode(DealRef(deal.id))) for deal in home.customers]
    blocks += [
        actions(f"home_customers:{n}", *buttons[n : n + 5]) for n in range(0, len(buttons), 5)
    ]
    if home.customers_total > len(home.customers):
        more = home.customers_total - len(home.customers)
        blocks.append(context(f"…and {more} more: `/serve timeline <name>` finds any of them."))
    return blocks


def _stories(title: str, stories: list[Story], show_sharer: bool) -> list[dict[str, Any]]:
    if not stories:
        return []
    blocks = [header(title)]
    for story in stories:
        helpers = " and ".join(mention(h) for h in story.helpers)
        served = f" helped *{inline(story.served, 100)}*" if story.served else " helped"
        by = ""
        if show_sharer:
            anonymous = story.visibility == Visibility.ANONYMOUS
            by = "\nshared anonymously" if anonymous else f"\nshared by {mention(story.shared_by)}"
        text = story.what_happened
        excerpt = text if len(text) <= STORY_QUOTE else text[: STORY_QUOTE - 1] + "…"
        blocks.append(section(f"{helpers}{served}\n{quote(excerpt)}{by}"))
    return blocks
