"""The text of an accepted attachment (PDF, DOCX, XLSX), for the full-text index of the knowledge base.

Only for searching: the text is never shown as HTML and never executed. Extraction is bounded (pages, cells,
characters) so a large study cannot slow an upload down much, and it never fails an upload: a file whose text
cannot be read simply adds nothing to the index (the file itself is still stored and downloadable).
"""

from __future__ import annotations

import io
import logging
import re

log = logging.getLogger(__name__)

#: Upper bounds of the extraction.
MAX_TEKENS = 100_000
MAX_PDF_PAGINAS = 60
MAX_XLSX_CELLEN = 20_000

_SPACES = re.compile(r"[ \t\r\f\v]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _clean(parts: list[str], max_tekens: int) -> str:
    text = _CONTROL.sub(" ", "\n".join(p for p in parts if p))
    text = "\n".join(line.strip() for line in _SPACES.sub(" ", text).splitlines() if line.strip())
    return text[:max_tekens]


def _pdf(data: bytes, max_tekens: int) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return []
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PDF_PAGINAS]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= max_tekens:
            break
    return parts


def _docx(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return parts


def _xlsx(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts: list[str] = []
    cells = 0
    try:
        for ws in wb.worksheets:
            parts.append(ws.title)
            for row in ws.iter_rows(values_only=True):
                values = [str(v) for v in row if isinstance(v, str) and v.strip()]
                cells += len(row)
                if values:
                    parts.append(" ".join(values))
                if cells >= MAX_XLSX_CELLEN:
                    return parts
    finally:
        wb.close()
    return parts


def tekst_uit_bijlage(data: bytes, mediatype: str, *, max_tekens: int = MAX_TEKENS) -> str:
    """The plain text of a checked PDF, DOCX or XLSX (at most ``max_tekens`` characters); "" for other types and
    for files whose text cannot be read (scanned PDFs without a text layer, encrypted PDFs, damaged files)."""
    try:
        if mediatype == PDF:
            parts = _pdf(data, max_tekens)
        elif mediatype == DOCX:
            parts = _docx(data)
        elif mediatype == XLSX:
            parts = _xlsx(data)
        else:
            return ""
    except Exception as exc:  # noqa: BLE001 - a file we cannot read adds nothing to the index
        log.info("geen tekst uit bijlage (%s): %s", mediatype, exc)
        return ""
    return _clean(parts, max_tekens)
