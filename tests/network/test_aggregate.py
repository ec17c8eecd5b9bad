"""Aggregation of the information-needs inventory on a tiny dataset, every number checked by hand."""

from __future__ import annotations

import pytest

from warmteregio.network.aggregate import (
    Inzending,
    RegioBasis,
    VraagDef,
    VragenlijstInfo,
    aggregeer,
    schaalwaarde,
    vergelijk,
)

VRAGEN = [
    VraagDef("iso", "isolatie", "Behoefte aan isolatiekennis?", "schaal"),
    VraagDef("wn", "warmtenetten", "Behoefte aan kennis over warmtenetten?", "schaal"),
    VraagDef("cap", "organisatie", "Capaciteit?", "keuze", ("x", "y", "z")),
    VraagDef("vorm", "organisatie", "Vorm?", "meerkeuze", ("p", "q", "r")),
    VraagDef("open", "organisatie", "Nog iets?", "open"),
]
INZENDINGEN = [
    Inzending("GM0001", "ES01", {"iso": 2, "wn": 5, "cap": "x", "vorm": ["p", "q"], "open": "meer data"}),
    Inzending("GM0002", "ES01", {"iso": "4", "wn": 3, "cap": "y", "vorm": ["q"], "open": "  "}),
    Inzending("GM0003", "ES02", {"iso": "kapot", "wn": 4, "cap": "x", "vorm": ["q", "r"], "open": "handreiking"}),
    Inzending("ES01", "ES01", {"iso": 1, "wn": 1}),
]
REGIOS = [RegioBasis("ES01", "Eén", 3), RegioBasis("ES02", "Twee", 2), RegioBasis("ES03", "Drie", 0)]
INFO = VragenlijstInfo(1, "informatiebehoefte", 2026, "Informatiebehoefte 2026", "open")


def test_aggregeer_by_hand() -> None:
    r = aggregeer(INFO, VRAGEN, INZENDINGEN, REGIOS, open_zichtbaar=lambda res: res == "ES01")
    assert r.aantal_inzendingen == 4 and r.regios == ["ES01", "ES02"]

    wn = r.vraag("wn")  # 5, 3, 4, 1
    assert wn.n == 4 and wn.gemiddelde == pytest.approx(13 / 4)
    assert wn.verdeling == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}
    assert wn.per_regio == {"ES01": pytest.approx(3.0), "ES02": pytest.approx(4.0)}
    assert wn.per_regio_n == {"ES01": 3, "ES02": 1}

    iso = r.vraag("iso")  # 2, 4, 1 ('kapot' is not a scale value)
    assert iso.n == 3 and iso.gemiddelde == pytest.approx(7 / 3)
    assert iso.per_regio == {"ES01": pytest.approx(7 / 3)}

    cap = r.vraag("cap")
    assert cap.n == 3 and cap.gemiddelde is None
    assert list(cap.verdeling.items()) == [("x", 2), ("y", 1), ("z", 0)]
    assert cap.per_regio == {"ES01": {"x": 1, "y": 1, "z": 0}, "ES02": {"x": 1, "y": 0, "z": 0}}

    vorm = r.vraag("vorm")
    assert vorm.n == 3 and vorm.verdeling == {"p": 1, "q": 3, "r": 1}

    open_ = r.vraag("open")  # a blank answer is no answer
    assert open_.n == 2 and open_.per_regio == {"ES01": 1, "ES02": 1}
    assert [(a.respondent, a.tekst) for a in open_.open_antwoorden] == [("GM0001", "meer data")]
    assert open_.open_verborgen == 1

    # theme x region: pooled scale answers; themes by national mean need (warmtenetten 3.25 > isolatie 2.33)
    assert r.per_thema_regio == {
        ("isolatie", "ES01"): pytest.approx(7 / 3),
        ("warmtenetten", "ES01"): pytest.approx(3.0),
        ("warmtenetten", "ES02"): pytest.approx(4.0),
    }
    assert r.thema_gemiddelde["warmtenetten"] == pytest.approx(3.25)
    assert r.thema_gemiddelde["organisatie"] is None
    assert r.thema_volgorde == ["warmtenetten", "isolatie", "organisatie"]

    # response: gemeenten that answered / gemeenten in the region; a region's own answer is flagged apart
    es1, es2, es3 = r.respons
    assert (es1.ingevuld, es1.gemeenten, es1.regio_ingevuld) == (2, 3, True)
    assert es1.aandeel == pytest.approx(2 / 3)
    assert (es2.ingevuld, es2.gemeenten, es2.regio_ingevuld, es2.aandeel) == (1, 2, False, 0.5)
    assert es3.aandeel is None

    # nobody sees open answers by default; counts stay
    hidden = aggregeer(INFO, VRAGEN, INZENDINGEN, REGIOS).vraag("open")
    assert hidden.n == 2 and hidden.open_antwoorden == [] and hidden.open_verborgen == 2


def test_schaalwaarde() -> None:
    assert [schaalwaarde(v) for v in (1, "5", " 3 ", 0, 6, True, None, "x", 2.5)] == [1, 5, 3, None, None, None,
                                                                                     None, None, None]  # fmt: skip


def test_vergelijk_matches_codes_across_years() -> None:
    oud = [VraagDef("wn", "warmtenetten", "Oude tekst", "schaal"), VraagDef("weg", "data", "Vervallen", "schaal"),
           VraagDef("cap", "organisatie", "Capaciteit?", "keuze", ("x", "y"))]  # fmt: skip
    nieuw = [
        VraagDef("nieuw", "juridisch", "Nieuw", "schaal"),
        VraagDef("wn", "warmtenetten", "Nieuwe tekst", "schaal"),
    ]
    v = vergelijk("informatiebehoefte", [
        (2026, nieuw, [Inzending("GM0001", "ES01", {"wn": 5, "nieuw": 2}), Inzending("GM0002", "ES01", {"wn": 4})]),
        (2025, oud, [Inzending("GM0001", "ES01", {"wn": 2, "weg": 3}), Inzending("GM0002", "ES01", {"wn": 3})]),
    ])  # fmt: skip
    assert v.jaren == [2025, 2026]
    assert [row.code for row in v.rows] == ["nieuw", "wn", "weg"]  # newest year's order, then older-only codes
    wn = v.rows[1]
    assert wn.tekst == "Nieuwe tekst"
    assert wn.per_jaar == {2025: pytest.approx(2.5), 2026: pytest.approx(4.5)} and wn.n == {2025: 2, 2026: 2}
    assert wn.verschil == pytest.approx(2.0)
    assert v.rows[0].per_jaar[2025] is None and v.rows[0].verschil is None
    themas = {t.code: t for t in v.themas}
    assert themas["warmtenetten"].per_jaar == {2025: pytest.approx(2.5), 2026: pytest.approx(4.5)}
    assert "organisatie" not in themas  # no scale questions
