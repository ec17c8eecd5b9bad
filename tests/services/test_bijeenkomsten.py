"""Meetings: creation checks and permissions, visibility per audience, capacity with an ordered waiting list and
promotion, one workshop per round with workshop capacity and waiting lists, deadlines, attendance, iCalendar,
concurrent registrations, and e-mail (invitations, reminders once, promotion, cancellation) to a real local SMTP
server. Both databases."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import hash_password
from warmteregio.network import mail
from warmteregio.services import bijeenkomsten as B
from warmteregio.services.netwerk import NetwerkError, aware
from warmteregio.store.models import Aanmelding, AuditRegel, Gemeente, NetwerkPersoon, ResRegio, User

pytestmark = pytest.mark.db

HASH = hash_password("x" * 12)
NU = datetime.now(UTC).replace(microsecond=0)


def seed(s: Session) -> dict[str, User]:
    """Regions ES18 and ES17 with a gemeente each; users of every role (few: each is a row, no hashing)."""
    s.add_all([ResRegio(code="ES18", naam="Drechtsteden"), ResRegio(code="ES17", naam="Hoeksche Waard")])
    s.flush()
    s.add_all(
        [
            Gemeente(code="GM0505", jaar=2023, naam="Dordrecht", res_code="ES18"),
            Gemeente(code="GM1963", jaar=2023, naam="Hoeksche Waard", res_code="ES17"),
        ]
    )
    spec = {
        "admin": ("admin", {}),
        "co18": ("regiocoordinator", {"res_code": "ES18"}),
        "co17": ("regiocoordinator", {"res_code": "ES17"}),
        "gm1": ("gemeente", {"gemeente_code": "GM0505"}),
        "gm2": ("gemeente", {"gemeente_code": "GM0505"}),
        "gm3": ("gemeente", {"gemeente_code": "GM0505"}),
        "gm17": ("gemeente", {"gemeente_code": "GM1963"}),
        "kijker": ("viewer", {}),
        "oud": ("gemeente", {"gemeente_code": "GM0505", "actief": False}),
    }
    users = {}
    for key, (rol, kw) in spec.items():
        users[key] = User(email=f"{key}@example.nl", naam=key.capitalize(), password_hash=HASH, rol=rol, **kw)
        s.add(users[key])
    s.flush()
    # a viewer with a directory profile in ES18 is a member of that region
    s.add(NetwerkPersoon(naam="Kijker", rol="expert", res_code="ES18", user_id=users["kijker"].id))
    s.flush()
    return users


def at(days: float, hours: float = 0) -> datetime:
    return NU + timedelta(days=days, hours=hours)


def meeting(s: Session, u: User, **kw: Any) -> Any:
    data: dict[str, Any] = {
        "titel": "Regiodag",
        "start": at(10),
        "eind": at(10, 6),
        "locatie": "Dordrecht",
        "doelgroep": "leden",
        **kw,
    }
    return B.create_bijeenkomst(s, u, data)


def workshops(day: float, cap1: int | None = 1) -> list[dict[str, Any]]:
    return [
        {"soort": "plenair", "titel": "Opening", "start": at(day), "eind": at(day, 1)},
        {
            "soort": "workshop",
            "titel": "Aquathermie",
            "ronde": 1,
            "start": at(day, 1),
            "eind": at(day, 2),
            "capaciteit": cap1,
        },
        {"soort": "workshop", "titel": "Participatie", "ronde": 1, "start": at(day, 1), "eind": at(day, 2)},
        {"soort": "workshop", "titel": "Netcongestie", "ronde": 2, "start": at(day, 3), "eind": at(day, 4)},
    ]


def ws_ids(b: Any) -> dict[str, int]:
    return {o.titel: o.id for o in b.onderdelen}


def status(s: Session, b: Any, u: User) -> tuple[str, dict[str, str]]:
    a = s.scalar(select(Aanmelding).where(Aanmelding.bijeenkomst_id == b.id, Aanmelding.user_id == u.id))
    titels = {o.id: o.titel for o in b.onderdelen}
    return a.status, {titels[k.onderdeel_id]: k.status for k in a.keuzes}


# ------------------------------------------------------------------------------------------------ smtp server


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"

    def take(self) -> list[tuple[list[str], EmailMessage]]:
        out, self.received = self.received, []
        return out


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, mail.Mailer]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, mail.Mailer(host="127.0.0.1", port=port, timeout=5)
    finally:
        controller.stop()


def calendar_of(msg: EmailMessage) -> tuple[str, icalendar.Calendar]:
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


# ------------------------------------------------------------------------------------------------------ tests


def test_create_checks_every_field_and_who_may_organise(session: Session) -> None:
    u = seed(session)
    with pytest.raises(NetwerkError) as exc:
        meeting(session, u["kijker"])
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        meeting(session, u["co18"], doelgroep="regio", res_code="ES17")
    assert exc.value.status == 403
    bad = workshops(10)
    bad[1]["ronde"] = None
    bad[2]["start"], bad[2]["eind"] = at(10, 2), at(10, 2.5)  # "parallel" with nothing
    bad.append({"soort": "plenair", "titel": "Borrel", "start": at(10, 5), "eind": at(10, 8)})
    with pytest.raises(NetwerkError) as exc:
        meeting(session, u["admin"], eind=at(9), locatie=None, doelgroep="regio", capaciteit="veel", onderdelen=bad)
    velden = {f["veld"] for f in exc.value.fouten}
    assert {"eind", "locatie", "res_code", "capaciteit", "onderdelen[1].ronde"} <= velden
    assert all(f["nl"] and f["en"] for f in exc.value.fouten)
    with pytest.raises(NetwerkError) as exc:  # the two workshops of round 1 do not run at the same time
        meeting(session, u["admin"], onderdelen=[bad[0], {**bad[1], "ronde": 1}, bad[2], bad[3]])
    assert [f["veld"] for f in exc.value.fouten] == ["onderdelen"] and "ronde 1" in exc.value.nl
    with pytest.raises(NetwerkError) as exc:
        meeting(session, u["admin"], onderdelen=[bad[4]])
    assert exc.value.fouten[0]["veld"] == "onderdelen[0].start"  # outside the meeting

    b = meeting(
        session,
        u["co18"],
        doelgroep="regio",
        start="2030-03-12T09:30",
        eind="2030-03-12T16:00",
        online_url="https://meet.example.nl/x",
        onderdelen=[],
    )
    assert (b.res_code, b.organisator_id, b.status) == ("ES18", u["co18"].id, "gepland")
    assert aware(b.start) == datetime(2030, 3, 12, 8, 30, tzinfo=UTC)  # Dutch local time -> UTC
    assert session.scalar(select(AuditRegel.actie).where(AuditRegel.objecttype == "bijeenkomst")) == "maak"


def test_visibility_per_audience(session: Session) -> None:
    u = seed(session)
    leden = meeting(session, u["admin"], titel="Leden")
    coord = meeting(session, u["admin"], titel="Coördinatoren", doelgroep="coordinatoren")
    regio = meeting(session, u["co18"], titel="ES18", doelgroep="regio")
    cases = {
        "admin": {"Leden", "Coördinatoren", "ES18"},
        "co18": {"Leden", "Coördinatoren", "ES18"},
        "co17": {"Leden", "Coördinatoren"},
        "gm1": {"Leden", "ES18"},
        "gm17": {"Leden"},
        "kijker": {"Leden", "ES18"},
    }
    for key, expected in cases.items():
        assert {b.titel for b in B.list_bijeenkomsten(session, u[key])} == expected, key
    assert [b.titel for b in B.list_bijeenkomsten(session, u["admin"], regio="ES18")] == ["ES18"]
    for anon in (None, u["oud"]):
        with pytest.raises(NetwerkError) as exc:
            B.list_bijeenkomsten(session, anon)
        assert exc.value.status == 401
    with pytest.raises(NetwerkError) as exc:
        B.get_bijeenkomst(session, u["gm17"], regio.id)
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        B.aanmelden(session, u["gm1"], coord.id)
    assert exc.value.status == 403
    assert B.can_register(session, u["gm1"], leden) and not B.can_register(session, u["gm17"], regio)
    assert B.can_manage(session, u["co18"], regio) and not B.can_manage(session, u["co17"], regio)
    assert not B.can_manage(session, u["gm1"], regio)
    with pytest.raises(NetwerkError) as exc:
        B.deelnemers(session, u["gm1"], regio.id)
    assert exc.value.status == 403


def test_capacity_waiting_list_in_order_and_promotion(session: Session) -> None:
    u = seed(session)
    b = meeting(session, u["co18"], capaciteit=2)
    regs = {k: B.aanmelden(session, u[k], b.id) for k in ("gm1", "gm2", "gm3", "kijker")}
    assert [regs[k].status for k in ("gm1", "gm2", "gm3", "kijker")] == [
        "aangemeld",
        "aangemeld",
        "wachtlijst",
        "wachtlijst",
    ]
    assert [B.wachtlijst_positie(session, regs[k]) for k in ("gm1", "gm3", "kijker")] == [None, 1, 2]
    bez = B.bezetting(session, b)
    assert (bez.aangemeld, bez.wachtlijst, bez.capaciteit, bez.vrij) == (2, 2, 2, 0)
    # registering again changes nothing (idempotent)
    assert B.aanmelden(session, u["gm3"], b.id).status == "wachtlijst"

    promoted = B.afmelden(session, u["gm1"], b.id)
    assert promoted == [regs["gm3"]] and regs["gm3"].status == "aangemeld"
    assert B.wachtlijst_positie(session, regs["kijker"]) == 1
    # re-registering after cancelling: at the back of the queue
    again = B.aanmelden(session, u["gm1"], b.id)
    assert again.id == regs["gm1"].id and again.status == "wachtlijst"
    assert B.wachtlijst_positie(session, again) == 2
    rows = B.deelnemers(session, u["co18"], b.id)
    assert [(r.naam, r.status, r.positie) for r in rows] == [
        ("Gm2", "aangemeld", None),
        ("Gm3", "aangemeld", None),
        ("Kijker", "wachtlijst", 1),
        ("Gm1", "wachtlijst", 2),
    ]
    # a manager cancels someone else's registration; the next in line moves up
    assert B.afmelden(session, u["co18"], b.id, user_id=u["gm2"].id) == [regs["kijker"]]
    with pytest.raises(NetwerkError) as exc:
        B.afmelden(session, u["gm2"], b.id)
    assert exc.value.status == 404
    with pytest.raises(NetwerkError) as exc:
        B.afmelden(session, u["gm3"], b.id, user_id=u["gm1"].id)
    assert exc.value.status == 403
    # a larger capacity serves the waiting list
    B.update_bijeenkomst(session, u["co18"], b.id, {"capaciteit": 5}, versie=b.versie)
    assert B.mijn_aanmelding(session, u["gm1"], b.id).status == "aangemeld"
    acties = session.scalars(select(AuditRegel.actie).where(AuditRegel.objecttype == "bijeenkomst")).all()
    assert {"aanmeld", "afmeld", "wijzig"} <= set(acties)


def test_workshops_one_per_round_capacity_and_waiting_lists(session: Session) -> None:
    u = seed(session)
    b = meeting(session, u["co18"], capaciteit=3, onderdelen=workshops(10, cap1=1))
    w = ws_ids(b)
    with pytest.raises(NetwerkError) as exc:
        B.aanmelden(session, u["gm1"], b.id, [w["Aquathermie"], w["Participatie"]])
    assert exc.value.status == 400 and "ronde 1" in exc.value.nl
    with pytest.raises(NetwerkError):
        B.aanmelden(session, u["gm1"], b.id, [w["Opening"]])
    assert session.scalar(select(Aanmelding.id)) is None  # refused before anything was written

    B.aanmelden(session, u["gm1"], b.id, [w["Aquathermie"], w["Netcongestie"]])
    B.aanmelden(session, u["gm2"], b.id, [w["Aquathermie"]])
    assert status(session, b, u["gm1"]) == ("aangemeld", {"Aquathermie": "ingedeeld", "Netcongestie": "ingedeeld"})
    assert status(session, b, u["gm2"]) == ("aangemeld", {"Aquathermie": "wachtlijst"})
    # gm2 switches to the unlimited parallel workshop
    B.aanmelden(session, u["gm2"], b.id, [w["Participatie"]])
    assert status(session, b, u["gm2"]) == ("aangemeld", {"Participatie": "ingedeeld"})
    B.aanmelden(session, u["gm3"], b.id, [w["Aquathermie"]])
    bez = B.bezetting(session, b).workshops[w["Aquathermie"]]
    assert (bez.ingedeeld, bez.wachtlijst, bez.capaciteit, bez.vrij) == (1, 1, 1, 0)
    # the meeting is full: kijker waits, and so do her workshop choices
    B.aanmelden(session, u["kijker"], b.id, [w["Aquathermie"]])
    assert status(session, b, u["kijker"]) == ("wachtlijst", {"Aquathermie": "wachtlijst"})
    assert B.bezetting(session, b).workshops[w["Aquathermie"]].wachtlijst == 1  # only registered participants
    mine = {k: B.mijn_aanmelding(session, u[k], b.id) for k in ("gm3", "kijker")}
    assert B.workshop_posities(session, mine["gm3"]) == {w["Aquathermie"]: 1}  # first in the workshop's queue
    assert B.workshop_posities(session, mine["kijker"]) == {}  # still waiting for the meeting itself
    # gm1 drops Aquathermie (keeps round 2): gm3 gets the place
    B.aanmelden(session, u["gm1"], b.id, [w["Netcongestie"]])
    assert status(session, b, u["gm3"]) == ("aangemeld", {"Aquathermie": "ingedeeld"})
    # gm3 cancels: kijker is promoted into the meeting and into the workshop
    promoted = B.afmelden(session, u["gm3"], b.id)
    assert {type(p).__name__ for p in promoted} == {"Aanmelding", "Workshopkeuze"}
    assert status(session, b, u["kijker"]) == ("aangemeld", {"Aquathermie": "ingedeeld"})
    rows = {r.naam: r for r in B.deelnemers(session, u["admin"], b.id)}
    assert [(t, st) for _, t, st in rows["Kijker"].workshops] == [("Aquathermie", "ingedeeld")]

    # editing the agenda keeps choices of workshops that stay (matched by id or title)
    agenda = [{**o, "id": w[o["titel"]]} for o in workshops(10, cap1=2)]
    agenda[3]["zaal"] = "Zaal 3"
    seq = b.ical_sequence
    B.update_bijeenkomst(session, u["co18"], b.id, {"onderdelen": agenda}, versie=b.versie)
    assert status(session, b, u["gm1"]) == ("aangemeld", {"Netcongestie": "ingedeeld"})
    assert b.ical_sequence == seq + 1
    with pytest.raises(NetwerkError) as exc:
        B.update_bijeenkomst(session, u["co18"], b.id, {"titel": "Oud"}, versie=1)
    assert exc.value.status == 409


def test_deadline_start_and_cancellation_close_registration(session: Session) -> None:
    u = seed(session)
    deadline = meeting(session, u["admin"], aanmelden_tot=at(-1))
    begonnen = meeting(session, u["admin"], start=at(0, -1), eind=at(0, 3))
    for b, woord in ((deadline, "aanmeldtermijn"), (begonnen, "begonnen")):
        assert not B.can_register(session, u["gm1"], b)
        with pytest.raises(NetwerkError) as exc:
            B.aanmelden(session, u["gm1"], b.id)
        assert exc.value.status == 409 and woord in exc.value.nl
    with pytest.raises(NetwerkError) as exc:
        meeting(session, u["admin"], aanmelden_tot=at(11))
    assert exc.value.fouten[0]["veld"] == "aanmelden_tot"
    b = meeting(session, u["admin"])
    B.aanmelden(session, u["gm1"], b.id)
    B.annuleer_bijeenkomst(session, u["admin"], b.id)
    assert b.status == "geannuleerd" and b.ical_sequence == 1
    with pytest.raises(NetwerkError) as exc:
        B.aanmelden(session, u["gm2"], b.id)
    assert exc.value.status == 409
    with pytest.raises(NetwerkError) as exc:
        B.annuleer_bijeenkomst(session, u["admin"], b.id)
    assert exc.value.status == 409


def test_attendance_only_from_the_start(session: Session) -> None:
    u = seed(session)
    b = meeting(session, u["co18"], start=at(1), eind=at(1, 4))
    for k in ("gm1", "gm2"):
        B.aanmelden(session, u[k], b.id)
    with pytest.raises(NetwerkError) as exc:
        B.registreer_aanwezigheid(session, u["co18"], b.id, {u["gm1"].id: True})
    assert exc.value.status == 409
    b.start, b.eind = at(0, -2), at(0, 2)  # the meeting has now begun
    session.flush()
    with pytest.raises(NetwerkError) as exc:
        B.afmelden(session, u["gm1"], b.id)
    assert exc.value.status == 409
    with pytest.raises(NetwerkError) as exc:
        B.registreer_aanwezigheid(session, u["gm1"], b.id, {u["gm1"].id: True})
    assert exc.value.status == 403
    with pytest.raises(NetwerkError) as exc:
        B.registreer_aanwezigheid(session, u["co18"], b.id, {u["gm1"].id: True, u["gm3"].id: True})
    assert exc.value.status == 400 and B.mijn_aanmelding(session, u["gm1"], b.id).aanwezig is None
    assert B.registreer_aanwezigheid(session, u["co18"], b.id, {u["gm1"].id: True, str(u["gm2"].id): False}) == 2
    assert [r.aanwezig for r in B.deelnemers(session, u["co18"], b.id)] == [True, False]


def test_ical_of_a_meeting_and_my_agenda_parse(session: Session) -> None:
    u = seed(session)
    b = meeting(session, u["co18"], titel="Regiodag; warmte, bronnen", onderdelen=workshops(10))
    w = ws_ids(b)
    B.aanmelden(session, u["gm1"], b.id, [w["Aquathermie"]])
    cal = icalendar.Calendar.from_ical(B.ical_bijeenkomst(session, u["gm1"], b.id))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"bijeenkomst-{b.id}@warmteregio", f"onderdeel-{w['Aquathermie']}@warmteregio"}
    main = events[f"bijeenkomst-{b.id}@warmteregio"]
    assert str(main["SUMMARY"]) == "Regiodag; warmte, bronnen" and main.decoded("DTSTART") == at(10)
    assert f"/bijeenkomsten/{b.id}" in str(main["URL"])
    other = meeting(session, u["admin"], titel="Tweede", start=at(20), eind=at(20, 2))
    B.aanmelden(session, u["gm1"], other.id)
    agenda = icalendar.Calendar.from_ical(B.ical_mijn_agenda(session, u["gm1"]))
    assert sorted(str(e["SUMMARY"]) for e in agenda.walk("VEVENT")) == [
        "Regiodag; warmte, bronnen",
        "Regiodag; warmte, bronnen: Aquathermie",
        "Tweede",
    ]
    assert len(icalendar.Calendar.from_ical(B.ical_bijeenkomst(session, u["gm2"], b.id)).walk("VEVENT")) == 1


def test_concurrent_registrations_do_not_exceed_capacity(session_factory) -> None:
    with session_factory() as s:
        u = seed(s)
        b = meeting(s, u["admin"], capaciteit=1)
        s.commit()
        ids = (b.id, u["gm1"].id, u["gm2"].id)
    locked, results, errors = threading.Event(), {}, []

    def first() -> None:
        try:
            with session_factory() as s:
                results["gm1"] = B.aanmelden(s, s.get(User, ids[1]), ids[0]).status
                locked.set()
                threading.Event().wait(0.4)  # hold the lock while the second registration tries
                s.commit()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
            locked.set()

    t = threading.Thread(target=first)
    t.start()
    assert locked.wait(10)
    with session_factory() as s:
        results["gm2"] = B.aanmelden(s, s.get(User, ids[2]), ids[0]).status
        s.commit()
    t.join(10)
    assert not errors and results == {"gm1": "aangemeld", "gm2": "wachtlijst"}


def test_mail_invitations_reminders_promotion_and_cancellation(session: Session, smtp) -> None:
    inbox, mailer = smtp
    u = seed(session)
    b = meeting(
        session,
        u["co18"],
        titel="Werkatelier",
        doelgroep="regio",
        capaciteit=1,
        start=at(2),
        eind=at(2, 4),
        onderdelen=workshops(2, cap1=None),
    )
    with pytest.raises(NetwerkError) as exc:  # mail off (no SMTP host in the settings) and no mailer
        B.verstuur_uitnodigingen(session, u["co18"], b.id)
    assert exc.value.status == 409
    with pytest.raises(NetwerkError) as exc:
        B.verstuur_uitnodigingen(session, u["gm1"], b.id, mailer=mailer)
    assert exc.value.status == 403
    B.aanmelden(session, u["gm3"], b.id)
    # the region's active members minus those registered: co18, gm1, gm2, kijker (profile in ES18)
    assert B.verstuur_uitnodigingen(session, u["co18"], b.id, mailer=mailer) == 4
    got = inbox.take()
    assert sorted(r[0] for r, _ in got) == ["co18@example.nl", "gm1@example.nl", "gm2@example.nl", "kijker@example.nl"]
    msg = got[0][1]
    assert msg["Subject"] == "Uitnodiging / Invitation: Werkatelier"
    methode, cal = calendar_of(msg)
    assert methode == "REQUEST" and str(cal.walk("VEVENT")[0]["UID"]) == f"bijeenkomst-{b.id}@warmteregio"
    assert b.uitnodiging_verzonden is not None

    w = ws_ids(b)
    B.aanmelden(session, u["gm1"], b.id, [w["Participatie"]], mailer=mailer)  # full: waiting list
    # reminders: only the registered participant, only once
    assert B.verstuur_herinneringen(session, mailer=mailer) == 1
    ((to, msg),) = inbox.take()
    assert to == ["gm3@example.nl"] and msg["Subject"] == "Herinnering / Reminder: Werkatelier"
    assert B.verstuur_herinneringen(session, mailer=mailer) == 0
    assert B.verstuur_herinneringen(session, mailer=mailer, nu=at(-3)) == 0  # not yet within 3 days
    assert inbox.take() == []

    # gm3 cancels: gm1 is promoted and told so, with her workshop in the calendar
    B.afmelden(session, u["gm3"], b.id, mailer=mailer)
    ((to, msg),) = inbox.take()
    assert to == ["gm1@example.nl"] and msg["Subject"].startswith("Van de wachtlijst / Off the waiting list")
    _, cal = calendar_of(msg)
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Werkatelier", "Werkatelier: Participatie"]
    # gm1 (promoted after the reminders went out) gets her own reminder
    assert B.verstuur_herinneringen(session, mailer=mailer) == 1
    assert [r for r, _ in inbox.take()] == [["gm1@example.nl"]]

    B.annuleer_bijeenkomst(session, u["co18"], b.id, mailer=mailer)
    ((to, msg),) = inbox.take()
    methode, cal = calendar_of(msg)
    assert to == ["gm1@example.nl"] and methode == "CANCEL"
    assert {str(e["STATUS"]) for e in cal.walk("VEVENT")} == {"CANCELLED"}
    details = session.scalars(select(AuditRegel.details).where(AuditRegel.actie == "mail")).all()
    assert details and not any("@" in d for d in details)
