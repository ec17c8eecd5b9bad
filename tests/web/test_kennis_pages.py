"""The knowledge base pages (issue 7): the search page (matched words marked after escaping, filters, counts,
pagination, help when nothing is found), the item page (Markdown rendered without script injection, attachments,
photos, related items with their reasons), the forms without JavaScript (CSRF, errors next to the fields, stale
version), attachment upload refusals on the page, the retrospective of a meeting (write, photo with alternative
text, publish, read) and questions with the best answer. Both databases, on the small ES16 region of ``conftest``."""

from __future__ import annotations

import re

import pytest
import test_kennis_api as api_tests
from test_kennis_api import CSRF, HTML_ALS_PDF, item, pdf, png

from warmteregio.web.i18n import LANGUAGE_COOKIE
from warmteregio.web.pages import kennis as kennis_pages

world = api_tests.world
client_as = api_tests.client_as

pytestmark = pytest.mark.db


def test_search_page_marks_matches_filters_and_paginates(client_as, monkeypatch):
    co = client_as("co")
    item(co, titel="Warmtenet <script>x</script> Centrum", samenvatting="Het warmtenet van Dordrecht.",
         zichtbaarheid="publiek", themas=["warmtenetten"])  # fmt: skip
    item(co, titel="Tweede warmtenet", samenvatting="Nog een warmtenet.", zichtbaarheid="publiek", soort="studie")
    item(co, titel="Derde warmtenet", samenvatting="Een derde warmtenet.", zichtbaarheid="publiek", soort="studie")
    item(co, titel="Ledennotitie warmtenet", zichtbaarheid="leden")
    monkeypatch.setattr(kennis_pages, "PER_PAGINA", 2)
    anoniem = client_as(None)
    page = anoniem.get("/kennis", params={"q": "warmtenetten"})
    assert page.status_code == 200
    assert "3 resultaten" in page.text and "Ledennotitie" not in page.text  # anonymous: public items only
    assert "<mark>warmtenet</mark>" in page.text
    assert 'rel="next"' in page.text and "Pagina 1 van 2" in page.text
    second = anoniem.get("/kennis", params={"q": "warmtenetten", "pagina": "2"})
    assert 'rel="prev"' in second.text and second.text.count('class="wr-kennis-resultaat"') == 1
    both = page.text + second.text
    assert "<script>x" not in both and "&lt;script&gt;x" in both
    studies = anoniem.get("/kennis", params={"q": "warmtenet", "soort": "studie"}).text
    assert "2 resultaten" in studies and "Filters wissen" in studies
    assert ">Studie (2)</option>" in studies  # the count per kind next to the filter
    leeg = anoniem.get("/kennis", params={"q": "zonnepanelen"})
    assert 'id="wr-kennis-geen"' in leeg.text and "Meervoud, verkleinwoord en accenten" in leeg.text
    leden = co.get("/kennis", params={"q": "warmtenet"}).text
    assert "4 resultaten" in leden
    anoniem.cookies.set(LANGUAGE_COOKIE, "en")
    english = anoniem.get("/kennis", params={"q": "zonnepanelen"}).text
    assert "Knowledge base" in english and "Nothing found" in english


def test_item_page_renders_markdown_safely_with_related_items(client_as):
    co = client_as("co")
    gevaarlijk = ("# Aanpak\n\n<script>alert('xss')</script>\n\n<img src=x onerror=alert(1)>\n\n"
                  "[klik](javascript:alert(1)) en [bron](https://example.org) **vet**")  # fmt: skip
    doel = item(co, titel="Aquathermie Centrum", inhoud=gevaarlijk, buurten=["BU05050101"],
                weblinks=[{"titel": "Rapport", "url": "https://example.org/rapport"}])  # fmt: skip
    buur = item(co, titel="Warmtenet Centrum", buurten=["BU05050101"])
    html = co.get(f"/kennis/{doel['id']}").text
    inhoud = html[html.index('id="wr-kennis-inhoud"') : html.index('id="wr-kennis-kenmerken-kop"')]
    assert "<script>alert" not in inhoud and "&lt;script&gt;" in inhoud
    assert "<img" not in inhoud and 'href="javascript:' not in inhoud
    assert "<h3>Aanpak</h3>" in inhoud and "<strong>vet</strong>" in inhoud
    assert 'href="https://example.org"' in inhoud and "nofollow" in inhoud
    verwant = html[html.index('id="wr-kennis-verwant"') :]
    assert f'href="/kennis/{buur["id"]}"' in verwant and "BU05050101" in verwant
    assert 'href="https://example.org/rapport"' in html and 'id="wr-kennis-beheer"' in html
    assert 'id="wr-kennis-beheer"' not in client_as("kijker").get(f"/kennis/{doel['id']}").text

    # the buurt page of the analyses lists the knowledge about that buurt; the search can be limited to it
    buurtpagina = co.get("/buurt/BU05050101").text
    kennis = buurtpagina[buurtpagina.index('id="wr-buurt-kennis"') :]
    assert f'href="/kennis/{doel["id"]}"' in kennis and f'href="/kennis/{buur["id"]}"' in kennis
    gefilterd = co.get("/kennis?buurt=bu05050101").text
    assert 'id="wr-kennis-buurtfilter"' in gefilterd and "Aquathermie Centrum" in gefilterd


