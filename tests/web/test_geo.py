"""Coordinate transforms and GeoJSON assembly (no database)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from warmteregio.web import geo

AMERSFOORT_RD = (155000.0, 463000.0)


def test_amersfoort_rd_to_crs84_and_back_within_a_metre():
    lonlat = geo.transform_coords(np.array([AMERSFOORT_RD]), geo.RD_NEW, geo.CRS84)
    lon, lat = lonlat[0]
    assert lon == pytest.approx(5.387, abs=0.001)  # longitude first (x/east)
    assert lat == pytest.approx(52.155, abs=0.001)
    back = geo.transform_coords(lonlat, geo.CRS84, geo.RD_NEW)
    assert np.hypot(*(back[0] - np.array(AMERSFOORT_RD))) < 1.0


@settings(max_examples=50, deadline=None)
@given(st.floats(13_000, 278_000), st.floats(306_000, 619_000))
def test_round_trip_anywhere_in_the_netherlands(x: float, y: float):
    lonlat = geo.transform_coords(np.array([[x, y]]), geo.RD_NEW, geo.CRS84)
    back = geo.transform_coords(lonlat, geo.CRS84, geo.RD_NEW)
    assert np.hypot(back[0, 0] - x, back[0, 1] - y) < 1.0


def test_transformer_is_cached():
    assert geo.transformer(geo.RD_NEW, geo.CRS84) is geo.transformer(geo.RD_NEW, geo.CRS84)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, geo.CRS84),
        ("", geo.CRS84),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", geo.CRS84),
        ("<http://www.opengis.net/def/crs/EPSG/0/28992>", geo.RD_NEW),
        ("EPSG:28992", geo.RD_NEW),
        ("crs84", geo.CRS84),
    ],
)
def test_parse_crs(value, expected):
    assert geo.parse_crs(value) == expected


def test_parse_crs_rejects_unknown_with_both_languages():
    with pytest.raises(geo.CrsError) as info:
        geo.parse_crs("EPSG:3857")
    assert "niet-ondersteund" in info.value.nl and "unsupported" in info.value.en


def test_parse_bbox():
    assert geo.parse_bbox(" 1, 2,3 ,4") == (1.0, 2.0, 3.0, 4.0)
    assert geo.parse_bbox(None) is None
    for bad in ("1,2,3", "1,2,3,x", "3,2,1,4", "1,2,nan,4"):
        with pytest.raises(geo.CrsError):
            geo.parse_bbox(bad)


def test_bbox_to_rd_covers_the_corners():
    rd = (100000.0, 420000.0, 110000.0, 430000.0)
    corners = geo.transform_coords(np.array([[rd[0], rd[1]], [rd[2], rd[3]]]), geo.RD_NEW, geo.CRS84)
    box84 = (corners[0, 0], corners[0, 1], corners[1, 0], corners[1, 1])
    back = geo.bbox_to_rd(box84, geo.CRS84)
    assert back[0] <= rd[0] + 1 and back[1] <= rd[1] + 1 and back[2] >= rd[2] - 1 and back[3] >= rd[3] - 1
    assert back == pytest.approx(rd, abs=200)  # the RD box around a lon/lat box is only a little larger
    assert geo.bbox_to_rd(rd, geo.RD_NEW) == rd


def test_geometries_to_geojson_handles_missing_and_rounds():
    geoms = geo.from_wkb([shapely.box(155000, 463000, 155100, 463100).wkb, None])
    polygon, missing = geo.geometries_to_geojson(geoms)
    assert missing is None
    coords = json.loads(polygon)["coordinates"][0]
    assert all(len(str(c).split(".")[-1]) <= 7 for xy in coords for c in xy)
    assert coords[0][0] == pytest.approx(5.3886, abs=0.001)
    (rd,) = geo.geometries_to_geojson(geoms[:1], geo.RD_NEW)
    assert json.loads(rd)["coordinates"][0][0] == [155100.0, 463000.0]
    assert geo.geometries_to_geojson(np.empty(0, dtype=object)) == []


def test_point_and_geometry_dicts():
    point = geo.point_dict(*AMERSFOORT_RD)
    assert point["type"] == "Point" and point["coordinates"][0] == pytest.approx(5.3872, abs=1e-4)
    assert geo.point_dict(None, 1.0) is None
    assert geo.geometry_dict(None) is None
    square = geo.geometry_dict(shapely.box(0, 0, 1, 1).wkb, geo.RD_NEW)
    assert square["type"] == "Polygon"


def test_feature_collection_json_is_valid_geojson():
    text = geo.feature_collection_json(
        ["a", "b"],
        ['{"type":"Point","coordinates":[4.7,51.8]}', None],
        [{"naam": "Één"}, {"naam": None}],
        extra={"numberMatched": 2},
    )
    body = json.loads(text)
    assert body["type"] == "FeatureCollection" and body["numberMatched"] == 2
    assert body["features"][0]["geometry"]["coordinates"] == [4.7, 51.8]
    assert body["features"][1]["geometry"] is None and body["features"][0]["properties"]["naam"] == "Één"
