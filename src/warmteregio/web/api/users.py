"""The logged-in user (``/mij``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from warmteregio.store.models import User
from warmteregio.web.api import schemas
from warmteregio.web.auth import require_user

router = APIRouter(tags=["Gebruikers"])


@router.get(
    "/mij",
    operation_id="haalMij",
    summary="De ingelogde gebruiker",
    description="Naam, e-mail, rol en werkgebied (regio of gemeente) van de gebruiker van deze sessie; 401 als "
    "niemand is ingelogd.",
    response_model=schemas.Gebruiker,
    responses={401: {"description": "Niet ingelogd."}},
)
def mij(user: User = Depends(require_user)) -> schemas.Gebruiker:
    return schemas.Gebruiker(
        naam=user.naam, email=user.email, rol=user.rol, regio_code=user.res_code, gemeente_code=user.gemeente_code
    )
