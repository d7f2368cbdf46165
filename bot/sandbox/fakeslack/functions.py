"""Workflow Builder's side of custom steps (the manifest's `functions`, Bolt's
`app.function`). Steps are defined as the manifest defines them (`define_functions`). A
run of one is a function_executed event carrying its inputs and a token of its own
(`bot_access_token`), sent over Socket Mode (`run_function`) or posted to the app in HTTP
mode (`function_executed` gives the body). The run ends when the app calls
functions.completeSuccess with outputs that fit the step's output parameters, or
functions.completeError with a message; a second end is refused, as Slack refuses it
(execution_not_in_running_state). The run's token works as the workspace's bot token
while the run lasts and never after. Inputs Workflow Builder could not send (a name the
step lacks, a required one missing, a value of the wrong type) are refused to the test;
outputs that don't fit are answered parameter_validation_failed and kept as violations."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .envelopes import Envelopes
from .installs import Installs
from .spec import decode
from .workspace import APP_ID, TEAM_ID, Workspace

WORKFLOW_TOKEN_PREFIX = "xwfp-fake-"
COMPLETIONS = ("functions.completeSuccess", "functions.completeError")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
RUNNING, COMPLETED, FAILED = "running", "completed", "failed"


@dataclass
class Execution:
    """One run of a step: its event as sent, and how it ended (`state`)."""

    id: str
    callback_id: str
    team: str
    inputs: dict[str, Any]
    token: str
    body: dict[str, Any]
    state: str = RUNNING
    outputs: dict[str, Any] | None = None
    error: str | None = None


class Functions:
    """The steps defined, their runs by execution id, and the two completion methods.
    `completions` reads the Web API's record of functions.complete* calls (faulted ones
    too), so a test can wait for the app's answer to a run whatever the fake said."""

    def __init__(
        self,
        workspace: Workspace,
        installs: Installs,
        envelopes: Envelopes,
        calling_token: Callable[[], str | None],
        completions: Callable[[str], int],
    ) -> None:
        self._workspace = workspace
        self._installs = installs
        self._envelopes = envelopes
        self._calling_token = calling_token
        self._completions = completions
        self.definitions: dict[str, dict[str, Any]] = {}
        self.executions: dict[str, Execution] = {}

    def define_functions(self, definitions: Mapping[str, Mapping[str, Any]]) -> None:
        """The steps the app offers, as its manifest's `functions` gives them."""
        with self._workspace.changed:
            for callback_id, definition in definitions.items():
                self.definitions[callback_id] = copy.deepcopy(dict(definition))

    def function_executed(
        self, callback_id: str, inputs: Mapping[str, Any], team: str = TEAM_ID
    ) -> dict[str, Any]:
        """Start a run of the step `callback_id` with `inputs`: the event_callback body
        Slack sends for it (post it to an app in HTTP mode; `run_function` sends it over
        Socket Mode)."""
        workspace = self._workspace
        with workspace.changed:
            definition = self.definitions.get(callback_id)
            if definition is None:
                raise KeyError(f"no step {callback_id!r}: define_functions first")
            problems = parameter_problems(definition.get("input_parameters") or {}, inputs)
            if problems:
                raise ValueError(f"Workflow Builder would not send these inputs: {problems}")
            serial = workspace.serial()
            execution_id, token = f"Fx{serial:010d}", f"{WORKFLOW_TOKEN_PREFIX}{serial}"
            event = {
                "type": "function_executed",
                "function": _described(callback_id, definition, serial),
                "inputs": copy.deepcopy(dict(inputs)),
                "function_execution_id": execution_id,
                "workflow_execution_id": f"Wx{serial:010d}",
                "event_ts": workspace.next_ts(),
                "bot_access_token": token,
            }
            body = self._envelopes.event_callback(event, team=team)
            self.executions[execution_id] = Execution(
                execution_id, callback_id, team, dict(inputs), token, body
            )
            self._installs.tokens[token] = team
        return copy.deepcopy(body)

    def run_function(
        self,
        callback_id: str,
        inputs: Mapping[str, Any],
        timeout: float = 10.0,
        wait_end: bool = True,
    ) -> Execution:
        """Run the step `callback_id` in a workflow, over Socket Mode, and wait for the
        app to end it (AssertionError if it doesn't within `timeout` seconds); with
        `wait_end=False`, only for the event's ack."""
        body = self.function_executed(callback_id, inputs)
        execution_id = body["event"]["function_execution_id"]
        self._envelopes.send_callback(body)
        if not wait_end:
            with self._workspace.changed:
                return copy.deepcopy(self.executions[execution_id])
        return self.wait_for_end(execution_id, 1, timeout)

    def send_run_again(self, execution_id: str, timeout: float = 10.0) -> Execution:
        """Slack's retry of a run's event (the same body and event id, retry_attempt 1),
        and wait for the app's next completion call for it."""
        with self._workspace.changed:
            body = copy.deepcopy(self.executions[execution_id].body)
            answered = self._completions(execution_id)
        self._envelopes.send_callback(body, retry_attempt=1)
        return self.wait_for_end(execution_id, answered + 1, timeout)

    def wait_for_end(self, execution_id: str, calls: int = 1, timeout: float = 10.0) -> Execution:
        """Wait until the app has called functions.complete* `calls` times for the run
        (answered or faulted); AssertionError if it hasn't within `timeout` seconds."""
        if not self._workspace.wait_for(lambda: self._completions(execution_id) >= calls, timeout):
            seen = self._completions(execution_id)
            raise AssertionError(
                f"expected {calls} completion call(s) for {execution_id}, saw {seen}"
            )
        with self._workspace.changed:
            return copy.deepcopy(self.executions[execution_id])

    def api_functions_completeSuccess(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._end("functions.completeSuccess", args, decode(args.get("outputs")), None)

    def api_functions_completeError(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._end("functions.completeError", args, None, str(args.get("error") or ""))

    def _end(
        self, method: str, args: dict[str, Any], outputs: Any, error: str | None
    ) -> dict[str, Any]:
        execution = self.executions.get(str(args.get("function_execution_id")))
        if execution is None:
            return {"ok": False, "error": "function_execution_not_found"}
        token = self._calling_token()
        if token != execution.token and not self._bot_token_of(token, execution.team):
            self._workspace.violations.append(
                f"{method}: {execution.id} ended with a token that is neither its own nor"
                " its workspace's bot token"
            )
            return {"ok": False, "error": "invalid_auth"}
        if execution.state != RUNNING:
            return {"ok": False, "error": "execution_not_in_running_state"}
        if error is not None and not error.strip():
            self._workspace.violations.append(f"{method}: an empty error for {execution.id}")
            return {"ok": False, "error": "invalid_arguments"}
        if error is None:
            definition = self.definitions[execution.callback_id]
            problems = parameter_problems(definition.get("output_parameters") or {}, outputs)
            if problems:
                self._workspace.violations.extend(f"{method}: {p}" for p in problems)
                return {"ok": False, "error": "parameter_validation_failed"}
        execution.state, execution.outputs, execution.error = (
            (COMPLETED, dict(outputs), None) if error is None else (FAILED, None, error)
        )
        del self._installs.tokens[execution.token]
        self._installs.ended.add(execution.token)
        return {"ok": True}

    def _bot_token_of(self, token: str | None, team: str) -> bool:
        if not token or token.startswith(WORKFLOW_TOKEN_PREFIX):
            return False
        return self._installs.tokens.get(token) == team


def _described(callback_id: str, definition: Mapping[str, Any], serial: int) -> dict[str, Any]:
    """The step as the event describes it: its parameters listed, each with its name."""

    def listed(parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [{"name": name, **dict(p)} for name, p in parameters.items()]

    return {
        "id": f"Fn{serial:010d}",
        "callback_id": callback_id,
        "title": definition.get("title", callback_id),
        "description": definition.get("description", ""),
        "type": "app",
        "input_parameters": listed(definition.get("input_parameters") or {}),
        "output_parameters": listed(definition.get("output_parameters") or {}),
        "app_id": APP_ID,
        "date_created": 1_700_000_000,
        "date_updated": 1_700_000_000,
        "date_deleted": 0,
    }


def parameter_problems(parameters: Mapping[str, Any], values: Any) -> list[str]:
    """What keeps `values` from fitting a step's parameters: names it lacks, required
    ones missing, values of another type (or outside an `enum`)."""
    if not isinstance(values, dict):
        return ["the values are not an object"]
    problems = [
        f"{name!r} is no parameter of the step" for name in values if name not in parameters
    ]
    for name, parameter in parameters.items():
        value = values.get(name)
        if value is None:
            if parameter.get("is_required"):
                problems.append(f"{name!r} is required")
            continue
        problems += [f"{name!r}: {p}" for p in _type_problems(parameter, value)]
    return problems


def _type_problems(parameter: Mapping[str, Any], value: Any) -> list[str]:
    kind = parameter.get("type")
    if kind == "array":
        if not isinstance(value, list):
            return ["not an array"]
        items = parameter.get("items") or {}
        return [p for item in value for p in _type_problems(items, item)]
    fits = FITS.get(str(kind))
    if fits is None:
        return [f"type {kind!r} is not one the fake knows"]
    if not fits(value):
        return [f"{value!r} is not a {kind}"]
    if "enum" in parameter and value not in parameter["enum"]:
        return [f"{value!r} is not one of {parameter['enum']}"]
    return []


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


FITS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "slack#/types/user_id": lambda v: isinstance(v, str) and bool(USER_ID.fullmatch(v)),
    "slack#/types/channel_id": lambda v: isinstance(v, str) and bool(CHANNEL_ID.fullmatch(v)),
    "slack#/types/date": _is_date,
    "slack#/types/timestamp": lambda v: isinstance(v, int) and not isinstance(v, bool),
}
