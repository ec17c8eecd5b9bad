"""Schematic buurt polygons: Voronoi cells of the buurt centroids, clipped to the gemeente boundary.

Used when real buurt boundaries are not available (the embedded demo ships centroids only). Per gemeente,
the cells of its buurt centroids are computed with :func:`shapely.voronoi_polygons` on an envelope larger
than the gemeente and clipped to the gemeente's boundary, so the cells of one gemeente are disjoint and
together cover it exactly. They are *not* real boundaries and must be flagged as schematic.

All coordinates are RD New (EPSG:28992) metres. The module is pure: no database, no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from warmteregio.domain.codes import gemeente_of

SNAP_DISTANCE = 25.0  # [m] how far inside the boundary a centroid that lies outside it is moved
DUPLICATE_OFFSET = 1.0  # [m] radius on which coinciding centroids are spread apart
ENVELOPE_MARGIN = 0.25  # the Voronoi envelope is the gemeente's bounding box grown by this fraction


@dataclass
class SchematicResult:
    """Cells per buurt code plus what had to be worked around, for the caller to report."""

    cells: dict[str, Polygon | MultiPolygon] = field(default_factory=dict)
    zonder_centroide: list[str] = field(default_factory=list)  # no centroid: no cell
    zonder_gemeentegrens: list[str] = field(default_factory=list)  # gemeente has no boundary: no cell
    verplaatst: dict[str, tuple[float, float]] = field(default_factory=dict)  # snapped inside: new point
    samenvallend: list[str] = field(default_factory=list)  # centroid shared with another buurt: spread

    def notes(self) -> list[str]:
        """Bilingual lines describing the workarounds, empty when there were none."""
        out = []
        if self.zonder_centroide:
            out.append(
                f"{len(self.zonder_centroide)} buurt(en) zonder centroïde, geen vlak / without centroid, no "
                f"polygon: {', '.join(sorted(self.zonder_centroide))}"
            )
        if self.zonder_gemeentegrens:
            out.append(
                f"{len(self.zonder_gemeentegrens)} buurt(en) in een gemeente zonder grens / in a municipality "
                f"without boundary: {', '.join(sorted(self.zonder_gemeentegrens))}"
            )
        if self.verplaatst:
            out.append(
                f"{len(self.verplaatst)} centroïde(n) buiten de gemeentegrens naar binnen verplaatst / "
                f"centroid(s) outside the boundary moved inside: {', '.join(sorted(self.verplaatst))}"
            )
        if self.samenvallend:
            out.append(
                f"{len(self.samenvallend)} samenvallende centroïde(n) uit elkaar gezet / coinciding "
                f"centroid(s) spread apart: {', '.join(sorted(self.samenvallend))}"
            )
        return out


def polygonal(geom: BaseGeometry | None) -> Polygon | MultiPolygon | None:
    """The valid polygonal part of ``geom`` (dropping points and lines), or None when there is none."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, Polygon | MultiPolygon):
        return geom if not geom.is_empty else None
    parts: list[Polygon] = []
    for part in getattr(geom, "geoms", ()):
        sub = polygonal(part)
        if isinstance(sub, Polygon):
            parts.append(sub)
        elif isinstance(sub, MultiPolygon):
            parts.extend(sub.geoms)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def point_inside(boundary: Polygon | MultiPolygon, x: float, y: float, snap: float = SNAP_DISTANCE) -> Point:
    """``(x, y)`` itself when it lies inside ``boundary``, else a point just inside, near the closest edge."""
    pt = Point(x, y)
    if boundary.contains(pt):
        return pt
    edge_point = nearest_points(boundary, pt)[0]
    for radius in (snap, snap * 4, snap * 16):
        near = boundary.intersection(edge_point.buffer(radius))
        near = polygonal(near)
        if near is not None and near.area > 0:
            candidate = near.representative_point()
            if boundary.contains(candidate):
                return candidate
    return boundary.representative_point()


