"""The information-needs inventory of the regional network (issue 7): questionnaires built by the national
programme, answered by gemeenten and regions, aggregated per theme and region and compared over the years.

Everything needs a session of a member. Building, changing, opening, closing and copying a questionnaire is for
administrators (the national programme); a gemeente user answers for her own gemeente (respondent ``GMxxxx``), a
coordinator for her own region (``ESxx``), an administrator for anyone. The results (aggregates) are for members;
open answers and one respondent's answers only for administrators and the coordinator of that respondent's region.
Changes need the ``X-CSRF-Token`` header. Thin over :mod:`warmteregio.services.informatiebehoefte`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_rescode
from warmteregio.network.model import VRAAG_SOORTEN, VRAGENLIJST_STATUSES
from warmteregio.services import informatiebehoefte as service
from warmteregio.services.netwerk import json_list
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    CSV,
    WRITE_RESPONSES,
    XLSX,
    check_code,
    download,
    etag,
    if_match_versie,
    netwerk_call,
    require_login,
    require_write_session,
    wants,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
TAG = "Informatiebehoefte"
MAX_ID = 2_147_483_647
VRAGENLIJSTID = Path(ge=1, le=MAX_ID, description="Nummer van de vragenlijst.")
RESPONDENT = Path(min_length=4, max_length=6, pattern=r"^[A-Za-z]{2}\d{2,4}$",
                  description="Gemeentecode (GM0505) of regiocode (ES18) van de respondent.")  # fmt: skip
MEMBER_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Niet ingelogd: alleen voor leden."},
    403: {"description": "Geen toestemming."},
}
CONFLICT_409 = {409: {"description": "De versie klopt niet, of de status laat dit niet toe."}}

VraagSoort = Literal["schaal", "keuze", "meerkeuze", "open"]
Status = Literal["concept", "open", "gesloten"]
assert set(VraagSoort.__args__) == set(VRAAG_SOORTEN)  # type: ignore[attr-defined]
assert set(Status.__args__) == set(VRAGENLIJST_STATUSES)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ schemas


class _Invoer(Schema):
    model_config = ConfigDict(**Schema.model_config, extra="forbid")


class VragenlijstVraag(Schema):
    """Een vraag: schaal 1-5 (behoefte), één keuze, meerdere keuzes of open. De code blijft over de jaren gelijk."""

    code: str = Field(max_length=50)
    thema: str = Field(max_length=100, description="Een thema (code uit de lijst, of vrije tekst).")
    tekst: str = Field(max_length=2000)
    soort: VraagSoort
    opties: list[str] = Field(default_factory=list, max_length=20, description="Bij keuze en meerkeuze: minstens 2.")
    verplicht: bool = False


class VragenlijstLinks(Schema):
    """Links van een vragenlijst."""

    self_: Link = Field(alias="self")
    resultaten: Link = Field(description="De resultaten (ook als CSV of XLSX).")
    pagina: Link = Field(description="De webpagina met het antwoordformulier.")


class Vragenlijst(Schema):
    """Een vragenlijst van de inventarisatie van de informatiebehoefte."""

    id: int
    reeks: str = Field(description="De reeks; elk jaar een vragenlijst met dezelfde vraagcodes.")
    jaar: int
    titel: str
    toelichting: str = ""
    status: Status
    open_tot: date | None = Field(default=None, description="Laatste dag waarop antwoorden worden aangenomen.")
    versie: int
    aantal_vragen: int
    links: VragenlijstLinks = Field(alias="_links")


class VragenlijstDetail(Vragenlijst):
    """Een vragenlijst met de vragen in volgorde."""

    vragen: list[VragenlijstVraag]


class VragenlijstLijst(Schema):
    """De vragenlijsten die u mag zien, nieuwste jaar eerst."""

    resultaten: list[Vragenlijst]


class VragenlijstNieuw(_Invoer):
    """Een nieuwe vragenlijst (status concept)."""

    reeks: str | None = Field(default=None, max_length=50, description="Standaard `informatiebehoefte`.")
    jaar: int = Field(ge=2020, le=2100)
    titel: str = Field(min_length=1, max_length=200)
    toelichting: str | None = Field(default=None, max_length=20_000)
    open_tot: date | None = None
    vragen: list[VragenlijstVraag] = Field(min_length=1, max_length=100)


class VragenlijstWijziging(_Invoer):
    """Een wijziging: titel, toelichting en einddatum altijd; reeks, jaar en vragen alleen in concept."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    reeks: str | None = Field(default=None, max_length=50)
    jaar: int | None = Field(default=None, ge=2020, le=2100)
    titel: str | None = Field(default=None, min_length=1, max_length=200)
    toelichting: str | None = Field(default=None, max_length=20_000)
    open_tot: date | None = None
    vragen: list[VragenlijstVraag] | None = Field(default=None, min_length=1, max_length=100)


