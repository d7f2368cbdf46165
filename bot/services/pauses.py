"""A person's pause: no story prompts and no check-ins for them until a day, or until
they resume. Paused check-ins wait; they are not lost."""

from __future__ import annotations

from datetime import date

from bot.clock import Clock
from bot.store import people
from bot.store.db import Store
from bot.store.models import Member


def pause(store: Store, clock: Clock, team_id: str, user_id: str, until: date | None) -> None:
    _set(store, clock, team_id, user_id, True, until)


def resume(store: Store, clock: Clock, team_id: str, user_id: str) -> None:
    _set(store, clock, team_id, user_id, False, None)


def paused_on(store: Store, team_id: str, user_id: str, day: date) -> Member | None:
    """The person's pause, if they are paused on `day`."""
    with store.reading() as session:
        member = people.member(session, team_id, user_id)
        return member if member is not None and member.paused_on(day) else None


def _set(
    store: Store, clock: Clock, team_id: str, user_id: str, paused: bool, until: date | None
) -> None:
    now = clock.now()
    with store.session() as session:
        member = people.member_to_change(session, team_id, user_id)
        member.prompts_paused, member.paused_until, member.updated_at = paused, until, now
