"""Meetings and workshops of the regional network in the API (issue 7): the meetings a member may see with their
agenda and occupancy, creating and changing them (with the ``versie`` read: body or ``If-Match``), cancelling,
registration with workshop choice (``PUT`` registers or changes the choice, ``DELETE`` cancels; full meetings and
workshops put you on the waiting list), the participants and attendance for managers, e-mail invitations (409 while
no SMTP server is configured) and the calendar file (iCalendar).

For members only (401 without a session); changes need the session's ``X-CSRF-Token`` header. Thin over
:mod:`warmteregio.services.bijeenkomsten`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_rescode
from warmteregio.network import mail as netmail
from warmteregio.services import bijeenkomsten as service
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    WRITE_RESPONSES,
    PageParams,
    check_code,
    netwerk_call,
    page_params,
)
from warmteregio.web.api.netwerk import (
    API_PREFIX,
    CONFLICT_409,
    MAX_ID,
    READ_RESPONSES,
    Invoer,
    aware,
    etag,
    paged,
    values,
    versie_van,
    write,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

TAG = "Bijeenkomsten"
ICAL = "text/calendar"
#: A row id in a request body (INTEGER): a larger number is a 422, never a database error.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
BIJEENKOMSTID = Path(ge=1, le=MAX_ID, description="Nummer van de bijeenkomst.")
Doelgroep = Literal["coordinatoren", "regio", "leden"]
OnderdeelSoort = Literal["plenair", "workshop", "pauze"]


# ------------------------------------------------------------------------------------------------ schemas


class Bezetting(Schema):
    """Bezetting van een bijeenkomst; `vrij` is leeg zonder maximum."""

    aangemeld: int
    wachtlijst: int
    capaciteit: int | None = None
    vrij: int | None = None


class WorkshopBezetting(Schema):
    """Bezetting van een workshop: ingedeeld, op de wachtlijst en vrije plaatsen (leeg zonder maximum)."""

    ingedeeld: int
    wachtlijst: int
    capaciteit: int | None = None
    vrij: int | None = None


class Onderdeel(Schema):
    """Een onderdeel van de agenda: plenair, workshop of pauze. Workshops met dezelfde ronde lopen tegelijk."""

    id: int
    soort: str
    titel: str
    omschrijving: str = ""
    start: datetime
    eind: datetime
    ronde: int | None = None
    zaal: str | None = None
    begeleider: str | None = None
    capaciteit: int | None = None
    kennisitem_id: int | None = None
    casus_id: int | None = None
    bezetting: WorkshopBezetting | None = Field(default=None, description="Alleen bij workshops.")


class Workshopkeuze(Schema):
    """Een gekozen workshop met de status (ingedeeld of wachtlijst)."""

    onderdeel_id: int
    titel: str
    status: str


class Aanmelding(Schema):
    """De aanmelding van een lid: aangemeld, wachtlijst (met plaats) of afgemeld, met de workshops."""

    bijeenkomst_id: int
    status: str
    positie: int | None = Field(default=None, description="Plaats op de wachtlijst (1 = de volgende).")
    aangemeld_op: datetime | None = None
    aanwezig: bool | None = None
    workshops: list[Workshopkeuze]


class BijeenkomstLinks(Schema):
    """Links van een bijeenkomst."""

    self_: Link = Field(alias="self", description="Deze bijeenkomst.")
    aanmelding: Link = Field(description="Mijn aanmelding (PUT aanmelden, DELETE afmelden).")
    ical: Link = Field(description="De bijeenkomst als iCalendar-bestand.")
    deelnemers: Link = Field(description="De deelnemers (voor de organisatie).")


class Bijeenkomst(Schema):
    """Een bijeenkomst van het netwerk met bezetting."""

    id: int
    titel: str
    omschrijving: str = ""
    start: datetime
    eind: datetime
    locatie: str | None = None
    online_url: str | None = None
    doelgroep: str = Field(description="coordinatoren, regio of leden.")
    res_code: str | None = None
    capaciteit: int | None = None
    aanmelden_tot: datetime | None = None
    status: str = Field(description="gepland of geannuleerd.")
    uitnodiging_verzonden: datetime | None = None
    versie: int
    gewijzigd: datetime | None = None
    bezetting: Bezetting
    links: BijeenkomstLinks = Field(alias="_links")


class BijeenkomstLijst(Lijst):
    """Gepagineerde lijst van bijeenkomsten, op begintijd."""

    resultaten: list[Bijeenkomst]


class BijeenkomstDetail(Bijeenkomst):
    """Een bijeenkomst met agenda, mijn aanmelding en wat ik mag."""

    onderdelen: list[Onderdeel]
    mijn_aanmelding: Aanmelding | None = None
    kan_aanmelden: bool
    kan_beheren: bool


class OnderdeelInvoer(Invoer):
    """Een onderdeel van de agenda. Tijden zonder tijdzone zijn Nederlandse tijd."""

    id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Bestaand onderdeel (houdt de keuzes van deelnemers)."
    )
    soort: OnderdeelSoort = "plenair"
    titel: str = Field(max_length=200)
    omschrijving: str | None = Field(default=None, max_length=20000)
    start: datetime
    eind: datetime
    ronde: int | None = Field(default=None, ge=1, le=50, description="Ronde van parallelle workshops.")
    zaal: str | None = Field(default=None, max_length=100)
    begeleider: str | None = Field(default=None, max_length=200)
    capaciteit: int | None = Field(default=None, ge=1, description="Plaatsen in de workshop; leeg = geen maximum.")
    kennisitem_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    casus_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class BijeenkomstNieuw(Invoer):
    """Een nieuwe bijeenkomst met agenda. Een locatie of online-link is nodig; een regio bij doelgroep regio."""

    titel: str = Field(max_length=200)
    omschrijving: str | None = Field(default=None, max_length=20000)
    start: datetime = Field(description="Begin; zonder tijdzone Nederlandse tijd.")
    eind: datetime
    locatie: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    doelgroep: Doelgroep
    res_code: str | None = Field(default=None, max_length=10)
    capaciteit: int | None = Field(default=None, ge=1, description="Plaatsen; leeg = geen maximum.")
    aanmelden_tot: datetime | None = None
    onderdelen: list[OnderdeelInvoer] = Field(default_factory=list, max_length=100)


class BijeenkomstWijziging(Invoer):
    """Een wijziging: alleen de meegegeven velden veranderen; `onderdelen` vervangt de hele agenda."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    titel: str | None = Field(default=None, max_length=200)
    omschrijving: str | None = Field(default=None, max_length=20000)
    start: datetime | None = None
    eind: datetime | None = None
    locatie: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    doelgroep: Doelgroep | None = None
    res_code: str | None = Field(default=None, max_length=10)
    capaciteit: int | None = Field(default=None, ge=1)
    aanmelden_tot: datetime | None = None
    onderdelen: list[OnderdeelInvoer] | None = Field(default=None, max_length=100)


