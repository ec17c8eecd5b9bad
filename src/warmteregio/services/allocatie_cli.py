"""CLI: warmteregio allocatie (issue 5). Thin: every command calls a function in the services layer."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
