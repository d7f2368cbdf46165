"""Events held while the database is away are kept in memory within a bound, and said
so at WARNING; past the bound, each one lost is said at ERROR."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot.held_events import HeldEvents
from bot.store.db import database_unavailable


def test_events_are_held_up_to_the_bound_and_one_past_it_is_said_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    held = HeldEvents(most=2)
    with caplog.at_level(logging.WARNING, logger="bot.held_events"):
        kept = [held.hold({"event_id": f"Ev{n}"}) for n in range(3)]
    assert kept == [True, True, False]
    assert len(held) == 2
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING", "ERROR"]
    assert "2 events held" in caplog.records[1].getMessage()


def test_only_a_database_that_could_not_do_the_work_counts_as_unavailable() -> None:
    def wrapped(kind: type[DBAPIError], invalidated: bool = False) -> DBAPIError:
        return kind("SELECT 1", {}, Exception("x"), connection_invalidated=invalidated)

    assert database_unavailable(wrapped(OperationalError))  # gone, refused, disk full
    assert database_unavailable(wrapped(DBAPIError, invalidated=True))  # dropped midway
    assert not database_unavailable(wrapped(IntegrityError))  # the work itself was refused
    assert not database_unavailable(ValueError("a bug"))
