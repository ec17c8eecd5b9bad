"""Orchestrator: buurten x strategy variants x zichtjaar -> national costs, CO2 and indicators.

Pure and vectorised over buurten (a Python loop runs over the few dozen variants only). Heat-network variants
(S2, S3 and user variants with ``installatie_w = warmtenet_*``) need the heat-network module
(:mod:`warmteregio.engine.heatnet`); when it is not available their rows are NaN with a note, never invented.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from warmteregio.engine.costs import annuity_for, headline
from warmteregio.engine.demand import demand_per_object, labels_after, mean_area, space_heat_after
from warmteregio.engine.emissions import co2_tonnes
from warmteregio.engine.energy import carriers_for_option, national_price, price_band
from warmteregio.engine.grid import grid_items
from warmteregio.engine.inputs import LABELS, BuurtInputs
from warmteregio.engine.measures import dwelling_kw, installation_costs, shell_investment
from warmteregio.engine.params import Params
from warmteregio.engine.strategies import Catalogue, Variant

K_COLUMNS = (
    "K01_Enet_verzwaren", "K02_Gnet_verwijderen", "K03_Gnet_aanpassen", "K04_Wnet_buurt", "K05_Wnet_pand",
    "K06_Wnet_transport", "K07_Wnet_opwekking", "K08_Gebouw_schil", "K09_Gebouw_installatie", "K10_Kapitaallasten",
    "K11_Warmte_inkoop", "K12_Gas", "K13_Elektriciteit", "K14_OenM_gebouw", "K15_OenM_warmtenet",
    "K16_OenM_EGnet", "K17_Variabele_kosten", "K18_Variabele_meerkosten",
)  # fmt: skip
H_COLUMNS = ("H15_CO2_uitstoot", "H16_Nat_meerkost", "H17_Nat_meerkost_CO2", "H18_Nat_meerkost_WEQ")
E_COLUMNS = ("E_aardgas_gj", "E_groengas_gj", "E_waterstof_gj", "E_elektriciteit_gj", "E_mtwarmte_gj", "E_ltwarmte_gj")
PHYS_COLUMNS = (
    "Woning_H02_Vraag_Ruimteverwarming", "Util_H02_Vraag_Ruimteverwarming", "H21_CapaciteitsvraagE",
    "H22_AantalNieuweMSR", "CO2_vermeden_t", "WEQ",
)  # fmt: skip
TEXT_COLUMNS = ("BU_CODE", "strategie", "variant_code", "familie", "parameterset", "opmerking")
HEATNET_NOTE = "warmtenetmodule niet beschikbaar / heat-network module not available: S2/S3 niet berekend"
INVALID_NOTE = "geen vermeden CO2 / no CO2 avoided: H17 ongeldig"

ENDUSER_INSTALLATION = {
    "HR": "hr_ketel", "eWP_lw": "ewp_lucht", "eWP_bw": "ewp_bodem", "hWP": "hwp", "H2R": "h2_ketel",
    "H2WP": "h2_ketel", "warmtenet_MT": "warmtenet", "warmtenet_LT": "lt_warmtenet_boosterwp",
}  # fmt: skip


@dataclass
class Results:
    """Column table: one row per buurt x variant (variant-major order)."""

    columns: dict[str, np.ndarray]
    parameterset: str
    zichtjaar: int
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.columns["BU_CODE"])

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    def rows_for(self, strategie: str) -> np.ndarray:
        return np.flatnonzero(self.columns["strategie"] == strategie)

    def value(self, bu_code: str, strategie: str, column: str) -> float:
        mask = (self.columns["BU_CODE"] == bu_code) & (self.columns["strategie"] == strategie)
        idx = np.flatnonzero(mask)
        if len(idx) != 1:
            raise KeyError((bu_code, strategie))
        return self.columns[column][idx[0]]

    def to_csv(self, out: io.TextIOBase, delimiter: str = ";") -> None:
        names = self.column_names
        w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        w.writerow(names)
        cols = [self.columns[n] for n in names]
        for i in range(len(self)):
            w.writerow([_fmt(c[i]) for c in cols])


def _fmt(v: object) -> str:
    if isinstance(v, str | np.str_):
        return str(v)
    if isinstance(v, bool | np.bool_):
        return "1" if v else "0"
    x = float(v)  # type: ignore[arg-type]
    if np.isnan(x):
        return ""
    return f"{x:.6g}" if abs(x) < 1e6 else f"{x:.0f}"


HEATNET_BRON = {
    "restwarmte": "restwarmte", "geo_contour": "geothermie_contour", "geo_overal": "geothermie_overal",
    "lt30_30": "lt30_30", "lt30_70": "lt30_70", "buurtwko": "buurtwko", "wko": "wko", "teo": "teo",
    "bron": "restwarmte",
}  # fmt: skip
HEATNET_TEMPS = {  # (network supply, source) temperature [C]
    "restwarmte": (70, 70), "geothermie_contour": (70, 70), "geothermie_overal": (70, 70), "lt30_30": (30, 30),
    "lt30_70": (70, 30), "buurtwko": (70, 20), "wko": (50, 20), "teo": (70, 20),
}  # fmt: skip
HEATNET_INVALID_NOTE = "warmtenet ongeldig in deze buurt / heat network invalid in this buurt"
FALLBACK_NOTE = (
    "warmtenet niet aangesloten (allocatieregel), individuele lucht-WP (S1a) / heat network not connected "
    "(allocation rule), individual air heat pump (S1a)"
)
PBL_FALLBACK_NOTE = (
    "als PBL SA2020: geen warmtenetkosten, individuele lucht-WP (S1a) / as PBL SA2020: no heat-network costs, "
    "individual air heat pump (S1a)"
)
# PBL's allocation per Startanalyse 2020 heat-network variant (method notes section 2; docs/method/heatnet.md):
# S2a/S2d rank buurten by contribution margin per MW with capacity-limited sources (not reproducible from the
# inputs: approximated by a dwelling-density threshold), S3 LT options compare LT with the individual S1a heat
# pump (approximated per buurt on national costs). S2b/S2e (AlwaysGEO) and S3c/S3g connect every building.
DENSITY_RULE = ("S2a", "S2d")
LT_VERSUS_WP = ("S3a", "S3b", "S3d", "S3e", "S3f", "S3h")
# S2b/S2e (geothermal in the contour) and S3c/S3g (BuurtWKO): PBL's published SA2020 costs for these variants
# carry no heat-network costs (S2b = S3c and S2e = S3g to the euro in every buurt, S2e = 0.996 x S2d where S2d
# connects nobody, electricity/ambient heat/E-grid capacity of the air heat pump); with
# ``warmtenet/pbl_volledig_aangesloten_als_s1a`` = 1 they are costed as the S1a fallback (validation.md).
PBL_AS_FALLBACK = ("S2b", "S2e", "S3c", "S3g")
FALLBACK_VARIANT = "S1a"
_COST_KEYS = K_COLUMNS[:9] + K_COLUMNS[10:16]


def _heatnet_module():
    try:
        from warmteregio.engine import heatnet
    except ImportError:  # pragma: no cover - the module ships with the package
        return None
    return heatnet if hasattr(heatnet, "heat_network_costs") else None


def _heatnet_option(heatnet, v: Variant):
    """PBL's own option for S2a..S3h; a user variant gets one from its area option (named source = MT)."""
    if v.code in heatnet.VARIANTS:
        return heatnet.VARIANTS[v.code]
    bron = HEATNET_BRON[v.gebiedsoptie]
    t_net, t_bron = HEATNET_TEMPS[bron]
    label = v.label_w if v.label_w in ("B", "D") else "B"
    return heatnet.HeatNetOption(v.code, bron, label, t_net, bron in ("restwarmte", "geothermie_contour"), t_bron)


