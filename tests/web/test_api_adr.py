"""The API against the NL API Design Rules checklist (ECOSYSTEM_NOTES A2) and its geospatial module."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import Engine

from warmteregio.web.api import API_VERSION

API = "/api/v1"

KEBAB_PATH = re.compile(r"^(\/|(\/_[a-z]+|\/(([a-z\-]+|{[a-z]+})(\/([a-z\-\.]+|{[a-z]+}))*)(\/_[a-z]+)?)\/?)$")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
PASCAL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
HAL_PROPERTIES = {"_links"}  # HAL link member, the one allowed exception to lowerCamelCase
SAMPLE_PARAMS = {
    "regiocode": "ES16",
    "gemeentecode": "GM0505",
    "buurtcode": "BU05050101",
    "broncode": "AVI0001",
    "naam": "vesta",
    "beoordelingid": "1",
    "invoerid": "1",
    "casusid": "1",
    "userid": "1",
    "sweepid": "1",
    "allocatieid": "1",
    "anderid": "2",
    "programmaid": "1",
    "stapcode": "start",
    "documentid": "1",
    "partnerid": "1",
    "momentid": "1",
    "persoonid": "1",
    "organisatieid": "1",
    "kennisitemid": "1",
    "bijlageid": "1",
    "bijeenkomstid": "1",
    "vraagid": "1",
    "vragenlijstid": "1",
    "respondent": "GM0505",
}
#: The only state-changing operations; each needs a session (declared as security).
WRITE_OPERATIONS = {
    ("/beoordelingen", "post"),
    ("/parametersets/{naam}/versies", "post"),
    ("/buurten/{buurtcode}/criteriumwaarden", "post"),
    ("/buurten/{buurtcode}/criteriumwaarden/{invoerid}", "delete"),
    ("/casussen", "post"),
    ("/casussen/{casusid}", "patch"),
    ("/casussen/{casusid}/deelnemers", "post"),
    ("/casussen/{casusid}/deelnemers/{userid}", "delete"),
    ("/casussen/{casusid}/inbreng", "post"),
    ("/sweeps", "post"),
    ("/sweeps/{sweepid}/annuleren", "post"),
    ("/allocaties", "post"),
    ("/allocaties/{allocatieid}/annuleren", "post"),
    ("/allocaties/{allocatieid}/scenario", "post"),
    ("/warmtebronnen", "post"),
    ("/warmtebronnen/{broncode}", "patch"),
    ("/warmtebronnen/{broncode}/buiten-gebruik", "post"),
    ("/warmtebronnen/{broncode}/herstel", "post"),
    ("/warmteprogrammas", "post"),
    ("/warmteprogrammas/{programmaid}", "patch"),
    ("/warmteprogrammas/{programmaid}", "delete"),
    ("/warmteprogrammas/{programmaid}/uit-analyse", "post"),
    ("/warmteprogrammas/{programmaid}/status", "post"),
    ("/warmteprogrammas/{programmaid}/buurtplannen/{buurtcode}", "patch"),
    ("/warmteprogrammas/{programmaid}/buurtplannen/import", "post"),
    ("/warmteprogrammas/{programmaid}/stappen/{stapcode}", "patch"),
    ("/gemeenten/{gemeentecode}/partners", "post"),
    ("/partners/{partnerid}", "patch"),
    ("/partners/{partnerid}", "delete"),
    ("/gemeenten/{gemeentecode}/participatie", "post"),
    ("/participatie/{momentid}", "patch"),
    ("/participatie/{momentid}", "delete"),
    ("/personen", "post"),
    ("/personen/import", "post"),
    ("/personen/{persoonid}", "patch"),
    ("/personen/{persoonid}", "delete"),
    ("/organisaties", "post"),
    ("/organisaties/{organisatieid}", "patch"),
    ("/bijeenkomsten", "post"),
    ("/bijeenkomsten/{bijeenkomstid}", "patch"),
    ("/bijeenkomsten/{bijeenkomstid}/annuleren", "post"),
    ("/bijeenkomsten/{bijeenkomstid}/aanmelding", "put"),
    ("/bijeenkomsten/{bijeenkomstid}/aanmelding", "delete"),
    ("/bijeenkomsten/{bijeenkomstid}/aanwezigheid", "post"),
    ("/bijeenkomsten/{bijeenkomstid}/uitnodigingen", "post"),
    ("/kennisitems", "post"),
    ("/kennisitems/{kennisitemid}", "patch"),
    ("/kennisitems/{kennisitemid}", "delete"),
    ("/kennisitems/{kennisitemid}/bijlagen", "post"),
    ("/kennisitems/{kennisitemid}/bijlagen/{bijlageid}", "delete"),
    ("/bijeenkomsten/{bijeenkomstid}/terugblik", "put"),
    ("/vragen", "post"),
    ("/vragen/{vraagid}/antwoorden", "post"),
    ("/vragen/{vraagid}/beste-antwoord", "put"),
    ("/vragenlijsten", "post"),
    ("/vragenlijsten/{vragenlijstid}", "patch"),
    ("/vragenlijsten/{vragenlijstid}/status", "post"),
    ("/vragenlijsten/{vragenlijstid}/kopie", "post"),
    ("/vragenlijsten/{vragenlijstid}/inzendingen/{respondent}", "put"),
}
#: POST operations that compute an answer from a request body and store nothing (ADR: a POST for a query that
#: does not fit in a URL); they need no session.
QUERY_OPERATIONS = {
    ("/beoordelingen/{beoordelingid}/weging", "post"),
    ("/beoordelingen/{beoordelingid}/robuustheid", "post"),
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def concrete(path: str) -> str:
    return re.sub(r"{([a-z]+)}", lambda m: SAMPLE_PARAMS[m.group(1)], path)


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def properties(node, found: set[str] | None = None) -> set[str]:
    found = set() if found is None else found
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
                for sub in value.values():
                    properties(sub, found)
            else:
                properties(value, found)
    elif isinstance(node, list):
        for item in node:
            properties(item, found)
    return found


# ------------------------------------------------------------------------------------------- the document


def test_openapi_is_public_with_cors(bare_app):
    with TestClient(bare_app) as client:
        response = client.get(f"{API}/openapi.json", headers={"Origin": "https://elders.example.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["api-version"] == API_VERSION
    assert response.headers["content-type"].startswith("application/json")


def test_openapi_is_valid_oas_30(openapi_doc):
    assert openapi_doc["openapi"] == "3.0.3"
    validate(openapi_doc)  # raises on any violation of the OAS 3.0 schema


def test_openapi_info_and_servers(openapi_doc):
    info = openapi_doc["info"]
    assert SEMVER.match(info["version"]) and info["version"] == API_VERSION == "1.0.0"
    assert {"name", "url", "email"} <= set(info["contact"])
    assert all(info["contact"][k] for k in ("name", "url", "email"))
    servers = openapi_doc["servers"]
    assert servers and all(re.search(r"/v\d+", s["url"]) and s["url"].startswith("https://") for s in servers)


def test_paths_are_kebab_case_with_lowercase_parameters(openapi_doc):
    paths = list(openapi_doc["paths"])
    assert "/buurten/{buurtcode}" in paths and "/warmtebronnen" in paths
    bad = [p for p in paths if not KEBAB_PATH.match(p)]
    assert bad == []


def test_kebab_regex_rejects_bad_parameter_names():
    assert KEBAB_PATH.match("/buurten/{buurtcode}")
    assert not KEBAB_PATH.match("/buurten/{buurt_code}")
    assert not KEBAB_PATH.match("/buurten/{buurtCode}")
    assert not KEBAB_PATH.match("/api/v1/buurten")  # digits in a segment


def test_only_get_operations_besides_declared_writes_and_no_trailing_slashes(openapi_doc):
    writes = set()
    for path, method, operation in operations(openapi_doc):
        if (path, method) in WRITE_OPERATIONS:
            writes.add((path, method))
            assert method in {"post", "put", "patch", "delete"}
            assert operation["security"] == [{"sessie": []}], path
            assert {"401", "403"} <= set(operation["responses"]), path
        elif (path, method) in QUERY_OPERATIONS:
            writes.add((path, method))
            assert method == "post" and not operation.get("security"), path
        else:
            assert method == "get", (path, method)
        assert path == "/" or not path.endswith("/")
    assert writes == WRITE_OPERATIONS | QUERY_OPERATIONS


def test_schema_names_pascal_case_and_properties_camel_case(openapi_doc):
    schemas = openapi_doc["components"]["schemas"]
    assert {"Problem", "BuurtDetail", "BuurtFeatureCollection", "Warmtebron"} <= set(schemas)
    assert [n for n in schemas if not PASCAL.match(n)] == []
    names = properties(schemas)
    assert "vraagTotaalGj" in names and "warmtevraagdichtheidGjPerHa" in names
    assert sorted(n for n in names if not CAMEL.match(n) and n not in HAL_PROPERTIES) == []


def test_descriptions_are_dutch(openapi_doc):
    for path, _, operation in operations(openapi_doc):
        text = (operation.get("description") or "").lower()
        assert text, path
        assert re.search(r"\b(de|het|een|van|met)\b", text), (path, text)


def test_every_2xx_declares_api_version_and_errors_are_problems(openapi_doc):
    for path, _, operation in operations(openapi_doc):
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), path
        for code, response in responses.items():
            if code[0] in "23":
                assert "API-Version" in response.get("headers", {}), (path, code)
            if code[0] in "45":
                assert list(response["content"]) == ["application/problem+json"], (path, code)
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
        assert "500" in responses and "422" in responses
        if "{" in path:
            assert "404" in responses


def test_geo_operations_declare_geojson_and_content_crs(openapi_doc):
    for path in ("/buurten", "/gemeenten", "/warmtebronnen"):
        ok = openapi_doc["paths"][path]["get"]["responses"]["200"]
        assert "application/geo+json" in ok["content"]
        assert "Content-Crs" in ok["headers"]
        names = {p["name"] for p in openapi_doc["paths"][path]["get"]["parameters"]}
        assert {"bbox", "bbox-crs", "crs", "Accept-Crs", "formaat", "pagina", "paginaGrootte"} <= names


def test_no_nullable_31_leftovers(openapi_doc):
    text = repr(openapi_doc)
    assert "'type': 'null'" not in text
    assert "'const'" not in text
    assert "'examples': [" not in text


# ------------------------------------------------------------------------------------------- runtime


def _assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    assert " / " in body["detail"]
    return body


@pytest.mark.db
def test_api_version_header_on_success_and_errors(engine: Engine, openapi_doc, client_for):
    with client_for(engine, raise_server_exceptions=False) as client:
        assert client.get(f"{API}/buurten").headers["api-version"] == openapi_doc["info"]["version"]
        _assert_problem(client.get(f"{API}/bestaat-niet"), 404)
        _assert_problem(client.delete(f"{API}/buurten"), 405)
        _assert_problem(client.get(f"{API}/buurten", params={"pagina": "nul"}), 422)


def test_500_is_a_problem_with_version(bare_app):
    from fastapi import FastAPI

    from warmteregio.web.app import create_app

    app: FastAPI = create_app(bare_app.state.settings, bare_app.state.engine)

    def boem() -> None:
        raise RuntimeError("kapot")

    app.add_api_route(f"{API}/boem", boem, include_in_schema=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = _assert_problem(client.get(f"{API}/boem"), 500)
    assert "kapot" not in body["detail"]  # no internals leak out


def test_405_has_allow_header(bare_app):
    with TestClient(bare_app) as client:
        response = client.post(f"{API}/buurten/BU05050101")
    body = _assert_problem(response, 405)
    assert response.headers["allow"] == "GET"
    assert body["instance"] == f"{API}/buurten/BU05050101"


@pytest.mark.db
def test_trailing_slash_is_404_not_redirect(seeded: Engine, openapi_doc, client_for):
    with client_for(seeded) as client:
        for path in openapi_doc["paths"]:
            response = client.get(API + concrete(path) + "/", follow_redirects=False)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("application/problem+json")
        assert client.get(f"{API}/openapi.json/", follow_redirects=False).status_code == 404


def test_cors_preflight_allows_any_origin(bare_app):
    with TestClient(bare_app) as client:
        response = client.options(
            f"{API}/buurten",
            headers={
                "Origin": "https://kaart.example.org",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "Accept-Crs",
            },
        )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "accept-crs" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.db
def test_get_responses_allow_any_origin_and_expose_headers(api_client):
    response = api_client.get(f"{API}/buurten", params={"formaat": "geojson"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Content-Crs" in response.headers["access-control-expose-headers"]


def test_non_api_paths_keep_html_errors(bare_app):
    with TestClient(bare_app) as client:
        response = client.get("/bestaat-echt-niet")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "api-version" not in response.headers
