"""`/serve audit`: the workspace's audit trail as an admin reads it, newest first, a
line each: when, who, what. Values an admin typed are escaped; channels are shown as
channels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.config import CHANNEL_ID, WORKSPACE_SETTINGS
from bot.languages import N_, _, ngettext
from bot.services.audit import Trail
from bot.store.models import BY_SERVE, BY_SLACK, AuditEntry, AuditKind

from .blocks import context, header, message, section
from .mrkdwn import fit, inline, mention, number, slack_date, written_day

# Translators: SERVE_ADMINS is the name of a setting; keep it as it is.
ADMINS_ONLY = N_(
    "Only workspace admins and owners (and people in SERVE_ADMINS) can read Serve's audit trail."
)
NOTHING_YET = N_(
    "Nothing in the audit trail yet. Settings changes, exports, forget-mes, uninstalls and "
    "deletions of old notes and stories will be listed here."
)
# Translators: a setting's value that is empty, inside "changed X from (none) to 9".
EMPTY_VALUE = N_("(none)")
VALUE_LIMIT = 300
SETTINGS_BY_NAME = {declared.name: declared for declared in WORKSPACE_SETTINGS}


def audit_trail(trail: Trail) -> dict[str, Any]:
    if not trail.entries:
        return message(_(NOTHING_YET), [section(_(NOTHING_YET))])
    # Translators: a header, 150 characters at most.
    title = _("Audit trail")
    # Translators: {shown} and {total} are numbers of entries.
    intro = _("The latest {shown} of {total} entries, newest first.").format(
        shown=number(len(trail.entries)), total=number(trail.total)
    )
    blocks = [header(title), context(intro)]
    blocks += [section(fit(entry_line(entry))) for entry in trail.entries]
    if trail.older:
        more = ngettext(
            "…and {count} earlier entry: `/serve export` has every one.",
            "…and {count} earlier entries: `/serve export` has every one.",
            trail.older,
        )
        blocks.append(context(more.format(count=number(trail.older))))
    return message(title, blocks)


def entry_line(entry: AuditEntry) -> str:
    """One entry: when, then who did what."""
    return f"{slack_date(entry.at)} · {_what(entry)}"


def _who(actor: str) -> str:
    if actor == BY_SERVE:
        return "Serve"
    if actor == BY_SLACK:
        return "Slack"
    return mention(actor)


def _what(entry: AuditEntry) -> str:
    who, change = _who(entry.actor), entry.change
    if entry.kind == AuditKind.SETTING:
        name = str(change.get("setting") or "")
        # Translators: {who} is a person; {setting} a setting's name; {old} and {new} its
        # values before and after.
        return _("{who} changed {setting} from {old} to {new}").format(
            who=who,
            setting=_setting_label(name),
            old=_value(name, change.get("old")),
            new=_value(name, change.get("new")),
        )
    if entry.kind == AuditKind.EXPORT:
        rows = _count(change.get("rows"))
        # Translators: {who} is a person; {count} a number of rows.
        exported = ngettext(
            "{who} exported the workspace's data ({count} row)",
            "{who} exported the workspace's data ({count} rows)",
            rows,
        )
        return exported.format(who=who, count=number(rows))
    if entry.kind == AuditKind.FORGET_ME:
        # Translators: {who} is "a former teammate"; {stories} and {notes} are numbers.
        forgotten = _(
            "{who} asked to be forgotten: stories they shared deleted: {stories}; notes "
            "they wrote deleted: {notes}"
        )
        return forgotten.format(
            who=who,
            stories=number(_count(change.get("stories"))),
            notes=number(_count(change.get("notes"))),
        )
    if entry.kind == AuditKind.UNINSTALL:
        return _uninstalled(change.get("forget_at"))
    if entry.kind == AuditKind.RETENTION:
        months = _count(change.get("months"))
        # Translators: {notes} and {stories} are numbers; {months} a number of months.
        deleted = ngettext(
            "Serve deleted {notes} notes and {stories} stories older than {months} month",
            "Serve deleted {notes} notes and {stories} stories older than {months} months",
            months,
        )
        return deleted.format(
            notes=number(_count(change.get("notes"))),
            stories=number(_count(change.get("stories"))),
            months=number(months),
        )
    return f"{who}: {inline(entry.kind, 40)}"


def _uninstalled(forget_at: object) -> str:
    try:
        when = datetime.fromisoformat(str(forget_at))
    except ValueError:
        return _("The app was uninstalled")
    # Translators: {day} is a date, such as "24 December 2026".
    text = _(
        "The app was uninstalled: the workspace's data is deleted on {day} unless it is "
        "installed again"
    )
    return text.format(day=written_day(when.date(), "d MMMM y"))


def _setting_label(name: str) -> str:
    declared = SETTINGS_BY_NAME.get(name)
    if declared is None or declared.workspace is None:
        return f"`{inline(name, 40)}`"
    return f"*{_(declared.workspace.label)}*"


def _value(name: str, value: object) -> str:
    """A setting's value as the admin typed it; channels as links to them."""
    text = "" if value is None else str(value)
    if not text.strip():
        return _(EMPTY_VALUE)
    declared = SETTINGS_BY_NAME.get(name)
    asked = declared.workspace.ask if declared and declared.workspace else "text"
    parts = [part.strip() for part in text.split(",")]
    if asked in ("channel", "channels") and all(CHANNEL_ID.fullmatch(p) for p in parts):
        return ", ".join(f"<#{part}>" for part in parts)
    return inline(text, VALUE_LIMIT)


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0
