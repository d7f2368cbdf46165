"""What `/serve` answers: help, my check-ins, a customer's timeline, a hand-logged deal,
the digest preview, pauses, and every refusal with what to do instead."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from bot.languages import N_, _, ngettext
from bot.services.checkins import MyCheckins, Step
from bot.services.commands import COMMAND_MAX, CUSTOMER_MAX, Command, Refusal
from bot.services.timeline import Entry, Moment, Timeline
from bot.store.models import CheckIn, CheckInStatus, Deal, Outcome, Visibility

from .blocks import actions, button, context, message, modal, plain, section
from .checkins import HAND_OFF, OUTCOME_EMOJI, REACHED_OUT, SNOOZE, TIMELINE
from .deals import customer_input
from .mrkdwn import escape, inline, mention, money, number, quote, slack_date, together, written_day
from .refs import CheckInRef, DealRef, encode

NEW_DEAL_MODAL = "deal_new_modal"
LIST_LIMIT = 10
TIMELINE_LIMIT = 40
HELP = (
    # Translators: a line of `/serve help`. The words right after `/serve` are what people
    # type and stay in English; the words in <> and [] describe what to type.
    N_("`/serve help`: this list"),
    N_("`/serve story [what happened]`: share a story of help given unasked"),
    N_("`/serve checkins`: your check-ins: waiting for an answer, and coming up"),
    N_("`/serve deal <customer> [@owner] [amount]`: log a closed deal by hand (no words: a form)"),
    N_(
        "`/serve timeline <customer>`: a customer's relationship: deal, check-ins, hand-offs, "
        "stories"
    ),
    N_("`/serve digest preview`: this week's digest, for your eyes only"),
    N_(
        "`/serve pause [until YYYY-MM-DD]`: no prompts or check-ins for you until then, or "
        "until resumed"
    ),
    N_("`/serve resume`: prompts and check-ins again; paused check-ins come then"),
    N_("`/serve settings`: the workspace's settings (admins)"),
    N_("`/serve export`: a CSV of deals, check-ins and stories, sent to you (admins)"),
    N_("`/serve audit`: who changed settings, exported or deleted data, and when (admins)"),
    N_("`/serve my data`: everything Serve holds about you"),
    N_("`/serve forget me`: delete what is yours and take your name off the rest (asks first)"),
)
REFUSAL_TEXTS = {
    # Translators: the command in backquotes is typed as it is; keep its English words.
    Refusal.NO_CUSTOMER: N_("Say who the customer is: `/serve deal Acme Corp @owner $40k`."),
    # Translators: {limit} is a number of characters.
    Refusal.CUSTOMER_TOO_LONG: N_("Keep the customer's name under {limit} characters."),
    Refusal.NOT_A_DATE: N_(
        "Give the last day as a date like 2026-12-24: `/serve pause until 2026-12-24`."
    ),
    Refusal.DATE_PASSED: N_("That day has passed. Give today or a later day."),
    # Translators: {limit} is a number of characters.
    Refusal.TOO_LONG: N_(
        "That is more than `/serve` reads ({limit} characters), so I did nothing. "
        "Try `/serve help`."
    ),
}
REFUSAL_LIMITS = {Refusal.CUSTOMER_TOO_LONG: CUSTOMER_MAX, Refusal.TOO_LONG: COMMAND_MAX}


class _Refusals(Mapping[Refusal, str]):
    """Each refusal as a sentence in the voice speaking now, its limit written out."""

    def __getitem__(self, why: Refusal) -> str:
        return _(REFUSAL_TEXTS[why]).format(limit=number(REFUSAL_LIMITS.get(why, 0)))

    def __iter__(self) -> Iterator[Refusal]:
        return iter(REFUSAL_TEXTS)

    def __len__(self) -> int:
        return len(REFUSAL_TEXTS)


REFUSALS: Mapping[Refusal, str] = _Refusals()
OWNER_NOT_A_PERSON = N_("The owner should be a person in this workspace, not a bot.")
# Translators: {typed} is what the person typed as a customer's name.
NO_SUCH_CUSTOMER = N_("I know no customer called *{typed}*. Try the first letters of the name.")
# Translators: {typed} is what the person typed as a customer's name.
WHICH_CUSTOMER = N_("Several customers match *{typed}*. Which one?")
EXPORT_STARTED = N_("Preparing the export; it will arrive in our DM in a moment.")
EXPORT_SENT = N_("Here is Serve's data for this workspace: deals, check-ins and stories.")
EXPORT_FAILED = N_("I couldn't send the export just now. Please try again in a moment.")
PREVIEW_NOTE = N_(":eyes: A preview only you can see; the digest itself goes out on schedule.")
NO_RECOGNITION_CHANNEL = N_("No recognition channel is set, so there is no digest to preview.")
NOBODY = N_("nobody yet")
CHECKIN_STATES = {
    # Translators: {day} is a number of days after the deal closed.
    CheckInStatus.PLANNED: N_("day-{day} check-in planned"),
    CheckInStatus.SENT: N_("day-{day} check-in sent, waiting for an answer"),
    CheckInStatus.REMINDED: N_("day-{day} check-in reminded, waiting for an answer"),
    CheckInStatus.MISSED: N_("day-{day} check-in missed"),
    CheckInStatus.STOPPED: N_("day-{day} check-in stopped"),
    CheckInStatus.CANCELLED: N_("day-{day} check-in cancelled"),
}


def help_message(asked: Command) -> dict[str, Any]:
    lines = [escape(_(line)) for line in HELP]  # <customer> shown, not read as a link
    intro = _("Here is what `/serve` does:")
    if asked.unknown:
        unknown = inline(asked.unknown, 40)
        if asked.suggestion:
            # Translators: {typed} is what was typed after /serve; {meant} a subcommand.
            intro = _("I don't know `{typed}`. Did you mean `/serve {meant}`? {intro}").format(
                typed=unknown, meant=asked.suggestion, intro=intro
            )
        else:
            # Translators: {typed} is what was typed after /serve.
            intro = _("I don't know `{typed}`. {intro}").format(typed=unknown, intro=intro)
    text = intro + "\n" + "\n".join(lines)
    return message(text, [section(text)])


def refusal(why: Refusal) -> dict[str, Any]:
    return said(REFUSALS[why])


def said(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def paused(until: date | None) -> dict[str, Any]:
    if until is None:
        return said(_("Paused: no story prompts or check-ins until you `/serve resume`."))
    # Translators: {day} is a weekday and date, such as "Thursday 24 December 2026".
    text = _("Paused until the end of {day}. Check-ins due meanwhile wait for you.")
    return said(text.format(day=written_day(until, "EEEE d MMMM y")))


def resumed() -> dict[str, Any]:
    return said(_("Welcome back: prompts and check-ins are on again. Any that waited come next."))


def my_checkins(mine: MyCheckins) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if mine.waiting_total:
        blocks.append(
            section(_("*Waiting for you* ({count})").format(count=number(mine.waiting_total)))
        )
        blocks += [block for step in mine.waiting for block in checkin_row(step, answerable=True)]
        blocks += _more(mine.waiting_total, len(mine.waiting))
    if mine.upcoming_total:
        blocks.append(section(_("*Coming up* ({count})").format(count=number(mine.upcoming_total))))
        blocks += [block for step in mine.upcoming for block in checkin_row(step, answerable=False)]
        blocks += _more(mine.upcoming_total, len(mine.upcoming))
    if not blocks:
        return said(
            _("No check-ins for you right now. When a deal of yours closes, I'll plan some.")
        )
    # Translators: a notification's text; {waiting} and {coming} are numbers of check-ins.
    text = _("Your check-ins: {waiting} waiting, {coming} coming").format(
        waiting=number(mine.waiting_total), coming=number(mine.upcoming_total)
    )
    return message(text, blocks)


def checkin_row(step: Step, answerable: bool) -> list[dict[str, Any]]:
    checkin, deal = step.checkin, step.deal
    when = slack_date(checkin.sent_at or checkin.due_at or deal.closed_at, "{date_short_pretty}")
    # Translators: {customer} is a customer's name, {day} a number of days after the deal
    # closed, {when} a date.
    line = _("*{customer}* · day {day} · {when}").format(
        customer=inline(deal.customer, 200), day=number(checkin.offset_days), when=when
    )
    # Translators: a button (75 characters at most), as are the three below.
    elements = [button(_("Timeline"), TIMELINE, encode(DealRef(deal.id)))]
    if answerable:
        ref = encode(CheckInRef(checkin.id))
        elements = [
            button(_("I reached out"), REACHED_OUT, ref, style="primary"),
            button(_("Snooze"), SNOOZE, ref),
            button(_("Hand off"), HAND_OFF, ref),
            *elements,
        ]
    return [section(line), actions(f"checkin:{checkin.id}", *elements)]


def _more(total: int, shown: int) -> list[dict[str, Any]]:
    if total <= shown:
        return []
    more = total - shown
    # Translators: {count} check-ins are not shown; {shown} is how many are.
    text = ngettext(
        "…and {count} more. `/serve checkins` shows the first {shown}.",
        "…and {count} more. `/serve checkins` shows the first {shown}.",
        more,
    )
    return [context(text.format(count=number(more), shown=number(shown)))]


def customer_choices(typed: str, deals: Sequence[Deal]) -> dict[str, Any]:
    text = _(WHICH_CUSTOMER).format(typed=inline(typed, 200))
    buttons = [button(deal.customer, TIMELINE, encode(DealRef(deal.id))) for deal in deals]
    blocks = [section(text)] + [
        actions(f"timeline_choices:{n}", *buttons[n : n + 5]) for n in range(0, len(buttons), 5)
    ]
    return message(text, blocks)


def no_such_customer(typed: str) -> dict[str, Any]:
    return said(_(NO_SUCH_CUSTOMER).format(typed=inline(typed, 200)))


def timeline_message(tl: Timeline) -> dict[str, Any]:
    deal = tl.deal
    customer = inline(deal.customer, 200)
    owner = mention(deal.owner_id) if deal.owner_id else _(NOBODY)
    # Translators: {customer} is a customer's name, {owner} a person (or "nobody yet").
    looked_after = _(":busts_in_silhouette: *{customer}* · looked after by {owner}")
    head = [section(looked_after.format(customer=customer, owner=owner))]
    shown = tl.entries[:TIMELINE_LIMIT]
    rows = [context(_entry_text(entry, deal)) for entry in shown]
    if len(tl.entries) > len(shown):
        earlier = len(tl.entries) - len(shown)
        rows.append(
            context(
                ngettext(
                    "…and {count} earlier moments.", "…and {count} earlier moments.", earlier
                ).format(count=number(earlier))
            )
        )
    # Translators: a notification's text; {customer} is a customer's name.
    return message(_("Timeline of {customer}").format(customer=customer), head + rows)


def _entry_text(entry: Entry, deal: Deal) -> str:
    when = slack_date(entry.at, "{date_short_pretty}")
    if entry.moment == Moment.CLOSED:
        if deal.amount is not None:
            # Translators: a line of a customer's timeline: {when} is a date, {amount} money.
            return _(":handshake: {when} · deal closed · {amount}").format(
                when=when, amount=money(deal.amount, deal.currency)
            )
        # Translators: a line of a customer's timeline: {when} is a date.
        return _(":handshake: {when} · deal closed").format(when=when)
    if entry.moment == Moment.HAND_OFF and entry.hand_off:
        before, after = entry.hand_off.from_user, mention(entry.hand_off.to_user)
        if before:
            # Translators: {before} and {after} are people; {when} is a date.
            return _(":arrows_counterclockwise: {when} · {before} handed over to {after}").format(
                when=when, before=mention(before), after=after
            )
        # Translators: {after} is a person; {when} is a date.
        return _(":arrows_counterclockwise: {when} · looked after by {after}").format(
            when=when, after=after
        )
    if entry.moment == Moment.STORY and entry.story:
        story = entry.story
        helpers = together(mention(h) for h in story.helpers)
        if story.visibility == Visibility.LEADS:
            # Translators: {helpers} are people; {when} is a date. Only leads see this story.
            line = _(":seedling: {when} · {helpers} helped (leads only)")
        else:
            # Translators: {helpers} are people; {when} is a date.
            line = _(":seedling: {when} · {helpers} helped")
        return line.format(when=when, helpers=helpers) + f"\n{quote(story.what_happened)}"
    return f"{_checkin_badge(entry.checkin)} {when} · {_checkin_text(entry.checkin)}"


def _checkin_badge(checkin: CheckIn | None) -> str:
    if checkin is not None and checkin.outcome:
        return OUTCOME_EMOJI[Outcome(checkin.outcome)]
    return ":calendar:"


# How the customer felt, as said inside a sentence of the timeline.
FEELINGS = {
    # Translators: how a customer feels, inside a sentence ("day-3 check-in: satisfied").
    Outcome.SATISFIED: N_("satisfied"),
    # Translators: how a customer feels, inside a sentence ("day-3 check-in: neutral").
    Outcome.NEUTRAL: N_("neutral"),
    # Translators: how a customer feels, inside a sentence ("day-3 check-in: needs help").
    Outcome.NEEDS_HELP: N_("needs help"),
}


def _checkin_text(checkin: CheckIn | None) -> str:
    if checkin is None:
        return _("check-in")
    day = number(checkin.offset_days)
    if checkin.outcome:
        feeling = _(FEELINGS[Outcome(checkin.outcome)])
        note = f"\n{quote(checkin.note)}" if checkin.note else ""
        # Translators: {day} is a number of days after the deal closed, {feeling} how the
        # customer feels (as said inside a sentence: "satisfied"), {who} a person.
        logged = _("day-{day} check-in: {feeling}, logged by {who}").format(
            day=day, feeling=feeling, who=mention(checkin.logged_by or "")
        )
        return logged + note
    state = CHECKIN_STATES.get(CheckInStatus(checkin.status))
    if state is None:
        return _("day-{day} check-in").format(day=day) + f" {checkin.status}"
    return _(state).format(day=day)


def deal_logged(deal: Deal, planned: Sequence[CheckIn]) -> dict[str, Any]:
    dates = ", ".join(
        slack_date(c.due_at, "{date_short_pretty}") for c in planned if c.due_at is not None
    )
    owner = mention(deal.owner_id) if deal.owner_id else _(NOBODY)
    customer = inline(deal.customer, 200)
    # Translators: {customer} is a customer's name, {owner} a person (or "nobody yet").
    text = _(":handshake: Logged a closed deal with *{customer}*, looked after by {owner}.").format(
        customer=customer, owner=owner
    )
    if dates:
        # Translators: {dates} is a list of dates, separated by commas.
        plan = _(":calendar: Check-ins: {dates}").format(dates=dates)
    else:
        plan = _(":calendar: No check-ins planned.")
    return message(text, [section(text), context(plan)])


def new_deal_modal() -> dict[str, Any]:
    return modal(
        NEW_DEAL_MODAL,
        "",
        # Translators: a modal's title, 24 characters at most.
        _("Log a closed deal"),
        # Translators: a modal's submit button, 24 characters at most.
        _("Log it"),
        [
            customer_input(),
            {
                "type": "input",
                "block_id": "owner",
                "label": plain(_("Who looks after them")),
                "element": {"type": "users_select", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "amount",
                "optional": True,
                "label": plain(_("Amount")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    # Translators: examples of amounts, as people here would type them.
                    "placeholder": plain(_("$40k, €12,000…"), 150),
                    "max_length": 40,
                },
            },
        ],
    )


def digest_preview(first_message: dict[str, Any]) -> dict[str, Any]:
    blocks = [context(_(PREVIEW_NOTE)), *first_message["blocks"]][:50]
    return message(first_message["text"], blocks)
