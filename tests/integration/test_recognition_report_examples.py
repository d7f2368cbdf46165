"""`servebot recognition report` with the workspace's examples: each labelled message is
read with the other labels only, so a message never counts as read because it reads
like itself."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.labels import recognition_report
from bot.store import labels
from bot.store.db import Store
from bot.store.models import Deal, Label, Workspace
from bot.views.report import report_lines

DEC_1 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
DEC_3 = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
PIED_PIPER = "big news: pied piper said yes to the full rollout"


def _label(store: Store, ts: str, text: str, said: Label, customer: str | None = None) -> None:
    message = {"type": "message", "user": "U0ALICE", "text": text, "ts": ts}
    with store.session() as session:
        if session.get(Workspace, "T0SERVE") is None:
            session.add(Workspace(team_id="T0SERVE", created_at=DEC_1))
            session.flush()
        if customer is not None:
            session.add(
                Deal(
                    team_id="T0SERVE",
                    channel_id="C0DEALS",
                    message_ts=ts,
                    customer=customer,
                    owner_id="U0ALICE",
                    announcement=message,
                    closed_at=DEC_1,
                    created_at=DEC_1,
                    updated_at=DEC_1,
                )
            )
        labels.label(session, "T0SERVE", "C0DEALS", ts, said, message, "U0BOB", DEC_3)


def test_the_report_reads_each_label_with_the_others_and_shows_both_figures(
    store: Store,
) -> None:
    _label(
        store, "1.1", "big news: pied piper said yes to the full rollout", Label.DEAL, "pied piper"
    )
    _label(store, "1.2", "big news: Raviga said yes to the full rollout", Label.DEAL, "Raviga")
    _label(store, "1.3", "the ink is dry on northwind", Label.DEAL, "northwind")
    _label(store, "1.4", "Signed Umbrella Hotels for the offsite venue!", Label.NOT_A_DEAL)
    _label(store, "1.5", "Signed Stark Lodge for the offsite venue!", Label.NOT_A_DEAL)

    report = recognition_report(store, "T0SERVE")

    assert (report.logged, report.not_deals) == (3, 2)
    assert (report.found, report.false_alarms, report.asked) == (0, 2, 3)
    learned = report.learned
    assert (learned.found, learned.false_alarms, learned.deals) == (2, 0, 3)
    lines = report_lines(report, "T0SERVE")
    assert "With the workspace's 5 examples (each message read with the others):" in lines
    assert "  precision: 100% (2 of 2 read as deals were)" in lines
    assert "  recall:    67% (2 of 3 deals were read)" in lines


def test_a_lone_label_is_not_read_by_itself(store: Store) -> None:
    _label(
        store, "1.1", "big news: pied piper said yes to the full rollout", Label.DEAL, "pied piper"
    )

    report = recognition_report(store, "T0SERVE")

    assert (report.learned.found, report.learned.deals) == (0, 1)