class VragenlijstStatus(_Invoer):
    """Een statusovergang: concept naar open, open naar gesloten, gesloten weer naar open."""

    status: Literal["open", "gesloten"]
    versie: int | None = Field(default=None, ge=1)


class VragenlijstKopie(_Invoer):
    """Kopieer de vragenlijst naar een nieuw jaar (zelfde reeks en vraagcodes)."""

    jaar: int = Field(ge=2020, le=2100)


class Inzending(Schema):
    """De antwoorden van één respondent, per vraagcode."""

    vragenlijst_id: int
    respondent: str
    res_code: str | None = Field(default=None, description="De regio waarvoor de antwoorden tellen.")
    ingediend_op: datetime | None = None
    gewijzigd: datetime | None = None
    antwoorden: dict[str, Any] = Field(description="Per vraagcode: een getal (schaal), tekst of een lijst opties.")


class InzendingInvoer(_Invoer):
    """De antwoorden per vraagcode; een eerdere inzending wordt helemaal vervangen."""

    antwoorden: dict[str, Any] = Field(description="Schaal: 1-5; keuze: een optie; meerkeuze: een lijst opties; "
                                       "open: tekst.")  # fmt: skip


class Respons(Schema):
    """De respons in een regio: gemeenten die antwoordden van het aantal gemeenten."""

    res_code: str
    naam: str
    gemeenten: int
    ingevuld: int
    aandeel: float | None = Field(description="Aandeel van de gemeenten dat antwoordde (0-1).")
    regio_ingevuld: bool = Field(description="Of de regio zelf ook antwoordde.")


class OpenAntwoord(Schema):
    """Een open antwoord (alleen voor wie het mag lezen)."""

    respondent: str
    res_code: str | None
    tekst: str


class VraagResultaat(Schema):
    """De antwoorden op één vraag: aantal, gemiddelde (schaal), verdeling en hetzelfde per regio."""

    code: str
    thema: str
    tekst: str
    soort: VraagSoort
    opties: list[str]
    n: int = Field(description="Aantal antwoorden.")
    gemiddelde: float | None = Field(description="Gemiddelde behoefte (schaal 1-5).")
    verdeling: dict[str, int] = Field(description="Per optie (of schaalwaarde) het aantal.")
    per_regio: dict[str, Any] = Field(description="Per regio het gemiddelde (schaal), de verdeling of het aantal.")
    per_regio_n: dict[str, int]
    open_antwoorden: list[OpenAntwoord]
    open_verborgen: int = Field(description="Open antwoorden die u niet mag lezen (alleen geteld).")


class ThemaRegio(Schema):
    """De gemiddelde behoefte van een thema in een regio."""

    thema: str
    regio: str
    gemiddelde: float


class ThemaGemiddelde(Schema):
    """De gemiddelde behoefte van een thema, hoogste eerst."""

    thema: str
    gemiddelde: float | None


class VragenlijstResultaten(Schema):
    """De geaggregeerde antwoorden van een vragenlijst, per vraag, per thema en regio, met de respons."""

    vragenlijst_id: int
    reeks: str
    jaar: int
    titel: str
    regio: str | None
    aantal_inzendingen: int
    respons: list[Respons]
    regios: list[str]
    themas: list[ThemaGemiddelde]
    thema_regio: list[ThemaRegio]
    vragen: list[VraagResultaat]


class JaarWaarde(Schema):
    """Het gemiddelde in één jaar."""

    jaar: int
    gemiddelde: float | None
    n: int


class VergelijkingRij(Schema):
    """Een schaalvraag (of thema) over de jaren."""

    code: str
    thema: str
    tekst: str
    jaren: list[JaarWaarde]
    verschil: float | None = Field(description="Verandering van het voorlaatste naar het laatste jaar.")


class VragenlijstVergelijking(Schema):
    """De schaalvragen en thema's van een reeks over de jaren."""

    reeks: str
    regio: str | None
    jaren: list[int]
    vragen: list[VergelijkingRij]
    themas: list[VergelijkingRij]


# ------------------------------------------------------------------------------------------------ helpers


