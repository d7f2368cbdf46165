"""How a CRM webhook is verified (HubSpot's signatures, checked against HubSpot's own
published examples; Serve's Salesforce scheme) and how its payload is read."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from bot.sandbox.support import hostile_text
from bot.services.crm import Keys, Source, Unreadable, digest, read_win
from bot.webhooks import CrmRequest, Refused, hubspot_proof, hubspot_uri, salesforce_proof

# HubSpot's request validation page: its example secret, v1 body and resulting hashes.
HUBSPOT_EXAMPLE_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
HUBSPOT_EXAMPLE_BODY = (
    b'[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    b'"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,'
    b'"changeSource":"CRM","changeFlag":"NEW","appId":54321}]'
)
HUBSPOT_V1_EXAMPLE = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
HUBSPOT_V2_GET_EXAMPLE = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
NOW_MS = 1_795_222_800_000
URI = "https://serve.example.com/crm/hubspot"


def request(
    headers: dict[str, str], body: bytes = b"{}", method: str = "POST", uri: str = URI
) -> CrmRequest:
    lowered = {name.lower(): value for name, value in headers.items()}
    return CrmRequest(method, (uri,), lowered, "", body)


def v3(secret: str, method: str, uri: str, body: bytes, stamp: int) -> str:
    signed = method.encode() + uri.encode() + body + str(stamp).encode()
    return base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def test_hubspots_published_v1_example_verifies() -> None:
    keys = Keys(secret=HUBSPOT_EXAMPLE_SECRET)
    given = request({"X-HubSpot-Signature": HUBSPOT_V1_EXAMPLE}, HUBSPOT_EXAMPLE_BODY)

    assert hubspot_proof(keys, given, NOW_MS) == f"v1:{HUBSPOT_V1_EXAMPLE}"


def test_hubspots_published_v2_example_verifies() -> None:
    keys = Keys(secret=HUBSPOT_EXAMPLE_SECRET)
    headers = {"X-HubSpot-Signature": HUBSPOT_V2_GET_EXAMPLE, "X-HubSpot-Signature-Version": "v2"}
    given = request(headers, b"", "GET", "https://www.example.com/webhook_uri")

    assert hubspot_proof(keys, given, NOW_MS).startswith("v2:")


def test_a_v3_signature_verifies_within_five_minutes_and_not_after() -> None:
    keys, body = Keys(secret="app-secret"), b'{"record_id": "1"}'
    for age_ms, taken in ((0, True), (299_000, True), (-299_000, True), (301_000, False)):
        stamp = NOW_MS - age_ms
        headers = {
            "X-HubSpot-Signature-v3": v3("app-secret", "POST", URI, body, stamp),
            "X-HubSpot-Request-Timestamp": str(stamp),
        }
        if taken:
            assert hubspot_proof(keys, request(headers, body), NOW_MS).startswith("v3:")
        else:
            with pytest.raises(Refused, match="five minutes"):
                hubspot_proof(keys, request(headers, body), NOW_MS)


def test_a_v3_signature_over_another_body_or_secret_is_refused_even_with_a_good_v1() -> None:
    keys, body = Keys(secret="app-secret"), b'{"record_id": "1"}'
    good_v1 = hashlib.sha256(b"app-secret" + body).hexdigest()
    for signed_body, secret in ((b'{"record_id": "2"}', "app-secret"), (body, "other")):
        headers = {
            "X-HubSpot-Signature-v3": v3(secret, "POST", URI, signed_body, NOW_MS),
            "X-HubSpot-Request-Timestamp": str(NOW_MS),
            "X-HubSpot-Signature": good_v1,  # v3 decides when it is there
        }
        with pytest.raises(Refused) as refused:
            hubspot_proof(keys, request(headers, body), NOW_MS)
        assert refused.value.status == 401


def test_hubspot_signs_its_uri_with_some_escapes_decoded() -> None:
    assert hubspot_uri("/crm/hubspot?a=b%3Ac%2Cd%20e") == "/crm/hubspot?a=b:c,d%20e"


def test_an_api_key_is_compared_by_its_digest() -> None:
    keys = Keys(api_key_digest=digest("the-key"))

    assert hubspot_proof(keys, request({"X-Serve-Key": "the-key"}), NOW_MS).startswith("key:")
    with pytest.raises(Refused):
        hubspot_proof(keys, request({"X-Serve-Key": "the-key2"}), NOW_MS)
    with pytest.raises(Refused, match="not set up"):
        hubspot_proof(Keys(), request({"X-Serve-Key": "the-key"}), NOW_MS)


def test_salesforce_is_verified_by_the_bodys_hmac_and_needs_an_idempotency_key() -> None:
    keys, body = Keys(secret="sf-secret"), b'{"record_id": "006"}'
    signature = hmac.new(b"sf-secret", body, hashlib.sha256).hexdigest()

    taken = salesforce_proof(
        keys, request({"X-Serve-Signature": signature, "Idempotency-Key": "k1"}, body)
    )
    assert taken == "key:k1"
    with pytest.raises(Refused) as refused:
        salesforce_proof(keys, request({"X-Serve-Signature": signature}, body))
    assert refused.value.status == 400
    with pytest.raises(Refused) as refused:
        salesforce_proof(keys, request({"X-Serve-Signature": signature.upper()[:-1] + "0"}, body))
    assert refused.value.status == 401


def payload(**changes: object) -> bytes:
    base: dict[str, object] = {
        "record_id": "42",
        "customer": "  Acme   Corp ",
        "amount": "40,000.50",
        "currency": "usd",
        "stage": "closedwon",
        "owner_email": "Dana@Example.com",
        "link": "https://app.hubspot.com/contacts/1/record/0-3/42",
    }
    return json.dumps({k: v for k, v in (base | changes).items() if v is not None}).encode()


def test_a_win_is_read_from_serves_names_or_hubspots() -> None:
    ours = read_win(payload(), Source.HUBSPOT)
    hubspots = read_win(
        json.dumps(
            {
                "hs_object_id": 42,
                "dealname": "Acme Corp",
                "amount": 40000.5,
                "deal_currency_code": "USD",
                "dealstage": "closedwon",
            }
        ).encode(),
        Source.HUBSPOT,
    )

    assert (ours.record_id, ours.customer, ours.amount, ours.currency) == (
        "42",
        "Acme Corp",
        Decimal("40000.50"),
        "USD",
    )
    assert (hubspots.record_id, hubspots.customer, hubspots.amount) == (
        "42",
        "Acme Corp",
        Decimal("40000.50"),
    )
    assert hubspots.owner_email is None and hubspots.link is None
    assert read_win(payload(amount=None), Source.HUBSPOT).currency is None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[]", "not a JSON object"),
        (b'{"a": NaN}', "not UTF-8 JSON"),
        (b"[" * 50_000, "not UTF-8 JSON"),
        (payload(customer=""), "customer is missing"),
        (payload(customer="x" * 201), "customer is longer"),
        (payload(customer="Acme\x1b[31m"), "control characters"),
        (payload(record_id=None), "record_id is missing"),
        (payload(record_id="4 2"), "one word"),
        (payload(stage=None), "stage is missing"),
        (payload(amount="-5"), "amount"),
        (payload(amount=True), "amount"),
        (payload(amount="1e30"), "amount"),
        (payload(amount="99999999999999999"), "too large"),
        (payload(currency="dollars"), "currency"),
        (payload(owner_email="dana"), "owner_email"),
        (payload(owner_email="<!channel>@x.com"), "owner_email"),
        (payload(link="javascript:alert(1)"), "link"),
        (payload(link="https://x.test/a b"), "link"),
        (payload(link="https://x.test/|click"), "link"),
        (payload(sent_at="yesterday"), "sent_at"),
        (payload(sent_at="2026-11-20T17:00:00"), "time zone"),
    ],
)
def test_what_is_not_a_wins_payload_is_named(body: bytes, problem: str) -> None:
    with pytest.raises(Unreadable, match=problem):
        read_win(body, Source.HUBSPOT)


def test_a_lost_stage_is_no_win() -> None:
    assert read_win(payload(stage="Closed Lost"), Source.SALESFORCE).is_lost
    assert not read_win(payload(stage="Closed Won"), Source.SALESFORCE).is_lost


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customer=hostile_text(), stage=hostile_text(), amount=hostile_text())
def test_any_payload_text_is_read_or_refused_in_a_sentence(
    customer: str, stage: str, amount: str
) -> None:
    body = json.dumps(
        {"record_id": "42", "customer": customer, "stage": stage, "amount": amount}
    ).encode("utf-8", "surrogatepass")
    try:
        win = read_win(body, Source.HUBSPOT)
    except Unreadable as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    assert win.customer == " ".join(win.customer.split()) and 0 < len(win.customer) <= 200
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in win.customer + win.stage)
