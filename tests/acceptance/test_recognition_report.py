"""`servebot recognition report` as an admin runs it: how well Serve reads the
workspace's own labelled messages, printed from the database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.store import labels
from bot.store.db import Store
from bot.store.models import Deal, Label, Workspace


def servebot_report(database_url: str, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "recognition", "report", *extra],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_recognition_report_on_a_fresh_database_says_there_is_nothing_to_score(
    tmp_path: Path,
) -> None:
    result = servebot_report(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)

    assert result.returncode == 0, result.stderr
    assert "messages logged as a closed deal: 0" in result.stdout
    assert "Nothing to score yet" in result.stdout
    assert "Traceback" not in result.stderr


def test_recognition_report_prints_the_workspace_figures(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    store = Store(url)
    store.upgrade()
    now = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    posts = {
        "1.1": ("Closed Acme Corp :tada:", None),
        "1.2": ("Signed Globex, $40k", None),
        "1.3": ("the ink is dry on northwind", Label.DEAL),
        "1.4": ("Closed the loop with Initech", Label.NOT_A_DEAL),
        "1.5": ("Closed the Hooli deal-desk review", Label.NOT_A_DEAL),
    }
    with store.session() as session:
        session.add(Workspace(team_id="T0SERVE", created_at=now))
        session.flush()
        for ts, (text, said) in posts.items():
            message = {"type": "message", "user": "U0ALICE", "text": text, "ts": ts}
            if said is None:
                session.add(
                    Deal(
                        team_id="T0SERVE",
                        channel_id="C0DEALS",
                        message_ts=ts,
                        customer="x",
                        announcement=message,
                        closed_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
            else:
                labels.label(session, "T0SERVE", "C0DEALS", ts, said, message, "U0BOB", now)
    store.close()

    result = servebot_report(url, tmp_path, "--team", "T0SERVE")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  precision: 67% (2 of 3 read as deals were)" in lines
    assert "  recall:    67% (2 of 3 deals were read)" in lines
    assert '  missed      "the ink is dry on northwind"' in lines
    assert any(
        line.startswith('  false alarm "Closed the Hooli deal-desk review"') for line in lines
    )
    assert not any("Initech" in line for line in lines)  # read rightly: not a deal
