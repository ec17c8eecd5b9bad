"""The heat-source registry (issue 5): region selection, plain records for the allocation, versioned edits.

A source (:class:`~warmteregio.store.models.Warmtebron`) carries the registry figures of :data:`REGISTRY_FIELDS`
(category, owner, temperature and booster need, available heat and capacity, start and end year, reliability,
heat price, connection cost, CO2 factor, status, location, gemeente) and per figure its evidence (``bewijs``:
``{field: {"bron": text, "toelichting": text, "url": optional}}``).

Every change (create, edit, retire, restore, import) writes a
:class:`~warmteregio.store.models.WarmtebronVersie` row in the same transaction: a full JSON snapshot of the
source (:func:`snapshot`), what changed (``field -> [old, new]``; evidence changes as ``bewijs.<field>``), why
(``reden``) and by whom; ``Warmtebron.versie`` is bumped. Sources are never deleted: retiring sets the status
``buiten_gebruik`` and restoring brings back the status it had before.

Edits use optimistic locking: a caller passes the version it read (``expected_version``); when the source has
changed since, :class:`BronError` with ``conflict=True`` is raised and nothing is written.

Permissions (:func:`can_edit_source`): an administrator edits every source; a regional coordinator edits the
sources within reach of her own region (the rule of :func:`sources_for_region`, retired sources included) and
creates sources there; everybody else reads. ``user=None`` is a system action (demo loader, importers) and is
not checked.

Every figure is validated (:func:`check_values`) with a message in Dutch and English naming the field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmteregio.accounts.service import Principal, can_edit_region
from warmteregio.data.sources import (  # the registry's fields, checks and versioning live with the importer
    AANGEMAAKT,
    ACTIES,
    BRONCODE_RE,
    BUITEN_GEBRUIK,
    EXPORT_COLUMNS,
    EXTRA_FIELDS,
    FIGURE_FIELDS,
    GEIMPORTEERD,
    GEWIJZIGD,
    HERSTELD,
    MAX_REDEN,
    REGISTRY_FIELDS,
    VELDEN,
    BronError,
    Veld,
    _aware,
    bewijs_of,
    check_bewijs,
    check_code,
    check_reden,
    check_values,
    diff,
    gemeente_at,
    gemeenten_at,
    parse_value,
    raise_problems,
    snapshot,
    write_version,
)
from warmteregio.domain.enums import Role, SourceStatus
from warmteregio.services import queries
from warmteregio.store.models import User, Warmtebron, WarmtebronVersie

__all__ = [
    "AANGEMAAKT", "ACTIES", "BRONCODE_RE", "BUITEN_GEBRUIK", "EXPORT_COLUMNS", "EXTRA_FIELDS", "FIGURE_FIELDS",
    "GEIMPORTEERD", "GEWIJZIGD", "HERSTELD", "MAX_REDEN", "REGISTRY_FIELDS", "VELDEN", "BronError", "Veld",
    "bewijs_of", "check_bewijs", "check_code", "check_reden", "check_values", "diff", "gemeente_at",
    "gemeenten_at", "parse_value", "snapshot", "write_version",
]  # fmt: skip

if TYPE_CHECKING:  # pragma: no cover
    from warmteregio.allocation.inputs import SourceRecord


def _not_found(code: str) -> BronError:
    return BronError(f"warmtebron {code} niet gevonden", f"heat source {code} not found", not_found=True)


# ------------------------------------------------------------------------------------------- region, records


def sources_for_region(
    session: Session, regio: str, *, straal_m: float | None = None, include_retired: bool = False
) -> list[Warmtebron]:
    """The sources within ``straal_m`` metres (default :data:`queries.REGION_SOURCE_RADIUS_M`) of the region's
    area (the rule of :mod:`warmteregio.services.queries`), ordered by code; retired sources only on request."""
    f = queries.WarmtebronFilter(
        regio=regio, straal_m=queries.REGION_SOURCE_RADIUS_M if straal_m is None else float(straal_m)
    )
    rows = queries.warmtebron_rows(session, f)
    if not include_retired:
        rows = [w for w in rows if w.status != SourceStatus.RETIRED.value]
    return rows


def booster_known(w: Warmtebron) -> bool | None:
    """Whether a booster heat pump is needed, or ``None`` when nobody said so.

    The column cannot be empty (default ``False``), so ``False`` counts as *known* only when the source has a
    supply temperature or evidence for ``booster_nodig``; otherwise the allocation's default for the temperature
    class applies (a booster for LT and ZLT).
    """
    if w.booster_nodig:
        return True
    if w.temperatuur_c is not None or "booster_nodig" in bewijs_of(w):
        return False
    return None


def source_record(w: Warmtebron) -> SourceRecord:
    """One registry row as plain values for :func:`warmteregio.allocation.inputs.source_inputs`."""
    from warmteregio.allocation.inputs import SourceRecord

    return SourceRecord(
        code=w.code,
        naam=w.naam,
        categorie=w.categorie,
        temperatuurklasse=w.temperatuurklasse,
        x=float(w.x),
        y=float(w.y),
        beschikbaar_gj_per_jaar=w.beschikbaar_gj_per_jaar,
        capaciteit_mw=w.capaciteit_mw,
        temperatuur_c=w.temperatuur_c,
        booster_nodig=booster_known(w),
        warmteprijs_eur_gj=w.warmteprijs_eur_gj,
        aansluitkosten_eur_kw=w.aansluitkosten_eur_kw,
        co2_kg_per_gj=w.co2_kg_per_gj,
        gemeente_code=w.gemeente_code,
        startjaar=w.startjaar,
        eindjaar=w.eindjaar,
        status=w.status,
    )


# ------------------------------------------------------------------------------------------------ permissions


def can_edit_sources(user: User | None, regio_code: str | None) -> bool:
    """May ``user`` edit sources of region ``regio_code``? Admin anywhere; a coordinator in her own region."""
    if user is None or not getattr(user, "actief", True):
        return False
    if user.rol == Role.ADMIN.value:
        return True
    return regio_code is not None and can_edit_region(Principal.of(user), regio_code)


def _region_reaches(session: Session, regio: str, x: float, y: float, straal_m: float | None = None) -> bool:
    area = queries.region_area_geometries(session, regio)
    if len(area) == 0:
        return False
    d = queries.REGION_SOURCE_RADIUS_M if straal_m is None else straal_m
    point = shapely.Point(float(x), float(y))
    return bool(np.any(shapely.dwithin(area, point, d)))


def can_edit_source(session: Session, user: User | None, w: Warmtebron | tuple[float, float]) -> bool:
    """May ``user`` edit this source (or create one at ``(x, y)``)? See the module docstring."""
    if user is None or not getattr(user, "actief", True):
        return False
    if user.rol == Role.ADMIN.value:
        return True
    if user.rol != Role.COORDINATOR.value or not user.res_code:
        return False
    x, y = (w.x, w.y) if isinstance(w, Warmtebron) else w
    return _region_reaches(session, user.res_code, x, y)


def _require_edit(session: Session, user: User | None, w: Warmtebron | tuple[float, float], system: bool) -> None:
    if system:
        return
    if not can_edit_source(session, user, w):
        raise BronError(
            "u mag deze warmtebron niet wijzigen (alleen een beheerder, of de regiocoördinator van een regio "
            "binnen bereik van de bron)",
            "you may not change this heat source (only an administrator, or the coordinator of a region within "
            "reach of the source)",
            forbidden=True,
        )


# ------------------------------------------------------------------------------------------------ reading


def get_source(session: Session, code: str, *, for_update: bool = False) -> Warmtebron:
    stmt = select(Warmtebron).where(Warmtebron.code == code)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    w = session.scalar(stmt)
    if w is None:
        raise _not_found(code)
    return w


@dataclass(frozen=True)
class VersieInfo:
    """One version of a source: what was done, by whom, when, why, what changed and the full snapshot."""

    versie: int
    actie: str
    tijdstip: datetime
    door_id: int | None
    door: str | None
    reden: str | None
    wijzigingen: dict[str, list[Any]]
    gegevens: dict[str, Any] = field(repr=False)


def source_history(session: Session, code: str) -> list[VersieInfo]:
    """All versions of a source, newest first."""
    w = get_source(session, code)
    rows = session.scalars(
        select(WarmtebronVersie).where(WarmtebronVersie.warmtebron_id == w.id).order_by(WarmtebronVersie.versie.desc())
    ).all()
    ids = {r.door_id for r in rows if r.door_id}
    names = dict(session.execute(select(User.id, User.naam).where(User.id.in_(ids))).all()) if ids else {}
    return [
        VersieInfo(
            versie=r.versie,
            actie=r.actie,
            tijdstip=_aware(r.tijdstip),
            door_id=r.door_id,  # type: ignore[arg-type]
            door=names.get(r.door_id) if r.door_id else None,
            reden=r.reden,
            wijzigingen=json.loads(r.wijzigingen or "{}"),
            gegevens=json.loads(r.gegevens or "{}"),
        )  # fmt: skip
        for r in rows
    ]


@dataclass(frozen=True)
class BronInfo:
    """A source with every registry figure, its evidence and its version (for the API, pages and CLI)."""

    code: str
    naam: str
    categorie: str
    eigenaar: str | None
    temperatuurklasse: str
    temperatuur_c: float | None
    booster_nodig: bool
    beschikbaar_gj_per_jaar: float | None
    capaciteit_mw: float | None
    startjaar: int | None
    eindjaar: int | None
    betrouwbaarheid: float | None
    warmteprijs_eur_gj: float | None
    aansluitkosten_eur_kw: float | None
    co2_kg_per_gj: float | None
    status: str
    x: float
    y: float
    gemeente_code: str | None
    toelichting: str | None
    potentie: str | None
    bron: str | None
    buurten_in_bereik: list[str]
    bewijs: dict[str, dict[str, str]]
    versie: int
    gewijzigd: datetime | None
    gewijzigd_door: str | None
    booster_bekend: bool = True  # False: nobody said whether a booster is needed (see booster_known)


def _finite(v: float | None) -> float | None:
    return v if v is None or math.isfinite(v) else None


def info(w: Warmtebron, gewijzigd_door: str | None = None) -> BronInfo:
    return BronInfo(
        code=w.code, naam=w.naam, categorie=w.categorie, eigenaar=w.eigenaar, temperatuurklasse=w.temperatuurklasse,
        temperatuur_c=_finite(w.temperatuur_c), booster_nodig=bool(w.booster_nodig),
        beschikbaar_gj_per_jaar=_finite(w.beschikbaar_gj_per_jaar), capaciteit_mw=_finite(w.capaciteit_mw),
        startjaar=w.startjaar, eindjaar=w.eindjaar, betrouwbaarheid=_finite(w.betrouwbaarheid),
        warmteprijs_eur_gj=_finite(w.warmteprijs_eur_gj), aansluitkosten_eur_kw=_finite(w.aansluitkosten_eur_kw),
        co2_kg_per_gj=_finite(w.co2_kg_per_gj), status=w.status, x=float(w.x), y=float(w.y),
        gemeente_code=w.gemeente_code, toelichting=w.toelichting, potentie=w.potentie, bron=w.bron,
        buurten_in_bereik=[c.strip() for c in (w.buurten_in_bereik or "").split(",") if c.strip()],
        bewijs=bewijs_of(w), versie=w.versie or 1, gewijzigd=_aware(w.gewijzigd), gewijzigd_door=gewijzigd_door,
        booster_bekend=booster_known(w) is not None,
    )  # fmt: skip


def source_info(session: Session, code: str) -> BronInfo:
    w = get_source(session, code)
    door = session.scalar(select(User.naam).where(User.id == w.gewijzigd_door_id)) if w.gewijzigd_door_id else None
    return info(w, door)


@dataclass(frozen=True, slots=True)
class BronFilter:
    """Which sources to list: a region (within ``straal_m``), a bbox in RD New, category, class and status.
    Retired sources are listed unless ``include_retired`` is false (or another status is asked for)."""

    regio: str | None = None
    straal_m: float | None = None
    categorie: str | None = None
    temperatuurklasse: str | None = None
    status: str | None = None
    bbox_rd: tuple[float, float, float, float] | None = None
    include_retired: bool = True


def filtered_sources(session: Session, f: BronFilter = BronFilter()) -> list[Warmtebron]:
    """The sources matching ``f``, ordered by code (the region rule of :mod:`warmteregio.services.queries`)."""
    rows = queries.warmtebron_rows(
        session,
        queries.WarmtebronFilter(
            regio=f.regio,
            straal_m=queries.REGION_SOURCE_RADIUS_M if f.straal_m is None else float(f.straal_m),
            temperatuurklasse=f.temperatuurklasse,
            categorie=f.categorie,
            status=f.status,
            bbox_rd=f.bbox_rd,
        ),
    )
    if not f.include_retired and not f.status:
        rows = [w for w in rows if w.status != SourceStatus.RETIRED.value]
    return rows


def list_sources(session: Session, f: BronFilter = BronFilter()) -> list[BronInfo]:
    """Sources (all, or those of a region), ordered by code, with every registry figure."""
    rows = filtered_sources(session, f)
    ids = {w.gewijzigd_door_id for w in rows if w.gewijzigd_door_id}
    names = dict(session.execute(select(User.id, User.naam).where(User.id.in_(ids))).all()) if ids else {}
    return [info(w, names.get(w.gewijzigd_door_id) if w.gewijzigd_door_id else None) for w in rows]


# ------------------------------------------------------------------------------------------------ writing


BASELINE_REASON = "gegevens van vóór het register / data from before the registry"


def _ensure_baseline(session: Session, w: Warmtebron) -> None:
    """A source stored before the registry existed has no version yet: record its current state as version 1
    first, so the history shows what the first change changed."""
    if not w.versies:
        write_version(session, w, GEIMPORTEERD, diff({}, snapshot(w)), reden=BASELINE_REASON, user=None, first=True)


def _apply_bewijs(w: Warmtebron, changes: Mapping[str, dict[str, str] | None]) -> None:
    if not changes:
        return
    current = bewijs_of(w)
    for name, entry in changes.items():
        if entry is None:
            current.pop(name, None)
        else:
            current[name] = entry
    w.bewijs = json.dumps(current, ensure_ascii=False, sort_keys=True)


def create_source(
    session: Session,
    data: Mapping[str, object],
    *,
    user: User | None,
    reden: str | None = None,
    bewijs: Mapping[str, object] | None = None,
    system: bool = False,
) -> Warmtebron:
    """Create a source from ``data`` (``code`` and registry fields; unknown figures may be left out) and write
    version 1 (``aangemaakt``). ``gemeente_code`` is derived from the location when not given.

    ``system=True`` (demo loader, importers) skips the permission check; otherwise ``user`` must be allowed to
    edit at the location (:func:`can_edit_source`).
    """
    if user is None and not system:
        raise BronError("niet ingelogd", "not logged in", forbidden=True)
    code = check_code(data.get("code"))
    values = {k: v for k, v in data.items() if k != "code"}
    unknown = sorted(set(values) - set(REGISTRY_FIELDS))
    if unknown:
        raise BronError(f"onbekend veld {unknown[0]!r}", f"unknown field {unknown[0]!r}", field=unknown[0])
    values.setdefault("status", SourceStatus.POTENTIAL.value)
    clean, problems = check_values(values, complete=True)
    raise_problems(problems)
    evidence = check_bewijs(bewijs)
    reden = check_reden(reden, required=False)
    _require_edit(session, user, (clean["x"], clean["y"]), system)
    if session.scalar(select(Warmtebron.id).where(Warmtebron.code == code)) is not None:
        raise BronError(f"code: er bestaat al een warmtebron {code}", f"code: a heat source {code} already exists",
                        field="code", conflict=True)  # fmt: skip
    if clean.get("gemeente_code") is None:
        clean["gemeente_code"] = gemeente_at(session, clean["x"], clean["y"])
    w = Warmtebron(code=code, bewijs="{}", **{"booster_nodig": False, **clean})
    _apply_bewijs(w, evidence)
    session.add(w)
    write_version(session, w, AANGEMAAKT, diff({}, snapshot(w)), reden=reden, user=user, first=True)
    session.flush()
    return w


def update_source(
    session: Session,
    code: str,
    changes: Mapping[str, object],
    *,
    user: User | None,
    reden: str | None,
    bewijs: Mapping[str, object] | None = None,
    expected_version: int | None = None,
    system: bool = False,
) -> Warmtebron:
    """Change registry fields and/or evidence of a source; a reason is required. Writes one version row when
    something actually changed (nothing changed: no new version). ``expected_version`` given and not the current
    version: :class:`BronError` ``conflict``. Status ``buiten_gebruik`` goes through :func:`retire_source`."""
    if user is None and not system:
        raise BronError("niet ingelogd", "not logged in", forbidden=True)
    w = get_source(session, code, for_update=True)
    _require_edit(session, user, w, system)
    if expected_version is not None and expected_version != w.versie:
        raise BronError(
            f"de warmtebron is intussen gewijzigd (u bewerkte versie {expected_version}, nu is het versie "
            f"{w.versie}); laad de bron opnieuw en breng uw wijziging opnieuw aan",
            f"the heat source has changed in the meantime (you edited version {expected_version}, it is now "
            f"version {w.versie}); reload the source and make your change again",
            field="versie", conflict=True,
        )  # fmt: skip
    unknown = sorted(set(changes) - set(REGISTRY_FIELDS))
    if unknown:
        raise BronError(f"onbekend veld {unknown[0]!r}", f"unknown field {unknown[0]!r}", field=unknown[0])
    clean, problems = check_values(changes, complete=False)
    # cross checks against the values that stay
    merged = {**{n: getattr(w, n) for n in ("startjaar", "eindjaar", "x", "y")}, **clean}
    if not problems:
        _, cross = check_values({k: merged[k] for k in ("startjaar", "eindjaar", "x", "y")}, complete=False)
        problems += cross
    raise_problems(problems)
    evidence = check_bewijs(bewijs)
    reden = check_reden(reden, required=True)
    if clean.get("status") == SourceStatus.RETIRED.value and w.status != SourceStatus.RETIRED.value:
        raise BronError("status: gebruik 'buiten gebruik stellen' om een bron buiten gebruik te stellen",
                        "status: use 'retire' to take a source out of use", field="status")  # fmt: skip
    moved = any(k in clean and abs(float(clean[k]) - float(getattr(w, k))) > 1e-6 for k in ("x", "y"))
    if moved and not system and not can_edit_source(session, user, (merged["x"], merged["y"])):
        raise BronError(
            "ligging: de nieuwe ligging valt buiten het bereik van uw regio",
            "location: the new location is outside the reach of your region",
            field="x",
            forbidden=True,
        )
    _ensure_baseline(session, w)
    before = snapshot(w)
    for name, value in clean.items():
        setattr(w, name, value)
    if moved and clean.get("gemeente_code", before["gemeente_code"]) == before["gemeente_code"]:
        w.gemeente_code = gemeente_at(session, w.x, w.y)  # moved and the gemeente not set by hand: derive it
    _apply_bewijs(w, evidence)
    changed = diff(before, snapshot(w))
    if changed:
        write_version(session, w, GEWIJZIGD, changed, reden=reden, user=user)
    session.flush()
    return w


def retire_source(session: Session, code: str, *, user: User | None, reden: str | None,
                  expected_version: int | None = None, system: bool = False) -> Warmtebron:  # fmt: skip
    """Take a source out of use (status ``buiten_gebruik``); it is kept with its history. A reason is required."""
    return _set_status(session, code, None, BUITEN_GEBRUIK, user=user, reden=reden,
                       expected_version=expected_version, system=system)  # fmt: skip


def restore_source(session: Session, code: str, *, user: User | None, reden: str | None,
                   expected_version: int | None = None, system: bool = False) -> Warmtebron:  # fmt: skip
    """Bring a retired source back with the status it had before it was retired (``potentieel`` if unknown)."""
    return _set_status(session, code, None, HERSTELD, user=user, reden=reden,
                       expected_version=expected_version, system=system)  # fmt: skip


def _previous_status(session: Session, w: Warmtebron) -> str:
    rows = session.scalars(
        select(WarmtebronVersie.gegevens).where(WarmtebronVersie.warmtebron_id == w.id)
        .order_by(WarmtebronVersie.versie.desc())
    ).all()  # fmt: skip
    for gegevens in rows:
        status = json.loads(gegevens).get("status")
        if status and status != SourceStatus.RETIRED.value:
            return status
    return SourceStatus.POTENTIAL.value


def _set_status(session: Session, code: str, _status: str | None, actie: str, *, user: User | None,
                reden: str | None, expected_version: int | None, system: bool) -> Warmtebron:  # fmt: skip
    if user is None and not system:
        raise BronError("niet ingelogd", "not logged in", forbidden=True)
    w = get_source(session, code, for_update=True)
    _require_edit(session, user, w, system)
    reden = check_reden(reden, required=True)
    if expected_version is not None and expected_version != w.versie:
        raise BronError(
            f"de warmtebron is intussen gewijzigd (versie {expected_version} gelezen, nu versie {w.versie})",
            f"the heat source has changed in the meantime (read version {expected_version}, now {w.versie})",
            field="versie",
            conflict=True,
        )
    retired = w.status == SourceStatus.RETIRED.value
    if actie == BUITEN_GEBRUIK and retired:
        raise BronError(f"warmtebron {code} is al buiten gebruik", f"heat source {code} is already out of use",
                        field="status", conflict=True)  # fmt: skip
    if actie == HERSTELD and not retired:
        raise BronError(f"warmtebron {code} is niet buiten gebruik", f"heat source {code} is not out of use",
                        field="status", conflict=True)  # fmt: skip
    _ensure_baseline(session, w)
    before = snapshot(w)
    w.status = SourceStatus.RETIRED.value if actie == BUITEN_GEBRUIK else _previous_status(session, w)
    write_version(session, w, actie, diff(before, snapshot(w)), reden=reden, user=user)
    session.flush()
    return w


# ------------------------------------------------------------------------------------------------ export


def export_rows(items: Iterable[BronInfo]) -> list[list[Any]]:
    rows = []
    for b in items:
        values = {**b.__dict__, "bewijs": json.dumps(b.bewijs, ensure_ascii=False, sort_keys=True) if b.bewijs else ""}
        rows.append([values[c] for c in EXPORT_COLUMNS])
    return rows


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def export_csv(items: Iterable[BronInfo]) -> str:
    """The registry as CSV (RFC 4180, comma-separated, decimal point, UTF-8; empty = unknown); re-importable
    with ``warmteregio import warmtebronnen``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(items):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def export_xlsx(items: Iterable[BronInfo]) -> bytes:
    """The registry as an XLSX workbook (sheet 'Warmtebronnen', same columns as the CSV; re-importable) with a
    sheet 'Velden' explaining each column and its unit."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Warmtebronnen"
    ws.append(list(EXPORT_COLUMNS))
    for row in export_rows(items):
        ws.append([("" if v is None else v) for v in row])
    ws.freeze_panes = "B2"
    info_ws = wb.create_sheet("Velden")
    info_ws.append(["kolom", "veld", "field", "eenheid / unit"])
    for c in EXPORT_COLUMNS:
        v = VELDEN.get(c)
        info_ws.append([c, v.nl if v else c, v.en if v else c, v.eenheid if v else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_geojson(items: Sequence[BronInfo], *, rd: bool = False) -> str:
    """The sources as a GeoJSON FeatureCollection of points, every figure as a property; coordinates in CRS84
    (longitude, latitude; default) or, with ``rd=True``, in RD New (EPSG:28992, metres)."""
    from pyproj import Transformer

    xs = np.array([b.x for b in items], dtype=float)
    ys = np.array([b.y for b in items], dtype=float)
    if not rd and len(items):
        xs, ys = Transformer.from_crs("EPSG:28992", "OGC:CRS84", always_xy=True).transform(xs, ys)
    digits = 2 if rd else 7
    features = []
    for b, x, y in zip(items, xs.tolist(), ys.tolist(), strict=True):
        props = {k: v for k, v in b.__dict__.items() if k not in ("x", "y", "buurten_in_bereik")}
        props["gewijzigd"] = b.gewijzigd.isoformat() if b.gewijzigd else None
        props["x_rd"], props["y_rd"] = b.x, b.y
        features.append(
            {
                "type": "Feature",
                "id": b.code,
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [round(x, digits), round(y, digits)]},
            }
        )
    body: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if rd:
        body["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    return json.dumps(body, ensure_ascii=False)


def user_by_email(session: Session, email: str) -> User:
    """An active user by e-mail (for the CLI); :class:`BronError` ``not_found`` otherwise."""
    from warmteregio.accounts.service import active_user

    user = active_user(session, email)
    if user is None:
        email = email.strip().lower()
        raise BronError(f"geen actieve gebruiker met e-mailadres {email}", f"no active user with e-mail {email}",
                        not_found=True)  # fmt: skip
    return user


def format_value(name: str, value: Any) -> str:
    """A registry value as text with its unit (``-`` when unknown), for the CLI and pages."""
    if value is None or value == "":
        return "-"
    veld = VELDEN.get(name)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        text = f"{value:,.0f}".replace(",", ".") if abs(value) >= 1000 else f"{value:g}"
    else:
        text = str(value)
    unit = veld.eenheid if veld and veld.eenheid and veld.eenheid not in ("m", "0–1") else ""
    return f"{text} {unit}".strip()
