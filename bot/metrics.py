"""What an operator graphs: events handled, sends by outcome, how late due work runs,
and claims held, in Prometheus's text format."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, SystemClock
from bot.store import due
from bot.store.db import Store


class Metrics:
    def __init__(self, clock: Clock | None) -> None:
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._events: Counter[str] = Counter()
        self._work: Counter[tuple[str, str]] = Counter()

    def event_handled(self, kind: str) -> None:
        with self._lock:
            self._events[kind] += 1

    def work_ended(self, kind: str, outcome: str) -> None:
        with self._lock:
            self._work[(kind, outcome)] += 1

    def exposition(self, store: Store) -> str:
        with self._lock:
            events, work = dict(self._events), dict(self._work)
        lines = [
            "# HELP serve_events_handled_total Slack events, commands and interactions acked.",
            "# TYPE serve_events_handled_total counter",
            *(
                f'serve_events_handled_total{{kind="{_label(k)}"}} {n}'
                for k, n in sorted(events.items())
            ),
            "# HELP serve_due_work_total Due work (sends among it) ended, by kind and outcome.",
            "# TYPE serve_due_work_total counter",
            *(
                f'serve_due_work_total{{kind="{_label(k)}",outcome="{_label(o)}"}} {n}'
                for (k, o), n in sorted(work.items())
            ),
        ]
        lag, held = self._backlog(store)
        if lag is not None:
            lines += [
                "# HELP serve_due_work_lag_seconds Wait of the oldest due work not yet claimed.",
                "# TYPE serve_due_work_lag_seconds gauge",
                f"serve_due_work_lag_seconds {lag:.3f}",
                "# HELP serve_claims_held Due work claimed and running (or leased) now.",
                "# TYPE serve_claims_held gauge",
                f"serve_claims_held {held}",
            ]
        return "\n".join(lines) + "\n"

    def _backlog(self, store: Store) -> tuple[float | None, int]:
        now = self.clock.now()
        try:
            with store.reading() as session:
                oldest, held = due.backlog(session, now)
        except SQLAlchemyError:
            return None, 0
        lag = (now - oldest).total_seconds() if oldest is not None else 0.0
        return lag, held


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
