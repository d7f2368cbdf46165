"""A second fresh table of #deals channel posts, first used as a held-out check.

Written apart from the recognizer and from the other tables, it first scored the
recognizer at precision 0.74 and recall 0.60; the general kinds of wording it exposed
(a name before "went closed won", time phrases after the verb, buying and PO wording,
ticket and office "closed", awards, NDA titles in bot posts, grouped numbers) were then
fixed, and it stays here as a regression check. Three posts remain beyond the reader:
non-native tenses ("we closing … they sign"), and wins said only as "X is done" or
"said YES" with the signature in another clause.

Conventions (those of `tests/test_recognition_fresh.py`):
- customer: as written, trimmed of punctuation and formatting, `&amp;` -> `&`, case kept;
- owner: the mentioned or "Owner:"/"Rep:" person if any, else the poster for people's
  posts, else None for integration posts; a plain-text owner name goes in `owner_name`;
- amount: the figure said for this deal as written (no annualising), Decimal, ISO code;
  None when no money is said.
"""

from __future__ import annotations

from typing import Any

from bot.services.recognition import recognise_deal
from tests.test_recognition_fresh import Case, crm_win, integration, said, win


def attachment(
    title: str, *fields: tuple[str, str], pretext: str | None = None
) -> list[dict[str, Any]]:
    """A legacy attachment, as Salesforce/HubSpot apps post them."""
    att: dict[str, Any] = {
        "fallback": title,
        "title": title,
        "fields": [{"title": k, "value": v, "short": True} for k, v in fields],
    }
    if pretext:
        att["pretext"] = pretext
    return [att]


def section_fields(header: str, *fields: tuple[str, str]) -> list[dict[str, Any]]:
    """Block Kit: a header and a section of `*Key*\\nvalue` fields."""
    return [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields],
        },
    ]


