"""Importer of the existing heat-network (district heating) share per buurt.

Accepted inputs, percentages 0..100, stored as a fraction 0..1 in ``buurt.bestaand_warmtenet_aandeel``:

a. ``etm_wm_ob2021_neighbourhood_properties.csv`` (quintel/etm-warmtemodule): ``neighbourhood_code`` and
   ``existing_heat_network_share``;
b. a generic file with ``BU_CODE`` and ``P_STADVERW`` (the PBL/CBS name of the district-heating share).

Upstream placeholders for "unknown" (-99999999, 99999999) become empty (NULL) and are counted in the
notes; empty cells leave the buurt unchanged.

``etm_wm_existing_heat_network_share.csv`` has the ``BU_CODE``/``P_STADVERW`` columns but its codes are
ETM-internal ids such as ``GM0505_43`` (gemeente + sequence number), not CBS buurt codes. They cannot be
mapped to buurten, so such rows are refused with an explanation.
"""

from __future__ import annotations

import re
from pathlib import Path

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
from warmteregio.data.common import bulk_update, buurt_rows, check_duplicate, report_missing_buurten
from warmteregio.domain.codes import CodeError, normalise_buurtcode
from warmteregio.store.models import Buurt

SOURCE = "quintel/etm-warmtemodule, bestaand warmtenetaandeel per buurt"
LICENCE = "open data (upstream: CBS/Klimaatmonitor via ETM warmtemodule)"
FORMATS = (
    ("neighbourhood_code", "existing_heat_network_share"),
    ("BU_CODE", "P_STADVERW"),
)
ETM_ID_RE = re.compile(r"^GM\d{4}_\d+$", re.IGNORECASE)
PLACEHOLDERS = (-99999999.0, 99999999.0, -9999999.0, 9999999.0, -999999.0, 999999.0)


def validate_heat_network_share(
    session: Session, path: Path | str, jaar: int | None = None
) -> tuple[list[dict], ValidationReport, str, dict[str, int]]:
    report = ValidationReport(Path(path).name)
    counters = {"placeholder": 0, "empty": 0, "etm_ids": 0}
    table = read_table(path, report)
    if table is None:
        return [], report, "", counters
    fmt = next((f for f in FORMATS if all(c in table.index for c in f)), None)
    if fmt is None:
        report.add(
            1,
            None,
            "verwacht de kolommen neighbourhood_code + existing_heat_network_share of BU_CODE + P_STADVERW "
            f"(gevonden: {', '.join(table.header[:12])})",
            "expected the columns neighbourhood_code + existing_heat_network_share or BU_CODE + P_STADVERW "
            f"(found: {', '.join(table.header[:12])})",
        )
        return [], report, table.sha256, counters
    code_col, share_col = fmt
    ci, si = table.index[code_col], table.index[share_col]
    records: list[dict] = []
    seen: dict[str, int] = {}
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) <= max(ci, si):
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        raw_code = cells[ci].strip()
        if ETM_ID_RE.match(raw_code):
            counters["etm_ids"] += 1
            report.add(
                rownr,
                code_col,
                f"{raw_code!r} is een ETM-interne buurt-id (gemeentecode + volgnummer), geen CBS-buurtcode (BU + 8 "
                "cijfers); die is niet aan een buurt te koppelen. Gebruik een bestand met BU-codes, zoals "
                "etm_wm_ob2021_neighbourhood_properties.csv",
                f"{raw_code!r} is an ETM-internal neighbourhood id (municipality code + sequence number), not a CBS "
                "buurt code (BU + 8 digits); it cannot be mapped to a buurt. Use a file with BU codes, such as "
                "etm_wm_ob2021_neighbourhood_properties.csv",
            )
            continue
        try:
            code = normalise_buurtcode(raw_code)
        except CodeError as exc:
            report.add(rownr, code_col, exc.nl, exc.en)
            continue
        if not check_duplicate(report, seen, code, rownr, code_col, f"buurt {code}"):
            continue
        text = cells[si].strip()
        if text == "":
            counters["empty"] += 1
            continue
        value = parse_number(text, report, rownr, share_col, minimum=None)
        if value is None:
            continue
        if value in PLACEHOLDERS:
            counters["placeholder"] += 1
            records.append({"row": rownr, "code": code, "aandeel": None})
            continue
        if not 0 <= value <= 100:
            report.add(
                rownr,
                share_col,
                f"aandeel {value:g} ligt niet tussen 0 en 100 procent",
                f"share {value:g} is not between 0 and 100 percent",
            )
            continue
        records.append({"row": rownr, "code": code, "aandeel": value / 100.0})
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    if records:
        existing = buurt_rows(session, (r["code"] for r in records), jaar)
        report_missing_buurten(report, [(r["row"], r["code"]) for r in records if r["code"] not in existing],
                               code_col, jaar)
        for r in records:
            r["ids"] = [id_ for id_, _ in existing.get(r["code"], [])]
    return records, report, table.sha256, counters


def import_heat_network_share(
    session: Session,
    path: Path | str,
    *,
    jaar: int | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Set ``bestaand_warmtenet_aandeel`` (fraction 0..1) of existing buurten from a percentage column."""
    records, report, sha, counters = validate_heat_network_share(session, path, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    rows = [{"id": id_, "bestaand_warmtenet_aandeel": r["aandeel"]} for r in records for id_ in r["ids"]]
    bulk_update(session, Buurt, rows, progress)
    result = ImportResult("warmtenetaandeel", Path(path).name, len(records), updated=len(rows))
    if counters["placeholder"]:
        result.notes.append(
            f"{counters['placeholder']} plaatsvervangende waarden (zoals -99999999) opgeslagen als onbekend / "
            f"placeholder values (such as -99999999) stored as unknown"
        )
    if counters["empty"]:
        result.notes.append(
            f"{counters['empty']} lege waarden overgeslagen / empty values skipped"
        )
    record_run(
        session, importer="warmtenetaandeel", path=path, sha256=sha, rows=len(records), bron=SOURCE,
        licentie=LICENCE, gebruiker=gebruiker,
    )
    session.flush()
    return result
