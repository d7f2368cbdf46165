"""Structured logs: one JSON object per line, with the workspace, kind and outcome of
what happened when a line is about Slack work. Tokens never reach a line; what people
wrote is never logged at INFO (callers log ids and outcomes, not text)."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

TOKEN = re.compile(r"\b(xox[abposer]|xapp)-[A-Za-z0-9-]+")
FIELDS = ("workspace", "kind", "outcome", "ms")


def scrub(text: str) -> str:
    """Slack tokens out of a line, whatever put them there."""
    return TOKEN.sub(r"\1-…", text)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class ScrubbedText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure(level: str, as_json: bool) -> None:
    handler = logging.StreamHandler()
    if as_json:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(ScrubbedText("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # two lines a tick otherwise


class HeldBack(logging.Handler):
    """What is logged while a command starts, kept back until it is known whether it
    starts: a setup that cannot start is then one line on stderr with nothing logged
    before it (migrations, Bolt's and slack_sdk's warnings), and one that starts logs it
    all, in order. Past `capacity` records, the rest go straight through."""

    def __init__(self, handlers: list[logging.Handler], capacity: int = 10_000) -> None:
        super().__init__()
        self._handlers = handlers
        self._capacity = capacity
        self._records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self._records) < self._capacity:
            self._records.append(record)
        else:
            _pass_on(record, self._handlers)

    def publish(self) -> None:
        """The command started: log what was held back, and log as before from now on."""
        logging.getLogger().handlers[:] = self._handlers
        records, self._records = self._records, []
        for record in records:
            _pass_on(record, self._handlers)

    def discard(self) -> None:
        """The command cannot start: what was held back is forgotten, unwritten."""
        logging.getLogger().handlers[:] = self._handlers
        self._records = []


def _pass_on(record: logging.LogRecord, handlers: list[logging.Handler]) -> None:
    for handler in handlers:
        if record.levelno >= handler.level:
            handler.handle(record)


def hold_back() -> HeldBack:
    """Hold back every log record from now until `publish` or `discard`."""
    root = logging.getLogger()
    held = HeldBack(list(root.handlers))
    root.handlers[:] = [held]
    return held
