"""Explanations and dilemmas per buurt, in Dutch and English, generated from the numbers (pure).

For each buurt: which variant comes first and on which criteria it is strong or weak (the criteria that add
most and least to its score against the runner-up), how robust the choice is (first-rank acceptability from
SMAA: "in 78% van de plausibele wegingen"), the practically tied variants, the dilemma it involves (e.g. the
cheapest variant for society is not the cheapest for residents; the winner emits more CO2 than an
alternative) and what would change the outcome (the smallest single weight change from
:func:`~warmteregio.engine.robustness.weight_flip`). Cells whose value is unknown (herkomst ``onbekend``) or
entered by a user are named. No text is written per case: every sentence is a template filled with numbers.

Rules (docs/method/criteria.md, "Uitleg"):

* contribution of criterion c to the winner w against the runner-up t: ``weight_c x (N[w, c] - N[t, c])`` with
  ``N`` the min-max normalised matrix (benefit-oriented, over the variants available after the constraints);
  ``sterk``: the (at most 3) largest positive contributions, ``zwak``: the (at most 2) most negative ones. For
  TOPSIS and PROMETHEE this weighted-sum decomposition is an approximation of why the winner wins.
* robustness: the winner's first-rank acceptability ``a``; robust when ``a >= 0.75``, fairly robust when
  ``a >= 0.5``, otherwise not robust (then the variant that is most often first is named).
* dilemmas (each only when its condition holds): (1) the variant with the lowest ``nationale_meerkosten`` is not
  the one with the lowest monthly costs for a household type (the type with the largest gap is named);
  (2) another available variant avoids at least 5% (and 0.01) more ``co2_reductie`` than the winner; (3) the
  winner has ``onbekend`` cells on criteria with weight > 0.
* what would change the outcome: the criterion of :class:`~warmteregio.engine.robustness.WeightFlip` with the
  smallest absolute weight change, in percentage points of the total weight, and the variant that then wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from warmteregio.engine.criteria import CriteriaMatrix, Criterion
from warmteregio.engine.mcda import DecisionMatrix, Ranking, normalise
from warmteregio.engine.robustness import SmaaResult, WeightFlip

ROBUST = 0.75
FAIRLY_ROBUST = 0.5
CO2_MARGIN = 0.05
EPS = 1e-9
SOCIETY = "nationale_meerkosten"
CO2 = "co2_reductie"
HOUSEHOLDS: dict[str, tuple[str, str]] = {
    "maandlasten_eigenaar": ("eigenaar-bewoners", "owner-occupiers"),
    "maandlasten_sociale_huur": ("sociale huurders", "social tenants"),
    "maandlasten_particuliere_huur": ("particuliere huurders", "private tenants"),
}
UNITS_EN: dict[str, str] = {
    "EUR/WEQ/jr": "EUR/WEQ/yr", "EUR/maand": "EUR/month", "t CO2/WEQ/jr": "t CO2/WEQ/yr", "% inkomen": "% of income",
}  # fmt: skip


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


# --- number and list formatting -----------------------------------------------------------------------------
def fmt_number(x: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``1.234,5`` (nl) or ``1,234.5`` (en); halves round up (away from zero), ``-0`` is shown as
    ``0``."""
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)
    text = f"{q:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text.replace("-", "\u2212")


def _decimals(x: float) -> int:
    ax = abs(x)
    return 0 if ax >= 100 else 1 if ax >= 1 else 2


def fmt_value(x: float, lang: str, like: float | None = None) -> str:
    """A criterion value with a precision that suits its size (0 decimals from 100, 1 from 1, else 2); with
    ``like``, the precision of the larger of the two (numbers compared in one sentence look alike)."""
    size = max(abs(x), abs(like)) if like is not None and np.isfinite(like) else x
    return fmt_number(x, _decimals(size), lang)


def fmt_percent(share: float, lang: str) -> str:
    """A share 0-1 as a whole percentage (one decimal below 1% and above 99%)."""
    pct = 100.0 * share
    decimals = 1 if (0 < pct < 1 or 99 < pct < 100) else 0
    return fmt_number(pct, decimals, lang) + "%"


def fmt_points(delta: float, lang: str) -> str:
    """A weight change (fraction) in percentage points: 0 decimals from 10, else 1."""
    pts = 100.0 * abs(delta)
    return fmt_number(pts, 0 if pts >= 10 else 1, lang)


