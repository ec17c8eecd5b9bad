"""End-to-end: the heat-source registry in the browser. The registry page draws the sources on the RD New map
and lists them in a sortable table; the coordinator opens a source, changes a figure with its evidence and a
reason, sees the new version in the history, then gets a clear conflict message when an old form is submitted.
Registry, source and new-source pages have no axe-core violations (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from e2e_site import SOURCES, USER_EMAIL, USER_PASSWORD, LiveServer, describe, login_as, run_axe

pytestmark = pytest.mark.e2e

MAP_TIMEOUT_MS = 15_000


def test_registry_edit_history_and_conflict(page, browser, live_server: LiveServer) -> None:  # noqa: ANN001
    code = SOURCES[0][0]
    login_as(page, live_server, USER_EMAIL, USER_PASSWORD, "/bronnen")
    assert page.url.endswith("/bronnen")  # the coordinator's own region is chosen
    page.wait_for_selector("#wr-bronnenkaart[data-kaart-status]", timeout=MAP_TIMEOUT_MS)
    assert page.get_attribute("#wr-bronnenkaart", "data-kaart-status") == "klaar"
    drawn = int(page.get_attribute("#wr-bronnenkaart", "data-bronnen-getekend"))
    rows = page.locator("#wr-bronnentabel tbody tr").count()
    assert drawn == rows >= 1
    assert "warmtebronnen getekend" in page.text_content("#wr-kaart-status")
    # the table sorts (tabel.js)
    page.get_by_role("button", name="Naam").click()
    assert page.get_attribute("#wr-bronnentabel th:nth-child(1)", "aria-sort") == "ascending"
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert not page.js_errors, page.js_errors

    page.locator(f"#wr-bronnentabel tr[data-code='{code}'] a").click()
    page.wait_for_selector("#wr-bronkaart[data-kaart-status='klaar']", timeout=MAP_TIMEOUT_MS)
    violations = run_axe(page)
    assert not violations, describe(violations)
    # keep the form of version 1 open in a second tab to make a conflict later
    other = page.context.new_page()
    other.goto(page.url)

    page.get_by_label("Aanvoertemperatuur (°C)").fill("95")
    page.get_by_text("Onderbouwing van aanvoertemperatuur").click()
    page.locator("#bewijs-temperatuur_c-bron").fill("opgave exploitant 2026")
    page.get_by_label("Reden van de wijziging").fill("gemeten aanvoertemperatuur")
    page.get_by_role("button", name="Wijziging opslaan").click()
    page.wait_for_selector("#wr-bron-opgeslagen")
    assert "versie 2" in page.text_content("#wr-bron-opgeslagen")
    history = page.text_content("#wr-bronhistorie")
    assert "gemeten aanvoertemperatuur" in history and "Aanvoertemperatuur: – → 95,0 °C" in history
    assert "opgave exploitant 2026" in page.text_content("#wr-brongegevens")
    violations = run_axe(page)
    assert not violations, describe(violations)

    other.get_by_label("Capaciteit (MW)").fill("12")
    other.get_by_label("Reden van de wijziging").fill("oud formulier")
    other.get_by_role("button", name="Wijziging opslaan").click()
    other.wait_for_selector("#wr-bron-conflict")
    assert "iemand anders heeft deze bron intussen gewijzigd" in other.text_content("#wr-bron-conflict")
    violations = run_axe(other)
    assert not violations, describe(violations)
    other.close()

    page.goto(f"{live_server.url}/bronnen/nieuw")
    violations = run_axe(page)
    assert not violations, describe(violations)
    # a refused form shows the errors next to the fields, still accessible
    page.get_by_role("button", name="Bron toevoegen").click()
    page.wait_for_selector("#wr-bron-fout")
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert not page.js_errors, page.js_errors