def test_item_forms_create_edit_conflict_and_delete(client_as):
    co = client_as("co")
    form = co.get("/kennis/nieuw").text
    assert (
        'name="csrf_token" value="kennis-csrf-token"' in form and '<legend class="utrecht-form-fieldset__legend' in form
    )
    bad = co.post("/kennis/nieuw", data={"csrf_token": CSRF, "soort": "studie", "titel": "", "zichtbaarheid": "leden",
                                         "links": "javascript:alert(1)"})  # fmt: skip
    assert bad.status_code == 422 and 'id="wr-kennis-fout"' in bad.text
    assert 'id="veld-titel-fout"' in bad.text and 'id="veld-links-fout"' in bad.text
    assert co.post("/kennis/nieuw", data={"csrf_token": "fout", "titel": "x"}).status_code == 403
    made = co.post("/kennis/nieuw", data={"csrf_token": CSRF, "soort": "handreiking", "titel": "Handreiking isolatie",
                                          "inhoud": "Isoleer **eerst**.", "zichtbaarheid": "leden",
                                          "themas": ["isolatie", "data"], "themas_extra": "spouwmuur",
                                          "links": "Isolatieloket | https://example.org/isolatie"},
                   follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    page = co.get(made.headers["location"]).text
    assert "Het item is aangemaakt." in page and "Isolatieloket" in page and "Isolatie en besparing" in page
    edit = co.get(f"{url}/bewerken").text
    assert 'name="versie" value="1"' in edit and "spouwmuur" in edit and "Isolatieloket | https://" in edit
    velden = {"csrf_token": CSRF, "soort": "handreiking", "titel": "Nieuw", "zichtbaarheid": "leden"}
    stale = co.post(f"{url}/bewerken", data={**velden, "versie": "5", "inhoud": "Mijn tekst"})
    assert stale.status_code == 409 and "iemand anders" in stale.text and "Mijn tekst" in stale.text
    ok = co.post(f"{url}/bewerken", data={"csrf_token": CSRF, "versie": "1", "soort": "handreiking",
                                          "titel": "Handreiking isolatie 2", "zichtbaarheid": "leden"},
                 follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and "Handreiking isolatie 2" in co.get(url).text
    assert client_as("kijker").get(f"{url}/bewerken").status_code == 403
    niet = co.post(f"{url}/verwijderen", data={"csrf_token": CSRF}, follow_redirects=False)
    assert "niet-bevestigd" in niet.headers["location"]
    gone = co.post(f"{url}/verwijderen", data={"csrf_token": CSRF, "bevestig": "ja"}, follow_redirects=False)
    assert gone.headers["location"] == "/kennis?opgeslagen=verwijderd" and co.get(url).status_code == 404


def test_visibility_on_the_pages(client_as):
    co = client_as("co")
    publiek = item(co, titel="Openbare studie", zichtbaarheid="publiek")
    leden = item(co, titel="Voor leden", zichtbaarheid="leden")
    regio = item(co, titel="Voor de regio", zichtbaarheid="regio", res_code="ES16")
    anoniem = client_as(None)
    assert anoniem.get(f"/kennis/{publiek['id']}").status_code == 200
    redirect = anoniem.get(f"/kennis/{leden['id']}", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"].startswith("/login?next=")
    refused = client_as("co17").get(f"/kennis/{regio['id']}")
    assert refused.status_code == 403 and "regio" in refused.text
    assert client_as("gm").get(f"/kennis/{regio['id']}").status_code == 200  # gemeente in ES16
    assert anoniem.get("/kennis/999999").status_code == 404
    assert anoniem.get("/vragen", follow_redirects=False).status_code == 303
    # odd numbers and NUL (PostgreSQL text cannot hold it) are not found or ignored, never a server error
    huge = "9" * 25
    assert co.post(f"/kennis/{huge}/verwijderen", data={"csrf_token": CSRF, "bevestig": "ja"}).status_code == 404
    assert co.post(f"/kennis/{publiek['id']}/bijlagen/{huge}/verwijderen", data={"csrf_token": CSRF}).status_code == 404
    for path in ("/kennis?pagina=²", "/kennis?pagina=" + "1" * 5000, "/kennis?thema=%00"):
        assert anoniem.get(path).status_code == 200, path


def test_attachment_page_refuses_disguised_html_and_needs_alt_text(client_as):
    co = client_as("co")
    it = item(co, titel="Met bijlagen", zichtbaarheid="leden")
    url = f"/kennis/{it['id']}/bijlagen"
    form = co.get(url).text
    assert 'enctype="multipart/form-data"' in form and "20 MB" in form
    html = co.post(url, data={"csrf_token": CSRF, "soort": "document"},
                   files={"bestand": ("verslag.pdf", HTML_ALS_PDF, "application/pdf")})  # fmt: skip
    assert html.status_code == 415 and 'id="veld-bestand-fout"' in html.text and "HTML" in html.text
    zonder_alt = co.post(url, data={"csrf_token": CSRF, "soort": "foto"},
                         files={"bestand": ("zaal.png", png(), "image/png")})  # fmt: skip
    assert zonder_alt.status_code == 422 and 'id="veld-beschrijving-fout"' in zonder_alt.text
    assert co.post(url, data={"csrf_token": "fout"}, files={"bestand": ("a.pdf", pdf(), "application/pdf")}
                   ).status_code == 403  # fmt: skip
    for soort, naam, data, beschrijving in (
        ("document", "rapport.pdf", pdf(), ""),
        ("foto", "zaal.png", png(), "Zaal"),
    ):
        done = co.post(url, data={"csrf_token": CSRF, "soort": soort, "beschrijving": beschrijving},
                       files={"bestand": (naam, data, "application/octet-stream")}, follow_redirects=False)  # fmt: skip
        assert done.status_code == 303, done.text
    page = co.get(f"/kennis/{it['id']}").text
    foto = re.search(r'<img class="wr-kennis-foto__beeld" src="(/kennis/\d+/bijlagen/\d+)" alt="Zaal"', page)
    assert foto and 'href="/kennis/' in page and "rapport.pdf" in page
    shown = co.get(foto.group(1))
    assert shown.headers["content-type"] == "image/png" and shown.headers["x-content-type-options"] == "nosniff"
    assert client_as(None).get(foto.group(1), follow_redirects=False).status_code == 303  # members only
    bid = foto.group(1).rsplit("/", 1)[1]
    deleted = co.post(f"{url}/{bid}/verwijderen", data={"csrf_token": CSRF}, follow_redirects=False)
    assert deleted.status_code == 303 and co.get(foto.group(1)).status_code == 404


def test_retrospective_page_write_photo_publish_and_read(client_as, world):
    bid = world["ids"]["verleden"]
    co = client_as("co")
    casus = item(co, titel="Workshopcasus Centrum", soort="workshopcasus")
    page = co.get(f"/bijeenkomsten/{bid}/terugblik").text
    assert 'id="wr-geen-terugblik"' in page and 'id="wr-terugblik-form"' in page and 'id="wr-foto-eerst-tekst"' in page
    assert f'value="{casus["id"]}"' in page  # offered to link
    concept = co.post(f"/bijeenkomsten/{bid}/terugblik", data={
        "csrf_token": CSRF, "inhoud": "We bespraken <script>x</script> **aquathermie**.", "kennisitems": [casus["id"]],
        "links": "Verslag | https://example.org/verslag", "status": "concept"}, follow_redirects=False)  # fmt: skip
    assert concept.status_code == 303 and concept.headers["location"].endswith("opgeslagen=concept")
    kijker = client_as("kijker")
    member_view = kijker.get(f"/bijeenkomsten/{bid}/terugblik").text
    assert 'id="wr-geen-terugblik"' in member_view and 'id="wr-terugblik-form"' not in member_view  # a draft
    zonder_alt = co.post(f"/bijeenkomsten/{bid}/terugblik/fotos", data={"csrf_token": CSRF},
                         files={"bestand": ("zaal.png", png(), "image/png")})  # fmt: skip
    assert zonder_alt.status_code == 422 and 'id="veld-foto-beschrijving-fout"' in zonder_alt.text
    foto = co.post(f"/bijeenkomsten/{bid}/terugblik/fotos", data={"csrf_token": CSRF, "beschrijving": "De zaal vol"},
                   files={"bestand": ("zaal.png", png(), "image/png")}, follow_redirects=False)  # fmt: skip
    assert foto.status_code == 303
    edit = co.get(f"/bijeenkomsten/{bid}/terugblik").text
    versie = re.search(r'name="versie" value="(\d+)"', edit).group(1)
    published = co.post(f"/bijeenkomsten/{bid}/terugblik", data={
        "csrf_token": CSRF, "versie": versie, "inhoud": "We bespraken <script>x</script> **aquathermie**.",
        "kennisitems": [casus["id"]], "links": "Verslag | https://example.org/verslag", "status": "gepubliceerd"},
        follow_redirects=False)  # fmt: skip
    assert published.status_code == 303 and published.headers["location"].endswith("opgeslagen=gepubliceerd")
    view = kijker.get(f"/bijeenkomsten/{bid}/terugblik").text
    assert "<strong>aquathermie</strong>" in view and "<script>x" not in view
    assert 'alt="De zaal vol"' in view and f'href="/kennis/{casus["id"]}"' in view and "example.org/verslag" in view
    assert 'id="wr-terugblik-form"' not in view
    toekomst = co.post(f"/bijeenkomsten/{world['ids']['toekomst']}/terugblik",
                       data={"csrf_token": CSRF, "inhoud": "x", "status": "concept"})  # fmt: skip
    assert toekomst.status_code == 409 and "begonnen" in toekomst.text


def test_question_pages_ask_answer_and_mark_the_best(client_as):
    gm, co = client_as("gm"), client_as("co")
    assert 'id="wr-vraag-form"' in gm.get("/vragen/nieuw").text
    bad = gm.post("/vragen/nieuw", data={"csrf_token": CSRF, "titel": "", "tekst": ""})
    assert bad.status_code == 422 and 'id="veld-titel-fout"' in bad.text and 'id="veld-tekst-fout"' in bad.text
    asked = gm.post("/vragen/nieuw", data={"csrf_token": CSRF, "titel": "Wie heeft ervaring met TEO?",
                                           "tekst": "Graag <b>tips</b>.", "themas": ["bronnen"],
                                           "zichtbaarheid": "leden"}, follow_redirects=False)  # fmt: skip
    assert asked.status_code == 303
    url = asked.headers["location"].split("?")[0]
    assert "Wie heeft ervaring met TEO?" in co.get("/vragen").text
    leeg = co.post(f"{url}/antwoorden", data={"csrf_token": CSRF, "tekst": " "})
    assert leeg.status_code == 422 and 'id="veld-tekst-fout"' in leeg.text
    answered = co.post(f"{url}/antwoorden", data={"csrf_token": CSRF, "tekst": "Zie de **handreiking**."},
                       follow_redirects=False)  # fmt: skip
    assert answered.status_code == 303 and "#antwoord-" in answered.headers["location"]
    page = gm.get(url).text
    assert "&lt;b&gt;tips&lt;/b&gt;" in page and "<strong>handreiking</strong>" in page
    antwoord_id = re.search(r'name="antwoord_id" value="(\d+)"', page).group(1)
    assert 'name="antwoord_id"' not in client_as("kijker").get(url).text  # only the asker and editors mark
    assert gm.post(f"{url}/beste-antwoord", data={"csrf_token": CSRF, "antwoord_id": "²"}).status_code == 404
    assert gm.post(f"/vragen/{'9' * 25}/antwoorden", data={"csrf_token": CSRF, "tekst": "x"}).status_code == 404
    assert gm.get("/vragen?thema=%00").status_code == 200
    best = gm.post(f"{url}/beste-antwoord", data={"csrf_token": CSRF, "antwoord_id": antwoord_id},
                   follow_redirects=False)  # fmt: skip
    assert best.status_code == 303
    page = gm.get(best.headers["location"]).text
    assert "Beste antwoord" in page and 'id="wr-vraag-kennisitem"' in page
    kennis = re.search(r'id="wr-vraag-kennisitem"><a class="utrecht-link utrecht-link--html-a" href="(/kennis/\d+)"',
                       page).group(1)  # fmt: skip
    assert "Zie de <strong>handreiking</strong>" in co.get(kennis).text
