"""The regional-network API, part 1 (issue 7): people (list with filters, create with 201 + Location, read with
ETag, change with If-Match, personal-data export, erasure, CSV import all-or-nothing), organisations, meetings
(create with agenda, read with occupancy, change, cancel), registration with workshop choice (full workshop ->
waiting list, change, cancel with promotion), participants and attendance, invitations (409 while e-mail is off;
sent to a real local SMTP server when on), the calendar download, the activity overview of a region and the audit
log. Bilingual problem+json errors, 401 for visitors, 403 for writes without the CSRF header or the right role.
Both databases, on a tiny two-region world seeded through the services."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts import service as accounts
from warmteregio.services import bijeenkomsten, netwerk, netwerk_leden
from warmteregio.settings import Settings
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Gemeente, Provincie, ResRegio, User
from warmteregio.web.api import API_VERSION
from warmteregio.web.app import create_app

pytestmark = pytest.mark.db

API = "/api/v1"
CSRF = "netwerk-csrf-token"
HEADERS = {"X-CSRF-Token": CSRF}
USERS = (
    ("admin", "admin", {}),
    ("co", "regiocoordinator", {"res_code": "ES18"}),
    ("co17", "regiocoordinator", {"res_code": "ES17"}),
    ("lid", "viewer", {}),
    ("lid2", "viewer", {}),
)


def cookie(secret: str, user_id: int) -> str:
    data = {"uid": user_id, "csrf": CSRF}
    return TimestampSigner(secret).sign(base64.b64encode(json.dumps(data).encode())).decode()


def iso(days: float, hour: int = 9, minute: int = 0) -> str:
    """A local (Dutch) date-time ``days`` from today at ``hour:minute``, as the forms and the API take it."""
    from datetime import date

    d = date.today() + timedelta(days=days)
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}"


def meeting_data(**extra) -> dict:
    """A members' meeting in 10 days: opening, two parallel workshops in round 1 (one with a single place) and a
    closing plenary."""
    return {
        "titel": "Regiodag warmtenetten",
        "omschrijving": "Kennis delen over warmtenetten.",
        "start": iso(10, 9),
        "eind": iso(10, 16),
        "locatie": "Stadhuis Dordrecht",
        "doelgroep": "leden",
        "capaciteit": 3,
        "onderdelen": [
            {"soort": "plenair", "titel": "Opening", "start": iso(10, 9), "eind": iso(10, 9, 30)},
            {
                "soort": "workshop",
                "titel": "Bronnen kiezen",
                "start": iso(10, 10),
                "eind": iso(10, 11),
                "ronde": 1,
                "capaciteit": 1,
                "zaal": "Zaal A",
            },
            {
                "soort": "workshop",
                "titel": "Participatie",
                "start": iso(10, 10),
                "eind": iso(10, 11),
                "ronde": 1,
                "zaal": "Zaal B",
            },
            {"soort": "plenair", "titel": "Afsluiting", "start": iso(10, 15), "eind": iso(10, 16)},
        ],
        **extra,
    }


@pytest.fixture
def world(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Two regions, users of every role, directory profiles of the coordinator and a member, and a meeting with two
    parallel workshops organised by the ES18 coordinator."""
    monkeypatch.setattr(accounts, "hash_password", lambda password: "-")
    ids: dict[str, int] = {}
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.flush()
        s.add_all([ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"),
                   ResRegio(code="ES17", naam="Hoeksche Waard", provincie_code="PV28")])  # fmt: skip
        s.flush()
        s.add(Gemeente(code="GM0505", jaar=2024, naam="Dordrecht", res_code="ES18", provincie_code="PV28"))
        for key, rol, extra in USERS:
            u = accounts.create_user(s, email=f"{key}@example.nl", naam=key.title(), password="-" * 12, rol=rol,
                                     **extra)  # fmt: skip
            s.flush()
            ids[key] = u.id
        admin = s.get(User, ids["admin"])
        co = netwerk_leden.create_persoon(s, admin, {"naam": "Co Ördinator", "email": "co@example.nl",
                                                     "rol": "coordinator", "res_code": "ES18",
                                                     "organisatie": "Regio Drechtsteden", "organisatie_soort": "res",
                                                     "expertise": "warmtenetten, participatie"})  # fmt: skip
        lid = netwerk_leden.create_persoon(s, admin, {"naam": "Lid Een", "email": "lid@example.nl", "rol": "contact",
                                                      "res_code": "ES18", "telefoon": "078 123 4567",
                                                      "functie": "Beleidsadviseur"})  # fmt: skip
        s.flush()
        b = bijeenkomsten.create_bijeenkomst(s, s.get(User, ids["co"]), meeting_data())
        s.flush()
        world = {"engine": engine, "ids": ids, "persoon_co": co.id, "persoon_lid": lid.id, "bijeenkomst": b.id,
                 "workshops": [o.id for o in b.onderdelen if o.soort == "workshop"]}  # fmt: skip
    return world


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


