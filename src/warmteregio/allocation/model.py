"""Regional allocation of heat sources to buurten (linopy + HiGHS): the optimisation core.

For a region, every buurt either keeps its best individual variant or is connected to one collective source
through a transport pipe. The model minimises national costs [EUR/yr]:

    min  sum_b c_ind[b] * y[b]  +  sum_{b,s} (c_net[b] + c_heat[b,s] + c_pipe[b,s]) * x[b,s]
    s.t. sum_s x[b,s] + y[b] = 1                                   (every buurt gets exactly one option)
         sum_b d[b] * (1 + loss) * x[b,s] <= E[s]                  (source energy [GJ/yr])
         sum_b p[b] * simultaneity * x[b,s] <= P[s]                (source peak capacity [MW])
         sum_b d[b] * x[b,s] <= share_max * sum_b d[b]             (dependence on one source)
         x[b,s] = 0 where the source's temperature is below what the buurt needs, or beyond reach
         x, y binary; user-fixed buurten: y[b] = 1 (out) or sum_s x[b,s] = 1 (in)

* ``c_ind``: national costs of the buurt's best individual variant; ``c_net``: its heat-network costs without
  the transport pipe and source heat (distribution, connections, substations);
* ``c_heat[b,s] = d[b] * (1 + loss) * heat price of s``;
* ``c_pipe[b,s]``: transport pipe from the source to the buurt centroid, investment =
  detour factor x routed cost per metre at the pipe's capacity (PBL's cost curve,
  :func:`warmteregio.engine.heatnet.leidingkosten_per_m`) x straight distance, annualised.

Pure apart from the solver call: arrays in, arrays out, no database. Each source's marginal value of capacity
("what is one more MW here worth") is the drop in the optimum when that source gets ``delta_mw`` more peak
capacity (a re-solve per source, exact for the integer model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

STATUS_OPTIMAAL = "optimaal"
STATUS_ONHAALBAAR = "onhaalbaar"


class AllocationError(ValueError):
    """Bad input for the allocation model; ``nl`` and ``en`` carry the message in Dutch and English."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


@dataclass(frozen=True)
class AllocationBuurten:
    """B buurten. Money in EUR/yr (national costs), demand in GJ/yr at the buildings, peak in MW, temperature
    in degrees C (the supply temperature the buildings need after insulation), coordinates in RD New [m]."""

    codes: np.ndarray
    demand_gj: np.ndarray
    peak_mw: np.ndarray
    cost_individual: np.ndarray
    cost_network: np.ndarray
    temperature_needed_c: np.ndarray
    x: np.ndarray
    y: np.ndarray
    gemeenten: np.ndarray | None = None


@dataclass(frozen=True)
class AllocationSources:
    """S sources: available heat [GJ/yr], peak capacity [MW], supply temperature [C], heat price [EUR/GJ],
    coordinates in RD New [m]."""

    codes: np.ndarray
    energy_gj: np.ndarray
    capacity_mw: np.ndarray
    temperature_c: np.ndarray
    heat_price_eur_gj: np.ndarray
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class AllocationSettings:
    """Model settings (defaults documented in docs/method/allocation.md).

    ``pipe_cost_per_m``: callable capacity [MW] -> investment per metre [EUR/m] (default: the engine's MT net
    curve with the given parameters); ``annuity``: factor investment -> EUR/yr; ``max_distance_m``: beyond it a
    source is out of reach; ``fixed_in`` / ``fixed_out``: buurt codes the user fixes on a network / individual."""

    detour_factor: float = 1.25
    annuity: float = 0.0533
    heat_loss: float = 0.15
    simultaneity: float = 0.7
    max_share_per_source: float = 1.0
    max_distance_m: float = 25_000.0
    pipe_cost_per_m: object = None
    fixed_in: tuple[str, ...] = ()
    fixed_out: tuple[str, ...] = ()
    delta_mw: float = 1.0
    time_limit_s: float = 60.0
    mip_gap: float = 0.0


