"""The warmteprogramma API (issue 6): list and create (from the analysis, 201 + Location), edit with optimistic
locking (`versie` or `If-Match`), the lifecycle (consultation, back to draft, adoption refused while a blocking check
fails, adoption, immutability, new version), buurt plans with CSV/XLSX export and import, steps, checks, timeline and
map, live documents (HTML, PDF, DOCX) and the immutable publications, partners and participation, the regional
overview, and the permissions (own gemeente edits, coordinator reads, others get 403, anonymous only public versions).
Both databases, on the small ES16 region of ``conftest`` with one assessment run."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import date

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from openpyxl import load_workbook
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.services import assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.web.api import API_VERSION

pytestmark = pytest.mark.db

API = "/api/v1"
CSRF = "programma-csrf-token"
HEADERS = {"X-CSRF-Token": CSRF}
RD = "http://www.opengis.net/def/crs/EPSG/0/28992"
USERS = (
    ("admin", "admin", {}),
    ("gm", "gemeente", {"gemeente_code": "GM0505"}),
    ("pap", "gemeente", {"gemeente_code": "GM0590"}),
    ("utr", "gemeente", {"gemeente_code": "GM0344"}),
    ("co", "regiocoordinator", {"res_code": "ES16"}),
    ("co17", "regiocoordinator", {"res_code": "ES17"}),
    ("kijker", "viewer", {}),
)


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def world(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Users of every role and one finished assessment run of ES16 (so a programme can be drafted from it)."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids = {}
    with session_scope(make_sessionmaker(seeded)) as s:
        for key, rol, extra in USERS:
            u = accounts.create_user(s, email=f"{key}@example.nl", naam=key.title(), password="-" * 12, rol=rol,
                                     **extra)  # fmt: skip
            s.flush()
            ids[key] = u.id
        run = assessment.start_run(s, "ES16", "vesta2020", None, 2030, {}, None)
        assert run.status == assessment.STATUS_KLAAR, run.foutmelding
        run_id = run.id
    return {"engine": seeded, "ids": ids, "run": run_id}


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


def create(client: TestClient, gemeente: str = "GM0505", **extra) -> dict:
    response = client.post(f"{API}/warmteprogrammas", json={"gemeenteCode": gemeente, **extra}, headers=HEADERS)
    assert response.status_code == 201, response.text
    return response.json()


def designate(client: TestClient, pid: int, versie: int, code: str = "BU05050101", **fields) -> dict:
    body = {"versie": versie, "aanwijzen": True, "startjaar": 2027, "doeljaar": 2034, "aanwijsbesluitJaar": 2027,
            "aardgasvrijJaar": 2035, **fields}  # fmt: skip
    response = client.patch(f"{API}/warmteprogrammas/{pid}/buurtplannen/{code}", json=body, headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()


def make_adoptable(client: TestClient, pid: int) -> None:
    """Fill what the blocking checks ask: a text for every chapter, an alternative for every buurt (also the one the
    analysis does not cover) and a participation moment with the response to the input."""
    from warmteregio.programme.regels import load_rules

    versie = client.get(f"{API}/warmteprogrammas/{pid}").json()["versie"]
    teksten = {h.code: f"Tekst van hoofdstuk {h.titel_nl}." for h in load_rules().hoofdstukken}
    response = client.patch(f"{API}/warmteprogrammas/{pid}", json={"versie": versie, "teksten": teksten},
                            headers=HEADERS)  # fmt: skip
    assert response.status_code == 200, response.text
    versie = response.json()["versie"]
    for plan in client.get(f"{API}/warmteprogrammas/{pid}/buurtplannen").json()["resultaten"]:
        if not plan["alternatief"]:
            response = client.patch(
                f"{API}/warmteprogrammas/{pid}/buurtplannen/{plan['buurtCode']}",
                json={"versie": versie, "alternatief": "all_electric"},
                headers=HEADERS,
            )
            assert response.status_code == 200, response.text
            versie = response.json()["programmaVersie"]
    moment = client.post(f"{API}/gemeenten/GM0505/participatie", headers=HEADERS,
                         json={"datum": "2026-01-15", "soort": "bijeenkomst", "titel": "Bewonersavond",
                               "programmaId": pid, "inbreng": "Zorgen over kosten",
                               "reactie": "Uitleg over de maandlasten gegeven"})  # fmt: skip
    assert moment.status_code == 201, moment.text
    checks = client.get(f"{API}/warmteprogrammas/{pid}/toetsen").json()
    blocking = [c["code"] for c in checks["resultaten"] if c["status"] == "fout" and c["blokkeertVaststelling"]]
    assert checks["vaststellenMogelijk"], blocking


# ------------------------------------------------------------------------------------------- create and read


def test_create_from_analysis_read_and_list(client_as, world):
    gm = client_as("gm")
    response = gm.post(f"{API}/warmteprogrammas", json={"gemeenteCode": "gm0505"}, headers=HEADERS)
    assert response.status_code == 201, response.text
    body = response.json()
    pid = body["id"]
    assert response.headers["location"] == f"{API}/warmteprogrammas/{pid}"
    assert response.headers["etag"] == '"1"'
    assert (body["gemeenteCode"], body["status"], body["volgnummer"], body["versie"]) == ("GM0505", "concept", 1, 1)
    assert body["beoordelingsrunId"] == world["run"] and body["analyse"]["runId"] == world["run"]
    assert body["aantalBuurten"] == 6 and body["_links"]["documentPdf"]["href"].endswith("/document.pdf")
    assert body["stappen"] and {"code", "titelNl", "status", "programmaVersie"} <= set(body["stappen"][0])
    # the plans carry the analysis snapshot: preferred variant and its robustness, chosen = preferred
    plans = gm.get(f"{API}/warmteprogrammas/{pid}/buurtplannen").json()
    assert plans["totaal"] == 6 and plans["programmaVersie"] == 1
    first = next(p for p in plans["resultaten"] if p["buurtCode"] == "BU05050101")
    assert first["analyseVoorkeur"] and first["alternatief"] == first["analyseVoorkeur"]
    assert first["analyseRobuustheid"] is not None and first["afwijking"] is False and first["familie"]
    # a second open version is refused
    problem(gm.post(f"{API}/warmteprogrammas", json={"gemeenteCode": "GM0505"}, headers=HEADERS), 409)
    # who sees the concept: the gemeente, the coordinator of the region and admin; not anonymous or others
    for who in ("gm", "co", "admin"):
        assert [p["id"] for p in client_as(who).get(f"{API}/warmteprogrammas").json()["resultaten"]] == [pid]
        assert client_as(who).get(f"{API}/warmteprogrammas/{pid}").status_code == 200
    for who in (None, "pap", "co17", "kijker"):
        assert client_as(who).get(f"{API}/warmteprogrammas").json()["totaal"] == 0
    problem(client_as(None).get(f"{API}/warmteprogrammas/{pid}"), 401)
    problem(client_as("pap").get(f"{API}/warmteprogrammas/{pid}"), 403)
    problem(client_as("co17").get(f"{API}/warmteprogrammas/{pid}/buurtplannen"), 403)
    problem(client_as("gm").get(f"{API}/warmteprogrammas/999999"), 404)
    filtered = client_as("co").get(f"{API}/warmteprogrammas", params={"regio": "ES16", "status": "concept"})
    assert filtered.json()["totaal"] == 1
    problem(client_as("co").get(f"{API}/warmteprogrammas", params={"gemeente": "XX"}), 400)


def test_create_needs_session_csrf_and_own_gemeente(client_as):
    problem(client_as(None).post(f"{API}/warmteprogrammas", json={"gemeenteCode": "GM0505"}, headers=HEADERS), 401)
    problem(client_as("gm").post(f"{API}/warmteprogrammas", json={"gemeenteCode": "GM0505"}), 403)  # no CSRF
    for who in ("pap", "co", "kijker"):
        problem(client_as(who).post(f"{API}/warmteprogrammas", json={"gemeenteCode": "GM0505"}, headers=HEADERS), 403)
    problem(client_as("gm").post(f"{API}/warmteprogrammas", json={"gemeenteCode": "GM0505", "kleur": "rood"},
                                 headers=HEADERS), 422)  # fmt: skip
    # an administrator may create for any gemeente; without analysis the plans stay empty
    body = create(client_as("admin"), "GM0590", uitAnalyse=False, titel="Programma Papendrecht")
    assert body["titel"] == "Programma Papendrecht" and body["aantalBuurten"] == 1


# ------------------------------------------------------------------------------------------- edits


def test_edit_programme_and_plans_with_optimistic_locking(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    edited = gm.patch(f"{API}/warmteprogrammas/{pid}", headers=HEADERS,
                      json={"versie": 1, "titel": "Warmteprogramma Dordrecht 2026",
                            "teksten": {"perspectief_2050": "Alle buurten **aardgasvrij** in 2050."}})  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["versie"] == 2 and edited.headers["etag"] == '"2"'
    assert edited.json()["teksten"]["perspectief_2050"].startswith("Alle buurten")
    # a stale version (body or If-Match) is refused and nothing is written
    stale = gm.patch(f"{API}/warmteprogrammas/{pid}", json={"versie": 1, "titel": "Oud"}, headers=HEADERS)
    body = problem(stale, 409)
    assert "intussen gewijzigd" in body["detail"] and "changed in the meantime" in body["detail"]
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}", json={"titel": "Oud"}, headers={**HEADERS, "If-Match": '"1"'}),
            409)  # fmt: skip
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}", json={"titel": "Zonder versie"}, headers=HEADERS), 400)
    assert gm.get(f"{API}/warmteprogrammas/{pid}").json()["titel"] == "Warmteprogramma Dordrecht 2026"
    ok = gm.patch(f"{API}/warmteprogrammas/{pid}", json={"titel": "Met If-Match"},
                  headers={**HEADERS, "If-Match": 'W/"2"'})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["versie"] == 3
    # a plan: designation with koppelkansen; every bad field reported at once, bilingual, nothing written
    plan = designate(gm, pid, 3, koppelkansen=[{"soort": "riolering", "omschrijving": "Rioolvervanging", "jaar": 2028}],
                     betaalbaarheid="Maandlasten gelijk.", haalbaarheid="HVC levert.")  # fmt: skip
    assert plan["aanwijzen"] is True and plan["programmaVersie"] == 4
    assert plan["koppelkansen"] == [{"soort": "riolering", "omschrijving": "Rioolvervanging", "jaar": 2028}]
    bad = gm.patch(f"{API}/warmteprogrammas/{pid}/buurtplannen/BU05050102", headers=HEADERS,
                   json={"versie": 4, "startjaar": 2040, "doeljaar": 2030, "alternatief": "S9z"})  # fmt: skip
    body = problem(bad, 400)
    names = {p["name"] for p in body["invalidParams"]}
    assert {"alternatief", "doeljaar"} <= names
    assert all(" / " in p["reason"] for p in body["invalidParams"])
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}/buurtplannen/BU05050102", json={"versie": 4, "kleur": 1},
                     headers=HEADERS), 422)  # fmt: skip
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}/buurtplannen/BU05900101", json={"versie": 4, "fase": "gereed"},
                     headers=HEADERS), 404)  # fmt: skip
    assert gm.get(f"{API}/warmteprogrammas/{pid}").json()["versie"] == 4
    # the deviation is flagged against the analysis
    deviation = gm.patch(f"{API}/warmteprogrammas/{pid}/buurtplannen/BU05050103", headers=HEADERS,
                         json={"versie": 4, "alternatief": "waterstof"}).json()  # fmt: skip
    assert deviation["afwijking"] is True and deviation["familie"] == "waterstof"
    # others may not edit: another gemeente, the coordinator (read-only), anonymous
    for who, status in (("pap", 403), ("co", 403), ("kijker", 403), (None, 401)):
        problem(client_as(who).patch(f"{API}/warmteprogrammas/{pid}", json={"versie": 5, "titel": "x"},
                                     headers=HEADERS), status)  # fmt: skip
    assert client_as("co").get(f"{API}/warmteprogrammas/{pid}/buurtplannen").status_code == 200


def test_steps_checks_timeline_map_and_export(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    steps = gm.get(f"{API}/warmteprogrammas/{pid}/stappen").json()
    code = steps["resultaten"][0]["code"]
    assert steps["resultaten"][0]["status"] == "open" and steps["resultaten"][0]["titelNl"]
    done = gm.patch(
        f"{API}/warmteprogrammas/{pid}/stappen/{code}",
        headers=HEADERS,
        json={"versie": 1, "status": "gereed", "eigenaar": "Team warmte", "bewijs": "Raadsbesluit 2026/1"},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["programmaVersie"]) == ("gereed", 2)
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}/stappen/{code}", json={"versie": 2, "status": "nvt"},
                     headers=HEADERS), 400)  # nvt needs an explanation  # fmt: skip
    problem(gm.patch(f"{API}/warmteprogrammas/{pid}/stappen/bestaat_niet", json={"versie": 2, "status": "gereed"},
                     headers=HEADERS), 404)  # fmt: skip
    designate(gm, pid, 2)
    checks = gm.get(f"{API}/warmteprogrammas/{pid}/toetsen").json()
    by_code = {c["code"]: c for c in checks["resultaten"]}
    assert checks["aantalFout"] >= 1 and checks["vaststellenMogelijk"] is False
    failing = by_code["haalbaar_betaalbaar"]
    assert failing["status"] == "fout" and "BU05050101" in failing["buurten"] and failing["grondslag"]
    assert failing["meldingNl"] and failing["meldingEn"] and failing["blokkeertVaststelling"] is True
    timeline = gm.get(f"{API}/warmteprogrammas/{pid}/tijdlijn").json()
    assert [r["buurtCode"] for r in timeline["resultaten"]] == ["BU05050101"]
    assert (timeline["vanJaar"], timeline["totJaar"]) == (2027, 2034) and timeline["resultaten"][0]["aanwijzen"]
    geo = gm.get(f"{API}/warmteprogrammas/{pid}/kaart", params={"jaar": 2028})
    assert geo.headers["content-type"].startswith("application/geo+json") and geo.headers["content-crs"]
    features = {f["id"]: f for f in geo.json()["features"]}
    assert features["BU05050101"]["properties"]["toestand"] == "in_voorbereiding"
    assert features["BU05050102"]["properties"]["toestand"] in ("geen_planning", "nog_niet_gestart")
    assert features["BU05050101"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert features["BU05050201"]["geometry"] is None  # a buurt with only a centroid
    later = gm.get(f"{API}/warmteprogrammas/{pid}/kaart", params={"jaar": 2034, "crs": RD}).json()
    assert {f["id"]: f["properties"]["toestand"] for f in later["features"]}["BU05050101"] == "aardgasvrij"
    problem(gm.get(f"{API}/warmteprogrammas/{pid}/terugblik"), 404)  # a first programme
    text = gm.get(f"{API}/warmteprogrammas/{pid}/buurtplannen", headers={"Accept": "text/csv"})
    assert text.headers["content-type"].startswith("text/csv")
    assert 'filename="buurtplannen-GM0505-v1.csv"' in text.headers["content-disposition"]
    content = text.content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(content.splitlines()[0], delimiters=";,")
    rows = list(csv.DictReader(io.StringIO(content), dialect=dialect))
    assert len(rows) == 6 and {"buurt_code", "alternatief", "aanwijzen"} <= set(rows[0])
    xlsx = gm.get(f"{API}/warmteprogrammas/{pid}/buurtplannen", params={"formaat": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert ws.cell(1, 1).value == "buurt_code" and ws.max_row == 7
    # import the export back after changing one cell: the change arrives, the version goes up
    versie = gm.get(f"{API}/warmteprogrammas/{pid}").json()["versie"]
    for row in rows:
        if row["buurt_code"] == "BU05050102":
            row["fase"] = "planvorming"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), dialect=dialect)
    writer.writeheader()
    writer.writerows(rows)
    upload = gm.post(f"{API}/warmteprogrammas/{pid}/buurtplannen/import", headers=HEADERS, data={"versie": versie},
                     files={"bestand": ("plannen.csv", out.getvalue().encode("utf-8"), "text/csv")})  # fmt: skip
    assert upload.status_code == 200, upload.text
    assert upload.json()["uitkomst"]["bijgewerkt"] == 1 and upload.json()["programmaVersie"] == versie + 1
    plans = gm.get(f"{API}/warmteprogrammas/{pid}/buurtplannen").json()["resultaten"]
    assert next(p for p in plans if p["buurtCode"] == "BU05050102")["fase"] == "planvorming"
    stale = gm.post(f"{API}/warmteprogrammas/{pid}/buurtplannen/import", headers=HEADERS, data={"versie": versie},
                    files={"bestand": ("plannen.csv", text.content, "text/csv")})  # fmt: skip
    problem(stale, 409)


def test_lifecycle_documents_and_publications(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    designate(gm, pid, 1)
    # adoption is refused while a blocking check fails, listing the checks
    refused = gm.post(f"{API}/warmteprogrammas/{pid}/status", headers=HEADERS,
                      json={"versie": 2, "status": "vastgesteld", "datum": date.today().isoformat(),
                            "besluitReferentie": "Raadsbesluit 2026/12"})  # fmt: skip
    body = problem(refused, 409)
    assert "vaststellen kan nog niet" in body["detail"] and "cannot adopt yet" in body["detail"]
    assert "haalbaarBetaalbaar" in {p["name"] for p in body["invalidParams"]}
    # a missing date and reference are field errors
    missing = gm.post(f"{API}/warmteprogrammas/{pid}/status", headers=HEADERS,
                      json={"versie": 2, "status": "vastgesteld"})  # fmt: skip
    assert {"datum", "besluitReferentie"} <= {p["name"] for p in problem(missing, 400)["invalidParams"]}
    # live documents
    pdf = gm.get(f"{API}/warmteprogrammas/{pid}/document.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'attachment; filename="warmteprogramma-GM0505-v1-concept.pdf"' == pdf.headers["content-disposition"]
    docx = gm.get(f"{API}/warmteprogrammas/{pid}/document.docx")
    assert docx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    html = gm.get(f"{API}/warmteprogrammas/{pid}/document.html")
    assert html.headers["content-type"].startswith("text/html") and "Dordrecht" in html.text
    assert html.headers["content-disposition"].startswith("inline")
    assert gm.get(f"{API}/warmteprogrammas/{pid}/document.html", params={"taal": "en"}).status_code == 200
    problem(client_as(None).get(f"{API}/warmteprogrammas/{pid}/document.pdf"), 401)  # a concept is not public
    # to consultation: the documents are published, the version becomes public
    consult = gm.post(f"{API}/warmteprogrammas/{pid}/status", headers=HEADERS,
                      json={"versie": 2, "status": "consultatie", "consultatieTot": "2099-01-31"})  # fmt: skip
    assert consult.status_code == 200, consult.text
    assert (consult.json()["status"], consult.json()["versie"]) == ("consultatie", 3)
    anonymous = client_as(None)
    assert [p["id"] for p in anonymous.get(f"{API}/warmteprogrammas").json()["resultaten"]] == [pid]
    assert anonymous.get(f"{API}/warmteprogrammas/{pid}/document.pdf").content.startswith(b"%PDF")
    pubs = anonymous.get(f"{API}/warmteprogrammas/{pid}/publicaties").json()["resultaten"]
    assert sorted(p["formaat"] for p in pubs) == ["docx", "html", "pdf"]
    assert all(p["publicatie"] == "consultatie" and len(p["sha256"]) == 64 for p in pubs)
    stored_pdf = next(p for p in pubs if p["formaat"] == "pdf")
    got = anonymous.get(stored_pdf["href"])
    assert got.content.startswith(b"%PDF") and got.headers["etag"] == f'"{stored_pdf["sha256"]}"'
    assert got.headers["content-type"] == "application/pdf" and "attachment" in got.headers["content-disposition"]
    problem(anonymous.get(f"{API}/warmteprogrammas/{pid}/publicaties/999999"), 404)
    # back to draft, make the checks pass, adopt
    back = gm.post(f"{API}/warmteprogrammas/{pid}/status", json={"versie": 3, "status": "concept"}, headers=HEADERS)
    assert back.json()["status"] == "concept"
    designate(gm, pid, 4, aanwijzen=False)
    problem(gm.delete(f"{API}/warmteprogrammas/{pid}", params={"versie": 5}, headers=HEADERS), 409)  # published
    make_adoptable(gm, pid)
    versie = gm.get(f"{API}/warmteprogrammas/{pid}").json()["versie"]
    adopted = gm.post(
        f"{API}/warmteprogrammas/{pid}/status",
        headers=HEADERS,
        json={
            "versie": versie,
            "status": "vastgesteld",
            "datum": "2026-06-30",
            "besluitReferentie": "Raadsbesluit 2026/12",
            "vastgesteldDoor": "gemeenteraad",
        },
    )
    assert adopted.status_code == 200, adopted.text
    body = adopted.json()
    assert (body["status"], body["vastgesteldOp"], body["actualisatieUiterlijk"]) == (
        "vastgesteld",
        "2026-06-30",
        "2031-06-30",
    )
    # immutable: every edit refused with a bilingual 409
    immutable = problem(gm.patch(f"{API}/warmteprogrammas/{pid}", json={"versie": body["versie"], "titel": "x"},
                                 headers=HEADERS), 409)  # fmt: skip
    assert "nieuwe versie" in immutable["detail"] and "new version" in immutable["detail"]
    assert len(gm.get(f"{API}/warmteprogrammas/{pid}/publicaties").json()["resultaten"]) == 6
    # a new version copies the adopted one and looks back on it
    second = create(gm)
    assert (second["volgnummer"], second["vorigeId"], second["status"]) == (2, pid, "concept")
    look = gm.get(f"{API}/warmteprogrammas/{second['id']}/terugblik")
    assert look.status_code == 200 and look.json()["vorigeId"] == pid and look.json()["rijen"]
    # a concept without publications can be deleted (with its version)
    problem(gm.delete(f"{API}/warmteprogrammas/{second['id']}", params={"versie": 99}, headers=HEADERS), 409)
    deleted = gm.delete(f"{API}/warmteprogrammas/{second['id']}", headers={**HEADERS, "If-Match": '"1"'})
    assert deleted.status_code == 204
    problem(gm.get(f"{API}/warmteprogrammas/{second['id']}"), 404)


# ------------------------------------------------------------------------------------------- partners, region


def test_partners_and_participation(client_as):
    gm = client_as("gm")
    made = gm.post(f"{API}/gemeenten/GM0505/partners", headers=HEADERS,
                   json={"organisatie": "Stedin", "soort": "netbeheerder", "contactpersoon": "A. Jansen",
                         "email": "a.jansen@stedin.example"})  # fmt: skip
    assert made.status_code == 201, made.text
    partner = made.json()
    assert made.headers["location"] == f"{API}/partners/{partner['id']}" and partner["actief"] is True
    problem(gm.post(f"{API}/gemeenten/GM0505/partners", json={"organisatie": "X", "soort": "bank"}, headers=HEADERS),
            422)  # fmt: skip
    bad_mail = gm.post(
        f"{API}/gemeenten/GM0505/partners",
        json={"organisatie": "X", "soort": "overig", "email": "geen-adres"},
        headers=HEADERS,
    )
    assert problem(bad_mail, 400)["invalidParams"][0]["name"] == "email"
    edited = gm.patch(f"{API}/partners/{partner['id']}", json={"rol": "Netbeheer elektriciteit"}, headers=HEADERS)
    assert edited.json()["rol"] == "Netbeheer elektriciteit"
    moment = gm.post(f"{API}/gemeenten/GM0505/participatie", headers=HEADERS,
                     json={"datum": "2026-02-10", "soort": "bijeenkomst", "titel": "Inloopavond Buurt 1",
                           "partnerIds": [partner["id"]], "buurtCodes": ["BU05050101"], "aantalDeelnemers": 40,
                           "inbreng": "Vragen over de planning"})  # fmt: skip
    assert moment.status_code == 201, moment.text
    mid = moment.json()["id"]
    assert moment.json()["partnerIds"] == [partner["id"]] and moment.json()["reactie"] is None
    answered = gm.patch(f"{API}/participatie/{mid}", json={"reactie": "Planning toegelicht"}, headers=HEADERS)
    assert answered.json()["reactie"] == "Planning toegelicht"
    bad = gm.post(
        f"{API}/gemeenten/GM0505/participatie",
        headers=HEADERS,
        json={"datum": "2026-02-10", "soort": "bijeenkomst", "titel": "x", "buurtCodes": ["BU05900101"]},
    )
    assert problem(bad, 400)["invalidParams"][0]["name"] == "buurtCodes"
    # personal data: the gemeente and its coordinator read; others not; only the gemeente edits
    for who in ("gm", "co", "admin"):
        assert len(client_as(who).get(f"{API}/gemeenten/GM0505/partners").json()["resultaten"]) == 1
        assert len(client_as(who).get(f"{API}/gemeenten/GM0505/participatie").json()["resultaten"]) == 1
    for who in ("pap", "co17", "kijker"):
        problem(client_as(who).get(f"{API}/gemeenten/GM0505/partners"), 403)
        problem(client_as(who).get(f"{API}/gemeenten/GM0505/participatie"), 403)
    problem(client_as(None).get(f"{API}/gemeenten/GM0505/partners"), 401)
    problem(client_as("co").post(f"{API}/gemeenten/GM0505/partners", json={"organisatie": "Y", "soort": "overig"},
                                 headers=HEADERS), 403)  # fmt: skip
    problem(client_as("pap").delete(f"{API}/partners/{partner['id']}", headers=HEADERS), 403)
    # erasure: the partner disappears, also from the log
    assert gm.delete(f"{API}/partners/{partner['id']}", headers=HEADERS).status_code == 204
    assert gm.get(f"{API}/gemeenten/GM0505/participatie").json()["resultaten"][0]["partnerIds"] == []
    assert gm.delete(f"{API}/participatie/{mid}", headers=HEADERS).status_code == 204
    problem(gm.delete(f"{API}/participatie/{mid}", headers=HEADERS), 404)


def test_regional_overview(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    designate(gm, pid, 1)
    overview = client_as("co").get(f"{API}/regios/ES16/warmteprogrammas")
    assert overview.status_code == 200, overview.text
    body = overview.json()
    assert body["regio"]["code"] == "ES16" and body["deadline"] == "2026-12-31"
    rows = {g["code"]: g for g in body["gemeenten"]}
    assert set(rows) == {"GM0505", "GM0590"}
    assert rows["GM0505"]["programma"]["id"] == pid and rows["GM0505"]["programma"]["status"] == "concept"
    assert rows["GM0505"]["toetsenFout"] >= 1 and rows["GM0590"]["programma"] is None
    assert [r["jaar"] for r in body["perJaar"]] == [2027] and body["perJaar"][0]["perGemeente"] == {"GM0505": 1}
    assert isinstance(body["conflicten"], list) and body["plannen"]
    # the gemeente sees its region, the coordinator of another region does not; anonymous must log in
    assert client_as("gm").get(f"{API}/regios/ES16/warmteprogrammas").status_code == 200
    assert client_as("admin").get(f"{API}/regios/ES16/warmteprogrammas").status_code == 200
    problem(client_as("co17").get(f"{API}/regios/ES16/warmteprogrammas"), 403)
    problem(client_as("utr").get(f"{API}/regios/ES16/warmteprogrammas"), 403)
    problem(client_as(None).get(f"{API}/regios/ES16/warmteprogrammas"), 401)
    problem(client_as("co").get(f"{API}/regios/ES99/warmteprogrammas"), 404)
