"""National SMAA sweeps (issue 4): start a sweep on Dask, follow its progress, read and cancel it.

Starting and cancelling change state: a logged-in session, the ``X-CSRF-Token`` header and the role of
administrator (any selection, also the whole country) or regional coordinator (her own region only). The sweep
runs in a background thread of the web process that drives the Dask client (a LocalCluster per sweep, or the
cluster at ``WARMTEREGIO_DASK_SCHEDULER``) and writes progress to the sweep; the start answers 202 with a
``Location`` header at once. Reading is public, like the rest of the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.accounts.service import Principal, can_edit_region
from warmteregio.domain.codes import normalise_gemeentecode, normalise_rescode
from warmteregio.domain.enums import Role
from warmteregio.services import sweep
from warmteregio.services.queries import region_gemeenten
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    WRITE_RESPONSES,
    PageParams,
    check_code,
    list_body,
    page_params,
    require_write_session,
)
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
CSV = "text/csv"
SWEEPID = Path(ge=1, le=2_147_483_647, description="Nummer van de sweep.")



# ------------------------------------------------------------------------------------------------ schemas


class SweepStart(Schema):
    """Verzoek om een SMAA-sweep over de buurten van regio's, gemeenten of het hele land."""

    regios: list[str] | None = Field(default=None, max_length=40, description="RES-regiocodes, bijvoorbeeld ES18.")
    gemeenten: list[str] | None = Field(default=None, max_length=400, description="Gemeentecodes, bijvoorbeeld GM0505.")
    alle: bool = Field(default=False, description="Alle buurten in de database (alleen beheerders).")
    parameterset: str = Field(default="vesta2025", max_length=100, description="Naam van de parameterset.")
    parameterset_versie: str | None = Field(default=None, max_length=40, description="Versie van een opgeslagen set.")
    zichtjaar: int = Field(default=2030, ge=2020, le=2050, description="Zichtjaar van de berekening.")
    n_samples: int = Field(default=10_000, ge=1, le=sweep.MAX_SAMPLES, description="Aantal SMAA-trekkingen.")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Startwaarde van de toevalsgenerator.")
    methode: Literal["gewogen_som", "topsis", "promethee_ii"] = Field(
        default="gewogen_som", description="Methode van de weging."
    )
    gewichten: dict[str, float] | None = Field(
        default=None,
        description="Gewicht per criterium; de trekkingen liggen dan binnen gewicht x (1 -/+ spreiding). Zonder "
        "gewichten: onbekende voorkeuren (uniform over alle gewichtsverdelingen).",
    )
    spreiding: float = Field(default=0.25, ge=0.0, lt=1.0, description="Relatieve spreiding rond de gewichten.")
    criteria: list[str] | None = Field(default=None, max_length=100, description="Alleen deze criteria.")
    onzekerheid: bool = Field(
        default=False,
        description="Ook de onzekerheid van de criteriumwaarden meenemen (standaardonzekerheid per criterium); "
        "veel trager, bedoeld voor regionale sweeps.",
    )
    uitvoering: Literal["standaard", "local", "inproces"] = Field(
        default="standaard",
        description="`standaard`: het ingestelde Dask-cluster, anders een lokaal cluster; `local`: een lokaal "
        "cluster; `inproces`: zonder Dask in het webproces (kleine selecties).",
    )


class SweepLinks(Schema):
    """Links van een sweep."""

    self_: Link = Field(alias="self", description="Deze sweep.")
    resultaten: Link = Field(description="Resultaten per buurt.")
    gemeenten: Link = Field(description="Winnaars per gemeente.")
    csv: Link = Field(description="Alle resultaten als CSV.")
    annuleren: Link = Field(description="Annuleer de sweep (POST).")


class SweepDetail(Schema):
    """Een sweep met status, voortgang en instellingen."""

    id: int = Field(description="Nummer van de sweep.")
    status: Literal["wachtend", "bezig", "klaar", "mislukt", "geannuleerd"]
    instellingen: dict[str, Any] = Field(description="Instellingen van de sweep (trekkingen, seed, methode, ...).")
    regios: list[str] | None = Field(description="Gekozen RES-regio's; null bij een gemeente- of landelijke sweep.")
    gemeenten: list[str] | None = Field(description="Gemeenten van de sweep; null als alle gemeenten meedoen.")
    scheduler: str = Field(description="Gebruikte Dask-scheduler: `local`, `inproces` of een adres.")
    partities_totaal: int = Field(description="Aantal partities (gemeenten).")
    partities_klaar: int = Field(description="Aantal afgeronde partities.")
    voortgang: float = Field(description="Afgerond deel van de partities (0-1).")
    gestart: datetime
    beeindigd: datetime | None
    gestart_door: str | None = Field(description="Naam van wie de sweep startte.")
    code_versie: str = Field(description="Versie van warmteregio die rekende.")
    foutmelding: str | None = Field(description="Foutmelding als de sweep mislukte.")
    aantal_buurten: int = Field(description="Aantal buurten met een resultaat (0 tot de sweep klaar is).")
    links: SweepLinks = Field(alias="_links")


