"""Accessible inline SVG charts for the information-needs results (pure; no JavaScript).

Every chart is an ``<svg role="img">`` with an ``aria-label`` (the title), a ``<title>`` and a ``<desc>`` that
spells out all values, so a screen reader gets the data without the picture; values are printed next to the bars
and in the cells, so the chart does not rely on colour. Labels come from users and are escaped everywhere. The
output is deterministic (ids are derived from the content). Pages show the same numbers in a table next to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

BREEDTE = 640
LABEL_BREEDTE = 220
RIJ_HOOGTE = 26
CEL_BREEDTE = 64
CEL_HOOGTE = 28
KOP_HOOGTE = 30
MAX_LABEL = 34
MAX_KOP = 9
TEKST = "#1a1a1a"
BALK = "#1f6fb2"
LAAG = (0xEA, 0xF2, 0xFA)
HOOG = (0x08, 0x30, 0x6B)

_WOORDEN = {
    "geen_antwoorden": ("geen antwoorden", "no answers"),
    "geen_gegevens": ("geen gegevens", "no data"),
    "waarden": ("Waarden van {lo} tot {hi}", "Values from {lo} to {hi}"),
    "rijen": ("Rijen: {r}; kolommen: {k}", "Rows: {r}; columns: {k}"),
}


def _woord(sleutel: str, taal: str, **kw: object) -> str:
    nl, en = _WOORDEN[sleutel]
    return (en if taal == "en" else nl).format(**kw)


def getal(value: float | None, taal: str = "nl", decimalen: int = 1) -> str:
    """``value`` with ``decimalen`` decimals: decimal comma in Dutch, point in English; '–' for None."""
    if value is None:
        return "–"
    text = f"{value:.{decimalen}f}"
    return text.replace(".", ",") if taal != "en" else text


def _kort(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _id(soort: str, *parts: object) -> str:
    return f"wr-{soort}-" + hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]


def _paren(items: Sequence[str] | Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        if isinstance(item, tuple):
            out.append((str(item[0]), str(item[1])))
        else:
            out.append((str(item), str(item)))
    return out


def _svg(ident: str, breedte: float, hoogte: float, titel: str, desc: str, body: list[str], klasse: str) -> Markup:
    t, d = escape(titel), escape(desc)
    kop = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wr-grafiek {klasse}" width="{breedte:g}" '
        f'height="{hoogte:g}" viewBox="0 0 {breedte:g} {hoogte:g}" role="img" aria-label="{t}" '
        f'aria-describedby="{ident}-desc" font-size="12" fill="{TEKST}">'
        f'<title id="{ident}-titel">{t}</title><desc id="{ident}-desc">{d}</desc>'
    )
    return Markup(kop + "".join(body) + "</svg>")  # every part is escaped above or in the callers


def staafdiagram(rows: Sequence[tuple[str, float | None]], *, titel: str, eenheid: str = "",
                 max_waarde: float | None = None, taal: str = "nl", decimalen: int = 1) -> Markup:  # fmt: skip
    """A horizontal bar chart: one bar per ``(label, value)`` (None = no answers), the value printed after the
    bar (with ``eenheid``). Bars scale to ``max_waarde`` (default the largest value)."""
    rows = [(str(label), None if value is None else float(value)) for label, value in rows]
    waarden = [v for _, v in rows if v is not None]
    schaal = max_waarde if max_waarde is not None and max_waarde > 0 else max(waarden + [0.0]) or 1.0
    ruimte = BREEDTE - LABEL_BREEDTE - 80
    achter = f" {eenheid}" if eenheid and eenheid != "%" else eenheid

    def tekst(value: float | None) -> str:
        return _woord("geen_antwoorden", taal) if value is None else getal(value, taal, decimalen) + achter

    ident = _id("staaf", titel, rows, schaal, eenheid, taal)
    body: list[str] = []
    if not rows:
        body.append(f'<text x="8" y="20">{escape(_woord("geen_gegevens", taal))}</text>')
    for i, (label, value) in enumerate(rows):
        y = 4 + i * RIJ_HOOGTE
        breedte = 0.0 if value is None else max(0.0, min(1.0, value / schaal)) * ruimte
        body.append(f'<g class="wr-grafiek-rij"><title>{escape(label)}: {escape(tekst(value))}</title>')
        body.append(f'<text x="{LABEL_BREEDTE - 8}" y="{y + 17}" text-anchor="end">'
                    f"{escape(_kort(label, MAX_LABEL))}</text>")  # fmt: skip
        if value is not None:
            body.append(f'<rect x="{LABEL_BREEDTE}" y="{y + 4}" width="{breedte:.1f}" height="18" fill="{BALK}"/>')
        body.append(f'<text class="wr-grafiek-waarde" x="{LABEL_BREEDTE + breedte + 6:.1f}" y="{y + 17}">'
                    f"{escape(tekst(value))}</text></g>")  # fmt: skip
    desc = f"{titel}: " + "; ".join(f"{label}: {tekst(value)}" for label, value in rows) if rows else titel
    hoogte = max(1, len(rows)) * RIJ_HOOGTE + 8
    return _svg(ident, BREEDTE, hoogte, titel, desc, body, "wr-staafdiagram")


def _kleur(t: float) -> tuple[str, str]:
    """(fill, text colour) at ``t`` (0-1) of the scale; the text colour with the better contrast (WCAG)."""
    t = max(0.0, min(1.0, t))
    rgb = tuple(round(lo + (hi - lo) * t) for lo, hi in zip(LAAG, HOOG, strict=True))
    lum = _luminantie(rgb)
    donker = _luminantie(tuple(int(TEKST[i : i + 2], 16) for i in (1, 3, 5)))
    tekst = "#ffffff" if 1.05 / (lum + 0.05) > (lum + 0.05) / (donker + 0.05) else TEKST
    return "#{:02x}{:02x}{:02x}".format(*rgb), tekst


def _luminantie(rgb: Sequence[int]) -> float:
    lin = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def heatmap(themas: Sequence[str] | Sequence[tuple[str, str]], regios: Sequence[str] | Sequence[tuple[str, str]],
            waarden: Mapping[tuple[str, str], float | None], *, titel: str, taal: str = "nl",
            min_waarde: float = 1.0, max_waarde: float = 5.0, decimalen: int = 1) -> Markup:  # fmt: skip
    """A table-like chart: one row per theme, one column per region, the cell coloured by its value (light =
    low, dark = high) with the value printed in it ('–' when empty). ``themas``/``regios``: keys or
    ``(key, label)`` pairs; ``waarden``: ``(theme key, region key) -> value``."""
    rijen, kolommen = _paren(themas), _paren(regios)
    ident = _id("heatmap", titel, rijen, kolommen, sorted(waarden.items(), key=repr), taal)
    body: list[str] = []
    for j, (_, label) in enumerate(kolommen):
        x = LABEL_BREEDTE + j * CEL_BREEDTE + CEL_BREEDTE / 2
        body.append(f'<text x="{x:g}" y="{KOP_HOOGTE - 10}" text-anchor="middle" font-weight="bold">'
                    f"<title>{escape(label)}</title>{escape(_kort(label, MAX_KOP))}</text>")  # fmt: skip
    spanne = (max_waarde - min_waarde) or 1.0
    for i, (sleutel, label) in enumerate(rijen):
        y = KOP_HOOGTE + i * CEL_HOOGTE
        body.append(f'<g class="wr-grafiek-rij"><text x="{LABEL_BREEDTE - 8}" y="{y + 18}" text-anchor="end">'
                    f"<title>{escape(label)}</title>{escape(_kort(label, MAX_LABEL))}</text>")  # fmt: skip
        for j, (regio, regio_label) in enumerate(kolommen):
            x = LABEL_BREEDTE + j * CEL_BREEDTE
            value = waarden.get((sleutel, regio))
            tekst = getal(value, taal, decimalen)
            if value is None:
                fill, kleur, rand = "#ffffff", TEKST, ' stroke="#b0b0b0"'
            else:
                (fill, kleur), rand = _kleur((value - min_waarde) / spanne), ""
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{CEL_BREEDTE - 2}" height="{CEL_HOOGTE - 2}" '
                f'fill="{fill}"{rand}><title>{escape(label)}, {escape(regio_label)}: {escape(tekst)}</title></rect>'
                f'<text x="{x + CEL_BREEDTE / 2:g}" y="{y + 18}" text-anchor="middle" fill="{kleur}">'
                f"{escape(tekst)}</text>"
            )  # fmt: skip
        body.append("</g>")
    lijnen = [
        f"{label}: " + ", ".join(f"{rl} {getal(waarden.get((sleutel, rk)), taal, decimalen)}" for rk, rl in kolommen)
        for sleutel, label in rijen
    ]
    desc = ". ".join([
        titel,
        _woord("rijen", taal, r=", ".join(lb for _, lb in rijen) or "–", k=", ".join(lb for _, lb in kolommen) or "–"),
        _woord("waarden", taal, lo=getal(min_waarde, taal, 0), hi=getal(max_waarde, taal, 0)),
        *lijnen,
    ])  # fmt: skip
    if not rijen or not kolommen:
        body.append(f'<text x="8" y="{KOP_HOOGTE + 18}">{escape(_woord("geen_gegevens", taal))}</text>')
    breedte = max(LABEL_BREEDTE + CEL_BREEDTE * len(kolommen) + 8, 320)
    hoogte = KOP_HOOGTE + max(1, len(rijen)) * CEL_HOOGTE + 4
    return _svg(ident, breedte, hoogte, titel, desc, body, "wr-heatmap")
