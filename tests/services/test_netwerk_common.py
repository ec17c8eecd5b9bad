"""Shared checks of the network services (services/netwerk.py): ids, date-times, import files."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import Workbook

from warmteregio.services import netwerk as nw


def test_ids_outside_the_database_range_are_not_found() -> None:
    assert nw.as_id("42", "item", "item") == 42
    for bad in ("0", "-1", str(2**31), "9" * 40, "x", None, True, "²"):
        with pytest.raises(nw.NetwerkError) as exc:
            nw.as_id(bad, "item", "item")
        assert exc.value.status == 404


def test_date_times_keep_to_sensible_years_and_dutch_time() -> None:
    f = nw.Fouten()
    assert nw.datetime_field(f, "start", "0001-01-01T00:00") is None  # used to overflow converting to UTC
    assert nw.datetime_field(f, "eind", "2999-01-01T10:00") is None
    assert [x["veld"] for x in f.items] == ["start", "eind"] and "2000" in f.items[0]["nl"]
    ok = nw.Fouten()
    assert nw.datetime_field(ok, "start", "2027-03-12T09:30").isoformat() == "2027-03-12T08:30:00+00:00"
    assert not ok


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["naam", "email"])
    wb.active.append(["Els", "els@example.nl"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_files_are_checked_before_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    header, rows = nw.read_table(_xlsx(), "leden.xlsx")
    assert header == ["naam", "email"] and rows == [(2, ["Els", "els@example.nl"])]
    header, rows = nw.read_table("naam;email\nEls;els@example.nl\n".encode("utf-8-sig"), "leden.csv")
    assert rows == [(2, ["Els", "els@example.nl"])]

    doc = io.BytesIO()
    Document().save(doc)
    with pytest.raises(nw.NetwerkError) as exc:  # a Word document named .xlsx
        nw.read_table(doc.getvalue(), "leden.xlsx")
    assert exc.value.status == 415 and exc.value.fouten[0]["veld"] == "bestand"

    monkeypatch.setattr(nw, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(nw.NetwerkError) as exc:
        nw.read_table(_xlsx(), "leden.xlsx")
    assert exc.value.status == 413 and "te groot" in exc.value.nl and "too large" in exc.value.en
