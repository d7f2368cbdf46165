"""Reading a Slack message for a closed deal: who the customer is, who owns it, what
it is worth. People write wins in many ways and CRMs post them as fields; near misses
("closing next week", "closed lost", "closed the ticket", questions) must not count.
Pure: a message dict in, a `DealSighting` or None out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class DealSighting:
    customer: str
    owner_id: str | None
    owner_name: str | None
    amount: Decimal | None
    currency: str | None
    from_integration: bool


STAGE_KEYS = ("stage", "deal stage", "opportunity stage", "pipeline stage", "status")
CUSTOMER_KEYS = (
    "customer",
    "account",
    "account name",
    "company",
    "company name",
    "client",
    "organisation",
    "organization",
    "deal",
    "deal name",
    "opportunity",
    "opportunity name",
)
OWNER_KEYS = (
    "owner",
    "deal owner",
    "account owner",
    "opportunity owner",
    "rep",
    "sales rep",
    "account executive",
    "closed by",
    "assigned to",
)
AMOUNT_KEYS = ("amount", "deal amount", "deal value", "value", "contract value", "arr", "acv")

WON_STAGE = re.compile(r"closed[\s_-]*won|\bwon\b|\bsigned\b", re.I)
LOST_STAGE = re.compile(r"lost|dead|disqualif|cancel|churn", re.I)

POSITIVE = re.compile(
    r"\bclosed[\s-]*won\b|\bclosed\b|\bsigned\b|\bsigns\b|\bwon\b|\blanded\b|\bbooked\b|"
    r"\binked\b|\bsealed\b|\brenewed\b|\bsecured\b|\bbagged\b|\bdeal (?:is )?done\b|"
    r"\b(?:on|for|after) (?:closing|signing|landing|winning)\b|\bnew (?:customer|client|logo)\b|"
    r"\bnow an? (?:customer|client)\b|\bgot (?:the |a )?signature\b|\bsignature is in\b",
    re.I,
)
# Anywhere in the message, these mean the deal did not happen.
LOST = re.compile(
    r"closed[\s-]*lost|\blost\b|\bloses\b|fell through|fall(?:ing|s)? through|\bchurn|"
    r"\bcancel|backed out|pulled out|walked away|\bdeclined\b|\bno deal\b",
    re.I,
)
# Within the clause that says "closed" / "signed", these make it not (yet) a win.
NOT_YET = re.compile(
    r"\b(?:didn'?t|did not|don'?t|do not|not|never|hasn'?t|has not|haven'?t|have not|"
    r"won'?t|will not|isn'?t|wasn'?t|yet to|failed to|couldn'?t|could not|unable to)"
    r"\s+(?:yet\s+|actually\s+|officially\s+)?(?:be\s+)?(?:sign|close|win|land|book)|"
    r"\b(?:will|'ll|going to|gonna|about to|hope to|hoping to|plan(?:ning)? to|"
    r"expect(?:ed|ing)? to|aim(?:ing)? to|trying to|try to|want to|should|might|may|could|"
    r"likely to|set to|on track to|close to|need to|needs to|must)\s+(?:\w+\s+)?"
    r"(?:be\s+)?(?:clos|sign|win|land|book)|"
    r"\bcloses\b|\bnext (?:week|month|quarter|year|monday|tuesday|wednesday|thursday|friday)\b|"
    r"\btomorrow\b|\bsoon\b|\blater (?:this|today)\b|\bby (?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day\b|\bby (?:eod|eow|eom|eoq|eoy|end of)\b|\bfingers crossed\b|"
    r"\balmost\b|\bnearly\b|\bverbal(?:ly)?\b|\bpending\b|\bif\b|\bonce (?:we|they)\b|"
    r"\bnda\b|non-?disclosure|\bsign(?:ed|s|ing)? (?:up|in|off|out)\b",
    re.I,
)
CLAUSE_BREAK = re.compile(r"[.!?;,:—–\n]+(?:\s|$)|\s[-|]\s|[!?;,—–\n]")
SENTENCE_BREAK = re.compile(r"[.!?]+(?:\s|$)|\n")
NOT_THIS_DEAL = re.compile(r"pipeline|quota|target|forecast|\bytd\b|year to date|so far", re.I)
PROGRESSIVE = re.compile(r"(?<!on )(?<!for )(?<!after )\b(?:closing|signing)\b", re.I)
NOT_A_SALE = re.compile(
    r"\bclos(?:ed|ing)\s+(?:out\s+)?(?:(?:the|a|an|this|that|my|our|his|her|their|all|"
    r"those|these|\d+)\s+)?(?:[\w'’-]+\s+){0,2}(?:ticket|issue|bug|pr|pull request|case|"
    r"incident|door|laptop|loop|thread|tab|window|book|sprint|jira|epic|task|account|"
    r"position|role|req|office|store|shop|meeting|call|chapter|gap|channel|poll|survey|"
    r"browser|app|story|stories|milestone|round|quarter|month)s?\b",
    re.I,
)
QUESTION_START = re.compile(
    r"^(?:did|has|have|is|are|was|were|when|will|can|could|should|do|does|any|who|why|how)\b",
    re.I,
)

CAP = r"[A-Z0-9][\w&.'’+\-]*"
CONNECTOR = r"(?:&|of|de|du|la|le|von|van|der|del|y)"
NAME = rf"{CAP}(?:\s+(?:{CONNECTOR}\s+)?{CAP})*"
VERB = (
    r"closed[\s-]*won|closed|signed|won|landed|booked|inked|sealed|renewed|secured|bagged|"
    r"closing|signing|landing|winning|deal (?:is )?done|got (?:the |a )?signature"
)
FILLER = (
    r"(?:(?:the|a|an|our|their|its|this|that|another|a new|the new)\s+)?"
    r"(?:[$€£¥]?[\d.,]+\s*[kKmM]?\s+)?(?:\d+[- ]?(?:year|yr|month|seat)s?\s+)?"
    r"(?:(?:deal|contract|agreement|renewal|expansion|order|partnership|pilot|"
    r"subscription|licen[cs]e|paperwork)\s+(?:with|for|from|at)\s+|with\s+|from\s+|up\s+)?"
)
AFTER_VERB = re.compile(rf"\b(?i:{VERB})\b\s*[:\-–—]?\s*(?i:{FILLER})(?P<name>{NAME})")
BEFORE_VERB = re.compile(
    rf"(?P<name>{NAME})\s+(?i:(?:(?:has|have|just|officially|finally|now|is|are)\s+)*"
    rf"(?:signed|closed[\s-]*won|closed|renewed|is live|went live|came on board|"
    rf"(?:a\s+)?(?:new\s+)?(?:customer|client)\b))"
)
WELCOME = re.compile(rf"\b(?i:welcome\s+(?:aboard,?\s+|to the family,?\s+)?)(?P<name>{NAME})")
NOT_NAMES = {
    "the",
    "a",
    "an",
    "we",
    "i",
    "our",
    "they",
    "it",
    "he",
    "she",
    "you",
    "team",
    "big",
    "huge",
    "great",
    "just",
    "today",
    "finally",
    "officially",
    "congrats",
    "congratulations",
    "woohoo",
    "yay",
    "new",
    "deal",
    "customer",
    "client",
    "contract",
    "another",
    "this",
    "that",
    "them",
    "everything",
    "everyone",
    "all",
    "win",
    "good",
    "news",
    "amazing",
    "awesome",
    "yes",
    "wow",
    "omg",
    "boom",
    "and",
    "also",
    "so",
    "closed",
    "signed",
    "won",
    "both",
    "us",
    "me",
    "him",
    "her",
    "paperwork",
    "renewal",
    "stage",
    "opportunity",
    "account",
    "owner",
    "amount",
    "nda",
}
TRAILING_NOT_NAMES = {"today", "this", "yesterday", "tonight", "finally", "officially", "again"}
NAME_WORDS_MAX, NAME_CHARS_MAX = 6, 80
MONEY_WORD = re.compile(r"[$€£¥]?\d[\d.,]*(?:[kKmM]|mm|bn)?|USD|EUR|GBP|JPY|CAD|AUD|CHF")

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
SPECIAL = re.compile(r"<[!#][^>]*>")
EMOJI = re.compile(r":[a-z0-9_+\-']+:")
FORMAT = re.compile(r"(?<![\w])[*_~]+|[*_~]+(?![\w])")
FIELD_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(\S.*?)\s*$")

CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
CURRENCY_CODES = "USD|EUR|GBP|JPY|CAD|AUD|CHF|SEK|NOK|DKK|INR|SGD|NZD|BRL|MXN|ZAR"
CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}
NUMBER = (
    r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.])|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d+(?:\.\d+)?)"
)
MULTIPLIER = r"(?P<mult>mm|[kKmM]|bn|[bB])?"
AMOUNT_PATTERNS = (
    re.compile(rf"(?P<sym>[$€£¥])\s?{NUMBER}\s?{MULTIPLIER}(?![\w])"),
    re.compile(rf"\b(?P<code>{CURRENCY_CODES})\s?{NUMBER}\s?{MULTIPLIER}(?![\w])"),
    re.compile(
        rf"(?<![\w.,]){NUMBER}\s?{MULTIPLIER}\s?(?P<code>{CURRENCY_CODES}|dollars|euros|pounds)\b",
        re.I,
    ),
)
MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000}


def recognise_deal(message: Mapping[str, Any]) -> DealSighting | None:
    """Return what a closed-deal post says, or None when the message is not one."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    texts, fields = _read(message, integration)
    raw_text = "\n".join(texts)
    stage = _field(fields, STAGE_KEYS)
    if stage is not None:
        if LOST_STAGE.search(stage) or not WON_STAGE.search(_plain(stage).strip()):
            return None
    elif not _announces_a_win(_plain(raw_text)):
        return None
    customer = _customer(fields, message, raw_text)
    if customer is None:
        return None
    owner_id, owner_name = _owner(fields, raw_text, message, integration)
    amount, currency = _amount(fields, raw_text)
    return DealSighting(customer, owner_id, owner_name, amount, currency, integration)


