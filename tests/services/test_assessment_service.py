"""Assessment runs: migration 0002, inputs from the database, stored results with provenance, parameter-set
copies with overrides, diffs between runs, failed runs, lowest cost and exports. Both databases."""

from __future__ import annotations

import csv
import io
import json
import math
import sys

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session

from warmteregio.services import assessment
from warmteregio.services.parametersets import ParametersetError, copy_parameter_set, diff_runs, overrides_of
from warmteregio.store.db import alembic_config
from warmteregio.store.models import Beoordelingsresultaat, Beoordelingsrun, ParameterSet, ParameterWaarde, User

pytestmark = pytest.mark.db

PACKAGED = "vesta2020"
GAS_REMOVAL = "Ki_verw_g_laagb"  # cost of removing the gas connection of a low-rise dwelling [EUR]


def catalogue_size() -> int:
    return len(assessment.load_strategy_catalogue(2020))


def count_rows(session: Session, run_id: int) -> int:
    return session.scalar(select(func.count()).where(Beoordelingsresultaat.run_id == run_id)) or 0


# ------------------------------------------------------------------------------------------------ migration


def test_migration_0002_creates_tables_and_columns(engine: Engine):
    insp = inspect(engine)
    tables = set(insp.get_table_names())
    assert {"beoordelingsruns", "beoordelingsresultaten"} <= tables
    run_cols = {c["name"] for c in insp.get_columns("beoordelingsruns")}
    assert {"parameterset_naam", "parameterset_versie", "overrides", "catalogus_versie", "code_versie", "status",
            "gestart", "beeindigd", "gestart_door_id", "aantal_rijen", "foutmelding"} <= run_cols  # fmt: skip
    res_cols = {c["name"] for c in insp.get_columns("beoordelingsresultaten")}
    assert {"run_id", "buurt_code", "buurt_jaar", "strategie", "h15_co2_uitstoot", "h16_nat_meerkost",
            "h17_nat_meerkost_co2", "h18_nat_meerkost_weq", "k10_kapitaallasten", "k17_variabele_kosten",
            "waarden"} <= res_cols  # fmt: skip
    indexes = {i["name"]: i["column_names"] for i in insp.get_indexes("beoordelingsresultaten")}
    assert indexes["ix_beoordelingsresultaten_run_buurt"] == ["run_id", "buurt_code"]
    fks = insp.get_foreign_keys("beoordelingsresultaten")
    assert fks[0]["referred_table"] == "beoordelingsruns" and fks[0]["options"].get("ondelete") == "CASCADE"
    assert {"basis_naam", "basis_versie", "aangemaakt_door_id"} <= {
        c["name"] for c in insp.get_columns("parameter_sets")
    }
    assert {"oorspronkelijke_waarde", "aangepast_door_id", "reden"} <= {
        c["name"] for c in insp.get_columns("parameter_waarden")
    }


