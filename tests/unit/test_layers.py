"""The shape the code keeps: the product never leans on the sandbox or the tests, tests
and benchmarks stand on the package, and listeners stay a few lines each."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[2]
BOT = ROOT / "bot"
LONGEST_LISTENER = 40


def modules(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def imports(path: Path, top_level_only: bool = False) -> Iterator[tuple[str, int]]:
    """Every module `path` imports (absolute names), with the line, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def named(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_product_module_imports_the_sandbox() -> None:
    product = [p for p in modules(BOT) if "sandbox" not in p.relative_to(BOT).parts]
    found = [
        f"{named(p)}:{line} imports {name}"
        for p in product
        if p != BOT / "cli.py"
        for name, line in imports(p)
        if name == "bot.sandbox" or name.startswith("bot.sandbox.")
    ]
    assert found == []


def test_the_command_line_reaches_the_sandbox_only_when_asked() -> None:
    top = [name for name, _ in imports(BOT / "cli.py", top_level_only=True)]
    anywhere = [name for name, _ in imports(BOT / "cli.py")]
    assert not any(name.startswith("bot.sandbox") for name in top)
    assert any(name.startswith("bot.sandbox.demo") for name in anywhere)
    assert any(name.startswith("bot.sandbox.simulation") for name in anywhere)


def test_nothing_in_the_package_or_the_benchmarks_imports_the_tests() -> None:
    found = [
        f"{named(p)}:{line} imports {name}"
        for p in [*modules(BOT), *modules(ROOT / "bench")]
        for name, line in imports(p)
        if name == "tests" or name.startswith("tests.")
    ]
    assert found == []


def test_no_test_module_imports_another() -> None:
    tests = list(modules(ROOT / "tests"))
    test_modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in tests
        if p.name.startswith("test_")
    }
    found = [
        f"{named(p)}:{line} imports {name}"
        for p in tests
        for name, line in imports(p)
        if name in test_modules or name.rpartition(".")[0] in test_modules
    ]
    assert test_modules, "no test modules found: is ROOT right?"
    assert found == []


def test_every_listener_is_a_few_lines() -> None:
    lengths = {
        f"{named(p)}:{node.lineno} {node.name}": node.end_lineno - node.lineno + 1
        for p in modules(BOT / "listeners")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
    }
    assert lengths, "no listeners found"
    assert {where: n for where, n in lengths.items() if n > LONGEST_LISTENER} == {}


QUERY_BUILDERS = {"select", "update", "delete", "insert", "func", "text", "or_", "and_", "case"}
SESSION_QUERIES = {"get", "get_one", "scalar", "scalars", "execute"}


def test_every_query_lives_in_the_store() -> None:
    outside = [p for p in modules(BOT) if "store" not in p.relative_to(BOT).parts]
    found = []
    for p in outside:
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                found += [
                    f"{named(p)}:{node.lineno} imports {a.name}"
                    for a in node.names
                    if a.name in QUERY_BUILDERS
                ]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SESSION_QUERIES
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "session"
            ):
                found.append(f"{named(p)}:{node.lineno} session.{node.func.attr}")
    assert found == []