class SweepLijst(Lijst):
    """Gepagineerde lijst van sweeps, nieuwste eerst."""

    resultaten: list[SweepDetail]


class SweepResultaat(Schema):
    """Het resultaat van een sweep voor één buurt."""

    buurt_code: str
    gemeente_code: str
    winnaar: str | None = Field(description="Variant met de hoogste eersterangsacceptatie; null als geen enkele kan.")
    acceptatie: float | None = Field(description="Eersterangsacceptatie van de winnaar (0-1).")
    gelijkspel: list[str] = Field(description="Varianten die praktisch gelijkwaardig zijn aan de winnaar.")
    acceptaties: dict[str, float] = Field(description="Eersterangsacceptatie per variant (0-1).")


class SweepResultaatLijst(Lijst):
    """Gepagineerde resultaten van een sweep, op buurtcode."""

    resultaten: list[SweepResultaat]


class WinnaarTelling(Schema):
    """Hoe vaak een variant wint in een gemeente."""

    variant: str | None
    aantal_buurten: int
    gemiddelde_acceptatie: float | None = Field(description="Gemiddelde eersterangsacceptatie in die buurten.")


class GemeenteOverzicht(Schema):
    """Winnaars van een sweep in één gemeente."""

    gemeente_code: str
    gemeente_naam: str | None
    aantal_buurten: int
    winnaars: list[WinnaarTelling]


class GemeenteOverzichtLijst(Schema):
    """De winnaars per gemeente van een sweep."""

    sweep: int = Field(description="Nummer van de sweep.")
    resultaten: list[GemeenteOverzicht]


# ------------------------------------------------------------------------------------------------ helpers


def _links(sweep_id: int) -> dict[str, dict[str, str]]:
    base = f"{API_PREFIX}/sweeps/{sweep_id}"
    return {
        "self": {"href": base},
        "resultaten": {"href": f"{base}/resultaten"},
        "gemeenten": {"href": f"{base}/gemeenten"},
        "csv": {"href": f"{base}/resultaten?formaat=csv"},
        "annuleren": {"href": f"{base}/annuleren"},
    }


def sweep_body(info: sweep.SweepInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "status": info.status,
        "instellingen": info.instellingen,
        "regios": info.regios,
        "gemeenten": info.gemeenten,
        "scheduler": info.scheduler,
        "partities_totaal": info.partities_totaal,
        "partities_klaar": info.partities_klaar,
        "voortgang": info.voortgang,
        "gestart": info.gestart,
        "beeindigd": info.beeindigd,
        "gestart_door": info.gestart_door,
        "code_versie": info.code_versie,
        "foutmelding": info.foutmelding,
        "aantal_buurten": info.aantal_buurten,
        "_links": _links(info.id),
    }


def _require_write_session(request: Request, user: User | None) -> User:
    require_write_session(request, user)
    if Role(user.rol) not in (Role.ADMIN, Role.COORDINATOR):
        raise ApiProblem(
            403,
            "alleen beheerders en regiocoördinatoren starten of annuleren sweeps",
            "only administrators and regional coordinators start or cancel sweeps",
        )
    return user


def check_selection(db: Session, user: User, regios: list[str], gemeenten: list[str], alle: bool) -> None:
    """A coordinator sweeps her own region only; the whole country is for administrators (403 otherwise)."""
    principal = Principal.of(user)
    if principal.rol is Role.ADMIN:
        return
    if alle:
        raise ApiProblem(403, "alleen beheerders starten een landelijke sweep",
                         "only administrators start a national sweep")  # fmt: skip
    for regio in regios:
        if not can_edit_region(principal, regio):
            raise ApiProblem(403, f"u mag geen sweep starten voor regio {regio}",
                             f"you may not start a sweep for region {regio}")  # fmt: skip
    if gemeenten:
        own = {g.code for g in region_gemeenten(db, user.res_code)} if user.res_code else set()
        outside = sorted(set(gemeenten) - own)
        if outside:
            raise ApiProblem(403, f"u mag geen sweep starten voor {', '.join(outside)}",
                             f"you may not start a sweep for {', '.join(outside)}")  # fmt: skip


