"""Assessments (beoordelingen): start a run for a region, read its results, exports; the strategy catalogue;
user copies of parameter sets.

Starting a run or copying a parameter set changes state: it needs a logged-in session (cookie), the
``X-CSRF-Token`` header with the session's CSRF token, and permission (a regional coordinator starts runs
for her own region only; an administrator for every region). Reading is public, like the rest of the API.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.accounts.service import Principal, can_edit_region
from warmteregio.domain.codes import normalise_buurtcode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.services import assessment, parametersets, queries
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api import schemas
from warmteregio.web.api.common import (
    CSV,
    GEOJSON,
    WRITE_RESPONSES,
    XLSX,
    PageParams,
    bad_request,
    check_code,
    crs_params,
    download,
    geojson_response,
    list_body,
    not_found,
    page_params,
    require_write_session,
    simplify_param,
    wants,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
ALL = queries.Paging(1, 1_000_000)



class Uitvoerformaat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class Kaartformaat(StrEnum):
    JSON = "json"
    GEOJSON = "geojson"


# ------------------------------------------------------------------------------------------------ helpers


def _links(run_id: int) -> dict:
    base = f"{API_PREFIX}/beoordelingen/{run_id}"
    return {
        "self": {"href": base},
        "resultaten": {"href": f"{base}/resultaten"},
        "laagste_kosten": {"href": f"{base}/laagste-kosten"},
        "csv": {"href": f"{base}/resultaten?formaat=csv"},
        "xlsx": {"href": f"{base}/resultaten?formaat=xlsx"},
    }


def run_body(info: assessment.RunInfo) -> dict:
    body = asdict(info)
    body["links"] = _links(info.id)
    return body


def _get_run(db: Session, beoordelingid: int) -> assessment.RunInfo:
    info = assessment.get_run(db, beoordelingid)
    if info is None:
        raise not_found("Beoordeling", "Assessment", str(beoordelingid))
    return info


BEOORDELINGID = Path(ge=1, le=2_147_483_647, description="Nummer van de beoordeling.")


# ------------------------------------------------------------------------------------------------ runs


@router.post(
    "/beoordelingen",
    tags=["Beoordelingen"],
    operation_id="startBeoordeling",
    summary="Start een beoordeling",
    description="Rekent het afwegingskader door voor alle buurten van een regio (of een selectie daarvan) met een "
    "parameterset en versie, eventueel met vervangen waarden, en bewaart de resultaten met hun herkomst. Vereist "
    "een sessie, de header `X-CSRF-Token` en toestemming voor de regio. Antwoordt 201 met de beoordeling en een "
    "`Location`-header; mislukt de rekenkern, dan heeft de beoordeling status `mislukt` met de foutmelding en "
    "worden geen resultaten bewaard. 503 als de rekenkern in deze installatie ontbreekt.",
    status_code=201,
    response_model=schemas.Beoordeling,
    responses={**WRITE_RESPONSES, 404: {"description": "Regio of parameterset niet gevonden."},
               503: {"description": "Rekenkern niet beschikbaar."}},
    openapi_extra={"x-sessie": True},
)
def start_beoordeling(
    request: Request,
    response: Response,
    verzoek: schemas.BeoordelingStart = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = require_write_session(request, user)
    regio = check_code(normalise_rescode, verzoek.regio, "regio")
    if not can_edit_region(Principal.of(user), regio):
        raise ApiProblem(
            403, f"u mag geen beoordelingen starten voor regio {regio}", f"you may not start assessments for {regio}"
        )
    buurten = [check_code(normalise_buurtcode, b, "buurten") for b in verzoek.buurten] if verzoek.buurten else None
    try:
        run = assessment.start_run(
            db, regio, verzoek.parameterset, verzoek.versie, verzoek.zichtjaar, verzoek.overrides, user,
            buurten=buurten,
        )  # fmt: skip
    except assessment.EngineNietBeschikbaar as exc:
        raise ApiProblem(503, exc.nl, exc.en) from None
    except assessment.AssessmentError as exc:
        raise ApiProblem(404 if exc.not_found else 400, exc.nl, exc.en) from None
    db.commit()
    info = assessment.get_run(db, run.id)
    assert info is not None
    response.headers["Location"] = f"{API_PREFIX}/beoordelingen/{run.id}"
    return run_body(info)


@router.get(
    "/beoordelingen",
    tags=["Beoordelingen"],
    operation_id="lijstBeoordelingen",
    summary="Beoordelingen",
    description="Alle beoordelingen, nieuwste eerst, met de parameterset en versie waarmee is gerekend; te filteren "
    "op regio.",
    response_model=schemas.BeoordelingLijst,
)
def beoordelingen(
    request: Request,
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regio, "regio")
    page = assessment.list_runs(db, regio=code, paging=pages.paging())
    return list_body(request, page, [run_body(r) for r in page.items])


@router.get(
    "/beoordelingen/{beoordelingid}",
    tags=["Beoordelingen"],
    operation_id="haalBeoordeling",
    summary="Eén beoordeling",
    description="Een beoordeling met status en herkomst: parameterset en versie, overrides, catalogus- en "
    "codeversie, databronnen, wie haar startte en wanneer.",
    response_model=schemas.Beoordeling,
)
def beoordeling(beoordelingid: int = BEOORDELINGID, db: Session = Depends(get_db)) -> dict:
    return run_body(_get_run(db, beoordelingid))


@router.get(
    "/beoordelingen/{beoordelingid}/resultaten",
    tags=["Beoordelingen"],
    operation_id="lijstResultaten",
    summary="Resultaten van een beoordeling",
    description="De resultaten per buurt en variant, te filteren op buurt en strategie. Met `formaat=csv` of "
    "`Accept: text/csv` alle resultaten als CSV, met `formaat=xlsx` als Excel-werkmap met een blad 'Resultaten' "
    "en een blad 'Herkomst'; elke regel noemt de parameterset en versie.",
    response_model=schemas.ResultaatLijst,
    responses={
        200: {
            "content": {
                CSV: {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
def resultaten(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    buurt: str | None = Query(None, description="Alleen deze buurtcode."),
    strategie: str | None = Query(None, max_length=60, description="Alleen deze variant (PBL-naam)."),
    formaat: Uitvoerformaat | None = Query(
        None, description="`json` (standaard), `csv` of `xlsx`; csv en xlsx bevatten altijd alle resultaten."
    ),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    info = _get_run(db, beoordelingid)
    if formaat is None:
        formaat = Uitvoerformaat.CSV if wants(request, CSV) else Uitvoerformaat.XLSX if wants(request, XLSX) else None
    if formaat is Uitvoerformaat.CSV:
        return download(assessment.export_csv(db, info), CSV, f"beoordeling-{info.id}.csv")
    if formaat is Uitvoerformaat.XLSX:
        return download(assessment.export_xlsx(db, info), XLSX, f"beoordeling-{info.id}.xlsx")
    code = check_code(normalise_buurtcode, buurt, "buurt")
    page = assessment.results_for_run(db, info.id, buurt=code, strategie=strategie, paging=pages.paging())
    catalogue = assessment.catalogue_for_run(info)
    items = []
    for row in page.items:
        item = {k: v for k, v in asdict(row).items() if k != "waarden"}
        item["familie"] = assessment.variant_family(row.strategie, catalogue)
        item["waarden"] = row.kolommen(info.kolommen)
        items.append(item)
    body = list_body(request, page, items)
    body["parameterset"] = info.parameterset
    body["parameterset_versie"] = info.parameterset_versie
    return body


_LOWEST_FIELDS = ("strategie", "familie", "h16_nat_meerkost", "h17_nat_meerkost_co2", "h18_nat_meerkost_weq")


def _lowest_fields(best: object | None) -> dict[str, object]:
    """The lowest-cost variant's fields of one buurt (snake_case), all None when it has no valid variant."""
    return {name: getattr(best, name) if best is not None else None for name in _LOWEST_FIELDS}


