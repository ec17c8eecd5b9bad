"""Building measures: shell steps (K08) and installations (K09, K14) per buurt.

Investments use the midpoint of PBL's min/max kentallen (``kostenschuif`` 0.5) times the 2030 learning factor,
and are annualised at the social discount rate (see :mod:`warmteregio.engine.costs`).
"""

from __future__ import annotations

import numpy as np

from warmteregio.engine.demand import BAG_NAME, LABEL_RANK
from warmteregio.engine.inputs import LABELS
from warmteregio.engine.params import Params

SHELL_CURVE = {"A": "Verder", "B": "Bpls", "C": "Cmin", "D": "Cmin"}
# installation bundles per engine option: (Vesta installation name, capacity share of the space-heating kW)
BUNDLES_W = {
    "HR": (("HR", 1.0),),
    "eWP_lw": (("eWP_lw", 1.0),),
    "eWP_bw": (("eWP_bw", 1.0),),
    "hWP": (("BasisHWP_w", 0.4), ("hHR", 1.0)),
    "H2R": (("H2R", 1.0),),
    "H2WP": (("BasisHWP_w", 0.4), ("H2R", 1.0)),
}
BUNDLES_U = {
    "HR": (("HR", 1.0),),
    "eWP_lw_u": (("eWP_lw_u", 1.0),),
    "eWP_bw_u": (("eWP_bw_u", 1.0),),  # resolved to eWP_bw_uG / eWP_bw_uK by size
    "hWP_lw_u": (("hWP_lw_u", 1.0), ("hHR", 1.0)),
    "H2R": (("H2R", 1.0),),
    "H2WPu": (("hWP_lw_u", 1.0), ("H2R", 1.0)),
}
LTAS_OPTIONS = ("eWP_lw", "eWP_bw", "eWP_lw_u", "eWP_bw_u")


def shell_step_cost(params: Params, kind: str, src: str, dst: str) -> tuple[float, float]:
    """(EUR per object, EUR per m2) for one label jump; falls back to the E->dst step when the table lacks src."""
    for s in (BAG_NAME[src], "E"):
        asl = params.values.get(f"bag/{kind}/Ki_{s}{dst}_asl")
        opp = params.values.get(f"bag/{kind}/Ki_{s}{dst}_opp")
        if asl is not None or opp is not None:
            return float(asl or 0.0), float(opp or 0.0)
    return 0.0, 0.0


def shell_investment(params: Params, kind: str, labels: np.ndarray, target: str, area: np.ndarray) -> np.ndarray:
    """Investment [EUR] to bring every object worse than ``target`` to ``target`` (K08 before annualising)."""
    n = labels.shape[0]
    if target in ("-", ""):
        return np.zeros(n)
    t = LABEL_RANK[target]
    curve = params.num(f"leercurve/{SHELL_CURVE[target]}", 1.0)
    calib = params.num(f"kalibratie/schil_{kind}_{target}", params.num(f"kalibratie/schil_{kind}", 1.0))
    total = np.zeros(n)
    for i, lab in enumerate(LABELS):
        if i <= t:
            continue
        asl, opp = shell_step_cost(params, kind, lab, target)
        total += labels[:, i] * np.maximum(asl + opp * area, 0.0)
    return total * curve * calib


def _annuity_mix(params: Params, inst: str) -> float:
    from warmteregio.engine.costs import annuity_for

    at30 = params.num(f"inst/{inst}/AT30", 0.0)
    at20 = params.num(f"inst/{inst}/AT20", 0.0)
    return (
        (1 - at20 - at30) * annuity_for(params, "levensduur_installatie")
        + at20 * annuity_for(params, "levensduur_installatie_at20")
        + at30 * annuity_for(params, "levensduur_installatie_at30")
    )


def _curve(params: Params, inst: str) -> float:
    name = params.text(f"inst/{inst}/LeerCurve", "")
    return params.num(f"leercurve/{name}", 1.0) if name else 1.0


def installation_costs(
    params: Params,
    kind: str,
    option: str,
    count: np.ndarray,
    area: np.ndarray,
    kw: np.ndarray,
    hoog: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(investment EUR, annualised capital EUR/yr, O&M EUR/yr) of an installation option for ``count`` objects.

    ``area`` and ``kw`` are per object. Per Vesta: ``Ki = Ki_asl + Ki_cap * kW + Ki_opp * m2`` (midpoint of
    min/max) times the installation's learning factor; lifetime 15 yr except the AT20/AT30 shares.
    """
    n = count.shape[0]
    inv = np.zeros(n)
    ann = np.zeros(n)
    om = np.zeros(n)
    bundles = BUNDLES_W if kind == "w" else BUNDLES_U
    calib = params.num("kalibratie/installatie", 1.0)
    for inst, share in bundles[option]:
        names = [inst]
        masks = [np.ones(n, dtype=bool)]
        if inst == "eWP_bw_u":
            big = kw >= params.num("gasnet_vermogen_grens_u_kw", 100.0)
            names, masks = ["eWP_bw_uG", "eWP_bw_uK"], [big, ~big]
        for name, mask in zip(names, masks, strict=True):
            per_obj = (
                params.num(f"inst/{name}/Ki_asl_{kind}", 0.0)
                + params.num(f"inst/{name}/Ki_cap_{kind}", 0.0) * kw * share
                + params.num(f"inst/{name}/Ki_opp_{kind}", 0.0) * area
            ) * _curve(params, name) * calib
            i = np.where(mask, per_obj * count, 0.0)
            inv += i
            ann += i * _annuity_mix(params, name)
            om += i * params.num(f"inst/{name}/R_OH", 0.0)
    if option in LTAS_OPTIONS:
        from warmteregio.engine.costs import annuity_for

        if kind == "w":
            h = hoog if hoog is not None else params.num("default/aandeel_hoogbouw")
            ltas = (h * params.num("Ki_LTAS_wh") + (1 - h) * params.num("Ki_LTAS_wl")) * count
        else:
            ltas = params.num("Ki_LTAS_u_m2") * area * count
        ltas = ltas * params.num("leercurve/LTAS", 1.0)
        inv += ltas
        ann += ltas * annuity_for(params, "levensduur_ltas")
    return inv, ann, om


def dwelling_kw(params: Params, area: np.ndarray, hoog: np.ndarray) -> np.ndarray:
    """Space-heating connection value per dwelling [kW]: ASW_asl + ASW_opp * m2, high/low-rise weighted."""
    low = params.num("ASW_RV_wl_asl") + params.num("ASW_RV_wl_opp") * area
    high = params.num("ASW_RV_wh_asl") + params.num("ASW_RV_wh_opp") * area
    return hoog * high + (1 - hoog) * low
