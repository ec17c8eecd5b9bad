"""API endpoints: afweging (issue 4, Afwegingskader II): the criteria catalogue, weighing and robustness of a run,
explanations per buurt, the criteria matrix with provenance, and criterion values entered by users.

Weighing and robustness only compute (nothing is stored): ``GET`` with the weights in the query string or
``POST`` with a JSON body, both public like the rest of the read API. Entering or withdrawing a criterion value
changes state: it needs a logged-in session (cookie), the ``X-CSRF-Token`` header with the session's CSRF token
and permission for the buurt's gemeente (gemeente users their own gemeente, regional coordinators their region,
administrators every buurt).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_buurtcode
from warmteregio.engine.mcda import Constraint
from warmteregio.services import afweging
from warmteregio.services.queries import Page
from warmteregio.store.models import Criteriuminvoer, User
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
from warmteregio.web.api.schemas import Lijst, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
CSV = "text/csv"
TAG = "Afweging"
MAX_API_SAMPLES = 20_000
Methode = Literal["gewogen_som", "topsis", "promethee_ii"]
Operator = Literal[">=", "<=", ">", "<"]

_RUN_RESPONSES = {
    404: {"description": "Beoordeling of buurt niet gevonden."},
    409: {"description": "De beoordeling is niet klaar of heeft geen resultaten."},
}

BEOORDELINGID = Path(ge=1, le=2_147_483_647, description="Nummer van de beoordeling.")
INVOERID = Path(ge=1, le=2_147_483_647, description="Nummer van de ingevoerde criteriumwaarde.")
BUURTCODE = Path(description="CBS-buurtcode, bijvoorbeeld BU05050101.")


# ------------------------------------------------------------------------------------------------ schemas


class Criterium(Schema):
    """Een criterium van het afwegingskader, met de standaardweging en de herkomst van de waarden."""

    code: str = Field(description="Code van het criterium.")
    naam: str = Field(description="Naam (Nederlands).")
    naam_en: str = Field(description="Naam (Engels).")
    groep: str = Field(description="Groep: technisch, economisch of sociaal.")
    eenheid: str = Field(description="Eenheid van de waarden.")
    richting: int = Field(description="1: hoger is beter; -1: lager is beter.")
    berekening: str = Field(description="Hoe de waarde ontstaat: berekend, oordeel of invoer.")
    standaard_gewicht: float = Field(description="Standaardgewicht, genormaliseerd (som 1).")
    onzekerheid: float = Field(description="Relatieve standaardafwijking voor de robuustheidsanalyse.")
    bron: str = Field(description="Bron of rekenregel.")
    uitleg: str = Field(description="Uitleg (Nederlands).")
    uitleg_en: str = Field(description="Uitleg (Engels).")


class CriteriumLijst(Lijst):
    """De criteria van het afwegingskader."""

    resultaten: list[Criterium]


class Beperking(Schema):
    """Een harde eis: een variant valt af in een buurt als de waarde niet aan de eis voldoet."""

    criterium: str = Field(description="Code van het criterium.")
    operator: Operator = Field(description="Vergelijking.")
    drempel: float = Field(description="Drempel in de eenheid van het criterium.")


class VariantScore(Schema):
    """Score en rang van een variant in een buurt."""

    code: str = Field(description="Code van de variant, bijvoorbeeld S1a.")
    beschikbaar: bool = Field(description="Of de variant meedoet in deze buurt (geldig en voldoet aan de eisen).")
    score: float | None = Field(description="Score (hoger is beter); null als de variant niet meedoet.")
    rang: int | None = Field(description="Rang, 1 is de beste; null als de variant niet meedoet.")


class BuurtWeging(Schema):
    """De rangorde van de varianten in een buurt."""

    buurt_code: str
    winnaar: str | None = Field(description="De variant op de eerste plaats; null als geen variant meedoet.")
    varianten: list[VariantScore]


class WegingVerzoek(Schema):
    """Een weging: gewichten per criterium, methode, harde eisen en eventueel een selectie van buurten."""

    gewichten: dict[str, float] | None = Field(
        default=None, description="Gewicht per criteriumcode (>= 0, wordt genormaliseerd); niet genoemde criteria "
        "tellen niet mee. Zonder gewichten gelden de standaardgewichten.",
    )
    methode: Methode = Field(default="gewogen_som", description="Wegingsmethode.")
    beperkingen: list[Beperking] = Field(default_factory=list, description="Harde eisen.")
    buurten: list[str] | None = Field(default=None, description="Alleen deze buurtcodes; standaard alle.")


class WegingLijst(Lijst):
    """De rangorde van de varianten per buurt, met de gebruikte (genormaliseerde) gewichten."""

    beoordeling: int = Field(description="Nummer van de beoordeling.")
    methode: str
    gewichten: dict[str, float] = Field(description="De gebruikte gewichten per criterium, genormaliseerd (som 1).")
    beperkingen: list[Beperking]
    varianten: list[str] = Field(description="De varianten in de volgorde van de matrix.")
    criteria: list[str] = Field(description="De criteria in de volgorde van de matrix.")
    resultaten: list[BuurtWeging]


class RobuustheidVerzoek(Schema):
    """Instellingen van de robuustheidsanalyse (SMAA-2)."""

    gewichten: dict[str, float] | None = Field(
        default=None, description="Gewichten om de omslag (kleinste gewichtswijziging) vanaf te berekenen; standaard "
        "de standaardgewichten.",
    )
    methode: Methode = Field(default="gewogen_som", description="Wegingsmethode.")
    bereiken: dict[str, list[float]] | None = Field(
        default=None, description="Per criterium [onder, boven] van het genormaliseerde gewicht; zonder bereiken "
        "worden gewichten uniform getrokken.",
    )
    onzekerheid: bool = Field(default=True, description="Neem de onzekerheid van de criteriumwaarden mee.")
    aantal_trekkingen: int = Field(default=10_000, ge=1, le=MAX_API_SAMPLES, description="Aantal trekkingen.")
    seed: int = Field(default=0, ge=0, le=2_147_483_647, description="Startwaarde van de toevalsgenerator.")
    beperkingen: list[Beperking] = Field(
        default_factory=list, description="Harde eisen: uitgesloten varianten doen in geen enkele trekking mee."
    )
    buurten: list[str] | None = Field(default=None, description="Alleen deze buurtcodes; standaard alle.")


class VariantAcceptatie(Schema):
    """Robuustheid van een variant in een buurt."""

    code: str
    eerste_rang: float = Field(description="Aandeel van de trekkingen waarin de variant eerste is.")
    rangen: list[float] = Field(description="Aandeel van de trekkingen per rang (1, 2, ...).")
    centrale_gewichten: dict[str, float] | None = Field(
        description="Gemiddelde gewichten van de trekkingen waarin de variant eerste is; null als dat nooit zo is."
    )
    betrouwbaarheid: float | None = Field(
        description="Aandeel van de invoertrekkingen waarin de variant met zijn centrale gewichten eerste is."
    )
    wint_van_winnaar: float = Field(description="Aandeel van de trekkingen waarin de variant hoger scoort dan "
                                    "de meest aanvaardbare variant.")  # fmt: skip
    gelijkspel: bool = Field(description="Praktisch gelijkwaardig aan de meest aanvaardbare variant.")


class Omslag(Schema):
    """De kleinste wijziging van één gewicht die een andere variant eerste maakt."""

    criterium: str
    verandering: float = Field(description="Nieuw gewicht min huidig gewicht (genormaliseerd).")
    nieuwe_winnaar: str


class BuurtRobuustheid(Schema):
    """Robuustheid van de keuze in een buurt."""

    buurt_code: str
    winnaar: str | None = Field(description="De meest aanvaardbare variant (hoogste eerste-rangaandeel).")
    acceptatie: float | None = Field(description="Eerste-rangaandeel van de winnaar.")
    gelijkspel: list[str] = Field(description="Varianten die praktisch gelijk zijn aan de winnaar (incl. winnaar).")
    omslag: Omslag | None = Field(description="Kleinste gewichtswijziging die de uitkomst verandert (gewogen som).")
    varianten: list[VariantAcceptatie]


class RobuustheidLijst(Lijst):
    """Robuustheid per buurt (SMAA-2)."""

    beoordeling: int
    methode: str
    gewichten: dict[str, float]
    aantal_trekkingen: int
    seed: int
    varianten: list[str]
    criteria: list[str]
    resultaten: list[BuurtRobuustheid]


class Uitleg(Schema):
    """De uitleg van de afweging in een buurt, in het Nederlands en het Engels."""

    beoordeling: int
    buurt_code: str
    winnaar: str | None
    tweede: str | None
    sterk: list[str] = Field(description="Criteria waarop de winnaar het sterkst is.")
    zwak: list[str] = Field(description="Criteria waarop de winnaar het zwakst is.")
    robuustheid: float | None = Field(description="Eerste-rangaandeel van de winnaar (0-1).")
    gelijkspel: list[str]
    dilemma: str | None
    dilemma_en: str | None
    omslag: str | None
    omslag_en: str | None
    tekst: str = Field(description="De hele uitleg (Nederlands).")
    tekst_en: str = Field(description="De hele uitleg (Engels).")
    gewichten: dict[str, float]


class Criteriumwaarde(Schema):
    """Een door een gebruiker ingevoerde criteriumwaarde, met wie, wanneer en waarom."""

    id: int
    buurt_code: str
    variant: str = Field(description="Variantcode, of * voor alle varianten van de buurt.")
    criterium: str
    waarde: float
    toelichting: str
    door: str | None = Field(description="Naam van wie de waarde invoerde.")
    gemaakt: str = Field(description="Tijdstip (ISO 8601).")
    vervangen_door: int | None = Field(description="Nummer van de invoer die deze verving.")
    ingetrokken: bool
    actueel: bool = Field(description="Niet vervangen en niet ingetrokken: deze waarde telt mee.")


class CriteriumwaardeLijst(Lijst):
    """Ingevoerde criteriumwaarden van een buurt, nieuwste eerst."""

    resultaten: list[Criteriumwaarde]


class CriteriumwaardeInvoer(Schema):
    """Een nieuwe criteriumwaarde voor een buurt; vervangt de vorige voor dezelfde variant en hetzelfde criterium."""

    variant: str = Field(default="*", max_length=20, description="Variantcode, of * voor alle varianten.")
    criterium: str = Field(max_length=60, description="Code van het criterium.")
    waarde: float = Field(description="Waarde in de eenheid van het criterium.")
    toelichting: str = Field(min_length=1, max_length=4000, description="Waarom deze waarde; welke bron.")


class CriteriaRij(Schema):
    """De criteriumwaarden van één buurt x één variant, met hun herkomst."""

    buurt_code: str
    variant: str
    beschikbaar: bool
    waarden: dict[str, float | None] = Field(description="Waarde per criterium.")
    herkomst: dict[str, str] = Field(description="Per criterium: berekend, oordeel, invoer of onbekend.")


class CriteriaLijst(Lijst):
    """De criteriamatrix van een beoordeling."""

    beoordeling: int
    criteria: list[str]
    resultaten: list[CriteriaRij]


# ------------------------------------------------------------------------------------------------ helpers


def _problem(exc: afweging.AfwegingError) -> ApiProblem:
    return ApiProblem(exc.status, exc.nl, exc.en)


def _buurten(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    codes = [p.strip() for v in values for p in v.split(",") if p.strip()]
    return [check_code(normalise_buurtcode, c, "buurten") for c in codes] or None  # type: ignore[misc]


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _page(pages: PageParams, items: list) -> tuple[Page, list]:
    paging = pages.paging()
    part = items[paging.offset : paging.offset + paging.pagina_grootte]
    return Page(part, len(items), paging.pagina, paging.pagina_grootte), part


def _weging_body(request: Request, w: afweging.Weging, pages: PageParams) -> dict:
    dm, r = w.cm.dm, w.ranking
    page, idx = _page(pages, list(range(len(dm.buurten))))
    items = []
    for b in idx:
        winner = int(r.winner[b])
        items.append({
            "buurt_code": str(dm.buurten[b]),
            "winnaar": dm.varianten[winner] if winner >= 0 else None,
            "varianten": [
                {"code": code, "beschikbaar": bool(r.available[b, v]),
                 "score": _num(r.scores[b, v]) if r.available[b, v] else None,
                 "rang": int(r.ranks[b, v]) if r.ranks[b, v] > 0 else None}
                for v, code in enumerate(dm.varianten)
            ],
        })  # fmt: skip
    body = list_body(request, page, items)
    body.update({
        "beoordeling": w.run_id, "methode": w.methode, "gewichten": w.gewichten,
        "beperkingen": [{"criterium": c.criterium, "operator": c.operator, "drempel": c.drempel}
                        for c in w.beperkingen],
        "varianten": list(dm.varianten), "criteria": list(dm.criteria),
    })  # fmt: skip
    return body


def _robuustheid_body(request: Request, rob: afweging.Robuustheid, pages: PageParams) -> dict:
    dm, s, flip = rob.cm.dm, rob.smaa, rob.flip
    page, idx = _page(pages, list(range(len(dm.buurten))))
    items = []
    for b in idx:
        winner = int(s.winner[b])
        varianten = []
        for v, code in enumerate(dm.varianten):
            cw = s.central_weights[b, v]
            varianten.append({
                "code": code, "eerste_rang": float(s.acceptability[b, v, 0]),
                "rangen": [float(x) for x in s.acceptability[b, v]],
                "centrale_gewichten": None if np.isnan(cw).all() else dict(zip(dm.criteria, map(float, cw),
                                                                                 strict=True)),
                "betrouwbaarheid": _num(s.confidence[b, v]), "wint_van_winnaar": float(s.pairwise[b, v]),
                "gelijkspel": bool(s.tied[b, v]),
            })  # fmt: skip
        omslag = None
        if flip is not None and int(flip.criterion[b]) >= 0 and int(flip.new_winner[b]) >= 0:
            omslag = {"criterium": dm.criteria[int(flip.criterion[b])], "verandering": float(flip.delta[b]),
                      "nieuwe_winnaar": dm.varianten[int(flip.new_winner[b])]}  # fmt: skip
        items.append({
            "buurt_code": str(dm.buurten[b]),
            "winnaar": dm.varianten[winner] if winner >= 0 else None,
            "acceptatie": float(s.acceptability[b, winner, 0]) if winner >= 0 else None,
            "gelijkspel": [code for v, code in enumerate(dm.varianten) if s.tied[b, v]],
            "omslag": omslag,
            "varianten": varianten,
        })  # fmt: skip
    body = list_body(request, page, items)
    body.update({
        "beoordeling": rob.run_id, "methode": s.method, "gewichten": rob.gewichten, "aantal_trekkingen": s.n_samples,
        "seed": s.seed, "varianten": list(dm.varianten), "criteria": list(dm.criteria),
    })  # fmt: skip
    return body


def _entry_body(e: Criteriuminvoer, names: dict[int, str]) -> dict:
    return {
        "id": e.id, "buurt_code": e.buurt_code, "variant": e.variant_code, "criterium": e.criterium,
        "waarde": e.waarde, "toelichting": e.toelichting, "door": names.get(e.door_id) if e.door_id else None,
        "gemaakt": e.gemaakt.isoformat() if e.gemaakt else "", "vervangen_door": e.vervangen_door_id,
        "ingetrokken": bool(e.ingetrokken), "actueel": not e.ingetrokken and e.vervangen_door_id is None,
    }  # fmt: skip


def _constraints(values: list[str] | None) -> list[Constraint]:
    return [afweging.parse_constraint(v) for v in values or []]


# ------------------------------------------------------------------------------------------------ criteria


@router.get(
    "/criteria",
    tags=[TAG],
    operation_id="lijstCriteria",
    summary="Criteria van het afwegingskader",
    description="De criteria van het afwegingskader met naam, eenheid, richting (hoger of lager is beter), groep, "
    "standaardgewicht, onzekerheid, bron en uitleg in het Nederlands en het Engels.",
    response_model=CriteriumLijst,
)
def criteria(request: Request, pages: PageParams = Depends(page_params)) -> dict:
    weights = afweging.default_weights()
    items = [
        {"code": c.code, "naam": c.naam_nl, "naam_en": c.naam_en, "groep": c.groep, "eenheid": c.eenheid,
         "richting": c.richting, "berekening": c.berekening, "standaard_gewicht": weights[c.code],
         "onzekerheid": c.onzekerheid, "bron": c.bron, "uitleg": c.uitleg_nl, "uitleg_en": c.uitleg_en}
        for c in afweging.criteria_catalogue()
    ]  # fmt: skip
    page, part = _page(pages, items)
    return list_body(request, page, part)


# ------------------------------------------------------------------------------------------------ weighing


@router.get(
    "/beoordelingen/{beoordelingid}/weging",
    tags=[TAG],
    operation_id="haalWeging",
    summary="Weging van een beoordeling",
    description="Rangschikt de varianten per buurt met de gegeven gewichten (standaard: de standaardgewichten van "
    "de criteria), methode en harde eisen. Geeft per buurt de winnaar en per variant score en rang, plus de "
    "gebruikte genormaliseerde gewichten. Er wordt niets opgeslagen.",
    response_model=WegingLijst,
    responses=_RUN_RESPONSES,
)
def weging(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    gewichten: str | None = Query(
        None, max_length=4000, description="Gewichten als `code:0.3,code2:0.2`; niet genoemde criteria tellen niet "
        "mee. Zonder: de standaardgewichten.", examples=["nationale_meerkosten:0.5,co2_reductie:0.5"],
    ),
    methode: Methode = Query("gewogen_som", description="Wegingsmethode."),
    beperking: list[str] | None = Query(
        None, description="Harde eis als `criterium>=getal` (ook `<=`, `>`, `<`); mag vaker.",
        examples=["bron_capaciteit>=1"],
    ),
    buurt: list[str] | None = Query(None, description="Alleen deze buurtcode(s); mag vaker of met komma's."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    codes = _buurten(buurt)
    try:
        w = afweging.weigh(db, beoordelingid, afweging.parse_weights(gewichten), methode, _constraints(beperking),
                           codes)  # fmt: skip
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    return _weging_body(request, w, pages)


@router.post(
    "/beoordelingen/{beoordelingid}/weging",
    tags=[TAG],
    operation_id="berekenWeging",
    summary="Weging van een beoordeling (verzoek als JSON)",
    description="Als de GET-variant, met de gewichten, methode, harde eisen en buurten in een JSON-verzoek. "
    "Verandert niets: er wordt niets opgeslagen.",
    response_model=WegingLijst,
    responses=_RUN_RESPONSES,
)
def weging_post(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    verzoek: WegingVerzoek = Body(),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    codes = _buurten(verzoek.buurten)
    cons = [Constraint(b.criterium, b.operator, b.drempel) for b in verzoek.beperkingen]
    try:
        w = afweging.weigh(db, beoordelingid, verzoek.gewichten, verzoek.methode, cons, codes)
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    return _weging_body(request, w, pages)


@router.post(
    "/beoordelingen/{beoordelingid}/robuustheid",
    tags=[TAG],
    operation_id="berekenRobuustheid",
    summary="Robuustheid van de weging (SMAA-2)",
    description="Hoe robuust de keuze per buurt is: over veel plausibele wegingen (en onzekere invoer) het aandeel "
    "waarin elke variant eerste is en de aandelen per rang, de centrale gewichten, de betrouwbaarheid, de praktisch "
    "gelijkwaardige varianten en de kleinste gewichtswijziging die de winnaar verandert. Er wordt niets opgeslagen.",
    response_model=RobuustheidLijst,
    responses=_RUN_RESPONSES,
)
def robuustheid(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    verzoek: RobuustheidVerzoek = Body(),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    codes = _buurten(verzoek.buurten)
    bereiken = None
    if verzoek.bereiken is not None:
        bad = [k for k, v in verzoek.bereiken.items() if len(v) != 2]
        if bad:
            raise ApiProblem(400, f"bereik moet [onder, boven] zijn voor {', '.join(bad)}",
                             f"range must be [lower, upper] for {', '.join(bad)}")  # fmt: skip
        bereiken = {k: (v[0], v[1]) for k, v in verzoek.bereiken.items()}
    try:
        rob = afweging.robustness(
            db, beoordelingid, verzoek.gewichten, bereiken, verzoek.onzekerheid, verzoek.aantal_trekkingen,
            verzoek.seed, verzoek.methode, codes,
            beperkingen=[Constraint(b.criterium, b.operator, b.drempel) for b in verzoek.beperkingen],
        )  # fmt: skip
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    return _robuustheid_body(request, rob, pages)


@router.get(
    "/beoordelingen/{beoordelingid}/buurten/{buurtcode}/uitleg",
    tags=[TAG],
    operation_id="haalUitleg",
    summary="Uitleg van de afweging in een buurt",
    description="Een uitleg in het Nederlands en het Engels: welke variant wint en waarom (sterke en zwakke "
    "criteria), hoe robuust de keuze is, welke varianten praktisch gelijk zijn, het dilemma en wat de uitkomst zou "
    "veranderen.",
    response_model=Uitleg,
    responses=_RUN_RESPONSES,
)
def uitleg(
    beoordelingid: int = BEOORDELINGID,
    buurtcode: str = BUURTCODE,
    gewichten: str | None = Query(None, max_length=4000, description="Gewichten als `code:0.3,code2:0.2`."),
    aantal_trekkingen: int = Query(2000, alias="aantalTrekkingen", ge=1, le=MAX_API_SAMPLES,
                                   description="Aantal trekkingen voor de robuustheid."),  # fmt: skip
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    try:
        weights = afweging.parse_weights(gewichten)
        (u,) = afweging.explain_buurten(db, beoordelingid, weights, [code], n_samples=aantal_trekkingen)
        used = afweging.weigh(db, beoordelingid, weights, buurten=[code]).gewichten
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    return {
        "beoordeling": beoordelingid, "buurt_code": u.buurt_code, "winnaar": u.winnaar, "tweede": u.tweede,
        "sterk": list(u.sterk), "zwak": list(u.zwak), "robuustheid": u.robuustheid, "gelijkspel": list(u.gelijkspel),
        "dilemma": u.dilemma_nl, "dilemma_en": u.dilemma_en, "omslag": u.omslag_nl, "omslag_en": u.omslag_en,
        "tekst": u.tekst_nl, "tekst_en": u.tekst_en, "gewichten": used,
    }  # fmt: skip


@router.get(
    "/beoordelingen/{beoordelingid}/criteria",
    tags=[TAG],
    operation_id="lijstCriteriaMatrix",
    summary="Criteriamatrix van een beoordeling",
    description="De waarde van elk criterium per buurt en variant met de herkomst (berekend, oordeel, invoer of "
    "onbekend). Met `formaat=csv` of `Accept: text/csv` de hele matrix als CSV, één regel per buurt, variant en "
    "criterium, met eenheid, richting, herkomst en toelichting.",
    response_model=CriteriaLijst,
    responses={**_RUN_RESPONSES, 200: {"content": {CSV: {"schema": {"type": "string"}}}}},
)
def criteria_matrix(
    request: Request,
    beoordelingid: int = BEOORDELINGID,
    formaat: Literal["json", "csv"] | None = Query(None, description="`json` (standaard) of `csv`."),
    buurt: list[str] | None = Query(None, description="Alleen deze buurtcode(s)."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict | Response:
    codes = _buurten(buurt)
    accept = request.headers.get("accept", "")
    wants_csv = formaat == "csv" or (formaat is None and any(
        p.split(";")[0].strip().lower() == CSV for p in accept.split(",")))  # fmt: skip
    try:
        if wants_csv:
            text = afweging.criteria_csv(db, beoordelingid, codes)
            return Response(text.encode("utf-8"), media_type=f"{CSV}; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="criteria-{beoordelingid}.csv"'})
        cm = afweging.criteria_matrix(db, beoordelingid, codes)
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    dm = cm.dm
    cells = [(b, v) for b in range(len(dm.buurten)) for v in range(len(dm.varianten))]
    page, part = _page(pages, cells)
    items = [
        {"buurt_code": str(dm.buurten[b]), "variant": dm.varianten[v], "beschikbaar": bool(dm.available[b, v]),
         "waarden": {c: _num(dm.values[b, v, k]) for k, c in enumerate(dm.criteria)},
         "herkomst": {c: str(cm.herkomst[b, v, k]) for k, c in enumerate(dm.criteria)}}
        for b, v in part
    ]  # fmt: skip
    body = list_body(request, page, items)
    body.update({"beoordeling": beoordelingid, "criteria": list(dm.criteria)})
    return body


# ------------------------------------------------------------------------------------------- user entries


@router.get(
    "/buurten/{buurtcode}/criteriumwaarden",
    tags=[TAG],
    operation_id="lijstCriteriumwaarden",
    summary="Ingevoerde criteriumwaarden van een buurt",
    description="De criteriumwaarden die gebruikers voor een buurt invoerden, nieuwste eerst: standaard alleen de "
    "actuele, met `historie=true` ook vervangen en ingetrokken waarden.",
    response_model=CriteriumwaardeLijst,
)
def criteriumwaarden(
    request: Request,
    buurtcode: str = BUURTCODE,
    historie: bool = Query(False, description="Ook vervangen en ingetrokken waarden."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    entries = afweging.list_entries(db, code, with_history=historie)
    names = afweging.user_names(db, [e.door_id for e in entries])
    page, part = _page(pages, entries)
    return list_body(request, page, [_entry_body(e, names) for e in part])


@router.get(
    "/buurten/{buurtcode}/criteriumwaarden/{invoerid}",
    tags=[TAG],
    operation_id="haalCriteriumwaarde",
    summary="Eén ingevoerde criteriumwaarde",
    description="Een ingevoerde criteriumwaarde met wie haar invoerde, wanneer, waarom en of zij nog telt.",
    response_model=Criteriumwaarde,
)
def criteriumwaarde(buurtcode: str = BUURTCODE, invoerid: int = INVOERID, db: Session = Depends(get_db)) -> dict:
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    entry = db.get(Criteriuminvoer, invoerid)
    if entry is None or entry.buurt_code != code:
        raise ApiProblem(404, f"invoer {invoerid} van buurt {code} niet gevonden",
                         f"entry {invoerid} of neighbourhood {code} not found")  # fmt: skip
    return _entry_body(entry, afweging.user_names(db, [entry.door_id]))


@router.post(
    "/buurten/{buurtcode}/criteriumwaarden",
    tags=[TAG],
    operation_id="voerCriteriumwaardeIn",
    summary="Voer een criteriumwaarde in",
    description="Legt een criteriumwaarde voor een buurt en variant (of * voor alle varianten) vast, met een "
    "verplichte toelichting. De vorige waarde voor dezelfde variant en hetzelfde criterium wordt vervangen en blijft "
    "in de historie. Vereist een sessie, de header `X-CSRF-Token` en toestemming voor de gemeente van de buurt. "
    "Antwoordt 201 met de invoer en een `Location`-header.",
    status_code=201,
    response_model=Criteriumwaarde,
    responses={**WRITE_RESPONSES, 404: {"description": "Buurt niet gevonden."}},
    openapi_extra={"x-sessie": True},
)
def voer_criteriumwaarde_in(
    request: Request,
    response: Response,
    buurtcode: str = BUURTCODE,
    verzoek: CriteriumwaardeInvoer = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = require_write_session(request, user)
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    try:
        entry = afweging.enter_value(db, user, code, verzoek.variant, verzoek.criterium, verzoek.waarde,
                                     verzoek.toelichting)  # fmt: skip
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/buurten/{code}/criteriumwaarden/{entry.id}"
    return _entry_body(entry, {user.id: user.naam})


@router.delete(
    "/buurten/{buurtcode}/criteriumwaarden/{invoerid}",
    tags=[TAG],
    operation_id="trekCriteriumwaardeIn",
    summary="Trek een criteriumwaarde in",
    description="Trekt een actuele criteriumwaarde in: zij telt niet meer mee maar blijft in de historie. Vereist "
    "een sessie, de header `X-CSRF-Token` en toestemming voor de gemeente van de buurt. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses={**WRITE_RESPONSES, 404: {"description": "Invoer niet gevonden."},
               409: {"description": "De invoer is al ingetrokken of vervangen."}},
    openapi_extra={"x-sessie": True},
)
def trek_criteriumwaarde_in(
    request: Request,
    buurtcode: str = BUURTCODE,
    invoerid: int = INVOERID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = require_write_session(request, user)
    code = check_code(normalise_buurtcode, buurtcode, "buurtcode")
    entry = db.get(Criteriuminvoer, invoerid)
    if entry is None or entry.buurt_code != code:
        raise ApiProblem(404, f"invoer {invoerid} van buurt {code} niet gevonden",
                         f"entry {invoerid} of neighbourhood {code} not found")  # fmt: skip
    try:
        afweging.withdraw_value(db, user, invoerid)
    except afweging.AfwegingError as exc:
        raise _problem(exc) from None
    db.commit()
    return Response(status_code=204)
