"""Slack message markup, read in one place.

Slack sends text with three control characters: `&`, `<` and `>`. What a person typed as
one of them arrives escaped (`&amp;`, `&lt;`, `&gt;`), so a raw `<…>` is always markup,
and its first character says what kind: `<@U123|name>` a person, `<#C123|name>` a
channel, `<!here>`, `<!subteam^S1|@team>` or `<!date^…|fallback>` a special command,
and anything else a link (`<https://x|label>`, `<mailto:a@b|a@b>`). Text after the first
`|` is the label Slack shows.

Every reader of people's text (deal recognition, stories, `/serve deal`, the demo's
terminal) reads markup through `pieces`, so they agree on where a token starts and ends
and differ only in how they show one. Pure and linear in the text's length: one regular
expression with no backtracking across tokens, on whatever text arrives."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

TOKEN = re.compile(r"<([^<>]*)>")  # a `<` opens a token only if a `>` closes it first
ESCAPED = re.compile(r"&(lt|gt|amp);")
UNESCAPED = {"lt": "<", "gt": ">", "amp": "&"}
USER_ID = re.compile(r"[UW][A-Z0-9]+")  # Slack's user ids; anything else names nobody


class Kind(StrEnum):
    USER = "user"
    CHANNEL = "channel"
    SPECIAL = "special"
    LINK = "link"


SIGILS = {"@": Kind.USER, "#": Kind.CHANNEL, "!": Kind.SPECIAL}


@dataclass(frozen=True, slots=True)
class Token:
    """One `<…>`: its kind, what it points at, its label (both unescaped, "" when
    absent) and the text it was read from.

    `target` is the id for a person or channel, the address for a link, and for a
    special command the command with its arguments (`here`, `subteam^S1`,
    `date^1392734382^{date}`)."""

    kind: Kind
    target: str
    label: str
    raw: str

    @property
    def name(self) -> str:
        """A special command's name (`here`, `subteam`, `date`); the target otherwise."""
        return self.target.partition("^")[0]

    @property
    def argument(self) -> str:
        """What follows a special command's name: a group's id, a date's parts."""
        return self.target.partition("^")[2]

    @property
    def user_id(self) -> str | None:
        """The person a mention names, when its id is one Slack could have written."""
        if self.kind is Kind.USER and USER_ID.fullmatch(self.target):
            return self.target
        return None


Piece = str | Token
Show = Callable[[Token], str]


def pieces(text: str) -> Iterator[Piece]:
    """The text as runs of plain text (still escaped, as sent) and tokens, in order;
    joining the runs and the tokens' `raw` gives the text back."""
    at = 0
    for match in TOKEN.finditer(text):
        if match.start() > at:
            yield text[at : match.start()]
        yield read_token(match.group(0))
        at = match.end()
    if at < len(text):
        yield text[at:]


def read_token(raw: str) -> Token:
    """A `<…>` as a token: its kind by its first character, split at the first `|`."""
    inner = raw[1:-1]
    kind = SIGILS.get(inner[:1], Kind.LINK)
    target, _, label = (inner if kind is Kind.LINK else inner[1:]).partition("|")
    return Token(kind, unescape(target), unescape(label), raw)


def unescape(text: str) -> str:
    """Slack's three escapes as the characters a person typed, in one pass: `&amp;lt;`
    is the text `&lt;`, never `<`."""
    return ESCAPED.sub(lambda match: UNESCAPED[match.group(1)], text)


def mentions(text: str) -> list[str]:
    """The ids of the people the text mentions, in order, as often as mentioned. A
    mention whose id Slack could not have written names nobody: such an id would be
    stored as an owner or helper and then fail every DM."""
    return [
        piece.user_id
        for piece in pieces(text)
        if isinstance(piece, Token) and piece.user_id is not None
    ]


def plain(text: str, show: Show) -> str:
    """The text as a person reads it: plain runs unescaped, each token as `show` says."""
    return "".join(
        show(piece) if isinstance(piece, Token) else unescape(piece) for piece in pieces(text)
    )


def rewrite(text: str, show: Show) -> str:
    """The text with each token as `show` says and everything else as it was sent, still
    escaped: for text that is kept as Slack sent it."""
    return "".join(show(piece) if isinstance(piece, Token) else piece for piece in pieces(text))
