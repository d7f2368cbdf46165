import os
import sys
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import hypothesis
import pytest
from hypothesis import strategies as st

from bot.config import (
    DEFAULT_API_URL,
    SETTINGS,
    VARIABLES,
    Settings,
    SettingsError,
    load_settings,
    parse_api_url,
    parse_channel_list,
    parse_database_url,
)
from bot.store.db import holder_pid, sqlite_file

NO_DOTENV = Path(__file__).with_name("no-such-file.env")
PG_EXAMPLE = "postgresql+psycopg://user:pass@host/db"
EXAMPLES = f"sqlite:///serve.db or {PG_EXAMPLE}"


def test_defaults_need_nothing_set(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "missing.env")

    assert settings.slack_api_url == DEFAULT_API_URL
    assert settings.database_url.startswith("sqlite:///")
    assert settings.deal_channels == ()
    assert settings.socket_mode_problems() == [
        "SLACK_BOT_TOKEN is missing",
        "SLACK_APP_TOKEN is missing",
    ]


def test_many_workspaces_need_both_client_id_and_secret_and_no_bot_token(tmp_path: Path) -> None:
    signed = {"SLACK_SIGNING_SECRET": "8f3a"}
    client = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}
    both = load_settings({**signed, **client}, NO_DOTENV)
    only_id = load_settings({**signed, "SLACK_CLIENT_ID": "1.2"}, NO_DOTENV)

    assert both.many_workspaces and both.http_problems() == []
    assert not only_id.many_workspaces
    assert only_id.http_problems() == [
        "SLACK_CLIENT_SECRET is missing: many workspaces need both id and secret"
    ]
    assert "need HTTP mode: servebot run --http" in both.socket_mode_problems()[0]


