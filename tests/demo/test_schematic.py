"""Schematic buurt polygons on hand-made squares: disjoint, covering, each centroid in its own cell."""

from __future__ import annotations

import itertools
import random

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from warmteregio.demo.schematic import schematic_buurten

SQUARE = box(0, 0, 1000, 1000)  # GM0001: 1 km x 1 km
L_SHAPE = Polygon([(2000, 0), (4000, 0), (4000, 1000), (3000, 1000), (3000, 2000), (2000, 2000)])  # GM0002
TWO_ISLANDS = MultiPolygon([box(5000, 0, 5500, 500), box(6000, 0, 6500, 500)])  # GM0003


def assert_partition(cells: dict[str, Polygon | MultiPolygon], boundary: Polygon | MultiPolygon) -> None:
    assert cells
    for cell in cells.values():
        assert isinstance(cell, Polygon | MultiPolygon)
        assert cell.is_valid
        assert cell.area > 0
        assert boundary.buffer(1e-6).contains(cell)
    for a, b in itertools.combinations(cells.values(), 2):
        assert a.intersection(b).area == pytest.approx(0.0, abs=1e-6)
    union = shapely.union_all(list(cells.values()))
    assert union.area == pytest.approx(boundary.area, rel=1e-6)
    assert union.symmetric_difference(boundary).area <= 1e-6 * boundary.area


def test_grid_of_centroids_partitions_the_square() -> None:
    centroids = {f"BU0001{i:04d}": (100.0 + 200 * (i % 5), 100.0 + 200 * (i // 5)) for i in range(25)}
    result = schematic_buurten(centroids, centroids, {"GM0001": SQUARE})
    assert set(result.cells) == set(centroids)
    assert_partition(result.cells, SQUARE)
    for code, (x, y) in centroids.items():
        assert result.cells[code].contains(Point(x, y))
        assert result.cells[code].area == pytest.approx(200 * 200, rel=1e-9)
    assert not result.notes()


def test_random_centroids_in_a_concave_gemeente() -> None:
    rng = random.Random(42)
    centroids: dict[str, tuple[float, float]] = {}
    while len(centroids) < 30:
        x, y = rng.uniform(2000, 4000), rng.uniform(0, 2000)
        if L_SHAPE.contains(Point(x, y)):
            centroids[f"BU0002{len(centroids):04d}"] = (x, y)
    result = schematic_buurten(centroids, centroids, {"GM0002": L_SHAPE})
    assert_partition(result.cells, L_SHAPE)
    for code, (x, y) in centroids.items():
        assert result.cells[code].contains(Point(x, y))


def test_one_buurt_gets_the_whole_gemeente() -> None:
    result = schematic_buurten(["BU00010000"], {"BU00010000": (500.0, 500.0)}, {"GM0001": SQUARE})
    assert result.cells["BU00010000"].equals(SQUARE)


def test_two_gemeenten_are_computed_separately() -> None:
    centroids = {
        "BU00010001": (250.0, 500.0),
        "BU00010002": (750.0, 500.0),
        "BU00020001": (2500.0, 500.0),
        "BU00020002": (3500.0, 500.0),
        "BU00020003": (2500.0, 1500.0),
    }
    result = schematic_buurten(centroids, centroids, {"GM0001": SQUARE, "GM0002": L_SHAPE})
    assert_partition({c: g for c, g in result.cells.items() if c.startswith("BU0001")}, SQUARE)
    assert_partition({c: g for c, g in result.cells.items() if c.startswith("BU0002")}, L_SHAPE)
    assert result.cells["BU00010001"].area == pytest.approx(500_000)


def test_centroid_outside_the_boundary_is_moved_inside() -> None:
    centroids = {"BU00010001": (250.0, 500.0), "BU00010002": (1300.0, 500.0)}  # second is 300 m east of it
    result = schematic_buurten(centroids, centroids, {"GM0001": SQUARE})
    assert set(result.verplaatst) == {"BU00010002"}
    x, y = result.verplaatst["BU00010002"]
    assert SQUARE.contains(Point(x, y))
    assert 950 <= x < 1000 and y == pytest.approx(500, abs=30)
    assert result.cells["BU00010002"].contains(Point(x, y))
    assert_partition(result.cells, SQUARE)
    assert any("moved inside" in note for note in result.notes())


def test_buurt_without_centroid_is_reported_and_gets_no_cell() -> None:
    centroids: dict[str, tuple[float, float] | None] = {
        "BU00010001": (250.0, 500.0),
        "BU00010002": (750.0, 500.0),
        "BU00010003": None,
    }
    result = schematic_buurten(list(centroids) + ["BU00010004"], centroids, {"GM0001": SQUARE})
    assert result.zonder_centroide == ["BU00010003", "BU00010004"]
    assert set(result.cells) == {"BU00010001", "BU00010002"}
    assert_partition(result.cells, SQUARE)


def test_gemeente_without_boundary_is_reported() -> None:
    result = schematic_buurten(["BU00090001"], {"BU00090001": (1.0, 1.0)}, {"GM0001": SQUARE})
    assert result.zonder_gemeentegrens == ["BU00090001"]
    assert not result.cells


def test_coinciding_centroids_each_get_a_cell() -> None:
    centroids = {"BU00010001": (500.0, 500.0), "BU00010002": (500.0, 500.0), "BU00010003": (100.0, 100.0)}
    result = schematic_buurten(centroids, centroids, {"GM0001": SQUARE})
    assert set(result.cells) == set(centroids)
    assert sorted(result.samenvallend) == ["BU00010001", "BU00010002"]
    assert_partition(result.cells, SQUARE)


def test_multipolygon_gemeente_is_covered() -> None:
    centroids = {"BU00030001": (5250.0, 250.0), "BU00030002": (5400.0, 400.0), "BU00030003": (6250.0, 250.0)}
    result = schematic_buurten(centroids, centroids, {"GM0003": TWO_ISLANDS})
    assert_partition(result.cells, TWO_ISLANDS)
    for code, (x, y) in centroids.items():
        assert result.cells[code].contains(Point(x, y))


def test_invalid_boundary_is_repaired() -> None:
    bowtie = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])  # self-intersecting
    centroids = {"BU00010001": (100.0, 500.0), "BU00010002": (900.0, 500.0)}
    result = schematic_buurten(centroids, centroids, {"GM0001": bowtie})
    repaired = shapely.make_valid(bowtie)
    assert_partition(result.cells, repaired)
