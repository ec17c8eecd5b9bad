"""Shared pieces of the API handlers: paging, output format and CRS negotiation, code checks, GeoJSON output.

Pagination (documented in the OpenAPI description): ``pagina`` (from 1) and ``paginaGrootte``. A JSON list
answers with ``resultaten``, ``totaal``, ``pagina``, ``paginaGrootte`` and ``_links`` (``self``, ``next``,
``prev`` as ``{"href": ...}``; ``null`` when there is no such page). JSON pages hold at most
:data:`MAX_PAGE_SIZE` items (default :data:`DEFAULT_PAGE_SIZE`). A GeoJSON FeatureCollection carries
``numberMatched``, ``numberReturned`` and ``links`` (OGC API Features) and by default holds up to
:data:`MAX_GEOJSON_PAGE_SIZE` features, so a whole region comes in one response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi import Depends, Header, Query, Request
from starlette.responses import Response

from warmteregio.domain.codes import CodeError
from warmteregio.services.queries import FeatureRows, Page, Paging
from warmteregio.web import geo
from warmteregio.web.api.problems import ApiProblem

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_GEOJSON_PAGE_SIZE = 5000
GEOJSON = "application/geo+json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SIMPLIFY_M = 1000.0


class Formaat(StrEnum):
    JSON = "json"
    GEOJSON = "geojson"


def bad_request(nl: str, en: str, name: str | None = None) -> Exception:
    params = [{"name": name, "code": "invalid", "reason": en}] if name else None
    return ApiProblem(400, nl, en, invalid_params=params)


def not_found(kind_nl: str, kind_en: str, code: str, extra_nl: str = "", extra_en: str = "") -> Exception:
    return ApiProblem(404, f"{kind_nl} {code} niet gevonden{extra_nl}", f"{kind_en} {code} not found{extra_en}")


def check_code(normalise: Callable[[object], str], value: str | None, name: str) -> str | None:
    """Normalise a CBS/RES code from a path or query parameter; a malformed code gives 400 problem+json."""
    if value is None or value == "":
        return None
    try:
        return normalise(value)
    except CodeError as exc:
        raise bad_request(exc.nl, exc.en, name) from None


@dataclass(frozen=True, slots=True)
class PageParams:
    pagina: int
    pagina_grootte: int | None

    def paging(self, geojson: bool = False) -> Paging:
        size = self.pagina_grootte
        if geojson:
            return Paging(self.pagina, size or MAX_GEOJSON_PAGE_SIZE)
        if size is not None and size > MAX_PAGE_SIZE:
            raise bad_request(
                f"paginaGrootte is maximaal {MAX_PAGE_SIZE} voor JSON (gegeven: {size})",
                f"paginaGrootte is at most {MAX_PAGE_SIZE} for JSON (given: {size})",
                "paginaGrootte",
            )
        return Paging(self.pagina, size or DEFAULT_PAGE_SIZE)


def page_params(
    pagina: int = Query(1, ge=1, description="Paginanummer, vanaf 1."),
    pagina_grootte: int | None = Query(
        None,
        alias="paginaGrootte",
        ge=1,
        le=MAX_GEOJSON_PAGE_SIZE,
        description=f"Aantal resultaten per pagina: standaard {DEFAULT_PAGE_SIZE}, maximaal {MAX_PAGE_SIZE} "
        f"voor JSON; voor GeoJSON standaard en maximaal {MAX_GEOJSON_PAGE_SIZE}.",
    ),
) -> PageParams:
    return PageParams(pagina, pagina_grootte)


@dataclass(frozen=True, slots=True)
class GeoParams:
    geojson: bool
    crs: str


def _accepts_geojson(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip().lower() == GEOJSON for part in accept.split(","))


def _accept_crs(value: str | None) -> str | None:
    """The first supported CRS in an ``Accept-Crs`` header; 406 problem when none is supported."""
    if not value or not value.strip():
        return None
    for part in value.split(","):
        candidate = part.split(";")[0].strip()
        try:
            return geo.parse_crs(candidate)
        except geo.CrsError:
            continue
    raise ApiProblem(
        406,
        f"geen van de gevraagde CRS'en wordt ondersteund ({value}); kies {geo.CRS84} of {geo.RD_NEW}",
        f"none of the requested CRSs is supported ({value}); choose {geo.CRS84} or {geo.RD_NEW}",
    )


def parse_crs_param(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return geo.parse_crs(value)
    except geo.CrsError as exc:
        raise bad_request(exc.nl, exc.en, name) from None


def crs_params(
    crs: str | None = Query(
        None,
        description=f"CRS van de geometrieën in het antwoord: {geo.CRS84} (standaard, lengtegraad/breedtegraad) "
        f"of {geo.RD_NEW} (RD New). Gaat voor de header `Accept-Crs`.",
    ),
    accept_crs: str | None = Header(
        None, alias="Accept-Crs", description="Gewenst CRS van de geometrieën (alternatief voor `crs`)."
    ),
) -> str:
    return parse_crs_param(crs, "crs") or _accept_crs(accept_crs) or geo.CRS84


def geo_params(
    request: Request,
    formaat: Formaat | None = Query(
        None,
        description="`geojson` geeft een GeoJSON FeatureCollection (application/geo+json), net als de header "
        "`Accept: application/geo+json`; `json` (standaard) een gepagineerde JSON-lijst.",
    ),
    crs: str = Depends(crs_params),
) -> GeoParams:
    geojson = _accepts_geojson(request) if formaat is None else formaat is Formaat.GEOJSON
    return GeoParams(geojson, crs)


def bbox_params(
    bbox: str | None = Query(
        None,
        description="Alleen objecten die dit rechthoekige gebied raken: `minx,miny,maxx,maxy` in het CRS van "
        "`bbox-crs` (bij CRS84: lengtegraad,breedtegraad).",
        examples=["4.60,51.75,4.85,51.85"],
    ),
    bbox_crs: str | None = Query(
        None, alias="bbox-crs", description=f"CRS van `bbox`: {geo.CRS84} (standaard) of {geo.RD_NEW}."
    ),
) -> tuple[float, float, float, float] | None:
    """The requested bbox converted to RD New, or ``None``."""
    try:
        box = geo.parse_bbox(bbox)
    except geo.CrsError as exc:
        raise bad_request(exc.nl, exc.en, "bbox") from None
    crs = parse_crs_param(bbox_crs, "bbox-crs") or geo.CRS84
    if box is None:
        return None
    return geo.bbox_to_rd(box, crs)


def simplify_param(
    vereenvoudig: float | None = Query(
        None,
        ge=0,
        le=MAX_SIMPLIFY_M,
        description="Vereenvoudig de geometrieën met deze tolerantie in meters (Douglas-Peucker, topologie per "
        "geometrie behouden); alleen voor GeoJSON.",
    ),
) -> float | None:
    return vereenvoudig


def page_links(request: Request, page: Page) -> dict:
    def href(n: int) -> dict[str, str]:
        return {"href": str(request.url.include_query_params(pagina=n, paginaGrootte=page.pagina_grootte))}

    return {
        "self": href(page.pagina),
        "next": href(page.pagina + 1) if page.has_next else None,
        "prev": href(page.pagina - 1) if page.has_prev else None,
    }


def list_body(request: Request, page: Page, resultaten: list) -> dict:
    return {
        "resultaten": resultaten,
        "totaal": page.totaal,
        "pagina": page.pagina,
        "paginaGrootte": page.pagina_grootte,
        "_links": page_links(request, page),
    }


def geojson_response(request: Request, rows: FeatureRows, crs: str, *, simplify_m: float | None = None) -> Response:
    """A FeatureCollection response (application/geo+json) with ``Content-Crs`` and OGC-style paging links."""
    page = rows.page
    geometries = geo.geometries_to_geojson(rows.geometries, crs, simplify_m=simplify_m)

    def link(n: int, rel: str) -> dict[str, str]:
        params = {"formaat": Formaat.GEOJSON.value, "pagina": n, "paginaGrootte": page.pagina_grootte}
        href = str(request.url.include_query_params(**params))
        return {"href": href, "rel": rel, "type": GEOJSON}

    links = [link(page.pagina, "self")]
    if page.has_next:
        links.append(link(page.pagina + 1, "next"))
    if page.has_prev:
        links.append(link(page.pagina - 1, "prev"))
    body = geo.feature_collection_json(
        rows.ids,
        geometries,
        rows.properties,
        extra={"numberMatched": page.totaal, "numberReturned": len(rows.ids), "links": links},
    )
    return Response(
        body.encode("utf-8"),
        media_type=GEOJSON,
        headers={"Content-Crs": crs, "Vary": "Accept, Accept-Crs"},
    )


#: OpenAPI responses every state-changing operation declares (session + CSRF, see :func:`require_write_session`).
WRITE_RESPONSES = {
    401: {"description": "Niet ingelogd."},
    403: {"description": "Geen toestemming, of geen geldig CSRF-token."},
}


def require_login(user: object | None) -> object:
    """401 (problem+json) without a session."""
    if user is None:
        raise ApiProblem(401, "niet ingelogd", "not logged in")
    return user


def require_write_session(request: Request, user: object | None) -> object:
    """401 without a session, 403 without the session's CSRF token in ``X-CSRF-Token``."""
    from warmteregio.web import auth

    require_login(user)
    if not auth.check_csrf(request, request.headers.get("x-csrf-token")):
        raise ApiProblem(403, "ongeldig of ontbrekend CSRF-token", "invalid or missing CSRF token")
    return user


