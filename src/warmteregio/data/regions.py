"""Importer of the region mapping: gemeente -> RES region -> province.

Input: ``gemeente_res_regio_2023.csv`` (quintel/etlocal, MIT) with columns ``gm_code, gm_naam, res_code,
res_naam, provincie_code_etm, provincie_slug_etm``: 342 gemeenten (division 2023), 30 RES regions
(ES01..ES30, ETM numbering) and 12 provinces (PV20..PV31, ETM numbering). A RES region may span two
provinces (FoodValley: Gelderland and Utrecht); its ``provincie_code`` is the province of most of its
gemeenten (each gemeente keeps its own province). Province names are derived
from the slug (``noord_brabant`` -> ``Noord-Brabant``, ``fryslan`` -> ``Fryslân``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    ValidationReport,
    read_table,
    record_run,
)
from warmteregio.data.common import check_duplicate
from warmteregio.domain.codes import CodeError, normalise_gemeentecode, normalise_provinciecode, normalise_rescode
from warmteregio.store.models import Gemeente, Provincie, ResRegio

SOURCE = "quintel/etlocal (ETM), samenstelling RES-regio's 2023"
LICENCE = "MIT"
DEFAULT_YEAR = 2023

COLUMNS = ("gm_code", "gm_naam", "res_code", "res_naam", "provincie_code_etm", "provincie_slug_etm")

# The official Dutch names of the twelve provinces, by the slug the ETM uses (and common variants).
PROVINCE_NAMES = {
    "groningen": "Groningen",
    "fryslan": "Fryslân",
    "friesland": "Fryslân",
    "drenthe": "Drenthe",
    "overijssel": "Overijssel",
    "flevoland": "Flevoland",
    "gelderland": "Gelderland",
    "utrecht": "Utrecht",
    "noord_holland": "Noord-Holland",
    "zuid_holland": "Zuid-Holland",
    "zeeland": "Zeeland",
    "noord_brabant": "Noord-Brabant",
    "limburg": "Limburg",
}


def province_name(slug: str) -> str:
    """A proper Dutch province name from an ETM slug; unknown slugs become title case with hyphens."""
    key = slug.strip().lower().replace("-", "_").replace(" ", "_")
    if key in PROVINCE_NAMES:
        return PROVINCE_NAMES[key]
    return "-".join(part.capitalize() for part in key.split("_") if part)


def validate_region_mapping(path: Path | str, jaar: int = DEFAULT_YEAR) -> tuple[dict, ValidationReport, str]:
    report = ValidationReport(Path(path).name)
    table = read_table(path, report, required=COLUMNS)
    if table is None:
        return {}, report, ""
    idx = {c: table.index[c] for c in COLUMNS}
    width = max(idx.values()) + 1
    provinces: dict[str, tuple[str, int]] = {}
    regions: dict[str, tuple[str, int]] = {}
    res_provinces: dict[str, Counter[str]] = {}
    gemeenten: list[dict] = []
    seen: dict[str, int] = {}
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        codes = {}
        for col, func in (
            ("gm_code", normalise_gemeentecode),
            ("res_code", normalise_rescode),
            ("provincie_code_etm", normalise_provinciecode),
        ):
            try:
                codes[col] = func(cells[idx[col]])
            except CodeError as exc:
                report.add(rownr, col, exc.nl, exc.en)
        names = {c: cells[idx[c]].strip() for c in ("gm_naam", "res_naam", "provincie_slug_etm")}
        for col, value in names.items():
            if not value:
                report.add(rownr, col, "naam ontbreekt", "name is missing")
        if len(report.problems) > before:
            continue
        gm, res, pv = codes["gm_code"], codes["res_code"], codes["provincie_code_etm"]
        check_duplicate(report, seen, gm, rownr, "gm_code", f"gemeente {gm}")
        pv_name = province_name(names["provincie_slug_etm"])
        if pv in provinces and provinces[pv][0] != pv_name:
            report.add(
                rownr,
                "provincie_slug_etm",
                f"provincie {pv} heet hier {pv_name!r} maar op rij {provinces[pv][1]} {provinces[pv][0]!r}",
                f"province {pv} is named {pv_name!r} here but {provinces[pv][0]!r} on row {provinces[pv][1]}",
            )
        provinces.setdefault(pv, (pv_name, rownr))
        if res in regions and regions[res][0] != names["res_naam"]:
            report.add(
                rownr,
                "res_naam",
                f"RES-regio {res} heet hier {names['res_naam']!r} maar op rij {regions[res][1]} {regions[res][0]!r}",
                f"RES region {res} is named {names['res_naam']!r} here but {regions[res][0]!r} "
                f"on row {regions[res][1]}",
            )
        regions.setdefault(res, (names["res_naam"], rownr))
        res_provinces.setdefault(res, Counter())[pv] += 1
        gemeenten.append(
            {"code": gm, "jaar": jaar, "naam": names["gm_naam"], "res_code": res, "provincie_code": pv}
        )
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    data = {
        "provincies": [{"code": c, "naam": n} for c, (n, _) in sorted(provinces.items())],
        "res_regios": [
            {"code": c, "naam": n, "provincie_code": res_provinces[c].most_common(1)[0][0]}
            for c, (n, _) in sorted(regions.items())
        ],
        "multi_province": {c: sorted(p) for c, p in res_provinces.items() if len(p) > 1},
        "gemeenten": gemeenten,
    }
    return data, report, table.sha256


def _upsert_by_code(session: Session, model: type, rows: list[dict]) -> tuple[int, int]:
    existing = set(session.scalars(select(model.code)))
    new = [r for r in rows if r["code"] not in existing]
    old = [r for r in rows if r["code"] in existing]
    if new:
        session.execute(insert(model), new)
    for r in old:  # a few dozen rows at most
        session.execute(update(model).where(model.code == r["code"]).values(**r))
    return len(new), len(old)


def import_region_mapping(
    session: Session,
    path: Path | str,
    *,
    jaar: int = DEFAULT_YEAR,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate the whole file, then upsert provinces, RES regions and gemeenten (code + jaar)."""
    data, report, sha = validate_region_mapping(path, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    gemeenten = data["gemeenten"]
    result = ImportResult("regio-indeling", Path(path).name, len(gemeenten))
    _upsert_by_code(session, Provincie, data["provincies"])
    _upsert_by_code(session, ResRegio, data["res_regios"])
    existing = {
        code: id_ for id_, code in session.execute(select(Gemeente.id, Gemeente.code).where(Gemeente.jaar == jaar))
    }
    new = [g for g in gemeenten if g["code"] not in existing]
    old = [{**g, "id": existing[g["code"]]} for g in gemeenten if g["code"] in existing]
    if new:
        session.execute(insert(Gemeente), new)
    if old:
        session.execute(update(Gemeente), old)
    if progress:
        progress(len(gemeenten), len(gemeenten))
    result.inserted, result.updated = len(new), len(old)
    result.notes.append(
        f"{len(data['provincies'])} provincies, {len(data['res_regios'])} RES-regio's / RES regions, "
        f"{len(gemeenten)} gemeenten (indeling/division {jaar})"
    )
    for res, pvs in data["multi_province"].items():
        result.notes.append(
            f"RES-regio {res} ligt in meerdere provincies ({', '.join(pvs)}); provincie_code is die van de meeste "
            f"gemeenten / RES region {res} spans several provinces; provincie_code is that of most gemeenten"
        )
    record_run(
        session, importer="regio-indeling", path=path, sha256=sha, rows=len(gemeenten), bron=SOURCE,
        licentie=LICENCE, gebruiker=gebruiker,
    )
    session.flush()
    return result
