"""The CRMs' side of their webhooks, for tests and the demo: a request signed as a
HubSpot workflow signs it (v3, or the older v2 and v1, or an API key instead), and as a
Salesforce Flow's HTTP callout signs it through the Named Credential formula the README
gives (the body's HMAC-SHA256 in hex, with an Idempotency-Key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from .fakeslack.http_delivery import Answer

HUBSPOT_SECRET = "fake-hubspot-app-secret-5b1e"
SALESFORCE_SECRET = "fake-salesforce-secret-92c4"


def body_of(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def hubspot_headers(
    uri: str,
    body: bytes,
    millis: int,
    secret: str = HUBSPOT_SECRET,
    version: str = "v3",
) -> dict[str, str]:
    """What HubSpot sends beside a POST of `body` to `uri` at `millis` (ms since the
    epoch): the v3 signature and its timestamp, or for `v1`/`v2` only that signature."""
    if version == "v3":
        signed = f"POST{uri}".encode() + body + str(millis).encode()
        mac = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
        return {
            "X-HubSpot-Signature-v3": base64.b64encode(mac).decode(),
            "X-HubSpot-Request-Timestamp": str(millis),
        }
    source = secret.encode() + (body if version == "v1" else f"POST{uri}".encode() + body)
    return {
        "X-HubSpot-Signature": hashlib.sha256(source).hexdigest(),
        "X-HubSpot-Signature-Version": version,
    }


def salesforce_headers(
    body: bytes, secret: str = SALESFORCE_SECRET, key: str | None = None
) -> dict[str, str]:
    """What the Named Credential's formula and the Flow's header add to a callout."""
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Serve-Signature": signature, "Idempotency-Key": key or uuid.uuid4().hex}


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> Answer:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))