def _spread_duplicates(
    points: list[tuple[str, Point]], boundary: Polygon | MultiPolygon, result: SchematicResult
) -> list[tuple[str, Point]]:
    """Move coinciding points apart on a small circle so that every buurt gets its own cell."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (_code, pt) in enumerate(points):
        groups.setdefault((round(pt.x, 3), round(pt.y, 3)), []).append(i)
    out = list(points)
    for members in groups.values():
        if len(members) < 2:
            continue
        for k, i in enumerate(members):
            code, pt = points[i]
            angle = 2 * math.pi * k / len(members)
            moved = Point(pt.x + DUPLICATE_OFFSET * math.cos(angle), pt.y + DUPLICATE_OFFSET * math.sin(angle))
            if not boundary.contains(moved):
                moved = point_inside(boundary, moved.x, moved.y, snap=DUPLICATE_OFFSET)
            out[i] = (code, moved)
            result.samenvallend.append(code)
    return out


def voronoi_cells(
    points: list[tuple[str, Point]], boundary: Polygon | MultiPolygon
) -> dict[str, Polygon | MultiPolygon]:
    """Voronoi cells of ``points`` (all inside ``boundary``), clipped to ``boundary``."""
    if not points:
        return {}
    if len(points) == 1:
        return {points[0][0]: boundary}
    minx, miny, maxx, maxy = boundary.bounds
    grow = ENVELOPE_MARGIN * max(maxx - minx, maxy - miny, 1.0)
    envelope = shapely.box(minx - grow, miny - grow, maxx + grow, maxy + grow)
    diagram = shapely.voronoi_polygons(shapely.MultiPoint([p for _c, p in points]), extend_to=envelope)
    raw_cells = np.array(list(diagram.geoms), dtype=object)
    pts = np.array([p for _c, p in points], dtype=object)
    # which cell holds which point: the cells are disjoint apart from their edges, so exactly one each
    inside = shapely.contains(raw_cells[:, None], pts[None, :])
    cells: dict[str, Polygon | MultiPolygon] = {}
    for j, (code, _pt) in enumerate(points):
        hits = np.flatnonzero(inside[:, j])
        if len(hits) != 1:  # pragma: no cover - GEOS guarantees one cell per distinct input point
            raise ValueError(f"Voronoi cell for {code} not found")
        clipped = polygonal(shapely.intersection(raw_cells[hits[0]], boundary))
        if clipped is not None:
            cells[code] = clipped
    return cells


def schematic_buurten(
    codes: Iterable[str],
    centroids: Mapping[str, tuple[float, float] | None],
    gemeenten: Mapping[str, BaseGeometry],
    *,
    gemeente_van: Callable[[str], str] = gemeente_of,
) -> SchematicResult:
    """Schematic polygons for the buurten ``codes``.

    ``centroids`` maps buurt code to ``(x, y)`` in RD New (missing or None: the buurt gets no cell and is
    reported); ``gemeenten`` maps gemeente code to its boundary (RD New); ``gemeente_van`` gives a buurt's
    gemeente (by default from the code: ``BU05050101`` -> ``GM0505``). Within each gemeente the returned
    cells are valid, pairwise disjoint and cover the boundary; each (possibly snapped) centroid lies in its
    own cell. A centroid outside its gemeente is moved just inside the nearest edge; a gemeente with one
    buurt gives that buurt the whole gemeente.
    """
    result = SchematicResult()
    per_gemeente: dict[str, list[str]] = {}
    for code in dict.fromkeys(codes):  # unique, in order
        per_gemeente.setdefault(gemeente_van(code), []).append(code)
    for gm, members in sorted(per_gemeente.items()):
        boundary = polygonal(gemeenten.get(gm))
        if boundary is None:
            result.zonder_gemeentegrens.extend(members)
            continue
        points: list[tuple[str, Point]] = []
        for code in members:
            xy = centroids.get(code)
            if xy is None or any(v is None or not math.isfinite(v) for v in xy):
                result.zonder_centroide.append(code)
                continue
            pt = point_inside(boundary, float(xy[0]), float(xy[1]))
            if pt.x != xy[0] or pt.y != xy[1]:
                result.verplaatst[code] = (pt.x, pt.y)
            points.append((code, pt))
        points = _spread_duplicates(points, boundary, result)
        result.cells.update(voronoi_cells(points, boundary))
    return result
