"""`servebot demo` as a person runs it, and the sandbox it runs on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.harness import sandbox

SCENES = [
    "Scene 1: A deal is announced in #deals",
    "Scene 2: Three days later, Alice's check-in",
    "Scene 3: Alice reached out: the customer needs help",
    "Scene 4: The team is asked for a hand",
    "Scene 5: /serve and the App Home",
    "Scene 6: Thursday's prompt: Carol tells a story",
    "Scene 7: Friday's digest in #wins",
]
ANSI = re.compile(r"\x1b|\x9b")


def servebot(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m bot …` with nothing in the environment but PATH and a HOME of its own
    beside `cwd` (where the plotting library keeps its font cache, as for any user)."""
    home = cwd.parent / f"{cwd.name}-home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_demo_plays_every_scene_with_no_tokens_env_or_network(tmp_path: Path) -> None:
    started = time.monotonic()
    result = servebot("demo", cwd=tmp_path)
    print(f"servebot demo took {time.monotonic() - started:.1f} s")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    for scene in SCENES:
        assert scene in out
    assert out.index(SCENES[0]) < out.index(SCENES[-1])
    assert "Closed Acme Corp, 2-year plan" in out and "Noted a closed deal with Acme Corp" in out
    assert "DM from Serve" in out and "Alice sees" in out
    assert "It's been a few days since Acme Corp signed" in out
    assert "[ I reached out ]" in out and "(•) Needs help" in out
    assert "Help given unasked" in out and "@bob helped Acme Corp" in out
    assert not ANSI.search(out), "colour codes in piped output"
    # the one file it leaves is the chart it says it wrote, beside its output
    assert [p.name for p in tmp_path.iterdir()] == ["serve-demo-chart.png"]
    chart = tmp_path / "serve-demo-chart.png"
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"this folder: {chart.name}" in " ".join(out.split())  # however the lines wrap


def test_step_waits_for_enter_between_scenes(tmp_path: Path) -> None:
    result = servebot("demo", "--step", cwd=tmp_path, stdin="\n" * 6)

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Press Enter for the next scene") == 6
    assert SCENES[-1] in result.stdout


def test_sandbox_ignores_the_environment_and_dotenv_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("RECOGNITION_CHANNEL=wins\nDATABASE_URL=sqlite:///x.db\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("DEAL_CHANNELS", "deals")
    monkeypatch.setenv("SLACK_API_URL", "https://slack.invalid/api/")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    start = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)

    def workspace(fake: Any) -> None:
        fake.add_user("U0ALICE", "alice", tz="Europe/Paris")
        fake.add_channel("C0TEAM", "team", members=["U0ALICE"])

    with sandbox(start, workspace, team_channel="C0TEAM") as (
        fake,
        running,
        clock,
    ):
        chosen = running.settings
        assert chosen.slack_bot_token == "xoxb-fake-serve-bot-token"
        assert chosen.slack_api_url == fake.api_url
        assert (chosen.team_channel, chosen.recognition_channel) == ("C0TEAM", "")
        assert chosen.deal_channels == ()
        assert clock.now() == start
        assert fake.connections == 1 and "U0ALICE" in fake.users
        database = Path(running.settings.database_url.removeprefix("sqlite:///"))
        assert database.exists()
        clock.advance(timedelta(days=1))
        running.tick()

    assert not database.parent.exists()
    assert os.environ["HTTPS_PROXY"] == "http://127.0.0.1:9"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]
