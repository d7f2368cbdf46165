"""The Slack app manifest in deploy/ asks for what the bot uses, so an install works first time."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient

from bot.app import BOT_SCOPES, REDIRECT_PATH
from bot.sandbox.fakeslack.spec import SPEC_DIR
from bot.views.deals import LOG_FROM_MESSAGE
from bot.views.stories import SHARE_FROM_MESSAGE

ROOT = Path(__file__).parents[2]
# files_upload_v2 is two Web API calls with the bytes posted between them; both need files:write.
UPLOAD_SCOPES = {"files_upload_v2": ["files:write"]}
# Slack's description names the older scopes; a bot token gets the granular form.
GRANULAR = {"chat:write:bot": "chat:write", "chat:write:user": "chat:write"}


def manifest(name: str = "manifest.yml") -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "deploy" / name).read_text())
    return loaded


def web_api_paths() -> dict[str, Any]:
    paths: dict[str, Any] = json.loads((SPEC_DIR / "web_api_openapi_v2.json").read_text())["paths"]
    return paths


def web_api_methods_called() -> set[str]:
    """Every Web API method of WebClient that the bot's code calls, found in its syntax tree."""
    known = {path.lstrip("/").replace(".", "_") for path in web_api_paths()} | set(UPLOAD_SCOPES)
    called: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if name in known and hasattr(WebClient, name):
                    called.add(name)
    return called


def scopes_accepted(client_method: str) -> list[str]:
    if client_method in UPLOAD_SCOPES:
        return UPLOAD_SCOPES[client_method]
    verbs = web_api_paths()["/" + client_method.replace("_", ".")]
    scopes = [s for verb in verbs.values() for rule in verb["security"] for s in rule["slackAuth"]]
    return [GRANULAR.get(s, s) for s in scopes]


def test_manifest_grants_a_scope_for_every_web_api_method_the_bot_calls() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    methods = web_api_methods_called()
    assert {"chat_postMessage", "views_publish", "files_upload_v2"} <= methods
    missing = {
        method: accepted
        for method in sorted(methods)
        if (accepted := scopes_accepted(method)) != ["none"] and not granted & set(accepted)
    }
    assert missing == {}


def test_manifest_declares_the_serve_command_with_its_scope() -> None:
    found = manifest()
    commands = [c["command"] for c in found["features"]["slash_commands"]]
    assert commands == ["/serve"]
    assert found["features"]["slash_commands"][0]["should_escape"] is True
    assert "commands" in found["oauth_config"]["scopes"]["bot"]


def test_manifest_turns_on_the_home_tab_and_subscribes_to_what_the_listeners_handle() -> None:
    found = manifest()
    assert found["features"]["app_home"]["home_tab_enabled"] is True
    assert found["features"]["app_home"]["messages_tab_enabled"] is True
    events = set(found["settings"]["event_subscriptions"]["bot_events"])
    assert {"message.channels", "message.groups", "user_change", "app_home_opened"} <= events


def test_manifest_shortcuts_carry_the_callback_ids_the_app_listens_for() -> None:
    shortcuts = manifest()["features"]["shortcuts"]
    assert {s["callback_id"] for s in shortcuts} == {SHARE_FROM_MESSAGE, LOG_FROM_MESSAGE}
    assert all(s["type"] == "message" for s in shortcuts)


def test_the_oauth_install_asks_for_the_scopes_the_manifests_grant() -> None:
    for name in ("manifest.yml", "manifest-http.yml"):
        assert sorted(manifest(name)["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES), name


def test_both_manifests_hear_when_the_app_leaves_a_workspace() -> None:
    for name in ("manifest.yml", "manifest-http.yml"):
        events = set(manifest(name)["settings"]["event_subscriptions"]["bot_events"])
        assert {"app_uninstalled", "tokens_revoked"} <= events, name


def test_the_http_manifest_sends_installers_back_to_the_oauth_redirect() -> None:
    [url] = manifest("manifest-http.yml")["oauth_config"]["redirect_urls"]
    assert url.endswith(REDIRECT_PATH)
