"""`servebot recognition report` as a person reads it in a terminal: for operators, in
English, so its lines are marked `# not said`."""

from __future__ import annotations

from bot.services.labels import RecognitionReport
from bot.store.models import Label

QUOTE_LIMIT = 100


def report_lines(report: RecognitionReport, team_id: str | None) -> list[str]:
    where = f"workspace {team_id}" if team_id else "every workspace"
    lines = [
        f"How Serve reads deal posts in {where}",  # not said
        f"  deals read from a post and kept:  {report.kept}",  # not said
        f"  messages logged as a closed deal: {report.logged}",  # not said
        f'  messages marked "Not a deal":     {report.not_deals}',  # not said
    ]
    if report.precision is None and report.recall is None:
        lines.append(
            'Nothing to score yet. "Not a deal" under a reply and '  # not said
            '"Log as a closed deal" on a message teach me, and show here.'
        )
        return lines
    said = report.found + report.false_alarms
    deals = report.kept + report.logged
    lines.append(
        f"  precision: {_share(report.precision)} ({report.found} of {said} read as deals were)"
    )
    lines.append(
        f"  recall:    {_share(report.recall)} ({report.found} of {deals} deals were read)"
    )
    lines.append(f"  asked about: {report.asked} (unsure: the poster would be asked)")
    lines.extend(_learned_lines(report))
    if report.misread:
        lines.append("Read wrongly today:")  # not said
        for wrong in report.misread:
            kind = "missed     " if wrong.said == Label.DEAL else "false alarm"
            read_as = f" (read as {wrong.read_as})" if wrong.read_as else ""
            lines.append(f"  {kind} {_quoted(wrong.text)}{read_as}")
    return lines


def _learned_lines(report: RecognitionReport) -> list[str]:
    """The same messages read with the workspace's examples, each labelled one with the
    others only: what the team's labels add to the rules."""
    learned, examples = report.learned, report.logged + report.not_deals
    if not examples:
        return ["With the workspace's examples: none yet."]  # not said
    said = learned.found + learned.false_alarms
    return [
        f"With the workspace's {examples} examples "  # not said
        "(each message read with the others):",
        f"  precision: {_share(learned.precision)} ({learned.found} of {said} read as deals were)",
        f"  recall:    {_share(learned.recall)} "
        f"({learned.found} of {learned.deals} deals were read)",
        f"  asked about: {learned.asked}",
    ]


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _quoted(text: str) -> str:
    printable = "".join(c if c.isprintable() else " " for c in text)
    cut = printable if len(printable) <= QUOTE_LIMIT else printable[: QUOTE_LIMIT - 1] + "…"
    return f'"{cut}"'
