"""What a person is told when what they sent can't be used, or something breaks."""

from __future__ import annotations

from bot.languages import N_, _
from bot.services.typed import TextProblem

CONTROL_CHARACTERS = N_(
    "This has invisible control characters in it (from a paste, perhaps): take them out "
    "and try again."
)


def field_error(problem: TextProblem, too_long: str) -> str:
    """The sentence under a field whose text can't be kept; `too_long` says its limit."""
    return too_long if problem is TextProblem.TOO_LONG else _(CONTROL_CHARACTERS)


SOMETHING_WENT_WRONG = N_(
    "Sorry, that didn't work on my side and nothing was changed. Please try again in a moment."
)

# A form whose answer could not be kept: it stays open with what the person typed.
# Translators: shown under a form's first field; "Submit" is the form's own button.
NOT_SAVED = N_(
    "I couldn't save this just now, so nothing was changed. What you typed is still here: "
    "please press Submit again in a moment."
)
