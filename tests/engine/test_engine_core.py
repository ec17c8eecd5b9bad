"""National-cost engine: annuities, components by hand, invariants, overrides, catalogue."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from warmteregio.catalogue import load_catalogue, load_parameter_set
from warmteregio.engine.assess import assess
from warmteregio.engine.inputs import LABELS, BuurtInputs
from warmteregio.engine.params import ParameterError, Params, annuity
from warmteregio.engine.strategies import Catalogue, CatalogueError


@pytest.fixture(scope="module")
def p2020() -> Params:
    return load_parameter_set("vesta2020")


@pytest.fixture(scope="module")
def cat2020() -> Catalogue:
    return load_catalogue(2020)


def buurt(n_w=100.0, labels_w=None, labels_u=None, **kw) -> BuurtInputs:
    """One synthetic buurt: 100 dwellings of 100 m2, 5 utility objects of 400 m2."""
    lw = np.zeros(len(LABELS)) if labels_w is None else np.asarray(labels_w, float)
    if labels_w is None:
        lw[LABELS.index("D")] = n_w
    lu = np.zeros(len(LABELS)) if labels_u is None else np.asarray(labels_u, float)
    if labels_u is None:
        lu[LABELS.index("C")] = 5
    base = dict(
        bu_code=["BU00000001"], n_woningen=[n_w], n_util=[5.0], opp_woningen=[100.0 * n_w], opp_util=[2000.0],
        w_rv=[30.0 * n_w], w_tw=[8.0 * n_w], w_gas=[30.0 / 1.04 * n_w + 8 / 0.72 * n_w], w_elek=[11.0 * n_w],
        u_rv=[600.0], u_tw=[40.0], u_gas=[600 / 1.04 + 40 / 0.72], u_elek=[300.0], labels_w=[lw], labels_u=[lu],
        cap_e_huidig=[1.5 * n_w + 60],
    )
    base.update(kw)
    return BuurtInputs(**base)


# --- annuities and formulas ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [(0, 50, 0.038865), (0, 15, 0.083767), (0, 20, 0.067216), (0, 30, 0.051019), (0, 28, 0.053293), (2, 30, 0.056539)],
)
def test_annuity_factors_equal_documented(start, stop, expected):
    assert annuity(0.03, start, stop) == pytest.approx(expected, abs=1e-6)


def test_params_annuity_uses_set_lifetimes(p2020):
    assert p2020.annuity("levensduur_egnet") == pytest.approx(0.038865, abs=1e-6)
    assert p2020.annuity("levensduur_installatie") == pytest.approx(0.083767, abs=1e-6)


def test_pipe_cost_formula(p2020):
    from warmteregio.engine.heatnet import leidingkosten_per_m

    # K_m = 0.895 x (600 + 105 P^0.5 + 100 P^0.6), P in MW
    for pmw in (1.0, 10.0):
        expected = 0.895 * (600 + 105 * pmw**0.5 + 100 * pmw**0.6)
        assert leidingkosten_per_m(np.array([pmw]), p2020.values)[0] == pytest.approx(expected, rel=1e-9)


def test_national_prices_2030_match_kentallen(p2020):
    assert p2020.num("prijs/aardgas/KG/2030") == pytest.approx(11.63, abs=0.01)
    assert p2020.num("prijs/groengas/KG/2030") == pytest.approx(24.90, abs=0.01)
    assert p2020.num("prijs/groenelek/KG/2030") == pytest.approx(38.06, abs=0.01)
    assert p2020.num("prijs/waterstof/2030") == pytest.approx(30.08, abs=0.01)


# --- hand-computed single-buurt components ------------------------------------------------------------------
def _row(res, strategie, col):
    return res.value("BU00000001", strategie, col)


def test_gas_removal_k02_by_hand(p2020, cat2020):
    b = buurt(lengte_gasnet_m=[1500.0], aandeel_hoogbouw=[0.0])
    res = assess(b, cat2020, p2020)
    inv = 100 * 550 + 5 * 1932 + 100 * 1500
    assert _row(res, "S1a_B_LuchtWP", "K02_Gnet_verwijderen") == pytest.approx(inv * annuity(0.03, 0, 50))
    assert _row(res, "S4b_GG_B_HR", "K02_Gnet_verwijderen") == 0.0


def test_h2_conversion_k03_by_hand(p2020, cat2020):
    res = assess(buurt(), cat2020, p2020)
    inv = 373 * 100 + 2.8692 * 2000 + 2000
    assert _row(res, "S5b_H2_B_HR", "K03_Gnet_aanpassen") == pytest.approx(inv * annuity(0.03, 0, 30))


def test_grid_reinforcement_k01_by_hand(p2020, cat2020):
    b = buurt(lengte_lsnet_m=[2000.0])
    res = assess(b, cat2020, p2020)
    cap = 1.5 * 100 + 60
    peak = 100 * 7.0 * 0.5 + 2000 * 0.07 * 0.95  # eWP dwellings + eWP utility
    inc = peak - cap
    inv = 227 * 100 + inc / 630 * 70000 + 110 * (2000 / cap) * inc
    assert _row(res, "S1a_B_LuchtWP", "H21_CapaciteitsvraagE") == pytest.approx(peak)
    assert _row(res, "S1a_B_LuchtWP", "K01_Enet_verzwaren") == pytest.approx(inv * annuity(0.03, 0, 50))


def test_green_gas_energy_by_hand(p2020, cat2020):
    """S4b on an all-Appp buurt (no shell step): gas = k x RV/1.04 + TW/0.72 at the green-gas KG price, k the
    2030 climate factor on space heating (PBL's reference 2030 H02 = 0.8859 x start-year H02)."""
    lw = np.zeros(len(LABELS))
    lw[0] = 100
    lu = np.zeros(len(LABELS))
    lu[0] = 5
    res = assess(buurt(labels_w=lw, labels_u=lu), cat2020, p2020)
    k = p2020.num("klimaatfactor_rv/2030")
    assert k == pytest.approx(0.8859)
    gas = (k * 3000 / 1.04 + 800 / 0.72) + (k * 600 / 1.04 + 40 / 0.72)
    assert _row(res, "S4b_GG_B_HR", "E_groengas_gj") == pytest.approx(gas)
    assert _row(res, "S4b_GG_B_HR", "K12_Gas") == pytest.approx(gas * p2020.num("prijs/groengas/KG/2030"))
    assert _row(res, "S4b_GG_B_HR", "K08_Gebouw_schil") == 0.0
    assert _row(res, "Referentie", "H15_CO2_uitstoot") == pytest.approx(gas * 56.240126 * 0.994 / 1000, rel=1e-5)


def test_air_heat_pump_electricity_by_hand(p2020, cat2020):
    lw = np.zeros(len(LABELS))
    lw[0] = 100
    res = assess(buurt(labels_w=lw), cat2020, p2020)
    spf_rv, spf_tw = p2020.num("perf/eWP_lw/B/RV/SPF_b"), p2020.num("perf/eWP_lw/x/TW/SPF_b")
    assert (spf_rv, spf_tw) == (3.81, 2.2)
    e_w = 1100 + 3000 / spf_rv + 800 / spf_tw
    e_total = _row(res, "S1a_B_LuchtWP", "E_elektriciteit_gj")
    e_u = e_total - e_w
    # utility: label C shifted one class worse (E) goes to B; its heat-pump electricity is the rest
    assert 300 < e_u < 300 + 640


# --- invariants -------------------------------------------------------------------------------------------
def test_reference_row_has_zero_meerkosten(p2020, cat2020):
    res = assess(buurt(), cat2020, p2020)
    idx = res.rows_for("Referentie")
    assert np.all(res.columns["H16_Nat_meerkost"][idx] == 0)
    assert np.all(res.columns["H18_Nat_meerkost_WEQ"][idx] == 0)


def test_one_row_per_buurt_and_variant(p2020, cat2020):
    b = BuurtInputs(**{k: (np.repeat(v, 3, axis=0) if v is not None else None) for k, v in buurt().__dict__.items()})
    b.bu_code = np.array(["BU00000001", "BU00000002", "BU00000003"])
    res = assess(b, cat2020, p2020)
    assert len(res) == 3 * len(cat2020)
    pairs = set(zip(res.columns["BU_CODE"], res.columns["strategie"], strict=True))
    assert len(pairs) == len(res)
    assert set(res.columns["parameterset"]) == {"vesta2020@2020.1"}


def test_costs_scale_linearly_with_dwellings(p2020, cat2020):
    one = assess(buurt(n_w=100.0), cat2020, p2020)
    two = assess(buurt(n_w=200.0, n_util=[10.0], opp_util=[4000.0], u_rv=[1200.0], u_tw=[80.0],
                       u_gas=[2 * (600 / 1.04 + 40 / 0.72)], u_elek=[600.0],
                       labels_u=[0, 0, 0, 10, 0, 0, 0, 0], cap_e_huidig=[2 * 210.0]), cat2020, p2020)  # fmt: skip
    for s in ("S1a_B_LuchtWP", "S1b_B_BodemWP", "S4a_GG_B_hWP", "S4d_GG_D_HR"):
        for col in ("K01_Enet_verzwaren", "K08_Gebouw_schil", "K12_Gas", "K13_Elektriciteit", "H16_Nat_meerkost"):
            assert _row(two, s, col) == pytest.approx(2 * _row(one, s, col), rel=1e-9), (s, col)
        assert _row(two, s, "H18_Nat_meerkost_WEQ") == pytest.approx(_row(one, s, "H18_Nat_meerkost_WEQ"))


def test_insulation_to_b_of_all_b_buurt_costs_nothing(p2020, cat2020):
    lw = np.zeros(len(LABELS))
    lw[LABELS.index("B")] = 100
    lu = np.zeros(len(LABELS))
    lu[LABELS.index("B")] = 5
    no_shift = p2020.with_overrides(
        {"kalibratie/schillabel_verschuiving_w": 0, "kalibratie/schillabel_verschuiving_u": 0}
    )
    res = assess(buurt(labels_w=lw, labels_u=lu), cat2020, no_shift)
    for s in ("S1a_B_LuchtWP", "S4b_GG_B_HR", "S5b_H2_B_HR"):
        assert _row(res, s, "K08_Gebouw_schil") == 0.0
    assert _row(res, "S4d_GG_D_HR", "K08_Gebouw_schil") == 0.0  # B is already better than D
    # with the calibrated shift, energy label A+++ counts as shell label B: still nothing to do
    lw2 = np.zeros(len(LABELS))
    lw2[0] = 100
    lu2 = np.zeros(len(LABELS))
    lu2[0] = 5
    res2 = assess(buurt(labels_w=lw2, labels_u=lu2), cat2020, p2020)
    assert _row(res2, "S4b_GG_B_HR", "K08_Gebouw_schil") == 0.0


def test_worse_labels_cost_more_insulation(p2020, cat2020):
    lw_e = np.zeros(len(LABELS))
    lw_e[LABELS.index("E")] = 100
    res_d = assess(buurt(), cat2020, p2020)
    res_e = assess(buurt(labels_w=lw_e), cat2020, p2020)
    assert _row(res_e, "S4b_GG_B_HR", "K08_Gebouw_schil") >= _row(res_d, "S4b_GG_B_HR", "K08_Gebouw_schil")
    assert _row(res_e, "S4b_GG_B_HR", "Woning_H02_Vraag_Ruimteverwarming") < 3000.0


# --- overrides ---------------------------------------------------------------------------------------------
def test_override_changes_exactly_the_dependent_results(p2020, cat2020):
    b = buurt(lengte_gasnet_m=[1500.0])
    base = assess(b, cat2020, p2020)
    changed_params = p2020.with_overrides({"Ki_verw_LD": 250.0})
    changed = assess(b, cat2020, changed_params)
    assert changed_params.overrides == {"Ki_verw_LD": (100.0, 250.0)}
    assert set(changed.columns["parameterset"]) == {"vesta2020@2020.1+1overrides"}
    dependent = {"K02_Gnet_verwijderen", "K10_Kapitaallasten", "H16_Nat_meerkost", "H17_Nat_meerkost_CO2",
                 "H18_Nat_meerkost_WEQ"}  # fmt: skip
    removing = np.isin(base.columns["familie"], ["S1", "S2", "S3"])
    for col, values in base.columns.items():
        if values.dtype.kind in "US" or col == "parameterset":
            continue
        a, c = values, changed.columns[col]
        same = np.isclose(a, c, equal_nan=True)
        if col in dependent:
            assert not same[removing].any(), col
            assert same[~removing].all(), col
        else:
            assert same.all(), col
    delta = 150.0 * 1500 * annuity(0.03, 0, 50)
    assert _row(changed, "S1a_B_LuchtWP", "K02_Gnet_verwijderen") - _row(base, "S1a_B_LuchtWP", "K02_Gnet_verwijderen") == pytest.approx(delta)  # noqa: E501


def test_unknown_override_is_refused(p2020):
    with pytest.raises(ParameterError):
        p2020.with_overrides({"Ki_verw_LDD": 1.0})


def test_parameter_set_loads_with_overrides_and_user_copy(tmp_path, p2020):
    import shutil

    from warmteregio.catalogue import SETS_DIR

    copy = tmp_path / "mijnset"
    shutil.copytree(SETS_DIR / "vesta2020", copy)
    text = (copy / "engine_parameters.csv").read_text().replace("Ki_verw_LD;100;", "Ki_verw_LD;180;")
    (copy / "engine_parameters.csv").write_text(text)
    mine = load_parameter_set(copy)
    assert mine.num("Ki_verw_LD") == 180.0
    assert mine.label.startswith("mijnset@")
    assert load_parameter_set("vesta2020", {"Ki_verw_LD": 90}).num("Ki_verw_LD") == 90


def test_vesta2025_set_is_default_and_differs(p2020):
    p25 = load_parameter_set()
    assert p25.name == "vesta2025"
    assert p25.num("Ki_verzw_e") == pytest.approx(765.0)
    assert p25.num("prijs/groengas/KG/2030") != p2020.num("prijs/groengas/KG/2030")


# --- catalogue ---------------------------------------------------------------------------------------------
def test_catalogue_2020_has_all_variants(cat2020):
    codes = [v.code for v in cat2020]
    expected = ["REF", "S1a", "S1b", *[f"S2{c}" for c in "abcdef"], *[f"S3{c}" for c in "abcdefgh"],
                *[f"S4{c}" for c in "abcd"], *[f"S5{c}" for c in "abcd"]]  # fmt: skip
    assert codes == expected
    assert cat2020.get("S4d").pbl_naam == "S4d_GG_D_HR"
    viewer = {v.code for v in cat2020 if v.in_viewer}
    assert viewer == {"S1a", "S1b", "S2a", "S2b", "S2d", "S2e", "S3a", "S3b", "S3d", "S3e", "S3f", "S3h",
                      "S4a", "S4b", "S4c", "S4d"}  # fmt: skip


def test_user_added_variant_without_code_changes(tmp_path, p2020):
    extra = tmp_path / "mijn_varianten.csv"
    extra.write_text(
        "code;pbl_naam;familie;label_w;label_u;gebouwoptie_w;gebouwoptie_u;installatie_w;installatie_u;gebiedsoptie;"
        "gasnet;elektrisch_koken;in_viewer;jaarset;bron_naam;beschrijving_nl;beschrijving_en\n"
        "U1;U1_B_Warmtenet_AVI_Dordrecht;S2;B;B;NaarB_w;NaarB_u;warmtenet_MT;warmtenet_MT;bron;verwijderen;1;1;2020;"
        "HVC Dordrecht;Warmtenet op regionale bron;Heat network on a regional source\n"
        "U2;U2_C_LuchtWP;S1;C;B;LeWPw;LeWPu;eWP_lw;eWP_lw_u;geen;verwijderen;1;1;2020;;"
        "Lucht-WP label C;Air HP label C\n",
        encoding="utf-8",
    )
    cat = load_catalogue(2020, extra=extra)
    assert cat.get("U1").bron_naam == "HVC Dordrecht"
    res = assess(buurt(), cat, p2020)
    assert np.isfinite(_row(res, "U2_C_LuchtWP", "H18_Nat_meerkost_WEQ"))
    assert np.isfinite(_row(res, "U1_B_Warmtenet_AVI_Dordrecht", "K04_Wnet_buurt"))


def test_bad_variant_row_is_explained(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code;pbl_naam;familie;label_w;label_u;installatie_w;installatie_u;gebiedsoptie;gasnet;elektrisch_koken;"
        "in_viewer;jaarset\nX;X_naam;S1;Q;B;eWP_lw;eWP_lw_u;geen;verwijderen;1;1;2020\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="label_w"):
        load_catalogue(2020, extra=bad)


def test_heat_network_rows_are_computed_or_marked(p2020, cat2020):
    res = assess(buurt(), cat2020, p2020)
    idx = res.rows_for("S2a_B_Restwarmte")
    h18 = res.columns["H18_Nat_meerkost_WEQ"][idx]
    note = res.columns["opmerking"][idx]
    assert np.all(np.isfinite(h18) | (note != ""))


def test_subset_keeps_alignment():
    b = buurt()
    sub = b.subset(np.array([True]))
    assert dataclasses.asdict(sub).keys() == dataclasses.asdict(b).keys()


# --- existing district heating (R_StadV) ----------------------------------------------------------------------
def test_existing_district_heating_takes_its_share_out_of_the_strategy(p2020, cat2020):
    """Buildings already on district heating keep it: with share 0.4 the national heat energy, shell and
    installation costs of an individual variant are 0.6 x those of the same buurt without, while appliance
    electricity stays whole and the end-user figures per gas-heated dwelling do not change."""
    lw = np.zeros(len(LABELS))
    lw[0] = 100  # all A+++: no shell step, so the gas volume is pure heat demand
    lu = np.zeros(len(LABELS))
    lu[0] = 5
    from warmteregio.engine_cli import _tariffs

    tariffs = _tariffs()
    none = assess(buurt(labels_w=lw, labels_u=lu), cat2020, p2020, tariffs=tariffs)
    part = assess(buurt(labels_w=lw, labels_u=lu, aandeel_stadsverwarming=[0.4]), cat2020, p2020, tariffs=tariffs)
    assert _row(part, "S4b_GG_B_HR", "E_groengas_gj") == pytest.approx(0.6 * _row(none, "S4b_GG_B_HR", "E_groengas_gj"))
    assert _row(part, "Referentie", "E_aardgas_gj") == pytest.approx(0.6 * _row(none, "Referentie", "E_aardgas_gj"))
    e_none, e_part = (_row(r, "S1a_B_LuchtWP", "E_elektriciteit_gj") for r in (none, part))
    appliances = 1100 + 300  # start-year dwelling + utility electricity
    assert e_part - appliances == pytest.approx(0.6 * (e_none - appliances))
    for col in ("K08_Gebouw_schil", "K09_Gebouw_installatie"):
        assert _row(part, "S1b_B_BodemWP", col) == pytest.approx(0.6 * _row(none, "S1b_B_BodemWP", col))
    for col in ("EG_eigenaar_bewoner_maandlasten_eur", "EG_energiekosten_eur_per_jaar"):
        assert _row(part, "S1a_B_LuchtWP", col) == pytest.approx(_row(none, "S1a_B_LuchtWP", col))
    assert _row(part, "S1a_B_LuchtWP", "H16_Nat_meerkost") < _row(none, "S1a_B_LuchtWP", "H16_Nat_meerkost")


def test_start_year_reader_derives_district_heating_share(tmp_path):
    """Without an aandeel_stadsverwarming column the share is Woning_H12 / (Woning_H09 + Woning_H12); an explicit
    value wins."""
    from warmteregio.data.startanalyse import read_startanalyse

    src = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "validation" / "startanalyse2020"
    inp = read_startanalyse(src / "gooi_en_vechtstreek_startjaar2019_alle_buurten.csv")
    share = dict(zip(inp.bu_code, inp.aandeel_stadsverwarming, strict=True))
    assert share["BU03760104"] == pytest.approx(13726.1637 / (13726.1637 + 19771.8414))
    assert share["BU04020605"] == pytest.approx(14615.8304 / (14615.8304 + 97800.3699))
    assert sum(v > 0 for v in share.values()) == 2
    lines = (src / "gooi_en_vechtstreek_startjaar2019_alle_buurten.csv").read_text(encoding="utf-8-sig").splitlines()
    sep = ";" if lines[0].count(";") > lines[0].count(",") else ","
    cols = lines[0].split(sep)
    i = cols.index("BU_CODE")
    out = [lines[0] + sep + "aandeel_stadsverwarming"]
    quarter = "0,25" if sep == ";" else "0.25"
    out += [ln + sep + (quarter if ln.split(sep)[i] == "BU03760104" else "") for ln in lines[1:]]
    f = tmp_path / "start.csv"
    f.write_text("\n".join(out), encoding="utf-8")
    share2 = dict(zip(*(lambda x: (x.bu_code, x.aandeel_stadsverwarming))(read_startanalyse(f)), strict=True))
    assert share2["BU03760104"] == pytest.approx(0.25)
    assert share2["BU04020605"] == pytest.approx(share["BU04020605"])
