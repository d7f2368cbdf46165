"""CRM webhooks in HTTP mode: a HubSpot workflow's "Send a webhook" at /crm/hubspot and a
Salesforce Flow's HTTP callout at /crm/salesforce (with many workspaces, each under its
team id: /crm/hubspot/T0123).

Each request is verified before its body is read as anything: HubSpot's v3 signature
(HMAC-SHA256 of method, full URI, body and timestamp, made at most five minutes ago by
the injected clock), else its v2 or v1 signature, else the workspace's API key; for
Salesforce, Serve's own scheme (an HMAC-SHA256 of the body, a `sent_at` in it at most
five minutes old, and an Idempotency-Key header). Then it is answered at once: the deal
is stored with its due work, and Slack is spoken to later. A request taken before (the
same signature, or the same idempotency key) is refused; the same win sent again in a
new request is answered and changes nothing. Every refusal is one log line, never the
body, and leaves nothing stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.config import Settings
from bot.services import crm
from bot.services.crm import Keys, Source
from bot.store.db import Store

log = logging.getLogger(__name__)
CRM_PATH = "/crm/"
# A win's payload is a few hundred bytes; this leaves room for long names and links.
CRM_BODY_LIMIT_BYTES = 64 * 1024
MAX_AGE = timedelta(minutes=5)
TEAM_ID = re.compile(r"[TE][A-Z0-9]{2,31}")
STAMP_MAX_DIGITS = 16

HUBSPOT_V3 = "x-hubspot-signature-v3"
HUBSPOT_TIMESTAMP = "x-hubspot-request-timestamp"
HUBSPOT_SIGNATURE = "x-hubspot-signature"
HUBSPOT_VERSION = "x-hubspot-signature-version"
API_KEY_HEADER = "x-serve-key"
API_KEY_PARAMETER = "serve_key"
SALESFORCE_SIGNATURE = "x-serve-signature"
IDEMPOTENCY_KEY = "idempotency-key"
IDEMPOTENCY_KEY_MAX = 200
# The escapes HubSpot decodes in the URI before it signs it.
HUBSPOT_DECODED = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}
ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
StartResponse = Callable[..., Any]


class Refused(Exception):
    """The request is not taken: the status to answer and a short reason."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status
        self.why = why


@dataclass(frozen=True)
class CrmRequest:
    """One request as the checks need it: its method, the URIs it may have been sent
    to (behind a proxy the scheme Serve sees may not be the one the CRM used), its
    headers by lower-case name, query parameters and body as sent."""

    method: str
    uris: tuple[str, ...]
    headers: dict[str, str]
    query: str
    body: bytes

    def header(self, name: str) -> bytes:
        """A header's value as sent (WSGI gives headers as latin-1 text)."""
        return self.headers.get(name, "").strip().encode("latin-1", "replace")


def hubspot_proof(keys: Keys, request: CrmRequest, now_ms: int) -> str:
    """What makes this HubSpot request unique, once it is shown to come from the
    workspace's HubSpot: its v3 signature (the others are its v2 or v1 signature, or its
    body when it carries the API key). Raises Refused."""
    if keys.secret and request.header(HUBSPOT_V3):
        return "v3:" + _hubspot_v3(keys.secret.encode(), request, now_ms)
    if keys.secret and request.header(HUBSPOT_SIGNATURE):
        return _hubspot_v1_or_v2(keys.secret.encode(), request)
    if keys.api_key_digest:
        given = request.header(API_KEY_HEADER) or _parameter(request.query, API_KEY_PARAMETER)
        digest = hashlib.sha256(given).hexdigest().encode()
        if given and hmac.compare_digest(digest, keys.api_key_digest.encode()):
            return "key:" + hashlib.sha256(request.body).hexdigest()
    if not keys.any:
        raise Refused(401, "webhooks from HubSpot are not set up for this workspace")
    raise Refused(401, "not signed by this workspace's HubSpot")


def _hubspot_v3(secret: bytes, request: CrmRequest, now_ms: int) -> str:
    stamp = request.header(HUBSPOT_TIMESTAMP)
    if not (stamp.isdigit() and len(stamp) <= STAMP_MAX_DIGITS):
        raise Refused(401, "the request timestamp is missing or malformed")
    if abs(now_ms - int(stamp)) > MAX_AGE.total_seconds() * 1000:
        raise Refused(401, "the request timestamp is more than five minutes off")
    given = request.header(HUBSPOT_V3)
    for uri in request.uris:
        signed = request.method.encode() + uri.encode() + request.body + stamp
        expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())
        if hmac.compare_digest(expected, given):
            return given.decode()
    raise Refused(401, "the signature does not match")


def _hubspot_v1_or_v2(secret: bytes, request: CrmRequest) -> str:
    version = request.header(HUBSPOT_VERSION) or b"v1"
    if version not in (b"v1", b"v2"):
        raise Refused(401, "unknown signature version")
    given = request.header(HUBSPOT_SIGNATURE).lower()
    method, body = request.method.encode(), request.body
    sources = (
        [secret + body]
        if version == b"v1"
        else [secret + method + uri.encode() + body for uri in request.uris]
    )
    for source in sources:
        if hmac.compare_digest(hashlib.sha256(source).hexdigest().encode(), given):
            return f"{version.decode()}:{given.decode()}"
    raise Refused(401, "the signature does not match")


