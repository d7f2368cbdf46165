"""Deal recognition, message by message: what a closed-deal post says, and near misses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.services.recognition import DealSighting, recognise_deal

POSTER = "U0POSTER"


def said(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": POSTER, "text": text, "ts": "1.1", **extra}


def integration(text: str = "", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "subtype": "bot_message", "bot_id": "B0CRM", "text": text, **extra}


def attachment(title: str, **fields: str) -> list[dict[str, Any]]:
    return [
        {
            "fallback": title,
            "title": title,
            "fields": [
                {"title": k.replace("_", " ").title(), "value": v} for k, v in fields.items()
            ],
        }
    ]


def sighting(
    customer: str,
    amount: str | None = None,
    currency: str | None = None,
    owner_id: str | None = POSTER,
    owner_name: str | None = None,
    from_integration: bool = False,
) -> DealSighting:
    return DealSighting(
        customer=customer,
        owner_id=owner_id,
        owner_name=owner_name,
        amount=Decimal(amount) if amount else None,
        currency=currency,
        from_integration=from_integration,
    )


PEOPLE_POSTS = [
    ("dash_and_renewal", said("Closed Acme Corp — 3-year renewal!"), sighting("Acme Corp")),
    ("emoji_and_k", said(":tada: signed Globex, $40k"), sighting("Globex", "40000", "USD")),
    (
        "deal_with",
        said("We just closed the deal with Initech for $120,000"),
        sighting("Initech", "120000", "USD"),
    ),
    ("name_then_verb", said("Initech signed! 2-year deal"), sighting("Initech")),
    (
        "euro_k",
        said("We just closed the deal with Umbrella for €120k"),
        sighting("Umbrella", "120000", "EUR"),
    ),
    ("link_label", said("Big win: <https://acme.example|Acme> is closed-won"), sighting("Acme")),
    (
        "congrats_mention",
        said("Congrats to <@U0BOB> on closing Hooli!"),
        sighting("Hooli", owner_id="U0BOB"),
    ),
    (
        "bold_name",
        said("*Wayne Enterprises* signed! 250k USD"),
        sighting("Wayne Enterprises", "250000", "USD"),
    ),
    (
        "escaped_ampersand",
        said("Smith &amp; Co signed, £3,500 a month"),
        sighting("Smith & Co", "3500", "GBP"),
    ),
    ("digits_name", said("Huge win! Signed 3M to a 2-year deal"), sighting("3M")),
    (
        "welcome_aboard",
        said("Welcome aboard, Stark Industries! Contract signed today."),
        sighting("Stark Industries"),
    ),
    (
        "booked_amount_first",
        said("Booked a $15k deal with Soylent Corp today"),
        sighting("Soylent Corp", "15000", "USD"),
    ),
    (
        "renewed_millions",
        said("Renewed Initech for another 3 years, €1.2M"),
        sighting("Initech", "1200000", "EUR"),
    ),
    (
        "now_a_customer",
        said("We're thrilled: Cyberdyne Systems is now a customer! $75k ARR"),
        sighting("Cyberdyne Systems", "75000", "USD"),
    ),
    (
        "inked_emoji_between",
        said("Just inked a deal with Massive Dynamic :fire: 1.5M EUR"),
        sighting("Massive Dynamic", "1500000", "EUR"),
    ),
    (
        "deal_done",
        said("Deal done with Vandelay Industries, 18 months, USD 25,000"),
        sighting("Vandelay Industries", "25000", "USD"),
    ),
    (
        "landing_mention",
        said("Congratulations <@U0CAROL|carol> for landing Pied Piper!"),
        sighting("Pied Piper", owner_id="U0CAROL"),
    ),
    (
        "sealed_m",
        said("Another one! Sealed Tyrell Corp for $2.3m :champagne:"),
        sighting("Tyrell Corp", "2300000", "USD"),
    ),
    (
        "signature_from",
        said("Got the signature from Aperture Science today — $90k"),
        sighting("Aperture Science", "90000", "USD"),
    ),
    (
        "renewed_after_name",
        said("Wayne Enterprises renewed for 2 years"),
        sighting("Wayne Enterprises"),
    ),
    ("bagged_upper_k", said("Bagged Oscorp! 40K USD"), sighting("Oscorp", "40000", "USD")),
    (
        "closed_won_colon",
        said("Closed won: Gringotts Bank, £500k"),
        sighting("Gringotts Bank", "500000", "GBP"),
    ),
    (
        "this_morning",
        said("We closed Nakatomi Trading this morning!"),
        sighting("Nakatomi Trading"),
    ),
    ("closed_the_name_deal", said("Closed the Acme deal!"), sighting("Acme")),
    ("yen", said("Signed Yoyodyne ¥3,000,000"), sighting("Yoyodyne", "3000000", "JPY")),
    (
        "rich_text_only",
        said(
            "",
            blocks=[
                {
                    "type": "rich_text",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "Closed Soylent Corp "},
                                {"type": "emoji", "name": "tada"},
                            ],
                        }
                    ],
                }
            ],
        ),
        sighting("Soylent Corp"),
    ),
]

PEOPLE_POSTS += [
    ("future_in_another_clause", said("Closed Acme, kickoff next week"), sighting("Acme")),
    (
        "pipeline_total_is_not_the_amount",
        said("Closed Acme! Pipeline is now $2M"),
        sighting("Acme"),
    ),
    ("european_thousands", said("Closed Acme for €120.000"), sighting("Acme", "120000", "EUR")),
    (
        "european_decimals",
        said("Signed Globex at €1.234,56 a seat"),
        sighting("Globex", "1234.56", "EUR"),
    ),
    (
        "win_after_a_progressive_clause",
        said("Closing the quarter strong: signed Acme"),
        sighting("Acme"),
    ),
]

INTEGRATION_POSTS = [
    (
        "salesforce_attachment",
        integration(
            attachments=attachment(
                "Wayne Enterprises - Expansion",
                stage="Closed Won",
                amount="$250,000.00",
                owner="<@U0BOB>",
            )
        ),
        sighting("Wayne Enterprises", "250000", "USD", owner_id="U0BOB", from_integration=True),
    ),
    (
        "salesforce_account_field",
        integration(
            "Opportunity updated",
            attachments=attachment(
                "Q4 expansion", account_name="Globex Corporation", stage="Closed Won"
            ),
        ),
        sighting("Globex Corporation", owner_id=None, from_integration=True),
    ),
    (
        "hubspot_text_fields",
        integration(
            "Deal stage changed to Closed won\nDeal: Acme Corp - New Business\n"
            "Amount: $12,000\nDeal owner: Jane Doe"
        ),
        sighting(
            "Acme Corp", "12000", "USD", owner_id=None, owner_name="Jane Doe", from_integration=True
        ),
    ),
    (
        "zapier_key_values",
        integration(
            "*New closed deal*\nCompany: Initech\nValue: 48000\n"
            "Owner: <@U0ALICE|alice>\nStage: closedwon"
        ),
        sighting("Initech", "48000", None, owner_id="U0ALICE", from_integration=True),
    ),
    (
        "block_kit_section_fields",
        {
            "bot_id": "B0FLOW",
            "text": "",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": ":trophy: Opportunity won"}},
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": "*Account*\nHooli"},
                        {"type": "mrkdwn", "text": "*Amount*\n€80k"},
                        {"type": "mrkdwn", "text": "*Owner*\n<@U0BOB>"},
                    ],
                },
            ],
        },
        sighting("Hooli", "80000", "EUR", owner_id="U0BOB", from_integration=True),
    ),
    (
        "workflow_rich_text",
        {
            "bot_id": "B0WORKFLOW",
            "text": "",
            "blocks": [
                {
                    "type": "rich_text",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [
                                {"type": "text", "text": "Signed "},
                                {"type": "text", "text": "Umbrella Corp", "style": {"bold": True}},
                                {"type": "text", "text": " for $30k, owner "},
                                {"type": "user", "user_id": "U0CAROL"},
                            ],
                        }
                    ],
                }
            ],
        },
        sighting("Umbrella Corp", "30000", "USD", owner_id="U0CAROL", from_integration=True),
    ),
    (
        "integration_plain_text_no_owner",
        integration("Closed Massive Dynamic, $5,000 MRR"),
        sighting("Massive Dynamic", "5000", "USD", owner_id=None, from_integration=True),
    ),
    (
        "section_field_with_colon",
        {
            "bot_id": "B0FLOW",
            "text": "",
            "blocks": [
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": "*Stage:*\nClosed Won"},
                        {"type": "mrkdwn", "text": "*Customer:*\nBlue Sun Corp"},
                    ],
                }
            ],
        },
        sighting("Blue Sun Corp", owner_id=None, from_integration=True),
    ),
]

NEAR_MISSES = [
    ("closing_next_week", said("Closing Acme next week")),
    ("closing_by_eoq", said("Closing Acme Corp by EOQ")),
    ("will_close_tomorrow", said("We'll close Acme tomorrow")),
    ("hoping_to_sign", said("Hoping to sign Globex by Friday")),
    ("about_to_sign", said("Acme is about to sign")),
    ("closes_next_week", said("Acme closes next week")),
    ("should_close", said("Acme is in legal review, should close next month")),
    ("fingers_crossed", said("Fingers crossed Acme signs tomorrow")),
    ("closed_lost", said("closed lost - Globex went with a competitor")),
    ("is_closed_lost", said("The deal with Initech is closed lost")),
    ("lost_the_deal", said("We lost the deal with Initech")),
    ("lost_to_competitor", said("Lost Globex to a competitor")),
    ("fell_through", said("Acme fell through")),
    ("didnt_sign", said("Globex didn't sign")),
    ("has_not_signed", said("Globex has not signed yet")),
    ("did_not_close", said("We didn't close Initech this quarter")),
    ("closed_ticket", said("closed the ticket for Acme")),
    ("closed_jira_issue", said("closed the Jira issue for Acme")),
    ("closed_support_case", said("Closed out the Acme support case")),
    ("closed_the_loop", said("Closed the loop with Acme on the invoice issue")),
    ("closed_books", said("closed the books for October")),
    ("closed_laptop", said("I closed my laptop, bye")),
    ("question_did_we", said("Did we close Acme?")),
    ("question_has_signed", said("has Globex signed?")),
    ("question_mark", said("Acme signed??")),
    ("hypothetical", said("if we close Acme this quarter we hit target")),
    ("almost", said("almost closed Acme!")),
    ("verbal", said("Verbal yes from Acme, paperwork next week")),
    ("no_customer", said("Closed it!")),
    ("no_customer_deal", said("closed the deal :tada:")),
    ("signed_up", said("signed up for the webinar")),
    ("won_hackathon", said("We won the hackathon!")),
    ("nda_only", said("Acme signed the NDA, contract to follow next week")),
    (
        "stage_closed_lost",
        integration(attachments=attachment("Globex - Renewal", stage="Closed Lost")),
    ),
    (
        "stage_negotiation",
        integration(
            attachments=attachment("Globex - Renewal", stage="Negotiation", amount="$9,000")
        ),
    ),
    ("stage_proposal_text", integration("Deal: Acme Corp\nStage: Proposal sent")),
    ("hubspot_no_customer", integration("Deal stage changed to Closed won")),
    ("possessive_support_ticket", said("Closed Acme's support ticket")),
    ("nda_is_not_a_sale", said("Signed the NDA with Acme")),
    ("signed_up_for_a_trial", said("Acme signed up for a trial")),
    ("stage_plain_closed", integration(attachments=attachment("Acme - X", stage="Closed"))),
]


@pytest.mark.parametrize(
    "message,expected",
    [pytest.param(m, e, id=i) for i, m, e in PEOPLE_POSTS + INTEGRATION_POSTS],
)
def test_closed_deal_post_is_recognised(message: dict[str, Any], expected: DealSighting) -> None:
    assert recognise_deal(message) == expected


@pytest.mark.parametrize("message", [pytest.param(m, id=i) for i, m in NEAR_MISSES])
def test_near_miss_is_not_a_deal(message: dict[str, Any]) -> None:
    assert recognise_deal(message) is None
