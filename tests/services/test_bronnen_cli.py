"""``warmteregio bronnen ...`` and ``warmteregio import warmtebronnen`` with XLSX and GeoPackage: list, show with
history, change with reason and permissions, retire/restore, export and re-import (a SQLite file database)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.settings import get_settings
from warmteregio.store.db import make_engine, make_sessionmaker, upgrade
from warmteregio.store.models import Gemeente, Provincie, ResRegio, User, Warmtebron

pytestmark = pytest.mark.db


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    import shapely

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.add(ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"))
        s.flush()
        s.add(Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18", provincie_code="PV28",
                       geometry=shapely.box(103000, 418000, 112000, 427000).wkb))  # fmt: skip
        s.add_all([
            User(email="co@example.nl", naam="Co", password_hash="-", rol="regiocoordinator", res_code="ES18"),
            User(email="gm@example.nl", naam="Gm", password_hash="-", rol="gemeente", gemeente_code="GM0505"),
        ])  # fmt: skip
        s.commit()
    engine.dispose()
    yield url
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_import_list_show_change_retire_export(db_url, shared_data, tmp_path):
    gpkg = shared_data / "warmtebronnen" / "etm_wm_HTHP.gpkg"
    result = run("import", "warmtebronnen", str(gpkg))
    assert result.exit_code == 0, result.output
    assert "103 nieuw/new" in result.output
    listed = run("bronnen", "lijst", "--regio", "ES18")
    assert listed.exit_code == 0, listed.output
    assert "HTHP0002" in listed.output and "HVC Afvalcentrale Dordrecht" in listed.output
    assert "HTHP0003" not in listed.output  # Alkmaar is far away
    changed = run("bronnen", "wijzig", "HTHP0002", "--veld", "status=bestaand", "--veld", "eindjaar=2035",
                  "--bewijs", "eindjaar=aanname|scenario", "--reden", "contract", "--gebruiker", "co@example.nl",
                  "--versie", "1")  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "versie/version 2" in changed.output
    shown = run("bronnen", "toon", "HTHP0002")
    assert shown.exit_code == 0, shown.output
    assert "2035" in shown.output and "[bron: aanname; scenario]" in shown.output
    assert "v2" in shown.output and "gewijzigd" in shown.output and "Co" in shown.output and "contract" in shown.output
    assert "GJ/jaar" in shown.output
    # a re-import keeps the coordinator's status and says so
    again = run("import", "warmtebronnen", str(gpkg))
    assert again.exit_code == 0 and "HTHP0002 status: 'bestaand' blijft/kept" in again.output
    # permissions, stale version and bad values exit 2 or 1 with Dutch and English
    denied = run("bronnen", "wijzig", "HTHP0002", "--veld", "capaciteit_mw=5", "--reden", "x",
                 "--gebruiker", "gm@example.nl")  # fmt: skip
    assert denied.exit_code == 1 and "Fout:" in denied.output and "Error:" in denied.output
    stale = run("bronnen", "wijzig", "HTHP0002", "--veld", "capaciteit_mw=5", "--reden", "x", "--gebruiker",
                "co@example.nl", "--versie", "1")  # fmt: skip
    assert stale.exit_code == 2 and "intussen gewijzigd" in stale.output
    bad = run("bronnen", "wijzig", "HTHP0002", "--veld", "betrouwbaarheid=2", "--reden", "x", "--gebruiker",
              "co@example.nl")  # fmt: skip
    assert bad.exit_code == 2 and "betrouwbaarheid: 2 is groter dan het maximum 1" in bad.output
    assert "reliability: 2 is above the maximum 1" in bad.output
    retired = run("bronnen", "buiten-gebruik", "HTHP0002", "--reden", "sluit 2035", "--gebruiker", "co@example.nl")
    assert retired.exit_code == 0 and "buiten_gebruik" in retired.output
    restored = run("bronnen", "herstel", "HTHP0002", "--reden", "toch", "--gebruiker", "co@example.nl")
    assert restored.exit_code == 0 and "status bestaand" in restored.output
    # export (csv to stdout, xlsx and geojson to files) and re-import of the xlsx changes nothing
    exported = run("bronnen", "export", "--regio", "ES18")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert "HTHP0002" in [r["code"] for r in rows]
    xlsx = tmp_path / "register.xlsx"
    assert run("bronnen", "export", "--formaat", "xlsx", "-o", str(xlsx)).exit_code == 0
    geo = tmp_path / "bronnen.geojson"
    assert run("bronnen", "export", "--regio", "ES18", "--formaat", "geojson", "-o", str(geo)).exit_code == 0
    assert {f["id"] for f in json.loads(geo.read_text())["features"]} == {r["code"] for r in rows}
    reimport = run("import", "warmtebronnen", str(xlsx))
    assert reimport.exit_code == 0 and "0 nieuw/new, 0 bijgewerkt/updated" in reimport.output
    with make_sessionmaker(make_engine(db_url))() as s:
        hvc = s.scalar(select(Warmtebron).where(Warmtebron.code == "HTHP0002"))
        assert (hvc.versie, hvc.status, hvc.eindjaar, hvc.gemeente_code) == (4, "bestaand", 2035, "GM0505")


def test_bad_files_and_options_exit_2(db_url, tmp_path):
    bad = tmp_path / "ht_sources_high_potential.csv"
    bad.write_text("fid,source_name,available_heat,source_id,geo_coordinate_x,geo_coordinate_y\n"
                   "1,X,-5,X1,110000,425000\n", encoding="utf-8")  # fmt: skip
    result = run("import", "warmtebronnen", str(bad))
    assert result.exit_code == 2 and "rij 2" in result.output and "row 2" in result.output
    assert run("bronnen", "export", "--formaat", "pdf").exit_code == 2
    wrong = run("bronnen", "lijst", "--temperatuurklasse", "XT")
    assert wrong.exit_code == 2 and "kies uit HT, MT, LT, ZLT" in wrong.output
    assert run("bronnen", "export", "--formaat", "xlsx").exit_code == 2
    assert run("bronnen", "wijzig", "X1", "--reden", "x", "--gebruiker", "co@example.nl").exit_code == 2
    assert run("bronnen", "wijzig", "X1", "--veld", "kapot", "--reden", "x", "--gebruiker", "co@example.nl"
               ).exit_code == 2  # fmt: skip
    unknown = run("bronnen", "toon", "ONBEKEND")
    assert unknown.exit_code == 1 and "niet gevonden" in unknown.output