def _write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def vraag_body(v: Any) -> dict[str, Any]:
    return {"code": v.code, "thema": v.thema, "tekst": v.tekst, "soort": v.soort,
            "opties": [str(o) for o in json_list(v.opties)], "verplicht": bool(v.verplicht)}  # fmt: skip


def lijst_body(vl: Any, *, vragen: bool = False) -> dict[str, Any]:
    base = f"{API_PREFIX}/vragenlijsten/{vl.id}"
    body = {
        "id": vl.id, "reeks": vl.reeks, "jaar": vl.jaar, "titel": vl.titel, "toelichting": vl.toelichting or "",
        "status": vl.status, "open_tot": vl.open_tot, "versie": vl.versie, "aantal_vragen": len(vl.vragen),
        "_links": {"self": {"href": base}, "resultaten": {"href": f"{base}/resultaten"},
                   "pagina": {"href": f"/informatiebehoefte/{vl.id}"}},
    }  # fmt: skip
    if vragen:
        body["vragen"] = [vraag_body(v) for v in vl.vragen]
    return body


def inzending_body(vl: Any, inz: Any) -> dict[str, Any]:
    return {"vragenlijst_id": vl.id, "respondent": inz.respondent, "res_code": inz.res_code,
            "ingediend_op": inz.ingediend_op, "gewijzigd": inz.gewijzigd,
            "antwoorden": service.antwoorden_van(inz, vl.vragen)}  # fmt: skip


def resultaten_body(r: Any) -> dict[str, Any]:
    vl = r.vragenlijst
    return {
        "vragenlijst_id": vl.id, "reeks": vl.reeks, "jaar": vl.jaar, "titel": vl.titel, "regio": r.regio,
        "aantal_inzendingen": r.aantal_inzendingen,
        "respons": [{"res_code": p.res_code, "naam": p.naam, "gemeenten": p.gemeenten, "ingevuld": p.ingevuld,
                     "aandeel": p.aandeel, "regio_ingevuld": p.regio_ingevuld} for p in r.respons],
        "regios": list(r.regios),
        "themas": [{"thema": t, "gemiddelde": r.thema_gemiddelde.get(t)} for t in r.thema_volgorde],
        "thema_regio": [{"thema": t, "regio": res, "gemiddelde": m} for (t, res), m in r.per_thema_regio.items()],
        "vragen": [{"code": v.code, "thema": v.thema, "tekst": v.tekst, "soort": v.soort, "opties": list(v.opties),
                    "n": v.n, "gemiddelde": v.gemiddelde, "verdeling": dict(v.verdeling),
                    "per_regio": dict(v.per_regio), "per_regio_n": dict(v.per_regio_n),
                    "open_antwoorden": [{"respondent": a.respondent, "res_code": a.res_code, "tekst": a.tekst}
                                        for a in v.open_antwoorden],
                    "open_verborgen": v.open_verborgen} for v in r.vragen],
    }  # fmt: skip


def _rij(row: Any, jaren: list[int]) -> dict[str, Any]:
    return {"code": row.code, "thema": row.thema, "tekst": row.tekst, "verschil": row.verschil,
            "jaren": [{"jaar": j, "gemiddelde": row.per_jaar.get(j), "n": row.n.get(j, 0)} for j in jaren]}  # fmt: skip


def _values(verzoek: Schema) -> dict[str, Any]:
    data = verzoek.model_dump(exclude_unset=True, by_alias=False)
    data.pop("versie", None)
    return data


# ------------------------------------------------------------------------------------------------ routes


@router.get(
    "/vragenlijsten",
    tags=[TAG],
    operation_id="lijstVragenlijsten",
    summary="Vragenlijsten",
    description="De vragenlijsten van de inventarisatie van de informatiebehoefte, nieuwste jaar eerst. Een "
    "concept zien alleen beheerders. Alleen voor leden.",
    response_model=VragenlijstLijst,
    responses=MEMBER_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def vragenlijsten(user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)) -> dict:
    require_login(user)
    return {"resultaten": [lijst_body(vl) for vl in netwerk_call(service.list_vragenlijsten, db, user)]}


