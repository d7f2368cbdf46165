"""Serve's data for a workspace as one CSV an admin can open in a spreadsheet: a row per
deal, check-in and story, then the audit trail, a row per entry. Cells a spreadsheet
would run as a formula are made inert."""

from __future__ import annotations

import csv
import io
import json

from bot.clock import Clock
from bot.store import audit
from bot.store import export as queries
from bot.store.db import Store
from bot.store.models import AuditEntry, AuditKind, CheckIn, Deal, Story, Visibility

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
    "by",  # an audit entry's: who did it
    "change",  # and what, as JSON
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_csv(store: Store, clock: Clock, team_id: str, can_see_leads: bool, by: str) -> str:
    """Deals, check-ins with their outcomes and notes, and stories (leads-only ones
    only for those who may read them), then the audit trail. The export itself is in
    the trail, who and how many rows, written as the rows are read: it is there too."""
    with store.session() as session:
        rows = [_deal_row(d) for d in queries.deals_of(session, team_id)]
        customers = queries.customers_by_deal(session, team_id)
        checkins = queries.checkins_of(session, team_id)
        rows += [_checkin_row(c, customers.get(c.deal_id, "")) for c in checkins]
        rows += [_story_row(s) for s in queries.stories_of(session, team_id, can_see_leads)]
        exported = {"rows": len(rows)}
        audit.record(session, team_id, clock.now(), by, AuditKind.EXPORT, exported)
        session.flush()
        rows += [_audit_row(entry) for entry in audit.entries_of(session, team_id)]
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


def _audit_row(entry: AuditEntry) -> list[object]:
    return _row(
        record="audit",
        id=entry.id,
        date=entry.at.isoformat(),
        status=entry.kind,
        by=entry.actor,
        change=json.dumps(entry.change, sort_keys=True),
    )


def _row(**cells: object) -> list[object]:
    unknown = set(cells) - set(COLUMNS)
    if unknown:
        raise KeyError(f"no such columns: {sorted(unknown)}")  # not said: a programming error
    return [cells.get(column) for column in COLUMNS]
