"""Accessible SVG charts: structure, escaping of user labels, bilingual numbers, determinism."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from warmteregio.network.charts import getal, heatmap, staafdiagram

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_staafdiagram_accessible_and_escaped() -> None:
    rows = [("Warmtenetten", 4.3), ('<script>alert("x")</script> & co', 2.0), ("Niemand", None)]
    svg = str(staafdiagram(rows, titel="Behoefte per thema <1-5>", max_waarde=5, taal="nl"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-label") == "Behoefte per thema <1-5>"
    assert root.find("s:title", NS).text == "Behoefte per thema <1-5>"
    desc = root.find("s:desc", NS)
    assert root.get("aria-describedby") == desc.get("id")
    assert "Warmtenetten: 4,3" in desc.text
    assert "Niemand: geen antwoorden" in desc.text
    rects = root.findall(".//s:rect", NS)
    assert len(rects) == 2  # no bar for the empty row
    assert float(rects[0].get("width")) / float(rects[1].get("width")) == pytest.approx(4.3 / 2.0)
    values = [t.text for t in root.findall(".//s:text", NS) if t.get("class") == "wr-grafiek-waarde"]
    assert values == ["4,3", "2,0", "geen antwoorden"]
    assert "script" not in "".join(e.tag for e in root.iter())
    # English labels and numbers; the same input gives the same output
    en = str(staafdiagram(rows, titel="Need", eenheid="%", taal="en", decimalen=0))
    assert "no answers" in en and ">4%<" in en
    assert en == str(staafdiagram(rows, titel="Need", eenheid="%", taal="en", decimalen=0))
    assert "geen gegevens" in str(staafdiagram([], titel="Leeg"))


def test_heatmap_cells_values_and_contrast() -> None:
    themas = [("warmtenetten", "Warmtenetten"), ("iso", "Isolatie & <besparing>")]
    regios = ["ES01", ("ES02", "Drechtsteden-en-nog-wat")]
    waarden = {("warmtenetten", "ES01"): 5.0, ("warmtenetten", "ES02"): 1.0, ("iso", "ES01"): 3.5}
    svg = str(heatmap(themas, regios, waarden, titel="Thema x regio", taal="en"))
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Thema x regio"
    rects = root.findall(".//s:rect", NS)
    assert len(rects) == 4
    fills = [r.get("fill") for r in rects]
    assert fills[3] == "#ffffff" and rects[3].get("stroke")  # empty cell: white with a border and a dash
    cell_texts = [t for t in root.findall(".//s:text", NS) if t.get("text-anchor") == "middle" and t.get("fill")]
    assert [t.text for t in cell_texts] == ["5.0", "1.0", "3.5", "–"]
    assert cell_texts[0].get("fill") == "#ffffff" and cell_texts[1].get("fill") == "#1a1a1a"  # dark cell: white text
    desc = root.find("s:desc", NS).text
    assert "Isolatie & <besparing>: ES01 3.5, Drechtsteden-en-nog-wat –" in desc
    assert "Values from 1 to 5" in desc and "Rows: Warmtenetten, Isolatie" in desc
    assert "&lt;besparing&gt;" in svg and "<besparing>" not in svg
    nl = str(heatmap(themas, regios, waarden, titel="Thema x regio", taal="nl"))
    assert ">3,5<" in nl and "Waarden van 1 tot 5" in nl


def test_getal() -> None:
    assert (getal(3.25, "nl", 2), getal(3.25, "en", 2), getal(None), getal(1234.5, "nl", 0)) == (
        "3,25", "3.25", "–", "1234")  # fmt: skip
