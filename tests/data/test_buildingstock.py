"""Building stock: the national buurt table plus the real housing and utility stock, labels, bad files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from warmteregio.data.base import ImportValidationError
from warmteregio.data.buildingstock import import_housing_stock, import_utility_stock, label_from_epi
from warmteregio.data.buurten import import_buurt_table
from warmteregio.store.models import Buurt, BuurtLabel, Gebouwgroep

BUURTEN = "buurten/etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
HOUSING = "buurten/etm_wm_ob2021_housing_stock_type_year_per_neighbourhood.csv"
UTILITY = "buurten/etm_wm_ob2021_building_stock_size_year_per_neighbourhood.csv"


def test_national_buurten_and_stock(session, shared_data, counts, engine):
    # the speed of these imports is measured in bench/bench_import.py (docs/benchmarks.md), not asserted here
    import_buurt_table(session, shared_data / BUURTEN)
    housing = import_housing_stock(session, shared_data / HOUSING)
    session.commit()
    assert housing.rows == 35868 and housing.inserted == 35868
    utility = import_utility_stock(session, shared_data / UTILITY)
    session.commit()
    assert utility.rows == 13265
    first = counts(session)
    assert first["buurten"] == 13688
    assert first["gebouwgroepen"] == 35868 + 13265

    # a real group: Buitenpost, apartments 2001-2010, 24 dwellings with mean EPI 0.9 and 94 m2
    buitenpost = session.scalars(select(Buurt).where(Buurt.code == "BU00590000")).one()
    assert buitenpost.naam == "Buitenpost"
    group = session.scalars(
        select(Gebouwgroep).where(
            Gebouwgroep.buurt_id == buitenpost.id, Gebouwgroep.sector == "woning",
            Gebouwgroep.type == "Apartment", Gebouwgroep.bouwperiode == "2001-2010",
        )
    ).one()
    assert group.aantal == 24 and group.gem_epi == pytest.approx(0.9) and group.gem_oppervlakte_m2 == 94.0
    assert group.totaal_oppervlakte_m2 == pytest.approx(24 * 94.0)
    small = session.scalars(
        select(Gebouwgroep).where(
            Gebouwgroep.buurt_id == buitenpost.id, Gebouwgroep.sector == "utiliteit",
            Gebouwgroep.type == "Small", Gebouwgroep.bouwperiode == "<1991",
        )
    ).one()
    assert small.aantal == 38 and small.totaal_oppervlakte_m2 == 3625.0

    # derived labels add up to the dwellings of the buurt and are flagged as derived
    labels = session.scalars(select(BuurtLabel).where(BuurtLabel.buurt_id == buitenpost.id)).all()
    dwellings = session.scalar(
        select(func.sum(Gebouwgroep.aantal)).where(
            Gebouwgroep.buurt_id == buitenpost.id, Gebouwgroep.sector == "woning"
        )
    )
    assert sum(lb.aantal for lb in labels) == dwellings
    assert all(lb.afgeleid and "EPI" in lb.bron for lb in labels)
    assert sum(session.scalars(select(BuurtLabel.aantal))) == sum(
        session.scalars(select(Gebouwgroep.aantal).where(Gebouwgroep.sector == "woning"))
    )

    # idempotent: the same file again leaves every count unchanged
    import_buurt_table(session, shared_data / BUURTEN)
    again = import_housing_stock(session, shared_data / HOUSING)
    import_utility_stock(session, shared_data / UTILITY)
    session.commit()
    assert again.inserted == 0 and again.updated == 35868
    second = counts(session)
    assert {k: v for k, v in second.items() if k != "import_runs"} == {
        k: v for k, v in first.items() if k != "import_runs"
    }

    # a bad file after a good import changes nothing
    with pytest.raises(ImportValidationError):
        import_housing_stock(session, shared_data / UTILITY)
    session.rollback()
    assert counts(session) == second


@pytest.mark.parametrize("epi,label", [
    (-0.1, "A++"), (0.5, "A++"), (0.51, "A+"), (0.7, "A+"), (1.05, "A"), (1.06, "B"), (1.3, "B"), (1.6, "C"),
    (2.0, "D"), (2.4, "E"), (2.9, "F"), (2.91, "G"), (4.9, "G"),
])
def test_label_classes(epi, label):
    assert label_from_epi(epi) == label


def test_replacing_a_buurts_groups(session, seed, tmp_path):
    seed(session, ["BU05050101", "BU05050102"])
    head = (
        "buurtcode,woningtype,QI_bouwjaarklasse,aantal_woningen,gem_epi,gem_oppervlakte,aantal_kleine_woningen,"
        "buurtnaam\n"
    )
    first = tmp_path / "a.csv"
    first.write_text(head + "BU05050101,Apartment,<1946,10,1.0,80,0,A\nBU05050101,Apartment,1946-1974,5,3.0,70,0,A\n")
    import_housing_stock(session, first)
    second = tmp_path / "b.csv"
    second.write_text(head + "BU05050101,Apartment,<1946,12,1.2,80,0,A\n")
    result = import_housing_stock(session, second)
    session.flush()
    groups = session.scalars(select(Gebouwgroep)).all()
    assert [(g.bouwperiode, g.aantal) for g in groups] == [("<1946", 12)]
    assert any("verwijderd" in n for n in result.notes)
    labels = {lb.label: lb.aantal for lb in session.scalars(select(BuurtLabel))}
    assert labels == {"B": 12}


@pytest.mark.parametrize("name,problems", [
    ("woning_non_numeric.csv", {(3, "aantal_woningen")}),
    ("woning_impossible_values.csv", {(2, "gem_epi"), (3, "aantal_woningen"), (4, "aantal_kleine_woningen"),
                                      (6, "buurtcode")}),
    ("woning_unknown_buurt.csv", {(3, "buurtcode")}),
    ("woning_mixed_delimiters.csv", {(3, None)}),
    ("woning_missing_column.csv", {(1, "aantal_woningen")}),
    ("empty.csv", {(None, None)}),
])
def test_bad_housing_files(session, seed, bad, counts, tmp_path, name, problems):
    seed(session, ["BU05050101", "BU05050102"])
    good = tmp_path / "good.csv"
    good.write_text(
        "buurtcode,woningtype,QI_bouwjaarklasse,aantal_woningen,gem_epi,gem_oppervlakte,aantal_kleine_woningen,"
        "buurtnaam\nBU05050101,Apartment,<1946,7,1.4,60,1,Binnenstad\n"
    )
    import_housing_stock(session, good)
    session.commit()
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_housing_stock(session, bad / name)
    session.rollback()
    found = {(p.row, p.column) for p in info.value.report.problems}
    assert problems <= found, info.value.report.format("en")
    assert counts(session) == before


@pytest.mark.parametrize("name", ["woning_cp1252.csv", "woning_utf8_bom.csv"])
def test_encodings_accepted(session, seed, bad, name):
    seed(session, ["BU05050101", "BU05050102"])
    result = import_housing_stock(session, bad / name)
    session.flush()
    assert result.rows == 2
    names = dict(session.execute(select(Buurt.code, Buurt.naam)).all())
    assert names == {"BU05050101": "Ëlstergaarde", "BU05050102": "Schönbergstraat"}
    epi = session.scalars(select(Gebouwgroep.gem_epi).order_by(Gebouwgroep.aantal)).all()
    assert epi == [pytest.approx(1.8), pytest.approx(2.5)]


def test_missing_buurt_in_other_year(session, seed, bad):
    seed(session, ["BU05050101", "BU05050102"], jaar=2023)
    with pytest.raises(ImportValidationError) as info:
        import_housing_stock(session, bad / "woning_utf8_bom.csv", jaar=2019)
    assert "2019" in info.value.report.problems[0].nl
