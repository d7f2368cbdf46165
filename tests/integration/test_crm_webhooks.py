"""CRM webhooks over HTTP: a HubSpot workflow's and a Salesforce Flow's win, signed,
becomes a deal at once, then (as due work) its owner is found by e-mail in Slack and the
deal is announced in the deal channel. Whatever is not signed by the workspace's CRM,
too old, taken before, too big or not a win's payload is refused and leaves nothing."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select

from bot import cli
from bot.app import RunningBot
from bot.clock import ManualClock
from bot.config import Settings
from bot.sandbox.crm import (
    HUBSPOT_SECRET,
    SALESFORCE_SECRET,
    body_of,
    hubspot_headers,
    post,
    salesforce_headers,
)
from bot.sandbox.fakeslack import BOT_TOKEN, AppReceiver, FakeSlack, Message
from bot.sandbox.fakeslack.http_delivery import SIGNING_SECRET, Answer
from bot.sandbox.support import (
    DEALS_CHANNEL,
    FRIDAY_5PM_LA,
    checkins_of,
    close_deal,
    serve,
)
from bot.services import crm
from bot.services.crm import SecretName, Source
from bot.store.db import Store
from bot.store.models import FORMER_TEAMMATE, Deal, DueWork, SeenRequest
from bot.views.privacy import FORGET_ME
from bot.web import request_headers
from bot.webhooks import CrmWebhooks

EXAMPLES = Path(__file__).parent / "crm"
HUBSPOT_KEY = "fake-hubspot-api-key-77"
OWNER = "U0DANA"


def example(name: str, **changes: Any) -> dict[str, Any]:
    """One of the README's example payloads, as a CRM would send it, with `changes`."""
    payload: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return {key: value for key, value in (payload | changes).items() if value is not None}


@pytest.fixture
def crm_bot(settings: Settings, clock: ManualClock, fake_slack: FakeSlack) -> Iterator[RunningBot]:
    clock.set(FRIDAY_5PM_LA)
    fake_slack.add_user(OWNER, "dana", tz="America/Chicago", email="Dana@Example.com")
    served = replace(
        settings,
        slack_signing_secret=SIGNING_SECRET,
        port=0,
        hubspot_app_secret=HUBSPOT_SECRET,
        hubspot_api_key=HUBSPOT_KEY,
        salesforce_webhook_secret=SALESFORCE_SECRET,
    )
    bot = RunningBot(served, clock, "http").start()
    yield bot
    bot.stop(grace=1.0)


def url(bot: RunningBot, source: str, tail: str = "") -> str:
    assert bot.web is not None
    return f"http://127.0.0.1:{bot.web.port}/crm/{source}{tail}"


def millis(bot: RunningBot, later: timedelta = timedelta()) -> int:
    return int((bot.clock.now() + later).timestamp() * 1000)


def from_hubspot(bot: RunningBot, payload: dict[str, Any] | bytes, **signing: Any) -> Answer:
    body, where = body_of(payload), url(bot, "hubspot")
    return post(where, body, hubspot_headers(where, body, millis(bot), **signing))


def from_salesforce(bot: RunningBot, payload: dict[str, Any], key: str | None = None) -> Answer:
    body = body_of({**payload, "sent_at": bot.clock.now().isoformat()})
    return post(url(bot, "salesforce"), body, salesforce_headers(body, key=key))


def stored(bot: RunningBot) -> dict[str, int]:
    with bot.store.reading() as session:
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Deal, DueWork, SeenRequest)
        }


def only_deal(bot: RunningBot) -> Deal:
    with bot.store.reading() as session:
        [deal] = session.scalars(select(Deal))
        return deal


def announcements(fake: FakeSlack) -> list[Message]:
    return [m for m in fake.messages[DEALS_CHANNEL] if m.thread_ts is None]


# -- wins that become deals ----------------------------------------------------------------


