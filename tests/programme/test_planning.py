"""Planning horizon, state per year, per-year counts, timeline and the look-back on the previous version."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from warmteregio.programme import planning
from warmteregio.programme.model import Buurtplan, Koppelkans, Programma
from warmteregio.programme.regels import load_rules


def prog(plannen: tuple[Buurtplan, ...], **kw) -> Programma:
    base = dict(
        id=1,
        gemeente_code="GM0505",
        gemeente_naam="Dordrecht",
        volgnummer=1,
        titel="WP",
        status="concept",
        plannen=plannen,
    )
    base.update(kw)
    return Programma(**base)


def test_peiljaar_is_the_adoption_year_else_this_year() -> None:
    assert planning.peiljaar(prog(()), date(2026, 5, 1)) == 2026
    p = prog((), status="vastgesteld", vastgesteld_op=date(2024, 11, 1))
    assert planning.peiljaar(p, date(2026, 5, 1)) == 2024


@pytest.mark.parametrize(("startjaar", "expected"), [
    (None, False), (2018, True), (2026, True), (2035, True), (2036, False),
])  # fmt: skip
def test_in_horizon_counts_ten_calendar_years_inclusive(startjaar: int | None, expected: bool) -> None:
    assert planning.in_horizon(Buurtplan("BU01", startjaar=startjaar), 2026) is expected
    assert planning.horizon(2026) == (2026, 2035)


def test_in_horizon_follows_the_rules() -> None:
    rules = replace(load_rules(), planhorizon_jaren=5)
    assert planning.in_horizon(Buurtplan("BU01", startjaar=2030), 2026, rules)
    assert not planning.in_horizon(Buurtplan("BU01", startjaar=2031), 2026, rules)


def test_state_through_the_years() -> None:
    plan = Buurtplan("BU01", startjaar=2026, doeljaar=2030)
    states = {j: planning.toestand(plan, j) for j in range(2025, 2032)}
    assert states == {
        2025: "nog_niet_gestart", 2026: "in_voorbereiding", 2027: "in_voorbereiding", 2028: "in_uitvoering",
        2029: "in_uitvoering", 2030: "aardgasvrij", 2031: "aardgasvrij",
    }  # fmt: skip
    short = Buurtplan("BU02", startjaar=2026, doeljaar=2027)
    assert planning.toestand(short, 2026) == "in_uitvoering"  # at least the last year is execution
    assert planning.toestand(Buurtplan("BU03"), 2030) == "geen_planning"
    assert planning.toestand(Buurtplan("BU04", startjaar=2026), 2040) == "in_voorbereiding"
    assert (
        planning.toestand(Buurtplan("BU05", startjaar=2026, fase="uitvoering", doeljaar=2034), 2026) == "in_uitvoering"
    )
    assert planning.toestand(Buurtplan("BU06", startjaar=2020, fase="gereed"), 2024) == "aardgasvrij"


def test_toestand_in_jaar_covers_every_plan() -> None:
    plannen = (Buurtplan("BU02", startjaar=2030), Buurtplan("BU01"), Buurtplan("BU03", startjaar=2020, doeljaar=2025))
    out = planning.toestand_in_jaar(plannen, 2027)
    assert list(out) == ["BU01", "BU02", "BU03"]
    assert out == {"BU01": "geen_planning", "BU02": "nog_niet_gestart", "BU03": "aardgasvrij"}
    assert set(out.values()) <= set(planning.TOESTANDEN)


def test_per_jaar_counts_starts_with_gap_years() -> None:
    plannen = (
        Buurtplan("BU01", alternatief="S2a", startjaar=2027, woningen=100),
        Buurtplan("BU02", alternatief="warmtenet", startjaar=2027, woningen=None),
        Buurtplan("BU03", alternatief="all_electric", startjaar=2030, woningen=50),
        Buurtplan("BU04", startjaar=2030, woningen=20),
        Buurtplan("BU05", alternatief="S1a"),  # no start year: left out
    )
    rows = planning.per_jaar(plannen)
    assert [r["jaar"] for r in rows] == [2027, 2028, 2029, 2030]
    assert rows[0] == {"jaar": 2027, "buurten": 2, "woningen": 100, "per_familie": {"warmtenet": 2}}
    assert rows[1] == {"jaar": 2028, "buurten": 0, "woningen": 0, "per_familie": {}}
    assert rows[3]["per_familie"] == {"all_electric": 1, "nader_te_bepalen": 1}
    assert rows[3]["woningen"] == 70
    assert planning.per_jaar([Buurtplan("BU01")]) == []


def test_tijdlijn_rows_sorted_by_start_and_code() -> None:
    p = prog((
        Buurtplan("BU03", alternatief="S1a", startjaar=2028, doeljaar=2032, aanwijzen=True, aanwijsbesluit_jaar=2028,
                  aardgasvrij_jaar=2036),
        Buurtplan("BU01", alternatief="warmtenet", startjaar=2030),
        Buurtplan("BU02", alternatief="S2a", startjaar=2028),
        Buurtplan("BU04"),
    ))  # fmt: skip
    rows = planning.tijdlijn(p)
    assert [r["buurt_code"] for r in rows] == ["BU02", "BU03", "BU01"]
    r = rows[1]
    assert (r["familie"], r["alternatief"], r["fase"], r["startjaar"], r["doeljaar"]) == (
        "all_electric",
        "S1a",
        "verkenning",
        2028,
        2032,
    )
    assert (r["aanwijzen"], r["aanwijsbesluit_jaar"], r["aardgasvrij_jaar"]) == (True, 2028, 2036)
    assert r["kleur"].startswith("#")
    assert {"buurt_naam", "alternatief_naam_nl", "alternatief_naam_en"} <= set(r)


def test_jaren_bereik() -> None:
    p = prog((
        Buurtplan("BU01", startjaar=2027, doeljaar=2033, koppelkansen=(Koppelkans("riolering", "Riool", 2026),)),
        Buurtplan("BU02", aanwijsbesluit_jaar=2029, aardgasvrij_jaar=2040),
    ))  # fmt: skip
    assert planning.jaren_bereik(p) == (2026, 2040)
    adopted = prog((), status="vastgesteld", vastgesteld_op=date(2026, 6, 1))
    assert planning.jaren_bereik(adopted) == (2026, 2035)


# --- terugblik --------------------------------------------------------------------------------------------------

VORIG = prog((
    Buurtplan("BU01", buurt_naam="Oud", alternatief="warmtenet", startjaar=2022, doeljaar=2026),
    Buurtplan("BU02", alternatief="S2a", startjaar=2023, doeljaar=2030),
    Buurtplan("BU03", alternatief="all_electric", startjaar=2025, doeljaar=2030),
    Buurtplan("BU04", alternatief="S1a", startjaar=2024, doeljaar=2029),
    Buurtplan("BU05", alternatief="warmtenet", startjaar=2024, doeljaar=2032),
    Buurtplan("BU06", alternatief="warmtenet", startjaar=2026, doeljaar=2031),
    Buurtplan("BU07"),
    Buurtplan("BU08"),
    Buurtplan("BU09", alternatief="S1a", startjaar=2021, doeljaar=2024),
    Buurtplan("BU10", alternatief="S4a", startjaar=2025, doeljaar=2035),
), id=7, status="vastgesteld", vastgesteld_op=date(2021, 6, 1))  # fmt: skip
HUIDIG = prog((
    Buurtplan("BU01", buurt_naam="Nieuw", alternatief="S2d", fase="gereed", startjaar=2022, doeljaar=2026),
    Buurtplan("BU02", alternatief="S2b", fase="uitvoering", startjaar=2023, doeljaar=2030),  # same family
    Buurtplan("BU03", alternatief="all_electric", startjaar=2028, doeljaar=2031),
    Buurtplan("BU04", alternatief="S1a", startjaar=2022, doeljaar=2027),
    Buurtplan("BU05", alternatief="nader_te_bepalen"),
    Buurtplan("BU06", alternatief="S1b", startjaar=2026, doeljaar=2031),
    Buurtplan("BU07", alternatief="S1a", startjaar=2027, doeljaar=2030),
    Buurtplan("BU08"),
    Buurtplan("BU09", alternatief="S1a", fase="uitvoering", startjaar=2021, doeljaar=2024),
    # BU10 is gone from the current division
), id=8, vorige_id=7)  # fmt: skip


def test_terugblik_judges_every_planned_buurt() -> None:
    tb = planning.terugblik(VORIG, HUIDIG, date(2026, 6, 1))
    assert tb.vorige_id == 7 and tb.vorige_vastgesteld_op == date(2021, 6, 1)
    oordeel = {r.buurt_code: r.oordeel for r in tb.rijen}
    assert oordeel == {
        "BU01": "gereed",
        "BU02": "op_schema",
        "BU03": "vertraagd",
        "BU04": "versneld",
        "BU05": "vervallen",
        "BU06": "alternatief_gewijzigd",
        "BU07": "nieuw",
        "BU09": "vertraagd",  # target year 2024 passed, not done
        "BU10": "vervallen",
    }  # BU08 was never planned: left out
    assert tb.samenvatting == {
        "op_schema": 1,
        "vertraagd": 2,
        "versneld": 1,
        "gereed": 1,
        "alternatief_gewijzigd": 1,
        "vervallen": 2,
        "nieuw": 1,
    }
    assert list(tb.samenvatting) == list(planning.OORDELEN)
    rows = {r.buurt_code: r for r in tb.rijen}
    assert [r.buurt_code for r in tb.rijen] == sorted(rows)
    bu03 = rows["BU03"]
    assert (bu03.gepland_startjaar, bu03.huidig_startjaar, bu03.gepland_doeljaar, bu03.huidig_doeljaar) == (
        2025,
        2028,
        2030,
        2031,
    )
    assert "3 jaar later" in bu03.toelichting_nl and "3 years later" in bu03.toelichting_en
    assert "2 jaar eerder" in rows["BU04"].toelichting_nl
    assert "2024" in rows["BU09"].toelichting_nl
    assert rows["BU01"].buurt_naam == "Nieuw"
    assert rows["BU10"].huidig_startjaar is None and rows["BU10"].huidige_fase is None
    assert rows["BU06"].gepland_alternatief == "warmtenet" and rows["BU06"].huidig_alternatief == "S1b"
    assert "Warmtenet" in rows["BU06"].toelichting_nl and "Heat network" in rows["BU06"].toelichting_en


def test_terugblik_of_identical_versions_is_on_schedule() -> None:
    tb = planning.terugblik(VORIG, replace(VORIG, id=8), date(2022, 1, 1))
    assert {r.oordeel for r in tb.rijen} == {"op_schema"}
    assert tb.samenvatting["op_schema"] == 8
