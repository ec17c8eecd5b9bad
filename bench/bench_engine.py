"""Benchmark of the national-cost engine: all buurten of the national table x all variants, and Drechtsteden at
building-group level. Prints a Markdown table (median of 5 runs, tracemalloc peak, ru_maxrss).

Usage: ``uv run python bench/bench_engine.py [--data ../shared/data]``

Mapping of the national table (``buurten/etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv``, PBL SA2020) to
BuurtInputs, with documented assumptions for fields the table lacks:

* dwellings, utility objects, WEQ: as given; utility floor area = nrWEQ_utiliteit x 130 m2 (the WEQ definition);
  dwelling floor area = 110 m2 per dwelling (assumption, Dutch average order of magnitude).
* space heating and tap water: buurt totals split over dwellings and utility in proportion to their WEQ.
* start-year inputs: natural gas = RV / 1.04 + TW / 0.72 (everyone on an HR boiler), electricity = appliances.
* labels: none known -> all objects unlabelled (class N, mapped by ``kalibratie/label_N_als``).
* current LV capacity: appliance peak (3 kW x 0.5 per dwelling + 0.03 kW/m2 x 0.95 utility).

Drechtsteden building groups (``etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv``): each
dwelling-type x build-period group is one engine row; its label class comes from the group's mean EPI
(energy-index bands of the pre-2021 label), its space heating from 0.3 GJ/m2/yr x floor area (assumption).
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from warmteregio.catalogue import load_catalogue, load_parameter_set
from warmteregio.engine.assess import assess
from warmteregio.engine.inputs import LABELS, BuurtInputs

DRECHTSTEDEN = ("0482", "0505", "0523", "0531", "0590", "0610", "0642")
EPI_BANDS = ((0.7, "Appp"), (1.05, "A"), (1.3, "B"), (1.6, "C"), (2.0, "D"), (2.4, "E"), (99, "F"))


def _num(x: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def national_inputs(path: Path) -> BuurtInputs:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r and r[0].startswith("BU")]
    col = {name: header.index(name) for name in header if name}
    get = lambda name: np.array([_num(r[col[name]]) for r in rows])  # noqa: E731
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
    return BuurtInputs(
        bu_code=np.array([r[0] for r in rows]), n_woningen=n_w, n_util=n_u, opp_woningen=n_w * 110.0,
        opp_util=opp_u, w_rv=rv * share_w, w_tw=tw * share_w, w_gas=(rv / 1.04 + tw / 0.72) * share_w,
        w_elek=app * share_w, u_rv=rv * (1 - share_w), u_tw=tw * (1 - share_w),
        u_gas=(rv / 1.04 + tw / 0.72) * (1 - share_w), u_elek=app * (1 - share_w), labels_w=labels_w,
        labels_u=labels_u, cap_e_huidig=n_w * 1.5 + opp_u * 0.0285, weq=weq_w + weq_u,
    )  # fmt: skip


def drechtsteden_groups(path: Path) -> BuurtInputs:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["buurtcode"][2:6] in DRECHTSTEDEN and _num(r["aantal_woningen"]) > 0]
    n = len(rows)
    n_w = np.array([_num(r["aantal_woningen"]) for r in rows])
    area = np.array([_num(r["gem_oppervlakte"]) for r in rows])
    labels_w = np.zeros((n, len(LABELS)))
    for i, r in enumerate(rows):
        epi = _num(r["gem_epi"])
        lab = next(label for top, label in EPI_BANDS if epi <= top) if epi > 0 else "N"
        labels_w[i, LABELS.index(lab)] = n_w[i]
    rv = n_w * area * 0.3
    tw = n_w * 8.0
    z = np.zeros(n)
    return BuurtInputs(
        bu_code=np.array([f"{r['buurtcode']}|{r['woningtype']}|{r['QI_bouwjaarklasse']}" for r in rows]),
        n_woningen=n_w, n_util=z, opp_woningen=n_w * area, opp_util=z, w_rv=rv, w_tw=tw,
        w_gas=rv / 1.04 + tw / 0.72, w_elek=n_w * 11.0, u_rv=z, u_tw=z, u_gas=z, u_elek=z, labels_w=labels_w,
        labels_u=np.zeros((n, len(LABELS))), cap_e_huidig=n_w * 1.5,
    )  # fmt: skip


def measure(label: str, inputs: BuurtInputs, repeats: int = 5) -> dict[str, object]:
    params = load_parameter_set("vesta2020")
    catalogue = load_catalogue(2020)
    assess(inputs, catalogue, params)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = assess(inputs, catalogue, params)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    assess(inputs, catalogue, params)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MB on Linux
    return {"case": label, "rows_in": len(inputs), "variants": len(catalogue), "rows_out": len(res),
            "median_s": statistics.median(times), "peak_mb": peak / 2**20, "maxrss_mb": rss}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    args = ap.parse_args(argv)
    cases = [
        measure("national buurten x all variants", national_inputs(
            args.data / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv")),
        measure("Drechtsteden building groups x all variants", drechtsteden_groups(
            args.data / "buurten" / "etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv")),
    ]  # fmt: skip
    print("| case | input rows | variants | output rows | median of 5 [s] | tracemalloc peak [MB] | ru_maxrss [MB] |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for c in cases:
        print(f"| {c['case']} | {c['rows_in']} | {c['variants']} | {c['rows_out']} | {c['median_s']:.3f} | "
              f"{c['peak_mb']:.0f} | {c['maxrss_mb']:.0f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
