"""The afweging service on a stored run: matrix from the database (results, area characteristics, heat sources,
user entries) with provenance, weighing, SMAA, explanations, entries with permissions and history, cache, CSV.
Both databases, on the small region of ``conftest`` (ES18, four buurten in GM0505)."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from warmteregio.engine.mcda import Constraint
from warmteregio.services import afweging, assessment
from warmteregio.store.models import Beoordelingsrun, Buurt, Gebiedskenmerk, User, Warmtebron

pytestmark = pytest.mark.db

CODES = ["BU05050101", "BU05050102", "BU05050103", "BU05050104"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    afweging.clear_cache()
    yield
    afweging.clear_cache()


@pytest.fixture
def run_id(regio: Engine, session: Session) -> int:
    run = assessment.start_run(session, "ES18", "vesta2020", None, 2030, {}, session.get(User, 1))
    session.commit()
    assert run.status == "klaar"
    return run.id


def add_user(session: Session, uid: int, rol: str, **kwargs) -> User:
    user = User(id=uid, email=f"u{uid}@example.nl", naam=f"Gebruiker {uid}", password_hash="-", rol=rol, **kwargs)
    session.add(user)
    session.flush()
    return user


def cell(cm, buurt: str, variant: str, criterium: str) -> tuple[float, str]:
    b = list(cm.dm.buurten).index(buurt)
    v = cm.dm.varianten.index(variant)
    c = cm.dm.criteria.index(criterium)
    return float(cm.dm.values[b, v, c]), str(cm.herkomst[b, v, c])


# ----------------------------------------------------------------------------------------------- the matrix


def test_matrix_from_the_database(run_id: int, session: Session):
    cm = afweging.criteria_matrix(session, run_id)
    assert list(cm.dm.buurten) == CODES
    assert "REF" not in cm.dm.varianten and "S1a" in cm.dm.varianten and "S2a" in cm.dm.varianten
    assert list(cm.dm.criteria) == [c.code for c in afweging.criteria_catalogue()]
    assert cm.herkomst.shape == cm.dm.values.shape
    assert {"berekend", "oordeel"} <= set(np.unique(cm.herkomst))
    # national extra cost per WEQ is the run's H18 column
    rows = assessment.results_for_run(session, run_id, buurt="BU05050101", strategie="S1a_B_LuchtWP").items
    value, herkomst = cell(cm, "BU05050101", "S1a", "nationale_meerkosten")
    assert value == pytest.approx(rows[0].h18_nat_meerkost_weq) and herkomst == "berekend"
    # without area characteristics affordability is unknown and filled neutrally
    assert cell(cm, "BU05050101", "S1a", "betaalbaarheid")[1] == "onbekend"
    sub = afweging.criteria_matrix(session, run_id, ["BU05050103"])
    assert list(sub.dm.buurten) == ["BU05050103"]
    assert np.array_equal(sub.dm.values[0], cm.dm.values[2], equal_nan=True)


def test_gemeente_kenmerk_reaches_its_buurten_and_buurt_level_wins(run_id: int, session: Session):
    session.add_all([
        Gebiedskenmerk(gebied_code="GM0505", kenmerk="aandeel_sociale_huur", peiljaar=2021, waarde=0.29, eenheid="0-1",
                       bron="CBS KWB 2021"),
        Gebiedskenmerk(gebied_code="GM0505", kenmerk="aandeel_sociale_huur", peiljaar=2019, waarde=0.99, eenheid="0-1",
                       bron="ouder"),
        Gebiedskenmerk(gebied_code="BU05050102", kenmerk="aandeel_sociale_huur", peiljaar=2020, waarde=0.6,
                       eenheid="0-1", bron="corporatie"),
        Gebiedskenmerk(gebied_code="GM0505", kenmerk="gem_huishoudinkomen_eur", peiljaar=2021, waarde=32_300.0,
                       eenheid="EUR/jr", bron="CBS KWB 2021"),
    ])  # fmt: skip
    session.commit()
    cm = afweging.criteria_matrix(session, run_id)
    heatnet = "S2a"
    assert cell(cm, "BU05050101", heatnet, "aandeel_sociale_huur") == (pytest.approx(0.29), "berekend")
    assert cell(cm, "BU05050104", heatnet, "aandeel_sociale_huur") == (pytest.approx(0.29), "berekend")
    assert cell(cm, "BU05050102", heatnet, "aandeel_sociale_huur") == (pytest.approx(0.6), "berekend")
    assert cell(cm, "BU05050101", "S1a", "betaalbaarheid")[1] == "berekend"
    info = afweging.matrix_info(session, run_id)
    assert info.kenmerken["BU05050101"]["aandeel_sociale_huur"][:2] == ("GM0505", 2021)
    assert info.kenmerken["BU05050102"]["aandeel_sociale_huur"][:2] == ("BU05050102", 2020)


def test_heat_sources_near_the_buurt_feed_heat_network_variants(run_id: int, session: Session):
    # buurten lie at x = 105000 + 600 i, y = 425000
    session.add_all([
        Warmtebron(code="AVI1", naam="Afvalcentrale", categorie="afvalverbranding", temperatuurklasse="HT",
                   beschikbaar_gj_per_jaar=1_000_000.0, x=110_000, y=425_000, status="bestaand"),
        Warmtebron(code="RWZI1", naam="RWZI", categorie="rwzi", temperatuurklasse="LT", beschikbaar_gj_per_jaar=5_000.0,
                   x=105_000, y=429_000, status="bestaand", buurten_in_bereik="BU05050104"),
        Warmtebron(code="OUD1", naam="Gesloten", categorie="industrie", temperatuurklasse="HT",
                   beschikbaar_gj_per_jaar=9e6, x=105_000, y=425_000, status="buiten_gebruik"),
    ])  # fmt: skip
    session.commit()
    info = afweging.matrix_info(session, run_id)
    assert info.bronnen[("BU05050101", "S2a")].bronnen == ("AVI1",)  # 5 km: within the 10 km of HT
    assert info.bronnen[("BU05050101", "S2a")].beschikbaar_gj == pytest.approx(1e6)
    assert ("BU05050101", "S1a") not in info.bronnen  # individual heat pump: no source
    assert ("BU05050101", "S3b") not in info.bronnen  # the LT source is 4 km away (LT reach 3 km)
    assert info.bronnen[("BU05050104", "S3b")].bronnen == ("RWZI1",)  # but it lists BU05050104 in range
    cm = afweging.criteria_matrix(session, run_id)
    assert cell(cm, "BU05050101", "S2a", "bron_capaciteit") == (pytest.approx(1.0), "berekend")
    assert cell(cm, "BU05050101", "S3b", "bron_capaciteit")[1] == "onbekend"
    small, herkomst = cell(cm, "BU05050104", "S3b", "bron_capaciteit")
    assert herkomst == "berekend" and 0 < small < 1  # 5 000 GJ cannot feed the whole buurt


def test_user_entry_supersedes_and_withdraws_with_history(run_id: int, session: Session):
    coordinator = session.get(User, 1)
    first = afweging.matrix_info(session, run_id)
    cm = afweging.criteria_matrix(session, run_id)
    assert cell(cm, "BU05050101", "S2a", "eigendom")[1] == "oordeel"
    e1 = afweging.enter_value(session, coordinator, "BU05050101", "S2a", "eigendom", 0.2, "warmtebedrijf is privaat")
    session.commit()
    cm2 = afweging.criteria_matrix(session, run_id)
    assert cm2 is not cm
    assert cell(cm2, "BU05050101", "S2a", "eigendom") == (pytest.approx(0.2), "invoer")
    assert cell(cm2, "BU05050102", "S2a", "eigendom")[1] == "oordeel"  # other buurten untouched
    e2 = afweging.enter_value(session, coordinator, "BU05050101", "S2a", "eigendom", 0.9, "gemeente neemt aandeel")
    session.commit()
    assert cell(afweging.criteria_matrix(session, run_id), "BU05050101", "S2a", "eigendom")[0] == pytest.approx(0.9)
    session.refresh(e1)
    assert e1.vervangen_door_id == e2.id
    assert [e.id for e in afweging.list_entries(session, "BU05050101")] == [e2.id]
    assert [e.id for e in afweging.list_entries(session, "BU05050101", with_history=True)] == [e2.id, e1.id]
    # a '*' entry applies to every variant of the buurt
    afweging.enter_value(session, coordinator, "BU05050103", "*", "overlast", 5, "bouwverkeer door smalle straten")
    session.commit()
    cm3 = afweging.criteria_matrix(session, run_id)
    assert {cell(cm3, "BU05050103", v, "overlast") for v in ("S1a", "S2a", "S4d")} == {(5.0, "invoer")}

    afweging.withdraw_value(session, coordinator, e2.id)
    session.commit()
    assert cell(afweging.criteria_matrix(session, run_id), "BU05050101", "S2a", "eigendom")[1] == "oordeel"
    history = afweging.list_entries(session, "BU05050101", with_history=True)
    assert [(e.id, e.ingetrokken) for e in history] == [(e2.id, True), (e1.id, False)]
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.withdraw_value(session, coordinator, e2.id)
    assert info.value.status == 409
    assert first.run_id == run_id


def test_entry_permissions(run_id: int, session: Session):
    admin = session.get(User, 2)
    viewer = add_user(session, 10, "viewer")
    own = add_user(session, 11, "gemeente", gemeente_code="GM0505")
    other = add_user(session, 12, "gemeente", gemeente_code="GM1963")
    elsewhere = add_user(session, 13, "regiocoordinator", res_code="ES17")
    args = ("BU05050102", "S1a", "overlast", 3.0, "toelichting")
    for user in (viewer, other, elsewhere):
        with pytest.raises(afweging.AfwegingError) as info:
            afweging.enter_value(session, user, *args)
        assert info.value.status == 403 and "BU05050102" in info.value.nl and "BU05050102" in info.value.en
    entry = afweging.enter_value(session, own, *args)
    assert entry.door_id == own.id
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.withdraw_value(session, viewer, entry.id)
    assert info.value.status == 403
    afweging.enter_value(session, session.get(User, 1), *args)
    afweging.enter_value(session, admin, *args)
    session.commit()
    assert len(afweging.list_entries(session, "BU05050102", with_history=True)) == 3


@pytest.mark.parametrize("args,status,fragment", [
    (("BU99990101", "S1a", "overlast", 3.0, "x"), 404, "BU99990101"),
    (("BU05050101", "S9z", "overlast", 3.0, "x"), 400, "S9z"),
    (("BU05050101", "S1a", "bestaat_niet", 3.0, "x"), 400, "bestaat_niet"),
    (("BU05050101", "S1a", "overlast", 9.0, "x"), 400, "1..5"),
    (("BU05050101", "S1a", "eigendom", 1.5, "x"), 400, "0..1"),
    (("BU05050101", "S1a", "overlast", math.nan, "x"), 400, "getal"),
    (("BU05050101", "S1a", "overlast", 3.0, "  "), 400, "toelichting"),
])  # fmt: skip
def test_bad_entries_are_refused(run_id: int, session: Session, args, status, fragment):
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.enter_value(session, session.get(User, 2), *args)
    assert info.value.status == status
    assert fragment in info.value.nl and info.value.en
    assert afweging.list_entries(session, with_history=True) == []


# ------------------------------------------------------------------------------------------------ weighing


def test_weights_change_the_ranking(run_id: int, session: Session):
    default = afweging.weigh(session, run_id)
    assert sum(default.gewichten.values()) == pytest.approx(1.0)
    assert default.gewichten == pytest.approx(afweging.default_weights())
    cost = afweging.weigh(session, run_id, {"nationale_meerkosten": 2.0})
    assert cost.gewichten["nationale_meerkosten"] == 1.0 and cost.gewichten["co2_reductie"] == 0.0
    dm = cost.cm.dm
    c = dm.criteria.index("nationale_meerkosten")
    for b in range(len(dm.buurten)):
        h18 = np.where(dm.available[b], dm.values[b, :, c], np.inf)
        assert cost.ranking.winner[b] == int(np.argmin(h18))  # lowest national cost wins
    co2 = afweging.weigh(session, run_id, {"co2_reductie": 1.0})
    winners = lambda w: [w.cm.dm.varianten[i] for i in w.ranking.winner]  # noqa: E731
    assert winners(cost) != winners(co2)
    restricted = afweging.weigh(session, run_id, {"nationale_meerkosten": 1, "co2_reductie": 1}, "topsis",
                                criteria=["nationale_meerkosten", "co2_reductie"], varianten=["S1a", "S2a", "S4d"],
                                buurten=["BU05050102"])  # fmt: skip
    assert restricted.cm.dm.shape == (1, 3, 2) and restricted.methode == "topsis"
    assert restricted.cm.herkomst.shape == (1, 3, 2)


def test_constraints_exclude_variants(run_id: int, session: Session):
    free = afweging.weigh(session, run_id)
    winner = free.cm.dm.varianten[free.ranking.winner[0]]
    threshold = cell(free.cm, "BU05050101", winner, "nationale_meerkosten")[0]
    limited = afweging.weigh(session, run_id, beperkingen=[Constraint("nationale_meerkosten", "<", threshold)])
    assert not limited.ranking.available[0, free.cm.dm.varianten.index(winner)]
    assert limited.cm.dm.varianten[limited.ranking.winner[0]] != winner


@pytest.mark.parametrize("kwargs,status", [
    ({"gewichten": {"onbekend": 1.0}}, 400),
    ({"gewichten": {"overlast": -1.0}}, 400),
    ({"gewichten": {"overlast": 0.0}}, 400),
    ({"methode": "elektre"}, 400),
    ({"beperkingen": [Constraint("overlast", "==", 1.0)]}, 400),
    ({"beperkingen": [Constraint("onbekend", ">=", 1.0)]}, 400),
    ({"buurten": ["BU99990101"]}, 404),
    ({"varianten": ["S9z"]}, 400),
    ({"criteria": ["onbekend"]}, 400),
])  # fmt: skip
def test_bad_weighing_requests(run_id: int, session: Session, kwargs, status):
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.weigh(session, run_id, **kwargs)
    assert info.value.status == status and info.value.nl and info.value.en


def test_unknown_and_unfinished_runs(regio: Engine, session: Session):
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.weigh(session, 999)
    assert info.value.status == 404
    run = Beoordelingsrun(regio_code="ES18", zichtjaar=2030, parameterset_naam="x", parameterset_versie="1",
                          code_versie="0", status="bezig")  # fmt: skip
    session.add(run)
    session.commit()
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.criteria_matrix(session, run.id)
    assert info.value.status == 409 and "bezig" in info.value.nl


def test_parsers():
    assert afweging.parse_weights("overlast:0.3,co2_reductie:0.2") == {"overlast": 0.3, "co2_reductie": 0.2}
    assert afweging.parse_weights(["overlast=1", "co2_reductie=2"]) == {"overlast": 1.0, "co2_reductie": 2.0}
    assert afweging.parse_weights("") is None
    for bad in ("overlast", "overlast:x", "overlast:1,overlast:2"):
        with pytest.raises(afweging.AfwegingError):
            afweging.parse_weights(bad)
    assert afweging.parse_constraint("bron_capaciteit>=1") == Constraint("bron_capaciteit", ">=", 1.0)
    assert afweging.parse_constraint(" overlast < 2,5") == Constraint("overlast", "<", 2.5)
    with pytest.raises(afweging.AfwegingError):
        afweging.parse_constraint("overlast=>2")


def test_cache_reuses_the_matrix_until_something_changes(run_id: int, session: Session):
    a = afweging.criteria_matrix(session, run_id)
    assert afweging.criteria_matrix(session, run_id) is a
    assert afweging.weigh(session, run_id).cm is a
    session.add(Gebiedskenmerk(gebied_code="GM0505", kenmerk="netcongestie", peiljaar=2025, waarde=1.0, eenheid="0/1",
                               bron="netbeheerder"))  # fmt: skip
    session.commit()
    b = afweging.criteria_matrix(session, run_id)
    assert b is not a
    assert cell(b, "BU05050101", "S1a", "piekbelasting_congestie")[1] == "berekend"


def test_area_is_estimated_from_centroids_without_geometry(run_id: int, session: Session):
    for b in session.query(Buurt).all():
        b.geometry = None
    session.commit()
    info = afweging.matrix_info(session, run_id)
    assert info.oppervlakte_geschat == frozenset(CODES)
    cm = afweging.criteria_matrix(session, run_id)
    assert cell(cm, "BU05050101", "S2a", "warmtedichtheid")[1] == "berekend"


# ------------------------------------------------------------------------------------ robustness, explanation


def test_smaa_shapes_and_sums(run_id: int, session: Session):
    rob = afweging.robustness(session, run_id, n_samples=300, seed=3)
    dm, s = rob.cm.dm, rob.smaa
    b, v, c = dm.shape
    assert s.acceptability.shape == (b, v, v) and s.central_weights.shape == (b, v, c)
    assert s.confidence.shape == (b, v) and s.tied.shape == (b, v) and s.winner.shape == (b,)
    assert np.allclose(s.acceptability[:, :, 0].sum(axis=1), 1.0)
    assert np.allclose(s.acceptability.sum(axis=2)[dm.available], 1.0)
    for i in range(b):
        assert s.tied[i, s.winner[i]]
    assert rob.flip is not None and rob.flip.per_criterion.shape == (b, c)
    again = afweging.robustness(session, run_id, n_samples=300, seed=3)
    assert np.array_equal(again.smaa.acceptability, s.acceptability)
    one = afweging.robustness(session, run_id, n_samples=300, seed=3, buurten=["BU05050103"], onzekerheid=False)
    assert one.smaa.acceptability.shape == (1, v, v)
    with pytest.raises(afweging.AfwegingError):
        afweging.robustness(session, run_id, n_samples=0)
    with pytest.raises(afweging.AfwegingError):
        afweging.robustness(session, run_id, n_samples=10, bereiken={"overlast": (0.8, 0.2)})
    ranged = afweging.robustness(session, run_id, n_samples=200, bereiken={"nationale_meerkosten": (0.5, 1.0)})
    assert ranged.smaa.acceptability.shape == (b, v, v)


def test_explanation_names_the_winner(run_id: int, session: Session):
    (u,) = afweging.explain_buurten(session, run_id, buurten=["BU05050102"], n_samples=200)
    winner = afweging.weigh(session, run_id, buurten=["BU05050102"])
    code = winner.cm.dm.varianten[winner.ranking.winner[0]]
    assert u.buurt_code == "BU05050102" and u.winnaar == code
    assert code in u.tekst_nl and code in u.tekst_en
    assert u.robuustheid is not None and 0 <= u.robuustheid <= 1


# ---------------------------------------------------------------------------------------------------- export


def test_csv_export_with_herkomst(run_id: int, session: Session):
    afweging.enter_value(session, session.get(User, 1), "BU05050104", "S2a", "eigendom", 0.3, "besluit raad 2025")
    session.commit()
    cm = afweging.criteria_matrix(session, run_id)
    text = afweging.criteria_csv(session, run_id)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == cm.dm.values.size
    assert list(rows[0]) == list(afweging.EXPORT_COLUMNS)
    entered = [r for r in rows if r["herkomst"] == "invoer"]
    assert len(entered) == 1
    assert (entered[0]["buurt_code"], entered[0]["variant"], entered[0]["criterium"]) == ("BU05050104", "S2a",
                                                                                          "eigendom")
    assert float(entered[0]["waarde"]) == 0.3 and "besluit raad 2025" in entered[0]["toelichting"]
    assert "Co Ördinator" in entered[0]["toelichting"]
    assert {r["herkomst"] for r in rows} >= {"berekend", "oordeel", "invoer"}


def test_resolve_run(run_id: int, session: Session):
    assert afweging.resolve_run(session, None, "es18") == run_id
    with pytest.raises(afweging.AfwegingError) as info:
        afweging.resolve_run(session, None, "ES17")
    assert info.value.status == 404


def test_smaa_respects_must_haves_and_explanations_share_one_smaa(run_id: int, session: Session):
    """A must-have excludes variants before sampling (they are never first and never ranked); the buurt page's
    explanation and chart come from one SMAA run."""
    free = afweging.robustness(session, run_id, n_samples=300, seed=1)
    c = list(free.cm.dm.criteria).index("nationale_meerkosten")
    values = free.cm.dm.values[:, :, c][free.cm.dm.available]
    must = Constraint("nationale_meerkosten", "<=", float(np.median(values)))
    bound = afweging.robustness(session, run_id, n_samples=300, seed=1, beperkingen=[must])
    excluded = free.cm.dm.available & ~bound.cm.dm.available
    assert excluded.any()
    assert np.all(bound.smaa.acceptability[excluded] == 0)
    code = str(free.cm.dm.buurten[0])
    uitleg, rob = afweging.explain_with_robustness(session, run_id, buurten=[code], n_samples=300)
    assert len(uitleg) == 1 and rob.smaa.acceptability.shape[0] == 1
    assert uitleg[0].robuustheid == pytest.approx(rob.smaa.first[0, rob.smaa.winner[0]])