@pytest.mark.parametrize("raw", ["-1", "thirty", "3651", "1.5"])
def test_an_unusable_grace_period_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"SERVE_UNINSTALL_GRACE_DAYS": raw}, NO_DOTENV)
    assert raised.value.problems == [
        "SERVE_UNINSTALL_GRACE_DAYS should be a number of days, 0 to 3650 (like 30)"
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
    root = Path(__file__).parents[2]
    example = "\n" + (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for name in VARIABLES:
        assert f"\n{name}=" in example, name
        assert f"| `{name}` |" in readme, name


def test_env_example_says_what_the_table_declares() -> None:
    """Each variable under its own help line, with its default as it would be typed."""
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    defaults = Settings()
    for declared in SETTINGS:
        value = getattr(defaults, declared.name)
        shown = declared.shown(value) if value not in ("", ()) else ""
        assert f"# {declared.help}" in example, declared.env
        assert f"\n{declared.env}={shown}\n" in example, declared.env
        _, _, line = example.partition(f"\n{declared.env}=")[0].rpartition("\n# ")
        assert line.startswith(declared.help), f"{declared.env} is not under its help"


# A value for each variable unlike its default, and what Settings should make of it.
EVERY_SETTING = {
    "SLACK_BOT_TOKEN": ("xoxb-1", "slack_bot_token", "xoxb-1"),
    "SLACK_APP_TOKEN": ("xapp-1", "slack_app_token", "xapp-1"),
    "SLACK_API_URL": ("https://slack-gov.com/api", "slack_api_url", "https://slack-gov.com/api/"),
    "SLACK_SIGNING_SECRET": ("8f3a", "slack_signing_secret", "8f3a"),
    "SLACK_CLIENT_ID": ("1234.5678", "slack_client_id", "1234.5678"),
    "SLACK_CLIENT_SECRET": ("c0ffee", "slack_client_secret", "c0ffee"),
    "HUBSPOT_APP_SECRET": ("hs-secret", "hubspot_app_secret", "hs-secret"),
    "HUBSPOT_API_KEY": ("hs-key", "hubspot_api_key", "hs-key"),
    "SALESFORCE_WEBHOOK_SECRET": ("sf-secret", "salesforce_webhook_secret", "sf-secret"),
    "SERVE_UNINSTALL_GRACE_DAYS": ("7", "uninstall_grace_days", 7),
    "PORT": ("8080", "port", 8080),
    "DATABASE_URL": ("sqlite:///other.db", "database_url", "sqlite:///other.db"),
    "DEAL_CHANNELS": ("#wins", "deal_channels", ("wins",)),
    "CHECKIN_CADENCE_DAYS": ("7,30", "checkin_cadence_days", (7, 30)),
    "CHECKIN_HOUR": ("9", "checkin_hour", 9),
    "HOLIDAYS": ("2026-12-25", "holidays", (date(2026, 12, 25),)),
    "DEFAULT_TIMEZONE": ("Europe/Paris", "default_timezone", "Europe/Paris"),
    "CHANNEL_LANGUAGE": ("pt_br", "channel_language", "pt-BR"),
    "DISPATCH_INTERVAL_SECONDS": ("5", "dispatch_interval_seconds", 5),
    "SEND_THREADS": ("64", "send_threads", 64),
    "SENDS_PER_WORKSPACE": ("2", "sends_per_workspace", 2),
    "TEAM_CHANNEL": ("#team", "team_channel", "team"),
    "RECOGNITION_CHANNEL": ("#kudos", "recognition_channel", "kudos"),
    "PROMPT_DAY": ("Tuesday", "prompt_weekday", 1),
    "PROMPT_TIME": ("11:30", "prompt_time", time(11, 30)),
    "DIGEST_DAY": ("Monday", "digest_weekday", 0),
    "DIGEST_TIME": ("9:15", "digest_time", time(9, 15)),
    "NOTIFY_RECOGNISED": ("off", "notify_recognised", False),
    "RETENTION_MONTHS": ("6", "retention_months", 6),
    "MAX_MESSAGES_PER_WEEK": ("5", "max_messages_per_week", 5),
    "CATCH_UP_DAYS": ("2", "catch_up_days", 2),
    "HISTORY_RATE": ("Limited", "history_rate", "limited"),
    "SERVE_ADMINS": ("U0ANN, <@U0BEN|ben>", "admins", ("U0ANN", "U0BEN")),
    "LOG_LEVEL": ("debug", "log_level", "DEBUG"),
    "LOG_FORMAT": ("TEXT", "log_format", "text"),
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
        ("CHANNEL_LANGUAGE", "klingon"),
        ("PROMPT_DAY", "Caturday"),
        ("DIGEST_TIME", "teatime"),
        ("NOTIFY_RECOGNISED", "maybe"),
        ("RETENTION_MONTHS", "121"),
        ("RETENTION_MONTHS", "half a year"),
        ("RETENTION_MONTHS", "-1"),
        ("DISPATCH_INTERVAL_SECONDS", "0"),
        ("SEND_THREADS", "0"),
        ("SENDS_PER_WORKSPACE", "many"),
        ("MAX_MESSAGES_PER_WEEK", "0"),
        ("PORT", "http"),
        ("PORT", "70000"),
        ("LOG_FORMAT", "xml"),
        ("MAX_MESSAGES_PER_WEEK", "lots"),
        ("CATCH_UP_DAYS", "31"),
        ("CATCH_UP_DAYS", "a week"),
        ("HISTORY_RATE", "tier2"),
    ],
)
def test_bad_value_names_its_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value}, tmp_path / "x")
    assert len(raised.value.problems) == 1 and name in raised.value.problems[0]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://slack.com/api", "https://slack.com/api/"),
        ("http://127.0.0.1:1234/api/", "http://127.0.0.1:1234/api/"),
        ("http://[::1]:8080/api", "http://[::1]:8080/api/"),
        ("https://xn--bcher-kva.example/api/", "https://xn--bcher-kva.example/api/"),
    ],
)
def test_api_url_accepts_http_urls_with_a_host(raw: str, expected: str) -> None:
    assert parse_api_url(raw) == expected


