"""Criteria of the afwegingskader per buurt x variant: technical, economic and social (pure NumPy).

The criteria themselves are data (``warmteregio/catalogue/criteria.csv``: code, names, group, unit, direction,
how it is obtained, default weight, relative uncertainty, source and a Dutch and English explanation); expert
judgements per variant type are data too (``criteria_oordelen.csv``). This module turns engine results, buurt
characteristics, heat-source facts and user entries into a :class:`~warmteregio.engine.mcda.DecisionMatrix`, and
records per cell where the number came from (:data:`HERKOMST`).

How each criterion is obtained is documented per criterion in docs/method/criteria.md; in short:

* ``berekend``: from the engine results (H18, end-user monthly costs, capital charges, CO2 avoided, extra peak
  load) or from buurt data (heat density, temperature fit after insulation, source capacity and reliability,
  affordability against income, share of social housing);
* ``oordeel``: an expert score per variant type from ``criteria_oordelen.csv`` (space needed, realisation
  complexity, nuisance, street disruption, ownership, sustainability concerns), each with its source;
* ``invoer``: entered by a user for a buurt x variant (overrides the two above, recorded with who and why);
* ``onbekend``: no data and no entry; the cell gets the neutral value (the mean of the buurt's other
  variants for that criterion, or 0.5 on a 0-1 scale) so it does not decide the ranking, and the explanation
  says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from warmteregio.engine.inputs import LABELS
from warmteregio.engine.mcda import DecisionMatrix
from warmteregio.engine.strategies import Variant

GROEPEN: tuple[str, ...] = ("technisch", "economisch", "sociaal")
BEREKENINGEN: tuple[str, ...] = ("berekend", "oordeel", "invoer")
HERKOMST: tuple[str, ...] = ("berekend", "oordeel", "invoer", "onbekend")


@dataclass(frozen=True)
class Criterion:
    """One row of ``criteria.csv``. ``richting`` +1: higher is better, -1: lower is better. ``onzekerheid``:
    default relative standard deviation for SMAA (0 = certain). ``standaard_gewicht``: default weight (any
    scale, normalised on use)."""

    code: str
    naam_nl: str
    naam_en: str
    groep: str
    eenheid: str
    richting: int
    berekening: str
    standaard_gewicht: float
    onzekerheid: float
    bron: str
    uitleg_nl: str
    uitleg_en: str


@dataclass
class CriteriaContext:
    """Everything the criteria need, as arrays over B buurten and V variants (no I/O).

    * ``buurten`` (B,) BU codes; ``varianten``: the catalogue variants to weigh (no reference), length V.
    * ``results`` name -> (B, V) float: engine output columns per buurt x variant (NaN where the variant is
      invalid), at least ``H18_Nat_meerkost_WEQ``, ``K10_Kapitaallasten``, ``CO2_vermeden_t``, ``WEQ``,
      ``H21_CapaciteitsvraagE`` and the ``EG_*`` end-user columns when computed.
    * ``referentie`` name -> (B,) float: the reference row's columns (e.g. ``H21_CapaciteitsvraagE``).
    * buurt data (B,) float, NaN when unknown: ``warmtevraag_gj`` (total heat demand), ``oppervlakte_ha``,
      ``aandeel_sociale_huur`` (0-1), ``gem_huishoudinkomen_eur`` (per year), ``netcongestie`` (1 congested,
      0 not, NaN unknown), ``labels_w`` (B, 8) dwelling label counts (``engine.inputs.LABELS`` order).
    * heat sources per buurt x variant (B, V), NaN when no source applies: ``bron_beschikbaar_gj`` (heat the
      source can deliver to this buurt per year), ``bron_temperatuur_c``, ``bron_betrouwbaarheid`` (0-1).
    * ``oordelen``: (variant key, criterion) -> score, variant key = variant code, ``gebiedsoptie`` or
      ``familie`` (most specific wins).
    * ``invoer``: (BU code, variant code or ``*``, criterion) -> value entered by a user.
    """

    buurten: np.ndarray
    varianten: Sequence[Variant]
    results: Mapping[str, np.ndarray]
    referentie: Mapping[str, np.ndarray] = field(default_factory=dict)
    warmtevraag_gj: np.ndarray | None = None
    oppervlakte_ha: np.ndarray | None = None
    aandeel_sociale_huur: np.ndarray | None = None
    gem_huishoudinkomen_eur: np.ndarray | None = None
    netcongestie: np.ndarray | None = None
    labels_w: np.ndarray | None = None
    bron_beschikbaar_gj: np.ndarray | None = None
    bron_temperatuur_c: np.ndarray | None = None
    bron_betrouwbaarheid: np.ndarray | None = None
    oordelen: Mapping[tuple[str, str], float] = field(default_factory=dict)
    invoer: Mapping[tuple[str, str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class CriteriaMatrix:
    """The decision matrix plus, per cell, where the value came from (``herkomst`` (B, V, C) str, one of
    :data:`HERKOMST`) and the criteria definitions in matrix order."""

    dm: DecisionMatrix
    herkomst: np.ndarray
    criteria: tuple[Criterion, ...]

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


# --- documented rules and assumptions (docs/method/criteria.md) -----------------------------------------------
WARMTEDICHTHEID_GJ_HA: tuple[float, float] = (150.0, 500.0)
"""Heat density (GJ/ha/yr) at which a collective network scores 0 and 1 (linear in between); an assumption of
warmteregio (order of magnitude of common rules of thumb), not a standard."""

INDIVIDUAL_HEAT_PUMPS: tuple[str, ...] = ("eWP_lw", "eWP_bw")
"""Individual all-electric heat pumps: low supply temperature, need label B or better."""

MT_SUPPLY_C = 70.0
"""Supply temperature of a medium-temperature network when the source temperature is not known."""

LT_SUPPLY_C: dict[str, float] = {"lt30_30": 30.0, "wko": 50.0, "lt30_70": 70.0, "buurtwko": 70.0, "teo": 70.0}
"""Temperature delivered to the building per low-temperature area option (``engine.assess.HEATNET_TEMPS``:
network supply); an LT network with an unknown option or a named source without temperature: 50 C."""

LT_DEFAULT_SUPPLY_C = 50.0

NOT_APPLICABLE: dict[str, float] = {
    "bron_capaciteit": 1.0, "bron_betrouwbaarheid": 1.0, "warmtedichtheid": 1.0, "aandeel_sociale_huur": 1.0,
}  # fmt: skip
"""Value of a collective-only criterion for a variant without a collective network (no constraint)."""

EG_COLUMNS: dict[str, str] = {
    "maandlasten_eigenaar": "EG_eigenaar_bewoner_verschil_eur_per_maand",
    "maandlasten_sociale_huur": "EG_sociale_huurder_verschil_eur_per_maand",
    "maandlasten_particuliere_huur": "EG_particuliere_huurder_verschil_eur_per_maand",
}

FAMILY_COST_UNCERTAINTY: dict[str, float] = {"individueel": 1.0, "groengas": 1.25, "warmtenet": 1.5, "waterstof": 2.0}
"""Factor on the relative SD of the computed economic criteria per kind of variant (assumption warmteregio):
heat-network costs (construction, participation, heat purchase) are less certain than individual ones, green gas
and hydrogen prices even more so."""

_SCORE_SCALE = re.compile(r"score\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)")


def scale_midpoint(criterion: Criterion) -> float:
    """Neutral value when no variant of a buurt has a known value: the middle of a bounded scale (``0-1`` ->
    0.5, ``score 1-5`` -> 3), otherwise 0 (the criterion then does not discriminate anyway)."""
    unit = criterion.eenheid.strip().lower()
    if unit == "0-1":
        return 0.5
    m = _SCORE_SCALE.fullmatch(unit)
    if m:
        return (float(m.group(1)) + float(m.group(2))) / 2.0
    return 0.0


def oordeel_keys(v: Variant) -> tuple[str, ...]:
    """Keys looked up in the expert scores, most specific first: variant code, area option, installation type
    (dwellings), family."""
    return tuple(k for k in (v.code, v.gebiedsoptie, v.installatie_w, v.familie) if k)


def oordeel_for(oordelen: Mapping[tuple[str, str], float], v: Variant, criterion: str) -> float | None:
    """The most specific expert score of ``v`` for ``criterion`` or None."""
    for key in oordeel_keys(v):
        score = oordelen.get((key, criterion))
        if score is not None:
            return float(score)
    return None


def default_weights(criteria: Sequence[Criterion]) -> dict[str, float]:
    """Criterion code -> ``standaard_gewicht`` normalised to sum 1."""
    total = sum(c.standaard_gewicht for c in criteria)
    if total <= 0:
        raise ValueError("alle standaardgewichten zijn 0 / all default weights are 0")
    return {c.code: c.standaard_gewicht / total for c in criteria}


def _kind(v: Variant) -> str:
    if v.is_heatnet:
        return "warmtenet"
    if v.gebiedsoptie == "waterstof" or v.gasnet == "waterstof":
        return "waterstof"
    if v.gebiedsoptie == "groengas":
        return "groengas"
    return "individueel"


def default_uncertainty(criteria: Sequence[Criterion], varianten: Sequence[Variant]) -> np.ndarray:
    """(V, C) relative SD for SMAA: each criterion's ``onzekerheid``, for computed economic criteria times the
    factor of the variant's kind (:data:`FAMILY_COST_UNCERTAINTY`)."""
    base = np.array([c.onzekerheid for c in criteria], dtype=float)
    econ = np.array([c.groep == "economisch" and c.berekening == "berekend" for c in criteria])
    factor = np.array([FAMILY_COST_UNCERTAINTY[_kind(v)] for v in varianten], dtype=float)
    return np.where(econ[None, :], base[None, :] * factor[:, None], base[None, :])


