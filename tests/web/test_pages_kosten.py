"""Cost sections of the HTML pages: the run form on the region page (only for users who may edit the region,
with CSRF), the lowest-cost table with downloads and map data, and the cost chart and table on the buurt page.
Both databases, on the seeded region of ``conftest`` (ES16)."""

from __future__ import annotations

import base64
import json
import re
import sys
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.services import assessment
from warmteregio.store.db import make_sessionmaker, session_scope

pytestmark = pytest.mark.db

CSRF = "pagina-csrf-token"


def add_user(engine: Engine, email: str, rol: str, **kwargs) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return create_user(s, email=email, naam="Co Ördinator", password="correct horse battery", rol=rol, **kwargs).id


@pytest.fixture
def browser_for(client_for):
    """``browser_for(engine, user_id)``: a TestClient with a logged-in session (CSRF token ``CSRF``)."""

    def make(engine: Engine, user_id: int | None) -> TestClient:
        client = client_for(engine)
        data = {"csrf": CSRF} | ({"uid": user_id} if user_id is not None else {})
        signed = TimestampSigner(client.app.state.settings.secret_key).sign(base64.b64encode(json.dumps(data).encode()))
        client.cookies.set("warmteregio_sessie", signed.decode())
        return client

    return make


@pytest.fixture
def coordinator(seeded: Engine) -> int:
    return add_user(seeded, "co@example.nl", "regiocoordinator", res_code="ES16")


def submit(client: TestClient, regio: str = "ES16", token: str | None = CSRF, **fields):
    data = {"parameterset": "vesta2020|", "zichtjaar": "2030"} | fields
    if token is not None:
        data["csrf_token"] = token
    return client.post(f"/regio/{regio}/beoordelingen", data=data, follow_redirects=False)


