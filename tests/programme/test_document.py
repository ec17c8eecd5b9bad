"""The programme document (issue 6): HTML, tagged PDF and DOCX from a hand-made programme of 20 buurten."""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import shapely

from warmteregio.programme import document
from warmteregio.programme.model import (
    AnalyseInfo,
    Buurtplan,
    Koppelkans,
    Participatie,
    Partner,
    Programma,
    Stap,
    Terugblik,
    TerugblikRij,
    Toetsresultaat,
)
from warmteregio.programme.regels import load_rules

MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ALTERNATIEVEN = ("S2a", "S1a", "warmtenet", "groengas_hybride", "S3c", "all_electric", "nader_te_bepalen", None)
UITLEG = (
    "S2a komt als beste uit de afweging, vóór S1a. S2a scoort vooral beter op 'nationale meerkosten' en "
    "'maandlasten eigenaar-bewoner'. S1a is beter op 'CO2-reductie'. De keuze is redelijk robuust: S2a staat in "
    "62% van de plausibele wegingen op de eerste plaats. Dilemma: de goedkoopste variant voor de maatschappij is "
    "niet de goedkoopste voor sociale huurders."
)
EXPLANATION = (
    "S2a comes first in the assessment, ahead of S1a. S2a scores better mainly on 'national extra costs' and "
    "'monthly costs owner-occupier'. S1a is better on 'CO2 reduction'. The choice is fairly robust: S2a ranks "
    "first in 62% of the plausible weightings."
)
MELDING = "Buurt Oud-Krispijn wordt aangewezen maar de betaalbaarheid is niet onderbouwd."


def _plan(i: int) -> Buurtplan:
    code = f"BU0505{i:04d}"
    alt = ALTERNATIEVEN[i % len(ALTERNATIEVEN)]
    start = 2026 + i % 14 if i % 20 < 14 else None
    aanwijzen = i in (1, 3)
    return Buurtplan(
        buurt_code=code,
        buurt_naam="Oud-Krispijn" if i == 1 else f"Buurt {i}",
        wijk_code=f"WK0505{i // 5:02d}",
        alternatief=alt,
        analyse_voorkeur="S2a" if i % 2 == 0 else "S1a",
        analyse_robuustheid=0.5 + i / 50,
        analyse_uitleg_nl=f"{UITLEG} (buurt {i})",
        analyse_uitleg_en=f"{EXPLANATION} (buurt {i})",
        afwijking_reden="Lokale restwarmtebron beschikbaar." if i == 3 else None,
        fase=("gereed" if i == 0 else "uitvoering" if i < 3 else "planvorming" if i < 8 else "verkenning"),
        startjaar=start,
        doeljaar=start + 6 if start else None,
        koppelkansen=(Koppelkans("riolering", "Rioolvervanging Krispijnseweg", 2028),) if i == 1 else (),
        aanwijzen=aanwijzen,
        aanwijsbesluit_jaar=2027 if aanwijzen else None,
        aardgasvrij_jaar=2035 if i == 1 else 2032 if aanwijzen else None,
        termijn_reden="Warmtenet ligt er al; korte termijn haalbaar." if i == 3 else None,
        betaalbaarheid="Maandlasten gelijk aan **referentie** voor huurders." if i == 1 else None,
        haalbaarheid="HVC levert warmte; net in de straat." if aanwijzen else None,
        nationale_kosten_weq=1234.5 + i,
        maandlasten_eigenaar=-12.4 if aanwijzen else None,
        maandlasten_sociale_huur=3.0 if aanwijzen else None,
        maandlasten_particuliere_huur=18.6 if aanwijzen else None,
        woningen=400 + 10 * i,
        weq=420.0 + i,
        warmtevraag_gj=20_000.0 + i,
    )


