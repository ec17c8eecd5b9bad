"""The knowledge base of the regional network (issue 7): knowledge items with full-text search in Dutch,
attachments, related items, the retrospective of a meeting, and questions and answers.

Reading follows the item's visibility: ``publiek`` and published items are readable by everybody; ``leden``
items by members (logged-in users); ``regio`` items by members of that region; ``prive`` items by the author;
drafts by the author and the editors of the region. Questions and answers are for members only. Changes need a
session, the ``X-CSRF-Token`` header and the right to edit; an edit carries the item's ``versie`` (in the body,
a query parameter or ``If-Match``) and a stale one gives 409. Attachments are checked by content (PDF, DOCX,
XLSX; photos PNG or JPEG) and only ever served as downloads (photos as images) with ``nosniff`` and a sandboxing
CSP, never as HTML. Thin over :mod:`warmteregio.services.kennis`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.responses import Response

from warmteregio.domain.codes import normalise_buurtcode, normalise_rescode
from warmteregio.network import model as nm
from warmteregio.network.model import (
    KENNIS_SOORTEN,
    KENNIS_STATUSES,
    VRAAG_STATUSES,
    VRAAG_ZICHTBAARHEDEN,
    ZICHTBAARHEDEN,
)
from warmteregio.services import kennis as service
from warmteregio.services import netwerk
from warmteregio.services.queries import Page
from warmteregio.store.models import User
from warmteregio.web import auth
from warmteregio.web.api.common import (
    WRITE_RESPONSES,
    PageParams,
    bad_request,
    check_code,
    etag,
    if_match_versie,
    list_body,
    netwerk_call,
    page_params,
    require_login,
    require_write_session,
)
from warmteregio.web.api.netwerk import TEKST
from warmteregio.web.api.problems import ApiProblem
from warmteregio.web.api.schemas import Lijst, Link, Schema
from warmteregio.web.deps import get_db

router = APIRouter()

API_PREFIX = "/api/v1"
TAG = "Kennisbank"
TAG_VRAGEN = "Vragen"
MAX_ID = 2_147_483_647
#: Room for the multipart envelope and the other form fields on top of the file itself [bytes].
UPLOAD_MARGE = 256 * 1024
#: The media types an attachment may be served as; anything else goes out as application/octet-stream.
VEILIGE_TYPES = frozenset({
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/png",
    "image/jpeg",
})  # fmt: skip
FOTO_TYPES = frozenset({"image/png", "image/jpeg"})

#: A row id in a request body (INTEGER): a larger number is a 422, never a database error.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
KENNISITEMID = Path(ge=1, le=MAX_ID, description="Nummer van het kennisitem.")
BIJLAGEID = Path(ge=1, le=MAX_ID, description="Nummer van de bijlage.")
BIJEENKOMSTID = Path(ge=1, le=MAX_ID, description="Nummer van de bijeenkomst.")
VRAAGID = Path(ge=1, le=MAX_ID, description="Nummer van de vraag.")
READ_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Niet ingelogd (het item is alleen voor leden)."},
    403: {"description": "Geen toestemming om dit te lezen."},
}
MEMBER_RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "Niet ingelogd: alleen voor leden."}}
CONFLICT_409 = {409: {"description": "De versie klopt niet: het item is intussen gewijzigd."}}

Soort = Literal["studie", "praktijkverhaal", "handreiking", "sjabloon", "workshopcasus", "terugblik", "vraag_antwoord"]
Zichtbaarheid = Literal["prive", "regio", "leden", "publiek"]
VraagZichtbaarheid = Literal["regio", "leden"]
Status = Literal["concept", "gepubliceerd"]
VraagStatus = Literal["open", "beantwoord"]
assert set(Soort.__args__) == set(KENNIS_SOORTEN)  # type: ignore[attr-defined]
assert set(Zichtbaarheid.__args__) == set(ZICHTBAARHEDEN)  # type: ignore[attr-defined]
assert set(VraagZichtbaarheid.__args__) == set(VRAAG_ZICHTBAARHEDEN)  # type: ignore[attr-defined]
assert set(Status.__args__) == set(KENNIS_STATUSES)  # type: ignore[attr-defined]
assert set(VraagStatus.__args__) == set(VRAAG_STATUSES)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ schemas


class _Invoer(Schema):
    model_config = ConfigDict(**Schema.model_config, extra="forbid")  # an unknown field is an error


class KennisLink(Schema):
    """Een link naar een webpagina of document elders."""

    titel: str | None = Field(default=None, max_length=300)
    url: str = Field(max_length=2000, description="Adres (http, https of mailto).")


class KennisBijlage(Schema):
    """Een bijlage van een kennisitem: een document (PDF, DOCX, XLSX) of een foto (PNG, JPEG)."""

    id: int
    soort: Literal["document", "foto"]
    bestandsnaam: str
    mediatype: str = Field(description="Het type zoals vastgesteld uit de inhoud.")
    grootte: int = Field(description="Grootte in bytes.")
    sha256: str = Field(description="SHA-256 van de inhoud.")
    beschrijving: str | None = Field(default=None, description="Beschrijving; bij een foto de alternatieve tekst.")
    gemaakt: datetime | None = None
    href: str = Field(description="Downloadadres.")


class KennisBijlageLijst(Schema):
    """De bijlagen van een kennisitem."""

    resultaten: list[KennisBijlage]


class KennisitemLinks(Schema):
    """Links van een kennisitem."""

    self_: Link = Field(alias="self", description="Dit item.")
    bijlagen: Link = Field(description="De bijlagen.")
    gerelateerd: Link = Field(description="Verwante items met de reden.")
    pagina: Link = Field(description="De webpagina van het item.")


class KennisitemKort(Schema):
    """Een kennisitem zonder de volledige inhoud (in lijsten)."""

    id: int
    soort: Soort
    titel: str
    samenvatting: str = ""
    auteur_naam: str | None = None
    res_code: str | None = Field(default=None, description="RES-regio van het item.")
    gemeente_code: str | None = None
    themas: list[str] = Field(default_factory=list)
    zichtbaarheid: Zichtbaarheid
    status: Status
    gepubliceerd_op: datetime | None = None
    gewijzigd: datetime | None = None
    links: KennisitemLinks = Field(alias="_links")


class Kennisitem(KennisitemKort):
    """Een kennisitem: studie, praktijkverhaal, handreiking, sjabloon, workshopcasus, terugblik of vraag en
    antwoord, met de inhoud in Markdown, de kenmerken waarop verwante items worden gezocht en de bijlagen."""

    inhoud: str = Field(default="", description="De inhoud in Markdown (wordt veilig weergegeven, zonder HTML).")
    auteur_id: int | None = None
    buurten: list[str] = Field(default_factory=list, description="Buurtcodes waarover het item gaat.")
    strategieen: list[str] = Field(default_factory=list, description="Strategievarianten (S1a ...) of families.")
    bronnen: list[str] = Field(default_factory=list, description="Codes van warmtebronnen.")
    casussen: list[int] = Field(default_factory=list, description="Nummers van besproken casussen.")
    kennisitems: list[int] = Field(default_factory=list, description="Nummers van gekoppelde kennisitems.")
    weblinks: list[KennisLink] = Field(default_factory=list, description="Links naar elders.")
    bijeenkomst_id: int | None = Field(default=None, description="De bijeenkomst van een terugblik.")
    vraag_id: int | None = Field(default=None, description="De vraag van een vraag-en-antwoorditem.")
    versie: int = Field(description="Telt elke wijziging; nodig voor wijzigen (`versie` of `If-Match`).")
    gemaakt: datetime | None = None
    bijlagen: list[KennisBijlage] = Field(default_factory=list)


class KennisTreffer(KennisitemKort):
    """Een zoekresultaat: het item met de score en een fragment met de eerste overeenkomst."""

    score: float = Field(description="Relevantie (hoger is beter); 0 zonder zoekvraag.")
    fragment: str = Field(description="Platte tekst rond de eerste overeenkomst.")


class KennisTrefferLijst(Lijst):
    """Gepagineerde zoekresultaten, de meest relevante eerst (zonder zoekvraag de nieuwste eerst)."""

    resultaten: list[KennisTreffer]


class KennisReden(Schema):
    """Waarom een item verwant is, in twee talen."""

    nl: str
    en: str


class KennisVerwant(Schema):
    """Een verwant item met de score en de redenen (zelfde buurt, strategie, bron, thema ...)."""

    item: KennisitemKort
    score: float
    redenen: list[KennisReden]


class KennisVerwantLijst(Schema):
    """Verwante items, de sterkste eerst."""

    resultaten: list[KennisVerwant]


class KennisitemNieuw(_Invoer):
    """Een nieuw kennisitem."""

    soort: Soort
    titel: str = Field(min_length=1, max_length=300)
    samenvatting: str | None = Field(default=None, max_length=2000)
    inhoud: str | None = Field(default=None, max_length=200_000, description="Markdown.")
    auteur_naam: str | None = Field(default=None, max_length=200, description="Standaard de naam van de gebruiker.")
    res_code: str | None = Field(default=None, max_length=4, description="Standaard de regio van de gebruiker.")
    gemeente_code: str | None = Field(default=None, max_length=6)
    themas: list[str] | None = Field(default=None, max_length=30)
    buurten: list[str] | None = Field(default=None, max_length=200)
    strategieen: list[str] | None = Field(default=None, max_length=30)
    bronnen: list[str] | None = Field(default=None, max_length=30)
    casussen: list[Id] | None = Field(default=None, max_length=30)
    weblinks: list[KennisLink] | None = Field(default=None, max_length=30)
    zichtbaarheid: Zichtbaarheid
    status: Status = "gepubliceerd"


class KennisitemWijziging(_Invoer):
    """Een wijziging van een kennisitem: alleen de meegegeven velden veranderen."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (of de header `If-Match`).")
    soort: Soort | None = None
    titel: str | None = Field(default=None, min_length=1, max_length=300)
    samenvatting: str | None = Field(default=None, max_length=2000)
    inhoud: str | None = Field(default=None, max_length=200_000)
    auteur_naam: str | None = Field(default=None, max_length=200)
    res_code: str | None = Field(default=None, max_length=4)
    gemeente_code: str | None = Field(default=None, max_length=6)
    themas: list[str] | None = Field(default=None, max_length=30)
    buurten: list[str] | None = Field(default=None, max_length=200)
    strategieen: list[str] | None = Field(default=None, max_length=30)
    bronnen: list[str] | None = Field(default=None, max_length=30)
    casussen: list[Id] | None = Field(default=None, max_length=30)
    weblinks: list[KennisLink] | None = Field(default=None, max_length=30)
    zichtbaarheid: Zichtbaarheid | None = None
    status: Status | None = None


