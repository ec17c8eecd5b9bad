"""The knowledge base API (issue 7): Dutch full-text search through the API ('warmtenetten' finds 'warmtenet',
'cooperatie' finds 'coöperatie'), create (201 + Location + ETag), read with visibility (anonymous only public items,
401/403/404 otherwise), edit with optimistic locking (If-Match, 409), attachments (upload refused by content: HTML
disguised as PDF -> 415, too large by Content-Length -> 413, before reading; downloads with Content-Disposition,
nosniff and a sandboxing CSP), related items with reasons, the retrospective of a meeting, and questions whose best
answer becomes a knowledge item. Both databases, on the small ES16 region of ``conftest``."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from PIL import Image
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.network import model as nm
from warmteregio.services import netwerk
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Bijeenkomst
from warmteregio.web.api import API_VERSION

pytestmark = pytest.mark.db

API = "/api/v1"
CSRF = "kennis-csrf-token"
HEADERS = {"X-CSRF-Token": CSRF}
USERS = (
    ("admin", "admin", {}),
    ("co", "regiocoordinator", {"res_code": "ES16"}),
    ("co17", "regiocoordinator", {"res_code": "ES17"}),
    ("gm", "gemeente", {"gemeente_code": "GM0505"}),
    ("kijker", "viewer", {}),
)


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def world(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Users of every role (no slow password hashing) and two meetings of ES16: one past, one next month."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids = {}
    with session_scope(make_sessionmaker(seeded)) as s:
        for key, rol, extra in USERS:
            u = accounts.create_user(s, email=f"{key}@example.nl", naam=f"{key.title()} Lid", password="-" * 12,
                                     rol=rol, **extra)  # fmt: skip
            s.flush()
            ids[key] = u.id
        nu = netwerk.now()
        for key, start in (("verleden", nu - timedelta(days=2)), ("toekomst", nu + timedelta(days=30))):
            b = Bijeenkomst(titel=f"Regiodag {key}", start=start, eind=start + timedelta(hours=4), locatie="Dordrecht",
                            doelgroep="leden", status="gepland", organisator_id=ids["co"], versie=1)  # fmt: skip
            s.add(b)
            s.flush()
            ids[key] = b.id
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


def item(client: TestClient, **fields) -> dict:
    body = {"soort": "praktijkverhaal", "titel": "Item", "zichtbaarheid": "leden", **fields}
    response = client.post(f"{API}/kennisitems", json=body, headers=HEADERS)
    assert response.status_code == 201, response.text
    return response.json()


def pdf() -> bytes:
    """A small, well-formed PDF."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]  # fmt: skip
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 20)).save(buf, "PNG")
    return buf.getvalue()


HTML_ALS_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


# ------------------------------------------------------------------------------------------------ search, visibility


def test_search_finds_stemmed_and_diacritics_and_respects_visibility(client_as):
    co = client_as("co")
    publiek = item(co, titel="Warmtenet in de binnenstad", samenvatting="Een collectief warmtenet op restwarmte.",
                   zichtbaarheid="publiek", themas=["warmtenetten"])  # fmt: skip
    assert publiek["_links"]["self"]["href"] == f"{API}/kennisitems/{publiek['id']}"
    leden = item(co, titel="De energiecoöperatie als partner", inhoud="Bewoners richten een **coöperatie** op.")
    regio = item(co, titel="Warmtenet Dordrecht regionaal", zichtbaarheid="regio", res_code="ES16")
    prive = item(co, titel="Privé warmtenet notitie", zichtbaarheid="prive")

    anoniem = client_as(None)
    found = anoniem.get(f"{API}/kennisitems", params={"q": "warmtenetten"}).json()
    assert [r["id"] for r in found["resultaten"]] == [publiek["id"]] and found["totaal"] == 1
    assert "warmtenet" in found["resultaten"][0]["fragment"].lower()
    kijker = client_as("kijker")  # a member outside the region
    ids = {r["id"] for r in kijker.get(f"{API}/kennisitems", params={"q": "warmtenetten"}).json()["resultaten"]}
    assert ids == {publiek["id"]}
    ids = {r["id"] for r in co.get(f"{API}/kennisitems", params={"q": "warmtenetten"}).json()["resultaten"]}
    assert ids == {publiek["id"], regio["id"], prive["id"]}
    hits = kijker.get(f"{API}/kennisitems", params={"q": "cooperatie"}).json()["resultaten"]
    assert [r["id"] for r in hits] == [leden["id"]]
    filtered = co.get(f"{API}/kennisitems", params={"thema": "warmtenetten", "regio": "ES16"}).json()
    assert [r["id"] for r in filtered["resultaten"]] == [publiek["id"]]
    problem(co.get(f"{API}/kennisitems", params={"regio": "XX"}), 400)
    problem(co.get(f"{API}/kennisitems", params={"thema": "warmte\x00netten"}), 422)  # PostgreSQL: no NUL

    assert anoniem.get(f"{API}/kennisitems/{publiek['id']}").status_code == 200
    problem(anoniem.get(f"{API}/kennisitems/{leden['id']}"), 401)
    problem(client_as("co17").get(f"{API}/kennisitems/{regio['id']}"), 403)
    problem(kijker.get(f"{API}/kennisitems/{prive['id']}"), 403)
    problem(co.get(f"{API}/kennisitems/999999"), 404)
    problem(anoniem.post(f"{API}/kennisitems", json={"soort": "studie", "titel": "x", "zichtbaarheid": "leden"}), 401)
    problem(co.post(f"{API}/kennisitems", json={"soort": "studie", "titel": "x", "zichtbaarheid": "leden"}), 403)
    body = problem(co.post(f"{API}/kennisitems", json={"soort": "studie", "titel": "x", "zichtbaarheid": "leden",
                                                       "weblinks": [{"url": "javascript:alert(1)"}]},
                           headers=HEADERS), 400)  # fmt: skip
    assert body["invalidParams"][0]["name"] == "links"
    beyond_integer = {"soort": "studie", "titel": "x", "zichtbaarheid": "leden", "casussen": [2**31]}
    problem(co.post(f"{API}/kennisitems", json=beyond_integer, headers=HEADERS), 422)


