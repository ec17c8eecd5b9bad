"""The published OpenAPI document: FastAPI's output made to follow the NL API Design Rules.

FastAPI writes OpenAPI 3.1 (JSON Schema 2020-12). The Logius linter accepts OAS 3.0 only, so
:func:`build_openapi` post-processes the document into OpenAPI 3.0.3:

- ``anyOf``/``oneOf`` with ``{"type": "null"}`` and ``type: [..., "null"]`` become ``nullable: true``;
- ``examples`` in schemas becomes ``example``; ``const`` becomes a one-value ``enum``;
- a ``$ref`` with sibling keywords is wrapped in ``allOf`` (3.0 ignores siblings of ``$ref``);
- numeric ``exclusiveMinimum``/``exclusiveMaximum`` become ``minimum``/``maximum`` plus a boolean.

It also moves ``/api/v1`` from the paths into ``servers`` (so paths read ``/buurten/{buurtcode}``), declares
the ``API-Version`` header on every 2xx response (``Content-Crs`` where geometry is served), adds the
``application/geo+json`` alternative to list operations that can answer with GeoJSON, and declares 400,
404, 406, 422 and 500 answers as ``application/problem+json`` with the ``Problem`` schema.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic.json_schema import models_json_schema

from warmteregio.settings import Settings
from warmteregio.web import geo
from warmteregio.web.api import schemas
from warmteregio.web.api.problems import PROBLEM_JSON

REF_PREFIX = "#/components/schemas/"

DESCRIPTION = """\
Open API van warmteregio: RES-regio's, gemeenten, buurten met hun warmtevraag, warmtebronnen en parametersets.
Lezen is openbaar (open data). De API volgt de NL API Design Rules (Logius) en de geo-module daarvan.

**Versies.** De hoofdversie staat in het pad (`/v1`); elk antwoord draagt de header `API-Version` met de volledige
versie. Wijzigingen staan in het CHANGELOG van het project.

**Paginering.** Lijsten nemen `pagina` (vanaf 1) en `paginaGrootte` (standaard 50, maximaal 500). Het antwoord
bevat `resultaten`, `totaal`, `pagina`, `paginaGrootte` en `_links` met `self`, `next` en `prev` (elk `{"href": ...}`,
of `null` als die pagina er niet is).

**GeoJSON.** `/buurten`, `/gemeenten` en `/warmtebronnen` geven een GeoJSON FeatureCollection
(`application/geo+json`) bij `Accept: application/geo+json` of `formaat=geojson`, met `numberMatched`,
`numberReturned` en `links`; dan passen standaard tot 5000 features in één antwoord. Geometrie is standaard in
CRS84 (lengtegraad, breedtegraad); met `crs` of de header `Accept-Crs` in RD New
(`http://www.opengis.net/def/crs/EPSG/0/28992`). De header `Content-Crs` noemt het CRS van het antwoord. `bbox` met
`bbox-crs` beperkt tot objecten die een rechthoek raken.

**Beoordelingen.** `POST /beoordelingen` rekent het afwegingskader door voor een regio met een parameterset en
versie (en eventueel vervangen waarden) en bewaart de resultaten per buurt en variant met hun herkomst.
Starten en parametersets kopiëren vragen een sessie (inloggen via de website), de header `X-CSRF-Token` met het
CSRF-token van de sessie en toestemming voor de regio. De resultaten zijn ook als CSV en XLSX te downloaden.

**Warmtebronnen en allocatie.** Het bronnenregister (`/warmtebronnen`) is geversioneerd: aanmaken, wijzigen
(met reden en de verwachte `versie` of `If-Match`), buiten gebruik stellen en herstellen schrijven elk een versie
met wie, wanneer, waarom en wat er veranderde (`/warmtebronnen/{broncode}/versies`). `POST /allocaties` verdeelt
de bronnen over de buurten van een regio (linopy + HiGHS) en antwoordt `202` met `Location`; volg de voortgang op
`/allocaties/{id}`. Scenario's (een bron valt weg, krimpt, stopt in een jaar, een nieuwe bron, andere prijzen)
zijn runs op basis van een andere run (`POST /allocaties/{id}/scenario`) en worden vergeleken met
`/allocaties/{id}/vergelijking/{anderId}`. Resultaten als JSON, CSV, XLSX en GeoJSON.

