"""Heat sources (warmtebronnen), read-only."""

from __future__ import annotations

import re
from dataclasses import asdict
from enum import StrEnum

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_rescode
from warmteregio.domain.enums import SourceCategory, SourceStatus, TemperatureClass
from warmteregio.services import queries
from warmteregio.web import geo
from warmteregio.web.api import schemas
from warmteregio.web.api.common import (
    GeoParams,
    PageParams,
    bad_request,
    bbox_params,
    check_code,
    crs_params,
    geo_params,
    geojson_response,
    list_body,
    not_found,
    page_params,
)
from warmteregio.web.deps import get_db

router = APIRouter(tags=["Warmtebronnen"])

BRONCODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")

# Dutch names for the published enum schemas (API Design Rule /core/interface-language); same values.
Temperatuurklasse = StrEnum("Temperatuurklasse", {m.name: m.value for m in TemperatureClass})
Broncategorie = StrEnum("Broncategorie", {m.name: m.value for m in SourceCategory})
Bronstatus = StrEnum("Bronstatus", {m.name: m.value for m in SourceStatus})


def _with_location(info: queries.WarmtebronInfo, crs: str) -> dict:
    body = asdict(info)
    body["locatie"] = geo.point_dict(info.x, info.y, crs)
    return body


@router.get(
    "/warmtebronnen",
    operation_id="lijstWarmtebronnen",
    summary="Warmtebronnen",
    description=(
        "Warmtebronnen, te filteren op temperatuurklasse, categorie, status, bbox en regio. Een bron hoort bij een "
        "regio als zij binnen `straal` meter (standaard 15 km) ligt van het gebied van de regio: de vereniging van "
        "de gemeentegrenzen van haar gemeenten (meest recente indelingsjaar); ontbreken die, dan de buurtgrenzen, "
        "en anders de buurtcentroïden. Met `formaat=geojson` of `Accept: application/geo+json` een GeoJSON "
        "FeatureCollection van punten."
    ),
    response_model=schemas.WarmtebronLijst,
    openapi_extra={"x-geojson": "WarmtebronFeatureCollection", "x-content-crs": True},
)
def warmtebronnen(
    request: Request,
    response: Response,
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    straal: float = Query(
        queries.REGION_SOURCE_RADIUS_M,
        ge=0,
        le=100_000,
        description="Afstand in meters tot het gebied van de regio (alleen met `regio`).",
    ),
    temperatuurklasse: Temperatuurklasse | None = Query(None, description="HT, MT, LT of ZLT."),
    categorie: Broncategorie | None = Query(None, description="Soort bron."),
    status: Bronstatus | None = Query(None, description="Status van de bron."),
    bbox: tuple[float, float, float, float] | None = Depends(bbox_params),
    output: GeoParams = Depends(geo_params),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    f = queries.WarmtebronFilter(
        regio=check_code(normalise_rescode, regio, "regio"),
        straal_m=straal,
        temperatuurklasse=temperatuurklasse.value if temperatuurklasse else None,
        categorie=categorie.value if categorie else None,
        status=status.value if status else None,
        bbox_rd=bbox,
    )
    if output.geojson:
        return geojson_response(request, queries.warmtebron_features(db, f, pages.paging(geojson=True)), output.crs)
    page = queries.list_warmtebronnen(db, f, pages.paging())
    response.headers["Content-Crs"] = output.crs
    response.headers["Vary"] = "Accept, Accept-Crs"
    return list_body(request, page, [_with_location(w, output.crs) for w in page.items])


@router.get(
    "/warmtebronnen/{broncode}",
    operation_id="haalWarmtebron",
    summary="Eén warmtebron",
    description="Een warmtebron met ligging (in het CRS van `crs`/`Accept-Crs`) en de buurten binnen bereik.",
    response_model=schemas.Warmtebron,
    openapi_extra={"x-content-crs": True},
)
def warmtebron(
    response: Response,
    broncode: str = Path(description="Code van de bron, bijvoorbeeld HTHP0002."),
    crs: str = Depends(crs_params),
    db: Session = Depends(get_db),
) -> dict:
    if not BRONCODE_RE.match(broncode):
        raise bad_request(
            f"ongeldige broncode {broncode!r} (letters, cijfers, '.', '_' of '-', hoogstens 40 tekens)",
            f"invalid source code {broncode!r} (letters, digits, '.', '_' or '-', at most 40 characters)",
            "broncode",
        )
    info = queries.get_warmtebron(db, broncode)
    if info is None:
        raise not_found("Warmtebron", "Heat source", broncode)
    response.headers["Content-Crs"] = crs
    response.headers["Vary"] = "Accept-Crs"
    return _with_location(info, crs)
