"""How `servebot simulate` judges what Serve sent: each message by its recipient's own
clock, and the daylight-saving changes a season crosses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.simulation import Person, Scenario, Sent, dst_transitions, judge

LA = ZoneInfo("America/Los_Angeles")


def test_judging_counts_each_kind_of_bad_moment() -> None:
    monday = datetime(2027, 3, 1, tzinfo=UTC)
    away = (monday + timedelta(days=2), monday + timedelta(days=3))
    person = Person("U0A", LA, (away,))
    sends = [
        Sent("U0A", datetime(2027, 3, 1, 10, tzinfo=LA)),  # fine
        Sent("U0A", datetime(2027, 3, 1, 3, tzinfo=LA)),  # at night
        Sent("U0A", datetime(2027, 3, 6, 11, tzinfo=LA)),  # a Saturday
        Sent("U0A", datetime(2027, 3, 5, 11, tzinfo=LA)),  # the holiday
        Sent("U0A", away[0] + timedelta(hours=20), reminder_of="1.1"),  # away
        Sent("U0A", datetime(2027, 3, 5, 12, tzinfo=LA), reminder_of="1.1"),
    ]
    scenario = Scenario(people=1, weeks=1, start=monday)

    judged = judge(sends, [person], scenario, [date(2027, 3, 5)])

    assert judged["outside_working_hours"] == 1
    assert judged["weekend_or_holiday"] == 3  # Saturday, and two on the holiday
    assert judged["while_away"] == 1
    assert judged["max_reminders_per_checkin"] == 2
    assert judged["max_messages_per_person_week"] == 6  # Monday to Sunday: one week


def test_daylight_saving_changes_are_counted_per_zone() -> None:
    spring = datetime(2027, 3, 1, tzinfo=UTC)
    zones = [ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata")]
    assert dst_transitions(zones, spring, spring + timedelta(weeks=6)) == 2
    assert dst_transitions(zones, spring, spring + timedelta(weeks=1)) == 0
