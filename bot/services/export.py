"""Serve's data for a workspace as one CSV an admin can open in a spreadsheet: a row per
deal, check-in and story. Cells a spreadsheet would run as a formula are made inert."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select

from bot.store.db import Store
from bot.store.models import CheckIn, Deal, Story, Visibility

COLUMNS = (
    "record",
    "id",
    "customer",
    "deal_id",
    "status",
    "owner_or_recipient",
    "amount",
    "currency",
    "date",
    "stage_day",
    "outcome",
    "note_or_story",
    "helpers",
    "served",
    "quality",
    "visibility",
    "shared_by",
    "link",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(store: Store, team_id: str, can_see_leads: bool) -> str:
    """Deals, check-ins with their outcomes and notes, and stories (leads-only ones
    only for those who may read them)."""
    with store.reading() as session:
        deals = session.scalars(select(Deal).where(Deal.team_id == team_id).order_by(Deal.id))
        rows = [_deal_row(d) for d in deals]
        customers = {
            d_id: customer
            for d_id, customer in session.execute(
                select(Deal.id, Deal.customer).where(Deal.team_id == team_id)
            ).all()
        }
        checkins = session.scalars(
            select(CheckIn)
            .where(CheckIn.team_id == team_id)
            .order_by(CheckIn.deal_id, CheckIn.stage)
        )
        rows += [_checkin_row(c, customers.get(c.deal_id, "")) for c in checkins]
        stories = select(Story).where(Story.team_id == team_id).order_by(Story.id)
        if not can_see_leads:
            stories = stories.where(Story.visibility != Visibility.LEADS.value)
        rows += [_story_row(s) for s in session.scalars(stories)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()


def inert(value: object) -> str:
    """A cell as text no spreadsheet runs: `=cmd|…` becomes `'=cmd|…`."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _deal_row(deal: Deal) -> list[object]:
    return _row(
        record="deal",
        id=deal.id,
        customer=deal.customer,
        deal_id=deal.id,
        status=deal.status,
        owner_or_recipient=deal.owner_id or deal.owner_name,
        amount=deal.amount,
        currency=deal.currency,
        date=deal.closed_at.date().isoformat(),
        link=deal.permalink,
    )


def _checkin_row(checkin: CheckIn, customer: str) -> list[object]:
    when = checkin.logged_at or checkin.sent_at or checkin.due_at
    return _row(
        record="checkin",
        id=checkin.id,
        customer=customer,
        deal_id=checkin.deal_id,
        status=checkin.status,
        owner_or_recipient=checkin.recipient_id,
        date=when.date().isoformat() if when else None,
        stage_day=checkin.offset_days,
        outcome=checkin.outcome,
        note_or_story=checkin.note,
    )


def _story_row(story: Story) -> list[object]:
    anonymous = story.visibility == Visibility.ANONYMOUS
    return _row(
        record="story",
        id=story.id,
        date=story.created_at.date().isoformat(),
        note_or_story=story.what_happened,
        helpers=" ".join(story.helpers),
        served=story.served,
        quality=story.quality,
        visibility=story.visibility,
        shared_by=None if anonymous else story.shared_by,
        link=story.source_link,
    )


def _row(**cells: object) -> list[object]:
    unknown = set(cells) - set(COLUMNS)
    if unknown:
        raise KeyError(f"no such columns: {sorted(unknown)}")
    return [cells.get(column) for column in COLUMNS]


def rows_of(text: str) -> Iterable[list[str]]:
    return csv.reader(io.StringIO(text))
