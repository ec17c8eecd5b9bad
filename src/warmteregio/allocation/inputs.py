"""Model inputs from engine inputs and registry records (pure: no database).

* :func:`buurt_inputs` runs the engine (:func:`warmteregio.engine.assess.assess`) for the individual variants and
  for the four network kinds of :data:`~warmteregio.allocation.model.KINDS` with PBL's allocation rules switched off
  (every buurt fully connected) and the source side taken out (transport pipe length 0, extraction cost 0, source
  heat price 0): what is left is the network without its source, which the allocation model prices per pair.
* :func:`source_inputs` turns registry rows (:class:`SourceRecord`) into :class:`AllocationSources`, keeping the
  sources available in the year and filling every unknown figure from ``bron_standaarden.csv`` (a ``bron`` column
  per row), with a note per default used.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from warmteregio.allocation.model import KINDS, AllocationBuurten, AllocationError, AllocationSources

if TYPE_CHECKING:
    from warmteregio.engine.inputs import BuurtInputs
    from warmteregio.engine.params import Params
    from warmteregio.engine.strategies import Catalogue

DEFAULTS_FILE = Path(__file__).with_name("bron_standaarden.csv")


@dataclass(frozen=True)
class SourceRecord:
    """One registry row as plain values (``None`` = unknown -> defaults)."""

    code: str
    naam: str
    categorie: str
    temperatuurklasse: str
    x: float
    y: float
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    temperatuur_c: float | None
    booster_nodig: bool | None
    warmteprijs_eur_gj: float | None
    aansluitkosten_eur_kw: float | None
    co2_kg_per_gj: float | None
    gemeente_code: str | None
    startjaar: int | None
    eindjaar: int | None
    status: str


def source_defaults() -> list[dict]:
    """The defaults table (``bron_standaarden.csv``) as a list of dicts with keys ``sleutel``, ``waarde``,
    ``eenheid``, ``bron`` and ``toelichting``."""
    with open(DEFAULTS_FILE, encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh, delimiter=";")]


# ------------------------------------------------------------------------------------------------- buurten

# Engine parameters that switch PBL's allocation rules off (every buurt fully connected) and take the source side
# out of the network variants: transport pipe length 0 (K06), extraction/connection cost 0 (K07 part), source heat
# price 0 (K11). Only the names present in the set are overridden.
NETWORK_ONLY = {
    "warmtenet/allocatie_min_woningen_per_ha": 0.0, "warmtenet/allocatie_lt_versus_wp": 0.0,
    "warmtenet/pbl_volledig_aangesloten_als_s1a": 0.0, "heatnet/afstand_bron_default_m/restwarmte": 0.0,
    "heatnet/afstand_bron_default_m/lt30_70": 0.0, "heatnet/restwarmte_Ki_kW_default": 0.0,
    "LtWarmte Categorie/Ki_KW": 0.0, "AVI factor": 0.0, "LtWarmte Categorie/K_GJ": 0.0,
}  # fmt: skip
# the per-kW extraction cost set to 1 EUR/kW: the K07 difference with NETWORK_ONLY is then annuity x learning
# curve x source peak [kW], which gives the source's peak share exactly as the engine sizes it
PEAK_PROBE = {"heatnet/restwarmte_Ki_kW_default": 1.0, "LtWarmte Categorie/Ki_KW": 1.0}


def _as_params(params: object) -> Params:
    from warmteregio.engine.params import Params

    return params if isinstance(params, Params) else Params(params)  # type: ignore[arg-type]


def _overrides(params: Params, changes: Mapping[str, float]) -> Params:
    return params.with_overrides({k: v for k, v in changes.items() if k in params.values})


def _by_variant(results: object, n: int, codes: Sequence[str], column: str) -> np.ndarray:
    """(n, len(codes)) matrix of ``column`` per buurt (rows in input order) and variant code."""
    cols = results.columns  # type: ignore[attr-defined]
    out = np.full((n, len(codes)), np.nan)
    variant = np.asarray(cols["variant_code"], dtype=str)
    values = np.asarray(cols[column], dtype=float)
    for j, code in enumerate(codes):  # a loop over variants; rows come per variant in buurt order
        rows = np.flatnonzero(variant == code)
        out[:, j] = values[rows]
    return out


def _source_peak_factor(params: Params, booster: bool) -> float:
    """EUR/yr of K07 per kW source peak at 1 EUR/kW extraction cost: annuity x learning curve (as the engine)."""
    from warmteregio.engine.heatnet import annuiteit

    r = params.num("Discontovoet/mr") / 100.0
    s, e = params.num("Investering/BeginOpbrengstJaar"), params.num("Investering/EindOpbrengstJaar")
    if booster:  # lt30_70: ordinary 28-year annuity, LTnet learning curve
        return annuiteit(r, 0.0, e - s) * params.num("LTnet") / 100.0
    l_mt = params.num("MTnet") / 100.0
    leer = l_mt * l_mt if params.num("heatnet/restwarmte_MTnet_dubbel", 0.0) >= 0.5 else l_mt
    return annuiteit(r, s, e) * leer


def buurt_inputs(
    inputs: BuurtInputs,
    params: Params | Mapping[str, float | str],
    catalogue: Catalogue,
    zichtjaar: int,
    *,
    gemeenten: Sequence[str] | np.ndarray,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    ambition: str | Mapping[str, str] = "*",
) -> AllocationBuurten:
    """Per buurt the cheapest individual variant and, per network kind, the network without its source.

    * individual: among the catalogue's variants that are neither the reference nor a heat network, the one with
      the lowest ``H16_Nat_meerkost`` [EUR/yr] (its code and CO2 ``H15``);
    * per kind in :data:`KINDS` whose engine variant is in the catalogue: the engine's ``H16`` with
      :data:`NETWORK_ONLY` (rules off, no transport pipe, no extraction cost, no source heat price), the heat the
      source delivers (``E_mtwarmte_gj`` for MT kinds, ``E_ltwarmte_gj`` for LT kinds), the source's peak share
      [MW] (PBL: ``TypeInfo/Pcap_default`` x P_sec for MT, ``AandeelPrimairVermogen`` x P_sec for LT, from the
      engine's K07 with the extraction cost probed at 1 EUR/kW) and ``H15``. Invalid network rows are NaN.
    """
    from warmteregio.engine.assess import assess

    p = _as_params(params)
    n = len(inputs)
    codes = np.asarray(inputs.bu_code, dtype=str)
    gem, bx, by = np.asarray(gemeenten, dtype=str), np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if gem.shape != (n,) or bx.shape != (n,) or by.shape != (n,):
        raise AllocationError(f"gemeenten, x en y moeten elk {n} waarden hebben (een per buurt)",
                              f"gemeenten, x and y must each have {n} values (one per buurt)")  # fmt: skip
    individual = [v.code for v in catalogue if not v.is_heatnet and not v.is_reference]
    if not individual:
        raise AllocationError("de catalogus heeft geen individuele varianten",
                              "the catalogue has no individual variants")  # fmt: skip
    res = assess(inputs, catalogue.select(individual), p, zichtjaar)
    h16 = _by_variant(res, n, individual, "H16_Nat_meerkost")
    h15 = _by_variant(res, n, individual, "H15_CO2_uitstoot")
    missing = ~np.isfinite(h16).any(axis=1)
    if missing.any():
        bad = ", ".join(codes[missing][:5])
        raise AllocationError(f"geen geldige individuele variant voor buurt(en) {bad}",
                              f"no valid individual variant for buurt(en) {bad}")  # fmt: skip
    best = np.nanargmin(np.where(np.isfinite(h16), h16, np.inf), axis=1)
    rows = np.arange(n)
    cat_codes = {v.code for v in catalogue}
    kinds = tuple(k for k, kind in KINDS.items() if kind.variant in cat_codes)
    variants = [KINDS[k].variant for k in kinds]
    shape = (n, len(kinds))
    cost_net, heat, peak, co2 = (np.full(shape, np.nan) for _ in range(4))
    if kinds:
        net_params = _overrides(p, NETWORK_ONLY)
        probe_params = _overrides(net_params, PEAK_PROBE)
        sub = catalogue.select(variants)
        net = assess(inputs, sub, net_params, zichtjaar)
        probe = assess(inputs, sub, probe_params, zichtjaar)
        cost_net = _by_variant(net, n, variants, "H16_Nat_meerkost")
        co2 = _by_variant(net, n, variants, "H15_CO2_uitstoot")
        mt_heat = _by_variant(net, n, variants, "E_mtwarmte_gj")
        lt_heat = _by_variant(net, n, variants, "E_ltwarmte_gj")
        dk07 = _by_variant(probe, n, variants, "K07_Wnet_opwekking") - _by_variant(
            net, n, variants, "K07_Wnet_opwekking"
        )
        for j, k in enumerate(kinds):  # loop over the (four) kinds
            booster = KINDS[k].booster
            heat[:, j] = lt_heat[:, j] if booster else mt_heat[:, j]
            peak[:, j] = dk07[:, j] / _source_peak_factor(p, booster) / 1000.0  # kW -> MW
        invalid = ~np.isfinite(cost_net) | ~np.isfinite(heat) | ~np.isfinite(peak)
        for arr in (cost_net, heat, peak, co2):
            arr[invalid] = np.nan
    if isinstance(ambition, str):
        amb = np.full(n, ambition)
    else:
        amb = np.array([str(ambition.get(c, "*")) for c in codes])
    return AllocationBuurten(
        codes=codes, gemeenten=gem, x=bx, y=by, cost_individual=h16[rows, best],
        variant_individual=np.asarray(individual, dtype=str)[best], co2_individual=np.nan_to_num(h15[rows, best]),
        kinds=kinds, cost_network=cost_net, source_heat_gj=heat, source_peak_mw=peak, co2_network=co2, ambition=amb,
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------- sources

CLASSES = ("HT", "MT", "LT", "ZLT")
RETIRED = "buiten_gebruik"
GJ_PER_MWH = 3.6


def _defaults() -> dict[str, str]:
    return {r["sleutel"]: r["waarde"] for r in source_defaults()}


def _param(params: Params, name: str, jaar: int) -> float:
    key = name.replace("{jaar}", str(jaar))
    if key in params.values or "{jaar}" not in name:
        return params.num(key)
    prefix = name.split("{jaar}")[0]
    years = sorted(int(k[len(prefix) :]) for k in params.keys_with_prefix(prefix) if k[len(prefix) :].isdigit())
    if not years:
        return params.num(key)
    nearest = min(years, key=lambda yr: (abs(yr - jaar), yr))
    return params.num(f"{prefix}{nearest}")


def evaluate(expr: str, params: Params, jaar: int) -> float:
    """A defaults-table value: a number, or a product ``a * b * ...`` of numbers and parameter names
    (``name%`` = value / 100, ``a^b`` = a to the power b, ``{jaar}`` = the year; nearest year when absent)."""
    total = 1.0
    for factor in expr.split("*"):
        parts = factor.split("^")
        values = []
        for term in parts:
            term = term.strip()
            pct = term.endswith("%")
            term = term[:-1].strip() if pct else term
            try:
                value = float(term)
            except ValueError:
                value = _param(params, term, jaar)
            values.append(value / 100.0 if pct else value)
        v = values[0]
        for e in values[1:]:
            v = v**e
        total *= v
    return total


def source_inputs(
    records: Sequence[SourceRecord], params: Params | Mapping[str, float | str], jaar: int
) -> tuple[AllocationSources, list[tuple[str, str, str]]]:
    """Sources available in ``jaar`` (``startjaar <= jaar <= eindjaar``, status not ``buiten_gebruik``) with every
    unknown figure filled from ``bron_standaarden.csv``; notes ``(code, nl, en)`` per default used or source left
    out. A loop over the registry rows (hundreds), not over pairs."""
    p = _as_params(params)
    table = _defaults()
    notes: list[tuple[str, str, str]] = []
    kept: list[dict[str, object]] = []

    def default(code: str, keys: Sequence[str], what_nl: str, what_en: str, unit: str) -> float:
        for key in keys:
            if key in table:
                value = evaluate(table[key], p, jaar)
                notes.append((code, f"{what_nl}: standaardwaarde {value:.4g} {unit} ({key})",
                              f"{what_en}: default {value:.4g} {unit} ({key})"))  # fmt: skip
                return value
        raise AllocationError(f"geen standaardwaarde voor {what_nl} ({', '.join(keys)})",
                              f"no default for {what_en} ({', '.join(keys)})")  # fmt: skip

    for r in records:
        code = str(r.code)
        if str(r.status) == RETIRED:
            notes.append((code, "buiten gebruik: niet meegenomen", "retired: left out"))
            continue
        if r.startjaar is not None and int(r.startjaar) > jaar:
            notes.append((code, f"pas beschikbaar vanaf {r.startjaar}: niet meegenomen in {jaar}",
                          f"only available from {r.startjaar}: left out in {jaar}"))  # fmt: skip
            continue
        if r.eindjaar is not None and int(r.eindjaar) < jaar:
            notes.append((code, f"beschikbaar tot en met {r.eindjaar}: niet meegenomen in {jaar}",
                          f"available until {r.eindjaar}: left out in {jaar}"))  # fmt: skip
            continue
        klasse = str(r.temperatuurklasse or "").strip().upper()
        if klasse not in CLASSES:
            raise AllocationError(f"bron {code}: onbekende temperatuurklasse {r.temperatuurklasse!r}, kies uit "
                                  f"{', '.join(CLASSES)}", f"source {code}: unknown temperature class "
                                  f"{r.temperatuurklasse!r}, choose from {', '.join(CLASSES)}")  # fmt: skip
        cat = str(r.categorie or "overig").strip().lower()
        temp = (float(r.temperatuur_c) if r.temperatuur_c is not None
                else default(code, [f"temperatuur_c/{klasse}"], "temperatuur", "temperature", "°C"))  # fmt: skip
        booster = bool(r.booster_nodig) if r.booster_nodig is not None else None
        if booster is None:
            booster = bool(default(code, [f"booster/{klasse}"], "booster nodig", "booster needed", "(1 = ja)"))
        if not booster and temp < min(k.min_temperature_c for k in KINDS.values() if not k.booster):
            notes.append((code, f"{temp:.0f} °C zonder booster is te koud voor elk warmtenet: deze bron kan niemand "
                          "bedienen", f"{temp:.0f} °C without booster is too cold for any heat network: this source "
                          "cannot serve anyone"))  # fmt: skip
        if r.beschikbaar_gj_per_jaar is None:
            energy = np.inf
            notes.append((code, "beschikbare warmte onbekend/onbeperkt: geen energiegrens",
                          "available heat unknown/unlimited: no energy limit"))  # fmt: skip
        else:
            energy = float(r.beschikbaar_gj_per_jaar)
        if r.capaciteit_mw is not None:
            cap = float(r.capaciteit_mw)
        elif np.isfinite(energy):
            hours = default(code, [f"vollasturen/{cat}", "vollasturen/overig"], "vollasturen", "full-load hours", "h")
            cap = energy / (GJ_PER_MWH * hours)
            notes.append((code, f"vermogen = {energy:,.0f} GJ / (3,6 x {hours:.0f} h) = {cap:.2f} MW",
                          f"capacity = {energy:,.0f} GJ / (3.6 x {hours:.0f} h) = {cap:.2f} MW"))  # fmt: skip
        else:
            cap = default(code, [f"capaciteit_onbeperkt/{cat}", "capaciteit_onbeperkt/overig"], "vermogen",
                          "capacity", "MW")  # fmt: skip
        price = (float(r.warmteprijs_eur_gj) if r.warmteprijs_eur_gj is not None
                 else default(code, [f"warmteprijs/{cat}", f"warmteprijs/{klasse}"], "warmteprijs", "heat price",
                              "EUR/GJ"))  # fmt: skip
        conn = (float(r.aansluitkosten_eur_kw) if r.aansluitkosten_eur_kw is not None
                else default(code, [f"aansluitkosten/{cat}", f"aansluitkosten/{klasse}"], "aansluitkosten",
                             "connection cost", "EUR/kW"))  # fmt: skip
        co2 = (float(r.co2_kg_per_gj) if r.co2_kg_per_gj is not None
               else default(code, [f"co2_kg_per_gj/{cat}", f"co2_kg_per_gj/{klasse}"], "CO2-factor", "CO2 factor",
                            "kg/GJ"))  # fmt: skip
        kept.append({"codes": code, "names": str(r.naam), "x": float(r.x), "y": float(r.y), "energy_gj": energy,
                     "capacity_mw": cap, "temperature_c": temp, "booster": booster, "heat_price_eur_gj": price,
                     "connection_cost_eur_kw": conn, "co2_kg_per_gj": co2,
                     "gemeenten": str(r.gemeente_code or "")})  # fmt: skip
    fields_ = ("codes", "names", "x", "y", "energy_gj", "capacity_mw", "temperature_c", "booster",
               "heat_price_eur_gj", "connection_cost_eur_kw", "co2_kg_per_gj", "gemeenten")  # fmt: skip
    kinds = {"codes": str, "names": str, "booster": bool, "gemeenten": str}
    arrays = {f: np.array([k[f] for k in kept], dtype=kinds.get(f, float)) for f in fields_}
    return AllocationSources(**arrays), notes  # type: ignore[arg-type]


__all__ = ["DEFAULTS_FILE", "NETWORK_ONLY", "SourceRecord", "buurt_inputs", "evaluate", "source_defaults",
           "source_inputs"]  # fmt: skip
