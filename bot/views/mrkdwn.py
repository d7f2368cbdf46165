"""Slack mrkdwn pieces. Every piece of user text passes through `escape` before it is shown."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.store.models import FORMER_TEAMMATE

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def escape(text: str) -> str:
    """Make user text inert: no `<!channel>` pings, no `<@U…>` mentions, no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    """A person, as Slack shows them; someone Serve was asked to forget, without a name."""
    if user_id == FORMER_TEAMMATE:
        return "a former teammate"
    return f"<@{user_id}>"


def link(url: str, label: str) -> str:
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{escape(label)}>"


def money(amount: Decimal, currency: str | None) -> str:
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    sign = CURRENCY_SIGNS.get(currency or "")
    if sign:
        return f"{sign}{number}"
    return f"{number} {currency}" if currency else number


def slack_date(moment: datetime, token: str = "{date_short_pretty} at {time}") -> str:
    """A date every reader sees in their own time zone; UTC text where clients can't."""
    fallback = moment.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


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