def _heatnet_variant(ctx: _Context, v: Variant, heatnet) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Building part from the individual machinery (shell, cooking, grid, other electricity) plus the
    heat-network module's K04-K07, K11-K13 heat parts and K15. Returns (columns, valid mask)."""
    p, inp = ctx.params, ctx.inp
    base = _variant(ctx, replace(v, installatie_w="HR", installatie_u="HR"))
    grid = grid_items(
        p, inst_w=v.installatie_w, inst_u=v.installatie_u, gasnet=v.gasnet, n_w=inp.n_woningen, n_u=inp.n_util,
        opp_u=inp.opp_util, cap_now=inp.cap_e_huidig, len_gas=ctx.len_gas, len_ls=ctx.len_ls, hoog=ctx.hoog,
        share_3x25=ctx.share_3x25,
    )  # fmt: skip
    a50 = annuity_for(p, "levensduur_egnet")
    r = ctx.r_aardg
    area = np.where(np.isfinite(inp.oppervlakte_ha), inp.oppervlakte_ha, ctx.weq / p.num("default/weq_per_ha"))
    demand = heatnet.HeatNetDemand(
        n_woningen=inp.n_woningen * r, n_utiliteit=inp.n_util * r,
        vraag_rv_gj=base["Woning_H02_Vraag_Ruimteverwarming"] + base["Util_H02_Vraag_Ruimteverwarming"],  # x r
        vraag_tw_gj=(inp.w_tw + inp.u_tw) * r, oppervlakte_ha=area,
        n_woningen_laagbouw=inp.n_woningen * r * (1 - ctx.hoog),
        opp_woningen_m2=inp.opp_woningen * r, opp_utiliteit_m2=inp.opp_util * r,
        bestaand_warmtenet_aandeel=inp.aandeel_stadsverwarming,
    )  # fmt: skip
    el = p.num(f"prijs/groenelek/GG/{ctx.year}")
    prices = {
        "groengas": p.num(f"prijs/groengas/GG/{ctx.year}"), "elektriciteit": el,
        "mtwarmte_bron": p.num("AVI factor") * el, "ltwarmte_bron": p.num("LtWarmte Categorie/K_GJ"),
    }  # fmt: skip
    option = _heatnet_option(heatnet, v)
    hn = heatnet.heat_network_costs(demand, option, p.values, prices)
    # per connected dwelling (end-user columns): heat delivered at the building and building heat-pump electricity
    nw = np.maximum(inp.n_woningen, 1.0)
    warmte_w, e_bld_w = heatnet.building_heat(
        option, p.values, base["Woning_H02_Vraag_Ruimteverwarming"] / np.maximum(inp.n_woningen * r, 1.0),
        np.nan_to_num(inp.w_tw) / nw,
    )
    koken = p.num("K_koken") * inp.n_woningen * annuity_for(p, "levensduur_koken") if v.elektrisch_koken else 0.0
    zero = np.zeros(len(inp))
    out = dict(base)
    out.update({
        "K01_Enet_verzwaren": grid.k01_inv * a50, "K02_Gnet_verwijderen": grid.k02_inv * a50,
        "K04_Wnet_buurt": hn.K04_Wnet_buurt, "K05_Wnet_pand": hn.K05_Wnet_pand,
        "K06_Wnet_transport": hn.K06_Wnet_transport, "K07_Wnet_opwekking": hn.K07_Wnet_opwekking,
        "K09_Gebouw_installatie": zero + koken, "K11_Warmte_inkoop": hn.K11_Warmte_inkoop, "K12_Gas": hn.K12_Gas,
        "K13_Elektriciteit": base["K13_Elektriciteit"] + hn.K13_Elektriciteit, "K14_OenM_gebouw": zero,
        "K15_OenM_warmtenet": hn.K15_OenM_warmtenet, "K16_OenM_EGnet": grid.k16,
        "E_groengas_gj": hn.E_groengas_gj, "E_elektriciteit_gj": inp.w_elek + inp.u_elek + hn.E_elektriciteit_gj,
        "E_mtwarmte_gj": hn.E_mtwarmte_gj, "E_ltwarmte_gj": hn.E_ltwarmte_gj, "H15_CO2_uitstoot": zero,
        "H21_CapaciteitsvraagE": grid.peak_kw, "H22_AantalNieuweMSR": grid.new_msr,
        "_gas_w": zero, "_elek_w": inp.w_elek + e_bld_w * nw, "_warmte_w": warmte_w * nw, "_h2_w": zero,
        "_inv_w_gebouw": base["_inv_w_schil"],
    })  # fmt: skip
    return out, np.asarray(hn.valid, dtype=bool)