class TerugblikInvoer(_Invoer):
    """De terugblik op een bijeenkomst: tekst, gekoppelde kennisitems en casussen, links en publicatie."""

    versie: int | None = Field(default=None, ge=1, description="De versie die u las (bij een bestaande terugblik).")
    titel: str | None = Field(default=None, max_length=300, description="Standaard 'Terugblik: <titel>'.")
    samenvatting: str | None = Field(default=None, max_length=2000)
    inhoud: str | None = Field(default=None, max_length=200_000, description="Markdown.")
    kennisitems: list[Id] | None = Field(default=None, max_length=50)
    casussen: list[Id] | None = Field(default=None, max_length=50)
    weblinks: list[KennisLink] | None = Field(default=None, max_length=30)
    themas: list[str] | None = Field(default=None, max_length=30)
    zichtbaarheid: Zichtbaarheid | None = None
    status: Status | None = None


class Antwoord(Schema):
    """Een antwoord op een vraag."""

    id: int
    tekst: str
    auteur_id: int | None = None
    auteur_naam: str | None = None
    gemaakt: datetime | None = None
    beste: bool = Field(default=False, description="Of dit als beste antwoord is gemarkeerd.")


class Vraag(Schema):
    """Een vraag van een lid aan het netwerk."""

    id: int
    titel: str
    tekst: str
    auteur_id: int | None = None
    auteur_naam: str | None = None
    res_code: str | None = None
    themas: list[str] = Field(default_factory=list)
    zichtbaarheid: VraagZichtbaarheid
    status: VraagStatus
    beste_antwoord_id: int | None = None
    kennisitem_id: int | None = Field(default=None, description="Het kennisitem uit het beste antwoord.")
    aantal_antwoorden: int = 0
    gemaakt: datetime | None = None
    versie: int | None = None


