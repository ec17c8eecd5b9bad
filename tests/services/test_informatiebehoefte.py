"""The information-needs inventory on both databases: building a questionnaire (every bad field at once), the
CSV import of questions, the status rules, who may answer for whom, answer validation and replacement, the
aggregation checked by hand, the year comparison after a copy, who sees open answers, and the CSV/XLSX export.

A tiny region ES18 with three gemeenten (and ES17 with one) and a user of every role."""

from __future__ import annotations

import csv
import functools
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import hash_password
from warmteregio.services import informatiebehoefte as ib
from warmteregio.services.netwerk import NetwerkError
from warmteregio.store.models import (
    AuditRegel,
    Gemeente,
    ResRegio,
    User,
    Vragenlijst,
    VragenlijstInzending,
    VragenlijstWaarde,
)

pytestmark = pytest.mark.db

VRAGEN = [
    {"code": "wn", "thema": "warmtenetten", "tekst": "Behoefte aan kennis over warmtenetten?", "soort": "schaal",
     "verplicht": True},
    {"code": "iso", "thema": "Isolatie en besparing", "tekst": "Behoefte aan kennis over isolatie?", "soort": "schaal"},
    {"code": "cap", "thema": "organisatie", "tekst": "Capaciteit?", "soort": "keuze",
     "opties": ["voldoende", "krap", "onvoldoende"]},
    {"code": "vorm", "thema": "organisatie", "tekst": "Welke vorm?", "soort": "meerkeuze",
     "opties": "gids|sessie|model"},
    {"code": "open", "thema": "organisatie", "tekst": "Nog iets?", "soort": "open"},
]  # fmt: skip


@functools.cache
def _hash() -> str:
    return hash_password("een-lang-wachtwoord")


def _seed(s: Session) -> dict[str, User]:
    s.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES17", naam="Hoeksche Waard")])
    s.flush()
    s.add_all([
        Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
        Gemeente(code="GM0590", jaar=2023, naam="Papendrecht", res_code="ES18"),
        Gemeente(code="GM0642", jaar=2023, naam="Zwijndrecht", res_code="ES18"),
        Gemeente(code="GM0642", jaar=2021, naam="Zwijndrecht (oud)", res_code="ES18"),
        Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17"),
    ])  # fmt: skip
    users = {
        "admin": User(email="nplw@example.nl", naam="NPLW", rol="admin"),
        "co18": User(email="co18@example.nl", naam="Co 18", rol="regiocoordinator", res_code="ES18"),
        "co17": User(email="co17@example.nl", naam="Co 17", rol="regiocoordinator", res_code="ES17"),
        "dordt": User(email="gm@dordrecht.nl", naam="Dordt", rol="gemeente", gemeente_code="GM0505"),
        "pap": User(email="gm@papendrecht.nl", naam="Pap", rol="gemeente", gemeente_code="GM0590"),
        "hw": User(email="gm@hw.nl", naam="HW", rol="gemeente", gemeente_code="GM1963"),
        "kijker": User(email="kijker@example.nl", naam="Kijker", rol="viewer"),
    }
    for u in users.values():
        u.password_hash = _hash()
    s.add_all(users.values())
    s.flush()
    return users


def _status(exc: pytest.ExceptionInfo[NetwerkError]) -> int:
    return exc.value.status


def _lijst(s: Session, admin: User, jaar: int = 2025, **extra: object) -> Vragenlijst:
    return ib.create_vragenlijst(s, admin, {"jaar": jaar, "titel": f"Informatiebehoefte {jaar}", "vragen": VRAGEN,
                                            **extra})  # fmt: skip


