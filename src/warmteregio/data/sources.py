"""Heat sources: the registry's fields and checks, and the importer (CSV, XLSX, GeoPackage).

**Registry fields.** :data:`VELDEN` describes every editable figure of a source (label in Dutch and English,
unit, kind, valid range); :func:`check_values` parses text or Python values and names the field of every
problem in both languages. :func:`snapshot`, :func:`diff` and :func:`write_version` implement the versioning
that :mod:`warmteregio.services.bronnen` (edits) and this importer share: every change bumps
``Warmtebron.versie`` and appends a :class:`~warmteregio.store.models.WarmtebronVersie` with a full snapshot.

**Input formats** (chosen by the file's extension, then by its columns):

* ETM warmtemodule lists (quintel/etm-warmtemodule, OB2021 study area): CSV
  ``{ht,lt}_sources_{high,low}_potential.csv``, ``geothermal_sources_*.csv``, ``teo_sources_high_potential.csv``
  with ``fid, source_name, available_heat [GJ/yr], source_id, geo_coordinate_x, geo_coordinate_y (RD New),
  neighbourhoods_in_range`` (comma-separated BU codes); the same columns in an XLSX sheet; or the GeoPackages
  ``etm_wm_{HTHP,LTHP,GEOHP,GEOLP,TEOHP}.gpkg`` (potential areas as MULTIPOLYGON in RD New with the same
  attributes; ``source_name`` may be missing). In the GeoPackages ``available_heat`` is an average power in
  MW: it is converted to GJ/yr with :data:`GJ_PER_MW_YEAR` (8,760 h x 3.6 GJ/MWh; the CSV values equal the
  GeoPackage values times this factor, e.g. HVC Dordrecht 39.186 MW = 1,235,769.696 GJ/yr). The area polygon
  itself is not stored (the registry keeps the point ``geo_coordinate_x/y``).
* The registry format (the product's own export, :data:`EXPORT_COLUMNS`, CSV or XLSX): ``code`` and every
  registry field, ``potentie``, ``bron``, ``bewijs`` (JSON) and ``versie``. Export then import gives the same
  registry. A row whose ``versie`` is older than the source's current version while its values differ is
  refused (the source was changed after the export), like an edit with a stale version.

When not given, temperature class, category and potential scenario of an ETM file are inferred from the file
name: ``ht_``/``HTHP`` -> HT, ``lt_``/``LTHP`` -> LT, ``geothermal_``/``GEO`` -> HT + geothermie, ``teo_``/``TEO``
-> ZLT + aquathermie_teo; ``_high_``/``HP`` -> potentie ``hoog``, ``_low_``/``LP`` -> ``laag``. For HT/LT sources
the category is guessed from the name (incinerators, sewage plants, data centres, power plants, biomass;
otherwise industry): a heuristic, good enough to colour a map, to be corrected by the region where it matters.
Values such as 999999 or 99999999 GJ/yr are upstream placeholders for "unlimited / unknown" potential; they are
stored as ``beschikbaar_gj_per_jaar = None`` and counted in the notes.

**Importing never silently overwrites a user's figure.** Sources are upserted on ``code``. For an existing
source, an ETM import changes a field only when its current value came from an import: when the field's last
change in the version history was not an import (a user created or edited it, or gave evidence for it), the
user's value is kept and the import reports it as skipped (with the value in the file). A registry-format file
is the user's own registry and sets every field (its ``versie`` column guards against stale files). Every
imported figure records its file in ``bewijs``. Only sources that are new or actually changed get a version
(``geimporteerd``); re-importing the same file changes nothing. The whole file is validated first (row, column,
reason in Dutch and English) and nothing is written when anything is wrong.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmteregio.data.base import (
    ImportResult,
    ImportValidationError,
    ProgressCallback,
    Table,
    ValidationReport,
    file_sha256,
    parse_number,
    read_table,
    record_run,
)
from warmteregio.data.common import check_duplicate, check_rd_point
from warmteregio.domain.codes import CodeError, normalise_buurtcode, normalise_gemeentecode
from warmteregio.domain.enums import SourceCategory, SourceStatus, TemperatureClass
from warmteregio.store.models import Buurt, Gemeente, User, Warmtebron, WarmtebronVersie

SOURCE = "quintel/etm-warmtemodule (OB2021), warmtebronnen"
LICENCE = "open data (upstream: ETM warmtemodule / Warmteatlas)"
REGISTRY_SOURCE = "warmteregio bronnenregister (eigen export)"
COLUMNS = ("source_name", "available_heat", "source_id", "geo_coordinate_x", "geo_coordinate_y")
GPKG_COLUMNS = ("source_id", "geo_coordinate_x", "geo_coordinate_y")
RANGE_COLUMN = "neighbourhoods_in_range"
PLACEHOLDER_RE = re.compile(r"^9{6,}(\.0+)?$")
POTENTIALS = ("hoog", "laag")
GJ_PER_MW_YEAR = 8760 * 3.6
"""GJ per year delivered by 1 MW of average power (8,760 h x 3.6 GJ/MWh = 31,536)."""
MAX_SKIPPED_NOTES = 25

BRONCODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
MAX_HEAT_GJ = 1e9
MAX_CAPACITY_MW = 100_000.0
MAX_REDEN = 2_000
MAX_TOELICHTING = 5_000
MAX_BEWIJS_TEKST = 2_000
MAX_URL = 500
#: Nearest buurt centroid within this distance gives a source's gemeente when no gemeente polygon holds it.
GEMEENTE_NEAREST_M = 2_500.0

# actions of a version row
AANGEMAAKT = "aangemaakt"
GEWIJZIGD = "gewijzigd"
BUITEN_GEBRUIK = "buiten_gebruik"
HERSTELD = "hersteld"
GEIMPORTEERD = "geimporteerd"
ACTIES = (AANGEMAAKT, GEWIJZIGD, BUITEN_GEBRUIK, HERSTELD, GEIMPORTEERD)


@dataclass(frozen=True)
class Veld:
    """One registry field: Dutch and English label, unit, kind and valid range."""

    naam: str
    nl: str
    en: str
    soort: str  # tekst | keuze | getal | jaar | janee | gemeente
    eenheid: str = ""
    minimum: float | None = None
    maximum: float | None = None
    verplicht: bool = False
    max_len: int = 200
    keuzes: tuple[str, ...] = ()


_CATEGORIES = tuple(c.value for c in SourceCategory)
_CLASSES = tuple(t.value for t in TemperatureClass)
_STATUSES = tuple(s.value for s in SourceStatus)

VELDEN: dict[str, Veld] = {
    v.naam: v
    for v in (
        Veld("naam", "naam", "name", "tekst", verplicht=True),
        Veld("categorie", "categorie", "category", "keuze", verplicht=True, keuzes=_CATEGORIES),
        Veld("eigenaar", "eigenaar", "owner", "tekst"),
        Veld("temperatuurklasse", "temperatuurklasse", "temperature class", "keuze", verplicht=True, keuzes=_CLASSES),
        Veld("temperatuur_c", "aanvoertemperatuur", "supply temperature", "getal", "°C", -10.0, 200.0),
        Veld("booster_nodig", "boosterwarmtepomp nodig", "booster heat pump needed", "janee"),
        Veld("beschikbaar_gj_per_jaar", "beschikbare warmte", "available heat", "getal", "GJ/jaar", 0.0, MAX_HEAT_GJ),
        Veld("capaciteit_mw", "capaciteit", "capacity", "getal", "MW", 0.0, MAX_CAPACITY_MW),
        Veld("startjaar", "startjaar", "start year", "jaar", "", 1900, 2100),
        Veld("eindjaar", "eindjaar", "end year", "jaar", "", 1900, 2100),
        Veld("betrouwbaarheid", "betrouwbaarheid", "reliability", "getal", "0–1", 0.0, 1.0),
        Veld("warmteprijs_eur_gj", "warmteprijs", "heat price", "getal", "€/GJ", 0.0, 1_000.0),
        Veld("aansluitkosten_eur_kw", "aansluitkosten", "connection cost", "getal", "€/kW", 0.0, 100_000.0),
        Veld("co2_kg_per_gj", "CO2-factor", "CO2 factor", "getal", "kg/GJ", 0.0, 1_000.0),
        Veld("status", "status", "status", "keuze", verplicht=True, keuzes=_STATUSES),
        Veld("x", "x-coördinaat (RD New)", "x coordinate (RD New)", "getal", "m", verplicht=True),
        Veld("y", "y-coördinaat (RD New)", "y coordinate (RD New)", "getal", "m", verplicht=True),
        Veld("gemeente_code", "gemeente", "gemeente", "gemeente"),
        Veld("toelichting", "toelichting", "notes", "tekst", max_len=MAX_TOELICHTING),
    )
}
REGISTRY_FIELDS: tuple[str, ...] = tuple(VELDEN)
"""The editable registry fields, in display order."""

FIGURE_FIELDS: tuple[str, ...] = tuple(n for n in REGISTRY_FIELDS if n not in ("naam", "toelichting"))
"""Fields that can carry evidence (``bewijs``)."""

#: Fields kept in a version's snapshot besides the registry fields (written by importers).
EXTRA_FIELDS: tuple[str, ...] = ("potentie", "bron", "buurten_in_bereik")


class BronError(ValueError):
    """A registry request that cannot be honoured, in Dutch and English; ``field`` names the field at fault.

    ``not_found`` (404), ``conflict`` (409: changed since read, or duplicate code), ``forbidden`` (403); else a
    validation error (400). ``problems`` holds every ``(field, nl, en)`` when several fields are wrong.
    """

    def __init__(
        self,
        nl: str,
        en: str,
        *,
        field: str | None = None,
        not_found: bool = False,
        conflict: bool = False,
        forbidden: bool = False,
        problems: Sequence[tuple[str | None, str, str]] = (),
    ) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en
        self.field = field
        self.not_found = not_found
        self.conflict = conflict
        self.forbidden = forbidden
        self.problems = list(problems) or [(field, nl, en)]

    @property
    def status(self) -> int:
        return 404 if self.not_found else 409 if self.conflict else 403 if self.forbidden else 400


def bewijs_of(w: Warmtebron) -> dict[str, dict[str, str]]:
    """The evidence per figure of a source (``{}`` when absent or unreadable)."""
    try:
        value = json.loads(w.bewijs or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# ------------------------------------------------------------------------------------------------ validation


class _Problem(Exception):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(nl)
        self.nl = nl
        self.en = en


_TRUE = {"true", "ja", "j", "yes", "y", "1", "waar", "on"}
_FALSE = {"false", "nee", "n", "no", "0", "onwaar", "off"}


def _fmt(v: float) -> str:
    return f"{v:g}"


def parse_value(name: str, raw: object) -> Any:
    """The value of field ``name`` from ``raw`` (text from a form or file, or a Python value); ``None`` = empty.

    Raises :class:`BronError` naming the field when the value is invalid.
    """
    veld = VELDEN.get(name)
    if veld is None:
        raise BronError(f"onbekend veld {name!r}", f"unknown field {name!r}", field=name)
    try:
        value = _parse(veld, raw)
    except _Problem as p:
        raise BronError(f"{veld.nl}: {p.nl}", f"{veld.en}: {p.en}", field=name) from None
    if value is None and veld.verplicht:
        raise BronError(f"{veld.nl} is verplicht", f"{veld.en} is required", field=name)
    return value


def _parse(veld: Veld, raw: object) -> Any:
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            raw = None
    if raw is None:
        return False if veld.soort == "janee" else None
    if veld.soort == "tekst":
        if not isinstance(raw, str):
            raise _Problem("moet tekst zijn", "must be text")
        text = " ".join(raw.split()) if veld.max_len <= 200 else raw
        if len(text) > veld.max_len:
            raise _Problem(f"te lang (maximaal {veld.max_len} tekens)", f"too long (at most {veld.max_len} characters)")
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
            raise _Problem("bevat ongeldige tekens", "contains invalid characters")
        return text
    if veld.soort == "keuze":
        text = str(raw)
        if text not in veld.keuzes:
            raise _Problem(f"onbekende waarde {text!r} (kies uit {', '.join(veld.keuzes)})",
                           f"unknown value {text!r} (choose from {', '.join(veld.keuzes)})")  # fmt: skip
        return text
    if veld.soort == "janee":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _Problem(f"geen ja/nee-waarde: {raw!r}", f"not a yes/no value: {raw!r}")
    if veld.soort == "gemeente":
        try:
            return normalise_gemeentecode(raw)
        except CodeError as exc:
            raise _Problem(exc.nl, exc.en) from None
    # numbers
    if isinstance(raw, bool):
        raise _Problem(f"geen getal: {raw!r}", f"not a number: {raw!r}")
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise _Problem(f"geen getal: {raw!r}", f"not a number: {raw!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise _Problem(f"ongeldig getal: {raw!r}", f"invalid number: {raw!r}")
    if veld.soort == "jaar" and not number.is_integer():
        raise _Problem(f"geen geheel jaartal: {raw!r}", f"not a whole year: {raw!r}")
    unit = f" {veld.eenheid}" if veld.eenheid and veld.eenheid != "0–1" else ""
    if veld.minimum is not None and number < veld.minimum:
        raise _Problem(f"{_fmt(number)}{unit} is kleiner dan het minimum {_fmt(veld.minimum)}{unit}",
                       f"{_fmt(number)}{unit} is below the minimum {_fmt(veld.minimum)}{unit}")  # fmt: skip
    if veld.maximum is not None and number > veld.maximum:
        raise _Problem(f"{_fmt(number)}{unit} is groter dan het maximum {_fmt(veld.maximum)}{unit}",
                       f"{_fmt(number)}{unit} is above the maximum {_fmt(veld.maximum)}{unit}")  # fmt: skip
    return int(number) if veld.soort == "jaar" else number


def check_values(values: Mapping[str, object], *, complete: bool) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Parse and check registry values; returns the clean values and every ``(field, nl, en)`` problem.

    ``complete``: the values describe a whole source (required fields must be there). Cross checks: start year
    not after end year; (x, y) inside the Netherlands in RD New.
    """
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for name, raw in values.items():
        try:
            clean[name] = parse_value(name, raw)
        except BronError as exc:
            problems.append((name, exc.nl, exc.en))
    if complete:
        for name, veld in VELDEN.items():
            if veld.verplicht and name not in values:
                problems.append((name, f"{veld.nl} is verplicht", f"{veld.en} is required"))
    bad = {p[0] for p in problems}
    start, end = clean.get("startjaar"), clean.get("eindjaar")
    if start is not None and end is not None and start > end and not {"startjaar", "eindjaar"} & bad:
        problems.append(("eindjaar", f"eindjaar: {end} ligt vóór het startjaar {start}",
                         f"end year: {end} is before the start year {start}"))  # fmt: skip
    x, y = clean.get("x"), clean.get("y")
    if x is not None and y is not None:
        report = ValidationReport("")
        if not check_rd_point(report, 0, x, y, "x", "y"):
            p = report.problems[0]
            problems.append((p.column or "x", f"ligging: {p.nl}", f"location: {p.en}"))
    return clean, problems


