"""The heat-source registry API: registry fields in list and detail, history, create, edit with optimistic locking
(body `versie` or `If-Match`), retire/restore, permissions and CSRF, problem+json errors in Dutch and English, and
CSV/XLSX/GeoJSON export. Both databases, on the small ES16 region of ``conftest``."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from openpyxl import load_workbook
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.web.api import API_VERSION

pytestmark = pytest.mark.db

API = "/api/v1"
CSRF = "bronnen-csrf-token"
HEADERS = {"X-CSRF-Token": CSRF}
NEW = {"code": "NIEUW1", "naam": "Datacenter Zwijndrecht", "categorie": "datacenter", "temperatuurklasse": "LT",
       "x": 104000, "y": 423500, "beschikbaarGjPerJaar": 40000, "temperatuurC": 30, "boosterNodig": True,
       "bewijs": {"beschikbaarGjPerJaar": {"bron": "opgave eigenaar", "url": "https://example.nl/dc"}}}  # fmt: skip


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def world(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids = {}
    with session_scope(make_sessionmaker(seeded)) as s:
        for key, rol, extra in (
            ("admin", "admin", {}),
            ("co", "regiocoordinator", {"res_code": "ES16"}),
            ("co17", "regiocoordinator", {"res_code": "ES17"}),
            ("gm", "gemeente", {"gemeente_code": "GM0505"}),
        ):
            u = accounts.create_user(s, email=f"{key}@example.nl", naam=key.title(), password="-" * 12, rol=rol,
                                     **extra)  # fmt: skip
            s.flush()
            ids[key] = u.id
    return {"engine": seeded, "ids": ids}


@pytest.fixture
def client_as(client_for, world: dict):
    clients: list[TestClient] = []

    def make(who: str | None) -> TestClient:
        client = client_for(world["engine"])
        if who is not None:
            client.cookies.set("warmteregio_sessie", cookie(client.app.state.settings.secret_key, world["ids"][who]))
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


def test_list_and_detail_carry_registry_fields(client_as):
    client = client_as(None)
    body = client.get(f"{API}/warmtebronnen", params={"regio": "ES16"}).json()
    avi = next(b for b in body["resultaten"] if b["code"] == "AVI0001")
    assert avi["versie"] == 1 and avi["bewijs"] == {} and avi["eindjaar"] is None and avi["boosterNodig"] is False
    detail = client.get(f"{API}/warmtebronnen/AVI0001")
    assert detail.headers["etag"] == '"1"'
    assert detail.json()["capaciteitMw"] == 60 and "warmteprijsEurGj" in detail.json()


def test_create_edit_conflict_retire_restore_and_history(client_as):
    co = client_as("co")
    created = co.post(f"{API}/warmtebronnen", json=NEW, headers=HEADERS)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{API}/warmtebronnen/NIEUW1"
    body = created.json()
    assert (body["versie"], body["gemeenteCode"], body["boosterNodig"]) == (1, "GM0505", True)
    assert body["bewijs"]["beschikbaarGjPerJaar"]["url"] == "https://example.nl/dc"
    # edit with the version in the body, then a stale edit via If-Match gets 409
    edited = co.patch(f"{API}/warmtebronnen/NIEUW1", headers=HEADERS,
                      json={"eindjaar": 2035, "warmteprijsEurGj": 7.5, "reden": "contract", "versie": 1})  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert (edited.json()["versie"], edited.headers["etag"]) == (2, '"2"')
    stale = co.patch(f"{API}/warmtebronnen/NIEUW1", json={"eindjaar": 2040, "reden": "ander"},
                     headers={**HEADERS, "If-Match": '"1"'})  # fmt: skip
    body = problem(stale, 409)
    assert "intussen gewijzigd" in body["detail"] and "changed in the meantime" in body["detail"]
    # clearing a field with null
    cleared = co.patch(f"{API}/warmtebronnen/NIEUW1", json={"warmteprijsEurGj": None, "reden": "onbekend"},
                       headers={**HEADERS, "If-Match": 'W/"2"'})  # fmt: skip
    assert cleared.json()["warmteprijsEurGj"] is None and cleared.json()["versie"] == 3
    retired = co.post(f"{API}/warmtebronnen/NIEUW1/buiten-gebruik", json={"reden": "sluit"}, headers=HEADERS)
    assert retired.json()["status"] == "buiten_gebruik"
    problem(co.post(f"{API}/warmtebronnen/NIEUW1/buiten-gebruik", json={"reden": "x"}, headers=HEADERS), 409)
    restored = co.post(f"{API}/warmtebronnen/NIEUW1/herstel", json={"reden": "toch", "versie": 4}, headers=HEADERS)
    assert restored.json()["status"] == "potentieel" and restored.json()["versie"] == 5
    history = co.get(f"{API}/warmtebronnen/NIEUW1/versies").json()
    assert history["totaal"] == 5
    assert [v["actie"] for v in history["resultaten"]] == [
        "hersteld", "buiten_gebruik", "gewijzigd", "gewijzigd", "aangemaakt"]  # fmt: skip
    v2 = history["resultaten"][3]
    assert (v2["door"], v2["reden"], v2["wijzigingen"]["eindjaar"]) == ("Co", "contract", [None, 2035])
    problem(co.get(f"{API}/warmtebronnen/ONBEKEND/versies"), 404)


def test_validation_errors_are_problems_naming_the_field(client_as):
    admin = client_as("admin")
    bad = admin.patch(f"{API}/warmtebronnen/AVI0001", json={"temperatuurC": 250, "reden": "x"}, headers=HEADERS)
    body = problem(bad, 400)
    assert "aanvoertemperatuur: 250 °C is groter dan het maximum 200 °C" in body["detail"]
    assert "supply temperature: 250 °C is above the maximum 200 °C" in body["detail"]
    assert body["invalidParams"][0]["name"] == "temperatuurC"
    years = problem(admin.patch(f"{API}/warmtebronnen/AVI0001", json={"startjaar": 2040, "eindjaar": 2030,
                                                                      "reden": "x"}, headers=HEADERS), 400)  # fmt: skip
    assert "eindjaar" in years["detail"] and "end year" in years["detail"]
    problem(admin.patch(f"{API}/warmtebronnen/AVI0001", json={"capaciteitMw": 5}, headers=HEADERS), 422)  # no reason
    problem(admin.post(f"{API}/warmtebronnen", json={**NEW, "code": "AVI0001"}, headers=HEADERS), 409)
    problem(admin.post(f"{API}/warmtebronnen", json={**NEW, "categorie": "kolen"}, headers=HEADERS), 422)
    problem(admin.patch(f"{API}/warmtebronnen/AVI0001", json={"kleur": "rood", "reden": "x"}, headers=HEADERS), 422)
    problem(admin.patch(f"{API}/warmtebronnen/AVI0001", json={"reden": "x"},
                        headers={**HEADERS, "If-Match": "drie"}), 400)  # fmt: skip
    problem(admin.patch(f"{API}/warmtebronnen/ONBEKEND", json={"reden": "x"}, headers=HEADERS), 404)
    assert admin.get(f"{API}/warmtebronnen/AVI0001").json()["versie"] == 1


def test_permissions_and_csrf(client_as):
    problem(client_as(None).post(f"{API}/warmtebronnen", json=NEW, headers=HEADERS), 401)
    problem(client_as("co").post(f"{API}/warmtebronnen", json=NEW), 403)  # no CSRF token
    for who in ("gm", "co17"):
        problem(client_as(who).post(f"{API}/warmtebronnen", json=NEW, headers=HEADERS), 403)
        problem(client_as(who).post(f"{API}/warmtebronnen/AVI0001/buiten-gebruik", json={"reden": "x"},
                                    headers=HEADERS), 403)  # fmt: skip
    # the ES16 coordinator may not touch the Utrecht source, the ES17 coordinator may
    problem(client_as("co").patch(f"{API}/warmtebronnen/RWZI0004", json={"capaciteitMw": 3, "reden": "x"},
                                  headers=HEADERS), 403)  # fmt: skip
    ok = client_as("co17").patch(f"{API}/warmtebronnen/RWZI0004", json={"capaciteitMw": 3, "reden": "x"},
                                 headers=HEADERS)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["capaciteitMw"] == 3


def test_exports(client_as):
    admin = client_as("admin")
    admin.patch(f"{API}/warmtebronnen/AVI0001", json={"eindjaar": 2035, "reden": "scenario",
                "bewijs": {"eindjaar": {"bron": "aanname"}}}, headers=HEADERS)  # fmt: skip
    text = admin.get(f"{API}/warmtebronnen", params={"regio": "ES16", "formaat": "csv"})
    assert text.headers["content-type"].startswith("text/csv")
    assert 'filename="warmtebronnen-ES16.csv"' in text.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert [r["code"] for r in rows] == ["AVI0001", "DC0003", "TEO0002"]
    assert rows[0]["eindjaar"] == "2035" and json.loads(rows[0]["bewijs"]) == {"eindjaar": {"bron": "aanname"}}
    assert rows[0]["versie"] == "2"
    xlsx = admin.get(f"{API}/warmtebronnen", params={"regio": "ES16", "formaat": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["code", "naam", "categorie"] and ws.max_row == 4
    geo = admin.get(f"{API}/warmtebronnen", params={"regio": "ES16"}, headers={"Accept": "application/geo+json"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert [f["id"] for f in geo.json()["features"]] == ["AVI0001", "DC0003", "TEO0002"]
    assert admin.get(f"{API}/warmtebronnen", params={"formaat": "csv", "status": "bestaand"}).text.count("\n") == 3
