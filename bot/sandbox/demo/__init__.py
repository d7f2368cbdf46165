"""`servebot demo`: the whole loop in a terminal, with no Slack workspace. The real bot
runs against the project's fake Slack, on a manual clock and a throwaway database, and
each scene shows what each person would see."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

from rich.console import Console
from rich.text import Text

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
MAX_WIDTH = 100  # Slack's own column is narrower than most terminals


def run(step: bool = False) -> int:
    """Play the story; 0 when every scene went as it should."""
    from bot.sandbox.harness import sandbox

    from .scenes import MONDAY, SETTINGS, DemoFailed, Stage, play, workspace

    _forgiving_output()
    console = Console(highlight=False, emoji=False)
    console.width = min(console.width, MAX_WIDTH)
    thread_errors: list[BaseException] = []
    quiet = _Quiet(thread_errors)
    started = time.monotonic()
    try:
        with quiet, sandbox(start=MONDAY, workspace=workspace, **SETTINGS) as (fake, bot, clock):
            console.print(Text("Serve demo: the real bot, a fake Slack, simulated time.", "bold"))
            stage = Stage(fake, bot, clock, console, _pause(console) if step else _no_pause)
            play(stage)
            if fake.violations:
                raise DemoFailed(f"the bot made a call Slack would reject: {fake.violations[0]}")
            if thread_errors:
                raise DemoFailed(f"a background thread failed: {_first_line(thread_errors[0])}")
    except DemoFailed as error:
        return _fail(f"servebot demo failed: {error}", EXIT_FAILED)
    except KeyboardInterrupt:
        return _fail("servebot demo: interrupted", EXIT_INTERRUPTED)
    except Exception as error:
        return _fail(f"servebot demo failed: {_first_line(error)}", EXIT_FAILED)
    console.print()
    console.print(
        Text(
            f"That was a week of Serve in {time.monotonic() - started:.1f} s. "
            "Nothing was sent to Slack; `servebot run` does it for real (see README.md).",
            style="bold",
        )
    )
    return 0


def _fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _forgiving_output() -> None:
    """Emoji and names print even where the terminal's encoding lacks them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


class _Quiet:
    """No log lines or thread tracebacks among the scenes: a failure is reported once,
    as one line, by the demo itself."""

    def __init__(self, errors: list[BaseException]) -> None:
        self.errors = errors
        self._hook = threading.excepthook

    def __enter__(self) -> None:
        logging.disable(logging.CRITICAL)
        threading.excepthook = self._record

    def __exit__(self, *_exc: object) -> None:
        threading.excepthook = self._hook
        logging.disable(logging.NOTSET)

    def _record(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            self.errors.append(args.exc_value)


def _pause(console: Console) -> Callable[[], None]:
    def wait() -> None:
        console.print(Text("Press Enter for the next scene…", style="dim"), end="")
        try:
            input()
        except EOFError:
            console.print()

    return wait


def _no_pause() -> None:
    return None
