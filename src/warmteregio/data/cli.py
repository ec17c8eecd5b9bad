"""``warmteregio import ...``: one command per importer, each with a progress bar.

Every command validates the whole file first; on any problem it prints the full report (Dutch, then
English) and exits with code 2 without changing the database.
"""

from __future__ import annotations

from pathlib import Path

import typer

from warmteregio.clitools import run_import
from warmteregio.data import buurten

app = typer.Typer(help="Gegevens importeren / import data", no_args_is_help=True)

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="bestand / file")


@app.command("buurten")
def import_buurten(
    path: Path = FileArg,
    jaar: int = typer.Option(buurten.DEFAULT_YEAR, help="jaar van de buurtindeling / year of the division"),
) -> None:
    """Landelijke buurttabel (PBL Startanalyse 2020: warmtevraag en WEQ) / national buurt table."""
    run_import("buurten", lambda s, p: buurten.import_buurt_table(s, path, jaar=jaar, progress=p))


PathArg = typer.Argument(..., exists=True, readable=True, help="bestand of map / file or directory")


@app.command("regio-indeling")
def import_regio_indeling(
    path: Path = FileArg,
    jaar: int = typer.Option(2023, help="jaar van de gemeentelijke indeling / year of the division"),
) -> None:
    """Gemeenten -> RES-regio's -> provincies (quintel/etlocal) / region mapping."""
    from warmteregio.data import regions

    run_import("regio-indeling", lambda s, p: regions.import_region_mapping(s, path, jaar=jaar, progress=p))


@app.command("grenzen")
def import_grenzen(
    path: Path = FileArg,
    jaar: int | None = typer.Option(None, help="jaar van de indeling (anders uit jrstatcode) / division year"),
    bron: str | None = typer.Option(None, help="bronvermelding / source"),
) -> None:
    """Gemeente- en buurtgrenzen (CBS/PDOK, GeoJSON of GeoPackage) / boundaries."""
    from warmteregio.data import boundaries

    run_import("grenzen", lambda s, p: boundaries.import_boundaries(s, path, jaar=jaar, bron=bron, progress=p))


@app.command("woningvoorraad")
def import_woningvoorraad(
    path: Path = FileArg,
    jaar: int = typer.Option(2019, help="jaar van de buurtindeling / year of the division"),
) -> None:
    """Woningen per buurt naar type x bouwperiode, met afgeleide labels / housing stock."""
    from warmteregio.data import buildingstock

    run_import("woningvoorraad", lambda s, p: buildingstock.import_housing_stock(s, path, jaar=jaar, progress=p))


@app.command("utiliteitsvoorraad")
def import_utiliteitsvoorraad(
    path: Path = FileArg,
    jaar: int = typer.Option(2019, help="jaar van de buurtindeling / year of the division"),
) -> None:
    """Utiliteitsgebouwen per buurt naar grootte x bouwperiode / utility building stock."""
    from warmteregio.data import buildingstock

    run_import(
        "utiliteitsvoorraad", lambda s, p: buildingstock.import_utility_stock(s, path, jaar=jaar, progress=p)
    )


@app.command("centroiden")
def import_centroiden(
    path: Path = FileArg,
    jaar: int | None = typer.Option(None, help="alleen buurten van dit indelingsjaar / only this division year"),
) -> None:
    """Buurtcentroïden (RD New) en namen / buurt centroids and names."""
    from warmteregio.data import centroids

    run_import("centroiden", lambda s, p: centroids.import_centroids(s, path, jaar=jaar, progress=p))


@app.command("buurtnamen")
def import_buurtnamen(
    path: Path = FileArg,
    jaar: int | None = typer.Option(None, help="alleen buurten van dit indelingsjaar / only this division year"),
) -> None:
    """Buurtnamen (neighbourhood_code, neighbourhood_name) / buurt names."""
    from warmteregio.data import centroids

    run_import("buurtnamen", lambda s, p: centroids.import_buurt_names(s, path, jaar=jaar, progress=p))


@app.command("warmtenetaandeel")
def import_warmtenetaandeel(
    path: Path = FileArg,
    jaar: int | None = typer.Option(None, help="alleen buurten van dit indelingsjaar / only this division year"),
) -> None:
    """Bestaand warmtenetaandeel per buurt (procent) / existing heat-network share."""
    from warmteregio.data import heatnetwork

    run_import("warmtenetaandeel", lambda s, p: heatnetwork.import_heat_network_share(s, path, jaar=jaar, progress=p))


