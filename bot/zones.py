"""The one reader of time zone names, wherever one enters Serve: the settings form,
DEFAULT_TIMEZONE, a person's Slack profile. ZoneInfo treats a name as a path under the
zone database, so a folder (`America`), a way out of it (`../etc`), the machine's own
zone (`localtime`) or a name too long for the file system raise, or worse, quietly
work. A name is a zone here only if it is one of the IANA keys the database lists."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

LONGEST_NAME = 64  # the longest IANA key is 32 characters; the column holds 64
NOT_ZONES = frozenset({"localtime", "posixrules"})  # files a system adds, not IANA keys


def time_zone(name: str | None) -> ZoneInfo | None:
    """The zone `name` names, or None when it names no IANA zone."""
    if not name or len(name) > LONGEST_NAME or name not in _known():
        return None
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # listed, yet unreadable: no zone either
        return None


def is_time_zone(name: str) -> bool:
    return time_zone(name) is not None


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """The IANA keys, read once: listing them walks the zone database's folders."""
    return frozenset(available_timezones()) - NOT_ZONES
