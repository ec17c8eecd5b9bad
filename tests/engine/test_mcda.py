"""Weighing engine (engine/mcda.py): hand-computed cases, error handling, and a cross-check against pymcdm."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import normalizations as pn
from pymcdm.helpers import rrankdata
from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

from warmteregio.engine import mcda
from warmteregio.engine.mcda import Constraint, DecisionMatrix, WeighingError

PYMCDM_NORM = {
    "minmax": pn.minmax_normalization,
    "vector": pn.vector_normalization,
    "max": pn.max_normalization,
    "sum": pn.sum_normalization,
}


def make_dm(b: int, v: int, c: int, seed: int = 0, available: np.ndarray | None = None) -> DecisionMatrix:
    """Random positive values (no zero-range columns), mixed directions."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(1.0, 10.0, (b, v, c)) * rng.uniform(0.5, 500.0, c)
    richting = np.where(rng.uniform(size=c) < 0.5, -1, 1)
    richting[0] = 1
    return DecisionMatrix(np.array([f"BU{i:08d}" for i in range(b)]), [f"V{i}" for i in range(v)],
                          [f"c{i}" for i in range(c)], values, richting, available)  # fmt: skip


def two_by_two() -> DecisionMatrix:
    return DecisionMatrix(np.array(["BU1"]), ["A", "B"], ["x", "y"], np.array([[[1.0, 0.0], [0.0, 1.0]]]),
                          np.array([1, 1]))  # fmt: skip