@app.command("warmtebronnen")
def import_warmtebronnen(
    path: Path = FileArg,
    temperatuurklasse: str | None = typer.Option(None, help="HT, MT, LT of ZLT (anders uit de bestandsnaam)"),
    potentie: str | None = typer.Option(None, help="hoog of laag (anders uit de bestandsnaam)"),
    categorie: str | None = typer.Option(None, help="categorie (anders uit naam/bestandsnaam) / category"),
    status: str = typer.Option("potentieel", help="bestaand, gepland, potentieel, buiten_gebruik"),
    gebruiker: str | None = typer.Option(None, help="e-mail van wie importeert (in de versies) / importing user"),
) -> None:
    """Warmtebronnen: ETM-lijsten (CSV, XLSX, GeoPackage) of het eigen registerformaat / heat sources.

    Door gebruikers gewijzigde waarden worden niet overschreven maar gemeld / values changed by users are kept
    and reported."""
    from sqlalchemy import func, select

    from warmteregio.data import sources
    from warmteregio.store.models import User

    def run(s, p):  # type: ignore[no-untyped-def]
        user = None
        if gebruiker:
            user = s.scalar(select(User).where(func.lower(User.email) == gebruiker.strip().lower()))
        return sources.import_heat_sources(
            s, path, temperatuurklasse=temperatuurklasse, potentie=potentie, categorie=categorie, status=status,
            progress=p, gebruiker=gebruiker, user=user,
        )  # fmt: skip

    result = run_import("warmtebronnen", run)
    for note in result.notes:
        typer.echo(note)


@app.command("kenmerken")
def import_kenmerken(
    path: Path = FileArg,
    peiljaar: int | None = typer.Option(None, help="peiljaar voor het CBS-formaat (standaard 2021) / reference year"),
    bron: str | None = typer.Option(None, help="bronvermelding voor het CBS-formaat / source"),
) -> None:
    """Gebiedskenmerken: CBS KWB per gemeente of lang formaat gebied_code;kenmerk;peiljaar;waarde;eenheid;bron /
    area characteristics."""
    from warmteregio.data import kenmerken

    run_import("kenmerken", lambda s, p: kenmerken.import_kenmerken(s, path, peiljaar=peiljaar, bron=bron, progress=p))


@app.command("parameters")
def import_parameters(
    paths: list[Path] = PathArg,
    naam: str = typer.Option(..., help="naam van de parameterset / name of the set"),
    versie: str = typer.Option(..., help="versie / version"),
    beschrijving: str | None = typer.Option(None, help="beschrijving / description"),
    bron: str | None = typer.Option(None, help="bronvermelding / source"),
) -> None:
    """Parameterset (kentallen, prijspaden) uit bestanden of een map / parameter set from files or a folder."""
    from warmteregio.data import parameters

    run_import(
        "parameters",
        lambda s, p: parameters.import_parameter_set(
            s, paths, naam=naam, versie=versie, beschrijving=beschrijving, bron=bron, progress=p
        ),
    )


@app.command("cbs-kerncijfers")
def import_cbs_kerncijfers(
    jaar: int = typer.Option(..., help="jaar van de KWB-tabel / year of the KWB table"),
    gemeente: str | None = typer.Option(None, help="gemeentecode, bv. GM0505 / municipality code"),
    uitvoer: Path = typer.Option(..., help="CSV-bestand om te schrijven / CSV file to write"),
) -> None:
    """CBS Kerncijfers wijken en buurten downloaden naar CSV (vraagt internet) / download to CSV (needs internet)."""
    from warmteregio.clitools import EXIT_BAD_INPUT, console
    from warmteregio.data import cbs_odata

    try:
        rows = cbs_odata.download_kerncijfers(jaar, gemeente, uitvoer)
    except (cbs_odata.CbsODataError, ValueError) as exc:
        nl, en = (exc.nl, exc.en) if isinstance(exc, cbs_odata.CbsODataError) else (str(exc), str(exc))
        console.print(nl, markup=False, highlight=False)
        console.print(en, markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    typer.echo(f"cbs-kerncijfers: {rows} rijen/rows -> {uitvoer}")
