"""Multi-criteria weighing of strategy variants per buurt: normalisation, weighted sum, TOPSIS, PROMETHEE II.

Pure and vectorised over buurten: a :class:`DecisionMatrix` holds, for B buurten, V variants and C criteria, the
criterion values ``values[b, v, c]`` in their own units, the direction of each criterion (``richting``: +1 higher
is better, -1 lower is better) and which variants are available per buurt (``available``; a heat network that is
invalid in a buurt, or a variant excluded by a hard constraint, is not available and never ranks).

Formulas (documented in docs/method/afweging.md, cross-checked against pymcdm in tests/engine/test_mcda.py):

* normalisation per buurt and criterion over the available variants, benefit-oriented (1 = best):
  ``minmax``: (x - min) / (max - min), or (max - x) / (max - min) for lower-is-better; a criterion with equal
  values for every available variant gives 1 (it does not discriminate);
  ``vector``: x / sqrt(sum x^2) (lower-is-better: 1 - x / sqrt(sum x^2));
  ``max``: x / max (lower-is-better: 1 - x / max); ``sum``: x / sum (lower-is-better: (1/x) / sum(1/x)).
* weighted sum: ``S[b, v] = sum_c w_c N[b, v, c]`` with weights normalised to sum 1.
* TOPSIS: weighted normalised matrix, distance to the ideal and anti-ideal per buurt, closeness
  ``D- / (D+ + D-)``.
* PROMETHEE II: pairwise preference per criterion (``usual``, ``linear`` with thresholds p and q, ...), net
  outranking flow ``phi = phi+ - phi-`` over the available variants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

NORMALISATIONS: tuple[str, ...] = ("minmax", "vector", "max", "sum")
METHODS: tuple[str, ...] = ("gewogen_som", "topsis", "promethee_ii")
OPERATORS: tuple[str, ...] = (">=", "<=", ">", "<")


class WeighingError(ValueError):
    """Bad weights, methods or constraints; ``nl`` and ``en`` carry the message in Dutch and English."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


@dataclass(frozen=True)
class DecisionMatrix:
    """Criterion values per buurt x variant x criterion.

    * ``buurten`` (B,) str: BU codes.
    * ``varianten`` (V,): catalogue variant codes (``S1a``, ``S4d``, user variants ...).
    * ``criteria`` (C,): criterion codes of the criteria catalogue.
    * ``values`` (B, V, C) float: in the criterion's own unit; finite wherever ``available`` is True.
    * ``richting`` (C,) int: +1 higher is better, -1 lower is better.
    * ``available`` (B, V) bool.
    """

    buurten: np.ndarray
    varianten: tuple[str, ...]
    criteria: tuple[str, ...]
    values: np.ndarray
    richting: np.ndarray
    available: np.ndarray = field(default=None)  # type: ignore[assignment]  # default: finite rows

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=float)
        if values.ndim != 3:
            raise WeighingError("de beslismatrix moet 3 dimensies hebben (buurt, variant, criterium)",
                                "the decision matrix must have 3 dimensions (buurt, variant, criterion)")  # fmt: skip
        b, v, c = values.shape
        buurten = np.asarray(self.buurten, dtype=str)
        richting = np.asarray(self.richting, dtype=int)
        if buurten.shape != (b,) or len(self.varianten) != v or len(self.criteria) != c or richting.shape != (c,):
            raise WeighingError(
                f"vormen passen niet: waarden {values.shape}, {len(buurten)} buurten, {len(self.varianten)} "
                f"varianten, {len(self.criteria)} criteria, richting {richting.shape}",
                f"shapes do not match: values {values.shape}, {len(buurten)} buurten, {len(self.varianten)} "
                f"variants, {len(self.criteria)} criteria, direction {richting.shape}",
            )
        if not np.all(np.isin(richting, (-1, 1))):
            raise WeighingError("richting moet +1 of -1 zijn", "direction must be +1 or -1")
        available = np.isfinite(values).all(axis=2) if self.available is None else np.asarray(self.available, bool)
        if available.shape != (b, v):
            raise WeighingError(f"beschikbaarheid moet vorm {(b, v)} hebben", f"availability must have shape {(b, v)}")
        if not np.isfinite(values[available]).all():
            raise WeighingError("beschikbare varianten hebben ontbrekende criteriumwaarden",
                                "available variants have missing criterion values")  # fmt: skip
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "buurten", buurten)
        object.__setattr__(self, "richting", richting)
        object.__setattr__(self, "varianten", tuple(self.varianten))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "available", available)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.values.shape  # type: ignore[return-value]

    def subset(self, mask: np.ndarray) -> DecisionMatrix:
        """The buurten selected by a (B,) bool mask or an index array, in that order."""
        idx = np.asarray(mask)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return DecisionMatrix(self.buurten[idx], self.varianten, self.criteria, self.values[idx], self.richting,
                              self.available[idx])  # fmt: skip

    def select(self, varianten: Sequence[str] | None = None, criteria: Sequence[str] | None = None) -> DecisionMatrix:
        """A matrix restricted to (and ordered as) the given variants and/or criteria."""
        vi = _indices(self.varianten, varianten, "variant", "variant")
        ci = _indices(self.criteria, criteria, "criterium", "criterion")
        return DecisionMatrix(
            self.buurten, tuple(self.varianten[i] for i in vi), tuple(self.criteria[i] for i in ci),
            self.values[:, vi][:, :, ci], self.richting[ci], self.available[:, vi],
        )  # fmt: skip


