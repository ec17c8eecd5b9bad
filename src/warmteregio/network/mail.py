"""E-mail of the regional network: invitations, reminders, "off the waiting list" and cancellations.

Pure of storage and services: the builders turn a :class:`Bijeenkomstinfo` (what the recipient needs to know)
and the calendar entries (:class:`~warmteregio.network.ical.Gebeurtenis`) into an
:class:`email.message.EmailMessage` with a plain-text body (Dutch first, English below) and the calendar as an
attachment ``text/calendar; method=REQUEST`` (or ``CANCEL``) that calendar programs understand.

:class:`Mailer` sends a batch over one SMTP connection (plain, STARTTLS or implicit TLS, optional login). A
recipient the server refuses is skipped (listed in :attr:`Mailer.geweigerd`); a server that cannot be reached,
refuses the login or drops the connection raises :class:`MailFout` (Dutch and English, with the number of messages
already sent). :func:`mailer_uit_instellingen` gives the mailer of the settings (``WARMTEREGIO_SMTP_*``), or None
when no SMTP host is configured: e-mail is then off.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from zoneinfo import ZoneInfo

from warmteregio.network.ical import Gebeurtenis, kalender
from warmteregio.settings import Settings, get_settings

TZ = ZoneInfo("Europe/Amsterdam")
DAGEN_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAGEN_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAANDEN_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MAANDEN_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SCHEIDING = "\n\n" + "-" * 60 + "\n\n"


class MailFout(RuntimeError):
    """Sending failed (server unreachable, login refused, connection dropped), in Dutch and English.
    ``verzonden``: messages accepted before the failure."""

    def __init__(self, nl: str, en: str, verzonden: int = 0) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.verzonden = verzonden


@dataclass(frozen=True)
class Bijeenkomstinfo:
    """What an e-mail tells about a meeting. Times are aware (shown in Dutch time). ``link``: the meeting's page.
    ``workshops``: the recipient's workshops as (title, status label nl, status label en)."""

    titel: str
    start: datetime
    eind: datetime
    locatie: str | None = None
    online_url: str | None = None
    link: str | None = None
    omschrijving: str = ""
    aanmelden_tot: datetime | None = None
    workshops: tuple[tuple[str, str, str], ...] = ()


# ------------------------------------------------------------------------------------------------- formatting


def _lokaal(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)


def datum_nl(moment: datetime) -> str:
    t = _lokaal(moment)
    return f"{DAGEN_NL[t.weekday()]} {t.day} {MAANDEN_NL[t.month - 1]} {t.year}"


def datum_en(moment: datetime) -> str:
    t = _lokaal(moment)
    return f"{DAGEN_EN[t.weekday()]} {t.day} {MAANDEN_EN[t.month - 1]} {t.year}"


def wanneer(start: datetime, eind: datetime, lang: str = "nl") -> str:
    """``dinsdag 9 maart 2027, 09:30-16:00`` (Dutch time); over several days both dates."""
    a, b = _lokaal(start), _lokaal(eind)
    datum = datum_en if lang == "en" else datum_nl
    if a.date() == b.date():
        text = f"{datum(a)}, {a:%H:%M}–{b:%H:%M}"
    else:
        text = f"{datum(a)} {a:%H:%M} – {datum(b)} {b:%H:%M}"
    return text + (" (Dutch time)" if lang == "en" else "")


def _details(info: Bijeenkomstinfo, lang: str) -> list[str]:
    en = lang == "en"
    lines = [f"{'When' if en else 'Wanneer'}: {wanneer(info.start, info.eind, lang)}"]
    if info.locatie:
        lines.append(f"{'Where' if en else 'Waar'}: {info.locatie}")
    if info.online_url:
        lines.append(f"Online: {info.online_url}")
    for titel, status_nl, status_en in info.workshops:
        lines.append(f"Workshop: {titel} ({status_en if en else status_nl})")
    if info.link:
        lines.append(f"{'Details and registration' if en else 'Details en aanmelden'}: {info.link}")
    return lines


def _aanhef(naam: str | None, lang: str) -> str:
    if lang == "en":
        return f"Dear {naam}," if naam else "Hello,"
    return f"Beste {naam}," if naam else "Beste lezer,"


