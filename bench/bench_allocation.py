"""Benchmark of the regional allocation optimiser (issue 5): linopy + HiGHS on real buurten and heat sources.

* **Drechtsteden** (RES region ES18, goal: solved to optimality in under 10 s): the 308 buurten of the package's
  demo data (``warmteregio/demo/data``: PBL SA2020 heat demand per buurt, ETM centroids) and the HT and LT
  sources of the demo data (``{ht,lt}_sources_high_potential.csv``) within reach (25 km). Built without a
  database: engine inputs as :func:`warmteregio.services.sweep.national_table_inputs`, model inputs with
  :func:`warmteregio.allocation.inputs.buurt_inputs` and :func:`~warmteregio.allocation.inputs.source_inputs`.
  The main solve is timed as the median of ``--repeats`` runs; the marginal values (one re-solve per source
  whose capacity can bind) and the per-gemeente standalone runs are timed separately.
* **Stedin service area** (goal: under 120 s with the optimality gap reported): the buurten of the ETM OB2021
  study area in ``../shared/data/buurten`` that have a centroid and a row in the national heat-demand table,
  and every HT and LT source in ``../shared/data/warmtebronnen/{ht,lt}_sources_high_potential.csv``. One solve
  with a time limit of ``--limit`` seconds.

A source's gemeente is the gemeente of the nearest buurt centroid when that lies within 2 km (else ''), its
category is guessed from its name (:func:`warmteregio.data.sources.categorise`); every other figure comes from
the allocation defaults (``bron_standaarden.csv``). Parameter set vesta2025, zichtjaar 2030.

Usage: ``uv run python bench/bench_allocation.py [--repeats 3] [--limit 120] [--skip-stedin]``
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import SHARED_DATA, BenchError, markdown_table, maxrss_mib, median, write_results  # noqa: E402

import warmteregio  # noqa: E402

DEMO = Path(warmteregio.__file__).resolve().parent / "demo" / "data"
TABLE = "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
GEO = "etm_wm_ob2021_neighbourhoods_geo.csv"
SOURCE_FILES = ("ht_sources_high_potential.csv", "lt_sources_high_potential.csv")
GOAL_DRECHTSTEDEN_S = 10.0
GOAL_STEDIN_S = 120.0
ZICHTJAAR = 2030
NEAR_M = 2_000.0
PLACEHOLDER = re.compile(r"^9{6,}(\.0+)?$")  # upstream "unlimited / unknown" (as warmteregio.data.sources)


def centroids(path: Path) -> dict[str, tuple[float, float]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {
            r["neighbourhood_code"].strip(): (float(r["geo_coordinate_x"]), float(r["geo_coordinate_y"]))
            for r in csv.DictReader(fh)
            if r.get("geo_coordinate_x") and r.get("geo_coordinate_y")
        }


def buurten(folder: Path, params, catalogue, only: set[str] | None = None):  # noqa: ANN001, ANN201
    """Model inputs of the buurten in ``folder``'s national table that have a centroid (and are in ``only``)."""
    from warmteregio.allocation.inputs import buurt_inputs
    from warmteregio.services.sweep import national_table_inputs

    inputs, _ = national_table_inputs(folder / TABLE)
    xy = centroids(folder / GEO)
    keep = np.array([c in xy and (only is None or c in only) for c in inputs.bu_code])
    inputs = inputs.subset(keep)
    codes = [str(c) for c in inputs.bu_code]
    x = np.array([xy[c][0] for c in codes])
    y = np.array([xy[c][1] for c in codes])
    gem = np.array([f"GM{c[2:6]}" for c in codes])
    return buurt_inputs(inputs, params, catalogue, ZICHTJAAR, gemeenten=gem, x=x, y=y), int((~keep).sum())


