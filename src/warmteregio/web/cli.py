"""``warmteregio serve``: run the web application with uvicorn."""

from __future__ import annotations

import typer


def serve(
    host: str = typer.Option("127.0.0.1", help="adres / address"),
    port: int = typer.Option(8000, help="poort / port"),
    reload: bool = typer.Option(False, help="herladen bij wijzigingen / reload on change (development)"),
) -> None:
    """Start de webapplicatie / start the web application."""
    import uvicorn

    from warmteregio.store.db import make_engine, upgrade

    upgrade(make_engine())
    uvicorn.run("warmteregio.web.app:create_app", factory=True, host=host, port=port, reload=reload)
