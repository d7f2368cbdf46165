"""The `servebot` command as a person runs it: a subprocess, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect


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
