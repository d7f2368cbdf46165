"""The fake's scripted misbehaviour: Web API calls that fail on demand (429 with
Retry-After, 5xx, a Slack error, a dropped connection) once, always, or one call in N;
calls made slow; Slack's rate limits enforced on the test's clock; and the count of calls
in flight, with holds that keep calls waiting until enough of them overlap, so a test can
prove concurrency without timing anything. The Web API asks it, call by call, how to
misbehave."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    applied: bool = False  # the call takes effect although the answer is an error
    drop: bool = False  # close the connection without any HTTP answer

    @property
    def fails(self) -> bool:
        """A bare delay answers normally; anything else replaces the answer."""
        return self.drop or self.status == 429 or self.status >= 500 or bool(self.error)


@dataclass
class Cycle:
    """One call in `every` fails, taking the failure kinds in turn."""

    every: int
    kinds: list[Failure]
    calls: int = 0

    def next(self) -> Failure | None:
        self.calls += 1
        if self.calls % self.every:
            return None
        return self.kinds[(self.calls // self.every - 1) % len(self.kinds)]


@dataclass
class Hold:
    until: int
    timeout: float
    batch: int = 0  # bumped when enough calls overlap, which lets that batch go


class Faults:
    """Faults by Web API method; `changed` is the workspace's condition, which waiting
    tests and held calls are woken through."""

    def __init__(self, changed: threading.Condition, now: Callable[[], datetime]) -> None:
        self._changed = changed
        self._now = now
        self.hold_timeouts: list[str] = []
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._always: dict[str, Failure] = {}
        self._some: dict[str, Cycle] = {}
        self._slow: dict[str, float] = {}
        self._holds: dict[str, Hold] = {}
        self._in_flight: dict[str, int] = defaultdict(int)
        self._peak: dict[str, int] = defaultdict(int)
        self._limits: dict[str, int] = {}
        self._channel_limit = 1
        self._recent: dict[str, deque[float]] = defaultdict(deque)

    def fail_next(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        applied: bool = False,
        drop: bool = False,
    ) -> None:
        """Answer the next call to `method` badly, once; queue several for several.
        `applied` makes the call take effect anyway, as a 5xx or timeout sometimes does.
        `drop` closes the connection without an answer; the call is recorded with status
        DROPPED (0). One-shot failures come before fail_always and fail_some ones."""
        failure = Failure(status, error, retry_after, delay, applied, drop)
        with self._changed:
            self._failures[method].append(failure)

    def fail_always(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        applied: bool = False,
        drop: bool = False,
    ) -> None:
        """Answer every call to `method` badly, as fail_next would, until clear_faults:
        an outage rather than a blip."""
        failure = Failure(status, error, retry_after, delay, applied, drop)
        with self._changed:
            self._always[method] = failure

    def fail_some(
        self, method: str, every: int, kinds: Sequence[Failure | Mapping[str, Any]]
    ) -> None:
        """Fail one call to `method` in `every` (the every-th, 2·every-th, … call from now,
        counting only calls that no fail_next or fail_always failure answered), taking the
        failure `kinds` in turn. Each kind is a Failure or its fields as a dict, e.g.
        {"status": 429, "retry_after": 1} or {"drop": True, "applied": True}. Deterministic,
        so a test of a flaky Slack repeats exactly; lasts until clear_faults."""
        if every < 1 or not kinds:
            raise ValueError("fail_some needs every >= 1 and at least one failure kind")
        failures = [k if isinstance(k, Failure) else Failure(**k) for k in kinds]
        with self._changed:
            self._some[method] = Cycle(every, failures)

    def slow(self, method: str, seconds: float) -> None:
        """Make every call to `method` take `seconds` longer (real time, in the server)
        until clear_faults, to exercise the bot's timeouts and overlap."""
        with self._changed:
            self._slow[method] = seconds

    def clear_faults(self, method: str | None = None) -> None:
        """Forget queued, persistent, cyclic and slow faults for `method`, or for all."""
        with self._changed:
            for faults in (self._failures, self._always, self._some, self._slow):
                if method is None:
                    faults.clear()
                else:
                    faults.pop(method, None)

    def enforce_limits(
        self, per_minute: Mapping[str, int], per_channel_per_second: int = 1
    ) -> None:
        """Answer 429 with Retry-After, as Slack does, to calls over these limits, counted
        on the fake's clock and for each workspace apart: `per_minute` by method (Slack's
        tiers), and for chat.postMessage also `per_channel_per_second` in each channel."""
        with self._changed:
            self._limits = dict(per_minute)
            self._channel_limit = per_channel_per_second
            self._recent = defaultdict(deque)

    def limit(self, method: str, per_minute: int) -> None:
        """Enforce one more method's limit, keeping those already enforced."""
        with self._changed:
            self._limits[method] = per_minute

    def hold(self, method: str, until_in_flight: int, timeout: float = 10.0) -> None:
        """Keep each call to `method` waiting until `until_in_flight` calls are in flight
        together, then let that whole batch go; a call that waits `timeout` seconds goes
        anyway and its method is added to `hold_timeouts`. Lasts until `release` or the
        next hold on `method`, either of which lets waiting calls go."""
        with self._changed:
            self._holds[method] = Hold(until_in_flight, timeout)
            self._changed.notify_all()

    def release(self, method: str) -> None:
        """End the hold on `method`; calls waiting in it go at once."""
        with self._changed:
            self._holds.pop(method, None)
            self._changed.notify_all()

    def in_flight(self, method: str) -> int:
        """Calls to `method` being answered right now."""
        with self._changed:
            return self._in_flight[method]

    def wait_in_flight(self, method: str, count: int, timeout: float = 10.0) -> bool:
        """True once `count` calls to `method` are being answered together (a hold keeps
        them there); False after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight[method] >= count, timeout)

    def max_in_flight(self, method: str) -> int:
        """The most calls to `method` ever answered at the same moment: proof of
        concurrency that does not depend on timing."""
        with self._changed:
            return self._peak[method]

    @contextmanager
    def call_in_flight(self, method: str) -> Iterator[None]:
        with self._changed:
            self._in_flight[method] += 1
            self._peak[method] = max(self._peak[method], self._in_flight[method])
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._in_flight[method] -= 1
                self._changed.notify_all()

    def wait_for_hold(self, method: str) -> None:
        with self._changed:
            hold = self._holds.get(method)
            if hold is None:
                return
            if self._in_flight[method] >= hold.until:
                hold.batch += 1
                self._changed.notify_all()
                return
            batch = hold.batch

            def let_go() -> bool:
                return hold.batch != batch or self._holds.get(method) is not hold

            if not self._changed.wait_for(let_go, hold.timeout):
                self.hold_timeouts.append(method)

    def take_failure(self, method: str) -> tuple[Failure | None, float]:
        """The failure this call gets, if any, and how long it waits before answering."""
        with self._changed:
            failure = self._pick_failure(method)
            return failure, (failure.delay if failure else 0.0) + self._slow.get(method, 0.0)

    def over_limit(self, method: str, args: dict[str, Any], team: str = "") -> Failure | None:
        """A 429 for a call over the enforced limits in `team`; a call under them is
        counted."""
        with self._changed:
            if not self._limits:
                return None
            now = self._now().timestamp()
            windows = []
            if method in self._limits:
                windows.append((f"{team} {method}", 60.0, self._limits[method]))
            if method == "chat.postMessage" and args.get("channel"):
                windows.append((f"{team} channel:{args['channel']}", 1.0, self._channel_limit))
            for key, span, allowed in windows:
                recent = self._recent[key]
                while recent and recent[0] <= now - span:
                    recent.popleft()
                if len(recent) >= allowed:
                    wait = max(1, int(recent[0] + span - now + 0.999))
                    return Failure(status=429, retry_after=wait)
            for key, _, _ in windows:
                self._recent[key].append(now)
            return None

    def _pick_failure(self, method: str) -> Failure | None:
        if self._failures[method]:
            return self._failures[method].popleft()
        if method in self._always:
            return self._always[method]
        cycle = self._some.get(method)
        return cycle.next() if cycle else None
