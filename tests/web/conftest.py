"""Fixtures for the API tests: a small Drechtsteden-like region seeded with the ORM on both databases.

Geometry (RD New, metres):
- RES region ES16 with gemeenten Dordrecht (GM0505, square 103000-108000 x 422000-427000) and Papendrecht
  (GM0590, square 108000-111000 x 426000-429000), both in 2024; Dordrecht also in 2023.
- Region ES17 with Utrecht (GM0344, about 40 km away) in province PV26.
- Buurten 2024 in Dordrecht: five 500 m squares along y=424000 (BU05050101..BU05050105, the last schematic),
  one buurt with only a centroid (BU05050201), one in Papendrecht and one in Utrecht; Dordrecht has one buurt
  in 2023 too.
- Heat sources: one in Dordrecht, one in Papendrecht, one 10 km east of the region, one in Utrecht.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import shapely
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import Engine

from warmteregio.accounts.service import create_user
from warmteregio.settings import Settings
from warmteregio.store.db import make_engine, make_sessionmaker, session_scope
from warmteregio.store.models import (
    Buurt,
    BuurtLabel,
    Gebouwgroep,
    Gemeente,
    ParameterSet,
    ParameterWaarde,
    Provincie,
    ResRegio,
    Warmtebron,
    Wijk,
)
from warmteregio.web.app import create_app

SECRET = "test-secret-key-for-api-tests"
API = "/api/v1"
PASSWORD = "correct horse battery"


def box(x: float, y: float, size: float) -> bytes:
    return shapely.box(x, y, x + size, y + size).wkb


def seed_region(engine: Engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        s.add_all([Provincie(code="PV28", naam="Zuid-Holland"), Provincie(code="PV26", naam="Utrecht")])
        s.flush()
        s.add_all(
            [
                ResRegio(code="ES16", naam="Drechtsteden", provincie_code="PV28"),
                ResRegio(code="ES17", naam="Regio U16", provincie_code="PV26"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Gemeente(
                    code="GM0505",
                    jaar=2024,
                    naam="Dordrecht",
                    res_code="ES16",
                    provincie_code="PV28",
                    geometry=shapely.box(103000, 422000, 108000, 427000).wkb,
                    geometry_bron="test: vierkant",
                ),
                Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES16", provincie_code="PV28"),
                Gemeente(
                    code="GM0590",
                    jaar=2024,
                    naam="Papendrecht",
                    res_code="ES16",
                    provincie_code="PV28",
                    geometry=shapely.box(108000, 426000, 111000, 429000).wkb,
                ),
                Gemeente(
                    code="GM0344",
                    jaar=2024,
                    naam="Utrecht",
                    res_code="ES17",
                    provincie_code="PV26",
                    geometry=shapely.box(133000, 453000, 140000, 460000).wkb,
                ),
                Wijk(code="WK050501", jaar=2024, naam="Centrum", gemeente_code="GM0505"),
                Wijk(code="WK050502", jaar=2024, naam="Noord", gemeente_code="GM0505"),
            ]
        )
        for i in range(1, 6):
            x = 103000 + (i - 1) * 600
            s.add(
                Buurt(
                    code=f"BU050501{i:02d}",
                    jaar=2024,
                    naam=f"Buurt {i}",
                    wijk_code="WK050501",
                    gemeente_code="GM0505",
                    centroid_x=x + 250,
                    centroid_y=424250,
                    geometry=box(x, 424000, 500),
                    geometry_schematisch=i == 5,
                    geometry_bron="schematisch" if i == 5 else "CBS wijkenbuurtkaart 2024",
                    aantal_woningen=100 * i,
                    weq=120.0 * i,
                    vraag_totaal_gj=2500.0 * i,
                    bestaand_warmtenet_aandeel=0.1 if i == 1 else 0.0,
                )
            )
        s.add(
            Buurt(
                code="BU05050201",
                jaar=2024,
                naam="Alleen centroide",
                wijk_code="WK050502",
                gemeente_code="GM0505",
                centroid_x=106000,
                centroid_y=426000,
                vraag_totaal_gj=1000.0,
            )
        )
        s.add(
            Buurt(
                code="BU05050101",
                jaar=2023,
                naam="Buurt 1 (oud)",
                wijk_code="WK050501",
                gemeente_code="GM0505",
                centroid_x=103250,
                centroid_y=424250,
                geometry=box(103000, 424000, 500),
                vraag_totaal_gj=2400.0,
            )
        )
        s.add(
            Buurt(
                code="BU05900101",
                jaar=2024,
                naam="Papendrecht Centrum",
                wijk_code="WK059001",
                gemeente_code="GM0590",
                centroid_x=109250,
                centroid_y=427250,
                geometry=box(109000, 427000, 500),
                vraag_totaal_gj=3000.0,
            )
        )
        s.add(
            Buurt(
                code="BU03440101",
                jaar=2024,
                naam="Utrecht Binnenstad",
                wijk_code="WK034401",
                gemeente_code="GM0344",
                centroid_x=136250,
                centroid_y=456250,
                geometry=box(136000, 456000, 500),
                vraag_totaal_gj=9000.0,
            )
        )
        s.flush()
        first = s.query(Buurt).filter_by(code="BU05050101", jaar=2024).one()
        first.opp_woningen_m2 = 9000.0
        first.vraag_ruimteverwarming_gj = 2000.0
        first.vraag_tapwater_gj = 400.0
        first.vraag_ventilatie_gj = 50.0
        first.vraag_koude_gj = 10.0
        first.vraag_apparaten_gj = 40.0
        first.labels = [
            BuurtLabel(label="C", aantal=60, bron="EP-online"),
            BuurtLabel(label="A", aantal=40, afgeleid=True),
        ]
        first.gebouwgroepen = [
            Gebouwgroep(
                sector="woning",
                type="Rijwoning",
                bouwperiode="1965-1974",
                aantal=80,
                gem_epi=2.1,
                gem_oppervlakte_m2=95.0,
                totaal_oppervlakte_m2=7600.0,
            ),
            Gebouwgroep(sector="woning", type="Appartement", bouwperiode="2015-", aantal=20, gem_epi=0.8),
        ]
        s.add_all(
            [
                Warmtebron(
                    code="AVI0001",
                    naam="AVI Dordrecht",
                    categorie="afvalverbranding",
                    temperatuurklasse="HT",
                    beschikbaar_gj_per_jaar=1_500_000,
                    capaciteit_mw=60,
                    x=105000,
                    y=423000,
                    status="bestaand",
                    buurten_in_bereik="BU05050101,BU05050102",
                ),
                Warmtebron(
                    code="TEO0002",
                    naam="Oppervlaktewater Merwede",
                    categorie="aquathermie_teo",
                    temperatuurklasse="LT",
                    beschikbaar_gj_per_jaar=80_000,
                    x=110000,
                    y=428000,
                    status="potentieel",
                ),
                Warmtebron(
                    code="DC0003",
                    naam="Datacenter oost",
                    categorie="datacenter",
                    temperatuurklasse="LT",
                    x=121000,
                    y=426000,
                    status="gepland",
                ),
                Warmtebron(
                    code="RWZI0004",
                    naam="RWZI Utrecht",
                    categorie="rwzi",
                    temperatuurklasse="LT",
                    x=137000,
                    y=457000,
                    status="bestaand",
                ),
            ]
        )
        oud = ParameterSet(
            naam="vesta",
            versie="2020",
            beschrijving="Vesta MAIS kentallen 2020",
            aangemaakt=datetime(2021, 1, 1, tzinfo=UTC),
        )
        nieuw = ParameterSet(
            naam="vesta",
            versie="2025",
            beschrijving="Vesta MAIS kentallen 2025",
            aangemaakt=datetime(2025, 6, 1, tzinfo=UTC),
        )
        oud.waarden = [ParameterWaarde(naam="discontovoet", waarde="0.04", waarde_num=0.04, eenheid="-")]
        nieuw.waarden = [
            ParameterWaarde(naam="discontovoet", waarde="0.03", waarde_num=0.03, eenheid="-", bron="PBL"),
            ParameterWaarde(naam="gasprijs", jaar=2030, waarde="0.9", waarde_num=0.9, eenheid="EUR/m3"),
        ]
        s.add_all([oud, nieuw])


def add_coordinator(engine: Engine) -> int:
    """Create a regional coordinator for ES16 (an argon2 hash: slow, so only where needed); returns the id."""
    with session_scope(make_sessionmaker(engine)) as s:
        user = create_user(
            s,
            email="coordinator@example.nl",
            naam="Co Ördinator",
            password=PASSWORD,
            rol="regiocoordinator",
            res_code="ES16",
        )
        return user.id


def make_client(engine: Engine, *, raise_server_exceptions: bool = True) -> TestClient:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), secret_key=SECRET)
    return TestClient(create_app(settings, engine), raise_server_exceptions=raise_server_exceptions)


def session_cookie(user_id: int) -> str:
    """A Starlette session cookie value for ``user_id``, signed like ``SessionMiddleware`` does."""
    payload = base64.b64encode(json.dumps({"uid": user_id}).encode())
    return TimestampSigner(SECRET).sign(payload).decode()


@pytest.fixture
def client_for():
    """``client_for(engine, raise_server_exceptions=True)``: a TestClient on ``engine`` (not seeded)."""
    return make_client


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """The test ``engine`` with the small region seeded."""
    seed_region(engine)
    return engine


@pytest.fixture
def api_client(seeded: Engine) -> Iterator[TestClient]:
    """A client on a seeded database (SQLite and PostgreSQL in turn)."""
    with make_client(seeded) as client:
        yield client


@pytest.fixture
def coordinator_cookie(seeded: Engine) -> str:
    """A signed session cookie of a freshly created regional coordinator, as after logging in."""
    return session_cookie(add_coordinator(seeded))


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """An app on an empty, unmigrated SQLite file: enough for OpenAPI checks that touch no table."""
    path = tmp_path_factory.mktemp("api") / "leeg.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    return create_app(Settings(database_url=f"sqlite:///{path}", secret_key=SECRET), engine)


@pytest.fixture(scope="module")
def openapi_doc(bare_app: FastAPI) -> dict:
    with TestClient(bare_app) as client:
        response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()
