"""CBS area codes: gemeente ``GM`` + 4 digits, wijk ``WK`` + 6, buurt ``BU`` + 8.

Codes change when municipalities merge, so a code is only meaningful together with the year of the
division (``jaar``). CBS files sometimes pad codes with spaces or write them in lower case; the
``normalise_*`` functions strip and upper-case before checking the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GEMEENTE_RE = re.compile(r"^GM\d{4}$")
WIJK_RE = re.compile(r"^WK\d{6}$")
BUURT_RE = re.compile(r"^BU\d{8}$")
RES_RE = re.compile(r"^ES\d{2}$")
PROVINCIE_RE = re.compile(r"^PV\d{2}$")


class CodeError(ValueError):
    """A code that does not have the CBS form; carries a Dutch and an English message."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


def _normalise(value: object, pattern: re.Pattern[str], kind_nl: str, kind_en: str, example: str) -> str:
    text = "" if value is None else str(value).strip().upper()
    if not pattern.match(text):
        raise CodeError(
            f"ongeldige {kind_nl} {value!r} (verwacht zoals {example})",
            f"invalid {kind_en} {value!r} (expected like {example})",
        )
    return text


def normalise_gemeentecode(value: object) -> str:
    return _normalise(value, GEMEENTE_RE, "gemeentecode", "municipality code", "GM0505")


def normalise_wijkcode(value: object) -> str:
    return _normalise(value, WIJK_RE, "wijkcode", "district code", "WK050501")


def normalise_buurtcode(value: object) -> str:
    return _normalise(value, BUURT_RE, "buurtcode", "neighbourhood code", "BU05050101")


def normalise_rescode(value: object) -> str:
    return _normalise(value, RES_RE, "RES-regiocode", "RES region code", "ES18")


def normalise_provinciecode(value: object) -> str:
    return _normalise(value, PROVINCIE_RE, "provinciecode", "province code", "PV28")


def wijk_of_buurt(buurtcode: str) -> str:
    """The wijk a buurt belongs to: ``BU05050101`` -> ``WK050501``."""
    return "WK" + buurtcode[2:8]


def gemeente_of(code: str) -> str:
    """The gemeente a wijk or buurt belongs to: ``BU05050101`` -> ``GM0505``."""
    return "GM" + code[2:6]


@dataclass(frozen=True, slots=True)
class AreaCode:
    """An area code together with the year of the division it belongs to."""

    code: str
    jaar: int

    def __str__(self) -> str:
        return f"{self.code} ({self.jaar})"
