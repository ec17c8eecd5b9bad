"""Build the embedded demo region Drechtsteden (RES region ES18) from the shared real data.

A developer tool, run once; its output in ``src/warmteregio/demo/data/`` is committed and shipped in the
wheel. The product never reads the shared data folder at run time.

Every output file keeps the upstream file name, header, delimiter, encoding (BOM included) and line
endings: rows are selected, never rewritten, so the regular importers load the demo files exactly as
they load the national ones. The GeoJSON subset keeps each feature line verbatim (only ``numberMatched``
and ``bbox`` of the collection are recomputed).

Usage::

    uv run python scripts/build_demo.py [--shared ../shared/data] [--out src/warmteregio/demo/data]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "src" / "warmteregio" / "demo" / "data"

REGION = "ES18"
GEMEENTEN = {
    "GM0482": "Alblasserdam",
    "GM0505": "Dordrecht",
    "GM0523": "Hardinxveld-Giessendam",
    "GM0531": "Hendrik-Ido-Ambacht",
    "GM0590": "Papendrecht",
    "GM0610": "Sliedrecht",
    "GM0642": "Zwijndrecht",
}
SOURCE_RADIUS_M = 25_000.0
NEIGHBOUR_BUFFER_DEG = 0.002  # about 150-200 m: generalised boundaries do not always touch exactly

ETLOCAL = ("quintel/etlocal", "49865da", "MIT")
WARMTEMODULE = ("quintel/etm-warmtemodule", "c7302a9", "geen licentiebestand / no licence file")
NLSTAT = ("RishikeshGovind/nlstat", "275ef3e", "geen licentiebestand / no licence file")


@dataclass
class Output:
    """One written file and what the attribution must say about it."""

    name: str
    upstream: str
    repo: tuple[str, str, str]
    origin_nl: str
    origin_en: str
    filter_nl: str
    filter_en: str
    rows_in: int = 0
    rows_out: int = 0
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- helpers


def split_lines(raw: bytes) -> tuple[bytes, list[bytes]]:
    """Split a file into its lines, keeping the line endings; returns (BOM, lines)."""
    bom = b""
    if raw.startswith(b"\xef\xbb\xbf"):
        bom, raw = b"\xef\xbb\xbf", raw[3:]
    return bom, raw.splitlines(keepends=True)


def parse_line(line: bytes) -> list[str]:
    rows = list(csv.reader([line.decode("utf-8").rstrip("\r\n")]))
    if len(rows) != 1:
        raise SystemExit(f"unexpected multi-line CSV record: {line[:80]!r}")
    return rows[0]


def filter_csv(src: Path, dst: Path, keep: Callable[[dict[str, str]], bool]) -> tuple[int, int]:
    """Copy the header and the rows for which ``keep(row)`` is true, byte for byte."""
    bom, lines = split_lines(src.read_bytes())
    header = parse_line(lines[0])
    out = [bom + lines[0]]
    total = 0
    for line in lines[1:]:
        if not line.strip():
            continue
        total += 1
        cells = parse_line(line)
        row = dict(zip(header, cells, strict=False))
        if keep(row):
            out.append(line)
    if not out[-1].endswith((b"\n", b"\r")):
        # the last selected row was the file's last line without newline; end it like the others
        ending = b"\r\n" if lines[0].endswith(b"\r\n") else b"\n"
        out[-1] = out[-1] + ending
    dst.write_bytes(b"".join(out))
    return total, len(out) - 1


def read_dicts(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def nearest(points: Iterable[tuple[float, float]], x: float, y: float) -> float:
    return min(math.hypot(x - px, y - py) for px, py in points)


# ---------------------------------------------------------------------------------------------- steps


def build_regions(shared: Path, out: Path) -> list[Output]:
    outputs = []
    for name, what_nl, what_en in (
        ("gemeente_res_regio_2023.csv", "gemeente -> RES-regio -> provincie", "gemeente -> RES region -> province"),
        ("gemeente_codes_namen_2023.csv", "gemeentecodes en -namen 2023", "municipality codes and names 2023"),
    ):
        src = shared / "regions" / name
        total, kept = filter_csv(src, out / name, lambda row: True)
        outputs.append(
            Output(
                name, f"regions/{name}", ETLOCAL,
                f"{what_nl}; afgeleid van de regiolijsten in etlocal",
                f"{what_en}; derived from the region composition lists in etlocal",
                "niet gefilterd: alle 342 gemeenten, zodat alle 30 regio's zichtbaar zijn",
                "not filtered: all 342 municipalities, so that all 30 regions are listed",
                total, kept,
            )
        )
    return outputs


def build_boundaries(shared: Path, out: Path) -> tuple[Output, list[str]]:
    """Subset the 2022 gemeente GeoJSON to Drechtsteden plus its direct neighbours, lines verbatim."""
    from shapely import union_all
    from shapely.geometry import shape

    name = "cbs_gemeenten_2022_wgs84.geojson"
    src = shared / "regions" / name
    raw = src.read_bytes()
    doc = json.loads(raw)
    shapes = {f["properties"]["statcode"]: shape(f["geometry"]) for f in doc["features"]}
    missing = sorted(set(GEMEENTEN) - set(shapes))
    if missing:
        raise SystemExit(f"gemeenten missing from {name}: {missing}")
    region = union_all([shapes[c] for c in GEMEENTEN]).buffer(NEIGHBOUR_BUFFER_DEG)
    neighbours = sorted(c for c, g in shapes.items() if c not in GEMEENTEN and g.intersects(region))
    wanted = set(GEMEENTEN) | set(neighbours)

    lines = raw.decode("utf-8").split("\n")
    head: list[str] = []
    features: list[str] = []
    tail_start = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith('{ "type": "Feature"'):
            body = stripped[:-1] if stripped.endswith(",") else stripped
            props = json.loads(body)["properties"]
            if props["statcode"] in wanted:
                features.append(body)
        elif not features and tail_start is None and not stripped.startswith("]"):
            head.append(line)
        elif stripped.startswith("]"):
            tail_start = i
            break
    if tail_start is None or len(features) != len(wanted):
        raise SystemExit(f"{name}: unexpected layout (one feature per line expected)")
    xs, ys = [], []
    for body in features:
        minx, miny, maxx, maxy = shape(json.loads(body)["geometry"]).bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    head = [f'"numberMatched": {len(features)},' if h.startswith('"numberMatched"') else h for h in head]
    text = "\n".join(head) + "\n" + ",\n".join(features) + "\n],\n"
    text += f'"bbox": [ {min(xs)!r}, {min(ys)!r}, {max(xs)!r}, {max(ys)!r} ]\n}}\n'
    (out / name).write_text(text, encoding="utf-8")

    # check: the subset is valid JSON and every geometry is identical to the upstream one
    subset = json.loads((out / name).read_text(encoding="utf-8"))
    original = {f["properties"]["statcode"]: f for f in doc["features"]}
    for feat in subset["features"]:
        if feat != original[feat["properties"]["statcode"]]:
            raise SystemExit(f"feature {feat['properties']['statcode']} changed while subsetting")
    names = {c: original[c]["properties"]["statnaam"] for c in neighbours}
    output = Output(
        name, f"regions/{name}", NLSTAT,
        "CBS/PDOK gemeentegrenzen 2022, gegeneraliseerd, WGS84 (oorspronkelijke bron: PDOK/CBS, CC-BY 4.0)",
        "CBS/PDOK municipal boundaries 2022, generalised, WGS84 (original source: PDOK/CBS, CC-BY 4.0)",
        "alleen de 7 Drechtsteden-gemeenten en hun directe buurgemeenten ("
        + ", ".join(names.values()) + "); geometrie ongewijzigd",
        "only the 7 Drechtsteden municipalities and their direct neighbours ("
        + ", ".join(names.values()) + "); geometry unchanged",
        len(doc["features"]), len(features), {"neighbours": names},
    )
    return output, neighbours


def build_buurten(shared: Path, out: Path) -> tuple[list[Output], set[str], list[tuple[float, float]]]:
    folder = shared / "buurten"
    outputs: list[Output] = []

    def in_region(code: str) -> bool:
        return code.strip().upper()[:2] == "BU" and "GM" + code.strip()[2:6] in GEMEENTEN

    name = "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
    total, kept = filter_csv(folder / name, out / name, lambda r: in_region(r["BU_CODE"]))
    outputs.append(
        Output(
            name, f"buurten/{name}", WARMTEMODULE,
            "PBL Startanalyse aardgasvrije buurten 2020: woningen, utiliteit, WEQ en warmtevraag per buurt "
            "(CBS-indeling 2019)",
            "PBL Startanalyse 2020 (natural-gas-free neighbourhoods): dwellings, utility, WEQ and heat demand per "
            "buurt (CBS division 2019)",
            "alleen de buurten van de 7 Drechtsteden-gemeenten; kopregel exact behouden",
            "only the buurten of the 7 Drechtsteden municipalities; header kept exactly",
            total, kept,
        )
    )
    codes = {r["BU_CODE"].strip() for r in read_dicts(out / name)}

    simple = (
        ("etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv", "buurtcode",
         "woningvoorraad per woningtype x bouwperiode met gemiddelde EPI en oppervlakte",
         "housing stock by dwelling type x build period with mean EPI and floor area"),
        ("etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv", "buurtcode",
         "utiliteitsgebouwen per grootteklasse x bouwperiode",
         "utility buildings by size class x build period"),
        ("etm_wm_ob2021_neighbourhoods_geo.csv", "neighbourhood_code",
         "buurtcentroïden (RD New), aangrenzende buurten, gemeente",
         "buurt centroids (RD New), adjacent buurten, municipality"),
        ("etm_wm_ob2021_neighbourhood_list.csv", "neighbourhood_code",
         "buurtcodes en -namen", "buurt codes and names"),
        ("etm_wm_ob2021_neighbourhood_properties.csv", "neighbourhood_code",
         "buurteigenschappen, o.a. aandeel bestaand warmtenet",
         "neighbourhood properties, including the existing heat-network share"),
    )
    for fname, column, what_nl, what_en in simple:
        total, kept = filter_csv(folder / fname, out / fname, lambda r, c=column: r[c].strip() in codes)
        outputs.append(
            Output(
                fname, f"buurten/{fname}", WARMTEMODULE, what_nl, what_en,
                "alleen rijen van de Drechtsteden-buurten uit de buurttabel", "only rows of the Drechtsteden buurten "
                "of the buurt table", total, kept,
            )
        )
    centroids = [
        (float(r["geo_coordinate_x"]), float(r["geo_coordinate_y"]))
        for r in read_dicts(out / "etm_wm_ob2021_neighbourhoods_geo.csv")
    ]
    return outputs, codes, centroids


SOURCE_FILES = (
    ("ht_sources_high_potential.csv", "MT/HT-restwarmtebronnen, hoog potentieel",
     "MT/HT residual heat, high potential"),
    ("lt_sources_high_potential.csv", "LT-bronnen (rwzi, datacenters, industrie), hoog potentieel",
     "LT sources (sewage plants, data centres, industry), high potential"),
    ("geothermal_sources_high_potential.csv", "geothermiepotentie, hoog", "geothermal potential, high"),
    ("geothermal_sources_low_potential.csv", "geothermiepotentie, laag", "geothermal potential, low"),
    ("teo_sources_high_potential.csv", "aquathermie (TEO) potentie", "aquathermal (TEO) potential"),
)


def build_sources(shared: Path, out: Path, codes: set[str], centroids: list[tuple[float, float]]) -> list[Output]:
    outputs = []

    def keep(row: dict[str, str]) -> bool:
        x, y = float(row["geo_coordinate_x"]), float(row["geo_coordinate_y"])
        in_range = {c.strip() for c in (row.get("neighbourhoods_in_range") or "").split(",") if c.strip()}
        return nearest(centroids, x, y) <= SOURCE_RADIUS_M or bool(in_range & codes)

    for fname, what_nl, what_en in SOURCE_FILES:
        total, kept = filter_csv(shared / "warmtebronnen" / fname, out / fname, keep)
        outputs.append(
            Output(
                fname, f"warmtebronnen/{fname}", WARMTEMODULE, what_nl, what_en,
                f"bronnen binnen {SOURCE_RADIUS_M / 1000:g} km van een Drechtsteden-buurtcentroïde of met een "
                "Drechtsteden-buurt in bereik; bestandsnaam behouden (temperatuurklasse en potentie)",
                f"sources within {SOURCE_RADIUS_M / 1000:g} km of a Drechtsteden buurt centroid or with a "
                "Drechtsteden buurt in range; file name kept (temperature class and potential)",
                total, kept,
            )
        )
    return outputs


def build_kenmerken(shared: Path, out: Path) -> Output:
    """The CBS KWB 2021 rows of the region's gemeenten (area characteristics: tenure, income, district heating)."""
    name = "cbs_kwb_2021_gemeente_selectie_via_nlstat.csv"
    total, kept = filter_csv(shared / "gemeenten" / name, out / name, lambda r: r["gm_code"].strip() in GEMEENTEN)
    if kept != len(GEMEENTEN):
        raise SystemExit(f"{name}: {kept} of {len(GEMEENTEN)} gemeenten found")
    return Output(
        name, f"gemeenten/{name}", NLSTAT,
        "CBS Kerncijfers wijken en buurten 2021 per gemeente: eigendom (koop, sociale huur), gemiddeld "
        "huishoudinkomen, aandeel stadsverwarming, WOZ, energieverbruik (oorspronkelijke bron: CBS, CC-BY 4.0)",
        "CBS key figures for districts and neighbourhoods 2021 per municipality: tenure (owner-occupied, social "
        "housing), average household income, district-heating share, WOZ value, energy use (original source: CBS, "
        "CC-BY 4.0)",
        "alleen de 7 Drechtsteden-gemeenten; kopregel en waarden ongewijzigd",
        "only the 7 Drechtsteden municipalities; header and values unchanged",
        total, kept,
    )


