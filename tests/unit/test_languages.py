"""How a Slack locale picks what Serve says and how it writes dates and amounts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.languages import ENGLISH, Voice, _, language_of, ngettext, speaking, voice
from bot.languages.pseudo import KEPT, PSEUDO, pseudo
from bot.views.mrkdwn import money, number, slack_date


@pytest.mark.parametrize(
    "slack_locale,language",
    [
        ("pt-BR", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("es-ES", "es"),
        ("es-LA", "es"),
        ("de-DE", "de"),
        ("fr-CA", "fr"),
        ("en-GB", ENGLISH),
        ("ja-JP", ENGLISH),
        ("", ENGLISH),
        (None, ENGLISH),
        ("not a locale", ENGLISH),
        (PSEUDO, PSEUDO),
    ],
)
def test_a_slack_locale_picks_the_closest_shipped_catalog(
    slack_locale: str | None, language: str
) -> None:
    assert language_of(slack_locale) == language


@given(st.text(max_size=40))
def test_any_locale_text_picks_a_catalog_and_a_known_format(tag: str) -> None:
    assert language_of(tag) in {"en", "es", "pt_BR", "de", "fr", PSEUDO}
    with speaking(Voice.of(tag)):
        assert money(Decimal("1234.5"), "EUR")


def test_amounts_are_written_as_the_readers_region_writes_them() -> None:
    shown = {}
    for tag in ("pt-BR", "de-DE", "de-CH", "fr-FR", "en-US"):
        with speaking(Voice.of(tag)):
            shown[tag] = (money(Decimal(45000), "BRL"), money(Decimal("1234.5"), "EUR"))
    assert shown["pt-BR"] == ("R$\xa045.000", "€\xa01.234,50")
    assert shown["de-DE"][1] == "1.234,50\xa0€"
    assert "45'000" in shown["de-CH"][0] or "45’000" in shown["de-CH"][0]
    assert shown["fr-FR"][1].startswith("1\u202f234,50")
    assert shown["en-US"] == ("R$45,000", "€1,234.50")


def test_counts_and_dates_follow_the_reader() -> None:
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    with speaking(Voice.of("pt-BR")):
        assert number(3000) == "3.000"
        assert "|7 de dez. de 2026 10:00 UTC>" in slack_date(moment)
    assert number(3000) == "3,000"
    assert "|Dec 7, 2026, 10:00" in slack_date(moment)


def test_an_unknown_language_speaks_english_and_never_a_key() -> None:
    sentence = "Pick how the customer feels."
    with speaking(Voice.of("ja-JP")):
        assert _(sentence) == sentence
        assert ngettext("{count} story", "{count} stories", 2) == "{count} stories"


def test_a_voice_whose_lookup_fails_speaks_english() -> None:
    def broken() -> str | None:
        raise RuntimeError("users.info is down")

    with speaking(Voice(broken)):
        assert voice().language == ENGLISH


def test_a_voice_looks_its_locale_up_once_and_only_if_something_is_said() -> None:
    asked: list[str] = []

    def lookup() -> str:
        asked.append("users.info")
        return "de-DE"

    spoken = Voice(lookup)
    with speaking(spoken):
        assert asked == []
        _("Cancel")
        _("Snooze")
    assert asked == ["users.info"]


def test_each_thread_speaks_in_its_own_voice() -> None:
    heard: dict[str, str] = {}

    def speak(tag: str) -> None:
        with speaking(Voice.of(tag)):
            heard[tag] = voice().language

    threads = [threading.Thread(target=speak, args=(tag,)) for tag in ("de-DE", "fr-FR")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert heard == {"de-DE": "de", "fr-FR": "fr"}
    assert voice().language == ENGLISH


@given(st.text(max_size=300))
def test_the_pseudo_locale_keeps_every_token_and_grows_each_sentence(message: str) -> None:
    shown = pseudo(message)
    kept = [m.group() for m in KEPT.finditer(message)]
    assert [m.group() for m in KEPT.finditer(shown)] == kept
    assert len(shown) >= len(message) * 1.3


def test_the_pseudo_locale_accents_words_but_not_placeholders() -> None:
    shown = pseudo("Time to check in with {customer}, <@U0ALICE> :tada:")
    assert "{customer}" in shown and "<@U0ALICE>" in shown and ":tada:" in shown
    assert "Time" not in shown and "Ţîɱé" in shown
