"""The FastAPI application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from warmteregio import __version__
from warmteregio.settings import Settings, get_settings
from warmteregio.store.db import make_engine, make_sessionmaker

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the web application: HTML pages, the JSON API under ``/api/v1`` and static files.

    ``redirect_slashes`` is off: a trailing slash is a different, unknown path and gives 404 (API Design Rule
    /core/no-trailing-slash). FastAPI's own OpenAPI and docs routes are off; the API publishes its own
    OpenAPI 3.0 document at ``/api/v1/openapi.json``.
    """
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="warmteregio",
        version=__version__,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)

    from warmteregio.web.api import install_api

    install_api(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="warmteregio_sessie",
        same_site="lax",
        https_only=settings.cookie_secure,
        max_age=8 * 3600,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from warmteregio.web.pages import allocatie as allocatie_pages
    from warmteregio.web.pages import bijeenkomsten as bijeenkomst_pages
    from warmteregio.web.pages import bronnen as bronnen_pages
    from warmteregio.web.pages import casus as casus_pages
    from warmteregio.web.pages import kennis as kennis_pages
    from warmteregio.web.pages import netwerk as netwerk_pages
    from warmteregio.web.pages import programmas as programma_pages
    from warmteregio.web.pages import sweep_pages, vragenlijsten, weging
    from warmteregio.web.pages.routes import render_html_error
    from warmteregio.web.pages.routes import router as pages_router

    app.include_router(weging.router)
    app.include_router(casus_pages.router)
    app.include_router(sweep_pages.router)
    app.include_router(bronnen_pages.router)
    app.include_router(allocatie_pages.router)
    app.include_router(programma_pages.router)
    app.include_router(netwerk_pages.router)
    app.include_router(bijeenkomst_pages.router)
    app.include_router(kennis_pages.router)
    app.include_router(vragenlijsten.router)
    app.include_router(pages_router)
    app.state.render_html_error = render_html_error
    return app
