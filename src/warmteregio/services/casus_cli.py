"""``warmteregio casus ...``: workshop cases from the command line (thin over :mod:`warmteregio.services.casus`).

Every command acts as a user (``--gebruiker``, an e-mail address) with that user's permissions.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.services import casus as service

app = typer.Typer(help="Workshopcasussen / workshop cases", no_args_is_help=True)

GEBRUIKER = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker die handelt / e-mail of the acting user")


def _fail(exc: service.CasusError) -> typer.Exit:
    console.print(f"Fout: {exc.nl}\nError: {exc.en}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT if exc.status in (400, 409) else 1)


def _pairs(items: list[str], what_nl: str, what_en: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            console.print(f"Fout: {what_nl} moet de vorm code=waarde hebben: {item!r}\n"
                          f"Error: {what_en} must look like code=value: {item!r}", markup=False)  # fmt: skip
            raise typer.Exit(EXIT_BAD_INPUT)
        out[key.strip()] = value
    return out


@app.command("maak")
def maak(
    titel: str = typer.Option(..., help="titel / title"),
    regio: str = typer.Option(..., help="RES-regiocode / RES region code"),
    gebruiker: str = GEBRUIKER,
    beschrijving: str = typer.Option("", help="beschrijving / description"),
    beoordeling: int | None = typer.Option(None, help="beoordeling (standaard de laatste) / run id (default latest)"),
    buurt: list[str] = typer.Option([], "--buurt", help="buurtcode (herhaalbaar) / buurt code (repeatable)"),
    variant: list[str] = typer.Option([], "--variant", help="variantcode (herhaalbaar) / variant code"),
    criterium: list[str] = typer.Option([], "--criterium", help="criteriumcode (herhaalbaar) / criterion code"),
    methode: str = typer.Option("gewogen_som", help="gewogen_som, topsis of promethee_ii"),
) -> None:
    """Maak een casus / create a case."""
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            info = service.create_casus(
                session, user, titel=titel, regio=regio, beschrijving=beschrijving, run_id=beoordeling,
                buurten=buurt or None, varianten=variant or None, criteria=criterium or None, methode=methode,
            )  # fmt: skip
            typer.echo(
                f"casus {info.id}: {info.titel} ({info.regio_code}, beoordeling {info.run_id}, {len(info.buurten)} "
                f"buurten, {len(info.varianten)} varianten, {len(info.criteria)} criteria)"
            )
    except service.CasusError as exc:
        raise _fail(exc) from None


@app.command("deelnemer")
def deelnemer(
    casus: int = typer.Argument(..., help="nummer van de casus / case id"),
    email: str = typer.Argument(..., help="e-mail van de deelnemer / participant's e-mail"),
    gebruiker: str = GEBRUIKER,
    rol: str = typer.Option("deelnemer", help="deelnemer of begeleider / participant or facilitator"),
    verwijder: bool = typer.Option(False, "--verwijder", help="verwijder in plaats van toevoegen / remove"),
) -> None:
    """Voeg een deelnemer toe of verwijder hem / add or remove a participant."""
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            if verwijder:
                target = service.user_by_email(session, email)
                service.remove_deelnemer(session, user, casus, target.id)
                typer.echo(f"{target.email} verwijderd uit casus {casus} / removed")
            else:
                d = service.add_deelnemer(session, user, casus, email, rol)
                typer.echo(f"{d.email} is {d.rol} van casus {casus}")
    except service.CasusError as exc:
        raise _fail(exc) from None


@app.command("inbreng")
def inbreng(
    casus: int = typer.Argument(..., help="nummer van de casus / case id"),
    gebruiker: str = GEBRUIKER,
    gewicht: list[str] = typer.Option([], "--gewicht", help="criterium=gewicht (herhaalbaar) / criterion=weight"),
    argument: list[str] = typer.Option([], "--argument", help="criterium=tekst of algemeen=tekst / argument"),
) -> None:
    """Geef gewichten en argumenten (een nieuwe versie) / submit weights and arguments."""
    raw = _pairs(gewicht, "een gewicht", "a weight")
    weights: dict[str, float] = {}
    for key, value in raw.items():
        try:
            weights[key] = float(value.replace(",", "."))
        except ValueError:
            console.print(f"Fout: gewicht van {key} is geen getal\nError: weight of {key} is not a number",
                          markup=False)  # fmt: skip
            raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            item = service.submit(session, user, casus, weights, _pairs(argument, "een argument", "an argument"))
            typer.echo(f"inbreng {item.id}: versie {item.versie} van {item.naam} in casus {casus}")
    except service.CasusError as exc:
        raise _fail(exc) from None


@app.command("sluit")
def sluit(
    casus: int = typer.Argument(..., help="nummer van de casus / case id"),
    besluit: str = typer.Option(..., help="besluit van de groep / the group's conclusion"),
    gebruiker: str = GEBRUIKER,
) -> None:
    """Sluit een casus met het besluit / close a case with the conclusion."""
    try:
        with database_session() as session:
            info = service.close_casus(session, service.user_by_email(session, gebruiker), casus, besluit)
            typer.echo(f"casus {info.id} gesloten / closed")
    except service.CasusError as exc:
        raise _fail(exc) from None


@app.command("resultaat")
def resultaat(
    casus: int = typer.Argument(..., help="nummer van de casus / case id"),
    gebruiker: str = GEBRUIKER,
    als_json: bool = typer.Option(False, "--json", help="volledige uitkomst als JSON / full results as JSON"),
) -> None:
    """Toon de uitkomst: keuze van de groep, overeenstemming en winnaars / show the results."""
    try:
        with database_session() as session:
            res = service.resultaat(session, service.user_by_email(session, gebruiker), casus)
    except service.CasusError as exc:
        raise _fail(exc) from None
    if als_json:
        typer.echo(json.dumps(res, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{len(res['deelnemers'])} deelnemers met inbreng; overeenstemming "
               f"{'-' if res['overeenstemming'] is None else format(res['overeenstemming'], '.0%')}")  # fmt: skip
    for b in service.contested_first(res["buurten"]):
        oordeel = "robuust" if b["robuust"] else "omstreden" if b["omstreden"] else "-"
        acc = "-" if b["acceptatie"] is None else format(b["acceptatie"], ".0%")
        winners = ", ".join(f"{w['naam']}: {w['variant'] or '-'}" for w in b["winnaars"])
        tied = f" (gelijkwaardig: {', '.join(b['gelijkspel'])})" if b["gelijkspel"] else ""
        typer.echo(f"{b['buurt_code']}  {b['groepskeuze'] or '-'}  {acc}  {oordeel}{tied}  [{winners}]")


@app.command("log")
def log(
    casus: int = typer.Argument(..., help="nummer van de casus / case id"),
    gebruiker: str = GEBRUIKER,
    pdf: Path | None = typer.Option(None, "--pdf", help="schrijf een getagde PDF / write a tagged PDF"),
    html: Path | None = typer.Option(None, "--html", help="schrijf het HTML-document / write the HTML document"),
    taal: str = typer.Option("nl", help="nl of en"),
) -> None:
    """Exporteer het besluitenlog (HTML en/of PDF) / export the decision log."""
    from warmteregio.web.pages.casus import besluitenlog_document, besluitenlog_pdf

    if taal not in ("nl", "en"):
        console.print("Fout: taal moet nl of en zijn\nError: language must be nl or en", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        with database_session() as session:
            data = service.besluitenlog(session, service.user_by_email(session, gebruiker), casus)
    except service.CasusError as exc:
        raise _fail(exc) from None
    if pdf is None and html is None:
        typer.echo(besluitenlog_document(data, taal))
        return
    if html is not None:
        html.write_text(besluitenlog_document(data, taal), encoding="utf-8")
        typer.echo(f"besluitenlog (HTML) geschreven naar {html}")
    if pdf is not None:
        pdf.write_bytes(besluitenlog_pdf(data, taal))
        typer.echo(f"besluitenlog (PDF) geschreven naar {pdf}")
