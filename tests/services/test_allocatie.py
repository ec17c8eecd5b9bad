"""Allocation runs (services/allocatie.py) on SQLite and PostgreSQL: storing what the model answers, scenarios and
their comparison, cancel, infeasibility, failures, exports and permissions; and the real Drechtsteden demo with
HVC Dordrecht (HTHP0002) closing in 2035.

The small region: RES region ES18 with Dordrecht (four buurten in a row west of the HVC site) and Papendrecht
(two buurten), dense apartment buurten of about 2,500 dwellings and 120,000 GJ/yr each; HVC (HT, 1.24 PJ/yr,
the real figure of the HT list) and a planned MT geothermal source 4 km west of it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading

import numpy as np
import pytest
import shapely
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.services import allocatie as A
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import (
    AllocatieBuurt,
    Allocatierun,
    Buurt,
    BuurtLabel,
    Gebouwgroep,
    Gemeente,
    Provincie,
    ResRegio,
    User,
    Warmtebron,
)

pytestmark = pytest.mark.db

HVC = (110_212.0, 425_400.0)
DORDRECHT = ("BU05050001", "BU05050002", "BU05050003", "BU05050004")
PAPENDRECHT = ("BU05900005", "BU05900006")


def seed_allocatie_regio(engine: Engine) -> None:
    """The small region of the module docstring, a coordinator of ES18 (id 1), an administrator (id 2), a
    coordinator of ES17 (id 3) and a viewer (id 4). Password hashes are placeholders (no login needed here)."""
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.flush()
        s.add_all([ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"),
                   ResRegio(code="ES17", naam="Hoeksche Waard", provincie_code="PV28")])  # fmt: skip
        s.flush()
        s.add_all([
            Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18", provincie_code="PV28"),
            Gemeente(code="GM0590", jaar=2023, naam="Papendrecht", res_code="ES18", provincie_code="PV28"),
            Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17", provincie_code="PV28"),
        ])  # fmt: skip
        for i, code in enumerate(DORDRECHT + PAPENDRECHT):
            x, y = HVC[0] - 1500 - 400 * i, HVC[1] + (0 if i < 4 else 2500)
            nw, vraag = 2500, 120_000.0
            b = Buurt(
                code=code, jaar=2023, naam=f"Buurt {i + 1}", wijk_code="WK" + code[2:8], gemeente_code="GM" + code[2:6],
                centroid_x=x, centroid_y=y, geometry=shapely.box(x - 200, y - 200, x + 200, y + 200).wkb,
                aantal_woningen=nw, aantal_utiliteit=100, weq_woningen=nw, weq_utiliteit=300.0, weq=nw + 300.0,
                opp_woningen_m2=nw * 70.0, opp_utiliteit_m2=30_000.0, vraag_totaal_gj=vraag,
                vraag_ruimteverwarming_gj=vraag * 0.75, vraag_tapwater_gj=vraag * 0.15, vraag_apparaten_gj=vraag * 0.07,
                vraag_koude_gj=vraag * 0.01, bestaand_warmtenet_aandeel=0.0, bron="test",
            )  # fmt: skip
            b.labels = [BuurtLabel(label="C", aantal=nw * 0.5), BuurtLabel(label="E", aantal=nw * 0.5)]
            b.gebouwgroepen = [Gebouwgroep(sector="woning", type="Apartment", bouwperiode="1965-1974", aantal=nw)]
            s.add(b)
        s.add_all([
            Warmtebron(code="HTHP0002", naam="HVC Afvalcentrale Dordrecht", categorie="afvalverbranding",
                       temperatuurklasse="HT", beschikbaar_gj_per_jaar=1_235_769.7, x=HVC[0], y=HVC[1],
                       status="bestaand"),
            Warmtebron(code="GEO0001", naam="Geothermie Dordrecht-West", categorie="geothermie",
                       temperatuurklasse="MT", temperatuur_c=75.0, beschikbaar_gj_per_jaar=1_000_000.0,
                       capaciteit_mw=40.0, x=HVC[0] - 4000, y=HVC[1] + 1500, status="gepland"),
        ])  # fmt: skip
        s.add_all([
            User(id=1, email="co@example.nl", naam="Co Ördinator", password_hash="-", rol="regiocoordinator",
                 res_code="ES18"),
            User(id=2, email="beheer@example.nl", naam="Beheerder", password_hash="-", rol="admin"),
            User(id=3, email="hw@example.nl", naam="Andere regio", password_hash="-", rol="regiocoordinator",
                 res_code="ES17"),
            User(id=4, email="kijk@example.nl", naam="Kijker", password_hash="-", rol="viewer"),
        ])  # fmt: skip


@pytest.fixture
def regio(engine: Engine) -> Engine:
    seed_allocatie_regio(engine)
    return engine


@pytest.fixture
def factory(regio: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(regio)


def fast(**changes) -> A.AllocatieInstellingen:  # noqa: ANN003
    """Settings without the extra re-solves (marginal values, gemeenten alone) unless asked."""
    base = {"regio": "ES18", "marginale_waarden": False, "alleen_per_gemeente": False}
    base.update(changes)
    return A.AllocatieInstellingen(**base)


def rows(factory: sessionmaker[Session], run_id: int) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count(AllocatieBuurt.id)).where(AllocatieBuurt.run_id == run_id)) or 0)


# ------------------------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("changes", "field", "nl_part"),
    [
        ({"zichtjaar": 1990}, "zichtjaar", "zichtjaar"),
        ({"max_afstand_m": -1}, "max_afstand_m", "maximale afstand"),
        ({"max_afstand_m": float("nan")}, "max_afstand_m", "eindig"),
        ({"max_aandeel_per_bron": 1.5}, "max_aandeel_per_bron", "aandeel"),
        ({"ambitie": "A"}, "ambitie", "ambitie"),
        ({"pareto_punten": 1}, "pareto_punten", "paretopunten"),
        ({"tijdslimiet_s": 0}, "tijdslimiet_s", "tijdslimiet"),
        ({"vast_in": ("BU05050001",), "vast_uit": ("BU05050001",)}, "vast_in", "zowel aan- als uitgezet"),
        ({"scenario": {"weg": ["X"]}}, "scenario", "onbekende scenario-onderdelen"),
        ({"scenario": {"schaal": {"HTHP0002": "veel"}}}, "scenario.schaal", "moet een getal zijn"),
        ({"scenario": {"eindjaar": {"HTHP0002": 2035.5}}}, "scenario.eindjaar", "heel jaar"),
        (
            {"scenario": {"nieuwe_bronnen": [{"code": "N1", "temperatuurklasse": "XX", "x": 1, "y": 400_000}]}},
            "scenario.nieuwe_bronnen[0]",
            "temperatuurklasse",
        ),
        (
            {"scenario": {"nieuwe_bronnen": [{"code": "N1", "temperatuurklasse": "LT", "x": 1e9, "y": 400_000}]}},
            "scenario.nieuwe_bronnen[0]",
            "x van nieuwe bron",
        ),
    ],
)
def test_bad_settings_are_refused_in_dutch_and_english(changes: dict, field: str, nl_part: str) -> None:
    with pytest.raises(A.AllocatieError) as err:
        fast(**changes).validate()
    assert err.value.veld == field
    assert nl_part in err.value.nl
    assert err.value.en and err.value.en != err.value.nl


def test_settings_round_trip_and_scenario_normalised() -> None:
    inst = fast(vast_in=("bu05050002", "BU05050001", "BU05050001"), scenario={
        "verwijderd": ["GEO0001"], "warmteprijsfactor": 1.0, "schaal": {"HTHP0002": "0.5"}}).validate()  # fmt: skip
    assert inst.vast_in == ("BU05050001", "BU05050002")
    assert inst.scenario == {"verwijderd": ["GEO0001"], "schaal": {"HTHP0002": 0.5}}  # factor 1 = no change
    again = A.AllocatieInstellingen.from_dict(json.loads(json.dumps(inst.to_dict())))
    assert again == inst


def test_closing_template_sets_end_year_and_a_later_source_year() -> None:
    assert A.scenario_bron_sluit("HTHP0002", 2035) == ({"eindjaar": {"HTHP0002": 2035}}, 2036)
    assert A.scenario_bron_sluit("HTHP0002", 2035, 2040) == ({"eindjaar": {"HTHP0002": 2035}}, 2040)
    with pytest.raises(A.AllocatieError) as err:
        A.scenario_bron_sluit("HTHP0002", 2035, 2030)
    assert "na het sluitingsjaar" in err.value.nl and "after the closing year" in err.value.en


def test_merge_scenario_unites_lists_and_updates_maps() -> None:
    base = {"verwijderd": ["A"], "eindjaar": {"B": 2040}, "nieuwe_bronnen": [{"code": "N1", "x": 1}]}
    out = A.merge_scenario(base, {"verwijderd": ["C"], "eindjaar": {"D": 2035},
                                  "nieuwe_bronnen": [{"code": "N1", "x": 2}]})  # fmt: skip
    assert out == {"verwijderd": ["A", "C"], "eindjaar": {"B": 2040, "D": 2035},
                   "nieuwe_bronnen": [{"code": "N1", "x": 2}]}  # fmt: skip
    assert base["verwijderd"] == ["A"]  # not changed in place


# ------------------------------------------------------------------------------------------------ creating


@pytest.mark.parametrize(
    ("changes", "field", "not_found"),
    [
        ({"regio": "ES99"}, "regio", True),
        ({"regio": "ES17"}, "regio", False),  # region without buurten
        ({"vast_in": ("BU03630001",)}, "vast_in", False),
        ({"scenario": {"verwijderd": ["ONBEKEND1"]}}, "scenario", False),
        (
            {
                "scenario": {
                    "nieuwe_bronnen": [{"code": "HTHP0002", "temperatuurklasse": "LT", "x": 105_000, "y": 425_000}]
                }
            },
            "scenario.nieuwe_bronnen",
            False,
        ),
        ({"parameterset": "bestaat-niet"}, "parameterset", True),
        ({"overrides": {"geen-parameter": 1.0}}, "overrides", False),
    ],
)
def test_create_refuses_what_the_database_does_not_know_and_writes_nothing(
    factory: sessionmaker[Session], changes: dict, field: str, not_found: bool
) -> None:
    with factory() as s:
        with pytest.raises(A.AllocatieError) as err:
            A.create_run(s, fast(**changes))
        s.rollback()
        assert err.value.veld == field and err.value.not_found is not_found
        assert err.value.nl and err.value.en
        assert s.scalar(select(func.count(Allocatierun.id))) == 0


def test_permissions(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        co, admin, other, viewer = (s.get(User, i) for i in (1, 2, 3, 4))
        assert A.kan_starten(co, "ES18") and A.kan_starten(admin, "ES18") and A.kan_starten(admin, "ES17")
        assert not A.kan_starten(other, "ES18") and not A.kan_starten(viewer, "ES18")
        assert not A.kan_starten(None, "ES18")
        assert [c for c, _ in A.regios_voor_start(s, co)] == ["ES18"]
        assert [c for c, _ in A.regios_voor_start(s, admin)] == ["ES17", "ES18"]
        with pytest.raises(A.AllocatieError) as err:
            A.create_run(s, fast(), user=other)
        assert err.value.forbidden
        run = A.create_run(s, fast(), user=co)
        s.commit()
        info = A.require_run(s, run.id)
        assert info.status == A.STATUS_WACHTEND and info.gestart_door == "Co Ördinator"
        assert A.kan_annuleren(co, info) and A.kan_annuleren(admin, info)
        assert not A.kan_annuleren(other, info) and not A.kan_annuleren(viewer, info)
        assert A.kan_lezen(viewer, info) and not A.kan_lezen(None, info)


# ------------------------------------------------------------------------------------------------ running


def test_stored_rows_equal_the_model_result(factory: sessionmaker[Session]) -> None:
    from warmteregio.allocation import solve

    inst = fast(vast_in=DORDRECHT[:2], marginale_waarden=True, alleen_per_gemeente=True).validate()
    steps: list[tuple[str, int, int]] = []
    run_id = A.run_allocation(factory, inst, progress=lambda label, done, total: steps.append((label, done, total)))
    with factory() as s:
        info = A.require_run(s, run_id)
        stored = {r.buurt_code: r for r in A.run_buurten(s, run_id).items}
        inv = A.solve_inputs(s, inst)
    expected = solve(inv.buurten, inv.bronnen, inv.settings)
    assert info.status == A.STATUS_KLAAR, info.foutmelding
    assert steps[0][0].startswith("invoer laden") and steps[-1][1] == steps[-1][2] > 1
    assert [d for _, d, _ in steps[1:]] == sorted(d for _, d, _ in steps[1:])
    assert set(stored) == set(DORDRECHT + PAPENDRECHT) and info.aantal_buurten == 6
    sources = [str(c) for c in inv.bronnen.codes]
    for i, code in enumerate(map(str, inv.buurten.codes)):
        r = stored[code]
        a = int(expected.assignment[i])
        assert r.bron_code == (sources[a] if a >= 0 else None)
        assert r.soort == str(expected.kind[i])
        assert r.kosten_eur_jr == pytest.approx(float(expected.cost_buurt[i]), rel=1e-9)
        assert r.leiding_eur_jr == pytest.approx(float(expected.pipe_cost[i]), rel=1e-9, abs=1e-9)
        assert r.warmte_gj == pytest.approx(float(expected.heat_gj[i]), rel=1e-9, abs=1e-9)
        assert r.gemeente_code == "GM" + code[2:6]
        assert r.vastgezet == ("in" if code in DORDRECHT[:2] else None)
    assert stored["BU05050001"].bron_code is not None  # fixed in: on a network
    assert info.totale_kosten == pytest.approx(expected.cost, rel=1e-9)
    assert info.kosten_individueel == pytest.approx(expected.cost_individual_total, rel=1e-9)
    assert sum(r.kosten_eur_jr for r in stored.values()) == pytest.approx(expected.cost, rel=1e-6)
    by_code = {b["code"]: b for b in info.bronnen}
    assert set(by_code) == set(sources)
    for j, code in enumerate(sources):
        assert by_code[code]["gebruik_gj"] == pytest.approx(float(expected.use_gj[j]))
        assert by_code[code]["aantal_buurten"] == sum(1 for r in stored.values() if r.bron_code == code)
        assert by_code[code]["gebruik_mw"] <= by_code[code]["capaciteit_mw"] + 1e-9
        value = by_code[code]["marginale_waarde_eur_per_mw"]
        assert value is None or value >= -1e-6
        assert by_code[code]["bindend"] == (value is not None and value > 1e-6)
    assert {g["code"] for g in info.gemeenten} == {"GM0505", "GM0590"}
    for g in info.gemeenten:
        assert g["naam"] in ("Dordrecht", "Papendrecht")
        mine = [r.kosten_eur_jr for r in stored.values() if r.gemeente_code == g["code"]]
        assert g["kosten"] == pytest.approx(sum(mine))
        if g["kosten_alleen"] is not None:
            assert g["winst"] == pytest.approx(g["kosten_alleen"] - g["kosten"])
    texts = " ".join(w[0] for w in info.waarschuwingen)
    assert "HTHP0002" in texts and "standaardwaarde" in texts  # HVC's temperature, price, ... are defaults
    assert all(len(w) == 2 and w[1] for w in info.waarschuwingen)
    assert info.uitleg == [] and info.foutmelding is None and info.voortgang == 1.0
    assert info.instellingen["buurt_jaar"] == 2023


def test_scenario_hvc_closes_in_2035_moves_buurten_and_compare_lists_them(factory: sessionmaker[Session]) -> None:
    base_id = A.run_allocation(factory, fast(vast_in=DORDRECHT))
    with factory() as s:
        base = {r.buurt_code: r.bron_code for r in A.run_buurten(s, base_id).items}
        on_hvc = sorted(c for c, b in base.items() if b == "HTHP0002")
        assert on_hvc, base  # HT source next door: the fixed buurten go to HVC
        changes, bronjaar = A.scenario_bron_sluit("HTHP0002", 2035, 2040)
        run = A.scenario_from_run(s, base_id, changes, bronjaar=bronjaar, titel="HVC sluit in 2035")
        s.commit()
        scenario_id = run.id
        assert run.basis_id == base_id and run.bronjaar == 2040 and run.zichtjaar == 2030
        assert json.loads(run.scenario) == {"eindjaar": {"HTHP0002": 2035}}
        assert json.loads(run.instellingen)["vast_in"] == list(DORDRECHT)  # settings of the base
    assert A.execute_run(factory, scenario_id) == A.STATUS_KLAAR
    with factory() as s:
        info = A.require_run(s, scenario_id)
        after = {r.buurt_code: r.bron_code for r in A.run_buurten(s, scenario_id).items}
        assert "HTHP0002" not in after.values()
        assert all(after[c] == "GEO0001" for c in DORDRECHT)  # still on a network: the other source
        assert "HTHP0002" not in {b["code"] for b in info.bronnen}
        assert any("HTHP0002" in w[0] and "2035" in w[0] for w in info.waarschuwingen)
        v = A.compare_runs(s, base_id, scenario_id)
    changed = {r.buurt_code: r for r in v.gewijzigd}
    assert set(on_hvc) <= set(changed)
    for code in on_hvc:
        assert changed[code].bron_a == "HTHP0002" and changed[code].bron_b == "GEO0001"
    assert v.totaal["gewijzigd"] == len(changed) and v.totaal["buurten"] == 6
    assert v.totaal["verschil"] == pytest.approx(v.totaal["kosten_b"] - v.totaal["kosten_a"])
    assert v.totaal["verschil"] >= -1e-6  # losing a source never makes it cheaper
    hvc = next(b for b in v.bronnen if b["code"] == "HTHP0002")
    assert hvc["in_a"] and not hvc["in_b"] and hvc["buurten_a"] == len(on_hvc) and hvc["buurten_b"] == 0
    gm = {g["code"]: g for g in v.gemeenten}
    assert gm["GM0505"]["gewijzigd"] == len(on_hvc)
    assert gm["GM0505"]["verschil"] == pytest.approx(gm["GM0505"]["kosten_b"] - gm["GM0505"]["kosten_a"])


def test_scenario_changes_act_on_the_sources(factory: sessionmaker[Session]) -> None:
    scenario = {
        "verwijderd": ["GEO0001"], "schaal": {"HTHP0002": 0.5}, "warmteprijs": {"HTHP0002": 2.0},
        "warmteprijsfactor": 1.5,
        "nieuwe_bronnen": [{"code": "NIEUW1", "naam": "Datacenter", "temperatuurklasse": "LT", "x": 107_000,
                            "y": 426_000, "beschikbaar_gj_per_jaar": 50_000, "capaciteit_mw": 3}],
    }  # fmt: skip
    run_id = A.run_allocation(factory, fast(scenario=scenario, horizon=2050))
    with factory() as s:
        info = A.require_run(s, run_id)
        inv = A.solve_inputs(s, A.instellingen_of(info))
    assert info.status == A.STATUS_KLAAR
    by_code = {b["code"]: b for b in info.bronnen}
    assert set(by_code) == {"HTHP0002", "NIEUW1"}
    assert by_code["HTHP0002"]["beschikbaar_gj"] == pytest.approx(0.5 * 1_235_769.7)
    assert by_code["HTHP0002"]["warmteprijs_eur_gj"] == pytest.approx(3.0)  # 2.0 x 1.5
    assert by_code["NIEUW1"]["nieuw"] and by_code["NIEUW1"]["capaciteit_mw"] == pytest.approx(3.0)
    assert by_code["NIEUW1"]["gemeente_code"] == "GM0505"  # derived from its location (nearest Dordrecht buurt)
    codes = [str(c) for c in inv.bronnen.codes]
    assert inv.bronnen.capacity_mw[codes.index("NIEUW1")] == pytest.approx(3.0)
    texts = [w[0] for w in info.waarschuwingen]
    assert any("GEO0001" in t and "weggelaten" in t for t in texts)
    assert any("nieuwe bron NIEUW1" in t for t in texts)


def test_source_ending_before_the_horizon_is_warned(factory: sessionmaker[Session]) -> None:
    run_id = A.run_allocation(factory, fast(scenario={"eindjaar": {"GEO0001": 2045}}))
    with factory() as s:
        info = A.require_run(s, run_id)
    warning = next(w for w in info.waarschuwingen if "GEO0001" in w[0] and "horizon" in w[0])
    assert "2045" in warning[0] and "2050" in warning[0] and "horizon 2050" in warning[1]


def test_cancel_during_the_solve_leaves_no_rows(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        run_id = A.create_run(s, fast(marginale_waarden=True, alleen_per_gemeente=True)).id
        s.commit()
    cancelled: list[str] = []

    def progress(label: str, done: int, total: int) -> None:
        if done == 1 and not cancelled:  # after the first solver call: cancel from 'another request'
            with factory() as other:
                cancelled.append(A.request_cancel(other, run_id).status)
                other.commit()

    assert A.execute_run(factory, run_id, progress=progress) == A.STATUS_GEANNULEERD
    assert cancelled == [A.STATUS_GEANNULEERD]
    assert rows(factory, run_id) == 0
    with factory() as s:
        info = A.require_run(s, run_id)
        assert info.totale_kosten is None and info.bronnen == [] and info.beeindigd is not None
        with pytest.raises(A.AllocatieError) as err:
            A.request_cancel(s, run_id)
        assert err.value.conflict and "al afgelopen" in err.value.nl


def test_cancel_event_before_start_and_waiting_run(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        run_id = A.create_run(s, fast()).id
        s.commit()
    event = threading.Event()
    event.set()
    assert A.execute_run(factory, run_id, cancel_event=event) == A.STATUS_GEANNULEERD
    assert rows(factory, run_id) == 0
    with factory() as s:
        waiting = A.create_run(s, fast()).id
        s.commit()
        assert A.request_cancel(s, waiting).status == A.STATUS_GEANNULEERD
        s.commit()
    assert A.execute_run(factory, waiting) == A.STATUS_GEANNULEERD  # never starts
    assert rows(factory, waiting) == 0


def test_background_thread_runs_to_the_end(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        run_id = A.create_run(s, fast()).id
        s.commit()
    A.start_in_background(factory, run_id).join(timeout=120)
    with factory() as s:
        assert A.require_run(s, run_id).status == A.STATUS_KLAAR
    assert rows(factory, run_id) == 6


def test_fixed_in_buurt_without_reach_is_infeasible_with_an_explanation(factory: sessionmaker[Session]) -> None:
    run_id = A.run_allocation(factory, fast(vast_in=("BU05900006",), max_afstand_m=500.0))
    with factory() as s:
        info = A.require_run(s, run_id)
    assert info.status == A.STATUS_ONHAALBAAR
    assert info.uitleg and all(len(e) == 2 for e in info.uitleg)
    nl = " ".join(e[0] for e in info.uitleg)
    en = " ".join(e[1] for e in info.uitleg)
    assert "BU05900006" in nl and "BU05900006" in en
    assert "bron" in nl and "source" in en
    assert rows(factory, run_id) == 0 and info.totale_kosten is None


def test_a_failing_solver_marks_the_run_failed_without_rows(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        run_id = A.create_run(s, fast()).id
        s.commit()

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("solver stuk")

    assert A.execute_run(factory, run_id, solve_fn=broken) == A.STATUS_MISLUKT
    with factory() as s:
        info = A.require_run(s, run_id)
    assert "solver stuk" in (info.foutmelding or "")
    assert rows(factory, run_id) == 0


def test_compare_refuses_unfinished_or_other_region_runs(factory: sessionmaker[Session]) -> None:
    done = A.run_allocation(factory, fast())
    with factory() as s:
        waiting = A.create_run(s, fast()).id
        s.commit()
        with pytest.raises(A.AllocatieError) as err:
            A.compare_runs(s, done, waiting)
        assert err.value.conflict and "geen resultaat" in err.value.nl
        with pytest.raises(A.AllocatieError) as err:
            A.compare_runs(s, done, 999)
        assert err.value.not_found
        same = A.compare_runs(s, done, done)
        assert same.gewijzigd == [] and same.totaal["verschil"] == 0


# ------------------------------------------------------------------------------------------------ reading, exports


def test_list_and_latest(factory: sessionmaker[Session]) -> None:
    first = A.run_allocation(factory, fast(titel="eerste"))
    with factory() as s:
        A.create_run(s, fast(titel="wacht"))
        s.commit()
        page = A.list_runs(s, regio="ES18")
        assert page.totaal == 2 and [i.titel for i in page.items] == ["wacht", "eerste"]
        assert page.items[1].aantal_buurten == 6 and page.items[0].aantal_buurten == 0
        assert A.list_runs(s, regio="ES17").totaal == 0
        assert A.latest_finished(s, "ES18").id == first
        assert A.latest_finished(s, "ES17") is None
        assert A.get_run(s, 0) is None and A.get_run(s, 2**40) is None


def test_exports(factory: sessionmaker[Session]) -> None:
    run_id = A.run_allocation(factory, fast(vast_in=DORDRECHT, scenario={"warmteprijsfactor": 1.1}))
    with factory() as s:
        info = A.require_run(s, run_id)
        stored = A.run_buurten(s, run_id).items
        text = A.export_csv(s, run_id)
        workbook = load_workbook(io.BytesIO(A.export_xlsx(s, run_id)))
        collection = json.loads(A.geojson(s, run_id))
        rd = json.loads(A.geojson(s, run_id, "EPSG:28992"))
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == [*A.BUURT_KOLOMMEN, "run_id"]
    assert len(table) == 6 and {r["buurt_code"] for r in table} == {r.buurt_code for r in stored}
    connected = [r for r in stored if r.bron_code]
    assert connected
    row = next(r for r in table if r["buurt_code"] == connected[0].buurt_code)
    assert row["bron_naam"] and float(row["kosten_eur_jr"]) == pytest.approx(connected[0].kosten_eur_jr)
    assert row["vastgezet"] == "in" and row["run_id"] == str(run_id)
    assert workbook.sheetnames == ["Buurten", "Bronnen", "Gemeenten", "Herkomst", "Scenario"]
    assert workbook["Buurten"].max_row == 7 and [c.value for c in workbook["Buurten"][1]] == list(A.BUURT_KOLOMMEN)
    assert workbook["Bronnen"].max_row == 1 + len(info.bronnen)
    herkomst = {r[0].value: r[1].value for r in workbook["Herkomst"].iter_rows(min_row=2)}
    assert herkomst["allocatie_id"] == run_id and herkomst["parameterset"] == info.parameterset
    assert herkomst["bronjaar"] == 2030 and "BU05050001" in herkomst["vast_in"]
    assert [r[0].value for r in workbook["Scenario"].iter_rows(min_row=2)] == ["warmteprijsfactor"]
    assert collection["type"] == "FeatureCollection"
    kinds: dict[str, list[dict]] = {}
    for feature in collection["features"]:
        kinds.setdefault(feature["properties"]["soort"], []).append(feature)
    assert len(kinds["buurt"]) == 6 and all(f["geometry"]["type"] == "Polygon" for f in kinds["buurt"])
    assert {f["properties"]["code"] for f in kinds["bron"]} == {b["code"] for b in info.bronnen}
    assert all(f["geometry"]["type"] == "Point" for f in kinds["bron"])
    assert len(kinds["leiding"]) == len(connected)
    for f in kinds["leiding"]:
        assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) == 2
        lon, lat = f["geometry"]["coordinates"][0]
        assert 4.0 < lon < 5.5 and 51.5 < lat < 52.2  # CRS84 near Dordrecht
    assert len({f["id"] for f in collection["features"]}) == len(collection["features"])
    line = next(f for f in rd["features"] if f["properties"]["soort"] == "leiding")
    source = next(b for b in info.bronnen if b["code"] == line["properties"]["bronCode"])
    assert line["geometry"]["coordinates"][0] == [pytest.approx(source["x"]), pytest.approx(source["y"])]
    buurt = next(f for f in rd["features"] if f["properties"]["code"] == line["properties"]["code"]
                 and f["properties"]["soort"] == "buurt")  # fmt: skip
    centre = shapely.geometry.shape(buurt["geometry"]).centroid
    assert line["geometry"]["coordinates"][1] == [pytest.approx(centre.x), pytest.approx(centre.y)]
    length = math.dist(*line["geometry"]["coordinates"])
    assert line["properties"]["afstandM"] == pytest.approx(1.25 * length, rel=0.01)  # detour factor x straight


def test_exports_of_an_unknown_run_are_refused(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        for fn in (A.export_csv, A.export_xlsx, A.geojson):
            with pytest.raises(A.AllocatieError) as err:
                fn(s, 4242)
            assert err.value.not_found


# ------------------------------------------------------------------------------------------------ the demo


def test_drechtsteden_demo_hvc_serves_its_neighbours_and_closing_in_2035_moves_them(session: Session) -> None:
    """The real demo region (308 buurten, the real source lists): the buurten nearest HVC Dordrecht (HTHP0002),
    put on a heat network, are served by HVC; when HVC closes in 2035 (source year 2040) they move to another
    source and the comparison names them."""
    from warmteregio.demo.loader import load_demo

    load_demo(session)
    session.commit()
    factory = sessionmaker(bind=session.get_bind(), expire_on_commit=False)
    hvc = session.scalar(select(Warmtebron).where(Warmtebron.code == "HTHP0002"))
    assert hvc is not None and "HVC" in hvc.naam
    buurten = session.execute(select(Buurt.code, Buurt.centroid_x, Buurt.centroid_y).where(Buurt.jaar == 2019)).all()
    nearest = sorted(buurten, key=lambda b: math.hypot(b[1] - hvc.x, b[2] - hvc.y))[:3]
    codes = tuple(b[0] for b in nearest)
    base_id = A.run_allocation(factory, A.AllocatieInstellingen(regio="ES18", titel="demo", vast_in=codes,
                                                                alleen_per_gemeente=False))  # fmt: skip
    with factory() as s:
        base = A.require_run(s, base_id)
        assert base.status == A.STATUS_KLAAR, base.foutmelding
        assert base.aantal_buurten == 308
        on_hvc = [r.buurt_code for r in A.run_buurten(s, base_id, bron="HTHP0002").items]
        assert on_hvc and set(on_hvc) <= set(codes)
        hvc_row = next(b for b in base.bronnen if b["code"] == "HTHP0002")
        assert hvc_row["aantal_buurten"] == len(on_hvc) and hvc_row["marginale_waarde_eur_per_mw"] is not None
        changes, bronjaar = A.scenario_bron_sluit("HTHP0002", 2035, 2040)
        scenario_id = A.scenario_from_run(s, base_id, changes, bronjaar=bronjaar).id
        s.commit()
    assert A.execute_run(factory, scenario_id) == A.STATUS_KLAAR
    with factory() as s:
        v = A.compare_runs(s, base_id, scenario_id)
        assert A.run_buurten(s, scenario_id, bron="HTHP0002").totaal == 0
    moved = {r.buurt_code: r for r in v.gewijzigd}
    assert set(on_hvc) <= set(moved)
    assert all(moved[c].bron_a == "HTHP0002" and moved[c].bron_b not in (None, "HTHP0002") for c in on_hvc)
    assert v.totaal["verschil"] >= -1e-6
    assert np.isclose(sum(g["verschil"] for g in v.gemeenten), v.totaal["verschil"], rtol=1e-6)


def test_ambition_per_buurt_restricts_the_network_label(factory: sessionmaker[Session]) -> None:
    run_id = A.run_allocation(factory, fast(vast_in=DORDRECHT[:2], ambitie={"BU05050001": "D", "BU05050002": "B"}))
    with factory() as s:
        info = A.require_run(s, run_id)
        got = {r.buurt_code: r.soort for r in A.run_buurten(s, run_id).items}
    assert info.status == A.STATUS_KLAAR, info.foutmelding
    assert info.instellingen["ambitie"] == {"BU05050001": "D", "BU05050002": "B"}
    assert got["BU05050001"].endswith("_D") and got["BU05050002"].endswith("_B")
