"""HTML pages: rendering, 404, login/logout with CSRF, language switch, no external hosts.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). A tiny Drechtsteden-like region is seeded
through the ORM: two gemeenten with square boundaries, three buurten with square polygons (one of them
schematic), labels, building groups, two heat sources (one outside the region) and a user.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.settings import Settings
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import (
    Buurt,
    BuurtLabel,
    Gebouwgroep,
    Gemeente,
    Provincie,
    ResRegio,
    Warmtebron,
    Wijk,
)
from warmteregio.web import i18n
from warmteregio.web.app import create_app
from warmteregio.web.pages import data as page_data

WEB = Path(__file__).resolve().parents[2] / "src" / "warmteregio" / "web"
TEMPLATES = WEB / "templates"
PASSWORD = "correct horse battery"


def square(x: float, y: float, size: float) -> bytes:
    return shapely.box(x, y, x + size, y + size).wkb


def seed(engine: Engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.add_all(
            [
                ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"),
                ResRegio(code="ES17", naam="Hoeksche Waard", provincie_code="PV28"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Gemeente(
                    code="GM0505",
                    jaar=2023,
                    naam="Dordrecht",
                    res_code="ES18",
                    provincie_code="PV28",
                    geometry=square(100_000, 420_000, 10_000),
                ),
                Gemeente(
                    code="GM0590",
                    jaar=2023,
                    naam="Papendrecht",
                    res_code="ES18",
                    provincie_code="PV28",
                    geometry=square(110_000, 420_000, 5_000),
                ),
                Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17", provincie_code="PV28"),
                Wijk(code="WK050501", jaar=2023, naam="Binnenstad", gemeente_code="GM0505"),
            ]
        )
        centrum = Buurt(
            code="BU05050101",
            jaar=2023,
            naam="Centrum",
            wijk_code="WK050501",
            gemeente_code="GM0505",
            centroid_x=100_500,
            centroid_y=420_500,
            geometry=square(100_000, 420_000, 1_000),
            aantal_woningen=1200,
            aantal_utiliteit=150,
            weq_woningen=1200,
            weq_utiliteit=310.5,
            weq=1510.5,
            opp_woningen_m2=96_000,
            opp_utiliteit_m2=40_365,
            vraag_ruimteverwarming_gj=40_000,
            vraag_tapwater_gj=8_000,
            vraag_ventilatie_gj=1_000,
            vraag_koude_gj=500,
            vraag_apparaten_gj=500,
            vraag_totaal_gj=50_000,
            bestaand_warmtenet_aandeel=0.125,
            bron="PBL Startanalyse 2020",
        )
        centrum.labels = [
            BuurtLabel(label="B", aantal=400, afgeleid=True),
            BuurtLabel(label="A", aantal=300, afgeleid=True),
            BuurtLabel(label="D", aantal=500, afgeleid=True),
        ]
        centrum.gebouwgroepen = [
            Gebouwgroep(
                sector="woning",
                type="Apartment",
                bouwperiode="1946-1964",
                aantal=700,
                gem_epi=2.1,
                totaal_oppervlakte_m2=49_000,
            ),
            Gebouwgroep(
                sector="woning",
                type="Terraced house",
                bouwperiode="1965-1974",
                aantal=500,
                gem_epi=1.7,
                totaal_oppervlakte_m2=47_000,
            ),
        ]
        s.add_all(
            [
                centrum,
                Buurt(
                    code="BU05050102",
                    jaar=2023,
                    naam="Noordflank",
                    wijk_code="WK050501",
                    gemeente_code="GM0505",
                    geometry=square(101_000, 420_000, 1_000),
                    geometry_schematisch=True,
                    aantal_woningen=800,
                    weq=850,
                    vraag_totaal_gj=20_000,
                ),
                Buurt(
                    code="BU05900001",
                    jaar=2023,
                    naam="Oud-Papendrecht",
                    wijk_code="WK059000",
                    gemeente_code="GM0590",
                    geometry=square(110_000, 420_000, 2_000),
                    aantal_woningen=900,
                    weq=930,
                    vraag_totaal_gj=27_000,
                ),
                Warmtebron(
                    code="HTHP0002",
                    naam="HVC Afvalcentrale Dordrecht",
                    categorie="afvalverbranding",
                    temperatuurklasse="HT",
                    beschikbaar_gj_per_jaar=1_235_769.7,
                    capaciteit_mw=40.0,
                    x=105_000,
                    y=425_000,
                    status="bestaand",
                ),
                Warmtebron(
                    code="TEO0001",
                    naam="TEO Oude Maas",
                    categorie="aquathermie_teo",
                    temperatuurklasse="ZLT",
                    beschikbaar_gj_per_jaar=12_000,
                    x=112_000,
                    y=421_000,
                    status="potentieel",
                ),
                Warmtebron(
                    code="HTHP9999",
                    naam="Elders",
                    categorie="industrie",
                    temperatuurklasse="MT",
                    x=200_000,
                    y=500_000,
                    status="bestaand",
                ),
            ]
        )
        s.flush()
        create_user(
            s,
            email="coordinator@example.nl",
            naam="Rianne Coördinator",
            password=PASSWORD,
            rol="regiocoordinator",
            res_code="ES18",
        )


@pytest.fixture
def client(engine: Engine) -> TestClient:
    seed(engine)
    app = create_app(Settings(secret_key="test-secret", database_url="sqlite://"), engine)
    return TestClient(app)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def login(client: TestClient, password: str = PASSWORD, next_: str = "/"):
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": "coordinator@example.nl",
            "wachtwoord": password,
            "csrf_token": csrf_from(page.text),
            "next": next_,
        },
        follow_redirects=False,
    )


# --- pages render ----------------------------------------------------------------------------------------


@pytest.mark.db
def test_home_lists_regions_with_gemeente_counts(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in r.text
    assert 'href="/regio/ES18">Drechtsteden</a>' in r.text
    row = re.search(r"/regio/ES18.*?data-waarde=\"(\d+)\"", r.text, re.S)
    assert row and row.group(1) == "2"
    assert 'href="/toegankelijkheid"' in r.text


@pytest.mark.db
def test_region_page_has_map_tables_and_schematic_note(client: TestClient) -> None:
    r = client.get("/regio/es18")
    assert r.status_code == 200
    html = r.text
    assert 'id="wr-kaart"' in html
    for code in ("BU05050101", "BU05050102", "BU05900001"):
        assert f'href="/buurt/{code}"' in html
    assert "HVC Afvalcentrale Dordrecht" in html and "TEO Oude Maas" in html
    assert "Elders" not in html  # a source outside the region's gemeenten is not listed
    assert 'id="wr-schematisch"' in html and "Voronoi" in html
    assert "Dordrecht" in html and "Papendrecht" in html
    # density of Centrum: 50 000 GJ over 100 ha = 500 GJ/ha, Dutch formatting
    assert 'data-waarde="500.0">500<' in html
    assert "50.000" in html
    # the Kadaster attribution exists but is hidden while the base map is off
    assert re.search(r'id="wr-kadaster-attributie"\s+hidden', html)


@pytest.mark.db
def test_region_map_layer_urls_resolve_to_geojson(client: TestClient) -> None:
    html = client.get("/regio/ES18").text
    for attribute, expected in (("data-buurten-url", 3), ("data-bronnen-url", 2), ("data-gemeenten-url", 2)):
        url = re.search(rf'{attribute}="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert url.startswith("/"), url
        r = client.get(url)
        assert r.status_code == 200, url
        collection = r.json()
        assert collection["type"] == "FeatureCollection"
        assert len(collection["features"]) == expected, url
    buurten_url = re.search(r'data-buurten-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    feature = next(f for f in client.get(buurten_url).json()["features"] if f["properties"]["code"] == "BU05050101")
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 4 < lon < 5 and 51 < lat < 52  # CRS84: longitude first
    assert feature["properties"]["warmtevraagdichtheidGjPerHa"] == pytest.approx(500, rel=1e-6)


@pytest.mark.db
def test_region_buurten_fragment_filters_by_gemeente(client: TestClient) -> None:
    r = client.get("/regio/ES18/buurtentabel?gemeente=GM0590")
    assert r.status_code == 200
    assert "<html" not in r.text
    assert "BU05900001" in r.text and "BU05050101" not in r.text
    full = client.get("/regio/ES18?gemeente=GM0590").text
    assert "BU05050101" not in full.split('id="buurten"')[1].split('id="bronnen"')[0]


@pytest.mark.db
def test_buurt_page_shows_figures_tables_and_derived_labels(client: TestClient) -> None:
    r = client.get("/buurt/BU05050101")
    assert r.status_code == 200
    html = r.text
    assert "Centrum" in html and "Binnenstad" in html and "Dordrecht" in html
    assert "1.510,5" in html  # WEQ
    assert "Ruimteverwarming" in html and "40.000" in html
    assert "Afgeleid" in html
    assert html.index(">A<") < html.index(">B<") < html.index(">D<")  # labels in label order
    assert "Rijwoning" in html and "Terraced house" not in html and "1965-1974" in html
    assert "12,5%" in html  # existing heat network share
    assert "x 100.500, y 420.500" in html


@pytest.mark.db
def test_schematic_buurt_page_has_note(client: TestClient) -> None:
    html = client.get("/buurt/BU05050102").text
    assert "schematische buurtgrens" in html


@pytest.mark.db
@pytest.mark.parametrize("path", ["/regio/ES99", "/regio/nonsense", "/buurt/BU99999999", "/buurt/xyz"])
def test_unknown_region_or_buurt_is_html_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Pagina niet gevonden" in r.text
    assert 'class="utrecht-document voorbeeld-theme"' in r.text


@pytest.mark.db
def test_accessibility_statement_in_both_languages(client: TestClient) -> None:
    assert "Toegankelijkheidsverklaring" in client.get("/toegankelijkheid").text
    client.get("/taal?lang=en&terug=/toegankelijkheid")
    assert "Accessibility statement" in client.get("/toegankelijkheid").text


# --- login, logout, CSRF ---------------------------------------------------------------------------------


@pytest.mark.db
def test_login_success_redirects_to_local_next_and_shows_name(client: TestClient) -> None:
    r = login(client, next_="/regio/ES18")
    assert r.status_code == 303
    assert r.headers["location"] == "/regio/ES18"
    page = client.get("/regio/ES18").text
    assert "Ingelogd als Rianne Coördinator" in page
    assert 'action="/uitloggen"' in page


@pytest.mark.db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    r = login(client, next_=target)
    assert r.status_code == 303
    assert r.headers["location"] == "/"


@pytest.mark.db
def test_login_failure_shows_linked_error_in_current_language(client: TestClient) -> None:
    r = login(client, password="wrong password!")
    assert r.status_code == 400
    assert "Het e-mailadres of wachtwoord is onjuist." in r.text
    assert 'id="login-fout"' in r.text
    assert re.search(r'id="email"[^>]*aria-invalid="true"[^>]*aria-describedby="login-fout"', r.text, re.S)
    assert 'value="coordinator@example.nl"' in r.text  # the e-mail is kept, the password is not
    client.get("/taal?lang=en")
    r = login(client, password="wrong password!")
    assert "The e-mail address or password is incorrect." in r.text


@pytest.mark.db
def test_login_empty_fields_get_their_own_errors(client: TestClient) -> None:
    page = client.get("/login")
    r = client.post("/login", data={"email": "", "wachtwoord": "", "csrf_token": csrf_from(page.text)})
    assert r.status_code == 400
    assert 'aria-describedby="email-fout"' in r.text and 'aria-describedby="wachtwoord-fout"' in r.text


@pytest.mark.db
def test_login_without_or_with_wrong_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    data = {"email": "coordinator@example.nl", "wachtwoord": PASSWORD}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 403
    assert "Verzoek geweigerd" in r.text
    r = client.post("/login", data={**data, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert "Ingelogd als" not in client.get("/").text


@pytest.mark.db
def test_logout_needs_csrf_and_ends_session(client: TestClient) -> None:
    login(client)
    assert client.post("/uitloggen", data={}, follow_redirects=False).status_code == 403
    assert "Ingelogd als" in client.get("/").text
    token = csrf_from(client.get("/").text)
    r = client.post("/uitloggen", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "Ingelogd als" not in client.get("/").text


# --- language ---------------------------------------------------------------------------------------------


@pytest.mark.db
def test_language_switch_changes_html_lang_and_strings(client: TestClient) -> None:
    html = client.get("/regio/ES18").text
    assert '<html lang="nl">' in html and "Warmtebronnen" in html
    switch = re.search(r'href="(/taal\?lang=en[^"]*)"', html).group(1).replace("&amp;", "&")
    r = client.get(switch, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/regio/ES18"
    html = client.get("/regio/ES18").text
    assert '<html lang="en">' in html
    assert "Heat sources" in html and "Skip to content" in html
    assert 'lang="nl"' in html  # the switch back names Nederlands in Dutch
    client.get("/taal?lang=nl")
    assert '<html lang="nl">' in client.get("/").text


@pytest.mark.db
def test_language_switch_rejects_unknown_language_and_offsite_return(client: TestClient) -> None:
    r = client.get("/taal?lang=xx&terug=https://evil.example/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "set-cookie" not in r.headers
    assert '<html lang="nl">' in client.get("/").text


def test_safe_local_path() -> None:
    assert i18n.safe_local_path("/regio/ES18?x=1#k") == "/regio/ES18?x=1#k"
    for bad in (None, "", "regio", "//evil", "/\\evil", "https://evil", "/a\nb", "/a\\b"):
        assert i18n.safe_local_path(bad) == "/"


def test_every_ui_string_has_an_english_translation() -> None:
    pattern = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
    strings = set()
    for path in TEMPLATES.rglob("*.html"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            strings.add(match.group(1) if match.group(1) is not None else match.group(2))
    strings.update(label for _, label in page_data.VRAAG_FUNCTIES)
    from warmteregio.web.pages import kosten as page_kosten

    strings.update(label for _, label in page_kosten.FAMILIES)
    strings.update(page_kosten.FAMILY_NAMES.values())
    from warmteregio.web.templating import BUILDING_TYPE_NL

    strings.update(BUILDING_TYPE_NL.values())
    routes = (WEB / "pages" / "routes.py").read_text(encoding="utf-8")
    strings.update(re.findall(r'errors\["\w+"\] = "([^"]+)"', routes))
    catalogue = i18n.catalogue("en")
    missing = sorted(s for s in strings if s not in catalogue)
    assert not missing, f"untranslated: {missing}"
    placeholder = re.compile(r"%\((\w+)\)s")
    for source, target in catalogue.items():
        assert sorted(placeholder.findall(source)) == sorted(placeholder.findall(target)), source
    stale = sorted(s for s in catalogue if s not in strings)
    assert not stale, f"translations no page uses any more: {stale}"
    keys = []
    for path in i18n.catalogue_files("en"):
        pairs = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=list)
        keys += [key for key, _ in pairs if not key.startswith("_")]
    assert len(keys) == len(set(keys)), "duplicate keys in the en*.json files"


def test_building_types_are_shown_in_the_page_language() -> None:
    from warmteregio.web.templating import env

    template = env.from_string("{{ t|gebouwtype }}")
    assert template.render(t="Terraced house", lang="nl") == "Rijwoning"
    assert template.render(t="Terraced house", lang="en") == "Terraced house"
    assert template.render(t="Medium", lang="nl") == "Middelgroot"
    assert template.render(t="Onbekend type", lang="nl") == "Onbekend type"


def test_number_format_follows_language() -> None:
    from warmteregio.web.templating import format_number

    assert format_number(1234567.891, 1, "nl") == "1.234.567,9"
    assert format_number(1234567.891, 1, "en") == "1,234,567.9"
    assert format_number(None) == "–"
    assert format_number(float("nan")) == "–"


# --- no external hosts ------------------------------------------------------------------------------------


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src", "embed": "src"}
        if tag in wanted:
            for name, value in attrs:
                if name == wanted[tag] and value:
                    self.urls.append((tag, value))


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) or url.startswith("//")


@pytest.mark.db
def test_pages_load_assets_only_from_this_site(client: TestClient) -> None:
    login(client)
    for path in ("/", "/regio/ES18", "/buurt/BU05050101", "/login", "/toegankelijkheid", "/regio/ES99"):
        collector = _AssetCollector()
        collector.feed(client.get(path).text)
        assert collector.urls, path
        for tag, url in collector.urls:
            assert not _external(url), f"{path}: <{tag}> loads {url}"
            assert url.startswith("/static/"), f"{path}: <{tag}> loads {url} (expected /static/...)"
            assert client.get(url).status_code == 200, f"{path}: {url} is not served (run the vendor step?)"


def test_templates_reference_no_external_asset_host() -> None:
    asset = re.compile(r"<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)\s*=\s*[\"']([^\"']+)", re.I)
    for path in TEMPLATES.rglob("*.html"):
        for url in asset.findall(path.read_text(encoding="utf-8")):
            # assets come from /static/; photos of the knowledge base from this site's own download route
            assert not _external(url) and url.startswith(("/static/", "/kennis/")), f"{path.name}: {url}"
    css = (WEB / "static" / "css" / "warmteregio.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "@import" not in css


@pytest.mark.db
def test_html_error_renderer_for_unknown_paths(client: TestClient) -> None:
    """``render_html_error`` is the hook the app's error handlers call for non-API paths."""
    from warmteregio.web.pages.routes import render_html_error

    client.app.state.render_html_error = render_html_error
    r = client.get("/bestaat-niet")
    assert r.status_code == 404 and "Pagina niet gevonden" in r.text
    assert 'class="utrecht-document voorbeeld-theme"' in r.text
    r = client.post("/toegankelijkheid")
    assert r.status_code == 405 and "Deze actie kan hier niet" in r.text
    client.get("/taal?lang=en")
    assert "Page not found" in client.get("/bestaat-niet").text
