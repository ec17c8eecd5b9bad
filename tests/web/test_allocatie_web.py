"""Allocations on the web: the API (start 202 + Location, polling to done, summaries, buurten as JSON, CSV, XLSX
and GeoJSON, scenario, comparison, cancel), permissions, CSRF and problem+json in Dutch and English, and the
pages (list with the start form, progress with htmx polling, result with map data, tables and downloads,
scenario form, comparison).

Both databases, on the small region of ``tests/services/test_allocatie.py`` (ES18: four Dordrecht buurten west of
HVC Dordrecht, two in Papendrecht, HVC and a geothermal source). Every test that starts a run waits until it has
ended, so no background thread outlives its test.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from warmteregio.services import allocatie
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import AllocatieBuurt, Allocatierun
from warmteregio.web.api import API_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_allocatie import DORDRECHT, seed_allocatie_regio  # noqa: E402

API = "/api/v1"
CSRF = "test-csrf-token"
COORDINATOR, ADMIN, OTHER, VIEWER = 1, 2, 3, 4
FAST = {"marginaleWaarden": False, "alleenPerGemeente": False}

pytestmark = pytest.mark.db


def cookie(secret: str, user_id: int, csrf: str | None = CSRF) -> str:
    data = {"uid": user_id} | ({"csrf": csrf} if csrf else {})
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def regio(engine: Engine) -> Engine:
    seed_allocatie_regio(engine)
    return engine


@pytest.fixture
def client_as(client_for, regio: Engine):  # noqa: ANN001, ANN201
    clients: list[TestClient] = []

    def make(user_id: int | None, csrf: str | None = CSRF) -> TestClient:
        client = client_for(regio)
        if user_id is not None:
            client.cookies.set("warmteregio_sessie", cookie(client.app.state.settings.secret_key, user_id, csrf))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def assert_problem(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


def wait(client: TestClient, run_id: int, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"{API}/allocaties/{run_id}").json()
        if body["status"] not in ("wachtend", "bezig"):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"allocation {run_id} did not finish: {body}")
        time.sleep(0.1)


def start(client: TestClient, **extra) -> dict:  # noqa: ANN003
    response = client.post(f"{API}/allocaties", json={"regio": "ES18", **FAST, **extra},
                           headers={"X-CSRF-Token": CSRF})  # fmt: skip
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{API}/allocaties/{response.json()['id']}"
    return response.json()


# ------------------------------------------------------------------------------------------------ API


def test_api_start_poll_read_and_export(client_as, regio: Engine) -> None:  # noqa: ANN001
    client = client_as(COORDINATOR)
    started = start(client, titel="Basis", vastIn=list(DORDRECHT))
    assert started["status"] in ("wachtend", "bezig", "klaar") and started["titel"] == "Basis"
    body = wait(client, started["id"])
    assert body["status"] == "klaar", body["foutmelding"]
    assert body["aantalBuurten"] == 6 and body["regioNaam"] == "Drechtsteden" and body["voortgang"] == 1.0
    assert body["besparing"] == pytest.approx(body["kostenIndividueel"] - body["totaleKosten"])
    assert body["gestartDoor"] == "Co Ördinator" and body["basisId"] is None
    assert {"nl", "en"} == set(body["waarschuwingen"][0])
    assert {g["code"] for g in body["gemeenten"]} == {"GM0505", "GM0590"}
    assert "marginaleWaardeEurPerMw" in body["bronnen"][0] and "benuttingVermogen" in body["bronnen"][0]
    run_id = body["id"]

    page = client.get(f"{API}/allocaties/{run_id}/buurten", params={"paginaGrootte": 4}).json()
    assert page["totaal"] == 6 and len(page["resultaten"]) == 4 and page["_links"]["next"]
    first = page["resultaten"][0]
    assert {"buurtCode", "bronCode", "soort", "kostenEurJr", "leidingEurJr", "afstandM", "vastgezet"} <= set(first)
    on_source = client.get(f"{API}/allocaties/{run_id}/buurten", params={"bron": "HTHP0002"}).json()
    assert on_source["totaal"] >= 1 and all(r["bronCode"] == "HTHP0002" for r in on_source["resultaten"])
    gm = client.get(f"{API}/allocaties/{run_id}/buurten", params={"gemeente": "GM0590"}).json()
    assert gm["totaal"] == 2
    assert client.get(f"{API}/allocaties/{run_id}/bronnen").json()["resultaten"] == body["bronnen"]
    assert client.get(f"{API}/allocaties/{run_id}/gemeenten").json()["allocatie"] == run_id

    csv_response = client.get(f"{API}/allocaties/{run_id}/buurten", params={"formaat": "csv"})
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert f'filename="allocatie-{run_id}.csv"' in csv_response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert len(table) == 6 and list(table[0])[:3] == ["buurt_code", "buurt_naam", "gemeente_code"]
    xlsx = client.get(f"{API}/allocaties/{run_id}/buurten", headers={"Accept": allocatie_xlsx()})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Buurten", "Bronnen", "Gemeenten", "Herkomst",
                                                                  "Scenario"]  # fmt: skip
    geo = client.get(f"{API}/allocaties/{run_id}/buurten", headers={"Accept": "application/geo+json"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.headers["content-crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    kinds = [f["geometry"]["type"] for f in geo.json()["features"] if f["properties"]["soort"] == "leiding"]
    assert kinds and set(kinds) == {"LineString"}
    rd = client.get(f"{API}/allocaties/{run_id}/buurten", params={"formaat": "geojson", "crs": "EPSG:28992"})
    assert rd.headers["content-crs"] == "http://www.opengis.net/def/crs/EPSG/0/28992"
    assert client.get(f"{API}/allocaties", params={"regio": "ES18"}).json()["totaal"] == 1


def allocatie_xlsx() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_api_scenario_and_comparison(client_as) -> None:  # noqa: ANN001
    client = client_as(COORDINATOR)
    base = wait(client, start(client, vastIn=list(DORDRECHT))["id"])
    response = client.post(
        f"{API}/allocaties/{base['id']}/scenario",
        json={"titel": "HVC dicht", "bronjaar": 2040, "wijzigingen": {"eindjaar": {"HTHP0002": 2035}}},
        headers={"X-CSRF-Token": CSRF},
    )
    assert response.status_code == 202, response.text
    scenario = wait(client, response.json()["id"])
    assert scenario["status"] == "klaar" and scenario["basisId"] == base["id"] and scenario["bronjaar"] == 2040
    assert scenario["scenario"] == {"eindjaar": {"HTHP0002": 2035}}
    v = client.get(f"{API}/allocaties/{base['id']}/vergelijking/{scenario['id']}").json()
    assert v["a"] == base["id"] and v["b"] == scenario["id"]
    changed = [r for r in v["buurten"] if r["gewijzigd"]]
    assert changed and all(r["bronA"] == "HTHP0002" and r["bronB"] != "HTHP0002" for r in changed)
    assert v["totaal"]["gewijzigd"] == len(changed)
    assert {"kostenA", "kostenB", "verschil", "gewijzigd"} <= set(v["gemeenten"][0])
    waiting = client.post(f"{API}/allocaties/{base['id']}/scenario", json={"wijzigingen": {"verwijderd": ["X1"]}},
                          headers={"X-CSRF-Token": CSRF})  # fmt: skip
    body = assert_problem(waiting, 400)
    assert "onbekende bron" in body["detail"] and "unknown source" in body["detail"]


def test_api_permissions_csrf_and_reading_needs_a_session(client_as, regio: Engine) -> None:  # noqa: ANN001
    anonymous = client_as(None)
    assert_problem(anonymous.get(f"{API}/allocaties"), 401)
    assert_problem(anonymous.post(f"{API}/allocaties", json={"regio": "ES18"}), 401)
    assert_problem(client_as(COORDINATOR, csrf=None).post(f"{API}/allocaties", json={"regio": "ES18"},
                                                          headers={"X-CSRF-Token": CSRF}), 403)  # fmt: skip
    body = assert_problem(client_as(OTHER).post(f"{API}/allocaties", json={"regio": "ES18"},
                                                headers={"X-CSRF-Token": CSRF}), 403)  # fmt: skip
    assert "regio ES18" in body["detail"] and "region ES18" in body["detail"]
    assert_problem(client_as(VIEWER).post(f"{API}/allocaties", json={"regio": "ES18"},
                                          headers={"X-CSRF-Token": CSRF}), 403)  # fmt: skip
    viewer = client_as(VIEWER)
    assert viewer.get(f"{API}/allocaties").json()["totaal"] == 0
    assert_problem(viewer.get(f"{API}/allocaties/7"), 404)
    with make_sessionmaker(regio)() as s:
        assert s.scalar(select(func.count(Allocatierun.id))) == 0


@pytest.mark.parametrize(
    ("body", "status", "nl", "en"),
    [
        ({"regio": "ES99"}, 404, "niet gevonden", "not found"),
        ({"regio": "XX"}, 400, "", ""),
        ({"regio": "ES18", "vastIn": ["BU03630001"]}, 400, "niet in regio", "not in region"),
        ({"regio": "ES18", "scenario": {"verwijderd": ["GEEN0001"]}}, 400, "onbekende bron", "unknown source"),
        ({"regio": "ES18", "parameterset": "bestaat-niet"}, 404, "parameterset", "parameter set"),
        ({"regio": "ES18", "paretoPunten": 1}, 400, "paretopunten", "Pareto points"),
        ({"regio": "ES18", "maxAfstandM": -5}, 422, "Ongeldige parameter", "Invalid parameter"),
        (
            {
                "regio": "ES18",
                "scenario": {"nieuweBronnen": [{"code": "N", "temperatuurklasse": "XX", "x": 1, "y": 2}]},
            },
            422,
            "nieuweBronnen",
            "nieuweBronnen",
        ),
    ],
)
def test_api_bad_input_is_a_bilingual_problem(client_as, regio: Engine, body: dict, status: int, nl: str,
                                              en: str) -> None:  # noqa: ANN001  # fmt: skip
    response = client_as(COORDINATOR if body["regio"] == "ES18" else ADMIN).post(
        f"{API}/allocaties", json=body, headers={"X-CSRF-Token": CSRF}
    )
    problem = assert_problem(response, status)
    dutch, english = problem["detail"].split(" / ", 1)
    assert nl in dutch and en in english
    with make_sessionmaker(regio)() as s:
        assert s.scalar(select(func.count(Allocatierun.id))) == 0


def test_api_cancel(client_as, regio: Engine) -> None:  # noqa: ANN001
    factory = make_sessionmaker(regio)
    with factory() as s:
        run_id = allocatie.create_run(s, allocatie.AllocatieInstellingen(regio="ES18")).id
        s.commit()
    assert_problem(client_as(OTHER).post(f"{API}/allocaties/{run_id}/annuleren", headers={"X-CSRF-Token": CSRF}),
                   403)  # fmt: skip
    client = client_as(COORDINATOR)
    response = client.post(f"{API}/allocaties/{run_id}/annuleren", headers={"X-CSRF-Token": CSRF})
    assert response.status_code == 200 and response.json()["status"] == "geannuleerd"
    assert_problem(client.post(f"{API}/allocaties/{run_id}/annuleren", headers={"X-CSRF-Token": CSRF}), 409)
    assert allocatie.execute_run(factory, run_id) == "geannuleerd"
    with factory() as s:
        assert s.scalar(select(func.count(AllocatieBuurt.id))) == 0
    done = wait(client, start(client)["id"])
    compare = client.get(f"{API}/allocaties/{done['id']}/vergelijking/{run_id}")
    assert_problem(compare, 409)


# ------------------------------------------------------------------------------------------------ pages


def test_pages_need_a_login(client_as) -> None:  # noqa: ANN001
    anonymous = client_as(None)
    for path in ("/allocaties", "/allocaties/1", "/allocaties/1/vergelijk/2"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_start_form_progress_result_scenario_and_comparison(client_as, regio: Engine) -> None:  # noqa: ANN001
    client = client_as(COORDINATOR)
    html = client.get("/allocaties").text
    assert 'id="wr-allocatie-form"' in html and 'id="wr-geen-allocaties"' in html
    assert '<option value="ES18"' in html and '<option value="ES17"' not in html
    response = client.post("/allocaties", data={
        "csrf_token": CSRF, "regio": "ES18", "titel": "Formulier", "zichtjaar": "2030", "bronjaar": "",
        "ambitie": "*", "max_afstand_km": "25", "vast_in": " ".join(DORDRECHT), "pareto_punten": "3", "vast_uit": "",
    }, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    run_id = int(response.headers["location"].rsplit("/", 1)[1])
    running = client.get(f"/allocaties/{run_id}").text
    assert 'id="wr-allocatie-status"' in running and 'role="status"' in running
    wait(client, run_id)
    html = client.get(f"/allocaties/{run_id}").text
    assert 'data-status="klaar"' in html and "hx-trigger" not in html
    for marker in ("wr-allocatie-kaart", "wr-allocatie-bronnen", "wr-allocatie-gemeenten", "wr-allocatie-buurten",
                   "formaat=csv", "formaat=xlsx", "formaat=geojson", "wr-allocatie-scenario-form",
                   "Waarde van 1 MW extra"):  # fmt: skip
        assert marker in html, marker
    assert html.count('class="utrecht-table__row" data-buurt=') == 6
    assert 'id="wr-allocatie-pareto"' in html and wait(client, run_id)["instellingen"]["paretoPunten"] == 3
    assert "HVC Afvalcentrale Dordrecht" in html
    fragment = client.get(f"/allocaties/{run_id}/voortgang").text
    assert 'hx-swap-oob="innerHTML"' in fragment and 'id="wr-allocatie-voortgang"' in fragment

    response = client.post(f"/allocaties/{run_id}/scenario", data={
        "csrf_token": CSRF, "titel": "HVC dicht", "sluit_bron": "HTHP0002", "sluit_jaar": "2035", "bronjaar": "2040",
    }, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    scenario_id = int(response.headers["location"].rsplit("/", 1)[1])
    body = wait(client, scenario_id)
    assert body["bronjaar"] == 2040 and body["scenario"] == {"eindjaar": {"HTHP0002": 2035}}
    html = client.get(f"/allocaties/{scenario_id}").text
    assert f'href="/allocaties/{run_id}/vergelijk/{scenario_id}"' in html
    assert "HTHP0002 levert tot en met 2035" in html  # the scenario in words
    compare = client.get(f"/allocaties/{run_id}/vergelijk/{scenario_id}").text
    assert compare.count('data-gewijzigd="ja"') >= 1 and "wr-allocatie-gewijzigd" in compare
    assert "wr-vergelijk-kaart-a" in compare and "wr-vergelijk-kaart-b" in compare
    assert "data-gewijzigd='[&#34;BU0505" in compare  # the changed buurten, for the thick outline on the maps
    choice = client.get(f"/allocaties/{run_id}/vergelijk", params={"met": scenario_id}, follow_redirects=False)
    assert choice.headers["location"] == f"/allocaties/{run_id}/vergelijk/{scenario_id}"

    listing = client.get("/allocaties").text  # a coordinator sees her own region by default
    assert "HVC dicht" in listing and f"scenario op {run_id}" in listing
    assert '<option value="ES18" selected>' in listing
    other = client_as(OTHER).get("/allocaties").text  # the coordinator of ES17: her region has none
    assert "HVC dicht" not in other and 'id="wr-geen-allocaties"' in other
    assert "HVC dicht" in client_as(OTHER).get("/allocaties", params={"regio": "alle"}).text
    assert "HVC dicht" in client_as(VIEWER).get("/allocaties").text  # no region of her own: all regions


def test_form_errors_are_shown_in_the_page_language(client_as, regio: Engine) -> None:  # noqa: ANN001
    client = client_as(COORDINATOR)
    form = {"csrf_token": CSRF, "regio": "ES18", "zichtjaar": "2030", "vast_in": "BU03630001"}
    response = client.post("/allocaties", data=form)
    assert response.status_code == 422 and "niet in regio ES18" in response.text
    assert 'value="2030" selected' in response.text and "BU03630001" in response.text  # the form keeps its values
    client.get("/taal?lang=en")
    response = client.post("/allocaties", data=form)
    assert response.status_code == 422 and "not in region ES18" in response.text
    assert client.post("/allocaties", data={**form, "csrf_token": "fout"}).status_code == 403
    assert client_as(OTHER).post("/allocaties", data={**form, "vast_in": ""}).status_code == 403
    with make_sessionmaker(regio)() as s:
        assert s.scalar(select(func.count(Allocatierun.id))) == 0


def test_cancel_button_on_a_waiting_run(client_as, regio: Engine) -> None:  # noqa: ANN001
    with make_sessionmaker(regio)() as s:
        run_id = allocatie.create_run(s, allocatie.AllocatieInstellingen(regio="ES18")).id
        s.commit()
    client = client_as(COORDINATOR)
    html = client.get(f"/allocaties/{run_id}").text
    assert 'id="wr-allocatie-annuleren"' in html and 'hx-trigger="every 2s"' in html
    assert 'id="wr-allocatie-annuleren"' not in client_as(VIEWER).get(f"/allocaties/{run_id}").text
    response = client.post(f"/allocaties/{run_id}/annuleren", data={"csrf_token": CSRF}, follow_redirects=False)
    assert response.status_code == 303
    html = client.get(f"/allocaties/{run_id}").text
    assert 'data-status="geannuleerd"' in html and "wr-allocatie-geannuleerd" in html


def test_infeasible_run_page_explains_why(client_as) -> None:  # noqa: ANN001
    client = client_as(COORDINATOR)
    body = wait(client, start(client, vastIn=["BU05900006"], maxAfstandM=500)["id"])
    assert body["status"] == "onhaalbaar" and body["uitleg"]
    html = client.get(f"/allocaties/{body['id']}").text
    assert "wr-allocatie-onhaalbaar" in html and "BU05900006" in html
    assert body["uitleg"][0]["nl"] in html
    client.get("/taal?lang=en")
    assert body["uitleg"][0]["en"] in client.get(f"/allocaties/{body['id']}").text
