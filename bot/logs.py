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
