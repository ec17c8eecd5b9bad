"""Regional allocation of heat sources to buurten (linopy + HiGHS): the optimisation core.

Every buurt either keeps its cheapest individual variant or is connected to one collective source through its own
transport pipe (star topology), with a network *kind* (:data:`KINDS`) that fixes the insulation label, whether a
collective booster heat pump is needed and which engine variant supplies the network costs. The model minimises
national costs [EUR/yr]:

    min  sum_b c_ind[b] y[b] + sum_(b,s) c[b,s] x[b,s]
    s.t. sum_s x[b,s] + y[b] = 1                                  one option per buurt
         sum_b q[b,s] x[b,s] <= E[s]                              source energy [GJ/yr] (q incl. transport loss)
         sum_b simultaneity p[b,s] x[b,s] <= P[s]                 source peak capacity [MW]
         sum_b q[b,s] x[b,s] <= share_max Q                       dependence on one source
         y[b] = 1 (fixed out), y[b] = 0 (fixed in);  x, y binary

with ``c[b,s] = min over the kinds k allowed for (b, s) of``

    cost_network[b,k] + q[b,s,k] price[s] + 1000 p[b,k] conn[s] (annuity + om_connection)
                      + detour x pipe_cost_per_m(p[b,k], curve_k) x distance[b,s] x (annuity + om_pipe)

Only pairs that are allowed (temperature/booster rule, ambition, reach, fit in the source on their own) and not
dominated (``c[b,s] < c_ind[b]``, unless the buurt is fixed in) get a variable: a dominated pair can always be
replaced by the individual option at no higher cost while freeing capacity, so pruning keeps the optimum exact.
The full method is in docs/method/allocation.md.

Pure apart from the solver: arrays in, arrays out, no database.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from warmteregio.engine.explain import fmt_number

_DEBUG_LOG = False  # True: HiGHS writes its log to the console
OBJECTIVE_SCALE = 1000.0  # the solver sees thousands of EUR (or tonnes CO2 / 1000)
STATUS_OPTIMAAL = "optimaal"
STATUS_ONHAALBAAR = "onhaalbaar"
STATUS_TIJDSLIMIET = "tijdslimiet"

# Heat-network annuity of the engine's transport pipe and MT source (K06/K07): 3 % over revenue years 2..30
# (kentallen_2020.csv ``Discontovoet/mr``, ``Investering/BeginOpbrengstJaar``/``EindOpbrengstJaar``).
DEFAULT_ANNUITY = 0.05653879135255472
# LT source pipe and extraction (S3b/S3f, engine K07 lt30_70): ordinary 28-year annuity at 3 %
DEFAULT_ANNUITY_BOOSTER = 0.053293233436284976
# PBL's maximum LT source connection length (kentallen_2020.csv L_max_bron_connectie)
DEFAULT_MAX_DISTANCE_BOOSTER_M = 8_000.0
# O&M shares as the engine's K15 (kentallen_2020.csv R_pt_onderhoud + R_pt_admin, R_ow_onderhoud + R_ow_admin,
# x OenM learning curve 91.5 %)
DEFAULT_OM_PIPE = 0.01 * 0.915
DEFAULT_OM_CONNECTION = 0.075 * 0.915


def _table_default(key: str) -> float:
    """A number from the allocation defaults table ``bron_standaarden.csv`` (every row carries its source)."""
    import csv
    from pathlib import Path

    with open(Path(__file__).with_name("bron_standaarden.csv"), encoding="utf-8", newline="") as fh:
        return float(next(r["waarde"] for r in csv.DictReader(fh, delimiter=";") if r["sleutel"] == key))


# Relative optimality gap at which HiGHS stops: its own default (0.01 %), far below the uncertainty of any cost
# figure here; the gap reached is always reported (docs/method/allocation.md, "Optimality").
DEFAULT_MIP_GAP = 1e-4
# Heat lost per km of transport pipe (row transportverlies_per_km of bron_standaarden.csv, with its source).
DEFAULT_TRANSPORT_LOSS_PER_KM = _table_default("transportverlies_per_km")


class AllocationError(ValueError):
    """Bad input for the allocation model; ``nl`` and ``en`` carry the message in Dutch and English."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


class AllocationCancelled(RuntimeError):
    """The caller's ``cancelled()`` returned true between two solver calls."""

    def __init__(self) -> None:
        super().__init__("allocatie afgebroken / allocation cancelled")
        self.nl = "allocatie afgebroken"
        self.en = "allocation cancelled"


