"""Areas: provinces, RES regions, gemeenten and buurten (read-only, open data)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import (
    normalise_buurtcode,
    normalise_gemeentecode,
    normalise_provinciecode,
    normalise_rescode,
)
from warmteregio.services import queries
from warmteregio.web import geo
from warmteregio.web.api import schemas
from warmteregio.web.api.common import (
    GeoParams,
    PageParams,
    bbox_params,
    check_code,
    crs_params,
    geo_params,
    geojson_response,
    list_body,
    not_found,
    page_params,
    simplify_param,
)
from warmteregio.web.deps import get_db

router = APIRouter(tags=["Gebieden"])

JAAR_FILTER = Query(None, ge=1900, le=2100, description="Indelingsjaar; standaard het meest recente jaar.")


def _regio_query(regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18.")) -> str | None:
    return check_code(normalise_rescode, regio, "regio")


def _gemeente_query(
    gemeente: str | None = Query(None, description="CBS-gemeentecode, bijvoorbeeld GM0505."),
) -> str | None:
    return check_code(normalise_gemeentecode, gemeente, "gemeente")


def _provincie_query(
    provincie: str | None = Query(None, description="Provinciecode, bijvoorbeeld PV28."),
) -> str | None:
    return check_code(normalise_provinciecode, provincie, "provincie")


@router.get(
    "/provincies",
    operation_id="lijstProvincies",
    summary="Provincies",
    description="Alle provincies van Nederland, gesorteerd op code.",
    response_model=schemas.ProvincieLijst,
)
def provincies(request: Request, pages: PageParams = Depends(page_params), db: Session = Depends(get_db)) -> dict:
    page = queries.list_provincies(db, pages.paging())
    return list_body(request, page, [asdict(p) for p in page.items])


@router.get(
    "/regios",
    operation_id="lijstRegios",
    summary="RES-regio's",
    description="De RES-regio's met het aantal gemeenten in het meest recente indelingsjaar.",
    response_model=schemas.RegioLijst,
)
def regios(
    request: Request,
    provincie: str | None = Depends(_provincie_query),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    page = queries.list_regios(db, provincie=provincie, paging=pages.paging())
    return list_body(request, page, [asdict(r) for r in page.items])


@router.get(
    "/regios/{regiocode}",
    operation_id="haalRegio",
    summary="Eén RES-regio",
    description="Een RES-regio met haar gemeenten (meest recente indelingsjaar) en het aantal buurten.",
    response_model=schemas.RegioDetail,
)
def regio(
    regiocode: str = Path(description="RES-regiocode, bijvoorbeeld ES18."), db: Session = Depends(get_db)
) -> dict:
    code = check_code(normalise_rescode, regiocode, "regiocode")
    detail = queries.get_regio(db, code)
    if detail is None:
        raise not_found("RES-regio", "RES region", code)
    return asdict(detail)


# -------------------------------------------------------------------------------------------------- gemeenten


@router.get(
    "/gemeenten",
    operation_id="lijstGemeenten",
    summary="Gemeenten",
    description="Gemeenten van één indelingsjaar (standaard het meest recente), te filteren op regio, provincie, "
    "naam en bbox. Met `formaat=geojson` of `Accept: application/geo+json` een GeoJSON FeatureCollection met "
    "de gemeentegrenzen.",
    response_model=schemas.GemeenteLijst,
    openapi_extra={"x-geojson": "GemeenteFeatureCollection"},
)
def gemeenten(
    request: Request,
    regio: str | None = Depends(_regio_query),
    provincie: str | None = Depends(_provincie_query),
    naam: str | None = Query(None, max_length=100, description="Deel van de naam (hoofdletterongevoelig)."),
    jaar: int | None = JAAR_FILTER,
    bbox: tuple[float, float, float, float] | None = Depends(bbox_params),
    output: GeoParams = Depends(geo_params),
    vereenvoudig: float | None = Depends(simplify_param),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    f = queries.GemeenteFilter(regio=regio, provincie=provincie, naam=naam, jaar=jaar, bbox_rd=bbox)
    if output.geojson:
        rows = queries.gemeente_features(db, f, pages.paging(geojson=True))
        return geojson_response(request, rows, output.crs, simplify_m=vereenvoudig)
    page = queries.list_gemeenten(db, f, pages.paging())
    return list_body(request, page, [asdict(g) for g in page.items])


@router.get(
    "/gemeenten/{gemeentecode}",
    operation_id="haalGemeente",
    summary="Eén gemeente",
    description="Een gemeente met regio, provincie en aantallen wijken en buurten; standaard het meest recente "
    "indelingsjaar, met `jaar` een eerder jaar.",
    response_model=schemas.GemeenteDetail,
)
def gemeente(
    gemeentecode: str = Path(description="CBS-gemeentecode, bijvoorbeeld GM0505."),
    jaar: int | None = JAAR_FILTER,
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_gemeentecode, gemeentecode, "gemeentecode")
    detail = queries.get_gemeente(db, code, jaar)
    if detail is None:
        suffix_nl, suffix_en = (f" in {jaar}", f" in {jaar}") if jaar else ("", "")
        raise not_found("Gemeente", "Municipality", code, suffix_nl, suffix_en)
    body = asdict(detail)
    body.pop("geometry_wkb")
    return body


# ---------------------------------------------------------------------------------------------------- buurten


@router.get(
    "/buurten",
    operation_id="lijstBuurten",
    summary="Buurten",
    description="Buurten van één buurtjaar (standaard het meest recente van de gefilterde buurten), te filteren op "
    "regio, gemeente, jaar en bbox. Met `formaat=geojson` of `Accept: application/geo+json` een GeoJSON "
    "FeatureCollection met per buurt code, naam, gemeenteCode, weq, vraagTotaalGj, "
    "warmtevraagdichtheidGjPerHa, schematisch en geometriebron; dan staan standaard alle buurten (tot 5000) "
    "in één antwoord.",
    response_model=schemas.BuurtLijst,
    openapi_extra={"x-geojson": "BuurtFeatureCollection"},
)
def buurten(
    request: Request,
    regio: str | None = Depends(_regio_query),
    gemeente: str | None = Depends(_gemeente_query),
    jaar: int | None = JAAR_FILTER,
    bbox: tuple[float, float, float, float] | None = Depends(bbox_params),
    output: GeoParams = Depends(geo_params),
    vereenvoudig: float | None = Depends(simplify_param),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    f = queries.BuurtFilter(regio=regio, gemeente=gemeente, jaar=jaar, bbox_rd=bbox)
    if output.geojson:
        rows = queries.buurt_features(db, f, pages.paging(geojson=True))
        return geojson_response(request, rows, output.crs, simplify_m=vereenvoudig)
    page = queries.list_buurten(db, f, pages.paging())
    return list_body(request, page, [asdict(b) for b in page.items])


@router.get(
    "/buurten/{buurtcode}",
    operation_id="haalBuurt",
    summary="Eén buurt",
    description="Een buurt met warmtevraag naar functie, woningequivalenten, oppervlakten, energielabels, "
    "gebouwgroepen, het aandeel op een bestaand warmtenet en de geometrie (in het CRS van `crs`/`Accept-Crs`).",
    response_model=schemas.BuurtDetail,
    openapi_extra={"x-content-crs": True},
)
def buurt(
    response: Response,
    buurtcode: str = Path(description="CBS-buurtcode, bijvoorbeeld BU05050101."),
    jaar: int | None = JAAR_FILTER,
    crs: str = Depends(crs_params),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    detail = queries.get_buurt(db, code, jaar)
    if detail is None:
        suffix_nl, suffix_en = (f" in {jaar}", f" in {jaar}") if jaar else ("", "")
        raise not_found("Buurt", "Neighbourhood", code, suffix_nl, suffix_en)
    body = asdict(detail)
    body.pop("geometry_wkb")
    geometrie = geo.geometry_dict(detail.geometry_wkb, crs)
    if geometrie is None:
        geometrie = geo.point_dict(detail.centroid_x, detail.centroid_y, crs)
    body["geometrie"] = geometrie
    response.headers["Content-Crs"] = crs
    response.headers["Vary"] = "Accept-Crs"
    return body
