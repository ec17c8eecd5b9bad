"""Search quality on a small Dutch corpus, on both databases (SQLite FTS5 with the Snowball stemmer, PostgreSQL
'dutch'): stemming, diacritics, phrases, alternatives, exclusion, ranking, visibility, filters and paging."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from test_kennis import ADMIN, ANDER, COORD, KIJKER, LID, seed_netwerk

from warmteregio.services import kennis as K
from warmteregio.store.models import Kennisitem, User

pytestmark = pytest.mark.db

# titel, extra fields
CORPUS = [
    ("Het warmtenet van Zwijndrecht", {"inhoud": "Een collectief warmtenet op restwarmte van de afvalcentrale.",
                                       "themas": ["warmtenetten"], "buurten": ["BU05050101"], "strategieen": ["S1a"],
                                       "bronnen": ["HVC1"]}),
    ("Bewoners starten een coöperatie", {"inhoud": "De energiecoöperatie werft leden in de wijk.",
                                         "soort": "praktijkverhaal", "themas": ["participatie"]}),
    ("Cooperatie zonder trema", {"inhoud": "Geschreven als cooperatie, zonder accenten.", "soort": "praktijkverhaal"}),
    ("Handreiking isolatie", {"inhoud": "Eerst isoleren, dan de warmtepomp. Open dag in het buurthuis.",
                              "soort": "handreiking", "themas": ["isolatie"], "strategieen": ["S3c"]}),
    ("Dag van de open deur", {"inhoud": "De deur staat open voor iedereen; een gezellige dag.",
                              "soort": "praktijkverhaal"}),
    ("Aquathermie uit de rivier", {"inhoud": "Warmte uit oppervlaktewater voor een klein net.", "themas": ["bronnen"],
                                   "strategieen": ["S1b"], "bronnen": ["TEO1"]}),
    ("Geothermie in het Westland", {"inhoud": "Diepe aardwarmte voor kassen en een warmtenet.",
                                    "bronnen": ["GEO1"]}),
    ("Studie netcongestie", {"inhoud": "Het stroomnet zit vol; warmtepompen wachten. Over aquathermie niets.",
                             "themas": ["netcongestie"]}),
    ("Regionaal verslag", {"inhoud": "Alleen voor de regio: aquathermie bij de sluis.", "zichtbaarheid": "regio"}),
    ("Openbare samenvatting", {"inhoud": "Iedereen mag dit lezen over aquathermie.", "zichtbaarheid": "publiek"}),
    ("Mijn notities", {"inhoud": "Privé aantekeningen over aquathermie.", "zichtbaarheid": "prive"}),
    ("Concept aquathermie", {"inhoud": "Nog niet af.", "status": "concept"}),
]  # fmt: skip


@pytest.fixture
def corpus(session: Session) -> dict[int, User]:
    users = seed_netwerk(session)
    for titel, extra in CORPUS:
        data = {"soort": "studie", "zichtbaarheid": "leden", "titel": titel, **extra}
        K.create_item(session, users[LID], data)
    session.commit()
    return users


def found(session: Session, user: User | None, q: str | None, **kw) -> list[str]:
    return [t.item.titel for t in K.zoek(session, user, q, limit=50, **kw).treffers]


def test_stemming_and_diacritics(session: Session, corpus: dict[int, User]) -> None:
    u = corpus[KIJKER]
    # 'warmtenetten' finds items that only say 'warmtenet'; the title match comes first
    assert found(session, u, "warmtenetten") == ["Het warmtenet van Zwijndrecht", "Geothermie in het Westland"]
    assert found(session, u, "Warmtenet")[0] == "Het warmtenet van Zwijndrecht"
    # with or without the diaeresis, both ways
    coop = {"Bewoners starten een coöperatie", "Cooperatie zonder trema"}
    assert set(found(session, u, "cooperatie")) == coop
    assert set(found(session, u, "coöperatie")) == coop
    assert set(found(session, u, "COÖPERATIE")) == coop
    # plural and verb forms
    assert set(found(session, u, "warmtepompen")) == {"Handreiking isolatie", "Studie netcongestie"}
    assert "Handreiking isolatie" in found(session, u, "isoleren")


def test_phrase_alternatives_and_exclusion(session: Session, corpus: dict[int, User]) -> None:
    u = corpus[KIJKER]
    # a phrase needs the words next to each other and in order
    assert found(session, u, '"open dag"') == ["Handreiking isolatie"]
    assert set(found(session, u, "open dag")) == {"Handreiking isolatie", "Dag van de open deur"}
    # 'of' (or 'or') between words: either
    assert set(found(session, u, "geothermie of aquathermie")) == {
        "Geothermie in het Westland",
        "Aquathermie uit de rivier",
        "Studie netcongestie",
        "Openbare samenvatting",
    }
    assert set(found(session, u, "geothermie OR aquathermie")) == set(found(session, u, "geothermie of aquathermie"))
    # '-word' excludes
    assert set(found(session, u, "aquathermie -stroomnet")) == {"Aquathermie uit de rivier", "Openbare samenvatting"}
    # all words must occur
    assert found(session, u, "aquathermie rivier") == ["Aquathermie uit de rivier"]
    # nothing left to search for (stop words only), and no match
    assert K.zoek(session, u, "de het een").totaal == 0
    assert K.zoek(session, u, "xylofoon").totaal == 0


def test_title_ranks_above_body_and_fragments(session: Session, corpus: dict[int, User]) -> None:
    res = K.zoek(session, corpus[KIJKER], "aquathermie")
    assert res.treffers[0].item.titel == "Aquathermie uit de rivier"
    assert res.treffers[0].score > res.treffers[-1].score > 0
    assert res.q == "aquathermie"
    netcongestie = next(t for t in res.treffers if t.item.titel == "Studie netcongestie")
    assert "aquathermie" in netcongestie.fragment.lower()
    lang = Kennisitem(samenvatting="", inhoud="Inleiding. " * 40 + "Over *aquathermie* bij de sluis. " + "Slot. " * 40)
    excerpt = K.fragment(lang, "Aquathermie")
    assert excerpt.startswith("… ") and excerpt.endswith(" …") and "aquathermie" in excerpt and "*" not in excerpt
    assert len(excerpt) <= K.FRAGMENT_LENGTE + 4
    frag = K.zoek(session, corpus[KIJKER], "cooperatie").treffers
    assert any("energiecoöperatie" in t.fragment or "coöperatie" in t.fragment for t in frag)
    # without a query: newest first, the summary or the start of the text as fragment
    listing = K.zoek(session, corpus[KIJKER], None, limit=3)
    assert [t.item.titel for t in listing.treffers] == ["Openbare samenvatting", "Studie netcongestie",
                                                        "Geothermie in het Westland"]  # fmt: skip
    assert listing.treffers[0].fragment == "Iedereen mag dit lezen over aquathermie."


def test_visibility_in_search(session: Session, corpus: dict[int, User]) -> None:
    q = "aquathermie"
    base = {"Aquathermie uit de rivier", "Studie netcongestie", "Openbare samenvatting"}
    assert set(found(session, None, q)) == {"Openbare samenvatting"}  # anonymous: public only
    assert set(found(session, None, None)) == {"Openbare samenvatting"}
    assert set(found(session, corpus[KIJKER], q)) == base
    assert set(found(session, corpus[ANDER], q)) == base  # member of ES17: not the ES18 regional item
    assert set(found(session, corpus[COORD], q)) == base | {"Regionaal verslag", "Concept aquathermie"}
    assert set(found(session, corpus[LID], q)) == base | {"Regionaal verslag", "Mijn notities",
                                                          "Concept aquathermie"}  # fmt: skip
    assert set(found(session, corpus[ADMIN], q)) == base | {"Regionaal verslag", "Mijn notities",
                                                            "Concept aquathermie"}  # fmt: skip
    assert K.zoek(session, corpus[ANDER], q).totaal == 3
    # the counts per kind follow the same rules and the same query
    for user in (None, corpus[ANDER], corpus[LID]):
        telling = K.soorten_telling(session, user, q)
        assert sum(telling.values()) == K.zoek(session, user, q).totaal
        for soort, n in telling.items():
            assert K.zoek(session, user, q, soort=soort).totaal == n
    assert K.soorten_telling(session, None, "de het") == {}


def test_filters_combine_with_the_query(session: Session, corpus: dict[int, User]) -> None:
    u = corpus[KIJKER]
    assert set(found(session, u, None, soort="praktijkverhaal")) == {
        "Bewoners starten een coöperatie", "Cooperatie zonder trema", "Dag van de open deur"}  # fmt: skip
    assert found(session, u, "cooperatie", thema="participatie") == ["Bewoners starten een coöperatie"]
    assert found(session, u, "cooperatie", thema="Participatie") == ["Bewoners starten een coöperatie"]  # any case
    assert found(session, u, None, buurt="bu05050101") == ["Het warmtenet van Zwijndrecht"]
    assert found(session, u, None, bron="TEO1") == ["Aquathermie uit de rivier"]
    assert found(session, u, None, strategie="S3c") == ["Handreiking isolatie"]
    assert set(found(session, u, None, strategie="S1")) == {"Het warmtenet van Zwijndrecht",
                                                            "Aquathermie uit de rivier"}  # fmt: skip
    assert found(session, u, "warmtenet", strategie="S1") == ["Het warmtenet van Zwijndrecht"]
    assert found(session, u, None, regio="ES17") == []
    assert len(found(session, corpus[LID], None, regio="es18")) == len(CORPUS)
    assert len(found(session, u, None, auteur_id=LID)) == 9
    assert found(session, u, None, thema="50%_") == []  # LIKE wildcards are taken literally


def test_paging(session: Session, corpus: dict[int, User]) -> None:
    u = corpus[KIJKER]
    first = K.zoek(session, u, "aquathermie of warmtenet of cooperatie", limit=2)
    second = K.zoek(session, u, "aquathermie of warmtenet of cooperatie", limit=2, offset=2)
    everything = found(session, u, "aquathermie of warmtenet of cooperatie")
    assert first.totaal == second.totaal == len(everything) == 7
    assert [t.item.titel for t in first.treffers + second.treffers] == everything[:4]
    beyond = K.zoek(session, u, "aquathermie", offset=50)
    assert beyond.treffers == [] and beyond.totaal == 3
    assert len(K.zoek(session, u, None, limit=10_000).treffers) == 9  # limit capped at MAX_LIMIET, 9 readable


def test_odd_queries_never_fail(session: Session, corpus: dict[int, User]) -> None:
    """Query syntax of the engines (FTS5 operators, tsquery characters), unbalanced quotes, only punctuation or
    stop words, NUL characters (PostgreSQL text cannot hold them) and very long input: no database error."""
    u = corpus[KIJKER]
    odd = ['"', 'NEAR(', 'a AND', '-', '*', 'of of', '"unterminated', ':', '&', '!', "a:b & c | !d <-> e", "'x'",
           "(((", "title:warmte^", "\x00", "-warmtenet", "x" * 5000, " ".join(["warmte"] * 2000)]  # fmt: skip
    for q in odd:
        K.zoek(session, u, q)
    assert found(session, u, "warmte\x00net") == found(session, u, "warmtenet")
    nul = K.create_item(session, u, {"soort": "studie", "titel": "Nul\x00teken", "inhoud": "a\x00b",
                                     "themas": ["x\x00y"], "zichtbaarheid": "leden"})  # fmt: skip
    session.flush()
    assert (nul.titel, nul.inhoud, K.nw.json_list(nul.themas)) == ("Nulteken", "ab", ["xy"])
    # a NUL in a filter of any network list is ignored, not a database error
    from warmteregio.services import bijeenkomsten, netwerk, netwerk_leden

    z = "\x00"
    assert K.zoek(session, u, None, soort=z, thema=z, regio=z, buurt=z, strategie=z, bron=z).totaal > 0
    K.list_vragen(session, u, status=z, regio=z, thema=z)
    bijeenkomsten.list_bijeenkomsten(session, u, regio=z)
    netwerk_leden.list_personen(session, u, regio=z, rol=z, expertise=z, q=z)
    netwerk_leden.list_organisaties(session, u, soort=z, regio=z)
    netwerk_leden.export_leden(session, u, regio=z)
    netwerk.audit_log(session, corpus[ADMIN], res_code=z, objecttype=z)
    session.flush()
