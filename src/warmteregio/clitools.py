"""Helpers shared by the CLI modules: database access, progress bars, bilingual errors, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.data.base import ImportValidationError, ProgressCallback
from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade

console = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

EXIT_BAD_INPUT = 2


def database_factory(migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """The configured database's engine (migrated to the newest schema) and a session factory, for commands that
    run work in several transactions (sweeps, allocation runs). The caller disposes of the engine."""
    engine = make_engine()
    if migrate:
        upgrade(engine)
    return engine, make_sessionmaker(engine)


@contextmanager
def database_session(migrate: bool = True) -> Iterator[Session]:
    """A session on the configured database, migrated to the newest schema, in one transaction."""
    engine = make_engine()
    if migrate:
        upgrade(engine)
    factory = make_sessionmaker(engine)
    try:
        with session_scope(factory) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def run_import(description: str, func: Callable[[Session, ProgressCallback], T]) -> T:
    """Run an importer in one transaction with a progress bar; bad input exits with code 2."""
    try:
        with database_session() as session, progress_bar(description) as progress:
            result = func(session, progress)
    except ImportValidationError as exc:
        console.print(exc.report.format("nl"), markup=False, highlight=False)
        console.print("")
        console.print(exc.report.format("en"), markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    summary = getattr(result, "summary", None)
    typer.echo(summary() if callable(summary) else str(result))
    return result
