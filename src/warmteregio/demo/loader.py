"""Load the embedded demo region Drechtsteden (RES region ES18) with the regular importers.

The files in ``warmteregio/demo/data/`` are row selections of the real national files (see
``ATTRIBUTION.md`` there; built by ``scripts/build_demo.py``), so the same importers load them. After the
imports, every demo buurt that has no real boundary gets a *schematic* polygon (Voronoi cell of its centroid,
clipped to its gemeente): real imported boundaries are never overwritten. Finally a demo account for the
regional coordinator of ES18 is ensured.

Everything happens in the caller's transaction; nothing is committed here. Loading twice gives the same
result (the importers upsert on their natural keys).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import shapely
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from warmteregio.accounts.service import create_user, hash_password, verify_password
from warmteregio.data.base import ImportResult, ProgressCallback
from warmteregio.demo.schematic import schematic_buurten
from warmteregio.domain.codes import gemeente_of
from warmteregio.domain.enums import Role
from warmteregio.store.models import Buurt, Gebiedskenmerk, Gemeente, User, Warmtebron

REGION = "ES18"
REGION_NAME = "Drechtsteden"
GEMEENTEN = ("GM0482", "GM0505", "GM0523", "GM0531", "GM0590", "GM0610", "GM0642")
BUURT_JAAR = 2019  # PBL Startanalyse 2020 / ETM files use the CBS division of 2019
REGION_JAAR = 2023  # region mapping; the 2022 boundaries of these gemeenten are unchanged in 2023

DEMO_EMAIL = "demo@warmteregio.nl"
DEMO_PASSWORD = "drechtsteden-demo"  # documented on purpose: a public demo login, never for real data
DEMO_NAME = "Demo regiocoördinator Drechtsteden"
#: Workshop participants of the demo (gemeente officials), same public demo password: (e-mail, name, gemeente).
DEMO_PARTICIPANTS: tuple[tuple[str, str, str], ...] = (
    ("deelnemer.dordrecht@warmteregio.nl", "Demo deelnemer Dordrecht", "GM0505"),
    ("deelnemer.zwijndrecht@warmteregio.nl", "Demo deelnemer Zwijndrecht", "GM0642"),
    ("deelnemer.sliedrecht@warmteregio.nl", "Demo deelnemer Sliedrecht", "GM0610"),
)
#: One gemeente official per demo gemeente, who edits that gemeente's warmteprogramma (same public demo password).
DEMO_OFFICIALS: tuple[tuple[str, str, str], ...] = (
    ("ambtenaar.alblasserdam@warmteregio.nl", "Demo ambtenaar Alblasserdam", "GM0482"),
    ("ambtenaar.dordrecht@warmteregio.nl", "Demo ambtenaar Dordrecht", "GM0505"),
    ("ambtenaar.hardinxveld@warmteregio.nl", "Demo ambtenaar Hardinxveld-Giessendam", "GM0523"),
    ("ambtenaar.ambacht@warmteregio.nl", "Demo ambtenaar Hendrik-Ido-Ambacht", "GM0531"),
    ("ambtenaar.papendrecht@warmteregio.nl", "Demo ambtenaar Papendrecht", "GM0590"),
    ("ambtenaar.sliedrecht@warmteregio.nl", "Demo ambtenaar Sliedrecht", "GM0610"),
    ("ambtenaar.zwijndrecht@warmteregio.nl", "Demo ambtenaar Zwijndrecht", "GM0642"),
)

SCHEMATIC_SOURCE = "schematisch: Voronoi van CBS/ETM-buurtcentroïden, geknipt op gemeentegrens (geen echte grens)"
BOUNDARY_SOURCE = "CBS/PDOK gemeentegrenzen 2022, gegeneraliseerd (via RishikeshGovind/nlstat)"

FILES = {
    "regions": "gemeente_res_regio_2023.csv",
    "boundaries": "cbs_gemeenten_2022_wgs84.geojson",
    "buurten": "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv",
    "names": "etm_wm_ob2021_neighbourhood_list.csv",
    "centroids": "etm_wm_ob2021_neighbourhoods_geo.csv",
    "housing": "etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv",
    "utility": "etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv",
    "heatnet": "etm_wm_ob2021_neighbourhood_properties.csv",
    "kenmerken": "cbs_kwb_2021_gemeente_selectie_via_nlstat.csv",
}
SOURCE_FILES = (
    "ht_sources_high_potential.csv",
    "lt_sources_high_potential.csv",
    "geothermal_sources_high_potential.csv",
    "geothermal_sources_low_potential.csv",
    "teo_sources_high_potential.csv",
)


class DemoDataError(RuntimeError):
    """The packaged demo data is missing or does not match its manifest."""


@dataclass
class DemoResult:
    """What ``load_demo`` left in the database (counts are of the database, not of this run's inserts)."""

    regio: str
    gemeenten: int
    buurten: int
    bronnen: int
    schematisch: int
    echte_grenzen: int
    zonder_geometrie: list[str] = field(default_factory=list)
    kenmerken: int = 0  # gebiedskenmerken rows of the region's gemeenten
    imports: list[ImportResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    account_email: str = DEMO_EMAIL
    account_password: str = DEMO_PASSWORD
    account_nieuw: bool = False

    def summary(self) -> str:
        return (
            f"Demoregio {self.regio} {REGION_NAME}: {self.gemeenten} gemeenten, {self.buurten} buurten "
            f"({self.schematisch} schematisch, {self.echte_grenzen} echte grenzen / real boundaries), "
            f"{self.bronnen} warmtebronnen / heat sources"
        )


# ------------------------------------------------------------------------------------------- package data


def data_dir() -> resources.abc.Traversable:
    return resources.files("warmteregio.demo").joinpath("data")


@contextmanager
def data_file(name: str) -> Iterator[Path]:
    """A real file path for a packaged data file (extracted to a temporary file inside a zipped install)."""
    with resources.as_file(data_dir().joinpath(name)) as path:
        if not Path(path).is_file():
            raise DemoDataError(f"demobestand ontbreekt / demo file missing: {name}")
        yield Path(path)


def manifest() -> dict:
    return json.loads(data_dir().joinpath("MANIFEST.json").read_text(encoding="utf-8"))


def verify_manifest() -> list[str]:
    """Problems (empty when fine) comparing the packaged files with the SHA-256 sums in MANIFEST.json."""
    problems = []
    for name, info in manifest()["files"].items():
        item = data_dir().joinpath(name)
        if not item.is_file():
            problems.append(f"{name}: ontbreekt / missing")
            continue
        digest = hashlib.sha256(item.read_bytes()).hexdigest()
        if digest != info["sha256"]:
            problems.append(f"{name}: sha256 {digest} != manifest {info['sha256']}")
    return problems


# ---------------------------------------------------------------------------------------------- loading


def _steps() -> list[tuple[str, Callable[[Session, Path], ImportResult | list[ImportResult]]]]:
    # imported lazily so that the demo package can be imported (e.g. for schematic tests) on its own
    from warmteregio.data.boundaries import import_boundaries
    from warmteregio.data.buildingstock import import_housing_stock, import_utility_stock
    from warmteregio.data.buurten import import_buurt_table
    from warmteregio.data.centroids import import_buurt_names, import_centroids
    from warmteregio.data.heatnetwork import import_heat_network_share
    from warmteregio.data.kenmerken import import_kenmerken
    from warmteregio.data.regions import import_region_mapping

    return [
        ("regio-indeling / regions", lambda s, p: import_region_mapping(s, p, jaar=REGION_JAAR)),
        ("gemeentegrenzen / boundaries", lambda s, p: import_boundaries(s, p, jaar=REGION_JAAR, bron=BOUNDARY_SOURCE)),
        ("buurttabel / buurt table", lambda s, p: import_buurt_table(s, p, jaar=BUURT_JAAR)),
        ("buurtnamen / names", lambda s, p: import_buurt_names(s, p, jaar=BUURT_JAAR)),
        ("centroïden / centroids", lambda s, p: import_centroids(s, p, jaar=BUURT_JAAR)),
        ("woningvoorraad / housing stock", lambda s, p: import_housing_stock(s, p, jaar=BUURT_JAAR)),
        ("utiliteit / utility stock", lambda s, p: import_utility_stock(s, p, jaar=BUURT_JAAR)),
        ("warmtenetaandeel / heat-network share", lambda s, p: import_heat_network_share(s, p, jaar=BUURT_JAAR)),
        ("gebiedskenmerken (CBS KWB 2021) / area characteristics", lambda s, p: import_kenmerken(s, p)),
    ]


def load_demo(
    session: Session,
    *,
    progress: ProgressCallback | None = None,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load the demo region into the database of ``session`` (not committed) and return what is there.

    ``progress(done, total)`` is called after each step; ``on_step(description)`` before it.
    """
    from warmteregio.data.sources import import_heat_sources

    problems = verify_manifest()
    if problems:
        raise DemoDataError("demodata klopt niet met MANIFEST.json / demo data does not match MANIFEST.json:\n"
                            + "\n".join(problems))
    steps = _steps()
    total = len(steps) + len(SOURCE_FILES) + 3  # + registry figures + schematic geometry + account
    done = 0
    imports: list[ImportResult] = []

    def step(description: str) -> None:
        if on_step:
            on_step(description)

    def advance() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for (description, func_), key in zip(steps, FILES, strict=True):
        step(description)
        with data_file(FILES[key]) as path:
            imports.append(func_(session, path))
        advance()
    for name in SOURCE_FILES:
        step(f"warmtebronnen / heat sources: {name}")
        with data_file(name) as path:
            imports.append(import_heat_sources(session, path))
        advance()

    step("registergegevens warmtebronnen / heat-source registry figures")
    registry_notes = apply_registry_figures(session)
    advance()
    step("schematische buurtgrenzen / schematic boundaries")
    notes = assign_schematic_geometry(session) + registry_notes
    advance()
    step("demo-account")
    account_new = ensure_demo_account(session)
    advance()
    session.flush()
    result = count_demo(session)
    result.imports = imports
    result.notes = notes + [n for r in imports for n in r.notes]
    result.account_nieuw = account_new
    return result


#: Registry figures of the demo sources that the shipped data support, with their evidence. Everything else stays
#: empty (the allocation fills documented defaults). What the 'what if HVC closes in 2035' question needs is a
#: scenario of the allocation, not a registry fact, so no end year is set here.
DEMO_SOURCE_FIGURES: dict[str, tuple[dict[str, object], dict[str, dict[str, str]]]] = {
    "HTHP0002": (
        {"status": "bestaand", "categorie": "afvalverbranding", "temperatuurklasse": "HT", "eigenaar": "HVC"},
        {
            "status": {
                "bron": "quintel/etm-warmtemodule (OB2021): ht_sources_high_potential.csv",
                "toelichting": "HVC Afvalcentrale Dordrecht is een bestaande afvalenergiecentrale die de ETM-lijst als "
                "restwarmtebron noemt; in de demo geregistreerd als bestaand. / An existing waste-to-energy plant "
                "listed as a residual-heat source; registered as existing in the demo.",
            },
            "categorie": {
                "bron": "quintel/etm-warmtemodule (OB2021): ht_sources_high_potential.csv",
                "toelichting": "naam van de bron: HVC Afvalcentrale Dordrecht / name of the source",
            },
            "temperatuurklasse": {
                "bron": "quintel/etm-warmtemodule (OB2021): ht_sources_high_potential.csv",
                "toelichting": "HT-lijst (hoge temperatuur) van de ETM warmtemodule / HT list of the ETM heat module",
            },
            "eigenaar": {
                "bron": "quintel/etm-warmtemodule (OB2021): ht_sources_high_potential.csv",
                "toelichting": "HVC in de naam van de bron / HVC in the name of the source",
            },
        },
    ),
}
REGISTRY_REASON = (
    "demo Drechtsteden: registergegevens uit de meegeleverde data / registry figures from the shipped data"
)


def apply_registry_figures(session: Session) -> list[str]:
    """Give the demo sources their registry figures (:data:`DEMO_SOURCE_FIGURES`) and a gemeente, each change as
    a version (``user`` none: the demo loader). Sources imported before the registry existed get their first
    version. Idempotent: a second load changes nothing."""
    from warmteregio.data.sources import GEIMPORTEERD, diff, gemeenten_at, snapshot, write_version
    from warmteregio.services import bronnen

    codes = packaged_source_codes()
    sources = list(session.scalars(select(Warmtebron).where(Warmtebron.code.in_(codes)).order_by(Warmtebron.code)))
    for w in sources:  # imported by an older version without the registry: record where they stand
        if not w.versies:
            write_version(session, w, GEIMPORTEERD, diff({}, snapshot(w)), reden="demo", user=None, first=True)
    missing = [w for w in sources if w.gemeente_code is None]
    found = gemeenten_at(session, [w.x for w in missing], [w.y for w in missing])
    located = 0
    for w, gm in zip(missing, found, strict=True):
        if gm is not None:
            bronnen.update_source(session, w.code, {"gemeente_code": gm}, user=None, system=True,
                                  reden="demo: gemeente uit de ligging / gemeente from the location")  # fmt: skip
            located += 1
    for code, (values, evidence) in DEMO_SOURCE_FIGURES.items():
        if any(w.code == code for w in sources):
            bronnen.update_source(session, code, values, user=None, reden=REGISTRY_REASON, bewijs=evidence,
                                  system=True)  # fmt: skip
    session.flush()
    notes = []
    if located:
        notes.append(f"{located} demobronnen kregen een gemeente uit hun ligging / demo sources got a gemeente")
    return notes


def demo_buurt_codes() -> list[str]:
    """The buurt codes of the packaged buurt table (in file order)."""
    import csv

    with data_file(FILES["buurten"]) as path, open(path, encoding="utf-8-sig", newline="") as fh:
        return [row["BU_CODE"].strip().upper() for row in csv.DictReader(fh)]


def region_gemeenten(session: Session) -> dict[str, Gemeente]:
    """The ES18 gemeenten (newest division year per code)."""
    out: dict[str, Gemeente] = {}
    for gm in session.scalars(
        select(Gemeente).where(Gemeente.res_code == REGION).order_by(Gemeente.code, Gemeente.jaar)
    ):
        out[gm.code] = gm
    return out


def assign_schematic_geometry(session: Session) -> list[str]:
    """Give demo buurten without a real boundary a schematic polygon; return notes for the report.

    A buurt counts as having a real boundary when it has a geometry that is not flagged schematic; those
    are left untouched, and the schematic cells of the other buurten are cut so they do not overlap them.
    """
    codes = demo_buurt_codes()
    gemeenten = region_gemeenten(session)
    boundaries = {
        code: shapely.from_wkb(gm.geometry) for code, gm in gemeenten.items() if gm.geometry is not None
    }
    rows = session.execute(
        select(Buurt.id, Buurt.code, Buurt.centroid_x, Buurt.centroid_y, Buurt.geometry, Buurt.geometry_schematisch)
        .where(Buurt.code.in_(codes), Buurt.jaar == BUURT_JAAR)
    ).all()
    real = {r.code: shapely.from_wkb(r.geometry) for r in rows if r.geometry is not None and not r.geometry_schematisch}
    centroids = {
        r.code: (r.centroid_x, r.centroid_y) if r.centroid_x is not None and r.centroid_y is not None else None
        for r in rows
    }
    result = schematic_buurten([r.code for r in rows], centroids, boundaries)
    real_by_gm: dict[str, shapely.Geometry] = {}
    for code, geom in real.items():
        gm = gemeente_of(code)
        real_by_gm[gm] = geom if gm not in real_by_gm else shapely.union(real_by_gm[gm], geom)
    updates = []
    emptied = []
    for r in rows:
        if r.code in real:
            continue
        cell = result.cells.get(r.code)
        if cell is not None and gemeente_of(r.code) in real_by_gm:
            cell = shapely.difference(cell, real_by_gm[gemeente_of(r.code)])
            cell = cell if cell.geom_type in ("Polygon", "MultiPolygon") and cell.area > 0 else None
            if cell is None:
                emptied.append(r.code)
        updates.append(
            {
                "id": r.id,
                "geometry": shapely.to_wkb(cell) if cell is not None else None,
                "geometry_schematisch": cell is not None,
                "geometry_bron": SCHEMATIC_SOURCE if cell is not None else None,
            }
        )
    if updates:
        session.execute(update(Buurt), updates)
    notes = result.notes()
    if emptied:
        notes.append(
            f"{len(emptied)} schematische cel(len) vallen geheel onder echte grenzen / schematic cells fully "
            f"covered by real boundaries: {', '.join(emptied)}"
        )
    return notes


def ensure_demo_account(session: Session) -> bool:
    """Make sure the demo coordinator account exists, is active, and has the documented password.

    Returns True when the account was created now.
    """
    user = session.scalar(select(User).where(func.lower(User.email) == DEMO_EMAIL))
    if user is None:
        create_user(
            session, email=DEMO_EMAIL, naam=DEMO_NAME, password=DEMO_PASSWORD, rol=Role.COORDINATOR,
            res_code=REGION,
        )
        _ensure_participants(session)
        return True
    user.rol = Role.COORDINATOR.value
    user.res_code = REGION
    user.gemeente_code = None
    user.actief = True
    if not verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = hash_password(DEMO_PASSWORD)
    _ensure_participants(session)
    return False


def _ensure_participants(session: Session) -> None:
    """The demo's workshop participants and gemeente officials (gemeente role): a case can be run with several
    accounts, and every demo gemeente has someone who edits its warmteprogramma."""
    for email, naam, gemeente in (*DEMO_PARTICIPANTS, *DEMO_OFFICIALS):
        user = session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            create_user(session, email=email, naam=naam, password=DEMO_PASSWORD, rol=Role.GEMEENTE,
                        res_code=REGION, gemeente_code=gemeente)  # fmt: skip
            continue
        user.rol = Role.GEMEENTE.value
        user.res_code = REGION
        user.gemeente_code = gemeente
        user.actief = True
        if not verify_password(user.password_hash, DEMO_PASSWORD):
            user.password_hash = hash_password(DEMO_PASSWORD)


def count_demo(session: Session) -> DemoResult:
    codes = demo_buurt_codes()
    gm_count = session.scalar(select(func.count(func.distinct(Gemeente.code))).where(Gemeente.res_code == REGION))
    buurt_rows = session.execute(
        select(Buurt.code, Buurt.geometry.is_not(None), Buurt.geometry_schematisch).where(
            Buurt.code.in_(codes), Buurt.jaar == BUURT_JAAR
        )
    ).all()
    schematic = sum(1 for _c, has, sch in buurt_rows if has and sch)
    real = sum(1 for _c, has, sch in buurt_rows if has and not sch)
    without = sorted(c for c, has, _sch in buurt_rows if not has)
    sources = session.scalar(select(func.count(Warmtebron.id)).where(Warmtebron.code.in_(packaged_source_codes())))
    kenmerken = session.scalar(select(func.count(Gebiedskenmerk.id)).where(Gebiedskenmerk.gebied_code.in_(GEMEENTEN)))
    return DemoResult(
        regio=REGION,
        gemeenten=gm_count or 0,
        buurten=len(buurt_rows),
        bronnen=sources or 0,
        schematisch=schematic,
        echte_grenzen=real,
        zonder_geometrie=without,
        kenmerken=kenmerken or 0,
    )


def packaged_source_codes() -> list[str]:
    import csv

    codes: list[str] = []
    for name in SOURCE_FILES:
        with data_file(name) as path, open(path, encoding="utf-8-sig", newline="") as fh:
            codes += [row["source_id"].strip() for row in csv.DictReader(fh)]
    return codes
