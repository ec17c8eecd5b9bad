"""``warmteregio programma ...``: the warmteprogramma workbench from the command line (thin over
:mod:`warmteregio.services.programma`).

Every command acts as a user (``--gebruiker``, an e-mail address) with that user's permissions; reading commands
without ``--gebruiker`` see what the public sees (published versions only). Edits pass the programme's version
(``--versie``); without it the version read in the same transaction is used (no check against a stale copy).

Exit codes: 0 done; 2 bad input, a stale version, an adopted (immutable) version or blocking checks (the service's
400/409); 1 not found or not allowed (401/403/404). ``toetsen --streng`` exits 3 when a check that blocks adoption
fails (without ``--streng`` the table is shown and the exit code is 0).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.services import programma as service

app = typer.Typer(help="Warmteprogramma's / heat programmes", no_args_is_help=True)

EXIT_BLOKKEREND = 3
GEBRUIKER = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker die handelt / e-mail of the acting user")
LEZER = typer.Option(None, "--gebruiker", help="e-mail van de lezer (anders alleen openbare versies) / e-mail of "
                     "the reader (else published versions only)")  # fmt: skip
VERSIE = typer.Option(None, "--versie", help="de gelezen versie (anders geen controle) / the version read")


def _fail(exc: service.ProgrammaError) -> typer.Exit:
    lines = [f"Fout: {exc.nl}", f"Error: {exc.en}"]
    if len(exc.fouten) > 1:
        lines += [f"  - {f['nl']}" for f in exc.fouten] + ["  --"] + [f"  - {f['en']}" for f in exc.fouten]
    console.print("\n".join(lines), markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT if exc.status in (400, 409) else 1)


def _bad(nl: str, en: str) -> typer.Exit:
    console.print(f"Fout: {nl}\nError: {en}", markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _user(session, email: str | None):  # noqa: ANN001, ANN202
    if email is None:
        return None
    from warmteregio.accounts.service import active_user

    user = active_user(session, email)
    if user is None:
        email = email.strip().lower()
        raise service.ProgrammaError(f"geen actieve gebruiker met e-mailadres {email}",
                                     f"no active user with e-mail {email}", 404)  # fmt: skip
    return user


def _versie(session, programma_id: int, versie: int | None) -> int:  # noqa: ANN001
    if versie is not None:
        return versie
    from warmteregio.store.models import Warmteprogramma

    prog = session.get(Warmteprogramma, programma_id)
    return prog.versie if prog is not None else 0


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _bad(
                f"--veld moet de vorm veld=waarde hebben: {item!r}", f"--veld must look like field=value: {item!r}"
            )
        out[key.strip()] = value
    return out


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise _bad(
            f"{what}: {text!r} is geen datum (jjjj-mm-dd)", f"{what}: {text!r} is not a date (yyyy-mm-dd)"
        ) from None


def _fmt(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:,.0f}".replace(",", ".") if abs(value) >= 1000 else f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@app.command("lijst")
def lijst(
    gemeente: str | None = typer.Option(None, help="gemeentecode / municipality code"),
    regio: str | None = typer.Option(None, help="RES-regiocode / region code"),
    status: str | None = typer.Option(None, help="concept, consultatie, vastgesteld of vervallen"),
    gebruiker: str | None = LEZER,
) -> None:
    """De versies die u mag zien / the programme versions you may see."""
    try:
        with database_session() as session:
            items = service.list_programmas(session, _user(session, gebruiker), gemeente=gemeente, regio=regio,
                                            status=status)  # fmt: skip
            typer.echo(f"{'id':>4} {'gemeente':<8} {'naam':<22} {'v':>2} {'status':<12} {'vastgesteld':<11} "
                       f"{'buurten':>7} {'horizon':>7} {'aanw.':>5}  titel")  # fmt: skip
            for p in items:
                typer.echo(f"{p.id:>4} {p.gemeente_code:<8} {p.gemeente_naam[:22]:<22} {p.volgnummer:>2} "
                           f"{p.status:<12} {_fmt(p.vastgesteld_op):<11} {p.aantal_buurten:>7} "
                           f"{p.aantal_in_horizon:>7} {p.aantal_aanwijzen:>5}  {p.titel}")  # fmt: skip
            typer.echo(f"{len(items)} versies / versions")
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("toon")
def toon(programma_id: int = typer.Argument(..., help="id van de versie / version id"),
         gebruiker: str | None = LEZER) -> None:  # fmt: skip
    """Eén versie met stappen, buurtplannen en publicaties / one version with steps, plans and publications."""
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            prog = service.get_programma(session, user, programma_id)
            p = service.snapshot(session, prog)
            typer.echo(f"Warmteprogramma {p.id}: {p.titel}")
            typer.echo(f"  gemeente      {p.gemeente_naam} ({p.gemeente_code}), regio {p.res_code or '-'}")
            typer.echo(f"  versie        {p.volgnummer} (bewerkingen/edits: {p.versie}), status {p.status}")
            if p.vastgesteld_op:
                typer.echo(
                    f"  vastgesteld   {p.vastgesteld_op.isoformat()} door {p.vastgesteld_door or '-'} "
                    f"({p.besluit_referentie}); actualisatie uiterlijk {_fmt(p.actualisatie_uiterlijk)}"
                )
            if p.consultatie_van or p.consultatie_tot:
                typer.echo(f"  consultatie   {_fmt(p.consultatie_van)} t/m {_fmt(p.consultatie_tot)}")
            if p.analyse:
                typer.echo(
                    f"  analyse       beoordeling {p.analyse.run_id} ({p.analyse.parameterset}, zichtjaar "
                    f"{p.analyse.zichtjaar})"
                )
            if p.vorige_id:
                typer.echo(f"  vorige versie {p.vorige_id} (vastgesteld {_fmt(p.vorige_vastgesteld_op)})")
            typer.echo(f"  hoofdstukken met tekst / chapters with text: {', '.join(sorted(p.teksten)) or '-'}")
            typer.echo("Stappen / steps:")
            for s in p.stappen:
                typer.echo(f"  {s.code:<26} {s.status:<7} {s.eigenaar or '-'}")
            typer.echo("Buurtplannen / plans:")
            typer.echo(f"  {'buurt':<11} {'naam':<22} {'alternatief':<17} {'voorkeur':<9} {'fase':<15} "
                       f"{'start':>5} {'doel':>5} aanwijzen")  # fmt: skip
            for b in p.plannen:
                typer.echo(f"  {b.buurt_code:<11} {(b.buurt_naam or '-')[:22]:<22} {b.alternatief or '-':<17} "
                           f"{b.analyse_voorkeur or '-':<9} {b.fase:<15} {_fmt(b.startjaar):>5} "
                           f"{_fmt(b.doeljaar):>5} {_fmt(b.aanwijzen)}")  # fmt: skip
            docs = service.list_documents(session, user, programma_id)
            if docs:
                typer.echo("Publicaties / publications:")
                for d in docs:
                    typer.echo(f"  {d.id:>4} {d.publicatie:<12} {d.formaat:<5} {d.grootte:>9} B  sha256 {d.sha256}  "
                               f"{d.bestandsnaam}")  # fmt: skip
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("maak")
def maak(
    gemeente: str = typer.Option(..., "--gemeente", help="gemeentecode / municipality code"),
    gebruiker: str = GEBRUIKER,
    titel: str | None = typer.Option(None, help="titel (anders 'Warmteprogramma <gemeente>') / title"),
    run: int | None = typer.Option(None, "--run", help="beoordeling (anders de laatste van de regio) / assessment"),
    zonder_analyse: bool = typer.Option(False, "--zonder-analyse", help="plannen niet uit de analyse vullen"),
) -> None:
    """Maak een nieuwe versie (kopie van de laatst vastgestelde) / create a new version."""
    try:
        with database_session() as session:
            prog = service.create_programma(session, _user(session, gebruiker), gemeente, titel=titel,
                                            beoordelingsrun_id=run, uit_analyse=not zonder_analyse)  # fmt: skip
            analyse = f"analyse {prog.beoordelingsrun_id}" if prog.beoordelingsrun_id else "zonder analyse"
            typer.echo(f"warmteprogramma {prog.id}: versie {prog.volgnummer} van {prog.gemeente_code} aangemaakt / "
                       f"created ({len(prog.plannen)} buurten, {analyse})")  # fmt: skip
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("uit-analyse")
def uit_analyse(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    gebruiker: str = GEBRUIKER,
    run: int | None = typer.Option(None, "--run", help="beoordeling (anders de laatste van de regio) / assessment"),
    overschrijven: bool = typer.Option(False, "--overschrijven", help="ook gekozen alternatieven vervangen"),
    versie: int | None = VERSIE,
) -> None:
    """Vul de plannen uit het afwegingskader / draft the plans from the assessment framework."""
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            prog = service.draft_from_analysis(
                session, user, programma_id, versie=_versie(session, programma_id, versie), beoordelingsrun_id=run,
                overschrijven=overschrijven,
            )  # fmt: skip
            n = sum(1 for p in prog.plannen if p.analyse_run_id == prog.beoordelingsrun_id)
            typer.echo(
                f"warmteprogramma {prog.id}: {n} buurten uit beoordeling {prog.beoordelingsrun_id} / "
                f"{n} neighbourhoods from assessment {prog.beoordelingsrun_id} (versie/version {prog.versie})"
            )
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("plan")
def plan(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    buurt: str = typer.Argument(..., help="buurtcode / neighbourhood code"),
    veld: list[str] = typer.Option([], "--veld", help="veld=waarde, leeg = wissen (herhaalbaar), bijv. startjaar=2030"),
    gebruiker: str = GEBRUIKER,
    versie: int | None = VERSIE,
) -> None:
    """Wijzig velden van één buurtplan / change fields of one neighbourhood plan."""
    values = _pairs(veld)
    if not values:
        raise _bad("geef minstens één --veld", "give at least one --veld")
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            p = service.update_plan(session, user, programma_id, buurt, values,
                                    versie=_versie(session, programma_id, versie))  # fmt: skip
            typer.echo(f"{p.buurt_code}: gewijzigd / changed (alternatief {p.alternatief or '-'}, fase {p.fase}, "
                       f"start {_fmt(p.startjaar)}, doel {_fmt(p.doeljaar)}; programmaversie/programme version "
                       f"{p.programma.versie})")  # fmt: skip
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("tekst")
def tekst(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    hoofdstuk: str = typer.Argument(..., help="hoofdstukcode, bijv. perspectief_2050 / chapter code"),
    bestand: Path | None = typer.Option(None, "--bestand", help="tekst uit dit bestand (UTF-8) / text from file"),
    waarde: str | None = typer.Option(None, "--tekst", help="de tekst zelf; leeg = wissen / the text itself"),
    gebruiker: str = GEBRUIKER,
    versie: int | None = VERSIE,
) -> None:
    """Zet de tekst van een hoofdstuk / set a chapter's text."""
    if (bestand is None) == (waarde is None):
        raise _bad("geef --bestand of --tekst", "give --bestand or --tekst")
    text = bestand.read_text(encoding="utf-8") if bestand is not None else waarde
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            prog = service.update_programma(session, user, programma_id, versie=_versie(session, programma_id, versie),
                                            teksten={hoofdstuk: text or ""})  # fmt: skip
            typer.echo(
                f"warmteprogramma {prog.id}: hoofdstuk {hoofdstuk} opgeslagen / saved (versie/version {prog.versie})"
            )
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("import-plannen")
def import_plannen(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    bestand: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV of XLSX (kolommen van de export)"),
    gebruiker: str = GEBRUIKER,
    versie: int | None = VERSIE,
) -> None:
    """Lees buurtplannen uit een CSV of XLSX / read neighbourhood plans from a CSV or XLSX file."""
    data = bestand.read_bytes()
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            r = service.import_plannen(session, user, programma_id, data, bestand.name,
                                       versie=_versie(session, programma_id, versie))  # fmt: skip
            typer.echo(f"{r['rijen']} rijen, {r['bijgewerkt']} buurtplannen bijgewerkt / {r['rijen']} rows, "
                       f"{r['bijgewerkt']} plans updated (versie/version {r['versie']})")  # fmt: skip
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("export-plannen")
def export_plannen(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    formaat: str = typer.Option("csv", help="csv of xlsx"),
    uit: Path | None = typer.Option(None, "--uit", "-o", help="bestand (anders stdout; xlsx vereist dit)"),
    gebruiker: str | None = LEZER,
) -> None:
    """Exporteer de buurtplannen (weer te importeren) / export the neighbourhood plans (re-importable)."""
    if formaat not in ("csv", "xlsx"):
        raise _bad(f"formaat moet csv of xlsx zijn, niet {formaat!r}", f"format must be csv or xlsx, not {formaat!r}")
    if formaat == "xlsx" and uit is None:
        raise _bad("xlsx vraagt een uitvoerbestand (--uit)", "xlsx needs an output file (--uit)")
    try:
        with database_session() as session:
            content = service.export_plannen(session, _user(session, gebruiker), programma_id, formaat)
    except service.ProgrammaError as exc:
        raise _fail(exc) from None
    if uit is None:
        typer.echo(content.decode("utf-8-sig"), nl=False)
        return
    uit.parent.mkdir(parents=True, exist_ok=True)
    uit.write_bytes(content)
    console.print(f"buurtplannen / plans -> {uit}", markup=False)


