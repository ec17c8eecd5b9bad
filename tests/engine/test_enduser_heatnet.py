"""End-user (EG_) columns of heat-network variant rows (S2/S3) in warmteregio.engine.assess."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest

import warmteregio
from warmteregio.catalogue import load_catalogue, load_parameter_set
from warmteregio.engine.assess import FALLBACK_NOTE, assess
from warmteregio.engine.enduser import DATA_FILE, HOUSEHOLD_TYPES, EnduserInputs, enduser_costs, tariffs_from_rows
from warmteregio.engine.inputs import LABELS, BuurtInputs

CODES = ("BU00000001", "BU00000002", "BU00000003")
N_W = 100.0


@pytest.fixture(scope="module")
def tariffs() -> dict[str, float]:
    path = warmteregio.__path__[0] + "/" + DATA_FILE
    with open(path, encoding="utf-8", newline="") as fh:
        return tariffs_from_rows(csv.DictReader(fh, delimiter=";"))


@pytest.fixture(scope="module")
def params():
    # density rule on: 20 dwellings/ha connects buurt 1 and 3 to S2a, buurt 2 falls back to S1a
    p = load_parameter_set("vesta2025")
    return dataclasses.replace(p, values={**p.values, "warmtenet/allocatie_min_woningen_per_ha": 20.0})


def _buurten() -> BuurtInputs:
    """Three buurten of 100 dwellings (100 m2) and 5 utility objects: 1 dense label D, 2 sparse label D,
    3 dense and already label B (no shell step: the owner invests only the ACM connection charge)."""
    lw_d = np.zeros(len(LABELS))
    lw_d[LABELS.index("D")] = N_W
    lw_b = np.zeros(len(LABELS))
    lw_b[LABELS.index("B")] = N_W
    lu = np.zeros(len(LABELS))
    lu[LABELS.index("C")] = 5
    k = len(CODES)
    return BuurtInputs(
        bu_code=list(CODES), n_woningen=[N_W] * k, n_util=[5.0] * k, opp_woningen=[100.0 * N_W] * k,
        opp_util=[2000.0] * k, w_rv=[30.0 * N_W] * k, w_tw=[8.0 * N_W] * k,
        w_gas=[(30.0 / 1.04 + 8 / 0.72) * N_W] * k, w_elek=[11.0 * N_W] * k, u_rv=[600.0] * k, u_tw=[40.0] * k,
        u_gas=[600 / 1.04 + 40 / 0.72] * k, u_elek=[300.0] * k, labels_w=[lw_d, lw_d, lw_b], labels_u=[lu] * k,
        cap_e_huidig=[1.5 * N_W + 60] * k, oppervlakte_ha=[2.0, 50.0, 2.0],
    )  # fmt: skip


@pytest.fixture(scope="module")
def result(params, tariffs):
    return assess(_buurten(), load_catalogue(2025), params, 2030, tariffs=tariffs)


def _eg_names(res) -> list[str]:
    return [c for c in res.column_names if c.startswith("EG_")]


@pytest.mark.parametrize("strategie", ["S2a_B_Restwarmte", "S3b_B_LT30_70"])
def test_heatnet_rows_have_finite_enduser_columns(result, strategie):
    for kind in HOUSEHOLD_TYPES:
        for col in ("investering_eur", "maandlasten_eur", "maandlasten_ref_eur", "verschil_eur_per_maand"):
            for code in CODES:
                assert np.isfinite(result.value(code, strategie, f"EG_{kind}_{col}")), (code, kind, col)


def test_mt_owner_monthly_cost_includes_acm_fixed_heat_costs(result, params, tariffs):
    code, s = "BU00000003", "S2a_B_Restwarmte"
    assert result.value(code, s, "opmerking") == ""
    heat = (result.value(code, s, "Woning_H02_Vraag_Ruimteverwarming") + 8.0 * N_W) / N_W
    kwh = 11.0 / params.num("GJ_per_kWh")
    ref_gas = result.value(code, "Referentie", "EG_energiekosten_ref_eur_per_jaar")

    def direct(connected: bool) -> dict[str, np.ndarray]:
        one = np.ones(1)
        inp = EnduserInputs(
            investering_gebouw_eur=0 * one, isolatie_m2=0 * one, installatie=np.array(["warmtenet"]),
            gas_m3=0 * one, elektriciteit_kwh=kwh * one, warmte_gj=heat * one, gasaansluiting=np.array([False]),
            warmtenet_aansluiting=np.array([connected]), gas_m3_ref=one, elektriciteit_kwh_ref=kwh * one,
        )  # fmt: skip
        return enduser_costs(inp, tariffs)

    with_conn = direct(True)
    assert result.value(code, s, "EG_eigenaar_bewoner_maandlasten_eur") == pytest.approx(
        with_conn["EG_eigenaar_bewoner_maandlasten_eur"][0], rel=1e-9
    )
    assert result.value(code, s, "EG_energiekosten_eur_per_jaar") == pytest.approx(
        with_conn["EG_energiekosten_eur_per_jaar"][0], rel=1e-9
    )
    fixed = sum(tariffs[f"Warmte_ACM_{x}_eur_per_jaar"] for x in ("vastrecht", "meterhuur", "afleverset"))
    without = direct(False)["EG_energiekosten_eur_per_jaar"][0]
    assert with_conn["EG_energiekosten_eur_per_jaar"][0] - without == pytest.approx(fixed, rel=1e-9)
    assert ref_gas > 0
    # no shell step: the ACM connection charge is fully covered by ISDE, nothing left for the owner
    assert result.value(code, s, "EG_eigenaar_bewoner_investering_eur") == pytest.approx(0.0)


def test_owner_pays_shell_step_and_connection_charge_not_k05(result, tariffs):
    code, s = "BU00000001", "S2a_B_Restwarmte"
    gross = result.value(code, s, "EG_investering_na_subsidie_eur") + result.value(code, s, "EG_subsidie_eur")
    shell = gross - tariffs["Warmte_ACM_aansluitbijdrage_bestaande_bouw_eur"]
    assert shell > 0
    # S1a with the same label step: building investment = the same shell step + the air heat pump
    s1a_gross = result.value(code, "S1a_B_LuchtWP", "EG_investering_na_subsidie_eur") + result.value(
        code, "S1a_B_LuchtWP", "EG_subsidie_eur"
    )
    assert s1a_gross > shell


def test_lt_variants_use_lt_installation_and_booster_electricity(result):
    code = "BU00000001"
    # S3d (50 C network) has a tap-water booster: more electricity and less delivered heat than S3b at 70 C
    e_s3b = result.value(code, "S3b_B_LT30_70", "EG_energiekosten_eur_per_jaar")
    e_s3d = result.value(code, "S3d_B_WKO", "EG_energiekosten_eur_per_jaar")
    assert np.isfinite(e_s3b) and np.isfinite(e_s3d) and e_s3b != e_s3d


def test_unconnected_buurt_gets_s1a_enduser_values(result):
    code = "BU00000002"
    assert result.value(code, "S2a_B_Restwarmte", "opmerking") == FALLBACK_NOTE
    assert result.value("BU00000001", "S2a_B_Restwarmte", "opmerking") == ""
    for col in _eg_names(result):
        a = result.value(code, "S2a_B_Restwarmte", col)
        b = result.value(code, "S1a_B_LuchtWP", col)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-12), col
    # the connected buurt with the same dwellings differs from S1a
    assert result.value("BU00000001", "S2a_B_Restwarmte", "EG_energiekosten_eur_per_jaar") != pytest.approx(
        result.value("BU00000001", "S1a_B_LuchtWP", "EG_energiekosten_eur_per_jaar")
    )


def test_tenants_invest_nothing_in_heatnet_rows(result):
    for s in ("S2a_B_Restwarmte", "S3b_B_LT30_70", "S2d_D_Restwarmte"):
        for code in CODES:
            for kind in ("sociale_huurder", "particuliere_huurder"):
                assert result.value(code, s, f"EG_{kind}_investering_eur") == 0.0
