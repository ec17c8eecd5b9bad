"""Read functions for areas, heat sources and parameter sets, shared by the JSON API and the HTML pages.

Every function takes a SQLAlchemy :class:`~sqlalchemy.orm.Session` and returns plain dataclasses, so the
web layer stays thin and the same answers are available from Python and the CLI. Geometries stay WKB in
RD New (EPSG:28992, metres); turning them into GeoJSON is the web layer's job (:mod:`warmteregio.web.geo`).

Year handling: area codes are only meaningful with the year of the division (``jaar``). When a caller
does not ask for a year, lists use the most recent year present among the rows that match the other
filters, and detail functions use the most recent year of that code.

Spatial filters:

- ``bbox`` (in RD New) selects areas whose geometry intersects the box; an area without geometry counts
  by its centroid. Candidates are first narrowed in SQL by centroid within the box widened by
  :data:`BBOX_CANDIDATE_MARGIN_M`, then tested exactly with shapely.
- Heat sources "in a region" are those within ``straal_m`` metres (default :data:`REGION_SOURCE_RADIUS_M`)
  of the region's area. The area is made of the geometries of its gemeenten (most recent division year);
  when no gemeente has a geometry, the buurt geometries are used, and failing those the buurt centroids.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import numpy as np
import shapely
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from warmteregio.store.models import (
    Buurt,
    BuurtLabel,
    Gebouwgroep,
    Gemeente,
    ParameterSet,
    ParameterWaarde,
    Provincie,
    ResRegio,
    Warmtebron,
    Wijk,
)

T = TypeVar("T")

REGION_SOURCE_RADIUS_M = 15_000.0
"""Default distance [m] from a region's area within which a heat source counts as the region's."""

BBOX_CANDIDATE_MARGIN_M = 25_000.0
"""Margin [m] around a bbox for the SQL pre-selection on centroids; larger than any buurt's half-width."""

M2_PER_HA = 10_000.0

BBox = tuple[float, float, float, float]


# ------------------------------------------------------------------------------------------------ paging