@pytest.mark.parametrize(
    "raw,error",
    [
        ("slack.com", "should be an http(s) URL (like https://slack.com/api/)"),
        ("ftp://slack.com/api/", "should be an http(s) URL (like https://slack.com/api/)"),
        ("http://", "should name a host (like https://slack.com/api/)"),
        ("https:///api/", "should name a host (like https://slack.com/api/)"),
        ("http://:80/api/", "should name a host (like https://slack.com/api/)"),
        ("https://exa mple.com/api/", "should have no spaces, control or non-ASCII characters"),
        ("https://example.com/\x00/", "should have no spaces, control or non-ASCII characters"),
        ("https://bücher.example/api/", "should have no spaces, control or non-ASCII characters"),
        ("http://[::1", "is not a valid URL (Invalid IPv6 URL)"),
        (
            "http://slack.com:http/",
            "is not a valid URL (Port could not be cast to integer value as 'http')",
        ),
        ("http://slack.com:99999/", "is not a valid URL (Port out of range 0-65535)"),
        ("http://slack..com/api/", "has a malformed host name"),
        (f"http://{'a' * 64}.com/api/", "has a malformed host name"),
    ],
)
def test_api_url_says_what_is_wrong(raw: str, error: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_api_url(raw)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    "raw",
    [
        "sqlite:///serve.db",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:////var/lib/serve/serve.db",
        "sqlite:///caf%C3%A9 data.db",
        "postgresql+psycopg://serve:p%40ss@db.internal:5432/serve?sslmode=require",
    ],
)
def test_database_url_accepts_sqlite_and_postgresql(raw: str) -> None:
    assert parse_database_url(raw) == raw


@pytest.mark.parametrize(
    "raw,error",
    [
        ("not a url", f"should look like {EXAMPLES}"),
        ("sqlite://:memory:x", f"should look like {EXAMPLES}"),
        ("postgresql+psycopg://u@[::1/db", f"should look like {EXAMPLES}"),
        ("oracle+foo://x", f"names an unknown database or driver oracle+foo: use {EXAMPLES}"),
        ("postgres://u@h/db", f"names an unknown database or driver postgres: use {EXAMPLES}"),
        (
            "postgresql+psycopg+x://u@h/db",
            f"names an unknown database or driver postgresql+psycopg+x: use {EXAMPLES}",
        ),
        ("mysql://u@h/db", "uses mysql, which Serve does not support: use SQLite or PostgreSQL"),
        (
            "mysql+pymysql://u@h/db",
            "uses mysql, which Serve does not support: use SQLite or PostgreSQL",
        ),
        ("oracle://x", "uses oracle, which Serve does not support: use SQLite or PostgreSQL"),
        (
            "postgresql+asyncpg://u@h/db",
            f"uses the async driver asyncpg, which Serve cannot use: use {PG_EXAMPLE}",
        ),
        ("sqlite://host/serve.db", "is not a valid sqlite URL (like sqlite:///serve.db)"),
        ("sqlite://:5/serve.db", "is not a valid sqlite URL (like sqlite:///serve.db)"),
        ("sqlite:///serve.db?timeout=soon", "is not a valid sqlite URL (like sqlite:///serve.db)"),
        ("sqlite:///serve.db?plugin=nope", "is not a valid sqlite URL (like sqlite:///serve.db)"),
        ("sqlite:///serve\x00.db", "should have no control characters"),
        ("sqlite:///serve%00.db", "should have no control characters"),
        ("sqlite:///file:x.db?uri=true&vfs=%0A", "should have no control characters"),
        ("sqlite:///serve\udc80.db", "should have no control characters"),
    ],
)
def test_database_url_says_what_is_wrong(raw: str, error: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_database_url(raw)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    "raw,blocked,error",
    [
        (
            "postgresql+psycopg2://u@h/db",
            ["psycopg2"],
            f"needs the psycopg2 driver, which is not installed: use {PG_EXAMPLE}",
        ),
        (
            "postgresql+psycopg2://u@h/db",
            ["psycopg2", "psycopg"],
            "needs the psycopg2 driver, which is not installed: "
            f"pip install -e '.[postgres]' and use {PG_EXAMPLE}",
        ),
        (
            PG_EXAMPLE,
            ["psycopg"],
            "needs the psycopg driver, which is not installed: pip install -e '.[postgres]'",
        ),
        (
            "sqlite+pysqlcipher:///serve.db",
            ["sqlcipher3", "pysqlcipher3"],
            "needs the pysqlcipher driver, which is not installed: use sqlite:///serve.db",
        ),
    ],
)
def test_database_url_says_which_driver_to_install(
    monkeypatch: pytest.MonkeyPatch, raw: str, blocked: list[str], error: str
) -> None:
    for module in blocked:
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(ValueError) as raised:
        parse_database_url(raw)
    assert str(raised.value) == error


