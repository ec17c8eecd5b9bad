"""CBS OData v3 client against recorded responses served by httpx.MockTransport."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from warmteregio.data.cbs_odata import (
    TABLES,
    CbsODataClient,
    CbsODataError,
    NetworkNotAllowedError,
    area_filter,
    build_url,
    download_kerncijfers,
)

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "cbs_odata"


def recorded_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.endswith("/85984NED/DataProperties"):
            name = "85984NED_DataProperties.json"
        elif path.endswith("/85984NED/TypedDataSet"):
            query = parse_qs(urlsplit(str(request.url)).query)
            name = f"85984NED_TypedDataSet_GM0505_page{2 if '$skip' in query else 1}.json"
        else:
            return httpx.Response(404, json={"odata.error": {"message": {"value": "not found"}}})
        return httpx.Response(200, json=json.loads((RECORDED / name).read_text(encoding="utf-8")))

    return httpx.MockTransport(handler)


def test_url_building():
    url = build_url("85984NED", filter_="startswith(WijkenEnBuurten,'GM0505')", select=["WijkenEnBuurten", "X_1"])
    assert url == (
        "https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet"
        "?$filter=startswith(WijkenEnBuurten,'GM0505')&$select=WijkenEnBuurten,X_1"
    )
    assert area_filter("gm0505 ").startswith("startswith(WijkenEnBuurten,'GM0505') or ")
    assert TABLES[2024] == "85984NED" and TABLES[2021] == "85039NED"


def test_kerncijfers_two_pages():
    seen: list[httpx.Request] = []
    with CbsODataClient(transport=recorded_transport(seen), allow_network=True) as client:
        records = client.kerncijfers(2024, gemeente="GM0505")
    assert len(seen) == 3  # DataProperties + two pages
    first_query = parse_qs(urlsplit(str(seen[1].url)).query)
    assert "startswith(WijkenEnBuurten,'GM0505')" in first_query["$filter"][0]
    assert "Woningvoorraad_35" in first_query["$select"][0].split(",")
    assert len(records) == 14
    gm = records[0]
    assert gm["code"] == "GM0505" and gm["gemeentenaam"] == "Dordrecht" and gm["soort_regio"] == "gemeente"
    assert (gm["aantal_inwoners"], gm["woningvoorraad"], gm["oppervlakte_totaal_ha"]) == (122070, 57276, 9947)
    assert gm["jaar"] == 2024
    assert {r["soort_regio"] for r in records[1:]} == {"wijk"}
    assert records[-1]["code"] == "WK050598" and records[-1]["bevolkingsdichtheid_per_km2"] is None
    assert "gem_aardgas_m3" not in gm  # not in this (abridged) table: left out, not invented


def test_refuses_network_unless_allowed(monkeypatch):
    seen: list[httpx.Request] = []
    monkeypatch.delenv("WARMTEREGIO_ALLOW_NETWORK_REQUESTS", raising=False)
    from warmteregio.settings import get_settings

    get_settings.cache_clear()
    try:
        client = CbsODataClient(transport=recorded_transport(seen))
        with pytest.raises(NetworkNotAllowedError) as info:
            client.kerncijfers(2024, gemeente="GM0505")
    finally:
        get_settings.cache_clear()
    assert seen == []
    assert "WARMTEREGIO_ALLOW_NETWORK_REQUESTS" in info.value.nl and "network requests are disabled" in info.value.en


def test_unknown_year_and_http_error():
    with pytest.raises(CbsODataError) as info:
        CbsODataClient(allow_network=True).kerncijfers(1990)
    assert "1990" in info.value.en
    failing = httpx.MockTransport(lambda request: httpx.Response(503, text="busy"))
    with pytest.raises(CbsODataError) as info:
        CbsODataClient(transport=failing, allow_network=True).kerncijfers(2024, gemeente="GM0505")
    assert "503" in info.value.en


def test_download_to_csv(tmp_path):
    out = tmp_path / "kwb.csv"
    client = CbsODataClient(transport=recorded_transport([]), allow_network=True)
    assert download_kerncijfers(2024, "GM0505", out, client=client) == 14
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["code"] == "GM0505" and rows[0]["aantal_inwoners"] == "122070"
