"""Heat sources from the ETM warmtemodule files."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.sources import categorise, import_heat_sources, infer_from_filename
from warmteregio.domain.enums import SourceCategory
from warmteregio.store.models import Warmtebron

FILES = {
    "ht_sources_high_potential.csv": 103,
    "ht_sources_low_potential.csv": 103,
    "lt_sources_high_potential.csv": 404,
    "lt_sources_low_potential.csv": 103,
    "geothermal_sources_high_potential.csv": 2,
    "geothermal_sources_low_potential.csv": 13,
    "teo_sources_high_potential.csv": 1,
}


def test_real_sources(session, shared_data, counts):
    for name, rows in FILES.items():
        result = import_heat_sources(session, shared_data / "warmtebronnen" / name)
        assert result.rows == rows, name
    session.commit()
    first = counts(session)
    assert first["warmtebronnen"] == sum(FILES.values())
    hvc = session.scalars(select(Warmtebron).where(Warmtebron.code == "HTHP0002")).one()
    assert hvc.naam == "HVC Afvalcentrale Dordrecht"
    assert (hvc.x, hvc.y) == (110212.0, 425400.0)
    assert hvc.beschikbaar_gj_per_jaar == pytest.approx(1235769.696)
    assert (hvc.temperatuurklasse, hvc.potentie, hvc.categorie, hvc.status) == ("HT", "hoog", "afvalverbranding",
                                                                                 "potentieel")
    in_range = hvc.buurten_in_bereik.split(",")
    assert len(in_range) > 10 and all(c.startswith("BU") and len(c) == 10 for c in in_range)
    teo = session.scalars(select(Warmtebron).where(Warmtebron.code == "TEOHP0001")).one()
    assert (teo.temperatuurklasse, teo.categorie, teo.beschikbaar_gj_per_jaar) == ("ZLT", "aquathermie_teo", None)
    geo = session.scalars(select(Warmtebron).where(Warmtebron.code == "GEOLP0001")).one()
    assert (geo.temperatuurklasse, geo.categorie, geo.potentie, geo.beschikbaar_gj_per_jaar) == (
        "HT", "geothermie", "laag", None)
    equinix = session.scalars(select(Warmtebron).where(Warmtebron.code == "LTLP0001")).one()
    assert equinix.naam == "Equinix AM5"
    assert (equinix.categorie, equinix.temperatuurklasse) == ("datacenter", "LT")
    for name in FILES:
        import_heat_sources(session, shared_data / "warmtebronnen" / name)
    session.commit()
    second = counts(session)
    assert second["warmtebronnen"] == first["warmtebronnen"]


@pytest.mark.parametrize("name,category", [
    ("HVC Afvalcentrale Dordrecht", SourceCategory.INCINERATOR),
    ("AVR Rozenburg", SourceCategory.INCINERATOR),
    ("Afval Energie Bedrijf Amsterdam", SourceCategory.INCINERATOR),
    ("RWZI   Dordrecht", SourceCategory.SEWAGE),
    ("Interxion AMS 5", SourceCategory.DATA_CENTRE),
    ("Colt   Duivendrecht", SourceCategory.DATA_CENTRE),
    ("Digital Realty Trust NL   H J E  Wenckebachweg", SourceCategory.DATA_CENTRE),
    ("Nikhef Housing", SourceCategory.DATA_CENTRE),
    ("Centrale Bergum", SourceCategory.POWER_PLANT),
    ("Biowarmtecentrale de Purmer  BWC 1", SourceCategory.BIOMASS),
    ("Tata Steel IJmuiden BV", SourceCategory.INDUSTRY),
])
def test_categorise(name, category):
    assert categorise(name) == category


def test_infer_from_filename():
    assert infer_from_filename("teo_sources_high_potential.csv") == {
        "temperatuurklasse": "ZLT", "categorie": "aquathermie_teo", "potentie": "hoog"}
    assert infer_from_filename("lt_sources_low_potential.csv")["temperatuurklasse"] == "LT"
    assert infer_from_filename("bronnen.csv") == {"temperatuurklasse": None, "categorie": None, "potentie": None}


def test_bad_sources_change_nothing(session, shared_data, bad, counts):
    import_heat_sources(session, shared_data / "warmtebronnen" / "ht_sources_high_potential.csv")
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_heat_sources(session, bad / "ht_sources_bad_potential.csv")
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert found == {
        (3, "available_heat"), (4, "geo_coordinate_x"), (5, "source_id"), (6, "neighbourhoods_in_range"),
        (7, "available_heat"),
    }
    assert counts(session) == before


def test_file_name_without_hints_needs_a_class(session, tmp_path):
    path = tmp_path / "bronnen.csv"
    path.write_text("fid,source_name,available_heat,source_id,geo_coordinate_x,geo_coordinate_y\n"
                    "1,RWZI Test,100,X1,110000,425000\n")
    with pytest.raises(ImportValidationError):
        import_heat_sources(session, path)
    result = import_heat_sources(session, path, temperatuurklasse="LT", status="bestaand")
    assert result.inserted == 1
    session.flush()
    assert session.scalars(select(Warmtebron.categorie)).one() == "rwzi"
