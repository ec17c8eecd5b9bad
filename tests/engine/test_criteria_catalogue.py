"""The criteria catalogue and the expert scores as data: shipped files complete and honest, bad files rejected
with a bilingual message naming line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from warmteregio.catalogue import load_catalogue
from warmteregio.catalogue.criteria import (
    CRITERIA_COLUMNS,
    CRITERIA_FILE,
    CriteriaFileError,
    load_criteria,
    load_oordeel_bronnen,
    load_oordelen,
)
from warmteregio.engine.criteria import GROEPEN, oordeel_for, scale_midpoint
from warmteregio.engine.strategies import Variant

REQUIRED = {
    "technisch": {
        "temperatuur_aansluiting", "bron_capaciteit", "bron_betrouwbaarheid", "warmtedichtheid",
        "extra_piekvermogen", "piekbelasting_congestie", "ruimtebeslag", "realisatiecomplexiteit",
    },
    "economisch": {
        "nationale_meerkosten", "maandlasten_eigenaar", "maandlasten_sociale_huur", "maandlasten_particuliere_huur",
        "investering", "kostenonzekerheid",
    },
    "sociaal": {
        "betaalbaarheid", "aandeel_sociale_huur", "eigendom", "overlast", "straatwerk", "co2_reductie",
        "duurzaamheidszorg",
    },
}  # fmt: skip
HIGHER_BETTER = {"temperatuur_aansluiting", "bron_capaciteit", "bron_betrouwbaarheid", "warmtedichtheid",
                 "aandeel_sociale_huur", "eigendom", "co2_reductie"}  # fmt: skip


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def test_required_criteria_in_their_groups(criteria):
    by_group = {g: {c.code for c in criteria if c.groep == g} for g in GROEPEN}
    for group, codes in REQUIRED.items():
        assert codes <= by_group[group], (group, codes - by_group[group])


def test_directions_are_honest(criteria):
    for c in criteria:
        assert c.richting == (1 if c.code in HIGHER_BETTER else -1), c.code
        if c.richting == -1:
            assert "Lager is beter" in c.uitleg_nl and "Lower is better" in c.uitleg_en, c.code


def test_every_criterion_has_sources_and_both_explanations(criteria):
    for c in criteria:
        assert len(c.bron) > 20 and len(c.uitleg_nl) > 40 and len(c.uitleg_en) > 40, c.code
        assert c.naam_nl and c.naam_en and c.eenheid
        if c.berekening == "oordeel":
            assert "expertoordeel" in c.bron, c.code  # an expert judgement says so


def test_default_weights_equal_per_group(criteria):
    totals = {g: sum(c.standaard_gewicht for c in criteria if c.groep == g) for g in GROEPEN}
    for g in GROEPEN:
        assert totals[g] == pytest.approx(100 / 3, abs=0.01)
    assert all(c.standaard_gewicht > 0 for c in criteria)
    assert all(0 < c.onzekerheid < 1 for c in criteria)


def test_oordelen_cover_every_catalogue_variant(criteria):
    oordelen = load_oordelen()
    bronnen = load_oordeel_bronnen()
    assert set(oordelen) == set(bronnen) and all(bronnen.values())
    judged = [c for c in criteria if c.berekening == "oordeel"]
    assert judged
    for v in load_catalogue(2020).variants + load_catalogue(2025).variants:
        if v.is_reference:
            continue
        for c in judged:
            assert oordeel_for(oordelen, v, c.code) is not None, (v.code, c.code)
            lo, hi = (0.0, 1.0) if c.eenheid == "0-1" else (1.0, 5.0)
            assert lo <= oordeel_for(oordelen, v, c.code) <= hi


def test_most_specific_key_wins_and_user_variants_fall_back():
    oordelen = {("S4d", "overlast"): 1.0, ("HR", "overlast"): 2.0, ("S4", "overlast"): 3.0,
                ("groengas", "overlast"): 4.0}  # fmt: skip
    base = dict(pbl_naam="x", label_w="D", label_u="B", installatie_u="HR", gasnet="behouden",
                elektrisch_koken=False, in_viewer=False, jaarset=("2025",))  # fmt: skip
    s4d = Variant(code="S4d", familie="S4", installatie_w="HR", gebiedsoptie="groengas", **base)
    assert oordeel_for(oordelen, s4d, "overlast") == 1.0  # code
    user = Variant(code="U1", familie="S4", installatie_w="HR", gebiedsoptie="groengas", **base)
    assert oordeel_for(oordelen, user, "overlast") == 4.0  # area option before installation and family
    user2 = Variant(code="U2", familie="S4", installatie_w="HR", gebiedsoptie="geen", **base)
    assert oordeel_for(oordelen, user2, "overlast") == 2.0  # installation before family
    user3 = Variant(code="U3", familie="S4", installatie_w="hWP", gebiedsoptie="geen", **base)
    assert oordeel_for(oordelen, user3, "overlast") == 3.0  # family
    user4 = Variant(code="U4", familie="eigen", installatie_w="hWP", gebiedsoptie="geen", **base)
    assert oordeel_for(oordelen, user4, "overlast") is None  # nothing matches -> onbekend


def test_scale_midpoints(criteria):
    mids = {c.code: scale_midpoint(c) for c in criteria}
    assert mids["temperatuur_aansluiting"] == 0.5 and mids["overlast"] == 3.0 and mids["nationale_meerkosten"] == 0.0


# --- validation of user files ------------------------------------------------------------------------------------
def _write(tmp_path: Path, text: str, name: str = "criteria.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _shipped_lines() -> list[str]:
    return CRITERIA_FILE.read_text(encoding="utf-8").splitlines()


def _replace_field(line: str, column: str, value: str) -> str:
    parts = line.split(";")
    parts[CRITERIA_COLUMNS.index(column)] = value
    return ";".join(parts)


def test_user_file_with_same_columns_loads(tmp_path):
    lines = _shipped_lines()
    p = _write(tmp_path, "\n".join([lines[0], lines[1], _replace_field(lines[2], "standaard_gewicht", "7,5")]))
    got = load_criteria(p)
    assert [c.code for c in got] == [lines[1].split(";")[0], lines[2].split(";")[0]]
    assert got[1].standaard_gewicht == 7.5  # Dutch decimal comma accepted


@pytest.mark.parametrize(
    ("column", "value", "nl", "en"),
    [
        ("richting", "omhoog", "richting 'omhoog' moet 1", "direction 'omhoog' must be 1"),
        ("groep", "politiek", "onbekende groep 'politiek'", "unknown group 'politiek'"),
        ("berekening", "gok", "onbekende berekening 'gok'", "unknown berekening 'gok'"),
        ("standaard_gewicht", "-1", "standaard_gewicht moet een getal >= 0", "standaard_gewicht must be a number"),
        ("onzekerheid", "veel", "onzekerheid moet een getal >= 0", "onzekerheid must be a number"),
        ("bron", "", "bron is leeg", "bron is empty"),
        ("uitleg_en", "", "uitleg_en is leeg", "uitleg_en is empty"),
    ],
)
def test_bad_value_names_line_and_column(tmp_path, column, value, nl, en):
    lines = _shipped_lines()
    lines[3] = _replace_field(lines[3], column, value)
    with pytest.raises(CriteriaFileError) as err:
        load_criteria(_write(tmp_path, "\n".join(lines)))
    assert len(err.value.problems) == 1
    line, col, msg_nl, msg_en = err.value.problems[0]
    assert (line, col) == (4, column)
    assert nl in msg_nl and en in msg_en
    assert f"regel 4, kolom {column}" in err.value.nl and f"line 4, column {column}" in err.value.en


def test_duplicate_code_names_both_lines(tmp_path):
    lines = _shipped_lines()
    lines.append(lines[2])
    with pytest.raises(CriteriaFileError) as err:
        load_criteria(_write(tmp_path, "\n".join(lines)))
    ((line, col, nl, en),) = err.value.problems
    assert (line, col) == (len(lines), "code")
    assert "dubbele code" in nl and "regel 3" in nl and "duplicate code" in en and "line 3" in en


def test_missing_column_is_reported_on_the_header(tmp_path):
    lines = _shipped_lines()
    idx = CRITERIA_COLUMNS.index("onzekerheid")
    cut = [";".join(p for i, p in enumerate(line.split(";")) if i != idx) for line in lines]
    with pytest.raises(CriteriaFileError) as err:
        load_criteria(_write(tmp_path, "\n".join(cut)))
    assert err.value.problems == [
        (1, "onzekerheid", "kolom 'onzekerheid' ontbreekt", "column 'onzekerheid' is missing")
    ]


def test_semicolon_inside_text_is_caught(tmp_path):
    lines = _shipped_lines()
    lines[2] = lines[2] + ";extra"
    with pytest.raises(CriteriaFileError) as err:
        load_criteria(_write(tmp_path, "\n".join(lines)))
    assert err.value.problems[0][0] == 3 and "13 velden" in err.value.nl and "13 fields" in err.value.en


def test_all_problems_reported_and_nothing_returned(tmp_path):
    lines = _shipped_lines()
    lines[2] = _replace_field(lines[2], "groep", "x")
    lines[5] = _replace_field(lines[5], "richting", "0")
    with pytest.raises(CriteriaFileError) as err:
        load_criteria(_write(tmp_path, "\n".join(lines)))
    assert [(ln, col) for ln, col, _, _ in err.value.problems] == [(3, "groep"), (6, "richting")]


def test_oordelen_validation(tmp_path):
    text = "\n".join([
        "variant;criterium;score;bron",
        "S1a;overlast;4;expertoordeel",
        "S1a;kleur;2;expertoordeel",
        "S1b;overlast;veel;expertoordeel",
        "S1a;overlast;3;expertoordeel",
        "S4;straatwerk;1;",
    ])  # fmt: skip
    with pytest.raises(CriteriaFileError) as err:
        load_oordelen(_write(tmp_path, text, "oordelen.csv"))
    got = [(ln, col) for ln, col, _, _ in err.value.problems]
    assert got == [(3, "criterium"), (4, "score"), (5, "variant"), (6, "bron")]
    assert "onbekend criterium 'kleur'" in err.value.nl and "unknown criterion 'kleur'" in err.value.en
    ok = load_oordelen(_write(tmp_path, "variant;criterium;score;bron\nS1a;overlast;4;eigen oordeel\n", "ok.csv"))
    assert ok == {("S1a", "overlast"): 4.0}
    # a user's own criteria: the oordelen are checked against those
    assert load_oordelen(_write(tmp_path, "variant;criterium;score;bron\nS1a;kleur;2;x\n", "k.csv"), ["kleur"]) == {
        ("S1a", "kleur"): 2.0
    }


def test_missing_oordelen_column(tmp_path):
    with pytest.raises(CriteriaFileError) as err:
        load_oordelen(_write(tmp_path, "variant;criterium;score\nS1a;overlast;4\n", "o.csv"))
    assert err.value.problems == [(1, "bron", "kolom 'bron' ontbreekt", "column 'bron' is missing")]
