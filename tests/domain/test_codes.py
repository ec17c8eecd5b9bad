"""Property tests of the CBS code normalisers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmteregio.domain.codes import (
    CodeError,
    gemeente_of,
    normalise_buurtcode,
    normalise_gemeentecode,
    normalise_wijkcode,
    wijk_of_buurt,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)
padding = st.text(alphabet=" \t", max_size=4)


def _case(prefix: str, lower: bool) -> str:
    return prefix.lower() if lower else prefix


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), padding, padding, st.booleans())
def test_buurtcode_padding_and_case_accepted(num, left, right, lower):
    code = normalise_buurtcode(f"{left}{_case('BU', lower)}{num}{right}")
    assert code == f"BU{num}"
    assert gemeente_of(code) == f"GM{num[:4]}"
    assert wijk_of_buurt(code) == f"WK{num[:6]}"
    # a buurt, its wijk and its gemeente are consistent
    assert gemeente_of(wijk_of_buurt(code)) == gemeente_of(code)
    assert normalise_wijkcode(wijk_of_buurt(code)) == wijk_of_buurt(code)
    assert normalise_gemeentecode(gemeente_of(code)) == gemeente_of(code)


@given(digits, st.sampled_from([("GM", 4, normalise_gemeentecode), ("WK", 6, normalise_wijkcode),
                                ("BU", 8, normalise_buurtcode)]))
def test_wrong_lengths_rejected(num, kind):
    prefix, length, func = kind
    if len(num) == length:
        assert func(f"{prefix}{num}") == f"{prefix}{num}"
    else:
        with pytest.raises(CodeError) as info:
            func(f"{prefix}{num}")
        assert info.value.nl and info.value.en


@given(st.text(min_size=0, max_size=12))
def test_arbitrary_text_never_crashes(text):
    for func in (normalise_gemeentecode, normalise_wijkcode, normalise_buurtcode):
        try:
            result = func(text)
        except CodeError:
            continue
        assert result == text.strip().upper()


@pytest.mark.parametrize("value", ["GM505", "GM05050", "WK0505", "BU0505010", "XX0505", None, "", "GM 0505"])
def test_examples_rejected(value):
    with pytest.raises(CodeError):
        normalise_gemeentecode(value)