class VraagDetail(Vraag):
    """Een vraag met de antwoorden, oudste eerst."""

    antwoorden: list[Antwoord]


class VraagLijst(Lijst):
    """Gepagineerde lijst van vragen, nieuwste eerst."""

    resultaten: list[Vraag]


class VraagNieuw(_Invoer):
    """Een nieuwe vraag."""

    titel: str = Field(min_length=1, max_length=300)
    tekst: str = Field(min_length=1, max_length=20_000, description="Markdown.")
    themas: list[str] | None = Field(default=None, max_length=30)
    zichtbaarheid: VraagZichtbaarheid = "leden"
    res_code: str | None = Field(default=None, max_length=4, description="Standaard de regio van de gebruiker.")


class AntwoordNieuw(_Invoer):
    """Een antwoord."""

    tekst: str = Field(min_length=1, max_length=20_000, description="Markdown.")


class BesteAntwoord(_Invoer):
    """Het antwoord dat als beste wordt gemarkeerd."""

    antwoord_id: int = Field(ge=1, le=MAX_ID)


# ------------------------------------------------------------------------------------------------ helpers


def _write(request: Request, user: User | None) -> User:
    return require_write_session(request, user)  # type: ignore[return-value]


def _versie(body: int | None, if_match: str | None, *, required: bool = True) -> int | None:
    versie = body if body is not None else if_match_versie(if_match)
    if versie is None and required:
        raise bad_request(
            "geef de versie van het item die u las (veld `versie` of de header If-Match)",
            "give the version of the item you read (field `versie` or the If-Match header)",
            "versie",
        )
    return versie


def _values(verzoek: Schema, skip: tuple[str, ...] = ("versie",)) -> dict[str, Any]:
    """The fields given in the request (snake_case); ``weblinks`` is the service's ``links``."""
    data = verzoek.model_dump(exclude_unset=True, by_alias=False)
    out = {k: v for k, v in data.items() if k not in skip}
    if "weblinks" in out:
        out["links"] = out.pop("weblinks")
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else netwerk.json_list(value)


def item_links(item_id: int) -> dict[str, dict[str, str]]:
    base = f"{API_PREFIX}/kennisitems/{item_id}"
    return {"self": {"href": base}, "bijlagen": {"href": f"{base}/bijlagen"},
            "gerelateerd": {"href": f"{base}/gerelateerd"}, "pagina": {"href": f"/kennis/{item_id}"}}  # fmt: skip


