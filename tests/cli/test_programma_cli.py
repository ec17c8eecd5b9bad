"""``warmteregio programma``: the whole lifecycle from the command line (maak, plan, tekst, partner and participation,
stap, toetsen, status, toon, document, overzicht), export/import of the plans, drafting from a real run, and bad
input (exit 2, Dutch and English) or no permission (exit 1). Both databases, on the small region of the service
tests (ES18) plus Papendrecht."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from warmteregio.cli import app
from warmteregio.programme import document as doc
from warmteregio.programme.regels import actualisatie_datum, load_rules
from warmteregio.services import afweging, assessment
from warmteregio.settings import get_settings
from warmteregio.store.db import make_sessionmaker
from warmteregio.store.models import ProgrammaDocument, User, Warmteprogramma

SERVICES = Path(__file__).resolve().parents[1] / "services"
sys.path.insert(0, str(SERVICES))
from test_programma import CODES, seed_extra  # noqa: E402

_spec = importlib.util.spec_from_file_location("programma_cli_seed", SERVICES / "conftest.py")
_seed = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_seed)

pytestmark = pytest.mark.db
GM = "gm@dordrecht.nl"
VASTGESTELD = date.today() - timedelta(days=30)


def _out(result) -> str:  # noqa: ANN001
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


@pytest.fixture
def db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    _seed.seed_kosten_regio(engine)
    seed_extra(engine)
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    afweging.clear_cache()
    yield engine
    get_settings.cache_clear()
    afweging.clear_cache()


@pytest.fixture
def snel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap renderers for the publications (the real ones are tested in the service tests)."""
    for f in ("pdf", "docx"):
        monkeypatch.setattr(doc, f"render_{f}", lambda p, _f=f, **kw: f"{_f} {p.gemeente_code} {p.status}".encode())


def run(*args: str):  # noqa: ANN201
    return CliRunner().invoke(app, ["programma", *args])


def ok(*args: str):  # noqa: ANN201
    result = run(*args)
    assert result.exit_code == 0, _out(result)
    return result


def test_lifecycle_from_the_command_line(db: Engine, snel, tmp_path: Path) -> None:
    made = ok("maak", "--gemeente", "gm0505", "--gebruiker", GM, "--zonder-analyse")
    assert "warmteprogramma 1: versie 1 van GM0505 aangemaakt / created (4 buurten, zonder analyse)" in made.output
    assert "1 versies" in ok("lijst", "--gebruiker", GM).output
    assert "0 versies" in ok("lijst").output  # the public sees no concept
    for code in CODES:
        ok("plan", "1", code, "--gebruiker", GM, "--veld", "alternatief=all_electric", "--veld", "startjaar=2030",
           "--veld", "doeljaar=2035")  # fmt: skip
    text = tmp_path / "tekst.md"
    text.write_text("Tekst van het hoofdstuk.\n\n- punt", encoding="utf-8")
    for h in load_rules().hoofdstukken:
        ok("tekst", "1", h.code, "--bestand", str(text), "--gebruiker", GM)
    partner = ok("partner-toevoegen", "--gemeente", "GM0505", "--gebruiker", GM, "--organisatie", "Stedin", "--soort",
                 "netbeheerder", "--email", "contact@stedin.net")  # fmt: skip
    assert "partner 1: Stedin (netbeheerder)" in partner.output
    moment = ok("participatie-toevoegen", "--gemeente", "GM0505", "--gebruiker", GM, "--datum",
                (VASTGESTELD - timedelta(days=60)).isoformat(), "--soort", "bijeenkomst", "--titel", "Startavond",
                "--inbreng", "Vragen over kosten", "--reactie", "Beantwoord in hoofdstuk 5", "--partner", "1",
                "--buurt", "BU05050101", "--deelnemers", "40")  # fmt: skip
    assert "participatiemoment 1" in moment.output
    assert (
        "stap start: gereed (eigenaar Team warmte)"
        in ok("stap", "1", "start", "--gebruiker", GM, "--status", "gereed", "--eigenaar", "Team warmte").output
    )
    checks = ok("toetsen", "1", "--gebruiker", GM, "--streng")
    assert "perspectief_2050" in checks.output and "grondslag:" in checks.output
    assert "Geen blokkerende toetsen / no blocking checks" in checks.output

    published = ok("status", "1", "consultatie", "--gebruiker", GM, "--consultatie-tot",
                   (date.today() + timedelta(days=42)).isoformat())  # fmt: skip
    assert "warmteprogramma 1: consultatie" in published.output
    assert "warmteprogramma-GM0505-v1-consultatie.pdf" in published.output
    ok("status", "1", "concept", "--gebruiker", GM)
    adopted = ok("status", "1", "vaststellen", "--gebruiker", GM, "--datum", VASTGESTELD.isoformat(), "--besluit",
                 "Raadsbesluit 2026/42", "--door", "gemeenteraad")  # fmt: skip
    due = actualisatie_datum(VASTGESTELD)
    assert f"vastgesteld op {VASTGESTELD.isoformat()} (Raadsbesluit 2026/42)" in adopted.output
    assert f"update due {due.isoformat()}" in adopted.output
    with make_sessionmaker(db)() as s:
        prog = s.get(Warmteprogramma, 1)
        assert (prog.status, prog.actualisatie_uiterlijk, prog.vastgesteld_door) == ("vastgesteld", due, "gemeenteraad")
        assert len(s.scalars(select(ProgrammaDocument)).all()) == 6

    shown = ok("toon", "1")  # public now
    assert "Warmteprogramma 1: Warmteprogramma Dordrecht" in shown.output and "Publicaties" in shown.output
    assert "BU05050101  Binnenstad" in shown.output and "all_electric" in shown.output
    html = tmp_path / "uit" / "programma.html"
    made_doc = run("document", "1", "--formaat", "html", "--uit", str(html))
    assert made_doc.exit_code == 0 and "warmteprogramma-GM0505-v1-vastgesteld.html" in _out(made_doc)
    assert "Dordrecht" in html.read_text(encoding="utf-8")
    immutable = run("plan", "1", "BU05050101", "--gebruiker", GM, "--veld", "startjaar=2031")
    assert immutable.exit_code == 2 and "kan niet meer worden gewijzigd" in immutable.output
    assert "can no longer be changed" in immutable.output

    ok("maak", "--gemeente", "GM0505", "--gebruiker", GM, "--zonder-analyse")
    overview = ok("overzicht", "--regio", "ES18", "--gebruiker", "co@example.nl")
    assert "Regio ES18 Drechtsteden" in overview.output and "versie 2: concept" in overview.output
    assert "GM0590" in overview.output and "geen warmteprogramma" in overview.output
    assert "Buurten per startjaar" in overview.output and "2030:   4 buurten" in overview.output


