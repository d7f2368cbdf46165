"""`/serve my data` and `/serve forget me`: what Serve holds about a person, and the
one button that forgets it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.languages import N_, _, ngettext
from bot.services.privacy import Forgotten, Held
from bot.store.models import Visibility

from .blocks import actions, button, context, header, message, section
from .mrkdwn import fit, inline, mention, number, quote, slack_date, written_day

FORGET_ME = "privacy_forget_me"
SHOWN = 5  # of each kind, newest first; the rest are counted
STORY_QUOTE = 300


NONE = N_("none")


def my_data(held: Held) -> dict[str, Any]:
    # Translators: a header, 150 characters at most.
    blocks: list[dict[str, Any]] = [header(_("What Serve holds about you"))]
    deals = [f"*{inline(d.customer, 80)}* · {_day(d.closed_at)}" for d in held.deals]
    # Translators: {count} is a number, in each of the titles below.
    blocks.append(_part(_("Deals you own ({count})").format(count=number(len(held.deals))), deals))
    blocks.append(
        section(_("*Check-ins sent to you:* {count}").format(count=number(held.checkins_to_me)))
    )
    # Translators: {customer} is a customer's name, {outcome} how they felt, {note} a quote.
    noted = _("*{customer}* ({outcome}):\n{note}")
    notes = [
        noted.format(
            customer=inline(customer, 80),
            outcome=outcome or _("logged"),  # the outcome as stored, as before
            note=_quoted(note),
        )
        for customer, outcome, note in held.notes
    ]
    blocks.append(
        _part(
            _("Notes you wrote on check-ins ({count})").format(count=number(len(held.notes))),
            notes,
        )
    )
    shared = [_quoted(s.what_happened) for s in held.shared]
    blocks.append(
        _part(_("Stories you shared ({count})").format(count=number(len(held.shared))), shared)
    )
    about = [
        f"{_sharer(s.shared_by, s.visibility)}:\n{_quoted(s.what_happened)}" for s in held.about_me
    ]
    blocks.append(
        _part(_("Stories that name you ({count})").format(count=number(len(held.about_me))), about)
    )
    pause = _(NONE)
    if held.paused is not None:
        until = held.paused.paused_until
        pause = _("until you resume")
        if until:
            # Translators: {day} is a date, such as "24 December 2026".
            pause = _("until the end of {day}").format(day=written_day(until, "d MMMM y"))
    blocks.append(
        context(
            # Translators: {pause} is "none", "until the end of <date>" or "until you resume";
            # {messages} and {hand_offs} are numbers.
            _(
                "Pause: {pause} · messages from Serve this week: {messages} · "
                "hand-offs you were part of: {hand_offs}"
            ).format(
                pause=pause,
                messages=number(held.messages_this_week),
                hand_offs=number(held.hand_offs),
            )
        )
    )
    blocks.append(context(_("`/serve forget me` removes what is yours; deals stay, unnamed.")))
    return message(_("What Serve holds about you."), blocks)


def _day(moment: datetime) -> str:
    return slack_date(moment, "{date_short}")


def _quoted(text: str) -> str:
    return quote(fit(text, STORY_QUOTE, escaped=False))


def _part(title: str, lines: list[str]) -> dict[str, Any]:
    if not lines:
        # Translators: {title} is a part's title, such as "Deals you own (0)".
        return section(_("*{title}:* none").format(title=title))
    shown = lines[:SHOWN]
    more = ""
    if len(lines) > SHOWN:
        hidden = len(lines) - SHOWN
        more = "\n" + ngettext("…and {count} more", "…and {count} more", hidden).format(
            count=number(hidden)
        )
    return section(fit(f"*{title}:*\n" + "\n".join(shown) + more, escaped=True))


def _sharer(shared_by: str, visibility: str) -> str:
    if visibility == Visibility.ANONYMOUS.value:
        return _("Someone (anonymous)")
    return mention(shared_by)


def forget_me_confirm() -> dict[str, Any]:
    text = _(
        "This removes the stories you shared, the notes you wrote on check-ins, your pause "
        "and what Serve counted of its messages to you, and takes your name off stories "
        "about you. Deals and check-ins stay, shown as a former teammate's, and check-ins "
        "still to come to you are cancelled. It can't be undone."
    )
    return message(
        _("Forget you? This can't be undone."),
        [
            section(text),
            actions(
                "privacy_actions",
                button(
                    # Translators: a button, 75 characters at most.
                    _("Forget me"),
                    FORGET_ME,
                    "forget",
                    style="danger",
                    confirm=(
                        # Translators: a confirming dialog's title, 100 characters at most.
                        _("Forget you?"),
                        _("What is yours is deleted for good."),
                        # Translators: the dialog's buttons, 30 characters at most each.
                        _("Forget me"),
                        _("Keep it"),
                    ),
                ),
            ),
        ],
    )


def forgotten(done: Forgotten) -> dict[str, Any]:
    # Translators: every {placeholder} is a number.
    text = _(
        ":wave: Done. Removed {stories} stories you shared and {notes} notes; "
        "your name is off {named_in} stories, {deals} deals and "
        "{checkins} check-ins ({cancelled} still to come were cancelled)."
    ).format(
        stories=number(done.stories),
        notes=number(done.notes),
        named_in=number(done.named_in),
        deals=number(done.deals),
        checkins=number(done.checkins),
        cancelled=number(done.cancelled),
    )
    return message(_("Serve has forgotten you."), [section(text)])
