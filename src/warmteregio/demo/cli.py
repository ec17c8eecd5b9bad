"""``warmteregio demo ...``: load the embedded demo region."""

from __future__ import annotations

import typer

app = typer.Typer(help="Demoregio Drechtsteden / demo region", no_args_is_help=True)
