"""The house rules of docs/architecture.md, checked on the source: data flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "warmteregio"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "engine").glob("*.py")), ids=lambda p: p.name)
def test_engine_is_pure(path: Path) -> None:
    """The engine never touches storage, web, CLI, importers or the network."""
    forbidden = ("warmteregio.store", "warmteregio.web", "warmteregio.services", "warmteregio.data",
                 "warmteregio.cli", "sqlalchemy", "fastapi", "httpx", "typer", "requests")
    bad = sorted(name for name in _imports(path) if name.startswith(forbidden))
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("sub", ["data", "engine", "store", "domain", "accounts"])
def test_lower_layers_do_not_import_the_web(sub: str) -> None:
    for path in sorted((PACKAGE / sub).rglob("*.py")):
        bad = sorted(n for n in _imports(path) if n.startswith(("warmteregio.web", "fastapi")))
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "web" / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_leave_queries_to_the_services(path: Path) -> None:
    """Page modules reshape service answers for templates; queries (SQLAlchemy expressions) live in services."""
    bad = sorted(n for n in _imports(path) if n == "sqlalchemy" or n.startswith("sqlalchemy.sql"))
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "network").glob("*.py")), ids=lambda p: p.name)
def test_network_core_is_pure(path: Path) -> None:
    """The network core decides and formats; storage, services and the web stay outside (issue 7)."""
    forbidden = ("warmteregio.store", "warmteregio.web", "warmteregio.services", "warmteregio.data",
                 "warmteregio.cli", "sqlalchemy", "fastapi", "typer")  # fmt: skip
    bad = sorted(name for name in _imports(path) if name.startswith(forbidden))
    assert not bad, f"{path.name} imports {bad}"
