"""Whether a customer name Serve read makes sense as a customer's name.

Rules meet wording nobody foresaw and then pick the wrong span: "enterprise", "FY27",
"go", "2x", a teammate's first name. A check-in asking how "enterprise" is doing is
worse than none, so a doubtful name is never replied to: the reading becomes unsure and
a person settles it. Pure and linear in the name."""

from __future__ import annotations

import re

from . import vocabularies

# A period, a figure, a multiplier or a count: never a customer, whatever its case.
FIGURE = re.compile(
    r"(?:fy|cy|q|h)\s?'?\d{1,4}|\d{4}|'\d{2}|\d+(?:[.,]\d+)*\s?(?:x|k|m|mm|bn|b|%)?|"
    r"[$€£¥₹]\s?\d.*|\d.*[$€£¥₹]|x\d+|\d+(?:st|nd|rd|th)|\d+[-/]\d+(?:[-/]\d+)?",
    re.I,
)


def _listed(words: str) -> list[str]:
    """Words written as prose, one list: easier to read and keep than quoted items."""
    return words.split()


# What is sold or signed, not who bought it.
CONTRACT_TERMS = frozenset(
    _listed(
        """enterprise msa sow renewal renewals plan plans seats seat license licence licenses
    licences contract contracts deal deals tier pro premium starter basic platinum gold
    silver bronze standard business team teams edition package bundle subscription
    subscriptions order form paperwork agreement agreements addendum amendment pilot poc
    trial upsell expansion extension po invoice quote proposal terms redlines nda dpa
    baa sla ela arr acv mrr tcv annual monthly multi-year multiyear yearly quarterly
    platform product module add-on addon upgrade downgrade onboarding implementation
    services support partnership tender account accounts opportunity logo customer
    client pricing discount budget lease io insertion cta cda bid bids franchise site
    call-off framework mandate retainer statement rfp rfq quotation sponsorship loa lpo
    lor lol deposit payment fwd fw re"""
    )
)
# Words too common to be a name on their own: what rules take for a name when the
# sentence is one they do not know ("closed it", "signed off and good to go").
COMMON_WORDS = frozenset(
    _listed(
        """a an the and or but so if then than as at by for from in into of off on onto out
    over to up with w/ without via per about after before again all also any both each
    every few more most much no not now only other same some such too very just still yet
    here there today tonight tomorrow yesterday morning afternoon evening night week month
    quarter year weekend it its it's this that these those them they their theirs we our
    ours us you your yours he him his she her hers i me my mine who whom whose which what
    when where why how one two three four five six seven eight nine ten first second third
    last next new old big huge great good nice cool amazing awesome fantastic excellent
    win wins won go going gone went get got done do did does doing make made take took
    sign signed signing close closed closing land landed book booked yes yeah yep ok okay
    wow omg yay woohoo boom congrats congratulations thanks thank team everyone everybody
    someone somebody anyone anybody nobody everything something anything nothing people
    folks guys all-hands standup stand-up sprint ticket tickets case cases issue issues bug
    bugs pr prs hire hiring role req update updates news note notes call meeting demo
    is are was were be been being am has have had will would shall should can could may
    might must let lets let's see look looks looking ready live finally officially
    another many lot lots stuff thing things way work working back home time times day
    days soon early late fast quick quickly strong well better best worse worst happy
    excited proud glad hey hi hello welcome aboard please fyi eod eow eoq eoy asap tbd
    tba wip n/a na ty np lol monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november
    december holiday holidays vacation lunch dinner breakfast offsite like positive
    negative solved fixed resolved attached copy offer offers door doors books root cause
    company customer client account lead leads contact opportunity award awards bell ring
    office desk room build release launch funding round pilot trial kindly note jan feb
    mar apr jun jul aug sep sept oct nov dec whoever whatever whichever itself himself
    herself themselves myself yourself ourselves cheers regards procurement finance legal
    marketing sales ops hr management"""
    )
)
# First names alone are a teammate far more often than a customer ("closed with Sam").
FIRST_NAMES = frozenset(
    _listed(
        """aaron adam adrian aisha alan alex alexander alexandra ali alice alicia amanda amy
    ana andrea andrew andy angela anna anne anthony arjun ashley ben benjamin beth bill
    bob brad brandon brian bruce carla carlos carol caroline chris christian christina
    christine claire dan daniel dave david deb deborah dennis derek diana diego dmitri
    ed eric erin emily emma ethan eva fatima frank gabriel gary george grace greg hannah
    harry heather helen henry ian isaac isabel jack jacob jake james jamie jane jason jeff
    jen jennifer jess jessica jim joe john jon jonathan jordan jose josh julia julie
    justin karen kate katie kelly ken kevin kim kyle laura lauren leo lily linda lisa liam
    lucas lucy luis luke maria mark matt matthew max megan mei mia michael michelle mike
    mohammed nancy natalie nathan nick nicole noah nora olivia omar oscar pat patrick paul
    peter phil priya rachel raj ravi rebecca richard rick rob robert ryan sam samantha
    sara sarah scott sean sofia sophia sophie steve steven sue susan tanya tom tony tyler
    victor vikram will william yuki zoe"""
    )
)
PERIOD_OR_MULTIPLE = re.compile(r"(?:fy|cy|q|h)'?\d{1,4}|\d+(?:\.\d+)?(?:x|k|mm|bn)|x\d+")
LETTERED_NUMBER = re.compile(r"\d{1,2}M")
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>|(?<![\w&])@\w+")  # a person, not "<!channel>" typed


