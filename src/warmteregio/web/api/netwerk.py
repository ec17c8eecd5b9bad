"""The regional network in the API (issue 7), part 1: the directory (people and organisations, a person's data export
and erasure on request, the member import), the activity overview of a region and the audit log.

Everything here is for members (a session; 401 without). Personal data (work e-mail and phone) is only served to
members. Changes need the session's ``X-CSRF-Token`` header and the right role: administrators and coordinators
maintain the directory (a coordinator her own region), a person edits, exports and erases her own profile. Edits carry
the ``versie`` that was read (body or ``If-Match``; the ``ETag`` of a read): a stale one gives 409 and nothing is
written. Errors are bilingual problem+json with the bad fields in ``invalidParams``. Thin over
:mod:`warmteregio.services.netwerk_leden`, :mod:`~warmteregio.services.netwerk_activiteit` and
:mod:`~warmteregio.services.netwerk`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_rescode
from warmteregio.network.model import ORGANISATIE_SOORTEN, PERSOON_ROLLEN
from warmteregio.services import netwerk as nw
from warmteregio.services import netwerk_activiteit, netwerk_leden
from warmteregio.services.queries import Page
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    CSV,
    WRITE_RESPONSES,
    XLSX,
    PageParams,
    bad_request,
    check_code,
    download,
    etag,
    if_match_versie,
    list_body,
    netwerk_call,
    page_params,
    require_write_session,
    wants,
)
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
TAG = "Netwerk"
MAX_ID = 2_147_483_647
PERSOONID = Path(ge=1, le=MAX_ID, description="Nummer van de persoon in de ledengids.")
ORGANISATIEID = Path(ge=1, le=MAX_ID, description="Nummer van de organisatie.")
#: A free-text query parameter: no control characters (PostgreSQL text cannot hold NUL; 422 instead of a 500).
TEKST = r"^[^\x00-\x1f\x7f]*$"
READ_RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "Niet ingelogd: alleen voor leden."}}
CONFLICT_409 = {409: {"description": "De versie klopt niet: intussen door iemand anders gewijzigd."}}

Rol = Literal["coordinator", "accounthouder", "contact", "partner", "expert", "lid"]
OrganisatieSoort = Literal["gemeente", "provincie", "netbeheerder", "res", "corporatie", "warmtebedrijf", "waterschap",
                           "rijk", "kennisinstelling", "adviesbureau", "bewonersorganisatie", "overig"]  # fmt: skip
assert set(Rol.__args__) == set(PERSOON_ROLLEN)  # type: ignore[attr-defined]
assert set(OrganisatieSoort.__args__) == set(ORGANISATIE_SOORTEN)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ schemas


class Invoer(Schema):
    model_config = ConfigDict(**Schema.model_config, extra="forbid")  # an unknown field is an error


class PersoonLinks(Schema):
    """Links van een persoon."""

    self_: Link = Field(alias="self", description="Deze persoon.")
    export: Link = Field(description="Alle gegevens over deze persoon (inzage op verzoek).")


class Persoon(Schema):
    """Een persoon in de ledengids: alleen wat het netwerk nodig heeft (zakelijke contactgegevens)."""

    id: int
    naam: str
    functie: str | None = None
    organisatie_id: int | None = None
    organisatie: str | None = Field(default=None, description="Naam van de organisatie.")
    rol: str = Field(description="coordinator, accounthouder, contact, partner, expert of lid.")
    res_code: str | None = Field(default=None, description="RES-regio, bijvoorbeeld ES18; leeg = landelijk.")
    gemeente_code: str | None = None
    email: str | None = Field(default=None, description="Zakelijk e-mailadres.")
    telefoon: str | None = Field(default=None, description="Zakelijk telefoonnummer.")
    expertise: list[str] = Field(default_factory=list, description="Trefwoorden van de expertise.")
    gekoppeld: bool = Field(description="Of het profiel aan een login is gekoppeld.")
    versie: int = Field(description="Telt elke wijziging; nodig voor wijzigen (`versie` of `If-Match`).")
    gewijzigd: datetime | None = None
    links: PersoonLinks = Field(alias="_links")


class PersoonLijst(Lijst):
    """Gepagineerde lijst van personen, op naam."""

    resultaten: list[Persoon]


class PersoonNieuw(Invoer):
    """Een nieuwe persoon. De organisatie is `organisatieId` of een naam in `organisatie` (gevonden of nieuw, van
    soort `organisatieSoort`). Een actieve login met hetzelfde e-mailadres wordt gekoppeld."""

    naam: str = Field(max_length=200)
    functie: str | None = Field(default=None, max_length=200)
    organisatie_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    organisatie: str | None = Field(default=None, max_length=200)
    organisatie_soort: OrganisatieSoort | None = None
    rol: Rol | None = None
    res_code: str | None = Field(default=None, max_length=10)
    gemeente_code: str | None = Field(default=None, max_length=10)
    email: str | None = Field(default=None, max_length=254)
    telefoon: str | None = Field(default=None, max_length=40)
    expertise: list[str] | None = Field(default=None, max_length=30)


class PersoonWijziging(Invoer):
    """Een wijziging van een profiel: alleen de meegegeven velden veranderen (`null` maakt leeg)."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    naam: str | None = Field(default=None, max_length=200)
    functie: str | None = Field(default=None, max_length=200)
    organisatie_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    organisatie: str | None = Field(default=None, max_length=200)
    organisatie_soort: OrganisatieSoort | None = None
    rol: Rol | None = None
    res_code: str | None = Field(default=None, max_length=10)
    gemeente_code: str | None = Field(default=None, max_length=10)
    email: str | None = Field(default=None, max_length=254)
    telefoon: str | None = Field(default=None, max_length=40)
    expertise: list[str] | None = Field(default=None, max_length=30)


