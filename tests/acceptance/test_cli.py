"""The `servebot` command as a person runs it: a subprocess, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack

ROOT = Path(__file__).parents[2]


def servebot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "SYSTEMROOT": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_with_empty_environment_exits_2_naming_each_missing_token(tmp_path: Path) -> None:
    result = servebot("run", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SLACK_BOT_TOKEN is missing" in lines[0]
    assert "SLACK_APP_TOKEN is missing" in lines[0]
    assert "README.md" in lines[0]
    assert "Traceback" not in result.stderr


def test_run_with_swapped_tokens_says_which_is_malformed(tmp_path: Path) -> None:
    result = servebot("run", cwd=tmp_path, SLACK_BOT_TOKEN="xapp-1-abc", SLACK_APP_TOKEN="xapp-1-d")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "servebot: cannot start: SLACK_BOT_TOKEN should start with xoxb-. "
        'See "Set up" in README.md.'
    ]


def test_many_workspaces_over_socket_mode_or_half_configured_are_one_clear_line(
    tmp_path: Path,
) -> None:
    socket = servebot("run", cwd=tmp_path, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="c")
    half = servebot("run", "--http", cwd=tmp_path, SLACK_SIGNING_SECRET="s", SLACK_CLIENT_ID="1.2")

    assert (socket.returncode, half.returncode) == (2, 2)
    assert "need HTTP mode: servebot run --http" in socket.stderr
    assert half.stderr.strip().splitlines() == [
        "servebot: cannot start: SLACK_CLIENT_SECRET is missing: many workspaces need both "
        'id and secret. See "Set up" in README.md.'
    ]


def test_run_reads_tokens_from_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\n")

    result = servebot("run", cwd=tmp_path)

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" not in result.stderr
    assert "SLACK_APP_TOKEN is missing" in result.stderr


def test_run_with_unreachable_slack_fails_with_one_line(tmp_path: Path) -> None:
    result = servebot(
        "run",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()  # no migration or retry logs before it
    assert "could not connect to Slack at http://127.0.0.1:9/api/" in line


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"

    result = servebot("db", "upgrade", cwd=tmp_path, DATABASE_URL=url)

    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"workspaces", "deals", "alembic_version"} <= tables


@pytest.mark.parametrize("variable,value", [("LOG_LEVEL", "LOUD"), ("SLACK_API_URL", "slack.com")])
def test_malformed_setting_is_one_clear_line(tmp_path: Path, variable: str, value: str) -> None:
    result = servebot("db", "upgrade", cwd=tmp_path, **{variable: value})

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert variable in line and "Traceback" not in result.stderr


@pytest.mark.parametrize("zone", ["localtime", "America", "Europe/" + "x" * 300])
def test_a_default_timezone_that_is_no_zone_is_one_line_and_exit_2(
    tmp_path: Path, zone: str
) -> None:
    result = servebot("run", cwd=tmp_path, DEFAULT_TIMEZONE=zone, **TOKENS)

    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("servebot: cannot start: DEFAULT_TIMEZONE ")
    assert "is not a known time zone" in line and len(line) < 300
    assert result.returncode == 2


def config_line(problem: str) -> str:
    return f'servebot: cannot start: {problem}. See "Set up" in README.md.'


def without_modules(tmp_path: Path, *names: str) -> dict[str, str]:
    """Environment in which these modules fail to import, as if they were not installed."""
    blocked = tmp_path / "blocked"
    blocked.mkdir(exist_ok=True)
    for name in names:
        (blocked / f"{name}.py").write_text(f"raise ModuleNotFoundError({name!r}, name={name!r})\n")
    return {"PYTHONPATH": str(blocked)}


COMMANDS = [pytest.param(("run",), id="run"), pytest.param(("db", "upgrade"), id="db-upgrade")]
TOKENS = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
PG_EXAMPLE = "postgresql+psycopg://user:pass@host/db"
EXAMPLES = f"sqlite:///serve.db or {PG_EXAMPLE}"


def assert_one_config_line(result: subprocess.CompletedProcess[str], problem: str) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [config_line(problem)]
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "url,blocked,problem",
    [
        (
            "postgresql+psycopg2://u@h/db",
            ("psycopg2",),
            f"DATABASE_URL needs the psycopg2 driver, which is not installed: use {PG_EXAMPLE}",
        ),
        (
            "postgresql+psycopg2://u@h/db",
            ("psycopg2", "psycopg"),
            "DATABASE_URL needs the psycopg2 driver, which is not installed: "
            f"pip install -e '.[postgres]' and use {PG_EXAMPLE}",
        ),
        (
            "postgresql+psycopg://u@h/db",
            ("psycopg",),
            "DATABASE_URL needs the psycopg driver, which is not installed: "
            "pip install -e '.[postgres]'",
        ),
        (
            "mysql://u@h/db",
            (),
            "DATABASE_URL uses mysql, which Serve does not support: use SQLite or PostgreSQL",
        ),
        (
            "oracle+foo://x",
            (),
            f"DATABASE_URL names an unknown database or driver oracle+foo: use {EXAMPLES}",
        ),
        ("not a url", (), f"DATABASE_URL should look like {EXAMPLES}"),
        ("sqlite://:memory:x", (), f"DATABASE_URL should look like {EXAMPLES}"),
        (
            "sqlite://host/serve.db",
            (),
            "DATABASE_URL is not a valid sqlite URL (like sqlite:///serve.db)",
        ),
        ("sqlite:///serve%00.db", (), "DATABASE_URL should have no control characters"),
    ],
)
def test_bad_database_url_is_one_line_naming_it(
    tmp_path: Path, command: tuple[str, ...], url: str, blocked: tuple[str, ...], problem: str
) -> None:
    env = {**TOKENS, **without_modules(tmp_path, *blocked), "DATABASE_URL": url}

    result = servebot(*command, cwd=tmp_path, **env)

    assert_one_config_line(result, problem)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "url,problem",
    [
        ("http://", "should name a host (like https://slack.com/api/)"),
        ("http:///api/", "should name a host (like https://slack.com/api/)"),
        ("https://exa mple.com/api/", "should have no spaces, control or non-ASCII characters"),
        ("http://[::1", "is not a valid URL (Invalid IPv6 URL)"),
        ("http://slack.com:99999/api/", "is not a valid URL (Port out of range 0-65535)"),
        ("http://slack..com/api/", "has a malformed host name"),
    ],
)
def test_bad_slack_api_url_is_one_line_naming_it(
    tmp_path: Path, command: tuple[str, ...], url: str, problem: str
) -> None:
    result = servebot(
        *command,
        cwd=tmp_path,
        **TOKENS,
        SLACK_API_URL=url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
    )

    assert_one_config_line(result, f"SLACK_API_URL {problem}")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "url", ["sqlite:///{tmp}/no/such/folder/serve.db", "postgresql+psycopg://u@127.0.0.1:9/db"]
)
def test_database_only_failing_on_connect_is_one_line_and_exit_2(
    tmp_path: Path, command: tuple[str, ...], url: str
) -> None:
    result = servebot(*command, cwd=tmp_path, **TOKENS, DATABASE_URL=url.format(tmp=tmp_path))

    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("servebot: cannot use the database in DATABASE_URL: ")
    assert result.returncode == 2


def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    database = tmp_path / "serve.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from bot.store.db import hold_sqlite_file; "
            f"hold_sqlite_file('sqlite:///{database}'); print('held', flush=True); time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "DATABASE_URL": f"sqlite:///{database}",
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env | {"PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.kill()
        holder.wait()

    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "another Serve process" in line and "PostgreSQL" in line


@pytest.fixture(scope="module")
def workspace_slack() -> Iterator[FakeSlack]:
    """The fake Slack, on real time, with a channel the bot is in and one it is not."""
    fake = FakeSlack().start()
    fake.add_channel("C0DEALS", "deals")
    fake.add_channel("C0OUTSIDE", "outside", bot_is_member=False)
    yield fake
    fake.stop()


def newer_database(path: Path) -> str:
    """A SQLite file whose schema a later Serve made: a revision this code does not know."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0999')")
    engine.dispose()
    return f"sqlite:///{path}"