def test_bad_urls_are_problems_naming_their_variable() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"DATABASE_URL": "mysql://u@h/db", "SLACK_API_URL": "http://"}, NO_DOTENV)
    assert [problem.split()[0] for problem in raised.value.problems] == [
        "SLACK_API_URL",
        "DATABASE_URL",
    ]


ANY_CHARACTER = st.characters(exclude_categories=())  # control characters, NUL, surrogates too
PRINTABLE_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
SCHEMES = ["sqlite", "postgresql+psycopg", "postgresql+psycopg2", "mysql", "oracle", "https"]
SCHEME = st.one_of(st.sampled_from(SCHEMES), st.from_regex(r"[a-z][a-z0-9+]{0,12}", fullmatch=True))
PIECES = ["/", ":", "@", "[", "]", "::1", "?", "=", "&", "%00", "%0A", "host", ".", "..", "99999"]
ASCII_PIECE = st.one_of(st.sampled_from(PIECES), st.text(PRINTABLE_ASCII, max_size=3))
REST = st.one_of(
    st.lists(ASCII_PIECE).map("".join),
    st.lists(st.one_of(ASCII_PIECE, st.text(ANY_CHARACTER, max_size=3))).map("".join),
)
URL_LIKE = st.builds("{}://{}".format, SCHEME, REST)
HOSTILE_TEXT = st.one_of(
    st.text(ANY_CHARACTER),
    URL_LIKE,
    st.builds(str.__mul__, URL_LIKE.filter(bool), st.integers(100, 2000)),  # very long
)
OUR_MESSAGES = ("should ", "is not a valid ", "has a malformed ", "names an ", "uses ", "needs ")


@pytest.mark.slow  # thousands of examples: the full run has it
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # unknown query arguments
@hypothesis.settings(max_examples=1000, deadline=None)
@hypothesis.given(database_url=HOSTILE_TEXT, api_url=HOSTILE_TEXT)
def test_any_text_as_a_url_gives_settings_or_one_line_of_problems(
    database_url: str, api_url: str
) -> None:
    environ = {"DATABASE_URL": database_url, "SLACK_API_URL": api_url}
    try:
        loaded = load_settings(environ, NO_DOTENV)
    except SettingsError as error:
        assert error.problems
        for problem in error.problems:
            name, _, message = problem.partition(" ")
            assert name in ("DATABASE_URL", "SLACK_API_URL")
            assert message.startswith(OUR_MESSAGES), problem  # not a raw Python error
        assert len(error.one_line().splitlines()) == 1
    else:
        assert loaded.slack_api_url.endswith("/")