class PersoonGewist(Schema):
    """Wat er bij het wissen is gebeurd."""

    profiel: int = Field(description="Gewiste profielen (1).")
    afgemeld: int = Field(description="Afgemelde aanmeldingen voor komende bijeenkomsten.")
    van_wachtlijst: int = Field(description="Anderen die daardoor van een wachtlijst zijn doorgeschoven.")
    gebruiker_geanonimiseerd: bool = Field(description="Of de gekoppelde login is geanonimiseerd en uitgezet.")
    kennisitems_auteur: int = Field(description="Kennisitems waar de naam als auteur is verwijderd.")


class ImportUitkomst(Schema):
    """Uitkomst van een import van leden (alles of niets)."""

    aangemaakt: int
    bijgewerkt: int
    ongewijzigd: int = 0
    droog: bool = Field(description="Alleen gecontroleerd, niets opgeslagen.")


class Organisatie(Schema):
    """Een organisatie in het netwerk."""

    id: int
    naam: str
    soort: str = Field(description="gemeente, provincie, netbeheerder, res, corporatie, warmtebedrijf, ...")
    res_code: str | None = None
    gemeente_code: str | None = None
    website: str | None = None
    versie: int
    gewijzigd: datetime | None = None
    links: dict[str, Link] = Field(alias="_links")


class OrganisatieLijst(Schema):
    """De organisaties, op naam."""

    resultaten: list[Organisatie]


class OrganisatieNieuw(Invoer):
    """Een nieuwe organisatie (de naam is uniek)."""

    naam: str = Field(max_length=200)
    soort: OrganisatieSoort
    res_code: str | None = Field(default=None, max_length=10)
    gemeente_code: str | None = Field(default=None, max_length=10)
    website: str | None = Field(default=None, max_length=300)


