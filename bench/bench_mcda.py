"""Benchmark of the weighing and robustness engine (engine/mcda.py, engine/robustness.py).

Cases (synthetic decision matrices with realistic value ranges, fixed seed):

a. SMAA-2, weighted sum, 10,000 weight samples, RES-region size: 1,300 buurten x 17 variants x 12 criteria
   (goal: < 5 s, < 1.5 GB); median of ``--repeats`` runs, process peak RSS and tracemalloc peak.
b. re-ranking as on the weighing page: weights -> weighted sum -> ranks -> weight flips for a Drechtsteden-size
   matrix (308 x 17 x 20); median over many repeats (goal: a few ms for the engine part).
c. SMAA-2 with TOPSIS (exact squared-distance products), 1,000 samples, 1,300 x 17 x 12, for reference.
d. SMAA-2 weighted sum with shared input uncertainty (rel. sd 0.2), 10,000 samples, 1,000 confidence samples.
e. SMAA-2 weighted sum with per-buurt noise (generic elementwise path), 200 samples and 200 confidence samples,
   for reference.

Usage: ``uv run python bench/bench_mcda.py [--repeats 3] [--quick]``; prints a Markdown table and writes
``bench/results/mcda-*.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import markdown_table, maxrss_mib, median, write_results  # noqa: E402

from warmteregio.engine import mcda  # noqa: E402
from warmteregio.engine.robustness import InputUncertainty, smaa2, weight_flip  # noqa: E402

# (low, high, direction) per criterion: costs, emissions, shares, scores ... in their own units
CRITERIA = [
    ("nationale_kosten_eur_per_ton", 150.0, 900.0, -1),
    ("eindgebruikerskosten_eur_per_jaar", 1200.0, 3200.0, -1),
    ("co2_reductie_pct", 20.0, 100.0, 1),
    ("investering_meur", 0.5, 40.0, -1),
    ("netverzwaring_kw", 0.0, 3000.0, -1),
    ("bronbeschikbaarheid", 0.0, 1.0, 1),
    ("leveringszekerheid", 1.0, 5.0, 1),
    ("ruimtebeslag_m2", 0.0, 5000.0, -1),
    ("draagvlak", 1.0, 5.0, 1),
    ("hinder_uitvoering", 1.0, 5.0, -1),
    ("aantal_aansluitingen", 50.0, 2500.0, 1),
    ("energievraag_tj", 5.0, 200.0, -1),
    ("primaire_energie_tj", 5.0, 250.0, -1),
    ("warmteverlies_pct", 0.0, 30.0, -1),
    ("temperatuurniveau", 1.0, 3.0, 1),
    ("flexibiliteit", 1.0, 5.0, 1),
    ("gezondheid", 1.0, 5.0, 1),
    ("werkgelegenheid", 0.0, 50.0, 1),
    ("circulariteit", 1.0, 5.0, 1),
    ("kwetsbaarheid", 1.0, 5.0, -1),
]


def synthetic(n_buurten: int, n_variants: int, n_criteria: int, seed: int = 2026) -> mcda.DecisionMatrix:
    """Per buurt a base level per criterion, per variant a multiplicative spread; ~8% unavailable variants."""
    rng = np.random.default_rng(seed)
    crit = CRITERIA[:n_criteria]
    lo = np.array([c[1] for c in crit])
    hi = np.array([c[2] for c in crit])
    base = lo + (hi - lo) * rng.uniform(0.2, 0.8, (n_buurten, 1, n_criteria))
    spread = rng.lognormal(0.0, 0.25, (n_buurten, n_variants, n_criteria))
    values = np.clip(base * spread, lo, hi)
    available = rng.uniform(size=(n_buurten, n_variants)) > 0.08
    available[:, 0] = True
    values[~available] = np.nan
    return mcda.DecisionMatrix(
        np.array([f"BU{i:08d}" for i in range(n_buurten)]), [f"S{i:02d}" for i in range(n_variants)],
        [c[0] for c in crit], values, np.array([c[3] for c in crit]), available,
    )  # fmt: skip


def _timed(fn, repeats: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median(times), times


def bench_smaa(repeats: int, n_samples: int = 10_000) -> dict:
    dm = synthetic(1300, 17, 12)
    rss0 = maxrss_mib()
    med, times = _timed(lambda: smaa2(dm, n_samples, seed=1), repeats)
    rss = maxrss_mib()
    cpu0 = time.process_time()
    smaa2(dm, n_samples, seed=1)
    cpu = time.process_time() - cpu0
    tracemalloc.start()
    smaa2(dm, n_samples, seed=1)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"case": f"a. SMAA-2 weighted sum, {n_samples} samples, 1300 x 17 x 12", "median_s": med,
            "times_s": times, "cpu_s": cpu, "tracemalloc_peak_mib": peak / 2**20, "maxrss_mib": rss,
            "maxrss_before_mib": rss0, "goal": "< 5 s, < 1.5 GB"}  # fmt: skip


def bench_rerank(repeats: int) -> dict:
    dm = synthetic(308, 17, 20)
    rng = np.random.default_rng(7)
    weights = [rng.uniform(0.0, 1.0, 20) + 1e-3 for _ in range(repeats)]

    def once(w: np.ndarray) -> None:
        r = mcda.rank(dm, w)
        weight_flip(dm, r.weights)

    once(weights[0])  # warm-up
    times = []
    for w in weights:
        t0 = time.perf_counter()
        once(w)
        times.append(time.perf_counter() - t0)
    return {"case": "b. re-rank: weighted sum + ranks + weight flips, 308 x 17 x 20", "median_s": median(times),
            "p95_s": float(np.percentile(times, 95)), "repeats": repeats,
            "goal": "a few ms (page end-to-end < 300 ms)"}  # fmt: skip


def bench_topsis(repeats: int, n_samples: int = 1_000) -> dict:
    dm = synthetic(1300, 17, 12)
    med, times = _timed(lambda: smaa2(dm, n_samples, method="topsis", seed=1), repeats)
    return {"case": f"c. SMAA-2 TOPSIS, {n_samples} samples, 1300 x 17 x 12", "median_s": med,
            "times_s": times, "maxrss_mib": maxrss_mib(), "goal": "reference"}  # fmt: skip


def bench_uncertainty(repeats: int, n_samples: int, per_buurt: bool) -> dict:
    dm = synthetic(1300, 17, 12)
    unc = InputUncertainty(np.full((17, 12), 0.2), np.full(12, 0.1) if per_buurt else None)
    conf = 200 if per_buurt else 1_000
    med, times = _timed(lambda: smaa2(dm, n_samples, uncertainty=unc, seed=1, confidence_samples=conf), repeats)
    label = "per-buurt noise (generic path)" if per_buurt else "shared input uncertainty"
    return {"case": f"{'e' if per_buurt else 'd'}. SMAA-2 weighted sum, {label}, {n_samples}/{conf} samples",
            "median_s": med, "times_s": times, "maxrss_mib": maxrss_mib(), "goal": "reference"}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="repeats of the SMAA cases (median)")
    ap.add_argument("--quick", action="store_true", help="1 repeat, 200 re-rank repeats")
    args = ap.parse_args(argv)
    repeats = 1 if args.quick else args.repeats
    cases = [
        bench_smaa(repeats),
        bench_rerank(200 if args.quick else 1000),
        bench_topsis(repeats),
        bench_uncertainty(repeats, 10_000, per_buurt=False),
        bench_uncertainty(1, 200, per_buurt=True),
    ]
    rows = []
    for c in cases:
        med = f"{c['median_s'] * 1000:.1f} ms" if c["median_s"] < 1 else f"{c['median_s']:.2f} s"
        cpu = f"{c['cpu_s']:.2f}" if "cpu_s" in c else "-"
        rss = f"{c['maxrss_mib']:.0f}" if "maxrss_mib" in c else "-"
        rows.append([c["case"], med, cpu, rss, c["goal"]])
    print(f"cpus: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.1f}")
    print(markdown_table(["case", "median", "process cpu [s]", "ru_maxrss [MiB]", "goal"], rows))
    path = write_results("mcda", {"cases": cases, "load_average_1min": os.getloadavg()[0]})
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
