"""Every sentence Serve says goes through the catalogs, and every shipped catalog says
every one of them. These run in CI: a sentence added without `_`, or a catalog left
behind when a sentence changes, fails here with the file and line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.languages import CATALOGS, ENGLISH, SHIPPED, catalog_path

BOT = Path(__file__).resolve().parents[2] / "bot"
# Where what Serve says to people is written; the rest speaks to logs and operators.
SPOKEN = ("views", "listeners", "services", "due_work")
# The reader's rules: they read what people write, and say nothing.
READERS = {
    "signs",
    "recognition",
    "naming",
    "markup",
    "reading",
    "lookalike",
    "typed",
    "vocabularies",
    "other_languages",
}
MARKERS = {"_", "N_", "ngettext"}
NOT_SAID = "# not said"  # a line's string is for logs, Slack's API or the reader's rules
QUIET_CALLS = {"debug", "info", "warning", "error", "exception", "critical", "compile"}
WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
# Block Kit builders (bot/views/blocks.py) and the arguments of theirs a person reads:
# any words there are said, however short.
BUILDERS = {
    "button": (0,),
    "plain": (0,),
    "header": (0,),
    "section": (0,),
    "context": (0,),
    "option": (0,),
    "message": (0,),
    "modal": (2, 3),
}


def looks_said(text: str) -> bool:
    """A sentence a person would read: three words or more, written as a sentence."""
    words = WORD.findall(text)
    if len(words) < 3 or ("\n" in text.strip() and text.strip().startswith(("(", "["))):
        return False
    stripped = text.strip()
    return stripped[:1].isupper() or stripped.endswith((".", "?", "!", ":"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _quiet(tree: ast.AST) -> set[int]:
    """Strings inside `_()`-marked calls, logging calls and regexes: not to flag."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        name = name or (node.func.id if isinstance(node.func, ast.Name) else None)
        if name in MARKERS or name in QUIET_CALLS:
            found.update(id(inner) for inner in ast.walk(node))
    return found


def _shown(tree: ast.AST) -> set[int]:
    """Strings handed straight to a Block Kit builder as what a person reads."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for index in BUILDERS.get(node.func.id, ()):
                if index < len(node.args):
                    found.add(id(node.args[index]))
    return found


def _text_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.JoinedStr):
        return "".join(p.value for p in node.values if isinstance(p, ast.Constant))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def bypassing(path: Path) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    skip = _docstrings(tree) | _quiet(tree)
    shown = _shown(tree)
    for node in ast.walk(tree):
        text = _text_of(node)
        if text is None or id(node) in skip or NOT_SAID in lines[node.lineno - 1]:
            continue
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
        if looks_said(text) or (id(node) in shown and WORD.search(text)):
            yield f"{path.relative_to(BOT.parent)}:{node.lineno}: {text[:60]!r}"


def spoken_modules() -> list[Path]:
    found = (p for part in SPOKEN for p in (BOT / part).rglob("*.py"))
    return sorted(p for p in found if not (p.parent.name == "services" and p.stem in READERS))


def test_no_sentence_bypasses_the_catalog() -> None:
    found = [line for path in spoken_modules() for line in bypassing(path)]
    assert found == [], (
        "say these through _() or N_(), or mark the line '# not said':\n" + "\n".join(found)
    )


def message_ids() -> dict[str, str]:
    """Every message id in the package, with where it is first used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(BOT), method_map=[("**.py", "python")]
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for one in ids:
            if one:
                found.setdefault(one, f"{filename}:{lineno}")
    return found


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != ENGLISH])
def test_every_catalog_says_every_message(language: str) -> None:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    said = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy or not all(strings):
            continue
        for one in ids:
            said[one] = strings
    missing = [f"{where}: {mid!r}" for mid, where in message_ids().items() if mid not in said]
    assert missing == [], f"{language} lacks:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", [code for code in SHIPPED if code != ENGLISH])
def test_every_translation_keeps_its_placeholders(language: str) -> None:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                wrong.append(f"{ids[0]!r} → {string!r}")
    assert wrong == [], "\n".join(wrong)


def test_the_catalogs_sit_in_the_package() -> None:
    for language in SHIPPED:
        if language != ENGLISH:
            assert catalog_path(language).is_relative_to(CATALOGS)
