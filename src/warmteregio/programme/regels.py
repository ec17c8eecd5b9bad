"""The rules of a warmteprogramma, read from the data files in ``programme/data``.

``regels.csv`` holds the parameters (update period, designation term, planning horizon, deadline), ``toetsen.csv``
the legal checks with their legal basis, ``stappen.csv`` the process guide and ``hoofdstukken.csv`` the chapter
structure. All are semicolon CSV in UTF-8 with a ``bron`` column on every row, so they can be updated when the
regulations change without touching code (see docs/method/warmteprogramma.md).
"""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path

from warmteregio.programme.model import HoofdstukDef, Regels, StapDef, ToetsDef

DATA_DIR = Path(__file__).resolve().parent / "data"
ERNST: tuple[str, ...] = ("fout", "waarschuwing")
_JA = {"ja", "1", "true", "yes"}
_NEE = {"nee", "0", "false", "no"}
_PARAMETERS = (
    "peildatum", "actualisatie_jaren", "aanwijstermijn_min_jaren", "planhorizon_jaren",
    "eerste_vaststelling_uiterlijk", "waarschuwing_maanden",
)  # fmt: skip


class RegelsError(ValueError):
    """A rules data file is malformed (the message names the file, the row and the problem)."""


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise RegelsError(f"{path.name}: missing columns {missing}")
        rows = []
        for n, row in enumerate(reader, start=2):
            if None in row or any(row[c] is None for c in columns):
                raise RegelsError(f"{path.name} line {n}: wrong number of fields")
            clean = {k: v.strip() for k, v in row.items()}
            if not clean["bron"]:
                raise RegelsError(f"{path.name} line {n}: empty bron")
            clean["_line"] = str(n)
            rows.append(clean)
    return rows


def _bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in _JA:
        return True
    if v in _NEE:
        return False
    raise RegelsError(f"{where}: expected ja/nee, got {value!r}")


def _int(value: str, where: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RegelsError(f"{where}: expected a whole number, got {value!r}") from None


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RegelsError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def _unique(codes: list[str], name: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if not code:
            raise RegelsError(f"{name}: empty code")
        if code in seen:
            raise RegelsError(f"{name}: duplicate code {code!r}")
        seen.add(code)


def read_rules(directory: Path = DATA_DIR) -> Regels:
    """Read and validate the four rules files from ``directory`` (uncached; :func:`load_rules` caches)."""
    params = {}
    for row in _rows(directory / "regels.csv", ("naam", "waarde", "eenheid", "bron")):
        params[row["naam"]] = (row["waarde"], f"regels.csv line {row['_line']}")
    missing = [p for p in _PARAMETERS if p not in params]
    if missing:
        raise RegelsError(f"regels.csv: missing parameters {missing}")

    toetsen = []
    cols = ("code", "titel_nl", "titel_en", "grondslag", "bron", "ernst", "blokkeert_vaststelling")
    for row in _rows(directory / "toetsen.csv", cols):
        where = f"toetsen.csv line {row['_line']}"
        if row["ernst"] not in ERNST:
            raise RegelsError(f"{where}: ernst must be one of {ERNST}, got {row['ernst']!r}")
        if not row["grondslag"]:
            raise RegelsError(f"{where}: empty grondslag")
        toetsen.append(ToetsDef(
            code=row["code"], titel_nl=row["titel_nl"], titel_en=row["titel_en"], grondslag=row["grondslag"],
            bron=row["bron"], ernst=row["ernst"],
            blokkeert_vaststelling=_bool(row["blokkeert_vaststelling"], where),
        ))  # fmt: skip
    _unique([t.code for t in toetsen], "toetsen.csv")

    stappen = []
    cols = ("code", "volgorde", "titel_nl", "titel_en", "beschrijving_nl", "beschrijving_en", "verplicht", "bron")
    for row in _rows(directory / "stappen.csv", cols):
        where = f"stappen.csv line {row['_line']}"
        stappen.append(StapDef(
            code=row["code"], volgorde=_int(row["volgorde"], where), titel_nl=row["titel_nl"],
            titel_en=row["titel_en"], beschrijving_nl=row["beschrijving_nl"], beschrijving_en=row["beschrijving_en"],
            verplicht=_bool(row["verplicht"], where), bron=row["bron"],
        ))  # fmt: skip
    _unique([s.code for s in stappen], "stappen.csv")

    hoofdstukken = []
    cols = ("code", "volgorde", "titel_nl", "titel_en", "inhoud_nl", "inhoud_en", "verplicht", "bron")
    for row in _rows(directory / "hoofdstukken.csv", cols):
        where = f"hoofdstukken.csv line {row['_line']}"
        actualisatie = row["verplicht"].lower() == "actualisatie"
        hoofdstukken.append(HoofdstukDef(
            code=row["code"], volgorde=_int(row["volgorde"], where), titel_nl=row["titel_nl"],
            titel_en=row["titel_en"], inhoud_nl=row["inhoud_nl"], inhoud_en=row["inhoud_en"], bron=row["bron"],
            verplicht=True if actualisatie else _bool(row["verplicht"], where),
            alleen_bij_actualisatie=actualisatie,
        ))  # fmt: skip
    _unique([h.code for h in hoofdstukken], "hoofdstukken.csv")

    regels = Regels(
        peildatum=_date(*params["peildatum"]),
        actualisatie_jaren=_int(*params["actualisatie_jaren"]),
        aanwijstermijn_min_jaren=_int(*params["aanwijstermijn_min_jaren"]),
        planhorizon_jaren=_int(*params["planhorizon_jaren"]),
        eerste_vaststelling_uiterlijk=_date(*params["eerste_vaststelling_uiterlijk"]),
        waarschuwing_maanden=_int(*params["waarschuwing_maanden"]),
        toetsen=tuple(toetsen),
        stappen=tuple(sorted(stappen, key=lambda s: (s.volgorde, s.code))),
        hoofdstukken=tuple(sorted(hoofdstukken, key=lambda h: (h.volgorde, h.code))),
    )
    for name in ("actualisatie_jaren", "planhorizon_jaren"):
        if getattr(regels, name) < 1:
            raise RegelsError(f"regels.csv: {name} must be at least 1")
    return regels


@functools.lru_cache(maxsize=1)
def load_rules() -> Regels:
    """The rules from the package's data files (read once per process)."""
    return read_rules(DATA_DIR)


def add_years(d: date, years: int) -> date:
    """``d`` plus whole years; 29 February becomes 28 February in a non-leap year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """``d`` plus (or minus) whole months, clamped to the last day of the target month."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def actualisatie_datum(vastgesteld_op: date, regels: Regels | None = None) -> date:
    """The date by which an adopted programme must be updated: adoption date + ``actualisatie_jaren``."""
    regels = regels or load_rules()
    return add_years(vastgesteld_op, regels.actualisatie_jaren)
