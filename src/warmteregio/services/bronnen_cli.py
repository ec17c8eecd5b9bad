"""``warmteregio bronnen ...``: the heat-source registry from the command line (thin over
:mod:`warmteregio.services.bronnen`). Changes act as a user (``--gebruiker``, an e-mail address) with that user's
permissions; importing stays under ``warmteregio import warmtebronnen`` (CSV, XLSX or GeoPackage)."""

from __future__ import annotations

from pathlib import Path

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.domain.codes import CodeError, normalise_rescode
from warmteregio.services import bronnen as service

app = typer.Typer(help="Warmtebronnenregister / heat-source registry", no_args_is_help=True)

GEBRUIKER = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker die handelt / e-mail of the acting user")
REDEN = typer.Option(..., "--reden", help="reden van de wijziging / reason for the change")
FORMATEN = ("csv", "xlsx", "geojson")


def _fail(exc: service.BronError) -> typer.Exit:
    console.print(f"Fout: {exc.nl}\nError: {exc.en}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT if exc.status in (400, 409) else 1)


def _bad(nl: str, en: str) -> typer.Exit:
    console.print(f"Fout: {nl}\nError: {en}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _pairs(items: list[str], what_nl: str, what_en: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _bad(f"{what_nl} moet de vorm veld=waarde hebben: {item!r}",
                       f"{what_en} must look like field=value: {item!r}")  # fmt: skip
        out[key.strip()] = value
    return out


def _bewijs(items: list[str]) -> dict[str, dict[str, str] | None]:
    """``veld=bron`` or ``veld=bron|toelichting|url``; an empty source removes the evidence."""
    out: dict[str, dict[str, str] | None] = {}
    for name, text in _pairs(items, "--bewijs", "--bewijs").items():
        parts = [p.strip() for p in text.split("|")]
        if not parts[0]:
            out[name] = None
            continue
        entry = {"bron": parts[0]}
        if len(parts) > 1 and parts[1]:
            entry["toelichting"] = parts[1]
        if len(parts) > 2 and parts[2]:
            entry["url"] = parts[2]
        out[name] = entry
    return out


def _regio(regio: str | None) -> str | None:
    if not regio:
        return None
    try:
        return normalise_rescode(regio)
    except CodeError as exc:
        raise _bad(exc.nl, exc.en) from None


@app.command("lijst")
def lijst(
    regio: str | None = typer.Option(None, help="RES-regiocode (bronnen binnen bereik) / region code"),
    straal: float | None = typer.Option(None, help="afstand tot de regio in meter (standaard 15000) / radius [m]"),
    categorie: str | None = typer.Option(None, help="categorie / category"),
    temperatuurklasse: str | None = typer.Option(None, help="HT, MT, LT of ZLT"),
    status: str | None = typer.Option(None, help="bestaand, gepland, potentieel of buiten_gebruik"),
) -> None:
    """Toon de bronnen, eventueel van één regio / list the sources, optionally of one region."""
    for name, value in (("categorie", categorie), ("temperatuurklasse", temperatuurklasse), ("status", status)):
        if value is None:
            continue
        try:
            service.parse_value(name, value)
        except service.BronError as exc:
            raise _fail(exc) from None
    with database_session() as session:
        items = service.list_sources(session, service.BronFilter(
            regio=_regio(regio), straal_m=straal, categorie=categorie, temperatuurklasse=temperatuurklasse,
            status=status))  # fmt: skip
        typer.echo(f"{'code':<12} {'klasse':<6} {'status':<15} {'GJ/jaar':>12} {'MW':>7} {'v':>3}  naam")
        for b in items:
            heat = f"{b.beschikbaar_gj_per_jaar:,.0f}".replace(",", ".") if b.beschikbaar_gj_per_jaar else "-"
            mw = f"{b.capaciteit_mw:g}" if b.capaciteit_mw is not None else "-"
            typer.echo(f"{b.code:<12} {b.temperatuurklasse:<6} {b.status:<15} {heat:>12} {mw:>7} {b.versie:>3}  "
                       f"{b.naam}")  # fmt: skip
        typer.echo(f"{len(items)} bronnen / sources")


@app.command("toon")
def toon(code: str = typer.Argument(..., help="code van de bron / source code")) -> None:
    """Alle gegevens van een bron met onderbouwing en geschiedenis / a source with evidence and history."""
    try:
        with database_session() as session:
            b = service.source_info(session, code)
            history = service.source_history(session, code)
            typer.echo(f"{b.code}: {b.naam} (versie/version {b.versie})")
            for name, veld in service.VELDEN.items():
                line = f"  {veld.nl:<28} {service.format_value(name, getattr(b, name))}"
                ev = b.bewijs.get(name)
                if ev:
                    line += f"   [bron: {ev['bron']}" + (f"; {ev['toelichting']}" if ev.get("toelichting") else "") + (
                        f"; {ev['url']}" if ev.get("url") else "") + "]"  # fmt: skip
                typer.echo(line)
            typer.echo("Geschiedenis / history:")
            for v in history:
                who = v.door or "-"
                changed = ", ".join(v.wijzigingen) if v.wijzigingen else "-"
                typer.echo(f"  v{v.versie} {v.tijdstip:%Y-%m-%d %H:%M} {v.actie:<14} {who:<20} {v.reden or '-'}")
                typer.echo(f"      {changed}")
    except service.BronError as exc:
        raise _fail(exc) from None


@app.command("maak")
def maak(
    code: str = typer.Argument(..., help="code van de nieuwe bron / code of the new source"),
    veld: list[str] = typer.Option([], "--veld", help="veld=waarde (herhaalbaar) / field=value (repeatable)"),
    bewijs: list[str] = typer.Option([], "--bewijs", help="veld=bron[|toelichting[|url]] (herhaalbaar)"),
    reden: str | None = typer.Option(None, "--reden", help="reden / reason"),
    gebruiker: str = GEBRUIKER,
) -> None:
    """Maak een bron / create a source."""
    values = _pairs(veld, "--veld", "--veld")
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            w = service.create_source(session, {"code": code, **values}, user=user, reden=reden,
                                      bewijs=_bewijs(bewijs))  # fmt: skip
            typer.echo(f"{w.code}: aangemaakt / created (versie/version {w.versie}, gemeente {w.gemeente_code or '-'})")
    except service.BronError as exc:
        raise _fail(exc) from None


@app.command("wijzig")
def wijzig(
    code: str = typer.Argument(..., help="code van de bron / source code"),
    veld: list[str] = typer.Option([], "--veld", help="veld=waarde, leeg = onbekend (herhaalbaar) / field=value"),
    bewijs: list[str] = typer.Option([], "--bewijs", help="veld=bron[|toelichting[|url]] (herhaalbaar)"),
    reden: str = REDEN,
    gebruiker: str = GEBRUIKER,
    versie: int | None = typer.Option(None, help="de gelezen versie (anders geen controle) / version read"),
) -> None:
    """Wijzig velden van een bron / change fields of a source, e.g. --veld eindjaar=2035."""
    values = _pairs(veld, "--veld", "--veld")
    if not values and not bewijs:
        raise _bad("geef minstens één --veld of --bewijs", "give at least one --veld or --bewijs")
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            before = service.get_source(session, code).versie
            w = service.update_source(session, code, values, user=user, reden=reden, bewijs=_bewijs(bewijs),
                                      expected_version=versie)  # fmt: skip
            if w.versie == before:
                typer.echo(f"{w.code}: niets veranderd / nothing changed (versie/version {w.versie})")
            else:
                typer.echo(f"{w.code}: gewijzigd / changed (versie/version {w.versie})")
    except service.BronError as exc:
        raise _fail(exc) from None


def _status(code: str, reden: str, gebruiker: str, retire: bool) -> None:
    try:
        with database_session() as session:
            user = service.user_by_email(session, gebruiker)
            func = service.retire_source if retire else service.restore_source
            w = func(session, code, user=user, reden=reden)
            typer.echo(f"{w.code}: status {w.status} (versie/version {w.versie})")
    except service.BronError as exc:
        raise _fail(exc) from None


@app.command("buiten-gebruik")
def buiten_gebruik(code: str = typer.Argument(..., help="code van de bron"), reden: str = REDEN,
                   gebruiker: str = GEBRUIKER) -> None:  # fmt: skip
    """Stel een bron buiten gebruik (blijft bewaard) / retire a source (it is kept)."""
    _status(code, reden, gebruiker, retire=True)


@app.command("herstel")
def herstel(code: str = typer.Argument(..., help="code van de bron"), reden: str = REDEN,
            gebruiker: str = GEBRUIKER) -> None:  # fmt: skip
    """Neem een buiten gebruik gestelde bron weer op / restore a retired source."""
    _status(code, reden, gebruiker, retire=False)


@app.command("export")
def export(
    regio: str | None = typer.Option(None, help="RES-regiocode (anders alle bronnen) / region code (else all)"),
    formaat: str = typer.Option("csv", help="csv, xlsx of geojson"),
    uitvoer: Path | None = typer.Option(None, "--uitvoer", "-o", help="bestand (anders stdout; xlsx vereist dit)"),
    straal: float | None = typer.Option(None, help="afstand tot de regio in meter / radius [m]"),
) -> None:
    """Exporteer het register (CSV/XLSX weer te importeren) / export the registry (CSV/XLSX re-importable)."""
    if formaat not in FORMATEN:
        raise _bad(f"formaat moet csv, xlsx of geojson zijn, niet {formaat!r}",
                   f"format must be csv, xlsx or geojson, not {formaat!r}")  # fmt: skip
    if formaat == "xlsx" and uitvoer is None:
        raise _bad("xlsx vraagt een uitvoerbestand (--uitvoer)", "xlsx needs an output file (--uitvoer)")
    with database_session() as session:
        items = service.list_sources(session, service.BronFilter(regio=_regio(regio), straal_m=straal))
        content: str | bytes = (service.export_csv(items) if formaat == "csv" else service.export_xlsx(items)
                                if formaat == "xlsx" else service.export_geojson(items))  # fmt: skip
    if uitvoer is None:
        typer.echo(content, nl=False)
        return
    if isinstance(content, bytes):
        uitvoer.write_bytes(content)
    else:
        uitvoer.write_text(content, encoding="utf-8", newline="")
    console.print(f"{len(items)} bronnen / sources -> {uitvoer}", markup=False)
