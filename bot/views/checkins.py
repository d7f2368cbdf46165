"""Check-in DMs, their follow-ups and modals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.services.checkins import NOTE_LIMIT, HandOffProblem
from bot.store.models import CheckIn, CheckInStatus, Deal, Outcome

from .blocks import actions, button, context, divider, message, modal, option, plain, section
from .mrkdwn import escape, inline, link, mention, quote, slack_date
from .refs import CheckInRef, DealRef, encode

REACHED_OUT = "checkin_reached_out"
SNOOZE = "checkin_snooze"
HAND_OFF = "checkin_hand_off"
STOP = "checkin_stop"
TIMELINE = "timeline_show"
ASK_TEAM = "help_ask_team"
OFFER_HELP = "help_offer"
SHARE_HELP_STORY = "help_share_story"
NO_TEAM_CHANNEL = (
    "There's no team channel to ask yet. An admin can pick one with `/serve settings`."
)
CANT_ASK = "The team has already been asked about this check-in, so I didn't ask again."
REACHED_OUT_MODAL = "checkin_reached_out_modal"
SNOOZE_MODAL = "checkin_snooze_modal"
HAND_OFF_MODAL = "checkin_hand_off_modal"
SNOOZE_CHOICES = {"1": "Tomorrow", "7": "In a week"}
OUTCOME_LABELS = {
    Outcome.SATISFIED: "Satisfied",
    Outcome.NEUTRAL: "Neutral",
    Outcome.NEEDS_HELP: "Needs help",
}
OUTCOME_EMOJI = {
    Outcome.SATISFIED: ":large_green_circle:",
    Outcome.NEUTRAL: ":white_circle:",
    Outcome.NEEDS_HELP: ":red_circle:",
}
ALREADY_HANDLED = "This check-in has already been taken care of, so nothing changed."
NOT_YOURS = "This check-in belongs to someone else, so nothing changed."
PICK_A_FEELING = "Pick how the customer feels."
NOTE_TOO_LONG = f"Keep the note under {NOTE_LIMIT:,} characters."
PICK_WHEN = "Pick when to be reminded."
HAND_OFF_PROBLEMS = {
    HandOffProblem.NOBODY: "Pick a teammate.",
    HandOffProblem.YOURSELF: "Pick someone other than yourself.",
    HandOffProblem.NOT_A_PERSON: "Pick a person who is active in this workspace, not a bot.",
}

# One prompt per stage: first days, settling in, what goes unsaid, help nobody asked for.
PROMPTS = (
    "It's been a few days since {customer} signed. A quick hello to ask how the first "
    "days are going would mean a lot.",
    "{customer} should be settling in by now. Ask what has felt easy and what has not, "
    "and just listen.",
    "A month or so in, the real story is often the one nobody mentions. Check in with "
    "{customer} and listen for what sits under the surface.",
    "Is there something you could do for {customer} that they haven't asked for? A "
    "check-in now can be a small, unexpected help.",
)


def prompt_for(stage: int, customer: str) -> str:
    return PROMPTS[min(stage, len(PROMPTS) - 1)].format(customer=f"*{escape(customer)}*")


def checkin_dm(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    return message(
        f"Time to check in with {escape(deal.customer)}.",
        _waiting(checkin, deal, "checkin_actions"),
    )


def checkins_dm(carried: Sequence[tuple[CheckIn, Deal]]) -> dict[str, Any]:
    """One DM for a person's check-ins that fall due close together: a part per
    customer, each with its own buttons."""
    if len(carried) == 1:
        return checkin_dm(*carried[0])
    names = _names(deal for _, deal in carried)
    blocks = [section(f":wave: A few of your customers are due a check-in: {names}.")]
    for checkin, deal in carried:
        blocks += [divider(), *_waiting(checkin, deal, f"checkin:{checkin.id}")]
    return message(f"Time to check in with {names}.", blocks)


def shared_dm_now(shown: Sequence[tuple[CheckIn, Deal]], recipient: str) -> dict[str, Any]:
    """A DM that carries several check-ins, drawn again as each one stands now."""
    names = _names(deal for _, deal in shown)
    blocks = [section(f":wave: A few of your customers are due a check-in: {names}.")]
    for checkin, deal in shown:
        blocks += [divider(), *_own_block_ids(_as_now(checkin, deal, recipient), checkin.id)]
    return message(f"Check-ins for {names}.", blocks)


def _as_now(checkin: CheckIn, deal: Deal, recipient: str) -> list[dict[str, Any]]:
    status = CheckInStatus(checkin.status)
    if status in (CheckInStatus.SENT, CheckInStatus.REMINDED):
        return _waiting(checkin, deal, "checkin_actions")
    if status == CheckInStatus.DONE:
        drawn = checkin_logged(checkin, deal)
    elif status == CheckInStatus.MISSED:
        drawn = checkin_missed(checkin, deal)
    elif status == CheckInStatus.STOPPED:
        drawn = checkin_stopped(deal)
    elif status == CheckInStatus.PLANNED and checkin.recipient_id != recipient:
        drawn = checkin_handed_off(deal, checkin.recipient_id)
    elif status == CheckInStatus.PLANNED and checkin.due_at is not None:
        drawn = checkin_snoozed(deal, checkin.due_at)
    else:
        drawn = _closed(
            f"*{escape(deal.customer)}*: nothing more to do here.", "Nothing more to do."
        )
    return list(drawn["blocks"])


def _own_block_ids(blocks: list[dict[str, Any]], checkin_id: int) -> list[dict[str, Any]]:
    """Block ids made unique within a DM that shows several check-ins."""
    return [
        {**block, "block_id": f"{block['block_id']}:{checkin_id}"} if "block_id" in block else block
        for block in blocks
    ]


def _names(deals: Iterable[Deal]) -> str:
    names = [f"*{inline(deal.customer, 200)}*" for deal in deals]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _waiting(checkin: CheckIn, deal: Deal, block_id: str) -> list[dict[str, Any]]:
    prompt = prompt_for(checkin.stage, deal.customer)
    source = link(deal.permalink, "the deal announcement") if deal.permalink else "the deal"
    value = encode(CheckInRef(checkin.id))
    return [
        section(f":wave: {prompt}"),
        context(
            f"Day {checkin.offset_days} after {source}. Not a sales call: "
            "just a person checking in."
        ),
        actions(
            block_id,
            button("I reached out", REACHED_OUT, value, style="primary"),
            button("Snooze", SNOOZE, value),
            button("Hand off", HAND_OFF, value),
            button("Timeline", TIMELINE, encode(DealRef(deal.id))),
            button(
                "Stop for this customer",
                STOP,
                value,
                style="danger",
                confirm=(
                    "Stop check-ins?",
                    f"No more check-ins will be sent for *{escape(deal.customer)}*.",
                    "Stop them",
                    "Keep them",
                ),
            ),
        ),
    ]


def checkin_reminder(*deals: Deal) -> dict[str, Any]:
    text = (
        f"A gentle nudge about {_names(deals)}: a short note is plenty. "
        "When you've reached out, the buttons above will log it."
    )
    return message(text, [section(text)])


def checkin_logged(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    outcome = Outcome(checkin.outcome or Outcome.NEUTRAL)
    customer = escape(deal.customer)
    lines = [
        f"{OUTCOME_EMOJI[outcome]} Logged: *{customer}* feels "
        f"*{OUTCOME_LABELS[outcome].lower()}*. Thank you for reaching out."
    ]
    if checkin.note:
        lines.append(quote(checkin.note))
    blocks = [section("\n".join(lines))]
    if outcome == Outcome.NEEDS_HELP and checkin.help_asked_at is None:
        blocks.append(
            actions(
                "help_actions",
                button("Ask the team for a hand", ASK_TEAM, encode(CheckInRef(checkin.id))),
            )
        )
    elif outcome == Outcome.NEEDS_HELP:
        blocks.append(context(":raised_hands: The team has been asked for a hand."))
    fallback = f"Logged: {customer} feels {OUTCOME_LABELS[outcome].lower()}."
    return message(fallback, blocks)


def team_help_request(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    """The team channel's call for a hand, in the owner's words."""
    customer = escape(deal.customer)
    owner = mention(checkin.logged_by or checkin.recipient_id)
    text = f":raised_hands: *{customer}* needs a hand. {owner} checked in and heard:"
    heard = quote(checkin.note) if checkin.note else "_(no note)_"
    if checkin.helper_id:
        return message(
            f"{customer} needs a hand: {mention(checkin.helper_id)} stepped in.",
            [
                section(f"{text}\n{heard}"),
                context(f":handshake: {mention(checkin.helper_id)} stepped in."),
            ],
        )
    return message(
        f"{customer} needs a hand. Can you help?",
        [
            section(f"{text}\n{heard}"),
            actions(
                "help_offer",
                button("I'll help", OFFER_HELP, encode(CheckInRef(checkin.id)), "primary"),
            ),
        ],
    )


def thanks_for_helping(deal: Deal, owner: str, timeline: dict[str, Any] | None) -> dict[str, Any]:
    """What the helper is told: whom to talk to, and the customer's timeline."""
    text = (
        f":pray: Thank you. {mention(owner)} looks after *{escape(deal.customer)}*; "
        "here is their relationship so far."
    )
    return message(text, [section(text), *(timeline["blocks"] if timeline else [])][:50])