def test_edit_needs_the_current_version_and_delete(client_as):
    co = client_as("co")
    made = co.post(f"{API}/kennisitems", json={"soort": "studie", "titel": "Studie bronnen", "zichtbaarheid": "leden",
                                               "buurten": ["bu05050101"]}, headers=HEADERS)  # fmt: skip
    assert made.status_code == 201 and made.headers["location"].endswith(f"/kennisitems/{made.json()['id']}")
    assert made.headers["etag"] == '"1"' and made.json()["buurten"] == ["BU05050101"]
    url = f"{API}/kennisitems/{made.json()['id']}"
    problem(co.patch(url, json={"titel": "Nieuw"}, headers=HEADERS), 400)  # no version
    problem(co.patch(url, json={"titel": "Nieuw"}, headers={**HEADERS, "If-Match": '"7"'}), 409)
    problem(client_as("kijker").patch(url, json={"titel": "Nieuw", "versie": 1}, headers=HEADERS), 403)
    ok = co.patch(url, json={"titel": "Nieuw"}, headers={**HEADERS, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json()["titel"] == "Nieuw" and ok.headers["etag"] == '"2"'
    problem(co.delete(url), 403)  # no CSRF header
    assert co.delete(url, headers=HEADERS).status_code == 204
    problem(co.get(url), 404)


def test_attachments_refused_by_content_and_served_as_downloads(client_as, monkeypatch):
    co = client_as("co")
    it = item(co, titel="Handreiking met bijlagen", zichtbaarheid="publiek")
    url = f"{API}/kennisitems/{it['id']}/bijlagen"
    body = problem(co.post(url, files={"bestand": ("rapport.pdf", HTML_ALS_PDF, "application/pdf")},
                           headers=HEADERS), 415)  # fmt: skip
    assert "HTML" in body["detail"]
    problem(co.post(url, files={"bestand": ("rapport.pdf", pdf(), "application/pdf")}), 403)  # no CSRF
    made = co.post(url, files={"bestand": ("Rapport «warmte».pdf", pdf(), "application/pdf")},
                   data={"beschrijving": "Het rapport"}, headers=HEADERS)  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["mediatype"] == "application/pdf" and made.headers["location"] == made.json()["href"]
    download = client_as(None).get(made.json()["href"])
    assert download.status_code == 200 and download.content == pdf()
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in download.headers["content-security-policy"]
    foto = co.post(url, files={"bestand": ("zaal.png", png(), "image/png")}, data={"soort": "foto",
                   "beschrijving": "De zaal"}, headers=HEADERS).json()  # fmt: skip
    shown = co.get(foto["href"])
    assert shown.headers["content-type"] == "image/png" and shown.headers["content-disposition"].startswith("inline;")
    listed = co.get(url).json()["resultaten"]
    assert [b["soort"] for b in listed] == ["document", "foto"]
    # too large: refused from Content-Length, before the body is read
    monkeypatch.setattr(nm, "MAX_DOCUMENT_BYTES", 1000)
    body = problem(co.post(url, files={"bestand": ("groot.pdf", pdf() + bytes(300_000), "application/pdf")},
                           headers=HEADERS), 413)  # fmt: skip
    assert "te groot" in body["detail"]
    assert co.delete(foto["href"], headers=HEADERS).status_code == 204
    problem(co.get(foto["href"]), 404)


def test_related_items_name_their_reasons(client_as):
    co = client_as("co")
    doel = item(co, titel="Aquathermie in Centrum", buurten=["BU05050101"], strategieen=["S2a"], themas=["bronnen"])
    buur = item(co, titel="Warmtenet Centrum", buurten=["BU05050101"], strategieen=["S2b"])
    item(co, titel="Iets anders", themas=["participatie"])
    rows = co.get(f"{API}/kennisitems/{doel['id']}/gerelateerd").json()["resultaten"]
    assert [r["item"]["id"] for r in rows] == [buur["id"]]
    redenen = " ".join(r["nl"] for r in rows[0]["redenen"])
    assert "BU05050101" in redenen and rows[0]["score"] > 0


# ------------------------------------------------------------------------------------------------ retrospective


def test_retrospective_of_a_meeting(client_as, world):
    co = client_as("co")
    linked = item(co, titel="Workshopcasus Centrum", soort="workshopcasus")
    url = f"{API}/bijeenkomsten/{world['ids']['verleden']}/terugblik"
    problem(co.get(url), 404)
    problem(client_as("kijker").put(url, json={"inhoud": "x"}, headers=HEADERS), 403)
    toekomst = f"{API}/bijeenkomsten/{world['ids']['toekomst']}/terugblik"
    problem(co.put(toekomst, json={"inhoud": "x"}, headers=HEADERS), 409)
    saved = co.put(url, json={"inhoud": "We bespraken **warmtenetten** in Dordrecht.", "kennisitems": [linked["id"]],
                              "weblinks": [{"titel": "Verslag", "url": "https://example.org/verslag"}],
                              "status": "gepubliceerd"}, headers=HEADERS)  # fmt: skip
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["soort"] == "terugblik" and body["titel"] == "Terugblik: Regiodag verleden"
    assert body["kennisitems"] == [linked["id"]] and body["weblinks"][0]["url"] == "https://example.org/verslag"
    assert co.get(url).json()["id"] == body["id"]
    hits = client_as("kijker").get(f"{API}/kennisitems", params={"q": "warmtenet", "soort": "terugblik"}).json()
    assert [r["id"] for r in hits["resultaten"]] == [body["id"]]
    problem(co.put(url, json={"inhoud": "oud", "versie": 9}, headers=HEADERS), 409)


# ------------------------------------------------------------------------------------------------ questions


def test_question_answer_and_best_answer_becomes_knowledge(client_as):
    gm, co, kijker = client_as("gm"), client_as("co"), client_as("kijker")
    problem(client_as(None).get(f"{API}/vragen"), 401)
    asked = gm.post(f"{API}/vragen", json={"titel": "Hoe betrek je bewoners bij een warmtenet?",
                                           "tekst": "Wij zoeken ervaringen.", "themas": ["participatie"]},
                    headers=HEADERS)  # fmt: skip
    assert asked.status_code == 201 and asked.headers["location"].endswith(f"/vragen/{asked.json()['id']}")
    vid = asked.json()["id"]
    regionaal = gm.post(f"{API}/vragen", json={"titel": "Alleen ES16", "tekst": "x", "zichtbaarheid": "regio"},
                        headers=HEADERS).json()  # fmt: skip
    problem(kijker.get(f"{API}/vragen/{regionaal['id']}"), 403)
    answered = co.post(f"{API}/vragen/{vid}/antwoorden", json={"tekst": "Begin met een **bewonersavond**."},
                       headers=HEADERS)  # fmt: skip
    assert answered.status_code == 201 and answered.json()["aantalAntwoorden"] == 1
    antwoord = answered.json()["antwoorden"][0]
    assert antwoord["auteurNaam"] == "Co Lid"
    problem(kijker.put(f"{API}/vragen/{vid}/beste-antwoord", json={"antwoordId": antwoord["id"]}, headers=HEADERS), 403)
    best = gm.put(f"{API}/vragen/{vid}/beste-antwoord", json={"antwoordId": antwoord["id"]}, headers=HEADERS)
    assert best.status_code == 200 and best.json()["soort"] == "vraag_antwoord"
    assert "bewonersavond" in best.json()["inhoud"]
    vraag = kijker.get(f"{API}/vragen/{vid}").json()
    assert vraag["status"] == "beantwoord" and vraag["kennisitemId"] == best.json()["id"]
    assert vraag["antwoorden"][0]["beste"] is True
    hits = kijker.get(f"{API}/kennisitems", params={"q": "bewonersavonden"}).json()["resultaten"]
    assert [h["id"] for h in hits] == [best.json()["id"]]
    assert [v["id"] for v in kijker.get(f"{API}/vragen", params={"status": "beantwoord"}).json()["resultaten"]] == [vid]
