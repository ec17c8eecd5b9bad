"""The Drechtsteden demo's heat-source registry: HVC Dordrecht with the figures the shipped data support and
their evidence, a gemeente for every source from its location, first versions on load, nothing invented, and a
second load that changes nothing. Both databases."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.demo.loader import load_demo, packaged_source_codes
from warmteregio.services import bronnen
from warmteregio.store.models import Warmtebron, WarmtebronVersie

pytestmark = pytest.mark.db


def test_demo_registry(session: Session) -> None:
    load_demo(session)
    session.commit()
    hvc = bronnen.source_info(session, "HTHP0002")
    assert (hvc.naam, hvc.status, hvc.categorie, hvc.temperatuurklasse, hvc.gemeente_code, hvc.eigenaar) == (
        "HVC Afvalcentrale Dordrecht", "bestaand", "afvalverbranding", "HT", "GM0505", "HVC")  # fmt: skip
    assert hvc.beschikbaar_gj_per_jaar == pytest.approx(1235769.696)
    # unknown figures stay empty: the allocation fills documented defaults; no end year (that is a scenario)
    for name in ("temperatuur_c", "capaciteit_mw", "startjaar", "eindjaar", "betrouwbaarheid", "warmteprijs_eur_gj",
                 "aansluitkosten_eur_kw", "co2_kg_per_gj"):  # fmt: skip
        assert getattr(hvc, name) is None, name
    for name in ("status", "categorie", "temperatuurklasse", "eigenaar", "beschikbaar_gj_per_jaar"):
        assert hvc.bewijs[name]["bron"].startswith("quintel/etm-warmtemodule"), name
    history = bronnen.source_history(session, "HTHP0002")
    assert [v.actie for v in history][-1] == "geimporteerd" and history[0].actie == "gewijzigd"
    assert "status" in history[0].wijzigingen and history[0].door is None
    record = bronnen.source_record(bronnen.get_source(session, "HTHP0002"))
    assert (record.status, record.booster_nodig, record.gemeente_code) == ("bestaand", None, "GM0505")
    codes = packaged_source_codes()
    region = bronnen.sources_for_region(session, "ES18")
    assert "HTHP0002" in {w.code for w in region}
    for w in region:  # the gemeente of each source is the one its location lies in
        assert w.gemeente_code == bronnen.gemeente_at(session, w.x, w.y), w.code
    es18 = {"GM0482", "GM0505", "GM0523", "GM0531", "GM0590", "GM0610", "GM0642"}
    inside = [w for w in region if w.gemeente_code in es18]
    assert len(inside) >= 10  # sources inside the region are placed in their gemeente
    versions = session.scalar(select(func.count(WarmtebronVersie.id)))
    assert versions >= len(codes)
    # a second load changes nothing in the registry
    snapshots = {w.code: bronnen.snapshot(w) for w in session.scalars(select(Warmtebron))}
    load_demo(session)
    session.commit()
    assert session.scalar(select(func.count(WarmtebronVersie.id))) == versions
    assert {w.code: bronnen.snapshot(w) for w in session.scalars(select(Warmtebron))} == snapshots
    assert json.loads(bronnen.get_source(session, "HTHP0002").bewijs)["status"]["toelichting"]
