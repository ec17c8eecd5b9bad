"""``warmteregio beoordeling ...``: start and list assessment runs from the command line (thin)."""

from __future__ import annotations

import typer
from sqlalchemy import func, select

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.services import assessment
from warmteregio.store.models import User

app = typer.Typer(help="Beoordelingen (kosten per buurt en variant) / assessment runs", no_args_is_help=True)


@app.command("start")
def start(
    regio: str = typer.Option(..., help="RES-regiocode, bv. ES18 / RES region code"),
    parameters: str = typer.Option("vesta2025", help="parameterset / parameter set"),
    versie: str | None = typer.Option(None, help="versie van een opgeslagen set / version of a stored set"),
    zichtjaar: int = typer.Option(2030, help="zichtjaar / view year"),
    gebruiker: str | None = typer.Option(None, help="e-mail van de gebruiker die de run start / user e-mail"),
    als_nog_geen: bool = typer.Option(
        False, "--als-nog-geen", help="alleen als de regio nog geen afgeronde run heeft / only if none exists yet"
    ),
) -> None:
    """Bereken de kosten per buurt en variant voor een regio en sla ze op / run and store an assessment."""
    regio = regio.strip().upper()
    try:
        with database_session() as session:
            if als_nog_geen:
                latest = assessment.latest_run(session, regio)
                if latest is not None and latest.status == assessment.STATUS_KLAAR:
                    typer.echo(f"regio {regio} heeft al run {latest.id} / region already has run {latest.id}")
                    return
            user = None
            if gebruiker:
                user = session.scalar(select(User).where(func.lower(User.email) == gebruiker.strip().lower()))
                if user is None:
                    console.print(f"Fout: gebruiker {gebruiker} bestaat niet\nError: user {gebruiker} does not exist")
                    raise typer.Exit(EXIT_BAD_INPUT)
            run = assessment.start_run(session, regio, parameters, versie, zichtjaar, None, user)
            if run.status != assessment.STATUS_KLAAR:
                console.print(f"Fout / error: run {run.id} {run.status}: {run.foutmelding}", markup=False)
                raise typer.Exit(1)
            typer.echo(
                f"run {run.id}: {run.aantal_rijen} rijen/rows (buurt x variant), regio {regio}, "
                f"{run.parameterset_naam} {run.parameterset_versie}, zichtjaar {zichtjaar}"
            )
    except assessment.AssessmentError as exc:
        console.print(f"Fout: {exc.nl}\nError: {exc.en}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