def doubt(name: str) -> str | None:
    """Why `name` is doubtful as a customer's name, or None when it makes sense."""
    words = name.split()
    if not words:
        return "no name"
    if MENTION.search(name):
        return "a person mentioned"
    if LETTERED_NUMBER.fullmatch(name):
        return None  # 3M: a company written as its figure
    lowered = [w.lower().strip(".,!?:;'\"()") for w in words]
    if all(FIGURE.fullmatch(w) or not any(c.isalpha() for c in w) for w in lowered):
        return "a number, amount or period"
    if FIGURE.fullmatch(lowered[0]) and len(words) == 1:
        return "a number, amount or period"
    parts = [part for w in lowered for part in w.split("-") if part]
    if all(_common(w) or w in CONTRACT_TERMS or FIGURE.fullmatch(w) for w in parts):
        return "a common word or contract term"
    if lowered[0] in COMMON_WORDS and not words[0][:1].isupper():
        return "starts with a common word"
    if len(words) == 1 and lowered[0] in FIRST_NAMES:
        return "a person's first name"
    return _shape_doubt(words, lowered)


def _common(word: str) -> bool:
    """A common word in English or in any language Serve reads ("contrato", "Woche")."""
    return word in COMMON_WORDS or vocabularies.fold(word) in vocabularies.COMMON_WORDS


def _amount_word(word: str) -> bool:
    """A multiplier or a period's unit said as a word, in English or another language
    ("mil", "Mrd", "Jahre")."""
    folded = vocabularies.fold(word).rstrip(".")
    if word in AMOUNT_WORDS or (len(folded) > 2 and folded in vocabularies.MULTIPLIER_WORDS):
        return True
    return len(folded) > 3 and folded in vocabularies.DURATION_WORDS  # "Jahre", "meses"


