"""Command line interface (Typer). Thin: every command calls a Python function elsewhere."""

from __future__ import annotations

import typer

from warmteregio import __version__
from warmteregio.accounts.cli import app as users_app
from warmteregio.data.cli import app as import_app
from warmteregio.demo.cli import app as demo_app
from warmteregio.engine_cli import assess_command, validate_app
from warmteregio.services.afweging_cli import app as afweging_app
from warmteregio.services.allocatie_cli import app as allocatie_app
from warmteregio.services.assessment_cli import app as runs_app
from warmteregio.services.bronnen_cli import app as bronnen_app
from warmteregio.services.casus_cli import app as casus_app
from warmteregio.services.netwerk_cli import app as netwerk_app
from warmteregio.services.programma_cli import app as programma_app
from warmteregio.services.sweep_cli import app as sweep_app
from warmteregio.store.cli import app as db_app
from warmteregio.web.cli import serve

app = typer.Typer(
    help="warmteregio: platform voor de regionale warmtetransitie / platform for the regional heat transition",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="gebruiker")
app.command("serve")(serve)
app.command("assess")(assess_command)
app.add_typer(validate_app, name="validate")
app.add_typer(runs_app, name="beoordeling")
app.add_typer(afweging_app, name="afweging", help="weging, robuustheid en uitleg / weighing, robustness, explanations")
app.add_typer(casus_app, name="casus", help="workshopcasussen / workshop cases")
app.add_typer(sweep_app, name="sweep", help="landelijke SMAA-sweeps op Dask / national SMAA sweeps on Dask")
app.add_typer(bronnen_app, name="bronnen", help="warmtebronnenregister / heat-source registry")
app.add_typer(allocatie_app, name="allocatie", help="regionale toewijzing van bronnen / regional source allocation")
app.add_typer(programma_app, name="programma", help="warmteprogramma's van gemeenten / municipal heat programmes")
app.add_typer(netwerk_app, name="netwerk", help="regionaal netwerk / regional network")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