@dataclass(frozen=True, slots=True)
class Paging:
    """Which page to return: ``pagina`` counts from 1; ``pagina_grootte`` rows per page."""

    pagina: int = 1
    pagina_grootte: int = 50

    @property
    def offset(self) -> int:
        return (self.pagina - 1) * self.pagina_grootte


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of results with the total number of matches."""

    items: list[T]
    totaal: int
    pagina: int
    pagina_grootte: int

    @property
    def has_next(self) -> bool:
        return self.pagina * self.pagina_grootte < self.totaal

    @property
    def has_prev(self) -> bool:
        return self.pagina > 1


def _page_of_select(session: Session, stmt: Select, count_stmt: Select, paging: Paging) -> tuple[list, int]:
    totaal = session.scalar(count_stmt) or 0
    rows = session.execute(stmt.offset(paging.offset).limit(paging.pagina_grootte)).all()
    return rows, int(totaal)


def _count(stmt: Select) -> Select:
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


# -------------------------------------------------------------------------------------- provinces/regions


@dataclass(frozen=True, slots=True)
class ProvincieInfo:
    code: str
    naam: str


@dataclass(frozen=True, slots=True)
class RegioInfo:
    code: str
    naam: str
    provincie_code: str | None
    aantal_gemeenten: int
    jaar: int | None  # division year the gemeenten were counted in


@dataclass(frozen=True, slots=True)
class GemeenteInfo:
    code: str
    jaar: int
    naam: str
    regio_code: str | None
    provincie_code: str | None
    heeft_geometrie: bool = False


@dataclass(frozen=True, slots=True)
class RegioDetail:
    code: str
    naam: str
    provincie_code: str | None
    provincie_naam: str | None
    jaar: int | None
    gemeenten: list[GemeenteInfo]
    aantal_buurten: int
    buurt_jaar: int | None


def list_provincies(session: Session, paging: Paging = Paging()) -> Page[ProvincieInfo]:
    stmt = select(Provincie.code, Provincie.naam).order_by(Provincie.code)
    rows, totaal = _page_of_select(session, stmt, _count(stmt), paging)
    return Page([ProvincieInfo(r.code, r.naam) for r in rows], totaal, paging.pagina, paging.pagina_grootte)


def _region_gemeente_counts(session: Session, codes: Sequence[str] | None = None) -> dict[str, tuple[int, int]]:
    """``{res_code: (latest jaar, number of gemeenten in that year)}``."""
    stmt = (
        select(Gemeente.res_code, Gemeente.jaar, func.count(func.distinct(Gemeente.code)))
        .where(Gemeente.res_code.is_not(None))
        .group_by(Gemeente.res_code, Gemeente.jaar)
    )
    if codes is not None:
        stmt = stmt.where(Gemeente.res_code.in_(list(codes)))
    latest: dict[str, tuple[int, int]] = {}
    for res_code, jaar, n in session.execute(stmt):
        if res_code not in latest or jaar > latest[res_code][0]:
            latest[res_code] = (int(jaar), int(n))
    return latest


def list_regios(session: Session, *, provincie: str | None = None, paging: Paging = Paging()) -> Page[RegioInfo]:
    stmt = select(ResRegio.code, ResRegio.naam, ResRegio.provincie_code).order_by(ResRegio.code)
    if provincie:
        stmt = stmt.where(ResRegio.provincie_code == provincie)
    rows, totaal = _page_of_select(session, stmt, _count(stmt), paging)
    counts = _region_gemeente_counts(session, [r.code for r in rows])
    items = [
        RegioInfo(r.code, r.naam, r.provincie_code, counts.get(r.code, (None, 0))[1], counts.get(r.code, (None, 0))[0])
        for r in rows
    ]
    return Page(items, totaal, paging.pagina, paging.pagina_grootte)


def region_gemeenten(session: Session, regiocode: str, jaar: int | None = None) -> list[GemeenteInfo]:
    """The gemeenten of a RES region in division year ``jaar`` (default: the region's latest year)."""
    if jaar is None:
        jaar = session.scalar(select(func.max(Gemeente.jaar)).where(Gemeente.res_code == regiocode))
        if jaar is None:
            return []
    rows = session.execute(
        select(
            Gemeente.code,
            Gemeente.jaar,
            Gemeente.naam,
            Gemeente.res_code,
            Gemeente.provincie_code,
            Gemeente.geometry.is_not(None).label("heeft_geometrie"),
        )
        .where(Gemeente.res_code == regiocode, Gemeente.jaar == jaar)
        .order_by(Gemeente.naam, Gemeente.code)
    ).all()
    return [GemeenteInfo(r.code, r.jaar, r.naam, r.res_code, r.provincie_code, bool(r.heeft_geometrie)) for r in rows]


def get_regio(session: Session, regiocode: str) -> RegioDetail | None:
    regio = session.get(ResRegio, regiocode)
    if regio is None:
        return None
    provincie = session.get(Provincie, regio.provincie_code) if regio.provincie_code else None
    gemeenten = region_gemeenten(session, regiocode)
    codes = [g.code for g in gemeenten]
    buurt_jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code.in_(codes))) if codes else None
    aantal_buurten = (
        session.scalar(select(func.count(Buurt.id)).where(Buurt.gemeente_code.in_(codes), Buurt.jaar == buurt_jaar))
        if buurt_jaar is not None
        else 0
    )
    return RegioDetail(
        code=regio.code,
        naam=regio.naam,
        provincie_code=regio.provincie_code,
        provincie_naam=provincie.naam if provincie else None,
        jaar=gemeenten[0].jaar if gemeenten else None,
        gemeenten=gemeenten,
        aantal_buurten=int(aantal_buurten or 0),
        buurt_jaar=buurt_jaar,
    )


# ------------------------------------------------------------------------------------------------ gemeenten


@dataclass(frozen=True, slots=True)
class GemeenteFilter:
    regio: str | None = None
    provincie: str | None = None
    naam: str | None = None
    jaar: int | None = None
    bbox_rd: BBox | None = None


@dataclass(frozen=True, slots=True)
class GemeenteDetail:
    code: str
    jaar: int
    naam: str
    regio_code: str | None
    regio_naam: str | None
    provincie_code: str | None
    provincie_naam: str | None
    aantal_wijken: int
    aantal_buurten: int
    buurt_jaar: int | None
    jaren: list[int]
    geometriebron: str | None
    geometry_wkb: bytes | None = field(default=None, repr=False)


