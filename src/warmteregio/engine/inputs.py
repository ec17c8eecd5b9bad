"""Per-buurt inputs of the engine as NumPy arrays (one element per buurt).

Names follow PBL's start-year table (Startanalyse 2020, ``*_startjaar2019``) where PBL has the quantity.
Quantities PBL does not publish per buurt (gas and LV grid length, existing 3x25 A share, high-rise share)
are optional: ``NaN`` means "unknown", and the engine then uses the documented national default from the
parameter set (see docs/method/engine.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

LABELS = ("Appp", "A", "B", "C", "D", "E", "F", "N")
"""Label classes in the label-count matrices; ``N`` = no registered label (I09 - sum of L01..L07)."""


@dataclass
class BuurtInputs:
    bu_code: np.ndarray  # str, e.g. BU03760101
    n_woningen: np.ndarray  # I09 [-]
    n_util: np.ndarray  # I10 [-] utility objects
    opp_woningen: np.ndarray  # I12 [m2]
    opp_util: np.ndarray  # I13 [m2]
    w_rv: np.ndarray  # Woning_H02 functional space-heating demand [GJ/yr]
    w_tw: np.ndarray  # Woning_H03 tap water [GJ/yr]
    w_gas: np.ndarray  # Woning_H09 natural-gas input, start year [GJ/yr]
    w_elek: np.ndarray  # Woning_H11 electricity input, start year [GJ/yr]
    u_rv: np.ndarray  # Util_H02 [GJ/yr]
    u_tw: np.ndarray  # Util_H03 [GJ/yr]
    u_gas: np.ndarray  # Util_H09 [GJ/yr]
    u_elek: np.ndarray  # Util_H11 [GJ/yr]
    labels_w: np.ndarray  # (n, 8) dwellings per label class LABELS
    labels_u: np.ndarray  # (n, 8) utility objects per label class LABELS
    cap_e_huidig: np.ndarray  # H23 current LV capacity [kW]
    weq: np.ndarray | None = None  # I11; computed as n_woningen + opp_util/130 when None
    aandeel_stadsverwarming: np.ndarray | None = None  # existing district heating share R_StadV [0-1]
    lengte_gasnet_m: np.ndarray | None = None  # LD gas grid length [m]; NaN = unknown
    lengte_lsnet_m: np.ndarray | None = None  # LV grid length [m]; NaN = unknown
    aandeel_hoogbouw: np.ndarray | None = None  # share of dwellings in multi-storey buildings [0-1]
    uitgesloten: np.ndarray | None = None  # bool, PBL 'Uitgesloten'
    oppervlakte_ha: np.ndarray | None = None  # buurt land area [ha]; NaN = WEQ / default density
    co2_start_t: np.ndarray | None = None  # PBL start-year H15 [t/yr]; NaN = compute the reference CO2

    def __post_init__(self) -> None:
        n = len(self.bu_code)
        self.bu_code = np.asarray(self.bu_code, dtype=str)
        for f in fields(self):
            if f.name in ("bu_code", "labels_w", "labels_u"):
                continue
            value = getattr(self, f.name)
            if value is None:
                if f.name == "uitgesloten":
                    setattr(self, f.name, np.zeros(n, dtype=bool))
                elif f.name == "aandeel_stadsverwarming":
                    setattr(self, f.name, np.zeros(n))
                elif f.name != "weq":
                    setattr(self, f.name, np.full(n, np.nan))
                continue
            arr = np.asarray(value, dtype=bool if f.name == "uitgesloten" else float)
            if arr.shape != (n,):
                raise ValueError(f"{f.name}: expected shape ({n},), got {arr.shape}")
            setattr(self, f.name, arr)
        for name in ("labels_w", "labels_u"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != (n, len(LABELS)):
                raise ValueError(f"{name}: expected shape ({n}, {len(LABELS)}), got {arr.shape}")
            setattr(self, name, arr)

    def __len__(self) -> int:
        return len(self.bu_code)

    def weq_or_computed(self, m2_per_weq: float) -> np.ndarray:
        """Woningequivalenten: I11 when given, else dwellings + utility floor area / 130 m2."""
        if self.weq is not None:
            return np.asarray(self.weq, dtype=float)
        return self.n_woningen + self.opp_util / m2_per_weq

    def subset(self, mask: np.ndarray) -> BuurtInputs:
        """The buurten where ``mask`` is true (boolean or index array)."""
        kwargs = {}
        for f in fields(self):
            value = getattr(self, f.name)
            kwargs[f.name] = None if value is None else np.asarray(value)[mask]
        return BuurtInputs(**kwargs)


def labels_from_counts(counts_appp_to_f: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Append the unlabelled class: ``N = max(total - sum(L01..L07), 0)``; returns shape (n, 8)."""
    counts = np.asarray(counts_appp_to_f, dtype=float)
    unlabelled = np.maximum(np.asarray(total, dtype=float) - counts.sum(axis=1), 0.0)
    return np.column_stack([counts, unlabelled])
