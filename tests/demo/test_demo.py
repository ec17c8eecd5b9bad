"""The embedded demo region Drechtsteden (ES18): loading, schematic geometry, idempotence, demo account."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import authenticate
from warmteregio.data.boundaries import import_boundaries
from warmteregio.demo import loader
from warmteregio.demo.loader import DEMO_EMAIL, DEMO_PASSWORD, load_demo
from warmteregio.store.models import Buurt, Gebouwgroep, Gemeente, ResRegio, User, Warmtebron

ES18 = {"GM0482", "GM0505", "GM0523", "GM0531", "GM0590", "GM0610", "GM0642"}
DATA = Path(loader.__file__).parent / "data"


def national_es18_buurten(shared_data: Path) -> set[str]:
    path = shared_data / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row["BU_CODE"] for row in csv.DictReader(fh) if "GM" + row["BU_CODE"][2:6] in ES18}


def hvc_available_heat(shared_data: Path) -> float:
    with open(shared_data / "warmtebronnen" / "ht_sources_high_potential.csv", encoding="utf-8-sig") as fh:
        return next(float(r["available_heat"]) for r in csv.DictReader(fh) if r["source_id"] == "HTHP0002")


def table_counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Gemeente, ResRegio, Buurt, Gebouwgroep, Warmtebron, User)
    }


def demo_buurten(session: Session) -> list[Buurt]:
    return list(
        session.scalars(select(Buurt).where(Buurt.gemeente_code.in_(ES18), Buurt.jaar == 2019).order_by(Buurt.code))
    )


def test_packaged_data_matches_manifest() -> None:
    manifest = json.loads((DATA / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["regio"] == "ES18"
    for name, info in manifest["files"].items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == info["sha256"], name
    listed = set(manifest["files"]) | {"MANIFEST.json"}
    assert {p.name for p in DATA.iterdir() if p.is_file()} == listed
    assert loader.verify_manifest() == []
    assert sum(info["bytes"] for info in manifest["files"].values()) < 2 * 1024 * 1024


def test_packaged_buurt_table_has_the_national_rows(shared_data: Path) -> None:
    assert set(loader.demo_buurt_codes()) == national_es18_buurten(shared_data)
    national = (shared_data / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv").read_bytes()
    packaged = (DATA / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv").read_bytes()
    assert packaged.splitlines()[0] == national.splitlines()[0]  # exact header


@pytest.mark.db
def test_load_demo(session: Session, shared_data: Path) -> None:
    result = load_demo(session)

    gemeenten = session.scalars(select(Gemeente).where(Gemeente.res_code == "ES18")).all()
    assert {g.code for g in gemeenten} == ES18
    assert result.gemeenten == 7
    assert session.scalar(select(func.count()).select_from(ResRegio)) == 30
    assert all(g.geometry is not None for g in gemeenten)

    expected = national_es18_buurten(shared_data)
    buurten = demo_buurten(session)
    assert {b.code for b in buurten} == expected
    assert result.buurten == len(expected) == 308

    boundaries = {g.code: shapely.from_wkb(g.geometry) for g in gemeenten}
    for b in buurten:
        assert b.geometry is not None, b.code
        assert b.geometry_schematisch is True
        assert b.geometry_bron and b.geometry_bron.startswith("schematisch")
        geom = shapely.from_wkb(b.geometry)
        assert geom.is_valid and geom.area > 0
        assert geom.difference(boundaries[b.gemeente_code]).area <= 1e-6 * geom.area, b.code
        assert b.naam
        assert b.centroid_x is not None
    assert result.schematisch == 308 and result.echte_grenzen == 0 and result.zonder_geometrie == []

    # per gemeente the cells cover the gemeente
    for gm, boundary in boundaries.items():
        cells = [shapely.from_wkb(b.geometry) for b in buurten if b.gemeente_code == gm]
        assert sum(c.area for c in cells) == pytest.approx(boundary.area, rel=1e-6)

    hvc = session.scalar(select(Warmtebron).where(Warmtebron.code == "HTHP0002"))
    assert hvc is not None and "Dordrecht" in hvc.naam
    assert hvc.beschikbaar_gj_per_jaar == pytest.approx(hvc_available_heat(shared_data))
    assert hvc.temperatuurklasse in ("HT", "MT")
    rwzi = session.scalars(select(Warmtebron.naam).where(Warmtebron.code.in_(["LTHP0234", "LTHP0041"]))).all()
    assert len(rwzi) == 2
    assert result.bronnen == session.scalar(select(func.count()).select_from(Warmtebron))

    assert session.scalar(select(func.count()).select_from(Gebouwgroep)) > 0
    user = authenticate(session, DEMO_EMAIL, DEMO_PASSWORD)
    assert user is not None and user.rol == "regiocoordinator" and user.res_code == "ES18"
    assert result.account_nieuw is True
    from warmteregio.demo.loader import DEMO_OFFICIALS, DEMO_PARTICIPANTS, GEMEENTEN

    assert len(DEMO_PARTICIPANTS) >= 2  # a workshop case needs several accounts
    assert sorted(gm for _e, _n, gm in DEMO_OFFICIALS) == sorted(GEMEENTEN)  # one programme editor per gemeente
    for email, _naam, gemeente in (*DEMO_PARTICIPANTS, *DEMO_OFFICIALS):
        deelnemer = authenticate(session, email, DEMO_PASSWORD)
        assert deelnemer is not None and deelnemer.rol == "gemeente" and deelnemer.gemeente_code == gemeente


@pytest.mark.db
def test_load_demo_is_idempotent(session: Session) -> None:
    first = load_demo(session)
    counts = table_counts(session)
    geoms = {b.code: b.geometry for b in demo_buurten(session)}
    second = load_demo(session)
    session.expire_all()
    assert table_counts(session) == counts
    for attr in ("gemeenten", "buurten", "bronnen", "schematisch", "echte_grenzen"):
        assert getattr(second, attr) == getattr(first, attr), attr
    assert {b.code: b.geometry for b in demo_buurten(session)} == geoms
    assert second.account_nieuw is False
    assert authenticate(session, DEMO_EMAIL, DEMO_PASSWORD) is not None


@pytest.mark.db
def test_real_boundary_is_never_overwritten(session: Session, tmp_path: Path) -> None:
    load_demo(session)
    buurt = session.scalar(select(Buurt).where(Buurt.code == "BU05050101", Buurt.jaar == 2019))
    assert buurt is not None and buurt.geometry_schematisch
    x, y = buurt.centroid_x, buurt.centroid_y
    square = shapely.box(x - 150, y - 150, x + 150, y + 150)
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"statcode": "BU05050101", "statnaam": "test", "jrstatcode": "2019BU05050101"},
                "geometry": json.loads(shapely.to_geojson(square)),
            }
        ],
    }
    path = tmp_path / "echte_buurtgrens.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    import_boundaries(session, path, jaar=2019)
    session.expire_all()
    buurt = session.scalar(select(Buurt).where(Buurt.code == "BU05050101", Buurt.jaar == 2019))
    assert buurt.geometry_schematisch is False
    real = buurt.geometry

    result = load_demo(session)
    session.expire_all()
    buurt = session.scalar(select(Buurt).where(Buurt.code == "BU05050101", Buurt.jaar == 2019))
    assert buurt.geometry_schematisch is False
    assert buurt.geometry == real
    assert result.echte_grenzen == 1 and result.schematisch == 307
    # the schematic neighbours are cut so that they do not overlap the real boundary
    for other in demo_buurten(session):
        if other.code != "BU05050101" and other.geometry is not None:
            assert shapely.from_wkb(other.geometry).intersection(square).area == pytest.approx(0, abs=1e-3)


def test_packaged_cbs_kenmerken_are_the_national_rows(shared_data: Path) -> None:
    name = "cbs_kwb_2021_gemeente_selectie_via_nlstat.csv"
    national = (shared_data / "gemeenten" / name).read_bytes().splitlines()
    packaged = (DATA / name).read_bytes().splitlines()
    assert packaged[0] == national[0]
    assert set(packaged[1:]) <= set(national[1:])
    assert {line.split(b",")[0].decode() for line in packaged[1:]} == ES18


@pytest.mark.db
def test_load_demo_loads_the_area_characteristics(session: Session) -> None:
    from warmteregio.store.models import Gebiedskenmerk

    result = load_demo(session)
    rows = session.scalars(select(Gebiedskenmerk).where(Gebiedskenmerk.gebied_code.in_(ES18))).all()
    by_key = {(r.gebied_code, r.kenmerk): r.waarde for r in rows}
    assert {code for code, _ in by_key} == ES18
    assert by_key[("GM0505", "aandeel_sociale_huur")] == pytest.approx(0.29)
    assert by_key[("GM0505", "gem_huishoudinkomen_eur")] == pytest.approx(32_300.0)
    assert by_key[("GM0523", "aandeel_koopwoningen")] == pytest.approx(0.66)
    assert ("GM0482", "aandeel_stadsverwarming") not in by_key  # not published by CBS for Alblasserdam
    assert result.kenmerken == len(rows) == 7 * 3 + 2  # district heating only for Dordrecht and Papendrecht
    again = load_demo(session)
    assert again.kenmerken == result.kenmerken
