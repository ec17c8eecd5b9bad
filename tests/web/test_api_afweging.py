"""The afweging API: criteria, weighing (GET and POST), robustness, explanations, the criteria matrix (JSON and
CSV) and criterion values entered by users (login, CSRF, permission, history). Both databases, on the small
seeded region of ``conftest`` (ES16)."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.services import afweging, assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Beoordelingsrun
from warmteregio.web.api import API_VERSION

API = "/api/v1"
CSRF = "test-csrf-token"
BUURT = "BU05050102"

pytestmark = pytest.mark.db


def cookie(secret: str, user_id: int, csrf: str | None = CSRF) -> str:
    data = {"uid": user_id} | ({"csrf": csrf} if csrf else {})
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


def add_user(engine: Engine, email: str, rol: str, **kwargs) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return create_user(s, email=email, naam=email.split("@")[0], password="correct horse battery", rol=rol,
                           **kwargs).id  # fmt: skip


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


@pytest.fixture(autouse=True)
def _fresh_cache():
    afweging.clear_cache()
    yield
    afweging.clear_cache()


@pytest.fixture
def run_id(seeded: Engine) -> int:
    with session_scope(make_sessionmaker(seeded)) as s:
        run = assessment.start_run(s, "ES16", "vesta2020", None, 2030, {}, None)
        assert run.status == "klaar"
        return run.id


@pytest.fixture
def client_as(client_for):
    def make(engine: Engine, user_id: int | None, csrf: str | None = CSRF) -> TestClient:
        client = client_for(engine)
        if user_id is not None:
            client.cookies.set("warmteregio_sessie", cookie(client.app.state.settings.secret_key, user_id, csrf))
        return client

    return make


# ---------------------------------------------------------------------------------------------------- reading


def test_criteria_catalogue(api_client: TestClient):
    response = api_client.get(f"{API}/criteria", params={"paginaGrootte": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["totaal"] == len(afweging.criteria_catalogue()) == len(body["resultaten"])
    first = body["resultaten"][0]
    assert {"code", "naam", "naamEn", "groep", "eenheid", "richting", "standaardGewicht", "bron", "uitleg",
            "uitlegEn"} <= set(first)  # fmt: skip
    assert sum(c["standaardGewicht"] for c in body["resultaten"]) == pytest.approx(1.0)


def test_weging_get_and_post(seeded: Engine, run_id: int, client_for):
    with client_for(seeded) as client:
        response = client.get(f"{API}/beoordelingen/{run_id}/weging")
        assert response.status_code == 200, response.text
        assert response.headers["api-version"] == API_VERSION
        body = response.json()
        assert body["beoordeling"] == run_id and body["methode"] == "gewogen_som"
        assert body["totaal"] == 7 and len(body["resultaten"]) == 7
        assert sum(body["gewichten"].values()) == pytest.approx(1.0)
        first = body["resultaten"][0]
        assert {"buurtCode", "winnaar", "varianten"} <= set(first)
        ranks = {v["code"]: v["rang"] for v in first["varianten"]}
        assert ranks[first["winnaar"]] == 1
        assert all({"code", "beschikbaar", "score", "rang"} <= set(v) for v in first["varianten"])

        cost = client.get(f"{API}/beoordelingen/{run_id}/weging", params={"gewichten": "nationale_meerkosten:2"})
        co2 = client.get(f"{API}/beoordelingen/{run_id}/weging", params={"gewichten": "co2_reductie:1"})
        assert cost.json()["gewichten"]["nationale_meerkosten"] == 1.0
        assert [r["winnaar"] for r in cost.json()["resultaten"]] != [r["winnaar"] for r in co2.json()["resultaten"]]

        posted = client.post(f"{API}/beoordelingen/{run_id}/weging", json={"gewichten": {"nationale_meerkosten": 2}})
        assert posted.status_code == 200
        assert posted.json()["resultaten"] == cost.json()["resultaten"]

        one = client.get(f"{API}/beoordelingen/{run_id}/weging",
                         params={"buurt": BUURT, "methode": "topsis", "beperking": "nationale_meerkosten<1e9"})
        assert one.status_code == 200, one.text
        assert [r["buurtCode"] for r in one.json()["resultaten"]] == [BUURT]
        assert one.json()["beperkingen"] == [{"criterium": "nationale_meerkosten", "operator": "<", "drempel": 1e9}]
        posted = client.post(f"{API}/beoordelingen/{run_id}/weging", json={
            "buurten": [BUURT], "methode": "topsis",
            "beperkingen": [{"criterium": "nationale_meerkosten", "operator": "<", "drempel": 1e9}]})  # fmt: skip
        assert posted.json()["resultaten"] == one.json()["resultaten"]


def test_weging_bad_input_is_a_problem(seeded: Engine, run_id: int, client_for):
    url = f"{API}/beoordelingen/{run_id}/weging"
    with client_for(seeded) as client:
        body = assert_problem(client.get(url, params={"gewichten": "bestaat_niet:1"}), 400)
        assert "bestaat_niet" in body["detail"]
        assert_problem(client.get(url, params={"gewichten": "overlast:-1"}), 400)
        assert_problem(client.get(url, params={"gewichten": "overlast"}), 400)
        assert_problem(client.get(url, params={"beperking": "overlast=>2"}), 400)
        assert_problem(client.get(url, params={"buurt": "BU0505"}), 400)
        assert_problem(client.get(url, params={"buurt": "BU99990101"}), 404)
        assert_problem(client.get(url, params={"methode": "elektre"}), 422)
        assert_problem(client.get(f"{API}/beoordelingen/999999/weging"), 404)
        assert_problem(client.post(url, json={"gewichten": {"overlast": 0}}), 400)
        assert_problem(client.post(url, json={"beperkingen": [{"criterium": "x", "operator": "!", "drempel": 1}]}),
                       422)  # fmt: skip


def test_unfinished_run_is_409(seeded: Engine, client_for):
    with session_scope(make_sessionmaker(seeded)) as s:
        run = Beoordelingsrun(regio_code="ES16", zichtjaar=2030, parameterset_naam="x", parameterset_versie="1",
                              code_versie="0", status="mislukt")  # fmt: skip
        s.add(run)
        s.flush()
        rid = run.id
    with client_for(seeded) as client:
        assert_problem(client.get(f"{API}/beoordelingen/{rid}/weging"), 409)
        assert_problem(client.post(f"{API}/beoordelingen/{rid}/robuustheid", json={}), 409)


def test_robuustheid(seeded: Engine, run_id: int, client_for):
    url = f"{API}/beoordelingen/{run_id}/robuustheid"
    with client_for(seeded) as client:
        response = client.post(url, json={"aantalTrekkingen": 200, "seed": 7, "buurten": [BUURT, "BU05050101"]})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["aantalTrekkingen"], body["seed"], body["totaal"]) == (200, 7, 2)
        n_var = len(body["varianten"])
        for item in body["resultaten"]:
            first = sum(v["eersteRang"] for v in item["varianten"])
            assert first == pytest.approx(1.0)
            assert all(len(v["rangen"]) == n_var for v in item["varianten"])
            assert item["winnaar"] in item["gelijkspel"]
            best = max(item["varianten"], key=lambda v: v["eersteRang"])
            assert best["code"] == item["winnaar"] and item["acceptatie"] == pytest.approx(best["eersteRang"])
            assert best["centraleGewichten"] is not None
            assert sum(best["centraleGewichten"].values()) == pytest.approx(1.0)
        assert {"omslag"} <= set(body["resultaten"][0])
        # a must-have excludes variants from every sample: they never come first
        with make_sessionmaker(seeded)() as s:
            cm = afweging.criteria_matrix(s, run_id, [BUURT])
        c = list(cm.dm.criteria).index("nationale_meerkosten")
        values = sorted(cm.dm.values[0, :, c][cm.dm.available[0]])
        assert len(values) >= 2
        strict = {"criterium": "nationale_meerkosten", "operator": "<=", "drempel": float(values[len(values) // 2])}
        bound = client.post(url, json={"aantalTrekkingen": 200, "seed": 7, "buurten": [BUURT], "beperkingen": [strict]})
        assert bound.status_code == 200, bound.text
        free = {v["code"]: v["eersteRang"] for v in body["resultaten"][0]["varianten"]}
        kept = {v["code"]: v["eersteRang"] for v in bound.json()["resultaten"][0]["varianten"]}
        weging = client.post(f"{API}/beoordelingen/{run_id}/weging", json={"buurten": [BUURT], "beperkingen": [strict]})
        allowed = {v["code"] for v in weging.json()["resultaten"][0]["varianten"] if v["rang"] is not None}
        assert 0 < len(allowed) < len(values)
        assert set(free) == set(kept) and all(kept[v] == 0 for v in kept if v not in allowed)
        assert sum(kept.values()) == pytest.approx(1.0)
        assert_problem(client.post(url, json={"aantalTrekkingen": 0}), 422)
        assert_problem(client.post(url, json={"aantalTrekkingen": 10, "bereiken": {"overlast": [0.5]}}), 400)
        assert_problem(client.post(url, json={"aantalTrekkingen": 10, "bereiken": {"overlast": [0.9, 0.1]}}), 400)


def test_uitleg(seeded: Engine, run_id: int, client_for):
    with client_for(seeded) as client:
        response = client.get(f"{API}/beoordelingen/{run_id}/buurten/{BUURT}/uitleg",
                              params={"aantalTrekkingen": 200})  # fmt: skip
        assert response.status_code == 200, response.text
        body = response.json()
        weging = client.get(f"{API}/beoordelingen/{run_id}/weging", params={"buurt": BUURT}).json()
        assert body["winnaar"] == weging["resultaten"][0]["winnaar"]
        assert body["winnaar"] in body["tekst"] and body["winnaar"] in body["tekstEn"]
        assert body["buurtCode"] == BUURT and sum(body["gewichten"].values()) == pytest.approx(1.0)
        assert_problem(client.get(f"{API}/beoordelingen/{run_id}/buurten/BU03440101/uitleg"), 404)  # not in ES16
        assert_problem(client.get(f"{API}/beoordelingen/{run_id}/buurten/XX/uitleg"), 400)


def test_criteria_matrix_json_and_csv(seeded: Engine, run_id: int, client_for):
    url = f"{API}/beoordelingen/{run_id}/criteria"
    with client_for(seeded) as client:
        body = client.get(url, params={"buurt": BUURT, "paginaGrootte": 500}).json()
        with session_scope(make_sessionmaker(seeded)) as s:
            n_var = len(afweging.criteria_matrix(s, run_id).dm.varianten)
        assert body["totaal"] == n_var and len(body["resultaten"]) == n_var
        row = body["resultaten"][0]
        assert set(row["waarden"]) == set(body["criteria"]) == set(row["herkomst"])
        assert set(row["herkomst"].values()) <= {"berekend", "oordeel", "invoer", "onbekend"}
        response = client.get(url, params={"formaat": "csv"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 7 * n_var * len(body["criteria"])
        assert {r["herkomst"] for r in rows} >= {"berekend", "oordeel"}
        accepted = client.get(url, headers={"Accept": "text/csv"})
        assert accepted.text == response.text


# ----------------------------------------------------------------------------------------------- user entries


def test_entries_need_login_csrf_and_permission(seeded: Engine, run_id: int, client_as):
    url = f"{API}/buurten/{BUURT}/criteriumwaarden"
    entry = {"variant": "S2a", "criterium": "eigendom", "waarde": 0.2, "toelichting": "warmtebedrijf is privaat"}
    with client_as(seeded, None) as client:
        assert_problem(client.post(url, json=entry, headers={"X-CSRF-Token": CSRF}), 401)
    coordinator = add_user(seeded, "co@example.nl", "regiocoordinator", res_code="ES16")
    with client_as(seeded, coordinator) as client:
        assert_problem(client.post(url, json=entry), 403)
        assert_problem(client.post(url, json=entry, headers={"X-CSRF-Token": "fout"}), 403)
    viewer = add_user(seeded, "kijker@example.nl", "viewer")
    other = add_user(seeded, "utrecht@example.nl", "gemeente", gemeente_code="GM0344")
    for uid in (viewer, other):
        with client_as(seeded, uid) as client:
            assert_problem(client.post(url, json=entry, headers={"X-CSRF-Token": CSRF}), 403)
    with client_as(seeded, coordinator) as client:
        assert client.get(url).json()["totaal"] == 0


def test_entry_lifecycle(seeded: Engine, run_id: int, client_as):
    url = f"{API}/buurten/{BUURT}/criteriumwaarden"
    headers = {"X-CSRF-Token": CSRF}
    own = add_user(seeded, "dordrecht@example.nl", "gemeente", gemeente_code="GM0505")
    with client_as(seeded, own) as client:
        first = client.post(url, json={"variant": "S2a", "criterium": "eigendom", "waarde": 0.2,
                                       "toelichting": "warmtebedrijf is privaat"}, headers=headers)  # fmt: skip
        assert first.status_code == 201, first.text
        e1 = first.json()
        assert first.headers["location"] == f"{url}/{e1['id']}"
        assert (e1["buurtCode"], e1["variant"], e1["actueel"], e1["door"]) == (BUURT, "S2a", True, "dordrecht")
        assert client.get(first.headers["location"]).json()["id"] == e1["id"]

        matrix = client.get(f"{API}/beoordelingen/{run_id}/criteria", params={"buurt": BUURT, "paginaGrootte": 500})
        s2a = next(r for r in matrix.json()["resultaten"] if r["variant"] == "S2a")
        assert (s2a["waarden"]["eigendom"], s2a["herkomst"]["eigendom"]) == (0.2, "invoer")

        second = client.post(url, json={"variant": "S2a", "criterium": "eigendom", "waarde": 0.8,
                                        "toelichting": "gemeente neemt aandeel"}, headers=headers)  # fmt: skip
        e2 = second.json()
        current = client.get(url).json()
        assert [e["id"] for e in current["resultaten"]] == [e2["id"]]
        history = client.get(url, params={"historie": "true"}).json()["resultaten"]
        assert [(e["id"], e["actueel"], e["vervangenDoor"]) for e in history] == [
            (e2["id"], True, None), (e1["id"], False, e2["id"])]

        assert_problem(client.delete(f"{url}/{e1['id']}", headers=headers), 409)  # superseded already
        assert_problem(client.delete(f"{url}/{e2['id']}"), 403)  # no CSRF token
        deleted = client.delete(f"{url}/{e2['id']}", headers=headers)
        assert deleted.status_code == 204 and deleted.content == b""
        assert client.get(url).json()["totaal"] == 0
        assert client.get(f"{url}/{e2['id']}").json()["ingetrokken"] is True
        assert_problem(client.delete(f"{url}/{e2['id']}", headers=headers), 409)
        assert_problem(client.delete(f"{API}/buurten/BU05050101/criteriumwaarden/{e2['id']}", headers=headers), 404)
        assert_problem(client.get(f"{url}/999999"), 404)

        bad = {"variant": "S2a", "criterium": "eigendom", "waarde": 0.5, "toelichting": "x"}
        assert_problem(client.post(url, json=bad | {"criterium": "onbekend"}, headers=headers), 400)
        assert_problem(client.post(url, json=bad | {"variant": "S9z"}, headers=headers), 400)
        assert_problem(client.post(url, json=bad | {"waarde": 7}, headers=headers), 400)
        assert_problem(client.post(url, json=bad | {"toelichting": ""}, headers=headers), 422)
        assert_problem(client.post(f"{API}/buurten/BU05059999/criteriumwaarden", json=bad, headers=headers), 404)


def test_operations_are_documented(openapi_doc):
    paths = openapi_doc["paths"]
    assert "get" in paths["/criteria"]
    assert {"get", "post"} <= set(paths["/beoordelingen/{beoordelingid}/weging"])
    assert "post" in paths["/beoordelingen/{beoordelingid}/robuustheid"]
    assert "get" in paths["/beoordelingen/{beoordelingid}/buurten/{buurtcode}/uitleg"]
    assert "text/csv" in paths["/beoordelingen/{beoordelingid}/criteria"]["get"]["responses"]["200"]["content"]
    entries = paths["/buurten/{buurtcode}/criteriumwaarden"]
    assert entries["post"]["security"] == [{"sessie": []}] and {"401", "403"} <= set(entries["post"]["responses"])
    delete = paths["/buurten/{buurtcode}/criteriumwaarden/{invoerid}"]["delete"]
    assert delete["security"] == [{"sessie": []}] and "204" in delete["responses"]
    assert "WegingLijst" in openapi_doc["components"]["schemas"]