def write_licences(shared: Path, out: Path) -> list[str]:
    names = []
    for name in ("LICENSE_GPL-3.0.txt", "LICENSE_etlocal_MIT.txt"):
        shutil.copyfile(shared / "licenses" / name, out / name)
        names.append(name)
    return names


def write_attribution(out: Path, outputs: list[Output], licences: list[str]) -> None:
    lines = [
        "# Demodata Drechtsteden (RES-regio ES18) — herkomst / attribution",
        "",
        "## Nederlands",
        "",
        "De demoregio bevat echte, openbare data. Elk bestand hieronder is een selectie van rijen uit het "
        "genoemde bronbestand; waarden, kopregels, scheidingstekens en regeleinden zijn ongewijzigd. "
        "Gemaakt met `scripts/build_demo.py`. Toon deze bronvermelding waar het product de waarden toont.",
        "",
        "De buurtgrenzen in de demo zijn *schematisch*: Voronoi-cellen rond de CBS/ETM-buurtcentroïden, geknipt "
        "op de gemeentegrens. Het zijn geen officiële grenzen; importeer de echte CBS/PDOK-buurtgrenzen om ze "
        "te vervangen.",
        "",
        "Licenties: quintel/etlocal valt onder de MIT-licentie (`LICENSE_etlocal_MIT.txt`). "
        "quintel/etm-warmtemodule en RishikeshGovind/nlstat hebben geen licentiebestand; hun inhoud is "
        "openbare overheidsdata (CBS en PDOK: CC-BY 4.0; PBL Startanalyse: openbaar gepubliceerd door PBL). "
        "`LICENSE_GPL-3.0.txt` is meegeleverd omdat PBL's Vesta MAIS-gegevens (waarop de Startanalyse berust) "
        "onder GPL-3.0 vallen.",
        "",
        "| bestand | bron (bestand in bron) | repository @ commit | licentie | inhoud | selectie "
        "| rijen (bron -> demo) |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outputs:
        repo, commit, lic = o.repo
        lines.append(
            f"| `{o.name}` | `{o.upstream}` | {repo} @ `{commit}` | {lic} | {o.origin_nl} | {o.filter_nl} | "
            f"{o.rows_in} -> {o.rows_out} |"
        )
    lines += [
        "",
        "## English",
        "",
        "The demo region contains real, public data. Every file below is a selection of rows of the named "
        "upstream file; values, headers, delimiters and line endings are unchanged. Made with "
        "`scripts/build_demo.py`. Show this attribution wherever the product shows the values.",
        "",
        "The buurt boundaries in the demo are *schematic*: Voronoi cells around the CBS/ETM buurt centroids, "
        "clipped to the municipal boundary. They are not official boundaries; import the real CBS/PDOK buurt "
        "boundaries to replace them.",
        "",
        "Licences: quintel/etlocal is MIT-licensed (`LICENSE_etlocal_MIT.txt`). quintel/etm-warmtemodule and "
        "RishikeshGovind/nlstat have no licence file; their content is published open government data (CBS and "
        "PDOK: CC-BY 4.0; PBL Startanalyse: published openly by PBL). `LICENSE_GPL-3.0.txt` is included because "
        "PBL's Vesta MAIS data (on which the Startanalyse rests) is GPL-3.0.",
        "",
        "| file | source (upstream file) | repository @ commit | licence | content | selection "
        "| rows (upstream -> demo) |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outputs:
        repo, commit, lic = o.repo
        lic_en = lic.replace("geen licentiebestand / ", "")
        lines.append(
            f"| `{o.name}` | `{o.upstream}` | {repo} @ `{commit}` | {lic_en} | {o.origin_en} | {o.filter_en} | "
            f"{o.rows_in} -> {o.rows_out} |"
        )
    lines += ["", "Licence texts / licentieteksten: " + ", ".join(f"`{n}`" for n in licences), ""]
    (out / "ATTRIBUTION.md").write_text("\n".join(lines), encoding="utf-8")


def write_manifest(out: Path, outputs: list[Output], extra_files: list[str]) -> dict:
    files = sorted({o.name for o in outputs} | set(extra_files) | {"ATTRIBUTION.md"})
    manifest = {
        "regio": REGION,
        "gemeenten": GEMEENTEN,
        "buurt_jaar": 2019,
        "gemaakt_met": "scripts/build_demo.py",
        "files": {
            name: {"sha256": sha256(out / name), "bytes": (out / name).stat().st_size} for name in files
        },
    }
    for o in outputs:
        manifest["files"][o.name]["rows"] = o.rows_out
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    shared: Path = args.shared
    out: Path = args.out
    if not (shared / "SOURCES.md").is_file():
        print(f"shared data not found at {shared}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():  # rebuild from scratch, but only our kinds of files
        if old.is_file() and old.suffix in {".csv", ".geojson", ".json", ".md", ".txt"}:
            old.unlink()

    outputs = build_regions(shared, out)
    boundary, _neighbours = build_boundaries(shared, out)
    outputs.append(boundary)
    buurt_outputs, codes, centroids = build_buurten(shared, out)
    outputs += buurt_outputs
    outputs += build_sources(shared, out, codes, centroids)
    outputs.append(build_kenmerken(shared, out))
    licences = write_licences(shared, out)
    write_attribution(out, outputs, licences)
    manifest = write_manifest(out, outputs, licences)

    total = sum(f["bytes"] for f in manifest["files"].values())
    for name, info in manifest["files"].items():
        rows = f"{info['rows']:>6} rows" if "rows" in info else " " * 11
        print(f"{name:<66} {rows} {info['bytes']:>9} B")
    print(f"{len(codes)} buurten, total {total / 1024:.0f} KiB in {out}")
    if total > 2 * 1024 * 1024:
        print("WARNING: demo data exceeds 2 MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
