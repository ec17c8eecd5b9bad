"""iCalendar output, checked by parsing it with the ``icalendar`` package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import icalendar
import pytest

from warmteregio.network.ical import Gebeurtenis, escape_text, fold, kalender

START = datetime(2025, 3, 14, 13, 0, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def _event(**kw: object) -> Gebeurtenis:
    base: dict[str, object] = {
        "uid": "bijeenkomst-7@warmteregio",
        "titel": "Regiobijeenkomst Drechtsteden",
        "start": START,
        "eind": START + timedelta(hours=3),
    }
    return Gebeurtenis(**(base | kw))


def _parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def test_calendar_parses_with_every_field() -> None:
    changed = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)
    beschrijving = "Agenda:\n1. Welkom; koffie, thee\n2. Workshop C:\\data\\warmte"
    text = kalender(
        [
            _event(
                beschrijving=beschrijving,
                locatie="Stadskantoor, zaal 2; Dordrecht",
                url="https://warmteregio.example/bijeenkomsten/7",
                sequence=2,
                organisator="coordinator@example.nl",
                gewijzigd=changed,
                start=datetime(2025, 3, 14, 14, 0, tzinfo=CET),  # aware non-UTC: written in UTC
            ),
            _event(uid="workshop-3@warmteregio", titel="Workshop warmtenetten", start=START, eind=START + timedelta(1)),
        ],
        naam="Warmteregio: mijn agenda",
    )
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART:20250314T130000Z\r\n" in text
    assert "DESCRIPTION:Agenda:\\n1. Welkom\\; koffie\\, thee\\n2. Workshop C:\\\\data\\\\warmte" in text.replace(
        "\r\n ", ""
    )
    cal = _parse(text)
    assert str(cal["PRODID"]) == "-//warmteregio//NL"
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Warmteregio: mijn agenda"
    first, second = cal.walk("VEVENT")
    assert str(first["UID"]) == "bijeenkomst-7@warmteregio"
    assert first.decoded("DTSTART") == START and first.decoded("DTEND") == START + timedelta(hours=3)
    assert first.decoded("DTSTAMP") == changed and first.decoded("LAST-MODIFIED") == changed
    assert str(first["DESCRIPTION"]) == beschrijving
    assert str(first["LOCATION"]) == "Stadskantoor, zaal 2; Dordrecht"
    assert str(first["URL"]) == "https://warmteregio.example/bijeenkomsten/7"
    assert str(first["ORGANIZER"]) == "mailto:coordinator@example.nl"
    assert int(first["SEQUENCE"]) == 2 and str(first["STATUS"]) == "CONFIRMED"
    assert str(second["SUMMARY"]) == "Workshop warmtenetten"
    assert "DESCRIPTION" not in second and "LOCATION" not in second and "ORGANIZER" not in second
    assert second.decoded("DTSTAMP").tzinfo is not None  # now, when nothing changed


def test_folding_at_75_octets_on_utf8_boundaries() -> None:
    titel = "Coöperatie ✓ warmtenet 🔥 " * 12 + "einde"
    text = kalender([_event(titel=titel, beschrijving="€" * 100)])
    raw = text.encode("utf-8")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(len(line) in (73, 74, 75) for line in lines)
    for line in lines:
        line.decode("utf-8")  # no line ends inside a character
    assert sum(1 for line in lines if line.startswith(b" ")) > 5
    event = _parse(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == titel
    assert str(event["DESCRIPTION"]) == "€" * 100


def test_fold_helper() -> None:
    assert fold("kort") == "kort"
    folded = fold("x" * 160)
    assert folded.split("\r\n") == ["x" * 75, " " + "x" * 74, " " + "x" * 11]
    folded = fold("é" * 40)  # 2 octets each: 37 fit on the first line
    assert [len(p.encode()) for p in folded.split("\r\n")] == [74, 7]


def test_escape_text() -> None:
    assert escape_text("a\\b;c,d\r\ne\rf\ng") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert escape_text("bel\x07 mij\x00") == "bel mij"
    assert escape_text(None) == ""


def test_cancel_and_request() -> None:
    text = kalender([_event(sequence=3, organisator="org@example.nl")], methode="CANCEL")
    cal = _parse(text)
    event = cal.walk("VEVENT")[0]
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 3
    cancelled = _parse(kalender([_event(status="CANCELLED")])).walk("VEVENT")[0]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(_parse(kalender([_event()], methode="request"))["METHOD"]) == "REQUEST"


def test_naive_times_are_utc_and_bad_input_is_refused() -> None:
    naive = _parse(kalender([_event(start=datetime(2025, 3, 14, 13, 0))])).walk("VEVENT")[0]
    assert naive.decoded("DTSTART") == START
    with pytest.raises(ValueError):
        kalender([_event()], methode="ADD")
    with pytest.raises(ValueError):
        kalender([_event(status="BEVESTIGD")])


def test_no_injection_of_properties() -> None:
    text = kalender(
        [
            _event(
                titel="Sessie\r\nATTENDEE:mailto:x@evil.example",
                url="https://x.example/\r\nX-EVIL:1",
                organisator="a@example.nl\r\nX-EVIL:2",
            )
        ]
    )
    unfolded = text.replace("\r\n ", "")
    assert "\r\nATTENDEE" not in unfolded and "\r\nX-EVIL" not in unfolded
    event = _parse(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Sessie\nATTENDEE:mailto:x@evil.example"
    assert "ATTENDEE" not in event
