"""CLI ``warmteregio allocatie``: regional allocation of heat sources to buurten (thin over
:mod:`warmteregio.services.allocatie`).

``start`` records and solves an allocation with a progress bar (model steps done / total, elapsed time); Ctrl-C
cancels cleanly (the run is marked ``geannuleerd`` without rows). A scenario comes from a JSON file
(``--scenario``) and/or flags (``--zonder-bron``, ``--bron-eindjaar CODE=JAAR``, ``--bron-schaal CODE=F``,
``--warmteprijsfactor``). ``lijst``, ``toon``, ``vergelijk`` and ``export`` read stored runs. Bad input exits
with code 2 and a message in Dutch and English.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_factory, progress_bar
from warmteregio.services import allocatie

app = typer.Typer(no_args_is_help=True)

EXIT_CANCELLED = 130


def _fail(nl: str, en: str) -> None:
    console.print(f"FOUT: {nl}\nERROR: {en}", markup=False, highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def _pairs(values: list[str], name: str, cast: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values:
        code, sep, number = value.partition("=")
        try:
            if not sep or not code.strip():
                raise ValueError
            out[code.strip()] = cast(number.strip())
        except ValueError:
            _fail(f"{name}: verwacht CODE=WAARDE, niet {value!r}", f"{name}: expected CODE=VALUE, not {value!r}")
    return out


def _eur(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}".replace(",", ".")


def _scenario(bestand: Path | None, zonder: list[str], eindjaar: list[str], schaal: list[str],
              factor: float | None) -> dict[str, Any]:  # fmt: skip
    scenario: dict[str, Any] = {}
    if bestand is not None:
        try:
            scenario = json.loads(bestand.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            _fail(f"scenariobestand {bestand} niet leesbaar: {exc}", f"scenario file {bestand} not readable: {exc}")
    changes: dict[str, Any] = {}
    if zonder:
        changes["verwijderd"] = list(zonder)
    if eindjaar:
        changes["eindjaar"] = _pairs(eindjaar, "--bron-eindjaar", int)
    if schaal:
        changes["schaal"] = _pairs(schaal, "--bron-schaal", float)
    if factor is not None:
        changes["warmteprijsfactor"] = factor
    return allocatie.merge_scenario(scenario, changes) if isinstance(scenario, dict) else scenario


def _summary(info: allocatie.RunInfo) -> str:
    lines = [
        f"allocatie {info.id} ({info.titel}): {info.status}; regio {info.regio_code}, zichtjaar {info.zichtjaar}, "
        f"bronjaar {info.bronjaar}, {info.parameterset} {info.parameterset_versie or ''}".rstrip(),
    ]
    if info.status == allocatie.STATUS_KLAAR:
        lines.append(
            f"  kosten / cost {_eur(info.totale_kosten)} EUR/jr, alles individueel / all individual "
            f"{_eur(info.kosten_individueel)} EUR/jr, besparing / saving {_eur(info.besparing)} EUR/jr; "
            f"{info.aantal_aangesloten} van/of {info.aantal_buurten} buurten aangesloten / connected"
        )
    for nl, en in ([e[0], e[1]] for e in info.uitleg):
        lines.append(f"  onhaalbaar: {nl}\n  infeasible: {en}")
    if info.foutmelding:
        lines.append(f"  fout / error: {info.foutmelding}")
    return "\n".join(lines)


@app.command("start")
def start(
    regio: str = typer.Option(..., "--regio", help="RES-regio, bijvoorbeeld ES18 / RES region"),
    titel: str = typer.Option("", "--titel", help="titel / title"),
    zichtjaar: int = typer.Option(2030, "--zichtjaar", help="jaar van de kosten / cost year"),
    bronjaar: int | None = typer.Option(
        None, "--bronjaar", help="jaar waarin bronnen beschikbaar moeten zijn / year sources must be available"
    ),
    parameters: str = typer.Option("vesta2025", "--parameters", help="parameterset / parameter set"),
    versie: str | None = typer.Option(None, "--versie", help="versie van een opgeslagen set / stored set version"),
    ambitie: str = typer.Option("*", "--ambitie", help="isolatieambitie *, B of/or D / insulation ambition"),
    vast_in: list[str] = typer.Option([], "--vast-in", help="buurt op een warmtenet (herhaalbaar) / fixed in"),
    vast_uit: list[str] = typer.Option([], "--vast-uit", help="buurt individueel (herhaalbaar) / fixed out"),
    max_afstand: float = typer.Option(25_000.0, "--max-afstand", help="maximale afstand bron-buurt [m] / max distance"),
    max_aandeel: float = typer.Option(1.0, "--max-aandeel", help="maximaal aandeel per bron (0-1) / max share"),
    pareto: int = typer.Option(0, "--pareto", help="punten op het kosten/CO2-front / Pareto points"),
    tijdslimiet: float = typer.Option(60.0, "--tijdslimiet", help="tijdslimiet van de solver [s] / time limit"),
    geen_marginale: bool = typer.Option(
        False, "--geen-marginale-waarden", help="sla de waarde van 1 MW extra over / skip marginal values"
    ),
    scenario: Path | None = typer.Option(None, "--scenario", help="scenario als JSON-bestand / scenario JSON file"),
    zonder_bron: list[str] = typer.Option([], "--zonder-bron", help="laat deze bron weg (herhaalbaar) / leave out"),
    bron_eindjaar: list[str] = typer.Option(
        [], "--bron-eindjaar", help="CODE=JAAR: laatste jaar van een bron / last year of a source"
    ),
    bron_schaal: list[str] = typer.Option([], "--bron-schaal", help="CODE=FACTOR op energie en vermogen / scale"),
    warmteprijsfactor: float | None = typer.Option(
        None, "--warmteprijsfactor", help="factor op alle warmteprijzen / price factor"
    ),
    basis: int | None = typer.Option(None, "--basis", help="allocatie om mee te vergelijken / base allocation"),
    gebruiker: str | None = typer.Option(None, "--gebruiker", help="e-mail van wie start / user e-mail"),
    als_nog_geen: bool = typer.Option(
        False, "--als-nog-geen", help="alleen als de regio nog geen afgeronde allocatie heeft / only if none exists yet"
    ),
) -> None:
    """Verdeel de warmtebronnen over de buurten van een regio / allocate heat sources to the buurten of a region."""
    changes = _scenario(scenario, zonder_bron, bron_eindjaar, bron_schaal, warmteprijsfactor)
    inst = allocatie.AllocatieInstellingen(
        regio=regio, titel=titel, zichtjaar=zichtjaar, bronjaar=bronjaar, parameterset=parameters,
        parameterset_versie=versie, ambitie=ambitie, vast_in=tuple(vast_in), vast_uit=tuple(vast_uit),
        max_afstand_m=max_afstand, max_aandeel_per_bron=max_aandeel, pareto_punten=pareto,
        tijdslimiet_s=tijdslimiet, marginale_waarden=not geen_marginale, scenario=changes, basis_id=basis,
    )  # fmt: skip
    engine, factory = database_factory()
    try:
        with factory() as s:
            inst = inst.validate()
            if als_nog_geen:
                latest = allocatie.latest_finished(s, inst.regio)
                if latest is not None:
                    typer.echo(f"regio {inst.regio} heeft al allocatie {latest.id} / region already has allocation "
                               f"{latest.id}")  # fmt: skip
                    return
            user = allocatie.user_by_email(s, gebruiker) if gebruiker else None
            run = allocatie.create_run(s, inst, user=user, check_permission=False)
            s.commit()
            run_id = run.id
        with progress_bar("allocatie (stappen / steps)") as bar:
            allocatie.execute_run(factory, run_id, progress=lambda _label, done, total: bar(done, total))
        with factory() as s:
            info = allocatie.require_run(s, run_id)
        typer.echo(_summary(info))
        if info.status not in (allocatie.STATUS_KLAAR, allocatie.STATUS_ONHAALBAAR):
            raise typer.Exit(1)
    except allocatie.AllocatieError as exc:
        _fail(exc.nl, exc.en)
    except KeyboardInterrupt:
        console.print("allocatie geannuleerd / allocation cancelled", markup=False)
        raise typer.Exit(EXIT_CANCELLED) from None
    finally:
        engine.dispose()


@app.command("lijst")
def lijst(regio: str | None = typer.Option(None, "--regio", help="alleen deze regio / only this region")) -> None:
    """Allocaties, nieuwste eerst / allocations, newest first."""
    from warmteregio.services.queries import Paging

    engine, factory = database_factory()
    try:
        with factory() as s:
            page = allocatie.list_runs(s, regio=regio.strip().upper() if regio else None, paging=Paging(1, 200))
    finally:
        engine.dispose()
    if not page.items:
        typer.echo("geen allocaties / no allocations")
    for i in page.items:
        basis = f", scenario op / on {i.basis_id}" if i.basis_id else ""
        typer.echo(f"{i.id}\t{i.status}\t{i.regio_code}\t{i.zichtjaar}/{i.bronjaar}\t{_eur(i.totale_kosten)} EUR/jr\t"
                   f"{i.titel}{basis}")  # fmt: skip


def _load(run_id: int) -> allocatie.RunInfo:
    engine, factory = database_factory()
    try:
        with factory() as s:
            info = allocatie.get_run(s, run_id)
    finally:
        engine.dispose()
    if info is None:
        _fail(f"allocatie {run_id} niet gevonden", f"allocation {run_id} not found")
    assert info is not None
    return info


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    """A plain text table (first column left-aligned, the others right-aligned)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(cells))

    return "\n".join([title, line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


@app.command("toon")
def toon(run_id: int = typer.Argument(..., help="nummer van de allocatie / allocation id")) -> None:
    """Samenvatting per gemeente en per bron, met de waarde van één MW extra / summary per gemeente and source."""
    info = _load(run_id)
    typer.echo(_summary(info))
    if info.gemeenten:
        rows = [
            [
                f"{g.get('naam') or ''} ({g['code']})",
                str(g["n_buurten"]),
                str(g["n_aangesloten"]),
                _eur(g.get("kosten")),
                _eur(g.get("kosten_alleen")),
                _eur(g.get("winst")),
            ]
            for g in info.gemeenten
        ]
        typer.echo(_table("Per gemeente / per municipality (EUR/jr)",
                          ["gemeente", "buurten", "op bron / connected", "kosten / cost", "alleen / alone",
                           "winst / gain"], rows))  # fmt: skip
    if info.bronnen:
        rows = []
        for b in sorted(info.bronnen, key=lambda b: -int(b.get("aantal_buurten") or 0)):
            value = b.get("marginale_waarde_eur_per_mw")
            waarde = "niet bindend / not binding" if value is not None and not b.get("bindend") else _eur(value)
            cap = "-" if b.get("capaciteit_mw") is None else f"{b['capaciteit_mw']:.1f}"
            rows.append([f"{b.get('naam') or ''} ({b['code']})", str(b.get("aantal_buurten", 0)),
                         _eur(b.get("gebruik_gj")), _eur(b.get("beschikbaar_gj")), f"{(b.get('gebruik_mw') or 0):.1f}",
                         cap, waarde])  # fmt: skip
        typer.echo(_table("Per bron / per source",
                          ["bron / source", "buurten", "GJ gebruikt / used", "GJ beschikbaar / available",
                           "MW gebruikt / used", "MW", "1 MW extra EUR/jr"], rows))  # fmt: skip
    for w in info.waarschuwingen:
        typer.echo(f"  let op / note: {w[0]}")


@app.command("vergelijk")
def vergelijk(
    a: int = typer.Argument(..., help="basisallocatie / base allocation"),
    b: int = typer.Argument(..., help="scenario / scenario"),
) -> None:
    """Vergelijk twee allocaties: gewijzigde buurten, per gemeente en per bron / compare two allocations."""
    engine, factory = database_factory()
    try:
        with factory() as s:
            v = allocatie.compare_runs(s, a, b)
    except allocatie.AllocatieError as exc:
        _fail(exc.nl, exc.en)
        return
    finally:
        engine.dispose()
    t = v.totaal
    typer.echo(f"allocatie {a} -> {b}: {t['gewijzigd']} van/of {t['buurten']} buurten gewijzigd / changed; "
               f"kosten / cost {_eur(t['kosten_a'])} -> {_eur(t['kosten_b'])} EUR/jr "
               f"(verschil / difference {_eur(t['verschil'])})")  # fmt: skip
    for r in v.gewijzigd:
        typer.echo(f"  {r.buurt_code} {r.buurt_naam or ''}: {r.bron_a or 'individueel'} ({r.soort_a}) -> "
                   f"{r.bron_b or 'individueel'} ({r.soort_b}), {_eur(r.verschil)} EUR/jr")  # fmt: skip
    for g in v.gemeenten:
        typer.echo(f"  {g['code']} {g.get('naam') or ''}: {_eur(g['kosten_a'])} -> {_eur(g['kosten_b'])} EUR/jr "
                   f"({_eur(g['verschil'])}), {g['gewijzigd']} buurten gewijzigd / changed")  # fmt: skip


@app.command("export")
def export(
    run_id: int = typer.Argument(..., help="nummer van de allocatie / allocation id"),
    formaat: str = typer.Option("csv", "--formaat", help="csv, xlsx of/or geojson"),
    uit: Path = typer.Option(..., "--uit", help="uitvoerbestand / output file"),
    crs: str | None = typer.Option(None, "--crs", help="CRS van GeoJSON: CRS84 (standaard) of/or EPSG:28992"),
) -> None:
    """Exporteer een allocatie als CSV, XLSX of GeoJSON / export an allocation."""
    formaat = formaat.strip().lower()
    if formaat not in ("csv", "xlsx", "geojson"):
        _fail(f"onbekend formaat {formaat!r}: kies csv, xlsx of geojson",
              f"unknown format {formaat!r}: choose csv, xlsx or geojson")  # fmt: skip
    engine, factory = database_factory()
    try:
        with factory() as s:
            if formaat == "csv":
                data: bytes = allocatie.export_csv(s, run_id).encode("utf-8")
            elif formaat == "xlsx":
                data = allocatie.export_xlsx(s, run_id)
            else:
                data = allocatie.geojson(s, run_id, crs).encode("utf-8")
    except allocatie.AllocatieError as exc:
        _fail(exc.nl, exc.en)
        return
    except ValueError as exc:  # an unsupported CRS
        nl, en = getattr(exc, "nl", str(exc)), getattr(exc, "en", str(exc))
        _fail(nl, en)
        return
    finally:
        engine.dispose()
    uit.parent.mkdir(parents=True, exist_ok=True)
    uit.write_bytes(data)
    typer.echo(f"-> {uit}")


@app.command("annuleer")
def annuleer(run_id: int = typer.Argument(..., help="nummer van de allocatie / allocation id")) -> None:
    """Annuleer een wachtende of lopende allocatie / cancel a waiting or running allocation."""
    engine, factory = database_factory()
    try:
        with factory() as s:
            info = allocatie.request_cancel(s, run_id)
            s.commit()
    except allocatie.AllocatieError as exc:
        _fail(exc.nl, exc.en)
        return
    finally:
        engine.dispose()
    typer.echo(f"allocatie {info.id}: {info.status}")