class AanmeldingVerzoek(Invoer):
    """Aanmelden of de workshopkeuze wijzigen: hoogstens één workshop per ronde."""

    workshops: list[Id] = Field(default_factory=list, max_length=50, description="Nummers van gekozen workshops.")


class Deelnemer(Schema):
    """Een deelnemer (voor de organisatie): aangemeld of op de wachtlijst (met plaats)."""

    user_id: int
    naam: str
    email: str
    organisatie: str | None = None
    status: str
    positie: int | None = None
    workshops: list[Workshopkeuze]
    aanwezig: bool | None = None


class DeelnemerLijst(Schema):
    """Eerst de aangemelde deelnemers, dan de wachtlijst in volgorde."""

    resultaten: list[Deelnemer]


class Aanwezigheid(Schema):
    """Aanwezigheid van één deelnemer."""

    user_id: int = Field(ge=1, le=MAX_ID)
    aanwezig: bool


class AanwezigheidVerzoek(Invoer):
    """De aanwezigheid van deelnemers (vanaf het begin van de bijeenkomst)."""

    aanwezigheid: list[Aanwezigheid] = Field(max_length=10000)


class Aantal(Schema):
    """Een aantal."""

    aantal: int


# ------------------------------------------------------------------------------------------------ helpers


def mailer(request: Request) -> netmail.Mailer | None:
    return netmail.mailer_uit_instellingen(request.app.state.settings)


