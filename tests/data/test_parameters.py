"""Parameter sets: PBL kentallen 2025, the Vesta 2020 transcription and the energy price paths."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.parameters import import_parameter_set
from warmteregio.store.models import ParameterSet, ParameterWaarde


def _value(session, naam, groep=None, jaar=None):
    stmt = select(ParameterWaarde).where(ParameterWaarde.naam == naam, ParameterWaarde.jaar.is_(None)
                                         if jaar is None else ParameterWaarde.jaar == jaar)
    if groep:
        stmt = stmt.where(ParameterWaarde.groep == groep)
    return session.scalars(stmt).one()


def test_kentallen_2025_directory(session, shared_data, counts):
    folder = shared_data / "parameters" / "vesta2025" / "kentallen_2025"
    result = import_parameter_set(session, folder, naam="Vesta kentallen", versie="2025")
    session.commit()
    assert result.rows == 300
    # the same name in two groups (LT and MT heat networks) is allowed
    assert _value(session, "Ki_afleverset_i", "LT_warmtenetten").waarde_num == 1800
    assert _value(session, "Ki_afleverset_i", "MT_warmtenetten").waarde_num == 1800
    h2 = _value(session, "H2energie_onder")
    assert (h2.waarde_num, h2.eenheid, h2.groep) == (120.0, "MJ_kg", "H2_Kentallen")
    nvt = _value(session, "ASW_RVmt_t_opp")
    assert (nvt.waarde, nvt.waarde_num) == ("nvt", None)
    before = counts(session)
    again = import_parameter_set(session, folder, naam="Vesta kentallen", versie="2025", beschrijving="opnieuw")
    session.commit()
    assert again.updated == 300
    after = counts(session)
    assert after["parameter_waarden"] == before["parameter_waarden"] == 300
    assert after["parameter_sets"] == 1
    assert session.scalars(select(ParameterSet)).one().beschrijving == "opnieuw"


def test_vesta_2020_transcription(session, shared_data):
    path = shared_data / "parameters" / "vesta2020" / "kentallen_2020.csv"
    result = import_parameter_set(session, path, naam="Vesta kentallen", versie="2020")
    session.flush()
    assert result.rows == 429 + 2 * 97
    disconto = _value(session, "Discontovoet/mr")
    assert (disconto.waarde_num, disconto.eenheid, disconto.groep) == (3.0, "percent/yr", "discontering")
    assert disconto.bron == "Runs/DefaultSettings/Basis.dms"
    lijst = _value(session, "bestaandewoning/R_Stapel")
    assert (lijst.waarde, lijst.waarde_num) == ("1|1|1|1|1|2|6", None)
    low = _value(session, "aandeelEWVopp_min")
    high = _value(session, "aandeelEWVopp_max")
    assert (low.waarde_num, high.waarde_num) == (0.1, 0.75)
    assert "minimum" in low.beschrijving


def test_price_paths(session, shared_data):
    folder = shared_data / "parameters" / "vesta2025" / "energieprijzen_2025"
    result = import_parameter_set(session, folder, naam="Energieprijzen", versie="2025")
    session.flush()
    assert result.rows > 30_000
    co2 = _value(session, "Energieprijzen_Aardgas.P_CO2", jaar=2010)
    assert co2.waarde_num == 16.3 and co2.groep == "Energieprijzen_Aardgas"
    kev = shared_data / "parameters" / "vesta2020" / "20200812_Energieprijzen_KEV2019_Aardgas.csv"
    import_parameter_set(session, kev, naam="Energieprijzen", versie="2020")
    session.flush()
    assert session.scalars(
        select(ParameterWaarde.waarde_num).where(
            ParameterWaarde.naam == "Energieprijzen_KEV2019_Aardgas.KG_P", ParameterWaarde.jaar == 2010
        )
    ).one() == pytest.approx(0.639)


@pytest.mark.parametrize("name,problems", [
    ("kentallen_bad.csv", {(3, "Naam"), (4, "Waarde"), (5, "Naam")}),
    ("prijzen_bad.csv", {(3, "KE_P"), (4, "Jaar")}),
    ("parameters_missing_column.csv", {(1, "Waarde")}),
    ("empty.csv", {(None, "-")}),
])
def test_bad_parameter_files(session, shared_data, bad, counts, name, problems):
    import_parameter_set(session, shared_data / "parameters" / "vesta2025" / "kentallen_2025",
                         naam="Vesta kentallen", versie="2025")
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_parameter_set(session, bad / name, naam="Vesta kentallen", versie="2025")
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert problems <= found, info.value.report.format("en")
    assert counts(session) == before


def test_duplicate_names_both_rows(session, bad):
    with pytest.raises(ImportValidationError) as info:
        import_parameter_set(session, bad / "kentallen_bad.csv", naam="x", versie="1")
    dup = next(p for p in info.value.report.problems if "dubbel" in p.nl)
    assert "rij/row 2" in dup.nl and "rij/row 5" in dup.nl


def test_unknown_format_in_a_directory(session, shared_data):
    with pytest.raises(ImportValidationError) as info:
        import_parameter_set(session, shared_data / "parameters" / "vesta2020", naam="x", versie="1")
    assert any("Woningen_BAG" in (p.column or "") for p in info.value.report.problems)