class Inbox:
    """aiosmtpd handler keeping every message's recipients."""

    def __init__(self) -> None:
        self.rcpt: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.rcpt.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp_client(world: dict) -> Iterator[tuple[TestClient, Inbox]]:
    """A client of the ES18 coordinator on an app whose settings point at a real local SMTP server."""
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    engine = world["engine"]
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), secret_key="smtp-test",
                        smtp_host="127.0.0.1", smtp_port=port, smtp_timeout_s=5)  # fmt: skip
    try:
        with TestClient(create_app(settings, engine)) as client:
            client.cookies.set("warmteregio_sessie", cookie("smtp-test", world["ids"]["co"]))
            yield client, inbox
    finally:
        controller.stop()


# ------------------------------------------------------------------------------------------------ people


def test_directory_read_create_edit_and_refusals(client_as, world):
    problem(client_as(None).get(f"{API}/personen"), 401)
    lid = client_as("lid")
    body = lid.get(f"{API}/personen").json()
    assert body["totaal"] == 2 and [p["naam"] for p in body["resultaten"]] == ["Co Ördinator", "Lid Een"]
    co = next(p for p in body["resultaten"] if p["naam"] == "Co Ördinator")
    assert co["organisatie"] == "Regio Drechtsteden" and co["expertise"] == ["warmtenetten", "participatie"]
    assert co["gekoppeld"] and co["email"] == "co@example.nl" and co["_links"]["self"]["href"].endswith(str(co["id"]))
    assert [p["naam"] for p in lid.get(f"{API}/personen", params={"q": "ordinator"}).json()["resultaten"]] == [
        "Co Ördinator"
    ]  # diacritics ignored
    assert lid.get(f"{API}/personen", params={"expertise": "Participatie"}).json()["totaal"] == 1
    assert lid.get(f"{API}/personen", params={"rol": "contact", "regio": "es18"}).json()["totaal"] == 1
    one = lid.get(f"{API}/personen/{world['persoon_lid']}")
    assert one.status_code == 200 and one.headers["etag"] == '"1"' and one.json()["telefoon"] == "078 123 4567"
    problem(lid.get(f"{API}/personen/999999"), 404)
    # ids beyond the INTEGER column in a body are refused (422), not a database error (500)
    problem(client_as("co").post(f"{API}/personen", json={"naam": "X", "organisatieId": 2**31}, headers=HEADERS), 422)

    nieuw = {
        "naam": "Nieuwe Expert",
        "email": "expert@example.nl",
        "rol": "expert",
        "organisatie": "Stedin",
        "organisatieSoort": "netbeheerder",
        "expertise": ["netcongestie"],
    }
    problem(lid.post(f"{API}/personen", json=nieuw, headers=HEADERS), 403)  # a member does not maintain the directory
    problem(client_as("co").post(f"{API}/personen", json=nieuw), 403)  # no CSRF header
    co_client = client_as("co")
    bad = problem(co_client.post(f"{API}/personen", json={"naam": " ", "email": "geen-adres", "telefoon": "x"},
                                 headers=HEADERS), 400)  # fmt: skip
    assert {p["name"] for p in bad["invalidParams"]} >= {"naam", "email", "telefoon"}
    made = co_client.post(f"{API}/personen", json=nieuw, headers=HEADERS)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{API}/personen/{made.json()['id']}"
    p = made.json()
    assert p["resCode"] == "ES18" and p["organisatie"] == "Stedin"  # the coordinator's region by default
    problem(client_as("co17").patch(f"{API}/personen/{p['id']}", json={"functie": "x", "versie": 1}, headers=HEADERS),
            403)  # fmt: skip
    stale = problem(co_client.patch(f"{API}/personen/{p['id']}", json={"functie": "Adviseur"},
                                    headers={**HEADERS, "If-Match": '"7"'}), 409)  # fmt: skip
    assert "versie" in stale["detail"]
    changed = co_client.patch(f"{API}/personen/{p['id']}", json={"functie": "Adviseur"},
                              headers={**HEADERS, "If-Match": '"1"'})  # fmt: skip
    assert changed.status_code == 200 and changed.headers["etag"] == '"2"' and changed.json()["functie"] == "Adviseur"
    # the person herself may not change her own role
    problem(lid.patch(f"{API}/personen/{world['persoon_lid']}", json={"rol": "expert", "versie": 1}, headers=HEADERS),
            403)  # fmt: skip
    assert lid.patch(f"{API}/personen/{world['persoon_lid']}", json={"functie": "Senior adviseur", "versie": 1},
                     headers=HEADERS).status_code == 200  # fmt: skip


