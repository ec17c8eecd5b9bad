"""Heat-network costs for the Startanalyse 2020 variants S2a-S2f (MT) and S3a-S3h (LT, WKO, TEO).

Pure, vectorised NumPy: every input is a 1-D array over ``n`` buurten and every output is a 1-D array of the
same length. No I/O. All numbers come from the parameter mapping (names of ``kentallen_2020.csv`` plus the rows
of ``catalogue/parametersets/heatnet_defaults_2020.csv``); the full method, with units, parameter names and the
deliberate deviations from Vesta MAIS, is written down in ``docs/method/heatnet.md``.

Outline per buurt (capacities in kW unless noted, energy in GJ/yr, money in EUR or EUR/yr):

* Capacity. ``P_obj = sum(ASW x GTF)`` over space heating and tap water of dwellings (ground-bound and
  multi-family) and utility; ``P_sec = P_obj / (1 - Vermogenverlies)``. ``P_id = sum(ASW)`` (connection value,
  no simultaneity) prices the substations.
* Volume. ``V = D_net / (1 - Leidingverlies x Verl)`` with ``D_net`` the heat the network delivers at the
  buildings.
* MT (S2): source delivers ``Pvol`` of ``V``; auxiliary boilers on green gas the rest at ``Efficiency_piekketel``.
  LT (S3): a collective heat pump lifts ``AandeelHulpVolume`` of ``V`` with ``SPF_coll_W(T_bron, T_net)``;
  the source supplies the remainder of ``V``.
* K04 distribution, K05 in-building + compensations, K06 transport pipe, K07 source: investments annualised with
  the 28-year heat-network annuity (with or without the 2-year start discount, see :func:`annuiteit`).
* K11 purchased source heat, K12 green gas, K13 electricity, K15 O&M shares x ``OenM``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

BRONNEN = ("restwarmte", "geothermie_contour", "geothermie_overal", "lt30_30", "lt30_70", "buurtwko", "wko", "teo")
MT_BRONNEN = ("restwarmte", "geothermie_contour", "geothermie_overal")
WKO_BRONNEN = ("buurtwko", "wko", "teo")
PRIJS_SLEUTELS = ("groengas", "elektriciteit", "mtwarmte_bron", "ltwarmte_bron")

__all__ = [
    "BRONNEN",
    "HeatNetCosts",
    "HeatNetDemand",
    "HeatNetOption",
    "VARIANTS",
    "annuiteit",
    "building_heat",
    "heat_network_costs",
    "leidingkosten_per_m",
    "option_for",
]


# --------------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------------
class _Params:
    """Read numbers from the plain ``name -> value`` mapping, with a clear error for missing names."""

    def __init__(self, params: Mapping[str, float | str]) -> None:
        self._p = params

    def f(self, name: str) -> float:
        try:
            raw = self._p[name]
        except KeyError:
            raise KeyError(
                f"heatnet: parameter {name!r} ontbreekt in de parameterset (kentallen_2020.csv of "
                f"heatnet_defaults_2020.csv)"
            ) from None
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"heatnet: parameter {name!r} is niet numeriek: {raw!r}") from None

    def leer(self, name: str) -> float:
        """Learning-curve factor: the kentallen give percent of 2018/2020 cost in the zichtjaar."""
        return self.f(name) / 100.0


def annuiteit(r: float, start: float, eind: float) -> float:
    """Annualisation factor ``r / ((1+r)^-start - (1+r)^-eind)`` (``NcwSchema``; kentallen group discontering).

    * ``annuiteit(0.03, 2, 30)`` = 0.056539: investment at t=0, revenues in years 2..30, no start discount
      (MT transport and sources, and WKO/TEO/BuurtWKO distribution and sources).
    * ``annuiteit(0.03, 0, 28)`` = 0.053293: the same block multiplied by the start discount factor
      ``(1+r)^-2``, i.e. an ordinary 28-year annuity (MT distribution, in-building, compensations, LT).
    """
    if r == 0.0:
        return 1.0 / (eind - start)
    return r / ((1.0 + r) ** -start - (1.0 + r) ** -eind)


def _annuities(p: _Params) -> tuple[float, float]:
    r = p.f("Discontovoet/mr") / 100.0
    s = p.f("Investering/BeginOpbrengstJaar")
    e = p.f("Investering/EindOpbrengstJaar")
    met_start = annuiteit(r, 0.0, e - s)  # 0.053293
    zonder_start = annuiteit(r, s, e)  # 0.056539
    return met_start, zonder_start


def leidingkosten_per_m(p_mw: ArrayLike, params: Mapping[str, float | str], leercurve: str = "MTnet") -> FloatArray:
    """Pipe cost per metre ``K_m(P) = leercurve x 0.5 x (K_min + K_max)`` [EUR/m], ``P`` in MW; 0 where P <= 0.

    ``K_min = 400 + 210 P^0.5`` and ``K_max = 800 + 200 P^0.6`` (FO 4.0 annex A.11); the coefficients are read
    from ``leidingkosten/K_min_*`` and ``leidingkosten/K_max_*``. ``leercurve`` names the learning-curve
    parameter (``MTnet`` for distribution and MT transport, ``LTnet`` for LT/TEO source pipes).
    """
    p = _Params(params)
    pm = np.asarray(p_mw, dtype=float)
    pos = np.where(pm > 0, pm, 0.0)
    k_min = p.f("leidingkosten/K_min_vast") + p.f("leidingkosten/K_min_coef") * pos ** p.f("leidingkosten/K_min_exp")
    k_max = p.f("leidingkosten/K_max_vast") + p.f("leidingkosten/K_max_coef") * pos ** p.f("leidingkosten/K_max_exp")
    km = p.leer(leercurve) * 0.5 * (k_min + k_max)
    return np.where(pm > 0, km, 0.0)


# --------------------------------------------------------------------------------------------------------------
# Inputs and options
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeatNetDemand:
    """Per-buurt inputs for one heat-network variant (1-D arrays of length n; scalars are broadcast).

    Required:

    * ``n_woningen`` [count]: dwellings connected to the new network (already x (1 - existing share) if the
      caller wants Vesta's ``R_AardG`` scaling; this module does not rescale).
    * ``n_utiliteit`` [count]: utility connections (verblijfsobjecten) connected.
    * ``vraag_rv_gj`` [GJ/yr]: space-heating demand at the buildings after the variant's shell step,
      dwellings + utility.
    * ``vraag_tw_gj`` [GJ/yr]: tap-water demand, dwellings + utility.
    * ``oppervlakte_ha`` [ha]: buurt land area (LT/WKO/TEO cluster pipe geometry).

    Optional (``None`` or NaN elements fall back to a documented default):

    * ``vraag_koude_gj`` [GJ/yr]: cooling demand; delivered only by wko/buurtwko/teo (default 0).
    * ``n_woningen_laagbouw`` [count]: ground-bound dwellings (default ``heatnet/aandeel_laagbouw_default`` x
      ``n_woningen``); the rest are multi-family (hoogbouw).
    * ``opp_woningen_m2``, ``opp_utiliteit_m2`` [m2 floor area, totals]: for the area part of ASW (default
      count x ``heatnet/opp_woning_default_m2`` / ``heatnet/opp_utiliteit_default_m2``).
    * ``n_panden`` [count]: buildings (connection pipes, LT per-building items); default laagbouw +
      hoogbouw / ``heatnet/woningen_per_pand_hoogbouw`` + utiliteit.
    * ``bestaand_warmtenet_aandeel`` [0..1]: CBS share of existing district heating (default 0); > 0 sets K06 to 0.
    * ``afstand_bron_m`` [m]: straight-line distance to the MT source/branch point or geothermal contour (K06),
      or to the LT source / surface water (source pipe in K07). Default ``heatnet/afstand_bron_default_m/<bron>``.
    * ``leidinglengte_m`` [m]: MT distribution pipe length L_dist (default ``heatnet/leidinglengte_per_aansluiting_m``
      x connections); always at least ``leidingkosten/L_dist_min_m``.
    * ``aansluitleiding_m_per_pand`` [m per building]: connection pipe length (default ``L_di_gem``).
    * ``uitkoppelkosten_eur_kw`` [EUR/kW]: heat extraction cost of the restwarmte source (default
      ``heatnet/restwarmte_Ki_kW_default``).
    """

    n_woningen: ArrayLike
    n_utiliteit: ArrayLike
    vraag_rv_gj: ArrayLike
    vraag_tw_gj: ArrayLike
    oppervlakte_ha: ArrayLike
    vraag_koude_gj: ArrayLike | None = None
    n_woningen_laagbouw: ArrayLike | None = None
    opp_woningen_m2: ArrayLike | None = None
    opp_utiliteit_m2: ArrayLike | None = None
    n_panden: ArrayLike | None = None
    bestaand_warmtenet_aandeel: ArrayLike | None = None
    afstand_bron_m: ArrayLike | None = None
    leidinglengte_m: ArrayLike | None = None
    aansluitleiding_m_per_pand: ArrayLike | None = None
    uitkoppelkosten_eur_kw: ArrayLike | None = None

    def __post_init__(self) -> None:
        n = np.atleast_1d(np.asarray(self.n_woningen, dtype=float)).shape[0]
        for fl in fields(self):
            v = getattr(self, fl.name)
            arr = np.full(n, np.nan) if v is None else np.atleast_1d(np.asarray(v, dtype=float))
            if arr.ndim != 1:
                raise ValueError(f"HeatNetDemand.{fl.name}: verwacht een 1-D array, kreeg vorm {arr.shape}")
            if arr.shape[0] == 1 and n != 1:
                arr = np.full(n, arr[0])
            if arr.shape[0] != n:
                raise ValueError(f"HeatNetDemand.{fl.name}: lengte {arr.shape[0]} wijkt af van n_woningen ({n})")
            object.__setattr__(self, fl.name, arr)

    @property
    def n(self) -> int:
        return int(np.asarray(self.n_woningen).shape[0])


@dataclass(frozen=True)
class HeatNetOption:
    """One heat-network area option.

    ``bron`` in :data:`BRONNEN`; ``label`` 'B' or 'D' (dwellings' target label; utility is always B);
    ``temperatuur_net`` supply temperature of the network [C]; ``temperatuur_bron`` source temperature [C]
    (70 MT, 30 LT point source, 20 WKO/TEO); ``transportleiding`` whether K06 (primary transport pipe) applies.
    """

    code: str
    bron: str
    label: str
    temperatuur_net: int
    transportleiding: bool
    temperatuur_bron: int = 70

    def __post_init__(self) -> None:
        if self.bron not in BRONNEN:
            raise ValueError(f"HeatNetOption: onbekende bron {self.bron!r}; kies uit {', '.join(BRONNEN)}")
        if self.label not in ("B", "D"):
            raise ValueError(f"HeatNetOption: label moet 'B' of 'D' zijn, niet {self.label!r}")

    @property
    def is_mt(self) -> bool:
        return self.bron in MT_BRONNEN

    @property
    def is_geothermie(self) -> bool:
        return self.bron.startswith("geothermie")


VARIANTS: dict[str, HeatNetOption] = {
    o.code: o
    for o in (
        HeatNetOption("S2a", "restwarmte", "B", 70, True, 70),
        HeatNetOption("S2b", "geothermie_contour", "B", 70, True, 70),
        HeatNetOption("S2c", "geothermie_overal", "B", 70, False, 70),
        HeatNetOption("S2d", "restwarmte", "D", 70, True, 70),
        HeatNetOption("S2e", "geothermie_contour", "D", 70, True, 70),
        HeatNetOption("S2f", "geothermie_overal", "D", 70, False, 70),
        HeatNetOption("S3a", "lt30_30", "B", 30, False, 30),
        HeatNetOption("S3b", "lt30_70", "B", 70, False, 30),
        HeatNetOption("S3c", "buurtwko", "B", 70, False, 20),
        HeatNetOption("S3d", "wko", "B", 50, False, 20),
        HeatNetOption("S3e", "teo", "B", 70, False, 20),
        HeatNetOption("S3f", "lt30_70", "D", 70, False, 30),
        HeatNetOption("S3g", "buurtwko", "D", 70, False, 20),
        HeatNetOption("S3h", "teo", "D", 70, False, 20),
    )
}


def option_for(variant_code: str) -> HeatNetOption:
    """Heat-network option of a Startanalyse 2020 variant: ``'S2a'`` or the PBL run name ``'S2a_B_Restwarmte'``."""
    key = str(variant_code).strip().split("_", 1)[0]
    key = key[:1].upper() + key[1:].lower()
    try:
        return VARIANTS[key]
    except KeyError:
        raise ValueError(
            f"option_for: {variant_code!r} is geen warmtenetvariant; bekend: {', '.join(VARIANTS)}"
        ) from None


# --------------------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeatNetCosts:
    """Per-buurt results [EUR/yr for K.., GJ/yr for E.., EUR for investering_eur]. Invalid buurten carry zeros."""

    K04_Wnet_buurt: FloatArray
    K05_Wnet_pand: FloatArray
    K06_Wnet_transport: FloatArray
    K07_Wnet_opwekking: FloatArray
    K11_Warmte_inkoop: FloatArray
    K12_Gas: FloatArray
    K13_Elektriciteit: FloatArray
    K15_OenM_warmtenet: FloatArray
    E_groengas_gj: FloatArray
    E_elektriciteit_gj: FloatArray
    E_mtwarmte_gj: FloatArray
    E_ltwarmte_gj: FloatArray
    investering_eur: FloatArray
    valid: NDArray[np.bool_]

    @property
    def kapitaallasten(self) -> FloatArray:
        return self.K04_Wnet_buurt + self.K05_Wnet_pand + self.K06_Wnet_transport + self.K07_Wnet_opwekking

    @property
    def variabele_kosten(self) -> FloatArray:
        return self.K11_Warmte_inkoop + self.K12_Gas + self.K13_Elektriciteit + self.K15_OenM_warmtenet


# --------------------------------------------------------------------------------------------------------------
# Calculation
# --------------------------------------------------------------------------------------------------------------
def _fill(arr: FloatArray, default: FloatArray | float) -> FloatArray:
    return np.where(np.isnan(arr), default, arr)


def _prijzen(p: _Params, prijzen: Mapping[str, float] | None) -> dict[str, float]:
    if prijzen is not None:
        missing = [k for k in PRIJS_SLEUTELS if k not in prijzen]
        if missing:
            raise KeyError(f"heat_network_costs: prijzen mist {', '.join(missing)} (EUR/GJ)")
        return {k: float(prijzen[k]) for k in PRIJS_SLEUTELS}
    # Fallback: national (maatschappelijke) 2030 prices derived in kentallen_2020.csv.
    el = p.f("groene elektriciteit GG 2030 maatschappelijk")
    return {
        "groengas": p.f("groengas GG 2030 maatschappelijk"),
        "elektriciteit": el,
        "mtwarmte_bron": p.f("AVI factor") * el,
        "ltwarmte_bron": p.f("LtWarmte Categorie/K_GJ"),
    }


def _building_hp_electricity(p: _Params, option: HeatNetOption, d_rv: FloatArray, d_tw: FloatArray) -> FloatArray:
    d_rv = np.asarray(d_rv, dtype=float)
    d_tw = np.asarray(d_tw, dtype=float)
    t_net = option.temperatuur_net
    if not option.is_mt and t_net <= 35:
        lab = "B" if option.label == "B" else "CE"
        aeo_rv, spf_rv = p.f(f"heatnet/AEO_ind_rv/{lab}_le35"), p.f(f"heatnet/SPF_ind_rv/{lab}_le35")
        aeo_tw, spf_tw = p.f("heatnet/AEO_ind_tw/le35"), p.f("heatnet/SPF_ind_tw/le35")
        return aeo_rv * d_rv / spf_rv + aeo_tw * d_tw / spf_tw
    if not option.is_mt and t_net <= 55:
        aeo_tw, spf_tw = p.f("heatnet/AEO_ind_tw/le55"), p.f("heatnet/SPF_booster_tw/le55")
        return aeo_tw * d_tw / spf_tw + np.zeros_like(d_rv)
    return np.zeros(np.broadcast(d_rv, d_tw).shape)


def building_heat(
    option: HeatNetOption,
    params: Mapping[str, float | str],
    vraag_rv_gj: ArrayLike,
    vraag_tw_gj: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """(heat delivered by the network at the building, electricity of the building-level heat pump) [GJ/yr]
    for a space-heating and tap-water demand (any unit of aggregation, e.g. per dwelling).

    The same rule as inside :func:`heat_network_costs`: an LT network at <= 35 C has an individual heat pump
    for space heating and tap water, at <= 55 C a tap-water booster; MT networks and LT networks at 70 C
    deliver all heat (building electricity 0). Delivered heat = demand - building heat-pump electricity.
    """
    p = _Params(params)
    d_rv = np.nan_to_num(np.asarray(vraag_rv_gj, dtype=float))
    d_tw = np.nan_to_num(np.asarray(vraag_tw_gj, dtype=float))
    e_el = _building_hp_electricity(p, option, d_rv, d_tw)
    return np.maximum(d_rv + d_tw - e_el, 0.0), e_el


def heat_network_costs(
    demand: HeatNetDemand,
    option: HeatNetOption,
    params: Mapping[str, float | str],
    prijzen: Mapping[str, float] | None = None,
) -> HeatNetCosts:
    """National heat-network costs per buurt for one variant (see module docstring and docs/method/heatnet.md).

    ``prijzen`` maps 'groengas', 'elektriciteit', 'mtwarmte_bron', 'ltwarmte_bron' to national prices for the
    zichtjaar in EUR/GJ. Without it the 2030 maatschappelijke prices of kentallen_2020.csv are used (green gas
    and green electricity, large-consumer band; MT source heat = ``AVI factor`` x electricity price; LT source
    heat = ``LtWarmte Categorie/K_GJ``).
    """
    p = _Params(params)
    pr = _prijzen(p, prijzen)
    d = demand
    bron = option.bron
    mt = option.is_mt
    a_met, a_zonder = _annuities(p)

    # ---- counts ---------------------------------------------------------------------------------------------
    n_w = np.nan_to_num(np.asarray(d.n_woningen, dtype=float))
    n_u = np.nan_to_num(np.asarray(d.n_utiliteit, dtype=float))
    n_l = np.clip(_fill(d.n_woningen_laagbouw, p.f("heatnet/aandeel_laagbouw_default") * n_w), 0.0, n_w)
    n_h = n_w - n_l
    n_aansl = n_w + n_u
    n_panden = _fill(d.n_panden, n_l + n_h / p.f("heatnet/woningen_per_pand_hoogbouw") + n_u)
    n_panden = np.where(n_aansl > 0, np.maximum(n_panden, 1.0), 0.0)
    opp_w = _fill(d.opp_woningen_m2, n_w * p.f("heatnet/opp_woning_default_m2"))
    opp_u = _fill(d.opp_utiliteit_m2, n_u * p.f("heatnet/opp_utiliteit_default_m2"))
    # split dwelling floor area over ground-bound / multi-family in proportion to the counts
    frac_l = np.divide(n_l, n_w, out=np.zeros_like(n_w), where=n_w > 0)
    opp_l, opp_h = opp_w * frac_l, opp_w * (1.0 - frac_l)

    d_rv = np.nan_to_num(np.asarray(d.vraag_rv_gj, dtype=float))
    d_tw = np.nan_to_num(np.asarray(d.vraag_tw_gj, dtype=float))
    d_k = np.nan_to_num(np.asarray(d.vraag_koude_gj, dtype=float))
    bestaand = np.clip(np.nan_to_num(np.asarray(d.bestaand_warmtenet_aandeel, dtype=float)), 0.0, 1.0)
    afstand = np.maximum(_fill(d.afstand_bron_m, p.f(f"heatnet/afstand_bron_default_m/{bron}")), 0.0)

    # ---- capacity (Vermogens.dms): ASW per service x GTF, LT uses GTF_w_RVlt ---------------------------------
    asw_rv_l = n_l * p.f("ASW_RVmt_wl_asl") + opp_l * p.f("ASW_RVmt_wl_opp")
    asw_rv_h = n_h * p.f("ASW_RVmt_wh_asl") + opp_h * p.f("ASW_RVmt_wh_opp")
    asw_tw_l = n_l * p.f("ASW_TWmt_wl_asl")
    asw_tw_h = n_h * p.f("ASW_TWmt_wh_asl")
    asw_rv_u = opp_u * p.f("ASW_RVmt_u_opp")
    asw_tw_u = opp_u * p.f("ASW_TWmt_u_opp")
    gtf_w_rv = p.f("GTF_w_RVmt") if mt else p.f("GTF_w_RVlt")
    gtf_u_rv = p.f("GTF_u_RVmt") if mt else p.f("GTF_u_RVlt")
    p_obj = (
        (asw_rv_l + asw_rv_h) * gtf_w_rv
        + (asw_tw_l + asw_tw_h) * p.f("GTF_w_TW")
        + asw_rv_u * gtf_u_rv
        + asw_tw_u * p.f("GTF_u_TW")
    )
    verlies_p = p.f("Vermogenverlies_MT") if mt else p.f("Vermogenverlies_LT")
    p_sec = p_obj / (1.0 - verlies_p)  # kW at the source side of the distribution net
    p_sec_mw = p_sec / 1000.0
    p_id = asw_rv_l + asw_rv_h + asw_tw_l + asw_tw_h + asw_rv_u + asw_tw_u  # kW, connection values
    p_id_h = asw_rv_h + asw_tw_h
    p_id_u = asw_rv_u + asw_tw_u

    # ---- learning curves --------------------------------------------------------------------------------------
    l_mt, l_lt, l_in, l_om = p.leer("MTnet"), p.leer("LTnet"), p.leer("Inpand"), p.leer("OenM")
    w_geen = p.f("IndividueleVerwarmingSchuif")  # share of multi-family without block heating (0.846)
    w_blok = 1.0 - w_geen

    # ---- building-level LT heat pumps (S3a 30 C: individual eWP; S3d 50 C: tap-water booster) -----------------
    t_net = option.temperatuur_net
    e_el_bld = _building_hp_electricity(p, option, d_rv, d_tw)
    i_bld_wp = np.zeros_like(n_w)
    if not mt and t_net <= 35:
        ki_ewp_w = p.f("Ki_eWP_B") if option.label == "B" else p.f("Ki_eWP_CDE")
        i_bld_wp = p.leer("eWPww") * (ki_ewp_w * n_w + p.f("Ki_eWP_util") * p_id_u)
    elif not mt and t_net <= 55:
        i_bld_wp = p.leer("eWPww") * p.f("Ki_booster") * n_w
    d_net = np.maximum(d_rv + d_tw - e_el_bld, 0.0)  # heat delivered by the network at the buildings

    # ---- volume and energy ------------------------------------------------------------------------------------
    verlies_v = p.f("Leidingverlies") * p.leer("Verl")
    v = d_net / (1.0 - verlies_v)
    e_pomp = p.f("Pompenergie_Wnet") * v
    zeros = np.zeros_like(v)
    e_gg, e_mt, e_lt = zeros, zeros, zeros
    e_el_geo, e_el_coll, e_el_bron, e_el_koude = zeros, zeros, zeros, zeros
    if mt:
        p_vol = p.f("TypeInfo/Pvol_default")
        e_mt = p_vol * v
        e_gg = (1.0 - p_vol) * v / p.f("Efficiency_piekketel")
        if option.is_geothermie:
            e_el_geo = p.f("Geothermie Factoren/Elektriciteit (energy balance)") * e_mt
    else:
        gelijk = option.temperatuur_bron == t_net
        hv = p.f("heatnet/AandeelHulpVolume/gelijkeT" if gelijk else "heatnet/AandeelHulpVolume/ongelijkeT")
        spf_coll = p.f(f"heatnet/SPF_coll_W/{option.temperatuur_bron}_{t_net}")
        e_el_coll = hv * v / spf_coll
        e_lt = v - e_el_coll
        if bron in ("wko", "buurtwko"):
            e_el_bron = p.f("V_elek_WKO") * e_lt
        elif bron == "teo":
            e_el_bron = (p.f("V_elek_WKO") + p.f("V_elek_TEO")) * e_lt
        if bron in WKO_BRONNEN:
            e_el_koude = d_k / p.f("SPF_coll_K")
    e_el = e_el_bld + e_pomp + e_el_geo + e_el_coll + e_el_bron + e_el_koude

    # ---- K04 distribution (wijkdistributie) -------------------------------------------------------------------
    km_sec = leidingkosten_per_m(p_sec_mw, params, "MTnet")
    if mt or bron == "buurtwko":
        l_dist = _fill(d.leidinglengte_m, p.f("heatnet/leidinglengte_per_aansluiting_m") * n_aansl)
        l_dist = np.maximum(l_dist, p.f("leidingkosten/L_dist_min_m"))
        l_pipe = (p.f("leidingkosten/aandeel_hoofdleiding") + p.f("leidingkosten/aandeel_zijleiding")) * l_dist
    else:
        sqrt_area = np.sqrt(np.maximum(np.nan_to_num(np.asarray(d.oppervlakte_ha, dtype=float)), 0.0) * 1.0e4)
        omweg = p.f("Omwegfactor")
        l_trunk = omweg * math.sqrt(2.0) * sqrt_area
        n_os = p_sec / p.f("Vermogen_OS")
        l_branch = n_os * omweg * p.f("leidingkosten/LT_zijleiding_factor") * math.sqrt(2.0) * sqrt_area
        l_pipe = l_trunk + l_branch
    i_wd_pipe = l_pipe * km_sec
    if mt:
        l_aansl = _fill(d.aansluitleiding_m_per_pand, p.f("L_di_gem"))
        p_pand_mw = np.divide(p_obj, n_panden, out=np.zeros_like(p_obj), where=n_panden > 0) / 1000.0
        i_wd_aansl = l_aansl * leidingkosten_per_m(p_pand_mw, params, "MTnet") * n_panden
        i_os = p.f("K_OS (onderstation)") * l_mt * p_id
        i_wos = p.f("K_WOS (warmteoverdrachtstation)") * l_mt * p.f("HulpketelVermogensaandeel") * p_sec
    else:
        i_wd_aansl = zeros if bron == "buurtwko" else p.f("Ki_dist_OS") * l_lt * n_panden
        i_os = p.f("Ki_onderstation (K_os_p)") * l_mt * p_sec
        i_wos = zeros  # the LT WOS is priced with the collective heat pump in K07
    koude_factor = np.ones_like(d_k)
    if bron in WKO_BRONNEN:  # WKO/TEO also deliver cooling: x1.2 on the distribution investment
        koude_factor = np.where(d_k > 0, p.f("WKO/TEO koude opslag op wijkdistributie"), 1.0)
    i_wd = (i_wd_pipe + i_wd_aansl + i_os + i_wos) * koude_factor
    a_wd = a_zonder if bron in WKO_BRONNEN else a_met

    # ---- K05 in-building + compensations ------------------------------------------------------------------------
    if mt:
        ki_afl, ki_laag = p.f("Ki_afleverset"), p.f("Ki_id_grondgeb")
        ki_h_blok, ki_h_geen = p.f("Ki_id_metBlok"), p.f("Ki_id_geenBlok")
    else:
        ki_afl, ki_laag = p.f("Ki_afleverset"), p.f("Ki_inpand_laag")
        ki_h_blok, ki_h_geen = p.f("Ki_inpand_hoog_metblok"), p.f("Ki_inpand_hoog_geenblok")
    i_afl = l_in * ki_afl * n_aansl
    i_id = l_in * (ki_laag * (n_l + n_u) + (w_blok * ki_h_blok + w_geen * ki_h_geen) * n_h)
    i_ketel = l_in * p.f("Ki_blokverw") * p.f("afschrijving_resterend") * w_blok * p_id_h
    i_ov = l_om * p.f("K_Ov") * (n_l + w_geen * n_h)
    pm_min, pm_max = p.f("K_Pm_min"), p.f("K_Pm_max")
    i_pm = l_om * (pm_max * (n_l + n_u) + (w_blok * pm_min + w_geen * pm_max) * n_h)
    i_pand = i_afl + i_id + i_ketel + i_ov + i_pm + i_bld_wp

    # ---- K06 primary transport pipe (MT only) -------------------------------------------------------------------
    p_cap = p.f("TypeInfo/Pcap_default")
    if mt and option.transportleiding:
        a_pt = p.f("a (omwegfactor transportleiding)")
        i_pt = a_pt * leidingkosten_per_m(p_cap * p_sec_mw, params, "MTnet") * afstand
        i_pt = np.where(bestaand > 0, 0.0, i_pt)
    else:
        i_pt = zeros

    # ---- K07 source -------------------------------------------------------------------------------------------
    i_ow = zeros  # source extraction / wells / collectors
    i_coll = zeros  # collective heat pump + LT WOS
    i_buffer = zeros
    i_bronleiding = zeros
    jaar_ow = p.f("R_ow_onderhoud") + p.f("R_ow_admin")
    if bron == "restwarmte":
        ki_kw = _fill(d.uitkoppelkosten_eur_kw, p.f("heatnet/restwarmte_Ki_kW_default"))
        leer = l_mt * l_mt if p.f("heatnet/restwarmte_MTnet_dubbel") >= 0.5 else l_mt
        i_ow = ki_kw * leer * p_cap * p_sec
    elif option.is_geothermie:
        p_geo_mw = np.maximum(p_cap * p_sec_mw, p.f("Geothermie MWth_min (TypeInfo.csv)"))
        i_ow = p.f("Geothermie K_kW (TypeInfo.csv)") * p.leer("Geothermie") * p_geo_mw * 1000.0
        jaar_ow = p.f("Geothermie JaarKosten (TypeInfo.csv)")
    else:
        gelijk = option.temperatuur_bron == t_net
        hulp_cap = p.f("heatnet/AandeelHulpVermogen/gelijkeT" if gelijk else "heatnet/AandeelHulpVermogen/ongelijkeT")
        i_coll = (p.f("Ki_eWP_coll") + p.f("Ki_WOS")) * l_lt * hulp_cap * p_sec
        p_prim = p.f("AandeelPrimairVermogen") * p_sec
        km_lt = leidingkosten_per_m(p_prim / 1000.0, params, "LTnet")
        if bron in ("lt30_30", "lt30_70"):
            i_ow = p.f("LtWarmte Categorie/Ki_KW") * l_lt * p_prim
            i_buffer = l_lt * np.maximum(p.f("Ki_Buffer") * n_panden, p.f("Ki_Buffer_min"))
            i_bronleiding = p.f("Omwegfactor") * km_lt * afstand
        elif bron in ("wko", "buurtwko"):
            i_ow = p.f("R_Regeneratie") * l_lt * (p.f("Ki_WKO_vast") + p.f("Ki_WKO_var") * p_sec)
        else:  # teo: surface-water exchanger + source pipe + WKO part (no regeneration surcharge)
            p_teo = p.f("AandeelTEOVermogen") * e_lt  # kW
            i_bronleiding = p.f("Omwegfactor") * leidingkosten_per_m(p_teo / 1000.0, params, "LTnet") * afstand
            i_ow = l_lt * (p.f("Ki_TEO_vast") + p.f("Ki_TEO_var") * p_teo + p.f("Ki_WKO_var") * p_sec)
        i_buffer = np.where(n_aansl > 0, i_buffer, 0.0)
    i_bron = i_ow + i_coll + i_buffer + i_bronleiding
    a_ow = a_met if bron in ("lt30_30", "lt30_70") else a_zonder

    # ---- validity -----------------------------------------------------------------------------------------------
    valid = (n_aansl > 0) & (d_rv + d_tw > 0) & np.isfinite(p_sec) & (p_sec > 0)
    if bron in ("lt30_30", "lt30_70"):
        valid &= afstand <= p.f("L_max_bron_connectie")
    elif bron == "teo":
        valid &= afstand <= p.f("L_max_TEObron")

    # ---- annual costs -----------------------------------------------------------------------------------------
    k04 = a_wd * i_wd
    k05 = a_met * i_pand
    k06 = a_zonder * i_pt
    k07 = a_ow * i_bron
    if bron == "restwarmte":
        k11 = pr["mtwarmte_bron"] * e_mt
    elif option.is_geothermie:  # Vesta heat price of geothermal heat: electricity at COP 23.04 (K_GJ)
        k11 = p.f("GeoThermie/Elektriciteit_Factor") * pr["elektriciteit"] * e_mt
    elif bron in ("lt30_30", "lt30_70"):
        k11 = pr["ltwarmte_bron"] * e_lt
    else:
        k11 = zeros  # WKO/TEO ambient heat has no purchase price; its pumping electricity is in K13
    k12 = pr["groengas"] * e_gg
    k13 = pr["elektriciteit"] * (e_el - e_el_geo)  # geothermal electricity is priced inside K11
    r_os = p.f("R_OS_onderhoud") + p.f("R_OS_admin")
    r_wd = p.f("R_wd_onderhoud") + p.f("R_wd_admin")
    r_id = p.f("R_Sec_onderhoud") if mt else p.f("R_id_onderhoud") + p.f("R_id_admin")
    r_bron = {"wko": "R_WKO", "buurtwko": "R_WKO", "teo": "R_TEO"}.get(bron)
    if r_bron is not None:
        jaar_ow = p.f(f"{r_bron}_onderhoud") + p.f(f"{r_bron}_admin")
    oenm = (
        r_wd * (i_wd_pipe + i_wd_aansl) * koude_factor
        + r_os * i_os * koude_factor
        + p.f("R_WOS_onderhoud") * i_wos * koude_factor
        + r_id * (i_afl + i_id + i_bld_wp)
        + (p.f("R_pt_onderhoud") + p.f("R_pt_admin")) * (i_pt + i_bronleiding)
        + jaar_ow * i_ow
        + (p.f("R_wpColl_onderhoud") + p.f("R_wpColl_admin")) * i_coll
        + (p.f("R_buffer_onderhoud") + p.f("R_buffer_admin")) * i_buffer
    )
    k15 = l_om * oenm
    investering = i_wd + i_pand + i_pt + i_bron

    def out(x: FloatArray) -> FloatArray:
        return np.where(valid, np.asarray(x, dtype=float) + zeros, 0.0)

    return HeatNetCosts(
        K04_Wnet_buurt=out(k04),
        K05_Wnet_pand=out(k05),
        K06_Wnet_transport=out(k06),
        K07_Wnet_opwekking=out(k07),
        K11_Warmte_inkoop=out(k11),
        K12_Gas=out(k12),
        K13_Elektriciteit=out(k13),
        K15_OenM_warmtenet=out(k15),
        E_groengas_gj=out(e_gg),
        E_elektriciteit_gj=out(e_el),
        E_mtwarmte_gj=out(e_mt),
        E_ltwarmte_gj=out(e_lt),
        investering_eur=out(investering),
        valid=valid,
    )
