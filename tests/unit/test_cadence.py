"""Check-in planning in the owner's own time zone: working days, holidays, DST, time away."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.cadence import (
    WorkingHours,
    add_working_days,
    away_until,
    first_slot_after,
    next_working_slot,
    plan_checkins,
    snooze_until,
    zone_or_default,
)

LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def test_friday_evening_close_gets_its_day_three_checkin_on_monday_morning() -> None:
    closed = local(LA, 2026, 11, 20, 17, 0)  # a Friday
    [day3, *_] = plan_checkins(closed, (3, 14, 45, 90), WorkingHours(LA))

    assert day3.astimezone(LA) == local(LA, 2026, 11, 23, 10, 0)
    assert day3.astimezone(LA).strftime("%A") == "Monday"


def test_checkin_across_the_march_dst_change_lands_at_ten_local() -> None:
    closed = local(LA, 2027, 3, 4, 9, 0)  # PST; day 14 falls after the 14 March 2027 change
    planned = plan_checkins(closed, (3, 14), WorkingHours(LA))

    assert [p.astimezone(LA).hour for p in planned] == [10, 10]
    assert planned[0].utcoffset() == timedelta(0)
    assert planned[0].astimezone(LA).utcoffset() == timedelta(hours=-8)
    assert planned[1].astimezone(LA).utcoffset() == timedelta(hours=-7)
    assert planned[0] == datetime(2027, 3, 8, 18, 0, tzinfo=UTC)  # Monday 10:00 PST
    assert planned[1] == datetime(2027, 3, 18, 17, 0, tzinfo=UTC)  # Thursday 10:00 PDT


def test_holiday_is_skipped_to_the_next_working_day() -> None:
    closed = local(LONDON, 2026, 12, 22, 11, 0)  # Tuesday; day 3 is Christmas Day
    holidays = {date(2026, 12, 25), date(2026, 12, 28)}
    [day3] = plan_checkins(closed, (3,), WorkingHours(LONDON, 10, holidays))

    assert day3.astimezone(LONDON) == local(LONDON, 2026, 12, 29, 10, 0)


def test_nudge_hour_follows_the_workspace_setting() -> None:
    closed = local(LONDON, 2026, 11, 16, 9, 0)
    [day3] = plan_checkins(closed, (3,), WorkingHours(LONDON, hour=14))
    assert day3.astimezone(LONDON) == local(LONDON, 2026, 11, 19, 14, 0)


def test_two_offsets_landing_on_one_weekend_become_separate_days() -> None:
    closed = local(LONDON, 2026, 11, 19, 12, 0)  # Thursday: days 2 and 3 fall on the weekend
    planned = plan_checkins(closed, (2, 3), WorkingHours(LONDON))
    assert [p.astimezone(LONDON).date() for p in planned] == [
        date(2026, 11, 23),
        date(2026, 11, 24),
    ]


def test_out_of_office_with_expiry_postpones_to_the_next_working_slot_after_it() -> None:
    now = local(LA, 2026, 11, 23, 10, 0)
    expires = local(LA, 2026, 11, 27, 18, 0)  # Friday evening
    profile = {
        "status_text": "Out of office",
        "status_emoji": ":palm_tree:",
        "status_expiration": int(expires.timestamp()),
    }
    back = away_until(profile, now)

    assert back == expires
    assert first_slot_after(back, WorkingHours(LA)).astimezone(LA) == local(LA, 2026, 11, 30, 10, 0)


def test_status_expiring_before_the_nudge_hour_means_that_same_morning() -> None:
    back = local(LA, 2026, 12, 2, 0, 0)  # midnight starting Wednesday
    assert first_slot_after(back, WorkingHours(LA)).astimezone(LA) == local(LA, 2026, 12, 2, 10, 0)


@pytest.mark.parametrize(
    "profile",
    [
        {"status_text": "In a meeting", "status_emoji": ":calendar:"},
        {"status_text": "", "status_emoji": ""},
        {"status_text": "Vacation", "status_expiration": 1},  # already expired
    ],
)
def test_other_statuses_do_not_postpone(profile: dict[str, object]) -> None:
    assert away_until(profile, local(LA, 2026, 11, 23, 10, 0)) is None


def test_away_without_expiry_is_checked_again_next_day() -> None:
    now = local(LA, 2026, 11, 23, 10, 0)
    assert away_until({"status_text": "On vacation"}, now) == now + timedelta(days=1)


def test_reminder_waits_two_working_days() -> None:
    sent = local(LA, 2026, 11, 26, 10, 0)  # Thursday
    assert add_working_days(sent, 2, WorkingHours(LA)).astimezone(LA) == local(
        LA, 2026, 11, 30, 10, 0
    )


def test_snooze_for_a_day_on_friday_means_monday() -> None:
    now = local(LA, 2026, 11, 20, 11, 0)
    assert snooze_until(now, 1, WorkingHours(LA)).astimezone(LA) == local(LA, 2026, 11, 23, 10, 0)


@pytest.mark.parametrize(
    "now,expected",
    [
        ((2026, 11, 23, 11, 30), (2026, 11, 23, 11, 30)),  # Monday, working time: now
        ((2026, 11, 23, 7, 0), (2026, 11, 23, 10, 0)),  # early: this morning
        ((2026, 11, 23, 19, 0), (2026, 11, 24, 10, 0)),  # evening: tomorrow
        ((2026, 11, 21, 12, 0), (2026, 11, 23, 10, 0)),  # Saturday: Monday
    ],
)
def test_next_working_slot(now: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert next_working_slot(local(LA, *now), WorkingHours(LA)).astimezone(LA) == local(
        LA, *expected
    )


def test_unknown_time_zone_falls_back_to_the_default() -> None:
    assert zone_or_default("Mars/Olympus", "Europe/London") == LONDON
    assert zone_or_default(None, "") == ZoneInfo("UTC")
