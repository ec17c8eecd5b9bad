"""The demo's warmteprogramma's (``warmteregio demo programmas``, part of ``make run``) on both databases, and the
story of issue 6: Dordrecht's official drafts the programme from the analysis, the checks say what is missing, the
coordinator sees all seven programmes of Drechtsteden with their status and the cross-border conflicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.demo.loader import DEMO_EMAIL, GEMEENTEN, load_demo
from warmteregio.demo.programmas import RWZI_ZWIJNDRECHT, WARMTENET_BAANHOEK, create_demo_programmes
from warmteregio.services import assessment
from warmteregio.services import programma as svc
from warmteregio.store.models import ProgrammaDocument, User, Warmteprogramma


def _user(s: Session, email: str) -> User:
    return s.scalar(select(User).where(func.lower(User.email) == email))


def test_demo_programmes_and_the_dordrecht_story(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        load_demo(s)
        run = assessment.start_run(s, "ES18", "vesta2025", None, 2030, {}, _user(s, DEMO_EMAIL))
        assert run.status == "klaar"
        s.commit()

    result = create_demo_programmes(session_factory)
    assert result.nieuw == 6
    status = {(gm, nr): st for gm, _id, nr, st in result.programmas}
    assert status == {
        ("GM0610", 1): "vervallen", ("GM0610", 2): "vastgesteld", ("GM0642", 1): "vastgesteld",
        ("GM0590", 1): "consultatie", ("GM0531", 1): "concept", ("GM0482", 1): "concept", ("GM0523", 1): "concept",
    }  # fmt: skip

    with session_factory() as s:
        # published versions keep their documents; the look-back of Sliedrecht compares with the 2021 vision
        sliedrecht = s.scalar(select(Warmteprogramma).where(Warmteprogramma.gemeente_code == "GM0610",
                                                            Warmteprogramma.volgnummer == 2))  # fmt: skip
        assert sliedrecht.actualisatie_uiterlijk == date(2031, 11, 12)
        docs = s.scalars(select(ProgrammaDocument).where(ProgrammaDocument.programma_id == sliedrecht.id)).all()
        assert {d.formaat for d in docs} == {"html", "pdf", "docx"}
        assert next(d for d in docs if d.formaat == "pdf").inhoud.startswith(b"%PDF")
        terugblik = svc.terugblik(s, None, sliedrecht.id)  # public: adopted
        assert terugblik is not None and terugblik.samenvatting["vertraagd"] >= 1

        # Dordrecht's official drafts the programme from the analysis; the checks say what is missing
        official = _user(s, "ambtenaar.dordrecht@warmteregio.nl")
        prog = svc.create_programma(s, official, "GM0505")
        s.commit()
        snap = svc.snapshot(s, prog)
        assert len(snap.plannen) == 130
        assert sum(p.analyse_voorkeur is not None for p in snap.plannen) > 100
        assert all(p.analyse_uitleg_nl for p in snap.plannen if p.analyse_voorkeur)
        failing = {t.code for t in svc.toetsen(s, official, prog.id) if t.status == "fout"}
        assert {"participatie", "hoofdstukken"} <= failing
        coordinator = _user(s, DEMO_EMAIL)
        pdf, media, _name = svc.document(s, coordinator, prog.id, "pdf")
        assert media == "application/pdf" and pdf.startswith(b"%PDF")

        # the coordinator sees all seven programmes, their status and the conflicts
        overview = svc.regional_overview(s, coordinator, "ES18")
        assert sorted(g["code"] for g in overview["gemeenten"]) == sorted(GEMEENTEN)
        assert all(g["programma"] is not None for g in overview["gemeenten"])
        kinds = {(c.soort, c.bron_code or c.warmtenet) for c in overview["conflicten"]}
        assert ("bron_capaciteit", RWZI_ZWIJNDRECHT) in kinds
        assert ("warmtenet_keuze", WARMTENET_BAANHOEK) in kinds

    again = create_demo_programmes(session_factory)
    assert again.nieuw == 0
