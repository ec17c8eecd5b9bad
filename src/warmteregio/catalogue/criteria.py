"""The criteria catalogue of the afwegingskader and the expert scores per variant type, read from CSV.

* ``load_criteria(path=None)`` reads ``criteria.csv`` (or a user's own file with the same columns) into
  :class:`~warmteregio.engine.criteria.Criterion` objects.
* ``load_oordelen(path=None)`` reads ``criteria_oordelen.csv``: ``variant;criterium;score;bron`` where
  ``variant`` is a variant code (``S2a``), an area option (``restwarmte``), an installation type
  (``warmtenet_MT``) or a family (``S2``); the most specific key wins (see
  :func:`warmteregio.engine.criteria.oordeel_keys`).

Both files are ``;``-separated UTF-8 (a ``,``-separated file is accepted too). Every problem is reported with its
line and column, in Dutch and English, and nothing is returned when a file has an error.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path

from warmteregio.engine.criteria import BEREKENINGEN, GROEPEN, Criterion

HERE = Path(__file__).resolve().parent
CRITERIA_FILE = HERE / "criteria.csv"
OORDELEN_FILE = HERE / "criteria_oordelen.csv"
CRITERIA_COLUMNS: tuple[str, ...] = (
    "code", "naam_nl", "naam_en", "groep", "eenheid", "richting", "berekening", "standaard_gewicht",
    "onzekerheid", "bron", "uitleg_nl", "uitleg_en",
)  # fmt: skip
OORDELEN_COLUMNS: tuple[str, ...] = ("variant", "criterium", "score", "bron")
CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,59}$")
RICHTING = {"1": 1, "+1": 1, "-1": -1}


class CriteriaFileError(ValueError):
    """Problems in a criteria or oordelen file. ``problems``: (line, column, Dutch, English) per problem;
    ``nl`` / ``en``: all problems as one message per language."""

    def __init__(self, path: Path | str, problems: list[tuple[int, str, str, str]]) -> None:
        self.path = str(path)
        self.problems = problems
        self.nl = "; ".join(f"{self.path} regel {ln}, kolom {col}: {nl}" for ln, col, nl, _ in problems)
        self.en = "; ".join(f"{self.path} line {ln}, column {col}: {en}" for ln, col, _, en in problems)
        super().__init__(f"{self.nl} / {self.en}")


def _rows(path: Path, required: Iterable[str]) -> tuple[list[tuple[int, dict[str, str]]], list]:
    """(line number, row) pairs and problems; a missing column is a problem of line 1."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CriteriaFileError(path, [(1, "-", f"bestand is geen UTF-8 ({exc.reason})",
                                        f"file is not UTF-8 ({exc.reason})")]) from exc  # fmt: skip
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CriteriaFileError(path, [(1, "-", "bestand is leeg", "file is empty")]) from None
    problems: list[tuple[int, str, str, str]] = []
    for col in required:
        if col not in header:
            problems.append((1, col, f"kolom {col!r} ontbreekt", f"column {col!r} is missing"))
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
            continue
        if len(record) > len(header):
            problems.append((line, header[-1], f"{len(record)} velden, kop heeft er {len(header)} (staat er een "
                             f"'{delimiter}' in een tekst?)", f"{len(record)} fields, header has {len(header)} "
                             f"(is there a '{delimiter}' inside a text?)"))  # fmt: skip
            continue
        rows.append((line, {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}))
    return rows, problems