def _shape_doubt(words: list[str], lowered: list[str]) -> str | None:
    """Doubts from how the name is written rather than which words it has."""
    if any(TICKET.fullmatch(w) for w in lowered) or any(_amount_word(w) for w in lowered):
        return "a number, amount or period"
    if any(CONTRACTION.search(w) for w in lowered):
        return "a pronoun, not a name"
    if not any(c.isupper() for c in "".join(words)):
        if any(w.endswith(("'s", "’s")) for w in lowered):
            return "a thing's, not a name"
        if any(any(c.isdigit() for c in w) for w in lowered):
            return "a thing and its number"
    if ":" in words or any(w.endswith(":") for w in words[:-1]):
        return "a label and its value, not a name"
    if PERIOD_OR_MULTIPLE.fullmatch(lowered[0]):
        return "starts with a period or a figure"
    if lowered[0] in GREETINGS and len(words) > 1:
        return "a greeting"  # "Hi Omar"
    if len(words) == 1 and "-" in words[0]:
        first, *rest = words[0].split("-")
        if rest and all(part.isalpha() and part.islower() for part in rest) and first.isalpha():
            return "a description of the deal"  # "Whole-of-agency agreement signed"
    if YEAR.fullmatch(lowered[-1]) and len(words) > 1:
        return "an event or prize of a year"
    if (
        len(words) == 2
        and lowered[0] in FIRST_NAMES
        and words[1][:1].isupper()
        and lowered[1] not in COMPANY_WORDS
    ):
        return "a person's name"
    return None


TICKET = re.compile(r"#\d+")
# The currencies Serve reads by their codes, as a regular expression's alternatives.
CURRENCY_CODES = (
    "USD|EUR|GBP|JPY|CAD|AUD|CHF|SEK|NOK|DKK|INR|SGD|NZD|BRL|MXN|ZAR|HKD|NGN|KES|GHS|EGP|AED|"
    "SAR|QAR|PLN|CZK|HUF|RON|TRY|ILS|KRW|CNY|RMB|TWD|THB|MYR|IDR|PHP|VND|CLP|COP|ARS|PEN"
)
CURRENCY_CODE = re.compile(CURRENCY_CODES, re.I)
GREETINGS = frozenset(_listed("hi hello hey dear thanks thank cheers regards best morning"))
AMOUNT_WORDS = frozenset(
    _listed("mio mio. mn mil million millions billion bn lakh lakhs crore crores")
)
CONTRACTION = re.compile(r"^(?:i|we|you|they|he|she|it|that|there)['’](?:ve|re|m|ll|d|s)$")
YEAR = re.compile(r"(?:19|20)\d{2}")
# A second word that makes a first name a company's: "Alex Bank", "Grace Health".
COMPANY_WORDS = frozenset(
    _listed(
        """inc ltd llc plc corp co group bank health labs systems energy foods partners
    holdings capital industries media studio studios clinic trust school university
    college council motors logistics consulting solutions services technologies tech
    hospital hospitals centre center university institute foundation society association"""
    )
)


# A legal form written with its dots ("S.A. de C.V.", "e.K.", "Ltda."): the last dot is the
# name's, not the sentence's.
DOTTED_AT_END = re.compile(r"(?:^|\s)((?:[A-Za-z]{1,2}\.){2,}|(?i:ltda|cia|cía|ltée|ltee)\.)$")


def trimmed(name: str) -> str:
    """A name without the punctuation around it, keeping the dot that ends a dotted legal
    form ("Textiles del Bajío S.A. de C.V.", "Cooperativa Obrera Ltda.")."""
    kept = name.strip(" ,!-'\"")
    cleaned = kept.strip(" .,!-'\"")
    if kept.endswith(".") and DOTTED_AT_END.search(cleaned + "."):
        return cleaned + "."
    return cleaned


def is_figure(word: str) -> bool:
    """A period, multiplier or amount written as one word with letters: FY27, Q3, 2x,
    40k (not a bare number, an ordinal or 3M, which start names: "42 Degrees")."""
    lowered = word.lower()
    return PERIOD_OR_MULTIPLE.fullmatch(lowered) is not None and not LETTERED_NUMBER.fullmatch(word)


def makes_sense(name: str) -> bool:
    """Whether Serve may reply with `name` as the customer without asking."""
    return doubt(name) is None
