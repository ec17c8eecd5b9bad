"""The information-needs inventory on the web (issue 7): the API (build as administrator, open, answer per
respondent with every bad answer reported, results per theme and region with open answers only for who may read
them, CSV/XLSX export, copy to a new year, comparison) and the pages (new questionnaire from a CSV file, answer form
without JavaScript with errors next to the questions, results with SVG charts each followed by a table, response
and the year comparison). Both databases, on the small ES16 region of ``conftest``."""

from __future__ import annotations

import io
import re

import pytest
import test_kennis_api as api_tests
from openpyxl import load_workbook
from test_kennis_api import CSRF, HEADERS, problem

world = api_tests.world
client_as = api_tests.client_as

pytestmark = pytest.mark.db

API = "/api/v1"
VRAGEN = [
    {"code": "wn1", "thema": "warmtenetten", "tekst": "Behoefte aan kennis over warmtenetten", "soort": "schaal",
     "verplicht": True},
    {"code": "par1", "thema": "participatie", "tekst": "Behoefte aan participatie-advies", "soort": "schaal"},
    {"code": "vorm", "thema": "organisatie", "tekst": "Welke vorm van ondersteuning?", "soort": "keuze",
     "opties": ["Workshop", "Handreiking", "Advies"]},
    {"code": "open1", "thema": "organisatie", "tekst": "Wat mist u nog?", "soort": "open"},
]  # fmt: skip
CSV_VRAGEN = (
    b"code;thema;tekst;soort;opties;verplicht\n"
    b"wn1;warmtenetten;Behoefte aan kennis over warmtenetten;schaal;;ja\n"
    b"vorm;organisatie;Welke vorm van ondersteuning?;keuze;Workshop|Handreiking|Advies;nee\n"
)


