"""GeoJSON output of the list endpoints: negotiation, axis order, CRS, bbox, simplification. Both databases."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from warmteregio.web import geo

API = "/api/v1"
GEOJSON = "application/geo+json"

pytestmark = pytest.mark.db


def features(response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(GEOJSON)
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"])
    return {f["id"]: f for f in body["features"]}


def all_xy(geometry: dict) -> np.ndarray:
    return np.asarray(shapely.get_coordinates(shapely.from_geojson(json.dumps(geometry))))


def test_accept_header_and_formaat_both_give_geojson(api_client):
    by_header = api_client.get(f"{API}/buurten", params={"regio": "ES16"}, headers={"Accept": GEOJSON})
    by_param = api_client.get(f"{API}/buurten", params={"regio": "ES16", "formaat": "geojson"})
    assert by_header.json() == by_param.json()
    assert by_header.headers["content-crs"] == geo.CRS84
    plain = api_client.get(f"{API}/buurten", params={"regio": "ES16", "formaat": "json"}, headers={"Accept": GEOJSON})
    assert plain.headers["content-type"].startswith("application/json")


def test_buurt_features_crs84_axis_order_and_properties(api_client):
    response = api_client.get(f"{API}/buurten", params={"gemeente": "GM0505", "formaat": "geojson"})
    found = features(response)
    assert response.json()["numberMatched"] == 6
    first = found["BU05050101"]
    assert set(first["properties"]) >= {
        "code",
        "naam",
        "gemeenteCode",
        "weq",
        "vraagTotaalGj",
        "warmtevraagdichtheidGjPerHa",
        "schematisch",
        "geometriebron",
    }
    assert first["properties"]["warmtevraagdichtheidGjPerHa"] == pytest.approx(100.0)
    assert first["properties"]["schematisch"] is False
    assert found["BU05050105"]["properties"]["schematisch"] is True
    xy = all_xy(first["geometry"])
    # Dordrecht: longitude about 4.7 first, latitude about 51.8 second
    assert np.all((xy[:, 0] > 4.6) & (xy[:, 0] < 4.8))
    assert np.all((xy[:, 1] > 51.7) & (xy[:, 1] < 51.9))
    point = found["BU05050201"]
    assert point["geometry"]["type"] == "Point"
    assert point["properties"]["geometriebron"] == "centroide" and point["properties"]["schematisch"] is True


def test_rd_output_by_param_and_header(api_client):
    by_param = api_client.get(f"{API}/buurten", params={"gemeente": "GM0505", "formaat": "geojson", "crs": geo.RD_NEW})
    by_header = api_client.get(
        f"{API}/buurten", params={"gemeente": "GM0505"}, headers={"Accept": GEOJSON, "Accept-Crs": f"<{geo.RD_NEW}>"}
    )
    for response in (by_param, by_header):
        assert response.headers["content-crs"] == geo.RD_NEW
        xy = all_xy(features(response)["BU05050101"]["geometry"])
        assert xy[:, 0].min() == pytest.approx(103000, abs=0.01)
        assert xy[:, 1].max() == pytest.approx(424500, abs=0.01)


def test_crs_errors(api_client):
    bad = api_client.get(f"{API}/buurten", params={"formaat": "geojson", "crs": "EPSG:3857"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    unacceptable = api_client.get(f"{API}/buurten", headers={"Accept": GEOJSON, "Accept-Crs": "EPSG:3857"})
    assert unacceptable.status_code == 406
    assert " / " in unacceptable.json()["detail"]


def test_bbox_rd_and_crs84(api_client):
    rd_box = (103100, 424100, 103400, 424400)  # inside buurt 1 only
    response = api_client.get(
        f"{API}/buurten", params={"bbox": ",".join(map(str, rd_box)), "bbox-crs": geo.RD_NEW, "formaat": "geojson"}
    )
    assert list(features(response)) == ["BU05050101"]
    corners = geo.transform_coords(np.array([[rd_box[0], rd_box[1]], [rd_box[2], rd_box[3]]]), geo.RD_NEW, geo.CRS84)
    lonlat = f"{corners[0, 0]},{corners[0, 1]},{corners[1, 0]},{corners[1, 1]}"
    json_list = api_client.get(f"{API}/buurten", params={"bbox": lonlat}).json()
    assert [b["code"] for b in json_list["resultaten"]] == ["BU05050101"] and json_list["totaal"] == 1
    # a box around the centroid-only buurt finds it by its centroid
    near_point = api_client.get(
        f"{API}/buurten", params={"bbox": "105900,425900,106100,426100", "bbox-crs": geo.RD_NEW}
    )
    assert [b["code"] for b in near_point.json()["resultaten"]] == ["BU05050201"]
    everything = api_client.get(
        f"{API}/buurten", params={"bbox": "100000,400000,150000,470000", "bbox-crs": geo.RD_NEW}
    )
    assert everything.json()["totaal"] == 8


def test_bbox_errors(api_client):
    for value in ("1,2,3", "a,b,c,d", "5,5,1,1"):
        response = api_client.get(f"{API}/buurten", params={"bbox": value})
        assert response.status_code == 400, value
        assert response.json()["invalidParams"][0]["name"] == "bbox"


def test_geojson_pagination_defaults_to_everything(api_client):
    body = api_client.get(f"{API}/buurten", params={"formaat": "geojson"}).json()
    assert body["numberMatched"] == body["numberReturned"] == 8
    assert [link["rel"] for link in body["links"]] == ["self"]
    paged = api_client.get(f"{API}/buurten", params={"formaat": "geojson", "paginaGrootte": 3, "pagina": 2}).json()
    assert paged["numberReturned"] == 3 and paged["numberMatched"] == 8
    assert sorted(link["rel"] for link in paged["links"]) == ["next", "prev", "self"]


def test_vereenvoudig_reduces_vertices(api_client, seeded):
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from warmteregio.store.models import Buurt

    circle = shapely.Point(104000, 424250).buffer(250, quad_segs=64)
    with Session(seeded) as s:
        s.execute(update(Buurt).where(Buurt.code == "BU05050102", Buurt.jaar == 2024).values(geometry=circle.wkb))
        s.commit()
    full = features(api_client.get(f"{API}/buurten", params={"gemeente": "GM0505", "formaat": "geojson"}))
    simple = features(
        api_client.get(f"{API}/buurten", params={"gemeente": "GM0505", "formaat": "geojson", "vereenvoudig": 20})
    )
    n_full = len(full["BU05050102"]["geometry"]["coordinates"][0])
    n_simple = len(simple["BU05050102"]["geometry"]["coordinates"][0])
    assert n_full > 200 and 4 <= n_simple < n_full / 4


def test_gemeente_features(api_client):
    response = api_client.get(f"{API}/gemeenten", params={"regio": "ES16"}, headers={"Accept": GEOJSON})
    found = features(response)
    assert list(found) == ["GM0505", "GM0590"]
    dordrecht = found["GM0505"]
    assert dordrecht["properties"]["oppervlakteHa"] == pytest.approx(2500.0)
    assert dordrecht["properties"]["regioCode"] == "ES16"
    lon, lat = all_xy(dordrecht["geometry"]).mean(axis=0)
    assert 4.6 < lon < 4.8 and 51.7 < lat < 51.9


def test_warmtebron_features(api_client):
    response = api_client.get(f"{API}/warmtebronnen", params={"regio": "ES16", "formaat": "geojson"})
    found = features(response)
    assert list(found) == ["AVI0001", "DC0003", "TEO0002"]
    assert found["AVI0001"]["geometry"]["type"] == "Point"
    lon, lat = found["AVI0001"]["geometry"]["coordinates"]
    assert 4.6 < lon < 4.8 and 51.7 < lat < 51.9
    assert found["AVI0001"]["properties"]["temperatuurklasse"] == "HT"
    rd = features(api_client.get(f"{API}/warmtebronnen", params={"formaat": "geojson", "crs": geo.RD_NEW}))
    assert rd["RWZI0004"]["geometry"]["coordinates"] == [137000, 457000]
