"""Multi-criteria weighing of strategy variants per buurt: normalisation, weighted sum, TOPSIS, PROMETHEE II.

Pure and vectorised over buurten: a :class:`DecisionMatrix` holds, for B buurten, V variants and C criteria, the
criterion values ``values[b, v, c]`` in their own units, the direction of each criterion (``richting``: +1 higher
is better, -1 lower is better) and which variants are available per buurt (``available``; a heat network that is
invalid in a buurt, or a variant excluded by a hard constraint, is not available and never ranks).

Formulas (documented in docs/method/mcda.md, cross-checked against pymcdm in tests/engine/test_mcda.py):

* normalisation per buurt and criterion over the available variants, benefit-oriented (1 = best):
  ``minmax``: (x - min) / (max - min), or (max - x) / (max - min) for lower-is-better; a criterion with equal
  values for every available variant gives 1 (it does not discriminate);
  ``vector``: x / sqrt(sum x^2) (lower-is-better: 1 - x / sqrt(sum x^2));
  ``max``: x / max (lower-is-better: 1 - x / max); ``sum``: x / sum (lower-is-better: (1/x) / sum(1/x));
  a zero denominator gives 1 (an all-zero column does not discriminate); a zero cost under ``sum`` takes the
  limit (the zero-cost variants share 1 equally).
* weighted sum: ``S[b, v] = sum_c w_c N[b, v, c]`` with weights normalised to sum 1.
* TOPSIS: weighted normalised matrix, distance to the ideal and anti-ideal per buurt, closeness
  ``D- / (D+ + D-)`` (1 when every available variant equals the ideal).
* PROMETHEE II: pairwise preference per criterion (:data:`PREFERENCES`: ``usual``; ``ushape`` with q;
  ``vshape`` with p; ``level`` and ``linear`` with q < p), net outranking flow ``phi = phi+ - phi-`` over the
  available variants (0 for a single one).

Every sum over criteria or variants runs in a fixed order, so a buurt's scores are bitwise the same whichever
other buurten are computed with it.
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
    n_c = len(dm.criteria)
    if isinstance(weights, Mapping):
        _indices(dm.criteria, list(weights), "criterium", "criterion")
        raw = [weights.get(code, 0.0) for code in dm.criteria]
    else:
        raw = weights  # type: ignore[assignment]
    try:
        w = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise WeighingError("gewichten moeten getallen zijn", "weights must be numbers") from None
    if w.shape != (n_c,):
        raise WeighingError(f"er zijn {n_c} gewichten nodig (één per criterium), niet vorm {w.shape}",
                            f"{n_c} weights are needed (one per criterion), not shape {w.shape}")  # fmt: skip
    if not np.isfinite(w).all():
        raise WeighingError("gewichten moeten eindige getallen zijn", "weights must be finite numbers")
    if (w < 0).any():
        raise WeighingError("gewichten mogen niet negatief zijn", "weights must not be negative")
    total = w.sum()
    if total <= 0:
        raise WeighingError("minstens één gewicht moet groter dan 0 zijn", "at least one weight must be above 0")
    return w / total


def _check_normalisation(method: str) -> None:
    if method not in NORMALISATIONS:
        raise WeighingError(f"onbekende normalisatie: {method} (kies uit {', '.join(NORMALISATIONS)})",
                            f"unknown normalisation: {method} (choose from {', '.join(NORMALISATIONS)})")  # fmt: skip


def _normalise(values: np.ndarray, available: np.ndarray, richting: np.ndarray, method: str) -> np.ndarray:
    """Core of :func:`normalise` on raw arrays: values (B, V, C), available (B, V), richting (C,)."""
    _check_normalisation(method)
    avail = available[:, :, None]
    x = np.where(avail, values, np.nan)
    cost = richting < 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo = np.min(np.where(avail, values, np.inf), axis=1, keepdims=True)
            hi = np.max(np.where(avail, values, -np.inf), axis=1, keepdims=True)
            span = hi - lo
            n = np.where(cost, hi - x, x - lo) / span
            n = np.where(span > 0, n, 1.0)
        elif method == "vector":
            norm = np.sqrt(np.sum(np.where(avail, values * values, 0.0), axis=1, keepdims=True))
            r = x / norm
            n = np.where(cost, 1.0 - r, r)
            n = np.where(norm > 0, n, 1.0)
        elif method == "max":
            hi = np.max(np.where(avail, values, -np.inf), axis=1, keepdims=True)
            r = x / hi
            n = np.where(cost, 1.0 - r, r)
            n = np.where(hi != 0, n, 1.0)
        else:  # sum
            total = np.sum(np.where(avail, values, 0.0), axis=1, keepdims=True)
            benefit = np.where(total != 0, x / total, 1.0)
            inv = 1.0 / x
            zero = avail & (values == 0)
            n_zero = zero.sum(axis=1, keepdims=True)
            inv_total = np.sum(np.where(avail & ~zero, inv, 0.0), axis=1, keepdims=True)
            # a zero cost is infinitely good: the limit gives the zero-cost variants equal shares of 1
            cost_n = np.where(n_zero > 0, zero / np.maximum(n_zero, 1), inv / inv_total)
            cost_n = np.where((n_zero == 0) & (inv_total == 0), 1.0, cost_n)
            n = np.where(cost, cost_n, benefit)
    return np.where(avail, n, np.nan)


def normalise(dm: DecisionMatrix, method: str = "minmax") -> np.ndarray:
    """(B, V, C) benefit-oriented normalised values (see module docstring); NaN where not available."""
    return _normalise(dm.values, dm.available, dm.richting, method)


def apply_constraints(dm: DecisionMatrix, constraints: Sequence[Constraint]) -> np.ndarray:
    """(B, V) availability after the hard constraints (unknown criterion -> WeighingError)."""
    available = dm.available.copy()
    for con in constraints:
        (ci,) = _indices(dm.criteria, [con.criterium], "criterium", "criterion")
        if con.operator not in OPERATORS:
            raise WeighingError(f"onbekende operator: {con.operator!r} (kies uit {', '.join(OPERATORS)})",
                                f"unknown operator: {con.operator!r} (choose from {', '.join(OPERATORS)})")  # fmt: skip
        try:
            drempel = float(con.drempel)
        except (TypeError, ValueError):
            drempel = float("nan")
        if not np.isfinite(drempel):
            raise WeighingError(f"drempel van {con.criterium} moet een eindig getal zijn",
                                f"threshold of {con.criterium} must be a finite number")  # fmt: skip
        x = dm.values[:, :, ci]
        with np.errstate(invalid="ignore"):
            ok = {">=": x >= drempel, "<=": x <= drempel, ">": x > drempel, "<": x < drempel}[con.operator]
        available &= ok
    return available


def _weighted_sum_normalised(n: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_c w_c n[..., c], accumulated criterion by criterion in a fixed order (bitwise independent of B)."""
    s = n[..., 0] * w[0]
    for c in range(1, n.shape[-1]):
        s += n[..., c] * w[c]
    return s