def bezetting_body(bez: Any) -> dict[str, Any]:
    return {"aangemeld": bez.aangemeld, "wachtlijst": bez.wachtlijst, "capaciteit": bez.capaciteit, "vrij": bez.vrij}


def bijeenkomst_body(db: Session, b: Any) -> dict[str, Any]:
    base = f"{API_PREFIX}/bijeenkomsten/{b.id}"
    fields = ("id", "titel", "omschrijving", "locatie", "online_url", "doelgroep", "res_code", "capaciteit", "status",
              "versie")  # fmt: skip
    body = {f: getattr(b, f) for f in fields}
    body.update(
        start=aware(b.start), eind=aware(b.eind), aanmelden_tot=aware(b.aanmelden_tot), gewijzigd=aware(b.gewijzigd),
        uitnodiging_verzonden=aware(b.uitnodiging_verzonden), omschrijving=b.omschrijving or "",
        bezetting=bezetting_body(service.bezetting(db, b)),
        _links={"self": {"href": base}, "aanmelding": {"href": f"{base}/aanmelding"}, "ical": {"href": f"{base}/ical"},
                "deelnemers": {"href": f"{base}/deelnemers"}},
    )  # fmt: skip
    return body


def aanmelding_body(db: Session, b: Any, a: Any) -> dict[str, Any]:
    titels = {o.id: o.titel for o in b.onderdelen}
    return {
        "bijeenkomst_id": b.id, "status": a.status, "positie": service.wachtlijst_positie(db, a),
        "aangemeld_op": aware(a.aangemeld_op), "aanwezig": a.aanwezig,
        "workshops": [{"onderdeel_id": k.onderdeel_id, "titel": titels.get(k.onderdeel_id, "?"), "status": k.status}
                      for k in sorted(a.keuzes, key=lambda k: k.onderdeel_id)],
    }  # fmt: skip


def detail_body(db: Session, user: User | None, b: Any) -> dict[str, Any]:
    body = bijeenkomst_body(db, b)
    bez = service.bezetting(db, b)
    onderdelen = []
    for o in b.onderdelen:
        row = {k: getattr(o, k) for k in ("id", "soort", "titel", "ronde", "zaal", "begeleider", "capaciteit",
                                          "kennisitem_id", "casus_id")}  # fmt: skip
        row.update(omschrijving=o.omschrijving or "", start=aware(o.start), eind=aware(o.eind))
        wb = bez.workshops.get(o.id)
        row["bezetting"] = ({"ingedeeld": wb.ingedeeld, "wachtlijst": wb.wachtlijst, "capaciteit": wb.capaciteit,
                             "vrij": wb.vrij} if wb is not None else None)  # fmt: skip
        onderdelen.append(row)
    mijn = service.mijn_aanmelding(db, user, b.id)
    body.update(
        onderdelen=onderdelen,
        mijn_aanmelding=aanmelding_body(db, b, mijn) if mijn is not None else None,
        kan_aanmelden=service.can_register(db, user, b),
        kan_beheren=service.can_manage(db, user, b),
    )
    return body


def _detail(db: Session, user: User | None, response: Response, bijeenkomst_id: int) -> dict[str, Any]:
    b = netwerk_call(service.get_bijeenkomst, db, user, bijeenkomst_id)
    response.headers["ETag"] = etag(b.versie)
    return detail_body(db, user, b)


