"""Parameter sets (kentallen), read-only."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from warmteregio.services import queries
from warmteregio.web.api import schemas
from warmteregio.web.api.common import PageParams, list_body, page_params
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.deps import get_db

router = APIRouter(tags=["Parametersets"])


@router.get(
    "/parametersets",
    operation_id="lijstParametersets",
    summary="Parametersets",
    description="Alle benoemde en geversioneerde sets kentallen, met het aantal waarden per set.",
    response_model=schemas.ParametersetLijst,
)
def parametersets(
    request: Request,
    naam: str | None = Query(None, max_length=100, description="Alleen sets met precies deze naam."),
    pages: PageParams = Depends(page_params),
    db: Session = Depends(get_db),
) -> dict:
    page = queries.list_parametersets(db, naam=naam, paging=pages.paging())
    return list_body(request, page, [asdict(p) for p in page.items])


@router.get(
    "/parametersets/{naam}",
    operation_id="haalParameterset",
    summary="Eén parameterset",
    description="Een parameterset met al haar waarden; standaard de laatst aangemaakte versie, met `versie` een "
    "bepaalde versie.",
    response_model=schemas.ParametersetDetail,
)
def parameterset(
    naam: str = Path(max_length=100, description="Naam van de set."),
    versie: str | None = Query(None, max_length=40, description="Versie; standaard de laatst aangemaakte."),
    db: Session = Depends(get_db),
) -> dict:
    detail = queries.get_parameterset(db, naam, versie)
    if detail is None:
        label = f"{naam} (versie {versie})" if versie else naam
        label_en = f"{naam} (version {versie})" if versie else naam
        raise ApiProblem(404, f"Parameterset {label} niet gevonden", f"Parameter set {label_en} not found")
    return asdict(detail)
