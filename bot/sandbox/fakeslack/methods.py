"""The Web API methods the bot calls, answered as Slack answers them from the workspace
model: chat.* (post, update, ephemeral, permalink), conversations.* (info, open, list,
members, and paged history and replies), users.info, users.list and users.lookupByEmail, views.*
(modals and Home tabs), auth.test, apps.connections.open and oauth.v2.access. Each
`api_<method>` handler takes the call's arguments and returns its JSON answer; the caller
holds the workspace's lock. The files.* upload flow is in `uploads`."""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from .history import page
from .installs import Installs
from .socket_mode import SocketMode
from .spec import decode
from .workspace import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, Message, Workspace

LIST_CURSOR = "offset:"


def _hidden_from_bot(channel: dict[str, Any]) -> bool:
    """Slack shows the bot a private channel only when it is in it."""
    return bool(channel.get("is_private")) and not channel.get("is_member")


class Methods:
    """Handlers by method name; `called_with` says whose token the current call has."""

    def __init__(self, workspace: Workspace, installs: Installs, socket_mode: SocketMode) -> None:
        self._workspace = workspace
        self._installs = installs
        self._socket_mode = socket_mode
        self._caller = threading.local()
        self.history_page_cap: int | None = None  # see FakeSlack.limit_history

    def called_with(self, token: str | None) -> None:
        """The token of the call this thread answers, which names its workspace."""
        self._caller.token = token

    def calling_token(self) -> str | None:
        token: str | None = getattr(self._caller, "token", None)
        return token

    def _calling_team(self) -> str:
        return self._installs.team_of(self.calling_token())

    def api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team = self._calling_team()
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": self._installs.team_names.get(team, team),
            "user": "serve",
            "team_id": team,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if self._socket_mode.refusing_connections:
            return {"ok": False, "error": "service_unavailable"}
        return {"ok": True, "url": self._socket_mode.url}

    def api_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._installs.grant(args)

    def api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._workspace.channel_for(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        message = Message(
            channel=channel,
            ts=self._workspace.next_ts(),
            text=args.get("text", ""),
            blocks=decode(args.get("blocks", [])),
            bot_id=BOT_ID,
            user=BOT_USER_ID,
            thread_ts=args.get("thread_ts"),
            metadata=decode(args["metadata"]) if "metadata" in args else None,
            broadcast=str(args.get("reply_broadcast", "")).lower() in ("true", "1"),
        )
        self._workspace.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message.ts, "message": message.as_event()}

    def api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self._workspace.message(args["channel"], args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.user != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = decode(args["blocks"])
        return {"ok": True, "channel": message.channel, "ts": message.ts, "text": message.text}

    def api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._workspace.channel_for(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        ts = self._workspace.next_ts()
        self._workspace.ephemerals.append(
            {
                "channel": channel,
                "user": args["user"],
                "text": args.get("text", ""),
                "blocks": decode(args.get("blocks", [])),
                "thread_ts": args.get("thread_ts"),
                "message_ts": ts,
            }
        )
        return {"ok": True, "message_ts": ts}

    def api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args["channel"], args["message_ts"]
        if self._workspace.message(channel, ts) is None:
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._workspace.channels.get(args["channel"])
        if channel is None or _hidden_from_bot(channel):
            return {"ok": False, "error": "channel_not_found"}
        hidden = {"members"} if args.get("include_locale") in _TRUE else {"members", "locale"}
        return {"ok": True, "channel": {k: v for k, v in channel.items() if k not in hidden}}

    def api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(args.get("users", "")).split(",") if u]
        if len(users) != 1 or users[0] not in self._workspace.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": self._workspace.open_dm(users[0])}}

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Top-level messages and thread broadcasts, newest first, a page at a time."""
        if args["channel"] not in self._workspace.channels:
            return {"ok": False, "error": "channel_not_found"}
        top_level = [
            m
            for m in self._workspace.messages[args["channel"]]
            if m.thread_ts in (None, m.ts) or m.broadcast
        ]
        return page(top_level, args, 100, self._page_cap(999), newest_first=True)

    def api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A thread, parent first, a page at a time."""
        if args["channel"] not in self._workspace.channels:
            return {"ok": False, "error": "channel_not_found"}
        thread = [
            m
            for m in self._workspace.messages[args["channel"]]
            if m.ts == args["ts"] or m.thread_ts == args["ts"]
        ]
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return page(thread, args, 1000, self._page_cap(1000), newest_first=False)

    def _page_cap(self, usual: int) -> int:
        return min(usual, self.history_page_cap or usual)

    def api_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """The calling workspace's channels of the asked `types` (public by default) that
        the bot can see, `limit` (at most 1000) a page, the cursor naming where the next
        page starts."""
        team = self._calling_team()
        types = set(str(args.get("types") or "public_channel").split(","))
        channels = [
            {k: v for k, v in c.items() if k != "members"}
            for c in self._workspace.channels.values()
            if c.get("is_channel")
            and c.get("context_team_id", TEAM_ID) == team
            and ("private_channel" if c.get("is_private") else "public_channel") in types
            and not _hidden_from_bot(c)
        ]
        cursor = str(args.get("cursor") or "")
        if cursor and not (cursor.startswith(LIST_CURSOR) and cursor[len(LIST_CURSOR) :].isdigit()):
            return {"ok": False, "error": "invalid_cursor"}
        start = int(cursor[len(LIST_CURSOR) :]) if cursor else 0
        limit = min(max(int(args.get("limit") or 100), 1), 1000)
        rest = len(channels) > start + limit
        return {
            "ok": True,
            "channels": channels[start : start + limit],
            "response_metadata": {"next_cursor": f"{LIST_CURSOR}{start + limit}" if rest else ""},
        }

    def api_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._workspace.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "members": channel["members"], "response_metadata": {"next_cursor": ""}}

    def api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._workspace.users.get(args["user"])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": _as_shown(user, args)}

    def api_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        """The calling workspace's people (bots and deactivated accounts too, as Slack
        lists them), `limit` a page (everyone without one; Slack suggests at most 200),
        the cursor naming where the next page starts, locales only with `include_locale`."""
        team = self._calling_team()
        people = [u for u in self._workspace.users.values() if u["team_id"] == team]
        cursor = str(args.get("cursor") or "")
        if cursor and not (cursor.startswith(LIST_CURSOR) and cursor[len(LIST_CURSOR) :].isdigit()):
            return {"ok": False, "error": "invalid_cursor"}
        start = int(cursor[len(LIST_CURSOR) :]) if cursor else 0
        limit = min(int(args.get("limit") or 0) or len(people) or 1, 1000)
        rest = len(people) > start + limit
        return {
            "ok": True,
            "members": [_as_shown(u, args) for u in people[start : start + limit]],
            "cache_ts": int(self._workspace.now().timestamp()),
            "response_metadata": {"next_cursor": f"{LIST_CURSOR}{start + limit}" if rest else ""},
        }

    def api_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        """The calling workspace's person whose profile has that e-mail, in any case."""
        email, team = str(args["email"]).casefold(), self._calling_team()
        for user in self._workspace.users.values():
            found = str(user["profile"].get("email") or "").casefold()
            if found and found == email and user["team_id"] == team:
                return {"ok": True, "user": _as_shown(user, args)}
        return {"ok": False, "error": "users_not_found"}

    def api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = {"id": f"V{self._workspace.serial():08d}", **decode(args["view"])}
        self._workspace.views.append(view)
        return {"ok": True, "view": view}

    api_views_update = api_views_open
    api_views_push = api_views_open

    def api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        """Set a person's Home tab (kept in `home`, not `views`, which holds modals). A
        `hash` that is not the current view's answers hash_conflict, as Slack does."""
        workspace = self._workspace
        user = args["user_id"]
        if user not in workspace.users:
            return {"ok": False, "error": "user_not_found"}
        current = workspace.home.get(user)
        if args.get("hash") and (current is None or args["hash"] != current["hash"]):
            return {"ok": False, "error": "hash_conflict"}
        view_id = current["id"] if current else f"V{workspace.serial():08d}"
        view = {
            "id": view_id,
            "team_id": TEAM_ID,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "clear_on_close": False,
            "notify_on_close": False,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
            **decode(args["view"]),
            "hash": f"{int(workspace.now().timestamp())}.{uuid.uuid4().hex[:8]}",
        }
        workspace.home[user] = view
        return {"ok": True, "view": copy.deepcopy(view)}


_TRUE = (True, "true", "1", 1)


def _as_shown(user: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """A person as a call sees them: their locale only where the call asked for it."""
    if args.get("include_locale") in _TRUE:
        return user
    return {k: v for k, v in user.items() if k != "locale"}