def _data(verzoek: Invoer) -> dict[str, Any]:
    return values(verzoek)


# ------------------------------------------------------------------------------------------------ meetings


@router.get(
    "/bijeenkomsten",
    tags=[TAG],
    operation_id="lijstBijeenkomsten",
    summary="Bijeenkomsten",
    description="De bijeenkomsten die u mag zien (naar doelgroep: alle leden, de coördinatoren of de leden van één "
    "regio), op begintijd, met de bezetting. Te filteren op regio en op komend (`komend=true`) of afgelopen "
    "(`komend=false`).",
    response_model=BijeenkomstLijst,
    responses=READ_RESPONSES,
)
def lijst(
    request: Request,
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    komend: bool | None = Query(None, description="Alleen komende (true) of afgelopen (false) bijeenkomsten."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regio, "regio")
    items = netwerk_call(service.list_bijeenkomsten, db, user, regio=code, komend=komend)
    return paged(request, items, pages, lambda b: bijeenkomst_body(db, b))


@router.post(
    "/bijeenkomsten",
    tags=[TAG],
    operation_id="maakBijeenkomst",
    summary="Organiseer een bijeenkomst",
    description="Maakt een bijeenkomst met agenda: plenaire onderdelen, pauzes en workshops; workshops met dezelfde "
    "ronde lopen tegelijk en moeten elkaar in de tijd overlappen. Voor beheerders (elke doelgroep) en "
    "regiocoördinatoren (een regiobijeenkomst alleen voor de eigen regio). U wordt de organisator. Elk fout veld "
    "wordt tegelijk gemeld. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=BijeenkomstDetail,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak(
    request: Request,
    response: Response,
    verzoek: BijeenkomstNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    b = netwerk_call(service.create_bijeenkomst, db, user, _data(verzoek))
    bid = b.id
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/bijeenkomsten/{bid}"
    return _detail(db, user, response, bid)


@router.get(
    "/bijeenkomsten/{bijeenkomstid}",
    tags=[TAG],
    operation_id="haalBijeenkomst",
    summary="Eén bijeenkomst",
    description="Een bijeenkomst met de agenda, de bezetting van elke workshop, uw aanmelding (met plaats op de "
    "wachtlijst) en of u zich kunt aanmelden en de bijeenkomst mag beheren. De versie staat in de header `ETag`.",
    response_model=BijeenkomstDetail,
    responses={**READ_RESPONSES, 403: {"description": "De bijeenkomst is niet voor uw doelgroep."}},
)
def bijeenkomst(
    response: Response,
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    return _detail(db, user, response, bijeenkomstid)


@router.patch(
    "/bijeenkomsten/{bijeenkomstid}",
    tags=[TAG],
    operation_id="wijzigBijeenkomst",
    summary="Wijzig een bijeenkomst",
    description="Wijzigt de meegegeven velden; `onderdelen` vervangt de hele agenda (onderdelen met hetzelfde `id` "
    "of dezelfde titel houden de keuzes van deelnemers). Met de gelezen versie (`versie` of `If-Match`); een "
    "verouderde versie geeft 409. Meer plaatsen laten de wachtlijst doorschuiven. Voor de organisator, de "
    "coördinator van de regio en beheerders.",
    response_model=BijeenkomstDetail,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig(
    request: Request,
    response: Response,
    bijeenkomstid: int = BIJEENKOMSTID,
    verzoek: BijeenkomstWijziging = Body(),
    if_match_header: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    netwerk_call(service.update_bijeenkomst, db, user, bijeenkomstid, _data(verzoek),
                 versie=versie_van(verzoek.versie, if_match_header), mailer=mailer(request))  # fmt: skip
    db.commit()
    return _detail(db, user, response, bijeenkomstid)


@router.post(
    "/bijeenkomsten/{bijeenkomstid}/annuleren",
    tags=[TAG],
    operation_id="annuleerBijeenkomst",
    summary="Annuleer een bijeenkomst",
    description="Annuleert de bijeenkomst; wie is aangemeld of op de wachtlijst staat krijgt een e-mail met een "
    "annulering voor de agenda (als e-mail aan staat). Een geannuleerde bijeenkomst geeft 409.",
    response_model=BijeenkomstDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "Al geannuleerd."}},
    openapi_extra={"x-sessie": True},
)
def annuleer(
    request: Request,
    response: Response,
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    netwerk_call(service.annuleer_bijeenkomst, db, user, bijeenkomstid, mailer=mailer(request))
    db.commit()
    return _detail(db, user, response, bijeenkomstid)


# ------------------------------------------------------------------------------------------------ registration


@router.get(
    "/bijeenkomsten/{bijeenkomstid}/aanmelding",
    tags=[TAG],
    operation_id="haalAanmelding",
    summary="Mijn aanmelding",
    description="Uw aanmelding voor de bijeenkomst met de status, de plaats op de wachtlijst en de workshops; 404 "
    "als u zich niet hebt aangemeld.",
    response_model=Aanmelding,
    responses=READ_RESPONSES,
)
def mijn_aanmelding(
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    b = netwerk_call(service.get_bijeenkomst, db, user, bijeenkomstid)
    a = netwerk_call(service.mijn_aanmelding, db, user, bijeenkomstid)
    if a is None:
        raise ApiProblem(404, f"u bent niet aangemeld voor bijeenkomst {bijeenkomstid}",
                         f"you are not registered for meeting {bijeenkomstid}")  # fmt: skip
    return aanmelding_body(db, b, a)


@router.put(
    "/bijeenkomsten/{bijeenkomstid}/aanmelding",
    tags=[TAG],
    operation_id="meldAan",
    summary="Meld u aan of wijzig uw workshops",
    description="Meldt u aan met de gekozen workshops (hoogstens één per ronde), of wijzigt de keuze. Is de "
    "bijeenkomst vol, dan komt u op de wachtlijst; is een workshop vol, dan komt u op de wachtlijst van die "
    "workshop. Een keuze houden houdt uw plaats. Kan tot het begin en tot de aanmeldtermijn (anders 409).",
    response_model=Aanmelding,
    responses={
        **WRITE_RESPONSES,
        409: {"description": "Aanmelden is gesloten (begonnen, termijn voorbij, geannuleerd)."},
    },
    openapi_extra={"x-sessie": True},
)
def meld_aan(
    request: Request,
    bijeenkomstid: int = BIJEENKOMSTID,
    verzoek: AanmeldingVerzoek = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    netwerk_call(service.aanmelden, db, user, bijeenkomstid, verzoek.workshops, mailer=mailer(request))
    db.commit()
    b = netwerk_call(service.get_bijeenkomst, db, user, bijeenkomstid)
    return aanmelding_body(db, b, service.mijn_aanmelding(db, user, bijeenkomstid))


@router.delete(
    "/bijeenkomsten/{bijeenkomstid}/aanmelding",
    tags=[TAG],
    operation_id="meldAf",
    summary="Meld u af",
    description="Meldt u af (tot het begin van de bijeenkomst). De eerste op de wachtlijst schuift door en krijgt "
    "bericht. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses={**WRITE_RESPONSES, 409: {"description": "De bijeenkomst is al begonnen."}},
    openapi_extra={"x-sessie": True},
)
def meld_af(
    request: Request,
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = write(request, user)
    netwerk_call(service.afmelden, db, user, bijeenkomstid, mailer=mailer(request))
    db.commit()
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------------ organiser


@router.get(
    "/bijeenkomsten/{bijeenkomstid}/deelnemers",
    tags=[TAG],
    operation_id="lijstDeelnemers",
    summary="Deelnemers",
    description="De aangemelde deelnemers met hun workshops en aanwezigheid, dan de wachtlijst in volgorde. Voor de "
    "organisator, de coördinator van de regio en beheerders.",
    response_model=DeelnemerLijst,
    responses={**READ_RESPONSES, 403: {"description": "Alleen voor wie de bijeenkomst beheert."}},
)
def deelnemers(
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    rijen = netwerk_call(service.deelnemers, db, user, bijeenkomstid)
    return {"resultaten": [
        {"user_id": r.user_id, "naam": r.naam, "email": r.email, "organisatie": r.organisatie, "status": r.status,
         "positie": r.positie, "aanwezig": r.aanwezig,
         "workshops": [{"onderdeel_id": oid, "titel": titel, "status": st} for oid, titel, st in r.workshops]}
        for r in rijen
    ]}  # fmt: skip


@router.post(
    "/bijeenkomsten/{bijeenkomstid}/aanwezigheid",
    tags=[TAG],
    operation_id="registreerAanwezigheid",
    summary="Leg de aanwezigheid vast",
    description="Legt per deelnemer vast of die aanwezig was, vanaf het begin van de bijeenkomst (eerder: 409). Een "
    "gebruiker die niet is aangemeld weigert de hele lijst.",
    response_model=Aantal,
    responses={**WRITE_RESPONSES, 409: {"description": "De bijeenkomst is nog niet begonnen of geannuleerd."}},
    openapi_extra={"x-sessie": True},
)
def aanwezigheid(
    request: Request,
    bijeenkomstid: int = BIJEENKOMSTID,
    verzoek: AanwezigheidVerzoek = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    n = netwerk_call(service.registreer_aanwezigheid, db, user, bijeenkomstid,
                     {a.user_id: a.aanwezig for a in verzoek.aanwezigheid})  # fmt: skip
    db.commit()
    return {"aantal": n}


@router.post(
    "/bijeenkomsten/{bijeenkomstid}/uitnodigingen",
    tags=[TAG],
    operation_id="verstuurUitnodigingen",
    summary="Verstuur uitnodigingen",
    description="Stuurt iedereen in de doelgroep die zich nog niet heeft aangemeld een e-mail met de gegevens en "
    "een agenda-bijlage (iCalendar). Het antwoord noemt het aantal verzonden e-mails. Zonder ingestelde "
    "SMTP-server, of voor een begonnen of geannuleerde bijeenkomst: 409.",
    response_model=Aantal,
    responses={
        **WRITE_RESPONSES,
        409: {"description": "E-mail staat uit, of de bijeenkomst is begonnen."},
        502: {"description": "De mailserver weigerde."},
    },  # fmt: skip
    openapi_extra={"x-sessie": True},
)
def uitnodigingen(
    request: Request,
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    m = mailer(request)
    if m is None:
        raise ApiProblem(409, "e-mail staat uit: er is geen SMTP-server ingesteld (WARMTEREGIO_SMTP_HOST)",
                         "e-mail is off: no SMTP server is configured (WARMTEREGIO_SMTP_HOST)")  # fmt: skip
    n = netwerk_call(service.verstuur_uitnodigingen, db, user, bijeenkomstid, mailer=m)
    db.commit()
    return {"aantal": n}


@router.get(
    "/bijeenkomsten/{bijeenkomstid}/ical",
    tags=[TAG],
    operation_id="haalBijeenkomstIcal",
    summary="De bijeenkomst in de agenda",
    description="De bijeenkomst als iCalendar-bestand (RFC 5545), met de workshops waarin u bent ingedeeld.",
    response_class=Response,
    responses={**READ_RESPONSES, 200: {"description": "iCalendar.", "content": {ICAL: {"schema": {"type": "string"}}}}},
)
def ical(
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    inhoud = netwerk_call(service.ical_bijeenkomst, db, user, bijeenkomstid)
    return Response(inhoud.encode("utf-8"), media_type=f"{ICAL}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="bijeenkomst-{bijeenkomstid}.ics"',
        "Cache-Control": "private, no-store"})  # fmt: skip
