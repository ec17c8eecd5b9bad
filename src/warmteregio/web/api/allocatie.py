"""Allocation runs and scenarios (issue 5): which buurten go to which heat source, with progress and cancel.

Starting, cancelling and starting a scenario change state: a logged-in session, the ``X-CSRF-Token`` header and
the role of administrator or the regional coordinator of the run's region. A run is computed in a background
thread of the web process; the start answers 202 with a ``Location`` header at once and ``GET
/allocaties/{allocatieid}`` shows the progress. Reading needs a session too (any role): allocations contain
scenarios about real sources (a contract ending, a price) that are for the people working on the region.
Everything calls :mod:`warmteregio.services.allocatie`, which the pages and the CLI use as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_gemeentecode, normalise_rescode
from warmteregio.services import allocatie
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    CSV,
    GEOJSON,
    WRITE_RESPONSES,
    XLSX,
    PageParams,
    check_code,
    crs_params,
    download,
    list_body,
    page_params,
    require_login,
    require_write_session,
    wants,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
ALLOCATIEID = Path(ge=1, le=2_147_483_647, description="Nummer van de allocatie.")
ANDERID = Path(ge=1, le=2_147_483_647, description="Nummer van de allocatie om mee te vergelijken.")
TAG = "Allocaties"
READ_RESPONSES = {401: {"description": "Niet ingelogd."}}


# ------------------------------------------------------------------------------------------------ schemas


class NieuweBron(Schema):
    """Een bron die alleen in het scenario bestaat."""

    code: str = Field(max_length=40, description="Code van de nieuwe bron (uniek).")
    naam: str | None = Field(default=None, max_length=200, description="Naam.")
    categorie: str | None = Field(default=None, max_length=40, description="Categorie, bijvoorbeeld datacenter.")
    temperatuurklasse: Literal["HT", "MT", "LT", "ZLT"] = Field(description="Temperatuurniveau van de bron.")
    x: float = Field(description="X in RD New [m].")
    y: float = Field(description="Y in RD New [m].")
    beschikbaar_gj_per_jaar: float | None = Field(default=None, ge=0, description="Beschikbare warmte [GJ/jaar].")
    capaciteit_mw: float | None = Field(default=None, ge=0, description="Vermogen [MW].")
    temperatuur_c: float | None = Field(default=None, ge=0, le=200, description="Aanvoertemperatuur [°C].")
    booster_nodig: bool | None = Field(default=None, description="Of een (collectieve) boosterwarmtepomp nodig is.")
    warmteprijs_eur_gj: float | None = Field(default=None, ge=0, description="Prijs van de warmte [EUR/GJ].")
    aansluitkosten_eur_kw: float | None = Field(default=None, ge=0, description="Aansluitkosten [EUR/kW].")
    co2_kg_per_gj: float | None = Field(default=None, ge=0, description="CO2-factor van de warmte [kg/GJ].")
    gemeente_code: str | None = Field(default=None, max_length=6, description="Gemeente waar de bron ligt.")
    startjaar: int | None = Field(default=None, ge=2000, le=2100, description="Eerste jaar met warmte.")
    eindjaar: int | None = Field(default=None, ge=2000, le=2100, description="Laatste jaar met warmte.")


class AllocatieScenario(Schema):
    """Wijzigingen op de bronnen en prijzen van het register (alle onderdelen optioneel)."""

    verwijderd: list[str] | None = Field(default=None, max_length=500, description="Broncodes die wegvallen.")
    schaal: dict[str, float] | None = Field(
        default=None, description="Factor op beschikbare warmte en vermogen per bron, bijvoorbeeld 0.5."
    )
    eindjaar: dict[str, int] | None = Field(default=None, description="Laatste jaar met warmte per bron.")
    warmteprijs: dict[str, float] | None = Field(default=None, description="Warmteprijs per bron [EUR/GJ].")
    warmteprijsfactor: float | None = Field(default=None, gt=0, description="Factor op de prijs van elke bron.")
    nieuwe_bronnen: list[NieuweBron] | None = Field(default=None, max_length=50, description="Nieuwe bronnen.")
    parameter_overrides: dict[str, float] | None = Field(
        default=None, description="Vervangen parameterwaarden (naam -> getal) bovenop die van de allocatie."
    )


class AllocatieStart(Schema):
    """Verzoek om een allocatie van bronnen aan de buurten van een regio."""

    regio: str = Field(max_length=10, description="RES-regiocode, bijvoorbeeld ES18.")
    titel: str | None = Field(default=None, max_length=200, description="Titel van de allocatie.")
    zichtjaar: int = Field(default=2030, ge=2020, le=2050, description="Zichtjaar van de kosten.")
    bronjaar: int | None = Field(
        default=None,
        ge=2020,
        le=2100,
        description="Jaar waarin een bron beschikbaar moet zijn (standaard het zichtjaar).",
    )
    parameterset: str = Field(default="vesta2025", max_length=100, description="Naam van de parameterset.")
    parameterset_versie: str | None = Field(default=None, max_length=40, description="Versie van een opgeslagen set.")
    overrides: dict[str, float] | None = Field(default=None, description="Vervangen parameterwaarden.")
    ambitie: Literal["*", "B", "D"] = Field(
        default="*", description="Isolatieambitie: `*` (goedkoopste label per buurt), `B` of `D`."
    )
    ambitie_per_buurt: dict[str, Literal["*", "B", "D"]] | None = Field(
        default=None, description="Isolatieambitie per buurtcode (gaat voor `ambitie`)."
    )
    vast_in: list[str] | None = Field(default=None, max_length=2000, description="Buurten die op een warmtenet moeten.")
    vast_uit: list[str] | None = Field(default=None, max_length=2000, description="Buurten die individueel blijven.")
    max_afstand_m: float = Field(default=25_000.0, gt=0, le=100_000, description="Maximale afstand bron-buurt [m].")
    max_aandeel_per_bron: float = Field(
        default=1.0, gt=0, le=1, description="Maximaal aandeel van de warmtevraag op één bron (0-1)."
    )
    marginale_waarden: bool = Field(default=True, description="Bereken de waarde van één MW extra per bron.")
    alleen_per_gemeente: bool = Field(default=True, description="Bereken de kosten als elke gemeente alleen gaat.")
    pareto_punten: int = Field(default=0, ge=0, le=allocatie.MAX_PARETO, description="Punten op het kosten/CO2-front.")
    tijdslimiet_s: float = Field(default=60.0, gt=0, le=3600, description="Tijdslimiet van de solver [s].")
    horizon: int = Field(
        default=allocatie.STANDAARD_HORIZON, ge=2020, le=2100,
        description="Bronnen die voor dit jaar sluiten krijgen een waarschuwing.",
    )  # fmt: skip
    scenario: AllocatieScenario | None = Field(default=None, description="Wijzigingen op bronnen en prijzen.")


class ScenarioStart(Schema):
    """Verzoek om een scenario op basis van een bestaande allocatie."""

    titel: str | None = Field(default=None, max_length=200, description="Titel van het scenario.")
    zichtjaar: int | None = Field(default=None, ge=2020, le=2050, description="Ander zichtjaar (optioneel).")
    bronjaar: int | None = Field(default=None, ge=2020, le=2100, description="Ander bronjaar (optioneel).")
    wijzigingen: AllocatieScenario = Field(description="Wijzigingen bovenop het scenario van de basisallocatie.")


class Tekst(Schema):
    """Een tekst in het Nederlands en het Engels."""

    nl: str
    en: str


class AllocatieBron(Schema):
    """Een bron in een allocatie: gebruik tegenover beschikbaarheid en de waarde van één MW extra."""

    code: str
    naam: str | None
    categorie: str | None
    temperatuurklasse: str | None
    temperatuur_c: float | None = Field(description="Aanvoertemperatuur [°C].")
    booster: bool = Field(description="Of een collectieve boosterwarmtepomp nodig is.")
    x: float = Field(description="X in RD New [m].")
    y: float = Field(description="Y in RD New [m].")
    gemeente_code: str | None
    beschikbaar_gj: float | None = Field(description="Beschikbare warmte [GJ/jaar]; null is onbeperkt.")
    capaciteit_mw: float | None = Field(description="Vermogen [MW].")
    gebruik_gj: float = Field(description="Geleverde warmte [GJ/jaar].")
    gebruik_mw: float = Field(description="Gebruikt piekvermogen [MW].")
    benutting_energie: float | None = Field(description="Deel van de beschikbare warmte dat wordt gebruikt (0-1).")
    benutting_vermogen: float | None = Field(description="Deel van het vermogen dat wordt gebruikt (0-1).")
    aantal_buurten: int = Field(description="Aantal aangesloten buurten.")
    marginale_waarde_eur_per_mw: float | None = Field(
        description="Daling van de nationale kosten [EUR/jaar] per MW extra vermogen; 0 is niet bindend."
    )
    bindend: bool = Field(description="Of het vermogen van de bron de uitkomst beperkt.")
    warmteprijs_eur_gj: float | None
    startjaar: int | None
    eindjaar: int | None
    nieuw: bool = Field(description="Of de bron alleen in het scenario bestaat.")


class AllocatieGemeente(Schema):
    """De uitkomst voor één gemeente: kosten samen en alleen."""

    code: str
    naam: str | None
    n_buurten: int = Field(description="Aantal buurten.")
    n_aangesloten: int = Field(description="Aantal buurten op een bron.")
    kosten: float | None = Field(description="Nationale kosten [EUR/jaar].")
    co2: float | None = Field(description="CO2-uitstoot [t/jaar].")
    kosten_individueel: float | None = Field(description="Kosten als elke buurt individueel blijft [EUR/jaar].")
    kosten_alleen: float | None = Field(description="Kosten als de gemeente alleen haar eigen bronnen gebruikt.")
    winst: float | None = Field(description="Kosten alleen min kosten samen: positief is winst voor de gemeente.")


class ParetoPunt(Schema):
    """Een punt op het kosten/CO2-front."""

    kosten: float | None
    co2: float | None
    n_aangesloten: int


class AllocatieLinks(Schema):
    """Links van een allocatie."""

    self_: Link = Field(alias="self", description="Deze allocatie.")
    buurten: Link = Field(description="Uitkomst per buurt.")
    bronnen: Link = Field(description="Uitkomst per bron.")
    gemeenten: Link = Field(description="Uitkomst per gemeente.")
    csv: Link = Field(description="Alle buurten als CSV.")
    xlsx: Link = Field(description="Alles als Excel-werkmap.")
    geojson: Link = Field(description="Kaart als GeoJSON.")
    annuleren: Link = Field(description="Annuleer de allocatie (POST).")
    scenario: Link = Field(description="Start een scenario op deze allocatie (POST).")


class AllocatieDetail(Schema):
    """Een allocatie met status, voortgang, instellingen en samenvattingen."""

    id: int
    titel: str
    regio_code: str
    regio_naam: str | None
    status: Literal["wachtend", "bezig", "klaar", "onhaalbaar", "mislukt", "geannuleerd"]
    zichtjaar: int
    bronjaar: int
    parameterset: str
    parameterset_versie: str | None
    instellingen: dict[str, Any] = Field(
        description="Instellingen van het model (vastIn, vastUit, maxAfstandM, paretoPunten, buurtJaar, ...)."
    )
    scenario: dict[str, Any] = Field(
        description="Wijzigingen op bronnen en prijzen tegenover het register (zoals `AllocatieScenario`)."
    )
    basis_id: int | None = Field(description="De allocatie waarmee dit scenario wordt vergeleken.")
    code_versie: str
    voortgang_stap: str | None = Field(description="Huidige stap van de berekening.")
    voortgang_klaar: int
    voortgang_totaal: int
    voortgang: float = Field(description="Afgerond deel (0-1).")
    gestart: datetime
    beeindigd: datetime | None
    gestart_door: str | None
    totale_kosten: float | None = Field(description="Nationale kosten van de uitkomst [EUR/jaar].")
    kosten_individueel: float | None = Field(description="Kosten als elke buurt individueel blijft [EUR/jaar].")
    besparing: float | None = Field(description="Kosten individueel min totale kosten [EUR/jaar].")
    totale_co2: float | None = Field(description="CO2-uitstoot [t/jaar].")
    gap: float | None = Field(description="Relatief optimaliteitsgat van de solver (0 is optimaal).")
    oplostijd_s: float | None
    uitleg: list[Tekst] = Field(description="Waarom de allocatie onhaalbaar is (alleen bij status onhaalbaar).")
    waarschuwingen: list[Tekst] = Field(description="Gebruikte standaardwaarden, scenario en bronnen die sluiten.")
    bronnen: list[AllocatieBron]
    gemeenten: list[AllocatieGemeente]
    pareto: list[ParetoPunt]
    foutmelding: str | None
    aantal_buurten: int = Field(description="Aantal buurtrijen (0 tot de allocatie klaar is).")
    links: AllocatieLinks = Field(alias="_links")


class AllocatieLijst(Lijst):
    """Gepagineerde lijst van allocaties, nieuwste eerst."""

    resultaten: list[AllocatieDetail]


class AllocatieBuurtRij(Schema):
    """De uitkomst voor één buurt."""

    buurt_code: str
    buurt_naam: str | None
    gemeente_code: str
    bron_code: str | None = Field(description="De bron waarop de buurt wordt aangesloten; null is individueel.")
    soort: str = Field(description="Soort net (net_B, net_D, wp_B, wp_D) of de individuele variant.")
    kosten_eur_jr: float = Field(description="Nationale kosten [EUR/jaar] inclusief transportleiding en warmte.")
    kosten_individueel_eur_jr: float | None = Field(description="Kosten van de goedkoopste individuele variant.")
    leiding_eur_jr: float = Field(description="Kosten van de transportleiding [EUR/jaar].")
    warmte_gj: float = Field(description="Warmte van de bron [GJ/jaar].")
    piek_mw: float = Field(description="Aandeel in het piekvermogen van de bron [MW].")
    afstand_m: float | None = Field(description="Gerouteerde lengte van de transportleiding [m].")
    co2_t: float | None = Field(description="CO2-uitstoot [t/jaar].")
    vastgezet: str | None = Field(description="`in` of `uit` als de gebruiker de buurt vastzette.")


class AllocatieBuurtLijst(Lijst):
    """Gepagineerde uitkomst per buurt."""

    resultaten: list[AllocatieBuurtRij]


class AllocatieBronLijst(Schema):
    """Uitkomst per bron van een allocatie."""

    allocatie: int
    resultaten: list[AllocatieBron]


class AllocatieGemeenteLijst(Schema):
    """Uitkomst per gemeente van een allocatie."""

    allocatie: int
    resultaten: list[AllocatieGemeente]


class BuurtVerschilRij(Schema):
    """Eén buurt in twee allocaties."""

    buurt_code: str
    buurt_naam: str | None
    gemeente_code: str
    bron_a: str | None
    soort_a: str | None
    kosten_a: float | None
    bron_b: str | None
    soort_b: str | None
    kosten_b: float | None
    verschil: float | None = Field(description="Kosten b min kosten a [EUR/jaar].")
    gewijzigd: bool = Field(description="Of de toewijzing verandert.")


class GemeenteVerschil(Schema):
    """Eén gemeente in twee allocaties."""

    code: str
    naam: str | None
    kosten_a: float | None
    kosten_b: float | None
    verschil: float | None
    co2_a: float | None
    co2_b: float | None
    co2_verschil: float | None
    aangesloten_a: int | None
    aangesloten_b: int | None
    gewijzigd: int = Field(description="Aantal buurten met een andere toewijzing.")


class BronVerschil(Schema):
    """Eén bron in twee allocaties."""

    code: str
    naam: str | None
    in_a: bool
    in_b: bool
    buurten_a: int
    buurten_b: int
    gebruik_gj_a: float | None
    gebruik_gj_b: float | None
    gebruik_gj_verschil: float | None
    marginale_waarde_a: float | None
    marginale_waarde_b: float | None


class VergelijkingTotaal(Schema):
    """Totalen van twee allocaties."""

    kosten_a: float | None
    kosten_b: float | None
    verschil: float | None
    co2_a: float | None
    co2_b: float | None
    co2_verschil: float | None
    aangesloten_a: int
    aangesloten_b: int
    gewijzigd: int
    buurten: int


class AllocatieVergelijking(Schema):
    """Allocatie b tegenover allocatie a (verschillen zijn b min a)."""

    a: int
    b: int
    totaal: VergelijkingTotaal
    buurten: list[BuurtVerschilRij] = Field(description="Alle buurten; `gewijzigd` markeert een andere toewijzing.")
    gemeenten: list[GemeenteVerschil]
    bronnen: list[BronVerschil]


# ------------------------------------------------------------------------------------------------ helpers


def _links(run_id: int) -> dict[str, dict[str, str]]:
    base = f"{API_PREFIX}/allocaties/{run_id}"
    return {
        "self": {"href": base},
        "buurten": {"href": f"{base}/buurten"},
        "bronnen": {"href": f"{base}/bronnen"},
        "gemeenten": {"href": f"{base}/gemeenten"},
        "csv": {"href": f"{base}/buurten?formaat=csv"},
        "xlsx": {"href": f"{base}/buurten?formaat=xlsx"},
        "geojson": {"href": f"{base}/buurten?formaat=geojson"},
        "annuleren": {"href": f"{base}/annuleren"},
        "scenario": {"href": f"{base}/scenario"},
    }


def _camel_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Field names in lowerCamelCase like the rest of the API; source and buurt codes used as keys stay as they are."""
    from pydantic.alias_generators import to_camel

    return {to_camel(k) if "_" in k else k: v for k, v in data.items()}


