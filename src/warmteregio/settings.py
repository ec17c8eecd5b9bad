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
    smtp_host: str | None = Field(
        default=None,
        description="SMTP-server voor uitnodigingen en herinneringen / SMTP server for invitations and reminders. "
        "Empty: no e-mail is sent (the pages say so).",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port (25, 587 with STARTTLS, 465 TLS).")
    smtp_user: str | None = Field(default=None, description="SMTP user name (empty: no login).")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS after connecting.")
    smtp_ssl: bool = Field(default=False, description="Connect with implicit TLS (port 465).")
    smtp_timeout_s: float = Field(default=20.0, gt=0, description="SMTP connection timeout [s].")
    mail_from: str = Field(
        default="warmteregio <noreply@warmteregio.example.nl>", description="Sender of the e-mails (From)."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URL of the site, used for links in e-mails and calendar entries.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
