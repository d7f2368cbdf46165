"""The terminal rendering of Block Kit that `servebot demo` prints, fed the bot's own
views and hostile text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.demo import render
from bot.services.weekly import Digest, RelationshipPicture
from bot.store.models import CheckIn, CheckInStatus, Deal, Story, Visibility
from bot.views import blocks as kit
from bot.views import checkins, commands, deals, digest, stories

NAMES = render.Names({"U0ALICE": "alice", "U0BOB": "bob"}, {"C0DEALS": "deals"})
NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


# -- the command --------------------------------------------------------------------------


# -- the sandbox ----------------------------------------------------------------------------


# -- rendering: mrkdwn --------------------------------------------------------------------


def plain(renderable: Any, width: int = 100) -> str:
    return render.as_plain_text(renderable, width)


def test_mrkdwn_is_converted_lightly() -> None:
    text = render.mrkdwn(
        "*Acme* _soon_ ~old~ `code` <@U0ALICE> <@U0ZED|zed> <#C0DEALS> "
        "<!date^1796407200^{date_short_pretty}|Fri 04 Dec 2026> <https://x.test/a_b|the post> "
        "&lt;!channel&gt; &amp; <!here>",
        NAMES,
    )

    assert text.plain == (
        "Acme soon old code @alice @zed #deals Fri 04 Dec 2026 the post <!channel> & @here"
    )
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert "bold" in styles["Acme"] and "italic" in styles["soon"]
    assert "strike" in styles["old"] and "cyan" in styles["@alice"]


def test_emphasis_needs_markers_that_hug_the_text() -> None:
    text = render.mrkdwn("2 * 3 * 4 and snake_case_name and *bold <@U0BOB>*", NAMES)

    assert text.plain == "2 * 3 * 4 and snake_case_name and bold @bob"
    bold = [text.plain[s.start : s.end] for s in text.spans if "bold" in str(s.style)]
    assert "".join(bold) == "bold @bob"


def test_quotes_keep_their_bar_when_they_wrap() -> None:
    shown = plain(render.paragraphs("Heard:\n>" + "word " * 30, NAMES), width=40)

    lines = shown.splitlines()
    assert lines[0] == "Heard:"
    assert len(lines) > 3 and all(line.startswith("│ ") for line in lines[1:])


def test_terminal_controls_and_rich_markup_in_text_stay_inert() -> None:
    shown = plain(render.mrkdwn("\x1b[31mred\x1b[0m [bold]x[/bold] \u202eevil\r\x07", NAMES))

    assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
    assert "\u202e" not in shown
    assert "[bold]x[/bold]" in shown and "red" in shown


# -- rendering: the bot's own views ---------------------------------------------------------


def a_deal(customer: str = "Acme Corp", **fields: Any) -> Deal:
    return Deal(
        id=1,
        team_id="T0SERVE",
        customer=customer,
        owner_id="U0ALICE",
        amount=Decimal("40000"),
        currency="USD",
        permalink="https://serve-test.slack.com/archives/C0DEALS/p1",
        status="active",
        closed_at=NOW,
        **fields,
    )


def a_checkin(note: str | None = None, **fields: Any) -> CheckIn:
    return CheckIn(
        id=1,
        team_id="T0SERVE",
        deal_id=1,
        stage=0,
        offset_days=3,
        recipient_id="U0ALICE",
        status=CheckInStatus.SENT.value,
        due_at=NOW,
        note=note,
        **fields,
    )


def a_story(text: str, served: str | None = "Acme Corp") -> Story:
    return Story(
        id=1,
        team_id="T0SERVE",
        shared_by="U0CAROL",
        helpers=["U0BOB"],
        served=served,
        what_happened=text,
        quality="stewardship",
        visibility=Visibility.NAMED.value,
        week="2026-W49",
        created_at=NOW,
    )


def screens(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Every kind of screen the bot draws, with `text` wherever a person's words go."""
    deal = a_deal(text)
    asked = a_checkin(text, outcome="needs_help", help_asked_at=NOW, helper_id="U0BOB")
    week = Digest(
        "2026-W49", [a_story(text, text)], RelationshipPicture(1, 1, 1, [(text, "U0ALICE")]), True
    )
    return [
        ("message", deals.deal_reply(deal, [a_checkin()])),
        ("message", checkins.checkin_dm(a_checkin(), deal)),
        ("message", checkins.checkin_logged(a_checkin(text, outcome="needs_help"), deal)),
        ("message", checkins.team_help_request(asked, deal)),
        ("message", stories.you_were_noticed(a_story(text, text))),
        ("message", digest.digest_messages(week)[0]),
        ("message", commands.said(text)),
        ("message", kit.message(text, [kit.header(text), kit.section(text), kit.context(text)])),
        ("message", {"text": text}),
        ("view", checkins.reached_out_modal(a_checkin(), deal)),
        ("view", stories.story_modal("command", ("U0BOB",), text, None, text)),
        ("view", kit.modal("cb", "", text, text, [kit.actions("a", kit.button(text, "b", "v"))])),
    ]


