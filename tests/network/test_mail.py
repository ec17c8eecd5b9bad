"""E-mail of the network: the builders (Dutch and English text, calendar attachment that parses) and sending to a
real SMTP server (aiosmtpd on 127.0.0.1) in one connection per batch, refused recipients and an unreachable
server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import icalendar
import pytest
from aiosmtpd.controller import Controller

from warmteregio.network import mail
from warmteregio.network.ical import Gebeurtenis
from warmteregio.settings import Settings

START = datetime(2027, 3, 9, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam (winter time)
EIND = datetime(2027, 3, 9, 15, 0, tzinfo=UTC)
INFO = mail.Bijeenkomstinfo(
    titel="Regiodag warmte; bronnen, netten",
    start=START,
    eind=EIND,
    locatie="Stadskantoor, Dordrecht",
    online_url="https://meet.example.nl/regiodag",
    link="https://warmteregio.example.nl/bijeenkomsten/7",
    aanmelden_tot=datetime(2027, 3, 1, 22, 59, tzinfo=UTC),
    workshops=(("Aquathermie", "Ingedeeld", "Placed"),),
)
EVENT = Gebeurtenis(
    uid="bijeenkomst-7@warmteregio",
    titel=INFO.titel,
    start=START,
    eind=EIND,
    locatie=INFO.locatie,
    url=INFO.link,
    sequence=2,
    organisator="noreply@warmteregio.example.nl",
)


class Inbox:
    """aiosmtpd handler keeping every message; recipients starting with 'weiger' are refused."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.sessions: set[int] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address.startswith("weiger"):
            return "550 5.1.1 onbekende ontvanger"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.sessions.add(id(session))
        msg = message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, mail.Mailer]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, mail.Mailer(host="127.0.0.1", port=port, timeout=5, afzender="Warmteregio <noreply@wr.example.nl>")
    finally:
        controller.stop()


def _ics(msg: EmailMessage) -> tuple[str, icalendar.Calendar]:
    parts = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0].get_param("method"), icalendar.Calendar.from_ical(parts[0].get_content())


def test_builders_write_dutch_then_english_with_a_calendar_that_parses() -> None:
    msg = mail.uitnodiging(INFO, aan="an@example.nl", naam="An de Vries", gebeurtenissen=[EVENT])
    assert msg["To"] == "an@example.nl"
    assert msg["Subject"] == f"Uitnodiging / Invitation: {INFO.titel}"
    body = msg.get_body(("plain",)).get_content()
    nl, en = body.split("-" * 60)
    assert "Beste An de Vries" in nl and "dinsdag 9 maart 2027, 09:30–16:00" in nl
    assert "Aanmelden kan tot maandag 1 maart 2027 23:59" in nl and INFO.link in nl
    assert "Dear An de Vries" in en and "Tuesday 9 March 2027, 09:30–16:00 (Dutch time)" in en
    assert "Workshop: Aquathermie (Placed)" in en
    methode, cal = _ics(msg)
    assert methode == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
    (ev,) = cal.walk("VEVENT")
    assert str(ev["SUMMARY"]) == INFO.titel and str(ev["LOCATION"]) == INFO.locatie
    assert ev.decoded("DTSTART") == START and int(ev["SEQUENCE"]) == 2

    weg = mail.annulering(INFO, aan="an@example.nl", gebeurtenissen=[EVENT])
    assert weg["Subject"].startswith("Geannuleerd / Cancelled:")
    methode, cal = _ics(weg)
    assert methode == "CANCEL" and str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"

    promo = mail.van_wachtlijst(INFO, aan="b@example.nl", bijeenkomst=False, workshops=["Aquathermie"])
    text = promo.get_body(("plain",)).get_content()
    assert "ingedeeld in de workshop \u201cAquathermie\u201d" in text and "Beste lezer" in text
    assert "nu aangemeld" not in text and not list(promo.iter_attachments())
    reminder = mail.herinnering(INFO, aan="c@example.nl", gebeurtenissen=[EVENT])
    assert reminder["Subject"] == f"Herinnering / Reminder: {INFO.titel}"


def test_mailer_sends_a_batch_over_one_connection_and_skips_refused_recipients(smtp) -> None:
    inbox, mailer = smtp
    msgs = [
        mail.herinnering(INFO, aan=a, gebeurtenissen=[EVENT])
        for a in ("an@example.nl", "weiger@example.nl", "bo@example.nl")
    ]
    assert mailer.send(msgs) == 2
    assert mailer.geweigerd == ["weiger@example.nl"]
    assert [r for _, r, _ in inbox.received] == [["an@example.nl"], ["bo@example.nl"]]
    assert len(inbox.sessions) == 1  # one SMTP connection for the batch
    sender, _, msg = inbox.received[0]
    assert sender == "noreply@wr.example.nl" and msg["From"] == "Warmteregio <noreply@wr.example.nl>"
    _, cal = _ics(msg)
    assert str(cal.walk("VEVENT")[0]["UID"]) == "bijeenkomst-7@warmteregio"
    assert mailer.send([]) == 0


def test_unreachable_server_and_settings() -> None:
    mailer = mail.Mailer(host="127.0.0.1", port=_free_port(), timeout=2)
    with pytest.raises(mail.MailFout) as exc:
        mailer.send([mail.herinnering(INFO, aan="an@example.nl")])
    assert "niet bereikbaar" in exc.value.nl and "cannot be reached" in exc.value.en and exc.value.verzonden == 0
    assert mail.mailer_uit_instellingen(Settings(smtp_host=None)) is None
    m = mail.mailer_uit_instellingen(
        Settings(smtp_host="mail.example.nl", smtp_port=587, smtp_starttls=True, mail_from="X <x@example.nl>")
    )
    assert m is not None and (m.host, m.port, m.starttls, m.afzender) == (
        "mail.example.nl",
        587,
        True,
        "X <x@example.nl>",
    )
    with pytest.raises(mail.MailFout):
        mail.Mailer.uit_instellingen(Settings(smtp_host=""))


def test_a_title_with_a_line_break_stays_one_subject_line() -> None:
    from dataclasses import replace

    info = replace(INFO, titel="Regiodag\r\nBcc: iedereen@example.nl")
    msg = mail.uitnodiging(info, aan="an@example.nl", gebeurtenissen=[EVENT])
    assert msg["Subject"] == "Uitnodiging / Invitation: Regiodag Bcc: iedereen@example.nl" and msg["Bcc"] is None
