"""Criteria of the afwegingskader per buurt x variant: technical, economic and social (pure NumPy).

The criteria themselves are data (``warmteregio/catalogue/criteria.csv``: code, names, group, unit, direction,
how it is obtained, default weight, relative uncertainty, source and a Dutch and English explanation); expert
judgements per variant type are data too (``criteria_oordelen.csv``). This module turns engine results, buurt
characteristics, heat-source facts and user entries into a :class:`~warmteregio.engine.mcda.DecisionMatrix`, and
records per cell where the number came from (:data:`HERKOMST`).

How each criterion is obtained is documented per criterion in docs/method/afweging.md; in short:

* ``berekend``: from the engine results (H18, end-user monthly costs, capital charges, CO2 avoided, extra peak
  load) or from buurt data (heat density, temperature fit after insulation, source capacity and reliability,
  affordability against income, share of social housing);
* ``oordeel``: an expert score per variant type from ``criteria_oordelen.csv`` (space needed, realisation
  complexity, nuisance, street disruption, ownership, sustainability concerns), each with its source;
* ``invoer``: entered by a user for a buurt x variant (overrides the two above, recorded with who and why);
* ``onbekend``: no data and no entry; the cell gets the neutral value (the mean of the buurt's other
  variants for that criterion, or 0.5 on a 0-1 scale) so it does not decide the ranking, and the explanation
  says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from warmteregio.engine.mcda import DecisionMatrix
from warmteregio.engine.strategies import Variant

GROEPEN: tuple[str, ...] = ("technisch", "economisch", "sociaal")
BEREKENINGEN: tuple[str, ...] = ("berekend", "oordeel", "invoer")
HERKOMST: tuple[str, ...] = ("berekend", "oordeel", "invoer", "onbekend")


@dataclass(frozen=True)
class Criterion:
    """One row of ``criteria.csv``. ``richting`` +1: higher is better, -1: lower is better. ``onzekerheid``:
    default relative standard deviation for SMAA (0 = certain). ``standaard_gewicht``: default weight (any
    scale, normalised on use)."""

    code: str
    naam_nl: str
    naam_en: str
    groep: str
    eenheid: str
    richting: int
    berekening: str
    standaard_gewicht: float
    onzekerheid: float
    bron: str
    uitleg_nl: str
    uitleg_en: str


@dataclass
class CriteriaContext:
    """Everything the criteria need, as arrays over B buurten and V variants (no I/O).

    * ``buurten`` (B,) BU codes; ``varianten``: the catalogue variants to weigh (no reference), length V.
    * ``results`` name -> (B, V) float: engine output columns per buurt x variant (NaN where the variant is
      invalid), at least ``H18_Nat_meerkost_WEQ``, ``K10_Kapitaallasten``, ``CO2_vermeden_t``, ``WEQ``,
      ``H21_CapaciteitsvraagE`` and the ``EG_*`` end-user columns when computed.
    * ``referentie`` name -> (B,) float: the reference row's columns (e.g. ``H21_CapaciteitsvraagE``).
    * buurt data (B,) float, NaN when unknown: ``warmtevraag_gj`` (total heat demand), ``oppervlakte_ha``,
      ``aandeel_sociale_huur`` (0-1), ``gem_huishoudinkomen_eur`` (per year), ``netcongestie`` (1 congested,
      0 not, NaN unknown), ``labels_w`` (B, 8) dwelling label counts (``engine.inputs.LABELS`` order).
    * heat sources per buurt x variant (B, V), NaN when no source applies: ``bron_beschikbaar_gj`` (heat the
      source can deliver to this buurt per year), ``bron_temperatuur_c``, ``bron_betrouwbaarheid`` (0-1).
    * ``oordelen``: (variant key, criterion) -> score, variant key = variant code, ``gebiedsoptie`` or
      ``familie`` (most specific wins).
    * ``invoer``: (BU code, variant code or ``*``, criterion) -> value entered by a user.
    """

    buurten: np.ndarray
    varianten: Sequence[Variant]
    results: Mapping[str, np.ndarray]
    referentie: Mapping[str, np.ndarray] = field(default_factory=dict)
    warmtevraag_gj: np.ndarray | None = None
    oppervlakte_ha: np.ndarray | None = None
    aandeel_sociale_huur: np.ndarray | None = None
    gem_huishoudinkomen_eur: np.ndarray | None = None
    netcongestie: np.ndarray | None = None
    labels_w: np.ndarray | None = None
    bron_beschikbaar_gj: np.ndarray | None = None
    bron_temperatuur_c: np.ndarray | None = None
    bron_betrouwbaarheid: np.ndarray | None = None
    oordelen: Mapping[tuple[str, str], float] = field(default_factory=dict)
    invoer: Mapping[tuple[str, str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class CriteriaMatrix:
    """The decision matrix plus, per cell, where the value came from (``herkomst`` (B, V, C) str, one of
    :data:`HERKOMST`) and the criteria definitions in matrix order."""

    dm: DecisionMatrix
    herkomst: np.ndarray
    criteria: tuple[Criterion, ...]

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise KeyError(code)


def context_from_results(results: object, varianten: Sequence[Variant], **buurt_data: object) -> CriteriaContext:
    """Build a context from an engine :class:`~warmteregio.engine.assess.Results` (variant-major rows) for the
    given variants (reference row used for ``referentie``); ``buurt_data`` fills the other fields."""
    raise NotImplementedError


def compute_criteria(ctx: CriteriaContext, criteria: Sequence[Criterion]) -> CriteriaMatrix:
    """All criteria for every buurt x variant; unavailable variants (invalid engine rows) stay unavailable."""
    raise NotImplementedError
