"""CO2 emissions [t/yr] from energy by carrier and the emission factors of the price files for the zichtjaar.

Natural gas: ``RAT_CO2`` 1.78 kg/m3 / 31.65 MJ/m3 x AardGasCO2Factor 0.994. Green gas, green electricity and
hydrogen are climate-neutral in the Startanalyse 2030 steps (factor 0), as in PBL's strategies.
"""

from __future__ import annotations

import numpy as np

from warmteregio.engine.params import Params


def co2_tonnes(params: Params, year: int, energy: dict[str, np.ndarray]) -> np.ndarray:
    total = np.zeros_like(next(iter(energy.values())))
    factors = {
        "aardgas": params.num(f"co2/aardgas/{year}", 0.0) * params.num("AardGasCO2Factor", 1.0),
        "groengas": params.num(f"co2/groengas/{year}", 0.0),
        "groenelek": params.num(f"co2/groenelek/{year}", 0.0),
        "waterstof": 0.0,
        "warmte": 0.0,
    }
    for carrier, gj in energy.items():
        total = total + gj * factors.get(carrier, 0.0) / 1000.0
    return total
