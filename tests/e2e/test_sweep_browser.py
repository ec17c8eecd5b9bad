"""End-to-end: a coordinator starts an SMAA analysis of the region from the sweeps page, follows its progress (the
live region on the page is updated in place by htmx polling) and reads the results; axe-core finds no WCAG 2.1 AA
violations on the list and the result page."""

from __future__ import annotations

import re

import pytest
from e2e_site import LiveServer
from test_browser import describe, login, run_axe

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 120_000


def test_start_sweep_follow_progress_and_read_results(page, live_server: LiveServer) -> None:  # noqa: ANN001
    login(page, live_server, "/sweeps")
    assert page.url == f"{live_server.url}/sweeps"
    violations = run_axe(page)
    assert violations == [], describe(violations)

    page.get_by_label("Gebied").select_option("ES18")
    page.get_by_label("Aantal trekkingen (SMAA)").select_option("1000")
    # run in the web process (no Dask cluster to start in the test); the form's default is the configured cluster
    page.evaluate(
        """() => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'uitvoering';
                   i.value = 'inproces'; document.getElementById('wr-sweep-form').appendChild(i); }"""
    )
    page.get_by_role("button", name="Start analyse").click()
    page.wait_for_url(re.compile(r".*/sweeps/\d+$"), timeout=TIMEOUT_MS)
    status = page.locator("#wr-sweep-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    handle = status.element_handle()
    page.wait_for_selector('#wr-sweep-voortgang[data-status="klaar"]', timeout=TIMEOUT_MS)
    page.wait_for_function(
        "(el) => el.isConnected && el.textContent.includes('klaar')", arg=handle, timeout=TIMEOUT_MS
    )
    # the same live-region node is still in the document: it was updated, not replaced
    assert page.evaluate("(el) => el === document.getElementById('wr-sweep-status')", handle)
    assert "gemeentepartities klaar" in status.text_content()
    assert page.locator("#wr-sweep-gemeenten").count() == 1
    assert page.locator("#wr-sweep-gemeenten tbody tr").count() >= 1
    violations = run_axe(page)
    assert violations == [], describe(violations)
    assert page.js_errors == []
