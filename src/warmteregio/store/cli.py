"""``warmteregio db``: schema migrations."""

from __future__ import annotations

import typer

from warmteregio.store.db import make_engine, upgrade

app = typer.Typer(help="Database: schema bijwerken / upgrade the schema", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head")) -> None:
    """Bring the database schema up to date (Alembic)."""
    engine = make_engine()
    upgrade(engine, revision)
    typer.echo(f"schema bijgewerkt tot/upgraded to {revision}: {engine.url.render_as_string(hide_password=True)}")