# --- context ----------------------------------------------------------------------------------------------------
_BUURT_FIELDS = {f.name for f in fields(CriteriaContext)} - {"buurten", "varianten", "results", "referentie"}


def context_from_results(results: object, varianten: Sequence[Variant], **buurt_data: object) -> CriteriaContext:
    """Build a context from an engine :class:`~warmteregio.engine.assess.Results` (variant-major rows) for the
    given variants (reference row used for ``referentie``); ``buurt_data`` fills the other fields.

    Buurten keep the order of their first appearance in the results. A variant with no rows in the results gets
    NaN everywhere (unavailable). Rows are matched on ``strategie`` (``Variant.pbl_naam``) or else on
    ``variant_code``. When ``warmtevraag_gj`` is not given it is the reference's space-heating demand
    (``Woning_H02_Vraag_Ruimteverwarming + Util_H02_Vraag_Ruimteverwarming``; tap water is not in the results)."""
    unknown = sorted(set(buurt_data) - _BUURT_FIELDS)
    if unknown:
        raise TypeError(f"onbekende buurtgegevens / unknown buurt data: {', '.join(unknown)}")
    columns: Mapping[str, np.ndarray] = getattr(results, "columns", results)  # type: ignore[assignment]
    codes = np.asarray(columns["BU_CODE"]).astype(str)
    strategie = np.asarray(columns["strategie"]).astype(str)
    vcode = np.asarray(columns["variant_code"]).astype(str) if "variant_code" in columns else strategie
    familie = np.asarray(columns["familie"]).astype(str) if "familie" in columns else None
    _, first = np.unique(codes, return_index=True)
    buurten = codes[np.sort(first)]
    order = np.argsort(buurten, kind="stable")
    bidx = order[np.searchsorted(buurten[order], codes)]
    varianten = [v for v in varianten if not v.is_reference]
    vidx = np.full(len(codes), -1)
    for j, v in enumerate(varianten):
        hit = strategie == v.pbl_naam
        if not hit.any():
            hit = vcode == v.code
        vidx[hit & (vidx < 0)] = j
    if familie is not None:
        ref_rows = np.flatnonzero(familie == "REF")
    else:
        ref_rows = np.flatnonzero(vcode == "REF")
    nb, nv = len(buurten), len(varianten)
    sel = np.flatnonzero(vidx >= 0)
    res: dict[str, np.ndarray] = {}
    ref: dict[str, np.ndarray] = {}
    for name, col in columns.items():
        arr = np.asarray(col)
        if arr.dtype.kind not in "fiub" or name == "zichtjaar":
            continue
        arr = arr.astype(float)
        grid = np.full((nb, nv), np.nan)
        grid[bidx[sel], vidx[sel]] = arr[sel]
        res[name] = grid
        r = np.full(nb, np.nan)
        r[bidx[ref_rows]] = arr[ref_rows]
        ref[name] = r
    data = dict(buurt_data)
    if data.get("warmtevraag_gj") is None and "Woning_H02_Vraag_Ruimteverwarming" in ref:
        util = np.nan_to_num(ref.get("Util_H02_Vraag_Ruimteverwarming", np.zeros(nb)))
        data["warmtevraag_gj"] = ref["Woning_H02_Vraag_Ruimteverwarming"] + util
    return CriteriaContext(buurten=buurten, varianten=tuple(varianten), results=res, referentie=ref, **data)