def _number(text: str) -> float | None:
    try:
        x = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def load_criteria(path: str | Path | None = None) -> list[Criterion]:
    """The criteria of ``criteria.csv`` (default: the shipped file) in file order."""
    p = Path(path) if path is not None else CRITERIA_FILE
    rows, problems = _rows(p, CRITERIA_COLUMNS)
    out: list[Criterion] = []
    seen: dict[str, int] = {}
    for line, r in rows:
        bad = len(problems)
        code = r["code"]
        if not CODE_PATTERN.match(code):
            problems.append((line, "code", f"ongeldige code {code!r} (letters, cijfers en _, begint met een letter)",
                             f"invalid code {code!r} (letters, digits and _, starting with a letter)"))  # fmt: skip
        elif code in seen:
            problems.append((line, "code", f"dubbele code {code!r} (ook op regel {seen[code]})",
                             f"duplicate code {code!r} (also on line {seen[code]})"))  # fmt: skip
        else:
            seen[code] = line
        for col in ("naam_nl", "naam_en", "eenheid", "bron", "uitleg_nl", "uitleg_en"):
            if not r[col]:
                problems.append((line, col, f"{col} is leeg", f"{col} is empty"))
        if r["groep"] not in GROEPEN:
            problems.append((line, "groep", f"onbekende groep {r['groep']!r}, kies uit {', '.join(GROEPEN)}",
                             f"unknown group {r['groep']!r}, choose from {', '.join(GROEPEN)}"))  # fmt: skip
        richting = RICHTING.get(r["richting"])
        if richting is None:
            problems.append((line, "richting", f"richting {r['richting']!r} moet 1 (hoger is beter) of -1 (lager is "
                             "beter) zijn", f"direction {r['richting']!r} must be 1 (higher is better) or -1 (lower "
                             "is better)"))  # fmt: skip
        if r["berekening"] not in BEREKENINGEN:
            problems.append((line, "berekening", f"onbekende berekening {r['berekening']!r}, kies uit "
                             f"{', '.join(BEREKENINGEN)}", f"unknown berekening {r['berekening']!r}, choose from "
                             f"{', '.join(BEREKENINGEN)}"))  # fmt: skip
        numbers = {}
        for col in ("standaard_gewicht", "onzekerheid"):
            x = _number(r[col])
            if x is None or x < 0:
                problems.append((line, col, f"{col} moet een getal >= 0 zijn, niet {r[col]!r}",
                                 f"{col} must be a number >= 0, not {r[col]!r}"))  # fmt: skip
            numbers[col] = x
        if len(problems) > bad:
            continue
        out.append(Criterion(
            code=code, naam_nl=r["naam_nl"], naam_en=r["naam_en"], groep=r["groep"], eenheid=r["eenheid"],
            richting=int(richting), berekening=r["berekening"], standaard_gewicht=float(numbers["standaard_gewicht"]),
            onzekerheid=float(numbers["onzekerheid"]), bron=r["bron"], uitleg_nl=r["uitleg_nl"],
            uitleg_en=r["uitleg_en"],
        ))  # fmt: skip
    if not problems and not out:
        problems.append((2, "code", "geen criteria in het bestand", "no criteria in the file"))
    if not problems and sum(c.standaard_gewicht for c in out) <= 0:
        problems.append((2, "standaard_gewicht", "alle standaardgewichten zijn 0", "all default weights are 0"))
    if problems:
        raise CriteriaFileError(p, problems)
    return out


def _read_oordelen(
    path: str | Path | None, criteria: Iterable[Criterion] | Iterable[str] | None
) -> list[tuple[str, str, float, str]]:
    p = Path(path) if path is not None else OORDELEN_FILE
    known = {c if isinstance(c, str) else c.code for c in (criteria if criteria is not None else load_criteria())}
    rows, problems = _rows(p, OORDELEN_COLUMNS)
    out: list[tuple[str, str, float, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, r in rows:
        bad = len(problems)
        key, crit = r["variant"], r["criterium"]
        if not key:
            problems.append((line, "variant", "variant is leeg (variantcode, gebiedsoptie, installatie of familie)",
                             "variant is empty (variant code, area option, installation or family)"))  # fmt: skip
        if crit not in known:
            problems.append((line, "criterium", f"onbekend criterium {crit!r}", f"unknown criterion {crit!r}"))
        score = _number(r["score"])
        if score is None:
            problems.append((line, "score", f"score moet een getal zijn, niet {r['score']!r}",
                             f"score must be a number, not {r['score']!r}"))  # fmt: skip
        if not r["bron"]:
            problems.append((line, "bron", "bron/toelichting is leeg", "source/explanation is empty"))
        if (key, crit) in seen:
            problems.append((line, "variant", f"dubbel oordeel voor {key} x {crit} (ook op regel {seen[key, crit]})",
                             f"duplicate score for {key} x {crit} (also on line {seen[key, crit]})"))  # fmt: skip
        seen.setdefault((key, crit), line)
        if len(problems) == bad:
            out.append((key, crit, float(score), r["bron"]))  # type: ignore[arg-type]
    if problems:
        raise CriteriaFileError(p, problems)
    return out


def load_oordelen(
    path: str | Path | None = None, criteria: Iterable[Criterion] | Iterable[str] | None = None
) -> dict[tuple[str, str], float]:
    """(variant key, criterion code) -> expert score. ``criteria``: the known criteria (default: the shipped
    catalogue); a score for an unknown criterion is an error."""
    return {(k, c): s for k, c, s, _ in _read_oordelen(path, criteria)}


def load_oordeel_bronnen(
    path: str | Path | None = None, criteria: Iterable[Criterion] | Iterable[str] | None = None
) -> dict[tuple[str, str], str]:
    """(variant key, criterion code) -> the source / explanation of that expert score."""
    return {(k, c): b for k, c, _, b in _read_oordelen(path, criteria)}


__all__ = ["CriteriaFileError", "load_criteria", "load_oordeel_bronnen", "load_oordelen"]