def raise_problems(problems: list[tuple[str, str, str]]) -> None:
    if not problems:
        return
    if len(problems) == 1:
        name, nl, en = problems[0]
        raise BronError(nl, en, field=name)
    raise BronError("; ".join(p[1] for p in problems), "; ".join(p[2] for p in problems),
                    field=problems[0][0], problems=problems)  # fmt: skip


def check_code(code: object) -> str:
    text = str(code or "").strip()
    if not BRONCODE_RE.match(text):
        raise BronError(
            f"code: ongeldige broncode {text!r} (letters, cijfers, '.', '_' of '-', hoogstens 40 tekens)",
            f"code: invalid source code {text!r} (letters, digits, '.', '_' or '-', at most 40 characters)",
            field="code",
        )
    return text


def check_reden(reden: object, *, required: bool) -> str | None:
    text = str(reden or "").strip()
    if not text:
        if required:
            raise BronError("reden: geef een reden voor de wijziging", "reason: give a reason for the change",
                            field="reden")  # fmt: skip
        return None
    if len(text) > MAX_REDEN:
        raise BronError(f"reden: te lang (maximaal {MAX_REDEN} tekens)",
                        f"reason: too long (at most {MAX_REDEN} characters)", field="reden")  # fmt: skip
    return text


def check_bewijs(bewijs: object) -> dict[str, dict[str, str] | None]:
    """Evidence per figure: ``{field: {"bron": ..., "toelichting": ..., "url": ...}}``; ``None`` (or an entry
    without ``bron``, ``toelichting`` and ``url``) removes the evidence of that field."""
    if bewijs is None:
        return {}
    if not isinstance(bewijs, Mapping):
        raise BronError("bewijs moet per veld een object zijn", "evidence must be an object per field",
                        field="bewijs")  # fmt: skip
    out: dict[str, dict[str, str] | None] = {}
    for name, entry in bewijs.items():
        if name not in FIGURE_FIELDS:
            raise BronError(f"bewijs: onbekend veld {name!r}", f"evidence: unknown field {name!r}", field="bewijs")
        label_nl, label_en = VELDEN[name].nl, VELDEN[name].en
        if entry is None:
            out[name] = None
            continue
        if not isinstance(entry, Mapping):
            raise BronError(f"bewijs voor {label_nl} moet een object zijn",
                            f"evidence for {label_en} must be an object", field=f"bewijs.{name}")  # fmt: skip
        clean: dict[str, str] = {}
        for key in ("bron", "toelichting", "url"):
            value = entry.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise BronError(f"bewijs voor {label_nl}: {key} moet tekst zijn",
                                f"evidence for {label_en}: {key} must be text", field=f"bewijs.{name}")  # fmt: skip
            value = value.strip()
            limit = MAX_URL if key == "url" else MAX_BEWIJS_TEKST
            if len(value) > limit:
                raise BronError(f"bewijs voor {label_nl}: {key} is te lang (maximaal {limit} tekens)",
                                f"evidence for {label_en}: {key} is too long (at most {limit} characters)",
                                field=f"bewijs.{name}")  # fmt: skip
            if key == "url" and value and not re.match(r"^https?://[^\s]+$", value):
                raise BronError(f"bewijs voor {label_nl}: de url moet met http:// of https:// beginnen",
                                f"evidence for {label_en}: the url must start with http:// or https://",
                                field=f"bewijs.{name}")  # fmt: skip
            if value:
                clean[key] = value
        unknown = set(entry) - {"bron", "toelichting", "url"}
        if unknown:
            raise BronError(f"bewijs voor {label_nl}: onbekende sleutel(s) {', '.join(sorted(unknown))}",
                            f"evidence for {label_en}: unknown key(s) {', '.join(sorted(unknown))}",
                            field=f"bewijs.{name}")  # fmt: skip
        if not clean:
            out[name] = None
        elif "bron" not in clean:
            raise BronError(f"bewijs voor {label_nl}: noem de bron", f"evidence for {label_en}: name the source",
                            field=f"bewijs.{name}")  # fmt: skip
        else:
            out[name] = clean
    return out


