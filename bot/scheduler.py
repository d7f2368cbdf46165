"""APScheduler as the in-process timer only: one fixed job that ticks the runner.
Due work lives in the database, so nothing is pickled and replicas never share a job
store; a tick at start-up sends whatever fell due while the bot was down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)
TICK_JOB = "serve-tick"


class Timer:
    def __init__(self, interval_seconds: int, tick: Callable[[], object]) -> None:
        self._tick = tick
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        self._scheduler.add_job(
            self._run_tick,
            "interval",
            seconds=interval_seconds,
            id=TICK_JOB,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )

    def _run_tick(self) -> None:
        try:
            self._tick()
        except Exception:
            log.exception("tick failed; the next one will try again")

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking; a tick under way ends by itself once the runner is stopping."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
