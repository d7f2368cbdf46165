"""`servebot`: run the bot, manage its database, see how well it reads deal posts, or
watch a demo."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.config import SETUP_HINT, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.app import RunningBot

EXIT_CONFIG = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
STOP_GRACE_SECONDS = 5.0
STOP_DEADLINE_SECONDS = 8.0
log = logging.getLogger("servebot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="servebot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="connect to Slack over Socket Mode and serve")
    db = commands.add_parser("db", help="manage the database schema")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply every new migration")
    recognition = commands.add_parser("recognition", help="how well Serve reads deal posts")
    recognition.add_argument(
        "action", choices=["report"], help="report: precision and recall on labelled messages"
    )
    recognition.add_argument("--team", help="one workspace's id (default: every workspace)")
    demo = commands.add_parser("demo", help="watch a week of Serve against a fake Slack")
    demo.add_argument("--step", action="store_true", help="wait for Enter between scenes")
    args = parser.parse_args(argv)
    if args.command == "demo":  # needs no settings: the demo makes its own
        from bot.demo import run as run_demo

        return run_demo(step=args.step)
    try:
        settings = load_settings()
    except SettingsError as error:
        return fail(error.one_line(), EXIT_CONFIG)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "db":
        return upgrade_database(settings)
    if args.command == "recognition":
        return recognition_report(settings, args.team)
    return run(settings)


def fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


def upgrade_database(settings: Settings) -> int:
    from bot.store.db import Store

    try:
        store = Store(settings.database_url)
        store.upgrade()
        store.close()
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    print(f"servebot: database is up to date ({redact(settings.database_url)})")
    return 0


def recognition_report(settings: Settings, team_id: str | None) -> int:
    from bot.services.labels import recognition_report as read_again
    from bot.store.db import Store
    from bot.views.report import report_lines

    try:
        store = Store(settings.database_url)
        store.upgrade()
        report = read_again(store, team_id)
        store.close()
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    print("\n".join(report_lines(report, team_id)))
    return 0


def run(settings: Settings) -> int:
    problems = settings.socket_mode_problems()
    if problems:
        return fail(SettingsError(problems).one_line(), EXIT_CONFIG)
    from bot.app import RunningBot

    try:
        bot = RunningBot(settings).start()
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    except (BoltError, SlackApiError, SlackClientError, OSError) as error:
        return fail(
            f"servebot: could not connect to Slack at {settings.slack_api_url}: "
            f"{first_line(error)}. Check SLACK_BOT_TOKEN and SLACK_APP_TOKEN. {SETUP_HINT}",
            EXIT_FAILED,
        )
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stopping.is_set():
            os._exit(EXIT_INTERRUPTED)  # asked twice: now
        stopping.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    stopping.wait()
    stop_within(bot, STOP_DEADLINE_SECONDS)


def stop_within(bot: RunningBot, deadline: float) -> NoReturn:
    """Stop gracefully, but leave within `deadline` seconds whatever Slack does: work
    still running is handed back to be retried, so nothing is lost."""
    log.info("stopping: finishing running work for up to %s s", STOP_GRACE_SECONDS)
    stopper = threading.Thread(target=bot.stop, args=(STOP_GRACE_SECONDS,), daemon=True)
    stopper.start()
    stopper.join(deadline)
    if stopper.is_alive():
        log.warning("still stopping after %s s; leaving anyway", deadline)
    log.info("stopped")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # threads still waiting on Slack must not hold the process open


def database_problem(error: SQLAlchemyError) -> str:
    return f"servebot: cannot use the database in DATABASE_URL: {first_line(error)}"


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def redact(url: str) -> str:
    """A database URL without its password, fit for a log line."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable URL)"


if __name__ == "__main__":
    sys.exit(main())
