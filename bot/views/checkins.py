"""Check-in DMs, their follow-ups and modals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.languages import N_, _
from bot.services.checkins import NOTE_LIMIT, HandOffProblem
from bot.store.models import CheckIn, CheckInStatus, Deal, Outcome

from .blocks import actions, button, context, divider, message, modal, option, plain, section
from .mrkdwn import escape, inline, mention, number, quote, slack_date, url
from .refs import CheckInRef, DealRef, encode

REACHED_OUT = "checkin_reached_out"
SNOOZE = "checkin_snooze"
HAND_OFF = "checkin_hand_off"
STOP = "checkin_stop"
TIMELINE = "timeline_show"
ASK_TEAM = "help_ask_team"
OFFER_HELP = "help_offer"
SHARE_HELP_STORY = "help_share_story"
# Translators: `/serve settings` is a command, typed as it is.
NO_TEAM_CHANNEL = N_(
    "There's no team channel to ask yet. An admin can pick one with `/serve settings`."
)
CANT_ASK = N_("The team has already been asked about this check-in, so I didn't ask again.")
REACHED_OUT_MODAL = "checkin_reached_out_modal"
SNOOZE_MODAL = "checkin_snooze_modal"
HAND_OFF_MODAL = "checkin_hand_off_modal"
# Translators: when to be reminded of a snoozed check-in; options, at most 75 characters.
SNOOZE_CHOICES = {"1": N_("Tomorrow"), "7": N_("In a week")}
# Translators: how a customer feels after a check-in; options, at most 75 characters.
OUTCOME_LABELS = {
    Outcome.SATISFIED: N_("Satisfied"),
    Outcome.NEUTRAL: N_("Neutral"),
    Outcome.NEEDS_HELP: N_("Needs help"),
}
# A logged check-in, a whole sentence for each way the customer feels.
LOGGED = {
    # Translators: {customer} is the customer's name.
    Outcome.SATISFIED: N_(
        ":large_green_circle: Logged: *{customer}* feels *satisfied*. Thank you for reaching out."
    ),
    # Translators: {customer} is the customer's name.
    Outcome.NEUTRAL: N_(
        ":white_circle: Logged: *{customer}* feels *neutral*. Thank you for reaching out."
    ),
    # Translators: {customer} is the customer's name.
    Outcome.NEEDS_HELP: N_(
        ":red_circle: Logged: *{customer}* feels *needs help*. Thank you for reaching out."
    ),
}
# Translators: a notification's text; {customer} is the customer's name.
LOGGED_FALLBACK = {
    Outcome.SATISFIED: N_("Logged: {customer} feels satisfied."),
    Outcome.NEUTRAL: N_("Logged: {customer} feels neutral."),
    Outcome.NEEDS_HELP: N_("Logged: {customer} feels needs help."),
}
OUTCOME_EMOJI = {
    Outcome.SATISFIED: ":large_green_circle:",  # not said: an emoji code
    Outcome.NEUTRAL: ":white_circle:",
    Outcome.NEEDS_HELP: ":red_circle:",
}
ALREADY_HANDLED = N_("This check-in has already been taken care of, so nothing changed.")
NOT_YOURS = N_("This check-in belongs to someone else, so nothing changed.")
PICK_A_FEELING = N_("Pick how the customer feels.")
NOTE_TOO_LONG = N_("Keep the note under {limit} characters.")
PICK_WHEN = N_("Pick when to be reminded.")
HAND_OFF_PROBLEMS = {
    HandOffProblem.NOBODY: N_("Pick a teammate."),
    HandOffProblem.YOURSELF: N_("Pick someone other than yourself."),
    HandOffProblem.NOT_A_PERSON: N_("Pick a person who is active in this workspace, not a bot."),
}
WAVE = ":wave:"

# One prompt per stage: first days, settling in, what goes unsaid, help nobody asked for.
# Translators: {customer} is the customer's name, in bold.
PROMPTS = (
    N_(
        "It's been a few days since {customer} signed. A quick hello to ask how the first "
        "days are going would mean a lot."
    ),
    N_(
        "{customer} should be settling in by now. Ask what has felt easy and what has not, "
        "and just listen."
    ),
    N_(
        "A month or so in, the real story is often the one nobody mentions. Check in with "
        "{customer} and listen for what sits under the surface."
    ),
    N_(
        "Is there something you could do for {customer} that they haven't asked for? A "
        "check-in now can be a small, unexpected help."
    ),
)


def note_too_long() -> str:
    return _(NOTE_TOO_LONG).format(limit=number(NOTE_LIMIT))


def prompt_for(stage: int, customer: str) -> str:
    chosen = PROMPTS[min(stage, len(PROMPTS) - 1)]
    return _(chosen).format(customer=f"*{escape(customer)}*")


def checkin_dm(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    return message(
        # Translators: a notification's text; {customer} is the customer's name.
        _("Time to check in with {customer}.").format(customer=escape(deal.customer)),
        _waiting(checkin, deal, "checkin_actions"),
    )


def checkins_dm(carried: Sequence[tuple[CheckIn, Deal]]) -> dict[str, Any]:
    """One DM for a person's check-ins that fall due close together: a part per
    customer, each with its own buttons."""
    if len(carried) == 1:
        return checkin_dm(*carried[0])
    names = _names(deal for _n, deal in carried)
    blocks = [section(_due(names))]
    for checkin, deal in carried:
        blocks += [divider(), *_waiting(checkin, deal, f"checkin:{checkin.id}")]
    # Translators: {customer} is a list of customers' names.
    return message(_("Time to check in with {customer}.").format(customer=names), blocks)


def _due(names: str) -> str:
    # Translators: {names} is a list of customers' names, in bold.
    return _(":wave: A few of your customers are due a check-in: {names}.").format(names=names)


def shared_dm_now(shown: Sequence[tuple[CheckIn, Deal]], recipient: str) -> dict[str, Any]:
    """A DM that carries several check-ins, drawn again as each one stands now."""
    names = _names(deal for _n, deal in shown)
    blocks = [section(_due(names))]
    for checkin, deal in shown:
        blocks += [divider(), *_own_block_ids(_as_now(checkin, deal, recipient), checkin.id)]
    # Translators: a notification's text; {names} is a list of customers' names.
    return message(_("Check-ins for {names}.").format(names=names), blocks)


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
            # Translators: {customer} is the customer's name.
            _("*{customer}*: nothing more to do here.").format(customer=escape(deal.customer)),
            _("Nothing more to do."),
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
    if len(names) == 1:
        return names[0]
    # Translators: the end of a list of customers' names: {names} are all but the last,
    # separated by commas, and {last} is the last one.
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _waiting(checkin: CheckIn, deal: Deal, block_id: str) -> list[dict[str, Any]]:
    prompt = prompt_for(checkin.stage, deal.customer)
    day = number(checkin.offset_days)
    if deal.permalink:
        # Translators: {day} is how many days after the deal closed; {url} is the deal's
        # announcement in Slack: keep <{url}|...> whole.
        when = _(
            "Day {day} after <{url}|the deal announcement>. Not a sales call: "
            "just a person checking in."
        ).format(day=day, url=url(deal.permalink))
    else:
        # Translators: {day} is how many days after the deal closed.
        when = _("Day {day} after the deal. Not a sales call: just a person checking in.")
        when = when.format(day=day)
    value = encode(CheckInRef(checkin.id))
    # Translators: {customer} is the customer's name; at most 300 characters in all.
    stop_text = _("No more check-ins will be sent for *{customer}*.")
    return [
        section(f"{WAVE} {prompt}"),
        context(when),
        actions(
            block_id,
            # Translators: buttons on a check-in, each at most 75 characters.
            button(_("I reached out"), REACHED_OUT, value, style="primary"),
            button(_("Snooze"), SNOOZE, value),
            button(_("Hand off"), HAND_OFF, value),
            button(_("Timeline"), TIMELINE, encode(DealRef(deal.id))),
            button(
                _("Stop for this customer"),
                STOP,
                value,
                style="danger",
                confirm=(
                    # Translators: a dialog's title (at most 100 characters) and its two
                    # buttons (at most 30 characters each).
                    _("Stop check-ins?"),
                    stop_text.format(customer=escape(deal.customer)),
                    _("Stop them"),
                    _("Keep them"),
                ),
            ),
        ),
    ]


def checkin_reminder(*deals: Deal) -> dict[str, Any]:
    # Translators: {names} is a list of customers' names, in bold.
    text = _(
        "A gentle nudge about {names}: a short note is plenty. "
        "When you've reached out, the buttons above will log it."
    ).format(names=_names(deals))
    return message(text, [section(text)])


def checkin_logged(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    outcome = Outcome(checkin.outcome or Outcome.NEUTRAL)
    customer = escape(deal.customer)
    lines = [_(LOGGED[outcome]).format(customer=customer)]
    if checkin.note:
        lines.append(quote(checkin.note))
    blocks = [section("\n".join(lines))]
    if outcome == Outcome.NEEDS_HELP and checkin.help_asked_at is None:
        blocks.append(
            actions(
                "help_actions",
                # Translators: a button, at most 75 characters.
                button(_("Ask the team for a hand"), ASK_TEAM, encode(CheckInRef(checkin.id))),
            )
        )
    elif outcome == Outcome.NEEDS_HELP:
        blocks.append(context(_(":raised_hands: The team has been asked for a hand.")))
    fallback = _(LOGGED_FALLBACK[outcome]).format(customer=customer)
    return message(fallback, blocks)


def team_help_request(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    """The team channel's call for a hand, in the owner's words."""
    customer = escape(deal.customer)
    owner = mention(checkin.logged_by or checkin.recipient_id)
    # Translators: {customer} is the customer's name; {owner} the person who checked in.
    text = _(":raised_hands: *{customer}* needs a hand. {owner} checked in and heard:").format(
        customer=customer, owner=owner
    )
    # Translators: shown in place of a note that was left empty; mrkdwn italics.
    heard = quote(checkin.note) if checkin.note else _("_(no note)_")
    if checkin.helper_id:
        helper = mention(checkin.helper_id)
        return message(
            # Translators: a notification's text; {helper} is the person who offered help.
            _("{customer} needs a hand: {helper} stepped in.").format(
                customer=customer, helper=helper
            ),
            [
                section(f"{text}\n{heard}"),
                # Translators: {helper} is the person who offered help.
                context(_(":handshake: {helper} stepped in.").format(helper=helper)),
            ],
        )
    return message(
        # Translators: a notification's text; {customer} is the customer's name.
        _("{customer} needs a hand. Can you help?").format(customer=customer),
        [
            section(f"{text}\n{heard}"),
            actions(
                "help_offer",
                # Translators: a button, at most 75 characters.
                button(_("I'll help"), OFFER_HELP, encode(CheckInRef(checkin.id)), "primary"),
            ),
        ],
    )


def thanks_for_helping(deal: Deal, owner: str, timeline: dict[str, Any] | None) -> dict[str, Any]:
    """What the helper is told: whom to talk to, and the customer's timeline."""
    # Translators: {owner} is the person who looks after the customer {customer}.
    text = _(
        ":pray: Thank you. {owner} looks after *{customer}*; here is their relationship so far."
    ).format(owner=mention(owner), customer=escape(deal.customer))
    return message(text, [section(text), *(timeline["blocks"] if timeline else [])][:50])