def _gemeente_conditions(session: Session, f: GemeenteFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.regio:
        conds.append(Gemeente.res_code == f.regio)
    if f.provincie:
        conds.append(Gemeente.provincie_code == f.provincie)
    if f.naam:
        conds.append(func.lower(Gemeente.naam).contains(f.naam.strip().lower(), autoescape=True))
    jaar = f.jaar
    if jaar is None:
        jaar = session.scalar(select(func.max(Gemeente.jaar)).where(*conds))
    if jaar is not None:
        conds.append(Gemeente.jaar == jaar)
    return conds


def _bbox_filter_ids(
    session: Session, model: Any, conds: list[ColumnElement[bool]], bbox_rd: BBox, *, centroids: bool
) -> list[int]:
    """Ids (in code order) of rows matching ``conds`` whose geometry (or centroid) intersects ``bbox_rd``."""
    minx, miny, maxx, maxy = bbox_rd
    cols = [model.id, model.geometry]
    stmt_conds = list(conds)
    if centroids:
        m = BBOX_CANDIDATE_MARGIN_M
        cols += [model.centroid_x, model.centroid_y]
        stmt_conds.append(
            or_(
                model.centroid_x.is_(None),
                model.centroid_y.is_(None),
                (model.centroid_x.between(minx - m, maxx + m) & model.centroid_y.between(miny - m, maxy + m)),
            )
        )
    rows = session.execute(select(*cols).where(*stmt_conds).order_by(model.code, model.id)).all()
    if not rows:
        return []
    geoms = np.empty(len(rows), dtype=object)
    geoms[:] = [r.geometry for r in rows]
    geoms = shapely.from_wkb(geoms)
    if centroids:
        missing = shapely.is_missing(geoms)
        if missing.any():
            cx = np.array([r.centroid_x if r.centroid_x is not None else np.nan for r in rows], dtype=float)
            cy = np.array([r.centroid_y if r.centroid_y is not None else np.nan for r in rows], dtype=float)
            pts = shapely.points(cx, cy)
            geoms = np.where(missing, pts, geoms)
    hit = shapely.intersects(geoms, shapely.box(minx, miny, maxx, maxy))
    return [r.id for r, h in zip(rows, hit, strict=True) if h]


_GEMEENTE_INFO_COLS = (
    Gemeente.id,
    Gemeente.code,
    Gemeente.jaar,
    Gemeente.naam,
    Gemeente.res_code,
    Gemeente.provincie_code,
    Gemeente.geometry.is_not(None).label("heeft_geometrie"),
)


def _gemeente_rows(session: Session, f: GemeenteFilter, paging: Paging, cols: Sequence[Any]) -> tuple[list, int]:
    conds = _gemeente_conditions(session, f)
    if f.bbox_rd is not None:
        ids = _bbox_filter_ids(session, Gemeente, conds, f.bbox_rd, centroids=False)
        page_ids = ids[paging.offset : paging.offset + paging.pagina_grootte]
        rows = (
            session.execute(select(*cols).where(Gemeente.id.in_(page_ids)).order_by(Gemeente.code)).all()
            if page_ids
            else []
        )
        return rows, len(ids)
    stmt = select(*cols).where(*conds).order_by(Gemeente.code, Gemeente.id)
    return _page_of_select(session, stmt, _count(select(Gemeente.id).where(*conds)), paging)


def list_gemeenten(
    session: Session, f: GemeenteFilter = GemeenteFilter(), paging: Paging = Paging()
) -> Page[GemeenteInfo]:
    rows, totaal = _gemeente_rows(session, f, paging, _GEMEENTE_INFO_COLS)
    items = [GemeenteInfo(r.code, r.jaar, r.naam, r.res_code, r.provincie_code, bool(r.heeft_geometrie)) for r in rows]
    return Page(items, totaal, paging.pagina, paging.pagina_grootte)


@dataclass(frozen=True, slots=True)
class FeatureRows:
    """Rows for a GeoJSON FeatureCollection: ids, properties and RD New WKB geometries, in the same order."""

    ids: list[str]
    properties: list[dict[str, Any]]
    geometries: np.ndarray  # shapely geometries in RD New (None where missing)
    totaal: int
    pagina: int
    pagina_grootte: int

    @property
    def page(self) -> Page[str]:
        return Page(self.ids, self.totaal, self.pagina, self.pagina_grootte)


def gemeente_features(session: Session, f: GemeenteFilter = GemeenteFilter(), paging: Paging = Paging()) -> FeatureRows:
    cols = (*_GEMEENTE_INFO_COLS, Gemeente.geometry, Gemeente.geometry_bron)
    rows, totaal = _gemeente_rows(session, f, paging, cols)
    geoms = _wkb_array([r.geometry for r in rows])
    props = [
        {
            "code": r.code,
            "naam": r.naam,
            "jaar": r.jaar,
            "regioCode": r.res_code,
            "provincieCode": r.provincie_code,
            "oppervlakteHa": _finite(a / M2_PER_HA) if a else None,
            "geometriebron": r.geometry_bron,
        }
        for r, a in zip(rows, _areas(geoms), strict=True)
    ]
    return FeatureRows([r.code for r in rows], props, geoms, totaal, paging.pagina, paging.pagina_grootte)


def get_gemeente(session: Session, gemeentecode: str, jaar: int | None = None) -> GemeenteDetail | None:
    jaren = sorted(session.scalars(select(Gemeente.jaar).where(Gemeente.code == gemeentecode)).all())
    if not jaren:
        return None
    if jaar is None:
        jaar = jaren[-1]
    g = session.scalar(select(Gemeente).where(Gemeente.code == gemeentecode, Gemeente.jaar == jaar))
    if g is None:
        return None
    regio = session.get(ResRegio, g.res_code) if g.res_code else None
    provincie = session.get(Provincie, g.provincie_code) if g.provincie_code else None
    buurt_jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code == gemeentecode))
    aantal_buurten = (
        session.scalar(
            select(func.count(Buurt.id)).where(Buurt.gemeente_code == gemeentecode, Buurt.jaar == buurt_jaar)
        )
        if buurt_jaar is not None
        else 0
    )
    wijk_jaar = session.scalar(select(func.max(Wijk.jaar)).where(Wijk.gemeente_code == gemeentecode))
    aantal_wijken = (
        session.scalar(select(func.count(Wijk.id)).where(Wijk.gemeente_code == gemeentecode, Wijk.jaar == wijk_jaar))
        if wijk_jaar is not None
        else 0
    )
    return GemeenteDetail(
        code=g.code,
        jaar=g.jaar,
        naam=g.naam,
        regio_code=g.res_code,
        regio_naam=regio.naam if regio else None,
        provincie_code=g.provincie_code,
        provincie_naam=provincie.naam if provincie else None,
        aantal_wijken=int(aantal_wijken or 0),
        aantal_buurten=int(aantal_buurten or 0),
        buurt_jaar=buurt_jaar,
        jaren=jaren,
        geometriebron=g.geometry_bron,
        geometry_wkb=g.geometry,
    )


