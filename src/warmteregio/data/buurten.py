"""Importer of the national buurt table: PBL Startanalyse 2020 heat demand and woningequivalenten.

Input: ``etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv`` (13,688 buurten, CBS division 2019) or any
file with the same columns. Heat demand per function in GJ per year; WEQ = dwellings + utility m2 / 130.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    ValidationReport,
    parse_number,
    read_table,
    record_run,
)
from warmteregio.domain.codes import (
    CodeError,
    gemeente_of,
    normalise_buurtcode,
    normalise_gemeentecode,
    wijk_of_buurt,
)
from warmteregio.store.models import Buurt, Wijk

SOURCE = "PBL Startanalyse aardgasvrije buurten 2020 (via quintel/etm-warmtemodule)"
LICENCE = "open data PBL"
DEFAULT_YEAR = 2019  # the Startanalyse 2020 uses the CBS buurt division of 2019

COLUMNS = {
    "code": "BU_CODE",
    "gemeente": "GM_CODE",
    "studiegebied": "InStudieGebied?",
    "aantal_woningen": "Aantal_woningen [Aansluiting]",
    "aantal_utiliteit": "Aantal_utiliteit [Aansluiting]",
    "weq_woningen": "nrWEQ_woningen [WEQ]",
    "weq_utiliteit": "nrWEQ_utiliteit [WEQ)",
    "weq": "nrWEQ_totaal [WEQ]",
    "vraag_totaal_gj": "Vraag_Totaal [ giga J per yr]",
    "vraag_ruimteverwarming_gj": "Vraag_RV [ giga J per yr]",
    "vraag_tapwater_gj": "Vraag_TW [ giga J per yr]",
    "vraag_ventilatie_gj": "Vraag_Vent [ giga J per yr]",
    "vraag_koude_gj": "Vraag_K [ giga J per yr]",
    "vraag_apparaten_gj": "Vraag_App [ giga J per yr]",
}
INTEGER_FIELDS = ("aantal_woningen", "aantal_utiliteit")
FLOAT_FIELDS = (
    "weq_woningen",
    "weq_utiliteit",
    "weq",
    "vraag_totaal_gj",
    "vraag_ruimteverwarming_gj",
    "vraag_tapwater_gj",
    "vraag_ventilatie_gj",
    "vraag_koude_gj",
    "vraag_apparaten_gj",
)
# A buurt holds at most a few tens of thousands of dwellings; beyond this a value is a unit error.
MAX_COUNT = 100_000
MAX_DEMAND_GJ = 50_000_000


def validate_buurt_table(path: Path | str, jaar: int = DEFAULT_YEAR) -> tuple[list[dict], ValidationReport, str]:
    """Read and check the file; return the clean records, the report and the file's SHA-256."""
    report = ValidationReport(Path(path).name)
    table = read_table(path, report, required=list(COLUMNS.values()))
    if table is None:
        return [], report, ""
    idx = {key: table.index[col] for key, col in COLUMNS.items()}
    records: list[dict] = []
    seen: dict[str, int] = {}
    width = max(idx.values()) + 1
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        problems_before = len(report.problems)
        try:
            code = normalise_buurtcode(cells[idx["code"]])
        except CodeError as exc:
            report.add(rownr, COLUMNS["code"], exc.nl, exc.en)
            continue
        try:
            gm = normalise_gemeentecode(cells[idx["gemeente"]])
            if gm != gemeente_of(code):
                report.add(
                    rownr,
                    COLUMNS["gemeente"],
                    f"buurt {code} hoort bij {gemeente_of(code)}, niet bij {gm}",
                    f"buurt {code} belongs to {gemeente_of(code)}, not to {gm}",
                )
        except CodeError as exc:
            report.add(rownr, COLUMNS["gemeente"], exc.nl, exc.en)
        if code in seen:
            report.add(
                rownr,
                COLUMNS["code"],
                f"buurt {code} staat dubbel (ook op rij {seen[code]})",
                f"buurt {code} is duplicated (also on row {seen[code]})",
            )
        seen[code] = rownr
        rec: dict = {"code": code, "jaar": jaar, "wijk_code": wijk_of_buurt(code), "gemeente_code": gemeente_of(code)}
        for key in INTEGER_FIELDS:
            rec[key] = parse_number(
                cells[idx[key]], report, rownr, COLUMNS[key], integer=True, maximum=MAX_COUNT
            )
        for key in FLOAT_FIELDS:
            rec[key] = parse_number(cells[idx[key]], report, rownr, COLUMNS[key], maximum=MAX_DEMAND_GJ)
        flag = cells[idx["studiegebied"]].strip()
        if flag not in ("0", "1", ""):
            report.add(
                rownr, COLUMNS["studiegebied"], f"verwacht 0 of 1, niet {flag!r}", f"expected 0 or 1, not {flag!r}"
            )
        rec["in_studiegebied"] = None if flag == "" else flag == "1"
        if len(report.problems) == problems_before:
            weq_parts = (rec["weq_woningen"] or 0) + (rec["weq_utiliteit"] or 0)
            if rec["weq"] is not None and abs(weq_parts - rec["weq"]) > 1.5:
                report.add(
                    rownr,
                    COLUMNS["weq"],
                    f"WEQ totaal {rec['weq']:g} is niet woningen + utiliteit ({weq_parts:g})",
                    f"WEQ total {rec['weq']:g} is not dwellings + utility ({weq_parts:g})",
                )
            for key in INTEGER_FIELDS:
                if rec[key] is not None:
                    rec[key] = int(rec[key])
            rec["bron"] = SOURCE
            records.append(rec)
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    return records, report, table.sha256


