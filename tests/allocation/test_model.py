"""Allocation core: hand-checked optima, constraints never violated, exact pruning, marginal capacity value,
standalone gains per gemeente, the cost/CO2 front and infeasibility explained in Dutch and English."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmteregio.allocation import (
    KINDS,
    AllocationBuurten,
    AllocationCancelled,
    AllocationError,
    AllocationSettings,
    AllocationSources,
    solve,
    source_codes,
)
from warmteregio.allocation.model import STATUS_ONHAALBAAR, STATUS_OPTIMAAL, kind_allowed

# no pipe cost, no losses, annuity 1: costs are the numbers in the tests
FLAT = AllocationSettings(
    detour_factor=1.0, annuity=1.0, transport_loss_per_km=0.0, simultaneity=1.0, om_pipe=0.0, om_connection=0.0,
    pipe_cost_per_m=lambda cap, curve: np.zeros_like(cap), standalone=False,
)  # fmt: skip


def buurten(heat, peak, ind, net, *, x=None, gem=None, kinds=("net_B",), co2_ind=None, amb=None) -> AllocationBuurten:
    """B buurten; per-kind arrays take one column per kind (or a 1-D list used for every kind)."""
    n, k = len(ind), len(kinds)

    def cols(v):  # noqa: ANN001, ANN202
        a = np.asarray(v, float)
        return np.tile(a[:, None], (1, k)) if a.ndim == 1 else a

    return AllocationBuurten(
        codes=np.array([f"BU{i:08d}" for i in range(n)]), gemeenten=np.array(gem or ["GM0001"] * n),
        x=np.array(x if x is not None else [0.0] * n, float), y=np.zeros(n), cost_individual=np.array(ind, float),
        variant_individual=np.array(["S1a"] * n), co2_individual=np.array(co2_ind or [0.0] * n, float),
        kinds=tuple(kinds), cost_network=cols(net), source_heat_gj=cols(heat), source_peak_mw=cols(peak),
        co2_network=np.zeros((n, k)), ambition=None if amb is None else np.array(amb),
    )  # fmt: skip


def bronnen(energy, cap, *, temp=None, price=None, x=None, gem=None, booster=None, conn=None, co2=None):  # noqa: ANN001, ANN201
    m = len(energy)
    return AllocationSources(
        codes=np.array([f"BRON{j}" for j in range(m)]), x=np.array(x if x is not None else [0.0] * m, float),
        y=np.zeros(m), energy_gj=np.array(energy, float), capacity_mw=np.array(cap, float),
        temperature_c=np.array(temp or [90.0] * m, float), booster=np.array(booster or [False] * m),
        heat_price_eur_gj=np.array(price or [0.0] * m, float),
        connection_cost_eur_kw=np.array(conn or [0.0] * m, float),
        co2_kg_per_gj=np.array(co2 or [0.0] * m, float), gemeenten=np.array(gem or ["GM0001"] * m),
    )  # fmt: skip


def test_hand_checked_energy_limit():
    """Savings of a network: 4, 2, 8 EUR; the source has 35 GJ: buurt 2 (30 GJ, saving 8) beats 0+1 (30 GJ,
    saving 6). Total = 5 + 4 + 1 = 10."""
    b = buurten([10, 20, 30], [1, 1, 1], [5, 4, 9], [1, 2, 1])
    s = bronnen([35], [10])
    r = solve(b, s, FLAT)
    assert r.status == STATUS_OPTIMAAL and r.gap == 0.0
    assert list(r.assignment) == [-1, -1, 0]
    assert r.cost == pytest.approx(10.0)
    assert r.cost_individual_total == pytest.approx(18.0)
    assert r.use_gj[0] == pytest.approx(30.0)
    assert source_codes(r, s) == [None, None, "BRON0"]
    assert list(r.kind) == ["S1a", "S1a", "net_B"]


def test_hand_checked_three_buurten_two_sources_with_pipe_heat_and_connection():
    """Every cost term computed by hand: pipe 2 EUR/m/yr, detour 1.5, heat price, connection per kW, 1 %/km loss.

    Buurt 0 at x=0, buurt 1 at x=1000, buurt 2 at x=4000; source A at x=0 (10 EUR/GJ, 1 MW), source B at x=4000
    (0 EUR/GJ, 20 EUR/kW, 100 MW). Every buurt: network 100, 10 GJ, 0.6 MW."""
    stt = replace(FLAT, detour_factor=1.5, transport_loss_per_km=0.01,
                  pipe_cost_per_m=lambda cap, curve: np.full_like(cap, 0.002))  # fmt: skip
    b = buurten([10, 10, 10], [0.6, 0.6, 0.6], [200, 150, 250], [100, 100, 100], x=[0, 1000, 4000])
    s = bronnen([1e9, 1e9], [1.0, 100.0], price=[10.0, 0.0], conn=[0.0, 0.02], x=[0, 4000])

    def pair(dist_m: float, price: float, conn_eur_kw: float) -> float:
        routed = 1.5 * dist_m
        return 100 + 10 * (1 + 0.01 * routed / 1000) * price + 0.6 * 1000 * conn_eur_kw + 0.002 * routed

    c = {(i, j): pair(abs(bx - sx), p, k) for i, bx in enumerate([0, 1000, 4000])
         for j, (sx, p, k) in enumerate([(0, 10.0, 0.0), (4000, 0.0, 0.02)])}  # fmt: skip
    # source A takes one buurt (1 MW, 0.6 each); enumerate the feasible assignments by hand
    options = []
    for a0 in (-1, 0, 1):
        for a1 in (-1, 0, 1):
            for a2 in (-1, 0, 1):
                ass = (a0, a1, a2)
                if sum(a == 0 for a in ass) > 1:
                    continue
                options.append((sum(c[i, a] if a >= 0 else [200, 150, 250][i] for i, a in enumerate(ass)), ass))
    best_cost, best = min(options)
    r = solve(b, s, stt)
    assert r.cost == pytest.approx(best_cost)
    assert tuple(r.assignment) == best
    i = int(np.flatnonzero(r.assignment == 1)[0])
    assert r.distance_m[i] == pytest.approx(1.5 * abs([0, 1000, 4000][i] - 4000))
    assert r.pipe_cost[i] == pytest.approx(0.002 * r.distance_m[i])
    assert r.heat_gj[i] == pytest.approx(10 * (1 + 0.01 * r.distance_m[i] / 1000))


def test_marginal_value_is_exact_and_zero_where_capacity_cannot_bind():
    """Capacity binds: 1 MW more lets the second buurt connect and saves 3 EUR; a source that could serve
    everyone within its capacity is worth exactly 0 without a re-solve."""
    b = buurten([1, 1], [1, 1], [10, 10], [6, 7])
    r = solve(b, bronnen([100], [1]), FLAT)
    assert sorted(r.assignment.tolist()) == [-1, 0]
    assert r.cost == pytest.approx(6 + 10)
    more = solve(b, bronnen([100], [2]), replace(FLAT, marginal_values=False))
    assert r.marginal_value_eur_per_mw[0] == pytest.approx(r.cost - more.cost) == pytest.approx(3.0)
    calls = []
    slack = solve(b, bronnen([100], [5]), FLAT, progress=lambda label, done, total: calls.append((done, total)))
    assert slack.marginal_value_eur_per_mw[0] == 0.0
    assert calls[-1] == (1, 1)  # only the main solve: no re-solve for a source that cannot bind
    off = solve(b, bronnen([100], [1]), replace(FLAT, marginal_values=False))
    assert np.isnan(off.marginal_value_eur_per_mw).all()


def test_temperature_booster_ambition_and_distance_rules():
    kinds = ("net_B", "net_D", "wp_B", "wp_D")
    net = [[1, 1, 1, 1]] * 4
    b = buurten([1] * 4, [0.1] * 4, [100] * 4, net, kinds=kinds, amb=["D", "B", "*", "D"], x=[0, 0, 0, 30_000])
    # 60 C without booster (net_B only), 40 C with booster (wp_* only); the buurt at 30 km is out of reach
    s = bronnen([100, 100], [10, 10], temp=[60.0, 40.0], booster=[False, True])
    r = solve(b, s, FLAT)
    assert r.kind[0] == "wp_D" and r.assignment[0] == 1  # ambition D: net_D needs 70 C, so the booster source
    assert r.kind[1] in ("net_B", "wp_B")
    assert r.assignment[3] == -1
    for i, a in enumerate(r.assignment):
        if a >= 0:
            kind = KINDS[str(r.kind[i])]
            assert kind.booster == bool(s.booster[a])
            assert kind.booster or s.temperature_c[a] >= kind.min_temperature_c
    only_cold = solve(buurten([1], [0.1], [100], [1], kinds=("net_D",)), bronnen([100], [10], temp=[60.0]), FLAT)
    assert list(only_cold.assignment) == [-1]


def test_fixed_buurten_and_infeasibility_explained_in_dutch_and_english():
    b = buurten([10, 20], [1, 1], [1, 100], [50, 1])
    forced = solve(b, bronnen([100], [10]), replace(FLAT, fixed_in=("BU00000000",), fixed_out=("BU00000001",)))
    assert list(forced.assignment) == [0, -1]
    assert forced.cost == pytest.approx(50 + 100)
    short = solve(b, bronnen([25], [1.5]), replace(FLAT, fixed_in=("BU00000000", "BU00000001")))
    assert short.status == STATUS_ONHAALBAAR and np.isnan(short.cost)
    nl = " ".join(t[0] for t in short.explanation)
    en = " ".join(t[1] for t in short.explanation)
    assert "30 GJ/jaar" in nl and "25 GJ/jaar" in nl and "5 GJ/jaar tekort" in nl
    assert "2,0 MW" in nl and "1,5 MW" in nl and "0,5 MW tekort" in nl
    assert "5 GJ/yr short" in en and "0.5 MW short" in en
    far = solve(b, bronnen([100], [10], x=[40_000]), replace(FLAT, fixed_in=("BU00000000",)))
    assert "geen bron binnen 25 km" in far.explanation[0][0] and "40,0 km" in far.explanation[0][0]
    assert "no source lies within 25 km" in far.explanation[0][1]
    cold = solve(buurten([1], [1], [9], [1], kinds=("net_D",)), bronnen([100], [10], temp=[60.0]),
                 replace(FLAT, fixed_in=("BU00000000",)))  # fmt: skip
    assert (
        "te koud" in cold.explanation[0][0] and "70 °C" in cold.explanation[0][0] and "60 °C" in cold.explanation[0][0]
    )
    assert "too cold" in cold.explanation[0][1]
    boost = solve(buurten([1], [1], [9], [1], kinds=("net_B",)), bronnen([100], [10], temp=[40.0], booster=[True]),
                  replace(FLAT, fixed_in=("BU00000000",)))  # fmt: skip
    assert "boosterwarmtepomp" in boost.explanation[0][0] and "booster heat pump" in boost.explanation[0][1]
    lt_far = solve(buurten([1], [1], [9], [1], kinds=("wp_B",)), bronnen([100], [10], booster=[True], x=[12_000]),
                   replace(FLAT, fixed_in=("BU00000000",)))  # fmt: skip
    assert "te ver" in lt_far.explanation[0][0] and "12,0 km" in lt_far.explanation[0][0]
    assert "maximaal 8 km" in lt_far.explanation[0][0] and "too far away" in lt_far.explanation[0][1]
    share = solve(buurten([10, 10], [1, 1], [9, 9], [1, 1]), bronnen([100], [10]),
                  replace(FLAT, max_share_per_source=0.5, fixed_in=("BU00000000", "BU00000001")))  # fmt: skip
    assert share.status == STATUS_ONHAALBAAR
    assert any("maximaal 50%" in nl for nl, _en in share.explanation)
    with pytest.raises(AllocationError) as err:
        solve(b, bronnen([100], [10]), replace(FLAT, fixed_in=("BU99999999",)))
    assert "onbekende vastgezette buurten" in err.value.nl and "unknown fixed buurten" in err.value.en
    with pytest.raises(AllocationError):
        solve(b, bronnen([100], [10]), replace(FLAT, fixed_in=("BU00000000",), fixed_out=("BU00000000",)))
    with pytest.raises(AllocationError):
        solve(b, bronnen([-1], [10]), FLAT)


def test_standalone_gain_per_gemeente():
    """GM0002 has the source; GM0001's buurt saves 5 by using it. Alone, GM0001 keeps its individual 10, so its
    gain of cooperating is 5; GM0002 has the source to itself either way (gain 0 with ample capacity)."""
    b = buurten([1, 1], [1, 1], [10, 10], [5, 4], gem=["GM0001", "GM0002"])
    s = bronnen([100], [10], gem=["GM0002"])
    r = solve(b, s, replace(FLAT, standalone=True))
    by = {g.code: g for g in r.gemeenten}
    assert by["GM0001"].cost == pytest.approx(5) and by["GM0001"].cost_alone == pytest.approx(10)
    assert by["GM0001"].gain == pytest.approx(5) and by["GM0001"].n_connected == 1
    assert by["GM0002"].gain == pytest.approx(0) and by["GM0002"].cost_alone == pytest.approx(4)
    # scarce capacity: the region gives the source to GM0001's better buurt and GM0002 pays for it
    two = buurten([1, 1], [1, 1], [10, 10], [2, 4], gem=["GM0001", "GM0002"])
    tight = solve(two, bronnen([100], [1], gem=["GM0002"]), replace(FLAT, standalone=True))
    by = {g.code: g for g in tight.gemeenten}
    assert by["GM0002"].gain == pytest.approx(4 - 10) and by["GM0001"].gain == pytest.approx(10 - 2)
    assert sum(g.cost for g in tight.gemeenten) == pytest.approx(tight.cost)


def test_pareto_front_is_monotone():
    """Cheap but dirty source versus clean individual options: lowering CO2 costs money, step by step."""
    rng = np.random.default_rng(3)
    n = 8
    b = buurten(rng.uniform(5, 15, n), rng.uniform(0.1, 0.3, n), rng.uniform(20, 30, n), rng.uniform(1, 5, n),
                co2_ind=[0.0] * n)  # fmt: skip
    s = bronnen([1e6], [100], co2=[50.0])
    r = solve(b, s, replace(FLAT, pareto_points=4))
    assert len(r.pareto) == 4
    costs = [p.cost for p in r.pareto]
    co2 = [p.co2 for p in r.pareto]
    assert co2 == sorted(co2, reverse=True) and costs == sorted(costs)
    assert r.pareto[0].cost == pytest.approx(r.cost) and r.pareto[-1].co2 == pytest.approx(0.0, abs=1e-9)
    assert r.pareto[0].n_connected > r.pareto[-1].n_connected


def test_progress_and_cancel():
    b = buurten([1, 1], [1, 1], [10, 10], [6, 7], gem=["GM0001", "GM0002"])
    seen = []
    solve(b, bronnen([100], [1]), replace(FLAT, standalone=True), progress=lambda *a: seen.append(a))
    assert [(d, t) for _l, d, t in seen] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert " / " in seen[0][0]
    with pytest.raises(AllocationCancelled):
        solve(b, bronnen([100], [1]), FLAT, cancelled=lambda: True)
    calls = {"n": 0}

    def after_first() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(AllocationCancelled):
        solve(b, bronnen([100], [1]), FLAT, cancelled=after_first)


def _random_instance(seed: int, n: int = 9, m: int = 3):  # noqa: ANN202
    rng = np.random.default_rng(seed)
    kinds = ("net_B", "net_D", "wp_B", "wp_D")
    net = rng.uniform(1, 8, (n, 4))
    net[rng.random((n, 4)) < 0.15] = np.nan
    b = buurten(rng.uniform(1, 10, (n, 4)), rng.uniform(0.1, 1.0, (n, 4)), rng.uniform(5, 12, n), net, kinds=kinds,
                x=rng.uniform(0, 30_000, n).tolist(), amb=rng.choice(["B", "D", "*"], n).tolist())  # fmt: skip
    s = bronnen(rng.uniform(5, 30, m), rng.uniform(0.5, 2.5, m), temp=rng.choice([40.0, 60.0, 90.0], m).tolist(),
                booster=(rng.random(m) < 0.3).tolist(), price=rng.uniform(0, 0.3, m).tolist(),
                x=rng.uniform(0, 30_000, m).tolist(), conn=rng.uniform(0, 0.002, m).tolist())  # fmt: skip
    stt = replace(FLAT, pipe_cost_per_m=lambda cap, curve: 0.0001 * (1 + cap), transport_loss_per_km=0.01,
                  simultaneity=0.9, max_share_per_source=0.7 if seed % 2 else 1.0)  # fmt: skip
    return b, s, stt


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_fixed=st.integers(0, 2))
def test_random_instances_respect_every_rule_and_pruning_and_decomposition_are_exact(seed, n_fixed):
    b, s, stt = _random_instance(seed)
    rng = np.random.default_rng(seed + 1)
    fixed_out = tuple(rng.choice(b.codes, n_fixed, replace=False).tolist())
    stt = replace(stt, fixed_out=fixed_out, marginal_values=False)
    r = solve(b, s, stt)
    full = solve(b, s, stt, _prune=False, _decompose=False)
    assert r.status == full.status == STATUS_OPTIMAAL
    assert r.cost == pytest.approx(full.cost, rel=1e-9, abs=1e-2)  # HiGHS: absolute gap 1e-6 in k EUR
    assert solve(b, s, stt, _decompose=False).cost == pytest.approx(r.cost, rel=1e-9, abs=1e-2)
    assert r.cost <= r.cost_individual_total + 1e-9
    assert np.all(r.use_gj <= s.energy_gj * (1 + 1e-9) + 1e-9)
    assert np.all(r.use_mw <= s.capacity_mw * (1 + 1e-9) + 1e-9)
    if stt.max_share_per_source < 1:  # the region's source heat with every buurt on its least heat-hungry kind
        heat = np.where(kind_allowed(b, s)[0], b.source_heat_gj, np.inf).min(axis=1)
        q = np.where(np.isfinite(heat), heat, 0.0).sum()
        assert np.all(r.use_gj <= stt.max_share_per_source * q * (1 + 1e-9) + 1e-9)
    amb = np.asarray(b.ambition)
    dist = np.hypot(b.x[:, None] - s.x[None, :], b.y[:, None] - s.y[None, :])
    for i, a in enumerate(r.assignment):
        if b.codes[i] in fixed_out:
            assert a == -1
        if a >= 0:
            kind = KINDS[str(r.kind[i])]
            assert kind.booster == bool(s.booster[a])
            assert kind.booster or s.temperature_c[a] >= kind.min_temperature_c
            assert amb[i] in ("*", kind.label)
            assert dist[i, a] <= stt.max_distance_m
            assert np.isfinite(b.cost_network[i, list(b.kinds).index(kind.code)])


@pytest.mark.parametrize("seed", [1, 7, 11])
def test_marginal_value_matches_a_manual_resolve_on_random_instances(seed):
    b, s, stt = _random_instance(seed, n=7, m=2)
    r = solve(b, s, replace(stt, delta_mw=0.5))
    for j in range(len(s.codes)):
        cap = np.asarray(s.capacity_mw, float).copy()
        cap[j] += 0.5
        again = solve(b, replace(s, capacity_mw=cap), replace(stt, marginal_values=False))
        assert r.marginal_value_eur_per_mw[j] == pytest.approx((r.cost - again.cost) / 0.5, abs=1e-2)


def test_fixed_in_with_dominated_pair_is_kept():
    """A fixed-in buurt whose network costs more than its individual option still gets connected."""
    b = buurten([1, 1], [1, 1], [5, 5], [9, 1])
    r = solve(b, bronnen([100], [10]), replace(FLAT, fixed_in=("BU00000000",)))
    assert list(r.assignment) == [0, 0] and r.cost == pytest.approx(10)


def test_no_sources_and_bad_shapes():
    b = buurten([1, 2], [1, 1], [10, 20], [1, 1])
    r = solve(b, bronnen([], []), replace(FLAT, standalone=True))
    assert r.status == STATUS_OPTIMAAL and list(r.assignment) == [-1, -1] and r.cost == pytest.approx(30)
    assert r.use_gj.shape == (0,) and r.gemeenten[0].gain == pytest.approx(0)
    with pytest.raises(AllocationError) as err:
        solve(replace(b, kinds=("net_X",)), bronnen([1], [1]), FLAT)
    assert "netsoorten" in err.value.nl and "network kinds" in err.value.en
    with pytest.raises(AllocationError):
        solve(replace(b, cost_network=np.ones((2, 2))), bronnen([1], [1]), FLAT)


def test_source_outlook_names_the_closest_buurt_and_the_break_even_heat_price():
    """Source 0 (price 2 EUR/GJ): buurt 0 network 100 + 10 GJ x 2 = 120 vs individual 110 -> 10 dearer; break-even
    price 2 - 10/10 = 1. Buurt 1: 100 + 20 x 2 = 140 vs 200 -> 60 cheaper, break-even 2 + 60/20 = 5 (the highest).
    Source 1 lies beyond reach of every buurt: no buurt, no price."""
    from warmteregio.allocation import source_outlook

    b = buurten([10, 20], [1, 1], [110, 200], [100, 100])
    s = bronnen([1e6, 1e6], [100, 100], price=[2.0, 0.0], x=[0.0, 1e6])
    out = source_outlook(b, s, replace(FLAT, max_distance_m=1000.0))
    assert list(out.buurt) == [1, -1]
    assert out.gap_eur[0] == pytest.approx(-60.0)
    assert out.breakeven_price_eur_gj[0] == pytest.approx(5.0)
    assert np.isnan(out.gap_eur[1]) and np.isnan(out.breakeven_price_eur_gj[1])
    # with only buurt 0 in the region the source is 10 EUR/yr short, and would pay off below 1 EUR/GJ
    one = buurten([10], [1], [110], [100])
    out1 = source_outlook(one, s, replace(FLAT, max_distance_m=1000.0))
    assert out1.gap_eur[0] == pytest.approx(10.0) and out1.breakeven_price_eur_gj[0] == pytest.approx(1.0)


def test_solve_result_carries_the_source_outlook():
    from warmteregio.allocation import source_outlook

    b = buurten([10, 20], [1, 1], [110, 200], [100, 100])
    s = bronnen([1e6, 1e6], [100, 100], price=[2.0, 0.0], x=[0.0, 1e6])
    st_ = replace(FLAT, max_distance_m=1000.0)
    r = solve(b, s, st_)
    direct = source_outlook(b, s, st_)
    assert r.outlook is not None
    np.testing.assert_array_equal(r.outlook.buurt, direct.buurt)
    np.testing.assert_allclose(r.outlook.gap_eur, direct.gap_eur, equal_nan=True)
    np.testing.assert_allclose(r.outlook.breakeven_price_eur_gj, direct.breakeven_price_eur_gj, equal_nan=True)