def _geometrie(n: int = 20) -> dict[str, bytes]:
    out = {}
    for i in range(n):
        x, y = 104_000 + (i % 10) * 800, 421_000 + (i // 10) * 700
        out[f"BU0505{i:04d}"] = shapely.to_wkb(shapely.box(x, y, x + 790, y + 690))
    return out


def make_programma(status: str = "concept", n: int = 20, **kw: object) -> Programma:
    rules = load_rules()
    plannen = tuple(_plan(i) for i in range(n))
    base = Programma(
        id=7, gemeente_code="GM0505", gemeente_naam="Dordrecht", volgnummer=2, titel="Warmteprogramma Dordrecht 2026",
        status=status, res_code="ES18",
        teksten={
            "inleiding": "Dordrecht gaat **wijk voor wijk** van het aardgas af.\n\n- eerst Krispijn\n- dan Staart",
            "partners": "We werken samen met Stedin en de corporaties.",
        },
        analyse=AnalyseInfo(run_id=42, parameterset="vesta2025 1.0", zichtjaar=2030, code_versie="0.1.0"),
        plannen=plannen, gemeente_buurten=tuple(q.buurt_code for q in plannen),
        stappen=tuple(Stap(s.code, status="gereed" if k < 3 else "open", eigenaar="Team warmte" if k < 3 else None,
                           bewijs="Raadsbesluit 2025/12" if k == 0 else None)
                      for k, s in enumerate(rules.stappen)),
        participatie=(
            Participatie(1, date(2025, 10, 1), "bijeenkomst", "Bewonersavond Krispijn", partners=("Stedin",),
                         buurt_codes=("BU05050001",), aantal_deelnemers=85, inbreng="Zorgen over de kosten.",
                         reactie="Maandlasten zijn toegevoegd aan hoofdstuk 5."),
            Participatie(2, date(2025, 11, 12), "enquete", "Enquête warmte", inbreng="60% wil meedoen."),
        ),
        partners=(Partner(1, "Stedin", "netbeheerder", "Netbeheer elektriciteit en gas"),
                  Partner(2, "Woonbron", "woningcorporatie", None)),
        versie=5,
    )  # fmt: skip
    return replace(base, **kw)


def toetsen() -> list[Toetsresultaat]:
    return [
        Toetsresultaat("haalbaar_betaalbaar", "Haalbaarheid en betaalbaarheid onderbouwd", "Feasibility substantiated",
                       "fout", MELDING, "Oud-Krispijn is designated but affordability is not substantiated.",
                       buurten=("BU05050001",), grondslag="Wgiw: aanwijzen alleen als haalbaar en betaalbaar",
                       bron="Staatsblad 2025", blokkeert_vaststelling=True),
        Toetsresultaat("participatie", "Participatie vastgelegd", "Participation recorded", "ok",
                       "Er zijn 2 participatiemomenten vastgelegd.", "2 participation moments recorded.",
                       grondslag="Omgevingsbesluit"),
    ]  # fmt: skip


def terugblik() -> Terugblik:
    rij = TerugblikRij(
        "BU05050002",
        "Buurt 2",
        "S2a",
        "S2a",
        2024,
        2026,
        2030,
        2032,
        "planvorming",
        "uitvoering",
        "vertraagd",
        "2 jaar later dan gepland.",
        "2 years later than planned.",
    )
    return Terugblik(
        vorige_id=3, vorige_vastgesteld_op=date(2021, 6, 1), rijen=(rij,), samenvatting={"vertraagd": 1, "op_schema": 0}
    )


def args(n: int = 20, **kw: object) -> dict:
    return {"geometrie": _geometrie(n), "toetsen": toetsen(), "terugblik": None, "gegenereerd": MOMENT} | kw


# ------------------------------------------------------------------------------------------------ helpers


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes plus its inflated streams (the catalogue may sit in a compressed object stream)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------------ PDF


@pytest.fixture(scope="module")
def pdf_nl() -> bytes:
    import gc

    assert gc.isenabled()
    data = document.render_pdf(make_programma(), **args(terugblik=terugblik()))
    assert gc.isenabled()  # the collector is paused only while WeasyPrint works
    return data


def test_pdf_is_tagged_with_language_and_title(pdf_nl: bytes) -> None:
    from pypdf import PdfReader

    assert pdf_nl.startswith(b"%PDF")
    objects = pdf_objects(pdf_nl)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert re.search(rb"/Lang\s*\(nl\)", objects)
    assert re.search(rb"/S\s*/H2", objects) and re.search(rb"/S\s*/Table", objects)  # headings and tables tagged
    meta = PdfReader(io.BytesIO(pdf_nl)).metadata
    assert meta.title == "Warmteprogramma Dordrecht 2026 – Dordrecht"


def test_pdf_text_has_chapters_buurten_explanations_and_checks(pdf_nl: bytes) -> None:
    text = pdf_text(pdf_nl)
    for h in load_rules().hoofdstukken:
        assert h.titel_nl in text, h.titel_nl
    assert "Oud-Krispijn (BU05050001)" in text
    assert squash(UITLEG)[:80] in text  # the assessment framework's explanation (appendix A)
    assert MELDING in text and "Wgiw: aanwijzen alleen als haalbaar en betaalbaar" in text
    assert "Bijlage A" in text and "Bijlage B" in text
    assert "Pagina 2 / " in text  # page numbers
    assert "Dordrecht gaat wijk voor wijk van het aardgas af." in text  # the user's text, bold markers gone
    assert "Rioolvervanging Krispijnseweg (2028)" in text  # linked opportunity
    assert "Stedin" in text and "Bewonersavond Krispijn" in text and "Zorgen over de kosten." in text
    assert "2 jaar later dan gepland." in text  # look-back


def test_pdf_in_english() -> None:
    pdf = document.render_pdf(make_programma(), **args(lang="en"))
    assert re.search(rb"/Lang\s*\(en\)", pdf_objects(pdf))
    text = pdf_text(pdf)
    for h in load_rules().hoofdstukken:
        assert h.titel_en in text, h.titel_en
    assert squash(EXPLANATION)[:80] in text and "Appendix A" in text and "Page 2 / " in text
    assert "Dordrecht gaat wijk voor wijk" in text  # the user's own text stays as entered


# ------------------------------------------------------------------------------------------------ HTML


def test_html_follows_the_chapter_order_with_maps_and_table_alternatives() -> None:
    html = document.render_html(make_programma(), **args())
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert "<title>Warmteprogramma Dordrecht 2026 – Dordrecht</title>" in html
    codes = re.findall(r'data-hoofdstuk="([^"]+)"', html)
    assert codes == [h.code for h in load_rules().hoofdstukken] + ["bijlage-uitleg", "bijlage-toetsen"]
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2
    for kaart, tabel in (("kaart-perspectief", "tabel-perspectief"), ("kaart-startperiode", "tabel-startperiode")):
        assert html.index(f'id="{kaart}"') < html.index(f'id="{tabel}"')  # the table follows its map
    assert html.count('data-buurt="BU0505') == 40  # every buurt on both maps
    assert re.search(r"<h[456]", html) is None  # headings h1-h3 only
    assert html == document.render_html(make_programma(), **args())  # deterministic


def test_html_content_of_generated_chapters() -> None:
    html = document.render_html(make_programma(), **args())
    planning = html[html.index('id="tabel-planning"') : html.index("</table>", html.index('id="tabel-planning"'))]
    assert "Oud-Krispijn (BU05050001)" in planning and "S1a: Schil naar label B" in planning
    assert "Rioolvervanging Krispijnseweg (2028)" in planning and "2027–2033" in planning
    assert "Buurt 14 (" not in planning  # no start year: not in the coming ten years
    aanwijzing = html[html.index('id="tabel-aanwijzing"') :]
    assert "Warmtenet ligt er al; korte termijn haalbaar." in aanwijzing and "8 jaar" in aanwijzing
    kosten = html[html.index('id="tabel-kosten"') :]
    assert "\u2212€ 12" in kosten and "+€ 19" in kosten and "€ 1.236" in kosten  # fmt_number, signed monthly costs
    assert "Maandlasten gelijk aan referentie voor huurders." in html
    assert "Netbeheerder" in html and "Woonbron" in html  # partners: organisations only
    assert "Maandlasten zijn toegevoegd aan hoofdstuk 5." in html  # participation: reaction
    assert "Raadsbesluit 2025/12" in html  # process step evidence
    assert "beoordeling 42, parameterset vesta2025 1.0, zichtjaar 2030" in html
    assert "Robuustheid: 52%" in html  # robustness in appendix A (Oud-Krispijn: 0.52)


def test_html_escapes_malicious_texts() -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    p = make_programma(
        titel=f"Programma {evil}", teksten={"inleiding": f"**{evil}**\n\n- <b onmouseover=alert(1)>x</b>"},
        plannen=tuple(replace(q, buurt_naam=evil, analyse_uitleg_nl=evil, betaalbaarheid=evil, afwijking_reden=evil)
                      for q in make_programma().plannen[:5]),
        participatie=(Participatie(9, date(2025, 1, 1), "gesprek", evil, inbreng=evil, reactie=evil),),
        partners=(Partner(3, evil, "overig", evil),),
    )  # fmt: skip
    html = document.render_html(p, **args(toetsen=[replace(toetsen()[0], melding_nl=evil)]))
    assert "<script" not in html and "<img" not in html and "<b " not in html
    assert not re.search(r"<[^>]*\son(error|mouseover)\s*=", html)
    assert "&lt;script&gt;" in html and "<strong>&lt;script&gt;" in html
    pdf = document.render_pdf(p, **args())
    assert '<script>alert("x")</script>' in pdf_text(pdf)  # shown as text


def test_draft_shows_placeholders() -> None:
    html = document.render_html(make_programma("concept"), **args())
    assert html.count("Nog niet ingevuld.") == len(load_rules().hoofdstukken) - 2  # two chapters have text
    assert "Wat hier hoort: Hoe bewoners en gebouweigenaren worden ondersteund" in html
    assert "Concept: dit programma is nog niet vastgesteld" in html
    assert "CONCEPT" in document.render_html(make_programma("concept"), **args(pdf=True))  # page header
    en = document.render_html(make_programma("concept"), **args(lang="en"))
    assert "Not yet written." in en and '<html lang="en">' in en


def test_adopted_version_shows_decision_and_update_date() -> None:
    p = make_programma(
        "vastgesteld", vastgesteld_op=date(2026, 11, 26), vastgesteld_door="gemeenteraad",
        besluit_referentie="Raadsbesluit 2026-117", vorige_id=3, vorige_vastgesteld_op=date(2021, 6, 1),
    )  # fmt: skip
    html = document.render_html(p, **args(terugblik=terugblik()))
    assert "Nog niet ingevuld" not in html and "Wat hier hoort" not in html
    assert "Raadsbesluit 2026-117" in html and "26 november 2026" in html and "gemeenteraad" in html
    assert "26 november 2031" in html  # update at the latest: adoption + 5 years (regels.csv)
    assert "Dit programma wordt uiterlijk op 26 november 2031 geactualiseerd" in html
    assert "Vastgesteld programma; deze versie verandert niet meer." in html
    assert 'id="tabel-terugblik"' in html and "1 juni 2021" in html
    en = document.render_html(p, **args(lang="en", terugblik=terugblik()))
    assert "26 November 2031" in en and "Adopted on" in en and "Decision" in en


def test_lookback_not_applicable_for_a_first_programme() -> None:
    html = document.render_html(make_programma(), **args())
    assert "Niet van toepassing: dit is het eerste warmteprogramma van de gemeente." in html


def test_deviations_and_checks_appendix() -> None:
    html = document.render_html(make_programma(), **args())
    assert "is een alternatief gekozen uit een andere familie dan de voorkeursvariant" in html
    assert "Voor " in html and "is (nog) geen reden vastgelegd" in html
    bijlage = html[html.index('data-hoofdstuk="bijlage-toetsen"') :]
    assert "Voldoet niet (blokkeert vaststelling)" in bijlage and MELDING in bijlage and "Staatsblad 2025" in bijlage
    assert "Voldoet" in bijlage and "Omgevingsbesluit" in bijlage


def test_real_checks_render() -> None:
    from warmteregio.programme.checks import run_checks

    p = make_programma()
    results = run_checks(p, date(2026, 3, 2))
    html = document.render_html(p, **args(toetsen=results))
    for r in results:
        assert r.titel_nl in html


# ------------------------------------------------------------------------------------------------ DOCX


def test_docx_has_headings_tables_maps_and_properties() -> None:
    from docx import Document

    data = document.render_docx(make_programma(), **args(terugblik=terugblik()))
    d = Document(io.BytesIO(data))
    assert d.core_properties.title == "Warmteprogramma Dordrecht 2026 – Dordrecht"
    assert d.core_properties.language == "nl-NL"
    kop1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert kop1[: len(load_rules().hoofdstukken)] == [f"{i}. {h.titel_nl}" for i, h in
                                                      enumerate(load_rules().hoofdstukken, start=1)]  # fmt: skip
    assert kop1[-2:] == ["Bijlage A Uitleg per buurt uit het afwegingskader", "Bijlage B Toetsresultaten"]
    assert "Oud-Krispijn (BU05050001)" in [p.text for p in d.paragraphs if p.style.name == "Heading 2"]
    assert any(p.style.name == "Title" and p.text == "Warmteprogramma Dordrecht 2026" for p in d.paragraphs)
    assert any(p.style.name == "List Bullet" and p.text == "eerst Krispijn" for p in d.paragraphs)
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "wijk voor wijk" in bold
    headers = {tuple(c.text for c in t.rows[0].cells) for t in d.tables}
    assert ("Buurt (cluster, koppelkansen)", "Alternatief", "Fase, start–doel") in headers
    assert ("Toets", "Status", "Melding", "Grondslag") in headers
    for t in d.tables[1:]:  # every generated table repeats its header row
        assert t.rows[0]._tr.trPr is not None and "tblHeader" in t.rows[0]._tr.trPr.xml
    alltext = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert MELDING in alltext and "Rioolvervanging Krispijnseweg (2028)" in alltext
    assert any(squash(UITLEG)[:60] in p.text for p in d.paragraphs)
    assert len(d.inline_shapes) == 2
    descr = [s._inline.docPr.get("descr") for s in d.inline_shapes]
    assert all(x and "De tabel hierna geeft dezelfde informatie." in x for x in descr)
    assert 'w:val="nl-NL"' in d.styles.element.xml


def test_docx_in_english() -> None:
    from docx import Document

    d = Document(io.BytesIO(document.render_docx(make_programma(), **args(lang="en"))))
    assert d.core_properties.language == "en-GB"
    assert "1. Introduction" in [p.text for p in d.paragraphs if p.style.name == "Heading 1"]


def test_filenames() -> None:
    p = make_programma()
    assert document.bestandsnaam(p, "pdf") == "warmteprogramma-GM0505-v2-concept.pdf"
    assert document.bestandsnaam(replace(p, status="vastgesteld", volgnummer=3), "docx") == \
        "warmteprogramma-GM0505-v3-vastgesteld.docx"  # fmt: skip
    with pytest.raises(ValueError):
        document.bestandsnaam(p, "exe")


def test_without_geometry_there_are_no_maps_but_tables() -> None:
    html = document.render_html(make_programma(), **args(geometrie={}))
    assert "<svg" not in html and 'id="tabel-perspectief"' in html and 'id="tabel-startperiode"' in html