def test_export_and_import_of_the_plans(db: Engine, tmp_path: Path) -> None:
    ok("maak", "--gemeente", "GM0505", "--gebruiker", GM, "--zonder-analyse")
    out = tmp_path / "plannen.csv"
    ok("export-plannen", "1", "--uit", str(out), "--gebruiker", GM)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["buurt_code"] for r in rows] == CODES
    rows[0]["startjaar"], rows[0]["alternatief"] = "2029", "warmtenet"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    imported = ok("import-plannen", "1", str(out), "--gebruiker", GM, "--versie", "1")
    assert "4 rijen, 1 buurtplannen bijgewerkt / 4 rows, 1 plans updated (versie/version 2)" in imported.output
    stdout = ok("export-plannen", "1", "--gebruiker", GM).output
    assert "BU05050101;Binnenstad;1200;;warmtenet" in stdout
    xlsx = tmp_path / "plannen.xlsx"
    ok("export-plannen", "1", "--formaat", "xlsx", "--uit", str(xlsx), "--gebruiker", GM)
    assert "0 buurtplannen bijgewerkt" in ok("import-plannen", "1", str(xlsx), "--gebruiker", GM).output

    bad = tmp_path / "fout.csv"
    bad.write_text("buurt_code;startjaar\nBU05050101;2019\nBU05900101;2030\n", encoding="utf-8")
    refused = run("import-plannen", "1", str(bad), "--gebruiker", GM)
    text = _out(refused)
    assert refused.exit_code == 2, text
    assert "rij 2, kolom startjaar: startjaar: 2019 ligt niet tussen 2020 en 2050" in text
    assert "row 3, column buurt_code: neighbourhood BU05900101 is not part of this heat programme" in text
    with make_sessionmaker(db)() as s:
        assert s.get(Warmteprogramma, 1).versie == 2


