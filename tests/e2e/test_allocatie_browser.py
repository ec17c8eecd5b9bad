"""End-to-end: a coordinator starts an allocation of the Drechtsteden sources from the form, follows its progress
(the live region is updated in place by htmx polling), sees the map (buurten, sources, transport lines) and the
tables, makes the scenario "HVC closes in 2035" from the result page and compares both side by side; axe-core
finds no WCAG 2.1 AA violations on the list, the run page and the comparison page, in Dutch and English."""

from __future__ import annotations

import re

import pytest
from e2e_site import BUURTEN, SOURCES, LiveServer
from test_browser import describe, login, run_axe

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 120_000


def wait_for_map(page, selector: str) -> None:  # noqa: ANN001
    page.wait_for_selector(f"{selector}[data-kaart-status='klaar'], {selector}[data-kaart-status='fout']",
                           timeout=TIMEOUT_MS)  # fmt: skip
    assert page.get_attribute(selector, "data-kaart-status") == "klaar"


def test_allocate_follow_progress_scenario_and_compare(page, live_server: LiveServer) -> None:  # noqa: ANN001
    login(page, live_server, "/allocaties")
    assert page.url == f"{live_server.url}/allocaties"
    violations = run_axe(page)
    assert violations == [], describe(violations)

    page.get_by_label("Titel").fill("Browsertest")
    page.get_by_label("Buurten die op een warmtenet moeten").fill("BU05050104")
    page.get_by_role("button", name="Start allocatie").click()
    page.wait_for_url(re.compile(r".*/allocaties/\d+$"), timeout=TIMEOUT_MS)
    base_url = page.url
    status = page.locator("#wr-allocatie-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    handle = status.element_handle()
    page.wait_for_selector('#wr-allocatie-voortgang[data-status="klaar"]', timeout=TIMEOUT_MS)
    page.wait_for_function("(el) => el.isConnected && el.textContent.includes('klaar')", arg=handle,
                           timeout=TIMEOUT_MS)  # fmt: skip
    assert page.evaluate("(el) => el === document.getElementById('wr-allocatie-status')", handle)
    # the map inside the swapped-in result is drawn after the htmx swap
    wait_for_map(page, "#wr-allocatie-kaart")
    assert page.get_attribute("#wr-allocatie-kaart", "data-buurten-getekend") == str(len(BUURTEN))
    assert page.get_attribute("#wr-allocatie-kaart", "data-bronnen-getekend") == str(len(SOURCES))
    assert int(page.get_attribute("#wr-allocatie-kaart", "data-leidingen-getekend") or 0) >= 1  # Kalkhaven is fixed in
    assert page.locator("#wr-allocatie-buurten tbody tr").count() == len(BUURTEN)
    assert page.locator("#wr-allocatie-bronnen tbody tr").count() == len(SOURCES)
    assert page.locator("#wr-allocatie-gemeenten tbody tr").count() == 2
    violations = run_axe(page)
    assert violations == [], describe(violations)

    # a fresh load of the finished run (no polling): the map is drawn on load too
    page.goto(base_url)
    wait_for_map(page, "#wr-allocatie-kaart")
    page.get_by_label("Bron die sluit").select_option("HTHP0002")
    page.get_by_label("Sluitingsjaar").fill("2035")
    page.get_by_label("Bronjaar").select_option("2040")
    page.get_by_role("button", name="Start scenario").click()
    page.wait_for_url(lambda url: re.search(r"/allocaties/\d+$", url) and url != base_url, timeout=TIMEOUT_MS)
    page.wait_for_selector('#wr-allocatie-voortgang[data-status="klaar"]', timeout=TIMEOUT_MS)
    assert "HVC Afvalcentrale Dordrecht" not in page.locator("#wr-allocatie-bronnen").text_content()
    page.goto(page.url)  # reload: the link to the comparison is in the settings above the live fragment
    page.locator("#wr-allocatie-vergelijk-basis").click()
    page.wait_for_url(re.compile(r".*/allocaties/\d+/vergelijk/\d+$"), timeout=TIMEOUT_MS)
    wait_for_map(page, "#wr-vergelijk-kaart-a")
    wait_for_map(page, "#wr-vergelijk-kaart-b")
    assert page.locator("#wr-vergelijk-buurten tbody tr").count() == len(BUURTEN)
    changed = page.locator('#wr-vergelijk-buurten tbody tr[data-gewijzigd="ja"]').count()
    summary = page.locator("#wr-vergelijk-samenvatting").text_content()
    assert f"{changed} van de {len(BUURTEN)} buurten" in summary
    violations = run_axe(page)
    assert violations == [], describe(violations)
    compare_url = page.url

    page.goto(f"{live_server.url}/taal?lang=en&terug=/allocaties")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.goto(compare_url)
    wait_for_map(page, "#wr-vergelijk-kaart-a")
    assert "neighbourhoods get a different assignment in B" in page.locator("#wr-vergelijk-samenvatting").text_content()
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.goto(base_url)
    wait_for_map(page, "#wr-allocatie-kaart")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    assert page.js_errors == []
