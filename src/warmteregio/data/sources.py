"""Importer of heat sources (quintel/etm-warmtemodule, OB2021 study area).

Input files ``{ht,lt}_sources_{high,low}_potential.csv``, ``geothermal_sources_*.csv`` and
``teo_sources_high_potential.csv`` with the columns ``fid, source_name, available_heat [GJ/yr], source_id,
geo_coordinate_x, geo_coordinate_y (RD New), neighbourhoods_in_range`` (comma-separated BU codes).

When not given, temperature class, category and potential scenario are inferred from the file name:
``ht_`` -> HT, ``lt_`` -> LT, ``geothermal_`` -> HT + geothermie, ``teo_`` -> ZLT + aquathermie_teo;
``_high_`` -> potentie ``hoog``, ``_low_`` -> ``laag``. For HT/LT sources the category is guessed from the
name (incinerators, sewage plants, data centres, power plants, biomass; otherwise industry): a heuristic,
good enough to colour a map, to be corrected by the region where it matters.

Values such as 999999 or 99999999 GJ/yr are upstream placeholders for "unlimited / unknown" potential
(geothermal, TEO and a few HT sources); they are stored as ``beschikbaar_gj_per_jaar = None`` and counted in
the notes. Sources are upserted on ``code`` (``source_id``).
"""

from __future__ import annotations

import re
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
from warmteregio.data.common import check_duplicate, check_rd_point
from warmteregio.domain.codes import CodeError, normalise_buurtcode
from warmteregio.domain.enums import SourceCategory, SourceStatus, TemperatureClass
from warmteregio.store.models import Warmtebron

SOURCE = "quintel/etm-warmtemodule (OB2021), warmtebronnen"
LICENCE = "open data (upstream: ETM warmtemodule / Warmteatlas)"
COLUMNS = ("source_name", "available_heat", "source_id", "geo_coordinate_x", "geo_coordinate_y")
RANGE_COLUMN = "neighbourhoods_in_range"
PLACEHOLDER_RE = re.compile(r"^9{6,}(\.0+)?$")
MAX_HEAT_GJ = 1e9
POTENTIALS = ("hoog", "laag")

_DATA_CENTRE = re.compile(
    r"data\s*cent|datacent|datacentrum|equinix|\bcolt\b|interxion|digital realty|nikhef|alticom|bytesnet|"
    r"colocenter|cyrusone|data facilities|databarn|datahouse|dataone|datapark|dataplace|easynet|edgeconnex|"
    r"eurofiber|evoswitch|global switch|global crossing|globalone|interoute|\bnldc\b|maincubes|smartdc|"
    r"switch datacenters|tele2|verizon|viatel|xs4all|e shelter|vancis|\bkpn\b|\bbit\s*\d|\bbit\s+ede|"
    r"atom86|casema|zeelandnet|\brdc\b|relined|pink roccade|ram infotechnology|world port center|"
    r"s w i f t|\btdcg\b|itdev|interbox|intermax|nedcomp|\bdc\d|\bdc\b|luna\s+rotterdam|essent kabelcom|bunker",
    re.IGNORECASE,
)
_INCINERATOR = re.compile(r"afval|\bavr\b|\baeb\b|\bhvc\b|zuiveringsslib|\bdrsh\b", re.IGNORECASE)
_SEWAGE = re.compile(r"\brwzi\b|rioolwater|awzi|delfluent", re.IGNORECASE)
_BIOMASS = re.compile(r"biomassa|bio\s*warmte|biowarmte|bio[\s-]*energie|bioenergy|\bbec\b", re.IGNORECASE)
_POWER = re.compile(r"centrale|\bwkc\b|\bhwc\b|\bwkk\b|power|enecogen|elsta|eurogen|maasstroom|rijnmond energie",
                    re.IGNORECASE)
_GEOTHERMAL = re.compile(r"geotherm", re.IGNORECASE)
_OTHER = re.compile(r"gemaal", re.IGNORECASE)  # pumping stations (surface/waste water): neither industry nor plant


