"""Time zones as they enter Serve (the settings form, DEFAULT_TIMEZONE, a Slack profile):
only IANA names are zones; anything else is refused in one sentence or replaced by the
default, and never reaches ZoneInfo as a path."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import SettingsError, load_settings, parse_time_zone
from bot.sandbox.support import BAD_TIME_ZONES, hostile_text
from bot.services.cadence import zone_or_default

NO_DOTENV = Path(__file__).with_name("no-such-file.env")
GOOD = ["UTC", "Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kolkata"]


@pytest.mark.parametrize("name", BAD_TIME_ZONES, ids=lambda name: name[:24])
def test_default_timezone_that_is_no_zone_is_one_problem_naming_the_variable(name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"DEFAULT_TIMEZONE": name}, NO_DOTENV)

    [problem] = raised.value.problems
    assert problem.startswith("DEFAULT_TIMEZONE ") and "Europe/London" in problem
    assert "\n" not in raised.value.one_line() and len(problem) < 200


@pytest.mark.parametrize("name", GOOD)
def test_an_iana_zone_is_taken_as_written(name: str) -> None:
    assert load_settings({"DEFAULT_TIMEZONE": name}, NO_DOTENV).default_timezone == name


@pytest.mark.parametrize("name", BAD_TIME_ZONES, ids=lambda name: name[:24])
def test_a_profile_zone_that_is_no_zone_falls_back_to_the_workspace_default(name: str) -> None:
    assert zone_or_default(name, "Europe/London") == ZoneInfo("Europe/London")
    assert zone_or_default("Asia/Tokyo", name) == ZoneInfo("Asia/Tokyo")
    assert zone_or_default(name, name) == ZoneInfo("UTC")


@settings(max_examples=200, deadline=None)
@given(st.one_of(hostile_text(), st.sampled_from(sorted(available_timezones()))))
def test_any_text_is_a_known_zone_or_refused_never_an_error(name: str) -> None:
    try:
        kept = parse_time_zone(name)
    except ValueError as refused:
        assert "\n" not in str(refused)
        assert zone_or_default(name, "Europe/Paris") == ZoneInfo("Europe/Paris")
        return
    assert kept == name and kept in available_timezones() and kept != "localtime"
    assert zone_or_default(name) == ZoneInfo(name)
