"""The assessment API: starting runs (login, permission, CSRF), results, exports, lowest cost, catalogue and
parameter-set copies. Both databases, on the small seeded region of ``conftest`` (ES16, seven buurten)."""

from __future__ import annotations

import base64
import csv
import io
import json
import sys

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from openpyxl import load_workbook
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.web.api import API_VERSION

API = "/api/v1"
PASSWORD = "correct horse battery"
SET = "vesta2020"
CSRF = "test-csrf-token"
N_BUURTEN = 7  # buurten of ES16 in 2024

pytestmark = pytest.mark.db


def cookie(secret: str, user_id: int, csrf: str | None = CSRF) -> str:
    """A signed session cookie as after logging in, with the session's CSRF token."""
    data = {"uid": user_id} | ({"csrf": csrf} if csrf else {})
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


def add_user(engine: Engine, email: str, rol: str, naam: str | None = None, **kwargs) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return create_user(s, email=email, naam=naam or email.split("@")[0], password=PASSWORD, rol=rol, **kwargs).id


@pytest.fixture
def client_as(client_for):
    """``client_as(engine, user_id, csrf=CSRF)``: a TestClient with that user's session (or none)."""

    def make(engine: Engine, user_id: int | None, csrf: str | None = CSRF) -> TestClient:
        client = client_for(engine)
        if user_id is not None:
            client.cookies.set("warmteregio_sessie", cookie(client.app.state.settings.secret_key, user_id, csrf))
        return client

    return make


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


def start(client: TestClient, **body) -> object:
    payload = {"regio": "ES16", "zichtjaar": 2030, "parameterset": SET} | body
    return client.post(f"{API}/beoordelingen", json=payload, headers={"X-CSRF-Token": CSRF})


@pytest.fixture
def coordinator(seeded: Engine) -> int:
    return add_user(seeded, "coordinator@example.nl", "regiocoordinator", "Co Ördinator", res_code="ES16")


@pytest.fixture
def run_id(seeded: Engine, coordinator: int, client_as) -> int:
    with client_as(seeded, coordinator) as client:
        response = start(client)
    assert response.status_code == 201, response.text
    return response.json()["id"]


# ---------------------------------------------------------------------------------------------- starting


def test_start_without_login_is_401(seeded: Engine, client_as):
    with client_as(seeded, None) as client:
        assert_problem(start(client), 401)


def test_start_without_permission_is_403(seeded: Engine, coordinator: int, client_as):
    with client_as(seeded, coordinator) as client:
        body = assert_problem(start(client, regio="ES17"), 403)
    assert "ES17" in body["detail"]
    viewer = add_user(seeded, "kijker@example.nl", "viewer")
    with client_as(seeded, viewer) as client:
        assert_problem(start(client), 403)


def test_start_without_or_with_wrong_csrf_is_403(seeded: Engine, coordinator: int, client_as):
    with client_as(seeded, coordinator) as client:
        payload = {"regio": "ES16", "zichtjaar": 2030, "parameterset": SET}
        assert_problem(client.post(f"{API}/beoordelingen", json=payload), 403)
        assert_problem(client.post(f"{API}/beoordelingen", json=payload, headers={"X-CSRF-Token": "fout"}), 403)
    with client_as(seeded, coordinator, csrf=None) as client:  # a session without a token
        assert_problem(start(client), 403)


def test_start_with_csrf_creates_the_run(seeded: Engine, coordinator: int, client_as):
    with client_as(seeded, coordinator) as client:
        response = start(client, overrides={"Ki_verw_g_laagb": 2500.0})
        assert response.status_code == 201, response.text
        assert response.headers["api-version"] == API_VERSION
        body = response.json()
        assert response.headers["location"] == f"{API}/beoordelingen/{body['id']}"
        assert body["status"] == "klaar"
        assert body["aantalRijen"] == N_BUURTEN * 25
        assert (body["parameterset"], body["regioCode"], body["zichtjaar"]) == (SET, "ES16", 2030)
        assert body["overrides"] == {"Ki_verw_g_laagb": 2500.0}
        assert body["parametersetVersie"] and body["codeVersie"] and body["catalogusVersie"] == "strategieen2020"
        assert body["gestartDoor"] == "Co Ördinator"
        assert body["_links"]["resultaten"]["href"].endswith("/resultaten")
        again = client.get(response.headers["location"])
        assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_start_bad_input_is_a_problem_and_stores_nothing(seeded: Engine, coordinator: int, client_as):
    with client_as(seeded, coordinator) as client:
        assert_problem(start(client, parameterset="bestaat-niet"), 404)
        assert_problem(start(client, overrides={"geen_kental": 1.0}), 400)
        assert_problem(start(client, zichtjaar=1990), 422)
        assert client.get(f"{API}/beoordelingen").json()["totaal"] == 0


