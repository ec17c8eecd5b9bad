"""``warmteregio afweging ...``: ranking, robustness, explanation, criteria and entries from the command line.
Both databases, on the small region of ``conftest`` (ES18); bad input exits 2 with a bilingual message."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.services import afweging, assessment
from warmteregio.settings import get_settings
from warmteregio.store.models import User

pytestmark = pytest.mark.db


@pytest.fixture
def cli(regio: Engine, session: Session, monkeypatch):
    run = assessment.start_run(session, "ES18", "vesta2020", None, 2030, {}, None)
    session.commit()
    assert run.status == "klaar"
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", regio.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    afweging.clear_cache()
    yield CliRunner(), run.id
    get_settings.cache_clear()
    afweging.clear_cache()


def test_rangschik_table_and_csv(cli):
    runner, run_id = cli
    result = runner.invoke(app, ["afweging", "rangschik", str(run_id)])
    assert result.exit_code == 0, result.output
    assert "BU05050101" in result.output and "winnaar" in result.output
    by_regio = runner.invoke(app, ["afweging", "rangschik", "--regio", "ES18", "--gewicht", "nationale_meerkosten=1",
                                   "--csv"])  # fmt: skip
    assert by_regio.exit_code == 0, by_regio.output
    rows = list(csv.DictReader(io.StringIO(by_regio.stdout)))
    assert {r["buurt_code"] for r in rows} == {"BU05050101", "BU05050102", "BU05050103", "BU05050104"}
    firsts = [r for r in rows if r["rang"] == "1"]
    assert len(firsts) == 4


def test_robuustheid_and_uitleg(cli):
    runner, run_id = cli
    result = runner.invoke(app, ["afweging", "robuustheid", str(run_id), "--samples", "200", "--seed", "1", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4 and all(0 < float(r["acceptatie"]) <= 1 for r in rows)
    assert all(r["winnaar"] in r["gelijkspel"].split() for r in rows)
    table = runner.invoke(app, ["afweging", "robuustheid", "--regio", "ES18", "--samples", "100"])
    assert table.exit_code == 0 and "acceptatie" in table.output
    uitleg = runner.invoke(app, ["afweging", "uitleg", str(run_id), "--buurt", "BU05050102", "--taal", "en",
                                 "--samples", "200"])  # fmt: skip
    assert uitleg.exit_code == 0, uitleg.output
    assert "BU05050102" in uitleg.output and "comes out best" in uitleg.output.replace("\n", " ")


def test_criteria_and_entries(cli, session: Session):
    runner, _run_id = cli
    result = runner.invoke(app, ["afweging", "criteria"])
    assert result.exit_code == 0 and "nationale_meerkosten" in result.output
    entered = runner.invoke(app, ["afweging", "invoer", "--gebruiker", "co@example.nl", "--buurt", "BU05050101",
                                  "--variant", "S2a", "--criterium", "eigendom", "--waarde", "0.4",
                                  "--toelichting", "raadsbesluit"])  # fmt: skip
    assert entered.exit_code == 0, entered.output
    session.expire_all()
    (entry,) = afweging.list_entries(session, "BU05050101")
    assert (entry.waarde, entry.door_id, entry.toelichting) == (0.4, 1, "raadsbesluit")
    withdrawn = runner.invoke(app, ["afweging", "intrekken", str(entry.id), "--gebruiker", "beheer@example.nl"])
    assert withdrawn.exit_code == 0, withdrawn.output
    session.expire_all()
    assert afweging.list_entries(session, "BU05050101") == []


@pytest.mark.parametrize("args,fragment", [
    (["rangschik", "999"], "niet gevonden"),
    (["rangschik", "--regio", "ES17"], "geen afgeronde"),
    (["rangschik"], "geef een beoordeling"),
    (["rangschik", "--regio", "ES18", "--gewicht", "onbekend=1"], "onbekend criterium"),
    (["rangschik", "--regio", "ES18", "--methode", "elektre"], "onbekende methode"),
    (["rangschik", "--regio", "ES18", "--beperking", "overlast=>1"], "niet begrepen"),
    (["robuustheid", "--regio", "ES18", "--samples", "0"], "trekkingen"),
    (["uitleg", "--regio", "ES18", "--buurt", "BU05050101", "--taal", "fr"], "taal"),
    (["uitleg", "--regio", "ES18", "--buurt", "BU99990101"], "niet in deze beoordeling"),
    (["invoer", "--gebruiker", "niemand@example.nl", "--buurt", "BU05050101", "--criterium", "overlast",
      "--waarde", "3", "--toelichting", "x"], "bestaat niet"),
    (["invoer", "--gebruiker", "co@example.nl", "--buurt", "BU05050101", "--criterium", "overlast",
      "--waarde", "9", "--toelichting", "x"], "buiten"),
])  # fmt: skip
def test_bad_input_exits_2(cli, session: Session, args, fragment):
    runner, _run_id = cli
    result = runner.invoke(app, ["afweging", *args])
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Error:" in result.output and "Fout:" in result.output
    session.expire_all()
    assert afweging.list_entries(session, with_history=True) == []


def test_viewer_may_not_enter(cli, session: Session):
    runner, _run_id = cli
    session.add(User(id=5, email="kijker@example.nl", naam="Kijker", password_hash="-", rol="viewer"))
    session.commit()
    result = runner.invoke(app, ["afweging", "invoer", "--gebruiker", "kijker@example.nl", "--buurt", "BU05050101",
                                 "--criterium", "overlast", "--waarde", "3", "--toelichting", "x"])  # fmt: skip
    assert result.exit_code == 2 and "mag geen" in result.output and "may not" in result.output
