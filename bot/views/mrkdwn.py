"""Slack mrkdwn pieces. Every piece of user text passes through `escape` before it is shown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel.dates import DateTimePattern, format_date, format_skeleton
from babel.numbers import format_currency, format_decimal

from bot.languages import ENGLISH, N_, _, cldr_locale, voice
from bot.store.models import FORMER_TEAMMATE

FORMER = N_("a former teammate")
DATE_AND_TIME = N_("{date_short_pretty} at {time}")  # Slack's own date tokens, kept
# Translators: joins the people of a list, one more each time: "{people} and {person}".
AND_ONE_MORE = N_("{people} and {person}")


def escape(text: str) -> str:
    """Make user text inert: no `<!channel>` pings, no `<@U…>` mentions, no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A person, as Slack shows them; someone Serve was asked to forget, without a name."""
    if user_id == FORMER_TEAMMATE:
        return _(FORMER)
    return f"<@{user_id}>"


def link(address: str, label: str) -> str:
    return f"<{url(address)}|{escape(label)}>"


def url(address: str) -> str:
    """A link's address made safe inside a `<address|words>` token, for sentences that
    carry their own link words."""
    return address.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def money(amount: Decimal, currency: str | None) -> str:
    """An amount as the reader's locale writes it (R$ 45.000, 1.234,50 €, $84,000): no
    cents on a whole amount."""
    where = voice().cldr
    whole = amount == amount.to_integral_value()
    if not currency:
        return format_decimal(amount, format="#,##0" if whole else "#,##0.00", locale=where)
    pattern = where.currency_formats["standard"].pattern.split(";")[0]
    if whole:
        pattern = pattern.replace(".00", "")
    try:
        return format_currency(
            amount, currency, format=pattern, locale=where, currency_digits=False
        )
    except (ValueError, KeyError):
        return f"{format_decimal(amount, locale=where)} {currency}"


def number(value: int | Decimal) -> str:
    """A count or limit as the reader's locale writes it (3,000 · 3.000 · 3 000)."""
    return format_decimal(value, locale=voice().cldr)


def slack_date(moment: datetime, token: str | None = None) -> str:
    """A date every reader sees in their own time zone, as their Slack writes dates;
    UTC text in the reader's language where clients can't."""
    fallback = _utc_text(voice().formats, moment.astimezone(UTC))
    return f"<!date^{int(moment.timestamp())}^{token or _(DATE_AND_TIME)}|{fallback} UTC>"


@lru_cache(maxsize=4096)
def _utc_text(formats: str, utc: datetime) -> str:
    """A moment's date and time in UTC as the locale writes them, kept for the next
    draw: a deal's reply is drawn again when it is recorded, with the same dates."""
    joined, on_day, at_time = _date_and_time(formats)
    where = cldr_locale(formats)
    return joined.replace("{1}", on_day.apply(utc, where)).replace("{0}", at_time.apply(utc, where))


@cache
def _date_and_time(formats: str) -> tuple[str, DateTimePattern, DateTimePattern]:
    """The locale's medium date-and-time joiner, its medium date and its short time
    patterns, parsed once per locale: a deal's reply writes a date per check-in."""
    where = cldr_locale(formats)
    joined = str(where.datetime_formats["medium"])
    return joined, where.date_formats["medium"], where.time_formats["short"]


def day(moment: date) -> str:
    """A calendar day in the reader's locale (7 de dez. de 2026, 7. Dez. 2026)."""
    return format_date(moment, "medium", locale=voice().cldr)


def written_day(moment: date, pattern: str) -> str:
    """A day spelled out with a CLDR pattern ("EEEE d MMMM y": Thursday 24 December
    2026), its names in the reader's language."""
    speaking = voice()
    if speaking.language == ENGLISH:
        return format_date(moment, pattern, locale=speaking.cldr)
    skeleton = "".join(ch for ch in pattern if ch.isalpha())  # each language's own order
    return format_skeleton(skeleton, moment, locale=speaking.cldr)


def together(people: Iterable[str]) -> str:
    """People (mentions, already escaped) as one list: "A and B and C" in English."""
    joined = ""
    for person in people:
        joined = _(AND_ONE_MORE).format(people=joined, person=person) if joined else person
    return joined


def quote(text: str) -> str:
    """User text as a mrkdwn block quote, escaped."""
    return ">" + escape(text).replace("\n", "\n>")


def fit(text: str, limit: int = 3000, escaped: bool = True) -> str:
    """Text cut to `limit` characters, ending in an ellipsis when cut. Escaped text is
    never cut inside an escape such as `&amp;` or a `<…>` token."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if escaped:
        for opener, closer in (("&", ";"), ("<", ">")):
            start = cut.rfind(opener)
            if start != -1 and closer not in cut[start:]:
                cut = cut[:start]
    return cut + "…"


def inline(text: str, limit: int) -> str:
    """User text shown within a sentence: escaped, then fitted to `limit`."""
    return fit(escape(text), limit)
