"""Upload checks of knowledge-item attachments, on real files made here (PDF, DOCX, XLSX, PNG, JPEG)."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

import docx
import openpyxl
import pytest
from PIL import Image

from warmteregio.network import model, uploads
from warmteregio.network.uploads import UploadFout, check_upload, content_disposition, veilige_bestandsnaam

# ------------------------------------------------------------------------------------------------ real files


def _pdf(*extra: bytes) -> bytes:
    """A small, well-formed PDF (catalog, pages, one page) with ``extra`` objects appended."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra,
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(packed),
        packed,
    )


@cache
def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 20)).save(buf, fmt)
    return buf.getvalue()


@cache
def _docx() -> bytes:
    doc = docx.Document()
    doc.add_heading("Terugblik regiobijeenkomst", 1)
    doc.add_paragraph("Warmtenet in de wijk: wat werkte en wat niet.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@cache
def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["buurt", "woningen"])
    wb.active.append(["BU05050101", 420])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes] = lambda n, b: b, add: dict | None = None) -> bytes:
    """The zip ``data`` rewritten: every member through ``change``, plus the members of ``add``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _docm() -> bytes:
    def macro_type(name: str, body: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return body.replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
        return body

    return _rezip(_docx(), macro_type, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(200)})


def _patch_central_directory(data: bytes, offset: int, fmt: str, value: int, member: str | None = None) -> bytes:
    """``data`` with a field of the central-directory header of ``member`` (default: all) overwritten."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        name = bytes(out[pos + 46 : pos + 46 + name_len]).decode()
        if member is None or name == member:
            struct.pack_into(fmt, out, pos + offset, value)
        pos = out.find(b"PK\x01\x02", pos + 46)
    return bytes(out)


def _declared_huge() -> bytes:
    """A real DOCX whose central directory declares ~4 GB unpacked for its main part."""
    return _patch_central_directory(_docx(), 24, "<I", 0xFFFF0000, member="word/document.xml")


def _encrypted() -> bytes:
    return _patch_central_directory(_docx(), 8, "<H", 0x1)


