"""Afwegingskader II as a service: criteria, weighing, robustness and explanations for a stored assessment run.

Thin layer between storage and the pure engine (:mod:`warmteregio.engine.criteria`, ``mcda``, ``robustness``,
``explain``): it loads a run's result rows, the buurten's characteristics (``gebiedskenmerken``, buurt or else
gemeente level), the heat sources near each buurt and the user-entered criterion values, builds the
:class:`~warmteregio.engine.criteria.CriteriaMatrix` once per run (cached in-process, invalidated when an entry
changes) and answers rankings, SMAA and explanations from it. The API, the CLI, the web pages, the workshop
cases and the national sweep all call these functions.

How the matrix is built (details and limits in docs/method/afweging-service.md):

* **results**: every numeric engine column of the run's rows (headline columns and the ``waarden`` JSON, incl.
  ``EG_*``) as (B, V) arrays over the catalogue variants of the run's catalogue (reference excluded; the
  reference row goes to ``referentie``). A row without a finite H18 is an invalid variant: all its columns are
  NaN and the variant is not available in that buurt.
* **buurt data**: total heat demand; area from the geometry, else estimated from the centroids (the square of
  the distance to the nearest other buurt centroid of the run, :data:`AREA_FROM_CENTROIDS`); dwelling label
  counts in ``engine.inputs.LABELS`` order (unlabelled dwellings in ``N``).
* **area characteristics** (``gebiedskenmerken``): per kenmerk the most specific area that has it (buurt, then
  wijk, then gemeente), newest peiljaar.
* **heat sources**: :func:`heat_sources_for` (matching rule per area option and distance per temperature class).
* **expert scores** and the **criteria catalogue** from :mod:`warmteregio.catalogue.criteria`.
* **user entries**: current :class:`~warmteregio.store.models.Criteriuminvoer` rows (not superseded, not
  withdrawn).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.engine.criteria import CriteriaContext, CriteriaMatrix, Criterion
from warmteregio.engine.explain import Uitleg
from warmteregio.engine.mcda import Constraint, Ranking
from warmteregio.engine.robustness import InputUncertainty, SmaaResult, WeightFlip, WeightRanges
from warmteregio.store.models import (
    Beoordelingsresultaat,
    Beoordelingsrun,
    Buurt,
    BuurtLabel,
    Criteriuminvoer,
    Gebiedskenmerk,
    ImportRun,
    User,
    Warmtebron,
)

STATUS_KLAAR = "klaar"
M2_PER_HA = 10_000.0
AREA_FROM_CENTROIDS = "oppervlakte geschat uit centroïden: (afstand tot de dichtstbijzijnde buurtcentroïde)^2"

#: Maximum distance [m] between a source and a buurt centroid, per temperature class of the source. A buurt
#: listed in the source's ``buurten_in_bereik`` (ETM warmtemodule supply area) always matches.
SOURCE_DISTANCE_M: dict[str, float] = {"HT": 10_000.0, "MT": 10_000.0, "LT": 3_000.0, "ZLT": 2_000.0}
#: Representative supply temperature [C] of a source's temperature class (HT >= 70, MT 50-70, LT 30-50, ZLT < 30).
SOURCE_TEMPERATURE_C: dict[str, float] = {"HT": 90.0, "MT": 60.0, "LT": 40.0, "ZLT": 20.0}
GEOTHERMAL = "geothermie"
AQUATHERMAL = ("aquathermie_teo", "aquathermie_tea", "aquathermie_ted")
#: Area option of a heat-network variant -> which sources feed it.
AREA_OPTION_SOURCES: dict[str, str] = {
    "restwarmte": "HT/MT-restwarmte (temperatuurklasse HT of MT, geen geothermie of aquathermie)",
    "geo_contour": "geothermie",
    "geo_overal": "geothermie",
    "lt30_30": "LT-bronnen (temperatuurklasse LT, geen aquathermie)",
    "lt30_70": "LT-bronnen (temperatuurklasse LT, geen aquathermie)",
    "teo": "aquathermie (TEO, TEA, TED)",
    "bron": "de genoemde bron van de variant (bron_naam = code of naam)",
}
EXCLUDED_STATUS = ("buiten_gebruik",)

#: Criteria value ranges by unit, checked for user entries.
UNIT_RANGES: dict[str, tuple[float, float]] = {"0-1": (0.0, 1.0), "score 1-5": (1.0, 5.0)}

CACHE_SIZE = 8
MAX_SAMPLES = 100_000

_DB_LABEL_CLASS = {
    "A++++": "Appp", "A+++": "Appp", "A++": "Appp", "A+": "Appp", "A": "A", "B": "B", "C": "C", "D": "D",
    "E": "E", "F": "F", "G": "F",
}  # fmt: skip


class AfwegingError(ValueError):
    """A request that cannot be answered (unknown run, criterion, variant, bad weights); bilingual."""

    def __init__(self, nl: str, en: str, status: int = 400) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.status = status


@dataclass(frozen=True)
class Weging:
    """A ranking of a run's buurten with the weights and method used, plus the criteria matrix it came from."""

    run_id: int
    cm: CriteriaMatrix
    ranking: Ranking
    gewichten: dict[str, float]  # normalised, by criterion code
    methode: str
    beperkingen: tuple[Constraint, ...]


@dataclass(frozen=True)
class Robuustheid:
    run_id: int
    cm: CriteriaMatrix
    smaa: SmaaResult
    flip: WeightFlip | None
    gewichten: dict[str, float]


@dataclass(frozen=True)
class BronMatch:
    """The heat sources that feed one heat-network variant in one buurt."""

    buurt_code: str
    variant_code: str
    bronnen: tuple[str, ...]  # source codes
    beschikbaar_gj: float | None  # sum of the known available heat; None when none is known
    temperatuur_c: float | None


@dataclass(frozen=True)
class InvoerInfo:
    """A snapshot of a current user entry (plain data, safe to keep in the cache across sessions)."""

    id: int
    buurt_code: str
    variant_code: str
    criterium: str
    waarde: float
    toelichting: str
    door_id: int | None
    gemaakt: datetime | None