@app.command("stap")
def stap(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    stap_code: str = typer.Argument(..., help="code van de stap, bijv. participatie / step code"),
    gebruiker: str = GEBRUIKER,
    status: str | None = typer.Option(None, help="open, bezig, gereed of nvt"),
    eigenaar: str | None = typer.Option(None, help="eigenaar (leeg = wissen) / owner"),
    bewijs: str | None = typer.Option(None, help="bewijs, bijv. verslag of besluit / evidence"),
    toelichting: str | None = typer.Option(None, help="toelichting (verplicht bij nvt) / explanation"),
    versie: int | None = VERSIE,
) -> None:
    """Werk een processtap bij / update a step of the process guide."""
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            s = service.update_stap(session, user, programma_id, stap_code,
                                    versie=_versie(session, programma_id, versie), status=status, eigenaar=eigenaar,
                                    bewijs=bewijs, toelichting=toelichting)  # fmt: skip
            typer.echo(f"stap {s.stap_code}: {s.status} (eigenaar {s.eigenaar or '-'})")
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("toetsen")
def toetsen(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    gebruiker: str | None = LEZER,
    datum: str | None = typer.Option(None, "--datum", help="peildatum jjjj-mm-dd (anders vandaag) / reference date"),
    streng: bool = typer.Option(
        False,
        "--streng",
        help=f"exitcode {EXIT_BLOKKEREND} als een toets vaststellen "
        "blokkeert / exit code 3 when a check blocks adoption",
    ),  # fmt: skip
) -> None:
    """De wettelijke toetsen als tabel / the legal checks as a table."""
    vandaag = _date(datum, "--datum")
    try:
        with database_session() as session:
            results = service.toetsen(session, _user(session, gebruiker), programma_id, vandaag)
    except service.ProgrammaError as exc:
        raise _fail(exc) from None
    typer.echo(f"{'toets':<26} {'uitkomst':<13} {'blokkeert':<9}  melding")
    for t in results:
        blok = "ja" if t.blokkeert_vaststelling else "nee"
        typer.echo(f"{t.code:<26} {t.status:<13} {blok:<9}  {t.melding_nl}")
        typer.echo(f"{'':<26} {'':<13} {'':<9}  {t.melding_en}")
        typer.echo(f"{'':<26} {'':<13} {'':<9}  grondslag: {t.grondslag}")
    from warmteregio.programme.checks import blocking_failures

    blocking = blocking_failures(results)
    if blocking:
        typer.echo(f"Vaststellen geblokkeerd door / adoption blocked by: {', '.join(t.code for t in blocking)}")
        if streng:
            raise typer.Exit(EXIT_BLOKKEREND)
    else:
        typer.echo("Geen blokkerende toetsen / no blocking checks")


