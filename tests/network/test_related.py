"""'Related' scores between knowledge items: weights, bilingual reasons, deterministic ranking."""

from __future__ import annotations

import pytest

from warmteregio.network.related import Kenmerken, familie, rangschik, score


def K(**kw: object) -> Kenmerken:  # noqa: N802
    sets = {k: frozenset(v) for k, v in kw.items() if k not in ("res_code", "soort")}
    rest = {k: v for k, v in kw.items() if k in ("res_code", "soort")}
    return Kenmerken(**sets, **rest)


DOEL = K(
    buurten={"BU05050101", "BU05050102", "BU05050103", "BU05050104"},
    gemeenten={"GM0505"},
    strategieen={"S2a", "S3b"},
    bronnen={"CBS Kerncijfers wijken en buurten 2023"},
    themas={"warmtenetten", "participatie"},
    res_code="ES18",
    soort="praktijkverhaal",
)


@pytest.mark.parametrize(
    ("other", "points", "reasons"),
    [
        (K(), 0.0, []),
        (K(soort="praktijkverhaal"), 0.0, []),
        (K(buurten={"BU05050101"}), 3.0, [("zelfde buurt: BU05050101", "same buurt: BU05050101")]),
        (
            K(buurten={"BU05050102", "BU05050101"}),
            6.0,
            [("zelfde buurten: BU05050101, BU05050102", "same buurten: BU05050101, BU05050102")],
        ),
        (K(buurten=DOEL.buurten), 9.0, None),  # 4 shared buurten: capped at 9
        (K(gemeenten={"GM0505", "GM0482"}), 1.0, [("zelfde gemeente: GM0505", "same municipality: GM0505")]),
        (K(strategieen={"S2a"}), 2.0, [("zelfde strategie: S2a", "same strategy: S2a")]),
        (K(strategieen={"S2b"}), 1.0, [("zelfde strategiefamilie: S2", "same strategy family: S2")]),
        (K(strategieen={"S2a", "S2b"}), 2.0, None),  # the family is covered by the shared variant
        (K(strategieen={"S3"}), 1.0, None),  # a family code matches variants of that family
        (
            K(strategieen={"S2a", "S3a"}),
            3.0,
            [
                ("zelfde strategie: S2a", "same strategy: S2a"),
                ("zelfde strategiefamilie: S3", "same strategy family: S3"),
            ],
        ),
        (K(bronnen={"cbs kerncijfers  wijken en buurten 2023"}), 3.0, None),  # case and spacing ignored
        (
            K(themas={"warmtenetten", "participatie"}),
            2.0,
            [
                (
                    "zelfde thema's: Participatie en communicatie, Warmtenetten",
                    "same themes: Participation and communication, Heat networks",
                )
            ],
        ),
        (K(themas={"eigen tag", "warmtenetten"}), 1.0, [("zelfde thema: Warmtenetten", "same theme: Heat networks")]),
        (K(res_code="ES18"), 0.5, [("zelfde regio: ES18", "same region: ES18")]),
        (K(res_code="ES01"), 0.0, []),
    ],
)
def test_weights_and_reasons(other: Kenmerken, points: float, reasons: list | None) -> None:
    got, why = score(DOEL, other)
    assert got == points
    if reasons is not None:
        assert why == reasons
    assert all(nl and en and nl != en for nl, en in why)


def test_everything_adds_up_in_a_fixed_order() -> None:
    got, why = score(DOEL, DOEL)
    assert got == 9 + 1 + 2 * 2 + 3 + 2 * 1 + 0.5
    assert [nl.split(":")[0] for nl, _ in why] == [
        "zelfde buurten",
        "zelfde gemeente",
        "zelfde strategieën",
        "zelfde bron",
        "zelfde thema's",
        "zelfde regio",
    ]
    assert score(DOEL, DOEL) == score(DOEL, DOEL)
    assert K(res_code=None) == Kenmerken() and score(Kenmerken(), Kenmerken()) == (0.0, [])


def test_familie() -> None:
    assert familie("S1a") == "S1" and familie("S12c") == "S12"
    assert familie("S1") == "S1" and familie("REF") == "REF"


def test_rangschik_is_deterministic() -> None:
    candidates = [
        (1, K(res_code="ES18")),  # 0.5
        (2, K(buurten={"BU05050101"})),  # 3
        (3, K(bronnen={"CBS Kerncijfers wijken en buurten 2023"})),  # 3, newer: first of the tie
        (4, K(themas={"isolatie"})),  # 0: left out
        (5, K(strategieen={"S2a"}, themas={"warmtenetten"})),  # 3
        (6, K(buurten={"BU05050101", "BU05050102"}, gemeenten={"GM0505"})),  # 7
    ]
    ranked = rangschik(DOEL, candidates)
    assert [(i, s) for i, s, _ in ranked] == [(6, 7.0), (5, 3.0), (3, 3.0), (2, 3.0), (1, 0.5)]
    assert ranked[0][2][0] == ("zelfde buurten: BU05050101, BU05050102", "same buurten: BU05050101, BU05050102")
    assert rangschik(DOEL, list(reversed(candidates))) == ranked
    assert [i for i, _, _ in rangschik(DOEL, candidates, limit=2)] == [6, 5]
    assert rangschik(DOEL, candidates, limit=0) == [] and rangschik(DOEL, []) == []
