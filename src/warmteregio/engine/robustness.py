"""Robustness of the weighing: SMAA-2 (stochastic multicriteria acceptability analysis) and weight flips.

Pure NumPy. Weights are sampled uniformly on the simplex (unknown preferences) or uniformly within per-criterion
ranges the user sets; uncertain inputs are multiplicative factors per variant x criterion, shared by all buurten
(correlated, e.g. "heat-network costs +-30%"), optionally plus independent noise per buurt. Every random stream
is derived from ``seed`` (and, for per-buurt noise, a stable hash of the BU code), so the result for a buurt does
not depend on which other buurten are computed with it: a run partitioned by gemeente gives identical numbers.

For the weighted sum the normalisation scale (min and max per buurt and criterion) is that of the central
values, so an uncertain input moves a variant's normalised value linearly (documented in docs/method/mcda.md);
TOPSIS re-normalises each perturbed sample, PROMETHEE II works on the perturbed values. Per-buurt noise is one
independent factor per buurt x variant x criterion, with the criterion's relative standard deviation.

Exactness: on the fast path (weighted sum and PROMETHEE II, linear in the weights, and TOPSIS, without input
uncertainty) weights and per-criterion values are rounded to integers on fixed-point grids (about 2^-23) so that
every BLAS product is exact; all counts and weight sums are exact integers. Results are therefore bitwise
independent of block and chunk sizes, threads, the BLAS and which other buurten are in the run. Near-ties closer
than ~1e-7 in score follow the variant order.

Outputs per buurt (Lahdelma & Salminen 2001):

* rank-acceptability indices ``b[v, r]``: share of samples in which variant v has rank r+1;
* central weight vector per variant: mean weights of the samples in which v is first;
* confidence factor per variant: share of input samples in which v is first with its central weights;
* the practically tied variants (share of samples in which v beats the most acceptable variant at least
  ``tie_threshold``), and the pairwise winning index against the most acceptable variant.

:func:`weight_flip` gives, per buurt and criterion, the smallest change of that criterion's weight (others
rescaled proportionally) that makes another variant first, and which one.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from warmteregio.engine.mcda import (
    METHODS,
    DecisionMatrix,
    WeighingError,
    _check_normalisation,
    _normalise,
    _preference,
    _promethee_flows,
    _promethee_setup,
    _weighted_sum_normalised,
    normalise,
    ranks_from_scores,
    weights_vector,
)


@dataclass(frozen=True)
class WeightRanges:
    """Per-criterion bounds (C,) on the normalised weights, 0 <= lower <= upper <= 1, sum(lower) <= 1 <= sum(upper)."""

    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True)
class InputUncertainty:
    """Multiplicative uncertainty of the criterion values.

    * ``rel_sd`` (V, C): relative standard deviation per variant x criterion, shared by all buurten in a sample
      (factor ``exp(N(0, s) - s^2/2)``, lognormal with mean 1); 0 = certain.
    * ``per_buurt_rel_sd`` (C,) or None: extra independent noise per buurt (same form).
    """

    rel_sd: np.ndarray
    per_buurt_rel_sd: np.ndarray | None = None


@dataclass(frozen=True)
class SmaaResult:
    """SMAA-2 outputs for B buurten, V variants, C criteria (index order of the decision matrix).

    * ``acceptability`` (B, V, V): ``[b, v, r]`` share of samples with variant v at rank r+1 (0 where not
      available);
    * ``central_weights`` (B, V, C): NaN where v is never first;
    * ``confidence`` (B, V): NaN where v is never first;
    * ``winner`` (B,): index of the highest first-rank acceptability, -1 when nothing is available;
    * ``pairwise`` (B, V): share of samples in which v scores higher than the winner (winner itself: 0);
    * ``tied`` (B, V) bool: practically tied with the winner (``pairwise >= tie_threshold``; winner True);
    * ``n_samples``, ``seed``, ``method``, ``tie_threshold``.
    """

    acceptability: np.ndarray
    central_weights: np.ndarray
    confidence: np.ndarray
    winner: np.ndarray
    pairwise: np.ndarray
    tied: np.ndarray
    n_samples: int
    seed: int
    method: str
    tie_threshold: float

    @property
    def first(self) -> np.ndarray:
        """(B, V) first-rank acceptability."""
        return self.acceptability[:, :, 0]


@dataclass(frozen=True)
class WeightFlip:
    """Smallest single-criterion weight change that makes another variant first, per buurt.

    * ``per_criterion`` (B, C): new weight of criterion c minus the current one (signed, in weight fraction;
      NaN when no change of that weight alone flips the first choice);
    * ``per_criterion_winner`` (B, C): index of the variant that becomes first (-1 when none);
    * ``criterion`` (B,): the criterion with the smallest absolute change (-1 when none);
    * ``delta`` (B,), ``new_winner`` (B,): that change and the new first variant.
    """

    per_criterion: np.ndarray
    per_criterion_winner: np.ndarray
    criterion: np.ndarray
    delta: np.ndarray
    new_winner: np.ndarray


_TAG_WEIGHTS, _TAG_INPUT, _TAG_NOISE, _TAG_CONF_INPUT, _TAG_CONF_NOISE = 1, 2, 3, 4, 5
_BLOCK_BUURTEN = 128  # buurten per block (the unit of work of a thread)
_FAST_COLUMNS = 1 << 14  # samples x buurten per chunk on the fast path (one variant's keys: 128 KiB)
_MAX_THREADS = 4
_SHARED_PATH = True  # weighted sum with shared input factors on exact products (False: the generic path; tests)
_PROVISIONAL = 256  # samples that pick the provisional winner of the pairwise counts
_GEMM_SINGLE_THREAD = 1 << 18  # OpenBLAS runs gemm single-threaded when M*N*K <= 65536 * 4
_GENERIC_ELEMENTS = 1 << 21  # criterion values per block on the generic path (16 MiB of float64)
_TWO52 = float(2**52)


def _rng(seed: int, *tags: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), *tags]))


def _buurt_tag(code: str) -> int:
    """Stable 32-bit hash of a BU code (zlib.crc32, never Python's salted ``hash``)."""
    return zlib.crc32(str(code).encode("utf-8"))


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise WeighingError("seed moet een geheel getal >= 0 zijn", "seed must be an integer >= 0")
    return int(seed)


def _check_ranges(ranges: WeightRanges, n_criteria: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.asarray(ranges.lower, dtype=float)
    hi = np.asarray(ranges.upper, dtype=float)
    if lo.shape != (n_criteria,) or hi.shape != (n_criteria,):
        raise WeighingError(f"gewichtsgrenzen moeten vorm ({n_criteria},) hebben",
                            f"weight bounds must have shape ({n_criteria},)")  # fmt: skip
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
        raise WeighingError("gewichtsgrenzen moeten eindig zijn", "weight bounds must be finite")
    if (lo < 0).any() or (hi > 1).any() or (lo > hi).any():
        raise WeighingError("gewichtsgrenzen moeten voldoen aan 0 <= ondergrens <= bovengrens <= 1",
                            "weight bounds must satisfy 0 <= lower <= upper <= 1")  # fmt: skip
    if lo.sum() > 1 + 1e-9 or hi.sum() < 1 - 1e-9:
        raise WeighingError("som van de ondergrenzen moet <= 1 en som van de bovengrenzen >= 1 zijn",
                            "the lower bounds must sum to <= 1 and the upper bounds to >= 1")  # fmt: skip
    return lo, hi


def sample_weights(n: int, n_criteria: int, ranges: WeightRanges | None = None, seed: int = 0) -> np.ndarray:
    """(n, C) weight vectors on the simplex: uniform (flat Dirichlet) or uniform within ``ranges``.

    Within ranges: ``w = lower + (1 - sum(lower)) y`` with ``y`` flat-Dirichlet over the criteria whose range is
    not degenerate (an affine image of the uniform simplex, so still uniform), rejecting samples above an upper
    bound. Criteria with ``lower == upper`` are fixed. Raises when fewer than 1 in 10,000 samples are accepted."""
    seed = _check_seed(seed)
    if n < 0 or n_criteria < 1:
        raise WeighingError("aantal trekkingen >= 0 en criteria >= 1 nodig", "need samples >= 0 and criteria >= 1")
    rng = _rng(seed, _TAG_WEIGHTS)
    if ranges is None:
        return rng.dirichlet(np.ones(n_criteria), size=n) if n_criteria > 1 else np.ones((n, 1))
    lo, hi = _check_ranges(ranges, n_criteria)
    rest = 1.0 - lo.sum()
    free = np.flatnonzero(hi - lo > 1e-12)
    out = np.tile(lo, (n, 1))
    if rest <= 1e-12 or free.size == 0 or n == 0:
        return out / out.sum(axis=1, keepdims=True) if n else out
    cap = (hi[free] - lo[free]) / rest
    got: list[np.ndarray] = []
    have = tried = 0
    while have < n:
        batch = max(1024, 2 * (n - have))
        y = rng.dirichlet(np.ones(free.size), size=batch) if free.size > 1 else np.ones((batch, 1))
        ok = y[(y <= cap).all(axis=1)]
        got.append(ok)
        have += len(ok)
        tried += batch
        if tried >= 10_000 * max(n, 100) and have < n:
            raise WeighingError("de gewichtsgrenzen laten vrijwel geen gewichten toe; verruim de grenzen",
                                "the weight bounds admit almost no weights; widen the bounds")  # fmt: skip
    y = np.concatenate(got)[:n]
    out[:, free] += rest * y
    return out


# --- normalisation with a fixed scale ------------------------------------------------------------------------


def _norm_stats(values: np.ndarray, available: np.ndarray, method: str) -> dict[str, np.ndarray]:
    """Column statistics per buurt and criterion over the available variants (leading dims ..., V, C)."""
    avail = available[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            return {"lo": np.min(np.where(avail, values, np.inf), axis=-2, keepdims=True),
                    "hi": np.max(np.where(avail, values, -np.inf), axis=-2, keepdims=True)}  # fmt: skip
        if method == "vector":
            return {"norm": np.sqrt(np.sum(np.where(avail, values * values, 0.0), axis=-2, keepdims=True))}
        if method == "max":
            return {"hi": np.max(np.where(avail, values, -np.inf), axis=-2, keepdims=True)}
        zero = avail & (values == 0)
        return {"total": np.sum(np.where(avail, values, 0.0), axis=-2, keepdims=True),
                "inv_total": np.sum(np.where(avail & ~zero, 1.0 / values, 0.0), axis=-2, keepdims=True),
                "n_zero": zero.sum(axis=-2, keepdims=True)}  # fmt: skip


def _apply_norm(x: np.ndarray, stats: dict[str, np.ndarray], richting: np.ndarray, method: str) -> np.ndarray:
    """Normalise (perturbed) values ``x`` with fixed column statistics (no availability masking)."""
    cost = richting < 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo, hi = stats["lo"], stats["hi"]
            span = hi - lo
            return np.where(span > 0, np.where(cost, hi - x, x - lo) / span, 1.0)
        if method == "vector":
            r = x / stats["norm"]
            return np.where(stats["norm"] > 0, np.where(cost, 1.0 - r, r), 1.0)
        if method == "max":
            r = x / stats["hi"]
            return np.where(stats["hi"] != 0, np.where(cost, 1.0 - r, r), 1.0)
        total, inv_total, n_zero = stats["total"], stats["inv_total"], stats["n_zero"]
        benefit = np.where(total != 0, x / total, 1.0)
        cost_n = np.where(n_zero > 0, (x == 0) / np.maximum(n_zero, 1), (1.0 / x) / inv_total)
        cost_n = np.where((n_zero == 0) & (inv_total == 0), 1.0, cost_n)
        return np.where(cost, cost_n, benefit)


# --- sort keys and the sorting network -----------------------------------------------------------------------


def _batcher_network(n: int) -> list[tuple[int, int]]:
    """Comparators of Batcher's odd-even merge sort for n elements (pruned to n; sorts ascending)."""
    pairs: list[tuple[int, int]] = []
    p = 1
    while p < n:
        k = p
        while k >= 1:
            for j in range(k % p, n - k, 2 * k):
                for i in range(min(k, n - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                        pairs.append((i + j, i + j + k))
            k //= 2
        p *= 2
    return pairs


def _vbits(n_variants: int) -> int:
    return max(1, (n_variants - 1).bit_length())


def _generic_keys(scores: np.ndarray, available: np.ndarray, vb: int) -> np.ndarray:
    """Exact sort keys (float64 integers in [2^52, 2^53)) from float scores (..., V), higher = better.

    Per sample and buurt the available scores are mapped to [0, 1] by min-max (order preserving), rounded to
    ``2^(51 - vb)`` steps, and packed as ``2^52 + (q + 1) 2^vb + (2^vb - 1 - v)``: ties (within that rounding)
    go to the lower variant index; unavailable variants get ``2^52 + 2^vb - 1 - v`` (below every available one)."""
    n_v = scores.shape[-1]
    lo = np.min(np.where(available, scores, np.inf), axis=-1, keepdims=True)
    hi = np.max(np.where(available, scores, -np.inf), axis=-1, keepdims=True)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(span > 0, (scores - lo) / span, 0.0)
    q = np.rint(scaled * float(2 ** (51 - vb)))
    tie = float(2**vb - 1) - np.arange(n_v, dtype=float)
    return np.where(available, _TWO52 + (q + 1.0) * float(2**vb) + tie, _TWO52 + tie)


def _sort_rows(rows: list[np.ndarray], network: list[tuple[int, int]]) -> list[np.ndarray]:
    """Sort the V same-shaped arrays elementwise (ascending over the list) with a sorting network."""
    rows = list(rows)
    spare = np.empty_like(rows[0])
    for i, j in network:
        a, b = rows[i], rows[j]
        np.minimum(a, b, out=spare)
        np.maximum(a, b, out=b)
        rows[i], spare = spare, a
    return rows


class _Accumulator:
    """Rank counts and first-rank weight sums for one block of buurten (exact integer arithmetic).

    A chunk's keys sit in rows 0..V-1 of a (V+1, Bk, ns) buffer: each variant's keys are one contiguous row, so
    the sorting network runs on contiguous arrays (SIMD minimum / maximum) and swaps row references instead of
    copying (row V is the spare)."""

    def __init__(self, n_v: int, n_b: int, wq: np.ndarray, vb: int) -> None:
        self.n_v, self.n_b, self.vb = n_v, n_b, vb
        self.wq = wq
        self.slots = 2**vb
        self.network = _batcher_network(n_v)
        self.size = n_b * n_v * self.slots
        self.counts = np.zeros(self.size + self.slots, dtype=np.int64)  # [b, rank, slot] + a trash region
        self.first = np.empty((wq.shape[0], n_b), dtype=np.uint8 if n_v <= 255 else np.int64)  # rank-1 variant
        # offset[p, b]: index of (b, rank V-1-p) in counts before adding the slot; the spare row goes to trash
        offset = (np.arange(n_b)[None, :] * n_v + (n_v - 1 - np.arange(n_v))[:, None]) * self.slots
        self.offset = np.concatenate([offset, np.full((1, n_b), self.size)])[:, :, None]
        self._low: np.ndarray | None = None

    def add(self, buf: np.ndarray, s0: int) -> None:
        """buf (V+1, Bk, ns) with exact sort keys of samples s0.. in rows 0..V-1."""
        n_v, ns = self.n_v, buf.shape[2]
        views = list(buf)
        order = list(range(n_v))  # order[p]: buffer row holding position p (ascending)
        free = n_v
        for i, j in self.network:
            a, b = views[order[i]], views[order[j]]
            np.minimum(a, b, out=views[free])
            np.maximum(a, b, out=b)
            order[i], free = free, order[i]
        mask = self.slots - 1
        if self._low is None or self._low.shape != buf.shape:
            self._low = np.empty(buf.shape, dtype=np.int64)
        low = np.bitwise_and(buf.view(np.int64), mask, out=self._low)  # slot = 2^vb - 1 - variant
        self.first[s0 : s0 + ns] = (mask - low[order[n_v - 1]]).T
        position = np.empty(n_v + 1, dtype=np.intp)
        position[[*order, free]] = np.arange(n_v + 1)  # buffer row -> position (the spare row: trash)
        low += self.offset[position]
        self.counts += np.bincount(low.ravel(), minlength=self.counts.size)

    def acceptability(self, available: np.ndarray, n: int) -> np.ndarray:
        c = self.counts[: self.size].reshape(self.n_b, self.n_v, self.slots)  # [b, r, slot]
        acc = c[:, :, self.slots - 1 - np.arange(self.n_v)].transpose(0, 2, 1) / max(n, 1)  # [b, v, r]
        return np.where(available[:, :, None], acc, 0.0)

    def central(self, first_share: np.ndarray) -> np.ndarray:
        """(Bk, V, C) mean weights of the samples in which v is first. Sums of the integer weights (exact): the
        samples won by each buurt's most frequent first variant are not touched (total minus the others)."""
        n, c_n = self.wq.shape
        n_b, n_v = self.n_b, self.n_v
        dom = np.argmax(first_share, axis=1)  # (Bk,)
        s_idx, b_idx = np.nonzero(self.first != dom[None, :].astype(self.first.dtype))
        bins = b_idx * n_v + self.first[s_idx, b_idx]
        sums = np.empty((n_b * n_v, c_n))
        for c in range(c_n):
            sums[:, c] = np.bincount(bins, weights=self.wq[s_idx, c], minlength=n_b * n_v)
        sums = sums.reshape(n_b, n_v, c_n)
        rows = np.arange(n_b)
        sums[rows, dom] = self.wq.sum(axis=0)[None, :] - (sums.sum(axis=1) - sums[rows, dom])
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / sums.sum(axis=2, keepdims=True)


# --- per-block scores ----------------------------------------------------------------------------------------


def _weighted_scores(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_c w[..., c] n[..., v, c] in a fixed criterion order; w broadcastable to n[..., 0, :]."""
    s = n[..., 0] * w[..., None, 0]
    for c in range(1, n.shape[-1]):
        s += n[..., c] * w[..., None, c]
    return s


def _topsis_scores(n: np.ndarray, available: np.ndarray, w: np.ndarray) -> np.ndarray:
    """TOPSIS closeness with per-sample weights; sums over criteria in a fixed order."""
    vw = n * w[..., None, :]
    avail = available[..., None]
    pis = np.max(np.where(avail, vw, -np.inf), axis=-2, keepdims=True)
    nis = np.min(np.where(avail, vw, np.inf), axis=-2, keepdims=True)
    dp2 = np.zeros(vw.shape[:-1])
    dm2 = np.zeros(vw.shape[:-1])
    for c in range(vw.shape[-1]):
        dp2 += (vw[..., c] - pis[..., c]) ** 2
        dm2 += (vw[..., c] - nis[..., c]) ** 2
    d_plus, d_minus = np.sqrt(dp2), np.sqrt(dm2)
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        cc = np.where(total > 0, d_minus / total, 1.0)
    return np.where(available, cc, np.nan)


class _Problem:
    """Everything smaa2 needs per block of buurten: central values, statistics and the score of a sample set."""

    def __init__(self, dm: DecisionMatrix, method: str, normalisation: str, options: dict[str, object],
                 uncertainty: InputUncertainty | None) -> None:  # fmt: skip
        self.dm, self.method, self.normalisation = dm, method, normalisation
        self.options = options
        self.unc = uncertainty
        self.values = np.where(dm.available[:, :, None], dm.values, 0.0)
        self.stats = _norm_stats(self.values, dm.available, normalisation) if method == "gewogen_som" else None

    def linear_matrix(self, idx: np.ndarray) -> np.ndarray:
        """(Bk, V, C) per-criterion scores whose weighted sum is the method's score (fast path)."""
        if self.method == "gewogen_som":
            return self.normalised_central(idx)
        dm = self.dm
        kinds, p, q = self.options["kinds"], self.options["p"], self.options["q"]
        return _criterion_flows(dm.values[idx], dm.available[idx], dm.richting, kinds, p, q)  # type: ignore[arg-type]

    def normalised_central(self, idx: np.ndarray) -> np.ndarray:
        dm = self.dm
        return _normalise(dm.values[idx], dm.available[idx], dm.richting, self.normalisation)

    def scores(self, x: np.ndarray, available: np.ndarray, w: np.ndarray, stats: dict | None) -> np.ndarray:
        """Scores (..., V) of values x (..., V, C) with weights w (..., C); stats = fixed scale (weighted sum)."""
        dm = self.dm
        if self.method == "gewogen_som":
            n = _apply_norm(x, stats, dm.richting, self.normalisation)  # type: ignore[arg-type]
            return np.where(available, _weighted_scores(n, w), np.nan)
        if self.method == "topsis":
            n = _normalise(x.reshape(-1, *x.shape[-2:]), np.broadcast_to(available, x.shape[:-1]).reshape(
                -1, x.shape[-2]), dm.richting, self.normalisation).reshape(x.shape)  # fmt: skip
            return _topsis_scores(n, available, w)
        kinds, p, q = self.options["kinds"], self.options["p"], self.options["q"]
        return _promethee_flows(x, np.broadcast_to(available, x.shape[:-1]), dm.richting, w, kinds, p, q)  # type: ignore[arg-type]


def _criterion_flows(
    values: np.ndarray, available: np.ndarray, richting: np.ndarray, kinds: list[str], p: np.ndarray, q: np.ndarray
) -> np.ndarray:
    """(B, V, C) PROMETHEE II net flow of every single criterion: the net flow with weights w is their weighted
    sum (Brans & Vincke 1985), which puts PROMETHEE II SMAA on the exact fast path."""
    b_n, v_n, c_n = values.shape
    pair = available[:, :, None] & available[:, None, :]
    denom = np.maximum(available.sum(axis=1) - 1, 1)[:, None]
    x = np.where(available[..., None], values, 0.0)
    out = np.zeros((b_n, v_n, c_n))
    for c in range(c_n):
        col = x[..., c] * richting[c]
        pref = np.where(pair, _preference(col[:, :, None] - col[:, None, :], kinds[c], p[c], q[c]), 0.0)
        plus = np.zeros((b_n, v_n))
        minus = np.zeros((b_n, v_n))
        for u in range(v_n):
            plus += pref[:, :, u]
            minus += pref[:, u, :]
        out[:, :, c] = (plus - minus) / denom
    return np.where(available[..., None], out, 0.0)


def _noise(gens: list[np.random.Generator], ns: int, shape: tuple[int, int], sd: np.ndarray) -> np.ndarray:
    """(ns, Bk, V, C) lognormal per-buurt factors, drawn sequentially from each buurt's own stream."""
    z = np.stack([g.standard_normal((ns, *shape)) for g in gens], axis=1)
    return np.exp(z * sd - 0.5 * sd * sd)


def _lognormal(rng: np.random.Generator, n: int, rel_sd: np.ndarray) -> np.ndarray:
    z = rng.standard_normal((n, *rel_sd.shape))
    return np.exp(z * rel_sd - 0.5 * rel_sd * rel_sd)


def smaa2(
    dm: DecisionMatrix,
    n_samples: int = 10_000,
    *,
    ranges: WeightRanges | None = None,
    weight_samples: np.ndarray | None = None,
    uncertainty: InputUncertainty | None = None,
    method: str = "gewogen_som",
    normalisation: str = "minmax",
    seed: int = 0,
    tie_threshold: float = 0.35,
    confidence_samples: int = 1_000,
    threads: int | None = None,
    **options: object,
) -> SmaaResult:
    """SMAA-2 over all buurten of ``dm``. ``weight_samples`` (n, C) replaces the sampling (e.g. the weights of
    a workshop's participants). Memory stays bounded by chunking over samples.

    ``threads``: worker threads over blocks of buurten (default: the CPU count, at most 4; the result does not
    depend on it). ``options``: ``preference``, ``p``, ``q`` for ``promethee_ii`` (as
    :func:`~warmteregio.engine.mcda.promethee_ii`). See the module docstring and docs/method/mcda.md for the
    fast path, the exact fixed-point keys and the partition invariance."""
    seed = _check_seed(seed)
    b_n, v_n, c_n = dm.shape
    if method not in METHODS:
        raise WeighingError(f"onbekende methode: {method} (kies uit {', '.join(METHODS)})",
                            f"unknown method: {method} (choose from {', '.join(METHODS)})")  # fmt: skip
    _check_normalisation(normalisation)
    allowed = ("preference", "p", "q") if method == "promethee_ii" else ()
    bad = sorted(set(options) - set(allowed))
    if bad:
        raise WeighingError(f"onbekende optie(s) voor {method}: {', '.join(bad)}",
                            f"unknown option(s) for {method}: {', '.join(bad)}")  # fmt: skip
    opts: dict[str, object] = {}
    if method == "promethee_ii":
        kinds, pp, qq = _promethee_setup(c_n, options.get("preference", "usual"), options.get("p"), options.get("q"))  # type: ignore[arg-type]
        opts = {"kinds": kinds, "p": pp, "q": qq}
    if not (0.0 <= float(tie_threshold) <= 1.0):
        raise WeighingError("gelijkspeldrempel moet tussen 0 en 1 liggen", "tie threshold must be between 0 and 1")
    if int(confidence_samples) < 1:
        raise WeighingError("confidence_samples moet >= 1 zijn", "confidence_samples must be >= 1")

    # weights: (n, C), rows normalised, then rounded to integers on a 2^-wb grid (exact sums, see docs)
    if weight_samples is not None:
        ws = np.asarray(weight_samples, dtype=float)
        if ws.ndim != 2 or ws.shape[1] != c_n or ws.shape[0] < 1:
            raise WeighingError(f"weight_samples moet vorm (n, {c_n}) hebben",
                                f"weight_samples must have shape (n, {c_n})")  # fmt: skip
        if not np.isfinite(ws).all() or (ws < 0).any() or (ws.sum(axis=1) <= 0).any():
            raise WeighingError("gewichten moeten eindig en >= 0 zijn met een positieve som",
                                "weights must be finite and >= 0 with a positive sum")  # fmt: skip
        ws = ws / ws.sum(axis=1, keepdims=True)
    else:
        if int(n_samples) < 1:
            raise WeighingError("n_samples moet >= 1 zijn", "n_samples must be >= 1")
        ws = sample_weights(int(n_samples), c_n, ranges, seed)
    n = ws.shape[0]
    vb = _vbits(v_n)
    wb = (51 - vb) // 2
    nb = 51 - vb - wb
    wq = np.rint(ws * float(2**wb))  # integers <= 2^wb

    unc = _check_uncertainty(uncertainty, v_n, c_n)
    problem = _Problem(dm, method, normalisation, opts, unc)
    fast = None if unc is not None else ("topsis" if method == "topsis" else "linear")

    shared = _lognormal(_rng(seed, _TAG_INPUT), n, unc.rel_sd) if unc is not None else None  # (n, V, C)
    if (
        _SHARED_PATH
        and unc is not None
        and unc.per_buurt_rel_sd is None
        and method == "gewogen_som"
        and (normalisation != "sum")
    ):
        fast = "shared"  # weighted sum with shared input factors: still linear, exact products per variant
        shared = _shared_grid(ws, shared, c_n)  # type: ignore[arg-type]

    acceptability = np.zeros((b_n, v_n, v_n))
    central = np.full((b_n, v_n, c_n), np.nan)
    pairwise = np.zeros((b_n, v_n))
    bk = max(1, min(b_n, _BLOCK_BUURTEN))
    blocks = [np.arange(b0, min(b0 + bk, b_n)) for b0 in range(0, b_n, bk)]

    def run(idx: np.ndarray) -> None:
        a, cw, pw = _run_block(problem, idx, wq, shared, seed, vb, nb, fast)
        acceptability[idx], central[idx], pairwise[idx] = a, cw, pw

    workers = min(len(blocks), _threads(threads))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, blocks))
    else:
        for idx in blocks:
            run(idx)
    winner = _winner(acceptability[:, :, 0], dm.available)
    confidence = _confidence(problem, central, acceptability[:, :, 0], seed, int(confidence_samples))
    tied = (pairwise >= tie_threshold) & dm.available
    has = winner >= 0
    tied[np.flatnonzero(has), winner[has]] = True
    return SmaaResult(acceptability, central, confidence, winner, pairwise, tied, n, seed, method, float(tie_threshold))


def _threads(threads: int | None) -> int:
    if threads is None:
        return max(1, min(os.cpu_count() or 1, _MAX_THREADS))
    if int(threads) < 1:
        raise WeighingError("threads moet >= 1 zijn", "threads must be >= 1")
    return int(threads)


def _run_block(
    problem: _Problem, idx: np.ndarray, wq: np.ndarray, shared: np.ndarray | None, seed: int, vb: int, nb: int,
    fast: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Acceptability, central weights and pairwise winning index for one block of buurten.

    The pairwise counts are taken in the main pass against a provisional winner (the most frequent first
    variant in the first samples); only buurten whose final winner differs get a second pass over the same
    samples (same random streams). Either way the counts are exact, so the result does not depend on it."""
    dm = problem.dm
    n, c_n = wq.shape
    v_n = dm.shape[1]
    avail = dm.available[idx]
    nbk = avail.shape[0]
    ns = _chunk(problem, nbk, n, fast)
    buf = np.empty((v_n + 1, nbk, ns))
    acc = _Accumulator(v_n, nbk, wq, vb)
    cols = np.arange(nbk)

    def keys_for(rows: np.ndarray):  # type: ignore[no-untyped-def]
        if fast == "linear":
            return _fast_keys(problem, rows, wq, vb, nb)
        if fast == "topsis":
            return _topsis_keys(problem, rows, wq, vb, nb)
        if fast == "shared":
            return _shared_keys(problem, rows, shared, vb)  # type: ignore[arg-type]
        return _generic_key_fn(problem, rows, wq, shared, seed, vb)

    # provisional winner from the first samples
    m = min(n, _PROVISIONAL)
    probe = np.empty((v_n, nbk, m))
    keys_for(idx)(0, m, probe)
    top = np.argmax(probe, axis=0)  # (Bk, m)
    votes = np.bincount((top + (cols * v_n)[:, None]).ravel(), minlength=nbk * v_n).reshape(nbk, v_n)
    prov = np.argmax(np.where(avail, votes, -1), axis=1)
    wins = np.zeros((v_n, nbk), dtype=np.int64)

    key_fn = keys_for(idx)
    for s0 in range(0, n, ns):
        s1 = min(n, s0 + ns)
        b = buf if s1 - s0 == ns else np.empty((v_n + 1, nbk, s1 - s0))
        k = b[:v_n]
        key_fn(s0, s1, k)
        wins += np.count_nonzero(k > k[prov, cols][None], axis=2)
        acc.add(b, s0)
    a = acc.acceptability(avail, n)
    central = np.where(a[:, :, :1] > 0, acc.central(a[:, :, 0]), np.nan)
    win = _winner(a[:, :, 0], avail)
    redo = np.flatnonzero((win >= 0) & (win != prov))
    if redo.size:
        rows = idx[redo]
        w2 = win[redo]
        c2 = np.arange(redo.size)
        key_fn = keys_for(rows)
        ns2 = _chunk(problem, redo.size, n, fast)
        wins2 = np.zeros((v_n, redo.size), dtype=np.int64)
        for s0 in range(0, n, ns2):
            s1 = min(n, s0 + ns2)
            k = np.empty((v_n, redo.size, s1 - s0))
            key_fn(s0, s1, k)
            wins2 += np.count_nonzero(k > k[w2, c2][None], axis=2)
        wins[:, redo] = wins2
    pairwise = np.where(avail & (win[:, None] >= 0), wins.T / n, 0.0)
    return a, central, pairwise


def _chunk(problem: _Problem, nbk: int, n: int, fast: str | None) -> int:
    """Samples per chunk: bounded memory per block, whatever the number of samples."""
    v_n, c_n = problem.dm.shape[1:]
    if fast:
        ns = _FAST_COLUMNS // nbk
    else:
        ns = _GENERIC_ELEMENTS // (nbk * v_n * max(c_n, v_n if problem.method == "promethee_ii" else 1))
    return max(1, min(ns, n))


def _check_uncertainty(unc: InputUncertainty | None, v_n: int, c_n: int) -> InputUncertainty | None:
    if unc is None:
        return None
    rel = np.asarray(unc.rel_sd, dtype=float)
    if rel.shape != (v_n, c_n) or not np.isfinite(rel).all() or (rel < 0).any():
        raise WeighingError(f"rel_sd moet vorm ({v_n}, {c_n}) hebben, eindig en >= 0",
                            f"rel_sd must have shape ({v_n}, {c_n}), finite and >= 0")  # fmt: skip
    pb = None
    if unc.per_buurt_rel_sd is not None:
        pb = np.asarray(unc.per_buurt_rel_sd, dtype=float)
        if pb.shape != (c_n,) or not np.isfinite(pb).all() or (pb < 0).any():
            raise WeighingError(f"per_buurt_rel_sd moet vorm ({c_n},) hebben, eindig en >= 0",
                                f"per_buurt_rel_sd must have shape ({c_n},), finite and >= 0")  # fmt: skip
        if not pb.any():
            pb = None
    if not rel.any() and pb is None:
        return None
    return InputUncertainty(rel, pb)


def _winner(first: np.ndarray, available: np.ndarray) -> np.ndarray:
    masked = np.where(available, first, -1.0)
    return np.where(available.any(axis=1), np.argmax(masked, axis=1), -1)


def _exact_products(mat: np.ndarray, w_t: np.ndarray, s0: int, s1: int, out: np.ndarray) -> None:
    """out (R, ns) = mat (R, K) @ w_t[:, s0:s1] for integer-valued float64 operands whose sums stay below 2^53.

    Row blocks small enough for OpenBLAS to stay single-threaded: its threading costs more than it gains on these
    thin products (measured up to 10x slower on 2 busy cores); exactness makes the split harmless."""
    ns = s1 - s0
    step = max(1, _GEMM_SINGLE_THREAD // (ns * mat.shape[1]))
    w = np.ascontiguousarray(w_t[:, s0:s1])
    for r0 in range(0, out.shape[0], step):
        np.matmul(mat[r0 : r0 + step], w, out=out[r0 : r0 + step])


def _pow2_scale(x: np.ndarray, bits: int) -> np.ndarray:
    """Integers on a 2^-bits grid of x (>= 0) scaled per buurt (axis 0) by a power of two to at most 1."""
    top = x.reshape(x.shape[0], -1).max(axis=1) if x.size else np.zeros(x.shape[0])
    exp = np.ceil(np.log2(np.where(top > 0, top, 1.0))).astype(int)
    return np.rint(np.ldexp(x, -exp.reshape(-1, *([1] * (x.ndim - 1)))) * float(2**bits))


def _fast_keys(problem: _Problem, idx: np.ndarray, wq: np.ndarray, vb: int, nb: int):  # type: ignore[no-untyped-def]
    """Scores linear in the weights (weighted sum; PROMETHEE II = weighted sum of per-criterion net flows)
    without input uncertainty: keys straight from one exact BLAS product per sample chunk.

    The per-criterion values are shifted per buurt and criterion to a minimum of 0 and scaled per buurt by a
    power of two to at most 1 (neither changes the order), then rounded to integers on a 2^-nb grid; with
    integer weights on a 2^-wb grid every product and partial sum is an integer below 2^53, so the matrix
    product is exact whatever the summation order, blocking or thread count of the BLAS."""
    n = problem.linear_matrix(idx)  # (Bk, V, C)
    avail = problem.dm.available[idx]
    nbk, v_n, _ = n.shape
    avail3 = avail[:, :, None]
    low = np.min(np.where(avail3, n, np.inf), axis=1, keepdims=True)
    n = np.where(avail3, n - low, 0.0)  # >= 0; a per-criterion shift leaves the order unchanged
    nq = _pow2_scale(n, nb)  # integers in [0, 2^nb]
    tie = float(2**vb - 1) - np.arange(v_n, dtype=float)
    const = _TWO52 + np.where(avail, float(2**vb), 0.0) + tie  # (Bk, V)
    mat = np.concatenate([nq, const[:, :, None]], axis=2)  # (Bk, V, C+1)
    mat = np.ascontiguousarray(mat.transpose(1, 0, 2).reshape(v_n * nbk, mat.shape[2]))  # (V*Bk, C+1)
    waug = np.concatenate([wq * float(2**vb), np.ones((wq.shape[0], 1))], axis=1)  # (n, C+1)
    waug_t = np.ascontiguousarray(waug.T)  # (C+1, n)

    def keys(s0: int, s1: int, out: np.ndarray) -> None:
        _exact_products(mat, waug_t, s0, s1, out.reshape(v_n * nbk, s1 - s0))

    return keys


def _topsis_keys(problem: _Problem, idx: np.ndarray, wq: np.ndarray, vb: int, nb: int):  # type: ignore[no-untyped-def]
    """TOPSIS without input uncertainty. With weights w >= 0 the weighted ideal is w * max N, so
    ``D+^2 = sum_c w_c^2 (N_vc - max N_c)^2`` and ``D-^2`` likewise: two exact products of squared weights and
    fixed squared distances (both on integer grids, scaled per buurt by one power of two; sum w^2 <= 1 keeps the
    sums below 2^53), then the closeness elementwise."""
    n = problem.normalised_central(idx)  # (Bk, V, C)
    avail = problem.dm.available[idx]
    nbk, v_n, c_n = n.shape
    avail3 = avail[:, :, None]
    hi = np.max(np.where(avail3, n, -np.inf), axis=1, keepdims=True)
    lo = np.min(np.where(avail3, n, np.inf), axis=1, keepdims=True)
    dist = np.stack([np.where(avail3, (n - hi) ** 2, 0.0), np.where(avail3, (n - lo) ** 2, 0.0)], axis=1)
    dq = _pow2_scale(dist, nb)  # (Bk, 2, V, C)
    mat = np.ascontiguousarray(dq.transpose(1, 2, 0, 3).reshape(2 * v_n * nbk, c_n))  # ([+/-], V, Bk) x C
    wb = 51 - vb - nb
    w2_t = np.ascontiguousarray(np.rint(np.ldexp(wq * wq, -wb)).T)  # (C, n) squared weights on the 2^-wb grid
    av = avail.T[:, :, None]  # (V, Bk, 1)

    def keys(s0: int, s1: int, out: np.ndarray) -> None:
        ns = s1 - s0
        d2 = np.empty((2 * v_n * nbk, ns))
        _exact_products(mat, w2_t, s0, s1, d2)
        d = np.sqrt(d2).reshape(2, v_n, nbk, ns)
        total = d[0] + d[1]
        with np.errstate(invalid="ignore", divide="ignore"):
            cc = np.where(total > 0, d[1] / total, 1.0)
        _keys_vlayout(cc, av, vb, out)

    return keys


def _slopes(problem: _Problem, idx: np.ndarray) -> np.ndarray:
    """(Bk, V, C) A with normalised value = A * factor + (a per buurt-criterion constant) under the central
    scale (minmax, vector, max; 0 where unavailable or where the column does not discriminate)."""
    dm, st = problem.dm, problem.stats
    assert st is not None
    if problem.normalisation == "minmax":
        den = (st["hi"] - st["lo"])[idx]
    elif problem.normalisation == "vector":
        den = st["norm"][idx]
    else:
        den = st["hi"][idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(den != 0, dm.richting / den, 0.0)
    return np.where(dm.available[idx][:, :, None], slope * problem.values[idx], 0.0)


def _int_grid(x: np.ndarray, axis_keep: int | None, bits: int) -> np.ndarray:
    """Signed integers on a 2^-bits grid of x scaled by a power of two to |x| <= 1 (per index of axis
    ``axis_keep``, or globally when None)."""
    a = np.abs(x)
    if axis_keep is None:
        top = np.array(a.max() if a.size else 0.0)
    else:
        top = np.moveaxis(a, axis_keep, 0).reshape(x.shape[axis_keep], -1).max(axis=1) if a.size else a.sum(0)
        shape = [1] * x.ndim
        shape[axis_keep] = -1
        top = top.reshape(shape)
    exp = np.ceil(np.log2(np.where(top > 0, top, 1.0))).astype(int)
    return np.rint(np.ldexp(x, -exp) * float(2**bits))


def _grid_bits(c_n: int) -> int:
    return (52 - max(1, (c_n - 1).bit_length())) // 2


def _shared_grid(ws: np.ndarray, factors: np.ndarray, c_n: int) -> np.ndarray:
    """(V, C, n) integer grid of w_sc * F_svc (global power-of-two scale: independent of the buurten)."""
    g = ws[:, None, :] * factors  # (n, V, C)
    return np.ascontiguousarray(_int_grid(g, None, _grid_bits(c_n)).transpose(1, 2, 0))


def _shared_keys(problem: _Problem, idx: np.ndarray, gq: np.ndarray, vb: int):  # type: ignore[no-untyped-def]
    """Weighted sum with shared input factors: ``S = sum_c (w_c F_vc) A_bvc`` + a per-sample buurt constant, one
    exact product per variant (both factors on integer grids, sums below 2^53)."""
    v_n, c_n, _ = gq.shape
    aq = _int_grid(_slopes(problem, idx), 0, _grid_bits(c_n))  # (Bk, V, C), per buurt
    mats = [np.ascontiguousarray(aq[:, v, :]) for v in range(v_n)]
    av = problem.dm.available[idx].T[:, :, None]
    nbk = aq.shape[0]

    def keys(s0: int, s1: int, out: np.ndarray) -> None:
        sc = np.empty((v_n, nbk, s1 - s0))
        for v in range(v_n):
            _exact_products(mats[v], gq[v], s0, s1, sc[v])
        _keys_vlayout(sc, av, vb, out)

    return keys


def _keys_vlayout(scores: np.ndarray, avail: np.ndarray, vb: int, out: np.ndarray) -> None:
    """:func:`_generic_keys` for scores laid out (V, Bk, ns), written into ``out``."""
    v_n = scores.shape[0]
    lo = np.min(np.where(avail, scores, np.inf), axis=0)
    hi = np.max(np.where(avail, scores, -np.inf), axis=0)
    span = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(span > 0, (scores - lo) / span, 0.0)
    q = np.rint(scaled * float(2 ** (51 - vb)))
    tie = (float(2**vb - 1) - np.arange(v_n, dtype=float))[:, None, None]
    np.copyto(out, np.where(avail, _TWO52 + (q + 1.0) * float(2**vb) + tie, _TWO52 + tie))


def _generic_key_fn(problem: _Problem, idx: np.ndarray, wq: np.ndarray, shared: np.ndarray | None, seed: int, vb: int):  # type: ignore[no-untyped-def]
    """Any method, with or without input uncertainty: scores per sample chunk, then exact keys."""
    dm = problem.dm
    values = problem.values[idx]  # (Bk, V, C), 0 where unavailable
    avail = dm.available[idx]
    stats = None
    if problem.stats is not None:
        stats = {k: v[idx] for k, v in problem.stats.items()}
    unc = problem.unc
    gens = None
    if unc is not None and unc.per_buurt_rel_sd is not None:
        gens = [_rng(seed, _TAG_NOISE, _buurt_tag(code)) for code in dm.buurten[idx]]
    pos = {"next": 0}

    def keys(s0: int, s1: int, out: np.ndarray) -> None:
        ns = s1 - s0
        x = values[None]
        if shared is not None:
            x = x * shared[s0:s1, None]  # (ns, Bk, V, C)
        if gens is not None:
            if pos["next"] != s0:
                raise AssertionError("samples must be requested in order")
            x = x * _noise(gens, ns, values.shape[1:], unc.per_buurt_rel_sd)  # type: ignore[union-attr]
            pos["next"] = s1
        x = np.broadcast_to(x, (ns, *values.shape))
        w = np.broadcast_to(wq[s0:s1, None, :], (ns, values.shape[0], wq.shape[1]))
        s = problem.scores(x, avail[None], w, {k: v[None] for k, v in stats.items()} if stats else None)
        k = _generic_keys(s, np.broadcast_to(avail, s.shape), vb)  # (ns, Bk, V)
        out[...] = k.transpose(2, 1, 0)  # (V, Bk, ns)

    return keys


def _confidence(problem: _Problem, central: np.ndarray, first: np.ndarray, seed: int, k_n: int) -> np.ndarray:
    """Share of input samples in which v is first with its own central weights (NaN where b1 = 0)."""
    dm = problem.dm
    b_n, v_n, c_n = dm.shape
    out = np.full((b_n, v_n), np.nan)
    unc = problem.unc
    if unc is None:
        k_n = 1
    shared = _lognormal(_rng(seed, _TAG_CONF_INPUT), k_n, unc.rel_sd) if unc is not None else None
    per_buurt = unc is not None and unc.per_buurt_rel_sd is not None
    linear = (
        _SHARED_PATH
        and shared is not None
        and not per_buurt
        and problem.method == "gewogen_som"
        and problem.normalisation != "sum"
    )
    if linear:
        bits = _grid_bits(c_n)
        fq = np.ascontiguousarray(_int_grid(shared, None, bits).transpose(1, 2, 0))  # (V, C, K)
        for v in range(v_n):
            bs = np.flatnonzero(first[:, v] > 0)
            if bs.size == 0:
                continue
            # S[k, b, u] = sum_c (wc_bc A_buc) F_kuc + const: exact products per variant u
            h = _int_grid(central[bs, v][:, None, :] * _slopes(problem, bs), 0, bits)  # (nb, V, C)
            sc = np.empty((v_n, bs.size, k_n))
            for u in range(v_n):
                _exact_products(np.ascontiguousarray(h[:, u, :]), fq[u], 0, k_n, sc[u])
            sc = np.where(dm.available[bs].T[:, :, None], sc, -np.inf)
            out[bs, v] = (np.argmax(sc, axis=0) == v).sum(axis=1) / k_n
        return out
    # generic: per block of buurten the input samples are drawn once and scored with each candidate's weights
    cand = np.flatnonzero((first > 0).any(axis=1))
    for b0 in range(0, cand.size, _BLOCK_BUURTEN):
        bs = cand[b0 : b0 + _BLOCK_BUURTEN]
        gens = [_rng(seed, _TAG_CONF_NOISE, _buurt_tag(dm.buurten[b])) for b in bs] if per_buurt else None
        values = problem.values[bs]
        avail = dm.available[bs]
        stats = {k: x[bs][None] for k, x in problem.stats.items()} if problem.stats is not None else None
        hits = np.zeros((bs.size, v_n), dtype=np.int64)
        step = max(1, _GENERIC_ELEMENTS // (bs.size * v_n * max(c_n, v_n)))
        for k0 in range(0, k_n, step):
            k1 = min(k_n, k0 + step)
            x = np.broadcast_to(values[None], (k1 - k0, *values.shape))
            if shared is not None:
                x = x * shared[k0:k1, None]
            if gens is not None:
                x = x * _noise(gens, k1 - k0, values.shape[1:], unc.per_buurt_rel_sd)  # type: ignore[union-attr]
            ws_norm = None
            if problem.method == "gewogen_som":  # normalise once (central scale), then weigh per candidate
                ws_norm = _apply_norm(x, stats, dm.richting, problem.normalisation)  # type: ignore[arg-type]
            for v in range(v_n):
                rows = np.flatnonzero(first[bs, v] > 0)
                if rows.size == 0:
                    continue
                w = central[bs[rows], v]  # (nr, C)
                wb = np.broadcast_to(w[None], (k1 - k0, *w.shape))
                if ws_norm is not None:
                    sc = np.where(avail[rows][None], _weighted_scores(ws_norm[:, rows], wb), np.nan)
                else:
                    st = {k: x_[:, rows] for k, x_ in stats.items()} if stats is not None else None
                    sc = problem.scores(x[:, rows], avail[rows][None], wb, st)
                sc = np.where(np.isnan(sc), -np.inf, sc)
                hits[rows, v] += (np.argmax(sc, axis=2) == v).sum(axis=0)
        has = first[bs] > 0
        out[bs] = np.where(has, hits / k_n, np.nan)
    return out


def weight_flip(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> WeightFlip:
    """See :class:`WeightFlip`; weighted sum with the given (C,) normalised weights.

    Analytic: with criterion c's weight set to t and the others scaled by (1 - t) / (1 - w_c), the score
    difference of variant v and the current winner a is linear in t,
    ``D_v(t) = D_v(w_c) + (t - w_c) m_v`` with ``m_v = (N_vc - N_ac) - (R_v - R_a) / (1 - w_c)`` and
    ``R = S - w_c N_c``; it reaches 0 at ``t = w_c - D_v(w_c) / m_v``. The smallest |t - w_c| over v, with
    0 <= t <= 1, is the flip of criterion c. A criterion with weight 1 cannot be rescaled (NaN)."""
    w = weights_vector(dm, weights)
    n = normalise(dm, normalisation)  # (B, V, C), NaN where unavailable
    s = _weighted_sum_normalised(n, w)  # (B, V)
    _, winner = ranks_from_scores(s)
    b_n, v_n, c_n = dm.shape
    has = winner >= 0
    a = np.maximum(winner, 0)
    rows = np.arange(b_n)
    n_a = n[rows, a]  # (B, C)
    s_a = s[rows, a]  # (B,)
    with np.errstate(invalid="ignore", divide="ignore"):
        d0 = (s - s_a[:, None])[:, None, :]  # (B, 1, V), <= 0 for every available v
        alpha = (n - n_a[:, None, :]).transpose(0, 2, 1)  # (B, C, V)
        r = s[:, :, None] - n * w  # (B, V, C): score without criterion c
        r_a = r[rows, a]  # (B, C)
        beta = ((r - r_a[:, None, :]) / (1.0 - w)).transpose(0, 2, 1)  # (B, C, V)
        m = alpha - beta
        delta = -d0 / m  # (B, C, V)
        t = w[None, :, None] + delta
        ok = (dm.available & has[:, None] & (np.arange(v_n)[None, :] != a[:, None]))[:, None, :]
        ok = ok & (m != 0) & np.isfinite(delta) & (t >= 0.0) & (t <= 1.0) & (w < 1.0)[None, :, None]
    mag = np.where(ok, np.abs(delta), np.inf)
    best_v = np.argmin(mag, axis=2)  # (B, C), lowest variant index on equal changes
    best = np.take_along_axis(mag, best_v[:, :, None], axis=2)[:, :, 0]
    found = np.isfinite(best)
    per_criterion = np.where(found, np.take_along_axis(delta, best_v[:, :, None], axis=2)[:, :, 0], np.nan)
    per_winner = np.where(found, best_v, -1)
    any_found = found.any(axis=1)
    crit = np.argmin(np.where(found, np.abs(per_criterion), np.inf), axis=1) if c_n else np.zeros(b_n, int)
    crit = np.where(any_found, crit, -1)
    safe = np.maximum(crit, 0)
    delta_b = np.where(any_found, per_criterion[rows, safe], np.nan)
    new_winner = np.where(any_found, per_winner[rows, safe], -1)
    return WeightFlip(per_criterion, per_winner, crit, delta_b, new_winner)