def test_build_refuses_every_bad_field_at_once(session: Session) -> None:
    u = _seed(session)
    data = {
        "reeks": "Met Spaties", "jaar": 1999, "titel": "  ", "open_tot": "31-12-2025",
        "vragen": [
            {"code": "a b", "thema": "", "tekst": "Vraag?", "soort": "schaal", "opties": ["x"]},
            {"code": "k", "thema": "data", "tekst": "Keuze?", "soort": "keuze", "opties": "alleen"},
            {"code": "K", "thema": "data", "tekst": "Dubbel?", "soort": "schaal"},
            {"code": "z", "thema": "data", "tekst": "", "soort": "slider", "verplicht": "misschien"},
        ],
    }  # fmt: skip
    with pytest.raises(NetwerkError) as exc:
        ib.create_vragenlijst(session, u["admin"], data)
    assert _status(exc) == 400
    velden = {f["veld"] for f in exc.value.fouten}
    assert velden >= {"reeks", "jaar", "titel", "open_tot", "vragen.1.code", "vragen.1.thema", "vragen.1.opties",
                      "vragen.2.opties", "vragen.3.code", "vragen.4.tekst", "vragen.4.soort",
                      "vragen.4.verplicht"}  # fmt: skip
    assert all(f["nl"] and f["en"] and f["nl"] != f["en"] for f in exc.value.fouten)
    assert "vraag 2" in exc.value.nl and "question 2" in exc.value.en
    assert session.scalar(select(func.count()).select_from(Vragenlijst)) == 0
    # only administrators build; anonymous users are not logged in
    with pytest.raises(NetwerkError) as exc:
        _lijst(session, u["co18"])
    assert _status(exc) == 403
    with pytest.raises(NetwerkError) as exc:
        _lijst(session, None)  # type: ignore[arg-type]
    assert _status(exc) == 401
    # one questionnaire per series and year
    _lijst(session, u["admin"])
    with pytest.raises(NetwerkError) as exc:
        _lijst(session, u["admin"])
    assert [f["veld"] for f in exc.value.fouten] == ["jaar"]


def test_questions_from_csv() -> None:
    good = ("\ufeffcode;thema;tekst;soort;opties;verplicht\n"
            "wn;Warmtenetten;Behoefte warmtenetten?;schaal;;ja\n"
            "\n"
            "cap;organisatie;Capaciteit?;keuze;voldoende|krap;nee\n").encode()  # fmt: skip
    vragen = ib.vragen_uit_csv(good)
    assert vragen == [
        {"code": "wn", "thema": "warmtenetten", "tekst": "Behoefte warmtenetten?", "soort": "schaal", "opties": [],
         "verplicht": True},
        {"code": "cap", "thema": "organisatie", "tekst": "Capaciteit?", "soort": "keuze",
         "opties": ["voldoende", "krap"], "verplicht": False},
    ]  # fmt: skip
    bad = ("code,thema,tekst,soort,opties\n"
           "a,data,Eerste?,schaal,\n"
           "b,data,,keuze,een\n"
           "A,data,Dubbel?,schaal,\n").encode("cp1252")  # fmt: skip
    with pytest.raises(NetwerkError) as exc:
        ib.vragen_uit_csv(bad)
    fouten = [(f["rij"], f["veld"]) for f in exc.value.fouten]
    assert fouten == [(3, "tekst"), (3, "opties"), (4, "code")]
    assert "rij 3" in exc.value.nl and "row 4" in exc.value.en
    with pytest.raises(NetwerkError) as exc:
        ib.vragen_uit_csv(b"code;thema;vraag\nx;y;z\n")
    assert exc.value.fouten[0]["rij"] == 1 and "tekst, soort" in exc.value.nl and "vraag" in exc.value.en
    with pytest.raises(NetwerkError):
        ib.vragen_uit_csv(b"   ")


