"""``warmteregio gebruiker aanmaken`` creates the first admin; bad input exits 2 with a bilingual message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warmteregio.accounts.service import authenticate
from warmteregio.cli import app
from warmteregio.settings import get_settings
from warmteregio.store.db import make_engine, make_sessionmaker


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_create_first_admin(db_url):
    result = CliRunner().invoke(
        app, ["gebruiker", "aanmaken", "--email", "beheer@example.nl", "--naam", "Beheer"],
        env={"WARMTEREGIO_NEW_PASSWORD": "een lang wachtwoord"},
    )
    assert result.exit_code == 0, result.output
    assert "beheer@example.nl" in result.output
    with make_sessionmaker(make_engine(db_url))() as session:
        user = authenticate(session, "beheer@example.nl", "een lang wachtwoord")
        assert user is not None and user.rol == "admin"


def test_bad_input_exits_2_bilingual(db_url):
    result = CliRunner().invoke(
        app, ["gebruiker", "aanmaken", "--email", "beheer@example.nl"], env={"WARMTEREGIO_NEW_PASSWORD": "kort"}
    )
    assert result.exit_code == 2
    assert "Fout:" in result.output and "Error:" in result.output