@dataclass(frozen=True)
class MatrixInfo:
    """What went into a run's criteria matrix besides the engine results, for provenance and exports."""

    run_id: int
    catalogus: str | None
    varianten: tuple[Any, ...]  # engine Variant objects in matrix order
    kenmerken: dict[str, dict[str, tuple[str, int, float, str]]]  # buurt -> kenmerk -> (area, peiljaar, value, src)
    bronnen: dict[tuple[str, str], BronMatch]  # (buurt, variant code) -> matched sources
    invoer: dict[tuple[str, str, str], InvoerInfo]  # (buurt, variant|*, criterion) -> current entry
    oppervlakte_geschat: frozenset[str] = field(default_factory=frozenset)


# ------------------------------------------------------------------------------------------------- catalogue


@functools.lru_cache(maxsize=1)
def _criteria() -> tuple[Criterion, ...]:
    from warmteregio.catalogue.criteria import load_criteria

    return tuple(load_criteria())


@functools.lru_cache(maxsize=1)
def _oordelen() -> dict[tuple[str, str], float]:
    from warmteregio.catalogue.criteria import load_oordelen

    return load_oordelen(criteria=_criteria())


def criteria_catalogue() -> list[Criterion]:
    """The shipped criteria (``catalogue/criteria.csv``)."""
    return list(_criteria())


def default_weights() -> dict[str, float]:
    """Criterion code -> default weight, normalised to sum 1."""
    crits = _criteria()
    total = sum(c.standaard_gewicht for c in crits)
    return {c.code: c.standaard_gewicht / total for c in crits}


def _catalogue_for_run(run: Beoordelingsrun) -> Any:
    from warmteregio.services.assessment import catalogue_year, load_strategy_catalogue

    catalogue = load_strategy_catalogue(catalogue_year(name=run.catalogus_versie or ""))
    if catalogue is None:
        raise AfwegingError("strategiecatalogus niet beschikbaar", "strategy catalogue not available", 503)
    return catalogue


def known_variant_codes() -> set[str]:
    """Variant codes of every shipped catalogue edition (for validating entries)."""
    from warmteregio.services.assessment import CATALOGUE_YEARS, load_strategy_catalogue

    codes: set[str] = set()
    for year in CATALOGUE_YEARS:
        catalogue = load_strategy_catalogue(year)
        if catalogue is not None:
            codes.update(v.code for v in catalogue if not v.is_reference)
    return codes


# -------------------------------------------------------------------------------------------------- loading


def _run(session: Session, run_id: int) -> Beoordelingsrun:
    run = session.get(Beoordelingsrun, run_id)
    if run is None:
        raise AfwegingError(f"beoordeling {run_id} niet gevonden", f"assessment {run_id} not found", 404)
    if run.status != STATUS_KLAAR:
        raise AfwegingError(
            f"beoordeling {run_id} is niet klaar (status {run.status})",
            f"assessment {run_id} is not finished (status {run.status})", 409,
        )  # fmt: skip
    return run


def _float(value: Any) -> float:
    if value is None or isinstance(value, bool | str):
        return math.nan
    try:
        x = float(value)
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan


def _results(session: Session, run: Beoordelingsrun, variants: Sequence[Any]) -> tuple[
    list[str], dict[str, np.ndarray], dict[str, np.ndarray], tuple[Any, ...]
]:
    """(buurt codes, results name -> (B, V), referentie name -> (B,), variants present) of a run."""
    from warmteregio.services.assessment import HEADLINE

    rows = session.execute(
        select(Beoordelingsresultaat.buurt_code, Beoordelingsresultaat.strategie,
               *[getattr(Beoordelingsresultaat, a) for a in HEADLINE.values()], Beoordelingsresultaat.waarden)
        .where(Beoordelingsresultaat.run_id == run.id)
    ).all()  # fmt: skip
    buurten = sorted({r[0] for r in rows})
    bi = {c: i for i, c in enumerate(buurten)}
    by_name = {v.pbl_naam: v for v in variants}
    present_names = {r[1] for r in rows}
    varianten = tuple(v for v in variants if not v.is_reference and v.pbl_naam in present_names)
    vi = {v.pbl_naam: i for i, v in enumerate(varianten)}
    ref_name = next((v.pbl_naam for v in variants if v.is_reference), None)
    b, n_v = len(buurten), len(varianten)
    results: dict[str, np.ndarray] = {}
    referentie: dict[str, np.ndarray] = {}
    headline = list(HEADLINE)
    for row in rows:
        code, name = row[0], row[1]
        values = {k: _float(v) for k, v in json.loads(row[-1] or "{}").items()}
        for k, v in zip(headline, row[2:-1], strict=True):
            values[k] = _float(v)
        if name == ref_name:
            for k, v in values.items():
                if k not in referentie:
                    referentie[k] = np.full(b, np.nan)
                referentie[k][bi[code]] = v
            continue
        j = vi.get(name)
        if j is None or name not in by_name:
            continue
        if not math.isfinite(values.get("H18_Nat_meerkost_WEQ", math.nan)):
            continue  # invalid variant in this buurt: stays NaN everywhere
        for k, v in values.items():
            arr = results.get(k)
            if arr is None:
                arr = results[k] = np.full((b, n_v), np.nan)
            arr[bi[code], j] = v
    results = {k: v for k, v in results.items() if not np.isnan(v).all()}
    return buurten, results, referentie, varianten


