"""The `response_url` of slash commands and button presses, where Bolt's respond() posts:
the fake hands each envelope a fresh one on its own HTTP server (`/respond/<id>`), checks
each post as a message, counts it against Slack's limit of uses, and keeps the good ones
in the workspace's `responses`."""

from __future__ import annotations

import uuid
from typing import Any

from .spec import payload_problems
from .workspace import Workspace

RESPONSE_URL_USES = 5  # Slack: a response_url takes up to 5 posts within 30 minutes


class ResponseUrls:
    """Response URLs given out so far; `http_url` is where the fake's HTTP server answers."""

    def __init__(self, workspace: Workspace, http_url: str) -> None:
        self._workspace = workspace
        self._http_url = http_url
        self._posts: dict[str, int] = {}  # id -> posts so far

    def new(self) -> str:
        response_id = uuid.uuid4().hex
        self._posts[response_id] = 0
        return f"{self._http_url}/respond/{response_id}"

    def receive_response(self, response_id: str, body: Any) -> tuple[int, dict[str, Any]]:
        """A post to a response_url: checked as a message and kept in `responses`."""
        workspace = self._workspace
        with workspace.changed:
            if response_id not in self._posts:
                return 404, {"ok": False, "error": "invalid_response_url"}
            problems = (
                payload_problems("response_url", body)
                if isinstance(body, dict)
                else ["response_url: the body is not a JSON object"]
            )
            self._posts[response_id] += 1
            if self._posts[response_id] > RESPONSE_URL_USES:
                problems.append(f"response_url: used more than {RESPONSE_URL_USES} times")
            workspace.violations.extend(problems)
            if problems:
                workspace.changed.notify_all()
                return 400, {"ok": False, "error": "invalid_blocks"}
            workspace.responses.append(body)
            workspace.changed.notify_all()
            return 200, {"ok": True}
