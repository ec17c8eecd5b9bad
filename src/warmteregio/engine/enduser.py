"""End-user costs (eindgebruikerskosten) per household type: pure, vectorised NumPy, no I/O.

A row is one buurt x variant for an *average dwelling*. For three household types (owner-occupier, social
tenant, private tenant) the module computes the investment the household itself pays after subsidies, the
monthly costs of the variant and of the reference (gas HR boiler), their difference and, for owners, the
simple payback time. The method and every figure's source are in ``docs/method/eindgebruikerskosten.md``;
the 2025 figures are in ``catalogue/eindgebruikers_2025.csv`` (``Naam;Waarde;Eenheid;Bron;Beschrijving``),
which a loader outside the engine turns into the ``tariffs`` mapping (:func:`tariffs_from_rows` helps).

Rules, per dwelling and per year (all in EUR):

* Gas and electricity: ``(levering x verbruik + energiebelasting per schijf + vastrecht leverancier +
  netbeheer - belastingvermindering) x (1 + btw)``. Energy tax is applied per band on the annual use
  (gas: 0-1,000 m3 and above; electricity: 0-10,000 kWh and above). Gas standing charges (supplier and
  grid operator) only apply with a gas connection. The belastingvermindering is subtracted once per
  electricity connection (every dwelling has one) and may exceed the tax paid.
* Heat from a network: ACM maximum tariffs (already incl. VAT): ``variabel x GJ`` plus, with a heat
  connection, vastrecht + meterhuur + afleverset rent.
* Owner investment = building investment + ACM maximum connection charge (with a heat connection, unless
  given) - ISDE (installation amount per category + insulation per m2, doubled for two or more measures),
  never below 0. Financing: monthly annuity at the Warmtefonds rate over the Warmtefonds term.
* Tenants invest nothing; the landlord's net investment raises the rent by a yearly fraction (social: 0 by
  the national performance agreements; private: the Huurcommissie rule), shown per month.
* Payback (owners) = net investment / annual energy-cost saving; 0 without investment, NaN when the saving
  is not positive (never paid back). Undiscounted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import numpy as np

HOUSEHOLD_TYPES: tuple[str, ...] = ("eigenaar_bewoner", "sociale_huurder", "particuliere_huurder")

INSTALLATIONS: tuple[str, ...] = (
    "hr_ketel",
    "ewp_lucht",
    "ewp_bodem",
    "hwp",
    "warmtenet",
    "h2_ketel",
    "lt_warmtenet_boosterwp",
)
"""Installation categories; each has an ``ISDE_<categorie>_eur`` row in the data file."""

ISDE_QUALIFYING_INSTALLATIONS: frozenset[str] = frozenset(
    {"ewp_lucht", "ewp_bodem", "hwp", "warmtenet", "lt_warmtenet_boosterwp"}
)
"""Installations that count as a measure for the ISDE two-measure rule (heat pump or heat connection)."""

DATA_FILE = "catalogue/eindgebruikers_2025.csv"
"""The 2025 figures, relative to the ``warmteregio`` package directory (read outside the engine)."""

REQUIRED_TARIFFS: tuple[str, ...] = (
    "EB_aardgas_schijf1_eur_per_m3",
    "EB_aardgas_schijf1_grens_m3",
    "EB_aardgas_schijf2_eur_per_m3",
    "EB_elektriciteit_schijf1_eur_per_kwh",
    "EB_elektriciteit_schijf1_grens_kwh",
    "EB_elektriciteit_schijf2_eur_per_kwh",
    "Belastingvermindering_eur_per_jaar",
    "BTW_tarief",
    "Levering_aardgas_eur_per_m3",
    "Levering_elektriciteit_eur_per_kwh",
    "Vastrecht_leverancier_gas_eur_per_jaar",
    "Vastrecht_leverancier_elektriciteit_eur_per_jaar",
    "Netbeheer_gas_G4_G6_eur_per_jaar",
    "Netbeheer_elektriciteit_3x25A_eur_per_jaar",
    "Groengas_meerprijs_eur_per_m3",
    "Waterstof_meerprijs_eur_per_m3_ae",
    "Warmte_ACM_vastrecht_eur_per_jaar",
    "Warmte_ACM_variabel_eur_per_gj",
    "Warmte_ACM_meterhuur_eur_per_jaar",
    "Warmte_ACM_afleverset_eur_per_jaar",
    "Warmte_ACM_aansluitbijdrage_bestaande_bouw_eur",
    *(f"ISDE_{name}_eur" for name in INSTALLATIONS),
    "ISDE_isolatie_gemiddeld_eur_per_m2",
    "ISDE_isolatie_factor_twee_maatregelen",
    "ISDE_isolatie_maatregelen_standaard",
    "Warmtefonds_rente",
    "Warmtefonds_looptijd_jr",
    "Huurverhoging_sociaal_fractie_investering_per_jaar",
    "Huurverhoging_particulier_fractie_investering_per_jaar",
)
"""Names :func:`enduser_costs` reads from ``tariffs``."""

RENT_RULE = {
    "sociale_huurder": "Huurverhoging_sociaal_fractie_investering_per_jaar",
    "particuliere_huurder": "Huurverhoging_particulier_fractie_investering_per_jaar",
}


class TariffError(KeyError):
    """A figure :func:`enduser_costs` needs is missing from the tariff mapping or is not a number."""


@dataclass(frozen=True)
class EnduserInputs:
    """Per-row arrays (one row = one buurt x variant, an average dwelling). All arrays have length n.

    Energy use is per year: ``gas_m3`` (natural gas, green gas or, for ``h2_ketel``, hydrogen in m3
    natural-gas equivalent), ``elektriciteit_kwh``, ``warmte_gj`` (heat delivered by a network). ``*_ref``
    is the reference dwelling (gas HR boiler with a gas connection, no heat connection).
    ``isolatie_maatregelen`` (number of insulation measures) defaults to ``ISDE_isolatie_maatregelen_standaard``
    where ``isolatie_m2 > 0``; ``aansluitbijdrage_eur`` defaults to the ACM maximum where
    ``warmtenet_aansluiting``.
    """

    investering_gebouw_eur: np.ndarray
    isolatie_m2: np.ndarray
    installatie: np.ndarray
    gas_m3: np.ndarray
    elektriciteit_kwh: np.ndarray
    warmte_gj: np.ndarray
    gasaansluiting: np.ndarray
    warmtenet_aansluiting: np.ndarray
    gas_m3_ref: np.ndarray
    elektriciteit_kwh_ref: np.ndarray
    groengas: np.ndarray | None = None
    isolatie_maatregelen: np.ndarray | None = None
    aansluitbijdrage_eur: np.ndarray | None = None

    def __post_init__(self) -> None:
        bools = {"gasaansluiting", "warmtenet_aansluiting", "groengas"}
        n: int | None = None
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "installatie":
                arr = np.asarray(value, dtype=str)
            elif f.name in bools:
                arr = np.asarray(value, dtype=bool)
            else:
                arr = np.asarray(value, dtype=float)
                if np.any(~np.isfinite(arr)) or np.any(arr < 0):
                    raise ValueError(f"{f.name}: waarden moeten eindig en >= 0 zijn / values must be finite and >= 0")
            arr = np.atleast_1d(arr)
            if arr.ndim != 1:
                raise ValueError(f"{f.name}: 1-dimensionale array verwacht / expected a 1-d array")
            if n is None:
                n = arr.shape[0]
            elif arr.shape[0] != n:
                raise ValueError(f"{f.name}: lengte {arr.shape[0]} != {n} / length mismatch")
            object.__setattr__(self, f.name, arr)
        unknown = sorted(set(self.installatie.tolist()) - set(INSTALLATIONS))
        if unknown:
            raise ValueError(f"onbekende installatie / unknown installation: {', '.join(unknown)}")

    def __len__(self) -> int:
        return int(self.investering_gebouw_eur.shape[0])


def tariffs_from_rows(rows: Iterable[Mapping[str, str]]) -> dict[str, float]:
    """``{Naam: float(Waarde)}`` from parsed ``Naam;Waarde;...`` rows (e.g. a ``csv.DictReader``)."""
    out: dict[str, float] = {}
    for row in rows:
        name = (row.get("Naam") or "").strip()
        if not name:
            continue
        text = (row.get("Waarde") or "").strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        out[name] = float(text)
    return out


def _get(tariffs: Mapping[str, float], name: str) -> float:
    if name not in tariffs:
        raise TariffError(f"tarief ontbreekt / tariff missing: {name!r}")
    try:
        return float(tariffs[name])
    except (TypeError, ValueError) as exc:
        raise TariffError(f"tarief {name!r} is geen getal / is not a number: {tariffs[name]!r}") from exc


def banded(use: np.ndarray, limit: float, rate_low: float, rate_high: float) -> np.ndarray:
    """Tax on annual ``use``: ``rate_low`` up to ``limit``, ``rate_high`` for the excess."""
    use = np.asarray(use, dtype=float)
    low = np.minimum(use, limit)
    return low * rate_low + (use - low) * rate_high


def annuity(principal: np.ndarray, rate_per_year: float, years: float) -> np.ndarray:
    """Monthly payment of a loan repaid in equal monthly instalments (rate compounded monthly)."""
    principal = np.asarray(principal, dtype=float)
    months = years * 12.0
    if months <= 0:
        raise ValueError("looptijd moet > 0 zijn / term must be > 0")
    i = rate_per_year / 12.0
    if i == 0:
        return principal / months
    return principal * i / (1.0 - (1.0 + i) ** -months)


def gas_m3_to_gj(gas_m3: np.ndarray, tariffs: Mapping[str, float]) -> np.ndarray:
    """Natural gas in m3 (a.e.) to GJ on the lower calorific value (``Aardgas_onderwaarde_MJ_per_m3``)."""
    return np.asarray(gas_m3, dtype=float) * _get(tariffs, "Aardgas_onderwaarde_MJ_per_m3") / 1000.0


def energy_costs_per_year(
    gas_m3: np.ndarray,
    elektriciteit_kwh: np.ndarray,
    warmte_gj: np.ndarray,
    gasaansluiting: np.ndarray,
    warmtenet_aansluiting: np.ndarray,
    tariffs: Mapping[str, float],
    gas_meerprijs_eur_per_m3: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Annual energy bill incl. energy tax and VAT [EUR/yr] of an average dwelling (see module docstring)."""
    t = lambda name: _get(tariffs, name)  # noqa: E731
    gas = np.asarray(gas_m3, dtype=float)
    kwh = np.asarray(elektriciteit_kwh, dtype=float)
    gj = np.asarray(warmte_gj, dtype=float)
    has_gas = np.asarray(gasaansluiting, dtype=bool)
    has_heat = np.asarray(warmtenet_aansluiting, dtype=bool)

    gas_tax = banded(gas, t("EB_aardgas_schijf1_grens_m3"), t("EB_aardgas_schijf1_eur_per_m3"),
                     t("EB_aardgas_schijf2_eur_per_m3"))
    gas_standing = t("Vastrecht_leverancier_gas_eur_per_jaar") + t("Netbeheer_gas_G4_G6_eur_per_jaar")
    gas_fixed = np.where(has_gas, gas_standing, 0.0)
    gas_excl = gas * (t("Levering_aardgas_eur_per_m3") + gas_meerprijs_eur_per_m3) + gas_tax + gas_fixed

    el_tax = banded(kwh, t("EB_elektriciteit_schijf1_grens_kwh"), t("EB_elektriciteit_schijf1_eur_per_kwh"),
                    t("EB_elektriciteit_schijf2_eur_per_kwh"))
    el_fixed = (t("Vastrecht_leverancier_elektriciteit_eur_per_jaar") + t("Netbeheer_elektriciteit_3x25A_eur_per_jaar")
                - t("Belastingvermindering_eur_per_jaar"))
    el_excl = kwh * t("Levering_elektriciteit_eur_per_kwh") + el_tax + el_fixed

    heat_fixed = t("Warmte_ACM_vastrecht_eur_per_jaar") + t("Warmte_ACM_meterhuur_eur_per_jaar") + t(
        "Warmte_ACM_afleverset_eur_per_jaar"
    )
    heat_incl = gj * t("Warmte_ACM_variabel_eur_per_gj") + np.where(has_heat, heat_fixed, 0.0)

    return (gas_excl + el_excl) * (1.0 + t("BTW_tarief")) + heat_incl