# ------------------------------------------------------------------------------------------------ snapshots


def snapshot(w: Warmtebron) -> dict[str, Any]:
    """Every registry field (and the importer's fields and the evidence) of a source as plain JSON values."""
    data: dict[str, Any] = {"code": w.code}
    for name in REGISTRY_FIELDS:
        data[name] = getattr(w, name)
    for name in EXTRA_FIELDS:
        data[name] = getattr(w, name)
    data["booster_nodig"] = bool(w.booster_nodig)
    data["bewijs"] = bewijs_of(w)
    return data


def _same(a: Any, b: Any) -> bool:
    numbers = isinstance(a, float | int) and isinstance(b, float | int)
    if numbers and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``field -> [old, new]`` for every differing field; evidence per field as ``bewijs.<field>``."""
    out: dict[str, list[Any]] = {}
    for name in (*REGISTRY_FIELDS, *EXTRA_FIELDS):
        a, b = old.get(name), new.get(name)
        if not _same(a, b):
            out[name] = [a, b]
    ob, nb = old.get("bewijs") or {}, new.get("bewijs") or {}
    for name in sorted(set(ob) | set(nb)):
        if ob.get(name) != nb.get(name):
            out[f"bewijs.{name}"] = [ob.get(name), nb.get(name)]
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def write_version(
    session: Session,
    w: Warmtebron,
    actie: str,
    wijzigingen: Mapping[str, Any],
    *,
    reden: str | None,
    user: User | None,
    first: bool = False,
) -> WarmtebronVersie:
    """Bump the source's version (unless ``first``) and append its version row with a full snapshot."""
    now = _now()
    w.versie = 1 if first else (w.versie or 0) + 1
    w.gewijzigd = now
    w.gewijzigd_door_id = user.id if user is not None else None
    row = WarmtebronVersie(
        versie=w.versie,
        actie=actie,
        gegevens=json.dumps(snapshot(w), ensure_ascii=False, sort_keys=True),
        wijzigingen=json.dumps(dict(wijzigingen), ensure_ascii=False, sort_keys=True),
        reden=reden,
        door_id=user.id if user is not None else None,
        tijdstip=now,
    )
    w.versies.append(row)
    return row