def _truncated_jpeg() -> bytes:
    data = _image("JPEG")
    return data[: len(data) // 2]


# ------------------------------------------------------------------------------------------------ accepted


@pytest.mark.parametrize(
    ("name", "make", "soort", "mediatype", "ext"),
    [
        ("Studie warmtenet.pdf", lambda: _image("PDF"), "document", "application/pdf", "pdf"),
        ("handmatig.PDF", lambda: _pdf(), "document", "application/pdf", "pdf"),
        ("Terugblik.docx", _docx, "document", uploads.TYPES["docx"].mediatype, "docx"),
        ("buurten.xlsx", _xlsx, "document", uploads.TYPES["xlsx"].mediatype, "xlsx"),
        ("zaal.png", lambda: _image("PNG"), "foto", "image/png", "png"),
        ("groep.jpg", lambda: _image("JPEG"), "foto", "image/jpeg", "jpg"),
        ("groep.JPEG", lambda: _image("JPEG"), "foto", "image/jpeg", "jpeg"),
    ],
)
def test_accepts_real_files(name: str, make: Callable[[], bytes], soort: str, mediatype: str, ext: str) -> None:
    data = make()
    ok = check_upload(name, data, soort=soort)
    assert ok == uploads.Gecontroleerd(
        bestandsnaam=name,
        mediatype=mediatype,
        soort=soort,
        extensie=ext,
        grootte=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_accepted_name_is_sanitised() -> None:
    ok = check_upload("../../C:\\temp\\<rapport>.pdf", _pdf())
    assert ok.bestandsnaam == "_rapport_.pdf"


# ------------------------------------------------------------------------------------------------ refused

HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/personen').then(r => r.text())</script></body></html>"

REFUSALS = {
    "empty": ("leeg.pdf", lambda: b"", "document", 400, "leeg", "empty"),
    "plain text": ("notities.txt", lambda: b"Gewoon wat tekst.\n", "document", 415, "niet toegestaan", "not allowed"),
    "text named pdf": ("notities.pdf", lambda: b"Gewoon wat tekst.\n", "document", 415, "PDF, Word", "PDF, Word"),
    "exe": ("setup.exe", lambda: b"MZ\x90\x00" + bytes(60) + b"PE\x00\x00", "document", 415, "Programma", "Program"),
    "exe named pdf": ("rapport.pdf", lambda: b"MZ\x90\x00" + bytes(100), "document", 415, "Programma", "Program"),
    "old doc": ("oud.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "document", 415, "DOC", "DOC"),
    "html as pdf": ("report.pdf", lambda: HTML, "document", 415, "heet .pdf maar is een webpagina", "web page"),
    "bom + html as pdf": (
        "r.pdf",
        lambda: b"\xef\xbb\xbf\n  <html><script>x</script>",
        "document",
        415,
        "HTML",
        "HTML",
    ),
    "svg as png": ("logo.png", lambda: b'<svg onload="alert(1)"/>', "foto", 415, "webpagina", "web page"),
    "docx named pdf": ("rapport.pdf", _docx, "document", 415, "extensie .pdf past niet", "does not match"),
    "pdf named docx": ("rapport.docx", lambda: _pdf(), "document", 415, "Gebruik .pdf", "Use .pdf"),
    "no extension": ("rapport", lambda: _pdf(), "document", 415, "geen extensie", "no extension"),
    "jpeg named png": ("foto.png", lambda: _image("JPEG"), "foto", 415, "Gebruik .jpg", "Use .jpg"),
    "png as document": ("foto.png", lambda: _image("PNG"), "document", 415, "PNG-afbeelding", "PNG image"),
    "pdf as foto": ("foto.pdf", lambda: _pdf(), "foto", 415, "PNG- of JPEG", "PNG or JPEG"),
    "docx as foto": ("foto.docx", _docx, "foto", 415, "PNG- of JPEG", "PNG or JPEG"),
    "docm": ("macro.docm", _docm, "document", 415, "macro", "macros"),
    "docm named docx": ("macro.docx", _docm, "document", 415, "macro", "macros"),
    "vbaProject only": (
        "x.xlsx",
        lambda: _rezip(_xlsx(), add={"xl/vbaProject.bin": b"x"}),
        "document",
        415,
        "macro",
        "macros",
    ),
    "activeX": (
        "x.docx",
        lambda: _rezip(_docx(), add={"word/activeX/activeX1.xml": b"<x/>"}),
        "document",
        415,
        "ActiveX",
        "ActiveX",
    ),
    "zip bomb": ("bom.docx", _declared_huge, "document", 413, "zip-bom", "zip bomb"),
    "encrypted zip": ("geheim.docx", _encrypted, "document", 415, "Versleutelde", "Encrypted"),
    "broken zip": ("kapot.docx", lambda: _docx()[:3000], "document", 415, "beschadigd", "damaged"),
    "other zip": (
        "archief.docx",
        lambda: _rezip(_docx(), add={}, change=lambda n, b: b"x"),
        "document",
        415,
        "niet toegestaan",
        "not allowed",
    ),
    "path traversal zip": (
        "x.docx",
        lambda: _rezip(_docx(), add={"../../evil.sh": b"rm"}),
        "document",
        415,
        "beschadigd",
        "damaged",
    ),
    "pdf javascript": (
        "js.pdf",
        lambda: _pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        "document",
        415,
        "JavaScript",
        "JavaScript",
    ),
    "pdf escaped name": (
        "js.pdf",
        lambda: _pdf(b"<< /S /J#61vaScript /J#53 (x) >>"),
        "document",
        415,
        "JavaScript",
        "JavaScript",
    ),
    "pdf launch": ("l.pdf", lambda: _pdf(b"<< /S /Launch /F (cmd.exe) >>"), "document", 415, "/Launch", "/Launch"),
    "pdf embedded": (
        "e.pdf",
        lambda: _pdf(b"<< /EmbeddedFiles << /Names [] >> >>"),
        "document",
        415,
        "ingesloten bestanden",
        "embedded files",
    ),
    "pdf js in object stream": (
        "o.pdf",
        lambda: _pdf(_object_stream(b"5 0 << /S /JavaScript /JS (x) >>")),
        "document",
        415,
        "JavaScript",
        "JavaScript",
    ),
    "pdf without end": ("half.pdf", lambda: _pdf()[:-40], "document", 415, "onvolledig", "incomplete"),
    "fake png": ("nep.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "foto", 415, "beschadigd", "damaged"),
    "truncated jpeg": ("half.jpg", _truncated_jpeg, "foto", 415, "beschadigd", "damaged"),
    "unknown soort": ("x.pdf", lambda: _pdf(), "video", 400, "Onbekende soort", "Unknown kind"),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_are_bilingual_with_a_status(case: tuple) -> None:
    name, make, soort, status, nl, en = case
    with pytest.raises(UploadFout) as info:
        check_upload(name, make(), soort=soort)
    exc = info.value
    assert isinstance(exc, ValueError)
    assert exc.status == status
    assert nl in exc.nl, exc.nl
    assert en in exc.en, exc.en
    assert exc.nl != exc.en


def test_too_large() -> None:
    data = b"%PDF-1.4\n" + bytes(model.MAX_DOCUMENT_BYTES)  # one allocation just above the limit
    with pytest.raises(UploadFout) as info:
        check_upload("groot.pdf", data)
    assert info.value.status == 413
    assert "te groot" in info.value.nl and "20 MB" in info.value.nl
    assert "too large" in info.value.en


def test_limits_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    photo = _image("PNG")
    monkeypatch.setattr(model, "MAX_FOTO_BYTES", len(photo) - 1)
    with pytest.raises(UploadFout) as info:
        check_upload("zaal.png", photo, soort="foto")
    assert info.value.status == 413 and "Een foto" in info.value.nl
    # a genuinely compressed zip bomb: small on disk, over the (lowered) unpacked limit
    monkeypatch.setattr(model, "MAX_UITGEPAKT_BYTES", 1024 * 1024)
    bomb = _rezip(_docx(), add={"word/media/leeg.bin": bytes(2 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UploadFout) as info:
        check_upload("bom.docx", bomb)
    assert info.value.status == 413


def test_photo_pixel_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "MAX_FOTO_PIXELS", 1000)
    with pytest.raises(UploadFout) as info:
        check_upload("groot.jpg", _image("JPEG"), soort="foto")
    assert info.value.status == 413 and "pixels" in info.value.en


# ------------------------------------------------------------------------------------------------ names, headers


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\jan\\Rapport coöperatie.pdf", "Rapport coöperatie.pdf"),
        ("verslag<b>.pdf", "verslag_b_.pdf"),
        ('<img src=x onerror="alert(1)">.pdf', "_img src=x onerror=_alert(1)__.pdf"),
        (".htaccess", "htaccess"),
        ("CON.pdf", "_CON.pdf"),
        ("rapport\u202efdp.exe", "rapport_fdp.exe"),
        ("a\r\nSet-Cookie: x.pdf", "a__Set-Cookie_ x.pdf"),
        ("   ", "bestand"),
        ("", "bestand"),
        ("ok. ", "ok"),
    ],
)
def test_veilige_bestandsnaam(raw: str, safe: str) -> None:
    assert veilige_bestandsnaam(raw) == safe


def test_long_names_keep_their_extension() -> None:
    name = veilige_bestandsnaam("x" * 400 + ".xlsx")
    assert len(name) == 200 and name.endswith("x.xlsx")


def test_content_disposition_and_download_headers() -> None:
    assert content_disposition("Rapport coöperatie.pdf") == (
        "attachment; filename=\"Rapport cooperatie.pdf\"; filename*=UTF-8''Rapport%20co%C3%B6peratie.pdf"
    )
    assert content_disposition("foto.jpg", inline=True).startswith('inline; filename="foto.jpg"')
    header = content_disposition('Bijlage "1";\r\n%.pdf')
    assert "\r" not in header and "\n" not in header
    assert header == "attachment; filename=\"Bijlage _1_____.pdf\"; filename*=UTF-8''Bijlage%20_1_%3B__%25.pdf"
    assert uploads.DOWNLOAD_HEADERS == {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private",
    }


def test_photos_lose_their_metadata_but_stay_upright() -> None:
    from PIL import Image

    from warmteregio.network.uploads import zonder_metadata

    im = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 degrees
    exif[0x8825] = {1: "N", 2: (51.0, 48.0, 0.0)}  # GPSInfo: a position
    out = io.BytesIO()
    im.save(out, format="JPEG", exif=exif)
    clean = zonder_metadata(out.getvalue(), "image/jpeg")
    assert b"CameraMaker" in out.getvalue() and b"CameraMaker" not in clean and b"Exif" not in clean
    with Image.open(io.BytesIO(clean)) as back:
        assert back.size == (20, 40) and not back.getexif()  # orientation applied to the pixels

    png = io.BytesIO()
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Author", "Jan Janssen")
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(png, format="PNG", pnginfo=meta)
    clean_png = zonder_metadata(png.getvalue(), "image/png")
    assert b"Jan Janssen" in png.getvalue() and b"Jan Janssen" not in clean_png
    check_upload("schoon.png", clean_png, soort="foto")
    assert zonder_metadata(b"%PDF-1.4", "application/pdf") == b"%PDF-1.4"
