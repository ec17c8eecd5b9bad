"""Allocation inputs from the engine and the registry: the network without its source is exactly the engine's
variant minus transport pipe, source heat and extraction (and the model puts them back to the euro); the
cheapest individual variant; source defaults with their sources and the availability year."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import warmteregio
from warmteregio.allocation import settings_from_params, solve
from warmteregio.allocation.inputs import (
    NETWORK_ONLY,
    SourceRecord,
    buurt_inputs,
    evaluate,
    source_defaults,
    source_inputs,
)
from warmteregio.catalogue import load_catalogue, load_parameter_set
from warmteregio.engine.assess import assess
from warmteregio.services.sweep import national_table_inputs

DEMO = Path(warmteregio.__file__).resolve().parent / "demo" / "data" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
# a few real Drechtsteden buurten (Dordrecht centre, Zwijndrecht, Sliedrecht, Alblasserdam)
CODES = ("BU05050100", "BU05050101", "BU06420101", "BU06100101", "BU04820101")
SETS = {"vesta2025": 2025, "vesta2020": 2020}
CASES = [("net_B", "S2a", 3_000.0), ("net_D", "S2d", 500.0), ("wp_B", "S3b", 2_000.0), ("wp_D", "S3f", 6_000.0)]


def _inputs():  # noqa: ANN202
    inputs, _ = national_table_inputs(DEMO)
    keep = np.isin(inputs.bu_code, CODES)
    assert keep.sum() == len(CODES)
    return inputs.subset(keep)


def _record(code: str = "BRON", klasse: str = "HT", **kw) -> SourceRecord:  # noqa: ANN003
    base = dict(
        code=code, naam=f"Bron {code}", categorie="afvalverbranding", temperatuurklasse=klasse, x=0.0, y=0.0,
        beschikbaar_gj_per_jaar=1e9, capaciteit_mw=1000.0, temperatuur_c=None, booster_nodig=None,
        warmteprijs_eur_gj=None, aansluitkosten_eur_kw=None, co2_kg_per_gj=None, gemeente_code="GM0505",
        startjaar=None, eindjaar=None, status="bestaand",
    )  # fmt: skip
    base.update(kw)
    return SourceRecord(**base)  # type: ignore[arg-type]


def _column(results, code: str, column: str) -> np.ndarray:  # noqa: ANN001
    rows = np.flatnonzero(np.asarray(results.columns["variant_code"]) == code)
    return np.asarray(results.columns[column], dtype=float)[rows]


@pytest.mark.parametrize("name", list(SETS))
def test_individual_is_the_cheapest_individual_variant(name):
    params, catalogue = load_parameter_set(name), load_catalogue(SETS[name])
    inputs = _inputs()
    b = buurt_inputs(inputs, params, catalogue, 2030, gemeenten=["GM0505"] * 5, x=np.zeros(5), y=np.zeros(5))
    full = assess(inputs, catalogue, params, 2030)
    codes = [v.code for v in catalogue if not v.is_heatnet and not v.is_reference]
    h16 = np.column_stack([_column(full, c, "H16_Nat_meerkost") for c in codes])
    np.testing.assert_allclose(b.cost_individual, np.nanmin(h16, axis=1))
    for i in range(5):
        assert _column(full, str(b.variant_individual[i]), "H16_Nat_meerkost")[i] == pytest.approx(b.cost_individual[i])
        assert _column(full, str(b.variant_individual[i]), "H15_CO2_uitstoot")[i] == pytest.approx(b.co2_individual[i])
    assert b.kinds == ("net_B", "net_D", "wp_B", "wp_D")
    assert list(b.ambition) == ["*"] * 5


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize(("kind", "variant", "distance"), CASES)
def test_network_without_source_plus_the_model_source_terms_is_the_engines_full_variant(name, kind, variant, distance):
    """cost_network excludes K06 (transport), K11 (source heat) and the extraction part of K07 (and their O&M in
    K15); the model's pair cost with the default source at the engine's distance gives back the engine's full
    variant (PBL's allocation rules switched off) to the euro."""
    params, catalogue = load_parameter_set(name), load_catalogue(SETS[name])
    inputs = _inputs()
    b = buurt_inputs(inputs, params, catalogue, 2030, gemeenten=["GM0505"] * 5, x=np.zeros(5), y=np.zeros(5))
    k = b.kinds.index(kind)
    rules_off = {key: 0.0 for key in ("warmtenet/allocatie_min_woningen_per_ha", "warmtenet/allocatie_lt_versus_wp")
                 if key in params.values}  # fmt: skip
    bron = "lt30_70" if kind.startswith("wp") else "restwarmte"
    engine = params.with_overrides({**rules_off, f"heatnet/afstand_bron_default_m/{bron}": distance})
    full = assess(inputs, catalogue.select([variant]), engine, 2030)
    net = assess(inputs, catalogue.select([variant]), params.with_overrides(
        {key: v for key, v in NETWORK_ONLY.items() if key in params.values}), 2030)  # fmt: skip
    np.testing.assert_allclose(b.cost_network[:, k], _column(net, variant, "H16_Nat_meerkost"))
    assert np.all(_column(net, variant, "K06_Wnet_transport") == 0) and np.all(
        _column(net, variant, "K11_Warmte_inkoop") == 0
    )
    assert np.all(_column(full, variant, "K07_Wnet_opwekking") > _column(net, variant, "K07_Wnet_opwekking"))
    heat_col = "E_ltwarmte_gj" if kind.startswith("wp") else "E_mtwarmte_gj"
    np.testing.assert_allclose(b.source_heat_gj[:, k], _column(full, variant, heat_col))
    # the model, with the registry default source at that distance, one buurt per solve (fixed in)
    sources, _notes = source_inputs([_record(klasse="LT" if kind.startswith("wp") else "HT", x=distance)], params, 2030)
    stt = settings_from_params(params, transport_loss_per_km=0.0, marginal_values=False, standalone=False)
    only = replace(b, kinds=(kind,), cost_network=b.cost_network[:, [k]], source_heat_gj=b.source_heat_gj[:, [k]],
                   source_peak_mw=b.source_peak_mw[:, [k]], co2_network=b.co2_network[:, [k]])  # fmt: skip
    r = solve(only, sources, replace(stt, fixed_in=tuple(b.codes)))
    assert r.status == "optimaal"
    np.testing.assert_allclose(r.cost_buurt, _column(full, variant, "H16_Nat_meerkost"), rtol=1e-9)
    # the source's peak share: PBL's Pcap (MT) / AandeelPrimairVermogen (LT) x P_sec, positive and equal for B and D
    assert np.all(b.source_peak_mw[:, k] > 0)


def test_peak_share_scales_with_pbl_pcap():
    params = load_parameter_set("vesta2025")
    catalogue = load_catalogue(2025)
    inputs = _inputs()
    kw = dict(gemeenten=["GM0505"] * 5, x=np.zeros(5), y=np.zeros(5))
    a = buurt_inputs(inputs, params, catalogue, 2030, **kw)
    b = buurt_inputs(inputs, params.with_overrides({"TypeInfo/Pcap_default": 0.6, "AandeelPrimairVermogen": 0.15}),
                     catalogue, 2030, **kw)  # fmt: skip
    np.testing.assert_allclose(b.source_peak_mw[:, :2], 2 * a.source_peak_mw[:, :2])
    np.testing.assert_allclose(b.source_peak_mw[:, 2:], 0.5 * a.source_peak_mw[:, 2:])


def test_ambition_mapping_and_invalid_networks_are_nan():
    params, catalogue = load_parameter_set("vesta2025"), load_catalogue(2025)
    inputs = _inputs()
    empty = inputs.subset(np.arange(5))
    empty.n_woningen[0] = 0.0
    empty.n_util[0] = 0.0
    b = buurt_inputs(empty, params, catalogue, 2030, gemeenten=["GM0505"] * 5, x=np.zeros(5), y=np.zeros(5),
                     ambition={CODES[1]: "D"})  # fmt: skip
    code0 = str(empty.bu_code[0])
    assert np.isnan(b.cost_network[list(b.codes).index(code0)]).all()
    assert dict(zip(b.codes, b.ambition, strict=True))[CODES[1]] == "D"


def test_source_defaults_have_a_source_and_are_used_with_notes():
    rows = source_defaults()
    assert rows and all(r["bron"].strip() for r in rows)
    assert {r["sleutel"] for r in rows} >= {"temperatuur_c/HT", "temperatuur_c/MT", "temperatuur_c/LT",
                                             "temperatuur_c/ZLT", "transportverlies_per_km"}  # fmt: skip
    params = load_parameter_set("vesta2025")
    recs = [
        _record("HT1", "HT", beschikbaar_gj_per_jaar=288_000.0, capaciteit_mw=None),
        _record("MT1", "MT"),
        _record("LT1", "LT", categorie="rwzi"),
        _record("ZLT1", "ZLT", categorie="aquathermie_teo", beschikbaar_gj_per_jaar=None, capaciteit_mw=None),
        _record("GEO1", "HT", categorie="geothermie", beschikbaar_gj_per_jaar=None, capaciteit_mw=None),
        _record("OWN", "LT", temperatuur_c=75.0, booster_nodig=False, warmteprijs_eur_gj=8.0,
                aansluitkosten_eur_kw=50.0, co2_kg_per_gj=12.0),
    ]  # fmt: skip
    s, notes = source_inputs(recs, params, 2030)
    by = {c: i for i, c in enumerate(s.codes)}
    assert [s.temperature_c[by[c]] for c in ("HT1", "MT1", "LT1", "ZLT1", "OWN")] == [90.0, 60.0, 40.0, 20.0, 75.0]
    assert [bool(s.booster[by[c]]) for c in ("HT1", "MT1", "LT1", "ZLT1", "OWN")] == [False, False, True, True, False]
    elec = params.num("prijs/groenelek/GG/2030")
    assert s.heat_price_eur_gj[by["HT1"]] == pytest.approx(params.num("AVI factor") * elec)
    assert s.heat_price_eur_gj[by["LT1"]] == pytest.approx(params.num("LtWarmte Categorie/K_GJ"))
    assert s.heat_price_eur_gj[by["GEO1"]] == pytest.approx(params.num("GeoThermie/Elektriciteit_Factor") * elec)
    l_mt = params.num("MTnet") / 100
    assert s.connection_cost_eur_kw[by["HT1"]] == pytest.approx(
        params.num("heatnet/restwarmte_Ki_kW_default") * l_mt**2
    )
    assert s.connection_cost_eur_kw[by["LT1"]] == pytest.approx(
        params.num("LtWarmte Categorie/Ki_KW") * params.num("LTnet") / 100
    )
    assert s.capacity_mw[by["HT1"]] == pytest.approx(288_000 / (3.6 * 8000))  # afvalverbranding: 8000 h
    assert math.isinf(s.energy_gj[by["ZLT1"]]) and s.capacity_mw[by["ZLT1"]] == pytest.approx(5.0)
    assert math.isinf(s.energy_gj[by["GEO1"]]) and s.capacity_mw[by["GEO1"]] == pytest.approx(10.0)
    own = by["OWN"]
    assert (s.heat_price_eur_gj[own], s.connection_cost_eur_kw[own], s.co2_kg_per_gj[own]) == (8.0, 50.0, 12.0)
    assert not [n for n in notes if n[0] == "OWN"]
    ht_notes = [n for n in notes if n[0] == "HT1"]
    assert any("temperatuur" in nl and "temperature" in en for _c, nl, en in ht_notes)
    assert any("vermogen = " in nl for _c, nl, _en in ht_notes)
    assert list(s.gemeenten) == ["GM0505"] * 6


def test_source_inputs_keep_only_sources_available_in_the_year():
    params = load_parameter_set("vesta2025")
    recs = [_record("HVC", eindjaar=2035), _record("NEW", startjaar=2035), _record("OLD", status="buiten_gebruik"),
            _record("ALWAYS")]  # fmt: skip
    s2030, _ = source_inputs(recs, params, 2030)
    s2040, notes = source_inputs(recs, params, 2040)
    assert list(s2030.codes) == ["HVC", "ALWAYS"]
    assert list(s2040.codes) == ["NEW", "ALWAYS"]
    assert (
        "HVC",
        "beschikbaar tot en met 2035: niet meegenomen in 2040",
        "available until 2035: left out in 2040",
    ) in notes
    assert any(c == "OLD" and "buiten gebruik" in nl for c, nl, _en in notes)
    empty, _ = source_inputs([], params, 2030)
    assert len(empty.codes) == 0 and empty.energy_gj.shape == (0,)


def test_evaluate_expressions_and_bad_class():
    params = load_parameter_set("vesta2025")
    assert evaluate("2 * 3", params, 2030) == 6.0
    assert evaluate("MTnet% * MTnet%^heatnet/restwarmte_MTnet_dubbel", params, 2030) == pytest.approx(0.895**2)
    assert evaluate("prijs/groenelek/GG/{jaar}", params, 2099) == pytest.approx(
        params.num(max(params.keys_with_prefix("prijs/groenelek/GG/")))
    )
    from warmteregio.allocation import AllocationError

    with pytest.raises(AllocationError) as err:
        source_inputs([_record(klasse="XX")], params, 2030)
    assert "temperatuurklasse" in err.value.nl and "temperature class" in err.value.en
