"""Validation against PBL Startanalyse 2020 (Gooi en Vechtstreek development set).

Asserts the figures reported in docs/method/validation.md, so a regression of the engine fails here. Tuning set:
Hilversum (GM0402); held-out: Huizen (GM0406) + Blaricum (GM0376). The calibration constants in the vesta2020
parameter set were fitted on the tuning set only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warmteregio.data.validation import INDICATORS, RESULTS_FILE, run_validation

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "validation" / "startanalyse2020"

# held-out median APE of H18 [%] as reported in docs/method/validation.md (tolerance 0.5 percentage point)
REPORTED_HELDOUT_H18 = {
    "S1a_B_LuchtWP": 6.5, "S1b_B_BodemWP": 7.0, "S4a_GG_B_hWP": 5.6, "S4b_GG_B_HR": 7.3,
    "S4c_GG_D_hWP": 6.5, "S4d_GG_D_HR": 7.2,
    "S2a_B_Restwarmte": 22.0, "S2b_B_Geo_contour": 19.4, "S2d_D_Restwarmte": 21.2, "S2e_D_Geo_contour": 8.3,
    "S3a_B_LT30_30": 5.9, "S3b_B_LT30_70": 10.4, "S3c_B_BuurtWKO": 19.4, "S3d_B_WKO": 12.0, "S3e_B_TEO": 11.6,
    "S3f_D_LT30_70": 15.1, "S3g_D_BuurtWKO": 8.3, "S3h_D_TEO": 16.9,
}  # fmt: skip
REPORTED_AGREEMENT = {"tuning": 0.721, "heldout": 0.842}


@pytest.fixture(scope="module")
def table():
    if not (DATA / RESULTS_FILE).exists():
        pytest.fail(f"PBL validation data not available at {DATA} (../shared/data is required)")
    return run_validation(DATA, "vesta2020")


def _stats(table, split):
    return {s.strategie: s for s in table[split]["stats"]}


def test_split_sizes(table):
    assert table["tuning"]["n_buurten"] == 43
    assert table["heldout"]["n_buurten"] == 41


@pytest.mark.parametrize(("strategie", "reported"), sorted(REPORTED_HELDOUT_H18.items()))
def test_heldout_h18_matches_reported(table, strategie, reported):
    st = _stats(table, "heldout")[strategie]
    assert st.n > 0
    assert st.median_ape["H18_Nat_meerkost_WEQ"] == pytest.approx(reported, abs=0.5)


def test_goal_met_for_individual_variants(table):
    """The issue's goal (median APE H18 <= 10% for individual variants) is met on held-out buurten for S1a, S1b
    and S4a-d since H16 follows PBL's published definition (no reference K17 subtracted, see
    docs/method/validation.md); the lowest-cost agreement goal (>= 80%) is met too."""
    st = _stats(table, "heldout")
    for s in ("S1a_B_LuchtWP", "S1b_B_BodemWP", "S4a_GG_B_hWP", "S4b_GG_B_HR", "S4c_GG_D_hWP", "S4d_GG_D_HR"):
        assert st[s].median_ape["H18_Nat_meerkost_WEQ"] <= 10.0
    assert table["heldout"]["agree_all"][0] >= 0.80


def test_tuning_set_fit(table):
    st = _stats(table, "tuning")
    for s in ("S1a_B_LuchtWP", "S1b_B_BodemWP", "S4a_GG_B_hWP", "S4b_GG_B_HR", "S4c_GG_D_hWP", "S4d_GG_D_HR"):
        assert st[s].median_ape["H18_Nat_meerkost_WEQ"] <= 7.0


def test_h16_and_h18_errors_coincide(table):
    """H18 = H16 / WEQ with PBL's own WEQ, so their APE must agree (a WEQ bug would break this)."""
    for split in ("tuning", "heldout"):
        for st in table[split]["stats"]:
            if st.n:
                assert st.median_ape[INDICATORS[0]] == pytest.approx(st.median_ape[INDICATORS[2]], abs=0.2)


@pytest.mark.parametrize(("split", "reported"), sorted(REPORTED_AGREEMENT.items()))
def test_lowest_cost_agreement_as_reported(table, split, reported):
    share, n = table[split]["agree_all"]
    assert n >= 38
    assert share == pytest.approx(reported, abs=0.01)
