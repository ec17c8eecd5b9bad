"""Explanations are generated from the numbers: synthetic matrices with different numbers give different, correct
texts (winner, strengths, robustness percentages, dilemmas only when they hold, the weight-flip sentence)."""

from __future__ import annotations

import numpy as np
import pytest

from warmteregio.engine.criteria import CriteriaMatrix, Criterion
from warmteregio.engine.explain import explain, fmt_number, fmt_percent, fmt_points, fmt_value
from warmteregio.engine.mcda import DecisionMatrix, normalise, rank
from warmteregio.engine.robustness import SmaaResult, WeightFlip


def crit(code, naam_nl, naam_en, richting, eenheid, groep="economisch") -> Criterion:
    return Criterion(code, naam_nl, naam_en, groep, eenheid, richting, "berekend", 1.0, 0.1, "bron", "uitleg",
                     "explanation")  # fmt: skip


CRITS = (
    crit("nationale_meerkosten", "Nationale meerkosten", "National extra costs", -1, "EUR/WEQ/jr"),
    crit("maandlasten_eigenaar", "Maandlasten eigenaar-bewoner", "Monthly costs owner-occupier", -1, "EUR/maand"),
    crit("co2_reductie", "CO2-reductie", "CO2 reduction", 1, "t CO2/WEQ/jr", "sociaal"),
    crit("overlast", "Overlast voor bewoners", "Nuisance for residents", -1, "score 1-5", "sociaal"),
)
VARS = ("A", "B", "C")


def matrix(values, herkomst=None, available=None) -> CriteriaMatrix:
    values = np.asarray(values, dtype=float)
    if values.ndim == 2:
        values = values[None]
    nb = values.shape[0]
    dm = DecisionMatrix(
        np.array([f"BU{i:02d}" for i in range(nb)]), VARS, tuple(c.code for c in CRITS), values,
        np.array([c.richting for c in CRITS]), available,
    )  # fmt: skip
    h = np.full(values.shape, "berekend", dtype="<U8") if herkomst is None else np.asarray(herkomst, dtype="<U8")
    return CriteriaMatrix(dm, h, CRITS)


# A: cheap for society and for owners, little CO2; B: dear, most CO2; C: between
BASE = [[1000.0, 10.0, 1.0, 3.0], [1800.0, 40.0, 2.0, 3.0], [1400.0, 25.0, 1.5, 3.0]]


def smaa_for(first: list[float], tied: list[bool] | None = None, winner: int | None = None) -> SmaaResult:
    v = len(first)
    acc = np.zeros((1, v, v))
    acc[0, :, 0] = first
    win = int(np.argmax(first)) if winner is None else winner
    tied_arr = np.zeros((1, v), bool) if tied is None else np.array([tied])
    tied_arr[0, win] = True
    return SmaaResult(acc, np.full((1, v, len(CRITS)), np.nan), np.full((1, v), np.nan), np.array([win]),
                      np.zeros((1, v)), tied_arr, 1000, 0, "gewogen_som", 0.35)  # fmt: skip


def flip_for(k: int, delta: float, new: int) -> WeightFlip:
    per = np.full((1, len(CRITS)), np.nan)
    per_w = np.full((1, len(CRITS)), -1)
    if k >= 0:
        per[0, k] = delta
        per_w[0, k] = new
    return WeightFlip(per, per_w, np.array([k]), np.array([delta if k >= 0 else np.nan]), np.array([new]))


def test_number_formatting():
    assert fmt_number(1234.5, 1, "nl") == "1.234,5" and fmt_number(1234.5, 1, "en") == "1,234.5"
    assert fmt_number(-27.8, 1, "nl") == "\u221227,8"
    assert fmt_number(-0.001, 1, "nl") == "0,0"
    assert fmt_value(0.514, "nl") == "0,51" and fmt_value(17.14, "en") == "17.1" and fmt_value(1087.3, "nl") == "1.087"
    assert fmt_value(39.1, "nl", like=-115.0) == "39"
    assert (
        fmt_percent(0.78, "nl") == "78%" and fmt_percent(0.005, "nl") == "0,5%" and fmt_percent(0.995, "en") == "99.5%"
    )
    assert fmt_points(0.12, "nl") == "12" and fmt_points(-0.045, "nl") == "4,5" and fmt_points(0.045, "en") == "4.5"


