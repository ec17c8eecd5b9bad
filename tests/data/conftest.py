"""Fixtures for the importer tests: table counts, minimal buurten, paths of the bad-file corpus."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from warmteregio.domain.codes import gemeente_of, wijk_of_buurt
from warmteregio.store.models import Base, Buurt

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def bad() -> Path:
    return FIXTURES / "bad"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def table_counts(session: Session) -> dict[str, int]:
    """Row count of every table: used to prove that a refused import changed nothing."""
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


@pytest.fixture
def counts() -> Callable[[Session], dict[str, int]]:
    return table_counts


def seed_buurten(session: Session, codes: Iterable[str], jaar: int = 2019) -> None:
    """Insert bare buurt rows (code, year, wijk, gemeente) so that buurt-level importers find them."""
    rows = [
        {"code": c, "jaar": jaar, "wijk_code": wijk_of_buurt(c), "gemeente_code": gemeente_of(c)}
        for c in sorted(set(codes))
    ]
    for start in range(0, len(rows), 2000):
        session.execute(insert(Buurt), rows[start : start + 2000])
    session.flush()


@pytest.fixture
def seed() -> Callable[..., None]:
    return seed_buurten


def read_codes(path: Path, column: int = 0) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    return [line.split(",")[column].strip('"') for line in lines if line.strip()]


@pytest.fixture
def codes_of() -> Callable[..., list[str]]:
    return read_codes
