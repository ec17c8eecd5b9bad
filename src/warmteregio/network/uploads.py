"""Checking uploaded attachments of knowledge items before they are stored.

An attachment is either a *document* (PDF, DOCX, XLSX) or a *foto* (PNG, JPEG). The type is detected from the
content (magic bytes, the structure of the Office zip, Pillow for images), never trusted from the name or the
browser's content type, and the file name's extension must agree with what was found. Refused, with a Dutch and an
English reason and an HTTP status:

* empty files and files over the size limit (413);
* anything else than the allowed types (415), with a clear message for web pages or scripts disguised as a PDF
  and for programs;
* macro-enabled Office files (DOCM/XLSM, ``vbaProject.bin``), ActiveX controls, encrypted or malformed zips and
  zip bombs (the declared uncompressed size above :data:`~warmteregio.network.model.MAX_UITGEPAKT_BYTES`);
* PDFs with active content: ``/JavaScript``, ``/JS``, ``/Launch`` or embedded files.

Accepted files are stored as bytes and only ever served as downloads (or photos as images) with
:data:`DOWNLOAD_HEADERS` and :func:`content_disposition`; nothing is executed or rendered as HTML.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote

from warmteregio.network import model

SOORTEN = ("document", "foto")

#: Headers for every download of an attachment: no content sniffing, no scripts even if a browser renders it.
DOWNLOAD_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private",
}


@dataclass(frozen=True)
class Bestandstype:
    code: str
    mediatype: str
    extensies: tuple[str, ...]  # allowed extensions, the first is the usual one
    soort: str
    nl: str
    en: str


TYPES: dict[str, Bestandstype] = {
    t.code: t
    for t in (
        Bestandstype("pdf", "application/pdf", ("pdf",), "document", "PDF-document", "PDF document"),
        Bestandstype(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            "document",
            "Word-document (DOCX)",
            "Word document (DOCX)",
        ),
        Bestandstype(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            "document",
            "Excel-werkmap (XLSX)",
            "Excel workbook (XLSX)",
        ),
        Bestandstype("png", "image/png", ("png",), "foto", "PNG-afbeelding", "PNG image"),
        Bestandstype("jpeg", "image/jpeg", ("jpg", "jpeg"), "foto", "JPEG-foto", "JPEG photo"),
    )
}

#: Largest photo accepted [pixels] (decompression bomb guard).
MAX_FOTO_PIXELS = 40_000_000
#: Most entries in a DOCX/XLSX zip.
MAX_ZIP_ENTRIES = 5_000
#: Most bytes of decompressed PDF object streams scanned for active content.
MAX_PDF_SCAN_BYTES = 50 * 1024 * 1024

_MAX_NAAM = 200
_ONVEILIG = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')
_RESERVED = frozenset(["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)])


class UploadFout(ValueError):
    """A refused upload: ``nl`` and ``en`` say why, ``status`` is the HTTP status (400, 413 or 415)."""

    def __init__(self, nl: str, en: str, status: int = 415) -> None:
        super().__init__(en)
        self.nl = nl
        self.en = en
        self.status = status


@dataclass(frozen=True)
class Gecontroleerd:
    """An accepted upload: the safe file name, the detected media type, ``soort`` (document or foto), the
    extension (lower case, without dot), the size [bytes] and the SHA-256 (hex) of the content."""

    bestandsnaam: str
    mediatype: str
    soort: str
    extensie: str
    grootte: int
    sha256: str


# ------------------------------------------------------------------------------------------------ file names


def veilige_bestandsnaam(name: str | None) -> str:
    """``name`` without directories, control or special characters (``<>:"/\\|?*``), leading dots and reserved
    Windows names, NFC-normalised and at most 200 characters (the extension kept); ``bestand`` when nothing is
    left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _ONVEILIG.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    name = name.rstrip(". ")  # Windows drops trailing dots and spaces
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.casefold() in _RESERVED or name.casefold() in _RESERVED:
        name = "_" + name
    if len(name) > _MAX_NAAM:
        if ext and len(ext) <= 20:
            name = stem[: _MAX_NAAM - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:_MAX_NAAM].rstrip()
    return name or "bestand"


def _extensie(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.casefold() if dot and stem else ""


def content_disposition(name: str | None, inline: bool = False) -> str:
    """The ``Content-Disposition`` header (RFC 6266) for ``name``: an ASCII ``filename`` fallback and the exact
    name as ``filename*`` in UTF-8 (RFC 8187)."""
    safe = veilige_bestandsnaam(name)
    ascii_name = unicodedata.normalize("NFKD", safe).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\%;]', "_", ascii_name).strip() or "bestand"
    encoded = quote(safe, safe="!#$&+-.^_`|~")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


# ------------------------------------------------------------------------------------------------ detection

_HTML = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml|<iframe|<meta|<!--|<a\s|<div|<img|<object"
    rb"|<embed|<form|<style|<link)",
    re.IGNORECASE,
)
_SCRIPT = re.compile(rb"<script|javascript:|on[a-z]+\s*=", re.IGNORECASE)


