"""The JSON API under ``/api/v1``, following the NL API Design Rules (Logius) and their geospatial module.

:func:`install_api` wires it into an app: the router, the OpenAPI document at ``/api/v1/openapi.json``
(public, ``Access-Control-Allow-Origin: *``), problem+json errors and the ``API-Version`` header.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from warmteregio.web.api import (
    afweging,
    allocatie,
    areas,
    beoordelingen,
    bijeenkomsten,
    casussen,
    kennis,
    netwerk,
    parametersets,
    programmas,
    sources,
    sweeps,
    users,
    vragenlijsten,
)
from warmteregio.web.api.openapi import build_openapi
from warmteregio.web.api.problems import ApiHeadersMiddleware, install_error_handlers

API_VERSION = "1.0.0"
"""Full API version (semver); the major version is in :data:`API_PREFIX`."""

API_PREFIX = "/api/v1"

router = APIRouter()
router.include_router(areas.router)
router.include_router(sources.router)
router.include_router(parametersets.router)
router.include_router(users.router)
router.include_router(beoordelingen.router)
router.include_router(afweging.router)
router.include_router(casussen.router)
router.include_router(sweeps.router)
router.include_router(allocatie.router)
router.include_router(programmas.router)
router.include_router(netwerk.router)
router.include_router(bijeenkomsten.router)
router.include_router(kennis.router)
router.include_router(vragenlijsten.router)


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(openapi_for(request.app), headers={"Access-Control-Allow-Origin": "*"})


def install_api(app: FastAPI) -> None:
    """Include the API router under :data:`API_PREFIX` and install its error handling and headers."""
    app.state.api_version = API_VERSION
    app.state.openapi_document = None
    app.include_router(router, prefix=API_PREFIX)
    install_error_handlers(app)
    app.add_middleware(ApiHeadersMiddleware, version=API_VERSION)


def openapi_for(app: FastAPI) -> dict:
    """The OpenAPI document of ``app`` (built once, then cached on ``app.state``)."""
    if getattr(app.state, "openapi_document", None) is None:
        app.state.openapi_document = build_openapi(app, app.state.settings, prefix=API_PREFIX, version=API_VERSION)
    return app.state.openapi_document