def test_export_download_and_erasure_on_request(client_as, world):
    lid = client_as("lid")
    export = lid.get(f"{API}/personen/{world['persoon_lid']}/export")
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["profiel"]["naam"] == "Lid Een" and data["gebruiker"]["email"] == "lid@example.nl"
    problem(lid.get(f"{API}/personen/{world['persoon_co']}/export"), 403)  # not someone else's
    csv = lid.get(f"{API}/personen", params={"formaat": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"] and "no-store" in csv.headers["cache-control"]
    assert "Lid Een" in csv.content.decode("utf-8-sig") and "naam;email" in csv.content.decode("utf-8-sig")
    # the member registers, then asks to be erased: the registration is cancelled and the login anonymised
    bid = world["bijeenkomst"]
    assert lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": []}, headers=HEADERS).status_code == 200
    problem(client_as("co17").delete(f"{API}/personen/{world['persoon_lid']}", headers=HEADERS), 403)
    gone = client_as("co").delete(f"{API}/personen/{world['persoon_lid']}", headers=HEADERS)
    assert gone.status_code == 200, gone.text
    assert gone.json() == {"profiel": 1, "afgemeld": 1, "vanWachtlijst": 0, "gebruikerGeanonimiseerd": True,
                           "kennisitemsAuteur": 0}  # fmt: skip
    problem(client_as("co").get(f"{API}/personen/{world['persoon_lid']}"), 404)
    problem(lid.get(f"{API}/personen"), 401)  # the anonymised login is switched off
    acties = [r["actie"] for r in client_as("admin").get(f"{API}/audit", params={"objecttype": "persoon"}).json()[
        "resultaten"]]  # fmt: skip
    assert acties[:2] == ["wis", "export"]


def test_member_import_is_all_or_nothing(client_as, world):
    co = client_as("co")
    good = "naam;email;rol;organisatie;expertise\nAn Jansen;an@example.nl;contact;Gemeente Dordrecht;warmte|data\n"
    bad = good + "Zonder Mail;geen-adres;baas;;\n"
    files = {"bestand": ("leden.csv", bad.encode("utf-8"), "text/csv")}
    refused = problem(co.post(f"{API}/personen/import", files=files, headers=HEADERS), 400)
    names = {p["name"] for p in refused["invalidParams"]}
    assert any(n.startswith("rij[3]") for n in names), names
    assert co.get(f"{API}/personen", params={"q": "Jansen"}).json()["totaal"] == 0  # nothing written
    files = {"bestand": ("leden.csv", good.encode("utf-8"), "text/csv")}
    droog = co.post(f"{API}/personen/import", params={"droog": "true"}, files=files, headers=HEADERS)
    assert droog.json()["aangemaakt"] == 1 and droog.json()["droog"] is True
    assert co.get(f"{API}/personen", params={"q": "Jansen"}).json()["totaal"] == 0
    done = co.post(f"{API}/personen/import", files=files, headers=HEADERS)
    assert done.status_code == 200 and done.json()["aangemaakt"] == 1 and not done.json()["droog"]
    an = co.get(f"{API}/personen", params={"q": "Jansen"}).json()["resultaten"][0]
    assert an["expertise"] == ["warmte", "data"] and an["resCode"] == "ES18"
    problem(client_as("lid").post(f"{API}/personen/import", files=files, headers=HEADERS), 403)


def test_organisations(client_as, world):
    co = client_as("co")
    orgs = co.get(f"{API}/organisaties").json()["resultaten"]
    assert [o["naam"] for o in orgs] == ["Regio Drechtsteden"]
    made = co.post(f"{API}/organisaties", json={"naam": "Stedin", "soort": "netbeheerder", "website": "https://stedin.net"},
                   headers=HEADERS)  # fmt: skip
    assert made.status_code == 201 and made.headers["location"].endswith(f"/organisaties/{made.json()['id']}")
    dup = problem(co.post(f"{API}/organisaties", json={"naam": "stedin", "soort": "netbeheerder"}, headers=HEADERS),
                  400)  # fmt: skip
    assert dup["invalidParams"][0]["name"] == "naam"
    oid = made.json()["id"]
    assert co.get(f"{API}/organisaties/{oid}").headers["etag"] == '"1"'
    changed = co.patch(f"{API}/organisaties/{oid}", json={"resCode": "ES18"}, headers={**HEADERS, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["resCode"] == "ES18" and changed.json()["versie"] == 2
    assert co.get(f"{API}/organisaties", params={"soort": "netbeheerder"}).json()["resultaten"][0]["naam"] == "Stedin"
    problem(co.get(f"{API}/organisaties/99999"), 404)


# ------------------------------------------------------------------------------------------------ meetings


def test_registration_with_a_full_workshop_waiting_list_and_promotion(client_as, world):
    bid, (vol, open_) = world["bijeenkomst"], world["workshops"]
    problem(client_as(None).get(f"{API}/bijeenkomsten/{bid}"), 401)
    lid, lid2 = client_as("lid"), client_as("lid2")
    detail = lid.get(f"{API}/bijeenkomsten/{bid}")
    assert detail.headers["etag"] == '"1"'
    body = detail.json()
    assert body["kanAanmelden"] and not body["kanBeheren"] and body["mijnAanmelding"] is None
    assert [o["titel"] for o in body["onderdelen"]] == ["Opening", "Bronnen kiezen", "Participatie", "Afsluiting"]
    assert body["onderdelen"][1]["bezetting"] == {"ingedeeld": 0, "wachtlijst": 0, "capaciteit": 1, "vrij": 1}
    problem(lid.get(f"{API}/bijeenkomsten/{bid}/aanmelding"), 404)
    problem(lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [vol]}), 403)  # no CSRF header
    problem(lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [2**31]}, headers=HEADERS), 422)
    two = problem(lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [vol, open_]}, headers=HEADERS),
                  400)  # fmt: skip
    assert "één workshop per ronde" in two["detail"] and "one workshop per round" in two["detail"]
    mine = lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [vol]}, headers=HEADERS).json()
    assert mine["status"] == "aangemeld" and mine["workshops"] == [{"onderdeelId": vol, "titel": "Bronnen kiezen",
                                                                   "status": "ingedeeld"}]  # fmt: skip
    # the workshop is full now: the next one goes on its waiting list
    theirs = lid2.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [vol]}, headers=HEADERS).json()
    assert theirs["status"] == "aangemeld" and theirs["workshops"][0]["status"] == "wachtlijst"
    ws = lid2.get(f"{API}/bijeenkomsten/{bid}").json()["onderdelen"][1]["bezetting"]
    assert ws["ingedeeld"] == 1 and ws["wachtlijst"] == 1 and ws["vrij"] == 0
    # changing the choice frees the place: the waiting one is placed
    assert lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [open_]},
                   headers=HEADERS).json()["workshops"][0]["status"] == "ingedeeld"  # fmt: skip
    assert lid2.get(f"{API}/bijeenkomsten/{bid}/aanmelding").json()["workshops"][0]["status"] == "ingedeeld"
    assert lid.delete(f"{API}/bijeenkomsten/{bid}/aanmelding", headers=HEADERS).status_code == 204
    assert lid.get(f"{API}/bijeenkomsten/{bid}/aanmelding").json()["status"] == "afgemeld"
    problem(lid.delete(f"{API}/bijeenkomsten/{bid}/aanmelding", headers=HEADERS), 404)
    listed = lid.get(f"{API}/bijeenkomsten", params={"komend": "true"}).json()
    assert listed["totaal"] == 1 and listed["resultaten"][0]["bezetting"] == {"aangemeld": 1, "wachtlijst": 0,
                                                                              "capaciteit": 3, "vrij": 2}  # fmt: skip
    assert lid.get(f"{API}/bijeenkomsten", params={"komend": "false"}).json()["totaal"] == 0


