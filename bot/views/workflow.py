"""What a Workflow Builder step says when a run fails: one sentence for whoever built the
workflow, naming the input as the step shows it (Slack passes it to the person running
the workflow)."""

from __future__ import annotations

from bot.services.commands import CUSTOMER_MAX
from bot.services.stories import QUALITIES, TEXT_MAX, TEXT_MIN, DraftProblem
from bot.services.workflow import Refused, StepProblem
from bot.store.models import Visibility

from .mrkdwn import inline

QUOTED_MAX = 60  # of an input quoted back
SOMETHING_WENT_WRONG = (
    "Serve couldn't finish this step: something went wrong on its side. "
    "Try the workflow again in a few minutes."
)
# The inputs' titles, as deploy/manifest.yml gives them.
TITLES = {
    "customer": "Customer",
    "owner": "Owner",
    "amount": "Amount",
    "message_link": "Message link",
    "helpers": "Who helped",
    "served": "Who was served",
    "what_happened": "What happened",
    "visibility": "Who can read it",
    "quality": "What it showed",
    "shared_by": "Told by",
}


def refusal(refused: Refused) -> str:
    """Why the run made nothing, said about its input."""
    title = TITLES.get(refused.field, refused.field)
    given = f'"{inline(refused.given, QUOTED_MAX)}"'
    return {
        StepProblem.NO_CUSTOMER: "Customer is empty: say who the customer is.",
        StepProblem.CUSTOMER_TOO_LONG: f"Customer is longer than {CUSTOMER_MAX} characters.",
        StepProblem.CONTROL_CHARACTERS: f"{title} has invisible control characters in it.",
        StepProblem.AMOUNT_UNREAD: (
            f"Amount {given} isn't a number Serve can read: write it like $40k or "
            "12,000 EUR, or leave it empty."
        ),
        StepProblem.NOT_A_MESSAGE_LINK: (
            f"Message link {given} isn't a link to a Slack message: use a message's "
            '"Copy link", or leave it empty.'
        ),
        StepProblem.OWNER_NOT_A_PERSON: (
            "Owner should be a person in this workspace, not a bot or a deactivated account."
        ),
        StepProblem.NO_TELLER: "Told by is empty: say who is telling the story.",
        StepProblem.SERVED_NOT_A_PERSON: (
            "Who was served should be a person in this workspace, or left empty."
        ),
        StepProblem.UNKNOWN_VISIBILITY: (
            f"Who can read it is {given}: it should be one of "
            f"{', '.join(v.value for v in Visibility)}."
        ),
        DraftProblem.NO_HELPERS: "Who helped is empty: name at least one person.",
        DraftProblem.TOO_SHORT: (
            f"What happened is too short: tell at least {TEXT_MIN} characters of it."
        ),
        DraftProblem.TOO_LONG: f"What happened is longer than {TEXT_MAX:,} characters.",
        DraftProblem.SERVED_TOO_LONG: "Who was served has too long a name.",
        DraftProblem.UNKNOWN_QUALITY: (
            f"What it showed is {given}: it should be one of {', '.join(QUALITIES)}, or empty."
        ),
        DraftProblem.CONTROL_CHARACTERS: f"{title} has invisible control characters in it.",
    }[refused.problem]