def categorise(name: str) -> SourceCategory:
    """Guess the category of an HT/LT source from its name (heuristic; industry when nothing matches)."""
    if _GEOTHERMAL.search(name):
        return SourceCategory.GEOTHERMAL
    if _BIOMASS.search(name):
        return SourceCategory.BIOMASS
    if _INCINERATOR.search(name):
        return SourceCategory.INCINERATOR
    if _SEWAGE.search(name):
        return SourceCategory.SEWAGE
    if _DATA_CENTRE.search(name):
        return SourceCategory.DATA_CENTRE
    if _POWER.search(name):
        return SourceCategory.POWER_PLANT
    if _OTHER.search(name):
        return SourceCategory.OTHER
    return SourceCategory.INDUSTRY


def infer_from_filename(name: str) -> dict[str, str | None]:
    """Temperature class, category and potential implied by an ETM source file name."""
    stem = Path(name).name.lower()
    out: dict[str, str | None] = {"temperatuurklasse": None, "categorie": None, "potentie": None}
    if stem.startswith("ht_"):
        out["temperatuurklasse"] = TemperatureClass.HT.value
    elif stem.startswith("lt_"):
        out["temperatuurklasse"] = TemperatureClass.LT.value
    elif stem.startswith("geothermal_"):
        out["temperatuurklasse"] = TemperatureClass.HT.value
        out["categorie"] = SourceCategory.GEOTHERMAL.value
    elif stem.startswith("teo_"):
        out["temperatuurklasse"] = TemperatureClass.ZLT.value
        out["categorie"] = SourceCategory.TEO.value
    if "_high_" in stem or stem.endswith("_high.csv"):
        out["potentie"] = "hoog"
    elif "_low_" in stem or stem.endswith("_low.csv"):
        out["potentie"] = "laag"
    return out


def validate_heat_sources(
    path: Path | str,
    *,
    temperatuurklasse: str | None = None,
    potentie: str | None = None,
    categorie: str | None = None,
    status: str = SourceStatus.POTENTIAL.value,
) -> tuple[list[dict], ValidationReport, str, dict[str, int]]:
    path = Path(path)
    report = ValidationReport(path.name)
    counters = {"placeholder": 0, "guessed": 0}
    guess = infer_from_filename(path.name)
    temperatuurklasse = temperatuurklasse or guess["temperatuurklasse"]
    potentie = potentie or guess["potentie"]
    categorie = categorie or guess["categorie"]
    if temperatuurklasse is None:
        report.add(None, None, "temperatuurklasse onbekend: niet af te leiden uit de bestandsnaam; geef die op",
                   "temperature class unknown: cannot be inferred from the file name; pass it")
    elif temperatuurklasse not in {t.value for t in TemperatureClass}:
        report.add(None, None, f"onbekende temperatuurklasse {temperatuurklasse!r}",
                   f"unknown temperature class {temperatuurklasse!r}")
    if categorie is not None and categorie not in {c.value for c in SourceCategory}:
        report.add(None, None, f"onbekende categorie {categorie!r}", f"unknown category {categorie!r}")
    if status not in {s.value for s in SourceStatus}:
        report.add(None, None, f"onbekende status {status!r}", f"unknown status {status!r}")
    if potentie is not None and potentie not in POTENTIALS:
        report.add(None, None, f"potentie moet 'hoog' of 'laag' zijn, niet {potentie!r}",
                   f"potential must be 'hoog' or 'laag', not {potentie!r}")
    table = read_table(path, report, required=COLUMNS)
    if table is None:
        return [], report, "", counters
    idx = {c: table.index[c] for c in COLUMNS}
    range_idx = table.index.get(RANGE_COLUMN)
    width = max(idx.values()) + 1
    records: list[dict] = []
    seen: dict[str, int] = {}
    bron = f"{SOURCE}: {path.name}"[:200]
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        code = cells[idx["source_id"]].strip()
        if not code:
            report.add(rownr, "source_id", "code ontbreekt", "code is missing")
        elif len(code) > 40:
            report.add(rownr, "source_id", "code langer dan 40 tekens", "code longer than 40 characters")
        else:
            check_duplicate(report, seen, code, rownr, "source_id", f"bron {code}")
        name = " ".join(cells[idx["source_name"]].split())
        if not name:
            report.add(rownr, "source_name", "naam ontbreekt", "name is missing")
        heat_text = cells[idx["available_heat"]].strip()
        heat = parse_number(heat_text, report, rownr, "available_heat", maximum=MAX_HEAT_GJ)
        placeholder = heat is not None and bool(PLACEHOLDER_RE.match(heat_text))
        x = parse_number(cells[idx["geo_coordinate_x"]], report, rownr, "geo_coordinate_x", minimum=None)
        y = parse_number(cells[idx["geo_coordinate_y"]], report, rownr, "geo_coordinate_y", minimum=None)
        check_rd_point(report, rownr, x, y, "geo_coordinate_x", "geo_coordinate_y")
        in_range: list[str] = []
        if range_idx is not None and range_idx < len(cells):
            for part in cells[range_idx].split(","):
                if not part.strip():
                    continue
                try:
                    in_range.append(normalise_buurtcode(part))
                except CodeError as exc:
                    report.add(rownr, RANGE_COLUMN, exc.nl, exc.en)
        if len(report.problems) > before:
            continue
        cat = categorie
        if cat is None:
            cat = categorise(name).value
            counters["guessed"] += 1
        if placeholder:
            counters["placeholder"] += 1
        records.append(
            {
                "code": code,
                "naam": name[:200],
                "categorie": cat,
                "temperatuurklasse": temperatuurklasse,
                "beschikbaar_gj_per_jaar": None if placeholder else heat,
                "x": x,
                "y": y,
                "status": status,
                "potentie": potentie,
                "buurten_in_bereik": ",".join(in_range) or None,
                "bron": bron,
            }
        )
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    return records, report, table.sha256, counters


