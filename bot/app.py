"""Builds the Bolt app and runs it over Socket Mode."""

from __future__ import annotations

import contextvars
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.token_rotation import TokenRotator

from bot import due_work, listeners
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery import Deliveries
from bot.deps import Deps
from bot.directory import Directory
from bot.listeners.inbound import clean_text
from bot.metrics import Metrics
from bot.runner import Runner
from bot.scheduler import Timer
from bot.services import catch_up, installs, retention, weekly
from bot.slack_api import TIMEOUT_SECONDS, keeping_alive, listener_client, runner_client
from bot.socket_mode import SocketMode
from bot.store.db import Store, hold_sqlite_file
from bot.store.installations import Installations, oauth_states
from bot.tokens import (
    REFRESH_MINUTES_BEFORE_EXPIRY,
    BotTokens,
    InstalledTokens,
    NotInstalled,
    OneWorkspace,
)
from bot.web import SlackSignatures, SlackWeb, WebServer
from bot.webhooks import CrmWebhooks

log = logging.getLogger(__name__)
# What the app asks a workspace for when it installs: as in deploy/manifest*.yml.
BOT_SCOPES = (
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "chat:write",
    "commands",
    "files:write",
    "im:write",
    "im:history",
    "users:read",
    "users:read.email",  # a CRM webhook's deal owner, found by e-mail
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class ListenerPool(ThreadPoolExecutor):
    """Runs listeners after the ack, and can tell when all of them have finished."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="serve-listener")
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn` in the request's context, so a listener speaks in its voice."""
        with self._idle:
            self._running += 1
        try:
            future = super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._idle:
            self._running -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)


class ServeApp(App):
    """Bolt's app, each request dispatched in a context of its own: the voice its
    middleware sets reaches its listeners (the pool copies the context) and ends with
    the request, never carrying over to the next one on the same thread. Its requests'
    clients share kept-alive connections."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        answer: BoltResponse = contextvars.copy_context().run(super().dispatch, req)
        return answer

    def _init_context(self, req: BoltRequest) -> None:
        """Bolt gives each request a new plain WebClient; this one keeps the app
        client's connections alive (bot/slack_api.py), before any middleware uses it."""
        super()._init_context(req)
        req.context["client"] = keeping_alive(req.context.client)


def build_app(deps: Deps, client: WebClient, executor: ListenerPool) -> App:
    """The Bolt app. Over HTTP, bot/web.py checks each request's signature before Bolt
    sees it (against the injected clock, and refusing a malformed one without an
    exception), so Bolt's own check is off; over Socket Mode the connection itself
    vouches for Slack. With installations, each request speaks with its own workspace's
    token, and workspaces install the app at /slack/install."""
    app = ServeApp(
        client=client,
        listener_executor=executor,
        request_verification_enabled=False,
        oauth_settings=oauth_settings(deps),
    )
    listeners.register(app, deps)
    return app


def oauth_settings(deps: Deps) -> OAuthSettings | None:
    settings, installations = deps.settings, deps.installations
    if installations is None:
        return None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=oauth_states(deps.store),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        token_rotation_expiration_minutes=REFRESH_MINUTES_BEFORE_EXPIRY,
    )


# How Slack's requests reach the app: a Socket Mode connection, HTTP on PORT, or handed
# to `app.dispatch` by whoever runs the bot (the sandbox).
Transport = Literal["socket_mode", "http", "direct"]