def test_status_rules_and_answering(session: Session) -> None:
    u = _seed(session)
    vl = _lijst(session, u["admin"], open_tot="2025-12-31")
    # a concept is for administrators only
    assert ib.list_vragenlijsten(session, u["dordt"]) == []
    with pytest.raises(NetwerkError) as exc:
        ib.get_vragenlijst(session, u["dordt"], vl.id)
    assert _status(exc) == 404
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["admin"], vl.id, "GM0505", {"wn": 3})
    assert _status(exc) == 409
    # questions change in concept (stale versie refused), not after opening
    with pytest.raises(NetwerkError) as exc:
        ib.update_vragenlijst(session, u["admin"], vl.id, {"titel": "x"}, versie=7)
    assert _status(exc) == 409
    vl = ib.update_vragenlijst(session, u["admin"], vl.id, {"vragen": [*VRAGEN[:4], {**VRAGEN[4], "tekst": "Nog?"}]},
                               versie=vl.versie)  # fmt: skip
    assert [v.code for v in vl.vragen] == ["wn", "iso", "cap", "vorm", "open"] and vl.vragen[4].tekst == "Nog?"
    assert vl.vragen[1].thema == "isolatie"  # label recognised as theme code
    with pytest.raises(NetwerkError) as exc:
        ib.zet_status(session, u["admin"], vl.id, "gesloten")
    assert _status(exc) == 409
    with pytest.raises(NetwerkError) as exc:
        ib.zet_status(session, u["admin"], vl.id, "open", vandaag=date(2026, 1, 1))  # open_tot passed
    assert exc.value.fouten[0]["veld"] == "open_tot"
    with pytest.raises(NetwerkError) as exc:
        ib.zet_status(session, u["co18"], vl.id, "open")
    assert _status(exc) == 403
    ib.zet_status(session, u["admin"], vl.id, "open", vandaag=date(2025, 6, 1))
    with pytest.raises(NetwerkError) as exc:
        ib.update_vragenlijst(session, u["admin"], vl.id, {"vragen": VRAGEN})
    assert _status(exc) == 409
    ib.update_vragenlijst(session, u["admin"], vl.id, {"toelichting": "Graag voor 1 december."})
    assert [v.id for v in ib.list_vragenlijsten(session, u["kijker"])] == [vl.id]

    # who answers for whom
    assert ib.respondenten(session, u["dordt"]) == [("GM0505", "Dordrecht")]
    assert ib.respondenten(session, u["co18"]) == [("ES18", "Drechtsteden")]
    assert ib.respondenten(session, u["kijker"]) == []
    assert [c for c, _ in ib.respondenten(session, u["admin"])] == ["ES17", "ES18", "GM0505", "GM1963", "GM0590",
                                                                    "GM0642"]  # fmt: skip
    juni = date(2025, 6, 1)
    for who, respondent in (("dordt", "GM0590"), ("co18", "GM0505"), ("co17", "ES18"), ("kijker", "GM0505")):
        with pytest.raises(NetwerkError) as exc:
            ib.beantwoord(session, u[who], vl.id, respondent, {"wn": 3}, vandaag=juni)
        assert _status(exc) == 403, who
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["admin"], vl.id, "XX12", {"wn": 3}, vandaag=juni)
    assert _status(exc) == 400
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["admin"], vl.id, "GM9999", {"wn": 3}, vandaag=juni)
    assert _status(exc) == 404

    # every bad answer at once, nothing stored
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["dordt"], vl.id, "gm0505", {"iso": 6, "cap": "veel", "vorm": ["gids", "boek"],
                                                             "nope": 1}, vandaag=juni)  # fmt: skip
    assert sorted(f["veld"] for f in exc.value.fouten) == ["cap", "iso", "nope", "vorm", "wn"]
    assert session.scalar(select(func.count()).select_from(VragenlijstInzending)) == 0

    # answer, then replace: a left-out answer disappears, a changed one changes
    inz = ib.beantwoord(session, u["dordt"], vl.id, "GM0505", {"wn": "4", "iso": 2, "cap": "krap",
                                                               "vorm": "sessie|gids", "open": "Meer voorbeelden"},
                        vandaag=juni)  # fmt: skip
    assert inz.res_code == "ES18" and len(inz.waarden) == 5
    inz = ib.beantwoord(session, u["dordt"], vl.id, "GM0505", {"wn": 5, "vorm": ["model"]}, vandaag=juni)
    session.expire_all()
    stored = ib.antwoorden_van(ib.inzending(session, u["dordt"], vl.id, "GM0505"), vl.vragen)
    assert stored == {"wn": 5, "vorm": ["model"]}
    assert session.scalar(select(func.count()).select_from(VragenlijstWaarde)) == 2
    assert session.scalar(select(func.count()).select_from(VragenlijstInzending)) == 1
    # reading one respondent's answers: who may answer for it, its region's coordinator, administrators
    assert ib.inzending(session, u["co18"], vl.id, "GM0505") is not None
    assert ib.inzending(session, u["admin"], vl.id, "GM0590") is None
    for who in ("pap", "co17", "kijker"):
        with pytest.raises(NetwerkError) as exc:
            ib.inzending(session, u[who], vl.id, "GM0505")
        assert _status(exc) == 403
    # after open_tot, and when closed, no answers; reopening allows them again
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["dordt"], vl.id, "GM0505", {"wn": 1}, vandaag=date(2026, 1, 1))
    assert _status(exc) == 409
    ib.zet_status(session, u["admin"], vl.id, "gesloten")
    with pytest.raises(NetwerkError) as exc:
        ib.beantwoord(session, u["co18"], vl.id, "ES18", {"wn": 1}, vandaag=juni)
    assert _status(exc) == 409
    ib.zet_status(session, u["admin"], vl.id, "open", vandaag=juni)
    ib.beantwoord(session, u["co18"], vl.id, "ES18", {"wn": 1}, vandaag=juni)
    acties = session.scalars(select(AuditRegel.actie).where(AuditRegel.objecttype == "vragenlijst_inzending")).all()
    assert sorted(acties) == ["maak", "maak", "wijzig"]