def test_migrations_match_the_models(engine: Engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from warmteregio.store.fulltext import include_object
    from warmteregio.store.models import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object, "compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_migration_0002_downgrades_and_upgrades_again(engine: Engine):
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    for target in ("0001", "head"):
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            (command.downgrade if target == "0001" else command.upgrade)(cfg, target)
        tables = set(inspect(engine).get_table_names())
        assert ("beoordelingsruns" in tables) == (target == "head")


# --------------------------------------------------------------------------------------------------- inputs


def test_inputs_for_region_maps_the_database(regio: Engine, session: Session):
    from warmteregio.engine.inputs import LABELS

    inp = assessment.inputs_for_region(session, "ES18")
    assert list(inp.bu_code) == ["BU05050101", "BU05050102", "BU05050103", "BU05050104"]
    assert inp.n_woningen.tolist() == [1200, 800, 2100, 650]
    assert inp.opp_util[0] == 40_000
    # demand split by WEQ share: buurt 1 has 1200 dwellings and 40000/130 utility WEQ
    share = 1200 / (1200 + 40_000 / 130)
    assert inp.w_rv[0] == pytest.approx(40_000 * share)
    assert inp.u_rv[0] + inp.w_rv[0] == pytest.approx(40_000)
    # gas input excludes the heat-network share (buurt 3: 30 %)
    assert inp.w_gas[2] + inp.u_gas[2] == pytest.approx((52_000 + 12_000) * 0.7 / assessment.HR_BOILER_EFFICIENCY)
    # only a total is known for buurt 4: documented shares
    assert inp.w_rv[3] + inp.u_rv[3] == pytest.approx(45_000 * assessment.SPACE_HEATING_SHARE)
    # labels: A+ -> Appp, G counted with F, the rest unlabelled
    row = dict(zip(LABELS, inp.labels_w[0], strict=True))
    assert row["Appp"] == pytest.approx(60) and row["A"] == pytest.approx(180) and row["F"] == pytest.approx(120)
    assert row["N"] == pytest.approx(1200 * 0.2)
    assert inp.labels_u[0].tolist()[-1] == 150  # utility labels unknown: all N
    assert inp.aandeel_hoogbouw[0] == pytest.approx(0.4)
    assert inp.aandeel_stadsverwarming[2] == pytest.approx(0.3)
    assert np.isnan(inp.cap_e_huidig).all()  # without a parameter set the LV capacity stays unknown
    params = assessment.load_parameters(session, PACKAGED, None)
    with_params = assessment.inputs_for_region(session, "ES18", params=params)
    assert (with_params.cap_e_huidig > 0).all()


# ----------------------------------------------------------------------------------------- parameter copies


def seed_db_set(session: Session) -> None:
    stored = ParameterSet(naam="vesta", versie="2025", beschrijving="Vesta 2025")
    stored.waarden = [
        ParameterWaarde(naam="discontovoet", waarde="0.03", waarde_num=0.03, eenheid="-", groep="Algemeen"),
        ParameterWaarde(naam="gasprijs", jaar=2030, waarde="0.9", waarde_num=0.9, eenheid="EUR/m3"),
        ParameterWaarde(naam="gasprijs", jaar=2040, waarde="1.1", waarde_num=1.1, eenheid="EUR/m3"),
    ]
    session.add(stored)
    session.flush()


def test_copy_parameter_set_records_overrides_with_user_and_reason(regio: Engine, session: Session):
    seed_db_set(session)
    user = session.get(User, 1)
    kopie = copy_parameter_set(
        session, "vesta", "2025", "2025-dordrecht", {"discontovoet": 0.025, "gasprijs@2040": 1.3}, user,
        "lokale afspraak gemeente Dordrecht",
    )  # fmt: skip
    session.commit()
    assert (kopie.naam, kopie.versie) == ("vesta", "2025-dordrecht")
    assert (kopie.basis_naam, kopie.basis_versie) == ("vesta", "2025")
    assert kopie.aangemaakt_door_id == 1
    by_key = {(w.naam, w.jaar): w for w in kopie.waarden}
    assert len(by_key) == 3
    d = by_key[("discontovoet", None)]
    assert (d.waarde_num, d.oorspronkelijke_waarde, d.reden, d.aangepast_door_id) == (
        0.025, "0.03", "lokale afspraak gemeente Dordrecht", 1,
    )  # fmt: skip
    assert by_key[("gasprijs", 2040)].waarde_num == 1.3
    untouched = by_key[("gasprijs", 2030)]
    assert untouched.waarde_num == 0.9 and untouched.oorspronkelijke_waarde is None and untouched.reden is None
    assert [(a.naam, a.jaar) for a in overrides_of(session, "vesta", "2025-dordrecht")] == [
        ("discontovoet", None), ("gasprijs", 2040),
    ]  # fmt: skip
    # the source set is untouched
    source = session.scalar(select(ParameterSet).where(ParameterSet.naam == "vesta", ParameterSet.versie == "2025"))
    assert {w.naam: w.waarde_num for w in source.waarden if w.jaar is None} == {"discontovoet": 0.03}


@pytest.mark.parametrize(
    ("bron_versie", "nieuw", "overrides", "reden", "fragment"),
    [
        ("2025", "2025", {}, None, "bestaat al"),
        ("2025", "x", {"bestaatniet": 1.0}, "r", "onbekende parameter"),
        ("2025", "x", {"discontovoet": 0.02}, None, "reden"),
        ("2025", "x", {"discontovoet": float("nan")}, "r", "eindig getal"),
        ("1999", "x", {}, None, "niet gevonden"),
        ("2025", "", {}, None, "nieuwe versie"),
    ],
)
def test_copy_parameter_set_refuses_bad_requests(regio, session, bron_versie, nieuw, overrides, reden, fragment):
    seed_db_set(session)
    with pytest.raises(ParametersetError) as info:
        copy_parameter_set(session, "vesta", bron_versie, nieuw, overrides, session.get(User, 1), reden)
    assert fragment in info.value.nl and info.value.en


def test_copy_of_the_packaged_set(regio: Engine, session: Session):
    packaged = assessment.load_parameters(session, PACKAGED, None)
    old = packaged.num(GAS_REMOVAL)
    user = session.get(User, 1)
    kopie = copy_parameter_set(session, PACKAGED, packaged.version, "lokaal-1", {GAS_REMOVAL: old * 2}, user, "offerte")
    session.commit()
    assert kopie.basis_versie == packaged.version
    assert len(kopie.waarden) == len(packaged.values)
    loaded = assessment.load_parameters(session, PACKAGED, "lokaal-1")
    assert loaded.num(GAS_REMOVAL) == old * 2
    assert (loaded.name, loaded.version) == (PACKAGED, "lokaal-1")
    same = {k for k, v in packaged.values.items() if loaded.values.get(k) == v}
    assert set(packaged.values) - same == {GAS_REMOVAL}


# ------------------------------------------------------------------------------------------------------ runs


def test_run_stores_every_buurt_and_variant_with_provenance(regio: Engine, session: Session):
    user = session.get(User, 1)
    run = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, user)
    session.commit()
    n_variants = catalogue_size()
    assert run.status == assessment.STATUS_KLAAR, run.foutmelding
    assert run.aantal_rijen == 4 * n_variants == count_rows(session, run.id)
    info = assessment.get_run(session, run.id)
    assert (info.parameterset, info.regio_code, info.zichtjaar, info.buurt_jaar) == (PACKAGED, "ES18", 2030, 2023)
    assert info.parameterset_versie == assessment.load_parameters(session, PACKAGED, None).version
    assert info.catalogus_versie == "strategieen2020"
    import warmteregio

    assert info.code_versie == warmteregio.__version__
    assert info.gestart_door == "Co Ördinator" and info.beeindigd is not None and info.gestart <= info.beeindigd
    assert "test: Startanalyse-achtig" in info.bronnen
    assert info.kolommen[:2] == ["BU_CODE", "strategie"] and "H18_Nat_meerkost_WEQ" in info.kolommen
    rows = assessment.results_for_run(session, run.id).items
    assert {r.buurt_code for r in rows} == {"BU05050101", "BU05050102", "BU05050103", "BU05050104"}
    s1a = next(r for r in rows if r.buurt_code == "BU05050101" and r.strategie == "S1a_B_LuchtWP")
    assert math.isfinite(s1a.h18_nat_meerkost_weq) and math.isfinite(s1a.k10_kapitaallasten)
    assert s1a.waarden["K02_Gnet_verwijderen"] > 0  # the gas grid goes
    assert s1a.get("H18_Nat_meerkost_WEQ") == s1a.h18_nat_meerkost_weq
    assert s1a.waarden["parameterset"].startswith(PACKAGED)  # every row carries the set it used
    ref = next(r for r in rows if r.buurt_code == "BU05050101" and r.strategie == "Referentie")
    assert ref.h16_nat_meerkost == 0
    # a second page, filters
    page = assessment.results_for_run(session, run.id, paging=assessment.Paging(2, 10))
    assert page.totaal == 4 * n_variants and len(page.items) == 10
    only = assessment.results_for_run(session, run.id, buurt="BU05050102", strategie="S4d_GG_D_HR").items
    assert [(r.buurt_code, r.strategie) for r in only] == [("BU05050102", "S4d_GG_D_HR")]