def join(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + (" en " if lang == "nl" else " and ") + items[-1]


def _name_in_sentence(c: Criterion, lang: str) -> str:
    name = c.naam_nl if lang == "nl" else c.naam_en
    if len(name) > 1 and name[1].islower():
        name = name[0].lower() + name[1:]
    return f"'{name}'"


def _unit(c: Criterion, lang: str) -> str:
    return c.eenheid if lang == "nl" else UNITS_EN.get(c.eenheid, c.eenheid)


# --- the explanation ------------------------------------------------------------------------------------------
def _normalised(cm: CriteriaMatrix, available: np.ndarray) -> np.ndarray:
    dm = cm.dm
    avail = np.asarray(available, dtype=bool) & dm.available
    values = np.where(avail[:, :, None], dm.values, np.nan)
    sub = DecisionMatrix(dm.buurten, dm.varianten, dm.criteria, values, dm.richting, avail)
    return normalise(sub, "minmax")


def explain(
    cm: CriteriaMatrix,
    ranking: Ranking,
    smaa: SmaaResult | None = None,
    flip: WeightFlip | None = None,
    variant_names: Mapping[str, tuple[str, str]] | None = None,
) -> list[Uitleg]:
    """One :class:`Uitleg` per buurt of ``cm`` (same order). ``variant_names``: code -> (Dutch, English)
    readable name (default: the code)."""
    dm = cm.dm
    names = dict(variant_names or {})
    available = np.asarray(ranking.available, dtype=bool) & dm.available
    norm = _normalised(cm, available)
    weights = np.asarray(ranking.weights, dtype=float)
    out = []
    for b in range(dm.shape[0]):
        out.append(_one(cm, b, ranking, available[b], norm[b], weights, smaa, flip, names))
    return out


def _vname(names: Mapping[str, tuple[str, str]], code: str, lang: str) -> str:
    pair = names.get(code)
    if not pair:
        return code
    return pair[0] if lang == "nl" else pair[1]


def _one(
    cm: CriteriaMatrix,
    b: int,
    ranking: Ranking,
    avail: np.ndarray,
    norm: np.ndarray,
    weights: np.ndarray,
    smaa: SmaaResult | None,
    flip: WeightFlip | None,
    names: Mapping[str, tuple[str, str]],
) -> Uitleg:
    dm = cm.dm
    bu = str(dm.buurten[b])
    w = int(ranking.winner[b])
    if w < 0 or not avail[w]:
        nl = f"In {bu} is geen variant beschikbaar: er valt niets af te wegen."
        en = f"In {bu} no variant is available: there is nothing to weigh."
        return Uitleg(bu, None, None, (), (), None, (), None, None, None, None, nl, en)

    def vn(j: int, lang: str) -> str:
        return _vname(names, dm.varianten[j], lang)

    ranks = np.asarray(ranking.ranks[b])
    second = np.flatnonzero((ranks == 2) & avail)
    t = int(second[0]) if len(second) else -1
    nl: list[str] = []
    en: list[str] = []
    sterk: tuple[str, ...] = ()
    zwak: tuple[str, ...] = ()
    if t < 0:
        nl.append(f"In {bu} is {vn(w, 'nl')} de enige beschikbare variant.")
        en.append(f"In {bu}, {vn(w, 'en')} is the only available variant.")
    else:
        contrib = weights * (norm[w] - norm[t])
        contrib = np.where(np.isfinite(contrib), contrib, 0.0)
        order = np.argsort(-contrib, kind="stable")
        pos = [int(c) for c in order if contrib[c] > EPS][:3]
        neg = [int(c) for c in np.argsort(contrib, kind="stable") if contrib[c] < -EPS][:2]
        sterk = tuple(dm.criteria[c] for c in pos)
        zwak = tuple(dm.criteria[c] for c in neg)
        nl.append(f"In {bu} komt {vn(w, 'nl')} als beste uit de afweging, vóór {vn(t, 'nl')}.")
        en.append(f"In {bu}, {vn(w, 'en')} comes out best, ahead of {vn(t, 'en')}.")
        crit = cm.criteria
        if pos:
            nl.append(
                f"{vn(w, 'nl')} scoort vooral beter op {join([_name_in_sentence(crit[c], 'nl') for c in pos], 'nl')}."
            )
            en.append(
                f"{vn(w, 'en')} does better mainly on {join([_name_in_sentence(crit[c], 'en') for c in pos], 'en')}."
            )
        if neg:
            nl.append(f"{vn(t, 'nl')} is beter op {join([_name_in_sentence(crit[c], 'nl') for c in neg], 'nl')}.")
            en.append(f"{vn(t, 'en')} is better on {join([_name_in_sentence(crit[c], 'en') for c in neg], 'en')}.")
        if not pos and not neg:
            nl.append(f"{vn(w, 'nl')} en {vn(t, 'nl')} scoren op de gewogen criteria gelijk.")
            en.append(f"{vn(w, 'en')} and {vn(t, 'en')} score equally on the weighted criteria.")

    robuust: float | None = None
    gelijk: tuple[str, ...] = ()
    if smaa is not None and int(smaa.winner[b]) >= 0:
        robuust = float(smaa.first[b, w])
        s_nl, s_en = _robustness(robuust, w, int(smaa.winner[b]), float(smaa.first[b, int(smaa.winner[b])]), vn)
        nl.append(s_nl)
        en.append(s_en)
        tied = [j for j in range(dm.shape[1]) if j != w and avail[j]
                and (bool(smaa.tied[b, j]) or j == int(smaa.winner[b]))]  # fmt: skip
        gelijk = tuple(dm.varianten[j] for j in tied)
        if tied:
            nl.append(f"Praktisch gelijkwaardig: {join([vn(j, 'nl') for j in tied], 'nl')}.")
            en.append(f"Practically tied: {join([vn(j, 'en') for j in tied], 'en')}.")

    d_nl, d_en = _dilemmas(cm, b, w, avail, weights, vn)
    dilemma_nl = " ".join(d_nl) or None
    dilemma_en = " ".join(d_en) or None
    if dilemma_nl:
        nl.append("Dilemma: " + dilemma_nl)
        en.append("Dilemma: " + (dilemma_en or ""))

    invoer = [c for c in range(dm.shape[2]) if cm.herkomst[b, w, c] == "invoer" and weights[c] > 0]
    if invoer:
        crit = cm.criteria
        nl.append(f"Voor {vn(w, 'nl')} zijn door gebruikers ingevoerde waarden gebruikt voor "
                  f"{join([_name_in_sentence(crit[c], 'nl') for c in invoer], 'nl')}.")  # fmt: skip
        en.append(f"For {vn(w, 'en')} values entered by users were used for "
                  f"{join([_name_in_sentence(crit[c], 'en') for c in invoer], 'en')}.")  # fmt: skip

    omslag_nl = omslag_en = None
    if flip is not None:
        omslag_nl, omslag_en = _flip(cm, b, flip, weights, vn)
        nl.append(omslag_nl)
        en.append(omslag_en)
    return Uitleg(
        buurt_code=bu, winnaar=dm.varianten[w], tweede=dm.varianten[t] if t >= 0 else None, sterk=sterk, zwak=zwak,
        robuustheid=robuust, gelijkspel=gelijk, dilemma_nl=dilemma_nl, dilemma_en=dilemma_en, omslag_nl=omslag_nl,
        omslag_en=omslag_en, tekst_nl=" ".join(nl), tekst_en=" ".join(en),
    )  # fmt: skip


def _robustness(a: float, w: int, s: int, a_s: float, vn) -> tuple[str, str]:
    p_nl, p_en = fmt_percent(a, "nl"), fmt_percent(a, "en")
    if a >= ROBUST:
        nl = f"De keuze is robuust: {vn(w, 'nl')} staat bovenaan in {p_nl} van de plausibele wegingen."
        en = f"The choice is robust: {vn(w, 'en')} comes first in {p_en} of plausible weightings."
        return nl, en
    if a >= FAIRLY_ROBUST:
        nl = f"De keuze is redelijk robuust: {vn(w, 'nl')} staat bovenaan in {p_nl} van de plausibele wegingen."
        en = f"The choice is fairly robust: {vn(w, 'en')} comes first in {p_en} of plausible weightings."
        return nl, en
    nl = f"De keuze is niet robuust: {vn(w, 'nl')} staat maar in {p_nl} van de plausibele wegingen bovenaan."
    en = f"The choice is not robust: {vn(w, 'en')} comes first in only {p_en} of plausible weightings."
    if s != w:
        nl += f" {vn(s, 'nl')} staat het vaakst bovenaan ({fmt_percent(a_s, 'nl')})."
        en += f" {vn(s, 'en')} comes first most often ({fmt_percent(a_s, 'en')})."
    return nl, en


def _dilemmas(cm: CriteriaMatrix, b: int, w: int, avail: np.ndarray, weights: np.ndarray, vn) -> tuple[list, list]:
    dm = cm.dm
    codes = dm.criteria
    idx = np.flatnonzero(avail)
    nl: list[str] = []
    en: list[str] = []
    if SOCIETY in codes and len(idx) > 1:
        ks = codes.index(SOCIETY)
        vals = dm.values[b, idx, ks]
        a = int(idx[np.argmin(vals)])
        best_gap, best = 0.0, None
        for code in HOUSEHOLDS:
            if code not in codes:
                continue
            kh = codes.index(code)
            hv = dm.values[b, idx, kh]
            h = int(idx[np.argmin(hv)])
            gap = float(dm.values[b, a, kh] - dm.values[b, h, kh])
            if h != a and gap > 0.5 and gap > best_gap:
                best_gap, best = gap, (code, kh, h)
        if best is not None:
            code, kh, h = best
            cs, ch = cm.criteria[ks], cm.criteria[kh]
            who_nl, who_en = HOUSEHOLDS[code]
            hv_h, hv_a = float(dm.values[b, h, kh]), float(dm.values[b, a, kh])
            nl.append(
                f"De goedkoopste variant voor de samenleving is {vn(a, 'nl')} "
                f"({fmt_value(dm.values[b, a, ks], 'nl')} {_unit(cs, 'nl')}), maar voor {who_nl} is dat "
                f"{vn(h, 'nl')}: {fmt_value(hv_h, 'nl', hv_a)} {_unit(ch, 'nl')} tegen "
                f"{fmt_value(hv_a, 'nl', hv_h)} bij {vn(a, 'nl')}."
            )
            en.append(
                f"The cheapest variant for society is {vn(a, 'en')} "
                f"({fmt_value(dm.values[b, a, ks], 'en')} {_unit(cs, 'en')}), but for {who_en} it is "
                f"{vn(h, 'en')}: {fmt_value(hv_h, 'en', hv_a)} {_unit(ch, 'en')} against "
                f"{fmt_value(hv_a, 'en', hv_h)} with {vn(a, 'en')}."
            )
    if CO2 in codes and len(idx) > 1:
        kc = codes.index(CO2)
        vals = dm.values[b, idx, kc]
        m = int(idx[np.argmax(vals)])
        best_v, win_v = float(dm.values[b, m, kc]), float(dm.values[b, w, kc])
        if m != w and best_v - win_v > max(0.01, CO2_MARGIN * abs(win_v)):
            c = cm.criteria[kc]
            nl.append(
                f"{vn(w, 'nl')} vermijdt minder CO2 ({fmt_value(win_v, 'nl', best_v)} {_unit(c, 'nl')}) dan "
                f"{vn(m, 'nl')} ({fmt_value(best_v, 'nl', win_v)})."
            )
            en.append(
                f"{vn(w, 'en')} avoids less CO2 ({fmt_value(win_v, 'en', best_v)} {_unit(c, 'en')}) than "
                f"{vn(m, 'en')} ({fmt_value(best_v, 'en', win_v)})."
            )
    unknown = [c for c in range(len(codes)) if cm.herkomst[b, w, c] == "onbekend" and weights[c] > 0]
    if unknown:
        crit = cm.criteria
        nl.append(
            f"De uitkomst rust deels op onbekende waarden: voor {vn(w, 'nl')} zijn "
            f"{join([_name_in_sentence(crit[c], 'nl') for c in unknown], 'nl')} onbekend en neutraal ingevuld."
        )
        en.append(
            f"The outcome partly rests on unknown values: for {vn(w, 'en')}, "
            f"{join([_name_in_sentence(crit[c], 'en') for c in unknown], 'en')} "
            f"{'is' if len(unknown) == 1 else 'are'} unknown and filled in neutrally."
        )
    return nl, en


def _flip(cm: CriteriaMatrix, b: int, flip: WeightFlip, weights: np.ndarray, vn) -> tuple[str, str]:
    c = int(flip.criterion[b])
    new = int(flip.new_winner[b])
    delta = float(flip.delta[b])
    if c < 0 or new < 0 or not np.isfinite(delta):
        return ("Geen verandering van één gewicht maakt een andere variant de beste.",
                "No change of a single weight makes another variant the best.")  # fmt: skip
    crit = cm.criteria[c]
    old = float(weights[c])
    more = delta > 0
    nl = (f"Als {_name_in_sentence(crit, 'nl')} {fmt_points(delta, 'nl')} procentpunt "
          f"{'zwaarder' if more else 'lichter'} weegt (van {fmt_percent(old, 'nl')} naar "
          f"{fmt_percent(old + delta, 'nl')}), komt {vn(new, 'nl')} bovenaan.")  # fmt: skip
    en = (f"If {_name_in_sentence(crit, 'en')} weighs {fmt_points(delta, 'en')} percentage points "
          f"{'more' if more else 'less'} (from {fmt_percent(old, 'en')} to {fmt_percent(old + delta, 'en')}), "
          f"{vn(new, 'en')} comes out on top.")  # fmt: skip
    return nl, en


__all__ = ["Uitleg", "explain", "fmt_number", "fmt_percent", "fmt_points", "fmt_value", "join"]