SECRET = "s3cr3t-tail"
# Each: what is set (`.env` bytes under ".env"; "{tmp}" is the test's folder), and what
# the one line must name. Slack is the fake, with #deals (the bot in it) and #outside.
BAD_SETUPS = {
    "bot token with a newline": ({"SLACK_BOT_TOKEN": f"xoxb-1\n{SECRET}"}, "SLACK_BOT_TOKEN"),
    "app token with a space": ({"SLACK_APP_TOKEN": f"xapp-1 {SECRET}"}, "SLACK_APP_TOKEN"),
    "bot token with a control character": (
        {"SLACK_BOT_TOKEN": f"xoxb-1\x1b{SECRET}"},
        "SLACK_BOT_TOKEN",
    ),
    "binary .env": ({".env": b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"}, ".env"),
    ".env with NUL bytes": ({".env": b"SLACK_BOT_TOKEN=xoxb-1\x00\n"}, ".env"),
    ".env with invalid UTF-8": ({".env": b"TEAM_CHANNEL=caf\xe9\n"}, ".env"),
    ".env line dotenv cannot parse": ({".env": b'DEAL_CHANNELS="deals\nthis is" not\n'}, ".env"),
    "database host that does not resolve": (
        {"DATABASE_URL": "postgresql+psycopg://u@no-such-host.invalid/db"},
        "DATABASE_URL",
    ),
    "PostgreSQL on a closed port": (
        {"DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:9/db"},
        "DATABASE_URL",
    ),
    "read-only SQLite": (
        {"DATABASE_URL": "sqlite:///file:{tmp}/ro.db?mode=ro&uri=true"},
        "DATABASE_URL",
    ),
    "database newer than this Serve": ({"DATABASE_URL": "newer"}, "DATABASE_URL"),
    "deal channel name that does not exist": ({"DEAL_CHANNELS": "deals,#nope"}, "#nope"),
    "deal channel id that does not exist": ({"DEAL_CHANNELS": "C0NOPE"}, "C0NOPE"),
    "team channel the bot is not in": ({"TEAM_CHANNEL": "outside"}, "#outside"),
    "recognition channel id the bot is not in": (
        {"RECOGNITION_CHANNEL": "C0OUTSIDE"},
        "C0OUTSIDE",
    ),
}


@pytest.mark.parametrize("setup", list(BAD_SETUPS))
def test_every_bad_setup_is_one_line_and_exit_2(
    tmp_path: Path, workspace_slack: FakeSlack, setup: str
) -> None:
    given, named = BAD_SETUPS[setup]
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": workspace_slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
    }
    for name, value in given.items():
        if name == ".env":
            assert isinstance(value, bytes)
            (tmp_path / ".env").write_bytes(value)
        elif value == "newer":
            env[name] = newer_database(tmp_path / "newer.db")
        else:
            assert isinstance(value, str)
            env[name] = value.format(tmp=tmp_path)

    result = servebot("run", cwd=tmp_path, **env)

    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("servebot: ")
    assert named in result.stderr and SECRET not in result.stderr
    assert (result.returncode, result.stdout) == (2, "")


def hold_in_another_process(url: str) -> subprocess.Popen[str]:
    """A process that holds Serve's one-process guard on a SQLite file until killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from bot.store.db import hold_sqlite_file; "
            f"hold_sqlite_file({url!r}); print('held', flush=True); time.sleep(60)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("reached_as", ["hard link", "file: URI", "relative path"])
def test_the_sqlite_guard_holds_the_file_however_it_is_named(
    tmp_path: Path, reached_as: str
) -> None:
    database = tmp_path / "serve.db"
    holder = hold_in_another_process(f"sqlite:///{database}")
    try:
        if reached_as == "hard link":
            os.link(database, tmp_path / "other-name.db")
            url = f"sqlite:///{tmp_path / 'other-name.db'}"
        elif reached_as == "file: URI":
            url = f"sqlite:///file:{database}?uri=true"
        else:
            url = "sqlite:///./serve.db"
        result = servebot("run", cwd=tmp_path, **TOKENS, DATABASE_URL=url, PYTHONPATH=str(ROOT))
    finally:
        holder.kill()
        holder.wait()

    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert "another Serve process" in line and f"pid {holder.pid}" in line
    assert result.returncode == 2


def test_report_writes_the_workspaces_chart_and_weekly_figures_or_says_why_not(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    assert servebot("db", "upgrade", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    with create_engine(url).begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO workspaces (team_id, name, created_at) "
            "VALUES ('T0SERVE', 'Serve', '2026-11-01 00:00:00')"
        )

    made = servebot("report", "--team", "T0SERVE", "--out", "out", cwd=tmp_path, DATABASE_URL=url)
    unknown = servebot("report", "--team", "T0NONE", "--out", "out", cwd=tmp_path, DATABASE_URL=url)
    (tmp_path / "taken").write_text("a file, not a folder")
    blocked = servebot(
        "report", "--team", "T0SERVE", "--out", "taken", cwd=tmp_path, DATABASE_URL=url
    )

    assert made.returncode == 0, made.stderr
    assert (tmp_path / "out" / "chart.png").read_bytes().startswith(b"\x89PNG")
    rows = (tmp_path / "out" / "weekly.csv").read_text().splitlines()
    assert rows[0].startswith("week,") and len(rows) == 13
    assert str(tmp_path / "out" / "chart.png") in made.stdout or "out/chart.png" in made.stdout
    # the schema's log lines come first (as for `servebot recognition report`), then the why
    assert unknown.returncode != 0
    assert unknown.stderr.strip().splitlines()[-1] == "servebot report: no workspace T0NONE"
    assert blocked.returncode != 0 and "Traceback" not in blocked.stderr
    assert blocked.stderr.strip().splitlines()[-1].startswith("servebot report: cannot write in")