def test_organise_change_and_cancel_a_meeting(client_as, world):
    co = client_as("co")
    wrong = meeting_data(
        titel="",
        doelgroep="regio",
        locatie=None,
        onderdelen=[{"soort": "workshop", "titel": "Zonder ronde", "start": iso(10, 10), "eind": iso(10, 11)}],
    )
    bad = problem(co.post(f"{API}/bijeenkomsten", json=wrong, headers=HEADERS), 400)
    names = {p["name"] for p in bad["invalidParams"]}
    assert {"titel", "locatie", "onderdelen[0].ronde"} <= names, names
    problem(client_as("lid").post(f"{API}/bijeenkomsten", json=meeting_data(), headers=HEADERS), 403)
    problem(co.post(f"{API}/bijeenkomsten", json=meeting_data(doelgroep="regio", resCode="ES17"), headers=HEADERS),
            403)  # not her region  # fmt: skip
    made = co.post(f"{API}/bijeenkomsten", json=meeting_data(doelgroep="regio", titel="Regiodag ES18"),
                   headers=HEADERS)  # fmt: skip
    assert made.status_code == 201, made.text
    b = made.json()
    assert made.headers["location"] == f"{API}/bijeenkomsten/{b['id']}" and b["resCode"] == "ES18" and b["kanBeheren"]
    problem(client_as("co17").get(f"{API}/bijeenkomsten/{b['id']}"), 403)  # not her region's members
    problem(co.patch(f"{API}/bijeenkomsten/{b['id']}", json={"capaciteit": 10}, headers={**HEADERS, "If-Match": '"9"'}),
            409)  # fmt: skip
    changed = co.patch(f"{API}/bijeenkomsten/{b['id']}", json={"capaciteit": 10, "versie": 1}, headers=HEADERS)
    assert changed.status_code == 200 and changed.json()["capaciteit"] == 10 and changed.headers["etag"] == '"2"'
    problem(client_as("lid").patch(f"{API}/bijeenkomsten/{b['id']}", json={"capaciteit": 1, "versie": 2},
                                   headers=HEADERS), 403)  # fmt: skip
    cancelled = co.post(f"{API}/bijeenkomsten/{b['id']}/annuleren", headers=HEADERS)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "geannuleerd"
    assert not cancelled.json()["kanAanmelden"]
    problem(co.post(f"{API}/bijeenkomsten/{b['id']}/annuleren", headers=HEADERS), 409)


