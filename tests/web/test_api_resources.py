"""Functional tests of the JSON resources: filters, pagination, details, errors. Both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"

pytestmark = pytest.mark.db


def get_ok(client: TestClient, path: str, **params) -> dict:
    response = client.get(API + path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def problem(client: TestClient, path: str, status: int, **params) -> dict:
    response = client.get(API + path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    nl, en = body["detail"].split(" / ", 1)
    assert nl and en
    return body


def codes(body: dict) -> list[str]:
    return [r["code"] for r in body["resultaten"]]


# ------------------------------------------------------------------------------------ provinces and regions


def test_provincies(api_client):
    body = get_ok(api_client, "/provincies")
    assert body["totaal"] == 2
    assert body["resultaten"] == [{"code": "PV26", "naam": "Utrecht"}, {"code": "PV28", "naam": "Zuid-Holland"}]


def test_regios_count_gemeenten_of_latest_year(api_client):
    body = get_ok(api_client, "/regios")
    by_code = {r["code"]: r for r in body["resultaten"]}
    assert by_code["ES16"]["aantalGemeenten"] == 2  # Dordrecht counted once despite two years
    assert by_code["ES16"]["jaar"] == 2024
    assert by_code["ES17"]["aantalGemeenten"] == 1
    assert codes(get_ok(api_client, "/regios", provincie="PV26")) == ["ES17"]


def test_regio_detail_lists_its_gemeenten(api_client):
    body = get_ok(api_client, "/regios/ES16")
    assert body["naam"] == "Drechtsteden"
    assert body["provincieNaam"] == "Zuid-Holland"
    assert [g["naam"] for g in body["gemeenten"]] == ["Dordrecht", "Papendrecht"]
    assert all(g["jaar"] == 2024 for g in body["gemeenten"])
    assert body["aantalBuurten"] == 7
    assert get_ok(api_client, "/regios/es16")["code"] == "ES16"  # codes are normalised


def test_regio_unknown_and_invalid(api_client):
    body = problem(api_client, "/regios/ES99", 404)
    assert "ES99" in body["detail"]
    body = problem(api_client, "/regios/xx", 400)
    assert "ongeldige" in body["detail"] and "invalid" in body["detail"]
    assert body["invalidParams"][0]["name"] == "regiocode"


# ------------------------------------------------------------------------------------------------ gemeenten


def test_gemeenten_filters(api_client):
    assert codes(get_ok(api_client, "/gemeenten")) == ["GM0344", "GM0505", "GM0590"]
    assert codes(get_ok(api_client, "/gemeenten", regio="ES16")) == ["GM0505", "GM0590"]
    assert codes(get_ok(api_client, "/gemeenten", provincie="PV26")) == ["GM0344"]
    assert codes(get_ok(api_client, "/gemeenten", naam="DORD")) == ["GM0505"]
    assert codes(get_ok(api_client, "/gemeenten", naam="%")) == []  # LIKE wildcards are escaped
    older = get_ok(api_client, "/gemeenten", jaar=2023)
    assert [(g["code"], g["jaar"]) for g in older["resultaten"]] == [("GM0505", 2023)]
    assert older["resultaten"][0]["heeftGeometrie"] is False


def test_gemeente_detail_latest_year_by_default(api_client):
    body = get_ok(api_client, "/gemeenten/GM0505")
    assert body["jaar"] == 2024 and body["jaren"] == [2023, 2024]
    assert body["regioCode"] == "ES16" and body["regioNaam"] == "Drechtsteden"
    assert body["aantalBuurten"] == 6 and body["aantalWijken"] == 2
    assert body["geometriebron"] == "test: vierkant"
    assert get_ok(api_client, "/gemeenten/GM0505", jaar=2023)["jaar"] == 2023
    problem(api_client, "/gemeenten/GM0505", 404, jaar=2019)


def test_gemeente_unknown_and_invalid(api_client):
    problem(api_client, "/gemeenten/GM9999", 404)
    body = problem(api_client, "/gemeenten/dordrecht", 400)
    assert "gemeentecode" in body["detail"]
    problem(api_client, "/gemeenten", 400, regio="Drechtsteden")


# -------------------------------------------------------------------------------------------------- buurten


def test_buurten_filters(api_client):
    assert get_ok(api_client, "/buurten")["totaal"] == 8  # latest year 2024 only
    assert len(codes(get_ok(api_client, "/buurten", gemeente="GM0505"))) == 6
    region = codes(get_ok(api_client, "/buurten", regio="ES16"))
    assert len(region) == 7 and "BU05900101" in region and "BU03440101" not in region
    older = get_ok(api_client, "/buurten", gemeente="GM0505", jaar=2023)
    assert [(b["code"], b["jaar"]) for b in older["resultaten"]] == [("BU05050101", 2023)]
    first = get_ok(api_client, "/buurten", gemeente="gm0505")["resultaten"][0]
    assert first == {
        "code": "BU05050101",
        "jaar": 2024,
        "naam": "Buurt 1",
        "wijkCode": "WK050501",
        "gemeenteCode": "GM0505",
        "aantalWoningen": 100,
        "weq": 120.0,
        "vraagTotaalGj": 2500.0,
        "bestaandWarmtenetAandeel": 0.1,
        "schematisch": False,
    }


def test_buurten_pagination_walks_all_pages(api_client):
    seen: list[str] = []
    url = f"{API}/buurten?regio=ES16&paginaGrootte=3"
    pages = 0
    prev_links = []
    while url:
        body = api_client.get(url).json()
        assert body["totaal"] == 7 and body["paginaGrootte"] == 3
        seen += codes(body)
        prev_links.append(body["_links"]["prev"])
        url = body["_links"]["next"]["href"] if body["_links"]["next"] else None
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen)
    assert prev_links[0] is None and "pagina=2" in prev_links[2]["href"]
    assert "regio=ES16" in body["_links"]["self"]["href"]


def test_buurten_page_limits(api_client):
    beyond = get_ok(api_client, "/buurten", pagina=9)
    assert beyond["resultaten"] == [] and beyond["totaal"] == 8
    assert get_ok(api_client, "/buurten")["paginaGrootte"] == 50
    body = problem(api_client, "/buurten", 400, paginaGrootte=501)
    assert body["invalidParams"][0]["name"] == "paginaGrootte"
    body = problem(api_client, "/buurten", 422, paginaGrootte=0)
    assert body["invalidParams"][0]["name"] == "paginaGrootte"


def test_buurt_detail(api_client):
    response = api_client.get(f"{API}/buurten/BU05050101")
    assert response.status_code == 200
    assert response.headers["content-crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    body = response.json()
    assert body["jaar"] == 2024 and body["jaren"] == [2023, 2024]
    assert body["gemeenteNaam"] == "Dordrecht" and body["regioCode"] == "ES16"
    assert body["warmtevraag"] == {
        "ruimteverwarmingGj": 2000.0,
        "tapwaterGj": 400.0,
        "ventilatieGj": 50.0,
        "koudeGj": 10.0,
        "apparatenGj": 40.0,
        "totaalGj": 2500.0,
    }
    assert body["oppervlakteHa"] == pytest.approx(25.0)
    assert body["warmtevraagdichtheidGjPerHa"] == pytest.approx(100.0)
    assert body["oppervlakteWoningenM2"] == 9000.0
    assert body["bestaandWarmtenetAandeel"] == 0.1
    assert body["schematisch"] is False and body["geometriebron"] == "CBS wijkenbuurtkaart 2024"
    assert [(lb["label"], lb["aantal"], lb["afgeleid"]) for lb in body["labels"]] == [("A", 40, True), ("C", 60, False)]
    groepen = {g["type"]: g for g in body["gebouwgroepen"]}
    assert groepen["Rijwoning"]["gemEpi"] == 2.1 and groepen["Rijwoning"]["totaalOppervlakteM2"] == 7600.0
    assert body["geometrie"]["type"] == "Polygon"
    lon, lat = body["geometrie"]["coordinates"][0][0]
    assert 4.6 < lon < 4.8 and 51.7 < lat < 51.9


def test_buurt_detail_year_schematic_and_rd(api_client):
    assert get_ok(api_client, "/buurten/BU05050101", jaar=2023)["naam"] == "Buurt 1 (oud)"
    assert get_ok(api_client, "/buurten/BU05050105")["schematisch"] is True
    only_point = get_ok(api_client, "/buurten/BU05050201")
    assert only_point["schematisch"] is True and only_point["geometriebron"] == "centroide"
    assert only_point["geometrie"]["type"] == "Point" and only_point["warmtevraagdichtheidGjPerHa"] is None
    rd = api_client.get(
        f"{API}/buurten/BU05050101", headers={"Accept-Crs": "http://www.opengis.net/def/crs/EPSG/0/28992"}
    )
    assert rd.headers["content-crs"] == "http://www.opengis.net/def/crs/EPSG/0/28992"
    xs = [x for x, _ in rd.json()["geometrie"]["coordinates"][0]]
    assert min(xs) == pytest.approx(103000, abs=0.01) and max(xs) == pytest.approx(103500, abs=0.01)


def test_buurt_unknown_and_invalid(api_client):
    body = problem(api_client, "/buurten/BU99999999", 404)
    assert "BU99999999" in body["detail"] and body["instance"] == f"{API}/buurten/BU99999999"
    body = problem(api_client, "/buurten/xx", 400)
    assert body["detail"].startswith("ongeldige buurtcode") and "invalid neighbourhood code" in body["detail"]
    problem(api_client, "/buurten/BU05050101", 404, jaar=2010)


# -------------------------------------------------------------------------------------------- warmtebronnen


def test_warmtebronnen_region_rule(api_client):
    assert codes(get_ok(api_client, "/warmtebronnen")) == ["AVI0001", "DC0003", "RWZI0004", "TEO0002"]
    # AVI and TEO lie inside the region, DC0003 10 km from Papendrecht, RWZI0004 in Utrecht (far away)
    assert codes(get_ok(api_client, "/warmtebronnen", regio="ES16")) == ["AVI0001", "DC0003", "TEO0002"]
    assert codes(get_ok(api_client, "/warmtebronnen", regio="ES16", straal=5000)) == ["AVI0001", "TEO0002"]
    assert codes(get_ok(api_client, "/warmtebronnen", regio="ES17")) == ["RWZI0004"]
    assert get_ok(api_client, "/warmtebronnen", regio="ES99")["totaal"] == 0


def test_warmtebronnen_attribute_filters(api_client):
    assert codes(get_ok(api_client, "/warmtebronnen", temperatuurklasse="HT")) == ["AVI0001"]
    assert codes(get_ok(api_client, "/warmtebronnen", categorie="rwzi")) == ["RWZI0004"]
    assert codes(get_ok(api_client, "/warmtebronnen", status="bestaand")) == ["AVI0001", "RWZI0004"]
    assert codes(get_ok(api_client, "/warmtebronnen", regio="ES16", temperatuurklasse="LT")) == ["DC0003", "TEO0002"]
    body = problem(api_client, "/warmtebronnen", 422, temperatuurklasse="HEET")
    assert body["invalidParams"][0]["name"] == "temperatuurklasse"


def test_warmtebron_detail(api_client):
    response = api_client.get(f"{API}/warmtebronnen/AVI0001")
    assert response.status_code == 200
    body = response.json()
    assert body["naam"] == "AVI Dordrecht" and body["capaciteitMw"] == 60
    assert body["buurtenInBereik"] == ["BU05050101", "BU05050102"]
    lon, lat = body["locatie"]["coordinates"]
    assert 4.6 < lon < 4.8 and 51.7 < lat < 51.9
    assert response.headers["content-crs"].endswith("CRS84")
    rd = get_ok(api_client, "/warmtebronnen/AVI0001", crs="http://www.opengis.net/def/crs/EPSG/0/28992")
    assert rd["locatie"]["coordinates"] == pytest.approx([105000, 423000], abs=0.01)
    problem(api_client, "/warmtebronnen/ONBEKEND1", 404)
    problem(api_client, "/warmtebronnen/bron met spaties", 400)


# -------------------------------------------------------------------------------------------- parametersets


def test_parametersets(api_client):
    body = get_ok(api_client, "/parametersets")
    assert [(p["naam"], p["versie"], p["aantalWaarden"]) for p in body["resultaten"]] == [
        ("vesta", "2020", 1),
        ("vesta", "2025", 2),
    ]
    latest = get_ok(api_client, "/parametersets/vesta")
    assert latest["versie"] == "2025" and latest["versies"] == ["2020", "2025"]
    assert {w["naam"]: w["waardeNum"] for w in latest["waarden"]} == {"discontovoet": 0.03, "gasprijs": 0.9}
    assert get_ok(api_client, "/parametersets/vesta", versie="2020")["waarden"][0]["waarde"] == "0.04"
    problem(api_client, "/parametersets/vesta", 404, versie="1999")
    problem(api_client, "/parametersets/onbekend", 404)


# ---------------------------------------------------------------------------------------------------- mij


def test_mij_requires_login(api_client):
    body = problem(api_client, "/mij", 401)
    assert body["title"].startswith("Niet ingelogd")


def test_mij_returns_role_and_region(api_client, coordinator_cookie):
    api_client.cookies.set("warmteregio_sessie", coordinator_cookie)
    body = get_ok(api_client, "/mij")
    assert body == {
        "naam": "Co Ördinator",
        "email": "coordinator@example.nl",
        "rol": "regiocoordinator",
        "regioCode": "ES16",
        "gemeenteCode": None,
    }
