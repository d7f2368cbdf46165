"""Posts shaped like one a person labelled: the team's own way of announcing a deal.

Rules cannot foresee every team's wording, but a team repeats itself. Each labelled
message becomes a shape: its words, with names, figures, mentions and links masked, so
"big news: pied piper said yes" and "big news: Raviga said yes" look alike once "pied
piper" is known to be the customer. The customer's place in the labelled message is a
slot, and a look-alike's name is read from the same place. Pure; linear in the message,
with at most `EXAMPLES_MAX` examples compared and each example's shape kept once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import markup, naming

EXAMPLES_MAX = 200  # the newest labels compared; older ones have been seen by then
SLOT_WORDS_MAX = 6
NAME_CHARS_MAX = 80  # as recognition's names
SHAPE_MIN = 3  # a shorter shape ("Closed X") says too little to decide by
TOKEN = re.compile(
    r"<[^<>\s]{1,300}>|:[a-z0-9_+\-']{1,60}:|[^\W_]+(?:['’.&-][^\W_]+)*|[$€£¥₹]", re.I
)
NAME, FIGURE, PERSON, CHANNEL, LINK = "N", "0", "@", "#", "L"
SLOT = "?"


@dataclass(frozen=True)
class Word:
    shape: str
    start: int
    end: int


@dataclass(frozen=True)
class Template:
    """A labelled message's shape; `slot` is where its customer was, if found."""

    shapes: tuple[str, ...]
    slot: int | None  # index into `shapes` of the customer, or None


@dataclass(frozen=True)
class Likeness:
    """A message found shaped like labelled example number `index`; `name` is what
    stands where that example's customer stood (None when it had no such place)."""

    index: int
    name: str | None


def words(text: str) -> list[Word]:
    """The message's words as shapes, emoji and punctuation left out."""
    found: list[Word] = []
    for match in TOKEN.finditer(text):
        token = match.group()
        shape = _shape(token)
        if shape:
            found.append(Word(shape, match.start(), match.end()))
    return found


def _shape(token: str) -> str:
    if token.startswith("<"):
        if token[1:2] in ("@", "!"):
            return PERSON
        return CHANNEL if token[1:2] == "#" else LINK
    if token.startswith(":") and token.endswith(":") and len(token) > 1:
        return ""  # an emoji
    if any(c.isdigit() for c in token) or token in "$€£¥₹":
        return FIGURE
    lowered = token.lower()
    if token[:1].isupper() and lowered not in naming.COMMON_WORDS:
        return NAME
    return lowered


def _collapsed(found: Sequence[Word]) -> list[Word]:
    """Runs of names and of figures as one: "Acme Corp" and "Globex" are one name."""
    out: list[Word] = []
    for word in found:
        if out and word.shape in (NAME, FIGURE) and out[-1].shape == word.shape:
            out[-1] = Word(word.shape, out[-1].start, word.end)
        else:
            out.append(word)
    return out


@lru_cache(maxsize=1024)
def template(text: str, customer: str | None) -> Template:
    """The shape of a labelled message, with its customer's place as a slot."""
    text = markup.unescape(text)
    found = words(text)
    slot_at = _locate(text, found, customer) if customer else None
    if slot_at is None:
        return Template(tuple(w.shape for w in _collapsed(found)), None)
    first, last = slot_at
    before, after = _collapsed(found[:first]), _collapsed(found[last:])
    shapes = (*(w.shape for w in before), SLOT, *(w.shape for w in after))
    return Template(shapes, len(before))


def _locate(text: str, found: Sequence[Word], customer: str) -> tuple[int, int] | None:
    """Where the customer's words are among the message's, as [first, last)."""
    wanted = [m.group().casefold() for m in TOKEN.finditer(markup.unescape(customer))]
    if not wanted or len(wanted) > SLOT_WORDS_MAX:
        return None
    typed = [text[w.start : w.end].casefold() for w in found]
    for i in range(len(found) - len(wanted) + 1):
        if typed[i] == wanted[0] and typed[i : i + len(wanted)] == wanted:
            return i, i + len(wanted)
    return None


def closest(text: str, labelled: Sequence[tuple[str, str | None]]) -> Likeness | None:
    """The first of the `labelled` (text, customer) examples that `text` is shaped like,
    with the name in the customer's place; examples are tried in the order given."""
    text = markup.unescape(text)  # "Kite &amp; Key" as typed: Kite & Key
    found = words(text)
    whole = _collapsed(found)
    shapes = tuple(w.shape for w in whole)
    for index, (example_text, customer) in enumerate(labelled[:EXAMPLES_MAX]):
        kept = template(example_text, customer)
        if kept.slot is None:
            if len(shapes) >= SHAPE_MIN and shapes == kept.shapes:
                return Likeness(index, None)
            continue
        name = _in_slot(text, found, whole, kept)
        if name is not None:
            return Likeness(index, name)
    return None


def _in_slot(text: str, found: Sequence[Word], head: Sequence[Word], kept: Template) -> str | None:
    """The words of `text` (`head` collapsed) in the template's slot, when the rest
    matches it."""
    assert kept.slot is not None
    before, after = kept.shapes[: kept.slot], kept.shapes[kept.slot + 1 :]
    literal = [s for s in before + after if s not in (NAME, FIGURE, PERSON, CHANNEL, LINK)]
    if len(kept.shapes) < SHAPE_MIN - 1 or not literal:
        return None
    if len(head) <= len(before) + len(after):
        return None
    if tuple(w.shape for w in head[: len(before)]) != before:
        return None
    first = head[len(before)].start
    tail = head[len(head) - len(after) :]
    if tuple(w.shape for w in tail) != after:
        return None
    end = tail[0].start if tail else len(text)
    inside = [w for w in found[len(before) :] if first <= w.start and w.end <= end]
    if not inside or len(inside) > SLOT_WORDS_MAX:
        return None
    if any(w.shape in (PERSON, CHANNEL, LINK) for w in inside):
        return None  # a mention or a link is nobody's company name
    name = text[inside[0].start : inside[-1].end].strip()
    return name if len(name) <= NAME_CHARS_MAX and naming.makes_sense(name) else None
