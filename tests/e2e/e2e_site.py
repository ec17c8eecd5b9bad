"""Seed data and constants shared by the browser tests (real Drechtsteden codes, square polygons)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import shapely
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.services import assessment
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Buurt, BuurtLabel, Gebouwgroep, Gemeente, Provincie, ResRegio, Warmtebron, Wijk

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WARMTEREGIO_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VENDOR = ROOT / "src" / "warmteregio" / "web" / "static" / "vendor"

USER_EMAIL = "coordinator@example.nl"
USER_PASSWORD = "e2e-wachtwoord-123"
USER_NAME = "Sanne de Regio"
#: A municipal official of Dordrecht (warmteprogramma: edits GM0505's programme).
GEMEENTE_EMAIL = "dordrecht@example.nl"
GEMEENTE_PASSWORD = "e2e-gemeente-wachtwoord"
GEMEENTE_NAME = "Gert de Gemeente"

# code, name, centroid x, centroid y [RD New, m], dwellings, WEQ, heat demand [GJ/yr], schematic
BUURTEN = [
    ("BU05050100", "Nieuwe Haven en omgeving", 105033, 425647, 475, 557, 23_952, False),
    ("BU05050101", "Groenmarkt en omgeving", 105094, 425385, 466, 599, 25_146, False),
    ("BU05050102", "Grote Markt en omgeving", 105346, 425552, 378, 460, 16_084, False),
    ("BU05050103", "Wijnstraat en omgeving", 105464, 425825, 227, 301, 14_751, True),
    ("BU05050104", "Kalkhaven", 104537, 425205, 126, 156, 7_188, False),
    ("BU05900001", "Westpolder", 106179, 427191, 4221, 5338, 165_466, False),
    ("BU05900002", "Molenvliet", 106874, 428400, 1374, 1592, 50_932, False),
    ("BU05900003", "Kraaihoek", 107017, 426798, 3118, 3785, 102_193, False),
]
SOURCES = [
    ("HTHP0002", "HVC Afvalcentrale Dordrecht", "afvalverbranding", "HT", 1_235_769.7, 110_212, 425_400),
    ("TEOHP0001", "TEO Merwede Papendrecht", "aquathermie_teo", "LT", 48_000.0, 107_300, 427_400),
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    engine: Engine


def seed(engine: Engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.add(ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"))
        s.flush()
        s.add_all(
            [
                Gemeente(
                    code="GM0505",
                    jaar=2023,
                    naam="Dordrecht",
                    res_code="ES18",
                    provincie_code="PV28",
                    geometry=shapely.box(103_500, 424_000, 111_000, 426_500).wkb,
                ),
                Gemeente(
                    code="GM0590",
                    jaar=2023,
                    naam="Papendrecht",
                    res_code="ES18",
                    provincie_code="PV28",
                    geometry=shapely.box(105_500, 426_500, 108_500, 429_000).wkb,
                ),
                Wijk(code="WK050501", jaar=2023, naam="Binnenstad", gemeente_code="GM0505"),
                Wijk(code="WK059000", jaar=2023, naam="Papendrecht", gemeente_code="GM0590"),
            ]
        )
        for code, naam, x, y, woningen, weq, vraag, schematisch in BUURTEN:
            half = 100 if code.startswith("BU0505") else 250
            buurt = Buurt(
                code=code,
                jaar=2023,
                naam=naam,
                wijk_code="WK" + code[2:8],
                gemeente_code="GM" + code[2:6],
                centroid_x=x,
                centroid_y=y,
                geometry=shapely.box(x - half, y - half, x + half, y + half).wkb,
                geometry_schematisch=schematisch,
                aantal_woningen=woningen,
                aantal_utiliteit=weq - woningen,
                weq_woningen=woningen,
                weq_utiliteit=weq - woningen,
                weq=weq,
                vraag_totaal_gj=vraag,
                vraag_ruimteverwarming_gj=vraag * 0.75,
                vraag_tapwater_gj=vraag * 0.15,
                vraag_ventilatie_gj=vraag * 0.02,
                vraag_koude_gj=vraag * 0.01,
                vraag_apparaten_gj=vraag * 0.07,
                bestaand_warmtenet_aandeel=0.0,
                bron="e2e seed",
            )
            buurt.labels = [
                BuurtLabel(label="A", aantal=woningen * 0.3, afgeleid=True),
                BuurtLabel(label="C", aantal=woningen * 0.5, afgeleid=True),
                BuurtLabel(label="F", aantal=woningen * 0.2, afgeleid=True),
            ]
            buurt.gebouwgroepen = [
                Gebouwgroep(
                    sector="woning",
                    type="Apartment",
                    bouwperiode="< 1945",
                    aantal=woningen,
                    gem_epi=2.4,
                    totaal_oppervlakte_m2=woningen * 75.0,
                ),
            ]
            s.add(buurt)
        for code, naam, categorie, klasse, gj, x, y in SOURCES:
            s.add(
                Warmtebron(
                    code=code,
                    naam=naam,
                    categorie=categorie,
                    temperatuurklasse=klasse,
                    beschikbaar_gj_per_jaar=gj,
                    x=x,
                    y=y,
                    status="bestaand",
                )
            )
        s.flush()
        user = create_user(
            s, email=USER_EMAIL, naam=USER_NAME, password=USER_PASSWORD, rol="regiocoordinator", res_code="ES18"
        )
        create_user(s, email=GEMEENTE_EMAIL, naam=GEMEENTE_NAME, password=GEMEENTE_PASSWORD, rol="gemeente",
                    gemeente_code="GM0505")  # fmt: skip
        # one finished assessment, so the cost sections, map layers and downloads are on the pages
        run = assessment.start_run(s, "ES18", "vesta2020", None, 2030, {}, user)
        assert run.status == assessment.STATUS_KLAAR, run.foutmelding


# --- helpers shared by the browser tests ------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def login_as(page, server: LiveServer, email: str, password: str, next_path: str) -> None:  # noqa: ANN001
    """Log in through the login form and land on ``next_path``."""
    page.goto(f"{server.url}/login?next={next_path}")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def run_axe(page) -> list[dict]:  # noqa: ANN001
    """axe-core's WCAG 2.1 A/AA violations on the current page."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` (axe-core is a pinned devDependency)")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:5]]})" for v in violations)
