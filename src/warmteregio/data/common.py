"""Small helpers shared by the importers: buurt look-ups, RD New bounds, bulk writes, duplicate checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from warmteregio.data.base import ProgressCallback, ValidationReport
from warmteregio.store.models import Buurt

# A generous bounding box of the Netherlands in RD New (EPSG:28992), metres.
RD_X_MIN, RD_X_MAX = 0.0, 300_000.0
RD_Y_MIN, RD_Y_MAX = 289_000.0, 630_000.0

CHUNK = 2000


def within_nl(x: float, y: float) -> bool:
    return RD_X_MIN <= x <= RD_X_MAX and RD_Y_MIN <= y <= RD_Y_MAX


def check_rd_point(
    report: ValidationReport, row: int, x: float | None, y: float | None, col_x: str, col_y: str
) -> bool:
    """Record a problem when (x, y) lies outside the Netherlands in RD New; True when it is fine."""
    if x is None or y is None:
        return False
    if within_nl(x, y):
        return True
    column = col_x if not RD_X_MIN <= x <= RD_X_MAX else col_y
    report.add(
        row,
        column,
        f"coördinaat ({x:g}, {y:g}) ligt buiten Nederland in RD New "
        f"(x {RD_X_MIN:g}..{RD_X_MAX:g}, y {RD_Y_MIN:g}..{RD_Y_MAX:g}); zijn het WGS84-graden of een andere eenheid?",
        f"coordinate ({x:g}, {y:g}) lies outside the Netherlands in RD New "
        f"(x {RD_X_MIN:g}..{RD_X_MAX:g}, y {RD_Y_MIN:g}..{RD_Y_MAX:g}); are these WGS84 degrees or another unit?",
    )
    return False


def check_duplicate(
    report: ValidationReport, seen: dict[Any, int], key: Any, row: int, column: str, label: str
) -> bool:
    """Record a duplicate of ``key`` (naming both rows); True when the key is new."""
    if key in seen:
        report.add(
            row,
            column,
            f"{label} staat dubbel (ook op rij {seen[key]})",
            f"{label} is duplicated (also on row {seen[key]})",
        )
        return False
    seen[key] = row
    return True


def buurt_rows(session: Session, codes: Iterable[str], jaar: int | None = None) -> dict[str, list[tuple[int, int]]]:
    """Existing buurten by code: ``code -> [(id, jaar), ...]``, restricted to ``jaar`` when given."""
    codes = sorted(set(codes))
    found: dict[str, list[tuple[int, int]]] = {}
    for start in range(0, len(codes), CHUNK):
        part = codes[start : start + CHUNK]
        stmt = select(Buurt.id, Buurt.code, Buurt.jaar).where(Buurt.code.in_(part))
        if jaar is not None:
            stmt = stmt.where(Buurt.jaar == jaar)
        for id_, code, year in session.execute(stmt):
            found.setdefault(code, []).append((id_, year))
    return found


def report_missing_buurten(
    report: ValidationReport,
    missing: Sequence[tuple[int, str]],
    column: str,
    jaar: int | None,
    hint_nl: str = "importeer eerst de buurttabel",
    hint_en: str = "import the buurt table first",
) -> None:
    year_nl = f" (indeling {jaar})" if jaar is not None else ""
    year_en = f" (division {jaar})" if jaar is not None else ""
    for row, code in missing:
        report.add(
            row,
            column,
            f"buurt {code}{year_nl} bestaat niet in de database; {hint_nl}",
            f"buurt {code}{year_en} does not exist in the database; {hint_en}",
        )


def bulk_insert(
    session: Session, model: type, rows: list[dict], progress: ProgressCallback | None = None,
    done: int = 0, total: int | None = None,
) -> int:
    total = total if total is not None else len(rows)
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        session.execute(insert(model), part)
        done += len(part)
        if progress:
            progress(done, total)
    return done


def bulk_update(
    session: Session, model: type, rows: list[dict], progress: ProgressCallback | None = None,
    done: int = 0, total: int | None = None,
) -> int:
    """ORM bulk UPDATE by primary key; each dict holds ``id`` and the columns to set."""
    total = total if total is not None else len(rows)
    # group by the set of keys: executemany needs the same columns in every parameter set
    by_keys: dict[tuple[str, ...], list[dict]] = {}
    for r in rows:
        by_keys.setdefault(tuple(sorted(r)), []).append(r)
    for group in by_keys.values():
        for start in range(0, len(group), CHUNK):
            part = group[start : start + CHUNK]
            session.execute(update(model), part)
            done += len(part)
            if progress:
                progress(done, total)
    return done


def same(a: Any, b: Any) -> bool:
    """Equality that treats floats as equal within a relative 1e-9 (stored floats round-trip)."""
    if isinstance(a, float) and isinstance(b, float | int) or isinstance(b, float) and isinstance(a, int):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def changed(old: dict, new: dict, fields: Iterable[str]) -> bool:
    return any(not same(old.get(f), new.get(f)) for f in fields)
