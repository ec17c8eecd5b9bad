"""Comparison of engine results with PBL's Startanalyse 2020 results (validation statistics).

Reads PBL's results table (``*_resultaten_ontwikkelset.csv``) and computes, per variant, the median and 90th
percentile absolute percentage error (APE) of H16, H17 and H18, and the share of buurten whose lowest-cost
variant (lowest H18 among the compared variants) matches PBL's. The tuning/held-out split is deterministic by
gemeente: tuning = Hilversum (GM0402), held-out = Huizen (GM0406) + Blaricum (GM0376).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from warmteregio.engine.assess import Results

INDICATORS = ("H16_Nat_meerkost", "H17_Nat_meerkost_CO2", "H18_Nat_meerkost_WEQ")
TUNING_GEMEENTEN = ("GM0402",)
HELDOUT_GEMEENTEN = ("GM0406", "GM0376")


@dataclass
class PblResults:
    """PBL values keyed by (BU_CODE, strategie) for one zichtjaar; NaN where PBL left the cell blank."""

    values: dict[tuple[str, str], dict[str, float]]
    gemeente: dict[str, str]
    extra: dict[tuple[str, str], dict[str, float]]

    @property
    def buurten(self) -> list[str]:
        return sorted(self.gemeente)

    @property
    def strategies(self) -> list[str]:
        return sorted({s for _, s in self.values})


def _f(text: str | None) -> float:
    try:
        return float(text) if text not in (None, "") else float("nan")
    except ValueError:
        return float("nan")


def read_pbl_results(path: str | Path, zichtjaar: int = 2030, extra_columns: Sequence[str] = ()) -> PblResults:
    values: dict[tuple[str, str], dict[str, float]] = {}
    extra: dict[tuple[str, str], dict[str, float]] = {}
    gemeente: dict[str, str] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if str(row.get("zichtjaar")) != str(zichtjaar):
                continue
            key = (row["BU_CODE"], row["strategie"])
            values[key] = {k: _f(row.get(k)) for k in INDICATORS}
            extra[key] = {k: _f(row.get(k)) for k in extra_columns}
            gemeente[row["BU_CODE"]] = row.get("I05_gemeentecode", "")
    return PblResults(values, gemeente, extra)


def split_buurten(pbl: PblResults) -> dict[str, list[str]]:
    """Deterministic split by gemeente code."""
    return {
        "tuning": [b for b in pbl.buurten if pbl.gemeente[b] in TUNING_GEMEENTEN],
        "heldout": [b for b in pbl.buurten if pbl.gemeente[b] in HELDOUT_GEMEENTEN],
    }


@dataclass
class VariantStats:
    strategie: str
    n: int
    median_ape: dict[str, float]
    p90_ape: dict[str, float]


def _engine_lookup(results: Results, column: str) -> dict[tuple[str, str], float]:
    c = results.columns
    return {(b, s): float(v) for b, s, v in zip(c["BU_CODE"], c["strategie"], c[column], strict=True)}


def ape_stats(
    results: Results, pbl: PblResults, buurten: Iterable[str], strategies: Iterable[str]
) -> list[VariantStats]:
    wanted = set(buurten)
    lookups = {k: _engine_lookup(results, k) for k in INDICATORS}
    out = []
    for strat in strategies:
        apes: dict[str, list[float]] = {k: [] for k in INDICATORS}
        n = 0
        for (b, s), pv in pbl.values.items():
            if s != strat or b not in wanted or not np.isfinite(pv["H18_Nat_meerkost_WEQ"]):
                continue
            ours18 = lookups["H18_Nat_meerkost_WEQ"].get((b, s), float("nan"))
            if not np.isfinite(ours18):
                continue
            n += 1
            for k in INDICATORS:
                o, p = lookups[k].get((b, s), float("nan")), pv[k]
                if np.isfinite(o) and np.isfinite(p) and p != 0:
                    apes[k].append(abs(o - p) / abs(p) * 100.0)
        med = {k: float(np.median(v)) if v else float("nan") for k, v in apes.items()}
        p90 = {k: float(np.percentile(v, 90)) if v else float("nan") for k, v in apes.items()}
        out.append(VariantStats(strat, n, med, p90))
    return out


def lowest_cost_agreement(
    results: Results, pbl: PblResults, buurten: Iterable[str], strategies: Sequence[str]
) -> tuple[float, int]:
    """Share of buurten where argmin H18 over ``strategies`` is the same in PBL and in the engine.

    Buurten where PBL or the engine has no valid value for any of ``strategies`` are skipped; variants that are
    invalid (NaN) on one side are left out of that side's minimum.
    """
    ours = _engine_lookup(results, "H18_Nat_meerkost_WEQ")
    hits = 0
    n = 0
    for b in buurten:
        p = [(pbl.values.get((b, s), {}).get("H18_Nat_meerkost_WEQ", float("nan")), s) for s in strategies]
        o = [(ours.get((b, s), float("nan")), s) for s in strategies]
        p = [x for x in p if np.isfinite(x[0])]
        o = [x for x in o if np.isfinite(x[0])]
        if not p or not o:
            continue
        n += 1
        hits += min(p)[1] == min(o)[1]
    return (hits / n if n else float("nan")), n


def validation_table(
    results: Results,
    pbl: PblResults,
    families: Sequence[str] = ("S1", "S2", "S3", "S4"),
    viewer: Sequence[str] | None = None,
) -> dict[str, dict[str, object]]:
    """Per split: per-variant APE stats and lowest-cost agreement. The agreement is taken over PBL's viewer
    variants (``viewer``; default all of ``families``): once over those the engine computed, once over all."""
    split = split_buurten(pbl)
    strategies = [s for s in pbl.strategies if s[:2] in families]
    choice = [s for s in strategies if viewer is None or s in viewer]
    computed = {s for s in choice if np.isfinite(results.columns["H18_Nat_meerkost_WEQ"][results.rows_for(s)]).any()}
    out: dict[str, dict[str, object]] = {}
    for name, buurten in split.items():
        stats = ape_stats(results, pbl, buurten, strategies)
        agree_computed = lowest_cost_agreement(results, pbl, buurten, [s for s in choice if s in computed])
        agree_all = lowest_cost_agreement(results, pbl, buurten, choice)
        out[name] = {"stats": stats, "agree_computed": agree_computed, "agree_all": agree_all,
                     "n_buurten": len(buurten), "computed": sorted(computed)}  # fmt: skip
    return out


def format_table(table: dict[str, dict[str, object]]) -> str:
    lines = []
    for name, block in table.items():
        lines.append(f"\n## {name} ({block['n_buurten']} buurten)\n")
        lines.append("| strategie | n | H16 med | H16 P90 | H17 med | H17 P90 | H18 med | H18 P90 |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for st in block["stats"]:  # type: ignore[union-attr]
            if st.n == 0:
                lines.append(f"| {st.strategie} | 0 | - | - | - | - | - | - |")
                continue
            cells = []
            for k in INDICATORS:
                cells += [f"{st.median_ape[k]:.1f}%", f"{st.p90_ape[k]:.1f}%"]
            lines.append(f"| {st.strategie} | {st.n} | " + " | ".join(cells) + " |")
        a, n = block["agree_computed"]  # type: ignore[misc]
        b, m = block["agree_all"]  # type: ignore[misc]
        lines.append(
            f"\nlaagste-kosten-overeenstemming / lowest-cost agreement (berekende varianten / computed variants): "
            f"{a * 100:.1f}% (n={n}); over alle varianten / all variants: {b * 100:.1f}% (n={m})"
        )
    return "\n".join(lines)


def table_rows(table: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name, block in table.items():
        for st in block["stats"]:  # type: ignore[union-attr]
            row: dict[str, object] = {"set": name, "strategie": st.strategie, "n": st.n}
            for k in INDICATORS:
                row[f"{k}_median_ape"] = round(st.median_ape[k], 2)
                row[f"{k}_p90_ape"] = round(st.p90_ape[k], 2)
            rows.append(row)
        a, n = block["agree_computed"]  # type: ignore[misc]
        rows.append({"set": name, "strategie": "laagste_kosten_overeenstemming", "n": n, "share": round(a, 4)})
    return rows


START_FILE = "gooi_en_vechtstreek_startjaar2019_alle_buurten.csv"
RESULTS_FILE = "gooi_en_vechtstreek_resultaten_ontwikkelset.csv"


def run_validation(folder: str | Path, parameters: str = "vesta2020", zichtjaar: int = 2030):
    """Run the engine on PBL's start-year inputs and compare with PBL's development-set results."""
    from warmteregio.catalogue import load_catalogue, load_parameter_set
    from warmteregio.data.startanalyse import read_startanalyse
    from warmteregio.engine.assess import assess

    folder = Path(folder)
    inputs = read_startanalyse(folder / START_FILE)
    pbl = read_pbl_results(folder / RESULTS_FILE, zichtjaar)
    keep = np.isin(inputs.bu_code, pbl.buurten)
    catalogue = load_catalogue(2020)
    results = assess(inputs.subset(keep), catalogue, load_parameter_set(parameters), zichtjaar)
    return validation_table(results, pbl, viewer=[v.pbl_naam for v in catalogue if v.in_viewer])