def test_questionnaire_api_build_answer_results_and_export(client_as):
    admin, gm, co = client_as("admin"), client_as("gm"), client_as("co")
    problem(client_as(None).get(f"{API}/vragenlijsten"), 401)
    problem(gm.post(f"{API}/vragenlijsten", json={"jaar": 2026, "titel": "x", "vragen": VRAGEN}, headers=HEADERS), 403)
    made = admin.post(f"{API}/vragenlijsten", json={"jaar": 2026, "titel": "Informatiebehoefte 2026", "vragen": VRAGEN},
                      headers=HEADERS)  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "concept" and made.json()["aantalVragen"] == 4
    vid = made.json()["id"]
    assert made.headers["location"].endswith(f"/vragenlijsten/{vid}")
    assert gm.get(f"{API}/vragenlijsten").json()["resultaten"] == []  # a draft is for administrators
    url = f"{API}/vragenlijsten/{vid}/inzendingen"
    problem(gm.put(f"{url}/GM0505", json={"antwoorden": {"wn1": 4}}, headers=HEADERS), 404)  # draft: not visible
    assert admin.post(f"{API}/vragenlijsten/{vid}/status", json={"status": "open"}, headers=HEADERS).status_code == 200
    bad = problem(gm.put(f"{url}/GM0505", json={"antwoorden": {"wn1": 7, "vorm": "Iets"}}, headers=HEADERS), 400)
    assert {p["name"] for p in bad["invalidParams"]} == {"wn1", "vorm"}
    problem(gm.put(f"{url}/GM0590", json={"antwoorden": {"wn1": 3}}, headers=HEADERS), 403)
    saved = gm.put(f"{url}/GM0505", json={"antwoorden": {"wn1": 5, "par1": 2, "vorm": "Workshop",
                                                          "open1": "Een rekenhulp"}}, headers=HEADERS)  # fmt: skip
    assert saved.status_code == 200 and saved.json()["antwoorden"]["wn1"] == 5 and saved.json()["resCode"] == "ES16"
    co.put(f"{url}/ES16", json={"antwoorden": {"wn1": 3, "vorm": "Advies"}}, headers=HEADERS).raise_for_status()
    assert co.get(f"{url}/GM0505").json()["antwoorden"]["open1"] == "Een rekenhulp"  # coordinator of the region

    r = gm.get(f"{API}/vragenlijsten/{vid}/resultaten").json()
    assert r["aantalInzendingen"] == 2 and r["themas"][0] == {"thema": "warmtenetten", "gemiddelde": 4.0}
    assert {"thema": "warmtenetten", "regio": "ES16", "gemiddelde": 4.0} in r["themaRegio"]
    open1 = next(v for v in r["vragen"] if v["code"] == "open1")
    assert open1["openAntwoorden"] == [] and open1["openVerborgen"] == 1  # a gemeente sees counts only
    vorm = next(v for v in co.get(f"{API}/vragenlijsten/{vid}/resultaten").json()["vragen"] if v["code"] == "vorm")
    assert vorm["verdeling"] == {"Workshop": 1, "Handreiking": 0, "Advies": 1}
    es16 = next(p for p in r["respons"] if p["resCode"] == "ES16")
    assert es16["ingevuld"] == 1 and es16["gemeenten"] == 2 and es16["regioIngevuld"] is True
    csv = gm.get(f"{API}/vragenlijsten/{vid}/resultaten", params={"formaat": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    assert "wn1" in csv.content.decode("utf-8-sig")
    xlsx = co.get(f"{API}/vragenlijsten/{vid}/resultaten", params={"formaat": "xlsx"})
    assert "Thema x regio" in load_workbook(io.BytesIO(xlsx.content)).sheetnames

    kopie = admin.post(f"{API}/vragenlijsten/{vid}/kopie", json={"jaar": 2027}, headers=HEADERS)
    assert kopie.status_code == 201 and [v["code"] for v in kopie.json()["vragen"]] == [v["code"] for v in VRAGEN]
    problem(admin.post(f"{API}/vragenlijsten/{vid}/kopie", json={"jaar": 2027}, headers=HEADERS), 409)
    vergelijking = gm.get(f"{API}/vragenlijsten/vergelijking", params={"reeks": "informatiebehoefte"}).json()
    assert vergelijking["jaren"] == [2026] and vergelijking["themas"][0]["jaren"][0]["gemiddelde"] == 4.0
    problem(admin.patch(f"{API}/vragenlijsten/{vid}", json={"vragen": VRAGEN[:1], "versie": 2}, headers=HEADERS), 409)


def test_questionnaire_pages_build_answer_and_results_with_charts(client_as):
    admin, gm = client_as("admin"), client_as("gm")
    assert gm.get("/informatiebehoefte/nieuw").status_code == 403
    form = admin.get("/informatiebehoefte/nieuw").text
    assert 'enctype="multipart/form-data"' in form and "code;thema;tekst;soort;opties;verplicht" in form
    fout = admin.post("/informatiebehoefte/nieuw", data={"csrf_token": CSRF, "titel": "Lijst 2026", "jaar": "2026"},
                      files={"bestand": ("vragen.csv", b"code;thema\nx;y\n", "text/csv")})  # fmt: skip
    assert fout.status_code == 422 and 'id="wr-vl-nieuw-fout"' in fout.text and "kolommen" in fout.text
    made = admin.post("/informatiebehoefte/nieuw", data={"csrf_token": CSRF, "titel": "Lijst 2026", "jaar": "2026"},
                      files={"bestand": ("vragen.csv", CSV_VRAGEN, "text/csv")}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    url = made.headers["location"].split("?")[0]
    page = admin.get(made.headers["location"]).text
    assert "aangemaakt als concept" in page and 'id="wr-vl-open"' in page and 'id="wr-vl-form"' not in page
    opened = admin.post(f"{url}/status", data={"csrf_token": CSRF, "status": "open",
                                               "versie": re.search(r'name="versie" value="(\d+)"', page).group(1)},
                        follow_redirects=False)  # fmt: skip
    assert opened.status_code == 303
    # odd numbers are not found, never a server error
    huge = "9" * 25
    status = admin.post(f"/informatiebehoefte/{huge}/status", data={"csrf_token": CSRF, "status": "open"})
    assert status.status_code == 404
    assert admin.post("/informatiebehoefte/kopie", data={"csrf_token": CSRF, "bron": "²",
                                                         "kopie_jaar": "2028"}).status_code == 422  # fmt: skip

    answer = gm.get(url).text
    assert 'id="wr-vl-form"' in answer and 'name="respondent" value="GM0505"' in answer
    assert "<legend" in answer and "5 – zeer grote behoefte" in answer
    missing = gm.post(url, data={"csrf_token": CSRF, "respondent": "GM0505", "a_vorm": "Advies"})
    assert missing.status_code == 422 and 'id="vraag-1-fout"' in missing.text
    assert re.search(r'value="Advies" checked', missing.text)  # the answers given stay in the form
    done = gm.post(url, data={"csrf_token": CSRF, "respondent": "GM0505", "a_wn1": "4", "a_vorm": "Advies"},
                   follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and "opgeslagen=antwoorden" in done.headers["location"]
    assert re.search(r'name="a_wn1" value="4" checked', gm.get(done.headers["location"]).text)

    results = client_as("kijker").get(f"{url}/resultaten").text
    assert results.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 3 and 'role="img"' in results
    for table in ("wr-vl-respons", "wr-vl-thema-regio", "wr-vl-themas"):
        assert f'id="{table}"' in results
    heat = results[results.index('id="wr-vl-heat-kop"') : results.index('id="wr-vl-thema-regio"')]
    assert "wr-heatmap" in heat
    assert "/api/v1/vragenlijsten/" in results and "formaat=xlsx" in results
    assert client_as(None).get(f"{url}/resultaten", follow_redirects=False).status_code == 303

    # next year: a copy, answered, compares with this year
    bron = url.rsplit("/", 1)[1]
    kopie = admin.post("/informatiebehoefte/kopie", data={"csrf_token": CSRF, "bron": bron, "kopie_jaar": "2027"},
                       follow_redirects=False)  # fmt: skip
    assert kopie.status_code == 303
    url2 = kopie.headers["location"].split("?")[0]
    versie = re.search(r'name="versie" value="(\d+)"', admin.get(url2).text).group(1)
    admin.post(f"{url2}/status", data={"csrf_token": CSRF, "status": "open", "versie": versie})
    gm.post(url2, data={"csrf_token": CSRF, "respondent": "GM0505", "a_wn1": "2"})
    jaren = gm.get(f"{url2}/resultaten").text
    assert 'id="wr-vl-jaren"' in jaren and "lager (-2,0)" in jaren
