from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, SettingsError, load_settings, parse_channel_list


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


def test_env_example_lists_every_setting() -> None:
    example = (Path(__file__).parents[1] / ".env.example").read_text()
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "DEAL_CHANNELS",
        "LOG_LEVEL",
    ):
        assert f"\n{name}=" in f"\n{example}", name