class Svg(HTMLParser):
    """Collects the attributes of <svg> elements and whether they contain <title> and <desc>."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict] = []
        self.depth = 0
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag == "svg":
            self.svgs.append(dict(attrs) | {"_children": set()})
            self.depth += 1
        elif self.depth:
            self.svgs[-1]["_children"].add(tag)


# ----------------------------------------------------------------------------------------------- region page


def test_region_page_form_only_for_users_who_may_edit(seeded: Engine, coordinator: int, browser_for):
    with browser_for(seeded, None) as anonymous:
        page = anonymous.get("/regio/ES16").text
    assert 'id="kosten"' in page and "Er is nog geen kostenberekening voor deze regio." in page
    assert "wr-beoordeling-form" not in page
    other = add_user(seeded, "ander@example.nl", "regiocoordinator", res_code="ES17")
    with browser_for(seeded, other) as client:
        assert "wr-beoordeling-form" not in client.get("/regio/ES16").text
    with browser_for(seeded, coordinator) as client:
        page = client.get("/regio/ES16").text
    form = re.search(r'<form class="wr-form" method="post" action="/regio/ES16/beoordelingen".*?</form>', page, re.S)
    assert form, "the coordinator of ES16 sees the form"
    assert 'name="csrf_token" value="' in form.group(0)
    assert '<option value="vesta2020|">vesta2020</option>' in form.group(0)
    assert 'value="2030" selected' in form.group(0)


def test_form_starts_a_run_and_the_region_page_shows_its_results(seeded: Engine, coordinator: int, browser_for):
    with browser_for(seeded, coordinator) as client:
        response = submit(client)
        assert response.status_code == 303 and response.headers["location"] == "/regio/ES16#kosten"
        page = client.get("/regio/ES16").text
    with browser_for(seeded, None) as anonymous:
        public = anonymous.get("/regio/ES16").text
    for html in (page, public):
        assert 'id="wr-kostentabel"' in html
        table = html.split('id="wr-kostentabel"', 1)[1].split("</table>", 1)[0]
        assert table.count('<tr class="utrecht-table__row">') == 1 + 7  # header + seven buurten
        assert "Berekend met parameterset vesta2020 versie" in html and "zichtjaar 2030" in html
        match = re.search(r'data-kosten-url="(/api/v1/beoordelingen/(\d+)/laagste-kosten\?formaat=geojson)"', html)
        assert match
        run = match.group(2)
        assert f'href="/api/v1/beoordelingen/{run}/resultaten?formaat=csv"' in html
        assert f'href="/api/v1/beoordelingen/{run}/resultaten?formaat=xlsx"' in html
        assert 'id="wr-kaartlaag" hidden' in html and 'value="variant"' in html and 'value="h18"' in html
        assert 'id="wr-legenda-variant" hidden' in html and "S1: All-electric" in html
    assert "wr-beoordeling-form" not in public
    with browser_for(seeded, None) as anonymous:
        fc = anonymous.get(match.group(1)).json()
    assert len(fc["features"]) == 7


def test_form_is_refused_without_csrf_permission_or_login(seeded: Engine, coordinator: int, browser_for):
    with browser_for(seeded, coordinator) as client:
        assert submit(client, token=None).status_code == 403
        assert submit(client, token="fout").status_code == 403
        refused = submit(client, regio="ES17")
        assert refused.status_code == 403 and "geen toestemming" in refused.text
        assert submit(client, zichtjaar="1999").status_code == 422
        assert submit(client, parameterset="bestaat-niet|").status_code == 422
    with browser_for(seeded, None) as anonymous:
        response = submit(anonymous)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/regio/ES16")
        assert "wr-kostentabel" not in anonymous.get("/regio/ES16").text  # nothing was calculated


def test_form_without_engine_shows_503_and_stores_nothing(seeded, coordinator, browser_for, monkeypatch):
    monkeypatch.setitem(sys.modules, "warmteregio.engine.assess", None)
    with browser_for(seeded, coordinator) as client:
        response = submit(client)
        assert response.status_code == 503 and "Rekenkern niet beschikbaar" in response.text
        page = client.get("/regio/ES16").text
    assert "De rekenkern is in deze installatie niet beschikbaar." in page
    assert "wr-kostentabel" not in page


# ------------------------------------------------------------------------------------------------ buurt page


def test_buurt_page_shows_chart_table_and_provenance(seeded: Engine, coordinator: int, browser_for):
    with browser_for(seeded, None) as anonymous:
        before = anonymous.get("/buurt/BU05050102").text
    assert "Kosten per strategie" in before and "Voor deze buurt is nog geen kostenberekening gemaakt." in before
    with browser_for(seeded, coordinator) as client:
        assert submit(client).status_code == 303
    with browser_for(seeded, None) as anonymous:
        page = anonymous.get("/buurt/BU05050102").text
        english = anonymous.get("/taal?lang=en&terug=/buurt/BU05050102").text
    parser = Svg()
    parser.feed(page)
    charts = [s for s in parser.svgs if "wr-chart__svg" in s.get("class", "")]
    assert len(charts) == 1
    chart = charts[0]
    assert chart["role"] == "img" and chart["aria-label"]
    assert {"title", "desc", "rect", "text"} <= chart["_children"]
    assert "wr-chart__referentie" in page  # the reference total is drawn
    table = page.split('id="wr-kosten-per-strategie"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="utrecht-table__row">') == 1 + 25
    assert "S1a_B_LuchtWP" in table and "Referentie" in table
    for header in ("Elektriciteits- en gasnet", "Warmtenet", "Gebouw (schil en installatie)", "Variabele kosten",
                   ">H16<", ">H17<", ">H18<"):  # fmt: skip
        assert header in table
    assert "Berekend met parameterset vesta2020 versie" in page
    if assessment.enduser_tariffs() is not None:  # end-user figures packaged: monthly difference per variant
        assert "Verschil maandlasten eigenaar-bewoner (euro per maand)" in table
    assert "Costs per strategy" in english and "Calculated with parameter set vesta2020 version" in english


def test_form_override_and_what_changes(seeded: Engine, coordinator: int, browser_for):
    with browser_for(seeded, coordinator) as client:
        assert submit(client).status_code == 303
        assert "wr-verschillen" not in client.get("/regio/ES16").text  # one run: nothing to compare
        assert submit(client, kental="Ki_verw_g_laagb", waarde="9000,5").status_code == 303
        page = client.get("/regio/ES16").text
        bad = submit(client, kental="geen_kental", waarde="1")
        half = submit(client, kental="Ki_verw_g_laagb", waarde="")
        not_a_number = submit(client, kental="Ki_verw_g_laagb", waarde="veel")
    assert "Aangepaste waarden: Ki_verw_g_laagb=9000.5." in page
    assert "Vorige berekening: parameterset vesta2020" in page
    table = page.split('id="wr-verschillen"', 1)[1].split("</table>", 1)[0]
    variants = set(re.findall(r'<td class="utrecht-table__cell">([^<]+)</td>', table))
    assert variants and all(v.startswith(("S1", "S2", "S3")) for v in variants)  # only gas-grid removal changes
    assert not any(v.startswith(("S4", "Referentie")) for v in variants)
    assert bad.status_code == 422 and "onbekende parameter" in bad.text and "geen_kental" in bad.text
    assert half.status_code == 422 and "vul zowel het kental als de nieuwe waarde in" in half.text
    assert not_a_number.status_code == 422 and "is geen getal" in not_a_number.text
