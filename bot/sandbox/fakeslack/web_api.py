"""How the fake answers one Web API call, whatever the method: it counts the call in
flight, lets scripted faults and rate limits have their say, checks the arguments and
Block Kit against Slack's published spec and the token against the installs (a revoked
token, another workspace's people or channels), then has the method's handler answer and
records the call in `calls`, and what was wrong with it in the workspace's violations."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .faults import Failure, Faults
from .functions import COMPLETIONS
from .installs import APP_TOKEN, CLIENT_ID, CLIENT_SECRET, Installs, client_credentials
from .methods import Methods
from .spec import argument_problems, decode, payload_problems
from .workspace import Workspace

DROPPED = 0  # Call.status of a call whose connection was closed without an answer

Handler = Callable[[dict[str, Any]], dict[str, Any]]
Answer = tuple[int, dict[str, str], dict[str, Any]]  # HTTP status, extra headers, JSON body


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    response: dict[str, Any]
    at: datetime | None = None  # on the fake's clock, when it was answered


class WebApi:
    """The Web API's front; handlers are looked up in `methods`, then in `others`."""

    def __init__(
        self,
        workspace: Workspace,
        installs: Installs,
        faults: Faults,
        methods: Methods,
        others: Sequence[object] = (),
    ) -> None:
        self._workspace = workspace
        self._installs = installs
        self._faults = faults
        self._methods = methods
        self._handlers: tuple[object, ...] = (methods, *others)
        self.calls: list[Call] = []

    def handle(self, method: str, args: dict[str, Any], token: str | None) -> Answer:
        """Answer one Web API call: (HTTP status, extra headers, JSON body); a status of
        DROPPED tells the HTTP handler to close the connection without answering."""
        self._methods.called_with(token)
        with self._faults.call_in_flight(method):
            self._faults.wait_for_hold(method)
            failure, pause = self._faults.take_failure(method)
            if failure is None or not failure.fails:
                team = self._installs.team_of(token)
                failure = self._faults.over_limit(method, args, team) or failure
            if pause:
                time.sleep(pause)
            problems = self._problems(method, args, token)
            status, headers, body = self._answer(method, args, failure, problems)
            with self._workspace.changed:
                self._workspace.violations.extend(problems)
                self.calls.append(Call(method, args, token, status, body, self._workspace.now()))
                self._workspace.changed.notify_all()
        return status, headers, body

    def calls_to(self, method: str) -> list[Call]:
        with self._workspace.changed:
            return [c for c in self.calls if c.method == method]

    def wait_for_calls(self, method: str, count: int, timeout: float = 10.0) -> list[Call]:
        if not self._workspace.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
            raise AssertionError(
                f"expected {count} {method} call(s), saw {len(self.calls_to(method))}"
            )
        return self.calls_to(method)

    def _problems(self, method: str, args: dict[str, Any], token: str | None) -> list[str]:
        problems = argument_problems(method, args) + payload_problems(method, args)
        problems += self._unknown_files(method, args)
        if method == "apps.connections.open":
            good = token == APP_TOKEN
        elif method == "oauth.v2.access":
            good = client_credentials(token, args) == (CLIENT_ID, CLIENT_SECRET)
        else:
            installs = self._installs
            with self._workspace.changed:
                if token in installs.revoked:
                    return [*problems, f"{method}: called with a token revoked by an uninstall"]
                if token in installs.ended:
                    if method in COMPLETIONS:  # a resent run's event: Slack says it ended
                        return problems
                    return [*problems, f"{method}: called with the token of a run that ended"]
                good = token in installs.tokens
                if good:
                    problems += self._other_workspace(method, args, installs.tokens[token or ""])
        if not good:
            problems.append(f"{method}: called with the wrong token")
        return problems

    def _unknown_files(self, method: str, args: dict[str, Any]) -> list[str]:
        """An image block's `slack_file` must name a file the app uploaded and completed:
        Slack answers "invalid slack file" for any other."""
        blocks = decode(args.get("blocks") or [])
        if "view" in args:
            blocks = (decode(args["view"]) or {}).get("blocks", [])
        images = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
        files = [b["slack_file"] for b in images if isinstance(b.get("slack_file"), dict)]
        wanted = [str(f["id"]) for f in files if "id" in f]
        with self._workspace.changed:
            known = {f.id for f in self._workspace.files}
        return [
            f"{method}: invalid slack file {file_id!r}"
            for file_id in wanted
            if file_id not in known
        ]

    def _other_workspace(self, method: str, args: dict[str, Any], team: str | None) -> list[str]:
        """A call that names a person or channel of another workspace than its token's."""
        named = [args.get("channel"), args.get("user"), *str(args.get("users") or "").split(",")]
        workspace_of = self._workspace.workspace_of
        return [
            f"{method}: {name} is in {owner}, the token is {team}'s"
            for name in named
            if name and (owner := workspace_of(str(name))) and owner != team
        ]

    def _answer(
        self, method: str, args: dict[str, Any], failure: Failure | None, problems: list[str]
    ) -> Answer:
        """A dropped call records what it did, if `applied`, as its response."""
        answer = self._handler(method)
        if failure is None or not failure.fails:
            if problems:
                messages = [f"[ERROR] {problem}" for problem in problems]
                return (
                    200,
                    {},
                    {
                        "ok": False,
                        "error": "invalid_arguments",
                        "response_metadata": {"messages": messages},
                    },
                )
            with self._workspace.changed:
                return 200, {}, answer(args) if answer else {"ok": False, "error": "unknown_method"}
        done: dict[str, Any] = {}
        if failure.applied and answer and not problems:
            with self._workspace.changed:
                done = answer(args)
        if failure.drop:
            return DROPPED, {}, done
        if failure.status == 429:
            headers = {"Retry-After": str(failure.retry_after or 1)}
            return 429, headers, {"ok": False, "error": "ratelimited"}
        if failure.status >= 500:
            return failure.status, {}, {"ok": False, "error": "fatal_error"}
        return 200, {}, {"ok": False, "error": failure.error}

    def _handler(self, method: str) -> Handler | None:
        name = "api_" + method.replace(".", "_")
        for part in self._handlers:
            found: Handler | None = getattr(part, name, None)
            if found is not None:
                return found
        return None
