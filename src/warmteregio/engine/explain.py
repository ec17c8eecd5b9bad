"""Explanations and dilemmas per buurt, in Dutch and English, generated from the numbers (pure).

For each buurt: which variant comes first and on which criteria it is strong or weak (the criteria that add
most and least to its score against the runner-up), how robust the choice is (first-rank acceptability from
SMAA: "in 78% van de plausibele wegingen"), the practically tied variants, the dilemma it involves (e.g. the
cheapest variant for society is not the cheapest for residents; the winner emits more CO2 than an
alternative) and what would change the outcome (the smallest single weight change from
:func:`~warmteregio.engine.robustness.weight_flip`). Cells whose value is unknown (herkomst ``onbekend``) or
entered by a user are named. No text is written per case: every sentence is a template filled with numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from warmteregio.engine.criteria import CriteriaMatrix
from warmteregio.engine.mcda import Ranking
from warmteregio.engine.robustness import SmaaResult, WeightFlip


@dataclass(frozen=True)
class Uitleg:
    """The explanation of one buurt. ``tekst_nl`` / ``tekst_en`` are the whole paragraph; the parts are kept
    for the web page and the API. Criterion and variant fields hold codes; ``robuustheid`` is the winner's
    first-rank acceptability (0-1) or None without SMAA."""

    buurt_code: str
    winnaar: str | None
    tweede: str | None
    sterk: tuple[str, ...]
    zwak: tuple[str, ...]
    robuustheid: float | None
    gelijkspel: tuple[str, ...]
    dilemma_nl: str | None
    dilemma_en: str | None
    omslag_nl: str | None
    omslag_en: str | None
    tekst_nl: str
    tekst_en: str


def explain(
    cm: CriteriaMatrix,
    ranking: Ranking,
    smaa: SmaaResult | None = None,
    flip: WeightFlip | None = None,
    variant_names: Mapping[str, tuple[str, str]] | None = None,
) -> list[Uitleg]:
    """One :class:`Uitleg` per buurt of ``cm`` (same order). ``variant_names``: code -> (Dutch, English)
    readable name (default: the code)."""
    raise NotImplementedError
