"""How a post in Spanish, Brazilian Portuguese, German or French is read for a win: which
clause says the business was won, and which span of the post is the customer.

The same three outcomes and name rules as English, with each language's words from
`vocabularies`: a clause wins when it says a win and nothing in it says not yet, never, later,
or another kind of closing; a name is a capitalised span beside the win word ("Firmado
con Textiles Medina", "Bäckerei Huber hat unterschrieben"), never one of the language's
common words (German capitalises its nouns, so "Vertrag" is no name). Every word is
compared folded, so accents and case are optional. Pure and linear in the text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from . import naming
from .vocabularies import DURATION_WORDS, MULTIPLIER_WORDS, Language, fold

SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")
CLAUSE_BREAK = re.compile(r"[.!?;,:—–·|()\n]+")
OPENING_MARKS = re.compile(r"[¡¿]")
PAUSE_MARKS = frozenset(";,.!?:()—–-|·/<>[]\n")
CURRENCY_SIGNS = frozenset("$€£¥₹₦₩₱฿₺₪")
ANCHORS_MAX = 8
ELIDED = re.compile(r"[dl]['’]")  # a lower-case elided "de" or "le" before a name
NAME_WORDS_MAX = 8


def opened(text: str) -> str:
    """Spanish opening marks as spaces: "¡Firmado!" is the word "Firmado"."""
    return OPENING_MARKS.sub(" ", text)


def announces_a_win(text: str, language: Language) -> bool:
    """A clause, in a sentence that is no question and no NDA, that says the business was
    won with no negation, future, hope or other kind of closing in it; nothing lost."""
    folded = fold(text)
    if not folded or language.lost.search(folded) or language.pending.search(folded):
        return False
    return any(
        clause_wins(clause, language)
        for sentence in SENTENCE_BREAK.split(folded)
        if not asks(sentence, language) and not language.documents.search(sentence)
        for clause in CLAUSE_BREAK.split(sentence)
    )


def clause_wins(clause: str, language: Language) -> bool:
    if language.just_did.search(clause):
        # "acaba de firmar con X": done, though the verb is an infinitive, which alone
        # says a plan ("vamos a firmar"); the rest of the clause still may say not yet
        rest = language.just_did.sub(" ", clause)
        return not not_a_win(rest, language)
    return language.won.search(clause) is not None and not not_a_win(clause, language)


def not_a_win(clause: str, language: Language) -> bool:
    """Not yet, later, or not a sale, in the clause's own words (folded)."""
    return any(
        pattern.search(clause)
        for pattern in (language.not_yet, language.later, language.not_a_sale)
    )


def asks(sentence: str, language: Language) -> bool:
    """A question: it ends with a question mark or opens as one does (folded)."""
    stripped = sentence.strip()
    return stripped.rstrip(" !.;").endswith("?") or bool(language.question.match(stripped))


def says_it_plainly(text: str, language: Language) -> bool:
    """A win said so plainly that a post naming nobody is still one to ask about."""
    return language.strong.search(fold(text)) is not None


def hints_a_win(text: str, language: Language) -> bool:
    """Words that say a win a person should settle ("dijeron que sí", "Zusage erhalten"),
    in a clause with no negation, future or other closing."""
    folded = fold(text)
    if language.lost.search(folded) or language.pending.search(folded):
        return False
    for sentence in SENTENCE_BREAK.split(folded):
        if asks(sentence, language) or language.documents.search(sentence):
            continue
        for clause in CLAUSE_BREAK.split(sentence):
            if language.hints.search(clause) and not not_a_win(clause, language):
                return True
    return False


# -- who: the customer ------------------------------------------------------------------


def named_by_win(words: Sequence[str], language: Language) -> Iterator[str]:
    """Names said after a win word ("cerramos con Grupo Alvarado"), then before it
    ("Clínica Santa Lucía firmó"), anchor by anchor."""
    folded = [fold(word) for word in words]
    anchors = [i for i in range(len(words)) if _is_anchor(folded, i, language)][:ANCHORS_MAX]
    for i in anchors:
        after = _name_after(words, folded, i, language)
        if after:
            yield after
        before = _name_before(words, folded, i, language)
        if before:
            yield before


