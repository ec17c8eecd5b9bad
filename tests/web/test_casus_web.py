"""Workshop cases on the web: the API (login, CSRF, permissions, problem+json, 409 after closing, decision log as
HTML and tagged PDF) and the pages (list, create form, weights form without and with htmx, polling fragment).
Both databases, on the small ES16 region of ``conftest`` with an assessment run."""

from __future__ import annotations

import base64
import json
import re
import zlib

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.services import assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import User
from warmteregio.web.api import API_VERSION
from warmteregio.web.i18n import LANGUAGE_COOKIE

pytestmark = pytest.mark.db

API = "/api/v1"
CSRF = "casus-csrf-token"
CRITERIA = ["nationale_meerkosten", "duurzaamheidszorg"]
HEADERS = {"X-CSRF-Token": CSRF}


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def world(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    """ES16 with a finished run; a coordinator, two participants, an outsider (users log in by cookie only)."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids = {}
    with session_scope(make_sessionmaker(seeded)) as s:
        for key, email, rol, extra in (
            ("co", "co@example.nl", "regiocoordinator", {"res_code": "ES16"}),
            ("anna", "anna@example.nl", "viewer", {}),
            ("bob", "bob@example.nl", "gemeente", {"gemeente_code": "GM0505"}),
            ("buiten", "buiten@example.nl", "viewer", {}),
        ):
            u = accounts.create_user(s, email=email, naam=key.title(), password="-" * 12, rol=rol, **extra)
            s.flush()
            ids[key] = u.id
        run = assessment.start_run(s, "ES16", "vesta2020", None, 2030, None, s.get(User, ids["co"]))
        assert run.status == "klaar", run.foutmelding
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


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status and " / " in body["detail"]
    return body


def create(client: TestClient, **body) -> dict:
    payload = {"titel": "Dordrecht-Noord", "regio": "ES16", "criteria": CRITERIA} | body
    response = client.post(f"{API}/casussen", json=payload, headers=HEADERS)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def case(client_as) -> int:
    co = client_as("co")
    cid = create(co)["id"]
    for email in ("anna@example.nl", "bob@example.nl"):
        assert co.post(f"{API}/casussen/{cid}/deelnemers", json={"email": email}, headers=HEADERS).status_code == 201
    return cid


def submit(client: TestClient, cid: int, nk: float, co2: float, algemeen: str = "") -> object:
    body = {"gewichten": {"nationale_meerkosten": nk, "duurzaamheidszorg": co2}, "argumenten": {"algemeen": algemeen}}
    return client.post(f"{API}/casussen/{cid}/inbreng", json=body, headers=HEADERS)


# ------------------------------------------------------------------------------------------------ API


def test_api_create_needs_login_csrf_and_permission(client_as) -> None:
    body = {"titel": "t", "regio": "ES16"}
    assert_problem(client_as(None).post(f"{API}/casussen", json=body, headers=HEADERS), 401)
    co = client_as("co")
    assert_problem(co.post(f"{API}/casussen", json=body), 403)  # no CSRF header
    assert_problem(co.post(f"{API}/casussen", json=body, headers={"X-CSRF-Token": "vals"}), 403)
    assert_problem(client_as("anna").post(f"{API}/casussen", json=body, headers=HEADERS), 403)  # a viewer
    created = co.post(f"{API}/casussen", json=body | {"criteria": CRITERIA}, headers=HEADERS)
    assert created.status_code == 201
    doc = created.json()
    assert created.headers["location"] == f"{API}/casussen/{doc['id']}"
    assert doc["regioCode"] == "ES16" and doc["beoordeling"] and doc["status"] == "open"
    assert doc["criteria"] == CRITERIA and len(doc["varianten"]) > 1
    assert doc["deelnemers"][0]["rol"] == "begeleider" and doc["_links"]["besluitenlogPdf"]["href"].endswith("pdf")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"criteria": ["geen_criterium"]}, 400),
        ({"buurten": ["BU99999999"]}, 400),
        ({"regio": "ES99"}, 404),
        ({"methode": "loting"}, 422),
        ({"titel": ""}, 422),
        ({"beoordeling": 0}, 422),
    ],
)
def test_api_create_bad_input_is_a_problem(client_as, body: dict, status: int) -> None:
    payload = {"titel": "t", "regio": "ES16"} | body
    assert_problem(client_as("co").post(f"{API}/casussen", json=payload, headers=HEADERS), status)


def test_api_visibility_participants_and_inbreng(client_as, case: int, world: dict) -> None:
    outsider, anna, co = client_as("buiten"), client_as("anna"), client_as("co")
    for path in ("", "/inbreng", "/resultaat", "/besluitenlog"):
        assert_problem(outsider.get(f"{API}/casussen/{case}{path}"), 404)
    assert_problem(client_as(None).get(f"{API}/casussen/{case}"), 401)
    assert outsider.get(f"{API}/casussen").json()["resultaten"] == []
    assert [c["id"] for c in anna.get(f"{API}/casussen").json()["resultaten"]] == [case]
    assert_problem(submit(outsider, case, 1, 1), 404)
    assert_problem(submit(anna, case, 0, 0), 400)
    assert_problem(submit(anna, case, 1, 101), 400)
    text_weight = {"gewichten": {"duurzaamheidszorg": "veel"}}
    bad = anna.post(f"{API}/casussen/{case}/inbreng", json=text_weight, headers=HEADERS)
    assert_problem(bad, 422)
    first = submit(anna, case, 80, 20, "Kosten wegen zwaar")
    assert first.status_code == 201 and first.json()["versie"] == 1
    assert submit(anna, case, 60, 40).json()["versie"] == 2
    history = co.get(f"{API}/casussen/{case}/inbreng").json()
    assert history["totaal"] == 2 and [i["versie"] for i in history["resultaten"]] == [1, 2]
    latest = co.get(f"{API}/casussen/{case}/inbreng", params={"alleenLaatste": "true"}).json()
    assert latest["totaal"] == 1 and latest["resultaten"][0]["gewichten"] == {"nationale_meerkosten": 60.0,
                                                                              "duurzaamheidszorg": 40.0}  # fmt: skip
    assert_problem(anna.post(f"{API}/casussen/{case}/deelnemers", json={"email": "buiten@example.nl"},
                             headers=HEADERS), 403)  # fmt: skip
    assert_problem(co.post(f"{API}/casussen/{case}/deelnemers", json={"email": "nie@mand.nl"}, headers=HEADERS), 404)
    gone = co.delete(f"{API}/casussen/{case}/deelnemers/{world['ids']['anna']}", headers=HEADERS)
    assert gone.status_code == 204
    assert_problem(anna.get(f"{API}/casussen/{case}"), 404)
    assert_problem(co.delete(f"{API}/casussen/{case}/deelnemers/{world['ids']['anna']}", headers=HEADERS), 404)


def test_api_results_close_409_and_decision_log(client_as, case: int) -> None:
    anna, bob, co = client_as("anna"), client_as("bob"), client_as("co")
    assert submit(anna, case, 100, 0, "<script>alert('x')</script> & meer").status_code == 201
    assert submit(bob, case, 0, 100, "CO2 eerst").status_code == 201
    res = co.get(f"{API}/casussen/{case}/resultaat")
    assert res.status_code == 200
    body = res.json()
    assert {"deelnemers", "buurten", "overeenstemming", "eensgezindAandeel", "gelijkenis", "spreiding",
            "nSamples", "drempel"} <= set(body)  # fmt: skip
    assert [d["naam"] for d in body["deelnemers"]] == ["Anna", "Bob"]
    buurt = body["buurten"][0]
    assert {"buurtCode", "groepskeuze", "acceptatie", "robuust", "omstreden", "meestGekozen"} <= set(buurt)
    assert body["gelijkenis"][0]["cosinus"] == pytest.approx(0.0)
    assert_problem(anna.patch(f"{API}/casussen/{case}", json={"status": "gesloten", "besluit": "x"},
                              headers=HEADERS), 403)  # fmt: skip
    assert_problem(co.patch(f"{API}/casussen/{case}", json={"status": "open", "besluit": "x"}, headers=HEADERS), 422)
    closed = co.patch(f"{API}/casussen/{case}", json={"status": "gesloten", "besluit": "Warmtepomp in Noord."},
                      headers=HEADERS)  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "gesloten"
    assert closed.json()["besluit"] == "Warmtepomp in Noord."
    refused = assert_problem(submit(anna, case, 1, 1), 409)
    assert "gesloten" in refused["detail"] and "closed" in refused["detail"]
    frozen = co.get(f"{API}/casussen/{case}/resultaat").json()
    assert frozen["buurten"] == body["buurten"] and frozen["deelnemers"] == body["deelnemers"]
    html = co.get(f"{API}/casussen/{case}/besluitenlog")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    text = html.text
    assert '<html lang="nl">' in text and "<title>Besluitenlog: Dordrecht-Noord</title>" in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; meer" in text and "<script>alert" not in text
    assert "CO2 eerst" in text and "Warmtepomp in Noord." in text and "vesta2020" in text
    pdf = co.get(f"{API}/casussen/{case}/besluitenlog", params={"formaat": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert_tagged_pdf(pdf.content)
    assert_problem(co.get(f"{API}/casussen/{case}/besluitenlog", params={"formaat": "doc"}), 422)


def test_decision_log_is_final_after_closing_and_english(client_as, case: int) -> None:
    anna, co = client_as("anna"), client_as("co")
    submit(anna, case, 70, 30, "Betaalbaarheid")
    co.patch(f"{API}/casussen/{case}", json={"status": "gesloten", "besluit": "Klaar."}, headers=HEADERS)
    strip = re.compile(r"Gegenereerd op [^<]*|<meta name=\"dcterms.created\"[^>]*>")
    first = co.get(f"/casussen/{case}/besluitenlog").text
    second = co.get(f"/casussen/{case}/besluitenlog").text
    assert strip.sub("", first) == strip.sub("", second) and "Gegenereerd op" in first
    co.cookies.set(LANGUAGE_COOKIE, "en")
    english = co.get(f"/casussen/{case}/besluitenlog").text
    assert '<html lang="en">' in english and "Decision log" in english and "Generated on" in english


# ------------------------------------------------------------------------------------------------ pages


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes plus its inflated streams (the catalogue may sit in a compressed object stream)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def assert_tagged_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert re.search(rb"/Lang\s*\(nl\)", objects)
    assert b"Besluitenlog" in objects or b"/Title" in objects


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_pages_need_login_and_hide_foreign_cases(client_as, case: int) -> None:
    anonymous = client_as(None)
    r = anonymous.get("/casussen", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert client_as("buiten").get(f"/casussen/{case}").status_code == 404
    viewer_page = client_as("buiten").get("/casussen").text
    assert "wr-casus-maak" not in viewer_page and "U neemt nog niet deel" in viewer_page


def test_coordinator_creates_a_case_through_the_form(client_as) -> None:
    co = client_as("co")
    page = co.get("/casussen")
    assert page.status_code == 200 and 'id="wr-casus-maak"' in page.text
    assert '<link rel="stylesheet" href="/static/css/casus.css">' in page.text
    form = {"csrf_token": csrf_from(page.text), "titel": "Via formulier", "regio": "ES16", "buurten": "",
            "varianten": "S1a, S4a", "methode": "gewogen_som", "criterium_duurzaamheidszorg": "1",
            "criterium_nationale_meerkosten": "1"}  # fmt: skip
    assert co.post("/casussen", data=form | {"csrf_token": "vals"}, follow_redirects=False).status_code == 403
    empty = co.post("/casussen", data=form | {"titel": " "}, follow_redirects=False)
    assert empty.status_code == 422 and 'aria-describedby="casus-titel-fout' in empty.text
    bad = co.post("/casussen", data=form | {"varianten": "S1a"}, follow_redirects=False)
    assert bad.status_code == 422 and "minstens 2 varianten" in bad.text
    r = co.post("/casussen", data=form, follow_redirects=False)
    assert r.status_code == 303
    cid = int(r.headers["location"].rsplit("/", 1)[1])
    doc = co.get(f"{API}/casussen/{cid}").json()
    assert doc["varianten"] == ["S1a", "S4a"] and sorted(doc["criteria"]) == sorted(CRITERIA)


def test_weights_form_without_and_with_htmx(client_as, case: int, world: dict) -> None:
    anna = client_as("anna")
    page = anna.get(f"/casussen/{case}")
    assert page.status_code == 200
    html = page.text
    assert 'type="range"' in html and 'id="getal-duurzaamheidszorg"' in html and 'hx-trigger="every 5s"' in html
    assert 'aria-live="polite"' in html and "wr-casus-geen-inbreng" in html
    token = csrf_from(html)
    base = {"csrf_token": token, "vorig_nationale_meerkosten": "50", "vorig_duurzaamheidszorg": "50",
            "schuif_nationale_meerkosten": "50", "schuif_duurzaamheidszorg": "50",
            "argument_algemeen": "Eerlijk <b>"}  # fmt: skip
    # without JavaScript: the number field of one criterion and the slider of the other were changed
    form = base | {
        "gewicht_nationale_meerkosten": "75",
        "gewicht_duurzaamheidszorg": "50",
        "schuif_duurzaamheidszorg": "10",
    }
    r = anna.post(f"/casussen/{case}/inbreng", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?opgeslagen=1#inbreng")
    latest = anna.get(f"{API}/casussen/{case}/inbreng").json()["resultaten"][-1]
    assert latest["gewichten"] == {"nationale_meerkosten": 75.0, "duurzaamheidszorg": 10.0}
    assert latest["argumenten"] == {"algemeen": "Eerlijk <b>"}
    saved = anna.get(f"/casussen/{case}?opgeslagen=1").text
    assert "zijn opgeslagen" in saved and "Eerlijk &lt;b&gt;" in saved and "Eerlijk <b>" not in saved
    wrong = anna.post(f"/casussen/{case}/inbreng", data=base | {"gewicht_nationale_meerkosten": "abc",
                                                               "gewicht_duurzaamheidszorg": "50"})  # fmt: skip
    assert wrong.status_code == 422
    assert 'id="gewicht-nationale_meerkosten-fout"' in wrong.text and 'aria-invalid="true"' in wrong.text
    zero = {
        "gewicht_nationale_meerkosten": "0",
        "gewicht_duurzaamheidszorg": "0",
        "schuif_duurzaamheidszorg": "0",
        "schuif_nationale_meerkosten": "0",
    }
    allzero = anna.post(f"/casussen/{case}/inbreng", data=base | zero)
    assert allzero.status_code == 422 and "minstens één gewicht" in allzero.text
    htmx = anna.post(f"/casussen/{case}/inbreng", headers={"HX-Request": "true"},
                     data=base | {"gewicht_nationale_meerkosten": "20", "gewicht_duurzaamheidszorg": "80"})  # fmt: skip
    assert htmx.status_code == 200
    assert 'id="wr-inbreng"' in htmx.text and "<html" not in htmx.text and "versie 2" in htmx.text
    assert anna.post(f"/casussen/{case}/inbreng", data=form | {"csrf_token": "vals"}).status_code == 403
    assert client_as("buiten").post(f"/casussen/{case}/inbreng", data=form).status_code in (403, 404)


def test_results_fragment_polls_cheaply_and_shows_contested_buurten(client_as, case: int) -> None:
    anna, bob, co = client_as("anna"), client_as("bob"), client_as("co")
    submit(anna, case, 100, 0)
    submit(bob, case, 0, 100)
    fragment = co.get(f"/casussen/{case}/resultaat")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="wr-casus-winnaars"' in fragment.text and "Anna" in fragment.text and "Bob" in fragment.text
    assert 'hx-swap-oob="innerHTML"' in fragment.text
    stamp = re.search(r'sinds=([^"&]+)"', fragment.text).group(1)
    from urllib.parse import unquote

    assert co.get(f"/casussen/{case}/resultaat", params={"sinds": unquote(stamp)}).status_code == 204
    submit(anna, case, 90, 10)
    assert co.get(f"/casussen/{case}/resultaat", params={"sinds": unquote(stamp)}).status_code == 200
    res = co.get(f"{API}/casussen/{case}/resultaat").json()
    page = co.get(f"/casussen/{case}").text
    contested = {b["buurtCode"] for b in res["buurten"] if b["omstreden"]}
    assert contested  # costs against sustainability concerns, opposite weights: the mixtures split
    rows = re.findall(r'data-buurt="([^"]+)"', page.split('id="wr-casus-groepskeuze"', 1)[1].split("</table>", 1)[0])
    assert set(rows[: len(contested)]) == contested  # contested buurten come first
    assert "Besluitenlog (PDF)" in page and "wr-casus-sluit" in page  # the coordinator may close
    stamp = unquote(re.search(r'sinds=([^"&]+)"', co.get(f"/casussen/{case}/resultaat").text).group(1))
    co.patch(f"{API}/casussen/{case}", json={"status": "gesloten", "besluit": "Klaar."}, headers=HEADERS)
    after = co.get(f"/casussen/{case}/resultaat", params={"sinds": stamp})
    assert after.status_code == 200 and "every 5s" not in after.text  # open pages learn about the close, stop polling


def test_manage_forms_and_closing_through_pages(client_as, case: int, world: dict) -> None:
    co, anna = client_as("co"), client_as("anna")
    token = csrf_from(co.get(f"/casussen/{case}").text)
    r = co.post(f"/casussen/{case}/deelnemers", data={"csrf_token": token, "email": "buiten@example.nl"},
                follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert client_as("buiten").get(f"/casussen/{case}").status_code == 200
    unknown = co.post(f"/casussen/{case}/deelnemers", data={"csrf_token": token, "email": "x@y.nl"})
    assert unknown.status_code == 422 and "geen actieve gebruiker" in unknown.text
    r = co.post(f"/casussen/{case}/deelnemers/{world['ids']['buiten']}/verwijder", data={"csrf_token": token},
                follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and client_as("buiten").get(f"/casussen/{case}").status_code == 404
    anna_token = csrf_from(anna.get(f"/casussen/{case}").text)
    assert anna.post(f"/casussen/{case}/sluiten", data={"csrf_token": anna_token, "besluit": "x"}).status_code == 403
    r = co.post(f"/casussen/{case}/sluiten", data={"csrf_token": token, "besluit": "Besloten <i>"},
                follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = anna.get(f"/casussen/{case}").text
    assert "Besloten &lt;i&gt;" in page and 'id="wr-casus-inbreng"' not in page and "every 5s" not in page
    pdf = anna.get(f"/casussen/{case}/besluitenlog.pdf")
    assert pdf.status_code == 200
    assert_tagged_pdf(pdf.content)