def weighted_sum(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> np.ndarray:
    """(B, V) weighted-sum scores; ``weights`` (C,) normalised weights. NaN where not available."""
    w = weights_vector(dm, weights)
    return _weighted_sum_normalised(normalise(dm, normalisation), w)


def topsis(dm: DecisionMatrix, weights: np.ndarray, normalisation: str = "minmax") -> np.ndarray:
    """(B, V) TOPSIS closeness coefficients in [0, 1]. NaN where not available."""
    w = weights_vector(dm, weights)
    return _topsis_normalised(normalise(dm, normalisation), dm.available, w)


def _topsis_normalised(n: np.ndarray, available: np.ndarray, w: np.ndarray) -> np.ndarray:
    vw = n * w
    avail = available[..., None]
    pis = np.max(np.where(avail, vw, -np.inf), axis=-2, keepdims=True)
    nis = np.min(np.where(avail, vw, np.inf), axis=-2, keepdims=True)
    d_plus = np.sqrt(np.sum((vw - pis) ** 2, axis=-1))
    d_minus = np.sqrt(np.sum((vw - nis) ** 2, axis=-1))
    total = d_plus + d_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        # every available variant equal to the ideal (one variant, or no discriminating criterion): closeness 1
        cc = np.where(total > 0, d_minus / total, 1.0)
    return np.where(available, cc, np.nan)


PREFERENCES: tuple[str, ...] = ("usual", "ushape", "vshape", "level", "linear")
_NEEDS = {"usual": (False, False), "ushape": (False, True), "vshape": (True, False), "level": (True, True),
          "linear": (True, True)}  # fmt: skip


def _preference(d: np.ndarray, kind: str, p: float, q: float) -> np.ndarray:
    """Preference function of the difference d (positive = better), PROMETHEE types I-V (Brans & Vincke 1985)."""
    if kind == "usual":
        return (d > 0).astype(float)
    if kind == "ushape":
        return (d > q).astype(float)
    if kind == "vshape":
        return np.where(d > p, 1.0, np.where(d > 0, d / p, 0.0))
    if kind == "level":
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    return np.where(d > p, 1.0, np.where(d > q, (d - q) / (p - q), 0.0))  # linear (V-shape with indifference)


def _promethee_setup(
    n_c: int, preference: str | Sequence[str], p: np.ndarray | None, q: np.ndarray | None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    kinds = [preference] * n_c if isinstance(preference, str) else list(preference)
    if len(kinds) != n_c:
        raise WeighingError(f"er zijn {n_c} voorkeursfuncties nodig", f"{n_c} preference functions are needed")
    bad = sorted({k for k in kinds if k not in PREFERENCES})
    if bad:
        names = ", ".join(PREFERENCES)
        raise WeighingError(f"onbekende voorkeursfunctie: {', '.join(bad)} (kies uit {names})",
                            f"unknown preference function: {', '.join(bad)} (choose from {names})")  # fmt: skip
    pp = np.full(n_c, np.nan) if p is None else np.broadcast_to(np.asarray(p, dtype=float), (n_c,)).copy()
    qq = np.full(n_c, np.nan) if q is None else np.broadcast_to(np.asarray(q, dtype=float), (n_c,)).copy()
    for c, kind in enumerate(kinds):
        need_p, need_q = _NEEDS[kind]
        if need_p and not (np.isfinite(pp[c]) and pp[c] > 0):
            raise WeighingError(f"voorkeursfunctie {kind} heeft een drempel p > 0 nodig (criterium {c})",
                                f"preference function {kind} needs a threshold p > 0 (criterion {c})")  # fmt: skip
        if need_q and not (np.isfinite(qq[c]) and qq[c] >= 0):
            raise WeighingError(f"voorkeursfunctie {kind} heeft een drempel q >= 0 nodig (criterium {c})",
                                f"preference function {kind} needs a threshold q >= 0 (criterion {c})")  # fmt: skip
        if need_p and need_q and not qq[c] < pp[c]:
            raise WeighingError(f"drempel q moet kleiner zijn dan p (criterium {c})",
                                f"threshold q must be below p (criterion {c})")  # fmt: skip
    return kinds, pp, qq


def _promethee_flows(
    values: np.ndarray, available: np.ndarray, richting: np.ndarray, w: np.ndarray,
    kinds: Sequence[str], p: np.ndarray, q: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Net flows on raw arrays (..., V, C) with weights (C,) or (..., C); criterion by criterion, so memory
    stays (..., V, V), and every sum in a fixed order (the result for a buurt never depends on the others)."""
    w = np.asarray(w, dtype=float)
    pair = available[..., :, None] & available[..., None, :]
    pi = np.zeros(pair.shape)
    x = np.where(available[..., None], values, 0.0)
    for c in range(values.shape[-1]):
        wc = w[..., c]
        if wc.ndim == 0 and wc == 0:
            continue
        col = x[..., c] * richting[c]
        d = col[..., :, None] - col[..., None, :]
        pi += np.asarray(wc)[..., None, None] * _preference(d, kinds[c], p[c], q[c])
    pi = np.where(pair, pi, 0.0)
    n_v = values.shape[-2]
    plus = np.zeros(pi.shape[:-1])
    minus = np.zeros(pi.shape[:-1])
    for u in range(n_v):
        plus += pi[..., :, u]
        minus += pi[..., u, :]
    n = available.sum(axis=-1)
    denom = np.maximum(n - 1, 1)[..., None]
    phi = (plus - minus) / denom
    return np.where(available, phi, np.nan)


def promethee_ii(
    dm: DecisionMatrix,
    weights: np.ndarray,
    preference: str = "usual",
    p: np.ndarray | None = None,
    q: np.ndarray | None = None,
) -> np.ndarray:
    """(B, V) PROMETHEE II net flows; ``p``/``q`` (C,) preference and indifference thresholds in criterion units
    (needed by ``linear`` / ``vshape``). NaN where not available."""
    w = weights_vector(dm, weights)
    kinds, pp, qq = _promethee_setup(len(dm.criteria), preference, p, q)
    return _promethee_flows(dm.values, dm.available, dm.richting, w, kinds, pp, qq)


_OPTIONS = {"gewogen_som": ("normalisation",), "topsis": ("normalisation",),
            "promethee_ii": ("preference", "p", "q")}  # fmt: skip


def _check_method(method: str, options: Mapping[str, object]) -> None:
    if method not in METHODS:
        raise WeighingError(f"onbekende methode: {method} (kies uit {', '.join(METHODS)})",
                            f"unknown method: {method} (choose from {', '.join(METHODS)})")  # fmt: skip
    bad = sorted(set(options) - set(_OPTIONS[method]))
    if bad:
        raise WeighingError(f"onbekende optie(s) voor {method}: {', '.join(bad)}",
                            f"unknown option(s) for {method}: {', '.join(bad)}")  # fmt: skip


def score(dm: DecisionMatrix, weights: np.ndarray, method: str = "gewogen_som", **options: object) -> np.ndarray:
    """Dispatch to the method in :data:`METHODS`; unknown method -> WeighingError."""
    _check_method(method, options)
    if method == "gewogen_som":
        return weighted_sum(dm, weights, **options)  # type: ignore[arg-type]
    if method == "topsis":
        return topsis(dm, weights, **options)  # type: ignore[arg-type]
    return promethee_ii(dm, weights, **options)  # type: ignore[arg-type]


def ranks_from_scores(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ranks, winner) from (B, V) scores: rank 1 = highest score; NaN -> rank 0; ties keep variant order."""
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, axis=-1, kind="stable")  # NaN sorts last
    ranks = np.empty(s.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(1, s.shape[-1] + 1), axis=-1)
    valid = ~np.isnan(s)
    ranks = np.where(valid, ranks, 0)
    if s.shape[-1] == 0:
        return ranks, np.full(s.shape[:-1], -1, dtype=np.int64)
    winner = np.where(valid.any(axis=-1), order[..., 0], -1)
    return ranks, winner


def with_available(dm: DecisionMatrix, available: np.ndarray) -> DecisionMatrix:
    """The same matrix with another (B, V) availability (e.g. after :func:`apply_constraints`)."""
    return DecisionMatrix(dm.buurten, dm.varianten, dm.criteria, dm.values, dm.richting, available)


def rank(
    dm: DecisionMatrix,
    weights: Mapping[str, float] | Sequence[float] | np.ndarray,
    method: str = "gewogen_som",
    constraints: Sequence[Constraint] = (),
    **options: object,
) -> Ranking:
    """Weights -> constraints -> scores -> ranks, in one call."""
    w = weights_vector(dm, weights)
    _check_method(method, options)
    available = apply_constraints(dm, constraints) if constraints else dm.available
    dmc = with_available(dm, available) if constraints else dm
    scores = score(dmc, w, method, **options)
    ranks, winner = ranks_from_scores(scores)
    return Ranking(scores, ranks, winner, w, method, available)
