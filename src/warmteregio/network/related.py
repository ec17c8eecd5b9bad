"""'Related' suggestions between knowledge items: a transparent score with the reasons behind it.

Two items are related when they are about the same place, the same strategies or the same data sources. The
weights (:data:`GEWICHTEN`):

* each shared buurt 3 (at most 9 in total), a shared gemeente 1 (once);
* each shared strategy variant (``S2a``) 2; each shared strategy family (``S2``) without a shared variant 1;
* each shared source 3; each shared theme 1;
* the same RES region 0.5.

Every point comes with a reason in Dutch and English, so the page can say *why* an item is suggested. The result
is deterministic: reasons in a fixed order with sorted values, ties broken by id (newest first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from warmteregio.network import model

Reden = tuple[str, str]

GEWICHTEN = {
    "buurt": 3.0,
    "buurt_max": 9.0,
    "gemeente": 1.0,
    "strategie": 2.0,
    "strategiefamilie": 1.0,
    "bron": 3.0,
    "thema": 1.0,
    "regio": 0.5,
}

_VARIANT = re.compile(r"([A-Za-z]+\d+)[a-z]+")


@dataclass(frozen=True)
class Kenmerken:
    """What an item is about: buurt codes, gemeente codes, strategy codes (variants like ``S1a`` or families like
    ``S1``), sources, themes, its RES region and its kind."""

    buurten: frozenset[str] = frozenset()
    gemeenten: frozenset[str] = frozenset()
    strategieen: frozenset[str] = frozenset()
    bronnen: frozenset[str] = frozenset()
    themas: frozenset[str] = frozenset()
    res_code: str | None = None
    soort: str = ""


def familie(strategie: str) -> str:
    """The family of a strategy code: ``S1a`` -> ``S1``; a family code stays itself."""
    m = _VARIANT.fullmatch(strategie)
    return m.group(1) if m else strategie


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _shared(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """The values of ``a`` also in ``b`` (case and spacing ignored), sorted."""
    keys = {_fold(v) for v in b if v}
    return sorted({v for v in a if v and _fold(v) in keys}, key=_fold)


def _reden(
    nl_een: str, nl_meer: str, en_een: str, en_meer: str, values: Sequence[str], en_values: Sequence[str] = ()
) -> Reden:
    nl, en = ", ".join(values), ", ".join(en_values or values)
    if len(values) == 1:
        return f"{nl_een}: {nl}", f"{en_een}: {en}"
    return f"{nl_meer}: {nl}", f"{en_meer}: {en}"


def score(a: Kenmerken, b: Kenmerken) -> tuple[float, list[Reden]]:
    """How related ``b`` is to ``a`` (0 = not at all) and the reasons (nl, en), in a fixed order."""
    total = 0.0
    redenen: list[Reden] = []

    buurten = _shared(a.buurten, b.buurten)
    if buurten:
        total += min(GEWICHTEN["buurt"] * len(buurten), GEWICHTEN["buurt_max"])
        redenen.append(_reden("zelfde buurt", "zelfde buurten", "same buurt", "same buurten", buurten))

    gemeenten = _shared(a.gemeenten, b.gemeenten)
    if gemeenten:
        total += GEWICHTEN["gemeente"]
        redenen.append(
            _reden("zelfde gemeente", "zelfde gemeenten", "same municipality", "same municipalities", gemeenten)
        )

    varianten = [s for s in _shared(a.strategieen, b.strategieen) if familie(s) != s]
    if varianten:
        total += GEWICHTEN["strategie"] * len(varianten)
        redenen.append(_reden("zelfde strategie", "zelfde strategieën", "same strategy", "same strategies", varianten))
    gedekt = {_fold(familie(s)) for s in varianten}
    families = [
        f
        for f in _shared({familie(s) for s in a.strategieen}, {familie(s) for s in b.strategieen})
        if _fold(f) not in gedekt
    ]
    if families:
        total += GEWICHTEN["strategiefamilie"] * len(families)
        redenen.append(
            _reden(
                "zelfde strategiefamilie",
                "zelfde strategiefamilies",
                "same strategy family",
                "same strategy families",
                families,
            )
        )

    bronnen = _shared(a.bronnen, b.bronnen)
    if bronnen:
        total += GEWICHTEN["bron"] * len(bronnen)
        redenen.append(_reden("zelfde bron", "zelfde bronnen", "same source", "same sources", bronnen))

    themas = _shared(a.themas, b.themas)
    if themas:
        total += GEWICHTEN["thema"] * len(themas)
        nl = [model.label(model.THEMAS, t, "nl") for t in themas]
        en = [model.label(model.THEMAS, t, "en") for t in themas]
        redenen.append(_reden("zelfde thema", "zelfde thema's", "same theme", "same themes", nl, en))

    if a.res_code and a.res_code == b.res_code:
        total += GEWICHTEN["regio"]
        redenen.append((f"zelfde regio: {a.res_code}", f"same region: {a.res_code}"))

    return total, redenen


def rangschik(
    doel: Kenmerken, kandidaten: Sequence[tuple[int, Kenmerken]], limit: int = 5
) -> list[tuple[int, float, list[Reden]]]:
    """The ``limit`` candidates most related to ``doel`` as (id, score, reasons): score > 0 only, highest first,
    ties by id descending (newer items first)."""
    scored = []
    for ident, kenmerken in kandidaten:
        punten, redenen = score(doel, kenmerken)
        if punten > 0:
            scored.append((ident, punten, redenen))
    scored.sort(key=lambda row: (-row[1], -row[0]))
    return scored[: max(limit, 0)]
