"""End-to-end: log in through the form, open the region map, and check accessibility with axe-core."""

from __future__ import annotations

import json
import re

import pytest
from e2e_site import USER_EMAIL, USER_NAME, USER_PASSWORD, LiveServer, run_axe
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.store.models import Buurt, Warmtebron

pytestmark = pytest.mark.e2e

MAP_TIMEOUT_MS = 20_000


def login(page, server: LiveServer, next_path: str = "/") -> None:  # noqa: ANN001
    page.goto(f"{server.url}/login?next={next_path}")
    page.get_by_label("E-mailadres").fill(USER_EMAIL)
    page.get_by_label("Wachtwoord").fill(USER_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def wait_for_map(page) -> None:  # noqa: ANN001
    page.wait_for_selector("#wr-kaart[data-kaart-status]", timeout=MAP_TIMEOUT_MS)
    status = page.get_attribute("#wr-kaart", "data-kaart-status")
    assert status == "klaar", f"map did not load: {page.text_content('#wr-kaart-status')}"


def test_login_then_region_map_draws_every_buurt_and_source(page, live_server: LiveServer) -> None:  # noqa: ANN001
    login(page, live_server, "/regio/ES18")
    assert page.url == f"{live_server.url}/regio/ES18"
    assert USER_NAME in page.text_content("header")

    wait_for_map(page)
    with Session(live_server.engine) as s:
        buurten_in_db = s.scalar(select(func.count()).select_from(Buurt).where(Buurt.geometry.is_not(None)))
        bronnen_in_db = s.scalar(select(func.count()).select_from(Warmtebron))
    drawn_buurten = int(page.get_attribute("#wr-kaart", "data-buurten-getekend"))
    drawn_bronnen = int(page.get_attribute("#wr-kaart", "data-bronnen-getekend"))
    assert drawn_buurten == buurten_in_db == 8
    assert drawn_bronnen == bronnen_in_db == 2
    # the SVG really holds the shapes: buurt polygons + gemeente outlines + source circles
    assert page.locator("#wr-kaart path.leaflet-interactive").count() == drawn_buurten + drawn_bronnen
    assert "8 buurten en 2 warmtebronnen getekend" in page.text_content("#wr-kaart-status")
    # base map is off by default, so no tiles are requested and no Kadaster attribution is shown
    assert page.locator("#wr-kaart img.leaflet-tile").count() == 0
    assert page.locator("#wr-kadaster-attributie").is_hidden()
    assert page.locator("#wr-schematisch").is_visible()
    assert not page.js_errors, page.js_errors


def test_buurt_polygon_has_tooltip_with_name_and_figures(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/regio/ES18")
    wait_for_map(page)
    page.locator("#wr-kaart path.leaflet-interactive").first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    text = tooltip.text_content()
    assert "BU0" in text and "GJ/ha" in text


def test_sortable_table_and_htmx_gemeente_filter(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/regio/ES18")
    rows = page.locator("#wr-buurtentabel tbody tr")
    assert rows.count() == 8
    header = page.locator("#wr-buurtentabel th", has_text="Woningen")
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert "Kalkhaven" in rows.first.text_content()
    page.select_option("#gemeente-filter", "GM0590")
    page.wait_for_function("document.querySelectorAll('#wr-buurtentabel tbody tr').length === 3")
    assert "Papendrecht" in page.locator("#wr-buurtentabel caption").text_content()
    # the swapped-in table is sortable as well (buttons are added on htmx:afterSettle, just after the swap)
    page.wait_for_selector("#wr-buurtentabel th button", timeout=5_000)
    assert page.locator("#wr-buurtentabel th button").count() >= 1


def test_cost_layers_recolour_the_buurten_with_legend_and_text(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/regio/ES18")
    wait_for_map(page)
    page.wait_for_selector("#wr-kaart[data-kosten-status]", timeout=MAP_TIMEOUT_MS)
    assert page.get_attribute("#wr-kaart", "data-kosten-status") == "klaar"
    assert page.locator("#wr-kaartlaag").is_visible()
    assert page.locator("#wr-legenda-dichtheid").is_visible()
    first = page.locator("#wr-kaart path.leaflet-interactive").first
    density_fill = first.get_attribute("fill")

    page.get_by_label("Laagste nationale kosten (variant)").check()
    page.wait_for_selector("#wr-kaart[data-kaartlaag=variant]")
    assert page.locator("#wr-legenda-variant").is_visible() and page.locator("#wr-legenda-dichtheid").is_hidden()
    assert first.get_attribute("fill") != density_fill
    first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert "Laagste nationale kosten" in tooltip.text_content()  # the variant is named, not only coloured

    page.get_by_label("H18 nationale meerkosten per WEQ").check()
    page.wait_for_selector("#wr-kaart[data-kaartlaag=h18]")
    assert page.locator("#wr-legenda-h18").is_visible() and page.locator("#wr-legenda-variant").is_hidden()
    # the same figures as a table, with downloads
    assert page.locator("#wr-kostentabel tbody tr").count() == 8
    assert page.get_by_role("link", name="Alle resultaten als CSV").count() == 1
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert not page.js_errors, page.js_errors


def test_logged_in_coordinator_sees_the_run_form_without_axe_violations(page, live_server: LiveServer) -> None:  # noqa: ANN001
    login(page, live_server, "/regio/ES18")
    assert page.locator("#wr-beoordeling-form").is_visible()
    assert page.get_by_label("Parameterset").count() == 1 and page.get_by_label("Zichtjaar").count() == 1
    wait_for_map(page)
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_buurt_page_cost_chart_is_an_accessible_image(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/buurt/BU05050101")
    chart = page.get_by_role("img", name=re.compile("Staafdiagram"))
    assert chart.count() == 1
    assert page.locator("svg.wr-chart__svg rect").count() > 0
    assert page.locator("#wr-kosten-per-strategie tbody tr").count() == 25


def test_language_switch_in_browser(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/regio/ES18")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/regio/ES18"
    assert page.get_attribute("html", "lang") == "en"
    wait_for_map(page)
    assert "8 neighbourhoods and 2 heat sources drawn" in page.text_content("#wr-kaart-status")
    page.get_by_role("link", name="Nederlands").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "nl"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [
            ", ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in v["nodes"][:5]
        ]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {json.dumps(targets)}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "path",
    ["/", "/regio/ES18", "/buurt/BU05050101", "/buurt/BU05050103", "/login", "/toegankelijkheid", "/regio/ES99"],
)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_axe_finds_no_wcag21_aa_violations(page, live_server: LiveServer, path: str, lang: str) -> None:  # noqa: ANN001
    if lang == "en":
        page.goto(f"{live_server.url}/taal?lang=en")
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == (404 if path == "/regio/ES99" else 200)
    assert page.get_attribute("html", "lang") == lang
    if path == "/regio/ES18":
        wait_for_map(page)
    violations = run_axe(page)
    assert not violations, f"{path} ({lang}):\n{describe(violations)}"


def test_axe_on_login_error_and_logged_in_header(page, live_server: LiveServer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mailadres").fill(USER_EMAIL)
    page.get_by_label("Wachtwoord").fill("fout wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert page.locator("#login-fout").is_visible()
    assert page.get_attribute("#wachtwoord", "aria-describedby") == "login-fout"
    violations = run_axe(page)
    assert not violations, describe(violations)
    login(page, live_server)
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_axe_check_itself_reports_a_planted_violation(page, live_server: LiveServer) -> None:  # noqa: ANN001
    """Guard against a silently broken axe run: an image without alt text must be reported."""
    page.goto(f"{live_server.url}/toegankelijkheid")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/x.png\">')")
    assert "image-alt" in {v["id"] for v in run_axe(page)}
