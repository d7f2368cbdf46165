"""Slack's side of HTTP mode: requests to an app's Request URL, signed as Slack signs
them (v0, HMAC-SHA256 of the timestamp and body with the signing secret), and its
retries (X-Slack-Retry-Num)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "fake-signing-secret-0123456789abcdef"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def post(
    url: str,
    body: bytes,
    content_type: str,
    secret: str | None = SIGNING_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
    retry_num: int = 0,
    timeout: float = 10.0,
) -> Answer:
    """POST `body` as Slack would; `secret=None` sends it unsigned, `signature` forges
    one, `timestamp` dates it."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Content-Type": content_type}
    if secret is not None:
        signed = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        assert signed is not None  # slack_sdk gives None only for a missing timestamp
        headers |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature or signed}
    if retry_num:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))


def post_event(url: str, body: dict[str, Any], **options: Any) -> Answer:
    return post(url, json.dumps(body).encode(), "application/json", **options)


def post_form(url: str, fields: dict[str, str], **options: Any) -> Answer:
    """A slash command, as Slack posts it: form-encoded."""
    return post(url, urlencode(fields).encode(), "application/x-www-form-urlencoded", **options)


def post_interaction(url: str, payload: dict[str, Any], **options: Any) -> Answer:
    return post_form(url, {"payload": json.dumps(payload)}, **options)


def get(url: str, timeout: float = 10.0, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Answer(answer.status, answer.read().decode(), dict(answer.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode(), dict(error.headers))
