"""The legal checks: each passing, failing and (where it can) not applicable, on hand-made programmes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from warmteregio.programme import checks
from warmteregio.programme.model import (
    Buurtplan,
    Participatie,
    Programma,
    Regels,
    Stap,
    ToetsDef,
    Toetsresultaat,
)
from warmteregio.programme.regels import load_rules

VANDAAG = date(2025, 6, 1)  # peiljaar 2025, horizon 2025-2034, first adoption due 2026-12-31 (> 12 months)
RULES = load_rules()


def aangewezen(code: str = "BU01", **kw) -> Buurtplan:
    base = dict(
        buurt_code=code, buurt_naam=f"Buurt {code}", alternatief="warmtenet", analyse_voorkeur="S2a",
        fase="planvorming", startjaar=2027, doeljaar=2036, aanwijzen=True, aanwijsbesluit_jaar=2028,
        aardgasvrij_jaar=2036, betaalbaarheid="Maandlasten gelijk aan referentie door subsidie.",
        haalbaarheid="Restwarmte beschikbaar; netbeheerder akkoord.", maandlasten_eigenaar=12.0,
        maandlasten_sociale_huur=0.0, maandlasten_particuliere_huur=5.0, woningen=400,
    )  # fmt: skip
    base.update(kw)
    return Buurtplan(**base)


def programma(**kw) -> Programma:
    """A complete first programme that passes every check on VANDAAG."""
    plannen = (
        aangewezen("BU01"),
        Buurtplan("BU02", alternatief="all_electric", analyse_voorkeur="S1a", startjaar=2030, doeljaar=2034),
        Buurtplan("BU03", alternatief="groengas_hybride", analyse_voorkeur="S2a", afwijking_reden="Geen bron.",
                  startjaar=2040, doeljaar=2045),
    )  # fmt: skip
    base = dict(
        id=1, gemeente_code="GM0505", gemeente_naam="Dordrecht", volgnummer=1, titel="Warmteprogramma",
        status="concept", plannen=plannen, gemeente_buurten=("BU01", "BU02", "BU03"),
        teksten={h.code: f"Tekst {h.code}" for h in RULES.hoofdstukken if h.verplicht},
        stappen=tuple(Stap(s.code, "gereed") for s in RULES.stappen),
        participatie=(Participatie(1, date(2025, 3, 1), "bijeenkomst", "Startavond", inbreng="Zorgen over kosten",
                                   reactie="Kosten per buurt opgenomen"),),
    )  # fmt: skip
    base.update(kw)
    return Programma(**base)


def result(p: Programma, code: str, vandaag: date = VANDAAG) -> Toetsresultaat:
    (r,) = [r for r in checks.run_checks(p, vandaag) if r.code == code]
    return r


def met_plan(p: Programma, code: str, **kw) -> Programma:
    return replace(p, plannen=tuple(replace(q, **kw) if q.buurt_code == code else q for q in p.plannen))


def test_a_complete_programme_passes_every_check() -> None:
    results = checks.run_checks(programma(), VANDAAG)
    assert [r.code for r in results] == [t.code for t in RULES.toetsen]
    assert {r.code: r.status for r in results} == {t.code: "ok" for t in RULES.toetsen}
    assert checks.blocking_failures(results) == []
    for r in results:
        t = RULES.toets(r.code)
        assert (r.grondslag, r.bron, r.blokkeert_vaststelling, r.titel_nl) == (
            t.grondslag,
            t.bron,
            t.blokkeert_vaststelling,
            t.titel_nl,
        )
        assert r.melding_nl and r.melding_en and r.melding_nl != r.melding_en
    assert checks.samenvatting(results) == {"ok": len(results), "fout": 0, "waarschuwing": 0, "nvt": 0}


def test_an_empty_programme_is_blocked_with_clear_messages() -> None:
    p = Programma(
        id=9,
        gemeente_code="GM0505",
        gemeente_naam="Dordrecht",
        volgnummer=1,
        titel="Leeg",
        status="concept",
        gemeente_buurten=("BU01", "BU02"),
    )
    results = {r.code: r for r in checks.run_checks(p, VANDAAG)}
    assert results["perspectief_2050"].status == "fout"
    assert results["perspectief_2050"].buurten == ("BU01", "BU02")
    assert results["participatie"].status == "fout"
    assert results["hoofdstukken"].status == "fout"
    assert results["stappen"].status == "waarschuwing"
    assert results["aanwijzing_in_programma"].status == "nvt"
    assert results["afwijking_gemotiveerd"].status == "nvt"
    blocked = {r.code for r in checks.blocking_failures(results.values())}
    assert blocked == {"perspectief_2050", "participatie", "hoofdstukken"}


# --- aanwijzing_in_programma -----------------------------------------------------------------------------------


def test_designation_not_applicable_without_designated_buurten() -> None:
    p = met_plan(programma(), "BU01", aanwijzen=False)
    for code in ("aanwijzing_in_programma", "aanwijstermijn", "haalbaar_betaalbaar"):
        r = result(p, code)
        assert r.status == "nvt", code
        assert "aanwijzen" in r.melding_nl and "designat" in r.melding_en


@pytest.mark.parametrize("changes", [
    {"alternatief": "nader_te_bepalen"},
    {"alternatief": None},
    {"startjaar": None},
    {"startjaar": 2035},  # horizon 2025-2034
])  # fmt: skip
def test_designated_buurt_must_have_alternative_and_start_in_horizon(changes: dict) -> None:
    r = result(met_plan(programma(), "BU01", **changes), "aanwijzing_in_programma")
    assert r.status == "fout"
    assert r.buurten == ("BU01",)
    assert "BU01" in r.melding_nl and "BU01" in r.melding_en
    assert r.blokkeert_vaststelling


def test_horizon_counts_from_the_adoption_year() -> None:
    p = met_plan(programma(), "BU01", startjaar=2035)
    assert result(p, "aanwijzing_in_programma").status == "fout"
    adopted = replace(p, status="vastgesteld", vastgesteld_op=date(2026, 6, 1))  # horizon 2026-2035
    assert result(adopted, "aanwijzing_in_programma", date(2026, 7, 1)).status == "ok"
    assert result(met_plan(programma(), "BU01", startjaar=2034), "aanwijzing_in_programma").status == "ok"


# --- aanwijstermijn ---------------------------------------------------------------------------------------------


def test_designation_term_of_eight_years_passes() -> None:
    assert (
        result(met_plan(programma(), "BU01", aanwijsbesluit_jaar=2028, aardgasvrij_jaar=2036), "aanwijstermijn").status
        == "ok"
    )


def test_designation_term_too_short_fails_unless_a_reason_is_recorded() -> None:
    p = met_plan(programma(), "BU01", aanwijsbesluit_jaar=2029, aardgasvrij_jaar=2036)
    r = result(p, "aanwijstermijn")
    assert r.status == "fout" and r.buurten == ("BU01",)
    assert "8 jaar" in r.melding_nl and "8 years" in r.melding_en
    ok = result(met_plan(p, "BU01", termijn_reden="Corporatie renoveert in 2031; bewoners akkoord."), "aanwijstermijn")
    assert ok.status == "ok"
    assert "gemotiveerde" in ok.melding_nl
    assert result(met_plan(p, "BU01", termijn_reden="   "), "aanwijstermijn").status == "fout"


@pytest.mark.parametrize("missing", ["aanwijsbesluit_jaar", "aardgasvrij_jaar"])
def test_designation_term_with_missing_years_fails(missing: str) -> None:
    r = result(met_plan(programma(), "BU01", **{missing: None}, termijn_reden="iets"), "aanwijstermijn")
    assert r.status == "fout"
    assert "zonder jaar" in r.melding_nl


def test_designation_term_uses_the_rules_file() -> None:
    rules = replace(RULES, aanwijstermijn_min_jaren=10)
    (r,) = [r for r in checks.run_checks(programma(), VANDAAG, rules) if r.code == "aanwijstermijn"]
    assert r.status == "fout" and "10 jaar" in r.melding_nl


# --- haalbaar_betaalbaar ----------------------------------------------------------------------------------------


def test_affordability_needs_costs_from_the_assessment() -> None:
    p = met_plan(
        programma(),
        "BU01",
        maandlasten_eigenaar=None,
        maandlasten_sociale_huur=None,
        maandlasten_particuliere_huur=None,
    )
    r = result(p, "haalbaar_betaalbaar")
    assert r.status == "fout" and r.buurten == ("BU01",)
    assert "Maandlasten" in r.melding_nl and "Monthly costs" in r.melding_en
    # one tenure's monthly costs known is enough
    assert result(met_plan(p, "BU01", maandlasten_sociale_huur=-3.0), "haalbaar_betaalbaar").status == "ok"


@pytest.mark.parametrize("veld", ["betaalbaarheid", "haalbaarheid"])
def test_affordability_and_feasibility_texts_are_required(veld: str) -> None:
    for leeg in (None, "", "  "):
        r = result(met_plan(programma(), "BU01", **{veld: leeg}), "haalbaar_betaalbaar")
        assert r.status == "fout"
        assert veld in r.melding_nl


def test_affordability_lists_first_buurten_and_a_count() -> None:
    plannen = tuple(aangewezen(f"BU{i:02d}", haalbaarheid=None) for i in range(1, 9))
    p = replace(programma(), plannen=plannen, gemeente_buurten=tuple(q.buurt_code for q in plannen))
    r = result(p, "haalbaar_betaalbaar")
    assert r.status == "fout"
    assert len(r.buurten) == 8
    assert "8 buurten" in r.melding_nl
    assert "BU01, BU02, BU03, BU04, BU05 en 3 meer" in r.melding_nl
    assert "and 3 more" in r.melding_en


# --- participatie -----------------------------------------------------------------------------------------------


def test_participation_missing_fails() -> None:
    r = result(replace(programma(), participatie=()), "participatie")
    assert r.status == "fout" and r.blokkeert_vaststelling
    assert "Geen participatie" in r.melding_nl


def test_participation_without_response_warns() -> None:
    p = replace(programma(), participatie=(
        Participatie(1, date(2025, 3, 1), "bijeenkomst", "Startavond", inbreng="x", reactie="y"),
        Participatie(2, date(2025, 4, 1), "enquete", "Enquête", inbreng="z", reactie=None),
    ))  # fmt: skip
    r = result(p, "participatie")
    assert r.status == "waarschuwing"
    assert "Enquête" in r.melding_nl and "1" in r.melding_nl
    assert not checks.blocking_failures([r])


def test_participation_must_cover_each_designated_buurt() -> None:
    alleen_bu09 = (Participatie(1, date(2025, 3, 1), "gesprek", "Gesprek", buurt_codes=("BU09",), reactie="ok"),)
    r = result(replace(programma(), participatie=alleen_bu09), "participatie")
    assert r.status == "fout" and r.buurten == ("BU01",)
    genoemd = (Participatie(1, date(2025, 3, 1), "gesprek", "Gesprek", buurt_codes=("BU09", "BU01"), reactie="ok"),)
    assert result(replace(programma(), participatie=genoemd), "participatie").status == "ok"
    # without designated buurten any recorded participation suffices
    assert (
        result(met_plan(replace(programma(), participatie=alleen_bu09), "BU01", aanwijzen=False), "participatie").status
        == "ok"
    )


# --- perspectief_2050 -------------------------------------------------------------------------------------------


def test_every_buurt_needs_a_plan() -> None:
    p = replace(programma(), gemeente_buurten=("BU01", "BU02", "BU03", "BU04"))
    r = result(p, "perspectief_2050")
    assert r.status == "fout" and r.buurten == ("BU04",)
    assert "1 buurt van de 4" in r.melding_nl


def test_a_plan_without_alternative_fails_and_to_be_decided_warns() -> None:
    r = result(met_plan(programma(), "BU03", alternatief=None), "perspectief_2050")
    assert r.status == "fout" and r.buurten == ("BU03",)
    w = result(met_plan(programma(), "BU03", alternatief="nader_te_bepalen"), "perspectief_2050")
    assert w.status == "waarschuwing" and w.buurten == ("BU03",)
    assert "nader te bepalen" in w.melding_nl and "to be decided" in w.melding_en
    assert not checks.blocking_failures([w])


def test_perspective_without_any_buurt_fails() -> None:
    r = result(replace(programma(), plannen=(), gemeente_buurten=()), "perspectief_2050")
    assert r.status == "fout"


# --- actualisatie -----------------------------------------------------------------------------------------------


def adopted(**kw) -> Programma:
    base = dict(
        status="vastgesteld",
        vastgesteld_op=date(2021, 3, 1),
        actualisatie_uiterlijk=date(2026, 3, 1),
        besluit_referentie="Raadsbesluit 2021-12",
    )
    base.update(kw)
    return replace(programma(), **base)


@pytest.mark.parametrize(("vandaag", "status"), [
    (date(2024, 1, 1), "ok"),
    (date(2025, 3, 1), "waarschuwing"),  # 12 months before
    (date(2026, 3, 1), "waarschuwing"),  # the day itself
    (date(2026, 3, 2), "fout"),
])  # fmt: skip
def test_update_due_for_an_adopted_programme(vandaag: date, status: str) -> None:
    r = result(adopted(), "actualisatie", vandaag)
    assert r.status == status
    assert "2026-03-01" in r.melding_nl
    assert not checks.blocking_failures([r])  # being late never blocks adoption


def test_update_date_derived_when_not_stored() -> None:
    r = result(adopted(actualisatie_uiterlijk=None), "actualisatie", date(2026, 4, 1))
    assert r.status == "fout" and "2026-03-01" in r.melding_nl


def test_superseded_programme_needs_no_update() -> None:
    assert result(adopted(status="vervallen"), "actualisatie", date(2030, 1, 1)).status == "nvt"


@pytest.mark.parametrize(("vandaag", "status"), [
    (date(2025, 6, 1), "ok"), (date(2026, 1, 15), "waarschuwing"), (date(2027, 1, 1), "fout"),
])  # fmt: skip
def test_first_programme_against_the_2026_deadline(vandaag: date, status: str) -> None:
    r = result(programma(), "actualisatie", vandaag)
    assert r.status == status
    assert "2026-12-31" in r.melding_nl


def test_a_new_version_is_due_five_years_after_the_previous_adoption() -> None:
    p = replace(programma(), volgnummer=2, vorige_id=7, vorige_vastgesteld_op=date(2027, 5, 1))
    assert result(p, "actualisatie", date(2030, 1, 1)).status == "ok"
    assert result(p, "actualisatie", date(2031, 6, 1)).status == "waarschuwing"
    r = result(p, "actualisatie", date(2032, 5, 2))
    assert r.status == "fout" and "2032-05-01" in r.melding_nl


# --- afwijking_gemotiveerd --------------------------------------------------------------------------------------


def test_deviation_from_another_family_needs_a_reason() -> None:
    r = result(met_plan(programma(), "BU03", afwijking_reden=None), "afwijking_gemotiveerd")
    assert r.status == "fout" and r.buurten == ("BU03",)
    # same family (S2a preferred, S2d chosen) is no deviation
    same = met_plan(programma(), "BU01", alternatief="S2d")
    assert result(same, "afwijking_gemotiveerd").status == "ok"
    # "to be decided" is no deviation either
    assert (
        result(
            met_plan(programma(), "BU03", alternatief="nader_te_bepalen", afwijking_reden=None), "afwijking_gemotiveerd"
        ).status
        == "ok"
    )


def test_deviation_not_applicable_without_analysis() -> None:
    p = replace(programma(), plannen=tuple(replace(q, analyse_voorkeur=None) for q in programma().plannen))
    assert result(p, "afwijking_gemotiveerd").status == "nvt"


# --- hoofdstukken -----------------------------------------------------------------------------------------------


def test_required_chapters_need_text() -> None:
    teksten = dict(programma().teksten)
    teksten["ondersteuning"] = "  "
    del teksten["partners"]
    r = result(replace(programma(), teksten=teksten), "hoofdstukken")
    assert r.status == "fout"
    assert "2 van de" in r.melding_nl
    assert "Ondersteuning" in r.melding_nl and "Partners" in r.melding_nl


def test_look_back_chapter_only_required_for_an_update() -> None:
    teksten = {k: v for k, v in programma().teksten.items() if k != "terugblik"}
    assert result(replace(programma(), teksten=teksten), "hoofdstukken").status == "ok"
    update = replace(programma(), teksten=teksten, vorige_id=3, vorige_vastgesteld_op=date(2024, 1, 1))
    r = result(update, "hoofdstukken")
    assert r.status == "fout" and "Terugblik" in r.melding_nl


# --- planning_consistent ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"startjaar": 2037, "doeljaar": 2036}, "startjaar 2037 na doeljaar 2036"),
    ({"doeljaar": 2052}, "doeljaar 2052 na 2050"),
    ({"aardgasvrij_jaar": 2051, "aanwijsbesluit_jaar": 2040}, "jaar aardgasvrij 2051"),
    ({"aanwijsbesluit_jaar": 2037, "aardgasvrij_jaar": 2036}, "aanwijzingsbesluit 2037 na jaar aardgasvrij 2036"),
    ({"fase": "gereed"}, "fase gereed"),
    ({"fase": "klaar"}, "onbekende fase"),
    ({"alternatief": "S9z"}, "onbekend alternatief"),
    ({"fase": "uitvoering", "startjaar": None}, "zonder startjaar"),
])  # fmt: skip
def test_inconsistent_planning_fails(changes: dict, fragment: str) -> None:
    r = result(met_plan(programma(), "BU02", **changes), "planning_consistent")
    assert r.status == "fout", r.melding_nl
    assert fragment in r.melding_nl
    assert r.buurten == ("BU02",)


def test_done_in_the_past_is_consistent_and_future_execution_warns() -> None:
    done = met_plan(programma(), "BU02", fase="gereed", startjaar=2020, doeljaar=2024)
    assert result(done, "planning_consistent").status == "ok"
    r = result(met_plan(programma(), "BU02", fase="uitvoering", startjaar=2030), "planning_consistent")
    assert r.status == "waarschuwing"
    assert not checks.blocking_failures([r])


# --- stappen ----------------------------------------------------------------------------------------------------


def test_required_steps_open_warn() -> None:
    stappen = tuple(Stap(s.code, "open" if s.code == "analyse" else "gereed") for s in RULES.stappen)
    r = result(replace(programma(), stappen=stappen), "stappen")
    assert r.status == "waarschuwing"
    assert "Analyse" in r.melding_nl and "1 van de" in r.melding_nl


def test_step_not_applicable_needs_an_explanation() -> None:
    def with_start(stap: Stap) -> Programma:
        return replace(programma(), stappen=tuple(stap if s.code == "start" else s for s in programma().stappen))

    assert result(with_start(Stap("start", "nvt")), "stappen").status == "waarschuwing"
    assert result(with_start(Stap("start", "nvt", toelichting="Doorlopend uit de TVW.")), "stappen").status == "ok"
    # optional steps may stay open
    optional = {s.code for s in RULES.stappen if not s.verplicht}
    assert optional
    stappen = tuple(Stap(s.code, "open" if s.code in optional else "gereed") for s in RULES.stappen)
    assert result(replace(programma(), stappen=stappen), "stappen").status == "ok"


# --- the machinery ----------------------------------------------------------------------------------------------


def test_a_check_without_logic_is_an_error() -> None:
    extra = ToetsDef("nieuwe_eis", "Nieuw", "New", "wet", "bron", "fout", True)
    rules: Regels = replace(RULES, toetsen=(*RULES.toetsen, extra))
    with pytest.raises(KeyError, match="nieuwe_eis"):
        checks.run_checks(programma(), VANDAAG, rules)


def test_severity_and_blocking_come_from_the_rules_file() -> None:
    defs = tuple(
        replace(t, ernst="waarschuwing", blokkeert_vaststelling=False) if t.code == "participatie" else t
        for t in RULES.toetsen
    )
    rules = replace(RULES, toetsen=defs)
    (r,) = [
        r for r in checks.run_checks(replace(programma(), participatie=()), VANDAAG, rules) if r.code == "participatie"
    ]
    assert r.status == "waarschuwing" and not r.blokkeert_vaststelling
    assert checks.blocking_failures([r]) == []


def test_lijst() -> None:
    assert checks.lijst(["A"]) == "A"
    assert checks.lijst(list("ABCDE")) == "A, B, C, D, E"
    assert checks.lijst(list("ABCDEFG")) == "A, B, C, D, E en 2 meer"
    assert checks.lijst(list("ABCDEFG"), "en", maximum=2) == "A, B and 5 more"