# -------------------------------------------------------------------------------------------------- buurten


@dataclass(frozen=True, slots=True)
class BuurtFilter:
    regio: str | None = None
    gemeente: str | None = None
    jaar: int | None = None
    bbox_rd: BBox | None = None


@dataclass(frozen=True, slots=True)
class BuurtInfo:
    code: str
    jaar: int
    naam: str | None
    wijk_code: str
    gemeente_code: str
    aantal_woningen: int | None
    weq: float | None
    vraag_totaal_gj: float | None
    bestaand_warmtenet_aandeel: float | None
    schematisch: bool


@dataclass(frozen=True, slots=True)
class Warmtevraag:
    """Heat demand by function [GJ/year]."""

    ruimteverwarming_gj: float | None
    tapwater_gj: float | None
    ventilatie_gj: float | None
    koude_gj: float | None
    apparaten_gj: float | None
    totaal_gj: float | None


@dataclass(frozen=True, slots=True)
class LabelAantal:
    label: str
    aantal: float
    afgeleid: bool
    bron: str | None


@dataclass(frozen=True, slots=True)
class GebouwgroepInfo:
    sector: str
    type: str
    bouwperiode: str
    aantal: int
    gem_epi: float | None
    gem_oppervlakte_m2: float | None
    totaal_oppervlakte_m2: float | None
    aantal_kleine_woningen: int | None
    bron: str | None


@dataclass(frozen=True, slots=True)
class BuurtDetail:
    code: str
    jaar: int
    naam: str | None
    wijk_code: str
    gemeente_code: str
    gemeente_naam: str | None
    regio_code: str | None
    aantal_woningen: int | None
    aantal_utiliteit: int | None
    weq_woningen: float | None
    weq_utiliteit: float | None
    weq: float | None
    oppervlakte_woningen_m2: float | None
    oppervlakte_utiliteit_m2: float | None
    warmtevraag: Warmtevraag
    oppervlakte_ha: float | None
    warmtevraagdichtheid_gj_per_ha: float | None
    bestaand_warmtenet_aandeel: float | None
    in_studiegebied: bool | None
    schematisch: bool
    geometriebron: str | None
    bron: str | None
    labels: list[LabelAantal]
    gebouwgroepen: list[GebouwgroepInfo]
    jaren: list[int]
    centroid_x: float | None = None
    centroid_y: float | None = None
    geometry_wkb: bytes | None = field(default=None, repr=False)


def _region_gemeente_codes(regiocode: str) -> Select:
    return select(Gemeente.code).where(Gemeente.res_code == regiocode)


