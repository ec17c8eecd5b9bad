"""The demo's three allocation runs (``warmteregio demo allocaties``, part of ``make run``) on both databases."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.demo.allocaties import HVC, SLUITINGSJAAR, TITEL_BASIS, TITEL_HVC, TITEL_VAST, create_demo_allocations
from warmteregio.demo.loader import DEMO_EMAIL, load_demo
from warmteregio.store.models import AllocatieBuurt, Allocatierun


def test_demo_allocations(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        load_demo(s)
        s.commit()
    result = create_demo_allocations(session_factory, gebruiker=DEMO_EMAIL)
    assert result.nieuw == 3
    assert [t for t, _id, _status in result.runs] == [TITEL_BASIS, TITEL_VAST, TITEL_HVC]
    assert all(status == "klaar" for _t, _id, status in result.runs)
    ids = {t: run_id for t, run_id, _status in result.runs}
    with session_factory() as s:
        vast = s.get(Allocatierun, ids[TITEL_VAST])
        fixed = json.loads(vast.instellingen)["vast_in"]
        assert fixed, "the demo has buurten with an existing heat network"
        rows = {r.buurt_code: r for r in s.scalars(select(AllocatieBuurt).where(AllocatieBuurt.run_id == vast.id))}
        assert len(rows) == 308
        assert all(rows[c].bron_code is not None and rows[c].vastgezet == "in" for c in fixed)
        hvc = s.get(Allocatierun, ids[TITEL_HVC])
        assert hvc.basis_id == vast.id
        assert json.loads(hvc.scenario)["eindjaar"] == {HVC: SLUITINGSJAAR}
        assert hvc.bronjaar == SLUITINGSJAAR + 1
        sources = {b["code"]: b for b in json.loads(hvc.bronnen)}
        assert HVC not in sources  # closed before the source year: not offered
        base_sources = {b["code"]: b for b in json.loads(vast.bronnen)}
        # HVC is offered in the base, with where it comes closest and at which heat price it would pay off
        assert base_sources[HVC]["kans_buurt"] is not None
        assert base_sources[HVC]["breakeven_warmteprijs_eur_gj"] is not None
        assert not s.scalars(select(AllocatieBuurt).where(AllocatieBuurt.run_id == hvc.id,
                                                          AllocatieBuurt.bron_code == HVC)).first()  # fmt: skip
    again = create_demo_allocations(session_factory, gebruiker=DEMO_EMAIL)
    assert again.nieuw == 0 and [i for _t, i, _s in again.runs] == [i for _t, i, _s in result.runs]
