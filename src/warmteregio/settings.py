"""Configuration, read only from the environment (prefix ``WARMTEREGIO_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "warmteregio.sqlite"


class Settings(BaseSettings):
    """All settings; each can be overridden by ``WARMTEREGIO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="WARMTEREGIO_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL. SQLite by default; e.g. postgresql+psycopg://user@host/db",
    )
    secret_key: str = Field(
        default="dev-only-change-me",
        description="Key that signs session cookies and CSRF tokens. Set it in production.",
    )
    allow_network_requests: bool = Field(
        default=False, description="Whether importers may fetch data from the internet (CBS OData)."
    )
    basemap_url: str = Field(
        default="https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:28992/{z}/{x}/{y}.png",
        description="PDOK BRT base map (WMTS, RD New). Off by default in the map; needs internet.",
    )
    basemap_enabled: bool = Field(default=False, description="Show the PDOK base map layer by default.")
    cookie_secure: bool = Field(default=False, description="Mark session cookies Secure (HTTPS only).")
    api_base_url: str = Field(
        default="https://warmteregio.example.nl/api/v1",
        description="Public base URL of the API, published in the OpenAPI `servers` list.",
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="Adres van een bestaand Dask-cluster voor landelijke sweeps / address of an existing Dask "
        "scheduler for national sweeps (e.g. tcp://10.0.0.5:8786). Empty: a LocalCluster per sweep.",
    )
    dask_workers: int = Field(
        default=2, ge=1, le=64, description="Workers of the LocalCluster a sweep starts when no scheduler is set."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