def test_override_changes_dependent_results_and_diff_reports_them(regio: Engine, session: Session):
    user = session.get(User, 1)
    base = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, user)
    packaged = assessment.load_parameters(session, PACKAGED, None)
    copy_parameter_set(
        session, PACKAGED, packaged.version, "duur-gasnet", {GAS_REMOVAL: packaged.num(GAS_REMOVAL) * 3}, user,
        "verwijderkosten gasnet volgens netbeheerder",
    )  # fmt: skip
    changed = assessment.start_run(session, "ES18", PACKAGED, "duur-gasnet", 2030, {}, user)
    session.commit()
    assert changed.status == assessment.STATUS_KLAAR and changed.parameterset_versie == "duur-gasnet"

    diff = diff_runs(session, base, changed)
    assert diff, "tripling the gas-grid removal cost must change results"
    catalogue = assessment.load_strategy_catalogue(2020)
    removes_gas = {v.pbl_naam for v in catalogue if v.gasnet == "verwijderen"}
    individual = {v.pbl_naam for v in catalogue if v.gasnet == "verwijderen" and not v.is_heatnet}
    # exactly the variants that remove the gas grid (heat-network ones only when the heat-network module computes)
    assert individual <= {d.strategie for d in diff} <= removes_gas
    for d in diff:
        assert d.h16_b > d.h16_a and d.h18_b > d.h18_a
    # variants that keep the gas grid (green gas, reference) are not reported
    assert not any(d.strategie.startswith(("S4", "Referentie")) for d in diff)
    # the same override given for one run only gives the same numbers
    tripled = {GAS_REMOVAL: packaged.num(GAS_REMOVAL) * 3}
    once = assessment.start_run(session, "ES18", PACKAGED, None, 2030, tripled, user)
    assert json.loads(once.overrides) == tripled
    assert diff_runs(session, changed, once) == []
    assert diff_runs(session, base, base) == []


