"""The `servebot` command as a person runs it: a subprocess, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

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
    assert "could not connect to Slack at http://127.0.0.1:9/api/" in result.stderr


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
def test_database_only_failing_on_connect_is_exit_1(
    tmp_path: Path, command: tuple[str, ...], url: str
) -> None:
    result = servebot(*command, cwd=tmp_path, **TOKENS, DATABASE_URL=url.format(tmp=tmp_path))

    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("servebot: cannot use the database in DATABASE_URL: ")
    assert result.returncode == 1


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