def test_start_without_engine_is_503(seeded: Engine, coordinator: int, monkeypatch, client_as):
    monkeypatch.setitem(sys.modules, "warmteregio.engine.assess", None)
    with client_as(seeded, coordinator) as client:
        body = assert_problem(start(client), 503)
    assert "engine niet beschikbaar" in body["detail"] and "engine not available" in body["detail"]


def test_admin_may_start_for_any_region(seeded: Engine, client_as):
    admin = add_user(seeded, "admin@example.nl", "admin")
    with client_as(seeded, admin) as client:
        response = start(client, regio="ES17")
    assert response.status_code == 201 and response.json()["aantalRijen"] == 25


# ---------------------------------------------------------------------------------------------- reading


def test_list_and_filter_runs(seeded: Engine, run_id: int, client_as):
    with client_as(seeded, None) as client:
        body = client.get(f"{API}/beoordelingen").json()
        assert [r["id"] for r in body["resultaten"]] == [run_id]
        assert client.get(f"{API}/beoordelingen", params={"regio": "ES17"}).json()["totaal"] == 0
        assert_problem(client.get(f"{API}/beoordelingen/999"), 404)
        assert_problem(client.get(f"{API}/beoordelingen", params={"regio": "x"}), 400)


def test_results_are_paginated_and_filtered(seeded: Engine, run_id: int, client_as):
    with client_as(seeded, None) as client:
        url = f"{API}/beoordelingen/{run_id}/resultaten"
        first = client.get(url, params={"paginaGrootte": 20}).json()
        assert first["totaal"] == N_BUURTEN * 25 and len(first["resultaten"]) == 20
        assert first["_links"]["prev"] is None and "pagina=2" in first["_links"]["next"]["href"]
        assert first["parameterset"] == SET and first["parametersetVersie"]
        second = client.get(first["_links"]["next"]["href"]).json()
        assert second["pagina"] == 2 and second["resultaten"][0] != first["resultaten"][0]
        last = client.get(url, params={"paginaGrootte": 20, "pagina": 9}).json()
        assert len(last["resultaten"]) == N_BUURTEN * 25 - 8 * 20 and last["_links"]["next"] is None
        one = client.get(url, params={"buurt": "BU05050101", "strategie": "S1a_B_LuchtWP"}).json()
        assert one["totaal"] == 1
        row = one["resultaten"][0]
        assert (row["buurtCode"], row["strategie"], row["familie"], row["buurtJaar"]) == (
            "BU05050101", "S1a_B_LuchtWP", "S1", 2024,
        )  # fmt: skip
        assert row["h18NatMeerkostWeq"] == row["waarden"]["H18_Nat_meerkost_WEQ"]
        assert list(row["waarden"])[:2] == ["BU_CODE", "strategie"] and "K08_Gebouw_schil" in row["waarden"]
        assert_problem(client.get(url, params={"paginaGrootte": 501}), 400)


