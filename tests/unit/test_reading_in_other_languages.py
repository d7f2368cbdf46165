"""Reading closed-deal posts in Spanish, Brazilian Portuguese, German and French: the same
three outcomes and name rules as English, a post's language from its own words, local
number formats, and any mix of those languages' words read without raising, never with an
amount or a period for a customer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.services import naming, vocabularies
from bot.services.reading import Outcome, read_post
from bot.services.recognition import amount_in

TABLES = Path(__file__).parent / "recognition"


def said(text: str, user: str = "U0POSTER") -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": "1796400000.000100"}


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("¡Cerramos con Grupo Alvarado! 45 mil USD", "Grupo Alvarado"),
        ("firmaron con Hotel Mirador, 3 años", "Hotel Mirador"),
        ("Clinica Santa Lucia firmo hoy :tada:", "Clinica Santa Lucia"),
        ("fechou com a Padaria Real! R$ 45 mil", "Padaria Real"),
        ("Contrato assinado com Construtora Horizonte", "Construtora Horizonte"),
        ("Vertrag mit Schneider AG unterschrieben!!", "Schneider AG"),
        ("Bäckerei Huber hat unterzeichnet, 12.000 €", "Bäckerei Huber"),
        ("c'est signe avec la Mairie de Lyon, 30 k€", "Mairie de Lyon"),
        ("Signées avec Groupe Lefevre ! 1,5 M€", "Groupe Lefevre"),
    ],
)
def test_a_win_in_each_language_is_read_surely_with_accents_and_inflections_free(
    text: str, customer: str
) -> None:
    reading = read_post(said(text))
    assert reading.outcome is Outcome.SURE, text
    assert reading.sighting is not None and reading.sighting.customer == customer


@pytest.mark.parametrize(
    "text",
    [
        "no cerramos con Grupo Alvarado",
        "cerramos la semana que viene con Grupo Alvarado",
        "Vamos a firmar con Hotel Mirador",
        "perdimos Hotel Mirador :cry:",
        "ticket cerrado para Hotel Mirador",
        "NDA firmado con Hotel Mirador",
        "fechamos amanhã? a Padaria Real pediu mais um dia",
        "não fechamos com a Padaria Real",
        "chamado fechado para a Padaria Real",
        "Vertrag mit Schneider AG nicht unterschrieben",
        "Schneider AG hat noch nicht unterschrieben",
        "Abschluss nächste Woche mit Schneider AG",
        "Ticket geschlossen für Schneider AG",
        "Schneider AG verloren",
        "on signe lundi avec la Mairie de Lyon",
        "pas encore signé avec la Mairie de Lyon",
        "ticket clôturé pour la Mairie de Lyon",
        "perdu la Mairie de Lyon",
    ],
)
def test_a_near_miss_in_each_language_gets_no_reply(text: str) -> None:
    assert read_post(said(text)).outcome is Outcome.NO, text


@pytest.mark.parametrize(
    "text",
    [
        "Firmado el contrato :tada: 30 k€",  # no name: a person says whose
        "Vertrag mit Woche unterschrieben, 12.000 €",  # "Woche" is no customer
        "Fechamos com Contrato! R$ 45 mil",  # "Contrato" is no customer
        "Venta cerrada :tada:\nCliente: Semana\nImporte: 15.000 €",  # a field says a word
        "Auftrag erhalten :tada:\nKunde: Woche\nBetrag: 22.000 €",
    ],
)
def test_a_win_without_a_name_that_makes_sense_is_asked_about(text: str) -> None:
    reading = read_post(said(text))
    assert reading.outcome is Outcome.UNSURE, text


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Firmado con Textiles Medina, 1.234,56 €", "1234.56", "EUR"),
        ("Signé avec Garage Martin, 1 234,56 €", "1234.56", "EUR"),
        ("Contrat signé avec Horlogerie Vaudoise SA, CHF 1'234.50", "1234.50", "CHF"),
        ("Cerramos con Grupo Alvarado, 45 mil USD", "45000", "USD"),
        ("Stadtwerke Augsburg gewonnen, 1,2 Mio. €", "1200000", "EUR"),
        ("Auftrag erhalten von Deutsche Schienenwerke, 2 Mrd €", "2000000000", "EUR"),
        ("Auftrag erhalten von Müller Maschinenbau, 30 k€", "30000", "EUR"),
        ("Fechamos com a Padaria Real, R$ 45 mil", "45000", "BRL"),
        ("Firmamos con Frigorífico Pampa, 12 millones ARS", "12000000", "ARS"),
        ("Signé avec Groupe Lefèvre, 1,5 M€", "1500000", "EUR"),
        ("Cerramos Distribuidora Norteña, MXN 850.000", "850000", "MXN"),
        ("Ganamos Café Andino, COP 45.000.000", "45000000", "COP"),
        ("Cerrado con Viña Los Robles, CLP 9.800.000", "9800000", "CLP"),
        ("Signé avec Érablière Tremblay, 40 000 $ CAD", "40000", "CAD"),
        ("Cerramos con Agrícola del Valle, $25k", "25000", "USD"),
    ],
)
def test_amounts_in_local_formats(text: str, amount: str, currency: str) -> None:
    assert amount_in(said(text)) == (Decimal(amount), currency)


def test_mil_is_a_thousand_only_in_the_languages_that_say_so() -> None:
    """English reads "$2 mil" as it always has; Spanish and Portuguese "mil" is a thousand."""
    assert amount_in(said("Closed Acme for $2 mil")) == (Decimal(2), "USD")
    assert amount_in(said("Cerramos con Acme por $2 mil")) == (Decimal(2000), "USD")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("¡Cerramos con Grupo Alvarado!", "es"),
        ("Fechamos com a Padaria Real!", "pt_br"),
        ("Vertrag mit Schneider AG unterschrieben", "de"),
        ("On l'a eu ! Maison Roux", "fr"),
        ("Closing de Cabinet Lambert ce matin", "fr"),
        ("Closed Casa del Mar — $40k", None),
        ("Huge congrats on landing *Nordlicht GmbH* — €85.000 first year", None),
        ("Booking.com :white_check_mark: $230k", None),
    ],
)
def test_a_posts_language_is_decided_from_its_words(text: str, code: str | None) -> None:
    found = vocabularies.language_of(text)
    assert (found.code if found else None) == code


def test_the_poster_does_not_decide_the_language() -> None:
    text = "Vertrag mit Schneider AG unterschrieben"
    assert read_post(said(text, "U0ANYONE")) == read_post(said(text, "U0ANYONE"))
    english = read_post(said("Closed Schneider AG, €12k", "U0BERLIN"))
    assert english.outcome is Outcome.SURE and english.sighting is not None
    assert english.sighting.customer == "Schneider AG"


@pytest.mark.parametrize("code", ["es", "pt_br", "de", "fr"])
def test_each_language_table_reads_the_amount_and_owner_it_says(code: str) -> None:
    """The outcome figures count customers; the check-in needs the rest of the deal too."""
    rows = yaml.safe_load((TABLES / f"{code}_2026_12_04_dev.yaml").read_text("utf-8"))["rows"]
    wrong = []
    for row in rows:
        deal = row["deal"]
        reading = read_post(row["message"])
        if deal is False or reading.outcome is not Outcome.SURE or reading.sighting is None:
            continue
        found = reading.sighting
        expected_amount = None if deal["amount"] is None else Decimal(deal["amount"])
        got = (found.amount, found.currency, found.owner_id, found.owner_name)
        wanted = (expected_amount, deal["currency"], deal["owner_id"], deal["owner_name"])
        if got != wanted:
            wrong.append(f"{row['name']}: {got} != {wanted}")
    assert wrong == []


# -- any text in those languages -------------------------------------------------------


def _each(said: str, between: str | None = None) -> list[str]:
    return said.split(between)


WORDS = [
    *_each("cerramos firmado firmó ganamos fechamos assinado fechou unterschrieben gewonnen"),
    *_each("signé signée c'est l'a eu dans la boîte Auftrag erhalten Zuschlag nuevo cliente"),
    *_each("no não nicht pas encore noch semana Woche semaine contrato Vertrag contrat"),
    *_each("cliente Kunde client con com mit avec de del do la le den ¡ ¿ ! ? , : —"),
    *_each("Grupo Alvarado Padaria Real Schneider AG Mairie Lyon Bäckerei Huber Ñandú"),
    *_each("comecamos unterschrieben!! signe Clinica ÉRABLIÈRE straße STRASSE"),
]
AMOUNTS = [
    *_each("1.234,56 1 234,56 1'234.50 45 mil 1,2 Mio. 2 Mrd 30 k€ 12 millones 1,5 M€"),
    *_each("R$ 45 mil|€ 12.500|CHF 75'000|MXN 850.000|COP 45.000.000|$25k|40 000 $ CAD", "|"),
]
PERIODS = ["Q3", "FY27", "H1", "2027", "T1", "Q4/2026", "3 años", "2 Jahre", "12 mois"]
MARKUP = ["<@U0LUCIA>", "<!here>", "<#C0VENTAS|ventas>", "<https://x.example|Acme>", "*", "_"]
ESCAPES = ["&amp;", "&lt;", "&gt;", "&", ":tada:", "🎉", "\n"]
MIXED = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(AMOUNTS),
        st.sampled_from(PERIODS),
        st.sampled_from(MARKUP),
        st.sampled_from(ESCAPES),
        st.text(max_size=3),
    ),
    max_size=40,
).map(" ".join)
FIGURE_WORDS = {part for said in AMOUNTS + PERIODS for part in said.split()} - {"$", "€"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
@example("¡Firmado! 45 mil USD")
@example("Unterschrieben: 1,2 Mio. €, Q3")
@example("c'est signé avec FY27 :tada: 1 234,56 €")
@example("Fechamos com R$ 45 mil!")
def test_any_mix_of_the_languages_never_raises_nor_names_an_amount_or_a_period(
    text: str,
) -> None:
    reading = read_post(said(text))
    assert reading == read_post(said(text))
    if reading.sighting is None or not reading.sighting.customer:
        return
    customer = reading.sighting.customer
    assert not set(customer.split()) & FIGURE_WORDS, (text, customer)
    assert naming.doubt(customer) != "a number, amount or period", (text, customer)
    if reading.outcome is Outcome.SURE:
        assert naming.makes_sense(customer), (text, customer)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        *((word, "a common word or contract term") for word in _each("contrato Vertrag cliente")),
        *((word, "a common word or contract term") for word in _each("Kunde semana Woche")),
        *((word, "a common word or contract term") for word in _each("Semaine contrat Contrato")),
        ("Mrd", "a number, amount or period"),
        ("Millones", "a number, amount or period"),
        ("Meses", "a number, amount or period"),
        ("Grupo Alvarado", None),
        ("Bäckerei Huber", None),
        ("Mairie de Lyon", None),
    ],
)
def test_the_name_rules_know_each_languages_common_words(name: str, why: str | None) -> None:
    assert naming.doubt(name) == why
