"""What a Workflow Builder step's inputs say, read as the forms read them, and the
sentence a run that can't use them fails with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from bot.sandbox.support import hostile_text
from bot.services.stories import DraftProblem
from bot.services.workflow import (
    DealInputs,
    MessageLink,
    Refused,
    Run,
    StepProblem,
    StoryInputs,
    deal_inputs,
    message_link,
    read_amount,
    story_inputs,
)
from bot.store.models import Visibility
from bot.views.workflow import refusal

DEAL = {"customer": "Acme Corp", "owner": "U0BOB"}
STORY = {
    "helpers": ["U0BOB"],
    "what_happened": "Bob rebuilt the export overnight.",
    "shared_by": "U0A",
}


@pytest.mark.parametrize(
    ("link", "read"),
    [
        (
            "https://serve-test.slack.com/archives/C0DEALS/p1763683200000100",
            ("C0DEALS", "1763683200.000100"),
        ),
        (
            "https://acme.enterprise.slack.com/archives/G012AB3CD/p1700000000123456?thread_ts=1.2",
            ("G012AB3CD", "1700000000.123456"),
        ),
        (
            "https://agency.slack-gov.com/archives/C0X1/p1700000000123456",
            ("C0X1", "1700000000.123456"),
        ),
        ("http://serve-test.slack.com/archives/C0DEALS/p1763683200000100", None),  # not https
        ("https://slack.com.evil.test/archives/C0DEALS/p1763683200000100", None),
        ("https://serve-test.slack.com/archives/C0DEALS/1763683200000100", None),  # no p
        ("https://serve-test.slack.com/archives/U0BOB/p1763683200000100", None),  # a person
        ("https://serve-test.slack.com/archives/C0DEALS/p17636832", None),
        ("https://serve-test.slack.com/archives/C0DEALS/p1763683200000100 and more", None),
    ],
)
def test_a_message_link_is_read_as_slacks_copy_link_writes_it(
    link: str, read: tuple[str, str] | None
) -> None:
    found = message_link(link)
    assert (found.channel_id, found.ts) == read if found else read is None


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("", (None, None)),
        ("$40k", (Decimal("40000"), "USD")),
        ("12,000 EUR", (Decimal("12000"), "EUR")),
        ("forty", None),
        ("40000", None),  # as `/serve deal` reads it: no currency, no amount
        ("$40k " + "and more " * 10, None),
    ],
)
def test_an_amount_is_read_as_serve_deal_reads_one(
    typed: str, read: tuple[Decimal | None, str | None] | None
) -> None:
    assert read_amount(typed) == read


def test_the_deal_inputs_read_whole() -> None:
    link = "https://serve-test.slack.com/archives/C0DEALS/p1763683200000100"
    read = deal_inputs(DEAL | {"amount": "$40k", "message_link": link})
    assert read == DealInputs(
        "Acme Corp",
        "U0BOB",
        (Decimal("40000"), "USD"),
        MessageLink(link, "C0DEALS", "1763683200.000100"),
    )


def test_the_customer_is_read_as_the_log_form_reads_it() -> None:
    read = deal_inputs(DEAL | {"customer": "  Acme Corp <@U0BOB> $40k "})
    assert isinstance(read, DealInputs) and read.customer == "Acme Corp"


@pytest.mark.parametrize(
    ("inputs", "refused"),
    [
        ({"customer": None}, Refused(StepProblem.NO_CUSTOMER, "customer")),
        ({"customer": "x" * 201}, Refused(StepProblem.CUSTOMER_TOO_LONG, "customer")),
        ({"customer": "Acme " * 100_000}, Refused(StepProblem.CUSTOMER_TOO_LONG, "customer")),
        ({"customer": "Acme\x00"}, Refused(StepProblem.CONTROL_CHARACTERS, "customer")),
        ({"owner": ""}, Refused(StepProblem.OWNER_NOT_A_PERSON, "owner")),
        ({"amount": "lots"}, Refused(StepProblem.AMOUNT_UNREAD, "amount", "lots")),
        (
            {"message_link": "#deals"},
            Refused(StepProblem.NOT_A_MESSAGE_LINK, "message_link", "#deals"),
        ),
    ],
)
def test_deal_inputs_a_run_cannot_use_are_refused_by_name(
    inputs: dict[str, Any], refused: Refused
) -> None:
    assert deal_inputs(DEAL | inputs) == refused


def test_a_story_is_named_unless_the_run_says_otherwise() -> None:
    read = story_inputs(STORY)
    assert isinstance(read, StoryInputs)
    assert read.draft.visibility == Visibility.NAMED and read.served_id is None
    leads = story_inputs(STORY | {"visibility": "Leads", "quality": "Foresight", "served": "U0C"})
    assert isinstance(leads, StoryInputs)
    assert (leads.draft.visibility, leads.draft.quality, leads.served_id) == (
        Visibility.LEADS,
        "foresight",
        "U0C",
    )


@pytest.mark.parametrize(
    ("inputs", "refused"),
    [
        ({"shared_by": ""}, Refused(StepProblem.NO_TELLER, "shared_by")),
        (
            {"visibility": "everyone"},
            Refused(StepProblem.UNKNOWN_VISIBILITY, "visibility", "everyone"),
        ),
        ({"helpers": ["", " "]}, Refused(DraftProblem.NO_HELPERS, "helpers")),
        ({"what_happened": "   short   "}, Refused(DraftProblem.TOO_SHORT, "what_happened")),
        ({"quality": "speed"}, Refused(DraftProblem.UNKNOWN_QUALITY, "quality", "speed")),
    ],
)
def test_story_inputs_a_run_cannot_use_are_refused_by_name(
    inputs: dict[str, Any], refused: Refused
) -> None:
    assert story_inputs(STORY | inputs) == refused


def test_every_refusal_is_one_sentence_naming_its_input_with_what_it_held_made_inert() -> None:
    said = refusal(Refused(StepProblem.AMOUNT_UNREAD, "amount", "<!channel> " + "9" * 100))
    assert said.startswith('Amount "&lt;!channel&gt; 999')
    assert "<!channel>" not in said and len(said) < 200
    for problem in [*StepProblem, *DraftProblem]:
        assert refusal(Refused(problem, "customer", "x")).endswith(".")


def test_a_run_is_named_by_its_execution_and_its_step() -> None:
    body = {"event": {"function_execution_id": "Fx1", "function": {"callback_id": "log"}}}
    assert Run.of(body) == Run("Fx1", "log")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customer=hostile_text(), amount=hostile_text(), link=hostile_text())
def test_any_step_input_is_read_or_refused_with_a_sentence(
    customer: str, amount: str, link: str
) -> None:
    read = deal_inputs(
        {"customer": customer, "owner": "U0BOB", "amount": amount, "message_link": link}
    )
    if isinstance(read, Refused):
        sentence = refusal(read)
        assert sentence and len(sentence) <= 1000
        return
    assert read.customer.strip() == read.customer and 0 < len(read.customer) <= 200
    assert not any(ord(c) < 32 for c in read.customer)
