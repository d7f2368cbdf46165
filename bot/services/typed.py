"""Text a person typed into a form's field, checked before anything keeps it: Slack
stops a person at an input's max_length, but a request can carry anything, and a
control character (a bell, a terminal escape) is never something a person meant."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

LINE_BREAKS = frozenset("\n\r\t")  # what a multi-line field may hold besides text


def has_control_characters(text: str, lines: bool = False) -> bool:
    """Control characters other than line breaks and tabs (in a multi-line field)."""
    allowed = LINE_BREAKS if lines else frozenset()
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


class TextProblem(StrEnum):
    """Why a field's text can't be kept; the views say it under the field."""

    TOO_LONG = "too_long"
    CONTROL_CHARACTERS = "control_characters"


def text_problem(text: str, longest: int, lines: bool = False) -> TextProblem | None:
    """What is wrong with a field's text, or None when it can be kept."""
    if len(text) > longest:
        return TextProblem.TOO_LONG
    if has_control_characters(text, lines):
        return TextProblem.CONTROL_CHARACTERS
    return None