def test_draft_from_a_real_run(db: Engine) -> None:
    with make_sessionmaker(db)() as s:
        run_id = assessment.start_run(s, "ES18", "vesta2020", None, 2030, {}, s.get(User, 1)).id
        s.commit()
    made = ok("maak", "--gemeente", "GM0505", "--gebruiker", GM, "--run", str(run_id))
    assert f"(4 buurten, analyse {run_id})" in made.output
    ok("plan", "1", "BU05050101", "--gebruiker", GM, "--veld", "alternatief=warmtenet")
    drafted = ok("uit-analyse", "1", "--gebruiker", GM, "--overschrijven")
    assert f"4 buurten uit beoordeling {run_id}" in drafted.output
    with make_sessionmaker(db)() as s:
        plans = s.get(Warmteprogramma, 1).plannen
        assert all(p.alternatief == p.analyse_voorkeur and p.nationale_kosten_weq is not None for p in plans)
    listing = ok("toon", "1", "--gebruiker", "co@example.nl").output
    assert f"analyse       beoordeling {run_id} (vesta2020" in listing


@pytest.mark.parametrize(
    ("args", "code", "nl", "en"),
    [
        (["maak", "--gemeente", "GM0505", "--gebruiker", "co@example.nl"], 1, "niet wijzigen", "may not change"),
        (
            ["maak", "--gemeente", "GM0505", "--gebruiker", "niemand@example.nl"],
            1,
            "geen actieve gebruiker",
            "no active user",
        ),
        (["maak", "--gemeente", "Dordrecht", "--gebruiker", GM], 2, "gemeentecode", "municipality code"),
        (
            ["plan", "1", "BU05050101", "--gebruiker", GM, "--veld", "startjaar=2030", "--versie", "7"],
            2,
            "intussen gewijzigd",
            "changed in the meantime",
        ),
        (
            ["plan", "1", "BU05050101", "--gebruiker", GM, "--veld", "fase=klaar", "--veld", "doeljaar=3000"],
            2,
            "fase: onbekende fase",
            "target year: 3000 is not between 2020 and 2050",
        ),
        (["plan", "1", "BU05050101", "--gebruiker", GM], 2, "minstens één --veld", "at least one --veld"),
        (["plan", "1", "BU05050101", "--gebruiker", GM, "--veld", "startjaar"], 2, "veld=waarde", "field=value"),
        (["status", "1", "afgerond", "--gebruiker", GM], 2, "onbekende status", "unknown status"),
        (
            ["status", "1", "vaststellen", "--gebruiker", GM, "--besluit", "R", "--datum", VASTGESTELD.isoformat()],
            2,
            "vaststellen kan nog niet",
            "cannot adopt yet",
        ),
        (
            ["status", "1", "vaststellen", "--gebruiker", GM],
            2,
            "datum van vaststelling ontbreekt",
            "decision reference (e.g. council decision 2026/123) is missing",
        ),
        (["toetsen", "1", "--gebruiker", GM, "--streng"], 3, "Vaststellen geblokkeerd", "adoption blocked"),
        (["toetsen", "1", "--datum", "morgen"], 2, "geen datum", "not a date"),
        (["toon", "1"], 1, "niet openbaar", "not public"),
        (["toon", "9"], 1, "niet gevonden", "not found"),
        (["overzicht", "--regio", "ES18", "--gebruiker", "kijker@example.nl"], 1, "niet inzien", "may not see"),
        (
            ["document", "1", "--formaat", "odt", "--uit", "x.odt", "--gebruiker", GM],
            2,
            "onbekend formaat",
            "unknown format",
        ),
        (["export-plannen", "1", "--formaat", "xlsx"], 2, "uitvoerbestand", "output file"),
        (
            [
                "partner-toevoegen",
                "--gemeente",
                "GM0505",
                "--gebruiker",
                GM,
                "--organisatie",
                "X",
                "--soort",
                "bank",
                "--email",
                "x",
            ],
            2,
            "onbekende soort",
            "not a valid e-mail address",
        ),
        (
            [
                "participatie-toevoegen",
                "--gemeente",
                "GM0505",
                "--gebruiker",
                GM,
                "--datum",
                "2099-01-01",
                "--soort",
                "zienswijze",
                "--titel",
                "Te vroeg",
            ],
            2,
            "in de toekomst",
            "in the future",
        ),
    ],
)
def test_bad_input_and_permissions(db: Engine, args, code, nl, en) -> None:
    ok("maak", "--gemeente", "GM0505", "--gebruiker", GM, "--zonder-analyse")
    result = run(*args)
    text = _out(result)
    assert result.exit_code == code, text
    assert nl in text and en in text, text