def start_sweep_for(
    request: Request, db: Session, user: User, regios: list[str], gemeenten: list[str], alle: bool,
    instellingen: sweep.SweepInstellingen, uitvoering: str,
) -> sweep.SweepInfo:  # fmt: skip
    """Record a sweep and start it in a background thread (shared by the API and the page form)."""
    if not (regios or gemeenten or alle):
        raise ApiProblem(400, "kies regio's, gemeenten of alle buurten", "choose regions, gemeenten or all buurten")
    check_selection(db, user, regios, gemeenten, alle)
    settings = request.app.state.settings
    scheduler = (settings.dask_scheduler or sweep.BACKEND_LOCAL) if uitvoering == "standaard" else uitvoering
    try:
        row = sweep.create_sweep(
            db, instellingen, regios=regios or None, gemeenten=gemeenten or None, scheduler=scheduler, user=user
        )
        sweep.prepare_shared(instellingen)  # refuse an unknown parameter set or criterion before anything runs
    except sweep.SweepError as exc:
        db.rollback()
        raise ApiProblem(404 if exc.not_found else 400, exc.nl, exc.en) from None
    db.commit()
    sweep.start_in_background(request.app.state.sessionmaker, row.id, n_workers=settings.dask_workers)
    info = sweep.get_sweep(db, row.id)
    assert info is not None
    return info


