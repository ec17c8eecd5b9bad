"""User texts of a programme: a tiny, safe Markdown subset.

Supported: paragraphs (separated by a blank line; a single line break stays a line break), bullet lists (lines
starting with ``- ``) and ``**bold**``. Nothing else is interpreted and no HTML passes through: every piece of text
is escaped before any markup is added, so ``<script>`` or ``onerror=`` in a text is shown as text, never run.

:func:`blokken` gives the parsed structure (also used for the DOCX), :func:`render_tekst` the HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

# C0 control characters except tab and line feed (invalid in XML, so in DOCX and XHTML too) and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_BULLET = re.compile(r"^\s*[-\u2022]\s+(.*)$")

Run = tuple[str, bool]  # (text, bold)


@dataclass(frozen=True)
class Blok:
    """A paragraph (``regels``: its lines, each a list of runs) or a bullet list (``regels``: one item each)."""

    soort: str  # "alinea" or "lijst"
    regels: tuple[tuple[Run, ...], ...]


def schoon(text: str | None) -> str:
    """``text`` without control characters, with normalised line ends."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def runs(line: str) -> tuple[Run, ...]:
    """A line split into plain and bold runs (``**bold**``); unmatched ``**`` stay as they are."""
    out: list[Run] = []
    pos = 0
    for m in _BOLD.finditer(line):
        if m.start() > pos:
            out.append((line[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(line):
        out.append((line[pos:], False))
    return tuple(out)


def blokken(text: str | None) -> list[Blok]:
    """The blocks of ``text``: runs of bullet lines become a list, other runs of lines a paragraph; blank lines
    separate blocks."""
    out: list[Blok] = []
    soort: str | None = None
    regels: list[tuple[Run, ...]] = []

    def flush() -> None:
        nonlocal soort, regels
        if soort and regels:
            out.append(Blok(soort, tuple(regels)))
        soort, regels = None, []

    for raw in schoon(text).split("\n"):
        line = raw.strip()
        if not line:
            flush()
            continue
        m = _BULLET.match(line)
        kind = "lijst" if m else "alinea"
        if kind != soort:
            flush()
            soort = kind
        regels.append(runs(m.group(1).strip() if m else line))
    flush()
    return out


def _html_runs(line: tuple[Run, ...]) -> str:
    return "".join(f"<strong>{escape(t)}</strong>" if bold else str(escape(t)) for t, bold in line)


def render_tekst(text: str | None) -> Markup:
    """``text`` as safe HTML: ``<p>`` paragraphs (line breaks as ``<br>``), ``<ul>`` lists, ``<strong>``."""
    parts: list[str] = []
    for blok in blokken(text):
        if blok.soort == "lijst":
            items = "".join(f"<li>{_html_runs(item)}</li>" for item in blok.regels)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(_html_runs(line) for line in blok.regels) + "</p>")
    return Markup("\n".join(parts))


def platte_tekst(text: str | None) -> str:
    """``text`` without markup (bold markers removed), blocks separated by a blank line."""
    out = []
    for blok in blokken(text):
        lines = ["".join(t for t, _ in line) for line in blok.regels]
        out.append("\n".join(f"- {x}" for x in lines) if blok.soort == "lijst" else "\n".join(lines))
    return "\n\n".join(out)
