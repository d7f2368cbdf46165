"""The due-work runner: one way to run whatever has fallen due.

It claims due rows with a lease, hands each to the handler registered for its kind on
a small pool of threads, then finishes it, retries it with backoff, or fails it with the
reason stored. It knows nothing of check-ins, prompts or digests: a new kind of due work
is one handler and one `register` call. Handlers say how an attempt ended by returning
(done) or raising `Later`, `Retry` or `GiveUp`."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.store import due
from bot.store.db import Store
from bot.store.models import DueWork

log = logging.getLogger(__name__)
SETTLE = timedelta(minutes=1)


class Later(Exception):
    """Not now, and not a failure (rate limited, the recipient away): run again at `at`
    without counting the attempt. With `holds_kind`, whatever else of this kind is due
    for the workspace before then waits until then too (a rate limit holds them all)."""

    def __init__(self, at: datetime, why: str, holds_kind: bool = False) -> None:
        super().__init__(why)
        self.at = at
        self.why = why
        self.holds_kind = holds_kind


class Retry(Exception):
    """This attempt failed in a way that may pass (a timeout, a 5xx): retry with backoff.
    `soon`: a failure that is usually gone a moment later (Slack's 5xx), so the first few
    retries come within seconds (`RetryPolicy.soon`)."""

    def __init__(self, why: str = "", soon: bool = False) -> None:
        super().__init__(why)
        self.soon = soon


class GiveUp(Exception):
    """This work can never succeed (the channel is gone): fail it with the reason stored."""


@dataclass(frozen=True)
class Job:
    """A claimed row of due work, as its handler sees it."""

    id: int
    kind: str
    team_id: str
    subject_id: int | None
    period: str | None
    recipient: str | None
    send_key: str
    attempt: int
    started_at: datetime
    progress: Mapping[str, Any] = field(default_factory=dict)
    tried: tuple[datetime, datetime] | None = None
    claim_ends: datetime | None = None
    # what its kind's `prepare` took for it in the claim's unit of work, if anything
    prepared: object = None

    @property
    def may_have_run_before(self) -> bool:
        """An earlier attempt was claimed and may have taken effect before it was lost."""
        return self.attempt > 1

    @property
    def earlier_attempts(self) -> tuple[datetime, datetime] | None:
        """When earlier attempts that may have taken effect ran, if any did and nobody has
        looked since: the only time in which to look for what they did."""
        return self.tried

    @classmethod
    def of(cls, work: DueWork, now: datetime) -> Job:
        return cls(
            id=work.id,
            kind=work.kind,
            team_id=work.team_id,
            subject_id=work.subject_id,
            period=work.period,
            recipient=work.recipient,
            send_key=work.send_key,
            attempt=work.attempts,
            started_at=work.started_at or now,
            progress=dict(work.progress or {}),
            tried=_window(work),
            claim_ends=work.due_at,  # as claimed: the lease's end
        )


def _window(work: DueWork) -> tuple[datetime, datetime] | None:
    if work.tried_until is None:
        return None
    return (work.tried_from or work.started_at or work.tried_until, work.tried_until)


@dataclass(frozen=True)
class RetryPolicy:
    """30 s, 1 min, 2 min … up to an hour between failed attempts; give up after eight.
    A failure that is usually gone at once (`Retry.soon`) is retried after 1, 2, then 4 s
    the first `soon_tries` times, and like the others after that."""

    first_wait: timedelta = timedelta(seconds=30)
    soon: timedelta = timedelta(seconds=1)
    soon_tries: int = 3
    longest_wait: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def wait(self, attempt: int, soon: bool = False) -> timedelta:
        if soon and attempt <= self.soon_tries:
            return self.soon * (1 << max(0, attempt - 1))
        return min(self.longest_wait, self.first_wait * (1 << max(0, attempt - 1)))


@dataclass(frozen=True)
class Done:
    """A handler's work done, with what it did to record (a DM's ts, the check-in it
    sent) in the unit of work that ends the claim: one commit for both. Recorded even if
    the claim ran out meanwhile, as the work did take effect."""

    note: str = ""
    record: Callable[[Session], None] = lambda session: None


Handler = Callable[[Job], str | Done | None]
OnFailure = Callable[[Job, str], None]


Prepare = Callable[[Session, Job], object]


@dataclass(frozen=True)
class Kind:
    run: Handler
    on_failure: OnFailure | None = None
    prepare: Prepare | None = None


class Runner:
    """Runs due work on up to `concurrency` threads, started only as work falls due, and
    at most `per_workspace` of them on one workspace's work at once: sends scale with the
    number of workspaces, each held to what its own Slack limits allow."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        concurrency: int = 4,
        lease: timedelta = timedelta(minutes=5),
        retry: RetryPolicy = RetryPolicy(),
        per_workspace: int | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.lease = lease
        self.retry = retry
        self.concurrency = concurrency
        self.per_workspace = min(per_workspace or concurrency, concurrency)
        self._kinds: dict[str, Kind] = {}
        self.observe: Callable[[str, str], None] = lambda kind, outcome: None  # metrics
        lock = threading.RLock()
        self._state = threading.Condition(lock)  # the tick and `stop` wait on it
        # the idle threads wait on this one, woken one per job, not all at every change
        self._work_ready = threading.Condition(lock)
        self._reserved = 0  # slots held for a claim under way
        self._queued: dict[int, Job] = {}  # claimed, waiting for a thread, in claim order
        self._running: dict[int, Job] = {}
        self._by_team: Counter[str] = Counter()  # queued and running, by workspace
        self._running_by_team: Counter[str] = Counter()
        self._ended = 0  # jobs ended so far, so a claim that found nothing can wait for one
        self._stopping = threading.Event()
        self._one_tick_at_a_time = threading.Lock()
        self._workers: list[threading.Thread] = []

    def register(
        self,
        kind: str,
        run: Handler,
        on_failure: OnFailure | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        """`on_failure` hears of work given up for good, to leave its subject tidy.
        `prepare` takes, in the claim's own unit of work, what the job would otherwise
        take in one of its own before it sends (a person's week's message): one commit
        fewer for each; its result is the job's `prepared`. One that fails leaves the job
        to take it itself."""
        self._kinds[kind] = Kind(run, on_failure, prepare)

    def save_progress(self, job: Job, progress: Mapping[str, Any]) -> None:
        """Record what the job has done so far; stop it if its claim was lost meanwhile."""
        with self.store.session() as session:
            if not due.save_progress(session, job.id, job.attempt, dict(progress)):
                raise GiveUp("its claim was lost; another attempt carries on")

    def looked(self, job: Job) -> None:
        """What the job's earlier attempts did is known now: a later failure of this one
        need not look there again."""
        with self.store.session() as session:
            if not due.looked(session, job.id, job.attempt):
                raise GiveUp("its claim was lost; another attempt carries on")

    @property
    def threads(self) -> int:
        """Threads started so far: no more than the most work that was due at once."""
        with self._state:
            return len(self._workers)

    def tick(self) -> int:
        """Run what is due until nothing more is, or the runner is stopping; returns how
        many rows were taken. Returns once the work it started has ended."""
        with self._one_tick_at_a_time:
            taken = 0
            while free := self._reserve_slots():
                jobs: list[Job] = []
                with self._state:
                    ended, busy_teams = self._ended, self._full_teams()
                try:
                    jobs = self._claim(free, busy_teams)
                finally:
                    started = self._queue(jobs, free)
                taken += started
                if not started and not self._wait_for_room(ended, busy_teams):
                    break
            with self._state:
                self._state.wait_for(lambda: self._busy == 0 or self._stopping.is_set())
            return taken

    def stop(self, grace: float) -> bool:
        """Claim nothing more and give running work up to `grace` seconds to end. True
        when all of it did. Work not yet started is handed back as it was; claims on work
        still running are handed back due again shortly: long enough for a message it may
        have sent to show up in Slack, so the next attempt finds it instead of sending it
        again."""
        self._stopping.set()
        with self._state:
            self._state.notify_all()
            self._work_ready.notify_all()
            ended = self._state.wait_for(lambda: self._busy == 0, grace)
            unstarted, running = list(self._queued.values()), list(self._running.values())
            self._queued.clear()
            for job in unstarted:
                self._left(job.team_id, ran=False)
        self._hand_back(unstarted, started=False)
        self._hand_back(running, started=True)
        return ended

    @property
    def _busy(self) -> int:
        return self._reserved + len(self._queued) + len(self._running)

    def _full_teams(self) -> list[str]:
        """Workspaces with as much claimed as they may run at once: the claim skips them."""
        return [team for team, held in self._by_team.items() if held >= self.per_workspace]

    def _wait_for_room(self, ended: int, busy_teams: list[str]) -> bool:
        """After a claim that found nothing: False if it skipped no workspace (nothing more
        is due); else wait until one it skipped has room again, and True."""

        def room() -> bool:
            return self._stopping.is_set() or any(
                self._by_team[team] < self.per_workspace for team in busy_teams
            )

        with self._state:
            if not busy_teams:
                return False  # nothing was skipped: nothing more is due
            self._state.wait_for(lambda: self._ended != ended and room())
            return not self._stopping.is_set()

    def _reserve_slots(self) -> int:
        """Wait until half the threads are free, so rows are claimed a few at a time, and
        hold the free ones for the claim; 0 once the runner is stopping."""
        batch = max(1, self.concurrency // 2)
        with self._state:
            self._state.wait_for(
                lambda: self.concurrency - self._busy >= batch or self._stopping.is_set()
            )
            if self._stopping.is_set():
                return 0
            free = self.concurrency - self._busy
            self._reserved += free
            return free

    def _queue(self, jobs: list[Job], reserved: int) -> int:
        """Hand claimed jobs to the threads, or back to the table if stopping meanwhile;
        start threads while there is more work than threads to run it."""
        with self._state:
            self._reserved -= reserved
            stopping = self._stopping.is_set()
            if not stopping:
                for job in jobs:
                    self._queued[job.id] = job
                    self._by_team[job.team_id] += 1
                wanted = min(self.concurrency, len(self._queued) + len(self._running))
                while len(self._workers) < wanted:
                    worker = threading.Thread(
                        target=self._work_loop, name=f"serve-runner-{len(self._workers)}"
                    )
                    worker.daemon = True
                    worker.start()
                    self._workers.append(worker)
                self._work_ready.notify(len(jobs))
            self._state.notify_all()
        if stopping:
            self._hand_back(jobs, started=False)
            return 0
        return len(jobs)

    def _hand_back(self, jobs: list[Job], started: bool) -> None:
        """Give claims back: at once if the work never started, else after `SETTLE`."""
        for job in jobs:
            if started:
                at, why = self.clock.now() + SETTLE, "stopped while running"
            else:
                at, why = self.clock.now(), "stopped before it ran"
            self._end(due.retry_at, job, at, why, started, at if started else None)

    def _claim(self, limit: int, busy_teams: list[str]) -> list[Job]:
        """Claim and prepare in one unit of work; if a preparation fails, none of it
        happened: claim again, leaving each job to take what it needs itself."""
        now = self.clock.now()
        try:
            return self._claim_now(now, limit, busy_teams, prepare=True)
        except Exception:
            log.exception("could not prepare the work claimed: claiming it bare")
            return self._claim_now(now, limit, busy_teams, prepare=False)

    def _claim_now(
        self, now: datetime, limit: int, busy_teams: list[str], prepare: bool
    ) -> list[Job]:
        with self.store.session() as session:
            claimed = due.claim(session, now, self.lease, limit, self.per_workspace, busy_teams)
            jobs = [Job.of(work, now) for work in claimed]
            return [self._prepared(session, job) for job in jobs] if prepare else jobs

    def _prepared(self, session: Session, job: Job) -> Job:
        kind = self._kinds.get(job.kind)
        if kind is None or kind.prepare is None:
            return job
        return replace(job, prepared=kind.prepare(session, job))

    def _runnable(self) -> Job | None:
        """The first queued job whose workspace has a thread to spare."""
        for job in self._queued.values():
            if self._running_by_team[job.team_id] < self.per_workspace:
                return job
        return None

    def _work_loop(self) -> None:
        while True:
            with self._state:
                self._work_ready.wait_for(
                    lambda: self._stopping.is_set() or self._runnable() is not None
                )
                if self._stopping.is_set():
                    return  # what is queued is handed back by `stop`
                job = self._runnable()
                assert job is not None
                del self._queued[job.id]
                self._running[job.id] = job
                self._running_by_team[job.team_id] += 1
            try:
                self._run(job)
            except Exception:
                log.exception("could not record how %s %s ended", job.kind, job.id)
            finally:
                with self._state:
                    self._running.pop(job.id, None)
                    self._left(job.team_id, ran=True)
                    self._ended += 1
                    self._state.notify_all()
                    self._work_ready.notify()  # its workspace has a thread to spare again

    def _left(self, team: str, ran: bool) -> None:
        for counts in (self._by_team, self._running_by_team) if ran else (self._by_team,):
            counts[team] -= 1
            if counts[team] <= 0:
                del counts[team]

    def _run(self, job: Job) -> None:
        kind = self._kinds.get(job.kind)
        started = time.monotonic()
        outcome = "done"
        try:
            if kind is None:
                raise GiveUp(f"no handler for {job.kind}")
            note = kind.run(job)
        except Later as later:
            outcome = "later"
            self._end(due.retry_at, job, later.at, later.why, False)
            if later.holds_kind:
                with self.store.session() as session:
                    due.hold_back(session, job.kind, job.team_id, later.at)
        except GiveUp as error:
            outcome = "failed"
            self._give_up(job, kind, str(error))
        except Exception as error:
            outcome = "retry"
            if not isinstance(error, Retry):
                log.exception("%s %s failed unexpectedly", job.kind, job.id)
            soon = isinstance(error, Retry) and error.soon
            self._failed_attempt(job, kind, str(error) or type(error).__name__, soon)
        else:
            done = note if isinstance(note, Done) else Done(note or "")
            self._end(due.finish, job, self.clock.now(), done.note, first=done.record)
        self.observe(job.kind, outcome)
        log.info(
            "%s %s: %s",
            job.kind,
            job.id,
            outcome,
            extra={
                "workspace": job.team_id,
                "kind": job.kind,
                "outcome": outcome,
                "ms": round((time.monotonic() - started) * 1000),
            },
        )

    def _failed_attempt(self, job: Job, kind: Kind | None, why: str, soon: bool = False) -> None:
        if job.attempt >= self.retry.max_attempts:
            self._give_up(job, kind, f"{why} (after {job.attempt} attempts)")
            return
        now = self.clock.now()
        at = now + self.retry.wait(job.attempt, soon)
        log.warning("%s %s for %s: %s; retrying at %s", job.kind, job.id, job.team_id, why, at)
        self._end(due.retry_at, job, at, why, True, now)

    def _give_up(self, job: Job, kind: Kind | None, why: str) -> None:
        log.error("%s %s for %s failed for good: %s", job.kind, job.id, job.team_id, why)
        if self._end(due.fail, job, self.clock.now(), why) and kind and kind.on_failure:
            kind.on_failure(job, why)

    def _end(
        self,
        how: Callable[..., bool],
        job: Job,
        *args: Any,
        first: Callable[[Session], None] | None = None,
    ) -> bool:
        """End the claim as `how` says, after what the work did (`first`), in one unit of
        work."""
        if how is due.finish and isinstance(args[-1], due.EndedWith):
            return True  # finished by its handler, with what it recorded
        with self.store.session() as session:
            if first is not None:
                first(session)
            ended: bool = how(session, job.id, job.attempt, *args)
        if not ended:
            log.warning(
                "%s %s: its claim ran out before it ended; another run owns it", job.kind, job.id
            )
        return ended