def _connection_share(ctx: _Context, v: Variant, net: dict, alt: dict) -> np.ndarray | None:
    """Share (0 or 1 per buurt) of the buurt connected to the heat network under PBL's allocation rule as
    approximated here; None when the parameter set does not switch the rule on (everything connected)."""
    p, inp = ctx.params, ctx.inp
    if v.code in DENSITY_RULE:
        threshold = p.num("warmtenet/allocatie_min_woningen_per_ha", float("nan"))
        if not np.isfinite(threshold):
            return None
        ok = np.isfinite(inp.oppervlakte_ha) & (inp.oppervlakte_ha > 0)
        dens = np.divide(inp.n_woningen, inp.oppervlakte_ha, out=np.zeros(len(inp)), where=ok)
        return (dens >= threshold).astype(float)
    if v.code in PBL_AS_FALLBACK:
        if p.num("warmtenet/pbl_volledig_aangesloten_als_s1a", 0.0) > 0:
            return np.zeros(len(inp))
        return None
    if v.code in LT_VERSUS_WP and p.num("warmtenet/allocatie_lt_versus_wp", 0.0) > 0:
        cost_net = sum(np.nan_to_num(net[k], nan=np.inf) for k in _COST_KEYS)
        cost_alt = sum(alt[k] for k in _COST_KEYS)
        return (cost_net < cost_alt).astype(float)
    return None


