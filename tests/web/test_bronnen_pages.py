"""The heat-source registry pages: registry with map container, filters and table; a source with its figures,
evidence, history and the edit form (CSRF, reason required, version conflict shown as a message, retire/restore);
the new-source form; permissions. Both databases, on the small ES16 region of ``conftest``."""

from __future__ import annotations

import base64
import json
import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.services import bronnen
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.web.i18n import LANGUAGE_COOKIE

pytestmark = pytest.mark.db

CSRF = "bronnen-pagina-token"


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def world(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids = {}
    with session_scope(make_sessionmaker(seeded)) as s:
        for key, rol, extra in (("co", "regiocoordinator", {"res_code": "ES16"}), ("kijker", "viewer", {})):
            u = accounts.create_user(s, email=f"{key}@example.nl", naam=key.title(), password="-" * 12, rol=rol,
                                     **extra)  # fmt: skip
            s.flush()
            ids[key] = u.id
        bronnen.update_source(s, "AVI0001", {"eindjaar": 2035}, user=None, reden="scenario sluiting", system=True,
                              bewijs={"eindjaar": {"bron": "aanname demo", "toelichting": "scenario, geen feit",
                                                   "url": "https://example.nl/avi"}})  # fmt: skip
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


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The text inputs, textareas and selected options of one form, as a browser would submit them."""
    form = html[html.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    values: dict[str, str] = {}
    for m in re.finditer(r"<input([^>]*)>", form):
        attrs = m.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', attrs)
        if kind and kind.group(1) == "checkbox" and "checked" not in attrs:
            continue
        value = re.search(r'value="([^"]*)"', attrs)
        values[name.group(1)] = value.group(1) if value else ""
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        values[m.group(1)] = chosen.group(1) if chosen else ""
    return values


def test_registry_page(client_as):
    client = client_as(None)
    assert "Kies een regio" in client.get("/bronnen").text
    html = client.get("/bronnen", params={"regio": "ES16"}).text
    assert 'id="wr-bronnenkaart"' in html and "/api/v1/warmtebronnen?regio=ES16&amp;formaat=geojson" in html
    table = html[html.index('id="wr-bronnentabel"') :]
    assert [c for c in re.findall(r'data-code="([^"]+)"', table)] == ["AVI0001", "DC0003", "TEO0002"]
    assert "Afvalverbranding" in table and "2035" in table
    assert "formaat=csv" in html and "formaat=xlsx" in html
    assert "wr-nieuwe-bron" not in html  # anonymous
    lt = client.get("/bronnen", params={"regio": "ES16", "temperatuurklasse": "LT"}).text
    assert re.findall(r'data-code="([^"]+)"', lt) == ["DC0003", "TEO0002"]
    assert "temperatuurklasse=LT" in lt
    assert client.get("/bronnen", params={"regio": "ES99"}).status_code == 404
    # the coordinator lands on her own region and may add sources
    own = client_as("co").get("/bronnen").text
    assert 'id="wr-nieuwe-bron"' in own and "Warmtebronnen bij regio Drechtsteden" in own
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert (
        "Heat sources of region Drechtsteden" in client.get("/bronnen", params={"regio": "ES16"}).text
        or "Map of the heat sources of region Drechtsteden" in client.get("/bronnen", params={"regio": "ES16"}).text
    )


def test_source_page_shows_figures_evidence_history(client_as):
    html = client_as("kijker").get("/bronnen/AVI0001").text
    rows = html[html.index('id="wr-brongegevens"') :]
    eind = rows[rows.index('data-veld="eindjaar"') :]
    eind = eind[: eind.index("</tr>")]
    assert "2035" in eind and "aanname demo. scenario, geen feit" in eind and 'href="https://example.nl/avi"' in eind
    assert "1.500.000 GJ/jaar" in rows and "60,0 MW" in rows
    history = html[html.index('id="wr-bronhistorie"') :]
    assert 'data-versie="2"' in history and "scenario sluiting" in history and "Eindjaar: – → 2035" in history
    assert 'id="wr-bron-wijzig"' not in html and "wr-geen-wijzigrecht" in html
    assert client_as(None).get("/bronnen/ONBEKEND").status_code == 404
    assert client_as(None).get("/bronnen/bron met spaties").status_code == 404


def test_edit_form_round_trip_conflict_and_retire(client_as):
    co = client_as("co")
    html = co.get("/bronnen/AVI0001").text
    fields = form_fields(html, "wr-bron-wijzig")
    assert fields["versie"] == "2" and fields["beschikbaar_gj_per_jaar"] == "1500000"
    assert fields["bewijs_eindjaar_bron"] == "aanname demo"
    assert fields.pop("csrf_token") == CSRF
    # submitting the form unchanged with a reason changes nothing (no new version)
    same = co.post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "reden": "niets"}, follow_redirects=False)
    assert same.status_code == 303
    assert 'data-versie="3"' not in co.get("/bronnen/AVI0001").text
    # without CSRF: 403; without reason: 422 with the message next to the field
    assert co.post("/bronnen/AVI0001", data={**fields, "reden": "x"}).status_code == 403
    no_reason = co.post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "capaciteit_mw": "70"})
    assert no_reason.status_code == 422 and "geef een reden voor de wijziging" in no_reason.text
    assert 'id="wijzig-reden-fout"' in no_reason.text and 'value="70"' in no_reason.text
    bad = co.post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "temperatuur_c": "300", "reden": "x"})
    assert bad.status_code == 422 and 'id="veld-temperatuur_c-fout"' in bad.text
    assert "aanvoertemperatuur: 300 °C is groter dan het maximum 200 °C" in bad.text
    ok = co.post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "capaciteit_mw": "70", "temperatuur_c": "120",
                                           "bewijs_temperatuur_c_bron": "jaarverslag", "reden": "nieuwe ketel"},
                 follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == "/bronnen/AVI0001?opgeslagen=1"
    page = co.get(ok.headers["location"]).text
    assert "opgeslagen als versie 3" in page and "Capaciteit: 60,0 MW → 70,0 MW" in page and "nieuwe ketel" in page
    # the old form (version 2) again: a clear conflict message, nothing written
    stale = co.post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "capaciteit_mw": "80", "reden": "oud"})
    assert stale.status_code == 409 and 'id="wr-bron-conflict"' in stale.text
    assert "iemand anders heeft deze bron intussen gewijzigd" in stale.text
    retire = co.post("/bronnen/AVI0001", data={"csrf_token": CSRF, "actie": "buiten_gebruik", "versie": "3",
                                               "reden": "sluit"}, follow_redirects=False)  # fmt: skip
    assert retire.status_code == 303
    page = co.get("/bronnen/AVI0001").text
    assert 'id="wr-bron-buiten-gebruik"' in page and "Herstel deze bron" in page
    restore = co.post("/bronnen/AVI0001", data={"csrf_token": CSRF, "actie": "herstel", "reden": ""})
    assert restore.status_code == 422 and 'id="status-reden-fout"' in restore.text
    # others may not post
    assert client_as("kijker").post("/bronnen/AVI0001", data={**fields, "csrf_token": CSRF, "reden": "x"}
                                    ).status_code == 403  # fmt: skip
    assert client_as(None).post("/bronnen/AVI0001", data={"csrf_token": CSRF}, follow_redirects=False
                                ).status_code in (303, 403)  # fmt: skip


def test_new_source_form(client_as):
    assert client_as(None).get("/bronnen/nieuw", follow_redirects=False).status_code == 303
    assert client_as("kijker").get("/bronnen/nieuw").status_code == 403
    co = client_as("co")
    html = co.get("/bronnen/nieuw").text
    assert 'id="wr-bron-maak"' in html and 'name="bewijs_beschikbaar_gj_per_jaar_bron"' in html
    data = {"csrf_token": CSRF, "code": "DC9", "naam": "Datacenter Dordrecht", "categorie": "datacenter",
            "temperatuurklasse": "LT", "status": "gepland", "x": "104500", "y": "424500",
            "beschikbaar_gj_per_jaar": "25000,5", "bewijs_beschikbaar_gj_per_jaar_bron": "opgave"}  # fmt: skip
    bad = co.post("/bronnen", data={**data, "y": "52,3"})
    assert bad.status_code == 422 and "buiten Nederland" in bad.text and 'value="Datacenter Dordrecht"' in bad.text
    made = co.post("/bronnen", data=data, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/bronnen/DC9?opgeslagen=1"
    page = co.get("/bronnen/DC9").text
    assert "25.000 GJ/jaar" in page and "opgave" in page and "GM0505" in page
    duplicate = co.post("/bronnen", data=data)
    assert duplicate.status_code == 409 and "bestaat al" in duplicate.text
    far = co.post("/bronnen", data={**data, "code": "VER", "x": "190000", "y": "500000"})
    assert far.status_code == 403
