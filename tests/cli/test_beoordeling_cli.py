"""``warmteregio beoordeling start``: a run for the demo region from the CLI, idempotent with --als-nog-geen."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.settings import get_settings
from warmteregio.store.db import make_engine, make_sessionmaker
from warmteregio.store.models import Beoordelingsresultaat as Resultaat
from warmteregio.store.models import Beoordelingsrun as Run


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", url)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["demo", "laden"])
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def test_start_run_for_demo_region_once(demo_db):
    runner = CliRunner()
    first = runner.invoke(app, ["beoordeling", "start", "--regio", "es18", "--gebruiker", "demo@warmteregio.nl",
                                "--als-nog-geen"])
    assert first.exit_code == 0, first.output
    assert "run 1" in first.output
    again = runner.invoke(app, ["beoordeling", "start", "--regio", "ES18", "--als-nog-geen"])
    assert again.exit_code == 0 and "al run 1" in again.output
    with make_sessionmaker(make_engine(demo_db))() as session:
        runs = session.scalars(select(Run)).all()
        assert len(runs) == 1 and runs[0].status == "klaar" and runs[0].parameterset_naam == "vesta2025"
        n_buurten = session.scalar(select(func.count(func.distinct(Resultaat.buurt_code))))
        assert n_buurten == 308
        assert session.scalar(select(func.count(Resultaat.id))) == runs[0].aantal_rijen


def test_unknown_region_or_user_exits_2(demo_db):
    runner = CliRunner()
    bad_region = runner.invoke(app, ["beoordeling", "start", "--regio", "ES99"])
    assert bad_region.exit_code == 2 and "niet gevonden" in bad_region.output and "not found" in bad_region.output
    bad_user = runner.invoke(app, ["beoordeling", "start", "--regio", "ES18", "--gebruiker", "niemand@example.nl"])
    assert bad_user.exit_code == 2 and "bestaat niet" in bad_user.output
