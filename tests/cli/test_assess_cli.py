"""CLI contract of ``warmteregio assess`` on PBL's real start-year table; bad input exits 2 naming row and column."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from warmteregio.cli import app

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "validation" / "startanalyse2020"
START = DATA / "gooi_en_vechtstreek_startjaar2019_alle_buurten.csv"
REQUIRED_OUT = (
    "BU_CODE", "strategie", "zichtjaar", "parameterset", "H15_CO2_uitstoot", "H16_Nat_meerkost",
    "H17_Nat_meerkost_CO2", "H18_Nat_meerkost_WEQ", *(f"K{i:02d}" for i in range(1, 19)),
    "EG_eigenaar_bewoner_maandlasten_eur",
)  # fmt: skip

if not START.exists():  # ../shared/data is required; fail loudly instead of skipping
    raise FileNotFoundError(f"PBL start-year table not available at {START}")


def _out(result) -> str:
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def test_assess_contract_on_real_input(tmp_path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["assess", "--buurten", str(START), "--parameters", "vesta2020",
                                      "--zichtjaar", "2030", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, _out(result)
    header, rows = _read(out)
    for col in REQUIRED_OUT:
        assert any(h == col or h.startswith(col + "_") for h in header), col
    with open(START, encoding="utf-8-sig") as fh:
        codes = [r["BU_CODE"] for r in csv.DictReader(fh, delimiter=";")]
    strategies = sorted({r["strategie"] for r in rows})
    assert "S4d_GG_D_HR" in strategies and "S1a_B_LuchtWP" in strategies and "Referentie" in strategies
    pairs = [(r["BU_CODE"], r["strategie"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == len(codes) * len(strategies)
    assert {r["parameterset"] for r in rows} == {"vesta2020@2020.1"}
    ref = [r for r in rows if r["strategie"] == "Referentie"]
    assert all(float(r["H16_Nat_meerkost"]) == 0 for r in ref)


def test_assess_override_recorded(tmp_path):
    out = tmp_path / "out.csv"
    args = ["assess", "--buurten", str(START), "--parameters", "vesta2020", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--set", "Ki_verw_LD=250", "--geen-eindgebruiker"])
    assert result.exit_code == 0, _out(result)
    _header, rows = _read(out)
    assert {r["parameterset"] for r in rows} == {"vesta2020@2020.1+1overrides"}


def _write_variant(tmp_path: Path, mutate) -> Path:
    with open(START, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    header = lines[0].split(";")
    rows = [line.split(";") for line in lines[1:6]]
    header, rows = mutate(header, rows)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _run_bad(tmp_path, mutate):
    bad = _write_variant(tmp_path, mutate)
    result = CliRunner().invoke(app, ["assess", "--buurten", str(bad), "--parameters", "vesta2020",
                                      "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert result.exit_code == 2, _out(result)
    assert not (tmp_path / "o.csv").exists()
    return _out(result)


def test_missing_column_exits_2(tmp_path):
    def drop(header, rows):
        j = header.index("Woning_H02_Vraag_Ruimteverwarming")
        return header[:j] + header[j + 1 :], [r[:j] + r[j + 1 :] for r in rows]

    text = _run_bad(tmp_path, drop)
    assert "Woning_H02_Vraag_Ruimteverwarming" in text
    assert "verplichte kolom ontbreekt" in text and "required column is missing" in text


def test_non_numeric_value_exits_2(tmp_path):
    def spoil(header, rows):
        rows[2][header.index("I09_aantal_woningen")] = "veel"
        return header, rows

    text = _run_bad(tmp_path, spoil)
    assert "rij 4" in text and "row 4" in text
    assert "I09_aantal_woningen" in text and "geen getal" in text and "not a number" in text


def test_bad_bu_code_exits_2(tmp_path):
    def spoil(header, rows):
        rows[0][header.index("BU_CODE")] = "XX123"
        return header, rows

    text = _run_bad(tmp_path, spoil)
    assert "rij 2" in text and "'BU_CODE'" in text and "ongeldige buurtcode" in text and "invalid buurt code" in text


def test_unknown_parameter_set_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["assess", "--buurten", str(START), "--parameters", "bestaatniet",
                                      "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert result.exit_code == 2
    assert "unknown parameter set" in _out(result)


def test_validate_startanalyse_prints_both_sets(tmp_path):
    result = CliRunner().invoke(app, ["validate", "startanalyse", "--map", str(DATA), "--csv", str(tmp_path / "v.csv")])
    assert result.exit_code == 0, _out(result)
    assert "## tuning" in result.output and "## heldout" in result.output
    _header, rows = _read(tmp_path / "v.csv")
    assert {r["set"] for r in rows} == {"tuning", "heldout"}
