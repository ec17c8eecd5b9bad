"""Heat sources (warmtebronnen): the registry. Reading is public; changes need a session with the
``X-CSRF-Token`` header and permission for the source (an administrator, or the coordinator of a region within
reach of the source). Thin over :mod:`warmteregio.services.bronnen`."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_rescode
from warmteregio.domain.enums import SourceCategory, SourceStatus, TemperatureClass
from warmteregio.services import bronnen as service
from warmteregio.services import queries
from warmteregio.store.models import User
from warmteregio.web import auth, geo
from warmteregio.web.api import schemas
from warmteregio.web.api.common import (
    CSV,
    GEOJSON,
    WRITE_RESPONSES,
    XLSX,
    PageParams,
    bad_request,
    bbox_params,
    check_code,
    crs_params,
    download,
    geojson_response,
    list_body,
    not_found,
    page_params,
    require_write_session,
    wants,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Schema
from warmteregio.web.deps import get_db

router = APIRouter(tags=["Warmtebronnen"])

API_PREFIX = "/api/v1"
BRONCODE_RE = service.BRONCODE_RE

# Dutch names for the published enum schemas (API Design Rule /core/interface-language); same values.
Temperatuurklasse = StrEnum("Temperatuurklasse", {m.name: m.value for m in TemperatureClass})
Broncategorie = StrEnum("Broncategorie", {m.name: m.value for m in SourceCategory})
Bronstatus = StrEnum("Bronstatus", {m.name: m.value for m in SourceStatus})


class Bronformaat(StrEnum):
    JSON = "json"
    GEOJSON = "geojson"
    CSV = "csv"
    XLSX = "xlsx"


# ------------------------------------------------------------------------------------------------ schemas


class Bewijs(Schema):
    """De onderbouwing van één getal: de bron, een toelichting en eventueel een webadres."""

    bron: str = Field(max_length=service.MAX_REDEN, description="Waar het getal vandaan komt.")
    toelichting: str | None = Field(default=None, max_length=service.MAX_REDEN)
    url: str | None = Field(default=None, max_length=500, description="Webadres (http of https).")


class Warmtebron(schemas.Warmtebron):
    """Een warmtebron met alle registergegevens. Beschikbare warmte in GJ/jaar, capaciteit in MW, temperatuur in
    °C, warmteprijs in €/GJ, aansluitkosten in €/kW, CO2-factor in kg/GJ; leeg = onbekend. `bewijs` geeft per
    veld de onderbouwing; `versie` telt elke wijziging (zie `/warmtebronnen/{broncode}/versies`)."""

    eigenaar: str | None = None
    temperatuur_c: float | None = Field(default=None, description="Aanvoertemperatuur [°C].")
    booster_nodig: bool = Field(default=False, description="Of een (collectieve) boosterwarmtepomp nodig is.")
    booster_bekend: bool = Field(
        default=True,
        description="Onwaar als niemand opgaf of een booster nodig is (geen temperatuur en geen onderbouwing): de "
        "verdeling gebruikt dan de standaard van de temperatuurklasse.",
    )
    startjaar: int | None = Field(default=None, description="Eerste jaar waarin de warmte beschikbaar is.")
    eindjaar: int | None = Field(default=None, description="Laatste jaar (bijvoorbeeld einde van een contract).")
    betrouwbaarheid: float | None = Field(default=None, description="Beschikbaarheid, 0 tot en met 1.")
    warmteprijs_eur_gj: float | None = None
    aansluitkosten_eur_kw: float | None = None
    co2_kg_per_gj: float | None = None
    gemeente_code: str | None = Field(default=None, description="Gemeente waarin de bron ligt.")
    toelichting: str | None = None
    bewijs: dict[str, Bewijs] = Field(
        default_factory=dict, description="Onderbouwing per veld (sleutels in API-spelling, zoals `eindjaar`)."
    )
    versie: int = Field(default=1, description="Versienummer; nodig voor wijzigen (`If-Match` of `versie`).")
    gewijzigd: datetime | None = None
    gewijzigd_door: str | None = None


class WarmtebronLijst(schemas.Lijst):
    """Gepagineerde lijst van warmtebronnen."""

    resultaten: list[Warmtebron]


class _Velden(Schema):
    model_config = ConfigDict(**Schema.model_config, extra="forbid")  # an unknown field is an error, not ignored

    naam: str | None = Field(default=None, max_length=200)
    categorie: Broncategorie | None = None  # type: ignore[valid-type]
    eigenaar: str | None = Field(default=None, max_length=200)
    temperatuurklasse: Temperatuurklasse | None = None  # type: ignore[valid-type]
    temperatuur_c: float | None = Field(default=None, description="Aanvoertemperatuur, -10 tot en met 200 °C.")
    booster_nodig: bool | None = None
    beschikbaar_gj_per_jaar: float | None = Field(default=None, description="GJ/jaar, niet negatief.")
    capaciteit_mw: float | None = Field(default=None, description="MW, niet negatief.")
    startjaar: int | None = Field(default=None, description="1900 tot en met 2100.")
    eindjaar: int | None = Field(default=None, description="1900 tot en met 2100, niet vóór het startjaar.")
    betrouwbaarheid: float | None = Field(default=None, description="0 tot en met 1.")
    warmteprijs_eur_gj: float | None = Field(default=None, description="€/GJ, niet negatief.")
    aansluitkosten_eur_kw: float | None = Field(default=None, description="€/kW, niet negatief.")
    co2_kg_per_gj: float | None = Field(default=None, description="kg/GJ, niet negatief.")
    x: float | None = Field(default=None, description="x in RD New (EPSG:28992) [m].")
    y: float | None = Field(default=None, description="y in RD New (EPSG:28992) [m].")
    gemeente_code: str | None = Field(default=None, max_length=10, description="Leeg: afgeleid uit de ligging.")
    toelichting: str | None = Field(default=None, max_length=5000)
    bewijs: dict[str, Bewijs | None] | None = Field(
        default=None, description="Onderbouwing per veld; `null` voor een veld verwijdert die."
    )


class WarmtebronNieuw(_Velden):
    """Een nieuwe warmtebron. Verplicht: code, naam, categorie, temperatuurklasse, x en y (RD New); status is
    standaard `potentieel`. Onbekende getallen kunnen leeg blijven."""

    code: str = Field(min_length=1, max_length=40, examples=["NIEUW001"])
    status: Bronstatus | None = None  # type: ignore[valid-type]
    reden: str | None = Field(default=None, max_length=service.MAX_REDEN)


class WarmtebronWijziging(_Velden):
    """Een wijziging: alleen de meegegeven velden veranderen (`null` maakt een veld leeg). `reden` is verplicht;
    geef de gelezen `versie` mee (of de header `If-Match`) om te voorkomen dat u andermans wijziging overschrijft.
    Buiten gebruik stellen gaat via `/buiten-gebruik`."""

    status: Bronstatus | None = None  # type: ignore[valid-type]
    reden: str = Field(min_length=1, max_length=service.MAX_REDEN)
    versie: int | None = Field(default=None, ge=1, description="De versie die u las.")


class WarmtebronStatuswijziging(Schema):
    """Buiten gebruik stellen of herstellen, met een reden en eventueel de gelezen versie."""

    model_config = ConfigDict(**Schema.model_config, extra="forbid")

    reden: str = Field(min_length=1, max_length=service.MAX_REDEN)
    versie: int | None = Field(default=None, ge=1, description="De versie die u las.")


class WarmtebronVersie(Schema):
    """Eén versie van een warmtebron: wat er gebeurde, wie, wanneer, waarom, wat er veranderde (`[oud, nieuw]`
    per veld; onderbouwing als `bewijs.<veld>`) en alle gegevens na de wijziging."""

    versie: int
    actie: str = Field(description="aangemaakt, gewijzigd, buiten_gebruik, hersteld of geimporteerd.")
    tijdstip: datetime
    door: str | None = Field(description="Naam van de gebruiker (leeg bij import of systeem).")
    reden: str | None
    wijzigingen: dict[str, list[Any]] = Field(description="Per veld (API-spelling) `[oud, nieuw]`.")
    gegevens: dict[str, Any] = Field(description="Alle velden (API-spelling) na de wijziging.")


class WarmtebronVersieLijst(Schema):
    """Alle versies van een warmtebron, nieuwste eerst."""

    resultaten: list[WarmtebronVersie]
    totaal: int


# ------------------------------------------------------------------------------------------------ helpers


def _check_broncode(broncode: str) -> str:
    if not BRONCODE_RE.match(broncode):
        raise bad_request(
            f"ongeldige broncode {broncode!r} (letters, cijfers, '.', '_' of '-', hoogstens 40 tekens)",
            f"invalid source code {broncode!r} (letters, digits, '.', '_' or '-', at most 40 characters)",
            "broncode",
        )
    return broncode


_FROM_CAMEL = {to_camel(name): name for name in service.FIGURE_FIELDS}


def _camel(name: str) -> str:
    """API spelling of a field name (``bewijs.beschikbaar_gj_per_jaar`` -> ``bewijs.beschikbaarGjPerJaar``)."""
    head, dot, tail = name.partition(".")
    return f"{head}.{to_camel(tail)}" if dot else to_camel(name)


def _camel_keys(d: dict[str, Any]) -> dict[str, Any]:
    return {_camel(k): v for k, v in d.items()}


def _problem(exc: service.BronError) -> ApiProblem:
    params = None
    if exc.status == 400:
        params = [{"name": _camel(f) if f else "body", "code": "invalid", "reason": en} for f, _nl, en in exc.problems]
    return ApiProblem(exc.status, exc.nl, exc.en, invalid_params=params)


def _body(b: service.BronInfo, crs: str) -> dict:
    body = asdict(b)
    body["bewijs"] = _camel_keys(b.bewijs)
    body["locatie"] = geo.point_dict(b.x, b.y, crs)
    return body


def _versie_body(v: service.VersieInfo) -> dict:
    body = asdict(v)
    body["wijzigingen"] = _camel_keys(v.wijzigingen)
    gegevens = _camel_keys(v.gegevens)
    if isinstance(gegevens.get("bewijs"), dict):
        gegevens["bewijs"] = _camel_keys(gegevens["bewijs"])
    body["gegevens"] = gegevens
    return body


def _etag(versie: int) -> str:
    return f'"{versie}"'


def _if_match(value: str | None) -> int | None:
    if value is None or not value.strip() or value.strip() == "*":
        return None
    m = re.fullmatch(r'\s*(?:W/)?"?(\d{1,9})"?\s*', value)
    if not m:
        raise bad_request(
            f'If-Match moet een versie zijn zoals "3" (gegeven: {value!r})',
            f'If-Match must be a version such as "3" (given: {value!r})',
            "If-Match",
        )
    return int(m.group(1))


def _values(verzoek: Schema, skip: tuple[str, ...]) -> dict[str, Any]:
    data = verzoek.model_dump(exclude_unset=True, by_alias=False)
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in data.items() if k not in skip}


def _bewijs(verzoek: _Velden) -> dict[str, Any] | None:
    if verzoek.bewijs is None:
        return None
    return {
        _FROM_CAMEL.get(k, k): (v.model_dump(exclude_none=True) if v is not None else None)
        for k, v in verzoek.bewijs.items()
    }


# ------------------------------------------------------------------------------------------------ reading


@router.get(
    "/warmtebronnen",
    operation_id="lijstWarmtebronnen",
    summary="Warmtebronnen",
    description=(
        "Warmtebronnen met alle registergegevens, te filteren op temperatuurklasse, categorie, status, bbox en "
        "regio. Een bron hoort bij een regio als zij binnen `straal` meter (standaard 15 km) ligt van het gebied "
        "van de regio: de vereniging van de gemeentegrenzen van haar gemeenten (meest recente indelingsjaar); "
        "ontbreken die, dan de buurtgrenzen, en anders de buurtcentroïden. Met `formaat=geojson` of "
        "`Accept: application/geo+json` een GeoJSON FeatureCollection van punten; met `formaat=csv` of "
        "`formaat=xlsx` een export van alle gevonden bronnen in het registerformaat (weer te importeren met "
        "`warmteregio import warmtebronnen`)."
    ),
    response_model=WarmtebronLijst,
    responses={
        200: {
            "content": {
                CSV: {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
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
    temperatuurklasse: Temperatuurklasse | None = Query(None, description="HT, MT, LT of ZLT."),  # type: ignore[valid-type]
    categorie: Broncategorie | None = Query(None, description="Soort bron."),  # type: ignore[valid-type]
    status: Bronstatus | None = Query(None, description="Status van de bron."),  # type: ignore[valid-type]
    bbox: tuple[float, float, float, float] | None = Depends(bbox_params),
    formaat: Bronformaat | None = Query(
        None,
        description="`json` (standaard, gepagineerd), `geojson` (FeatureCollection, net als de header "
        "`Accept: application/geo+json`), `csv` of `xlsx` (export van alle gevonden bronnen).",
    ),
    crs: str = Depends(crs_params),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    regiocode = check_code(normalise_rescode, regio, "regio")
    if formaat is None:
        formaat = (
            Bronformaat.GEOJSON if wants(request, GEOJSON) else Bronformaat.CSV if wants(request, CSV)
            else Bronformaat.XLSX if wants(request, XLSX) else Bronformaat.JSON
        )  # fmt: skip
    values = {
        "temperatuurklasse": temperatuurklasse.value if temperatuurklasse else None,
        "categorie": categorie.value if categorie else None,
        "status": status.value if status else None,
    }
    if formaat is Bronformaat.GEOJSON:
        f = queries.WarmtebronFilter(regio=regiocode, straal_m=straal, bbox_rd=bbox, **values)
        return geojson_response(request, queries.warmtebron_features(db, f, pages.paging(geojson=True)), crs)
    items = service.list_sources(db, service.BronFilter(regio=regiocode, straal_m=straal, bbox_rd=bbox, **values))
    name = f"warmtebronnen-{regiocode or 'nl'}"
    if formaat is Bronformaat.CSV:
        return download(service.export_csv(items), CSV, f"{name}.csv")
    if formaat is Bronformaat.XLSX:
        return download(service.export_xlsx(items), XLSX, f"{name}.xlsx")
    paging = pages.paging()
    page = queries.Page(items[paging.offset : paging.offset + paging.pagina_grootte], len(items), paging.pagina,
                        paging.pagina_grootte)  # fmt: skip
    response.headers["Content-Crs"] = crs
    response.headers["Vary"] = "Accept, Accept-Crs"
    return list_body(request, page, [_body(b, crs) for b in page.items])


@router.get(
    "/warmtebronnen/{broncode}",
    operation_id="haalWarmtebron",
    summary="Eén warmtebron",
    description="Een warmtebron met alle registergegevens, de onderbouwing per veld, de ligging (in het CRS van "
    "`crs`/`Accept-Crs`), de buurten binnen bereik en de versie (ook als `ETag`, voor `If-Match`).",
    response_model=Warmtebron,
    openapi_extra={"x-content-crs": True},
)
def warmtebron(
    response: Response,
    broncode: str = Path(description="Code van de bron, bijvoorbeeld HTHP0002."),
    crs: str = Depends(crs_params),
    db: Session = Depends(get_db),
) -> dict:
    _check_broncode(broncode)
    try:
        b = service.source_info(db, broncode)
    except service.BronError:
        raise not_found("Warmtebron", "Heat source", broncode) from None
    response.headers["Content-Crs"] = crs
    response.headers["Vary"] = "Accept-Crs"
    response.headers["ETag"] = _etag(b.versie)
    return _body(b, crs)


@router.get(
    "/warmtebronnen/{broncode}/versies",
    operation_id="lijstWarmtebronVersies",
    summary="Versies van een warmtebron",
    description="De geschiedenis van een warmtebron, nieuwste eerst: per versie de actie, wie, wanneer, waarom, "
    "wat er veranderde en alle gegevens na de wijziging.",
    response_model=WarmtebronVersieLijst,
)
def versies(broncode: str = Path(description="Code van de bron."), db: Session = Depends(get_db)) -> dict:
    _check_broncode(broncode)
    try:
        items = service.source_history(db, broncode)
    except service.BronError as exc:
        raise _problem(exc) from None
    return {"resultaten": [_versie_body(v) for v in items], "totaal": len(items)}


# ------------------------------------------------------------------------------------------------ writing


def _write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def _written(db: Session, response: Response, code: str) -> dict:
    db.commit()
    b = service.source_info(db, code)
    response.headers["ETag"] = _etag(b.versie)
    response.headers["Content-Crs"] = geo.CRS84
    return _body(b, geo.CRS84)


@router.post(
    "/warmtebronnen",
    operation_id="maakWarmtebron",
    summary="Maak een warmtebron",
    description="Voegt een warmtebron toe aan het register (versie 1) met de onderbouwing per veld. Een beheerder "
    "overal; een regiocoördinator binnen bereik van de eigen regio. De gemeente wordt uit de ligging afgeleid als "
    "die niet is gegeven. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=Warmtebron,
    responses={**WRITE_RESPONSES, 409: {"description": "Er bestaat al een bron met deze code."}},
    openapi_extra={"x-sessie": True, "x-content-crs": True},
)
def maak(
    request: Request,
    response: Response,
    verzoek: WarmtebronNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    data = _values(verzoek, ("bewijs", "reden"))
    try:
        w = service.create_source(db, data, user=user, reden=verzoek.reden, bewijs=_bewijs(verzoek))
    except service.BronError as exc:
        raise _problem(exc) from None
    response.headers["Location"] = f"{API_PREFIX}/warmtebronnen/{w.code}"
    return _written(db, response, w.code)


@router.patch(
    "/warmtebronnen/{broncode}",
    operation_id="wijzigWarmtebron",
    summary="Wijzig een warmtebron",
    description="Wijzigt de meegegeven velden en/of de onderbouwing, met een verplichte reden. Met de gelezen "
    "versie (`versie` in de body of de header `If-Match`) geeft een tussentijdse wijziging door een ander 409 in "
    "plaats van die te overschrijven. Elke wijziging wordt een nieuwe versie met wie, wanneer en waarom.",
    response_model=Warmtebron,
    responses={**WRITE_RESPONSES, 409: {"description": "De bron is intussen gewijzigd (versie klopt niet)."}},
    openapi_extra={"x-sessie": True, "x-content-crs": True},
)
def wijzig(
    request: Request,
    response: Response,
    broncode: str = Path(description="Code van de bron."),
    verzoek: WarmtebronWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    _check_broncode(broncode)
    expected = verzoek.versie if verzoek.versie is not None else _if_match(if_match)
    try:
        service.update_source(db, broncode, _values(verzoek, ("bewijs", "reden", "versie")), user=user,
                              reden=verzoek.reden, bewijs=_bewijs(verzoek), expected_version=expected)  # fmt: skip
    except service.BronError as exc:
        raise _problem(exc) from None
    return _written(db, response, broncode)


def _status_change(request: Request, response: Response, broncode: str, verzoek: WarmtebronStatuswijziging,
                   if_match: str | None, user: User | None, db: Session, retire: bool) -> dict:  # fmt: skip
    user = _write(request, user)
    _check_broncode(broncode)
    expected = verzoek.versie if verzoek.versie is not None else _if_match(if_match)
    func = service.retire_source if retire else service.restore_source
    try:
        func(db, broncode, user=user, reden=verzoek.reden, expected_version=expected)
    except service.BronError as exc:
        raise _problem(exc) from None
    return _written(db, response, broncode)


@router.post(
    "/warmtebronnen/{broncode}/buiten-gebruik",
    operation_id="stelWarmtebronBuitenGebruik",
    summary="Stel een warmtebron buiten gebruik",
    description="Zet de status op `buiten_gebruik` met een verplichte reden. De bron en haar geschiedenis blijven "
    "bewaard; de allocatie laat haar weg. Herstellen kan met `/herstel`.",
    response_model=Warmtebron,
    responses={**WRITE_RESPONSES, 409: {"description": "Al buiten gebruik, of de versie klopt niet."}},
    openapi_extra={"x-sessie": True, "x-content-crs": True},
)
def buiten_gebruik(
    request: Request,
    response: Response,
    broncode: str = Path(description="Code van de bron."),
    verzoek: WarmtebronStatuswijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    return _status_change(request, response, broncode, verzoek, if_match, user, db, retire=True)


@router.post(
    "/warmtebronnen/{broncode}/herstel",
    operation_id="herstelWarmtebron",
    summary="Herstel een warmtebron",
    description="Neemt een buiten gebruik gestelde bron weer op met de status die zij daarvoor had, met een "
    "verplichte reden.",
    response_model=Warmtebron,
    responses={**WRITE_RESPONSES, 409: {"description": "Niet buiten gebruik, of de versie klopt niet."}},
    openapi_extra={"x-sessie": True, "x-content-crs": True},
)
def herstel(
    request: Request,
    response: Response,
    broncode: str = Path(description="Code van de bron."),
    verzoek: WarmtebronStatuswijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    return _status_change(request, response, broncode, verzoek, if_match, user, db, retire=False)
