"""Importer of area characteristics (``gebiedskenmerken``): socio-economic figures per gemeente, wijk or buurt.

Two input formats, recognised by their header:

* **CBS KWB per gemeente** (``cbs_kwb_2021_gemeente_selectie_via_nlstat.csv``: CBS Kerncijfers wijken en
  buurten 2021, a selection reshaped by RishikeshGovind/nlstat), comma-separated with ``gm_code`` and columns
  such as ``Housing/Social housing (%)``. The mapped columns (:data:`CBS_COLUMNS`) become the kenmerken
  ``aandeel_sociale_huur``, ``aandeel_koopwoningen``, ``aandeel_stadsverwarming`` (percent -> share 0-1) and
  ``gem_huishoudinkomen_eur`` (x EUR 1000 -> EUR per year). An empty cell means "not published" (CBS
  suppresses small numbers) and is skipped, counted in the notes. Peiljaar 2021 unless given.
* **Long format** ``gebied_code;kenmerk;peiljaar;waarde;eenheid;bron`` (``;`` or ``,``): any kenmerk for a
  GM/WK/BU code, e.g. ``netcongestie`` 1/0 flags entered by a region. Known kenmerken are range-checked
  (:data:`KNOWN`): shares 0-1, flags 0 or 1, income >= 0.

Everything is validated first (bilingual problems per row and column); only a clean file is written, in the
caller's transaction. Rows are upserted on (gebied_code, kenmerk, peiljaar); every row written points to the
:class:`~warmteregio.store.models.ImportRun` of its import.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    Table,
    ValidationReport,
    parse_number,
    read_table,
    record_run,
)
from warmteregio.data.common import check_duplicate
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode, normalise_wijkcode
from warmteregio.store.models import Gebiedskenmerk

CBS_SOURCE = (
    "CBS Kerncijfers wijken en buurten 2021 per gemeente (selectie via RishikeshGovind/nlstat 275ef3e; "
    "CBS, CC-BY 4.0)"
)
CBS_LICENCE = "CC-BY 4.0 (CBS); selectie zonder licentiebestand / selection without licence file"
CBS_PEILJAAR = 2021
CBS_CODE_COLUMN = "gm_code"

#: CBS column -> (kenmerk, factor to the stored unit, stored unit, maximum of the raw value)
CBS_COLUMNS: dict[str, tuple[str, float, str, float | None]] = {
    "Housing/Social housing (%)": ("aandeel_sociale_huur", 0.01, "0-1", 100.0),
    "Housing/Owner-occupied (%)": ("aandeel_koopwoningen", 0.01, "0-1", 100.0),
    "IncomeWealth/Avg household income (x€1k)": ("gem_huishoudinkomen_eur", 1000.0, "EUR/jr", 10_000.0),
    "Environment/District heating (%)": ("aandeel_stadsverwarming", 0.01, "0-1", 100.0),
}

LONG_COLUMNS = ("gebied_code", "kenmerk", "peiljaar", "waarde", "eenheid", "bron")
LONG_SOURCE = "gebiedskenmerken (lang formaat / long format)"

#: Known kenmerken: (minimum, maximum, only 0/1)
KNOWN: dict[str, tuple[float | None, float | None, bool]] = {
    "aandeel_sociale_huur": (0.0, 1.0, False),
    "aandeel_koopwoningen": (0.0, 1.0, False),
    "aandeel_stadsverwarming": (0.0, 1.0, False),
    "gem_huishoudinkomen_eur": (0.0, 1e7, False),
    "netcongestie": (0.0, 1.0, True),
}
KENMERK_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MIN_YEAR, MAX_YEAR = 1900, 2100


def normalise_gebiedscode(value: object) -> str:
    """A GM, WK or BU code (upper case, stripped); :class:`CodeError` otherwise."""
    text = "" if value is None else str(value).strip().upper()
    for prefix, func in (("GM", normalise_gemeentecode), ("WK", normalise_wijkcode), ("BU", normalise_buurtcode)):
        if text.startswith(prefix):
            return func(text)
    raise CodeError(
        f"ongeldige gebiedscode {value!r} (verwacht GM0505, WK050501 of BU05050101)",
        f"invalid area code {value!r} (expected GM0505, WK050501 or BU05050101)",
    )


def detect_format(header: list[str]) -> str | None:
    """``cbs`` (KWB per gemeente), ``lang`` (long format) or None."""
    if CBS_CODE_COLUMN in header and any(c in header for c in CBS_COLUMNS):
        return "cbs"
    if all(c in header for c in LONG_COLUMNS):
        return "lang"
    return None


def _validate_cbs(table: Table, report: ValidationReport, peiljaar: int, bron: str) -> tuple[list[dict], int]:
    cols = {c: table.index[c] for c in CBS_COLUMNS if c in table.index}
    code_idx = table.index[CBS_CODE_COLUMN]
    width = code_idx + 1
    records: list[dict] = []
    seen: dict[str, int] = {}
    empty = 0
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        try:
            code = normalise_gemeentecode(cells[code_idx])
        except CodeError as exc:
            report.add(rownr, CBS_CODE_COLUMN, exc.nl, exc.en)
            continue
        if not check_duplicate(report, seen, code, rownr, CBS_CODE_COLUMN, f"gemeente {code}"):
            continue
        for column, idx in cols.items():
            kenmerk, factor, eenheid, maximum = CBS_COLUMNS[column]
            raw = cells[idx] if idx < len(cells) else ""
            if not raw.strip():
                empty += 1
                continue
            value = parse_number(raw, report, rownr, column, minimum=0.0, maximum=maximum)
            if value is None:
                continue
            records.append(
                {"gebied_code": code, "kenmerk": kenmerk, "peiljaar": peiljaar, "waarde": value * factor,
                 "eenheid": eenheid, "bron": bron[:300]}
            )  # fmt: skip
    return records, empty


def _validate_long(table: Table, report: ValidationReport) -> list[dict]:
    idx = {c: table.index[c] for c in LONG_COLUMNS}
    width = max(idx.values()) + 1
    records: list[dict] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        code = None
        try:
            code = normalise_gebiedscode(cells[idx["gebied_code"]])
        except CodeError as exc:
            report.add(rownr, "gebied_code", exc.nl, exc.en)
        kenmerk = cells[idx["kenmerk"]].strip()
        if not KENMERK_RE.match(kenmerk):
            report.add(
                rownr, "kenmerk",
                f"ongeldige kenmerknaam {kenmerk!r} (kleine letters, cijfers en _, maximaal 60 tekens)",
                f"invalid characteristic name {kenmerk!r} (lower case letters, digits and _, at most 60 characters)",
            )  # fmt: skip
        jaar = parse_number(cells[idx["peiljaar"]], report, rownr, "peiljaar", minimum=MIN_YEAR, maximum=MAX_YEAR,
                            integer=True)  # fmt: skip
        lo, hi, flag = KNOWN.get(kenmerk, (None, None, False))
        waarde = parse_number(cells[idx["waarde"]], report, rownr, "waarde", minimum=lo, maximum=hi)
        if waarde is not None and flag and waarde not in (0.0, 1.0):
            report.add(rownr, "waarde", f"{kenmerk} moet 0 of 1 zijn, niet {waarde:g}",
                       f"{kenmerk} must be 0 or 1, not {waarde:g}")  # fmt: skip
        eenheid = cells[idx["eenheid"]].strip()
        if not eenheid:
            report.add(rownr, "eenheid", "eenheid ontbreekt", "unit is missing")
        elif len(eenheid) > 30:
            report.add(rownr, "eenheid", "eenheid langer dan 30 tekens", "unit longer than 30 characters")
        bron = " ".join(cells[idx["bron"]].split())
        if not bron:
            report.add(rownr, "bron", "bron ontbreekt", "source is missing")
        elif len(bron) > 300:
            report.add(rownr, "bron", "bron langer dan 300 tekens", "source longer than 300 characters")
        if len(report.problems) > before or code is None or jaar is None or waarde is None:
            continue
        key = (code, kenmerk, int(jaar))
        if not check_duplicate(report, seen, key, rownr, "gebied_code", f"{code} {kenmerk} {int(jaar)}"):
            continue
        records.append(
            {"gebied_code": code, "kenmerk": kenmerk, "peiljaar": int(jaar), "waarde": waarde, "eenheid": eenheid,
             "bron": bron}
        )  # fmt: skip
    return records


def validate_kenmerken(
    path: Path | str, *, peiljaar: int | None = None, bron: str | None = None
) -> tuple[list[dict], ValidationReport, str, dict]:
    """Read and check the whole file; returns (rows to write, report, sha256, info)."""
    path = Path(path)
    report = ValidationReport(path.name)
    info: dict = {"formaat": None, "leeg": 0}
    table = read_table(path, report)
    if table is None:
        return [], report, "", info
    fmt = detect_format(table.header)
    info["formaat"] = fmt
    if fmt is None:
        report.add(
            1, None,
            f"onbekend formaat: verwacht kolom {CBS_CODE_COLUMN} met CBS-kolommen ({', '.join(CBS_COLUMNS)}) of "
            f"de kolommen {';'.join(LONG_COLUMNS)} (gevonden: {', '.join(table.header[:12])})",
            f"unknown format: expected column {CBS_CODE_COLUMN} with CBS columns ({', '.join(CBS_COLUMNS)}) or the "
            f"columns {';'.join(LONG_COLUMNS)} (found: {', '.join(table.header[:12])})",
        )  # fmt: skip
        return [], report, table.sha256, info
    if peiljaar is not None and not MIN_YEAR <= peiljaar <= MAX_YEAR:
        report.add(None, None, f"ongeldig peiljaar {peiljaar}", f"invalid reference year {peiljaar}")
    if fmt == "cbs":
        records, info["leeg"] = _validate_cbs(table, report, peiljaar or CBS_PEILJAAR, bron or CBS_SOURCE)
    else:
        records = _validate_long(table, report)
        if peiljaar is not None:
            report.add(None, None, "peiljaar staat in het lange formaat per rij; geef het niet apart op",
                       "the long format has the reference year per row; do not pass it separately")  # fmt: skip
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    return records, report, table.sha256, info


def import_kenmerken(
    session: Session,
    path: Path | str,
    *,
    peiljaar: int | None = None,
    bron: str | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate the whole file, then upsert the kenmerken on (gebied_code, kenmerk, peiljaar)."""
    records, report, sha, info = validate_kenmerken(path, peiljaar=peiljaar, bron=bron)
    if not report.ok:
        raise ImportValidationError(report)
    cbs = info["formaat"] == "cbs"
    run = record_run(
        session, importer="kenmerken", path=path, sha256=sha, rows=len(records),
        bron=(bron or CBS_SOURCE) if cbs else LONG_SOURCE, licentie=CBS_LICENCE if cbs else None, gebruiker=gebruiker,
    )  # fmt: skip
    session.flush()
    keys = [(r["gebied_code"], r["kenmerk"], r["peiljaar"]) for r in records]
    existing: dict[tuple[str, str, int], int] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        stmt = select(Gebiedskenmerk.id, Gebiedskenmerk.gebied_code, Gebiedskenmerk.kenmerk, Gebiedskenmerk.peiljaar)
        stmt = stmt.where(tuple_(Gebiedskenmerk.gebied_code, Gebiedskenmerk.kenmerk, Gebiedskenmerk.peiljaar).in_(part))
        for id_, code, kenmerk, jaar in session.execute(stmt):
            existing[(code, kenmerk, jaar)] = id_
    pairs = list(zip(records, keys, strict=True))
    new = [{**r, "import_run_id": run.id} for r, k in pairs if k not in existing]
    old = [{**r, "id": existing[k], "import_run_id": run.id} for r, k in pairs if k in existing]
    if new:
        session.execute(insert(Gebiedskenmerk), new)
    if old:
        session.execute(update(Gebiedskenmerk), old)
    if progress:
        progress(len(records), len(records))
    result = ImportResult("kenmerken", Path(path).name, len(records), inserted=len(new), updated=len(old))
    if cbs:
        gebieden = len({r["gebied_code"] for r in records})
        result.notes.append(
            f"CBS KWB: {gebieden} gemeenten, peiljaar {peiljaar or CBS_PEILJAAR} / municipalities, reference year"
        )
        if info["leeg"]:
            result.notes.append(
                f"{info['leeg']} lege cellen overgeslagen (niet gepubliceerd) / empty cells skipped (not published)"
            )
    session.flush()
    return result
