"""Dutch normalisation, stemming and query parsing shared by the SQLite and PostgreSQL search."""

from __future__ import annotations

import pytest

from warmteregio.network import search


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("warmtenetten", "warmtenet"),
        ("wijken", "wijk"),
        ("woningen", "woning"),
        ("Coöperatie", "cooperatie"),
        ("coöperaties", "cooperatie"),
        ("Energiecoöperatie", "energiecooperatie"),
    ],
)
def test_same_stem(a: str, b: str) -> None:
    assert search.stems(a) == search.stems(b)
    assert len(search.stems(a)) == 1


def test_normalise_words_and_stop_words() -> None:
    assert search.normalise("Coöperatie Één café") == "cooperatie een cafe"
    assert search.normalise(None) == ""
    assert search.words("Het warmtenet, in 2030!") == ["het", "warmtenet", "in", "2030"]
    assert search.stems("de het een van warmtenetten") == ["warmtenet"]
    assert search.stemmed("Warmtenetten in de wijken") == "warmtenet wijk"


def test_index_texts_normalises_and_strips_markdown() -> None:
    titel, tekst = search.index_texts(
        "Warmtenet Coöperatie", "Samenvatting", "# Kop\n\n**vet** en [link](https://x.nl)", ["thema", None]
    )
    assert titel == "warmtenet cooperatie"
    assert "**" not in tekst and "#" not in tekst and "[" not in tekst
    assert "samenvatting" in tekst and "vet" in tekst and "thema" in tekst


def test_parse_words_phrases_or_and_exclude() -> None:
    st = search.stem
    q = search.parse('Warmtenetten "de aardgasvrije wijken" isolatie of warmtepompen -hybride -"groen gas"')
    assert q.groups == (
        (("warmtenet",),),
        ((st("aardgasvrije"), "wijk"),),  # stop words drop out of phrases too
        ((st("isolatie"),), ("warmtepomp",)),
    )
    assert q.exclude == ((st("hybride"),), ("groen", "gas"))
    assert not q.empty
    assert q.text.startswith("warmtenetten")
    # "Of"/"OR" in any case joins alternatives; a leading or trailing one is ignored
    assert search.parse("Isolatie Of warmtepomp").groups == search.parse("isolatie or warmtepomp").groups
    assert search.parse("of warmte OR").groups == ((("warmt",),),)


@pytest.mark.parametrize("q", ["", None, "   ", "de het een", '""', "- -", "-warmte"])
def test_empty_queries(q: str | None) -> None:
    assert search.parse(q).empty
    assert search.fts5_query(q) is None


def test_fts5_query() -> None:
    assert search.fts5_query("warmtenetten") == '"warmtenet"'
    assert search.fts5_query("Coöperatie") == search.fts5_query("cooperatie")
    assert search.fts5_query('"de aardgasvrije wijken" warmtepomp') == (
        f'"{search.stem("aardgasvrije")} wijk" AND "warmtepomp"'
    )
    assert search.fts5_query("isolatie of warmtepomp -hybride") == (
        f'("{search.stem("isolatie")}" OR "warmtepomp") NOT "{search.stem("hybride")}"'
    )
    # punctuation and FTS5 syntax in the input never leak into the expression
    expr = search.fts5_query('wijk-aanpak NEAR(x) "*" ^kolom: AND')
    assert expr is not None
    assert set(expr) <= set('abcdefghijklmnopqrstuvwxyz0123456789 "()ANDORNT')
    assert search.fts5_query(search.parse("warmtenet")) == '"warmtenet"'
