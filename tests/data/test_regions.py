"""Region mapping: gemeenten -> RES regions -> provinces."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.regions import import_region_mapping, province_name
from warmteregio.store.models import Gemeente, Provincie, ResRegio


def test_real_mapping_imports_and_is_idempotent(session, shared_data, counts):
    path = shared_data / "regions" / "gemeente_res_regio_2023.csv"
    result = import_region_mapping(session, path)
    session.commit()
    assert result.rows == 342 and result.inserted == 342
    first = counts(session)
    assert first["gemeenten"] == 342 and first["res_regios"] == 30 and first["provincies"] == 12
    drechtsteden = session.get(ResRegio, "ES18")
    assert drechtsteden.naam == "Drechtsteden"
    assert len(drechtsteden.gemeenten) == 7
    assert "Dordrecht" in {g.naam for g in drechtsteden.gemeenten}
    assert session.get(Provincie, "PV28").naam == "Zuid-Holland"
    assert session.get(Provincie, "PV30").naam == "Noord-Brabant"
    assert session.get(Provincie, "PV21").naam == "Fryslân"
    dordrecht = session.scalars(select(Gemeente).where(Gemeente.code == "GM0505")).one()
    assert (dordrecht.jaar, dordrecht.res_code, dordrecht.provincie_code) == (2023, "ES18", "PV28")
    # FoodValley spans Gelderland and Utrecht: noted, gemeenten keep their own province
    assert any("ES09" in n for n in result.notes)
    veenendaal = session.scalars(select(Gemeente).where(Gemeente.code == "GM0345")).one()
    assert veenendaal.provincie_code == "PV26"

    again = import_region_mapping(session, path)
    session.commit()
    assert again.updated == 342 and again.inserted == 0
    second = counts(session)
    assert {k: v for k, v in second.items() if k != "import_runs"} == {
        k: v for k, v in first.items() if k != "import_runs"
    }
    assert second["import_runs"] == first["import_runs"] + 1


@pytest.mark.parametrize("slug,name", [
    ("zuid_holland", "Zuid-Holland"), ("noord_brabant", "Noord-Brabant"), ("friesland", "Fryslân"),
    ("fryslan", "Fryslân"), ("limburg", "Limburg"), ("nieuw_land", "Nieuw-Land"),
])
def test_province_names(slug, name):
    assert province_name(slug) == name


@pytest.mark.parametrize("name,row,column", [
    ("regio_missing_column.csv", 1, "res_code"),
    ("regio_duplicate_code.csv", 4, "gm_code"),
    ("regio_invalid_code.csv", 2, "gm_code"),
    ("empty.csv", None, None),
])
def test_bad_files_change_nothing(session, bad, counts, shared_data, name, row, column):
    import_region_mapping(session, shared_data / "regions" / "gemeente_res_regio_2023.csv")
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_region_mapping(session, bad / name)
    session.rollback()
    problems = info.value.report.problems
    assert any(p.row == row and p.column == column for p in problems), problems
    assert all(p.nl and p.en for p in problems)
    assert counts(session) == before


def test_invalid_res_code_reported(session, bad):
    with pytest.raises(ImportValidationError) as info:
        import_region_mapping(session, bad / "regio_invalid_code.csv")
    assert {(p.row, p.column) for p in info.value.report.problems} == {(2, "gm_code"), (3, "res_code")}


def test_cp1252_names_are_decoded(session, bad):
    import_region_mapping(session, bad / "regio_cp1252.csv")
    session.flush()
    assert session.scalar(select(Gemeente.naam).where(Gemeente.code == "GM1900")) == "Súdwest-Fryslân"
    assert session.scalar(select(ResRegio.naam).where(ResRegio.code == "ES02")) == "Fryslân"
    assert session.scalar(select(func.count()).select_from(Gemeente)) == 3
