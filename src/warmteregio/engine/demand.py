"""Space-heating demand before and after a shell (insulation) step, per buurt.

The buurt's current functional demand (PBL H02) is kept; the label mix only scales it:
``RV_after = RV_now * sum_L n_after[L] * v[L] / sum_L n_now[L] * v[L]`` with ``v[L]`` the Vesta demand per object of
label L (``Vrv_L_asl + Vrv_L_opp * floor area``, mean over the building types of the BAG kentallen table).
"""

from __future__ import annotations

import numpy as np

from warmteregio.engine.inputs import LABELS
from warmteregio.engine.params import Params

LABEL_RANK = {lab: i for i, lab in enumerate(LABELS)}  # Appp best ... F, then N (no label) worst
BAG_NAME = {"Appp": "A", "A": "A", "B": "B", "C": "C", "D": "D", "E": "E", "F": "F", "N": "N"}


def labels_after(labels: np.ndarray, target: str) -> np.ndarray:
    """Label counts after every object worse than ``target`` jumped to it (``'-'``: unchanged)."""
    if target in ("-", ""):
        return labels.copy()
    t = LABEL_RANK[target]
    out = labels.copy()
    out[:, t] += labels[:, t + 1 :].sum(axis=1)
    out[:, t + 1 :] = 0.0
    return out


def demand_per_object(params: Params, kind: str, area: np.ndarray) -> np.ndarray:
    """(n, 8) functional space-heating demand per object by label class [GJ/yr]."""
    cols = []
    for lab in LABELS:
        name = BAG_NAME[lab]
        asl = params.num(f"bag/{kind}/Vrv_{name}_asl", 0.0)
        opp = params.num(f"bag/{kind}/Vrv_{name}_opp", 0.0)
        cols.append(asl + opp * area)
    return np.column_stack(cols)


def space_heat_after(rv_now: np.ndarray, labels_now: np.ndarray, labels_new: np.ndarray, v: np.ndarray) -> np.ndarray:
    before = (labels_now * v).sum(axis=1)
    after = (labels_new * v).sum(axis=1)
    ratio = np.divide(after, before, out=np.ones_like(before), where=before > 0)
    return rv_now * ratio


def mean_area(total_area: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(total_area, count, out=np.zeros_like(total_area, dtype=float), where=count > 0)