def test_failing_engine_marks_run_failed_and_keeps_no_rows(regio: Engine, session: Session):
    def broken(inputs, catalogue, params, zichtjaar, **kwargs):  # noqa: ANN001, ANN202, ANN003
        raise FloatingPointError("deling door nul in warmtenet")

    run = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None, assess_fn=broken)
    session.commit()
    assert run.status == assessment.STATUS_MISLUKT
    assert "deling door nul" in run.foutmelding and run.aantal_rijen == 0 and run.beeindigd is not None
    assert count_rows(session, run.id) == 0

    def half(inputs, catalogue, params, zichtjaar, **kwargs):  # noqa: ANN001, ANN003, ANN202 - no strategie column
        return {"BU_CODE": np.array(inputs.bu_code), "H18_Nat_meerkost_WEQ": np.ones(len(inputs))}

    run2 = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None, assess_fn=half)
    session.commit()
    assert run2.status == assessment.STATUS_MISLUKT and "strategie" in run2.foutmelding
    assert session.scalar(select(func.count()).select_from(Beoordelingsresultaat)) == 0
    assert assessment.latest_run(session, "ES18") is None  # failed runs are never "the latest results"


def test_bad_requests_are_refused_before_a_run_exists(regio: Engine, session: Session):
    cases = [
        (("ES99", PACKAGED, None, 2030, {}), "niet gevonden"),
        (("ES17", PACKAGED, None, 2030, {}), "geen buurten"),
        (("ES18", "bestaat-niet", None, 2030, {}), "niet gevonden"),
        (("ES18", PACKAGED, None, 2030, {"geen_kental": 1.0}), "onbekende parameter"),
    ]
    for args, fragment in cases:
        with pytest.raises(assessment.AssessmentError) as info:
            assessment.start_run(session, *args, None)
        assert fragment in info.value.nl
    with pytest.raises(assessment.AssessmentError):
        assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None, buurten=["BU99990101"])
    assert session.scalar(select(func.count()).select_from(Beoordelingsrun)) == 0