WINS = [
    # -- terse reps
    Case(
        "terse_lower_multiword",
        "terse rep",
        said("closed kestrel logistics today. 2yr, $38k ARR"),
        win("kestrel logistics", "38000", "USD"),
    ),
    Case(
        "terse_dash_signed_euro_suffix",
        "terse rep",
        said("juniper med - signed. 11k€"),
        win("juniper med", "11000", "EUR"),
    ),
    Case(
        "terse_signed_first",
        "terse rep",
        said("Signed! Ironclad Security Partners, 5yr, $1.1M :exploding_head:"),
        win("Ironclad Security Partners", "1100000", "USD"),
    ),
    Case(
        "terse_bought_plan",
        "terse rep",
        said("saltmarsh brewing bought the pro plan – annual, $4,800"),
        win("saltmarsh brewing", "4800", "USD"),
    ),
    Case(
        "terse_inked_cad",
        "terse rep",
        said("Cobalt Freight Lines finally inked. C$48,000. Long road, 9 months in the pipe."),
        win("Cobalt Freight Lines", "48000", "CAD"),
    ),
    Case(
        "terse_small_logo",
        "terse rep",
        said("Sunrise Bakeries closed :croissant: small one, $1,900 but it's a logo"),
        win("Sunrise Bakeries", "1900", "USD"),
    ),
    Case(
        "terse_dotted_name",
        "terse rep",
        said("tandem.io signed :white_check_mark: going from 3 seats to 40, $19k"),
        win("tandem.io", "19000", "USD"),
    ),
    Case(
        "terse_renewal_done",
        "terse rep",
        said("Renewal done ✅ Caldera Games — 2 more years, $64k"),
        win("Caldera Games", "64000", "USD"),
    ),
    Case(
        "terse_po_received",
        "terse rep",
        said("Oakridge School District PO came in this morning – £22k"),
        win("Oakridge School District", "22000", "GBP"),
    ),
    Case(
        "terse_sfdc_closed_won",
        "terse rep",
        said("Quick one: riverbend clinics went closed won in SFDC, ACV $66k"),
        win("riverbend clinics", "66000", "USD"),
    ),
    Case(
        "terse_pipe_separated",
        "terse rep",
        said("Deal closed: Granite Peak Outfitters | $12,750 | owner <@U0TOM>"),
        win("Granite Peak Outfitters", "12750", "USD", owner="U0TOM"),
    ),
    Case(
        "terse_contract_with_signed",
        "terse rep",
        said("Contract with Vellum Legal is signed. 2 400 € MRR."),
        win("Vellum Legal", "2400", "EUR"),
    ),
    # -- excited managers
    Case(
        "manager_congrats_bold_eur",
        "excited manager",
        said(
            "Huge congrats <@U0MAYA> on landing *Nordlicht GmbH* — €85.000 first year :de: :tada:"
        ),
        win("Nordlicht GmbH", "85000", "EUR", owner="U0MAYA"),
    ),
    Case(
        "manager_quota_aud",
        "excited manager",
        said(
            "Team!!! What a week. <@U0PRIYA> closed Harbourview Hotels (A$56k) and that puts "
            "us over quota for Q3 :partying_face:"
        ),
        win("Harbourview Hotels", "56000", "AUD", owner="U0PRIYA"),
    ),
    Case(
        "manager_welcome_family",
        "excited manager",
        said("Welcome to the family, Ember &amp; Oak! :seedling: Closed by <@U0LENA>, $7.2k"),
        win("Ember & Oak", "7200", "USD", owner="U0LENA"),
    ),
    Case(
        "manager_won_trophy_amp",
        "excited manager",
        said("WON :trophy: Redwood Title &amp; Escrow, $27k, <@U0DEV> owned it end to end"),
        win("Redwood Title & Escrow", "27000", "USD", owner="U0DEV"),
    ),
    Case(
        "manager_officially_customer",
        "excited manager",
        said("pinecone health is officially a customer!!! thank you all for the push"),
        win("pinecone health"),
    ),
    Case(
        "manager_its_official",
        "excited manager",
        said("ok it's official — Papillon Cosmetics is a customer :butterfly:"),
        win("Papillon Cosmetics"),
    ),
    Case(
        "manager_we_got_it_university",
        "excited manager",
        said(
            "we got it!!! northstar university signed the campus-wide license "
            ":mortar_board: $210,000"
        ),
        win("northstar university", "210000", "USD"),
    ),
    Case(
        "manager_verbal_to_signature",
        "excited manager",
        said(
            "verbal turned into a signature :lower_left_fountain_pen: — marigold insurance is "
            "done! $95k"
        ),
        win("marigold insurance", "95000", "USD"),
    ),
    Case(
        "manager_renewed_lower",
        "excited manager",
        said("blue heron credit union renewed for another 3 years! $51,000/yr"),
        win("blue heron credit union", "51000", "USD"),
    ),
    # -- non-native English
    Case(
        "nonnative_have_win_jpy",
        "non-native English",
        said("We have win the Yamato Shoji deal, ¥4,800,000 per year. Thank you team for support"),
        win("Yamato Shoji", "4800000", "JPY"),
    ),
    Case(
        "nonnative_both_side_eur",
        "non-native English",
        said(
            "Happy to inform that contract with Hafenstadt Versicherung AG is now signed by "
            "both side. Value 130.000 €"
        ),
        win("Hafenstadt Versicherung AG", "130000", "EUR"),
    ),
    Case(
        "nonnative_closing_today_y",
        "non-native English",
        said(
            "Finally we closing the deal with Soto y Hermanos today, they sign the contract, "
            "45.000 USD"
        ),
        win("Soto y Hermanos", "45000", "USD"),
    ),
    Case(
        "nonnative_lakh_inr",
        "non-native English",
        said("<@U0RAJ> has closed Saffron Pay :fire: deal value ₹18,00,000"),
        win("Saffron Pay", "1800000", "INR", owner="U0RAJ"),
    ),
    Case(
        "nonnative_contract_done_eur_suffix",
        "non-native English",
        said(
            "Castellan Foods :handshake: is done deal. Contract signed yesterday evening, 9.5k EUR"
        ),
        win("Castellan Foods", "9500", "EUR"),
    ),
    # -- emoji-heavy
    Case(
        "emoji_bold_headline_tcv",
        "emoji-heavy",
        said("*Ostara Bio* :tada: :tada: :tada:\nsigned 3yr MSA + first SOW, $240k TCV"),
        win("Ostara Bio", "240000", "USD"),
    ),
    Case(
        "emoji_ring_the_bell",
        "emoji-heavy",
        said(
            ":bell::bell::bell: RING THE BELL :bell: zephyr air cargo :airplane: CLOSED "
            ":moneybag: $88K"
        ),
        win("zephyr air cargo", "88000", "USD"),
    ),
    Case(
        "emoji_rockets_order_form",
        "emoji-heavy",
        said(
            ":rocket: :rocket: Brightwater Dental just signed the order form!! $14,200 :champagne:"
        ),
        win("Brightwater Dental", "14200", "USD"),
    ),
    Case(
        "emoji_closed_won_brl",
        "emoji-heavy",
        said("Mercado Verde is closed-won :moneybag::moneybag: R$120.000 :flag-br:"),
        win("Mercado Verde", "120000", "BRL"),
    ),
    Case(
        "emoji_docusign_sek",
        "emoji-heavy",
        said(
            "Fjord Analytics said YES and the signed contract is back in DocuSign "
            ":raised_hands: 450 000 SEK"
        ),
        win("Fjord Analytics", "450000", "SEK"),
    ),
    Case(
        "emoji_swiss_francs",
        "emoji-heavy",
        said(":flag-ch: Signed and countersigned: Lumen &amp; Lark. 12 months, CHF 30'000"),
        win("Lumen & Lark", "30000", "CHF"),
    ),
    # -- thread-style chatter
    Case(
        "thread_reply_signed",
        "thread chatter",
        said(
            "replying here bc the main thread got long: yes, Wolfram Dairy signed last night, "
            "€22k, <@U0ELLA> take a bow",
            thread_ts="1711990000.000100",
        ),
        win("Wolfram Dairy", "22000", "EUR", owner="U0ELLA"),
    ),
    Case(
        "thread_story_opener",
        "thread chatter",
        said(
            "How we won Tesseract Robotics :thread: (1/3) — they signed on Friday, $310k over "
            "3 years"
        ),
        win("Tesseract Robotics", "310000", "USD"),
    ),
    # -- CRM, Zapier and workflow bots
    Case(
        "crm_sfdc_attachment",
        "CRM bot",
        integration(
            "",
            attachments=attachment(
                "Opportunity Closed Won",
                ("Account Name", "Vantage Point Realty"),
                ("Amount", "$72,000.00"),
                ("Stage", "Closed Won"),
                ("Opportunity Owner", "Carla Mendez"),
            ),
        ),
        crm_win("Vantage Point Realty", "72000", "USD", owner_name="Carla Mendez"),
    ),
    Case(
        "crm_hubspot_text_owner_mention",
        "CRM bot",
        integration(
            ":tada: Deal won! *Lighthouse Learning* — $15,600 — owner: <@U0AMIR>",
            bot_id="B0HUBSPOT",
        ),
        crm_win("Lighthouse Learning", "15600", "USD", owner="U0AMIR"),
    ),
    Case(
        "zapier_pipedrive_lines",
        "Zapier bot",
        integration(
            "New closed-won deal in Pipedrive\nDeal: Quarry Stoneworks\n"
            "Value: 8,400 EUR\nOwner: Jonas Becker",
            bot_id="B0ZAPIER",
        ),
        crm_win("Quarry Stoneworks", "8400", "EUR", owner_name="Jonas Becker"),
    ),
    Case(
        "workflow_deal_desk",
        "workflow post",
        integration(
            "*Deal desk submission*\n*Customer:* Halcyon Aviation\n*Status:* Signed\n"
            "*ACV:* $140,000\n*Rep:* <@U0NINA>",
            bot_id="B0WORKFLOW",
        ),
        crm_win("Halcyon Aviation", "140000", "USD", owner="U0NINA"),
    ),
    Case(
        "crm_blocks_lower_amp",
        "CRM bot",
        integration(
            "New deal won: moss &amp; fern studio",
            bot_id="B0CRM2",
            blocks=section_fields(
                "Closed Won :tada:",
                ("Company", "moss &amp; fern studio"),
                ("Stage", "Closed Won"),
                ("Amount", "£6,000"),
            ),
        ),
        crm_win("moss & fern studio", "6000", "GBP"),
    ),
    Case(
        "crm_moved_to_closed_won_by",
        "CRM bot",
        integration(
            "Opportunity *Aurora Cold Storage* moved to Closed Won by Sam Ortiz (¥2,300,000)"
        ),
        crm_win("Aurora Cold Storage", "2300000", "JPY", owner_name="Sam Ortiz"),
    ),
    Case(
        "crm_middot_line",
        "CRM bot",
        integration("Closed Won :white_check_mark: Bramble Veterinary Group · $33,000 · Q2"),
        crm_win("Bramble Veterinary Group", "33000", "USD"),
    ),
    Case(
        "docusign_order_form_completed",
        "CRM bot",
        integration(
            "Envelope completed: *Order Form - Pelican Bay Marinas* has been signed by "
            "all parties.",
            bot_id="B0DOCUSIGN",
        ),
        crm_win("Pelican Bay Marinas"),
    ),
]


