"""Annualisation and the national cost totals (K10, K17, K18) and headline indicators H16-H18.

``A = r / ((1+r)^-S - (1+r)^-E)`` (Vesta NcwSchema.dms); for S = 0 the ordinary annuity.
H16 = K10 + K17 - K17_ref; H17 = H16 / (CO2_ref - CO2); H18 = H16 / WEQ.
"""

from __future__ import annotations

import numpy as np

from warmteregio.engine.params import Params, annuity

__all__ = ["annuity", "annuity_for", "headline"]


def annuity_for(params: Params, lifetime_key: str, start: float = 0.0) -> float:
    return params.annuity(lifetime_key, start=start)


def headline(
    k10: np.ndarray, k17: np.ndarray, k17_ref: np.ndarray, co2: np.ndarray, co2_ref: np.ndarray, weq: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(H16 EUR/yr, H17 EUR/t, H18 EUR/WEQ/yr, avoided CO2 t/yr); H17 is NaN when no CO2 is avoided."""
    h16 = k10 + k17 - k17_ref
    avoided = co2_ref - co2
    h17 = np.divide(h16, avoided, out=np.full_like(h16, np.nan), where=avoided > 0)
    h18 = np.divide(h16, weq, out=np.full_like(h16, np.nan), where=weq > 0)
    return h16, h17, h18, avoided
