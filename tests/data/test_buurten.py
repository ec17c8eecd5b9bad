"""The national buurt table importer against the bad-file corpus."""

from __future__ import annotations

import pytest

from warmteregio.data.base import ImportValidationError
from warmteregio.data.buurten import import_buurt_table


@pytest.mark.parametrize("name,row,column", [
    ("buurten_bu_gm_mismatch.csv", 3, "GM_CODE"),
    ("buurten_negative_demand.csv", 2, "Vraag_RV [ giga J per yr]"),
    ("empty.csv", None, None),
    ("woning_non_numeric.csv", 1, "BU_CODE"),  # a file of another kind: missing columns
])
def test_bad_buurt_tables(session, bad, counts, name, row, column):
    before = counts(session)
    with pytest.raises(ImportValidationError) as info:
        import_buurt_table(session, bad / name)
    session.rollback()
    assert any(p.row == row and p.column == column for p in info.value.report.problems), info.value.report.problems
    assert counts(session) == before
    text = str(info.value)
    assert "nothing was written" in text and "er is niets geschreven" in text
