"""Importer of parameter sets (kentallen) and energy price paths into a named, versioned ParameterSet.

``paths`` is one file, a directory (all ``*.csv`` files directly in it) or a list of those. Each file is
recognised by its header:

a. **PBL kentallen** ``Naam;Waarde;Eenheid;Bron;Beschrijving`` (Vesta 2025 ``kentallen_2025/*.csv``). The
   group (``groep``) is the file name without its date prefix (``20250120_Infra.csv`` -> ``Infra``).
   ``Waarde`` must be a number, a ``|``-separated list of numbers or ``nvt``.
b. **Vesta 2020 transcription** ``group;name;value;min;max;unit;description_nl;source_file;note``. The
   group is the ``group`` column. Values may be numbers, ``|``-separated lists, booleans or written-out
   formulas (kept as text, ``waarde_num`` empty). *min/max*: a row with ``min``/``max`` also produces the
   rows ``<name>_min`` and ``<name>_max`` (same group and unit, description says which variant); a
   name clash with an explicit row is a duplicate. ``source_file`` goes to ``bron`` and ``note`` is
   appended to the description.
c. **Price paths**: a wide table with a ``Jaar`` column and one column per price component. Every
   (column, year) becomes a value named ``<file stem without date>.<COLUMN>`` with ``jaar`` set, e.g.
   ``Energieprijzen_Aardgas.KG_P`` for 2030. Every cell must be a number.

Parameter names are unique per (group, name, year) within a set: the same name may occur in two groups
(Vesta uses ``Ki_afleverset_i`` for both LT and MT heat networks), but the same name and year twice in one
group is a problem naming both rows. Re-importing a set (same ``naam`` + ``versie``) replaces its values.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    Table,
    ValidationReport,
    read_table,
    record_run,
)
from warmteregio.domain.messages import Problem
from warmteregio.store.models import ParameterSet, ParameterWaarde

LICENCE = "GPL-3.0 (PBL Vesta MAIS)"
DATE_PREFIX_RE = re.compile(r"^\d{8}_")
NOT_APPLICABLE = {"nvt", "n.v.t.", "n.v.t", "-", "na", "n/a"}
BOOLEANS = {"true", "false", "waar", "onwaar"}

FORMAT_A = ("Naam", "Waarde", "Eenheid")
FORMAT_A_OPTIONAL = ("Bron", "Beschrijving")
FORMAT_B = ("group", "name", "value", "unit")
FORMAT_B_OPTIONAL = ("min", "max", "description_nl", "source_file", "note")


def group_of(path: Path) -> str:
    """File stem without a leading ``YYYYMMDD_`` date: ``20250120_Infra.csv`` -> ``Infra``."""
    return DATE_PREFIX_RE.sub("", path.stem)


def expand_paths(paths: Path | str | Iterable[Path | str]) -> list[Path]:
    items: Sequence[Path | str] = [paths] if isinstance(paths, str | Path) else list(paths)
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix.lower() == ".csv" and f.is_file()))
        else:
            files.append(p)
    return files


def _clean(text: str) -> str:
    return " ".join((text or "").replace("\ufeff", "").replace("\xa0", " ").split())


def _to_float(text: str) -> float | None:
    t = text.strip()
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _is_number_list(text: str) -> bool:
    parts = [p.strip() for p in text.split("|")]
    return len(parts) > 1 and all(_to_float(p) is not None for p in parts)


class _Collector:
    """Collects values of the whole set and checks (groep, naam, jaar) uniqueness across files."""

    def __init__(self, report: ValidationReport, multi: bool) -> None:
        self.report = report
        self.multi = multi
        self.values: list[dict] = []
        self.seen: dict[tuple[str | None, str, int | None], str] = {}

    def where(self, path: Path, column: str) -> str:
        return f"{path.name}:{column}" if self.multi else column

    def add(self, path: Path, row: int, column: str, value: dict) -> None:
        key = (value.get("groep"), value["naam"], value.get("jaar"))
        here = f"{path.name} rij/row {row}"
        if key in self.seen:
            year_nl = f" (jaar {key[2]})" if key[2] is not None else ""
            year_en = f" (year {key[2]})" if key[2] is not None else ""
            self.report.add(
                row,
                self.where(path, column),
                f"parameter {value['naam']!r}{year_nl} in groep {key[0]!r} staat dubbel: {self.seen[key]} en {here}",
                f"parameter {value['naam']!r}{year_en} in group {key[0]!r} is duplicated: {self.seen[key]} and {here}",
            )
            return
        self.seen[key] = here
        self.values.append(value)


def _getter(cells: list[str], idx: dict[str, int]):  # noqa: ANN202
    def get(col: str) -> str:
        return cells[idx[col]] if col in idx and idx[col] < len(cells) else ""

    return get


def _check_name(c: _Collector, path: Path, row: int, column: str, name: str) -> bool:
    if not name:
        c.report.add(row, c.where(path, column), "naam ontbreekt", "name is missing")
        return False
    if len(name) > 200:
        c.report.add(row, c.where(path, column), "naam langer dan 200 tekens", "name longer than 200 characters")
        return False
    return True


def _unit(c: _Collector, path: Path, row: int, column: str, text: str) -> str | None:
    unit = _clean(text)
    if len(unit) > 60:
        c.report.add(row, c.where(path, column), "eenheid langer dan 60 tekens", "unit longer than 60 characters")
    return unit or None


def _format_a(table: Table, c: _Collector, bron: str | None) -> None:
    path = table.path
    idx = table.index
    groep = group_of(path)[:100]
    for i, cells in enumerate(table.rows):
        row = table.row_number(i)
        get = _getter(cells, idx)
        name = _clean(get("Naam"))
        if not _check_name(c, path, row, "Naam", name):
            continue
        text = _clean(get("Waarde"))
        num = _to_float(text)
        if text == "":
            c.report.add(row, c.where(path, "Waarde"), "waarde ontbreekt", "value is missing")
            continue
        if num is None and text.lower() not in NOT_APPLICABLE and not _is_number_list(text):
            c.report.add(row, c.where(path, "Waarde"), f"geen getal: {text!r}", f"not a number: {text!r}")
            continue
        c.add(path, row, "Naam", {
            "naam": name,
            "jaar": None,
            "waarde": text,
            "waarde_num": num,
            "eenheid": _unit(c, path, row, "Eenheid", get("Eenheid")),
            "bron": _clean(get("Bron")) or bron,
            "beschrijving": _clean(get("Beschrijving")) or None,
            "groep": groep,
        })


def _format_b(table: Table, c: _Collector, bron: str | None) -> None:
    path = table.path
    idx = table.index
    for i, cells in enumerate(table.rows):
        row = table.row_number(i)
        get = _getter(cells, idx)
        name = _clean(get("name"))
        if not _check_name(c, path, row, "name", name):
            continue
        groep = _clean(get("group"))[:100] or None
        text = _clean(get("value"))
        description = _clean(get("description_nl"))
        note = _clean(get("note"))
        if note:
            description = f"{description} [{note}]" if description else f"[{note}]"
        base = {
            "eenheid": _unit(c, path, row, "unit", get("unit")),
            "bron": _clean(get("source_file")) or bron,
            "groep": groep,
            "jaar": None,
        }
        c.add(path, row, "name", {**base, "naam": name, "waarde": text, "waarde_num": _to_float(text),
                                   "beschrijving": description or None})
        for variant in ("min", "max"):
            vtext = _clean(get(variant))
            if not vtext:
                continue
            vnum = _to_float(vtext)
            if vnum is None and not _is_number_list(vtext):
                c.report.add(row, c.where(path, variant), f"geen getal: {vtext!r}", f"not a number: {vtext!r}")
                continue
            label = f"{variant}imum-variant van {name}"
            c.add(path, row, variant, {
                **base,
                "naam": f"{name}_{variant}"[:200],
                "waarde": vtext,
                "waarde_num": vnum,
                "beschrijving": f"{description} ({label})" if description else f"({label})",
            })


def _format_c(table: Table, c: _Collector, bron: str | None) -> None:
    path = table.path
    stem = group_of(path)
    year_col = next(h for h in table.header if h.lower() == "jaar")
    yi = table.index[year_col]
    columns = [(j, h) for j, h in enumerate(table.header) if j != yi]
    # empty trailing header cells are fine when their column is empty too
    for j, h in columns:
        if not h and any(j < len(r) and r[j].strip() for r in table.rows):
            c.report.add(1, c.where(path, f"kolom {j + 1}"), "kolom zonder naam bevat waarden",
                         "column without a name holds values")
    columns = [(j, h) for j, h in columns if h]
    years: dict[int, int] = {}
    for i, cells in enumerate(table.rows):
        row = table.row_number(i)
        year_text = cells[yi].strip() if yi < len(cells) else ""
        year_num = _to_float(year_text)
        if year_num is None or not year_num.is_integer() or not 1900 <= year_num <= 2200:
            c.report.add(row, c.where(path, year_col), f"geen geldig jaar: {year_text!r}",
                         f"not a valid year: {year_text!r}")
            continue
        year = int(year_num)
        if year in years:
            c.report.add(row, c.where(path, year_col), f"jaar {year} staat dubbel (ook op rij {years[year]})",
                         f"year {year} is duplicated (also on row {years[year]})")
            continue
        years[year] = row
        for j, h in columns:
            text = cells[j].strip() if j < len(cells) else ""
            num = _to_float(text)
            if num is None:
                nl, en = ("waarde ontbreekt", "value is missing") if not text else (
                    f"geen getal: {text!r}", f"not a number: {text!r}")
                c.report.add(row, c.where(path, h), nl, en)
                continue
            c.add(path, row, h, {
                "naam": f"{stem}.{h}"[:200],
                "jaar": year,
                "waarde": text,
                "waarde_num": num,
                "eenheid": None,
                "bron": bron or path.name,
                "beschrijving": None,
                "groep": stem[:100],
            })


def validate_parameter_files(
    paths: Path | str | Iterable[Path | str], bron: str | None = None
) -> tuple[list[dict], ValidationReport, list[Path], str]:
    files = expand_paths(paths)
    label = files[0].name if len(files) == 1 else f"{len(files)} bestanden/files"
    report = ValidationReport(label)
    collector = _Collector(report, multi=len(files) > 1)
    digest = hashlib.sha256()
    if not files:
        report.add(None, None, "geen CSV-bestanden gevonden", "no CSV files found")
    for path in files:
        sub = ValidationReport(path.name)
        table = read_table(path, sub)
        if table is None:
            report.extend(Problem(p.row, collector.where(path, p.column or "-"), p.nl, p.en) for p in sub.problems)
            continue
        digest.update(table.sha256.encode())
        header = set(table.header)
        lower = {h.lower() for h in table.header}
        if "Naam" in header or "Waarde" in header:
            fmt, required = _format_a, FORMAT_A
        elif len({"group", "name", "value"} & header) >= 2:
            fmt, required = _format_b, FORMAT_B
        elif "jaar" in lower:
            fmt, required = _format_c, ()
        else:
            report.add(
                1,
                collector.where(path, "-"),
                "onbekend formaat: verwacht Naam;Waarde;Eenheid;Bron;Beschrijving, "
                "group;name;value;min;max;unit;... of een prijspad met een kolom Jaar "
                f"(gevonden: {', '.join(table.header[:8])})",
                "unknown format: expected Naam;Waarde;Eenheid;Bron;Beschrijving, group;name;value;min;max;unit;... "
                f"or a price path with a Jaar column (found: {', '.join(table.header[:8])})",
            )
            continue
        missing = [col for col in required if col not in table.index]
        for col in missing:
            report.add(1, collector.where(path, col), "verplichte kolom ontbreekt", "required column is missing")
        if missing:
            continue
        if not table.rows:
            report.add(None, collector.where(path, "-"), "het bestand bevat geen rijen", "the file contains no rows")
            continue
        fmt(table, collector, bron)
    return collector.values, report, files, digest.hexdigest()


def import_parameter_set(
    session: Session,
    paths: Path | str | Iterable[Path | str],
    *,
    naam: str,
    versie: str,
    beschrijving: str | None = None,
    bron: str | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate all files, then create or replace the set (naam, versie) with their values."""
    values, report, files, sha = validate_parameter_files(paths, bron)
    if not naam.strip() or not versie.strip():
        report.add(None, None, "naam en versie van de parameterset zijn verplicht",
                   "name and version of the parameter set are required")
    if not report.ok:
        raise ImportValidationError(report)
    pset = session.scalars(
        select(ParameterSet).where(ParameterSet.naam == naam, ParameterSet.versie == versie)
    ).one_or_none()
    result = ImportResult("parameters", ", ".join(f.name for f in files)[:400], len(values))
    if pset is None:
        pset = ParameterSet(naam=naam, versie=versie, beschrijving=beschrijving, bron=bron)
        session.add(pset)
        session.flush()
        result.inserted = len(values)
    else:
        if beschrijving is not None:
            pset.beschrijving = beschrijving
        if bron is not None:
            pset.bron = bron
        session.execute(delete(ParameterWaarde).where(ParameterWaarde.set_id == pset.id))
        session.expire(pset, ["waarden"])
        result.updated = len(values)
        result.notes.append(f"bestaande set {naam} {versie} vervangen / existing set replaced")
    rows = [{**v, "set_id": pset.id} for v in values]
    for start in range(0, len(rows), 2000):
        session.execute(insert(ParameterWaarde), rows[start : start + 2000])
        if progress:
            progress(min(start + 2000, len(rows)), len(rows))
    run_path = files[0] if len(files) == 1 else (files[0].parent if files else Path("-"))
    record_run(
        session, importer="parameters", path=run_path, sha256=sha, rows=len(rows), bron=bron or f"{naam} {versie}",
        licentie=LICENCE, gebruiker=gebruiker,
    )
    session.flush()
    return result
