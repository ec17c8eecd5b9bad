"""Benchmark of the national SMAA sweep: every buurt of the country (13,688 buurten of the national table), every
variant of the catalogue, every criterion, 10,000 SMAA samples, partitioned by gemeente on a Dask LocalCluster
with 2 workers (goal: under 60 s), compared with one single-process call over all buurten.

Figures (wall time, median of ``--repeats``):

* ``dask_total_s``: ``run_partitions(scheduler="local")`` as the CLI runs it: LocalCluster start (2 worker
  processes, 1 thread each), scatter, all partitions, cluster close;
* ``dask_warm_s``: the same on an already running 2-worker LocalCluster (through its address), i.e. without the
  cluster start-up;
* ``single_s``: :func:`warmteregio.services.sweep.run_all_at_once` in this process (one thread);
* ``identical``: the Dask results equal the single-process results exactly (``==`` on every buurt).

Reading the table and loading the parameter set, catalogue and criteria (``prepare_s``) is timed separately.
Partitions hold whole gemeenten, packed into tasks of at most ``--max-buurten`` (default 700) buurten: with one
task per gemeente (355 tasks) the fixed cost per engine call dominates (measured at 500 samples: 49 s against
23 s packed).

Usage: ``uv run python bench/bench_sweep.py [--samples 10000] [--repeats 1] [--max-buurten N] [--no-single]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import SHARED_DATA, BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402

NATIONAL = SHARED_DATA / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
GOAL_S = 60.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bestand", type=Path, default=NATIONAL)
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--parameters", default="vesta2025")
    ap.add_argument("--max-buurten", type=int, default=700,
                    help="pack whole gemeenten into tasks of at most N buurten (0: one gemeente per task)")  # fmt: skip
    ap.add_argument("--no-single", action="store_true", help="skip the single-process comparison")
    args = ap.parse_args(argv)

    from distributed import LocalCluster

    from warmteregio.services import sweep

    if not args.bestand.is_file():
        raise BenchError(f"national table not found: {args.bestand}")
    t0 = time.perf_counter()
    instellingen = sweep.SweepInstellingen(parameterset=args.parameters, n_samples=args.samples, seed=0)
    shared = sweep.prepare_shared(instellingen)
    inputs, data = sweep.read_buurten_file(args.bestand)
    tasks = sweep.make_tasks(inputs, data, max_buurten=args.max_buurten or None)
    prepare_s = time.perf_counter() - t0
    n_gemeenten = len({g for t in tasks for g in t.gemeenten})
    print(f"{len(inputs)} buurten, {n_gemeenten} gemeenten, {len(tasks)} partitions, {len(shared.varianten)} "
          f"variants, {len(shared.criteria)} criteria, {args.samples} samples", flush=True)  # fmt: skip

    total, warm = [], []
    results = None
    for _ in range(args.repeats):
        t = time.perf_counter()
        results = sweep.run_partitions(tasks, shared, scheduler="local", n_workers=args.workers)
        total.append(time.perf_counter() - t)
        print(f"dask (LocalCluster started for the run): {total[-1]:.1f} s", flush=True)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=50) as cluster:  # fmt: skip
        for _ in range(args.repeats):
            t = time.perf_counter()
            warm_results = sweep.run_partitions(tasks, shared, scheduler=cluster.scheduler_address)
            warm.append(time.perf_counter() - t)
            print(f"dask (running cluster): {warm[-1]:.1f} s", flush=True)
    assert results is not None
    if warm_results != results:
        raise BenchError("two Dask runs gave different results")
    single_s = None
    identical = None
    if not args.no_single:
        t = time.perf_counter()
        once = sweep.run_all_at_once(inputs, shared, data)
        single_s = time.perf_counter() - t
        identical = once == results
        print(f"single process: {single_s:.1f} s, identical: {identical}", flush=True)
        if not identical:
            raise BenchError("the partitioned sweep differs from the single-process run")
    winners = sum(r.winnaar is not None for r in results)
    payload = {
        "buurten": len(inputs),
        "gemeenten": n_gemeenten,
        "partitions": len(tasks),
        "variants": len(shared.varianten),
        "criteria": len(shared.criteria),
        "samples": args.samples,
        "workers": args.workers,
        "repeats": args.repeats,
        "prepare_s": prepare_s,
        "dask_total_s": median(total),
        "dask_total_runs_s": total,
        "dask_warm_s": median(warm),
        "dask_warm_runs_s": warm,
        "single_s": single_s,
        "identical": identical,
        "buurten_with_winner": winners,
        "goal_s": GOAL_S,
        "goal_met": median(total) < GOAL_S,
        "maxrss_mib": maxrss_mib(),
    }
    path = write_results("sweep", payload)
    print(markdown_table(
        ["case", "buurten", "partitions", "variants", "criteria", "samples", "dask total [s]", "dask warm [s]",
         "single process [s]", "identical"],
        [["national sweep, 2 local Dask workers", len(inputs), len(tasks), len(shared.varianten),
          len(shared.criteria), args.samples, median(total), median(warm),
          single_s if single_s is not None else "-", identical if identical is not None else "-"]],
    ))  # fmt: skip
    print(f"goal < {GOAL_S:.0f} s: {'met' if payload['goal_met'] else 'NOT met'}; -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