def _get(db: Session, sweep_id: int) -> sweep.SweepInfo:
    info = sweep.get_sweep(db, sweep_id)
    if info is None:
        raise ApiProblem(404, f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found")
    return info


# ------------------------------------------------------------------------------------------------ routes


@router.post(
    "/sweeps",
    tags=["Sweeps"],
    operation_id="startSweep",
    summary="Start een SMAA-sweep",
    description="Start een robuustheidsanalyse (SMAA-2) voor alle buurten van de gekozen regio's, gemeenten of het "
    "hele land, verdeeld per gemeente over een Dask-cluster. Antwoordt direct met 202, de sweep en een "
    "`Location`-header; volg de voortgang met `GET /sweeps/{sweepid}`. Vereist een sessie van een beheerder of "
    "regiocoördinator (alleen de eigen regio) en de header `X-CSRF-Token`.",
    status_code=202,
    response_model=SweepDetail,
    responses={**WRITE_RESPONSES, 404: {"description": "Regio, gemeente of parameterset niet gevonden."}},
    openapi_extra={"x-sessie": True},
)
def start_sweep(
    request: Request,
    response: Response,
    verzoek: SweepStart = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _require_write_session(request, user)
    regios = [check_code(normalise_rescode, r, "regios") for r in verzoek.regios or []]
    gemeenten = [check_code(normalise_gemeentecode, g, "gemeenten") for g in verzoek.gemeenten or []]
    instellingen = sweep.SweepInstellingen(
        parameterset=verzoek.parameterset, parameterset_versie=verzoek.parameterset_versie,
        zichtjaar=verzoek.zichtjaar, n_samples=verzoek.n_samples, seed=verzoek.seed, methode=verzoek.methode,
        gewichten=verzoek.gewichten, spreiding=verzoek.spreiding,
        criteria=tuple(verzoek.criteria) if verzoek.criteria is not None else None, onzekerheid=verzoek.onzekerheid,
    )  # fmt: skip
    try:
        instellingen.validate()
    except sweep.SweepError as exc:
        raise ApiProblem(400, exc.nl, exc.en) from None
    info = start_sweep_for(request, db, user, [r for r in regios if r], [g for g in gemeenten if g], verzoek.alle,
                           instellingen, verzoek.uitvoering)  # fmt: skip
    response.headers["Location"] = f"{API_PREFIX}/sweeps/{info.id}"
    return sweep_body(info)


@router.get(
    "/sweeps",
    tags=["Sweeps"],
    operation_id="lijstSweeps",
    summary="Sweeps",
    description="Alle sweeps, nieuwste eerst, met status en voortgang.",
    response_model=SweepLijst,
)
def sweeps(request: Request, pages: PageParams = Depends(page_params), db: Session = Depends(get_db)) -> dict:
    page = sweep.list_sweeps(db, pages.paging())
    return list_body(request, page, [sweep_body(i) for i in page.items])


@router.get(
    "/sweeps/{sweepid}",
    tags=["Sweeps"],
    operation_id="haalSweep",
    summary="Eén sweep",
    description="Status en voortgang van een sweep (afgeronde partities van het totaal), met de instellingen, de "
    "gebruikte scheduler en de codeversie.",
    response_model=SweepDetail,
)
def sweep_detail(sweepid: int = SWEEPID, db: Session = Depends(get_db)) -> dict:
    return sweep_body(_get(db, sweepid))


@router.get(
    "/sweeps/{sweepid}/resultaten",
    tags=["Sweeps"],
    operation_id="lijstSweepResultaten",
    summary="Resultaten van een sweep",
    description="Per buurt de meest aanvaardbare variant, de eersterangsacceptatie daarvan, de praktisch "
    "gelijkwaardige varianten en de acceptatie van elke variant. Met `formaat=csv` of `Accept: text/csv` alle "
    "buurten als CSV. Leeg zolang de sweep niet klaar is.",
    response_model=SweepResultaatLijst,
    responses={200: {"content": {CSV: {"schema": {"type": "string"}}}}},
)
def sweep_resultaten(
    request: Request,
    sweepid: int = SWEEPID,
    gemeente: str | None = Query(None, description="Alleen de buurten van deze gemeente."),
    formaat: Literal["json", "csv"] | None = Query(None, description="`json` (standaard) of `csv` (alle buurten)."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    info = _get(db, sweepid)
    accept = request.headers.get("accept", "")
    if formaat == "csv" or (formaat is None and any(p.split(";")[0].strip() == CSV for p in accept.split(","))):
        data = sweep.export_csv(db, info.id).encode("utf-8")
        return Response(data, media_type=f"{CSV}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="sweep-{info.id}.csv"'})  # fmt: skip
    code = check_code(normalise_gemeentecode, gemeente, "gemeente")
    page = sweep.sweep_results(db, info.id, gemeente=code, paging=pages.paging())
    items = [
        {"buurt_code": r.buurt_code, "gemeente_code": r.gemeente_code, "winnaar": r.winnaar,
         "acceptatie": r.acceptatie, "gelijkspel": list(r.gelijkspel), "acceptaties": r.acceptaties}
        for r in page.items
    ]  # fmt: skip
    return list_body(request, page, items)


@router.get(
    "/sweeps/{sweepid}/gemeenten",
    tags=["Sweeps"],
    operation_id="lijstSweepGemeenten",
    summary="Winnaars per gemeente",
    description="Per gemeente hoeveel buurten elke variant wint en de gemiddelde eersterangsacceptatie daarvan.",
    response_model=GemeenteOverzichtLijst,
)
def sweep_gemeenten(sweepid: int = SWEEPID, db: Session = Depends(get_db)) -> dict:
    info = _get(db, sweepid)
    overview = sweep.gemeente_overview(db, info.id)
    return {
        "sweep": info.id,
        "resultaten": [
            {"gemeente_code": g.gemeente_code, "gemeente_naam": g.gemeente_naam, "aantal_buurten": g.aantal_buurten,
             "winnaars": [vars(t) for t in g.winnaars]}
            for g in overview
        ],
    }  # fmt: skip


@router.post(
    "/sweeps/{sweepid}/annuleren",
    tags=["Sweeps"],
    operation_id="annuleerSweep",
    summary="Annuleer een sweep",
    description="Stopt een wachtende of lopende sweep: de resterende partities worden geannuleerd en er worden "
    "geen resultaten bewaard. Een afgelopen sweep geeft 409. Vereist een sessie van een beheerder of "
    "regiocoördinator en de header `X-CSRF-Token`.",
    response_model=SweepDetail,
    responses={**WRITE_RESPONSES, 409: {"description": "De sweep is al afgelopen."}},
    openapi_extra={"x-sessie": True},
)
def annuleer_sweep(
    request: Request,
    sweepid: int = SWEEPID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _require_write_session(request, user)
    info = _get(db, sweepid)
    if Role(user.rol) is not Role.ADMIN:
        regios = info.regios or []
        own = bool(regios) and all(can_edit_region(Principal.of(user), r) for r in regios)
        if not own and info.gestart_door_id != user.id:
            raise ApiProblem(403, "u mag deze sweep niet annuleren", "you may not cancel this sweep")
    try:
        info = sweep.request_cancel(db, sweepid)
    except sweep.SweepError as exc:
        raise ApiProblem(409 if exc.conflict else 404, exc.nl, exc.en) from None
    db.commit()
    return sweep_body(info)
