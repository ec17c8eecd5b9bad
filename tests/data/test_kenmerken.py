"""Area characteristics (gebiedskenmerken): the CBS KWB gemeente file and the generic long format."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.data.base import ImportValidationError
from warmteregio.data.kenmerken import CBS_SOURCE, import_kenmerken, normalise_gebiedscode
from warmteregio.domain.codes import CodeError
from warmteregio.settings import get_settings
from warmteregio.store.models import Gebiedskenmerk, ImportRun

CBS_FILE = ("gemeenten", "cbs_kwb_2021_gemeente_selectie_via_nlstat.csv")
CBS_HEADER = (
    "gm_code,gm_naam,provincie,inwoners,Housing/Owner-occupied (%),Housing/Social housing (%),"
    "IncomeWealth/Avg household income (x€1k),Environment/District heating (%)\n"
)


def kenmerken(session, code: str) -> dict[str, Gebiedskenmerk]:
    rows = session.scalars(select(Gebiedskenmerk).where(Gebiedskenmerk.gebied_code == code)).all()
    return {r.kenmerk: r for r in rows}


def test_real_cbs_file_imports_and_re_import_upserts(session, shared_data, counts):
    path = shared_data.joinpath(*CBS_FILE)
    result = import_kenmerken(session, path)
    session.commit()
    dordrecht = kenmerken(session, "GM0505")
    assert dordrecht["aandeel_sociale_huur"].waarde == pytest.approx(0.29)
    assert dordrecht["aandeel_koopwoningen"].waarde == pytest.approx(0.58)
    assert dordrecht["gem_huishoudinkomen_eur"].waarde == pytest.approx(32_300.0)
    assert dordrecht["aandeel_stadsverwarming"].waarde == pytest.approx(0.058)
    assert {r.peiljaar for r in dordrecht.values()} == {2021}
    assert dordrecht["gem_huishoudinkomen_eur"].eenheid == "EUR/jr"
    assert dordrecht["aandeel_sociale_huur"].eenheid == "0-1"
    assert "CBS Kerncijfers wijken en buurten 2021" in dordrecht["aandeel_sociale_huur"].bron
    assert "nlstat" in dordrecht["aandeel_sociale_huur"].bron
    # Alblasserdam publishes no district-heating share: skipped, not stored as 0
    assert "aandeel_stadsverwarming" not in kenmerken(session, "GM0482")
    # a gemeente name with a comma in quotes ("Nuenen, Gerwen en Nederwetten") parses
    assert kenmerken(session, "GM0820")["aandeel_sociale_huur"].waarde == pytest.approx(0.16)
    assert any("lege cellen" in n for n in result.notes)
    first = counts(session)
    assert first["gebiedskenmerken"] == result.rows == result.inserted
    run = session.scalars(select(ImportRun).where(ImportRun.importer == "kenmerken")).one()
    assert dordrecht["aandeel_sociale_huur"].import_run_id == run.id and run.bron == CBS_SOURCE

    again = import_kenmerken(session, path)
    session.commit()
    assert again.inserted == 0 and again.updated == result.rows
    second = counts(session)
    assert second["gebiedskenmerken"] == first["gebiedskenmerken"]
    assert second["import_runs"] == first["import_runs"] + 1


def test_cbs_fixture_with_peiljaar(session, tmp_path):
    path = tmp_path / "kwb.csv"
    rows = "GM0505,Dordrecht,Zuid-Holland,1,58,29,32.3,5.8\nGM0590,Papendrecht,ZH,1,65,29,34.4,\n"
    path.write_text(CBS_HEADER + rows, encoding="utf-8")
    result = import_kenmerken(session, path, peiljaar=2022)
    session.flush()
    assert result.rows == 7
    assert kenmerken(session, "GM0590")["gem_huishoudinkomen_eur"].peiljaar == 2022


def test_long_format_upserts_and_validates(session, tmp_path, counts):
    path = tmp_path / "congestie.csv"
    path.write_text(
        "gebied_code;kenmerk;peiljaar;waarde;eenheid;bron\n"
        "GM0505;netcongestie;2025;1;0/1;Stedin capaciteitskaart\n"
        "bu05050101;netcongestie;2025;0;0/1;Stedin capaciteitskaart\n"
        "WK050501;aandeel_sociale_huur;2023;0,41;0-1;woningcorporatie\n",
        encoding="utf-8",
    )
    result = import_kenmerken(session, path)
    session.commit()
    assert (result.rows, result.inserted) == (3, 3)
    assert kenmerken(session, "BU05050101")["netcongestie"].waarde == 0.0
    assert kenmerken(session, "WK050501")["aandeel_sociale_huur"].waarde == pytest.approx(0.41)
    path.write_text(
        "gebied_code;kenmerk;peiljaar;waarde;eenheid;bron\nGM0505;netcongestie;2025;0;0/1;Stedin 2\n", encoding="utf-8"
    )
    again = import_kenmerken(session, path)
    session.commit()
    assert (again.inserted, again.updated) == (0, 1)
    row = kenmerken(session, "GM0505")["netcongestie"]
    assert (row.waarde, row.bron) == (0.0, "Stedin 2")
    assert counts(session)["gebiedskenmerken"] == 3


def test_bad_long_file_changes_nothing(session, tmp_path, counts):
    good = tmp_path / "goed.csv"
    good.write_text("gebied_code;kenmerk;peiljaar;waarde;eenheid;bron\nGM0505;netcongestie;2025;1;0/1;x\n")
    import_kenmerken(session, good)
    session.commit()
    before = counts(session)
    bad = tmp_path / "fout.csv"
    bad.write_text(
        "gebied_code;kenmerk;peiljaar;waarde;eenheid;bron\n"
        "GM0505;netcongestie;2025;0;0/1;x\n"  # row 2: fine, but the file is refused as a whole
        "XX0505;netcongestie;2025;1;0/1;x\n"  # row 3: bad code
        "GM0505;Net Congestie;2025;1;0/1;x\n"  # row 4: bad name
        "GM0505;netcongestie;2025;2;0/1;x\n"  # row 5: flag not 0/1
        "GM0505;aandeel_sociale_huur;2025;35;0-1;x\n"  # row 6: share above 1
        "GM0505;netcongestie;twintig;1;0/1;x\n"  # row 7: year not a number
        "GM0505;netcongestie;2025;1;;\n"  # row 8: unit and source missing
        "GM0505;netcongestie;2025;1;0/1;y\n",  # row 9: duplicate of row 2
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as info:
        import_kenmerken(session, bad)
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert found == {
        (3, "gebied_code"), (4, "kenmerk"), (5, "waarde"), (6, "waarde"), (7, "peiljaar"), (8, "eenheid"),
        (8, "bron"), (9, "gebied_code"),
    }
    assert all(p.nl and p.en for p in info.value.report.problems)
    assert counts(session) == before
    assert kenmerken(session, "GM0505")["netcongestie"].waarde == 1.0


def test_bad_cbs_file_and_unknown_format(session, tmp_path, counts):
    before = counts(session)
    path = tmp_path / "kwb.csv"
    path.write_text(CBS_HEADER + "GM0505,Dordrecht,ZH,1,58,129,32.3,5.8\nGM05,X,ZH,1,1,1,1,1\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as info:
        import_kenmerken(session, path)
    assert {(p.row, p.column) for p in info.value.report.problems} == {
        (2, "Housing/Social housing (%)"), (3, "gm_code")}
    other = tmp_path / "anders.csv"
    other.write_text("code,waarde\nGM0505,1\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as info:
        import_kenmerken(session, other)
    assert "onbekend formaat" in info.value.report.problems[0].nl
    assert "unknown format" in info.value.report.problems[0].en
    session.rollback()
    assert counts(session) == before


@pytest.mark.parametrize("value,expected", [("gm0505", "GM0505"), (" WK050501", "WK050501"),
                                            ("BU05050101", "BU05050101")])
def test_normalise_gebiedscode(value, expected):
    assert normalise_gebiedscode(value) == expected


def test_normalise_gebiedscode_refuses():
    with pytest.raises(CodeError):
        normalise_gebiedscode("ES18")


def test_cli_exit_codes(tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["import", "kenmerken", str(shared_data.joinpath(*CBS_FILE))])
        assert result.exit_code == 0, result.output
        assert "kenmerken" in result.output
        bad = tmp_path / "fout.csv"
        bad.write_text("gebied_code;kenmerk;peiljaar;waarde;eenheid;bron\nGM0505;netcongestie;2025;7;0/1;x\n")
        result = runner.invoke(app, ["import", "kenmerken", str(bad)])
        assert result.exit_code == 2
        assert "rij 2" in result.output and "row 2" in result.output
        assert "niets geschreven" in result.output and "nothing was written" in result.output
    finally:
        get_settings.cache_clear()
