"""``warmteregio allocatie``: start (flags, scenario file, --als-nog-geen, Ctrl-C), lijst, toon, vergelijk, export and
bad input (exit 2, Dutch and English), on SQLite and PostgreSQL with the small region of the service tests."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.settings import get_settings
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import AllocatieBuurt, Allocatierun

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_allocatie import DORDRECHT, seed_allocatie_regio  # noqa: E402

pytestmark = pytest.mark.db
FAST = ["--geen-marginale-waarden"]


def _out(result) -> str:  # noqa: ANN001
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


@pytest.fixture
def db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    seed_allocatie_regio(engine)
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(app, ["allocatie", *args])


def test_start_show_compare_and_export(db: Engine, tmp_path: Path) -> None:
    fixed = [a for code in DORDRECHT for a in ("--vast-in", code)]
    first = run("start", "--regio", "es18", "--titel", "basis", "--gebruiker", "co@example.nl", *fixed, *FAST)
    assert first.exit_code == 0, _out(first)
    assert "allocatie 1 (basis): klaar" in first.output and "besparing / saving" in first.output
    again = run("start", "--regio", "ES18", "--als-nog-geen")
    assert again.exit_code == 0 and "al allocatie 1" in again.output
    scenario = run("start", "--regio", "ES18", "--titel", "HVC dicht", "--bron-eindjaar", "HTHP0002=2035",
                   "--bronjaar", "2040", "--basis", "1", *fixed, *FAST)  # fmt: skip
    assert scenario.exit_code == 0, _out(scenario)
    with make_sessionmaker(db)() as s:
        runs = s.scalars(select(Allocatierun).order_by(Allocatierun.id)).all()
        assert [r.status for r in runs] == ["klaar", "klaar"] and runs[0].gestart_door_id == 1
        assert json.loads(runs[1].scenario) == {"eindjaar": {"HTHP0002": 2035}} and runs[1].bronjaar == 2040
        assert runs[1].basis_id == 1

    listing = run("lijst", "--regio", "ES18")
    assert listing.exit_code == 0 and "HVC dicht" in listing.output and "scenario op / on 1" in listing.output
    shown = run("toon", "1")
    text = _out(shown)
    assert shown.exit_code == 0 and "Per gemeente" in text and "Per bron" in text and "1 MW extra" in text
    assert "Dordrecht (GM0505)" in text and "HTHP0002" in text
    compared = run("vergelijk", "1", "2")
    assert compared.exit_code == 0, _out(compared)
    assert "HTHP0002 (" in compared.output and "-> GEO0001" in compared.output
    assert "gewijzigd / changed" in compared.output

    for formaat, name in (("csv", "a.csv"), ("xlsx", "a.xlsx"), ("geojson", "a.geojson")):
        out = tmp_path / "uit" / name
        result = run("export", "1", "--formaat", formaat, "--uit", str(out))
        assert result.exit_code == 0 and out.is_file(), _out(result)
    with open(tmp_path / "uit" / "a.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 6
    assert "Herkomst" in load_workbook(tmp_path / "uit" / "a.xlsx").sheetnames
    collection = json.loads((tmp_path / "uit" / "a.geojson").read_text(encoding="utf-8"))
    assert any(f["geometry"]["type"] == "LineString" for f in collection["features"])


def test_scenario_file_and_flags_are_merged(db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"warmteprijsfactor": 1.2, "schaal": {"GEO0001": 0.5}}), encoding="utf-8")
    result = run("start", "--regio", "ES18", "--scenario", str(path), "--zonder-bron", "HTHP0002",
                 "--bron-schaal", "GEO0001=0.25", *FAST)  # fmt: skip
    assert result.exit_code == 0, _out(result)
    with make_sessionmaker(db)() as s:
        stored = json.loads(s.scalar(select(Allocatierun.scenario)))
    assert stored == {"warmteprijsfactor": 1.2, "schaal": {"GEO0001": 0.25}, "verwijderd": ["HTHP0002"]}


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        (["start", "--regio", "ES99"], "niet gevonden", "not found"),
        (["start", "--regio", "ES18", "--bron-eindjaar", "HTHP0002"], "verwacht CODE=WAARDE", "expected CODE=VALUE"),
        (["start", "--regio", "ES18", "--zonder-bron", "ONBEKEND"], "onbekende bron", "unknown source"),
        (["start", "--regio", "ES18", "--max-aandeel", "2"], "maximaal aandeel", "maximum share"),
        (["start", "--regio", "ES18", "--gebruiker", "niemand@example.nl"], "bestaat niet", "does not exist"),
        (["toon", "99"], "niet gevonden", "not found"),
        (["vergelijk", "1", "2"], "niet gevonden", "not found"),
        (["export", "1", "--formaat", "pdf", "--uit", "x.pdf"], "onbekend formaat", "unknown format"),
    ],
)
def test_bad_input_exits_2_in_dutch_and_english(db: Engine, args: list[str], nl: str, en: str) -> None:
    result = run(*args)
    text = _out(result)
    assert result.exit_code == 2, text
    assert "FOUT:" in text and "ERROR:" in text and nl in text and en in text
    with make_sessionmaker(db)() as s:
        assert s.scalar(select(func.count(Allocatierun.id))) == 0


def test_ctrl_c_cancels_the_run_without_rows(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import warmteregio.allocation

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr(warmteregio.allocation, "solve", interrupted)
    result = run("start", "--regio", "ES18", *FAST)
    assert result.exit_code == 130 and "geannuleerd / allocation cancelled" in _out(result)
    with make_sessionmaker(db)() as s:
        assert s.scalar(select(Allocatierun.status)) == "geannuleerd"
        assert s.scalar(select(func.count(AllocatieBuurt.id))) == 0


def test_cancel_a_waiting_run(db: Engine) -> None:
    from warmteregio.services import allocatie

    with make_sessionmaker(db)() as s:
        run_id = allocatie.create_run(s, allocatie.AllocatieInstellingen(regio="ES18")).id
        s.commit()
    first = run("annuleer", str(run_id))
    assert first.exit_code == 0 and f"allocatie {run_id}: geannuleerd" in first.output
    again = run("annuleer", str(run_id))
    assert again.exit_code == 2 and "al afgelopen" in _out(again) and "already ended" in _out(again)
