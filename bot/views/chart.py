"""The picture for leads as an image: the last 12 weeks in two small panels sharing the
week axis (deals closed and check-ins answered vs due above, how customers felt below),
rendered to PNG, with alt text that states the same figures.

It is a view, like the Block Kit builders: a pure function from figures to bytes, with
every word through gettext. Rendering uses matplotlib's object API (`Figure` with the
Agg canvas), never pyplot, whose global state is not safe across the runner's threads;
matplotlib is imported on first use so that starting Serve does not pay for it.

Readable on a phone and in Slack's dark and light themes: mid-tone colours (safe for the
common colour blindnesses) on a neutral light card that reads the same on either theme,
large type, every series labelled where it ends instead of in a legend, no gridlines."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.languages import _
from bot.services.stories import week_start
from bot.services.weekly import History, WeekFigures

from .mrkdwn import number, written_day

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_PX, HEIGHT_PX, DPI = 1200, 800, 100
ALT_TEXT_LIMIT = 1000  # files.getUploadURLExternal's alt_txt; image blocks allow 2,000
CARD = "#F4F3EF"
INK = "#3B3B3B"
QUIET_INK = "#6B6B6B"
DEALS = "#3A78B5"
DUE = "#A3A3A3"
ANSWERED = "#2A9D8F"
SATISFIED = "#2A9D8F"
NEUTRAL = "#B9B4A8"
NEEDS_HELP = "#E07A2F"
HELPED = "#8E4B9E"


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    filename: str


def chart(history: History) -> Chart:
    """The chart of `history` as a ~1200×800 PNG and the words that say what it shows."""
    return Chart(render_png(history), alt_text(history), f"serve-{history.this_week.week}.png")


def render_png(history: History) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=CARD)
    FigureCanvasAgg(figure)
    above, below = figure.subplots(2, 1, sharex=True, gridspec_kw={"hspace": 0.45})
    weeks = history.weeks
    xs = list(range(len(weeks)))
    _deals_and_checkins(above, xs, weeks)
    _feelings(below, xs, weeks)
    # Every other week, counting back from the one reported, so that labels never crowd.
    labels = [_week_label(w) if (len(weeks) - 1 - n) % 2 == 0 else "" for n, w in enumerate(weeks)]
    below.set_xticks(xs, labels)
    below.set_xlim(-0.6, len(weeks) - 1 + 2.6)  # room on the right for the direct labels
    figure.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.1)
    out = io.BytesIO()
    figure.savefig(out, format="png", facecolor=CARD)
    return out.getvalue()


def _deals_and_checkins(axes: Axes, xs: list[int], weeks: list[WeekFigures]) -> None:
    _plain(axes, _("Deals closed, and check-ins answered of those due"))
    deals = [w.deals_closed for w in weeks]
    due = [w.checkins_due for w in weeks]
    answered = [w.checkins_answered for w in weeks]
    axes.bar(xs, deals, width=0.55, color=DEALS)
    axes.plot(xs, due, color=DUE, linewidth=3, linestyle=(0, (2, 1.5)))
    axes.plot(xs, answered, color=ANSWERED, linewidth=4, marker="o", markersize=7)
    top = max([*deals, *due, *answered, 1]) * 1.25
    axes.set_ylim(0, top)
    _label_ends(
        axes,
        xs[-1],
        top,
        [
            (due[-1], _("due"), DUE),
            (answered[-1], _("answered"), ANSWERED),
            (deals[-1] / 2, _("deals"), DEALS),
        ],
    )


def _feelings(axes: Axes, xs: list[int], weeks: list[WeekFigures]) -> None:
    _plain(axes, _("How customers felt"))
    satisfied = [w.satisfied for w in weeks]
    neutral = [w.neutral for w in weeks]
    needs_help = [w.needs_help for w in weeks]
    base = [s + n for s, n in zip(satisfied, neutral, strict=True)]
    axes.bar(xs, satisfied, width=0.55, color=SATISFIED)
    axes.bar(xs, neutral, width=0.55, bottom=satisfied, color=NEUTRAL)
    axes.bar(xs, needs_help, width=0.55, bottom=base, color=NEEDS_HELP)
    # A diamond only in weeks where someone needed help: no row of markers along zero.
    helped = [(x, w.helped) for x, w in zip(xs, weeks, strict=True) if w.needs_help]
    if helped:
        axes.plot(*zip(*helped, strict=True), color=HELPED, linewidth=0, marker="D", markersize=10)
    top = max([*(b + h for b, h in zip(base, needs_help, strict=True)), 1]) * 1.25
    axes.set_ylim(0, top)
    this = weeks[-1]
    _label_ends(
        axes,
        xs[-1],
        top,
        [
            (this.satisfied / 2, _("satisfied"), SATISFIED),
            (this.satisfied + this.neutral / 2, _("neutral"), QUIET_INK),
            (base[-1] + this.needs_help / 2, _("needs help"), NEEDS_HELP),
            (base[-1] + this.needs_help + top * 0.12, _("◆ got a hand"), HELPED),
        ],
    )


def _plain(axes: Axes, title: str) -> None:
    """No chart junk: a title, a few whole-number ticks on the left, no box or grid."""
    from matplotlib.ticker import MaxNLocator

    axes.set_facecolor(CARD)
    axes.set_title(title, loc="left", fontsize=22, color=INK, pad=12)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(QUIET_INK)
    axes.tick_params(colors=QUIET_INK, labelsize=17, length=0)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    axes.grid(False)


def _label_ends(axes: Axes, x: float, top: float, labels: list[tuple[float, str, str]]) -> None:
    """Each series' name beside the week reported, where the eye already is, nudged
    apart so that no two overlap."""
    gap = top * 0.13
    placed: list[float] = []
    for y, text, colour in sorted(labels):
        y = max(y, placed[-1] + gap) if placed else y
        placed.append(y)
        axes.annotate(
            text,
            (x + 0.45, y),
            fontsize=17,
            color=colour,
            fontweight="bold",
            va="center",
            annotation_clip=False,
        )


def _week_label(week: WeekFigures) -> str:
    return written_day(week_start(week.week), "d MMM")


def alt_text(history: History) -> str:
    """The chart in words, figures and all, for screen readers and for anyone whose
    Slack does not load the image."""
    weeks = history.weeks
    this = history.this_week
    # Translators: the start of a chart's alt text; {count} is a number of weeks, {first}
    # and {last} days such as "7 Dec".
    lines = [
        _("Chart of the last {count} weeks, {first} to {last}, oldest first.").format(
            count=number(len(weeks)), first=_week_label(weeks[0]), last=_week_label(this)
        ),
        # Translators: {values} is a list of numbers, one a week.
        _("Deals closed: {values}.").format(values=_numbers(w.deals_closed for w in weeks)),
        # Translators: {values} is a list of "answered/due" pairs of numbers, one a week.
        _("Check-ins answered of due: {values}.").format(
            values=", ".join(
                f"{number(w.checkins_answered)}/{number(w.checkins_due)}" for w in weeks
            )
        ),
        # Translators: {satisfied}, {neutral}, {needs_help} and {helped} are lists of
        # numbers, one a week.
        _(
            "Customers satisfied: {satisfied}; neutral: {neutral}; needed help: {needs_help}, "
            "of whom got a hand: {helped}."
        ).format(
            satisfied=_numbers(w.satisfied for w in weeks),
            neutral=_numbers(w.neutral for w in weeks),
            needs_help=_numbers(w.needs_help for w in weeks),
            helped=_numbers(w.helped for w in weeks),
        ),
    ]
    text = " ".join(lines)
    return text if len(text) <= ALT_TEXT_LIMIT else text[: ALT_TEXT_LIMIT - 1] + "…"


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(number(v) for v in values)