def welcomed(words: Sequence[str], language: Language) -> str | None:
    """ "¡Bienvenida, Imobiliária Casa Nova!", "Willkommen an Bord, Reisebüro Sonnenschein" """
    folded = [fold(word) for word in words]
    skipped = language.filler | {"bord", "bordo", "equipo", "familia", "time", "an", "a"}
    for i, word in enumerate(folded):
        if word in language.welcome:
            j = i + 1
            while j < len(words) and (_is_pause(words[j]) or folded[j] in skipped):
                j += 1
            name = _name(words, folded, _run(words, folded, j, 1, language), language)
            if name:
                return name
    return None


def _is_anchor(folded: Sequence[str], i: int, language: Language) -> bool:
    return _anchor_start(folded, i, language) is not None


def _anchor_start(folded: Sequence[str], i: int, language: Language) -> int | None:
    """Where the win words ending at `i` start ("Sack zu", "vient de signer"), or None
    when no win word ends there."""
    if i >= 2 and language.just_did.fullmatch(" ".join(folded[i - 2 : i + 1])):
        return i - 2
    starts = [
        i - len(phrase) + 1
        for phrase in language.anchor_phrases
        if len(phrase) <= i + 1 and tuple(folded[i - len(phrase) + 1 : i + 1]) == phrase
    ]
    if starts:
        return min(starts)
    return i if language.anchor_words.fullmatch(folded[i]) else None


def _name_after(
    words: Sequence[str], folded: Sequence[str], anchor: int, language: Language
) -> str | None:
    """A name following the win word, past articles, the deal's words and figures."""
    start = _anchor_start(folded, anchor, language)
    headline = all(
        _is_pause(w) or f in language.linking
        for w, f in zip(words[:start], folded[:start], strict=True)
    )
    i = anchor + 1
    while i < len(words) and (
        _skippable(folded[i], language)
        or _is_anchor(folded, i, language)
        or _is_figure(words[i])
        or words[i] in (":", "—", "–", "-", "·", "|")
        or (headline and _is_pause(words[i]) and words[i] != "(")
    ):
        i += 1
    if i > anchor + 1 and words[i - 1].isdigit():
        return None  # "Bestellung ausgelöst: CHF 48'750.– für 15 Infusionspumpen": a count
    run = _run(words, folded, i, 1, language)
    if i > anchor + 1 and _names_article(words, folded, i - 1, language):
        # "firmó La Anónima", "cerró El Puerto de Liverpool": a capital article after the
        # win word, inside the sentence, is the name's own, however long the name
        named = _name(words, folded, run, language)
        return f"{words[i - 1]} {named}" if named else None
    return _name(words, folded, run, language)


def _names_article(words: Sequence[str], folded: Sequence[str], i: int, language: Language) -> bool:
    """An article written with a capital inside a sentence, before a name that is no
    acronym ("La Anónima", not "la Ville de Laval" or "Les HUG"): the name's first word."""
    word = words[i]
    if folded[i] not in ARTICLES.get(language.code, ()) or not word[:1].isupper():
        return False
    if not word[1:].islower() or i + 1 >= len(words):
        return False
    after = words[i + 1]
    return after[:1].isupper() and not after.isupper() and fold(after) not in language.common


def _name_before(
    words: Sequence[str], folded: Sequence[str], anchor: int, language: Language
) -> str | None:
    """A name ending before the win word, past "hat heute", "ya es", "a", "den Vertrag"."""
    i = anchor - 1
    while i >= 0 and (
        folded[i] in language.linking
        or folded[i] in language.filler
        or _is_anchor(folded, i, language)
    ):
        if (
            _proper(words[i])
            and folded[i] not in language.common
            and not _is_anchor(folded, i, language)
        ):
            break  # "Hotel Mirador" may start with a filler's spelling; a capital is a name
        i -= 1
    run = list(reversed(_run(words, folded[: i + 1], i, -1, language)))
    start = i - len(run) + 1
    purpose = next((k for k, word in enumerate(run) if k and fold(word) in language.purpose), None)
    if purpose is not None and fold(run[purpose - 1]) in language.filler:
        # "PostFinance hat den Rahmenvertrag für die Lohnabrechnung unterschrieben": what
        # the contract is for is no customer; who signed it comes before the contract
        subject = _name_before(words, folded, start + purpose - 1, language)
        if subject:
            return subject
    return _name(words, folded, run, language)


