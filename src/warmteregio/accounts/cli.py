"""``warmteregio gebruiker ...``: create the first admin and other accounts."""

from __future__ import annotations

import typer

from warmteregio.accounts.service import AccountError, create_user
from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.domain.enums import Role

app = typer.Typer(help="Gebruikers beheren / manage users", no_args_is_help=True)


@app.command("aanmaken")
def create(
    email: str = typer.Option(..., help="e-mailadres / e-mail address"),
    naam: str = typer.Option("", help="naam / name"),
    rol: Role = typer.Option(Role.ADMIN, help="rol / role"),
    regio: str | None = typer.Option(None, help="RES-regio (ES18) voor een regiocoördinator"),
    gemeente: str | None = typer.Option(None, help="gemeentecode (GM0505) voor een gemeenteambtenaar"),
    password: str = typer.Option(
        ..., prompt="Wachtwoord / password", hide_input=True, confirmation_prompt=True,
        envvar="WARMTEREGIO_NEW_PASSWORD",
    ),
) -> None:
    """Maak een gebruiker aan (standaard een beheerder) / create a user (an admin by default)."""
    try:
        with database_session() as session:
            user = create_user(
                session, email=email, naam=naam, password=password, rol=rol, res_code=regio,
                gemeente_code=gemeente,
            )
            typer.echo(f"gebruiker aangemaakt / user created: {user.email} ({user.rol})")
    except AccountError as exc:
        console.print(f"Fout: {exc.nl}\nError: {exc.en}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