def test_a_signed_hubspot_win_is_stored_at_once_then_announced_with_its_owner_found_by_email(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    answer = from_hubspot(crm_bot, example("hubspot_deal"))

    assert (answer.status, answer.json()) == (200, {"ok": True, "deal": "recorded"})
    deal = only_deal(crm_bot)
    assert (deal.customer, deal.amount, deal.currency) == ("Acme Corp", Decimal("40000"), "USD")
    assert (deal.source, deal.source_record, deal.source_stage) == (
        "hubspot",
        "18734002941",
        "closedwon",
    )
    assert deal.owner_email == "dana@example.com" and deal.owner_id is None
    assert fake_slack.calls_to("users.lookupByEmail") == []  # Slack waits for the runner
    assert announcements(fake_slack) == []

    crm_bot.tick()

    [lookup] = fake_slack.calls_to("users.lookupByEmail")
    assert lookup.args["email"] == "dana@example.com"
    [announced] = announcements(fake_slack)
    shown = json.dumps(announced.blocks)
    assert "Acme Corp" in announced.text and f"<@{OWNER}>" in shown
    assert "$40,000" in shown and "app.hubspot.com" in shown and "HubSpot" in shown
    deal = only_deal(crm_bot)
    assert (deal.owner_id, deal.channel_id, deal.reply_ts) == (OWNER, DEALS_CHANNEL, announced.ts)
    assert deal.permalink and announced.ts.replace(".", "") in deal.permalink
    planned = checkins_of(crm_bot, deal)
    assert [c.offset_days for c in planned] == [3, 14, 45, 90]
    assert {c.recipient_id for c in planned} == {OWNER}
    assert all(c.due_at and c.due_at.astimezone().hour >= 0 for c in planned)
    assert ":calendar: Check-ins:" in shown


def test_a_signed_salesforce_win_becomes_a_deal_the_same_way(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    answer = from_salesforce(crm_bot, example("salesforce_opportunity"))
    assert (answer.status, answer.json()["deal"]) == (200, "recorded")

    crm_bot.tick()

    deal = only_deal(crm_bot)
    assert (deal.customer, deal.amount, deal.currency) == (
        "Globex Corporation",
        Decimal("125000.50"),
        "EUR",
    )
    assert (deal.source, deal.owner_id) == ("salesforce", OWNER)
    [announced] = announcements(fake_slack)
    assert "Salesforce" in json.dumps(announced.blocks)
    assert len(checkins_of(crm_bot, deal)) == 4


def test_an_owner_nobody_in_slack_has_is_left_to_the_owner_picker_and_planned_once_picked(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    from_hubspot(crm_bot, example("hubspot_deal", owner_email="someone@elsewhere.test"))

    crm_bot.tick()

    [announced] = announcements(fake_slack)
    shown = json.dumps(announced.blocks)
    assert "users_select" in shown and "pick the owner below" in shown
    assert "someone@elsewhere.test (not matched to a Slack user)" in shown
    deal = only_deal(crm_bot)
    assert deal.owner_id is None and checkins_of(crm_bot, deal) == []

    crm_bot.tick()  # the lookup is not tried again
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 1

    fake_slack.deliver_to(AppReceiver(crm_bot.app))
    fake_slack.click("U0ALICE", announced, "deal_set_owner", selected_user="U0BOB")
    assert crm_bot.wait_idle()

    assert len(checkins_of(crm_bot, only_deal(crm_bot))) == 4
    redrawn = fake_slack.message(DEALS_CHANNEL, announced.ts)
    assert redrawn is not None and "<@U0BOB>" in json.dumps(redrawn.blocks)


def test_an_install_without_users_read_email_still_gets_the_deal_announced(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    fake_slack.fail_next("users.lookupByEmail", error="missing_scope")
    from_hubspot(crm_bot, example("hubspot_deal"))

    crm_bot.tick()

    [announced] = announcements(fake_slack)
    assert "pick the owner below" in json.dumps(announced.blocks)


def test_a_rate_limited_lookup_waits_and_then_finds_the_owner(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.fail_next("users.lookupByEmail", status=429, retry_after=30)
    from_hubspot(crm_bot, example("hubspot_deal"))

    crm_bot.tick()
    assert announcements(fake_slack) == []
    clock.advance(timedelta(seconds=31))
    crm_bot.tick()

    [announced] = announcements(fake_slack)
    assert f"<@{OWNER}>" in json.dumps(announced.blocks)


def test_a_win_with_no_owner_email_is_announced_for_the_owner_picker(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    from_salesforce(crm_bot, example("salesforce_opportunity", owner_email=None))

    crm_bot.tick()

    assert fake_slack.calls_to("users.lookupByEmail") == []
    [announced] = announcements(fake_slack)
    assert "nobody yet" in json.dumps(announced.blocks)


def test_hubspots_retry_of_the_same_event_makes_no_second_deal(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    first = from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()
    clock.advance(timedelta(minutes=1))  # HubSpot retries with a new timestamp and signature
    again = from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()

    assert (first.json()["deal"], again.json()["deal"]) == ("recorded", "already recorded")
    assert stored(crm_bot)["Deal"] == 1
    assert len(announcements(fake_slack)) == 1
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 1


def test_the_same_record_won_at_another_stage_is_another_deal(crm_bot: RunningBot) -> None:
    from_hubspot(crm_bot, example("hubspot_deal"))
    answer = from_hubspot(crm_bot, example("hubspot_deal", stage="renewal_won"))

    assert answer.json()["deal"] == "recorded"
    assert stored(crm_bot)["Deal"] == 2


def test_a_lost_stage_is_answered_and_keeps_nothing(crm_bot: RunningBot) -> None:
    answer = from_salesforce(crm_bot, example("salesforce_opportunity", stage="Closed Lost"))

    assert (answer.status, answer.json()["deal"]) == (200, "not a win")
    assert stored(crm_bot) == {"Deal": 0, "DueWork": 0, "SeenRequest": 0}


@pytest.mark.parametrize(
    "how",
    [{"version": "v2"}, {"version": "v1"}, "key-header", "key-parameter"],
    ids=["v2", "v1", "api-key-header", "api-key-parameter"],
)
def test_hubspots_older_signatures_and_the_api_key_are_taken_too(
    crm_bot: RunningBot, how: dict[str, str] | str
) -> None:
    body = body_of(example("hubspot_deal"))
    if isinstance(how, dict):
        answer = from_hubspot(crm_bot, body, **how)
    elif how == "key-header":
        answer = post(url(crm_bot, "hubspot"), body, {"X-Serve-Key": HUBSPOT_KEY})
    else:
        answer = post(url(crm_bot, "hubspot", f"?serve_key={HUBSPOT_KEY}"), body, {})

    assert (answer.status, answer.json()["deal"]) == (200, "recorded")
    assert stored(crm_bot)["Deal"] == 1


# -- requests that are refused ---------------------------------------------------------------

SECRET_NAME = "Zyxwvut Holdings"  # in each refused body: never in a log line


def refused_request(bot: RunningBot, case: str) -> tuple[str, bytes, dict[str, str]]:
    """A request wrong in one way (its signature, its time, its body), otherwise right."""
    payload = example("hubspot_deal", customer=SECRET_NAME)
    source = "salesforce" if case.startswith("salesforce") else "hubspot"
    if source == "salesforce":
        payload = example("salesforce_opportunity", customer=SECRET_NAME)
        payload["sent_at"] = bot.clock.now().isoformat()
    if case == "salesforce-stale":
        payload["sent_at"] = (bot.clock.now() - timedelta(minutes=6)).isoformat()
    body = {
        "not-json": b'{"record_id": "1", "customer": "' + SECRET_NAME.encode(),
        "not-utf8": b'{"customer": "\xff\xfe' + SECRET_NAME.encode() + b'"}',
        "json-list": json.dumps([payload]).encode(),
        "no-customer": body_of({**payload, "customer": "", "dealname": None} | {"x": SECRET_NAME}),
        "amount-words": body_of({**payload, "amount": "forty thousand"}),
        "not-an-email": body_of({**payload, "owner_email": "dana at example"}),
        "oversized": body_of({**payload, "notes": SECRET_NAME * 5000}),
    }.get(case.split("-", 1)[1], body_of(payload))
    where = url(bot, source)
    stamp = millis(bot)
    if case == "hubspot-stale":
        stamp = millis(bot, -timedelta(minutes=6))
    elif case == "hubspot-from-the-future":
        stamp = millis(bot, timedelta(minutes=6))
    if source == "salesforce":
        headers = salesforce_headers(body)
    else:
        headers = hubspot_headers(where, body, stamp)
    if case == "hubspot-unsigned":
        headers = {}
    elif case == "hubspot-wrong-secret":
        headers = hubspot_headers(where, body, stamp, secret="another-apps-secret")
    elif case == "hubspot-signed-for-another-url":
        headers = hubspot_headers(where + "/elsewhere", body, stamp)
    elif case == "hubspot-garbled-timestamp":
        headers["X-HubSpot-Request-Timestamp"] = "9" * 5000
    elif case == "hubspot-wrong-key":
        headers = {"X-Serve-Key": "not-" + HUBSPOT_KEY}
    elif case == "salesforce-unsigned":
        del headers["X-Serve-Signature"]
    elif case == "salesforce-wrong-secret":
        headers = salesforce_headers(body, secret="another-orgs-secret")
    elif case == "salesforce-no-idempotency-key":
        del headers["Idempotency-Key"]
    return where, body, headers


REFUSED = {
    "hubspot-unsigned": 401,
    "hubspot-wrong-secret": 401,
    "hubspot-signed-for-another-url": 401,
    "hubspot-stale": 401,
    "hubspot-from-the-future": 401,
    "hubspot-garbled-timestamp": 401,
    "hubspot-wrong-key": 401,
    "salesforce-unsigned": 401,
    "salesforce-wrong-secret": 401,
    "salesforce-stale": 401,
    "salesforce-no-idempotency-key": 400,
    "hubspot-not-json": 400,
    "hubspot-not-utf8": 400,
    "hubspot-json-list": 400,
    "hubspot-no-customer": 400,
    "salesforce-amount-words": 400,
    "salesforce-not-an-email": 400,
    "hubspot-oversized": 413,
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_request_is_refused_logged_once_without_its_body_and_stores_nothing(
    fake_slack: FakeSlack,
    crm_bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    calls_before = len(fake_slack.calls)
    where, body, headers = refused_request(crm_bot, case)

    answer = post(where, body, headers)
    crm_bot.tick()

    assert answer.status == REFUSED[case], answer.body
    assert answer.json()["ok"] is False and "Traceback" not in answer.body
    assert stored(crm_bot) == {"Deal": 0, "DueWork": 0, "SeenRequest": 0}
    assert len(fake_slack.calls) == calls_before
    refusals = [r for r in caplog.records if r.getMessage().startswith("refused a ")]
    assert len(refusals) == 1, [r.getMessage() for r in refusals]
    assert all(SECRET_NAME not in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_replayed_hubspot_request_is_refused_and_adds_nothing(crm_bot: RunningBot) -> None:
    body, where = body_of(example("hubspot_deal")), url(crm_bot, "hubspot")
    headers = hubspot_headers(where, body, millis(crm_bot))

    first = post(where, body, headers)
    after_first = stored(crm_bot)
    replayed = post(where, body, headers)

    assert (first.status, replayed.status) == (200, 401)
    assert stored(crm_bot) == after_first == {"Deal": 1, "DueWork": 1, "SeenRequest": 1}


def test_a_salesforce_request_with_an_idempotency_key_taken_before_is_refused(
    crm_bot: RunningBot,
) -> None:
    first = from_salesforce(crm_bot, example("salesforce_opportunity"), key="flow-run-1")
    again = from_salesforce(
        crm_bot, example("salesforce_opportunity", customer="Someone Else Inc"), key="flow-run-1"
    )

    assert (first.status, again.status) == (200, 401)
    assert only_deal(crm_bot).customer == "Globex Corporation"


def test_unknown_crms_and_other_workspaces_are_not_found(crm_bot: RunningBot) -> None:
    body = body_of(example("hubspot_deal"))
    for tail in ("", "/T0OTHER"):
        where = url(crm_bot, "hubspot", tail)
        assert post(where, body, hubspot_headers(where, body, millis(crm_bot))).status == (
            200 if not tail else 404
        )
    assert post(url(crm_bot, "pipedrive"), body, {}).status == 404


def test_a_removed_deal_stays_removed_when_the_crm_sends_it_again(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()
    [announced] = announcements(fake_slack)
    fake_slack.deliver_to(AppReceiver(crm_bot.app))  # Slack's requests, straight to the app
    fake_slack.click("U0ALICE", announced, "deal_not_a_deal")
    assert crm_bot.wait_idle()
    clock.advance(timedelta(minutes=2))

    again = from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()

    assert again.json()["deal"] == "already recorded"
    assert not only_deal(crm_bot).is_active
    assert "removed the deal" in fake_slack.message(DEALS_CHANNEL, announced.ts).text  # type: ignore[union-attr]


# -- many workspaces: each one's secrets in the store ------------------------------------------


def environ(path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "serve.example.com",
        "SERVER_PORT": "443",
        "wsgi.url_scheme": "https",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }


def test_with_many_workspaces_each_is_verified_with_its_own_secret_from_the_store(
    store: Store, clock: ManualClock
) -> None:
    many = Settings(
        slack_client_id="1.2",
        slack_client_secret="s",
        salesforce_webhook_secret="the-environments-secret",
    )
    ours = crm.set_secret(store, clock, "T0ONE", SecretName.SALESFORCE)
    crm.set_secret(store, clock, "T0TWO", SecretName.SALESFORCE)
    hooks = CrmWebhooks(store, clock, many, lambda: None, lambda: None)
    payload = example("salesforce_opportunity", sent_at=clock.now().isoformat())
    body = body_of(payload)

    def send(path: str, secret: str) -> str:
        statuses: list[str] = []
        headers = salesforce_headers(body, secret=secret) | {"Host": "serve.example.com"}
        seen = environ(path, body, headers)
        hooks(seen, lambda status, _headers: statuses.append(status), body, request_headers(seen))
        return statuses[0]

    assert send("/crm/salesforce", ours).startswith("404")  # which workspace is it for?
    assert send("/crm/salesforce/T0TWO", ours).startswith("401")
    assert send("/crm/salesforce/T0ONE", "the-environments-secret").startswith("401")
    assert send("/crm/salesforce/T0ONE", ours).startswith("200")
    with store.reading() as session:
        assert [d.team_id for d in session.scalars(select(Deal))] == ["T0ONE"]


def test_servebot_crm_secret_keeps_a_workspaces_secrets(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's work, called as `servebot crm secret` calls it (in this process:
    `main` would hand the process's logging to its own handler)."""
    settings = Settings(database_url=database_url)

    assert cli.crm_secret(settings, "salesforce", "T0ONE") == 0
    made = capsys.readouterr().out.strip()
    monkeypatch.setattr("sys.stdin", io.StringIO("hubspot-apps-own-secret\n"))
    assert cli.crm_secret(settings, "hubspot-app", "T0ONE") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pasted wrongly\n"))
    assert cli.crm_secret(settings, "hubspot-app", "T0TWO") == 2
    assert cli.crm_secret(settings, "hubspot-key", "not a team") == 2
    assert "pasted wrongly" not in capsys.readouterr().err

    store = Store(database_url)
    try:
        many = Settings(slack_client_id="1.2", slack_client_secret="s")
        assert crm.keys_for(store, many, "T0ONE", Source.SALESFORCE).secret == made
        assert (
            crm.keys_for(store, many, "T0ONE", Source.HUBSPOT).secret == "hubspot-apps-own-secret"
        )
        assert not crm.keys_for(store, many, "T0TWO", Source.SALESFORCE).any
    finally:
        store.close()
    assert len(made) >= 40


def test_the_fake_finds_people_by_email_in_the_callers_workspace_only(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.add_user("U0ERIN", "erin", email="erin@example.com")
    fake_slack.add_user("W0OTHER", "olga", team="T0ELSEWHERE", email="olga@example.com")
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    assert client.users_lookupByEmail(email="ERIN@example.com")["user"]["id"] == "U0ERIN"
    for email in ("olga@example.com", "nobody@example.com"):
        with pytest.raises(SlackApiError) as raised:
            client.users_lookupByEmail(email=email)
        assert raised.value.response["error"] == "users_not_found"


def test_forget_me_takes_the_owners_email_off_a_crm_deal(
    fake_slack: FakeSlack, crm_bot: RunningBot
) -> None:
    from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()
    fake_slack.deliver_to(AppReceiver(crm_bot.app))
    asked = serve(fake_slack, crm_bot, OWNER, "forget me")

    fake_slack.click(OWNER, Message(channel="D0DANA", ts="0.1", blocks=asked["blocks"]), FORGET_ME)
    assert crm_bot.wait_idle()

    deal = only_deal(crm_bot)
    assert (deal.owner_id, deal.owner_email, deal.owner_name) == (FORMER_TEAMMATE, None, None)


# -- one deal per real deal, whichever door it came through ---------------------------------

CRM_POST = "Deal won: *ACME Corporation* · $40,000 · closed by the team :tada:"


def test_the_crms_own_post_after_its_webhook_makes_no_second_deal(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    assert from_hubspot(crm_bot, example("hubspot_deal")).json()["deal"] == "recorded"
    crm_bot.tick()
    clock.advance(timedelta(minutes=2))
    fake_slack.deliver_to(AppReceiver(crm_bot.app))
    post = fake_slack.post_as_user(DEALS_CHANNEL, CRM_POST, user="U0HUBSPOT", bot_id="B0HUBSPOT")
    fake_slack.send_event({**post.as_event(), "channel": DEALS_CHANNEL, "channel_type": "channel"})
    assert crm_bot.wait_idle()
    crm_bot.tick()

    assert stored(crm_bot)["Deal"] == 1
    assert len(announcements(fake_slack)) == 2  # Serve's announcement, and the CRM's post
    assert [m for m in fake_slack.messages[DEALS_CHANNEL] if m.thread_ts] == []


def test_a_webhook_after_the_post_of_the_same_win_makes_no_second_deal(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.deliver_to(AppReceiver(crm_bot.app))
    close_deal(fake_slack, crm_bot, "Closed Acme Corp! $40k :tada:", user=OWNER)
    clock.advance(timedelta(hours=3))

    answer = from_hubspot(crm_bot, example("hubspot_deal"))
    crm_bot.tick()

    assert (answer.status, answer.json()["deal"]) == (200, "already recorded")
    assert stored(crm_bot)["Deal"] == 1
    assert fake_slack.calls_to("users.lookupByEmail") == []


def test_the_same_customer_days_apart_is_two_deals(
    fake_slack: FakeSlack, crm_bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.deliver_to(AppReceiver(crm_bot.app))
    close_deal(fake_slack, crm_bot, "Closed Acme Corp! $40k :tada:", user=OWNER)
    clock.advance(timedelta(days=3))

    assert from_hubspot(crm_bot, example("hubspot_deal")).json()["deal"] == "recorded"
    assert stored(crm_bot)["Deal"] == 2