def wants(request: Request, media_type: str) -> bool:
    """Whether the ``Accept`` header names ``media_type`` (parameters such as ``;q=`` ignored)."""
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip().lower() == media_type for part in accept.split(","))


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file download (``Content-Disposition: attachment``); CSV text is sent as UTF-8."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    media = f"{media_type}; charset=utf-8" if media_type == CSV else media_type
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# ------------------------------------------------------------------------- service errors of the network part


def _camel_path(name: str) -> str:
    from pydantic.alias_generators import to_camel

    return ".".join(to_camel(part) for part in str(name).split("."))


def netwerk_problem(exc: Exception) -> Exception:
    """A bilingual problem+json (:class:`ApiProblem`) for a :class:`warmteregio.services.netwerk.NetwerkError`;
    field errors become ``invalidParams`` (``name`` in camelCase, with ``rij`` for import rows)."""
    from warmteregio.web.api.problems import ApiProblem

    params = None
    fouten = getattr(exc, "fouten", None) or []
    if fouten:
        params = []
        for f in fouten:
            name = _camel_path(f.get("veld") or "body")
            if f.get("rij") is not None:
                name = f"rij[{f['rij']}].{name}"
            params.append({"name": name, "code": "invalid", "reason": f"{f.get('nl', '')} / {f.get('en', '')}"})
    return ApiProblem(getattr(exc, "status", 400) or 400, getattr(exc, "nl", str(exc)), getattr(exc, "en", str(exc)),
                      invalid_params=params)  # fmt: skip


def netwerk_call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a network service function; a :class:`NetwerkError` becomes a problem+json."""
    from warmteregio.services.netwerk import NetwerkError

    try:
        return func(*args, **kwargs)
    except NetwerkError as exc:
        raise netwerk_problem(exc) from None


def etag(versie: int) -> str:
    """The ``ETag`` of a resource with an edit counter ``versie``."""
    return f'"{versie}"'


def if_match_versie(value: str | None) -> int | None:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"``, ``3``); None when absent or ``*``."""
    import re

    if value is None or not value.strip() or value.strip() == "*":
        return None
    m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if not m:
        raise bad_request(f'If-Match moet een versie zijn zoals "3" (gegeven: {value!r})',
                          f'If-Match must be a version such as "3" (given: {value!r})', "If-Match")  # fmt: skip
    return int(m.group(1))