def scenario_body(scenario: dict[str, Any]) -> dict[str, Any]:
    out = _camel_keys(scenario)
    if "nieuweBronnen" in out:
        out["nieuweBronnen"] = [_camel_keys(b) for b in out["nieuweBronnen"]]
    return out


def _texts(pairs: list) -> list[dict[str, str]]:
    return [{"nl": str(p[0]), "en": str(p[1]) if len(p) > 1 else str(p[0])} for p in pairs if p]


def run_body(info: allocatie.RunInfo) -> dict[str, Any]:
    return {
        "id": info.id, "titel": info.titel, "regio_code": info.regio_code, "regio_naam": info.regio_naam,
        "status": info.status, "zichtjaar": info.zichtjaar, "bronjaar": info.bronjaar,
        "parameterset": info.parameterset, "parameterset_versie": info.parameterset_versie,
        "instellingen": _camel_keys(info.instellingen), "scenario": scenario_body(info.scenario),
        "basis_id": info.basis_id,
        "code_versie": info.code_versie, "voortgang_stap": info.voortgang_stap,
        "voortgang_klaar": info.voortgang_klaar, "voortgang_totaal": info.voortgang_totaal,
        "voortgang": info.voortgang, "gestart": info.gestart, "beeindigd": info.beeindigd,
        "gestart_door": info.gestart_door, "totale_kosten": info.totale_kosten,
        "kosten_individueel": info.kosten_individueel, "besparing": info.besparing, "totale_co2": info.totale_co2,
        "gap": info.gap, "oplostijd_s": info.oplostijd_s, "uitleg": _texts(info.uitleg),
        "waarschuwingen": _texts(info.waarschuwingen), "bronnen": info.bronnen, "gemeenten": info.gemeenten,
        "pareto": info.pareto, "foutmelding": info.foutmelding, "aantal_buurten": info.aantal_buurten,
        "_links": _links(info.id),
    }  # fmt: skip


