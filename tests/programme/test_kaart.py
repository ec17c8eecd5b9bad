"""Programme maps: accessible standalone SVG (RD New, north up, simplified) and PNG for the DOCX."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import shapely
from PIL import Image

from warmteregio.programme.kaart import png_kaart, svg_kaart

SVG = "{http://www.w3.org/2000/svg}"


def grid(n: int = 20) -> dict[str, shapely.Geometry]:
    return {f"BU{i:04d}": shapely.box(100_000 + (i % 5) * 1000, 400_000 + (i // 5) * 1000,
                                      100_000 + (i % 5) * 1000 + 990, 400_000 + (i // 5) * 1000 + 990)
            for i in range(n)}  # fmt: skip


def test_svg_is_accessible_and_complete() -> None:
    geoms = grid()
    kleuren = {c: "#c0392b" if i % 2 else "#1f6fb2" for i, c in enumerate(geoms)}
    svg = svg_kaart(geoms, kleuren, titel="Perspectief <2050>", beschrijving="Kaart & tabel",
                    legenda=[("#c0392b", "Warmtenet"), ("#1f6fb2", "All-electric")],
                    labels={"BU0003": "Krispijn"}, tooltips={"BU0004": "Oud-Krispijn: warmtenet"})  # fmt: skip
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    titel_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").text == "Perspectief <2050>" and root.find(f"{SVG}title").get("id") == titel_id
    assert root.find(f"{SVG}desc").text == "Kaart & tabel" and root.find(f"{SVG}desc").get("id") == desc_id
    paths = root.findall(f".//{SVG}path")
    assert sorted(p.get("data-buurt") for p in paths) == sorted(geoms)
    by_code = {p.get("data-buurt"): p for p in paths}
    assert by_code["BU0001"].get("fill") == "#c0392b" and by_code["BU0000"].get("fill") == "#1f6fb2"
    assert by_code["BU0004"].find(f"{SVG}title").text == "Oud-Krispijn: warmtenet"
    assert by_code["BU0003"].find(f"{SVG}title").text == "Krispijn"  # label doubles as tooltip
    assert by_code["BU0000"].find(f"{SVG}title").text == "BU0000"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Warmtenet" in texts and "All-electric" in texts and "Krispijn" in texts and "1 km" in texts


def test_svg_north_up_and_scaled_to_width() -> None:
    geoms = {"N": shapely.box(0, 1000, 1000, 2000), "S": shapely.box(0, 0, 1000, 1000)}
    svg = svg_kaart(geoms, {}, titel="t", beschrijving="d", legenda=[], breedte=400)
    root = ET.fromstring(svg)
    assert root.get("width") == "400"
    ys = {}
    for p in root.findall(f".//{SVG}path"):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", p.get("d"))]
        ys[p.get("data-buurt")] = sum(nums[1::2]) / len(nums[1::2])
        xs = nums[0::2]
        assert min(xs) >= 0 and max(xs) <= 400
    assert ys["N"] < ys["S"]  # north is at the top: smaller SVG y


def test_svg_links_make_a_group_of_named_links_and_escape() -> None:
    geoms = grid(3)
    svg = svg_kaart(geoms, {}, titel="t", beschrijving="d", legenda=[],
                    links={"BU0001": '/programmas/1/buurten/BU0001?a=1&b="x"'})  # fmt: skip
    root = ET.fromstring(svg)
    assert root.get("role") == "group"
    links = root.findall(f".//{SVG}a")
    assert len(links) == 1 and links[0].get("href") == '/programmas/1/buurten/BU0001?a=1&b="x"'
    assert links[0].get("aria-label") == "BU0001" and links[0].find(f"{SVG}path").get("data-buurt") == "BU0001"


def test_svg_simplifies_detailed_geometry() -> None:
    import math

    # 130 'buurten' each a 2000-vertex circle-like polygon: far more detail than a 640 px map can show
    geoms = {}
    for i in range(130):
        cx, cy = 100_000 + (i % 13) * 900, 420_000 + (i // 13) * 900
        pts = [(cx + 440 * math.cos(2 * math.pi * k / 2000), cy + 440 * math.sin(2 * math.pi * k / 2000))
               for k in range(2000)]  # fmt: skip
        geoms[f"BU{i:04d}"] = shapely.Polygon(pts)
    svg = svg_kaart(geoms, {}, titel="t", beschrijving="d", legenda=[("#ccc", "x")])
    assert len(svg.encode()) < 300_000
    assert len(ET.fromstring(svg).findall(f".//{SVG}path")) == 130


def test_svg_handles_multipolygons_holes_and_empty() -> None:
    ring = shapely.box(0, 0, 1000, 1000).difference(shapely.box(300, 300, 700, 700))
    multi = shapely.MultiPolygon([shapely.box(2000, 0, 2500, 500), shapely.box(3000, 0, 3500, 500)])
    geoms = {"ring": ring, "multi": multi, "enclave": shapely.box(300, 300, 700, 700), "leeg": shapely.Polygon()}
    root = ET.fromstring(svg_kaart(geoms, {}, titel="t", beschrijving="d", legenda=[]))
    d = {p.get("data-buurt"): p.get("d") for p in root.findall(f".//{SVG}path")}
    assert set(d) == {"ring", "multi", "enclave"}
    assert d["ring"].count("M") == 2 and d["multi"].count("M") == 2  # hole / two parts
    order = [p.get("data-buurt") for p in root.findall(f".//{SVG}path")]
    assert order.index("enclave") > order.index("ring")  # the smaller enclave is drawn on top
    assert ET.fromstring(svg_kaart({}, {}, titel="leeg", beschrijving="d", legenda=[])).get("role") == "img"


def test_png_map() -> None:
    geoms = grid()
    kleuren = {c: "#c0392b" for c in geoms}
    data = png_kaart(geoms, kleuren, breedte=600, legenda=[("#c0392b", "Warmtenet")], titel="Kaart")
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.width == 600 and img.height > 300
    colours = {c for _, c in img.convert("RGB").getcolors(maxcolors=1_000_000)}
    assert (0xC0, 0x39, 0x2B) in colours and (255, 255, 255) in colours
