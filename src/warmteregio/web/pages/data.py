"""Read models for the HTML pages, built on :mod:`warmteregio.services.queries` (shared with the JSON API).

The page and the API therefore agree on which division year is shown, how heat-demand density is computed
and which heat sources belong to a region. This module only reshapes those answers for the templates
(gemeente names next to buurten, density classes, the order of labels) and adds the wijk name.
Heat demand in GJ per year, areas in hectares, densities in GJ/ha per year, coordinates in RD New [m].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely
from sqlalchemy.orm import Session

from warmteregio.domain.enums import ENERGY_LABELS
from warmteregio.services import queries
from warmteregio.store.models import ResRegio
from warmteregio.web import geo

#: Heat-demand density classes [GJ/ha per year]: lower bounds, shared by the map legend and the tables.
DICHTHEID_KLASSEN: tuple[float, ...] = (0, 150, 300, 600, 1200)
TEMPERATUURKLASSEN: tuple[str, ...] = ("HT", "MT", "LT", "ZLT")
#: Distance [km] within which a heat source counts as a region's (the API's default).
BRON_STRAAL_KM = queries.REGION_SOURCE_RADIUS_M / 1000
#: Large enough for every buurt or source of one region in a single page.
ALLES = queries.Paging(1, 100_000)

VRAAG_FUNCTIES: tuple[tuple[str, str], ...] = (
    ("ruimteverwarming_gj", "Ruimteverwarming"),
    ("tapwater_gj", "Warm tapwater"),
    ("ventilatie_gj", "Ventilatie"),
    ("koude_gj", "Koeling"),
    ("apparaten_gj", "Apparaten"),
)


@dataclass(frozen=True)
class RegioRij:
    code: str
    naam: str
    aantal_gemeenten: int


@dataclass(frozen=True)
class GemeenteRij:
    code: str
    naam: str
    jaar: int
    aantal_buurten: int


@dataclass(frozen=True)
class RegioDetail:
    code: str
    naam: str
    provincie: str | None
    gemeenten: list[GemeenteRij]


@dataclass(frozen=True)
class BuurtRij:
    code: str
    naam: str | None
    gemeente_code: str
    gemeente_naam: str | None
    wijk_code: str
    aantal_woningen: int | None
    weq: float | None
    vraag_totaal_gj: float | None
    oppervlakte_ha: float | None
    dichtheid_gj_per_ha: float | None
    schematisch: bool
    klasse: int | None


@dataclass(frozen=True)
class BronRij:
    code: str
    naam: str
    categorie: str
    temperatuurklasse: str
    status: str
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    x: float
    y: float


@dataclass(frozen=True)
class LabelRij:
    label: str
    aantal: float
    afgeleid: bool


@dataclass(frozen=True)
class GebouwgroepRij:
    sector: str
    type: str
    bouwperiode: str
    aantal: int
    gem_epi: float | None
    totaal_oppervlakte_m2: float | None


@dataclass(frozen=True)
class BuurtDetail:
    code: str
    jaar: int
    naam: str | None
    gemeente_code: str
    gemeente_naam: str | None
    regio_code: str | None
    regio_naam: str | None
    wijk_code: str
    wijk_naam: str | None
    aantal_woningen: int | None
    aantal_utiliteit: int | None
    weq_woningen: float | None
    weq_utiliteit: float | None
    weq: float | None
    opp_woningen_m2: float | None
    opp_utiliteit_m2: float | None
    vraag: list[tuple[str, float | None]]
    vraag_totaal_gj: float | None
    oppervlakte_ha: float | None
    dichtheid_gj_per_ha: float | None
    bestaand_warmtenet_aandeel: float | None
    centroid_rd: tuple[float, float] | None
    centroid_wgs84: tuple[float, float] | None
    schematisch: bool
    geometry_bron: str | None
    bron: str | None
    labels: list[LabelRij] = field(default_factory=list)
    labels_afgeleid: bool = False
    gebouwgroepen: list[GebouwgroepRij] = field(default_factory=list)


def dichtheid_klasse(value: float | None) -> int | None:
    """Index of the density class of ``value`` in :data:`DICHTHEID_KLASSEN`, ``None`` when unknown."""
    if value is None or not math.isfinite(value):
        return None
    index = 0
    for i, lower in enumerate(DICHTHEID_KLASSEN):
        if value >= lower:
            index = i
    return index


def regios(db: Session) -> list[RegioRij]:
    """All RES regions with their number of gemeenten (newest division year), ordered by code."""
    return [RegioRij(r.code, r.naam, r.aantal_gemeenten) for r in queries.list_regios(db, paging=ALLES).items]


def regio(db: Session, code: str) -> RegioDetail | None:
    """A region with its gemeenten and their number of buurten, or ``None``."""
    detail = queries.get_regio(db, code.strip().upper())
    if detail is None:
        return None
    per_gemeente: dict[str, int] = {}
    for b in queries.list_buurten(db, queries.BuurtFilter(regio=detail.code), ALLES).items:
        per_gemeente[b.gemeente_code] = per_gemeente.get(b.gemeente_code, 0) + 1
    return RegioDetail(
        detail.code,
        detail.naam,
        detail.provincie_naam,
        [GemeenteRij(g.code, g.naam, g.jaar, per_gemeente.get(g.code, 0)) for g in detail.gemeenten],
    )


def buurten_van_regio(db: Session, regio: RegioDetail, gemeente_code: str | None = None) -> list[BuurtRij]:
    """The buurten of a region (optionally one of its gemeenten), ordered by gemeente name and buurt code."""
    names = {g.code: g.naam for g in regio.gemeenten}
    f = queries.BuurtFilter(regio=regio.code, gemeente=gemeente_code)
    infos = {b.code: b for b in queries.list_buurten(db, f, ALLES).items}
    features = queries.buurt_features(db, f, ALLES)
    rows = []
    for props in features.properties:
        info = infos.get(props["code"])
        density = props["warmtevraagdichtheidGjPerHa"]
        rows.append(
            BuurtRij(
                code=props["code"],
                naam=props["naam"],
                gemeente_code=props["gemeenteCode"],
                gemeente_naam=names.get(props["gemeenteCode"]),
                wijk_code=info.wijk_code if info else "",
                aantal_woningen=info.aantal_woningen if info else None,
                weq=props["weq"],
                vraag_totaal_gj=props["vraagTotaalGj"],
                oppervlakte_ha=props["oppervlakteHa"],
                dichtheid_gj_per_ha=density,
                schematisch=bool(props["schematisch"]),
                klasse=dichtheid_klasse(density),
            )
        )
    rows.sort(key=lambda r: (r.gemeente_naam or "", r.code))
    return rows


def bronnen_van_regio(db: Session, regio_code: str) -> list[BronRij]:
    """Heat sources within :data:`BRON_STRAAL_KM` of the region (the API's rule), ordered by name."""
    page = queries.list_warmtebronnen(db, queries.WarmtebronFilter(regio=regio_code), ALLES)
    return sorted(
        (
            BronRij(
                w.code,
                w.naam,
                w.categorie,
                w.temperatuurklasse,
                w.status,
                w.beschikbaar_gj_per_jaar,
                w.capaciteit_mw,
                w.x,
                w.y,
            )
            for w in page.items
        ),
        key=lambda r: (r.naam.lower(), r.code),
    )


_LABEL_RANK = {label: i for i, label in enumerate(ENERGY_LABELS)}


def buurt_detail(db: Session, code: str) -> BuurtDetail | None:
    """One buurt (newest division year) with labels and building groups, or ``None``."""
    b = queries.get_buurt(db, code.strip().upper())
    if b is None:
        return None
    region = db.get(ResRegio, b.regio_code) if b.regio_code else None
    wijk_naam = queries.wijk_naam(db, b.wijk_code)
    centroid_rd = (b.centroid_x, b.centroid_y) if b.centroid_x is not None and b.centroid_y is not None else None
    if centroid_rd is None and b.geometry_wkb:
        point = shapely.from_wkb(b.geometry_wkb).centroid
        centroid_rd = (point.x, point.y)
    centroid_wgs84 = None
    if centroid_rd is not None:
        point = geo.point_dict(*centroid_rd)
        if point:
            lon, lat = point["coordinates"]
            centroid_wgs84 = (lat, lon)  # latitude first, as people read coordinates
    labels = sorted(
        (LabelRij(lb.label, lb.aantal, lb.afgeleid) for lb in b.labels),
        key=lambda lb: (_LABEL_RANK.get(lb.label, len(_LABEL_RANK)), lb.label),
    )
    groups = sorted(
        (
            GebouwgroepRij(g.sector, g.type, g.bouwperiode, g.aantal, g.gem_epi, g.totaal_oppervlakte_m2)
            for g in b.gebouwgroepen
        ),
        key=lambda g: (g.sector != "woning", g.sector, g.type, g.bouwperiode),
    )
    return BuurtDetail(
        code=b.code,
        jaar=b.jaar,
        naam=b.naam,
        gemeente_code=b.gemeente_code,
        gemeente_naam=b.gemeente_naam,
        regio_code=b.regio_code,
        regio_naam=region.naam if region else None,
        wijk_code=b.wijk_code,
        wijk_naam=wijk_naam,
        aantal_woningen=b.aantal_woningen,
        aantal_utiliteit=b.aantal_utiliteit,
        weq_woningen=b.weq_woningen,
        weq_utiliteit=b.weq_utiliteit,
        weq=b.weq,
        opp_woningen_m2=b.oppervlakte_woningen_m2,
        opp_utiliteit_m2=b.oppervlakte_utiliteit_m2,
        vraag=[(label, getattr(b.warmtevraag, attr)) for attr, label in VRAAG_FUNCTIES],
        vraag_totaal_gj=b.warmtevraag.totaal_gj,
        oppervlakte_ha=b.oppervlakte_ha,
        dichtheid_gj_per_ha=b.warmtevraagdichtheid_gj_per_ha,
        bestaand_warmtenet_aandeel=b.bestaand_warmtenet_aandeel,
        centroid_rd=centroid_rd,
        centroid_wgs84=centroid_wgs84,
        schematisch=b.schematisch,
        geometry_bron=b.geometriebron,
        bron=b.bron,
        labels=labels,
        labels_afgeleid=any(lb.afgeleid for lb in labels),
        gebouwgroepen=groups,
    )