**Warmteprogramma's.** `/warmteprogrammas` beheert de versies van het warmteprogramma per gemeente (concept,
consultatie, vastgesteld, vervallen) met de buurtplanning (`/buurtplannen`, ook als CSV/XLSX te downloaden en te
importeren), de processtappen, de wettelijke toetsen met hun grondslag (`/toetsen`), de terugblik op de vorige
versie, de tijdlijn en kaart per jaar en de documenten (HTML, getagde PDF, DOCX). Een gemeente bewerkt alleen haar
eigen programma (met de verwachte `versie` of `If-Match`); iedereen leest versies in consultatie en vastgestelde
versies en hun onveranderlijke publicaties (`/publicaties`, met sha256). Partners en het participatielogboek staan
onder `/gemeenten/{gemeentecode}/partners` en `/participatie`; `/regios/{regiocode}/warmteprogrammas` geeft de
regiocoördinator de stand per gemeente, de planning per jaar en conflicten over de gemeentegrens.

**Regionaal netwerk.** Alleen voor leden (een sessie). `/personen` en `/organisaties` zijn de ledengids met
zakelijke contactgegevens (ook als CSV/XLSX te downloaden en met `/personen/import` te importeren, alles of niets);
`/personen/{persoonid}/export` geeft op verzoek alle gegevens van een persoon en `DELETE /personen/{persoonid}` wist
het profiel. `/bijeenkomsten` zijn de bijeenkomsten met hun agenda: plenaire onderdelen en parallelle workshops per
ronde, met de bezetting; `PUT /bijeenkomsten/{bijeenkomstid}/aanmelding` meldt aan met een workshopkeuze (vol: de
wachtlijst, die vanzelf doorschuift), `DELETE` meldt af. De organisatie ziet de deelnemers, legt de aanwezigheid vast
en verstuurt uitnodigingen per e-mail; `/ical` is de bijeenkomst voor de agenda. `/regios/{regiocode}/activiteit` is
het activiteitenoverzicht van een regio en `/audit` het auditlog van alle wijzigingen.

