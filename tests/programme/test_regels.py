"""The rules data files (programme/data) and their loader."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from warmteregio.programme import checks, regels
from warmteregio.programme.regels import DATA_DIR, RegelsError, read_rules


def test_parameters_of_the_rules() -> None:
    r = regels.load_rules()
    assert isinstance(r.peildatum, date)
    assert r.actualisatie_jaren == 5
    assert r.aanwijstermijn_min_jaren == 8
    assert r.planhorizon_jaren == 10
    assert r.eerste_vaststelling_uiterlijk == date(2026, 12, 31)
    assert r.waarschuwing_maanden == 12
    assert regels.load_rules() is r  # cached


@pytest.mark.parametrize("name", ["regels.csv", "toetsen.csv", "stappen.csv", "hoofdstukken.csv"])
def test_every_row_has_a_source(name: str) -> None:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert rows
    for row in rows:
        assert row["bron"].strip(), row
        assert None not in row, row  # no stray semicolons


def test_the_required_checks_exist_with_their_blocking_flags() -> None:
    r = regels.load_rules()
    blocking = {t.code: t.blokkeert_vaststelling for t in r.toetsen}
    for code in (
        "aanwijzing_in_programma",
        "aanwijstermijn",
        "haalbaar_betaalbaar",
        "participatie",
        "perspectief_2050",
        "afwijking_gemotiveerd",
        "hoofdstukken",
        "planning_consistent",
    ):
        assert blocking[code] is True, code
    assert blocking["actualisatie"] is False
    assert blocking["stappen"] is False
    assert r.toets("stappen").ernst == "waarschuwing"
    for t in r.toetsen:
        assert t.grondslag and t.bron and t.titel_nl and t.titel_en
    with pytest.raises(KeyError):
        r.toets("bestaat_niet")


def test_every_check_in_the_file_has_logic_and_vice_versa() -> None:
    assert {t.code for t in regels.load_rules().toetsen} == set(checks.CHECKS)


def test_steps_and_chapters() -> None:
    r = regels.load_rules()
    assert 10 <= len(r.stappen) <= 14
    assert [s.volgorde for s in r.stappen] == sorted(s.volgorde for s in r.stappen)
    codes = {s.code for s in r.stappen}
    assert {
        "start",
        "analyse",
        "regionale_afstemming",
        "participatie",
        "terinzagelegging",
        "vaststelling",
        "bekendmaking",
        "monitoring_actualisatie",
    } <= codes
    assert r.stappen[0].code == "start" and r.stappen[0].verplicht
    hs = {h.code: h for h in r.hoofdstukken}
    for code in (
        "perspectief_2050",
        "buurten_planning",
        "aanwijzing",
        "haalbaar_betaalbaar",
        "ondersteuning",
        "partners",
        "participatie",
        "monitoring",
    ):
        assert hs[code].verplicht and not hs[code].alleen_bij_actualisatie, code
    assert hs["terugblik"].verplicht and hs["terugblik"].alleen_bij_actualisatie
    assert not hs["inleiding"].verplicht
    assert all("handreiking" in h.bron.lower() or "warmteregio" in h.bron.lower() for h in r.hoofdstukken)


def test_actualisatie_datum() -> None:
    assert regels.actualisatie_datum(date(2026, 3, 15)) == date(2031, 3, 15)
    assert regels.actualisatie_datum(date(2024, 2, 29)) == date(2029, 2, 28)
    assert regels.add_months(date(2026, 12, 31), -12) == date(2025, 12, 31)
    assert regels.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert regels.add_months(date(2026, 1, 15), 13) == date(2027, 2, 15)


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA_DIR, d)
    return d


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_updated_file_changes_the_rules(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    _edit(d / "regels.csv", "actualisatie_jaren;5;", "actualisatie_jaren;4;")
    _edit(d / "toetsen.csv", ";waarschuwing;nee\n", ";fout;ja\n")
    r = read_rules(d)
    assert r.actualisatie_jaren == 4
    assert r.toets("stappen").blokkeert_vaststelling is True
    assert regels.actualisatie_datum(date(2026, 1, 1), r) == date(2030, 1, 1)


@pytest.mark.parametrize(("name", "old", "new", "fragment"), [
    ("regels.csv", "planhorizon_jaren;10;", "planhorizonjaren;10;", "missing parameters"),
    ("regels.csv", "waarschuwing_maanden;12;", "waarschuwing_maanden;twaalf;", "whole number"),
    ("regels.csv", "peildatum;2026-12-05", "peildatum;5-12-2026", "date"),
    ("toetsen.csv", ";waarschuwing;nee\n", ";laag;nee\n", "ernst"),
    ("toetsen.csv", ";waarschuwing;nee\n", ";waarschuwing;misschien\n", "ja/nee"),
    ("toetsen.csv", "\nstappen;", "\nhoofdstukken;", "duplicate"),
    ("stappen.csv", "\nstart;1;", "\nstart;een;", "whole number"),
    ("hoofdstukken.csv", ";actualisatie;", ";soms;", "ja/nee"),
])  # fmt: skip
def test_malformed_files_are_refused(tmp_path: Path, name: str, old: str, new: str, fragment: str) -> None:
    d = _copy(tmp_path)
    _edit(d / name, old, new)
    with pytest.raises(RegelsError, match=fragment):
        read_rules(d)


def test_a_row_without_source_is_refused(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    lines = (d / "stappen.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    rows[1][-1] = " "
    with (d / "stappen.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows(rows)
    with pytest.raises(RegelsError, match="empty bron"):
        read_rules(d)
