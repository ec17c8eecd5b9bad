"""Geometry for the web layer: RD New (EPSG:28992) WKB in the database, GeoJSON out in CRS84 or RD.

The database stores every geometry as WKB in RD New (metres). GeoJSON is served in CRS84 (longitude,
latitude; the default of the NL API geospatial module) unless the client asks for RD New. Transforms are
vectorised: :func:`shapely.transform` hands all coordinates of all geometries to one cached
:class:`pyproj.Transformer` call (``always_xy=True``, so the axis order is always x/east, y/north).

Without the RDNAPTRANS grid, pyproj uses the Helmert (towgs84) fallback for EPSG:28992, which is accurate
to about a metre: good enough for buurt polygons.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
RD_NEW = "http://www.opengis.net/def/crs/EPSG/0/28992"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
SUPPORTED_CRS: tuple[str, ...] = (CRS84, RD_NEW)

#: Decimal places kept per CRS: 1e-7 degree is about 1 cm; RD New is in metres, so centimetres.
DECIMALS = {CRS84: 7, RD_NEW: 2}

_ALIASES = {
    CRS84: CRS84,
    "crs84": CRS84,
    "ogc:crs84": CRS84,
    "urn:ogc:def:crs:ogc:1.3:crs84": CRS84,
    RD_NEW: RD_NEW,
    "epsg:28992": RD_NEW,
    "urn:ogc:def:crs:epsg::28992": RD_NEW,
}


class CrsError(ValueError):
    """An unsupported or malformed CRS or bbox; carries a Dutch and an English message."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(f"{nl} / {en}")
        self.nl = nl
        self.en = en


def parse_crs(value: str | None, default: str = CRS84) -> str:
    """The canonical CRS URI for ``value`` (URI, ``<URI>``, ``EPSG:28992`` or ``CRS84``); ``default`` if empty."""
    if value is None or not value.strip():
        return default
    text = value.strip().strip("<>").strip()
    canonical = _ALIASES.get(text) or _ALIASES.get(text.lower())
    if canonical is None:
        raise CrsError(
            f"niet-ondersteund CRS {value!r} (kies {CRS84} of {RD_NEW})",
            f"unsupported CRS {value!r} (choose {CRS84} or {RD_NEW})",
        )
    return canonical


@lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    """A cached transformer between two supported CRS URIs, always in x/y (lon/lat) order."""
    codes = {CRS84: "OGC:CRS84", RD_NEW: "EPSG:28992"}
    return Transformer.from_crs(codes[source], codes[target], always_xy=True)


def transform_coords(xy: np.ndarray, source: str, target: str) -> np.ndarray:
    """Transform an (N, 2) array of coordinates; returns a new (N, 2) array."""
    if source == target:
        return np.asarray(xy, dtype=float)
    xy = np.asarray(xy, dtype=float)
    if xy.size == 0:
        return xy.reshape(0, 2)
    x, y = transformer(source, target).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def transform_geometries(geoms: np.ndarray, source: str = RD_NEW, target: str = CRS84) -> np.ndarray:
    """Transform an array of shapely geometries (``None`` entries allowed) in one vectorised call."""
    geoms = np.asarray(geoms, dtype=object)
    if source == target or geoms.size == 0:
        return geoms
    return shapely.transform(geoms, lambda xy: transform_coords(xy, source, target))


def from_wkb(values: Sequence[bytes | None]) -> np.ndarray:
    """Shapely geometries from WKB values; ``None`` stays ``None``."""
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return shapely.from_wkb(array)


def round_geometries(geoms: np.ndarray, crs: str) -> np.ndarray:
    decimals = DECIMALS.get(crs, 7)
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))