def _buurt_data(session: Session, run: Beoordelingsrun, codes: Sequence[str]) -> dict[str, Any]:
    import shapely

    from warmteregio.engine.inputs import LABELS, labels_from_counts

    stmt = select(Buurt).where(Buurt.code.in_(list(codes)))
    if run.buurt_jaar is not None:
        stmt = stmt.where(Buurt.jaar == run.buurt_jaar)
    found = {b.code: b for b in session.scalars(stmt)}
    n = len(codes)
    demand = np.full(n, np.nan)
    area = np.full(n, np.nan)
    cx = np.full(n, np.nan)
    cy = np.full(n, np.nan)
    nw = np.zeros(n)
    label_index = {label: i for i, label in enumerate(LABELS[:-1])}
    counts = np.zeros((n, len(LABELS) - 1))
    position = {c: i for i, c in enumerate(codes)}
    ids = {b.id: position[c] for c, b in found.items()}
    gemeenten = {}
    for i, code in enumerate(codes):
        b = found.get(code)
        if b is None:
            continue
        gemeenten[code] = b.gemeente_code
        demand[i] = _float(b.vraag_totaal_gj)
        nw[i] = _float(b.aantal_woningen) if b.aantal_woningen is not None else 0.0
        if b.centroid_x is not None and b.centroid_y is not None:
            cx[i], cy[i] = b.centroid_x, b.centroid_y
        if b.geometry is not None:
            a = float(shapely.area(shapely.from_wkb(b.geometry)))
            if math.isfinite(a) and a > 0:
                area[i] = a / M2_PER_HA
    if ids:
        for buurt_id, label, aantal in session.execute(
            select(BuurtLabel.buurt_id, BuurtLabel.label, BuurtLabel.aantal).where(BuurtLabel.buurt_id.in_(list(ids)))
        ):
            cls = _DB_LABEL_CLASS.get((label or "").strip().upper())
            if cls is not None:
                counts[ids[buurt_id], label_index[cls]] += _float(aantal) if aantal is not None else 0.0
    estimated: set[str] = set()
    has_xy = np.isfinite(cx) & np.isfinite(cy)
    missing = np.isnan(area) & has_xy
    if missing.any() and has_xy.sum() >= 2:
        pts = np.flatnonzero(has_xy)
        for i in np.flatnonzero(missing):
            others = pts[pts != i]
            d = np.hypot(cx[others] - cx[i], cy[others] - cy[i])
            d = d[d > 0]
            if d.size:
                area[i] = float(d.min()) ** 2 / M2_PER_HA
                estimated.add(codes[i])
    return {
        "warmtevraag_gj": demand,
        "oppervlakte_ha": area,
        "labels_w": labels_from_counts(counts, nw),
        "cx": cx,
        "cy": cy,
        "gemeenten": gemeenten,
        "estimated": estimated,
    }


def buurt_kenmerken(
    session: Session, codes: Sequence[str], gemeenten: Mapping[str, str] | None = None
) -> dict[str, dict[str, tuple[str, int, float, str]]]:
    """Per buurt code: kenmerk -> (area code it came from, peiljaar, value, source). The most specific area wins
    (buurt, wijk, gemeente); within an area the newest peiljaar."""
    from warmteregio.domain.codes import gemeente_of, wijk_of_buurt

    areas: dict[str, tuple[str, str, str]] = {}
    for code in codes:
        gm = (gemeenten or {}).get(code) or gemeente_of(code)
        areas[code] = (code, wijk_of_buurt(code), gm)
    wanted = sorted({a for t in areas.values() for a in t})
    per_area: dict[str, dict[str, tuple[int, float, str]]] = {}
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        for gebied, kenmerk, jaar, waarde, bron in session.execute(
            select(Gebiedskenmerk.gebied_code, Gebiedskenmerk.kenmerk, Gebiedskenmerk.peiljaar,
                   Gebiedskenmerk.waarde, Gebiedskenmerk.bron).where(Gebiedskenmerk.gebied_code.in_(part))
        ):  # fmt: skip
            current = per_area.setdefault(gebied, {}).get(kenmerk)
            if current is None or jaar > current[0]:
                per_area[gebied][kenmerk] = (int(jaar), float(waarde), bron)
    out: dict[str, dict[str, tuple[str, int, float, str]]] = {}
    for code, chain in areas.items():
        found: dict[str, tuple[str, int, float, str]] = {}
        for area in reversed(chain):  # gemeente first, overwritten by wijk, then buurt
            for kenmerk, (jaar, waarde, bron) in per_area.get(area, {}).items():
                found[kenmerk] = (area, jaar, waarde, bron)
        out[code] = found
    return out


def _source_matches(w: Warmtebron, variant: Any) -> bool:
    option = variant.gebiedsoptie
    if option == "restwarmte":
        return w.temperatuurklasse in ("HT", "MT") and w.categorie != GEOTHERMAL and w.categorie not in AQUATHERMAL
    if option in ("geo_contour", "geo_overal"):
        return w.categorie == GEOTHERMAL
    if option in ("lt30_30", "lt30_70"):
        return w.temperatuurklasse == "LT" and w.categorie not in AQUATHERMAL
    if option == "teo":
        return w.categorie in AQUATHERMAL
    if option == "bron":
        name = (variant.bron_naam or "").strip().lower()
        return bool(name) and name in (w.code.lower(), w.naam.strip().lower())
    return False


