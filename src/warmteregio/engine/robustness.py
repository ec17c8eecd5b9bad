"""Robustness of the weighing: SMAA-2 (stochastic multicriteria acceptability analysis) and weight flips.

Pure NumPy. Weights are sampled uniformly on the simplex (unknown preferences) or uniformly within per-criterion
ranges the user sets; uncertain inputs are multiplicative factors per variant x criterion, shared by all buurten
(correlated, e.g. "heat-network costs +-30%"), optionally plus independent noise per buurt. Every random stream
is derived from ``seed`` (and, for per-buurt noise, a stable hash of the BU code), so the result for a buurt does
not depend on which other buurten are computed with it: a run partitioned by gemeente gives identical numbers.

For the weighted sum the normalisation scale (min and max per buurt and criterion) is that of the central
values, so an uncertain input moves a variant's normalised value linearly (documented in
docs/method/afweging.md).

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

from dataclasses import dataclass

import numpy as np

from warmteregio.engine.mcda import DecisionMatrix


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


def sample_weights(
    n: int, n_criteria: int, ranges: WeightRanges | None = None, seed: int = 0
) -> np.ndarray:
    """(n, C) weight vectors on the simplex: uniform (flat Dirichlet) or uniform within ``ranges``."""
    raise NotImplementedError


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
) -> SmaaResult:
    """SMAA-2 over all buurten of ``dm``. ``weight_samples`` (n, C) replaces the sampling (e.g. the weights of
    a workshop's participants). Memory stays bounded by chunking over samples."""
    raise NotImplementedError


def weight_flip(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> WeightFlip:
    """See :class:`WeightFlip`; weighted sum with the given (C,) normalised weights."""
    raise NotImplementedError
