"""Cross-border conflicts: neighbours from geometry and the three kinds of conflict."""

from __future__ import annotations

import random

from shapely.geometry import Polygon, box

from warmteregio.programme import alternatieven, conflicts
from warmteregio.programme.model import BronCapaciteit, RegioPlan


def test_adjacent_finds_only_real_neighbours() -> None:
    geoms = {
        "A": box(0, 0, 10, 10),
        "B": box(10, 0, 20, 10),  # shares an edge with A
        "C": box(20.5, 0, 30, 10),  # 0.5 m from B
        "D": box(100, 100, 110, 110),  # far away
        "T": Polygon([(200, 0), (300, 0), (200, 100)]),  # triangle whose bounding box contains E
        "E": box(290, 90, 295, 95),
        "X": Polygon(),  # empty
    }
    out = conflicts.adjacent(geoms)
    assert out == {"A": {"B"}, "B": {"A", "C"}, "C": {"B"}, "D": set(), "T": set(), "E": set(), "X": set()}
    strict = conflicts.adjacent(geoms, tolerance_m=0.1)
    assert strict["B"] == {"A"} and strict["C"] == set()
    assert conflicts.adjacent({"A": box(0, 0, 1, 1)}) == {"A": set()}


def plan(
    gm: str,
    buurt: str,
    *,
    alt: str | None = "warmtenet",
    bron: str | None = None,
    net: str | None = None,
    vraag: float | None = 100.0,
    start: int | None = 2030,
) -> RegioPlan:
    return RegioPlan(
        gemeente_code=gm,
        gemeente_naam={"GM1": "Eerstedam", "GM2": "Tweedorp", "GM3": "Derdeveen"}[gm],
        programma_id=int(gm[-1]),
        programma_status="concept",
        buurt_code=buurt,
        buurt_naam=None,
        alternatief=alt,
        familie=alternatieven.family(alt),
        warmtebron_code=bron,
        warmtenet=net,
        warmtevraag_gj=vraag,
        startjaar=start,
        doeljaar=None,
    )


BRONNEN = {
    "B1": BronCapaciteit("B1", "Restwarmte Haven", 250.0),
    "B2": BronCapaciteit("B2", "Geothermie Noord", None),
}
BUREN = {"A1": {"B1"}, "B1": {"A1", "B2"}, "B2": {"B1"}, "A2": set()}


def test_source_capacity_exceeded_across_the_border() -> None:
    plannen = [plan("GM1", "A1", bron="B1"), plan("GM1", "A2", bron="B1"), plan("GM2", "B1", bron="B1", alt="S2a")]
    (c,) = conflicts.find_conflicts(plannen, BRONNEN, BUREN)
    assert (c.soort, c.ernst, c.bron_code) == ("bron_capaciteit", "fout", "B1")
    assert c.gemeenten == ("GM1", "GM2")
    assert c.buurten == ("A1", "A2", "B1")
    assert c.cijfers["vraag_gj"] == 300.0 and c.cijfers["beschikbaar_gj"] == 250.0
    assert c.cijfers["tekort_gj"] == 50.0 and c.cijfers["buurparen"] == 1.0
    assert "Restwarmte Haven" in c.melding_nl and "Eerstedam, Tweedorp" in c.melding_nl
    assert "1 aangrenzende" in c.melding_nl and "1 adjacent" in c.melding_en


def test_no_capacity_conflict_when_it_fits_is_unknown_or_within_one_gemeente() -> None:
    fits = [plan("GM1", "A1", bron="B1", vraag=100.0), plan("GM2", "B1", bron="B1", vraag=150.0)]
    assert conflicts.find_conflicts(fits, BRONNEN, BUREN) == []
    unknown = [plan("GM1", "A1", bron="B2", vraag=1e9), plan("GM2", "B1", bron="B2", vraag=1e9)]
    assert conflicts.find_conflicts(unknown, BRONNEN, BUREN) == []
    unregistered = [plan("GM1", "A1", bron="ZZ", vraag=1e9), plan("GM2", "B1", bron="ZZ", vraag=1e9)]
    assert conflicts.find_conflicts(unregistered, BRONNEN, BUREN) == []
    one = [plan("GM1", "A1", bron="B1", vraag=200.0), plan("GM1", "A2", bron="B1", vraag=200.0)]
    assert conflicts.find_conflicts(one, BRONNEN, BUREN) == []