def _buurt_conditions(session: Session, f: BuurtFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.regio:
        conds.append(Buurt.gemeente_code.in_(_region_gemeente_codes(f.regio)))
    if f.gemeente:
        conds.append(Buurt.gemeente_code == f.gemeente)
    jaar = f.jaar
    if jaar is None:
        jaar = session.scalar(select(func.max(Buurt.jaar)).where(*conds))
    if jaar is not None:
        conds.append(Buurt.jaar == jaar)
    return conds


def _buurt_rows(session: Session, f: BuurtFilter, paging: Paging, cols: Sequence[Any]) -> tuple[list, int]:
    conds = _buurt_conditions(session, f)
    if f.bbox_rd is not None:
        ids = _bbox_filter_ids(session, Buurt, conds, f.bbox_rd, centroids=True)
        page_ids = ids[paging.offset : paging.offset + paging.pagina_grootte]
        rows = (
            session.execute(select(*cols).where(Buurt.id.in_(page_ids)).order_by(Buurt.code, Buurt.id)).all()
            if page_ids
            else []
        )
        return rows, len(ids)
    stmt = select(*cols).where(*conds).order_by(Buurt.code, Buurt.id)
    return _page_of_select(session, stmt, _count(select(Buurt.id).where(*conds)), paging)


def list_buurten(session: Session, f: BuurtFilter = BuurtFilter(), paging: Paging = Paging()) -> Page[BuurtInfo]:
    cols = (
        Buurt.code,
        Buurt.jaar,
        Buurt.naam,
        Buurt.wijk_code,
        Buurt.gemeente_code,
        Buurt.aantal_woningen,
        Buurt.weq,
        Buurt.vraag_totaal_gj,
        Buurt.bestaand_warmtenet_aandeel,
        Buurt.geometry_schematisch,
    )
    rows, totaal = _buurt_rows(session, f, paging, cols)
    items = [
        BuurtInfo(
            r.code,
            r.jaar,
            r.naam,
            r.wijk_code,
            r.gemeente_code,
            r.aantal_woningen,
            r.weq,
            r.vraag_totaal_gj,
            r.bestaand_warmtenet_aandeel,
            bool(r.geometry_schematisch),
        )
        for r in rows
    ]
    return Page(items, totaal, paging.pagina, paging.pagina_grootte)


def _wkb_array(values: Sequence[bytes | None]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return shapely.from_wkb(array)


def _areas(geoms: np.ndarray) -> list[float | None]:
    """Areas [m2] of RD New geometries; ``None`` for missing geometries and points."""
    if len(geoms) == 0:
        return []
    areas = shapely.area(geoms)
    return [
        None if (g is None or not math.isfinite(a) or a <= 0) else float(a) for g, a in zip(geoms, areas, strict=True)
    ]


def heat_density_gj_per_ha(demand_gj: float | None, area_m2: float | None) -> float | None:
    """Heat demand density [GJ/ha/year] = demand [GJ/year] / area [ha]; ``None`` when either is unknown."""
    if demand_gj is None or area_m2 is None or area_m2 <= 0:
        return None
    return _finite(demand_gj / (area_m2 / M2_PER_HA))


def _geometry_source(bron: str | None, schematisch: bool, has_geometry: bool, has_centroid: bool) -> str | None:
    if has_geometry:
        return bron or ("schematisch" if schematisch else None)
    return "centroide" if has_centroid else None


def buurt_features(session: Session, f: BuurtFilter = BuurtFilter(), paging: Paging = Paging()) -> FeatureRows:
    """Buurten as GeoJSON-ready rows: one query for the page, vectorised areas, no per-row lookups.

    A buurt without a polygon is represented by its centroid (``geometriebron`` ``centroide``).
    """
    cols = (
        Buurt.code,
        Buurt.jaar,
        Buurt.naam,
        Buurt.gemeente_code,
        Buurt.weq,
        Buurt.vraag_totaal_gj,
        Buurt.bestaand_warmtenet_aandeel,
        Buurt.geometry,
        Buurt.geometry_schematisch,
        Buurt.geometry_bron,
        Buurt.centroid_x,
        Buurt.centroid_y,
    )
    rows, totaal = _buurt_rows(session, f, paging, cols)
    geoms = _wkb_array([r.geometry for r in rows])
    areas = _areas(geoms)
    missing = [g is None for g in geoms]
    if any(missing):
        for i, r in enumerate(rows):
            if missing[i] and r.centroid_x is not None and r.centroid_y is not None:
                geoms[i] = shapely.Point(r.centroid_x, r.centroid_y)
    props = []
    for r, area, miss in zip(rows, areas, missing, strict=True):
        has_centroid = r.centroid_x is not None and r.centroid_y is not None
        props.append(
            {
                "code": r.code,
                "naam": r.naam,
                "jaar": r.jaar,
                "gemeenteCode": r.gemeente_code,
                "weq": _finite(r.weq),
                "vraagTotaalGj": _finite(r.vraag_totaal_gj),
                "oppervlakteHa": _finite(area / M2_PER_HA) if area else None,
                "warmtevraagdichtheidGjPerHa": heat_density_gj_per_ha(r.vraag_totaal_gj, area),
                "bestaandWarmtenetAandeel": _finite(r.bestaand_warmtenet_aandeel),
                "schematisch": bool(r.geometry_schematisch) or miss,
                "geometriebron": _geometry_source(
                    r.geometry_bron, bool(r.geometry_schematisch), not miss, has_centroid
                ),
            }
        )
    return FeatureRows([r.code for r in rows], props, geoms, totaal, paging.pagina, paging.pagina_grootte)


def buurt_namen(session: Session, codes: Sequence[str], jaar: int | None) -> dict[str, str | None]:
    """Names of the given buurt codes in division year ``jaar`` (codes without a row are left out)."""
    if not codes:
        return {}
    stmt = select(Buurt.code, Buurt.naam).where(Buurt.code.in_(list(codes)))
    if jaar is not None:
        stmt = stmt.where(Buurt.jaar == jaar)
    return dict(session.execute(stmt).all())


def wijk_naam(session: Session, wijkcode: str | None) -> str | None:
    """Name of a wijk in its newest division year."""
    if not wijkcode:
        return None
    return session.scalar(select(Wijk.naam).where(Wijk.code == wijkcode).order_by(Wijk.jaar.desc()).limit(1))


def get_buurt(session: Session, buurtcode: str, jaar: int | None = None) -> BuurtDetail | None:
    """One buurt with heat demand by function, labels and building groups (three queries in all)."""
    jaren = sorted(session.scalars(select(Buurt.jaar).where(Buurt.code == buurtcode)).all())
    if not jaren:
        return None
    if jaar is None:
        jaar = jaren[-1]
    b = session.scalar(select(Buurt).where(Buurt.code == buurtcode, Buurt.jaar == jaar))
    if b is None:
        return None
    gemeente = session.execute(
        select(Gemeente.naam, Gemeente.res_code)
        .where(Gemeente.code == b.gemeente_code)
        .order_by((Gemeente.jaar == b.jaar).desc(), Gemeente.jaar.desc())
        .limit(1)
    ).first()
    labels = session.scalars(select(BuurtLabel).where(BuurtLabel.buurt_id == b.id).order_by(BuurtLabel.label)).all()
    groepen = session.scalars(
        select(Gebouwgroep)
        .where(Gebouwgroep.buurt_id == b.id)
        .order_by(Gebouwgroep.sector, Gebouwgroep.type, Gebouwgroep.bouwperiode)
    ).all()
    area = None
    if b.geometry is not None:
        (area,) = _areas(_wkb_array([b.geometry]))
    return BuurtDetail(
        code=b.code,
        jaar=b.jaar,
        naam=b.naam,
        wijk_code=b.wijk_code,
        gemeente_code=b.gemeente_code,
        gemeente_naam=gemeente.naam if gemeente else None,
        regio_code=gemeente.res_code if gemeente else None,
        aantal_woningen=b.aantal_woningen,
        aantal_utiliteit=b.aantal_utiliteit,
        weq_woningen=b.weq_woningen,
        weq_utiliteit=b.weq_utiliteit,
        weq=b.weq,
        oppervlakte_woningen_m2=b.opp_woningen_m2,
        oppervlakte_utiliteit_m2=b.opp_utiliteit_m2,
        warmtevraag=Warmtevraag(
            ruimteverwarming_gj=b.vraag_ruimteverwarming_gj,
            tapwater_gj=b.vraag_tapwater_gj,
            ventilatie_gj=b.vraag_ventilatie_gj,
            koude_gj=b.vraag_koude_gj,
            apparaten_gj=b.vraag_apparaten_gj,
            totaal_gj=b.vraag_totaal_gj,
        ),
        oppervlakte_ha=_finite(area / M2_PER_HA) if area else None,
        warmtevraagdichtheid_gj_per_ha=heat_density_gj_per_ha(b.vraag_totaal_gj, area),
        bestaand_warmtenet_aandeel=b.bestaand_warmtenet_aandeel,
        in_studiegebied=b.in_studiegebied,
        schematisch=bool(b.geometry_schematisch) or b.geometry is None,
        geometriebron=_geometry_source(
            b.geometry_bron,
            bool(b.geometry_schematisch),
            b.geometry is not None,
            b.centroid_x is not None and b.centroid_y is not None,
        ),
        bron=b.bron,
        labels=[LabelAantal(lb.label, lb.aantal, bool(lb.afgeleid), lb.bron) for lb in labels],
        gebouwgroepen=[
            GebouwgroepInfo(
                g.sector,
                g.type,
                g.bouwperiode,
                g.aantal,
                g.gem_epi,
                g.gem_oppervlakte_m2,
                g.totaal_oppervlakte_m2,
                g.aantal_kleine_woningen,
                g.bron,
            )
            for g in groepen
        ],
        jaren=jaren,
        centroid_x=b.centroid_x,
        centroid_y=b.centroid_y,
        geometry_wkb=b.geometry,
    )


# -------------------------------------------------------------------------------------------- warmtebronnen


@dataclass(frozen=True, slots=True)
class WarmtebronFilter:
    regio: str | None = None
    straal_m: float = REGION_SOURCE_RADIUS_M
    temperatuurklasse: str | None = None
    categorie: str | None = None
    status: str | None = None
    bbox_rd: BBox | None = None


@dataclass(frozen=True, slots=True)
class WarmtebronInfo:
    code: str
    naam: str
    categorie: str
    temperatuurklasse: str
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    status: str
    potentie: str | None
    buurten_in_bereik: list[str]
    bron: str | None
    x: float
    y: float


def _split_codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _bron_info(w: Any) -> WarmtebronInfo:
    return WarmtebronInfo(
        code=w.code,
        naam=w.naam,
        categorie=w.categorie,
        temperatuurklasse=w.temperatuurklasse,
        beschikbaar_gj_per_jaar=w.beschikbaar_gj_per_jaar,
        capaciteit_mw=w.capaciteit_mw,
        status=w.status,
        potentie=w.potentie,
        buurten_in_bereik=_split_codes(w.buurten_in_bereik),
        bron=w.bron,
        x=w.x,
        y=w.y,
    )


def region_area_geometries(session: Session, regiocode: str) -> np.ndarray:
    """Shapely geometries (RD New) that make up a region's area; see the module docstring for the rule."""
    gemeenten = region_gemeenten(session, regiocode)
    codes = [g.code for g in gemeenten]
    if not codes:
        return np.empty(0, dtype=object)
    if gemeenten and any(g.heeft_geometrie for g in gemeenten):
        wkbs = session.scalars(
            select(Gemeente.geometry).where(
                Gemeente.code.in_(codes), Gemeente.jaar == gemeenten[0].jaar, Gemeente.geometry.is_not(None)
            )
        ).all()
        return _wkb_array(wkbs)
    jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.gemeente_code.in_(codes)))
    if jaar is None:
        return np.empty(0, dtype=object)
    rows = session.execute(
        select(Buurt.geometry, Buurt.centroid_x, Buurt.centroid_y).where(
            Buurt.gemeente_code.in_(codes), Buurt.jaar == jaar
        )
    ).all()
    polygons = [r.geometry for r in rows if r.geometry is not None]
    if polygons:
        return _wkb_array(polygons)
    pts = [(r.centroid_x, r.centroid_y) for r in rows if r.centroid_x is not None and r.centroid_y is not None]
    if not pts:
        return np.empty(0, dtype=object)
    xy = np.asarray(pts, dtype=float)
    return shapely.points(xy[:, 0], xy[:, 1])


