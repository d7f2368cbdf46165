"""Reading a Slack message for a closed deal: who the customer is, who owns it, what
it is worth. People write wins in many ways and CRMs post them as fields or as text;
near misses ("closing next week", "closed lost", "closed the ticket", a signed NDA,
questions, pipeline totals) must not count. Pure: a message dict in, a `DealSighting` or
None out. Only the first `READ_LIMIT` characters are read, and every pattern is linear
in its input, so no post can hold the bot up."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from . import markup, naming, other_languages, signs, vocabularies
from .markup import Kind, Token
from .vocabularies import Language

READ_LIMIT = 4000


@dataclass(frozen=True)
class DealSighting:
    customer: str
    owner_id: str | None
    owner_name: str | None
    amount: Decimal | None
    currency: str | None
    from_integration: bool


STAGE_KEYS: tuple[str, ...] = (
    "stage",
    "deal stage",
    "opportunity stage",
    "pipeline stage",
    "status",
)
CUSTOMER_KEYS: tuple[str, ...] = (
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
    "new logo",
    "new customer",
    "new client",
    "customer name",
    "client name",
    "contracting authority",
    "buyer",
    "awarding body",
    "item",
)
OWNER_KEYS: tuple[str, ...] = (
    "owner",
    "deal owner",
    "account owner",
    "opportunity owner",
    "rep",
    "sales rep",
    "account executive",
    "ae",
    "closed by",
    "assigned to",
)
AMOUNT_KEYS: tuple[str, ...] = (
    *("amount", "deal amount", "deal value", "value", "contract value", "arr", "acv"),
    *("award value", "order value", "po value", "deal size", "total", "fee"),
)
# The same fields as CRMs name them in Serve's other languages ("Organización", "Betrag").
STAGE_KEYS = (*STAGE_KEYS, *vocabularies.field_keys("stage"))
CUSTOMER_KEYS = (*CUSTOMER_KEYS, *vocabularies.field_keys("customer"))
OWNER_KEYS = (*OWNER_KEYS, *vocabularies.field_keys("owner"))
AMOUNT_KEYS = (*AMOUNT_KEYS, *vocabularies.field_keys("amount"))

WON_STAGE = re.compile(r"closed[\s_-]*won|\bwon\b|\bsigned\b", re.I)
LOST_STAGE = re.compile(r"lost|dead|disqualif|cancel|churn", re.I)

POSITIVE = re.compile(
    r"\bclosed[\s-]*won\b|\bclosed\b|\b(?:counter)?signed\b|\bsigns\b|\bwon\b|\blanded\b|"
    r"\bbooked\b|\binked\b|\bsealed\b|\brenewed\b|\bsecured\b|\bbagged\b|\bexecuted\b|"
    r"\bdeal (?:is )?done\b|\b(?:on|for|after) (?:closing|signing|landing|winning)\b|"
    r"\bnew (?:customer|client|logo)\b|\b(?:is|are|become|became)\s+(?:now\s+)?(?:officially\s+)?"
    r"(?:an?\s+)?(?:paying\s+)?(?:customer|client)\b|\bon board\b|"
    r"\bgot (?:the |a )?signature\b|\bsignature is in\b|\b(?:have|has) win\b|"
    r"\b(?:renewal|contract|deal) (?:is )?done\b|\bdone deal\b|"
    r"\b(?:bought|purchased|upgraded to)\b[^.;!?]{0,40}?\b(?:plan|licen[cs]es?|seats?|"
    r"subscription|package|tier|edition)\b|"
    r"\b(?:po|purchase order)\s+(?:came in|received|arrived|is in)\b",
    re.I,
)
# In a sentence, these are documents that come before a sale, not the sale.
NOT_A_SALE_DOCUMENT = re.compile(
    r"\bnda\b|non-?disclosure|\bdpa\b|data processing|\bletter of intent\b|\bloi\b|"
    r"\bterm sheet\b|\bm?cda\b|confidentiality agreement|\bmnda\b",
    re.I,
)
# Anywhere in the message, these mean the deal did not happen.
LOST = re.compile(
    r"closed[\s-]*lost|\blost\b|\bloses\b|fell through|fall(?:ing|s)? through|\bchurn|"
    r"backed out|pulled out|walked away|\bno deal\b|\bwe were (?:so+ |really |very )?close\b|"
    r"\bpipped us\b|\bbeat us\b|\bnot (?:a |quite |yet )?(?:done deal|signed|closed|final)\b",
    re.I,
)
# Within the clause that says it, these undo a win; elsewhere in a long story they are
# history ("even when the RFP was cancelled").
UNDONE = re.compile(r"\bcancel|\bdeclined\b|\bno longer\b|\bterminated\b", re.I)
# Within the clause that says "closed" / "signed", these make it not (yet) a win, or
# not a sale, or not one deal.
NOT_YET = re.compile(
    r"\b(?:didn'?t|did not|don'?t|do not|not|never|hasn'?t|has not|haven'?t|have not|"
    r"won'?t|will not|isn'?t|wasn'?t|yet to|failed to|couldn'?t|could not|unable to)"
    r"\s+(?:yet\s+|actually\s+|officially\s+)?(?:be\s+)?(?:(?:counter)?sign|close|win|land|book)|"
    r"\bas commit\b|\bbest case\b|\b\d+% there\b|"
    r"\b(?:will|'ll|going to|gonna|about to|plan(?:ning)? to|expect(?:ed|ing)? to|"
    r"aim(?:ing)? to|trying to|try to|want to|should|might|may|could|likely to|set to|"
    r"on track to|close to|need to|needs to|must)\s+(?:\w+\s+){0,2}(?:be\s+)?"
    r"(?:clos|sign|win|land|book)|"
    r"\bhop(?:e|es|ed|ing)\b|\bpray(?:ing)?\b|\bwish(?:ed)?\s+(?:we|they|i|it|he|she)\b|\bwon['’]?t\b|\bunpaid\b|\bpoc\b|"
    r"\bproof of concept\b|\bfree (?:pilot|trial)\b|"
    r"\bcloses\b|\bfingers crossed\b|\bprovisional(?:ly)?\b|\btentative(?:ly)?\b|"
    r"\bpencil(?:led)?\b|"
    r"\bsubject to\b|\bon hold\b|\bin principle\b|"
    r"\balmost\b|\bnearly\b|\bverbal(?:ly)?\b|\bpending\b|\bif\b|\bonce (?:we|they)\b|"
    r"\bfor review\b|\bshortlist|\b(?-i:target|prospect)|"  # "Closed Target": a name
    r"\bsign(?:ed|s|ing)? (?:in|out)\b|\bsign(?:ed|s|ing)? off\b(?![^.;!?]{0,40}\b(?:sow|"
    r"contract|retainer|agreement|order|po|proposal)\b|.{0,60}?[$€£¥₹])|\bsigned by us\b|"
    r"\bwaiting (?:on|for)\b|"
    r"\bawaiting\b|\bstill open\b|\blast year\b|\b(?:customer|client)s? of\b|"
    r"\b(?-i:pipeline|quota|forecast)\b|\bso far\b|\bytd\b|\byear to date\b|"
    r"\bthis (?:quarter|month|year)\b|\bdeals\b|"
    r"\bbooked\b[^.;!?]{0,40}?\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|"
    r"thu|thurs|fri|sat|sun|tmrw|tomorrow|tonight|\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)|as backup)\b|"
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|sat|sun|tmrw|tomorrow|\d{1,2}(?:[:.]\d{2})?"
    r"\s?(?:am|pm))\b[^.;!?]{0,20}?\bbooked\b|"
    r"\b(?:demo|meeting|call|webinar|flight|hotel|room|session|workshop|lunch|dinner|"
    r"breakfast|table|trip|travel|venue|offsite|tickets?|do|party|drinks|meal|reception|"
    r"scaffold|tasting|viewing|visit|survey)s?\b[^.;!?]{0,40}?\bbooked\b|"
    r"\bbooked\s+(?:a|an|the|our|my)?\s*(?:demo|meeting|call|webinar|flight|hotel|room)",
    re.I,
)
# When: later, so not yet, beside a verb that says it happens then ("signs next week",
# "booked for Feb"); beside one that says it happened, the deal is done and its work is
# later ("confirmed canapés for next year").
LATER = re.compile(
    r"\bnext (?:week|month|quarter|year|monday|tuesday|wednesday|thursday|friday)\b|"
    r"\btomorrow\b|\bsoon\b|\blater (?:this|today)\b|\bby (?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day\b|\bby (?:eod|eow|eom|eoq|eoy|end of)\b|"
    r"\bbooked\s+(?:in\s+)?for\s+(?:the\s+)?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
    r"dec|next|mon|tue|wed|thu|fri|sat|sun|tomorrow)",
    re.I,
)
HAPPENS_THEN = re.compile(r"\b(?:signs|closes|signing|closing|lands|books)\b", re.I)
CLAUSE_BREAK = re.compile(
    r"[.!?;,:—–·|\n]+(?:\s|$)|\s[-|·]\s|[!?;—–·|()\n]|,(?!\d)|\s(?:and that|which|so that)\s"
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")
TOTAL_BREAK = re.compile(r"\s(?:and|which|so|that)\s|[;—–(]|,\s")
NOT_THIS_DEAL = re.compile(r"pipeline|quota|target|forecast|\bytd\b|year to date|so far", re.I)
SIGNED_UP = re.compile(r"\bsign(?:ed|s|ing)? up\b", re.I)  # a plan, or a webinar: ask
PROGRESSIVE = re.compile(r"(?<!on )(?<!for )(?<!after )\b(?:closing|signing)\b", re.I)
NOT_A_SALE = re.compile(
    r"\bclos(?:ed|ing)\s+(?:out\s+)?(?:(?:the|a|an|this|that|my|our|his|her|their|all|"
    r"those|these|two|three|\d+)\s+)?(?:[\w$€£'’.,-]+\s+){0,2}"
    r"(?-i:ticket|issue|bug|pr|pull request|case|incident|door|laptop|loop|thread|tab|window|"
    r"book|sprint|jira|epic|task|account|"
    r"position|role|req|office|store|shop|meeting|call|chapter|gap|channel|poll|survey|"
    r"browser|app|story|stories|milestone|round|quarter|month|search|hunt|interview|deck|"
    r"slides?|books|report|survey|escalation|outage|postmortem|course|exam|class|training|"
    r"findings|actions|items|tests|"
    r"[pP][0-4]|(?:sev|SEV|Sev)-?[0-4])s?\b|\bcertified\b|"
    r"\b(?:ticket|issue|bug|case|incident|request|pr|pull request|jira|build|deploy(?:ment)?|"
    r"job|role|position|req|requisition|hiring|opening|vacancy|sprint|milestone|alert|"
    r"poll|survey|epic|story|escalation|outage|p[0-4]|sev-?[0-4])s?\b[^.;!?]{0,40}?"
    r"\bclos(?:ed|ing)\b|\bissue resolved\b|"
    r"\bnew logo (?:slide|design|artwork|file|font|colou?r)s?\b|"
    r"\bsigned (?:copy|copies|photo|poster|jersey|shirt|ball|card|print)s?\b|"
    r"\b(?:office|store|shop|school|building|branch|bank|road|kitchen|canteen|gym|desk|"
    r"helpdesk|queue|portal|registration|signups?|applications?|restaurant|cafe)s?\s+"
    r"(?:is\s+|are\s+|was\s+|were\s+|will be\s+)?closed\b|"
    r"\b(?:studio|warehouse|plant|factory|airport|station)s?\s+(?:is\s+|are\s+)?closed\b|"
    r"\bsigned for (?:the|a|an|my|our|your)\s+(?:[\w-]+\s+)?(?:box|parcel|delivery|"
    r"shipment|courier|post|letter)s?\b|"
    r"\bof the (?:month|quarter|year)\b|(?<!letter of )(?<!notice of )\baward(?!ed\b|\s+letter)|"
    r"\bprize\b|\blanded\s+(?:at|in|safely)\b|"
    r"\b(?:audit|inspection)s?\b[^.;!?]{0,15}\b(?:done|passed|complete|finished)\b|"
    r"\b(?:flight|plane)\s+(?:has\s+)?landed\b|\btrophy\b|\brookie\b|\bmvp\b|"
    # a thing's state: "the garage is closed for repairs", "door's closed", "closed till Jan"
    r"\b(?:the|a|an|our|my|your|this|that)\s+(?:[a-z][\w'’-]*\s+){0,3}(?:is|are|was|were)\s+"
    r"(?:now\s+|still\s+)?closed\b|\b[a-z]+['’]s\s+closed\b|"
    r"\bclosed\s+(?:at|until|till|due to|because|over|on weekends)\b|"
    r"\bclosed\s+for\s+(?!(?:a|an|the|our|us|me|good|\d)\b)[a-z]{3,}\b(?!\s+(?:deal|contract|renewal))",
    re.I,
)
QUESTION_START = re.compile(
    r"^(?:did|has|have|is|are|was|were|when|will|can|could|should|do|does|any|anyone|"
    r"who|why|how (?:did|do|does|is|are|was|were|can|could|should|will|come))\b",
    re.I,
)

EMOJI = re.compile(r":[a-z0-9_+\-']+:")
PICTOGRAPH = re.compile("[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]+[\ufe0f\u200d]*")
BOLD = re.compile(r"(?<![\w*])\*([^*\n]{1,120})\*(?![\w*])")
FORMAT = re.compile(r"(?<![\w])[*_~]+|[*_~]+(?![\w])")
# "Deal Won | Account Name: Apollo | Amount: …", "Transaction gagnée — Société : Gestifin SA — …"
FIELD_SEPARATOR = re.compile(r"\s+[|·—]\s+")
CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)
PAIR = re.compile(r"(?<![\w=])([^\W\d_](?:[^\W\d]| ){0,30}?)\s*=\s*([^;,|\n=]{1,200})")
FIELD_LINE = re.compile(r"^\s*([^\W\d_](?:[^\W\d_]| ){0,30}?)\s*:\s*(\S.*?)\s*$")
INLINE_OWNER = re.compile(
    r"\b(?i:owner|ae|rep|account executive)\s*:\s*([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})|"
    r"\b(?i:closed won|closed|won|signed)\s+by\s+([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3})"
)

CURRENCY_SIGNS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₦": "NGN",
    "₩": "KRW",
    "₱": "PHP",
    "฿": "THB",
    "₺": "TRY",
    "₪": "ILS",
}
SIGNS = "$€£¥₹₦₩₱฿₺₪"
DOLLAR_PREFIXES = {
    "C": "CAD",
    "A": "AUD",
    "US": "USD",
    "NZ": "NZD",
    "S": "SGD",
    "HK": "HKD",
    "R": "BRL",
    "MX": "MXN",
}
CURRENCY_CODES = naming.CURRENCY_CODES
LETTER_PREFIXES = {"RM": "MYR", "Rs": "INR", "KSh": "KES", "R": "ZAR"}
CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}


def _number_pattern(spoken: str) -> str:
    """A figure as people write it (1,234.56, 1.234,56, 1 234,56, 1'234.50, 18,00,000, and
    1,2 before a multiplier); `spoken` adds a language's multiplier words to that last."""
    return (
        r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.])|\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])"
        r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:['’\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?![\d])"
        rf"|\d+,\d{{1,2}}(?=\s?(?:{spoken}mm|[kKmM]|bn)\b)|\d+(?:\.\d+)?)"
    )