def heat_sources_for(
    session: Session, codes: Sequence[str], cx: np.ndarray, cy: np.ndarray, varianten: Sequence[Any]
) -> dict[tuple[str, str], BronMatch]:
    """The heat sources of each heat-network variant in each buurt.

    A source feeds variant v in buurt b when it is of the kind of v's area option (:data:`AREA_OPTION_SOURCES`),
    is not out of use, and lies within :data:`SOURCE_DISTANCE_M` (by its temperature class) of b's centroid or
    lists b among its ``buurten_in_bereik``. Sources of the high-potential scenario are used when any match;
    otherwise those of the low scenario. The available heat is the sum of the matched sources' known available
    heat (placeholders for "unlimited/unknown" count as unknown): every buurt in range sees the whole source,
    there is no allocation between buurten (that is the regional source allocation of a later issue).
    """
    heatnets = [v for v in varianten if v.is_heatnet and v.gebiedsoptie in AREA_OPTION_SOURCES]
    if not heatnets or not len(codes):
        return {}
    sources = [w for w in session.scalars(select(Warmtebron).order_by(Warmtebron.code))
               if w.status not in EXCLUDED_STATUS]  # fmt: skip
    if not sources:
        return {}
    sx = np.array([w.x for w in sources], dtype=float)
    sy = np.array([w.y for w in sources], dtype=float)
    reach = np.array([SOURCE_DISTANCE_M.get(w.temperatuurklasse, 0.0) for w in sources])
    dist = np.hypot(np.asarray(cx)[:, None] - sx[None, :], np.asarray(cy)[:, None] - sy[None, :])  # (B, S)
    near = np.where(np.isfinite(dist), dist <= reach[None, :], False)
    index = {c: i for i, c in enumerate(codes)}
    for j, w in enumerate(sources):
        for code in (w.buurten_in_bereik or "").split(","):
            i = index.get(code.strip())
            if i is not None:
                near[i, j] = True
    out: dict[tuple[str, str], BronMatch] = {}
    for v in heatnets:
        kinds = np.array([_source_matches(w, v) for w in sources])
        if not kinds.any():
            continue
        for i in np.flatnonzero((near & kinds[None, :]).any(axis=1)):
            js = [j for j in np.flatnonzero(near[i] & kinds)]
            high = [j for j in js if sources[j].potentie != "laag"]
            js = high or js
            known = [sources[j].beschikbaar_gj_per_jaar for j in js if sources[j].beschikbaar_gj_per_jaar is not None]
            temps = [SOURCE_TEMPERATURE_C[sources[j].temperatuurklasse] for j in js
                     if sources[j].temperatuurklasse in SOURCE_TEMPERATURE_C]  # fmt: skip
            out[(codes[i], v.code)] = BronMatch(
                codes[i], v.code, tuple(sources[j].code for j in js), float(sum(known)) if known else None,
                max(temps) if temps else None,
            )  # fmt: skip
    return out


def current_entries(session: Session, codes: Sequence[str] | None = None) -> list[Criteriuminvoer]:
    """Current entries (not superseded, not withdrawn), optionally for the given buurten."""
    stmt = select(Criteriuminvoer).where(
        Criteriuminvoer.ingetrokken.is_(False), Criteriuminvoer.vervangen_door_id.is_(None)
    )
    if codes is not None:
        rows: list[Criteriuminvoer] = []
        codes = list(codes)
        for start in range(0, len(codes), 1000):
            rows += session.scalars(stmt.where(Criteriuminvoer.buurt_code.in_(codes[start : start + 1000]))).all()
        return rows
    return list(session.scalars(stmt).all())


def _build(session: Session, run: Beoordelingsrun) -> tuple[CriteriaMatrix, MatrixInfo]:
    from warmteregio.engine.criteria import compute_criteria

    catalogue = _catalogue_for_run(run)
    codes, results, referentie, varianten = _results(session, run, list(catalogue))
    if not codes or not varianten:
        raise AfwegingError(f"beoordeling {run.id} heeft geen resultaten", f"assessment {run.id} has no results", 409)
    data = _buurt_data(session, run, codes)
    kenmerken = buurt_kenmerken(session, codes, data["gemeenten"])
    b, n_v = len(codes), len(varianten)

    def kenmerk(name: str) -> np.ndarray:
        return np.array([kenmerken[c][name][2] if name in kenmerken[c] else np.nan for c in codes], dtype=float)

    bronnen = heat_sources_for(session, codes, data["cx"], data["cy"], varianten)
    beschikbaar = np.full((b, n_v), np.nan)
    temperatuur = np.full((b, n_v), np.nan)
    vpos = {v.code: j for j, v in enumerate(varianten)}
    bpos = {c: i for i, c in enumerate(codes)}
    for (code, vcode), m in bronnen.items():
        i, j = bpos[code], vpos[vcode]
        if m.beschikbaar_gj is not None:
            beschikbaar[i, j] = m.beschikbaar_gj
        if m.temperatuur_c is not None:
            temperatuur[i, j] = m.temperatuur_c
    entries = current_entries(session, codes)
    invoer = {(e.buurt_code, e.variant_code, e.criterium): float(e.waarde) for e in entries}
    ctx = CriteriaContext(
        buurten=np.array(codes, dtype=str),
        varianten=varianten,
        results=results,
        referentie=referentie,
        warmtevraag_gj=data["warmtevraag_gj"],
        oppervlakte_ha=data["oppervlakte_ha"],
        aandeel_sociale_huur=kenmerk("aandeel_sociale_huur"),
        gem_huishoudinkomen_eur=kenmerk("gem_huishoudinkomen_eur"),
        netcongestie=kenmerk("netcongestie"),
        labels_w=data["labels_w"],
        bron_beschikbaar_gj=beschikbaar,
        bron_temperatuur_c=temperatuur,
        bron_betrouwbaarheid=None,
        oordelen=_oordelen(),
        invoer=invoer,
    )
    cm = compute_criteria(ctx, _criteria())
    info = MatrixInfo(
        run_id=run.id,
        catalogus=getattr(catalogue, "name", None),
        varianten=varianten,
        kenmerken=kenmerken,
        bronnen=bronnen,
        invoer={
            (e.buurt_code, e.variant_code, e.criterium): InvoerInfo(
                e.id, e.buurt_code, e.variant_code, e.criterium, float(e.waarde), e.toelichting, e.door_id, e.gemaakt
            )
            for e in entries
        },
        oppervlakte_geschat=frozenset(data["estimated"]),
    )
    return cm, info


# ---------------------------------------------------------------------------------------------------- cache


