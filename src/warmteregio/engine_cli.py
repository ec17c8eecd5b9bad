"""CLI commands ``warmteregio assess`` and ``warmteregio validate startanalyse`` (thin wrappers)."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import typer

from warmteregio.data.base import ImportValidationError

validate_app = typer.Typer(help="Validatie tegen PBL / validation against PBL", no_args_is_help=True)

EXIT_BAD_INPUT = 2


def _fail(nl: str, en: str) -> None:
    typer.echo(f"FOUT: {nl}\nERROR: {en}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _parse_overrides(items: list[str]) -> dict[str, float | str]:
    out: dict[str, float | str] = {}
    for item in items:
        if "=" not in item:
            _fail(f"--set verwacht naam=waarde, kreeg {item!r}", f"--set expects name=value, got {item!r}")
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = float(value)
        except ValueError:
            out[key.strip()] = value.strip()
    return out


def _tariffs() -> dict[str, float] | None:
    from warmteregio.engine.enduser import DATA_FILE, tariffs_from_rows

    path = Path(__file__).resolve().parent / DATA_FILE
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return tariffs_from_rows(csv.DictReader(fh, delimiter=";"))


def assess_command(
    buurten: Path = typer.Option(..., "--buurten", help="PBL-startjaartabel / PBL start-year table (CSV)"),
    out: Path = typer.Option(..., "--out", help="uitvoer-CSV / output CSV"),
    parameters: str = typer.Option("vesta2025", "--parameters", help="parameterset (naam of map / name or folder)"),
    zichtjaar: int = typer.Option(2030, "--zichtjaar", help="zichtjaar / view year"),
    catalogus: int | None = typer.Option(None, "--catalogus", help="variantenset 2020 of 2025 (default: set)"),
    extra_varianten: Path | None = typer.Option(None, "--extra-varianten", help="CSV met eigen varianten"),
    zet: list[str] = typer.Option([], "--set", help="override naam=waarde (herhaalbaar / repeatable)"),
    overrides_file: Path | None = typer.Option(None, "--overrides", help="CSV key;value met overrides"),
    eindgebruiker: bool = typer.Option(True, "--eindgebruiker/--geen-eindgebruiker", help="EG_-kolommen"),
) -> None:
    """Bereken nationale kosten per buurt x variant / compute national costs per buurt x variant."""
    from warmteregio.catalogue import load_catalogue, load_parameter_set, read_overrides
    from warmteregio.data.startanalyse import read_startanalyse
    from warmteregio.engine.assess import assess
    from warmteregio.engine.params import ParameterError
    from warmteregio.engine.strategies import CatalogueError

    try:
        inputs = read_startanalyse(buurten)
    except ImportValidationError as exc:
        typer.echo(exc.report.format("nl"), err=True)
        typer.echo(exc.report.format("en"), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    overrides = _parse_overrides(zet)
    if overrides_file is not None:
        overrides = {**read_overrides(overrides_file), **overrides}
    try:
        params = load_parameter_set(parameters, overrides or None)
        year = catalogus or (2020 if "2020" in Path(parameters).name else 2025)
        catalogue = load_catalogue(year, extra=extra_varianten)
    except (FileNotFoundError, ParameterError, CatalogueError) as exc:
        _fail(str(exc), str(exc))
        return
    tariffs = None
    if eindgebruiker:
        try:
            tariffs = _tariffs()
        except (OSError, ValueError) as exc:  # pragma: no cover - data file problems
            typer.echo(f"eindgebruikerskosten overgeslagen / end-user costs skipped: {exc}", err=True)
    results = assess(inputs, catalogue, params, zichtjaar=zichtjaar, tariffs=tariffs)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        results.to_csv(fh)
    for note in results.notes:
        typer.echo(f"let op / note: {note}", err=True)
    typer.echo(f"{len(results)} rijen / rows -> {out} ({params.label}, zichtjaar {zichtjaar})")


def _default_validation_dir() -> Path:
    env = os.environ.get("WARMTEREGIO_VALIDATIE_DIR")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data" / "validation" / "startanalyse2020"


@validate_app.command("startanalyse")
def validate_startanalyse(
    map_: Path | None = typer.Option(None, "--map", help="map met PBL-bestanden / folder with PBL files"),
    parameters: str = typer.Option("vesta2020", "--parameters"),
    csv_out: Path | None = typer.Option(None, "--csv", help="schrijf de tabel als CSV / write the table as CSV"),
) -> None:
    """Vergelijk met PBL Startanalyse 2020 (Gooi en Vechtstreek) / compare with PBL's Startanalyse 2020."""
    from warmteregio.data.validation import format_table, run_validation, table_rows

    folder = map_ or _default_validation_dir()
    if not folder.is_dir():
        _fail(f"map niet gevonden: {folder}", f"folder not found: {folder}")
    table = run_validation(folder, parameters)
    typer.echo(format_table(table))
    if csv_out is not None:
        rows = table_rows(table)
        keys: list[str] = []
        for r in rows:
            keys += [k for k in r if k not in keys]
        with open(csv_out, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=keys, delimiter=";")
            w.writeheader()
            w.writerows(rows)
        typer.echo(f"-> {csv_out}", err=sys.stderr.isatty())