@router.post(
    "/vragenlijsten",
    tags=[TAG],
    operation_id="maakVragenlijst",
    summary="Maak een vragenlijst",
    description="Maakt een vragenlijst (status concept) met de vragen: code (blijft over de jaren gelijk), thema, "
    "tekst, soort (schaal 1-5, keuze, meerkeuze, open), opties en of een antwoord verplicht is. Elke foute vraag "
    "wordt tegelijk gemeld. Alleen voor beheerders (het nationaal programma). Antwoordt 201 met `Location`.",
    status_code=201,
    response_model=VragenlijstDetail,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak(
    request: Request,
    response: Response,
    verzoek: VragenlijstNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    vl = netwerk_call(service.create_vragenlijst, db, user, _values(verzoek))
    db.commit()
    vl = netwerk_call(service.get_vragenlijst, db, user, vl.id)
    response.headers["Location"] = f"{API_PREFIX}/vragenlijsten/{vl.id}"
    response.headers["ETag"] = etag(vl.versie)
    return lijst_body(vl, vragen=True)


@router.get(
    "/vragenlijsten/vergelijking",
    tags=[TAG],
    operation_id="vergelijkVragenlijsten",
    summary="Vergelijking over de jaren",
    description="De schaalvragen (op code) en de thema's van elk geopend jaar van een reeks naast elkaar: het "
    "gemiddelde en het aantal antwoorden per jaar en de verandering ten opzichte van het jaar ervoor. Met `regio` "
    "alleen de antwoorden die voor die regio tellen.",
    response_model=VragenlijstVergelijking,
    responses=MEMBER_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def vergelijking(
    reeks: str = Query("informatiebehoefte", max_length=50, description="De reeks."),
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    require_login(user)
    code = check_code(normalise_rescode, regio, "regio")
    v = netwerk_call(service.vergelijking, db, user, reeks, regio=code)
    return {"reeks": v.reeks, "regio": v.regio, "jaren": list(v.jaren),
            "vragen": [_rij(r, v.jaren) for r in v.rows], "themas": [_rij(r, v.jaren) for r in v.themas]}  # fmt: skip


@router.get(
    "/vragenlijsten/{vragenlijstid}",
    tags=[TAG],
    operation_id="haalVragenlijst",
    summary="Eén vragenlijst",
    description="Een vragenlijst met de vragen in volgorde; de versie staat ook in de header `ETag`.",
    response_model=VragenlijstDetail,
    responses=MEMBER_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def haal(
    response: Response,
    vragenlijstid: int = VRAGENLIJSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    vl = netwerk_call(service.get_vragenlijst, db, user, vragenlijstid)
    response.headers["ETag"] = etag(vl.versie)
    return lijst_body(vl, vragen=True)


@router.patch(
    "/vragenlijsten/{vragenlijstid}",
    tags=[TAG],
    operation_id="wijzigVragenlijst",
    summary="Wijzig een vragenlijst",
    description="Wijzigt titel, toelichting en einddatum; reeks, jaar en de vragen (alle vragen worden vervangen) "
    "alleen zolang de vragenlijst een concept is. Met de gelezen versie (`versie` of `If-Match`). Alleen voor "
    "beheerders.",
    response_model=VragenlijstDetail,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig(
    request: Request,
    response: Response,
    vragenlijstid: int = VRAGENLIJSTID,
    verzoek: VragenlijstWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    versie = verzoek.versie if verzoek.versie is not None else if_match_versie(if_match)
    netwerk_call(service.update_vragenlijst, db, user, vragenlijstid, _values(verzoek), versie=versie)
    db.commit()
    return haal(response, vragenlijstid, user, db)


@router.post(
    "/vragenlijsten/{vragenlijstid}/status",
    tags=[TAG],
    operation_id="wijzigVragenlijstStatus",
    summary="Open of sluit een vragenlijst",
    description="Zet de status: van concept naar `open` (er moeten vragen zijn en de einddatum mag niet voorbij "
    "zijn), van open naar `gesloten` en van gesloten weer naar `open`. Alleen voor beheerders.",
    response_model=VragenlijstDetail,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def status(
    request: Request,
    response: Response,
    vragenlijstid: int = VRAGENLIJSTID,
    verzoek: VragenlijstStatus = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    netwerk_call(service.zet_status, db, user, vragenlijstid, verzoek.status, versie=verzoek.versie)
    db.commit()
    return haal(response, vragenlijstid, user, db)


@router.post(
    "/vragenlijsten/{vragenlijstid}/kopie",
    tags=[TAG],
    operation_id="kopieerVragenlijst",
    summary="Kopieer naar een nieuw jaar",
    description="Maakt een concept voor een nieuw jaar met dezelfde reeks, toelichting en vragen (dezelfde codes), "
    "zodat de jaren te vergelijken zijn. Alleen voor beheerders. Antwoordt 201 met `Location`.",
    status_code=201,
    response_model=VragenlijstDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "Er is al een vragenlijst voor dat jaar in de reeks."}},
    openapi_extra={"x-sessie": True},
)
def kopie(
    request: Request,
    response: Response,
    vragenlijstid: int = VRAGENLIJSTID,
    verzoek: VragenlijstKopie = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    vl = netwerk_call(service.kopieer_vragenlijst, db, user, vragenlijstid, verzoek.jaar)
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/vragenlijsten/{vl.id}"
    response.status_code = 201
    body = haal(response, vl.id, user, db)
    return body


@router.get(
    "/vragenlijsten/{vragenlijstid}/inzendingen/{respondent}",
    tags=[TAG],
    operation_id="haalInzending",
    summary="De antwoorden van een respondent",
    description="De antwoorden van een gemeente of regio per vraagcode; 404 zolang er niet is geantwoord. Voor wie "
    "namens de respondent antwoordt, de coördinator van de regio en beheerders.",
    response_model=Inzending,
    responses=MEMBER_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def haal_inzending(
    vragenlijstid: int = VRAGENLIJSTID,
    respondent: str = RESPONDENT,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    vl = netwerk_call(service.get_vragenlijst, db, user, vragenlijstid)
    inz = netwerk_call(service.inzending, db, user, vragenlijstid, respondent)
    if inz is None:
        raise ApiProblem(404, f"{respondent.upper()} heeft nog niet geantwoord",
                         f"{respondent.upper()} has not answered yet")  # fmt: skip
    return inzending_body(vl, inz)


@router.put(
    "/vragenlijsten/{vragenlijstid}/inzendingen/{respondent}",
    tags=[TAG],
    operation_id="bewaarInzending",
    summary="Beantwoord de vragenlijst",
    description="Bewaart de antwoorden van een gemeente (een gebruiker van die gemeente) of een regio (de "
    "coördinator) per vraagcode; een eerdere inzending wordt helemaal vervangen. Alleen zolang de vragenlijst open "
    "is; elke foute of ontbrekende verplichte vraag wordt tegelijk gemeld.",
    response_model=Inzending,
    responses={**WRITE_RESPONSES, 409: {"description": "De vragenlijst is niet open."}},
    openapi_extra={"x-sessie": True},
)
def bewaar_inzending(
    request: Request,
    vragenlijstid: int = VRAGENLIJSTID,
    respondent: str = RESPONDENT,
    verzoek: InzendingInvoer = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    netwerk_call(service.beantwoord, db, user, vragenlijstid, respondent, verzoek.antwoorden)
    db.commit()
    return haal_inzending(vragenlijstid, respondent, user, db)


@router.get(
    "/vragenlijsten/{vragenlijstid}/resultaten",
    tags=[TAG],
    operation_id="haalVragenlijstResultaten",
    summary="Resultaten van een vragenlijst",
    description="De antwoorden opgeteld: per vraag het aantal, het gemiddelde (schaal) en de verdeling, ook per "
    "regio; per thema en regio de gemiddelde behoefte; de thema's van hoogste naar laagste behoefte; de respons per "
    "regio. Open antwoorden alleen voor beheerders en de coördinator van de regio (anders alleen geteld). Met "
    "`formaat=csv` of `formaat=xlsx` (of de header `Accept`) als download.",
    response_model=VragenlijstResultaten,
    responses={
        **MEMBER_RESPONSES,
        200: {
            "content": {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}
        },
    },  # fmt: skip
    openapi_extra={"x-sessie": True},
)
def resultaten(
    request: Request,
    vragenlijstid: int = VRAGENLIJSTID,
    formaat: Literal["json", "csv", "xlsx"] | None = Query(None, description="`json` (standaard), `csv` of `xlsx`."),
    regio: str | None = Query(None, description="Alleen de antwoorden die voor deze regio tellen."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict | Response:
    require_login(user)
    code = check_code(normalise_rescode, regio, "regio")
    if formaat is None:
        formaat = "csv" if wants(request, CSV) else "xlsx" if wants(request, XLSX) else "json"
    if formaat in ("csv", "xlsx"):
        vl = netwerk_call(service.get_vragenlijst, db, user, vragenlijstid)
        data = netwerk_call(service.export_resultaten, db, user, vragenlijstid, formaat, regio=code)
        db.commit()
        naam = f"{vl.reeks}-{vl.jaar}{'-' + code if code else ''}-resultaten.{formaat}"
        return download(data, CSV if formaat == "csv" else XLSX, naam)
    return resultaten_body(netwerk_call(service.resultaten, db, user, vragenlijstid, regio=code))