def _amount_patterns(spoken: str = "") -> tuple[re.Pattern[str], ...]:
    """Where a currency goes around a figure; `spoken` is a language's multiplier words
    as alternatives ("mil|Mio\\.?|"), tried before the English ones."""
    number = _number_pattern(spoken)
    multiplier = (
        rf"(?P<mult>{spoken}mm|[kKmM]|bn|[bB]|million|billion|mn|mio\.?|lakhs?|crores?|L|cr)?"
    )
    patterns = (
        re.compile(
            rf"(?P<pre>\b(?:C|A|US|NZ|S|HK|R|MX))?(?P<sym>[{SIGNS}])\s?{number}\s?{multiplier}(?![\w])"
        ),
        re.compile(rf"\b(?P<code>{CURRENCY_CODES})\s?{number}\s?{multiplier}(?![\w])"),
        re.compile(rf"(?<![\w$])(?P<lp>RM|Rs\.?|KSh|R)\s?{number}\s?{multiplier}(?![\w])"),
        re.compile(rf"(?<![\w.,]){number}\s?{multiplier}\s?(?P<sym>[{SIGNS}])"),
        re.compile(
            rf"(?<![\w.,]){number}\s?{multiplier}\s?(?P<code>{CURRENCY_CODES}|dollars|euros|pounds)\b",
            re.I,
        ),
    )
    if not spoken:
        return patterns
    # "40 000 $ CAD": a dollar sign, then which dollar
    named_dollar = re.compile(
        rf"(?<![\w.,]){number}\s?{multiplier}\s?\$\s?(?P<code>{CURRENCY_CODES})\b"
    )
    return (named_dollar, *patterns)


