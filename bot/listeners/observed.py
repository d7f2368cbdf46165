"""Every request from Slack, counted and logged as one line: workspace, kind, outcome
and how long until it was answered. Never what anyone wrote."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.deps import Deps

log = logging.getLogger(__name__)


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


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def observe(body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:
        started = time.monotonic()
        kind = kind_of(body)
        outcome = "error"
        try:
            answer = next()
            outcome = "handled"
            return answer
        finally:
            deps.metrics.event_handled(kind)
            log.info(
                "%s: %s",
                kind,
                outcome,
                extra={
                    "workspace": context.team_id or "",
                    "kind": kind,
                    "outcome": outcome,
                    "ms": round((time.monotonic() - started) * 1000),
                },
            )
