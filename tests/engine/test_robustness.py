"""SMAA-2 and weight flips (engine/robustness.py): hand cases, invariants, partition invariance (bit for bit)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from warmteregio.engine import mcda
from warmteregio.engine.mcda import DecisionMatrix, WeighingError
from warmteregio.engine.robustness import InputUncertainty, WeightRanges, sample_weights, smaa2, weight_flip

FIELDS = ("acceptability", "central_weights", "confidence", "winner", "pairwise", "tied")


def make_dm(b: int, v: int, c: int, seed: int = 0, unavailable: float = 0.0) -> DecisionMatrix:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(0.0, 0.4, (b, v, c)) * rng.uniform(1.0, 1000.0, c)
    richting = np.where(rng.uniform(size=c) < 0.5, -1, 1)
    avail = rng.uniform(size=(b, v)) >= unavailable
    values[~avail] = np.nan
    return DecisionMatrix(np.array([f"BU{1000 + i:08d}" for i in range(b)]), [f"V{i}" for i in range(v)],
                          [f"c{i}" for i in range(c)], values, richting, avail)  # fmt: skip


def two_by_two() -> DecisionMatrix:
    return DecisionMatrix(np.array(["BU1"]), ["A", "B"], ["x", "y"], np.array([[[1.0, 0.0], [0.0, 1.0]]]),
                          np.array([1, 1]))  # fmt: skip


def assert_same(full, part, rows) -> None:  # type: ignore[no-untyped-def]
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(full, f)[rows], getattr(part, f), err_msg=f)


# --- hand cases ----------------------------------------------------------------------------------------------


def test_two_symmetric_variants() -> None:
    """A = (1, 0), B = (0, 1): each wins when its criterion has weight > 1/2; the mean weight of
    w1 ~ U(0, 1) given w1 > 1/2 is 3/4."""
    n = 20_000
    r = smaa2(two_by_two(), n, seed=3)
    sd = np.sqrt(0.25 / n)
    assert abs(r.first[0, 0] - 0.5) < 4 * sd
    np.testing.assert_allclose(r.acceptability[0].sum(axis=0), 1.0)
    np.testing.assert_allclose(r.acceptability[0, 0, 1], r.acceptability[0, 1, 0])
    np.testing.assert_allclose(r.central_weights[0, 0], [0.75, 0.25], atol=0.01)
    np.testing.assert_allclose(r.central_weights[0, 1], [0.25, 0.75], atol=0.01)
    np.testing.assert_array_equal(r.confidence[0], [1.0, 1.0])  # no input uncertainty: central weights win
    loser = 1 - r.winner[0]
    assert r.pairwise[0, r.winner[0]] == 0.0
    np.testing.assert_allclose(r.pairwise[0, loser], r.first[0, loser])  # with two variants: beats = first
    assert r.tied[0].all()  # ~0.5 >= 0.35
    assert r.n_samples == n and r.seed == 3 and r.method == "gewogen_som"


def test_dominated_variant_never_first() -> None:
    values = np.array([[[3.0, 5.0, 1.0], [2.0, 4.0, 2.0], [1.0, 6.0, 1.5]]])  # B dominated by A (cost c2)
    dm = DecisionMatrix(np.array(["BU1"]), ["A", "B", "C"], ["x", "y", "kosten"], values, np.array([1, 1, -1]))
    for method in mcda.METHODS:
        r = smaa2(dm, 2000, method=method, seed=1)
        assert r.first[0, 1] == 0.0, method
        assert np.isnan(r.central_weights[0, 1]).all() and np.isnan(r.confidence[0, 1])


def test_fixed_weights_reproduce_the_deterministic_ranking() -> None:
    dm = make_dm(40, 9, 6, seed=4, unavailable=0.15)
    w = mcda.weights_vector(dm, np.random.default_rng(0).uniform(0.1, 1, 6))
    for method in mcda.METHODS:
        det = mcda.rank(dm, w, method)
        r = smaa2(dm, 300, ranges=WeightRanges(w, w), method=method, seed=2)
        expect = np.zeros((40, 9, 9))
        b, v = np.nonzero(det.ranks)
        expect[b, v, det.ranks[b, v] - 1] = 1.0
        np.testing.assert_array_equal(r.acceptability, expect, err_msg=method)
        np.testing.assert_array_equal(r.winner, det.winner)


def test_acceptability_sums_and_unavailable_variants() -> None:
    dm = make_dm(30, 8, 5, seed=5, unavailable=0.3)
    r = smaa2(dm, 1500, seed=9)
    n_av = dm.available.sum(axis=1)
    for b in range(30):
        av = dm.available[b]
        per_rank = r.acceptability[b][av].sum(axis=0)
        np.testing.assert_allclose(per_rank[: n_av[b]], 1.0)
        np.testing.assert_array_equal(per_rank[n_av[b] :], 0.0)
        np.testing.assert_allclose(r.acceptability[b][av].sum(axis=1), 1.0)
        assert (r.acceptability[b][~av] == 0).all() and (r.pairwise[b][~av] == 0).all() and not r.tied[b][~av].any()
        if av.any():
            assert av[r.winner[b]] and r.first[b, r.winner[b]] == r.first[b][av].max()
            np.testing.assert_allclose(r.central_weights[b][r.first[b] > 0].sum(axis=1), 1.0)
            assert r.tied[b, r.winner[b]]
        else:
            assert r.winner[b] == -1


def test_explicit_weight_samples() -> None:
    dm = make_dm(5, 4, 3, seed=6)
    ws = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 5.0], [1.0, 1.0, 1.0]])
    r = smaa2(dm, weight_samples=ws)
    assert r.n_samples == 4
    winners = np.array([mcda.rank(dm, w).winner for w in ws])  # (4, B)
    for b in range(5):
        np.testing.assert_allclose(r.first[b], np.bincount(winners[:, b], minlength=4) / 4)


# --- determinism and partition invariance --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("gewogen_som", {}),
        ("gewogen_som", {"normalisation": "vector"}),
        ("gewogen_som", {"uncertainty": InputUncertainty(np.full((7, 4), 0.25))}),
        ("gewogen_som", {"uncertainty": InputUncertainty(np.full((7, 4), 0.25)), "normalisation": "sum"}),
        ("topsis", {"uncertainty": InputUncertainty(np.full((7, 4), 0.25))}),
        ("topsis", {}),
        ("promethee_ii", {"preference": "linear", "p": np.full(4, 200.0), "q": np.full(4, 20.0)}),
    ],
)
def test_partition_invariance_bit_for_bit(method: str, kwargs: dict) -> None:
    dm = make_dm(150, 7, 4, seed=7, unavailable=0.1)
    n = 600 if method == "gewogen_som" else 200
    full = smaa2(dm, n, method=method, seed=11, confidence_samples=50, **kwargs)
    rng = np.random.default_rng(1)
    for rows in (np.arange(3, 140, 7), rng.permutation(150)[:37], np.array([149]), np.arange(150)[::-1]):
        part = smaa2(dm.subset(rows), n, method=method, seed=11, confidence_samples=50, threads=1, **kwargs)
        assert_same(full, part, rows)


def test_partition_invariance_with_input_uncertainty_and_per_buurt_noise() -> None:
    dm = make_dm(140, 6, 4, seed=8)
    unc = InputUncertainty(np.full((6, 4), 0.2), per_buurt_rel_sd=np.array([0.1, 0.0, 0.3, 0.05]))
    full = smaa2(dm, 400, uncertainty=unc, seed=5, confidence_samples=60)
    for rows in (np.arange(0, 140, 3), np.array([7, 130, 2])):
        part = smaa2(dm.subset(rows), 400, uncertainty=unc, seed=5, confidence_samples=60, threads=1)
        assert_same(full, part, rows)
    assert np.nanmax(full.confidence) <= 1.0 and np.nanmin(full.confidence) >= 0.0
    # the noise really differs per buurt: the same values in two buurten give different acceptabilities
    twin = DecisionMatrix(np.array(["BU1", "BU2"]), dm.varianten, dm.criteria, np.repeat(dm.values[:1], 2, 0),
                          dm.richting)  # fmt: skip
    noisy = InputUncertainty(np.zeros((6, 4)), per_buurt_rel_sd=np.full(4, 0.3))
    t = smaa2(twin, 300, uncertainty=noisy, seed=1, confidence_samples=20)
    assert not np.array_equal(t.acceptability[0], t.acceptability[1])
    calm = smaa2(twin, 300, seed=1)
    np.testing.assert_array_equal(calm.acceptability[0], calm.acceptability[1])


def test_same_seed_same_result_different_seed_different() -> None:
    dm = make_dm(20, 5, 4, seed=9)
    a = smaa2(dm, 500, seed=1)
    b = smaa2(dm, 500, seed=1, threads=2)
    assert_same(a, b, slice(None))
    c = smaa2(dm, 500, seed=2)
    assert not np.array_equal(a.acceptability, c.acceptability)


def test_input_uncertainty_spreads_the_choice() -> None:
    """A clear winner under weight uncertainty alone loses first-rank acceptability with noisy inputs."""
    values = np.array([[[1.0, 1.0], [0.9, 0.9]]])
    dm = DecisionMatrix(np.array(["BU1"]), ["A", "B"], ["x", "y"], values, np.array([1, 1]))
    assert smaa2(dm, 500).first[0, 0] == 1.0
    r = smaa2(dm, 4000, uncertainty=InputUncertainty(np.full((2, 2), 0.3)), confidence_samples=500)
    assert 0.5 < r.first[0, 0] < 0.9
    assert 0.5 < r.confidence[0, 0] < 1.0


# --- weight sampling -----------------------------------------------------------------------------------------


def test_sample_weights_simplex_and_ranges() -> None:
    w = sample_weights(5000, 4, seed=3)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w >= 0).all()
    np.testing.assert_allclose(w.mean(axis=0), 0.25, atol=0.01)
    np.testing.assert_array_equal(w, sample_weights(5000, 4, seed=3))
    lo, hi = np.array([0.1, 0.0, 0.3, 0.2]), np.array([0.4, 0.2, 0.3, 0.6])
    wr = sample_weights(3000, 4, WeightRanges(lo, hi), seed=4)
    np.testing.assert_allclose(wr.sum(axis=1), 1.0)
    assert (wr >= lo - 1e-12).all() and (wr <= hi + 1e-12).all()
    np.testing.assert_allclose(wr[:, 2], 0.3)


@pytest.mark.parametrize(
    ("kwargs", "nl", "en"),
    [
        ({"ranges": WeightRanges(np.array([0.6, 0.6]), np.array([1.0, 1.0]))}, "ondergrenzen", "lower bounds"),
        ({"ranges": WeightRanges(np.array([0.5, 0.1]), np.array([0.4, 1.0]))}, "ondergrens", "lower <= upper"),
        ({"weight_samples": np.array([[1.0, -1.0]])}, "gewichten", "weights"),
        ({"weight_samples": np.ones((3, 3))}, "weight_samples", "weight_samples"),
        ({"method": "electre"}, "onbekende methode", "unknown method"),
        ({"normalisation": "z"}, "onbekende normalisatie", "unknown normalisation"),
        ({"uncertainty": InputUncertainty(np.ones((3, 2)))}, "rel_sd", "rel_sd"),
        ({"seed": -1}, "seed", "seed"),
    ],
)
def test_smaa_errors_bilingual(kwargs: dict, nl: str, en: str) -> None:
    with pytest.raises(WeighingError) as exc:
        smaa2(two_by_two(), 10, **kwargs)
    assert nl in exc.value.nl and en in exc.value.en


# --- weight flips --------------------------------------------------------------------------------------------


def test_weight_flip_two_variants() -> None:
    """A = (1, 0), B = (0, 1), w = (0.6, 0.4): A wins 0.6 to 0.4; the tie is at w = (0.5, 0.5)."""
    f = weight_flip(two_by_two(), np.array([0.6, 0.4]))
    np.testing.assert_allclose(f.per_criterion[0], [-0.1, 0.1])
    np.testing.assert_array_equal(f.per_criterion_winner[0], [1, 1])
    assert f.criterion[0] in (0, 1) and f.new_winner[0] == 1
    np.testing.assert_allclose(abs(f.delta[0]), 0.1)


def test_weight_flip_three_variants_hand_checked() -> None:
    """Normalised: A = (1, 0, 1), B = (0, 1, 1), C = (0.7, 0.6, 1) (z is constant), w = (0.4, 0.4, 0.2):
    S = A 0.6, B 0.6, C 0.72 -> C first.

    x at weight t (y, z scaled by (1 - t) / 0.6): S_A = t + (1 - t)/3, S_B = 1 - t, S_C = 0.7 t + 11/15 (1 - t);
    A overtakes at t = 4/7 (+0.1714), B at t = 8/29 (-0.1241) -> B, -0.1241.
    y at weight t: S_B = t + (1 - t)/3, S_A = 1 - t, S_C = 0.6 t + 0.8 (1 - t);
    B overtakes at t = 7/13 (+0.1385), A at t = 1/4 (-0.15) -> B, +0.1385.
    z at weight t: S_C - S_A = 0.15 (1 - t): only at t = 1 (a tie, |delta| = 0.8).
    """
    values = np.array([[[1.0, 0.0, 5.0], [0.0, 1.0, 5.0], [0.7, 0.6, 5.0]]])
    dm = DecisionMatrix(np.array(["BU1"]), ["A", "B", "C"], ["x", "y", "z"], values, np.array([1, 1, 1]))
    f = weight_flip(dm, np.array([0.4, 0.4, 0.2]))
    np.testing.assert_allclose(f.per_criterion[0, :2], [8 / 29 - 0.4, 7 / 13 - 0.4])
    np.testing.assert_array_equal(f.per_criterion_winner[0, :2], [1, 1])
    assert np.isnan(f.per_criterion[0, 2]) or abs(abs(f.per_criterion[0, 2]) - 0.8) < 1e-9
    assert f.criterion[0] == 0 and f.new_winner[0] == 1
    np.testing.assert_allclose(f.delta[0], 8 / 29 - 0.4)


def test_weight_flip_no_flip_and_unavailable() -> None:
    values = np.array([[[1.0, 1.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])
    avail = np.array([[True, True], [True, False]])
    dm = DecisionMatrix(np.array(["BU1", "BU2"]), ["A", "B"], ["x", "y"], values, np.array([1, 1]), avail)
    f = weight_flip(dm, np.array([0.5, 0.5]))
    assert np.isnan(f.per_criterion).all()  # A dominates in BU1; BU2 has one variant
    np.testing.assert_array_equal(f.criterion, [-1, -1])
    np.testing.assert_array_equal(f.new_winner, [-1, -1])
    assert np.isnan(f.delta).all()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    v=st.integers(2, 5),
    c=st.integers(2, 4),
    norm=st.sampled_from(["minmax", "vector", "max", "sum"]),
)
def test_weight_flip_property(seed: int, v: int, c: int, norm: str) -> None:
    """Moving one weight by delta (1 + 1e-6) changes the first choice; by delta (1 - 1e-6) it does not."""
    rng = np.random.default_rng(seed)
    dm = make_dm(2, v, c, seed)
    w = rng.dirichlet(np.ones(c))
    f = weight_flip(dm, w, norm)
    base = mcda.rank(dm, w, normalisation=norm).winner
    for b in range(2):
        for k in range(c):
            d = f.per_criterion[b, k]
            if np.isnan(d):
                continue
            assume(abs(d) > 1e-6)
            for factor, flips in ((1 + 1e-6, True), (1 - 1e-6, False)):
                t = w[k] + d * factor
                if not 0.0 <= t <= 1.0:
                    continue
                w2 = w * (1 - t) / (1 - w[k])
                w2[k] = t
                win = mcda.rank(dm.subset([b]), w2, normalisation=norm).winner[0]
                assert (win != base[b]) == flips, (b, k, d, factor)


@pytest.mark.parametrize("norm", ["minmax", "vector", "max"])
def test_shared_uncertainty_fast_path_equals_generic_path(norm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The weighted sum with shared input factors runs on exact products; the elementwise generic path gives the
    same acceptabilities, central weights and confidence factors (up to the fixed-point grid)."""
    from warmteregio.engine import robustness

    dm = make_dm(25, 6, 4, seed=12, unavailable=0.1)
    unc = InputUncertainty(np.random.default_rng(0).uniform(0.0, 0.4, (6, 4)))
    fast = smaa2(dm, 800, uncertainty=unc, normalisation=norm, seed=4, confidence_samples=200)
    monkeypatch.setattr(robustness, "_SHARED_PATH", False)
    slow = smaa2(dm, 800, uncertainty=unc, normalisation=norm, seed=4, confidence_samples=200)
    np.testing.assert_allclose(fast.acceptability, slow.acceptability, atol=2e-3)
    np.testing.assert_allclose(fast.central_weights, slow.central_weights, atol=1e-3)
    np.testing.assert_allclose(fast.confidence, slow.confidence, atol=1e-2)
    np.testing.assert_allclose(fast.pairwise, slow.pairwise, atol=2e-3)
