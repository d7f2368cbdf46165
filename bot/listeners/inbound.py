"""Every request as it arrives: counted and logged, its text made storable once before
any listener reads it, and handed on as an `Incoming` in Bolt's context. A NUL or a
lone surrogate (which SQLite and PostgreSQL refuse, and no person meant) becomes U+FFFD;
everything else is kept exactly as Slack sent it, its HTML escapes included."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.deps import Deps
from bot.languages import Voice, speak_from_now
from bot.services import replays

from .incoming import Incoming

log = logging.getLogger(__name__)
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    return UNSTORABLE.sub(REPLACEMENT, text)


def clean(value: Any) -> Any:
    """`value` with every string in it cleaned; dicts and lists are cleaned in place."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if isinstance(key, str) and UNSTORABLE.search(key):
                del value[key]
                key = clean_text(key)
            value[key] = clean(item)
    elif isinstance(value, list):
        value[:] = [clean(item) for item in value]
    return value


def kind_of(body: dict[str, Any]) -> str:
    """What a request is, in Slack's own names: an event type, a command, an action."""
    if body.get("type") == "event_callback":
        event = body.get("event") or {}
        return ".".join(str(p) for p in (event.get("type"), event.get("subtype")) if p)
    if "command" in body:
        return str(body["command"])
    if body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        return f"block_actions.{actions[0].get('action_id', '')}"
    if body.get("type") in ("view_submission", "view_closed"):
        return f"{body['type']}.{(body.get('view') or {}).get('callback_id', '')}"
    if body.get("type") in ("shortcut", "message_action"):
        return f"{body['type']}.{body.get('callback_id', '')}"
    return str(body.get("type") or "unknown")


# Every message in every channel Serve is in: handled, each is a line at DEBUG only (a
# busy workspace would log little else), counted in /metrics all the same. The deal a
# post announces gets its own line at INFO (see listeners/deals.py).
CHATTER = frozenset({"message", "message.message_changed", "message.message_deleted"})


def register(app: App, deps: Deps) -> None:
    app.middleware(Arrival(deps).arrive)


class Arrival:
    """One middleware for every request, as each costs Bolt a little."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def arrive(self, body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:
        """Clean the request's text and hand it on as `incoming`, then count it and log
        one line (workspace, kind, outcome, time to answer; never what anyone wrote)."""
        started = time.monotonic()
        clean(body)
        kind = kind_of(body)
        incoming = context["incoming"] = Incoming.of(body, context, self.deps)
        outcome = "error"
        try:
            if self.replayed(incoming):
                outcome = "replayed"
                return BoltResponse(status=200, body="")  # acked, so nothing is sent again
            speak_from_now(Voice(lambda: self.locale_of(incoming)))
            answer = next()
            outcome = "handled"
            return answer
        finally:
            self.deps.metrics.event_handled(kind)
            level = logging.DEBUG if kind in CHATTER and outcome == "handled" else logging.INFO
            if log.isEnabledFor(level):
                ms = round((time.monotonic() - started) * 1000)
                fields = {"workspace": context.team_id or "", "kind": kind, "outcome": outcome}
                log.log(level, "%s: %s", kind, outcome, extra=fields | {"ms": ms})

    def locale_of(self, incoming: Incoming) -> str | None:
        """The Slack language of whoever the request came from: what Serve answers them
        (ephemerals, modals, the Home tab) is said in it. Looked up only if something is."""
        if not incoming.user:
            return None
        person = self.deps.directory.person(incoming.client, incoming.user)
        return person.locale if person else None

    def replayed(self, incoming: Incoming) -> bool:
        """A command or interaction whose trigger was taken before. Slack gives each one
        a trigger of its own and never retries them, so its second arrival is a replay
        or a redelivery. (A form answered with errors and sent again has a new trigger,
        though its view id and hash are unchanged, so those are not part of the key.)
        Events carry no trigger; what they store is keyed on what they are about."""
        if not incoming.trigger:
            return False
        return not replays.first_delivery(
            self.deps.store, self.deps.clock, incoming.team, incoming.trigger
        )