def split_links(item: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The item's ``links`` column split into web links ``{titel, url}`` and linked knowledge item ids
    (``{"kennisitem": id}``, as a retrospective stores them)."""
    web: list[dict[str, Any]] = []
    items: list[int] = []
    for link in _list(getattr(item, "links", None)):
        if isinstance(link, dict) and link.get("kennisitem") is not None:
            try:
                items.append(int(link["kennisitem"]))
            except (TypeError, ValueError):
                continue
        elif isinstance(link, dict) and link.get("url"):
            web.append({"titel": link.get("titel"), "url": str(link["url"])})
        elif isinstance(link, str) and link:
            web.append({"titel": None, "url": link})
    return web, items


def kort_body(item: Any) -> dict[str, Any]:
    fields = ("id", "soort", "titel", "auteur_naam", "res_code", "gemeente_code", "zichtbaarheid", "status",
              "gepubliceerd_op", "gewijzigd")  # fmt: skip
    body = {f: getattr(item, f, None) for f in fields}
    body["samenvatting"] = item.samenvatting or ""
    body["themas"] = _list(item.themas)
    body["_links"] = item_links(item.id)
    return body


def bijlage_body(b: Any) -> dict[str, Any]:
    fields = ("id", "soort", "bestandsnaam", "mediatype", "grootte", "sha256", "beschrijving", "gemaakt")
    body = {f: getattr(b, f, None) for f in fields}
    body["href"] = f"{API_PREFIX}/kennisitems/{b.kennisitem_id}/bijlagen/{b.id}"
    return body


def item_body(item: Any) -> dict[str, Any]:
    body = kort_body(item)
    web, items = split_links(item)
    body.update(
        inhoud=item.inhoud or "", auteur_id=item.auteur_id, buurten=_list(item.buurten),
        strategieen=_list(item.strategieen), bronnen=_list(item.bronnen),
        casussen=[int(c) for c in _list(item.casussen) if str(c).isdigit()], kennisitems=items, weblinks=web,
        bijeenkomst_id=item.bijeenkomst_id, vraag_id=item.vraag_id, versie=item.versie, gemaakt=item.gemaakt,
        bijlagen=[bijlage_body(b) for b in item.bijlagen],
    )  # fmt: skip
    return body


def verwant_body(row: Any) -> dict[str, Any]:
    item, score, redenen = row
    return {"item": kort_body(item), "score": float(score),
            "redenen": [{"nl": nl, "en": en} for nl, en in redenen]}  # fmt: skip


def attachment_response(b: Any) -> Response:
    """An attachment as a download: ``Content-Disposition: attachment`` (photos ``inline`` as image/png or
    image/jpeg), the checked media type (never HTML) and :data:`uploads.DOWNLOAD_HEADERS` (``nosniff``, a
    sandboxing CSP, private caching)."""
    from warmteregio.network import uploads

    media = b.mediatype if b.mediatype in VEILIGE_TYPES else "application/octet-stream"
    inline = b.soort == "foto" and media in FOTO_TYPES
    headers = dict(uploads.DOWNLOAD_HEADERS)
    headers["Content-Disposition"] = uploads.content_disposition(b.bestandsnaam, inline=inline)
    headers["ETag"] = f'"{b.sha256}"'
    return Response(bytes(b.inhoud), media_type=media, headers=headers)


def max_upload_bytes(soort: str = "document") -> int:
    """The size limit of an attachment (read at call time, as the upload check does)."""
    return nm.MAX_FOTO_BYTES if soort == "foto" else nm.MAX_DOCUMENT_BYTES


def upload_too_large(request: Request, limit: int) -> tuple[int, str, str] | None:
    """A refusal (status, nl, en) when the request is larger than ``limit`` plus the multipart margin, judged by
    ``Content-Length`` before anything is read (413); a missing length is refused too (411; browsers always send
    it)."""
    raw = request.headers.get("content-length")
    mb = limit / (1024 * 1024)
    if raw is None or not raw.strip().isdigit():
        return (411, "de grootte van de upload is onbekend (geen Content-Length)",
                "the size of the upload is unknown (no Content-Length)")  # fmt: skip
    if int(raw) > limit + UPLOAD_MARGE:
        return 413, f"het bestand is te groot (maximaal {mb:.0f} MB)", f"the file is too large (at most {mb:.0f} MB)"
    return None


def namen(db: Session, ids: Any) -> dict[int, str]:
    """Display names of users (for authors of questions and answers)."""
    out: dict[int, str] = {}
    for uid in {i for i in ids if i is not None}:
        u = db.get(User, uid)
        if u is not None:
            out[uid] = u.naam
    return out


def antwoord_body(a: Any, beste_id: int | None, names: dict[int, str]) -> dict[str, Any]:
    return {"id": a.id, "tekst": a.tekst, "auteur_id": a.auteur_id, "auteur_naam": names.get(a.auteur_id),
            "gemaakt": a.gemaakt, "beste": beste_id == a.id}  # fmt: skip


def vraag_body(v: Any, names: dict[int, str], *, antwoorden: bool = False) -> dict[str, Any]:
    fields = ("id", "titel", "tekst", "auteur_id", "res_code", "zichtbaarheid", "status", "beste_antwoord_id",
              "kennisitem_id", "gemaakt", "versie")  # fmt: skip
    body = {f: getattr(v, f, None) for f in fields}
    body["themas"] = _list(v.themas)
    body["auteur_naam"] = names.get(v.auteur_id)
    body["aantal_antwoorden"] = len(v.antwoorden)
    if antwoorden:
        body["antwoorden"] = [antwoord_body(a, v.beste_antwoord_id, names) for a in v.antwoorden]
    return body


def _page(pages: PageParams, max_size: int = 100) -> tuple[int, int]:
    size = pages.pagina_grootte or 20
    if size > max_size:
        raise bad_request(f"paginaGrootte is maximaal {max_size} (gegeven: {size})",
                          f"paginaGrootte is at most {max_size} (given: {size})", "paginaGrootte")  # fmt: skip
    return (pages.pagina - 1) * size, size


# ------------------------------------------------------------------------------------------------ knowledge items


@router.get(
    "/kennisitems",
    tags=[TAG],
    operation_id="zoekKennisitems",
    summary="Zoek in de kennisbank",
    description="Zoekt in de kennisbank met volledige tekst in het Nederlands: woorden worden gestemd "
    "(`warmtenetten` vindt `warmtenet`) en accenten tellen niet (`cooperatie` vindt `coöperatie`). Alle woorden "
    'moeten voorkomen; `"..."` zoekt een woordgroep, `of` tussen woorden betekent het een of het ander en `-woord` '
    "sluit uit. Met een zoekvraag de meest relevante eerst (een treffer in de titel telt zwaarder), zonder de "
    "nieuwste eerst. Filters op soort, thema, regio, buurt, strategie en bron. Alleen wat u mag lezen: zonder "
    "sessie alleen openbare, gepubliceerde items. Standaard 20 per pagina, maximaal 100.",
    response_model=KennisTrefferLijst,
)
def zoek(
    request: Request,
    q: str | None = Query(None, max_length=500, description="Zoekvraag, bijvoorbeeld `warmtenetten -hybride`."),
    soort: Soort | None = Query(None, description="Soort item."),
    thema: str | None = Query(None, max_length=60, pattern=TEKST, description="Thema, bijvoorbeeld `warmtenetten`."),
    regio: str | None = Query(None, description="RES-regiocode, bijvoorbeeld ES18."),
    buurt: str | None = Query(None, description="Buurtcode, bijvoorbeeld BU05050101."),
    strategie: str | None = Query(
        None, max_length=20, pattern=TEKST, description="Strategievariant of familie, bijvoorbeeld S1a."
    ),
    bron: str | None = Query(None, max_length=40, pattern=TEKST, description="Code van een warmtebron."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    regiocode = check_code(normalise_rescode, regio, "regio")
    buurtcode = check_code(normalise_buurtcode, buurt, "buurt")
    offset, size = _page(pages)
    uitkomst = netwerk_call(service.zoek, db, user, q, soort=soort, thema=thema, regio=regiocode, buurt=buurtcode,
                            strategie=strategie, bron=bron, limit=size, offset=offset)  # fmt: skip
    rows = [kort_body(t.item) | {"score": float(t.score or 0.0), "fragment": t.fragment or ""}
            for t in uitkomst.treffers]  # fmt: skip
    return list_body(request, Page(rows, uitkomst.totaal, pages.pagina, size), rows)


@router.post(
    "/kennisitems",
    tags=[TAG],
    operation_id="maakKennisitem",
    summary="Maak een kennisitem",
    description="Voegt een item toe aan de kennisbank: soort, titel, samenvatting, inhoud in Markdown, regio, thema's, "
    "buurten, strategieën, bronnen, casussen, links en de zichtbaarheid (privé, regio, alle leden, openbaar). Elk "
    "fout veld wordt tegelijk gemeld en er wordt dan niets bewaard. Vereist een sessie en de header "
    "`X-CSRF-Token`. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=Kennisitem,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def maak_item(
    request: Request,
    response: Response,
    verzoek: KennisitemNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    item = netwerk_call(service.create_item, db, user, _values(verzoek))
    db.commit()
    item = netwerk_call(service.get_item, db, user, item.id)
    response.headers["Location"] = f"{API_PREFIX}/kennisitems/{item.id}"
    response.headers["ETag"] = etag(item.versie)
    return item_body(item)


@router.get(
    "/kennisitems/{kennisitemid}",
    tags=[TAG],
    operation_id="haalKennisitem",
    summary="Eén kennisitem",
    description="Een kennisitem met de inhoud (Markdown), de kenmerken, de links en de bijlagen. De versie staat ook "
    "in de header `ETag` (voor `If-Match`). Een item dat u niet mag lezen geeft 401 (zonder sessie), 403 of 404.",
    response_model=Kennisitem,
    responses=READ_RESPONSES,
)
def haal_item(
    response: Response,
    kennisitemid: int = KENNISITEMID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    item = netwerk_call(service.get_item, db, user, kennisitemid)
    response.headers["ETag"] = etag(item.versie)
    return item_body(item)


@router.patch(
    "/kennisitems/{kennisitemid}",
    tags=[TAG],
    operation_id="wijzigKennisitem",
    summary="Wijzig een kennisitem",
    description="Wijzigt de meegegeven velden van een kennisitem, met de gelezen versie (`versie` of `If-Match`); een "
    "verouderde versie geeft 409 en er verandert niets. Voor de auteur, beheerders en de regiocoördinator van "
    "de regio van het item.",
    response_model=Kennisitem,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def wijzig_item(
    request: Request,
    response: Response,
    kennisitemid: int = KENNISITEMID,
    verzoek: KennisitemWijziging = Body(),
    if_match: str | None = Header(None, alias="If-Match", description='De gelezen versie, bijvoorbeeld "3".'),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    versie = _versie(verzoek.versie, if_match)
    netwerk_call(service.update_item, db, user, kennisitemid, _values(verzoek), versie=versie)
    db.commit()
    item = netwerk_call(service.get_item, db, user, kennisitemid)
    response.headers["ETag"] = etag(item.versie)
    return item_body(item)


@router.delete(
    "/kennisitems/{kennisitemid}",
    tags=[TAG],
    operation_id="verwijderKennisitem",
    summary="Verwijder een kennisitem",
    description="Verwijdert een kennisitem met de bijlagen. Voor de auteur, beheerders en de regiocoördinator van de "
    "regio van het item. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def verwijder_item(
    request: Request,
    kennisitemid: int = KENNISITEMID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    netwerk_call(service.delete_item, db, user, kennisitemid)
    db.commit()
    return Response(status_code=204)


@router.get(
    "/kennisitems/{kennisitemid}/gerelateerd",
    tags=[TAG],
    operation_id="lijstVerwanteKennisitems",
    summary="Verwante items",
    description="Items over dezelfde buurten, gemeente, strategieën, bronnen of thema's, de sterkste eerst, met "
    "de redenen in het Nederlands en het Engels. Alleen items die u mag lezen.",
    response_model=KennisVerwantLijst,
    responses=READ_RESPONSES,
)
def gerelateerd(
    kennisitemid: int = KENNISITEMID,
    limit: int = Query(5, ge=1, le=20, description="Maximaal aantal items."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    rows = netwerk_call(service.gerelateerd, db, user, kennisitemid, limit=limit)
    return {"resultaten": [verwant_body(r) for r in rows]}


# ------------------------------------------------------------------------------------------------ attachments


BIJLAGE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["bestand"],
                "properties": {
                    "bestand": {"type": "string", "format": "binary",
                                "description": "PDF, DOCX of XLSX (maximaal 20 MB); een foto PNG of JPEG (8 MB)."},
                    "soort": {"type": "string", "enum": ["document", "foto"], "default": "document"},
                    "beschrijving": {"type": "string", "maxLength": 300,
                                     "description": "Beschrijving; bij een foto verplicht (alternatieve tekst)."},
                },
            }
        }
    },
}  # fmt: skip
DOWNLOAD_CONTENT = {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "schema": {"type": "string", "format": "binary"}
    },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
}


@router.get(
    "/kennisitems/{kennisitemid}/bijlagen",
    tags=[TAG],
    operation_id="lijstKennisBijlagen",
    summary="Bijlagen van een kennisitem",
    description="De documenten en foto's van een kennisitem met type, grootte en de SHA-256 van de inhoud.",
    response_model=KennisBijlageLijst,
    responses=READ_RESPONSES,
)
def bijlagen(
    kennisitemid: int = KENNISITEMID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    item = netwerk_call(service.get_item, db, user, kennisitemid)
    return {"resultaten": [bijlage_body(b) for b in item.bijlagen]}


@router.post(
    "/kennisitems/{kennisitemid}/bijlagen",
    tags=[TAG],
    operation_id="maakKennisBijlage",
    summary="Voeg een bijlage toe",
    description="Voegt een document (PDF, DOCX of XLSX, maximaal 20 MB) of een foto (PNG of JPEG, maximaal 8 MB, met "
    "een beschrijving als alternatieve tekst) toe (multipart, veld `bestand`). Het type wordt bepaald uit de "
    "inhoud, niet uit de naam: een ander type of HTML vermomd als PDF geeft 415, een te groot bestand 413 (al op "
    "grond van `Content-Length`, voordat er iets is gelezen), een document met macro's, JavaScript of ingesloten "
    "bestanden wordt geweigerd met de reden. Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=KennisBijlage,
    responses={**WRITE_RESPONSES, 411: {"description": "Geen Content-Length."},
               413: {"description": "Bestand te groot."}, 415: {"description": "Type niet toegestaan."}},
    openapi_extra={"x-sessie": True, "requestBody": BIJLAGE_BODY},
)  # fmt: skip
async def maak_bijlage(
    request: Request,
    response: Response,
    kennisitemid: int = KENNISITEMID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    weigering = upload_too_large(request, max_upload_bytes())
    if weigering is not None:
        raise ApiProblem(*weigering)
    form = await request.form()
    bestand = form.get("bestand")
    if bestand is None or isinstance(bestand, str):
        raise bad_request("kies een bestand (veld `bestand`)", "choose a file (field `bestand`)", "bestand")
    soort = str(form.get("soort") or "document")
    if soort not in ("document", "foto"):
        raise bad_request("soort is document of foto", "soort is document or foto", "soort")
    if bestand.size is not None and bestand.size > max_upload_bytes(soort):
        mb = max_upload_bytes(soort) / (1024 * 1024)
        raise ApiProblem(413, f"het bestand is te groot (maximaal {mb:.0f} MB)",
                         f"the file is too large (at most {mb:.0f} MB)")  # fmt: skip
    data = await bestand.read()
    beschrijving = form.get("beschrijving")
    b = netwerk_call(service.add_bijlage, db, user, kennisitemid, bestand.filename or "bestand", data,
                     beschrijving=beschrijving if isinstance(beschrijving, str) else None, soort=soort)  # fmt: skip
    db.commit()
    b = netwerk_call(service.get_bijlage, db, user, kennisitemid, b.id)
    response.headers["Location"] = f"{API_PREFIX}/kennisitems/{kennisitemid}/bijlagen/{b.id}"
    return bijlage_body(b)


@router.get(
    "/kennisitems/{kennisitemid}/bijlagen/{bijlageid}",
    tags=[TAG],
    operation_id="haalKennisBijlage",
    summary="Download een bijlage",
    description="De inhoud van een bijlage als download (`Content-Disposition: attachment`; een foto `inline` als "
    "PNG of JPEG), met het gecontroleerde type, `X-Content-Type-Options: nosniff` en een sandbox-CSP; nooit als "
    "HTML. De SHA-256 van de inhoud staat in `ETag`.",
    response_class=Response,
    responses={**READ_RESPONSES, 200: {"content": DOWNLOAD_CONTENT}},
)
def haal_bijlage(
    kennisitemid: int = KENNISITEMID,
    bijlageid: int = BIJLAGEID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    return attachment_response(netwerk_call(service.get_bijlage, db, user, kennisitemid, bijlageid))


@router.delete(
    "/kennisitems/{kennisitemid}/bijlagen/{bijlageid}",
    tags=[TAG],
    operation_id="verwijderKennisBijlage",
    summary="Verwijder een bijlage",
    description="Verwijdert een bijlage van een kennisitem. Voor wie het item mag wijzigen. Antwoordt 204.",
    status_code=204,
    response_class=Response,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def verwijder_bijlage(
    request: Request,
    kennisitemid: int = KENNISITEMID,
    bijlageid: int = BIJLAGEID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> Response:
    user = _write(request, user)
    netwerk_call(service.delete_bijlage, db, user, kennisitemid, bijlageid)
    db.commit()
    return Response(status_code=204)


# ------------------------------------------------------------------------------------------------ retrospective


@router.get(
    "/bijeenkomsten/{bijeenkomstid}/terugblik",
    tags=[TAG],
    operation_id="haalTerugblik",
    summary="De terugblik op een bijeenkomst",
    description="De terugblik op een bijeenkomst als kennisitem (soort `terugblik`) met tekst, foto's en de "
    "gekoppelde kennisitems en casussen; 404 als er (nog) geen terugblik is die u mag lezen.",
    response_model=Kennisitem,
    responses=READ_RESPONSES,
)
def haal_terugblik(
    response: Response,
    bijeenkomstid: int = BIJEENKOMSTID,
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    item = netwerk_call(service.terugblik, db, user, bijeenkomstid)
    if item is None:
        raise ApiProblem(404, f"bijeenkomst {bijeenkomstid} heeft nog geen terugblik",
                         f"meeting {bijeenkomstid} has no retrospective yet")  # fmt: skip
    response.headers["ETag"] = etag(item.versie)
    return item_body(item)


@router.put(
    "/bijeenkomsten/{bijeenkomstid}/terugblik",
    tags=[TAG],
    operation_id="bewaarTerugblik",
    summary="Schrijf of wijzig de terugblik",
    description="Maakt of wijzigt de terugblik op een bijeenkomst die begonnen is: tekst in Markdown, de "
    "gekoppelde kennisitems en casussen, links, thema's, zichtbaarheid (standaard alle leden; bij een regionale "
    "bijeenkomst de regio) en status (`concept` of `gepubliceerd`). Foto's voegt u toe als bijlage van het item. "
    "Voor de organisator, beheerders en de regiocoördinator van de bijeenkomst.",
    response_model=Kennisitem,
    responses={**WRITE_RESPONSES, **CONFLICT_409},
    openapi_extra={"x-sessie": True},
)
def bewaar_terugblik(
    request: Request,
    response: Response,
    bijeenkomstid: int = BIJEENKOMSTID,
    verzoek: TerugblikInvoer = Body(),
    if_match: str | None = Header(None, alias="If-Match", description="De gelezen versie (bij een bestaande)."),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    data = _values(verzoek)
    versie = _versie(verzoek.versie, if_match, required=False)
    if versie is not None:
        data["versie"] = versie
    item = netwerk_call(service.terugblik_opslaan, db, user, bijeenkomstid, data)
    db.commit()
    item = netwerk_call(service.get_item, db, user, item.id)
    response.headers["ETag"] = etag(item.versie)
    return item_body(item)


# ------------------------------------------------------------------------------------------------ questions


@router.get(
    "/vragen",
    tags=[TAG_VRAGEN],
    operation_id="lijstVragen",
    summary="Vragen aan het netwerk",
    description="De vragen die u mag zien (alle leden, of de leden van een regio), nieuwste eerst, te filteren op "
    "status (`open`, `beantwoord`), regio en thema. Alleen voor leden.",
    response_model=VraagLijst,
    responses=MEMBER_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def vragen(
    request: Request,
    status: VraagStatus | None = Query(None, description="open of beantwoord."),
    regio: str | None = Query(None, description="RES-regiocode."),
    thema: str | None = Query(None, max_length=60, pattern=TEKST, description="Thema."),
    pages: PageParams = Depends(page_params),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    require_login(user)
    regiocode = check_code(normalise_rescode, regio, "regio")
    items = netwerk_call(service.list_vragen, db, user, status=status, regio=regiocode, thema=thema)
    offset, size = _page(pages)
    chunk = items[offset : offset + size]
    names = namen(db, [v.auteur_id for v in chunk])
    rows = [vraag_body(v, names) for v in chunk]
    return list_body(request, Page(rows, len(items), pages.pagina, size), rows)


@router.post(
    "/vragen",
    tags=[TAG_VRAGEN],
    operation_id="stelVraag",
    summary="Stel een vraag",
    description="Stelt een vraag aan het netwerk: titel, tekst (Markdown), thema's en wie hem ziet (alle leden of de "
    "leden van uw regio). Antwoordt 201 met een `Location`-header.",
    status_code=201,
    response_model=VraagDetail,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def stel_vraag(
    request: Request,
    response: Response,
    verzoek: VraagNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    v = netwerk_call(service.stel_vraag, db, user, _values(verzoek))
    db.commit()
    v = netwerk_call(service.get_vraag, db, user, v.id)
    response.headers["Location"] = f"{API_PREFIX}/vragen/{v.id}"
    return vraag_body(v, namen(db, [v.auteur_id]), antwoorden=True)


@router.get(
    "/vragen/{vraagid}",
    tags=[TAG_VRAGEN],
    operation_id="haalVraag",
    summary="Eén vraag met de antwoorden",
    description="Een vraag met de antwoorden, oudste eerst; het beste antwoord is gemarkeerd en verwijst naar het "
    "kennisitem dat eruit is gemaakt.",
    response_model=VraagDetail,
    responses={**READ_RESPONSES},
    openapi_extra={"x-sessie": True},
)
def haal_vraag(
    vraagid: int = VRAAGID, user: User | None = Depends(auth.current_user), db: Session = Depends(get_db)
) -> dict:
    v = netwerk_call(service.get_vraag, db, user, vraagid)
    return vraag_body(v, namen(db, [v.auteur_id, *(a.auteur_id for a in v.antwoorden)]), antwoorden=True)


@router.post(
    "/vragen/{vraagid}/antwoorden",
    tags=[TAG_VRAGEN],
    operation_id="beantwoordVraag",
    summary="Beantwoord een vraag",
    description="Voegt een antwoord (Markdown) toe aan een vraag die u mag zien. Antwoordt 201 met de vraag en de "
    "antwoorden.",
    status_code=201,
    response_model=VraagDetail,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def beantwoord(
    request: Request,
    response: Response,
    vraagid: int = VRAAGID,
    verzoek: AntwoordNieuw = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    netwerk_call(service.beantwoord, db, user, vraagid, verzoek.tekst)
    db.commit()
    response.headers["Location"] = f"{API_PREFIX}/vragen/{vraagid}"
    return haal_vraag(vraagid, user, db)


@router.put(
    "/vragen/{vraagid}/beste-antwoord",
    tags=[TAG_VRAGEN],
    operation_id="markeerBesteAntwoord",
    summary="Markeer het beste antwoord",
    description="Markeert een antwoord als beste; de vraag wordt `beantwoord` en het antwoord wordt een kennisitem "
    "(soort `vraag_antwoord`, met de zichtbaarheid van de vraag), dat het antwoord geeft. Opnieuw markeren werkt "
    "het item bij. Voor wie de vraag stelde, beheerders en de regiocoördinator van de regio van de vraag.",
    response_model=Kennisitem,
    responses=WRITE_RESPONSES,
    openapi_extra={"x-sessie": True},
)
def beste_antwoord(
    request: Request,
    response: Response,
    vraagid: int = VRAAGID,
    verzoek: BesteAntwoord = Body(),
    user: User | None = Depends(auth.current_user),
    db: Session = Depends(get_db),
) -> dict:
    user = _write(request, user)
    item = netwerk_call(service.markeer_beste, db, user, vraagid, verzoek.antwoord_id)
    db.commit()
    item = netwerk_call(service.get_item, db, user, item.id)
    response.headers["ETag"] = etag(item.versie)
    response.headers["Content-Location"] = f"{API_PREFIX}/kennisitems/{item.id}"
    return item_body(item)
