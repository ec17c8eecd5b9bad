"""The activity overview of a region on both databases: each list follows the visibility rules of its module
(meetings by audience, knowledge by read rule and the 90-day window, questions by visibility), the programme
status per gemeente from the workbench, the response to the open questionnaire, and the latest changes only for
those who manage the region. Rows are made directly with the ORM so the test does not depend on the other
services' write paths."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from warmteregio.services import netwerk_activiteit as act
from warmteregio.services.netwerk import NetwerkError, audit
from warmteregio.store.models import (
    Bijeenkomst,
    Gemeente,
    Kennisitem,
    NetwerkPersoon,
    ResRegio,
    User,
    Vraag,
    Vragenlijst,
    VragenlijstInzending,
    Warmteprogramma,
)

pytestmark = pytest.mark.db

NU = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _seed(s: Session) -> dict[str, object]:
    s.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES17", naam="Hoeksche Waard")])
    s.flush()
    s.add_all([
        Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
        Gemeente(code="GM0590", jaar=2023, naam="Papendrecht", res_code="ES18"),
        Gemeente(code="GM0642", jaar=2023, naam="Zwijndrecht", res_code="ES18"),
        Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17"),
    ])  # fmt: skip
    users = {
        "admin": User(email="nplw@example.nl", naam="NPLW", rol="admin"),
        "co18": User(email="co18@example.nl", naam="Co 18", rol="regiocoordinator", res_code="ES18"),
        "co17": User(email="co17@example.nl", naam="Co 17", rol="regiocoordinator", res_code="ES17"),
        "dordt": User(email="gm@dordrecht.nl", naam="Dordt", rol="gemeente", gemeente_code="GM0505"),
        "kijker": User(email="kijker@example.nl", naam="Kijker", rol="viewer"),
    }
    for u in users.values():
        u.password_hash = "-"  # never logs in here
    s.add_all(users.values())
    s.flush()

    def meeting(titel: str, dagen: float, doelgroep: str, res: str | None, status: str = "gepland") -> Bijeenkomst:
        start = NU + timedelta(days=dagen)
        return Bijeenkomst(titel=titel, start=start, eind=start + timedelta(hours=3), locatie="Dordrecht",
                           doelgroep=doelgroep, res_code=res, status=status)  # fmt: skip

    def item(titel: str, dagen: float | None, zichtbaarheid: str, res: str, status: str = "gepubliceerd",
             auteur: User | None = None) -> Kennisitem:  # fmt: skip
        return Kennisitem(soort="studie", titel=titel, zichtbaarheid=zichtbaarheid, status=status, res_code=res,
                          gepubliceerd_op=None if dagen is None else NU - timedelta(days=dagen),
                          auteur_id=auteur.id if auteur else None)  # fmt: skip

    def vraag(titel: str, dagen: float, zichtbaarheid: str, res: str, status: str = "open") -> Vraag:
        return Vraag(titel=titel, tekst="?", res_code=res, zichtbaarheid=zichtbaarheid, status=status,
                     gemaakt=NU - timedelta(days=dagen))  # fmt: skip

    rows: dict[str, object] = {
        "b_regio": meeting("Regio-overleg", 7, "regio", "ES18"),
        "b_leden": meeting("Landelijke dag", 3, "leden", None),
        "b_coord": meeting("Coördinatorenoverleg", 5, "coordinatoren", None),
        "b_oud": meeting("Vorig overleg", -7, "regio", "ES18"),
        "b_es17": meeting("Overleg HW", 2, "regio", "ES17"),
        "b_af": meeting("Afgelast", 1, "regio", "ES18", status="geannuleerd"),
        "k_leden": item("Studie leden", 10, "leden", "ES18"),
        "k_regio": item("Studie regio", 5, "regio", "ES18"),
        "k_publiek": item("Studie publiek", 20, "publiek", "ES18"),
        "k_oud": item("Oude studie", 200, "leden", "ES18"),
        "k_concept": item("Concept", None, "leden", "ES18", status="concept"),
        "k_prive": item("Privé", 2, "prive", "ES18", auteur=users["co17"]),
        "k_es17": item("Studie HW", 1, "leden", "ES17"),
        "v_open": vraag("Vraag leden", 3, "leden", "ES18"),
        "v_regio": vraag("Vraag regio", 1, "regio", "ES18"),
        "v_klaar": vraag("Beantwoord", 2, "leden", "ES18", status="beantwoord"),
        "v_es17": vraag("Vraag HW", 1, "leden", "ES17"),
        "p1": Warmteprogramma(gemeente_code="GM0505", volgnummer=1, titel="Warmteprogramma 2025", status="vastgesteld",
                              vastgesteld_op=date(2025, 6, 1), actualisatie_uiterlijk=date(2030, 6, 1)),
        "p2": Warmteprogramma(gemeente_code="GM0505", volgnummer=2, titel="Herziening", status="concept"),
    }  # fmt: skip
    s.add_all(rows.values())  # type: ignore[arg-type]
    vl = Vragenlijst(reeks="informatiebehoefte", jaar=2026, titel="Informatiebehoefte 2026", status="open")
    s.add(vl)
    s.flush()
    s.add_all([
        VragenlijstInzending(vragenlijst_id=vl.id, respondent=code, res_code=res)
        for code, res in (("GM0505", "ES18"), ("ES18", "ES18"), ("GM1963", "ES17"))
    ])  # fmt: skip
    audit(s, users["admin"], "maak", "bijeenkomst", 1, res_code="ES18", velden=["titel"])
    audit(s, users["co18"], "wijzig", "bijeenkomst", 1, res_code="ES18", velden=["start"])
    audit(s, users["co17"], "maak", "kennisitem", 2, res_code="ES17")
    s.flush()
    return {**users, **rows, "vl": vl}


def _titels(items: list) -> list[str]:
    return [i.titel for i in items]


def test_overview_per_role(session: Session) -> None:
    r = _seed(session)
    a = act.overzicht(session, r["dordt"], "es18", nu=NU)
    assert (a.res_code, a.naam) == ("ES18", "Drechtsteden")
    assert _titels(a.komende_bijeenkomsten) == ["Landelijke dag", "Regio-overleg"]
    assert _titels(a.nieuwe_kennis) == ["Studie regio", "Studie leden", "Studie publiek"]
    assert _titels(a.open_vragen) == ["Vraag regio", "Vraag leden"]
    assert [(p["gemeente_code"], p["status"]) for p in a.programmas] == [
        ("GM0505", "concept"), ("GM0590", None), ("GM0642", None)]  # fmt: skip
    dordrecht = a.programmas[0]
    assert dordrecht["programma_id"] == r["p2"].id and dordrecht["actualisatie_uiterlijk"] == date(2030, 6, 1)
    assert dordrecht["deadline"] is not None
    assert {k: a.vragenlijst[k] for k in ("id", "ingevuld", "gemeenten", "regio_ingevuld")} == {
        "id": r["vl"].id, "ingevuld": 1, "gemeenten": 3, "regio_ingevuld": True}  # fmt: skip
    assert a.wijzigingen == []
    assert a.kernteam == [] and a.contacten == {}

    # who is who: the region's coordinator and account holder, and the contacts per gemeente (directory)
    session.add_all([
        NetwerkPersoon(naam="Cor Coördinator", rol="coordinator", res_code="ES18"),
        NetwerkPersoon(naam="Anna Accounthouder", rol="accounthouder", res_code="ES18"),
        NetwerkPersoon(naam="Dirk Dordt", rol="contact", res_code="ES18", gemeente_code="GM0505"),
        NetwerkPersoon(naam="Elders", rol="coordinator", res_code="ES17"),
    ])  # fmt: skip
    session.flush()
    a = act.overzicht(session, r["dordt"], "ES18", nu=NU)
    assert [(p.naam, p.rol) for p in a.kernteam] == [("Cor Coördinator", "coordinator"),
                                                      ("Anna Accounthouder", "accounthouder")]  # fmt: skip
    assert {gm: [p.naam for p in ps] for gm, ps in a.contacten.items()} == {"GM0505": ["Dirk Dordt"]}

    # a viewer without a region: no regional meeting, item or question; the concept programme stays hidden
    k = act.overzicht(session, r["kijker"], "ES18", nu=NU)
    assert _titels(k.komende_bijeenkomsten) == ["Landelijke dag"]
    assert _titels(k.nieuwe_kennis) == ["Studie leden", "Studie publiek"]
    assert _titels(k.open_vragen) == ["Vraag leden"]
    assert (k.programmas[0]["status"], k.programmas[0]["programma_id"]) == ("vastgesteld", r["p1"].id)

    # the region's coordinator also sees the coordinators' meeting and the region's latest changes
    c = act.overzicht(session, r["co18"], "ES18", nu=NU)
    assert _titels(c.komende_bijeenkomsten) == ["Landelijke dag", "Coördinatorenoverleg", "Regio-overleg"]
    assert [(w.actie, w.res_code) for w in c.wijzigingen] == [("wijzig", "ES18"), ("maak", "ES18")]
    other = act.overzicht(session, r["co17"], "ES18", nu=NU)
    assert other.wijzigingen == [] and "Regio-overleg" not in _titels(other.komende_bijeenkomsten)
    assert _titels(other.nieuwe_kennis)[0] == "Privé"  # the author reads her private item
    # administrators read everything published (not concepts) and see the changes
    adm = act.overzicht(session, r["admin"], "ES18", nu=NU)
    assert "Concept" not in _titels(adm.nieuwe_kennis) and len(adm.wijzigingen) == 2
    # a region without programmes, questionnaire answers or meetings
    hw = act.overzicht(session, r["kijker"], "ES17", nu=NU)
    assert hw.programmas == [] and hw.vragenlijst["ingevuld"] == 1 and hw.vragenlijst["gemeenten"] == 1

    for user, code, status in ((None, "ES18", 401), (r["kijker"], "ES99", 404), (r["kijker"], "XX", 400)):
        with pytest.raises(NetwerkError) as exc:
            act.overzicht(session, user, code, nu=NU)
        assert exc.value.status == status


def test_national_counts(session: Session) -> None:
    r = _seed(session)
    rows = {x["res_code"]: x for x in act.landelijk_overzicht(session, r["dordt"], nu=NU)}
    assert rows["ES18"] == {"res_code": "ES18", "naam": "Drechtsteden", "bijeenkomsten": 1, "kennis": 3, "vragen": 2}
    assert (rows["ES17"]["bijeenkomsten"], rows["ES17"]["kennis"], rows["ES17"]["vragen"]) == (0, 1, 1)
    kijker = {x["res_code"]: x for x in act.landelijk_overzicht(session, r["kijker"], nu=NU)}
    assert (kijker["ES18"]["bijeenkomsten"], kijker["ES18"]["kennis"], kijker["ES18"]["vragen"]) == (0, 2, 1)
    with pytest.raises(NetwerkError) as exc:
        act.landelijk_overzicht(session, None)
    assert exc.value.status == 401


def test_the_90_day_window_with_a_local_time(session: Session) -> None:
    """``nu`` in Dutch time is the same moment (SQLite compares the stored UTC text)."""
    from zoneinfo import ZoneInfo

    r = _seed(session)
    session.add(Kennisitem(soort="studie", titel="Op de grens", zichtbaarheid="leden", status="gepubliceerd",
                           res_code="ES18", gepubliceerd_op=NU - timedelta(days=90, minutes=-30)))  # fmt: skip
    session.flush()
    lokaal = NU.astimezone(ZoneInfo("Europe/Amsterdam"))  # 11:00+01:00
    assert "Op de grens" in _titels(act.overzicht(session, r["dordt"], "ES18", nu=lokaal).nieuwe_kennis)
    rows = {x["res_code"]: x for x in act.landelijk_overzicht(session, r["dordt"], nu=lokaal)}
    assert rows["ES18"]["kennis"] == 4
