"""Installs of the app: which bot token belongs to which workspace, how OAuth hands tokens
out (the code Slack puts in the install redirect, oauth.v2.access, and the refresh tokens
of token rotation), and the uninstall that revokes a workspace's tokens at once. The
default workspace's bot token is live from the start; the app token opens Socket Mode."""

from __future__ import annotations

import base64
import itertools
import threading
import uuid
from typing import Any

from .workspace import APP_ID, BOT_USER_ID, TEAM_ID

BOT_TOKEN = "xoxb-fake-serve-bot-token"
APP_TOKEN = "xapp-1-fake-serve-app-token"
CLIENT_ID = "1000000001.2000000002"  # the app's OAuth credentials, for oauth.v2.access
CLIENT_SECRET = "fake-client-secret-0123456789"


class Installs:
    """Tokens by workspace; `changed` is the workspace's condition, whose lock it takes."""

    def __init__(self, changed: threading.Condition) -> None:
        self._changed = changed
        self.tokens: dict[str, str] = {BOT_TOKEN: TEAM_ID}  # each live bot token's team
        self.revoked: set[str] = set()  # tokens revoked by an uninstall
        self.ended: set[str] = set()  # tokens of workflow steps' runs that have ended
        self.issued: dict[str, str] = {}  # every token oauth.v2.access gave out -> team
        self.team_names: dict[str, str] = {TEAM_ID: "Serve Test"}
        self._codes: dict[str, tuple[str, str, int | None]] = {}  # code -> team, installer
        self._refresh: dict[str, tuple[str, int]] = {}  # refresh token -> team, lifetime
        self._issued = itertools.count(1)

    def approve_install(
        self, team: str, name: str, installer: str, token_lifetime: int | None = None
    ) -> str:
        """Someone in `team` clicked Allow on the install page: the code Slack puts in
        the redirect. With `token_lifetime` (seconds), tokens expire and are refreshed,
        as with token rotation on."""
        code = f"code-{uuid.uuid4().hex[:12]}"
        with self._changed:
            self.team_names[team] = name
            self._codes[code] = (team, installer, token_lifetime)
        return code

    def uninstall(self, team: str) -> None:
        """The workspace removed the app: its tokens stop working at once."""
        with self._changed:
            for token, owner in list(self.tokens.items()):
                if owner == team:
                    del self.tokens[token]
                    self.revoked.add(token)
            for refresh, (owner, _) in list(self._refresh.items()):
                if owner == team:
                    del self._refresh[refresh]

    def tokens_of(self, team: str) -> list[str]:
        """Every bot token issued to `team` through OAuth, live or revoked, oldest first."""
        with self._changed:
            return [token for token, owner in self.issued.items() if owner == team]

    def team_of(self, token: str | None) -> str:
        """The workspace a call's token is for; the default one for a token it is not."""
        return self.tokens.get(token or "", TEAM_ID)

    def grant(self, args: dict[str, Any]) -> dict[str, Any]:
        """What oauth.v2.access answers: a code or a refresh token exchanged for a token."""
        if args.get("grant_type") == "refresh_token":
            found = self._refresh.pop(str(args.get("refresh_token")), None)
            if found is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            team, lifetime = found
            return {"ok": True, **self._issue(team, lifetime)}
        claimed = self._codes.pop(str(args.get("code")), None)
        if claimed is None:
            return {"ok": False, "error": "invalid_code"}
        team, installer, token_lifetime = claimed
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": installer},
            "enterprise": None,
            "is_enterprise_install": False,
            **self._issue(team, token_lifetime),
        }

    def _issue(self, team: str, lifetime: int | None) -> dict[str, Any]:
        token = f"xoxb-fake-{team}-{next(self._issued)}"
        self.tokens[token] = self.issued[token] = team
        issued: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "chat:write,commands",
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team, "name": self.team_names.get(team, team)},
        }
        if lifetime is not None:
            refresh = f"xoxe-1-fake-{team}-{uuid.uuid4().hex[:8]}"
            self._refresh[refresh] = (team, lifetime)
            issued |= {"refresh_token": refresh, "expires_in": lifetime}
        return issued


def client_credentials(token: str | None, args: dict[str, Any]) -> tuple[str, str]:
    """The client id and secret of an oauth.v2.access call: HTTP Basic, as slack_sdk
    sends them, or form fields."""
    if token and token.startswith("Basic "):
        decoded = base64.b64decode(token.removeprefix("Basic ")).decode()
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(args.get("client_id", "")), str(args.get("client_secret", ""))