def problem_of(exc: allocatie.AllocatieError) -> ApiProblem:
    status = 404 if exc.not_found else 409 if exc.conflict else 403 if exc.forbidden else 400
    params = [{"name": exc.veld, "code": "invalid", "reason": exc.en}] if exc.veld and status == 400 else None
    return ApiProblem(status, exc.nl, exc.en, invalid_params=params)


def _reader(user: User | None) -> User:
    require_login(user)
    assert user is not None
    return user


def _get(db: Session, run_id: int) -> allocatie.RunInfo:
    info = allocatie.get_run(db, run_id)
    if info is None:
        raise ApiProblem(404, f"allocatie {run_id} niet gevonden", f"allocation {run_id} not found")
    return info


def scenario_dict(scenario: AllocatieScenario | None) -> dict[str, Any]:
    if scenario is None:
        return {}
    return scenario.model_dump(by_alias=False, exclude_none=True)


def start_for(request: Request, db: Session, user: User, inst: allocatie.AllocatieInstellingen) -> allocatie.RunInfo:
    """Record a run and start it in a background thread (shared by the API and the page form)."""
    try:
        row = allocatie.create_run(db, inst, user=user)
    except allocatie.AllocatieError as exc:
        db.rollback()
        raise problem_of(exc) from None
    db.commit()
    allocatie.start_in_background(request.app.state.sessionmaker, row.id)
    return allocatie.require_run(db, row.id)