# --- computation -----------------------------------------------------------------------------------------------
Cells = tuple[np.ndarray, np.ndarray]  # values (B, V) and a bool mask (B, V) of the cells that are computed


def _buurt(ctx: CriteriaContext, name: str) -> np.ndarray:
    nb = len(ctx.buurten)
    value = getattr(ctx, name)
    if value is None:
        return np.full(nb, np.nan)
    arr = np.asarray(value, dtype=float)
    if arr.shape != (nb,):
        raise ValueError(f"{name}: vorm / shape {arr.shape}, verwacht / expected ({nb},)")
    return arr


def _cells(ctx: CriteriaContext, name: str) -> np.ndarray:
    shape = (len(ctx.buurten), len(ctx.varianten))
    value = getattr(ctx, name)
    if value is None:
        return np.full(shape, np.nan)
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name}: vorm / shape {arr.shape}, verwacht / expected {shape}")
    return arr


def _result(ctx: CriteriaContext, name: str) -> np.ndarray:
    shape = (len(ctx.buurten), len(ctx.varianten))
    if name not in ctx.results:
        return np.full(shape, np.nan)
    arr = np.asarray(ctx.results[name], dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name}: vorm / shape {arr.shape}, verwacht / expected {shape}")
    return arr


def _per_weq(ctx: CriteriaContext, name: str) -> np.ndarray:
    weq = _result(ctx, "WEQ")
    x = _result(ctx, name)
    return np.divide(x, weq, out=np.full(x.shape, np.nan), where=np.isfinite(weq) & (weq > 0))