# --- cross-check against pymcdm ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("norm", ["minmax", "vector", "max", "sum"])
def test_weighted_sum_and_topsis_match_pymcdm(seed: int, norm: str) -> None:
    dm = make_dm(6, 9, 5, seed)
    w = mcda.weights_vector(dm, np.random.default_rng(seed + 10).uniform(0.05, 1.0, 5))
    ws = mcda.weighted_sum(dm, w, norm)
    tp = mcda.topsis(dm, w, norm)
    for b in range(6):
        ref_ws = WSM(PYMCDM_NORM[norm])(dm.values[b], w, dm.richting)
        ref_tp = TOPSIS(PYMCDM_NORM[norm])(dm.values[b], w, dm.richting)
        np.testing.assert_allclose(ws[b], ref_ws, rtol=0, atol=1e-9)
        np.testing.assert_allclose(tp[b], ref_tp, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(mcda.ranks_from_scores(ws[b : b + 1])[0][0], rrankdata(ref_ws))
        np.testing.assert_array_equal(mcda.ranks_from_scores(tp[b : b + 1])[0][0], rrankdata(ref_tp))


PROMETHEE_CASES = [
    ("usual", "usual", False, False),
    ("ushape", "ushape", False, True),
    ("vshape", "vshape", True, False),
    ("level", "level", True, True),
    ("linear", "vshape_2", True, True),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("ours", "theirs", "use_p", "use_q"), PROMETHEE_CASES)
def test_promethee_ii_matches_pymcdm(seed: int, ours: str, theirs: str, use_p: bool, use_q: bool) -> None:
    dm = make_dm(5, 8, 4, seed)
    w = mcda.weights_vector(dm, np.random.default_rng(seed + 20).uniform(0.05, 1.0, 4))
    spread = dm.values.std(axis=(0, 1))
    p = spread * 0.8 if use_p else None
    q = spread * 0.2 if use_q else None
    phi = mcda.promethee_ii(dm, w, ours, p=p, q=q)
    for b in range(5):
        kwargs = {k: val for k, val in (("p", p), ("q", q)) if val is not None}
        ref = PROMETHEE_II(theirs, **kwargs)(dm.values[b], w, dm.richting)  # a new object: pymcdm's p/q are lazy
        np.testing.assert_allclose(phi[b], ref, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(mcda.ranks_from_scores(phi[b : b + 1])[0][0], rrankdata(ref))


def test_unavailable_variants_are_left_out_of_normalisation_and_flows() -> None:
    """Per buurt the methods see only the available variants: identical to pymcdm on that sub-matrix."""
    dm0 = make_dm(4, 7, 4, 5)
    avail = np.ones((4, 7), bool)
    avail[0, [1, 4]] = False
    avail[2, 6] = False
    dm = DecisionMatrix(dm0.buurten, dm0.varianten, dm0.criteria, dm0.values, dm0.richting, avail)
    w = mcda.weights_vector(dm, [0.4, 0.3, 0.2, 0.1])
    for name, ours, ref_fn in [
        ("ws", mcda.weighted_sum(dm, w), lambda m: WSM(pn.minmax_normalization)(m, w, dm.richting)),
        ("topsis", mcda.topsis(dm, w), lambda m: TOPSIS(pn.minmax_normalization)(m, w, dm.richting)),
        ("promethee", mcda.promethee_ii(dm, w), lambda m: PROMETHEE_II("usual")(m, w, dm.richting)),
    ]:
        for b in range(4):
            sel = avail[b]
            np.testing.assert_allclose(ours[b, sel], ref_fn(dm.values[b, sel]), atol=1e-9, err_msg=name)
            assert np.isnan(ours[b, ~sel]).all()


# --- documented degenerate cases -----------------------------------------------------------------------------


def test_zero_range_column_does_not_discriminate() -> None:
    """Equal values for every available variant: minmax gives 1 (pymcdm does the same); vector/max with an
    all-zero column give 1 too, sum gives equal shares (pymcdm would give NaN from 0/0)."""
    values = np.array([[[3.0, 0.0, 1.0], [3.0, 0.0, 2.0], [3.0, 0.0, 4.0]]])
    dm = DecisionMatrix(np.array(["BU1"]), ["a", "b", "c"], ["k", "z", "x"], values, np.array([1, -1, 1]))
    n = mcda.normalise(dm, "minmax")
    np.testing.assert_array_equal(n[0, :, 0], 1.0)
    np.testing.assert_array_equal(n[0, :, 1], 1.0)
    np.testing.assert_array_equal(pn.minmax_normalization(values[0, :, 0]), 1.0)
    for norm in ("vector", "max"):
        np.testing.assert_array_equal(mcda.normalise(dm, norm)[0, :, 1], 1.0)
    np.testing.assert_array_equal(mcda.normalise(dm, "sum")[0, :, 1], 1 / 3)
    # a single available variant: normalised 1 everywhere, TOPSIS closeness 1, PROMETHEE flow 0
    one = DecisionMatrix(dm.buurten, dm.varianten, dm.criteria, values, dm.richting, np.array([[False, True, False]]))
    np.testing.assert_array_equal(mcda.normalise(one)[0, 1], 1.0)
    assert mcda.topsis(one, [1, 1, 1])[0, 1] == 1.0
    assert mcda.promethee_ii(one, [1, 1, 1])[0, 1] == 0.0


def test_sum_normalisation_of_a_zero_cost_takes_the_limit() -> None:
    values = np.array([[[0.0], [2.0], [0.0]]])
    dm = DecisionMatrix(np.array(["BU1"]), ["a", "b", "c"], ["cost"], values, np.array([-1]))
    np.testing.assert_array_equal(mcda.normalise(dm, "sum")[0, :, 0], [0.5, 0.0, 0.5])


def test_hand_computed_weighted_sum_and_topsis() -> None:
    values = np.array([[[10.0, 100.0], [20.0, 300.0], [30.0, 200.0]]])  # x: higher better, y: cost
    dm = DecisionMatrix(np.array(["BU1"]), ["a", "b", "c"], ["x", "y"], values, np.array([1, -1]))
    n = mcda.normalise(dm)
    np.testing.assert_allclose(n[0], [[0.0, 1.0], [0.5, 0.0], [1.0, 0.5]])
    s = mcda.weighted_sum(dm, {"x": 3, "y": 1})
    np.testing.assert_allclose(s[0], [0.25, 0.375, 0.875])
    # TOPSIS with w = (0.75, 0.25): ideal (0.75, 0.25), anti-ideal (0, 0)
    t = mcda.topsis(dm, {"x": 3, "y": 1})
    dp = np.hypot([0.75, 0.375, 0.0], [0.0, 0.25, 0.125])
    dn = np.hypot([0.0, 0.375, 0.75], [0.25, 0.0, 0.125])
    np.testing.assert_allclose(t[0], dn / (dp + dn))


def test_promethee_hand_computed_usual() -> None:
    dm = two_by_two()
    # each variant is preferred on one criterion: pi(A,B) = 0.7, pi(B,A) = 0.3 -> phi = +-0.4
    np.testing.assert_allclose(mcda.promethee_ii(dm, [0.7, 0.3])[0], [0.4, -0.4])


# --- weights, constraints, ranks ------------------------------------------------------------------------------


def test_weights_vector_forms() -> None:
    dm = make_dm(1, 3, 3)
    np.testing.assert_allclose(mcda.weights_vector(dm, {"c0": 2, "c2": 2}), [0.5, 0, 0.5])
    np.testing.assert_allclose(mcda.weights_vector(dm, [1, 1, 2]), [0.25, 0.25, 0.5])
    np.testing.assert_allclose(mcda.weights_vector(dm, np.array([0.2, 0.3, 0.5])), [0.2, 0.3, 0.5])


@pytest.mark.parametrize(
    ("weights", "nl", "en"),
    [
        ({"c0": 1, "onbekend": 1}, "onbekend criterium: onbekend", "unknown criterion: onbekend"),
        ([1, -1, 1], "niet negatief", "must not be negative"),
        ([1, np.nan, 1], "eindige getallen", "finite numbers"),
        ([0, 0, 0], "groter dan 0", "above 0"),
        ([1, 1], "3 gewichten nodig", "3 weights are needed"),
        (["a", "b", "c"], "getallen", "numbers"),
    ],
)
def test_bad_weights_raise_bilingual(weights: object, nl: str, en: str) -> None:
    dm = make_dm(1, 3, 3)
    with pytest.raises(WeighingError) as exc:
        mcda.weights_vector(dm, weights)  # type: ignore[arg-type]
    assert nl in exc.value.nl and en in exc.value.en
    assert exc.value.nl in str(exc.value) and exc.value.en in str(exc.value)


def test_unknown_method_normalisation_preference_raise_bilingual() -> None:
    dm = make_dm(1, 3, 3)
    w = np.ones(3) / 3
    cases = [
        (lambda: mcda.score(dm, w, "ahp"), "onbekende methode", "unknown method"),
        (lambda: mcda.normalise(dm, "log"), "onbekende normalisatie", "unknown normalisation"),
        (lambda: mcda.rank(dm, w, "topsis", normalisation="z"), "onbekende normalisatie", "unknown normalisation"),
        (lambda: mcda.promethee_ii(dm, w, "gauss"), "onbekende voorkeursfunctie", "unknown preference function"),
        (lambda: mcda.promethee_ii(dm, w, "vshape"), "drempel p > 0", "threshold p > 0"),
        (lambda: mcda.promethee_ii(dm, w, "linear", p=np.ones(3), q=np.full(3, 2.0)), "kleiner", "below"),
        (lambda: mcda.score(dm, w, "gewogen_som", preference="usual"), "onbekende optie", "unknown option"),
    ]
    for call, nl, en in cases:
        with pytest.raises(WeighingError) as exc:
            call()
        assert nl in exc.value.nl and en in exc.value.en


def test_constraints_exclude_variants_per_buurt() -> None:
    values = np.array([[[5.0, 1.0], [2.0, 2.0], [9.0, 0.5]], [[1.0, 1.0], [3.0, 3.0], [0.5, 2.0]]])
    dm = DecisionMatrix(np.array(["BU1", "BU2"]), ["a", "b", "c"], ["cap", "cost"], values, np.array([1, -1]))
    avail = mcda.apply_constraints(dm, [Constraint("cap", ">=", 2.0), Constraint("cost", "<", 3.0)])
    np.testing.assert_array_equal(avail, [[True, True, True], [False, False, False]])
    avail = mcda.apply_constraints(dm, [Constraint("cap", ">", 2.0)])
    np.testing.assert_array_equal(avail, [[True, False, True], [False, True, False]])
    np.testing.assert_array_equal(mcda.apply_constraints(dm, [Constraint("cost", "<=", 1.0)]),
                                  [[True, False, True], [True, False, False]])  # fmt: skip
    r = mcda.rank(dm, {"cap": 1, "cost": 1}, constraints=[Constraint("cap", ">", 2.0)])
    # normalisation over the variants that pass: in BU1 minmax over {a, c} gives a = (0, 0), c = (1, 1)
    np.testing.assert_array_equal(r.ranks, [[2, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(r.winner, [2, 1])
    np.testing.assert_array_equal(r.available, [[True, False, True], [False, True, False]])
    assert np.isnan(r.scores[0, 1]) and np.isnan(r.scores[1, [0, 2]]).all()
    r2 = mcda.rank(dm, {"cap": 1, "cost": 1}, constraints=[Constraint("cap", ">", 2.0), Constraint("cost", "<", 0.9)])
    np.testing.assert_array_equal(r2.winner, [2, -1])
    np.testing.assert_array_equal(r2.ranks, [[0, 0, 1], [0, 0, 0]])


def test_constraint_errors_bilingual() -> None:
    dm = make_dm(1, 3, 3)
    for con, nl, en in [
        (Constraint("nope", ">=", 1.0), "onbekend criterium", "unknown criterion"),
        (Constraint("c0", "==", 1.0), "onbekende operator", "unknown operator"),
        (Constraint("c0", ">=", float("nan")), "eindig getal", "finite number"),
    ]:
        with pytest.raises(WeighingError) as exc:
            mcda.apply_constraints(dm, [con])
        assert nl in exc.value.nl and en in exc.value.en


def test_ranks_from_scores_ties_and_nan() -> None:
    ranks, winner = mcda.ranks_from_scores(np.array([[0.5, 0.7, 0.5, np.nan], [np.nan] * 4, [1.0, 1.0, 1.0, 1.0]]))
    np.testing.assert_array_equal(ranks, [[2, 1, 3, 0], [0, 0, 0, 0], [1, 2, 3, 4]])
    np.testing.assert_array_equal(winner, [1, -1, 0])


def test_rank_of_two_variants_hand_case() -> None:
    r = mcda.rank(two_by_two(), [0.5, 0.5])
    np.testing.assert_array_equal(r.ranks, [[1, 2]])  # exact tie: variant order
    r = mcda.rank(two_by_two(), [0.4, 0.6])
    np.testing.assert_array_equal(r.ranks, [[2, 1]])
    assert r.method == "gewogen_som" and r.winner[0] == 1


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    b=st.integers(1, 4),
    v=st.integers(1, 6),
    c=st.integers(1, 5),
    method=st.sampled_from(mcda.METHODS),
)
def test_rank_properties(seed: int, b: int, v: int, c: int, method: str) -> None:
    """Ranks are a permutation of 1..n_available per buurt, 0 elsewhere, and the winner has rank 1."""
    rng = np.random.default_rng(seed)
    avail = rng.uniform(size=(b, v)) < 0.8
    dm = make_dm(b, v, c, seed, avail)
    raw = rng.uniform(0.01, 1, c)
    r = mcda.rank(dm, raw, method)
    for i in range(b):
        got = np.sort(r.ranks[i][avail[i]])
        np.testing.assert_array_equal(got, np.arange(1, avail[i].sum() + 1))
        assert (r.ranks[i][~avail[i]] == 0).all()
        assert (r.winner[i] == -1) if not avail[i].any() else r.ranks[i, r.winner[i]] == 1
    # the engine is per buurt: any subset gives the same numbers, bit for bit
    sub = rng.permutation(b)[: max(1, b // 2)]
    r_sub = mcda.rank(dm.subset(sub), raw, method)
    np.testing.assert_array_equal(r_sub.scores, r.scores[sub])