# -- reading the message -------------------------------------------------------------


def _read(message: Mapping[str, Any], integration: bool) -> tuple[list[str], dict[str, str]]:
    """The message's prose and its `key: value` fields, from text, attachments and blocks."""
    texts: list[str] = []
    fields: dict[str, str] = {}
    text = str(message.get("text") or "")
    if text:
        texts.append(text)
    for attachment in message.get("attachments") or []:
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                texts.append(str(attachment[key]))
        for item in attachment.get("fields") or []:
            if item.get("title"):
                fields.setdefault(_key(item["title"]), str(item.get("value") or ""))
        if not any(attachment.get(k) for k in ("pretext", "title", "text", "fields")):
            texts.append(str(attachment.get("fallback") or ""))
    if integration or not text:
        for block_text, block_fields in _blocks(message.get("blocks") or []):
            if block_text and block_text not in texts:
                texts.append(block_text)
            for key, value in block_fields.items():
                fields.setdefault(key, value)
    for line in "\n".join(texts).splitlines():
        match = FIELD_LINE.match(FORMAT.sub("", line))
        if match:
            fields.setdefault(_key(match.group(1)), match.group(2))
    return texts, fields


def _blocks(blocks: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, dict[str, str]]]:
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header") and isinstance(block.get("text"), Mapping):
            yield str(block["text"].get("text") or ""), {}
        if kind == "section":
            found = {}
            for item in block.get("fields") or []:
                key, _, value = str(item.get("text") or "").partition("\n")
                if value:
                    found[_key(FORMAT.sub("", key).rstrip(":"))] = value.strip()
                else:
                    yield key, {}
            yield "", found
        elif kind == "rich_text":
            yield "".join(_rich_text(block.get("elements") or [])), {}
        elif kind == "context":
            yield " ".join(str(e.get("text") or "") for e in block.get("elements") or []), {}