def test_results_as_csv(seeded: Engine, run_id: int, client_as):
    with client_as(seeded, None) as client:
        url = f"{API}/beoordelingen/{run_id}/resultaten"
        by_param = client.get(url, params={"formaat": "csv"})
        by_accept = client.get(url, headers={"Accept": "text/csv"})
    for response in (by_param, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f'attachment; filename="beoordeling-{run_id}.csv"'
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert len(rows) == N_BUURTEN * 25
    assert {r["parameterset"] for r in rows} == {SET} and {r["run_id"] for r in rows} == {str(run_id)}
    assert by_param.text == by_accept.text


def test_results_as_xlsx_with_provenance_sheet(seeded: Engine, run_id: int, client_as):
    with client_as(seeded, None) as client:
        response = client.get(f"{API}/beoordelingen/{run_id}/resultaten", params={"formaat": "xlsx"})
        detail = client.get(f"{API}/beoordelingen/{run_id}").json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"] == f'attachment; filename="beoordeling-{run_id}.xlsx"'
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames == ["Resultaten", "Herkomst"]
    assert wb["Resultaten"].max_row == N_BUURTEN * 25 + 1
    herkomst = dict(wb["Herkomst"].iter_rows(min_row=2, values_only=True))
    assert herkomst["run_id"] == run_id and herkomst["regio"] == "ES16" and herkomst["zichtjaar"] == 2030
    assert (herkomst["parameterset"], herkomst["parameterset_versie"]) == (SET, detail["parametersetVersie"])
    assert herkomst["code_versie"] == detail["codeVersie"] and herkomst["gestart_door"] == "Co Ördinator"


def test_lowest_cost_json_and_geojson_axis_order(seeded: Engine, run_id: int, client_as):
    with client_as(seeded, None) as client:
        url = f"{API}/beoordelingen/{run_id}/laagste-kosten"
        body = client.get(url).json()
        assert body["totaal"] == N_BUURTEN
        scored = [r for r in body["resultaten"] if r["strategie"]]
        assert scored and all(r["familie"] in ("S1", "S2", "S3", "S4", "S5") for r in scored)
        response = client.get(url, params={"formaat": "geojson"})
        rd = client.get(url, headers={"Accept": "application/geo+json", "Accept-Crs": "EPSG:28992"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    assert response.headers["content-crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    fc = response.json()
    assert fc["numberMatched"] == N_BUURTEN and len(fc["features"]) == N_BUURTEN
    by_id = {f["id"]: f for f in fc["features"]}
    buurt1 = by_id["BU05050101"]
    lon, lat = buurt1["geometry"]["coordinates"][0][0]
    assert 4.0 < lon < 5.5 and 51.5 < lat < 52.2  # CRS84: longitude first (Dordrecht)
    props = buurt1["properties"]
    assert props["strategie"] and props["h18NatMeerkostWeq"] is not None and props["naam"] == "Buurt 1"
    assert by_id["BU05050201"]["geometry"]["type"] == "Point"  # only a centroid
    assert rd.headers["content-crs"] == "http://www.opengis.net/def/crs/EPSG/0/28992"
    x, y = rd.json()["features"][0]["geometry"]["coordinates"][0][0]
    assert 100_000 < x < 115_000 and 420_000 < y < 430_000


def test_diff_between_runs_via_api(seeded: Engine, coordinator: int, run_id: int, client_as):
    with client_as(seeded, coordinator) as client:
        other = start(client, overrides={"Ki_verw_g_laagb": 9000.0}).json()["id"]
        diff = client.get(f"{API}/beoordelingen/{run_id}/verschillen", params={"vergelijkMet": other}).json()
        same = client.get(f"{API}/beoordelingen/{run_id}/verschillen", params={"vergelijkMet": run_id}).json()
    assert diff["totaal"] > 0 and all(d["strategie"][:2] in ("S1", "S2", "S3") for d in diff["resultaten"])
    assert all(d["h16B"] > d["h16A"] for d in diff["resultaten"])
    assert same["totaal"] == 0


def test_strategy_catalogue(seeded: Engine, client_as):
    with client_as(seeded, None) as client:
        body = client.get(f"{API}/strategieen").json()
        assert_problem(client.get(f"{API}/strategieen", params={"jaar": 2022}), 400)
    assert body["totaal"] == 25 and body["catalogus"] == "strategieen2020"
    first = body["resultaten"][0]
    assert (first["naam"], first["familie"], first["inViewer"]) == ("Referentie", "REF", False)
    assert {r["familie"] for r in body["resultaten"]} == {"REF", "S1", "S2", "S3", "S4", "S5"}


# ------------------------------------------------------------------------------------ parameter-set copies


def test_copy_parameter_set_via_api(seeded: Engine, coordinator: int, client_as):
    url = f"{API}/parametersets/vesta/versies"
    payload = {"bronVersie": "2025", "nieuweVersie": "2025-dordrecht", "overrides": {"discontovoet": 0.025},
               "reden": "lokaal besluit"}  # fmt: skip
    with client_as(seeded, None) as client:
        assert_problem(client.post(url, json=payload, headers={"X-CSRF-Token": CSRF}), 401)
    viewer = add_user(seeded, "kijker@example.nl", "viewer")
    with client_as(seeded, viewer) as client:
        assert_problem(client.post(url, json=payload, headers={"X-CSRF-Token": CSRF}), 403)
    with client_as(seeded, coordinator) as client:
        assert_problem(client.post(url, json=payload), 403)  # no CSRF header
        response = client.post(url, json=payload, headers={"X-CSRF-Token": CSRF})
        assert response.status_code == 201, response.text
        assert response.headers["location"] == f"{API}/parametersets/vesta?versie=2025-dordrecht"
        body = response.json()
        assert body["versie"] == "2025-dordrecht" and "2025-dordrecht" in body["versies"]
        waarden = {w["naam"]: w for w in body["waarden"]}
        assert waarden["discontovoet"]["waardeNum"] == 0.025
        assert_problem(client.post(url, json=payload, headers={"X-CSRF-Token": CSRF}), 400)  # exists now
        missing = payload | {"bronVersie": "1999", "nieuweVersie": "x"}
        assert_problem(client.post(url, json=missing, headers={"X-CSRF-Token": CSRF}), 404)