# ------------------------------------------------------------------------------------------------ gemeente


def _gemeente_geometries(session: Session) -> tuple[list[str], np.ndarray]:
    """Codes and shapely geometries of the gemeenten of the most recent division year that has geometries."""
    jaar = session.scalar(select(func.max(Gemeente.jaar)).where(Gemeente.geometry.is_not(None)))
    if jaar is None:
        return [], np.empty(0, dtype=object)
    rows = session.execute(
        select(Gemeente.code, Gemeente.geometry).where(Gemeente.jaar == jaar, Gemeente.geometry.is_not(None))
    ).all()
    return [r.code for r in rows], shapely.from_wkb([r.geometry for r in rows])


def gemeenten_at(session: Session, xs: Sequence[float], ys: Sequence[float]) -> list[str | None]:
    """The gemeente of each point: the gemeente polygon holding it (most recent year with geometries); failing
    that, the gemeente of the nearest buurt centroid within :data:`GEMEENTE_NEAREST_M`; else ``None``."""
    n = len(xs)
    out: list[str | None] = [None] * n
    if n == 0:
        return out
    pts = shapely.points(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    codes, geoms = _gemeente_geometries(session)
    if codes:
        tree = shapely.STRtree(geoms)
        idx_pt, idx_gm = tree.query(pts, predicate="intersects")
        for i, g in zip(idx_pt.tolist(), idx_gm.tolist(), strict=True):
            if out[i] is None or codes[g] < out[i]:  # deterministic on shared borders
                out[i] = codes[g]
    missing = [i for i in range(n) if out[i] is None]
    if missing:
        jaar = session.scalar(select(func.max(Buurt.jaar)).where(Buurt.centroid_x.is_not(None)))
        if jaar is not None:
            rows = session.execute(
                select(Buurt.gemeente_code, Buurt.centroid_x, Buurt.centroid_y).where(
                    Buurt.jaar == jaar, Buurt.centroid_x.is_not(None), Buurt.centroid_y.is_not(None)
                )
            ).all()
            if rows:
                cpts = shapely.points(np.array([r.centroid_x for r in rows]), np.array([r.centroid_y for r in rows]))
                tree = shapely.STRtree(cpts)
                idx_pt, idx_b = tree.query_nearest(pts[missing], max_distance=GEMEENTE_NEAREST_M, all_matches=False)
                for i, b in zip(idx_pt.tolist(), idx_b.tolist(), strict=True):
                    out[missing[i]] = rows[b].gemeente_code
    return out


def gemeente_at(session: Session, x: float, y: float) -> str | None:
    return gemeenten_at(session, [x], [y])[0]


# ------------------------------------------------------------------------------------------------ ETM files

_DATA_CENTRE = re.compile(
    r"data\s*cent|datacent|datacentrum|equinix|\bcolt\b|interxion|digital realty|nikhef|alticom|bytesnet|"
    r"colocenter|cyrusone|data facilities|databarn|datahouse|dataone|datapark|dataplace|easynet|edgeconnex|"
    r"eurofiber|evoswitch|global switch|global crossing|globalone|interoute|\bnldc\b|maincubes|smartdc|"
    r"switch datacenters|tele2|verizon|viatel|xs4all|e shelter|vancis|\bkpn\b|\bbit\s*\d|\bbit\s+ede|"
    r"atom86|casema|zeelandnet|\brdc\b|relined|pink roccade|ram infotechnology|world port center|"
    r"s w i f t|\btdcg\b|itdev|interbox|intermax|nedcomp|\bdc\d|\bdc\b|luna\s+rotterdam|essent kabelcom|bunker",
    re.IGNORECASE,
)
_INCINERATOR = re.compile(r"afval|\bavr\b|\baeb\b|\bhvc\b|zuiveringsslib|\bdrsh\b", re.IGNORECASE)
_SEWAGE = re.compile(r"\brwzi\b|rioolwater|awzi|delfluent", re.IGNORECASE)
_BIOMASS = re.compile(r"biomassa|bio\s*warmte|biowarmte|bio[\s-]*energie|bioenergy|\bbec\b", re.IGNORECASE)
_POWER = re.compile(
    r"centrale|\bwkc\b|\bhwc\b|\bwkk\b|power|enecogen|elsta|eurogen|maasstroom|rijnmond energie", re.IGNORECASE
)
_GEOTHERMAL = re.compile(r"geotherm", re.IGNORECASE)
_OTHER = re.compile(r"gemaal", re.IGNORECASE)  # pumping stations (surface/waste water): neither industry nor plant


def categorise(name: str) -> SourceCategory:
    """Guess the category of an HT/LT source from its name (heuristic; industry when nothing matches)."""
    if _GEOTHERMAL.search(name):
        return SourceCategory.GEOTHERMAL
    if _BIOMASS.search(name):
        return SourceCategory.BIOMASS
    if _INCINERATOR.search(name):
        return SourceCategory.INCINERATOR
    if _SEWAGE.search(name):
        return SourceCategory.SEWAGE
    if _DATA_CENTRE.search(name):
        return SourceCategory.DATA_CENTRE
    if _POWER.search(name):
        return SourceCategory.POWER_PLANT
    if _OTHER.search(name):
        return SourceCategory.OTHER
    return SourceCategory.INDUSTRY


_GPKG_STEM = re.compile(r"(?:^|_)(HT|LT|GEO|TEO)(HP|LP)$", re.IGNORECASE)


def infer_from_filename(name: str) -> dict[str, str | None]:
    """Temperature class, category and potential implied by an ETM source file name (CSV, XLSX or GeoPackage)."""
    stem = Path(name).name.lower()
    out: dict[str, str | None] = {"temperatuurklasse": None, "categorie": None, "potentie": None}
    gpkg = _GPKG_STEM.search(Path(name).stem)
    if gpkg:  # etm_wm_HTHP.gpkg
        kind, pot = gpkg.group(1).upper(), gpkg.group(2).upper()
        stem = {"HT": "ht_", "LT": "lt_", "GEO": "geothermal_", "TEO": "teo_"}[kind] + (
            "_high_" if pot == "HP" else "_low_"
        )
    if stem.startswith("ht_"):
        out["temperatuurklasse"] = TemperatureClass.HT.value
    elif stem.startswith("lt_"):
        out["temperatuurklasse"] = TemperatureClass.LT.value
    elif stem.startswith("geothermal_"):
        out["temperatuurklasse"] = TemperatureClass.HT.value
        out["categorie"] = SourceCategory.GEOTHERMAL.value
    elif stem.startswith("teo_"):
        out["temperatuurklasse"] = TemperatureClass.ZLT.value
        out["categorie"] = SourceCategory.TEO.value
    if "_high_" in stem or re.search(r"_high\.(csv|xlsx)$", stem):
        out["potentie"] = "hoog"
    elif "_low_" in stem or re.search(r"_low\.(csv|xlsx)$", stem):
        out["potentie"] = "laag"
    return out


# ------------------------------------------------------------------------------------------------ reading


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.isoformat()
    return str(v)


def read_xlsx(path: Path, report: ValidationReport, required: Sequence[str] = ()) -> Table | None:
    """The first sheet of an XLSX workbook as a :class:`Table` of strings (numbers written with a decimal point)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises zipfile/XML/KeyError flavours
        report.add(None, None, f"geen geldig XLSX-bestand: {exc}", f"not a valid XLSX file: {exc}")
        return None
    try:
        ws = wb.worksheets[0]
        rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows or not any(c.strip() for c in rows[0]):
        report.add(None, None, "het werkblad is leeg", "the worksheet is empty")
        return None
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    table = Table(path, header, body, "xlsx", "", file_sha256(path))
    return _check_required(table, report, required)


def _check_required(table: Table, report: ValidationReport, required: Sequence[str]) -> Table | None:
    missing = [c for c in required if c not in table.index]
    for col in missing:
        report.add(1, col, f"verplichte kolom ontbreekt (gevonden: {', '.join(table.header[:12])})",
                   f"required column is missing (found: {', '.join(table.header[:12])})")  # fmt: skip
    return None if missing else table


def read_gpkg(path: Path, report: ValidationReport) -> Table | None:
    """The attributes of a GeoPackage (first layer) as a :class:`Table`; ``available_heat`` (MW) is converted to
    GJ/yr. The layer must be in RD New (EPSG:28992)."""
    import pyogrio.raw

    try:
        meta, _fids, _geometry, field_data = pyogrio.raw.read(path, read_geometry=False)
    except Exception as exc:  # noqa: BLE001 - pyogrio raises DataSourceError and friends
        report.add(None, None, f"bestand niet te lezen: {exc}", f"cannot read file: {exc}")
        return None
    crs = str(meta.get("crs") or "")
    if crs.upper() not in ("EPSG:28992", "EPSG:7415"):
        report.add(None, None, f"de laag moet in RD New (EPSG:28992) zijn, niet {crs or 'onbekend'}",
                   f"the layer must be in RD New (EPSG:28992), not {crs or 'unknown'}")  # fmt: skip
        return None
    names = [str(n) for n in meta["fields"]]
    columns = []
    for name, values in zip(names, field_data, strict=True):
        items = values.tolist() if hasattr(values, "tolist") else list(values)
        if name == "available_heat":  # average MW -> GJ/yr; placeholders (999999 ...) stay as written
            columns.append([_mw_to_gj(v) for v in items])
        elif name in ("geo_coordinate_x", "geo_coordinate_y"):  # float noise of the GeoPackage: round to mm
            columns.append([_text(round(v, 3) if isinstance(v, float) else v) for v in items])
        else:
            columns.append([_text(v) for v in items])
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    table = Table(path, names, rows, "gpkg", "", file_sha256(path))
    return _check_required(table, report, GPKG_COLUMNS)


def _mw_to_gj(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    text = _text(v)
    if PLACEHOLDER_RE.match(text):
        return text
    try:
        return _text(float(v) * GJ_PER_MW_YEAR)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return text


def read_source_file(path: Path | str, report: ValidationReport) -> Table | None:
    """A heat-source file (CSV, XLSX or GeoPackage) as a :class:`Table` of strings."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path, report)
    if suffix == ".gpkg":
        return read_gpkg(path, report)
    if suffix in (".xls", ".ods", ".shp", ".geojson", ".json"):
        report.add(None, None, f"bestandsformaat {suffix} wordt niet ondersteund (kies CSV, XLSX of GeoPackage)",
                   f"file format {suffix} is not supported (choose CSV, XLSX or GeoPackage)")  # fmt: skip
        return None
    return read_table(path, report)


def is_registry_table(table: Table) -> bool:
    return "code" in table.index and "naam" in table.index


# ------------------------------------------------------------------------------------------------ validating


@dataclass
class ImportRow:
    """One valid row of a heat-source file: registry values, importer fields, evidence and (registry format)
    the version it was exported at."""

    row: int
    code: str
    values: dict[str, Any]
    extra: dict[str, Any]
    bewijs: dict[str, dict[str, str] | None]
    versie: int | None = None


def _etm_rows(
    table: Table, path: Path, report: ValidationReport, *, temperatuurklasse: str | None, potentie: str | None,
    categorie: str | None, status: str, counters: dict[str, int],
) -> list[ImportRow]:  # fmt: skip
    gpkg = path.suffix.lower() == ".gpkg"
    missing = [c for c in COLUMNS if c not in table.index and not (gpkg and c in ("source_name", "available_heat"))]
    for col in missing:
        report.add(1, col, f"verplichte kolom ontbreekt (gevonden: {', '.join(table.header[:12])})",
                   f"required column is missing (found: {', '.join(table.header[:12])})")  # fmt: skip
    if missing:
        return []
    idx = {c: table.index.get(c) for c in COLUMNS}
    range_idx = table.index.get(RANGE_COLUMN)
    width = max(i for i in idx.values() if i is not None) + 1
    bron = f"{SOURCE}: {path.name}"[:200]
    out: list[ImportRow] = []
    seen: dict[str, int] = {}
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        if len(cells) < width:
            report.add(rownr, None, f"te weinig kolommen ({len(cells)})", f"too few columns ({len(cells)})")
            continue
        before = len(report.problems)
        code = cells[idx["source_id"]].strip()  # type: ignore[index]
        if not code:
            report.add(rownr, "source_id", "code ontbreekt", "code is missing")
        elif not BRONCODE_RE.match(code):
            report.add(rownr, "source_id", f"ongeldige broncode {code!r} (letters, cijfers, '.', '_' of '-', "
                       "hoogstens 40 tekens)", f"invalid source code {code!r} (letters, digits, '.', '_' or '-', "
                       "at most 40 characters)")  # fmt: skip
        else:
            check_duplicate(report, seen, code, rownr, "source_id", f"bron {code}")
        if idx["source_name"] is not None:
            name = " ".join(cells[idx["source_name"]].split())
        else:  # GeoPackages without names: the label the CSV files use
            name = f"Geothermie {code}" if categorie == SourceCategory.GEOTHERMAL.value else (
                "TEO" if categorie == SourceCategory.TEO.value else code)  # fmt: skip
        if not name:
            report.add(rownr, "source_name", "naam ontbreekt", "name is missing")
        heat, placeholder = None, False
        if idx["available_heat"] is not None:
            heat_text = cells[idx["available_heat"]].strip()
            heat = parse_number(heat_text, report, rownr, "available_heat", required=not gpkg, maximum=MAX_HEAT_GJ)
            placeholder = heat is not None and bool(PLACEHOLDER_RE.match(heat_text))
        x = parse_number(cells[idx["geo_coordinate_x"]], report, rownr, "geo_coordinate_x", minimum=None)  # type: ignore[index]
        y = parse_number(cells[idx["geo_coordinate_y"]], report, rownr, "geo_coordinate_y", minimum=None)  # type: ignore[index]
        check_rd_point(report, rownr, x, y, "geo_coordinate_x", "geo_coordinate_y")
        in_range: list[str] = []
        if range_idx is not None and range_idx < len(cells):
            for part in cells[range_idx].split(","):
                if not part.strip():
                    continue
                try:
                    in_range.append(normalise_buurtcode(part))
                except CodeError as exc:
                    report.add(rownr, RANGE_COLUMN, exc.nl, exc.en)
        if len(report.problems) > before:
            continue
        cat = categorie
        evidence: dict[str, dict[str, str] | None] = {}
        if cat is None:
            cat = categorise(name).value
            counters["guessed"] += 1
            evidence["categorie"] = {"bron": bron, "toelichting": "afgeleid uit de naam (heuristiek) / guessed "
                                     "from the name (heuristic)"}  # fmt: skip
        else:
            evidence["categorie"] = {"bron": bron}
        if placeholder:
            counters["placeholder"] += 1
        values: dict[str, Any] = {
            "naam": name[:200], "categorie": cat, "temperatuurklasse": temperatuurklasse,
            "beschikbaar_gj_per_jaar": None if placeholder else heat, "x": x, "y": y, "status": status,
        }  # fmt: skip
        unit_note = (f"available_heat {float(heat) / GJ_PER_MW_YEAR:g} MW x {GJ_PER_MW_YEAR:g} GJ/MW/jaar"
                     if gpkg and heat is not None and not placeholder else "")  # fmt: skip
        for f in ("temperatuurklasse", "x", "y", "status"):
            evidence[f] = {"bron": bron}
        if values["beschikbaar_gj_per_jaar"] is not None:
            evidence["beschikbaar_gj_per_jaar"] = {"bron": bron, **({"toelichting": unit_note} if unit_note else {})}
        extra = {"potentie": potentie, "buurten_in_bereik": ",".join(in_range) or None, "bron": bron}
        out.append(ImportRow(rownr, code, values, extra, evidence))
    return out


def _registry_rows(table: Table, path: Path, report: ValidationReport) -> list[ImportRow]:
    unknown = [h for h in table.header if h and h not in EXPORT_COLUMNS]
    for h in unknown:
        report.add(1, h, f"onbekende kolom (het registerformaat kent: {', '.join(EXPORT_COLUMNS)})",
                   f"unknown column (the registry format has: {', '.join(EXPORT_COLUMNS)})")  # fmt: skip
    missing = [c for c in ("code", *(n for n, v in VELDEN.items() if v.verplicht and n != "status"))
               if c not in table.index]  # fmt: skip
    for c in missing:
        report.add(1, c, f"verplichte kolom ontbreekt (gevonden: {', '.join(table.header[:12])})",
                   f"required column is missing (found: {', '.join(table.header[:12])})")  # fmt: skip
    if unknown or missing:
        return []
    out: list[ImportRow] = []
    seen: dict[str, int] = {}
    present = [c for c in REGISTRY_FIELDS if c in table.index]
    for i, cells in enumerate(table.rows):
        rownr = table.row_number(i)
        cells = cells + [""] * (len(table.header) - len(cells))
        before = len(report.problems)

        def cell(name: str, cells: list[str] = cells) -> str:
            j = table.index.get(name)
            return cells[j] if j is not None else ""

        code = cell("code").strip()
        if not BRONCODE_RE.match(code):
            report.add(rownr, "code", f"ongeldige broncode {code!r} (letters, cijfers, '.', '_' of '-', hoogstens "
                       "40 tekens)", f"invalid source code {code!r} (letters, digits, '.', '_' or '-', at most 40 "
                       "characters)")  # fmt: skip
        else:
            check_duplicate(report, seen, code, rownr, "code", f"bron {code}")
        raw = {c: cell(c) for c in present}
        if "status" not in raw:
            raw["status"] = SourceStatus.POTENTIAL.value
        clean, problems = check_values(raw, complete=True)
        for name, nl, en in problems:
            report.add(rownr, name, nl, en)
        evidence: dict[str, dict[str, str] | None] = {}
        text = cell("bewijs").strip()
        if text:
            try:
                evidence = check_bewijs(json.loads(text))
            except ValueError as exc:  # json.JSONDecodeError and BronError are ValueErrors
                nl, en = (exc.nl, exc.en) if isinstance(exc, BronError) else (f"geen geldige JSON: {exc}",
                                                                              f"not valid JSON: {exc}")  # fmt: skip
                report.add(rownr, "bewijs", nl, en)
        versie = None
        if cell("versie").strip():
            number = parse_number(cell("versie"), report, rownr, "versie", minimum=1, integer=True)
            versie = int(number) if number is not None else None
        potentie = cell("potentie").strip() or None
        if potentie is not None and potentie not in POTENTIALS:
            report.add(rownr, "potentie", f"potentie moet 'hoog' of 'laag' zijn, niet {potentie!r}",
                       f"potential must be 'hoog' or 'laag', not {potentie!r}")  # fmt: skip
        if len(report.problems) > before:
            continue
        bron = cell("bron").strip()[:200] or None
        extra = {"potentie": potentie, "bron": bron}
        out.append(ImportRow(rownr, code, clean, extra, evidence, versie))
    return out


def validate_heat_sources(
    path: Path | str,
    *,
    temperatuurklasse: str | None = None,
    potentie: str | None = None,
    categorie: str | None = None,
    status: str = SourceStatus.POTENTIAL.value,
) -> tuple[list[ImportRow], ValidationReport, str, dict[str, int], bool]:
    """Read and check a whole file; returns the valid rows, the report, the file's SHA-256, counters and whether
    the file is in the registry format."""
    path = Path(path)
    report = ValidationReport(path.name)
    counters = {"placeholder": 0, "guessed": 0}
    table = read_source_file(path, report)
    if table is None:
        return [], report, "", counters, False
    if not table.rows:
        report.add(None, None, "het bestand bevat geen rijen", "the file contains no rows")
    if is_registry_table(table):
        return _registry_rows(table, path, report), report, table.sha256, counters, True
    guess = infer_from_filename(path.name)
    temperatuurklasse = temperatuurklasse or guess["temperatuurklasse"]
    potentie = potentie or guess["potentie"]
    categorie = categorie or guess["categorie"]
    if temperatuurklasse is None:
        report.add(
            None,
            None,
            "temperatuurklasse onbekend: niet af te leiden uit de bestandsnaam; geef die op",
            "temperature class unknown: cannot be inferred from the file name; pass it",
        )
    elif temperatuurklasse not in {t.value for t in TemperatureClass}:
        report.add(
            None,
            None,
            f"onbekende temperatuurklasse {temperatuurklasse!r}",
            f"unknown temperature class {temperatuurklasse!r}",
        )
    if categorie is not None and categorie not in {c.value for c in SourceCategory}:
        report.add(None, None, f"onbekende categorie {categorie!r}", f"unknown category {categorie!r}")
    if status not in {s.value for s in SourceStatus}:
        report.add(None, None, f"onbekende status {status!r}", f"unknown status {status!r}")
    if potentie is not None and potentie not in POTENTIALS:
        report.add(
            None,
            None,
            f"potentie moet 'hoog' of 'laag' zijn, niet {potentie!r}",
            f"potential must be 'hoog' or 'laag', not {potentie!r}",
        )
    if not report.ok:
        return [], report, table.sha256, counters, False
    rows = _etm_rows(table, path, report, temperatuurklasse=temperatuurklasse, potentie=potentie,
                     categorie=categorie, status=status, counters=counters)  # fmt: skip
    return rows, report, table.sha256, counters, False


# ------------------------------------------------------------------------------------------------ writing


def user_fields(versions: Sequence[WarmtebronVersie]) -> dict[str, WarmtebronVersie]:
    """Fields whose last change (value or evidence) was not an import, with the version that made it."""
    out: dict[str, WarmtebronVersie] = {}
    for v in sorted(versions, key=lambda r: r.versie):
        for key in json.loads(v.wijzigingen or "{}"):
            name = key.removeprefix("bewijs.")
            if v.actie == GEIMPORTEERD:
                out.pop(name, None)
            else:
                out[name] = v
    return out


def _show(v: Any) -> str:
    return (
        "leeg/empty" if v is None else f"{v:g}" if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)
    )