NUMBER = _number_pattern("")
MULTIPLIER = r"(?P<mult>mm|[kKmM]|bn|[bB]|million|billion|mn|mio\.?|lakhs?|crores?|L|cr)?"
AMOUNT_PATTERNS = _amount_patterns()
MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000}
MULTIPLIERS |= {"million": 1_000_000, "billion": 1_000_000_000, "mn": 1_000_000, "mio": 1_000_000}
MULTIPLIERS |= {"mio.": 1_000_000, "lakh": 100_000, "lakhs": 100_000, "l": 100_000}
MULTIPLIERS |= {"crore": 10_000_000, "crores": 10_000_000, "cr": 10_000_000}
# How each language's multiplier words are written in a post, accents and all.
SPOKEN_MULTIPLIERS = {
    "es": r"millones|mill[oó]n|mil|",
    "pt_br": r"milh(?:ões|oes|ão|ao)|mil|mi|bi|",
    "de": r"Millionen|Milliarden|Mio\.?|Mrd\.?|Tsd\.?|",
    "fr": r"milliards|millions|million|Mds|Md|",
}
AMOUNT_PATTERNS_BY_LANGUAGE = {
    code: _amount_patterns(spoken) for code, spoken in SPOKEN_MULTIPLIERS.items()
}


def recognise_deal(message: Mapping[str, Any]) -> DealSighting | None:
    """Return what a closed-deal post says, or None when the message is not one, or not
    one Serve is sure of (see `guess_deal`): exactly the sure readings of `read_post`."""
    guess = guess_deal(message)
    return guess.sighting if guess is not None and guess.sure else None


@dataclass(frozen=True)
class Guess:
    """What the rules make of a post that says a deal was won: the deal, and whether its
    customer is the best-ranked name and one that makes sense (else a person settles it;
    the customer may then be "", when no name was found)."""

    sighting: DealSighting
    sure: bool


def guess_deal(message: Mapping[str, Any]) -> Guess | None:
    """The rules' reading of a post that announces a win, sure or not; None when the
    post does not announce one."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    texts, fields = _read(message, integration)
    raw_text = "\n".join(texts)[:READ_LIMIT]
    language = _language(raw_text, fields)
    stage = _field(fields, STAGE_KEYS)
    if stage is not None:
        if not _stage_won(stage) and not _won_past_its_stage(stage, raw_text, language):
            return None
    elif not _announces_a_win(_plain(raw_text), language) or PENDING.search(_plain(raw_text)):
        return None
    customer, sure = _customer(fields, message, raw_text, integration, language)
    if customer is None:
        return None
    if not customer and stage is None and not _says_it_plainly(_plain(raw_text), language):
        return None  # "won the hackathon", "secured a room": no sale without a name
    owner_id, owner_name = _owner(fields, raw_text, message, integration)
    amount, currency = _amount(fields, raw_text, language)
    found = signs.weigh(_cues(raw_text), amount is not None, stage is not None, language)
    if not customer and not found.backed:
        return None  # "yes, signed and sent back to HR": no name, nothing sold, no cheer
    if amount is None and NOT_A_SALE_DOCUMENT.search(_plain(raw_text)):
        return None  # "Envelope completed - Mutual NDA ... All parties have signed."
    if found.elsewhere is not None:
        return None  # "Marco won the fantasy league", "our competitor signed Target"
    sighting = DealSighting(customer, owner_id, owner_name, amount, currency, integration)
    sure = sure and found.unsettled is None and not _lower_among_capitals(customer, raw_text)
    return Guess(sighting, sure)


def _language(text: str, fields: Mapping[str, str]) -> Language | None:
    """The language the post is written in, when not English: from its words and its
    fields' names and values, never from who posted it."""
    said = " ".join([_plain(text), *fields, *fields.values()])
    return vocabularies.language_of(said)


def _stage_won(stage: str) -> bool:
    """A CRM stage that says won ("Closed Won", "Ganho", "Gewonnen"), and not lost."""
    folded = vocabularies.fold(_plain(stage).strip())
    if LOST_STAGE.search(stage) or vocabularies.LOST_STAGE.search(folded):
        return False
    return bool(WON_STAGE.search(_plain(stage).strip()) or vocabularies.WON_STAGE.search(folded))


def _won_past_its_stage(stage: str, text: str, language: Language | None) -> bool:
    """A stage named for a step, not an outcome ("Fechamento", the closing step), under a
    CRM post in another language whose own words say the deal was won ("Negociação ganha
    no RD Station CRM"); a lost stage never is."""
    folded = vocabularies.fold(_plain(stage).strip())
    if language is None or LOST_STAGE.search(stage) or vocabularies.LOST_STAGE.search(folded):
        return False
    return _announces_a_win(_plain(text), language) and not PENDING.search(_plain(text))


def _says_it_plainly(text: str, language: Language | None) -> bool:
    if language is not None and other_languages.says_it_plainly(text, language):
        return True
    return STRONG_WIN.search(text) is not None


def _lower_among_capitals(customer: str, text: str) -> bool:
    """A name in lower case from someone who writes names with capitals ("booked from
    sequence: Police Bank"): more likely a word than a customer."""
    if not customer or any(c.isupper() for c in customer):
        return False
    inside = re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", _plain(text))
    return len(inside) >= 2


# Win words that announce a sale even when no name is read ("Closed it!").
STRONG_WIN = re.compile(
    r"\bclosed\b|\b(?:counter)?signed\b|\binked\b|\bnew (?:customer|client|logo)\b|"
    r"\bdeal (?:is )?done\b|\bdone deal\b|\bbooked\b|\blanded\b|\brenewed\b|"
    r"\b(?:po|purchase order)\b",
    re.I,
)


def prose(message: Mapping[str, Any]) -> str:
    """The words of a message as recognition reads them (text, attachments, blocks),
    within what it reads: what look-alikes are compared by."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    text = str(message.get("text") or "")
    if text and not message.get("attachments") and not (integration and message.get("blocks")):
        return text[:READ_LIMIT]  # what `_read` would find, without reading its fields
    texts, _ = _read(message, integration)
    return "\n".join(texts)[:READ_LIMIT]


def as_read(message: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a message recognition reads, within what it reads of each, and the
    thread it is in, if any: kept with a deal or a label so the message can be read again."""
    kept: dict[str, Any] = {
        key: message[key]
        for key in ("type", "subtype", "user", "bot_id", "ts", "thread_ts")
        if key in message
    }
    kept["text"] = str(message.get("text") or "")[:READ_LIMIT]
    for key, most in (("attachments", 20), ("blocks", 50)):
        if message.get(key):
            kept[key] = list(message[key])[:most]
    return kept


def amount_in(message: Mapping[str, Any]) -> tuple[Decimal | None, str | None]:
    """What a message says a deal is worth, whether or not it reads as a win."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    texts, fields = _read(message, integration)
    text = "\n".join(texts)[:READ_LIMIT]
    return _amount(fields, text, _language(text, fields))


def owner_in(message: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Who a message says owns its deal (a Slack id, or a name), as a win post would."""
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    texts, fields = _read(message, integration)
    return _owner(fields, "\n".join(texts)[:READ_LIMIT], message, integration)


def signals_a_win(message: Mapping[str, Any]) -> bool:
    """Whether the message says something like a win, sure or not: a reading of it is
    sure or unsure, never nothing."""
    return guess_deal(message) is not None or hints_a_win(message)


