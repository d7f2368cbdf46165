"""What Serve says, in the reader's language.

Every user-facing sentence is an English message id passed through `_` (or `ngettext`
for counts) while a `Voice` is speaking; module-level sentences are marked with `N_` and
translated where they are used. Catalogs are the `.po` files beside this module, read
once per language; anything a catalog lacks is said in English, never as a key. The
voice is a context variable, so views stay pure functions of what they are given, and
the listener pool and due work each speak in the voice set for the request or the
recipient."""

from __future__ import annotations

import gettext
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .pseudo import PSEUDO, PseudoTranslations

CATALOGS = Path(__file__).parent
DOMAIN = "serve"
ENGLISH = "en"
# The languages Serve ships, by catalog; a Slack locale picks the closest of them.
SHIPPED = ("en", "es", "pt_BR", "de", "fr")
CLOSEST = {"es": "es", "pt": "pt_BR", "de": "de", "fr": "fr", "en": "en"}


def language_of(slack_locale: str | None) -> str:
    """The shipped catalog for a Slack locale ("pt-BR", "es-LA", "de-DE"); English for
    anything unknown, missing or malformed."""
    if not slack_locale:
        return ENGLISH
    tag = str(slack_locale).strip().replace("-", "_")
    if tag == PSEUDO:
        return PSEUDO
    return CLOSEST.get(tag.split("_", 1)[0].lower(), ENGLISH)


@lru_cache(maxsize=512)
def formats_of(slack_locale: str | None) -> str:
    """The CLDR locale for dates and amounts: the reader's own region where Babel knows
    it (es_MX, de_CH, fr_CA), else the language's."""
    language = language_of(slack_locale)
    if language in (ENGLISH, PSEUDO) and not (slack_locale or "").lower().startswith("en"):
        return "en_US"
    tag = str(slack_locale or "").strip().replace("-", "_")
    if tag.lower() in ("es_la", "es_419"):
        return "es_419"
    try:
        parsed = Locale.parse(tag)
    except (ValueError, TypeError, UnknownLocaleError):
        return "en_US" if language in (ENGLISH, PSEUDO) else language
    if CLOSEST.get(parsed.language) != language:
        return language
    return str(parsed)


@cache
def cldr_locale(formats: str) -> Locale:
    """The parsed CLDR locale for a `formats_of` tag, parsed once per tag: a reply
    formats several dates and amounts, and Babel would parse the tag for each."""
    return Locale.parse(formats)


@dataclass(frozen=True)
class Voice:
    """Whom Serve is speaking to: a Slack locale, found when first needed (a person's
    or channel's locale may cost a Web API call, so it is looked up only if something
    is said)."""

    find_locale: Callable[[], str | None] = field(default=lambda: None, compare=False)

    @classmethod
    def of(cls, slack_locale: str | None) -> Voice:
        return cls(lambda: slack_locale)

    @cached_property
    def slack_locale(self) -> str | None:
        try:
            return self.find_locale()
        except Exception:  # not knowing a language is never a reason to say nothing
            return None

    @property
    def language(self) -> str:
        return language_of(self.slack_locale)

    @property
    def formats(self) -> str:
        return formats_of(self.slack_locale)

    @property
    def cldr(self) -> Locale:
        """The reader's CLDR locale, parsed (Babel takes it as it is)."""
        return cldr_locale(self.formats)


ENGLISH_VOICE = Voice()
_speaking: ContextVar[Voice] = ContextVar("speaking", default=ENGLISH_VOICE)
_loaded: dict[str, gettext.NullTranslations] = {}
_loading = threading.Lock()


@contextmanager
def speaking(voice: Voice) -> Iterator[Voice]:
    """Say everything inside in `voice`."""
    token = _speaking.set(voice)
    try:
        yield voice
    finally:
        _speaking.reset(token)


def speak_from_now(voice: Voice) -> None:
    """Say everything from here on in this thread (and what it hands to the listener
    pool) in `voice`. For Bolt's middleware, which runs before the listener and
    returns before it starts, so `speaking` would end too soon: each request sets its
    own voice as it arrives."""
    _speaking.set(voice)


def voice() -> Voice:
    return _speaking.get()


def translations(language: str) -> gettext.NullTranslations:
    """The catalog for a shipped language, compiled in memory once; English is the
    message ids themselves."""
    with _loading:
        if language not in _loaded:
            _loaded[language] = _compile(language)
        return _loaded[language]


def _compile(language: str) -> gettext.NullTranslations:
    if language == PSEUDO:
        return PseudoTranslations()
    path = catalog_path(language)
    if language == ENGLISH or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def catalog_path(language: str) -> Path:
    return CATALOGS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _(message: str) -> str:
    """`message` in the voice speaking now."""
    return translations(voice().language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a counted sentence for `count`, in the voice speaking now."""
    return translations(voice().language).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a sentence kept in a constant for the catalog; `_` translates it at use."""
    return message