def _looks_like_html(head: bytes) -> bool:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if b"\x00" in head[:64]:  # UTF-16: drop the zero bytes to look at the text
        head = head.replace(b"\x00", b"")
    return bool(_HTML.match(head)) or (bool(_SCRIPT.search(head)) and head.lstrip()[:1] == b"<")


def _detect(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def _weiger_type(data: bytes, naam: str, soort: str) -> UploadFout:
    """The refusal for content that is none of the allowed types, as precise as possible."""
    ext = _extensie(naam)
    head = data[:2048]
    if _looks_like_html(head):
        if ext:
            return UploadFout(
                f"Dit bestand heet .{ext} maar is een webpagina (HTML) of script. Zulke bestanden worden geweigerd.",
                f"This file is named .{ext} but is a web page (HTML) or script. Such files are refused.",
            )
        return UploadFout(
            "Dit bestand is een webpagina (HTML) of script. Zulke bestanden worden geweigerd.",
            "This file is a web page (HTML) or script. Such files are refused.",
        )
    if head.startswith((b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")):
        return UploadFout(
            "Programma's en scripts zijn niet toegestaan.",
            "Programs and scripts are not allowed.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return UploadFout(
            "Oude Office-bestanden (DOC, XLS) worden niet aangenomen; sla het bestand op als DOCX, XLSX of PDF.",
            "Old Office files (DOC, XLS) are not accepted; save the file as DOCX, XLSX or PDF.",
        )
    return UploadFout(*_toegestaan(soort))


def _wel_toegestaan(soort: str) -> tuple[str, str]:
    if soort == "foto":
        return "Een foto moet een PNG- of JPEG-bestand zijn.", "A photo must be a PNG or JPEG file."
    return (
        "Toegestaan zijn PDF, Word (DOCX) en Excel (XLSX).",
        "Allowed are PDF, Word (DOCX) and Excel (XLSX).",
    )


def _toegestaan(soort: str) -> tuple[str, str]:
    nl, en = _wel_toegestaan(soort)
    return f"Dit bestandstype is niet toegestaan. {nl}", f"This file type is not allowed. {en}"


# ------------------------------------------------------------------------------------------------ PDF

_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_ACTIEF = {
    b"/JavaScript": ("JavaScript", "JavaScript"),
    b"/JS": ("JavaScript", "JavaScript"),
    b"/Launch": ("een actie die een programma start (/Launch)", "an action that starts a program (/Launch)"),
    b"/EmbeddedFile": ("ingesloten bestanden", "embedded files"),
    b"/EmbeddedFiles": ("ingesloten bestanden", "embedded files"),
}
_STREAM = re.compile(rb">>\s*stream\r?\n")


def _pdf_names(data: bytes) -> set[bytes]:
    names = set()
    for m in _PDF_NAME.finditer(data):
        name = m.group(0)
        if b"#" in name:  # '#xx' escapes in names: /J#61vaScript is /JavaScript
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda h: bytes([int(h.group(1), 16)]), name)
        if name in _PDF_ACTIEF:
            names.add(name)
    return names


def _pdf_object_streams(data: bytes) -> list[bytes]:
    """The decompressed object streams (PDF 1.5+ may keep dictionaries there), within a total budget."""
    out: list[bytes] = []
    budget = MAX_PDF_SCAN_BYTES
    view = memoryview(data)
    for m in _STREAM.finditer(data):
        head = data[max(0, m.start() - 1000) : m.start()]
        head = head[head.rfind(b" obj") + 1 :]  # the stream's own dictionary
        if b"/ObjStm" not in head or b"/FlateDecode" not in head:
            continue
        try:
            chunk = zlib.decompressobj().decompress(view[m.end() :], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        out.append(chunk)
        if budget <= 0:
            raise UploadFout(
                "Deze PDF kon niet volledig worden gecontroleerd (te veel ingepakte inhoud).",
                "This PDF could not be checked completely (too much compressed content).",
                413,
            )
    return out


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise UploadFout(
            "Dit PDF-bestand is onvolledig of beschadigd (het einde ontbreekt).",
            "This PDF file is incomplete or damaged (its end is missing).",
        )
    found = _pdf_names(data)
    for stream in _pdf_object_streams(data):
        found |= _pdf_names(stream)
    if found:
        nl = sorted({_PDF_ACTIEF[n][0] for n in found})
        en = sorted({_PDF_ACTIEF[n][1] for n in found})
        raise UploadFout(
            "Deze PDF bevat actieve inhoud (" + ", ".join(nl) + ") en wordt daarom geweigerd. "
            "Sla het document opnieuw op als gewone PDF (bijvoorbeeld via 'Afdrukken naar PDF').",
            "This PDF contains active content (" + ", ".join(en) + ") and is therefore refused. "
            "Save the document again as a plain PDF (for example with 'Print to PDF').",
        )


# ------------------------------------------------------------------------------------------------ Office zip

_CT_DOCX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _zip_fout() -> UploadFout:
    return UploadFout(
        "Dit bestand is geen geldig Word- of Excel-bestand (het zip-archief is beschadigd of afwijkend).",
        "This file is not a valid Word or Excel file (the zip archive is damaged or unusual).",
    )


def _macro_fout() -> UploadFout:
    return UploadFout(
        "Bestanden met macro's of ActiveX-besturingselementen (zoals DOCM en XLSM) worden geweigerd. "
        "Sla het bestand op als DOCX of XLSX zonder macro's.",
        "Files with macros or ActiveX controls (such as DOCM and XLSM) are refused. "
        "Save the file as DOCX or XLSX without macros.",
    )


def _check_office(data: bytes) -> str:
    """``docx`` or ``xlsx`` for a well-formed, macro-free Office file; raises otherwise."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _zip_fout() from None
    if not infos or len(infos) > MAX_ZIP_ENTRIES:
        raise _zip_fout()
    names: set[str] = set()
    totaal = 0
    for info in infos:
        name = info.filename
        lower = name.casefold()
        if (
            info.flag_bits & 0x1
            or name in names
            or name.startswith(("/", "\\"))
            or ".." in re.split(r"[/\\]", name)
            or "\x00" in name
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        ):
            if info.flag_bits & 0x1:
                raise UploadFout(
                    "Versleutelde (met een wachtwoord beveiligde) bestanden kunnen niet worden gecontroleerd en "
                    "worden geweigerd.",
                    "Encrypted (password-protected) files cannot be checked and are refused.",
                )
            raise _zip_fout()
        names.add(name)
        if lower.rsplit("/", 1)[-1] == "vbaproject.bin" or "/activex/" in "/" + lower:
            raise _macro_fout()
        totaal += info.file_size
    if totaal > model.MAX_UITGEPAKT_BYTES:
        raise UploadFout(
            f"Uitgepakt is dit bestand groter dan {model.MAX_UITGEPAKT_BYTES // (1024 * 1024)} MB; "
            "het wordt geweigerd (mogelijke zip-bom).",
            f"Unpacked this file is larger than {model.MAX_UITGEPAKT_BYTES // (1024 * 1024)} MB; "
            "it is refused (possible zip bomb).",
            413,
        )
    if "[Content_Types].xml" not in names:
        raise UploadFout(*_toegestaan("document"))
    try:
        with zf.open("[Content_Types].xml") as fh:
            types = fh.read(1024 * 1024 + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
        raise _zip_fout() from None
    if len(types) > 1024 * 1024:
        raise _zip_fout()
    if b"macroenabled" in types.lower() or b"vbaproject" in types.lower():
        raise _macro_fout()
    if _CT_DOCX in types and "word/document.xml" in names:
        return "docx"
    if _CT_XLSX in types and "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadFout(*_toegestaan("document"))


# ------------------------------------------------------------------------------------------------ images


def _check_image(data: bytes, code: str) -> None:
    """Pillow must recognise the same format, the size must stay under :data:`MAX_FOTO_PIXELS`, a PNG must pass
    ``verify`` (chunk checksums) and a JPEG must decode completely (at 1/8 scale, cheap)."""
    from PIL import Image, UnidentifiedImageError

    fout = UploadFout(
        "Deze afbeelding is beschadigd of geen echte PNG/JPEG.",
        "This image is damaged or not a real PNG/JPEG.",
    )
    te_groot = UploadFout(
        f"Deze foto heeft te veel pixels; het maximum is {MAX_FOTO_PIXELS // 1_000_000} megapixel.",
        f"This photo has too many pixels; the maximum is {MAX_FOTO_PIXELS // 1_000_000} megapixels.",
        413,
    )
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != code.upper():
                raise fout
            width, height = img.size
            if width * height > MAX_FOTO_PIXELS:
                raise te_groot
            if code == "png":
                img.verify()
            else:
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                img.load()
    except UploadFout:
        raise
    except Image.DecompressionBombError:
        raise te_groot from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise fout from None


# ------------------------------------------------------------------------------------------------ the check


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_upload(bestandsnaam: str, data: bytes, *, soort: str = "document") -> Gecontroleerd:
    """Check an upload of ``soort`` (``document``: PDF/DOCX/XLSX, ``foto``: PNG/JPEG); the accepted file's facts,
    or :class:`UploadFout`."""
    if soort not in SOORTEN:
        raise UploadFout(
            f"Onbekende soort bijlage '{soort}': kies document of foto.",
            f"Unknown kind of attachment '{soort}': choose document or foto.",
            400,
        )
    naam = veilige_bestandsnaam(bestandsnaam)
    if not data:
        raise UploadFout("Het bestand is leeg.", "The file is empty.", 400)
    limiet = model.MAX_FOTO_BYTES if soort == "foto" else model.MAX_DOCUMENT_BYTES
    if len(data) > limiet:
        wat_nl, wat_en = ("Een foto", "A photo") if soort == "foto" else ("Een document", "A document")
        raise UploadFout(
            f"Het bestand is te groot ({_mb(len(data))}). {wat_nl} mag hoogstens {_mb(limiet)} zijn.",
            f"The file is too large ({_mb(len(data))}). {wat_en} may be at most {_mb(limiet)}.",
            413,
        )
    code = _detect(data)
    if code is None:
        raise _weiger_type(data, naam, soort)
    if code == "zip":
        if soort == "foto":
            raise UploadFout(*_toegestaan(soort))
        code = _check_office(data)
    btype = TYPES[code]
    if btype.soort != soort:
        nl, en = _wel_toegestaan(soort)
        raise UploadFout(f"Een {btype.nl} is hier niet toegestaan. {nl}", f"A {btype.en} is not allowed here. {en}")
    ext = _extensie(naam)
    if ext not in btype.extensies:
        goed = btype.extensies[0]
        if ext:
            nl = f"De extensie .{ext} past niet bij de inhoud: dit is een {btype.nl}. Gebruik .{goed}."
            en = f"The extension .{ext} does not match the content: this is a {btype.en}. Use .{goed}."
        else:
            nl = f"De bestandsnaam heeft geen extensie; dit is een {btype.nl}. Gebruik .{goed}."
            en = f"The file name has no extension; this is a {btype.en}. Use .{goed}."
        raise UploadFout(nl, en)
    if code == "pdf":
        _check_pdf(data)
    elif code in ("png", "jpeg"):
        _check_image(data, code)
    return Gecontroleerd(
        bestandsnaam=naam,
        mediatype=btype.mediatype,
        soort=soort,
        extensie=ext,
        grootte=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


# ------------------------------------------------------------------------------------------- photo metadata


def zonder_metadata(data: bytes, mediatype: str) -> bytes:
    """A checked photo (PNG or JPEG) re-encoded without its metadata: EXIF (camera, time, GPS position), XMP,
    IPTC, comments and PNG text chunks are dropped, so a workshop photo does not reveal where or by whom it was
    taken. The JPEG orientation is applied to the pixels first, so the picture stays upright. Other types are
    returned unchanged."""
    import io

    from PIL import Image, ImageOps

    if mediatype not in ("image/png", "image/jpeg"):
        return data
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        if mediatype == "image/jpeg":
            im = ImageOps.exif_transpose(im)
            if im.mode not in ("RGB", "L", "CMYK"):
                im = im.convert("RGB")
            out = io.BytesIO()
            im.save(out, format="JPEG", quality=90, optimize=True)
        else:
            clean = im.copy()
            clean.info = {k: v for k, v in im.info.items() if k in ("transparency", "gamma")}
            out = io.BytesIO()
            clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
