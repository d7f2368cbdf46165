"""The fake Slack holds the bot to Slack's published API: these check the checker."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.webhook import WebhookClient

from bot.sandbox.fakeslack import (
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    DROPPED,
    TEAM_ID,
    Failure,
    FakeSlack,
    SharedFile,
)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_channel("C0GENERAL", "general")
    yield fake
    fake.stop()


def client(fake: FakeSlack, token: str = BOT_TOKEN, **options: Any) -> WebClient:
    return WebClient(token=token, base_url=fake.api_url, **options)


def no_retries(fake: FakeSlack, **options: Any) -> WebClient:
    return client(fake, retry_handlers=[], **options)


def post(web: WebClient, text: str, **extra: Any) -> Any:
    return web.chat_postMessage(channel="C0GENERAL", text=text, **extra)


def pages(responses: Iterable[Any], most: int = 20) -> list[list[dict[str, Any]]]:
    """Follow next_cursor, but not forever if the fake stops honouring it."""
    return [page["messages"] for page in islice(responses, most)]


@contextmanager
def app(
    fake: FakeSlack, answer: Callable[[SocketModeRequest], dict[str, Any] | None]
) -> Iterator[list[SocketModeRequest]]:
    """A minimal stand-in for the bot: a Socket Mode client that acks every envelope with
    whatever `answer` returns for it, and keeps the envelopes it was sent."""
    seen: list[SocketModeRequest] = []

    def on_request(socket: SocketModeClient, request: SocketModeRequest) -> None:
        seen.append(request)
        payload = answer(request)
        socket.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )

    socket = SocketModeClient(APP_TOKEN, web_client=client(fake), auto_reconnect_enabled=False)
    socket.socket_mode_request_listeners.append(on_request)
    socket.connect()
    try:
        fake.wait_for_connection()
        yield seen
    finally:
        fake.hang_up()  # Slack's side first: slack_sdk's own close then takes ~1s, not ~3s
        try:
            socket.close()
        except AttributeError:
            # slack_sdk's builtin client can race a close from Slack's side (as the bot's
            # RunningBot.stop knows); closing again finds the socket gone and finishes.
            socket.close()


def outcome(web: WebClient, text: str) -> str:
    try:
        post(web, text)
    except SlackApiError as error:
        return f"{error.response.status_code} {error.response['error']}"
    return "ok"


def test_a_valid_call_is_answered_and_recorded(fake: FakeSlack) -> None:
    answer = client(fake).chat_postMessage(channel="C0GENERAL", text="hello")

    assert answer["ok"] and answer["ts"]
    [call] = fake.calls_to("chat.postMessage")
    assert call.args == {"channel": "C0GENERAL", "text": "hello"}
    assert fake.violations == []


def test_an_argument_slack_does_not_know_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake).api_call("chat.postMessage", json={"channel": "C0GENERAL", "txet": "hi"})
    assert fake.violations == ["chat.postMessage: unknown argument 'txet'"]


def test_a_missing_required_argument_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake).api_call("chat.update", json={"channel": "C0GENERAL", "text": "x"})
    assert fake.violations == ["chat.update: missing 'ts'"]


def test_a_token_speaks_only_for_its_own_workspace_and_an_uninstall_revokes_it(
    fake: FakeSlack,
) -> None:
    fake.add_user("U0OTHER", "other", team="T0OTHER")
    code = fake.approve_install("T0OTHER", "Other Inc", "U0OTHER", token_lifetime=600)
    oauth = WebClient(base_url=fake.api_url)
    issued = oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    other = client(fake, token=issued["access_token"])

    assert other.auth_test()["team_id"] == "T0OTHER"
    other.chat_postMessage(channel="U0OTHER", text="hi")
    with pytest.raises(SlackApiError):
        other.chat_postMessage(channel="C0GENERAL", text="not yours")
    refreshed = oauth.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=issued["refresh_token"],
    )
    fake.uninstall("T0OTHER")
    with pytest.raises(SlackApiError):
        client(fake, token=refreshed["access_token"]).chat_postMessage(channel="U0OTHER", text="x")

    assert fake.tokens_of("T0OTHER") == [issued["access_token"], refreshed["access_token"]]
    assert fake.violations == [
        "chat.postMessage: C0GENERAL is in T0SERVE, the token is T0OTHER's",
        "chat.postMessage: called with a token revoked by an uninstall",
    ]
    fake.violations.clear()


def test_oauth_with_the_wrong_client_secret_is_a_violation(fake: FakeSlack) -> None:
    code = fake.approve_install("T0OTHER", "Other Inc", "U0OTHER")
    with pytest.raises(SlackApiError):
        WebClient(base_url=fake.api_url).oauth_v2_access(
            client_id=CLIENT_ID, client_secret="guessed", code=code
        )
    assert fake.violations == ["oauth.v2.access: called with the wrong token"]
    fake.violations.clear()


def test_block_kit_that_slack_sdk_rejects_is_a_violation(fake: FakeSlack) -> None:
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    too_many = [{"type": "divider"}] * 51
    for blocks in (too_long, too_many, [{"type": "sparkles"}]):
        with pytest.raises(SlackApiError):
            client(fake).chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks)
    assert len(fake.violations) == 3
    assert "3000" in fake.violations[0] and "51 blocks" in fake.violations[1]


def test_a_call_with_the_wrong_token_is_a_violation(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake, token=APP_TOKEN).chat_postMessage(channel="C0GENERAL", text="hi")
    assert fake.violations == ["chat.postMessage: called with the wrong token"]


def test_failures_on_demand(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    fake.fail_next("chat.postMessage", status=503)
    fake.fail_next("chat.postMessage", error="channel_not_found")
    answers = []
    for _ in range(3):
        with pytest.raises(SlackApiError) as raised:
            client(fake).chat_postMessage(channel="C0GENERAL", text="hi")
        answers.append(raised.value.response)

    assert answers[0].status_code == 429 and answers[0].headers["Retry-After"] == "7"
    assert answers[0]["error"] == "ratelimited"
    assert answers[1].status_code == 503
    assert answers[2]["error"] == "channel_not_found"
    assert fake.messages["C0GENERAL"] == []
    assert client(fake).chat_postMessage(channel="C0GENERAL", text="now")["ok"]


def test_socket_mode_url_points_at_the_fakes_own_endpoint(fake: FakeSlack) -> None:
    url = client(fake).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:")


def test_fail_always_lasts_until_cleared_and_fail_next_goes_first(fake: FakeSlack) -> None:
    web = no_retries(fake)
    fake.fail_always("chat.postMessage", status=503)
    fake.fail_next("chat.postMessage", error="not_in_channel")

    seen = [outcome(web, "hi") for _ in range(3)]
    fake.clear_faults("chat.postMessage")

    assert seen == ["200 not_in_channel", "503 fatal_error", "503 fatal_error"]
    assert outcome(web, "back") == "ok"
    assert [m.text for m in fake.messages["C0GENERAL"]] == ["back"]


def test_fail_some_fails_one_call_in_n_taking_the_kinds_in_turn(fake: FakeSlack) -> None:
    web = no_retries(fake)
    fake.fail_some(
        "chat.postMessage",
        every=3,
        kinds=[Failure(status=429, retry_after=2), {"error": "channel_not_found"}],
    )

    seen = [outcome(web, str(n)) for n in range(7)]
    fake.clear_faults()

    assert seen == ["ok", "ok", "429 ratelimited", "ok", "ok", "200 channel_not_found", "ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [200, 200, 429] + [200] * 4
    assert all(outcome(web, "calm") == "ok" for _ in range(3))


def test_slow_makes_a_call_outlast_the_clients_timeout(fake: FakeSlack) -> None:
    fake.slow("auth.test", 1.0)
    with pytest.raises((TimeoutError, URLError)):
        no_retries(fake, timeout=0.3).auth_test()
    [late] = fake.wait_for_calls("auth.test", 1)
    fake.clear_faults()

    assert late.status == 200
    assert no_retries(fake, timeout=0.3).auth_test()["ok"]


@pytest.mark.parametrize("applied", [False, True])
def test_a_dropped_call_closes_the_connection_without_an_answer(
    fake: FakeSlack, applied: bool, capfd: pytest.CaptureFixture[str]
) -> None:
    fake.fail_next("chat.postMessage", drop=True, applied=applied)

    with pytest.raises((ConnectionError, URLError)):
        post(no_retries(fake), "lost in transit")

    [call] = fake.calls_to("chat.postMessage")
    assert call.status == DROPPED
    assert [m.text for m in fake.messages["C0GENERAL"]] == (["lost in transit"] if applied else [])
    assert post(no_retries(fake), "again")["ok"]
    assert "Traceback" not in capfd.readouterr().err


def test_drops_can_be_persistent_or_one_in_n(fake: FakeSlack) -> None:
    fake.fail_always("auth.test", drop=True)
    fake.fail_some("chat.postMessage", every=2, kinds=[{"drop": True, "applied": True}])
    with pytest.raises((ConnectionError, URLError)):
        no_retries(fake).auth_test()

    assert outcome(no_retries(fake), "one") == "ok"
    with pytest.raises((ConnectionError, URLError)):
        post(no_retries(fake), "two")
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [200, DROPPED]
    assert [m.text for m in fake.messages["C0GENERAL"]] == ["one", "two"]


def test_history_pages_newest_first_and_honours_oldest_and_latest(fake: FakeSlack) -> None:
    web = client(fake)
    metadata = {"event_type": "deal_posted", "event_payload": {"deal": 1}}
    ts = [post(web, f"m{n}", metadata=metadata if n == 0 else None)["ts"] for n in range(5)]
    post(web, "a reply", thread_ts=ts[0])

    paged = pages(web.conversations_history(channel="C0GENERAL", limit=2))
    exclusive = web.conversations_history(channel="C0GENERAL", oldest=ts[1], latest=ts[3])
    inclusive = web.conversations_history(
        channel="C0GENERAL", oldest=ts[1], latest=ts[3], inclusive=True
    )
    last = web.conversations_history(channel="C0GENERAL", limit=2, oldest=ts[2])

    assert [[m["text"] for m in page] for page in paged] == [["m4", "m3"], ["m2", "m1"], ["m0"]]
    assert [m["text"] for m in exclusive["messages"]] == ["m2"]
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1"]
    assert [m["text"] for m in last["messages"]] == ["m4", "m3"]
    assert not last["has_more"] and last["response_metadata"]["next_cursor"] == ""
    oldest = web.conversations_history(channel="C0GENERAL", latest=ts[1])["messages"]
    assert oldest[0]["metadata"] == metadata
    assert fake.violations == []


def test_history_limit_defaults_to_100_and_caps_at_999(fake: FakeSlack) -> None:
    fake.add_messages("C0GENERAL", 1000)
    web = client(fake)

    first = web.conversations_history(channel="C0GENERAL")
    capped = web.conversations_history(channel="C0GENERAL", limit=5000)

    assert len(first["messages"]) == 100 and first["has_more"]
    assert len(capped["messages"]) == 999 and capped["has_more"]
    rest = web.conversations_history(
        channel="C0GENERAL", cursor=capped["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["filler 1"]
    with pytest.raises(SlackApiError, match="invalid_cursor"):
        web.conversations_history(channel="C0GENERAL", cursor="not-a-cursor")


def test_replies_page_oldest_first_and_honour_oldest_and_latest(fake: FakeSlack) -> None:
    web = client(fake)
    parent = post(web, "parent")["ts"]
    replies = [post(web, f"r{n}", thread_ts=parent)["ts"] for n in range(1, 5)]

    paged = pages(web.conversations_replies(channel="C0GENERAL", ts=parent, limit=2))
    after = web.conversations_replies(channel="C0GENERAL", ts=parent, oldest=replies[0])
    between = web.conversations_replies(
        channel="C0GENERAL", ts=parent, oldest=parent, latest=replies[1], inclusive=True
    )

    assert [[m["text"] for m in page] for page in paged] == [["parent", "r1"], ["r2", "r3"], ["r4"]]
    assert [m["text"] for m in after["messages"]] == ["r2", "r3", "r4"]
    assert [m["text"] for m in between["messages"]] == ["parent", "r1", "r2"]
    assert not between["has_more"] and between["response_metadata"]["next_cursor"] == ""
    assert fake.violations == []


def test_a_hold_keeps_calls_waiting_until_enough_overlap(fake: FakeSlack) -> None:
    web = client(fake)
    for n in range(2):
        post(web, f"alone {n}")
    assert fake.max_in_flight("chat.postMessage") == 1

    fake.hold("chat.postMessage", until_in_flight=3)
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda n: post(web, f"together {n}"), range(3)))
    fake.release("chat.postMessage")

    assert all(a["ok"] for a in answers)
    assert fake.max_in_flight("chat.postMessage") == 3
    assert fake.hold_timeouts == [] and fake.in_flight("chat.postMessage") == 0
    assert post(web, "unheld")["ok"]


def test_a_hold_that_never_fills_times_out_and_says_so(fake: FakeSlack) -> None:
    fake.hold("chat.postMessage", until_in_flight=2, timeout=0.2)

    assert post(client(fake), "on my own")["ok"]
    assert fake.hold_timeouts == ["chat.postMessage"]
    assert fake.max_in_flight("chat.postMessage") == 1


@pytest.mark.slow  # a real Socket Mode connection
def test_a_profile_change_reaches_a_connected_app_as_user_change(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    quiet = fake.set_profile("U0ALICE", title="Account Executive")

    with app(fake, lambda request: None) as seen:
        user = fake.set_profile("U0ALICE", display_name="ally", tz="Asia/Tokyo")

    assert quiet["profile"]["title"] == "Account Executive"
    [event] = [request.payload["event"] for request in seen]
    assert event["type"] == "user_change" and event["user"] == user
    assert isinstance(event["cache_ts"], int) and event["event_ts"]
    assert user["tz"] == "Asia/Tokyo" and "tz" not in user["profile"]
    assert user["profile"]["display_name"] == "ally"
    assert user["profile"]["title"] == "Account Executive"
    assert client(fake).users_info(user="U0ALICE")["user"] == user


def test_add_messages_buries_a_dm_message_under_bot_messages(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    buried = fake.post_as_user("D0ALICE", "the one we want", user="U0ALICE")

    added = fake.add_messages("D0ALICE", 150)

    web = client(fake)
    assert web.conversations_info(channel="D0ALICE")["channel"]["is_im"]
    newest = web.conversations_history(channel="D0ALICE")["messages"]
    assert buried.ts not in [m["ts"] for m in newest]
    assert newest[0] == {
        "type": "message",
        "ts": added[-1].ts,
        "text": "filler 150",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
    }
    everything = [m for page in pages(web.conversations_history(channel="D0ALICE")) for m in page]
    assert [m["ts"] for m in everything] == sorted(
        [buried.ts] + [m.ts for m in added], reverse=True
    )
    assert everything[-1]["text"] == "the one we want"


def test_files_upload_v2_shares_the_file_in_a_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    web = client(fake)
    dm = web.conversations_open(users="U0ALICE")["channel"]["id"]

    answer = web.files_upload_v2(
        channel=dm, content="a,b\n1,2\n", filename="x.csv", initial_comment="hi"
    )

    assert fake.violations == []
    [shared] = fake.files
    assert shared == SharedFile(
        id=shared.id,
        filename="x.csv",
        title="x.csv",
        content=b"a,b\n1,2\n",
        channel=dm,
        channels=[dm],
        initial_comment="hi",
        ts=shared.ts,
    )
    assert shared.id.startswith("F") and shared.user == BOT_USER_ID
    assert answer["file"]["id"] == shared.id and answer["file"]["name"] == "x.csv"
    [url_call] = fake.calls_to("files.getUploadURLExternal")
    assert url_call.response["upload_url"].startswith(fake.http_url + "/upload/")
    [done] = fake.calls_to("files.completeUploadExternal")
    assert json.loads(done.args["files"]) == [{"id": shared.id, "title": "x.csv"}]
    [message] = web.conversations_history(channel=dm)["messages"]
    assert message["subtype"] == "file_share" and message["ts"] == shared.ts
    assert message["text"] == "hi" and message["user"] == BOT_USER_ID
    assert [f["id"] for f in message["files"]] == [shared.id]


def test_an_upload_to_a_user_id_or_an_unknown_channel_is_refused(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    web = no_retries(fake)

    with pytest.raises(SlackApiError) as to_user:
        web.files_upload_v2(channel="U0ALICE", content="a,b\n", filename="x.csv")
    with pytest.raises(SlackApiError) as to_nowhere:
        web.files_upload_v2(channel="C0NOWHERE", content="a,b\n", filename="x.csv")

    assert to_user.value.response["error"] == "invalid_arguments"
    assert "channel_id" in to_user.value.response["response_metadata"]["messages"][0]
    assert to_nowhere.value.response["error"] == "channel_not_found"
    assert fake.files == [] and fake.messages["D0ALICE"] == []
    assert len(fake.violations) == 1 and "'U0ALICE' must match" in fake.violations[0]


def test_a_multipart_upload_kept_private_and_a_wrong_length_is_a_violation(
    fake: FakeSlack,
) -> None:
    web = client(fake)
    first = web.files_getUploadURLExternal(filename="notes.txt", length=5)
    second = web.files_getUploadURLExternal(filename="short.txt", length=99)
    form = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
        b"hello\r\n"
        b"--XyZ--\r\n"
    )
    headers = {"Content-Type": "multipart/form-data; boundary=XyZ"}
    with urlopen(Request(first["upload_url"], data=form, headers=headers)) as answer:
        assert answer.status == 200
    with urlopen(Request(second["upload_url"], data=b"tiny")) as answer:
        assert answer.status == 200

    done = web.files_completeUploadExternal(files=[{"id": first["file_id"], "title": "Notes"}])

    [shared] = fake.files
    assert (shared.content, shared.title, shared.channel) == (b"hello", "Notes", None)
    assert done["files"][0]["title"] == "Notes"
    assert fake.violations == [
        f"upload {second['file_id']}: 4 bytes, but files.getUploadURLExternal said length=99"
    ]
    with pytest.raises(SlackApiError, match="file_not_found"):  # completed once only
        web.files_completeUploadExternal(files=[{"id": first["file_id"]}])


@pytest.mark.slow  # a real Socket Mode connection
def test_a_published_home_is_kept_per_person_and_sent_with_app_home_opened(
    fake: FakeSlack,
) -> None:
    fake.add_user("U0ALICE", "alice")
    web = client(fake)
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}

    with app(fake, lambda request: None) as seen:
        fake.open_home("U0ALICE")
        published = web.views_publish(user_id="U0ALICE", view=home)["view"]
        fake.open_home("U0ALICE")

    first, second = (request.payload["event"] for request in seen)
    assert [request.type for request in seen] == ["events_api", "events_api"]
    assert first == {
        "type": "app_home_opened",
        "user": "U0ALICE",
        "channel": "D0ALICE",
        "tab": "home",
        "event_ts": first["event_ts"],
    }
    assert second["view"] == published == fake.home["U0ALICE"]
    assert published["type"] == "home" and len(published["blocks"]) == 100
    assert fake.views == [] and fake.violations == []


def test_a_home_is_validated_as_a_view_and_honours_hash(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    web = no_retries(fake)
    divider = [{"type": "divider"}]
    header = [{"type": "header", "text": {"type": "plain_text", "text": "Hi"}}]
    first = web.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": divider})["view"]

    too_many = {"type": "home", "blocks": divider * 101}
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": divider}
    for view in (too_many, modal):
        with pytest.raises(SlackApiError, match="invalid_arguments"):
            web.views_publish(user_id="U0ALICE", view=view)
    with pytest.raises(SlackApiError, match="hash_conflict"):
        web.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": header}, hash="old")
    fresh = {"type": "home", "blocks": header}
    again = web.views_publish(user_id="U0ALICE", view=fresh, hash=first["hash"])["view"]

    assert fake.home["U0ALICE"] == again and again["id"] == first["id"]
    assert again["blocks"] == header and again["hash"] != first["hash"]
    assert "views.publish: 101 blocks, more than 100" in fake.violations
    assert fake.violations[-1] == "views.publish: view type is 'modal', not 'home'"


@pytest.mark.slow  # a real Socket Mode connection
def test_a_slash_command_returns_the_ack_and_records_response_url_posts(
    fake: FakeSlack,
) -> None:
    fake.add_user("U0ALICE", "alice")
    reply = {"text": "working on it", "response_type": "ephemeral"}
    later = {"text": "done", "blocks": [{"type": "divider"}], "response_type": "ephemeral"}

    def answer(request: SocketModeRequest) -> dict[str, Any] | None:
        if request.payload["text"] == "quiet":
            return None
        sent = WebhookClient(request.payload["response_url"]).send_dict(later)
        assert sent.status_code == 200 and json.loads(sent.body) == {"ok": True}
        return reply

    with app(fake, answer) as seen:
        acked = fake.command("U0ALICE", "export now")
        quiet = fake.command("U0ALICE", "quiet", command="/other", channel_id="C0GENERAL")

    assert acked == reply and quiet == {}
    assert fake.responses == [later] and fake.violations == []
    payload = seen[0].payload
    assert seen[0].type == "slash_commands"
    assert payload == {
        "token": payload["token"],
        "team_id": TEAM_ID,
        "team_domain": "serve-test",
        "channel_id": "D0ALICE",
        "channel_name": "directmessage",
        "user_id": "U0ALICE",
        "user_name": "alice",
        "command": "/serve",
        "text": "export now",
        "api_app_id": payload["api_app_id"],
        "is_enterprise_install": "false",
        "response_url": payload["response_url"],
        "trigger_id": payload["trigger_id"],
    }
    assert payload["response_url"].startswith(fake.http_url + "/respond/")
    other = seen[1].payload
    assert (other["command"], other["channel_id"], other["channel_name"]) == (
        "/other",
        "C0GENERAL",
        "general",
    )


@pytest.mark.slow  # a real Socket Mode connection
def test_bad_blocks_posted_to_a_response_url_are_a_violation(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    urls: list[str] = []

    with app(fake, lambda request: urls.append(request.payload["response_url"])):
        fake.command("U0ALICE", "")

    bad = WebhookClient(urls[0]).send_dict({"blocks": [{"type": "sparkles"}]})
    with pytest.raises(HTTPError) as unknown:
        urlopen(Request(fake.http_url + "/respond/nope", data=b"{}"))

    assert bad.status_code == 400 and fake.responses == []
    assert fake.violations == ["response_url: block 0 has an unknown type"]
    assert unknown.value.code == 404


def test_users_info_reports_admins_and_owners(fake: FakeSlack) -> None:
    fake.add_user("U0ADA", "ada", is_admin=True)
    fake.add_user("U0OLA", "ola", is_owner=True)
    fake.add_user("U0BOB", "bob")
    web = client(fake)

    flags = {
        user: {k: web.users_info(user=user)["user"][k] for k in ("is_admin", "is_owner")}
        for user in ("U0ADA", "U0OLA", "U0BOB")
    }

    assert flags == {
        "U0ADA": {"is_admin": True, "is_owner": False},
        "U0OLA": {"is_admin": False, "is_owner": True},
        "U0BOB": {"is_admin": False, "is_owner": False},
    }
    assert "is_admin" not in fake.users["U0ADA"]["profile"]
    assert fake.set_profile("U0BOB", is_admin=True)["is_admin"] is True


def test_ephemeral_messages_are_recorded_for_the_person_told(fake: FakeSlack) -> None:
    fake.add_user("U0ALICE", "alice")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "only *you*"}}]

    answer = client(fake).chat_postEphemeral(
        channel="C0GENERAL", user="U0ALICE", text="only you", blocks=blocks
    )

    assert fake.ephemerals == [
        {
            "channel": "C0GENERAL",
            "user": "U0ALICE",
            "text": "only you",
            "blocks": blocks,
            "thread_ts": None,
            "message_ts": answer["message_ts"],
        }
    ]
    assert fake.messages["C0GENERAL"] == [] and fake.violations == []


def test_enforced_limits_answer_429_with_retry_after_on_the_fake_clock() -> None:
    moments = [1_800_000_000.0]
    limited = FakeSlack(now=lambda: datetime.fromtimestamp(moments[0], UTC)).start()
    try:
        limited.add_channel("C0GENERAL", "general")
        limited.enforce_limits({"chat.postMessage": 3}, per_channel_per_second=2)
        web = WebClient(token=BOT_TOKEN, base_url=limited.api_url, retry_handlers=[])
        assert [outcome(web, "a"), outcome(web, "b")] == ["ok", "ok"]
        assert outcome(web, "c") == "429 ratelimited"  # the channel's second is spent
        moments[0] += 1
        assert outcome(web, "d") == "ok"
        assert outcome(web, "e") == "429 ratelimited"  # the method's minute is spent
        [last] = limited.calls_to("chat.postMessage")[-1:]
        assert last.status == 429
        moments[0] += 60
        assert outcome(web, "f") == "ok"
    finally:
        limited.stop()


# -- Workflow Builder's custom steps ------------------------------------------------------

GREET = {
    "greet": {
        "title": "Greet someone",
        "input_parameters": {
            "user_id": {"type": "slack#/types/user_id", "title": "Who", "is_required": True},
            "tone": {"type": "string", "enum": ["warm", "brief"], "is_required": False},
        },
        "output_parameters": {
            "greeted": {"type": "slack#/types/user_id", "title": "Greeted", "is_required": True},
            "on": {"type": "slack#/types/date", "is_required": False},
            "count": {"type": "integer", "is_required": False},
        },
    }
}


def test_a_run_carries_its_inputs_and_a_token_that_works_until_the_run_ends(
    fake: FakeSlack,
) -> None:
    fake.define_functions(GREET)
    body = fake.function_executed("greet", {"user_id": "U0ALICE"})
    event = body["event"]
    token, run = event["bot_access_token"], event["function_execution_id"]

    assert body["type"] == "event_callback" and event["type"] == "function_executed"
    assert event["inputs"] == {"user_id": "U0ALICE"}
    assert event["function"]["callback_id"] == "greet"
    assert [p["name"] for p in event["function"]["input_parameters"]] == ["user_id", "tone"]
    assert post(client(fake, token), "hello from a workflow")["ok"]  # the bot's token, for now

    ended = client(fake, token).functions_completeSuccess(
        function_execution_id=run, outputs={"greeted": "U0ALICE", "on": "2026-11-23", "count": 2}
    )

    assert ended["ok"] and fake.executions[run].state == "completed"
    assert fake.executions[run].outputs == {"greeted": "U0ALICE", "on": "2026-11-23", "count": 2}
    assert fake.violations == []
    with pytest.raises(SlackApiError, match="execution_not_in_running_state"):
        client(fake, token).functions_completeError(function_execution_id=run, error="again")
    assert fake.violations == []  # ending twice is refused, as Slack refuses it
    assert outcome(no_retries(fake, token=token), "after the end") == "200 invalid_arguments"
    assert fake.violations == ["chat.postMessage: called with the token of a run that ended"]


@pytest.mark.parametrize(
    ("outputs", "problem"),
    [
        ({}, "'greeted' is required"),
        ({"greeted": "alice"}, "'greeted': 'alice' is not a slack#/types/user_id"),
        (
            {"greeted": "U0ALICE", "on": "23/11/2026"},
            "'on': '23/11/2026' is not a slack#/types/date",
        ),
        ({"greeted": "U0ALICE", "count": "2"}, "'count': '2' is not a integer"),
        ({"greeted": "U0ALICE", "mood": "glad"}, "'mood' is no parameter of the step"),
    ],
)
def test_outputs_that_do_not_fit_the_step_are_refused_and_a_violation(
    fake: FakeSlack, outputs: dict[str, Any], problem: str
) -> None:
    fake.define_functions(GREET)
    event = fake.function_executed("greet", {"user_id": "U0ALICE"})["event"]
    web = no_retries(fake, token=event["bot_access_token"])

    with pytest.raises(SlackApiError, match="parameter_validation_failed"):
        web.functions_completeSuccess(
            function_execution_id=event["function_execution_id"], outputs=outputs
        )

    assert fake.violations == [f"functions.completeSuccess: {problem}"]
    assert fake.executions[event["function_execution_id"]].state == "running"


def test_a_run_ends_with_its_own_token_or_the_bot_token_and_an_error_says_why(
    fake: FakeSlack,
) -> None:
    fake.define_functions(GREET)
    first = fake.function_executed("greet", {"user_id": "U0ALICE"})["event"]
    second = fake.function_executed("greet", {"user_id": "U0BOB"})["event"]

    with pytest.raises(SlackApiError, match="invalid_auth"):
        client(fake, second["bot_access_token"]).functions_completeError(
            function_execution_id=first["function_execution_id"], error="not mine"
        )
    assert fake.violations == [
        f"functions.completeError: {first['function_execution_id']} ended with a token that"
        " is neither its own nor its workspace's bot token"
    ]
    client(fake).functions_completeError(
        function_execution_id=first["function_execution_id"], error="Customer is empty."
    )
    ended = fake.executions[first["function_execution_id"]]
    assert (ended.state, ended.error, ended.outputs) == ("failed", "Customer is empty.", None)
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        no_retries(fake).api_call("functions.completeSuccess", json={"function_execution_id": "x"})
    assert fake.violations[-1] == "functions.completeSuccess: missing 'outputs'"


@pytest.mark.parametrize(
    ("callback_id", "inputs", "refused"),
    [
        ("wave", {"user_id": "U0ALICE"}, KeyError),
        ("greet", {}, ValueError),  # a required input missing
        ("greet", {"user_id": "alice"}, ValueError),  # not a user id
        ("greet", {"user_id": "U0ALICE", "tone": "loud"}, ValueError),  # outside its enum
        ("greet", {"user_id": "U0ALICE", "colour": "red"}, ValueError),  # no such input
    ],
)
def test_a_run_workflow_builder_could_not_start_is_refused_to_the_test(
    fake: FakeSlack, callback_id: str, inputs: dict[str, Any], refused: type[Exception]
) -> None:
    fake.define_functions(GREET)
    with pytest.raises(refused):
        fake.function_executed(callback_id, inputs)
    assert fake.executions == {}


def test_run_function_sends_the_run_over_socket_mode_and_waits_for_its_end(
    fake: FakeSlack,
) -> None:
    fake.define_functions(GREET)

    def end_it(request: SocketModeRequest) -> None:
        event = request.payload["event"]
        with contextlib.suppress(SlackApiError):  # the retry's end is refused: it ended
            client(fake, event["bot_access_token"]).functions_completeSuccess(
                function_execution_id=event["function_execution_id"],
                outputs={"greeted": event["inputs"]["user_id"]},
            )

    with app(fake, end_it) as seen:
        ended = fake.run_function("greet", {"user_id": "U0ALICE"})
        again = fake.send_run_again(ended.id)

    assert (ended.state, ended.outputs) == ("completed", {"greeted": "U0ALICE"})
    assert [request.retry_attempt for request in seen] == [0, 1]
    assert seen[0].payload == seen[1].payload  # Slack's retry is the same event
    assert again.state == "completed"
    [_, refused] = fake.calls_to("functions.completeSuccess")
    assert refused.response["error"] == "execution_not_in_running_state"
