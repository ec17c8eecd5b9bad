"""A small, realistic region for the assessment service tests, seeded through the ORM on both databases.

Region ES18 (Drechtsteden-like) with gemeente GM0505 in 2023 and four buurten with full heat demand by
function, dwellings, utility, WEQ, floor areas, energy labels and building groups; buurt 3 is partly on an
existing heat network and buurt 4 has only a total demand. Figures are in the range of PBL Startanalyse
buurten of that size. Region ES17 has one gemeente without buurten.
"""

from __future__ import annotations

import pytest
import shapely
from sqlalchemy import Engine

from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Buurt, BuurtLabel, Gebouwgroep, Gemeente, Provincie, ResRegio, User

# code, naam, dwellings, utility objects, utility m2, dwelling m2, space heating, tap water, heat-network share
BUURTEN = [
    ("BU05050101", "Binnenstad", 1200, 150, 40_000.0, 96_000.0, 40_000.0, 8_000.0, 0.0),
    ("BU05050102", "Noordflank", 800, 20, 6_000.0, 72_000.0, 30_000.0, 5_500.0, 0.0),
    ("BU05050103", "Stadspolders", 2100, 60, 15_000.0, 210_000.0, 52_000.0, 12_000.0, 0.3),
    ("BU05050104", "Dubbeldam", 650, 5, 1_500.0, 78_000.0, None, None, 0.0),
]


def seed_kosten_regio(engine: Engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(Provincie(code="PV28", naam="Zuid-Holland"))
        s.add_all(
            [
                ResRegio(code="ES18", naam="Drechtsteden", provincie_code="PV28"),
                ResRegio(code="ES17", naam="Hoeksche Waard", provincie_code="PV28"),
            ]
        )
        s.flush()
        s.add_all(
            [
                Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18", provincie_code="PV28"),
                Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17", provincie_code="PV28"),
            ]
        )
        for i, (code, naam, nw, nu, ou, ow, rv, tw, sv) in enumerate(BUURTEN):
            weq_u = ou / 130.0
            b = Buurt(
                code=code,
                jaar=2023,
                naam=naam,
                wijk_code="WK050501",
                gemeente_code="GM0505",
                centroid_x=105_000 + 600 * i,
                centroid_y=425_000,
                geometry=shapely.box(104_750 + 600 * i, 424_750, 105_250 + 600 * i, 425_250).wkb,
                aantal_woningen=nw,
                aantal_utiliteit=nu,
                weq_woningen=float(nw),
                weq_utiliteit=weq_u,
                weq=nw + weq_u,
                opp_woningen_m2=ow,
                opp_utiliteit_m2=ou,
                vraag_ruimteverwarming_gj=rv,
                vraag_tapwater_gj=tw,
                vraag_ventilatie_gj=None if rv is None else rv * 0.02,
                vraag_koude_gj=None if rv is None else rv * 0.01,
                vraag_apparaten_gj=None if rv is None else rv * 0.08,
                vraag_totaal_gj=(rv + tw) * 1.11 if rv is not None else 45_000.0,
                bestaand_warmtenet_aandeel=sv,
                bron="test: Startanalyse-achtig",
            )
            b.labels = [
                BuurtLabel(label="A+", aantal=nw * 0.05, bron="EP-online"),
                BuurtLabel(label="A", aantal=nw * 0.15, bron="EP-online"),
                BuurtLabel(label="C", aantal=nw * 0.35, bron="EP-online"),
                BuurtLabel(label="E", aantal=nw * 0.15, bron="EP-online"),
                BuurtLabel(label="G", aantal=nw * 0.10, bron="EP-online"),
            ]
            b.gebouwgroepen = [
                Gebouwgroep(sector="woning", type="Apartment", bouwperiode="1965-1974", aantal=int(nw * 0.4)),
                Gebouwgroep(sector="woning", type="Terraced house", bouwperiode="1975-1991", aantal=int(nw * 0.6)),
            ]
            s.add(b)
        s.add_all(
            [
                User(id=1, email="co@example.nl", naam="Co Ördinator", password_hash="-", rol="regiocoordinator",
                     res_code="ES18"),
                User(id=2, email="beheer@example.nl", naam="Beheerder", password_hash="-", rol="admin"),
            ]
        )  # fmt: skip


@pytest.fixture
def regio(engine: Engine) -> Engine:
    seed_kosten_regio(engine)
    return engine
