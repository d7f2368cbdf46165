"""What buttons and modals carry back: any text at all decodes to a valid reference or
to nothing, never to an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.views.refs import CheckInRef, DealRef, MessageRef, StoryOrigin, decode, encode

ids = st.integers(min_value=1, max_value=2**53)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)


@given(ids)
def test_a_checkin_reference_survives_the_round_trip(checkin_id: int) -> None:
    assert decode(encode(CheckInRef(checkin_id)), CheckInRef) == CheckInRef(checkin_id)


@given(st.text(), st.none() | st.text())
def test_a_story_origin_survives_the_round_trip(source: str, link: str | None) -> None:
    assert decode(encode(StoryOrigin(source, link)), StoryOrigin) == StoryOrigin(source, link)


@given(st.text(min_size=1), st.dictionaries(st.sampled_from(["text", "user"]), st.text()))
def test_a_message_carried_with_its_reference_comes_back_only_if_it_is_that_message(
    ts: str, fields: dict[str, str]
) -> None:
    carried = MessageRef("C1", ts, {**fields, "ts": ts})
    assert decode(encode(carried), MessageRef) == carried
    assert decode(encode(MessageRef("C1", ts)), MessageRef) == MessageRef("C1", ts)
    other = encode(MessageRef("C1", ts, {**fields, "ts": ts + "1"}))
    assert decode(other, MessageRef) is None


@given(ids)
def test_one_kind_of_reference_is_never_read_as_another(deal_id: int) -> None:
    raw = encode(DealRef(deal_id))
    assert decode(raw, CheckInRef) is None and decode(raw, StoryOrigin) is None


@given(st.one_of(st.text(), json_values.map(repr), st.binary().map(repr)))
def test_any_text_decodes_to_a_valid_reference_or_nothing(raw: str) -> None:
    for kind in (CheckInRef, DealRef):
        ref = decode(raw, kind)
        assert ref is None or (isinstance(ref, kind) and min(vars(ref).values()) > 0)


def test_deeply_nested_or_huge_text_decodes_to_nothing() -> None:
    for raw in ("[" * 100_000, "{" * 100_000, '{"t":"checkin","checkin_id":1' + " " * 5000 + "}"):
        assert decode(raw, CheckInRef) is None


@pytest.mark.slow  # thousands of examples: the full run has it
@given(st.dictionaries(st.sampled_from(["t", "checkin_id", "deal_id", "x"]), json_values))
def test_tampered_json_decodes_to_nothing_unless_it_is_well_formed(data: dict[str, object]) -> None:
    import json

    ref = decode(json.dumps(data), CheckInRef)
    well_formed = (
        set(data) == {"t", "checkin_id"}
        and data["t"] == "checkin"
        and type(data["checkin_id"]) is int
        and data["checkin_id"] > 0  # type: ignore[operator]
    )
    assert (ref is not None) == well_formed
