"""What `/serve` answers: help, my check-ins, a customer's timeline, a hand-logged deal,
the digest preview, pauses, and every refusal with what to do instead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.languages import _
from bot.services.checkins import MyCheckins, Step
from bot.services.commands import COMMAND_MAX, CUSTOMER_MAX, Command, Refusal
from bot.services.timeline import Entry, Moment, Timeline
from bot.store.models import CheckIn, CheckInStatus, Deal, Outcome, Visibility

from .blocks import actions, button, context, message, modal, plain, section
from .checkins import HAND_OFF, OUTCOME_EMOJI, OUTCOME_LABELS, REACHED_OUT, SNOOZE, TIMELINE
from .deals import customer_input
from .mrkdwn import inline, mention, money, quote, slack_date
from .refs import CheckInRef, DealRef, encode

NEW_DEAL_MODAL = "deal_new_modal"
LIST_LIMIT = 10
TIMELINE_LIMIT = 40
HELP = (
    ("help", "this list"),
    ("story [what happened]", "share a story of help given unasked"),
    ("checkins", "your check-ins: waiting for an answer, and coming up"),
    ("deal <customer> [@owner] [amount]", "log a closed deal by hand (no words: a form)"),
    ("timeline <customer>", "a customer's relationship: deal, check-ins, hand-offs, stories"),
    ("digest preview", "this week's digest, for your eyes only"),
    ("pause [until YYYY-MM-DD]", "no prompts or check-ins for you until then, or until resumed"),
    ("resume", "prompts and check-ins again; paused check-ins come then"),
    ("settings", "the workspace's settings (admins)"),
    ("export", "a CSV of deals, check-ins and stories, sent to you (admins)"),
    ("my data", "everything Serve holds about you"),
    ("forget me", "delete what is yours and take your name off the rest (asks first)"),
)
REFUSALS = {
    Refusal.NO_CUSTOMER: "Say who the customer is: `/serve deal Acme Corp @owner $40k`.",
    Refusal.CUSTOMER_TOO_LONG: f"Keep the customer's name under {CUSTOMER_MAX} characters.",
    Refusal.NOT_A_DATE: (
        "Give the last day as a date like 2026-12-24: `/serve pause until 2026-12-24`."
    ),
    Refusal.DATE_PASSED: "That day has passed. Give today or a later day.",
    Refusal.TOO_LONG: (
        f"That is more than `/serve` reads ({COMMAND_MAX:,} characters), so I did nothing. "
        "Try `/serve help`."
    ),
}
OWNER_NOT_A_PERSON = "The owner should be a person in this workspace, not a bot."
NO_SUCH_CUSTOMER = "I know no customer called *{typed}*. Try the first letters of the name."
WHICH_CUSTOMER = "Several customers match *{typed}*. Which one?"
EXPORT_STARTED = "Preparing the export; it will arrive in our DM in a moment."
EXPORT_SENT = "Here is Serve's data for this workspace: deals, check-ins and stories."
EXPORT_FAILED = "I couldn't send the export just now. Please try again in a moment."
PREVIEW_NOTE = ":eyes: A preview only you can see; the digest itself goes out on schedule."
NO_RECOGNITION_CHANNEL = "No recognition channel is set, so there is no digest to preview."


def help_message(asked: Command) -> dict[str, Any]:
    lines = [f"`/serve {usage}`: {what}" for usage, what in HELP]
    intro = "Here is what `/serve` does:"
    if asked.unknown:
        guess = f" Did you mean `/serve {asked.suggestion}`?" if asked.suggestion else ""
        intro = f"I don't know `{inline(asked.unknown, 40)}`.{guess} {intro}"
    text = intro + "\n" + "\n".join(lines)
    return message(text, [section(text)])


def refusal(why: Refusal) -> dict[str, Any]:
    return said(REFUSALS[why])


def said(text: str) -> dict[str, Any]:
    return message(text, [section(text)])


def paused(until: date | None) -> dict[str, Any]:
    if until is None:
        return said("Paused: no story prompts or check-ins until you `/serve resume`.")
    return said(
        f"Paused until the end of {until:%A %-d %B %Y}. Check-ins due meanwhile wait for you."
    )


def resumed() -> dict[str, Any]:
    return said("Welcome back: prompts and check-ins are on again. Any that waited come next.")


def my_checkins(mine: MyCheckins) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    if mine.waiting_total:
        blocks.append(section(f"*Waiting for you* ({mine.waiting_total})"))
        blocks += [block for step in mine.waiting for block in checkin_row(step, answerable=True)]
        blocks += _more(mine.waiting_total, len(mine.waiting))
    if mine.upcoming_total:
        blocks.append(section(f"*Coming up* ({mine.upcoming_total})"))
        blocks += [block for step in mine.upcoming for block in checkin_row(step, answerable=False)]
        blocks += _more(mine.upcoming_total, len(mine.upcoming))
    if not blocks:
        return said("No check-ins for you right now. When a deal of yours closes, I'll plan some.")
    return message(
        f"Your check-ins: {mine.waiting_total} waiting, {mine.upcoming_total} coming", blocks
    )


def checkin_row(step: Step, answerable: bool) -> list[dict[str, Any]]:
    checkin, deal = step.checkin, step.deal
    when = slack_date(checkin.sent_at or checkin.due_at or deal.closed_at, "{date_short_pretty}")
    line = f"*{inline(deal.customer, 200)}* · day {checkin.offset_days} · {when}"
    elements = [button("Timeline", TIMELINE, encode(DealRef(deal.id)))]
    if answerable:
        ref = encode(CheckInRef(checkin.id))
        elements = [
            button("I reached out", REACHED_OUT, ref, style="primary"),
            button("Snooze", SNOOZE, ref),
            button("Hand off", HAND_OFF, ref),
            *elements,
        ]
    return [section(line), actions(f"checkin:{checkin.id}", *elements)]


def _more(total: int, shown: int) -> list[dict[str, Any]]:
    if total <= shown:
        return []
    return [context(f"…and {total - shown} more. `/serve checkins` shows the first {shown}.")]


def customer_choices(typed: str, deals: Sequence[Deal]) -> dict[str, Any]:
    text = WHICH_CUSTOMER.format(typed=inline(typed, 200))
    buttons = [button(deal.customer, TIMELINE, encode(DealRef(deal.id))) for deal in deals]
    blocks = [section(text)] + [
        actions(f"timeline_choices:{n}", *buttons[n : n + 5]) for n in range(0, len(buttons), 5)
    ]
    return message(text, blocks)


def no_such_customer(typed: str) -> dict[str, Any]:
    return said(NO_SUCH_CUSTOMER.format(typed=inline(typed, 200)))


def timeline_message(tl: Timeline) -> dict[str, Any]:
    deal = tl.deal
    customer = inline(deal.customer, 200)
    owner = mention(deal.owner_id) if deal.owner_id else "nobody yet"
    head = [section(f":busts_in_silhouette: *{customer}* · looked after by {owner}")]
    shown = tl.entries[:TIMELINE_LIMIT]
    rows = [context(_entry_text(entry, deal)) for entry in shown]
    if len(tl.entries) > len(shown):
        rows.append(context(f"…and {len(tl.entries) - len(shown)} earlier moments."))
    return message(f"Timeline of {customer}", head + rows)


def _entry_text(entry: Entry, deal: Deal) -> str:
    when = slack_date(entry.at, "{date_short_pretty}")
    if entry.moment == Moment.CLOSED:
        amount = f" · {money(deal.amount, deal.currency)}" if deal.amount is not None else ""
        return f":handshake: {when} · deal closed{amount}"
    if entry.moment == Moment.HAND_OFF and entry.hand_off:
        before = entry.hand_off.from_user
        who = f"{mention(before)} handed over to" if before else "looked after by"
        return f":arrows_counterclockwise: {when} · {who} {mention(entry.hand_off.to_user)}"
    if entry.moment == Moment.STORY and entry.story:
        story = entry.story
        helpers = " and ".join(mention(h) for h in story.helpers)
        lead = " (leads only)" if story.visibility == Visibility.LEADS else ""
        return f":seedling: {when} · {helpers} helped{lead}\n{quote(story.what_happened)}"
    return f"{_checkin_badge(entry.checkin)} {when} · {_checkin_text(entry.checkin)}"


def _checkin_badge(checkin: CheckIn | None) -> str:
    if checkin is not None and checkin.outcome:
        return OUTCOME_EMOJI[Outcome(checkin.outcome)]
    return ":calendar:"


def _checkin_text(checkin: CheckIn | None) -> str:
    if checkin is None:
        return "check-in"
    day = f"day-{checkin.offset_days} check-in"
    if checkin.outcome:
        feeling = _(OUTCOME_LABELS[Outcome(checkin.outcome)]).lower()
        note = f"\n{quote(checkin.note)}" if checkin.note else ""
        return f"{day}: {feeling}, logged by {mention(checkin.logged_by or '')}{note}"
    states = {
        CheckInStatus.PLANNED: "planned",
        CheckInStatus.SENT: "sent, waiting for an answer",
        CheckInStatus.REMINDED: "reminded, waiting for an answer",
        CheckInStatus.MISSED: "missed",
        CheckInStatus.STOPPED: "stopped",
        CheckInStatus.CANCELLED: "cancelled",
    }
    return f"{day} {states.get(CheckInStatus(checkin.status), checkin.status)}"


def deal_logged(deal: Deal, planned: Sequence[CheckIn]) -> dict[str, Any]:
    dates = ", ".join(
        slack_date(c.due_at, "{date_short_pretty}") for c in planned if c.due_at is not None
    )
    owner = mention(deal.owner_id) if deal.owner_id else "nobody yet"
    customer = inline(deal.customer, 200)
    text = f":handshake: Logged a closed deal with *{customer}*, looked after by {owner}."
    plan = f":calendar: Check-ins: {dates}" if dates else ":calendar: No check-ins planned."
    return message(text, [section(text), context(plan)])


def new_deal_modal() -> dict[str, Any]:
    return modal(
        NEW_DEAL_MODAL,
        "",
        "Log a closed deal",
        "Log it",
        [
            customer_input(),
            {
                "type": "input",
                "block_id": "owner",
                "label": plain("Who looks after them"),
                "element": {"type": "users_select", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "amount",
                "optional": True,
                "label": plain("Amount"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "placeholder": plain("$40k, €12,000…", 150),
                    "max_length": 40,
                },
            },
        ],
    )


def digest_preview(first_message: dict[str, Any]) -> dict[str, Any]:
    blocks = [context(PREVIEW_NOTE), *first_message["blocks"]][:50]
    return message(first_message["text"], blocks)