def _collective(ctx: CriteriaContext) -> np.ndarray:
    return np.array([v.is_heatnet for v in ctx.varianten], dtype=bool)


def _column(name: str) -> Callable[[CriteriaContext], np.ndarray]:
    return lambda c: _result(c, name)


def _extra_peak(ctx: CriteriaContext) -> np.ndarray:
    ref = ctx.referentie.get("H21_CapaciteitsvraagE")
    if ref is None:
        return np.full((len(ctx.buurten), len(ctx.varianten)), np.nan)
    return _result(ctx, "H21_CapaciteitsvraagE") - np.asarray(ref, dtype=float)[:, None]


def _congestion(ctx: CriteriaContext) -> np.ndarray:
    flag = _buurt(ctx, "netcongestie")[:, None]
    extra = np.maximum(_extra_peak(ctx), 0.0)
    return np.where(flag == 0, 0.0, np.where(flag > 0, extra, np.nan))


def _affordability(ctx: CriteriaContext) -> np.ndarray:
    cols = [_result(ctx, name) for name in EG_COLUMNS.values() if name in ctx.results]
    shape = (len(ctx.buurten), len(ctx.varianten))
    if not cols:
        return np.full(shape, np.nan)
    stack = np.stack(cols)
    worst = np.where(np.isfinite(stack).any(axis=0), np.nanmax(np.where(np.isfinite(stack), stack, -np.inf), axis=0),
                     np.nan)  # fmt: skip
    month = _buurt(ctx, "gem_huishoudinkomen_eur")[:, None] / 12.0
    return np.divide(100.0 * worst, month, out=np.full(shape, np.nan), where=np.isfinite(month) & (month > 0))


