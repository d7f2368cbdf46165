"""The 12 weeks' figures as words: a Block Kit table of this week beside the median
(messages only: Slack shows tables in messages, one a message), the same as aligned text
for the Home, the chart's image block, and why a chart is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.languages import N_, _, ngettext
from bot.services.weekly import COMPLETE_WEEKS_FOR_A_CHART, History, NoChart

from .mrkdwn import number

ROWS = (
    ("deals_closed", N_("Deals closed")),
    ("checkins_due", N_("Check-ins due")),
    ("checkins_answered", N_("Check-ins answered")),
    ("satisfied", N_("Satisfied")),
    ("neutral", N_("Neutral")),
    ("needs_help", N_("Needed help")),
    ("helped", N_("…and got a hand")),
)
NO_CHART = {
    # Translators: why the weekly digest has no chart; files:write is a Slack permission's
    # name, keep it as it is.
    NoChart.NO_SCOPE: N_(
        "No chart: Serve lacks the files:write permission. An admin can reinstall the app "
        "to grant it."
    ),
    NoChart.UPLOAD_FAILED: N_("No chart this week: Slack would not take the image."),
}


def figure_rows(history: History) -> list[tuple[str, str, str]]:
    """(figure, this week, 12-week median) for each figure, formatted for the reader."""
    this = history.this_week
    return [
        (_(label), number(getattr(this, name)), _median(history.median(name)))
        for name, label in ROWS
    ]


def figures_table(history: History) -> dict[str, Any]:
    # Translators: the table's column headings: a figure's name, this week's value, and
    # the median of the last 12 weeks.
    head = (_("Figure"), _("This week"), _("12-week median"))
    rows = [head, *figure_rows(history)]
    return {
        "type": "table",
        "column_settings": [{"align": "left"}, {"align": "right"}, {"align": "right"}],
        "rows": [[{"type": "raw_text", "text": cell} for cell in row] for row in rows],
    }


def figures_text(history: History) -> str:
    """The table as aligned text in a code block, where a table block cannot go."""
    head = (_("Figure"), _("This week"), _("12-week median"))
    rows = [head, *figure_rows(history)]
    widths = [max(len(row[n]) for row in rows) for n in range(3)]
    lines = [
        f"{row[0].ljust(widths[0])}  {row[1].rjust(widths[1])}  {row[2].rjust(widths[2])}"
        for row in rows
    ]
    return "```\n" + "\n".join(lines) + "\n```"


def chart_image(file_id: str, alt_text: str) -> dict[str, Any]:
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": alt_text}


def no_chart_reason(why: NoChart, history: History | None) -> str:
    if why != NoChart.TOO_LITTLE_DATA:
        return _(NO_CHART[why])
    weeks = history.complete_weeks if history is not None else 0
    # Translators: why the weekly digest has no chart; {weeks} and {needed} are numbers of
    # weeks; the count is of {weeks}.
    said = ngettext(
        "No chart yet: {weeks} complete week of figures so far, and a chart needs {needed}.",
        "No chart yet: {weeks} complete weeks of figures so far, and a chart needs {needed}.",
        weeks,
    )
    return said.format(weeks=number(weeks), needed=number(COMPLETE_WEEKS_FOR_A_CHART))


def _median(value: float) -> str:
    return number(Decimal(str(round(value, 1))).normalize() if value % 1 else int(value))
