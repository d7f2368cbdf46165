"""The one reader of Slack message markup: what each token reads as, and that no text
(very long, half-made tokens, escapes, control characters, lone surrogates) can make it
fail, slow down or lose a character."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.services import markup
from bot.services.commands import DealWords, parse_deal
from bot.services.markup import Kind, Token
from bot.services.recognition import _plain
from bot.services.stories import helpers_named_in, readable
from bot.views.mrkdwn import escape

ANY_CHARACTER = st.characters(codec=None, categories=None)  # surrogates and controls too
MARKUP_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "|",
        "^",
        "@",
        "#",
        "!",
        "&",
        "&lt;",
        "&gt;",
        "&amp;",
        "&amp;lt;",
        "<@U0ALICE>",
        "<@U0BOB|bob>",
        "<@",
        "<#C0DEALS|deals>",
        "<!here>",
        "<!subteam^S0TEAM|@team>",
        "<!date^1796407200^{date_short}|Fri 04 Dec 2026>",
        "<https://x.test/a?b=1&amp;c=2|the post>",
        "<mailto:a@b.test|a@b.test>",
        "\x00",
        "\n",
        "\u202e",
        "\ud800",
        "\udfff",
        "\ue000",
        " ",
        "x",
    ]
)
HOSTILE = st.one_of(
    st.text(alphabet=ANY_CHARACTER),
    st.lists(MARKUP_PIECES, max_size=60).map("".join),
    st.lists(st.one_of(MARKUP_PIECES, st.text(alphabet=ANY_CHARACTER, max_size=3))).map("".join),
    st.builds(lambda piece, times: piece * times, MARKUP_PIECES, st.integers(1, 5000)),
)


def raw(piece: markup.Piece) -> str:
    return piece.raw if isinstance(piece, Token) else piece


def label_or_target(token: Token) -> str:
    return token.label or token.target


# -- what each token reads as ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind", "target", "label"),
    [
        ("<@U0ALICE>", Kind.USER, "U0ALICE", ""),
        ("<@W0ALICE|alice>", Kind.USER, "W0ALICE", "alice"),
        ("<#C0DEALS>", Kind.CHANNEL, "C0DEALS", ""),
        ("<#C0DEALS|deals>", Kind.CHANNEL, "C0DEALS", "deals"),
        ("<!here>", Kind.SPECIAL, "here", ""),
        ("<!channel|channel>", Kind.SPECIAL, "channel", "channel"),
        ("<!subteam^S0TEAM|@team>", Kind.SPECIAL, "subteam^S0TEAM", "@team"),
        (
            "<!date^1796407200^{date}|Fri 04 Dec>",
            Kind.SPECIAL,
            "date^1796407200^{date}",
            "Fri 04 Dec",
        ),
        ("<https://x.test/?a=1&amp;b=2|A &amp; B>", Kind.LINK, "https://x.test/?a=1&b=2", "A & B"),
        ("<mailto:sam@x.test|sam@x.test>", Kind.LINK, "mailto:sam@x.test", "sam@x.test"),
        ("<https://x.test|a|b>", Kind.LINK, "https://x.test", "a|b"),
        ("<>", Kind.LINK, "", ""),
    ],
)
def test_each_kind_of_token_is_read(written: str, kind: Kind, target: str, label: str) -> None:
    (token,) = markup.pieces(written)

    assert isinstance(token, Token)
    assert (token.kind, token.target, token.label, token.raw) == (kind, target, label, written)


def test_a_special_command_has_a_name_and_its_arguments() -> None:
    (group,) = markup.pieces("<!subteam^S0TEAM|@team>")
    (here,) = markup.pieces("<!here>")

    assert isinstance(group, Token) and isinstance(here, Token)
    assert (group.name, group.argument) == ("subteam", "S0TEAM")
    assert (here.name, here.argument) == ("here", "")


def test_an_unclosed_or_nested_bracket_is_plain_text() -> None:
    pieces = list(markup.pieces("a < b <@U0X <@U0BOB> c > d <e"))

    assert pieces[0] == "a < b <@U0X "
    assert isinstance(pieces[1], Token) and pieces[1].target == "U0BOB"
    assert pieces[2:] == [" c > d <e"]


def test_mentions_are_well_formed_user_ids_in_order() -> None:
    text = "<@U0BOB> and <@W0ALICE|alice>, <@lowercase>, &lt;@U0ESCAPED&gt;, <@U0BOB>, <#C0X>"

    assert markup.mentions(text) == ["U0BOB", "W0ALICE", "U0BOB"]


def test_unescape_reads_each_escape_once() -> None:
    assert markup.unescape("&lt;!channel&gt; &amp;lt; &amp;amp; &lt &gt;") == (
        "<!channel> &lt; &amp; &lt >"
    )


def test_plain_unescapes_the_text_and_shows_tokens_through_the_callback() -> None:
    text = "A &amp; B <@U0BOB|bob> <https://x.test|the &lt;post&gt;>"

    assert markup.plain(text, label_or_target) == "A & B bob the <post>"
    assert markup.rewrite(text, label_or_target) == "A &amp; B bob the <post>"


# -- the readers that use it keep what they read ------------------------------------------


def test_recognition_reads_markup_as_words() -> None:
    text = "Closed <https://x.test|Acme &amp; Co> with <@U0BOB|bob> <!here> <#C0X|deals> :tada:"

    assert _plain(text) == "Closed Acme & Co with @someone ;"


def test_a_story_prefill_reads_as_a_person_would_type_it() -> None:
    text = (
        "<@U0BOB|bob> helped <https://x.test|Acme> in <#C0DEALS|deals> (<#C0TEAM>) "
        "<!here> <!subteam^S0|@support> <mailto:a@x.test|a@x.test> &lt;3"
    )

    assert readable(text) == "@U0BOB helped Acme in #deals (#C0TEAM) @here @support a@x.test <3"
    assert helpers_named_in(text + " <@U0ALICE>", None, "U0ALICE") == ["U0BOB"]


def test_a_logged_deal_keeps_everything_but_the_owner_as_typed() -> None:
    assert parse_deal("Acme &amp; Co <@U0BOB|bob> <!channel>") == DealWords(
        "Acme &amp; Co <!channel>", "U0BOB", None, None
    )


# -- no text breaks it ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
@example(text="<" * 10_000)
@example(text="\ud800<@\udfff|\x00>&amp;")
def test_any_text_reassembles_from_its_pieces(text: str) -> None:
    pieces = list(markup.pieces(text))

    assert "".join(raw(piece) for piece in pieces) == text
    assert all(piece for piece in pieces), "no empty runs"
    assert not any(isinstance(a, str) and isinstance(b, str) for a, b in pairwise(pieces)), (
        "runs between tokens are whole"
    )
    assert markup.rewrite(text, lambda token: token.raw) == text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_no_reader_raises_on_any_text(text: str) -> None:
    markup.plain(text, label_or_target)
    markup.mentions(text)
    markup.unescape(text)
    readable(text)
    _plain(text)
    parse_deal(text)


@settings(max_examples=300, deadline=None)
@given(text=HOSTILE)
@example(text="&lt;&amp;gt;&")
def test_escaped_text_reads_back_as_typed(text: str) -> None:
    escaped = escape(text)

    assert markup.unescape(escaped) == text
    assert [p for p in markup.pieces(escaped) if isinstance(p, Token)] == []
    assert markup.plain(escaped, label_or_target) == text


@settings(max_examples=200, deadline=None)
@given(text=HOSTILE)
def test_tokens_hold_no_bracket_and_runs_hold_no_whole_token(text: str) -> None:
    for piece in markup.pieces(text):
        if isinstance(piece, Token):
            assert piece.raw[0] == "<" and piece.raw[-1] == ">"
            assert "<" not in piece.raw[1:-1] and ">" not in piece.raw[1:-1]
        else:
            assert markup.TOKEN.search(piece) is None


# -- linear time -------------------------------------------------------------------------------

PATHOLOGICAL: list[Callable[[int], str]] = [
    lambda n: "<" * n,
    lambda n: "<@" * n,
    lambda n: "<a|" * n,
    lambda n: "<" * n + ">" * n,
    lambda n: "<" + "a" * n,
    lambda n: "<x>" * n,
    lambda n: "&" * n,
    lambda n: "&amp;" * n,
    lambda n: "&amp;lt;" * n,
    lambda n: "<@U0BOB|" + "|" * n + ">",
    lambda n: "\ud800<" * n,
]


def seconds(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", PATHOLOGICAL)
def test_reading_takes_time_in_proportion_to_the_text(shape: Callable[[int], str]) -> None:
    small, large = shape(2_000), shape(20_000)

    def read(text: str) -> Callable[[], object]:
        return lambda: (markup.plain(text, label_or_target), markup.mentions(text))

    # Ten times the text: a quadratic reader would take a hundred times as long.
    assert seconds(read(large)) < 25 * seconds(read(small)) + 0.05
