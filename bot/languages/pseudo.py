"""A pseudo-locale: English with every letter accented and each sentence about 30%
longer, so a view that breaks with longer words or untranslated text shows it."""

from __future__ import annotations

import gettext
import re

PSEUDO = "en_XA"
ACCENTED = str.maketrans(
    "abcdeghiklmnorstuwyzABCDEGHIKLMNORSTUWYZ",
    "àƀçđéĝĥîķĺɱñöŕšţûŵýžÀƁÇĐÉĜĤÎĶĹṀÑÖŔŠŢÛŴÝŽ",
)
# Left as they are: {placeholders}, Slack's <links|labels> and <!date…>, :emoji:, `code`.
KEPT = re.compile(r"\{[^{}]*\}|<[^<>]*>|:[a-z0-9_+-]+:|`[^`]*`|%\([a-z_]+\)[sd]|%[sd]")
GROWTH = 0.3


def pseudo(message: str) -> str:
    """`message` accented between what must stay exact, padded by a third."""
    out: list[str] = []
    last = 0
    for kept in KEPT.finditer(message):
        out.append(message[last : kept.start()].translate(ACCENTED))
        out.append(kept.group())
        last = kept.end()
    out.append(message[last:].translate(ACCENTED))
    padding = "~" * max(1, round(len(message) * GROWTH))
    return f"[{''.join(out)} {padding}]"


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)