def test_winner_runner_up_and_contributions():
    cm = matrix(BASE)
    weights = {"nationale_meerkosten": 0.4, "maandlasten_eigenaar": 0.3, "co2_reductie": 0.3, "overlast": 0.0}
    r = rank(cm.dm, weights)
    (u,) = explain(cm, r)
    # hand-computed weighted sum: A = 0.4 + 0.3 + 0 = 0.7; C = 0.2 + 0.15 + 0.15 = 0.5; B = 0 + 0 + 0.3 = 0.3
    assert r.scores[0].tolist() == pytest.approx([0.7, 0.3, 0.5])
    assert (u.winnaar, u.tweede) == ("A", "C")
    # contributions against C: costs 0.4 x 0.5 = 0.2, owners 0.3 x 0.5 = 0.15, CO2 0.3 x (0 - 0.5) = -0.15
    assert u.sterk == ("nationale_meerkosten", "maandlasten_eigenaar")
    assert u.zwak == ("co2_reductie",)
    assert "In BU00 komt A als beste uit de afweging, vóór C." in u.tekst_nl
    assert "A scoort vooral beter op 'nationale meerkosten' en 'maandlasten eigenaar-bewoner'." in u.tekst_nl
    assert "C is beter op 'CO2-reductie'." in u.tekst_nl
    assert "In BU00, A comes out best, ahead of C." in u.tekst_en
    assert "'national extra costs' and 'monthly costs owner-occupier'" in u.tekst_en
    assert u.robuustheid is None and u.omslag_nl is None and u.gelijkspel == ()


def test_other_numbers_other_winner_and_names():
    values = [[1000.0, 10.0, 1.0, 3.0], [900.0, 5.0, 2.5, 3.0], [1400.0, 25.0, 1.5, 3.0]]
    cm = matrix(values)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1, "co2_reductie": 1})
    (u,) = explain(cm, r, variant_names={"B": ("Warmtenet", "Heat network"), "A": ("Warmtepomp", "Heat pump")})
    assert u.winnaar == "B" and u.tweede == "A"
    assert "komt Warmtenet als beste uit de afweging, vóór Warmtepomp" in u.tekst_nl
    assert "Heat network comes out best, ahead of Heat pump" in u.tekst_en
    assert u.zwak == ()  # B is best on everything
    assert u.dilemma_nl is None and "Dilemma" not in u.tekst_nl  # cheapest for all and most CO2: no dilemma


@pytest.mark.parametrize(
    ("share", "nl", "en"),
    [
        (0.78, "De keuze is robuust: A staat bovenaan in 78% van de plausibele wegingen.",
         "The choice is robust: A comes first in 78% of plausible weightings."),
        (0.615, "De keuze is redelijk robuust: A staat bovenaan in 62% van de plausibele wegingen.",
         "The choice is fairly robust: A comes first in 62% of plausible weightings."),
    ],
)  # fmt: skip
def test_robustness_sentence(share, nl, en):
    cm = matrix(BASE)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1, "co2_reductie": 1})
    (u,) = explain(cm, r, smaa=smaa_for([share, 0.0, 1 - share]))
    assert u.robuustheid == pytest.approx(share)
    assert nl in u.tekst_nl and en in u.tekst_en


def test_not_robust_names_most_acceptable_and_ties():
    cm = matrix(BASE)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1, "co2_reductie": 1})
    assert r.winner[0] == 0
    (u,) = explain(cm, r, smaa=smaa_for([0.405, 0.12, 0.475], tied=[True, False, True], winner=2))
    assert "De keuze is niet robuust: A staat maar in 41% van de plausibele wegingen bovenaan." in u.tekst_nl
    assert "C staat het vaakst bovenaan (48%)." in u.tekst_nl
    assert "C comes first most often (48%)." in u.tekst_en
    assert u.gelijkspel == ("C",) and "Praktisch gelijkwaardig: C." in u.tekst_nl
    assert "Practically tied: C." in u.tekst_en


def test_tied_variants_listed():
    cm = matrix(BASE)
    r = rank(cm.dm, {"nationale_meerkosten": 1})
    (u,) = explain(cm, r, smaa=smaa_for([0.5, 0.2, 0.3], tied=[True, True, True]))
    assert u.gelijkspel == ("B", "C")
    assert "Praktisch gelijkwaardig: B en C." in u.tekst_nl and "Practically tied: B and C." in u.tekst_en


