"""Reader and validator of PBL's Startanalyse start-year table (``*_startjaar2019_*.csv``) into BuurtInputs.

All problems are collected in a :class:`~warmteregio.data.base.ValidationReport` (row and column, Dutch and
English); when there is any, :class:`~warmteregio.data.base.ImportValidationError` is raised and nothing is
returned. Optional extra columns (not in PBL's table) fill fields PBL does not publish per buurt:
``lengte_gasnet_m``, ``lengte_lsnet_m``, ``aandeel_hoogbouw``, ``aandeel_stadsverwarming``.

Existing district heating (R_StadV): when ``aandeel_stadsverwarming`` is absent or empty for a row, the share is
derived from PBL's start-year dwelling heat inputs as ``Woning_H12 / (Woning_H09 + Woning_H12)`` (MT heat over
MT heat plus natural gas). PBL's utility H12 is not used: in the Gooi en Vechtstreek table it repeats the
dwelling value to the GJ. See docs/method/validation.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from warmteregio.data.base import ImportValidationError, ValidationReport, parse_number, read_table
from warmteregio.engine.inputs import BuurtInputs, labels_from_counts

BU_CODE_RE = r"^BU\d{8}$"
NUMERIC = {
    "n_woningen": "I09_aantal_woningen",
    "n_util": "I10_aantal_utiliteit",
    "weq": "I11_woningequivalenten",
    "opp_woningen": "I12_opp_woningen",
    "opp_util": "I13_opp_utiliteit",
    "w_rv": "Woning_H02_Vraag_Ruimteverwarming",
    "w_tw": "Woning_H03_Vraag_Tapwater",
    "w_gas": "Woning_H09_Input_Aardgas",
    "w_elek": "Woning_H11_Input_Elektriciteit",
    "u_rv": "Util_H02_Vraag_Ruimteverwarming",
    "u_tw": "Util_H03_Vraag_Tapwater",
    "u_gas": "Util_H09_Input_Aardgas",
    "u_elek": "Util_H11_Input_Elektriciteit",
    "cap_e_huidig": "H23_Capaciteit_huidig",
}
LABEL_COLS = ("L01_Aansl_LabelAppp", "L02_Aansl_LabelA", "L03_Aansl_LabelB", "L04_Aansl_LabelC",
              "L05_Aansl_LabelD", "L06_Aansl_LabelE", "L07_Aansl_LabelF")  # fmt: skip
OPTIONAL = ("H15_CO2_uitstoot", "lengte_gasnet_m", "lengte_lsnet_m", "aandeel_hoogbouw", "aandeel_stadsverwarming")
REQUIRED = ("BU_CODE", *NUMERIC.values(), *(f"Woning_{c}" for c in LABEL_COLS), *(f"Util_{c}" for c in LABEL_COLS))


def _f(text: str) -> float:
    try:
        return float(text.replace(",", ".")) if text and text.strip() else float("nan")
    except ValueError:
        return float("nan")


def read_startanalyse(path: str | Path) -> BuurtInputs:
    """Read and validate; raises ImportValidationError naming every bad row and column."""
    import re

    report = ValidationReport(str(path))
    table = read_table(path, report, REQUIRED)
    if table is None:
        raise ImportValidationError(report)
    n = len(table.rows)
    data = {k: np.zeros(n) for k in NUMERIC}
    lw = np.zeros((n, len(LABEL_COLS)))
    lu = np.zeros((n, len(LABEL_COLS)))
    opt = {k: np.full(n, np.nan) for k in OPTIONAL if k in table.index}
    codes: list[str] = []
    excluded = np.zeros(n, dtype=bool)
    seen: dict[str, int] = {}
    area_ha = np.full(n, np.nan)
    sv_afgeleid = np.zeros(n)
    pattern = re.compile(BU_CODE_RE)
    for i, row in enumerate(table.rows):
        rn = table.row_number(i)

        def cell(col: str, row: list[str] = row) -> str:
            j = table.index.get(col, len(row))
            return row[j] if j < len(row) else ""

        code = cell("BU_CODE").strip()
        if not pattern.match(code):
            report.add(rn, "BU_CODE", f"ongeldige buurtcode {code!r} (verwacht BU + 8 cijfers)",
                       f"invalid buurt code {code!r} (expected BU + 8 digits)")  # fmt: skip
        elif code in seen:
            report.add(rn, "BU_CODE", f"dubbele buurtcode {code} (ook rij {seen[code]})",
                       f"duplicate buurt code {code} (also row {seen[code]})")  # fmt: skip
        else:
            seen[code] = rn
        codes.append(code)
        for key, col in NUMERIC.items():
            v = parse_number(cell(col), report, rn, col, minimum=0.0 if key != "cap_e_huidig" else None)
            data[key][i] = np.nan if v is None else v
        for j, col in enumerate(LABEL_COLS):
            for arr, prefix in ((lw, "Woning_"), (lu, "Util_")):
                v = parse_number(cell(prefix + col), report, rn, prefix + col, minimum=0.0)
                arr[i, j] = 0.0 if v is None else v
        for key in opt:
            text_ = cell(key)
            if text_.strip():
                top = 1.0 if key.startswith("aandeel") else None
                v = parse_number(text_, report, rn, key, minimum=0.0, maximum=top)
                opt[key][i] = np.nan if v is None else v
        if "Uitgesloten" in table.index:
            excluded[i] = cell("Uitgesloten").strip().lower() in ("true", "1", "waar", "ja")
        h12, h09 = _f(cell("Woning_H12_Input_MTwarmte")), _f(cell("Woning_H09_Input_Aardgas"))
        sv_afgeleid[i] = h12 / (h12 + h09) if h12 > 0 and h09 >= 0 else 0.0
        h01, h07 = _f(cell("Woning_H01_Vraag_Warmte_Totaal")), _f(cell("Woning_H07_Vraag_perhectare"))
        area_ha[i] = h01 / h07 if h07 > 0 else np.nan
    if not report.ok:
        raise ImportValidationError(report)
    cap = np.nan_to_num(data.pop("cap_e_huidig"))
    sv = opt.get("aandeel_stadsverwarming")
    opt["aandeel_stadsverwarming"] = sv_afgeleid if sv is None else np.where(np.isnan(sv), sv_afgeleid, sv)
    return BuurtInputs(
        bu_code=np.array(codes),
        labels_w=labels_from_counts(lw, data["n_woningen"]),
        labels_u=labels_from_counts(lu, data["n_util"]),
        cap_e_huidig=cap,
        uitgesloten=excluded,
        **data,
        oppervlakte_ha=area_ha,
        co2_start_t=opt.pop("H15_CO2_uitstoot", None),
        **opt,
    )