class OrganisatieWijziging(Invoer):
    """Een wijziging van een organisatie: alleen de meegegeven velden veranderen."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    naam: str | None = Field(default=None, max_length=200)
    soort: OrganisatieSoort | None = None
    res_code: str | None = Field(default=None, max_length=10)
    gemeente_code: str | None = Field(default=None, max_length=10)
    website: str | None = Field(default=None, max_length=300)


class AuditRegel(Schema):
    """Eén wijziging: wie (gebruikersnummer), wanneer, welke actie op welk object; details zonder persoonsgegevens."""

    id: int
    tijd: datetime
    user_id: int | None = None
    actie: str
    objecttype: str
    object_id: str | None = None
    res_code: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class AuditLijst(Schema):
    """De nieuwste wijzigingen eerst."""

    resultaten: list[AuditRegel]


class BijeenkomstKort(Schema):
    """Een bijeenkomst in een overzicht."""

    id: int
    titel: str
    start: datetime
    eind: datetime
    locatie: str | None = None
    online: bool
    href: str


class KennisKort(Schema):
    """Een kennisitem in een overzicht."""

    id: int
    titel: str
    soort: str
    gepubliceerd_op: datetime | None = None
    href: str


class VraagKort(Schema):
    """Een vraag in een overzicht."""

    id: int
    titel: str
    gemaakt: datetime | None = None
    href: str


class ProgrammaStand(Schema):
    """De stand van het warmteprogramma van een gemeente."""

    gemeente_code: str
    naam: str | None = None
    programma_id: int | None = None
    volgnummer: int | None = None
    status: str | None = Field(default=None, description="Status van de nieuwste versie; leeg = nog geen programma.")
    vastgesteld_op: date | None = None
    actualisatie_uiterlijk: date | None = None
    deadline: date | None = Field(default=None, description="Uiterste datum van de eerste vaststelling.")


class VragenlijstRespons(Schema):
    """De respons op de nieuwste open vragenlijst in de regio."""

    id: int
    titel: str
    jaar: int
    open_tot: date | None = None
    ingevuld: int = Field(description="Gemeenten van de regio die hebben geantwoord.")
    totaal: int = Field(description="Gemeenten in de regio.")
    regio_ingevuld: bool


class Activiteit(Schema):
    """Het activiteitenoverzicht van een regio."""

    res_code: str
    naam: str
    komende_bijeenkomsten: list[BijeenkomstKort]
    nieuwe_kennis: list[KennisKort]
    open_vragen: list[VraagKort]
    programmas: list[ProgrammaStand]
    vragenlijst: VragenlijstRespons | None = None
    wijzigingen: list[AuditRegel] = Field(description="Laatste wijzigingen; alleen voor wie de regio beheert.")


# ------------------------------------------------------------------------------------------------ helpers


def write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def versie_van(body: int | None, header: str | None) -> int | None:
    return body if body is not None else if_match_versie(header)


def aware(value: datetime | None) -> datetime | None:
    return nw.aware(value) if value is not None else None


def paged(request: Request, items: list[Any], pages: PageParams, body: Any) -> dict:
    paging = pages.paging()
    page = Page(items[paging.offset : paging.offset + paging.pagina_grootte], len(items), paging.pagina,
                paging.pagina_grootte)  # fmt: skip
    return list_body(request, page, [body(i) for i in page.items])


def values(verzoek: Schema, skip: tuple[str, ...] = ("versie",)) -> dict[str, Any]:
    data = verzoek.model_dump(exclude_unset=True, by_alias=False)
    return {k: v for k, v in data.items() if k not in skip}


def persoon_body(p: Any, org_namen: dict[int, str]) -> dict[str, Any]:
    base = f"{API_PREFIX}/personen/{p.id}"
    return {
        "id": p.id, "naam": p.naam, "functie": p.functie, "organisatie_id": p.organisatie_id,
        "organisatie": org_namen.get(p.organisatie_id) if p.organisatie_id else None, "rol": p.rol,
        "res_code": p.res_code, "gemeente_code": p.gemeente_code, "email": p.email, "telefoon": p.telefoon,
        "expertise": [str(t) for t in nw.json_list(p.expertise)], "gekoppeld": p.user_id is not None,
        "versie": p.versie, "gewijzigd": aware(p.gewijzigd),
        "_links": {"self": {"href": base}, "export": {"href": f"{base}/export"}},
    }  # fmt: skip


def org_namen(db: Session, user: User | None) -> dict[int, str]:
    return {o.id: o.naam for o in netwerk_leden.list_organisaties(db, user)}


def organisatie_body(o: Any) -> dict[str, Any]:
    return {"id": o.id, "naam": o.naam, "soort": o.soort, "res_code": o.res_code, "gemeente_code": o.gemeente_code,
            "website": o.website, "versie": o.versie, "gewijzigd": aware(o.gewijzigd),
            "_links": {"self": {"href": f"{API_PREFIX}/organisaties/{o.id}"}}}  # fmt: skip


def audit_body(r: Any) -> dict[str, Any]:
    try:
        details = json.loads(r.details or "{}")
    except ValueError:
        details = {}
    return {"id": r.id, "tijd": aware(r.tijd), "user_id": r.user_id, "actie": r.actie, "objecttype": r.objecttype,
            "object_id": r.object_id, "res_code": r.res_code,
            "details": details if isinstance(details, dict) else {}}  # fmt: skip


# ------------------------------------------------------------------------------------------------ people


@router.get(
    "/personen",
    tags=[TAG],
    operation_id="lijstPersonen",
    summary="Ledengids",
    description="De personen in de ledengids, op naam, te filteren op regio, rol, expertise, organisatie en een "
    "zoekterm (in naam, functie, organisatie en expertise; hoofdletters en accenten tellen niet). Alleen voor "
    "leden. Met `formaat=csv` of `formaat=xlsx` (of de header `Accept`) de hele gids of één regio als download in "
    "de kolommen van de import.",
    response_model=PersoonLijst,
    responses={
        **READ_RESPONSES,
        200: {
            "description": "De personen, of een CSV- of XLSX-bestand.",
            "content": {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}},
        },
    },  # fmt: skip
)
def personen(
    request: Request,
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    rol: Rol | None = Query(None, description="Rol in het netwerk."),
    expertise: str | None = Query(None, max_length=60, description="Eén trefwoord van de expertise."),
    q: str | None = Query(None, max_length=200, description="Zoekterm."),
    organisatie: int | None = Query(None, ge=1, le=MAX_ID, description="Nummer van de organisatie."),
    formaat: Literal["json", "csv", "xlsx"] | None = Query(None, description="json (standaard), csv of xlsx."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Any:
    code = check_code(normalise_rescode, regio, "regio")
    if formaat is None:
        formaat = "csv" if wants(request, CSV) else "xlsx" if wants(request, XLSX) else "json"
    if formaat in ("csv", "xlsx"):
        data = netwerk_call(netwerk_leden.export_leden, db, user, regio=code, formaat=formaat)
        db.commit()  # the export is audited
        resp = download(data, CSV if formaat == "csv" else XLSX, f"leden.{formaat}")
        resp.headers["Cache-Control"] = "private, no-store"  # personal data
        return resp
    items = netwerk_call(netwerk_leden.list_personen, db, user, regio=code, rol=rol, expertise=expertise, q=q,
                         organisatie_id=organisatie)  # fmt: skip
    namen = org_namen(db, user)
    return paged(request, items, pages, lambda p: persoon_body(p, namen))


@router.post(
    "/personen",
    tags=[TAG],
    operation_id="maakPersoon",
    summary="Voeg een persoon toe",
    description="Voegt een persoon toe aan de ledengids. Voor beheerders en regiocoördinatoren (een coördinator "
    "alleen in haar eigen regio; zonder regio krijgt de persoon die van haar). Elk fout veld wordt tegelijk gemeld "
    "en er verandert dan niets. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=Persoon,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak_persoon(
    request: Request,
    response: Response,
    verzoek: PersoonNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    p = netwerk_call(netwerk_leden.create_persoon, db, user, values(verzoek))
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/personen/{p.id}"
    response.headers["ETag"] = etag(p.versie)
    return persoon_body(p, org_namen(db, user))


@router.post(
    "/personen/import",
    tags=[TAG],
    operation_id="importeerPersonen",
    summary="Importeer leden",
    description="Leest leden uit een CSV- (puntkomma of komma, UTF-8) of XLSX-bestand (multipart, veld `bestand`) "
    "met de kolommen naam, email, functie, organisatie, organisatie_soort, rol, regio, gemeente, telefoon en "
    "expertise (gescheiden door |). Een persoon met hetzelfde e-mailadres wordt bijgewerkt. Alles of niets: bij een "
    "fout in een regel verandert er niets en noemt het antwoord elke foute regel (`invalidParams` met `rij[n]`). "
    "Met `droog=true` wordt alleen gecontroleerd.",
    response_model=ImportUitkomst,
    responses=WRITE_RESPONSES,
    openapi_extra={
        "x-sessie": True,
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["bestand"],
                        "properties": {
                            "bestand": {"type": "string", "format": "binary", "description": "CSV of XLSX."}
                        },
                    }
                }
            },
        },
    },  # fmt: skip
)
async def importeer_personen(
    request: Request,
    droog: bool = Query(False, description="Alleen controleren, niets opslaan."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    form = await request.form()
    bestand = form.get("bestand")
    if bestand is None or isinstance(bestand, str):
        raise bad_request("kies een bestand (veld `bestand`)", "choose a file (field `bestand`)", "bestand")
    data = await bestand.read()
    uitkomst = netwerk_call(netwerk_leden.import_leden, db, user, data, bestandsnaam=bestand.filename or "leden.csv",
                            droog=droog)  # fmt: skip
    if droog:
        db.rollback()
    else:
        db.commit()
    return {**uitkomst, "droog": droog}


@router.get(
    "/personen/{persoonid}",
    tags=[TAG],
    operation_id="haalPersoon",
    summary="Eén persoon",
    description="Het profiel van een persoon met de zakelijke contactgegevens. Alleen voor leden. De versie staat "
    "ook in de header `ETag` (voor `If-Match`).",
    response_model=Persoon,
    responses=READ_RESPONSES,
)
def persoon(
    response: Response,
    persoonid: int = PERSOONID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    p = netwerk_call(netwerk_leden.get_persoon, db, user, persoonid)
    response.headers["ETag"] = etag(p.versie)
    return persoon_body(p, org_namen(db, user))


@router.patch(
    "/personen/{persoonid}",
    tags=[TAG],
    operation_id="wijzigPersoon",
    summary="Wijzig een profiel",
    description="Wijzigt de meegegeven velden van een profiel, met de gelezen versie (`versie` of `If-Match`). Voor "
    "beheerders, de coördinator van de regio van de persoon en de persoon zelf (die haar rol, regio en gemeente "
    "niet zelf wijzigt). Een verouderde versie geeft 409 en er verandert niets.",
    response_model=Persoon,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig_persoon(
    request: Request,
    response: Response,
    persoonid: int = PERSOONID,
    verzoek: PersoonWijziging = Body(),
    if_match_header: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    p = netwerk_call(netwerk_leden.update_persoon, db, user, persoonid, values(verzoek),
                     versie=versie_van(verzoek.versie, if_match_header))  # fmt: skip
    db.commit()
    response.headers["ETag"] = etag(p.versie)
    return persoon_body(p, org_namen(db, user))


@router.delete(
    "/personen/{persoonid}",
    tags=[TAG],
    operation_id="wisPersoon",
    summary="Wis een persoon",
    description="Wist het profiel op verzoek van de persoon (recht op vergetelheid). Is er een login gekoppeld, dan "
    "worden de aanmeldingen voor komende bijeenkomsten afgemeld (de wachtlijst schuift door) en wordt de login "
    "geanonimiseerd en uitgezet; bijdragen blijven staan zonder naam. Voor beheerders, de coördinator van de regio "
    "en de persoon zelf. Het antwoord telt wat er is gebeurd.",
    response_model=PersoonGewist,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def wis_persoon(
    request: Request,
    persoonid: int = PERSOONID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    uitkomst = netwerk_call(netwerk_leden.wis_persoon, db, user, persoonid)
    db.commit()
    return uitkomst


@router.get(
    "/personen/{persoonid}/export",
    tags=[TAG],
    operation_id="exporteerPersoon",
    summary="Alle gegevens van een persoon",
    description="Alles wat het platform over de persoon bewaart (inzage op verzoek): het profiel, de organisatie, "
    "de gekoppelde login, aanmeldingen met workshops en aanwezigheid, vragen, antwoorden, kennisitems en het aantal "
    "ingevulde vragenlijsten. Voor beheerders, de coördinator van de regio en de persoon zelf; elke export staat in "
    "het auditlog.",
    response_model=dict[str, Any],
    responses=READ_RESPONSES,
)
def exporteer_persoon(
    persoonid: int = PERSOONID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    inhoud = netwerk_call(netwerk_leden.export_persoon, db, user, persoonid)
    db.commit()  # the export is audited
    return Response(json.dumps(inhoud, ensure_ascii=False, default=str).encode("utf-8"), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="persoonsgegevens-{persoonid}.json"',
                             "Cache-Control": "private, no-store"})  # fmt: skip


# ------------------------------------------------------------------------------------------------ organisations


@router.get(
    "/organisaties",
    tags=[TAG],
    operation_id="lijstOrganisaties",
    summary="Organisaties",
    description="De organisaties in het netwerk op naam, te filteren op soort en regio. Alleen voor leden.",
    response_model=OrganisatieLijst,
    responses=READ_RESPONSES,
)
def organisaties(
    soort: OrganisatieSoort | None = Query(None, description="Soort organisatie."),
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regio, "regio")
    items = netwerk_call(netwerk_leden.list_organisaties, db, user, soort=soort, regio=code)
    return {"resultaten": [organisatie_body(o) for o in items]}


@router.post(
    "/organisaties",
    tags=[TAG],
    operation_id="maakOrganisatie",
    summary="Voeg een organisatie toe",
    description="Voegt een organisatie toe (de naam is uniek, hoofdletters tellen niet). Voor beheerders en "
    "regiocoördinatoren. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=Organisatie,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak_organisatie(
    request: Request,
    response: Response,
    verzoek: OrganisatieNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    o = netwerk_call(netwerk_leden.create_organisatie, db, user, values(verzoek))
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/organisaties/{o.id}"
    response.headers["ETag"] = etag(o.versie)
    return organisatie_body(o)


@router.get(
    "/organisaties/{organisatieid}",
    tags=[TAG],
    operation_id="haalOrganisatie",
    summary="Eén organisatie",
    description="Een organisatie met de versie in de header `ETag`. Alleen voor leden.",
    response_model=Organisatie,
    responses=READ_RESPONSES,
)
def organisatie(
    response: Response,
    organisatieid: int = ORGANISATIEID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    o = netwerk_call(netwerk_leden.get_organisatie, db, user, organisatieid)
    response.headers["ETag"] = etag(o.versie)
    return organisatie_body(o)


@router.patch(
    "/organisaties/{organisatieid}",
    tags=[TAG],
    operation_id="wijzigOrganisatie",
    summary="Wijzig een organisatie",
    description="Wijzigt de meegegeven velden van een organisatie, met de gelezen versie (`versie` of `If-Match`). "
    "Voor beheerders en de coördinator van de regio van de organisatie.",
    response_model=Organisatie,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig_organisatie(
    request: Request,
    response: Response,
    organisatieid: int = ORGANISATIEID,
    verzoek: OrganisatieWijziging = Body(),
    if_match_header: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = write(request, user)
    o = netwerk_call(netwerk_leden.update_organisatie, db, user, organisatieid, values(verzoek),
                     versie=versie_van(verzoek.versie, if_match_header))  # fmt: skip
    db.commit()
    response.headers["ETag"] = etag(o.versie)
    return organisatie_body(o)


# ------------------------------------------------------------------------------------------------ activity, audit


def activiteit_body(a: Any) -> dict[str, Any]:
    return {
        "res_code": a.res_code,
        "naam": a.naam,
        "komende_bijeenkomsten": [
            {"id": b.id, "titel": b.titel, "start": aware(b.start), "eind": aware(b.eind), "locatie": b.locatie,
             "online": bool(b.online_url), "href": f"{API_PREFIX}/bijeenkomsten/{b.id}"}
            for b in a.komende_bijeenkomsten
        ],
        "nieuwe_kennis": [
            {"id": k.id, "titel": k.titel, "soort": k.soort, "gepubliceerd_op": aware(k.gepubliceerd_op),
             "href": f"{API_PREFIX}/kennisitems/{k.id}"}
            for k in a.nieuwe_kennis
        ],
        "open_vragen": [
            {"id": v.id, "titel": v.titel, "gemaakt": aware(v.gemaakt), "href": f"{API_PREFIX}/vragen/{v.id}"}
            for v in a.open_vragen
        ],
        "programmas": a.programmas,
        "vragenlijst": a.vragenlijst,
        "wijzigingen": [audit_body(r) for r in a.wijzigingen],
    }  # fmt: skip


@router.get(
    "/regios/{regiocode}/activiteit",
    tags=[TAG],
    operation_id="haalRegioActiviteit",
    summary="Activiteit in een regio",
    description="Het activiteitenoverzicht van een regio voor leden: komende bijeenkomsten (van de regio en "
    "landelijk), kennis van de laatste 90 dagen, open vragen, de stand van het warmteprogramma per gemeente, de "
    "respons op de open vragenlijst en, voor wie de regio beheert, de laatste wijzigingen. Alles wat u mag zien.",
    response_model=Activiteit,
    responses=READ_RESPONSES,
)
def regio_activiteit(
    regiocode: str = Path(description="RES-regiocode, bijvoorbeeld ES18."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regiocode, "regiocode") or ""
    return activiteit_body(netwerk_call(netwerk_activiteit.overzicht, db, user, code))


@router.get(
    "/audit",
    tags=[TAG],
    operation_id="lijstAuditregels",
    summary="Auditlog",
    description="De wijzigingen in het netwerk, nieuwste eerst: wie (gebruikersnummer), wanneer, welke actie op welk "
    "object, met details zonder persoonsgegevens. Beheerders zien alles (of één regio), een regiocoördinator alleen "
    "haar eigen regio; anderen krijgen 403.",
    response_model=AuditLijst,
    responses={**READ_RESPONSES, 403: {"description": "Alleen voor beheerders en regiocoördinatoren."}},
)
def audit(
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    objecttype: str | None = Query(
        None, max_length=40, pattern=TEKST, description="Soort object, bijvoorbeeld bijeenkomst."
    ),
    limit: int = Query(200, ge=1, le=1000, description="Maximaal aantal regels."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_rescode, regio, "regio")
    regels = netwerk_call(nw.audit_log, db, user, res_code=code, objecttype=objecttype, limit=limit)
    return {"resultaten": [audit_body(r) for r in regels]}