def hints_a_win(message: Mapping[str, Any]) -> bool:
    """Whether a post the rules do not read as a win still says something like one, in
    a clause that is no question, no loss, no forecast and no other kind of closing:
    worth asking its poster about. Words that only sound like a win ("done", "in",
    "won") count beside something that backs them: an amount, what was sold, a cheer."""
    raw = prose(message)
    text = _plain(raw)
    if not text or LOST.search(text) or PENDING.search(text):
        return False
    fields = _read(message, bool(message.get("bot_id")))[1]
    language = _language(raw, fields)
    stage = _field(fields, STAGE_KEYS)
    if stage is not None and not _stage_won(stage):
        return False  # the CRM says which stage it is, and it is not won
    priced = _amount(fields, raw, language)[0] is not None
    found = signs.weigh(_cues(raw), priced, stage is not None, language)
    if found.elsewhere is not None or (not priced and NOT_A_SALE_DOCUMENT.search(text)):
        return False
    if language is not None:
        return found.backed and other_languages.hints_a_win(other_languages.opened(text), language)
    if found.backed and signs.CHEERED_PRICE.search(_cues(raw)) and priced:
        return True  # ":bell: Go Daddy :white_check_mark: $36k": a win said in emoji
    for sentence in SENTENCE_BREAK.split(text):
        if _asks(sentence) or _before_the_sale(sentence):
            continue
        for clause in CLAUSE_BREAK.split(sentence):
            if priced and SIGNED_OFF_BY_NAME.search(clause):
                return True  # "Woolies signed off on the LED retrofit … $212k": their yes
            if _not_a_win(clause, said_when=bool(HAPPENS_THEN.search(clause))):
                continue
            hint = HINT.search(clause)
            if hint is not None and (priced or hint.group().lower() != "is done"):
                return True
            if signs.sounds_like_a_win(clause, found):
                return True
    return False


def _not_a_win(clause: str, said_when: bool = True) -> bool:
    """Not yet, or another kind of closing; a shouted clause is read in lower case, so
    "CLOSED THE ESCALATION" is the escalation (names keep their case elsewhere)."""
    if signs.shouted(clause):
        clause = clause.lower()
    later = said_when and LATER.search(clause) is not None
    return bool(
        later or NOT_YET.search(clause) or NOT_A_SALE.search(clause) or UNDONE.search(clause)
    )


SIGNED_OFF_BY_NAME = re.compile(
    r"\b[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*)* (?:have |has )?signed off\b"
)


def _before_the_sale(sentence: str) -> bool:
    """An NDA or LOI, not the sale, unless it became one ("LOI converted to PO")."""
    return bool(NOT_A_SALE_DOCUMENT.search(sentence)) and not BECAME.search(sentence)


BECAME = re.compile(r"\b(?:converted|turned|became)\s+(?:in)?to\b", re.I)


def _asks(sentence: str) -> bool:
    """A question, not "Guess who just signed?"."""
    started = bool(QUESTION_START.match(sentence))
    amazed = sentence.rstrip().endswith(("??", "?!", "!?")) and not started  # "signed too??"
    asked = (sentence.rstrip(" !.;").endswith("?") and not amazed) or started
    return asked and not re.match(r"\s*guess (?:who|what)\b", sentence, re.I)


# A win said in words the rules do not read surely ("said yes", "signature is back",
# "they sign the contract").
HINT = re.compile(
    r"\bsaid yes\b|\bsignatures? (?:is |are )?(?:back|in|done|received)\b|"
    r"\b(?:sign|signed|signs) the (?:contract|order form|deal|"
    r"paperwork|agreement|msa|sow)\b|\bclosed[\s-]*won\b|\bis done\b|"
    r"\bink is dry\b(?!\s+on\s+(?:the|a|an|my|our|this|that)\b)|"
    r"\bsold\s+(?:\d[\d,]*\s+|an?\s+|the\s+|our\s+)?(?:[\w-]+\s+)?(?:seats?|licen[cs]es?|"
    r"plans?|subscriptions?|contracts?|deals?)\b",
    re.I,
)


# A signature still to come: no win yet, however the rest reads.
PENDING = re.compile(
    r"\bneeds? (?:the |a |their |your )?signatures?\b|\bfor (?:e-?)?signatures?\b|"
    r"\bout for sign|\bhaven'?t (?:yet )?(?:counter)?signed\b|\bnot (?:yet )?(?:counter)?signed\b|"
    r"\bunsigned\b|\bwaiting (?:on|for) (?:their |the |a )?(?:counter)?signature|"
    r"\bstill (?:has|have|needs?) to\b|\bstill (?:to|waiting|hasn'?t|haven'?t)\b|"
    r"\bnot (?:yet )?countersigned\b|\bawaiting (?:signature|countersignature|(?:the )?po)\b|"
    r"\bpo to follow\b|\bpending (?:the )?po\b|\benvelope sent\b|\bsent to \d+ recipients?\b|"
    r"\bstatus: awaiting\b|\brenewal (?:in|due|reminder|date)\b|\bup for renewal\b|"
    r"\brenews (?:on|in)\b",
    re.I,
)


# -- reading the message -------------------------------------------------------------


def _read(message: Mapping[str, Any], integration: bool) -> tuple[list[str], dict[str, str]]:
    """The message's prose and its `key: value` fields, from text, attachments and blocks."""
    texts: list[str] = []
    fields: dict[str, str] = {}
    text = str(message.get("text") or "")[:READ_LIMIT]
    if text:
        texts.append(text)
    for attachment in (message.get("attachments") or [])[:20]:
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                texts.append(str(attachment[key])[:READ_LIMIT])
        for item in (attachment.get("fields") or [])[:50]:
            if item.get("title"):
                fields.setdefault(_key(item["title"]), str(item.get("value") or "")[:READ_LIMIT])
        if not any(attachment.get(k) for k in ("pretext", "title", "text", "fields")):
            texts.append(str(attachment.get("fallback") or "")[:READ_LIMIT])
    if integration or not text:
        for block_text, block_fields in _blocks((message.get("blocks") or [])[:50]):
            block_text = block_text[:READ_LIMIT]
            if block_text and block_text not in texts:
                texts.append(block_text)
            for key, value in block_fields.items():
                fields.setdefault(key, value[:READ_LIMIT])
    texts = [CODE_BLOCK.sub(" ; ", text) for text in texts]  # a query, a log: no post's words
    lines = "\n".join(texts)[:READ_LIMIT].splitlines()
    for line in (part for whole in lines for part in FIELD_SEPARATOR.split(whole)):
        match = FIELD_LINE.match(FORMAT.sub("", EMOJI.sub(" ", line)))
        if match:
            fields.setdefault(_key(match.group(1)), match.group(2))
        for pair in PAIR.finditer(line):  # "company=Quayside Credit Union; stage=won"
            fields.setdefault(_key(pair.group(1)), pair.group(2).strip())
    return texts, fields


def _blocks(blocks: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, dict[str, str]]]:
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header") and isinstance(block.get("text"), Mapping):
            yield str(block["text"].get("text") or ""), {}
        if kind == "section":
            found = {}
            for item in (block.get("fields") or [])[:20]:
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


def _rich_text(elements: Iterable[Mapping[str, Any]], depth: int = 0) -> Iterable[str]:
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            text = str(element.get("text") or "")
            bold = (element.get("style") or {}).get("bold")
            yield f"*{text.strip()}* " if bold and text.strip() else text
        elif kind == "user":
            yield f"<@{element.get('user_id')}>"
        elif kind == "link":
            yield f"<{element.get('url')}|{element.get('text') or element.get('url')}>"
        elif kind == "emoji":
            yield f":{element.get('name')}:"
        elif "elements" in element and depth < 5:
            yield from _rich_text(element["elements"], depth + 1)
            yield "\n"


def _key(title: str) -> str:
    """A field's name as the keys are written: lower case, no accents ("Organización")."""
    return " ".join(vocabularies.fold(str(title)).replace("_", " ").replace("-", " ").split())[:60]


def _field(fields: Mapping[str, str], keys: Iterable[str]) -> str | None:
    for key in keys:
        if fields.get(key, "").strip():
            return fields[key].strip()
    return None


def _cues(text: str) -> str:
    """Slack mrkdwn as words with its emoji kept, for the signs around a win."""
    return FORMAT.sub("", markup.plain(text, _as_words))


def _plain(text: str) -> str:
    """Slack mrkdwn as words: links by their label, mentions as @someone, no formatting,
    emoji as a pause, and Slack's escapes as the characters a person typed."""
    text = markup.plain(text, _as_words)
    text = EMOJI.sub(" ; ", text)
    text = PICTOGRAPH.sub(" ; ", text)
    text = FORMAT.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _as_words(token: Token) -> str:
    """A token as the words it stands for: anyone mentioned is "someone" (who is the
    owner's question, not the sentence's), a link its label (an address is no word),
    a channel or special command a pause."""
    if token.kind is Kind.USER:
        return " @someone "
    if token.kind is Kind.LINK:
        return token.label
    return " "


