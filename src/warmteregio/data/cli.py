"""``warmteregio import ...``: one command per importer, each with a progress bar.

Every command validates the whole file first; on any problem it prints the full report (Dutch, then
English) and exits with code 2 without changing the database.
"""

from __future__ import annotations

from pathlib import Path

import typer

from warmteregio.clitools import run_import
from warmteregio.data import buurten

app = typer.Typer(help="Gegevens importeren / import data", no_args_is_help=True)

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="bestand / file")


@app.command("buurten")
def import_buurten(
    path: Path = FileArg,
    jaar: int = typer.Option(buurten.DEFAULT_YEAR, help="jaar van de buurtindeling / year of the division"),
) -> None:
    """Landelijke buurttabel (PBL Startanalyse 2020: warmtevraag en WEQ) / national buurt table."""
    run_import("buurten", lambda s, p: buurten.import_buurt_table(s, path, jaar=jaar, progress=p))
