"""End-user costs per household type (warmteregio.engine.enduser)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

import warmteregio
from warmteregio.data.parameters import validate_parameter_files
from warmteregio.engine.enduser import (
    DATA_FILE,
    HOUSEHOLD_TYPES,
    REQUIRED_TARIFFS,
    EnduserInputs,
    TariffError,
    annuity,
    banded,
    enduser_costs,
    energy_costs_per_year,
    gas_m3_to_gj,
    tariffs_from_rows,
)

PACKAGE = Path(warmteregio.__file__).parent
DATA = PACKAGE / DATA_FILE
DOC = PACKAGE.parents[1] / "docs" / "method" / "eindgebruikerskosten.md"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.fixture(scope="module")
def tariffs() -> dict[str, float]:
    return tariffs_from_rows(_rows())


def _inputs(n: int = 1, **kw) -> EnduserInputs:
    base = dict(
        investering_gebouw_eur=np.zeros(n),
        isolatie_m2=np.zeros(n),
        installatie=np.array(["hr_ketel"] * n),
        gas_m3=np.full(n, 1200.0),
        elektriciteit_kwh=np.full(n, 2500.0),
        warmte_gj=np.zeros(n),
        gasaansluiting=np.ones(n, dtype=bool),
        warmtenet_aansluiting=np.zeros(n, dtype=bool),
        gas_m3_ref=np.full(n, 1200.0),
        elektriciteit_kwh_ref=np.full(n, 2500.0),
    )
    base.update(kw)
    return EnduserInputs(**base)


# --- data file ---------------------------------------------------------------------------------------------
def test_every_row_has_a_source_and_a_number():
    rows = _rows()
    assert rows and list(rows[0]) == ["Naam", "Waarde", "Eenheid", "Bron", "Beschrijving"]
    for row in rows:
        assert row["Bron"] and row["Bron"].strip(), row["Naam"]
        assert row["Beschrijving"].strip(), row["Naam"]
        assert row["Eenheid"].strip(), row["Naam"]
        float(row["Waarde"])
    names = [r["Naam"] for r in rows]
    assert len(names) == len(set(names))
    assert set(REQUIRED_TARIFFS) <= set(names)


def test_data_file_passes_the_parameter_importer():
    values, report, _files, _sha = validate_parameter_files(DATA)
    assert report.ok, report.format("en")
    assert len(values) == len(_rows())


def test_docs_page_lists_every_figure():
    text = DOC.read_text(encoding="utf-8")
    assert "English summary" in text
    for row in _rows():
        assert row["Naam"] in text, row["Naam"]


# --- hand-computed reference case -------------------------------------------------------------------------
def test_reference_dwelling_hand_computed(tariffs):
    # Average dwelling, HR boiler, gas connection, 1,200 m3 gas and 2,500 kWh (values from the data file):
    # gas    levering 1,200 x 0.60                                   =   720.000
    #        EB  1,000 x 0.57816 (schijf 1) + 200 x 0.57816 (schijf 2) =  693.792
    #        vastrecht leverancier 60 + netbeheer G4/G6 215           =   275.000
    #        subtotal excl. btw                                       = 1,688.792
    # elec.  levering 2,500 x 0.12                                   =   300.000
    #        EB  2,500 x 0.10154                                      =   253.850
    #        vastrecht 60 + netbeheer 3x25A 395 - vermindering 524.95 =   -69.950
    #        subtotal excl. btw                                       =   483.900
    # total excl. btw 2,172.692; x 1.21 = 2,628.95732 EUR/yr; / 12 = 219.0797767 EUR/month
    expected = 2172.692 * 1.21 / 12
    assert expected == pytest.approx(219.0797767, abs=1e-6)
    out = enduser_costs(_inputs(), tariffs)
    for kind in HOUSEHOLD_TYPES:
        assert out[f"EG_{kind}_maandlasten_ref_eur"][0] == pytest.approx(expected, abs=0.01)
        assert out[f"EG_{kind}_maandlasten_eur"][0] == pytest.approx(expected, abs=0.01)
        assert out[f"EG_{kind}_verschil_eur_per_maand"][0] == pytest.approx(0.0, abs=1e-9)
        assert out[f"EG_{kind}_investering_eur"][0] == 0.0
    assert out["EG_eigenaar_bewoner_terugverdientijd_jr"][0] == 0.0


def test_heat_network_dwelling_hand_computed(tariffs):
    # No gas connection, 30 GJ heat from a network under the ACM maxima (incl. btw), 2,500 kWh:
    # heat   30 x 43.79 = 1,313.70 + vastrecht 563.27 + meterhuur 27.50 + afleverset 170 = 2,074.47
    #        (fixed parts together 760.77 = the ACM 2025 maximum of the fixed costs)
    # elec.  483.900 excl. btw (see above) x 1.21                                     =   585.519
    # total 2,659.989 EUR/yr; / 12 = 221.6657500 EUR/month
    inp = _inputs(installatie=np.array(["warmtenet"]), gas_m3=np.zeros(1), warmte_gj=np.array([30.0]),
                  gasaansluiting=np.zeros(1, dtype=bool), warmtenet_aansluiting=np.ones(1, dtype=bool))
    out = enduser_costs(inp, tariffs)
    assert out["EG_sociale_huurder_maandlasten_eur"][0] == pytest.approx(2659.989 / 12, abs=0.01)
    # the owner pays the ACM maximum connection charge 1,150, fully covered by ISDE 3,325 (capped) -> 0
    assert out["EG_subsidie_eur"][0] == pytest.approx(1150.0)
    assert out["EG_eigenaar_bewoner_investering_eur"][0] == 0.0


# --- rules -----------------------------------------------------------------------------------------------
def test_gas_tax_uses_second_band_for_the_excess(tariffs):
    t = dict(tariffs, EB_aardgas_schijf1_eur_per_m3=0.5, EB_aardgas_schijf2_eur_per_m3=0.3)
    assert banded(np.array([800.0, 1000.0, 1500.0]), 1000.0, 0.5, 0.3) == pytest.approx([400.0, 500.0, 650.0])
    gas = np.array([1000.0, 1500.0])
    cost = energy_costs_per_year(gas, np.zeros(2), np.zeros(2), np.ones(2, bool), np.zeros(2, bool), t)
    # the 500 m3 above 1,000 m3 cost levering 0.60 + EB 0.30 (not 0.50), plus btw
    assert cost[1] - cost[0] == pytest.approx(500 * (0.60 + 0.30) * 1.21)


def test_electricity_tax_band_above_10000_kwh(tariffs):
    kwh = np.array([10_000.0, 12_000.0])
    cost = energy_costs_per_year(np.zeros(2), kwh, np.zeros(2), np.zeros(2, bool), np.zeros(2, bool), tariffs)
    expected = 2000 * (tariffs["Levering_elektriciteit_eur_per_kwh"] + tariffs["EB_elektriciteit_schijf2_eur_per_kwh"])
    assert cost[1] - cost[0] == pytest.approx(expected * 1.21)


def test_no_gas_connection_no_gas_standing_charge(tariffs):
    zeros = np.zeros(2)
    cost = energy_costs_per_year(zeros, np.full(2, 2500.0), zeros, np.array([True, False]), np.zeros(2, bool), tariffs)
    standing = tariffs["Vastrecht_leverancier_gas_eur_per_jaar"] + tariffs["Netbeheer_gas_G4_G6_eur_per_jaar"]
    assert cost[0] - cost[1] == pytest.approx(standing * 1.21)
    inp = _inputs(installatie=np.array(["ewp_lucht"]), gas_m3=zeros[:1], elektriciteit_kwh=np.array([2500.0]),
                  gasaansluiting=np.zeros(1, bool))
    out = enduser_costs(inp, tariffs)
    # same electricity, no gas at all: the saving is the whole gas bill including its standing charges
    gas_bill = (1200 * 0.60 + 693.792 + 275.0) * 1.21 / 12
    assert out["EG_sociale_huurder_verschil_eur_per_maand"][0] == pytest.approx(-gas_bill, abs=0.01)


def test_heat_standing_charges_only_with_a_heat_connection(tariffs):
    gj = np.array([20.0, 20.0])
    cost = energy_costs_per_year(np.zeros(2), np.zeros(2), gj, np.zeros(2, bool), np.array([True, False]), tariffs)
    fixed = (tariffs["Warmte_ACM_vastrecht_eur_per_jaar"] + tariffs["Warmte_ACM_meterhuur_eur_per_jaar"]
             + tariffs["Warmte_ACM_afleverset_eur_per_jaar"])
    assert cost[0] - cost[1] == pytest.approx(fixed)


def test_tenants_invest_nothing_and_rent_rules_apply(tariffs):
    inp = _inputs(investering_gebouw_eur=np.array([20_000.0]), installatie=np.array(["ewp_lucht"]),
                  gas_m3=np.zeros(1), elektriciteit_kwh=np.array([5500.0]), gasaansluiting=np.zeros(1, bool))
    out = enduser_costs(inp, tariffs)
    net = 20_000.0 - tariffs["ISDE_ewp_lucht_eur"]
    assert out["EG_investering_na_subsidie_eur"][0] == pytest.approx(net)
    assert out["EG_sociale_huurder_investering_eur"][0] == 0.0
    assert out["EG_particuliere_huurder_investering_eur"][0] == 0.0
    # social: no rent increase (national performance agreements 2022)
    assert out["EG_sociale_huurder_huurverhoging_eur_per_maand"][0] == 0.0
    energy_month = out["EG_energiekosten_eur_per_jaar"][0] / 12
    assert out["EG_sociale_huurder_maandlasten_eur"][0] == pytest.approx(energy_month)
    # private: 6 %/yr of the landlord's net investment, per month
    rent = net * tariffs["Huurverhoging_particulier_fractie_investering_per_jaar"] / 12
    assert out["EG_particuliere_huurder_huurverhoging_eur_per_maand"][0] == pytest.approx(rent)
    assert out["EG_particuliere_huurder_maandlasten_eur"][0] == pytest.approx(energy_month + rent)
    assert "EG_sociale_huurder_terugverdientijd_jr" not in out


def test_owner_financing_annuity(tariffs):
    principal, r, years = 10_000.0, 0.036, 15
    i, months = r / 12, years * 12
    expected = principal * i / (1 - (1 + i) ** -months)
    assert annuity(np.array([principal]), r, years)[0] == pytest.approx(expected)
    assert expected == pytest.approx(71.98, abs=0.01)  # 10,000 EUR, 3.6 %, 15 yr
    assert annuity(np.array([1200.0]), 0.0, 10)[0] == pytest.approx(10.0)
    with pytest.raises(ValueError):
        annuity(np.array([1.0]), 0.03, 0)
    inp = _inputs(investering_gebouw_eur=np.array([10_000.0 + tariffs["ISDE_hwp_eur"]]), installatie=np.array(["hwp"]))
    out = enduser_costs(inp, tariffs)
    assert out["EG_eigenaar_bewoner_investering_eur"][0] == pytest.approx(10_000.0)
    assert out["EG_financiering_eur_per_maand"][0] == pytest.approx(expected)
    assert out["EG_eigenaar_bewoner_verschil_eur_per_maand"][0] == pytest.approx(expected)  # same energy use


def test_subsidies_reduce_investment_never_below_zero(tariffs):
    inp = _inputs(3, investering_gebouw_eur=np.array([1000.0, 30_000.0, 0.0]),
                  installatie=np.array(["ewp_bodem", "ewp_bodem", "ewp_bodem"]))
    out = enduser_costs(inp, tariffs)
    inv = out["EG_eigenaar_bewoner_investering_eur"]
    assert inv == pytest.approx([0.0, 30_000.0 - tariffs["ISDE_ewp_bodem_eur"], 0.0])
    assert out["EG_subsidie_eur"] == pytest.approx([1000.0, tariffs["ISDE_ewp_bodem_eur"], 0.0])
    assert np.all(inv >= 0)


def test_insulation_subsidy_two_measure_rule(tariffs):
    rate = tariffs["ISDE_isolatie_gemiddeld_eur_per_m2"]
    inp = _inputs(3, investering_gebouw_eur=np.full(3, 50_000.0), isolatie_m2=np.full(3, 100.0),
                  isolatie_maatregelen=np.array([1.0, 2.0, 1.0]),
                  installatie=np.array(["hr_ketel", "hr_ketel", "ewp_lucht"]))
    sub = enduser_costs(inp, tariffs)["EG_subsidie_eur"]
    # 1 measure: single rate; 2 measures: doubled; 1 measure + heat pump: doubled (plus the heat-pump amount)
    assert sub == pytest.approx([100 * rate, 200 * rate, 200 * rate + tariffs["ISDE_ewp_lucht_eur"]])
    default = _inputs(investering_gebouw_eur=np.array([50_000.0]), isolatie_m2=np.array([100.0]))
    assert enduser_costs(default, tariffs)["EG_subsidie_eur"][0] == pytest.approx(200 * rate)


def test_payback_time_and_nan_when_never(tariffs):
    inp = _inputs(2, investering_gebouw_eur=np.full(2, 12_000.0), installatie=np.array(["hr_ketel", "hr_ketel"]),
                  gas_m3=np.array([700.0, 1300.0]))
    out = enduser_costs(inp, tariffs)
    saving = out["EG_energiekosten_ref_eur_per_jaar"][0] - out["EG_energiekosten_eur_per_jaar"][0]
    assert saving == pytest.approx(500 * (0.60 + 0.57816) * 1.21)
    assert out["EG_eigenaar_bewoner_terugverdientijd_jr"][0] == pytest.approx(12_000.0 / saving)
    assert math.isnan(out["EG_eigenaar_bewoner_terugverdientijd_jr"][1])


def test_groengas_and_hydrogen_premiums(tariffs):
    t = dict(tariffs, Groengas_meerprijs_eur_per_m3=0.10, Waterstof_meerprijs_eur_per_m3_ae=0.50)
    inp = _inputs(3, installatie=np.array(["hr_ketel", "hwp", "h2_ketel"]), groengas=np.array([False, True, False]))
    month = enduser_costs(inp, t)["EG_sociale_huurder_maandlasten_eur"]
    assert month[1] - month[0] == pytest.approx(1200 * 0.10 * 1.21 / 12)
    assert month[2] - month[0] == pytest.approx(1200 * 0.50 * 1.21 / 12)


def test_vectorised_equals_row_by_row(tariffs):
    rng = np.random.default_rng(7)
    n = 40
    kinds = np.array(["hr_ketel", "ewp_lucht", "ewp_bodem", "hwp", "warmtenet", "h2_ketel", "lt_warmtenet_boosterwp"])
    inst = kinds[rng.integers(0, len(kinds), n)]
    heat = np.isin(inst, ["warmtenet", "lt_warmtenet_boosterwp"])
    cols = dict(
        investering_gebouw_eur=rng.uniform(0, 40_000, n),
        isolatie_m2=rng.choice([0.0, 60.0, 150.0], n),
        installatie=inst,
        gas_m3=np.where(np.isin(inst, ["hr_ketel", "hwp", "h2_ketel"]), rng.uniform(200, 2500, n), 0.0),
        elektriciteit_kwh=rng.uniform(1500, 12_000, n),
        warmte_gj=np.where(heat, rng.uniform(10, 50, n), 0.0),
        gasaansluiting=np.isin(inst, ["hr_ketel", "hwp", "h2_ketel"]),
        warmtenet_aansluiting=heat,
        gas_m3_ref=rng.uniform(800, 2500, n),
        elektriciteit_kwh_ref=rng.uniform(1500, 4000, n),
        groengas=rng.random(n) < 0.3,
    )
    full = enduser_costs(EnduserInputs(**cols), tariffs)
    assert all(v.shape == (n,) for v in full.values())
    for i in range(n):
        one = enduser_costs(EnduserInputs(**{k: v[i : i + 1] for k, v in cols.items()}), tariffs)
        for key, value in one.items():
            np.testing.assert_allclose(full[key][i], value[0], equal_nan=True, err_msg=key)


def test_column_names(tariffs):
    out = enduser_costs(_inputs(), tariffs)
    for kind in HOUSEHOLD_TYPES:
        for suffix in ("investering_eur", "maandlasten_eur", "maandlasten_ref_eur", "verschil_eur_per_maand"):
            assert f"EG_{kind}_{suffix}" in out
    assert "EG_eigenaar_bewoner_terugverdientijd_jr" in out


def test_input_validation(tariffs):
    with pytest.raises(ValueError, match="onbekende installatie"):
        _inputs(installatie=np.array(["kachel"]))
    with pytest.raises(ValueError, match="lengte"):
        _inputs(gas_m3=np.zeros(2))
    with pytest.raises(ValueError, match=">= 0"):
        _inputs(gas_m3=np.array([-1.0]))
    with pytest.raises(TariffError, match="BTW_tarief"):
        enduser_costs(_inputs(), {k: v for k, v in tariffs.items() if k != "BTW_tarief"})


def test_gas_to_gj(tariffs):
    assert gas_m3_to_gj(np.array([1000.0]), tariffs)[0] == pytest.approx(31.65)
