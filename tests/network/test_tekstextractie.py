"""Text of attachments for the search index: PDF (pypdf), DOCX (python-docx), XLSX (openpyxl), bounded, never
failing."""

from __future__ import annotations

import io

import docx
import openpyxl

from warmteregio.network.tekstextractie import DOCX, PDF, XLSX, tekst_uit_bijlage


def pdf_met_tekst(*regels: str) -> bytes:
    """A real one-page PDF with a text layer (Helvetica), built by hand with a correct xref table."""
    stream = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({r}) Tj 0 -16 Td" for r in regels) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_text_of_pdf_docx_and_xlsx() -> None:
    assert "Aquathermie uit de RWZI" in tekst_uit_bijlage(pdf_met_tekst("Aquathermie uit de RWZI", "regel twee"), PDF)

    d = docx.Document()
    d.add_paragraph("Warmtenetten in de wijk")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Bron"
    table.rows[0].cells[1].text = "Restwarmte"
    buf = io.BytesIO()
    d.save(buf)
    text = tekst_uit_bijlage(buf.getvalue(), DOCX)
    assert "Warmtenetten in de wijk" in text and "Bron Restwarmte" in text

    wb = openpyxl.Workbook()
    wb.active.title = "Kosten"
    wb.active.append(["Strategie", "Kosten", 1234])
    buf = io.BytesIO()
    wb.save(buf)
    text = tekst_uit_bijlage(buf.getvalue(), XLSX)
    assert "Kosten" in text and "Strategie" in text and "1234" not in text  # numbers are not words to search


def test_bounded_and_never_failing() -> None:
    long = tekst_uit_bijlage(pdf_met_tekst(*(f"regel {i} warmte" for i in range(40))), PDF, max_tekens=50)
    assert len(long) == 50
    assert tekst_uit_bijlage(b"%PDF-1.4 kapot", PDF) == ""  # damaged: nothing, no error
    assert tekst_uit_bijlage(b"PK\x03\x04 kapot", DOCX) == ""
    assert tekst_uit_bijlage(b"\x89PNG", "image/png") == ""
