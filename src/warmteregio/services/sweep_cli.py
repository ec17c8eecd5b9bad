"""CLI ``warmteregio sweep``: national SMAA sweeps on Dask (thin over :mod:`warmteregio.services.sweep`).

``sweep start`` runs a sweep with a progress bar (partitions done / total, elapsed time): over the buurten in the
database (``--regio``/``--gemeente``, stored as a sweep with status and results) or over a national table
(``--bestand``, not stored; ``--csv`` writes the per-buurt results). Ctrl-C cancels cleanly: the remaining Dask
futures are cancelled, a stored sweep is marked ``geannuleerd`` without results. Bad input exits with code 2 and
a message in Dutch and English.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_factory, progress_bar
from warmteregio.services import sweep

app = typer.Typer(no_args_is_help=True)

EXIT_CANCELLED = 130


def _fail(nl: str, en: str) -> None:
    console.print(f"FOUT: {nl}\nERROR: {en}", markup=False, highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def _summary(results: list[sweep.BuurtSamenvatting]) -> str:
    counts = Counter(r.winnaar or "-" for r in results)
    top = ", ".join(f"{v}: {n}" for v, n in counts.most_common(5))
    gemeenten = len({r.gemeente_code for r in results})
    return f"{len(results)} buurten, {gemeenten} gemeenten; winnaars / winners: {top}"


@app.command("start")
def start(
    regio: list[str] = typer.Option([], "--regio", help="RES-regio (herhaalbaar) / RES region (repeatable)"),
    gemeente: list[str] = typer.Option([], "--gemeente", help="gemeentecode GM.... (herhaalbaar / repeatable)"),
    bestand: Path | None = typer.Option(
        None, "--bestand", help="landelijke tabel i.p.v. de database / national table instead of the database"
    ),
    alle: bool = typer.Option(False, "--alle", help="alle buurten in de database / every buurt in the database"),
    parameters: str = typer.Option("vesta2025", "--parameters", help="parameterset / parameter set"),
    versie: str | None = typer.Option(None, "--versie", help="versie van een opgeslagen set / stored set version"),
    zichtjaar: int = typer.Option(2030, "--zichtjaar", help="zichtjaar / view year"),
    samples: int = typer.Option(10_000, "--samples", help="SMAA-trekkingen / SMAA samples"),
    seed: int = typer.Option(0, "--seed", help="startwaarde van de toevalsgenerator / random seed"),
    methode: str = typer.Option("gewogen_som", "--methode", help="gewogen_som, topsis of/or promethee_ii"),
    onzekerheid: bool = typer.Option(
        False, "--onzekerheid", help="ook invoeronzekerheid (veel trager) / input uncertainty too (much slower)"
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="local, inproces of een adres / or an address (default: WARMTEREGIO_DASK_SCHEDULER)"
    ),
    workers: int | None = typer.Option(None, "--workers", help="workers van het LocalCluster / LocalCluster workers"),
    csv_out: Path | None = typer.Option(None, "--csv", help="schrijf de resultaten als CSV / write results as CSV"),
    max_buurten: int | None = typer.Option(
        None,
        "--max-buurten",
        min=1,
        help="voeg kleine gemeenten samen tot taken van hoogstens N buurten / pack small gemeenten into tasks of "
        "at most N buurten (default: one gemeente per partition)",
    ),
) -> None:
    """Start een SMAA-sweep per gemeente op Dask / run an SMAA sweep partitioned by gemeente on Dask."""
    from warmteregio.domain.codes import CodeError, normalise_gemeentecode, normalise_rescode
    from warmteregio.settings import get_settings

    settings = get_settings()
    n_workers = workers or settings.dask_workers
    try:
        backend = sweep.resolve_scheduler(scheduler, settings.dask_scheduler)
        instellingen = sweep.SweepInstellingen(
            parameterset=parameters, parameterset_versie=versie, zichtjaar=zichtjaar, n_samples=samples, seed=seed,
            methode=methode, onzekerheid=onzekerheid,
        ).validate()  # fmt: skip
        regios = [normalise_rescode(r) for r in regio]
        gemeenten = [normalise_gemeentecode(g) for g in gemeente]
    except sweep.SweepError as exc:
        _fail(exc.nl, exc.en)
        return
    except CodeError as exc:
        _fail(f"ongeldige code: {exc}", f"invalid code: {exc}")
        return
    if bestand is None and not (regios or gemeenten or alle):
        _fail("kies --regio, --gemeente of --bestand (of --alle voor de hele database)",
              "choose --regio, --gemeente or --bestand (or --alle for the whole database)")  # fmt: skip
    try:
        if bestand is not None:
            with progress_bar("sweep (partities / partitions)") as progress:
                results = sweep.sweep_file(
                    bestand, instellingen, scheduler=backend, n_workers=n_workers, gemeenten=gemeenten or None,
                    progress=progress, max_buurten=max_buurten,
                )  # fmt: skip
            if csv_out is not None:
                csv_out.parent.mkdir(parents=True, exist_ok=True)
                csv_out.write_text(sweep.results_csv(results), encoding="utf-8", newline="")
            typer.echo(_summary(results) + (f" -> {csv_out}" if csv_out else ""))
            return
        engine, factory = database_factory()
        try:
            with progress_bar("sweep (partities / partitions)") as progress:
                sweep_id = sweep.run_sweep(
                    factory, instellingen, regios=regios or None, gemeenten=gemeenten or None, scheduler=backend,
                    n_workers=n_workers, progress=progress, max_buurten=max_buurten,
                )  # fmt: skip
            with factory() as s:
                info = sweep.get_sweep(s, sweep_id)
                assert info is not None
                if info.status != sweep.STATUS_KLAAR:
                    console.print(f"sweep {sweep_id}: {info.status} {info.foutmelding or ''}", markup=False)
                    raise typer.Exit(1)
                results = sweep.sweep_results(s, sweep_id).items
            if csv_out is not None:
                csv_out.parent.mkdir(parents=True, exist_ok=True)
                csv_out.write_text(sweep.results_csv(results, sweep_id), encoding="utf-8", newline="")
            typer.echo(f"sweep {sweep_id}: " + _summary(results) + (f" -> {csv_out}" if csv_out else ""))
        finally:
            engine.dispose()
    except sweep.SweepError as exc:
        _fail(exc.nl, exc.en)
    except KeyboardInterrupt:
        console.print("sweep geannuleerd / sweep cancelled", markup=False)
        raise typer.Exit(EXIT_CANCELLED) from None


@app.command("status")
def status(sweep_id: int = typer.Argument(..., help="nummer van de sweep / sweep id")) -> None:
    """Status en voortgang van een sweep / status and progress of a sweep."""
    engine, factory = database_factory()
    try:
        with factory() as s:
            info = sweep.get_sweep(s, sweep_id)
    finally:
        engine.dispose()
    if info is None:
        _fail(f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found")
        return
    i = info.instellingen
    lines = [
        f"sweep {info.id}: {info.status}, partities / partitions {info.partities_klaar}/{info.partities_totaal}, "
        f"{info.aantal_buurten} buurten, scheduler {info.scheduler}, code {info.code_versie}",
        f"  {i.get('parameterset')} zichtjaar {i.get('zichtjaar')}, {i.get('n_samples')} samples, "
        f"seed {i.get('seed')}, {i.get('methode')}; regio's {', '.join(info.regios or []) or '-'}; "
        f"gestart / started {info.gestart:%Y-%m-%d %H:%M}",
    ]
    if info.foutmelding:
        lines.append(f"  fout / error: {info.foutmelding}")
    typer.echo("\n".join(lines))


@app.command("resultaten")
def resultaten(
    sweep_id: int = typer.Argument(..., help="nummer van de sweep / sweep id"),
    csv_out: Path | None = typer.Option(None, "--csv", help="schrijf alle buurten als CSV / write every buurt as CSV"),
) -> None:
    """Resultaten van een sweep: per gemeente de winnaars, of alle buurten als CSV / results of a sweep."""
    engine, factory = database_factory()
    try:
        with factory() as s:
            if sweep.get_sweep(s, sweep_id) is None:
                _fail(f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found")
            if csv_out is not None:
                csv_out.parent.mkdir(parents=True, exist_ok=True)
                csv_out.write_text(sweep.export_csv(s, sweep_id), encoding="utf-8", newline="")
                typer.echo(f"-> {csv_out}")
                return
            for g in sweep.gemeente_overview(s, sweep_id):
                top = ", ".join(
                    f"{t.variant or '-'} {t.aantal_buurten}x"
                    + (f" ({t.gemiddelde_acceptatie:.0%})" if t.gemiddelde_acceptatie is not None else "")
                    for t in g.winnaars[:3]
                )
                typer.echo(f"{g.gemeente_code} {g.gemeente_naam or ''}: {g.aantal_buurten} buurten; {top}")
    finally:
        engine.dispose()