# -- is it a win? ------------------------------------------------------------------------


def _announces_a_win(text: str, language: Language | None = None) -> bool:
    """A win needs one clause, in a sentence that is not a question, that says so
    plainly: no "next week", "not", "if", "the ticket" or "NDA" in it. A lost deal
    anywhere in the message rules it out. A post in another language is read in its
    words, with English's losses and documents still ruling it out."""
    if not text or QUESTION_START.match(text) or LOST.search(text):
        return False
    if language is not None:
        return not NOT_A_SALE_DOCUMENT.search(text) and other_languages.announces_a_win(
            other_languages.opened(text), language
        )
    return any(
        _clause_wins(clause)
        for sentence in SENTENCE_BREAK.split(text)
        if not sentence.rstrip(" !.;").endswith("?") and not NOT_A_SALE_DOCUMENT.search(sentence)
        for clause in CLAUSE_BREAK.split(sentence)
    )


def _clause_wins(clause: str) -> bool:
    if _not_a_win(clause) or PROGRESSIVE.search(clause) or SIGNED_UP.search(clause):
        return False
    return bool(POSITIVE.search(clause))


# -- who: the customer ------------------------------------------------------------------------

# Words that say a deal was won; a name may follow them ("signed Acme") or come before
# them ("Acme signed").
WIN_WORDS = {
    "closed",
    "closed-won",
    "closedwon",
    "signed",
    "countersigned",
    "won",
    "landed",
    "booked",
    "inked",
    "sealed",
    "secured",
    "bagged",
    "renewed",
    "executed",
}
# The customer comes before these, never after: "Acme is a customer", "Acme PO came in".
NAMED_BEFORE = {"customer", "client", "board", "po", "p.o."}
# After these only a capitalised name is believed ("won the hackathon" is no sale).
WEAK_WIN_WORDS = {"won", "secured", "sealed", "bagged", "executed"}
NEW_LOGO = {"logo", "customer", "client"}
# Between a name and the win word after it: "Acme is now officially a paying customer".
LINKING = {
    "is",
    "are",
    "was",
    "has",
    "have",
    "had",
    "been",
    "become",
    "became",
    "now",
    "just",
    "finally",
    "officially",
    "fully",
    "both",
    "came",
    "back",
    "got",
    "get",
    "done",
    "and",
    "all",
    "also",
    "a",
    "an",
    "paying",
    "new",
    "on",
    "went",
    "moved",
    "were",
}
# What a deal is called, around its customer's name: "the Acme renewal is signed".
DEAL_WORDS = {
    "deal",
    "deals",
    "contract",
    "contracts",
    "renewal",
    "expansion",
    "order",
    "form",
    "paperwork",
    "agreement",
    "subscription",
    "licence",
    "license",
    "opportunity",
    "partnership",
    "pilot",
    "tender",
    "account",
    "msa",
    "sow",
    "upsell",
    "extension",
    "plan",
    "plans",
    "tier",
    "seats",
    "package",
    "edition",
    "po",
}
FILLER = {"the", "a", "an", "our", "their", "its", "this", "that", "another", "with", "w/"}
FILLER |= {"from", "up", "at", "for", "new", "of", "won", "closed-won", "opportunity"}
# Never a customer's first (or only) word, whatever its case.
NOT_NAMES = {
    "the",
    "a",
    "an",
    "we",
    "i",
    "our",
    "they",
    "it",
    "it's",
    "its",
    "he",
    "she",
    "you",
    "team",
    "today",
    "yesterday",
    "tonight",
    "this",
    "that",
    "these",
    "those",
    "them",
    "us",
    "me",
    "him",
    "her",
    "everyone",
    "everything",
    "all",
    "and",
    "also",
    "so",
    "both",
    "congrats",
    "congratulations",
    "woohoo",
    "yay",
    "yes",
    "wow",
    "omg",
    "boom",
    "news",
    "win",
    "deal",
    "customer",
    "client",
    "contract",
    "paperwork",
    "renewal",
    "stage",
    "opportunity",
    "account",
    "owner",
    "amount",
    "value",
    "nda",
    "dpa",
    "by",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "w/",
    "from",
    "after",
    "as",
    "of",
    "one",
    "another",
    "again",
    "out",
    "off",
    "over",
    "early",
    "late",
    "strong",
    "fast",
    "quickly",
    "finally",
    "officially",
    "just",
    "now",
    "big",
    "huge",
    "great",
    "good",
    "amazing",
    "awesome",
    "nice",
    "new",
    "hackathon",
    "award",
    "funding",
    "game",
    "bet",
    "lottery",
    "round",
    "pitch",
    "here",
    "there",
    "last",
    "night",
    "earlier",
    "more",
    "two",
    "three",
    "four",
    "five",
    "six",
    "ten",
}
# A name ends before these.
NAME_ENDS = NOT_NAMES | {"owner", "amount", "value", "via", "per", "worth", "ae", "rep", "and"}
NAME_ENDS |= {"morning", "afternoon", "evening", "week", "month", "year", "quarter", "tonight"}
NAME_ENDS |= {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
NAME_ENDS |= {"is", "are", "was", "has", "have", "both", "moved", "live", "demo", "today"}
NAME_ENDS |= {"years", "months", "weeks", "days", "seats", "yr", "yrs", "mo"}
FIELD_WORDS = {"value", "amount", "owner", "stage", "status", "rep", "ae", "arr", "acv", "term"}
# New Balance, Good Hemp, One Medical, Three UK: words that end a name, but may open one
NAME_OPENERS = {"big", "new", "good", "first", "one", "two", "three", "four", "five", "six"}
CONNECTORS = {"&", "+", "n", "of", "de", "du", "la", "le", "von", "van", "der", "del", "y", "and"}
ABBREVIATIONS = {"inc.", "co.", "corp.", "ltd.", "llc.", "plc.", "bros.", "st.", "intl.", "dr."}
ABBREVIATIONS |= {"ltda.", "cia.", "cía.", "ltée."}  # legal forms in Serve's other languages
DURATION = re.compile(r"\d+[-\s]?(?:years?|yrs?|months?|mos?|weeks?|days?|seats?)", re.I)
MONEY = re.compile(rf"[{SIGNS}]|^\d[\d.,']*(?:[kK]|m|mm|bn)$|^(?i:{CURRENCY_CODES})$")
INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
# A figure with thousands grouped or decimals after a comma, in any language's way of
# writing it (1,250,000 / 1.234,56 / 12'500 / 3,5): an amount, never a name's word.
GROUPED_FIGURE = re.compile(r"\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,2})?|\d+,\d{1,2}")
INITIAL = re.compile(r"[A-Z]\.|Mr\.|Mrs\.|Ms\.|Dr\.|St\.|Mt\.")
WORD_OR_PAUSE = re.compile(r"\n|[^\s]+")  # a line break ends a name
SPLIT_MARK = re.compile(r" ([.,’'])(?= |$)")  # a mark split off its word, put back
LEADING = "\"'([{"
TRAILING = ".,!?;:)]}\"'"
PAUSES = {
    "\n",
    ";",
    ",",
    ".",
    "!",
    "?",
    ":",
    "(",
    ")",
    "—",
    "–",
    "-",
    "|",
    "·",
    "<>",
    "[",
    "]",
    "/",
}
NAME_WORDS_MAX, NAME_CHARS_MAX = 12, 80
# A company field's name with its legal form after a comma: "Talleres Gómez e Hijos, S.L.",
# "Initech, Inc.", "Gestifin, SA" (a few words, then the form and nothing else).
LEGAL_FORM_AFTER_COMMA = re.compile(
    r"[^,;:\n]{2,60},\s*(?:(?:[A-Za-z]{1,2}\.){2,}|(?:Inc|Ltd|Ltda|Corp|Co|Cía|Cia)\.?|"
    r"LLC|LLP|PLC|GmbH|AG|KG|SA|SAS|SL|SRL|SpA|Sàrl|BV|NV|AB|AS|Oy)"
)


def _customer(
    fields: Mapping[str, str],
    message: Mapping[str, Any],
    text: str,
    integration: bool,
    language: Language | None = None,
) -> tuple[str | None, bool]:
    """The best-ranked name and whether it makes sense; when it does not, the first
    sensible one ranked after it is the guess offered to the person ("" when none).
    None when the win word's only object is a thing ("signed the lease"): no sale."""
    thing, rank = False, 0
    for name in _candidates(fields, message, text, integration, language):
        if name == OBJECT:
            thing = True  # a thing won ("the lease"), no name: counts for no rank
            continue
        if naming.makes_sense(name):
            return name, rank == 0
        rank += 1
        if rank > CANDIDATES_MAX:
            break
    return (None, False) if thing else ("", False)


CANDIDATES_MAX = 8


def _candidates(
    fields: Mapping[str, str],
    message: Mapping[str, Any],
    text: str,
    integration: bool,
    language: Language | None = None,
) -> Iterator[str]:
    """Customer names in the order they are believed: a CRM field, an attachment's
    title, a bold name in a CRM post, the name by the win word, a bold name, a welcome."""
    named = _field(fields, CUSTOMER_KEYS)
    if named:
        first = re.split(r"\s+[-–—|(·]\s*|\s*\(", _plain(named))[0]
        said = _words(first)
        start = next((i for i, word in enumerate(said) if word.lower() not in FILLER), len(said))
        cleaned = _name(_run(said, start, 1), strict=False)  # "monday.com signed for …"
        if cleaned and LEGAL_FORM_AFTER_COMMA.fullmatch(first.strip()):
            cleaned = naming.trimmed(first)  # a CRM's "Talleres Gómez e Hijos, S.L."
        if cleaned:
            yield cleaned
    for attachment in message.get("attachments") or []:
        if attachment.get("title"):
            title = re.split(r"\s+[-–—|]\s+", _plain(str(attachment["title"])[:READ_LIMIT]))[0]
            cleaned = _name(_words(title), strict=True)
            said_a_win = _announces_a_win(title, language) or POSITIVE.search(title)
            if language is not None and language.won.search(vocabularies.fold(title)):
                said_a_win = True  # "Negocio ganado: Metalúrgica Soler": the CRM's words
            if cleaned and not said_a_win:
                yield cleaned
    bold = _bold_name(text)
    if language is not None and bold:
        # a name in these languages holds no figure, as the words beside a win do not
        bold = other_languages.before_a_figure(bold)
    if language is not None and bold and language.won.search(vocabularies.fold(bold)):
        bold = None  # "*Negocio ganado*": the CRM's words, not a name
    if integration and bold:
        yield bold
    if language is not None:
        said = _words(other_languages.opened(_plain(text)))
        yield from other_languages.named_by_win(said, language)
        if bold:
            yield bold
        welcomed = other_languages.welcomed(said, language)
        if welcomed:
            yield welcomed
        return
    words = _words(_plain(text))
    yield from _named_by_win(words)
    if bold:
        yield bold
    welcomed = _welcomed(words)
    if welcomed:
        yield welcomed


def _words(text: str) -> list[str]:
    """Words and pauses (punctuation, emoji) in order: `Acme, Inc.` → Acme , Inc."""
    tokens: list[str] = []
    chunks = WORD_OR_PAUSE.findall(text)
    for at, chunk in enumerate(chunks):
        if chunk in PAUSES or chunk == "<>":
            tokens.append(chunk)
            continue
        following = chunks[at + 1] if at + 1 < len(chunks) else ""
        if INITIAL.fullmatch(chunk) and following[:1].isupper():
            tokens.append(chunk)  # "T. Rowe Price", "Mr. Lube"
            continue
        if INITIALS.fullmatch(chunk.rstrip(",!?;:")):
            tokens.append(chunk.rstrip(",!?;:"))  # "J.P." keeps its dots
            tokens.extend(chunk[len(chunk.rstrip(",!?;:")) :])
            continue
        lead = len(chunk) - len(chunk.lstrip(LEADING))
        tokens.extend(chunk[:lead])
        core = chunk[lead:]
        stripped = core if core.lower() in ABBREVIATIONS else core.rstrip(TRAILING)
        if stripped:
            tokens.append(stripped)
        tokens.extend(core[len(stripped) :])
    return tokens


def _is_pause(token: str) -> bool:
    return token in PAUSES or not any(c.isalnum() or c in "&@+" for c in token)


def _named_by_win(words: Sequence[str]) -> Iterator[str]:
    """Names said after a win word ("signed Acme", "New logo: Hooli"), then before one
    ("Acme is officially a customer", "the Acme renewal is signed")."""
    anchors = [i for i, word in enumerate(words) if _is_anchor(words, i)][:CANDIDATES_MAX]
    things: set[int] = set()  # anchors whose object is a thing: "signed our visitor book"
    for i in anchors:
        if _names_its_subject(words, i):
            subject = _name_before(words, i)  # "Apollo Hospitals signed the FP contract"
            if subject and _proper(subject) and naming.makes_sense(subject):
                yield subject
        after = None if words[i].lower() in NAMED_BEFORE else _name_after(words, i)
        if after == OBJECT and not any(MONEY.search(w) for w in words):
            things.add(i)  # priced, the thing is the deal: "signed the brand refresh, £160k"
        if after is not None:  # OBJECT ("") too: the win's object was a thing
            yield after
    for i in anchors:
        if words[i].lower() == "won" and i and not _is_pause(words[i - 1]):
            continue  # "India won!!!": who won, not whom we won
        if i in things:
            continue  # who signed a thing is no customer
        before = _name_before(words, i)
        if before:
            yield before


def _names_its_subject(words: Sequence[str], i: int) -> bool:
    """ "X signed the ...": the name right before the win word, what was won after it."""
    following = ("the", "a", "an", "our", "their", "for", "up")
    if not 0 < i < len(words) - 1 or words[i + 1].lower() not in following:
        return False
    if words[i].lower() in WEAK_WIN_WORDS:  # "WINDIES WON THE TEST": who won, not whom
        return False
    what = list(itertools.takewhile(lambda w: not _is_pause(w), words[i + 2 : i + 7]))
    a_thing = bool(what) and all(w.islower() for w in what)  # "our visitor book"
    sold = any(w in DEAL_WORDS or w in naming.CONTRACT_TERMS or MONEY.search(w) for w in what)
    return not _is_pause(words[i - 1]) and (sold or not a_thing)


def _is_anchor(words: Sequence[str], i: int) -> bool:
    word = words[i].lower()
    before = words[i - 1].lower() if i else ""
    after = words[i + 1].lower() if i + 1 < len(words) else ""
    if word in WIN_WORDS:
        if word == "signed" and after in ("up", "in", "off", "out"):
            return False  # "signed up for the webinar"
        return not (word == "won" and before == "closed")
    if word == "done":
        return (
            before in ("deal", "renewal", "contract")
            or after == "deal"
            or (before == "is" and i > 1 and words[i - 2].lower() == "deal")
        )
    if word == "signature":
        return "got" in (w.lower() for w in words[max(0, i - 3) : i])
    if word in ("bought", "purchased"):
        return True
    if word == "win":
        return before in ("have", "has")
    if word in ("po", "p.o."):
        return after in ("came", "received", "arrived", "is")
    if word in NEW_LOGO and before == "new":
        return True
    if word in ("customer", "client") and before in LINKING:
        return True
    if word in ("closing", "signing", "landing", "winning"):
        return before in ("for", "on", "after")
    return word == "board" and before == "on"


def _name_after(words: Sequence[str], anchor: int) -> str | None:
    """A name following the win word, past separators, articles and what the deal is."""
    i = anchor + 1
    while i < len(words) and words[i].lower() in ("won", "closed-won"):
        i += 1
    headline = anchor == 0 or words[anchor - 1].lower() in ("new", "deal", "contract", "renewal")
    headline = headline or (
        anchor <= 3 and all(_about_the_deal(w) or _is_pause(w) for w in words[:anchor])
    )
    described = False  # "signed the campus-wide license": the deal, not its customer
    sold_before = False  # "won the regional freight contract with Holloway Foods"
    while i < len(words) and (
        words[i] in (":", "—", "–", "-", "·", "|")
        or (headline and _is_pause(words[i]) and words[i] not in (".", "("))
        or _before_a_name(words[i])
        or _modifies_a_deal_word(words, i)
    ):
        described = described or words[i].lower() in ("the", "a", "an", "our", "their")
        sold_before = sold_before or _about_the_deal(words[i])
        i += 1
    run = _run(words, i, 1)
    if not run:
        return None
    if run[0].isalpha() and run[0].islower() and any(_proper(word) for word in run[1:]):
        return None  # "the leave form, enjoy Goa": a verb, then a place
    thing_before = words[i - 1].lower() in ARTICLES or (
        words[i - 1].lower() == "new" and i > 1 and words[i - 2].lower() in ARTICLES
    )
    if thing_before and not any(_proper(word) for word in run):
        return OBJECT  # "signed the lease", "booked the room": a thing, not a customer
    last = i + len(run)
    if run[-1].endswith(("'s", "’s")) and last < len(words):
        if _about_the_deal(words[last]):
            run = [*run[:-1], run[-1][:-2]]  # "closing Shell's SOW": Shell
        elif words[last].islower():
            return OBJECT  # "won back Copperline's trust": a thing of theirs
    if described:
        beyond = _named_with(words, last)
        if beyond is not None:
            return beyond  # "won the Midlands distribution contract with Holloway Foods"
    ends_in_deal_word = run[-1].lower() in DEAL_WORDS or (
        last < len(words) and words[last].lower() in DEAL_WORDS
    )
    passive = anchor > 0 and words[anchor - 1].lower() in ("is", "are", "was", "were")
    prize = words[anchor].lower() in WEAK_WIN_WORDS and described
    prize = prize and not (ends_in_deal_word or sold_before)
    if prize:
        return OBJECT  # "won the pub quiz", "WON THE TEST": a prize; "won the Acme account" is not
    weak = words[anchor].lower() in WEAK_WIN_WORDS or (described and ends_in_deal_word) or passive
    return _name(run, strict=weak)


def _modifies_a_deal_word(words: Sequence[str], i: int) -> bool:
    """ "supply" in "a signed supply agreement", "managed network" in "the managed network
    contract": lower-case words that say what the deal is."""
    for j in range(i, min(i + 3, len(words))):
        if not words[j].islower() or _is_pause(words[j]):
            return False
        if words[j] in DEAL_WORDS or words[j] in naming.CONTRACT_TERMS:
            return j > i
    return False


def _named_with(words: Sequence[str], start: int) -> str | None:
    """A capitalised name after "with" / "for", within a few words of a described deal."""
    for j in range(start, min(start + 4, len(words) - 1)):
        if _is_pause(words[j]):
            return None
        if words[j].lower() in ("with", "from") and words[j - 1].lower() in DEAL_WORDS:
            return _name(_run(words, j + 1, 1), strict=True)
    return None


# What `_name_after` finds when the win word's object is a thing ("the lease").
OBJECT = ""
ARTICLES = {"the", "a", "an", "our", "their", "my", "his", "her", "this", "that"}


def _before_a_name(word: str) -> bool:
    """Words between a win and its customer: "inked a $15k, 2-year deal with Acme", "signed
    the enterprise plan with Acme", "closed the FY27 renewal with Globex"."""
    lowered = word.lower()
    return (
        lowered in FILLER
        or (lowered in naming.CONTRACT_TERMS and (word.islower() or word.isupper()))
        or naming.is_figure(word)
        or lowered in DEAL_WORDS
        or bool(MONEY.search(word))
        or bool(DURATION.fullmatch(word))
        or word == ","
    )


def _name_before(words: Sequence[str], anchor: int) -> str | None:
    """A name ending before the win word, past "is officially a", "renewal is done and"."""
    i = anchor - 1
    while i >= 0 and (
        words[i].lower() in LINKING
        or words[i].lower() in DEAL_WORDS
        or words[i] in (":", ";", "-", "—", "–")
        or (words[i].lower() in ("to", "into") and i and words[i - 1].lower() in ("went", "moved"))
    ):
        if words[i] in ("—", "–"):
            i = _before_an_aside(words, i)  # "AC Health — the Ayala group's arm — has signed"
        i -= 1
    run = list(reversed(_run(words, i, -1)))
    if run and run[-1].isdigit() and i + 1 < len(words) and _about_the_deal(words[i + 1]):
        run = _named_before_a_dash(words, i - len(run))  # "Oxford … Trust — G-Cloud 14 call-off"
    if i - len(run) >= 1 and words[i - len(run)] == "<>":
        run = list(reversed(_run(words, i - len(run) - 1, -1)))
    start = i - len(run)
    if start >= 0 and words[start].lower() in ARTICLES and not any(_proper(w) for w in run):
        return None  # "the poll is closed", "done the needful and signed": a thing
    return _name(run, strict=words[anchor].lower() in WEAK_WIN_WORDS)  # "tacos won": no sale


def _before_an_aside(words: Sequence[str], dash: int) -> int:
    """Where to go on reading back from a dash that closes an aside ("— the X arm —")."""
    for j in range(dash - 1, max(dash - 12, -1), -1):
        if words[j] in ("—", "–"):
            opens_an_aside = j + 1 < dash and words[j + 1].lower() in ARTICLES
            return j if opens_an_aside else dash
    return dash


def _named_before_a_dash(words: Sequence[str], start: int) -> list[str]:
    """The name heading a "Customer — what was signed" line, when what was signed is a
    framework and its number."""
    if start >= 0 and words[start] in ("—", "–", "-"):
        return list(reversed(_run(words, start - 1, -1)))
    return []


def _run(words: Sequence[str], start: int, step: int) -> list[str]:
    """Name words from `start` in the direction `step` until a pause or a word no name
    has, at most a few."""
    run: list[str] = []
    i = start
    while 0 <= i < len(words) and len(run) < NAME_WORDS_MAX + 2:
        word = words[i]
        lowered = word.lower()
        if _is_pause(word) or word.startswith("@") or MONEY.search(word):
            break
        opens = not run and lowered in CONNECTORS and not _article_of_a_name(words, i, step)
        if lowered in WIN_WORDS or DURATION.fullmatch(word) or opens:
            break
        if naming.is_figure(word) or GROUPED_FIGURE.fullmatch(word):
            break  # "Umbrella Corp 2x their contract", "Grupo 1.234,56": a figure ends it
        if lowered == "for" and _joins_a_name(words, i, step, run):
            run.append(word)  # "Transport for London", "Department for Work and Pensions"
            i += step
            continue
        if _lower_after_capitals(word, run):
            break  # "Larkspur Learning added 300 seats": the name is what is capitalised
        if step == 1 and _possessive_of_the_deal(words, i):
            run.append(word[:-2])  # "closing Shell's SOW": Shell
            break
        after_connector = bool(run) and run[-1].lower() in CONNECTORS
        opens_a_name = step == -1 and bool(run) and lowered in NAME_OPENERS and word[:1].isupper()
        if lowered in NAME_ENDS and not (
            after_connector
            or lowered in CONNECTORS
            or _capitalised_midway(words, i)
            or opens_a_name  # "Big Blue is officially a customer"
        ):
            break
        run.append(word)
        i += step
    return run


NAME_ARTICLES = {"la", "le", "de", "du", "von", "van", "der", "del"}


def _article_of_a_name(words: Sequence[str], i: int, step: int) -> bool:
    """A capitalised article or particle opening a name ("Closed La Poste", "De Beers"),
    read forward: its word is written as a name is, and so is the next."""
    word, beyond = words[i], i + 1
    if step != 1 or word.lower() not in NAME_ARTICLES or beyond >= len(words):
        return False
    after = words[beyond]
    return word[:1].isupper() and word[1:].islower() and after[:1].isupper() and after.isalpha()


def _joins_a_name(words: Sequence[str], i: int, step: int, run: Sequence[str]) -> bool:
    """ "for" between two words written as names are ("Transport for London"), not before
    what was sold ("Zoom Video Communications for L2 support", "Acme for 30 seats")."""
    beyond = i + step
    if not run or not 0 <= beyond < len(words) or run[-1].lower() in DEAL_WORDS:
        return False
    return all(
        w.isalpha() and w[:1].isupper() and w[1:].islower() for w in (run[-1], words[beyond])
    )


def _lower_after_capitals(word: str, run: Sequence[str]) -> bool:
    plain_word = word.islower() and not any(c.isdigit() for c in word)
    if not plain_word or word in CONNECTORS or INITIALS.fullmatch(word):
        return False
    return any(_proper(w) for w in run)


def _possessive_of_the_deal(words: Sequence[str], i: int) -> bool:
    return words[i].endswith(("'s", "’s")) and i + 1 < len(words) and _about_the_deal(words[i + 1])


def _capitalised_midway(words: Sequence[str], i: int) -> bool:
    """A capitalised stop word inside a sentence is part of a name ("Big Kahuna Burger")."""
    word = words[i]
    if word == "A" and 0 < i < len(words) - 1:
        return _proper(words[i - 1]) and _proper(words[i + 1]) and words[i - 1] not in PAUSES
    return (
        word[:1].isupper()
        and i > 0
        and not _is_pause(words[i - 1])
        and word.lower() not in ("the", "a", "an", "we", "i", "our", "it", "is", "and", "owner")
    )


def _name(words: Sequence[str], strict: bool) -> str | None:
    """A customer's name from its words, or None: trimmed of connectors and deal words at
    its ends, not a number, not a common word; capitalised when `strict`."""
    words = list(words)
    while words and (words[-1].lower() in CONNECTORS or words[-1].lower() in DEAL_WORDS):
        words.pop()
    while words and (
        (words[0].lower() in CONNECTORS and not _proper(words[0])) or words[0].lower() in FILLER
    ):  # "of Acme" is trimmed, "Van Dijk Maritime" kept
        words.pop(0)
    while len(words) > 1 and words[0].isalpha() and words[0].islower() and _proper(words[1]):
        words.pop(0)  # "share that Van Dijk Maritime": the name is where the capitals start
    while (
        len(words) > 1
        and words[-1].islower()
        and words[-1] not in naming.COMPANY_WORDS
        and any(_proper(w) for w in words)
    ):
        words.pop()  # "The Cleveland Works maintenance department": the capitals again
    while len(words) > 1 and words[-1].lower() in FIELD_WORDS:
        words.pop()  # "Pinecrest Orthodontics Value": the next field's name
    if not words or (words[0].lower() in NOT_NAMES and not _proper(words[0])):
        return None
    joined = SPLIT_MARK.sub(r"\1", " ".join(words[:NAME_WORDS_MAX]))  # "J.P . Morgan"
    cleaned = naming.trimmed(joined)[:NAME_CHARS_MAX]
    if not cleaned or not any(c.isalpha() for c in cleaned) or DURATION.fullmatch(cleaned):
        return None
    if words[0].isdigit() and (len(words) == 1 or words[1][:1].islower()):
        return None  # "2 more", "40 seats": a quantity
    if strict and not _proper(cleaned):
        return None
    return cleaned


def _proper(word: str) -> bool:
    """Written as a name is: a capital or digit first, or a capital inside ("iQuant")."""
    return word[:1].isupper() or word[:1].isdigit() or any(c.isupper() for c in word[1:])


LABELS = {*STAGE_KEYS, *CUSTOMER_KEYS, *OWNER_KEYS, *AMOUNT_KEYS, "won", "closed won", "item"}


def _about_the_deal(word: str) -> bool:
    lowered = word.lower()
    return lowered in DEAL_WORDS or lowered in CONNECTORS or lowered in naming.CONTRACT_TERMS


def _bold_name(text: str) -> str | None:
    """A name set in bold, as CRMs write one: "*Initech* · $9,000"."""
    for match in BOLD.finditer(text):
        parts = re.split(r"\s+[-–—:|]\s+", _plain(match.group(1)))
        named = [
            p
            for p in parts
            if not all(_about_the_deal(w) for w in p.split())
            and _key(p) not in LABELS
            and not _about_the_deal(p.split()[-1])  # "Brightwire Order Form": a document
        ]
        inner = named[0] if named else ""  # "*Ellison Glass Works – kiln sensors*": who, then what
        if (
            not inner
            or POSITIVE.search(inner)
            or LOST.search(inner)
            or MONEY.search(inner.split()[0])
        ):
            continue
        if NOT_A_SALE_DOCUMENT.search(inner):
            continue
        said = _words(inner)
        figure = next((i for i, w in enumerate(said) if GROUPED_FIGURE.fullmatch(w)), len(said))
        name = _name(said[:figure], strict=True)  # "*Grupo Norte 1.234,56*": no amount in it
        if name and len(name.split()) <= NAME_WORDS_MAX:
            return name
    return None


def _welcomed(words: Sequence[str]) -> str | None:
    """ "Welcome aboard, Stark Industries!" """
    for i, word in enumerate(words):
        if word.lower() == "welcome":
            j = i + 1
            while j < len(words) and (
                _is_pause(words[j]) or words[j].lower() in ("aboard", "to", "the", "family")
            ):
                j += 1
            name = _name(_run(words, j, 1), strict=True)
            if name:
                return name
    return None


# -- whose, how much -----------------------------------------------------------------


def _owner(
    fields: Mapping[str, str], text: str, message: Mapping[str, Any], integration: bool
) -> tuple[str | None, str | None]:
    named = _field(fields, OWNER_KEYS)
    if named:
        mentioned = markup.mentions(named)
        if mentioned:
            return mentioned[0], None
        return None, _plain(named)[:200] or None
    mentioned = markup.mentions(text)
    if mentioned:
        return mentioned[0], None
    inline = INLINE_OWNER.search(FORMAT.sub("", text))
    if inline:
        return None, (inline.group(1) or inline.group(2))[:200]
    if not integration and message.get("user"):
        return str(message["user"]), None
    return None, None


def _amount(
    fields: Mapping[str, str], text: str, language: Language | None = None
) -> tuple[Decimal | None, str | None]:
    named = _field(fields, AMOUNT_KEYS)
    if named:
        found = _money(named, language)
        if found[0] is not None:
            return found
        bare = re.fullmatch(rf"\s*{NUMBER}\s*{MULTIPLIER}\s*", named)
        if bare:
            return _number(bare.group("num"), bare.group("mult")), None
    return _money_of_this_deal(_plain(text), language)


def _money_of_this_deal(
    text: str, language: Language | None = None
) -> tuple[Decimal | None, str | None]:
    """The amount said alongside the win, not a pipeline or quota total elsewhere."""
    if language is not None:
        text = ABBREVIATED_MULTIPLIER.sub(r"\1", text)  # "1,2 Mio. €" ends no sentence
    sentences = [s for s in SENTENCE_BREAK.split(text) if s.strip()]
    for sentence in [s for s in sentences if POSITIVE.search(s)] + sentences:
        about_this_deal = [c for c in TOTAL_BREAK.split(sentence) if not NOT_THIS_DEAL.search(c)]
        found = _money(" ; ".join(about_this_deal), language)
        if found[0] is not None:
            return found
    return None, None


ABBREVIATED_MULTIPLIER = re.compile(r"\b(Mio|Mrd|Tsd)\.")


def _money(text: str, language: Language | None = None) -> tuple[Decimal | None, str | None]:
    found: list[tuple[int, Decimal, str]] = []
    patterns = AMOUNT_PATTERNS_BY_LANGUAGE[language.code] if language else AMOUNT_PATTERNS
    multipliers = language.multipliers if language else {}
    for pattern in patterns:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("lp"):
            currency = LETTER_PREFIXES[groups["lp"].rstrip(".")]
        elif groups.get("sym"):
            prefix = groups.get("pre") if groups["sym"] == "$" else None
            currency = DOLLAR_PREFIXES[prefix] if prefix else CURRENCY_SIGNS[groups["sym"]]
        else:
            code = groups["code"]
            currency = CURRENCY_WORDS.get(code.lower(), code.upper())
        amount = _number(groups["num"], groups.get("mult"), multipliers)
        if amount is not None:
            found.append((match.start(), amount, currency))
    if not found:
        return None, None
    _, amount, currency = min(found, key=lambda item: item[0])
    return amount, currency


def _number(
    digits: str, multiplier: str | None, spoken: Mapping[str, int] | None = None
) -> Decimal | None:
    """The figure's value; `spoken` are the post's language's multipliers ("mil" is a
    thousand in Spanish, and nothing Serve reads in English)."""
    grouped = bool(re.search(r"['’\u00a0\u202f ]", digits))
    digits = re.sub(r"['’\u00a0\u202f ]", "", digits)
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}", digits):  # 18,00,000: lakh grouping
        digits = digits.replace(",", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):  # 120.000 or 1.234,56
        digits = digits.replace(".", "").replace(",", ".")
    elif (multiplier or grouped) and re.fullmatch(r"\d+,\d{1,2}", digits):  # 1,2 M; 1 234,56
        digits = digits.replace(",", ".")
    said = vocabularies.fold(multiplier or "")
    times = (spoken or {}).get(said) or MULTIPLIERS.get(said, 1)
    try:
        value = Decimal(digits.replace(",", "")) * times
    except InvalidOperation:
        return None
    whole = value == value.to_integral_value()
    return value.quantize(Decimal(1)) if whole else value.normalize()