def _skippable(word: str, language: Language) -> bool:
    """A word between the win and its customer: an article, a preposition, the deal."""
    if word in language.filler:
        return True
    elided = word.partition("'")[2] if "'" in word[:3] else ""
    return bool(elided) and elided in language.filler  # "l'appel", "d'offres"


def _run(
    words: Sequence[str], folded: Sequence[str], start: int, step: int, language: Language
) -> list[str]:
    """Name words from `start` in the direction `step`: capitalised words, and connectors
    between them, until a pause, a lower-case word, a figure or another win word."""
    run: list[str] = []
    i = start
    while 0 <= i < len(words) and len(run) < NAME_WORDS_MAX + 2:
        word = words[i]
        if _is_pause(word) or word.startswith("@") or _is_figure(word):
            break
        if _is_anchor(folded, i, language) and not (run and _proper(word) and step == -1):
            break
        if not _proper(word) and not (run and folded[i] in language.connectors):
            break
        run.append(word)
        i += step
    return run


def _name(
    words: Sequence[str], folded: Sequence[str], run: Sequence[str], language: Language
) -> str | None:
    """A customer's name from its words, or None: trimmed of articles and connectors at
    its ends, capitalised, and not one of the language's common words alone."""
    run = list(run)
    while run and fold(run[-1]) in language.connectors:
        run.pop()
    article = _article_of_the_name(run, language)
    while run and (fold(run[0]) in language.filler or fold(run[0]) in language.connectors):
        run.pop(0)  # "A Distribuidora Aurora", "Die Kanzlei Roth & Partner"
    while run and (fold(run[0]) in language.common or fold(run[0]) in language.welcome):
        run.pop(0)  # "Vertrag Schneider AG" read back from a German noun, "Willkommen"
    if run and ELIDED.match(run[0]) and _proper(run[0][2:]):
        run[0] = run[0][2:]  # "BDC reçu d'Airbus": the name is Airbus
    if not run or not _proper(run[0]):
        return None
    if article:
        run.insert(0, article)
    name = naming.trimmed(" ".join(run[:NAME_WORDS_MAX]))
    if not name or all(fold(part) in language.common for part in name.split()):
        return None
    return name if any(c.isalpha() for c in name) else None


def _article_of_the_name(run: Sequence[str], language: Language) -> str | None:
    """A capitalised article before one word written as a name is part of the name ("La
    Poste", "El Ganso"); before more words, or an acronym, it is grammar ("La Ville de
    Namur", "Les HUG") and is dropped, as a lower-case one always is; after the win word,
    inside the sentence, a capital one is kept however long the name (`_names_article`)."""
    if len(run) != 2 or fold(run[0]) not in ARTICLES.get(language.code, ()):
        return None
    first, word = run
    if not first[:1].isupper() or not first[1:].islower() or not word[:1].isupper():
        return None
    plain = word.isalpha() and word[1:].islower()
    return first if plain and fold(word) not in language.common else None


# The articles a name may begin with, by language: where a company is named without one
# (French, Spanish: "Renault a signé"), a capitalised one is the name's ("La Poste", "El
# Ganso"); Portuguese and German put one before any company ("a Natura", "die Allianz").
ARTICLES = {
    "es": frozenset({"el", "la", "los", "las"}),
    "fr": frozenset({"le", "la", "les"}),
}


def before_a_figure(name: str) -> str | None:
    """A name's words before any figure in it ("Grupo 1 234,56" is Grupo), or None when
    it opens with one: figures are an amount's or a period's, never these names'."""
    words = name.split()
    kept = next((i for i, word in enumerate(words) if _is_figure(word)), len(words))
    return " ".join(words[:kept]) or None


def _is_pause(word: str) -> bool:
    return word in PAUSE_MARKS or not any(c.isalnum() or c in "&@+" for c in word)


def _is_figure(word: str) -> bool:
    """An amount, a figure, a period or a currency: never part of a name."""
    if any(c.isdigit() or c in CURRENCY_SIGNS for c in word) or naming.is_figure(word):
        return True
    if naming.CURRENCY_CODE.fullmatch(word):
        return True  # "CHF 75'000"
    folded = fold(word).rstrip(".")
    return folded in MULTIPLIER_WORDS or folded in DURATION_WORDS  # "45 mil", "2 Jahre"


def _proper(word: str) -> bool:
    """Written as a name is: a capital first, or a capital inside ("iQuant")."""
    return word[:1].isupper() or any(c.isupper() for c in word[1:])
