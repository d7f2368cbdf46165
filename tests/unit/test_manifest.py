"""The Slack app manifest in deploy/ asks for what the bot uses, so an install works first time."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient

from bot.app import BOT_SCOPES, REDIRECT_PATH
from bot.sandbox.fakeslack.spec import NEWER_METHOD_SCOPES, SPEC_DIR
from bot.services.stories import QUALITIES
from bot.services.workflow import LOG_DEAL, SHARE_STORY
from bot.store.models import Visibility
from bot.views.deals import LOG_FROM_MESSAGE
from bot.views.stories import SHARE_FROM_MESSAGE
from bot.views.workflow import TITLES

ROOT = Path(__file__).parents[2]
# files_upload_v2 is two Web API calls with the bytes posted between them; both need files:write.
UPLOAD_SCOPES = {"files_upload_v2": ["files:write"]}
# Bolt's complete() and fail() end a workflow step's run with these, for every
# `app.function` listener.
ENDING_A_RUN = {"functions_completeSuccess", "functions_completeError"}
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
    known |= {method.replace(".", "_") for method in NEWER_METHOD_SCOPES}
    called: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if name in known and hasattr(WebClient, name):
                    called.add(name)
                if name == "function" and path.parent.name == "listeners":
                    called |= ENDING_A_RUN
    return called


def scopes_accepted(client_method: str) -> list[str]:
    if client_method in UPLOAD_SCOPES:
        return UPLOAD_SCOPES[client_method]
    method = client_method.replace("_", ".")
    if method in NEWER_METHOD_SCOPES:
        return list(NEWER_METHOD_SCOPES[method])
    verbs = web_api_paths()["/" + client_method.replace("_", ".")]
    scopes = [s for verb in verbs.values() for rule in verb["security"] for s in rule["slackAuth"]]
    return [GRANULAR.get(s, s) for s in scopes]


def test_manifest_grants_a_scope_for_every_web_api_method_the_bot_calls() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    methods = web_api_methods_called()
    assert {"chat_postMessage", "views_publish", "files_upload_v2"} | ENDING_A_RUN <= methods
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
    assert {"message.channels", "message.groups", "user_change", "team_join"} <= events
    assert "app_home_opened" in events


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


def test_both_manifests_offer_the_workflow_steps_the_app_runs() -> None:
    for name in ("manifest.yml", "manifest-http.yml"):
        found = manifest(name)
        assert set(found["functions"]) == {LOG_DEAL, SHARE_STORY}, name
        assert found["settings"]["org_deploy_enabled"] is True, name  # Workflow Builder asks it


def test_each_step_input_is_titled_as_a_failed_run_names_it() -> None:
    for step in manifest()["functions"].values():
        for name, parameter in step["input_parameters"].items():
            assert TITLES[name] == parameter["title"], name


def test_the_story_steps_choices_are_the_story_forms() -> None:
    inputs = manifest()["functions"][SHARE_STORY]["input_parameters"]
    assert inputs["visibility"]["enum"] == [v.value for v in Visibility]
    assert [c["value"] for c in inputs["visibility"]["choices"]] == [v.value for v in Visibility]
    assert inputs["quality"]["enum"] == list(QUALITIES)


def test_ending_a_steps_run_needs_no_scope() -> None:
    assert {scopes_accepted(method)[0] for method in ENDING_A_RUN} == {"none"}
