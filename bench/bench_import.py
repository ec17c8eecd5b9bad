"""Benchmark: import the national buurt table and the building-stock tables into a fresh database.

Steps per repeat, each in its own transaction (timed including the commit):

1. ``migratie``: create the schema with the Alembic migrations;
2. ``buurttabel``: ``etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv`` (13,688 buurten);
3. ``woningvoorraad``: ``etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv``;
4. ``utiliteit``: ``etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv``.

Every repeat starts from a fresh database: a new SQLite file, or the PostgreSQL database
``warmteregio_bench`` dropped and created again. Wall times are reported as the median over ``--repeats``
runs. Memory is measured in one extra run with :mod:`tracemalloc` on (it slows Python down, so it is not
part of the timed runs): the tracemalloc peak per step, and the process's ``ru_maxrss`` after each step.

Usage::

    uv run python bench/bench_import.py [--repeats 5] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    PG_ADMIN_URL,
    SHARED_DATA,
    BenchError,
    markdown_table,
    maxrss_mib,
    median,
    write_results,
)
from sqlalchemy import Engine, create_engine, func, select, text  # noqa: E402

from warmteregio.store.db import make_engine, make_sessionmaker, session_scope, upgrade  # noqa: E402
from warmteregio.store.models import Buurt, Gebouwgroep  # noqa: E402

PG_DATABASE = "warmteregio_bench"
BUURT_TABLE = SHARED_DATA / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
HOUSING = SHARED_DATA / "buurten" / "etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv"
UTILITY = SHARED_DATA / "buurten" / "etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv"
STEPS = ("migratie", "buurttabel", "woningvoorraad", "utiliteit")


def import_steps() -> list[tuple[str, Callable]]:
    from warmteregio.data.buurten import import_buurt_table

    try:
        from warmteregio.data.buildingstock import import_housing_stock, import_utility_stock
    except ImportError as exc:
        raise BenchError(f"building-stock importers not available: {exc}") from None
    return [
        ("buurttabel", lambda s: import_buurt_table(s, BUURT_TABLE)),
        ("woningvoorraad", lambda s: import_housing_stock(s, HOUSING)),
        ("utiliteit", lambda s: import_utility_stock(s, UTILITY)),
    ]


# --------------------------------------------------------------------------------------------- databases


def pg_admin() -> Engine:
    url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def fresh_pg() -> str:
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    except Exception as exc:  # noqa: BLE001
        raise BenchError(f"PostgreSQL not usable at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}") from None
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"


def drop_pg() -> None:
    admin = pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def pg_version() -> str:
    admin = pg_admin()
    with admin.connect() as conn:
        version = conn.scalar(text("show server_version"))
    admin.dispose()
    return str(version)


# ------------------------------------------------------------------------------------------------- runs


def one_run(backend: str, workdir: Path, run: int, trace: bool) -> dict[str, dict[str, float]]:
    """One fresh database, all steps; returns per step wall seconds (and memory when ``trace``)."""
    if backend == "sqlite":
        path = workdir / f"bench-{run}.sqlite"
        url = f"sqlite:///{path}"
    else:
        url = fresh_pg()
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    out: dict[str, dict[str, float]] = {}
    steps: list[tuple[str, Callable]] = [("migratie", None), *import_steps()]  # type: ignore[list-item]
    try:
        for name, func_ in steps:
            gc.collect()
            if trace:
                tracemalloc.start()
            start = time.perf_counter()
            if func_ is None:
                upgrade(engine)
            else:
                with session_scope(factory) as session:
                    func_(session)
            wall = time.perf_counter() - start
            entry = {"seconds": wall}
            if trace:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                entry["tracemalloc_peak_mib"] = peak / (1024 * 1024)
                entry["maxrss_mib"] = maxrss_mib()
            out[name] = entry
        with factory() as session:
            out["_counts"] = {
                "buurten": session.scalar(select(func.count()).select_from(Buurt)),
                "gebouwgroepen": session.scalar(select(func.count()).select_from(Gebouwgroep)),
            }
    finally:
        engine.dispose()
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    return out


def bench_backend(backend: str, repeats: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="warmteregio-bench-") as tmp:
        workdir = Path(tmp)
        runs = []
        for i in range(repeats):
            runs.append(one_run(backend, workdir, i, trace=False))
            print(f"  {backend} run {i + 1}/{repeats}: "
                  + ", ".join(f"{s} {runs[-1][s]['seconds']:.2f}s" for s in STEPS), flush=True)
        memory = one_run(backend, workdir, repeats, trace=True)
    if backend == "postgresql":
        drop_pg()
    steps = {}
    for step in STEPS:
        times = [r[step]["seconds"] for r in runs]
        steps[step] = {
            "median_s": median(times),
            "min_s": min(times),
            "max_s": max(times),
            "all_s": times,
            "tracemalloc_peak_mib": memory[step]["tracemalloc_peak_mib"],
            "maxrss_after_mib": memory[step]["maxrss_mib"],
            "traced_run_s": memory[step]["seconds"],
        }
    total = [sum(r[s]["seconds"] for s in STEPS) for r in runs]
    return {"steps": steps, "total_median_s": median(total), "counts": runs[0]["_counts"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import benchmark (SQLite and PostgreSQL)")
    parser.add_argument("--repeats", "-n", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    for path in (BUURT_TABLE, HOUSING, UTILITY):
        if not path.is_file():
            raise BenchError(f"input not found: {path} (set WARMTEREGIO_SHARED_DATA)")
    import_steps()  # fail early when importers are missing
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    results: dict[str, dict] = {}
    for backend in backends:
        print(f"{backend}: {args.repeats} repeats, fresh database each", flush=True)
        results[backend] = bench_backend(backend, args.repeats)
    rows = []
    for backend, res in results.items():
        for step in STEPS:
            s = res["steps"][step]
            rows.append([backend, step, s["median_s"], s["min_s"], s["max_s"], s["tracemalloc_peak_mib"],
                         s["maxrss_after_mib"]])
        rows.append([backend, "**totaal / total**", res["total_median_s"], "", "", "", ""])
    print()
    print(f"Import benchmark, median of {args.repeats} (fresh database per repeat)")
    print()
    print(markdown_table(
        ["database", "stap / step", "median [s]", "min [s]", "max [s]", "tracemalloc peak [MiB]",
         "ru_maxrss after [MiB]"],
        rows,
    ))
    for backend, res in results.items():
        print(f"\n{backend}: {res['counts']['buurten']} buurten, {res['counts']['gebouwgroepen']} gebouwgroepen")
    extra = {}
    if "postgresql" in results:
        extra["postgresql_server"] = pg_version()
    path = write_results(
        "bench_import",
        {
            "repeats": args.repeats,
            "inputs": {p.name: p.stat().st_size for p in (BUURT_TABLE, HOUSING, UTILITY)},
            "results": results,
            **extra,
        },
    )
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
