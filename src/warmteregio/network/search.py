"""Dutch full-text search: normalisation, stemming and query parsing, shared by both databases.

The knowledge base is searched with the database's own full-text engine:

* **PostgreSQL**: a stored ``tsvector`` built with the built-in ``'dutch'`` configuration (Snowball stemmer and
  Dutch stop words) from :func:`normalise`-d text, queried with ``websearch_to_tsquery('dutch', ...)``;
* **SQLite**: an FTS5 table whose columns hold the words already stemmed here with the Snowball Dutch stemmer
  (:func:`stemmed`), queried with the MATCH expression from :func:`fts5_query`.

Both see text without diacritics and in lower case, so ``coöperatie`` and ``cooperatie`` are the same word, and
both stem, so ``warmtenetten`` finds ``warmtenet``. The query syntax is the same: words must all occur, ``"..."``
is a phrase, ``of``/``or`` between words means either, ``-word`` excludes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9a-z]+")
_MARKUP = re.compile(r"[*_`#>\[\]()|~]+")

#: Dutch stop words (a short list: the most frequent function words), left out of the SQLite index and queries
#: (PostgreSQL's 'dutch' configuration has its own list).
STOPWOORDEN = frozenset(
    """aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er ge
    geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen maar
    me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te tegen toch
    toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo
    zonder zou""".split()
)
#: Words that join alternatives in a query.
OF_WOORDEN = frozenset({"of", "or", "OF", "OR"})

_lock = threading.Lock()
_stemmer = snowballstemmer.stemmer("dutch")


def normalise(text: str | None) -> str:
    """``text`` in lower case without diacritics (NFKD, combining marks dropped): ``Coöperatie`` -> ``cooperatie``."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str | None) -> list[str]:
    """The normalised words of ``text`` (letters and digits), stop words included."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball Dutch stem of one normalised word: ``warmtenetten`` -> ``warmtenet``."""
    with _lock:  # the Snowball stemmer objects keep state between calls
        return _stemmer.stemWord(word)


def stems(text: str | None) -> list[str]:
    """The stems of the words of ``text`` without stop words."""
    return [stem(w) for w in words(text) if w not in STOPWOORDEN]


def stemmed(text: str | None) -> str:
    """The stems of ``text`` joined by spaces: the form stored in the SQLite FTS5 table."""
    return " ".join(stems(text))


def plain_markdown(text: str | None) -> str:
    """Markdown without its markup characters (for indexing)."""
    return _MARKUP.sub(" ", text or "")


def index_texts(titel: str | None, samenvatting: str | None = None, inhoud: str | None = None,
                extra: Iterable[str | None] = ()) -> tuple[str, str]:  # fmt: skip
    """(``zoektitel``, ``zoektekst``): the normalised title and the normalised rest (summary, content without
    markup, and ``extra`` such as themes, tags, author and attachment names) as stored on the item."""
    rest = [samenvatting or "", plain_markdown(inhoud), *(e or "" for e in extra)]
    return normalise(titel), normalise("\n".join(r for r in rest if r))


@dataclass(frozen=True)
class Query:
    """A parsed query: ``groups`` must all match (each group is a tuple of alternatives, each alternative a tuple
    of stems forming a phrase); ``exclude`` phrases must not. ``text`` is the normalised query for PostgreSQL's
    ``websearch_to_tsquery``."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    exclude: tuple[tuple[str, ...], ...]
    text: str

    @property
    def empty(self) -> bool:
        return not self.groups


_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse(query: str | None) -> Query:
    """Parse a user query (see the module docstring). Words that are only stop words or punctuation drop out."""
    raw = (query or "").strip()
    groups: list[list[tuple[str, ...]]] = []
    exclude: list[tuple[str, ...]] = []
    join_next = False
    for m in _TOKEN.finditer(raw):
        negate = bool(m.group(1))
        if m.group(3) is not None:
            token = m.group(3)
            if token.casefold() in OF_WOORDEN:  # "Of" at the start of a sentence too
                join_next = bool(groups)
                continue
            if token.startswith("-") and len(token) > 1:
                negate, token = True, token[1:]
            phrase = tuple(stems(token))
        else:
            phrase = tuple(stems(m.group(2)))
        if not phrase:
            continue
        if negate:
            exclude.append(phrase)
        elif join_next and groups:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    return Query(tuple(tuple(g) for g in groups), tuple(exclude), normalise(raw))


def _fts5_phrase(phrase: tuple[str, ...]) -> str:
    return '"' + " ".join(phrase) + '"'  # stems are [0-9a-z]+, so no quoting problems


def fts5_query(query: str | Query | None) -> str | None:
    """The FTS5 MATCH expression of ``query`` (None when nothing is left to search for)."""
    q = parse(query) if not isinstance(query, Query) else query
    if q.empty:
        return None
    parts = []
    for group in q.groups:
        alts = [_fts5_phrase(p) for p in group]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    expr = " AND ".join(parts)
    for phrase in q.exclude:
        expr = f"{expr} NOT {_fts5_phrase(phrase)}"
    return expr
