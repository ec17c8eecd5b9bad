"""Workshop cases (casussen): define a case, manage participants, give weights and arguments, read the
group's results and export the decision log (HTML or tagged PDF).

Every operation needs a logged-in session (cookie): a case is visible to its participants, its creator, the
region's coordinator and administrators only (others get 404). Changes also need the ``X-CSRF-Token`` header
with the session's CSRF token. Thin over :mod:`warmteregio.services.casus`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.services import casus as service
from warmteregio.services.queries import Page
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    WRITE_RESPONSES,
    PageParams,
    list_body,
    page_params,
    require_login,
    require_write_session,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db
from warmteregio.web.i18n import request_language

router = APIRouter()

API_PREFIX = "/api/v1"
PDF = "application/pdf"
HTML = "text/html"

_READ_RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "Niet ingelogd."}}
CASUSID = Path(ge=1, le=2_147_483_647, description="Nummer van de casus.")
USERID = Path(ge=1, le=2_147_483_647, description="Nummer van de gebruiker.")


# ------------------------------------------------------------------------------------------------ schemas


class CasusLinks(Schema):
    """Links van een casus."""

    self_: Link = Field(alias="self")
    deelnemers: Link
    inbreng: Link
    resultaat: Link
    besluitenlog_html: Link
    besluitenlog_pdf: Link


class CasusDeelnemer(Schema):
    """Een deelnemer (of begeleider) van een casus."""

    user_id: int = Field(description="Nummer van de gebruiker.")
    naam: str
    email: str
    rol: Literal["deelnemer", "begeleider"]
    toegevoegd: datetime
    heeft_inbreng: bool = Field(description="Of deze deelnemer al gewichten heeft ingebracht.")


class Casus(Schema):
    """Een workshopcasus: buurten, varianten en criteria van één beoordeling, met deelnemers en status."""

    id: int
    titel: str
    beschrijving: str
    regio_code: str | None
    regio_naam: str | None
    beoordeling: int | None = Field(description="Nummer van de beoordeling waarop de casus rust.")
    buurten: list[str]
    varianten: list[str]
    criteria: list[str]
    methode: str
    status: Literal["open", "gesloten"]
    aangemaakt: datetime
    aangemaakt_door: str | None
    gesloten: datetime | None
    besluit: str | None = Field(description="Conclusie van de groep (na sluiten).")
    deelnemers: list[CasusDeelnemer]
    links: CasusLinks = Field(alias="_links")


class CasusLijst(Lijst):
    """Gepagineerde lijst van de casussen die u mag zien, nieuwste eerst."""

    resultaten: list[Casus]


class CasusNieuw(Schema):
    """Een nieuwe casus. Zonder beoordeling: de laatste afgeronde beoordeling van de regio; zonder buurten,
    varianten of criteria: alle buurten, de varianten van de PBL-viewer en alle criteria."""

    titel: str = Field(min_length=1, max_length=service.MAX_TITEL)
    beschrijving: str = Field(default="", max_length=service.MAX_BESCHRIJVING)
    regio: str = Field(max_length=10, examples=["ES18"])
    beoordeling: int | None = Field(default=None, ge=1, le=2_147_483_647)
    buurten: list[str] | None = Field(default=None, max_length=5000)
    varianten: list[str] | None = Field(default=None, max_length=100)
    criteria: list[str] | None = Field(default=None, max_length=100)
    methode: Literal["gewogen_som", "topsis", "promethee_ii"] = "gewogen_som"


class CasusWijziging(Schema):
    """Sluit een casus met de conclusie van de groep."""

    status: Literal["gesloten"]
    besluit: str = Field(min_length=1, max_length=service.MAX_BESLUIT)


class CasusDeelnemerNieuw(Schema):
    """Voeg een bestaande gebruiker toe (of wijzig de rol)."""

    email: str = Field(max_length=254)
    rol: Literal["deelnemer", "begeleider"] = "deelnemer"


class CasusInbrengNieuw(Schema):
    """Gewichten per criterium van de casus (0 tot en met 100, minstens één groter dan 0; ze worden
    genormaliseerd) en argumenten per criterium of `algemeen`."""

    gewichten: dict[str, float]
    argumenten: dict[str, str] = Field(default_factory=dict)


class CasusInbreng(Schema):
    """Eén inbreng (versie) van een deelnemer."""

    id: int
    user_id: int
    naam: str
    versie: int
    gewichten: dict[str, float]
    argumenten: dict[str, str]
    ingediend: datetime


class CasusInbrengLijst(Schema):
    """De inbreng van een casus, oudste eerst."""

    resultaten: list[CasusInbreng]
    totaal: int


class CasusDeelnemerRangorde(Schema):
    """De rangorde van één deelnemer met zijn of haar laatste gewichten."""

    user_id: int
    naam: str
    gewichten: dict[str, float] = Field(description="Genormaliseerde gewichten (som 1).")
    winnaars: dict[str, str | None] = Field(description="Per buurtcode de variant op plaats 1.")
    rangorde: dict[str, list[str]] = Field(description="Per buurtcode de varianten van best naar slechtst.")


class CasusPersoon(Schema):
    """Een deelnemer (kort)."""

    user_id: int
    naam: str


class CasusWinnaar(Schema):
    """De variant op plaats 1 van een deelnemer in een buurt."""

    user_id: int
    naam: str
    variant: str | None


class CasusAfwijking(Schema):
    """Een andere winnaar dan de meest gekozen, met wie hem kozen."""

    variant: str | None
    deelnemers: list[CasusPersoon]


class CasusBuurtResultaat(Schema):
    """Per buurt de winnaars, de overeenstemming en de robuuste keuze van de groep."""

    buurt_code: str
    buurt_naam: str | None
    winnaars: list[CasusWinnaar]
    meest_gekozen: str | None
    overeenstemming: float | None = Field(description="Aandeel deelnemers met de meest gekozen winnaar.")
    afwijkend: list[CasusAfwijking]
    groepskeuze: str | None = Field(description="Variant met de hoogste eerste-plaatsacceptatie (SMAA).")
    acceptatie: float | None
    acceptaties: dict[str, float]
    robuust: bool
    omstreden: bool
    gelijkspel: list[str] = Field(description="Praktisch gelijkwaardige varianten als de keuze omstreden is.")


class CasusGelijkenis(Schema):
    """CasusGelijkenis van twee deelnemers."""

    a: int
    a_naam: str
    b: int
    b_naam: str
    zelfde_winnaar: float | None = Field(description="Aandeel buurten met dezelfde winnaar.")
    cosinus: float = Field(description="Cosinus van de gewichtsvectoren.")
    kendall_tau: float | None = Field(description="Kendalls tau-b van de volgorde van de gewichten.")


class CasusSpreiding(Schema):
    """CasusSpreiding van de genormaliseerde gewichten van één criterium over de deelnemers."""

    criterium: str
    naam: str
    minimum: float
    maximum: float
    gemiddelde: float
    standaardafwijking: float


class CasusResultaat(Schema):
    """De uitkomst van een casus met de laatste gewichten van elke deelnemer (zie docs/method/casus.md)."""

    casus_id: int | None = None
    deelnemers: list[CasusDeelnemerRangorde]
    buurten: list[CasusBuurtResultaat]
    overeenstemming: float | None = Field(description="Gemiddelde overeenstemming over de buurten.")
    eensgezind_aandeel: float | None = Field(description="Aandeel buurten waarin iedereen dezelfde winnaar heeft.")
    gelijkenis: list[CasusGelijkenis]
    spreiding: list[CasusSpreiding] = Field(description="Criteria, grootste spreiding eerst.")
    n_samples: int
    seed: int
    drempel: float = Field(description="Minimale acceptatie voor een robuuste keuze.")
    methode: str
    varianten: list[str]
    criteria: list[str]
    laatste_inbreng_id: int | None = None
    berekend: str | None = None


# ------------------------------------------------------------------------------------------------ helpers


def _user(user: User | None) -> User:
    return require_login(user)  # type: ignore[return-value]


def _write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def _problem(exc: service.CasusError) -> ApiProblem:
    return ApiProblem(exc.status, exc.nl, exc.en)


def casus_body(info: service.CasusInfo) -> dict:
    base = f"{API_PREFIX}/casussen/{info.id}"
    body = asdict(info)
    body["beoordeling"] = body.pop("run_id")
    body["links"] = {
        "self": {"href": base},
        "deelnemers": {"href": f"{base}/deelnemers"},
        "inbreng": {"href": f"{base}/inbreng"},
        "resultaat": {"href": f"{base}/resultaat"},
        "besluitenlog_html": {"href": f"{base}/besluitenlog?formaat=html"},
        "besluitenlog_pdf": {"href": f"{base}/besluitenlog?formaat=pdf"},
    }
    return body


# ------------------------------------------------------------------------------------------------ cases


@router.get(
    "/casussen",
    tags=["Casussen"],
    operation_id="lijstCasussen",
    summary="Mijn casussen",
    description="De workshopcasussen die u mag zien (als deelnemer, begeleider, coördinator van de regio of "
    "beheerder), nieuwste eerst. Vereist een sessie.",
    response_model=CasusLijst,
    responses=_READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def lijst(
    request: Request,
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _user(user)
    items = service.list_casussen(db, user)
    paging = pages.paging()
    chunk = items[paging.offset : paging.offset + paging.pagina_grootte]
    page = Page(chunk, len(items), paging.pagina, paging.pagina_grootte)
    return list_body(request, page, [casus_body(i) for i in chunk])


@router.post(
    "/casussen",
    tags=["Casussen"],
    operation_id="maakCasus",
    summary="Maak een casus",
    description="Maakt een workshopcasus voor een regio: de laatste afgeronde beoordeling (of de gekozen), alle "
    "buurten (of een selectie), de varianten van de PBL-viewer en alle criteria (of een selectie) en de methode. "
    "Alleen de regiocoördinator van de regio of een beheerder; de maker wordt begeleider. Antwoordt 201 met een "
    "`Location`-header.",
    status_code=201,
    response_model=Casus,
    responses={
        **WRITE_RESPONSES,
        404: {"description": "Regio of beoordeling niet gevonden."},
        409: {"description": "De regio heeft nog geen afgeronde beoordeling."},
    },
    openapi_extra={"x-sessie": True},
)
def maak(
    request: Request,
    response: Response,
    verzoek: CasusNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    try:
        info = service.create_casus(
            db, user, titel=verzoek.titel, beschrijving=verzoek.beschrijving, regio=verzoek.regio,
            run_id=verzoek.beoordeling, buurten=verzoek.buurten, varianten=verzoek.varianten,
            criteria=verzoek.criteria, methode=verzoek.methode,
        )  # fmt: skip
    except service.CasusError as exc:
        raise _problem(exc) from None
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/casussen/{info.id}"
    return casus_body(info)


@router.get(
    "/casussen/{casusid}",
    tags=["Casussen"],
    operation_id="haalCasus",
    summary="Eén casus",
    description="De definitie van een casus met de deelnemers en de status.",
    response_model=Casus,
    responses=_READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def haal(casusid: int = CASUSID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)) -> dict:
    try:
        return casus_body(service.get_casus(db, _user(user), casusid))
    except service.CasusError as exc:
        raise _problem(exc) from None


@router.patch(
    "/casussen/{casusid}",
    tags=["Casussen"],
    operation_id="sluitCasus",
    summary="Sluit een casus",
    description="Sluit de casus met de conclusie van de groep (`status: gesloten` en `besluit`). Daarna is geen "
    "inbreng meer mogelijk (409) en ligt de inhoud van het besluitenlog vast. Alleen voor wie de casus beheert.",
    response_model=Casus,
    responses={**WRITE_RESPONSES, 409: {"description": "De casus is al gesloten."}},
    openapi_extra={"x-sessie": True},
)
def sluit(
    request: Request,
    casusid: int = CASUSID,
    verzoek: CasusWijziging = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    try:
        info = service.close_casus(db, user, casusid, verzoek.besluit)
    except service.CasusError as exc:
        raise _problem(exc) from None
    db.commit()
    return casus_body(info)


# ------------------------------------------------------------------------------------------------ participants


@router.post(
    "/casussen/{casusid}/deelnemers",
    tags=["Casussen"],
    operation_id="voegDeelnemerToe",
    summary="Voeg een deelnemer toe",
    description="Voegt een bestaande gebruiker (op e-mailadres) toe als deelnemer of begeleider, of wijzigt de "
    "rol van een deelnemer. Alleen voor wie de casus beheert en zolang de casus open is.",
    status_code=201,
    response_model=CasusDeelnemer,
    responses={**WRITE_RESPONSES, 409: {"description": "De casus is gesloten."}},
    openapi_extra={"x-sessie": True},
)
def voeg_toe(
    request: Request,
    casusid: int = CASUSID,
    verzoek: CasusDeelnemerNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    try:
        d = service.add_deelnemer(db, user, casusid, verzoek.email, verzoek.rol)
    except service.CasusError as exc:
        raise _problem(exc) from None
    db.commit()
    return asdict(d)


@router.delete(
    "/casussen/{casusid}/deelnemers/{userid}",
    tags=["Casussen"],
    operation_id="verwijderDeelnemer",
    summary="Verwijder een deelnemer",
    description="Haalt een deelnemer van de casus af; de eerdere inbreng blijft in de geschiedenis maar telt niet "
    "meer mee in de uitkomst. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses={**WRITE_RESPONSES, 409: {"description": "De casus is gesloten."}},
    openapi_extra={"x-sessie": True},
)
def verwijder(
    request: Request,
    casusid: int = CASUSID,
    userid: int = USERID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    try:
        service.remove_deelnemer(db, user, casusid, userid)
    except service.CasusError as exc:
        raise _problem(exc) from None
    db.commit()
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------------ inbreng


@router.get(
    "/casussen/{casusid}/inbreng",
    tags=["Casussen"],
    operation_id="lijstInbreng",
    summary="CasusInbreng van een casus",
    description="Alle inbreng (gewichten en argumenten, elke versie) van de casus, oudste eerst; met "
    "`alleenLaatste=true` alleen de laatste versie van elke deelnemer.",
    response_model=CasusInbrengLijst,
    responses=_READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def lijst_inbreng(
    casusid: int = CASUSID,
    alleen_laatste: bool = Query(False, alias="alleenLaatste", description="Alleen de laatste versie per deelnemer."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    try:
        items = service.inbreng(db, _user(user), casusid, alleen_laatste=alleen_laatste)
    except service.CasusError as exc:
        raise _problem(exc) from None
    return {"resultaten": [asdict(i) for i in items], "totaal": len(items)}


@router.post(
    "/casussen/{casusid}/inbreng",
    tags=["Casussen"],
    operation_id="geefInbreng",
    summary="Geef gewichten en argumenten",
    description="Bewaart een nieuwe versie van uw gewichten (één per criterium van de casus, 0 tot en met 100, "
    "minstens één groter dan 0) en argumenten (per criterium of `algemeen`, elk maximaal 4000 tekens). Alleen "
    "deelnemers van een open casus; een gesloten casus geeft 409.",
    status_code=201,
    response_model=CasusInbreng,
    responses={**WRITE_RESPONSES, 409: {"description": "De casus is gesloten."}},
    openapi_extra={"x-sessie": True},
)
def geef_inbreng(
    request: Request,
    response: Response,
    casusid: int = CASUSID,
    verzoek: CasusInbrengNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    try:
        item = service.submit(db, user, casusid, verzoek.gewichten, verzoek.argumenten)
    except service.CasusError as exc:
        raise _problem(exc) from None
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/casussen/{casusid}/inbreng"
    return asdict(item)


# ------------------------------------------------------------------------------------------------ results


@router.get(
    "/casussen/{casusid}/resultaat",
    tags=["Casussen"],
    operation_id="haalCasusResultaat",
    summary="Uitkomst van een casus",
    description="Per deelnemer de rangorde per buurt, per buurt de overeenstemming en de afwijkende winnaars, de "
    "gelijkenis van deelnemers, de spreiding van de gewichten per criterium en de robuuste keuze van de groep "
    "(SMAA over mengsels van de gewichten van de deelnemers). Na sluiten ligt de uitkomst vast.",
    response_model=CasusResultaat,
    responses=_READ_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def resultaat(
    casusid: int = CASUSID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    try:
        return service.resultaat(db, _user(user), casusid)
    except service.CasusError as exc:
        raise _problem(exc) from None


@router.get(
    "/casussen/{casusid}/besluitenlog",
    tags=["Casussen"],
    operation_id="haalBesluitenlog",
    summary="Besluitenlog",
    description="Het besluitenlog van de casus als HTML-document (standaard) of als getagde PDF (PDF/UA-1) met "
    "`formaat=pdf`: definitie, deelnemers, gewichten en argumenten, de volledige geschiedenis, de uitkomst per "
    "buurt en de conclusie. In het Nederlands, of in het Engels als de taal van de website Engels is.",
    responses={
        **_READ_RESPONSES,
        200: {
            "content": {HTML: {"schema": {"type": "string"}}, PDF: {"schema": {"type": "string", "format": "binary"}}}
        },  # fmt: skip
    },
    response_class=Response,
    openapi_extra={"x-sessie": True},
)
def besluitenlog(
    request: Request,
    casusid: int = CASUSID,
    formaat: Literal["html", "pdf"] = Query("html", description="`html` (standaard) of `pdf`."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    from warmteregio.web.pages.casus import besluitenlog_document, besluitenlog_pdf

    try:
        log = service.besluitenlog(db, _user(user), casusid)
    except service.CasusError as exc:
        raise _problem(exc) from None
    lang = request_language(request)
    if formaat == "pdf":
        disposition = f'attachment; filename="besluitenlog-casus-{casusid}.pdf"'
        return Response(besluitenlog_pdf(log, lang), media_type=PDF, headers={"Content-Disposition": disposition})
    return Response(besluitenlog_document(log, lang), media_type=f"{HTML}; charset=utf-8")
