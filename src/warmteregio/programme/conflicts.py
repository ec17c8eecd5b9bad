"""Cross-border conflicts between the warmteprogramma's of the gemeenten of a region.

* ``bron_capaciteit`` (fout): buurten of two or more gemeenten are planned on one heat source (``warmtebron_code``)
  and their summed heat demand exceeds the source's available heat. Plans that name the source but choose an
  individual family (all-electric, green gas/hybrid, hydrogen) draw no heat and are not counted. Unknown capacity:
  no conflict. The message says how many adjacent cross-border buurt pairs are among them.
* ``warmtenet_keuze`` (fout): contradictory choices for a shared heat network: (a) a heat network name used by two
  or more gemeenten where some of its buurten choose another family than warmtenet; (b) adjacent buurten of two
  gemeenten naming the same source where one plans a heat network and the other an individual family.
* ``warmtenet_planning`` (waarschuwing): a heat network shared by two or more gemeenten whose earliest start years per
  gemeente lie more than :data:`MAX_STARTVERSCHIL_JAREN` apart.

Everything is returned in a deterministic order (kind, then source/network, then gemeenten).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import shapely
from shapely.strtree import STRtree

from warmteregio.programme import alternatieven
from warmteregio.programme.model import BronCapaciteit, Conflict, RegioPlan

MAX_STARTVERSCHIL_JAREN = 5
SOORTEN: tuple[str, ...] = ("bron_capaciteit", "warmtenet_keuze", "warmtenet_planning")
INDIVIDUEEL = frozenset({"all_electric", "groengas_hybride", "waterstof"})
MAX_CODES = 5


def adjacent(geoms: Mapping[str, shapely.Geometry], tolerance_m: float = 1.0) -> dict[str, set[str]]:
    """Neighbours per code: geometries that touch, overlap or lie within ``tolerance_m`` of each other.

    Uses an STRtree with the ``dwithin`` predicate, so only real neighbours are returned (not every pair whose
    bounding boxes overlap). Empty or missing geometries have no neighbours. Every code is a key.
    """
    codes = sorted(geoms)
    out: dict[str, set[str]] = {c: set() for c in codes}
    valid = [c for c in codes if geoms[c] is not None and not geoms[c].is_empty]
    if len(valid) < 2:
        return out
    tree = STRtree([geoms[c] for c in valid])
    left, right = tree.query([geoms[c] for c in valid], predicate="dwithin", distance=tolerance_m)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            out[valid[i]].add(valid[j])
            out[valid[j]].add(valid[i])
    return out


def _familie(p: RegioPlan) -> str | None:
    return p.familie or alternatieven.family(p.alternatief)


def _lijst(codes: Sequence[str], lang: str = "nl") -> str:
    shown = ", ".join(codes[:MAX_CODES])
    rest = len(codes) - MAX_CODES
    if rest <= 0:
        return shown
    return f"{shown} {'en' if lang == 'nl' else 'and'} {rest} {'meer' if lang == 'nl' else 'more'}"


def _nl(x: float) -> str:
    """A whole number with Dutch thousands separators: 12.500."""
    return f"{x:,.0f}".replace(",", ".")


def _gemeenten(plans: Sequence[RegioPlan]) -> tuple[str, ...]:
    return tuple(sorted({p.gemeente_code for p in plans}))


def _namen(plans: Sequence[RegioPlan]) -> str:
    names = {p.gemeente_code: p.gemeente_naam for p in plans}
    return ", ".join(names[c] for c in sorted(names))


def _cross_pairs(plans: Sequence[RegioPlan], buren: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """Adjacent buurt pairs of different gemeenten among ``plans`` (each pair once, sorted)."""
    gemeente = {p.buurt_code: p.gemeente_code for p in plans}
    pairs = set()
    for a, ga in gemeente.items():
        for b in buren.get(a, ()):
            gb = gemeente.get(b)
            if gb is not None and gb != ga:
                pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def _net_key(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    return " ".join(name.split()).casefold()


def _bron_capaciteit(
    plannen: Sequence[RegioPlan], bronnen: Mapping[str, BronCapaciteit], buren: Mapping[str, set[str]]
) -> list[Conflict]:
    per_bron: dict[str, list[RegioPlan]] = defaultdict(list)
    for p in plannen:
        if p.warmtebron_code and _familie(p) not in INDIVIDUEEL:
            per_bron[p.warmtebron_code].append(p)
    out = []
    for code in sorted(per_bron):
        plans = sorted(per_bron[code], key=lambda p: (p.gemeente_code, p.buurt_code))
        gemeenten = _gemeenten(plans)
        bron = bronnen.get(code)
        if len(gemeenten) < 2 or bron is None or bron.beschikbaar_gj is None:
            continue
        vraag = sum(p.warmtevraag_gj or 0.0 for p in plans)
        if vraag <= bron.beschikbaar_gj:
            continue
        onbekend = sum(1 for p in plans if p.warmtevraag_gj is None)
        pairs = _cross_pairs(plans, buren)
        buurten = tuple(p.buurt_code for p in plans)
        per_gem = {g: sum(p.warmtevraag_gj or 0.0 for p in plans if p.gemeente_code == g) for g in gemeenten}
        verdeling_nl = "; ".join(f"{g}: {_nl(per_gem[g])} GJ" for g in gemeenten)
        verdeling_en = "; ".join(f"{g}: {per_gem[g]:,.0f} GJ" for g in gemeenten)
        extra_nl = f" Van {onbekend} buurt(en) is de warmtevraag onbekend (niet meegeteld)." if onbekend else ""
        extra_en = f" The heat demand of {onbekend} buurt(en) is unknown (not counted)." if onbekend else ""
        nl = (
            f"Bron {bron.naam} ({code}): {len(plans)} buurten van {len(gemeenten)} gemeenten ({_namen(plans)}) "
            f"vragen samen {_nl(vraag)} GJ/jaar, beschikbaar is {_nl(bron.beschikbaar_gj)} GJ/jaar "
            f"(tekort {_nl(vraag - bron.beschikbaar_gj)} GJ/jaar; {verdeling_nl}). "
            f"{len(pairs)} aangrenzende buurtpa(a)r(en) over de gemeentegrens.{extra_nl}"
        )
        en = (
            f"Source {bron.naam} ({code}): {len(plans)} buurten of {len(gemeenten)} municipalities ({_namen(plans)}) "
            f"together need {vraag:,.0f} GJ/yr, {bron.beschikbaar_gj:,.0f} GJ/yr is available "
            f"(shortfall {vraag - bron.beschikbaar_gj:,.0f} GJ/yr; {verdeling_en}). "
            f"{len(pairs)} adjacent buurt pair(s) across the municipal border.{extra_en}"
        )
        out.append(Conflict(
            soort="bron_capaciteit", ernst="fout", gemeenten=gemeenten, buurten=buurten, melding_nl=nl, melding_en=en,
            bron_code=code,
            cijfers={"vraag_gj": vraag, "beschikbaar_gj": bron.beschikbaar_gj,
                     "tekort_gj": vraag - bron.beschikbaar_gj, "buurparen": float(len(pairs)),
                     "buurten_vraag_onbekend": float(onbekend)},
        ))  # fmt: skip
    return out


def _warmtenet_keuze(plannen: Sequence[RegioPlan], buren: Mapping[str, set[str]]) -> list[Conflict]:
    out = []
    # (a) a shared network name with buurten that choose an individual family
    per_net: dict[str, list[RegioPlan]] = defaultdict(list)
    for p in plannen:
        key = _net_key(p.warmtenet)
        if key:
            per_net[key].append(p)
    for key in sorted(per_net):
        plans = sorted(per_net[key], key=lambda p: (p.gemeente_code, p.buurt_code))
        gemeenten = _gemeenten(plans)
        anders = [p for p in plans if _familie(p) in INDIVIDUEEL]
        if len(gemeenten) < 2 or not anders:
            continue
        naam = plans[0].warmtenet or key
        codes = [p.buurt_code for p in anders]
        nl = (
            f"Warmtenet '{naam}' wordt genoemd door {len(gemeenten)} gemeenten ({_namen(plans)}), maar "
            f"{len(anders)} van de {len(plans)} buurten kiezen een ander alternatief dan een warmtenet: "
            f"{_lijst(codes)}."
        )
        en = (
            f"Heat network '{naam}' is named by {len(gemeenten)} municipalities ({_namen(plans)}), but "
            f"{len(anders)} of its {len(plans)} buurten choose an alternative other than a heat network: "
            f"{_lijst(codes, 'en')}."
        )
        out.append(
            Conflict(
                soort="warmtenet_keuze",
                ernst="fout",
                gemeenten=gemeenten,
                buurten=tuple(p.buurt_code for p in plans),
                melding_nl=nl,
                melding_en=en,
                warmtenet=naam,
                cijfers={"buurten": float(len(plans)), "afwijkend": float(len(anders))},
            )
        )
    # (b) adjacent cross-border buurten on the same source with contradictory families
    per_bron: dict[str, list[RegioPlan]] = defaultdict(list)
    for p in plannen:
        if p.warmtebron_code:
            per_bron[p.warmtebron_code].append(p)
    for code in sorted(per_bron):
        plans = per_bron[code]
        by_code = {p.buurt_code: p for p in plans}
        pairs = []
        for a, b in _cross_pairs(plans, buren):
            fa, fb = _familie(by_code[a]), _familie(by_code[b])
            if (fa == "warmtenet" and fb in INDIVIDUEEL) or (fb == "warmtenet" and fa in INDIVIDUEEL):
                pairs.append((a, b))
        if not pairs:
            continue
        involved = sorted({c for pair in pairs for c in pair})
        inv_plans = [by_code[c] for c in involved]
        gemeenten = _gemeenten(inv_plans)
        paren = [f"{a}/{b}" for a, b in pairs]
        nl = (
            f"Bron {code}: {len(pairs)} aangrenzende buurtpa(a)r(en) over de gemeentegrens ({_namen(inv_plans)}) "
            f"waarvan de ene buurt een warmtenet plant en de andere een individueel alternatief: {_lijst(paren)}."
        )
        en = (
            f"Source {code}: {len(pairs)} adjacent buurt pair(s) across the municipal border ({_namen(inv_plans)}) "
            f"where one buurt plans a heat network and the other an individual alternative: {_lijst(paren, 'en')}."
        )
        out.append(
            Conflict(
                soort="warmtenet_keuze",
                ernst="fout",
                gemeenten=gemeenten,
                buurten=tuple(involved),
                melding_nl=nl,
                melding_en=en,
                bron_code=code,
                cijfers={"buurparen": float(len(pairs))},
            )
        )
    return out


def _warmtenet_planning(plannen: Sequence[RegioPlan]) -> list[Conflict]:
    per_net: dict[str, list[RegioPlan]] = defaultdict(list)
    for p in plannen:
        key = _net_key(p.warmtenet)
        if key and p.startjaar is not None and _familie(p) not in INDIVIDUEEL:
            per_net[key].append(p)
    out = []
    for key in sorted(per_net):
        plans = sorted(per_net[key], key=lambda p: (p.gemeente_code, p.buurt_code))
        gemeenten = _gemeenten(plans)
        if len(gemeenten) < 2:
            continue
        eerste = {
            g: min(p.startjaar for p in plans if p.gemeente_code == g and p.startjaar is not None) for g in gemeenten
        }
        verschil = max(eerste.values()) - min(eerste.values())
        if verschil <= MAX_STARTVERSCHIL_JAREN:
            continue
        naam = plans[0].warmtenet or key
        starts = ", ".join(f"{g} {eerste[g]}" for g in gemeenten)
        nl = (
            f"Warmtenet '{naam}': de gemeenten ({_namen(plans)}) starten {verschil} jaar uit elkaar (eerste startjaar "
            f"per gemeente: {starts}); meer dan {MAX_STARTVERSCHIL_JAREN} jaar verschil vraagt afstemming."
        )
        en = (
            f"Heat network '{naam}': the municipalities ({_namen(plans)}) start {verschil} years apart (first start "
            f"year per municipality: {starts}); more than {MAX_STARTVERSCHIL_JAREN} years apart needs alignment."
        )
        out.append(
            Conflict(
                soort="warmtenet_planning",
                ernst="waarschuwing",
                gemeenten=gemeenten,
                buurten=tuple(p.buurt_code for p in plans),
                melding_nl=nl,
                melding_en=en,
                warmtenet=naam,
                cijfers={"verschil_jaren": float(verschil), **{f"startjaar_{g}": float(eerste[g]) for g in gemeenten}},
            )
        )
    return out


def find_conflicts(
    plannen: Sequence[RegioPlan], bronnen: Mapping[str, BronCapaciteit], buren: Mapping[str, set[str]]
) -> list[Conflict]:
    """All cross-border conflicts of a region's plans (see the module docstring), in a deterministic order."""
    out = _bron_capaciteit(plannen, bronnen, buren) + _warmtenet_keuze(plannen, buren) + _warmtenet_planning(plannen)
    order = {s: i for i, s in enumerate(SOORTEN)}
    return sorted(out, key=lambda c: (order[c.soort], c.bron_code or "", c.warmtenet or "", c.gemeenten, c.buurten))
