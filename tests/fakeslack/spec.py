"""Checks a Web API call against Slack's published description in ../shared/slack/."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

SPEC_DIR = Path(os.environ.get("SLACK_SPEC_DIR", Path(__file__).parents[3] / "shared" / "slack"))

# The 2021 description predates these; names verified against Slack's current docs.
NEWER_METHODS: dict[str, frozenset[str]] = {
    "apps.connections.open": frozenset(),
}
NEWER_ARGUMENTS: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"metadata"}),
    "chat.update": frozenset({"metadata", "reply_broadcast"}),
    "chat.postEphemeral": frozenset({"thread_ts"}),
    "conversations.history": frozenset({"include_all_metadata"}),
    "conversations.replies": frozenset({"include_all_metadata"}),
}
# slack_sdk sends the workspace id with every call made from a Bolt listener (default_params),
# as Slack accepts for apps installed org-wide.
ANY_METHOD_ARGUMENTS = frozenset({"team_id"})
BLOCK_LIMIT = {"message": 50, "view": 100}
MESSAGE_TEXT_LIMIT = 40_000


@dataclass(frozen=True)
class MethodSpec:
    known: frozenset[str]
    required: frozenset[str]


@cache
def method_specs() -> dict[str, MethodSpec]:
    spec = json.loads((SPEC_DIR / "web_api_openapi_v2.json").read_text())
    methods: dict[str, MethodSpec] = {}
    for path, verbs in spec["paths"].items():
        params = [p for verb in verbs.values() for p in verb.get("parameters", [])]
        names = {p["name"] for p in params if p["name"] != "token"}
        required = {p["name"] for p in params if p.get("required") and p["name"] != "token"}
        methods[path.lstrip("/")] = MethodSpec(frozenset(names), frozenset(required))
    for name, arguments in NEWER_METHODS.items():
        methods[name] = MethodSpec(arguments, frozenset())
    return methods


def argument_problems(method: str, args: dict[str, Any]) -> list[str]:
    spec = method_specs().get(method)
    if spec is None:
        return [f"{method}: not a Web API method"]
    known = spec.known | NEWER_ARGUMENTS.get(method, frozenset()) | ANY_METHOD_ARGUMENTS
    given = set(args) - {"token"}
    problems = [f"{method}: unknown argument {name!r}" for name in sorted(given - known)]
    problems += [f"{method}: missing {name!r}" for name in sorted(spec.required - given)]
    return problems


def payload_problems(method: str, args: dict[str, Any]) -> list[str]:
    """Block Kit in `blocks` or `view` must parse and validate with slack_sdk.models."""
    problems: list[str] = []
    if "blocks" in args:
        problems += _blocks_problems(method, decode(args["blocks"]), BLOCK_LIMIT["message"])
    if "view" in args:
        view = decode(args["view"])
        try:
            View(**view).validate_json()
        except Exception as error:  # slack_sdk raises several kinds
            problems.append(f"{method}: view does not validate: {error}")
        problems += _blocks_problems(method, view.get("blocks", []), BLOCK_LIMIT["view"])
    text = args.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
        problems.append(f"{method}: text is {len(text)} characters")
    return problems


def _blocks_problems(method: str, blocks: Any, limit: int) -> list[str]:
    if not isinstance(blocks, list):
        return [f"{method}: blocks is not a list"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"{method}: {len(blocks)} blocks, more than {limit}")
    for index, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                problems.append(f"{method}: block {index} has an unknown type")
                continue
            block.validate_json()
            if block.to_dict() != raw:
                problems.append(f"{method}: block {index} has fields slack_sdk does not know")
        except Exception as error:
            problems.append(f"{method}: block {index} does not validate: {error}")
    return problems


def decode(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