def test_missing_engine_is_a_clear_bilingual_error(regio: Engine, session: Session, monkeypatch):
    monkeypatch.setitem(sys.modules, "warmteregio.engine.assess", None)
    assert not assessment.engine_available()
    with pytest.raises(assessment.EngineNietBeschikbaar) as info:
        assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None)
    assert "engine niet beschikbaar" in str(info.value) and "engine not available" in str(info.value)
    assert session.scalar(select(func.count()).select_from(Beoordelingsrun)) == 0


def test_selection_of_buurten(regio: Engine, session: Session):
    run = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None, buurten=["BU05050103"])
    assert run.aantal_rijen == catalogue_size()
    assert json.loads(run.buurten) == ["BU05050103"]


# ------------------------------------------------------------------------------------- lowest cost, exports


def test_lowest_cost_is_the_argmin_of_h18_among_valid_viewer_variants(regio: Engine, session: Session):
    run = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {}, None)
    catalogue = assessment.load_strategy_catalogue(2020)
    viewer = {v.pbl_naam for v in catalogue if v.in_viewer and not v.is_reference}
    rows = assessment.results_for_run(session, run.id).items
    lowest = assessment.lowest_cost_per_buurt(session, run.id)
    assert [r.buurt_code for r in lowest] == sorted({r.buurt_code for r in rows})
    for best in lowest:
        candidates = [
            r for r in rows
            if r.buurt_code == best.buurt_code and r.strategie in viewer and r.h18_nat_meerkost_weq is not None
        ]  # fmt: skip
        expected = min(candidates, key=lambda r: r.h18_nat_meerkost_weq)
        assert (best.strategie, best.h18_nat_meerkost_weq) == (expected.strategie, expected.h18_nat_meerkost_weq)
        assert best.familie == expected.strategie[:2]
    everything = assessment.lowest_cost_per_buurt(session, run.id, alleen_viewer=False)
    assert all(e.h18_nat_meerkost_weq <= v.h18_nat_meerkost_weq for e, v in zip(everything, lowest, strict=True))


def test_csv_and_xlsx_exports_hold_all_rows_and_the_provenance(regio: Engine, session: Session):
    run = assessment.start_run(session, "ES18", PACKAGED, None, 2030, {GAS_REMOVAL: 1234.0}, session.get(User, 2))
    session.commit()
    info = assessment.get_run(session, run.id)
    table = list(csv.reader(io.StringIO(assessment.export_csv(session, info))))
    header, body = table[0], table[1:]
    assert len(body) == run.aantal_rijen
    assert header[:2] == ["BU_CODE", "strategie"] and header[-3:] == ["run_id", "parameterset", "parameterset_versie"]
    for column in ("K01_Enet_verzwaren", "K10_Kapitaallasten", "K17_Variabele_kosten", "H15_CO2_uitstoot",
                   "H16_Nat_meerkost", "H17_Nat_meerkost_CO2", "H18_Nat_meerkost_WEQ", "E_aardgas_gj"):  # fmt: skip
        assert column in header
    first = dict(zip(header, body[0], strict=True))
    assert first["parameterset"] == PACKAGED and first["run_id"] == str(run.id)

    wb = load_workbook(io.BytesIO(assessment.export_xlsx(session, info)), read_only=True)
    assert wb.sheetnames == ["Resultaten", "Herkomst"]
    rows = list(wb["Resultaten"].iter_rows(values_only=True))
    assert list(rows[0]) == header and len(rows) - 1 == run.aantal_rijen
    h18 = header.index("H18_Nat_meerkost_WEQ")
    assert any(isinstance(r[h18], float) for r in rows[1:])
    herkomst = {k: v for k, v in wb["Herkomst"].iter_rows(min_row=2, values_only=True)}
    assert herkomst["run_id"] == run.id and herkomst["parameterset"] == PACKAGED
    assert herkomst["parameterset_versie"] == info.parameterset_versie and herkomst["zichtjaar"] == 2030
    assert json.loads(herkomst["overrides"]) == {GAS_REMOVAL: 1234.0}
    assert herkomst["gestart_door"] == "Beheerder" and "test: Startanalyse-achtig" in herkomst["databronnen"]
    assert herkomst["code_versie"] and herkomst["geexporteerd"]
