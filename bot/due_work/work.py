"""One piece of due work as its handler takes it: the claimed job, what Serve runs on,
and Slack for the job's workspace. Built for each job as an `Incoming` is for each
request, so handlers are plain functions of one argument."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.delivery import Deliveries, Delivery, Earlier, Posted
from bot.deps import Deps, OnDeps
from bot.directory import Person
from bot.runner import Done, Handler, Job, Later, OnFailure, Runner
from bot.services import checkins
from bot.slack_api import LONGEST_POST_IN_FLIGHT
from bot.store import due

from .outcomes import through_slack

LOOKING = "looking"  # how far a look for an earlier attempt's post got


@dataclass(frozen=True)
class Work(OnDeps):
    job: Job
    deps: Deps
    deliveries: Deliveries
    runner: Runner
    _looked: list[bool] = field(default_factory=list)
    _saved: list[dict[str, Any]] = field(default_factory=list)  # the progress recorded

    @property
    def team_id(self) -> str:
        return self.job.team_id

    @property
    def deal_id(self) -> int:
        """The deal a job about one deal is about."""
        if self.job.subject_id is None:
            raise ValueError(f"{self.job.kind} {self.job.id} names no deal")
        return self.job.subject_id

    def post_once(
        self,
        to: str,
        message: Mapping[str, Any],
        part: str = "",
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        """Post `message` (the `part` of this job's sending, if it sends several) once,
        however many attempts it takes.

        A post starts only while it can land before the claim's lease runs out: exactly
        once after a crash rests on that, since the next attempt starts after the lease
        and looks in Slack for what this one posted."""
        job = self.job
        if (
            job.claim_ends is not None
            and self.clock.now() + LONGEST_POST_IN_FLIGHT >= job.claim_ends
        ):
            raise Later(self.clock.now(), "too near the end of its claim to post: claimed again")
        key = f"{job.send_key}:{part}" if part else job.send_key
        earlier = self.earlier(key)
        return self.delivery.post_once(to, key, message, earlier, thread_ts, broadcast)

    def earlier(self, key: str) -> Earlier | None:
        """Where an earlier attempt of this job may have posted what it sends with `key`,
        until someone has looked there; a look cut short by a rate limit carries on
        from the page it reached."""
        tried = self.job.earlier_attempts
        if tried is None or self._looked:
            return None
        where = {"key": key, "window": [tried[0].isoformat(), tried[1].isoformat()]}
        looking = self._progress().get(LOOKING) or {}
        same = {k: looking.get(k) for k in where} == where
        cursor = str(looking.get("cursor") or "") if same else ""
        return Earlier(
            tried,
            self._look,
            cursor or None,
            lambda at: self.save_progress({LOOKING: {**where, "cursor": at}}),
        )

    def _look(self) -> None:
        self.runner.looked(self.job)
        self._looked.append(True)

    @cached_property
    def delivery(self) -> Delivery:
        """Slack, with the job's workspace's own token; raises NotInstalled."""
        return self.deliveries.to(self.job.team_id)

    def person(self, user_id: str) -> Person | None:
        """A person Serve may message: None for a bot, a deactivated account or nobody."""
        person = self.directory.person(self.delivery.client, user_id) if user_id else None
        return person if person is not None and person.reachable else None

    def slack_client(self) -> WebClient:
        return self.delivery.client

    def reserve(self, user_id: str, zone: ZoneInfo) -> bool:
        """One of the person's messages this week, taken for this send if there's room."""
        job = self.job
        return checkins.reserve_message(
            self.store,
            self.clock,
            (job.team_id, user_id),
            (job.kind, job.send_key),
            zone,
            self.settings.max_messages_per_week,
        )

    def finish_in(self, session: Session) -> bool:
        """Finish the job in the caller's unit of work, so what it recorded and its end
        are one commit; the handler then returns an `EndedWith` note. False when its
        claim was lost: the runner ends it as usual, and says so."""
        return due.finish(session, self.job.id, self.job.attempt, self.clock.now())

    def save_progress(self, progress: Mapping[str, Any]) -> None:
        """Record what the job has done so far, beside what it recorded before."""
        done = self._progress()
        done.update(progress)
        self.runner.save_progress(self.job, dict(done))

    def _progress(self) -> dict[str, Any]:
        if not self._saved:
            self._saved.append(dict(self.job.progress))
        return self._saved[0]


Step = Callable[[Work], str | Done | None]
Failed = Callable[[Work, str], None]
Taking = Callable[[Work, Session], object]


@dataclass(frozen=True)
class Wiring:
    """Makes the runner's handlers out of steps: each job becomes a `Work`, and what
    Slack answers is read the runner's way."""

    runner: Runner
    deps: Deps
    deliveries: Deliveries

    def register(
        self, kind: str, step: Step, failed: Failed | None = None, taking: Taking | None = None
    ) -> None:
        """`taking`: what the step takes before it sends, taken in the claim's unit of
        work instead (see `Runner.register`); the step finds it as `work.job.prepared`."""
        prepare = self._prepare(taking) if taking is not None else None
        self.runner.register(kind, self._handler(step), self._on_failure(failed), prepare)

    def _prepare(self, taking: Taking) -> Callable[[Session, Job], object]:
        def prepare(session: Session, job: Job) -> object:
            return taking(Work(job, self.deps, self.deliveries, self.runner), session)

        return prepare

    def _handler(self, step: Step) -> Handler:
        def handle(job: Job) -> str | Done | None:
            return step(Work(job, self.deps, self.deliveries, self.runner))

        return through_slack(handle, self.deps.clock)

    def _on_failure(self, failed: Failed | None) -> OnFailure | None:
        if failed is None:
            return None

        def on_failure(job: Job, why: str) -> None:
            failed(Work(job, self.deps, self.deliveries, self.runner), why)

        return on_failure