@router.get(
    "/beoordelingen/{beoordelingid}/laagste-kosten",
    tags=["Beoordelingen"],
    operation_id="lijstLaagsteKosten",
    summary="Laagste nationale kosten per buurt",
    description="Per buurt de geldige variant met de laagste nationale meerkosten per WEQ (H18), standaard uit "
    "de varianten van de PBL-viewer. Met `formaat=geojson` of `Accept: application/geo+json` een GeoJSON "
    "FeatureCollection met de buurtgrenzen (zoals `/buurten`), ook voor buurten zonder geldige variant.",
    response_model=schemas.LaagsteKostenLijst,
    openapi_extra={"x-geojson": "LaagsteKostenFeatureCollection"},
)
def laagste_kosten(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    alleen_viewer: bool = Query(
        True, alias="alleenViewer", description="Alleen varianten uit de set van de PBL-viewer (standaard waar)."
    ),
    formaat: Kaartformaat | None = Query(None, description="`json` (standaard) of `geojson`."),
    crs: str = Depends(crs_params),
    vereenvoudig: float | None = Depends(simplify_param),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    info = _get_run(db, beoordelingid)
    geojson = wants(request, GEOJSON) if formaat is None else formaat is Kaartformaat.GEOJSON
    lowest = {r.buurt_code: r for r in assessment.lowest_cost_per_buurt(db, info, alleen_viewer=alleen_viewer)}
    f = queries.BuurtFilter(regio=info.regio_code, jaar=info.buurt_jaar)
    features = queries.buurt_features(db, f, ALL)
    codes_in_run = set(info.buurten) if info.buurten else None
    keep = [i for i, code in enumerate(features.ids) if codes_in_run is None or code in codes_in_run]
    paging = pages.paging(geojson=geojson)
    page_idx = keep[paging.offset : paging.offset + paging.pagina_grootte]
    if geojson:
        props = []
        for i in page_idx:
            p = features.properties[i]
            best = lowest.get(p["code"])
            props.append(
                {
                    "code": p["code"],
                    "naam": p["naam"],
                    "jaar": p["jaar"],
                    "gemeenteCode": p["gemeenteCode"],
                    "weq": p["weq"],
                    "schematisch": p["schematisch"],
                    **{to_camel(k): v for k, v in _lowest_fields(best).items()},
                }
            )
        rows = queries.FeatureRows(
            [features.ids[i] for i in page_idx],
            props,
            features.geometries[page_idx] if page_idx else features.geometries[:0],
            len(keep),
            paging.pagina,
            paging.pagina_grootte,
        )
        return geojson_response(request, rows, crs, simplify_m=vereenvoudig)
    items = []
    for i in page_idx:
        p = features.properties[i]
        best = lowest.get(p["code"])
        items.append(
            {
                "buurt_code": p["code"],
                "buurt_jaar": p["jaar"],
                "buurt_naam": p["naam"],
                **_lowest_fields(best),
            }
        )
    page = queries.Page(items, len(keep), paging.pagina, paging.pagina_grootte)
    return list_body(request, page, items)


@router.get(
    "/beoordelingen/{beoordelingid}/verschillen",
    tags=["Beoordelingen"],
    operation_id="lijstVerschillen",
    summary="Verschillen met een andere beoordeling",
    description="De buurten en varianten waarvan de nationale meerkosten (H16) of de meerkosten per WEQ (H18) "
    "verschillen van die in de beoordeling `vergelijkMet`, met beide waarden. Zo ziet u welke resultaten "
    "veranderen door een vervangen waarde.",
    response_model=schemas.VerschilLijst,
)
def verschillen(
    beoordelingid: int = BEOORDELINGID,
    vergelijk_met: int = Query(alias="vergelijkMet", ge=1, le=2_147_483_647, description="De andere beoordeling."),
    db: Session = Depends(get_db),
) -> dict:
    a = _get_run(db, beoordelingid)
    b = _get_run(db, vergelijk_met)
    diff = parametersets.diff_runs(db, a.id, b.id)
    return {"beoordeling": a.id, "vergelijk_met": b.id, "totaal": len(diff), "resultaten": [asdict(d) for d in diff]}


# ----------------------------------------------------------------------------------------------- catalogue


@router.get(
    "/strategieen",
    tags=["Strategieen"],
    operation_id="lijstStrategieen",
    summary="Strategiecatalogus",
    description="De varianten van de strategiecatalogus van een jaar (PBL Startanalyse 2020 of 2025), met de "
    "referentie, de familie en of de variant in de set van de PBL-viewer zit.",
    response_model=schemas.StrategieLijst,
    responses={503: {"description": "Catalogus niet beschikbaar."}},
)
def strategieen(
    request: Request,
    jaar: int = Query(2020, ge=2020, le=2025, description="Jaar van de catalogus: 2020 of 2025."),
    pages: PageParams = Depends(page_params),
) -> dict:
    try:
        from warmteregio.catalogue import load_catalogue
    except ImportError:
        raise ApiProblem(503, "strategiecatalogus niet beschikbaar", "strategy catalogue not available") from None
    if jaar not in (2020, 2025):
        raise bad_request("kies jaar 2020 of 2025", "choose year 2020 or 2025", "jaar")
    catalogue = load_catalogue(jaar)
    variants = [
        {
            "code": v.code,
            "naam": v.pbl_naam,
            "familie": v.familie,
            "in_viewer": v.in_viewer,
            "label_woningen": v.label_w,
            "label_utiliteit": v.label_u,
            "installatie_woningen": v.installatie_w,
            "installatie_utiliteit": v.installatie_u,
            "gebiedsoptie": v.gebiedsoptie,
            "gasnet": v.gasnet,
            "beschrijving": v.beschrijving_nl,
            "beschrijving_en": v.beschrijving_en,
        }
        for v in catalogue
    ]
    paging = pages.paging()
    page = queries.Page(
        variants[paging.offset : paging.offset + paging.pagina_grootte], len(variants), paging.pagina,
        paging.pagina_grootte,
    )  # fmt: skip
    body = list_body(request, page, page.items)
    body["catalogus"] = catalogue.name
    return body


# ----------------------------------------------------------------------------------------- parameter sets


@router.post(
    "/parametersets/{naam}/versies",
    tags=["Parametersets"],
    operation_id="kopieerParameterset",
    summary="Kopieer een parameterset",
    description="Maakt een nieuwe versie van een parameterset als kopie van een bestaande (uit de database of de "
    "meegeleverde set), met vervangen waarden. Elke vervangen waarde bewaart de oude waarde, wie haar verving en "
    "de reden. Vereist een sessie van een beheerder of regiocoördinator en de header `X-CSRF-Token`.",
    status_code=201,
    response_model=schemas.ParametersetDetail,
    responses={**WRITE_RESPONSES, 404: {"description": "Bronset niet gevonden."}},
    openapi_extra={"x-sessie": True},
)
def kopieer_parameterset(
    request: Request,
    response: Response,
    naam: str = Path(max_length=100, description="Naam van de set."),
    verzoek: schemas.ParametersetKopie = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = require_write_session(request, user)
    if Role(user.rol) not in (Role.ADMIN, Role.COORDINATOR):
        raise ApiProblem(
            403,
            "alleen beheerders en regiocoördinatoren maken parametersets",
            "only administrators and regional coordinators make parameter sets",
        )
    try:
        kopie = parametersets.copy_parameter_set(
            db, naam, verzoek.bron_versie, verzoek.nieuwe_versie, verzoek.overrides, user, verzoek.reden,
            beschrijving=verzoek.beschrijving,
        )  # fmt: skip
    except parametersets.ParametersetError as exc:
        raise ApiProblem(404 if exc.not_found else 400, exc.nl, exc.en) from None
    db.commit()
    detail = queries.get_parameterset(db, kopie.naam, kopie.versie)
    assert detail is not None
    response.headers["Location"] = f"{API_PREFIX}/parametersets/{quote(kopie.naam)}?" + urlencode(
        {"versie": kopie.versie}
    )
    return asdict(detail)
