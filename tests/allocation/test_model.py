"""Allocation core: hand-checked optima, capacity and temperature never violated, marginal capacity value,
fixed buurten and infeasibility explained in plain language."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmteregio.allocation.model import (
    STATUS_ONHAALBAAR,
    STATUS_OPTIMAAL,
    AllocationBuurten,
    AllocationError,
    AllocationSettings,
    AllocationSources,
    solve,
    source_codes,
)

FLAT = AllocationSettings(detour_factor=1.0, annuity=1.0, heat_loss=0.0, simultaneity=1.0,
                          pipe_cost_per_m=lambda cap: np.zeros_like(cap))  # fmt: skip


def buurten(demand, peak, ind, net, temp=None, x=None) -> AllocationBuurten:
    n = len(demand)
    return AllocationBuurten(
        codes=np.array([f"BU0000000{i}" for i in range(n)]), demand_gj=np.array(demand, float),
        peak_mw=np.array(peak, float), cost_individual=np.array(ind, float), cost_network=np.array(net, float),
        temperature_needed_c=np.array(temp if temp is not None else [70.0] * n, float),
        x=np.array(x if x is not None else [0.0] * n, float), y=np.zeros(n),
    )  # fmt: skip


def bronnen(energy, cap, temp=None, price=None, x=None) -> AllocationSources:
    m = len(energy)
    return AllocationSources(
        codes=np.array([f"BRON{j}" for j in range(m)]), energy_gj=np.array(energy, float),
        capacity_mw=np.array(cap, float), temperature_c=np.array(temp if temp is not None else [90.0] * m, float),
        heat_price_eur_gj=np.array(price if price is not None else [0.0] * m, float),
        x=np.array(x if x is not None else [0.0] * m, float), y=np.zeros(m),
    )  # fmt: skip


def test_hand_checked_optimum_with_capacity_limit():
    """Savings of a network: 4, 2, 8 EUR; the source takes 35 GJ: best is buurt 2 (30 GJ, saving 8) alone;
    buurten 0+1 (30 GJ, saving 6) lose to it. Total = 5 + 4 + 1 = 10."""
    b = buurten([10, 20, 30], [1, 1, 1], [5, 4, 9], [1, 2, 1])
    r = solve(b, bronnen([35], [10]), FLAT)
    assert r.status == STATUS_OPTIMAAL
    assert list(r.assignment) == [-1, -1, 0]
    assert r.cost == pytest.approx(10.0)
    assert r.use_gj[0] == pytest.approx(30.0)
    assert source_codes(r, bronnen([35], [10])) == [None, None, "BRON0"]


def test_marginal_value_of_capacity():
    """Peak capacity binds: 1 MW more lets a second buurt connect and saves its 3 EUR."""
    b = buurten([1, 1], [1, 1], [10, 10], [6, 7])
    r = solve(b, bronnen([100], [1]), FLAT)
    assert sorted(r.assignment.tolist()) == [-1, 0]
    assert r.cost == pytest.approx(6 + 10)
    assert r.marginal_value_eur_per_mw[0] == pytest.approx(3.0)
    slack = solve(b, bronnen([100], [5]), FLAT)
    assert slack.marginal_value_eur_per_mw[0] == pytest.approx(0.0)


def test_temperature_and_distance_exclude_sources():
    b = buurten([1, 1], [1, 1], [10, 10], [1, 1], temp=[70, 50], x=[0, 0])
    s = bronnen([100, 100], [10, 10], temp=[60, 90], x=[0, 30_000])  # hot source out of reach
    r = solve(b, s, FLAT)
    assert list(r.assignment) == [-1, 0]  # the 70 C buurt cannot use the 60 C source, the hot one is too far


def test_pipe_cost_and_heat_price_enter_the_choice():
    """A pipe of 10 km at 2 EUR/m/yr costs 20,000: connecting only pays when the individual option is dearer."""
    st_ = AllocationSettings(detour_factor=1.0, annuity=1.0, heat_loss=0.1, simultaneity=1.0,
                             pipe_cost_per_m=lambda cap: np.full_like(cap, 2.0))  # fmt: skip
    b = buurten([100, 100], [1, 1], [30_000, 15_000], [1_000, 1_000], x=[10_000, 10_000])
    r = solve(b, bronnen([1_000], [10], price=[10.0]), st_)
    assert list(r.assignment) == [0, -1]
    assert r.pipe_cost[0] == pytest.approx(20_000.0)
    assert r.cost == pytest.approx(1_000 + 100 * 1.1 * 10 + 20_000 + 15_000)


def test_fixed_buurten_and_infeasibility_explained():
    b = buurten([10, 20], [1, 1], [1, 100], [50, 1])
    s = bronnen([100], [10])
    forced = solve(
        b, s, AllocationSettings(**{**FLAT.__dict__, "fixed_in": ("BU00000000",), "fixed_out": ("BU00000001",)})
    )
    assert list(forced.assignment) == [0, -1]
    too_big = solve(
        b, bronnen([15], [10]), AllocationSettings(**{**FLAT.__dict__, "fixed_in": ("BU00000000", "BU00000001")})
    )
    assert too_big.status == STATUS_ONHAALBAAR
    text = " ".join(nl for nl, _en in too_big.explanation)
    assert "30 GJ/jaar" in text and "15 GJ/jaar" in text and "tekort" in text
    with pytest.raises(AllocationError):
        solve(b, s, AllocationSettings(**{**FLAT.__dict__, "fixed_in": ("BU99999999",)}))


@settings(max_examples=25, deadline=None)
@given(
    demand=st.lists(st.floats(1, 50), min_size=2, max_size=6),
    cap=st.floats(0, 100),
    temps=st.lists(st.sampled_from([50.0, 70.0, 90.0]), min_size=6, max_size=6),
)
def test_never_exceeds_capacity_or_assigns_incompatible_temperature(demand, cap, temps):
    n = len(demand)
    b = buurten(demand, [d / 10 for d in demand], [100.0] * n, [1.0] * n, temp=temps[:n])
    s = bronnen([cap, 2 * cap], [cap / 10, cap / 5], temp=[70.0, 90.0])
    r = solve(b, s, FLAT, marginal_values=False)
    assert r.status == STATUS_OPTIMAAL
    for j in range(2):
        assert r.use_gj[j] <= s.energy_gj[j] + 1e-6 and r.use_mw[j] <= s.capacity_mw[j] + 1e-6
    for i, a in enumerate(r.assignment):
        if a >= 0:
            assert s.temperature_c[a] >= b.temperature_needed_c[i]
