"""The heat-source importer as a registry importer: XLSX and GeoPackage input, versions only for new or changed
sources, user edits never silently overwritten, the registry format round trip, and refused files writing
nothing. Real files from ../shared/data/warmtebronnen; SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.sources import GJ_PER_MW_YEAR, import_heat_sources, infer_from_filename
from warmteregio.services import bronnen
from warmteregio.store.models import Warmtebron, WarmtebronVersie

pytestmark = pytest.mark.db

HT_CSV = "ht_sources_high_potential.csv"


def n_versions(session) -> int:
    return session.scalar(select(func.count(WarmtebronVersie.id)))


def source(session, code: str) -> Warmtebron:
    return session.scalars(select(Warmtebron).where(Warmtebron.code == code)).one()


def test_import_writes_first_versions_and_reimport_changes_nothing(session, shared_data):
    result = import_heat_sources(session, shared_data / "warmtebronnen" / HT_CSV, gebruiker="test")
    session.commit()
    assert (result.rows, result.inserted, result.updated) == (103, 103, 0)
    assert n_versions(session) == 103
    hvc = source(session, "HTHP0002")
    (v,) = hvc.versies
    assert (v.versie, v.actie, v.reden, hvc.versie) == (1, "geimporteerd", f"import {HT_CSV} door/by test", 1)
    assert json.loads(v.gegevens)["beschikbaar_gj_per_jaar"] == pytest.approx(1235769.696)
    evidence = json.loads(hvc.bewijs)
    assert evidence["beschikbaar_gj_per_jaar"]["bron"].endswith(HT_CSV)
    assert "heuristiek" in evidence["categorie"]["toelichting"]
    again = import_heat_sources(session, shared_data / "warmtebronnen" / HT_CSV)
    session.commit()
    assert (again.inserted, again.updated) == (0, 0)
    assert "103 bronnen ongewijzigd" in again.notes[0]
    assert n_versions(session) == 103 and source(session, "HTHP0002").versie == 1


def test_geopackage_converts_mw_to_gj_and_matches_the_csv(session, shared_data):
    result = import_heat_sources(session, shared_data / "warmtebronnen" / "etm_wm_HTHP.gpkg")
    session.commit()
    assert (result.rows, result.inserted) == (103, 103)
    hvc = source(session, "HTHP0002")
    assert hvc.beschikbaar_gj_per_jaar == pytest.approx(39.186 * GJ_PER_MW_YEAR)
    assert hvc.beschikbaar_gj_per_jaar == pytest.approx(1235769.696)
    assert (hvc.naam, hvc.temperatuurklasse, hvc.potentie, hvc.categorie) == (
        "HVC Afvalcentrale Dordrecht", "HT", "hoog", "afvalverbranding")  # fmt: skip
    assert "MW" in json.loads(hvc.bewijs)["beschikbaar_gj_per_jaar"]["toelichting"]
    # the CSV holds the same figures: only the evidence (file name) changes, the values stay
    csv = import_heat_sources(session, shared_data / "warmtebronnen" / HT_CSV)
    session.commit()
    assert csv.inserted == 0
    v2 = source(session, "HTHP0002").versies[-1]
    assert {k for k in json.loads(v2.wijzigingen) if not k.startswith("bewijs.")} == {"bron"}


def test_geopackage_without_names_and_heat(session, shared_data):
    result = import_heat_sources(session, shared_data / "warmtebronnen" / "etm_wm_GEOLP.gpkg")
    assert result.rows == 13
    geo = source(session, "GEOLP0001")
    assert (geo.naam, geo.categorie, geo.temperatuurklasse, geo.potentie) == (
        "Geothermie GEOLP0001", "geothermie", "HT", "laag")  # fmt: skip
    assert geo.beschikbaar_gj_per_jaar is None
    assert infer_from_filename("etm_wm_TEOHP.gpkg") == {
        "temperatuurklasse": "ZLT", "categorie": "aquathermie_teo", "potentie": "hoog"}  # fmt: skip


def _xlsx(path, header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_in_the_etm_format(session, tmp_path):
    path = _xlsx(tmp_path / "lt_sources_high_potential.xlsx",
                 ["fid", "source_name", "available_heat", "source_id", "geo_coordinate_x", "geo_coordinate_y"],
                 [[1, "RWZI Dordrecht", 41000.5, "LTX1", 107000, 424000], [2, "Datacenter", 999999, "LTX2", 107500,
                                                                           424100]])  # fmt: skip
    result = import_heat_sources(session, path)
    assert (result.rows, result.inserted) == (2, 2)
    assert source(session, "LTX1").beschikbaar_gj_per_jaar == 41000.5
    assert source(session, "LTX1").categorie == "rwzi"
    assert source(session, "LTX2").beschikbaar_gj_per_jaar is None  # placeholder
    assert (source(session, "LTX2").temperatuurklasse, source(session, "LTX2").potentie) == ("LT", "hoog")


def test_user_edits_survive_a_reimport_and_are_reported(session, shared_data):
    path = shared_data / "warmtebronnen" / HT_CSV
    import_heat_sources(session, path)
    bronnen.update_source(session, "HTHP0002", {"status": "bestaand", "beschikbaar_gj_per_jaar": 900000},
                          user=None, reden="jaarverslag", system=True,
                          bewijs={"beschikbaar_gj_per_jaar": {"bron": "HVC jaarverslag"}})  # fmt: skip
    session.commit()
    versions_before = n_versions(session)
    result = import_heat_sources(session, path)
    session.commit()
    hvc = source(session, "HTHP0002")
    assert (hvc.status, hvc.beschikbaar_gj_per_jaar) == ("bestaand", 900000.0)
    assert json.loads(hvc.bewijs)["beschikbaar_gj_per_jaar"] == {"bron": "HVC jaarverslag"}
    assert result.updated == 0 and n_versions(session) == versions_before
    text = "\n".join(result.notes)
    assert "2 door gebruikers gewijzigde waarden niet overschreven" in text
    assert "HTHP0002 status: 'bestaand' blijft/kept (versie/version 2, gewijzigd); bestand/file: 'potentieel'" in text
    # a figure the user did not touch still follows the file
    bronnen.update_source(session, "HTHP0001", {"naam": "DRSH"}, user=None, reden="korter", system=True)
    session.commit()
    import_heat_sources(session, path)
    assert source(session, "HTHP0001").naam == "DRSH"
    assert source(session, "HTHP0001").beschikbaar_gj_per_jaar == pytest.approx(211732.704)


def test_registry_format_round_trip_csv_and_xlsx(session, shared_data, tmp_path):
    import_heat_sources(session, shared_data / "warmtebronnen" / HT_CSV)
    bronnen.update_source(session, "HTHP0002", {"eindjaar": 2035, "temperatuur_c": 120, "eigenaar": "HVC"},
                          user=None, reden="demo", system=True,
                          bewijs={"eindjaar": {"bron": "aanname", "toelichting": "scenario"}})  # fmt: skip
    session.commit()
    items = bronnen.list_sources(session)
    before = [bronnen.snapshot(w) for w in session.scalars(select(Warmtebron).order_by(Warmtebron.code))]
    n = n_versions(session)
    csv_path = tmp_path / "register.csv"
    csv_path.write_text(bronnen.export_csv(items), encoding="utf-8")
    xlsx_path = tmp_path / "register.xlsx"
    xlsx_path.write_bytes(bronnen.export_xlsx(items))
    for path in (csv_path, xlsx_path):
        result = import_heat_sources(session, path)
        session.commit()
        assert (result.rows, result.inserted, result.updated) == (103, 0, 0), path.name
    after = [bronnen.snapshot(w) for w in session.scalars(select(Warmtebron).order_by(Warmtebron.code))]
    assert after == before and n_versions(session) == n
    # an edit in the exported file is imported, and re-importing a stale export is refused
    text = csv_path.read_text(encoding="utf-8").replace(",2035,", ",2036,")
    csv_path.write_text(text, encoding="utf-8")
    result = import_heat_sources(session, csv_path)
    session.commit()
    assert result.updated == 1 and source(session, "HTHP0002").eindjaar == 2036
    xlsx_path_stale = tmp_path / "oud.xlsx"
    shutil.copy(xlsx_path, xlsx_path_stale)
    with pytest.raises(ImportValidationError) as exc:
        import_heat_sources(session, xlsx_path_stale)
    session.rollback()
    (p,) = exc.value.report.problems
    assert p.column == "versie" and "na deze export gewijzigd" in p.nl and "changed after this export" in p.en
    assert source(session, "HTHP0002").eindjaar == 2036


def test_registry_import_creates_new_sources_with_gemeente(session, tmp_path):
    path = tmp_path / "nieuw.csv"
    path.write_text(
        "code,naam,categorie,temperatuurklasse,x,y,status,beschikbaar_gj_per_jaar,bewijs\n"
        'N1,Nieuwe bron,datacenter,LT,107000,424000,gepland,5000,"{""beschikbaar_gj_per_jaar"": {""bron"": ""x""}}"\n',
        encoding="utf-8",
    )
    result = import_heat_sources(session, path, gebruiker="iemand")
    assert result.inserted == 1
    w = source(session, "N1")
    assert (w.status, w.versie, json.loads(w.bewijs)) == ("gepland", 1, {"beschikbaar_gj_per_jaar": {"bron": "x"}})


def test_bad_registry_file_reports_every_problem_and_writes_nothing(session, tmp_path, counts):
    path = tmp_path / "fout.csv"
    path.write_text(
        "code,naam,categorie,temperatuurklasse,x,y,status,temperatuur_c,betrouwbaarheid,startjaar,eindjaar,bewijs\n"
        "G1,Goed,datacenter,LT,107000,424000,gepland,40,0.9,2025,2040,\n"
        "F1,Fout,kolen,LT,107000,424000,gepland,400,1.2,2040,2030,{kapot\n"
        "F2,,datacenter,LT,5.1,52.3,gepland,,,,,\n"
        "G1,Dubbel,datacenter,LT,107000,424000,gepland,,,,,\n",
        encoding="utf-8",
    )
    before = counts(session)
    with pytest.raises(ImportValidationError) as exc:
        import_heat_sources(session, path)
    session.rollback()
    found = {(p.row, p.column) for p in exc.value.report.problems}
    assert found == {
        (3, "categorie"), (3, "temperatuur_c"), (3, "betrouwbaarheid"), (3, "eindjaar"), (3, "bewijs"),
        (4, "naam"), (4, "y"), (5, "code"),
    }  # fmt: skip
    nl = exc.value.report.format("nl")
    en = exc.value.report.format("en")
    assert "aanvoertemperatuur: 400 °C is groter dan het maximum 200 °C" in nl
    assert "supply temperature: 400 °C is above the maximum 200 °C" in en and "nothing was written" in en
    assert counts(session) == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("leeg.csv", b"", "het bestand is leeg"),
        ("kapot.xlsx", b"dit is geen zip", "geen geldig XLSX-bestand"),
        ("kapot.gpkg", b"geen sqlite", "bestand niet te lezen"),
        ("bronnen.shp", b"x", "wordt niet ondersteund"),
    ],
)
def test_unreadable_files_are_reported(session, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportValidationError) as exc:
        import_heat_sources(session, path, temperatuurklasse="HT")
    assert reason in exc.value.report.format("nl")
    assert session.scalar(select(func.count(Warmtebron.id))) == 0


def test_registry_file_missing_columns_and_wrong_crs(session, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("code,naam,categorie\nA1,Bron,industrie\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as exc:
        import_heat_sources(session, path)
    assert {(p.row, p.column) for p in exc.value.report.problems} == {(1, "temperatuurklasse"), (1, "x"), (1, "y")}
    import numpy as np
    import pyogrio.raw
    import shapely

    gpkg = tmp_path / "etm_wm_HTHP.gpkg"
    pyogrio.raw.write(gpkg, geometry=np.array([shapely.to_wkb(shapely.Point(4.7, 51.8))], dtype=object),
                      field_data=[np.array(["X1"], dtype=object), np.array([4.7]), np.array([51.8])],
                      fields=["source_id", "geo_coordinate_x", "geo_coordinate_y"], geometry_type="Point",
                      crs="EPSG:4326", driver="GPKG")  # fmt: skip
    with pytest.raises(ImportValidationError) as exc:
        import_heat_sources(session, gpkg)
    assert "RD New (EPSG:28992)" in exc.value.report.format("nl") and "EPSG:4326" in exc.value.report.format("en")
    assert session.scalar(select(func.count(Warmtebron.id))) == 0
