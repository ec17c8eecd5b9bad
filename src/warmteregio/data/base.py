"""The shared machinery of every importer: reading, validating, reporting, one transaction.

An importer reads a file into rows (:func:`read_table`), checks every row and collects *all* problems in a
:class:`ValidationReport` (row, column, reason in Dutch and English). Only when the report is empty does it
write, inside one transaction; if anything fails while writing, the transaction is rolled back, so the
database is either fully updated or unchanged. Each successful import records an :class:`ImportRun` with
the file's SHA-256, source and licence. Re-importing the same file is idempotent: importers upsert on the
natural key (code + year) instead of appending.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from warmteregio.domain.messages import Problem
from warmteregio.store.models import ImportRun

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while an importer works."""

ENCODINGS = ("utf-8-sig", "cp1252")
MAX_PROBLEMS_SHOWN = 200


class ValidationReport:
    """All problems found in one input; empty means the input may be written."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, nl: str, en: str) -> None:
        self.problems.append(Problem(row, column, nl, en))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def format(self, lang: str = "nl", limit: int = MAX_PROBLEMS_SHOWN) -> str:
        head = (
            f"{self.source}: {len(self.problems)} probleem/problemen gevonden; er is niets geschreven."
            if lang == "nl"
            else f"{self.source}: {len(self.problems)} problem(s) found; nothing was written."
        )
        lines = [head] + ["  - " + p.format(lang) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            rest = len(self.problems) - limit
            lines.append(f"  ... en nog {rest}" if lang == "nl" else f"  ... and {rest} more")
        return "\n".join(lines)


class ImportValidationError(Exception):
    """Raised when an input has problems; nothing has been written."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.format("nl") + "\n\n" + report.format("en"))
        self.report = report


@dataclass
class Table:
    """A delimited text file read into memory: header and rows as lists of strings."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    sha256: str
    first_data_row: int = 2  # spreadsheet row number of rows[0]
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(self.header):
            index.setdefault(name, i)  # the first of duplicated column names wins
        self.index = index

    def row_number(self, i: int) -> int:
        return self.first_data_row + i


def decode(raw: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), falling back to CP1252 (Excel on Windows)."""
    for enc in ENCODINGS:
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 never fails
    return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(first_line: str) -> str:
    """Choose ``;`` or ``,`` (or tab) by counting them in the header line outside quotes."""
    counts = {d: 0 for d in (";", ",", "\t")}
    in_quotes = False
    for ch in first_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: Path | str, report: ValidationReport, required: Sequence[str] = ()) -> Table | None:
    """Read a CSV file with unknown encoding and delimiter; record missing columns in ``report``.

    Returns ``None`` (with problems in the report) when the file cannot be read at all.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.add(None, None, f"bestand niet te lezen: {exc}", f"cannot read file: {exc}")
        return None
    sha = hashlib.sha256(raw).hexdigest()
    text_, encoding = decode(raw)
    if not text_.strip():
        report.add(None, None, "het bestand is leeg", "the file is empty")
        return None
    first_line = text_.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    quotechar = "'" if first_line.startswith("'") else '"'
    reader = csv.reader(io.StringIO(text_, newline=""), delimiter=delimiter, quotechar=quotechar)
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        report.add(None, None, f"geen geldig CSV-bestand: {exc}", f"not a valid CSV file: {exc}")
        return None
    header = [h.strip() for h in all_rows[0]]
    rows = [r for r in all_rows[1:] if any(cell.strip() for cell in r)]
    table = Table(path, header, rows, encoding, delimiter, sha)
    missing = [c for c in required if c not in table.index]
    for col in missing:
        report.add(
            1,
            col,
            f"verplichte kolom ontbreekt (gevonden: {', '.join(header[:12])})",
            f"required column is missing (found: {', '.join(header[:12])})",
        )
    return None if missing else table


def parse_number(
    value: str,
    report: ValidationReport,
    row: int,
    column: str,
    *,
    required: bool = True,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    integer: bool = False,
) -> float | None:
    """Parse a number written with ``.`` or a Dutch decimal comma; record problems in ``report``."""
    text_ = (value or "").strip()
    if text_ == "":
        if required:
            report.add(row, column, "waarde ontbreekt", "value is missing")
        return None
    if "," in text_ and "." not in text_:
        text_ = text_.replace(",", ".")
    try:
        number = float(text_)
    except ValueError:
        report.add(row, column, f"geen getal: {value!r}", f"not a number: {value!r}")
        return None
    if math.isnan(number) or math.isinf(number):
        report.add(row, column, f"ongeldig getal: {value!r}", f"invalid number: {value!r}")
        return None
    if integer and not float(number).is_integer():
        report.add(row, column, f"geen geheel getal: {value!r}", f"not a whole number: {value!r}")
        return None
    if minimum is not None and number < minimum:
        report.add(
            row,
            column,
            f"waarde {number:g} is kleiner dan het minimum {minimum:g}",
            f"value {number:g} is below the minimum {minimum:g}",
        )
        return None
    if maximum is not None and number > maximum:
        report.add(
            row,
            column,
            f"waarde {number:g} is groter dan het maximum {maximum:g}",
            f"value {number:g} is above the maximum {maximum:g}",
        )
        return None
    return number


def record_run(
    session: Session,
    *,
    importer: str,
    path: Path | str,
    sha256: str,
    rows: int,
    bron: str | None = None,
    licentie: str | None = None,
    gebruiker: str | None = None,
) -> ImportRun:
    run = ImportRun(
        importer=importer,
        bestandsnaam=Path(path).name,
        sha256=sha256,
        rijen=rows,
        bron=bron,
        licentie=licentie,
        gebruiker=gebruiker,
    )
    session.add(run)
    return run


def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class ImportResult:
    """What an importer did: how many rows were inserted and updated."""

    importer: str
    source: str
    rows: int
    inserted: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.importer}: {self.rows} rijen/rows uit/from {self.source} "
            f"({self.inserted} nieuw/new, {self.updated} bijgewerkt/updated)"
        )
