"""``warmteregio demo ...``: load the embedded demo region."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_factory, database_session, progress_bar
from warmteregio.data.base import ImportValidationError

app = typer.Typer(help="Demoregio Drechtsteden / demo region", no_args_is_help=True)
out = Console()


@app.command("laden")
def laden() -> None:
    """Laad de demoregio Drechtsteden (ES18) met echte data en een demo-account / load the demo region."""
    from warmteregio.demo.loader import DEMO_OFFICIALS, DEMO_PARTICIPANTS, REGION_NAME, DemoDataError, load_demo

    try:
        with database_session() as session, progress_bar("demoregio / demo region") as progress:
            result = load_demo(session, progress=progress)
    except ImportValidationError as exc:
        console.print(exc.report.format("nl"), markup=False, highlight=False)
        console.print(exc.report.format("en"), markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except DemoDataError as exc:
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    table = Table(title=f"Demoregio {result.regio} {REGION_NAME}", show_header=False)
    table.add_column("wat / what")
    table.add_column("aantal / count", justify="right")
    table.add_row("gemeenten / municipalities", str(result.gemeenten))
    table.add_row("buurten / neighbourhoods", str(result.buurten))
    table.add_row("  schematische grenzen / schematic boundaries", str(result.schematisch))
    table.add_row("  echte grenzen / real boundaries", str(result.echte_grenzen))
    table.add_row("  zonder grens / without boundary", str(len(result.zonder_geometrie)))
    table.add_row("warmtebronnen / heat sources", str(result.bronnen))
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]- {note}[/dim]", highlight=False)
    status = "aangemaakt / created" if result.account_nieuw else "bestond al, bijgewerkt / already existed, updated"
    out.print(
        Panel.fit(
            f"e-mail:     [bold]{result.account_email}[/bold]\n"
            f"wachtwoord: [bold]{result.account_password}[/bold]\n"
            f"rol / role: regiocoördinator {result.regio} {REGION_NAME}\n"
            f"account:    {status}\n"
            "workshopdeelnemers / workshop participants (zelfde wachtwoord / same password):\n"
            + "".join(f"            {email}\n" for email, _naam, _gm in DEMO_PARTICIPANTS)
            + "gemeenteambtenaren (warmteprogramma) / gemeente officials (same password):\n"
            + "".join(f"            {email}\n" for email, _naam, _gm in DEMO_OFFICIALS)
            + "\n"
            + "Openbaar demo-wachtwoord: gebruik deze database niet voor echte gegevens.\n"
            "Public demo password: do not use this database for real data.",
            title="Demo-login / demo login",
            border_style="green",
        )
    )


@app.command("allocaties")
def allocaties(
    gebruiker: str = typer.Option("demo@warmteregio.nl", help="e-mail van wie start / user e-mail"),
) -> None:
    """Reken de drie demo-allocaties van Drechtsteden door (als ze er nog niet zijn) / run the demo allocations."""
    from warmteregio.demo.allocaties import create_demo_allocations
    from warmteregio.services.allocatie import AllocatieError

    engine, factory = database_factory()
    try:
        result = create_demo_allocations(factory, gebruiker=gebruiker)
    except AllocatieError as exc:
        console.print(f"{exc.nl} / {exc.en}", markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
    for titel, run_id, status in result.runs:
        out.print(f"allocatie {run_id}: {titel} ({status})", highlight=False)
    out.print(f"{result.nieuw} nieuw doorgerekend / newly computed", highlight=False)


@app.command("programmas")
def programmas() -> None:
    """Zet de demo-warmteprogramma's van zes Drechtsteden-gemeenten klaar (Dordrecht niet: dat stelt de demo-ambtenaar
    zelf op) / seed the demo heat programmes of six gemeenten (not Dordrecht: its demo official drafts it)."""
    from warmteregio.demo.programmas import create_demo_programmes
    from warmteregio.services.programma import ProgrammaError

    engine, factory = database_factory()
    try:
        result = create_demo_programmes(
            factory, progress=lambda gm: out.print(f"warmteprogramma {gm} ...", highlight=False)
        )
    except ProgrammaError as exc:
        console.print(f"{exc.nl} / {exc.en}", markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
    for gm, prog_id, volgnummer, status in result.programmas:
        out.print(f"{gm} versie {volgnummer} (id {prog_id}): {status}", highlight=False)
    out.print(f"{result.nieuw} gemeenten nieuw klaargezet / newly seeded", highlight=False)


@app.command("netwerk")
def netwerk() -> None:
    """Zet het demo-netwerk klaar: leden, kennisbank, een werkatelier met terugblik, een regiodag met twee parallelle
    workshops en aanmeldingen, vragen en de informatiebehoefte van twee jaar / seed the demo network."""
    from warmteregio.demo.netwerk import NPLW_EMAIL, create_demo_netwerk
    from warmteregio.services.netwerk import NetwerkError

    engine, factory = database_factory()
    try:
        result = create_demo_netwerk(factory, progress=lambda what: out.print(f"netwerk: {what} ...", highlight=False))
    except NetwerkError as exc:
        console.print(f"{exc.nl} / {exc.en}", markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        engine.dispose()
    out.print(
        f"{result.personen} personen, {result.kennisitems} kennisitems / people, knowledge items", highlight=False
    )
    for bid, titel in result.bijeenkomsten:
        out.print(f"bijeenkomst {bid}: {titel}", highlight=False)
    for vid, jaar, status in result.vragenlijsten:
        out.print(f"vragenlijst {vid}: {jaar} ({status})", highlight=False)
    out.print(
        "nieuw klaargezet / newly seeded" if result.nieuw else "was al klaargezet / already seeded", highlight=False
    )
    out.print(f"beheerder nationaal programma / national programme administrator: {NPLW_EMAIL} (demo-wachtwoord)",
              highlight=False)  # fmt: skip
