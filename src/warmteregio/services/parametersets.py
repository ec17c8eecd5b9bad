"""User copies of parameter sets with overridden values, and comparing two assessment runs.

A user never edits a published set. :func:`copy_parameter_set` copies a set under a new version (e.g.
``vesta`` ``2025`` -> ``vesta`` ``2025-dordrecht-1``) into the ``parameter_sets``/``parameter_waarden``
tables and replaces single values; every replaced value keeps the value it replaced
(``oorspronkelijke_waarde``), the user who changed it and the reason. The copy itself records the set it
came from (``basis_naam``/``basis_versie``) and its author.

The source of a copy is, in this order: a set stored in the database with that name and version, or the
packaged set (:func:`warmteregio.catalogue.load_parameter_set`) when its version matches.

Override keys are parameter names. A name that occurs in several groups is replaced in all of them; a
time series (rows with ``jaar``) is addressed per year as ``name@2030``.

:func:`diff_runs` answers "which results change": the buurt x variant rows whose national extra cost
(H16) or extra cost per WEQ (H18) differ between two runs, with both values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.store.models import Beoordelingsresultaat, Beoordelingsrun, ParameterSet, ParameterWaarde, User

MAX_VERSION_LENGTH = 40


class ParametersetError(ValueError):
    """A copy or lookup that cannot be done; ``nl`` and ``en`` are the two halves of the message."""

    def __init__(self, nl: str, en: str, *, not_found: bool = False) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.not_found = not_found


@dataclass(frozen=True, slots=True)
class BronWaarde:
    """One value of a source set, in the shape of a ``parameter_waarden`` row."""

    naam: str
    waarde: str
    waarde_num: float | None
    jaar: int | None = None
    eenheid: str | None = None
    bron: str | None = None
    beschrijving: str | None = None
    groep: str | None = None


@dataclass(frozen=True, slots=True)
class BronSet:
    naam: str
    versie: str
    beschrijving: str | None
    bron: str | None
    waarden: list[BronWaarde]
    verpakt: bool  # True when the values came from the packaged catalogue, not from the database


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def packaged_parameter_set(naam: str):  # noqa: ANN201
    """The packaged set ``naam`` (an engine ``Params``), or ``None`` when there is none or no catalogue yet."""
    try:
        from warmteregio.catalogue import load_parameter_set
    except ImportError:
        return None
    try:
        return load_parameter_set(naam)
    except (KeyError, FileNotFoundError, LookupError):
        return None


def source_set(session: Session, naam: str, versie: str) -> BronSet:
    """The set ``naam``/``versie`` from the database, else from the packaged catalogue; error when neither."""
    stored = session.scalar(select(ParameterSet).where(ParameterSet.naam == naam, ParameterSet.versie == versie))
    if stored is not None:
        rows = session.scalars(
            select(ParameterWaarde).where(ParameterWaarde.set_id == stored.id).order_by(ParameterWaarde.id)
        ).all()
        waarden = [
            BronWaarde(w.naam, w.waarde, w.waarde_num, w.jaar, w.eenheid, w.bron, w.beschrijving, w.groep)
            for w in rows
        ]
        return BronSet(stored.naam, stored.versie, stored.beschrijving, stored.bron, waarden, verpakt=False)
    packaged = packaged_parameter_set(naam)
    if packaged is not None and str(getattr(packaged, "version", "")) == versie:
        waarden = [
            BronWaarde(key, str(value), _number(value))
            for key, value in sorted(dict(packaged.values).items())
        ]
        return BronSet(
            naam, versie, f"Meegeleverde parameterset {naam} {versie}", "warmteregio.catalogue", waarden, verpakt=True
        )
    raise ParametersetError(
        f"parameterset {naam} versie {versie} niet gevonden",
        f"parameter set {naam} version {versie} not found",
        not_found=True,
    )


def _split_key(key: str) -> tuple[str, int | None]:
    """``"gasprijs@2030"`` -> ``("gasprijs", 2030)``; ``"discontovoet"`` -> ``("discontovoet", None)``."""
    name, sep, year = key.rpartition("@")
    if sep and year.isdigit():
        return name, int(year)
    return key, None


def _format_value(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def copy_parameter_set(
    session: Session,
    bron_naam: str,
    bron_versie: str,
    nieuwe_versie: str,
    overrides: Mapping[str, float],
    user: User | None,
    reden: str | None = None,
    *,
    beschrijving: str | None = None,
) -> ParameterSet:
    """Copy set ``bron_naam``/``bron_versie`` as ``bron_naam``/``nieuwe_versie`` with ``overrides`` applied.

    Refuses an existing target version, unknown override names, non-finite values, and overrides without a
    reason. Flushes but does not commit (the caller owns the transaction).
    """
    nieuwe_versie = (nieuwe_versie or "").strip()
    if not nieuwe_versie or len(nieuwe_versie) > MAX_VERSION_LENGTH:
        raise ParametersetError(
            f"geef een nieuwe versie van 1 tot {MAX_VERSION_LENGTH} tekens",
            f"give a new version of 1 to {MAX_VERSION_LENGTH} characters",
        )
    if overrides and not (reden or "").strip():
        raise ParametersetError(
            "geef een reden voor de aangepaste waarden", "give a reason for the overridden values"
        )
    exists = session.scalar(
        select(ParameterSet.id).where(ParameterSet.naam == bron_naam, ParameterSet.versie == nieuwe_versie)
    )
    if exists is not None:
        raise ParametersetError(
            f"parameterset {bron_naam} versie {nieuwe_versie} bestaat al",
            f"parameter set {bron_naam} version {nieuwe_versie} already exists",
        )
    bron = source_set(session, bron_naam, bron_versie)
    wanted: dict[tuple[str, int | None], float] = {}
    for key, value in overrides.items():
        number = _number(value)
        if number is None:
            raise ParametersetError(
                f"waarde voor {key} is geen eindig getal: {value!r}",
                f"value for {key} is not a finite number: {value!r}",
            )
        wanted[_split_key(key)] = number
    present = {(w.naam, w.jaar) for w in bron.waarden}
    unknown = sorted(f"{n}@{j}" if j is not None else n for n, j in wanted if (n, j) not in present)
    if unknown:
        raise ParametersetError(
            f"onbekende parameter(s) in set {bron_naam} {bron_versie}: {', '.join(unknown)}",
            f"unknown parameter(s) in set {bron_naam} {bron_versie}: {', '.join(unknown)}",
        )
    now = datetime.now(UTC)
    door = user.naam if user is not None else "onbekend"
    kopie = ParameterSet(
        naam=bron_naam,
        versie=nieuwe_versie,
        beschrijving=beschrijving
        or f"Kopie van {bron_naam} {bron_versie} door {door}"
        + (f" met {len(wanted)} aangepaste waarde(n)" if wanted else ""),
        bron=bron.bron,
        aangemaakt=now,
        basis_naam=bron_naam,
        basis_versie=bron_versie,
        aangemaakt_door_id=user.id if user is not None else None,
    )
    for w in bron.waarden:
        row = ParameterWaarde(
            naam=w.naam,
            jaar=w.jaar,
            waarde=w.waarde,
            waarde_num=w.waarde_num,
            eenheid=w.eenheid,
            bron=w.bron,
            beschrijving=w.beschrijving,
            groep=w.groep,
        )
        new = wanted.get((w.naam, w.jaar))
        if new is not None:
            row.oorspronkelijke_waarde = w.waarde
            row.waarde = _format_value(new)
            row.waarde_num = new
            row.aangepast_door_id = user.id if user is not None else None
            row.reden = reden.strip() if reden else None
        kopie.waarden.append(row)
    session.add(kopie)
    session.flush()
    return kopie


@dataclass(frozen=True, slots=True)
class Aanpassing:
    """One overridden value of a stored set."""

    naam: str
    jaar: int | None
    oorspronkelijke_waarde: str | None
    waarde: str
    reden: str | None
    aangepast_door_id: int | None


def overrides_of(session: Session, naam: str, versie: str) -> list[Aanpassing]:
    """The overridden values of a stored set, by name."""
    rows = session.execute(
        select(ParameterWaarde)
        .join(ParameterSet, ParameterSet.id == ParameterWaarde.set_id)
        .where(
            ParameterSet.naam == naam,
            ParameterSet.versie == versie,
            ParameterWaarde.oorspronkelijke_waarde.is_not(None),
        )
        .order_by(ParameterWaarde.naam, ParameterWaarde.jaar)
    ).scalars()
    return [
        Aanpassing(w.naam, w.jaar, w.oorspronkelijke_waarde, w.waarde, w.reden, w.aangepast_door_id) for w in rows
    ]


# ------------------------------------------------------------------------------------------------ diff


@dataclass(frozen=True, slots=True)
class ResultaatVerschil:
    """A buurt x variant whose H16 or H18 differs between run A and run B (``None`` = absent or no value)."""

    buurt_code: str
    strategie: str
    h16_a: float | None
    h16_b: float | None
    h18_a: float | None
    h18_b: float | None


def _differs(a: float | None, b: float | None, rel: float, absolute: float) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) != math.isnan(b)
    return not math.isclose(a, b, rel_tol=rel, abs_tol=absolute)


def diff_runs(
    session: Session,
    run_a: Beoordelingsrun | int,
    run_b: Beoordelingsrun | int,
    *,
    rel_tol: float = 1e-9,
    abs_tol: float = 1e-6,
) -> list[ResultaatVerschil]:
    """Rows (buurt x variant) whose H16 or H18 changed from run A to run B, ordered by buurt and variant.

    A row present in only one of the runs counts as changed. Unchanged rows are not reported.
    """
    id_a = run_a if isinstance(run_a, int) else run_a.id
    id_b = run_b if isinstance(run_b, int) else run_b.id

    def rows(run_id: int) -> dict[tuple[str, str], tuple[float | None, float | None]]:
        result = session.execute(
            select(
                Beoordelingsresultaat.buurt_code,
                Beoordelingsresultaat.strategie,
                Beoordelingsresultaat.h16_nat_meerkost,
                Beoordelingsresultaat.h18_nat_meerkost_weq,
            ).where(Beoordelingsresultaat.run_id == run_id)
        )
        return {(r.buurt_code, r.strategie): (r.h16_nat_meerkost, r.h18_nat_meerkost_weq) for r in result}

    a, b = rows(id_a), rows(id_b)
    changed = []
    for key in sorted(a.keys() | b.keys()):
        h16_a, h18_a = a.get(key, (None, None))
        h16_b, h18_b = b.get(key, (None, None))
        if (key in a) != (key in b) or _differs(h16_a, h16_b, rel_tol, abs_tol) or _differs(
            h18_a, h18_b, rel_tol, abs_tol
        ):
            changed.append(ResultaatVerschil(key[0], key[1], h16_a, h16_b, h18_a, h18_b))
    return changed
