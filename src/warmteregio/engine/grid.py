"""Electricity- and gas-grid items: K01 (E-grid reinforcement), K02 (gas-grid removal), K03 (H2 conversion),
K16 (E/G grid O&M). Formulas from the Vesta 2020 kentallen (netbeheer_EG, infra, waterstof)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmteregio.engine.params import Params

ASW_W = {"HR": "ASW_Eapp_w", "H2R": "ASW_Eapp_w", "eWP_lw": "ASW_Eewp_w", "eWP_bw": "ASW_Eewp_w",
         "hWP": "ASW_Ehwp_w", "H2WP": "ASW_Ehwp_w", "warmtenet_MT": "ASW_Eapp_w", "warmtenet_LT": "ASW_Eewp_w"}
ASW_U = {"HR": "ASW_Eapp_u_m2", "H2R": "ASW_Eapp_u_m2", "eWP_lw_u": "ASW_Eewp_u_m2", "eWP_bw_u": "ASW_Eewp_u_m2",
         "hWP_lw_u": "ASW_Ehwp_u_m2", "H2WPu": "ASW_Ehwp_u_m2", "warmtenet_MT": "ASW_Eapp_u_m2",
         "warmtenet_LT": "ASW_Eewp_u_m2"}  # fmt: skip
HEAT_PUMP_W = ("eWP_lw", "eWP_bw", "hWP", "H2WP", "warmtenet_LT")


@dataclass
class GridResult:
    k01_inv: np.ndarray
    k02_inv: np.ndarray
    k03_inv: np.ndarray
    k16: np.ndarray  # EUR/yr
    peak_kw: np.ndarray  # H21-like capacity demand
    new_msr: np.ndarray  # H22-like number of new MS rooms


def peak_demand(params: Params, inst_w: str, inst_u: str, n_w: np.ndarray, opp_u: np.ndarray) -> np.ndarray:
    """Peak load on the LV grid [kW] = sum(ASW x GTF) for dwellings and utility (Vermogens.dms)."""
    return n_w * params.num(ASW_W[inst_w]) * params.num("GTF_w_Enet") + opp_u * params.num(
        ASW_U[inst_u]
    ) * params.num("GTF_u_Enet")


def grid_items(
    params: Params,
    *,
    inst_w: str,
    inst_u: str,
    gasnet: str,
    n_w: np.ndarray,
    n_u: np.ndarray,
    opp_u: np.ndarray,
    cap_now: np.ndarray,
    len_gas: np.ndarray,
    len_ls: np.ndarray,
    hoog: np.ndarray,
    share_3x25: np.ndarray,
) -> GridResult:
    peak = peak_demand(params, inst_w, inst_u, n_w, opp_u)
    increase = np.maximum(peak - cap_now, 0.0)
    new_msr = increase / params.num("P_MSR_kw")
    infra = params.num("leercurve/Infra", 1.0)
    conn = params.num("Ki_verzw_e") * n_w * (1 - share_3x25) if inst_w in HEAT_PUMP_W else np.zeros_like(n_w)
    ls = params.num("Ki_verzw_LS") * np.divide(len_ls, cap_now, out=np.zeros_like(len_ls), where=cap_now > 0)
    k01 = (conn + new_msr * params.num("Ki_MSR") + ls * increase) * infra
    zero = np.zeros_like(n_w)
    k02 = zero
    k03 = zero
    if gasnet == "verwijderen":
        per_w = hoog * params.num("Ki_verw_g_hoogb") + (1 - hoog) * params.num("Ki_verw_g_laagb")
        k02 = (per_w * n_w + params.num("Ki_verw_g_util") * n_u + params.num("Ki_verw_LD") * len_gas) * infra
    elif gasnet == "waterstof":
        k03 = params.num("h2/K_aansl_w") * n_w + params.num("h2/K_aansl_u_m2") * opp_u + params.num("h2/K_section")
    k16 = params.num("Kj_oh_e_meter") * len_ls
    if gasnet != "verwijderen":
        k16 = k16 + params.num("Kj_oh_g_meter") * len_gas
    k16 = k16 + params.num("h2/R_oh_aansl") * k03
    return GridResult(k01, k02, k03, k16, peak, new_msr)