def warmtebron_rows(session: Session, f: WarmtebronFilter) -> list[Warmtebron]:
    """The heat sources matching ``f`` (ORM rows, ordered by code); the region rule is in the module docstring."""
    conds: list[ColumnElement[bool]] = []
    if f.temperatuurklasse:
        conds.append(Warmtebron.temperatuurklasse == f.temperatuurklasse)
    if f.categorie:
        conds.append(Warmtebron.categorie == f.categorie)
    if f.status:
        conds.append(Warmtebron.status == f.status)
    if f.bbox_rd is not None:
        minx, miny, maxx, maxy = f.bbox_rd
        conds += [Warmtebron.x.between(minx, maxx), Warmtebron.y.between(miny, maxy)]
    area = None
    if f.regio:
        area = region_area_geometries(session, f.regio)
        if len(area) == 0:
            return []
        minx, miny, maxx, maxy = shapely.total_bounds(area)
        d = f.straal_m
        conds += [Warmtebron.x.between(minx - d, maxx + d), Warmtebron.y.between(miny - d, maxy + d)]
    rows = list(session.scalars(select(Warmtebron).where(*conds).order_by(Warmtebron.code)).all())
    if area is not None and rows:
        tree = shapely.STRtree(area)
        pts = shapely.points(np.array([r.x for r in rows]), np.array([r.y for r in rows]))
        hits = tree.query(pts, predicate="dwithin", distance=f.straal_m)
        keep = set(hits[0].tolist())
        rows = [r for i, r in enumerate(rows) if i in keep]
    return rows


