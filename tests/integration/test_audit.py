"""The audit trail: each settings change, export, forget-me and uninstall leaves its
entry, written with the change; admins read the latest with `/serve audit`, anyone else
is refused; the export carries every entry."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack, Message
from bot.sandbox.fakeslack.spec import payload_problems
from bot.sandbox.support import (
    ALICE_DM,
    answer_text,
    open_settings,
    serve,
    settings_values,
    story_values,
    submit_story,
)
from bot.store.models import FORMER_TEAMMATE, AuditEntry
from bot.views import audit as audit_views
from bot.views import privacy as privacy_views
from bot.views import settings as settings_views

TEAM = "T0SERVE"


def entries(bot: RunningBot) -> list[AuditEntry]:
    with bot.store.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def change_settings(fake: FakeSlack, bot: RunningBot, admin: str, **changes: object) -> None:
    """An admin opens the settings form and saves it with `changes`."""
    if any(v.get("callback_id") == settings_views.SETTINGS_MODAL for v in fake.views):
        serve(fake, bot, admin, "settings")
        modal = [v for v in fake.views if v.get("callback_id") == settings_views.SETTINGS_MODAL][-1]
    else:
        modal = open_settings(fake, bot, admin)
    ack = fake.submit(admin, modal, settings_values(**changes))
    assert bot.wait_idle()
    assert ack["response_action"] == "update", ack


def test_a_settings_change_records_each_changed_setting_old_to_new(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    change_settings(
        fake_slack,
        bot,
        "U0ADMIN",
        checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
        recognition_channel={"type": "channels_select", "selected_channel": "C0RANDOM"},
    )
    clock.advance(timedelta(minutes=5))
    change_settings(  # the same again: nothing changed, nothing recorded
        fake_slack,
        bot,
        "U0ADMIN",
        checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
        recognition_channel={"type": "channels_select", "selected_channel": "C0RANDOM"},
    )

    found = entries(bot)
    assert [(e.kind, e.actor, e.team_id, e.at) for e in found] == [
        ("setting", "U0ADMIN", TEAM, found[0].at)
    ] * 2
    assert {json.dumps(e.change, sort_keys=True) for e in found} == {
        json.dumps({"setting": "checkin_hour", "old": "10", "new": "9"}, sort_keys=True),
        json.dumps(
            {"setting": "recognition_channel", "old": "", "new": "C0RANDOM"}, sort_keys=True
        ),
    }


def test_a_refused_settings_form_records_nothing(fake_slack: FakeSlack, bot: RunningBot) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    ack = fake_slack.submit(
        "U0ADMIN",
        modal,
        settings_values(
            checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
            holidays={"type": "plain_text_input", "value": "25/12/2026"},
        ),
    )
    assert ack["response_action"] == "errors"
    assert entries(bot) == []


def test_serve_audit_shows_an_admin_the_trail_newest_first(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    change_settings(
        fake_slack,
        bot,
        "U0ADMIN",
        checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
    )
    clock.advance(timedelta(hours=1))
    serve(fake_slack, bot, "U0ADMIN", "export")
    clock.advance(timedelta(hours=1))

    reply = serve(fake_slack, bot, "U0ADMIN", "audit")

    assert payload_problems("chat.postMessage", {"blocks": reply["blocks"]}) == []
    shown = answer_text(reply)
    changed = "<@U0ADMIN> changed *Check-in hour (each owner's time)* from 10 to 9"
    exported = "<@U0ADMIN> exported the workspace's data (0 rows)"  # no deal or story yet
    assert changed in shown and exported in shown
    assert shown.index("exported") < shown.index("changed")  # newest first
    assert "<!date^" in shown and "The latest 2 of 2 entries" in shown


def test_serve_audit_lists_the_last_twenty_and_counts_the_rest(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    for hour in range(6, 18):  # 12 form saves, 2 settings changed each: 24 entries
        clock.advance(timedelta(minutes=1))
        change_settings(
            fake_slack,
            bot,
            "U0ADMIN",
            checkin_hour={"type": "static_select", "selected_option": {"value": str(hour)}},
            holidays={"type": "plain_text_input", "value": f"2026-12-{hour + 1:02d}"},
        )
    assert len(entries(bot)) == 24

    reply = serve(fake_slack, bot, "U0ADMIN", "audit")

    shown = answer_text(reply)
    assert shown.count("<@U0ADMIN> changed") == 20
    assert "from 16 to 17" in shown and "from 10 to 6" not in shown  # the first are left out
    [more] = [b for b in reply["blocks"] if "earlier" in json.dumps(b)]
    assert more["elements"][0]["text"] == "…and 4 earlier entries: `/serve export` has every one."
    assert len(reply["blocks"]) <= 50
    assert payload_problems("chat.postMessage", {"blocks": reply["blocks"]}) == []


def test_serve_audit_is_refused_to_a_non_admin(fake_slack: FakeSlack, bot: RunningBot) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    change_settings(
        fake_slack,
        bot,
        "U0ADMIN",
        checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
    )

    shown = answer_text(serve(fake_slack, bot, "U0BOB", "audit"))

    assert audit_views.ADMINS_ONLY in shown
    assert "Check-in hour" not in shown and "U0ADMIN" not in shown


def test_serve_audit_with_nothing_yet_says_what_will_be_there(
    fake_slack: FakeSlack, bot: RunningBot
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    assert audit_views.NOTHING_YET in answer_text(serve(fake_slack, bot, "U0ADMIN", "audit"))


def test_an_export_is_recorded_with_its_rows_and_carries_the_trail(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    submit_story(fake_slack, bot, "U0ALICE", story_values(["U0BOB"], "Bob fixed it unasked."))
    change_settings(
        fake_slack,
        bot,
        "U0ADMIN",
        holidays={"type": "plain_text_input", "value": "2026-12-25"},
    )

    serve(fake_slack, bot, "U0ADMIN", "export")

    [export] = [e for e in entries(bot) if e.kind == "export"]
    assert (export.actor, export.change) == ("U0ADMIN", {"rows": 1})
    [shared] = fake_slack.files
    rows = list(csv.DictReader(io.StringIO(shared.content.decode("utf-8"))))
    audit = [r for r in rows if r["record"] == "audit"]
    assert [(r["status"], r["by"]) for r in audit] == [
        ("setting", "U0ADMIN"),
        ("export", "U0ADMIN"),
    ]
    assert json.loads(audit[0]["change"]) == {"setting": "holidays", "old": "", "new": "2026-12-25"}
    assert json.loads(audit[1]["change"]) == {"rows": 1}
    assert len([r for r in rows if r["record"] != "audit"]) == 1


def test_forget_me_is_recorded_without_the_person_and_their_earlier_entries_lose_them(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot]
) -> None:
    fake_slack.add_user("U0ALICE", "alice", tz="America/Los_Angeles", is_admin=True)
    bot = start_bot()  # its directory reads Alice as the admin she is
    change_settings(
        fake_slack,
        bot,
        "U0ALICE",
        checkin_hour={"type": "static_select", "selected_option": {"value": "9"}},
    )
    submit_story(fake_slack, bot, "U0ALICE", story_values(["U0BOB"], "Bob fixed it unasked."))
    asked = serve(fake_slack, bot, "U0ALICE", "forget me")
    confirmation = Message(channel=ALICE_DM, ts="0.1", blocks=asked["blocks"])

    fake_slack.click("U0ALICE", confirmation, privacy_views.FORGET_ME)
    assert bot.wait_idle()

    setting, forgotten = entries(bot)
    assert (setting.kind, setting.actor) == ("setting", FORMER_TEAMMATE)
    assert (forgotten.kind, forgotten.actor) == ("forget_me", FORMER_TEAMMATE)
    assert forgotten.change["stories"] == 1
    assert "U0ALICE" not in json.dumps([e.change for e in entries(bot)])
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    shown = answer_text(serve(fake_slack, bot, "U0ADMIN", "audit"))
    assert "a former teammate asked to be forgotten: stories they shared deleted: 1" in shown
    assert "U0ALICE" not in shown


def test_an_uninstall_is_recorded_once_with_when_its_data_goes(
    fake_slack: FakeSlack, bot: RunningBot, clock: ManualClock
) -> None:
    fake_slack.send_event({"type": "app_uninstalled"})
    assert bot.wait_idle()
    clock.advance(timedelta(minutes=1))
    fake_slack.send_event({"type": "tokens_revoked", "tokens": {"bot": ["U0SERVEBOT"]}})
    assert bot.wait_idle()

    [uninstalled] = entries(bot)
    assert (uninstalled.kind, uninstalled.actor) == ("uninstall", "slack")
    grace = bot.settings.uninstall_grace_days
    forget_at = uninstalled.at + timedelta(days=grace)
    assert uninstalled.change == {"forget_at": forget_at.isoformat()}

    clock.set(forget_at + timedelta(minutes=1))
    bot.tick()
    assert entries(bot) == []  # the trail goes with the rest of the workspace's data