def test_society_versus_residents_dilemma_only_when_it_holds():
    # A cheapest for society, C cheapest for owners
    values = [[1000.0, 30.0, 1.0, 3.0], [1800.0, 40.0, 1.0, 3.0], [1234.0, 12.5, 1.0, 3.0]]
    cm = matrix(values)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1})
    (u,) = explain(cm, r)
    assert u.dilemma_nl == (
        "De goedkoopste variant voor de samenleving is A (1.000 EUR/WEQ/jr), maar voor eigenaar-bewoners is dat C: "
        "12,5 EUR/maand tegen 30,0 bij A."
    )
    assert u.dilemma_en == (
        "The cheapest variant for society is A (1,000 EUR/WEQ/yr), but for owner-occupiers it is C: "
        "12.5 EUR/month against 30.0 with A."
    )
    assert "Dilemma: De goedkoopste" in u.tekst_nl
    # the same variant cheapest for both: no dilemma
    values[0][1] = 12.0
    (u2,) = explain(matrix(values), rank(matrix(values).dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1}))
    assert u2.dilemma_nl is None and u2.dilemma_en is None


def test_co2_dilemma_only_when_winner_avoids_less():
    cm = matrix(BASE)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "co2_reductie": 0.1})
    (u,) = explain(cm, r)
    assert u.winnaar == "A"
    assert "A vermijdt minder CO2 (1,0 t CO2/WEQ/jr) dan B (2,0)." in u.dilemma_nl
    assert "A avoids less CO2 (1.0 t CO2/WEQ/yr) than B (2.0)." in u.dilemma_en
    equal = [row[:2] + [2.0] + row[3:] for row in BASE]
    (u2,) = explain(matrix(equal), rank(matrix(equal).dm, {"nationale_meerkosten": 1, "co2_reductie": 0.1}))
    assert "CO2" not in (u2.dilemma_nl or "")
    # within the 5% margin: no dilemma
    close = [BASE[0][:2] + [2.0] + BASE[0][3:], BASE[1][:2] + [2.05] + BASE[1][3:], BASE[2]]
    (u3,) = explain(matrix(close), rank(matrix(close).dm, {"nationale_meerkosten": 1, "co2_reductie": 0.1}))
    assert u3.winnaar == "A" and "CO2" not in (u3.dilemma_nl or "")


def test_unknown_and_entered_values_are_named():
    h = np.full((1, 3, 4), "berekend", dtype="<U8")
    h[0, 0, 3] = "onbekend"  # A's nuisance unknown
    h[0, 0, 1] = "invoer"
    cm = matrix(BASE, herkomst=h)
    r = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1, "overlast": 1})
    (u,) = explain(cm, r)
    assert "voor A zijn 'overlast voor bewoners' onbekend en neutraal ingevuld" in u.dilemma_nl
    assert "for A, 'nuisance for residents' is unknown and filled in neutrally" in u.dilemma_en
    assert "Voor A zijn door gebruikers ingevoerde waarden gebruikt voor 'maandlasten eigenaar-bewoner'." in u.tekst_nl
    # weight 0: the unknown value does not matter and is not named
    r0 = rank(cm.dm, {"nationale_meerkosten": 1, "maandlasten_eigenaar": 1})
    (u0,) = explain(cm, r0)
    assert "onbekend" not in u0.tekst_nl


@pytest.mark.parametrize(
    ("k", "delta", "new", "nl", "en"),
    [
        (1, 0.12, 2, "Als 'maandlasten eigenaar-bewoner' 12 procentpunt zwaarder weegt (van 25% naar 37%), komt C "
         "bovenaan.", "If 'monthly costs owner-occupier' weighs 12 percentage points more (from 25% to 37%), C comes "
         "out on top."),
        (0, -0.045, 1, "Als 'nationale meerkosten' 4,5 procentpunt lichter weegt (van 25% naar 21%), komt B bovenaan.",
         "If 'national extra costs' weighs 4.5 percentage points less (from 25% to 21%), B comes out on top."),
    ],
)  # fmt: skip
def test_flip_sentence_matches_weight_flip(k, delta, new, nl, en):
    cm = matrix(BASE)
    r = rank(cm.dm, {c.code: 1 for c in CRITS})
    (u,) = explain(cm, r, flip=flip_for(k, delta, new))
    assert u.omslag_nl == nl and u.omslag_en == en
    assert u.tekst_nl.endswith(nl) and u.tekst_en.endswith(en)