def import_heat_sources(
    session: Session,
    path: Path | str,
    *,
    temperatuurklasse: str | None = None,
    potentie: str | None = None,
    categorie: str | None = None,
    status: str = SourceStatus.POTENTIAL.value,
    progress: ProgressCallback | None = None,
    gebruiker: str | None = None,
    user: User | None = None,
) -> ImportResult:
    """Validate the whole file, then create new sources and update changed ones (see the module docstring),
    each with a version row ``geimporteerd``; ``user`` is recorded as the author of the versions."""
    path = Path(path)
    rows, report, sha, counters, registry = validate_heat_sources(
        path, temperatuurklasse=temperatuurklasse, potentie=potentie, categorie=categorie, status=status
    )
    existing: dict[str, Warmtebron] = {}
    codes = [r.code for r in rows]
    for start in range(0, len(codes), 2000):
        part = codes[start : start + 2000]
        existing.update({w.code: w for w in session.scalars(select(Warmtebron).where(Warmtebron.code.in_(part)))})
    if registry:  # a stale export must not undo later edits
        for r in rows:
            w = existing.get(r.code)
            if w is not None and r.versie is not None and r.versie < (w.versie or 1) and _would_change(w, r, True):
                report.add(r.row, "versie", f"bron {r.code} is na deze export gewijzigd (versie {r.versie} in het "
                           f"bestand, nu versie {w.versie}); exporteer opnieuw en breng de wijziging daarin aan",
                           f"source {r.code} changed after this export (version {r.versie} in the file, now "
                           f"version {w.versie}); export again and make the change there")  # fmt: skip
    if not report.ok:
        raise ImportValidationError(report)
    history: dict[int, list[WarmtebronVersie]] = {}
    ids = [w.id for w in existing.values()]
    for start in range(0, len(ids), 2000):
        for v in session.scalars(
            select(WarmtebronVersie).where(WarmtebronVersie.warmtebron_id.in_(ids[start : start + 2000]))
        ):
            history.setdefault(v.warmtebron_id, []).append(v)
    reden = f"import {path.name}" + (f" door/by {gebruiker}" if gebruiker else "")
    new_sources: list[Warmtebron] = []
    relocate: list[Warmtebron] = []
    skipped: list[str] = []
    inserted = updated = unchanged = 0
    total = len(rows)
    for n, r in enumerate(rows, start=1):
        w = existing.get(r.code)
        if w is None:
            w = Warmtebron(code=r.code, bewijs="{}", **{"booster_nodig": False, **r.values, **r.extra})
            w.bewijs = json.dumps({k: v for k, v in r.bewijs.items() if v is not None}, ensure_ascii=False,
                                  sort_keys=True)  # fmt: skip
            session.add(w)
            new_sources.append(w)
            if w.gemeente_code is None:
                relocate.append(w)
            inserted += 1
        else:
            protected = {} if registry else user_fields(history.get(w.id, []))
            before = snapshot(w)
            for name, value in {**r.values, **r.extra}.items():
                if name in protected and not _same(getattr(w, name), value):
                    v = protected[name]
                    skipped.append(f"{r.code} {name}: {_show(getattr(w, name))} blijft/kept (versie/version "
                                   f"{v.versie}, {v.actie}); bestand/file: {_show(value)}")  # fmt: skip
                    continue
                if not _same(getattr(w, name), value):
                    setattr(w, name, value)
            evidence = bewijs_of(w)
            for name, entry in r.bewijs.items():
                if name in protected:
                    continue
                if entry is None:
                    evidence.pop(name, None)
                else:
                    evidence[name] = entry
            if registry:  # the file's evidence is the whole evidence
                evidence = {k: v for k, v in r.bewijs.items() if v is not None}
            w.bewijs = json.dumps(evidence, ensure_ascii=False, sort_keys=True)
            if ("x" in diff(before, snapshot(w)) or "y" in diff(before, snapshot(w))) and (
                "gemeente_code" not in protected and "gemeente_code" not in r.values
            ):
                relocate.append(w)
            changes = diff(before, snapshot(w))
            if changes:
                write_version(session, w, GEIMPORTEERD, changes, reden=reden, user=user)
                updated += 1
            else:
                unchanged += 1
        if progress and (n % 200 == 0 or n == total):
            progress(n, total)
    if relocate:
        found = gemeenten_at(session, [w.x for w in relocate], [w.y for w in relocate])
        for w, gm in zip(relocate, found, strict=True):
            w.gemeente_code = gm
    for w in new_sources:
        write_version(session, w, GEIMPORTEERD, diff({}, snapshot(w)), reden=reden, user=user, first=True)
    result = ImportResult("warmtebronnen", path.name, len(rows), inserted=inserted, updated=updated)
    if unchanged:
        result.notes.append(f"{unchanged} bronnen ongewijzigd / sources unchanged")
    if counters["placeholder"]:
        result.notes.append(
            f"{counters['placeholder']} bronnen met plaatsvervangende waarde (999999 / 99999999 GJ/jaar = "
            "onbeperkt of onbekend) opgeslagen zonder beschikbare warmte / sources with a placeholder value "
            "(unlimited or unknown potential) stored without available heat"
        )
    if counters["guessed"]:
        result.notes.append(
            f"categorie van {counters['guessed']} bronnen afgeleid uit de naam (heuristiek) / "
            f"category of {counters['guessed']} sources guessed from the name (heuristic)"
        )
    if skipped:
        result.notes.append(
            f"{len(skipped)} door gebruikers gewijzigde waarden niet overschreven / values changed by users "
            "not overwritten:"
        )
        result.notes += ["  " + s for s in skipped[:MAX_SKIPPED_NOTES]]
        if len(skipped) > MAX_SKIPPED_NOTES:
            result.notes.append(f"  ... en nog / and {len(skipped) - MAX_SKIPPED_NOTES}")
    result.skipped = skipped  # type: ignore[attr-defined]
    record_run(
        session, importer="warmtebronnen", path=path, sha256=sha, rows=len(rows),
        bron=REGISTRY_SOURCE if registry else SOURCE, licentie=None if registry else LICENCE, gebruiker=gebruiker,
    )  # fmt: skip
    session.flush()
    return result


def _would_change(w: Warmtebron, r: ImportRow, registry: bool) -> bool:
    current = snapshot(w)
    wanted = {**current, **r.values, **r.extra}
    if registry:
        wanted["bewijs"] = {k: v for k, v in r.bewijs.items() if v is not None}
    return bool(diff(current, wanted))


# ------------------------------------------------------------------------------------------------ export format

#: Columns of the registry format (CSV/XLSX export and import): code, the registry fields, the importer's fields,
#: the evidence as JSON and the version the row was exported at.
EXPORT_COLUMNS: tuple[str, ...] = ("code", *REGISTRY_FIELDS, "potentie", "bron", "bewijs", "versie")
