"""`python -m bot.sandbox.replica --clock-file PATH [--http]`: `servebot run` on a clock
that a test or simulation driving several processes writes to PATH. Settings come from
the environment, as for `servebot run`; never for production."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import EXIT_CONFIG, fail, run
from bot.config import SettingsError, load_settings
from bot.logs import configure as configure_logs

from .clock import SharedClock


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox.replica", description=__doc__)
    parser.add_argument("--clock-file", required=True, help="the file holding the time")
    parser.add_argument("--http", action="store_true", help="serve HTTP, as servebot run --http")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        return fail(error.one_line(), EXIT_CONFIG)
    configure_logs(settings.log_level, as_json=settings.log_format == "json")
    return run(settings, http=args.http, clock=SharedClock(args.clock_file))


if __name__ == "__main__":
    sys.exit(main())