def subsidy(inputs: EnduserInputs, gross_investment: np.ndarray, tariffs: Mapping[str, float]) -> np.ndarray:
    """ISDE per dwelling [EUR]: installation amount + insulation per m2 (x factor for >= 2 measures), capped
    at ``gross_investment`` so the investment after subsidy never drops below 0."""
    inst = np.zeros(len(inputs))
    for name in np.unique(inputs.installatie):
        inst[inputs.installatie == name] = _get(tariffs, f"ISDE_{name}_eur")
    m2 = inputs.isolatie_m2
    if inputs.isolatie_maatregelen is not None:
        measures = inputs.isolatie_maatregelen
    else:
        measures = np.where(m2 > 0, _get(tariffs, "ISDE_isolatie_maatregelen_standaard"), 0.0)
    qualifying = np.isin(inputs.installatie, list(ISDE_QUALIFYING_INSTALLATIONS))
    effective = measures + qualifying.astype(float)
    factor = np.where((m2 > 0) & (effective >= 2), _get(tariffs, "ISDE_isolatie_factor_twee_maatregelen"), 1.0)
    insulation = m2 * _get(tariffs, "ISDE_isolatie_gemiddeld_eur_per_m2") * factor
    return np.minimum(inst + insulation, np.maximum(gross_investment, 0.0))