def test_no_flip_possible():
    cm = matrix(BASE)
    r = rank(cm.dm, {c.code: 1 for c in CRITS})
    (u,) = explain(cm, r, flip=flip_for(-1, np.nan, -1))
    assert u.omslag_nl == "Geen verandering van één gewicht maakt een andere variant de beste."
    assert u.omslag_en == "No change of a single weight makes another variant the best."


def test_several_buurten_single_and_no_variant():
    values = np.array([BASE, BASE, BASE], dtype=float)
    avail = np.array([[True, True, True], [False, True, False], [False, False, False]])
    values[~avail] = np.nan
    cm = matrix(values, available=avail)
    r = rank(cm.dm, {"nationale_meerkosten": 1})
    out = explain(cm, r)
    assert [u.buurt_code for u in out] == ["BU00", "BU01", "BU02"]
    assert out[0].winnaar == "A"
    assert out[1].winnaar == "B" and out[1].tweede is None
    assert out[1].tekst_nl == "In BU01 is B de enige beschikbare variant."
    assert out[2].winnaar is None
    assert out[2].tekst_en == "In BU02 no variant is available: there is nothing to weigh."


def test_contributions_use_the_ranking_weights():
    """Strengths are the largest weight x normalised difference, checked against mcda.normalise."""
    rng = np.random.default_rng(4)
    for _ in range(20):
        values = rng.uniform(1, 10, size=(1, 3, 4))
        cm = matrix(values)
        w = rng.dirichlet(np.ones(4))
        r = rank(cm.dm, w)
        (u,) = explain(cm, r)
        win, sec = int(r.winner[0]), int(np.flatnonzero(r.ranks[0] == 2)[0])
        n = normalise(cm.dm)[0]
        contrib = r.weights * (n[win] - n[sec])
        assert u.winnaar == VARS[win] and u.tweede == VARS[sec]
        assert u.sterk == tuple(cm.dm.criteria[c] for c in np.argsort(-contrib) if contrib[c] > 1e-9)[:3]
        assert u.zwak == tuple(cm.dm.criteria[c] for c in np.argsort(contrib) if contrib[c] < -1e-9)[:2]


def test_end_to_end_with_real_smaa_and_weight_flip():
    """Engine-free but real mcda/robustness: the flip sentence names what weight_flip found, and moving that
    weight a little beyond the stated change (others rescaled) indeed puts the named variant first."""
    from warmteregio.engine.robustness import smaa2, weight_flip

    rng = np.random.default_rng(11)
    values = rng.uniform(1, 10, size=(6, 3, 4))
    cm = matrix(values)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    r = rank(cm.dm, w)
    smaa = smaa2(cm.dm, 500, seed=3)
    flip = weight_flip(cm.dm, r.weights)
    out = explain(cm, r, smaa=smaa, flip=flip)
    for b, u in enumerate(out):
        win = int(r.winner[b])
        assert u.winnaar == VARS[win]
        assert u.robuustheid == pytest.approx(float(smaa.first[b, win]))
        assert f"in {fmt_percent(float(smaa.first[b, win]), 'nl')} van de plausibele wegingen" in u.tekst_nl
        c = int(flip.criterion[b])
        if c < 0:
            assert u.omslag_nl.startswith("Geen verandering")
            continue
        new, delta = VARS[int(flip.new_winner[b])], float(flip.delta[b])
        assert u.omslag_nl.endswith(f"komt {new} bovenaan.")
        assert f"{fmt_points(delta, 'nl')} procentpunt {'zwaarder' if delta > 0 else 'lichter'}" in u.omslag_nl
        assert f"'{CRITS[c].naam_nl[0].lower()}" in u.omslag_nl.lower()
        t = r.weights[c] + delta * 1.001
        moved = r.weights * (1 - t) / (1 - r.weights[c])
        moved[c] = t
        assert VARS[int(rank(cm.dm.subset([b]), moved).winner[0])] == new
