"""The FastAPI application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from sqlalchemy import Engine

from warmteregio import __version__
from warmteregio.settings import Settings, get_settings
from warmteregio.store.db import make_engine, make_sessionmaker

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
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
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="warmteregio_sessie",
        same_site="lax",
        https_only=settings.cookie_secure,
        max_age=8 * 3600,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from warmteregio.web.pages.routes import router as pages_router

    app.include_router(pages_router)
    return app