class RunningBot:
    """The bot as `servebot run` starts it: schema upgraded, Slack app connected (over
    Socket Mode, or serving HTTP), and the runner sending what falls due."""

    def __init__(
        self, settings: Settings, clock: Clock | None = None, transport: Transport = "socket_mode"
    ) -> None:
        http = transport == "http"
        self.settings = settings
        hold_sqlite_file(settings.database_url)
        self.store = Store(settings.database_url)
        self.store.upgrade()
        self.clock = clock or SystemClock()
        self.client = listener_client(settings, self.clock)
        self.listeners = ListenerPool()
        self.directory = directory = Directory(self.clock)
        self.metrics = Metrics(self.clock)
        self.installations = (
            Installations(settings.slack_client_id, self.store, self._installed)
            if settings.many_workspaces
            else None
        )
        self.timer = Timer(settings.dispatch_interval_seconds, self.tick)
        self.deps = deps = Deps(
            settings,
            self.store,
            self.clock,
            directory,
            self.metrics,
            self.installations,
            run_soon=self._run_soon,
        )
        self.app = build_app(deps, self.client, self.listeners)
        self.runner = Runner(
            self.store,
            self.clock,
            concurrency=settings.send_threads,
            per_workspace=settings.sends_per_workspace,
        )
        self.runner.observe = self.metrics.work_ended
        self.deliveries = Deliveries(
            self._tokens(), lambda token: runner_client(settings, self.clock, token), directory
        )
        due_work.register(self.runner, deps, self.deliveries)
        self.socket = (
            SocketMode(self.app, settings.slack_app_token, self._came_back)
            if transport == "socket_mode"
            else None
        )
        signatures = SlackSignatures(settings.slack_signing_secret, self.clock)
        self.team_id = ""  # the one workspace's, without installs
        crm = CrmWebhooks(
            self.store, self.clock, settings, lambda: self.team_id or None, self._run_soon
        )
        self.web = (
            WebServer(SlackWeb(self.app, self.store, self.metrics, signatures, crm), settings.port)
            if http
            else None
        )
        if self.installations is None:
            self.team_id = str(self.client.auth_test().get("team_id") or "")
            if self.team_id:  # the one workspace's token works: the app is installed there
                installs.installed(self.store, self.clock, self.team_id)

    def _run_soon(self) -> None:
        """On the real clock the timer ticks at once; on a clock moved by hand (tests, the
        demo, the simulation) whoever moves it runs the runner, so it runs when they say."""
        if isinstance(self.clock, SystemClock):
            self.timer.wake()

    def _tokens(self) -> BotTokens:
        if self.installations is None:
            return OneWorkspace(self.settings.slack_bot_token)
        refresher = WebClient(base_url=self.settings.slack_api_url, timeout=TIMEOUT_SECONDS)
        rotator = TokenRotator(
            client_id=self.settings.slack_client_id,
            client_secret=self.settings.slack_client_secret,
            client=refresher,
        )
        return InstalledTokens(self.installations, rotator)

    def _installed(self, installation: Installation) -> None:
        if installation.team_id:
            name = clean_text(installation.team_name or "")  # not via the inbound middleware
            installs.installed(self.store, self.clock, installation.team_id, name)

    def _came_back(self) -> None:
        """The Socket Mode connection is back after a gap: catch up on what was posted."""
        try:
            catch_up.came_back(self.store, self.clock, self.team_id, self.settings.catch_up_days)
        except Exception:
            log.exception("could not ask to catch up after the connection came back")
            return
        log.info("Socket Mode is connected again; catching up on the deal channels")
        self._run_soon()

    def start(self) -> RunningBot:
        """Ask for what was posted while Serve was away before anything new comes in,
        and read each workspace's people before the first tick sends anything."""
        catch_up.started(self.store, self.clock, self.settings)
        if self.web is not None:
            self.web.start()
        if self.socket is not None:
            self.socket.connect()
            log.info("Serve is connected to Slack over Socket Mode")
        self.warm_directory()
        self.timer.start()
        return self

    def tick(self) -> int:
        """Replay the events held while the database was away, read each workspace's
        people if this process has not lately, plan this week's work if nobody has yet
        (and today's retention), then run whatever has fallen due."""
        self.deps.held.replay(self.app, self.store)
        self.warm_directory()
        weekly.ensure_this_week(self.store, self.clock, self.settings)
        retention.ensure_today(self.store, self.clock, self.settings)
        return self.runner.tick()

    def warm_directory(self) -> None:
        """Each workspace's people, read whole at start and on a slow schedule, so a DM
        needs no users.info. On the timer, not as due work: the directory lives in this
        process's memory, and due work is claimed by one replica of many. A rate limit
        holds the read on the runner's client (it pauses, never sleeps) until Slack
        allows; the tick goes on meanwhile."""
        for team_id in installs.installed_teams(self.store):
            try:
                client = self.deliveries.to(team_id).client
            except NotInstalled:
                continue
            self.directory.warm_if_due(client, team_id)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every listener started so far has finished."""
        return self.listeners.wait_idle(timeout)

    def stop(self, grace: float = 5.0) -> None:
        """Stop taking work, give running work `grace` seconds to end (what is still
        running is handed back, to be retried), and disconnect."""
        if self.web is not None:
            self.web.stop()
        self.runner.stop(grace)
        self.timer.stop()
        if self.socket is not None:
            self.socket.close()
        self.listeners.wait_idle(timeout=1.0)
        self.listeners.shutdown(wait=False, cancel_futures=True)
        if held := len(self.deps.held):
            log.error("stopping with %d events held for the database: they are lost", held)
        self.store.close()