def source_records(folder: Path, bx: np.ndarray, by: np.ndarray, gem: np.ndarray, reach_m: float):  # noqa: ANN201
    """Registry records of the HT/LT source files within ``reach_m`` of a buurt centroid."""
    from warmteregio.allocation.inputs import SourceRecord
    from warmteregio.data.sources import categorise

    records = []
    for name in SOURCE_FILES:
        klasse = "HT" if name.startswith("ht_") else "LT"
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                sx, sy = float(r["geo_coordinate_x"]), float(r["geo_coordinate_y"])
                d = np.hypot(bx - sx, by - sy)
                if d.min() > reach_m:
                    continue
                raw = r["available_heat"].strip()
                heat = None if PLACEHOLDER.match(raw) else float(raw)
                cat = str(categorise(r["source_name"]))
                records.append(SourceRecord(
                    code=r["source_id"].strip(), naam=r["source_name"].strip(), categorie=cat,
                    temperatuurklasse=klasse, x=sx, y=sy, beschikbaar_gj_per_jaar=heat,
                    capaciteit_mw=None, temperatuur_c=None, booster_nodig=None, warmteprijs_eur_gj=None,
                    aansluitkosten_eur_kw=None, co2_kg_per_gj=None,
                    gemeente_code=str(gem[int(np.argmin(d))]) if d.min() <= NEAR_M else None,
                    startjaar=None, eindjaar=None, status="bestaand",
                ))  # fmt: skip
    return records