@app.command("status")
def status(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    nieuw: str = typer.Argument(..., help="consultatie, concept of vaststellen"),
    gebruiker: str = GEBRUIKER,
    datum: str | None = typer.Option(None, "--datum", help="datum van vaststelling of begin consultatie (jjjj-mm-dd)"),
    besluit: str | None = typer.Option(None, "--besluit", help="referentie van het besluit / decision reference"),
    door: str | None = typer.Option(None, "--door", help="vastgesteld door, bijv. gemeenteraad / adopted by"),
    consultatie_tot: str | None = typer.Option(None, "--consultatie-tot", help="einde consultatie (jjjj-mm-dd)"),
    versie: int | None = VERSIE,
) -> None:
    """Zet een versie in consultatie, terug naar concept, of stel haar vast / change the status of a version."""
    doel = {"vaststellen": "vastgesteld", "vastgesteld": "vastgesteld", "consultatie": "consultatie",
            "concept": "concept"}.get(nieuw.strip().lower())  # fmt: skip
    if doel is None:
        raise _bad(f"onbekende status {nieuw!r} (consultatie, concept of vaststellen)",
                   f"unknown status {nieuw!r} (consultatie, concept or vaststellen)")  # fmt: skip
    try:
        with database_session() as session:
            user = _user(session, gebruiker)
            prog = service.change_status(session, user, programma_id, doel,
                                         versie=_versie(session, programma_id, versie), datum=datum,
                                         besluit_referentie=besluit, vastgesteld_door=door,
                                         consultatie_tot=consultatie_tot)  # fmt: skip
            line = f"warmteprogramma {prog.id}: {prog.status}"
            if prog.status == "vastgesteld":
                line += (
                    f" op {_fmt(prog.vastgesteld_op)} ({prog.besluit_referentie}); actualisatie uiterlijk / "
                    f"update due {_fmt(prog.actualisatie_uiterlijk)}"
                )
            typer.echo(line)
            if prog.status in ("consultatie", "vastgesteld"):
                for d in service.list_documents(session, user, prog.id)[-3:]:
                    typer.echo(f"  gepubliceerd / published: {d.bestandsnaam} (sha256 {d.sha256})")
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("document")
def document(
    programma_id: int = typer.Argument(..., help="id van de versie / version id"),
    formaat: str = typer.Option("pdf", "--formaat", help="html, pdf of docx"),
    uit: Path = typer.Option(..., "--uit", "-o", help="uitvoerbestand / output file"),
    taal: str = typer.Option("nl", "--taal", help="nl of en"),
    gebruiker: str | None = LEZER,
) -> None:
    """Genereer het programma als document uit de huidige stand / generate the programme as a document."""
    try:
        with database_session() as session:
            content, _media, naam = service.document(session, _user(session, gebruiker), programma_id, formaat, taal)
    except service.ProgrammaError as exc:
        raise _fail(exc) from None
    uit.parent.mkdir(parents=True, exist_ok=True)
    uit.write_bytes(content)
    console.print(f"{naam} ({len(content)} B) -> {uit}", markup=False)