def enduser_costs(inputs: EnduserInputs, tariffs: Mapping[str, float]) -> dict[str, np.ndarray]:
    """End-user costs per household type; arrays of length ``len(inputs)``.

    Per type ``<t>`` in :data:`HOUSEHOLD_TYPES`: ``EG_<t>_investering_eur`` (own investment after subsidy),
    ``EG_<t>_maandlasten_eur`` and ``EG_<t>_maandlasten_ref_eur`` (EUR/month), ``EG_<t>_verschil_eur_per_maand``
    (variant minus reference); owners also ``EG_eigenaar_bewoner_terugverdientijd_jr``. Shared columns:
    ``EG_subsidie_eur``, ``EG_investering_na_subsidie_eur`` (who ever pays it), ``EG_energiekosten_eur_per_jaar``,
    ``EG_energiekosten_ref_eur_per_jaar``, ``EG_financiering_eur_per_maand`` (owner, during the loan term).
    """
    missing = [name for name in REQUIRED_TARIFFS if name not in tariffs]
    if missing:
        raise TariffError(f"tarieven ontbreken / tariffs missing: {', '.join(missing)}")
    n = len(inputs)

    heat_conn = inputs.warmtenet_aansluiting
    if inputs.aansluitbijdrage_eur is not None:
        connection = np.where(heat_conn, inputs.aansluitbijdrage_eur, 0.0)
    else:
        connection = np.where(heat_conn, _get(tariffs, "Warmte_ACM_aansluitbijdrage_bestaande_bouw_eur"), 0.0)
    gross = inputs.investering_gebouw_eur + connection
    sub = subsidy(inputs, gross, tariffs)
    net = np.maximum(gross - sub, 0.0)

    premium = np.zeros(n)
    if inputs.groengas is not None:
        premium = np.where(inputs.groengas, _get(tariffs, "Groengas_meerprijs_eur_per_m3"), premium)
    premium = np.where(inputs.installatie == "h2_ketel", _get(tariffs, "Waterstof_meerprijs_eur_per_m3_ae"), premium)

    energy = energy_costs_per_year(inputs.gas_m3, inputs.elektriciteit_kwh, inputs.warmte_gj, inputs.gasaansluiting,
                                   heat_conn, tariffs, premium)
    energy_ref = energy_costs_per_year(inputs.gas_m3_ref, inputs.elektriciteit_kwh_ref, np.zeros(n),
                                       np.ones(n, dtype=bool), np.zeros(n, dtype=bool), tariffs)
    month = energy / 12.0
    month_ref = energy_ref / 12.0

    financing = annuity(net, _get(tariffs, "Warmtefonds_rente"), _get(tariffs, "Warmtefonds_looptijd_jr"))
    saving = energy_ref - energy
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = np.where(net <= 0, 0.0, np.where(saving > 0, net / np.where(saving > 0, saving, 1.0), np.nan))

    out: dict[str, np.ndarray] = {
        "EG_subsidie_eur": sub,
        "EG_investering_na_subsidie_eur": net,
        "EG_energiekosten_eur_per_jaar": energy,
        "EG_energiekosten_ref_eur_per_jaar": energy_ref,
        "EG_financiering_eur_per_maand": financing,
    }
    for kind in HOUSEHOLD_TYPES:
        if kind == "eigenaar_bewoner":
            invest = net
            extra = financing
        else:
            invest = np.zeros(n)
            extra = net * _get(tariffs, RENT_RULE[kind]) / 12.0
        total = month + extra
        out[f"EG_{kind}_investering_eur"] = invest
        out[f"EG_{kind}_maandlasten_eur"] = total
        out[f"EG_{kind}_maandlasten_ref_eur"] = month_ref.copy()
        out[f"EG_{kind}_verschil_eur_per_maand"] = total - month_ref
        if kind == "eigenaar_bewoner":
            out[f"EG_{kind}_terugverdientijd_jr"] = payback
        else:
            out[f"EG_{kind}_huurverhoging_eur_per_maand"] = extra
    return out
