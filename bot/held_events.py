"""Events whose work could not be stored, kept until the database answers again.

Slack sends an event once: by the time its listener runs, Bolt has acked it (over Socket
Mode and HTTP alike), so Slack will not send it again. When the listener fails because
the database is away (restarting, unreachable, its disk full), the event's body is held
here and handed to the app again once the database answers. Every listener of an event
is safe to run again (a message makes its deal once, whatever delivers it twice), so a
replay does what the first delivery would have done. They are held in memory, with a
bound: when the database is what failed, a disk spool on the same disk may fail too.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

from slack_bolt import App, BoltRequest

from bot.store.db import Store, database_unavailable, ping

log = logging.getLogger(__name__)
MOST_HELD = 1000


class HeldEvents:
    def __init__(self, most: int = MOST_HELD) -> None:
        self._most = most
        self._bodies: deque[dict[str, Any]] = deque()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._bodies)

    def hold(self, body: dict[str, Any]) -> bool:
        """Keep an event for later; False when as many are held as can be (it is lost,
        and said so at ERROR)."""
        with self._lock:
            held = len(self._bodies)
            if held >= self._most:
                log.error("the database is away and %d events are held: this one is lost", held)
                return False
            self._bodies.append(body)
        log.warning("the database is away: %d events held until it answers", held + 1)
        return True

    def replay(self, app: App, store: Store) -> int:
        """Hand every held event to the app again, oldest first, if the database answers
        now; how many. One that fails again the same way comes back here."""
        if not len(self) or not _answers(store):
            return 0
        with self._lock:
            bodies = list(self._bodies)
            self._bodies.clear()
        log.warning("the database answers again: replaying %d held events", len(bodies))
        for body in bodies:
            # Verified when it first arrived; replayed as Socket Mode hands events over.
            app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        return len(bodies)


def _answers(store: Store) -> bool:
    """Whether the database answers the cheapest question; a failure to is never raised,
    so the tick that asks goes on to run its due work."""
    try:
        with store.reading() as session:
            ping(session)
    except Exception as error:
        if not database_unavailable(error):
            log.exception("the database could not be asked whether it answers")
        return False
    return True
