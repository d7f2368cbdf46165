"""The 12 weeks' figures: which weeks count, the median beside this week, when a chart
is drawn, and the table and alt text that say the same numbers."""

from __future__ import annotations

import io

from PIL import Image

from bot.sandbox.fakeslack.spec import payload_problems
from bot.services.weekly import History, WeekFigures, history_weeks
from bot.views.chart import alt_text, render_png
from bot.views.figures import figure_rows, figures_table, figures_text

WEEKS = history_weeks("2026-W48")


def history(*deals: int | None) -> History:
    """12 weeks, the last ones given deals closed (None: a week with nothing at all)."""
    given = [None] * (len(WEEKS) - len(deals)) + list(deals)
    return History(
        [
            WeekFigures(w, deals_closed=d or 0, checkins_due=1 if d else 0)
            for w, d in zip(WEEKS, given, strict=True)
        ]
    )


def test_twelve_weeks_end_with_the_week_reported_across_a_new_year() -> None:
    weeks = history_weeks("2027-W02")
    assert len(weeks) == 12 and weeks[-1] == "2027-W02" and weeks[-3] == "2026-W53"


def test_the_median_counts_quiet_weeks_after_data_began_but_not_the_empty_ones_before() -> None:
    shown = history(4, None, 2, 6)  # one quiet week among four
    assert len(shown.with_data) == 4
    assert shown.median("deals_closed") == 3.0  # of 4, 0, 2, 6; not of eight more zeros


def test_a_workspace_with_no_data_has_a_median_of_nothing_and_no_chart() -> None:
    empty = history()
    assert empty.median("deals_closed") == 0.0
    assert empty.complete_weeks == 0 and not empty.chartable


def test_a_chart_needs_two_complete_weeks_before_the_week_reported() -> None:
    assert not history(1, 1).chartable  # last week and this one
    assert history(1, 1, 1).chartable


def test_the_table_puts_this_week_beside_the_median() -> None:
    rows = figure_rows(history(1, 2, 6))
    assert rows[0] == ("Deals closed", "6", "2")
    table = figures_table(history(1, 2, 6))
    assert payload_problems("chat.postMessage", {"blocks": [table]}) == []
    text = figures_text(history(1, 2, 6))
    assert text.startswith("```") and "Deals closed" in text


def test_a_half_median_is_written_as_one() -> None:
    assert figure_rows(history(1, 2))[0][2] == "1.5"


def test_the_png_is_1200_by_800_and_the_alt_text_states_the_figures() -> None:
    shown = history(3, 1, 4, 1, 5)
    png = render_png(shown)
    assert Image.open(io.BytesIO(png)).size == (1200, 800)
    assert "Deals closed: 0, 0, 0, 0, 0, 0, 0, 3, 1, 4, 1, 5." in alt_text(shown)
