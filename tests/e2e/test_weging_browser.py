"""End-to-end: the weging page re-ranks in place when a slider moves (keyboard), the map follows, robustness comes
in through htmx, and the buurt page explains the choice; axe-core finds no WCAG 2.1 AA violations."""

from __future__ import annotations

import pytest
from e2e_site import LiveServer
from test_browser import describe, login, run_axe

from warmteregio.services import afweging, assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.web.pages import weging as weging_page

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000


def _winners(w: afweging.Weging) -> dict[str, str]:
    return {
        str(b): (w.cm.dm.varianten[i] if i >= 0 else "")
        for b, i in zip(w.cm.dm.buurten, w.ranking.winner, strict=False)
    }


@pytest.fixture(scope="module")
def run(live_server: LiveServer) -> dict:
    """A fresh finished run of ES18 and one slider move that changes a winner's strategy family (per the service)."""
    with session_scope(make_sessionmaker(live_server.engine)) as s:
        info = assessment.start_run(s, "ES18", "vesta2020", None, 2030, {}, None)
        assert info.status == assessment.STATUS_KLAAR, info.foutmelding
        run_id = info.id
    defaults = weging_page.default_sliders()
    catalogue = assessment.catalogue_for_run(info)
    with session_scope(make_sessionmaker(live_server.engine)) as s:
        base = _winners(afweging.weigh(s, run_id, {c: float(v) for c, v in defaults.items()}))
        for code, value in sorted(defaults.items(), key=lambda kv: -kv[1]):
            for new, key in ((0, "Home"), (100, "End")):
                if new == value:
                    continue
                moved = _winners(
                    afweging.weigh(s, run_id, {c: float(new if c == code else v) for c, v in defaults.items()})
                )
                family = {b for b in moved if moved[b] and base[b] and assessment.variant_family(moved[b], catalogue)
                          != assessment.variant_family(base[b], catalogue)}  # fmt: skip
                if family:
                    return {"id": run_id, "code": code, "key": key, "before": base, "after": moved, "buurten": family}
    pytest.fail("no single slider move changes a winning strategy family in the e2e region")


def wait_for_weging_map(page) -> None:  # noqa: ANN001
    page.wait_for_selector("#wr-weging-kaart[data-kaart-status]", timeout=TIMEOUT_MS)
    assert page.get_attribute("#wr-weging-kaart", "data-kaart-status") == "klaar"


def table_winners(page) -> dict[str, str]:  # noqa: ANN001
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('#wr-weging-tabel tbody tr')]"
        ".map(tr => [tr.dataset.buurt, tr.dataset.winnaar]))"
    )


def map_fills(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(
        "() => [...document.querySelectorAll('#wr-weging-kaart path.leaflet-interactive')]"
        ".map(p => p.getAttribute('fill'))"
    )


def test_slider_reranks_table_and_map_without_navigation(page, live_server: LiveServer, run: dict) -> None:  # noqa: ANN001
    login(page, live_server, "/regio/ES18/weging")
    assert page.url == f"{live_server.url}/regio/ES18/weging"
    wait_for_weging_map(page)
    assert table_winners(page) == run["before"]
    fills_before = map_fills(page)
    assert len(fills_before) == 8
    page.evaluate("() => { window.__zelfdePagina = true; }")

    label = page.locator(f'label[for="w-{run["code"]}"]').text_content().strip()
    slider = page.get_by_role("slider", name=label, exact=True)
    assert slider.count() == 1  # a visible label names the slider
    slider.focus()
    page.keyboard.press(run["key"])  # keyboard operable: Home = 0, End = 100
    expected_value = "0" if run["key"] == "Home" else "100"
    assert page.text_content(f"#w-{run['code']}-waarde") == expected_value
    page.wait_for_selector("#wr-weging-form[data-weging-status=klaar]", timeout=TIMEOUT_MS)

    assert page.evaluate("() => window.__zelfdePagina === true"), "the page was reloaded"
    assert table_winners(page) == run["after"] != run["before"]
    status = page.text_content("#wr-weging-status")
    assert (
        "Rangschikking bijgewerkt" in status
        and f"{sum(run['after'][b] != run['before'][b] for b in run['before'])} van 8" in status
    )
    page.wait_for_selector("#wr-weging-kaart[data-kleuring]", timeout=TIMEOUT_MS)
    assert map_fills(page) != fills_before  # a winner changed family, so a buurt changed colour
    assert f"w_{run['code']}={expected_value}" in page.url  # the weighting stays shareable
    assert f"w_{run['code']}={expected_value}" in page.get_attribute("#wr-weging-deel", "href")

    violations = run_axe(page)
    assert not violations, describe(violations)

    # robustness through htmx, on the same page
    page.get_by_role("button", name="Bereken robuustheid").click()
    page.wait_for_selector("#wr-robuustheid-tabel", timeout=60_000)
    assert page.evaluate("() => window.__zelfdePagina === true")
    assert page.locator("#wr-robuustheid-tabel tbody tr").count() == 8
    assert "van de plausibele wegingen" in page.text_content("#wr-robuustheid-tabel")
    assert page.get_by_role("img", name="Gestapelde staven: per buurt het aandeel").count() == 1
    violations = run_axe(page)
    assert not violations, describe(violations)

    # reset puts the default weights back
    page.get_by_role("link", name="Terug naar de standaardgewichten").click()
    page.wait_for_function(
        "(expected) => [...document.querySelectorAll('#wr-weging-tabel tbody tr')]"
        ".every(tr => tr.dataset.winnaar === expected[tr.dataset.buurt])",
        arg=run["before"],
        timeout=TIMEOUT_MS,
    )
    assert page.input_value(f"#w-{run['code']}") == str(weging_page.default_sliders()[run["code"]])
    assert not page.js_errors, page.js_errors


def test_weging_page_without_javascript_reranks_by_form_submit(browser, live_server: LiveServer, run: dict) -> None:  # noqa: ANN001
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/regio/ES18/weging")
        assert table_winners_static(page) == run["before"]
        value = "0" if run["key"] == "Home" else "100"
        page.locator(f"#w-{run['code']}").fill(value)
        page.get_by_role("button", name="Toon rangschikking").click()
        page.wait_for_load_state()
        assert f"w_{run['code']}={value}" in page.url
        assert table_winners_static(page) == run["after"]
    finally:
        context.close()


def table_winners_static(page) -> dict[str, str]:  # noqa: ANN001
    rows = page.locator("#wr-weging-tabel tbody tr")
    return {
        rows.nth(i).get_attribute("data-buurt"): rows.nth(i).get_attribute("data-winnaar") for i in range(rows.count())
    }


def test_buurt_page_explains_the_choice_without_axe_violations(page, live_server: LiveServer, run: dict) -> None:  # noqa: ANN001
    buurt = sorted(run["buurten"])[0]
    login(page, live_server, f"/buurt/{buurt}")
    explanation = page.locator("#wr-afweging-uitleg")
    assert explanation.count() == 1
    text = explanation.text_content()
    assert buurt in text or run["before"][buurt] in text
    assert "plausibele wegingen" in page.text_content("#afweging ~ p, .wr-weging-buurt")
    assert page.get_by_role("img", name="Gestapelde staven van de rangaanvaardbaarheid").count() == 1
    assert page.locator("#wr-rang-tabel tbody tr").count() >= 2
    assert page.locator("#wr-invoer-form").is_visible()  # the coordinator of ES18 may enter values
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert not page.js_errors, page.js_errors