def draw(kind: str, payload: dict[str, Any], names: render.Names = NAMES) -> str:
    drawn = render.message(payload, names) if kind == "message" else render.view(payload, names)
    return plain(render.card(drawn, "#deals", "Alice sees", "Thu 3 Dec 10:00 in Los Angeles"))


def test_the_views_draw_as_a_person_would_read_them() -> None:
    drawn = {n: draw(kind, payload) for n, (kind, payload) in enumerate(screens("A & B <co>"))}

    assert "Noted a closed deal with A & B <co>" in drawn[0] and "[ Not a deal ]" in drawn[0]
    assert "[ @alice ▾ ]" in drawn[0] and "Owner: @alice" in drawn[0]
    assert "[ I reached out ] [ Snooze ]" in drawn[1] and "the deal announcement" in drawn[1]
    assert "│ A & B <co>" in drawn[2] and "[ Ask the team for a hand ]" in drawn[2]
    assert "Help given unasked" in drawn[5] and "@bob helped A & B <co>" in drawn[5]
    assert "( ) Needs help" in drawn[9] and "[ Cancel ] [ Log it ]" in drawn[9]
    assert "Who helped?" in drawn[10] and "[ @bob ▾ ]" in drawn[10]
    assert "&lt;" not in "".join(drawn.values()) and "&amp;" not in "".join(drawn.values())


def test_a_divider_fields_and_an_accessory() -> None:
    section = kit.section("Left")
    section["fields"] = [{"type": "mrkdwn", "text": "*Owner*"}, {"type": "plain_text", "text": "x"}]
    section["accessory"] = kit.button("Open", "open", "1")
    shown = plain(render.blocks([section, kit.divider(), kit.context("after")], NAMES), 60)

    assert "Left" in shown and "[ Open ]" in shown and "Owner" in shown
    assert "─" * 20 in shown and "after" in shown


HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Co"])),
    st.sampled_from(
        [
            "<!channel> <!here|here> <@U0ALICE> <#C0X|x> <https://evil.test|click>",
            "&lt;!channel&gt; &amp;lt; &amp;amp; &lt;@U0BOB&gt;",
            "*_~`>unclosed",
            "> quoted\n>> twice\n\n\n",
            "[bold red]markup[/] \x1b]0;title\x07 \x1b[2J",
            "\ue000\ue001 private use",
        ]
    ),
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=12), st.integers(1, 600)
    ),
)


def no_raw_controls(shown: str) -> bool:
    return not any(
        (unicodedata.category(c) == "Cc" and c != "\n") or c in render.BIDI_CONTROLS for c in shown
    )


@pytest.mark.slow  # thousands of examples: the full run has it
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE, name=HOSTILE)
def test_hostile_text_never_breaks_rendering_or_reaches_the_terminal(text: str, name: str) -> None:
    names = render.Names({"U0ALICE": name, "U0BOB": "bob"}, {"C0DEALS": name})
    for kind, payload in screens(text):
        shown = draw(kind, payload, names)
        assert no_raw_controls(shown), (kind, shown)


@settings(max_examples=60, deadline=None)
@given(text=HOSTILE)
def test_raw_mrkdwn_never_breaks_rendering(text: str) -> None:
    shown = plain(render.paragraphs(text, NAMES)) + plain(render.mrkdwn(text, NAMES))

    assert no_raw_controls(shown)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | HOSTILE,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "text", "elements", "fields", "accessory", "element", "options"]
            )
            | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
)
BLOCK_TYPES = ["section", "context", "actions", "input", "header", "divider", "image", "x"]
BLOCK_KEYS = ["text", "elements", "fields", "accessory", "element", "label", "hint", "optional"]
BLOCKISH = st.builds(
    lambda kind, rest: {**rest, "type": kind},
    st.sampled_from(BLOCK_TYPES),
    st.dictionaries(st.sampled_from(BLOCK_KEYS), JSON, max_size=4),
)


@settings(max_examples=80, deadline=None)
@given(items=st.lists(st.one_of(JSON, BLOCKISH), max_size=5))
def test_malformed_blocks_never_break_rendering(items: list[Any]) -> None:
    shown = plain(render.view({"type": "modal", "title": items, "blocks": items}, NAMES))
    shown += plain(render.message({"blocks": items, "text": items}, NAMES))

    assert no_raw_controls(shown)