@dataclass(frozen=True)
class AllocationResult:
    """``assignment`` (B,): source index or -1 (individual); ``cost`` total EUR/yr; ``pipe_cost`` (B,) EUR/yr of
    the chosen transport pipe (0 when individual); ``use_gj`` / ``use_mw`` (S,) what each source delivers;
    ``marginal_value_eur_per_mw`` (S,) the drop in total cost with ``delta_mw`` more capacity (per MW);
    ``gap`` the solver's relative optimality gap; ``status`` optimaal or onhaalbaar with ``explanation``."""

    status: str
    assignment: np.ndarray
    cost: float
    pipe_cost: np.ndarray
    use_gj: np.ndarray
    use_mw: np.ndarray
    marginal_value_eur_per_mw: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gap: float = 0.0
    explanation: tuple[tuple[str, str], ...] = ()


def _default_pipe_cost(capacity_mw: np.ndarray) -> np.ndarray:
    """PBL's MT transport-pipe curve via the engine (vesta2025 parameters)."""
    from warmteregio.catalogue import load_parameter_set
    from warmteregio.engine.heatnet import leidingkosten_per_m

    return np.asarray(leidingkosten_per_m(capacity_mw, load_parameter_set("vesta2025").values, "MTnet"), dtype=float)


def _check(b: AllocationBuurten, s: AllocationSources, st: AllocationSettings) -> None:
    n = len(b.codes)
    for name in ("demand_gj", "peak_mw", "cost_individual", "cost_network", "temperature_needed_c", "x", "y"):
        arr = np.asarray(getattr(b, name), dtype=float)
        if arr.shape != (n,) or not np.isfinite(arr).all():
            raise AllocationError(f"buurten: {name} moet {n} eindige waarden hebben",
                                  f"buurten: {name} must have {n} finite values")  # fmt: skip
    m = len(s.codes)
    for name in ("energy_gj", "capacity_mw", "temperature_c", "heat_price_eur_gj", "x", "y"):
        arr = np.asarray(getattr(s, name), dtype=float)
        if (
            arr.shape != (m,)
            or not np.isfinite(arr).all()
            or (name in ("energy_gj", "capacity_mw") and (arr < 0).any())
        ):
            raise AllocationError(
                f"bronnen: {name} moet {m} eindige waarden hebben (>= 0 voor energie en vermogen)",
                f"sources: {name} must have {m} finite values (>= 0 for energy and capacity)",
            )
    unknown = sorted(set(st.fixed_in + st.fixed_out) - set(map(str, b.codes)))
    if unknown:
        raise AllocationError(f"onbekende vastgezette buurten: {', '.join(unknown)}",
                              f"unknown fixed buurten: {', '.join(unknown)}")  # fmt: skip
    both = sorted(set(st.fixed_in) & set(st.fixed_out))
    if both:
        raise AllocationError(f"buurten zowel aan- als uitgezet: {', '.join(both)}",
                              f"buurten fixed both in and out: {', '.join(both)}")  # fmt: skip