class _MatrixCache:
    """A small thread-safe LRU of built matrices, keyed by run and the state of everything that feeds them."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[CriteriaMatrix, MatrixInfo]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}
        self.generation = 0

    def get(self, key: tuple) -> tuple[CriteriaMatrix, MatrixInfo] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, item: tuple[CriteriaMatrix, MatrixInfo]) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def build_lock(self, key: tuple) -> threading.Lock:
        with self._lock:
            return self._building.setdefault(key, threading.Lock())

    def release(self, key: tuple) -> None:
        with self._lock:
            self._building.pop(key, None)

    def invalidate(self, run_id: int | None = None) -> None:
        with self._lock:
            self.generation += 1
            for key in [k for k in self._items if run_id is None or k[1] == run_id]:
                del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


_CACHE = _MatrixCache()


def clear_cache() -> None:
    """Forget every cached matrix (tests, or after a bulk change made outside these functions)."""
    _CACHE.invalidate()


def state_token(session: Session) -> tuple:
    """What the entries, area characteristics and heat sources look like now: one cheap query."""
    row = session.execute(
        select(
            select(func.count(Criteriuminvoer.id)).scalar_subquery(),
            select(func.max(Criteriuminvoer.id)).scalar_subquery(),
            select(func.count(Criteriuminvoer.id)).where(Criteriuminvoer.ingetrokken.is_(True)).scalar_subquery(),
            select(func.max(ImportRun.id)).scalar_subquery(),
            select(func.count(Gebiedskenmerk.id)).scalar_subquery(),
            select(func.count(Warmtebron.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def _matrix(session: Session, run_id: int) -> tuple[CriteriaMatrix, MatrixInfo]:
    run = _run(session, run_id)
    bind = session.get_bind()
    key = (str(bind.url), run.id, str(run.gestart), run.aantal_rijen, state_token(session))
    item = _CACHE.get(key)
    if item is not None:
        return item
    lock = _CACHE.build_lock(key)
    with lock:
        item = _CACHE.get(key)
        if item is None:
            item = _build(session, run)
            _CACHE.put(key, item)
    _CACHE.release(key)
    return item


def _restrict(
    cm: CriteriaMatrix,
    buurten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
) -> CriteriaMatrix:
    """The matrix restricted to (and ordered as) the given buurten, criteria and variants."""
    if buurten is None and criteria is None and varianten is None:
        return cm
    herkomst = cm.herkomst
    dm = cm.dm
    if buurten is not None:
        pos = {str(c): i for i, c in enumerate(dm.buurten)}
        unknown = [b for b in buurten if b not in pos]
        if unknown:
            raise AfwegingError(f"buurt(en) niet in deze beoordeling: {', '.join(unknown)}",
                                f"neighbourhood(s) not in this assessment: {', '.join(unknown)}", 404)  # fmt: skip
        idx = np.array([pos[b] for b in buurten], dtype=int)
        dm = dm.subset(idx)
        herkomst = herkomst[idx]
    vi = list(range(len(dm.varianten)))
    ci = list(range(len(dm.criteria)))
    if varianten is not None:
        pos_v = {c: i for i, c in enumerate(dm.varianten)}
        unknown = [v for v in varianten if v not in pos_v]
        if unknown:
            raise AfwegingError(f"onbekende variant(en): {', '.join(unknown)}",
                                f"unknown variant(s): {', '.join(unknown)}")  # fmt: skip
        vi = [pos_v[v] for v in varianten]
    if criteria is not None:
        pos_c = {c: i for i, c in enumerate(dm.criteria)}
        unknown = [c for c in criteria if c not in pos_c]
        if unknown:
            raise AfwegingError(f"onbekend(e) criterium/criteria: {', '.join(unknown)}",
                                f"unknown criterion/criteria: {', '.join(unknown)}")  # fmt: skip
        ci = [pos_c[c] for c in criteria]
    if varianten is not None or criteria is not None:
        dm = dm.select([dm.varianten[i] for i in vi], [dm.criteria[i] for i in ci])
        herkomst = herkomst[:, vi][:, :, ci]
    crits = tuple(cm.criteria[i] for i in ci)
    return CriteriaMatrix(dm, herkomst, crits)


def criteria_matrix(session: Session, run_id: int, buurten: Sequence[str] | None = None) -> CriteriaMatrix:
    """The criteria matrix of a finished run (all its buurten or the given ones, in code order)."""
    cm, _info = _matrix(session, run_id)
    if buurten is not None:
        buurten = sorted(set(buurten))
    return _restrict(cm, buurten)


def matrix_info(session: Session, run_id: int) -> MatrixInfo:
    """What went into the run's matrix besides the engine results (area characteristics, sources, entries)."""
    return _matrix(session, run_id)[1]


def variant_names(session: Session, run_id: int) -> dict[str, tuple[str, str]]:
    """Variant code -> (Dutch, English) readable name for the run's catalogue."""
    info = matrix_info(session, run_id)
    return {
        v.code: (f"{v.code} ({v.beschrijving_nl})" if v.beschrijving_nl else v.code,
                 f"{v.code} ({v.beschrijving_en})" if v.beschrijving_en else v.code)
        for v in info.varianten
    }  # fmt: skip


# ------------------------------------------------------------------------------------------------ weighing


def _methode(methode: str) -> str:
    from warmteregio.engine.mcda import METHODS

    if methode not in METHODS:
        raise AfwegingError(f"onbekende methode {methode!r}, kies uit {', '.join(METHODS)}",
                            f"unknown method {methode!r}, choose from {', '.join(METHODS)}")  # fmt: skip
    return methode


def _weights(cm: CriteriaMatrix, gewichten: Mapping[str, float] | None) -> np.ndarray:
    codes = list(cm.dm.criteria)
    if gewichten is None:
        defaults = {c.code: c.standaard_gewicht for c in cm.criteria}
        raw = np.array([defaults[c] for c in codes], dtype=float)
    else:
        unknown = [k for k in gewichten if k not in codes]
        if unknown:
            raise AfwegingError(f"gewicht voor onbekend criterium: {', '.join(unknown)}",
                                f"weight for an unknown criterion: {', '.join(unknown)}")  # fmt: skip
        raw = np.array([_float(gewichten.get(c, 0.0)) for c in codes], dtype=float)
        bad = [c for c, w in zip(codes, raw, strict=True) if not math.isfinite(w) or w < 0]
        if bad:
            raise AfwegingError(f"gewichten moeten getallen >= 0 zijn (fout bij {', '.join(bad)})",
                                f"weights must be numbers >= 0 (wrong for {', '.join(bad)})")  # fmt: skip
    total = raw.sum()
    if not total > 0:
        raise AfwegingError("minstens één gewicht moet groter dan 0 zijn", "at least one weight must be above 0")
    return raw / total


