"""Buurt centroids (with the upstream GMGM prefix bug) and buurt names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.centroids import import_buurt_names, import_centroids, normalise_doubled_gm
from warmteregio.store.models import Buurt

GEO = "buurten/etm_wm_ob2021_neighbourhoods_geo.csv"
LIST = "buurten/etm_wm_ob2021_neighbourhood_list.csv"


def test_real_centroids_and_names(session, shared_data, seed, counts, codes_of):
    seed(session, codes_of(shared_data / LIST))
    result = import_centroids(session, shared_data / GEO)
    session.commit()
    assert result.rows == 3570 and result.updated == 3570
    assert any("GMGM" in n for n in result.notes)
    buitenpost = session.scalars(select(Buurt).where(Buurt.code == "BU00590000")).one()
    assert buitenpost.naam == "Buitenpost"
    assert buitenpost.centroid_x == pytest.approx(205560.963682622)
    assert buitenpost.centroid_y == pytest.approx(585275.585195409)
    names = import_buurt_names(session, shared_data / LIST)
    session.commit()
    assert names.rows == 3651  # 81 more than have a centroid
    before = counts(session)
    import_centroids(session, shared_data / GEO)
    session.commit()
    after = counts(session)
    assert {k: v for k, v in after.items() if k != "import_runs"} == {
        k: v for k, v in before.items() if k != "import_runs"
    }
    unnamed = session.scalars(select(Buurt.code).where(Buurt.naam.is_(None))).all()
    assert unnamed == []


def test_doubled_prefix():
    assert normalise_doubled_gm("GMGM0059") == ("GM0059", True)
    assert normalise_doubled_gm(" gm0059 ") == ("GM0059", False)


def test_bad_centroids_change_nothing(session, seed, bad, counts):
    seed(session, ["BU05050101", "BU05050102", "BU05050103"])
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_centroids(session, bad / "centroiden_bad.csv")
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert found == {(3, "geo_coordinate_y"), (4, "municipality_code")}
    assert "WGS84" in info.value.report.problems[0].en
    assert counts(session) == before
    assert session.scalars(select(Buurt.centroid_x)).all() == [None, None, None]


def test_unknown_buurt_is_a_problem(session, bad):
    with pytest.raises(ImportValidationError) as info:
        import_buurt_names(session, bad / "centroiden_bad.csv")
    assert {p.row for p in info.value.report.problems} == {2, 3, 4}
    assert "import" in info.value.report.problems[0].en