def _blend(share: np.ndarray, net: dict, alt: dict) -> dict:
    out = {}
    for k, val in net.items():
        if k in alt and np.asarray(val).dtype.kind == "f":
            out[k] = np.where(share >= 1, val, np.where(share <= 0, alt[k], share * val + (1 - share) * alt[k]))
        else:
            out[k] = val
    return out


@dataclass
class _Context:
    inp: BuurtInputs
    params: Params
    year: int
    hoog: np.ndarray
    area_w: np.ndarray
    area_u: np.ndarray
    len_gas: np.ndarray
    len_ls: np.ndarray
    share_3x25: np.ndarray
    v_w: np.ndarray
    v_u: np.ndarray
    kw_w: np.ndarray
    kw_u: np.ndarray
    weq: np.ndarray
    r_aardg: np.ndarray


def shell_labels(labels: np.ndarray, shift: float, unlabelled_as: str) -> np.ndarray:
    """Shell-label mix used by the engine from the registered energy-label counts.

    Registered (RVO) energy labels are better than Vesta's shell labels (installations and PV count in the energy
    label), so each labelled class is moved ``shift`` classes worse (at most F); unlabelled objects (N) are put in
    class ``unlabelled_as``. Both are calibration parameters in the parameter set (``kalibratie/*``).
    """
    out = np.zeros_like(labels)
    k = int(round(shift))
    last = LABELS.index("F")
    for i in range(last + 1):
        out[:, min(i + k, last)] += labels[:, i]
    out[:, LABELS.index(unlabelled_as)] += labels[:, LABELS.index("N")]
    return out


def _context(inp: BuurtInputs, params: Params, year: int) -> _Context:
    n = len(inp)
    inp = BuurtInputs(**{**inp.__dict__})
    inp.labels_w = shell_labels(
        inp.labels_w,
        params.num("kalibratie/schillabel_verschuiving_w", 0.0),
        params.text("kalibratie/label_N_als", "N"),
    )
    inp.labels_u = shell_labels(
        inp.labels_u, params.num("kalibratie/schillabel_verschuiving_u", 0.0),
        params.text("kalibratie/label_N_als_u", "N"),
    )
    area_w = mean_area(inp.opp_woningen, inp.n_woningen)
    area_u = mean_area(inp.opp_util, inp.n_util)
    hoog = np.where(np.isnan(inp.aandeel_hoogbouw), params.num("default/aandeel_hoogbouw"), inp.aandeel_hoogbouw)
    conn = inp.n_woningen + inp.n_util
    len_gas = np.where(
        np.isnan(inp.lengte_gasnet_m), params.num("default/lengte_gasnet_per_aansluiting_m") * conn, inp.lengte_gasnet_m
    )
    len_ls = np.where(
        np.isnan(inp.lengte_lsnet_m), params.num("default/lengte_lsnet_per_aansluiting_m") * conn, inp.lengte_lsnet_m
    )
    return _Context(
        inp=inp, params=params, year=year, hoog=hoog, area_w=area_w, area_u=area_u, len_gas=len_gas, len_ls=len_ls,
        share_3x25=np.full(n, params.num("default/aandeel_3x25_bestaand")),
        v_w=demand_per_object(params, "w", area_w), v_u=demand_per_object(params, "u", area_u),
        kw_w=dwelling_kw(params, area_w, hoog), kw_u=params.num("ASW_RV_u_m2") * area_u,
        weq=inp.weq_or_computed(params.num("m2_per_weq")), r_aardg=1.0 - np.nan_to_num(inp.aandeel_stadsverwarming),
    )  # fmt: skip


