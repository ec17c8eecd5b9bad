"""The ``warmteregio import`` commands: bad input exits 2 with the bilingual report, good input exits 0."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.settings import get_settings


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.delenv("WARMTEREGIO_ALLOW_NETWORK_REQUESTS", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_bad_file_exits_2_with_report(cli_env, bad):
    result = cli_env.invoke(app, ["import", "regio-indeling", str(bad / "regio_duplicate_code.csv")])
    assert result.exit_code == 2, result.output
    assert "rij 4" in result.output and "row 4" in result.output
    assert "niets geschreven" in result.output and "nothing was written" in result.output


def test_good_files_exit_0(cli_env, shared_data, bad):
    regions = shared_data / "regions" / "gemeente_res_regio_2023.csv"
    result = cli_env.invoke(app, ["import", "regio-indeling", str(regions)])
    assert result.exit_code == 0, result.output
    assert "342" in result.output
    teo = shared_data / "warmtebronnen" / "teo_sources_high_potential.csv"
    result = cli_env.invoke(app, ["import", "warmtebronnen", str(teo)])
    assert result.exit_code == 0, result.output
    etm_ids = shared_data / "buurten" / "etm_wm_existing_heat_network_share.csv"
    result = cli_env.invoke(app, ["import", "warmtenetaandeel", str(etm_ids)])
    assert result.exit_code == 2
    assert "GM0059_40" in result.output
    result = cli_env.invoke(app, ["import", "parameters", str(bad / "prijzen_bad.csv"), "--naam", "p", "--versie", "1"])
    assert result.exit_code == 2 and "rij 3" in result.output


def test_cbs_download_refused_offline(cli_env, tmp_path):
    result = cli_env.invoke(app, ["import", "cbs-kerncijfers", "--jaar", "2024", "--gemeente", "GM0505",
                                  "--uitvoer", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert "WARMTEREGIO_ALLOW_NETWORK_REQUESTS" in result.output
    assert not (tmp_path / "out.csv").exists()
