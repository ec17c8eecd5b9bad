"""The heat-source registry service: versioning, optimistic locking, permissions, validation (nl/en), never
half-written, region selection and the allocation record. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from warmteregio.services import bronnen
from warmteregio.services.bronnen import BronError
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import User, Warmtebron, WarmtebronVersie

pytestmark = pytest.mark.db

# Region ES18 of tests/services/conftest.py: four buurten around (105000..107050, 425000).
HVC = {
    "code": "HVC1",
    "naam": "Afvalcentrale",
    "categorie": "afvalverbranding",
    "temperatuurklasse": "HT",
    "x": 110212.0,
    "y": 425400.0,
    "status": "bestaand",
    "beschikbaar_gj_per_jaar": "1235769,696",  # a Dutch decimal comma, as typed in a form
}
FAR = {**HVC, "code": "VER1", "naam": "Ver weg", "x": 190000.0, "y": 500000.0}


@pytest.fixture
def s(regio: Engine) -> Session:
    with make_sessionmaker(regio)() as session:
        yield session


def users(s: Session) -> tuple[User, User]:
    return s.get(User, 1), s.get(User, 2)  # coordinator of ES18, admin


def versions(s: Session, code: str) -> list[WarmtebronVersie]:
    w = s.scalar(select(Warmtebron).where(Warmtebron.code == code))
    return list(s.scalars(select(WarmtebronVersie).where(WarmtebronVersie.warmtebron_id == w.id)
                          .order_by(WarmtebronVersie.versie)))  # fmt: skip


def test_create_writes_version_one_with_snapshot_and_user(s: Session):
    coord, _ = users(s)
    w = bronnen.create_source(
        s,
        HVC,
        user=coord,
        reden="nieuw in register",
        bewijs={"beschikbaar_gj_per_jaar": {"bron": "ETM warmtemodule", "url": "https://x.nl/a"}},
    )
    s.commit()
    assert w.versie == 1 and w.beschikbaar_gj_per_jaar == pytest.approx(1235769.696)
    assert w.gewijzigd_door_id == coord.id
    (v,) = versions(s, "HVC1")
    assert (v.versie, v.actie, v.reden, v.door_id) == (1, "aangemaakt", "nieuw in register", coord.id)
    data = json.loads(v.gegevens)
    assert data["naam"] == "Afvalcentrale" and data["bewijs"]["beschikbaar_gj_per_jaar"]["bron"] == "ETM warmtemodule"
    changes = json.loads(v.wijzigingen)
    assert changes["naam"] == [None, "Afvalcentrale"]
    assert changes["bewijs.beschikbaar_gj_per_jaar"][0] is None


def test_update_versions_changes_and_ignores_no_op(s: Session):
    coord, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    w = bronnen.update_source(s, "HVC1", {"eindjaar": "2035", "temperatuur_c": 110}, user=coord,
                              reden="contract loopt af", expected_version=1,
                              bewijs={"eindjaar": {"bron": "aanname demo", "toelichting": "scenario"}})  # fmt: skip
    s.commit()
    assert (w.versie, w.eindjaar, w.temperatuur_c) == (2, 2035, 110.0)
    v2 = versions(s, "HVC1")[-1]
    assert v2.actie == "gewijzigd" and v2.reden == "contract loopt af" and v2.door_id == coord.id
    changes = json.loads(v2.wijzigingen)
    assert changes["eindjaar"] == [None, 2035] and changes["temperatuur_c"] == [None, 110.0]
    assert changes["bewijs.eindjaar"] == [None, {"bron": "aanname demo", "toelichting": "scenario"}]
    assert set(changes) == {"eindjaar", "temperatuur_c", "bewijs.eindjaar"}
    # the same values again: nothing changes, no new version
    bronnen.update_source(s, "HVC1", {"eindjaar": 2035}, user=coord, reden="nogmaals")
    s.commit()
    assert len(versions(s, "HVC1")) == 2
    history = bronnen.source_history(s, "HVC1")
    assert [h.versie for h in history] == [2, 1]
    assert history[0].door == "Co Ördinator" and history[0].gegevens["eindjaar"] == 2035


def test_conflict_when_version_is_stale_and_nothing_written(s: Session):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    bronnen.update_source(s, "HVC1", {"capaciteit_mw": 40}, user=admin, reden="a", expected_version=1)
    s.commit()
    with pytest.raises(BronError) as exc:
        bronnen.update_source(s, "HVC1", {"capaciteit_mw": 50}, user=admin, reden="b", expected_version=1)
    s.rollback()
    assert exc.value.conflict and exc.value.status == 409
    assert "versie 1" in exc.value.nl and "version 1" in exc.value.en
    w = bronnen.get_source(s, "HVC1")
    assert (w.capaciteit_mw, w.versie) == (40.0, 2)


@pytest.mark.parametrize(
    ("changes", "field", "nl", "en"),
    [
        ({"temperatuur_c": 250}, "temperatuur_c", "aanvoertemperatuur: 250 °C is groter dan het maximum 200 °C",
         "supply temperature: 250 °C is above the maximum 200 °C"),
        ({"betrouwbaarheid": "1,5"}, "betrouwbaarheid", "betrouwbaarheid: 1.5 is groter dan het maximum 1",
         "reliability: 1.5 is above the maximum 1"),
        ({"beschikbaar_gj_per_jaar": -1}, "beschikbaar_gj_per_jaar", "kleiner dan het minimum 0", "below the minimum"),
        ({"capaciteit_mw": "veel"}, "capaciteit_mw", "capaciteit: geen getal", "capacity: not a number"),
        ({"startjaar": 2040, "eindjaar": 2030}, "eindjaar", "ligt vóór het startjaar 2040", "before the start year"),
        ({"startjaar": 1850}, "startjaar", "kleiner dan het minimum 1900", "below the minimum 1900"),
        ({"eindjaar": "2030.5"}, "eindjaar", "geen geheel jaartal", "not a whole year"),
        ({"categorie": "kolencentrale"}, "categorie", "onbekende waarde 'kolencentrale'", "unknown value"),
        ({"temperatuurklasse": "XT"}, "temperatuurklasse", "kies uit HT, MT, LT, ZLT", "choose from HT, MT, LT, ZLT"),
        ({"x": 400000, "y": 52.0}, "x", "buiten Nederland in RD New", "outside the Netherlands in RD New"),
        ({"gemeente_code": "Dordrecht"}, "gemeente_code", "gemeente", "gemeente"),
        ({"booster_nodig": "misschien"}, "booster_nodig", "geen ja/nee-waarde", "not a yes/no value"),
        ({"naam": ""}, "naam", "naam is verplicht", "name is required"),
        ({"kleur": "rood"}, "kleur", "onbekend veld 'kleur'", "unknown field 'kleur'"),
    ],
)  # fmt: skip
def test_validation_names_the_field_in_dutch_and_english(s: Session, changes, field, nl, en):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    s.commit()
    with pytest.raises(BronError) as exc:
        bronnen.update_source(s, "HVC1", changes, user=admin, reden="test")
    s.rollback()
    assert exc.value.field == field and exc.value.status == 400
    assert nl in exc.value.nl and en in exc.value.en
    assert len(versions(s, "HVC1")) == 1 and bronnen.get_source(s, "HVC1").versie == 1


def test_create_rejects_everything_wrong_at_once_and_writes_nothing(s: Session):
    _, admin = users(s)
    bad = {**HVC, "temperatuur_c": "heet", "betrouwbaarheid": 2, "startjaar": 2050, "eindjaar": 2040}
    with pytest.raises(BronError) as exc:
        bronnen.create_source(s, bad, user=admin)
    s.rollback()
    assert {p[0] for p in exc.value.problems} == {"temperatuur_c", "betrouwbaarheid", "eindjaar"}
    assert s.scalar(select(func.count(Warmtebron.id))) == 0
    assert s.scalar(select(func.count(WarmtebronVersie.id))) == 0


def test_reason_and_evidence_are_checked(s: Session):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    with pytest.raises(BronError, match="reden") as exc:
        bronnen.update_source(s, "HVC1", {"capaciteit_mw": 3}, user=admin, reden="  ")
    assert exc.value.field == "reden" and "reason" in exc.value.en
    with pytest.raises(BronError, match="noem de bron"):
        bronnen.update_source(s, "HVC1", {}, user=admin, reden="x", bewijs={"capaciteit_mw": {"toelichting": "t"}})
    with pytest.raises(BronError, match="http"):
        bronnen.update_source(s, "HVC1", {}, user=admin, reden="x",
                              bewijs={"capaciteit_mw": {"bron": "b", "url": "javascript:alert(1)"}})  # fmt: skip
    with pytest.raises(BronError, match="onbekend veld"):
        bronnen.update_source(s, "HVC1", {}, user=admin, reden="x", bewijs={"kleur": {"bron": "b"}})


def test_duplicate_code_is_a_conflict(s: Session):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    with pytest.raises(BronError) as exc:
        bronnen.create_source(s, HVC, user=admin)
    assert exc.value.conflict and exc.value.field == "code"
    with pytest.raises(BronError, match="ongeldige broncode"):
        bronnen.create_source(s, {**HVC, "code": "a b"}, user=admin)


def test_retire_and_restore_keep_the_source_and_its_previous_status(s: Session):
    coord, _ = users(s)
    bronnen.create_source(s, HVC, user=coord)
    with pytest.raises(BronError, match="reden"):
        bronnen.retire_source(s, "HVC1", user=coord, reden="")
    w = bronnen.retire_source(s, "HVC1", user=coord, reden="sluit in 2035", expected_version=1)
    s.commit()
    assert (w.status, w.versie) == ("buiten_gebruik", 2)
    with pytest.raises(BronError) as exc:
        bronnen.retire_source(s, "HVC1", user=coord, reden="nog eens")
    assert exc.value.conflict
    assert [b.code for b in bronnen.sources_for_region(s, "ES18")] == []
    assert [b.code for b in bronnen.sources_for_region(s, "ES18", include_retired=True)] == ["HVC1"]
    w = bronnen.restore_source(s, "HVC1", user=coord, reden="toch open")
    s.commit()
    assert (w.status, w.versie) == ("bestaand", 3)
    acties = [v.actie for v in versions(s, "HVC1")]
    assert acties == ["aangemaakt", "buiten_gebruik", "hersteld"]
    with pytest.raises(BronError, match="buiten gebruik stellen"):
        bronnen.update_source(s, "HVC1", {"status": "buiten_gebruik"}, user=coord, reden="x")


def test_permissions(s: Session):
    coord, admin = users(s)
    gemeente = User(id=3, email="gm@example.nl", naam="Gemeente", password_hash="-", rol="gemeente",
                    gemeente_code="GM0505")  # fmt: skip
    other = User(id=4, email="co17@example.nl", naam="Ander", password_hash="-", rol="regiocoordinator",
                 res_code="ES17")  # fmt: skip
    s.add_all([gemeente, other])
    s.flush()
    assert bronnen.can_edit_sources(admin, None) and bronnen.can_edit_sources(coord, "ES18")
    assert not bronnen.can_edit_sources(coord, "ES17") and not bronnen.can_edit_sources(gemeente, "ES18")
    assert not bronnen.can_edit_sources(None, "ES18")
    # a coordinator creates and edits only within reach of her region
    with pytest.raises(BronError) as exc:
        bronnen.create_source(s, FAR, user=coord)
    assert exc.value.forbidden and exc.value.status == 403
    bronnen.create_source(s, FAR, user=admin)
    bronnen.create_source(s, HVC, user=coord)
    for user in (coord, gemeente, other):
        with pytest.raises(BronError) as exc:
            bronnen.update_source(s, "VER1", {"capaciteit_mw": 1}, user=user, reden="x")
        assert exc.value.forbidden
    for user in (gemeente, other):
        with pytest.raises(BronError):
            bronnen.retire_source(s, "HVC1", user=user, reden="x")
    with pytest.raises(BronError, match="buiten het bereik"):
        bronnen.update_source(s, "HVC1", {"x": 190000, "y": 500000}, user=coord, reden="verplaatst")
    with pytest.raises(BronError) as exc:
        bronnen.update_source(s, "HVC1", {"capaciteit_mw": 1}, user=None, reden="x")
    assert exc.value.forbidden
    bronnen.update_source(s, "VER1", {"capaciteit_mw": 1}, user=admin, reden="beheer")


def test_gemeente_from_location(s: Session):
    _, admin = users(s)
    # no gemeente geometries in this region: the nearest buurt centroid within 2.5 km gives the gemeente
    w = bronnen.create_source(s, {**HVC, "code": "B1", "x": 105100.0, "y": 425300.0}, user=admin)
    assert w.gemeente_code == "GM0505"
    w = bronnen.create_source(s, {**HVC, "code": "B2", "x": 150000.0, "y": 425000.0}, user=admin)
    assert w.gemeente_code is None
    w = bronnen.update_source(s, "B2", {"x": 105700.0}, user=admin, reden="verplaatst")
    assert w.gemeente_code == "GM0505"
    # a form posts every field: the unchanged gemeente is derived again when the source moves
    w = bronnen.update_source(s, "B2", {"x": 150000.0, "gemeente_code": "GM0505"}, user=admin, reden="terug")
    assert w.gemeente_code is None
    w = bronnen.create_source(s, {**HVC, "code": "B3", "gemeente_code": "gm0590"}, user=admin)
    assert w.gemeente_code == "GM0590"


def test_region_selection_and_record(s: Session):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin)
    bronnen.create_source(s, FAR, user=admin)
    bronnen.create_source(s, {**HVC, "code": "LT1", "temperatuurklasse": "LT", "categorie": "datacenter"}, user=admin)
    assert [w.code for w in bronnen.sources_for_region(s, "ES18")] == ["HVC1", "LT1"]
    assert [w.code for w in bronnen.sources_for_region(s, "ES18", straal_m=1000)] == []
    w = bronnen.update_source(s, "HVC1", {"eindjaar": 2035, "warmteprijs_eur_gj": 6.5}, user=admin, reden="r")
    rec = bronnen.source_record(w)
    assert (rec.code, rec.eindjaar, rec.warmteprijs_eur_gj, rec.status) == ("HVC1", 2035, 6.5, "bestaand")
    assert rec.booster_nodig is None  # never stated: the allocation's default applies
    lt = bronnen.update_source(s, "LT1", {"temperatuur_c": 45}, user=admin, reden="gemeten")
    assert bronnen.source_record(lt).booster_nodig is False
    lt = bronnen.update_source(s, "LT1", {"booster_nodig": "ja"}, user=admin, reden="warmtepomp")
    assert bronnen.source_record(lt).booster_nodig is True


def test_exports_round_trip_columns(s: Session):
    _, admin = users(s)
    bronnen.create_source(s, HVC, user=admin, bewijs={"categorie": {"bron": "naam"}})
    items = bronnen.list_sources(s, bronnen.BronFilter(regio="ES18"))
    text = bronnen.export_csv(items)
    header, row = text.splitlines()[:2]
    assert header.split(",") == list(bronnen.EXPORT_COLUMNS)
    assert row.startswith("HVC1,Afvalcentrale,afvalverbranding,,HT,,false,1235769.696,")
    geo = json.loads(bronnen.export_geojson(items))
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert 4.6 < lon < 4.8 and 51.7 < lat < 51.9
    assert geo["features"][0]["properties"]["bewijs"] == {"categorie": {"bron": "naam"}}


def test_source_from_before_the_registry_gets_a_baseline_version(s: Session):
    _, admin = users(s)
    s.add(Warmtebron(code="OUD1", naam="Oud", categorie="industrie", temperatuurklasse="MT", x=105000.0, y=425000.0,
                     status="potentieel"))  # fmt: skip
    s.commit()
    w = bronnen.update_source(s, "OUD1", {"capaciteit_mw": 4}, user=admin, reden="eerste wijziging")
    s.commit()
    assert w.versie == 2
    first, second = versions(s, "OUD1")
    assert (first.versie, first.actie, first.reden) == (1, "geimporteerd", bronnen.BASELINE_REASON)
    assert json.loads(first.gegevens)["capaciteit_mw"] is None
    assert json.loads(second.wijzigingen) == {"capaciteit_mw": [None, 4.0]}
