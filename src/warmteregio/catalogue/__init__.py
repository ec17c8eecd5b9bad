"""Strategy catalogue and parameter sets shipped as data files (this module reads files; the engine does not).

* ``load_catalogue(year)`` reads ``strategieen.csv`` (and optionally a user CSV with extra variants).
* ``load_parameter_set(name)`` reads ``parametersets/<name>/`` into a :class:`~warmteregio.engine.params.Params`:
  the hand-mapped engine keys in ``engine_parameters.csv`` plus values derived from PBL's own tables in the same
  folder (building kentallen ``*Woningen*BAG*.csv`` / ``*Utiliteiten*BAG*.csv``, ``Installatie``/``Performance``
  tables, energy price paths ``*Energieprijzen*_{Aardgas,Elek,GroenGas|KlimaatNeutraalGas,GroenElek}.csv`` and
  ``OverigeKosten``). ``name`` may also be a path to a folder with the same layout (a user's copy).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from warmteregio.engine.params import Params
from warmteregio.engine.strategies import Catalogue, Variant

HERE = Path(__file__).resolve().parent
SETS_DIR = HERE / "parametersets"
CATALOGUE_FILE = HERE / "strategieen.csv"
DEFAULT_SET = "vesta2025"
BAG_LABELS = ("N", "G", "F", "E", "D", "C", "B", "A")
PRICE_CARRIERS = {
    "Aardgas": "aardgas",
    "Elek": "elek",
    "GroenGas": "groengas",
    "KlimaatNeutraalGas": "groengas",
    "GroenElek": "groenelek",
}
BANDS = ("KG", "KMG", "MMG", "GG")


def _read_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [
        {(k or "").strip(): (";".join(v) if isinstance(v, list) else (v or "")).strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)
    ]


def _num(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def available_parameter_sets() -> list[str]:
    return sorted(p.name for p in SETS_DIR.iterdir() if (p / "engine_parameters.csv").is_file())


def _set_dir(name: str | Path) -> Path:
    p = Path(name)
    if p.is_dir():
        return p
    d = SETS_DIR / str(name)
    if not (d / "engine_parameters.csv").is_file():
        raise FileNotFoundError(
            f"onbekende parameterset / unknown parameter set: {name!r} (beschikbaar / available: "
            f"{', '.join(available_parameter_sets())})"
        )
    return d


def _find(folder: Path, pattern: str) -> Path | None:
    hits = sorted(folder.glob(pattern))
    return hits[0] if hits else None


def _mid(row: Mapping[str, str], lo: str, hi: str, weight: float) -> float | None:
    a, b = _num(row.get(lo, "")), _num(row.get(hi, ""))
    if a is None or b is None:
        return None
    return a + weight * (b - a)


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _derive_bag(values: dict[str, float | str], path: Path, kind: str, weight: float) -> None:
    """Unweighted means over the building types of one BAG kentallen table (documented simplification)."""
    rows = _read_rows(path)
    for lab in BAG_LABELS:
        for part in ("asl", "opp"):
            m = _mean(_num(r.get(f"Vrv_{lab}_{part}", "")) for r in rows)
            if m is not None:
                values[f"bag/{kind}/Vrv_{lab}_{part}"] = m
    for src in BAG_LABELS:
        for dst in ("A", "B", "C", "D"):
            for part in ("asl", "opp"):
                m = _mean(
                    _mid(r, f"Ki_S{src}{dst}_min_{part}", f"Ki_S{src}{dst}_max_{part}", weight) for r in rows
                )
                if m is not None:
                    values[f"bag/{kind}/Ki_{src}{dst}_{part}"] = m


def _derive_installations(values: dict[str, float | str], path: Path, weight: float) -> None:
    for r in _read_rows(path):
        name = r.get("name", "")
        if not name:
            continue
        for who in ("w", "u"):
            for part in ("asl", "cap", "opp"):
                m = _mid(r, f"Ki_{part}_min_{who}", f"Ki_{part}_max_{who}", weight)
                if m is not None:
                    values[f"inst/{name}/Ki_{part}_{who}"] = m
        for col in ("R_OH", "R_Adm", "AT30", "AT20"):
            v = _num(r.get(col, ""))
            if v is not None:
                values[f"inst/{name}/{col}"] = v
        values[f"inst/{name}/LeerCurve"] = r.get("LeerCurve", "")


def _derive_performance(values: dict[str, float | str], path: Path) -> None:
    for r in _read_rows(path):
        key = f"perf/{r['Installatie_name']}/{r['schillabel_name']}/{r['ProductType_name']}"
        for col in ("P_vol", "P_cap", "SPF_b", "SPF_p", "eEffect_vol"):
            v = _num(r.get(col, ""))
            if v is not None:
                values[f"{key}/{col}"] = v


def _derive_prices(values: dict[str, float | str], folder: Path) -> None:
    gas_gj_m3 = float(values.get("GasEnergie", 0.03165))
    gj_kwh = float(values.get("GJ_per_kWh", 0.0036))
    for path in sorted(folder.glob("*Energieprijzen*.csv")):
        stem = path.stem
        if "_GAhoog_" in stem or "_GAlaag_" in stem:
            continue
        carrier_key = stem.rsplit("_", 1)[-1]
        carrier = PRICE_CARRIERS.get(carrier_key)
        if carrier is None:
            continue
        per_gj = 1.0 / (gj_kwh if carrier in ("elek", "groenelek") else gas_gj_m3)
        for r in _read_rows(path):
            year = r.get("Jaar")
            if not year:
                continue
            co2 = _num(r.get("RAT_CO2_KWH", ""))
            if co2 is not None:
                values[f"co2/{carrier}/{year}"] = co2 * per_gj  # kg/GJ
            for band in BANDS:
                parts = [_num(r.get(f"{band}_PC_{c}", "")) for c in ("COM_EXCL_CO2", "CO2", "NET")]
                if all(p is not None for p in parts):
                    values[f"prijs/{carrier}/{band}/{year}"] = sum(parts) * per_gj  # national EUR/GJ
                total = _num(r.get(f"{band}_P", ""))
                if total is not None:
                    values[f"prijs_eind/{carrier}/{band}/{year}"] = total * per_gj  # end-user incl. taxes
    overig = _find(folder, "*OverigeKosten.csv")
    if overig is not None:
        h2_mj = float(values.get("H2_energie_MJ_kg", 120.0))
        for r in _read_rows(overig):
            blue, green = _num(r.get("EURKG_H2_B", "")), _num(r.get("EURKG_H2_G", ""))
            rb, rg = _num(r.get("R_blauw", "")), _num(r.get("R_groen", ""))
            if None in (blue, green, rb, rg) or not r.get("Jaar"):
                continue
            values[f"prijs/waterstof/{r['Jaar']}"] = (rb * blue + rg * green) / h2_mj * 1000.0  # EUR/GJ


def _kentallen(path: Path) -> dict[str, float | str]:
    from warmteregio.data.parameters import validate_parameter_files

    rows, report, _files, _sha = validate_parameter_files(path)
    if not report.ok:
        raise ValueError(report.format("en"))
    return {r["naam"]: (r["waarde_num"] if r["waarde_num"] is not None else r["waarde"]) for r in rows}


def load_parameter_set(name: str | Path = DEFAULT_SET, overrides: Mapping[str, float | str] | None = None) -> Params:
    """Load a shipped (or user-copied) parameter set; optionally apply overrides (recorded in the result)."""
    folder = _set_dir(name)
    values: dict[str, float | str] = {}
    # 1. PBL's transcribed kentallen under their own names (used by the heat-network module), then the
    #    heat-network defaults, then the engine's own keys (which win on a clash).
    for extra in (_find(folder, "kentallen_*.csv"), _find(folder, "heatnet_defaults_*.csv") or _find(
        SETS_DIR, "heatnet_defaults_*.csv"
    )):
        if extra is not None:
            values.update(_kentallen(extra))
    for r in _read_rows(folder / "engine_parameters.csv"):
        key = r.get("key", "")
        if not key:
            continue
        v = _num(r.get("value", ""))
        values[key] = v if v is not None else r.get("value", "")
    weight = float(values.get("kostenschuif", 0.5))
    for kind, pattern in (("w", "*Woningen*BAG*.csv"), ("u", "*Utiliteiten*BAG*.csv")):
        path = _find(folder, pattern)
        if path is not None and "Nieuwbouw" not in path.name:
            _derive_bag(values, path, kind, weight)
    inst = _find(folder, "*nstallatie.csv")
    if inst is not None:
        _derive_installations(values, inst, weight)
    perf = _find(folder, "*erformance.csv")
    if perf is not None:
        _derive_performance(values, perf)
    _derive_prices(values, folder)
    set_name = folder.name
    version = str(values.get("meta/versie", "0"))
    params = Params(values, set_name, version)
    return params.with_overrides(overrides) if overrides else params


def read_overrides(path: str | Path) -> dict[str, float | str]:
    """A user's override file ``key;value`` (extra columns ignored)."""
    out: dict[str, float | str] = {}
    for r in _read_rows(Path(path)):
        key = r.get("key") or r.get("naam") or ""
        if key:
            v = _num(r.get("value", r.get("waarde", "")))
            out[key] = v if v is not None else r.get("value", r.get("waarde", ""))
    return out


def load_catalogue(
    year: int | str = 2020, extra: str | Path | None = None, path: str | Path | None = None
) -> Catalogue:
    """The variants of ``year`` (``2020`` or ``2025``) plus the reference; ``extra`` = a user CSV with more rows."""
    rows = _read_rows(Path(path) if path else CATALOGUE_FILE)
    cat = Catalogue.from_rows(rows, name=f"strategieen{year}")
    keep = tuple(v for v in cat.variants if v.is_reference or str(year) in v.jaarset)
    variants = list(keep)
    if extra is not None:
        more = Catalogue.from_rows(
            [r for r in _read_rows(Path(extra))] + [{**_ref_row(rows)}], name="extra"
        ).variants
        variants.extend(v for v in more if not v.is_reference)
    return Catalogue(tuple(variants), name=f"strategieen{year}" + ("+extra" if extra else ""))


def _ref_row(rows: list[dict[str, str]]) -> dict[str, str]:
    return next(r for r in rows if r.get("familie") == "REF")


__all__ = ["Variant", "available_parameter_sets", "load_catalogue", "load_parameter_set", "read_overrides"]
