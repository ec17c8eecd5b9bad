"""``warmteregio netwerk ...``: the regional network from the command line (thin over the network services).

Imports (members, past retrospectives, questionnaire questions), exports (members, one person's data, results),
erasure on request, search, meetings (list, participants, invitations, reminders, calendar) and the audit log.

Every command acts as a user (``--gebruiker``, an e-mail address) with that user's permissions; ``kennis-zoek``
without ``--gebruiker`` sees what the public sees. ``herinneringen`` is meant for a daily scheduled job (cron) and
acts as the system. Imports are all-or-nothing: one bad row and nothing is written (``--droog`` only checks).

Exit codes: 0 done; 2 bad input or a conflict (400/409/413/415); 1 not found or not allowed (401/403/404).
"""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.services.netwerk import NetwerkError, aware

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
app = typer.Typer(help="Het regionale netwerk / the regional network", no_args_is_help=True)

GEBRUIKER = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker die handelt / e-mail of the acting user")
LEZER = typer.Option(None, "--gebruiker", help="e-mail van de lezer (anders alleen openbare items) / e-mail of the "
                     "reader (else public items only)")  # fmt: skip


def _fail(exc: NetwerkError) -> typer.Exit:
    lines = [f"Fout: {exc.nl}", f"Error: {exc.en}"]
    if len(exc.fouten) > 1:
        for f in exc.fouten:
            rij = f"rij {f['rij']}: " if f.get("rij") is not None else ""
            lines.append(f"  - {rij}{f['nl']} / {f['en']}")
    console.print("\n".join(lines), markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT if exc.status in (400, 409, 413, 415) else 1)


