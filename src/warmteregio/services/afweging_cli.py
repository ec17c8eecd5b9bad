"""CLI commands: afweging (issue 4, Afwegingskader II). Thin: each command calls a service function.

``warmteregio afweging rangschik|robuustheid|uitleg|criteria|invoer|intrekken``. A run is given by its number or
as the latest finished run of ``--regio``. Bad input prints a Dutch and an English message and exits with 2.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.clitools import EXIT_BAD_INPUT, console, database_session
from warmteregio.services import afweging
from warmteregio.store.models import User

app = typer.Typer(help="Afwegingskader: criteria, weging, robuustheid, uitleg / assessment framework",
                  no_args_is_help=True)  # fmt: skip
out = Console(soft_wrap=True)
T = TypeVar("T")

RunArg = typer.Argument(None, help="nummer van de beoordeling / assessment run id")
RegioOpt = typer.Option(None, "--regio", help="anders de laatste run van deze regio / else latest run of region")
GewichtOpt = typer.Option(None, "--gewicht", help="criterium=gewicht, mag vaker / criterion=weight, repeatable")
MethodeOpt = typer.Option("gewogen_som", "--methode", help="gewogen_som, topsis of promethee_ii / method")
BuurtOpt = typer.Option(None, "--buurt", help="alleen deze buurt(en), mag vaker / only these buurten, repeatable")


def fail(nl: str, en: str) -> None:
    console.print(f"Fout: {nl}\nError: {en}", markup=False, highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def _session() -> Iterator[Session]:
    try:
        with database_session() as session:
            yield session
    except afweging.AfwegingError as exc:
        fail(exc.nl, exc.en)


def _call(func_: Callable[[], T]) -> T:
    try:
        return func_()
    except afweging.AfwegingError as exc:
        fail(exc.nl, exc.en)
        raise  # unreachable


def _fmt(x: float, digits: int = 3) -> str:
    return "" if x is None or not math.isfinite(x) else f"{x:.{digits}g}"


def _buurten(values: list[str] | None) -> list[str] | None:
    codes = [p.strip().upper() for v in values or [] for p in v.split(",") if p.strip()]
    return codes or None


def _csv(header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    typer.echo(buf.getvalue(), nl=False)


@app.command("rangschik")
def rangschik(
    run_id: int | None = RunArg,
    regio: str | None = RegioOpt,
    gewicht: list[str] | None = GewichtOpt,
    methode: str = MethodeOpt,
    beperking: list[str] | None = typer.Option(None, "--beperking", help="harde eis, bv. bron_capaciteit>=1 / "
                                               "must-have, repeatable"),  # fmt: skip
    buurt: list[str] | None = BuurtOpt,
    als_csv: bool = typer.Option(False, "--csv", help="CSV naar stdout / CSV to stdout"),
) -> None:
    """Rangschik de varianten per buurt met gewichten / rank the variants per buurt."""
    with _session() as session:
        rid = afweging.resolve_run(session, run_id, regio)
        weights = afweging.parse_weights(gewicht)
        cons = [afweging.parse_constraint(b) for b in beperking or []]
        w = afweging.weigh(session, rid, weights, methode, cons, _buurten(buurt))
        dm, r = w.cm.dm, w.ranking

        def order(b: int) -> list[int]:
            return [int(v) for v in r.ranks[b].argsort() if r.ranks[b, v] > 0]

        if als_csv:
            rows = []
            for b, code in enumerate(dm.buurten):
                for v, variant in enumerate(dm.varianten):
                    rows.append([str(code), variant, int(r.ranks[b, v]) or "", _fmt(r.scores[b, v], 6)])
            _csv(["buurt_code", "variant", "rang", "score"], rows)
            return
        table = Table(title=f"Weging beoordeling {rid} ({methode})")
        for col in ("buurt", "winnaar", "score", "2e", "3e"):
            table.add_column(col, no_wrap=True)
        for b, code in enumerate(dm.buurten):
            ranked = order(b)
            names = [dm.varianten[v] for v in ranked]
            table.add_row(str(code), names[0] if names else "-", _fmt(r.scores[b, ranked[0]]) if ranked else "",
                          names[1] if len(names) > 1 else "", names[2] if len(names) > 2 else "")  # fmt: skip
        out.print(table)
        out.print("gewichten / weights: " + ", ".join(f"{k}={v:.3f}" for k, v in w.gewichten.items() if v > 0))


@app.command("robuustheid")
def robuustheid(
    run_id: int | None = RunArg,
    regio: str | None = RegioOpt,
    gewicht: list[str] | None = GewichtOpt,
    methode: str = MethodeOpt,
    samples: int = typer.Option(10_000, "--samples", help="aantal trekkingen / number of samples"),
    seed: int = typer.Option(0, "--seed", help="startwaarde / random seed"),
    zonder_onzekerheid: bool = typer.Option(False, "--zonder-onzekerheid", help="alleen gewichten variëren / "
                                            "vary weights only"),  # fmt: skip
    buurt: list[str] | None = BuurtOpt,
    als_csv: bool = typer.Option(False, "--csv", help="CSV naar stdout / CSV to stdout"),
) -> None:
    """Robuustheid per buurt (SMAA-2): winnaar, acceptatie, gelijkwaardige varianten / robustness per buurt."""
    with _session() as session:
        rid = afweging.resolve_run(session, run_id, regio)
        rob = afweging.robustness(session, rid, afweging.parse_weights(gewicht), None, not zonder_onzekerheid,
                                  samples, seed, methode, _buurten(buurt))  # fmt: skip
        dm, s = rob.cm.dm, rob.smaa
        rows = []
        for b, code in enumerate(dm.buurten):
            win = int(s.winner[b])
            tied = [dm.varianten[v] for v in range(len(dm.varianten)) if s.tied[b, v]]
            flip = ""
            if rob.flip is not None and int(rob.flip.criterion[b]) >= 0:
                flip = f"{dm.criteria[int(rob.flip.criterion[b])]} {float(rob.flip.delta[b]):+.3f} -> " \
                       f"{dm.varianten[int(rob.flip.new_winner[b])]}"  # fmt: skip
            rows.append([str(code), dm.varianten[win] if win >= 0 else "", _fmt(s.acceptability[b, win, 0]) if win >= 0
                         else "", " ".join(tied), flip])  # fmt: skip
        header = ["buurt_code", "winnaar", "acceptatie", "gelijkspel", "omslag"]
        if als_csv:
            _csv(header, rows)
            return
        table = Table(title=f"Robuustheid beoordeling {rid} ({s.n_samples} trekkingen, seed {s.seed})")
        for col in header:
            table.add_column(col, no_wrap=col in ("buurt_code", "winnaar", "acceptatie"))
        for row in rows:
            table.add_row(*row)
        out.print(table)


@app.command("uitleg")
def uitleg(
    run_id: int | None = RunArg,
    regio: str | None = RegioOpt,
    buurt: list[str] = typer.Option(..., "--buurt", help="buurtcode(s) / buurt code(s)"),
    gewicht: list[str] | None = GewichtOpt,
    taal: str = typer.Option("nl", "--taal", help="nl of en / language"),
    samples: int = typer.Option(2_000, "--samples", help="aantal trekkingen / number of samples"),
) -> None:
    """Uitleg van de afweging in een buurt / explanation for a buurt."""
    if taal not in ("nl", "en"):
        fail(f"taal {taal!r} onbekend: kies nl of en", f"unknown language {taal!r}: choose nl or en")
    with _session() as session:
        rid = afweging.resolve_run(session, run_id, regio)
        for u in afweging.explain_buurten(session, rid, afweging.parse_weights(gewicht), _buurten(buurt), samples):
            out.print(f"[bold]{u.buurt_code}[/bold]")
            out.print(u.tekst_nl if taal == "nl" else u.tekst_en, markup=False, highlight=False)
            out.print("")


@app.command("criteria")
def criteria() -> None:
    """De criteria van het afwegingskader / the criteria catalogue."""
    weights = _call(afweging.default_weights)
    table = Table(title="Criteria afwegingskader")
    for col in ("code", "naam", "groep", "eenheid", "richting", "berekening", "gewicht", "onzekerheid"):
        table.add_column(col, no_wrap=col == "code")
    for c in _call(afweging.criteria_catalogue):
        table.add_row(c.code, c.naam_nl, c.groep, c.eenheid, "hoger beter" if c.richting > 0 else "lager beter",
                      c.berekening, f"{weights[c.code]:.3f}", f"{c.onzekerheid:g}")  # fmt: skip
    out.print(table)


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        fail(f"gebruiker {email} bestaat niet", f"user {email} does not exist")
    return user  # type: ignore[return-value]


@app.command("invoer")
def invoer(
    gebruiker: str = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker / user e-mail"),
    buurt: str = typer.Option(..., "--buurt", help="buurtcode / buurt code"),
    criterium: str = typer.Option(..., "--criterium", help="criteriumcode / criterion code"),
    waarde: float = typer.Option(..., "--waarde", help="waarde in de eenheid van het criterium / value"),
    toelichting: str = typer.Option(..., "--toelichting", help="waarom, welke bron / why, which source"),
    variant: str = typer.Option("*", "--variant", help="variantcode of * voor alle / variant code or * for all"),
) -> None:
    """Voer een criteriumwaarde in voor een buurt als gebruiker / enter a criterion value as a user."""
    with _session() as session:
        user = _user(session, gebruiker)
        entry = afweging.enter_value(session, user, buurt, variant, criterium, waarde, toelichting)
        typer.echo(f"invoer {entry.id}: {entry.buurt_code} {entry.variant_code} {entry.criterium} = {entry.waarde:g}")


@app.command("intrekken")
def intrekken(
    invoer_id: int = typer.Argument(..., help="nummer van de invoer / entry id"),
    gebruiker: str = typer.Option(..., "--gebruiker", help="e-mail van de gebruiker / user e-mail"),
) -> None:
    """Trek een ingevoerde criteriumwaarde in (blijft in de historie) / withdraw an entry (kept in history)."""
    with _session() as session:
        afweging.withdraw_value(session, _user(session, gebruiker), invoer_id)
        typer.echo(f"invoer {invoer_id} ingetrokken / withdrawn")
