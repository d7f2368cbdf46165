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
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn

from bot.clock import Clock, SystemClock
from bot.config import SETUP_HINT, Settings, SettingsError, load_settings
from bot.logs import configure as configure_logs
from bot.logs import hold_back

if TYPE_CHECKING:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.app import RunningBot
    from bot.store.db import SchemaFromNewerServe, SQLiteInUse, Store

EXIT_CONFIG = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
STOP_GRACE_SECONDS = 5.0
STOP_DEADLINE_SECONDS = 8.0
log = logging.getLogger("servebot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="servebot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run_parser = commands.add_parser("run", help="connect to Slack over Socket Mode and serve")
    run_parser.add_argument(
        "--http",
        action="store_true",
        help="serve Slack's requests over HTTP on PORT instead (/slack/events, /healthz, /metrics)",
    )
    db = commands.add_parser("db", help="manage the database schema")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply every new migration")
    recognition = commands.add_parser("recognition", help="how well Serve reads deal posts")
    recognition.add_argument(
        "action", choices=["report"], help="report: precision and recall on labelled messages"
    )
    recognition.add_argument("--team", help="one workspace's id (default: every workspace)")
    crm = commands.add_parser("crm", help="set up CRM webhooks (HubSpot, Salesforce)")
    crm.add_argument(
        "action",
        choices=["secret"],
        help="secret: keep a workspace's webhook secret (hubspot-app is read from stdin; "
        "hubspot-key and salesforce are made up and printed once)",
    )
    crm.add_argument("name", choices=["hubspot-app", "hubspot-key", "salesforce"])
    crm.add_argument("--team", required=True, help="the workspace's id (T0123…)")
    demo = commands.add_parser("demo", help="watch a week of Serve against a fake Slack")
    demo.add_argument("--step", action="store_true", help="wait for Enter between scenes")
    _add_simulate(commands)
    report = commands.add_parser(
        "report", help="write a workspace's 12-week chart (chart.png) and figures (weekly.csv)"
    )
    report.add_argument("--team", required=True, help="the workspace's id (T0123…)")
    report.add_argument("--out", required=True, help="the folder to write them in")
    args = parser.parse_args(argv)
    if args.command == "demo":  # needs no settings: the demo makes its own
        from bot.sandbox.demo import run as run_demo

        return run_demo(step=args.step)
    try:
        settings = load_settings()
    except SettingsError as error:
        return fail(error.one_line(), EXIT_CONFIG)
    configure_logs(settings.log_level, as_json=settings.log_format == "json")
    if args.command == "db":
        return upgrade_database(settings)
    if args.command == "recognition":
        return recognition_report(settings, args.team)
    if args.command == "crm":
        return crm_secret(settings, args.name, args.team)
    if args.command == "simulate":
        return simulate(settings, args)
    if args.command == "report":
        return weekly_report(settings, args.team, args.out)
    return run(settings, http=args.http)


def _add_simulate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sim = commands.add_parser(
        "simulate", help="preview what Serve would send a team, on a fake Slack and clock"
    )
    sim.add_argument("--people", type=int, default=50, help="team size (default 50)")
    sim.add_argument("--weeks", type=int, default=26, help="span in weeks (default 26)")
    sim.add_argument("--deals-per-week", type=int, default=5, help="closed deals a week")
    sim.add_argument("--zones", help="time zones, comma-separated (default: six continents)")
    sim.add_argument("--answer-rate", type=float, default=0.6, help="check-ins answered, 0-1")
    sim.add_argument("--away-rate", type=float, default=0.08, help="weeks on vacation, 0-1")
    sim.add_argument("--story-rate", type=float, default=0.15, help="prompts answered, 0-1")
    sim.add_argument("--seed", type=int, default=1, help="the same seed, the same run")
    sim.add_argument(
        "--from-database",
        action="store_true",
        help="use a workspace's settings from DATABASE_URL instead of the environment's",
    )
    sim.add_argument("--team", help="with --from-database: which workspace (default: the first)")
    sim.add_argument("--json", action="store_true", help="print one JSON object")


def simulate(settings: Settings, args: argparse.Namespace) -> int:
    """Exit 0 when nothing was sent at a bad time, 1 when something was."""
    from bot.sandbox.simulation import DEFAULT_ZONES, Scenario, schedule_of
    from bot.sandbox.simulation import simulate as run_simulation

    zones = tuple(z.strip() for z in (args.zones or "").split(",") if z.strip())
    scenario = Scenario(
        people=args.people,
        weeks=args.weeks,
        deals_per_week=args.deals_per_week,
        zones=zones or DEFAULT_ZONES,
        answer_rate=args.answer_rate,
        away_rate=args.away_rate,
        story_rate=args.story_rate,
        seed=args.seed,
    )
    if problems := scenario.problems():
        return fail(f"servebot simulate: {'; '.join(problems)}", EXIT_CONFIG)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        workspace = workspace_settings(settings, args.team) if args.from_database else None
    except (SQLAlchemyError, LookupError) as error:
        return fail(f"servebot simulate: {error}", EXIT_FAILED)
    logging.getLogger().setLevel(logging.CRITICAL)  # the report is the output
    report = run_simulation(scenario, schedule_of(settings, workspace))
    print(report.as_json() if args.json else "\n".join(report.lines()))
    bad = report.outside_working_hours + report.weekend_or_holiday + report.while_away
    return EXIT_FAILED if bad else 0


def workspace_settings(settings: Settings, team: str | None) -> Settings:
    """The settings a workspace in DATABASE_URL runs by (the first, unless named)."""
    from bot.services.workspaces import settings_for
    from bot.store.db import Store
    from bot.store.workspaces import team_ids

    store = Store(settings.database_url)
    try:
        with store.session() as session:
            teams = team_ids(session)
        chosen = team or (teams[0] if teams else None)
        if chosen is None or chosen not in teams:
            raise LookupError(
                f"no workspace {chosen or ''} in {redact(settings.database_url)}".replace("  ", " ")
            )
        return settings_for(store, chosen, settings)
    finally:
        store.close()


def weekly_report(settings: Settings, team_id: str, out: str) -> int:
    """The picture for leads outside Slack: the same chart as the digest's, and a CSV of
    the 12 weeks' figures, written into `out`."""
    import csv
    import io
    from pathlib import Path

    from sqlalchemy.exc import SQLAlchemyError

    from bot.services import weekly
    from bot.services.stories import week_of
    from bot.services.workspaces import settings_for
    from bot.store.workspaces import team_ids
    from bot.views.chart import render_png

    try:
        store = open_holding_logs(settings)
    except CannotStart as failure:
        return fail(failure.line, failure.code)
    try:
        with store.session() as session:
            known = team_ids(session)
        if team_id not in known:
            return fail(f"servebot report: no workspace {team_id}", EXIT_CONFIG)
        chosen = settings_for(store, team_id, settings)
        zone = weekly.zone_of(chosen)
        history = weekly.history(store, team_id, week_of(datetime.now(UTC), zone), zone)
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    finally:
        store.close()
    folder = Path(out)
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["week", *weekly.FIGURES])
    for week in history.weeks:
        writer.writerow([week.week, *(getattr(week, name) for name in weekly.FIGURES)])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "chart.png").write_bytes(render_png(history))
        (folder / "weekly.csv").write_text(table.getvalue(), encoding="utf-8")
    except OSError as error:
        return fail(f"servebot report: cannot write in {folder}: {error.strerror}", EXIT_FAILED)
    print(f"servebot report: wrote {folder / 'chart.png'} and {folder / 'weekly.csv'}")
    return 0


def fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


class CannotStart(Exception):
    """The command cannot start: `line` says why, in one line, and `code` is its exit code."""

    def __init__(self, line: str, code: int) -> None:
        super().__init__(line)
        self.line = line
        self.code = code


def open_holding_logs(settings: Settings) -> Store:
    """The database for a one-shot command: its start-up log lines are shown once it
    opened, and dropped when it could not (the one line saying why is enough)."""
    held = hold_back()
    try:
        return open_database(settings)
    except CannotStart:
        held.discard()
        raise
    finally:
        held.publish()


def upgrade_database(settings: Settings) -> int:
    try:
        open_holding_logs(settings).close()
    except CannotStart as failure:
        return fail(failure.line, failure.code)
    print(f"servebot: database is up to date ({redact(settings.database_url)})")
    return 0


def recognition_report(settings: Settings, team_id: str | None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.services.labels import recognition_report as read_again
    from bot.views.report import report_lines

    try:
        store = open_holding_logs(settings)
    except CannotStart as failure:
        return fail(failure.line, failure.code)
    try:
        report = read_again(store, team_id)
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    finally:
        store.close()
    print("\n".join(report_lines(report, team_id)))
    return 0


def crm_secret(settings: Settings, name: str, team_id: str) -> int:
    """Keep one workspace's CRM webhook secret in the database. The HubSpot app's
    secret is HubSpot's, read from stdin so it never shows in a process list; the others
    Serve makes up, and prints once: only the CRM's setup needs to see them again."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.config import parse_secret
    from bot.services.crm import SecretName, set_secret
    from bot.webhooks import TEAM_ID

    if not TEAM_ID.fullmatch(team_id):
        return fail(
            "servebot crm secret: --team should be a workspace id, like T0123ABCD", EXIT_CONFIG
        )
    chosen = SecretName(name)
    given = None
    if not chosen.made_by_serve:
        try:
            given = parse_secret(sys.stdin.readline().strip())
        except ValueError as error:
            return fail(f"servebot crm secret: the HubSpot app secret {error}", EXIT_CONFIG)
        if not given:
            return fail("servebot crm secret: give the HubSpot app's secret on stdin", EXIT_CONFIG)
    try:
        store = open_database(settings)
    except CannotStart as failure:
        return fail(failure.line, failure.code)
    try:
        value = set_secret(store, SystemClock(), team_id, chosen, given)
    except SQLAlchemyError as error:
        return fail(database_problem(error), EXIT_FAILED)
    finally:
        store.close()
    print(value if chosen.made_by_serve else f"servebot: kept {name} for {team_id}")
    return 0


def open_database(settings: Settings) -> Store:
    """The database in DATABASE_URL, its schema brought up to date; CannotStart (exit 2)
    when it cannot be reached, written to, or was made by a newer Serve."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import SchemaFromNewerServe, Store

    try:
        store = Store(settings.database_url)
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
    except SchemaFromNewerServe as error:
        raise CannotStart(newer_schema_problem(error), EXIT_CONFIG) from None
    except SQLAlchemyError as error:
        raise CannotStart(database_problem(error), EXIT_CONFIG) from None
    return store


def run(settings: Settings, http: bool = False, clock: Clock | None = None) -> int:
    """Serve until SIGTERM or Ctrl-C; `clock` is real time unless a sandbox says. Until
    the bot has started, what is logged is held back: a setup that cannot start is the
    one line saying why."""
    problems = settings.http_problems() if http else settings.socket_mode_problems()
    if problems:
        return fail(SettingsError(problems).one_line(), EXIT_CONFIG)
    held = hold_back()
    try:
        bot = start(settings, http, clock or SystemClock())
    except CannotStart as failure:
        held.discard()
        return fail(failure.line, failure.code)
    finally:
        held.publish()
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if stopping.is_set():
            os._exit(EXIT_INTERRUPTED)  # asked twice: now
        stopping.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    stopping.wait()
    stop_within(bot, STOP_DEADLINE_SECONDS)


def start(settings: Settings, http: bool, clock: Clock) -> RunningBot:
    """The bot, started: what is local checked first (the SQLite file free, the database
    reachable and its schema up to date), then Slack's setup (one workspace's), then the
    connection. CannotStart says why not."""
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError, SlackClientError
    from sqlalchemy.exc import SQLAlchemyError

    from bot.app import RunningBot
    from bot.store.db import SchemaFromNewerServe, SQLiteInUse, hold_sqlite_file

    tokens = "SLACK_BOT_TOKEN" if http else "SLACK_BOT_TOKEN and SLACK_APP_TOKEN"
    if settings.many_workspaces:
        tokens = "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
    try:
        hold_sqlite_file(settings.database_url)
        open_database(settings).close()
        if not settings.many_workspaces:
            check_slack_setup(settings, clock)
        return RunningBot(settings, clock, "http" if http else "socket_mode").start()
    except SQLiteInUse as error:
        raise CannotStart(sqlite_in_use(error), EXIT_CONFIG) from None
    except SchemaFromNewerServe as error:
        raise CannotStart(newer_schema_problem(error), EXIT_CONFIG) from None
    except SQLAlchemyError as error:
        raise CannotStart(database_problem(error), EXIT_CONFIG) from None
    except OSError as error:
        if http and "address" in str(error).lower():
            line = f"servebot: cannot serve HTTP on port {settings.port}: {error}"
            raise CannotStart(line, EXIT_FAILED) from None
        raise CannotStart(slack_problem(settings, tokens, error), EXIT_FAILED) from None
    except (BoltError, SlackApiError, SlackClientError) as error:
        raise CannotStart(slack_problem(settings, tokens, error), EXIT_FAILED) from None


def check_slack_setup(settings: Settings, clock: Clock) -> None:
    """CannotStart (exit 2) when the bot token is refused or a channel the settings name
    is missing or lacks the bot."""
    from bot.slack_api import listener_client
    from bot.slack_setup import slack_setup_problems

    problems = slack_setup_problems(listener_client(settings, clock), settings, clock)
    if problems:
        raise CannotStart(SettingsError(problems).one_line(), EXIT_CONFIG)


def sqlite_in_use(error: SQLiteInUse) -> str:
    holder = f" (pid {error.pid})" if error.pid else ""
    return (
        f"servebot: another Serve process{holder} is using {error.path}; a SQLite file is "
        "for one process only. To run several, use PostgreSQL "
        "(DATABASE_URL=postgresql+psycopg://…)."
    )


def newer_schema_problem(error: SchemaFromNewerServe) -> str:
    return (
        "servebot: cannot use the database in DATABASE_URL: its schema is at revision "
        f"{', '.join(error.revisions)}, which a newer Serve made; run that Serve, or "
        "restore a backup"
    )


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


def slack_problem(settings: Settings, tokens: str, error: BaseException) -> str:
    return (
        f"servebot: could not connect to Slack at {settings.slack_api_url}: "
        f"{first_line(error)}. Check {tokens}. {SETUP_HINT}"
    )


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