def _user(session, email: str | None):  # noqa: ANN001, ANN202
    if email is None:
        return None
    from warmteregio.accounts.service import active_user

    user = active_user(session, email)
    if user is None:
        email = email.strip().lower()
        raise NetwerkError(f"geen actieve gebruiker met e-mailadres {email}", f"no active user with e-mail {email}",
                           404)  # fmt: skip
    return user


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        console.print(f"Fout: kan {path} niet lezen ({exc.strerror})\nError: cannot read {path} ({exc.strerror})",
                      markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _write(path: Path | None, data: bytes | str, what: str) -> None:
    if path is None:
        typer.echo(data if isinstance(data, str) else data.decode("utf-8", errors="replace"))
        return
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    typer.echo(f"{what} geschreven naar / written to {path}")


def _xlsx_needs_file(formaat: str, uitvoer: Path | None) -> None:
    if (formaat or "").strip().lower() == "xlsx" and uitvoer is None:
        console.print("Fout: geef --uitvoer voor xlsx\nError: give --uitvoer for xlsx", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)


def _run(func):  # noqa: ANN001, ANN202
    """Run ``func(session)`` in one transaction; service errors become bilingual messages and exit codes."""
    try:
        with database_session() as session:
            return func(session)
    except NetwerkError as exc:
        raise _fail(exc) from None


# ---------------------------------------------------------------------------------------------------- members


@app.command("leden-import")
def leden_import(
    bestand: Path = typer.Argument(
        ...,
        help="CSV (; of ,) of XLSX met kolommen naam, email, functie, organisatie, "
        "organisatie_soort, rol, regio, gemeente, telefoon, expertise (gescheiden door |)",
    ),
    gebruiker: str = GEBRUIKER,
    droog: bool = typer.Option(False, "--droog", help="alleen controleren / check only"),
) -> None:
    """Leden in de gids importeren (alles of niets) / import members into the directory (all or nothing)."""
    from warmteregio.services import netwerk_leden

    data = _read(bestand)

    def work(session):  # noqa: ANN001, ANN202
        result = netwerk_leden.import_leden(session, _user(session, gebruiker), data, bestandsnaam=bestand.name,
                                            droog=droog)  # fmt: skip
        if droog:
            session.rollback()
        return result

    result = _run(work)
    prefix = "controle / check: " if droog else ""
    typer.echo(f"{prefix}{result['aangemaakt']} nieuw / new, {result['bijgewerkt']} bijgewerkt / updated")


@app.command("leden-export")
def leden_export(
    gebruiker: str = GEBRUIKER,
    regio: str | None = typer.Option(None, help="RES-regiocode / region code"),
    formaat: str = typer.Option("csv", help="csv of xlsx"),
    uitvoer: Path | None = typer.Option(None, "--uitvoer", "-o", help="bestand / file (anders stdout voor csv)"),
) -> None:
    """De gids als CSV of XLSX / the directory as CSV or XLSX."""
    from warmteregio.services import netwerk_leden

    _xlsx_needs_file(formaat, uitvoer)  # before the export is made (and audited)
    data = _run(lambda s: netwerk_leden.export_leden(s, _user(s, gebruiker), regio=regio, formaat=formaat))
    _write(uitvoer, data, "ledenlijst / member list")


@app.command("persoon-export")
def persoon_export(
    persoon_id: int = typer.Argument(..., help="id van de persoon / person id"),
    gebruiker: str = GEBRUIKER,
    uitvoer: Path | None = typer.Option(None, "--uitvoer", "-o", help="JSON-bestand / JSON file"),
) -> None:
    """Alle gegevens over één persoon (inzageverzoek, AVG art. 15) / all data on one person (access request)."""
    from warmteregio.services import netwerk_leden

    data = _run(lambda s: netwerk_leden.export_persoon(s, _user(s, gebruiker), persoon_id))
    _write(uitvoer, json.dumps(data, ensure_ascii=False, indent=2, default=str), "gegevens / data")


@app.command("persoon-wissen")
def persoon_wissen(
    persoon_id: int = typer.Argument(..., help="id van de persoon / person id"),
    gebruiker: str = GEBRUIKER,
    ja: bool = typer.Option(
        False, "--ja", help="bevestigen: wissen kan niet ongedaan worden / confirm: cannot be undone"
    ),
) -> None:
    """Een persoon wissen op verzoek (AVG art. 17) / erase a person on request."""
    from warmteregio.services import netwerk_leden

    if not ja:
        console.print("Fout: wissen kan niet ongedaan worden gemaakt; bevestig met --ja\n"
                      "Error: erasure cannot be undone; confirm with --ja", markup=False)  # fmt: skip
        raise typer.Exit(EXIT_BAD_INPUT)
    result = _run(lambda s: netwerk_leden.wis_persoon(s, _user(s, gebruiker), persoon_id))
    typer.echo("gewist / erased: " + ", ".join(f"{k} {v}" for k, v in result.items()))


# -------------------------------------------------------------------------------------------- knowledge base


@app.command("terugblikken-import")
def terugblikken_import(
    bestand: Path = typer.Argument(
        ..., help="CSV of XLSX met kolommen titel, datum, locatie, regio, doelgroep, tekst, themas (|), links (|)"
    ),
    gebruiker: str = GEBRUIKER,
) -> None:
    """Terugblikken van eerdere bijeenkomsten importeren (alles of niets) / import past retrospectives."""
    from warmteregio.services import kennis

    data = _read(bestand)
    result = _run(lambda s: kennis.import_terugblikken(s, _user(s, gebruiker), data, bestandsnaam=bestand.name))
    typer.echo(f"{result['aangemaakt']} terugblikken geïmporteerd / retrospectives imported")


@app.command("kennis-zoek")
def kennis_zoek(
    zoekterm: str = typer.Argument(..., help='zoekterm; "..." voor een zinsdeel, of, -woord / query'),
    gebruiker: str | None = LEZER,
    soort: str | None = typer.Option(None, help="studie, praktijkverhaal, handreiking, sjabloon, ..."),
    thema: str | None = typer.Option(None, help="thema / theme"),
    regio: str | None = typer.Option(None, help="RES-regiocode / region code"),
    limiet: int = typer.Option(10, min=1, max=100, help="aantal resultaten / number of results"),
) -> None:
    """Zoeken in de kennisbank (Nederlandse woordstammen, zonder accenten) / search the knowledge base."""
    from warmteregio.services import kennis

    def work(session):  # noqa: ANN001, ANN202
        res = kennis.zoek(session, _user(session, gebruiker), zoekterm, soort=soort, thema=thema, regio=regio,
                          limit=limiet)  # fmt: skip
        typer.echo(f"{res.totaal} gevonden / found")
        for t in res.treffers:
            typer.echo(f"{t.item.id:>6}  {t.item.soort:<15} {t.item.titel}")
            if t.fragment:
                typer.echo(f"        {t.fragment}")

    _run(work)


@app.command("kennis-herindexeer")
def kennis_herindexeer() -> None:
    """De zoekindex opnieuw opbouwen / rebuild the search index."""
    from warmteregio.services import kennis

    n = _run(kennis.reindex)
    typer.echo(f"{n} kennisitems geïndexeerd / items indexed")


# ---------------------------------------------------------------------------------------------------- meetings


@app.command("bijeenkomsten")
def bijeenkomsten_lijst(
    gebruiker: str = GEBRUIKER,
    regio: str | None = typer.Option(None, help="RES-regiocode / region code"),
    alle: bool = typer.Option(False, "--alle", help="ook voorbije / past ones too"),
) -> None:
    """Bijeenkomsten die u mag zien / meetings you may see."""
    from warmteregio.services import bijeenkomsten

    def work(session):  # noqa: ANN001, ANN202
        items = bijeenkomsten.list_bijeenkomsten(session, _user(session, gebruiker), regio=regio,
                                                 komend=None if alle else True)  # fmt: skip
        for b in items:
            bez = bijeenkomsten.bezetting(session, b)
            cap = f"/{bez.capaciteit}" if bez.capaciteit else ""
            start = aware(b.start).astimezone(AMSTERDAM)  # Dutch time, as entered (stored in UTC)
            typer.echo(f"{b.id:>4}  {start:%Y-%m-%d %H:%M}  {b.status:<11} {bez.aangemeld}{cap} aangemeld, "
                       f"{bez.wachtlijst} wachtlijst  {b.titel}")  # fmt: skip
        typer.echo(f"{len(items)} bijeenkomsten / meetings")

    _run(work)


@app.command("deelnemers")
def deelnemers(bijeenkomst_id: int = typer.Argument(..., help="id"), gebruiker: str = GEBRUIKER) -> None:
    """Aanmeldingen, wachtlijst en workshopindeling (organisator) / registrations, waiting list, workshops."""
    from warmteregio.services import bijeenkomsten

    def work(session):  # noqa: ANN001, ANN202
        rows = bijeenkomsten.deelnemers(session, _user(session, gebruiker), bijeenkomst_id)
        for r in rows:
            pos = f" #{r.positie}" if r.positie else ""
            ws = "; ".join(f"{titel} ({status})" for _id, titel, status in r.workshops)
            aanwezig = {None: "", True: " aanwezig", False: " afwezig"}[r.aanwezig]
            typer.echo(f"{r.status:<10}{pos:<4} {r.naam:<30} {r.organisatie or '-':<30} {ws}{aanwezig}")
        typer.echo(f"{len(rows)} aanmeldingen / registrations")

    _run(work)


@app.command("uitnodigen")
def uitnodigen(bijeenkomst_id: int = typer.Argument(..., help="id"), gebruiker: str = GEBRUIKER) -> None:
    """Uitnodigingen versturen naar de doelgroep (SMTP uit de instellingen) / send invitations to the audience."""
    from warmteregio.services import bijeenkomsten

    n = _run(lambda s: bijeenkomsten.verstuur_uitnodigingen(s, _user(s, gebruiker), bijeenkomst_id))
    typer.echo(f"{n} uitnodigingen verstuurd / invitations sent")


@app.command("herinneringen")
def herinneringen(dagen: int = typer.Option(3, min=0, max=60, help="dagen vooraf / days ahead")) -> None:
    """Herinneringen sturen voor bijeenkomsten binnen N dagen (dagelijkse taak) / send reminders (daily job)."""
    from warmteregio.network import mail
    from warmteregio.services import bijeenkomsten

    if mail.mailer_uit_instellingen() is None:
        console.print("Fout: geen SMTP-server ingesteld (WARMTEREGIO_SMTP_HOST)\n"
                      "Error: no SMTP server configured (WARMTEREGIO_SMTP_HOST)", markup=False)  # fmt: skip
        raise typer.Exit(EXIT_BAD_INPUT)
    n = _run(lambda s: bijeenkomsten.verstuur_herinneringen(s, dagen=dagen))
    typer.echo(f"{n} herinneringen verstuurd / reminders sent")


@app.command("ical")
def ical(
    bijeenkomst_id: int = typer.Argument(..., help="id"),
    gebruiker: str = GEBRUIKER,
    uitvoer: Path | None = typer.Option(None, "--uitvoer", "-o", help=".ics-bestand / file"),
) -> None:
    """De bijeenkomst als iCalendar (.ics) / the meeting as iCalendar."""
    from warmteregio.services import bijeenkomsten

    text = _run(lambda s: bijeenkomsten.ical_bijeenkomst(s, _user(s, gebruiker), bijeenkomst_id))
    _write(uitvoer, text, "agenda / calendar")


# ------------------------------------------------------------------------------------------ information needs


@app.command("vragenlijst-import")
def vragenlijst_import(
    bestand: Path = typer.Argument(..., help="CSV met kolommen code;thema;tekst;soort;opties (|);verplicht"),
    jaar: int = typer.Option(..., min=2020, max=2100, help="jaar / year"),
    titel: str = typer.Option(..., help="titel / title"),
    gebruiker: str = GEBRUIKER,
    reeks: str = typer.Option("informatiebehoefte", help="reeks (vergelijking tussen jaren) / series"),
    openen: bool = typer.Option(False, "--open", help="direct openen voor antwoorden / open for answers"),
) -> None:
    """Een vragenlijst maken uit een CSV met vragen (beheerder) / create a questionnaire from a CSV of questions."""
    from warmteregio.services import informatiebehoefte

    data = _read(bestand)

    def work(session):  # noqa: ANN001, ANN202
        user = _user(session, gebruiker)
        vragen = informatiebehoefte.vragen_uit_csv(data)
        lijst = informatiebehoefte.create_vragenlijst(session, user, {"reeks": reeks, "jaar": jaar, "titel": titel,
                                                                      "vragen": vragen})  # fmt: skip
        if openen:
            informatiebehoefte.zet_status(session, user, lijst.id, "open")
        return lijst.id, len(vragen)

    lijst_id, n = _run(work)
    typer.echo(f"vragenlijst {lijst_id} met {n} vragen / questionnaire with {n} questions")


@app.command("vragenlijst-resultaten")
def vragenlijst_resultaten(
    vragenlijst_id: int = typer.Argument(..., help="id"),
    gebruiker: str = GEBRUIKER,
    formaat: str = typer.Option("csv", help="csv of xlsx"),
    uitvoer: Path | None = typer.Option(None, "--uitvoer", "-o", help="bestand / file"),
) -> None:
    """De geaggregeerde resultaten per thema en regio / aggregated results per theme and region."""
    from warmteregio.services import informatiebehoefte

    _xlsx_needs_file(formaat, uitvoer)  # before the export is made (and audited)
    data = _run(lambda s: informatiebehoefte.export_resultaten(s, _user(s, gebruiker), vragenlijst_id,
                                                               formaat=formaat))  # fmt: skip
    _write(uitvoer, data, "resultaten / results")


# ------------------------------------------------------------------------------------------------------- audit


@app.command("audit")
def audit(
    gebruiker: str = GEBRUIKER,
    regio: str | None = typer.Option(None, help="RES-regiocode / region code"),
    limiet: int = typer.Option(50, min=1, max=1000, help="aantal regels / number of entries"),
) -> None:
    """De laatste wijzigingen in het netwerkdeel / the latest changes in the network part."""
    from warmteregio.services import netwerk

    def work(session):  # noqa: ANN001, ANN202
        for r in netwerk.audit_log(session, _user(session, gebruiker), res_code=regio, limit=limiet):
            tijd = aware(r.tijd).astimezone(AMSTERDAM)
            typer.echo(f"{tijd:%Y-%m-%d %H:%M:%S}  {r.user_id or '-':>5}  {r.actie:<10} {r.objecttype:<14} "
                       f"{r.object_id or '-':<8} {r.res_code or '':<5} {r.details}")  # fmt: skip

    _run(work)
