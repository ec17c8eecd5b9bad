"""Importers of the building stock per buurt: dwellings (type x build period) and utility (size x period).

Inputs (quintel/etm-warmtemodule, 'OB2021' study area: Stedin region incl. Drechtsteden, CBS division 2019):

* ``etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv``: ``buurtcode, woningtype,
  QI_bouwjaarklasse, aantal_woningen, gem_epi, gem_oppervlakte, aantal_kleine_woningen, buurtnaam``
  -> :class:`Gebouwgroep` rows with ``sector='woning'``.
* ``etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv``: ``buurtcode, QI_oppervlakteklasse,
  QI_bouwjaarklasse, aantal_gebouwen, totaal_oppervlakte, gem_epi, buurtnaam`` -> ``sector='utiliteit'``
  with the size class as ``type``.

Groups are upserted on (buurt, sector, type, build period); a buurt's groups of that sector that are not in
the file are deleted, so the file replaces the buurt's stock. The buurten must already exist (buurt table).
The buurt's name is filled in when it has none, and ``opp_woningen_m2`` / ``opp_utiliteit_m2`` are set to
the sum of the groups' floor area.

**Energy labels (approximation).** The housing importer derives a label distribution per buurt from each
group's *mean* EPI (Energie-Index): every dwelling of a group gets the label of the group's mean EPI. The
real spread within a group is lost, so the distribution is narrower than the observed one. The rows are
stored with ``afgeleid=True``; observed (non-derived) labels of a buurt are never overwritten.

**Negative EPI.** The upstream files hold a handful of groups of new dwellings with a mean EPI slightly
below zero (energy-producing homes, e.g. -0.18). These are accepted (range -1 .. 10) and counted in the
notes; they get label A++.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
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
    CHUNK,
    bulk_insert,
    bulk_update,
    buurt_rows,
    changed,
    check_duplicate,
    report_missing_buurten,
)
from warmteregio.domain.codes import CodeError, normalise_buurtcode
from warmteregio.store.models import Buurt, BuurtLabel, Gebouwgroep

SOURCE = "quintel/etm-warmtemodule (OB2021, Stedin-gebied), woningvoorraad per buurt"
SOURCE_UTILITY = "quintel/etm-warmtemodule (OB2021, Stedin-gebied), utiliteitsvoorraad per buurt"
LICENCE = "open data (upstream: BAG/EP-online via ETM warmtemodule)"
LABEL_SOURCE = "afgeleid uit gemiddelde EPI per groep (benadering) / derived from mean EPI per group (approximation)"
DEFAULT_YEAR = 2019

EPI_MIN, EPI_MAX = -1.0, 10.0
MAX_COUNT = 100_000
MAX_FLOOR_AREA = 10_000.0  # mean floor area of a dwelling [m2]
MAX_TOTAL_AREA = 10_000_000.0  # floor area of a utility group in one buurt [m2]

# Upper bounds (inclusive) of the Energie-Index classes of the NTA 8800 predecessor (EI 2015-2020).
EPI_LABELS: tuple[tuple[float, str], ...] = (
    (0.50, "A++"),
    (0.70, "A+"),
    (1.05, "A"),
    (1.30, "B"),
    (1.60, "C"),
    (2.00, "D"),
    (2.40, "E"),
    (2.90, "F"),
)


def label_from_epi(epi: float) -> str:
    """Energy label for an Energie-Index: A++ <= 0.50 < A+ <= 0.70 < A <= 1.05 < ... < F <= 2.90 < G."""
    for upper, label in EPI_LABELS:
        if epi <= upper:
            return label
    return "G"


@dataclass(frozen=True)
class StockSpec:
    importer: str
    sector: str
    source: str
    type_column: str
    count_column: str
    area_column: str  # mean floor area (woning) or total floor area (utiliteit)
    area_is_total: bool
    small_column: str | None
    buurt_area_field: str

    @property
    def columns(self) -> tuple[str, ...]:
        cols = ["buurtcode", self.type_column, "QI_bouwjaarklasse", self.count_column, self.area_column, "gem_epi"]
        if self.small_column:
            cols.append(self.small_column)
        return tuple(cols)


HOUSING = StockSpec(
    "woningvoorraad", "woning", SOURCE, "woningtype", "aantal_woningen", "gem_oppervlakte", False,
    "aantal_kleine_woningen", "opp_woningen_m2",
)
UTILITY = StockSpec(
    "utiliteitsvoorraad", "utiliteit", SOURCE_UTILITY, "QI_oppervlakteklasse", "aantal_gebouwen",
    "totaal_oppervlakte", True, None, "opp_utiliteit_m2",
)
GROUP_FIELDS = ("aantal", "gem_epi", "gem_oppervlakte_m2", "totaal_oppervlakte_m2", "aantal_kleine_woningen", "bron")


def validate_stock(
    session: Session, path: Path | str, spec: StockSpec, jaar: int
) -> tuple[list[dict], dict[str, str], ValidationReport, str, dict[str, int]]:
    """Check the whole file; return group records, buurt names, the report, the SHA-256 and counters."""
    report = ValidationReport(Path(path).name)
    counters = {"negative_epi": 0}
    table = read_table(path, report, required=spec.columns)
    if table is None:
        return [], {}, report, "", counters
    idx = {c: table.index[c] for c in spec.columns}
    name_idx = table.index.get("buurtnaam")
    width = max(idx.values()) + 1
    records: list[dict] = []
    names: dict[str, str] = {}
    seen: dict[tuple[str, str, str], int] = {}
    code_rows: dict[str, int] = {}
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        try:
            code = normalise_buurtcode(cells[idx["buurtcode"]])
        except CodeError as exc:
            report.add(rownr, "buurtcode", exc.nl, exc.en)
            continue
        type_ = cells[idx[spec.type_column]].strip()
        period = cells[idx["QI_bouwjaarklasse"]].strip()
        for col, value, limit in ((spec.type_column, type_, 40), ("QI_bouwjaarklasse", period, 20)):
            if not value:
                report.add(rownr, col, "waarde ontbreekt", "value is missing")
            elif len(value) > limit:
                report.add(rownr, col, f"langer dan {limit} tekens", f"longer than {limit} characters")
        count = parse_number(cells[idx[spec.count_column]], report, rownr, spec.count_column, integer=True,
                             maximum=MAX_COUNT)
        area_max = MAX_TOTAL_AREA if spec.area_is_total else MAX_FLOOR_AREA
        area = parse_number(cells[idx[spec.area_column]], report, rownr, spec.area_column, required=False,
                            maximum=area_max)
        epi = parse_number(cells[idx["gem_epi"]], report, rownr, "gem_epi", required=False, minimum=EPI_MIN,
                           maximum=EPI_MAX)
        if epi is not None and epi >= EPI_MAX:
            report.add(rownr, "gem_epi", f"EPI {epi:g} moet kleiner zijn dan {EPI_MAX:g}",
                       f"EPI {epi:g} must be below {EPI_MAX:g}")
        small = None
        if spec.small_column:
            small = parse_number(cells[idx[spec.small_column]], report, rownr, spec.small_column, required=False,
                                 integer=True, maximum=MAX_COUNT)
            if small is not None and count is not None and small > count:
                report.add(
                    rownr,
                    spec.small_column,
                    f"{small:g} kleine woningen is meer dan het aantal woningen ({count:g})",
                    f"{small:g} small dwellings is more than the number of dwellings ({count:g})",
                )
        if len(report.problems) > before:
            continue
        if not check_duplicate(report, seen, (code, type_, period), rownr, "buurtcode",
                               f"groep {code} / {type_} / {period}"):
            continue
        if epi is not None and epi <= 0:
            counters["negative_epi"] += 1
        count_i = int(count)  # type: ignore[arg-type]
        if spec.area_is_total:
            total = area
            mean = (area / count_i) if (area is not None and count_i) else None
        else:
            mean = area
            total = area * count_i if area is not None else None
        records.append(
            {
                "row": rownr,
                "code": code,
                "sector": spec.sector,
                "type": type_,
                "bouwperiode": period,
                "aantal": count_i,
                "gem_epi": epi,
                "gem_oppervlakte_m2": mean,
                "totaal_oppervlakte_m2": total,
                "aantal_kleine_woningen": int(small) if small is not None else None,
                "bron": spec.source[:200],
            }
        )
        code_rows.setdefault(code, rownr)
        if name_idx is not None and name_idx < len(cells) and cells[name_idx].strip():
            names.setdefault(code, cells[name_idx].strip()[:200])
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    if code_rows:
        existing = buurt_rows(session, code_rows, jaar)
        missing = [(row, code) for code, row in code_rows.items() if code not in existing]
        report_missing_buurten(report, missing, "buurtcode", jaar)
        ids = {code: rows[0][0] for code, rows in existing.items()}
        for rec in records:
            rec["buurt_id"] = ids.get(rec["code"])
    return records, names, report, table.sha256, counters


def _write_groups(
    session: Session, spec: StockSpec, records: list[dict], result: ImportResult,
    progress: ProgressCallback | None,
) -> None:
    buurt_ids = sorted({r["buurt_id"] for r in records})
    existing: dict[tuple[int, str, str], dict] = {}
    cols = [Gebouwgroep.id, Gebouwgroep.buurt_id, Gebouwgroep.type, Gebouwgroep.bouwperiode] + [
        getattr(Gebouwgroep, f) for f in GROUP_FIELDS
    ]
    for start in range(0, len(buurt_ids), CHUNK):
        part = buurt_ids[start : start + CHUNK]
        for row in session.execute(
            select(*cols).where(Gebouwgroep.sector == spec.sector, Gebouwgroep.buurt_id.in_(part))
        ):
            m = row._mapping
            existing[(m["buurt_id"], m["type"], m["bouwperiode"])] = dict(m)
    new, upd = [], []
    keep: set[int] = set()
    for r in records:
        values = {f: r[f] for f in GROUP_FIELDS}
        old = existing.get((r["buurt_id"], r["type"], r["bouwperiode"]))
        if old is None:
            new.append(
                {"buurt_id": r["buurt_id"], "sector": spec.sector, "type": r["type"],
                 "bouwperiode": r["bouwperiode"], **values}
            )
        else:
            keep.add(old["id"])
            if changed(old, values, GROUP_FIELDS):
                upd.append({"id": old["id"], **values})
    stale = [g["id"] for g in existing.values() if g["id"] not in keep]
    for start in range(0, len(stale), CHUNK):
        session.execute(delete(Gebouwgroep).where(Gebouwgroep.id.in_(stale[start : start + CHUNK])))
    total = len(records)
    done = bulk_insert(session, Gebouwgroep, new, progress, 0, total)
    done = bulk_update(session, Gebouwgroep, upd, progress, done, total)
    if progress:
        progress(total, total)
    result.inserted += len(new)
    result.updated += len(records) - len(new)
    if stale:
        result.notes.append(
            f"{len(stale)} oude groepen verwijderd die niet meer in het bestand staan / "
            f"{len(stale)} old groups removed that are no longer in the file"
        )


def _update_buurten(session: Session, spec: StockSpec, records: list[dict], names: dict[str, str]) -> int:
    """Fill in missing buurt names and set the summed floor area of the sector."""
    area: dict[int, float] = defaultdict(float)
    code_of: dict[int, str] = {}
    for r in records:
        code_of[r["buurt_id"]] = r["code"]
        if r["totaal_oppervlakte_m2"] is not None:
            area[r["buurt_id"]] += r["totaal_oppervlakte_m2"]
    ids = sorted(code_of)
    current: dict[int, tuple[str | None, float | None]] = {}
    field = getattr(Buurt, spec.buurt_area_field)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        for id_, naam, opp in session.execute(select(Buurt.id, Buurt.naam, field).where(Buurt.id.in_(part))):
            current[id_] = (naam, opp)
    updates = []
    for id_ in ids:
        naam, opp = current[id_]
        row: dict = {"id": id_}
        new_name = names.get(code_of[id_])
        if not naam and new_name:
            row["naam"] = new_name
        new_area = area.get(id_)
        if not (opp is None and new_area is None) and (opp is None or new_area is None or abs(opp - new_area) > 1e-6):
            row[spec.buurt_area_field] = new_area
        if len(row) > 1:
            updates.append(row)
    bulk_update(session, Buurt, updates)
    return sum(1 for u in updates if "naam" in u)


def _write_labels(session: Session, records: list[dict], result: ImportResult) -> None:
    per_buurt: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in records:
        if r["gem_epi"] is not None and r["aantal"]:
            per_buurt[r["buurt_id"]][label_from_epi(r["gem_epi"])] += r["aantal"]
    ids = sorted({r["buurt_id"] for r in records})
    observed: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        observed.update(
            session.scalars(
                select(BuurtLabel.buurt_id).where(BuurtLabel.buurt_id.in_(part), BuurtLabel.afgeleid.is_(False))
            )
        )
        session.execute(delete(BuurtLabel).where(BuurtLabel.buurt_id.in_(part), BuurtLabel.afgeleid.is_(True)))
    rows = [
        {"buurt_id": b, "label": label, "aantal": n, "bron": LABEL_SOURCE, "afgeleid": True}
        for b, labels in sorted(per_buurt.items())
        if b not in observed
        for label, n in sorted(labels.items())
    ]
    bulk_insert(session, BuurtLabel, rows)
    result.notes.append(
        f"energielabels afgeleid uit gemiddelde EPI voor {len(per_buurt) - len(observed & set(per_buurt))} buurten "
        f"({len(rows)} rijen; benadering: alle woningen van een groep krijgen het label van de gemiddelde EPI) / "
        f"energy labels derived from mean EPI (approximation)"
    )
    if observed:
        result.notes.append(
            f"{len(observed)} buurten hebben waargenomen labels; die zijn niet overschreven / "
            f"{len(observed)} buurten have observed labels, which were kept"
        )


def _import_stock(
    session: Session, path: Path | str, spec: StockSpec, jaar: int, progress: ProgressCallback | None,
    gebruiker: str | None, labels: bool,
) -> ImportResult:
    records, names, report, sha, counters = validate_stock(session, path, spec, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    result = ImportResult(spec.importer, Path(path).name, len(records))
    _write_groups(session, spec, records, result, progress)
    named = _update_buurten(session, spec, records, names)
    if named:
        result.notes.append(f"{named} buurtnamen ingevuld / buurt names filled in")
    if counters["negative_epi"]:
        result.notes.append(
            f"{counters['negative_epi']} groepen met gemiddelde EPI <= 0 (energieleverende nieuwbouw) geaccepteerd / "
            f"groups with mean EPI <= 0 (energy-producing new build) accepted"
        )
    if labels:
        _write_labels(session, records, result)
    record_run(
        session, importer=spec.importer, path=path, sha256=sha, rows=len(records), bron=spec.source,
        licentie=LICENCE, gebruiker=gebruiker,
    )
    session.flush()
    return result


def import_housing_stock(
    session: Session,
    path: Path | str,
    *,
    jaar: int = DEFAULT_YEAR,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
    labels: bool = True,
) -> ImportResult:
    """Dwellings per buurt by type x build period, plus derived energy labels (see the module notes)."""
    return _import_stock(session, path, HOUSING, jaar, progress, gebruiker, labels)


def import_utility_stock(
    session: Session,
    path: Path | str,
    *,
    jaar: int = DEFAULT_YEAR,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Utility buildings per buurt by size class x build period."""
    return _import_stock(session, path, UTILITY, jaar, progress, gebruiker, False)