def test_participants_attendance_invitations_and_calendar(client_as, world, smtp_client):
    bid = world["bijeenkomst"]
    lid, co = client_as("lid"), client_as("co")
    lid.put(f"{API}/bijeenkomsten/{bid}/aanmelding", json={"workshops": [world["workshops"][0]]}, headers=HEADERS)
    problem(lid.get(f"{API}/bijeenkomsten/{bid}/deelnemers"), 403)
    rows = co.get(f"{API}/bijeenkomsten/{bid}/deelnemers").json()["resultaten"]
    assert [(r["naam"], r["status"], r["workshops"][0]["status"]) for r in rows] == [("Lid", "aangemeld", "ingedeeld")]
    uid = rows[0]["userId"]
    early = problem(
        co.post(
            f"{API}/bijeenkomsten/{bid}/aanwezigheid",
            json={"aanwezigheid": [{"userId": uid, "aanwezig": True}]},
            headers=HEADERS,
        ),
        409,
    )
    assert "begin" in early["detail"]
    off = problem(co.post(f"{API}/bijeenkomsten/{bid}/uitnodigingen", headers=HEADERS), 409)
    assert "SMTP" in off["detail"]
    # with a mail server: everyone in the audience who has not registered yet gets an invitation
    client, inbox = smtp_client
    sent = client.post(f"{API}/bijeenkomsten/{bid}/uitnodigingen", headers=HEADERS)
    assert sent.status_code == 200, sent.text
    assert sent.json()["aantal"] == len(inbox.rcpt) >= 3 and "lid@example.nl" not in inbox.rcpt
    assert co.get(f"{API}/bijeenkomsten/{bid}").json()["uitnodigingVerzonden"] is not None
    ics = lid.get(f"{API}/bijeenkomsten/{bid}/ical")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 2  # the meeting and the placed workshop
    # once the meeting has started, attendance can be recorded
    with session_scope(make_sessionmaker(world["engine"])) as s:
        b = s.get(bijeenkomsten_model(), bid)
        b.start = netwerk.now() - timedelta(hours=1)
    present = {"aanwezigheid": [{"userId": uid, "aanwezig": True}]}
    done = co.post(f"{API}/bijeenkomsten/{bid}/aanwezigheid", json=present, headers=HEADERS)
    assert done.status_code == 200 and done.json() == {"aantal": 1}
    assert co.get(f"{API}/bijeenkomsten/{bid}/deelnemers").json()["resultaten"][0]["aanwezig"] is True
    problem(
        co.post(
            f"{API}/bijeenkomsten/{bid}/aanwezigheid",
            json={"aanwezigheid": [{"userId": world["ids"]["lid2"], "aanwezig": True}]},
            headers=HEADERS,
        ),
        400,
    )


