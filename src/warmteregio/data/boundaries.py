"""Importer of area boundaries: CBS/PDOK 'gebiedsindelingen' (gemeenten, wijken, buurten).

Input: GeoJSON (read with :mod:`json`) or GeoPackage and other OGR formats (read with pyogrio), with the
properties ``statcode`` (GM0505, WK050501, BU05050101), ``statnaam`` and optionally ``jrstatcode``
(``2022GM0505``), which gives the division year when ``jaar`` is not passed.

Coordinates may be WGS84 longitude/latitude (the GeoJSON default, or a GeoPackage in EPSG:4326) or RD New
(EPSG:28992); the CRS is taken from the file when it declares one, otherwise it is recognised from the
coordinate ranges. Geometries are always stored as WKB in RD New.

* ``GM`` features upsert the gemeente (code + jaar) with its name and geometry.
* ``BU`` features set the geometry of the existing buurt with that code (the same division year when
  present, otherwise the nearest year) and mark it as a real boundary (``geometry_schematisch = False``):
  this is how real CBS buurt boundaries replace schematic ones. A buurt code that is not in the database
  is a problem: import the buurt table first.
* ``WK`` features are skipped (wijken have no geometry column); the result notes how many.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    ValidationReport,
    file_sha256,
    record_run,
)
from warmteregio.data.common import RD_X_MAX, RD_X_MIN, RD_Y_MAX, RD_Y_MIN, buurt_rows, check_duplicate
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode, normalise_wijkcode
from warmteregio.store.models import Buurt, Gemeente

SOURCE = "CBS/PDOK gebiedsindelingen"
LICENCE = "CC-BY 4.0"
RD_NEW = CRS.from_epsg(28992)
WGS84 = CRS.from_epsg(4326)
JRSTATCODE_RE = re.compile(r"^\s*(\d{4})")
POLYGONAL = ("Polygon", "MultiPolygon")
MIN_AREA_M2 = 1.0  # an area boundary smaller than one square metre is a degenerate ring


class Feature:
    __slots__ = ("row", "props", "geometry", "error")

    def __init__(self, row: int, props: dict[str, Any], geometry: Any, error: str | None = None) -> None:
        self.row = row  # 1-based feature number
        self.props = props
        self.geometry = geometry
        self.error = error


def _read_geojson(path: Path, report: ValidationReport) -> tuple[list[Feature], CRS | None] | None:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.add(None, None, f"geen geldig GeoJSON-bestand: {exc}", f"not a valid GeoJSON file: {exc}")
        return None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        report.add(None, None, "GeoJSON zonder 'features'-lijst", "GeoJSON without a 'features' list")
        return None
    crs = None
    crs_member = doc.get("crs")
    if isinstance(crs_member, dict):  # legacy GeoJSON 2008 'crs' member, still written by GDAL for RD New
        name = (crs_member.get("properties") or {}).get("name")
        if name:
            try:
                crs = CRS.from_user_input(name)
            except Exception:  # noqa: BLE001
                report.add(None, "crs", f"onbekend CRS {name!r}", f"unknown CRS {name!r}")
                return None
    features: list[Feature] = []
    for i, feat in enumerate(doc["features"], start=1):
        props = (feat or {}).get("properties") or {}
        geom_json = (feat or {}).get("geometry")
        if not geom_json:
            features.append(Feature(i, props, None, "geen geometrie / no geometry"))
            continue
        try:
            geom = shapely.from_geojson(json.dumps(geom_json))
        except Exception as exc:  # noqa: BLE001 - shapely raises GEOSException or ValueError
            features.append(Feature(i, props, None, str(exc).splitlines()[0]))
            continue
        features.append(Feature(i, props, geom))
    return features, crs


def _read_ogr(path: Path, report: ValidationReport) -> tuple[list[Feature], CRS | None] | None:
    import pyogrio
    import pyogrio.raw

    try:
        meta, _fids, geometry, field_data = pyogrio.raw.read(path)
    except Exception as exc:  # noqa: BLE001 - pyogrio raises DataSourceError and friends
        report.add(None, None, f"bestand niet te lezen: {exc}", f"cannot read file: {exc}")
        return None
    crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else None
    names = list(meta["fields"])
    features: list[Feature] = []
    for i in range(len(geometry)):
        props = {name: field_data[j][i] for j, name in enumerate(names)}
        wkb = geometry[i]
        if wkb is None:
            features.append(Feature(i + 1, props, None, "geen geometrie / no geometry"))
            continue
        try:
            features.append(Feature(i + 1, props, shapely.from_wkb(wkb)))
        except Exception as exc:  # noqa: BLE001
            features.append(Feature(i + 1, props, None, str(exc).splitlines()[0]))
    return features, crs


def _guess_crs(features: list[Feature]) -> CRS | None:
    geoms = [f.geometry for f in features if f.geometry is not None and not f.geometry.is_empty]
    if not geoms:
        return None
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(geoms, dtype=object))
    if -10 <= xmin and xmax <= 20 and 45 <= ymin and ymax <= 60:
        return WGS84
    if RD_X_MIN - 20_000 <= xmin and xmax <= RD_X_MAX + 20_000 and RD_Y_MIN - 20_000 <= ymin and ymax <= RD_Y_MAX:
        return RD_NEW
    return None


def _to_rd(geoms: list[Any], crs: CRS) -> list[Any]:
    if crs.equals(RD_NEW, ignore_axis_order=True):
        return geoms
    transformer = Transformer.from_crs(crs, RD_NEW, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return list(shapely.transform(np.array(geoms, dtype=object), project))


def _polygonal(geom: Any) -> Any | None:
    """The polygonal part of a (repaired) geometry, or None when there is none."""
    if geom.geom_type in POLYGONAL:
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in POLYGONAL]
        if parts:
            polys = [p for g in parts for p in (g.geoms if g.geom_type == "MultiPolygon" else [g])]
            return shapely.MultiPolygon(polys)
    return None


def _prop(props: dict[str, Any], name: str) -> str:
    for key, value in props.items():
        if key.lower() == name and value is not None:
            return str(value).strip()
    return ""


def validate_boundaries(
    session: Session, path: Path | str, jaar: int | None = None
) -> tuple[list[dict], ValidationReport, list[str]]:
    """Read and check the file; return clean records (RD New WKB), the report and notes."""
    path = Path(path)
    report = ValidationReport(path.name)
    notes: list[str] = []
    if path.suffix.lower() in (".geojson", ".json"):
        read = _read_geojson(path, report)
    else:
        read = _read_ogr(path, report)
    if read is None:
        return [], report, notes
    features, crs = read
    if not features:
        report.add(None, None, "het bestand bevat geen objecten", "the file contains no features")
        return [], report, notes
    if crs is None:
        crs = _guess_crs(features)
        if crs is None:
            report.add(
                None,
                None,
                "coördinatenstelsel onbekend: de coördinaten zijn geen WGS84 en liggen niet in Nederland in RD New",
                "unknown coordinate system: coordinates are not WGS84 and do not lie in the Netherlands in RD New",
            )
            return [], report, notes
        notes.append(f"CRS herkend aan de coördinaten / recognised from coordinates: {crs.to_string()}")
    records: list[dict] = []
    seen: dict[str, int] = {}
    repaired = 0
    skipped_wijken = 0
    for f in features:
        statcode = _prop(f.props, "statcode")
        if not statcode:
            report.add(f.row, "statcode", "statcode ontbreekt", "statcode is missing")
            continue
        kind = statcode.strip().upper()[:2]
        try:
            if kind == "GM":
                code = normalise_gemeentecode(statcode)
            elif kind == "BU":
                code = normalise_buurtcode(statcode)
            elif kind == "WK":
                code = normalise_wijkcode(statcode)
            else:
                raise CodeError(
                    f"statcode {statcode!r} is geen gemeente- (GM), wijk- (WK) of buurtcode (BU)",
                    f"statcode {statcode!r} is not a municipality (GM), district (WK) or neighbourhood (BU) code",
                )
        except CodeError as exc:
            report.add(f.row, "statcode", exc.nl, exc.en)
            continue
        if not check_duplicate(report, seen, code, f.row, "statcode", f"statcode {code}"):
            continue
        year = jaar
        if year is None:
            match = JRSTATCODE_RE.match(_prop(f.props, "jrstatcode"))
            if match:
                year = int(match.group(1))
            else:
                report.add(
                    f.row,
                    "jrstatcode",
                    "jaar van de indeling onbekend: geen jrstatcode; geef het jaar op (--jaar)",
                    "division year unknown: no jrstatcode; pass the year (--jaar)",
                )
                continue
        if kind == "WK":
            skipped_wijken += 1
            continue
        naam = _prop(f.props, "statnaam")
        if kind == "GM" and not naam:
            report.add(f.row, "statnaam", "naam van de gemeente ontbreekt", "municipality name is missing")
        geom = f.geometry
        if geom is None:
            report.add(f.row, "geometry", f"geometrie ontbreekt of is onleesbaar ({f.error})",
                       f"geometry is missing or unreadable ({f.error})")
            continue
        if geom.is_empty:
            report.add(f.row, "geometry", "lege geometrie", "empty geometry")
            continue
        if geom.geom_type not in POLYGONAL:
            report.add(
                f.row,
                "geometry",
                f"geometrie is een {geom.geom_type}, verwacht Polygon of MultiPolygon",
                f"geometry is a {geom.geom_type}, expected Polygon or MultiPolygon",
            )
            continue
        if not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed is None or fixed.is_empty or not shapely.is_valid(fixed) or fixed.area <= 0:
                report.add(
                    f.row,
                    "geometry",
                    f"ongeldige geometrie ({reason}) die niet te herstellen is",
                    f"invalid geometry ({reason}) that cannot be repaired",
                )
                continue
            geom = fixed
            repaired += 1
        records.append({"row": f.row, "kind": kind, "code": code, "jaar": year, "naam": naam, "geometry": geom})
    if records:
        try:
            projected = _to_rd([r["geometry"] for r in records], crs)
        except Exception as exc:  # noqa: BLE001 - pyproj errors
            report.add(None, None, f"omrekenen naar RD New mislukt: {exc}", f"transformation to RD New failed: {exc}")
            return [], report, notes
        for rec, geom in zip(records, projected, strict=True):
            rec["geometry"] = geom
            if geom.area < MIN_AREA_M2:
                report.add(
                    rec["row"],
                    "geometry",
                    f"geometrie heeft (vrijwel) geen oppervlakte ({geom.area:.3g} m2); gedegenereerde ring",
                    f"geometry has (almost) no area ({geom.area:.3g} m2); invalid or degenerate ring",
                )
                continue
            xmin, ymin, xmax, ymax = geom.bounds
            if xmin < RD_X_MIN - 20_000 or xmax > RD_X_MAX + 20_000 or ymin < RD_Y_MIN - 20_000 or ymax > RD_Y_MAX:
                report.add(
                    rec["row"],
                    "geometry",
                    f"geometrie ligt buiten Nederland (RD-grenzen {xmin:.0f}, {ymin:.0f}, {xmax:.0f}, {ymax:.0f})",
                    f"geometry lies outside the Netherlands (RD bounds {xmin:.0f}, {ymin:.0f}, {xmax:.0f}, {ymax:.0f})",
                )
    # buurten must exist
    bu_codes = [r["code"] for r in records if r["kind"] == "BU"]
    if bu_codes:
        existing = buurt_rows(session, bu_codes)
        for rec in records:
            if rec["kind"] != "BU":
                continue
            rows = existing.get(rec["code"])
            if not rows:
                report.add(
                    rec["row"],
                    "statcode",
                    f"buurt {rec['code']} bestaat niet in de database; importeer eerst de buurttabel",
                    f"buurt {rec['code']} does not exist in the database; import the buurt table first",
                )
                continue
            rec["buurt_id"] = min(rows, key=lambda r: (abs(r[1] - rec["jaar"]), -r[1]))[0]
    if repaired:
        notes.append(f"{repaired} ongeldige geometrie(ën) hersteld met make_valid / invalid geometries repaired")
    if skipped_wijken:
        notes.append(
            f"{skipped_wijken} wijkgrenzen overgeslagen: wijken hebben geen geometrie in de database / "
            f"{skipped_wijken} district boundaries skipped: districts have no geometry column"
        )
    return records, report, notes


def import_boundaries(
    session: Session,
    path: Path | str,
    *,
    jaar: int | None = None,
    bron: str | None = None,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
) -> ImportResult:
    """Validate the whole file, then store gemeente and buurt boundaries (WKB, RD New)."""
    records, report, notes = validate_boundaries(session, path, jaar)
    if not report.ok:
        raise ImportValidationError(report)
    path = Path(path)
    source = bron or SOURCE
    geometry_bron = f"{source}: {path.name}"[:200]
    result = ImportResult("grenzen", path.name, len(records), notes=notes)
    gm = [r for r in records if r["kind"] == "GM"]
    bu = [r for r in records if r["kind"] == "BU"]
    if gm:
        years = {r["jaar"] for r in gm}
        existing = {
            (code, year): id_
            for id_, code, year in session.execute(
                select(Gemeente.id, Gemeente.code, Gemeente.jaar).where(Gemeente.jaar.in_(years))
            )
        }
        new, old = [], []
        for r in gm:
            values = {"geometry": shapely.to_wkb(r["geometry"]), "geometry_bron": geometry_bron, "naam": r["naam"]}
            key = (r["code"], r["jaar"])
            if key in existing:
                old.append({"id": existing[key], **values})
            else:
                new.append({"code": r["code"], "jaar": r["jaar"], **values})
        if new:
            session.execute(insert(Gemeente), new)
        if old:
            session.execute(update(Gemeente), old)
        result.inserted += len(new)
        result.updated += len(old)
    if bu:
        rows = [
            {
                "id": r["buurt_id"],
                "geometry": shapely.to_wkb(r["geometry"]),
                "geometry_schematisch": False,
                "geometry_bron": geometry_bron,
            }
            for r in bu
        ]
        for start in range(0, len(rows), 1000):
            session.execute(update(Buurt), rows[start : start + 1000])
            if progress:
                progress(len(gm) + min(start + 1000, len(rows)), len(records))
        result.updated += len(rows)
    if progress:
        progress(len(records), len(records))
    record_run(
        session, importer="grenzen", path=path, sha256=file_sha256(path), rows=len(records), bron=source,
        licentie=LICENCE, gebruiker=gebruiker,
    )
    session.flush()
    return result
