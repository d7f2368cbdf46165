"""Each user action is one unit of work: a click and an edit arriving together take turns
and neither undoes the other."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import deals
from bot.services.deals import Change, Planning
from bot.store.db import Store
from bot.store.models import CheckIn, CheckInStatus, Deal, DealStatus

PLANNING = Planning(
    lambda: Settings(checkin_cadence_days=(3, 14, 45, 90)), lambda user: "Europe/London"
)
POST = {"type": "message", "user": "U0ALICE", "text": "Closed Acme Corp", "ts": "1795194000.000100"}


def blocked_or_done(store: Store, worker: threading.Thread, timeout: float = 10.0) -> bool:
    """True once `worker` has finished or waits on a row lock held elsewhere."""
    deadline = time.monotonic() + timeout
    with store.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            if waiting or not worker.is_alive():
                return True
            time.sleep(0.01)
    return False


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_not_a_deal_clicked_while_an_edit_is_applied_stays_not_a_deal(
    store: Store, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    recorded = deals.capture_deal(store, clock, "T0SERVE", "C0DEALS", POST, PLANNING)
    assert recorded.change == Change.RECORDED and recorded.deal is not None
    deal_id = recorded.deal.id
    click = threading.Thread(
        target=deals.dismiss_deal, args=(store, clock, "T0SERVE", deal_id, "U0BOB")
    )
    editing = threading.current_thread()
    clicked_midway: list[bool] = []

    def click_when_the_edit_has_read_the_deal(*args: Any) -> None:
        if threading.current_thread() is editing and "FROM deals" in args[2] and not click.ident:
            click.start()
            clicked_midway.append(blocked_or_done(store, click))

    event.listen(store.engine, "after_cursor_execute", click_when_the_edit_has_read_the_deal)
    try:
        edited = deals.revise_deal(
            store, clock, "T0SERVE", "C0DEALS", POST | {"text": "Closed Acme Corp, $10k"}, PLANNING
        )
    finally:
        event.remove(store.engine, "after_cursor_execute", click_when_the_edit_has_read_the_deal)
    click.join(timeout=10)

    assert clicked_midway == [True] and not click.is_alive()
    assert edited.change == Change.UPDATED
    with store.session() as session:
        deal = session.get_one(Deal, deal_id)
        statuses = set(session.scalars(select(CheckIn.status).where(CheckIn.deal_id == deal_id)))
    assert (deal.status, deal.removed_by) == (DealStatus.DISMISSED, "U0BOB")
    assert statuses == {CheckInStatus.CANCELLED}


def test_an_edit_after_not_a_deal_leaves_it_removed(store: Store, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    recorded = deals.capture_deal(store, clock, "T0SERVE", "C0DEALS", POST, PLANNING)
    assert recorded.deal is not None
    assert deals.dismiss_deal(store, clock, "T0SERVE", recorded.deal.id, "U0BOB") is not None

    for text_now in ("Closing Acme next week", "Closed Acme Corp, $12k"):
        edited = POST | {"text": text_now}
        change = deals.revise_deal(store, clock, "T0SERVE", "C0DEALS", edited, PLANNING)
        assert change.change == Change.UNCHANGED

    with store.session() as session:
        assert session.get_one(Deal, recorded.deal.id).status == DealStatus.DISMISSED
        statuses = set(session.scalars(select(CheckIn.status)))
    assert statuses == {CheckInStatus.CANCELLED}


def test_retracted_deal_revived_by_an_edit_says_so_and_plans_again(
    store: Store, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    deals.capture_deal(store, clock, "T0SERVE", "C0DEALS", POST, PLANNING)
    retracted = deals.revise_deal(
        store, clock, "T0SERVE", "C0DEALS", POST | {"text": "Closing Acme next week"}, PLANNING
    )
    revived = deals.revise_deal(store, clock, "T0SERVE", "C0DEALS", POST, PLANNING)

    assert (retracted.change, revived.change) == (Change.REMOVED, Change.REVIVED)
    assert [c.status for c in revived.planned] == [CheckInStatus.PLANNED] * 4


def first_checkin_sent(store: Store, clock: ManualClock) -> CheckIn:
    """A recorded deal whose first check-in's DM went out, as the runner would leave it."""
    from bot.services import checkins

    clock.set(datetime(2026, 11, 20, 17, 0, tzinfo=UTC))
    recorded = deals.capture_deal(store, clock, "T0SERVE", "C0DEALS", POST, PLANNING)
    first = recorded.planned[0]
    clock.set(first.due_at or clock.now())
    checkins.mark_sent(
        store,
        clock,
        [first.id],
        ("D0ALICE", "1.1"),
        clock.now() + timedelta(days=2),
    )
    return first


def waiting_work(store: Store, checkin_id: int) -> list[tuple[str, datetime]]:
    from bot.services import checkins
    from bot.store.models import DueWork, WorkStatus

    steps = [checkins.SEND, checkins.REMIND, checkins.MISS]
    with store.session() as session:
        rows = session.scalars(
            select(DueWork).where(
                DueWork.subject_id == checkin_id,
                DueWork.kind.in_(steps),
                DueWork.status == WorkStatus.TODO.value,
            )
        )
        return sorted((w.kind, w.due_at) for w in rows)


def test_a_reminder_overtaken_by_a_snooze_leaves_the_snooze_alone(
    store: Store, clock: ManualClock
) -> None:
    from bot.services import checkins

    first = first_checkin_sent(store, clock)
    snoozed_to = clock.now() + timedelta(days=7)
    assert checkins.snooze(store, clock, first.id, "T0SERVE", snoozed_to) is not None

    # A reminder claimed before the snooze now finds the owner away and postpones itself,
    # gives up, or marks the check-in missed: each must see it was overtaken.
    checkins.postpone(store, clock, first.id, checkins.REMIND, clock.now() + timedelta(days=1))
    checkins.could_not_deliver(store, clock, first.id, checkins.REMIND)
    checkins.close_unreachable(store, clock, first.id, checkins.REMIND)
    assert checkins.mark_missed(store, clock, first.id) is None

    assert waiting_work(store, first.id) == [(checkins.SEND, snoozed_to)]
    with store.session() as session:
        assert session.get_one(CheckIn, first.id).status == CheckInStatus.PLANNED