def someone_stepped_in(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    text = (
        f":handshake: {mention(checkin.helper_id or '')} stepped in to help with "
        f"*{escape(deal.customer)}*."
    )
    return message(text, [section(text)])


def already_helping(checkin: CheckIn) -> str:
    return f"{mention(checkin.helper_id or '')} has already stepped in. Thank you for offering."


def help_story_offer(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    text = (
        f":seedling: A week ago {mention(checkin.helper_id or '')} stepped in to help "
        f"*{escape(deal.customer)}*. If that's a story worth telling, share it with the team."
    )
    return message(
        text,
        [
            section(text),
            actions(
                "help_story",
                button("Share it as a story", SHARE_HELP_STORY, encode(CheckInRef(checkin.id))),
            ),
        ],
    )


def checkin_snoozed(deal: Deal, until: datetime) -> dict[str, Any]:
    return _closed(
        f":zzz: Snoozed. I'll bring *{escape(deal.customer)}* up again {slack_date(until)}.",
        f"Snoozed check-in for {escape(deal.customer)}.",
    )


def checkin_handed_off(deal: Deal, to_user: str) -> dict[str, Any]:
    return _closed(
        f":handshake: Handed off: {mention(to_user)} will check in with "
        f"*{escape(deal.customer)}* from now on.",
        f"Handed off {escape(deal.customer)}.",
    )


def checkin_stopped(deal: Deal) -> dict[str, Any]:
    return _closed(
        f":octagonal_sign: Stopped. No more check-ins for *{escape(deal.customer)}*.",
        f"Stopped check-ins for {escape(deal.customer)}.",
    )


def checkin_missed(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    return message(
        f"Check-in for {escape(deal.customer)} marked missed.",
        [
            section(
                f"This check-in with *{escape(deal.customer)}* is marked missed. If you do "
                "reach out later, you can still log it."
            ),
            actions(
                "checkin_actions",
                button(
                    "I reached out",
                    REACHED_OUT,
                    encode(CheckInRef(checkin.id)),
                    style="primary",
                ),
            ),
        ],
    )


def reached_out_modal(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    options = [option(label, outcome.value) for outcome, label in OUTCOME_LABELS.items()]
    return modal(
        REACHED_OUT_MODAL,
        encode(CheckInRef(checkin.id)),
        "Log a check-in",
        "Log it",
        [
            section(f"How does *{escape(deal.customer)}* feel right now?"),
            {
                "type": "input",
                "block_id": "outcome",
                "label": plain("The customer feels"),
                "element": {"type": "radio_buttons", "action_id": "value", "options": options},
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": plain("What did you hear?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "max_length": NOTE_LIMIT,
                },
            },
        ],
    )


def snooze_modal(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    options = [option(label, days) for days, label in SNOOZE_CHOICES.items()]
    return modal(
        SNOOZE_MODAL,
        encode(CheckInRef(checkin.id)),
        "Snooze check-in",
        "Snooze",
        [
            {
                "type": "input",
                "block_id": "days",
                "label": plain(f"Remind me about {deal.customer}"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": options,
                    "initial_option": options[0],
                },
            }
        ],
    )


def hand_off_modal(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    return modal(
        HAND_OFF_MODAL,
        encode(CheckInRef(checkin.id)),
        "Hand off",
        "Hand off",
        [
            section(f"Who should look after *{escape(deal.customer)}* from now on?"),
            {
                "type": "input",
                "block_id": "teammate",
                "label": plain("Teammate"),
                "element": {"type": "users_select", "action_id": "value"},
            },
        ],
    )


def _closed(text: str, fallback: str) -> dict[str, Any]:
    """A DM after it has been answered: the words stay, the buttons go."""
    return message(fallback, [section(text)])