**Kennisbank, vragen en informatiebehoefte.** `/kennisitems` doorzoekt de kennisbank van het regionale netwerk
(studies, praktijkverhalen, handreikingen, sjablonen, workshopcasussen, terugblikken) in het Nederlands: woorden
worden gestemd (`warmtenetten` vindt `warmtenet`) en accenten tellen niet. Openbare items zijn voor iedereen, de
rest alleen voor leden (privé, regio, alle leden). Bijlagen (PDF, DOCX, XLSX; foto's PNG, JPEG) worden op inhoud
gecontroleerd en alleen als download geleverd. `/bijeenkomsten/{bijeenkomstid}/terugblik` is de terugblik op een
bijeenkomst; `/vragen` de vragen aan het netwerk, waarvan het beste antwoord een kennisitem wordt.
`/vragenlijsten` is de jaarlijkse inventarisatie van de informatiebehoefte met de resultaten per thema en regio
(ook als CSV en XLSX) en de vergelijking over de jaren.

**Fouten** komen als `application/problem+json` (RFC 9457) met `type`, `title`, `status`, `detail` en `instance`;
`detail` is eerst Nederlands, dan na ` / ` Engels.
"""

TAGS = [
    {"name": "Gebieden", "description": "Provincies, RES-regio's, gemeenten en buurten."},
    {"name": "Warmtebronnen", "description": "Bronnen van warmte met ligging, temperatuur en potentie."},
    {"name": "Parametersets", "description": "Geversioneerde sets kentallen met bron per waarde."},
    {"name": "Gebruikers", "description": "De ingelogde gebruiker."},
    {
        "name": "Beoordelingen",
        "description": "Beoordelingen met het afwegingskader: kosten en CO2 per buurt en variant, met herkomst.",
    },
    {"name": "Strategieen", "description": "De strategiecatalogus: varianten per strategiefamilie."},
    {
        "name": "Allocaties",
        "description": "Regionale verdeling van warmtebronnen over buurten, scenario's en hun vergelijking.",
    },
    {
        "name": "Warmteprogrammas",
        "description": "Warmteprogramma's per gemeente: versies, buurtplanning, toetsen, partners, participatie en "
        "documenten; het regionale overzicht.",
    },
    {
        "name": "Netwerk",
        "description": "Het regionale netwerk: ledengids (personen, organisaties), activiteit per regio en auditlog.",
    },
    {
        "name": "Bijeenkomsten",
        "description": "Bijeenkomsten met agenda en parallelle workshops, aanmelding met wachtlijst, aanwezigheid, "
        "uitnodigingen en agenda-bestanden.",
    },
    {
        "name": "Kennisbank",
        "description": "Kennisitems van het regionale netwerk: zoeken, bijlagen, verwante items en terugblikken.",
    },
    {"name": "Vragen", "description": "Vragen aan het netwerk en de antwoorden; het beste wordt een kennisitem."},
    {
        "name": "Informatiebehoefte",
        "description": "Vragenlijsten van de informatiebehoefte, antwoorden, resultaten en vergelijking per jaar.",
    },
]

CONTACT = {
    "name": "warmteregio-beheer",
    "url": "https://warmteregio.example.nl/contact",
    "email": "beheer@warmteregio.example.nl",
}
LICENSE = {"name": "EUPL-1.2", "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12"}

_ERROR_RESPONSES = {
    "400": "Ongeldig verzoek, bijvoorbeeld een code met een verkeerde vorm.",
    "401": "Niet ingelogd.",
    "403": "Geen toestemming.",
    "404": "Niet gevonden.",
    "406": "Gevraagd CRS of formaat niet ondersteund.",
    "422": "Ongeldige parameters.",
    "500": "Interne serverfout.",
    "503": "Dienst niet beschikbaar.",
}


# ---------------------------------------------------------------------------------------- 3.1 -> 3.0 schemas


def _is_null(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and schema.get("type") == "null"
        and len(schema) <= 2
        and (len(schema) == 1 or "title" in schema)
    )


def downgrade_schema(node: Any) -> Any:
    """Convert one JSON Schema 2020-12 (OAS 3.1) schema object to an OAS 3.0 schema object, recursively."""
    if isinstance(node, list):
        return [downgrade_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    nullable = False
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: downgrade_schema(sub) for name, sub in value.items()}
        elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
            out[key] = downgrade_schema(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            options = [v for v in value if not _is_null(v)]
            nullable = nullable or len(options) < len(value)
            out[key] = [downgrade_schema(v) for v in options]
        elif key == "$defs":
            continue
        else:
            out[key] = value

    if "const" in out:
        out["enum"] = [out.pop("const")]
    if "examples" in out:
        examples = out.pop("examples")
        if isinstance(examples, list) and examples and "example" not in out:
            out["example"] = examples[0]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[plain] = out.pop(bound)
            out[bound] = True
    if isinstance(out.get("type"), list):
        types = [t for t in out["type"] if t != "null"]
        nullable = nullable or len(types) < len(out["type"])
        if len(types) == 1:
            out["type"] = types[0]
        else:  # several non-null types: express them as anyOf
            out["anyOf"] = [{"type": t} for t in types]
            del out["type"]
    elif out.get("type") == "null":  # a bare null type has no 3.0 equivalent
        del out["type"]
        nullable = True
    for combiner in ("anyOf", "oneOf"):
        options = out.get(combiner)
        if isinstance(options, list) and len(options) == 1:
            del out[combiner]
            (only,) = options
            if "$ref" in only:
                out["allOf"] = [only, *out.get("allOf", [])]
            else:
                for k, v in only.items():
                    out.setdefault(k, v)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
    if nullable and ("type" in out or any(k in out for k in ("allOf", "anyOf", "oneOf"))):
        out["nullable"] = True
    return out


def _downgrade_content(content: dict[str, Any]) -> None:
    for media in content.values():
        if "schema" in media:
            media["schema"] = downgrade_schema(media["schema"])


def _downgrade_parameter(param: dict[str, Any]) -> None:
    if "schema" in param:
        param["schema"] = downgrade_schema(param["schema"])
        if "example" in param["schema"] and "example" not in param and "examples" not in param:
            param["example"] = param["schema"]["example"]
    if isinstance(param.get("examples"), list):
        examples = param.pop("examples")
        if examples:
            param["example"] = examples[0]


# -------------------------------------------------------------------------------------------------- building


def _extra_schemas() -> dict[str, Any]:
    """JSON schemas of models no route returns directly (GeoJSON collections, Problem)."""
    models = [(m, "serialization") for m in (*schemas.GEOJSON_SCHEMAS, schemas.Problem)]
    _, top = models_json_schema(models, ref_template=REF_PREFIX + "{model}", by_alias=True)
    return top.get("$defs", {})


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF_PREFIX + "Problem"}}},
    }


def _process_operation(path: str, operation: dict[str, Any]) -> None:
    geojson_schema = operation.pop("x-geojson", None)
    if operation.pop("x-sessie", False):
        operation["security"] = [{"sessie": []}]
    content_crs = operation.pop("x-content-crs", False) or geojson_schema is not None
    for param in operation.get("parameters", []):
        _downgrade_parameter(param)
    responses = operation.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status.startswith("2"):
            if response.get("description") in (None, "", "Successful Response"):
                response["description"] = "Gelukt."
            headers = response.setdefault("headers", {})
            headers["API-Version"] = {"$ref": "#/components/headers/API-Version"}
            if content_crs:
                headers["Content-Crs"] = {"$ref": "#/components/headers/Content-Crs"}
            content = response.setdefault("content", {})
            if geojson_schema:
                content["application/geo+json"] = {"schema": {"$ref": REF_PREFIX + geojson_schema}}
            _downgrade_content(content)
        elif status[0] in "45":
            description = response.get("description")
            if description in (None, "", "Validation Error"):
                description = _ERROR_RESPONSES.get(status, "Fout.")
            responses[status] = _problem_response(description)
    wanted = ["400", "422", "500"]
    if "{" in path:
        wanted.append("404")
    if content_crs:
        wanted.append("406")
    for status in wanted:
        if status not in responses:
            responses[status] = _problem_response(_ERROR_RESPONSES[status])
    operation["responses"] = dict(sorted(responses.items()))


def _route_contexts(app: FastAPI) -> list[Any]:
    """The app's routes with included routers flattened (FastAPI >= 0.16x keeps them nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def build_openapi(app: FastAPI, settings: Settings, *, prefix: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of the API routes under ``prefix``."""
    routes = [
        r
        for r in _route_contexts(app)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and r.include_in_schema
        and (r.path or "").startswith(prefix)
    ]
    raw = get_openapi(
        title="warmteregio API",
        version=version,
        openapi_version="3.0.3",
        description=DESCRIPTION,
        routes=routes,
        tags=TAGS,
        servers=[{"url": settings.api_base_url, "description": "Deze omgeving"}],
        contact=CONTACT,
        license_info=LICENSE,
        separate_input_output_schemas=False,
    )
    doc = copy.deepcopy(raw)
    doc["openapi"] = "3.0.3"
    paths: dict[str, Any] = {}
    for path, item in doc.get("paths", {}).items():
        short = path[len(prefix) :] or "/"
        for operation in item.values():
            if isinstance(operation, dict):
                _process_operation(short, operation)
                if operation.get("operationId") == "haalMij":
                    operation["security"] = [{"sessie": []}]
        paths[short] = item
    doc["paths"] = paths

    components = doc.setdefault("components", {})
    component_schemas: dict[str, Any] = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        component_schemas.pop(name, None)
    for name, schema in _extra_schemas().items():
        component_schemas.setdefault(name, schema)
    components["schemas"] = {name: downgrade_schema(s) for name, s in sorted(component_schemas.items())}
    components["headers"] = {
        "API-Version": {
            "description": "Volledige versie van de API (semver).",
            "schema": {"type": "string", "example": version},
        },
        "Content-Crs": {
            "description": "CRS van de geometrieën in het antwoord.",
            "schema": {"type": "string", "enum": list(geo.SUPPORTED_CRS)},
        },
    }
    components["securitySchemes"] = {
        "sessie": {
            "type": "apiKey",
            "in": "cookie",
            "name": "warmteregio_sessie",
            "description": "Sessiecookie na inloggen via de website.",
        }
    }
    return doc