def _social(ctx: CriteriaContext) -> np.ndarray:
    share = _buurt(ctx, "aandeel_sociale_huur")[:, None]
    return np.where(_collective(ctx)[None, :], share, NOT_APPLICABLE["aandeel_sociale_huur"])


def _density(ctx: CriteriaContext) -> np.ndarray:
    lo, hi = WARMTEDICHTHEID_GJ_HA
    area = _buurt(ctx, "oppervlakte_ha")
    dens = np.divide(_buurt(ctx, "warmtevraag_gj"), area, out=np.full(area.shape, np.nan), where=area > 0)
    fit = np.clip((dens - lo) / (hi - lo), 0.0, 1.0)[:, None]
    return np.where(_collective(ctx)[None, :], fit, NOT_APPLICABLE["warmtedichtheid"])


def _capacity(ctx: CriteriaContext) -> np.ndarray:
    demand = np.nan_to_num(_result(ctx, "E_mtwarmte_gj")) + np.nan_to_num(_result(ctx, "E_ltwarmte_gj"))
    space = np.nan_to_num(_result(ctx, "Woning_H02_Vraag_Ruimteverwarming")) + np.nan_to_num(
        _result(ctx, "Util_H02_Vraag_Ruimteverwarming")
    )
    demand = np.where(demand > 0, demand, space)
    avail = _cells(ctx, "bron_beschikbaar_gj")
    share = np.where(demand > 0, np.minimum(avail / np.where(demand > 0, demand, 1.0), 1.0), 1.0)
    share = np.where(np.isfinite(avail), share, np.nan)
    return np.where(_collective(ctx)[None, :], share, NOT_APPLICABLE["bron_capaciteit"])


def _reliability(ctx: CriteriaContext) -> np.ndarray:
    data = np.clip(_cells(ctx, "bron_betrouwbaarheid"), 0.0, 1.0)
    return np.where(_collective(ctx)[None, :], data, NOT_APPLICABLE["bron_betrouwbaarheid"])


def supply_temperature(v: Variant, bron_temperatuur_c: np.ndarray) -> np.ndarray:
    """(B,) temperature delivered to the building (C); NaN for an individual installation (no network)."""
    t = np.asarray(bron_temperatuur_c, dtype=float)
    if v.installatie_w == "warmtenet_MT":
        return np.where(np.isfinite(t), t, MT_SUPPLY_C)
    if v.installatie_w == "warmtenet_LT":
        if v.gebiedsoptie in LT_SUPPLY_C:
            return np.full(t.shape, LT_SUPPLY_C[v.gebiedsoptie])
        return np.where(np.isfinite(t), t, LT_DEFAULT_SUPPLY_C)
    return np.full(t.shape, np.nan)


def required_label(v: Variant, supply_c: np.ndarray) -> np.ndarray:
    """(B,) index into :data:`LABELS` of the worst label class that still fits (7 = every label fits):
    individual heat pump or supply below 55 C -> B, 55-70 C -> D, 70 C or more, hybrid or boiler -> any."""
    n = len(supply_c)
    anything = len(LABELS) - 1
    if v.installatie_w in INDIVIDUAL_HEAT_PUMPS:
        return np.full(n, LABELS.index("B"))
    if not v.is_heatnet:
        return np.full(n, anything)
    return np.where(supply_c >= 70.0, anything, np.where(supply_c >= 55.0, LABELS.index("D"), LABELS.index("B")))


