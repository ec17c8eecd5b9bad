"""End-to-end: a workshop case in the browser. The coordinator creates a case through the form and adds two
participants; they log in and save opposite weights (slider and number field); the coordinator's open page
picks up the second submission by polling, shows both rankings and contested buurten, and the decision log
opens. The case page has no axe-core violations (WCAG 2.1 AA)."""

from __future__ import annotations

import re

import pytest
from e2e_site import USER_EMAIL, USER_PASSWORD, LiveServer, describe, login_as, run_axe
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import create_user
from warmteregio.store.models import User

pytestmark = pytest.mark.e2e

PASSWORD = "casus-e2e-wachtwoord"
PARTICIPANTS = {
    "anna": ("casus-e2e-anna@example.nl", "Anna Afweger"),
    "bob": ("casus-e2e-bob@example.nl", "Bob Beweger"),
}
#: National costs against sustainability concerns: with opposite weights the group's mixtures split (contested).
CRITERIA = ("nationale_meerkosten", "duurzaamheidszorg")
POLL_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def participants(live_server: LiveServer) -> dict[str, str]:
    with Session(live_server.engine) as s:
        for email, naam in PARTICIPANTS.values():
            if s.scalar(select(User.id).where(User.email == email)) is None:
                create_user(s, email=email, naam=naam, password=PASSWORD, rol="viewer")
        s.commit()
    return {key: email for key, (email, _) in PARTICIPANTS.items()}


def submit_weights(page, server: LiveServer, case_url: str, costs: int, concerns: int, argument: str) -> None:  # noqa: ANN001
    page.goto(case_url)
    # the number field for one criterion, the slider for the other (kept in step by casus.js)
    page.locator("#getal-nationale_meerkosten").fill(str(costs))
    page.locator("#schuif-duurzaamheidszorg").fill(str(concerns))
    assert page.locator("#getal-duurzaamheidszorg").input_value() == str(concerns)
    page.get_by_label("Algemeen argument").fill(argument)
    page.get_by_role("button", name="Sla gewichten en argumenten op").click()
    page.wait_for_selector("#wr-inbreng [role=status]")
    assert "zijn opgeslagen" in page.text_content("#wr-inbreng")


def test_workshop_case_end_to_end(page, browser, live_server: LiveServer, participants: dict[str, str]) -> None:  # noqa: ANN001
    login_as(page, live_server, USER_EMAIL, USER_PASSWORD, "/casussen")
    assert page.url.endswith("/casussen")
    page.get_by_label("Titel").fill("Binnenstad: warmtepomp of groen gas?")
    page.get_by_label("Regio").select_option("ES18")
    for box in page.locator("input[name^='criterium_']").all():
        box.set_checked(box.get_attribute("name").removeprefix("criterium_") in CRITERIA)
    page.get_by_role("button", name="Maak casus").click()
    page.wait_for_load_state()
    match = re.search(r"/casussen/(\d+)$", page.url)
    assert match, page.url
    case_url = page.url
    assert page.get_by_role("heading", name="Binnenstad: warmtepomp of groen gas?").count() == 1

    for email in participants.values():
        page.get_by_label("E-mailadres van een bestaande gebruiker").fill(email)
        page.get_by_role("button", name="Voeg toe").click()
        page.wait_for_load_state()
    deelnemers = page.text_content("#deelnemers + ul")
    assert "Anna Afweger" in deelnemers and "Bob Beweger" in deelnemers
    assert page.locator("#wr-casus-geen-inbreng").is_visible()

    anna_ctx, bob_ctx = browser.new_context(locale="nl-NL"), browser.new_context(locale="nl-NL")
    try:
        anna, bob = anna_ctx.new_page(), bob_ctx.new_page()
        login_as(anna, live_server, participants["anna"], PASSWORD, case_url.removeprefix(live_server.url))
        submit_weights(anna, live_server, case_url, 100, 0, "Laagste kosten <eerst>")
        page.reload()
        page.wait_for_selector("#wr-casus-winnaars")
        assert "Anna Afweger" in page.text_content("#wr-casus-winnaars")
        # Bob saves while the coordinator's page stays open: the 5-second poll brings his ranking in
        login_as(bob, live_server, participants["bob"], PASSWORD, case_url.removeprefix(live_server.url))
        submit_weights(bob, live_server, case_url, 0, 100, "Geen gedoe met biomassa")
        page.wait_for_function(
            "() => (document.querySelector('#wr-casus-winnaars') || {}).textContent?.includes('Bob Beweger')",
            timeout=POLL_TIMEOUT_MS,
        )
    finally:
        anna_ctx.close()
        bob_ctx.close()

    header = page.locator("#wr-casus-winnaars thead").text_content()
    assert "Anna Afweger" in header and "Bob Beweger" in header
    assert int(page.text_content("#wr-casus-aantal-omstreden")) >= 1
    first_row = page.locator("#wr-casus-groepskeuze tbody tr").first
    assert "omstreden" in first_row.text_content()  # contested buurten first
    assert "deelnemers hebben gewogen" in page.text_content("#wr-casus-status")

    violations = run_axe(page)
    assert not violations, describe(violations)
    assert not page.js_errors, page.js_errors

    page.locator("#wr-besluitenlog-html").click()
    page.wait_for_load_state()
    assert page.url.endswith("/besluitenlog")
    assert page.title().startswith("Besluitenlog: Binnenstad")
    body = page.text_content("body")
    assert "Laagste kosten <eerst>" in body and "Geen gedoe met biomassa" in body
    assert "Anna Afweger" in body and "omstreden" in body
    assert page.locator("script").count() == 0
