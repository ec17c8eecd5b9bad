"""Maps of a programme: buurten coloured by a category, as accessible SVG (pages, HTML and PDF) and PNG (DOCX).

Geometries are RD New (EPSG:28992) metres; the map is drawn with north up (y flipped) and the geometry is
simplified to about half a pixel at the drawn size, so a gemeente of a few hundred buurten stays small. Every
map carries a legend; the SVG has ``<title>``/``<desc>`` and one ``<path data-buurt=...>`` with its own
``<title>`` tooltip per buurt. Callers always offer a table with the same information next to the map.

Pure: no database, no web.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterator, Mapping, Sequence

import shapely
from markupsafe import escape

GEEN_KLEUR = "#f2f2f2"  # buurten without a category
RAND = "#ffffff"  # boundary between buurten
TEKST = "#1a1a1a"
MARGE = 8  # px around the map
LEGENDA_REGEL = 20  # px per legend row
LEGENDA_KOLOM_MIN = 210  # px minimum width of a legend column
SCHAALSTOK_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def _polygons(geom: shapely.Geometry) -> Iterator[shapely.Polygon]:
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Polygon":
        yield geom
    elif geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        for part in geom.geoms:
            yield from _polygons(part)


class _Projectie:
    """RD New metres -> pixels: ``breedte`` wide (map part), north up."""

    def __init__(self, geoms: Mapping[str, shapely.Geometry], breedte: int) -> None:
        bounds = [g.bounds for g in geoms.values() if g is not None and not g.is_empty]
        if bounds:
            self.minx = min(b[0] for b in bounds)
            self.miny = min(b[1] for b in bounds)
            self.maxx = max(b[2] for b in bounds)
            self.maxy = max(b[3] for b in bounds)
        else:
            self.minx = self.miny = 0.0
            self.maxx = self.maxy = 1.0
        span_x = max(self.maxx - self.minx, 1e-9)
        span_y = max(self.maxy - self.miny, 1e-9)
        self.binnen = max(breedte - 2 * MARGE, 10)
        self.schaal = self.binnen / span_x  # px per metre
        if span_y * self.schaal > 2.5 * self.binnen:  # a very tall area: limit the height
            self.schaal = 2.5 * self.binnen / span_y
        self.breedte = breedte
        self.hoogte = int(math.ceil(span_y * self.schaal)) + 2 * MARGE
        self.x0 = MARGE + (self.binnen - span_x * self.schaal) / 2

    def tolerantie(self, px: float = 0.5) -> float:
        return px / self.schaal

    def punt(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + (x - self.minx) * self.schaal, MARGE + (self.maxy - y) * self.schaal


def _vereenvoudig(geom: shapely.Geometry, tolerantie: float) -> shapely.Geometry:
    simple = shapely.simplify(geom, tolerantie, preserve_topology=True)
    return simple if simple is not None and not simple.is_empty else geom


def _ringen(geom: shapely.Geometry, proj: _Projectie) -> Iterator[list[tuple[float, float]]]:
    for poly in _polygons(geom):
        for ring in (poly.exterior, *poly.interiors):
            pts = [proj.punt(x, y) for x, y in shapely.get_coordinates(ring)]
            if len(pts) >= 3:
                yield pts


def _pad(geom: shapely.Geometry, proj: _Projectie) -> str:
    """SVG path data (pixels, one decimal, repeated points dropped)."""
    parts: list[str] = []
    for pts in _ringen(geom, proj):
        cmds: list[str] = []
        last = None
        for x, y in pts[:-1] if pts[0] == pts[-1] else pts:
            p = (round(x, 1), round(y, 1))
            if p == last:
                continue
            cmds.append(f"{p[0]:g} {p[1]:g}")
            last = p
        if len(cmds) >= 3:
            parts.append("M" + "L".join(cmds) + "Z")
    return "".join(parts)


def _schaalstok(proj: _Projectie) -> tuple[float, float]:
    """A round length [km] of at most a quarter of the map width, and its width in px."""
    km = SCHAALSTOK_KM[0]
    for candidate in SCHAALSTOK_KM:
        if candidate * 1000 * proj.schaal <= proj.binnen / 4:
            km = candidate
    return km, km * 1000 * proj.schaal


def _legenda_layout(n: int, breedte: int) -> tuple[int, int]:
    """(columns, rows) of a legend of ``n`` items."""
    if n == 0:
        return 0, 0
    kolommen = max(1, min(n, (breedte - 2 * MARGE) // LEGENDA_KOLOM_MIN))
    return kolommen, math.ceil(n / kolommen)


def _attr(text: object) -> str:
    return str(escape(str(text)))


def svg_kaart(
    geoms: Mapping[str, shapely.Geometry],
    kleuren: Mapping[str, str],
    *,
    titel: str,
    beschrijving: str,
    legenda: Sequence[tuple[str, str]],
    breedte: int = 640,
    links: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    tooltips: Mapping[str, str] | None = None,
    id: str | None = None,
    buurt_titels: bool = True,
) -> str:
    """A standalone accessible SVG map: buurt ``code -> geometry`` (RD New) filled with ``kleuren[code]``.

    ``legenda``: (colour, text) pairs shown below the map. ``links``: buurt -> URL, the buurt becomes a link.
    ``labels``: buurt -> short text drawn on the map. ``tooltips``: buurt -> text of the buurt's ``<title>``
    (default: its label, else its code); ``buurt_titels=False`` leaves those out (print). ``id``: prefix of the
    element ids (default: derived from the content, so two different maps on one page do not clash). Without
    links the map is ``role="img"`` (its title and description are what assistive technology reads); with links
    it is a ``role="group"`` of named links.
    """
    proj = _Projectie(geoms, breedte)
    links = links or {}
    labels = labels or {}
    tooltips = tooltips or {}
    kolommen, rijen = _legenda_layout(len(legenda), breedte)
    legenda_hoogte = rijen * LEGENDA_REGEL + (MARGE if rijen else 0)
    schaal_hoogte = 22
    kaart_hoogte = proj.hoogte + schaal_hoogte
    hoogte = kaart_hoogte + legenda_hoogte
    if id is None:
        digest = hashlib.sha1(
            "|".join([titel, beschrijving, *(f"{k}={kleuren.get(k, '')}" for k in sorted(geoms))]).encode()
        ).hexdigest()[:10]
        id = f"wr-kaart-{digest}"
    tol = proj.tolerantie()
    role = "group" if links else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="{role}" width="{breedte}" height="{hoogte}" '
        f'viewBox="0 0 {breedte} {hoogte}" aria-labelledby="{id}-titel {id}-desc" class="wr-kaart" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{id}-titel">{escape(titel)}</title>',
        f'<desc id="{id}-desc">{escape(beschrijving)}</desc>',
        f'<g class="wr-kaart__buurten" stroke="{RAND}" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">',
    ]
    label_items: list[tuple[float, float, str]] = []
    # larger areas first, so enclaves (a buurt inside another's hole) stay visible
    volgorde = sorted(((c, g) for c, g in geoms.items() if g is not None and not g.is_empty),
                      key=lambda item: (-item[1].area, item[0]))  # fmt: skip
    for code, geom in volgorde:
        d = _pad(_vereenvoudig(geom, tol), proj)
        if not d:
            continue
        kleur = kleuren.get(code) or GEEN_KLEUR
        tip = tooltips.get(code) or labels.get(code) or code
        inhoud = f"<title>{escape(tip)}</title>" if buurt_titels else ""
        path = f'<path d="{d}" fill="{_attr(kleur)}" data-buurt="{_attr(code)}">{inhoud}</path>'
        if code in links:
            out.append(f'<a href="{_attr(links[code])}" aria-label="{_attr(tip)}">{path}</a>')
        else:
            out.append(path)
        if code in labels and labels[code]:
            pt = geom.representative_point()
            label_items.append((*proj.punt(pt.x, pt.y), labels[code]))
    out.append("</g>")
    if label_items:
        out.append(f'<g class="wr-kaart__labels" aria-hidden="true" fill="{TEKST}" font-size="9" '
                   f'text-anchor="middle" pointer-events="none" paint-order="stroke" stroke="#ffffff" '
                   f'stroke-width="2">')  # fmt: skip
        for x, y, text in label_items:
            out.append(f'<text x="{x:.1f}" y="{y + 3:.1f}">{escape(text)}</text>')
        out.append("</g>")
    km, px = _schaalstok(proj)
    y0 = proj.hoogte + 4
    tekst_km = f"{km:g} km".replace(".", ",")
    out.append(
        f'<g class="wr-kaart__schaal" aria-hidden="true" fill="{TEKST}" font-size="10">'
        f'<rect x="{MARGE}" y="{y0}" width="{px:.1f}" height="4" fill="{TEKST}"/>'
        f'<text x="{MARGE + px + 6:.1f}" y="{y0 + 6}">{tekst_km}</text></g>'
    )
    if legenda:
        out.append(f'<g class="wr-kaart__legenda" fill="{TEKST}">')
        kolom_breedte = (breedte - 2 * MARGE) / kolommen
        for i, (kleur, tekst) in enumerate(legenda):
            col, row = i // rijen, i % rijen
            x = MARGE + col * kolom_breedte
            y = kaart_hoogte + MARGE // 2 + row * LEGENDA_REGEL
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="14" height="14" fill="{_attr(kleur)}" stroke="#666666" '
                f'stroke-width="0.5"/><text x="{x + 20:.1f}" y="{y + 11}">{escape(tekst)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------- PNG


def _font(size: int):  # noqa: ANN202
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except (ValueError, IndexError):
        return _rgb(GEEN_KLEUR)


def png_kaart(
    geoms: Mapping[str, shapely.Geometry],
    kleuren: Mapping[str, str],
    *,
    breedte: int = 1200,
    legenda: Sequence[tuple[str, str]] = (),
    titel: str | None = None,
) -> bytes:
    """The same map as :func:`svg_kaart` as a PNG ``breedte`` pixels wide (for DOCX), drawn at twice the size
    and scaled down (smooth edges). ``titel`` is drawn above the map when given."""
    from PIL import Image, ImageDraw

    f = 2  # supersampling
    k = max(breedte / 640, 1.0)  # text and legend grow with the image, so they read well at page width
    proj = _Projectie(geoms, breedte * f)
    kolommen, rijen = _legenda_layout(len(legenda), int(breedte / k))
    regel = round(LEGENDA_REGEL * k)
    titel_hoogte = round(28 * k) if titel else 0
    legenda_hoogte = (rijen * regel + MARGE) if rijen else 0
    kaart_top = titel_hoogte * f
    hoogte = kaart_top + proj.hoogte + legenda_hoogte * f
    img = Image.new("RGB", (breedte * f, hoogte), "white")
    draw = ImageDraw.Draw(img)
    tol = proj.tolerantie(0.5)
    volgorde = sorted(((c, g) for c, g in geoms.items() if g is not None and not g.is_empty),
                      key=lambda item: (-item[1].area, item[0]))  # fmt: skip
    for code, geom in volgorde:
        fill = _rgb(kleuren.get(code) or GEEN_KLEUR)
        for poly in _polygons(_vereenvoudig(geom, tol)):
            ext = [(x, y + kaart_top) for x, y in (proj.punt(*c) for c in shapely.get_coordinates(poly.exterior))]
            if len(ext) < 3:
                continue
            draw.polygon(ext, fill=fill)
            for ring in poly.interiors:  # holes: background (an enclave is drawn later, being smaller)
                hole = [(x, y + kaart_top) for x, y in (proj.punt(*c) for c in shapely.get_coordinates(ring))]
                if len(hole) >= 3:
                    draw.polygon(hole, fill=(255, 255, 255))
            draw.line(ext, fill=(255, 255, 255), width=f, joint="curve")
    if titel:
        draw.text((MARGE * f, 4 * f * k), titel, fill=_rgb(TEKST), font=_font(round(16 * k) * f))
    if legenda:
        font = _font(round(12 * k) * f)
        vak = round(14 * k)
        kolom_breedte = (breedte - 2 * MARGE) / kolommen
        for i, (kleur, tekst) in enumerate(legenda):
            col, row = i // rijen, i % rijen
            x = (MARGE + col * kolom_breedte) * f
            y = kaart_top + proj.hoogte + (MARGE // 2 + row * regel) * f
            draw.rectangle([x, y, x + vak * f, y + vak * f], fill=_rgb(kleur), outline=(102, 102, 102), width=f)
            draw.text((x + (vak + 6 * k) * f, y - f), tekst, fill=_rgb(TEKST), font=font)
    img = img.reduce(f)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
