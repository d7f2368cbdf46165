from datetime import date, time
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_API_URL,
    VARIABLES,
    SettingsError,
    load_settings,
    parse_channel_list,
)


def test_defaults_need_nothing_set(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "missing.env")

    assert settings.slack_api_url == DEFAULT_API_URL
    assert settings.database_url.startswith("sqlite:///")
    assert settings.deal_channels == ()
    assert settings.socket_mode_problems() == [
        "SLACK_BOT_TOKEN is missing",
        "SLACK_APP_TOKEN is missing",
    ]


def test_environment_wins_over_dotenv_file(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-file\nDEAL_CHANNELS=#wins\n")

    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-shell"}, dotenv)

    assert settings.slack_bot_token == "xoxb-shell"
    assert settings.deal_channels == ("wins",)


def test_api_url_gets_a_trailing_slash(tmp_path: Path) -> None:
    settings = load_settings({"SLACK_API_URL": "http://127.0.0.1:1234/api"}, tmp_path / "x")
    assert settings.slack_api_url == "http://127.0.0.1:1234/api/"


def test_every_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"SLACK_API_URL": "ftp://x", "LOG_LEVEL": "chatty"}, tmp_path / "x")
    assert len(raised.value.problems) == 2


def test_channel_list_accepts_ids_names_and_hashes() -> None:
    assert parse_channel_list(" C0123, #deals ;wins,, ") == ("C0123", "deals", "wins")


def test_env_example_and_readme_list_every_setting() -> None:
    root = Path(__file__).parents[1]
    example = "\n" + (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for name in VARIABLES:
        assert f"\n{name}=" in example, name
        assert f"| `{name}` |" in readme, name


# A value for each variable unlike its default, and what Settings should make of it.
EVERY_SETTING = {
    "SLACK_BOT_TOKEN": ("xoxb-1", "slack_bot_token", "xoxb-1"),
    "SLACK_APP_TOKEN": ("xapp-1", "slack_app_token", "xapp-1"),
    "SLACK_API_URL": ("https://slack-gov.com/api", "slack_api_url", "https://slack-gov.com/api/"),
    "DATABASE_URL": ("sqlite:///other.db", "database_url", "sqlite:///other.db"),
    "DEAL_CHANNELS": ("#wins", "deal_channels", ("wins",)),
    "CHECKIN_CADENCE_DAYS": ("7,30", "checkin_cadence_days", (7, 30)),
    "CHECKIN_HOUR": ("9", "checkin_hour", 9),
    "HOLIDAYS": ("2026-12-25", "holidays", (date(2026, 12, 25),)),
    "DEFAULT_TIMEZONE": ("Europe/Paris", "default_timezone", "Europe/Paris"),
    "DISPATCH_INTERVAL_SECONDS": ("5", "dispatch_interval_seconds", 5),
    "TEAM_CHANNEL": ("#team", "team_channel", "team"),
    "RECOGNITION_CHANNEL": ("#kudos", "recognition_channel", "kudos"),
    "PROMPT_DAY": ("Tuesday", "prompt_weekday", 1),
    "PROMPT_TIME": ("11:30", "prompt_time", time(11, 30)),
    "DIGEST_DAY": ("Monday", "digest_weekday", 0),
    "DIGEST_TIME": ("9:15", "digest_time", time(9, 15)),
    "NOTIFY_RECOGNISED": ("off", "notify_recognised", False),
    "LOG_LEVEL": ("debug", "log_level", "DEBUG"),
}


def test_every_variable_has_a_row_in_the_table() -> None:
    assert set(EVERY_SETTING) == set(VARIABLES)


@pytest.mark.parametrize("name", VARIABLES)
def test_each_variable_changes_its_setting(tmp_path: Path, name: str) -> None:
    raw, attribute, expected = EVERY_SETTING[name]
    default = getattr(load_settings({}, tmp_path / "x"), attribute)

    settings = load_settings({name: raw}, tmp_path / "x")

    assert getattr(settings, attribute) == expected != default


def test_weekly_schedule_and_cadence_parse(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "CHECKIN_CADENCE_DAYS": "90, 3,14",
            "CHECKIN_HOUR": "9:00",
            "HOLIDAYS": "2026-12-25, 2027-01-01",
            "PROMPT_DAY": "thu",
            "PROMPT_TIME": "15:30",
            "DIGEST_DAY": "Friday",
            "NOTIFY_RECOGNISED": "no",
            "TEAM_CHANNEL": "#team",
        },
        tmp_path / "x",
    )
    assert settings.checkin_cadence_days == (3, 14, 90)
    assert settings.checkin_hour == 9
    assert [d.isoformat() for d in settings.holidays] == ["2026-12-25", "2027-01-01"]
    assert (settings.prompt_weekday, settings.prompt_time.isoformat()) == (3, "15:30:00")
    assert settings.digest_weekday == 4
    assert settings.notify_recognised is False
    assert settings.team_channel == "team"


@pytest.mark.parametrize(
    "name,value",
    [
        ("CHECKIN_CADENCE_DAYS", "soon"),
        ("CHECKIN_HOUR", "23"),
        ("HOLIDAYS", "25/12/2026"),
        ("DEFAULT_TIMEZONE", "Mars/Base"),
        ("PROMPT_DAY", "Caturday"),
        ("DIGEST_TIME", "teatime"),
        ("NOTIFY_RECOGNISED", "maybe"),
        ("DISPATCH_INTERVAL_SECONDS", "0"),
    ],
)
def test_bad_value_names_its_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value}, tmp_path / "x")
    assert len(raised.value.problems) == 1 and name in raised.value.problems[0]