def _indices(have: Sequence[str], want: Sequence[str] | None, nl: str, en: str) -> list[int]:
    if want is None:
        return list(range(len(have)))
    pos = {code: i for i, code in enumerate(have)}
    unknown = [w for w in want if w not in pos]
    if unknown:
        raise WeighingError(f"onbekend {nl}: {', '.join(unknown)}", f"unknown {en}: {', '.join(unknown)}")
    return [pos[w] for w in want]


@dataclass(frozen=True)
class Constraint:
    """A must-have: a variant is excluded in a buurt when ``value <operator> drempel`` is false there
    (e.g. ``Constraint("bron_capaciteit", ">=", 1.0)``)."""

    criterium: str
    operator: str
    drempel: float


@dataclass(frozen=True)
class Ranking:
    """Scores and ranks per buurt. ``scores`` (B, V), NaN where not available (higher is better for every
    method); ``ranks`` (B, V) int, 1 = best, 0 = not available; ``winner`` (B,) index into ``varianten``, -1 when
    no variant is available; ``weights`` (C,) the normalised weights used; ``available`` after constraints."""

    scores: np.ndarray
    ranks: np.ndarray
    winner: np.ndarray
    weights: np.ndarray
    method: str
    available: np.ndarray


def weights_vector(dm: DecisionMatrix, weights: Mapping[str, float] | Sequence[float] | np.ndarray) -> np.ndarray:
    """(C,) weights normalised to sum 1, in the order of ``dm.criteria``. A mapping may omit criteria (weight 0)
    but may not name unknown ones; negative, non-finite or all-zero weights raise :class:`WeighingError`."""
    raise NotImplementedError


def normalise(dm: DecisionMatrix, method: str = "minmax") -> np.ndarray:
    """(B, V, C) benefit-oriented normalised values (see module docstring); NaN where not available."""
    raise NotImplementedError


def apply_constraints(dm: DecisionMatrix, constraints: Sequence[Constraint]) -> np.ndarray:
    """(B, V) availability after the hard constraints (unknown criterion -> WeighingError)."""
    raise NotImplementedError


def weighted_sum(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> np.ndarray:
    """(B, V) weighted-sum scores; ``weights`` (C,) normalised weights. NaN where not available."""
    raise NotImplementedError


def topsis(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> np.ndarray:
    """(B, V) TOPSIS closeness coefficients in [0, 1]. NaN where not available."""
    raise NotImplementedError


def promethee_ii(
    dm: DecisionMatrix,
    weights: np.ndarray,
    preference: str = "usual",
    p: np.ndarray | None = None,
    q: np.ndarray | None = None,
) -> np.ndarray:
    """(B, V) PROMETHEE II net flows; ``p``/``q`` (C,) preference and indifference thresholds in criterion units
    (needed by ``linear`` / ``vshape``). NaN where not available."""
    raise NotImplementedError


def score(dm: DecisionMatrix, weights: np.ndarray, method: str = "gewogen_som", **options: object) -> np.ndarray:
    """Dispatch to the method in :data:`METHODS`; unknown method -> WeighingError."""
    raise NotImplementedError


def ranks_from_scores(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ranks, winner) from (B, V) scores: rank 1 = highest score; NaN -> rank 0; ties keep variant order."""
    raise NotImplementedError


def rank(
    dm: DecisionMatrix,
    weights: Mapping[str, float] | Sequence[float] | np.ndarray,
    method: str = "gewogen_som",
    constraints: Sequence[Constraint] = (),
    **options: object,
) -> Ranking:
    """Weights -> constraints -> scores -> ranks, in one call."""
    raise NotImplementedError