def import_heat_sources(
    session: Session,
    path: Path | str,
    *,
    temperatuurklasse: str | None = None,
    potentie: str | None = None,
    categorie: str | None = None,
    status: str = SourceStatus.POTENTIAL.value,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate the whole file, then upsert the heat sources on their code."""
    records, report, sha, counters = validate_heat_sources(
        path, temperatuurklasse=temperatuurklasse, potentie=potentie, categorie=categorie, status=status
    )
    if not report.ok:
        raise ImportValidationError(report)
    codes = [r["code"] for r in records]
    existing: dict[str, int] = {}
    for start in range(0, len(codes), 2000):
        part = codes[start : start + 2000]
        existing.update(
            {code: id_ for id_, code in session.execute(select(Warmtebron.id, Warmtebron.code).where(
                Warmtebron.code.in_(part)))}
        )
    new = [r for r in records if r["code"] not in existing]
    old = [{**r, "id": existing[r["code"]]} for r in records if r["code"] in existing]
    if new:
        session.execute(insert(Warmtebron), new)
    if old:
        session.execute(update(Warmtebron), old)
    if progress:
        progress(len(records), len(records))
    result = ImportResult("warmtebronnen", Path(path).name, len(records), inserted=len(new), updated=len(old))
    if counters["placeholder"]:
        result.notes.append(
            f"{counters['placeholder']} bronnen met plaatsvervangende waarde (999999 / 99999999 GJ/jaar = "
            "onbeperkt of onbekend) opgeslagen zonder beschikbare warmte / sources with a placeholder value "
            "(unlimited or unknown potential) stored without available heat"
        )
    if counters["guessed"]:
        result.notes.append(
            f"categorie van {counters['guessed']} bronnen afgeleid uit de naam (heuristiek) / "
            f"category of {counters['guessed']} sources guessed from the name (heuristic)"
        )
    record_run(
        session, importer="warmtebronnen", path=path, sha256=sha, rows=len(records), bron=SOURCE, licentie=LICENCE,
        gebruiker=gebruiker,
    )
    session.flush()
    return result