def _bericht(
    *,
    aan: str,
    onderwerp: str,
    nl: Sequence[str],
    en: Sequence[str],
    gebeurtenissen: Sequence[Gebeurtenis],
    methode: str,
    afzender: str | None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = aan
    if afzender:
        msg["From"] = afzender
    msg["Subject"] = " ".join(onderwerp.split())  # a title with a line break must not break the header
    msg["Date"] = format_datetime(datetime.now(UTC))
    domein = parseaddr(afzender or "")[1].rpartition("@")[2] or "warmteregio.invalid"
    msg["Message-ID"] = make_msgid(domain=domein)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n".join(nl) + SCHEIDING + "\n".join(en) + "\n")
    if gebeurtenissen:
        ics = kalender(gebeurtenissen, methode=methode)
        msg.add_attachment(ics, subtype="calendar", filename="bijeenkomst.ics", params={"method": methode})
    return msg


def _slot(lang: str) -> list[str]:
    if lang == "en":
        return ["", "Kind regards,", "the regional heat network (warmteregio)"]
    return ["", "Met vriendelijke groet,", "het regionale warmtenetwerk (warmteregio)"]


# -------------------------------------------------------------------------------------------------- builders


def uitnodiging(
    info: Bijeenkomstinfo,
    *,
    aan: str,
    naam: str | None = None,
    gebeurtenissen: Sequence[Gebeurtenis] = (),
    afzender: str | None = None,
) -> EmailMessage:
    """An invitation to a meeting (calendar entry attached, ``method=REQUEST``)."""
    nl = [
        _aanhef(naam, "nl"),
        "",
        f"U bent uitgenodigd voor de bijeenkomst \u201c{info.titel}\u201d.",
        "",
        *_details(info, "nl"),
    ]
    en = [
        _aanhef(naam, "en"),
        "",
        f"You are invited to the meeting \u201c{info.titel}\u201d.",
        "",
        *_details(info, "en"),
    ]
    if info.aanmelden_tot is not None:
        t = _lokaal(info.aanmelden_tot)
        nl.append(f"Aanmelden kan tot {datum_nl(t)} {t:%H:%M}.")
        en.append(f"Registration is open until {datum_en(t)} {t:%H:%M} (Dutch time).")
    if info.omschrijving:
        nl += ["", info.omschrijving]
        en += ["", info.omschrijving]
    return _bericht(
        aan=aan,
        onderwerp=f"Uitnodiging / Invitation: {info.titel}",
        nl=nl + _slot("nl"),
        en=en + _slot("en"),
        gebeurtenissen=gebeurtenissen,
        methode="REQUEST",
        afzender=afzender,
    )


def herinnering(
    info: Bijeenkomstinfo,
    *,
    aan: str,
    naam: str | None = None,
    gebeurtenissen: Sequence[Gebeurtenis] = (),
    afzender: str | None = None,
) -> EmailMessage:
    """A reminder to a registered participant (calendar entries of the meeting and her workshops attached)."""
    nl = [
        _aanhef(naam, "nl"),
        "",
        f"Een herinnering: u bent aangemeld voor \u201c{info.titel}\u201d.",
        "",
        *_details(info, "nl"),
        "",
        "Kunt u toch niet? Meld u dan af via de pagina van de bijeenkomst, zodat "
        "iemand van de wachtlijst uw plaats krijgt.",
    ]
    en = [
        _aanhef(naam, "en"),
        "",
        f"A reminder: you are registered for \u201c{info.titel}\u201d.",
        "",
        *_details(info, "en"),
        "",
        "Cannot make it after all? Please cancel on the meeting's page so that someone "
        "on the waiting list gets your place.",
    ]
    return _bericht(
        aan=aan,
        onderwerp=f"Herinnering / Reminder: {info.titel}",
        nl=nl + _slot("nl"),
        en=en + _slot("en"),
        gebeurtenissen=gebeurtenissen,
        methode="REQUEST",
        afzender=afzender,
    )


def van_wachtlijst(
    info: Bijeenkomstinfo,
    *,
    aan: str,
    naam: str | None = None,
    bijeenkomst: bool = True,
    workshops: Sequence[str] = (),
    gebeurtenissen: Sequence[Gebeurtenis] = (),
    afzender: str | None = None,
) -> EmailMessage:
    """A place became free: the recipient moved from the waiting list of the meeting (``bijeenkomst``) and/or of
    the ``workshops`` named."""
    nl = [_aanhef(naam, "nl"), ""]
    en = [_aanhef(naam, "en"), ""]
    if bijeenkomst:
        nl.append(f"Er is een plaats vrijgekomen: u bent nu aangemeld voor \u201c{info.titel}\u201d.")
        en.append(f"A place became available: you are now registered for \u201c{info.titel}\u201d.")
    for titel in workshops:
        nl.append(f"U bent van de wachtlijst ingedeeld in de workshop \u201c{titel}\u201d.")
        en.append(f"You moved from the waiting list into the workshop \u201c{titel}\u201d.")
    nl += ["", *_details(info, "nl"), "", "Kunt u toch niet? Meld u dan af via de pagina van de bijeenkomst."]
    en += ["", *_details(info, "en"), "", "Cannot make it after all? Please cancel on the meeting's page."]
    return _bericht(
        aan=aan,
        onderwerp=f"Van de wachtlijst / Off the waiting list: {info.titel}",
        nl=nl + _slot("nl"),
        en=en + _slot("en"),
        gebeurtenissen=gebeurtenissen,
        methode="REQUEST",
        afzender=afzender,
    )


def annulering(
    info: Bijeenkomstinfo,
    *,
    aan: str,
    naam: str | None = None,
    gebeurtenissen: Sequence[Gebeurtenis] = (),
    afzender: str | None = None,
) -> EmailMessage:
    """The meeting is cancelled (calendar entries with ``STATUS:CANCELLED``, ``method=CANCEL``)."""
    nl = [
        _aanhef(naam, "nl"),
        "",
        f"De bijeenkomst \u201c{info.titel}\u201d gaat helaas niet door.",
        "",
        f"Was gepland: {wanneer(info.start, info.eind, 'nl')}",
    ]
    en = [
        _aanhef(naam, "en"),
        "",
        f"Unfortunately the meeting \u201c{info.titel}\u201d is cancelled.",
        "",
        f"Was planned: {wanneer(info.start, info.eind, 'en')}",
    ]
    return _bericht(
        aan=aan,
        onderwerp=f"Geannuleerd / Cancelled: {info.titel}",
        nl=nl + _slot("nl"),
        en=en + _slot("en"),
        gebeurtenissen=gebeurtenissen,
        methode="CANCEL",
        afzender=afzender,
    )


# ---------------------------------------------------------------------------------------------------- sending


@dataclass
class Mailer:
    """Sends e-mail over SMTP: one connection per :meth:`send` batch."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 20.0
    afzender: str = "warmteregio <noreply@warmteregio.example.nl>"
    #: addresses the server refused in the last batch
    geweigerd: list[str] = field(default_factory=list)

    @classmethod
    def uit_instellingen(cls, settings: Settings | None = None) -> Mailer:
        s = settings or get_settings()
        if not s.smtp_host:
            raise MailFout(
                "e-mail staat uit: er is geen SMTP-server ingesteld (WARMTEREGIO_SMTP_HOST)",
                "e-mail is off: no SMTP server is configured (WARMTEREGIO_SMTP_HOST)",
            )
        return cls(
            host=s.smtp_host,
            port=s.smtp_port,
            user=s.smtp_user or None,
            password=s.smtp_password,
            starttls=s.smtp_starttls,
            ssl=s.smtp_ssl,
            timeout=s.smtp_timeout_s,
            afzender=s.mail_from,
        )

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls and not self.ssl:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, messages: Iterable[EmailMessage]) -> int:
        """Send ``messages``; the number accepted by the server. Messages without ``From`` get :attr:`afzender`.
        Refused recipients are skipped (:attr:`geweigerd`); other failures raise :class:`MailFout`."""
        batch = list(messages)
        self.geweigerd = []
        if not batch:
            return 0
        server = f"{self.host}:{self.port}"
        try:
            smtp = self._connect()
        except smtplib.SMTPAuthenticationError as exc:
            raise MailFout(
                f"de mailserver {server} weigert de inlog ({exc.smtp_code})",
                f"the mail server {server} refused the login ({exc.smtp_code})",
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise MailFout(
                f"de mailserver {server} is niet bereikbaar ({exc})",
                f"the mail server {server} cannot be reached ({exc})",
            ) from exc
        verzonden = 0
        try:
            for msg in batch:
                if "From" not in msg:
                    msg["From"] = self.afzender
                try:
                    refused = smtp.send_message(msg)
                except smtplib.SMTPRecipientsRefused as exc:
                    self.geweigerd.extend(exc.recipients)
                    continue
                except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                    raise MailFout(
                        f"de mailserver {server} weigert het bericht ({exc})",
                        f"the mail server {server} refused the message ({exc})",
                        verzonden,
                    ) from exc
                self.geweigerd.extend(refused)
                verzonden += 1
        except (OSError, smtplib.SMTPException) as exc:
            raise MailFout(
                f"de verbinding met de mailserver {server} is verbroken na {verzonden} berichten ({exc})",
                f"the connection to the mail server {server} was lost after {verzonden} messages ({exc})",
                verzonden,
            ) from exc
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return verzonden


def mailer_uit_instellingen(settings: Settings | None = None) -> Mailer | None:
    """The mailer of the settings; None when no SMTP host is configured (e-mail off)."""
    s = settings or get_settings()
    if not s.smtp_host:
        return None
    return Mailer.uit_instellingen(s)