@app.command("overzicht")
def overzicht(
    regio: str = typer.Option(..., "--regio", help="RES-regiocode / region code"),
    gebruiker: str = GEBRUIKER,
    datum: str | None = typer.Option(None, "--datum", help="peildatum jjjj-mm-dd (anders vandaag) / reference date"),
) -> None:
    """Regionaal overzicht: status per gemeente, planning per jaar, conflicten / regional overview."""
    vandaag = _date(datum, "--datum")
    try:
        with database_session() as session:
            ov = service.regional_overview(session, _user(session, gebruiker), regio, vandaag)
    except service.ProgrammaError as exc:
        raise _fail(exc) from None
    typer.echo(
        f"Regio {ov['regio']['code']} {ov['regio']['naam']}: eerste vaststelling uiterlijk / first adoption "
        f"by {ov['deadline'].isoformat()}"
    )
    typer.echo(f"{'gemeente':<8} {'naam':<24} {'op tijd':<8} {'fout':>4} {'waarsch.':>8}  status")
    for g in ov["gemeenten"]:
        op_tijd = {True: "ja", False: "nee", None: "-"}[g["op_tijd"]]
        typer.echo(f"{g['code']:<8} {g['naam'][:24]:<24} {op_tijd:<8} {g['toetsen_fout']:>4} "
                   f"{g['toetsen_waarschuwing']:>8}  {g['status_label']}")  # fmt: skip
    if ov["per_jaar"]:
        typer.echo("Buurten per startjaar / neighbourhoods per start year:")
        for row in ov["per_jaar"]:
            per = ", ".join(f"{k} {v}" for k, v in sorted(row["per_gemeente"].items()))
            typer.echo(f"  {row['jaar']}: {row['buurten']:>3} buurten, {row['woningen']:>6} woningen  ({per})")
    typer.echo(f"Conflicten / conflicts: {len(ov['conflicten'])}")
    for c in ov["conflicten"]:
        typer.echo(f"  [{c.ernst}] {c.soort}: {c.melding_nl}")
        typer.echo(f"  {'':<{len(c.ernst) + 2}} {c.soort}: {c.melding_en}")


