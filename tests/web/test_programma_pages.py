"""The warmteprogramma pages (issue 6): the list with the new-programme form, the programme page with lifecycle actions
for editors only, the buurt planning table (deviations highlighted) and the edit form (CSRF, bilingual field errors
kept in the form, stale-version conflict), timeline with the SVG map per year (and its htmx fragment), steps, checks,
texts, look-back, documents, partners and participation, the regional overview, and what visitors, other gemeenten
and the coordinator see. Both databases, on the small ES16 region of ``conftest`` with one assessment run."""

from __future__ import annotations

import re
from datetime import date

import pytest
import test_programma_api as api_tests
from test_programma_api import CSRF, create, designate, make_adoptable

from warmteregio.web.i18n import LANGUAGE_COOKIE

# the users, the assessment run and the clients of the API tests
world = api_tests.world
client_as = api_tests.client_as

pytestmark = pytest.mark.db

API = "/api/v1"


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The inputs, textareas and selected options of one form, as a browser would submit them."""
    form = html[html.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    values: dict[str, str] = {}
    for m in re.finditer(r"<input([^>]*)>", form):
        attrs = m.group(1)
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', attrs)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in attrs:
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


def test_list_page_and_create_from_the_form(client_as, world):
    anonymous = client_as(None).get("/programmas")
    assert anonymous.status_code == 200 and 'id="wr-programmas-openbaar"' in anonymous.text
    assert 'id="wr-programma-maak"' not in anonymous.text and 'href="/programmas"' in anonymous.text  # nav link
    gm = client_as("gm")
    html = gm.get("/programmas").text
    fields = form_fields(html, "wr-programma-maak")
    assert fields["gemeente_code"] == "GM0505" and fields["uit_analyse"] == "ja" and fields["csrf_token"] == CSRF
    assert 'href="/regios/ES16/programmas"' in html
    assert gm.post("/programmas", data={**fields, "csrf_token": "fout"}).status_code == 403
    made = gm.post("/programmas", data=fields, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].endswith("?opgeslagen=aangemaakt")
    page = gm.get(made.headers["location"])
    assert "Het programma is aangemaakt." in page.text and 'id="wr-actie-vaststellen"' in page.text
    # a second one: refused with the service's message on the list page
    again = gm.post("/programmas", data=fields)
    assert again.status_code == 409 and 'id="wr-programma-fout"' in again.text and "open versie" in again.text
    assert 'data-programma="' in gm.get("/programmas").text
    # the coordinator and other roles have no form
    assert 'id="wr-programma-maak"' not in client_as("co").get("/programmas").text
    assert client_as(None).post("/programmas", data=fields).status_code == 403  # no session: no CSRF token


def test_programme_page_actions_only_for_editors_and_visibility(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    own = gm.get(f"/programmas/{pid}").text
    for form in ("wr-actie-consultatie", "wr-actie-vaststellen", "wr-actie-analyse", "wr-actie-verwijderen"):
        assert f'id="{form}"' in own
    assert f'href="/programmas/{pid}/buurten"' in own and 'href="/gemeenten/GM0505/partners"' in own
    assert 'id="wr-toetsen-open"' in own and "Grondslag:" in own
    co = client_as("co").get(f"/programmas/{pid}")
    assert co.status_code == 200 and 'id="wr-actie-vaststellen"' not in co.text  # read-only coordinator
    assert client_as("pap").get(f"/programmas/{pid}").status_code == 403
    visitor = client_as(None).get(f"/programmas/{pid}", follow_redirects=False)
    assert visitor.status_code == 303 and visitor.headers["location"].startswith("/login?next=")
    assert client_as(None).get("/programmas/999999").status_code == 404
    # adoption refused: the blocking checks are named on the page, nothing changes
    designate(gm, pid, 1)
    fields = form_fields(gm.get(f"/programmas/{pid}").text, "wr-actie-vaststellen")
    fields["besluit_referentie"] = "Raadsbesluit 2026/12"
    refused = gm.post(f"/programmas/{pid}/status", data=fields)
    assert refused.status_code == 409 and 'id="wr-programma-fout"' in refused.text
    assert "vaststellen kan nog niet" in refused.text and "Haalbaarheid en betaalbaarheid" in refused.text
    missing = gm.post(f"/programmas/{pid}/status", data={**fields, "besluit_referentie": "", "datum": "morgen"})
    assert missing.status_code == 422 and 'id="vaststellen-besluit-fout"' in missing.text
    assert 'id="vaststellen-datum-fout"' in missing.text and 'value="morgen"' in missing.text
    # to consultation and back; the version is public now and the visitor sees it without actions
    consult = gm.post(
        f"/programmas/{pid}/status",
        data=form_fields(gm.get(f"/programmas/{pid}").text, "wr-actie-consultatie"),
        follow_redirects=False,
    )
    assert consult.status_code == 303 and consult.headers["location"].endswith("opgeslagen=status-consultatie")
    public = client_as(None).get(f"/programmas/{pid}")
    assert public.status_code == 200 and "In consultatie" in public.text and 'id="wr-actie-concept"' not in public.text
    assert 'href="/gemeenten/GM0505/partners"' not in public.text
    # a stale form (the consultation form again): a conflict message
    stale = gm.post(f"/programmas/{pid}/status", data={"csrf_token": CSRF, "versie": "1", "status": "concept"})
    assert stale.status_code == 409 and "iemand anders heeft het programma intussen gewijzigd" in stale.text
    back = form_fields(gm.get(f"/programmas/{pid}").text, "wr-actie-concept")
    assert gm.post(f"/programmas/{pid}/status", data=back, follow_redirects=False).status_code == 303
    assert "Concept" in gm.get(f"/programmas/{pid}").text


def test_buurt_table_and_edit_form(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    table = gm.get(f"/programmas/{pid}/buurten").text
    assert 'id="wr-plannentabel"' in table and "data-sorteerbaar" in table
    assert re.findall(r'data-buurt="([^"]+)"', table) == [
        "BU05050101", "BU05050102", "BU05050103", "BU05050104", "BU05050105", "BU05050201"]  # fmt: skip
    assert "formaat=csv" in table and 'id="wr-buurten-import"' in table
    page = gm.get(f"/programmas/{pid}/buurten/BU05050101").text
    fields = form_fields(page, "wr-buurt-form")
    assert fields["versie"] == "1" and fields["fase"] == "verkenning" and fields["alternatief"]
    assert 'id="wr-buurt-analyse"' in page and "kk_0_soort" in page and "kk_1_soort" in page
    # bilingual field errors next to the fields, what was typed is kept
    bad = gm.post(
        f"/programmas/{pid}/buurten/BU05050101",
        data={**fields, "startjaar": "twintig", "aanwijzen": "ja", "kk_0_soort": "riolering"},
    )
    assert bad.status_code == 422 and 'id="veld-startjaar-fout"' in bad.text and "geen jaartal" in bad.text
    assert 'value="twintig"' in bad.text and 'id="veld-koppelkansen-fout"' in bad.text
    assert 'id="wr-buurt-fout"' in bad.text
    gm.cookies.set(LANGUAGE_COOKIE, "en")
    english = gm.post(f"/programmas/{pid}/buurten/BU05050101", data={**fields, "startjaar": "twintig"})
    assert "is not a year" in english.text and "Nothing was saved." in english.text
    gm.cookies.set(LANGUAGE_COOKIE, "nl")
    # a valid edit: designation with a linked opportunity; saved and shown
    ok = gm.post(f"/programmas/{pid}/buurten/BU05050101", follow_redirects=False,
                 data={**fields, "startjaar": "2027", "doeljaar": "2034", "aanwijzen": "ja",
                       "aanwijsbesluit_jaar": "2027", "aardgasvrij_jaar": "2035", "kk_0_soort": "riolering",
                       "kk_0_omschrijving": "Rioolvervanging Voorstraat", "kk_0_jaar": "2028",
                       "alternatief": "waterstof"})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == f"/programmas/{pid}/buurten/BU05050101?opgeslagen=1"
    saved = gm.get(ok.headers["location"]).text
    assert 'id="wr-buurt-opgeslagen"' in saved and 'value="Rioolvervanging Voorstraat"' in saved
    assert form_fields(saved, "wr-buurt-form")["aanwijzen"] == "ja"
    table = gm.get(f"/programmas/{pid}/buurten").text
    row = table[table.index('data-buurt="BU05050101"') :]
    row = row[: row.index("</tr>")]
    assert "wijkt af" in row and "reden ontbreekt" in row and "ja, besluit 2027" in row
    assert 'wr-programma-afwijking" data-buurt="BU05050101"' in table
    assert re.findall(r'data-buurt="([^"]+)"', gm.get(f"/programmas/{pid}/buurten?aanwijzen=ja").text) == [
        "BU05050101"]  # fmt: skip
    # the old form once more: version conflict, nothing written
    stale = gm.post(f"/programmas/{pid}/buurten/BU05050101", data={**fields, "startjaar": "2030"})
    assert stale.status_code == 409 and "iemand anders heeft het programma intussen gewijzigd" in stale.text
    # read-only for the coordinator: no form; unknown buurt: 404; others: 403
    co = client_as("co").get(f"/programmas/{pid}/buurten/BU05050101").text
    assert 'id="wr-buurt-form"' not in co and 'id="wr-buurt-plan"' in co
    assert client_as("co").post(f"/programmas/{pid}/buurten/BU05050101", data=fields).status_code == 403
    assert gm.get(f"/programmas/{pid}/buurten/BU05900101").status_code == 404


def test_timeline_map_steps_checks_texts_documents(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    designate(gm, pid, 1)
    timeline = gm.get(f"/programmas/{pid}/tijdlijn", params={"jaar": 2028}).text
    assert 'id="wr-tijdlijntabel"' in timeline and 'data-buurt="BU05050101"' in timeline
    assert "wr-programma-gantt__bar" in timeline and "wr-programma-gantt__aanwijzing" in timeline
    assert "<svg" in timeline and 'data-buurt="BU05050102"' in timeline  # the SVG map draws every buurt
    assert 'id="wr-kaarttabel"' in timeline and 'data-toestand="in_voorbereiding"' in timeline
    assert 'hx-get="/programmas/' in timeline and '<option value="2028" selected>' in timeline
    fragment = gm.get(f"/programmas/{pid}/kaart", params={"jaar": 2034}).text
    assert fragment.lstrip().startswith("<div") and 'data-jaar="2034"' in fragment and "<html" not in fragment
    assert 'data-buurt="BU05050101" data-toestand="aardgasvrij"' in fragment
    steps = gm.get(f"/programmas/{pid}/stappen").text
    code = re.search(r'data-stap="([^"]+)"', steps).group(1)
    assert f'action="/programmas/{pid}/stappen/{code}"' in steps
    form = steps[steps.index(f'action="/programmas/{pid}/stappen/{code}"') - 200 :]
    versie = re.search(r'name="versie" value="(\d+)"', form).group(1)
    nvt = gm.post(f"/programmas/{pid}/stappen/{code}", data={"csrf_token": CSRF, "versie": versie, "status": "nvt"})
    assert nvt.status_code == 422 and f'id="stap-{code}-toelichting-fout"' in nvt.text
    done = gm.post(f"/programmas/{pid}/stappen/{code}", follow_redirects=False,
                   data={"csrf_token": CSRF, "versie": versie, "status": "gereed", "eigenaar": "Team warmte",
                         "bewijs": "Raadsbesluit 2026/3"})  # fmt: skip
    assert done.status_code == 303
    page = gm.get(done.headers["location"]).text
    assert 'id="wr-stap-opgeslagen"' in page and "Raadsbesluit 2026/3" in page
    checks = gm.get(f"/programmas/{pid}/toetsen").text
    item = checks[checks.index('id="toets-haalbaar_betaalbaar"') :]
    item = item[: item.index("</li>")]
    assert 'data-status="fout"' in item and "Grondslag:" in item and "BU05050101" in item
    assert "Deze fout houdt de vaststelling tegen." in item
    texts = gm.get(f"/programmas/{pid}/teksten").text
    fields = form_fields(texts, "wr-teksten-form")
    assert "tekst_perspectief_2050" in fields and "tekst-perspectief_2050-hint" in texts
    saved = gm.post(
        f"/programmas/{pid}/teksten",
        follow_redirects=False,
        data={**fields, "tekst_perspectief_2050": "Alle buurten **aardgasvrij**.\n\n- warmtenet"},
    )
    assert saved.status_code == 303
    assert "Alle buurten **aardgasvrij**." in gm.get(f"/programmas/{pid}/teksten").text
    assert "<strong>aardgasvrij</strong>" in client_as("co").get(f"/programmas/{pid}/teksten").text  # read view
    assert 'id="wr-geen-terugblik"' in gm.get(f"/programmas/{pid}/terugblik").text
    docs = gm.get(f"/programmas/{pid}/documenten").text
    assert f'href="{API}/warmteprogrammas/{pid}/document.pdf"' in docs and 'id="wr-geen-publicaties"' in docs
    pdf = gm.get(f"{API}/warmteprogrammas/{pid}/document.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_publications_new_version_and_look_back_pages(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    designate(gm, pid, 1, aanwijzen=False)  # a buurt with a start year, so the look-back has something to compare
    make_adoptable(gm, pid)
    fields = form_fields(gm.get(f"/programmas/{pid}").text, "wr-actie-vaststellen")
    adopted = gm.post(f"/programmas/{pid}/status", follow_redirects=False,
                      data={**fields, "besluit_referentie": "Raadsbesluit 2026/12"})  # fmt: skip
    assert adopted.status_code == 303, adopted.text
    page = gm.get(f"/programmas/{pid}").text
    assert 'id="wr-actie-nieuwe-versie"' in page and 'id="wr-actie-vaststellen"' not in page
    assert "Raadsbesluit 2026/12" in page
    docs = client_as(None).get(f"/programmas/{pid}/documenten").text
    assert docs.count('data-document="') == 3 and re.search(r"<code[^>]*>[0-9a-f]{64}</code>", docs)
    new = gm.post(f"/programmas/{pid}/nieuwe-versie", data={"csrf_token": CSRF}, follow_redirects=False)
    assert new.status_code == 303
    second = int(re.search(r"/programmas/(\d+)", new.headers["location"]).group(1))
    look = gm.get(f"/programmas/{second}/terugblik").text
    assert 'id="wr-terugbliktabel"' in look and 'data-oordeel="' in look
    assert 'id="wr-programma-onveranderlijk"' in gm.get(f"/programmas/{pid}/buurten").text


def test_partners_page(client_as):
    gm = client_as("gm")
    html = gm.get("/gemeenten/GM0505/partners").text
    assert 'id="wr-partner-form"' in html and 'id="wr-moment-form"' in html and 'id="wr-geen-partners"' in html
    fields = form_fields(html, "wr-partner-form")
    bad = gm.post("/gemeenten/GM0505/partners", data={**fields, "organisatie": "Stedin", "email": "geen-adres"})
    assert bad.status_code == 422 and 'id="partner-email-fout"' in bad.text and 'value="Stedin"' in bad.text
    ok = gm.post(
        "/gemeenten/GM0505/partners",
        data={**fields, "organisatie": "Stedin", "soort": "netbeheerder", "contactpersoon": "A. Jansen"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith("#partners")
    html = gm.get("/gemeenten/GM0505/partners").text
    assert "Stedin" in html and "A. Jansen" in html and 'id="moment-partner-' in html
    moment = form_fields(html, "wr-moment-form")
    partner_id = re.search(r'id="moment-partner-(\d+)"', html).group(1)
    made = gm.post("/gemeenten/GM0505/partners", follow_redirects=False,
                   data={**moment, "titel": "Inloopavond", "datum": "2026-02-10", "partner_ids": partner_id,
                         "buurt_codes": "BU05050101", "inbreng": "Vragen over kosten"})  # fmt: skip
    assert made.status_code == 303, made.text
    html = gm.get("/gemeenten/GM0505/partners").text
    assert "Inloopavond" in html and "Partners: Stedin" in html and "nog geen reactie" in html
    mid = re.search(r'data-moment="(\d+)"', html).group(1)
    answered = gm.post(
        "/gemeenten/GM0505/partners",
        data={"csrf_token": CSRF, "actie": "reactie", "id": mid, "reactie": "Kosten toegelicht"},
        follow_redirects=False,
    )
    assert answered.status_code == 303 and "Kosten toegelicht" in gm.get("/gemeenten/GM0505/partners").text
    wrong = gm.post("/gemeenten/GM0505/partners", data={**moment, "titel": "", "datum": "gisteren"})
    assert wrong.status_code == 422 and 'id="moment-datum-fout"' in wrong.text
    assert 'id="moment-titel-fout"' in wrong.text
    # the coordinator reads without forms; others are refused; visitors must log in
    co = client_as("co").get("/gemeenten/GM0505/partners")
    assert co.status_code == 200 and "Stedin" in co.text and 'id="wr-partner-form"' not in co.text
    assert client_as("pap").get("/gemeenten/GM0505/partners").status_code == 403
    assert client_as("co17").get("/gemeenten/GM0505/partners").status_code == 403
    assert client_as(None).get("/gemeenten/GM0505/partners", follow_redirects=False).status_code == 303
    assert client_as("co").post("/gemeenten/GM0505/partners", data={**fields, "organisatie": "X"}).status_code == 403


def test_regional_overview_page(client_as):
    gm = client_as("gm")
    pid = create(gm)["id"]
    designate(gm, pid, 1)
    html = client_as("co").get("/regios/ES16/programmas")
    assert html.status_code == 200
    row = html.text[html.text.index('data-gemeente="GM0505"') :]
    row = row[: row.index("</tr>")]
    assert f'href="/programmas/{pid}"' in row and "Concept" in row
    if date.today() <= date(2026, 12, 31):
        assert 'data-termijn="open"' in row and "Nog niet vastgesteld" in row
    else:
        assert 'data-termijn="te_laat"' in row and "Niet op tijd" in row
    assert 'data-gemeente="GM0590"' in html.text and "Geen programma" in html.text
    assert 'id="wr-regiojaren"' in html.text and 'data-jaar="2027"' in html.text and 'role="img"' in html.text
    assert 'id="wr-geen-conflicten"' in html.text or 'id="wr-conflicten"' in html.text
    assert client_as("co17").get("/regios/ES16/programmas").status_code == 403
    assert client_as(None).get("/regios/ES16/programmas", follow_redirects=False).status_code == 303
    assert client_as("co").get("/regios/ES99/programmas").status_code == 404
    client = client_as("co")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert "Heat programmes in region Drechtsteden" in client.get("/regios/ES16/programmas").text