@pytest.mark.parametrize(
    "variable",
    [
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_SECRET",
        "HUBSPOT_APP_SECRET",
        "SALESFORCE_WEBHOOK_SECRET",
    ],
)
@pytest.mark.parametrize("inside", ["\n", " ", "\t", "\x1b", "\x00", "é"])
def test_a_secret_pasted_with_whitespace_or_control_characters_is_named_not_shown(
    variable: str, inside: str
) -> None:
    prefix = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}.get(variable, "")

    with pytest.raises(SettingsError) as raised:
        load_settings({variable: f"{prefix}1{inside}tail-of-the-secret"}, NO_DOTENV)

    [problem] = raised.value.problems
    assert problem.startswith(f"{variable} should be one word with no spaces")
    assert "tail-of-the-secret" not in raised.value.one_line()


def test_a_secret_read_with_its_line_end_is_taken_as_it_is() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1-abc\n"}, NO_DOTENV)
    assert settings.slack_bot_token == "xoxb-1-abc"


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not a text file (it has NUL bytes)"),
        (b"SLACK_BOT_TOKEN=xoxb-1\x00\n", "is not a text file (it has NUL bytes)"),
        (b"TEAM_CHANNEL=caf\xe9\n", "is not UTF-8 text (byte 17)"),
        (b"A=1\nB=2\x1b[0m\n", "line 2 has control characters"),
        (b'A=1\nDEAL_CHANNELS="deals\nnot" a line\n', "line 2 could not be read"),
    ],
)
def test_a_malformed_dotenv_is_one_problem_naming_it(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(content)

    with pytest.raises(SettingsError) as raised:
        load_settings({}, dotenv)

    [found] = raised.value.problems
    assert found.startswith(f"{dotenv} {problem}")


def test_a_dotenv_with_tabs_crlf_and_comments_is_read(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"# Serve\r\nSLACK_BOT_TOKEN=xoxb-1\r\nDEAL_CHANNELS=wins\t# ours\r\n")

    settings = load_settings({}, dotenv)

    assert (settings.slack_bot_token, settings.deal_channels) == ("xoxb-1", ("wins",))


def test_the_sqlite_file_is_found_however_the_url_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "serve.db"

    assert sqlite_file("sqlite:///serve.db") == database
    assert sqlite_file(f"sqlite:///{database}") == database
    assert sqlite_file("sqlite:///./sub/../serve.db") == database
    assert sqlite_file(f"sqlite:///file:{database}?uri=true") == database
    assert sqlite_file(f"sqlite:///file://{database}?mode=rw&uri=true") == database
    assert sqlite_file("sqlite:///file:serve.db?uri=true") == database
    assert sqlite_file("sqlite:///file:my%20serve.db?uri=true") == tmp_path / "my serve.db"
    assert sqlite_file("sqlite:///file:serve.db") == tmp_path / "file:serve.db"  # no uri=true
    for in_memory in (
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file:x?mode=memory&uri=true",
        "postgresql+psycopg://u@h/db",
    ):
        assert sqlite_file(in_memory) is None, in_memory


def test_the_holder_of_a_file_is_read_from_the_systems_lock_table() -> None:
    device = os.makedev(0xFE, 0)
    locks = (
        "1: POSIX  ADVISORY  WRITE 17 fe:00:99 1073741824 1073741824\n"
        "2: FLOCK  ADVISORY  WRITE 4242 fe:00:99 0 EOF\n"
        "2: -> FLOCK  ADVISORY  WRITE 5151 fe:00:99 0 EOF\n"
        "3: FLOCK  ADVISORY  WRITE 6161 fe:00:100 0 EOF\n"
    )

    assert holder_pid((device, 99), locks) == 4242
    assert holder_pid((device, 101), locks) is None
    assert holder_pid((device, 99), "") is None


def test_history_is_read_at_the_distributed_apps_rate_when_installed_through_oauth() -> None:
    oauth = Settings(slack_client_id="1234.5678", slack_client_secret="c0ffee")
    assert Settings().history_limited is False  # one workspace's token: an internal app
    assert oauth.history_limited is True
    assert replace(oauth, history_rate="tier3").history_limited is False  # a Marketplace app
    assert Settings(history_rate="limited").history_limited is True
