"""The demo's regional network (``warmteregio demo netwerk``, part of ``make run``) on both databases, and the story
of issue 7: a coordinator organises a meeting with two parallel workshops, members register (a full workshop puts the
next on its waiting list), a retrospective is published and found by search, and the information-needs questionnaire
is answered and aggregated per theme and region, compared with last year."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.demo.loader import DEMO_EMAIL, DEMO_PARTICIPANTS, load_demo
from warmteregio.demo.netwerk import NPLW_EMAIL, REGIODAG, WERKATELIER, create_demo_netwerk
from warmteregio.services import bijeenkomsten, informatiebehoefte, kennis
from warmteregio.store.models import Bijeenkomst, User


def _user(s: Session, email: str) -> User:
    return s.scalar(select(User).where(func.lower(User.email) == email))


def test_demo_network_story(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as s:
        load_demo(s)
        s.commit()

    result = create_demo_netwerk(session_factory)
    assert result.nieuw
    assert [t for _id, t in result.bijeenkomsten] == [WERKATELIER, REGIODAG]
    assert [(j, st) for _id, j, st in result.vragenlijsten][1][1] == "open"

    with session_factory() as s:
        coordinator = _user(s, DEMO_EMAIL)
        member = _user(s, DEMO_PARTICIPANTS[2][0])  # Sliedrecht, not yet registered
        regiodag = s.scalar(select(Bijeenkomst).where(Bijeenkomst.titel == REGIODAG))
        workshops = [o for o in sorted(regiodag.onderdelen, key=lambda o: o.id) if o.soort == "workshop"]
        assert len(workshops) == 2 and {o.ronde for o in workshops} == {1}  # two parallel workshops

        bez = bijeenkomsten.bezetting(s, regiodag)
        klein = bez.workshops[workshops[0].id]
        assert (klein.ingedeeld, klein.wachtlijst, klein.vrij) == (3, 1, 0)  # full, one waiting

        # a member registers for the open workshop; choosing the full one would put her on its waiting list
        aanmelding = bijeenkomsten.aanmelden(s, member, regiodag.id, [workshops[1].id])
        s.commit()
        assert aanmelding.status == "aangemeld"
        assert {k.onderdeel_id: k.status for k in aanmelding.keuzes} == {workshops[1].id: "ingedeeld"}
        assert bijeenkomsten.bezetting(s, regiodag).aangemeld == bez.aangemeld + 1
        namen = {r.naam for r in bijeenkomsten.deelnemers(s, coordinator, regiodag.id)}
        assert member.naam in namen

        # who is who: the region's coordinator and account holder, a contact per gemeente with her e-mail
        from warmteregio.services import netwerk_activiteit

        overzicht = netwerk_activiteit.overzicht(s, member, "ES18")
        assert {p.rol for p in overzicht.kernteam} == {"coordinator", "accounthouder"}
        assert len(overzicht.contacten) == 7 and all(p.email for ps in overzicht.contacten.values() for p in ps)

        # the retrospective of last month's workshop is published and found by search (stemmed, no diacritics)
        werkatelier = s.scalar(select(Bijeenkomst).where(Bijeenkomst.titel == WERKATELIER))
        terugblik = kennis.terugblik(s, member, werkatelier.id)
        assert terugblik is not None and terugblik.status == "gepubliceerd"
        assert [b.soort for b in terugblik.bijlagen] == ["foto"]
        assert {r.aanwezig for r in bijeenkomsten.deelnemers(s, coordinator, werkatelier.id)} == {True, False}
        found = kennis.zoek(s, member, "terugblik warmtebronnen verdelen")
        assert terugblik.id in [t.item.id for t in found.treffers]
        assert found.treffers[0].item.id == terugblik.id
        assert any("coöperatie" in t.item.inhoud for t in kennis.zoek(s, member, "cooperatie").treffers)
        assert kennis.zoek(s, member, "warmtenetten").totaal >= 2
        # the public sees only public items
        assert all(t.item.zichtbaarheid == "publiek" for t in kennis.zoek(s, None, "warmtenet").treffers)

        # the best answer of a question became a knowledge item that search finds
        beste = kennis.zoek(s, member, "betaalbaarheid aanwijsbesluit", soort="vraag_antwoord")
        assert beste.totaal == 1

        # the questionnaire is answered by six gemeenten and the region, aggregated and compared with last year
        nplw = _user(s, NPLW_EMAIL)
        huidige = result.vragenlijsten[1][0]
        res = informatiebehoefte.resultaten(s, nplw, huidige)
        assert res.aantal_inzendingen == 7
        es18 = next(r for r in res.respons if r.res_code == "ES18")
        assert (es18.ingevuld, es18.gemeenten, es18.regio_ingevuld) == (6, 7, True)
        assert {t for t, r in res.per_thema_regio if r == "ES18"} >= {"bronnen", "warmtenetten", "participatie"}
        assert res.thema_volgorde and all(1 <= v <= 5 for v in res.per_thema_regio.values())
        vergelijking = informatiebehoefte.vergelijking(s, nplw, "informatiebehoefte")
        assert len(vergelijking.jaren) == 2

    again = create_demo_netwerk(session_factory)
    assert not again.nieuw