def drechtsteden(bu, so, base, repeats: int, prepare: float, dropped: int) -> dict:  # noqa: ANN001
    from dataclasses import replace

    from warmteregio.allocation import solve

    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = solve(bu, so, base)
        times.append(time.perf_counter() - t0)
    assert result is not None
    if result.status != "optimaal":
        raise BenchError(f"Drechtsteden not solved to optimality: {result.status}, gap {result.gap}")
    labels: list[str] = []
    full = solve(bu, so, replace(base, marginal_values=True, standalone=True),
                 progress=lambda label, done, total: labels.append(label) if done else None)  # fmt: skip
    resolves = sum(1 for label in labels if label.startswith("waarde extra MW"))
    hvc = [j for j, c in enumerate(so.codes) if c == "HTHP0002"]
    return {
        "buurten": len(bu.codes), "buurten_without_centroid": dropped, "sources": len(so.codes),
        "pairs_after_pruning": result.n_pairs, "prepare_s": prepare, "solve_s_median": median(times),
        "solve_s_all": times, "status": result.status, "gap": result.gap,
        "connected": int((result.assignment >= 0).sum()),
        "cost_eur_per_yr": result.cost, "cost_all_individual_eur_per_yr": result.cost_individual_total,
        "marginal_values_s": full.timings.get("marginal_s"), "marginal_resolves": resolves,
        "sources_with_value_above_0": int(np.sum(full.marginal_value_eur_per_mw > 0)),
        "standalone_s": full.timings.get("standalone_s"),
        "gemeenten_gain_eur_per_yr": {g.code: g.gain for g in full.gemeenten},
        "hvc_dordrecht_buurten": int(np.sum(result.assignment == hvc[0])) if hvc else None,
        "hvc_dordrecht_eur_per_extra_mw": float(full.marginal_value_eur_per_mw[hvc[0]]) if hvc else None,
        "goal_s": GOAL_DRECHTSTEDEN_S, "goal_met": median(times) < GOAL_DRECHTSTEDEN_S,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=float, default=GOAL_STEDIN_S - 5,
                    help="solver time limit of the Stedin solve [s] (the rest: building the model)")  # fmt: skip
    ap.add_argument("--skip-stedin", action="store_true")
    ap.add_argument("--stress", type=float, default=2.0,
                    help="also run each case with the individual costs x this factor (0: skip)")  # fmt: skip
    args = ap.parse_args(argv)

    from dataclasses import replace

    from warmteregio.allocation import settings_from_params, solve
    from warmteregio.allocation.inputs import source_inputs
    from warmteregio.catalogue import load_catalogue, load_parameter_set

    params = load_parameter_set("vesta2025")
    catalogue = load_catalogue(2025)
    base = settings_from_params(params, marginal_values=False, standalone=False, time_limit_s=60.0)
    rows, payload = [], {"parameterset": params.label, "zichtjaar": ZICHTJAAR}

    # --- (a) Drechtsteden from the demo data
    if not (DEMO / TABLE).is_file():
        raise BenchError(f"demo data not found: {DEMO / TABLE}")
    t0 = time.perf_counter()
    bu, dropped = buurten(DEMO, params, catalogue)
    recs = source_records(DEMO, np.asarray(bu.x), np.asarray(bu.y), np.asarray(bu.gemeenten), base.max_distance_m)
    so, _notes = source_inputs(recs, params, ZICHTJAAR)
    prepare = time.perf_counter() - t0
    for label, factor in [("Drechtsteden", 1.0)] + ([(f"Drechtsteden stress x{args.stress:g}", args.stress)]
                                                     if args.stress else []):  # fmt: skip
        case = bu if factor == 1.0 else replace(bu, cost_individual=np.asarray(bu.cost_individual) * factor)
        d = drechtsteden(case, so, base, args.repeats, prepare, dropped)
        payload[label] = d
        rows.append([label, d["buurten"], d["sources"], d["pairs_after_pruning"], d["solve_s_median"],
                     d["status"], f"{d['gap']:.2%}", d["connected"], f"< {GOAL_DRECHTSTEDEN_S:.0f} s"])  # fmt: skip
        print(f"{label}: marginal values {d['marginal_values_s']:.2f} s ({d['marginal_resolves']} re-solves, "
              f"{d['sources_with_value_above_0']} sources worth more than 0), standalone {d['standalone_s']:.2f} s, "
              f"HVC Dordrecht serves {d['hvc_dordrecht_buurten']} buurten, one more MW there is worth "
              f"{d['hvc_dordrecht_eur_per_extra_mw']:,.0f} EUR/yr")  # fmt: skip

    # --- (b) the Stedin service area from the shared data
    if not args.skip_stedin:
        folder = SHARED_DATA / "buurten"
        if not (folder / TABLE).is_file():
            raise BenchError(f"shared data not found: {folder / TABLE}")
        with open(folder / "etm_wm_ob2021_neighbourhood_list.csv", encoding="utf-8-sig", newline="") as fh:
            area = {c for r in csv.DictReader(fh) if (c := next(iter(r.values())).strip()).startswith("BU")}
        t0 = time.perf_counter()
        bu, dropped = buurten(folder, params, catalogue, only=area)
        recs = source_records(SHARED_DATA / "warmtebronnen", np.asarray(bu.x), np.asarray(bu.y),
                              np.asarray(bu.gemeenten), np.inf)  # fmt: skip
        so, _notes = source_inputs(recs, params, ZICHTJAAR)
        prepare = time.perf_counter() - t0
        for label, factor in [("Stedin", 1.0)] + ([(f"Stedin stress x{args.stress:g}", args.stress)]
                                                   if args.stress else []):  # fmt: skip
            case = bu if factor == 1.0 else replace(bu, cost_individual=np.asarray(bu.cost_individual) * factor)
            t0 = time.perf_counter()
            big = solve(case, so, replace(base, time_limit_s=args.limit))
            seconds = time.perf_counter() - t0
            s = {
                "buurten_in_area_list": len(area), "buurten": len(bu.codes), "buurten_without_centroid_or_demand":
                len(area) - len(bu.codes), "sources": len(so.codes), "pairs_after_pruning": big.n_pairs,
                "prepare_s": prepare, "solve_s": seconds, "solver_s": big.solve_seconds, "status": big.status,
                "gap": big.gap, "connected": int((big.assignment >= 0).sum()), "cost_eur_per_yr": big.cost,
                "time_limit_s": args.limit, "goal_s": GOAL_STEDIN_S, "goal_met": seconds < GOAL_STEDIN_S,
            }  # fmt: skip
            payload[label] = s
            rows.append([label, s["buurten"], s["sources"], s["pairs_after_pruning"], s["solve_s"], s["status"],
                         f"{s['gap']:.2%}", s["connected"], f"< {GOAL_STEDIN_S:.0f} s"])  # fmt: skip
    payload["maxrss_mib"] = maxrss_mib()
    print(markdown_table(["case", "buurten", "sources", "pairs", "solve s", "status", "gap", "connected", "goal"],
                         rows))  # fmt: skip
    print(f"written: {write_results('allocation', payload)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
