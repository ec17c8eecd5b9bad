"""The knowledge base of the regional network: items, attachments, full-text search, related items,
retrospectives of meetings, questions and answers, and the import of past retrospectives.

**Reading** (:func:`can_read_item`, and the same rule as an SQL clause in :func:`leesbaar_filter`):

* a *concept* is read by its author, administrators and the coordinator of the item's region;
* a published item: ``publiek`` by everybody (also anonymous visitors), ``leden`` by members, ``regio`` by
  administrators, the author and members whose region (:func:`~warmteregio.services.netwerk.user_region`) is the
  item's region, ``prive`` by the author and administrators.

**Editing** (:func:`can_edit_item`): the author, administrators and the coordinator of the item's region.

**Search** (:func:`zoek`) uses the database's own full-text engine over the normalised texts ``zoektitel`` and
``zoektekst`` (lower case, no diacritics; see :mod:`warmteregio.network.search`):

* SQLite: the FTS5 table ``kennis_fts`` (``rowid`` = item id) holds the *stemmed* words; the query is
  :func:`~warmteregio.network.search.fts5_query` and the ranking ``bm25`` with the title weighing 5 times the text;
* PostgreSQL: the stored ``tsvector`` column ``zoekvector`` ('dutch' configuration, title weight A, text B; GIN
  index) matched with ``websearch_to_tsquery('dutch', ...)`` and ranked with ``ts_rank_cd``.

Every write keeps ``zoektitel``/``zoektekst`` and (SQLite) the ``kennis_fts`` row in step, in the caller's
transaction. The indexed text holds the title, summary, content (without Markdown markup), themes (code and
label), buurten, strategies, sources, the author's name, the names of the attachments, the text of attached
documents (PDF, DOCX, XLSX; extracted once at upload by :mod:`warmteregio.network.tekstextractie`, bounded) and,
for a retrospective, the title and description of its meeting.

Functions flush and never commit: the caller commits (or rolls back on an error, so nothing is half-written).
Errors are :class:`~warmteregio.services.netwerk.NetwerkError` (Dutch and English, HTTP-like status).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, column, delete, false, func, literal_column, or_, select, true
from sqlalchemy import table as sql_table
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from warmteregio.domain.codes import CodeError, gemeente_of, normalise_buurtcode
from warmteregio.network import model as nm
from warmteregio.network import search
from warmteregio.services import netwerk as nw
from warmteregio.services.netwerk import Fouten, NetwerkError
from warmteregio.store.fulltext import FTS_TABLE, PG_VECTOR_COLUMN
from warmteregio.store.models import (
    Antwoord,
    Bijeenkomst,
    Casus,
    KennisBijlage,
    Kennisitem,
    User,
    Vraag,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: Items per page of search results: default and upper bound.
STANDAARD_LIMIET = 20
MAX_LIMIET = 100
#: Length of the text excerpt shown with a search result [characters].
FRAGMENT_LENGTE = 220
MAX_LINKS = 50
MAX_AUTEUR = 200
MAX_ANTWOORD = 20_000
#: Candidates considered for related items (newest first).
MAX_KANDIDATEN = 500

_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_FTS = sql_table(FTS_TABLE, column("rowid"), column("titel"), column("tekst"))

# ------------------------------------------------------------------------------------------------ permissions


def _is_admin(user: User | None) -> bool:
    return nw.is_admin(user)


def leesbaar_filter(session: Session, user: User | None) -> ColumnElement[bool]:
    """The read rule (module docstring) as a boolean SQL clause over :class:`Kennisitem`."""
    u = nw.member(user)
    published = Kennisitem.status == "gepubliceerd"
    if u is None:
        return and_(published, Kennisitem.zichtbaarheid == "publiek")
    if _is_admin(u):
        return true()
    clauses: list[ColumnElement[bool]] = [
        and_(published, Kennisitem.zichtbaarheid.in_(("publiek", "leden"))),
        Kennisitem.auteur_id == u.id,
    ]
    region = nw.user_region(session, u)
    if region:
        clauses.append(and_(published, Kennisitem.zichtbaarheid == "regio", Kennisitem.res_code == region))
    if nw.is_coordinator(u) and u.res_code:
        clauses.append(and_(Kennisitem.status == "concept", Kennisitem.res_code == u.res_code))
    return or_(*clauses)


def can_read_item(session: Session, user: User | None, item: Kennisitem) -> bool:
    """Whether ``user`` may read ``item`` (module docstring)."""
    u = nw.member(user)
    if u is None:
        return item.status == "gepubliceerd" and item.zichtbaarheid == "publiek"
    if _is_admin(u) or (item.auteur_id is not None and item.auteur_id == u.id):
        return True
    if item.status != "gepubliceerd":
        return nw.is_coordinator(u) and item.res_code is not None and u.res_code == item.res_code
    if item.zichtbaarheid in ("publiek", "leden"):
        return True
    if item.zichtbaarheid == "regio":
        return item.res_code is not None and nw.user_region(session, u) == item.res_code
    return False


def can_edit_item(session: Session, user: User | None, item: Kennisitem) -> bool:
    """The author, administrators and the coordinator of the item's region; for a retrospective also whoever
    manages its meeting (e.g. to add photos)."""
    u = nw.member(user)
    if u is None:
        return False
    if item.auteur_id is not None and item.auteur_id == u.id:
        return True
    if nw.can_manage_region(u, item.res_code) if item.res_code else _is_admin(u):
        return True
    if item.soort == "terugblik" and item.bijeenkomst_id is not None:
        from warmteregio.services import bijeenkomsten

        b = session.get(Bijeenkomst, item.bijeenkomst_id)
        return b is not None and bijeenkomsten.can_manage(session, u, b)
    return False


def _load_item(session: Session, item_id: object) -> Kennisitem:
    ident = nw.as_id(item_id, "kennisitem", "knowledge item")
    item = session.get(Kennisitem, ident)
    if item is None:
        raise nw.not_found("kennisitem", "knowledge item", item_id)
    return item


def get_item(session: Session, user: User | None, item_id: int) -> Kennisitem:
    """An item the user may read: 404 when it does not exist, 401 for an anonymous visitor and 403 for a member
    who may not read it."""
    item = _load_item(session, item_id)
    if not can_read_item(session, user, item):
        if nw.member(user) is None:
            raise NetwerkError(f"kennisitem {item.id} is alleen voor leden; log in",
                               f"knowledge item {item.id} is for members only; log in", 401)  # fmt: skip
        raise nw.forbidden(f"u mag kennisitem {item.id} niet lezen", f"you may not read knowledge item {item.id}")
    return item


def _editable_item(session: Session, user: User | None, item_id: object) -> Kennisitem:
    nw.require_member(user)
    item = _load_item(session, item_id)
    if not can_edit_item(session, user, item):
        if not can_read_item(session, user, item):
            raise nw.forbidden(f"u mag kennisitem {item.id} niet lezen", f"you may not read knowledge item {item.id}")
        raise nw.forbidden(
            f"alleen de auteur, beheerders en de coördinator van de regio mogen kennisitem {item.id} wijzigen",
            f"only the author, administrators and the region's coordinator may change knowledge item {item.id}",
        )  # fmt: skip
    return item


# --------------------------------------------------------------------------------------------------- indexing


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _bijlagen_voor_index(session: Session, item_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """(file name, extracted text) of the attachments per item (without loading the files)."""
    out: dict[int, list[tuple[str, str]]] = {}
    if not item_ids:
        return out
    for i in range(0, len(item_ids), 900):
        rows = session.execute(
            select(KennisBijlage.kennisitem_id, KennisBijlage.bestandsnaam, KennisBijlage.tekst)
            .where(KennisBijlage.kennisitem_id.in_(item_ids[i : i + 900])).order_by(KennisBijlage.id)
        )  # fmt: skip
        for iid, naam, tekst in rows:
            out.setdefault(iid, []).append((naam, tekst or ""))
    return out


#: At most this much attachment text per item goes into the index [characters].
MAX_BIJLAGETEKST_PER_ITEM = 300_000


def zoekteksten(item: Kennisitem, bijlagen: Iterable[str] = (), bijeenkomst: Iterable[str | None] = (),
                bijlageteksten: Iterable[str] = ()) -> tuple[str, str]:  # fmt: skip
    """(``zoektitel``, ``zoektekst``) of ``item``: see the module docstring for what is indexed; ``bijlagen`` are
    the attachment names, ``bijeenkomst`` the title and description of a retrospective's meeting and
    ``bijlageteksten`` the text of the attached documents (at most :data:`MAX_BIJLAGETEKST_PER_ITEM` in all)."""
    extra: list[str | None] = [nm.label(nm.KENNIS_SOORTEN, item.soort), *bijeenkomst]
    for code in nw.json_list(item.themas):
        extra.append(str(code))
        if code in nm.THEMAS:
            extra.extend(nm.THEMAS[code])
    extra += [str(v) for v in nw.json_list(item.buurten)]
    extra += [str(v) for v in nw.json_list(item.strategieen)]
    extra += [str(v) for v in nw.json_list(item.bronnen)]
    # file names as words: PostgreSQL's parser would read 'rapport.pdf' as one file-name token
    extra += [item.auteur_naam, *(re.sub(r"[._\-]+", " ", naam) for naam in bijlagen)]
    ruimte = MAX_BIJLAGETEKST_PER_ITEM
    for tekst in bijlageteksten:
        if ruimte <= 0:
            break
        extra.append(tekst[:ruimte])
        ruimte -= len(tekst)
    return search.index_texts(item.titel, item.samenvatting, item.inhoud, extra)


def _fts_rows(items: Sequence[Kennisitem]) -> list[dict[str, Any]]:
    return [{"id": i.id, "titel": search.stemmed(i.zoektitel), "tekst": search.stemmed(i.zoektekst)} for i in items]


def bulk_index(session: Session, items: Sequence[Kennisitem]) -> int:
    """Recompute ``zoektitel``/``zoektekst`` of the (flushed) ``items`` and, on SQLite, rewrite their rows in
    ``kennis_fts`` (PostgreSQL's ``zoekvector`` follows by itself). Returns the number of items."""
    items = list(items)
    if not items:
        return 0
    bijlagen = _bijlagen_voor_index(session, [i.id for i in items])
    meeting_ids = sorted({i.bijeenkomst_id for i in items if i.bijeenkomst_id is not None})
    meetings = {
        r.id: (r.titel, r.omschrijving)
        for k in range(0, len(meeting_ids), 900)
        for r in session.execute(
            select(Bijeenkomst.id, Bijeenkomst.titel, Bijeenkomst.omschrijving).where(
                Bijeenkomst.id.in_(meeting_ids[k : k + 900])
            )
        )
    }
    for item in items:
        eigen = bijlagen.get(item.id, [])
        item.zoektitel, item.zoektekst = zoekteksten(
            item, [naam for naam, _t in eigen], meetings.get(item.bijeenkomst_id, ()), [t for _n, t in eigen if t]
        )
    session.flush()
    if _dialect(session) == "sqlite":
        ids = [i.id for i in items]
        for k in range(0, len(ids), 900):
            session.execute(delete(_FTS).where(_FTS.c.rowid.in_(ids[k : k + 900])))
        session.execute(sql_text(f"INSERT INTO {FTS_TABLE} (rowid, titel, tekst) VALUES (:id, :titel, :tekst)"),
                        _fts_rows(items))  # fmt: skip
    return len(items)


def _index(session: Session, item: Kennisitem) -> None:
    bulk_index(session, [item])


def _unindex(session: Session, item_id: int) -> None:
    if _dialect(session) == "sqlite":
        session.execute(sql_text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": item_id})


def reindex(session: Session) -> int:
    """Rebuild the search texts and index of every item (e.g. after a change of the stemmer). Returns the count."""
    if _dialect(session) == "sqlite":
        session.execute(sql_text(f"DELETE FROM {FTS_TABLE}"))
    ids = list(session.scalars(select(Kennisitem.id).order_by(Kennisitem.id)))
    total = 0
    for k in range(0, len(ids), 500):
        batch = list(session.scalars(select(Kennisitem).where(Kennisitem.id.in_(ids[k : k + 500]))))
        total += bulk_index(session, batch)
    return total


# ------------------------------------------------------------------------------------------------ validation


def _buurten(f: Fouten, value: object) -> list[str]:
    out: list[str] = []
    for raw in nw.tags_field(f, "buurten", value, max_items=200, max_len=20, label=("buurten", "neighbourhoods")):
        try:
            code = normalise_buurtcode(raw)
        except CodeError as exc:
            f.add("buurten", exc.nl, exc.en)
            continue
        if code not in out:
            out.append(code)
    return out


def _ids(f: Fouten, veld: str, value: object, label: tuple[str, str]) -> list[int]:
    if value is None or value == "":
        return []
    items: Iterable[Any]
    if isinstance(value, str):
        items = [p for p in re.split(r"[,;\s]+", value) if p]
    elif isinstance(value, int):
        items = [value]
    elif isinstance(value, Iterable):
        items = value
    else:
        f.add(veld, f"{label[0]} moet een lijst van nummers zijn", f"{label[1]} must be a list of numbers")
        return []
    out: list[int] = []
    for v in items:
        try:
            n = int(str(v).strip()) if not isinstance(v, bool) else None
        except ValueError:
            n = None
        if n is None or n < 1:
            f.add(veld, f"{label[0]}: {v!r} is geen geldig nummer", f"{label[1]}: {v!r} is not a valid number")
            continue
        if n not in out:
            out.append(n)
    return out


def _links(f: Fouten, value: object) -> list[dict[str, Any]]:
    """Links as ``[{titel, url}]`` from a list of dicts or strings, or text with one ``url`` or ``titel | url`` per
    line. Only http(s) addresses."""
    if value is None or value == "":
        return []
    raw: list[Any]
    if isinstance(value, str):
        raw = [line for line in value.splitlines() if line.strip()]
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        raw = list(value)
    else:
        f.add("links", "links moeten een lijst zijn", "links must be a list")
        return []
    out: list[dict[str, Any]] = []
    for entry in raw:
        if isinstance(entry, Mapping):
            if "kennisitem" in entry and "url" not in entry:
                continue  # linked items are kept by the caller (retrospectives)
            titel, url = nw.strip(entry.get("titel")), nw.strip(entry.get("url"))
        else:
            parts = str(entry).rsplit("|", 1)
            titel, url = (nw.strip(parts[0]), nw.strip(parts[1])) if len(parts) == 2 else (None, nw.strip(parts[0]))
        if url is None:
            continue
        if not _URL.match(url) or len(url) > 1000:
            f.add("links", f"ongeldige link {url[:60]!r} (alleen http:// en https://)",
                  f"invalid link {url[:60]!r} (only http:// and https://)")  # fmt: skip
            continue
        out.append({"titel": (titel or url)[:300], "url": url})
    if len(out) > MAX_LINKS:
        f.add("links", f"te veel links ({len(out)}, maximaal {MAX_LINKS})",
              f"too many links ({len(out)}, at most {MAX_LINKS})")  # fmt: skip
    return out[:MAX_LINKS]


def _check_casussen(session: Session, f: Fouten, ids: list[int]) -> None:
    if not ids:
        return
    found = set(session.scalars(select(Casus.id).where(Casus.id.in_(ids))))
    for i in ids:
        if i not in found:
            f.add("casussen", f"casus {i} bestaat niet", f"case {i} does not exist")


_VELDEN = ("soort", "titel", "samenvatting", "inhoud", "auteur_naam", "res_code", "gemeente_code", "themas",
           "buurten", "strategieen", "bronnen", "casussen", "links", "zichtbaarheid", "status")  # fmt: skip


_EIGEN = object()


def _validate(session: Session, user: User, data: Mapping[str, Any], item: Kennisitem | None, *,
              vaste_regio: Any = _EIGEN) -> dict[str, Any]:  # fmt: skip
    """Check every field present in ``data`` (all fields for a new item) and return the values to store; raises
    with every bad field at once. ``vaste_regio``: the region is fixed (a retrospective: the meeting's), not
    validated and not returned."""
    f = Fouten()
    new = item is None
    has = (lambda k: True) if new else (lambda k: k in data)  # noqa: E731
    out: dict[str, Any] = {}
    if has("soort"):
        out["soort"] = nw.choice(f, "soort", data.get("soort"), nm.KENNIS_SOORTEN, label=("soort", "kind"))
    if has("titel"):
        out["titel"] = nw.text_field(f, "titel", data.get("titel"), max_len=nm.MAX_TITEL, required=True,
                                     label=("titel", "title"))  # fmt: skip
    if has("samenvatting"):
        out["samenvatting"] = (
            nw.text_field(
                f,
                "samenvatting",
                data.get("samenvatting"),
                max_len=nm.MAX_SAMENVATTING,
                label=("samenvatting", "summary"),
            )
            or ""
        )
    if has("inhoud"):
        inhoud = data.get("inhoud")
        text = "" if inhoud is None else str(inhoud).replace("\r\n", "\n").replace("\x00", "").strip()
        if len(text) > nm.MAX_INHOUD:
            f.add("inhoud", f"inhoud is te lang ({len(text)} tekens, maximaal {nm.MAX_INHOUD})",
                  f"content is too long ({len(text)} characters, at most {nm.MAX_INHOUD})")  # fmt: skip
        out["inhoud"] = text
    if has("auteur_naam"):
        default = user.naam if new and "auteur_naam" not in data else None
        out["auteur_naam"] = nw.text_field(f, "auteur_naam", data.get("auteur_naam", default), max_len=MAX_AUTEUR,
                                           label=("auteur", "author"))  # fmt: skip
    if vaste_regio is not _EIGEN:
        pass
    elif has("res_code"):
        if new and nw.strip(data.get("res_code")) is None:  # blank: the author's region
            out["res_code"] = nw.user_region(session, user)
        else:
            out["res_code"] = nw.res_code_field(session, f, "res_code", data.get("res_code"))
        nieuw = out["res_code"] and (item is None or out["res_code"] != item.res_code)
        if nieuw and not _is_admin(user) and out["res_code"] != nw.user_region(session, user):
            f.add("res_code", f"u kunt alleen items voor uw eigen regio maken (niet {out['res_code']})",
                  f"you can only make items for your own region (not {out['res_code']})")  # fmt: skip
    if has("gemeente_code"):
        out["gemeente_code"] = nw.gemeente_code_field(f, "gemeente_code", data.get("gemeente_code"))
    if has("themas"):
        out["themas"] = nw.tags_field(
            f, "themas", data.get("themas"), max_items=nm.MAX_TAGS, label=("thema's", "themes")
        )
    if has("buurten"):
        out["buurten"] = _buurten(f, data.get("buurten"))
    if has("strategieen"):
        out["strategieen"] = nw.tags_field(f, "strategieen", data.get("strategieen"), max_items=nm.MAX_TAGS,
                                           max_len=20, label=("strategieën", "strategies"))  # fmt: skip
    if has("bronnen"):
        out["bronnen"] = nw.tags_field(f, "bronnen", data.get("bronnen"), max_items=nm.MAX_TAGS, max_len=60,
                                       label=("bronnen", "sources"))  # fmt: skip
    if has("casussen"):
        out["casussen"] = _ids(f, "casussen", data.get("casussen"), ("casussen", "cases"))
        _check_casussen(session, f, out["casussen"])
    if has("links"):
        out["links"] = _links(f, data.get("links"))
    if has("zichtbaarheid"):
        out["zichtbaarheid"] = nw.choice(f, "zichtbaarheid", data.get("zichtbaarheid"), nm.ZICHTBAARHEDEN,
                                         label=("zichtbaarheid", "visibility"))  # fmt: skip
    if has("status"):
        out["status"] = nw.choice(f, "status", data.get("status") or "gepubliceerd", nm.KENNIS_STATUSES,
                                  label=("status", "status"))  # fmt: skip
    zicht = out.get("zichtbaarheid", None if item is None else item.zichtbaarheid)
    if vaste_regio is not _EIGEN:
        res = vaste_regio
    else:
        res = out["res_code"] if "res_code" in out else (None if item is None else item.res_code)
    if zicht == "regio" and res is None and not any(x.get("veld") == "res_code" for x in f.items):
        f.add("res_code", "kies een regio: het item is alleen zichtbaar voor leden van een regio",
              "choose a region: the item is only visible to members of one region")  # fmt: skip
    f.raise_if_any()
    return out


_LIJSTEN = ("themas", "buurten", "strategieen", "bronnen", "casussen", "links")


def _apply(item: Kennisitem, values: Mapping[str, Any]) -> list[str]:
    """Set ``values`` on ``item``; returns the names of the fields that changed."""
    changed = []
    for key, value in values.items():
        stored = nw.dump_list(value) if key in _LIJSTEN else value
        if getattr(item, key) != stored:
            setattr(item, key, stored)
            changed.append(key)
    return changed


def _published(item: Kennisitem, moment: datetime | None = None) -> None:
    if item.status == "gepubliceerd" and item.gepubliceerd_op is None:
        item.gepubliceerd_op = moment or nw.now()


def create_item(session: Session, user: User | None, data: Mapping[str, Any]) -> Kennisitem:
    """A new knowledge item by a member, indexed in the same transaction. ``data``: soort*, titel*, samenvatting,
    inhoud (Markdown), auteur_naam (default the user's name), res_code (blank: the user's region; others than
    one's own only for administrators), gemeente_code, themas, buurten (BU codes), strategieen, bronnen,
    casussen (ids), links ([{titel, url}] or lines ``titel | url``), zichtbaarheid*, status (default
    gepubliceerd)."""
    u = nw.require_member(user)
    values = _validate(session, u, data, None)
    moment = nw.now()
    item = Kennisitem(auteur_id=u.id, gemaakt=moment, gewijzigd=moment, gewijzigd_door_id=u.id, versie=1)
    _apply(item, values)
    _published(item, moment)
    session.add(item)
    session.flush()
    _index(session, item)
    nw.audit(session, u, "maak", "kennisitem", item.id, res_code=item.res_code, soort=item.soort,
             zichtbaarheid=item.zichtbaarheid, status=item.status)  # fmt: skip
    return item


def update_item(session: Session, user: User | None, item_id: int, data: Mapping[str, Any],
                versie: int | None = None) -> Kennisitem:  # fmt: skip
    """Change the fields present in ``data``; ``versie`` (or ``data['versie']``) must be current (409 otherwise)."""
    item = _editable_item(session, user, item_id)
    nw.check_versie(item.versie, versie if versie is not None else data.get("versie"), f"kennisitem {item.id}",
                    f"knowledge item {item.id}")  # fmt: skip
    u = nw.require_member(user)
    values = _validate(session, u, {k: v for k, v in data.items() if k in _VELDEN}, item)
    if "res_code" in values and values["res_code"] == item.res_code:
        values.pop("res_code")
    changed = _apply(item, values)
    if changed:
        item.versie += 1
        item.gewijzigd = nw.now()
        item.gewijzigd_door_id = u.id
        _published(item)
        session.flush()
        _index(session, item)
        nw.audit(session, u, "wijzig", "kennisitem", item.id, res_code=item.res_code, velden=changed)
    return item


def delete_item(session: Session, user: User | None, item_id: int) -> None:
    """Delete an item with its attachments and its index row."""
    item = _editable_item(session, user, item_id)
    ident, res, soort = item.id, item.res_code, item.soort
    _unindex(session, ident)
    session.delete(item)
    session.flush()
    nw.audit(session, user, "verwijder", "kennisitem", ident, res_code=res, soort=soort)


def list_items(session: Session, user: User | None, **filters: Any) -> list[Kennisitem]:
    """Readable items, newest first (the filters of :func:`zoek`, no query)."""
    return [t.item for t in zoek(session, user, None, **filters).treffers]


# ------------------------------------------------------------------------------------------------ attachments


def add_bijlage(session: Session, user: User | None, item_id: int, bestandsnaam: str, data: bytes, *,
                beschrijving: str | None = None, soort: str = "document") -> KennisBijlage:  # fmt: skip
    """Store an attachment (``soort`` document: PDF/DOCX/XLSX; foto: PNG/JPEG) after
    :func:`warmteregio.network.uploads.check_upload`; a refused file is a NetwerkError with its status (413 too
    large, 415 wrong type) and nothing is written."""
    from warmteregio.network import uploads

    item = _editable_item(session, user, item_id)
    if soort not in ("document", "foto"):
        raise NetwerkError(f"onbekende soort bijlage {soort!r} (document of foto)",
                           f"unknown kind of attachment {soort!r} (document or foto)", 400, veld="soort")  # fmt: skip
    f = Fouten()
    omschrijving = nw.text_field(f, "beschrijving", beschrijving, max_len=300, label=("beschrijving", "description"))
    f.raise_if_any()
    count = session.scalar(select(func.count()).where(KennisBijlage.kennisitem_id == item.id)) or 0
    if count >= nm.MAX_BIJLAGEN_PER_ITEM:
        raise NetwerkError(f"dit item heeft al {count} bijlagen (maximaal {nm.MAX_BIJLAGEN_PER_ITEM})",
                           f"this item already has {count} attachments (at most {nm.MAX_BIJLAGEN_PER_ITEM})",
                           409)  # fmt: skip
    try:
        ok = uploads.check_upload(bestandsnaam, data, soort=soort)
    except uploads.UploadFout as exc:
        raise NetwerkError(exc.nl, exc.en, exc.status, veld="bestand") from None
    u = nw.require_member(user)
    grootte, sha256 = ok.grootte, ok.sha256
    tekst = ""
    if ok.soort == "document":  # the document's text goes into the search index (bounded; never shown as HTML)
        from warmteregio.network.tekstextractie import tekst_uit_bijlage

        tekst = tekst_uit_bijlage(data, ok.mediatype)
    if ok.soort == "foto":  # photos are stored without their metadata (EXIF GPS position, camera, ...)
        import hashlib

        data = uploads.zonder_metadata(data, ok.mediatype)
        grootte, sha256 = len(data), hashlib.sha256(data).hexdigest()
    bijlage = KennisBijlage(
        kennisitem_id=item.id, soort=ok.soort, bestandsnaam=ok.bestandsnaam, mediatype=ok.mediatype,
        grootte=grootte, sha256=sha256, beschrijving=omschrijving, inhoud=data, tekst=tekst, gemaakt=nw.now(),
        gemaakt_door_id=u.id,
    )  # fmt: skip
    session.add(bijlage)
    item.gewijzigd = nw.now()
    session.flush()
    _index(session, item)
    nw.audit(session, u, "maak", "kennisbijlage", bijlage.id, res_code=item.res_code, kennisitem=item.id,
             soort=ok.soort, mediatype=ok.mediatype, grootte=grootte)  # fmt: skip
    return bijlage


def list_bijlagen(session: Session, user: User | None, item_id: int) -> list[KennisBijlage]:
    """The attachments of a readable item (the file contents are loaded lazily)."""
    from sqlalchemy.orm import defer

    item = get_item(session, user, item_id)
    return list(session.scalars(select(KennisBijlage).options(defer(KennisBijlage.inhoud))
                                .where(KennisBijlage.kennisitem_id == item.id).order_by(KennisBijlage.id)))  # fmt: skip


def get_bijlage(session: Session, user: User | None, item_id: int, bijlage_id: int) -> KennisBijlage:
    """An attachment of a readable item (404 when it belongs to another item)."""
    item = get_item(session, user, item_id)
    bid = nw.as_id(bijlage_id, "bijlage", "attachment")
    bijlage = session.get(KennisBijlage, bid)
    if bijlage is None or bijlage.kennisitem_id != item.id:
        raise nw.not_found("bijlage", "attachment", bijlage_id)
    return bijlage


def delete_bijlage(session: Session, user: User | None, item_id: int, bijlage_id: int) -> None:
    item = _editable_item(session, user, item_id)
    bid = nw.as_id(bijlage_id, "bijlage", "attachment")
    bijlage = session.get(KennisBijlage, bid)
    if bijlage is None or bijlage.kennisitem_id != item.id:
        raise nw.not_found("bijlage", "attachment", bijlage_id)
    session.delete(bijlage)
    item.gewijzigd = nw.now()
    session.flush()
    session.expire(item, ["bijlagen"])
    _index(session, item)
    nw.audit(session, user, "verwijder", "kennisbijlage", bid, res_code=item.res_code, kennisitem=item.id)


# ----------------------------------------------------------------------------------------------------- search


@dataclass
class Treffer:
    """One search result: the item, its relevance (higher is better; 0 without a query) and a plain-text excerpt
    around the first word that matches the query (the start of the summary or text without a query)."""

    item: Kennisitem
    score: float
    fragment: str


@dataclass
class Zoekresultaat:
    treffers: list[Treffer]
    totaal: int
    q: str | None


def _like_json(col: Any, value: str) -> ColumnElement[bool]:
    """``value`` is an element of the JSON list in ``col`` (text match on ``"value"``, ignoring case on both
    databases: SQLite's LIKE ignores ASCII case, PostgreSQL's does not)."""
    return func.lower(col).contains(f'"{value.lower()}"', autoescape=True)


def _filters(soort: str | None, thema: str | None, regio: str | None, buurt: str | None, strategie: str | None,
             bron: str | None, auteur_id: int | None) -> list[ColumnElement[bool]]:  # fmt: skip
    # stripped, NUL characters dropped (PostgreSQL refuses them in a parameter)
    soort, thema, regio, buurt, strategie, bron = map(nw.strip, (soort, thema, regio, buurt, strategie, bron))
    conds: list[ColumnElement[bool]] = []
    if soort:
        conds.append(Kennisitem.soort == soort)
    if thema:
        conds.append(_like_json(Kennisitem.themas, thema))
    if regio:
        conds.append(Kennisitem.res_code == regio.strip().upper())
    if buurt:
        conds.append(_like_json(Kennisitem.buurten, buurt.strip().upper()))
    if strategie:
        s = strategie.strip()
        if re.fullmatch(r"S\d+", s):  # a family: S1 matches S1, S1a, S1b, ...
            conds.append(or_(_like_json(Kennisitem.strategieen, s), Kennisitem.strategieen.like(f'%"{s}_"%')))
        else:
            conds.append(_like_json(Kennisitem.strategieen, s))
    if bron:
        conds.append(_like_json(Kennisitem.bronnen, bron.strip()))
    if auteur_id is not None:
        conds.append(Kennisitem.auteur_id == int(auteur_id))
    return conds


def _pg_query_text(q: search.Query) -> str:
    """The normalised query for ``websearch_to_tsquery``: ``of`` between words becomes ``or``."""
    parts = []
    for m in re.finditer(r'-?"[^"]*"|\S+', q.text):
        token = m.group(0)
        parts.append("or" if token in search.OF_WOORDEN else token)
    return " ".join(parts)


_WORD_ORIG = re.compile(r"\w+", re.UNICODE)


def _plain(item: Kennisitem) -> str:
    text = " ".join(p for p in (item.samenvatting, search.plain_markdown(item.inhoud)) if p)
    return re.sub(r"\s+", " ", text).strip()


def fragment(item: Kennisitem, q: search.Query | str | None, max_len: int = FRAGMENT_LENGTE) -> str:
    """A plain-text excerpt of ``item`` around the first word whose stem is one of the query's stems."""
    query = search.parse(q) if not isinstance(q, search.Query) else q
    text = _plain(item)
    wanted = {s for group in query.groups for phrase in group for s in phrase}
    pos = None
    if wanted:
        for m in _WORD_ORIG.finditer(text):
            if any(search.stem(w) in wanted for w in search.words(m.group(0))):
                pos = m.start()
                break
    if pos is None:
        if len(text) <= max_len:
            return text
        cut = text.rfind(" ", 0, max_len)
        return text[: cut if cut > max_len // 2 else max_len].rstrip() + " …"
    start = max(0, pos - max_len // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < pos else start
    end = min(len(text), start + max_len)
    if end < len(text):
        space = text.rfind(" ", pos, end)
        end = space if space > pos else end
    excerpt = text[start:end].strip()
    return ("… " if start > 0 else "") + excerpt + (" …" if end < len(text) else "")


def zoek(session: Session, user: User | None, q: str | None = None, *, soort: str | None = None,
         thema: str | None = None, regio: str | None = None, buurt: str | None = None, strategie: str | None = None,
         bron: str | None = None, auteur_id: int | None = None, limit: int = STANDAARD_LIMIET,
         offset: int = 0) -> Zoekresultaat:  # fmt: skip
    """Search the items the user may read. With ``q``: ranked by relevance (query syntax in
    :mod:`warmteregio.network.search`: all words, ``"phrase"``, ``of``, ``-word``); without: newest first. The
    filters combine with the query."""
    limit = max(1, min(int(limit or STANDAARD_LIMIET), MAX_LIMIET))
    offset = max(0, int(offset or 0))
    conds = [leesbaar_filter(session, user), *_filters(soort, thema, regio, buurt, strategie, bron, auteur_id)]
    q = nw.strip(q)
    query = search.parse(q) if q else None
    # one statement gives the page and (window count) the total: the database visits the matches once
    totaal_col = func.count().over().label("totaal")
    if query is None:
        newest = func.coalesce(Kennisitem.gepubliceerd_op, Kennisitem.gemaakt)
        stmt = select(Kennisitem.id, literal_column("0.0"), totaal_col).where(*conds)
        stmt = stmt.order_by(newest.desc(), Kennisitem.id.desc())
        count_stmt = select(func.count(Kennisitem.id)).where(*conds)
        sign = 1.0
    elif query.empty:
        return Zoekresultaat([], 0, q)
    elif _dialect(session) == "postgresql":
        vector = literal_column(f"{Kennisitem.__tablename__}.{PG_VECTOR_COLUMN}")
        tsq = func.websearch_to_tsquery(literal_column("'dutch'::regconfig"), bindparam("pgq", _pg_query_text(query)))
        match = vector.op("@@")(tsq)
        rank = func.ts_rank_cd(vector, tsq)
        stmt = select(Kennisitem.id, rank, totaal_col).where(match, *conds)
        stmt = stmt.order_by(rank.desc(), Kennisitem.id.desc())
        count_stmt = select(func.count(Kennisitem.id)).where(match, *conds)
        sign = 1.0
    else:
        fts = literal_column(FTS_TABLE)
        match = fts.op("MATCH")(bindparam("m", search.fts5_query(query)))
        rank = func.bm25(fts, literal_column("5.0"), literal_column("1.0"))  # lower is better
        # bm25() only works in a plain FTS query: rank the matches in a subquery, filter and count outside
        hits = select(_FTS.c.rowid.label("id"), rank.label("score")).where(match).subquery("treffers")
        stmt = select(Kennisitem.id, hits.c.score, totaal_col).select_from(hits)
        stmt = stmt.join(Kennisitem, Kennisitem.id == hits.c.id).where(*conds)
        stmt = stmt.order_by(hits.c.score, Kennisitem.id.desc())
        count_stmt = (
            select(func.count()).select_from(_FTS).join(Kennisitem, Kennisitem.id == _FTS.c.rowid).where(match, *conds)
        )
        sign = -1.0
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    if rows:
        totaal = int(rows[0][2])
    elif offset:  # a page beyond the end: the total still counts
        totaal = int(session.scalar(count_stmt) or 0)
    else:
        return Zoekresultaat([], 0, q)
    ids = [r[0] for r in rows]
    scores = {r[0]: sign * float(r[1]) for r in rows}
    items = {i.id: i for i in session.scalars(select(Kennisitem).where(Kennisitem.id.in_(ids)))} if ids else {}
    treffers = []
    for i in ids:
        item = items[i]
        if query is None:
            frag = item.samenvatting or fragment(item, None)
        else:
            frag = fragment(item, query)
        treffers.append(Treffer(item, scores.get(i, 0.0), frag))
    return Zoekresultaat(treffers, totaal, q)


def soorten_telling(session: Session, user: User | None, q: str | None = None, *, thema: str | None = None,
                    regio: str | None = None, buurt: str | None = None, strategie: str | None = None,
                    bron: str | None = None) -> dict[str, int]:  # fmt: skip
    """How many readable items of each kind match ``q`` and the other filters (the search page shows it next to
    the kind filter, so a visitor sees where the hits are before narrowing down)."""
    conds = [leesbaar_filter(session, user), *_filters(None, thema, regio, buurt, strategie, bron, None)]
    q = nw.strip(q)
    if q:
        query = search.parse(q)
        if query.empty:
            return {}
        if _dialect(session) == "postgresql":
            vector = literal_column(f"{Kennisitem.__tablename__}.{PG_VECTOR_COLUMN}")
            tsq = func.websearch_to_tsquery(literal_column("'dutch'::regconfig"),
                                            bindparam("pgq", _pg_query_text(query)))  # fmt: skip
            conds.append(vector.op("@@")(tsq))
        else:
            match = literal_column(FTS_TABLE).op("MATCH")(bindparam("m", search.fts5_query(query)))
            conds.append(Kennisitem.id.in_(select(_FTS.c.rowid).where(match)))
    rows = session.execute(select(Kennisitem.soort, func.count(Kennisitem.id)).where(*conds).group_by(Kennisitem.soort))
    return {soort: int(n) for soort, n in rows}


# ---------------------------------------------------------------------------------------------------- related


def _kenmerken(item: Kennisitem) -> Any:
    from warmteregio.network.related import Kenmerken

    buurten = frozenset(str(b) for b in nw.json_list(item.buurten))
    gemeenten = {gemeente_of(b) for b in buurten if b.startswith("BU") and len(b) == 10}
    if item.gemeente_code:
        gemeenten.add(item.gemeente_code)
    return Kenmerken(
        buurten=buurten, gemeenten=frozenset(gemeenten),
        strategieen=frozenset(str(s) for s in nw.json_list(item.strategieen)),
        bronnen=frozenset(str(s) for s in nw.json_list(item.bronnen)),
        themas=frozenset(str(s) for s in nw.json_list(item.themas)), res_code=item.res_code, soort=item.soort,
    )  # fmt: skip


def _kandidaten(session: Session, user: User | None, doel: Any, exclude: int | None) -> list[Kennisitem]:
    """Readable published items sharing at least one tag (buurt, gemeente, strategy or family, source, theme)."""
    shared: list[ColumnElement[bool]] = []
    shared += [_like_json(Kennisitem.buurten, b) for b in doel.buurten]
    for g in doel.gemeenten:
        shared.append(Kennisitem.gemeente_code == g)
        shared.append(Kennisitem.buurten.like(f'%"BU{g[2:6]}%'))
    for s in doel.strategieen:
        family = re.match(r"S\d+", s)
        shared.append(Kennisitem.strategieen.like(f'%"{family.group(0)}%') if family
                      else _like_json(Kennisitem.strategieen, s))  # fmt: skip
    shared += [_like_json(Kennisitem.bronnen, b) for b in doel.bronnen]
    shared += [_like_json(Kennisitem.themas, t) for t in doel.themas]
    if not shared:
        return []
    stmt = select(Kennisitem).where(leesbaar_filter(session, user), Kennisitem.status == "gepubliceerd",
                                    or_(*shared))  # fmt: skip
    if exclude is not None:
        stmt = stmt.where(Kennisitem.id != exclude)
    newest = func.coalesce(Kennisitem.gepubliceerd_op, Kennisitem.gemaakt)
    return list(session.scalars(stmt.order_by(newest.desc(), Kennisitem.id.desc()).limit(MAX_KANDIDATEN)))


def _rangschik(session: Session, user: User | None, doel: Any, exclude: int | None, limit: int) -> list[
    tuple[Kennisitem, float, list[tuple[str, str]]]
]:  # fmt: skip
    from warmteregio.network.related import rangschik

    kandidaten = {k.id: k for k in _kandidaten(session, user, doel, exclude)}
    ranked = rangschik(doel, [(i, _kenmerken(k)) for i, k in kandidaten.items()], limit=max(1, min(limit, 50)))
    return [(kandidaten[i], score, list(redenen)) for i, score, redenen in ranked]


def gerelateerd(session: Session, user: User | None, item_id: int, limit: int = 5) -> list[
    tuple[Kennisitem, float, list[tuple[str, str]]]
]:  # fmt: skip
    """Readable items on the same buurten, strategies, sources or themes as item ``item_id``, best first, with the
    reasons (Dutch, English)."""
    item = get_item(session, user, item_id)
    return _rangschik(session, user, _kenmerken(item), item.id, limit)


def gerelateerd_voor_buurt(session: Session, user: User | None, buurt_code: str, limit: int = 5) -> list[
    tuple[Kennisitem, float, list[tuple[str, str]]]
]:  # fmt: skip
    """Readable items about buurt ``buurt_code`` or its gemeente, best first, with the reasons."""
    from warmteregio.accounts.service import gemeente_region
    from warmteregio.network.related import Kenmerken

    try:
        code = normalise_buurtcode(buurt_code)
    except CodeError as exc:
        raise NetwerkError(exc.nl, exc.en, 400, veld="buurt") from None
    gm = gemeente_of(code)
    doel = Kenmerken(buurten=frozenset({code}), gemeenten=frozenset({gm}), strategieen=frozenset(),
                     bronnen=frozenset(), themas=frozenset(), res_code=gemeente_region(session, gm),
                     soort="")  # fmt: skip
    return _rangschik(session, user, doel, None, limit)


def gekoppelde_items(session: Session, user: User | None, item: Kennisitem) -> list[Kennisitem]:
    """The readable items linked from ``item``'s links (``{"kennisitem": id}``, used by retrospectives)."""
    ids = [int(x["kennisitem"]) for x in nw.json_list(item.links)
           if isinstance(x, dict) and str(x.get("kennisitem", "")).isdigit()]  # fmt: skip
    if not ids:
        return []
    found = {k.id: k for k in session.scalars(select(Kennisitem).where(Kennisitem.id.in_(ids),
                                                                        leesbaar_filter(session, user)))}  # fmt: skip
    return [found[i] for i in ids if i in found]


# ------------------------------------------------------------------------------------------------ retrospectives


def _bijeenkomst(session: Session, bijeenkomst_id: object) -> Bijeenkomst:
    ident = nw.as_id(bijeenkomst_id, "bijeenkomst", "meeting")
    b = session.get(Bijeenkomst, ident)
    if b is None:
        raise nw.not_found("bijeenkomst", "meeting", bijeenkomst_id)
    return b


def _terugblik_item(session: Session, b: Bijeenkomst) -> Kennisitem | None:
    return session.scalar(select(Kennisitem).where(Kennisitem.bijeenkomst_id == b.id, Kennisitem.soort == "terugblik")
                          .order_by(Kennisitem.id).limit(1))  # fmt: skip


def terugblik(session: Session, user: User | None, bijeenkomst_id: int) -> Kennisitem | None:
    """The retrospective of a meeting when there is one the user may read (404 for an unknown meeting)."""
    b = _bijeenkomst(session, bijeenkomst_id)
    item = _terugblik_item(session, b)
    return item if item is not None and can_read_item(session, user, item) else None


def terugblik_opslaan(session: Session, user: User | None, bijeenkomst_id: int, data: Mapping[str, Any]) -> Kennisitem:
    """Create or change the retrospective of a meeting (only who manages the meeting, only after it started).
    ``data``: titel (default "Terugblik: <meeting>"), samenvatting, inhoud, kennisitems (ids, linked), casussen,
    links, themas, zichtbaarheid (default leden; regio for a regional meeting), status (concept|gepubliceerd) and
    optionally versie."""
    from warmteregio.services import bijeenkomsten

    u = nw.require_member(user)
    b = _bijeenkomst(session, bijeenkomst_id)
    if not bijeenkomsten.can_manage(session, u, b):
        raise nw.forbidden("alleen wie de bijeenkomst beheert, mag de terugblik schrijven",
                           "only who manages the meeting may write the retrospective")  # fmt: skip
    if nw.aware(b.start) > nw.now():
        raise NetwerkError("een terugblik kan pas als de bijeenkomst begonnen is",
                           "a retrospective can only be written once the meeting has started", 409)  # fmt: skip
    item = _terugblik_item(session, b)
    if item is not None:
        nw.check_versie(item.versie, data.get("versie"), "de terugblik", "the retrospective")
    f = Fouten()
    linked = _ids(f, "kennisitems", data.get("kennisitems"), ("kennisitems", "knowledge items"))
    if linked:
        readable = set(session.scalars(select(Kennisitem.id).where(Kennisitem.id.in_(linked),
                                                                   leesbaar_filter(session, u))))  # fmt: skip
        for i in linked:
            if i not in readable or (item is not None and i == item.id):
                f.add("kennisitems", f"kennisitem {i} bestaat niet of is niet leesbaar",
                      f"knowledge item {i} does not exist or is not readable")  # fmt: skip
    f.raise_if_any()
    fields: dict[str, Any] = {k: data[k] for k in ("titel", "samenvatting", "inhoud", "casussen", "links", "themas",
                                                   "zichtbaarheid", "status") if k in data}  # fmt: skip
    if item is None:
        fields.setdefault("titel", f"Terugblik: {b.titel}"[: nm.MAX_TITEL])
        fields.setdefault("zichtbaarheid", "regio" if b.doelgroep == "regio" and b.res_code else "leden")
        fields.setdefault("status", "concept")
    elif not nw.strip(fields.get("titel", item.titel)):
        fields["titel"] = f"Terugblik: {b.titel}"[: nm.MAX_TITEL]
    fields["soort"] = "terugblik"
    if item is None:
        fields.setdefault("auteur_naam", u.naam)
    values = _validate(session, u, fields, item, vaste_regio=b.res_code)
    existing = nw.json_list(item.links) if item is not None else []
    urls = values["links"] if "links" in values else [x for x in existing if isinstance(x, dict) and "url" in x]
    keep = linked if "kennisitems" in data else [
        int(x["kennisitem"]) for x in existing if isinstance(x, dict) and str(x.get("kennisitem", "")).isdigit()
    ]  # fmt: skip
    values["links"] = [*urls, *({"kennisitem": i} for i in keep)]
    moment = nw.now()
    if item is None:
        item = Kennisitem(auteur_id=u.id, bijeenkomst_id=b.id, res_code=b.res_code, gemaakt=moment, gewijzigd=moment,
                          gewijzigd_door_id=u.id, versie=1)  # fmt: skip
        _apply(item, values)
        _published(item, moment)
        session.add(item)
        session.flush()
        _index(session, item)
        nw.audit(session, u, "maak", "kennisitem", item.id, res_code=item.res_code, soort="terugblik",
                 bijeenkomst=b.id, status=item.status)  # fmt: skip
        return item
    changed = _apply(item, values)
    if changed:
        item.versie += 1
        item.gewijzigd = moment
        item.gewijzigd_door_id = u.id
        _published(item, moment)
        session.flush()
        _index(session, item)
        actie = "publiceer" if "status" in changed and item.status == "gepubliceerd" else "wijzig"
        nw.audit(session, u, actie, "kennisitem", item.id, res_code=item.res_code, soort="terugblik",
                 bijeenkomst=b.id, velden=changed)  # fmt: skip
    return item


# --------------------------------------------------------------------------------------------- questions & answers


def can_see_vraag(session: Session, user: User | None, vraag: Vraag) -> bool:
    u = nw.member(user)
    if u is None:
        return False
    if vraag.zichtbaarheid != "regio" or _is_admin(u) or vraag.auteur_id == u.id:
        return True
    return nw.in_region(session, u, vraag.res_code)


def can_mark_best(session: Session, user: User | None, vraag: Vraag) -> bool:
    u = nw.member(user)
    if u is None:
        return False
    return vraag.auteur_id == u.id or nw.can_manage_region(u, vraag.res_code) or _is_admin(u)


def _vraag_filter(session: Session, user: User) -> ColumnElement[bool]:
    if _is_admin(user):
        return true()
    region = nw.user_region(session, user)
    regional = and_(Vraag.zichtbaarheid == "regio", Vraag.res_code == region) if region else false()
    return or_(Vraag.zichtbaarheid != "regio", Vraag.auteur_id == user.id, regional)


def list_vragen(session: Session, user: User | None, *, status: str | None = None, regio: str | None = None,
                thema: str | None = None) -> list[Vraag]:  # fmt: skip
    """Questions the member may see, newest first."""
    u = nw.require_member(user)
    status, regio, thema = nw.strip(status), nw.strip(regio), nw.strip(thema)
    stmt = select(Vraag).where(_vraag_filter(session, u))
    if status:
        stmt = stmt.where(Vraag.status == status)
    if regio:
        stmt = stmt.where(Vraag.res_code == regio.strip().upper())
    if thema:
        stmt = stmt.where(_like_json(Vraag.themas, thema))
    return list(session.scalars(stmt.order_by(Vraag.gemaakt.desc(), Vraag.id.desc())))


def get_vraag(session: Session, user: User | None, vraag_id: int) -> Vraag:
    u = nw.require_member(user)
    ident = nw.as_id(vraag_id, "vraag", "question")
    vraag = session.get(Vraag, ident)
    if vraag is None:
        raise nw.not_found("vraag", "question", vraag_id)
    if not can_see_vraag(session, u, vraag):
        raise nw.forbidden(f"vraag {vraag.id} is alleen voor leden van regio {vraag.res_code}",
                           f"question {vraag.id} is for members of region {vraag.res_code} only")  # fmt: skip
    return vraag


def stel_vraag(session: Session, user: User | None, data: Mapping[str, Any]) -> Vraag:
    """A member asks a question: titel*, tekst*, themas, zichtbaarheid (regio|leden, default leden), res_code
    (default the member's region; required for regio)."""
    u = nw.require_member(user)
    f = Fouten()
    titel = nw.text_field(f, "titel", data.get("titel"), max_len=nm.MAX_TITEL, required=True, label=("titel", "title"))
    tekst = nw.text_field(f, "tekst", data.get("tekst"), max_len=MAX_ANTWOORD, required=True, label=("tekst", "text"))
    themas = nw.tags_field(f, "themas", data.get("themas"), max_items=nm.MAX_TAGS, label=("thema's", "themes"))
    zicht = nw.choice(f, "zichtbaarheid", data.get("zichtbaarheid") or "leden", nm.VRAAG_ZICHTBAARHEDEN,
                      label=("zichtbaarheid", "visibility"))  # fmt: skip
    if "res_code" in data and nw.strip(data.get("res_code")):
        res = nw.res_code_field(session, f, "res_code", data.get("res_code"))
    else:
        res = nw.user_region(session, u)
    if zicht == "regio":
        if res is None:
            f.add("res_code", "kies een regio voor een vraag aan de leden van een regio",
                  "choose a region for a question to the members of one region")  # fmt: skip
        elif not nw.in_region(session, u, res):
            f.add("res_code", f"u bent geen lid van regio {res}", f"you are not a member of region {res}")
    f.raise_if_any()
    moment = nw.now()
    vraag = Vraag(titel=titel, tekst=tekst, auteur_id=u.id, res_code=res, themas=nw.dump_list(themas),
                  zichtbaarheid=zicht, status="open", versie=1, gemaakt=moment, gewijzigd=moment)  # fmt: skip
    session.add(vraag)
    session.flush()
    nw.audit(session, u, "maak", "vraag", vraag.id, res_code=res, zichtbaarheid=zicht)
    return vraag


def beantwoord(session: Session, user: User | None, vraag_id: int, tekst: str) -> Antwoord:
    """A member who can see the question answers it."""
    u = nw.require_member(user)
    vraag = get_vraag(session, u, vraag_id)
    f = Fouten()
    body = nw.text_field(f, "tekst", tekst, max_len=MAX_ANTWOORD, required=True, label=("antwoord", "answer"))
    f.raise_if_any()
    moment = nw.now()
    antwoord = Antwoord(vraag_id=vraag.id, tekst=body, auteur_id=u.id, gemaakt=moment, gewijzigd=moment)
    session.add(antwoord)
    vraag.gewijzigd = moment
    session.flush()
    nw.audit(session, u, "maak", "antwoord", antwoord.id, res_code=vraag.res_code, vraag=vraag.id)
    return antwoord


def handtekening(naam: str) -> str:
    """The line naming the author of the best answer below it in a question-and-answer item (erasure of a person
    removes it again: :func:`warmteregio.services.netwerk_leden.wis_persoon`)."""
    return f"\n\n*— {naam}*"


def markeer_beste(session: Session, user: User | None, vraag_id: int, antwoord_id: int) -> Kennisitem:
    """Mark the best answer (the question's author, administrators, the region's coordinator): the question and
    that answer become (or update) a knowledge item of soort ``vraag_antwoord``, findable by search."""
    u = nw.require_member(user)
    vraag = get_vraag(session, u, vraag_id)
    if not can_mark_best(session, u, vraag):
        raise nw.forbidden("alleen wie de vraag stelde, beheerders en de coördinator van de regio kiezen het beste "
                           "antwoord", "only the asker, administrators and the region's coordinator choose the best "
                           "answer")  # fmt: skip
    aid = nw.as_id(antwoord_id, "antwoord", "answer")
    antwoord = session.get(Antwoord, aid)
    if antwoord is None or antwoord.vraag_id != vraag.id:
        raise nw.not_found("antwoord", "answer", antwoord_id)
    moment = nw.now()
    auteur = session.get(User, antwoord.auteur_id) if antwoord.auteur_id else None
    inhoud = (f"{vraag.tekst}\n\n## Beste antwoord\n\n{antwoord.tekst}"
              + (handtekening(auteur.naam) if auteur is not None and auteur.actief else ""))  # fmt: skip
    item = session.get(Kennisitem, vraag.kennisitem_id) if vraag.kennisitem_id else None
    values = {
        "soort": "vraag_antwoord", "titel": vraag.titel[: nm.MAX_TITEL], "samenvatting": "",
        "inhoud": inhoud[: nm.MAX_INHOUD], "themas": nw.json_list(vraag.themas), "res_code": vraag.res_code,
        "zichtbaarheid": vraag.zichtbaarheid, "status": "gepubliceerd",
    }  # fmt: skip
    if item is None:
        item = Kennisitem(auteur_id=vraag.auteur_id, vraag_id=vraag.id, gemaakt=moment, gewijzigd=moment,
                          gewijzigd_door_id=u.id, versie=1)  # fmt: skip
        _apply(item, values)
        _published(item, moment)
        session.add(item)
        session.flush()
        actie = "maak"
    else:
        if _apply(item, values):
            item.versie += 1
        item.gewijzigd, item.gewijzigd_door_id = moment, u.id
        _published(item, moment)
        actie = "wijzig"
    vraag.beste_antwoord_id = antwoord.id
    vraag.kennisitem_id = item.id
    vraag.status = "beantwoord"
    vraag.versie += 1
    vraag.gewijzigd = moment
    session.flush()
    _index(session, item)
    nw.audit(session, u, "wijzig", "vraag", vraag.id, res_code=vraag.res_code, beste_antwoord=antwoord.id)
    nw.audit(session, u, actie, "kennisitem", item.id, res_code=item.res_code, soort="vraag_antwoord", vraag=vraag.id)
    return item


# --------------------------------------------------------------------------------------- import of retrospectives

IMPORT_KOLOMMEN = ("titel", "datum", "locatie", "regio", "doelgroep", "tekst", "themas", "links")


def _read_table(data: bytes, bestandsnaam: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(lower-case header, [(row number, cells)]) of a CSV or XLSX import file (:func:`netwerk.read_table`)."""
    return nw.read_table(data, bestandsnaam)


def _cell(row: list[Any], header: list[str], name: str) -> Any:
    if name not in header:
        return None
    i = header.index(name)
    return row[i] if i < len(row) else None


def import_terugblikken(session: Session, user: User | None, inhoud: bytes, *,
                        bestandsnaam: str = "terugblikken.csv") -> dict[str, Any]:  # fmt: skip
    """Import retrospectives of past meetings from a CSV or XLSX (columns :data:`IMPORT_KOLOMMEN`; themas and
    links separated by ``|``): per row a past meeting (status gepland) and its published retrospective.
    Administrators for any region; coordinators for their own. All or nothing: any bad row refuses the file
    (400, ``fouten`` with ``rij``) and nothing is written."""
    u = nw.require_member(user)
    if not (_is_admin(u) or nw.is_coordinator(u)):
        raise nw.forbidden("alleen beheerders en regiocoördinatoren importeren terugblikken",
                           "only administrators and regional coordinators import retrospectives")  # fmt: skip
    header, body = _read_table(inhoud, bestandsnaam)
    missing = [c for c in ("titel", "datum", "tekst") if c not in header]
    if missing:
        raise NetwerkError(f"kolommen ontbreken: {', '.join(missing)}", f"missing columns: {', '.join(missing)}",
                           400, veld="bestand")  # fmt: skip
    if not body:
        raise NetwerkError("het bestand bevat geen rijen", "the file has no rows", 400, veld="bestand")
    today = nw.now().astimezone(AMSTERDAM).date()
    all_errors: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for rij, cells in body:
        f = Fouten()

        def get(name: str, cells: list[Any] = cells) -> Any:
            return _cell(cells, header, name)

        titel = nw.text_field(f, "titel", get("titel"), max_len=200, required=True, label=("titel", "title"))
        raw_datum = get("datum")
        datum = raw_datum.date() if isinstance(raw_datum, datetime) else raw_datum
        datum = nw.date_field(f, "datum", datum, required=True, label=("datum", "date"))
        if datum is not None and datum >= today:
            f.add("datum", f"de datum {datum} ligt niet in het verleden", f"the date {datum} is not in the past")
        locatie = nw.text_field(f, "locatie", get("locatie"), max_len=300, label=("locatie", "location"))
        regio = nw.res_code_field(session, f, "regio", get("regio"))
        if regio is None and nw.is_coordinator(u) and not nw.strip(get("regio")):
            regio = u.res_code
        if regio is not None and not nw.can_manage_region(u, regio):
            f.add("regio", f"u mag geen terugblikken voor regio {regio} importeren",
                  f"you may not import retrospectives for region {regio}")  # fmt: skip
        doelgroep = nw.choice(f, "doelgroep", get("doelgroep") or ("regio" if regio else "coordinatoren"),
                              nm.DOELGROEPEN, label=("doelgroep", "audience"))  # fmt: skip
        if doelgroep == "regio" and regio is None:
            f.add("regio", "een bijeenkomst voor één regio heeft een regio nodig", "a regional meeting needs a region")
        tekst = nw.text_field(f, "tekst", get("tekst"), max_len=nm.MAX_INHOUD, required=True, label=("tekst", "text"))
        themas_raw = nw.strip(get("themas"))
        themas = nw.tags_field(f, "themas", themas_raw.split("|") if themas_raw else None, max_items=nm.MAX_TAGS,
                               label=("thema's", "themes"))  # fmt: skip
        links_raw = nw.strip(get("links"))
        links = _links(f, [p for p in links_raw.split("|")] if links_raw else None)
        for e in f.items:
            all_errors.append({"rij": rij, **e})
        rows.append({"titel": titel, "datum": datum, "locatie": locatie, "regio": regio, "doelgroep": doelgroep,
                     "tekst": tekst, "themas": themas, "links": links})  # fmt: skip
    if all_errors:
        n = len({e["rij"] for e in all_errors})
        eerste = all_errors[:10]
        raise NetwerkError(
            f"{n} rij(en) met fouten; niets geïmporteerd: " + "; ".join(f"rij {e['rij']}: {e['nl']}" for e in eerste),
            f"{n} row(s) with errors; nothing imported: " + "; ".join(f"row {e['rij']}: {e['en']}" for e in eerste),
            400,
            all_errors,
        )
    moment = nw.now()
    items = []
    for r in rows:
        start = datetime.combine(r["datum"], time(10, 0), AMSTERDAM).astimezone(UTC)
        eind = datetime.combine(r["datum"], time(16, 0), AMSTERDAM).astimezone(UTC)
        b = Bijeenkomst(titel=r["titel"], omschrijving="", start=start, eind=eind, locatie=r["locatie"],
                        doelgroep=r["doelgroep"], res_code=r["regio"], status="gepland", organisator_id=u.id,
                        ical_sequence=0, versie=1, gemaakt=moment, gewijzigd=moment)  # fmt: skip
        session.add(b)
        session.flush()
        item = Kennisitem(
            soort="terugblik", titel=f"Terugblik: {r['titel']}"[: nm.MAX_TITEL], samenvatting="", inhoud=r["tekst"],
            auteur_id=u.id, auteur_naam=u.naam, res_code=r["regio"], themas=nw.dump_list(r["themas"]),
            links=nw.dump_list(r["links"]), zichtbaarheid="regio" if r["doelgroep"] == "regio" else "leden",
            status="gepubliceerd", bijeenkomst_id=b.id, gepubliceerd_op=start, versie=1, gemaakt=moment,
            gewijzigd=moment, gewijzigd_door_id=u.id,
        )  # fmt: skip
        session.add(item)
        items.append(item)
    session.flush()
    bulk_index(session, items)
    nw.audit(session, u, "import", "terugblik", None, res_code=u.res_code if nw.is_coordinator(u) else None,
             aantal=len(items), bestandsnaam=PurePath(bestandsnaam or "").name)  # fmt: skip
    return {"aangemaakt": len(items), "fouten": []}


__all__ = [
    "Treffer", "Zoekresultaat", "add_bijlage", "beantwoord", "bulk_index", "can_edit_item", "can_mark_best",
    "can_read_item", "can_see_vraag", "create_item", "delete_bijlage", "delete_item", "fragment", "gekoppelde_items",
    "gerelateerd", "gerelateerd_voor_buurt", "get_bijlage", "get_item", "get_vraag", "handtekening",
    "import_terugblikken", "leesbaar_filter", "list_bijlagen", "list_items", "list_vragen", "markeer_beste", "reindex",
    "stel_vraag", "terugblik", "terugblik_opslaan", "update_item", "zoek", "zoekteksten",
]  # fmt: skip