def salesforce_proof(keys: Keys, request: CrmRequest) -> str:
    """The request's idempotency key, once its body is shown to be signed with the
    workspace's Salesforce secret. Raises Refused."""
    if not keys.secret:
        raise Refused(401, "webhooks from Salesforce are not set up for this workspace")
    given = request.header(SALESFORCE_SIGNATURE).lower().removeprefix(b"sha256=")
    expected = hmac.new(keys.secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(expected.encode(), given):
        raise Refused(401, "the signature does not match")
    key = request.header(IDEMPOTENCY_KEY)
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isascii() or b" " in key:
        raise Refused(400, "the Idempotency-Key header is missing or malformed")
    return "key:" + key.decode()


def _parameter(query: str, name: str) -> bytes:
    """A query parameter's value as sent (not decoded: HubSpot sends keys as they are)."""
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value.encode("latin-1", "replace")
    return b""


def hubspot_uri(tail: str) -> str:
    """A path and query as HubSpot signs them: with its listed escapes decoded."""
    return ESCAPE.sub(lambda m: HUBSPOT_DECODED.get(m.group(0).upper(), m.group(0)), tail)


def crm_request(environ: dict[str, Any], headers: dict[str, str], body: bytes) -> CrmRequest:
    query = str(environ.get("QUERY_STRING") or "")
    tail = str(environ.get("SCRIPT_NAME") or "") + str(environ.get("PATH_INFO") or "")
    tail = hubspot_uri(tail + (f"?{query}" if query else ""))
    host = headers.get("x-forwarded-host") or headers.get("host") or _server(environ)
    seen = headers.get("x-forwarded-proto", "").split(",")[0].strip()
    schemes = dict.fromkeys([seen or str(environ.get("wsgi.url_scheme") or "http"), "https"])
    return CrmRequest(
        method=str(environ.get("REQUEST_METHOD") or "POST"),
        uris=tuple(f"{scheme}://{host.strip()}{tail}" for scheme in schemes),
        headers=headers,
        query=query,
        body=body,
    )


def _server(environ: dict[str, Any]) -> str:
    return f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"


class CrmWebhooks:
    """The WSGI application for /crm/…, which bot/web.py hands such requests to."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        settings: Settings,
        home_team: Callable[[], str | None],
        run_soon: Callable[[], None],
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.home_team = home_team  # the one workspace's, without installs
        self.run_soon = run_soon

    def __call__(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Iterable[bytes]:
        route = self.route(str(environ.get("PATH_INFO") or ""))
        if route is None:
            return self._refused(start_response, None, "", Refused(404, "no such webhook"))
        source, team = route
        if body is None:
            return self._refused(start_response, source, team, Refused(413, "request too large"))
        try:
            taken = self._take(source, team, crm_request(environ, headers, body))
        except Refused as refusal:
            return self._refused(start_response, source, team, refusal)
        except SQLAlchemyError as error:
            log.warning("could not keep a %s webhook: %s", source.product, type(error).__name__)
            return answer(start_response, 503, {"ok": False, "error": "try again later"})
        if taken == crm.Taken.REPLAY:
            return self._refused(start_response, source, team, Refused(401, "a replay"))
        if taken == crm.Taken.RECORDED:
            self.run_soon()
        log.info("took a %s webhook for %s: %s", source.product, team, taken.value)
        return answer(start_response, 200, {"ok": True, "deal": taken.value})

    def route(self, path: str) -> tuple[Source, str] | None:
        """The CRM and workspace a path is for: /crm/<crm>, or /crm/<crm>/<team id>."""
        name, _, team = path.removeprefix(CRM_PATH).partition("/")
        if name not in tuple(Source):
            return None
        home = None if self.settings.many_workspaces else self.home_team()
        if not team:
            return (Source(name), home) if home else None
        if not TEAM_ID.fullmatch(team) or (home is not None and team != home):
            return None
        return Source(name), team

    def _take(self, source: Source, team: str, request: CrmRequest) -> crm.Taken:
        keys = crm.keys_for(self.store, self.settings, team, source)
        now = self.clock.now()
        if source == Source.HUBSPOT:
            proof = hubspot_proof(keys, request, int(now.timestamp() * 1000))
        else:
            proof = salesforce_proof(keys, request)
        try:
            win = crm.read_win(request.body, source)
        except crm.Unreadable as problem:
            raise Refused(400, str(problem)) from None
        if source == Source.SALESFORCE:
            if win.sent_at is None:
                raise Refused(400, "sent_at is missing")
            if abs(now - win.sent_at) > MAX_AGE:
                raise Refused(401, "sent_at is more than five minutes off")
        key = crm.request_key(source, team, proof)
        return crm.record_win(self.store, self.clock, team, win, key)

    def _refused(
        self, start_response: StartResponse, source: Source | None, team: str, refusal: Refused
    ) -> Iterable[bytes]:
        shown = source.product if source else "CRM"
        log.info("refused a %s webhook for %s: %s", shown, team or "no workspace", refusal.why)
        return answer(start_response, refusal.status, {"ok": False, "error": refusal.why})


STATUSES = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    404: "404 Not Found",
    413: "413 Request Entity Too Large",
    503: "503 Service Unavailable",
}


def answer(start_response: StartResponse, status: int, body: dict[str, Any]) -> Iterable[bytes]:
    start_response(STATUSES[status], [("Content-Type", "application/json")])
    return [json.dumps(body).encode() + b"\n"]