def _constraints(cm: CriteriaMatrix, beperkingen: Sequence[Constraint]) -> tuple[Constraint, ...]:
    from warmteregio.engine.mcda import OPERATORS

    out = []
    for c in beperkingen:
        if c.criterium not in cm.dm.criteria:
            raise AfwegingError(f"beperking op onbekend criterium {c.criterium!r}",
                                f"constraint on an unknown criterion {c.criterium!r}")  # fmt: skip
        if c.operator not in OPERATORS:
            raise AfwegingError(f"onbekende operator {c.operator!r}, kies uit {' '.join(OPERATORS)}",
                                f"unknown operator {c.operator!r}, choose from {' '.join(OPERATORS)}")  # fmt: skip
        if not math.isfinite(_float(c.drempel)):
            raise AfwegingError(f"drempel van {c.criterium} is geen getal",
                                f"threshold of {c.criterium} is not a number")  # fmt: skip
        out.append(Constraint(c.criterium, c.operator, float(c.drempel)))
    return tuple(out)


_CONSTRAINT_RE = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*(-?[0-9]+(?:[.,][0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$"
)


def parse_constraint(text: str) -> Constraint:
    """``"bron_capaciteit>=1"`` -> Constraint; AfwegingError on another form."""
    m = _CONSTRAINT_RE.match(text or "")
    if not m:
        raise AfwegingError(f"beperking {text!r} niet begrepen (vorm: criterium>=getal, ook <=, >, <)",
                            f"constraint {text!r} not understood (form: criterion>=number, also <=, >, <)")  # fmt: skip
    return Constraint(m.group(1), m.group(2), float(m.group(3).replace(",", ".")))


def _parse_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        return math.nan
    return x if math.isfinite(x) else math.nan


def parse_weights(text: str | Sequence[str] | None) -> dict[str, float] | None:
    """``"code:0.3,code2:0.2"`` (or ``code=0.3`` items) -> mapping; None for empty input."""
    if text is None:
        return None
    items = [text] if isinstance(text, str) else list(text)
    parts = [p.strip() for item in items for p in item.split(",") if p.strip()]
    if not parts:
        return None
    out: dict[str, float] = {}
    for part in parts:
        m = re.match(r"^([A-Za-z][A-Za-z0-9_]*)\s*[:=]\s*(\S+)$", part)
        value = _parse_float(m.group(2).replace(",", ".")) if m else math.nan
        if m is None or not math.isfinite(value):
            raise AfwegingError(f"gewicht {part!r} niet begrepen (vorm: criterium:getal)",
                                f"weight {part!r} not understood (form: criterion:number)")  # fmt: skip
        if m.group(1) in out:
            raise AfwegingError(f"gewicht voor {m.group(1)} staat dubbel", f"weight for {m.group(1)} given twice")
        out[m.group(1)] = value
    return out


def weigh(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    methode: str = "gewogen_som",
    beperkingen: Sequence[Constraint] = (),
    buurten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
) -> Weging:
    """Rank the variants per buurt with the given weights (default weights when None); ``criteria`` and
    ``varianten`` restrict the matrix (a workshop case does that). A weights mapping may omit criteria (weight
    0) but may not name unknown ones."""
    from warmteregio.engine.mcda import WeighingError, rank

    methode = _methode(methode)
    cm_all, _info = _matrix(session, run_id)
    cm = _restrict(cm_all, sorted(set(buurten)) if buurten is not None else None, criteria, varianten)
    w = _weights(cm, gewichten)
    cons = _constraints(cm, beperkingen)
    try:
        ranking = rank(cm.dm, w, methode, cons)
    except WeighingError as exc:
        raise AfwegingError(exc.nl, exc.en) from None
    return Weging(run_id, cm, ranking, dict(zip(cm.dm.criteria, map(float, w), strict=True)), methode, cons)


def _ranges(
    cm: CriteriaMatrix, bereiken: WeightRanges | Mapping[str, tuple[float, float]] | None
) -> WeightRanges | None:
    if bereiken is None or isinstance(bereiken, WeightRanges):
        return bereiken
    codes = list(cm.dm.criteria)
    unknown = [k for k in bereiken if k not in codes]
    if unknown:
        raise AfwegingError(f"bereik voor onbekend criterium: {', '.join(unknown)}",
                            f"range for an unknown criterion: {', '.join(unknown)}")  # fmt: skip
    lower = np.array([_float(bereiken.get(c, (0.0, 1.0))[0]) for c in codes])
    upper = np.array([_float(bereiken.get(c, (0.0, 1.0))[1]) for c in codes])
    if not (np.isfinite(lower).all() and np.isfinite(upper).all()) or (lower < 0).any() or (upper > 1).any() or (
        lower > upper
    ).any() or lower.sum() > 1 or upper.sum() < 1:
        raise AfwegingError(
            "ongeldige gewichtsbereiken: 0 <= onder <= boven <= 1, som van de ondergrenzen <= 1 <= som van de "
            "bovengrenzen",
            "invalid weight ranges: 0 <= lower <= upper <= 1, sum of lower bounds <= 1 <= sum of upper bounds",
        )
    return WeightRanges(lower, upper)


def robustness(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    bereiken: WeightRanges | Mapping[str, tuple[float, float]] | None = None,
    onzekerheid: InputUncertainty | bool = True,
    n_samples: int = 10_000,
    seed: int = 0,
    methode: str = "gewogen_som",
    buurten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
    beperkingen: Sequence[Constraint] = (),
) -> Robuustheid:
    """SMAA-2 for a run; ``onzekerheid=True`` uses each criterion's default uncertainty from the catalogue, for
    the computed economic criteria times the factor of the variant's kind (heat networks, green gas, hydrogen:
    :func:`warmteregio.engine.criteria.default_uncertainty`).

    Weights are sampled uniformly on the simplex, or within ``bereiken`` (per criterion (lower, upper) of the
    normalised weight); ``gewichten`` (default weights when None) are the point of reference for the weight
    flip (computed for the weighted sum only). ``beperkingen`` (must-haves) exclude variants before sampling."""
    from warmteregio.engine.mcda import WeighingError
    from warmteregio.engine.robustness import smaa2, weight_flip

    methode = _methode(methode)
    if not 1 <= int(n_samples) <= MAX_SAMPLES:
        raise AfwegingError(f"aantal trekkingen moet tussen 1 en {MAX_SAMPLES} liggen",
                            f"number of samples must be between 1 and {MAX_SAMPLES}")  # fmt: skip
    from warmteregio.engine.criteria import default_uncertainty
    from warmteregio.engine.mcda import apply_constraints, with_available

    cm_all, info = _matrix(session, run_id)
    cm = _restrict(cm_all, sorted(set(buurten)) if buurten is not None else None, criteria, varianten)
    if beperkingen:
        try:
            cm = replace(cm, dm=with_available(cm.dm, apply_constraints(cm.dm, beperkingen)))
        except WeighingError as exc:
            raise AfwegingError(exc.nl, exc.en) from None
    w = _weights(cm, gewichten)
    ranges = _ranges(cm, bereiken)
    if onzekerheid is True:
        by_code = {v.code: v for v in info.varianten}
        rel = default_uncertainty(cm.criteria, [by_code[code] for code in cm.dm.varianten])
        uncertainty: InputUncertainty | None = InputUncertainty(rel)
    elif onzekerheid is False or onzekerheid is None:
        uncertainty = None
    else:
        uncertainty = onzekerheid
    try:
        smaa = smaa2(cm.dm, int(n_samples), ranges=ranges, uncertainty=uncertainty, method=methode, seed=int(seed))
        flip = weight_flip(cm.dm, w) if methode == "gewogen_som" else None
    except WeighingError as exc:
        raise AfwegingError(exc.nl, exc.en) from None
    return Robuustheid(run_id, cm, smaa, flip, dict(zip(cm.dm.criteria, map(float, w), strict=True)))


def explain_buurten(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    buurten: Sequence[str] | None = None,
    n_samples: int = 2_000,
    methode: str = "gewogen_som",
) -> list[Uitleg]:
    """Explanations (with SMAA robustness) for the given buurten of a run."""
    return explain_with_robustness(session, run_id, gewichten, buurten, n_samples, methode)[0]


def explain_with_robustness(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    buurten: Sequence[str] | None = None,
    n_samples: int = 2_000,
    methode: str = "gewogen_som",
    beperkingen: Sequence[Constraint] = (),
) -> tuple[list[Uitleg], Robuustheid]:
    """Explanations and the SMAA result they are based on (one SMAA run serves both, e.g. on the buurt page)."""
    from warmteregio.engine.explain import explain

    weging = weigh(session, run_id, gewichten, methode=methode, beperkingen=beperkingen, buurten=buurten)
    robuust = robustness(session, run_id, gewichten, n_samples=n_samples, methode=methode, buurten=buurten,
                         beperkingen=beperkingen)  # fmt: skip
    uitleg = explain(weging.cm, weging.ranking, robuust.smaa, robuust.flip, variant_names(session, run_id))
    return uitleg, robuust


# ---------------------------------------------------------------------------------------------- user entries


def _check_permission(session: Session, user: User, buurt_code: str) -> None:
    from warmteregio.accounts.service import Principal, can_edit_gemeente
    from warmteregio.domain.enums import Role

    if user is None or not user.actief:
        raise AfwegingError("niet ingelogd", "not logged in", 401)
    principal = Principal.of(user)
    gemeente = session.scalar(select(Buurt.gemeente_code).where(Buurt.code == buurt_code).limit(1))
    if principal.rol is Role.VIEWER or gemeente is None or not can_edit_gemeente(session, principal, gemeente):
        raise AfwegingError(
            f"u mag geen criteriumwaarden invoeren voor buurt {buurt_code}",
            f"you may not enter criterion values for neighbourhood {buurt_code}", 403,
        )  # fmt: skip


def enter_value(
    session: Session,
    user: User,
    buurt_code: str,
    variant_code: str,
    criterium: str,
    waarde: float,
    toelichting: str,
) -> Criteriuminvoer:
    """Record a user-entered criterion value (supersedes the previous entry for the same cell)."""
    from warmteregio.domain.codes import CodeError, normalise_buurtcode

    try:
        buurt_code = normalise_buurtcode(buurt_code)
    except CodeError as exc:
        raise AfwegingError(exc.nl, exc.en) from None
    if session.scalar(select(Buurt.id).where(Buurt.code == buurt_code).limit(1)) is None:
        raise AfwegingError(f"buurt {buurt_code} niet gevonden", f"neighbourhood {buurt_code} not found", 404)
    _check_permission(session, user, buurt_code)
    crit = next((c for c in _criteria() if c.code == criterium), None)
    if crit is None:
        raise AfwegingError(f"onbekend criterium {criterium!r}", f"unknown criterion {criterium!r}")
    variant_code = (variant_code or "").strip()
    if variant_code != "*" and variant_code not in known_variant_codes():
        raise AfwegingError(
            f"onbekende variant {variant_code!r} (een catalogusvariant zoals S1a, of * voor alle)",
            f"unknown variant {variant_code!r} (a catalogue variant such as S1a, or * for all)",
        )
    value = _float(waarde)
    if not math.isfinite(value):
        raise AfwegingError("waarde moet een getal zijn", "value must be a number")
    lo, hi = UNIT_RANGES.get(crit.eenheid, (-math.inf, math.inf))
    if not lo <= value <= hi:
        raise AfwegingError(f"waarde {value:g} ligt buiten {lo:g}..{hi:g} ({crit.eenheid}) van {criterium}",
                            f"value {value:g} is outside {lo:g}..{hi:g} ({crit.eenheid}) of {criterium}")  # fmt: skip
    toelichting = (toelichting or "").strip()
    if not toelichting:
        raise AfwegingError("toelichting is verplicht (waarom, welke bron)",
                            "an explanation is required (why, which source)")  # fmt: skip
    previous = session.scalars(
        select(Criteriuminvoer).where(
            Criteriuminvoer.buurt_code == buurt_code, Criteriuminvoer.variant_code == variant_code,
            Criteriuminvoer.criterium == criterium, Criteriuminvoer.ingetrokken.is_(False),
            Criteriuminvoer.vervangen_door_id.is_(None),
        )
    ).all()  # fmt: skip
    entry = Criteriuminvoer(
        buurt_code=buurt_code, variant_code=variant_code, criterium=criterium, waarde=value, toelichting=toelichting,
        door_id=user.id, gemaakt=datetime.now(UTC),
    )  # fmt: skip
    session.add(entry)
    session.flush()
    for old in previous:
        old.vervangen_door_id = entry.id
    session.flush()
    _CACHE.invalidate()
    return entry


def withdraw_value(session: Session, user: User, invoer_id: int) -> None:
    """Withdraw an entry (kept in the history)."""
    entry = session.get(Criteriuminvoer, invoer_id)
    if entry is None:
        raise AfwegingError(f"invoer {invoer_id} niet gevonden", f"entry {invoer_id} not found", 404)
    _check_permission(session, user, entry.buurt_code)
    if entry.ingetrokken or entry.vervangen_door_id is not None:
        raise AfwegingError(f"invoer {invoer_id} is al ingetrokken of vervangen",
                            f"entry {invoer_id} has already been withdrawn or superseded", 409)  # fmt: skip
    entry.ingetrokken = True
    session.flush()
    _CACHE.invalidate()


def list_entries(session: Session, buurt_code: str | None = None, with_history: bool = False) -> list[Criteriuminvoer]:
    """Current (or all) entries, newest first."""
    stmt = select(Criteriuminvoer)
    if buurt_code is not None:
        stmt = stmt.where(Criteriuminvoer.buurt_code == buurt_code)
    if not with_history:
        stmt = stmt.where(Criteriuminvoer.ingetrokken.is_(False), Criteriuminvoer.vervangen_door_id.is_(None))
    return list(session.scalars(stmt.order_by(Criteriuminvoer.gemaakt.desc(), Criteriuminvoer.id.desc())).all())


def user_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.naam).where(User.id.in_(wanted))).all())


