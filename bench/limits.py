"""What Slack's limits allow, for the benches that send under them: the limits the fake
enforces, the earliest a batch of posts can be done under them, and a count of every
call made in a stretch of a run, whatever Slack answered."""

from __future__ import annotations

import tempfile
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.results import fresh_store
from bot.sandbox.fakeslack import FakeSlack

# Per workspace, per minute. Tiers: 2 = 20+, 3 = 50+, 4 = 100+. chat.postMessage has its
# own: about one a second in each conversation, and a workspace-wide limit Slack calls
# "several hundred a minute"; 600 here.
LIMITS = {
    "users.list": 20,
    "users.info": 100,
    "conversations.open": 50,
    "conversations.members": 100,
    "conversations.history": 50,
    "chat.postMessage": 600,
}
WINDOW = 60  # seconds: the fake's windows, like Slack's, are a minute long


def earliest_finish(posts: int, per_minute: int) -> int:
    """The first second by whose end `posts` posts can all have gone, when the window
    starts empty at second 0 and lets `per_minute` through in each minute."""
    return (max(posts, 1) - 1) // per_minute * WINDOW + 1


def earliest_finish_through(
    posts: int, per_minute: int, every: int, kinds: Sequence[Mapping[str, Any]]
) -> int:
    """The earliest finish of a sender that knows everything, against the fake's faults
    (one post in `every` fails, taking `kinds` in turn, as `fake.fail_some` does): each
    second it posts all the limit lets through, waits out each 429's Retry-After, and
    knows at once whether a 500 posted (so a look costs it nothing, and the next second
    it posts again what did not go). Any sender that obeys Slack finishes no sooner."""
    window: deque[int] = deque()
    due: dict[int, int] = {0: posts}
    made = done = second = 0
    while done < posts:
        waiting = due.pop(second, 0)
        while window and window[0] <= second - WINDOW:
            window.popleft()
        while waiting and len(window) < per_minute:
            waiting -= 1
            made += 1
            fault = kinds[(made // every - 1) % len(kinds)] if made % every == 0 else None
            if fault is None:
                window.append(second)
                done += 1
            elif fault.get("applied"):
                done += 1
            else:
                later = second + max(1, int(fault.get("retry_after") or 1))
                due[later] = due.get(later, 0) + 1
        if waiting:
            due[second + 1] = due.get(second + 1, 0) + waiting
        second += 1
    return second


@dataclass(frozen=True)
class Calls:
    """Every Web API call made in a stretch of a run, by method and by answer."""

    by_method: Counter[str]
    by_status: Counter[int]

    @classmethod
    def since(cls, fake: FakeSlack, first: int) -> Calls:
        made = fake.calls[first:]
        return cls(Counter(c.method for c in made), Counter(c.status for c in made))

    @property
    def total(self) -> int:
        return sum(self.by_method.values())

    def per(self, count: int) -> float:
        return self.total / max(1, count)

    def described(self) -> str:
        methods = ", ".join(f"{m} {n:,}" for m, n in self.by_method.most_common())
        answers = ", ".join(f"{s}: {n:,}" for s, n in sorted(self.by_status.items()))
        return f"{methods} (answered {answers})"


class Databases:
    """A fresh database for each run of a bench: SQLite files in a temporary folder, or
    the PostgreSQL database given, emptied before each run."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._folder = tempfile.TemporaryDirectory()
        self._made = 0

    @property
    def name(self) -> str:
        return "postgresql" if self.url and self.url.startswith("postgresql") else "sqlite"

    def fresh(self) -> str:
        self._made += 1
        url = self.url or f"sqlite:///{Path(self._folder.name) / f'run-{self._made}.db'}"
        fresh_store(url).close()
        return url

    def close(self) -> None:
        self._folder.cleanup()
