"""The alternatives a buurt plan can choose: the catalogue's variants (S1a ... S5d) or a family choice.

A programme often names the family ("warmtenet") before the variant is known; both are valid choices. The family
decides whether a chosen alternative deviates from the assessment framework's preferred variant (a different
family needs a documented reason) and drives the map colours.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from warmteregio.catalogue import CATALOGUE_FILE
from warmteregio.programme.model import FAMILIE_KEUZES

# catalogue family (S1..S5) -> programme family
FAMILY_OF_CATALOGUE: dict[str, str] = {
    "S1": "all_electric",
    "S2": "warmtenet",
    "S3": "warmtenet",
    "S4": "groengas_hybride",
    "S5": "waterstof",
}
FAMILY_NAMES: dict[str, tuple[str, str]] = {
    "warmtenet": ("Warmtenet", "Heat network"),
    "all_electric": ("All-electric (warmtepomp)", "All-electric (heat pump)"),
    "groengas_hybride": ("Groen gas / hybride warmtepomp", "Green gas / hybrid heat pump"),
    "waterstof": ("Waterstof", "Hydrogen"),
    "nader_te_bepalen": ("Nader te bepalen", "To be decided"),
}
# colour per family for maps and timelines (distinguishable in greyscale order as well)
FAMILY_COLOURS: dict[str, str] = {
    "warmtenet": "#c0392b",
    "all_electric": "#1f6fb2",
    "groengas_hybride": "#2e8b57",
    "waterstof": "#7d3c98",
    "nader_te_bepalen": "#9e9e9e",
}


@dataclass(frozen=True)
class Alternatief:
    code: str
    familie: str
    naam_nl: str
    naam_en: str

    def naam(self, lang: str = "nl") -> str:
        return self.naam_en if lang == "en" else self.naam_nl


@functools.lru_cache(maxsize=1)
def catalogue_alternatives() -> dict[str, Alternatief]:
    out: dict[str, Alternatief] = {}
    with CATALOGUE_FILE.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            fam = FAMILY_OF_CATALOGUE.get(row["familie"])
            if fam is None:
                continue  # the reference is not an alternative
            nl = f"{row['code']}: {row['beschrijving_nl']}"
            en = f"{row['code']}: {row['beschrijving_en']}"
            out[row["code"]] = Alternatief(row["code"], fam, nl, en)
    return out


def all_alternatives() -> dict[str, Alternatief]:
    """Family choices first, then the catalogue variants, by code."""
    out = {code: Alternatief(code, code, *FAMILY_NAMES[code]) for code in FAMILIE_KEUZES}
    out.update(catalogue_alternatives())
    return out


def is_known(code: str | None) -> bool:
    return code is not None and code in all_alternatives()


def family(code: str | None) -> str | None:
    """Programme family of a choice or variant code (``S2a`` -> ``warmtenet``); None for unknown/empty."""
    if not code:
        return None
    alt = all_alternatives().get(code)
    return alt.familie if alt else None


def name(code: str | None, lang: str = "nl") -> str:
    if not code:
        return "-"
    alt = all_alternatives().get(code)
    return alt.naam(lang) if alt else code


def deviates(chosen: str | None, preferred: str | None) -> bool:
    """True when a chosen alternative is of another family than the analysis' preferred variant (both known)."""
    if not chosen or not preferred or chosen == "nader_te_bepalen":
        return False
    fc, fp = family(chosen), family(preferred)
    return fc is not None and fp is not None and fc != fp
