"""The due-work runner on its own: claims, leases, retries and stops, on each database."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.clock import ManualClock
from bot.runner import SETTLE, GiveUp, Job, Later, Retry, RetryPolicy, Runner
from bot.store import due
from bot.store.db import Store
from bot.store.models import DueWork, WorkStatus

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture
def make_runner(store: Store, clock: ManualClock) -> Iterator[Callable[..., Runner]]:
    made: list[Runner] = []

    def make(on: Store | None = None, **options: object) -> Runner:
        runner = Runner(on or store, clock, lease=LEASE, **options)  # type: ignore[arg-type]
        made.append(runner)
        return runner

    clock.set(NOW)
    yield make
    for runner in made:
        runner.stop(grace=5)


def add_work(store: Store, kinds: list[str], due_at: datetime = NOW) -> list[int]:
    with store.session() as session:
        rows = [due.add(session, kind, "T1", due_at, NOW) for kind in kinds]
        session.flush()
        return [row.id for row in rows]


def rows(store: Store) -> dict[int, DueWork]:
    with store.session() as session:
        return {w.id: w for w in session.scalars(select(DueWork))}


def test_two_runners_on_one_database_handle_every_row_once(
    store: Store, database_url: str, make_runner: Callable[..., Runner]
) -> None:
    ids = add_work(store, ["prompt", "digest", "checkin_send", "checkin_remind"] * 125)
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()

    def record(name: str) -> Callable[[Job], str | None]:
        def run(job: Job) -> str | None:
            with lock:
                seen.append((name, job.id))
            return None

        return run

    second_store = Store(database_url)
    runners = [make_runner(), make_runner(second_store)]
    for name, runner in zip("ab", runners, strict=True):
        for kind in ("prompt", "digest", "checkin_send", "checkin_remind"):
            runner.register(kind, record(name))
    barrier = threading.Barrier(2)
    taken: list[int] = []

    def tick(runner: Runner) -> None:
        barrier.wait()
        taken.append(runner.tick())

    threads = [threading.Thread(target=tick, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second_store.close()

    assert not any(thread.is_alive() for thread in threads)
    assert len(taken) == 2 and sum(taken) == 500
    assert Counter(job_id for _, job_id in seen) == Counter(ids)
    assert {w.status for w in rows(store).values()} == {WorkStatus.DONE}


def test_a_runner_that_died_holding_claims_has_them_retried_after_the_lease(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    ids = add_work(store, ["checkin_send"] * 3)
    with store.session() as session:
        assert len(due.claim(session, NOW, LEASE, 10)) == 3  # ...and then its process died
    attempts: list[tuple[int, int, bool]] = []
    runner = make_runner()
    runner.register(
        "checkin_send",
        lambda job: attempts.append((job.id, job.attempt, job.may_have_run_before)) or None,
    )

    clock.set(NOW + LEASE - timedelta(seconds=1))
    assert runner.tick() == 0
    clock.set(NOW + LEASE)
    assert runner.tick() == 3

    assert sorted(attempts) == [(i, 2, True) for i in ids]
    assert {w.status for w in rows(store).values()} == {WorkStatus.DONE}


def test_a_claim_whose_lease_ran_out_cannot_end_the_new_claim(store: Store) -> None:
    [work_id] = add_work(store, ["digest"])
    with store.session() as session:
        [first] = due.claim(session, NOW, LEASE, 1)
    with store.session() as session:
        [second] = due.claim(session, NOW + LEASE, LEASE, 1)
    with store.session() as session:
        assert not due.finish(session, work_id, first.attempts, NOW + LEASE)
        assert due.finish(session, work_id, second.attempts, NOW + LEASE)


def test_failing_work_backs_off_then_fails_with_its_reason(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    [work_id] = add_work(store, ["digest"])
    given_up: list[tuple[int, str]] = []
    runner = make_runner(retry=RetryPolicy(max_attempts=4))

    def fail(job: Job) -> None:
        raise Retry("Slack said fatal_error (500)")

    runner.register("digest", fail, lambda job, why: given_up.append((job.id, why)))
    waits = []
    for _ in range(4):
        assert runner.tick() == 1
        work = rows(store)[work_id]
        if work.status == WorkStatus.TODO:
            waits.append(work.due_at - clock.now())
            clock.set(work.due_at)

    assert waits == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    work = rows(store)[work_id]
    assert work.status == WorkStatus.FAILED and "fatal_error" in (work.note or "")
    assert given_up == [(work_id, work.note)]
    clock.set(clock.now() + timedelta(days=1))
    assert runner.tick() == 0


def test_later_comes_back_at_its_time_without_counting_an_attempt(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    [work_id] = add_work(store, ["prompt"])
    runner = make_runner(retry=RetryPolicy(max_attempts=2))
    calls = []

    def not_yet(job: Job) -> None:
        calls.append(job.attempt)
        raise Later(clock.now() + timedelta(hours=1), "rate limited")

    runner.register("prompt", not_yet)
    for hour in range(5):
        clock.set(NOW + timedelta(hours=hour))
        assert runner.tick() == 1
        assert runner.tick() == 0

    assert calls == [1] * 5
    work = rows(store)[work_id]
    assert (work.status, work.attempts, work.due_at) == (
        WorkStatus.TODO,
        0,
        NOW + timedelta(hours=5),
    )


def test_a_rate_limit_holds_back_the_rest_of_its_kind_in_that_workspace_only(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    waiting = add_work(store, ["dm"] * 20)
    with store.session() as session:
        elsewhere = due.add(session, "dm", "T2", NOW, NOW)
        other_kind = due.add(session, "digest", "T1", NOW, NOW)
        session.flush()
        unaffected = {elsewhere.id, other_kind.id}
    runner = make_runner(concurrency=1)
    ran: list[int] = []

    def limited(job: Job) -> None:
        ran.append(job.id)
        if job.kind == "dm" and job.team_id == "T1":
            raise Later(clock.now() + timedelta(seconds=30), "rate limited", holds_kind=True)

    runner.register("dm", limited)
    runner.register("digest", limited)
    runner.tick()

    assert len([i for i in ran if i in waiting]) == 1  # the first one, not all twenty
    assert unaffected <= set(ran)
    assert {rows(store)[i].due_at for i in waiting} == {NOW + timedelta(seconds=30)}


@pytest.mark.parametrize("kind", ["digest", "no_such_kind"])
def test_work_that_can_never_succeed_fails_at_once(
    store: Store, make_runner: Callable[..., Runner], kind: str
) -> None:
    [work_id] = add_work(store, [kind])
    runner = make_runner()

    def gone(job: Job) -> None:
        raise GiveUp("channel_not_found")

    runner.register("digest", gone)
    assert runner.tick() == 1

    work = rows(store)[work_id]
    assert work.status == WorkStatus.FAILED and work.attempts == 1
    assert ("channel_not_found" if kind == "digest" else "no handler") in (work.note or "")


def test_stop_gives_running_work_its_grace_then_hands_its_claim_back(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    [work_id] = add_work(store, ["digest"])
    started, release = threading.Event(), threading.Event()
    runner = make_runner()

    def slow(job: Job) -> None:
        started.set()
        release.wait(10)

    runner.register("digest", slow)
    ticking = threading.Thread(target=runner.tick)
    ticking.start()
    assert started.wait(10)

    assert runner.stop(grace=0.05) is False
    ticking.join(timeout=10)
    assert not ticking.is_alive()
    work = rows(store)[work_id]
    assert (work.status, work.due_at, work.attempts) == (WorkStatus.TODO, NOW + SETTLE, 1)
    assert runner.tick() == 0  # a stopped runner claims nothing

    release.set()  # the attempt ends after all: too late to count, its claim handed back
    assert runner.stop(grace=10) is True
    assert rows(store)[work_id].status == WorkStatus.TODO
    again = make_runner()
    seen: list[bool] = []
    again.register("digest", lambda job: seen.append(job.may_have_run_before) or None)
    clock.set(NOW + SETTLE)
    assert again.tick() == 1 and seen == [True]


def test_work_runs_on_several_threads_at_once(
    store: Store, make_runner: Callable[..., Runner]
) -> None:
    add_work(store, ["prompt"] * 4)
    together = threading.Barrier(4, timeout=10)
    runner = make_runner(concurrency=4)
    runner.register("prompt", lambda job: together.wait() and None)

    assert runner.tick() == 4
    assert not together.broken


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_finds_due_work_without_reading_finished_rows_or_statistics(
    store: Store,
) -> None:
    """Years of finished rows sit before the due ones in `due_at` order: the claim must
    go straight to what is still open, without a scan and without ANALYZE."""
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO due_work (kind, team_id, subject_id, status, due_at, attempts, "
                "send_key, created_at) SELECT 'checkin_send', 'T1', n, "
                "CASE WHEN n <= 20000 THEN 'done' ELSE 'todo' END, "
                ":now + (n - 20000) * interval '1 minute', 0, md5(n::text), :now "
                "FROM generate_series(1, 40000) AS n"
            ),
            {"now": NOW},
        )
        query = due.due_rows(NOW + timedelta(minutes=30), 50, "postgresql", per_team=4)
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        plan = "\n".join(str(row[0]) for row in connection.execute(text(f"EXPLAIN {compiled}")))
        count = connection.scalar(select(func.count()).select_from(DueWork))

    assert count == 40000, plan
    assert "ix_due_work_due" in plan, plan
    assert "Seq Scan" not in plan and "Filter" not in plan, plan


def test_one_workspace_with_much_due_leaves_threads_for_the_others(
    store: Store, make_runner: Callable[..., Runner]
) -> None:
    with store.session() as session:
        for _ in range(100):
            due.add(session, "send", "T0BUSY", NOW, NOW)
        for _ in range(3):
            due.add(session, "send", "T0QUIET", NOW, NOW)
    release, quiet_sent = threading.Event(), threading.Semaphore(0)
    lock = threading.Lock()
    busy_now, busy_most = [0], [0]

    def send(job: Job) -> str | None:
        if job.team_id == "T0QUIET":
            quiet_sent.release()
            return None
        with lock:
            busy_now[0] += 1
            busy_most[0] = max(busy_most[0], busy_now[0])
        assert release.wait(10)
        with lock:
            busy_now[0] -= 1
        return None

    runner = make_runner(concurrency=8, per_workspace=2)
    runner.register("send", send)
    ticking = threading.Thread(target=runner.tick)
    ticking.start()

    assert all(quiet_sent.acquire(timeout=10) for _ in range(3))  # while the busy one waits
    release.set()
    ticking.join(30)

    assert not ticking.is_alive()
    assert busy_most[0] == 2
    assert Counter(w.status for w in rows(store).values()) == {WorkStatus.DONE.value: 103}


def test_threads_start_only_as_work_falls_due(
    store: Store, make_runner: Callable[..., Runner]
) -> None:
    runner = make_runner(concurrency=16)
    runner.register("send", lambda job: None)
    assert runner.tick() == 0
    assert runner.threads == 0

    add_work(store, ["send"] * 3)
    assert runner.tick() == 3
    assert 1 <= runner.threads <= 3


def test_a_slack_5xx_is_retried_within_seconds_the_first_few_times(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    [work_id] = add_work(store, ["dm"])
    runner = make_runner(retry=RetryPolicy(max_attempts=6))

    def fail(job: Job) -> None:
        raise Retry("chat.postMessage: Slack said internal_error (500)", soon=True)

    runner.register("dm", fail)
    waits = []
    for _ in range(5):
        assert runner.tick() == 1
        work = rows(store)[work_id]
        waits.append(work.due_at - clock.now())
        clock.set(work.due_at)

    seconds = [timedelta(seconds=s) for s in (1, 2, 4)]
    assert waits == [*seconds, timedelta(minutes=4), timedelta(minutes=8)]


def test_a_rate_limit_does_not_hold_back_a_send_that_must_look_first(
    store: Store, clock: ManualClock, make_runner: Callable[..., Runner]
) -> None:
    [first, must_look] = add_work(store, ["dm", "dm"], due_at=NOW)
    with store.session() as session:
        looking = session.get(DueWork, must_look)
        assert looking is not None
        looking.due_at, looking.tried_until = NOW + timedelta(seconds=2), NOW
    runner = make_runner(concurrency=1)

    def limited(job: Job) -> None:
        raise Later(clock.now() + timedelta(seconds=60), "rate limited", holds_kind=True)

    runner.register("dm", limited)
    assert runner.tick() == 1

    assert rows(store)[first].due_at == NOW + timedelta(seconds=60)
    assert rows(store)[must_look].due_at == NOW + timedelta(seconds=2)  # it looks meanwhile


def test_what_a_job_takes_is_taken_in_its_claim_and_a_failed_taking_leaves_it_bare(
    store: Store, make_runner: Callable[..., Runner]
) -> None:
    add_work(store, ["taken", "failing"])
    seen: dict[str, object] = {}

    def prepare(session: object, job: Job) -> object:
        if job.kind == "failing":
            raise RuntimeError("no")
        return f"taken for {job.id}"

    def run(job: Job) -> None:
        seen[job.kind] = job.prepared

    runner = make_runner()
    for kind in ("taken", "failing"):
        runner.register(kind, run, prepare=prepare)
    assert runner.tick() == 2

    assert seen == {"taken": None, "failing": None}  # one failed: the claim went bare
    add_work(store, ["taken"])
    assert runner.tick() == 1
    assert str(seen["taken"]).startswith("taken for ")
