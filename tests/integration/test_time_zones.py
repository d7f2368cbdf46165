"""A time zone that is no IANA zone, from the settings form or a Slack profile: the
form answers under its field and keeps nothing; a profile's falls back to the
workspace's zone. Neither ever reaches ZoneInfo as a path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from bot.app import RunningBot
from bot.clock import ManualClock
from bot.sandbox.fakeslack import FakeSlack
from bot.sandbox.support import (
    BAD_TIME_ZONES,
    FRIDAY_5PM_LA,
    checkins_of,
    close_deal,
    open_settings,
    settings_values,
)
from bot.store.models import Workspace


def test_every_zone_that_is_no_zone_is_refused_under_its_field_and_nothing_kept(
    fake_slack: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.add_user("U0ADMIN", "ada", is_admin=True)
    modal = open_settings(fake_slack, bot, "U0ADMIN")
    answers = {}
    with caplog.at_level(logging.ERROR):
        for name in BAD_TIME_ZONES:
            answers[name] = fake_slack.submit(
                "U0ADMIN",
                modal,
                settings_values(default_timezone={"type": "plain_text_input", "value": name}),
            )
    assert bot.wait_idle()

    for name, ack in answers.items():
        assert ack.get("response_action") == "errors", name[:40]
        assert set(ack["errors"]) == {"default_timezone"}, name[:40]
        said = ack["errors"]["default_timezone"]
        assert ("Europe/London" in said) if len(name) <= 64 else ("at most 64" in said)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    with bot.store.session() as session:
        workspace = session.get(Workspace, "T0SERVE")
    assert workspace is None or (workspace.timezone, workspace.settings_changed_by) == (None, None)


@pytest.mark.parametrize("name", ["America", "localtime", "../etc", "A" * 300, "posix/Asia/Tokyo"])
def test_a_profile_zone_that_is_no_zone_plans_in_the_workspace_zone(
    fake_slack: FakeSlack, start_bot: Callable[..., RunningBot], clock: ManualClock, name: str
) -> None:
    bot = start_bot(default_timezone="Europe/Paris")
    fake_slack.add_user("U0CAROL", "carol", tz=name)
    clock.set(FRIDAY_5PM_LA)

    deal = close_deal(fake_slack, bot, "Closed Acme Corp :tada:", user="U0CAROL")

    planned = checkins_of(bot, deal)
    assert len(planned) == 4
    assert all(c.due_at.astimezone(ZoneInfo("Europe/Paris")).hour == 10 for c in planned)