def list_warmtebronnen(
    session: Session, f: WarmtebronFilter = WarmtebronFilter(), paging: Paging = Paging()
) -> Page[WarmtebronInfo]:
    rows = warmtebron_rows(session, f)
    page = rows[paging.offset : paging.offset + paging.pagina_grootte]
    return Page([_bron_info(r) for r in page], len(rows), paging.pagina, paging.pagina_grootte)


def warmtebron_features(
    session: Session, f: WarmtebronFilter = WarmtebronFilter(), paging: Paging = Paging()
) -> FeatureRows:
    page = list_warmtebronnen(session, f, paging)
    items = page.items
    geoms = shapely.points(np.array([w.x for w in items], dtype=float), np.array([w.y for w in items], dtype=float))
    props = [
        {
            "code": w.code,
            "naam": w.naam,
            "categorie": w.categorie,
            "temperatuurklasse": w.temperatuurklasse,
            "beschikbaarGjPerJaar": _finite(w.beschikbaar_gj_per_jaar),
            "capaciteitMw": _finite(w.capaciteit_mw),
            "status": w.status,
            "potentie": w.potentie,
        }
        for w in items
    ]
    return FeatureRows(
        [w.code for w in items],
        props,
        np.asarray(geoms, dtype=object).reshape(-1),
        page.totaal,
        page.pagina,
        page.pagina_grootte,
    )