def _antwoorden(session: Session, u: dict[str, User], vl: Vragenlijst) -> None:
    ib.zet_status(session, u["admin"], vl.id, "open")
    ib.beantwoord(session, u["dordt"], vl.id, "GM0505", {"wn": 5, "iso": 2, "cap": "krap", "vorm": ["gids", "sessie"],
                                                         "open": "Dordtse wens"})  # fmt: skip
    ib.beantwoord(session, u["pap"], vl.id, "GM0590", {"wn": 3, "iso": 4, "cap": "krap", "vorm": ["gids"]})
    ib.beantwoord(session, u["co18"], vl.id, "ES18", {"wn": 4})
    ib.beantwoord(session, u["hw"], vl.id, "GM1963", {"wn": 2, "iso": 5, "cap": "voldoende", "open": "HW wens"})


def test_results_by_hand_and_open_answers(session: Session) -> None:
    u = _seed(session)
    vl = _lijst(session, u["admin"], jaar=2026)
    _antwoorden(session, u, vl)
    r = ib.resultaten(session, u["kijker"], vl.id)
    wn = r.vraag("wn")  # 5, 3, 4 (ES18) and 2 (ES17)
    assert wn.n == 4 and wn.gemiddelde == pytest.approx(3.5)
    assert wn.per_regio == {"ES17": pytest.approx(2.0), "ES18": pytest.approx(4.0)}
    assert r.vraag("cap").verdeling == {"voldoende": 1, "krap": 2, "onvoldoende": 0}
    assert r.vraag("vorm").verdeling == {"gids": 2, "sessie": 1, "model": 0}
    # theme x region: ES18 warmtenetten (5+3+4)/3 = 4, isolatie (2+4)/2 = 3; nationally warmtenetten 3.5 < isolatie
    # (2+4+5)/3 = 3.67, so isolatie comes first
    assert r.per_thema_regio[("warmtenetten", "ES18")] == pytest.approx(4.0)
    assert r.per_thema_regio[("isolatie", "ES18")] == pytest.approx(3.0)
    assert r.thema_volgorde == ["isolatie", "warmtenetten", "organisatie"]
    respons = {p.res_code: (p.ingevuld, p.gemeenten, p.regio_ingevuld) for p in r.respons}
    assert respons == {"ES17": (1, 1, False), "ES18": (2, 3, True)}  # Zwijndrecht counted once (newest division)
    # open answers: counts for everybody, texts for administrators and the respondent's coordinator
    assert r.vraag("open").n == 2 and r.vraag("open").open_antwoorden == []
    zicht = {
        who: [a.tekst for a in ib.resultaten(session, u[who], vl.id).vraag("open").open_antwoorden]
        for who in ("admin", "co18", "co17", "dordt")
    }
    assert zicht == {"admin": ["HW wens", "Dordtse wens"], "co18": ["Dordtse wens"], "co17": ["HW wens"], "dordt": []}
    # one region
    es18 = ib.resultaten(session, u["kijker"], vl.id, regio="es18")
    assert es18.regio == "ES18" and es18.vraag("wn").gemiddelde == pytest.approx(4.0)
    assert [p.res_code for p in es18.respons] == ["ES18"]
    with pytest.raises(NetwerkError) as exc:
        ib.resultaten(session, None, vl.id)
    assert _status(exc) == 401
    with pytest.raises(NetwerkError) as exc:
        ib.resultaten(session, u["kijker"], vl.id, regio="ES99")
    assert _status(exc) == 404


