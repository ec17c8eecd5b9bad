"""``warmteregio netwerk``: member import (all or nothing), export and erasure of a person, search, questionnaire
import and results, past retrospectives, meetings and the audit log from the command line, with bad input (exit 2,
Dutch and English) and no permission (exit 1). Both databases."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.settings import get_settings
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import AuditRegel, NetwerkPersoon, User, Vragenlijst

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_kennis import seed_netwerk  # noqa: E402

pytestmark = pytest.mark.db
ADMIN, COORD, LID = "admin@nplw.nl", "co@es18.nl", "lid@dordrecht.nl"


@pytest.fixture
def db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    with make_sessionmaker(engine)() as s:
        seed_netwerk(s)
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(app, ["netwerk", *args])


def out(result) -> str:  # noqa: ANN001
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


def test_members_import_export_erase(db: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "slecht.csv"
    bad.write_text("naam;email;rol;regio\nPiet Slecht;geen-mail;lid;ES18\n;x@y.nl;lid;ES99\n", encoding="utf-8")
    r = run("leden-import", str(bad), "--gebruiker", COORD)
    assert r.exit_code == 2, out(r)
    assert "Fout:" in out(r) and "Error:" in out(r) and "rij" in out(r)
    with make_sessionmaker(db)() as s:
        assert s.scalar(select(NetwerkPersoon.id)) is None  # nothing written

    good = tmp_path / "leden.csv"
    good.write_text("naam;email;functie;organisatie;organisatie_soort;rol;regio;gemeente;telefoon;expertise\n"
                    "Els Expert;els@example.nl;Adviseur;Waterschap;waterschap;expert;ES18;;;aquathermie|rwzi\n"
                    "Lies Lid;lid@dordrecht.nl;Beleid;Gemeente Dordrecht;gemeente;contact;ES18;GM0505;;\n",
                    encoding="utf-8")  # fmt: skip
    r = run("leden-import", str(good), "--gebruiker", COORD, "--droog")
    assert r.exit_code == 0 and "2 nieuw" in out(r), out(r)
    r = run("leden-import", str(good), "--gebruiker", COORD)
    assert r.exit_code == 0 and "2 nieuw" in out(r), out(r)
    r = run("leden-export", "--gebruiker", LID, "--formaat", "xlsx")  # xlsx needs a file: refused before exporting
    assert r.exit_code == 2 and "--uitvoer" in out(r)
    with make_sessionmaker(db)() as s:
        assert s.scalar(select(AuditRegel.id).where(AuditRegel.actie == "export")) is None
    r = run("leden-export", "--gebruiker", LID)
    assert r.exit_code == 0 and "Els Expert" in r.output

    with make_sessionmaker(db)() as s:
        lies = s.scalar(select(NetwerkPersoon).where(NetwerkPersoon.naam == "Lies Lid"))
        assert lies.user_id is not None  # linked to her account by e-mail
    r = run("persoon-export", str(lies.id), "--gebruiker", "lid@hw.nl")  # a member of another region
    assert r.exit_code == 1, out(r)
    target = tmp_path / "lies.json"
    r = run("persoon-export", str(lies.id), "--gebruiker", LID, "-o", str(target))
    assert r.exit_code == 0, out(r)
    assert "Lies Lid" in json.dumps(json.loads(target.read_text(encoding="utf-8")), ensure_ascii=False)

    r = run("persoon-wissen", str(lies.id), "--gebruiker", COORD)
    assert r.exit_code == 2 and "--ja" in out(r)
    r = run("persoon-wissen", str(lies.id), "--gebruiker", COORD, "--ja")
    assert r.exit_code == 0, out(r)
    with make_sessionmaker(db)() as s:
        assert s.get(NetwerkPersoon, lies.id) is None
        user = s.get(User, lies.user_id)
        assert not user.actief and "Lies" not in user.naam
    r = run("audit", "--gebruiker", COORD)
    assert r.exit_code == 0 and "wis" in r.output and "Lies" not in r.output


def test_knowledge_questionnaire_and_meetings(db: Engine, tmp_path: Path) -> None:
    past = tmp_path / "terugblikken.csv"
    past.write_text("titel;datum;locatie;regio;doelgroep;tekst;themas;links\n"
                    "Regiodag voorjaar;2026-03-12;Dordrecht;ES18;regio;De coöperatie en warmtenetten besproken.;"
                    "warmtenetten;https://example.nl/verslag\n", encoding="utf-8")  # fmt: skip
    r = run("terugblikken-import", str(past), "--gebruiker", COORD)
    assert r.exit_code == 0 and "1 terugblikken" in out(r), out(r)
    r = run("kennis-zoek", "warmtenet cooperatie", "--gebruiker", LID)
    assert r.exit_code == 0 and "1 gevonden" in r.output and "Regiodag voorjaar" in r.output, out(r)
    r = run("kennis-zoek", "warmtenet")  # the public: the retrospective is for the region only
    assert r.exit_code == 0 and "0 gevonden" in r.output
    r = run("kennis-herindexeer")
    assert r.exit_code == 0 and "1 kennisitems" in r.output

    vragen = tmp_path / "vragen.csv"
    vragen.write_text("code;thema;tekst;soort;opties;verplicht\n"
                      "bronnen;bronnen;Behoefte aan brondata?;schaal;;ja\n"
                      "vorm;organisatie;Welke vorm?;keuze;handreiking|werksessie;nee\n", encoding="utf-8")  # fmt: skip
    r = run("vragenlijst-import", str(vragen), "--jaar", "2026", "--titel", "Informatiebehoefte 2026",
            "--gebruiker", COORD)  # fmt: skip
    assert r.exit_code == 1, out(r)  # only the national programme builds questionnaires
    r = run("vragenlijst-import", str(vragen), "--jaar", "2026", "--titel", "Informatiebehoefte 2026",
            "--gebruiker", ADMIN, "--open")  # fmt: skip
    assert r.exit_code == 0 and "2 vragen" in r.output, out(r)
    with make_sessionmaker(db)() as s:
        lijst = s.scalar(select(Vragenlijst))
        assert lijst.status == "open"
    r = run("vragenlijst-resultaten", str(lijst.id), "--gebruiker", LID)
    assert r.exit_code == 0 and "bronnen" in r.output, out(r)

    r = run("bijeenkomsten", "--gebruiker", LID, "--alle")
    assert r.exit_code == 0 and "Regiodag voorjaar" in r.output, out(r)
    assert "2026-03-12 10:00" in r.output  # Dutch time, as imported
    r = run("herinneringen")
    assert r.exit_code == 2 and "SMTP" in out(r)
    r = run("ical", "999", "--gebruiker", LID)
    assert r.exit_code == 1 and "999" in out(r)