# --------------------------------------------------------------------------------------------------- export


EXPORT_COLUMNS = ("buurt_code", "variant", "beschikbaar", "criterium", "waarde", "eenheid", "richting", "herkomst",
                  "toelichting", "run_id")  # fmt: skip


def _cell_note(info: MatrixInfo, cm: CriteriaMatrix, code: str, variant: str, crit: Criterion, herkomst: str,
               names: Mapping[int, str]) -> str:  # fmt: skip
    if herkomst == "invoer":
        e = info.invoer.get((code, variant, crit.code)) or info.invoer.get((code, "*", crit.code))
        if e is None:
            return "invoer"
        who = names.get(e.door_id or -1, "onbekend")
        when = f" op {e.gemaakt:%Y-%m-%d}" if e.gemaakt else ""
        return f"invoer #{e.id} door {who}{when}: {e.toelichting}"
    if herkomst == "onbekend":
        return "geen gegevens: neutrale waarde"
    parts = [crit.bron]
    if crit.code in ("bron_capaciteit", "bron_betrouwbaarheid"):
        m = info.bronnen.get((code, variant))
        if m is not None:
            parts.append(f"bronnen: {', '.join(m.bronnen)}")
    for name in ("aandeel_sociale_huur", "gem_huishoudinkomen_eur", "netcongestie"):
        if name in crit.bron or crit.code == name:
            k = info.kenmerken.get(code, {}).get(name)
            if k is not None:
                parts.append(f"{name} {k[2]:g} van {k[0]} ({k[1]}, {k[3]})")
    if crit.code == "warmtedichtheid" and code in info.oppervlakte_geschat:
        parts.append(AREA_FROM_CENTROIDS)
    return "; ".join(p for p in parts if p)


