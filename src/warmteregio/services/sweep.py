"""National SMAA sweeps on Dask: the robustness of the weighing for every buurt of the country (or of regions).

A sweep runs, per buurt, the calculation engine, the criteria of the afwegingskader and SMAA-2
(:func:`warmteregio.engine.robustness.smaa2`) and keeps a short summary: the most acceptable variant, its
first-rank acceptability, the variants practically tied with it and every variant's first-rank acceptability.

Partitioning. The work is split by gemeente: every partition holds whole gemeenten (by default exactly one) with
their engine inputs as plain NumPy arrays (:class:`PartitionTask`). What every partition needs (parameter set,
strategy catalogue, end-user tariffs, criteria, expert judgements, settings) is bundled once in
:class:`SweepShared` and sent to each worker once (``Client.scatter(..., broadcast=True)``). The pure, picklable
function :func:`sweep_partition` turns one task into its summaries. SMAA's random streams do not depend on which
other buurten are computed in the same call (contract of :mod:`warmteregio.engine.robustness`), so a sweep
partitioned by gemeente gives exactly the numbers of one in-process call over all buurten
(:func:`run_all_at_once`); the tests check that with two local workers.

Backends (``scheduler``): ``local`` starts a ``dask.distributed.LocalCluster`` (``dask_workers`` processes, one
thread each) for the run and closes it afterwards; an address (``tcp://host:8786``; also read from the setting
``WARMTEREGIO_DASK_SCHEDULER``) connects a ``Client`` to an existing cluster; ``inproces`` runs the partitions
one after another in this process without Dask (tests, comparison). Progress is reported per finished partition
(``progress(done, total)``); a cancel check runs between completions and cancels the remaining futures.

Stored sweeps (:func:`create_sweep`, :func:`execute_sweep`): a ``sweeps`` row records status
(``wachtend`` -> ``bezig`` -> ``klaar`` | ``mislukt`` | ``geannuleerd``), progress, settings (JSON), the scheduler
and the code version. Progress is written in small transactions; the result rows are written together with the
status ``klaar`` in one transaction, and only while the sweep is still ``bezig``: a sweep cancelled (also from
another process, through :func:`request_cancel`) or failed never has result rows.

Input sources: buurten in the database (all, or those of given RES regions or gemeenten, each gemeente in its
newest division year; mapped by :func:`warmteregio.services.assessment.inputs_from_buurten`), or a national
table without the database (:func:`read_buurten_file`: PBL's start-year table or the ETM/PBL national heat-demand
table ``etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv``; assumptions listed at :func:`national_table_inputs`).
The gemeente of a buurt in a file is derived from its code (``BU0363xxxx`` -> ``GM0363``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

import warmteregio
from warmteregio.services import jobs
from warmteregio.services.queries import Page, Paging
from warmteregio.store.models import Buurt, BuurtLabel, Gebouwgroep, Gemeente, Sweep, User
from warmteregio.store.models import SweepResultaat as SweepRij

STATUS_WACHTEND = "wachtend"
STATUS_BEZIG = "bezig"
STATUS_KLAAR = "klaar"
STATUS_MISLUKT = "mislukt"
STATUS_GEANNULEERD = "geannuleerd"
STATUSSEN = (STATUS_WACHTEND, STATUS_BEZIG, STATUS_KLAAR, STATUS_MISLUKT, STATUS_GEANNULEERD)
LOPEND = (STATUS_WACHTEND, STATUS_BEZIG)

BACKEND_LOCAL = "local"
BACKEND_INPROCES = "inproces"
ADDRESS_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")
METHODEN = ("gewogen_som", "topsis", "promethee_ii")
MAX_SAMPLES = 200_000

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class SweepError(ValueError):
    """A sweep that cannot be started or read as asked; ``nl`` and ``en`` carry the message."""

    def __init__(self, nl: str, en: str, *, not_found: bool = False, conflict: bool = False) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.not_found = not_found
        self.conflict = conflict


class SweepGeannuleerd(RuntimeError):  # noqa: N818 - Dutch domain word, like the status
    """Raised by :func:`run_partitions` when the cancel check says stop."""

    nl = "sweep geannuleerd"
    en = "sweep cancelled"

    def __init__(self) -> None:
        super().__init__(f"{self.nl} / {self.en}")


# ------------------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class SweepInstellingen:
    """What a sweep computes. ``gewichten`` None: SMAA with unknown preferences (weights uniform on the
    simplex); with weights: uniform within ``weight x (1 -/+ spreiding)`` per criterion (renormalised);
    ``bereiken`` (criterion -> (lower, upper) normalised weight) wins over both. ``criteria`` None: every
    criterion of the catalogue. ``onzekerheid``: also each criterion's default relative uncertainty as input
    uncertainty (shared by all buurten per sample); off by default for sweeps because SMAA then leaves its fast
    path and costs far more (docs/method/sweep.md)."""

    parameterset: str = "vesta2025"
    parameterset_versie: str | None = None
    overrides: Mapping[str, float | str] = field(default_factory=dict)
    zichtjaar: int = 2030
    catalogus: int | None = None
    criteria: tuple[str, ...] | None = None
    gewichten: Mapping[str, float] | None = None
    spreiding: float = 0.25
    bereiken: Mapping[str, tuple[float, float]] | None = None
    n_samples: int = 10_000
    seed: int = 0
    methode: str = "gewogen_som"
    gelijkspel_drempel: float = 0.35
    onzekerheid: bool = False

    def validate(self) -> SweepInstellingen:
        """The settings, or :class:`SweepError` naming the first bad one."""
        if not 1 <= self.n_samples <= MAX_SAMPLES:
            raise SweepError(
                f"aantal trekkingen moet tussen 1 en {MAX_SAMPLES} liggen, niet {self.n_samples}",
                f"number of samples must be between 1 and {MAX_SAMPLES}, not {self.n_samples}",
            )
        if not 0 <= self.seed < 2**32:
            raise SweepError("seed moet tussen 0 en 2^32 liggen", "seed must be between 0 and 2^32")
        if self.methode not in METHODEN:
            raise SweepError(
                f"onbekende methode {self.methode!r} (kies {', '.join(METHODEN)})",
                f"unknown method {self.methode!r} (choose {', '.join(METHODEN)})",
            )
        if not 2000 <= self.zichtjaar <= 2100:
            raise SweepError(f"ongeldig zichtjaar {self.zichtjaar}", f"invalid view year {self.zichtjaar}")
        if self.catalogus is not None and self.catalogus not in (2020, 2025):
            raise SweepError("kies catalogus 2020 of 2025", "choose catalogue 2020 or 2025")
        if not 0.0 < self.gelijkspel_drempel <= 1.0:
            raise SweepError("gelijkspeldrempel moet in (0, 1] liggen", "tie threshold must be in (0, 1]")
        if not 0.0 <= self.spreiding < 1.0:
            raise SweepError("spreiding moet in [0, 1) liggen", "spread must be in [0, 1)")
        if self.gewichten is not None:
            values = list(self.gewichten.values())
            if any(not math.isfinite(w) or w < 0 for w in values) or not any(w > 0 for w in values):
                raise SweepError(
                    "gewichten moeten eindig en niet negatief zijn, en niet allemaal 0",
                    "weights must be finite and non-negative, and not all 0",
                )
        if self.bereiken is not None:
            for code, (lo, hi) in self.bereiken.items():
                if not (0.0 <= lo <= hi <= 1.0):
                    raise SweepError(
                        f"bereik van {code} moet 0 <= onder <= boven <= 1 zijn",
                        f"range of {code} must be 0 <= lower <= upper <= 1",
                    )
        return self

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["overrides"] = dict(self.overrides)
        out["criteria"] = list(self.criteria) if self.criteria is not None else None
        out["gewichten"] = dict(self.gewichten) if self.gewichten is not None else None
        out["bereiken"] = {k: list(v) for k, v in self.bereiken.items()} if self.bereiken is not None else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepInstellingen:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        if kwargs.get("criteria") is not None:
            kwargs["criteria"] = tuple(kwargs["criteria"])
        if kwargs.get("bereiken") is not None:
            kwargs["bereiken"] = {k: (float(v[0]), float(v[1])) for k, v in kwargs["bereiken"].items()}
        return cls(**kwargs)


# ------------------------------------------------------------------------------------------------ partitions


@dataclass
class PartitionTask:
    """One partition: whole gemeenten, their engine inputs and the buurt data the criteria need.

    ``buurt_data``: keyword arguments of :func:`warmteregio.engine.criteria.context_from_results` that are
    arrays over the buurten of ``inputs`` (``warmtevraag_gj``, ``oppervlakte_ha``, ``aandeel_sociale_huur``,
    ``gem_huishoudinkomen_eur``, ``netcongestie``, ``labels_w``, ``bron_beschikbaar_gj`` (B, V) ...);
    ``gemeente_van`` (B,) the gemeente of each buurt; ``invoer`` the user-entered criterion values of these buurten
    ((BU code, variant code or ``*``, criterion) -> value)."""

    gemeenten: tuple[str, ...]
    inputs: Any  # engine BuurtInputs
    gemeente_van: np.ndarray
    buurt_data: dict[str, np.ndarray] = field(default_factory=dict)
    invoer: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.inputs)


@dataclass
class SweepShared:
    """What every partition needs, loaded once and sent once to each worker (picklable: the parameter set is
    kept as plain values and rebuilt on use)."""

    instellingen: SweepInstellingen
    params_values: dict[str, float | str]
    params_name: str
    params_version: str
    params_overrides: dict[str, tuple[Any, Any]]
    catalogue: Any  # engine Catalogue
    tariffs: dict[str, float] | None
    criteria: tuple[Any, ...]  # engine Criterion, matrix order
    oordelen: dict[tuple[str, str], float]

    @classmethod
    def build(cls, instellingen: SweepInstellingen, params: Any, catalogue: Any, tariffs: Mapping[str, float] | None,
              criteria: Sequence[Any], oordelen: Mapping[tuple[str, str], float]) -> SweepShared:  # fmt: skip
        return cls(
            instellingen, dict(params.values), params.name, params.version, dict(params.overrides), catalogue,
            dict(tariffs) if tariffs is not None else None, tuple(criteria), dict(oordelen),
        )  # fmt: skip

    def params(self) -> Any:
        from warmteregio.engine.params import Params

        return Params(self.params_values, self.params_name, self.params_version, self.params_overrides)

    @property
    def varianten(self) -> list[Any]:
        return [v for v in self.catalogue if not v.is_reference]


@dataclass(frozen=True)
class BuurtSamenvatting:
    """The sweep's answer for one buurt. ``gelijkspel``: the variants practically tied with the winner (the
    winner itself not included); ``acceptaties``: first-rank acceptability per variant (catalogue order)."""

    buurt_code: str
    gemeente_code: str
    winnaar: str | None
    acceptatie: float | None
    gelijkspel: tuple[str, ...]
    acceptaties: dict[str, float]


def gemeente_of(bu_code: str) -> str:
    """``BU03630001`` -> ``GM0363`` (the four digits after BU are the gemeente number)."""
    return "GM" + bu_code[2:6]


def weight_ranges(instellingen: SweepInstellingen, criteria: Sequence[Any]) -> Any:
    """The :class:`~warmteregio.engine.robustness.WeightRanges` of the settings, or None (uniform simplex)."""
    from warmteregio.engine.robustness import WeightRanges

    codes = [c.code for c in criteria]
    if instellingen.bereiken is not None:
        unknown = sorted(set(instellingen.bereiken) - set(codes))
        if unknown:
            raise SweepError(f"onbekend criterium: {', '.join(unknown)}", f"unknown criterion: {', '.join(unknown)}")
        lower = np.array([instellingen.bereiken.get(c, (0.0, 1.0))[0] for c in codes], dtype=float)
        upper = np.array([instellingen.bereiken.get(c, (0.0, 1.0))[1] for c in codes], dtype=float)
    elif instellingen.gewichten is not None:
        unknown = sorted(set(instellingen.gewichten) - set(codes))
        if unknown:
            raise SweepError(f"onbekend criterium: {', '.join(unknown)}", f"unknown criterion: {', '.join(unknown)}")
        w = np.array([float(instellingen.gewichten.get(c, 0.0)) for c in codes])
        if w.sum() <= 0:
            raise SweepError("de gewichten van de gekozen criteria zijn allemaal 0",
                             "the weights of the chosen criteria are all 0")  # fmt: skip
        w = w / w.sum()
        lower = w * (1.0 - instellingen.spreiding)
        upper = np.minimum(w * (1.0 + instellingen.spreiding), 1.0)
    else:
        return None
    if lower.sum() > 1.0 + 1e-12 or upper.sum() < 1.0 - 1e-12:
        raise SweepError("gewichtsbereiken moeten som(onder) <= 1 <= som(boven) hebben",
                         "weight ranges need sum(lower) <= 1 <= sum(upper)")  # fmt: skip
    return WeightRanges(lower, upper)


def _uncertainty(shared: SweepShared, n_variants: int) -> Any:
    if not shared.instellingen.onzekerheid:
        return None
    from warmteregio.engine.robustness import InputUncertainty

    sd = np.array([float(c.onzekerheid) for c in shared.criteria], dtype=float)
    return InputUncertainty(np.tile(sd, (n_variants, 1)))


def summarise(
    buurten: np.ndarray, gemeenten: np.ndarray, varianten: Sequence[str], smaa: Any
) -> list[BuurtSamenvatting]:
    """Per-buurt summaries of a :class:`~warmteregio.engine.robustness.SmaaResult`."""
    first = np.asarray(smaa.first, dtype=float)
    out = []
    for b, code in enumerate(buurten):
        w = int(smaa.winner[b])
        acceptaties = {v: float(first[b, i]) for i, v in enumerate(varianten)}
        tied = tuple(varianten[i] for i in np.flatnonzero(smaa.tied[b]) if i != w) if w >= 0 else ()
        out.append(
            BuurtSamenvatting(
                str(code),
                str(gemeenten[b]),
                varianten[w] if w >= 0 else None,
                float(first[b, w]) if w >= 0 else None,
                tied,
                acceptaties,
            )  # fmt: skip
        )
    return out


def sweep_partition(task: PartitionTask, shared: SweepShared) -> list[BuurtSamenvatting]:
    """Engine, criteria and SMAA-2 for the buurten of one partition (pure; runs on a Dask worker)."""
    from warmteregio.engine.assess import assess
    from warmteregio.engine.criteria import compute_criteria, context_from_results
    from warmteregio.engine.robustness import smaa2

    if len(task) == 0:
        return []
    s = shared.instellingen
    params = shared.params()
    if shared.tariffs is not None:
        results = assess(task.inputs, shared.catalogue, params, s.zichtjaar, tariffs=shared.tariffs)
    else:
        results = assess(task.inputs, shared.catalogue, params, s.zichtjaar)
    varianten = shared.varianten
    ctx = context_from_results(results, varianten, oordelen=shared.oordelen, invoer=task.invoer, **task.buurt_data)
    cm = compute_criteria(ctx, shared.criteria)
    dm = cm.dm
    ranges = weight_ranges(s, shared.criteria)
    # The summary needs no confidence factors (1 sample: the minimum smaa2 accepts); one thread per partition
    # because Dask already runs one partition per worker core. Neither changes the acceptabilities.
    smaa = smaa2(
        dm, s.n_samples, ranges=ranges, uncertainty=_uncertainty(shared, len(dm.varianten)), method=s.methode,
        seed=s.seed, tie_threshold=s.gelijkspel_drempel, confidence_samples=1, threads=1,
    )  # fmt: skip
    gm = dict(zip(task.inputs.bu_code.tolist(), task.gemeente_van.tolist(), strict=True))
    return summarise(dm.buurten, np.array([gm[b] for b in dm.buurten]), list(dm.varianten), smaa)


PartitionFunction = Callable[[PartitionTask, SweepShared], list[BuurtSamenvatting]]


def make_tasks(
    inputs: Any,
    buurt_data: Mapping[str, np.ndarray] | None = None,
    gemeente_van: Sequence[str] | np.ndarray | None = None,
    max_buurten: int | None = None,
    invoer: Mapping[tuple[str, str, str], float] | None = None,
) -> list[PartitionTask]:
    """Split the inputs into partitions of whole gemeenten (sorted by gemeente code). ``max_buurten`` None: one
    gemeente per partition; else consecutive gemeenten are packed into one partition while it stays at or below
    ``max_buurten`` buurten (a larger gemeente is a partition on its own)."""
    codes = np.asarray(inputs.bu_code, dtype=str)
    gm = np.array([gemeente_of(c) for c in codes]) if gemeente_van is None else np.asarray(gemeente_van, dtype=str)
    data = dict(buurt_data or {})
    groups: list[list[str]] = []
    size = 0
    uniques, counts = np.unique(gm, return_counts=True)
    for g, n in zip(uniques.tolist(), counts.tolist(), strict=True):
        if groups and max_buurten is not None and size + n <= max_buurten:
            groups[-1].append(g)
            size += n
        else:
            groups.append([g])
            size = n
    tasks = []
    for group in groups:
        idx = np.flatnonzero(np.isin(gm, group))
        sub = {k: np.asarray(v)[idx] for k, v in data.items()}
        mine = set(codes[idx].tolist())
        entries = {key: value for key, value in (invoer or {}).items() if key[0] in mine}
        tasks.append(PartitionTask(tuple(group), inputs.subset(idx), gm[idx], sub, entries))
    return tasks


# ------------------------------------------------------------------------------------------------ running


def resolve_scheduler(value: str | None, configured: str | None = None) -> str:
    """``local``, ``inproces`` or a scheduler address; None -> the configured address, else ``local``."""
    text = (value or configured or BACKEND_LOCAL).strip()
    if text.lower() in (BACKEND_LOCAL, BACKEND_INPROCES):
        return text.lower()
    if text.startswith(ADDRESS_SCHEMES) or (":" in text and text.rsplit(":", 1)[1].isdigit()):
        return text
    raise SweepError(
        f"ongeldige scheduler {text!r}: kies 'local', 'inproces' of een adres als tcp://host:8786",
        f"invalid scheduler {text!r}: choose 'local', 'inproces' or an address such as tcp://host:8786",
    )


def _sorted(results: Iterable[BuurtSamenvatting]) -> list[BuurtSamenvatting]:
    return sorted(results, key=lambda r: r.buurt_code)


def run_partitions(
    tasks: Sequence[PartitionTask],
    shared: SweepShared,
    *,
    scheduler: str = BACKEND_LOCAL,
    n_workers: int = 2,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    partition_fn: PartitionFunction = sweep_partition,
) -> list[BuurtSamenvatting]:
    """Run every partition on the chosen backend; summaries sorted by buurt code.

    ``progress(done, total)`` is called once at the start (0) and once per finished partition; ``cancelled()`` is
    checked before submitting and after every completion: when it is true the remaining partitions are cancelled
    and :class:`SweepGeannuleerd` is raised. A failing partition cancels the rest and re-raises its error."""
    total = len(tasks)
    report = progress or (lambda done, total: None)
    stop = cancelled or (lambda: False)
    report(0, total)
    if stop():
        raise SweepGeannuleerd()
    if scheduler == BACKEND_INPROCES:
        out: list[BuurtSamenvatting] = []
        for i, task in enumerate(tasks, start=1):
            out.extend(partition_fn(task, shared))
            report(i, total)
            if stop() and i < total:
                raise SweepGeannuleerd()
        return _sorted(out)
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == BACKEND_LOCAL:
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise SweepError(
                f"kan geen verbinding maken met Dask-scheduler {scheduler}: {exc}",
                f"cannot connect to Dask scheduler {scheduler}: {exc}",
            ) from exc
    try:
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        futures = [
            client.submit(partition_fn, task, shared_future, pure=False, key=f"sweep-{task.gemeenten[0]}-{i}")
            for i, task in enumerate(tasks)
        ]
        out = []
        done = 0
        remaining = set(futures)
        try:
            for fut in as_completed(futures):
                remaining.discard(fut)
                out.extend(fut.result())
                done += 1
                report(done, total)
                if remaining and stop():
                    raise SweepGeannuleerd()
        except BaseException:
            if remaining:
                client.cancel(list(remaining))
            raise
        return _sorted(out)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_all_at_once(
    inputs: Any,
    shared: SweepShared,
    buurt_data: Mapping[str, np.ndarray] | None = None,
    gemeente_van: Sequence[str] | np.ndarray | None = None,
    partition_fn: PartitionFunction = sweep_partition,
    invoer: Mapping[tuple[str, str, str], float] | None = None,
) -> list[BuurtSamenvatting]:
    """All buurten in one in-process call (the reference the partitioned run must equal)."""
    codes = np.asarray(inputs.bu_code, dtype=str)
    gm = np.array([gemeente_of(c) for c in codes]) if gemeente_van is None else np.asarray(gemeente_van, dtype=str)
    task = PartitionTask(tuple(sorted(set(gm.tolist()))), inputs, gm, dict(buurt_data or {}), dict(invoer or {}))
    return _sorted(partition_fn(task, shared))


# ------------------------------------------------------------------------------------------------ shared data


def load_criteria_and_judgements(instellingen: SweepInstellingen) -> tuple[list[Any], dict[tuple[str, str], float]]:
    """The criteria (restricted to ``instellingen.criteria`` when given, in that order) and expert judgements."""
    from warmteregio.catalogue.criteria import load_criteria, load_oordelen

    criteria = list(load_criteria())
    oordelen = load_oordelen(criteria=criteria)
    if instellingen.criteria is not None:
        by_code = {c.code: c for c in criteria}
        unknown = [c for c in instellingen.criteria if c not in by_code]
        if unknown:
            raise SweepError(f"onbekend criterium: {', '.join(unknown)}", f"unknown criterion: {', '.join(unknown)}")
        if not instellingen.criteria:
            raise SweepError("kies minstens één criterium", "choose at least one criterion")
        criteria = [by_code[c] for c in instellingen.criteria]
    return criteria, dict(oordelen)


def prepare_shared(instellingen: SweepInstellingen, params: Any = None) -> SweepShared:
    """Validate the settings and load what every partition needs. ``params`` (engine ``Params``) replaces the
    packaged parameter set (e.g. a stored copy); overrides are applied either way."""
    from warmteregio.catalogue import load_catalogue, load_parameter_set
    from warmteregio.engine.params import ParameterError
    from warmteregio.services.assessment import catalogue_year, enduser_tariffs

    instellingen.validate()
    try:
        if params is None:
            params = load_parameter_set(instellingen.parameterset)
        if instellingen.overrides:
            params = params.with_overrides(dict(instellingen.overrides))
    except FileNotFoundError as exc:
        raise SweepError(
            f"onbekende parameterset {instellingen.parameterset!r}",
            f"unknown parameter set {instellingen.parameterset!r}",
            not_found=True,
        ) from exc
    except ParameterError as exc:
        raise SweepError(f"ongeldige override: {exc}", f"invalid override: {exc}") from exc
    year = instellingen.catalogus or catalogue_year(params)
    catalogue = load_catalogue(year)
    criteria, oordelen = load_criteria_and_judgements(instellingen)
    weight_ranges(instellingen, criteria)  # validates weights against the criteria
    return SweepShared.build(instellingen, params, catalogue, enduser_tariffs(), criteria, oordelen)


# ------------------------------------------------------------------------------------------------ files


def _num(text: str) -> float:
    try:
        return float(text.replace(",", ".")) if text and text.strip() else 0.0
    except ValueError:
        return float("nan")


def national_table_inputs(path: str | Path) -> tuple[Any, dict[str, np.ndarray]]:
    """The ETM/PBL national heat-demand table (``etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv``, PBL SA2020)
    as engine inputs plus criteria buurt data. The same mapping as ``bench/bench_engine.py``:

    * dwellings, utility objects, WEQ as given; utility floor area = WEQ utility x 130 m2; dwelling floor area =
      110 m2 per dwelling (assumption);
    * space heating and tap water split over dwellings and utility by WEQ share; start-year gas = RV / 1.04 +
      TW / 0.72 (HR boilers), electricity = appliances; no labels known (all class N); current LV capacity =
      appliance peak (1.5 kW per dwelling + 0.0285 kW/m2 utility);
    * criteria data: heat demand = space heating + tap water; dwelling labels (all N); the rest unknown (NaN,
      the criteria then use their neutral value).
    """
    from warmteregio.engine.inputs import LABELS, BuurtInputs

    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows = [r for r in reader if r and r[0].startswith("BU")]
    col = {name: header.index(name) for name in header if name}
    needed = ("Aantal_woningen [Aansluiting]", "Aantal_utiliteit [Aansluiting]", "nrWEQ_woningen [WEQ]",
              "nrWEQ_utiliteit [WEQ)", "Vraag_RV [ giga J per yr]", "Vraag_TW [ giga J per yr]",
              "Vraag_App [ giga J per yr]")  # fmt: skip
    missing = [n for n in needed if n not in col]
    if missing:
        raise SweepError(
            f"{path}: kolommen ontbreken: {', '.join(missing)}", f"{path}: missing columns: {', '.join(missing)}"
        )
    if not rows:
        raise SweepError(f"{path}: geen buurten gevonden", f"{path}: no buurten found")

    def get(name: str) -> np.ndarray:
        values = np.array([_num(r[col[name]]) if col[name] < len(r) else 0.0 for r in rows])
        bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
        if bad.size:
            row = int(bad[0]) + 2
            raise SweepError(f"{path}, rij {row}, kolom {name}: geen geldig getal",
                             f"{path}, row {row}, column {name}: not a valid number")  # fmt: skip
        return values

    n_w, n_u = get("Aantal_woningen [Aansluiting]"), get("Aantal_utiliteit [Aansluiting]")
    weq_w, weq_u = get("nrWEQ_woningen [WEQ]"), get("nrWEQ_utiliteit [WEQ)")
    weq = np.maximum(weq_w + weq_u, 1e-9)
    share_w = weq_w / weq
    rv, tw, app = get("Vraag_RV [ giga J per yr]"), get("Vraag_TW [ giga J per yr]"), get("Vraag_App [ giga J per yr]")
    n = len(rows)
    labels_w = np.zeros((n, len(LABELS)))
    labels_w[:, -1] = n_w
    labels_u = np.zeros((n, len(LABELS)))
    labels_u[:, -1] = n_u
    opp_u = weq_u * 130.0
    codes = np.array([r[0].strip() for r in rows])
    if len(set(codes.tolist())) != n:
        raise SweepError(f"{path}: dubbele buurtcodes", f"{path}: duplicate buurt codes")
    inputs = BuurtInputs(
        bu_code=codes, n_woningen=n_w, n_util=n_u, opp_woningen=n_w * 110.0,
        opp_util=opp_u, w_rv=rv * share_w, w_tw=tw * share_w, w_gas=(rv / 1.04 + tw / 0.72) * share_w,
        w_elek=app * share_w, u_rv=rv * (1 - share_w), u_tw=tw * (1 - share_w),
        u_gas=(rv / 1.04 + tw / 0.72) * (1 - share_w), u_elek=app * (1 - share_w), labels_w=labels_w,
        labels_u=labels_u, cap_e_huidig=n_w * 1.5 + opp_u * 0.0285, weq=weq_w + weq_u,
    )  # fmt: skip
    return inputs, {"warmtevraag_gj": rv + tw, "labels_w": labels_w}


def read_buurten_file(path: str | Path) -> tuple[Any, dict[str, np.ndarray]]:
    """Engine inputs and criteria buurt data from a PBL start-year table or the ETM/PBL national table."""
    from warmteregio.data.base import ImportValidationError
    from warmteregio.data.startanalyse import read_startanalyse

    p = Path(path)
    if not p.is_file():
        raise SweepError(f"bestand niet gevonden: {p}", f"file not found: {p}", not_found=True)
    with open(p, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if "Aantal_woningen [Aansluiting]" in first:
        return national_table_inputs(p)
    if "I09_aantal_woningen" in first:
        try:
            inputs = read_startanalyse(p)
        except ImportValidationError as exc:
            raise SweepError(exc.report.format("nl"), exc.report.format("en")) from exc
        demand = inputs.w_rv + inputs.w_tw + inputs.u_rv + inputs.u_tw
        return inputs, {"warmtevraag_gj": demand, "oppervlakte_ha": inputs.oppervlakte_ha, "labels_w": inputs.labels_w}
    raise SweepError(
        f"{p}: onbekend formaat (verwacht de PBL-startjaartabel of de landelijke warmtevraagtabel)",
        f"{p}: unknown format (expected PBL's start-year table or the national heat-demand table)",
    )


def sweep_file(
    path: str | Path,
    instellingen: SweepInstellingen,
    *,
    scheduler: str = BACKEND_LOCAL,
    n_workers: int = 2,
    gemeenten: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    max_buurten: int | None = None,
) -> list[BuurtSamenvatting]:
    """A sweep over a national table without the database (CLI, benchmark)."""
    instellingen.validate()
    inputs, data = read_buurten_file(path)
    gm = np.array([gemeente_of(c) for c in inputs.bu_code])
    if gemeenten:
        keep = np.isin(gm, list(gemeenten))
        if not keep.any():
            raise SweepError("geen buurten in de gekozen gemeenten", "no buurten in the chosen gemeenten")
        inputs = inputs.subset(keep)
        data = {k: np.asarray(v)[keep] for k, v in data.items()}
        gm = gm[keep]
    shared = prepare_shared(instellingen)
    tasks = make_tasks(inputs, data, gm, max_buurten=max_buurten)
    return run_partitions(tasks, shared, scheduler=scheduler, n_workers=n_workers, progress=progress,
                          cancelled=cancelled)  # fmt: skip


# ------------------------------------------------------------------------------------------------ database


@dataclass(frozen=True)
class SweepInfo:
    id: int
    status: str
    instellingen: dict[str, Any]
    regios: list[str] | None
    gemeenten: list[str] | None
    scheduler: str
    partities_totaal: int
    partities_klaar: int
    gestart: datetime
    beeindigd: datetime | None
    gestart_door_id: int | None
    gestart_door: str | None
    code_versie: str
    foutmelding: str | None
    aantal_buurten: int

    @property
    def lopend(self) -> bool:
        return self.status in LOPEND

    @property
    def voortgang(self) -> float:
        return self.partities_klaar / self.partities_totaal if self.partities_totaal else 0.0


def _gemeenten_selectie(
    session: Session, regios: Sequence[str] | None, gemeenten: Sequence[str] | None
) -> list[str] | None:
    """The gemeente codes to sweep (None: every gemeente with buurten)."""
    from warmteregio.services.queries import region_gemeenten

    if not regios and not gemeenten:
        return None
    chosen: set[str] = set()
    for regio in regios or ():
        found = [g.code for g in region_gemeenten(session, regio)]
        if not found:
            raise SweepError(f"regio {regio} niet gevonden of zonder gemeenten",
                             f"region {regio} not found or without gemeenten", not_found=True)  # fmt: skip
        chosen.update(found)
    for code in gemeenten or ():
        if session.scalar(select(func.count(Buurt.id)).where(Buurt.gemeente_code == code)) == 0:
            raise SweepError(f"gemeente {code} heeft geen buurten", f"gemeente {code} has no buurten", not_found=True)
        chosen.add(code)
    return sorted(chosen)


def _load_buurten(session: Session, gemeenten: Sequence[str] | None) -> list[Buurt]:
    """The buurten of the gemeenten (all when None), each gemeente in its newest division year."""
    newest = select(Buurt.gemeente_code, func.max(Buurt.jaar).label("jaar")).group_by(Buurt.gemeente_code)
    if gemeenten is not None:
        newest = newest.where(Buurt.gemeente_code.in_(list(gemeenten)))
    sub = newest.subquery()
    stmt = (
        select(Buurt)
        .join(sub, (Buurt.gemeente_code == sub.c.gemeente_code) & (Buurt.jaar == sub.c.jaar))
        .order_by(Buurt.code)
    )
    return list(session.scalars(stmt).all())


KENMERKEN = ("aandeel_sociale_huur", "gem_huishoudinkomen_eur", "netcongestie")


@dataclass
class DatabaseInvoer:
    """Everything a stored sweep reads from the database, as arrays over its buurten (code order)."""

    inputs: Any  # engine BuurtInputs
    buurt_data: dict[str, np.ndarray]
    gemeente_van: np.ndarray
    invoer: dict[tuple[str, str, str], float]


def database_inputs(
    session: Session, gemeenten: Sequence[str] | None, params: Any, varianten: Sequence[Any] = ()
) -> DatabaseInvoer:
    """Engine inputs and criteria data of the stored buurten of ``gemeenten`` (all when None), gathered like the
    afweging service does for a run: heat demand (``vraag_totaal_gj``), land area from the geometry, dwelling
    labels, area characteristics (buurt, else wijk, else gemeente;
    :func:`~warmteregio.services.afweging.buurt_kenmerken`), the heat sources per heat-network variant
    (:func:`~warmteregio.services.afweging.heat_sources_for`) and the current user-entered criterion values."""
    import shapely

    from warmteregio.services.afweging import buurt_kenmerken, current_entries, heat_sources_for
    from warmteregio.services.assessment import RegioBuurten, inputs_from_buurten

    buurten = _load_buurten(session, gemeenten)
    if not buurten:
        raise SweepError("geen buurten gevonden voor deze sweep", "no buurten found for this sweep", not_found=True)
    ids = [b.id for b in buurten]
    labels: dict[int, list[BuurtLabel]] = {}
    groepen: dict[int, list[Gebouwgroep]] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        for lb in session.scalars(select(BuurtLabel).where(BuurtLabel.buurt_id.in_(chunk))):
            labels.setdefault(lb.buurt_id, []).append(lb)
        for g in session.scalars(select(Gebouwgroep).where(Gebouwgroep.buurt_id.in_(chunk))):
            groepen.setdefault(g.buurt_id, []).append(g)
    inputs = inputs_from_buurten(RegioBuurten(max(b.jaar for b in buurten), buurten, labels, groepen), params)
    codes = [b.code for b in buurten]
    n = len(codes)
    nan = float("nan")
    demand = np.array([b.vraag_totaal_gj if b.vraag_totaal_gj is not None else nan for b in buurten], dtype=float)
    area = np.full(n, np.nan)
    for i, b in enumerate(buurten):
        if b.geometry is not None:
            a = float(shapely.area(shapely.from_wkb(b.geometry)))
            if math.isfinite(a) and a > 0:
                area[i] = a / 10_000.0
    gemeente_van = {b.code: b.gemeente_code for b in buurten}
    kenmerken = buurt_kenmerken(session, codes, gemeente_van)
    data: dict[str, np.ndarray] = {"warmtevraag_gj": demand, "oppervlakte_ha": area, "labels_w": inputs.labels_w}
    for naam in KENMERKEN:
        data[naam] = np.array([kenmerken[c][naam][2] if naam in kenmerken[c] else nan for c in codes], dtype=float)
    if varianten:
        cx = np.array([b.centroid_x if b.centroid_x is not None else nan for b in buurten], dtype=float)
        cy = np.array([b.centroid_y if b.centroid_y is not None else nan for b in buurten], dtype=float)
        beschikbaar = np.full((n, len(varianten)), np.nan)
        temperatuur = np.full((n, len(varianten)), np.nan)
        vpos = {v.code: j for j, v in enumerate(varianten)}
        bpos = {c: i for i, c in enumerate(codes)}
        for (code, vcode), m in heat_sources_for(session, codes, cx, cy, list(varianten)).items():
            if m.beschikbaar_gj is not None:
                beschikbaar[bpos[code], vpos[vcode]] = m.beschikbaar_gj
            if m.temperatuur_c is not None:
                temperatuur[bpos[code], vpos[vcode]] = m.temperatuur_c
        data["bron_beschikbaar_gj"] = beschikbaar
        data["bron_temperatuur_c"] = temperatuur
    invoer = {(e.buurt_code, e.variant_code, e.criterium): float(e.waarde) for e in current_entries(session, codes)}
    return DatabaseInvoer(inputs, data, np.array([b.gemeente_code for b in buurten]), invoer)


def create_sweep(
    session: Session,
    instellingen: SweepInstellingen,
    *,
    regios: Sequence[str] | None = None,
    gemeenten: Sequence[str] | None = None,
    scheduler: str = BACKEND_LOCAL,
    user: User | None = None,
) -> Sweep:
    """Validate and record a sweep (status ``wachtend``); :func:`execute_sweep` runs it."""
    instellingen.validate()
    scheduler = resolve_scheduler(scheduler)
    selectie = _gemeenten_selectie(session, regios, gemeenten)
    if selectie is not None:
        n = session.scalar(
            select(func.count(func.distinct(Buurt.gemeente_code))).where(Buurt.gemeente_code.in_(selectie))
        )
    else:
        n = session.scalar(select(func.count(func.distinct(Buurt.gemeente_code))))
    if not n:
        raise SweepError("geen buurten gevonden voor deze sweep", "no buurten found for this sweep", not_found=True)
    payload = instellingen.to_dict()
    payload["regios"] = sorted(set(regios)) if regios else None
    payload["gemeenten"] = selectie
    sweep = Sweep(
        status=STATUS_WACHTEND,
        instellingen=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        scheduler=scheduler[:200],
        partities_totaal=int(n),
        partities_klaar=0,
        gestart=datetime.now(UTC),
        gestart_door_id=user.id if user is not None else None,
        code_versie=warmteregio.__version__,
    )
    session.add(sweep)
    session.flush()
    return sweep


_CANCEL = jobs.CancelEvents()


def _event(sweep_id: int) -> threading.Event:
    return _CANCEL.event(sweep_id)


def _set_status(
    factory: sessionmaker[Session], sweep_id: int, status: str, *, van: Sequence[str], **values: Any
) -> bool:
    """``UPDATE sweeps SET status=... WHERE id=... AND status IN van``; True when the row changed."""
    return jobs.set_status(factory, Sweep, sweep_id, status, van=van, **values)


def execute_sweep(
    factory: sessionmaker[Session],
    sweep_id: int,
    *,
    n_workers: int = 2,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    partition_fn: PartitionFunction = sweep_partition,
    max_buurten: int | None = None,
) -> str:
    """Run a recorded sweep to its end and return its final status (see the module docstring)."""
    from warmteregio.services.assessment import load_parameters

    event = cancel_event or _event(sweep_id)
    try:
        with factory() as s:
            row = s.get(Sweep, sweep_id)
            if row is None:
                raise SweepError(f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found", not_found=True)
            payload = json.loads(row.instellingen)
            scheduler = row.scheduler
            instellingen = SweepInstellingen.from_dict(payload)
            try:
                params = load_parameters(s, instellingen.parameterset, instellingen.parameterset_versie)
            except Exception:  # noqa: BLE001 - unknown set: prepare_shared reports it bilingually
                params = None
            shared = prepare_shared(instellingen, params)
            db = database_inputs(s, payload.get("gemeenten"), shared.params(), shared.varianten)
        tasks = make_tasks(db.inputs, db.buurt_data, db.gemeente_van, max_buurten=max_buurten, invoer=db.invoer)
        if not _set_status(factory, sweep_id, STATUS_BEZIG, van=(STATUS_WACHTEND,), partities_totaal=len(tasks)):
            return _final_status(factory, sweep_id)
        state = {"weg": False}

        def on_progress(done: int, total: int) -> None:
            if done and not _set_status(factory, sweep_id, STATUS_BEZIG, van=(STATUS_BEZIG,), partities_klaar=done):
                state["weg"] = True  # no longer 'bezig': cancelled elsewhere
            if progress is not None:
                progress(done, total)

        def stop() -> bool:
            return event.is_set() or state["weg"]

        results = run_partitions(tasks, shared, scheduler=scheduler, n_workers=n_workers, progress=on_progress,
                                 cancelled=stop, partition_fn=partition_fn)  # fmt: skip
        if stop():
            raise SweepGeannuleerd()
        with factory() as s:
            changed = s.execute(
                update(Sweep)
                .where(Sweep.id == sweep_id, Sweep.status == STATUS_BEZIG)
                .values(status=STATUS_KLAAR, partities_klaar=len(tasks), beeindigd=datetime.now(UTC))
            ).rowcount
            if changed != 1:
                s.rollback()
                return _final_status(factory, sweep_id)
            rows = [
                {
                    "sweep_id": sweep_id, "buurt_code": r.buurt_code, "gemeente_code": r.gemeente_code,
                    "winnaar": r.winnaar, "acceptatie": r.acceptatie, "gelijkspel": json.dumps(list(r.gelijkspel)),
                    "acceptaties": json.dumps(r.acceptaties),
                }
                for r in results
            ]  # fmt: skip
            for i in range(0, len(rows), 5000):
                s.execute(insert(SweepRij), rows[i : i + 5000])
            s.commit()
        return STATUS_KLAAR
    except SweepGeannuleerd:
        _set_status(factory, sweep_id, STATUS_GEANNULEERD, van=LOPEND, beeindigd=datetime.now(UTC))
        return _final_status(factory, sweep_id)
    except KeyboardInterrupt:  # Ctrl-C in the CLI: the futures are cancelled, the sweep is marked cancelled
        _set_status(factory, sweep_id, STATUS_GEANNULEERD, van=LOPEND, beeindigd=datetime.now(UTC))
        raise
    except Exception as exc:  # noqa: BLE001 - any failure marks the sweep failed, with the message
        message = f"{exc.nl} / {exc.en}" if isinstance(exc, SweepError) else f"{type(exc).__name__}: {exc}"
        _set_status(factory, sweep_id, STATUS_MISLUKT, van=LOPEND, beeindigd=datetime.now(UTC),
                    foutmelding=message[:4000])  # fmt: skip
        return _final_status(factory, sweep_id)
    finally:
        _CANCEL.forget(sweep_id)


def _final_status(factory: sessionmaker[Session], sweep_id: int) -> str:
    return jobs.final_status(factory, Sweep, sweep_id, STATUS_MISLUKT)


def run_sweep(
    factory: sessionmaker[Session],
    instellingen: SweepInstellingen,
    *,
    regios: Sequence[str] | None = None,
    gemeenten: Sequence[str] | None = None,
    scheduler: str = BACKEND_LOCAL,
    user: User | None = None,
    n_workers: int = 2,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    partition_fn: PartitionFunction = sweep_partition,
    max_buurten: int | None = None,
) -> int:
    """Record and run a sweep in this thread; returns its id (read the outcome with :func:`get_sweep`)."""
    with factory() as s:
        sweep = create_sweep(s, instellingen, regios=regios, gemeenten=gemeenten, scheduler=scheduler, user=user)
        s.commit()
        sweep_id = sweep.id
    execute_sweep(factory, sweep_id, n_workers=n_workers, progress=progress, cancel_event=cancel_event,
                  partition_fn=partition_fn, max_buurten=max_buurten)  # fmt: skip
    return sweep_id


def start_in_background(
    factory: sessionmaker[Session],
    sweep_id: int,
    *,
    n_workers: int = 2,
    partition_fn: PartitionFunction = sweep_partition,
) -> threading.Thread:
    """Run a recorded sweep in a daemon thread of this process (the web app drives the Dask client from it)."""
    event = _event(sweep_id)
    thread = threading.Thread(
        target=execute_sweep,
        args=(factory, sweep_id),
        kwargs={"n_workers": n_workers, "cancel_event": event, "partition_fn": partition_fn},
        name=f"sweep-{sweep_id}",
        daemon=True,
    )
    thread.start()
    return thread


def request_cancel(session: Session, sweep_id: int) -> SweepInfo:
    """Cancel a waiting or running sweep (works across processes: the runner sees the status change)."""
    row = session.get(Sweep, sweep_id)
    if row is None:
        raise SweepError(f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found", not_found=True)
    if not jobs.cancel_if_running(session, Sweep, sweep_id, LOPEND, STATUS_GEANNULEERD, beeindigd=datetime.now(UTC)):
        session.refresh(row)
        raise SweepError(f"sweep {sweep_id} is al afgelopen (status {row.status})",
                         f"sweep {sweep_id} has already ended (status {row.status})", conflict=True)  # fmt: skip
    session.flush()
    _CANCEL.set(sweep_id)
    session.refresh(row)
    info = get_sweep(session, sweep_id)
    assert info is not None
    return info


# ------------------------------------------------------------------------------------------------ reading


def _info(row: Sweep, naam: str | None, aantal: int) -> SweepInfo:
    payload = json.loads(row.instellingen) if row.instellingen else {}
    regios = payload.pop("regios", None)
    gemeenten = payload.pop("gemeenten", None)
    return SweepInfo(
        row.id, row.status, payload, regios, gemeenten, row.scheduler, row.partities_totaal, row.partities_klaar,
        row.gestart, row.beeindigd, row.gestart_door_id, naam, row.code_versie, row.foutmelding, aantal,
    )  # fmt: skip


def get_sweep(session: Session, sweep_id: int) -> SweepInfo | None:
    row = session.get(Sweep, sweep_id)
    if row is None:
        return None
    session.refresh(row)
    naam = session.scalar(select(User.naam).where(User.id == row.gestart_door_id)) if row.gestart_door_id else None
    aantal = session.scalar(select(func.count(SweepRij.id)).where(SweepRij.sweep_id == sweep_id)) or 0
    return _info(row, naam, int(aantal))


def list_sweeps(session: Session, paging: Paging = Paging()) -> Page[SweepInfo]:
    totaal = session.scalar(select(func.count(Sweep.id))) or 0
    counts = select(SweepRij.sweep_id, func.count(SweepRij.id).label("n")).group_by(SweepRij.sweep_id).subquery()
    rows = session.execute(
        select(Sweep, User.naam, counts.c.n)
        .outerjoin(User, User.id == Sweep.gestart_door_id)
        .outerjoin(counts, counts.c.sweep_id == Sweep.id)
        .order_by(Sweep.gestart.desc(), Sweep.id.desc())
        .offset(paging.offset)
        .limit(paging.pagina_grootte)
    ).all()
    items = [_info(r, n, int(c or 0)) for r, n, c in rows]
    return Page(items, int(totaal), paging.pagina, paging.pagina_grootte)


def _summary(r: SweepRij) -> BuurtSamenvatting:
    return BuurtSamenvatting(r.buurt_code, r.gemeente_code, r.winnaar, r.acceptatie,
                             tuple(json.loads(r.gelijkspel or "[]")), json.loads(r.acceptaties or "{}"))  # fmt: skip


def sweep_results(
    session: Session, sweep_id: int, *, gemeente: str | None = None, paging: Paging | None = None
) -> Page[BuurtSamenvatting]:
    """Stored per-buurt results, by buurt code (all without ``paging``)."""
    conds = [SweepRij.sweep_id == sweep_id]
    if gemeente:
        conds.append(SweepRij.gemeente_code == gemeente)
    totaal = int(session.scalar(select(func.count(SweepRij.id)).where(*conds)) or 0)
    stmt = select(SweepRij).where(*conds).order_by(SweepRij.buurt_code, SweepRij.id)
    if paging is None:
        return Page([_summary(r) for r in session.scalars(stmt)], totaal, 1, max(totaal, 1))
    rows = session.scalars(stmt.offset(paging.offset).limit(paging.pagina_grootte))
    return Page([_summary(r) for r in rows], totaal, paging.pagina, paging.pagina_grootte)


@dataclass(frozen=True)
class WinnaarTelling:
    variant: str | None
    aantal_buurten: int
    gemiddelde_acceptatie: float | None


@dataclass(frozen=True)
class GemeenteOverzicht:
    """Per gemeente: how many buurten each variant wins and its mean first-rank acceptability there."""

    gemeente_code: str
    gemeente_naam: str | None
    aantal_buurten: int
    winnaars: list[WinnaarTelling]


def gemeente_overview(session: Session, sweep_id: int) -> list[GemeenteOverzicht]:
    rows = session.execute(
        select(SweepRij.gemeente_code, SweepRij.winnaar, func.count(SweepRij.id), func.avg(SweepRij.acceptatie))
        .where(SweepRij.sweep_id == sweep_id)
        .group_by(SweepRij.gemeente_code, SweepRij.winnaar)
    ).all()
    names = dict(session.execute(select(Gemeente.code, Gemeente.naam).order_by(Gemeente.jaar)).all())
    per: dict[str, list[WinnaarTelling]] = {}
    for gm, winnaar, n, mean in rows:
        per.setdefault(gm, []).append(WinnaarTelling(winnaar, int(n), float(mean) if mean is not None else None))
    out = []
    for gm in sorted(per):
        tellingen = sorted(per[gm], key=lambda t: (-t.aantal_buurten, t.variant or "~"))
        out.append(GemeenteOverzicht(gm, names.get(gm), sum(t.aantal_buurten for t in tellingen), tellingen))
    return out


def results_csv(results: Sequence[BuurtSamenvatting], sweep_id: int | None = None) -> str:
    """CSV (RFC 4180, comma, decimal point, UTF-8): buurt, gemeente, winner, its acceptability, tied variants
    (space-separated), then one ``acceptatie_<variant>`` column per variant."""
    varianten: list[str] = []
    for r in results:
        varianten += [v for v in r.acceptaties if v not in varianten]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    extra = ["sweep_id"] if sweep_id is not None else []
    writer.writerow(["buurt_code", "gemeente_code", "winnaar", "acceptatie", "gelijkspel",
                     *(f"acceptatie_{v}" for v in varianten), *extra])  # fmt: skip
    for r in results:
        writer.writerow(
            [r.buurt_code, r.gemeente_code, r.winnaar or "", "" if r.acceptatie is None else repr(r.acceptatie),
             " ".join(r.gelijkspel), *("" if v not in r.acceptaties else repr(r.acceptaties[v]) for v in varianten),
             *([sweep_id] if sweep_id is not None else [])]
        )  # fmt: skip
    return out.getvalue()


def export_csv(session: Session, sweep_id: int) -> str:
    if session.get(Sweep, sweep_id) is None:
        raise SweepError(f"sweep {sweep_id} niet gevonden", f"sweep {sweep_id} not found", not_found=True)
    return results_csv(sweep_results(session, sweep_id).items, sweep_id)
