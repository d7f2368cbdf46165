"""`/serve my data` and `/serve forget me`: what Serve holds about a person, and the
one button that forgets it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.privacy import Forgotten, Held
from bot.store.models import Visibility

from .blocks import actions, button, context, header, message, section
from .mrkdwn import fit, inline, mention, quote, slack_date

FORGET_ME = "privacy_forget_me"
SHOWN = 5  # of each kind, newest first; the rest are counted
STORY_QUOTE = 300


def my_data(held: Held) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header("What Serve holds about you")]
    deals = [f"*{inline(d.customer, 80)}* · {_day(d.closed_at)}" for d in held.deals]
    blocks.append(_part(f"Deals you own ({len(held.deals)})", deals))
    blocks.append(section(f"*Check-ins sent to you:* {held.checkins_to_me}"))
    notes = [
        f"*{inline(customer, 80)}* ({outcome or 'logged'}):\n{_quoted(note)}"
        for customer, outcome, note in held.notes
    ]
    blocks.append(_part(f"Notes you wrote on check-ins ({len(held.notes)})", notes))
    shared = [_quoted(s.what_happened) for s in held.shared]
    blocks.append(_part(f"Stories you shared ({len(held.shared)})", shared))
    about = [
        f"{_sharer(s.shared_by, s.visibility)}:\n{_quoted(s.what_happened)}" for s in held.about_me
    ]
    blocks.append(_part(f"Stories that name you ({len(held.about_me)})", about))
    pause = "none"
    if held.paused is not None:
        until = held.paused.paused_until
        pause = f"until the end of {until:%-d %B %Y}" if until else "until you resume"
    blocks.append(
        context(
            f"Pause: {pause} · messages from Serve this week: {held.messages_this_week} · "
            f"hand-offs you were part of: {held.hand_offs}"
        )
    )
    blocks.append(context("`/serve forget me` removes what is yours; deals stay, unnamed."))
    return message("What Serve holds about you.", blocks)


def _day(moment: datetime) -> str:
    return slack_date(moment, "{date_short}")


def _quoted(text: str) -> str:
    return quote(fit(text, STORY_QUOTE, escaped=False))


def _part(title: str, lines: list[str]) -> dict[str, Any]:
    if not lines:
        return section(f"*{title}:* none")
    shown = lines[:SHOWN]
    more = f"\n…and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return section(fit(f"*{title}:*\n" + "\n".join(shown) + more, escaped=True))


def _sharer(shared_by: str, visibility: str) -> str:
    if visibility == Visibility.ANONYMOUS.value:
        return "Someone (anonymous)"
    return mention(shared_by)


def forget_me_confirm() -> dict[str, Any]:
    text = (
        "This removes the stories you shared, the notes you wrote on check-ins, your pause "
        "and what Serve counted of its messages to you, and takes your name off stories "
        "about you. Deals and check-ins stay, shown as a former teammate's, and check-ins "
        "still to come to you are cancelled. It can't be undone."
    )
    return message(
        "Forget you? This can't be undone.",
        [
            section(text),
            actions(
                "privacy_actions",
                button(
                    "Forget me",
                    FORGET_ME,
                    "forget",
                    style="danger",
                    confirm=(
                        "Forget you?",
                        "What is yours is deleted for good.",
                        "Forget me",
                        "Keep it",
                    ),
                ),
            ),
        ],
    )


def forgotten(done: Forgotten) -> dict[str, Any]:
    text = (
        f":wave: Done. Removed {done.stories} stories you shared and {done.notes} notes; "
        f"your name is off {done.named_in} stories, {done.deals} deals and "
        f"{done.checkins} check-ins ({done.cancelled} still to come were cancelled)."
    )
    return message("Serve has forgotten you.", [section(text)])
