"""compute_criteria on hand-built contexts (every criterion checked by hand) and on the real engine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from warmteregio.catalogue import load_catalogue, load_parameter_set
from warmteregio.catalogue.criteria import load_criteria, load_oordelen
from warmteregio.engine.assess import assess
from warmteregio.engine.criteria import (
    WARMTEDICHTHEID_GJ_HA,
    CriteriaContext,
    Criterion,
    compute_criteria,
    context_from_results,
    default_uncertainty,
    default_weights,
)
from warmteregio.engine.inputs import LABELS, BuurtInputs
from warmteregio.engine.strategies import Variant
from warmteregio.engine_cli import _tariffs

CRITERIA = load_criteria()
OORDELEN = load_oordelen()


def variant(code, familie, label_w, installatie_w, gebiedsoptie, gasnet="verwijderen") -> Variant:
    return Variant(code=code, pbl_naam=f"{code}_x", familie=familie, label_w=label_w, label_u="B",
                   installatie_w=installatie_w, installatie_u="HR", gebiedsoptie=gebiedsoptie, gasnet=gasnet,
                   elektrisch_koken=True, in_viewer=True, jaarset=("2025",))  # fmt: skip


S1A = variant("S1a", "S1", "B", "eWP_lw", "geen")
S2D = variant("S2d", "S2", "D", "warmtenet_MT", "restwarmte")
S3A = variant("S3a", "S3", "B", "warmtenet_LT", "lt30_30")
S4D = variant("S4d", "S4", "D", "HR", "groengas", gasnet="behouden")
U1 = variant("U1", "eigen", "-", "warmtenet_MT", "bron")  # user variant: MT net on a named source, no insulation
VARS = (S1A, S2D, S3A, S4D, U1)


def labels(**counts) -> np.ndarray:
    row = np.zeros(len(LABELS))
    for lab, n in counts.items():
        row[LABELS.index(lab)] = n
    return row


def context(**kw) -> CriteriaContext:
    """Two buurten x five variants; S2d is invalid (H18 NaN) in the second buurt."""
    nan = np.nan
    results = {
        "H18_Nat_meerkost_WEQ": np.array([[1000.0, 1500, 1800, 700, 1200], [900, nan, 1700, 650, 1100]]),
        "K10_Kapitaallasten": np.array([[200_000.0, 300_000, 250_000, 50_000, 150_000]] * 2),
        "WEQ": np.array([[100.0] * 5, [200.0] * 5]),
        "CO2_vermeden_t": np.array([[200.0, 180, 200, 150, 190], [400, nan, 400, 300, 380]]),
        "H21_CapaciteitsvraagE": np.array([[400.0, 150, 420, 180, 150], [800, nan, 840, 360, 300]]),
        "E_mtwarmte_gj": np.array([[0.0, 3000, 0, 0, 2000], [0, nan, 0, 0, 4000]]),
        "E_ltwarmte_gj": np.array([[0.0, 0, 2500, 0, 0], [0, nan, 5000, 0, 0]]),
        "EG_eigenaar_bewoner_verschil_eur_per_maand": np.array([[20.0, 40, 60, -10, 30], [25, nan, 65, -5, 35]]),
        "EG_sociale_huurder_verschil_eur_per_maand": np.array([[-50.0, 5, 10, -20, 5], [-45, nan, 12, -15, 6]]),
        "EG_particuliere_huurder_verschil_eur_per_maand": np.array([[10.0, 50, 45, 5, 20], [12, nan, 50, 6, 22]]),
    }
    base = dict(
        buurten=np.array(["BU01", "BU02"]), varianten=VARS, results=results,
        referentie={"H21_CapaciteitsvraagE": np.array([150.0, 300.0])},
        warmtevraag_gj=np.array([4000.0, 2000.0]), oppervlakte_ha=np.array([10.0, 20.0]),
        aandeel_sociale_huur=np.array([0.6, np.nan]), gem_huishoudinkomen_eur=np.array([36_000.0, np.nan]),
        netcongestie=np.array([1.0, np.nan]),
        labels_w=np.array([labels(A=20, B=30, C=10, D=20, E=10, N=10), labels(B=50, F=50)]),
        bron_beschikbaar_gj=np.array([[nan, 1500, 5000, nan, 1000], [nan, nan, nan, nan, 8000]]),
        bron_temperatuur_c=np.array([[nan, nan, nan, nan, 60.0], [nan, nan, nan, nan, 80.0]]),
        bron_betrouwbaarheid=np.array([[nan, nan, nan, nan, 0.9], [nan, nan, nan, nan, nan]]),
        oordelen=OORDELEN,
    )  # fmt: skip
    base.update(kw)
    return CriteriaContext(**base)


@pytest.fixture(scope="module")
def cm():
    return compute_criteria(context(), CRITERIA)


def val(cm, b, v, code):
    return cm.dm.values[b, cm.dm.varianten.index(v), cm.dm.criteria.index(code)]


def her(cm, b, v, code):
    return str(cm.herkomst[b, cm.dm.varianten.index(v), cm.dm.criteria.index(code)])


def test_matrix_shape_order_and_directions(cm):
    assert cm.dm.shape == (2, 5, len(CRITERIA))
    assert cm.dm.varianten == ("S1a", "S2d", "S3a", "S4d", "U1")
    assert cm.dm.criteria == tuple(c.code for c in CRITERIA)
    assert list(cm.dm.richting) == [c.richting for c in CRITERIA]
    assert cm.criterion("co2_reductie").richting == 1


def test_invalid_variant_unavailable(cm):
    assert cm.dm.available.tolist() == [[True] * 5, [True, False, True, True, True]]
    assert np.isnan(cm.dm.values[1, 1]).all()
    assert np.isfinite(cm.dm.values[cm.dm.available]).all()


def test_engine_columns(cm):
    assert val(cm, 0, "S2d", "nationale_meerkosten") == 1500
    assert val(cm, 0, "S1a", "maandlasten_eigenaar") == 20
    assert val(cm, 0, "S1a", "maandlasten_sociale_huur") == -50
    assert val(cm, 0, "S2d", "maandlasten_particuliere_huur") == 50
    assert val(cm, 0, "S1a", "investering") == pytest.approx(2000.0)  # 200 000 / 100 WEQ
    assert val(cm, 1, "S1a", "investering") == pytest.approx(1000.0)
    assert val(cm, 0, "S4d", "co2_reductie") == pytest.approx(1.5)
    assert val(cm, 1, "U1", "co2_reductie") == pytest.approx(1.9)
    assert her(cm, 0, "S1a", "nationale_meerkosten") == "berekend"


def test_peak_load_and_congestion(cm):
    assert val(cm, 0, "S1a", "extra_piekvermogen") == 250  # 400 - 150
    assert val(cm, 0, "S2d", "extra_piekvermogen") == 0
    assert val(cm, 1, "S3a", "extra_piekvermogen") == 540
    # buurt 1 is congested: extra kW counts; buurt 2 unknown: onbekend and neutral (mean of the others)
    assert val(cm, 0, "S3a", "piekbelasting_congestie") == 270
    assert her(cm, 0, "S3a", "piekbelasting_congestie") == "berekend"
    assert her(cm, 1, "S3a", "piekbelasting_congestie") == "onbekend"
    assert val(cm, 1, "S3a", "piekbelasting_congestie") == 0.0  # no known value at all -> midpoint 0
    ctx = context(netcongestie=np.array([0.0, 1.0]))
    m = compute_criteria(ctx, CRITERIA)
    assert (
        val(m, 0, "S1a", "piekbelasting_congestie") == 0 and her(m, 0, "S1a", "piekbelasting_congestie") == "berekend"
    )
    assert val(m, 1, "S1a", "piekbelasting_congestie") == 500


def test_temperature_fit(cm):
    # buurt 1 labels: A 20, B 30, C 10, D 20, E 10, N 10 (100 dwellings)
    assert val(cm, 0, "S1a", "temperatuur_aansluiting") == 1.0  # heat pump needs B, variant insulates to B
    assert val(cm, 0, "S2d", "temperatuur_aansluiting") == 1.0  # MT 70 C: every label fits
    assert val(cm, 0, "S3a", "temperatuur_aansluiting") == 1.0  # LT 30 C needs B, variant goes to B
    assert val(cm, 0, "S4d", "temperatuur_aansluiting") == 1.0  # boiler: any label
    # U1: no insulation, source 60 C -> needs D or better: A+B+C+D = 80 of 100
    assert val(cm, 0, "U1", "temperatuur_aansluiting") == pytest.approx(0.8)
    # buurt 2: source 80 C -> any label
    assert val(cm, 1, "U1", "temperatuur_aansluiting") == 1.0
    # a D-ambition LT network delivering 30 C would need B: share already at B or better
    lt_d = variant("U2", "eigen", "D", "warmtenet_LT", "lt30_30")
    m = compute_criteria(context(varianten=(lt_d,), results={}, bron_beschikbaar_gj=None, bron_temperatuur_c=None,
                                 bron_betrouwbaarheid=None), CRITERIA)  # fmt: skip
    assert m.dm.values[0, 0, m.dm.criteria.index("temperatuur_aansluiting")] == pytest.approx(0.5)  # A 20 + B 30
    assert m.dm.values[1, 0, m.dm.criteria.index("temperatuur_aansluiting")] == pytest.approx(0.5)  # B 50 of 100


def test_temperature_unknown_without_labels():
    m = compute_criteria(context(labels_w=None), CRITERIA)
    assert her(m, 0, "U1", "temperatuur_aansluiting") == "onbekend"
    assert her(m, 0, "S1a", "temperatuur_aansluiting") == "berekend"  # target meets the requirement anyway
    # neutral: mean of the buurt's known values (all 1)
    assert val(m, 0, "U1", "temperatuur_aansluiting") == 1.0


def test_source_capacity(cm):
    assert val(cm, 0, "S1a", "bron_capaciteit") == 1.0 and her(cm, 0, "S1a", "bron_capaciteit") == "berekend"
    assert val(cm, 0, "S2d", "bron_capaciteit") == pytest.approx(0.5)  # 1500 / 3000
    assert val(cm, 0, "S3a", "bron_capaciteit") == 1.0  # 5000 / 2500 capped
    assert val(cm, 0, "U1", "bron_capaciteit") == pytest.approx(0.5)  # 1000 / 2000
    assert her(cm, 1, "S3a", "bron_capaciteit") == "onbekend"
    # neutral = mean of the available known values in buurt 2: S1a 1, S4d 1, U1 1 (8000/4000 capped)
    assert val(cm, 1, "S3a", "bron_capaciteit") == 1.0


def test_source_reliability_data_then_expert_score(cm):
    assert val(cm, 0, "U1", "bron_betrouwbaarheid") == 0.9 and her(cm, 0, "U1", "bron_betrouwbaarheid") == "berekend"
    assert val(cm, 0, "S2d", "bron_betrouwbaarheid") == 0.6 and her(cm, 0, "S2d", "bron_betrouwbaarheid") == "oordeel"
    assert val(cm, 0, "S3a", "bron_betrouwbaarheid") == 0.6  # lt30_30
    assert val(cm, 0, "S4d", "bron_betrouwbaarheid") == 1.0 and her(cm, 0, "S4d", "bron_betrouwbaarheid") == "berekend"
    # named source without data and without an expert score: onbekend, mean of S1a 1, S3a 0.6, S4d 1 (S2d invalid)
    assert her(cm, 1, "U1", "bron_betrouwbaarheid") == "onbekend"
    assert val(cm, 1, "U1", "bron_betrouwbaarheid") == pytest.approx((1 + 0.6 + 1) / 3)


def test_heat_density(cm):
    lo, hi = WARMTEDICHTHEID_GJ_HA
    d1 = (400.0 - lo) / (hi - lo)  # 4000 GJ / 10 ha
    assert val(cm, 0, "S2d", "warmtedichtheid") == pytest.approx(d1)
    assert val(cm, 1, "U1", "warmtedichtheid") == 0.0  # 100 GJ/ha
    assert val(cm, 0, "S1a", "warmtedichtheid") == 1.0


def test_affordability_and_social_share(cm):
    # worst household type / monthly income 3000 EUR x 100
    assert val(cm, 0, "S1a", "betaalbaarheid") == pytest.approx(20 / 3000 * 100)
    assert val(cm, 0, "S2d", "betaalbaarheid") == pytest.approx(50 / 3000 * 100)
    assert val(cm, 0, "S4d", "betaalbaarheid") == pytest.approx(5 / 3000 * 100)
    assert her(cm, 1, "S1a", "betaalbaarheid") == "onbekend"  # income unknown
    assert val(cm, 0, "S2d", "aandeel_sociale_huur") == 0.6 and val(cm, 0, "S1a", "aandeel_sociale_huur") == 1.0
    assert her(cm, 1, "U1", "aandeel_sociale_huur") == "onbekend"
    assert her(cm, 1, "S1a", "aandeel_sociale_huur") == "berekend"


def test_expert_scores_and_unknown(cm):
    assert val(cm, 0, "S2d", "overlast") == 3 and her(cm, 0, "S2d", "overlast") == "oordeel"
    assert val(cm, 0, "U1", "overlast") == 3  # installation fallback warmtenet_MT
    assert val(cm, 0, "S2d", "eigendom") == 0.51 and val(cm, 0, "S1a", "eigendom") == 1
    assert val(cm, 0, "S4d", "duurzaamheidszorg") == 4
    # named source: no score -> onbekend, neutral = mean of S1a 1, S2d 3, S3a 1, S4d 4
    assert her(cm, 0, "U1", "duurzaamheidszorg") == "onbekend"
    assert val(cm, 0, "U1", "duurzaamheidszorg") == pytest.approx(9 / 4)
    assert val(cm, 1, "U1", "duurzaamheidszorg") == pytest.approx(6 / 3)  # S2d unavailable there


def test_midpoint_when_nothing_known():
    m = compute_criteria(context(oordelen={}), CRITERIA)
    assert (m.herkomst[:, :, m.dm.criteria.index("overlast")] == "onbekend").all()
    assert (m.dm.values[m.dm.available][:, m.dm.criteria.index("overlast")] == 3.0).all()
    assert (m.dm.values[m.dm.available][:, m.dm.criteria.index("eigendom")] == 0.5).all()


def test_invoer_overrides_specific_before_all():
    invoer = {("BU01", "*", "eigendom"): 0.2, ("BU01", "S2d", "eigendom"): 1.0, ("BU02", "U1", "duurzaamheidszorg"): 5,
              ("BU01", "S1a", "nationale_meerkosten"): 1234.0, ("BU99", "*", "overlast"): 1.0,
              ("BU01", "*", "bestaat_niet"): 1.0}  # fmt: skip
    m = compute_criteria(context(invoer=invoer), CRITERIA)
    assert val(m, 0, "S2d", "eigendom") == 1.0 and her(m, 0, "S2d", "eigendom") == "invoer"
    assert val(m, 0, "S1a", "eigendom") == 0.2 and her(m, 0, "S1a", "eigendom") == "invoer"
    assert val(m, 1, "S1a", "eigendom") == 1.0 and her(m, 1, "S1a", "eigendom") == "oordeel"
    assert val(m, 1, "U1", "duurzaamheidszorg") == 5 and her(m, 1, "U1", "duurzaamheidszorg") == "invoer"
    assert val(m, 0, "S1a", "nationale_meerkosten") == 1234.0
    assert her(m, 0, "S1a", "nationale_meerkosten") == "invoer"
    # an entry for an invalid variant does not make it available
    m2 = compute_criteria(context(invoer={("BU02", "S2d", "overlast"): 1.0}), CRITERIA)
    assert not m2.dm.available[1, 1]


def test_user_criterion_from_an_engine_column():
    extra = Criterion("K10_Kapitaallasten", "Kapitaallasten", "Capital charges", "economisch", "EUR/jr", -1,
                      "berekend", 1.0, 0.1, "rekenkern", "uitleg", "explanation")  # fmt: skip
    m = compute_criteria(context(), [extra])
    assert m.dm.values[0, 0, 0] == 200_000 and m.herkomst[0, 0, 0] == "berekend"


def test_herkomst_values_are_known(cm):
    assert set(np.unique(cm.herkomst)) <= {"berekend", "oordeel", "invoer", "onbekend"}


def test_uncertainty_and_weights():
    u = default_uncertainty(CRITERIA, VARS)
    k = [c.code for c in CRITERIA].index("nationale_meerkosten")
    o = [c.code for c in CRITERIA].index("overlast")
    assert u.shape == (5, len(CRITERIA))
    assert u[1, k] == pytest.approx(1.5 * u[0, k])  # heat network vs individual
    assert u[3, k] == pytest.approx(1.25 * u[0, k])  # green gas
    assert u[1, o] == u[0, o]  # expert scores: no family factor
    w = default_weights(CRITERIA)
    assert sum(w.values()) == pytest.approx(1.0)


# --- integration with the real engine ----------------------------------------------------------------------------
def buurt_inputs(n: int = 3) -> BuurtInputs:
    rows = []
    for i in range(n):
        n_w = 80.0 + 60 * i
        lw = np.zeros(len(LABELS))
        lw[LABELS.index("C")] = n_w / 2
        lw[LABELS.index("E")] = n_w / 2
        lu = np.zeros(len(LABELS))
        lu[LABELS.index("C")] = 5
        rows.append(dict(
            bu_code=f"BU0000000{i}", n_woningen=n_w, n_util=5.0, opp_woningen=100.0 * n_w, opp_util=2000.0,
            w_rv=30.0 * n_w, w_tw=8.0 * n_w, w_gas=30.0 / 1.04 * n_w + 8 / 0.72 * n_w, w_elek=11.0 * n_w,
            u_rv=600.0, u_tw=40.0, u_gas=600 / 1.04 + 40 / 0.72, u_elek=300.0, labels_w=lw, labels_u=lu,
            cap_e_huidig=1.5 * n_w + 60, oppervlakte_ha=5.0 + 10 * i,
        ))  # fmt: skip
    return BuurtInputs(**{k: np.array([r[k] for r in rows]) for k in rows[0]})


def test_real_engine_to_finite_matrix():
    inp = buurt_inputs()
    cat = load_catalogue(2025)
    res = assess(inp, cat, load_parameter_set("vesta2025"), 2030, tariffs=_tariffs())
    ctx = context_from_results(
        res, list(cat), oordelen=OORDELEN, oppervlakte_ha=inp.oppervlakte_ha,
        aandeel_sociale_huur=np.array([0.1, 0.5, np.nan]), gem_huishoudinkomen_eur=np.array([30e3, 45e3, 60e3]),
        netcongestie=np.array([1.0, 0.0, np.nan]), labels_w=inp.labels_w,
    )  # fmt: skip
    assert list(ctx.buurten) == ["BU00000000", "BU00000001", "BU00000002"]
    assert [v.code for v in ctx.varianten] == [v.code for v in cat if not v.is_reference]
    cm = compute_criteria(ctx, CRITERIA)
    dm = cm.dm
    assert dm.available.any(axis=1).all()
    assert np.isfinite(dm.values[dm.available]).all()
    # the engine's own numbers arrive unchanged
    s1a = dm.varianten.index("S1a")
    assert dm.values[1, s1a, dm.criteria.index("nationale_meerkosten")] == pytest.approx(
        res.value("BU00000001", "S1a_B_LuchtWP", "H18_Nat_meerkost_WEQ")
    )
    assert dm.values[2, s1a, dm.criteria.index("maandlasten_eigenaar")] == pytest.approx(
        res.value("BU00000002", "S1a_B_LuchtWP", "EG_eigenaar_bewoner_verschil_eur_per_maand")
    )
    extra = res.value("BU00000000", "S1a_B_LuchtWP", "H21_CapaciteitsvraagE") - res.value(
        "BU00000000", "Referentie", "H21_CapaciteitsvraagE"
    )
    assert dm.values[0, s1a, dm.criteria.index("extra_piekvermogen")] == pytest.approx(extra)
    assert extra > 0
    # heat density from the reference's space heating
    ref_heat = res.value("BU00000000", "Referentie", "Woning_H02_Vraag_Ruimteverwarming") + res.value(
        "BU00000000", "Referentie", "Util_H02_Vraag_Ruimteverwarming"
    )
    assert ctx.warmtevraag_gj[0] == pytest.approx(ref_heat)
    # half the dwellings are E: the individual heat pump with label B still fits everything after insulation
    assert dm.values[0, s1a, dm.criteria.index("temperatuur_aansluiting")] == 1.0
    # unavailable rows are exactly the engine's NaN H18 rows
    h18 = np.array([[res.value(b, v.pbl_naam, "H18_Nat_meerkost_WEQ") for v in ctx.varianten] for b in ctx.buurten])
    assert (dm.available == np.isfinite(h18)).all()


def test_context_from_results_unknown_field_and_missing_variant():
    inp = buurt_inputs(1)
    cat = load_catalogue(2025)
    res = assess(inp, cat.select(["S1a"]), load_parameter_set("vesta2025"), 2030)
    with pytest.raises(TypeError, match="unknown buurt data"):
        context_from_results(res, list(cat.select(["S1a"])), kleur=1)
    ctx = context_from_results(res, [cat.get("S1a"), cat.get("S4d")])
    cm = compute_criteria(ctx, CRITERIA)
    assert cm.dm.available.tolist() == [[True, False]]  # S4d was not computed: unavailable
    assert np.isnan(replace(ctx).results["H18_Nat_meerkost_WEQ"][0, 1])
