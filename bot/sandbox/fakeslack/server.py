"""FakeSlack, the whole fake as tests use it: a real Web API HTTP server and a Socket Mode
WebSocket endpoint on 127.0.0.1, put together from the parts in this package (the
workspace model, installs, faults, the Web API and its methods, the upload flow,
response_urls, Socket Mode and the envelopes people's actions become). It starts and
stops the servers, and its methods and attributes are those of the parts, so a test
needs only `fake.add_user(...)`, `fake.fail_next(...)`, `fake.click(...)`, `fake.calls`."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .envelopes import Envelopes
from .faults import Faults
from .functions import COMPLETIONS, Functions
from .http_server import WebServer, handler_for
from .installs import Installs
from .methods import Methods
from .response_urls import ResponseUrls
from .socket_mode import SocketMode
from .uploads import Uploads
from .web_api import WebApi
from .workspace import Workspace

STOP_POLL = 0.02  # seconds between the HTTP server's looks at whether to stop

P = ParamSpec("P")
R = TypeVar("R")


class Delegated(Generic[P, R]):
    """A FakeSlack method that is a method of one of its parts (the attribute `part`):
    on a FakeSlack it is that part's bound method, with its signature and docstring."""

    def __init__(self, part: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self.part = part
        self.method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, fake: None, owner: type[Any]) -> Callable[Concatenate[Any, P], R]: ...

    @overload
    def __get__(self, fake: object, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(
        self, fake: object | None, owner: type[Any]
    ) -> Callable[Concatenate[Any, P], R] | Callable[P, R]:
        if fake is None:
            return self.method
        return types.MethodType(self.method, getattr(fake, self.part))


class FakeSlack:
    def __init__(
        self, now: Callable[[], datetime] | None = None, ack_timeout: float = 10.0
    ) -> None:
        self._http = WebServer(("127.0.0.1", 0), handler_for(self))
        workspace = self._workspace = Workspace(now or (lambda: datetime.now(UTC)))
        self._installs = Installs(workspace.changed)
        self._faults = Faults(workspace.changed, workspace.now)
        self._socket_mode = SocketMode(workspace, ack_timeout)
        self._response_urls = ResponseUrls(workspace, self.http_url)
        self._envelopes = Envelopes(workspace, self._socket_mode, self._response_urls)
        self._uploads = Uploads(workspace, self.http_url)
        self._methods = Methods(workspace, self._installs, self._socket_mode)
        self._functions = Functions(
            workspace,
            self._installs,
            self._envelopes,
            self._methods.calling_token,
            self._completions_of,
        )
        self._web_api = WebApi(
            workspace,
            self._installs,
            self._faults,
            self._methods,
            others=[self._uploads, self._functions],
        )
        # the parts' records, shared, so that a test reads what the parts write
        self.users = workspace.users
        self.channels = workspace.channels
        self.messages = workspace.messages
        self.files = workspace.files
        self.views = workspace.views
        self.home = workspace.home
        self.responses = workspace.responses
        self.ephemerals = workspace.ephemerals
        self.violations = workspace.violations
        self.calls = self._web_api.calls
        self.executions = self._functions.executions
        self.tokens = self._installs.tokens
        self.revoked = self._installs.revoked
        self.issued = self._installs.issued
        self.team_names = self._installs.team_names
        self.hold_timeouts = self._faults.hold_timeouts
        self.acks = self._socket_mode.acks
        self.sent_at = self._socket_mode.sent_at
        self.acked_at = self._socket_mode.acked_at
        self.ack_counts = self._socket_mode.ack_counts
        self._threads = [
            threading.Thread(target=self._http.serve_forever, args=(STOP_POLL,), daemon=True),
            threading.Thread(target=self._socket_mode.serve_forever, daemon=True),
        ]

    def start(self) -> FakeSlack:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._socket_mode.finish_hand_overs()
        self._http.shutdown()
        self._http.server_close()
        self._socket_mode.shutdown()

    @property
    def api_url(self) -> str:
        return f"{self.http_url}/api/"

    @property
    def http_url(self) -> str:
        return self._http.url

    @property
    def socket_url(self) -> str:
        return self._socket_mode.url

    @property
    def connections(self) -> int:
        return self._socket_mode.connections

    @property
    def connections_opened(self) -> int:
        """TCP connections the Web API server has accepted (uploads and response_urls
        included): with keep-alive, far fewer than calls."""
        return self._http.connections_opened

    @property
    def ack_timeout(self) -> float:
        return self._socket_mode.ack_timeout

    @ack_timeout.setter
    def ack_timeout(self, seconds: float) -> None:
        self._socket_mode.ack_timeout = seconds

    @property
    def frame_size(self) -> int | None:
        return self._socket_mode.frame_size

    @frame_size.setter
    def frame_size(self, characters: int | None) -> None:
        self._socket_mode.frame_size = characters

    @property
    def refusing_connections(self) -> bool:
        return self._socket_mode.refusing_connections

    @refusing_connections.setter
    def refusing_connections(self, refusing: bool) -> None:
        self._socket_mode.refusing_connections = refusing

    def _completions_of(self, execution_id: str) -> int:
        """How many calls tried to end the run, answered or faulted."""
        with self._workspace.changed:
            return sum(
                1
                for call in self._web_api.calls
                if call.method in COMPLETIONS
                and call.args.get("function_execution_id") == execution_id
            )

    def limit_history(self, per_minute: int = 1, page: int = 15) -> None:
        """Slack's regime since 2025 for apps distributed outside the Marketplace:
        conversations.history and .replies answer `per_minute` calls a minute (429 with
        Retry-After beyond), with at most `page` messages a page."""
        for method in ("conversations.history", "conversations.replies"):
            self._faults.limit(method, per_minute)
        self._methods.history_page_cap = page

    # the workspace and its installs
    add_user = Delegated("_workspace", Workspace.add_user)
    add_channel = Delegated("_workspace", Workspace.add_channel)
    post_as_user = Delegated("_workspace", Workspace.post_as_user)
    add_messages = Delegated("_workspace", Workspace.add_messages)
    edit_as_user = Delegated("_workspace", Workspace.edit_as_user)
    delete_message = Delegated("_workspace", Workspace.delete_message)
    message = Delegated("_workspace", Workspace.message)
    wait_for = Delegated("_workspace", Workspace.wait_for)
    next_ts = Delegated("_workspace", Workspace.next_ts)
    serial = Delegated("_workspace", Workspace.serial)
    approve_install = Delegated("_installs", Installs.approve_install)
    uninstall = Delegated("_installs", Installs.uninstall)
    tokens_of = Delegated("_installs", Installs.tokens_of)

    # faults, rate limits and calls in flight
    fail_next = Delegated("_faults", Faults.fail_next)
    fail_always = Delegated("_faults", Faults.fail_always)
    fail_some = Delegated("_faults", Faults.fail_some)
    slow = Delegated("_faults", Faults.slow)
    clear_faults = Delegated("_faults", Faults.clear_faults)
    enforce_limits = Delegated("_faults", Faults.enforce_limits)
    hold = Delegated("_faults", Faults.hold)
    release = Delegated("_faults", Faults.release)
    in_flight = Delegated("_faults", Faults.in_flight)
    wait_in_flight = Delegated("_faults", Faults.wait_in_flight)
    max_in_flight = Delegated("_faults", Faults.max_in_flight)

    # Socket Mode, and what people do that it carries
    deliver_to = Delegated("_socket_mode", SocketMode.deliver_to)
    wait_for_connection = Delegated("_socket_mode", SocketMode.wait_for_connection)
    hang_up = Delegated("_socket_mode", SocketMode.hang_up)
    refresh = Delegated("_socket_mode", SocketMode.refresh)
    send_event = Delegated("_envelopes", Envelopes.send_event)
    event_callback = Delegated("_envelopes", Envelopes.event_callback)
    send_interaction = Delegated("_envelopes", Envelopes.send_interaction)
    send_command = Delegated("_envelopes", Envelopes.send_command)
    command = Delegated("_envelopes", Envelopes.command)
    command_payload = Delegated("_envelopes", Envelopes.command_payload)
    set_profile = Delegated("_envelopes", Envelopes.set_profile)
    join = Delegated("_envelopes", Envelopes.join)
    open_home = Delegated("_envelopes", Envelopes.open_home)
    click = Delegated("_envelopes", Envelopes.click)
    click_home = Delegated("_envelopes", Envelopes.click_home)
    submit = Delegated("_envelopes", Envelopes.submit)
    submission_payload = Delegated("_envelopes", Envelopes.submission_payload)

    # Workflow Builder's custom steps
    define_functions = Delegated("_functions", Functions.define_functions)
    function_executed = Delegated("_functions", Functions.function_executed)
    run_function = Delegated("_functions", Functions.run_function)
    send_run_again = Delegated("_functions", Functions.send_run_again)
    wait_for_end = Delegated("_functions", Functions.wait_for_end)

    # the Web API, and the URLs Slack serves besides it
    handle = Delegated("_web_api", WebApi.handle)
    close_idle_connections = Delegated("_http", WebServer.close_idle_connections)
    calls_to = Delegated("_web_api", WebApi.calls_to)
    wait_for_calls = Delegated("_web_api", WebApi.wait_for_calls)
    receive_upload = Delegated("_uploads", Uploads.receive_upload)
    receive_response = Delegated("_response_urls", ResponseUrls.receive_response)
    new_response_url = Delegated("_response_urls", ResponseUrls.new)
    api_auth_test = Delegated("_methods", Methods.api_auth_test)
    api_apps_connections_open = Delegated("_methods", Methods.api_apps_connections_open)
    api_oauth_v2_access = Delegated("_methods", Methods.api_oauth_v2_access)
    api_chat_postMessage = Delegated("_methods", Methods.api_chat_postMessage)
    api_chat_update = Delegated("_methods", Methods.api_chat_update)
    api_chat_postEphemeral = Delegated("_methods", Methods.api_chat_postEphemeral)
    api_chat_getPermalink = Delegated("_methods", Methods.api_chat_getPermalink)
    api_conversations_info = Delegated("_methods", Methods.api_conversations_info)
    api_conversations_open = Delegated("_methods", Methods.api_conversations_open)
    api_conversations_history = Delegated("_methods", Methods.api_conversations_history)
    api_conversations_replies = Delegated("_methods", Methods.api_conversations_replies)
    api_conversations_list = Delegated("_methods", Methods.api_conversations_list)
    api_conversations_members = Delegated("_methods", Methods.api_conversations_members)
    api_users_info = Delegated("_methods", Methods.api_users_info)
    api_users_list = Delegated("_methods", Methods.api_users_list)
    api_users_lookupByEmail = Delegated("_methods", Methods.api_users_lookupByEmail)
    api_views_open = Delegated("_methods", Methods.api_views_open)
    api_views_update = Delegated("_methods", Methods.api_views_update)
    api_views_push = Delegated("_methods", Methods.api_views_push)
    api_views_publish = Delegated("_methods", Methods.api_views_publish)
    api_functions_completeSuccess = Delegated("_functions", Functions.api_functions_completeSuccess)
    api_functions_completeError = Delegated("_functions", Functions.api_functions_completeError)
    api_files_getUploadURLExternal = Delegated("_uploads", Uploads.api_files_getUploadURLExternal)
    api_files_completeUploadExternal = Delegated(
        "_uploads", Uploads.api_files_completeUploadExternal
    )
