"""CLI commands: afweging (issue 4, Afwegingskader II). Thin: each command calls a service function."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
