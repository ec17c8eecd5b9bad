"""End-to-end: the warmteprogramma workbench in the browser. A Dordrecht official logs in, drafts the programme from
the analysis, opens a buurt in the planning table (sortable), gets a clear field error, marks the buurt for
designation with a linked opportunity, sees the affordability check fail with a clear message and its legal basis,
changes the year of the map (htmx), downloads the PDF and checks it is a PDF, and visits steps, texts, look-back,
partners and the regional overview. A visitor sees the public list. Every page has no axe-core violations
(WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_site import GEMEENTE_EMAIL, GEMEENTE_PASSWORD, LiveServer, describe, login_as, run_axe

pytestmark = pytest.mark.e2e

BUURT = "BU05050100"
TIMEOUT_MS = 30_000


def accessible(page) -> None:  # noqa: ANN001
    violations = run_axe(page)
    assert not violations, f"{page.url}\n{describe(violations)}"


def test_draft_programme_edit_buurt_checks_and_pdf(page, browser, live_server: LiveServer, tmp_path: Path) -> None:  # noqa: ANN001
    login_as(page, live_server, GEMEENTE_EMAIL, GEMEENTE_PASSWORD, "/programmas")
    assert page.url.endswith("/programmas")
    accessible(page)

    # draft Dordrecht's programme from the analysis
    form = page.locator("#wr-programma-maak")
    assert form.get_by_label("Gemeente").input_value() == "GM0505"
    assert form.get_by_label("Opstellen vanuit de analyse (afwegingskader)").is_checked()
    form.get_by_role("button", name="Programma aanmaken").click()
    page.wait_for_selector("#wr-programma-opgeslagen")
    programme_url = page.url.split("?")[0]
    assert "analyse" in page.text_content("#wr-programma-gegevens").lower()
    assert page.locator("#wr-actie-vaststellen").is_visible()
    accessible(page)

    # the planning table: analysis preference and robustness per buurt, sortable
    page.get_by_role("link", name="Buurtplanning").first.click()
    page.wait_for_selector("#wr-plannentabel")
    assert page.locator("#wr-plannentabel tbody tr").count() == 5
    page.locator("#wr-plannentabel").get_by_role("button", name="Startjaar").click()
    assert page.get_attribute("#wr-plannentabel th:nth-child(6)", "aria-sort") == "ascending"
    accessible(page)

    # edit a buurt: a wrong year first (a clear field error, what was typed is kept), then designation
    page.locator(f"#wr-plannentabel tr[data-buurt='{BUURT}'] a").click()
    page.wait_for_selector("#wr-buurt-form")
    accessible(page)
    page.get_by_label("Startjaar van de aanpak").fill("abcd")
    page.get_by_role("button", name="Buurtplan opslaan").click()
    page.wait_for_selector("#veld-startjaar-fout")
    assert "geen jaartal" in page.text_content("#veld-startjaar-fout")
    assert page.get_by_label("Startjaar van de aanpak").input_value() == "abcd"
    accessible(page)
    page.get_by_label("Startjaar van de aanpak").fill("2027")
    page.get_by_label("Doeljaar aardgasvrij").fill("2034")
    page.get_by_label("De gemeente is voornemens deze buurt aan te wijzen").check()
    page.get_by_label("Jaar van het aanwijzingsbesluit").fill("2027")
    page.get_by_label("Jaar einde aardgaslevering").fill("2035")
    page.get_by_label("Soort koppelkans 1").select_option("riolering")
    page.get_by_label("Omschrijving koppelkans 1").fill("Rioolvervanging Nieuwe Haven")
    page.get_by_label("Jaar koppelkans 1").fill("2028")
    page.get_by_role("button", name="Buurtplan opslaan").click()
    page.wait_for_selector("#wr-buurt-opgeslagen")
    assert page.get_by_label("De gemeente is voornemens deze buurt aan te wijzen").is_checked()
    accessible(page)

    # the checks: affordability and feasibility are not substantiated for the designated buurt
    page.get_by_role("link", name="Toetsen", exact=True).click()
    page.wait_for_selector("#wr-toetsenlijst")
    check = page.locator("#toets-haalbaar_betaalbaar")
    assert check.get_attribute("data-status") == "fout"
    text = check.text_content()
    assert BUURT in text and "Grondslag:" in text and "Deze fout houdt de vaststelling tegen." in text
    accessible(page)

    # timeline and the map per year (htmx swaps the map)
    page.get_by_role("link", name="Tijdlijn en kaart").click()
    page.wait_for_selector("#wr-tijdlijntabel")
    assert page.locator(f"#wr-tijdlijntabel tr[data-buurt='{BUURT}'] .wr-programma-gantt__aanwijzing").count() == 1
    page.get_by_label("Jaar", exact=True).select_option("2034")
    page.wait_for_selector("#wr-programma-kaart[data-jaar='2034']", timeout=TIMEOUT_MS)
    assert page.locator(f"#wr-kaarttabel tr[data-buurt='{BUURT}']").get_attribute("data-toestand") == "aardgasvrij"
    assert page.locator("#wr-programma-kaart svg path[data-buurt]").count() >= 5
    accessible(page)

    for name, selector in (("Stappen", "#wr-stappenlijst"), ("Teksten", "#wr-teksten-form"),
                           ("Terugblik", "#wr-geen-terugblik"), ("Overzicht", "#wr-programma-gegevens")):  # fmt: skip
        page.locator(".wr-programma-nav").get_by_role("link", name=name, exact=True).click()
        page.wait_for_selector(selector)
        accessible(page)

    # the live PDF
    page.locator(".wr-programma-nav").get_by_role("link", name="Documenten").click()
    page.wait_for_selector("#wr-documenten-actueel")
    accessible(page)
    with page.expect_download(timeout=60_000) as info:
        page.locator("#wr-document-pdf").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename.endswith(".pdf") and "GM0505" in download.suggested_filename
    assert target.read_bytes().startswith(b"%PDF")

    # partners and participation, the regional overview
    page.goto(f"{live_server.url}/gemeenten/GM0505/partners")
    page.wait_for_selector("#wr-partner-form")
    accessible(page)
    page.get_by_label("Organisatie").fill("Stedin")
    page.locator("#wr-partner-form").get_by_role("button", name="Partner toevoegen").click()
    page.wait_for_selector("#wr-partnertabel")
    assert "Stedin" in page.text_content("#wr-partnertabel")
    accessible(page)
    page.goto(f"{live_server.url}/regios/ES18/programmas")
    page.wait_for_selector("#wr-regiotabel")
    assert "Concept" in page.text_content("#wr-regiotabel tr[data-gemeente='GM0505']")
    accessible(page)
    assert not page.js_errors, page.js_errors

    # a visitor sees only public versions: the draft is not listed and its page asks to log in
    visitor = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL").new_page()
    visitor.goto(f"{live_server.url}/programmas")
    assert visitor.locator("#wr-programmas-openbaar").is_visible()
    assert visitor.locator("#wr-programmastabel").count() == 0
    accessible(visitor)
    visitor.goto(programme_url)
    assert "/login" in visitor.url
    visitor.context.close()