def _rich_text(elements: Iterable[Mapping[str, Any]]) -> Iterable[str]:
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            yield str(element.get("text") or "")
        elif kind == "user":
            yield f"<@{element.get('user_id')}>"
        elif kind == "link":
            yield f"<{element.get('url')}|{element.get('text') or element.get('url')}>"
        elif kind == "emoji":
            yield f":{element.get('name')}:"
        elif "elements" in element:
            yield from _rich_text(element["elements"])
            yield "\n"


def _key(title: str) -> str:
    return " ".join(str(title).lower().replace("_", " ").split())


def _field(fields: Mapping[str, str], keys: Iterable[str]) -> str | None:
    for key in keys:
        if fields.get(key, "").strip():
            return fields[key].strip()
    return None


def _plain(text: str) -> str:
    """Slack mrkdwn as words: links by their label, mentions as @someone, no formatting."""
    text = MENTION.sub(" @someone ", text)
    text = LINK.sub(lambda m: m.group(2) or "", text)
    text = SPECIAL.sub(" ", text)
    text = EMOJI.sub(" ; ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = FORMAT.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


# -- is it a win? ------------------------------------------------------------------------


def _announces_a_win(text: str) -> bool:
    """A win needs one clause that says so plainly: no "next week", "not", "if" or
    "the ticket" in it. A lost deal anywhere in the message rules it out."""
    if not text or text.rstrip(" !.").endswith("?") or QUESTION_START.match(text):
        return False
    if LOST.search(text):
        return False
    return any(_clause_wins(clause) for clause in CLAUSE_BREAK.split(text))


def _clause_wins(clause: str) -> bool:
    if NOT_YET.search(clause) or NOT_A_SALE.search(clause) or PROGRESSIVE.search(clause):
        return False
    return bool(POSITIVE.search(clause))


# -- who, whose, how much -----------------------------------------------------------------


def _customer(fields: Mapping[str, str], message: Mapping[str, Any], text: str) -> str | None:
    named = _field(fields, CUSTOMER_KEYS)
    if named:
        return _clean_name(re.split(r"\s+[-–—|]\s+", _plain(named))[0], strict=False)
    for attachment in message.get("attachments") or []:
        if attachment.get("title"):
            title = re.split(r"\s+[-–—|]\s+", _plain(str(attachment["title"])))[0]
            cleaned = _clean_name(title, strict=True)
            if cleaned and not _announces_a_win(title) and not POSITIVE.search(title):
                return cleaned
    plain = _plain(text)
    for pattern in (AFTER_VERB, BEFORE_VERB, WELCOME):
        for match in pattern.finditer(plain):
            cleaned = _clean_name(match.group("name"), strict=True)
            if cleaned:
                return cleaned
    return None


def _clean_name(name: str, strict: bool) -> str | None:
    words = name.replace("’", "'").strip(" .,'\"-").split()
    for index, word in enumerate(words[1:], start=1):
        if MONEY_WORD.fullmatch(word):
            words = words[:index]
            break
    while words and words[0].lower().strip(".,!") in NOT_NAMES:
        words.pop(0)
    while words and words[-1].lower().strip(".,!") in TRAILING_NOT_NAMES:
        words.pop()
    if not words:
        return None
    cleaned = " ".join(words[:NAME_WORDS_MAX]).strip(" .,!-")[:NAME_CHARS_MAX]
    if strict and not re.match(r"[A-Z0-9]", cleaned):
        return None
    return cleaned or None


def _owner(
    fields: Mapping[str, str], text: str, message: Mapping[str, Any], integration: bool
) -> tuple[str | None, str | None]:
    named = _field(fields, OWNER_KEYS)
    if named:
        mention = MENTION.search(named)
        if mention:
            return mention.group(1), None
        return None, _plain(named)[:200] or None
    mention = MENTION.search(text)
    if mention:
        return mention.group(1), None
    if not integration and message.get("user"):
        return str(message["user"]), None
    return None, None


def _amount(fields: Mapping[str, str], text: str) -> tuple[Decimal | None, str | None]:
    named = _field(fields, AMOUNT_KEYS)
    if named:
        found = _money(named)
        if found[0] is not None:
            return found
        bare = re.fullmatch(rf"\s*{NUMBER}\s*{MULTIPLIER}\s*", named)
        if bare:
            return _number(bare.group("num"), bare.group("mult")), None
    return _money_of_this_deal(_plain(text))


def _money_of_this_deal(text: str) -> tuple[Decimal | None, str | None]:
    """The amount said alongside the win, not a pipeline or quota total elsewhere."""
    sentences = SENTENCE_BREAK.split(text)
    for sentence in [s for s in sentences if POSITIVE.search(s)] + sentences:
        if not NOT_THIS_DEAL.search(sentence):
            found = _money(sentence)
            if found[0] is not None:
                return found
    return None, None


def _money(text: str) -> tuple[Decimal | None, str | None]:
    for pattern in AMOUNT_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("sym"):
            currency = CURRENCY_SIGNS[groups["sym"]]
        else:
            code = groups["code"]
            currency = CURRENCY_WORDS.get(code.lower(), code.upper())
        amount = _number(groups["num"], groups.get("mult"))
        if amount is not None:
            return amount, currency
    return None, None


def _number(digits: str, multiplier: str | None) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):  # 120.000 or 1.234,56
        digits = digits.replace(".", "").replace(",", ".")
    try:
        value = Decimal(digits.replace(",", "")) * MULTIPLIERS.get((multiplier or "").lower(), 1)
    except InvalidOperation:
        return None
    whole = value == value.to_integral_value()
    return value.quantize(Decimal(1)) if whole else value.normalize()