@dataclass(frozen=True)
class Kind:
    """A network kind: insulation ``label``, collective ``booster`` heat pump, the minimum source temperature
    without booster, the engine ``variant`` that supplies its costs and the pipe cost curve (``MTnet``/``LTnet``)."""

    code: str
    label: str
    booster: bool
    min_temperature_c: float
    variant: str
    pipe_curve: str
    nl: str
    en: str


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("net_B", "B", False, 55.0, "S2a", "MTnet", "MT-warmtenet, label B", "MT heat network, label B"),
        Kind("net_D", "D", False, 70.0, "S2d", "MTnet", "MT-warmtenet, label D", "MT heat network, label D"),
        Kind("wp_B", "B", True, -math.inf, "S3b", "LTnet", "LT-bron met collectieve WP, label B",
             "LT source with collective heat pump, label B"),
        Kind("wp_D", "D", True, -math.inf, "S3f", "LTnet", "LT-bron met collectieve WP, label D",
             "LT source with collective heat pump, label D"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class AllocationBuurten:
    """B buurten, K kinds. Money in EUR/yr (national costs, H16 measure), heat in GJ/yr, peak in MW, CO2 in t/yr,
    coordinates RD New [m]. ``cost_network`` etc. are (B, K) with NaN where the network is impossible."""

    codes: np.ndarray
    gemeenten: np.ndarray
    x: np.ndarray
    y: np.ndarray
    cost_individual: np.ndarray
    variant_individual: np.ndarray
    co2_individual: np.ndarray
    kinds: tuple[str, ...]
    cost_network: np.ndarray
    source_heat_gj: np.ndarray
    source_peak_mw: np.ndarray
    co2_network: np.ndarray
    ambition: np.ndarray | None = None


@dataclass(frozen=True)
class AllocationSources:
    """S sources. ``energy_gj`` may be ``np.inf`` (unlimited); ``booster`` = needs a collective booster heat pump;
    ``connection_cost_eur_kw`` = extraction/connection investment per kW of source peak; ``gemeenten`` = GM code
    where the source lies ('' = unknown/outside)."""

    codes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    energy_gj: np.ndarray
    capacity_mw: np.ndarray
    temperature_c: np.ndarray
    booster: np.ndarray
    heat_price_eur_gj: np.ndarray
    connection_cost_eur_kw: np.ndarray
    co2_kg_per_gj: np.ndarray
    gemeenten: np.ndarray
    names: np.ndarray | None = None


@dataclass(frozen=True)
class AllocationSettings:
    """Model settings (every default documented in docs/method/allocation.md).

    ``pipe_cost_per_m``: callable ``(capacity_mw array, curve 'MTnet'|'LTnet') -> EUR/m`` (default: the engine's
    PBL curve :func:`warmteregio.engine.heatnet.leidingkosten_per_m` with the vesta2025 parameters; use
    :func:`settings_from_params` to take it, the annuity and the O&M shares from a given parameter set).
    ``om_pipe`` / ``om_connection``: yearly O&M as a share of the pipe / extraction investment (engine K15).
    ``max_share_per_source``: at most this share of the region's source heat (every buurt connected, cheapest
    kind in heat) may come from one source."""

    detour_factor: float = 1.25
    annuity: float = DEFAULT_ANNUITY
    transport_loss_per_km: float = DEFAULT_TRANSPORT_LOSS_PER_KM
    simultaneity: float = 1.0
    max_share_per_source: float = 1.0
    max_distance_m: float = 25_000.0
    pipe_cost_per_m: Callable[[np.ndarray, str], np.ndarray] | None = None
    fixed_in: tuple[str, ...] = ()
    fixed_out: tuple[str, ...] = ()
    delta_mw: float = 1.0
    marginal_values: bool = True
    standalone: bool = True
    pareto_points: int = 0
    time_limit_s: float = 60.0
    mip_gap: float = DEFAULT_MIP_GAP
    om_pipe: float = DEFAULT_OM_PIPE
    om_connection: float = DEFAULT_OM_CONNECTION
    annuity_booster: float = DEFAULT_ANNUITY_BOOSTER
    max_distance_booster_m: float = DEFAULT_MAX_DISTANCE_BOOSTER_M


@dataclass(frozen=True)
class GemeenteSummary:
    """Per gemeente: buurten, connected buurten, cost and CO2 in the regional optimum; ``cost_alone`` the optimum
    with only its own buurten and the sources in its own territory; ``gain = cost_alone - cost`` (> 0: gains)."""

    code: str
    n_buurten: int
    n_connected: int
    cost: float
    co2: float
    cost_alone: float | None
    gain: float | None


@dataclass(frozen=True)
class ParetoPoint:
    cost: float
    co2: float
    n_connected: int


@dataclass(frozen=True)
class AllocationResult:
    """See the contract in docs/method/allocation.md; (B,) arrays per buurt, (S,) per source."""

    status: str
    assignment: np.ndarray
    kind: np.ndarray
    cost: float
    cost_individual_total: float
    cost_buurt: np.ndarray
    pipe_cost: np.ndarray
    distance_m: np.ndarray
    heat_gj: np.ndarray
    peak_mw: np.ndarray
    co2: float
    co2_buurt: np.ndarray
    use_gj: np.ndarray
    use_mw: np.ndarray
    marginal_value_eur_per_mw: np.ndarray
    gap: float
    solve_seconds: float
    explanation: tuple[tuple[str, str], ...] = ()
    gemeenten: tuple[GemeenteSummary, ...] = ()
    pareto: tuple[ParetoPoint, ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # seconds: prepare, main, marginal, standalone, pareto
    n_pairs: int = 0  # (buurt, source) pairs that got a variable after pruning
    outlook: SourceOutlook | None = None  # per source, where it comes closest (see source_outlook)


def settings_from_params(params: object, **changes: object) -> AllocationSettings:
    """Settings whose detour factor, annuity, O&M shares and pipe cost curve come from an engine ``Params`` (or a
    plain mapping) as the engine's heat-network module uses them; ``changes`` override any field."""
    from warmteregio.engine.heatnet import annuiteit, leidingkosten_per_m

    values = dict(getattr(params, "values", params))  # type: ignore[call-overload]

    def num(key: str, default: float) -> float:
        try:
            return float(values[key])
        except (KeyError, TypeError, ValueError):
            return default

    r = num("Discontovoet/mr", 3.0) / 100.0
    annuity = annuiteit(r, num("Investering/BeginOpbrengstJaar", 2.0), num("Investering/EindOpbrengstJaar", 30.0))
    oenm = num("OenM", 91.5) / 100.0

    def pipe(capacity_mw: np.ndarray, curve: str = "MTnet") -> np.ndarray:
        return np.asarray(leidingkosten_per_m(capacity_mw, values, curve), dtype=float)

    base = AllocationSettings(
        detour_factor=num("a (omwegfactor transportleiding)", 1.25), annuity=annuity, pipe_cost_per_m=pipe,
        annuity_booster=annuiteit(r, 0.0, num("Investering/EindOpbrengstJaar", 30.0)
                                  - num("Investering/BeginOpbrengstJaar", 2.0)),
        max_distance_booster_m=num("L_max_bron_connectie", DEFAULT_MAX_DISTANCE_BOOSTER_M),
        om_pipe=(num("R_pt_onderhoud", 0.01) + num("R_pt_admin", 0.0)) * oenm,
        om_connection=(num("R_ow_onderhoud", 0.05) + num("R_ow_admin", 0.025)) * oenm,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------- input checks


def _f(v: object) -> np.ndarray:
    return np.asarray(v, dtype=float)


def _ambition(buurten: AllocationBuurten) -> np.ndarray:
    n = len(buurten.codes)
    if buurten.ambition is None:
        return np.full(n, "*")
    return np.asarray(buurten.ambition, dtype=str)


def _check(bu: AllocationBuurten, so: AllocationSources, st: AllocationSettings) -> None:
    n, k = len(bu.codes), len(bu.kinds)

    def bad(nl: str, en: str) -> AllocationError:
        return AllocationError(nl, en)

    unknown = [c for c in bu.kinds if c not in KINDS]
    if unknown or len(set(bu.kinds)) != k:
        which = ", ".join(unknown) or ", ".join(bu.kinds)
        raise bad(f"onbekende of dubbele netsoorten: {which}; kies uit {', '.join(KINDS)}",
                  f"unknown or duplicate network kinds: {which}; choose from {', '.join(KINDS)}")  # fmt: skip
    for name in ("x", "y", "cost_individual", "co2_individual"):
        arr = _f(getattr(bu, name))
        if arr.shape != (n,) or not np.isfinite(arr).all():
            raise bad(
                f"buurten: {name} moet {n} eindige waarden hebben", f"buurten: {name} must have {n} finite values"
            )
    for name in ("gemeenten", "variant_individual"):
        if np.asarray(getattr(bu, name)).shape != (n,):
            raise bad(f"buurten: {name} moet {n} waarden hebben", f"buurten: {name} must have {n} values")
    for name in ("cost_network", "source_heat_gj", "source_peak_mw", "co2_network"):
        arr = _f(getattr(bu, name))
        if arr.shape != (n, k):
            raise bad(f"buurten: {name} moet de vorm ({n}, {k}) hebben, niet {arr.shape}",
                      f"buurten: {name} must have shape ({n}, {k}), not {arr.shape}")  # fmt: skip
        if name != "cost_network" and (np.nan_to_num(arr) < 0).any():
            raise bad(f"buurten: {name} mag niet negatief zijn", f"buurten: {name} must not be negative")
    amb = set(_ambition(bu).tolist())
    if not amb <= {"B", "D", "*"} or _ambition(bu).shape != (n,):
        raise bad("buurten: ambitie moet per buurt 'B', 'D' of '*' zijn",
                  "buurten: ambition must be 'B', 'D' or '*' per buurt")  # fmt: skip
    m = len(so.codes)
    for name in ("x", "y", "capacity_mw", "temperature_c", "heat_price_eur_gj", "connection_cost_eur_kw",
                 "co2_kg_per_gj"):  # fmt: skip
        arr = _f(getattr(so, name))
        if arr.shape != (m,) or not np.isfinite(arr).all():
            raise bad(
                f"bronnen: {name} moet {m} eindige waarden hebben", f"sources: {name} must have {m} finite values"
            )
    energy = _f(so.energy_gj)
    if energy.shape != (m,) or np.isnan(energy).any() or (energy < 0).any() or (_f(so.capacity_mw) < 0).any():
        raise bad("bronnen: energie (GJ/jaar, mag onbeperkt zijn) en vermogen (MW) moeten >= 0 zijn",
                  "sources: energy (GJ/yr, may be unlimited) and capacity (MW) must be >= 0")  # fmt: skip
    for name in ("booster", "gemeenten"):
        if np.asarray(getattr(so, name)).shape != (m,):
            raise bad(f"bronnen: {name} moet {m} waarden hebben", f"sources: {name} must have {m} values")
    checks = (
        (st.detour_factor >= 1.0, "omwegfactor moet >= 1 zijn", "detour factor must be >= 1"),
        (st.annuity >= 0 and st.om_pipe >= 0 and st.om_connection >= 0, "annuïteit en O&M-aandelen moeten >= 0 zijn",
         "annuity and O&M shares must be >= 0"),
        (0 <= st.transport_loss_per_km < 0.1, "transportverlies per km moet tussen 0 en 0,1 liggen",
         "transport loss per km must be between 0 and 0.1"),
        (st.simultaneity > 0, "gelijktijdigheid moet > 0 zijn", "simultaneity must be > 0"),
        (0 < st.max_share_per_source <= 1, "maximaal aandeel per bron moet in (0, 1] liggen",
         "maximum share per source must be in (0, 1]"),
        (st.max_distance_m > 0, "maximale afstand moet > 0 zijn", "maximum distance must be > 0"),
        (st.delta_mw > 0, "extra vermogen (delta MW) moet > 0 zijn", "extra capacity (delta MW) must be > 0"),
        (st.pareto_points == 0 or st.pareto_points >= 2, "aantal Pareto-punten moet 0 of >= 2 zijn",
         "number of Pareto points must be 0 or >= 2"),
        (st.time_limit_s > 0 and st.mip_gap >= 0, "tijdslimiet moet > 0 en optimaliteitsmarge >= 0 zijn",
         "time limit must be > 0 and optimality gap >= 0"),
    )  # fmt: skip
    for ok, nl, en in checks:
        if not ok:
            raise bad(nl, en)
    codes = set(map(str, bu.codes))
    unknown_fixed = sorted(set(st.fixed_in + st.fixed_out) - codes)
    if unknown_fixed:
        raise bad(f"onbekende vastgezette buurten: {', '.join(unknown_fixed)}",
                  f"unknown fixed buurten: {', '.join(unknown_fixed)}")  # fmt: skip
    both = sorted(set(st.fixed_in) & set(st.fixed_out))
    if both:
        raise bad(
            f"buurten zowel aan- als uitgezet: {', '.join(both)}", f"buurten fixed both in and out: {', '.join(both)}"
        )


# ------------------------------------------------------------------------------------------------ pair costs

_DEFAULT_PIPE: list[Callable[[np.ndarray, str], np.ndarray]] = []


def _default_pipe_cost(capacity_mw: np.ndarray, curve: str = "MTnet") -> np.ndarray:
    """PBL's transport-pipe curve via the engine with the vesta2025 parameters (loaded once)."""
    if not _DEFAULT_PIPE:
        from warmteregio.catalogue import load_parameter_set

        fn = settings_from_params(load_parameter_set("vesta2025")).pipe_cost_per_m
        assert fn is not None
        _DEFAULT_PIPE.append(fn)
    return _DEFAULT_PIPE[0](capacity_mw, curve)


@dataclass(frozen=True)
class _PairTable:
    """Every (buurt, source) pair within reach, per kind (P, K): cost [EUR/yr] (inf = kind not allowed), pipe
    cost [EUR/yr], source heat incl. transport loss [GJ/yr], source peak [MW], CO2 [t/yr]; routed length [m]."""

    b: np.ndarray
    s: np.ndarray
    routed: np.ndarray
    cost: np.ndarray
    pipe: np.ndarray
    heat: np.ndarray
    peak: np.ndarray
    co2: np.ndarray


def kind_allowed(bu: AllocationBuurten, so: AllocationSources) -> tuple[np.ndarray, np.ndarray]:
    """(B, K) kind possible for the buurt (network valid, ambition) and (S, K) kind possible for the source
    (booster rule and minimum temperature)."""
    amb = _ambition(bu)
    temp = _f(so.temperature_c)
    boost = np.asarray(so.booster, dtype=bool)
    ok_b = np.zeros((len(bu.codes), len(bu.kinds)), dtype=bool)
    ok_s = np.zeros((len(so.codes), len(bu.kinds)), dtype=bool)
    for k, code in enumerate(bu.kinds):
        kind = KINDS[code]
        ok_b[:, k] = (
            np.isfinite(_f(bu.cost_network)[:, k]) & np.isfinite(_f(bu.source_heat_gj)[:, k])
            & np.isfinite(_f(bu.source_peak_mw)[:, k]) & ((amb == "*") | (amb == kind.label))
        )  # fmt: skip
        ok_s[:, k] = (boost == kind.booster) & (kind.booster | (temp >= kind.min_temperature_c))
    return ok_b, ok_s


def _pair_table(bu: AllocationBuurten, so: AllocationSources, st: AllocationSettings) -> _PairTable:
    bx, by, sx, sy = _f(bu.x), _f(bu.y), _f(so.x), _f(so.y)
    dist = np.hypot(bx[:, None] - sx[None, :], by[:, None] - sy[None, :])
    bi, si = np.nonzero(dist <= st.max_distance_m)
    straight = dist[bi, si]
    routed = st.detour_factor * dist[bi, si]
    ok_b, ok_s = kind_allowed(bu, so)
    pipe_fn = st.pipe_cost_per_m or _default_pipe_cost
    n_p, n_k = len(bi), len(bu.kinds)
    shape = (n_p, n_k)
    cost, pipe, heat, peak, co2 = (np.full(shape, np.inf), np.zeros(shape), np.zeros(shape), np.zeros(shape),
                                   np.zeros(shape))  # fmt: skip
    price, conn, co2f = _f(so.heat_price_eur_gj), _f(so.connection_cost_eur_kw), _f(so.co2_kg_per_gj)
    for k, code in enumerate(bu.kinds):  # a loop over the (at most four) kinds, vectorised over the pairs
        kind = KINDS[code]
        reach = straight <= (min(st.max_distance_booster_m, st.max_distance_m) if kind.booster else st.max_distance_m)
        ok = np.flatnonzero(ok_b[bi, k] & ok_s[si, k] & reach)
        b, s, r = bi[ok], si[ok], routed[ok]
        annuity = st.annuity_booster if kind.booster else st.annuity
        q = _f(bu.source_heat_gj)[b, k] * (1.0 + st.transport_loss_per_km * r / 1000.0)
        p = _f(bu.source_peak_mw)[b, k]
        c_pipe = np.asarray(pipe_fn(p, kind.pipe_curve), dtype=float) * r * (annuity + st.om_pipe)
        c_conn = p * 1000.0 * conn[s] * (annuity + st.om_connection)
        cost[ok, k] = _f(bu.cost_network)[b, k] + q * price[s] + c_conn + c_pipe
        pipe[ok, k], heat[ok, k], peak[ok, k] = c_pipe, q, p
        co2[ok, k] = np.nan_to_num(_f(bu.co2_network)[b, k]) + q * co2f[s] / 1000.0
    return _PairTable(bi, si, routed, cost, pipe, heat, peak, co2)


@dataclass(frozen=True)
class SourceOutlook:
    """Per source (S,), over the buurten it can serve (allowed kind, within reach), the one closest to choosing it
    on its own: ``buurt`` (index, -1 = none within reach), ``gap_eur`` = its cheapest connection to this source
    minus its individual option [EUR/yr] (< 0: the connection is cheaper), and ``breakeven_price_eur_gj``: the
    heat price at which that connection would cost the same as the individual option (the highest such price
    over the source's buurten; NaN when none within reach). It ignores capacity and other sources: it says what
    it would take for a source to be worth using, not what the optimum does."""

    buurt: np.ndarray
    gap_eur: np.ndarray
    breakeven_price_eur_gj: np.ndarray


def source_outlook(bu: AllocationBuurten, so: AllocationSources, st: AllocationSettings = AllocationSettings()
                   ) -> SourceOutlook:  # fmt: skip
    """See :class:`SourceOutlook` (also part of every :func:`solve` result). Vectorised over the (buurt, source)
    pairs of :func:`_pair_table`."""
    return _outlook(_pair_table(bu, so, st), bu, so)


def _outlook(pt: _PairTable, bu: AllocationBuurten, so: AllocationSources) -> SourceOutlook:
    n_s = len(so.codes)
    gap = np.full(n_s, np.inf)
    best_b = np.full(n_s, -1)
    breakeven = np.full(n_s, -np.inf)
    if len(pt.b):
        k = np.argmin(pt.cost, axis=1)
        rows = np.arange(len(pt.b))
        cost = pt.cost[rows, k]
        ok = np.isfinite(cost)
        b, s_, cost, heat = pt.b[ok], pt.s[ok], cost[ok], pt.heat[rows, k][ok]
        d = cost - _f(bu.cost_individual)[b]
        order = np.lexsort((d, s_))  # per source, the smallest gap first
        first = np.ones(len(order), dtype=bool)
        first[1:] = s_[order][1:] != s_[order][:-1]
        gap[s_[order][first]] = d[order][first]
        best_b[s_[order][first]] = b[order][first]
        price = _f(so.heat_price_eur_gj)[s_]
        be = np.where(heat > 0, price - d / np.where(heat > 0, heat, 1.0), -np.inf)
        np.maximum.at(breakeven, s_, be)
    gap = np.where(np.isfinite(gap), gap, np.nan)
    breakeven = np.where(np.isfinite(breakeven), breakeven, np.nan)
    return SourceOutlook(best_b, gap, breakeven)


@dataclass(frozen=True)
class _Chosen:
    """The pairs that get a variable, with the kind chosen per pair (index into ``buurten.kinds``)."""

    b: np.ndarray
    s: np.ndarray
    k: np.ndarray
    routed: np.ndarray
    cost: np.ndarray
    pipe: np.ndarray
    heat: np.ndarray
    peak: np.ndarray
    co2: np.ndarray


def _free_source_pruning(
    b: np.ndarray, s: np.ndarray, cost: np.ndarray, heat: np.ndarray, peak: np.ndarray, energy: np.ndarray,
    capacity: np.ndarray, n_b: int, n_s: int,
) -> np.ndarray:  # fmt: skip
    """Second exact pruning step (mask over the pairs): a source whose candidate pairs together fit in its energy
    and capacity is *free* (its constraints can never bind). A buurt's cheapest pair to a free source then
    dominates every other pair of that buurt that costs at least as much: switching to it costs no more and frees
    capacity elsewhere. Removing pairs only makes more sources free, so this repeats to a fixed point."""
    keep = np.ones(len(b), dtype=bool)
    while True:
        idx = np.flatnonzero(keep)
        load_e = np.bincount(s[idx], weights=heat[idx], minlength=n_s)
        load_p = np.bincount(s[idx], weights=peak[idx], minlength=n_s)
        free = (load_e <= energy * (1 + 1e-12)) & (load_p <= capacity * (1 + 1e-12) + 1e-12)
        fp = idx[free[s[idx]]]
        if not len(fp):
            return keep
        # per buurt the cheapest free pair (ties: the first)
        order = fp[np.lexsort((fp, cost[fp], b[fp]))]
        first = np.ones(len(order), dtype=bool)
        first[1:] = b[order][1:] != b[order][:-1]
        best = order[first]
        c_free = np.full(n_b, np.inf)
        c_free[b[best]] = cost[best]
        drop = keep & (cost >= c_free[b])
        drop[best] = False
        if not drop.any():
            return keep
        keep &= ~drop


@dataclass
class _Sol:
    feasible: bool
    x: np.ndarray  # (P,) bool over the chosen pairs
    objective: float
    gap: float
    seconds: float
    time_limited: bool


class _Problem:
    """One allocation problem (the region or one gemeente): the pair table and the MILP around it."""

    def __init__(self, bu: AllocationBuurten, so: AllocationSources, st: AllocationSettings, prune: bool) -> None:
        self.bu, self.so, self.st, self.prune = bu, so, st, prune
        self.decompose = True
        codes = np.asarray(bu.codes, dtype=str)
        self.n_b, self.n_s = len(codes), len(so.codes)
        self.c_ind = _f(bu.cost_individual)
        self.co2_ind = _f(bu.co2_individual)
        self.fin = np.isin(codes, list(st.fixed_in))
        self.fout = np.isin(codes, list(st.fixed_out))
        self.table = _pair_table(bu, so, st)
        heat = np.where(kind_allowed(bu, so)[0], _f(bu.source_heat_gj), np.inf)
        per_buurt = heat.min(axis=1) if heat.shape[1] else np.zeros(self.n_b)
        self.q_total = float(np.where(np.isfinite(per_buurt), per_buurt, 0.0).sum())
        self.share_rhs = st.max_share_per_source * self.q_total if st.max_share_per_source < 1 else np.inf

    def chosen(self, capacity: np.ndarray, co2_aware: bool = False) -> _Chosen:
        t, st = self.table, self.st
        energy = np.minimum(_f(self.so.energy_gj), self.share_rhs)
        tol = 1e-9
        fits = (t.heat <= energy[t.s][:, None] * (1 + tol)) & (
            st.simultaneity * t.peak <= capacity[t.s][:, None] * (1 + tol) + tol
        )
        cost = np.where(fits, t.cost, np.inf)
        k = np.argmin(cost, axis=1) if cost.shape[1] else np.zeros(len(t.b), dtype=int)
        rows = np.arange(len(t.b))
        c = cost[rows, k] if cost.shape[1] else np.full(len(t.b), np.inf)
        keep = np.isfinite(c) & ~self.fout[t.b]
        if self.prune:
            dominated = c >= self.c_ind[t.b]
            if co2_aware:
                dominated &= t.co2[rows, k] >= self.co2_ind[t.b]
            keep &= ~dominated | self.fin[t.b]
        i = np.flatnonzero(keep)
        ki = k[i]
        if self.prune and not co2_aware:
            sel = _free_source_pruning(t.b[i], t.s[i], c[i], t.heat[i, ki], st.simultaneity * t.peak[i, ki], energy,
                                       capacity, self.n_b, self.n_s)  # fmt: skip
            i, ki = i[sel], ki[sel]
        return _Chosen(t.b[i], t.s[i], ki, t.routed[i], c[i], t.pipe[i, ki], t.heat[i, ki], t.peak[i, ki],
                       t.co2[i, ki])  # fmt: skip

    def bindable(self) -> np.ndarray:
        """(S,) whether a source's peak capacity can ever bind: the sum over its candidate pairs (kinds not
        dominated, whatever the capacity) of the largest peak exceeds its capacity. For the others the capacity
        constraint is redundant at any larger capacity too, so their marginal value is exactly 0."""
        t, st = self.table, self.st
        usable = np.isfinite(t.cost)
        if self.prune:
            usable &= (t.cost < self.c_ind[t.b][:, None]) | self.fin[t.b][:, None]
        usable &= ~self.fout[t.b][:, None]
        need = np.where(usable, st.simultaneity * t.peak, 0.0).max(axis=1) if usable.shape[1] else np.zeros(len(t.b))
        total = np.bincount(t.s, weights=need, minlength=self.n_s)
        return total > _f(self.so.capacity_mw) * (1 + 1e-9) + 1e-12

    def run(
        self, capacity: np.ndarray | None = None, *, objective: str = "cost", co2_max: float | None = None,
        co2_aware: bool = False, start: tuple[_Chosen, _Sol] | None = None, only_source: int | None = None,
    ) -> tuple[_Chosen, _Sol]:  # fmt: skip
        """Solve with the given capacities; ``start`` = an earlier solution used as HiGHS's starting point (same
        (buurt, source) pairs; ignored by HiGHS when it is not feasible here)."""
        cap = _f(self.so.capacity_mw) if capacity is None else capacity
        ch = self.chosen(cap, co2_aware=co2_aware or co2_max is not None or objective == "co2")
        keys = None
        if start is not None and start[1].feasible:
            c0, s0 = start
            keys = (c0.b[s0.x] * self.n_s + c0.s[s0.x]).astype(np.int64)
        return ch, self._milp(ch, cap, objective, co2_max, keys, None if keys is None else only_source)

    def _milp(
        self, ch: _Chosen, cap: np.ndarray, objective: str, co2_max: float | None, start: np.ndarray | None = None,
        only_source: int | None = None,
    ) -> _Sol:
        """Solve the MILP over the chosen pairs. Without a CO2 constraint the problem falls apart into independent
        parts (buurten linked through sources whose energy or capacity row can bind): buurten without such a link
        are decided directly (cheapest of individual and their pairs), every other part is its own MILP."""
        st = self.st
        n_b, n_p = self.n_b, len(ch.b)
        t0 = time.perf_counter()
        deadline = t0 + float(st.time_limit_s)
        if (self.fin & ~np.isin(np.arange(n_b), ch.b)).any():  # a fixed-in buurt without any pair
            return _Sol(False, np.zeros(n_p, dtype=bool), math.nan, math.nan, time.perf_counter() - t0, False)
        if not n_p and co2_max is not None and float(np.sum(self.co2_ind)) > co2_max:
            return _Sol(False, np.zeros(0, dtype=bool), math.nan, math.nan, time.perf_counter() - t0, False)
        value_b = self.c_ind if objective == "cost" else self.co2_ind
        value_p = ch.cost if objective == "cost" else ch.co2
        energy = np.minimum(_f(self.so.energy_gj), self.share_rhs)
        peak = st.simultaneity * ch.peak
        load_e = np.bincount(ch.s, weights=ch.heat, minlength=self.n_s)
        load_p = np.bincount(ch.s, weights=peak, minlength=self.n_s)
        active = (np.isfinite(energy) & (load_e > energy * (1 + 1e-12))) | (load_p > cap * (1 + 1e-12))
        xs = np.zeros(n_p, dtype=bool)
        start_mask = None if start is None else np.isin((ch.b * self.n_s + ch.s).astype(np.int64), start)
        if co2_max is not None or not self.decompose:  # the CO2 row couples every buurt: one model
            parts = [np.arange(n_b)]
        else:
            linked = np.zeros(n_b, dtype=bool)
            linked[ch.b[active[ch.s]]] = True
            # buurten without a link: the cheapest of their own options (fixed-in: the cheapest pair)
            free_pairs = np.flatnonzero(~linked[ch.b])
            order = free_pairs[np.lexsort((free_pairs, value_p[free_pairs], ch.b[free_pairs]))]
            first = np.ones(len(order), dtype=bool)
            first[1:] = ch.b[order][1:] != ch.b[order][:-1]
            best = order[first]
            take = self.fin[ch.b[best]] | (value_p[best] < value_b[ch.b[best]])
            xs[best[take]] = True
            labels = _components(ch.b, ch.s, active, n_b, self.n_s)
            lab = labels[np.flatnonzero(linked)]
            parts = [np.flatnonzero(linked & (labels == g)) for g in np.unique(lab)]
            parts.sort(key=len)
        abs_gap, limited = 0.0, False
        for buurt_idx in parts:  # a loop over independent parts (each its own MILP), not over pairs
            local = np.full(n_b, -1)
            local[buurt_idx] = np.arange(len(buurt_idx))
            pairs = np.flatnonzero(local[ch.b] >= 0)
            if not len(pairs):
                continue
            if only_source is not None and start_mask is not None and not (ch.s[pairs] == only_source).any():
                # a re-solve after a change at one source: a part without that source is the same problem as in
                # the solution started from, so it keeps that solution (exact, and no new noise within the gap)
                xs[pairs] = start_mask[pairs]
                continue
            out = _solve_part(
                local[ch.b[pairs]], ch.s[pairs], len(buurt_idx), self.n_s, value_p[pairs], value_b[buurt_idx],
                ch.heat[pairs], peak[pairs], energy, cap, active, self.fin[buurt_idx], self.fout[buurt_idx],
                None if co2_max is None else (ch.co2[pairs], self.co2_ind[buurt_idx], co2_max),
                None if start_mask is None else start_mask[pairs], max(deadline - time.perf_counter(), 0.5),
                float(st.mip_gap),
            )  # fmt: skip
            if out is None:
                return _Sol(False, np.zeros(n_p, dtype=bool), math.nan, math.nan, time.perf_counter() - t0,
                            time.perf_counter() >= deadline)  # fmt: skip
            part_xs, part_gap, part_limited = out
            xs[pairs] = part_xs
            abs_gap += part_gap
            limited |= part_limited
        chosen_b = np.zeros(n_b, dtype=bool)
        chosen_b[ch.b[xs]] = True
        total = float(np.sum(value_b[~chosen_b]) + np.sum(value_p[xs]))
        gap = abs_gap / max(abs(total), 1e-9) if (limited or abs_gap > 0) else 0.0
        return _Sol(True, xs, total, gap, time.perf_counter() - t0, limited)


def _components(b: np.ndarray, s: np.ndarray, active: np.ndarray, n_b: int, n_s: int) -> np.ndarray:
    """(B,) label of the connected part of each buurt in the graph buurt - source over the pairs whose source has
    a row that can bind (min-label propagation with pointer jumping; vectorised)."""
    e = active[s]
    u, v = b[e], n_b + s[e]
    lab = np.arange(n_b + n_s)
    while True:
        m = np.minimum(lab[u], lab[v])
        new = lab.copy()
        np.minimum.at(new, u, m)
        np.minimum.at(new, v, m)
        new = new[new]
        if np.array_equal(new, lab):
            return lab[:n_b]
        lab = new


def _solve_part(
    b: np.ndarray, s: np.ndarray, n_b: int, n_s: int, value_p: np.ndarray, value_b: np.ndarray, heat: np.ndarray,
    peak: np.ndarray, energy: np.ndarray, cap: np.ndarray, active: np.ndarray, fin: np.ndarray, fout: np.ndarray,
    co2: tuple[np.ndarray, np.ndarray, float] | None, start: np.ndarray | None, time_limit: float, mip_gap: float,
) -> tuple[np.ndarray, float, bool] | None:  # fmt: skip
    """One MILP (linopy model handed to HiGHS): (x over the pairs, absolute gap, time limit hit) or None when no
    solution was found. Buurten and pairs are local to the part; sources keep their global index."""
    import highspy
    import linopy
    import pandas as pd
    import xarray as xr

    n_p = len(b)
    m = linopy.Model()
    y = m.add_variables(lower=xr.DataArray(fout.astype(float), dims="buurt"),
                        upper=xr.DataArray((~fin).astype(float), dims="buurt"), integer=True,
                        coords=[pd.RangeIndex(n_b, name="buurt")], name="y")  # fmt: skip
    x = m.add_variables(binary=True, coords=[pd.RangeIndex(n_p, name="paar")], name="x")
    xl, yl = np.asarray(x.labels.values), np.asarray(y.labels.values)
    m.add_constraints(_grouped(m, b, n_b, xl, np.ones(n_p), "buurt", extra=yl) == 1, name="een_optie")
    for name, coef, rhs in (("energie", heat, energy), ("vermogen", peak, cap)):
        load = np.bincount(s, weights=coef, minlength=n_s)
        rows = np.flatnonzero(active & np.isfinite(rhs) & (load > rhs * (1 + 1e-12)))
        if len(rows):
            sel = np.isin(s, rows)
            pos = np.searchsorted(rows, s[sel])
            m.add_constraints(
                _grouped(m, pos, len(rows), xl[sel], coef[sel] / rhs[rows][pos], "bron") <= 1.0, name=name
            )  # fmt: skip  (rows scaled to 1)
    # objective in thousands (numerics); the totals are recomputed exactly by the caller
    m.add_objective((x * xr.DataArray(value_p / OBJECTIVE_SCALE, dims="paar")).sum()
                    + (y * xr.DataArray(value_b / OBJECTIVE_SCALE, dims="buurt")).sum())  # fmt: skip
    if co2 is not None:
        co2_p, co2_b, co2_max = co2
        expr = (x * xr.DataArray(co2_p, dims="paar")).sum() + (y * xr.DataArray(co2_b, dims="buurt")).sum()
        m.add_constraints(expr <= co2_max, name="co2")
    with _quiet_stdout():  # HiGHS prints its banner to stdout when the model is passed, before any option is set
        h = m.to_highspy()
    for key, value in (("output_flag", _DEBUG_LOG), ("log_to_console", _DEBUG_LOG), ("time_limit", time_limit),
                       ("mip_rel_gap", mip_gap)):  # fmt: skip
        h.setOptionValue(key, value)
    # starting point: an earlier solution (re-solves), ignored by HiGHS when it is not feasible here
    if start is not None:
        xs0 = start
        ys0 = np.ones(n_b, dtype=bool)
        ys0[b[xs0]] = False
        values = np.zeros(n_b + n_p)
        values[yl], values[xl] = ys0, xs0
        guess = highspy.HighsSolution()
        guess.col_value = values.tolist()
        h.setSolution(guess)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if int(getattr(info, "primal_solution_status", 0)) != 2:
        return None
    sol = np.asarray(h.getSolution().col_value, dtype=float)
    if len(sol) != n_b + n_p:  # HiGHS columns are linopy's labels (y then x, none masked)
        raise RuntimeError("onverwachte kolomvolgorde in HiGHS / unexpected HiGHS column order")
    optimal = status == "Optimal"
    abs_gap = 0.0
    if not optimal or mip_gap > 0:
        primal, dual = float(info.objective_function_value), float(getattr(info, "mip_dual_bound", math.nan))
        abs_gap = max(primal - dual, 0.0) * OBJECTIVE_SCALE if np.isfinite(dual) else math.inf
    return sol[xl] > 0.5, abs_gap, not optimal


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null for a moment (the HiGHS banner is written by C++, past sys.stdout)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real file behind stdout (captured): nothing to silence
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _grouped(m: object, group: np.ndarray, n: int, labels: np.ndarray, coef: np.ndarray, dim: str,
             extra: np.ndarray | None = None) -> object:  # fmt: skip
    """A linopy expression per group: ``sum of coef x`` over the pairs of each group (+ ``extra`` variable)."""
    import linopy
    import xarray as xr

    order = np.argsort(group, kind="stable")
    g = group[order]
    counts = np.bincount(g, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(g)) - starts[g]
    off = 0 if extra is None else 1
    width = int(counts.max(initial=0)) + off
    vars_ = np.full((n, max(width, 1)), -1, dtype=np.int64)
    coeffs = np.zeros((n, max(width, 1)))
    vars_[g, rank + off] = labels[order]
    coeffs[g, rank + off] = coef[order]
    if extra is not None:
        vars_[:, 0] = extra
        coeffs[:, 0] = 1.0
    data = xr.Dataset({"coeffs": ((dim, "_term"), coeffs), "vars": ((dim, "_term"), vars_)},
                      coords={dim: np.arange(n)})  # fmt: skip
    return linopy.LinearExpression(data, m)


# ---------------------------------------------------------------------------------------------- explanations


def _nl(value: float, decimals: int = 0) -> str:
    """Dutch number format (1.234,5), as the explanations of the afwegingskader."""
    return fmt_number(value, decimals, "nl")


def _en(value: float, decimals: int = 0) -> str:
    return fmt_number(value, decimals, "en")


def explain_infeasible(bu: AllocationBuurten, so: AllocationSources, st: AllocationSettings) -> list[tuple[str, str]]:
    """Plain-language reasons (nl, en) why the fixed-in buurten cannot all be served, with the amounts."""
    codes = [str(c) for c in bu.codes]
    index = {c: i for i, c in enumerate(codes)}
    fixed = np.array([index[c] for c in st.fixed_in], dtype=int)
    reasons: list[tuple[str, str]] = []
    if not len(fixed):
        return [("geen oplossing gevonden binnen de tijdslimiet", "no solution found within the time limit")]
    sub = _take_buurten(bu, fixed)
    table = _pair_table(sub, so, replace(st, fixed_in=(), fixed_out=()))
    ok_b, ok_s = kind_allowed(sub, so)
    dist = np.hypot(_f(sub.x)[:, None] - _f(so.x)[None, :], _f(sub.y)[:, None] - _f(so.y)[None, :])
    km = st.max_distance_m / 1000
    energy, cap = _f(so.energy_gj), _f(so.capacity_mw)
    n_alone_fit = 0
    min_heat = np.full(len(fixed), np.nan)
    min_peak = np.full(len(fixed), np.nan)
    for i in range(len(fixed)):  # loop over the (few) fixed-in buurten, for the text only
        c = codes[fixed[i]]
        rows = np.flatnonzero(table.b == i)
        allowed = np.isfinite(table.cost[rows])
        if allowed.any():
            min_heat[i] = float(np.min(np.where(allowed, table.heat[rows], np.inf)))
            min_peak[i] = float(np.min(np.where(allowed, table.peak[rows], np.inf))) * st.simultaneity
        if not len(so.codes) or dist[i].min() > st.max_distance_m:
            near = "" if not len(so.codes) else (
                f"; de dichtstbijzijnde bron ({so.codes[int(np.argmin(dist[i]))]}) ligt op "
                f"{_nl(dist[i].min() / 1000, 1)} km", f"; the nearest source ({so.codes[int(np.argmin(dist[i]))]}) "
                f"lies at {_en(dist[i].min() / 1000, 1)} km")  # fmt: skip
            reasons.append((f"buurt {c} moet op een warmtenet, maar er ligt geen bron binnen {_nl(km, 0)} km"
                            f"{near[0] if near else ''}", f"buurt {c} must be on a heat network, but no source lies "
                            f"within {_en(km, 0)} km{near[1] if near else ''}"))  # fmt: skip
            continue
        if not ok_b[i].any():
            reasons.append((f"buurt {c} moet op een warmtenet, maar geen netsoort is hier mogelijk (de "
                            f"warmtenetvarianten zijn ongeldig of passen niet bij de ambitie "
                            f"'{_ambition(sub)[i]}')", f"buurt {c} must be on a heat network, but no network kind is "
                            f"possible here (the heat-network variants are invalid or do not match the ambition "
                            f"'{_ambition(sub)[i]}')"))  # fmt: skip
            continue
        if not allowed.any():
            reach = dist[i] <= st.max_distance_m
            boost = np.asarray(so.booster, dtype=bool)
            need_booster = any(KINDS[k].booster for k, ok in zip(sub.kinds, ok_b[i], strict=True) if ok)
            need_t = min((KINDS[k].min_temperature_c for k, ok in zip(sub.kinds, ok_b[i], strict=True)
                          if ok and not KINDS[k].booster), default=math.inf)  # fmt: skip
            hot = _f(so.temperature_c)[reach & ~boost]
            lt_km = min(st.max_distance_booster_m, st.max_distance_m) / 1000
            if need_booster and (reach & boost).any() and not (boost & (dist[i] <= lt_km * 1000)).any():
                nearest = float(dist[i][reach & boost].min()) / 1000
                reasons.append((f"buurt {c}: de bronnen met boosterwarmtepomp liggen te ver (dichtstbijzijnde op "
                                f"{_nl(nearest, 1)} km, maximaal {_nl(lt_km, 0)} km voor een LT-bron), en bronnen "
                                "zonder booster binnen bereik zijn te koud of passen niet bij de buurt",
                                f"buurt {c}: the sources with a booster heat pump are too far away (nearest at "
                                f"{_en(nearest, 1)} km, at most {_en(lt_km, 0)} km for an LT source), and the sources "
                                "without booster within reach are too cold or do not suit the buurt"))  # fmt: skip
            elif (reach & boost).any() and not need_booster:
                reasons.append((f"buurt {c}: binnen bereik liggen alleen bronnen die een boosterwarmtepomp nodig "
                                "hebben of te koud zijn, en een net met collectieve warmtepomp is hier niet mogelijk "
                                "(ambitie of ongeldige variant)", f"buurt {c}: the sources within reach need a booster "
                                "heat pump or are too cold, and a network with a collective heat pump is not possible "
                                "here (ambition or invalid variant)"))  # fmt: skip
            elif np.isfinite(need_t):
                warmst = f"{_nl(hot.max(), 0)} °C" if len(hot) else "geen bron zonder booster"
                warmst_en = f"{_en(hot.max(), 0)} °C" if len(hot) else "no source without booster"
                reasons.append((f"buurt {c}: de bronnen binnen bereik zijn te koud voor een net zonder booster "
                                f"(nodig minstens {_nl(need_t, 0)} °C, warmste: {warmst})",
                                f"buurt {c}: the sources within reach are too cold for a network without booster "
                                f"(needs at least {_en(need_t, 0)} °C, warmest: {warmst_en})"))  # fmt: skip
            else:
                reasons.append((f"buurt {c}: geen passende bron binnen bereik (temperatuur of booster)",
                                f"buurt {c}: no compatible source within reach (temperature or booster)"))  # fmt: skip
            continue
        srcs = table.s[rows][allowed.any(axis=1)]
        fits = (min_heat[i] <= energy[srcs]) & (min_peak[i] <= cap[srcs])
        if not fits.any():
            big_gj, big_mw = float(np.max(energy[srcs])), float(np.max(cap[srcs]))
            reasons.append((f"buurt {c} vraagt {_nl(min_heat[i])} GJ/jaar en {_nl(min_peak[i], 1)} MW van de bron, "
                            f"meer dan elke passende bron binnen bereik alleen kan leveren (grootste: "
                            f"{_nl(big_gj)} GJ/jaar, {_nl(big_mw, 1)} MW)",
                            f"buurt {c} needs {_en(min_heat[i])} GJ/yr and {_en(min_peak[i], 1)} MW from the source, "
                            f"more than any compatible source within reach can deliver on its own (largest: "
                            f"{_en(big_gj)} GJ/yr, {_en(big_mw, 1)} MW)"))  # fmt: skip
        else:
            n_alone_fit += 1
    served = np.isfinite(min_heat)
    if served.any():
        reach = np.zeros(len(so.codes), dtype=bool)
        reach[np.unique(table.s[np.isfinite(table.cost).any(axis=1)])] = True
        need_gj, need_mw = float(np.nansum(min_heat)), float(np.nansum(min_peak))
        have_gj, have_mw = float(np.sum(energy[reach])), float(np.sum(cap[reach]))
        if need_gj > have_gj:
            reasons.append((f"de vastgezette buurten vragen samen {_nl(need_gj)} GJ/jaar, de passende bronnen binnen "
                            f"bereik leveren samen {_nl(have_gj)} GJ/jaar: {_nl(need_gj - have_gj)} GJ/jaar tekort",
                            f"the fixed buurten need {_en(need_gj)} GJ/yr together, the compatible sources within "
                            f"reach deliver {_en(have_gj)} GJ/yr together: {_en(need_gj - have_gj)} GJ/yr short",
                            ))  # fmt: skip
        if need_mw > have_mw:
            reasons.append((f"de vastgezette buurten vragen samen {_nl(need_mw, 1)} MW piekvermogen van de bronnen, "
                            f"de passende bronnen binnen bereik hebben samen {_nl(have_mw, 1)} MW: "
                            f"{_nl(need_mw - have_mw, 1)} MW tekort", f"the fixed buurten need {_en(need_mw, 1)} MW "
                            f"peak from the sources together, the compatible sources within reach have "
                            f"{_en(have_mw, 1)} MW together: {_en(need_mw - have_mw, 1)} MW short"))  # fmt: skip
        if st.max_share_per_source < 1:
            problem = _Problem(bu, so, replace(st, fixed_in=(), fixed_out=()), prune=False)
            limit = problem.share_rhs
            if need_gj > limit * int(reach.sum()):
                reasons.append((f"met maximaal {_nl(100 * st.max_share_per_source)}% van de regionale warmte "
                                f"({_nl(limit)} GJ/jaar) per bron kunnen {int(reach.sum())} bron(nen) de "
                                f"{_nl(need_gj)} GJ/jaar van de vastgezette buurten niet leveren",
                                f"with at most {_en(100 * st.max_share_per_source)}% of the regional heat "
                                f"({_en(limit)} GJ/yr) per source, {int(reach.sum())} source(s) cannot deliver the "
                                f"{_en(need_gj)} GJ/yr of the fixed buurten"))  # fmt: skip
    if not reasons:
        reasons.append(("de vastgezette buurten passen samen niet binnen de energie, het vermogen en het maximale "
                        "aandeel per bron (elk afzonderlijk wel)", "the fixed buurten do not fit together within the "
                        "energy, capacity and maximum share per source (each on its own does)"))  # fmt: skip
    return reasons


# ------------------------------------------------------------------------------------------------------ solve


def _take_buurten(bu: AllocationBuurten, idx: np.ndarray) -> AllocationBuurten:
    return replace(
        bu, codes=np.asarray(bu.codes)[idx], gemeenten=np.asarray(bu.gemeenten)[idx], x=_f(bu.x)[idx],
        y=_f(bu.y)[idx], cost_individual=_f(bu.cost_individual)[idx],
        variant_individual=np.asarray(bu.variant_individual)[idx], co2_individual=_f(bu.co2_individual)[idx],
        cost_network=_f(bu.cost_network)[idx], source_heat_gj=_f(bu.source_heat_gj)[idx],
        source_peak_mw=_f(bu.source_peak_mw)[idx], co2_network=_f(bu.co2_network)[idx],
        ambition=None if bu.ambition is None else np.asarray(bu.ambition)[idx],
    )  # fmt: skip


def _take_sources(so: AllocationSources, idx: np.ndarray) -> AllocationSources:
    fields_ = ("codes", "x", "y", "energy_gj", "capacity_mw", "temperature_c", "booster", "heat_price_eur_gj",
               "connection_cost_eur_kw", "co2_kg_per_gj", "gemeenten")  # fmt: skip
    out = {f: np.asarray(getattr(so, f))[idx] for f in fields_}
    return AllocationSources(**out, names=None if so.names is None else np.asarray(so.names)[idx])


class _Runner:
    """Counts solver calls for the progress callback and checks ``cancelled`` before each call."""

    def __init__(self, progress: Callable[[str, int, int], None] | None, cancelled: Callable[[], bool] | None,
                 total: int) -> None:  # fmt: skip
        self.progress, self.cancelled, self.total, self.done = progress, cancelled, total, 0

    def __call__(self, label: str, fn: Callable[[], tuple[_Chosen, _Sol]]) -> tuple[_Chosen, _Sol]:
        if self.cancelled is not None and self.cancelled():
            raise AllocationCancelled()
        if self.progress is not None and self.done == 0:
            self.progress(label, 0, self.total)
        out = fn()
        self.done += 1
        if self.progress is not None:
            self.progress(label, self.done, self.total)
        return out


def _outcome(prob: _Problem, ch: _Chosen, sol: _Sol) -> dict[str, np.ndarray | float]:
    """Per-buurt and per-source arrays of one solution."""
    bu = prob.bu
    n_b, n_s = prob.n_b, prob.n_s
    sel = np.flatnonzero(sol.x)
    b, s = ch.b[sel], ch.s[sel]
    assignment = np.full(n_b, -1, dtype=int)
    assignment[b] = s
    kind = np.asarray(bu.variant_individual, dtype=object).copy()
    kind[b] = np.asarray(bu.kinds, dtype=object)[ch.k[sel]]
    cost_buurt = _f(bu.cost_individual).copy()
    cost_buurt[b] = ch.cost[sel]
    co2_buurt = _f(bu.co2_individual).copy()
    co2_buurt[b] = ch.co2[sel]
    pipe, dist, heat, peak = np.zeros(n_b), np.full(n_b, np.nan), np.zeros(n_b), np.zeros(n_b)
    pipe[b], dist[b], heat[b], peak[b] = ch.pipe[sel], ch.routed[sel], ch.heat[sel], ch.peak[sel]
    return {
        "assignment": assignment, "kind": kind.astype(str), "cost_buurt": cost_buurt, "co2_buurt": co2_buurt,
        "pipe_cost": pipe, "distance_m": dist, "heat_gj": heat, "peak_mw": peak,
        "use_gj": np.bincount(s, weights=heat[b], minlength=n_s),
        "use_mw": np.bincount(s, weights=prob.st.simultaneity * peak[b], minlength=n_s),
        "cost": float(cost_buurt.sum()), "co2": float(co2_buurt.sum()),
    }  # fmt: skip


def solve(
    buurten: AllocationBuurten,
    sources: AllocationSources,
    settings: AllocationSettings = AllocationSettings(),
    *,
    progress: Callable[[str, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    _prune: bool = True,
    _decompose: bool = True,
) -> AllocationResult:
    """Optimal assignment of buurten to sources or their individual variant (see the module docstring).

    ``progress(label, done, total)`` is called per solver call (label 'nl / en'); ``cancelled()`` is checked before
    every solver call and raises :class:`AllocationCancelled`. Infeasible (only possible through fixed-in buurten)
    -> status ``onhaalbaar`` with reasons in Dutch and English. ``_prune=False`` / ``_decompose=False`` (tests
    only) keep dominated pairs / solve one model instead of independent parts.
    """
    _check(buurten, sources, settings)
    st = settings
    t_start = time.perf_counter()
    prob = _Problem(buurten, sources, st, prune=_prune)
    prob.decompose = _decompose
    n_b, n_s = prob.n_b, prob.n_s
    bindable = prob.bindable() if st.marginal_values else np.zeros(n_s, dtype=bool)
    gem_codes = sorted(set(map(str, buurten.gemeenten))) if st.standalone else []
    n_pareto = st.pareto_points if st.pareto_points >= 2 else 0
    runner = _Runner(progress, cancelled, 1 + int(bindable.sum()) + len(gem_codes) + n_pareto)
    ch, sol = runner("optimale toewijzing / optimal allocation", prob.run)
    timings = {"prepare_s": 0.0, "main_s": sol.seconds}
    timings["prepare_s"] = time.perf_counter() - t_start - sol.seconds
    warnings: list[tuple[str, str]] = []
    c_ind_total = float(_f(buurten.cost_individual).sum())
    if not sol.feasible:
        expl = explain_infeasible(buurten, sources, st) if not sol.time_limited or st.fixed_in else [(
            f"geen toegestane oplossing gevonden binnen de tijdslimiet van {_nl(st.time_limit_s)} s",
            f"no feasible solution found within the time limit of {_en(st.time_limit_s)} s")]  # fmt: skip
        nan_s = np.full(n_s, np.nan)
        return AllocationResult(
            status=STATUS_ONHAALBAAR, assignment=np.full(n_b, -1), kind=np.asarray(buurten.variant_individual, str),
            cost=math.nan, cost_individual_total=c_ind_total, cost_buurt=np.full(n_b, np.nan),
            pipe_cost=np.zeros(n_b), distance_m=np.full(n_b, np.nan), heat_gj=np.zeros(n_b), peak_mw=np.zeros(n_b),
            co2=math.nan, co2_buurt=np.full(n_b, np.nan), use_gj=np.zeros(n_s), use_mw=np.zeros(n_s),
            marginal_value_eur_per_mw=nan_s, gap=math.nan, solve_seconds=sol.seconds, explanation=tuple(expl),
            warnings=(), timings=timings, n_pairs=len(ch.b), outlook=_outlook(prob.table, buurten, sources),
        )  # fmt: skip
    out = _outcome(prob, ch, sol)
    status = STATUS_TIJDSLIMIET if sol.time_limited else STATUS_OPTIMAAL
    if sol.time_limited:
        warnings.append((f"tijdslimiet van {_nl(st.time_limit_s)} s bereikt: optimaliteitsmarge "
                         f"{_nl(100 * sol.gap, 2)}%", f"time limit of {_en(st.time_limit_s)} s reached: optimality gap "
                         f"{_en(100 * sol.gap, 2)}%"))  # fmt: skip
    # --- what one more MW is worth
    marginal = np.full(n_s, np.nan)
    t0 = time.perf_counter()
    if st.marginal_values:
        marginal[:] = 0.0
        cap0 = _f(sources.capacity_mw)
        # A re-solve that does not use the extra MW is feasible without it: its improvement (possible within the
        # optimality gap) is not the MW's value. Such solutions tighten the base optimum the values are taken from.
        best_base = sol.objective
        resolved: list[tuple[int, _Sol, float]] = []
        for j in np.flatnonzero(bindable):  # one re-solve per source whose capacity can bind
            cap = cap0.copy()
            cap[j] += st.delta_mw
            c_j, again = runner(f"waarde extra MW {sources.codes[j]} / value of one more MW {sources.codes[j]}",
                                lambda cap=cap, j=j: prob.run(cap, start=(ch, sol), only_source=int(j)))  # fmt: skip
            use_j = (float(st.simultaneity * np.sum(c_j.peak[again.x & (c_j.s == j)])) if again.feasible
                     else math.nan)  # fmt: skip
            if again.feasible and use_j <= cap0[j] * (1 + 1e-9):
                best_base = min(best_base, again.objective)
            resolved.append((int(j), again, use_j))
        for j, again, use_j in resolved:
            if not again.feasible:
                marginal[j] = math.nan
            elif use_j <= cap0[j] * (1 + 1e-9):
                marginal[j] = 0.0
            else:
                marginal[j] = max(best_base - again.objective, 0.0) / st.delta_mw
    timings["marginal_s"] = time.perf_counter() - t0
    # --- per gemeente, and what going alone would cost
    t0 = time.perf_counter()
    gem = np.asarray(buurten.gemeenten, dtype=str)
    summaries = []
    for g in sorted(set(gem.tolist())):
        idx = np.flatnonzero(gem == g)
        connected = int((out["assignment"][idx] >= 0).sum())  # type: ignore[index]
        cost_g = float(out["cost_buurt"][idx].sum())  # type: ignore[index]
        co2_g = float(out["co2_buurt"][idx].sum())  # type: ignore[index]
        alone = gain = None
        if st.standalone:
            sub_b = _take_buurten(buurten, idx)
            sub_s = _take_sources(sources, np.flatnonzero(np.asarray(sources.gemeenten, dtype=str) == g))
            codes = set(map(str, sub_b.codes))
            sub_st = replace(st, fixed_in=tuple(c for c in st.fixed_in if c in codes),
                             fixed_out=tuple(c for c in st.fixed_out if c in codes))  # fmt: skip
            sub = _Problem(sub_b, sub_s, sub_st, prune=_prune)
            _c, s_sol = runner(f"gemeente {g} alleen / gemeente {g} alone", sub.run)
            if s_sol.feasible:
                alone = s_sol.objective
                gain = alone - cost_g
            else:
                warnings.append((f"gemeente {g} kan alleen de vastgezette buurten niet bedienen",
                                 f"gemeente {g} alone cannot serve its fixed buurten"))  # fmt: skip
        summaries.append(GemeenteSummary(g, len(idx), connected, cost_g, co2_g, alone, gain))
    timings["standalone_s"] = time.perf_counter() - t0
    # --- cost / CO2 front
    t0 = time.perf_counter()
    pareto: list[ParetoPoint] = []
    if n_pareto:
        n_conn = int((out["assignment"] >= 0).sum())  # type: ignore[operator]
        pareto.append(ParetoPoint(float(out["cost"]), float(out["co2"]), n_conn))
        ch1, low = runner("minimale CO2 / minimum CO2", lambda: prob.run(objective="co2"))
        e0, e1 = float(out["co2"]), low.objective
        points = [e0 - (e0 - e1) * i / (n_pareto - 1) for i in range(1, n_pareto)]
        for eps in points:
            limit = eps + 1e-9 * max(abs(eps), 1.0)
            ch_e, s_e = runner(f"Pareto-punt CO2 <= {_nl(eps, 1)} t / Pareto point CO2 <= {_en(eps, 1)} t",
                               lambda limit=limit: prob.run(co2_max=limit))  # fmt: skip
            if s_e.feasible:
                o = _outcome(prob, ch_e, s_e)
                pareto.append(ParetoPoint(float(o["cost"]), float(o["co2"]), int((o["assignment"] >= 0).sum())))
        del ch1
    timings["pareto_s"] = time.perf_counter() - t0
    return AllocationResult(
        status=status, assignment=out["assignment"], kind=out["kind"], cost=float(out["cost"]),  # type: ignore[arg-type]
        cost_individual_total=c_ind_total, cost_buurt=out["cost_buurt"], pipe_cost=out["pipe_cost"],  # type: ignore[arg-type]
        distance_m=out["distance_m"], heat_gj=out["heat_gj"], peak_mw=out["peak_mw"], co2=float(out["co2"]),  # type: ignore[arg-type]
        co2_buurt=out["co2_buurt"], use_gj=out["use_gj"], use_mw=out["use_mw"],  # type: ignore[arg-type]
        marginal_value_eur_per_mw=marginal, gap=sol.gap, solve_seconds=sol.seconds, explanation=(),
        gemeenten=tuple(summaries), pareto=tuple(pareto), warnings=tuple(warnings), timings=timings,
        n_pairs=len(ch.b), outlook=_outlook(prob.table, buurten, sources),
    )  # fmt: skip


def source_codes(result: AllocationResult, sources: AllocationSources) -> list[str | None]:
    """The assigned source code per buurt (None = individual)."""
    return [str(sources.codes[a]) if a >= 0 else None for a in result.assignment]


__all__: Sequence[str] = (
    "KINDS", "Kind", "AllocationBuurten", "AllocationSources", "AllocationSettings", "AllocationResult",
    "AllocationError", "AllocationCancelled", "GemeenteSummary", "ParetoPoint", "explain_infeasible",
    "kind_allowed", "settings_from_params", "solve", "source_codes",
)  # fmt: skip
