"""iCalendar (RFC 5545) files of meetings and workshops.

Written by hand, small and exact: CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character,
TEXT values escaped (``\\`` ``;`` ``,`` and new lines), all times in UTC (``YYYYMMDDTHHMMSSZ``) so no VTIMEZONE is
needed. ``methode`` is ``PUBLISH`` for downloads and ``REQUEST``/``CANCEL`` for invitations by e-mail (iTIP,
RFC 5546); ``SEQUENCE`` goes up when the time or place changes, so calendars update the event instead of adding
a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//warmteregio//NL"
METHODES = frozenset({"PUBLISH", "REQUEST", "CANCEL"})
STATUSSEN = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
#: Longest line in octets, CRLF not counted (RFC 5545 section 3.1).
MAX_OCTETS = 75

# control characters except tab and line feed (line feed becomes \n, the rest is not allowed in TEXT)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Gebeurtenis:
    """One VEVENT. ``start``/``eind`` are aware datetimes (naive ones are taken as UTC); ``organisator`` is an
    e-mail address; ``gewijzigd`` the last change (DTSTAMP and LAST-MODIFIED; now when None)."""

    uid: str
    titel: str
    start: datetime
    eind: datetime
    beschrijving: str = ""
    locatie: str | None = None
    url: str | None = None
    sequence: int = 0
    status: str = "CONFIRMED"
    organisator: str | None = None
    gewijzigd: datetime | None = None


def utc(moment: datetime) -> str:
    """``moment`` as an iCalendar UTC date-time: ``20250314T130000Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _plain(value: str) -> str:
    """``value`` as valid UTF-8 text without control characters and with ``\\n`` line ends."""
    value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def escape_text(value: str | None) -> str:
    """A TEXT value (RFC 5545 section 3.3.11): backslash, semicolon, comma and new lines escaped."""
    value = _plain(value or "")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _uri(value: str) -> str:
    """A URI or cal-address value: no escaping in iCalendar, so no whitespace or controls at all."""
    return re.sub(r"[\s\x00-\x1f\x7f]", "", _plain(value))


def fold(line: str) -> str:
    """``line`` folded into lines of at most 75 octets (continuations start with a space, which counts), never
    inside a UTF-8 character; joined by CRLF."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > MAX_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n".join(parts)


def _event(g: Gebeurtenis, methode: str, nu: datetime) -> list[str]:
    status = "CANCELLED" if methode == "CANCEL" else g.status
    if status not in STATUSSEN:
        raise ValueError(f"unknown status {g.status!r}")
    if g.sequence < 0:
        raise ValueError("sequence must be >= 0")
    stamp = g.gewijzigd or nu
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(g.uid)}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(g.start)}",
        f"DTEND:{utc(g.eind)}",
        f"SEQUENCE:{int(g.sequence)}",
        f"STATUS:{status}",
        f"SUMMARY:{escape_text(g.titel)}",
    ]
    if g.beschrijving:
        lines.append(f"DESCRIPTION:{escape_text(g.beschrijving)}")
    if g.locatie:
        lines.append(f"LOCATION:{escape_text(g.locatie)}")
    if g.url:
        lines.append(f"URL:{_uri(g.url)}")
    if g.organisator:
        lines.append(f"ORGANIZER:mailto:{_uri(g.organisator).removeprefix('mailto:')}")
    if g.gewijzigd:
        lines.append(f"LAST-MODIFIED:{utc(g.gewijzigd)}")
    lines.append("END:VEVENT")
    return lines


def kalender(gebeurtenissen: Sequence[Gebeurtenis], *, methode: str = "PUBLISH", naam: str | None = None) -> str:
    """The iCalendar text (CRLF line ends) of ``gebeurtenissen``; ``naam`` names the calendar."""
    methode = methode.upper()
    if methode not in METHODES:
        raise ValueError(f"unknown method {methode!r}")
    nu = datetime.now(UTC)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{methode}"]
    if naam:
        lines += [f"NAME:{escape_text(naam)}", f"X-WR-CALNAME:{escape_text(naam)}"]
    for g in gebeurtenissen:
        lines += _event(g, methode, nu)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
