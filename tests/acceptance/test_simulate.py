"""`servebot simulate`: the real bot, a small team and months on the clock; nothing Serve
sends may land outside someone's working day, on their weekend or holiday, or while
they are away, and nobody hears from it more than the weekly budget allows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.sandbox.simulation import Scenario, simulate

ROOT = Path(__file__).parents[2]
SMALL = Scenario(
    people=8,
    weeks=6,
    deals_per_week=4,
    zones=("America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Sydney"),
    away_rate=0.2,
    start=datetime(2027, 3, 1, tzinfo=UTC),  # spring: three of the four zones change clocks
)
HOLIDAY = date(2027, 3, 18)  # a Thursday: story prompt day


def test_a_small_team_over_six_weeks_hears_from_serve_only_at_good_times() -> None:
    report = simulate(SMALL, {"holidays": (HOLIDAY,), "max_messages_per_week": 3})

    assert report.examples == []
    assert (report.outside_working_hours, report.weekend_or_holiday, report.while_away) == (
        0,
        0,
        0,
    )
    assert report.max_messages_per_person_week <= 3
    assert report.max_reminders_per_checkin <= 1
    assert report.dst_transitions_crossed >= 3
    # the run did something worth judging
    assert report.deals >= 10 and report.checkins_sent >= 10 and report.digests == 6
    assert report.messages_total >= 40 and report.checkins_answered > 0


def test_the_report_catches_messages_sent_at_night_by_a_misconfigured_workspace() -> None:
    early = Scenario(people=4, weeks=2, deals_per_week=4, zones=("Europe/London",), away_rate=0)

    report = simulate(early, {"checkin_hour": 6, "prompt_time": datetime.min.time()})

    assert report.outside_working_hours > 0 and report.examples


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "simulate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def test_simulate_json_prints_one_object_with_the_promised_keys() -> None:
    done = run_cli("--people", "5", "--weeks", "2", "--deals-per-week", "3", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    promised = {
        "people",
        "weeks",
        "messages_total",
        "max_messages_per_person_week",
        "outside_working_hours",
        "weekend_or_holiday",
        "while_away",
        "max_reminders_per_checkin",
    }
    assert promised <= set(report)
    assert (report["people"], report["weeks"]) == (5, 2)
    assert report["messages_total"] > 0


def test_simulate_refuses_a_bad_scenario_in_one_line() -> None:
    done = run_cli("--people", "0", "--zones", "Mars/Olympus", "--answer-rate", "2")

    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "--people" in line and "Mars/Olympus" in line and "--answer-rate" in line
    assert "Traceback" not in done.stderr and done.stdout == ""