def import_buurt_table(
    session: Session,
    path: Path | str,
    *,
    jaar: int = DEFAULT_YEAR,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate the whole file, then upsert all buurten (and their wijken) in the caller's transaction.

    Raises :class:`ImportValidationError` without writing anything when the file has problems.
    """
    records, report, sha = validate_buurt_table(path, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    result = ImportResult("buurten", Path(path).name, len(records))
    upsert_buurten(session, records, result, progress)
    upsert_wijken(session, {(r["wijk_code"], r["gemeente_code"]) for r in records}, jaar)
    record_run(
        session, importer="buurten", path=path, sha256=sha, rows=len(records), bron=SOURCE, licentie=LICENCE,
        gebruiker=gebruiker,
    )
    session.flush()
    return result


def upsert_buurten(
    session: Session, records: list[dict], result: ImportResult, progress: ProgressCallback | None = None,
    chunk: int = 2000,
) -> None:
    """Insert new buurten and update existing ones (matched on code + jaar), in chunks."""
    years = {r["jaar"] for r in records}
    existing: dict[tuple[str, int], int] = {
        (code, year): id_
        for id_, code, year in session.execute(
            select(Buurt.id, Buurt.code, Buurt.jaar).where(Buurt.jaar.in_(years))
        )
    }
    new = [r for r in records if (r["code"], r["jaar"]) not in existing]
    old = [{**r, "id": existing[(r["code"], r["jaar"])]} for r in records if (r["code"], r["jaar"]) in existing]
    done = 0
    total = len(records)
    for start in range(0, len(new), chunk):
        part = new[start : start + chunk]
        session.execute(insert(Buurt), part)
        done += len(part)
        if progress:
            progress(done, total)
    for start in range(0, len(old), chunk):
        part = old[start : start + chunk]
        session.execute(update(Buurt), part)
        done += len(part)
        if progress:
            progress(done, total)
    result.inserted += len(new)
    result.updated += len(old)


def upsert_wijken(session: Session, wijken: set[tuple[str, str]], jaar: int) -> None:
    """Make sure a wijk row exists for every (wijkcode, gemeentecode) of the given division year."""
    existing = set(session.scalars(select(Wijk.code).where(Wijk.jaar == jaar)))
    new = [{"code": wk, "jaar": jaar, "gemeente_code": gm} for wk, gm in sorted(wijken) if wk not in existing]
    if new:
        session.execute(insert(Wijk), new)