@app.command("partner-toevoegen")
def partner_toevoegen(
    gemeente: str = typer.Option(..., "--gemeente", help="gemeentecode / municipality code"),
    gebruiker: str = GEBRUIKER,
    organisatie: str = typer.Option(..., "--organisatie", help="naam van de organisatie / organisation"),
    soort: str = typer.Option(
        ...,
        "--soort",
        help="netbeheerder, woningcorporatie, bewonersgroep, warmtebedrijf, "
        "provincie, waterschap, buurgemeente, energiecooperatie of overig",
    ),  # fmt: skip
    rol: str | None = typer.Option(None, "--rol", help="rol in de warmtetransitie / role"),
    contactpersoon: str | None = typer.Option(None, "--contactpersoon", help="naam contactpersoon / contact"),
    functie: str | None = typer.Option(None, "--functie", help="functie / function"),
    email: str | None = typer.Option(None, "--email", help="werk-e-mail / work e-mail"),
) -> None:
    """Voeg een partnerorganisatie toe / add a partner organisation."""
    velden = {"organisatie": organisatie, "soort": soort}
    velden.update({k: v for k, v in (("rol", rol), ("contactpersoon", contactpersoon), ("functie", functie),
                                     ("email", email)) if v is not None})  # fmt: skip
    try:
        with database_session() as session:
            p = service.create_partner(session, _user(session, gebruiker), gemeente, velden)
            typer.echo(f"partner {p.id}: {p.organisatie} ({p.soort}) toegevoegd / added")
    except service.ProgrammaError as exc:
        raise _fail(exc) from None


