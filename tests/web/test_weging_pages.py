"""Weging pages (Afwegingskader II): sliders per criterion, the no-JS re-ranking through the query string, the
robustness partial, the criteria catalogue, and the Afweging section of the buurt page with the entry form.
Both databases, on the seeded region of ``conftest`` (ES16) with one finished assessment run."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine, select

from warmteregio.accounts.service import create_user
from warmteregio.services import afweging, assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Criteriuminvoer
from warmteregio.web.pages import weging as weging_page

pytestmark = pytest.mark.db

CSRF = "weging-csrf-token"
BUURT = "BU05050102"


def add_user(engine: Engine, email: str, rol: str, **kwargs) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return create_user(s, email=email, naam="Wendy Weger", password="correct horse battery", rol=rol, **kwargs).id


@pytest.fixture
def run_id(seeded: Engine) -> int:
    """One finished assessment of ES16 (seven buurten with results)."""
    afweging.clear_cache()
    with session_scope(make_sessionmaker(seeded)) as s:
        info = assessment.start_run(s, "ES16", "vesta2020", None, 2030, {}, None)
        assert info.status == assessment.STATUS_KLAAR, info.foutmelding
        return info.id


@pytest.fixture
def browser_for(client_for):
    """``browser_for(engine, user_id, lang="nl")``: a TestClient with a session (CSRF token ``CSRF``)."""

    def make(engine: Engine, user_id: int | None, lang: str = "nl") -> TestClient:
        client = client_for(engine)
        data = {"csrf": CSRF} | ({"uid": user_id} if user_id is not None else {})
        signed = TimestampSigner(client.app.state.settings.secret_key).sign(base64.b64encode(json.dumps(data).encode()))
        client.cookies.set("warmteregio_sessie", signed.decode())
        if lang != "nl":
            client.cookies.set("warmteregio_taal", lang)
        return client

    return make


class Inputs(HTMLParser):
    """Range inputs, their labels and outputs."""

    def __init__(self) -> None:
        super().__init__()
        self.ranges: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self.outputs: set[str] = set()
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        if tag == "input" and a.get("type") == "range":
            self.ranges[a["name"]] = a
        elif tag == "label" and "for" in a:
            self._label = a["for"]
            self.labels[self._label] = ""
        elif tag == "output" and "for" in a:
            self.outputs.add(a["for"])

    def handle_data(self, data):  # noqa: ANN001
        if self._label:
            self.labels[self._label] += data

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "label":
            self._label = None


def winners(html: str) -> dict[str, str]:
    """Buurt code -> winning variant code from the ranking table."""
    table = html.split('id="wr-weging-tabel"', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'data-buurt="(BU\d+)" data-winnaar="([^"]*)"', table))


def winners_of(w: afweging.Weging) -> dict[str, str]:
    """Buurt code -> winning variant code ("" without one) according to the service."""
    return {
        str(b): (w.cm.dm.varianten[i] if i >= 0 else "")
        for b, i in zip(w.cm.dm.buurten, w.ranking.winner, strict=False)
    }


def query(gewichten: dict[str, int], **extra: str) -> str:
    return urlencode([(f"w_{k}", v) for k, v in gewichten.items()] + list(extra.items()))


def test_page_has_a_labelled_slider_for_every_criterion(seeded: Engine, run_id: int, browser_for):
    with browser_for(seeded, None) as client:
        response = client.get("/regio/ES16/weging")
    assert response.status_code == 200
    html = response.text
    parser = Inputs()
    parser.feed(html)
    codes = [c.code for c in afweging.criteria_catalogue()]
    assert len(codes) >= 10
    assert set(parser.ranges) == {f"w_{c}" for c in codes}
    defaults = weging_page.default_sliders()
    for code in codes:
        attrs = parser.ranges[f"w_{code}"]
        assert attrs["min"] == "0" and attrs["max"] == "100" and attrs["value"] == str(defaults[code])
        assert parser.labels[attrs["id"]].strip(), f"no visible label for {code}"
        assert attrs["id"] in parser.outputs  # the value is shown next to the slider
    assert max(defaults.values()) == 100
    for group in ("Technisch", "Economisch", "Sociaal"):
        assert f">{group}</legend>" in html
    for methode in ("gewogen_som", "topsis", "promethee_ii"):
        assert f'value="{methode}"' in html
    assert 'value="gewogen_som" checked' in html
    assert "Alleen varianten met voldoende broncapaciteit" in html
    assert 'role="status" aria-live="polite"' in html and 'id="wr-weging-status"' in html
    assert f'data-api-url="/api/v1/beoordelingen/{run_id}/weging"' in html
    assert "/static/js/weging.js" in html and "/static/css/weging.css" in html
    # every buurt of the run is in the table; most have a winner (two seeded buurten have no valid variant)
    rows = winners(html)
    assert len(rows) == 7 and sum(1 for v in rows.values() if v) >= 5
    assert "<details" in html and "Wat is " in html  # short explanations per criterion


def test_form_weights_rerank_and_stay_in_the_query_string(seeded: Engine, run_id: int, browser_for):
    defaults = weging_page.default_sliders()
    with session_scope(make_sessionmaker(seeded)) as s:
        base = afweging.weigh(s, run_id)
        base_winners = winners_of(base)
        extreme = None
        for code in defaults:  # the first single-criterion weighting that changes a winner, per the service
            w = afweging.weigh(s, run_id, {code: 1.0})
            changed = winners_of(w)
            if changed != base_winners:
                extreme = code, changed
                break
    assert extreme is not None, "no single criterion changes any winner: the weighting would be pointless"
    code, expected = extreme
    sliders = {c: (100 if c == code else 0) for c in defaults}
    with browser_for(seeded, None) as client:
        default_page = client.get("/regio/ES16/weging").text
        page = client.get(f"/regio/ES16/weging?{query(sliders)}")
        posted = client.post("/regio/ES16/weging", data={f"w_{c}": v for c, v in sliders.items()},
                             follow_redirects=False)  # fmt: skip
    assert winners(default_page) == base_winners
    assert page.status_code == 200
    assert winners(page.text) == expected != base_winners
    parser = Inputs()
    parser.feed(page.text)
    assert {k: int(a["value"]) for k, a in parser.ranges.items()} == {f"w_{c}": v for c, v in sliders.items()}
    # the share link carries the weighting, and the buurt links do too
    assert f"w_{code}=100" in re.search(r'id="wr-weging-deel" href="([^"]+)"', page.text).group(1)
    assert f'href="/buurt/{BUURT}?' in page.text and f"w_{code}=100" in page.text
    assert "Rangschikking met uw gewichten." in page.text
    # a posted form goes to the shareable GET address
    assert posted.status_code == 303 and posted.headers["location"].startswith("/regio/ES16/weging?w_")
    assert f"w_{code}=100" in posted.headers["location"]


def test_methods_and_constraints_are_applied(seeded: Engine, run_id: int, browser_for):
    with browser_for(seeded, None) as client:
        topsis = client.get("/regio/ES16/weging?methode=topsis")
        constrained = client.get("/regio/ES16/weging?beperking=bron")
    with session_scope(make_sessionmaker(seeded)) as s:
        expected = afweging.weigh(s, run_id, None, "topsis")
    assert topsis.status_code == 200 and 'value="topsis" checked' in topsis.text
    assert winners(topsis.text) == winners_of(expected)
    assert constrained.status_code == 200 and 'value="bron" checked' in constrained.text


@pytest.mark.parametrize(
    ("params", "nl", "en"),
    [
        (
            {"w_nationale_meerkosten": "veel"},
            "moet een getal van 0 tot en met 100 zijn",
            "must be a number from 0 to 100",
        ),
        (
            {"w_nationale_meerkosten": "150"},
            "moet een getal van 0 tot en met 100 zijn",
            "must be a number from 0 to 100",
        ),
        ({"w_bestaat_niet": "5"}, "onbekend criterium: bestaat_niet", "unknown criterion: bestaat_niet"),
        ({"methode": "dobbelsteen"}, "onbekende methode: dobbelsteen", "unknown method: dobbelsteen"),
    ],
)
def test_bad_weights_show_a_bilingual_error(seeded: Engine, run_id: int, browser_for, params, nl, en):
    with browser_for(seeded, None) as client:
        dutch = client.get(f"/regio/ES16/weging?{urlencode(params)}")
    with browser_for(seeded, None, "en") as client:
        english = client.get(f"/regio/ES16/weging?{urlencode(params)}")
    assert dutch.status_code == english.status_code == 400
    assert 'role="alert"' in dutch.text and "De weging kon niet worden berekend:" in dutch.text and nl in dutch.text
    assert "The weighting could not be calculated:" in english.text and en in english.text
    assert 'id="wr-weging-tabel"' not in dutch.text  # no ranking is shown for bad input


def test_all_weights_zero_is_refused(seeded: Engine, run_id: int, browser_for):
    zeros = {c: 0 for c in weging_page.default_sliders()}
    with browser_for(seeded, None) as client:
        response = client.get(f"/regio/ES16/weging?{query(zeros)}")
    assert response.status_code == 400 and "minstens één gewicht moet groter dan 0 zijn" in response.text


def test_region_without_run_and_unknown_region(seeded: Engine, browser_for):
    with browser_for(seeded, None) as client:
        empty = client.get("/regio/ES17/weging")
        unknown = client.get("/regio/ES99/weging")
        regio = client.get("/regio/ES16").text
    assert empty.status_code == 200 and 'id="wr-geen-beoordeling"' in empty.text
    assert unknown.status_code == 404
    assert 'href="/regio/ES16/weging"' in regio and "Afweging: weeg zelf" in regio


def test_robustness_partial_shows_percentages_chart_and_table(seeded: Engine, run_id: int, browser_for):
    form = {f"w_{c}": v for c, v in weging_page.default_sliders().items()} | {"n_samples": "2000"}
    with browser_for(seeded, None) as client:
        partial = client.post("/regio/ES16/weging/robuustheid", data=form, headers={"HX-Request": "true"})
        full = client.post("/regio/ES16/weging/robuustheid", data=form)
        too_many = client.post("/regio/ES16/weging/robuustheid", data=form | {"n_samples": "50000"},
                               headers={"HX-Request": "true"})  # fmt: skip
    assert partial.status_code == 200
    html = partial.text
    assert "<html" not in html  # a fragment for htmx
    assert 'data-n-samples="2000"' in html and "Berekend met 2.000 trekkingen" in html
    table = html.split('id="wr-robuustheid-tabel"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="utrecht-table__row" data-buurt=') == 7
    with session_scope(make_sessionmaker(seeded)) as s:
        rob = afweging.robustness(s, run_id, None, n_samples=2000)
        w = afweging.weigh(s, run_id)
    percentages = re.findall(r"in (\d+)% van de plausibele wegingen", table)
    with_winner = int((w.ranking.winner >= 0).sum())
    assert with_winner >= 5 and len(percentages) == with_winner and all(0 < int(p) <= 100 for p in percentages)
    b = list(rob.cm.dm.buurten).index(BUURT)
    share = rob.smaa.first[b, int(w.ranking.winner[b])]
    row = table.split(f'data-buurt="{BUURT}"', 1)[1].split("</tr>", 1)[0]
    assert f"in {round(share * 100)}% van de plausibele wegingen" in row
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "<title>" in html and "<desc>" in html and "wr-weging-seg--" in html
    # without JavaScript the same button posts the form and gets the whole page with the robustness section
    assert full.status_code == 200 and "<html" in full.text and 'id="wr-robuustheid-tabel"' in full.text
    assert (
        too_many.status_code == 400
        and "aantal trekkingen moet een geheel getal van 100 tot en met 10000" in too_many.text
    )


def test_criteria_page_lists_the_catalogue(seeded: Engine, browser_for):
    with browser_for(seeded, None) as client:
        dutch = client.get("/criteria").text
    with browser_for(seeded, None, "en") as client:
        english = client.get("/criteria").text
    catalogue = afweging.criteria_catalogue()
    table = dutch.split('id="wr-criteria"', 1)[1].split("</table>", 1)[0]
    assert table.count('<tr class="utrecht-table__row" id="criterium-') == len(catalogue)
    for c in catalogue:
        assert c.naam_nl in table and c.naam_en in english
    assert "lager is beter" in table and "hoger is beter" in table and "oordeel" in table
    assert "lower is better" in english and "Criteria of the assessment framework" in english


# ------------------------------------------------------------------------------------------------ buurt page


def test_buurt_page_shows_explanation_robustness_and_herkomst(seeded: Engine, run_id: int, browser_for):
    with browser_for(seeded, None) as client:
        page = client.get(f"/buurt/{BUURT}").text
    with browser_for(seeded, None, "en") as client:
        english = client.get(f"/buurt/{BUURT}").text
    with session_scope(make_sessionmaker(seeded)) as s:
        uitleg = afweging.explain_buurten(s, run_id, buurten=[BUURT])[0]
        cm = afweging.criteria_matrix(s, run_id, [BUURT])
    assert 'id="afweging"' in page and "Waarom deze keuze?" in page
    assert uitleg.tekst_nl and _html_text(uitleg.tekst_nl) in page
    assert _html_text(uitleg.tekst_en) in english and "Why this choice?" in english
    # rank acceptability: chart with a text alternative and a table
    assert 'id="wr-rang-tabel"' in page
    assert re.search(
        r'<svg class="wr-weging-chart__svg" role="img" aria-label="Gestapelde staven van de rangaanvaardbaarheid', page
    )
    # criteria per variant with the provenance as text
    herkomst = set(str(h) for h in cm.herkomst[0].ravel())
    assert herkomst & {"berekend", "oordeel"}
    for h in herkomst:
        assert f'wr-weging-herkomst--{h}">{h}</span>' in page
    assert "wr-invoer-form" not in page  # anonymous visitors get no entry form
    assert "Log in om een waarde in te voeren" in page


def _html_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def test_entry_form_needs_login_and_csrf_and_records_an_entry(seeded: Engine, run_id: int, browser_for):
    coordinator = add_user(seeded, "weger@example.nl", "regiocoordinator", res_code="ES16")
    viewer = add_user(seeded, "kijker@example.nl", "viewer")
    with session_scope(make_sessionmaker(seeded)) as s:
        cm = afweging.criteria_matrix(s, run_id, [BUURT])
    variant = cm.dm.varianten[0]
    reason = "Gemeente houdt 80% van het warmtebedrijf."
    entry = {"variant": variant, "criterium": "eigendom", "waarde": "0,8", "toelichting": reason}
    url = f"/buurt/{BUURT}/criteriumwaarden"
    with browser_for(seeded, None) as anonymous:
        to_login = anonymous.post(url, data=entry | {"csrf_token": CSRF}, follow_redirects=False)
    assert to_login.status_code == 303 and to_login.headers["location"].startswith("/login?next=")
    with browser_for(seeded, viewer) as client:
        refused = client.post(url, data=entry | {"csrf_token": CSRF})
        assert "wr-invoer-form" not in client.get(f"/buurt/{BUURT}").text
    assert refused.status_code == 403 and "u mag geen criteriumwaarden invoeren" in refused.text
    with browser_for(seeded, coordinator) as client:
        page = client.get(f"/buurt/{BUURT}").text
        assert 'id="wr-invoer-form"' in page and 'name="csrf_token"' in page
        assert client.post(url, data=entry).status_code == 403  # no CSRF token
        assert client.post(url, data=entry | {"csrf_token": "fout"}).status_code == 403
        no_reason = client.post(url, data=entry | {"csrf_token": CSRF, "toelichting": " "})
        not_a_number = client.post(url, data=entry | {"csrf_token": CSRF, "waarde": "veel"})
        with session_scope(make_sessionmaker(seeded)) as s:
            assert s.scalars(select(Criteriuminvoer)).all() == []  # nothing half-written
        saved = client.post(url, data=entry | {"csrf_token": CSRF}, follow_redirects=False)
        after = client.get(f"/buurt/{BUURT}").text
    assert no_reason.status_code == 422 and "toelichting is verplicht" in no_reason.text
    assert not_a_number.status_code == 422 and "is geen getal" in not_a_number.text
    assert saved.status_code == 303 and saved.headers["location"] == f"/buurt/{BUURT}#afweging-invoer"
    with session_scope(make_sessionmaker(seeded)) as s:
        stored = s.scalars(select(Criteriuminvoer)).one()
        assert (stored.buurt_code, stored.variant_code, stored.criterium, stored.waarde) == (
            BUURT,
            variant,
            "eigendom",
            0.8,
        )
        entry_id = stored.id
    # the value is now shown as 'invoer' in the criteria table of that variant, and in the history
    details = after.split(f'id="variant-{variant}"', 1)[1].split("</details>", 1)[0]
    row = details.split("Publiek eigendom", 1)[1].split("</tr>", 1)[0]
    assert 'wr-weging-herkomst--invoer">invoer</span>' in row and "0,80" in row
    history = after.split('id="wr-invoer-tabel"', 1)[1].split("</table>", 1)[0]
    assert "Gemeente houdt 80% van het warmtebedrijf." in history and "Wendy Weger" in history and "geldig" in history
    assert f'action="/buurt/{BUURT}/criteriumwaarden/{entry_id}/intrekken"' in history
    # withdrawing needs CSRF too, and keeps the entry in the history
    with browser_for(seeded, coordinator) as client:
        assert client.post(f"{url}/{entry_id}/intrekken", data={}).status_code == 403
        withdrawn = client.post(f"{url}/{entry_id}/intrekken", data={"csrf_token": CSRF}, follow_redirects=False)
        final = client.get(f"/buurt/{BUURT}").text
    assert withdrawn.status_code == 303
    history = final.split('id="wr-invoer-tabel"', 1)[1].split("</table>", 1)[0]
    assert "ingetrokken" in history and "/intrekken" not in history
    details = final.split(f'id="variant-{variant}"', 1)[1].split("</details>", 1)[0]
    assert 'wr-weging-herkomst--invoer">' not in details.split("Publiek eigendom", 1)[1].split("</tr>", 1)[0]


def test_buurt_page_without_run_has_no_weighing(seeded: Engine, browser_for):
    with browser_for(seeded, None) as client:
        page = client.get(f"/buurt/{BUURT}")
    assert page.status_code == 200 and 'id="wr-geen-afweging"' in page.text