def someone_stepped_in(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    # Translators: {helper} is the person who offered help; {customer} the customer's name.
    text = _(":handshake: {helper} stepped in to help with *{customer}*.").format(
        helper=mention(checkin.helper_id or ""), customer=escape(deal.customer)
    )
    return message(text, [section(text)])


def already_helping(checkin: CheckIn) -> str:
    # Translators: {helper} is the person who offered help first.
    return _("{helper} has already stepped in. Thank you for offering.").format(
        helper=mention(checkin.helper_id or "")
    )


def help_story_offer(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    # Translators: {helper} is the person who offered help; {customer} the customer's name.
    text = _(
        ":seedling: A week ago {helper} stepped in to help *{customer}*. If that's a story "
        "worth telling, share it with the team."
    ).format(helper=mention(checkin.helper_id or ""), customer=escape(deal.customer))
    return message(
        text,
        [
            section(text),
            actions(
                "help_story",
                # Translators: a button, at most 75 characters.
                button(_("Share it as a story"), SHARE_HELP_STORY, encode(CheckInRef(checkin.id))),
            ),
        ],
    )


def checkin_snoozed(deal: Deal, until: datetime) -> dict[str, Any]:
    customer = escape(deal.customer)
    return _closed(
        # Translators: {customer} is the customer's name; {date} a date and time, such as
        # "Tuesday, December 8th at 9:00 AM".
        _(":zzz: Snoozed. I'll bring *{customer}* up again {date}.").format(
            customer=customer, date=slack_date(until)
        ),
        # Translators: a notification's text; {customer} is the customer's name.
        _("Snoozed check-in for {customer}.").format(customer=customer),
    )


def checkin_handed_off(deal: Deal, to_user: str) -> dict[str, Any]:
    customer = escape(deal.customer)
    return _closed(
        # Translators: {teammate} is the person now looking after {customer}.
        _(":handshake: Handed off: {teammate} will check in with *{customer}* from now on.").format(
            teammate=mention(to_user), customer=customer
        ),
        # Translators: a notification's text; {customer} is the customer's name.
        _("Handed off {customer}.").format(customer=customer),
    )


def checkin_stopped(deal: Deal) -> dict[str, Any]:
    customer = escape(deal.customer)
    return _closed(
        # Translators: {customer} is the customer's name.
        _(":octagonal_sign: Stopped. No more check-ins for *{customer}*.").format(
            customer=customer
        ),
        # Translators: a notification's text; {customer} is the customer's name.
        _("Stopped check-ins for {customer}.").format(customer=customer),
    )


def checkin_missed(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    customer = escape(deal.customer)
    return message(
        # Translators: a notification's text; {customer} is the customer's name.
        _("Check-in for {customer} marked missed.").format(customer=customer),
        [
            section(
                # Translators: {customer} is the customer's name.
                _(
                    "This check-in with *{customer}* is marked missed. If you do "
                    "reach out later, you can still log it."
                ).format(customer=customer)
            ),
            actions(
                "checkin_actions",
                button(
                    # Translators: a button, at most 75 characters.
                    _("I reached out"),
                    REACHED_OUT,
                    encode(CheckInRef(checkin.id)),
                    style="primary",
                ),
            ),
        ],
    )


def reached_out_modal(checkin: CheckIn, deal: Deal) -> dict[str, Any]:
    options = [option(_(label), outcome.value) for outcome, label in OUTCOME_LABELS.items()]
    return modal(
        REACHED_OUT_MODAL,
        encode(CheckInRef(checkin.id)),
        # Translators: a form's title and its submit button, each at most 24 characters.
        _("Log a check-in"),
        _("Log it"),
        [
            # Translators: {customer} is the customer's name.
            section(
                _("How does *{customer}* feel right now?").format(customer=escape(deal.customer))
            ),
            {
                "type": "input",
                "block_id": "outcome",
                "label": plain(_("The customer feels")),
                "element": {"type": "radio_buttons", "action_id": "value", "options": options},
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": plain(_("What did you hear?")),
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
    options = [option(_(label), days) for days, label in SNOOZE_CHOICES.items()]
    return modal(
        SNOOZE_MODAL,
        encode(CheckInRef(checkin.id)),
        # Translators: a form's title and its submit button, each at most 24 characters.
        _("Snooze check-in"),
        _("Snooze"),
        [
            {
                "type": "input",
                "block_id": "days",
                # Translators: {customer} is the customer's name, as typed (plain text).
                "label": plain(_("Remind me about {customer}").format(customer=deal.customer)),
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
        # Translators: a form's title and its submit button, each at most 24 characters.
        _("Hand off"),
        _("Hand off"),
        [
            # Translators: {customer} is the customer's name.
            section(
                _("Who should look after *{customer}* from now on?").format(
                    customer=escape(deal.customer)
                )
            ),
            {
                "type": "input",
                "block_id": "teammate",
                "label": plain(_("Teammate")),
                "element": {"type": "users_select", "action_id": "value"},
            },
        ],
    )


def _closed(text: str, fallback: str) -> dict[str, Any]:
    """A DM after it has been answered: the words stay, the buttons go."""
    return message(fallback, [section(text)])
