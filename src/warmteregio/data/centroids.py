"""Importers of buurt centroids and names (quintel/etm-warmtemodule, OB2021 study area, division 2019).

* ``etm_wm_ob2021_neighbourhoods_geo.csv``: ``fid, neighbourhood_code, neighbourhood_name,
  adjacent_neighbourhoods, geo_coordinate_x, geo_coordinate_y, municipality_code, municipality_name``
  sets ``centroid_x``/``centroid_y`` (RD New) and the name of existing buurten.
  Upstream bug: ``municipality_code`` is written ``GMGM0059``; a doubled ``GM`` prefix is normalised (and
  noted in the result) before it is checked against the buurt code.
* ``etm_wm_ob2021_neighbourhood_list.csv``: ``neighbourhood_code, neighbourhood_name`` sets names.

Buurten are matched on code in every division year present (or only ``jaar`` when given); a code that
is not in the database is a problem (import the buurt table first).
"""

from __future__ import annotations

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
from warmteregio.data.common import (
    bulk_update,
    buurt_rows,
    check_duplicate,
    check_rd_point,
    report_missing_buurten,
)
from warmteregio.domain.codes import CodeError, gemeente_of, normalise_buurtcode, normalise_gemeentecode
from warmteregio.store.models import Buurt

SOURCE = "quintel/etm-warmtemodule (OB2021), buurtcentroïden en -namen"
LICENCE = "open data (upstream: CBS/PDOK wijk- en buurtkaart)"
GEO_COLUMNS = ("neighbourhood_code", "neighbourhood_name", "geo_coordinate_x", "geo_coordinate_y", "municipality_code")
LIST_COLUMNS = ("neighbourhood_code", "neighbourhood_name")


def normalise_doubled_gm(value: str) -> tuple[str, bool]:
    """``GMGM0059`` -> (``GM0059``, True); anything else unchanged."""
    text = (value or "").strip().upper()
    if text.startswith("GMGM") and len(text) == 8:
        return text[2:], True
    return text, False


def _validate(
    session: Session, path: Path | str, columns: tuple[str, ...], with_xy: bool, jaar: int | None
) -> tuple[list[dict], ValidationReport, str, int]:
    report = ValidationReport(Path(path).name)
    table = read_table(path, report, required=columns)
    if table is None:
        return [], report, "", 0
    idx = {c: table.index[c] for c in columns}
    width = max(idx.values()) + 1
    records: list[dict] = []
    seen: dict[str, int] = {}
    doubled = 0
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        try:
            code = normalise_buurtcode(cells[idx["neighbourhood_code"]])
        except CodeError as exc:
            report.add(rownr, "neighbourhood_code", exc.nl, exc.en)
            continue
        check_duplicate(report, seen, code, rownr, "neighbourhood_code", f"buurt {code}")
        name = cells[idx["neighbourhood_name"]].strip()
        rec: dict = {"row": rownr, "code": code, "naam": name[:200] or None}
        if with_xy:
            gm_raw, was_doubled = normalise_doubled_gm(cells[idx["municipality_code"]])
            doubled += was_doubled
            if gm_raw:
                try:
                    gm = normalise_gemeentecode(gm_raw)
                    if gm != gemeente_of(code):
                        report.add(
                            rownr,
                            "municipality_code",
                            f"buurt {code} hoort bij {gemeente_of(code)}, niet bij {gm}",
                            f"buurt {code} belongs to {gemeente_of(code)}, not to {gm}",
                        )
                except CodeError as exc:
                    report.add(rownr, "municipality_code", exc.nl, exc.en)
            x = parse_number(cells[idx["geo_coordinate_x"]], report, rownr, "geo_coordinate_x", minimum=None)
            y = parse_number(cells[idx["geo_coordinate_y"]], report, rownr, "geo_coordinate_y", minimum=None)
            check_rd_point(report, rownr, x, y, "geo_coordinate_x", "geo_coordinate_y")
            rec["centroid_x"], rec["centroid_y"] = x, y
        if len(report.problems) == before:
            records.append(rec)
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    if records:
        existing = buurt_rows(session, (r["code"] for r in records), jaar)
        report_missing_buurten(report, [(r["row"], r["code"]) for r in records if r["code"] not in existing],
                               "neighbourhood_code", jaar)
        for r in records:
            r["ids"] = [id_ for id_, _ in existing.get(r["code"], [])]
    return records, report, table.sha256, doubled


def _write(session: Session, records: list[dict], fields: tuple[str, ...], progress: ProgressCallback | None) -> int:
    rows = []
    for r in records:
        values = {f: r[f] for f in fields if r.get(f) is not None}
        if values:
            rows.extend({"id": id_, **values} for id_ in r["ids"])
    bulk_update(session, Buurt, rows, progress)
    return len(rows)


def import_centroids(
    session: Session,
    path: Path | str,
    *,
    jaar: int | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Set centroid (RD New) and name of existing buurten; checks the gemeente code against the buurt code."""
    records, report, sha, doubled = _validate(session, path, GEO_COLUMNS, True, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    result = ImportResult("centroiden", Path(path).name, len(records))
    result.updated = _write(session, records, ("centroid_x", "centroid_y", "naam"), progress)
    if doubled:
        result.notes.append(
            f"{doubled} gemeentecodes met dubbel voorvoegsel 'GMGM' genormaliseerd naar 'GM' (fout in de bron) / "
            f"{doubled} municipality codes with a doubled 'GMGM' prefix normalised to 'GM' (upstream bug)"
        )
    record_run(
        session, importer="centroiden", path=path, sha256=sha, rows=len(records), bron=SOURCE, licentie=LICENCE,
        gebruiker=gebruiker,
    )
    session.flush()
    return result


def import_buurt_names(
    session: Session,
    path: Path | str,
    *,
    jaar: int | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Set the names of existing buurten from a ``neighbourhood_code, neighbourhood_name`` list."""
    records, report, sha, _ = _validate(session, path, LIST_COLUMNS, False, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    result = ImportResult("buurtnamen", Path(path).name, len(records))
    result.updated = _write(session, records, ("naam",), progress)
    record_run(
        session, importer="buurtnamen", path=path, sha256=sha, rows=len(records), bron=SOURCE, licentie=LICENCE,
        gebruiker=gebruiker,
    )
    session.flush()
    return result