def bijeenkomsten_model():
    from warmteregio.store.models import Bijeenkomst

    return Bijeenkomst


# ------------------------------------------------------------------------------------------------ activity, audit


def test_activity_overview_and_audit_log(client_as, world):
    problem(client_as(None).get(f"{API}/regios/ES18/activiteit"), 401)
    lid = client_as("lid")
    act = lid.get(f"{API}/regios/es18/activiteit").json()
    assert act["resCode"] == "ES18" and act["naam"] == "Drechtsteden"
    assert [b["titel"] for b in act["komendeBijeenkomsten"]] == ["Regiodag warmtenetten"]
    assert act["programmas"] == [] and act["wijzigingen"] == []  # changes only for who manages the region
    assert client_as("co").get(f"{API}/regios/ES18/activiteit").json()["wijzigingen"][0]["actie"] == "maak"
    problem(lid.get(f"{API}/regios/ES99/activiteit"), 404)
    problem(lid.get(f"{API}/audit"), 403)
    regels = client_as("co").get(f"{API}/audit").json()["resultaten"]
    assert regels and {r["resCode"] for r in regels} == {"ES18"}
    assert regels[0]["objecttype"] == "bijeenkomst" and regels[0]["details"]["onderdelen"] == 4
    problem(client_as("co").get(f"{API}/audit", params={"regio": "ES17"}), 403)
    problem(client_as("co").get(f"{API}/audit", params={"objecttype": "bijeen\x00komst"}), 422)  # PostgreSQL: no NUL
    admin = client_as("admin")
    assert len(admin.get(f"{API}/audit").json()["resultaten"]) == len(regels)
    assert admin.get(f"{API}/audit", params={"regio": "ES17"}).json()["resultaten"] == []
