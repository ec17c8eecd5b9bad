"""Afwegingskader II as a service: criteria, weighing, robustness and explanations for a stored assessment run.

Thin layer between storage and the pure engine (:mod:`warmteregio.engine.criteria`, ``mcda``, ``robustness``,
``explain``): it loads a run's result rows, the buurten's characteristics (``gebiedskenmerken``, buurt or else
gemeente level), the heat sources near each buurt and the user-entered criterion values, builds the
:class:`~warmteregio.engine.criteria.CriteriaMatrix` once per run (cached in-process, invalidated when an entry
changes) and answers rankings, SMAA and explanations from it. The API, the CLI, the web pages, the workshop
cases and the national sweep all call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from warmteregio.engine.criteria import CriteriaMatrix, Criterion
from warmteregio.engine.explain import Uitleg
from warmteregio.engine.mcda import Constraint, Ranking
from warmteregio.engine.robustness import InputUncertainty, SmaaResult, WeightFlip, WeightRanges
from warmteregio.store.models import Criteriuminvoer, User


class AfwegingError(ValueError):
    """A request that cannot be answered (unknown run, criterion, variant, bad weights); bilingual."""

    def __init__(self, nl: str, en: str, status: int = 400) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.status = status


@dataclass(frozen=True)
class Weging:
    """A ranking of a run's buurten with the weights and method used, plus the criteria matrix it came from."""

    run_id: int
    cm: CriteriaMatrix
    ranking: Ranking
    gewichten: dict[str, float]  # normalised, by criterion code
    methode: str
    beperkingen: tuple[Constraint, ...]


@dataclass(frozen=True)
class Robuustheid:
    run_id: int
    cm: CriteriaMatrix
    smaa: SmaaResult
    flip: WeightFlip | None
    gewichten: dict[str, float]


def criteria_catalogue() -> list[Criterion]:
    """The shipped criteria (``catalogue/criteria.csv``)."""
    raise NotImplementedError


def default_weights() -> dict[str, float]:
    """Criterion code -> default weight, normalised to sum 1."""
    raise NotImplementedError


def criteria_matrix(session: Session, run_id: int, buurten: Sequence[str] | None = None) -> CriteriaMatrix:
    """The criteria matrix of a finished run (all its buurten or the given ones, in code order)."""
    raise NotImplementedError


def weigh(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    methode: str = "gewogen_som",
    beperkingen: Sequence[Constraint] = (),
    buurten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
) -> Weging:
    """Rank the variants per buurt with the given weights (default weights when None); ``criteria`` and
    ``varianten`` restrict the matrix (a workshop case does that)."""
    raise NotImplementedError


def robustness(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    bereiken: WeightRanges | None = None,
    onzekerheid: InputUncertainty | bool = True,
    n_samples: int = 10_000,
    seed: int = 0,
    methode: str = "gewogen_som",
    buurten: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    varianten: Sequence[str] | None = None,
) -> Robuustheid:
    """SMAA-2 for a run; ``onzekerheid=True`` uses each criterion's default uncertainty from the catalogue."""
    raise NotImplementedError


def explain_buurten(
    session: Session,
    run_id: int,
    gewichten: Mapping[str, float] | None = None,
    buurten: Sequence[str] | None = None,
    n_samples: int = 2_000,
) -> list[Uitleg]:
    """Explanations (with SMAA robustness) for the given buurten of a run."""
    raise NotImplementedError


def enter_value(
    session: Session,
    user: User,
    buurt_code: str,
    variant_code: str,
    criterium: str,
    waarde: float,
    toelichting: str,
) -> Criteriuminvoer:
    """Record a user-entered criterion value (supersedes the previous entry for the same cell)."""
    raise NotImplementedError


def withdraw_value(session: Session, user: User, invoer_id: int) -> None:
    """Withdraw an entry (kept in the history)."""
    raise NotImplementedError


def list_entries(session: Session, buurt_code: str | None = None, with_history: bool = False) -> list[Criteriuminvoer]:
    """Current (or all) entries, newest first."""
    raise NotImplementedError