def get_warmtebron(session: Session, broncode: str) -> WarmtebronInfo | None:
    w = session.scalar(select(Warmtebron).where(Warmtebron.code == broncode))
    return _bron_info(w) if w else None


# ------------------------------------------------------------------------------------------- parametersets


@dataclass(frozen=True, slots=True)
class ParametersetInfo:
    naam: str
    versie: str
    beschrijving: str | None
    bron: str | None
    aangemaakt: datetime | None
    aantal_waarden: int


@dataclass(frozen=True, slots=True)
class ParameterInfo:
    naam: str
    jaar: int | None
    waarde: str
    waarde_num: float | None
    eenheid: str | None
    groep: str | None
    bron: str | None
    beschrijving: str | None


@dataclass(frozen=True, slots=True)
class ParametersetDetail:
    naam: str
    versie: str
    beschrijving: str | None
    bron: str | None
    aangemaakt: datetime | None
    versies: list[str]
    waarden: list[ParameterInfo]


def parameterset_copies(session: Session) -> list[tuple[str, str]]:
    """(naam, versie) of the stored user copies of parameter sets, by name and version."""
    rows = session.execute(
        select(ParameterSet.naam, ParameterSet.versie)
        .where(ParameterSet.basis_naam.is_not(None))
        .order_by(ParameterSet.naam, ParameterSet.versie)
    ).all()
    return [(r.naam, r.versie) for r in rows]


def list_parametersets(
    session: Session, *, naam: str | None = None, paging: Paging = Paging()
) -> Page[ParametersetInfo]:
    counts = (
        select(ParameterWaarde.set_id, func.count(ParameterWaarde.id).label("n"))
        .group_by(ParameterWaarde.set_id)
        .subquery()
    )
    stmt = (
        select(
            ParameterSet.naam,
            ParameterSet.versie,
            ParameterSet.beschrijving,
            ParameterSet.bron,
            ParameterSet.aangemaakt,
            func.coalesce(counts.c.n, 0).label("n"),
        )
        .outerjoin(counts, counts.c.set_id == ParameterSet.id)
        .order_by(ParameterSet.naam, ParameterSet.versie)
    )
    count_stmt = select(func.count(ParameterSet.id))
    if naam:
        stmt = stmt.where(ParameterSet.naam == naam)
        count_stmt = count_stmt.where(ParameterSet.naam == naam)
    rows, totaal = _page_of_select(session, stmt, count_stmt, paging)
    items = [ParametersetInfo(r.naam, r.versie, r.beschrijving, r.bron, r.aangemaakt, int(r.n)) for r in rows]
    return Page(items, totaal, paging.pagina, paging.pagina_grootte)


def get_parameterset(session: Session, naam: str, versie: str | None = None) -> ParametersetDetail | None:
    """A parameter set by name; without ``versie`` the most recently created version."""
    sets = session.scalars(
        select(ParameterSet)
        .where(ParameterSet.naam == naam)
        .order_by(ParameterSet.aangemaakt.desc(), ParameterSet.id.desc())
    ).all()
    if not sets:
        return None
    chosen = sets[0] if versie is None else next((s for s in sets if s.versie == versie), None)
    if chosen is None:
        return None
    waarden = session.scalars(
        select(ParameterWaarde)
        .where(ParameterWaarde.set_id == chosen.id)
        .order_by(ParameterWaarde.naam, ParameterWaarde.jaar)
    ).all()
    return ParametersetDetail(
        naam=chosen.naam,
        versie=chosen.versie,
        beschrijving=chosen.beschrijving,
        bron=chosen.bron,
        aangemaakt=chosen.aangemaakt,
        versies=sorted(s.versie for s in sets),
        waarden=[
            ParameterInfo(w.naam, w.jaar, w.waarde, w.waarde_num, w.eenheid, w.groep, w.bron, w.beschrijving)
            for w in waarden
        ],
    )