def test_year_comparison_after_copy(session: Session) -> None:
    u = _seed(session)
    vorig = _lijst(session, u["admin"], jaar=2025)
    ib.zet_status(session, u["admin"], vorig.id, "open")
    ib.beantwoord(session, u["dordt"], vorig.id, "GM0505", {"wn": 2, "iso": 4})
    ib.beantwoord(session, u["pap"], vorig.id, "GM0590", {"wn": 3})
    ib.zet_status(session, u["admin"], vorig.id, "gesloten")
    nieuw = ib.kopieer_vragenlijst(session, u["admin"], vorig.id, 2026)
    assert (nieuw.reeks, nieuw.jaar, nieuw.status, nieuw.titel) == ("informatiebehoefte", 2026, "concept",
                                                                    "Informatiebehoefte 2026")  # fmt: skip
    assert [(v.code, v.soort, v.opties) for v in nieuw.vragen] == [(v.code, v.soort, v.opties) for v in vorig.vragen]
    with pytest.raises(NetwerkError) as exc:
        ib.kopieer_vragenlijst(session, u["admin"], vorig.id, 2026)
    assert _status(exc) == 409
    # a concept year is left out of the comparison
    assert ib.vergelijking(session, u["kijker"], "informatiebehoefte").jaren == [2025]
    ib.zet_status(session, u["admin"], nieuw.id, "open")
    ib.beantwoord(session, u["dordt"], nieuw.id, "GM0505", {"wn": 5, "iso": 4})
    ib.beantwoord(session, u["hw"], nieuw.id, "GM1963", {"wn": 1})
    v = ib.vergelijking(session, u["kijker"], "informatiebehoefte")
    assert v.jaren == [2025, 2026]
    wn = next(row for row in v.rows if row.code == "wn")
    assert wn.per_jaar == {2025: pytest.approx(2.5), 2026: pytest.approx(3.0)} and wn.verschil == pytest.approx(0.5)
    assert [row.code for row in v.rows] == ["wn", "iso"]  # scale questions only
    es18 = ib.vergelijking(session, u["kijker"], "informatiebehoefte", regio="ES18")
    assert next(row for row in es18.rows if row.code == "wn").per_jaar[2026] == pytest.approx(5.0)
    with pytest.raises(NetwerkError) as exc:
        ib.vergelijking(session, u["kijker"], "bestaat-niet")
    assert _status(exc) == 404


def test_export_csv_and_xlsx(session: Session) -> None:
    u = _seed(session)
    vl = _lijst(session, u["admin"], jaar=2026)
    _antwoorden(session, u, vl)
    data = ib.export_resultaten(session, u["kijker"], vl.id, "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == list(ib.EXPORT_KOLOMMEN)
    wn = {r["regio"]: r for r in rows if r["code"] == "wn"}
    assert (wn["totaal"]["n"], wn["totaal"]["gemiddelde"], wn["ES18"]["gemiddelde"]) == ("4", "3.50", "4.00")
    cap = next(r for r in rows if r["code"] == "cap" and r["regio"] == "totaal")
    assert cap["verdeling"] == "voldoende: 1 | krap: 2 | onvoldoende: 0"
    assert "Dordtse wens" not in data.decode("utf-8-sig")

    viewer_wb = load_workbook(io.BytesIO(ib.export_resultaten(session, u["kijker"], vl.id, "xlsx")))
    assert viewer_wb.sheetnames == ["Resultaten", "Respons", "Thema x regio"]
    wb = load_workbook(io.BytesIO(ib.export_resultaten(session, u["admin"], vl.id, "XLSX")))
    assert wb.sheetnames == ["Resultaten", "Respons", "Thema x regio", "Open antwoorden"]
    respons = [list(r) for r in wb["Respons"].iter_rows(values_only=True)]
    assert respons[2] == ["ES18", "Drechtsteden", 3, 2, pytest.approx(0.6667), "ja"]
    matrix = [list(r) for r in wb["Thema x regio"].iter_rows(values_only=True)]
    assert matrix[0] == ["thema", "totaal", "ES17", "ES18"] and matrix[1][0] == "isolatie"
    assert sorted(r[4] for r in list(wb["Open antwoorden"].iter_rows(values_only=True))[1:]) == ["Dordtse wens",
                                                                                             "HW wens"]  # fmt: skip
    with pytest.raises(NetwerkError) as exc:
        ib.export_resultaten(session, u["kijker"], vl.id, "pdf")
    assert _status(exc) == 400
    assert session.scalar(select(func.count()).select_from(AuditRegel).where(AuditRegel.actie == "export")) == 3
