"""Checks a Web API call against Slack's published description, kept in published/ beside this."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

SPEC_DIR = Path(__file__).parent / "published"


@dataclass(frozen=True)
class MethodSpec:
    known: frozenset[str]
    required: frozenset[str]


def _spec(known: set[str] | None = None, required: set[str] | None = None) -> MethodSpec:
    return MethodSpec(frozenset((known or set()) | (required or set())), frozenset(required or ()))


# The 2021 description predates these; names verified against Slack's current docs
# (docs.slack.dev/reference/methods/...). The two files.*External methods are the upload
# flow slack_sdk's WebClient.files_upload_v2 uses: getUploadURLExternal, a POST of the
# bytes to the upload_url it returns, then completeUploadExternal.
NEWER_METHODS: dict[str, MethodSpec] = {
    "apps.connections.open": _spec(),
    # Token rotation exchanges a refresh token here instead of a code (grant_type
    # refresh_token), so `code` is no longer required.
    "oauth.v2.access": _spec(
        known={"client_id", "client_secret", "code", "redirect_uri", "grant_type", "refresh_token"}
    ),
    "files.getUploadURLExternal": _spec(
        known={"alt_txt", "snippet_type"}, required={"filename", "length"}
    ),
    "files.completeUploadExternal": _spec(
        known={"channel_id", "channels", "initial_comment", "thread_ts", "blocks"},
        required={"files"},
    ),
    # How a Workflow Builder custom step's run ends (docs.slack.dev/reference/methods/
    # functions.completeSuccess, .completeError): Tier 3, no scope; called with the run's
    # own token (the function_executed event's bot_access_token) or the bot token.
    "functions.completeSuccess": _spec(required={"function_execution_id", "outputs"}),
    "functions.completeError": _spec(required={"function_execution_id", "error"}),
}
# The bot scopes some of the methods above accept, written as the 2021 description
# writes its own: "none" for a method any token of the app may call.
NEWER_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "functions.completeSuccess": ("none",),
    "functions.completeError": ("none",),
}
NEWER_ARGUMENTS: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"metadata"}),
    "chat.update": frozenset({"metadata", "reply_broadcast"}),
    "chat.postEphemeral": frozenset({"thread_ts"}),
    "conversations.history": frozenset({"include_all_metadata"}),
    "conversations.replies": frozenset({"include_all_metadata"}),
}
# Arguments whose value Slack checks against a pattern and answers invalid_arguments for.
# files.completeUploadExternal's channel_id takes a conversation id (C, G, D or Z), never a
# user id: Slack says "input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$
# [json-pointer:/channel_id]" (slackapi/bolt-js#2115, node-slack-sdk#1653). The fake's
# ids are shorter than real ones (D0ALICE), so the length is not checked here.
ARGUMENT_PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {
    ("files.completeUploadExternal", "channel_id"): re.compile(r"^[CGDZ][A-Z0-9]+$"),
}
# slack_sdk sends the workspace id with every call made from a Bolt listener (default_params),
# as Slack accepts for apps installed org-wide.
ANY_METHOD_ARGUMENTS = frozenset({"team_id"})
BLOCK_LIMIT = {"message": 50, "view": 100}
MESSAGE_TEXT_LIMIT = 40_000
# views.publish sets a Home tab; views.open and views.push open modals.
VIEW_TYPE = {"views.publish": "home", "views.open": "modal", "views.push": "modal"}


@cache
def method_specs() -> dict[str, MethodSpec]:
    spec = json.loads((SPEC_DIR / "web_api_openapi_v2.json").read_text())
    methods: dict[str, MethodSpec] = {}
    for path, verbs in spec["paths"].items():
        params = [p for verb in verbs.values() for p in verb.get("parameters", [])]
        names = {p["name"] for p in params if p["name"] != "token"}
        required = {p["name"] for p in params if p.get("required") and p["name"] != "token"}
        methods[path.lstrip("/")] = MethodSpec(frozenset(names), frozenset(required))
    methods.update(NEWER_METHODS)
    return methods


def argument_problems(method: str, args: dict[str, Any]) -> list[str]:
    spec = method_specs().get(method)
    if spec is None:
        return [f"{method}: not a Web API method"]
    known = spec.known | NEWER_ARGUMENTS.get(method, frozenset()) | ANY_METHOD_ARGUMENTS
    given = set(args) - {"token"}
    problems = [f"{method}: unknown argument {name!r}" for name in sorted(given - known)]
    problems += [f"{method}: missing {name!r}" for name in sorted(spec.required - given)]
    for name in sorted(given):
        pattern = ARGUMENT_PATTERNS.get((method, name))
        if pattern and not pattern.fullmatch(str(args[name])):
            problems.append(
                f"{method}: {name} {args[name]!r} must match regex pattern {pattern.pattern}"
            )
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
        expected = VIEW_TYPE.get(method)
        if expected and isinstance(view, dict) and view.get("type") != expected:
            problems.append(f"{method}: view type is {view.get('type')!r}, not {expected!r}")
        problems += _blocks_problems(method, view.get("blocks", []), BLOCK_LIMIT["view"])
    if method == "files.completeUploadExternal" and "files" in args:
        problems += _upload_files_problems(method, decode(args["files"]))
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


def _upload_files_problems(method: str, files: Any) -> list[str]:
    """`files` is a JSON array of {"id", optional "title" and "highlight_type"}."""
    if not isinstance(files, list) or not files:
        return [f"{method}: files is not a non-empty array"]
    problems = []
    for index, item in enumerate(files):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(f"{method}: files[{index}] has no id")
        elif extra := set(item) - {"id", "title", "highlight_type"}:
            problems.append(f"{method}: files[{index}] has unknown keys {sorted(extra)}")
    return problems


def decode(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