def criteria_rows(session: Session, run_id: int, buurten: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The matrix as long rows (buurt x variant x criterion) with value, unit, direction and provenance."""
    cm_all, info = _matrix(session, run_id)
    cm = _restrict(cm_all, sorted(set(buurten)) if buurten is not None else None)
    names = user_names(session, [e.door_id for e in info.invoer.values()])
    dm = cm.dm
    rows = []
    for b, code in enumerate(dm.buurten):
        code = str(code)
        for v, variant in enumerate(dm.varianten):
            available = bool(dm.available[b, v])
            for c, crit in enumerate(cm.criteria):
                value = float(dm.values[b, v, c])
                herkomst = str(cm.herkomst[b, v, c])
                rows.append({
                    "buurt_code": code, "variant": variant, "beschikbaar": available, "criterium": crit.code,
                    "waarde": value if math.isfinite(value) else None, "eenheid": crit.eenheid,
                    "richting": crit.richting, "herkomst": herkomst,
                    "toelichting": _cell_note(info, cm, code, variant, crit, herkomst, names), "run_id": run_id,
                })  # fmt: skip
    return rows


def criteria_csv(session: Session, run_id: int, buurten: Sequence[str] | None = None) -> str:
    """The criteria matrix as CSV (RFC 4180, comma, decimal point, UTF-8; empty = no value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in criteria_rows(session, run_id, buurten):
        writer.writerow(["" if row[k] is None else repr(row[k]) if isinstance(row[k], float) else row[k]
                         for k in EXPORT_COLUMNS])  # fmt: skip
    return out.getvalue()


def resolve_run(session: Session, run_id: int | None = None, regio: str | None = None) -> int:
    """A run id: the given one, or the latest finished run of ``regio``."""
    if run_id is not None:
        _run(session, run_id)
        return run_id
    if regio:
        rid = session.scalar(
            select(Beoordelingsrun.id)
            .where(Beoordelingsrun.regio_code == regio.strip().upper(), Beoordelingsrun.status == STATUS_KLAAR)
            .order_by(Beoordelingsrun.gestart.desc(), Beoordelingsrun.id.desc())
            .limit(1)
        )
        if rid is None:
            raise AfwegingError(f"regio {regio} heeft geen afgeronde beoordeling",
                                f"region {regio} has no finished assessment", 404)  # fmt: skip
        return int(rid)
    raise AfwegingError("geef een beoordeling of een regio op", "give an assessment or a region")
