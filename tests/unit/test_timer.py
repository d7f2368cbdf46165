"""The runner's timer: woken, it ticks at once instead of at its next interval, so work
a listener queued for someone waiting (a deal's thread reply) goes out within moments."""

from __future__ import annotations

import threading

from bot.scheduler import Timer

WAIT = 5.0  # seconds, at most, for the timer's thread to act


def test_a_woken_timer_ticks_at_once_and_once_more_after_a_tick_it_came_during() -> None:
    ticked = threading.Semaphore(0)
    let_first_end = threading.Event()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        ticked.release()
        if count == 1:
            let_first_end.wait(WAIT)

    timer = Timer(3600, tick)  # an hour between ticks: any other tick was woken
    timer.start()
    try:
        assert ticked.acquire(timeout=WAIT)  # the tick at start-up, still running
        timer.wake()
        let_first_end.set()
        assert ticked.acquire(timeout=WAIT)  # run again as the first ended
        timer.wake()
        assert ticked.acquire(timeout=WAIT)  # woken while idle
    finally:
        timer.stop()
    assert count == 3
