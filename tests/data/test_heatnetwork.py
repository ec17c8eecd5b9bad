"""Existing heat-network share per buurt; ETM-internal ids are refused with an explanation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.heatnetwork import import_heat_network_share
from warmteregio.store.models import Buurt

PROPS = "buurten/etm_wm_ob2021_neighbourhood_properties.csv"
ETM_IDS = "buurten/etm_wm_existing_heat_network_share.csv"


def test_real_properties_file(session, shared_data, seed, codes_of):
    seed(session, codes_of(shared_data / PROPS))
    result = import_heat_network_share(session, shared_data / PROPS)
    session.commit()
    assert result.rows == 3651
    assert any("-99999999" in n for n in result.notes)
    shares = session.scalars(select(Buurt.bestaand_warmtenet_aandeel)).all()
    known = [s for s in shares if s is not None]
    assert len(known) == 3651 - 6
    assert all(0 <= s <= 1 for s in known)
    assert sum(1 for s in known if s == 1.0) == 10  # ten buurten are fully on district heating
    again = import_heat_network_share(session, shared_data / PROPS)
    assert again.updated == result.updated


def test_generic_bu_code_file(session, seed, tmp_path):
    seed(session, ["BU05050101", "BU05050102"])
    path = tmp_path / "stadsverwarming.csv"
    path.write_text("BU_CODE;P_STADVERW\nBU05050101;40\nBU05050102;0\n")
    import_heat_network_share(session, path)
    session.flush()
    values = dict(session.execute(select(Buurt.code, Buurt.bestaand_warmtenet_aandeel)).all())
    assert values == {"BU05050101": pytest.approx(0.4), "BU05050102": 0.0}


def test_real_etm_internal_ids_are_refused(session, shared_data, counts):
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_heat_network_share(session, shared_data / ETM_IDS)
    problem = info.value.report.problems[0]
    assert (problem.row, problem.column) == (2, "BU_CODE")
    assert "GM0059_40" in problem.en and "cannot be mapped" in problem.en and "ETM-intern" in problem.nl
    assert counts(session) == before


@pytest.mark.parametrize("name,problems", [
    ("warmtenet_etm_ids.csv", {(2, "BU_CODE")}),
    ("warmtenet_out_of_range.csv", {(3, "P_STADVERW"), (4, "P_STADVERW")}),
])
def test_bad_files_change_nothing(session, seed, bad, counts, name, problems):
    seed(session, ["BU05050101", "BU05050102", "BU05050103"])
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_heat_network_share(session, bad / name)
    session.rollback()
    assert {(p.row, p.column) for p in info.value.report.problems} == problems
    assert counts(session) == before
    assert session.scalars(select(Buurt.bestaand_warmtenet_aandeel)).all() == [None, None, None]
