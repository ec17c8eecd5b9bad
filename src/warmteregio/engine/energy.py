"""Final energy by carrier for an installation option, and national energy prices for the zichtjaar.

Functional demand is converted with Vesta's Performance table: ``input = demand * share / SPF`` per product
(RV = space heating, TW = tap water). Other electricity use (appliances, ventilation, pumps) keeps its
start-year value (PBL H11 minus nothing: a documented simplification).
"""

from __future__ import annotations

import numpy as np

from warmteregio.engine.params import Params

BANDS = ("KG", "KMG", "MMG", "GG")


def _spf(params: Params, inst: str, label: str, product: str, default: float = 1.0) -> float:
    for lab in (label, "x", "B"):
        key = f"perf/{inst}/{lab}/{product}/SPF_b"
        if key in params:
            return params.num(key)
    return default


def _pvol(params: Params, inst: str, label: str, product: str, default: float = 1.0) -> float:
    for lab in (label, "x", "B"):
        key = f"perf/{inst}/{lab}/{product}/P_vol"
        if key in params:
            return params.num(key)
    return default


def carriers_for_option(
    params: Params, option: str, label: str, rv: np.ndarray, tw: np.ndarray
) -> dict[str, np.ndarray]:
    """Heat-related final energy [GJ/yr] by carrier key ('gas', 'h2', 'elek', 'omgeving')."""
    zero = np.zeros_like(rv)
    lab = label if label not in ("-", "") else "x"
    if option == "HR":
        gas = rv / _spf(params, "HR", "x", "RV") + tw / _spf(params, "HR", "x", "TW")
        return {"gas": gas, "h2": zero, "elek": zero, "omgeving": zero}
    if option == "H2R":
        h2 = rv / _spf(params, "H2R", "x", "RV") + tw / _spf(params, "H2R", "x", "TW")
        return {"gas": zero, "h2": h2, "elek": zero, "omgeving": zero}
    if option in ("eWP_lw", "eWP_bw", "eWP_lw_u", "eWP_bw_u"):
        inst = {"eWP_bw_u": "eWP_bw_uK"}.get(option, option)
        spf_rv = _spf(params, inst, lab, "RV", 3.0)
        spf_tw = _spf(params, inst, "x", "TW", 2.0)
        elek = rv / spf_rv + tw / spf_tw
        return {"gas": zero, "h2": zero, "elek": elek, "omgeving": rv + tw - elek}
    if option in ("hWP", "H2WP", "hWP_lw_u", "H2WPu"):
        hp = "BasisHWP_w" if option in ("hWP", "H2WP") else "hWP_lw_u"
        boiler = "hHR" if option in ("hWP", "hWP_lw_u") else "H2R"
        share = _pvol(params, hp, lab, "RV", 0.7)
        elek = share * rv / _spf(params, hp, lab, "RV", 3.0)
        fuel = (1 - share) * rv / _spf(params, boiler, "x", "RV") + tw / _spf(params, boiler, "x", "TW")
        amb = share * rv - elek
        if boiler == "H2R":
            return {"gas": zero, "h2": fuel, "elek": elek, "omgeving": amb}
        return {"gas": fuel, "h2": zero, "elek": elek, "omgeving": amb}
    raise ValueError(f"unknown installation option {option!r}")


def _breaks(params: Params, key: str) -> np.ndarray:
    return np.array([float(x) for x in params.text(key).split("|")])


def price_band(params: Params, carrier: str, gj_per_object: np.ndarray) -> np.ndarray:
    """Index into BANDS (KG, KMG, MMG, GG) from the mean consumption per object (Vesta's staffel)."""
    if carrier in ("elek", "groenelek"):
        amount = gj_per_object / params.num("GJ_per_kWh")
        breaks = _breaks(params, "elek_staffel_kwh")
    else:
        amount = gj_per_object / params.num("GasEnergie")
        breaks = _breaks(params, "gas_staffel_m3")
    return np.searchsorted(breaks, amount, side="right").clip(0, len(BANDS) - 1)


def national_price(params: Params, carrier: str, band: np.ndarray, year: int) -> np.ndarray:
    """National price [EUR/GJ] = commodity excl. CO2 + CO2 + network component (no taxes, no VAT)."""
    if carrier == "waterstof":
        return np.full(band.shape, params.num(f"prijs/waterstof/{year}"))
    table = np.array([params.num(f"prijs/{carrier}/{b}/{year}") for b in BANDS])
    return table[band]


def end_user_price(params: Params, carrier: str, band: np.ndarray, year: int) -> np.ndarray:
    """End-user price incl. energy tax, ODE and VAT [EUR/GJ] (for the end-user module)."""
    table = np.array([params.num(f"prijs_eind/{carrier}/{b}/{year}") for b in BANDS])
    return table[band]