NEAR_MISSES = [
    # plans, forecasts, questions
    Case(
        "nm_plan_close_this_week",
        "plan",
        said("goal this week is to close Lakeside Dental :crossed_fingers:"),
        None,
    ),
    Case(
        "nm_forecast_should_close",
        "plan",
        said("Forecast: Lumina Schools should close next month, ~€60k"),
        None,
    ),
    Case(
        "nm_will_close_bet", "plan", said("We'll close Granitewave by Friday, I'd bet on it"), None
    ),
    Case(
        "nm_question_renewal_closed",
        "question",
        said("Anyone know who owns the Tidewater Pharma renewal? Is it closed?"),
        None,
    ),
    Case(
        "nm_question_did_sign",
        "question",
        said("Did Blackbird Media ever sign? Their legal went quiet"),
        None,
    ),
    Case(
        "nm_not_closed_yet",
        "negation",
        said("Not closed yet but Yellowtail Sushi Co is super close :crossed_fingers:"),
        None,
    ),
    Case(
        "nm_pushed_signature",
        "slip",
        said("Marlowe Group pushed signature to next quarter :face_with_rolling_eyes:"),
        None,
    ),
    # losses and churn
    Case(
        "nm_lost_signed_with_competitor",
        "loss",
        said("Lost Copperline Mining to a competitor :( they signed with Vendorly instead"),
        None,
    ),
    Case(
        "nm_deal_is_dead",
        "loss",
        said("The Ravenwood deal is dead. They went with in-house."),
        None,
    ),
    Case(
        "nm_churned_cancelled",
        "churn",
        said("Bad news: Mistral Textiles churned, cancelled effective 30 June"),
        None,
    ),
    Case(
        "nm_renewal_at_risk",
        "churn",
        said("Renewal at risk: Dovetail Partners won't renew unless we drop the price 20%"),
        None,
    ),
    Case(
        "nm_crm_closed_lost",
        "loss",
        integration(
            "",
            attachments=attachment(
                "Opportunity updated",
                ("Account Name", "Summit Ridge Bank"),
                ("Stage", "Closed Lost"),
                ("Amount", "$90,000"),
            ),
        ),
        None,
    ),
    # paperwork that is not a sale
    Case(
        "nm_nda_signed",
        "NDA/DPA/LOI",
        said("NDA signed with Polaris Grid, kicking off discovery next week"),
        None,
    ),
    Case(
        "nm_dpa_countersigned",
        "NDA/DPA/LOI",
        said("DPA is countersigned for Arbor Health so legal can start the security review"),
        None,
    ),
    Case(
        "nm_loi_signed",
        "NDA/DPA/LOI",
        said("We signed an LOI with Quayside Ports — MSA to follow, hopefully Q4"),
        None,
    ),
    Case(
        "nm_docusign_mutual_nda",
        "NDA/DPA/LOI",
        integration(
            "Envelope completed: *Mutual NDA - Crescent Labs* has been signed by all parties.",
            bot_id="B0DOCUSIGN",
        ),
        None,
    ),
    Case(
        "nm_unpaid_pilot",
        "trial",
        said(
            "Re: Foxglove — they signed the pilot agreement (unpaid, 30 days) so we can start "
            "the POC"
        ),
        None,
    ),
    Case(
        "nm_signed_off_agenda",
        "other signed",
        said("Who's taking the Kessler Foundation demo? They signed off on the agenda"),
        None,
    ),
    Case(
        "nm_signed_up_webinar",
        "other signed",
        said("Heron Bay signed up for the webinar on Thursday"),
        None,
    ),
    # support and other "closed"
    Case(
        "nm_ticket_closed",
        "support ticket",
        said("Ticket #4821 for Vireo Labs closed — SSO issue resolved :white_check_mark:"),
        None,
    ),
    Case(
        "nm_closed_the_loop",
        "other closed",
        said("Closed the loop with Orchard Analytics on pricing, they want a revised quote"),
        None,
    ),
    Case(
        "nm_books_closed", "other closed", said("Finance closed the books for March :books:"), None
    ),
    Case("nm_office_closed", "other closed", said("Office is closed Monday for the holiday"), None),
    # totals, trials, verbal
    Case(
        "nm_pipeline_totals",
        "pipeline totals",
        said("Pipeline update: $1.4M in commit, $600k closed so far this quarter"),
        None,
    ),
    Case(
        "nm_quota_ytd",
        "pipeline totals",
        said("Quota check: team closed $2.3M YTD, 82% of target :chart_with_upwards_trend:"),
        None,
    ),
    Case(
        "nm_trial_started",
        "trial",
        said("Sandpiper Logistics started a 14-day trial today :eyes:"),
        None,
    ),
    Case(
        "nm_verbal_yes",
        "verbal",
        said("Verbal yes from Hawthorne Capital!!! paperwork next week, don't ring the bell yet"),
        None,
    ),
    Case(
        "nm_crm_stage_proposal",
        "CRM not won",
        integration("Deal stage changed: *Larkspur Hotels* → Proposal Sent ($42,000)"),
        None,
    ),
    Case(
        "nm_zapier_new_deal_qualified",
        "CRM not won",
        integration(
            "New deal created in Pipedrive\nDeal: Tamarind Travel\nValue: 12,000 EUR\n"
            "Stage: Qualified",
            bot_id="B0ZAPIER",
        ),
        None,
    ),
    Case(
        "nm_pause_contract",
        "churn",
        said("Castellan Foods asked to pause their contract until September"),
        None,
    ),
    Case(
        "nm_rfp_shortlist",
        "not yet won",
        said(
            "Won a spot on the RFP shortlist for Bellweather County :crossed_fingers: final "
            "decision in May"
        ),
        None,
    ),
    Case(
        "nm_small_win_meeting",
        "not a sale",
        said("Small win: got a meeting with Nimbus Retail's CFO next Tuesday"),
        None,
    ),
    # wins that are not sales
    Case(
        "nm_hackathon",
        "non-sales win",
        said("We won the internal hackathon :trophy: team Serve-Bot takes it home"),
        None,
    ),
    Case(
        "nm_award",
        "non-sales win",
        said("Congrats <@U0KAI> on winning Rookie of the Quarter :medal:"),
        None,
    ),
    Case(
        "nm_bet",
        "non-sales win",
        said("Paying up: <@U0JO> won the bet, the Lakers did make the playoffs :basketball:"),
        None,
    ),
]

CASES = WINS + NEAR_MISSES


MIN_PRECISION, MIN_RECALL = 0.97, 0.9


def test_second_fresh_table_precision_and_recall() -> None:
    correct = fired = 0
    wrong: list[str] = []
    for case in CASES:
        found = recognise_deal(case.message)
        fired += found is not None
        right = (
            found is None
            if case.expected is None
            else found is not None
            and found.customer.casefold() == case.expected.customer.casefold()
        )
        correct += right and case.expected is not None
        if not right:
            wrong.append(f"{case.id}: {case.text!r} -> {found}")
    precision, recall = correct / max(fired, 1), correct / len(WINS)
    report = "\n".join(wrong)
    assert precision >= MIN_PRECISION, f"precision {precision:.3f}\n{report}"
    assert recall >= MIN_RECALL, f"recall {recall:.3f}\n{report}"
