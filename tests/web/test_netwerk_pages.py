"""The regional-network pages, part 1 (issue 7): the hub and the activity overview, the directory (filters, profile,
edit form with errors next to the fields, data download, erasure after confirmation, import), organisations, meetings
(timetable with parallel workshops, registration with one radio group per round, full workshop -> waiting list, own
status, cancel, calendar), the meeting form (fixed agenda rows, errors on the right row, conflict), the organiser's
page (counts, waiting list, attendance, invitations off without SMTP, cancel with confirmation) and the audit log.
Members only; Dutch by default and English on request. Both databases, on the world of ``test_netwerk_api``."""

from __future__ import annotations

import re

import pytest
import test_netwerk_api as api_tests
from test_netwerk_api import CSRF, iso

world = api_tests.world
client_as = api_tests.client_as

pytestmark = pytest.mark.db


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The inputs, textareas and selected options of one form, as a browser would submit them."""
    form = html[html.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    values: dict[str, str] = {}
    for m in re.finditer(r"<input([^>]*)>", form):
        attrs = m.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        kind = re.search(r'type="([^"]+)"', attrs)
        if not name or (kind and kind.group(1) in ("checkbox", "radio") and " checked" not in attrs):
            continue
        if kind and kind.group(1) == "file":
            continue
        value = re.search(r'value="([^"]*)"', attrs)
        values[name.group(1)] = value.group(1) if value else ""
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', m.group(2))
        values[m.group(1)] = chosen.group(1) if chosen else ""
    return values


def english(client) -> None:  # noqa: ANN001
    client.get("/taal?lang=en")


# ------------------------------------------------------------------------------------------------ hub, activity


def test_hub_activity_and_members_only(client_as, world):
    visitor = client_as(None)
    hub = visitor.get("/netwerk")
    assert hub.status_code == 200 and 'id="wr-netwerk-inloggen"' in hub.text and 'href="/kennis"' in hub.text
    for path in ("/leden", "/bijeenkomsten", f"/bijeenkomsten/{world['bijeenkomst']}", "/organisaties",
                 "/regios/ES18/netwerk", "/netwerk/audit"):  # fmt: skip
        r = visitor.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    lid = client_as("lid")
    html = lid.get("/netwerk").text
    assert re.search(r'href="/netwerk" aria-current="page">Netwerk<', html)  # the main navigation
    assert "Mijn regio: Drechtsteden" in html and "Regiodag warmtenetten" in html
    assert f'href="/leden/{world["persoon_lid"]}">Mijn profiel' in html
    assert re.search(r'data-regio="ES18".*?data-waarde="1"', html, re.S)  # one upcoming meeting in the national table
    assert 'href="/netwerk/audit"' not in html  # the audit log is for coordinators and administrators
    regio = lid.get("/regios/es18/netwerk")
    assert regio.status_code == 200 and "Activiteit in Drechtsteden" in regio.text
    assert 'id="wr-act-wijzigingen"' not in regio.text
    assert 'id="wr-act-wijzigingen"' in client_as("co").get("/regios/ES18/netwerk").text
    assert lid.get("/regios/ES99/netwerk").status_code == 404
    english(lid)
    html = lid.get("/netwerk").text
    assert "The regional network" in html and "Upcoming meetings" in html and "My region: Drechtsteden" in html


def test_audit_log_page(client_as, world):
    assert client_as("lid").get("/netwerk/audit").status_code == 403
    html = client_as("co").get("/netwerk/audit").text
    assert 'id="wr-audittabel"' in html and "Co" in html and "doelgroep: leden" in html
    assert 'id="audit-regio"' not in html  # a coordinator sees her own region only
    admin = client_as("admin").get("/netwerk/audit?objecttype=persoon").text
    assert 'id="audit-regio"' in admin and 'data-actie="maak"' in admin and "doelgroep: leden" not in admin


# ------------------------------------------------------------------------------------------------ directory


def test_directory_profile_edit_export_and_erase(client_as, world):
    lid = client_as("lid")
    html = lid.get("/leden").text
    assert 'id="wr-ledentabel"' in html and "Co Ördinator" in html and 'href="mailto:lid@example.nl"' in html
    assert 'href="/leden/nieuw"' not in html  # members do not maintain the directory
    assert "Co Ördinator" not in lid.get("/leden?q=een").text
    assert lid.get("/leden/export?formaat=xlsx").content[:2] == b"PK"
    pid = world["persoon_lid"]
    page = lid.get(f"/leden/{pid}").text
    assert "078 123 4567" in page and 'id="wr-profiel-form"' in page and f'href="/leden/{pid}/export"' in page
    assert 'id="wr-profiel-beperkt"' in page and 'name="rol"' not in page  # her own role is the coordinator's
    assert 'name="rol"' in client_as("co").get(f"/leden/{pid}").text
    fields = form_fields(page, "wr-profiel-form")
    assert fields["naam"] == "Lid Een" and fields["versie"] == "1"
    assert lid.post(f"/leden/{pid}", data={**fields, "csrf_token": "fout"}).status_code == 403
    bad = lid.post(f"/leden/{pid}", data={**fields, "email": "geen-adres", "functie": "Adviseur"})
    assert bad.status_code == 422 and 'id="wr-profiel-fout"' in bad.text
    assert re.search(r'id="veld-email"[^>]*aria-describedby="veld-email-fout"[^>]*aria-invalid="true"', bad.text)
    assert 'value="Adviseur"' in bad.text  # what was typed is kept
    ok = lid.post(f"/leden/{pid}", data={**fields, "functie": "Adviseur"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/leden/{pid}?opgeslagen=1"
    assert "Het profiel is opgeslagen." in lid.get(ok.headers["location"]).text
    stale = lid.post(f"/leden/{pid}", data={**fields, "functie": "Iets anders"})
    assert stale.status_code == 409 and "gewijzigd door iemand anders" in stale.text
    co17 = client_as("co17").get(f"/leden/{pid}").text
    assert "Lid Een" in co17 and 'id="wr-profiel-form"' not in co17
    assert client_as("co17").get(f"/leden/{pid}/wissen").status_code == 403
    download = lid.get(f"/leden/{pid}/export")
    assert (
        "attachment" in download.headers["content-disposition"] and download.json()["profiel"]["functie"] == "Adviseur"
    )
    co = client_as("co")
    confirm = co.get(f"/leden/{pid}/wissen").text
    assert "Dit kan niet ongedaan worden gemaakt." in confirm and 'id="wissen-bevestig"' in confirm
    refused = co.post(f"/leden/{pid}/wissen", data={"csrf_token": CSRF})
    assert refused.status_code == 422 and 'id="wissen-bevestig-fout"' in refused.text
    erased = co.post(f"/leden/{pid}/wissen", data={"csrf_token": CSRF, "bevestig": "ja"}, follow_redirects=False)
    assert erased.status_code == 303 and erased.headers["location"] == "/leden?opgeslagen=gewist"
    after = co.get(erased.headers["location"]).text
    assert "Het profiel is gewist." in after and "Lid Een" not in after


def test_new_person_organisations_and_import(client_as, world):
    assert client_as("lid").get("/leden/nieuw").status_code == 403
    co = client_as("co")
    fields = form_fields(co.get("/leden/nieuw").text, "wr-persoon-form")
    assert fields["res_code"] == "ES18"
    bad = co.post("/leden/nieuw", data={**fields, "naam": ""})
    assert bad.status_code == 422 and 'id="veld-naam-fout"' in bad.text
    made = co.post("/leden/nieuw", data={**fields, "naam": "Nieuwe Expert", "organisatie": "Stedin",
                                         "organisatie_soort": "netbeheerder", "expertise": "netcongestie, data"},
                   follow_redirects=False)  # fmt: skip
    assert made.status_code == 303 and "?opgeslagen=aangemaakt" in made.headers["location"]
    profile = co.get(made.headers["location"]).text
    assert "Stedin" in profile and "netcongestie" in profile
    orgs = co.get("/organisaties").text
    assert 'id="wr-organisatietabel"' in orgs and "Stedin" in orgs and 'id="wr-org-form"' in orgs
    dup = co.post("/organisaties", data={"csrf_token": CSRF, "naam": "stedin", "soort": "netbeheerder"})
    assert dup.status_code == 422 and 'id="org-naam-fout"' in dup.text
    assert co.post("/organisaties", data={"csrf_token": CSRF, "naam": "Provincie Zuid-Holland", "soort": "provincie"},
                   follow_redirects=False).status_code == 303  # fmt: skip
    csv = "naam;email;rol\nAn Jansen;an@example.nl;contact\nFout;geen-adres;baas\n"
    files = {"bestand": ("leden.csv", csv.encode("utf-8"), "text/csv")}
    refused = co.post("/leden/importeren", data={"csrf_token": CSRF}, files=files)
    assert refused.status_code == 422 and 'id="wr-importfouten"' in refused.text and "baas" in refused.text
    good = {"bestand": ("leden.csv", csv.splitlines(keepends=True)[0] + csv.splitlines(keepends=True)[1], "text/csv")}
    trial = co.post("/leden/importeren", data={"csrf_token": CSRF, "droog": "ja"}, files=good)
    assert trial.status_code == 200 and "Proefimport: 1 nieuw" in trial.text
    assert "An Jansen" not in co.get("/leden").text
    done = co.post("/leden/importeren", data={"csrf_token": CSRF}, files=good)
    assert "Geïmporteerd: 1 nieuw" in done.text and "An Jansen" in co.get("/leden").text


def test_odd_ids_and_filters_give_4xx_not_500(client_as, world):
    """Ids beyond the INTEGER column, thousands of digits, non-ASCII digits and NUL in filters (PostgreSQL text
    cannot hold it) are not found or ignored, never a server error."""
    lid = client_as("lid")
    huge, endless = "9" * 11, "1" * 5000
    for path in (f"/leden/{huge}", f"/leden/{endless}", f"/leden/{huge}/export", f"/bijeenkomsten/{huge}",
                 f"/bijeenkomsten/{endless}", f"/bijeenkomsten/{huge}.ics",
                 f"/bijeenkomsten/{huge}/deelnemers"):  # fmt: skip
        assert lid.get(path).status_code == 404, path
    assert lid.post(f"/leden/{huge}", data={"csrf_token": CSRF, "naam": "X"}).status_code == 404
    assert lid.post(f"/bijeenkomsten/{huge}/aanmelden", data={"csrf_token": CSRF}).status_code == 404
    for path in ("/leden?organisatie=²", f"/leden?organisatie={endless}", "/leden?regio=ES%0018",
                 "/bijeenkomsten?regio=%00", "/organisaties?regio=%00"):  # fmt: skip
        assert lid.get(path).status_code == 200, path
    assert client_as("co").get("/netwerk/audit?objecttype=%00&regio=%00").status_code == 200
    odd = lid.post(f"/bijeenkomsten/{world['bijeenkomst']}/aanmelden", data={"csrf_token": CSRF, "ronde_1": "²"})
    assert odd.status_code == 422


# ------------------------------------------------------------------------------------------------ meetings


def test_meeting_page_registration_waiting_list_and_calendar(client_as, world):
    bid, (vol, open_) = world["bijeenkomst"], world["workshops"]
    lid, lid2 = client_as("lid"), client_as("lid2")
    listing = lid.get("/bijeenkomsten").text
    assert f'data-bijeenkomst="{bid}"' in listing and "3 van 3 plaatsen vrij" in listing
    html = lid.get(f"/bijeenkomsten/{bid}").text
    # the timetable: the round's two workshops side by side in one row, plenary parts on their own
    ronde = re.search(r'data-ronde="1">(.*?)</tr>', html, re.S).group(1)
    assert ronde.count('<li class="wr-netwerk-workshop') == 2 and "Bronnen kiezen" in ronde and "Participatie" in ronde
    assert "1 van 1 plaatsen vrij" in ronde and "Zaal: Zaal A" in ronde
    assert "U bent niet aangemeld." in html and f'href="/bijeenkomsten/{bid}.ics"' in html
    assert re.search(r'<legend class="utrecht-form-fieldset__legend">Ronde 1 \(10:00–11:00\): kies een workshop', html)
    fields = form_fields(html, "wr-aanmelden-form")
    assert fields["ronde_1"] == ""  # "no workshop" is preselected
    assert lid.post(f"/bijeenkomsten/{bid}/aanmelden", data={**fields, "csrf_token": "x"}).status_code == 403
    done = lid.post(f"/bijeenkomsten/{bid}/aanmelden", data={**fields, "ronde_1": str(vol)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?opgeslagen=aangemeld")
    mine = lid.get(done.headers["location"]).text
    assert "U bent aangemeld." in mine and "u bent ingedeeld" in mine
    assert re.search(rf'id="keuze-{vol}"[^>]*checked', mine) and "Workshopkeuze wijzigen" in mine
    # someone else sees the workshop is full and that choosing it means the waiting list
    other = lid2.get(f"/bijeenkomsten/{bid}").text
    card = re.search(rf'id="workshop-{vol}"(.*?)</li>', other, re.S).group(1)
    assert "vol — u komt op de wachtlijst" in card and "data-vol" in other
    hint = re.search(rf'id="keuze-{vol}-plaatsen">(.*?)</p>', other, re.S).group(1)
    assert "vol — u komt op de wachtlijst" in hint
    lid2.post(f"/bijeenkomsten/{bid}/aanmelden", data={"csrf_token": CSRF, "ronde_1": str(vol)})
    waiting = lid2.get(f"/bijeenkomsten/{bid}").text
    assert re.search(r'id="wr-mijn-workshops".*?Bronnen kiezen: .*?Wachtlijst', waiting, re.S)
    ics = lid.get(f"/bijeenkomsten/{bid}.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and ics.text.count("BEGIN:VEVENT") == 2
    assert "Regiodag warmtenetten" in lid.get("/agenda.ics").text
    # cancelling frees the place: the next in line is placed
    assert lid.post(f"/bijeenkomsten/{bid}/afmelden", data={"csrf_token": CSRF},
                    follow_redirects=False).headers["location"].endswith("?opgeslagen=afgemeld")  # fmt: skip
    assert "u bent ingedeeld" in lid2.get(f"/bijeenkomsten/{bid}").text
    # two workshops of one round are refused with the reason on the page
    two = lid.post(f"/bijeenkomsten/{bid}/aanmelden", data={"csrf_token": CSRF, "ronde_1": str(vol), "ronde_1b": "x",
                                                            "ronde_2": str(open_)})  # fmt: skip
    assert two.status_code == 422 and 'id="wr-aanmelding-fout"' in two.text
    english(lid2)
    page = lid2.get(f"/bijeenkomsten/{bid}").text
    assert "Round 1 (10:00–11:00): choose a workshop" in page and "you are placed" in page


def test_meeting_form_rows_errors_and_conflict(client_as, world):
    assert client_as("lid").get("/bijeenkomsten/nieuw").status_code == 403
    co = client_as("co")
    html = co.get("/bijeenkomsten/nieuw").text
    fields = form_fields(html, "wr-bijeenkomst-form")
    assert fields["aantal_rijen"] == "8" and fields["doelgroep"] == "regio"
    more = co.post("/bijeenkomsten/nieuw", data={**fields, "titel": "Werksessie", "meer_rijen": "ja"})
    assert more.status_code == 200 and 'id="onderdeel-11"' in more.text and 'value="Werksessie"' in more.text
    data = {**fields, "titel": "Werksessie", "start": iso(20, 13), "eind": iso(20, 17), "locatie": "Zwijndrecht",
            "onderdelen.2.soort": "workshop", "onderdelen.2.titel": "Zonder ronde", "onderdelen.2.start": "13:30",
            "onderdelen.2.eind": "14:30"}  # fmt: skip
    bad = co.post("/bijeenkomsten/nieuw", data=data)
    assert bad.status_code == 422 and 'id="ond-2-ronde-fout"' in bad.text  # the error sits on the row typed
    assert 'value="Zonder ronde"' in bad.text
    data.update({"onderdelen.2.ronde": "1", "onderdelen.3.soort": "workshop", "onderdelen.3.titel": "Tweede",
                 "onderdelen.3.start": "13:30", "onderdelen.3.eind": "14:30", "onderdelen.3.ronde": "1",
                 "onderdelen.3.capaciteit": "12"})  # fmt: skip
    made = co.post("/bijeenkomsten/nieuw", data=data, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].endswith("?opgeslagen=aangemaakt")
    bid = int(re.search(r"/bijeenkomsten/(\d+)", made.headers["location"]).group(1))
    page = co.get(made.headers["location"]).text
    assert "De bijeenkomst is aangemaakt." in page and 'data-ronde="1"' in page and "12 van 12 plaatsen vrij" in page
    edit = form_fields(co.get(f"/bijeenkomsten/{bid}/bewerken").text, "wr-bijeenkomst-form")
    assert edit["onderdelen.0.start"] == "13:30" and edit["start"] == iso(20, 13) and edit["versie"] == "1"
    saved = co.post(f"/bijeenkomsten/{bid}/bewerken", data={**edit, "capaciteit": "40"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?opgeslagen=bewerkt")
    stale = co.post(f"/bijeenkomsten/{bid}/bewerken", data={**edit, "capaciteit": "50"})
    assert stale.status_code == 409 and 'id="wr-bijeenkomst-conflict"' in stale.text and 'value="40"' in stale.text
    assert client_as("co17").get(f"/bijeenkomsten/{bid}/bewerken").status_code == 403


def test_organiser_page_counts_attendance_invitations_and_cancel(client_as, world):
    bid, (vol, _open) = world["bijeenkomst"], world["workshops"]
    for who in ("lid", "lid2"):
        client_as(who).post(f"/bijeenkomsten/{bid}/aanmelden", data={"csrf_token": CSRF, "ronde_1": str(vol)})
    assert client_as("lid").get(f"/bijeenkomsten/{bid}/deelnemers").status_code == 403
    co = client_as("co")
    assert f'href="/bijeenkomsten/{bid}/deelnemers"' in co.get(f"/bijeenkomsten/{bid}").text
    html = co.get(f"/bijeenkomsten/{bid}/deelnemers").text
    assert re.search(r'data-telling="aangemeld">2<', html) and re.search(r'data-telling="vrij">1<', html)
    row = re.search(rf'data-workshop="{vol}">(.*?)</tr>', html, re.S).group(1)
    assert "Lid2" in row and "vol" in row  # the workshop's waiting list, in order
    assert 'id="wr-aanwezigheid-later"' in html and re.search(r'id="aanwezig-\d+"[^>]*disabled', html)
    assert re.search(r'id="wr-uitnodigen-knop" disabled aria-describedby="wr-mail-uit"', html)
    assert "WARMTEREGIO_SMTP_HOST" in html
    off = co.post(f"/bijeenkomsten/{bid}/uitnodigingen", data={"csrf_token": CSRF})
    assert off.status_code == 409 and "SMTP" in off.text
    early = co.post(f"/bijeenkomsten/{bid}/aanwezigheid", data={"csrf_token": CSRF, "deelnemer": "1"})
    assert early.status_code == 409 and 'id="wr-deelnemers-fout"' in early.text
    unconfirmed = co.post(f"/bijeenkomsten/{bid}/annuleren", data={"csrf_token": CSRF})
    assert unconfirmed.status_code == 422 and 'id="annuleren-bevestig-fout"' in unconfirmed.text
    cancelled = co.post(f"/bijeenkomsten/{bid}/annuleren", data={"csrf_token": CSRF, "bevestig": "ja"},
                        follow_redirects=False)  # fmt: skip
    assert cancelled.headers["location"].endswith("?opgeslagen=geannuleerd")
    page = client_as("lid").get(f"/bijeenkomsten/{bid}").text
    assert "Geannuleerd" in page and 'id="wr-aanmelden-niet"' in page and "De bijeenkomst is geannuleerd." in page