def scenario_for(
    request: Request, db: Session, user: User, run_id: int, changes: dict[str, Any], *, titel: str | None = None,
    zichtjaar: int | None = None, bronjaar: int | None = None,
) -> allocatie.RunInfo:  # fmt: skip
    """Record a scenario run on ``run_id`` and start it (shared by the API and the page form)."""
    try:
        row = allocatie.scenario_from_run(db, run_id, changes, user=user, titel=titel, zichtjaar=zichtjaar,
                                          bronjaar=bronjaar)  # fmt: skip
    except allocatie.AllocatieError as exc:
        db.rollback()
        raise problem_of(exc) from None
    db.commit()
    allocatie.start_in_background(request.app.state.sessionmaker, row.id)
    return allocatie.require_run(db, row.id)


# ------------------------------------------------------------------------------------------------ routes


@router.post(
    "/allocaties",
    tags=[TAG],
    operation_id="startAllocatie",
    summary="Start een allocatie",
    description="Verdeelt de warmtebronnen over de buurten van een regio tegen de laagste nationale kosten: per "
    "buurt een individuele variant of een aansluiting op een bron via een transportleiding. Met een scenario "
    "(bronnen weg, kleiner, eerder dicht, nieuw, andere prijzen) en vaste buurten. Antwoordt direct met 202 en een "
    "`Location`-header; volg de voortgang met `GET /allocaties/{allocatieid}`. Vereist een sessie van een "
    "beheerder of de regiocoördinator van de regio en de header `X-CSRF-Token`.",
    status_code=202,
    response_model=AllocatieDetail,
    responses={**WRITE_RESPONSES, 404: {"description": "Regio of parameterset niet gevonden."}},
    openapi_extra={"x-sessie": True},
)
def start_allocatie(
    request: Request,
    response: Response,
    verzoek: AllocatieStart = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    require_write_session(request, user)
    assert user is not None
    regio = check_code(normalise_rescode, verzoek.regio, "regio") or ""
    inst = allocatie.AllocatieInstellingen(
        regio=regio, titel=verzoek.titel or "", zichtjaar=verzoek.zichtjaar, bronjaar=verzoek.bronjaar,
        parameterset=verzoek.parameterset, parameterset_versie=verzoek.parameterset_versie,
        overrides=verzoek.overrides or {},
        ambitie=verzoek.ambitie_per_buurt if verzoek.ambitie_per_buurt else verzoek.ambitie,
        vast_in=tuple(verzoek.vast_in or ()), vast_uit=tuple(verzoek.vast_uit or ()),
        max_afstand_m=verzoek.max_afstand_m, max_aandeel_per_bron=verzoek.max_aandeel_per_bron,
        marginale_waarden=verzoek.marginale_waarden, alleen_per_gemeente=verzoek.alleen_per_gemeente,
        pareto_punten=verzoek.pareto_punten, tijdslimiet_s=verzoek.tijdslimiet_s, horizon=verzoek.horizon,
        scenario=scenario_dict(verzoek.scenario),
    )  # fmt: skip
    info = start_for(request, db, user, inst)
    response.headers["Location"] = f"{API_PREFIX}/allocaties/{info.id}"
    return run_body(info)


@router.get(
    "/allocaties",
    tags=[TAG],
    operation_id="lijstAllocaties",
    summary="Allocaties",
    description="Alle allocaties, nieuwste eerst, met status, voortgang en samenvattingen; met `regio` alleen die "
    "van een regio. Vereist een sessie.",
    response_model=AllocatieLijst,
    responses=READ_RESPONSES,
)
def allocaties(
    request: Request,
    regio: str | None = Query(None, description="Alleen de allocaties van deze RES-regio."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    _reader(user)
    code = check_code(normalise_rescode, regio, "regio")
    page = allocatie.list_runs(db, regio=code, paging=pages.paging())
    return list_body(request, page, [run_body(i) for i in page.items])


@router.get(
    "/allocaties/{allocatieid}",
    tags=[TAG],
    operation_id="haalAllocatie",
    summary="Eén allocatie",
    description="Status en voortgang van een allocatie en, als die klaar is, de totalen, de uitkomst per bron "
    "(gebruik, beschikbaarheid, waarde van één MW extra) en per gemeente (kosten samen en alleen), het "
    "kosten/CO2-front, de uitleg bij een onhaalbare allocatie en de waarschuwingen. Vereist een sessie.",
    response_model=AllocatieDetail,
    responses=READ_RESPONSES,
)
def allocatie_detail(
    allocatieid: int = ALLOCATIEID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    _reader(user)
    return run_body(_get(db, allocatieid))


@router.get(
    "/allocaties/{allocatieid}/buurten",
    tags=[TAG],
    operation_id="lijstAllocatieBuurten",
    summary="Uitkomst per buurt",
    description="Per buurt de bron (of individueel), de soort net, de kosten met transportleiding en warmte, de "
    "warmte, het piekvermogen, de leidinglengte en de CO2. Met `formaat=csv` alle buurten als CSV, met "
    "`formaat=xlsx` een Excel-werkmap met de bladen Buurten, Bronnen, Gemeenten, Herkomst en Scenario, met "
    "`formaat=geojson` (of `Accept: application/geo+json`) een GeoJSON FeatureCollection met de buurtvlakken, de "
    "bronnen als punten en de transportleidingen als lijnen (eigenschap `soort`). Leeg zolang de allocatie niet "
    "klaar is. Vereist een sessie.",
    response_model=AllocatieBuurtLijst,
    responses={
        **READ_RESPONSES,
        200: {
            "content": {
                CSV: {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                GEOJSON: {"schema": {"type": "object", "description": "GeoJSON FeatureCollection."}},
            }
        },
    },
    openapi_extra={"x-content-crs": True},
)
def allocatie_buurten(
    request: Request,
    allocatieid: int = ALLOCATIEID,
    gemeente: str | None = Query(None, description="Alleen de buurten van deze gemeente."),
    bron: str | None = Query(None, max_length=40, description="Alleen de buurten op deze bron; `-` is individueel."),
    formaat: Literal["json", "csv", "xlsx", "geojson"] | None = Query(
        None, description="`json` (standaard), `csv`, `xlsx` of `geojson`; de laatste drie bevatten alle buurten."
    ),
    crs: str = Depends(crs_params),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict | Response:
    _reader(user)
    info = _get(db, allocatieid)
    if formaat is None:
        formaat = "csv" if wants(request, CSV) else "xlsx" if wants(request, XLSX) else (
            "geojson" if wants(request, GEOJSON) else "json")  # fmt: skip
    if formaat == "csv":
        return download(allocatie.export_csv(db, info.id), CSV, f"allocatie-{info.id}.csv")
    if formaat == "xlsx":
        return download(allocatie.export_xlsx(db, info.id), XLSX, f"allocatie-{info.id}.xlsx")
    if formaat == "geojson":
        body = allocatie.geojson(db, info.id, crs)
        return Response(body.encode("utf-8"), media_type=GEOJSON, headers={"Content-Crs": crs, "Vary": "Accept"})
    code = check_code(normalise_gemeentecode, gemeente, "gemeente")
    page = allocatie.run_buurten(db, info.id, gemeente=code, bron=bron, paging=pages.paging())
    return list_body(request, page, [r.as_dict() for r in page.items])


@router.get(
    "/allocaties/{allocatieid}/bronnen",
    tags=[TAG],
    operation_id="lijstAllocatieBronnen",
    summary="Uitkomst per bron",
    description="Per bron de geleverde warmte en het gebruikte vermogen tegenover wat beschikbaar is, het aantal "
    "aangesloten buurten en de waarde van één MW extra vermogen (EUR/jaar; 0 is niet bindend). Vereist een sessie.",
    response_model=AllocatieBronLijst,
    responses=READ_RESPONSES,
)
def allocatie_bronnen(
    allocatieid: int = ALLOCATIEID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    _reader(user)
    info = _get(db, allocatieid)
    return {"allocatie": info.id, "resultaten": info.bronnen}


@router.get(
    "/allocaties/{allocatieid}/gemeenten",
    tags=[TAG],
    operation_id="lijstAllocatieGemeenten",
    summary="Uitkomst per gemeente",
    description="Per gemeente de kosten en CO2 van de gezamenlijke uitkomst, de kosten als de gemeente alleen "
    "haar eigen bronnen gebruikt en het verschil (winst of verlies door samenwerking). Vereist een sessie.",
    response_model=AllocatieGemeenteLijst,
    responses=READ_RESPONSES,
)
def allocatie_gemeenten(
    allocatieid: int = ALLOCATIEID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    _reader(user)
    info = _get(db, allocatieid)
    return {"allocatie": info.id, "resultaten": info.gemeenten}


@router.post(
    "/allocaties/{allocatieid}/annuleren",
    tags=[TAG],
    operation_id="annuleerAllocatie",
    summary="Annuleer een allocatie",
    description="Stopt een wachtende of lopende allocatie; er worden geen resultaten bewaard. Een afgelopen "
    "allocatie geeft 409. Vereist een sessie van een beheerder, de regiocoördinator van de regio of wie de "
    "allocatie startte, en de header `X-CSRF-Token`.",
    response_model=AllocatieDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "De allocatie is al afgelopen."}},
    openapi_extra={"x-sessie": True},
)
def annuleer_allocatie(
    request: Request,
    allocatieid: int = ALLOCATIEID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    require_write_session(request, user)
    info = _get(db, allocatieid)
    if not info.lopend:
        raise ApiProblem(409, f"allocatie {info.id} is al afgelopen (status {info.status})",
                         f"allocation {info.id} has already ended (status {info.status})")  # fmt: skip
    if not allocatie.kan_annuleren(user, info):
        raise ApiProblem(403, "u mag deze allocatie niet annuleren", "you may not cancel this allocation")
    try:
        info = allocatie.request_cancel(db, allocatieid)
    except allocatie.AllocatieError as exc:
        raise problem_of(exc) from None
    db.commit()
    return run_body(info)


@router.post(
    "/allocaties/{allocatieid}/scenario",
    tags=[TAG],
    operation_id="startAllocatieScenario",
    summary="Start een scenario",
    description="Start een nieuwe allocatie met de instellingen van deze allocatie en de gegeven wijzigingen "
    "bovenop het scenario ervan (bijvoorbeeld een bron die in 2035 sluit, met een later bronjaar). De nieuwe "
    "allocatie verwijst met `basisId` naar deze. Antwoordt met 202 en een `Location`-header. Vereist een sessie van "
    "een beheerder of de regiocoördinator van de regio en de header `X-CSRF-Token`.",
    status_code=202,
    response_model=AllocatieDetail,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def start_scenario(
    request: Request,
    response: Response,
    allocatieid: int = ALLOCATIEID,
    verzoek: ScenarioStart = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    require_write_session(request, user)
    assert user is not None
    _get(db, allocatieid)
    info = scenario_for(request, db, user, allocatieid, scenario_dict(verzoek.wijzigingen), titel=verzoek.titel,
                        zichtjaar=verzoek.zichtjaar, bronjaar=verzoek.bronjaar)  # fmt: skip
    response.headers["Location"] = f"{API_PREFIX}/allocaties/{info.id}"
    return run_body(info)


def vergelijking_body(v: allocatie.Vergelijking) -> dict[str, Any]:
    return {
        "a": v.a.id,
        "b": v.b.id,
        "totaal": v.totaal,
        "buurten": [{**r.__dict__, "verschil": r.verschil} for r in v.buurten],
        "gemeenten": v.gemeenten,
        "bronnen": v.bronnen,
    }


@router.get(
    "/allocaties/{allocatieid}/vergelijking/{anderid}",
    tags=[TAG],
    operation_id="vergelijkAllocaties",
    summary="Vergelijk twee allocaties",
    description="Allocatie `anderid` (b) tegenover deze (a): per buurt de oude en nieuwe bron, soort en kosten "
    "met de gewijzigde buurten gemarkeerd, de verschillen per gemeente en per bron en het totaal (b min a). Beide "
    "allocaties moeten klaar zijn en over dezelfde regio gaan (anders 409). Vereist een sessie.",
    response_model=AllocatieVergelijking,
    responses={**READ_RESPONSES, 409: {"description": "Niet vergelijkbaar."}},
)
def vergelijk(
    allocatieid: int = ALLOCATIEID,
    anderid: int = ANDERID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    _reader(user)
    _get(db, allocatieid)
    _get(db, anderid)
    try:
        return vergelijking_body(allocatie.compare_runs(db, allocatieid, anderid))
    except allocatie.AllocatieError as exc:
        raise problem_of(exc) from None
