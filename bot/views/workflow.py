"""What a Workflow Builder step says when a run fails: one sentence for whoever built the
workflow, naming the input as the step shows it (Slack passes it to the person running
the workflow)."""

from __future__ import annotations

from bot.languages import N_, _
from bot.services.commands import CUSTOMER_MAX
from bot.services.stories import QUALITIES, TEXT_MAX, TEXT_MIN, DraftProblem
from bot.services.workflow import Refused, StepProblem
from bot.store.models import Visibility

from .mrkdwn import inline, number

QUOTED_MAX = 60  # of an input quoted back
SOMETHING_WENT_WRONG = N_(
    "Serve couldn't finish this step: something went wrong on its side. "
    "Try the workflow again in a few minutes."
)
# The inputs' titles, as deploy/manifest.yml gives them.
# Translators: the titles of a workflow step's inputs, as the step shows them.
TITLES = {
    "customer": N_("Customer"),
    "owner": N_("Owner"),
    "amount": N_("Amount"),
    "message_link": N_("Message link"),
    "helpers": N_("Who helped"),
    "served": N_("Who was served"),
    "what_happened": N_("What happened"),
    "visibility": N_("Who can read it"),
    "quality": N_("What it showed"),
    "shared_by": N_("Told by"),
}


def refusal(refused: Refused) -> str:
    """Why the run made nothing, said about its input."""
    title = _(TITLES[refused.field]) if refused.field in TITLES else refused.field
    given = f'"{inline(refused.given, QUOTED_MAX)}"'
    # What the builder may type, as the step takes it: values, never translated.
    visibilities = ", ".join(v.value for v in Visibility)
    qualities = ", ".join(QUALITIES)
    # Translators: {title} is the title of a workflow step's input, such as "Customer".
    control = _("{title} has invisible control characters in it.").format(title=title)
    return {
        StepProblem.NO_CUSTOMER: _("Customer is empty: say who the customer is."),
        StepProblem.CUSTOMER_TOO_LONG: _("Customer is longer than {limit} characters.").format(
            limit=number(CUSTOMER_MAX)
        ),
        StepProblem.CONTROL_CHARACTERS: control,
        # Translators: {given} is the amount as typed, in quotes.
        StepProblem.AMOUNT_UNREAD: _(
            "Amount {given} isn't a number Serve can read: write it like $40k or "
            "12,000 EUR, or leave it empty."
        ).format(given=given),
        # Translators: {given} is the link as typed, in quotes; "Copy link" is Slack's own
        # menu item on a message.
        StepProblem.NOT_A_MESSAGE_LINK: _(
            "Message link {given} isn't a link to a Slack message: use a message's "
            '"Copy link", or leave it empty.'
        ).format(given=given),
        StepProblem.OWNER_NOT_A_PERSON: _(
            "Owner should be a person in this workspace, not a bot or a deactivated account."
        ),
        StepProblem.NO_TELLER: _("Told by is empty: say who is telling the story."),
        StepProblem.SERVED_NOT_A_PERSON: _(
            "Who was served should be a person in this workspace, or left empty."
        ),
        # Translators: {given} is the value as typed, in quotes; {choices} lists the values
        # the step takes, which stay in English.
        StepProblem.UNKNOWN_VISIBILITY: _(
            "Who can read it is {given}: it should be one of {choices}."
        ).format(given=given, choices=visibilities),
        DraftProblem.NO_HELPERS: _("Who helped is empty: name at least one person."),
        DraftProblem.TOO_SHORT: _(
            "What happened is too short: tell at least {limit} characters of it."
        ).format(limit=number(TEXT_MIN)),
        DraftProblem.TOO_LONG: _("What happened is longer than {limit} characters.").format(
            limit=number(TEXT_MAX)
        ),
        DraftProblem.SERVED_TOO_LONG: _("Who was served has too long a name."),
        # Translators: {given} is the value as typed, in quotes; {choices} lists the values
        # the step takes, which stay in English.
        DraftProblem.UNKNOWN_QUALITY: _(
            "What it showed is {given}: it should be one of {choices}, or empty."
        ).format(given=given, choices=qualities),
        DraftProblem.CONTROL_CHARACTERS: control,
    }[refused.problem]