def _temperature(ctx: CriteriaContext) -> np.ndarray:
    nb = len(ctx.buurten)
    labels = None if ctx.labels_w is None else np.asarray(ctx.labels_w, dtype=float)
    if labels is not None and labels.shape != (nb, len(LABELS)):
        raise ValueError(f"labels_w: vorm / shape {labels.shape}, verwacht / expected ({nb}, {len(LABELS)})")
    temps = _cells(ctx, "bron_temperatuur_c")
    out = np.full((nb, len(ctx.varianten)), np.nan)
    anything = len(LABELS) - 1
    if labels is not None:
        total = labels.sum(axis=1)
        cum = np.cumsum(labels, axis=1)
    for j, v in enumerate(ctx.varianten):
        req = required_label(v, supply_temperature(v, temps[:, j]))
        target = LABELS.index(v.label_w) if v.label_w in LABELS else anything
        ok = (req >= anything) | (target <= req)
        share = np.full(nb, np.nan)
        if labels is not None:
            met = cum[np.arange(nb), req]
            share = np.divide(met, total, out=np.full(nb, np.nan), where=total > 0)
        out[:, j] = np.where(ok, 1.0, share)
    return out


CALCULATORS: dict[str, Callable[[CriteriaContext], np.ndarray]] = {
    "temperatuur_aansluiting": _temperature,
    "bron_capaciteit": _capacity,
    "bron_betrouwbaarheid": _reliability,
    "warmtedichtheid": _density,
    "extra_piekvermogen": _extra_peak,
    "piekbelasting_congestie": _congestion,
    "nationale_meerkosten": _column("H18_Nat_meerkost_WEQ"),
    **{code: _column(col) for code, col in EG_COLUMNS.items()},
    "investering": lambda c: _per_weq(c, "K10_Kapitaallasten"),
    "betaalbaarheid": _affordability,
    "aandeel_sociale_huur": _social,
    "co2_reductie": lambda c: _per_weq(c, "CO2_vermeden_t"),
}
"""(B, V) values of the computed criteria, NaN where unknown. A computed criterion that is not listed here but
whose code is an engine result column (e.g. ``K13_Elektriciteit``) takes that column."""


def compute_criteria(ctx: CriteriaContext, criteria: Sequence[Criterion]) -> CriteriaMatrix:
    """All criteria for every buurt x variant; unavailable variants (invalid engine rows) stay unavailable.

    Per cell, in this order: the computed value (``berekend``; criteria with ``berekening = oordeel`` skip this),
    else the expert score of the most specific variant key (``oordeel``), else ``onbekend``; a user entry
    (``invoer``, a specific variant before ``*``) replaces all of these. Unknown cells of available variants get
    the neutral value: the mean of the known values of the buurt's available variants for that criterion, or
    :func:`scale_midpoint` when none is known. Cells of unavailable variants are NaN.
    """
    nb, nv, nc = len(ctx.buurten), len(ctx.varianten), len(criteria)
    codes = [c.code for c in criteria]
    if len(set(codes)) != nc:
        raise ValueError("dubbele criteriumcode / duplicate criterion code")
    if "H18_Nat_meerkost_WEQ" in ctx.results:
        available = np.isfinite(_result(ctx, "H18_Nat_meerkost_WEQ"))
    else:
        available = np.ones((nb, nv), dtype=bool)
    invoer = _invoer_by_criterion(ctx, codes)
    values = np.empty((nb, nv, nc))
    herkomst_idx = np.empty((nb, nv, nc), dtype=np.int8)
    for k, crit in enumerate(criteria):
        x, h = _one_criterion(ctx, crit, invoer.get(crit.code, ()))
        _neutral_fill(x, h, available, scale_midpoint(crit))
        x[~available] = np.nan
        values[:, :, k] = x
        herkomst_idx[:, :, k] = h
    herkomst = np.asarray(HERKOMST, dtype="<U8")[herkomst_idx]
    dm = DecisionMatrix(
        buurten=np.asarray(ctx.buurten, dtype=str), varianten=tuple(v.code for v in ctx.varianten),
        criteria=tuple(codes), values=values, richting=np.array([c.richting for c in criteria], dtype=int),
        available=available,
    )  # fmt: skip
    return CriteriaMatrix(dm=dm, herkomst=herkomst, criteria=tuple(criteria))