def test_individual_choices_draw_no_heat_from_the_source() -> None:
    plannen = [plan("GM1", "A1", bron="B1", vraag=200.0), plan("GM2", "B2", bron="B1", vraag=200.0, alt="S1a")]
    assert [c.soort for c in conflicts.find_conflicts(plannen, BRONNEN, BUREN)] == []
    plannen[1] = plan("GM2", "B2", bron="B1", vraag=200.0, alt="nader_te_bepalen")
    assert [c.soort for c in conflicts.find_conflicts(plannen, BRONNEN, BUREN)] == ["bron_capaciteit"]


def test_shared_heat_network_with_contradictory_choices() -> None:
    plannen = [
        plan("GM1", "A1", net="Warmtenet Drechtsteden", start=None),
        plan("GM2", "B2", net="warmtenet  drechtsteden", alt="all_electric", start=None),
    ]
    (c,) = conflicts.find_conflicts(plannen, BRONNEN, {})
    assert (c.soort, c.ernst, c.warmtenet) == ("warmtenet_keuze", "fout", "Warmtenet Drechtsteden")
    assert c.gemeenten == ("GM1", "GM2") and c.buurten == ("A1", "B2")
    assert "1 van de 2" in c.melding_nl and "B2" in c.melding_nl
    # the same network used consistently, or by one gemeente only: no conflict
    assert (
        conflicts.find_conflicts([plannen[0], plan("GM2", "B2", net="Warmtenet Drechtsteden", start=None)], BRONNEN, {})
        == []
    )
    assert (
        conflicts.find_conflicts(
            [plannen[0], plan("GM1", "A2", net="Warmtenet Drechtsteden", alt="S1a", start=None)], BRONNEN, {}
        )
        == []
    )


def test_adjacent_buurten_on_one_source_with_contradictory_families() -> None:
    plannen = [plan("GM1", "A1", bron="B2"), plan("GM2", "B1", bron="B2", alt="S4a"), plan("GM2", "B2", bron="B2")]
    (c,) = conflicts.find_conflicts(plannen, BRONNEN, BUREN)
    assert (c.soort, c.bron_code) == ("warmtenet_keuze", "B2")
    assert c.buurten == ("A1", "B1") and c.gemeenten == ("GM1", "GM2")  # B1/B2 are in the same gemeente
    assert "A1/B1" in c.melding_nl
    # not adjacent: no conflict
    assert conflicts.find_conflicts(plannen, BRONNEN, {}) == []


def test_heat_network_start_years_far_apart_warn() -> None:
    plannen = [
        plan("GM1", "A1", net="Net Zuid", start=2026),
        plan("GM1", "A2", net="Net Zuid", start=2040),
        plan("GM2", "B1", net="Net Zuid", start=2032),
    ]
    (c,) = conflicts.find_conflicts(plannen, BRONNEN, {})
    assert (c.soort, c.ernst) == ("warmtenet_planning", "waarschuwing")
    assert c.cijfers["verschil_jaren"] == 6.0
    assert "GM1 2026, GM2 2032" in c.melding_nl
    plannen[2] = plan("GM2", "B1", net="Net Zuid", start=2031)  # exactly 5 years: fine
    assert conflicts.find_conflicts(plannen, BRONNEN, {}) == []


def test_conflicts_are_in_a_deterministic_order() -> None:
    plannen = [
        plan("GM1", "A1", bron="B1", net="Net Zuid", start=2026),
        plan("GM2", "B1", bron="B1", net="Net Zuid", start=2035),
        plan("GM3", "C1", bron="B1", net="Net Noord", start=2030, alt="S1a"),
        plan("GM1", "A2", net="Net Noord", start=2030),
        plan("GM2", "B2", net="Net Noord", start=2030),
    ]
    expected = conflicts.find_conflicts(plannen, BRONNEN, BUREN)
    assert [c.soort for c in expected] == ["warmtenet_keuze", "warmtenet_planning"]
    assert conflicts.find_conflicts(list(reversed(plannen)), BRONNEN, BUREN) == expected
    shuffled = plannen[:]
    random.Random(3).shuffle(shuffled)
    assert conflicts.find_conflicts(shuffled, BRONNEN, BUREN) == expected
    # one more heat demand puts B1 over its capacity: that conflict comes first
    more = [*plannen, plan("GM2", "B3", bron="B1", vraag=200.0)]
    assert [c.soort for c in conflicts.find_conflicts(more, BRONNEN, BUREN)] == [
        "bron_capaciteit",
        "warmtenet_keuze",
        "warmtenet_planning",
    ]