def option_costs(
    b: AllocationBuurten, s: AllocationSources, st: AllocationSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cost of connecting b to s [EUR/yr] incl. pipe and heat, pipe cost [EUR/yr], allowed (B, S) bool)."""
    dist = np.hypot(np.asarray(b.x, float)[:, None] - np.asarray(s.x, float)[None, :],
                    np.asarray(b.y, float)[:, None] - np.asarray(s.y, float)[None, :])  # fmt: skip
    pipe_per_m = st.pipe_cost_per_m or _default_pipe_cost
    cap = np.asarray(b.peak_mw, float) * st.simultaneity
    per_m = np.asarray(pipe_per_m(np.broadcast_to(cap[:, None], dist.shape)), dtype=float)
    pipe = st.detour_factor * per_m * dist * st.annuity
    heat = np.asarray(b.demand_gj, float)[:, None] * (1 + st.heat_loss) * np.asarray(s.heat_price_eur_gj, float)[None]
    cost = np.asarray(b.cost_network, float)[:, None] + heat + pipe
    allowed = (np.asarray(s.temperature_c, float)[None, :] >= np.asarray(b.temperature_needed_c, float)[:, None]) & (
        dist <= st.max_distance_m
    )
    return cost, pipe, allowed


def explain_infeasible(b: AllocationBuurten, s: AllocationSources, st: AllocationSettings) -> list[tuple[str, str]]:
    """Plain-language reasons (nl, en) why the fixed-in buurten cannot all be served, with the shortfall."""
    _cost, _pipe, allowed = option_costs(b, s, st)
    codes = [str(c) for c in b.codes]
    reasons: list[tuple[str, str]] = []
    fixed = [codes.index(c) for c in st.fixed_in]
    for i in fixed:
        if not allowed[i].any():
            reasons.append((
                f"buurt {codes[i]} moet op een warmtenet, maar geen bron binnen bereik levert de benodigde "
                f"{b.temperature_needed_c[i]:.0f} °C",
                f"buurt {codes[i]} must be on a heat network, but no source within reach supplies the required "
                f"{b.temperature_needed_c[i]:.0f} °C",
            ))  # fmt: skip
    if fixed:
        need_gj = float(np.sum(np.asarray(b.demand_gj, float)[fixed]) * (1 + st.heat_loss))
        need_mw = float(np.sum(np.asarray(b.peak_mw, float)[fixed]) * st.simultaneity)
        reach = allowed[fixed].any(axis=0)
        have_gj = float(np.sum(np.asarray(s.energy_gj, float)[reach]))
        have_mw = float(np.sum(np.asarray(s.capacity_mw, float)[reach]))
        if need_gj > have_gj:
            reasons.append((
                f"de vastgezette buurten vragen {need_gj:,.0f} GJ/jaar, de bronnen binnen bereik leveren samen "
                f"{have_gj:,.0f} GJ/jaar: {need_gj - have_gj:,.0f} GJ/jaar tekort".replace(",", "."),
                f"the fixed buurten need {need_gj:,.0f} GJ/yr, the sources within reach deliver {have_gj:,.0f} GJ/yr "
                f"together: {need_gj - have_gj:,.0f} GJ/yr short",
            ))  # fmt: skip
        if need_mw > have_mw:
            reasons.append((
                f"de vastgezette buurten vragen {need_mw:.1f} MW piek, de bronnen binnen bereik hebben samen "
                f"{have_mw:.1f} MW: {need_mw - have_mw:.1f} MW tekort".replace(".", ","),
                f"the fixed buurten need {need_mw:.1f} MW peak, the sources within reach have {have_mw:.1f} MW "
                f"together: {need_mw - have_mw:.1f} MW short",
            ))  # fmt: skip
    if not reasons:
        reasons.append((
            "de vastgezette buurten passen samen niet binnen de capaciteit en het maximale aandeel per bron",
            "the fixed buurten do not fit together within the capacity and the maximum share per source",
        ))  # fmt: skip
    return reasons


def _solve_once(b: AllocationBuurten, s: AllocationSources, st: AllocationSettings):  # noqa: ANN202
    import linopy
    import xarray as xr

    codes = [str(c) for c in b.codes]
    bronnen = [str(c) for c in s.codes]
    cost, pipe, allowed = option_costs(b, s, st)
    d = np.asarray(b.demand_gj, float)
    p = np.asarray(b.peak_mw, float)
    coords_bs = [("buurt", codes), ("bron", bronnen)]
    m = linopy.Model()
    # x[b,s] in {0, 1}; fixed to 0 where the source is incompatible or out of reach (upper bound 0)
    x = m.add_variables(lower=0, upper=xr.DataArray(allowed.astype(float), coords=coords_bs), integer=True,
                        coords=coords_bs, name="x")  # fmt: skip
    y = m.add_variables(binary=True, coords=[("buurt", codes)], name="y")
    m.add_constraints(x.sum("bron") + y == 1, name="een_optie")
    dd = xr.DataArray(d * (1 + st.heat_loss), coords=[("buurt", codes)])
    pp = xr.DataArray(p * st.simultaneity, coords=[("buurt", codes)])
    if bronnen:
        energy = xr.DataArray(np.asarray(s.energy_gj, float), coords=[("bron", bronnen)])
        capacity = xr.DataArray(np.asarray(s.capacity_mw, float), coords=[("bron", bronnen)])
        m.add_constraints((x * dd).sum("buurt") <= energy, name="energie")
        m.add_constraints((x * pp).sum("buurt") <= capacity, name="vermogen")
        if st.max_share_per_source < 1.0:
            share = xr.DataArray(d, coords=[("buurt", codes)])
            m.add_constraints((x * share).sum("buurt") <= st.max_share_per_source * float(d.sum()), name="aandeel")
    for c in st.fixed_out:
        m.add_constraints(y.sel(buurt=c) == 1, name=f"uit_{c}")
    for c in st.fixed_in:
        m.add_constraints(y.sel(buurt=c) == 0, name=f"in_{c}")
    obj = (y * xr.DataArray(np.asarray(b.cost_individual, float), coords=[("buurt", codes)])).sum()
    if bronnen:
        obj = obj + (x * xr.DataArray(np.where(allowed, cost, 0.0), coords=coords_bs)).sum()
    m.add_objective(obj)
    status, condition = m.solve(solver_name="highs", output_flag=False, time_limit=st.time_limit_s,
                                mip_rel_gap=st.mip_gap)  # fmt: skip
    if condition not in ("optimal", "time_limit", "suboptimal") or status != "ok":
        return None
    xs = np.nan_to_num(x.solution.values) > 0.5 if bronnen else np.zeros((len(codes), 0), dtype=bool)
    assignment = np.where(xs.any(axis=1), np.argmax(xs, axis=1), -1)
    total = float(m.objective.value)
    gap = 0.0
    if condition != "optimal":
        gap = float("nan")
    return assignment, total, pipe, gap


def solve(
    buurten: AllocationBuurten,
    sources: AllocationSources,
    settings: AllocationSettings = AllocationSettings(),
    marginal_values: bool = True,
) -> AllocationResult:
    """Optimal assignment of buurten to sources (or individual), with each source's marginal capacity value.
    Infeasible (only possible through fixed-in buurten) -> status ``onhaalbaar`` with plain-language reasons."""
    _check(buurten, sources, settings)
    n, m = len(buurten.codes), len(sources.codes)
    out = _solve_once(buurten, sources, settings)
    if out is None:
        return AllocationResult(STATUS_ONHAALBAAR, np.full(n, -1), float("nan"), np.zeros(n), np.zeros(m),
                                np.zeros(m), np.full(m, np.nan), float("nan"),
                                tuple(explain_infeasible(buurten, sources, settings)))  # fmt: skip
    assignment, total, pipe, gap = out
    d = np.asarray(buurten.demand_gj, float) * (1 + settings.heat_loss)
    p = np.asarray(buurten.peak_mw, float) * settings.simultaneity
    use_gj = np.array([d[assignment == j].sum() for j in range(m)])
    use_mw = np.array([p[assignment == j].sum() for j in range(m)])
    chosen_pipe = np.array([pipe[i, a] if a >= 0 else 0.0 for i, a in enumerate(assignment)])
    values = np.zeros(m)
    if marginal_values:
        for j in range(m):
            more = replace(
                sources, capacity_mw=np.asarray(sources.capacity_mw, float) + settings.delta_mw * (np.arange(m) == j)
            )
            again = _solve_once(buurten, more, settings)
            values[j] = (total - again[1]) / settings.delta_mw if again is not None else np.nan
    return AllocationResult(STATUS_OPTIMAAL, assignment, total, chosen_pipe, use_gj, use_mw, values, gap)


def source_codes(result: AllocationResult, sources: AllocationSources) -> list[str | None]:
    """The assigned source code per buurt (None = individual)."""
    return [str(sources.codes[a]) if a >= 0 else None for a in result.assignment]


__all__: Sequence[str] = (
    "AllocationBuurten", "AllocationSources", "AllocationSettings", "AllocationResult", "AllocationError",
    "option_costs", "explain_infeasible", "solve", "source_codes",
)  # fmt: skip