BEREKEND, OORDEEL, INVOER, ONBEKEND = (HERKOMST.index(h) for h in ("berekend", "oordeel", "invoer", "onbekend"))


def _one_criterion(
    ctx: CriteriaContext, crit: Criterion, invoer: Sequence[tuple[int, int | None, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """(B, V) values and herkomst indices of one criterion, before the neutral fill."""
    nb, nv = len(ctx.buurten), len(ctx.varianten)
    x = np.full((nb, nv), np.nan)
    h = np.full((nb, nv), ONBEKEND, dtype=np.int8)
    if crit.berekening != "oordeel":
        calc = CALCULATORS.get(crit.code)
        if calc is not None:
            computed = np.broadcast_to(np.asarray(calc(ctx), dtype=float), (nb, nv))
        elif crit.code in ctx.results:
            computed = _result(ctx, crit.code)
        else:
            computed = x
        ok = np.isfinite(computed)
        x[ok] = computed[ok]
        h[ok] = BEREKEND
    for j, v in enumerate(ctx.varianten):
        score = oordeel_for(ctx.oordelen, v, crit.code)
        if score is not None:
            todo = h[:, j] == ONBEKEND
            x[todo, j] = score
            h[todo, j] = OORDEEL
    for b, j, waarde in invoer:  # '*' entries come first, so an entry for one variant wins
        if j is None:
            x[b, :] = waarde
            h[b, :] = INVOER
        else:
            x[b, j] = waarde
            h[b, j] = INVOER
    return x, h


def _invoer_by_criterion(ctx: CriteriaContext, codes: Sequence[str]) -> dict[str, list[tuple[int, int | None, float]]]:
    """criterion -> [(buurt index, variant index or None for '*', value)], '*' entries first; entries for
    buurten, variants or criteria outside the context and non-finite values are ignored."""
    out: dict[str, list[tuple[int, int | None, float]]] = {}
    if not ctx.invoer:
        return out
    bpos = {str(b): i for i, b in enumerate(ctx.buurten)}
    vpos = {v.code: j for j, v in enumerate(ctx.varianten)}
    known = set(codes)
    for (bu, var, crit), waarde in sorted(ctx.invoer.items(), key=lambda kv: kv[0][1] != "*"):
        b = bpos.get(str(bu))
        if b is None or crit not in known or not np.isfinite(waarde):
            continue
        if var == "*":
            out.setdefault(crit, []).append((b, None, float(waarde)))
        elif var in vpos:
            out.setdefault(crit, []).append((b, vpos[var], float(waarde)))
    return out


def _neutral_fill(x: np.ndarray, h: np.ndarray, available: np.ndarray, midpoint: float) -> None:
    """Unknown cells get the mean of the known values of the buurt's available variants, else ``midpoint``."""
    fill = h == ONBEKEND
    if not fill.any():
        return
    known = available & ~fill & np.isfinite(x)
    count = known.sum(axis=1)
    total = np.where(known, x, 0.0).sum(axis=1)
    neutral = np.where(count > 0, total / np.maximum(count, 1), midpoint)
    x[fill] = np.broadcast_to(neutral[:, None], x.shape)[fill]


__all__ = [
    "BEREKENINGEN", "CALCULATORS", "GROEPEN", "HERKOMST", "CriteriaContext", "CriteriaMatrix", "Criterion",
    "compute_criteria", "context_from_results", "default_uncertainty", "default_weights", "oordeel_for",
    "oordeel_keys", "scale_midpoint",
]  # fmt: skip