def geometries_to_geojson(
    geoms: np.ndarray, crs: str = CRS84, *, source: str = RD_NEW, simplify_m: float | None = None
) -> list[str | None]:
    """GeoJSON geometry strings for an array of geometries in ``source`` (RD New), in ``crs``.

    ``simplify_m`` simplifies in RD New (metres, topology preserved per geometry) before transforming.
    """
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return []
    if simplify_m and simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
    geoms = round_geometries(transform_geometries(geoms, source, crs), crs)
    return list(shapely.to_geojson(geoms))


def geometry_dict(wkb: bytes | None, crs: str = CRS84) -> dict | None:
    """One WKB geometry (RD New) as a GeoJSON geometry dict in ``crs``, or ``None``."""
    if wkb is None:
        return None
    (text,) = geometries_to_geojson(from_wkb([wkb]), crs)
    return json.loads(text) if text else None


def point_dict(x: float | None, y: float | None, crs: str = CRS84) -> dict | None:
    """An RD New point as a GeoJSON Point dict in ``crs``."""
    if x is None or y is None:
        return None
    ((px, py),) = transform_coords(np.array([[x, y]]), RD_NEW, crs)
    decimals = DECIMALS.get(crs, 7)
    return {"type": "Point", "coordinates": [round(float(px), decimals), round(float(py), decimals)]}


def bbox_to_rd(bbox: Sequence[float], bbox_crs: str) -> tuple[float, float, float, float]:
    """A bbox (minx, miny, maxx, maxy) in ``bbox_crs`` as an RD New bbox covering it.

    The four corners and the edge midpoints are transformed, so a CRS84 box maps to the RD box around it.
    """
    minx, miny, maxx, maxy = (float(v) for v in bbox)
    if bbox_crs == RD_NEW:
        return minx, miny, maxx, maxy
    xs = np.array([minx, maxx, minx, maxx, (minx + maxx) / 2, (minx + maxx) / 2, minx, maxx])
    ys = np.array([miny, miny, maxy, maxy, miny, maxy, (miny + maxy) / 2, (miny + maxy) / 2])
    rd = transform_coords(np.column_stack([xs, ys]), bbox_crs, RD_NEW)
    return float(rd[:, 0].min()), float(rd[:, 1].min()), float(rd[:, 0].max()), float(rd[:, 1].max())


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Parse ``minx,miny,maxx,maxy``; raises :class:`CrsError` when malformed."""
    if value is None or not value.strip():
        return None
    parts = [p.strip() for p in value.split(",")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(np.isfinite(numbers)):
        raise CrsError(
            f"ongeldige bbox {value!r}: verwacht vier getallen minx,miny,maxx,maxy",
            f"invalid bbox {value!r}: expected four numbers minx,miny,maxx,maxy",
        )
    minx, miny, maxx, maxy = numbers
    if minx > maxx or miny > maxy:
        raise CrsError(
            f"ongeldige bbox {value!r}: minimum groter dan maximum",
            f"invalid bbox {value!r}: minimum larger than maximum",
        )
    return minx, miny, maxx, maxy


@dataclass(frozen=True, slots=True)
class FeatureLink:
    href: str
    rel: str
    type: str = "application/geo+json"


def feature_collection_json(
    ids: Iterable[str],
    geometries: Iterable[str | None],
    properties: Iterable[dict],
    *,
    extra: dict | None = None,
) -> str:
    """A GeoJSON FeatureCollection as a JSON string, assembled from pre-serialised geometries.

    ``extra`` members (e.g. ``numberMatched``, ``links``) are added to the collection object.
    """
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    parts = []
    for fid, geometry, props in zip(ids, geometries, properties, strict=True):
        parts.append(
            '{"type":"Feature","id":'
            + dumps(fid)
            + ',"geometry":'
            + (geometry if geometry else "null")
            + ',"properties":'
            + dumps(props)
            + "}"
        )
    head = '{"type":"FeatureCollection"'
    for key, value in (extra or {}).items():
        head += "," + dumps(key) + ":" + dumps(value)
    return head + ',"features":[' + ",".join(parts) + "]}"
