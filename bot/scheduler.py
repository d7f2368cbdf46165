"""APScheduler as the in-process timer only: one fixed job that ticks the runner.
Due work lives in the database, so nothing is pickled and replicas never share a job
store; a tick at start-up sends whatever fell due while the bot was down."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)
TICK_JOB = "serve-tick"


class Timer:
    def __init__(self, interval_seconds: int, tick: Callable[[], object]) -> None:
        self._tick = tick
        self._lock = threading.Lock()
        self._ticking = 0  # runs of the job under way
        self.ticked = threading.Event()  # set once the first run (at start) has ended
        self._again = False  # woken while a tick ran: tick once more when it ends
        # A wake that comes as a run is returning, after it looked for one, starts
        # another: APScheduler would skip it with one instance allowed, and the woken
        # work would wait for the interval. The one thread still runs them in turn.
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 2, "misfire_grace_time": None},
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

    def wake(self) -> None:
        """Tick now rather than at the next interval: work was queued that someone is
        waiting to see (a deal's thread reply). Woken during a tick, that tick runs once
        more when it ends, so nothing queued meanwhile waits for the interval."""
        with self._lock:
            if self._ticking:
                self._again = True
                return
        if self._scheduler.running:
            self._scheduler.modify_job(TICK_JOB, next_run_time=datetime.now(UTC))

    def _run_tick(self) -> None:
        with self._lock:
            self._ticking += 1
            self._again = False
        try:
            while True:
                try:
                    self._tick()
                except Exception:
                    log.exception("tick failed; the next one will try again")
                with self._lock:
                    if not self._again:
                        self._ticking -= 1
                        self.ticked.set()
                        return
                    self._again = False
        except BaseException:
            with self._lock:
                self._ticking -= 1
            self.ticked.set()
            raise

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking; a tick under way ends by itself once the runner is stopping."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