def _variant(ctx: _Context, v: Variant) -> dict[str, np.ndarray]:
    """All numeric columns of one individual (non heat-network) variant, before the reference difference."""
    p, inp, year = ctx.params, ctx.inp, ctx.year
    reference = v.is_reference
    lw = labels_after(inp.labels_w, v.label_w)
    lu = labels_after(inp.labels_u, v.label_u)
    # space-heating demand of the zichtjaar's climate (PBL's R1 scales the start-year H02; tap water unchanged)
    klimaat = p.num(f"klimaatfactor_rv/{year}", 1.0)
    rv_w = space_heat_after(inp.w_rv * klimaat, inp.labels_w, lw, ctx.v_w)
    rv_u = space_heat_after(inp.u_rv * klimaat, inp.labels_u, lu, ctx.v_u)
    a_schil = annuity_for(p, "levensduur_schil")
    schil_w = shell_investment(p, "w", inp.labels_w, v.label_w, ctx.area_w)
    k08_inv = schil_w + shell_investment(p, "u", inp.labels_u, v.label_u, ctx.area_u)
    inv_w, ann_w, om_w = installation_costs(p, "w", v.installatie_w, inp.n_woningen, ctx.area_w, ctx.kw_w, ctx.hoog)
    inv_u, ann_u, om_u = installation_costs(p, "u", v.installatie_u, inp.n_util, ctx.area_u, ctx.kw_u)
    koken = p.num("K_koken") * inp.n_woningen * annuity_for(p, "levensduur_koken") if v.elektrisch_koken else 0.0

    # energy: heat-related use from Performance; other electricity (appliances etc.) kept at start-year value.
    # Buildings on an existing district-heating network (share 1 - r, R_StadV) keep it in every variant and the
    # reference: their heat demand is outside the strategy, so the national heat-related energy is scaled by r.
    # The end-user columns (_gas_w, _elek_w, _h2_w) stay per gas-heated dwelling (unscaled demand).
    r = ctx.r_aardg
    ref_heat_w = carriers_for_option(p, "HR", "-", inp.w_rv, inp.w_tw)["gas"]
    ref_heat_u = carriers_for_option(p, "HR", "-", inp.u_rv, inp.u_tw)["gas"]
    other_gas_w = np.maximum(inp.w_gas - ref_heat_w, 0.0)  # e.g. cooking gas, kept in reference only
    other_gas_u = np.maximum(inp.u_gas - ref_heat_u, 0.0)
    cw = carriers_for_option(p, v.installatie_w, v.label_w, rv_w, inp.w_tw)
    cu = carriers_for_option(p, v.installatie_u, v.label_u, rv_u, inp.u_tw)
    keeps_gas = v.gasnet == "behouden"
    gas_w_bld = cw["gas"] + (other_gas_w if keeps_gas else 0.0)  # on a per-gas-heated-dwelling basis
    gas_w = r * cw["gas"] + (other_gas_w if keeps_gas else 0.0)
    gas_u = r * cu["gas"] + (other_gas_u if keeps_gas else 0.0)
    elek_w = inp.w_elek + r * cw["elek"]
    elek_u = inp.u_elek + r * cu["elek"]
    h2 = r * (cw["h2"] + cu["h2"])
    gas_carrier = "aardgas" if reference else "groengas"
    band_gw = price_band(p, gas_carrier, _per(gas_w_bld, inp.n_woningen))
    band_gu = price_band(p, gas_carrier, _per(gas_u, inp.n_util * r))
    band_ew = price_band(p, "groenelek", _per(inp.w_elek + cw["elek"], inp.n_woningen))
    band_eu = price_band(p, "groenelek", _per(elek_u, inp.n_util))
    k12 = gas_w * national_price(p, gas_carrier, band_gw, year) + gas_u * national_price(p, gas_carrier, band_gu, year)
    k12 = k12 + h2 * national_price(p, "waterstof", band_gw, year)
    k13 = elek_w * national_price(p, "groenelek", band_ew, year)
    k13 = k13 + elek_u * national_price(p, "groenelek", band_eu, year)
    hp_share = {"eWP_lw": 1.0, "eWP_bw": 1.0, "hWP": 1.0, "H2WP": 1.0}.get(v.installatie_w, 0.0)
    k13 = k13 + (elek_w + elek_u) / p.num("GJ_per_kWh") * p.num("OpslagWPverbruik") * p.num("AandeelWP_NL") * hp_share

    grid = grid_items(
        p, inst_w=v.installatie_w, inst_u=v.installatie_u, gasnet=v.gasnet, n_w=inp.n_woningen, n_u=inp.n_util,
        opp_u=inp.opp_util, cap_now=inp.cap_e_huidig, len_gas=ctx.len_gas, len_ls=ctx.len_ls, hoog=ctx.hoog,
        share_3x25=ctx.share_3x25,
    )  # fmt: skip
    a50 = annuity_for(p, "levensduur_egnet")
    gas_total = gas_w + gas_u
    energy = {gas_carrier: gas_total, "groenelek": elek_w + elek_u, "waterstof": h2}
    zero = np.zeros(len(inp))
    out = {
        "K01_Enet_verzwaren": zero if reference else grid.k01_inv * a50,
        "K02_Gnet_verwijderen": grid.k02_inv * a50,
        "K03_Gnet_aanpassen": grid.k03_inv * annuity_for(p, "levensduur_h2net"),
        "K04_Wnet_buurt": zero, "K05_Wnet_pand": zero, "K06_Wnet_transport": zero, "K07_Wnet_opwekking": zero,
        "K08_Gebouw_schil": k08_inv * a_schil,
        "K09_Gebouw_installatie": ann_w + ann_u + koken,
        "K11_Warmte_inkoop": zero, "K12_Gas": k12, "K13_Elektriciteit": k13, "K14_OenM_gebouw": om_w + om_u,
        "K15_OenM_warmtenet": zero, "K16_OenM_EGnet": grid.k16,
        "H15_CO2_uitstoot": co2_tonnes(p, year, energy),
        "E_aardgas_gj": gas_total if reference else zero, "E_groengas_gj": zero if reference else gas_total,
        "E_waterstof_gj": h2, "E_elektriciteit_gj": elek_w + elek_u, "E_mtwarmte_gj": zero, "E_ltwarmte_gj": zero,
        "Woning_H02_Vraag_Ruimteverwarming": rv_w * r, "Util_H02_Vraag_Ruimteverwarming": rv_u * r,
        "H21_CapaciteitsvraagE": grid.peak_kw, "H22_AantalNieuweMSR": zero if reference else grid.new_msr,
        "_inv_w_gebouw": schil_w + inv_w, "_inv_w_schil": schil_w,
        "_isolatie_m2": (inp.labels_w.sum(axis=1) - _kept(inp.labels_w, lw)) * ctx.area_w,
        "_gas_w": gas_w_bld, "_elek_w": inp.w_elek + cw["elek"], "_h2_w": cw["h2"],
    }  # fmt: skip
    return out