@app.command("participatie-toevoegen")
def participatie_toevoegen(
    gemeente: str = typer.Option(..., "--gemeente", help="gemeentecode / municipality code"),
    gebruiker: str = GEBRUIKER,
    datum: str = typer.Option(..., "--datum", help="jjjj-mm-dd"),
    soort: str = typer.Option(
        ..., "--soort", help="bijeenkomst, inloopavond, enquete, gesprek, klankbordgroep, zienswijze of overig"
    ),  # fmt: skip
    titel: str = typer.Option(..., "--titel", help="titel / title"),
    inbreng: str | None = typer.Option(None, "--inbreng", help="ontvangen inbreng / input received"),
    reactie: str | None = typer.Option(None, "--reactie", help="hoe de inbreng is beantwoord / response"),
    partner: list[int] = typer.Option([], "--partner", help="partner-id (herhaalbaar) / partner id (repeatable)"),
    buurt: list[str] = typer.Option([], "--buurt", help="buurtcode (herhaalbaar) / neighbourhood (repeatable)"),
    deelnemers: int | None = typer.Option(None, "--deelnemers", help="aantal deelnemers / participants"),
    programma: int | None = typer.Option(None, "--programma", help="id van de versie waar het bij hoort"),
) -> None:
    """Leg een participatiemoment vast / record a participation entry."""
    velden: dict[str, object] = {"datum": datum, "soort": soort, "titel": titel, "partner_ids": partner,
                                 "buurt_codes": buurt}  # fmt: skip
    for k, v in (("inbreng", inbreng), ("reactie", reactie), ("aantal_deelnemers", deelnemers),
                 ("programma_id", programma)):  # fmt: skip
        if v is not None:
            velden[k] = v
    try:
        with database_session() as session:
            m = service.create_participatie(session, _user(session, gebruiker), gemeente, velden)
            typer.echo(f"participatiemoment {m.id}: {m.datum.isoformat()} {m.titel} vastgelegd / recorded")
    except service.ProgrammaError as exc:
        raise _fail(exc) from None
