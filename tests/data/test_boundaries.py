"""Boundaries: real CBS gemeente boundaries (WGS84 GeoJSON), buurt boundaries in RD, GeoPackage, bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from sqlalchemy import select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.boundaries import import_boundaries
from warmteregio.store.models import Buurt, Gemeente

GEOJSON = "regions/cbs_gemeenten_2022_wgs84.geojson"


def test_real_gemeente_boundaries(session, shared_data, counts):
    result = import_boundaries(session, shared_data / GEOJSON)
    session.commit()
    assert result.rows == 345 and result.inserted == 345
    dordrecht = session.scalars(select(Gemeente).where(Gemeente.code == "GM0505", Gemeente.jaar == 2022)).one()
    assert dordrecht.naam == "Dordrecht"
    geom = shapely.from_wkb(dordrecht.geometry)
    assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon")
    # RD New metres: Dordrecht is about 99 km2 including water (CBS: 9,947 ha); generalised boundary
    assert 85e6 < geom.area < 115e6
    cx, cy = geom.centroid.x, geom.centroid.y
    assert 100_000 < cx < 115_000 and 420_000 < cy < 432_000
    assert "CBS" in dordrecht.geometry_bron
    before = counts(session)
    again = import_boundaries(session, shared_data / GEOJSON)
    session.commit()
    assert again.updated == 345 and again.inserted == 0
    after = counts(session)
    assert after["gemeenten"] == before["gemeenten"] == 345


def test_buurt_boundaries_in_rd_replace_schematic(session, seed, fixtures):
    seed(session, ["BU05050101", "BU05050102", "BU05050103"])
    for b in session.scalars(select(Buurt)):
        b.geometry_schematisch = True
        b.geometry = shapely.to_wkb(shapely.box(0, 0, 1, 1))
    session.flush()
    result = import_boundaries(session, fixtures / "grenzen" / "buurten_dordrecht_rd.geojson")
    session.flush()
    session.expire_all()
    buurten = {b.code: b for b in session.scalars(select(Buurt))}
    binnenstad = shapely.from_wkb(buurten["BU05050101"].geometry)
    assert binnenstad.area == pytest.approx(250_000)  # 500 m x 500 m, stored in RD without reprojection
    assert shapely.from_wkb(buurten["BU05050102"].geometry).area == pytest.approx(260_000)
    bowtie = shapely.from_wkb(buurten["BU05050103"].geometry)
    assert bowtie.is_valid and bowtie.area == pytest.approx(125_000)  # repaired with make_valid
    assert all(not b.geometry_schematisch for b in buurten.values())
    assert all("buurten_dordrecht_rd.geojson" in b.geometry_bron for b in buurten.values())
    assert any("make_valid" in n for n in result.notes)
    assert any("wijk" in n for n in result.notes)  # the WK feature is skipped with a note
    gm = session.scalars(select(Gemeente).where(Gemeente.code == "GM0505")).one()
    assert gm.jaar == 2019 and shapely.from_wkb(gm.geometry).area == pytest.approx(9e6)


def test_geopackage_in_wgs84(session, seed, tmp_path):
    import pyogrio.raw

    seed(session, ["BU05050101"])
    poly = shapely.box(4.66, 51.80, 4.67, 51.81)
    path = tmp_path / "buurten.gpkg"
    pyogrio.raw.write(
        path,
        geometry=np.array([shapely.to_wkb(poly)], dtype=object),
        field_data=[np.array(["BU05050101"], dtype=object), np.array(["Binnenstad"], dtype=object)],
        fields=["statcode", "statnaam"],
        geometry_type="Polygon",
        crs="EPSG:4326",
        driver="GPKG",
    )
    import_boundaries(session, path, jaar=2019)
    session.flush()
    geom = shapely.from_wkb(session.scalars(select(Buurt.geometry)).one())
    x, y = geom.centroid.x, geom.centroid.y
    assert 105_000 < x < 110_000 and 422_000 < y < 428_000  # Dordrecht in RD New
    assert 700_000 < geom.area < 800_000  # ~0.01 deg lon x 0.01 deg lat at 51.8 N


def test_invalid_boundaries_change_nothing(session, shared_data, bad, counts):
    import_boundaries(session, shared_data / GEOJSON)
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_boundaries(session, bad / "grenzen_invalid.geojson")
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert {(2, "geometry"), (3, "geometry"), (4, "statcode"), (5, "statcode"), (6, "statcode")} <= found
    assert counts(session) == before


def test_unknown_buurt_and_missing_year(session, tmp_path, counts):
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"statcode": "BU05050199", "statnaam": "X"},
        "geometry": {"type": "Polygon", "coordinates": [[[4.6, 51.8], [4.7, 51.8], [4.7, 51.9], [4.6, 51.8]]]},
    }]}
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(doc))
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_boundaries(session, path)
    assert info.value.report.problems[0].column == "jrstatcode"
    with pytest.raises(ImportValidationError) as info:
        import_boundaries(session, path, jaar=2019)
    assert "BU05050199" in info.value.report.problems[0].nl
    assert counts(session) == before