def _per(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _kept(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Objects that did not take a shell step: sum over classes of min(before, after)."""
    return np.minimum(before, after).sum(axis=1)


def assess(
    inputs: BuurtInputs,
    catalogue: Catalogue,
    params: Params | Mapping[str, float | str],
    zichtjaar: int = 2030,
    tariffs: Mapping[str, float] | None = None,
) -> Results:
    """National costs per buurt x variant for ``zichtjaar`` (see the package docstring for the columns).

    ``tariffs`` (the end-user figures, :mod:`warmteregio.engine.enduser`) adds the ``EG_`` columns when given.
    """
    if not isinstance(params, Params):
        params = Params(params)
    ctx = _context(inputs, params, int(zichtjaar))
    n = len(inputs)
    ref = _variant(ctx, catalogue.reference)
    # PBL's reference 2030 (R1) only swaps boilers for HR: its CO2 equals the start-year emission (H15) when known
    known = np.isfinite(inputs.co2_start_t)
    ref["H15_CO2_uitstoot"] = np.where(known, np.nan_to_num(inputs.co2_start_t), ref["H15_CO2_uitstoot"])
    ref_k17 = sum(ref[k] for k in ("K11_Warmte_inkoop", "K12_Gas", "K13_Elektriciteit", "K14_OenM_gebouw",
                                    "K15_OenM_warmtenet", "K16_OenM_EGnet"))  # fmt: skip
    ref_inst = installation_costs(params, "w", "HR", inputs.n_woningen, ctx.area_w, ctx.kw_w, ctx.hoog)[1]
    ref_inst = ref_inst + installation_costs(params, "u", "HR", inputs.n_util, ctx.area_u, ctx.kw_u)[1]
    # share of the reference's variable cost K17 subtracted in H16 (1 = meerkosten as in the method notes; the
    # vesta2020 set uses 0 because PBL's published SA2020 H16 carries no such subtraction, see validation.md)
    ref_share = params.num("h16/aftrek_referentie_k17", 1.0)
    heatnet = _heatnet_module()
    try:
        fallback: Variant | None = catalogue.get(FALLBACK_VARIANT)
    except KeyError:
        fallback = None
    fallback_cols: dict[str, np.ndarray] | None = None
    fallback_eg: dict[str, np.ndarray] | None = None
    parts: list[dict[str, np.ndarray]] = []
    notes: list[str] = []
    for v in catalogue:
        note = np.full(n, "", dtype=object)
        if v.is_heatnet:
            if heatnet is None:  # pragma: no cover - the module ships with the package
                cols = {k: np.full(n, np.nan) for k in ref}
                note[:] = HEATNET_NOTE
                if HEATNET_NOTE not in notes:
                    notes.append(HEATNET_NOTE)
            else:
                cols, valid = _heatnet_variant(ctx, v, heatnet)
                eg = _enduser(ctx, v, cols, ref, tariffs) if tariffs is not None else {}
                if v.code in DENSITY_RULE + LT_VERSUS_WP + PBL_AS_FALLBACK and fallback is not None:
                    if fallback_cols is None:
                        fallback_cols = _variant(ctx, fallback)
                    share = _connection_share(ctx, v, cols, fallback_cols)
                    if share is not None:
                        cols = _blend(share, cols, fallback_cols)
                        text = PBL_FALLBACK_NOTE if v.code in PBL_AS_FALLBACK else FALLBACK_NOTE
                        note = np.where(valid & (share <= 0), text, note)
                        if eg:  # buurten left unconnected get the end-user figures of the S1a fallback
                            if fallback_eg is None:
                                fallback_eg = _enduser(ctx, fallback, fallback_cols, ref, tariffs)
                            eg = {k: np.where(share <= 0, fallback_eg[k], val) for k, val in eg.items()}
                cols = {k: (np.where(valid, val, np.nan) if k[:1] in "KEHWU" else val) for k, val in cols.items()}
                cols.update({k: np.where(valid, val, np.nan) for k, val in eg.items()})
                note = np.where(valid, note, HEATNET_INVALID_NOTE)
        else:
            cols = _variant(ctx, v)
        cols = {k: val for k, val in cols.items() if not k.startswith("_")} | {
            k: val for k, val in cols.items() if k.startswith("_")
        }
        if not v.is_reference:
            cols["K09_Gebouw_installatie"] = cols["K09_Gebouw_installatie"] - ref_inst
        else:
            cols["K09_Gebouw_installatie"] = np.zeros(n)
        for k in ("K01_Enet_verzwaren", "K02_Gnet_verwijderen", "K03_Gnet_aanpassen", "K08_Gebouw_schil",
                  "K09_Gebouw_installatie"):  # fmt: skip
            cols[k] = cols[k] * ctx.r_aardg
        k10 = sum(cols[k] for k in K_COLUMNS[:9])
        k17 = sum(cols[k] for k in ("K11_Warmte_inkoop", "K12_Gas", "K13_Elektriciteit", "K14_OenM_gebouw",
                                    "K15_OenM_warmtenet", "K16_OenM_EGnet"))  # fmt: skip
        cols["K10_Kapitaallasten"] = k10
        cols["K17_Variabele_kosten"] = k17
        cols["K18_Variabele_meerkosten"] = k17 - ref_k17
        h16, h17, h18, avoided = headline(
            k10, k17, ref_k17 * ref_share, cols["H15_CO2_uitstoot"], ref["H15_CO2_uitstoot"], ctx.weq
        )
        if v.is_reference:
            h16 = np.zeros(n)
            h17 = np.zeros(n)
            h18 = np.zeros(n)
        else:
            note = np.where((note == "") & ~(avoided > 0) & np.isfinite(h16), INVALID_NOTE, note)
        cols.update({"H16_Nat_meerkost": h16, "H17_Nat_meerkost_CO2": h17, "H18_Nat_meerkost_WEQ": h18,
                     "CO2_vermeden_t": avoided, "WEQ": ctx.weq})  # fmt: skip
        cols["BU_CODE"] = inputs.bu_code
        cols["strategie"] = np.full(n, v.pbl_naam, dtype=object)
        cols["variant_code"] = np.full(n, v.code, dtype=object)
        cols["familie"] = np.full(n, v.familie, dtype=object)
        cols["opmerking"] = note
        if tariffs is not None and not v.is_heatnet:  # heat-network rows: above, with the S1a fallback
            cols.update(_enduser(ctx, v, cols, ref, tariffs))
        parts.append(cols)
    names = list(TEXT_COLUMNS[:4]) + ["zichtjaar", "parameterset"] + list(K_COLUMNS) + list(H_COLUMNS)
    names += list(E_COLUMNS) + list(PHYS_COLUMNS)
    eg = sorted({k for part in parts for k in part if k.startswith("EG_")})
    names += eg + ["opmerking"]
    total = n * len(parts)
    table: dict[str, np.ndarray] = {}
    for name in names:
        if name == "zichtjaar":
            table[name] = np.full(total, int(zichtjaar))
        elif name == "parameterset":
            table[name] = np.full(total, params.label, dtype=object)
        else:
            table[name] = np.concatenate(
                [part.get(name, np.full(n, np.nan)) for part in parts]
            )
    for name in ("BU_CODE", "strategie", "variant_code", "familie", "opmerking"):
        table[name] = table[name].astype(str)
    return Results(table, params.label, int(zichtjaar), notes)


def _enduser(ctx: _Context, v: Variant, cols: dict, ref: dict, tariffs: Mapping[str, float]) -> dict[str, np.ndarray]:
    from warmteregio.engine.enduser import EnduserInputs, enduser_costs

    inp = ctx.inp
    nw = np.maximum(inp.n_woningen, 1.0)
    gas_gj_m3 = ctx.params.num("GasEnergie")
    kwh = ctx.params.num("GJ_per_kWh")
    n = len(inp)
    h2_w = cols["_h2_w"]
    # heat-network rows (see _heatnet_variant): _warmte_w is the heat the network delivers at the dwellings,
    # _elek_w includes a booster / LT heat pump in the building, _inv_w_gebouw is the shell step only (the
    # in-building network K05 is the network's cost; the owner pays the ACM connection charge and rents the
    # delivery set, both in enduser.py); the gas grid is removed.
    heat = v.is_heatnet
    eu = EnduserInputs(
        investering_gebouw_eur=_clean(cols["_inv_w_gebouw"] / nw),
        isolatie_m2=_clean(cols["_isolatie_m2"] / nw),
        installatie=np.full(n, ENDUSER_INSTALLATION[v.installatie_w]),
        gas_m3=_clean((cols["_gas_w"] + h2_w) / nw / gas_gj_m3),
        elektriciteit_kwh=_clean(cols["_elek_w"] / nw / kwh),
        warmte_gj=_clean(cols["_warmte_w"] / nw) if heat else np.zeros(n),
        gasaansluiting=np.full(n, v.gasnet != "verwijderen" and not heat),
        warmtenet_aansluiting=np.full(n, heat),
        gas_m3_ref=np.maximum(ref["_gas_w"] / nw / gas_gj_m3, 0.0),
        elektriciteit_kwh_ref=np.maximum(ref["_elek_w"] / nw / kwh, 0.0),
        groengas=np.full(n, v.gebiedsoptie == "groengas"),
    )
    return enduser_costs(eu, tariffs)


def _clean(x: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(x, dtype=float), 0.0)


__all__ = ["LABELS", "Results", "assess"]
